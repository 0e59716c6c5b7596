package onboarding

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
	"sozialplattform/tenant/fault"
	"sozialplattform/tenant/gemeinden"
)

// Level is who is responsible for an Antragsstrecke for the people of a
// Gemeinde.
type Level string

// The levels. SGB XII, AsylbLG and BuT are the Landkreis' (or the
// kreisfreie Stadt's) by law; the catalogue says so per Antragsstrecke.
const (
	LevelKreis    Level = "kreis"    // the Landkreis or kreisfreie Stadt
	LevelGemeinde Level = "gemeinde" // the Gemeinde itself
)

// Label is the German name of the level.
func (l Level) Label() string {
	if l == LevelGemeinde {
		return "Gemeinde"
	}
	return "Landkreis bzw. kreisfreie Stadt"
}

// Responsibility is who runs one Antragsstrecke for the Gemeinden of one
// Kreis.
type Responsibility struct {
	Antragsstrecke string `json:"antragsstrecke"`
	Label          string `json:"label"`
	LevelByLaw     Level  `json:"levelByLaw" enum:"kreis,gemeinde" doc:"zuständige Ebene nach Gesetz (Katalog)"`
	// Delegated: the Landkreis has its Gemeinden carry out the
	// Antragsstrecke in its stead.
	Delegated bool  `json:"delegated" doc:"der Landkreis hat die Antragsstrecke seinen Gemeinden übertragen"`
	Level     Level `json:"level" enum:"kreis,gemeinde" doc:"wer für die Bürgerinnen und Bürger einer Gemeinde zuständig ist"`
	// Since and By say when and by whom a delegation was recorded.
	Since *time.Time `json:"since,omitempty"`
	By    string     `json:"by,omitempty"`
}

type delegationRow struct {
	bun.BaseModel  `bun:"table:onboarding_delegations"`
	KreisKey       string    `bun:"kreis_key,pk"`
	Antragsstrecke string    `bun:"antragsstrecke,pk"`
	CreatedAt      time.Time `bun:"created_at"`
	CreatedBy      string    `bun:"created_by"`
}

// Responsibilities returns, for each Antragsstrecke in catalogue order, who
// is responsible for the people of the Gemeinden of the Kreis with the
// given Kreisschlüssel. In a kreisfreie Stadt, which has no Gemeinden, the
// city is responsible for everything of level "kreis".
func (s *Store) Responsibilities(ctx context.Context, kreisKey string) ([]Responsibility, error) {
	streams, err := s.streams(ctx)
	if err != nil {
		return nil, err
	}
	var rows []delegationRow
	if err := s.db.Read.NewSelect().Model(&rows).Where("kreis_key = ?", kreisKey).Scan(ctx); err != nil {
		return nil, fmt.Errorf("delegations of %s: %w", kreisKey, err)
	}
	out := make([]Responsibility, len(streams))
	for i, a := range streams {
		r := Responsibility{Antragsstrecke: a.Key, Label: a.Label, LevelByLaw: a.Level, Level: a.Level}
		if j := slices.IndexFunc(rows, func(d delegationRow) bool { return d.Antragsstrecke == a.Key }); j >= 0 && a.Level == LevelKreis {
			r.Delegated, r.Level, r.Since, r.By = true, LevelGemeinde, &rows[j].CreatedAt, rows[j].CreatedBy
		}
		out[i] = r
	}
	return out, nil
}

// GemeindeAntragsstrecken returns the keys of the Antragsstrecken that
// the Gemeinden of the Kreis run themselves, by law or delegation: the
// portal sends a Gemeinde's citizens to the Gemeinde for these and to the
// Kreis for all others.
func (s *Store) GemeindeAntragsstrecken(ctx context.Context, kreisKey string) ([]string, error) {
	rs, err := s.Responsibilities(ctx, kreisKey)
	if err != nil {
		return nil, err
	}
	out := []string{}
	for _, r := range rs {
		if r.Level == LevelGemeinde {
			out = append(out, r.Antragsstrecke)
		}
	}
	return out, nil
}

