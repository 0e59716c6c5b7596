package delivery

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/onboarding/delivery/fitconnect"
	"sozialplattform/onboarding/delivery/xta2"
)

type attemptRow struct {
	bun.BaseModel `bun:"table:delivery_attempts"`
	ID            int64     `bun:"id,pk,autoincrement"`
	DeliveryID    string    `bun:"delivery_id"`
	Number        int       `bun:"number"`
	Phase         string    `bun:"phase"`
	Instance      string    `bun:"instance"`
	StartedAt     time.Time `bun:"started_at"`
	FinishedAt    time.Time `bun:"finished_at"`
	Outcome       string    `bun:"outcome"`
	Error         string    `bun:"error"`
	RetryAfter    int       `bun:"retry_after"`
}

type stepRow struct {
	bun.BaseModel `bun:"table:delivery_steps"`
	ID            int64     `bun:"id,pk,autoincrement"`
	DeliveryID    string    `bun:"delivery_id"`
	At            time.Time `bun:"at"`
	Step          string    `bun:"step"`
	OK            bool      `bun:"ok"`
	Detail        string    `bun:"detail"`
}

// Attempt outcomes.
const (
	OutcomeOK     = "ok"
	OutcomeRetry  = "retry"
	OutcomeFailed = "failed"
)

// permanentError is a problem retrying does not solve.
type permanentError struct{ msg string }

func (e *permanentError) Error() string { return e.msg }

func permanent(format string, args ...any) error {
	return &permanentError{msg: fmt.Sprintf(format, args...)}
}

// classify tells whether err is worth another attempt and how long the
// other side asked to wait. Errors of the transports know; anything else
// (network trouble, timeouts) is temporary.
func classify(err error) (temporary bool, after time.Duration) {
	var ra interface{ RetryAfter() time.Duration }
	if errors.As(err, &ra) {
		after = ra.RetryAfter()
	}
	var (
		pe  *permanentError
		fh  *fitconnect.HTTPError
		fp  *fitconnect.ProtocolError
		fc  *fitconnect.ConfigError
		fb  *fitconnect.BadEventError
		xf  *xta2.Fault
		xh  *xta2.HTTPError
		xp  *xta2.ProtocolError
		xse *xta2.SchemaError
	)
	switch {
	case errors.As(err, &pe), errors.As(err, &fc), errors.As(err, &fb), errors.As(err, &xse):
		return false, 0
	case errors.As(err, &fh):
		return fh.Temporary(), after
	case errors.As(err, &fp), errors.As(err, &xp):
		return true, after
	case errors.As(err, &xf):
		return xf.Temporary(), after
	case errors.As(err, &xh):
		return xh.Temporary(), after
	}
	return true, after
}

// backoff is the wait before attempt n+1: base·2ⁿ⁻¹ up to the cap, half of
// it random, at least what the server asked for.
func (s *Service) backoff(n int, after time.Duration) time.Duration {
	d := s.opts.BackoffBase
	for i := 1; i < n && d < s.opts.BackoffCap; i++ {
		d *= 2
	}
	d = min(d, s.opts.BackoffCap)
	d = d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
	if after > 0 {
		d = max(d, min(after, s.opts.MaxRetryAfter))
	}
	return d
}

// followWait is the wait before status check n+1.
func (s *Service) followWait(n int) time.Duration {
	d := s.opts.FollowBase
	for i := 0; i < n && d < s.opts.FollowCap; i++ {
		d *= 2
	}
	return min(d, s.opts.FollowCap)
}

// job is one claimed row at work.
type job struct {
	s     *Service
	r     *row
	route Route
	steps []stepRow
	// key is the destination's encryption key a FIT-Connect attempt
	// fetched and validated; it is recorded with the onboarding case.
	key *fitconnect.KeyInfo
}

func (j *job) step(step, detail string) {
	j.steps = append(j.steps, stepRow{DeliveryID: j.r.ID, At: j.s.now(), Step: step, OK: true, Detail: detail})
}

func (j *job) routeJSON() string {
	b, _ := json.Marshal(j.route)
	return string(b)
}

