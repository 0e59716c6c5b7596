package portal

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"

	"sozialplattform/portal/gazetteer"
	"sozialplattform/portal/site"
	"sozialplattform/tenant"
)

// serviceItem is a service in a list, with whether it can be applied for
// online on this site.
type serviceItem struct {
	Key, Title, Summary string
	Online              bool
}

func (p *Portal) serviceItems(r *http.Request, live []string) []serviceItem {
	lang := stateFrom(r).lang.Code
	out := make([]serviceItem, 0, len(site.Services))
	for _, s := range site.Services {
		c, _, _ := p.content.service(lang, s.Key)
		online := false
		for _, a := range s.Antragsstrecken {
			online = online || slices.Contains(live, a)
		}
		out = append(out, serviceItem{Key: s.Key, Title: c.Title, Summary: c.Summary, Online: online})
	}
	return out
}

// placeSearch is the outcome of a search by place.
type placeSearch struct {
	Query    string
	Searched bool
	Matches  []placeChoice // several matches: a choice
	NotFound bool
	Place    *gazetteer.Place // exactly one match
	Tenant   *tenant.Tenant   // its responsible municipality, if on the platform
}

type placeChoice struct {
	Name, Detail, URL string
}

// searchPlace looks up ?ort= (a gazetteer key, name, postcode or AGS).
// base is the page the choice links go back to.
func (p *Portal) searchPlace(r *http.Request, base string) (placeSearch, error) {
	q := strings.TrimSpace(r.URL.Query().Get("ort"))
	ps := placeSearch{Query: q}
	if q == "" {
		return ps, nil
	}
	ps.Searched = true
	if len(q) > gazetteer.MaxQueryLen {
		ps.NotFound = true
		return ps, nil
	}
	var found []gazetteer.Place
	if pl, ok := p.places.Get(q); ok {
		found = []gazetteer.Place{pl}
	} else {
		found = p.places.Lookup(q)
	}
	switch len(found) {
	case 0:
		ps.NotFound = true
		return ps, nil
	case 1:
	default:
		for _, pl := range found {
			detail := pl.Kreis
			if k, ok := p.places.Kreis(pl.Kreis); ok && k.Name != pl.Name {
				detail = k.Name
			}
			if len(pl.Postcodes) > 0 {
				detail = strings.Join(pl.Postcodes, ", ") + " · " + detail
			}
			ps.Matches = append(ps.Matches, placeChoice{Name: pl.Name, Detail: detail, URL: base + "?ort=" + url.QueryEscape(pl.Key())})
		}
		return ps, nil
	}
	ps.Place = &found[0]
	t, err := p.store.ResolveTenant(r.Context(), found[0].Kreis)
	if errors.Is(err, tenant.ErrNotFound) {
		return ps, nil
	}
	if err != nil {
		return ps, err
	}
	if t.Active {
		ps.Tenant = t
	}
	return ps, nil
}

// startData fills the Land's start page.
type startData struct {
	Search   placeSearch
	Services []serviceItem
}

// municipalityData fills a municipality's start page.
type municipalityData struct {
	Offices  []site.Office
	Services []serviceItem
	Contacts []tenant.Contact
}

func (p *Portal) home(w http.ResponseWriter, r *http.Request) {
	st := stateFrom(r)
	cat := p.cat(r)
	if st.site.Local {
		p.municipality(w, r)
		return
	}
	ps, err := p.searchPlace(r, "/")
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	if ps.Tenant != nil && len(ps.Matches) == 0 {
		http.Redirect(w, r, "/"+ps.Tenant.Slug+"/", http.StatusSeeOther)
		return
	}
	v := p.view(r, cat.T("start.title"))
	v.Nav = "start"
	v.Data = startData{Search: ps, Services: p.serviceItems(r, nil)}
	p.render(w, r, http.StatusOK, "start", v, revalidate)
}

