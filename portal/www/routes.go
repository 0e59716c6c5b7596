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
	"datenschutz", "leichte-sprache", "gebaerdensprache"}

// routes sets up the pages. Every page exists at the root (the Land's
// site) and below each municipality's slug; ServeHTTP resolves the site
// and strips the slug, so one table serves both.
func (p *Portal) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", p.home)
	m.HandleFunc("GET /leistungen/{$}", p.serviceList)
	m.HandleFunc("GET /leistungen/{service}", p.servicePage)
	m.HandleFunc("GET /leistungen/{service}/beantragen", p.apply)
	m.HandleFunc("GET /sozialleistungsfinder/{$}", p.finderIntro)
	m.HandleFunc("GET /sozialleistungsfinder/schritt/{n}", p.finderStep)
	m.HandleFunc("POST /sozialleistungsfinder/schritt/{n}", p.finderSubmit)
	m.HandleFunc("GET /sozialleistungsfinder/ergebnis", p.finderResult)
	m.HandleFunc("POST /sozialleistungsfinder/loeschen", p.finderClear)
	m.HandleFunc("GET /barrierefreiheit", p.accessibility)
	m.HandleFunc("POST /barrierefreiheit", p.feedback)
	m.HandleFunc("GET /impressum", p.imprint)
	m.HandleFunc("GET /datenschutz", p.privacy)
	m.HandleFunc("GET /leichte-sprache/{$}", p.easyLanguage)
	m.HandleFunc("GET /leichte-sprache/{page}", p.easyLanguage)
	m.HandleFunc("GET /gebaerdensprache", p.signLanguage)
	// Only below a municipality (or the Land's slug for its branding).
	m.HandleFunc("GET /marke.css", p.brandCSS)
	m.HandleFunc("GET /logo.png", p.logo)
	m.HandleFunc("GET /antrag/{strecke}", p.application)
	m.HandleFunc("GET /beratung", p.counselling)
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) { p.notFound(w, r, p.view(r, "")) })
	p.mux = http.NewServeMux()
	p.mux.Handle("/", http.HandlerFunc(p.serve))
	p.tenantMux = m
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
