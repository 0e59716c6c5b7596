package main

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptrace"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"time"

	"sozialplattform/portal/forms/formstest"
)

// killSwitch lets a hook on a request path have the server killed at
// exactly that moment: the test arms it and waits; the hook that fires
// first hands over and returns once the server is dead.
type killSwitch struct {
	armed   atomic.Bool
	trigger chan chan struct{}
}

func newKillSwitch() *killSwitch { return &killSwitch{trigger: make(chan chan struct{})} }

// fire is the hook's side: when armed, it hands over to the killer and
// waits until the killer reports the server dead.
func (k *killSwitch) fire() bool {
	if !k.armed.CompareAndSwap(true, false) {
		return false
	}
	done := make(chan struct{})
	k.trigger <- done
	select {
	case <-done:
	case <-time.After(15 * time.Second):
	}
	return true
}

// await is the killer's side: it arms the switch and waits up to d for a
// hook. It returns the channel to close once the server is dead, or nil
// when no hook fired in time (the switch is disarmed then).
func (k *killSwitch) await(d time.Duration) chan struct{} {
	k.armed.Store(true)
	select {
	case done := <-k.trigger:
		return done
	case <-time.After(d):
		if k.armed.CompareAndSwap(true, false) {
			return nil
		}
		return <-k.trigger // a hook won the race and is handing over
	}
}

// crashCounters are what the citizens' clients saw.
type crashCounters struct {
	started, abandoned     atomic.Int64 // drafts begun; given up before the submit (start's outcome unknown)
	stepRetries            atomic.Int64 // step requests repeated after an unknown outcome
	submitUnknown          atomic.Int64 // submit requests without a definite answer (connection error, 5xx)
	submitKilled           atomic.Int64 // … of which the server was killed right after the request was sent
	receiptRetries         atomic.Int64 // receipt page requests repeated
	submitsWithManyAnswers atomic.Int64 // receipts that needed more than one submit request
}

// crashReceipt is what a citizen holds after submitting: the receipt's
// application ID and reference number, and the draft (the idempotency key).
type crashReceipt struct {
	ApplicationID, Reference, Draft string
	SubmitRequests                  int
}

var referencePattern = regexp.MustCompile(`SP-\d{4}-\d{6}`)

// citizenBrowser is a citizen's browser without JavaScript, for use from
// goroutines: it returns errors instead of failing the test, and treats
// connection errors and 5xx answers as "outcome unknown".
type citizenBrowser struct {
	server     func() string // the server's base URL, which moves with a restart
	site       string
	http       *http.Client
	csrf       string
	killSubmit *killSwitch // fired right after a submit request is sent
	n          *crashCounters
}

type pageAnswer struct {
	status         int
	location, body string
}

// unknown says whether an attempt's outcome is open: the request may or
// may not have been processed.
func unknown(a pageAnswer, err error) bool { return err != nil || a.status >= 500 }

