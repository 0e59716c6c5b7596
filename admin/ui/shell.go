package admin

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Europe/Berlin also where the system has no zoneinfo

	"sozialplattform/tenant"
	"sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/jobs"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/web"
)

// Deps are what the console needs from the rest of the platform.
type Deps struct {
	Store   *tenant.Store
	Authz   *authz.Authorizer
	Auth    *authz.Authenticator
	Outbox  *mail.Outbox
	Jobs    *jobs.Registry
	Assets  *web.Assets
	Logger  *slog.Logger
	BaseURL string
	// FormTokens sign the form tokens of pages before login (cookie, no
	// session row); nil makes a key for this process (tests).
	FormTokens *web.FormTokens
	// NoSMTP says that no mail server is configured (development, demo):
	// mails then reach people only through the Postausgang, so the secret
	// links of a tenant's mails are shown to that tenant's own admins. With
	// a mail server they are always masked.
	NoSMTP bool
}

// Console serves the console's pages.
type Console struct {
	store   *tenant.Store
	authz   *authz.Authorizer
	auth    *authz.Authenticator
	outbox  *mail.Outbox
	jobs    *jobs.Registry
	assets  *web.Assets
	logger  *slog.Logger
	baseURL string
	noSMTP  bool
	forms   *web.FormTokens
	loc     *time.Location
	pages   map[string]*page

	// applications is set by RegisterApplications: the menu names the
	// applications' pages only when they are served.
	applications bool
}

//go:embed templates
var templateFS embed.FS