// checkpoint stores the transport's progress before it uploads anything.
func (j *job) checkpoint(ctx context.Context, ref string, state any) error {
	raw, err := json.Marshal(state)
	if err != nil {
		return fmt.Errorf("encode transport state: %w", err)
	}
	res, err := j.s.db.Write.NewUpdate().Model((*row)(nil)).Set("transport_ref = ?", ref).Set("transport_state = ?", string(raw)).
		Set("route = ?", j.routeJSON()).Set("variant = ?", j.route.Variant).Set("updated_at = ?", j.s.now()).
		Where("id = ?", j.r.ID).Where("lease_token = ?", j.r.LeaseToken).Exec(ctx)
	if err != nil {
		return fmt.Errorf("checkpoint delivery %s: %w", j.r.ID, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errLeaseLost
	}
	j.r.TransportRef, j.r.TransportState = ref, string(raw)
	return nil
}

// outcome is what a transport reports.
type outcome struct {
	err error
	// ref and state are the transport's ID and progress (also after an
	// error: what it knows now).
	ref, state string
	// follow asks for status checks after handing over.
	follow bool
	// final is the status a status check found ("" = nothing new); detail
	// explains it.
	final, detail string
	mailbox       *mailboxDraft
}

// loadDocument reads and opens a row's payload, sealing it first when it
// was stored unsealed and a Sealer is configured.
func (s *Service) loadDocument(ctx context.Context, r *row) (*payload, error) {
	var p payloadRow
	err := s.db.Read.NewSelect().Model(&p).Where("delivery_id = ?", r.ID).Scan(ctx)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, permanent("Die Antragsdaten sind nicht mehr gespeichert; die Zustellung kann nicht wiederholt werden.")
	}
	if err != nil {
		return nil, fmt.Errorf("load payload of %s: %w", r.ID, err)
	}
	raw := p.Data
	switch {
	case p.Sealed && s.sealerOf() == nil:
		return nil, permanent("Die Antragsdaten sind verschlüsselt gespeichert, aber kein Schlüssel ist eingerichtet.")
	case p.Sealed:
		if raw, err = s.sealerOf().Open(raw); err != nil {
			return nil, permanent("Die Antragsdaten lassen sich nicht entschlüsseln: %v", err)
		}
	case s.sealerOf() != nil:
		sealed, err := s.sealerOf().Seal(raw)
		if err != nil {
			return nil, fmt.Errorf("seal payload of %s: %w", r.ID, err)
		}
		if _, err := s.db.Write.NewUpdate().Model((*payloadRow)(nil)).Set("data = ?", sealed).Set("sealed = ?", true).
			Where("delivery_id = ?", r.ID).Where("sealed = ?", false).Exec(ctx); err != nil {
			return nil, fmt.Errorf("seal payload of %s: %w", r.ID, err)
		}
	}
	var pl payload
	if err := json.Unmarshal(raw, &pl); err != nil {
		return nil, permanent("Die Antragsdaten sind beschädigt: %v", err)
	}
	if err := pl.resolve(ctx, s.storedOf()); err != nil {
		return nil, err
	}
	return &pl, nil
}

// routeOf returns the row's stored route, or asks the Router.
func (s *Service) routeOf(ctx context.Context, r *row) (Route, error) {
	if r.Route != "" {
		var rt Route
		if err := json.Unmarshal([]byte(r.Route), &rt); err != nil {
			return Route{}, permanent("Die gespeicherte Anbindung ist beschädigt: %v", err)
		}
		return rt, nil
	}
	rt, err := s.opts.Router.Route(ctx, r.TenantID, r.Antragsstrecke)
	var nse *NoServiceError
	if errors.As(err, &nse) {
		return Route{}, permanent("%s", nse.Error())
	}
	if errors.Is(err, ErrNoRoute) {
		return Route{}, permanent("Für %s ist keine Anbindung eingerichtet (Anbindungsvariante und -daten im Onboarding-Fall fehlen).", r.Antragsstrecke)
	}
	if err != nil {
		return Route{}, fmt.Errorf("route of %s: %w", r.ID, err)
	}
	return rt, nil
}

