package admin_test

import (
	"context"
	"html"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"strings"
	"sync/atomic"
	"testing"

	"sozialplattform/admin"
	"sozialplattform/marketplace"
	"sozialplattform/migrations"
	"sozialplattform/migrations/testdb"
	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/onboarding/delivery/dvdv"
	"sozialplattform/onboarding/ordering"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/jobs"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/passwordtest"
	"sozialplattform/tenant/web"
)

// Passwords of the seeded accounts: none derived from the person's address
// or name, which the password rules refuse ("Harz-Passwort-2026!" for
// admin@kreis-harz.de).
const (
	ministryPW = "Akten-Stapel-am-Fenster-2026"
	harzPW     = "Brocken-im-Nebel-2026!"
	wbPW       = "Thesen-an-der-Tuer-2026"
)

// env is a console on a fresh database behind the server's middleware, seeded
// with the Land Sachsen-Anhalt, the Landkreise Harz and Wittenberg and one
// administrator for each.
type env struct {
	t      *testing.T
	db     *migrations.DB
	store  *tenant.Store
	az     *authz.Authorizer
	outbox *mail.Outbox
	jobs   *jobs.Registry
	srv    *httptest.Server

	land, harz, wittenberg *tenant.Tenant
	ministry, harzAdmin    *tenant.User
	wbAdmin                *tenant.User
	jobRuns                atomic.Int32

	// With envOptions.domains.
	market  *marketplace.Store
	onboard *onboarding.Store
	// With envOptions.delivery.
	delivery *delivery.Service
	// The further domains and the demo's people: world_test.go.
	world
}

// ministryMailbox is the ministry's function mailbox of the tests.
const ministryMailbox = "mid55@mid.sachsen-anhalt.example"

func newEnv(t *testing.T) *env {
	t.Helper()
	return newEnvWith(t, envOptions{})
}

// envOptions change the console of newEnvWith.
type envOptions struct {
	// deps changes the console's dependencies (demo, mail server).
	deps func(*admin.Deps)
	// domains adds the marketplace and onboarding (stores, rules, mail
	// templates): the start page's work lists need them.
	domains bool
	// ordering wires the marketplace to onboarding as the server does: an
	// order opens cases, and its confirmation names onboarding's support
	// contacts and Sprechstunde (needs domains).
	ordering bool
	// delivery adds the delivery service (routing by onboarding's cases;
	// needs domains), with the rules of its objects.
	delivery bool
	// The further domains and the demo data: world_test.go.
	worldOptions
}

