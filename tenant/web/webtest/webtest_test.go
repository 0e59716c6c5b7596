package webtest_test

import (
	"io"
	"net/url"
	"testing"

	"sozialplattform/tenant/web/webtest"
)

// page is a console page as web renders it: the token's "+" and "/" may
// come out as entities.
const page = `<form method="post"><input type="hidden" name="csrf" value="ab&#43;c/d=="></form>`

func TestFormTokenIsWhatABrowserSends(t *testing.T) {
	for _, tc := range []struct {
		page, want string
		ok         bool
	}{
		{page, "ab+c/d==", true},
		{`<form method="post"></form>`, "", false},
	} {
		if got, ok := webtest.FormToken(tc.page); got != tc.want || ok != tc.ok {
			t.Errorf("FormToken(%q) = %q, %v; want %q, %v", tc.page, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFormPostSendsTheFormAsABrowser(t *testing.T) {
	t.Run("urlencoded", func(t *testing.T) {
		req := webtest.FormPost(t, page, "/seite", "http://127.0.0.1:1", "/ziel?x=1", url.Values{"name": {"Halle (Saale)"}}, nil)
		if req.Method != "POST" || req.URL.String() != "http://127.0.0.1:1/ziel?x=1" || req.Header.Get("Origin") != "http://127.0.0.1:1" ||
			req.Header.Get("Content-Type") != "application/x-www-form-urlencoded" {
			t.Fatalf("request %s %s %v", req.Method, req.URL, req.Header)
		}
		b, _ := io.ReadAll(req.Body)
		if got, want := string(b), (url.Values{"csrf": {"ab+c/d=="}, "name": {"Halle (Saale)"}}).Encode(); got != want {
			t.Errorf("body %q, want %q", got, want)
		}
	})
	t.Run("multipart with a file", func(t *testing.T) {
		req := webtest.FormPost(t, page, "/seite", "http://127.0.0.1:1", "/ziel", nil, &webtest.File{Field: "datei", Name: "a.csv", Data: []byte("x,y\r\n")})
		if err := req.ParseMultipartForm(1 << 20); err != nil {
			t.Fatal(err)
		}
		if got := req.MultipartForm.Value["csrf"]; len(got) != 1 || got[0] != "ab+c/d==" {
			t.Errorf("csrf %q", got)
		}
		fh := req.MultipartForm.File["datei"]
		if len(fh) != 1 || fh[0].Filename != "a.csv" {
			t.Fatalf("file %+v", fh)
		}
		f, _ := fh[0].Open()
		if b, _ := io.ReadAll(f); string(b) != "x,y\r\n" {
			t.Errorf("file content %q", b)
		}
	})
}
