package www

import (
	"context"
	"html"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"sozialplattform/portal/appointments"
	"sozialplattform/portal/citizen"
	"sozialplattform/portal/counselling"
	"sozialplattform/portal/forms"
	"sozialplattform/tenant"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/mail/mailtest"
)

// counsellingEnv is a portal with the directory and the appointments
// registered: two centres below Landkreis Harz (one outdated) and one in
// Magdeburg, a calendar open every day and a Sozialamt calendar of Harz.
type counsellingEnv struct {
	*env
	dir                 *counselling.Store
	appts               *appointments.Store
	outbox              *mail.Outbox
	debt, addiction, md string
	cal, office         *appointments.Calendar
}

func newCounsellingEnv(t *testing.T) *counsellingEnv {
	t.Helper()
	e := newEnv(t)
	ctx := tenant.WithActor(context.Background(), tenant.Actor{ID: "system", Label: "Test"})
	db := e.store.DB()
	outbox, err := mail.NewOutbox(db, mail.OutboxOptions{Templates: []fs.FS{counselling.MailTemplates(), appointments.MailTemplates(),
		forms.MailTemplates(), citizen.MailTemplates()}, BaseURL: e.srv.URL})
	if err != nil {
		t.Fatal(err)
	}
	ce := &counsellingEnv{env: e, outbox: outbox}
	if ce.dir, err = counselling.NewStore(db, e.store, outbox, counselling.Options{}); err != nil {
		t.Fatal(err)
	}
	if err := ce.dir.EnsureTopics(ctx); err != nil {
		t.Fatal(err)
	}
	if ce.appts, err = appointments.NewStore(db, outbox, appointments.Options{Links: AppointmentLinks(e.srv.URL)}); err != nil {
		t.Fatal(err)
	}
	all := func() []counselling.Interval {
		var out []counselling.Interval
		for _, d := range counselling.WeekdayKeys() {
			out = append(out, counselling.Interval{Day: d, From: "00:00", To: "24:00"})
		}
		return out
	}
	mk := func(parentKey, name string, lat, lon float64, topics []string, hours []counselling.Interval) string {
		parent, err := e.store.ResolveTenant(ctx, parentKey)
		if err != nil {
			t.Fatal(err)
		}
		c, err := ce.dir.Create(ctx, counselling.CreateInput{ParentID: parent.ID, Direct: true, Entry: counselling.Entry{
			Name: name, Provider: "Diakonie", Topics: topics, Description: "Kostenlose Beratung.",
			Addresses:    []counselling.Address{{Street: "Markt 1", PostalCode: "38820", City: "Halberstadt", Lat: lat, Lon: lon}},
			ServiceArea:  []string{parentKey},
			OpeningHours: hours, Phone: "03941 555-1", Email: "info@beratung.example", Website: "https://beratung.example/sib",
			Languages: []string{"de", "ar"}, Ways: []string{"on-site", "phone"}, Accessibility: []string{"step-free"}}})
		if err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	ce.debt = mk("15085", "Schuldnerberatung Halberstadt", 51.8961, 11.0518, []string{counselling.TopicDebt}, all())
	ce.addiction = mk("15085", "Suchtberatung Quedlinburg", 51.7880, 11.1502, []string{"suchtberatung"}, nil)
	ce.md = mk("15003", "Migrationsberatung Magdeburg", 52.1247, 11.6350, []string{"migrationsberatung"}, all())
	// The addiction centre's data is old.
	if _, err := db.Write.NewUpdate().Table("counselling_centres").Set("verified_on = ?", time.Now().AddDate(-2, 0, 0)).
		Where("id = ?", ce.addiction).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if ce.cal, err = ce.appts.CreateCalendar(ctx, ce.debt, appointments.CalendarInput{Name: "Erstberatung", Location: "Markt 1, Halberstadt",
		SlotMinutes: 60, MinNoticeMinutes: 0, Availability: all(), Active: true}); err != nil {
		t.Fatal(err)
	}
	if ce.office, err = ce.appts.CreateCalendar(ctx, e.harz.ID, appointments.CalendarInput{Name: "Sozialamt – Sprechstunde", SlotMinutes: 30,
		Availability: all(), Active: true}); err != nil {
		t.Fatal(err)
	}
	if err := e.portal.RegisterCounselling(CounsellingDeps{Directory: ce.dir, Appointments: ce.appts}); err != nil {
		t.Fatal(err)
	}
	return ce
}

func TestCounsellingSearchPage(t *testing.T) {
	t.Parallel()
	e := newCounsellingEnv(t)
	b := e.browser(t)
	for _, tt := range []struct {
		name, path string
		status     int
		want, not  []string
	}{
		{"all, by distance from the Kreis", "/landkreis-harz/beratung", 200,
			[]string{"Schuldnerberatung Halberstadt", "Suchtberatung Quedlinburg", "Migrationsberatung Magdeburg", "3 Beratungsstellen",
				"Jetzt geöffnet bis", "Keine Öffnungszeiten angegeben", "Angaben möglicherweise veraltet", "Online-Termin möglich", "km",
				`href="/landkreis-harz/termine/"`}, nil},
		{"topic filter", "/landkreis-harz/beratung?thema=suchtberatung", 200, []string{"Suchtberatung Quedlinburg", "1 Beratungsstelle"},
			[]string{"Schuldnerberatung Halberstadt"}},
		{"from Magdeburg within 10 km", "/landkreis-harz/beratung?ort=Magdeburg&umkreis=10", 200, []string{"Migrationsberatung Magdeburg", "Entfernung ab Magdeburg"},
			[]string{"Suchtberatung Quedlinburg"}},
		{"language and accessibility", "/landkreis-harz/beratung?sprache=ar&barriere=step-free&weg=phone", 200, []string{"3 Beratungsstellen"}, nil},
		{"unknown place", "/landkreis-harz/beratung?ort=Atlantis", 200, []string{"Ort nicht gefunden"}, nil},
		{"Arabic", "/landkreis-harz/beratung?lang=ar", 200, []string{`dir="rtl"`, "استشارات الديون والإعسار"}, nil},
		{"entry page", "/landkreis-harz/beratung/" + e.debt, 200,
			[]string{"Schuldnerberatung Halberstadt", "Schuldner- und Insolvenzberatung", "Montag", "00:00–24:00", "Termin buchen: Erstberatung",
				"openstreetmap.org", "tel:039415551", "Arabisch", "stufenloser Zugang", "Angaben zuletzt geprüft am"}, []string{"möglicherweise veraltet"}},
		{"outdated entry", "/landkreis-harz/beratung/" + e.addiction, 200, []string{"Angaben möglicherweise veraltet", "seit über einem Jahr"}, nil},
		{"entry in Ukrainian", "/landkreis-harz/beratung/" + e.debt + "?lang=uk", 200, []string{"Понеділок", "арабська"}, nil},
		{"unknown entry", "/landkreis-harz/beratung/gibt-es-nicht", 404, nil, nil},
		{"statewide at the Land's root", "/beratung", 200, []string{"Schuldnerberatung Halberstadt", "Migrationsberatung Magdeburg"}, nil},
		{"office calendars", "/landkreis-harz/termine/", 200, []string{"Sozialamt – Sprechstunde"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := e.browser(t).get(tt.path) // a browser each: ?lang= sets a cookie
			if r.status != tt.status {
				t.Fatalf("status %d, want %d", r.status, tt.status)
			}
			body := html.UnescapeString(r.body)
			for _, w := range tt.want {
				if !strings.Contains(body, w) {
					t.Errorf("page lacks %q", w)
				}
			}
			for _, n := range tt.not {
				if strings.Contains(body, n) {
					t.Errorf("page has %q", n)
				}
			}
		})
	}
	// Nearest first: from the Landkreis Harz's seat Halberstadt.
	body := b.get("/landkreis-harz/beratung?ort=Halberstadt").body
	if i, j := strings.Index(body, "Schuldnerberatung Halberstadt"), strings.Index(body, "Migrationsberatung Magdeburg"); i < 0 || j < 0 || i > j {
		t.Errorf("not sorted by distance")
	}
}

var slotInput = regexp.MustCompile(`name="start" type="radio" value="([^"]+)"`)

func TestAppointmentBookingPages(t *testing.T) {
	t.Parallel()
	e := newCounsellingEnv(t)
	b := e.browser(t)
	page := "/landkreis-harz/termine/kalender/" + e.cal.ID
	r := b.get(page)
	if r.status != 200 || !strings.Contains(r.body, "Termin verbindlich buchen") || strings.Contains(r.body, "kern-error") {
		t.Fatalf("calendar page: %d", r.status)
	}
	slots := slotInput.FindAllStringSubmatch(r.body, -1)
	if len(slots) < 2 {
		t.Fatalf("only %d slots offered", len(slots))
	}
	token := csrf(t, r.body)
	form := func(start string) url.Values {
		return url.Values{"csrf": {token}, "start": {start}, "name": {"Erika Muster"}, "email": {"erika@example.org"}, "consent": {"1"}}
	}
	// Without a form token nothing is booked.
	if r := b.do("POST", page, url.Values{"start": {slots[0][1]}, "name": {"X"}, "email": {"x@example.org"}, "consent": {"1"}}); r.status != http.StatusForbidden {
		t.Errorf("without token: %d", r.status)
	}
	// Missing fields: messages next to the fields, in the citizen's language.
	r = b.do("POST", page+"?lang=en", url.Values{"csrf": {token}, "email": {"keine-adresse"}})
	b.get(page + "?lang=de") // back to German for the checks below
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "Please choose a free appointment.") ||
		!strings.Contains(r.body, `id="email-fehler"`) || !strings.Contains(r.body, "Please agree") {
		t.Errorf("invalid form: %d\n%s", r.status, r.body)
	}
	// Booking redirects to the booking page.
	r = b.do("POST", page, form(slots[0][1]))
	if r.status != http.StatusSeeOther || !strings.HasPrefix(r.header.Get("Location"), "/landkreis-harz/termine/buchung/") {
		t.Fatalf("booking: %d %s\n%s", r.status, r.header.Get("Location"), r.body)
	}
	bookingPage := r.header.Get("Location")
	r = b.get(bookingPage)
	if r.status != 200 || !strings.Contains(r.body, "Ihr Termin ist gebucht") || !strings.Contains(r.body, "termin.ics") {
		t.Errorf("booking page: %d", r.status)
	}
	r = b.get(bookingPage + "/termin.ics")
	if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/calendar") || !strings.Contains(r.body, "BEGIN:VEVENT") {
		t.Errorf("ics: %d %s", r.status, r.header.Get("Content-Type"))
	}
	// The same slot again: taken, with a clear message; a past one: refused.
	r = b.do("POST", page, form(slots[0][1]))
	if r.status != http.StatusConflict || !strings.Contains(r.body, "gerade von jemand anderem gebucht") {
		t.Errorf("taken slot: %d", r.status)
	}
	r = b.do("POST", page, form(time.Now().Add(-48*time.Hour).UTC().Truncate(time.Hour).Format(time.RFC3339)))
	if r.status != http.StatusUnprocessableEntity || !strings.Contains(r.body, "nicht mehr buchbar") {
		t.Errorf("past slot: %d", r.status)
	}
	// The cancellation link of the mail works once.
	var cancel string
	for _, full := range mailtest.Stored(t, e.portal.db.Read, appointments.MailConfirmation) {
		if i := strings.Index(full.TextBody, "/termine/absagen/"); i > 0 {
			cancel = strings.Fields(full.TextBody[i:])[0]
		}
	}
	if cancel == "" {
		t.Fatal("no cancellation link in the confirmation")
	}
	cancelPath := "/landkreis-harz" + cancel
	r = b.get(cancelPath)
	if r.status != 200 || !strings.Contains(r.body, "Termin jetzt absagen") {
		t.Fatalf("cancel form: %d", r.status)
	}
	r = b.do("POST", cancelPath, url.Values{"csrf": {csrf(t, r.body)}})
	if r.status != 200 || !strings.Contains(r.body, "ist abgesagt") {
		t.Errorf("cancel: %d", r.status)
	}
	if r = b.do("POST", cancelPath, url.Values{"csrf": {token}}); r.status != http.StatusGone {
		t.Errorf("second cancel: %d", r.status)
	}
	if r = b.get(bookingPage); !strings.Contains(r.body, "Dieser Termin ist abgesagt") {
		t.Errorf("booking page after cancellation lacks the notice")
	}
	// The freed slot can be booked again.
	again := form(slots[0][1])
	again.Set("email", "erika.muster@example.org") // three attempts per address and day
	if r = b.do("POST", page, again); r.status != http.StatusSeeOther {
		t.Errorf("rebooking: %d", r.status)
	}
	if r = b.do("POST", page, form(slots[1][1])); r.status != http.StatusTooManyRequests || !strings.Contains(r.body, "Zu viele Buchungsversuche") {
		t.Errorf("fifth attempt of one address: %d", r.status)
	}
	if r = b.get("/landkreis-harz/termine/buchung/falsch"); r.status != 404 {
		t.Errorf("unknown booking page: %d", r.status)
	}
}
