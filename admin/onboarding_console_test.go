package admin_test

import (
	"context"
	"html"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
)

// TestOnboardingConsole walks the onboarding pages without JavaScript: a
// municipality works through its task list, the ministry looks at the
// dashboard, maintains the matrix and the Sprechstunden.
func TestOnboardingConsole(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{domains: true, ordering: true, delivery: true, worldOptions: worldOptions{demo: true}})
	ctx := context.Background()
	if err := e.onboard.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	witt, harz := e.wittenberg, e.harz
	w := e.client()
	w.login("wittenberg@demo.example", tenant.DemoPassword)

	// The start page leads to the only body; its overview is a task list.
	if r := w.fetch("/admin/anbindung/"); r.status != http.StatusSeeOther || r.location != "/admin/anbindung/"+witt.ID {
		t.Fatalf("start: %d %s", r.status, r.location)
	}
	overview := w.mustPage(200, "/admin/anbindung/"+witt.ID)
	contains(t, overview, "overview", "Was ist als Nächstes zu tun?", "Hilfe zum Lebensunterhalt 1.0", "Anbindungsvariante wählen",
		"kern-task-list", "in Vorbereitung", "calendar.ics")
	cases, _ := e.onboard.ListCases(ctx, witt.ID)
	c := cases[0]
	page := "/admin/anbindung/fall/" + c.ID
	ver := func() string {
		cur, err := e.onboard.GetCase(ctx, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		return strconv.Itoa(cur.Version)
	}
	body := w.mustPage(200, page)
	contains(t, body, "case page", "Variante 1 (OSCI/XTA2)", "Machine-to-Machine-Kommunikation", "Gute Übergangslösung",
		"Bedarf einer FIT-Connect-Schnittstelle", "Sub-Nachnutzungsvertrag unterzeichnet", "Vorbereitung technische Anbindung")
	// The header names the order and the stage, no internal counter
	// (finding m12: "Stand 7").
	if strings.Contains(body, "· Stand "+ver()) || !strings.Contains(body, "bestellt am 16.09.2025") {
		t.Error("the case header shows the internal version or lacks the order date")
	}

	// Choose variant 3 and Care 4: the page warns.
	if st, loc, b := w.send(page, page+"/variante", url.Values{"variante": {"3"}, "version": {ver()}}, nil); st != http.StatusSeeOther {
		t.Fatalf("variant: %d %s %s", st, loc, b)
	}
	st, _, b := w.send(page, page+"/fachverfahren", url.Values{"fachverfahren": {"care-4"}, "version": {ver()}}, nil)
	if st != http.StatusSeeOther {
		t.Fatalf("Fachverfahren: %d %s", st, b)
	}
	body = w.mustPage(200, page)
	contains(t, body, "case with Care 4", "Care 4: FIT-Connect geplant 2025", "Zustellpunkt (DestinationID)", "DestinationID des Zustellpunkts")

	// Bad transport parameters: errors next to the fields, input kept.
	st, _, b = w.send(page, page+"/anbindungsdaten", url.Values{"destinationId": {"keine-uuid"}, "version": {ver()}}, nil)
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("bad transport: %d", st)
	}
	contains(t, b, "transport errors", `id="destinationId-fehler"`, "Die DestinationID ist eine UUID", `value="keine-uuid"`,
		`aria-invalid="true"`)
	// A stale version: the page says so and keeps the input.
	st, _, b = w.send(page, page+"/anbindungsdaten", url.Values{"destinationId": {"7b0e3c1a-5d2f-4e8a-9c61-0f3b2a4d5e6f"}, "version": {"1"}}, nil)
	if st != http.StatusConflict || !strings.Contains(b, "zwischenzeitlich geändert") || !strings.Contains(b, "7b0e3c1a-5d2f-4e8a-9c61-0f3b2a4d5e6f") {
		t.Fatalf("stale transport: %d", st)
	}

	// Completing the preparation with open items: the reasons are shown.
	st, _, b = w.send(page, page+"/phasen/preparation", url.Values{"stand": {"completed"}}, nil)
	if st != http.StatusConflict {
		t.Fatalf("phase: %d", st)
	}
	contains(t, b, "rule violation", "Das geht so noch nicht", "Es sind noch Punkte der Checkliste offen")

	// A checklist item: comment, done, attachment.
	items, _ := e.onboard.Checklist(ctx, c.ID)
	item := items[0]
	st, loc, _ := w.send(page, page+"/checkliste/"+item.ID, url.Values{"erledigt": {"1"}, "kommentar": {"Vertrag liegt vor."}, "version": {"1"}}, nil)
	if st != http.StatusSeeOther || !strings.Contains(loc, "#punkt-") {
		t.Fatalf("item: %d %s", st, loc)
	}
	// One click reopens it without touching the comment; an item the
	// system checks has no button and cannot be ticked.
	items, _ = e.onboard.Checklist(ctx, c.ID)
	if st, _, _ := w.send(page, page+"/checkliste/"+item.ID, url.Values{"erledigt": {"0"}, "version": {strconv.Itoa(items[0].Version)}}, nil); st != http.StatusSeeOther {
		t.Fatalf("reopen: %d", st)
	}
	items, _ = e.onboard.Checklist(ctx, c.ID)
	if items[0].Done || items[0].Comment != "Vertrag liegt vor." {
		t.Errorf("after one click: %+v", items[0])
	}
	if st, _, _ := w.send(page, page+"/checkliste/"+item.ID, url.Values{"erledigt": {"1"}, "version": {strconv.Itoa(items[0].Version)}}, nil); st != http.StatusSeeOther {
		t.Fatalf("tick: %d", st)
	}
	for _, it := range items {
		if it.TemplateID == "v3-zertifikat" {
			st, _, b := w.send(page, page+"/checkliste/"+it.ID, url.Values{"erledigt": {"1"}, "version": {strconv.Itoa(it.Version)}}, nil)
			if st != http.StatusConflict || !strings.Contains(b, "setzt das System selbst") {
				t.Errorf("system item ticked by hand: %d", st)
			}
		}
	}
	st, _, b = w.send(page, page+"/checkliste/"+item.ID+"/anhang", url.Values{}, []byte("%PDF-1.4\n%%EOF\n"))
	if st != http.StatusSeeOther {
		t.Fatalf("upload: %d %s", st, b)
	}
	st, _, b = w.send(page, page+"/checkliste/"+item.ID+"/anhang", url.Values{}, []byte("kein pdf"))
	if st != http.StatusUnprocessableEntity || !strings.Contains(b, "Erlaubt sind PDF-, PNG- und JPEG-Dateien") {
		t.Fatalf("text upload: %d", st)
	}
	body = w.mustPage(200, page)
	contains(t, body, "item", "Vertrag liegt vor.", "von wittenberg@demo.example", "Vertrag.pdf")
	items, _ = e.onboard.Checklist(ctx, c.ID)
	if st, h, _ := w.raw(page + "/anhang/" + items[0].Attachments[0].ID); st != 200 || h.Get("Content-Type") != "application/pdf" {
		t.Fatalf("download: %d %s", st, h.Get("Content-Type"))
	}

	// Another municipality's case is not found; the clerk reads only.
	h := e.client()
	h.login("harz@demo.example", tenant.DemoPassword)
	h.mustPage(http.StatusNotFound, page)
	h.mustPage(http.StatusNotFound, "/admin/anbindung/"+witt.ID)
	h.mustPage(http.StatusForbidden, "/admin/rollout/kommune/"+witt.ID) // the statewide overview is open to it, the drill-down is not
	hc, _ := e.onboard.ListCases(ctx, harz.ID)
	clerk := e.client()
	clerk.login("sachbearbeitung.harz@demo.example", tenant.DemoPassword)
	cb := clerk.mustPage(200, "/admin/anbindung/fall/"+hc[0].ID)
	if strings.Contains(cb, "Variante speichern") {
		t.Error("the clerk sees the edit forms")
	}
	if st, _, _ := clerk.send("/admin/anbindung/fall/"+hc[0].ID, "/admin/anbindung/fall/"+hc[0].ID+"/variante", url.Values{"variante": {"2"}}, nil); st != http.StatusForbidden {
		t.Errorf("clerk changes the variant: %d", st)
	}

	// Sprechstunden of both kinds: register and withdraw. "Abmelden" is the
	// logout only; the Sprechstunde says "Anmeldung zurückziehen".
	sp := w.mustPage(200, "/admin/sprechstunden")
	contains(t, sp, "Sprechstunden", "Jeden zweiten Mittwoch, 14:00 Uhr, 30 Minuten", "Anmeldung zurückziehen", "Anmelden",
		"Anbindungs-Sprechstunde", "OZG-Sprechstunde")
	if n := strings.Count(sp, ">Abmelden<"); n != 1 {
		t.Errorf("the Sprechstunden page says Abmelden %d times, want once (the logout)", n)
	}
	contains(t, w.mustPage(200, "/admin/sprechstunden?art=ozg&vergangene=1"), "past OZG-Sprechstunden",
		"63. OZG-Sprechstunde", "EfA-Dienste der Sozialplattform", "68. OZG-Sprechstunde")
	if p := w.mustPage(200, "/admin/sprechstunden?art=anbindung"); strings.Contains(p, "OZG-Sprechstunde</td>") || !strings.Contains(p, "Anbindungs-Sprechstunde</td>") {
		t.Error("the Anbindungs-Sprechstunde filter shows other kinds")
	}
	cons, _ := e.onboard.ListConsultations(ctx, onboarding.ConsultationFilter{From: e.onboard.Now()})
	st, _, _ = w.send("/admin/sprechstunden", "/admin/sprechstunden/"+cons[1].ID+"/anmeldung", url.Values{"koerperschaft": {witt.ID}}, nil)
	if st != http.StatusSeeOther {
		t.Fatalf("register: %d", st)
	}
	if st, _, _ := w.send("/admin/sprechstunden", "/admin/sprechstunden/"+cons[1].ID+"/anmeldung", url.Values{"koerperschaft": {harz.ID}}, nil); st != http.StatusNotFound {
		t.Errorf("registering another body: %d", st)
	}

	// The ministry: dashboard, drill-downs, CSV, matrix and rule.
	m := e.client()
	m.login("ministerium@demo.example", tenant.DemoPassword)
	dash := m.mustPage(200, "/admin/rollout")
	contains(t, dash, "dashboard", "Aktueller Umsetzungsstand", "Hilfe zum Lebensunterhalt 1.0", "Grundsicherung (GruSi)",
		`<title id="chart-titel">`, `<desc id="chart-text">`, `<title id="karte-titel">`, "Landkreis Harz", "Mai 2025",
		"Stand je Kreis und kreisfreier Stadt", "Farblegende", "abgeschlossen", "keine Bestellung")
	if strings.Contains(dash, "<script") || strings.Contains(dash, "style=") {
		t.Error("the dashboard uses script or inline styles")
	}
	filtered := m.mustPage(200, "/admin/rollout?dienst=10086&bestellt=1")
	if strings.Contains(filtered, "Grundsicherung (GruSi)") || !strings.Contains(filtered, "EB-HzL") {
		t.Error("filter by Onlinedienst")
	}
	contains(t, m.mustPage(200, "/admin/rollout/kommune/"+harz.ID), "Harz drill-down", "XOEV.Exchange", "Bildung und Teilhabe (BuT)")
	contains(t, m.mustPage(200, "/admin/rollout/dienst/hzl"), "HzL drill-down", "Landkreis Harz", "Landkreis Wittenberg")
	m.mustPage(http.StatusNotFound, "/admin/rollout/dienst/gibt-es-nicht")
	for _, tbl := range []string{"matrix", "kreise", "livegaenge", "faelle"} {
		if st, h, _ := m.raw("/admin/rollout/export.csv?tabelle=" + tbl); st != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/csv") {
			t.Errorf("CSV %s: %d %s", tbl, st, h.Get("Content-Type"))
		}
	}
	contains(t, m.mustPage(200, "/admin/fachverfahren"), "matrix", "Care 4", "geplant ab 2025", "Der Status der Anbindung ist nicht leistungsspezifisch abgebildet")
	st, _, b = m.send("/admin/fachverfahren", "/admin/fachverfahren", url.Values{"zeile": {"care-4"}, "id": {"care-4"}, "produkt": {"Care 4"},
		"hersteller": {"Infosys-Kommunal"}, "stand-fit-connect": {"done"}, "stand-osci": {"unknown"}, "stand-xta2": {"unknown"},
		"stand-xsozial-basis": {"done"}, "stand-datum": {"2026-11-01"}, "version": {"1"}}, nil)
	if st != http.StatusSeeOther {
		t.Fatalf("matrix edit: %d %s", st, b)
	}
	if body := w.mustPage(200, page); strings.Contains(body, "Care 4: FIT-Connect geplant 2025") {
		t.Error("the warning stays after Care 4 finished FIT-Connect")
	}
	contains(t, m.mustPage(200, "/admin/checklisten"), "templates", "DVDV-Eintrag vorhanden", "Punkt hinzufügen")
	contains(t, m.mustPage(200, "/admin/sprechstunden"), "ministry Sprechstunden", "Regel der Anbindungs-Sprechstunde", "Regel speichern", "Termin anlegen")
	// The ministry enters the next OZG-Sprechstunde with its topic; an
	// Anbindungs-Sprechstunde with a number is refused next to the field.
	st, _, b = m.send("/admin/sprechstunden", "/admin/sprechstunden/neu", url.Values{"art": {"ozg"}, "datum": {"2027-01-20"},
		"uhrzeit": {"14:00"}, "thema": {"Zielarchitektur Postfach- u. Kommunikationslösungen"}}, nil)
	if st != http.StatusSeeOther {
		t.Fatalf("new OZG-Sprechstunde: %d %s", st, b)
	}
	contains(t, m.mustPage(200, "/admin/sprechstunden?art=ozg"), "new OZG-Sprechstunde", "69. OZG-Sprechstunde", "Zielarchitektur Postfach")
	st, _, b = m.send("/admin/sprechstunden", "/admin/sprechstunden/neu", url.Values{"art": {"anbindung"}, "nummer": {"12"},
		"datum": {"2027-01-20"}, "uhrzeit": {"14:00"}}, nil)
	if st != http.StatusUnprocessableEntity || !strings.Contains(b, `id="nummer-fehler"`) {
		t.Errorf("numbered Anbindungs-Sprechstunde: %d", st)
	}
	// Confirm Wittenberg's go-live from the case page: no connection test
	// exists, so the ministry must acknowledge that and give a reason.
	cp := m.mustPage(200, page)
	contains(t, cp, "ministry's case page", "Es liegt kein Anbindungstest vor", `name="kenntnis"`, "Letzter Anbindungstest", "noch keiner gesendet",
		`href="/admin/anbindungstest/`+c.ID+`"`)
	st, _, b = m.send(page, page+"/bestaetigung", url.Values{"bestaetigt": {"1"}, "version": {ver()}}, nil)
	if st != http.StatusUnprocessableEntity {
		t.Fatalf("confirmation without acknowledgement: %d", st)
	}
	contains(t, b, "refused confirmation", `id="kenntnis-fehler"`, `id="begruendung-fehler"`, "Bestätigen Sie ausdrücklich")
	st, _, _ = m.send(page, page+"/bestaetigung", url.Values{"bestaetigt": {"1"}, "version": {ver()}, "kenntnis": {"1"},
		"begruendung": {"Testzustellung mit dem IT-Dienstleister außerhalb der Plattform geprüft"}}, nil)
	if st != http.StatusSeeOther {
		t.Fatalf("confirmation: %d", st)
	}
	// A failed test shows on the case page with its error.
	if err := e.onboard.RecordTestResult(ctx, e.db.Write, c.ID, "t1", time.Now(), "failed", false, "9031: Leser sop:150910000100 unbekannt"); err != nil {
		t.Fatal(err)
	}
	contains(t, m.mustPage(200, page), "case page with a failed test", "Letzter Testantrag:", "kern-badge--danger", "9031: Leser sop:150910000100 unbekannt")
	if st, _, _ := w.send(page, page+"/bestaetigung", url.Values{"bestaetigt": {"0"}}, nil); st != http.StatusForbidden {
		t.Errorf("municipality withdraws the confirmation: %d", st)
	}
}

