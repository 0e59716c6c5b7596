package delivery

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"time"

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
				if err := s.followNow(ctx, id); err != nil {
					http.Error(w, "try again", http.StatusServiceUnavailable)
					return
				}
			}
		}
		w.WriteHeader(http.StatusOK)
	})
}

// followNow runs the status check of a sent delivery at once. A check
// already under way (the callback of an earlier event, the poller) holds
// the delivery's lease and may have asked before this event existed; when
// it ends it schedules the next poll, so this event would wait for that
// poll. The callback therefore waits briefly for the lease and asks again.
// It returns an error only when the database cannot be reached.
func (s *Service) followNow(ctx context.Context, id string) error {
	for try := 0; try < 20; try++ {
		res, err := s.db.Write.NewUpdate().Model((*row)(nil)).Set("follow_at = ?", s.now()).Where("id = ?", id).
			Where("status = ?", StatusSent).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil // no longer sent: another check came to its end
		}
		rows, err := s.claim(ctx, phaseFollow, id, 1)
		if err != nil {
			return err
		}
		if len(rows) > 0 {
			if err := s.work(ctx, phaseFollow, &rows[0]); err != nil {
				s.opts.Logger.Error("FIT-Connect callback: status check failed", "delivery", id, "err", err)
			}
			return nil
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(100 * time.Millisecond):
		}
	}
	s.opts.Logger.Warn("FIT-Connect callback: status check still busy; the next poll reads the event", "delivery", id)
	return nil
}
