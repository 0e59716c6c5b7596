// Package fitserver is a local FIT-Connect-compatible delivery service
// (Submission API 1.1.3 subset) and a subscriber, the receiving side of a
// Fachverfahren. Tests, the demo (`serve --demo`) and the subcommand
// `sozialplattform fitconnect-server` use it.
//
// The server offers an OAuth 2 token endpoint (client credentials with
// scopes send:region:DE…, subscribe:destination:…), destinations with their
// keys, the submission state machine (incomplete → submitted → accepted or
// rejected; invalid transitions answer 4xx), a case event log of Security
// Event Tokens signed with the service's PS512 key (published as JWKS), and
// HMAC-SHA512 signed callbacks. Its state lives in memory. The Subscriber
// fetches submitted submissions, decrypts metadata, data and attachments,
// checks the metadata against the schema and every SHA-512 hash, and sends
// accept-submission (with the authentication tags) or reject-submission
// (with the problems found), signed with the destination's key.
package fitserver

import (
	"context"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"sozialplattform/onboarding/delivery/fitconnect"
)

// Options configure a Server.
type Options struct {
	// Issuer names the service in its SETs (default "fitserver").
	Issuer string
	// SigningKey signs the service's events (RSA ≥ 4096, PS512); Chain is
	// its certificate chain, leaf first, published as x5c; SigningKid its
	// key ID.
	SigningKey *rsa.PrivateKey
	Chain      []*x509.Certificate
	SigningKid string
	// TokenLifetime is how long an access token lives (default 30 min).
	TokenLifetime time.Duration
	// AllowHTTPCallbacks admits callback URLs with http:// (tests, demo);
	// the API demands https.
	AllowHTTPCallbacks bool
	// CallbackClient sends callbacks (default: 10 s timeout).
	CallbackClient *http.Client
	// MaxBody caps a request body (default 64 MiB).
	MaxBody int64
	Now     func() time.Time
	Logger  *slog.Logger
}

// Server is the local delivery service. It is safe for concurrent use.
type Server struct {
	opts Options
	jwks fitconnect.JWKS

	mu           sync.Mutex
	clients      map[string]*client
	tokens       map[string]*token
	destinations map[string]*destination
	submissions  map[string]*submission
	cases        map[string]*caseLog
	// onSubmitted is told the destination of every new submission.
	onSubmitted []func(destinationID string)

	callbacks sync.WaitGroup
	closed    chan struct{}
}

type client struct {
	secret string
	scopes []string
}

type token struct {
	clientID string
	scopes   []string
	expires  time.Time
}

type destination struct {
	public        fitconnect.Destination
	keys          map[string]fitconnect.JWK
	signingKid    string
	callback      *fitconnect.CreateCallback
	signingPublic *rsa.PublicKey
}

// Submission states.
const (
	StateIncomplete = "incomplete"
	StateSubmitted  = "submitted"
	StateAccepted   = "accepted"
	StateRejected   = "rejected"
)

type submission struct {
	id, caseID, destinationID, clientID string
	service                             fitconnect.ServiceType
	announced                           []string
	attachments                         map[string]string
	encryptedMetadata, encryptedData    string
	state                               string
	callback                            *fitconnect.CreateCallback
	createdAt                           time.Time
}

type caseLog struct {
	destinationID string
	events        []*event
}

// event is one entry of a case's log. Events of the service are signed
// when first read (signing with RSA-4096 costs milliseconds and is not on
// the path of a submission); events of the subscriber arrive signed.
type event struct {
	claims fitconnect.SETClaims
	once   sync.Once
	token  string
	err    error
}

