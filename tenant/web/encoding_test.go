package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

func TestNegotiateEncoding(t *testing.T) {
	tests := []struct {
		name            string
		acceptEncoding  []string // nil: no header at all
		want            Encoding
		identityRefused bool
	}{
		{"no header: identity", nil, Identity, false},
		{"empty header: identity", []string{""}, Identity, false},
		{"gzip", []string{"gzip"}, Gzip, false},
		{"case does not matter", []string{"GZip"}, Gzip, false},
		{"x-gzip is gzip", []string{"x-gzip"}, Gzip, false},
		{"zstd", []string{"zstd"}, Zstd, false},
		{"a browser: zstd preferred on a tie", []string{"gzip, deflate, br, zstd"}, Zstd, false},
		{"higher q wins over preference", []string{"zstd;q=0.5, gzip"}, Gzip, false},
		{"q with spaces", []string{"zstd ; q=0.5 , gzip ; q=0.8"}, Gzip, false},
		{"several fields are one list", []string{"zstd;q=0.1", "gzip;q=0.9"}, Gzip, false},
		{"gzip;q=0 excludes gzip", []string{"gzip;q=0"}, Identity, false},
		{"gzip;q=0.000 excludes gzip", []string{"gzip;q=0.000, zstd;q=0"}, Identity, false},
		{"only unknown codings", []string{"br, deflate"}, Identity, false},
		{"star accepts every coding", []string{"*"}, Zstd, false},
		{"star with gzip excluded", []string{"*, zstd;q=0"}, Gzip, false},
		{"star;q=0 refuses identity too", []string{"*;q=0"}, Identity, true},
		{"star;q=0 but identity named", []string{"*;q=0, identity"}, Identity, false},
		{"identity;q=0 with gzip", []string{"gzip, identity;q=0"}, Gzip, true},
		{"identity;q=0 alone", []string{"identity;q=0"}, Identity, true},
		{"identity preferred explicitly", []string{"gzip;q=0.5, identity"}, Identity, false},
		{"identity rated lower", []string{"gzip, identity;q=0.5"}, Gzip, false},
		{"malformed q counts as 0", []string{"zstd;q=abc, gzip"}, Gzip, false},
		{"q above 1 counts as 0", []string{"zstd;q=2, gzip;q=0.3"}, Gzip, false},
		{"four decimals are not a qvalue", []string{"zstd;q=0.1234, gzip;q=0.1"}, Gzip, false},
		{"other parameters are ignored", []string{"gzip;level=9"}, Gzip, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			for _, v := range tt.acceptEncoding {
				h.Add("Accept-Encoding", v)
			}
			got, refused := NegotiateEncoding(h)
			if got != tt.want || refused != tt.identityRefused {
				t.Errorf("NegotiateEncoding(%q) = %q, %v; want %q, %v", tt.acceptEncoding, got, refused, tt.want, tt.identityRefused)
			}
		})
	}
}

func TestCompressibleType(t *testing.T) {
	tests := map[string]bool{
		"text/html; charset=utf-8":         true,
		"text/css; charset=utf-8":          true,
		"text/javascript; charset=utf-8":   true,
		"text/plain":                       true,
		"text/csv; charset=utf-8":          true,
		"TEXT/HTML":                        true,
		"application/json":                 true,
		"application/problem+json":         true,
		"application/vnd.api+json":         true,
		"application/xml":                  true,
		"application/soap+xml":             true,
		"image/svg+xml":                    true,
		"application/javascript":           true,
		"text/event-stream":                false,
		"application/pdf":                  false,
		"image/png":                        false,
		"image/jpeg":                       false,
		"font/woff2":                       false,
		"font/woff":                        false,
		"application/zip":                  false,
		"application/gzip":                 false,
		"application/octet-stream":         false,
		"":                                 false,
		"text/html; charset=utf-8; broken": true, // a bad parameter does not hide the type
	}
	for ct, want := range tests {
		if got := CompressibleType(ct); got != want {
			t.Errorf("CompressibleType(%q) = %v, want %v", ct, got, want)
		}
	}
}

func TestETagForEncoding(t *testing.T) {
	tests := []struct {
		etag string
		enc  Encoding
		want string
	}{
		{`"abc"`, Gzip, `"abc-gzip"`},
		{`"abc"`, Zstd, `"abc-zstd"`},
		{`W/"abc"`, Gzip, `W/"abc-gzip"`},
		{`"abc"`, Identity, `"abc"`},
		{`"abc-gzip"`, Gzip, `"abc-gzip"`}, // the handler suffixed it already
		{`abc`, Gzip, `abc`},               // not a valid ETag: left alone
		{`"`, Gzip, `"`},
	}
	for _, tt := range tests {
		got := etagFor(tt.etag, tt.enc)
		if got != tt.want {
			t.Errorf("etagFor(%s, %q) = %s, want %s", tt.etag, tt.enc, got, tt.want)
		}
		if base, enc := etagBase(got); tt.enc != Identity && got != tt.etag && (base != tt.etag || enc != tt.enc) {
			t.Errorf("etagBase(%s) = %s, %q; want %s, %q", got, base, enc, tt.etag, tt.enc)
		}
	}
	if base, enc := etagBase(`"-gzip"`); base != `"-gzip"` || enc != Identity {
		t.Errorf(`etagBase("-gzip") = %s, %q: a bare suffix is no suffixed ETag`, base, enc)
	}
}

func TestWithIdentityValidators(t *testing.T) {
	tests := []struct {
		name   string
		header string
		value  string
		want   string // "": the request is passed on unchanged
	}{
		{"suffixed If-None-Match gets its base", "If-None-Match", `"a-gzip"`, `"a-gzip", "a"`},
		{"zstd and weak", "If-None-Match", `W/"a-zstd", "b"`, `W/"a-zstd", "b", W/"a"`},
		{"If-Match too", "If-Match", `"a-zstd"`, `"a-zstd", "a"`},
		{"plain tags stay", "If-None-Match", `"a", "b"`, ""},
		{"star stays", "If-None-Match", `*`, ""},
		{"If-Range is never touched", "If-Range", `"a-gzip"`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, "/", nil)
			r.Header.Set(tt.header, tt.value)
			got := withIdentityValidators(r)
			if tt.want == "" {
				if got != r || got.Header.Get(tt.header) != tt.value {
					t.Errorf("request changed: %s: %q", tt.header, got.Header.Get(tt.header))
				}
				return
			}
			if got == r {
				t.Fatal("request passed on unchanged")
			}
			if v := got.Header.Get(tt.header); v != tt.want {
				t.Errorf("%s = %s, want %s", tt.header, v, tt.want)
			}
			if r.Header.Get(tt.header) != tt.value {
				t.Error("the caller's request was modified")
			}
		})
	}
}

func TestAccepts(t *testing.T) {
	tests := []struct {
		accept string
		want   bool
	}{
		{"", false},
		{"gzip", true},
		{"gzip, deflate, br, zstd", true},
		{"zstd", false},
		{"*", true},
		{"gzip;q=0, zstd", false},
		{"gzip;q=0.5, identity", false}, // identity preferred
		{"x-gzip", true},
	}
	for _, tt := range tests {
		h := http.Header{}
		if tt.accept != "" {
			h.Set("Accept-Encoding", tt.accept)
		}
		if got := Accepts(h, Gzip); got != tt.want {
			t.Errorf("Accepts(%q, gzip) = %v, want %v", tt.accept, got, tt.want)
		}
	}
}