// SetDelegations records which Antragsstrecken the Landkreis with the
// given Kreisschlüssel has delegated to its Gemeinden, replacing what was
// recorded; audited under the Landkreis' tenant (or the Land's, when the
// Landkreis is not on the platform). A kreisfreie Stadt has no Gemeinden
// to delegate to; an Antragsstrecke that is the Gemeinden's by law needs
// no delegation.
func (s *Store) SetDelegations(ctx context.Context, kreisKey string, antragsstrecken []string) ([]Responsibility, error) {
	list, err := gemeinden.Default()
	if err != nil {
		return nil, err
	}
	k, ok := list.Kreis(kreisKey)
	switch {
	case !ok:
		return nil, fault.Field("kreisKey", "%q ist kein Landkreis in Sachsen-Anhalt.", kreisKey)
	case k.Kind != gemeinden.KindLandkreis && len(antragsstrecken) > 0:
		return nil, fault.Field("delegated", "%s ist eine kreisfreie Stadt und hat keine Gemeinden, denen sie Antragsstrecken übertragen könnte.", k.Name())
	}
	idx, err := s.streamIndex(ctx)
	if err != nil {
		return nil, err
	}
	keys := slices.Clone(antragsstrecken)
	slices.Sort(keys)
	keys = slices.Compact(keys)
	var fe tenant.FieldErrors
	for _, key := range keys {
		a, ok := idx[key]
		switch {
		case !ok:
			fe.Add("delegated", "Die Antragsstrecke %q gibt es nicht.", key)
		case a.Level != LevelKreis:
			fe.Add("delegated", "%s ist nach Gesetz Sache der Gemeinden; sie muss nicht übertragen werden.", a.Label)
		}
	}
	if err := fe.Err(); err != nil {
		return nil, err
	}
	now, by := s.now(), tenant.ActorFrom(ctx).Label
	err = s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var before []string
		if err := tx.NewSelect().Model((*delegationRow)(nil)).Column("antragsstrecke").Where("kreis_key = ?", kreisKey).
			Order("antragsstrecke").Scan(ctx, &before); err != nil {
			return fmt.Errorf("delegations of %s: %w", kreisKey, err)
		}
		if slices.Equal(before, keys) {
			return nil
		}
		if _, err := tx.NewDelete().Model((*delegationRow)(nil)).Where("kreis_key = ?", kreisKey).
			Where("antragsstrecke NOT IN (?)", bun.In(slices.Concat(keys, []string{""}))).Exec(ctx); err != nil {
			return fmt.Errorf("remove delegations of %s: %w", kreisKey, err)
		}
		for _, key := range keys {
			if slices.Contains(before, key) {
				continue
			}
			row := &delegationRow{KreisKey: kreisKey, Antragsstrecke: key, CreatedAt: now, CreatedBy: by}
			if _, err := tx.NewInsert().Model(row).Exec(ctx); err != nil {
				return fmt.Errorf("delegate %s in %s: %w", key, kreisKey, err)
			}
		}
		auditTenant, err := tenantOfKey(ctx, tx, kreisKey)
		if err != nil {
			return err
		}
		return audit(ctx, tx, auditTenant, "update", ObjResponsibility, kreisKey, map[string]any{
			"delegated": map[string]any{"before": nonNil(before), "after": nonNil(keys)}})
	})
	if err != nil {
		return nil, err
	}
	return s.Responsibilities(ctx, kreisKey)
}

// tenantOfKey returns the ID of the tenant with the official key, else the
// Land's.
func tenantOfKey(ctx context.Context, db bun.IDB, key string) (string, error) {
	for _, k := range []string{key, gemeinden.LandKey} {
		var id string
		err := db.NewSelect().Table("tenants").Column("id").Where("official_key = ?", k).Limit(1).Scan(ctx, &id)
		if err == nil {
			return id, nil
		}
		if !errors.Is(err, sql.ErrNoRows) {
			return "", fmt.Errorf("tenant of %s: %w", k, err)
		}
	}
	return "", fmt.Errorf("tenant of %s: %w", key, tenant.ErrNotFound)
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
