package www

import (
	"bytes"
	"context"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"errors"
	"fmt"
	"hash/maphash"
	"html/template"
	"io/fs"
	"log/slog"
	"net/http"
	"path"
	"regexp"
	"slices"
	"strings"
	"sync"
	"time"

	"sozialplattform/migrations"
	"sozialplattform/portal/finder"
	"sozialplattform/portal/gazetteer"
	"sozialplattform/portal/site"
	"sozialplattform/tenant"
	"sozialplattform/tenant/clock"
	"sozialplattform/tenant/mail"
	"sozialplattform/tenant/web"
)

// Services tells which Antragsstrecken a municipality runs live on the
// platform. Onboarding implements it; a nil Services means none is live.
type Services interface {
	LiveAntragsstrecken(ctx context.Context, tenantID string) ([]string, error)
}

// Names is an optional extension of Services: the names of the
// Antragsstrecken ("hzl" → "HzL 1.0").
type Names interface {
	Antragsstrecken(ctx context.Context) (map[string]string, error)
}

// Delegations is an optional extension of Services: the Antragsstrecken
// that the Gemeinden of the Kreis with the given Kreisschlüssel run
// themselves (by law or because the Landkreis delegated them). For all
// others the Landkreis or kreisfreie Stadt is responsible, which is all
// of them without this extension.
type Delegations interface {
	GemeindeAntragsstrecken(ctx context.Context, kreisKey string) ([]string, error)
}

// Deps are what the portal needs from the platform.
type Deps struct {
	DB       *migrations.DB
	Store    *tenant.Store
	Sessions *tenant.SessionStore
	Outbox   *mail.Outbox
	Assets   *web.Assets // KERN UX and the platform's app.css
	Services Services
	Logger   *slog.Logger
	// LandKey is the official key of the Land whose tenant runs the
	// portal's start page and receives feedback of tenants without a
	// mailbox (default "15", Sachsen-Anhalt).
	LandKey string
	// Secure marks cookies Secure (the site runs on https).
	Secure bool
	// CookieKey (32 bytes) seals the cookie with the finder's answers.
	// Every instance must have the same key; empty means a random key for
	// this process (tests, development).
	CookieKey []byte
	// FormTokens sign the form tokens of pages before login (a cookie, no
	// session row); nil makes them with a key for this process (tests).
	FormTokens *web.FormTokens
	// Now is the clock of the finder (default time.Now).
	Now func() time.Time
}

// Portal serves the citizen portal.
type Portal struct {
	db        *migrations.DB
	store     *tenant.Store
	site      *site.Store
	sessions  *tenant.SessionStore
	outbox    *mail.Outbox
	assets    *web.Assets
	own       *staticFiles
	services  Services
	logger    *slog.Logger
	landKey   string
	secure    bool
	now       func() time.Time
	rules     *finder.Rules
	places    *gazetteer.Gazetteer
	cats      map[string]*Catalogue
	content   *contentSet
	pages     *pageSets
	loc       *time.Location
	mux       *http.ServeMux
	tenantMux *http.ServeMux    // the route table of a site (routes.go), built by Register
	apps      *applications     // nil until RegisterApplications
	counsel   *counsellingPages // nil until RegisterCounselling
	cache     *pageCache
	cards     *cardCache
	results   *pageCache // rendered finder result pages by what they show (see finderResult)
	sealer    *cookieSealer
	forms     *web.FormTokens
	keySeeds  [2]maphash.Seed // for the keys of kept result pages
	buffers   sync.Pool       // of *bytes.Buffer, for writing kept result pages
	sites     *siteCache
	lives     *liveCache
	levels    *liveCache // Antragsstrecken of the Gemeinden, by Kreisschlüssel
}

//go:embed templates content static mailtemplates
var files embed.FS

// MailTemplates is the folder of the portal's mail templates, for
// mail.OutboxOptions.Templates.
func MailTemplates() fs.FS { return mail.Templates(files) }

