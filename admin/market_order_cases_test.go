package admin_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"sozialplattform/tenant"
)

// TestOrderPageLeadsToItsCases: the order page lists the onboarding cases
// the order opened, with their stage and a link to each; when the cases
// are further than the order's state, the ministry is told which state
// they say (finding m5: Wittenberg's order stayed "Eingegangen" while its
// HzL case moved on, and the order did not lead to its cases).
func TestOrderPageLeadsToItsCases(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{domains: true, ordering: true, worldOptions: worldOptions{demo: true}})
	ctx := t.Context()
	if err := e.market.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if err := e.onboard.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	orderOf := func(tenantID string) string {
		cases, err := e.onboard.ListCases(ctx, tenantID)
		if err != nil || len(cases) == 0 {
			t.Fatalf("cases of %s: %v", tenantID, err)
		}
		return "/admin/marktplatz/bestellungen/" + cases[0].OrderID
	}
	ministry := e.client()
	ministry.login("ministerium@demo.example", tenant.DemoPassword)
	harzCases, _ := e.onboard.ListCases(ctx, e.harz.ID)
	for _, tt := range []struct {
		name, who, order string
		want, wantNot    []string
	}{
		{"Harz's order, all live but one, marked completed", "ministerium@demo.example", orderOf(e.harz.ID),
			[]string{"Die Bestellung hat diese Anbindungsfälle eröffnet", `href="/admin/anbindung/fall/` + harzCases[0].ID + `"`,
				"Hilfe zum Lebensunterhalt 1.0</a>: live seit 12.05.2025", "EB-HzL – Einmalige Bedarfe</a>: bestellt"},
			[]string{"Stand der Bestellung prüfen"}},
		{"Wittenberg's order in preparation, still received", "ministerium@demo.example", orderOf(e.wittenberg.ID),
			[]string{"Hilfe zum Lebensunterhalt 1.0</a>: in Vorbereitung", "Stand der Bestellung prüfen",
				"Nach den Anbindungsfällen ist die Bestellung „In Anbindung“; ihr Stand ist noch „Eingegangen“."},
			nil},
		{"the municipality sees its cases, not the ministry's hint", "wittenberg@demo.example", orderOf(e.wittenberg.ID),
			[]string{"Hilfe zum Lebensunterhalt 1.0</a>: in Vorbereitung"},
			[]string{"Stand der Bestellung prüfen"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			c := ministry
			if tt.who != "ministerium@demo.example" {
				c = e.client()
				c.login(tt.who, tenant.DemoPassword)
			}
			page := c.mustPage(http.StatusOK, tt.order)
			contains(t, page, "order page", tt.want...)
			if i := slices.IndexFunc(tt.wantNot, func(s string) bool { return strings.Contains(page, s) }); i >= 0 {
				t.Errorf("order page shows %q", tt.wantNot[i])
			}
		})
	}
}
