package fitconnect

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Config configures a Sender.
type Config struct {
	// BaseURL is the Submission API, e.g.
	// https://submission-api-testing.fit-connect.fitko.dev.
	BaseURL string
	// TokenURL is the OAuth 2 token endpoint.
	TokenURL string
	// ClientID and ClientSecret are the sender's client credentials.
	ClientID, ClientSecret string
	// Scope is asked for with the token, e.g. "send:region:DE15"; empty
	// means the client's default scopes.
	Scope string
	// HTTPClient does the requests (default: 30 s timeout).
	HTTPClient *http.Client
	// Roots anchor the destinations' x5c chains (the Verwaltungs-PKI in
	// production). Without them the chain is still checked link by link
	// (each certificate signed by the next, all valid now), but not
	// anchored: enough for FIT-Connect's test environment only.
	Roots *x509.CertPool
	// CallbackURL and CallbackSecret, when set, ask the delivery service to
	// announce new events by callback.
	CallbackURL, CallbackSecret string
	// Now is the clock (default time.Now).
	Now func() time.Time
}

// Sender submits to FIT-Connect destinations. It is safe for concurrent
// use; the access token is shared and renewed shortly before it expires.
type Sender struct {
	cfg  Config
	http *http.Client

	mu       sync.Mutex
	token    string
	tokenExp time.Time

	jwksMu  sync.Mutex
	jwks    map[string]JWK
	jwksExp time.Time

	// keys caches the destinations' validated encryption keys by
	// destination and kid (keycache.go).
	keysMu sync.Mutex
	keys   map[string]cachedKey
}

// NewSender returns a sender for cfg.
func NewSender(cfg Config) (*Sender, error) {
	if cfg.BaseURL == "" || cfg.TokenURL == "" || cfg.ClientID == "" || cfg.ClientSecret == "" {
		return nil, errors.New("fitconnect: BaseURL, TokenURL, ClientID and ClientSecret are required")
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	hc := cfg.HTTPClient
	if hc == nil {
		hc = &http.Client{Timeout: 30 * time.Second}
	}
	if _, err := metadataSchema(); err != nil {
		return nil, err
	}
	return &Sender{cfg: cfg, http: hc}, nil
}

// maxAnswer caps what is read of an answer.
const maxAnswer = 8 << 20

// tokenAnswer is the token endpoint's JSON.
type tokenAnswer struct {
	AccessToken string `json:"access_token"`
	TokenType   string `json:"token_type"`
	ExpiresIn   int    `json:"expires_in"`
	Scope       string `json:"scope"`
}

// accessToken returns the cached token or fetches a new one (client
// credentials grant, client authenticated with HTTP Basic).
func (s *Sender) accessToken(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.cfg.Now()
	if s.token != "" && now.Before(s.tokenExp) {
		return s.token, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}}
	if s.cfg.Scope != "" {
		form.Set("scope", s.cfg.Scope)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", fmt.Errorf("token: %w", err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Accept", "application/json")
	req.SetBasicAuth(url.QueryEscape(s.cfg.ClientID), url.QueryEscape(s.cfg.ClientSecret))
	var ta tokenAnswer
	if err := s.exchange(req, "token", &ta, http.StatusOK); err != nil {
		if IsStatus(err, http.StatusBadRequest, http.StatusUnauthorized, http.StatusForbidden) {
			return "", &ConfigError{Msg: "Die Zugangsdaten für FIT-Connect wurden abgelehnt", Err: err}
		}
		return "", err
	}
	if ta.AccessToken == "" || !strings.EqualFold(ta.TokenType, "bearer") || ta.ExpiresIn <= 0 {
		return "", &ProtocolError{Op: "token", Err: errors.New("no bearer token in answer")}
	}
	life := time.Duration(ta.ExpiresIn) * time.Second
	margin := min(30*time.Second, life/10)
	s.token, s.tokenExp = ta.AccessToken, now.Add(life-margin)
	return s.token, nil
}

// dropToken forgets a token the server refused.
func (s *Sender) dropToken(tok string) {
	s.mu.Lock()
	if s.token == tok {
		s.token = ""
	}
	s.mu.Unlock()
}

// call sends an authenticated request to the Submission API and decodes a
// JSON answer into out (when not nil) if the status is one of want.
func (s *Sender) call(ctx context.Context, op, method, path, contentType string, body []byte, out any, want ...int) error {
	tok, err := s.accessToken(ctx)
	if err != nil {
		return err
	}
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, s.cfg.BaseURL+path, rd)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Accept", "application/json, application/problem+json")
	req.Header.Set("Authorization", "Bearer "+tok)
	err = s.exchange(req, op, out, want...)
	if IsStatus(err, http.StatusUnauthorized) {
		s.dropToken(tok)
	}
	return err
}

// exchange does the round trip and maps the answer.
func (s *Sender) exchange(req *http.Request, op string, out any, want ...int) error {
	resp, err := s.http.Do(req)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, maxAnswer))
	if err != nil {
		return fmt.Errorf("%s: read answer: %w", op, err)
	}
	for _, w := range want {
		if resp.StatusCode != w {
			continue
		}
		if out == nil {
			return nil
		}
		if err := json.Unmarshal(raw, out); err != nil {
			return &ProtocolError{Op: op, Err: err}
		}
		return nil
	}
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return &ProtocolError{Op: op, Err: fmt.Errorf("unexpected HTTP %d", resp.StatusCode)}
	}
	he := &HTTPError{Op: op, Status: resp.StatusCode, After: ParseRetryAfter(resp.Header.Get("Retry-After"), s.cfg.Now())}
	_ = json.Unmarshal(raw, &he.Problem) // best effort: the body may be anything
	return he
}