// send makes one attempt to hand a claimed row over.
func (s *Service) send(ctx context.Context, r *row) error {
	started := s.now()
	j := &job{s: s, r: r}
	var o outcome
	route, err := s.routeOf(ctx, r)
	if err == nil {
		j.route = route
		j.step("route", VariantLabel(route.Variant))
		var doc *payload
		doc, err = s.loadDocument(ctx, r)
		if err == nil {
			tctx, cancel := context.WithTimeout(ctx, s.opts.Lease*2/3)
			switch route.Variant {
			case VariantXTA2:
				o = s.sendXTA(tctx, j, doc)
			case VariantMailbox:
				o = s.sendMailbox(j, doc)
			case VariantFITConnect:
				o = s.sendFIT(tctx, j, doc)
			default:
				o.err = permanent("Für %s ist keine Anbindungsvariante gewählt.", r.Antragsstrecke)
			}
			cancel()
		}
	}
	if err != nil {
		o.err = err
	}
	if s.crashAfterTransport != nil && s.crashAfterTransport(r.ID) {
		return nil // the process "dies": nothing after the transport call is recorded
	}
	rec := context.WithoutCancel(ctx)
	if o.err != nil && ctx.Err() != nil {
		return s.release(rec, r, true)
	}
	return s.finishSend(rec, j, started, o)
}

// release gives a row back without counting the attempt (shutdown).
func (s *Service) release(ctx context.Context, r *row, uncount bool) error {
	q := s.db.Write.NewUpdate().Model((*row)(nil)).Set("lease_until = NULL").Set("lease_token = ''").Set("updated_at = ?", s.now()).
		Where("id = ?", r.ID).Where("lease_token = ?", r.LeaseToken)
	if uncount {
		q = q.Set("attempts = attempts - 1")
	}
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("release delivery %s: %w", r.ID, err)
	}
	return nil
}

// errorText shortens an error for the row and the attempt list.
func errorText(err error) string {
	msg := err.Error()
	if len(msg) > 1000 {
		msg = msg[:1000] + " …"
	}
	return msg
}

// Problem texts for the citizen (no technical details).
const (
	citizenFailed = "Ihr Antrag konnte der zuständigen Stelle bisher nicht zugestellt werden. Die Kommune hat dazu eine E-Mail mit dem Grund erhalten " +
		"und kann die Zustellung erneut anstoßen, sobald er behoben ist. Ihr Antrag bleibt bis dahin gespeichert; Sie müssen ihn nicht noch einmal stellen."
	citizenRejected = "Das Fachverfahren der zuständigen Stelle hat Ihren Antrag technisch nicht angenommen. Die Kommune hat dazu eine E-Mail mit dem Grund " +
		"erhalten. Ihr Antrag bleibt gespeichert; bei Fragen wenden Sie sich bitte an die zuständige Stelle."
)