func (p *Portal) municipality(w http.ResponseWriter, r *http.Request) {
	st := stateFrom(r)
	ctx := r.Context()
	offices, err := p.site.Offices(ctx, st.site.Tenant.ID)
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	live, err := p.live(ctx, st.site.Tenant.ID)
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	v := p.view(r, st.site.Tenant.Name)
	v.Nav = "start"
	v.Data = municipalityData{Offices: offices, Services: p.serviceItems(r, live), Contacts: st.site.Tenant.Contacts}
	p.render(w, r, http.StatusOK, "kommune", v, revalidate)
}

func (p *Portal) serviceList(w http.ResponseWriter, r *http.Request) {
	st := stateFrom(r)
	var live []string
	if st.site.Local {
		var err error
		if live, err = p.live(r.Context(), st.site.Tenant.ID); err != nil {
			p.serverError(w, r, p.view(r, ""), err)
			return
		}
	}
	v := p.view(r, p.cat(r).T("services.title"))
	v.Nav = "leistungen"
	v.Data = p.serviceItems(r, live)
	p.render(w, r, http.StatusOK, "leistungen", v, revalidate)
}

// serviceData fills a service information page.
type serviceData struct {
	Service site.Service
	Content ServiceContent
}

func (p *Portal) serviceContent(w http.ResponseWriter, r *http.Request) (*view, serviceData, bool) {
	svc, ok := site.ServiceByKey(r.PathValue("service"))
	if !ok {
		p.notFound(w, r, p.view(r, ""))
		return nil, serviceData{}, false
	}
	c, fallback, _ := p.content.service(stateFrom(r).lang.Code, svc.Key)
	v := p.view(r, c.Title)
	v.Nav = "leistungen"
	v.Fallback = fallback
	return v, serviceData{Service: svc, Content: c}, true
}

func (p *Portal) servicePage(w http.ResponseWriter, r *http.Request) {
	v, d, ok := p.serviceContent(w, r)
	if !ok {
		return
	}
	v.Data = d
	p.render(w, r, http.StatusOK, "leistung", v, revalidate)
}

// applyData fills "Jetzt beantragen".
type applyData struct {
	serviceData
	Search     placeSearch
	PlaceName  string          // the chosen place
	Tenant     *tenant.Tenant  // its municipality on the platform, nil when none
	Online     []onlineService // Antragsstrecken live for the place
	Links      []site.Link     // registered links on other portals
	Offices    []site.Office   // responsible offices for the service's Rechtskreis
	NeedsPlace bool
}

type onlineService struct{ Key, Name, URL string }

func (p *Portal) apply(w http.ResponseWriter, r *http.Request) {
	v, sd, ok := p.serviceContent(w, r)
	if !ok {
		return
	}
	st := stateFrom(r)
	ctx := r.Context()
	d := applyData{serviceData: sd}
	switch {
	case st.site.Local:
		d.Tenant = st.site.Tenant
		d.PlaceName = st.site.Tenant.Name
		if ps, err := p.searchPlace(r, ""); err == nil && ps.Place != nil && ps.Place.Kreis == st.site.Tenant.Key() {
			d.PlaceName = ps.Place.Name
		}
	default:
		ps, err := p.searchPlace(r, st.path)
		if err != nil {
			p.serverError(w, r, v, err)
			return
		}
		d.Search = ps
		if ps.Place == nil {
			d.NeedsPlace = true
		} else {
			d.PlaceName = ps.Place.Name
			d.Tenant = ps.Tenant
		}
	}
	if !d.NeedsPlace {
		chain := []string{st.site.Tenant.ID}
		if d.Tenant != nil {
			var err error
			if chain, err = p.chain(ctx, d.Tenant); err != nil {
				p.serverError(w, r, v, err)
				return
			}
			live, err := p.live(ctx, d.Tenant.ID)
			if err != nil {
				p.serverError(w, r, v, err)
				return
			}
			names := p.streckenNames(r)
			for _, a := range sd.Service.Antragsstrecken {
				if slices.Contains(live, a) {
					name := names[a]
					if name == "" {
						name = sd.Content.Title
					}
					d.Online = append(d.Online, onlineService{Key: a, Name: name, URL: "/" + d.Tenant.Slug + "/antrag/" + a})
				}
			}
			all, err := p.site.Offices(ctx, d.Tenant.ID)
			if err != nil {
				p.serverError(w, r, v, err)
				return
			}
			for _, o := range all {
				if o.Rechtskreis == sd.Service.Rechtskreis {
					d.Offices = append(d.Offices, o)
				}
			}
		} else if land, err := p.landSite(ctx); err == nil {
			chain = []string{land.Tenant.ID}
		}
		if len(d.Online) == 0 {
			links, err := p.site.LinksFor(ctx, chain, sd.Service.Key)
			if err != nil {
				p.serverError(w, r, v, err)
				return
			}
			d.Links = links
		}
	}
	v.Title = p.cat(r).Tf("apply.title", sd.Content.Title)
	v.Data = d
	p.render(w, r, http.StatusOK, "beantragen", v, revalidate)
}

