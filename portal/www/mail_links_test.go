package www

import (
	"context"
	"html"
	"io/fs"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"sozialplattform/portal/appointments"
	"sozialplattform/portal/citizen"
	"sozialplattform/portal/counselling"
	"sozialplattform/portal/forms"
	"sozialplattform/portal/forms/formstest"
	"sozialplattform/tenant/envelope"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/passwordtest"
)

// citizenTemplates are the names of every mail template addressed to
// citizens, read from the templates themselves: a new one fails
// TestEveryCitizenMailLinkAnswers until the test sends it.
func citizenTemplates(t *testing.T) []string {
	t.Helper()
	var out []string
	for _, fsys := range []fs.FS{MailTemplates(), forms.MailTemplates(), citizen.MailTemplates(), appointments.MailTemplates(), counselling.MailTemplates()} {
		err := fs.WalkDir(fsys, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() || !strings.HasSuffix(path, ".tmpl") {
				return err
			}
			raw, err := fs.ReadFile(fsys, path)
			if err != nil {
				return err
			}
			if strings.Contains(string(raw), `{{define "audience"}}citizen{{end}}`) {
				name := path[strings.LastIndex(path, "/")+1:]
				out = append(out, strings.TrimSuffix(name, ".tmpl"))
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

var (
	hrefAttr = regexp.MustCompile(`href="([^"]+)"`)
	textLink = regexp.MustCompile(`https?://[^\s"<>]+`)
)

// mailLinks are the distinct links of a mail, from its text and its HTML.
func mailLinks(m mail.Stored) []string {
	var out []string
	add := func(s string) {
		if !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	for _, l := range textLink.FindAllString(m.TextBody, -1) {
		add(strings.TrimRight(l, ".,;:)"))
	}
	for _, l := range hrefAttr.FindAllStringSubmatch(m.HTMLBody, -1) {
		add(html.UnescapeString(l[1]))
	}
	return out
}

// follow opens a link as the browser would, through its redirects.
func (b *browser) follow(t *testing.T, link string) (response, string) {
	t.Helper()
	path := strings.TrimPrefix(link, b.base)
	path, _, _ = strings.Cut(path, "#") // a browser keeps the fragment to itself
	for range 6 {
		r := b.get(path)
		loc := r.header.Get("Location")
		if r.status < 300 || r.status >= 400 || loc == "" {
			return r, path
		}
		if u, err := url.Parse(loc); err == nil && u.IsAbs() {
			loc = strings.TrimPrefix(loc, b.base)
		}
		path = loc
	}
	t.Fatalf("%s: too many redirects", link)
	return response{}, ""
}

// TestEveryCitizenMailLinkAnswers sends every mail the platform writes to
// citizens through its real trigger – registration, a second
// registration, a forgotten password, a draft about to expire, a
// submission and its delivery problem, an appointment booked, reminded
// and cancelled by either side – and follows every link in each (text
// and HTML part) as its recipient: with the citizen's login for the
// Servicekonto, without one for the appointment links. Each must end on
// a page that answers 200, on the site the mail came from.
func TestEveryCitizenMailLinkAnswers(t *testing.T) {
	t.Parallel()
	e, fstore, accounts := newAccountEnv(t)
	ctx := context.Background()
	db := e.portal.db
	const (
		jana  = "jana@example.org"
		pw    = "Ilse-Brocken-Harzweg-2026"
		erika = "erika@example.org"
	)
	site := "/landkreis-harz"
	jb, eb := e.browser(t), e.browser(t)
	recipients := map[string]*browser{jana: jb, erika: eb}
	// checkNew follows every link of the citizen mails sent since its
	// last call, as their recipient, when the mail has just arrived:
	// single-use links (a cancellation) are used later in the test on
	// purpose, and then rightly answer 410.
	seen, sent := map[string]bool{}, map[string]bool{}
	checkNew := func() {
		t.Helper()
		var ms []mail.Stored
		if err := db.Read.NewSelect().Model(&ms).Where("audience = ?", mail.AudienceCitizen).OrderExpr("created_at, id").Scan(ctx); err != nil {
			t.Fatal(err)
		}
		for _, m := range ms {
			if seen[m.ID] {
				continue
			}
			seen[m.ID], sent[m.Template] = true, true
			b := recipients[m.To]
			if b == nil {
				t.Fatalf("%s to %s: no browser for this recipient", m.Template, m.To)
			}
			for _, l := range mailLinks(m) {
				if !strings.HasPrefix(l, e.srv.URL+"/") && l != e.srv.URL {
					t.Errorf("%s: link %s leaves the platform", m.Template, l)
					continue
				}
				r, landed := b.follow(t, l)
				if r.status != http.StatusOK {
					t.Errorf("%s: %s → %s answers %d", m.Template, l, landed, r.status)
				}
				if p := strings.TrimPrefix(l, e.srv.URL); len(p) > 1 && !strings.HasPrefix(p, site+"/") {
					t.Errorf("%s: %s is not on the site the mail came from", m.Template, l)
				}
			}
		}
	}
	post := func(b *browser, page, action string, form url.Values) response {
		t.Helper()
		r := b.get(page)
		if r.status != 200 {
			t.Fatalf("%s: %d", page, r.status)
		}
		form.Set("csrf", csrf(t, r.body))
		return b.do("POST", action, form)
	}
	only := func(template string) mail.Stored {
		t.Helper()
		ms := storedMails(t, e, template)
		if len(ms) == 0 {
			t.Fatalf("no mail %s was sent", template)
		}
		return ms[len(ms)-1]
	}
	linkPath := func(template, part string) string {
		t.Helper()
		for _, l := range mailLinks(only(template)) {
			if strings.Contains(l, part) {
				return strings.TrimPrefix(l, e.srv.URL)
			}
		}
		t.Fatalf("%s has no link with %s", template, part)
		return ""
	}

	// Registration and confirmation, in the browser.
	reg1 := url.Values{"email": {jana}, "name": {"Jana Beispiel"}, "passwort": {pw}, "passwort2": {pw}}
	if r := post(jb, site+"/servicekonto/registrieren", site+"/servicekonto/registrieren", reg1); r.status != 200 {
		t.Fatalf("register: %d", r.status)
	}
	checkNew()
	confirm := linkPath(citizen.MailConfirm, "/bestaetigen/")
	if r := post(jb, confirm, confirm, url.Values{}); r.status != http.StatusSeeOther {
		t.Fatalf("confirm: %d", r.status)
	}
	// A second registration with the same address tells her she has one.
	if r := post(e.browser(t), site+"/servicekonto/registrieren", site+"/servicekonto/registrieren", reg1); r.status != 200 {
		t.Fatalf("second registration: %d", r.status)
	}
	checkNew()
	if r := post(jb, site+"/servicekonto/anmelden", site+"/servicekonto/anmelden", url.Values{"email": {jana}, "passwort": {pw}}); r.status != http.StatusSeeOther {
		t.Fatalf("login: %d", r.status)
	}
	// A draft about to expire is reminded of.
	r := post(jb, site+"/antrag/hzl", site+"/antrag/hzl", url.Values{})
	if r.status != http.StatusSeeOther {
		t.Fatalf("new draft: %d", r.status)
	}
	acc, err := accounts.ByEmail(ctx, jana)
	if err != nil {
		t.Fatal(err)
	}
	drafts, err := fstore.Drafts(ctx, acc.ID)
	if err != nil || len(drafts) != 1 {
		t.Fatalf("drafts: %v %v", drafts, err)
	}
	if _, err := db.Write.NewUpdate().Table("application_drafts").Set("expires_at = ?", time.Now().Add(48*time.Hour)).Where("id = ?", drafts[0].ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if res, err := fstore.Cleanup(ctx); err != nil || res.Reminded != 1 {
		t.Fatalf("cleanup: %+v %v", res, err)
	}
	checkNew()
	// A second draft is filled in and submitted; its delivery fails.
	d, err := fstore.CreateDraft(ctx, acc.ID, e.harz.ID, "hzl", nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, st := range formstest.HzL() {
		if _, err := fstore.SaveStep(ctx, acc.ID, d.ID, st.ID, st.Form, "de", nil); err != nil {
			t.Fatal(err)
		}
	}
	summary := site + "/antrag/hzl/entwurf/" + d.ID + "/absenden"
	decl := url.Values{}
	for id := range formstest.Declarations() {
		decl.Add("erklaerung", id)
	}
	if r := post(jb, summary, summary, decl); r.status != http.StatusSeeOther {
		t.Fatalf("submit: %d\n%s", r.status, r.body)
	}
	apps, err := fstore.ForCitizen(ctx, acc.ID)
	if err != nil || len(apps) != 1 {
		t.Fatalf("applications: %v %v", apps, err)
	}
	checkNew()
	if err := fstore.SetDeliveryStatus(ctx, db.Write, apps[0].ID, string(forms.StatusProblem), "Die Behörde ist nicht erreichbar."); err != nil {
		t.Fatal(err)
	}
	checkNew()
	// A forgotten password.
	if r := post(e.browser(t), site+"/servicekonto/passwort-vergessen", site+"/servicekonto/passwort-vergessen", url.Values{"email": {jana}}); r.status != 200 {
		t.Fatalf("forgot: %d", r.status)
	}
	checkNew()

	// Appointments: booked for tomorrow, reminded, cancelled by the
	// citizen; a second one cancelled by the office.
	tomorrow := time.Now().In(e.portal.loc).AddDate(0, 0, 1)
	at := func(h int) time.Time {
		return time.Date(tomorrow.Year(), tomorrow.Month(), tomorrow.Day(), h, 0, 0, 0, e.portal.loc)
	}
	b1, _, err := e.appts.Book(ctx, appointments.BookingInput{CalendarID: e.cal.ID, Start: at(10), Name: "Erika Muster", Email: erika,
		SiteSlug: "landkreis-harz", Lang: "de", Client: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Write.NewUpdate().Table("appointment_bookings").Set("created_at = ?", time.Now().Add(-2*time.Hour)).Where("id = ?", b1.ID).Exec(ctx); err != nil {
		t.Fatal(err)
	}
	if n, err := e.appts.RemindTomorrow(ctx); err != nil || n != 1 {
		t.Fatalf("reminders: %d %v", n, err)
	}
	checkNew()
	cancel := linkPath(appointments.MailConfirmation, "/termine/absagen/")
	if r := post(eb, cancel, cancel, url.Values{}); r.status != 200 {
		t.Fatalf("cancel: %d", r.status)
	}
	checkNew()
	b2, _, err := e.appts.Book(ctx, appointments.BookingInput{CalendarID: e.cal.ID, Start: at(12), Name: "Erika Muster", Email: erika,
		SiteSlug: "landkreis-harz", Lang: "de", Client: "192.0.2.1"})
	if err != nil {
		t.Fatal(err)
	}
	checkNew()
	if _, err := e.appts.Cancel(ctx, b2.ID, "Die Beraterin ist krank."); err != nil {
		t.Fatal(err)
	}
	checkNew()

	// Every citizen template was sent, and its links were followed.
	for _, name := range citizenTemplates(t) {
		if !sent[name] {
			t.Errorf("%s: the test sends no such mail", name)
		}
	}
}

// newAccountEnv is the counselling environment with the online
// applications and the Servicekonto registered, HzL live in Landkreis
// Harz, and links in mails pointing to the test server.
func newAccountEnv(t *testing.T) (*counsellingEnv, *forms.Store, *citizen.Store) {
	t.Helper()
	e := newCounsellingEnv(t)
	db := e.portal.db
	e.services.live[e.harz.ID] = []string{"hzl"}
	keys, _ := envelope.Parse(envelope.NewKey())
	reg, err := forms.Load()
	if err != nil {
		t.Fatal(err)
	}
	fstore, err := forms.NewStore(forms.Deps{DB: db, Keys: keys, Registry: reg, Tenants: e.store, Mailer: e.outbox,
		Options: forms.Options{Links: FormsLinks(e.srv.URL)}})
	if err != nil {
		t.Fatal(err)
	}
	accounts := citizen.NewStore(db, e.outbox, citizen.Options{Passwords: passwordtest.Hasher(), Links: CitizenLinks(e.srv.URL)})
	if err := e.portal.RegisterApplications(ApplicationDeps{Forms: fstore, Accounts: accounts, Sessions: citizen.NewSessions(e.portal.sessions),
		Keys: keys}); err != nil {
		t.Fatal(err)
	}
	return e, fstore, accounts
}

// login registers and confirms an account and logs the browser in.
func login(t *testing.T, e *counsellingEnv, accounts *citizen.Store, b *browser, email, password string) *citizen.Account {
	t.Helper()
	tok, err := accounts.Register(t.Context(), email, password, "Jana Beispiel", e.srv.URL+"/landkreis-harz/servicekonto")
	if err != nil {
		t.Fatal(err)
	}
	acc, err := accounts.Confirm(t.Context(), tok)
	if err != nil {
		t.Fatal(err)
	}
	page := b.get("/landkreis-harz/servicekonto/anmelden")
	if r := b.do("POST", "/landkreis-harz/servicekonto/anmelden", url.Values{"csrf": {csrf(t, page.body)}, "email": {email}, "passwort": {password}}); r.status != http.StatusSeeOther {
		t.Fatalf("login: %d", r.status)
	}
	return acc
}

// storedMails are the mails of a template with their bodies.
func storedMails(t *testing.T, e *counsellingEnv, template string) []mail.Stored {
	t.Helper()
	var out []mail.Stored
	if err := e.portal.db.Read.NewSelect().Model(&out).Where("template = ?", template).OrderExpr("created_at, id").Scan(context.Background()); err != nil {
		t.Fatal(err)
	}
	return out
}
