package ui

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

	"sozialplattform/tenant"
	"sozialplattform/tenant/api"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/clock"
	"sozialplattform/tenant/jobs"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/web"
)

// Deps are what the console's shell needs from the rest of the platform.
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
	// Demo says the instance runs with --demo. With NoSMTP it opens the
	// demo mailbox (/demo/postfach): nobody could read the demo's mails
	// otherwise.
	Demo bool
}

// Shell is what every page package of the console stands on: the
// platform's stores and access checks, the page sets, rendering, the
// navigation and the error pages. Page packages embed it.
type Shell struct {
	Store   *tenant.Store
	Authz   *authz.Authorizer
	Auth    *authz.Authenticator
	Outbox  *mail.Outbox   // nil: no Postausgang
	Jobs    *jobs.Registry // nil: no Aufgaben page
	Assets  *web.Assets
	Logger  *slog.Logger
	BaseURL string
	NoSMTP  bool
	Demo    bool
	Loc     *time.Location // Europe/Berlin, for dates on pages
	forms   *web.FormTokens
	pages   map[string]*page
	tasks   []TaskSource // the start page's work lists (AddTasks)

	// Applications is set when the applications' pages are served: the
	// menu names them only then.
	Applications bool
}

//go:embed templates
var templateFS embed.FS