// TestCalendarSubscription: a municipality makes a secret address for its
// calendar app, which fetches the feed without a session; a new address
// replaces the old one, another municipality cannot make one for it, and
// a wrong address gets a 404 that tells nothing.
func TestCalendarSubscription(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{domains: true, ordering: true, delivery: true, worldOptions: worldOptions{demo: true}})
	ctx := context.Background()
	if err := e.onboard.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	witt := e.wittenberg
	w := e.client()
	w.login("wittenberg@demo.example", tenant.DemoPassword)
	page := "/admin/anbindung/" + witt.ID
	address := regexp.MustCompile(`id="abo" type="text" value="([^"]+)"`)
	subscribe := func() string {
		t.Helper()
		status, _, body := w.send(page, page+"/kalender-abo", nil, nil)
		m := address.FindStringSubmatch(body)
		if status != http.StatusOK || m == nil {
			t.Fatalf("new address: %d\n%s", status, body)
		}
		return html.UnescapeString(m[1])
	}
	first := subscribe()
	if u, err := url.Parse(first); err != nil || !u.IsAbs() || !strings.HasPrefix(u.Path, "/kalender/"+witt.ID+"/") {
		t.Fatalf("address %s", first)
	}
	fetch := func(u string) (int, string, string) {
		resp, err := http.Get(u) // a calendar app: no cookie, no login
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, resp.Header.Get("Content-Type"), string(b)
	}
	local := func(u string) string { p, _ := url.Parse(u); return e.srv.URL + p.Path }
	if status, ct, body := fetch(local(first)); status != http.StatusOK || !strings.HasPrefix(ct, "text/calendar") || !strings.Contains(body, "BEGIN:VCALENDAR") {
		t.Fatalf("feed: %d %s", status, ct)
	}
	second := subscribe()
	for name, u := range map[string]string{"replaced": first, "altered": second + "x", "other tenant": strings.Replace(second, witt.ID, "00000000-0000-0000-0000-000000000000", 1)} {
		if status, _, body := fetch(local(u)); status != http.StatusNotFound || strings.Contains(body, "VCALENDAR") {
			t.Errorf("%s address: %d", name, status)
		}
	}
	if status, _, _ := fetch(local(second)); status != http.StatusOK {
		t.Errorf("current address: %d", status)
	}
	harz := e.client()
	harz.login("harz@demo.example", tenant.DemoPassword)
	harzPage := "/admin/anbindung/" + e.harz.ID
	if status, _, _ := harz.send(harzPage, page+"/kalender-abo", nil, nil); status != http.StatusForbidden && status != http.StatusNotFound {
		t.Errorf("Harz made an address for Wittenberg: %d", status)
	}
}

// TestFITConnectServiceOnTheCataloguePage: the console's catalogue shows
// the LeiKa identifier the ministry set through the API, marks the demo
// values as such and names the Antragsstrecken without one (the API's
// rules: onboarding/api's TestFITConnectServiceInTheCatalogue).
func TestFITConnectServiceOnTheCataloguePage(t *testing.T) {
	t.Parallel()
	e := newEnvWith(t, envOptions{domains: true, worldOptions: worldOptions{demo: true, api: true}})
	if err := e.onboard.LoadDemo(context.Background()); err != nil {
		t.Fatal(err)
	}
	ministry := e.client()
	ministry.login("ministerium@demo.example", tenant.DemoPassword)
	ministry.api(http.StatusOK, "PUT", "/api/v1/antragsstrecken/hzl/fitconnect-service", map[string]any{"fitConnectService": "99010003001006"}, nil)
	page := ministry.mustPage(http.StatusOK, "/admin/katalog")
	for _, want := range []string{"urn:de:fim:leika:leistung:99010003001006", "Demowert, keine echte LeiKa-Kennung", "nicht hinterlegt"} {
		if !strings.Contains(page, want) {
			t.Errorf("catalogue page lacks %q", want)
		}
	}
}
