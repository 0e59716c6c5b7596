package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"sync"

	vegeta "github.com/tsenart/vegeta/v12/lib"

	"sozialplattform/portal/forms/formstest"
)

// The scenario "citizen-applications" measures what matters for online
// applications: the submission itself (validate → PDF → XSozial XML → one
// transaction with the outbox entry). Before the clock runs, the demo's
// Servicekonto fills complete HzL drafts for Landkreis Harz through the
// portal's HTML forms (no JavaScript, as a browser would); the attack then
// submits each draft exactly once.

// citizenSite is the demo municipality that runs HzL live.
const citizenSite = "/landkreis-harz"

var (
	formToken  = regexp.MustCompile(`name="csrf" value="([^"]+)"`)
	errNoDraft = errors.New("the server refuses further drafts")
)

// formClient is a browser without JavaScript.
type formClient struct {
	base  string
	http  *http.Client
	token string
}

func newFormClient(base string) *formClient {
	jar, _ := cookiejar.New(nil)
	return &formClient{base: base, http: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

// fetchToken reads the form token from a page.
func (c *formClient) fetchToken(ctx context.Context, path string) error {
	status, body, _, err := c.send(ctx, "GET", path, "", nil)
	if err != nil {
		return err
	}
	m := formToken.FindStringSubmatch(body)
	if status != http.StatusOK || m == nil {
		return fmt.Errorf("GET %s: %d without a form", path, status)
	}
	c.token = m[1]
	return nil
}

func (c *formClient) send(ctx context.Context, method, path, contentType string, body []byte) (int, string, http.Header, error) {
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(body))
	if err != nil {
		return 0, "", nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return 0, "", nil, err
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(raw), resp.Header, nil
}

// post sends a form with the token and expects a redirect, whose target
// it returns.
func (c *formClient) post(ctx context.Context, path string, form url.Values) (string, error) {
	form.Set("csrf", c.token)
	status, body, h, err := c.send(ctx, "POST", path, "application/x-www-form-urlencoded", []byte(form.Encode()))
	if err != nil {
		return "", err
	}
	if status != http.StatusSeeOther {
		if len(body) > 300 {
			body = body[:300]
		}
		return "", fmt.Errorf("POST %s: %d %s", path, status, strings.Join(strings.Fields(body), " "))
	}
	return h.Get("Location"), nil
}

func (c *formClient) login(ctx context.Context, email, password string) error {
	if err := c.fetchToken(ctx, citizenSite+"/servicekonto/anmelden"); err != nil {
		return err
	}
	loc, err := c.post(ctx, citizenSite+"/servicekonto/anmelden", url.Values{"email": {email}, "passwort": {password}, "ziel": {citizenSite + "/antrag/hzl"}})
	if err != nil {
		return fmt.Errorf("Servicekonto login as %s (start the server with --demo): %w", email, err)
	}
	if !strings.HasSuffix(loc, "/antrag/hzl") {
		return fmt.Errorf("Servicekonto login went to %q", loc)
	}
	return c.fetchToken(ctx, citizenSite+"/antrag/hzl")
}

// fillDraft starts an HzL draft, answers every step and uploads an ID
// document; it returns the draft's path.
func (c *formClient) fillDraft(ctx context.Context) (string, error) {
	loc, err := c.post(ctx, citizenSite+"/antrag/hzl", url.Values{})
	if err != nil {
		if strings.Contains(err.Error(), ": 409") || strings.Contains(err.Error(), ": 422") || strings.Contains(err.Error(), ": 429") {
			return "", fmt.Errorf("%w (%v)", errNoDraft, err)
		}
		return "", err
	}
	draft, ok := strings.CutSuffix(loc, "/schritt/antragsteller")
	if !ok {
		return "", fmt.Errorf("a new draft went to %q", loc)
	}
	for _, st := range formstest.HzL() {
		if st.ID == "unterlagen" {
			if err := c.upload(ctx, draft+"/unterlagen", "ausweis", "ausweis.pdf", formstest.PDF); err != nil {
				return "", err
			}
		}
		form := url.Values{"aktion": {"weiter"}}
		for k, v := range st.Form {
			form[k] = v
		}
		if _, err := c.post(ctx, draft+"/schritt/"+st.ID, form); err != nil {
			return "", err
		}
	}
	return draft, nil
}

func (c *formClient) upload(ctx context.Context, path, field, name string, data []byte) error {
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("csrf", c.token)
	_ = w.WriteField("feld", field)
	fw, _ := w.CreateFormFile("datei", name)
	_, _ = fw.Write(data)
	_ = w.Close()
	status, _, _, err := c.send(ctx, "POST", path, w.FormDataContentType(), buf.Bytes())
	if err != nil {
		return err
	}
	if status != http.StatusSeeOther {
		return fmt.Errorf("upload: %d", status)
	}
	return nil
}

// submissionTargets fills up to n drafts (four at a time) and returns one
// submit request per draft. Fewer drafts than asked are fine when the
// server's draft limit (--max-drafts) stops the preparation.
func submissionTargets(ctx context.Context, base, email, password string, n int) ([]vegeta.Target, string, error) {
	c := newFormClient(base)
	if err := c.login(ctx, email, password); err != nil {
		return nil, "", err
	}
	var (
		mu     sync.Mutex
		drafts []string
		first  error
		wg     sync.WaitGroup
		next   = make(chan struct{})
	)
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range next {
				d, err := c.fillDraft(ctx)
				mu.Lock()
				if err != nil && first == nil {
					first = err
				}
				if err == nil {
					drafts = append(drafts, d)
				}
				mu.Unlock()
			}
		}()
	}
	for range n {
		mu.Lock()
		failed := first != nil
		mu.Unlock()
		if failed {
			break
		}
		next <- struct{}{}
	}
	close(next)
	wg.Wait()
	note := ""
	switch {
	case first != nil && errors.Is(first, errNoDraft) && len(drafts) > 0:
		note = fmt.Sprintf("nur %d von %d Entwürfen vorbereitet: der Server begrenzt die offenen Entwürfe je Servicekonto (serve --max-drafts %d)", len(drafts), n, n)
	case first != nil:
		return nil, "", fmt.Errorf("prepare drafts: %w", first)
	}
	u, _ := url.Parse(base)
	h := http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}
	for _, ck := range c.http.Jar.Cookies(u) {
		h.Add("Cookie", ck.Name+"="+ck.Value)
	}
	body := []byte(url.Values{"csrf": {c.token}, "erklaerung": {"richtigkeit", "mitwirkung", "datenschutz"}}.Encode())
	targets := make([]vegeta.Target, len(drafts))
	for i, d := range drafts {
		targets[i] = vegeta.Target{Method: "POST", URL: base + d + "/absenden", Body: body, Header: h}
	}
	return targets, note, nil
}
