package fitserver

import (
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"github.com/google/uuid"

	"sozialplattform/onboarding/delivery/fitconnect"
)

var urnPattern = regexp.MustCompile(`^urn:[a-z0-9][a-z0-9-]{0,31}:[a-z0-9()+,.:=@;$_!*'%/?#-]+$`)

// isCompactJWE checks the shape the API's pattern ^[a-zA-Z0-9-_=.]+$
// allows for a JWE in compact serialization: base64url characters in five
// parts, the first not empty. (A hand-written scan: the regular expression
// costs milliseconds on attachments of some 100 KB.)
func isCompactJWE(s string) bool {
	if s == "" || s[0] == '.' {
		return false
	}
	dots := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			dots++
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_', c == '=':
		default:
			return false
		}
	}
	return dots == 4
}

func isUUID(s string) bool {
	_, err := uuid.Parse(s)
	return err == nil && len(s) == 36
}

func mediaType(r *http.Request) string {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt
}

// authorizeJSON checks the bearer token and decodes a JSON body into in,
// as every submission call with a JSON body starts: the token first (401
// before anything about the body), then the media type (415), then the
// body (400). It returns the token, or nil once it has answered.
func (s *Server) authorizeJSON(w http.ResponseWriter, r *http.Request, in any) *token {
	t := s.authorize(w, r)
	if t == nil {
		return nil
	}
	if mediaType(r) != "application/json" {
		problem(w, http.StatusUnsupportedMediaType, "Unsupported Media Type", "want application/json")
		return nil
	}
	if err := json.NewDecoder(r.Body).Decode(in); err != nil {
		problem(w, http.StatusBadRequest, "Bad Request", "body: "+err.Error())
		return nil
	}
	return t
}