// streckenNames returns the names of the Antragsstrecken when the
// services know them.
func (p *Portal) streckenNames(r *http.Request) map[string]string {
	c, ok := p.services.(Names)
	if !ok || p.services == nil {
		return map[string]string{}
	}
	names, err := c.Antragsstrecken(r.Context())
	if err != nil {
		p.logger.WarnContext(r.Context(), "portal: names of Antragsstrecken", "err", err)
		return map[string]string{}
	}
	return names
}

// applicationData fills the page behind "Antrag stellen".
type applicationData struct {
	Strecke string
	Name    string
	Live    bool
	Service *site.Service
}

// application is where the online application of an Antragsstrecke
// opens. The form itself comes with the applications issue; until then
// the page says so honestly.
func (p *Portal) application(w http.ResponseWriter, r *http.Request) {
	st := stateFrom(r)
	strecke := r.PathValue("strecke")
	var svc *site.Service
	for i := range site.Services {
		if slices.Contains(site.Services[i].Antragsstrecken, strecke) {
			svc = &site.Services[i]
		}
	}
	if !st.site.Local || svc == nil {
		p.notFound(w, r, p.view(r, ""))
		return
	}
	live, err := p.live(r.Context(), st.site.Tenant.ID)
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	c, _, _ := p.content.service(st.lang.Code, svc.Key)
	name := p.streckenNames(r)[strecke]
	if name == "" {
		name = c.Title
	}
	v := p.view(r, p.cat(r).Tf("application.title", name))
	v.Data = applicationData{Strecke: strecke, Name: name, Live: slices.Contains(live, strecke), Service: svc}
	p.render(w, r, http.StatusOK, "antrag", v, revalidate)
}

// counselling is the place of the counselling-centre search; the
// Beratungsstellen issue builds it. Until then it names the offices.
func (p *Portal) counselling(w http.ResponseWriter, r *http.Request) {
	st := stateFrom(r)
	if !st.site.Local {
		p.notFound(w, r, p.view(r, ""))
		return
	}
	offices, err := p.site.Offices(r.Context(), st.site.Tenant.ID)
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	v := p.view(r, p.cat(r).T("counselling.title"))
	v.Data = offices
	p.render(w, r, http.StatusOK, "beratung", v, revalidate)
}

// textPage renders a content page (accessibility statement, privacy …).
func (p *Portal) textPage(w http.ResponseWriter, r *http.Request, key, nav string, extra any) {
	st := stateFrom(r)
	c, fallback, ok := p.content.page(st.lang.Code, key)
	if !ok {
		p.notFound(w, r, p.view(r, ""))
		return
	}
	v := p.view(r, c.Title)
	v.Nav = nav
	v.Fallback = fallback
	v.Data = textData{Page: c, Extra: extra}
	p.render(w, r, http.StatusOK, key, v, revalidate)
}

// textData fills a content page; Extra carries the page's own data.
type textData struct {
	Page  PageContent
	Extra any
}

func (p *Portal) imprint(w http.ResponseWriter, r *http.Request) {
	p.textPage(w, r, "impressum", "impressum", nil)
}

