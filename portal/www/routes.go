package www

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"sozialplattform/tenant/web"
)

// rootSegments are the first path segments of the Land's pages; any other
// first segment names a municipality ("/landkreis-harz/…").
var rootSegments = []string{"", "leistungen", "sozialleistungsfinder", "barrierefreiheit", "impressum",
	"datenschutz", "leichte-sprache", "gebaerdensprache", "beratung"}

// Site says where a route of the portal exists.
type Site uint8

const (
	// AllSites: at the root (the Land's site) and below every
	// municipality's slug.
	AllSites Site = iota
	// LocalSites: only below a slug ("/landkreis-harz/…", or the Land's
	// own slug for its branding).
	LocalSites
)

// Route is an entry of the portal's table: a route relative to a site
// and where it exists.
type Route struct {
	web.Route
	Site Site
}

// UploadLimit is the body limit of an upload to an application draft:
// one file of at most 10 MiB plus the form fields.
const UploadLimit = 11 << 20

// table is the portal's route table, relative to a site: every page
// exists at the root (the Land's site) unless it is LocalSites, and below
// each municipality's slug; ServeHTTP resolves the site and strips the
// slug, so one table serves both.
//
// The citizen pages check their own form tokens (in the citizen's
// language, on the citizen's site): every POST here does, before it
// changes anything; pages of the Servicekonto send a citizen without login
// to the login page of the same site.
func (p *Portal) table() []Route {
	page := func(pattern string, h http.HandlerFunc, reason string) Route {
		return Route{Route: web.Route{Method: http.MethodGet, Pattern: pattern, Handler: h, Public: true, Reason: reason}}
	}
	form := func(pattern string, h http.HandlerFunc, reason string) Route {
		return Route{Route: web.Route{Method: http.MethodPost, Pattern: pattern, Handler: h, Public: true, CSRF: web.FormToken, Reason: reason}}
	}
	local := func(r Route) Route { r.Site = LocalSites; return r }
	secret := func(r Route) Route { r.Secret = true; return r }
	citizen := func(r Route) Route {
		r.Login, r.Public, r.Access, r.Reason = web.Citizen, false, "the citizen's own drafts and applications", ""
		return r
	}
	const (
		info   = "public information of the portal"
		finder = "the Sozialleistungsfinder asks anonymously; answers stay in a sealed cookie"
	)
	routes := []Route{
		page("/{$}", p.home, info),
		page("/leistungen/{$}", p.serviceList, info),
		page("/leistungen/{service}", p.servicePage, info),
		page("/leistungen/{service}/beantragen", p.apply, info),
		page("/sozialleistungsfinder/{$}", p.finderIntro, finder),
		page("/sozialleistungsfinder/schritt/{n}", p.finderStep, finder),
		form("/sozialleistungsfinder/schritt/{n}", p.finderSubmit, finder),
		page("/sozialleistungsfinder/ergebnis", p.finderResult, finder),
		form("/sozialleistungsfinder/loeschen", p.finderClear, finder),
		page("/barrierefreiheit", p.accessibility, info),
		form("/barrierefreiheit", p.feedback, "anyone may report a barrier (BITV 2.0 feedback)"),
		page("/impressum", p.imprint, info),
		page("/datenschutz", p.privacy, info),
		page("/leichte-sprache/{$}", p.easyLanguage, info),
		page("/leichte-sprache/{page}", p.easyLanguage, info),
		page("/gebaerdensprache", p.signLanguage, info),
		// Only below a municipality (or the Land's slug for its branding).
		local(page("/marke.css", p.brandCSS, "the site's colours")),
		local(page("/logo.png", p.logo, "the site's logo")),
	}
	if a := p.apps; a != nil {
		const account = "the Servicekonto's login, registration and password pages come before any login"
		routes = append(routes,
			// The application flow behind "Antrag stellen"; a citizen
			// starts before logging in and is asked to log in on the way.
			local(page("/antrag/{strecke}", a.start, "the start page of an application explains the way before any login")),
			local(citizen(form("/antrag/{strecke}", a.create, ""))),
			local(citizen(page("/antrag/{strecke}/entwurf/{draft}", a.resume, ""))),
			local(citizen(page("/antrag/{strecke}/entwurf/{draft}/schritt/{step}", a.step, ""))),
			local(citizen(form("/antrag/{strecke}/entwurf/{draft}/schritt/{step}", a.saveStep, ""))),
			local(withLimit(citizen(form("/antrag/{strecke}/entwurf/{draft}/unterlagen", a.upload, "")), UploadLimit)),
			local(citizen(page("/antrag/{strecke}/entwurf/{draft}/unterlagen/{upload}", a.download, ""))),
			local(citizen(form("/antrag/{strecke}/entwurf/{draft}/unterlagen/{upload}/loeschen", a.removeUpload, ""))),
			local(citizen(page("/antrag/{strecke}/entwurf/{draft}/pdf", a.draftPDF, ""))),
			local(citizen(page("/antrag/{strecke}/entwurf/{draft}/absenden", a.summary, ""))),
			local(citizen(form("/antrag/{strecke}/entwurf/{draft}/absenden", a.submit, ""))),
			local(citizen(page("/antrag/{strecke}/entwurf/{draft}/loeschen", a.deleteConfirm, ""))),
			local(citizen(form("/antrag/{strecke}/entwurf/{draft}/loeschen", a.deleteDraft, ""))),
			local(citizen(page("/antrag/{strecke}/eingang/{app}", a.receipt, ""))),
			// The Servicekonto.
			local(citizen(page("/servicekonto/{$}", a.account, ""))),
			local(page("/servicekonto/anmelden", a.loginForm, account)),
			local(form("/servicekonto/anmelden", a.login, account)),
			local(page("/servicekonto/saml", a.samlStart, "starts the login at the identity provider")),
			local(form("/servicekonto/abmelden", a.logout, "logging out needs no login (an expired session ends quietly)")),
			local(page("/servicekonto/registrieren", a.registerForm, account)),
			local(form("/servicekonto/registrieren", a.register, account)),
			local(secret(page("/servicekonto/bestaetigen/{token}", a.confirmForm, "the confirmation link from the mail is the key"))),
			local(secret(form("/servicekonto/bestaetigen/{token}", a.confirm, "the confirmation link from the mail is the key"))),
			local(page("/servicekonto/passwort-vergessen", a.forgotForm, account)),
			local(form("/servicekonto/passwort-vergessen", a.forgot, account)),
			local(secret(page("/servicekonto/passwort/{token}", a.resetForm, "the password link from the mail is the key"))),
			local(secret(form("/servicekonto/passwort/{token}", a.reset, "the password link from the mail is the key"))),
			local(citizen(page("/servicekonto/antraege/{app}", a.applicationPage, ""))),
			local(citizen(page("/servicekonto/antraege/{app}/pdf", a.applicationPDF, ""))),
		)
	} else {
		routes = append(routes, local(page("/antrag/{strecke}", p.application, "placeholder until the online applications are wired")))
	}
	if c := p.counsel; c != nil {
		const booking = "citizens book appointments without an account; the booking link from the mail is the key"
		routes = append(routes,
			// The directory on every site, the Land's too (statewide).
			page("/beratung", c.search, "the public directory of Beratungsstellen"),
			page("/beratung/{id}", c.entry, "the public directory of Beratungsstellen"),
			local(page("/termine/{$}", c.calendars, "public slot calendars")),
			local(page("/termine/kalender/{cid}", c.calendar, "public slot calendars")),
			local(form("/termine/kalender/{cid}", c.book, "citizens book appointments without an account")),
			local(secret(page("/termine/buchung/{token}", c.bookingPage, booking))),
			local(secret(page("/termine/buchung/{token}/termin.ics", c.ics, booking))),
			local(secret(page("/termine/absagen/{token}", c.cancelForm, booking))),
			local(secret(form("/termine/absagen/{token}", c.cancel, booking))),
		)
	} else {
		routes = append(routes, local(page("/beratung", p.counselling, "placeholder until the directory is wired")))
	}
	// Everything else: the portal's 404 page in the citizen's language.
	return append(routes, Route{Route: web.Route{Pattern: "/", Public: true, Reason: "the portal's 404 page",
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { p.notFound(w, r, p.view(r, "")) })}})
}

