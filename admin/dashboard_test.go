package admin_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestDashboardShowsTheTreeOfTheUsersArea(t *testing.T) {
	t.Parallel()
	e := newEnv(t)

	ministry := e.client().login(e.ministry.Email, ministryPW)
	for _, want := range []string{"Guten Tag, Marta Ministerium", "Sachsen-Anhalt", "Landkreis Harz", "Landkreis Wittenberg",
		"Schlüssel 15085", "Schlüssel 15091", "/admin/koerperschaften/" + e.wittenberg.ID, `href="/admin/aufgaben"`, `href="/admin/protokoll"`} {
		if !ministry.has(want) {
			t.Errorf("ministry dashboard lacks %q", want)
		}
	}
	// Kreise are nested inside the Land's list item.
	tree := ministry.body[strings.Index(ministry.body, `id="baum"`):]
	land := strings.Index(tree, ">Sachsen-Anhalt</a>")
	harz := strings.Index(tree, ">Landkreis Harz</a>")
	if land < 0 || harz < land || strings.Count(tree[land:harz], "<ul") != 1 {
		t.Error("Landkreis Harz is not nested below Sachsen-Anhalt")
	}

	harzAdmin := e.client().login(e.harzAdmin.Email, harzPW)
	if !harzAdmin.has("Landkreis Harz") || !harzAdmin.has("Kommune: Administration") {
		t.Error("Harz admin does not see Harz and the role")
	}
	if harzAdmin.has("Landkreis Wittenberg") || harzAdmin.has(">Sachsen-Anhalt</a>") {
		t.Error("Harz admin sees tenants outside the Landkreis")
	}
	if harzAdmin.has(`href="/admin/aufgaben"`) {
		t.Error("Harz admin is offered the jobs page")
	}
}

func TestTenantOutsideTheAreaIsNotFound(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	c.login(e.harzAdmin.Email, harzPW)
	for _, path := range []string{
		"/admin/koerperschaften/" + e.wittenberg.ID,
		"/admin/koerperschaften/" + e.wittenberg.ID + "/benutzer",
		"/admin/koerperschaften/" + e.land.ID,
		"/admin/koerperschaften/gibt-es-nicht",
		"/admin/gibt-es-nicht",
	} {
		p := c.get(path)
		if p.status != http.StatusNotFound || !p.has("Seite nicht gefunden") || !p.has("Hauptnavigation") {
			t.Errorf("%s: status %d, want the console's 404 page", path, p.status)
		}
	}
	if p := c.get("/admin/koerperschaften/" + e.harz.ID); p.status != http.StatusOK {
		t.Errorf("own tenant: status %d", p.status)
	}
	if p := c.get("/admin/koerperschaften/neu?parent=" + e.harz.ID); p.status != http.StatusForbidden {
		t.Errorf("a municipality may not create tenants: status %d, want 403", p.status)
	}
	if p := c.get("/admin/aufgaben"); p.status != http.StatusForbidden || !p.has("Keine Berechtigung") {
		t.Errorf("jobs page for a municipality: status %d, want 403", p.status)
	}
}