// New parses the shell's templates (layout, shared parts, error page) and
// returns the shell. Store, Authz, Auth and Assets are required.
func New(d Deps) (*Shell, error) {
	if d.Store == nil || d.Authz == nil || d.Auth == nil || d.Assets == nil {
		return nil, errors.New("admin: Store, Authz, Auth and Assets are required")
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	loc := clock.Berlin()
	var err error
	if d.FormTokens == nil {
		if d.FormTokens, err = web.NewFormTokens(nil, false); err != nil {
			return nil, err
		}
	}
	c := &Shell{Store: d.Store, Authz: d.Authz, Auth: d.Auth, Outbox: d.Outbox, Jobs: d.Jobs, Assets: d.Assets,
		Logger: d.Logger, BaseURL: strings.TrimRight(d.BaseURL, "/"), NoSMTP: d.NoSMTP, Demo: d.Demo, forms: d.FormTokens, Loc: loc}
	if c.pages, err = c.parseTemplates(); err != nil {
		return nil, err
	}
	return c, nil
}

// parseTemplates parses the layout and the shared form parts once, then
// clones that set for every page and adds the page to its clone. Requests
// only execute the finished sets; nothing is changed per request. The
// shell's own page is the error page; the page packages add theirs with
// AddPages.
func (c *Shell) parseTemplates() (map[string]*page, error) {
	base, err := c.base(nil)
	if err != nil {
		return nil, fmt.Errorf("admin templates: %w", err)
	}
	return parsePages(base, templateFS, "templates/pages/*.html", "")
}

// base parses the layout and the shared parts with the shell's template
// functions and a page package's own.
func (c *Shell) base(funcs template.FuncMap) (*template.Template, error) {
	return template.New("layout").Funcs(c.Funcs()).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/parts.html")
}

// AddPages adds a page package's pages: every file of fsys matching
// pattern, named prefix + file name, each in its own clone of the layout,
// the shared parts and the package's parts (files of fsys), with the
// shell's template functions and funcs. A page name given twice is an
// error. Call it at start, before serving.
func (c *Shell) AddPages(fsys fs.FS, funcs template.FuncMap, parts []string, pattern, prefix string) error {
	base, err := c.base(funcs)
	if err == nil && len(parts) > 0 {
		base, err = base.ParseFS(fsys, parts...)
	}
	if err != nil {
		return fmt.Errorf("admin templates %s: %w", pattern, err)
	}
	pages, err := parsePages(base, fsys, pattern, prefix)
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

// parsePages prepares every page file matching pattern, named prefix +
// file name, in its own clone of base (the layout and the shared parts).
// Each page is parsed now, so that a broken template stops the start, but
// kept only from its first use: a clone holds a copy of the whole layout,
// and an instance need not hold the ~90 pages nobody opened (idle memory,
// issue 9). Nothing is changed per request.
//
// The check at start parses the pages one after the other into a single
// clone, which is dropped again: parsing finds the same errors there
// (syntax, unknown functions; a page may redefine what another defined),
// without copying the layout once per page – that copy was most of the
// console's start-up work.
func parsePages(base *template.Template, fsys fs.FS, pattern, prefix string) (map[string]*page, error) {
	files, err := fs.Glob(fsys, pattern)
	if err != nil {
		return nil, fmt.Errorf("admin templates %s: %w", pattern, err)
	}
	check, err := base.Clone()
	if err != nil {
		return nil, fmt.Errorf("admin templates %s: %w", pattern, err)
	}
	pages := make(map[string]*page, len(files))
	for _, f := range files {
		if _, err := check.ParseFS(fsys, f); err != nil {
			return nil, fmt.Errorf("admin template %s: %w", f, err)
		}
		pages[prefix+strings.TrimSuffix(path.Base(f), ".html")] = &page{base: base, fsys: fsys, file: f}
	}
	return pages, nil
}

// page is a console page, built on first use.
type page struct {
	base *template.Template
	fsys fs.FS
	file string
	once sync.Once
	t    *template.Template
	err  error
}

func (p *page) template() (*template.Template, error) {
	if p == nil {
		return nil, errors.New("admin: no such page")
	}
	p.once.Do(func() { p.t, p.err = buildPage(p.base, p.fsys, p.file) })
	return p.t, p.err
}

func buildPage(base *template.Template, fsys fs.FS, file string) (*template.Template, error) {
	t, err := base.Clone()
	if err == nil {
		t, err = t.ParseFS(fsys, file)
	}
	if err != nil {
		return nil, fmt.Errorf("admin template %s: %w", file, err)
	}
	return t, nil
}

// View is what every page template gets: the layout's fields plus the
// page's own Data.
type View struct {
	Title  string       // page title; the layout adds " – Sozialplattform Konsole"
	Nav    string       // key of the current navigation item
	User   *tenant.User // nil before login
	Menu   Menu
	CSRF   string
	Notice string // confirmation of the last action (from ?hinweis=)
	Data   any
}

// Menu says which navigation items the user may see.
type Menu struct {
	Audit, Mail, Jobs                                   bool
	Marketplace, Onboarding, Rollout, Delivery, Centres bool
	Applications                                        bool
}

// Objects whose rights open the domains' sections of the navigation. They
// are the domains' own authz object names.
const (
	navCart    = "cart"
	navProduct = "product"
	navCase    = "onboarding-case"
	navRollout = "rollout"
	// navRolloutOverview is the municipalities' read-only Umsetzungsstand.
	navRolloutOverview = "rollout-overview"
	navDelivery        = "delivery"
	navCentre          = "counselling-centre"
	// The applications' objects (portal/forms): municipal staff read the
	// applications, the ministry the counts.
	navApplication      = "application"
	navApplicationStats = "application-stats"
)

func (c *Shell) MenuFor(p authz.Principal) Menu {
	allowed := func(obj, act string) bool { return c.Authz.AllowedAnywhere(p, obj, act) }
	return Menu{
		Audit:        allowed(authz.ObjAudit, authz.Read),
		Mail:         c.Outbox != nil && allowed(authz.ObjMail, authz.Read),
		Jobs:         c.Jobs != nil && allowed(authz.ObjJob, authz.Read),
		Marketplace:  allowed(navCart, authz.Read) || allowed(navProduct, authz.Update),
		Onboarding:   allowed(navCase, authz.Read),
		Rollout:      allowed(navRollout, authz.Read) || allowed(navRolloutOverview, authz.Read),
		Delivery:     allowed(navDelivery, authz.Read),
		Centres:      allowed(navCentre, authz.Read),
		Applications: c.Applications && (allowed(navApplication, authz.Read) || allowed(navApplicationStats, authz.Read)),
	}
}

// Render executes page into a buffer and writes it with status; a template
// error becomes a 500 page instead of half a page.
func (c *Shell) Render(w http.ResponseWriter, r *http.Request, status int, page string, v *View) {
	pg, ok := c.pages[page]
	if !ok {
		c.ServerError(w, r, fmt.Errorf("admin: no template %q", page))
		return
	}
	t, err := pg.template()
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	if v.User == nil {
		v.User = UserFrom(r)
	}
	if v.User != nil {
		v.Menu = c.MenuFor(authz.PrincipalFrom(r.Context()))
		if v.CSRF == "" {
			tok, err := c.FormToken(w, r)
			if err != nil {
				c.ServerError(w, r, err)
				return
			}
			v.CSRF = tok
		}
	}
	if v.Notice == "" {
		v.Notice = Notice(r, "")
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		c.ServerError(w, r, fmt.Errorf("render %s: %w", page, err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// DemoMailbox reports whether the demo mailbox is served: only in the demo
// (--demo) without a mail server, where the mails' links reach nobody
// otherwise. With a mail server or outside the demo it does not exist.
func (c *Shell) DemoMailbox() bool { return c.Demo && c.NoSMTP && c.Outbox != nil }

// ErrorData fills the error page.
type ErrorData struct {
	Heading string
	Text    string
	Back    string // link target, "" for none
	BackTo  string // link text
}

func (c *Shell) ErrorPage(w http.ResponseWriter, r *http.Request, status int, title string, d ErrorData) {
	v := &View{Title: title, Data: d}
	if t, err := c.pages["fehler"].template(); err == nil {
		var buf bytes.Buffer
		if v.User = UserFrom(r); v.User != nil {
			v.CSRF = c.Auth.CSRFToken(r)
			v.Menu = c.MenuFor(authz.PrincipalFrom(r.Context()))
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

func (c *Shell) NotFound(w http.ResponseWriter, r *http.Request) {
	c.ErrorPage(w, r, http.StatusNotFound, "Seite nicht gefunden", ErrorData{
		Heading: "Seite nicht gefunden",
		Text:    "Diese Seite gibt es nicht, oder sie liegt außerhalb Ihres Bereichs. Bitte prüfen Sie die Adresse.",
		Back:    "/admin/", BackTo: "Zur Übersicht",
	})
}

func (c *Shell) Forbidden(w http.ResponseWriter, r *http.Request, text string) {
	if text == "" {
		text = "Für diese Seite oder Aktion fehlt Ihnen die Berechtigung. Wenden Sie sich bei Bedarf an die Administration Ihrer Körperschaft."
	}
	c.ErrorPage(w, r, http.StatusForbidden, "Keine Berechtigung", ErrorData{
		Heading: "Keine Berechtigung", Text: text, Back: "/admin/", BackTo: "Zur Übersicht",
	})
}

// ServerError logs err and answers 503 when the database is unreachable,
// 500 otherwise.
func (c *Shell) ServerError(w http.ResponseWriter, r *http.Request, err error) {
	ref := web.RequestIDFrom(r.Context())
	if api.Unavailable(err) {
		c.Logger.WarnContext(r.Context(), "console: database unavailable", "err", err, "request_id", ref)
		c.ErrorPage(w, r, http.StatusServiceUnavailable, "Vorübergehend nicht erreichbar", ErrorData{
			Heading: "Vorübergehend nicht erreichbar",
			Text:    "Der Dienst ist gerade nicht erreichbar. Bitte versuchen Sie es in einigen Minuten noch einmal.",
		})
		return
	}
	c.Logger.ErrorContext(r.Context(), "console: request failed", "err", err, "path", web.LogPath(r), "request_id", ref)
	text := "Bei der Bearbeitung ist ein Fehler aufgetreten. Bitte versuchen Sie es später erneut."
	if ref != "" {
		text += " Vorgangsnummer: " + ref
	}
	c.ErrorPage(w, r, http.StatusInternalServerError, "Interner Fehler", ErrorData{
		Heading: "Interner Fehler", Text: text, Back: "/admin/", BackTo: "Zur Übersicht",
	})
}

// SeeOther redirects after a POST, naming a notice for the next page. A
// fragment of target (#produkt-SW10186) stays at the end, so that the
// browser returns to the element the action was on.
func SeeOther(w http.ResponseWriter, r *http.Request, target, notice string) {
	if notice != "" {
		target, fragment, hasFragment := strings.Cut(target, "#")
		sep := "?"
		if strings.Contains(target, "?") {
			sep = "&"
		}
		target += sep + "hinweis=" + notice
		if hasFragment {
			target += "#" + fragment
		}
		http.Redirect(w, r, target, http.StatusSeeOther)
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// Funcs are the template functions. They are fixed at start and never
// depend on the request.
func (c *Shell) Funcs() template.FuncMap {
	return template.FuncMap{
		"asset": c.Assets.Path,
		"time":  c.FormatTime,
		"day":   c.FormatDay,
		"dict":  web.Dict,
		"inc":   func(i int) int { return i + 1 },
		// minPassword is the shortest password the store accepts.
		"minPassword": func() int { return tenant.MinPasswordLen },
	}
}

// FormatTime shows a time in German local time, "02.01.2006 15:04"; a nil
// or zero time is "–".
func (c *Shell) FormatTime(v any) string {
	t, ok := TimeOf(v)
	if !ok {
		return "–"
	}
	return t.In(c.Loc).Format("02.01.2006 15:04")
}

// FormatDay shows a date, "02.01.2006".
func (c *Shell) FormatDay(v any) string {
	t, ok := TimeOf(v)
	if !ok {
		return "–"
	}
	return t.In(c.Loc).Format("02.01.2006")
}

func TimeOf(v any) (time.Time, bool) {
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