func withLimit(r Route, n int64) Route { r.BodyLimit = n; return r }

// Routes is the portal's route table (see table) as a table of web
// routes, relative to a site.
func (p *Portal) Routes() []web.Route {
	var out []web.Route
	for _, r := range p.table() {
		out = append(out, r.Route)
	}
	return out
}

// ServerRoutes are the routes of the table as the server's ServeMux sees
// them: a route of every site also at the root, and each below
// "/{site}/". The server takes its body limits from them.
func (p *Portal) ServerRoutes() []web.Route {
	var out []web.Route
	for _, r := range p.table() {
		if r.Site == AllSites {
			out = append(out, r.Route)
		}
		below := r.Route
		below.Pattern = "/{site}" + r.Pattern
		out = append(out, below)
	}
	return out
}

// buildTable builds the ServeMux of a site from the table. It runs at
// start, after New and after each Register… call, before serving.
func (p *Portal) buildTable() {
	m := http.NewServeMux()
	web.Register(m, p.Routes())
	p.tenantMux = m
}

// routes sets up the portal's outer handler: every request goes through
// serve, which resolves language and site and dispatches to the table.
func (p *Portal) routes() {
	p.mux = http.NewServeMux()
	p.mux.Handle("/", http.HandlerFunc(p.serve))
}