// newEnvWith is newEnv with a changed console.
func newEnvWith(t *testing.T, o envOptions) *env {
	t.Helper()
	ctx := context.Background()
	logger := slog.New(slog.DiscardHandler)
	e := &env{t: t, db: testdb.New(t)}

	// The server's address goes into mail links, so it must exist before
	// the store; the handler is put in once everything is built.
	var handler atomic.Value
	e.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		handler.Load().(http.Handler).ServeHTTP(w, r)
	}))
	t.Cleanup(e.srv.Close)

	var err error
	outboxOpts := mail.OutboxOptions{BaseURL: e.srv.URL, PlatformName: "Sozialplattform Sachsen-Anhalt"}
	if o.domains {
		outboxOpts.Templates = []fs.FS{marketplace.MailTemplates(), onboarding.MailTemplates()}
	}
	outboxOpts.Templates = append(outboxOpts.Templates, o.mailTemplates()...)
	if e.outbox, err = mail.NewOutbox(e.db, outboxOpts); err != nil {
		t.Fatal(err)
	}
	rules := [][]authz.Rule{authz.DefaultRules}
	if o.domains {
		rules = append(rules, marketplace.AuthzRules(), onboarding.Rules())
	}
	if o.delivery {
		rules = append(rules, delivery.Rules())
	}
	rules = append(rules, o.rules()...)
	for _, rs := range rules {
		if err := authz.SyncRules(ctx, e.db.Write, rs); err != nil {
			t.Fatal(err)
		}
	}
	if e.az, err = authz.New(ctx, e.db, logger); err != nil {
		t.Fatal(err)
	}
	e.store = tenant.NewStore(e.db, e.outbox, tenant.Options{Passwords: passwordtest.Hasher(), Links: admin.TenantLinks(e.srv.URL), PolicyChanged: func() {
		if err := e.az.Reload(ctx); err != nil {
			t.Errorf("reload policy: %v", err)
		}
	}})
	sessions := tenant.NewSessionStore(e.db, tenant.SessionOptions{})
	auth := authz.NewAuthenticator(e.store, sessions, logger)
	auth.RequestID = func(r *http.Request) string { return web.RequestIDFrom(r.Context()) }
	assets, err := web.NewAssets()
	if err != nil {
		t.Fatal(err)
	}
	e.jobs = jobs.NewRegistry(e.db, "test", logger)
	if err := e.jobs.Register(jobs.Job{Name: "sitzungen-aufraeumen", Schedule: "@every 1h", Description: "Abgelaufene Sitzungen löschen",
		Run: func(ctx context.Context) error {
			e.jobRuns.Add(1)
			_, err := sessions.DeleteExpired(ctx)
			return err
		}}); err != nil {
		t.Fatal(err)
	}
	deps := admin.Deps{Store: e.store, Authz: e.az, Auth: auth, Outbox: e.outbox, Jobs: e.jobs,
		Assets: assets, Logger: logger, BaseURL: e.srv.URL, NoSMTP: true} // no mail server: the Postausgang is how links arrive
	if o.domains {
		if e.onboard, err = onboarding.NewStore(e.db, e.outbox, onboarding.Options{Links: admin.OnboardingLinks(e.srv.URL), MinistryMailbox: ministryMailbox}); err != nil {
			t.Fatal(err)
		}
		mo := marketplace.Options{Links: admin.MarketLinks(e.srv.URL), MinistryOrderMailbox: ministryMailbox,
			ServicePage: web.LinkTo(e.srv.URL, "/leistungen/{slug}")} // the portal's page, as the server wires it
		if o.ordering {
			mo = ordering.Options(mo, e.onboard) // as the server wires it
		}
		if e.market, err = marketplace.NewStore(e.db, e.store, e.outbox, mo); err != nil {
			t.Fatal(err)
		}
		if o.delivery {
			e.dir = dvdv.New(e.db, nil)
			if o.applications {
				e.buildDelivery(logger)
			} else if e.delivery, err = delivery.New(e.db, delivery.Options{Router: delivery.OnboardingRouter{Cases: e.onboard, Tenants: e.store}, Logger: logger}); err != nil {
				t.Fatal(err)
			}
			deps.Delivery, deps.DVDV = e.delivery, e.dir
		}
		if err := e.onboard.EnsureDefaults(ctx); err != nil {
			t.Fatal(err)
		}
		deps.Marketplace, deps.Onboarding = e.market, e.onboard
	}
	e.buildWorld(o, logger, &deps)
	if o.deps != nil {
		o.deps(&deps)
	}
	console, err := admin.New(deps)
	if err != nil {
		t.Fatal(err)
	}
	mux := http.NewServeMux()
	mux.Handle("GET "+web.StaticPrefix, assets.Handler())
	console.Register(mux)
	e.serveAPI(o, mux, logger)
	crossOrigin, err := web.CrossOrigin(nil)
	if err != nil {
		t.Fatal(err)
	}
	handler.Store(web.Chain(mux,
		web.RequestID,
		web.Recover(logger),
		web.SecurityHeaders(web.HeaderOptions{}),
		web.LimitBody(web.DefaultBodyLimit),
		crossOrigin,
		auth.Middleware,
		web.CapturePattern,
	))
	if o.demo {
		e.loadDemo()
	} else {
		e.seed()
	}
	return e
}

