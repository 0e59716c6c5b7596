package delivery

import (
	"context"
	"encoding/json"

	"sozialplattform/onboarding/delivery/fitconnect"
)

// XSozialSchemaURI names the XSozial-basis 2.4.0 schema (its namespace).
const XSozialSchemaURI = "https://portalverbund.d-nrw.de/efa/XSozial-basis/Version_2_4_0"

// sendFIT hands a document to a FIT-Connect destination.
func (s *Service) sendFIT(ctx context.Context, j *job, doc *payload) outcome {
	fo := s.fitOptions()
	if fo == nil || fo.Sender == nil {
		return outcome{err: permanent("FIT-Connect ist auf dieser Plattform nicht eingerichtet.")}
	}
	rt := j.route
	if rt.DestinationID == "" {
		return outcome{err: permanent("Im Onboarding-Fall fehlt die DestinationID des Zustellpunkts.")}
	}
	var st fitconnect.State
	if j.r.TransportState != "" {
		if err := json.Unmarshal([]byte(j.r.TransportState), &st); err != nil {
			return outcome{err: permanent("Der gespeicherte FIT-Connect-Stand ist beschädigt: %v", err)}
		}
	}
	in := &fitconnect.Submission{DestinationID: rt.DestinationID, Service: fitconnect.ServiceType{Identifier: rt.Service, Name: rt.Label},
		Region: rt.Region, DataSchema: fitconnect.SubmissionSchema{MimeType: "application/xml", SchemaURI: XSozialSchemaURI}, Data: doc.XML,
		SenderReference: j.r.ReferenceNumber, ApplicationDate: j.r.SubmittedAt}
	if in.SenderReference == "" {
		in.SenderReference = j.r.ApplicationID
	}
	if len(doc.PDF) > 0 {
		in.Attachments = append(in.Attachments, fitconnect.Attachment{Purpose: fitconnect.PurposeForm, Filename: "Antrag.pdf",
			MimeType: "application/pdf", Description: "Antragsformular", Data: doc.PDF})
	}
	for _, a := range doc.Attachments {
		in.Attachments = append(in.Attachments, fitconnect.Attachment{Purpose: fitconnect.PurposeAttachment, Filename: a.Name,
			MimeType: a.ContentType, Data: a.Data})
	}
	err := fo.Sender.Send(ctx, in, &st, fitconnect.Hooks{
		Checkpoint: func(ctx context.Context, st fitconnect.State) error { return j.checkpoint(ctx, st.SubmissionID, st) },
		Step:       j.step,
		Key:        func(k fitconnect.KeyInfo) { j.key = &k },
	})
	raw, _ := json.Marshal(st)
	return outcome{err: err, ref: st.SubmissionID, state: string(raw), follow: true}
}

// followFIT reads the event log of a submitted submission.
func (s *Service) followFIT(ctx context.Context, j *job) outcome {
	fo := s.fitOptions()
	if fo == nil || fo.Sender == nil {
		return outcome{err: permanent("FIT-Connect ist auf dieser Plattform nicht eingerichtet.")}
	}
	var st fitconnect.State
	if err := json.Unmarshal([]byte(j.r.TransportState), &st); err != nil || st.SubmissionID == "" {
		return outcome{err: permanent("Der gespeicherte FIT-Connect-Stand ist beschädigt.")}
	}
	o, err := fo.Sender.Status(ctx, st)
	if err != nil {
		return outcome{err: err}
	}
	switch {
	case o.Accepted:
		j.step("fetched", "Einreichung vom Fachverfahren abgeholt und geprüft")
		j.step("accepted", "Einreichung vom Fachverfahren angenommen")
		return outcome{final: StatusAccepted, detail: "Vom Fachverfahren angenommen"}
	case o.Rejected:
		j.step("fetched", "Einreichung vom Fachverfahren abgeholt")
		return outcome{final: StatusRejected, detail: problemsText(o.Problems)}
	}
	return outcome{}
}
