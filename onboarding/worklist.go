package onboarding

import (
	"context"
	"fmt"
	"time"

	"github.com/uptrace/bun"
)

// CaseRef names one case in a work list: the case, its municipality and
// its Antragsstrecke, with the date that puts it there (a certificate's
// expiry), if any.
type CaseRef struct {
	CaseID, TenantID, TenantName string
	Antragsstrecke, Label        string
	DVDVKennung                  string     // for a variant-1 case
	Due                          *time.Time // a certificate's expiry
}

// Work is what waits in onboarding for the ministry: the queries behind
// the console's start page.
type Work struct {
	// GoLiveRequests are cases whose connection tests wait for nothing
	// but the test application (no test delivery recorded, no
	// confirmation): they go on only when a test arrives or the ministry
	// confirms (goLiveRequestDue, FactTestReceived).
	GoLiveRequests []CaseRef
	// ExpiringKeys are cases whose destination certificate expires within
	// KeyWarnDays or has expired.
	ExpiringKeys []CaseRef
	// OSCICases are the variant-1 cases that name a DVDV Behördenkennung;
	// the directory must hold an entry for each (admin compares).
	OSCICases []CaseRef
}

// workRow is a case with its municipality's name.
type workRow struct {
	caseRow    `bun:",extend"`
	TenantName string `bun:"tenant_name"`
}

// Work gathers the ministry's onboarding work list at now, over the
// tenants of tenantIDs (nil: all).
func (s *Store) Work(ctx context.Context, tenantIDs []string) (*Work, error) {
	w := &Work{}
	if tenantIDs != nil && len(tenantIDs) == 0 {
		return w, nil
	}
	idx, err := s.streamIndex(ctx)
	if err != nil {
		return nil, err
	}
	// scan reads the cases of a list; lean ones read only what a CaseRef
	// shows (the Land's 2,232 variant-1 cases with every column were a
	// third of the start page's CPU).
	scan := func(where func(*bun.SelectQuery) *bun.SelectQuery, lean bool) ([]workRow, error) {
		var rows []workRow
		cols := "case_row.*"
		if lean {
			cols = "case_row.id, case_row.tenant_id, case_row.antragsstrecke, case_row.transport, case_row.key_expires_at"
		}
		q := s.db.Read.NewSelect().Model(&rows).ColumnExpr(cols).ColumnExpr("t.name AS tenant_name").
			Join("JOIN tenants AS t ON t.id = case_row.tenant_id").Where("t.active = ?", true).
			OrderExpr("t.name, case_row.antragsstrecke")
		if tenantIDs != nil {
			q = q.Where("case_row.tenant_id IN (?)", bun.In(tenantIDs))
		}
		if err := where(q).Scan(ctx); err != nil {
			return nil, fmt.Errorf("onboarding work list: %w", err)
		}
		return rows, nil
	}
	ref := func(r workRow) (CaseRef, error) {
		c, err := s.caseModel(&r.caseRow)
		if err != nil {
			return CaseRef{}, err
		}
		return CaseRef{CaseID: r.ID, TenantID: r.TenantID, TenantName: r.TenantName, Antragsstrecke: r.Antragsstrecke,
			Label: idx[r.Antragsstrecke].Label, DVDVKennung: c.Transport.DVDVKennung, Due: utcPtr(r.KeyExpiresAt)}, nil
	}
	lists := []struct {
		out   *[]CaseRef
		where func(*bun.SelectQuery) *bun.SelectQuery
		lean  bool
	}{
		{&w.GoLiveRequests, func(q *bun.SelectQuery) *bun.SelectQuery {
			// goLiveRequestDue decides per case, with three queries and the
			// facts. At the Land's size a thousand cases are in their tests,
			// so the query keeps only those it can be true for: the phase
			// has a test-received item, and no plain item (one without a
			// fact, whose stored "done" is what counts) is open.
			return q.Where("case_row.tests_status = ?", string(InProgress)).Where("case_row.variant > 0").
				Where("case_row.test_delivery_at IS NULL AND case_row.live_confirmed_at IS NULL").
				Where(`EXISTS (SELECT 1 FROM onboarding_case_items AS i JOIN onboarding_checklist_templates AS tpl ON tpl.id = i.template_id
					WHERE i.case_id = case_row.id AND i.phase = ? AND i.variant IN (0, case_row.variant) AND tpl.fact = ?)`,
					string(PhaseConnectionTests), string(FactTestReceived)).
				Where(`NOT EXISTS (SELECT 1 FROM onboarding_case_items AS i LEFT JOIN onboarding_checklist_templates AS tpl ON tpl.id = i.template_id
					WHERE i.case_id = case_row.id AND i.phase = ? AND i.variant IN (0, case_row.variant) AND i.done = ?
					AND COALESCE(tpl.fact, '') = '')`, string(PhaseConnectionTests), false)
		}, false},
		{&w.ExpiringKeys, func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("case_row.key_expires_at IS NOT NULL AND case_row.key_expires_at < ?", s.now().Add(KeyWarnDays*24*time.Hour))
		}, true},
		{&w.OSCICases, func(q *bun.SelectQuery) *bun.SelectQuery {
			return q.Where("case_row.variant = ?", int(VariantOSCIXTA2))
		}, true},
	}
	for _, l := range lists {
		rows, err := scan(l.where, l.lean)
		if err != nil {
			return nil, err
		}
		*l.out = []CaseRef{}
		for _, r := range rows {
			c, err := ref(r)
			if err != nil {
				return nil, err
			}
			if l.out == &w.OSCICases && c.DVDVKennung == "" {
				continue
			}
			if l.out == &w.GoLiveRequests {
				cm, err := s.caseModel(&r.caseRow)
				if err != nil {
					return nil, err
				}
				if due, err := s.goLiveRequestDue(ctx, s.db.Read, cm); err != nil || !due {
					if err != nil {
						return nil, err
					}
					continue
				}
			}
			*l.out = append(*l.out, c)
		}
	}
	return w, nil
}
