package xta2_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"sozialplattform/onboarding/delivery/xta2"
	"sozialplattform/onboarding/delivery/xta2/xtaserver"
)

// xmllint returns the path of xmllint, skipping the test without it
// (failing under CI, which installs it: .ci/xmllint-install).
func xmllint(t *testing.T) string {
	t.Helper()
	p, err := exec.LookPath("xmllint")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("xmllint is missing under CI: .ci/xmllint-install should have installed libxml2-utils")
		}
		t.Skip("xmllint not installed (Debian: apt-get install libxml2-utils): XSD validation against the official XTA schemas skipped")
	}
	return p
}

// validate checks one document against the official schemas.
func validate(t *testing.T, lint, name string, doc []byte) {
	t.Helper()
	dir := t.TempDir()
	file := filepath.Join(dir, name+".xml")
	if err := os.WriteFile(file, doc, 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(lint, "--noout", "--nonet", "--schema", filepath.Join("testdata", "xsd", "messages.xsd"), file)
	out, err := cmd.CombinedOutput()
	if err != nil {
		t.Errorf("%s does not validate against the XTA schemas: %v\n%s\n%s", name, err, out, doc)
	}
}

// recorder keeps every request body and answer that passes through.
type recorder struct {
	mu       sync.Mutex
	requests map[string][][]byte // by SOAP action
	answers  map[string][][]byte
}

func (r *recorder) wrap(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, req *http.Request) {
		body, _ := io.ReadAll(req.Body)
		req.Body = io.NopCloser(bytes.NewReader(body))
		action := "?"
		if e, err := xta2.ParseEnvelope(body); err == nil {
			action = e.Addressing().Action
		}
		cw := &capture{ResponseWriter: w}
		h.ServeHTTP(cw, req)
		r.mu.Lock()
		r.requests[action] = append(r.requests[action], body)
		r.answers[action] = append(r.answers[action], cw.buf.Bytes())
		r.mu.Unlock()
	})
}

type capture struct {
	http.ResponseWriter
	buf bytes.Buffer
}

func (c *capture) Write(b []byte) (int, error) {
	c.buf.Write(b)
	return c.ResponseWriter.Write(b)
}

// TestEveryMessageValidatesAgainstTheXSDs runs a whole exchange – check
// account, create message ID, send (also a refused second send), report,
// status list, fetch, close – and validates every request the client sent
// and every answer of the local server (faults included) against the
// official XTA 2 version 3 schemas with xmllint.
func TestEveryMessageValidatesAgainstTheXSDs(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("xmllint over every message: full suite only")
	}
	lint := xmllint(t)
	ctx := context.Background()
	rec := &recorder{requests: map[string][][]byte{}, answers: map[string][][]byte{}}
	srv := xtaserver.New(xtaserver.Options{})
	endpoint, client := tlsPair(t, srv, rec.wrap)
	pc, pfp := client("sozialplattform")
	hc, hfp := client("fachverfahren-harz")
	srv.AddAccount(platform.Identifier, pfp)
	srv.AddAccount(harz.Identifier, hfp)
	sender := xta2.NewClient(xta2.Config{Endpoint: endpoint, Identity: platform, HTTPClient: pc})
	reader := xta2.NewClient(xta2.Config{Endpoint: endpoint, Identity: harz, HTTPClient: hc})
	if err := sender.CheckAccountActive(ctx); err != nil {
		t.Fatal(err)
	}
	id, err := sender.CreateMessageID(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := sender.SendMessage(ctx, sampleMeta(id), sampleContent()); err != nil {
		t.Fatal(err)
	}
	if err := sender.SendMessage(ctx, sampleMeta(id), sampleContent()); err == nil {
		t.Fatal("second send accepted")
	}
	if _, err := sender.GetTransportReport(ctx, id); err != nil {
		t.Fatal(err)
	}
	if n, err := xta2.FetchAll(ctx, reader, func(xta2.Fetched) error { return nil }); err != nil || n != 1 {
		t.Fatalf("fetch: %d %v", n, err)
	}
	if _, err := sender.GetTransportReport(ctx, id); err != nil {
		t.Fatal(err)
	}
	for _, action := range []string{xta2.ActionCheckAccountActive, xta2.ActionCreateMessageID, xta2.ActionSendMessage, xta2.ActionGetTransportReport,
		xta2.ActionGetStatusList, xta2.ActionGetMessage, xta2.ActionClose} {
		if len(rec.requests[action]) == 0 {
			t.Errorf("no request %s recorded", action)
		}
	}
	n := 0
	for action, bodies := range rec.requests {
		name := action[strings.LastIndexAny(action, "/:")+1:]
		for i, b := range bodies {
			validate(t, lint, name+"-request-"+string(rune('a'+i)), b)
			validate(t, lint, name+"-answer-"+string(rune('a'+i)), rec.answers[action][i])
			n += 2
		}
	}
	t.Logf("%d messages validated against the XTA 2 schemas", n)
}
