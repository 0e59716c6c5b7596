package fitserver

import (
	"bytes"
	"context"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/google/uuid"

	"sozialplattform/onboarding/delivery/fitconnect"
)

// SubscriberConfig configures a Subscriber, the Fachverfahren's side of a
// destination.
type SubscriberConfig struct {
	BaseURL, TokenURL      string
	ClientID, ClientSecret string
	DestinationID          string
	// EncryptionKey opens what senders encrypted for EncryptionKid.
	EncryptionKey *rsa.PrivateKey
	EncryptionKid string
	// SigningKey signs the accept/reject events; SigningKid names it.
	SigningKey *rsa.PrivateKey
	SigningKid string
	HTTPClient *http.Client
	// Decide may refuse a well-formed submission by returning problems;
	// nil accepts every submission whose hashes and metadata check out.
	Decide func(r *Received) []fitconnect.Problem
	// OnReceived is told about every processed submission.
	OnReceived func(r Received)
	Now        func() time.Time
}

// Received is a submission as the subscriber processed it.
type Received struct {
	SubmissionID, CaseID string
	Metadata             fitconnect.Metadata
	Data                 []byte
	Attachments          []ReceivedAttachment
	Accepted             bool
	Problems             []fitconnect.Problem
	At                   time.Time
}

// ReceivedAttachment is a decrypted attachment.
type ReceivedAttachment struct {
	ID, Purpose, Filename, MimeType string
	Data                            []byte
}

// Subscriber fetches, checks and answers the submissions of one
// destination.
type Subscriber struct {
	cfg SubscriberConfig

	mu       sync.Mutex
	token    string
	tokenExp time.Time
	// run serialises ProcessPending.
	run sync.Mutex
}

// NewSubscriber returns a subscriber.
func NewSubscriber(cfg SubscriberConfig) *Subscriber {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 30 * time.Second}
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	cfg.BaseURL = strings.TrimRight(cfg.BaseURL, "/")
	return &Subscriber{cfg: cfg}
}

// Problem types of reject-submission.
const (
	problemBase           = "https://schema.fitko.de/fit-connect/events/problems/"
	ProblemEncryption     = problemBase + "encryption-issue"
	ProblemHashMismatch   = problemBase + "hash-mismatch"
	ProblemSchemaMismatch = problemBase + "metadata-schema-violation"
	ProblemMissingData    = problemBase + "missing-attachment"
)

func (s *Subscriber) accessToken(ctx context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.token != "" && s.cfg.Now().Before(s.tokenExp) {
		return s.token, nil
	}
	form := url.Values{"grant_type": {"client_credentials"}, "scope": {"subscribe:destination:" + s.cfg.DestinationID}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.cfg.TokenURL, strings.NewReader(form.Encode()))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.SetBasicAuth(url.QueryEscape(s.cfg.ClientID), url.QueryEscape(s.cfg.ClientSecret))
	resp, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		return "", fmt.Errorf("subscriber token: %w", err)
	}
	defer resp.Body.Close()
	var ta struct {
		AccessToken string `json:"access_token"`
		ExpiresIn   int    `json:"expires_in"`
	}
	if resp.StatusCode != http.StatusOK {
		return "", fmt.Errorf("subscriber token: HTTP %d", resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(&ta); err != nil || ta.AccessToken == "" {
		return "", fmt.Errorf("subscriber token: malformed answer: %v", err)
	}
	s.token, s.tokenExp = ta.AccessToken, s.cfg.Now().Add(time.Duration(ta.ExpiresIn)*time.Second-30*time.Second)
	return s.token, nil
}

func (s *Subscriber) do(ctx context.Context, method, path, contentType string, body []byte, want int) ([]byte, error) {
	tok, err := s.accessToken(ctx)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, method, s.cfg.BaseURL+path, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := s.cfg.HTTPClient.Do(req)
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	defer resp.Body.Close()
	raw, err := io.ReadAll(io.LimitReader(resp.Body, 128<<20))
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w", method, path, err)
	}
	if resp.StatusCode == http.StatusUnauthorized {
		s.mu.Lock()
		s.token = ""
		s.mu.Unlock()
	}
	if resp.StatusCode != want {
		return nil, fmt.Errorf("%s %s: HTTP %d: %s", method, path, resp.StatusCode, strings.TrimSpace(string(raw)))
	}
	return raw, nil
}

