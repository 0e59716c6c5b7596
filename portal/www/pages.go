package www

import (
	"context"
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
	"sozialplattform/tenant/gemeinden"
)

// serviceItem is a service in a list, with whether it can be applied for
// online on this site and, when another body runs it for the site's
// citizens, who ("der Landkreis Harz").
type serviceItem struct {
	Key, Title, Summary string
	Online              bool
	By                  string
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

// localServiceItems lists the services of a municipality's site: online
// where the responsible body runs them live, naming that body where it is
// not the site's own tenant.
func (p *Portal) localServiceItems(r *http.Request, t *tenant.Tenant) ([]serviceItem, error) {
	ctx := r.Context()
	a, err := p.areaOfTenant(ctx, t)
	if err != nil {
		return nil, err
	}
	lang := stateFrom(r).lang.Code
	items := p.serviceItems(r, nil)
	for i, s := range site.Services {
		for _, strecke := range s.Antragsstrecken {
			resp, err := p.responsibleFor(ctx, a, strecke)
			if err != nil {
				return nil, err
			}
			items[i].Online = items[i].Online || resp.Live
			if resp.Tenant == nil || resp.Tenant.ID != t.ID {
				items[i].By = resp.In(lang)
			}
		}
	}
	return items, nil
}

// placeSearch is the outcome of a search by place.
type placeSearch struct {
	Query    string
	Searched bool
	// Matches are the places to choose from: several, or one that is only
	// a suggestion (an Ortsteil placed with low confidence).
	Matches  []placeChoice
	NotFound bool
	Place    *gazetteer.Place // exactly one match
	// Tenant is the portal that serves the place: the Gemeinde's own when
	// it is on the platform, else its Landkreis or kreisfreie Stadt.
	Tenant *tenant.Tenant
	area   area
}

// placeChoice is one place to choose, with what tells it apart.
type placeChoice struct {
	Name, URL string
	Gemeinde  string // the Gemeinde of an Ortsteil
	Kreis     string // the Landkreis of a Gemeinde or Ortsteil
	Postcodes string // "38871" or "39104, 39106, 39108 …"
	Uncertain bool
}

// maxChoicePostcodes is how many postcodes a choice shows.
const maxChoicePostcodes = 4

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
		pl.Uncertain = false // chosen from a list: the citizen confirmed it
		found = []gazetteer.Place{pl}
	} else {
		found = p.places.Lookup(q)
	}
	switch {
	case len(found) == 0:
		ps.NotFound = true
		return ps, nil
	case len(found) > 1 || found[0].Uncertain:
		for _, pl := range found {
			c := placeChoice{Name: pl.Name, URL: base + "?ort=" + url.QueryEscape(pl.Key()), Gemeinde: pl.Gemeinde, Uncertain: pl.Uncertain}
			if k, ok := p.places.Kreis(pl.Kreis); ok && pl.Kind != gazetteer.KindLandkreis && pl.Kind != gazetteer.KindKreisfreieStadt && k.Name != pl.Gemeinde {
				c.Kreis = k.Name
			}
			pcs := pl.Postcodes
			if len(pcs) > maxChoicePostcodes {
				pcs = append(slices.Clone(pcs[:maxChoicePostcodes-1]), "…")
			}
			c.Postcodes = strings.Join(pcs, ", ")
			ps.Matches = append(ps.Matches, c)
		}
		return ps, nil
	}
	ps.Place = &found[0]
	var err error
	ps.area, ps.Tenant, err = p.areaOfPlace(r.Context(), found[0])
	return ps, err
}

// startData fills the Land's start page.
type startData struct {
	Search   placeSearch
	Services []serviceItem
	Kreise   []kreisItem
	// Counselling: the statewide directory of Beratungsstellen is there.
	Counselling bool
}

// kreisItem is a Landkreis or kreisfreie Stadt in the start page's list:
// its portal, or the place search for it while it has none.
type kreisItem struct {
	Name, URL string
	Portal    bool
}

// kreise lists every Landkreis and kreisfreie Stadt of the Land, by name,
// each with its portal where it is on the platform.
func (p *Portal) kreise(ctx context.Context) ([]kreisItem, error) {
	var out []kreisItem
	for _, pl := range p.places.All() {
		if pl.Kind != gazetteer.KindLandkreis && pl.Kind != gazetteer.KindKreisfreieStadt {
			continue
		}
		t, err := p.activeTenant(ctx, pl.Kreis, tenant.KindLandkreis, tenant.KindKreisfreieStadt)
		if err != nil {
			return nil, err
		}
		it := kreisItem{Name: pl.Name, URL: "/?ort=" + url.QueryEscape(pl.Kreis)}
		if t != nil {
			it = kreisItem{Name: t.Name, URL: "/" + t.Slug + "/", Portal: true}
		}
		out = append(out, it)
	}
	slices.SortFunc(out, func(a, b kreisItem) int { return strings.Compare(gemeinden.Fold(a.Name), gemeinden.Fold(b.Name)) })
	return out, nil
}

