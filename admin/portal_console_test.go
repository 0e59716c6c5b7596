package admin_test

import (
	"bytes"
	"context"
	"image"
	"image/png"
	"mime/multipart"
	"net/http"
	"net/url"
	"testing"

	"sozialplattform/portal/site"
	"sozialplattform/tenant/authz"
)

// portalEnv is the console with the portal's permissions stored.
func portalEnv(t *testing.T) *env {
	e := newEnv(t)
	ctx := context.Background()
	if err := authz.SyncRules(ctx, e.db.Write, site.Rules); err != nil {
		t.Fatal(err)
	}
	if err := e.az.Reload(ctx); err != nil {
		t.Fatal(err)
	}
	return e
}

func TestPortalConsole(t *testing.T) {
	t.Parallel()
	e := portalEnv(t)
	ministry := e.client()
	ministry.login("ministerium@mid.sachsen-anhalt.de", ministryPW)
	landPage := "/admin/koerperschaften/" + e.land.ID + "/portal"
	p := ministry.get(landPage)
	if p.status != http.StatusOK || !p.has("Landesweite Links der Landesredaktion") {
		t.Fatalf("Land portal page = %d", p.status)
	}
	checkPage(t, p)
	// The Landesredaktion registers a state-wide link.
	p = ministry.submit(landPage, landPage+"/links", url.Values{"service": {"buergergeld"}, "title": {"Bürgergeld online beantragen"},
		"url": {"https://www.arbeitsagentur.de/arbeitslos-arbeit-finden/buergergeld"}})
	if p.status != http.StatusOK || !p.has("Der Link wurde registriert.") || !p.has("Bürgergeld online beantragen") {
		t.Fatalf("add link = %d\n%s", p.status, p.body)
	}
	// A bad link is answered next to the field.
	p = ministry.submit(landPage, landPage+"/links", url.Values{"service": {"buergergeld"}, "title": {"x"}, "url": {"javascript:alert(1)"}})
	if p.status != http.StatusUnprocessableEntity || !p.has(`id="url-fehler"`) {
		t.Errorf("bad link = %d", p.status)
	}

	harz := e.client()
	harz.login("admin@kreis-harz.de", harzPW)
	harzPage := "/admin/koerperschaften/" + e.harz.ID + "/portal"
	p = harz.submit(harzPage, harzPage, url.Values{"version": {"0"}, "primaryColor": {"#ffee00"}})
	if p.status != http.StatusUnprocessableEntity || !p.has("Kontrast") {
		t.Errorf("light colour = %d", p.status)
	}
	p = harz.submit(harzPage, harzPage, url.Values{"version": {"0"}, "primaryColor": {"#5a1e6e"}, "phone": {"03941 5970-0"}})
	if p.status != http.StatusOK || !p.has("Die Angaben des Portals wurden gespeichert.") {
		t.Fatalf("save settings = %d\n%s", p.status, p.body)
	}
	// An office without address, phone and hours would send citizens nowhere.
	p = harz.submit(harzPage, harzPage+"/stellen", url.Values{"rechtskreis": {"sgb2"}, "name": {"Jobcenter Landkreis Harz"}, "officeEmail": {"jc@harz.example"}})
	if p.status != http.StatusUnprocessableEntity || !p.has("Bitte geben Sie eine Telefonnummer der Stelle an.") || !p.has("Bitte geben Sie die Öffnungszeiten an") {
		t.Errorf("office without address = %d", p.status)
	}
	p = harz.submit(harzPage, harzPage+"/stellen", url.Values{"rechtskreis": {"sgb2"}, "name": {"Jobcenter Landkreis Harz"}, "officeEmail": {"jc@harz.example"},
		"street": {"Friedrich-Ebert-Straße 42"}, "postalCode": {"38820"}, "city": {"Halberstadt"}, "officePhone": {"03941 5970-0"}, "officeHours": {"Di 9–12 Uhr"}})
	if p.status != http.StatusOK || !p.has("Jobcenter Landkreis Harz") {
		t.Fatalf("add office = %d\n%s", p.status, p.body)
	}
	// Logo upload (multipart with the form token).
	img := image.NewRGBA(image.Rect(0, 0, 40, 20))
	var pngBuf bytes.Buffer
	_ = png.Encode(&pngBuf, img)
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	_ = mw.WriteField("csrf", harz.csrf(harz.get(harzPage)))
	fw, _ := mw.CreateFormFile("logo", "logo.png")
	_, _ = fw.Write(pngBuf.Bytes())
	_ = mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+harzPage+"/logo", &body)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	if p := harz.do(req); p.status != http.StatusOK || !p.has("Das Logo wurde gespeichert.") {
		t.Fatalf("logo = %d\n%s", p.status, p.body)
	}
	// Harz may not touch the Land's links, nor Wittenberg's portal.
	if p := harz.get(landPage); p.status != http.StatusForbidden && p.status != http.StatusNotFound {
		t.Errorf("Harz on the Land's portal page = %d", p.status)
	}
	if p := harz.get("/admin/koerperschaften/" + e.wittenberg.ID + "/portal"); p.status != http.StatusNotFound && p.status != http.StatusForbidden {
		t.Errorf("Harz on Wittenberg's portal page = %d", p.status)
	}
}
