package onboarding

import (
	"context"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/i18n"
)

// TestResult is the newest connection test of a case as the delivery
// reported it: successful, failed or still under way.
type TestResult struct {
	DeliveryID string    `json:"deliveryId" doc:"Zustellung des Testantrags"`
	At         time.Time `json:"at" doc:"letzte Änderung des Stands"`
	Status     string    `json:"status" doc:"Stand der Zustellung (pending, sent, accepted, picked-up, failed, rejected …)"`
	OK         bool      `json:"ok" doc:"der Testantrag ist angekommen"`
	Detail     string    `json:"detail,omitempty" doc:"Fehlermeldung eines gescheiterten Versuchs"`
}

// Failed reports whether the test ended or is stuck without arriving.
func (t *TestResult) Failed() bool { return t != nil && !t.OK && t.Detail != "" }

// RecordTestResult records the newest state of a connection test at its
// case, inside the delivery's transaction db: the case page and the
// ministry's go-live confirmation show it, failures included. A report
// about an older test than the one recorded is ignored.
func (s *Store) RecordTestResult(ctx context.Context, db bun.IDB, caseID, deliveryID string, at time.Time, status string, ok bool, detail string) error {
	at = at.UTC().Truncate(time.Microsecond)
	if len(detail) > 1000 {
		detail = detail[:1000] + " …"
	}
	q := db.NewUpdate().Model((*caseRow)(nil)).Set("last_test_id = ?", deliveryID).Set("last_test_at = ?", at).
		Set("last_test_status = ?", status).Set("last_test_ok = ?", ok).Set("last_test_detail = ?", detail).
		Where("id = ?", caseID).
		Where("(last_test_id = ? OR last_test_id = '' OR last_test_at IS NULL OR last_test_at <= ?)", deliveryID, at)
	if _, err := q.Exec(ctx); err != nil {
		return fmt.Errorf("record connection test of case %s: %w", caseID, err)
	}
	return nil
}

// EvidenceOK reports whether the newest connection test arrived: the
// evidence a go-live rests on. Cases from before tests were recorded at
// the case count their recorded successful test delivery.
func (c *Case) EvidenceOK() bool {
	if c.LastTest != nil {
		return c.LastTest.OK
	}
	return c.TestDeliveryAt != nil
}

// GoLiveConfirmation is the ministry's decision on a case's go-live.
type GoLiveConfirmation struct {
	Confirmed bool
	// Acknowledged must be true to confirm while the newest connection
	// test failed or none exists; Reason says why the ministry confirms
	// anyway. Both go into the audit log.
	Acknowledged bool
	Reason       string
}

// MaxReasonLen caps the reason of an acknowledged confirmation.
const MaxReasonLen = 500

// ConfirmGoLive records (or withdraws) the ministry's confirmation that a
// case may go live. While the newest connection test failed or there is
// none, confirming needs an explicit acknowledgement with a reason; the
// audit entry records the evidence seen, the acknowledgement and the
// reason. Callers check that the principal may (ObjGoLive).
func (s *Store) ConfirmGoLive(ctx context.Context, caseID string, version int, g GoLiveConfirmation) (*Case, error) {
	g.Reason = strings.TrimSpace(g.Reason)
	if utf8.RuneCountInString(g.Reason) > MaxReasonLen {
		return nil, i18n.FieldCoded("confirmationReason", i18n.CodeMaxLength, map[string]any{"max": MaxReasonLen})
	}
	if strings.ContainsFunc(g.Reason, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\r' }) {
		return nil, i18n.FieldCoded("confirmationReason", i18n.CodeControlChars, nil)
	}
	var out *Case
	err := s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		row, err := s.loadCaseRow(ctx, tx, caseID)
		if err != nil {
			return err
		}
		if version != 0 && row.Version != version {
			return ErrCaseChanged
		}
		c, err := s.caseModel(row)
		if err != nil {
			return err
		}
		if g.Confirmed == (row.LiveConfirmedAt != nil) {
			out = c
			return nil
		}
		if !g.Confirmed && row.ProductionStatus == string(Completed) && row.TestDeliveryAt == nil {
			return &RuleError{Reasons: []string{"Die Bestätigung kann nicht zurückgenommen werden, solange die Antragsstrecke ohne erfasste Testzustellung live ist. Setzen Sie zuerst den Livegang zurück."}}
		}
		evidence := map[string]any{"testDelivered": c.TestDeliveryAt != nil, "lastTest": "keiner"}
		if t := c.LastTest; t != nil {
			evidence["lastTest"], evidence["lastTestAt"], evidence["lastTestOk"] = t.Status, t.At.Format(time.RFC3339), t.OK
			if t.Detail != "" {
				evidence["lastTestDetail"] = t.Detail
			}
		}
		summary := map[string]any{"antragsstrecke": row.Antragsstrecke, "before": map[string]any{"liveConfirmed": !g.Confirmed},
			"after": map[string]any{"liveConfirmed": g.Confirmed}}
		if g.Confirmed {
			summary["evidence"] = evidence
			if !c.EvidenceOK() {
				var errs tenant.FieldErrors
				if !g.Acknowledged {
					what := "Es liegt kein Anbindungstest vor."
					if c.LastTest != nil {
						what = "Der letzte Anbindungstest ist nicht angekommen."
					}
					errs.Add("acknowledgeFailedTest", "%s Bestätigen Sie ausdrücklich, dass der Livegang trotzdem erfolgen soll.", what)
				}
				if g.Reason == "" {
					errs.Add("confirmationReason", "Bitte begründen Sie, warum der Livegang ohne erfolgreichen Anbindungstest erfolgen soll.")
				}
				if err := errs.Err(); err != nil {
					return err
				}
				summary["acknowledged"], summary["reason"] = true, g.Reason
			}
			now := s.now()
			row.LiveConfirmedAt = &now
			row.LiveConfirmedBy = tenant.ActorFrom(ctx).Label
		} else {
			row.LiveConfirmedAt, row.LiveConfirmedBy = nil, ""
		}
		if err := s.saveCaseRow(ctx, tx, row); err != nil {
			return err
		}
		if out, err = s.caseModel(row); err != nil {
			return err
		}
		return audit(ctx, tx, row.TenantID, "update", ObjGoLive, row.ID, summary)
	})
	if err != nil {
		return nil, err
	}
	return out, s.label(ctx, out)
}