func (e *env) seed() {
	t, ctx := e.t, context.Background()
	t.Helper()
	mk := func(parent *tenant.Tenant, kind tenant.Kind, key, name string) *tenant.Tenant {
		tn := &tenant.Tenant{Kind: kind, OfficialKey: &key, Name: name, Active: true}
		if parent != nil {
			tn.ParentID = &parent.ID
		}
		if err := e.store.CreateTenant(ctx, tn); err != nil {
			t.Fatalf("create %s: %v", name, err)
		}
		return tn
	}
	e.land = mk(nil, tenant.KindLand, "15", "Sachsen-Anhalt")
	e.harz = mk(e.land, tenant.KindLandkreis, "15085", "Landkreis Harz")
	e.wittenberg = mk(e.land, tenant.KindLandkreis, "15091", "Landkreis Wittenberg")
	user := func(email, name, pw string, tn *tenant.Tenant, role tenant.Role) *tenant.User {
		u, err := e.store.CreateUser(ctx, tenant.NewUserInput{Email: email, Name: name, Password: pw, TenantID: tn.ID, Role: role})
		if err != nil {
			t.Fatalf("create user %s: %v", email, err)
		}
		return u
	}
	e.ministry = user("ministerium@mid.sachsen-anhalt.de", "Marta Ministerium", ministryPW, e.land, tenant.RoleMinistryAdmin)
	e.harzAdmin = user("admin@kreis-harz.de", "Hanna Harz", harzPW, e.harz, tenant.RoleMunicipalityAdmin)
	e.wbAdmin = user("admin@landkreis-wittenberg.de", "Willi Wittenberg", wbPW, e.wittenberg, tenant.RoleMunicipalityAdmin)
}

// client is a browser without JavaScript: it keeps cookies and follows
// redirects.
type client struct {
	t    *testing.T
	e    *env
	http *http.Client
}