// municipalityData fills a municipality's start page.
type municipalityData struct {
	Offices   []officeGroup
	Services  []serviceItem
	Contacts  []tenant.Contact
	Calendars []calendarLink
}

// calendarLink is an appointment calendar on a municipality's start page:
// its own, or one of its Kreis' (on the Kreis' portal).
type calendarLink struct {
	Name, Location, URL, By string
}

// municipalityCalendars lists the active appointment calendars of the
// tenant and, for a Gemeinde, of its Kreis.
func (p *Portal) municipalityCalendars(ctx context.Context, t *tenant.Tenant, a area) ([]calendarLink, error) {
	if p.counsel == nil || p.counsel.appts == nil {
		return nil, nil
	}
	owners := []*tenant.Tenant{t}
	if a.kreis != nil && a.kreis.ID != t.ID {
		owners = append(owners, a.kreis)
	}
	var out []calendarLink
	for _, o := range owners {
		cals, err := p.counsel.appts.Calendars(ctx, []string{o.ID}, true)
		if err != nil {
			return nil, fmt.Errorf("calendars of %s: %w", o.Name, err)
		}
		for _, c := range cals {
			l := calendarLink{Name: c.Name, Location: c.Location, URL: "/" + o.Slug + "/termine/kalender/" + c.ID}
			if o.ID != t.ID {
				l.By = o.Name
			}
			out = append(out, l)
		}
	}
	return out, nil
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
	kreise, err := p.kreise(r.Context())
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	v := p.view(r, cat.T("start.title"))
	v.Nav = "start"
	v.Data = startData{Search: ps, Services: p.serviceItems(r, nil), Kreise: kreise, Counselling: p.counsel != nil}
	p.render(w, r, http.StatusOK, "start", v, revalidate)
}

func (p *Portal) municipality(w http.ResponseWriter, r *http.Request) {
	st := stateFrom(r)
	ctx := r.Context()
	a, err := p.areaOfTenant(ctx, st.site.Tenant)
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	offices, err := p.areaOffices(ctx, a)
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	items, err := p.localServiceItems(r, st.site.Tenant)
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	cals, err := p.municipalityCalendars(ctx, st.site.Tenant, a)
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	v := p.view(r, st.site.Tenant.Name)
	v.Nav = "start"
	v.Data = municipalityData{Offices: offices, Services: items, Contacts: st.site.Tenant.Contacts, Calendars: cals}
	p.render(w, r, http.StatusOK, "kommune", v, revalidate)
}

func (p *Portal) serviceList(w http.ResponseWriter, r *http.Request) {
	st := stateFrom(r)
	items := p.serviceItems(r, nil)
	if st.site.Local {
		var err error
		if items, err = p.localServiceItems(r, st.site.Tenant); err != nil {
			p.serverError(w, r, p.view(r, ""), err)
			return
		}
	}
	v := p.view(r, p.cat(r).T("services.title"))
	v.Nav = "leistungen"
	v.Data = items
	p.render(w, r, http.StatusOK, "leistungen", v, revalidate)
}

// serviceData fills a service information page.
type serviceData struct {
	Service site.Service
	Content ServiceContent
	// By names, on a municipality's site, who runs the service for its
	// citizens when that is not the site's own tenant; Online tells
	// whether they can apply online there.
	By     string
	Online bool
	// Amounts are the monthly amounts the finder knows for the service
	// (Regelbedarfe, Schulbedarf, Kindergeld, Kinderzuschlag); nil for the
	// others.
	Amounts *serviceAmountsView
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
	amounts, err := p.amountsFor(p.cat(r), svc.Key, p.now().In(p.loc))
	if err != nil {
		p.serverError(w, r, v, err)
		return nil, serviceData{}, false
	}
	return v, serviceData{Service: svc, Content: c, Amounts: amounts}, true
}

func (p *Portal) servicePage(w http.ResponseWriter, r *http.Request) {
	v, d, ok := p.serviceContent(w, r)
	if !ok {
		return
	}
	if st := stateFrom(r); st.site.Local {
		items, err := p.localServiceItems(r, st.site.Tenant)
		if err != nil {
			p.serverError(w, r, v, err)
			return
		}
		for _, it := range items {
			if it.Key == d.Service.Key {
				d.By, d.Online = it.By, it.Online
			}
		}
	}
	v.Data = d
	p.render(w, r, http.StatusOK, "leistung", v, revalidate)
}