func (s *Server) handleAnnounce(w http.ResponseWriter, r *http.Request) {
	var in fitconnect.CreateSubmission
	t := s.authorizeJSON(w, r, &in)
	if t == nil {
		return
	}
	switch {
	case !isUUID(in.DestinationID):
		problem(w, http.StatusBadRequest, "Bad Request", "destinationId must be a UUID")
		return
	case !urnPattern.MatchString(in.ServiceType.Identifier):
		problem(w, http.StatusBadRequest, "Bad Request", "serviceType.identifier must be a URN")
		return
	case in.AnnouncedAttachments == nil:
		problem(w, http.StatusBadRequest, "Bad Request", "announcedAttachments missing")
		return
	case in.CaseID != "" && !isUUID(in.CaseID):
		problem(w, http.StatusBadRequest, "Bad Request", "caseId must be a UUID")
		return
	}
	for _, a := range in.AnnouncedAttachments {
		if !isUUID(a) {
			problem(w, http.StatusBadRequest, "Bad Request", "announced attachment IDs must be UUIDs")
			return
		}
	}
	if in.Callback != nil {
		u := in.Callback.URL
		if !(strings.HasPrefix(u, "https://") || (s.opts.AllowHTTPCallbacks && strings.HasPrefix(u, "http://"))) ||
			len(in.Callback.Secret) < 32 || len(in.Callback.Secret) > 512 {
			problem(w, http.StatusBadRequest, "Bad Request", "callback needs an https URL and a secret of 32 to 512 characters")
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	d, ok := s.destinations[in.DestinationID]
	switch {
	case !ok:
		problem(w, http.StatusNotFound, "Not Found", "destination unknown")
		return
	case !t.sendsTo(d, in.ServiceType.Identifier):
		problem(w, http.StatusForbidden, "Forbidden", "no send scope for this destination and service")
		return
	case d.public.Status != "active":
		problem(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "destination is "+d.public.Status)
		return
	}
	caseID := in.CaseID
	if caseID == "" {
		caseID = uuid.NewString()
		s.cases[caseID] = &caseLog{destinationID: d.public.DestinationID}
	} else if c, ok := s.cases[caseID]; !ok || c.destinationID != d.public.DestinationID {
		problem(w, http.StatusNotFound, "Not Found", "case unknown")
		return
	}
	sub := &submission{id: uuid.NewString(), caseID: caseID, destinationID: d.public.DestinationID, clientID: t.clientID,
		service: in.ServiceType, announced: slices.Clone(in.AnnouncedAttachments), attachments: map[string]string{},
		state: StateIncomplete, callback: in.Callback, createdAt: s.opts.Now()}
	s.submissions[sub.id] = sub
	s.appendServiceEvent(sub, fitconnect.EventCreateSubmission)
	writeJSON(w, http.StatusCreated, fitconnect.SubmissionCreated{DestinationID: sub.destinationID, SubmissionID: sub.id, CaseID: caseID})
}

// ownSubmission looks up a submission the token's client created; it
// answers and returns nil otherwise.
func (s *Server) ownSubmission(w http.ResponseWriter, t *token, id string) *submission {
	sub, ok := s.submissions[id]
	if !ok || sub.clientID != t.clientID {
		problem(w, http.StatusNotFound, "Not Found", "submission unknown")
		return nil
	}
	return sub
}

func (s *Server) handleUpload(w http.ResponseWriter, r *http.Request) {
	t := s.authorize(w, r)
	if t == nil {
		return
	}
	if mediaType(r) != "application/jose" {
		problem(w, http.StatusUnsupportedMediaType, "Unsupported Media Type", "want application/jose")
		return
	}
	raw, err := io.ReadAll(r.Body)
	if err != nil {
		problem(w, http.StatusRequestEntityTooLarge, "Request Entity Too Large", err.Error())
		return
	}
	body := strings.TrimSpace(string(raw))
	if !isCompactJWE(body) {
		problem(w, http.StatusBadRequest, "Bad Request", "attachment must be a JWE in compact serialization")
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sub := s.ownSubmission(w, t, r.PathValue("submissionId"))
	if sub == nil {
		return
	}
	aid := r.PathValue("attachmentId")
	switch {
	case sub.state != StateIncomplete:
		problem(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "submission is "+sub.state+"; attachments can only be added while incomplete")
	case !slices.Contains(sub.announced, aid):
		problem(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "attachment not announced")
	default:
		sub.attachments[aid] = body
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Server) handleSubmit(w http.ResponseWriter, r *http.Request) {
	var in fitconnect.SubmitSubmission
	t := s.authorizeJSON(w, r, &in)
	if t == nil {
		return
	}
	if !isCompactJWE(in.EncryptedMetadata) || (in.EncryptedData != "" && !isCompactJWE(in.EncryptedData)) {
		problem(w, http.StatusBadRequest, "Bad Request", "encryptedMetadata and encryptedData must be JWE in compact serialization")
		return
	}
	s.mu.Lock()
	sub := s.ownSubmission(w, t, r.PathValue("submissionId"))
	if sub == nil {
		s.mu.Unlock()
		return
	}
	if sub.state != StateIncomplete {
		s.mu.Unlock()
		problem(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "submission is "+sub.state+", not incomplete")
		return
	}
	for _, a := range sub.announced {
		if _, ok := sub.attachments[a]; !ok {
			s.mu.Unlock()
			problem(w, http.StatusUnprocessableEntity, "Unprocessable Entity", "announced attachment "+a+" not uploaded")
			return
		}
	}
	sub.encryptedMetadata, sub.encryptedData, sub.state = in.EncryptedMetadata, in.EncryptedData, StateSubmitted
	s.appendServiceEvent(sub, fitconnect.EventSubmitSubmission)
	d := s.destinations[sub.destinationID]
	ref := fitconnect.SubmissionRef{DestinationID: sub.destinationID, SubmissionID: sub.id, CaseID: sub.caseID}
	out := fitconnect.FetchedSubmission{DestinationID: sub.destinationID, SubmissionID: sub.id, CaseID: sub.caseID,
		Attachments: slices.Clone(sub.announced), ServiceType: sub.service}
	hooks := slices.Clone(s.onSubmitted)
	var destCallback *fitconnect.CreateCallback
	if d != nil {
		destCallback = d.callback
	}
	senderCallback := sub.callback
	s.mu.Unlock()

	if destCallback != nil {
		s.sendCallback(destCallback, fitconnect.CallbackNewSubmissions, ref)
	}
	if senderCallback != nil {
		s.sendCallback(senderCallback, fitconnect.CallbackNewEvents, ref)
	}
	for _, h := range hooks {
		go h(ref.DestinationID)
	}
	writeJSON(w, http.StatusAccepted, out)
}

// subscribed looks up a submission in a state a subscriber may fetch.
func (s *Server) subscribed(w http.ResponseWriter, t *token, id string) *submission {
	sub, ok := s.submissions[id]
	if !ok || !t.subscribes(sub.destinationID) || sub.state == StateIncomplete {
		problem(w, http.StatusNotFound, "Not Found", "submission unknown or not submitted")
		return nil
	}
	return sub
}

func (s *Server) handleList(w http.ResponseWriter, r *http.Request) {
	t := s.authorize(w, r)
	if t == nil {
		return
	}
	dest := r.URL.Query().Get("destinationId")
	limit, offset, ok := paging(w, r)
	if !ok {
		return
	}
	s.mu.Lock()
	var all []fitconnect.SubmissionRef
	for _, sub := range s.submissions {
		if sub.state != StateSubmitted || !t.subscribes(sub.destinationID) || (dest != "" && sub.destinationID != dest) {
			continue
		}
		all = append(all, fitconnect.SubmissionRef{DestinationID: sub.destinationID, SubmissionID: sub.id, CaseID: sub.caseID})
	}
	s.mu.Unlock()
	slices.SortFunc(all, func(a, b fitconnect.SubmissionRef) int { return strings.Compare(a.SubmissionID, b.SubmissionID) })
	out := fitconnect.SubmissionsForPickup{Offset: offset, TotalCount: len(all), Submissions: []fitconnect.SubmissionRef{}}
	if offset < len(all) {
		out.Submissions = all[offset:min(len(all), offset+limit)]
	}
	out.Count = len(out.Submissions)
	writeJSON(w, http.StatusOK, out)
}

// readSubscribed runs read on the submission named in the path, under the
// lock, for a subscriber of its destination; the answer is written after
// the lock is released. It returns false once it has answered (401, 404).
func (s *Server) readSubscribed(w http.ResponseWriter, r *http.Request, read func(sub *submission)) bool {
	t := s.authorize(w, r)
	if t == nil {
		return false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	sub := s.subscribed(w, t, r.PathValue("submissionId"))
	if sub == nil {
		return false
	}
	read(sub)
	return true
}

func (s *Server) handleGetSubmission(w http.ResponseWriter, r *http.Request) {
	var out fitconnect.FetchedSubmission
	if !s.readSubscribed(w, r, func(sub *submission) {
		out = fitconnect.FetchedSubmission{DestinationID: sub.destinationID, SubmissionID: sub.id, CaseID: sub.caseID,
			Attachments: slices.Clone(sub.announced), ServiceType: sub.service, EncryptedMetadata: sub.encryptedMetadata,
			EncryptedData: sub.encryptedData}
	}) {
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) handleGetAttachment(w http.ResponseWriter, r *http.Request) {
	var body string
	var ok bool
	if !s.readSubscribed(w, r, func(sub *submission) { body, ok = sub.attachments[r.PathValue("attachmentId")] }) {
		return
	}
	if !ok {
		problem(w, http.StatusNotFound, "Not Found", "attachment unknown")
		return
	}
	w.Header().Set("Content-Type", "application/jose")
	_, _ = io.WriteString(w, body)
}
