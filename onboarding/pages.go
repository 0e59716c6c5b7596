package onboarding

import (
	"context"
	"fmt"
	"time"

	"sozialplattform/tenant/keyset"
)

// ConsultationKey is a Sprechstunde's position in ListConsultationsPage: by
// start, then running number, then ID (numbers may repeat).
type ConsultationKey struct {
	At     time.Time `json:"t"`
	Number int       `json:"n"`
	ID     string    `json:"i"`
}

// PageKey is c's position in ListConsultationsPage.
func (c Consultation) PageKey() ConsultationKey {
	return ConsultationKey{At: c.StartsAt, Number: c.Number, ID: c.ID}
}

var consultationOrder = keyset.Order{{Expr: "starts_at"}, {Expr: "number"}, {Expr: "id"}}

// ListConsultationsPage returns one page of the Sprechstunden f matches in
// date order with their attendance, plus one when another page follows.
func (s *Store) ListConsultationsPage(ctx context.Context, f ConsultationFilter, p keyset.Page[ConsultationKey]) ([]Consultation, error) {
	var rows []consultationRow
	var after []any
	if a := p.After; a != nil {
		after = []any{a.At.UTC(), a.Number, a.ID}
	}
	if err := consultationOrder.Apply(f.query(s.db.Read.NewSelect().Model(&rows)), p.Size(), after...).Scan(ctx); err != nil {
		return nil, fmt.Errorf("list Sprechstunden: %w", err)
	}
	return s.withAttendance(ctx, rows, f)
}

// RolloutCaseKey is a case's position in ListRolloutCasesPage: by the
// tenant's official key (tenants without one last), name, the
// Antragsstrecke's place in the catalogue, then case ID.
type RolloutCaseKey struct {
	NoKey    int    `json:"n"`
	Key      string `json:"k"`
	Name     string `json:"m"`
	Position int    `json:"p"`
	ID       string `json:"i"`
}

// PageKey is c's position in ListRolloutCasesPage.
func (c RolloutCase) PageKey() RolloutCaseKey {
	k := RolloutCaseKey{Key: c.OfficialKey, Name: c.TenantName, Position: c.position, ID: c.CaseID}
	if c.OfficialKey == "" {
		k.NoKey = 1
	}
	return k
}

var rolloutCaseOrder = keyset.Order{
	{Expr: "CASE WHEN t.official_key IS NULL THEN 1 ELSE 0 END"}, {Expr: "COALESCE(t.official_key, '')"}, {Expr: "t.name"},
	{Expr: "a.position"}, {Expr: "c.id"},
}

// ListRolloutCasesPage returns one page of RolloutCases, plus one when
// another page follows.
func (s *Store) ListRolloutCasesPage(ctx context.Context, f RolloutFilter, p keyset.Page[RolloutCaseKey]) ([]RolloutCase, error) {
	q, err := s.rolloutCasesQuery(ctx, f)
	if err != nil || q == nil {
		return []RolloutCase{}, err
	}
	var after []any
	if a := p.After; a != nil {
		after = []any{a.NoKey, a.Key, a.Name, a.Position, a.ID}
	}
	return s.scanRolloutCases(ctx, rolloutCaseOrder.Apply(q, p.Size(), after...))
}