// New returns a server; SigningKey and Chain are required.
func New(opts Options) (*Server, error) {
	if opts.SigningKey == nil || len(opts.Chain) == 0 {
		return nil, errors.New("fitserver: SigningKey and Chain are required")
	}
	if opts.SigningKey.N.BitLen() < fitconnect.MinRSABits {
		return nil, fmt.Errorf("fitserver: signing key has %d bits, FIT-Connect needs %d", opts.SigningKey.N.BitLen(), fitconnect.MinRSABits)
	}
	if opts.Issuer == "" {
		opts.Issuer = "fitserver"
	}
	if opts.SigningKid == "" {
		opts.SigningKid = "fitserver-signing-1"
	}
	if opts.TokenLifetime <= 0 || opts.TokenLifetime > 30*time.Minute {
		opts.TokenLifetime = 30 * time.Minute
	}
	if opts.CallbackClient == nil {
		opts.CallbackClient = &http.Client{Timeout: 10 * time.Second}
	}
	if opts.MaxBody <= 0 {
		opts.MaxBody = 64 << 20
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Server{opts: opts, clients: map[string]*client{}, tokens: map[string]*token{}, destinations: map[string]*destination{},
		submissions: map[string]*submission{}, cases: map[string]*caseLog{}, closed: make(chan struct{})}
	s.jwks = fitconnect.JWKS{Keys: []fitconnect.JWK{fitconnect.NewJWK(&opts.SigningKey.PublicKey, opts.SigningKid, fitconnect.OpVerify, opts.Chain)}}
	return s, nil
}

// Close waits for callbacks in flight.
func (s *Server) Close() {
	select {
	case <-s.closed:
	default:
		close(s.closed)
	}
	s.callbacks.Wait()
}

// AddClient registers OAuth client credentials with the scopes the client
// may ask for.
func (s *Server) AddClient(id, secret string, scopes ...string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clients[id] = &client{secret: secret, scopes: scopes}
}

// DestinationConfig describes a destination.
type DestinationConfig struct {
	ID       string
	Status   string // default active
	Services []fitconnect.DestinationService
	// EncryptionKey and SigningKey are the destination's public keys.
	EncryptionKey fitconnect.JWK
	SigningKey    fitconnect.JWK
	// Callback announces new submissions to the subscriber (optional).
	Callback         *fitconnect.CreateCallback
	MetadataVersions []string // default ["1.0.0"]
}

// AddDestination adds or replaces a destination; its keys are validated
// like a sender would.
func (s *Server) AddDestination(c DestinationConfig) error {
	now := s.opts.Now()
	if _, err := fitconnect.CheckKey(c.EncryptionKey, fitconnect.KeyCheck{Op: fitconnect.OpWrapKey, Now: now}); err != nil {
		return fmt.Errorf("destination %s: %w", c.ID, err)
	}
	sig, err := fitconnect.CheckKey(c.SigningKey, fitconnect.KeyCheck{Op: fitconnect.OpVerify, Now: now})
	if err != nil {
		return fmt.Errorf("destination %s: %w", c.ID, err)
	}
	if c.Status == "" {
		c.Status = "active"
	}
	if len(c.MetadataVersions) == 0 {
		c.MetadataVersions = []string{fitconnect.MetadataVersion}
	}
	d := &destination{
		public: fitconnect.Destination{DestinationID: c.ID, Status: c.Status, EncryptionKid: c.EncryptionKey.Kid,
			MetadataVersions: c.MetadataVersions, Services: c.Services},
		keys:       map[string]fitconnect.JWK{c.EncryptionKey.Kid: c.EncryptionKey, c.SigningKey.Kid: c.SigningKey},
		signingKid: c.SigningKey.Kid, callback: c.Callback, signingPublic: sig,
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.destinations[c.ID] = d
	return nil
}

// SetDestinationStatus changes a destination's status (active, inactive,
// decommissioned).
func (s *Server) SetDestinationStatus(id, status string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.destinations[id]; ok {
		d.public.Status = status
	}
}

// PublishEncryptionKey replaces the destination's encryption key as
// published (for tests of expired or foreign keys).
func (s *Server) PublishEncryptionKey(destinationID string, k fitconnect.JWK) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if d, ok := s.destinations[destinationID]; ok {
		delete(d.keys, d.public.EncryptionKid)
		d.keys[k.Kid] = k
		d.public.EncryptionKid = k.Kid
	}
}

// OnSubmitted registers f to be told (in its own goroutine) about each new
// submitted submission; a subscriber in the same process uses it instead
// of a callback.
func (s *Server) OnSubmitted(f func(destinationID string)) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.onSubmitted = append(s.onSubmitted, f)
}

// Stats counts submissions by state.
func (s *Server) Stats() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]int{}
	for _, sub := range s.submissions {
		out[sub.state]++
	}
	return out
}

// Handler serves the API.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("POST /token", s.handleToken)
	mux.HandleFunc("GET /.well-known/jwks.json", s.handleJWKS)
	mux.HandleFunc("GET /v1/info", s.handleInfo)
	mux.HandleFunc("GET /v1/destinations/{destinationId}", s.handleDestination)
	mux.HandleFunc("GET /v1/destinations/{destinationId}/keys/{keyId}", s.handleKey)
	mux.HandleFunc("POST /v1/submissions", s.handleAnnounce)
	mux.HandleFunc("GET /v1/submissions", s.handleList)
	mux.HandleFunc("GET /v1/submissions/{submissionId}", s.handleGetSubmission)
	mux.HandleFunc("PUT /v1/submissions/{submissionId}", s.handleSubmit)
	mux.HandleFunc("PUT /v1/submissions/{submissionId}/attachments/{attachmentId}", s.handleUpload)
	mux.HandleFunc("GET /v1/submissions/{submissionId}/attachments/{attachmentId}", s.handleGetAttachment)
	mux.HandleFunc("GET /v1/cases/{caseId}/events", s.handleEvents)
	mux.HandleFunc("POST /v1/cases/{caseId}/events", s.handlePostEvent)
	return http.MaxBytesHandler(mux, s.opts.MaxBody)
}