func (p *Portal) privacy(w http.ResponseWriter, r *http.Request) {
	p.textPage(w, r, "datenschutz", "datenschutz", nil)
}

// easyLanguage serves the Leichte Sprache pages (BITV 2.0 § 4): the start
// page's main content, navigation and the accessibility statement. They
// are German by nature.
func (p *Portal) easyLanguage(w http.ResponseWriter, r *http.Request) {
	page := r.PathValue("page")
	key := "ls-start"
	switch page {
	case "":
	case "navigation":
		key = "ls-navigation"
	case "barrierefreiheit":
		key = "ls-barrierefreiheit"
	default:
		p.notFound(w, r, p.view(r, ""))
		return
	}
	c, _, ok := p.content.page("de", key)
	if !ok {
		p.notFound(w, r, p.view(r, ""))
		return
	}
	v := p.view(r, c.Title)
	v.Lang = Languages[0]
	v.Nav = "leichte-sprache"
	v.Data = textData{Page: c, Extra: key}
	p.render(w, r, http.StatusOK, "leichte-sprache", v, revalidate)
}

// signLanguage lists the DGS videos the operator published (the Land's,
// then the municipality's).
func (p *Portal) signLanguage(w http.ResponseWriter, r *http.Request) {
	st := stateFrom(r)
	ctx := r.Context()
	land, err := p.landSite(ctx)
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	videos, err := p.site.SignVideos(ctx, land.Tenant.ID)
	if err == nil && st.site.Local {
		var own []site.SignVideo
		own, err = p.site.SignVideos(ctx, st.site.Tenant.ID)
		videos = append(videos, own...)
	}
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	v := p.view(r, p.cat(r).T("dgs.title"))
	v.Nav = "gebaerdensprache"
	v.Data = videos
	p.render(w, r, http.StatusOK, "gebaerdensprache", v, revalidate)
}

// defaultPrimary is the portal's colour when a tenant chose none: a dark
// blue with 9.7:1 against white.
const defaultPrimary = "#00456e"

// brandVersion changes whenever the tenant's stylesheet would.
func brandVersion(s site.Settings) string {
	sum := sha256.Sum256([]byte("v1|" + s.PrimaryColor))
	return hex.EncodeToString(sum[:6])
}

// brandCSS is the tenant's colour as a stylesheet: the CSP forbids inline
// styles, so the colour travels through this small, cached file.
func (p *Portal) brandCSS(w http.ResponseWriter, r *http.Request) {
	st := stateFrom(r)
	if st.site.Prefix == "" && st.path == "/marke.css" {
		p.notFound(w, r, p.view(r, ""))
		return
	}
	color := st.site.Settings.PrimaryColor
	if color == "" || site.ContrastWithWhite(color) < site.MinContrast {
		color = defaultPrimary
	}
	version := brandVersion(st.site.Settings)
	h := w.Header()
	h.Set("Content-Type", "text/css; charset=utf-8")
	etag := `"` + version + `"`
	h.Set("ETag", etag)
	if r.URL.Query().Get("v") == version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	fmt.Fprintf(w, "/* %s */\n:root {\n  --portal-primary: %s;\n}\n", cssComment(st.site.Tenant.Name), color)
}

// cssComment keeps a name from closing the comment it is put in.
func cssComment(s string) string { return strings.ReplaceAll(s, "*/", "* /") }

func (p *Portal) logo(w http.ResponseWriter, r *http.Request) {
	st := stateFrom(r)
	data, hash, err := p.site.Logo(r.Context(), st.site.Tenant.ID)
	if errors.Is(err, tenant.ErrNotFound) {
		http.NotFound(w, r)
		return
	}
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/png")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'")
	etag := `"` + hash + `"`
	h.Set("ETag", etag)
	if v := r.URL.Query().Get("v"); v != "" && strings.HasPrefix(hash, v) {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	if etagMatch(r.Header.Get("If-None-Match"), etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	_, _ = w.Write(data)
}