func (e *env) client() *client {
	jar, err := cookiejar.New(nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return &client{t: e.t, e: e, http: &http.Client{Jar: jar}}
}

// page is an answer as the browser shows it.
type page struct {
	status int
	url    *url.URL // after redirects
	body   string
}

func (p page) has(s string) bool { return strings.Contains(p.body, s) }

func (c *client) do(req *http.Request) page {
	c.t.Helper()
	resp, err := c.http.Do(req)
	if err != nil {
		c.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	p := page{status: resp.StatusCode, url: resp.Request.URL, body: string(b)}
	if strings.HasPrefix(resp.Header.Get("Content-Type"), "text/html") && strings.HasPrefix(p.url.Path, "/admin/") {
		checkPage(c.t, p)
	}
	return p
}

func (c *client) get(path string) page {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodGet, c.e.srv.URL+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.do(req)
}

// post sends a form as a browser does, following the redirect after it.
func (c *client) post(path string, form url.Values) page {
	c.t.Helper()
	req, err := http.NewRequest(http.MethodPost, c.e.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

var csrfField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// csrf returns the form token of a page.
func (c *client) csrf(p page) string {
	c.t.Helper()
	m := csrfField.FindStringSubmatch(p.body)
	if m == nil {
		c.t.Fatalf("no csrf field on %s:\n%s", p.url, p.body)
	}
	return m[1]
}

// submit posts form to path with the token of the page at tokenPage.
func (c *client) submit(tokenPage, path string, form url.Values) page {
	c.t.Helper()
	form.Set("csrf", c.csrf(c.get(tokenPage)))
	return c.post(path, form)
}

// login logs in and expects to land on the dashboard.
func (c *client) login(email, password string) page {
	c.t.Helper()
	p := c.submit("/admin/anmelden", "/admin/anmelden", url.Values{"email": {email}, "passwort": {password}})
	if p.status != http.StatusOK || p.url.Path != "/admin/" {
		c.t.Fatalf("login as %s: status %d at %s:\n%s", email, p.status, p.url, p.body)
	}
	return p
}

func (c *client) cookie() *http.Cookie {
	u, _ := url.Parse(c.e.srv.URL)
	for _, ck := range c.http.Jar.Cookies(u) {
		if ck.Name == "sozialplattform" {
			return ck
		}
	}
	return nil
}

var (
	titlePattern    = regexp.MustCompile(`<title>[^<]+ – Sozialplattform Konsole</title>`)
	controlPattern  = regexp.MustCompile(`<(input|select|textarea)\b[^>]*>`)
	idPattern       = regexp.MustCompile(`\bid="([^"]+)"`)
	typePattern     = regexp.MustCompile(`\btype="([^"]+)"`)
	invalidPattern  = regexp.MustCompile(`<(input|select)\b[^>]*aria-invalid="true"[^>]*>`)
	describedByPatt = regexp.MustCompile(`aria-describedby="([^"]+)"`)
)

// checkPage holds every console page to the accessibility and CSP rules:
// German, titled, a skip link to the main content, no script and no inline
// style, every field labelled, and every invalid field pointing at its
// message.
func checkPage(t *testing.T, p page) {
	t.Helper()
	for _, want := range []string{`<html lang="de">`, `<a class="app-skip-link" href="#inhalt">`, `<main class="app-main" id="inhalt"`} {
		if !p.has(want) {
			t.Errorf("%s: page lacks %s", p.url.Path, want)
		}
	}
	if !titlePattern.MatchString(p.body) {
		t.Errorf("%s: title is not \"… – Sozialplattform Konsole\"", p.url.Path)
	}
	if p.has("<script") || p.has(" style=") || p.has("<style") {
		t.Errorf("%s: page has a script or inline style, which the CSP forbids", p.url.Path)
	}
	for _, ctl := range controlPattern.FindAllString(p.body, -1) {
		if m := typePattern.FindStringSubmatch(ctl); m != nil && (m[1] == "hidden" || m[1] == "submit") {
			continue
		}
		id := idPattern.FindStringSubmatch(ctl)
		if id == nil {
			t.Errorf("%s: field without id: %s", p.url.Path, ctl)
			continue
		}
		// A visible label, or one for screen readers only (a quantity in a
		// table row, named by the row).
		if !p.has(`<label class="kern-label" for="`+id[1]+`"`) && !p.has(`<label class="kern-sr-only" for="`+id[1]+`"`) {
			t.Errorf("%s: field %s has no <label for>", p.url.Path, id[1])
		}
	}
	for _, ctl := range invalidPattern.FindAllString(p.body, -1) {
		id := idPattern.FindStringSubmatch(ctl)
		d := describedByPatt.FindStringSubmatch(ctl)
		if id == nil || d == nil || !strings.Contains(d[1], id[1]+"-fehler") {
			t.Errorf("%s: invalid field not described by its error: %s", p.url.Path, ctl)
			continue
		}
		if !p.has(`id="`+id[1]+`-fehler"`) || !p.has(`href="#`+id[1]+`"`) {
			t.Errorf("%s: invalid field %s lacks its message or summary link", p.url.Path, id[1])
		}
	}
}

// text is the page without tags, for checks of what a reader sees.
func (p page) text() string {
	return html.UnescapeString(regexp.MustCompile(`<[^>]+>`).ReplaceAllString(p.body, " "))
}

// outboxMail returns the newest queued mail to an address.
func (e *env) outboxMail(to string) mail.Stored {
	e.t.Helper()
	ms, err := e.outbox.List(context.Background(), mail.ListFilter{})
	if err != nil {
		e.t.Fatal(err)
	}
	for _, m := range ms {
		if m.To == to {
			full, err := e.outbox.Get(context.Background(), m.ID)
			if err != nil {
				e.t.Fatal(err)
			}
			return full
		}
	}
	e.t.Fatalf("no mail to %s in the outbox", to)
	return mail.Stored{}
}

// tenant reloads a tenant.
func (e *env) tenant(id string) *tenant.Tenant {
	e.t.Helper()
	tn, err := e.store.GetTenant(context.Background(), id)
	if err != nil {
		e.t.Fatal(err)
	}
	return tn
}

var (
	confirmForm   = regexp.MustCompile(`(?s)<form method="post" action="([^"]+)" class="app-confirm">(.*?)</form>`)
	confirmHidden = regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`)
)

// confirm answers a confirmation step (ui.Confirmed) as a browser without
// JavaScript does: it sends the page's form – the action, its hidden
// fields and the answer – and follows the redirect. The page must be the
// question, and must not have changed anything yet.
func (c *client) confirm(p page) page {
	c.t.Helper()
	m := confirmForm.FindStringSubmatch(p.body)
	if p.status != http.StatusOK || m == nil {
		c.t.Fatalf("expected a confirmation step at %s, got status %d:\n%s", p.url, p.status, p.body)
	}
	form := url.Values{}
	for _, f := range confirmHidden.FindAllStringSubmatch(m[2], -1) {
		form.Add(html.UnescapeString(f[1]), html.UnescapeString(f[2]))
	}
	if form.Get("bestaetigung") != "ja" || form.Get("csrf") == "" {
		c.t.Fatalf("the confirmation form lacks its answer or token: %v", form)
	}
	return c.post(html.UnescapeString(m[1]), form)
}
