package admin_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sozialplattform/tenant/web/webtest"
)

// The walks through a domain's pages (market_console_test.go and its
// neighbours) look at each answer as it comes – a redirect is an answer
// with its Location – where client.get and client.post follow it.

// answer is one answer, redirects not followed.
type answer struct {
	status   int
	location string
	header   http.Header
	body     string
}

// noFollow sends req with the client's cookies without following a
// redirect; console pages are held to checkPage.
func (c *client) noFollow(req *http.Request) answer {
	c.t.Helper()
	hc := &http.Client{Jar: c.http.Jar, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := hc.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	a := answer{status: resp.StatusCode, location: resp.Header.Get("Location"), header: resp.Header, body: string(b)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") && strings.HasPrefix(req.URL.Path, "/admin/") && a.status == http.StatusOK {
		checkPage(c.t, page{status: a.status, url: req.URL, body: a.body})
	}
	return a
}

// fetch GETs a page without following a redirect.
func (c *client) fetch(path string) answer {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.noFollow(req)
}

// statusOf GETs a page without following a redirect and returns status
// and body.
func (c *client) statusOf(path string) (int, string) {
	c.t.Helper()
	a := c.fetch(path)
	return a.status, a.body
}

// raw GETs a download without following a redirect and returns status,
// headers and body.
func (c *client) raw(path string) (int, http.Header, []byte) {
	c.t.Helper()
	a := c.fetch(path)
	return a.status, a.header, []byte(a.body)
}

// mustPage GETs a page and fails unless the status is want.
func (c *client) mustPage(want int, path string) string {
	c.t.Helper()
	a := c.fetch(path)
	if a.status != want {
		c.t.Fatalf("GET %s: %d, want %d:\n%s", path, a.status, want, a.body)
	}
	return a.body
}

// send posts a form from the page at from, with that page's form token,
// as a browser without JavaScript does; with file, as multipart with the
// file in the field "datei". It returns status, Location and body.
func (c *client) send(from, action string, vals url.Values, file []byte) (int, string, string) {
	c.t.Helper()
	var f *webtest.File
	if file != nil {
		f = &webtest.File{Field: "datei", Name: "Vertrag.pdf", Data: file}
	}
	a := c.noFollow(webtest.FormPost(c.t, c.mustPage(http.StatusOK, from), from, c.e.srv.URL, action, vals, f))
	return a.status, a.location, a.body
}

// upload posts a CSV file as multipart form (field "datei") with the
// form token of the page at path; it returns status, Location and body.
func (c *client) upload(path, name, file string, fields map[string]string) (int, string, string) {
	c.t.Helper()
	vals := url.Values{}
	for k, v := range fields {
		vals.Set(k, v)
	}
	a := c.noFollow(webtest.FormPost(c.t, c.fetch(path).body, path, c.e.srv.URL, path, vals,
		&webtest.File{Field: "datei", Name: name, Data: []byte(file)}))
	return a.status, a.location, a.body
}

// api sends a JSON request to the API beside the console (envOptions.api)
// and decodes a 2xx answer into out (if not nil); it fails unless the
// status is want.
func (c *client) api(want int, method, path string, body, out any) string {
	c.t.Helper()
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			c.t.Fatal(err)
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequest(method, c.e.srv.URL+path, rd)
	if err != nil {
		c.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	a := c.noFollow(req)
	if a.status != want {
		c.t.Fatalf("%s %s: status %d, want %d: %s", method, path, a.status, want, a.body)
	}
	if out != nil && a.status < 300 && a.body != "" {
		if err := json.Unmarshal([]byte(a.body), out); err != nil {
			c.t.Fatalf("%s %s: decode %s: %v", method, path, a.body, err)
		}
	}
	return a.body
}

// contains reports every want that page lacks.
func contains(t *testing.T, page, what string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

// form posts a form without a file (send).
func (c *client) form(from, action string, vals url.Values) (int, string, string) {
	c.t.Helper()
	return c.send(from, action, vals, nil)
}
