package mailtest

import (
	"errors"
	"io"
	"net"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// Server is an SMTP server on 127.0.0.1 that accepts every message (after
// authentication, when WithAuth asks for it). It stops when the test ends.
type Server struct {
	srv      *smtp.Server
	addr     *net.TCPAddr
	username string
	password string

	mu       sync.Mutex
	received []Received
	changed  chan struct{} // closed and replaced on every new message
}

// Option configures a Server.
type Option func(*Server)

// WithAuth makes the server offer AUTH PLAIN and accept mail only from a
// client that authenticated with these credentials.
func WithAuth(username, password string) Option {
	return func(s *Server) { s.username, s.password = username, password }
}

// NewServer starts a server on a free loopback port.
func NewServer(t testing.TB, opts ...Option) *Server {
	t.Helper()
	s := &Server{changed: make(chan struct{})}
	for _, o := range opts {
		o(s)
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("mailtest: listen: %v", err)
	}
	s.addr = l.Addr().(*net.TCPAddr)
	s.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{srv: s}, nil
	}))
	s.srv.Domain = "mailtest.localhost"
	s.srv.AllowInsecureAuth = true
	s.srv.MaxMessageBytes = 10 << 20
	s.srv.ReadTimeout = 30 * time.Second
	s.srv.WriteTimeout = 30 * time.Second
	logDone := new(atomic.Bool)
	s.srv.ErrorLog = testLogger{t: t, done: logDone}
	done := make(chan struct{})
	go func() {
		defer close(done)
		if err := s.srv.Serve(l); err != nil && !errors.Is(err, smtp.ErrServerClosed) {
			t.Logf("mailtest: serve: %v", err)
		}
	}()
	t.Cleanup(func() {
		logDone.Store(true)
		s.srv.Close()
		<-done
	})
	return s
}

// Addr returns where the server listens.
func (s *Server) Addr() (host string, port int) {
	return s.addr.IP.String(), s.addr.Port
}

// Messages returns the messages received so far, oldest first.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.received...)
}

// WaitFor waits until at least n messages have arrived and returns them all;
// the test fails when they have not arrived within timeout.
func (s *Server) WaitFor(t testing.TB, n int, timeout time.Duration) []Received {
	t.Helper()
	deadline := time.NewTimer(timeout)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		got, changed := len(s.received), s.changed
		s.mu.Unlock()
		if got >= n {
			return s.Messages()
		}
		select {
		case <-changed:
		case <-deadline.C:
			t.Fatalf("mailtest: got %d of %d messages within %s", got, n, timeout)
			return nil
		}
	}
}

func (s *Server) record(r Received) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.received = append(s.received, r)
	close(s.changed)
	s.changed = make(chan struct{})
}

// session is one SMTP connection's transaction state.
type session struct {
	srv    *Server
	authed bool
	from   string
	to     []string
}

func (se *session) needAuth() bool { return se.srv.username != "" && !se.authed }

func (se *session) AuthMechanisms() []string {
	if se.srv.username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (se *session) Auth(mech string) (sasl.Server, error) {
	if se.srv.username == "" || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(_, username, password string) error {
		if username != se.srv.username || password != se.srv.password {
			return smtp.ErrAuthFailed
		}
		se.authed = true
		return nil
	}), nil
}

func (se *session) Mail(from string, _ *smtp.MailOptions) error {
	if se.needAuth() {
		return smtp.ErrAuthRequired
	}
	se.from = from
	return nil
}

func (se *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if se.needAuth() {
		return smtp.ErrAuthRequired
	}
	se.to = append(se.to, to)
	return nil
}

func (se *session) Data(r io.Reader) error {
	if se.needAuth() {
		return smtp.ErrAuthRequired
	}
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	rec, err := parse(se.from, se.to, raw)
	if err != nil {
		return &smtp.SMTPError{Code: 554, EnhancedCode: smtp.EnhancedCode{5, 6, 0},
			Message: "mailtest: unparsable message: " + err.Error()}
	}
	se.srv.record(rec)
	return nil
}

func (se *session) Reset() { se.from, se.to = "", nil }

func (se *session) Logout() error { return nil }

// testLogger sends the SMTP server's internal errors to the test log until
// the test ends (logging after that would panic).
type testLogger struct {
	t    testing.TB
	done *atomic.Bool
}

func (l testLogger) Printf(format string, v ...any) {
	if !l.done.Load() {
		l.t.Logf("mailtest: "+format, v...)
	}
}

func (l testLogger) Println(v ...any) {
	if !l.done.Load() {
		l.t.Log(append([]any{"mailtest:"}, v...)...)
	}
}
