package admin_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"testing"

	"sozialplattform/tenant"
)

func TestPostWithoutFormTokenIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	c.login(e.harzAdmin.Email, harzPW)
	form := url.Values{"version": {"1"}, "name": {"Gekapert"}, "slug": {"gekapert"}}
	for _, tok := range []string{"", "falsch"} {
		if tok != "" {
			form.Set("csrf", tok)
		}
		p := c.post("/admin/koerperschaften/"+e.harz.ID, form)
		if p.status != http.StatusForbidden || !p.has("Formular abgelaufen") || !p.has("nicht verarbeitet") {
			t.Errorf("csrf %q: status %d, want the 403 explanation", tok, p.status)
		}
	}
	if e.tenant(e.harz.ID).Name != "Landkreis Harz" {
		t.Error("a form without a valid token changed the tenant")
	}
	// A browser's cross-site POST is stopped before it reaches the console.
	req, _ := http.NewRequest(http.MethodPost, e.srv.URL+"/admin/abmelden", nil)
	req.Header.Set("Sec-Fetch-Site", "cross-site")
	resp, err := c.http.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("cross-site POST: status %d, want 403", resp.StatusCode)
	}
}

// tenantForm is the edit form of a tenant as the page fills it for a
// municipality (without official key and active state).
func tenantForm(tn *tenant.Tenant) url.Values {
	return url.Values{
		"version": {strconv.Itoa(tn.Version)}, "name": {tn.Name}, "slug": {tn.Slug},
		"functionMailbox": {tn.FunctionMailbox}, "street": {tn.Street}, "postalCode": {tn.PostalCode},
		"city": {tn.City}, "itProvider": {tn.ITProvider}, "contacts": {"3"},
	}
}

func TestEditingATenant(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	c.login(e.harzAdmin.Email, harzPW)
	path := "/admin/koerperschaften/" + e.harz.ID

	t.Run("an invalid postal code is shown next to the field and the input is kept", func(t *testing.T) {
		form := tenantForm(e.harz)
		form.Set("name", "Landkreis Harz (Kreisverwaltung)")
		form.Set("postalCode", "38a55")
		form.Set("contact-0-name", "Erika Beispiel")
		form.Set("contact-0-email", "erika@kreis-harz.de")
		p := c.submit(path, path, form)
		if p.status != http.StatusUnprocessableEntity {
			t.Errorf("status %d, want 422", p.status)
		}
		field := regexp.MustCompile(`id="postalCode-fehler"[^>]*>.*Eine Postleitzahl hat fünf Ziffern\.`)
		if !field.MatchString(p.body) {
			t.Errorf("no message next to the postal code:\n%s", p.body)
		}
		if !regexp.MustCompile(`<input[^>]*id="postalCode"[^>]*value="38a55"[^>]*aria-invalid="true"`).MatchString(p.body) {
			t.Error("the postal code field does not keep the input or is not marked invalid")
		}
		if !p.has(`href="#postalCode"`) || !p.has("Bitte prüfen Sie Ihre Angaben") {
			t.Error("no error summary linking to the field")
		}
		for _, kept := range []string{`value="Landkreis Harz (Kreisverwaltung)"`, `value="Erika Beispiel"`, `value="erika@kreis-harz.de"`} {
			if !p.has(kept) {
				t.Errorf("input %s not kept", kept)
			}
		}
		if e.tenant(e.harz.ID).Version != e.harz.Version {
			t.Error("an invalid form changed the tenant")
		}
	})

	t.Run("a contact's invalid e-mail is shown at its row", func(t *testing.T) {
		form := tenantForm(e.harz)
		form.Set("contact-2-name", "Otto Ohnepost")
		form.Set("contact-2-email", "kein-at-zeichen")
		p := c.submit(path, path, form)
		if p.status != http.StatusUnprocessableEntity || !p.has(`id="contact-2-email-fehler"`) || !p.has(`href="#contact-2-email"`) {
			t.Errorf("status %d; contact error not at its field", p.status)
		}
	})

	t.Run("a valid change is saved", func(t *testing.T) {
		form := tenantForm(e.harz)
		form.Set("postalCode", "38820")
		form.Set("city", "Halberstadt")
		form.Set("contact-1-name", "Erika Beispiel")
		form.Set("contact-1-role", "Sozialamt")
		form.Set("officialKey", "99999") // not the municipality's to change: ignored
		p := c.submit(path, path, form)
		if p.status != http.StatusOK || !p.has("Die Änderungen wurden gespeichert.") {
			t.Fatalf("status %d:\n%s", p.status, p.body)
		}
		got := e.tenant(e.harz.ID)
		if got.PostalCode != "38820" || got.City != "Halberstadt" || got.Key() != "15085" ||
			len(got.Contacts) != 1 || got.Contacts[0].Role != "Sozialamt" {
			t.Errorf("stored %+v", got)
		}
	})

	t.Run("a stale version keeps the input and explains the conflict", func(t *testing.T) {
		stale := e.tenant(e.harz.ID)
		if _, err := e.store.UpdateTenant(context.Background(), e.harz.ID, 0, tenant.TenantPatch{ITProvider: ptr("Dataport")}); err != nil {
			t.Fatal(err)
		}
		form := tenantForm(stale)
		form.Set("street", "Friedrich-Ebert-Straße 42")
		p := c.submit(path, path, form)
		if p.status != http.StatusConflict {
			t.Errorf("status %d, want 409", p.status)
		}
		if !p.has("Der Datensatz wurde zwischenzeitlich geändert") || !p.has(`value="Friedrich-Ebert-Straße 42"`) {
			t.Errorf("no conflict message or input lost:\n%s", p.body)
		}
		if !p.has("Dataport") {
			t.Error("the stored value that changed meanwhile is not shown")
		}
		if got := e.tenant(e.harz.ID); got.Street != "" || got.ITProvider != "Dataport" {
			t.Errorf("a stale form overwrote the tenant: %+v", got)
		}
	})
}

func TestMinistryCreatesATenant(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.client()
	c.login(e.ministry.Email, ministryPW)
	newPath := "/admin/koerperschaften/neu?parent=" + e.harz.ID
	p := c.get(newPath)
	if !p.has(`<option value="gemeinde"`) || p.has(`<option value="landkreis"`) {
		t.Errorf("kinds below a Landkreis:\n%s", p.body)
	}
	p = c.submit(newPath, "/admin/koerperschaften/neu", url.Values{"parent": {e.harz.ID}, "kind": {"gemeinde"},
		"name": {"Stadt Wernigerode"}, "officialKey": {"15091375"}})
	if p.status != http.StatusUnprocessableEntity || !p.has(`id="officialKey-fehler"`) {
		t.Errorf("a key outside the Kreis: status %d", p.status)
	}
	p = c.submit(newPath, "/admin/koerperschaften/neu", url.Values{"parent": {e.harz.ID}, "kind": {"gemeinde"},
		"name": {"Stadt Wernigerode"}, "officialKey": {"15085370"}})
	if p.status != http.StatusOK || !p.has("Die Körperschaft wurde angelegt.") || !p.has(`<h1 class="kern-heading-large">Stadt Wernigerode</h1>`) {
		t.Fatalf("create: status %d at %s", p.status, p.url)
	}
	if d := c.get("/admin/"); !d.has("Stadt Wernigerode") {
		t.Error("the new Gemeinde is not in the tree")
	}
}

func ptr[T any](v T) *T { return &v }
