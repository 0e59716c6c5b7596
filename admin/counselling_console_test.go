package admin_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"sozialplattform/portal/appointments"
	"sozialplattform/portal/counselling"
	"sozialplattform/tenant"
)

// TestCounsellingConsole walks the directory's console pages as a
// centre's editor, the Landkreis Harz and the Landesredaktion, without
// JavaScript: editing with errors shown next to the fields, review on and
// off, rejection with a reason, CSV export and import, staleness list,
// calendars and the cancellation of a booking.
func TestCounsellingConsole(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{worldOptions: worldOptions{demo: true, counselling: true, api: true}})
	ctx := context.Background()
	demo := e.loadCounsellingDemo()
	if len(demo.CalendarTenants) != 3 {
		t.Fatalf("demo calendars for %d tenants", len(demo.CalendarTenants))
	}
	all, err := e.counsel.List(ctx, counselling.ListFilter{})
	if err != nil || len(all) != 13 {
		t.Fatalf("demo centres: %d %v", len(all), err)
	}
	editor := e.client()
	editor.login(counselling.DemoEditor, tenant.DemoPassword)
	harz := e.client()
	harz.login("harz@demo.example", tenant.DemoPassword)
	ministry := e.client()
	ministry.login("ministerium@demo.example", tenant.DemoPassword)

	// The editor lands on its own centre.
	status, _ := editor.statusOf("/admin/beratung/")
	if status != http.StatusSeeOther {
		t.Fatalf("editor's start: %d", status)
	}
	hbs, err := e.store.ResolveTenant(ctx, "schuldnerberatung-diakonie-halberstadt")
	if err != nil {
		t.Fatal(err)
	}
	centre := "/admin/beratung/" + hbs.ID
	page := html.UnescapeString(editor.mustPage(http.StatusOK, centre))
	contains(t, page, "centre page", "Schuldner- und Insolvenzberatung Halberstadt", "Angaben bestätigen", "Erstberatung – ", "Außenstelle Quedlinburg")
	if status, loc, _ := editor.form(centre, centre+"/bestaetigen", nil); status != http.StatusSeeOther || !strings.Contains(loc, "hinweis=bestaetigt") {
		t.Errorf("verify: %d %s", status, loc)
	}
	// Another centre is not the editor's.
	other, _ := e.store.ResolveTenant(ctx, "schuldnerberatung-awo-magdeburg")
	if status, _ := editor.statusOf("/admin/beratung/" + other.ID + "/bearbeiten"); status != http.StatusNotFound {
		t.Errorf("editor opens another centre's form: %d", status)
	}

	// Editing: errors next to their fields, nothing saved.
	form := url.Values{}
	edit := html.UnescapeString(editor.mustPage(http.StatusOK, centre+"/bearbeiten"))
	for _, id := range []string{"name", "provider", "phone", "email", "website", "languages", "serviceArea", "openingHours", "emergencyHours",
		"adr-0-street", "adr-0-postal", "adr-0-city", "adr-0-lat", "adr-0-lon", "adr-1-label", "adr-1-street", "adr-1-postal", "adr-1-city", "adr-1-lat", "adr-1-lon", "waitingDays", "version"} {
		form.Set(id, fieldValue(edit, id))
	}
	form["topics"] = []string{counselling.TopicDebt, "sozialberatung"}
	form["ways"] = []string{"on-site", "phone"}
	bad := url.Values{}
	for k, v := range form {
		bad[k] = v
	}
	bad.Set("adr-0-lat", "95,2")
	bad.Set("openingHours", "Mo 09:00-12:00\nMo 11:00-13:00\nDi 17:00-08:00")
	status, _, body := editor.form(centre+"/bearbeiten", centre+"/bearbeiten", bad)
	body = html.UnescapeString(body)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("invalid edit: %d", status)
	}
	contains(t, body, "invalid edit", `id="adr-0-lat-fehler"`, "Der Breitengrad muss zwischen -90 und 90 liegen.",
		`id="openingHours-fehler"`, "Zeile 2: Die Zeit Mo 11:00–13:00 überschneidet sich", "Bitte prüfen Sie Ihre Angaben")
	if c, _ := e.counsel.Get(ctx, hbs.ID); c.CurrentVersion != 1 {
		t.Errorf("invalid edit saved a version: %d", c.CurrentVersion)
	}
	form.Set("phone", "03941 555-999")
	if status, loc, body := editor.form(centre+"/bearbeiten", centre+"/bearbeiten", form); status != http.StatusSeeOther || !strings.Contains(loc, "veroeffentlicht") {
		t.Fatalf("edit: %d %s\n%s", status, loc, body)
	}
	var pub struct {
		Phone string `json:"phone"`
	}
	editor.api(http.StatusOK, "GET", "/api/v1/counselling-centres/"+hbs.ID, nil, &pub)
	if pub.Phone != "03941 555-999" {
		t.Errorf("published phone: %s", pub.Phone)
	}

	// The Landesredaktion switches review on; the next change waits.
	if status, _, _ := ministry.form("/admin/beratung/", "/admin/beratung/einstellungen", url.Values{"pruefung": {"1"}}); status != http.StatusSeeOther {
		t.Fatalf("review on: %d", status)
	}
	form.Set("phone", "03941 555-000")
	c, _ := e.counsel.Get(ctx, hbs.ID)
	form.Set("version", strconv.Itoa(c.Version))
	if status, loc, _ := editor.form(centre+"/bearbeiten", centre+"/bearbeiten", form); status != http.StatusSeeOther || !strings.Contains(loc, "wartet") {
		t.Fatalf("edit under review: %d %s", status, loc)
	}
	editor.api(http.StatusOK, "GET", "/api/v1/counselling-centres/"+hbs.ID, nil, &pub)
	if pub.Phone != "03941 555-999" {
		t.Errorf("the waiting change is public: %s", pub.Phone)
	}
	review := html.UnescapeString(ministry.mustPage(http.StatusOK, "/admin/beratung/pruefung"))
	contains(t, review, "review page", "Schuldner- und Insolvenzberatung Halberstadt", "03941 555-999", "03941 555-000", "Veröffentlichen")
	if status, _ := editor.statusOf("/admin/beratung/pruefung"); status != http.StatusForbidden {
		t.Errorf("editor on the review page: %d", status)
	}
	c, _ = e.counsel.Get(ctx, hbs.ID)
	if status, _, _ := ministry.form("/admin/beratung/pruefung", centre+"/pruefung", url.Values{"fassung": {strconv.Itoa(*c.PendingVersion)}, "entscheidung": {"ablehnen"}}); status != http.StatusUnprocessableEntity {
		t.Errorf("rejection without reason: %d", status)
	}
	if status, loc, _ := ministry.form("/admin/beratung/pruefung", centre+"/pruefung", url.Values{"fassung": {strconv.Itoa(*c.PendingVersion)},
		"entscheidung": {"ablehnen"}, "anmerkung": {"Die Nummer ist nicht vergeben."}, "zurueck": {"/admin/beratung/pruefung"}}); status != http.StatusSeeOther || !strings.Contains(loc, "abgelehnt") {
		t.Fatalf("rejection: %d %s", status, loc)
	}
	if m := e.mailTo(counselling.MailReviewResult, counselling.DemoEditor); m == nil || !strings.Contains(m.TextBody, "Die Nummer ist nicht vergeben.") {
		t.Errorf("rejection mail: %+v", m)
	}
	contains(t, html.UnescapeString(editor.mustPage(http.StatusOK, centre)), "centre after rejection", "nicht veröffentlicht", "Die Nummer ist nicht vergeben.")
	contains(t, html.UnescapeString(editor.mustPage(http.StatusOK, centre+"/versionen")), "versions", "Fassung 3 · abgelehnt", "Fassung 2 · veröffentlicht", "Telefon")

	// The Landkreis sees its centres only, exports and imports them.
	list := html.UnescapeString(harz.mustPage(http.StatusOK, "/admin/beratung/"))
	contains(t, list, "Harz's list", "Schuldner- und Insolvenzberatung Halberstadt", "Schuldnerberatung Wernigerode", "Sucht- und Drogenberatung Quedlinburg", "Neue Beratungsstelle")
	if strings.Contains(list, "Magdeburg") {
		t.Error("Harz sees Magdeburg's centre")
	}
	csv := harz.mustPage(http.StatusOK, "/admin/beratung/export.csv")
	if !strings.HasPrefix(csv, "\ufeffid;name;traeger;") || strings.Count(csv, "\r\n") < 4 || strings.Contains(csv, "Magdeburg") {
		t.Errorf("export:\n%s", csv)
	}
	header, _, _ := strings.Cut(strings.TrimPrefix(csv, "\ufeff"), "\r\n")
	row := ";Neue Beratung Ilsenburg;AWO;;suchtberatung;Markt 1;38871;Ilsenburg;51,8666;10,6833;;15085;Mo 09:00-12:00;;03945 1;;;de;;on-site;;nein;15085;"
	broken := ";Kaputt;AWO;;astrologie;Markt 1;38871;Ilsenburg;95;10,6;;15085;;;03945 1;;;de;;on-site;;nein;15085;"
	status, _, body = harz.upload("/admin/beratung/import", "beratungsstellen.csv", header+"\r\n"+row+"\r\n"+broken+"\r\n", map[string]string{"parent": e.harz.ID, "modus": "gueltige"})
	body = html.UnescapeString(body)
	if status != http.StatusUnprocessableEntity {
		t.Fatalf("import: %d\n%s", status, body)
	}
	contains(t, body, "import report", "2 Zeilen gelesen: 1 in Ordnung, 1 abgelehnt", "Gespeichert: 1 neu", "Spalte themen (1. Eintrag): Unbekanntes Thema", "Spalte breite")
	if l, _ := e.counsel.List(ctx, counselling.ListFilter{Query: "ilsenburg"}); len(l) != 1 || l[0].State != counselling.StatePending {
		t.Errorf("imported centre (under review): %+v", l)
	}
	status, _, body = harz.upload("/admin/beratung/import", "beratungsstellen.csv", "name,ort\r\nX,Y\r\n", map[string]string{"parent": e.harz.ID})
	if status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(body), "Die Kopfzeile passt nicht") {
		t.Errorf("wrong columns: %d", status)
	}

	// The Landesredaktion's list of outdated entries.
	contains(t, html.UnescapeString(ministry.mustPage(http.StatusOK, "/admin/beratung/veraltet")), "outdated list", "Allgemeine Sozialberatung Halle-Neustadt")
	contains(t, html.UnescapeString(ministry.mustPage(http.StatusOK, "/admin/beratung/themen")), "topics", "Schuldner- und Insolvenzberatung", "Seniorenberatung")
	if status, _ := harz.statusOf("/admin/beratung/themen"); status != http.StatusForbidden {
		t.Errorf("Harz on the topics page: %d", status)
	}

	// Appointments: the editor sees its calendar, a citizen books by the
	// API, the editor cancels with a note that reaches the citizen.
	cals, err := e.appts.Calendars(ctx, []string{hbs.ID}, true)
	if err != nil || len(cals) != 1 {
		t.Fatalf("demo calendar: %v", err)
	}
	contains(t, html.UnescapeString(editor.mustPage(http.StatusOK, "/admin/termine/")), "calendars", cals[0].Name)
	var slots struct {
		Slots []appointments.Slot `json:"slots"`
	}
	anonymous := e.client()
	anonymous.api(http.StatusOK, "GET", "/api/v1/appointment-calendars/"+cals[0].ID+"/slots?to="+e.appts.Now().AddDate(0, 0, 20).Format("2006-01-02"), nil, &slots)
	if len(slots.Slots) == 0 {
		t.Fatal("no slots")
	}
	var booked struct {
		ID string `json:"id"`
	}
	anonymous.api(http.StatusCreated, "POST", "/api/v1/appointment-calendars/"+cals[0].ID+"/bookings",
		map[string]any{"start": slots.Slots[0].Start, "name": "Erika Muster", "email": "erika@example.org", "site": "landkreis-harz"}, &booked)
	bookings := html.UnescapeString(editor.mustPage(http.StatusOK, "/admin/termine/"+cals[0].ID))
	contains(t, bookings, "bookings", "Erika Muster", "erika@example.org", "Termin absagen")
	// Cancelling asks first (a page of its own, without JavaScript) and
	// keeps the message for the confirming form.
	if status, _, body := editor.form("/admin/termine/"+cals[0].ID, "/admin/termine/buchungen/"+booked.ID+"/absagen",
		url.Values{"nachricht": {"Die Beraterin ist erkrankt."}}); status != http.StatusOK || !strings.Contains(body, "Termin absagen?") ||
		!strings.Contains(body, `name="nachricht" value="Die Beraterin ist erkrankt."`) {
		t.Fatalf("cancel should ask first: %d\n%s", status, body)
	}
	if status, loc, _ := editor.form("/admin/termine/"+cals[0].ID, "/admin/termine/buchungen/"+booked.ID+"/absagen",
		url.Values{"nachricht": {"Die Beraterin ist erkrankt."}, "bestaetigung": {"ja"}}); status != http.StatusSeeOther || !strings.Contains(loc, "abgesagt") {
		t.Fatalf("cancel: %d %s", status, loc)
	}
	if m := e.mailTo(appointments.MailCancelledByCentre, "erika@example.org"); m == nil || !strings.Contains(m.TextBody, "Die Beraterin ist erkrankt.") {
		t.Errorf("cancellation mail: %+v", m)
	}
	// Editing the calendar with an overlapping time shows the error.
	status, _, body = editor.form("/admin/termine/"+cals[0].ID+"/bearbeiten", "/admin/termine/"+cals[0].ID+"/bearbeiten", url.Values{
		"name": {"Erstberatung"}, "slotMinutes": {"45"}, "availability": {"Mo 09:00-12:00\nMo 10:00-11:00"}, "horizonDays": {"42"}, "minNoticeHours": {"2"}, "active": {"1"}})
	if status != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(body), "überschneidet sich") {
		t.Errorf("calendar with overlap: %d", status)
	}
	// The staleness job runs.
	if err := e.jobs.RunNow(ctx, "beratung-aktualitaet"); err != nil {
		t.Errorf("staleness job: %v", err)
	}
}

// fieldValue reads the value of an input or the text of a textarea with
// the id from a page.
func fieldValue(page, id string) string {
	if i := strings.Index(page, `<textarea class="kern-form-input__input" id="`+id+`"`); i >= 0 {
		rest := page[i:]
		start := strings.Index(rest, ">") + 1
		return rest[start:strings.Index(rest, "</textarea>")]
	}
	i := strings.Index(page, `id="`+id+`" name="`+id+`"`)
	if i < 0 {
		i = strings.Index(page, `name="`+id+`" value="`)
		if i < 0 {
			return ""
		}
	}
	rest := page[i:]
	v := strings.Index(rest, `value="`)
	if v < 0 {
		return ""
	}
	rest = rest[v+len(`value="`):]
	return rest[:strings.Index(rest, `"`)]
}
