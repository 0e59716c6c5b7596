package fitconnect

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/google/uuid"
)

// Attachment is a file of a submission.
type Attachment struct {
	Purpose     string // PurposeForm, PurposeAttachment or PurposeReport
	Filename    string
	MimeType    string
	Description string
	Data        []byte
}

// Submission is what Send delivers.
type Submission struct {
	DestinationID string
	Service       ServiceType
	// Region, when set, must be among the regions for which the destination
	// offers the service (prefix match, e.g. "DE15085").
	Region string
	// DataSchema and Data are the submission's data (the XSozial-basis
	// message); Data may be empty when only attachments are sent.
	DataSchema SubmissionSchema
	Data       []byte
	// Attachments in order; the application form PDF has PurposeForm.
	Attachments     []Attachment
	SenderReference string
	ApplicationDate time.Time
}

// State is the progress of one Send; the caller persists it.
type State struct {
	DestinationID string              `json:"destinationId,omitempty"`
	SubmissionID  string              `json:"submissionId,omitempty"`
	CaseID        string              `json:"caseId,omitempty"`
	AttachmentIDs []string            `json:"attachmentIds,omitempty"`
	Tags          *AuthenticationTags `json:"tags,omitempty"`
	Submitted     bool                `json:"submitted,omitempty"`
}

// Steps reported through Hooks.Step.
const (
	StepToken     = "token"
	StepKey       = "key"
	StepAnnounced = "announced"
	StepSubmitted = "submitted"
)

// Hooks connect a Send to its caller.
type Hooks struct {
	// Checkpoint persists the state. Send calls it after the announcement
	// and before any upload; when it fails, Send stops.
	Checkpoint func(ctx context.Context, st State) error
	// Step reports progress (optional).
	Step func(step, detail string)
	// Key reports the destination's encryption key that Send fetched and
	// validated (optional), e.g. to record its expiry.
	Key func(KeyInfo)
}

func (h Hooks) step(step, detail string) {
	if h.Step != nil {
		h.Step(step, detail)
	}
}