// New parses the templates and returns the console. Store, Authz, Auth and
// Assets are required; without Outbox or Jobs the Postausgang or the
// Aufgaben page is left out.
func New(d Deps) (*Console, error) {
	if d.Store == nil || d.Authz == nil || d.Auth == nil || d.Assets == nil {
		return nil, errors.New("admin: Store, Authz, Auth and Assets are required")
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	loc, err := time.LoadLocation("Europe/Berlin")
	if err != nil {
		return nil, fmt.Errorf("admin: %w", err)
	}
	if d.FormTokens == nil {
		if d.FormTokens, err = web.NewFormTokens(nil, false); err != nil {
			return nil, err
		}
	}
	c := &Console{store: d.Store, authz: d.Authz, auth: d.Auth, outbox: d.Outbox, jobs: d.Jobs, assets: d.Assets,
		logger: d.Logger, baseURL: strings.TrimRight(d.BaseURL, "/"), noSMTP: d.NoSMTP, forms: d.FormTokens, loc: loc}
	if c.pages, err = c.parseTemplates(); err != nil {
		return nil, err
	}
	return c, nil
}

// parseTemplates parses the layout and the shared form parts once, then
// clones that set for every page and adds the page to its clone. Requests
// only execute the finished sets; nothing is changed per request.
func (c *Console) parseTemplates() (map[string]*page, error) {
	base, err := template.New("layout").Funcs(c.funcs()).ParseFS(templateFS, "templates/layout.html", "templates/parts.html")
	if err != nil {
		return nil, fmt.Errorf("admin templates: %w", err)
	}
	return parsePages(base, "templates/pages/*.html", "")
}

// parsePages prepares every page file matching pattern, named prefix +
// file name, in its own clone of base (the layout and the shared parts).
// Each page is parsed now, so that a broken template stops the start, but
// kept only from its first use: a clone holds a copy of the whole layout,
// and an instance need not hold the ~90 pages nobody opened (idle memory,
// issue 9). Nothing is changed per request.
func parsePages(base *template.Template, pattern, prefix string) (map[string]*page, error) {
	files, err := fs.Glob(templateFS, pattern)
	if err != nil {
		return nil, fmt.Errorf("admin templates %s: %w", pattern, err)
	}
	pages := make(map[string]*page, len(files))
	for _, f := range files {
		if _, err := buildPage(base, f); err != nil {
			return nil, err
		}
		pages[prefix+strings.TrimSuffix(path.Base(f), ".html")] = &page{base: base, file: f}
	}
	return pages, nil
}

// addPages adds a module's pages (from parsePages) to the console; a page
// name given twice is an error.
func (c *Console) addPages(pages map[string]*page, err error) error {
	if err != nil {
		return err
	}
	for name, p := range pages {
		if _, dup := c.pages[name]; dup {
			return fmt.Errorf("admin: page %s defined twice", name)
		}
		c.pages[name] = p
	}
	return nil
}

// page is a console page, built on first use.
type page struct {
	base *template.Template
	file string
	once sync.Once
	t    *template.Template
	err  error
}

func (p *page) template() (*template.Template, error) {
	if p == nil {
		return nil, errors.New("admin: no such page")
	}
	p.once.Do(func() { p.t, p.err = buildPage(p.base, p.file) })
	return p.t, p.err
}

func buildPage(base *template.Template, file string) (*template.Template, error) {
	t, err := base.Clone()
	if err == nil {
		t, err = t.ParseFS(templateFS, file)
	}
	if err != nil {
		return nil, fmt.Errorf("admin template %s: %w", file, err)
	}
	return t, nil
}

// Register adds the console's routes to mux, all under /admin/.
func (c *Console) Register(mux *http.ServeMux) {
	// Before login.
	mux.HandleFunc("GET /admin/anmelden", c.loginForm)
	mux.HandleFunc("POST /admin/anmelden", c.login)
	mux.HandleFunc("POST /admin/abmelden", c.logout)
	mux.HandleFunc("GET /admin/passwort/vergessen", c.forgotForm)
	mux.HandleFunc("POST /admin/passwort/vergessen", c.forgot)
	mux.HandleFunc("GET /admin/passwort/neu/{token}", c.resetForm)
	mux.HandleFunc("POST /admin/passwort/neu/{token}", c.reset)
	mux.HandleFunc("GET /admin/einladung/{token}", c.invitationForm)
	mux.HandleFunc("POST /admin/einladung/{token}", c.acceptInvitation)

	// After login.
	mux.HandleFunc("GET /admin/{$}", c.user(c.dashboard))
	mux.HandleFunc("GET /admin/koerperschaften/neu", c.user(c.newTenantForm))
	mux.HandleFunc("POST /admin/koerperschaften/neu", c.userForm(c.createTenant))
	mux.HandleFunc("GET /admin/koerperschaften/{id}", c.user(c.tenantPage))
	mux.HandleFunc("POST /admin/koerperschaften/{id}", c.userForm(c.updateTenant))
	mux.HandleFunc("GET /admin/koerperschaften/{id}/benutzer", c.user(c.membersPage))
	mux.HandleFunc("POST /admin/koerperschaften/{id}/benutzer/{uid}/rolle", c.userForm(c.setMemberRole))
	mux.HandleFunc("POST /admin/koerperschaften/{id}/benutzer/{uid}/aktiv", c.userForm(c.setMemberActive))
	mux.HandleFunc("POST /admin/koerperschaften/{id}/benutzer/{uid}/entfernen", c.userForm(c.removeMember))
	mux.HandleFunc("GET /admin/koerperschaften/{id}/einladungen", c.user(c.invitationsPage))
	mux.HandleFunc("POST /admin/koerperschaften/{id}/einladungen", c.userForm(c.invite))
	mux.HandleFunc("POST /admin/koerperschaften/{id}/einladungen/{iid}/zurueckziehen", c.userForm(c.revokeInvitation))
	mux.HandleFunc("GET /admin/koerperschaften/{id}/token", c.user(c.tokensPage))
	mux.HandleFunc("POST /admin/koerperschaften/{id}/token", c.userForm(c.createToken))
	mux.HandleFunc("POST /admin/koerperschaften/{id}/token/{tid}/widerrufen", c.userForm(c.revokeToken))
	mux.HandleFunc("GET /admin/koerperschaften/{id}/protokoll", c.user(c.tenantAuditPage))
	mux.HandleFunc("GET /admin/protokoll", c.user(c.auditPage))
	mux.HandleFunc("GET /admin/postausgang", c.user(c.outboxPage))
	mux.HandleFunc("GET /admin/postausgang/{id}", c.user(c.mailPage))
	mux.HandleFunc("POST /admin/postausgang/{id}/erneut", c.userForm(c.retryMail))
	mux.HandleFunc("POST /admin/postausgang/buerger/erneut", c.userForm(c.retryCitizenMails))
	mux.HandleFunc("GET /admin/aufgaben", c.user(c.jobsPage))
	mux.HandleFunc("POST /admin/aufgaben/{name}/ausfuehren", c.userForm(c.runJob))
	mux.HandleFunc("GET /admin/konto", c.user(c.accountPage))
	mux.HandleFunc("POST /admin/konto", c.userForm(c.changePassword))

	c.registerPortal(mux) // the citizen portal's settings, links, offices and videos (portal_console.go)

	// Everything else under /admin/ is a console 404.
	mux.HandleFunc("/admin/", func(w http.ResponseWriter, r *http.Request) {
		if authz.PrincipalFrom(r.Context()).IsZero() {
			c.notFound(w, r)
			return
		}
		c.user(c.notFound)(w, r) // with the navigation of the logged-in user
	})
}

// view is what every page template gets: the layout's fields plus the
// page's own Data.
type view struct {
	Title  string       // page title; the layout adds " – Sozialplattform Konsole"
	Nav    string       // key of the current navigation item
	User   *tenant.User // nil before login
	Menu   menu
	CSRF   string
	Notice string // confirmation of the last action (from ?hinweis=)
	Data   any
}

// menu says which navigation items the user may see.
type menu struct {
	Audit, Mail, Jobs                                   bool
	Marketplace, Onboarding, Rollout, Delivery, Centres bool
	Applications                                        bool
}

// Objects whose rights open the domains' sections of the navigation. They
// are the domains' own authz object names.
const (
	navCart     = "cart"
	navProduct  = "product"
	navCase     = "onboarding-case"
	navRollout  = "rollout"
	navDelivery = "delivery"
	navCentre   = "counselling-centre"
	// The applications' objects (portal/forms): municipal staff read the
	// applications, the ministry the counts.
	navApplication      = "application"
	navApplicationStats = "application-stats"
)

func (c *Console) menuFor(p authz.Principal) menu {
	allowed := func(obj, act string) bool { return c.authz.AllowedAnywhere(p, obj, act) }
	return menu{
		Audit:        allowed(authz.ObjAudit, authz.Read),
		Mail:         c.outbox != nil && allowed(authz.ObjMail, authz.Read),
		Jobs:         c.jobs != nil && allowed(authz.ObjJob, authz.Read),
		Marketplace:  allowed(navCart, authz.Read) || allowed(navProduct, authz.Update),
		Onboarding:   allowed(navCase, authz.Read),
		Rollout:      allowed(navRollout, authz.Read),
		Delivery:     allowed(navDelivery, authz.Read),
		Centres:      allowed(navCentre, authz.Read),
		Applications: c.applications && (allowed(navApplication, authz.Read) || allowed(navApplicationStats, authz.Read)),
	}
}

// render executes page into a buffer and writes it with status; a template
// error becomes a 500 page instead of half a page.
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, page string, v *view) {
	pg, ok := c.pages[page]
	if !ok {
		c.serverError(w, r, fmt.Errorf("admin: no template %q", page))
		return
	}
	t, err := pg.template()
	if err != nil {
		c.serverError(w, r, err)
		return
	}
	if v.User == nil {
		v.User = userFrom(r)
	}
	if v.User != nil {
		v.Menu = c.menuFor(authz.PrincipalFrom(r.Context()))
		if v.CSRF == "" {
			tok, err := c.formToken(w, r)
			if err != nil {
				c.serverError(w, r, err)
				return
			}
			v.CSRF = tok
		}
	}
	if v.Notice == "" {
		v.Notice = notices[r.URL.Query().Get("hinweis")]
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		c.serverError(w, r, fmt.Errorf("render %s: %w", page, err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// errorData fills the error page.
type errorData struct {
	Heading string
	Text    string
	Back    string // link target, "" for none
	BackTo  string // link text
}

func (c *Console) errorPage(w http.ResponseWriter, r *http.Request, status int, title string, d errorData) {
	v := &view{Title: title, Data: d}
	if t, err := c.pages["fehler"].template(); err == nil {
		var buf bytes.Buffer
		if v.User = userFrom(r); v.User != nil {
			v.CSRF = c.auth.CSRFToken(r)
			v.Menu = c.menuFor(authz.PrincipalFrom(r.Context()))
		}
		if err := t.ExecuteTemplate(&buf, "layout", v); err == nil {
			h := w.Header()
			h.Set("Content-Type", "text/html; charset=utf-8")
			h.Set("Cache-Control", "no-store")
			w.WriteHeader(status)
			_, _ = w.Write(buf.Bytes())
			return
		}
	}
	http.Error(w, d.Heading+" "+d.Text, status)
}

func (c *Console) notFound(w http.ResponseWriter, r *http.Request) {
	c.errorPage(w, r, http.StatusNotFound, "Seite nicht gefunden", errorData{
		Heading: "Seite nicht gefunden",
		Text:    "Diese Seite gibt es nicht, oder sie liegt außerhalb Ihres Bereichs. Bitte prüfen Sie die Adresse.",
		Back:    "/admin/", BackTo: "Zur Übersicht",
	})
}

func (c *Console) forbidden(w http.ResponseWriter, r *http.Request, text string) {
	if text == "" {
		text = "Für diese Seite oder Aktion fehlt Ihnen die Berechtigung. Wenden Sie sich bei Bedarf an die Administration Ihrer Körperschaft."
	}
	c.errorPage(w, r, http.StatusForbidden, "Keine Berechtigung", errorData{
		Heading: "Keine Berechtigung", Text: text, Back: "/admin/", BackTo: "Zur Übersicht",
	})
}

// serverError logs err and answers 503 when the database is unreachable,
// 500 otherwise.
func (c *Console) serverError(w http.ResponseWriter, r *http.Request, err error) {
	ref := web.RequestIDFrom(r.Context())
	if api.Unavailable(err) {
		c.logger.WarnContext(r.Context(), "console: database unavailable", "err", err, "request_id", ref)
		c.errorPage(w, r, http.StatusServiceUnavailable, "Vorübergehend nicht erreichbar", errorData{
			Heading: "Vorübergehend nicht erreichbar",
			Text:    "Der Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Minuten noch einmal.",
		})
		return
	}
	c.logger.ErrorContext(r.Context(), "console: request failed", "err", err, "path", web.LogPath(r), "request_id", ref)
	text := "Bei der Bearbeitung ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut."
	if ref != "" {
		text += " Vorgangsnummer: " + ref
	}
	c.errorPage(w, r, http.StatusInternalServerError, "Interner Fehler", errorData{
		Heading: "Interner Fehler", Text: text, Back: "/admin/", BackTo: "Zur Übersicht",
	})
}

// notices are the confirmations a redirect after a successful POST names
// with ?hinweis=; only these fixed texts are ever shown.
var notices = map[string]string{
	"abgemeldet":     "Sie haben sich abgemeldet.",
	"gespeichert":    "Die Änderungen wurden gespeichert.",
	"angelegt":       "Die Körperschaft wurde angelegt.",
	"eingeladen":     "Die Einladung wurde angelegt; die E-Mail dazu steht im Postausgang.",
	"zurueckgezogen": "Die Einladung wurde zurückgezogen.",
	"rolle":          "Die Rolle wurde geändert.",
	"aktiviert":      "Das Konto wurde aktiviert.",
	"deaktiviert":    "Das Konto wurde deaktiviert; alle seine Sitzungen sind beendet.",
	"entfernt":       "Die Person wurde aus der Körperschaft entfernt.",
	"widerrufen":     "Das API-Token wurde widerrufen.",
	"erneut":         "Die E-Mail steht wieder in der Warteschlange und wird gleich erneut versendet.",
	"erneut-buerger": "Die fehlgeschlagenen E-Mails dieser Vorlage stehen wieder in der Warteschlange.",
	"gestartet":      "Die Aufgabe wurde ausgeführt.",
	"passwort":       "Ihr Passwort wurde geändert. Andere Sitzungen Ihres Kontos wurden beendet.",

	// After the confirmation step of members.go chose to revoke tokens.
	"entfernt-widerrufen":    "Die Person wurde aus der Körperschaft entfernt; die API-Token, die sie erzeugt hatte, sind widerrufen.",
	"deaktiviert-widerrufen": "Das Konto wurde deaktiviert; alle seine Sitzungen sind beendet und die API-Token, die es erzeugt hatte, widerrufen.",
}

// seeOther redirects after a POST, naming a notice for the next page.
func seeOther(w http.ResponseWriter, r *http.Request, target, notice string) {
	if notice != "" {
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + "hinweis=" + notice
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// funcs are the template functions. They are fixed at start and never
// depend on the request.
func (c *Console) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": c.assets.Path,
		"time":  c.formatTime,
		"day":   c.formatDay,
		"dict":  dict,
		"inc":   func(i int) int { return i + 1 },
		// minPassword is the shortest password the store accepts.
		"minPassword": func() int { return tenant.MinPasswordLen },
	}
}

// formatTime shows a time in German local time, "02.01.2006 15:04"; a nil
// or zero time is "–".
func (c *Console) formatTime(v any) string {
	t, ok := timeOf(v)
	if !ok {
		return "–"
	}
	return t.In(c.loc).Format("02.01.2006 15:04")
}

// formatDay shows a date, "02.01.2006".
func (c *Console) formatDay(v any) string {
	t, ok := timeOf(v)
	if !ok {
		return "–"
	}
	return t.In(c.loc).Format("02.01.2006")
}

func timeOf(v any) (time.Time, bool) {
	switch t := v.(type) {
	case time.Time:
		return t, !t.IsZero()
	case *time.Time:
		if t == nil || t.IsZero() {
			return time.Time{}, false
		}
		return *t, true
	}
	return time.Time{}, false
}

// dict builds a map from key/value pairs, to hand several values to a
// shared template part.
func dict(kv ...any) (map[string]any, error) {
	if len(kv)%2 != 0 {
		return nil, errors.New("dict: odd number of arguments")
	}
	m := make(map[string]any, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		k, ok := kv[i].(string)
		if !ok {
			return nil, fmt.Errorf("dict: key %v is not a string", kv[i])
		}
		m[k] = kv[i+1]
	}
	return m, nil
}
