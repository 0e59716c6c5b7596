package onboarding_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
)

// TestTheKreisIsResponsibleForSocialAssistanceByLaw: SGB XII, AsylbLG and
// BuT are the Landkreis' or kreisfreie Stadt's, and so is every other
// Antragsstrecke of the catalogue until a Landkreis delegates it.
func TestTheKreisIsResponsibleForSocialAssistanceByLaw(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	catalog, err := f.store.Catalog(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, od := range catalog {
		for _, a := range od.Antragsstrecken {
			if a.Level != onboarding.LevelKreis {
				t.Errorf("%s: level %q, want kreis", a.Key, a.Level)
			}
			n++
		}
	}
	for _, key := range []string{"grusi", "hzl", "eb-hzl", "asylblg", "but", "mrh"} {
		if !slices.ContainsFunc(catalog, func(od onboarding.Onlinedienst) bool {
			return slices.ContainsFunc(od.Antragsstrecken, func(a onboarding.Antragsstrecke) bool { return a.Key == key })
		}) {
			t.Errorf("%s missing from the catalogue", key)
		}
	}
	rs, err := f.store.Responsibilities(ctx, "15085")
	if err != nil {
		t.Fatal(err)
	}
	if len(rs) != n {
		t.Errorf("%d responsibilities for %d Antragsstrecken", len(rs), n)
	}
	for _, r := range rs {
		if r.Level != onboarding.LevelKreis || r.Delegated {
			t.Errorf("%+v, want the Kreis", r)
		}
	}
	if keys, err := f.store.GemeindeAntragsstrecken(ctx, "15085"); err != nil || len(keys) != 0 {
		t.Errorf("Gemeinde Antragsstrecken %v, %v; want none", keys, err)
	}
}

func TestALandkreisDelegatesToItsGemeinden(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "user:1", Label: "harz@example.org"})
	rs, err := f.store.SetDelegations(ctx, "15085", []string{"wbs", "wbs"})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(rs, func(r onboarding.Responsibility) bool { return r.Antragsstrecke == "wbs" })
	if r := rs[i]; !r.Delegated || r.Level != onboarding.LevelGemeinde || r.LevelByLaw != onboarding.LevelKreis ||
		r.By != "harz@example.org" || r.Since == nil || !r.Since.Equal(seedNow) {
		t.Errorf("wbs after delegation: %+v", r)
	}
	if keys, _ := f.store.GemeindeAntragsstrecken(ctx, "15085"); !slices.Equal(keys, []string{"wbs"}) {
		t.Errorf("Gemeinde Antragsstrecken in Harz: %v", keys)
	}
	if keys, _ := f.store.GemeindeAntragsstrecken(ctx, "15091"); len(keys) != 0 {
		t.Errorf("Wittenberg delegated nothing, got %v", keys)
	}
	if n := f.auditCount(t, onboarding.ObjResponsibility, "15085"); n != 1 {
		t.Errorf("%d audit entries, want 1", n)
	}
	// The same again changes nothing and logs nothing.
	if _, err := f.store.SetDelegations(ctx, "15085", []string{"wbs"}); err != nil {
		t.Fatal(err)
	}
	if n := f.auditCount(t, onboarding.ObjResponsibility, "15085"); n != 1 {
		t.Errorf("%d audit entries after an unchanged save, want 1", n)
	}
	entries, _ := f.tenants.ListAudit(ctx, tenant.AuditFilter{ObjectType: onboarding.ObjResponsibility, Limit: 10})
	if len(entries) == 0 || entries[0].TenantID == nil || *entries[0].TenantID != f.harz.ID {
		t.Errorf("audited under %+v, want Harz", entries)
	}
	// Taking it back.
	if _, err := f.store.SetDelegations(ctx, "15085", nil); err != nil {
		t.Fatal(err)
	}
	if keys, _ := f.store.GemeindeAntragsstrecken(ctx, "15085"); len(keys) != 0 {
		t.Errorf("after taking it back: %v", keys)
	}
}

func TestDelegationsRefuseWhatCannotBe(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	ctx := context.Background()
	for _, tt := range []struct {
		name, kreis string
		keys        []string
		field, want string
	}{
		{"a kreisfreie Stadt has no Gemeinden", "15003", []string{"hzl"}, "delegated", "kreisfreie Stadt"},
		{"no Kreis of Sachsen-Anhalt", "15099", nil, "kreisKey", "kein Landkreis"},
		{"a Gemeinde is no Kreis", "15085370", nil, "kreisKey", "kein Landkreis"},
		{"unknown Antragsstrecke", "15085", []string{"hzl", "gibt-es-nicht"}, "delegated", "gibt-es-nicht"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := f.store.SetDelegations(ctx, tt.kreis, tt.keys)
			var fe tenant.FieldErrors
			if !errors.As(err, &fe) || !strings.Contains(fe.For(tt.field), tt.want) {
				t.Fatalf("err = %v, want %s: %q", err, tt.field, tt.want)
			}
		})
	}
	if keys, _ := f.store.GemeindeAntragsstrecken(ctx, "15085"); len(keys) != 0 {
		t.Errorf("a refused change stored %v", keys)
	}
}
