package delivery

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/onboarding"
)

// HealthWindow is how far back the delivery health of a case looks.
const HealthWindow = 7 * 24 * time.Hour

// Health is how the applications of one onboarding case were delivered in
// the recent window (HealthWindow): a case may be "live" while none of its
// applications reaches the Fachverfahren, and this is what makes that
// visible on the case pages and in the Umsetzungsstand (finding m16).
type Health struct {
	CaseID         string `json:"caseId"`
	TenantID       string `json:"tenantId"`
	Antragsstrecke string `json:"antragsstrecke"`
	// Live reports whether the case's Antragsstrecke is live.
	Live bool `json:"live"`
	// OK counts applications handed over, picked up or accepted; Failed
	// those failed or rejected; Pending those still on their way.
	OK      int `json:"ok"`
	Failed  int `json:"failed"`
	Pending int `json:"pending"`
	// LastFailure is the newest failed or rejected delivery of the window
	// (nil without failures).
	LastFailure *Failure `json:"lastFailure,omitempty"`
}

// Failure is one failed delivery as the health indicator names it.
type Failure struct {
	DeliveryID string    `json:"deliveryId"`
	At         time.Time `json:"at"`
	Status     string    `json:"status"`
	Reason     string    `json:"reason"`
}

// The levels of the indicator.
const (
	HealthNone     = "none"     // no application in the window
	HealthOK       = "ok"       // every finished delivery went through
	HealthDegraded = "degraded" // some failed, some went through
	HealthFailing  = "failing"  // failures and nothing went through
)

// Level sums the health up for colour and text.
func (h Health) Level() string {
	switch {
	case h.Failed > 0 && h.OK == 0:
		return HealthFailing
	case h.Failed > 0:
		return HealthDegraded
	case h.OK > 0 || h.Pending > 0:
		return HealthOK
	}
	return HealthNone
}

// Label says the level in German.
func (h Health) Label() string {
	switch h.Level() {
	case HealthFailing:
		return "Zustellung gestört"
	case HealthDegraded:
		return "Zustellung teilweise gestört"
	case HealthOK:
		return "Zustellung in Ordnung"
	}
	return "keine Anträge"
}

// FailedShare is the failed share of the finished deliveries in percent.
func (h Health) FailedShare() int {
	if h.OK+h.Failed == 0 {
		return 0
	}
	return h.Failed * 100 / (h.OK + h.Failed)
}

// HealthFilter narrows a health query.
type HealthFilter struct {
	// TenantIDs are the cases' tenants (nil: all; empty: none).
	TenantIDs []string
	// Antragsstrecke limits to one Antragsstrecke.
	Antragsstrecke string
	// CaseID limits to one case.
	CaseID string
	// Reasons also loads each case's newest failure (one more query);
	// the Umsetzungsstand needs only the counts.
	Reasons bool
}

