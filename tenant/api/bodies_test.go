package api

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/danielgtaylor/huma/v2"
	"github.com/danielgtaylor/huma/v2/humatest"
)

func TestCheckShape(t *testing.T) {
	t.Parallel()
	entries := func(n int) string { // {"a":[0,0,…]} holds n entries
		return `{"a":[` + strings.TrimSuffix(strings.Repeat("0,", n-1), ",") + `]}`
	}
	tests := []struct {
		name   string
		body   string
		status int
	}{
		{"empty", ``, 0},
		{"a login", `{"email":"a@b.de","password":"geheim"}`, 0},
		{"empty containers count nothing", `{"a":[],"b":{},"c":[{},[]]}`, 0},
		{"exactly the entry limit", entries(MaxBodyEntries), 0},
		{"one entry too many", entries(MaxBodyEntries + 1), 413},
		{"commas inside strings do not count", `{"a":"` + strings.Repeat(",", 3*MaxBodyEntries) + `"}`, 0},
		{"escaped quotes keep the string open", `{"a":"\",` + strings.Repeat(",", 3*MaxBodyEntries) + `"}`, 0},
		{"exactly the depth limit", strings.Repeat("[", MaxBodyDepth) + strings.Repeat("]", MaxBodyDepth), 0},
		{"one level too deep", strings.Repeat("[", MaxBodyDepth+1) + strings.Repeat("]", MaxBodyDepth+1), 413},
		{"brackets inside strings do not nest", `{"a":"` + strings.Repeat("[", 100) + `"}`, 0},
		{"a NUL escape", `{"name":"a\u0000b"}`, 422},
		{"an escaped backslash before u0000 is text", `{"name":"a\\u0000b"}`, 0},
		{"a NUL escape in a key", `{"\u0000":1}`, 422},
		{"other escapes", `{"name":"\u0001\u00e4\n"}`, 0},
		{"broken JSON is the decoder's", `{"a":[[[`, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if status, msg := checkShape([]byte(tt.body)); status != tt.status {
				t.Errorf("status %d (%s), want %d", status, msg, tt.status)
			}
		})
	}
}

// TestCheckBodies runs the middleware in front of a huma operation: bodies
// within the limits reach the handler unchanged, the others are refused
// before huma decodes them.
func TestCheckBodies(t *testing.T) {
	t.Parallel()
	_, api := humatest.New(t)
	api.UseMiddleware(CheckBodies(api))
	type input struct {
		Body struct {
			Name  string `json:"name" maxLength:"100"`
			Items []int  `json:"items,omitempty"`
		}
	}
	var seen string
	huma.Register(api, huma.Operation{OperationID: "putThing", Method: http.MethodPut, Path: "/things", MaxBodyBytes: 64 << 10},
		func(_ context.Context, in *input) (*struct{}, error) {
			seen = in.Body.Name
			return nil, nil
		})
	huma.Register(api, huma.Operation{OperationID: "upload", Method: http.MethodPost, Path: "/upload"},
		func(_ context.Context, in *struct{ RawBody []byte }) (*struct{}, error) {
			seen = string(in.RawBody)
			return nil, nil
		})
	items := func(n int) string { return strings.TrimSuffix(strings.Repeat("1,", n), ",") }
	tests := []struct {
		name, path, contentType, body string
		status                        int
		seen                          string
	}{
		{"a valid body", "/things", "application/json", `{"name":"Harz"}`, 204, "Harz"},
		{"no content type", "/things", "", `{"name":"Börde"}`, 204, "Börde"},
		{"a merge patch", "/things", "application/merge-patch+json", `{"name":"Stendal"}`, 204, "Stendal"},
		{"many items", "/things", "application/json", `{"name":"x","items":[` + items(MaxBodyEntries+1) + `]}`, 413, ""},
		{"a NUL character", "/things", "application/json", `{"name":"a\u0000"}`, 422, ""},
		{"at the size limit: huma's 413", "/things", "application/json", `{"name":"` + strings.Repeat("x", 64<<10) + `"}`, 413, ""},
		{"not JSON: huma's 415", "/things", "text/plain", `{"name":"a\u0000"}`, 415, ""},
		{"an operation without a JSON body", "/upload", "application/octet-stream", `[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[`, 204, `[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			seen = ""
			req := httptest.NewRequest(http.MethodPut, tt.path, strings.NewReader(tt.body))
			if tt.path == "/upload" {
				req.Method = http.MethodPost
			}
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			rec := httptest.NewRecorder()
			api.Adapter().ServeHTTP(rec, req)
			if rec.Code != tt.status {
				t.Fatalf("status %d, want %d: %s", rec.Code, tt.status, rec.Body)
			}
			if seen != tt.seen {
				t.Errorf("handler saw %q, want %q", seen, tt.seen)
			}
		})
	}
}
