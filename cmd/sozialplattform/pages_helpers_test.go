package main

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"sozialplattform/onboarding"
	"sozialplattform/portal/counselling"
	"sozialplattform/tenant/web/webtest"
)

// The page helpers of the tests that walk console and portal pages
// through the whole server (market_e2e_test.go, responsibility_test.go,
// the browser tests …); the console's own walks are in admin/.

// marketPage GETs a page like a browser without JavaScript and returns
// status and body.
func (c *client) marketPage(path string) (int, string) {
	c.t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// mustPage GETs a page and fails unless the status is want.
func (c *client) mustPage(want int, path string) string {
	c.t.Helper()
	status, body := c.marketPage(path)
	if status != want {
		c.t.Fatalf("GET %s: %d, want %d:\n%s", path, status, want, body)
	}
	return body
}

// marketForm posts a form with the CSRF token of the page it was on and
// returns status, Location and body.
func (c *client) marketForm(from, action string, vals url.Values) (int, string, string) {
	c.t.Helper()
	_, page := c.marketPage(from)
	return c.sendForm(webtest.FormPost(c.t, page, from, c.base, action, vals, nil))
}

// sendForm sends a form's POST and returns status, Location and body.
func (c *client) sendForm(req *http.Request) (int, string, string) {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("POST %s: %v", req.URL.RequestURI(), err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header.Get("Location"), string(b)
}

// onbPage GETs a console page and fails unless the status is want.
func (c *client) onbPage(want int, path string) string {
	c.t.Helper()
	resp, err := c.http.Get(c.base + path)
	if err != nil {
		c.t.Fatalf("GET %s: %v", path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		c.t.Fatalf("GET %s: %d, want %d:\n%s", path, resp.StatusCode, want, b)
	}
	return string(b)
}

// onbPost sends a form from a page (with that page's form token) and
// returns status, Location and body; files are sent as multipart.
func (c *client) onbPost(from, action string, vals url.Values, file []byte) (int, string, string) {
	c.t.Helper()
	var f *webtest.File
	if file != nil {
		f = &webtest.File{Field: "datei", Name: "Vertrag.pdf", Data: file}
	}
	return c.sendForm(webtest.FormPost(c.t, c.onbPage(http.StatusOK, from), from, c.base, action, vals, f))
}

func onbContains(t *testing.T, page, what string, wants ...string) {
	t.Helper()
	for _, w := range wants {
		if !strings.Contains(page, w) {
			t.Errorf("%s lacks %q", what, w)
		}
	}
}

func onboardingFrom(a *app) onboarding.ConsultationFilter {
	return onboarding.ConsultationFilter{From: a.onboard.Now()}
}

func itoa(n int) string { return strconv.Itoa(n) }

// loadCounsellingDemo loads the directory's and the appointments' demo
// data the way serve --demo does, twice (it is idempotent).
func loadCounsellingDemo(t *testing.T, a *app) counselling.Demo {
	t.Helper()
	ctx := context.Background()
	var d counselling.Demo
	for range 2 {
		var err error
		if d, err = a.counsel.LoadDemo(ctx); err != nil {
			t.Fatal(err)
		}
		if err := a.appts.LoadDemo(ctx, a.store, d.CalendarTenants); err != nil {
			t.Fatal(err)
		}
	}
	return d
}

// harzID is the Landkreis Harz's tenant ID.
func harzID(t *testing.T, a *app) string {
	t.Helper()
	h, err := a.store.ResolveTenant(context.Background(), "landkreis-harz")
	if err != nil {
		t.Fatal(err)
	}
	return h.ID
}

// csRaw sends a body of the given type and returns status, headers and body.
func (c *client) csRaw(method, path, contentType string, body []byte) (int, http.Header, string) {
	c.t.Helper()
	req, _ := http.NewRequest(method, c.base+path, bytes.NewReader(body))
	req.Header.Set("Content-Type", contentType)
	if c.bearer != "" {
		req.Header.Set("Authorization", "Bearer "+c.bearer)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, resp.Header, string(b)
}

// problem is an RFC 9457 answer.
type problem struct {
	Status int `json:"status"`
	Errors []struct {
		Location string `json:"location"`
		Message  string `json:"message"`
	} `json:"errors"`
}

func (p problem) locations() string {
	var out []string
	for _, e := range p.Errors {
		out = append(out, e.Location)
	}
	return strings.Join(out, ",")
}