func newCitizenBrowser(server func() string, site string, killSubmit *killSwitch, n *crashCounters) *citizenBrowser {
	jar, _ := cookiejar.New(nil)
	tr := http.DefaultTransport.(*http.Transport).Clone()
	return &citizenBrowser{server: server, site: site, killSubmit: killSubmit, n: n, http: &http.Client{Jar: jar, Transport: tr, Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
}

func (b *citizenBrowser) send(ctx context.Context, method, path string, form url.Values) (pageAnswer, error) {
	var body io.Reader
	if form != nil {
		body = strings.NewReader(form.Encode())
	}
	req, err := http.NewRequestWithContext(ctx, method, b.server()+path, body)
	if err != nil {
		return pageAnswer{}, err
	}
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	resp, err := b.http.Do(req)
	if err != nil {
		return pageAnswer{}, err
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		return pageAnswer{}, err
	}
	return pageAnswer{status: resp.StatusCode, location: resp.Header.Get("Location"), body: string(raw)}, nil
}

// waitReady polls /readyz until the server answers 200.
func (b *citizenBrowser) waitReady(ctx context.Context) error {
	for {
		if a, err := b.send(ctx, http.MethodGet, "/readyz", nil); err == nil && a.status == http.StatusOK {
			return nil
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("server not back: %w", ctx.Err())
		case <-time.After(50 * time.Millisecond):
		}
	}
}

// login signs the citizen in through the login form and takes the form
// token of the session.
func (b *citizenBrowser) login(ctx context.Context, email, password string) error {
	target := b.site + "/antrag/hzl"
	page := b.site + "/servicekonto/anmelden?ziel=" + url.QueryEscape(target)
	a, err := b.send(ctx, http.MethodGet, page, nil)
	if err != nil {
		return err
	}
	m := csrfPattern.FindStringSubmatch(a.body)
	if a.status != http.StatusOK || m == nil {
		return fmt.Errorf("login page: %d, form token found: %v", a.status, m != nil)
	}
	a, err = b.send(ctx, http.MethodPost, page, url.Values{"csrf": {m[1]}, "email": {email}, "passwort": {password}, "ziel": {target}})
	if err != nil {
		return err
	}
	if a.status != http.StatusSeeOther || a.location != target {
		return fmt.Errorf("login: %d to %q", a.status, a.location)
	}
	// The session's form token, valid for every form of the session.
	if a, err = b.send(ctx, http.MethodGet, target, nil); err != nil {
		return err
	}
	if m = csrfPattern.FindStringSubmatch(a.body); a.status != http.StatusOK || m == nil {
		return fmt.Errorf("start page after login: %d", a.status)
	}
	b.csrf = m[1]
	return nil
}

// apply fills a HzL application step by step and submits it. A draft
// whose start had an unknown outcome is abandoned (nil receipt); a step
// with an unknown outcome is repeated; a submit with an unknown outcome
// is repeated with the same draft – the idempotency key – until a
// definite answer comes. Any other answer is an error.
func (b *citizenBrowser) apply(ctx context.Context) (*crashReceipt, error) {
	b.n.started.Add(1)
	a, err := b.send(ctx, http.MethodPost, b.site+"/antrag/hzl", url.Values{"csrf": {b.csrf}})
	if unknown(a, err) {
		b.n.abandoned.Add(1)
		return nil, b.waitReady(ctx)
	}
	if a.status != http.StatusSeeOther || !strings.HasSuffix(a.location, "/schritt/antragsteller") {
		return nil, fmt.Errorf("start: %d to %q", a.status, a.location)
	}
	draft := strings.TrimSuffix(a.location, "/schritt/antragsteller")
	for _, st := range formstest.HzL() {
		form := url.Values{"csrf": {b.csrf}, "aktion": {"weiter"}}
		for k, v := range st.Form {
			form[k] = v
		}
		for {
			a, err := b.send(ctx, http.MethodPost, draft+"/schritt/"+st.ID, form)
			if unknown(a, err) {
				b.n.stepRetries.Add(1)
				if err := b.waitReady(ctx); err != nil {
					return nil, err
				}
				continue
			}
			if a.status != http.StatusSeeOther || !strings.HasPrefix(a.location, draft+"/") {
				return nil, fmt.Errorf("step %s of %s: %d to %q", st.ID, draft, a.status, a.location)
			}
			break
		}
	}
	decl := url.Values{"csrf": {b.csrf}, "erklaerung": {"richtigkeit", "mitwirkung", "datenschutz"}}
	var receipt string
	requests := 0
	for receipt == "" {
		requests++
		var killed atomic.Bool
		trace := &httptrace.ClientTrace{WroteRequest: func(w httptrace.WroteRequestInfo) {
			if w.Err == nil && b.killSubmit.fire() {
				killed.Store(true)
			}
		}}
		a, err := b.send(httptrace.WithClientTrace(ctx, trace), http.MethodPost, draft+"/absenden", decl)
		switch {
		case unknown(a, err):
			b.n.submitUnknown.Add(1)
			if killed.Load() {
				b.n.submitKilled.Add(1)
			}
			if ctx.Err() != nil {
				return nil, fmt.Errorf("submit of %s: no definite answer before the deadline: %v", draft, err)
			}
			if err := b.waitReady(ctx); err != nil {
				return nil, fmt.Errorf("submit of %s: %w", draft, err)
			}
		case a.status == http.StatusSeeOther && strings.Contains(a.location, "/antrag/hzl/eingang/"):
			receipt = a.location
		default:
			return nil, fmt.Errorf("submit of %s (request %d): %d to %q:\n%s", draft, requests, a.status, a.location, a.body)
		}
	}
	if requests > 1 {
		b.n.submitsWithManyAnswers.Add(1)
	}
	for {
		a, err := b.send(ctx, http.MethodGet, receipt, nil)
		if unknown(a, err) {
			b.n.receiptRetries.Add(1)
			if err := b.waitReady(ctx); err != nil {
				return nil, err
			}
			continue
		}
		ref := referencePattern.FindString(a.body)
		if a.status != http.StatusOK || ref == "" {
			return nil, fmt.Errorf("receipt page %s: %d, reference number found: %v", receipt, a.status, ref != "")
		}
		return &crashReceipt{ApplicationID: receipt[strings.LastIndex(receipt, "/")+1:], Reference: ref, Draft: draft, SubmitRequests: requests}, nil
	}
}
