package site

import (
	"context"
	"errors"
	"testing"

	"github.com/uptrace/bun"

	"sozialplattform/tenant"
)

// TestEntryCapAndOwnership specifies the mechanics all portal entries
// share: the cap counts only the tenant's own entries and refuses beside
// the named field once the tenant has max of them; a tenant deletes only
// its own entries.
func TestEntryCapAndOwnership(t *testing.T) {
	t.Parallel()
	s, ts := fixture(t)
	land, harz := tenantID(t, ts, "sachsen-anhalt"), tenantID(t, ts, "landkreis-harz")
	ctx := context.Background()
	var first *SignVideo
	for _, name := range []string{"buergergeld", "wohngeld"} {
		v := &SignVideo{TenantID: land, Title: name + " in DGS", URL: "https://video.example/" + name + ".mp4"}
		if err := s.AddSignVideo(ctx, v); err != nil {
			t.Fatal(err)
		}
		if first == nil {
			first = v
		}
	}
	capAt := func(tenantID string, max int) error {
		return s.db.Tx(ctx, func(ctx context.Context, tx bun.Tx) error {
			return checkCap(ctx, tx, (*SignVideo)(nil), "portal-sign-video", tenantID, max, "url", "Höchstens %d Videos.")
		})
	}
	for _, c := range []struct {
		name     string
		tenantID string
		max      int
		refused  bool
	}{
		{"below the cap", land, 3, false},
		{"at the cap", land, 2, true},
		{"above the cap (a lowered limit)", land, 1, true},
		{"another tenant's entries do not count", harz, 1, false},
	} {
		err := capAt(c.tenantID, c.max)
		var fe tenant.FieldErrors
		switch {
		case !c.refused && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.refused && (!errors.As(err, &fe) || len(fe) != 1 || fe[0].Field != "url"):
			t.Errorf("%s: want a field error on url, got %v", c.name, err)
		}
	}
	if err := capAt(land, 2); err == nil || err.Error() != "url: Höchstens 2 Videos." {
		t.Errorf("refusal = %v", err)
	}
	if err := s.DeleteSignVideo(ctx, harz, first.ID); !errors.Is(err, tenant.ErrNotFound) {
		t.Errorf("Harz deletes the Land's video: %v", err)
	}
	if err := s.DeleteSignVideo(ctx, land, first.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.DeleteSignVideo(ctx, land, first.ID); !errors.Is(err, tenant.ErrNotFound) {
		t.Errorf("second delete: %v", err)
	}
}