// New loads rules, catalogues, content and templates and checks that they
// fit together: a rule naming an unknown question, a text key missing in
// a catalogue or a broken template stops the start.
func New(d Deps) (*Portal, error) {
	if d.DB == nil || d.Store == nil || d.Sessions == nil || d.Assets == nil {
		return nil, errors.New("portal: DB, Store, Sessions and Assets are required")
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.LandKey == "" {
		d.LandKey = "15"
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	p := &Portal{db: d.DB, store: d.Store, site: site.NewStore(d.DB), sessions: d.Sessions, outbox: d.Outbox,
		assets: d.Assets, services: d.Services, logger: d.Logger, landKey: d.LandKey, secure: d.Secure, now: d.Now}
	p.loc = clock.Berlin()
	var err error
	if p.rules, err = finder.Load(); err != nil {
		return nil, fmt.Errorf("portal: %w", err)
	}
	if p.places, err = gazetteer.Default(); err != nil {
		return nil, fmt.Errorf("portal: %w", err)
	}
	if p.cats, err = loadCatalogues(); err != nil {
		return nil, err
	}
	for _, key := range p.rules.TextKeys() {
		for _, l := range Languages {
			if !p.cats[l.Code].Has(key) {
				return nil, fmt.Errorf("portal: message %q of the finder rules is missing in %s", key, l.Code)
			}
		}
	}
	if p.content, err = loadContent(files); err != nil {
		return nil, err
	}
	for _, s := range site.Services {
		if _, _, ok := p.content.service("de", s.Key); !ok {
			return nil, fmt.Errorf("portal: no German content for service %s", s.Key)
		}
	}
	if p.own, err = newStaticFiles(files, "static"); err != nil {
		return nil, err
	}
	p.pages = newPageSets()
	if err := p.addPages(p.pages, "templates/pages/*.html", "", nil); err != nil {
		return nil, err
	}
	p.cache = newPageCache(time.Now)
	p.cards = newCardCache()
	p.results = newPageCache(time.Now)
	p.keySeeds = [2]maphash.Seed{maphash.MakeSeed(), maphash.MakeSeed()}
	p.results.max = resultCacheMax
	if p.sealer, err = newCookieSealer(d.CookieKey); err != nil {
		return nil, err
	}
	if p.forms = d.FormTokens; p.forms == nil {
		if p.forms, err = web.NewFormTokens(nil, d.Secure); err != nil {
			return nil, err
		}
	}
	p.sites = newSiteCache(time.Now)
	p.lives = newLiveCache(time.Now)
	p.levels = newLiveCache(time.Now)
	p.routes()
	p.buildTable()
	return p, nil
}

// Register adds the portal to mux: its own static files and everything
// no other route claims ("/" is the least specific pattern).
func (p *Portal) Register(mux *http.ServeMux) {
	mux.Handle("GET "+StaticPrefix, p.Static())
	mux.Handle("/", p.Sites())
}

// Static serves the portal's own static files below StaticPrefix.
func (p *Portal) Static() http.Handler { return p.own }

// Sites serves every site of the portal: it resolves language and site
// and dispatches to the route table (routes.go).
func (p *Portal) Sites() http.Handler { return p.mux }

// Handler returns the portal's routes alone (for tests and benchmarks).
func (p *Portal) Handler() http.Handler {
	mux := http.NewServeMux()
	p.Register(mux)
	return mux
}

// addPages registers a group of pages with sets (see pageSets).
func (p *Portal) addPages(sets *pageSets, pattern, prefix string, parts []string) error {
	build, err := p.languagePages(pattern, prefix, parts)
	if err != nil {
		return err
	}
	return sets.add(build)
}

// templateFuncs are what every portal page may call. "t", "tf", "tfi",
// "tp" (a plural: key and count) and "money" are stand-ins here; parseLanguagePages binds them to each
// language's catalogue.
func (p *Portal) templateFuncs() template.FuncMap {
	return template.FuncMap{
		"asset":    p.assets.Path,
		"own":      p.own.Path,
		"t":        func(string) string { return "" },
		"tf":       func(string, ...any) string { return "" },
		"tfi":      func(string, ...any) template.HTML { return "" },
		"tp":       func(string, int, ...any) string { return "" },
		"money":    func(float64) string { return "" },
		"join":     strings.Join,
		"contains": strings.Contains,
		"inc":      func(i int) int { return i + 1 },
		"dict":     web.Dict,
		"list":     func(s ...string) []string { return s },
		"rklabel":  site.RechtskreisLabel,
		"lines":    func(s string) []string { return strings.Split(strings.TrimSpace(s), "\n") },
		"anchor":   func(path string) string { return "f-" + strings.ReplaceAll(path, ".", "-") },
	}
}

// languagePages returns a builder that sets every page matching pattern
// (except the shared part files, which go into the base) in the portal's
// layout for a language, named prefix + file name. Layout and parts are
// parsed once; each language clones them and binds its text functions.
// Pages are finished when built; nothing is changed per request
// (Miniflux's lesson).
func (p *Portal) languagePages(pattern, prefix string, parts []string) (pageBuilder, error) {
	base, err := template.New("layout").Funcs(p.templateFuncs()).
		ParseFS(files, append([]string{"templates/layout.html", "templates/parts.html"}, parts...)...)
	if err != nil {
		return nil, fmt.Errorf("portal templates %s: %w", pattern, err)
	}
	pageFiles, err := fs.Glob(files, pattern)
	if err != nil {
		return nil, fmt.Errorf("portal templates %s: %w", pattern, err)
	}
	pageFiles = slices.DeleteFunc(pageFiles, func(f string) bool { return slices.Contains(parts, f) })
	return func(lang string) (map[string]*template.Template, error) {
		cat := p.cats[lang]
		byPage := map[string]*template.Template{}
		for _, f := range pageFiles {
			t, err := base.Clone()
			if err == nil {
				t.Funcs(template.FuncMap{"t": cat.T, "tf": cat.Tf, "tfi": cat.TfIsolated, "tp": cat.Plural, "money": cat.Money})
				t, err = t.ParseFS(files, f)
			}
			if err != nil {
				return nil, fmt.Errorf("portal template %s: %w", f, err)
			}
			byPage[prefix+strings.TrimSuffix(path.Base(f), ".html")] = t
		}
		return byPage, nil
	}, nil
}

// siteView is the tenant whose portal a page belongs to: a municipality
// under /{slug}/, or the Land at the root.
type siteView struct {
	Tenant   *tenant.Tenant
	Settings site.Settings
	Prefix   string // "" for the Land's site at the root, "/landkreis-harz" otherwise
	Local    bool   // a municipality's site (not the Land's)
}

// Home is the site's start page.
func (s siteView) Home() string { return s.Prefix + "/" }

// BrandCSS is the URL of the tenant's colour stylesheet.
func (s siteView) BrandCSS() string {
	return "/" + s.Tenant.Slug + "/marke.css?v=" + brandVersion(s.Settings)
}

// LogoURL is the URL of the tenant's logo, "" without one.
func (s siteView) LogoURL() string {
	if s.Settings.LogoHash == "" {
		return ""
	}
	return "/" + s.Tenant.Slug + "/logo.png?v=" + s.Settings.LogoHash[:12]
}

// view is what every page template gets.
type view struct {
	Lang     Language
	Title    string
	Site     siteView
	Path     string // the page's path, for the language switch
	Query    string // further query parameters to keep on a language switch
	CSRF     string
	Fallback bool // content shown in German because the language has none
	Nav      string
	Data     any
	// Account is the Servicekonto entry of the header; nil while the
	// portal has no accounts.
	Account *accountNav
}

// accountNav is the Servicekonto entry of the header. Pages the same for
// everyone (cached) cannot know the visitor: they link "Mein
// Servicekonto" and "Meine Anträge", which lead through the login when
// needed. Personal pages know: they offer the login, or the account with
// the logout.
type accountNav struct {
	Base     string // "/{slug}/servicekonto"
	Known    bool   // the page knows whether someone is logged in
	LoggedIn bool
	Login    string // the login, back to this page afterwards
}

// LangURL is the current page in another language.
func (v *view) LangURL(code string) string {
	q := "lang=" + code
	if v.Query != "" {
		q = v.Query + "&" + q
	}
	return v.Path + "?" + q
}

// Langs lists the languages for the switch.
func (v *view) Langs() []Language { return Languages }

// caching says how a page may be cached.
type caching int

const (
	// revalidate: the same for everyone with this language; sent with an
	// ETag and answered 304 when unchanged.
	revalidate caching = iota
	// private: personal content (finder answers, a form token): never stored.
	private
)

// render executes a page into a buffer and writes it. A template error
// becomes a 500 page instead of half a page.
func (p *Portal) render(w http.ResponseWriter, r *http.Request, status int, page string, v *view, c caching) {
	if v.Path == "" {
		v.Path = r.URL.Path
	}
	body, err := p.renderBytes(page, v)
	if err != nil {
		p.serverError(w, r, v, err)
		return
	}
	buf := bytes.NewBuffer(body)
	setPageHeaders(w, v.Lang.Code)
	h := w.Header()
	if c == private || status != http.StatusOK {
		h.Set("Cache-Control", "no-store")
		w.WriteHeader(status)
		_, _ = w.Write(buf.Bytes())
		return
	}
	sum := sha256.Sum256(buf.Bytes())
	etag := `"` + hex.EncodeToString(sum[:12]) + `"`
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", etag)
	if st := stateFrom(r); st != nil && st.cacheKey != "" {
		p.cache.put(st.cacheKey, cachedPage{body: buf.Bytes(), etag: etag, lang: v.Lang.Code})
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatch(inm, etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.WriteHeader(status)
	if r.Method != http.MethodHead {
		_, _ = w.Write(buf.Bytes())
	}
}

// renderBytes executes a page's layout with v.
func (p *Portal) renderBytes(page string, v *view) ([]byte, error) {
	t, err := p.pages.page(v.Lang.Code, page)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		return nil, fmt.Errorf("render %s: %w", page, err)
	}
	return buf.Bytes(), nil
}

// setPageHeaders sets the headers every HTML page has.
func setPageHeaders(w http.ResponseWriter, lang string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", lang)
	h.Set("Vary", "Accept-Language, Cookie")
}

func etagMatch(header, etag string) bool {
	for part := range strings.SplitSeq(header, ",") {
		part = strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if part == etag || part == "*" {
			return true
		}
	}
	return false
}

// errorData fills the error page.
type errorData struct {
	Heading, Text string
}

// notFound answers 404 with a page in the request's language.
func (p *Portal) notFound(w http.ResponseWriter, r *http.Request, v *view) {
	if strings.HasPrefix(r.URL.Path, "/api/") {
		w.Header().Set("Content-Type", "application/problem+json")
		w.WriteHeader(http.StatusNotFound)
		_, _ = w.Write([]byte(`{"title":"Not Found","status":404,"detail":"Diese Adresse gibt es nicht."}`))
		return
	}
	cat := p.cats[v.Lang.Code]
	v.Title = cat.T("error.notfound.title")
	v.Data = errorData{Heading: cat.T("error.notfound.title"), Text: cat.T("error.notfound.text")}
	p.render(w, r, http.StatusNotFound, "fehler", v, private)
}

// serverError logs err and answers 500 (503 when the database is away).
func (p *Portal) serverError(w http.ResponseWriter, r *http.Request, v *view, err error) {
	ref := web.RequestIDFrom(r.Context())
	p.logger.ErrorContext(r.Context(), "portal: request failed", "err", err, "path", web.LogPath(r), "request_id", ref)
	status := http.StatusInternalServerError
	cat := p.cats[v.Lang.Code]
	text := cat.T("error.internal.text")
	if ref != "" {
		text += " " + cat.Tf("error.reference", ref)
	}
	v.Title = cat.T("error.internal.title")
	v.Data = errorData{Heading: v.Title, Text: text}
	if t, err := p.pages.page(v.Lang.Code, "fehler"); err == nil && v.Site.Tenant != nil {
		var buf bytes.Buffer
		if t.ExecuteTemplate(&buf, "layout", v) == nil {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-store")
			w.WriteHeader(status)
			_, _ = w.Write(buf.Bytes())
			return
		}
	}
	http.Error(w, v.Title, status)
}

// slugPattern is what a tenant slug looks like; anything else is 404
// without asking the database.
var slugPattern = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// reservedSlugs are first path segments that never name a tenant.
var reservedSlugs = []string{"admin", "api", "static", "healthz", "readyz", "metrics"}

// landSite returns the site of the Land (the root of the portal).
func (p *Portal) landSite(ctx context.Context) (siteView, error) {
	if sv, ok, found := p.sites.get("land:" + p.landKey); found && ok {
		return sv, nil
	}
	sv, err := p.loadLandSite(ctx)
	if err == nil {
		p.sites.put("land:"+p.landKey, sv, true)
	}
	return sv, err
}

func (p *Portal) loadLandSite(ctx context.Context) (siteView, error) {
	t, err := p.store.ResolveTenant(ctx, p.landKey)
	if err != nil {
		return siteView{}, fmt.Errorf("land tenant %s: %w", p.landKey, err)
	}
	set, err := p.site.Settings(ctx, t.ID)
	if err != nil {
		return siteView{}, err
	}
	return siteView{Tenant: t, Settings: set}, nil
}

// tenantSite resolves a slug to a municipality's site; false when the
// slug names no active tenant with a portal. Sites are kept for a few
// seconds (siteCacheTTL), as tenants and their settings change rarely.
func (p *Portal) tenantSite(ctx context.Context, slug string) (siteView, bool, error) {
	if len(slug) > 64 || !slugPattern.MatchString(slug) || slices.Contains(reservedSlugs, slug) {
		return siteView{}, false, nil
	}
	if sv, ok, found := p.sites.get("slug:" + slug); found {
		return sv, ok, nil
	}
	sv, ok, err := p.loadTenantSite(ctx, slug)
	if err == nil {
		p.sites.put("slug:"+slug, sv, ok)
	}
	return sv, ok, err
}

func (p *Portal) loadTenantSite(ctx context.Context, slug string) (siteView, bool, error) {
	t, err := p.store.ResolveTenant(ctx, slug)
	if errors.Is(err, tenant.ErrNotFound) {
		return siteView{}, false, nil
	}
	if err != nil {
		return siteView{}, false, err
	}
	if t.Slug != slug || !t.Active || t.Kind == tenant.KindOrganisation {
		return siteView{}, false, nil
	}
	set, err := p.site.Settings(ctx, t.ID)
	if err != nil {
		return siteView{}, false, err
	}
	sv := siteView{Tenant: t, Settings: set, Prefix: "/" + t.Slug, Local: t.Kind != tenant.KindLand}
	if t.Kind == tenant.KindLand {
		sv.Prefix = ""
	}
	return sv, true, nil
}

// chain returns the tenant's ID and those of every tenant above it.
func (p *Portal) chain(ctx context.Context, t *tenant.Tenant) ([]string, error) {
	ids := []string{t.ID}
	cur := t
	for cur.Parent() != "" && len(ids) < 8 {
		parent, err := p.store.GetTenant(ctx, cur.Parent())
		if err != nil {
			return nil, fmt.Errorf("parent of %s: %w", cur.ID, err)
		}
		ids = append(ids, parent.ID)
		cur = parent
	}
	return ids, nil
}

// live returns the Antragsstrecken the tenant runs live.
func (p *Portal) live(ctx context.Context, tenantID string) ([]string, error) {
	if p.services == nil {
		return nil, nil
	}
	if keys, ok := p.lives.get(tenantID); ok {
		return keys, nil
	}
	keys, err := p.services.LiveAntragsstrecken(ctx, tenantID)
	if err != nil {
		return nil, fmt.Errorf("live Antragsstrecken of %s: %w", tenantID, err)
	}
	p.lives.put(tenantID, keys)
	return keys, nil
}

// date formats a day for the page.
func (p *Portal) date(t time.Time) string { return t.In(p.loc).Format("02.01.2006") }