// reqState is what ServeHTTP found out about a request.
type reqState struct {
	lang     Language
	site     siteView
	path     string // the path as requested (with the slug)
	cacheKey string // where a page the same for everyone is kept, "" for none
}

type stateKey struct{}

func stateFrom(r *http.Request) *reqState {
	st, _ := r.Context().Value(stateKey{}).(*reqState)
	return st
}

// maxPathLen caps the paths the portal looks at.
const maxPathLen = 512

// serve resolves language and site, then dispatches to the page table.
func (p *Portal) serve(w http.ResponseWriter, r *http.Request) {
	st := &reqState{lang: p.negotiate(w, r), path: r.URL.Path}
	if st.cacheKey = cacheKey(r, st.lang.Code); st.cacheKey != "" && p.serveCached(w, r, st.cacheKey) {
		return
	}
	ctx := r.Context()
	land, err := p.landSite(ctx)
	if err != nil {
		p.logger.ErrorContext(ctx, "portal: no Land tenant", "err", err)
		http.Error(w, "Das Portal ist noch nicht eingerichtet.", http.StatusServiceUnavailable)
		return
	}
	st.site = land
	first, rest := splitFirst(r.URL.Path)
	if len(r.URL.Path) > maxPathLen {
		p.notFound(w, r.WithContext(context.WithValue(ctx, stateKey{}, st)), p.view(r.WithContext(context.WithValue(ctx, stateKey{}, st)), ""))
		return
	}
	if !slices.Contains(rootSegments, first) {
		sv, ok, err := p.tenantSite(ctx, first)
		r = r.WithContext(context.WithValue(ctx, stateKey{}, st))
		if err != nil {
			p.serverError(w, r, p.view(r, ""), err)
			return
		}
		if !ok {
			p.notFound(w, r, p.view(r, ""))
			return
		}
		if rest == "" { // "/landkreis-harz" → "/landkreis-harz/"
			target := "/" + first + "/"
			if r.URL.RawQuery != "" {
				target += "?" + r.URL.RawQuery
			}
			http.Redirect(w, r, target, http.StatusMovedPermanently)
			return
		}
		st.site = sv
		r2 := new(http.Request)
		*r2 = *r
		u := *r.URL
		u.Path, u.RawPath = rest, ""
		r2.URL = &u
		r = r2
	}
	// CapturePattern below the slug: the access log then redacts the
	// secret segments of the portal's own patterns (/termine/absagen/{token}).
	web.CapturePattern(p.tenantMux).ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), stateKey{}, st)))
}

// splitFirst splits "/a/b/c" into "a" and "/b/c".
func splitFirst(p string) (string, string) {
	p = strings.TrimPrefix(p, "/")
	first, rest, found := strings.Cut(p, "/")
	if !found {
		return first, ""
	}
	return first, "/" + rest
}

// view starts the view of a page.
func (p *Portal) view(r *http.Request, title string) *view {
	st := stateFrom(r)
	if st == nil {
		st = &reqState{lang: Languages[0], path: r.URL.Path}
	}
	v := &view{Lang: st.lang, Title: title, Site: st.site, Path: st.path}
	if p.apps != nil && st.site.Tenant != nil {
		v.Account = &accountNav{Base: "/" + st.site.Tenant.Slug + "/servicekonto"}
	}
	if ort := r.URL.Query().Get("ort"); ort != "" && len(ort) <= 100 {
		v.Query = "ort=" + url.QueryEscape(ort)
	}
	return v
}

// cat returns the catalogue of the request's language.
func (p *Portal) cat(r *http.Request) *Catalogue {
	if st := stateFrom(r); st != nil {
		return p.cats[st.lang.Code]
	}
	return p.cats["de"]
}