// Send delivers in: announce (unless st names a submission already) →
// checkpoint → encrypt and upload the attachments → submit. A State from
// an earlier attempt makes Send look into the event log first: when the
// submission was submitted already, Send only marks st as submitted.
func (s *Sender) Send(ctx context.Context, in *Submission, st *State, h Hooks) error {
	if h.Checkpoint == nil {
		return errors.New("fitconnect: Send needs a Checkpoint hook")
	}
	if st.Submitted {
		return nil
	}
	if _, err := s.accessToken(ctx); err != nil {
		return err
	}
	h.step(StepToken, "Zugangstoken erhalten")

	// A submission announced by an earlier attempt is reconciled first:
	// what the delivery service already has is never sent again, and a
	// destination that changed meanwhile (another key, inactive) does not
	// turn a delivered submission into a failure.
	resumed := st.SubmissionID != ""
	if resumed {
		done, err := s.submitted(ctx, st)
		if err != nil {
			return err
		}
		if done {
			st.Submitted = true
			h.step(StepSubmitted, "Einreichung "+st.SubmissionID+" war bereits übermittelt")
			return nil
		}
	}
	enc, key, err := s.encrypterFor(ctx, in)
	if err != nil {
		return err
	}
	if h.Key != nil {
		h.Key(key)
	}
	h.step(StepKey, "Zustellpunkt aktiv, bietet "+in.Service.Identifier+" an; Schlüssel "+key.Kid+" gültig bis "+key.NotAfter.Format("02.01.2006"))

	if !resumed {
		ids := make([]string, len(in.Attachments))
		for i := range ids {
			ids[i] = uuid.NewString()
		}
		cs := CreateSubmission{DestinationID: in.DestinationID, AnnouncedAttachments: ids, ServiceType: in.Service}
		if s.cfg.CallbackURL != "" {
			cs.Callback = &CreateCallback{URL: s.cfg.CallbackURL, Secret: s.cfg.CallbackSecret}
		}
		body, err := json.Marshal(cs)
		if err != nil {
			return fmt.Errorf("announce: %w", err)
		}
		var created SubmissionCreated
		if err := s.call(ctx, "announce", http.MethodPost, "/v1/submissions", "application/json", body, &created, http.StatusCreated); err != nil {
			if IsStatus(err, http.StatusBadRequest, http.StatusForbidden, http.StatusNotFound, http.StatusUnprocessableEntity) {
				return &ConfigError{Msg: "Der Zustellpunkt nimmt keine Einreichung an", Err: err}
			}
			return err
		}
		if created.SubmissionID == "" || created.CaseID == "" {
			return &ProtocolError{Op: "announce", Err: errors.New("no submissionId or caseId")}
		}
		*st = State{DestinationID: in.DestinationID, SubmissionID: created.SubmissionID, CaseID: created.CaseID, AttachmentIDs: ids}
		if err := h.Checkpoint(ctx, *st); err != nil {
			return fmt.Errorf("checkpoint after announce: %w", err)
		}
		h.step(StepAnnounced, "Einreichung "+created.SubmissionID+" angekündigt")
	}
	if len(st.AttachmentIDs) != len(in.Attachments) {
		return &ConfigError{Msg: "Die gespeicherte Einreichung passt nicht zu den Anlagen", Err: fmt.Errorf("%d IDs for %d attachments", len(st.AttachmentIDs), len(in.Attachments))}
	}

	// Encrypt everything and keep the authentication tags before the first
	// upload, so that the tags of what is finally submitted are known even
	// when the answer to the submission is lost.
	meta := Metadata{ContentStructure: ContentStructure{Attachments: []AttachmentDescription{}}}
	if in.Service.Identifier != "" {
		svc := in.Service
		meta.PublicServiceType = &svc
	}
	if in.SenderReference != "" || !in.ApplicationDate.IsZero() {
		meta.AdditionalReferenceInfo = &AdditionalReferenceInfo{SenderReference: in.SenderReference}
		if !in.ApplicationDate.IsZero() {
			meta.AdditionalReferenceInfo.ApplicationDate = in.ApplicationDate.Format(time.DateOnly)
		}
	}
	tags := &AuthenticationTags{Attachments: map[string]string{}}
	encAtt := make([]string, len(in.Attachments))
	for i, a := range in.Attachments {
		meta.ContentStructure.Attachments = append(meta.ContentStructure.Attachments, AttachmentDescription{
			Hash: SHA512(a.Data), Purpose: a.Purpose, Filename: a.Filename, Description: a.Description, MimeType: a.MimeType,
			AttachmentID: st.AttachmentIDs[i]})
		if encAtt[i], err = enc.Encrypt(a.Data, a.MimeType); err != nil {
			return err
		}
		tags.Attachments[st.AttachmentIDs[i]] = AuthTag(encAtt[i])
	}
	var sub SubmitSubmission
	if len(in.Data) > 0 {
		meta.ContentStructure.Data = &DataDescription{Hash: SHA512(in.Data), SubmissionSchema: in.DataSchema}
		if sub.EncryptedData, err = enc.Encrypt(in.Data, in.DataSchema.MimeType); err != nil {
			return err
		}
		tags.Data = AuthTag(sub.EncryptedData)
	}
	rawMeta, err := MarshalMetadata(&meta)
	if err != nil {
		return &ConfigError{Msg: "Die Metadaten entsprechen nicht dem Schema 1.0.0", Err: err}
	}
	if sub.EncryptedMetadata, err = enc.Encrypt(rawMeta, "application/json"); err != nil {
		return err
	}
	tags.Metadata = AuthTag(sub.EncryptedMetadata)
	st.Tags = tags
	if err := h.Checkpoint(ctx, *st); err != nil {
		return fmt.Errorf("checkpoint before upload: %w", err)
	}

	base := "/v1/submissions/" + url.PathEscape(st.SubmissionID)
	for i, id := range st.AttachmentIDs {
		err := s.call(ctx, "upload attachment", http.MethodPut, base+"/attachments/"+url.PathEscape(id), "application/jose",
			[]byte(encAtt[i]), nil, http.StatusNoContent)
		if err != nil {
			return s.afterRefusal(ctx, st, err, resumed)
		}
	}
	body, err := json.Marshal(sub)
	if err != nil {
		return fmt.Errorf("submit: %w", err)
	}
	if err := s.call(ctx, "submit", http.MethodPut, base, "application/json", body, nil, http.StatusAccepted); err != nil {
		return s.afterRefusal(ctx, st, err, true)
	}
	st.Submitted = true
	h.step(StepSubmitted, "Einreichung "+st.SubmissionID+" übermittelt")
	return nil
}

// afterRefusal handles a 4xx on upload or submit: when an earlier attempt
// (whose answer got lost) submitted already, the event log says so and the
// delivery is done; a submission the service no longer knows is started
// anew at the next attempt.
func (s *Sender) afterRefusal(ctx context.Context, st *State, err error, mayBeDone bool) error {
	if !IsStatus(err, http.StatusConflict, http.StatusUnprocessableEntity, http.StatusNotFound) || !mayBeDone {
		return err
	}
	done, evErr := s.submitted(ctx, st)
	if evErr != nil {
		return errors.Join(err, evErr)
	}
	if done {
		st.Submitted = true
		return nil
	}
	if IsStatus(err, http.StatusNotFound) {
		*st = State{}
		return &HTTPError{Op: "resume", Status: http.StatusServiceUnavailable, Problem: Problem{Title: "submission expired, announcing anew"}}
	}
	return err
}

// submitted tells from the event log whether st's submission has been
// submitted.
func (s *Sender) submitted(ctx context.Context, st *State) (bool, error) {
	events, err := s.Events(ctx, st.CaseID, st.DestinationID)
	if err != nil {
		if IsStatus(err, http.StatusNotFound) {
			return false, nil
		}
		return false, err
	}
	for _, e := range events {
		if e.SubmissionID == st.SubmissionID && (e.Type == EventSubmitSubmission || e.Type == EventAcceptSubmission || e.Type == EventRejectSubmission) {
			return true, nil
		}
	}
	return false, nil
}

