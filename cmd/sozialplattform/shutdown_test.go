package main

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"syscall"
	"testing"
	"time"

	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/deliverytest"
	"sozialplattform/tenant"
)

// TestGracefulShutdown is the shutdown test of issue 18. The server runs
// as a process of its own; the delivery job is in the middle of handing an
// application to FIT-Connect (whose announce the test holds open), so it
// holds its job lease and the delivery's lease; a client is in the middle
// of a login request, its body half sent. Then SIGTERM:
//
//   - new connections are refused at once,
//   - the login in flight completes – its database work is not cancelled
//     with the signal –,
//   - the delivery is abandoned and both leases are released in the
//     database (the delivery back to pending, its attempt not counted),
//   - the process ends by itself with exit status 0.
func TestGracefulShutdown(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("shutdown test: a server process, about 10 s")
	}
	announced := make(chan struct{}, 1)
	fit := deliverytest.NewFIT(t, deliverytest.FITOptions{Wrap: func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPost && r.URL.Path == "/v1/submissions" {
				select {
				case announced <- struct{}{}:
				default:
				}
				// Held until the platform gives up. The body is read
				// first: only then does net/http notice a client gone.
				_, _ = io.Copy(io.Discard, r.Body)
				select {
				case <-r.Context().Done():
				case <-time.After(time.Minute):
				}
				return
			}
			next.ServeHTTP(w, r)
		})
	}})
	dsn := testdb.DSN(t)
	citizen := "erika.feierabend@example.org"
	seedCrashDatabase(t, dsn, backupDataKey, []string{citizen}, fitRoute(t, fit))
	db, err := migrations.Open(context.Background(), dsn, migrations.Options{MaxOpenConns: 2})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })

	child := newChildProcess(t, []string{"serve", "--db", dsn}, map[string]string{
		"SOZIALPLATTFORM_DATA_KEY":                 backupDataKey,
		"SOZIALPLATTFORM_LOG_LEVEL":                "info",
		"SOZIALPLATTFORM_FITCONNECT_URL":           fit.URL,
		"SOZIALPLATTFORM_FITCONNECT_TOKEN_URL":     fit.URL + "/token",
		"SOZIALPLATTFORM_FITCONNECT_CLIENT_ID":     fit.Env.SenderID,
		"SOZIALPLATTFORM_FITCONNECT_CLIENT_SECRET": fit.Env.SenderSecret,
		"SOZIALPLATTFORM_FITCONNECT_SCOPE":         fit.Env.SenderScope,
	})
	t.Cleanup(func() {
		if err := child.stop(); err != nil {
			t.Error(err)
		}
		if t.Failed() {
			t.Logf("output of the server process:\n%s", child.tail(8000))
		}
	})
	if _, err := child.start(); err != nil {
		t.Fatal(err)
	}
	instance, addr := child.instance(), child.address()

	// An application whose delivery the job starts within 5 s.
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	b := newCitizenBrowser(child.base, "/landkreis-harz", newKillSwitch(), &crashCounters{})
	if err := b.login(ctx, citizen, "ein-sicheres-passwort"); err != nil {
		t.Fatal(err)
	}
	rc, err := b.apply(ctx)
	if err != nil || rc == nil {
		t.Fatalf("apply: %v", err)
	}
	select {
	case <-announced:
	case <-time.After(20 * time.Second):
		t.Fatal("the delivery job did not reach FIT-Connect within 20 s")
	}
	jobs, deliveries, err := heldLeases(db, instance)
	if err != nil {
		t.Fatal(err)
	}
	// Another of the scheduled jobs may run at the same moment: at least the
	// delivery job holds its lease.
	if jobs < 1 || deliveries != 1 {
		t.Fatalf("before the signal %s holds %d job and %d delivery leases, want at least 1 and 1", instance, jobs, deliveries)
	}

	// A login in flight: headers and half the body sent.
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	body := `{"email":"ministerium@demo.example","password":"` + tenant.DemoPassword + `"}`
	fmt.Fprintf(conn, "POST /api/v1/session HTTP/1.1\r\nHost: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s",
		addr, len(body), body[:20])
	time.Sleep(200 * time.Millisecond) // the server reads the headers and starts the handler

	if err := child.signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	// The probe ends at the first refusal. A connection accepted or another
	// error (a busy machine's timeout, a reset) is not yet an answer: it is
	// kept for the message and the probe asks again. The process cannot end
	// meanwhile – the login below holds it – so no other test's server can
	// have taken the port over.
	refused, lastAnswer := false, "no probe ran"
	for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if errors.Is(err, syscall.ECONNREFUSED) {
			refused = true
			break
		}
		if err != nil {
			lastAnswer = err.Error()
			continue
		}
		lastAnswer = "connection accepted"
		c.Close()
	}
	if !refused {
		t.Errorf("new connections are not refused within 5 s after SIGTERM; the last probe: %s", lastAnswer)
	}
	if !child.alive() {
		t.Fatal("the server ended with a request in flight")
	}

	// The rest of the body: the login completes.
	if _, err := io.WriteString(conn, body[20:]); err != nil {
		t.Fatal(err)
	}
	conn.SetReadDeadline(time.Now().Add(15 * time.Second))
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("the request in flight got no answer: %v", err)
	}
	answer, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.Contains(string(answer), "ministerium@demo.example") {
		t.Errorf("the login in flight: %d %s", resp.StatusCode, answer)
	}

	if err := child.wait(20 * time.Second); err != nil {
		t.Fatal(err)
	}
	jobs, deliveries, err = heldLeases(db, instance)
	if err != nil {
		t.Fatal(err)
	}
	if jobs != 0 || deliveries != 0 {
		t.Errorf("after the shutdown %s still holds %d job and %d delivery leases", instance, jobs, deliveries)
	}
	rows, err := deliveryRows(db)
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != 1 || rows[0].Status != delivery.StatusPending || rows[0].Attempts != 0 {
		t.Errorf("the abandoned delivery: %+v, want one pending row without a counted attempt", rows)
	}
	var unfinished int
	if err := db.Read.NewRaw("SELECT count(*) FROM job_runs WHERE instance = ? AND finished_at IS NULL", instance).Scan(context.Background(), &unfinished); err != nil {
		t.Fatal(err)
	}
	if unfinished != 0 {
		t.Errorf("%d job runs of the stopped instance are not recorded as finished", unfinished)
	}
}

// signal sends sig to the current incarnation.
func (c *childProcess) signal(sig syscall.Signal) error {
	c.mu.Lock()
	cmd, n := c.cmd, c.n
	c.mu.Unlock()
	if err := cmd.Process.Signal(sig); err != nil {
		return fmt.Errorf("signal incarnation %d: %w", n, err)
	}
	return nil
}

// wait returns once the current incarnation has ended by itself with
// exit status 0; after d it kills it and fails.
func (c *childProcess) wait(d time.Duration) error {
	c.mu.Lock()
	cmd, exited, n := c.cmd, c.exited, c.n
	c.mu.Unlock()
	select {
	case <-exited:
	case <-time.After(d):
		cmd.Process.Kill()
		<-exited
		return fmt.Errorf("incarnation %d had not ended %s after the signal", n, d)
	}
	if !cmd.ProcessState.Success() {
		return fmt.Errorf("incarnation %d ended with %v", n, cmd.ProcessState)
	}
	return nil
}