// destinationPath is the path of a destination.
func destinationPath(id string) string { return "/v1/destinations/" + url.PathEscape(id) }

// Destination fetches a destination's public description.
func (s *Sender) Destination(ctx context.Context, id string) (*Destination, error) {
	var d Destination
	if err := s.call(ctx, "destination", http.MethodGet, destinationPath(id), "", nil, &d, http.StatusOK); err != nil {
		if IsStatus(err, http.StatusNotFound, http.StatusForbidden) {
			return nil, &ConfigError{Msg: "Den Zustellpunkt " + id + " gibt es nicht oder er ist für die Sozialplattform nicht freigegeben", Err: err}
		}
		return nil, err
	}
	return &d, nil
}

// DestinationKey fetches one key of a destination.
func (s *Sender) DestinationKey(ctx context.Context, destinationID, kid string) (*JWK, error) {
	var k JWK
	err := s.call(ctx, "destination key", http.MethodGet, destinationPath(destinationID)+"/keys/"+url.PathEscape(kid), "", nil, &k, http.StatusOK)
	if err != nil {
		if IsStatus(err, http.StatusNotFound) {
			return nil, &ConfigError{Msg: "Der Schlüssel " + kid + " des Zustellpunkts ist nicht veröffentlicht", Err: err}
		}
		return nil, err
	}
	return &k, nil
}

// serviceKey returns a key of the delivery service's JWKS, fetched at most
// every ten minutes unless an unknown key ID turns up.
func (s *Sender) serviceKey(ctx context.Context, kid string) (*JWK, error) {
	s.jwksMu.Lock()
	defer s.jwksMu.Unlock()
	now := s.cfg.Now()
	if k, ok := s.jwks[kid]; ok && now.Before(s.jwksExp) {
		return &k, nil
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.cfg.BaseURL+"/.well-known/jwks.json", nil)
	if err != nil {
		return nil, fmt.Errorf("jwks: %w", err)
	}
	var set JWKS
	if err := s.exchange(req, "jwks", &set, http.StatusOK); err != nil {
		return nil, err
	}
	s.jwks = map[string]JWK{}
	for _, k := range set.Keys {
		s.jwks[k.Kid] = k
	}
	s.jwksExp = now.Add(10 * time.Minute)
	if k, ok := s.jwks[kid]; ok {
		return &k, nil
	}
	return nil, ErrNoKey
}

// Events returns the verified events of a case, oldest first. Each SET
// must be signed with PS512 by a key of the delivery service's JWKS or by
// the destination's signing key; in the latter case its issuer must be the
// destination.
func (s *Sender) Events(ctx context.Context, caseID, destinationID string) ([]Event, error) {
	var tokens []string
	for offset := 0; ; {
		var log EventLog
		path := "/v1/cases/" + url.PathEscape(caseID) + "/events?limit=500&offset=" + strconv.Itoa(offset)
		if err := s.call(ctx, "event log", http.MethodGet, path, "", nil, &log, http.StatusOK); err != nil {
			return nil, err
		}
		tokens = append(tokens, log.EventLog...)
		offset += len(log.EventLog)
		if len(log.EventLog) == 0 || offset >= log.TotalCount {
			break
		}
	}
	out := make([]Event, 0, len(tokens))
	for _, t := range tokens {
		e, err := s.verifyEvent(ctx, t, caseID, destinationID)
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// BadEventError is an event whose signature or claims do not check out.
type BadEventError struct{ Err error }

func (e *BadEventError) Error() string { return "event log: " + e.Err.Error() }
func (e *BadEventError) Unwrap() error { return e.Err }

// Temporary is false: a forged or broken event stays so.
func (e *BadEventError) Temporary() bool { return false }

func (s *Sender) verifyEvent(ctx context.Context, token, caseID, destinationID string) (Event, error) {
	p, err := ParseSET(token)
	if err != nil {
		return Event{}, &BadEventError{err}
	}
	now := s.cfg.Now()
	fromService := true
	k, err := s.serviceKey(ctx, p.Kid)
	if errors.Is(err, ErrNoKey) {
		fromService = false
		k, err = s.DestinationKey(ctx, destinationID, p.Kid)
	}
	if err != nil {
		var ce *ConfigError
		if errors.As(err, &ce) {
			return Event{}, &BadEventError{fmt.Errorf("signing key %s unknown", p.Kid)}
		}
		return Event{}, err
	}
	pub, err := CheckKey(*k, KeyCheck{Op: OpVerify, Now: now, Roots: s.cfg.Roots})
	if err != nil {
		return Event{}, &BadEventError{err}
	}
	c, err := p.Verify(pub)
	if err != nil {
		return Event{}, &BadEventError{err}
	}
	if c.Txn != "case:"+caseID {
		return Event{}, &BadEventError{fmt.Errorf("event of case %s in the log of case %s", c.Txn, caseID)}
	}
	if !fromService && c.Issuer != destinationID {
		return Event{}, &BadEventError{fmt.Errorf("event signed by the destination's key but issued by %q", c.Issuer)}
	}
	return EventOf(c), nil
}
