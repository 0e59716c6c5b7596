package delivery

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/clock"
	"sozialplattform/tenant/secret"
)

// ObjConnectionTest is the access-control object of connection tests.
const ObjConnectionTest = "connection-test"

// ConnectionTestStep is a step of a connection test.
type ConnectionTestStep struct {
	Key    string     `json:"key"`
	Label  string     `json:"label"`
	State  string     `json:"state" enum:"done,failed,retrying,waiting"`
	At     *time.Time `json:"at,omitempty"`
	Detail string     `json:"detail,omitempty"`
}

// ConnectionTest is a test application and how far it got.
type ConnectionTest struct {
	DeliveryID     string               `json:"deliveryId"`
	CaseID         string               `json:"caseId"`
	TenantID       string               `json:"tenantId"`
	Antragsstrecke string               `json:"antragsstrecke"`
	Variant        int                  `json:"variant"`
	VariantLabel   string               `json:"variantLabel"`
	Status         string               `json:"status"`
	StatusLabel    string               `json:"statusLabel"`
	Successful     bool                 `json:"successful" doc:"der Testantrag ist beim Fachverfahren bzw. im Postfach angekommen"`
	Finished       bool                 `json:"finished" doc:"es ist kein weiterer Fortschritt zu erwarten"`
	StartedAt      time.Time            `json:"startedAt"`
	NextAttemptAt  *time.Time           `json:"nextAttemptAt,omitempty"`
	Steps          []ConnectionTestStep `json:"steps"`
}

type plannedStep struct{ key, label string }

// plannedSteps are the steps a test of a variant goes through.
func plannedSteps(variant int) []plannedStep {
	route := plannedStep{"route", "Anbindung ermittelt"}
	switch variant {
	case VariantFITConnect:
		return []plannedStep{route, {"token", "Zugangstoken von FIT-Connect erhalten"}, {"key", "Zustellpunkt aktiv, Schlüssel gültig"},
			{"announced", "Einreichung angekündigt"}, {"submitted", "Einreichung verschlüsselt übermittelt"},
			{"fetched", "Vom Fachverfahren abgeholt"}, {"accepted", "Vom Fachverfahren angenommen"}}
	case VariantXTA2:
		return []plannedStep{route, {"dvdv", "DVDV-Eintrag gefunden"}, {"account", "XTA-Konto der Plattform aktiv"},
			{"message-id", "Nachrichten-ID vom XTA-Server erhalten"}, {"sent", "Nachricht an den Intermediär übermittelt"},
			{"picked-up", "Vom Fachverfahren abgeholt"}}
	case VariantMailbox:
		return []plannedStep{route, {"mailbox", "Im Postfach der Körperschaft eingegangen"}}
	}
	return []plannedStep{route}
}

// testSucceeded tells from a row whether its test reached the goal of its
// variant.
func testSucceeded(r *row) bool {
	switch r.Variant {
	case VariantFITConnect:
		return r.Status == StatusAccepted
	case VariantXTA2:
		return r.Status == StatusPickedUp
	case VariantMailbox:
		return r.Status == StatusSent || r.Status == StatusPickedUp
	}
	return false
}

// RunConnectionTest sends a test application for an onboarding case
// through its configured variant and works on it at once, waiting up to
// wait for it to arrive; it returns the steps reached so far. The worker
// carries on afterwards; a successful test is recorded with the case.
func (s *Service) RunConnectionTest(ctx context.Context, caseID string, wait time.Duration) (*ConnectionTest, error) {
	if s.opts.Cases == nil {
		return nil, errors.New("delivery: no CaseResolver configured")
	}
	tenantID, strecke, err := s.opts.Cases.Case(ctx, caseID)
	if err != nil {
		return nil, err
	}
	// The worker resolves the route again; asking here fails early.
	rt, err := s.opts.Router.Route(ctx, tenantID, strecke)
	if err != nil {
		return nil, err
	}
	if s.opts.TestApplication == nil {
		return nil, errors.New("delivery: no TestApplication builder configured")
	}
	now := s.now()
	ref := "TEST-" + now.In(clock.Berlin()).Format("20060102-150405")
	xml, pdf, err := s.opts.TestApplication(ctx, tenantID, strecke, ref, now)
	if err != nil {
		return nil, &TestApplicationError{Antragsstrecke: strecke, Err: err}
	}
	doc := Document{ApplicationID: "test:" + caseID + ":" + secret.New()[:12], TenantID: tenantID, Antragsstrecke: strecke,
		ReferenceNumber: ref, XML: xml, PDF: pdf, SubmittedAt: now}
	var id string
	err = s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if id, err = enqueue(ctx, tx, doc, s.sealerOf(), false, PurposeConnectionTest, caseID, now); err != nil {
			return err
		}
		return tenant.WriteAudit(ctx, tx, tenant.Audit{TenantID: tenantID, Action: "connection-test", ObjectType: ObjConnectionTest,
			ObjectID: caseID, Summary: map[string]any{"deliveryId": id, "antragsstrecke": strecke, "variant": rt.Variant}})
	})
	if err != nil {
		return nil, err
	}
	if err := s.Drive(ctx, id, wait); err != nil {
		return nil, err
	}
	return s.connectionTest(ctx, id)
}