// encrypterFor looks up the destination, checks that it is active, speaks
// metadata 1.0.0 and offers the service for the region, fetches its
// encryption key (GET /v1/destinations/{id}/keys/{kid}, cached by kid) and
// validates it.
func (s *Sender) encrypterFor(ctx context.Context, in *Submission) (*Encrypter, KeyInfo, error) {
	d, err := s.Destination(ctx, in.DestinationID)
	if err != nil {
		return nil, KeyInfo{}, err
	}
	if d.Status != "active" {
		return nil, KeyInfo{}, &ConfigError{Msg: fmt.Sprintf("Der Zustellpunkt %s ist nicht aktiv (Status %q)", in.DestinationID, d.Status)}
	}
	if !slices.Contains(d.MetadataVersions, MetadataVersion) {
		return nil, KeyInfo{}, &ConfigError{Msg: fmt.Sprintf("Der Zustellpunkt %s versteht die Metadaten %s nicht (nur %v)", in.DestinationID, MetadataVersion, d.MetadataVersions)}
	}
	if in.Service.Identifier == "" {
		return nil, KeyInfo{}, &ConfigError{Msg: "Für die Einreichung ist keine Leistungskennung (LeiKa) angegeben"}
	}
	if !offers(d, in.Service.Identifier, in.Region) {
		return nil, KeyInfo{}, &ConfigError{Msg: notOfferedText(d, in)}
	}
	if d.EncryptionKid == "" {
		return nil, KeyInfo{}, &ConfigError{Msg: "Der Zustellpunkt " + in.DestinationID + " nennt keinen Verschlüsselungsschlüssel"}
	}
	pub, info, err := s.encryptionKey(ctx, in.DestinationID, d.EncryptionKid)
	if err != nil {
		return nil, KeyInfo{}, err
	}
	return NewEncrypter(pub, info.Kid), info, nil
}

// notOfferedText names the service and region the platform asked for and
// what the destination offers, so that the ministry (service identifier)
// or the municipality (destination) can tell whose data to correct.
func notOfferedText(d *Destination, in *Submission) string {
	want := in.Service.Identifier
	if in.Service.Name != "" {
		want += " (" + in.Service.Name + ")"
	}
	if in.Region != "" {
		want += " für die Region " + in.Region
	}
	var has []string
	for _, svc := range d.Services {
		has = append(has, svc.Identifier+" in "+strings.Join(svc.Regions, ", "))
	}
	offered := "keine Leistung"
	if len(has) > 0 {
		offered = strings.Join(has, "; ")
	}
	return fmt.Sprintf("Der Zustellpunkt %s bietet die Leistung %s nicht an; er bietet: %s. "+
		"Stimmt die Leistungskennung der Antragsstrecke (Ministerium) oder ist der Zustellpunkt der Kommune falsch bzw. noch nicht für diese Leistung eingerichtet?",
		in.DestinationID, want, offered)
}

func offers(d *Destination, identifier, region string) bool {
	for _, svc := range d.Services {
		if svc.Identifier != identifier {
			continue
		}
		if region == "" {
			return true
		}
		for _, r := range svc.Regions {
			if strings.HasPrefix(region, r) || strings.HasPrefix(r, region) {
				return true
			}
		}
	}
	return false
}

// Outcome is what the event log says about a submission.
type Outcome struct {
	Submitted bool
	Accepted  bool
	Rejected  bool
	Problems  []Problem
	At        time.Time
}

// Status reads the event log of st's case. An accept-submission event must
// name the authentication tags that were submitted.
func (s *Sender) Status(ctx context.Context, st State) (Outcome, error) {
	events, err := s.Events(ctx, st.CaseID, st.DestinationID)
	if err != nil {
		return Outcome{}, err
	}
	var o Outcome
	for _, e := range events {
		if e.SubmissionID != st.SubmissionID {
			continue
		}
		switch e.Type {
		case EventSubmitSubmission:
			o.Submitted = true
		case EventAcceptSubmission:
			if st.Tags != nil && e.Payload.AuthenticationTags != nil && !sameTags(st.Tags, e.Payload.AuthenticationTags) {
				return Outcome{}, &BadEventError{errors.New("accept-submission names other authentication tags than were submitted")}
			}
			o.Submitted, o.Accepted, o.At = true, true, e.IssuedAt
		case EventRejectSubmission:
			o.Submitted, o.Rejected, o.Problems, o.At = true, true, e.Payload.Problems, e.IssuedAt
		}
	}
	return o, nil
}

func sameTags(a, b *AuthenticationTags) bool {
	if a.Metadata != b.Metadata || a.Data != b.Data || len(a.Attachments) != len(b.Attachments) {
		return false
	}
	for k, v := range a.Attachments {
		if b.Attachments[k] != v {
			return false
		}
	}
	return true
}