// problem writes an RFC 7807 answer.
func problem(w http.ResponseWriter, status int, title, detail string) {
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(fitconnect.Problem{Type: "about:blank", Title: title, Status: status, Detail: detail})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// authorize checks the bearer token; it writes 401 and returns nil when
// there is none.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) *token {
	h := r.Header.Get("Authorization")
	tok, ok := strings.CutPrefix(h, "Bearer ")
	if !ok {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fitserver"`)
		problem(w, http.StatusUnauthorized, "Unauthorized", "bearer token missing")
		return nil
	}
	s.mu.Lock()
	t, found := s.tokens[tok]
	if found && s.opts.Now().After(t.expires) {
		delete(s.tokens, tok)
		found = false
	}
	s.mu.Unlock()
	if !found {
		w.Header().Set("WWW-Authenticate", `Bearer realm="fitserver", error="invalid_token"`)
		problem(w, http.StatusUnauthorized, "Unauthorized", "token unknown or expired")
		return nil
	}
	return t
}

// mayRead reports whether t may see destination d: as its subscriber or
// manager, or as a sender for one of its regions.
func (t *token) mayRead(d *destination) bool {
	return t.subscribes(d.public.DestinationID) || t.sendsTo(d, "")
}

func (t *token) subscribes(destinationID string) bool {
	for _, sc := range t.scopes {
		if sc == "subscribe:destination:"+destinationID || sc == "manage:destination:"+destinationID {
			return true
		}
	}
	return false
}

// sendsTo reports whether t may send to d (for service, or any).
func (t *token) sendsTo(d *destination, service string) bool {
	for _, sc := range t.scopes {
		rest, ok := strings.CutPrefix(sc, "send:region:")
		if !ok {
			continue
		}
		region, svc, _ := strings.Cut(rest, "+send:service:")
		if svc != "" && service != "" && svc != service {
			continue
		}
		for _, ds := range d.public.Services {
			if service != "" && ds.Identifier != service {
				continue
			}
			for _, r := range ds.Regions {
				if strings.HasPrefix(r, region) {
					return true
				}
			}
		}
	}
	return false
}

func (s *Server) handleJWKS(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.jwks)
}

func (s *Server) handleInfo(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"version": map[string]int{"major": 1, "minor": 1, "patch": 3}})
}

func (s *Server) handleDestination(w http.ResponseWriter, r *http.Request) {
	t := s.authorize(w, r)
	if t == nil {
		return
	}
	s.mu.Lock()
	d, ok := s.destinations[r.PathValue("destinationId")]
	var pub fitconnect.Destination
	if ok {
		pub = d.public
	}
	s.mu.Unlock()
	switch {
	case !ok:
		problem(w, http.StatusNotFound, "Not Found", "destination unknown")
	case !t.mayRead(d):
		problem(w, http.StatusForbidden, "Forbidden", "no scope for this destination")
	default:
		writeJSON(w, http.StatusOK, pub)
	}
}

func (s *Server) handleKey(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	d, ok := s.destinations[r.PathValue("destinationId")]
	var k fitconnect.JWK
	found := false
	if ok {
		k, found = d.keys[r.PathValue("keyId")]
	}
	s.mu.Unlock()
	if !found {
		problem(w, http.StatusNotFound, "Not Found", "key unknown")
		return
	}
	writeJSON(w, http.StatusOK, k)
}

// background runs f as a tracked goroutine unless the server is closed.
func (s *Server) background(f func(ctx context.Context)) {
	select {
	case <-s.closed:
		return
	default:
	}
	s.callbacks.Add(1)
	go func() {
		defer s.callbacks.Done()
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		go func() {
			select {
			case <-s.closed:
				cancel()
			case <-ctx.Done():
			}
		}()
		f(ctx)
	}()
}

// Submitted returns every submission that was submitted (whatever became
// of it since), with its encrypted metadata – for tests that check what
// arrived.
func (s *Server) Submitted() []fitconnect.FetchedSubmission {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []fitconnect.FetchedSubmission
	for _, sub := range s.submissions {
		if sub.state == StateIncomplete {
			continue
		}
		out = append(out, fitconnect.FetchedSubmission{DestinationID: sub.destinationID, SubmissionID: sub.id, CaseID: sub.caseID,
			ServiceType: sub.service, EncryptedMetadata: sub.encryptedMetadata, EncryptedData: sub.encryptedData})
	}
	return out
}

// paging reads the query parameters limit (1 to 500, default 100) and
// offset (≥ 0, default 0) as components/parameters of the Submission API
// 1.1.3 define them; a value outside that range or not a number is
// answered with 400, as a conforming service does.
func paging(w http.ResponseWriter, r *http.Request) (limit, offset int, ok bool) {
	limit = 100
	q := r.URL.Query()
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 500 {
			problem(w, http.StatusBadRequest, "Bad Request", "limit must be an integer from 1 to 500")
			return 0, 0, false
		}
		limit = n
	}
	if v := q.Get("offset"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			problem(w, http.StatusBadRequest, "Bad Request", "offset must be a non-negative integer")
			return 0, 0, false
		}
		offset = n
	}
	return limit, offset, true
}
