package delivery

import (
	"context"
	"encoding/json"
	"fmt"

	"sozialplattform/onboarding/delivery/fitconnect"
	"sozialplattform/onboarding/delivery/xta2"
)

// Reconciling asks the transport what it holds of a delivery whose local
// state is not final – after a process was killed between "sent" and
// "recorded", or before an admin's retry – so that nothing the transport
// already has is ever sent a second time (issue 15, point 10).

// held is what reconcile found out.
type held int

const (
	heldUnknown held = iota // nothing stored to ask about (nothing was announced)
	heldNo                  // the transport does not have it
	heldYes                 // the transport has it: handed over
)

// reconcile asks the transport of r's stored state whether it holds the
// delivery: FIT-Connect's event log of the stored case (submit-submission,
// accept or reject), XTA2's transport report of the stored MessageID. An
// error means the transport could not be asked; the caller must not send.
func (s *Service) reconcile(ctx context.Context, r *row) (held, error) {
	if r.TransportState == "" {
		return heldUnknown, nil
	}
	var rt Route
	if r.Route != "" {
		if err := json.Unmarshal([]byte(r.Route), &rt); err != nil {
			return heldUnknown, fmt.Errorf("stored route of %s: %w", r.ID, err)
		}
	}
	switch r.Variant {
	case VariantFITConnect:
		var st fitconnect.State
		if err := json.Unmarshal([]byte(r.TransportState), &st); err != nil || st.SubmissionID == "" {
			return heldUnknown, nil
		}
		if st.Submitted {
			return heldYes, nil
		}
		fo := s.fitOptions()
		if fo == nil || fo.Sender == nil {
			return heldUnknown, permanent("FIT-Connect ist auf dieser Plattform nicht eingerichtet; der Stand der Einreichung %s lässt sich nicht erfragen.", st.SubmissionID)
		}
		o, err := fo.Sender.Status(ctx, st)
		if fitconnect.IsStatus(err, 404) {
			return heldNo, nil // the delivery service does not know the case
		}
		if err != nil {
			return heldUnknown, err
		}
		if o.Submitted {
			return heldYes, nil
		}
		return heldNo, nil
	case VariantXTA2:
		var st xtaState
		if err := json.Unmarshal([]byte(r.TransportState), &st); err != nil || st.MessageID == "" {
			return heldUnknown, nil
		}
		entry, err := s.dvdvEntry(ctx, rt.DVDVKennung)
		if err != nil {
			return heldUnknown, err
		}
		if entry.Endpoint != st.Endpoint {
			return heldUnknown, permanent("Die Nachricht %s ging an %s; der DVDV-Eintrag nennt jetzt %s. Ob sie dort angekommen ist, lässt sich nicht mehr erfragen.",
				st.MessageID, st.Endpoint, entry.Endpoint)
		}
		c, err := s.xtaClient(entry)
		if err != nil {
			return heldUnknown, err
		}
		if _, err := c.GetTransportReport(ctx, st.MessageID); err != nil {
			if isFault(err, xta2.CodeMessageIDUnknown) {
				return heldNo, nil
			}
			return heldUnknown, err
		}
		return heldYes, nil
	}
	return heldUnknown, nil
}
