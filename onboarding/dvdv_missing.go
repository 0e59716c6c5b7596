package onboarding

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
)

// MissingDVDV is a Behördenkennung that variant-1 cases name but the DVDV
// directory lacks (or has deactivated): an entry the ministry still has
// to create before those cases can receive applications.
type MissingDVDV struct {
	Kennung     string   `json:"kennung"`
	TenantID    string   `json:"tenantId"`
	TenantName  string   `json:"tenantName"`
	CaseIDs     []string `json:"caseIds"`
	Streams     []string `json:"antragsstrecken" doc:"Bezeichnungen der betroffenen Antragsstrecken"`
	OZGIDs      []string `json:"ozgIds" doc:"OZG-IDs der betroffenen Antragsstrecken, in derselben Reihenfolge"`
	Deactivated bool     `json:"deactivated" doc:"der Eintrag besteht, ist aber deaktiviert"`
}

// MissingDVDVEntries lists, per municipality and Behördenkennung, the
// DVDV entries that variant-1 cases need and the directory lacks, by
// municipality name. Cases without a Behördenkennung are the
// municipality's to do and are not listed.
func (s *Store) MissingDVDVEntries(ctx context.Context) ([]MissingDVDV, error) {
	var rows []struct {
		ID             string `bun:"id"`
		TenantID       string `bun:"tenant_id"`
		TenantName     string `bun:"tenant_name"`
		Antragsstrecke string `bun:"antragsstrecke"`
		Transport      string `bun:"transport"`
	}
	if err := s.db.Read.NewSelect().TableExpr("onboarding_cases AS c").Join("JOIN tenants AS t ON t.id = c.tenant_id").
		ColumnExpr("c.id, c.tenant_id, t.name AS tenant_name, c.antragsstrecke, c.transport").
		Where("c.variant = ?", int(VariantOSCIXTA2)).OrderExpr("t.name, c.id").Scan(ctx, &rows); err != nil {
		return nil, fmt.Errorf("variant-1 cases: %w", err)
	}
	var entries []struct {
		Kennung string `bun:"kennung"`
		Active  bool   `bun:"active"`
	}
	if err := s.db.Read.NewSelect().Table("dvdv_entries").Column("kennung", "active").Scan(ctx, &entries); err != nil {
		return nil, fmt.Errorf("DVDV entries: %w", err)
	}
	active := map[string]bool{}
	for _, e := range entries {
		active[e.Kennung] = e.Active
	}
	idx, err := s.streamIndex(ctx)
	if err != nil {
		return nil, err
	}
	byKey := map[string]*MissingDVDV{}
	var out []*MissingDVDV
	for _, r := range rows {
		var t Transport
		if err := json.Unmarshal([]byte(r.Transport), &t); err != nil {
			return nil, fmt.Errorf("case %s: transport parameters: %w", r.ID, err)
		}
		on, exists := active[t.DVDVKennung]
		if t.DVDVKennung == "" || on {
			continue
		}
		k := r.TenantID + "\x00" + t.DVDVKennung
		m := byKey[k]
		if m == nil {
			m = &MissingDVDV{Kennung: t.DVDVKennung, TenantID: r.TenantID, TenantName: r.TenantName, Deactivated: exists}
			byKey[k] = m
			out = append(out, m)
		}
		label, ozg := r.Antragsstrecke, ""
		if a, ok := idx[r.Antragsstrecke]; ok {
			label, ozg = a.Label, a.OZGID
		}
		m.CaseIDs, m.Streams, m.OZGIDs = append(m.CaseIDs, r.ID), append(m.Streams, label), append(m.OZGIDs, ozg)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].TenantName < out[j].TenantName })
	res := make([]MissingDVDV, len(out))
	for i, m := range out {
		res[i] = *m
	}
	return res, nil
}