// Health returns the delivery health of the onboarding cases the filter
// names, keyed by case ID; cases without an application in the window are
// left out. The counts are one aggregate query over the window's
// deliveries joined to the cases – however many cases – and the newest
// failure per case one more, so that the Umsetzungsstand of 400
// municipalities × 30 Antragsstrecken costs one query, not one per case.
func (s *Service) Health(ctx context.Context, f HealthFilter) (map[string]Health, error) {
	out := map[string]Health{}
	if f.TenantIDs != nil && len(f.TenantIDs) == 0 {
		return out, nil
	}
	since := s.now().Add(-HealthWindow)
	var rows []struct {
		CaseID         string `bun:"case_id"`
		TenantID       string `bun:"tenant_id"`
		Antragsstrecke string `bun:"antragsstrecke"`
		Production     string `bun:"production_status"`
		OK             int    `bun:"ok"`
		Failed         int    `bun:"failed"`
		Pending        int    `bun:"pending"`
	}
	// Deliveries are summed per (tenant, Antragsstrecke) first – the key of
	// a case – and only the sums are joined to the cases.
	agg := s.db.Read.NewSelect().TableExpr("deliveries AS d").ColumnExpr("d.tenant_id, d.antragsstrecke").
		ColumnExpr("SUM(CASE WHEN d.status IN (?) THEN 1 ELSE 0 END) AS ok", bun.In([]string{StatusSent, StatusPickedUp, StatusAccepted})).
		ColumnExpr("SUM(CASE WHEN d.status IN (?) THEN 1 ELSE 0 END) AS failed", bun.In([]string{StatusFailed, StatusRejected})).
		ColumnExpr("SUM(CASE WHEN d.status = ? THEN 1 ELSE 0 END) AS pending", StatusPending).
		GroupExpr("d.tenant_id, d.antragsstrecke")
	agg = f.whereDeliveries(agg, since)
	q := s.db.Read.NewSelect().TableExpr("(?) AS d", agg).
		Join("JOIN onboarding_cases AS c ON c.tenant_id = d.tenant_id AND c.antragsstrecke = d.antragsstrecke").
		ColumnExpr("c.id AS case_id, c.tenant_id, c.antragsstrecke, c.production_status, d.ok, d.failed, d.pending")
	if f.CaseID != "" {
		q = q.Where("c.id = ?", f.CaseID)
	}
	if err := q.Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("delivery health: %w", err)
	}
	failing := false
	for _, r := range rows {
		out[r.CaseID] = Health{CaseID: r.CaseID, TenantID: r.TenantID, Antragsstrecke: r.Antragsstrecke,
			Live: r.Production == string(onboarding.Completed), OK: r.OK, Failed: r.Failed, Pending: r.Pending}
		failing = failing || r.Failed > 0
	}
	if !f.Reasons || !failing {
		return out, nil
	}
	// The newest failure per case: ranked inside the window's failed
	// deliveries only, which are few next to the delivered ones.
	var last []struct {
		CaseID    string    `bun:"case_id"`
		ID        string    `bun:"id"`
		Status    string    `bun:"status"`
		LastError string    `bun:"last_error"`
		Detail    string    `bun:"status_detail"`
		UpdatedAt time.Time `bun:"updated_at"`
	}
	inner := s.db.Read.NewSelect().TableExpr("deliveries AS d").
		ColumnExpr("d.tenant_id, d.antragsstrecke, d.id, d.status, d.last_error, d.status_detail, d.updated_at").
		ColumnExpr("ROW_NUMBER() OVER (PARTITION BY d.tenant_id, d.antragsstrecke ORDER BY d.updated_at DESC, d.id DESC) AS rn").
		Where("d.status IN (?)", bun.In([]string{StatusFailed, StatusRejected}))
	inner = f.whereDeliveries(inner, since)
	newest := s.db.Read.NewSelect().TableExpr("(?) AS x", inner).
		Join("JOIN onboarding_cases AS c ON c.tenant_id = x.tenant_id AND c.antragsstrecke = x.antragsstrecke").
		ColumnExpr("c.id AS case_id, x.id, x.status, x.last_error, x.status_detail, x.updated_at").Where("x.rn = 1")
	if f.CaseID != "" {
		newest = newest.Where("c.id = ?", f.CaseID)
	}
	if err := newest.Scan(ctx, &last); err != nil {
		return nil, fmt.Errorf("delivery health: newest failures: %w", err)
	}
	for _, l := range last {
		h, ok := out[l.CaseID]
		if !ok {
			continue
		}
		reason := l.LastError
		if reason == "" {
			reason = l.Detail
		}
		if reason == "" {
			reason = StatusLabel(l.Status)
		}
		h.LastFailure = &Failure{DeliveryID: l.ID, At: l.UpdatedAt.UTC(), Status: l.Status, Reason: reason}
		out[l.CaseID] = h
	}
	return out, nil
}

// whereDeliveries adds the filter's conditions to a query on deliveries
// d (a case is named by its tenant and Antragsstrecke there; CaseID is
// applied after the join).
//
// The statuses are named although they are all of them: with them the
// window is a few ranges of deliveries_rollout_idx (purpose, status,
// created_at, tenant_id, antragsstrecke), the one index that also counts
// the failed deliveries of all time (FailedCounts, Rollout).
func (f HealthFilter) whereDeliveries(q *bun.SelectQuery, since time.Time) *bun.SelectQuery {
	q = q.Where("d.purpose = ?", PurposeApplication).Where("d.status IN (?)", bun.In(Statuses())).Where("d.created_at >= ?", since)
	if f.TenantIDs != nil {
		q = q.Where("d.tenant_id IN (?)", bun.In(f.TenantIDs))
	}
	if f.Antragsstrecke != "" {
		q = q.Where("d.antragsstrecke = ?", f.Antragsstrecke)
	}
	return q
}

// Rollout is what the ministry's Umsetzungsstand reads of the delivery:
// per tenant the applications whose delivery failed or was rejected and
// waits for the municipality (of any age, as FailedCounts), and per case
// the health of the window (as Health without Reasons).
type Rollout struct {
	Failed map[string]int    // tenant ID → failed or rejected deliveries
	Health map[string]Health // case ID → health; cases without an application in the window left out
}