// ProcessPending handles every submission waiting at the destination and
// returns how many it answered.
func (s *Subscriber) ProcessPending(ctx context.Context) (int, error) {
	s.run.Lock()
	defer s.run.Unlock()
	raw, err := s.do(ctx, http.MethodGet, "/v1/submissions?limit=500&destinationId="+url.QueryEscape(s.cfg.DestinationID), "", nil, http.StatusOK)
	if err != nil {
		return 0, err
	}
	var list fitconnect.SubmissionsForPickup
	if err := json.Unmarshal(raw, &list); err != nil {
		return 0, fmt.Errorf("submissions for pickup: %w", err)
	}
	n := 0
	var errs []error
	for _, ref := range list.Submissions {
		if err := s.process(ctx, ref.SubmissionID); err != nil {
			errs = append(errs, err)
			continue
		}
		n++
	}
	return n, errors.Join(errs...)
}

// process fetches one submission, checks it and answers with an event.
func (s *Subscriber) process(ctx context.Context, id string) error {
	raw, err := s.do(ctx, http.MethodGet, "/v1/submissions/"+url.PathEscape(id), "", nil, http.StatusOK)
	if err != nil {
		return err
	}
	var sub fitconnect.FetchedSubmission
	if err := json.Unmarshal(raw, &sub); err != nil {
		return fmt.Errorf("submission %s: %w", id, err)
	}
	rec := Received{SubmissionID: sub.SubmissionID, CaseID: sub.CaseID, At: s.cfg.Now()}
	tags := &fitconnect.AuthenticationTags{Metadata: fitconnect.AuthTag(sub.EncryptedMetadata), Data: fitconnect.AuthTag(sub.EncryptedData),
		Attachments: map[string]string{}}
	problems, err := s.check(ctx, &sub, &rec, tags)
	if err != nil {
		return err // fetching failed: try again at the next run
	}
	rec.Problems = problems
	if len(rec.Problems) == 0 && s.cfg.Decide != nil {
		rec.Problems = s.cfg.Decide(&rec)
	}
	rec.Accepted = len(rec.Problems) == 0
	payload := fitconnect.EventPayload{}
	eventType := fitconnect.EventRejectSubmission
	if rec.Accepted {
		eventType = fitconnect.EventAcceptSubmission
		payload.AuthenticationTags = tags
	} else {
		payload.Problems = rec.Problems
	}
	set, err := fitconnect.SignSET(fitconnect.SETClaims{Issuer: s.cfg.DestinationID, IssuedAt: s.cfg.Now().Unix(), JTI: uuid.NewString(),
		Subject: "submission:" + sub.SubmissionID, Txn: "case:" + sub.CaseID, Events: map[string]fitconnect.EventPayload{eventType: payload}},
		s.cfg.SigningKey, s.cfg.SigningKid)
	if err != nil {
		return err
	}
	if _, err := s.do(ctx, http.MethodPost, "/v1/cases/"+url.PathEscape(sub.CaseID)+"/events", "application/jose", []byte(set), http.StatusNoContent); err != nil {
		return err
	}
	if s.cfg.OnReceived != nil {
		s.cfg.OnReceived(rec)
	}
	return nil
}