// Drive works on one delivery at once – send if due, then status checks
// every quarter second – until it has arrived for good, failed, waits for
// a later attempt, or wait is over.
func (s *Service) Drive(ctx context.Context, id string, wait time.Duration) error {
	deadline := time.Now().Add(wait)
	if err := s.runOne(ctx, phaseSend, id); err != nil {
		return err
	}
	for time.Now().Before(deadline) {
		var r row
		err := s.db.Read.NewSelect().Model(&r).Column("status", "follow_at").Where("id = ?", id).Scan(ctx)
		if err != nil {
			return fmt.Errorf("delivery %s: %w", id, err)
		}
		if r.Status != StatusSent || r.FollowAt == nil {
			return nil
		}
		if _, err := s.db.Write.NewUpdate().Model((*row)(nil)).Set("follow_at = ?", s.now()).Where("id = ?", id).
			Where("status = ?", StatusSent).Where("follow_at IS NOT NULL").Exec(ctx); err != nil {
			return fmt.Errorf("delivery %s: %w", id, err)
		}
		if err := s.runOne(ctx, phaseFollow, id); err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(250 * time.Millisecond):
		}
	}
	return nil
}

// runOne claims one row for a phase and works on it.
func (s *Service) runOne(ctx context.Context, ph phase, id string) error {
	rows, err := s.claim(ctx, ph, id, 1)
	if err != nil {
		return err
	}
	for i := range rows {
		if err := s.work(ctx, ph, &rows[i]); err != nil {
			return err
		}
	}
	return nil
}

// LatestConnectionTest returns the newest connection test of a case, or
// nil when there is none.
func (s *Service) LatestConnectionTest(ctx context.Context, caseID string) (*ConnectionTest, error) {
	var id string
	// case_id <> '' lets SQLite use the partial deliveries_case_idx.
	err := s.db.Read.NewSelect().Model((*row)(nil)).Column("id").Where("case_id = ?", caseID).Where("case_id <> ''").
		Where("purpose = ?", PurposeConnectionTest).OrderExpr("created_at DESC, id DESC").Limit(1).Scan(ctx, &id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("latest connection test of %s: %w", caseID, err)
	}
	return s.connectionTest(ctx, id)
}

func (s *Service) connectionTest(ctx context.Context, id string) (*ConnectionTest, error) {
	var r row
	if err := s.db.Read.NewSelect().Model(&r).Where("id = ?", id).Scan(ctx); err != nil {
		return nil, fmt.Errorf("connection test %s: %w", id, err)
	}
	var steps []stepRow
	if err := s.db.Read.NewSelect().Model(&steps).Where("delivery_id = ?", id).OrderExpr("id").Scan(ctx); err != nil {
		return nil, fmt.Errorf("steps of %s: %w", id, err)
	}
	variant := r.Variant
	if variant == 0 {
		if rt, err := s.routeOf(ctx, &r); err == nil {
			variant = rt.Variant
		}
	}
	t := &ConnectionTest{DeliveryID: r.ID, CaseID: r.CaseID, TenantID: r.TenantID, Antragsstrecke: r.Antragsstrecke, Variant: variant,
		VariantLabel: VariantLabel(variant), Status: r.Status, StatusLabel: StatusLabel(r.Status), StartedAt: r.CreatedAt.UTC(),
		Successful: testSucceeded(&r)}
	t.Finished = t.Successful || r.Status == StatusFailed || r.Status == StatusRejected
	if r.Status == StatusPending {
		n := r.NextAttemptAt.UTC()
		t.NextAttemptAt = &n
	}
	var lastErr *stepRow
	done := map[string]stepRow{}
	for i := range steps {
		if steps[i].OK {
			done[steps[i].Step] = steps[i]
		} else {
			lastErr = &steps[i]
		}
	}
	marked := false
	for _, p := range plannedSteps(variant) {
		st := ConnectionTestStep{Key: p.key, Label: p.label, State: "waiting"}
		if d, ok := done[p.key]; ok {
			at := d.At.UTC()
			st.State, st.At, st.Detail = "done", &at, d.Detail
		} else if !marked && lastErr != nil && !t.Successful {
			marked = true
			at := lastErr.At.UTC()
			st.At, st.Detail = &at, lastErr.Detail
			st.State = "retrying"
			if t.Finished {
				st.State = "failed"
			}
		}
		t.Steps = append(t.Steps, st)
	}
	return t, nil
}

// SuccessfulTest reports whether a connection test of the tenant's
// Antragsstrecke has arrived: the evidence "going live" needs.
func (s *Service) SuccessfulTest(ctx context.Context, tenantID, antragsstrecke string) (bool, error) {
	n, err := s.db.Read.NewSelect().Model((*row)(nil)).Where("tenant_id = ?", tenantID).Where("antragsstrecke = ?", antragsstrecke).
		Where("purpose = ?", PurposeConnectionTest).
		Where("((variant = ? AND status = ?) OR (variant = ? AND status = ?) OR (variant = ? AND status IN (?)))",
			VariantFITConnect, StatusAccepted, VariantXTA2, StatusPickedUp, VariantMailbox, bun.In([]string{StatusSent, StatusPickedUp})).
		Count(ctx)
	if err != nil {
		return false, fmt.Errorf("successful connection test of %s/%s: %w", tenantID, antragsstrecke, err)
	}
	return n > 0, nil
}

// CaseTenant returns the tenant of an onboarding case.
func (s *Service) CaseTenant(ctx context.Context, caseID string) (string, error) {
	if s.opts.Cases == nil {
		return "", errors.New("delivery: no CaseResolver configured")
	}
	tid, _, err := s.opts.Cases.Case(ctx, caseID)
	return tid, err
}

// TestApplicationError says that no test application could be built for
// an Antragsstrecke, e.g. because it has no application form yet.
type TestApplicationError struct {
	Antragsstrecke string
	Err            error
}

func (e *TestApplicationError) Error() string {
	return "Für die Antragsstrecke " + e.Antragsstrecke + " lässt sich kein Testantrag bilden: " + e.Err.Error()
}
func (e *TestApplicationError) Unwrap() error { return e.Err }
