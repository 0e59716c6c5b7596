package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"sozialplattform/tenant"
)

func TestAuditLogListsTheChanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	c.login(e.harzAdmin.Email, harzPW)
	tenantPath := "/admin/koerperschaften/" + e.harz.ID
	form := tenantForm(e.harz)
	form.Set("city", "Halberstadt")
	c.submit(tenantPath, tenantPath, form)
	c.submit(tenantPath+"/einladungen", tenantPath+"/einladungen", url.Values{"email": {"neu@kreis-harz.de"}, "rolle": {"municipality-clerk"}})
	c.submit(tenantPath+"/token", tenantPath+"/token", url.Values{"name": {"Skript"}, "rolle": {"municipality-clerk"}})

	log := c.get("/admin/protokoll")
	text := log.text()
	for _, want := range []string{"Körperschaft", "geändert", "Ort", "(leer) → Halberstadt", "Einladung", "neu@kreis-harz.de",
		"API-Token", "Skript", "admin@kreis-harz.de", "Landkreis Harz"} {
		if !strings.Contains(text, want) {
			t.Errorf("audit log lacks %q", want)
		}
	}
	if strings.Contains(text, "Wittenberg") {
		t.Error("Harz admin sees Wittenberg in the audit log")
	}
	if !regexp.MustCompile(`\d\d\.\d\d\.\d{4} \d\d:\d\d`).MatchString(text) {
		t.Error("times are not shown as dd.mm.yyyy hh:mm")
	}

	// One German sentence per entry, with the person's name.
	if !strings.Contains(text, "Hanna Harz hat die Körperschaft Landkreis Harz geändert.") {
		t.Errorf("no sentence for the tenant change:\n%s", text)
	}
	// Filter by person: known address narrows, unknown is an error at the field.
	ministryLog := e.client()
	ministryLog.login(e.ministry.Email, ministryPW)
	if p := ministryLog.get("/admin/protokoll?wer=" + url.QueryEscape(e.harzAdmin.Email)); !strings.Contains(p.text(), "Halberstadt") ||
		strings.Contains(p.text(), "Marta Ministerium hat") {
		t.Error("the person filter does not narrow the log")
	}
	if p := ministryLog.get("/admin/protokoll?wer=niemand%40example.org"); p.status != http.StatusUnprocessableEntity || !p.has(`id="wer-fehler"`) {
		t.Errorf("unknown person: status %d", p.status)
	}
	filtered := c.get("/admin/protokoll?objekt=api-token")
	if !strings.Contains(filtered.text(), "Skript") || strings.Contains(filtered.text(), "Halberstadt") {
		t.Error("object filter does not narrow the log")
	}
	own := c.get(tenantPath + "/protokoll?aktion=update")
	if !strings.Contains(own.text(), "Halberstadt") || strings.Contains(own.text(), "Skript") {
		t.Error("tenant log with action filter is wrong")
	}
	if p := c.get("/admin/protokoll?koerperschaft=" + e.wittenberg.ID); p.status != http.StatusUnprocessableEntity {
		t.Errorf("filter on a tenant outside the area: status %d", p.status)
	}
	if p := c.get("/admin/protokoll?von=gestern"); p.status != http.StatusUnprocessableEntity || !p.has(`id="von-fehler"`) {
		t.Errorf("bad date filter: status %d", p.status)
	}
}

func TestAuditLogPages(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	ctx := context.Background()
	for i := range 60 {
		city := "Ort " + strconv.Itoa(i)
		if _, err := e.store.UpdateTenant(ctx, e.harz.ID, 0, tenant.TenantPatch{City: &city}); err != nil {
			t.Fatal(err)
		}
	}
	c := e.client()
	c.login(e.harzAdmin.Email, harzPW)
	first := c.get("/admin/protokoll?objekt=tenant")
	if !strings.Contains(first.text(), "Ort 58 → Ort 59") || strings.Contains(first.text(), "Ort 0 → Ort 1") {
		t.Error("the first page does not hold the newest entries")
	}
	older := regexp.MustCompile(`href="(/admin/protokoll\?[^"]*vor=\d+[^"]*)">Ältere Einträge`).FindStringSubmatch(first.body)
	if older == nil {
		t.Fatalf("no link to older entries:\n%s", first.body)
	}
	second := c.get(strings.ReplaceAll(older[1], "&amp;", "&"))
	if !strings.Contains(second.text(), "Ort 0 → Ort 1") || strings.Contains(second.text(), "Ort 58 → Ort 59") || !second.has("Neueste Einträge") {
		t.Error("the second page does not continue with older entries")
	}
}