// finishSend records an attempt's outcome in one transaction, fenced by
// the lease token.
func (s *Service) finishSend(ctx context.Context, j *job, started time.Time, o outcome) error {
	r := j.r
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := s.now()
		upd := tx.NewUpdate().Model((*row)(nil)).Where("id = ?", r.ID).Where("lease_token = ?", r.LeaseToken).
			Set("lease_until = NULL").Set("lease_token = ''").Set("updated_at = ?", now)
		if j.route.Variant != 0 {
			upd = upd.Set("route = ?", j.routeJSON()).Set("variant = ?", j.route.Variant)
		}
		if o.ref != "" || o.state != "" {
			upd = upd.Set("transport_ref = ?", o.ref).Set("transport_state = ?", o.state)
		}
		att := &attemptRow{DeliveryID: r.ID, Number: r.Attempts, Phase: string(phaseSend), Instance: s.opts.Instance, StartedAt: started, FinishedAt: now}
		var citizen, citizenDetail, newStatus, notify string
		if o.err == nil {
			newStatus = StatusSent
			att.Outcome = OutcomeOK
			upd = upd.Set("status = ?", StatusSent).Set("sent_at = ?", now).Set("last_error = ''").Set("status_detail = ''")
			if o.follow {
				upd = upd.Set("follow_at = ?", now.Add(s.opts.FollowBase)).Set("follow_checks = 0")
			} else {
				upd = upd.Set("follow_at = NULL")
			}
			citizen = CitizenDelivered
		} else {
			msg := errorText(o.err)
			att.Error = msg
			temporary, after := classify(o.err)
			att.RetryAfter = int(after / time.Second)
			j.steps = append(j.steps, stepRow{DeliveryID: r.ID, At: now, Step: "error", OK: false, Detail: msg})
			if temporary && r.Attempts < s.opts.MaxAttempts {
				newStatus = StatusPending
				att.Outcome = OutcomeRetry
				upd = upd.Set("status = ?", StatusPending).Set("next_attempt_at = ?", now.Add(s.backoff(r.Attempts, after))).Set("last_error = ?", msg)
			} else {
				newStatus = StatusFailed
				att.Outcome = OutcomeFailed
				reason := "Die Zustellung ist nach " + fmt.Sprint(r.Attempts) + " Versuchen gescheitert."
				if !temporary {
					reason = "Die Zustellung ist gescheitert und wird nicht von selbst wiederholt."
				}
				upd = upd.Set("status = ?", StatusFailed).Set("last_error = ?", msg).Set("status_detail = ?", reason)
				citizen, citizenDetail = CitizenProblem, citizenFailed
				notify = msg
			}
		}
		res, err := upd.Exec(ctx)
		if err != nil {
			return fmt.Errorf("record delivery attempt %s: %w", r.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errLeaseLost
		}
		if _, err := tx.NewInsert().Model(att).Exec(ctx); err != nil {
			return fmt.Errorf("record delivery attempt %s: %w", r.ID, err)
		}
		if o.err == nil && o.mailbox != nil {
			if err := s.storeMailbox(ctx, tx, r, o.mailbox, now); err != nil {
				return err
			}
		}
		if j.key != nil && j.route.CaseID != "" && s.opts.OnKey != nil {
			if err := s.opts.OnKey(ctx, tx, j.route.CaseID, *j.key); err != nil {
				return fmt.Errorf("record destination key of case %s: %w", j.route.CaseID, err)
			}
		}
		if notify != "" {
			if err := s.notifyFailed(ctx, tx, j, StatusFailed, notify); err != nil {
				return err
			}
		}
		success := o.err == nil && j.route.Variant == VariantMailbox
		return s.after(ctx, tx, j, newStatus, citizen, citizenDetail, success, now)
	})
}

// after does what follows a status change inside its transaction: the
// steps of a connection test and its evidence, the citizen's status, and
// deleting a payload that is no longer needed.
func (s *Service) after(ctx context.Context, tx bun.Tx, j *job, status, citizen, citizenDetail string, testSucceeded bool, now time.Time) error {
	r := j.r
	if r.Purpose == PurposeConnectionTest {
		if testSucceeded {
			j.steps = append(j.steps, stepRow{DeliveryID: r.ID, At: now, Step: "success", OK: true, Detail: "Anbindungstest erfolgreich"})
		}
		if len(j.steps) > 0 {
			if _, err := tx.NewInsert().Model(&j.steps).Exec(ctx); err != nil {
				return fmt.Errorf("record test steps of %s: %w", r.ID, err)
			}
		}
		if testSucceeded && s.opts.OnTest != nil && r.CaseID != "" {
			if err := s.opts.OnTest(ctx, tx, r.CaseID, now, r.ID); err != nil {
				return fmt.Errorf("record test delivery of case %s: %w", r.CaseID, err)
			}
		}
		if s.opts.OnTestResult != nil && r.CaseID != "" {
			ok := testSucceeded || (j.route.Variant == VariantFITConnect && status == StatusAccepted) ||
				(j.route.Variant == VariantXTA2 && status == StatusPickedUp) || (j.route.Variant == VariantMailbox && status == StatusPickedUp)
			detail := ""
			for i := len(j.steps) - 1; i >= 0 && !ok; i-- {
				if !j.steps[i].OK {
					detail = j.steps[i].Detail
					break
				}
			}
			if err := s.opts.OnTestResult(ctx, tx, r.CaseID, r.ID, now, status, ok, detail); err != nil {
				return fmt.Errorf("record connection test of case %s: %w", r.CaseID, err)
			}
		}
	} else if citizen != "" && s.opts.OnStatus != nil {
		if err := s.opts.OnStatus(ctx, tx, r.ApplicationID, citizen, citizenDetail); err != nil {
			return fmt.Errorf("report status of application %s: %w", r.ApplicationID, err)
		}
	}
	// The payload goes once the Fachverfahren has it for good.
	if status == StatusAccepted || status == StatusPickedUp || (status == StatusSent && j.route.Variant == VariantMailbox) {
		if _, err := tx.NewDelete().Model((*payloadRow)(nil)).Where("delivery_id = ?", r.ID).Exec(ctx); err != nil {
			return fmt.Errorf("delete payload of %s: %w", r.ID, err)
		}
	}
	return nil
}

