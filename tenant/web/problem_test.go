package web

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestWriteProblem(t *testing.T) {
	tests := []struct {
		name          string
		status        int
		title, detail string
		want          problem
	}{
		{"full", 422, "Ungültige Eingabe", "Das Feld „Name“ fehlt.", problem{"about:blank", "Ungültige Eingabe", 422, "Das Feld „Name“ fehlt.", "/api/antraege"}},
		{"default title", 404, "", "", problem{"about:blank", "Not Found", 404, "", "/api/antraege"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			w := httptest.NewRecorder()
			WriteProblem(w, httptest.NewRequest(http.MethodPost, "/api/antraege?token=geheim", nil), tt.status, tt.title, tt.detail)
			if w.Code != tt.status {
				t.Errorf("status %d", w.Code)
			}
			if ct := w.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("Content-Type %q", ct)
			}
			var got problem
			if err := json.Unmarshal(w.Body.Bytes(), &got); err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("problem %+v, want %+v", got, tt.want)
			}
			var raw map[string]any
			_ = json.Unmarshal(w.Body.Bytes(), &raw)
			if _, ok := raw["detail"]; ok != (tt.detail != "") {
				t.Errorf("detail present = %v: %s", ok, w.Body.String())
			}
		})
	}
}