// Rollout answers both of the Umsetzungsstand's questions about the
// tenants (nil: all; empty: none) in one statement: the failed deliveries
// of all time and the window's other deliveries, two ranges of the same
// index (deliveries_rollout_idx), summed per tenant and Antragsstrecke and
// joined to the cases.
func (s *Service) Rollout(ctx context.Context, tenantIDs []string) (Rollout, error) {
	out := Rollout{Failed: map[string]int{}, Health: map[string]Health{}}
	if tenantIDs != nil && len(tenantIDs) == 0 {
		return out, nil
	}
	since := s.now().Add(-HealthWindow)
	failed := []string{StatusFailed, StatusRejected}
	part := func(statuses []string) *bun.SelectQuery {
		q := s.db.Read.NewSelect().TableExpr("deliveries AS d").ColumnExpr("d.tenant_id, d.antragsstrecke, d.status, d.created_at").
			Where("d.purpose = ?", PurposeApplication).Where("d.status IN (?)", bun.In(statuses))
		if tenantIDs != nil {
			q = q.Where("d.tenant_id IN (?)", bun.In(tenantIDs))
		}
		return q
	}
	// The failed ones of any age, the others of the window only.
	all := part(failed).UnionAll(part([]string{StatusPending, StatusSent, StatusPickedUp, StatusAccepted}).Where("d.created_at >= ?", since))
	recent := func(cond string) string { return "SUM(CASE WHEN x.created_at >= ? AND " + cond + " THEN 1 ELSE 0 END)" }
	agg := s.db.Read.NewSelect().TableExpr("(?) AS x", all).ColumnExpr("x.tenant_id, x.antragsstrecke").
		ColumnExpr(recent("x.status IN (?)")+" AS ok", since, bun.In([]string{StatusSent, StatusPickedUp, StatusAccepted})).
		ColumnExpr(recent("x.status IN (?)")+" AS failed", since, bun.In(failed)).
		ColumnExpr(recent("x.status = ?")+" AS pending", since, StatusPending).
		ColumnExpr("SUM(CASE WHEN x.status IN (?) THEN 1 ELSE 0 END) AS waiting", bun.In(failed)).
		GroupExpr("x.tenant_id, x.antragsstrecke")
	var rows []struct {
		TenantID       string  `bun:"tenant_id"`
		Antragsstrecke string  `bun:"antragsstrecke"`
		CaseID         *string `bun:"case_id"`
		Production     *string `bun:"production_status"`
		OK             int     `bun:"ok"`
		Failed         int     `bun:"failed"`
		Pending        int     `bun:"pending"`
		Waiting        int     `bun:"waiting"`
	}
	// A delivery whose case is gone still counts for its tenant: a left
	// join (a case is unique per tenant and Antragsstrecke).
	if err := s.db.Read.NewSelect().TableExpr("(?) AS a", agg).
		Join("LEFT JOIN onboarding_cases AS c ON c.tenant_id = a.tenant_id AND c.antragsstrecke = a.antragsstrecke").
		ColumnExpr("a.tenant_id, a.antragsstrecke, c.id AS case_id, c.production_status, a.ok, a.failed, a.pending, a.waiting").
		Scan(ctx, &rows); err != nil {
		return out, fmt.Errorf("delivery health of the Umsetzungsstand: %w", err)
	}
	for _, r := range rows {
		if r.Waiting > 0 {
			out.Failed[r.TenantID] += r.Waiting
		}
		if r.CaseID == nil || r.OK+r.Failed+r.Pending == 0 {
			continue
		}
		out.Health[*r.CaseID] = Health{CaseID: *r.CaseID, TenantID: r.TenantID, Antragsstrecke: r.Antragsstrecke,
			Live: r.Production != nil && *r.Production == string(onboarding.Completed), OK: r.OK, Failed: r.Failed, Pending: r.Pending}
	}
	return out, nil
}

// LiveFailing counts, per case ID, the applications of the live cases of
// the tenants (nil: all) whose delivery failed or was rejected in the
// window; cases without such failures are left out. It is the weekly
// report's count (onboarding.Options.FailingDeliveries), the same the
// Umsetzungsstand shows.
func (s *Service) LiveFailing(ctx context.Context, tenantIDs []string) (map[string]int, error) {
	hs, err := s.Health(ctx, HealthFilter{TenantIDs: tenantIDs})
	if err != nil {
		return nil, err
	}
	out := map[string]int{}
	for id, h := range hs {
		if h.Live && h.Failed > 0 {
			out[id] = h.Failed
		}
	}
	return out, nil
}