// check decrypts and verifies a submission; it returns the problems found,
// or an error when an attachment could not be fetched (a reason to try
// again, not to reject).
func (s *Subscriber) check(ctx context.Context, sub *fitconnect.FetchedSubmission, rec *Received, tags *fitconnect.AuthenticationTags) ([]fitconnect.Problem, error) {
	bad := func(typ, title, detail string) ([]fitconnect.Problem, error) {
		return []fitconnect.Problem{{Type: typ, Title: title, Detail: detail, Instance: "submission:" + sub.SubmissionID}}, nil
	}
	rawMeta, err := fitconnect.Decrypt(sub.EncryptedMetadata, s.cfg.EncryptionKey, s.cfg.EncryptionKid)
	if err != nil {
		return bad(ProblemEncryption, "Metadaten nicht entschlüsselbar", err.Error())
	}
	if err := fitconnect.ValidateMetadata(rawMeta); err != nil {
		return bad(ProblemSchemaMismatch, "Metadaten verletzen das Schema", err.Error())
	}
	if err := json.Unmarshal(rawMeta, &rec.Metadata); err != nil {
		return bad(ProblemSchemaMismatch, "Metadaten nicht lesbar", err.Error())
	}
	cs := rec.Metadata.ContentStructure
	if sub.EncryptedData != "" {
		if cs.Data == nil {
			return bad(ProblemSchemaMismatch, "Fachdaten ohne Beschreibung", "metadata lacks contentStructure.data")
		}
		if rec.Data, err = fitconnect.Decrypt(sub.EncryptedData, s.cfg.EncryptionKey, s.cfg.EncryptionKid); err != nil {
			return bad(ProblemEncryption, "Fachdaten nicht entschlüsselbar", err.Error())
		}
		if fitconnect.SHA512(rec.Data) != cs.Data.Hash {
			return bad(ProblemHashMismatch, "Hashwert der Fachdaten stimmt nicht", "")
		}
	}
	if len(cs.Attachments) != len(sub.Attachments) {
		return bad(ProblemMissingData, "Anlagen passen nicht zu den Metadaten", fmt.Sprintf("%d described, %d in submission", len(cs.Attachments), len(sub.Attachments)))
	}
	for _, desc := range cs.Attachments {
		body, err := s.do(ctx, http.MethodGet, "/v1/submissions/"+url.PathEscape(sub.SubmissionID)+"/attachments/"+url.PathEscape(desc.AttachmentID), "", nil, http.StatusOK)
		if err != nil {
			return nil, err
		}
		compact := strings.TrimSpace(string(body))
		if !isCompactJWE(compact) {
			return nil, fmt.Errorf("attachment %s: garbled in transfer", desc.AttachmentID)
		}
		data, err := fitconnect.Decrypt(compact, s.cfg.EncryptionKey, s.cfg.EncryptionKid)
		if err != nil {
			return bad(ProblemEncryption, "Anlage nicht entschlüsselbar", err.Error())
		}
		if fitconnect.SHA512(data) != desc.Hash {
			return bad(ProblemHashMismatch, "Hashwert einer Anlage stimmt nicht", desc.AttachmentID)
		}
		tags.Attachments[desc.AttachmentID] = fitconnect.AuthTag(compact)
		rec.Attachments = append(rec.Attachments, ReceivedAttachment{ID: desc.AttachmentID, Purpose: desc.Purpose,
			Filename: desc.Filename, MimeType: desc.MimeType, Data: data})
	}
	return nil, nil
}

// Run processes pending submissions every interval and whenever wake
// fires, until ctx ends. Errors are passed to onError (may be nil).
func (s *Subscriber) Run(ctx context.Context, interval time.Duration, wake <-chan struct{}, onError func(error)) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.ProcessPending(ctx); err != nil && ctx.Err() == nil && onError != nil {
			onError(err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-wake:
		}
	}
}

// WithDecide returns a copy of s that decides with f.
func WithDecide(s *Subscriber, f func(r *Received) []fitconnect.Problem) *Subscriber {
	cfg := s.cfg
	cfg.Decide = f
	return NewSubscriber(cfg)
}

// ProcessWith processes pending submissions with a copy of s that reports
// each to f.
func ProcessWith(ctx context.Context, s *Subscriber, f func(Received)) (int, error) {
	cfg := s.cfg
	cfg.OnReceived = f
	return NewSubscriber(cfg).ProcessPending(ctx)
}

// WithReport returns a copy of s that reports each processed submission
// to f.
func WithReport(s *Subscriber, f func(Received)) *Subscriber {
	cfg := s.cfg
	cfg.OnReceived = f
	return NewSubscriber(cfg)
}
