package admin_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"testing"

	"sozialplattform/tenant"
)

// At the Land's size the ministry sees thousands of tenants: the log's
// tenant filter is then a search field instead of a list of all of them.
func TestAuditLogFiltersByTenantSearchWhenTheAreaIsLarge(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	for i := range 101 { // one more than a list shows
		key := fmt.Sprintf("15085%03d", 500+i)
		g := &tenant.Tenant{Kind: tenant.KindGemeinde, OfficialKey: &key, Name: fmt.Sprintf("Gemeinde Probe %03d", i), ParentID: &e.harz.ID, Active: true}
		if err := e.store.CreateTenant(ctx, g); err != nil {
			t.Fatal(err)
		}
	}
	city := "Halberstadt"
	if _, err := e.store.UpdateTenant(ctx, e.harz.ID, 0, tenant.TenantPatch{City: &city}); err != nil {
		t.Fatal(err)
	}
	wbCity := "Lutherstadt Wittenberg"
	if _, err := e.store.UpdateTenant(ctx, e.wittenberg.ID, 0, tenant.TenantPatch{City: &wbCity}); err != nil {
		t.Fatal(err)
	}
	ministry := e.client()
	ministry.login(e.ministry.Email, ministryPW)
	harz := e.client()
	harz.login(e.harzAdmin.Email, harzPW)

	start := ministry.get("/admin/protokoll")
	if start.status != http.StatusOK || !start.has(`id="koerperschaft" name="koerperschaft" type="text"`) || start.has("Gemeinde Probe 042</option>") {
		t.Fatalf("the filter is not a search field (status %d)", start.status)
	}
	if !strings.Contains(start.text(), "die Körperschaft Landkreis Harz geändert") {
		t.Errorf("entries no longer name their tenant:\n%s", start.text())
	}
	tests := []struct {
		name     string
		c        *client
		ref      string
		status   int
		has, not []string
	}{
		{"official key", ministry, "15085", http.StatusOK, []string{"Halberstadt"}, []string{"Lutherstadt Wittenberg"}},
		{"short name", ministry, "landkreis-wittenberg", http.StatusOK, []string{"Lutherstadt Wittenberg"}, []string{"Halberstadt"}},
		{"the one name with this part", ministry, "kreis Witt", http.StatusOK, []string{"Lutherstadt Wittenberg"}, []string{"Halberstadt"}},
		{"ID, as links carry it", ministry, e.harz.ID, http.StatusOK, []string{"Halberstadt"}, []string{"Lutherstadt Wittenberg"}},
		{"several match", ministry, "Gemeinde Probe", http.StatusUnprocessableEntity, []string{"101 Körperschaften passen (Gemeinde Probe 000", "amtlichen Schlüssel"}, []string{"Halberstadt"}},
		{"none matches", ministry, "Nirgendwo", http.StatusUnprocessableEntity, []string{"Keine Körperschaft in Ihrem Bereich passt zu „Nirgendwo“."}, nil},
		{"a tenant outside the area by key", harz, "15091", http.StatusUnprocessableEntity, []string{"nicht in Ihrem Bereich"}, []string{"Lutherstadt Wittenberg"}},
		{"a tenant outside the area by ID", harz, e.wittenberg.ID, http.StatusUnprocessableEntity, []string{"nicht in Ihrem Bereich"}, []string{"Lutherstadt Wittenberg"}},
		{"a tenant outside the area by name", harz, "Wittenberg", http.StatusUnprocessableEntity, []string{"Keine Körperschaft in Ihrem Bereich"}, []string{"Lutherstadt Wittenberg"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := tt.c.get("/admin/protokoll?koerperschaft=" + url.QueryEscape(tt.ref))
			if p.status != tt.status {
				t.Fatalf("status %d, want %d", p.status, tt.status)
			}
			if tt.status != http.StatusOK && !p.has(`id="koerperschaft-fehler"`) {
				t.Error("no message at the field")
			}
			for _, s := range tt.has {
				if !strings.Contains(p.text(), s) {
					t.Errorf("lacks %q:\n%s", s, p.text())
				}
			}
			for _, s := range tt.not {
				if strings.Contains(p.text(), s) {
					t.Errorf("shows %q", s)
				}
			}
		})
	}
}
