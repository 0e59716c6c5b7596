package fitserver

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"sozialplattform/onboarding/delivery/fitconnect"
)

// appendServiceEvent records an event the service issues; s.mu is held.
func (s *Server) appendServiceEvent(sub *submission, eventType string) {
	c := s.cases[sub.caseID]
	c.events = append(c.events, &event{claims: fitconnect.SETClaims{Issuer: s.opts.Issuer, IssuedAt: s.opts.Now().Unix(),
		JTI: uuid.NewString(), Subject: "submission:" + sub.id, Txn: "case:" + sub.caseID,
		Events: map[string]fitconnect.EventPayload{eventType: {}}}})
}

// signed returns the event's token, signing a service event once.
func (s *Server) signed(e *event) (string, error) {
	e.once.Do(func() {
		if e.token == "" {
			e.token, e.err = fitconnect.SignSET(e.claims, s.opts.SigningKey, s.opts.SigningKid)
		}
	})
	return e.token, e.err
}

func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	t := s.authorize(w, r)
	if t == nil {
		return
	}
	caseID := r.PathValue("caseId")
	limit, offset, ok := paging(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	c, ok := s.cases[caseID]
	allowed := ok && t.subscribes(c.destinationID)
	if ok && !allowed {
		for _, sub := range s.submissions {
			if sub.caseID == caseID && sub.clientID == t.clientID {
				allowed = true
				break
			}
		}
	}
	var events []*event
	if allowed {
		events = append(events, c.events...)
	}
	s.mu.Unlock()
	if !allowed {
		problem(w, http.StatusNotFound, "Not Found", "case unknown")
		return
	}
	out := fitconnect.EventLog{Offset: offset, TotalCount: len(events), EventLog: []string{}}
	if offset < len(events) {
		for _, e := range events[offset:min(len(events), offset+limit)] {
			tok, err := s.signed(e)
			if err != nil {
				problem(w, http.StatusInternalServerError, "Internal Server Error", "signing failed")
				return
			}
			out.EventLog = append(out.EventLog, tok)
		}
	}
	out.Count = len(out.EventLog)
	writeJSON(w, http.StatusOK, out)
}

// handlePostEvent takes accept-submission or reject-submission from the
// destination's subscriber: a SET signed with the destination's signing
// key, issued by the destination, naming a submitted submission of the
// case. Other transitions answer 409.
func (s *Server) handlePostEvent(w http.ResponseWriter, r *http.Request) {
	t := s.authorize(w, r)
	if t == nil {
		return
	}
	if mediaType(r) != "application/jose" {
		problem(w, http.StatusUnsupportedMediaType, "Unsupported Media Type", "want application/jose")
		return
	}
	raw, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		problem(w, http.StatusBadRequest, "Bad Request", err.Error())
		return
	}
	caseID := r.PathValue("caseId")
	s.mu.Lock()
	c, ok := s.cases[caseID]
	var d *destination
	if ok {
		d = s.destinations[c.destinationID]
	}
	s.mu.Unlock()
	if !ok || d == nil || !t.subscribes(c.destinationID) {
		problem(w, http.StatusNotFound, "Not Found", "case unknown")
		return
	}
	tokenText := strings.TrimSpace(string(raw))
	p, err := fitconnect.ParseSET(tokenText)
	if err != nil {
		problem(w, http.StatusBadRequest, "Bad Request", err.Error())
		return
	}
	if p.Kid != d.signingKid {
		problem(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "SET not signed with the destination's signing key")
		return
	}
	claims, err := p.Verify(d.signingPublic)
	if err != nil {
		problem(w, http.StatusUnprocessableEntity, "Unprocessable Entity", err.Error())
		return
	}
	ev := fitconnect.EventOf(claims)
	if claims.Issuer != c.destinationID || ev.CaseID != caseID {
		problem(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "issuer or case of the SET do not fit")
		return
	}
	var to string
	switch ev.Type {
	case fitconnect.EventAcceptSubmission:
		to = StateAccepted
	case fitconnect.EventRejectSubmission:
		to = StateRejected
	default:
		problem(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "only accept-submission and reject-submission may be sent")
		return
	}
	s.mu.Lock()
	sub, ok := s.submissions[ev.SubmissionID]
	if !ok || sub.caseID != caseID {
		s.mu.Unlock()
		problem(w, http.StatusNotFound, "Not Found", "submission unknown in this case")
		return
	}
	if sub.state != StateSubmitted {
		state := sub.state
		s.mu.Unlock()
		problem(w, http.StatusConflict, "Conflict", "invalid state transition: submission is "+state)
		return
	}
	sub.state = to
	c.events = append(c.events, &event{claims: *claims, token: tokenText})
	ref := fitconnect.SubmissionRef{DestinationID: sub.destinationID, SubmissionID: sub.id, CaseID: sub.caseID}
	cb := sub.callback
	s.mu.Unlock()
	if cb != nil {
		s.sendCallback(cb, fitconnect.CallbackNewEvents, ref)
	}
	w.WriteHeader(http.StatusNoContent)
}

// sendCallback posts a signed callback in the background, trying three
// times.
func (s *Server) sendCallback(cb *fitconnect.CreateCallback, typ string, ref fitconnect.SubmissionRef) {
	body, err := json.Marshal(fitconnect.CallbackBody{Type: typ, Submissions: []fitconnect.SubmissionRef{ref}})
	if err != nil {
		return
	}
	url, secret := cb.URL, cb.Secret
	s.background(func(ctx context.Context) {
		for try := 0; try < 3; try++ {
			if try > 0 {
				select {
				case <-ctx.Done():
					return
				case <-time.After(time.Duration(try) * 200 * time.Millisecond):
				}
			}
			ts := s.opts.Now().Unix()
			req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
			if err != nil {
				return
			}
			req.Header.Set("Content-Type", "application/json")
			req.Header.Set(fitconnect.HeaderCallbackTimestamp, strconv.FormatInt(ts, 10))
			req.Header.Set(fitconnect.HeaderCallbackAuthentication, fitconnect.SignCallback(secret, ts, body))
			resp, err := s.opts.CallbackClient.Do(req)
			if err == nil {
				io.Copy(io.Discard, io.LimitReader(resp.Body, 1<<16))
				resp.Body.Close()
				if resp.StatusCode < 300 {
					return
				}
			}
			s.opts.Logger.Debug("fit-connect callback failed", "url", url, "try", try, "err", err)
		}
	})
}
