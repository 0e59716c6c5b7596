package api

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestETags(t *testing.T) {
	t.Parallel()
	json := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.Write([]byte(body))
		}
	}
	list := json(`{"items":[1,2,3]}`)
	first := httptest.NewRecorder()
	ETags(list).ServeHTTP(first, httptest.NewRequest("GET", "/api/v1/tenants", nil))
	etag := first.Header().Get("ETag")
	if !strings.HasPrefix(etag, `"`) || len(etag) < 10 {
		t.Fatalf("strong ETag expected, got %q", etag)
	}
	big := strings.Repeat("x", maxETagBody+1)
	tests := []struct {
		name        string
		method      string
		path        string
		ifNoneMatch []string
		handler     http.Handler
		wantStatus  int
		wantETag    string // "-": none, "": the list's
		wantBody    string // "-": any
	}{
		{name: "list without condition", handler: list, wantStatus: 200, wantBody: `{"items":[1,2,3]}`},
		{name: "list with its ETag", ifNoneMatch: []string{etag}, handler: list, wantStatus: 304, wantBody: ""},
		{name: "ETag among others", ifNoneMatch: []string{`"a", ` + etag}, handler: list, wantStatus: 304, wantBody: ""},
		{name: "ETag in a second header line", ifNoneMatch: []string{`"a"`, etag}, handler: list, wantStatus: 304, wantBody: ""},
		{name: "weak form of the ETag", ifNoneMatch: []string{"W/" + etag}, handler: list, wantStatus: 304, wantBody: ""},
		{name: "any", ifNoneMatch: []string{"*"}, handler: list, wantStatus: 304, wantBody: ""},
		{name: "other ETag", ifNoneMatch: []string{`"abc"`}, handler: list, wantStatus: 200, wantBody: `{"items":[1,2,3]}`},
		{name: "changed body, old ETag", ifNoneMatch: []string{etag}, handler: json(`{"items":[1,2,3,4]}`),
			wantStatus: 200, wantETag: "changed", wantBody: `{"items":[1,2,3,4]}`},
		{name: "not GET", method: "POST", handler: list, wantStatus: 200, wantETag: "-", wantBody: `{"items":[1,2,3]}`},
		{name: "outside the API", path: "/admin/", ifNoneMatch: []string{etag}, handler: list, wantStatus: 200, wantETag: "-", wantBody: "-"},
		{name: "error answer", ifNoneMatch: []string{"*"}, handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.WriteHeader(http.StatusNotFound)
			w.Write([]byte(`{"status":404}`))
		}), wantStatus: 404, wantETag: "-", wantBody: `{"status":404}`},
		{name: "handler's own ETag", ifNoneMatch: []string{etag}, handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("ETag", `"v7"`)
			w.Write([]byte("x"))
		}), wantStatus: 200, wantETag: `"v7"`, wantBody: "x"},
		{name: "stream", handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Write([]byte("a"))
			w.(http.Flusher).Flush()
			w.Write([]byte("b"))
		}), wantStatus: 200, wantETag: "-", wantBody: "ab"},
		{name: "too large to hold back", handler: json(big), wantStatus: 200, wantETag: "-", wantBody: big},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			method, path := tt.method, tt.path
			if method == "" {
				method = "GET"
			}
			if path == "" {
				path = "/api/v1/tenants"
			}
			r := httptest.NewRequest(method, path, nil)
			for _, v := range tt.ifNoneMatch {
				r.Header.Add("If-None-Match", v)
			}
			w := httptest.NewRecorder()
			ETags(tt.handler).ServeHTTP(w, r)
			if w.Code != tt.wantStatus {
				t.Errorf("status %d, want %d", w.Code, tt.wantStatus)
			}
			got := w.Header().Get("ETag")
			switch tt.wantETag {
			case "-":
				if got != "" {
					t.Errorf("ETag %q, want none", got)
				}
			case "":
				if got != etag {
					t.Errorf("ETag %q, want %q", got, etag)
				}
			case "changed":
				if got == "" || got == etag {
					t.Errorf("ETag %q, want a new one", got)
				}
			default:
				if got != tt.wantETag {
					t.Errorf("ETag %q, want %q", got, tt.wantETag)
				}
			}
			if tt.wantBody != "-" && w.Body.String() != tt.wantBody {
				t.Errorf("body %.40q (%d bytes), want %.40q (%d bytes)", w.Body.String(), w.Body.Len(), tt.wantBody, len(tt.wantBody))
			}
			if w.Code == 304 && w.Header().Get("Cache-Control") != "private, no-cache" {
				t.Errorf("Cache-Control %q on 304", w.Header().Get("Cache-Control"))
			}
		})
	}
}