// follow checks a handed-over row's status once.
func (s *Service) follow(ctx context.Context, r *row) error {
	started := s.now()
	j := &job{s: s, r: r}
	var o outcome
	route, err := s.routeOf(ctx, r)
	if err != nil {
		o.err = err
	} else {
		j.route = route
		tctx, cancel := context.WithTimeout(ctx, s.opts.Lease*2/3)
		switch route.Variant {
		case VariantFITConnect:
			o = s.followFIT(tctx, j)
		case VariantXTA2:
			o = s.followXTA(tctx, j)
		default:
			o.err = permanent("nothing to follow for variant %d", route.Variant)
		}
		cancel()
	}
	rec := context.WithoutCancel(ctx)
	if o.err != nil && ctx.Err() != nil {
		return s.release(rec, r, false)
	}
	return s.finishFollow(rec, j, started, o)
}

func (s *Service) finishFollow(ctx context.Context, j *job, started time.Time, o outcome) error {
	r := j.r
	return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		now := s.now()
		upd := tx.NewUpdate().Model((*row)(nil)).Where("id = ?", r.ID).Where("lease_token = ?", r.LeaseToken).
			Set("lease_until = NULL").Set("lease_token = ''").Set("updated_at = ?", now)
		var citizen, citizenDetail string
		var att *attemptRow
		success := false
		switch {
		case o.err != nil:
			msg := errorText(o.err)
			att = &attemptRow{DeliveryID: r.ID, Number: r.Attempts, Phase: string(phaseFollow), Instance: s.opts.Instance, StartedAt: started,
				FinishedAt: now, Outcome: OutcomeRetry, Error: msg}
			// The delivery was handed over; not being able to read its
			// status now is no reason from the transport to call it
			// failed. It stays handed over, and the status is asked again
			// later (at most every FollowCap).
			upd = upd.Set("follow_at = ?", now.Add(s.followWait(r.FollowChecks))).Set("follow_checks = follow_checks + 1").Set("last_error = ?", msg)
		case o.final == "":
			upd = upd.Set("follow_at = ?", now.Add(s.followWait(r.FollowChecks))).Set("follow_checks = follow_checks + 1")
		default:
			att = &attemptRow{DeliveryID: r.ID, Number: r.Attempts, Phase: string(phaseFollow), Instance: s.opts.Instance, StartedAt: started,
				FinishedAt: now, Outcome: OutcomeOK}
			upd = upd.Set("status = ?", o.final).Set("follow_at = NULL").Set("finished_at = ?", now).Set("status_detail = ?", o.detail).Set("last_error = ''")
			switch o.final {
			case StatusAccepted:
				citizen = CitizenAccepted
				success = r.Variant == VariantFITConnect
			case StatusPickedUp:
				citizen = CitizenPickedUp
				success = r.Variant == VariantXTA2
			case StatusRejected:
				citizen, citizenDetail = CitizenProblem, citizenRejected
				j.steps = append(j.steps, stepRow{DeliveryID: r.ID, At: now, Step: "rejected", OK: false, Detail: o.detail})
				if err := s.notifyFailed(ctx, tx, j, StatusRejected, o.detail); err != nil {
					return err
				}
			}
		}
		res, err := upd.Exec(ctx)
		if err != nil {
			return fmt.Errorf("record delivery status %s: %w", r.ID, err)
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errLeaseLost
		}
		if att != nil {
			if _, err := tx.NewInsert().Model(att).Exec(ctx); err != nil {
				return fmt.Errorf("record status check %s: %w", r.ID, err)
			}
		}
		status := r.Status
		if o.final != "" {
			status = o.final
		}
		return s.after(ctx, tx, j, status, citizen, citizenDetail, success, now)
	})
}

// problemsText joins the problems of a rejection.
func problemsText(ps []fitconnect.Problem) string {
	var parts []string
	for _, p := range ps {
		t := p.Title
		if p.Detail != "" {
			t += ": " + p.Detail
		}
		parts = append(parts, t)
	}
	if len(parts) == 0 {
		return "Das Fachverfahren hat die Einreichung abgelehnt."
	}
	return "Abgelehnt: " + strings.Join(parts, "; ")
}
