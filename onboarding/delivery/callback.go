package delivery

import (
	"encoding/json"
	"io"
	"net/http"

	"sozialplattform/onboarding/delivery/fitconnect"
)

// CallbackPath is where the delivery service announces new events.
const CallbackPath = "/fit-connect/callback"

// CallbackHandler takes FIT-Connect's callbacks: it checks the HMAC and
// the timestamp, then reads the event log of the submissions named (the
// callback's body is never trusted as such) and records what it says.
func (s *Service) CallbackHandler() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		fo := s.fitOptions()
		if fo == nil || fo.CallbackSecret == "" {
			http.NotFound(w, r)
			return
		}
		if r.Method != http.MethodPost {
			w.Header().Set("Allow", http.MethodPost)
			http.Error(w, "POST only", http.StatusMethodNotAllowed)
			return
		}
		body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, 1<<20))
		if err != nil {
			http.Error(w, "body too large", http.StatusRequestEntityTooLarge)
			return
		}
		if err := fitconnect.VerifyCallback(fo.CallbackSecret, r.Header.Get(fitconnect.HeaderCallbackTimestamp),
			r.Header.Get(fitconnect.HeaderCallbackAuthentication), body, s.opts.Now()); err != nil {
			s.opts.Logger.Warn("FIT-Connect callback refused", "err", err, "remote", r.RemoteAddr)
			http.Error(w, "callback not authentic", http.StatusForbidden)
			return
		}
		var cb fitconnect.CallbackBody
		if err := json.Unmarshal(body, &cb); err != nil {
			http.Error(w, "malformed body", http.StatusBadRequest)
			return
		}
		ctx := r.Context()
		for _, sub := range cb.Submissions {
			var ids []string
			if err := s.db.Read.NewSelect().Model((*row)(nil)).Column("id").Where("transport_ref = ?", sub.SubmissionID).
				Where("transport_ref <> ''"). // lets SQLite use the partial deliveries_ref_idx
				Where("variant = ?", VariantFITConnect).Where("status = ?", StatusSent).Scan(ctx, &ids); err != nil {
				http.Error(w, "try again", http.StatusServiceUnavailable)
				return
			}
			for _, id := range ids {
				if _, err := s.db.Write.NewUpdate().Model((*row)(nil)).Set("follow_at = ?", s.now()).Where("id = ?", id).
					Where("status = ?", StatusSent).Exec(ctx); err != nil {
					http.Error(w, "try again", http.StatusServiceUnavailable)
					return
				}
				if err := s.runOne(ctx, phaseFollow, id); err != nil {
					s.opts.Logger.Error("FIT-Connect callback: status check failed", "delivery", id, "err", err)
				}
			}
		}
		w.WriteHeader(http.StatusOK)
	})
}