// applyData fills "Jetzt beantragen".
type applyData struct {
	serviceData
	Search    placeSearch
	PlaceName string          // the chosen place
	Tenant    *tenant.Tenant  // the portal of the place, nil when none is on the platform
	Online    []onlineService // Antragsstrecken live for the place, at whoever runs them
	Links     []site.Link     // registered links on other portals
	Offices   []site.Office   // responsible offices for the service's Rechtskreis
	// OfficeFallback tells that no office is registered for the service and
	// Offices holds the responsible administration instead.
	OfficeFallback bool
	NeedsPlace     bool
	// Responsible names who runs the service for the place ("der
	// Landkreis Harz"), in the page's language; empty for services the
	// platform has no Antragsstrecke of.
	Responsible []string
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
	var a area
	switch {
	case st.site.Local:
		d.Tenant = st.site.Tenant
		d.PlaceName = st.site.Tenant.Name
		var err error
		if a, err = p.areaOfTenant(ctx, st.site.Tenant); err != nil {
			p.serverError(w, r, v, err)
			return
		}
		// On a Landkreis' portal, a service its Gemeinden run needs the
		// citizen's Gemeinde.
		needsGemeinde := false
		if st.site.Tenant.Kind == tenant.KindLandkreis {
			for _, strecke := range sd.Service.Antragsstrecken {
				dl, err := p.delegated(ctx, a, strecke)
				if err != nil {
					p.serverError(w, r, v, err)
					return
				}
				needsGemeinde = needsGemeinde || dl
			}
		}
		ps, err := p.searchPlace(r, st.path)
		if err != nil {
			p.serverError(w, r, v, err)
			return
		}
		// A place this portal serves (or any, when the Gemeinde is needed)
		// narrows the area to it.
		switch {
		case ps.Place != nil && (needsGemeinde || (ps.Tenant != nil && ps.Tenant.ID == st.site.Tenant.ID)):
			d.PlaceName, a = ps.Place.Name, ps.area
		case needsGemeinde:
			d.Search, d.NeedsPlace = ps, true
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
			a = ps.area
		}
	}
	if !d.NeedsPlace {
		if err := p.fillApply(r, &d, a); err != nil {
			p.serverError(w, r, v, err)
			return
		}
	}
	v.Title = p.cat(r).Tf("apply.title", sd.Content.Title)
	v.Data = d
	p.render(w, r, http.StatusOK, "beantragen", v, revalidate)
}

// fillApply finds for the place's area who runs the service, its online
// applications, the responsible offices and, when nothing runs online,
// the links registered for the service.
func (p *Portal) fillApply(r *http.Request, d *applyData, a area) error {
	ctx := r.Context()
	lang := stateFrom(r).lang.Code
	names := p.streckenNames(r)
	var bodies []*tenant.Tenant // who runs it, on the platform, first the responsible ones
	for _, strecke := range d.Service.Antragsstrecken {
		resp, err := p.responsibleFor(ctx, a, strecke)
		if err != nil {
			return err
		}
		if label := resp.In(lang); label != "" && !slices.Contains(d.Responsible, label) {
			d.Responsible = append(d.Responsible, label)
		}
		if resp.Tenant != nil && !slices.ContainsFunc(bodies, func(t *tenant.Tenant) bool { return t.ID == resp.Tenant.ID }) {
			bodies = append(bodies, resp.Tenant)
		}
		if resp.Live {
			name := names[strecke]
			if name == "" {
				name = d.Content.Title
			}
			d.Online = append(d.Online, onlineService{Key: strecke, Name: name, URL: "/" + resp.Tenant.Slug + "/antrag/" + strecke})
		}
	}
	for _, t := range []*tenant.Tenant{a.gemeinde, a.kreis} {
		if t != nil && !slices.ContainsFunc(bodies, func(b *tenant.Tenant) bool { return b.ID == t.ID }) {
			bodies = append(bodies, t)
		}
	}
	offices, err := p.officesFor(ctx, p.officeSource(), a, d.Service)
	if err != nil {
		return err
	}
	d.Offices = offices
	if len(d.Offices) == 0 {
		// No office registered: name the responsible administration
		// rather than "die zuständige Stelle".
		o, err := p.fallbackOffice(ctx, a, d.Service)
		if err != nil {
			return err
		}
		d.Offices, d.OfficeFallback = []site.Office{o}, true
	}
	if len(d.Online) > 0 {
		return nil
	}
	var chain []string
	switch {
	case len(bodies) > 0:
		var err error
		if chain, err = p.chain(ctx, bodies[0]); err != nil {
			return err
		}
	default:
		land, err := p.landSite(ctx)
		if err != nil {
			return err
		}
		chain = []string{land.Tenant.ID}
	}
	links, err := p.site.LinksFor(ctx, chain, d.Service.Key)
	d.Links = links
	return err
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
