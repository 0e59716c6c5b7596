package admin

import (
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"strings"

	"sozialplattform/portal/site"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/web"
)

// portalConsole serves the pages where a tenant runs its citizen portal:
// branding (colour, logo), contact and imprint data, responsible offices
// per Rechtskreis, links to online services on other portals (on the
// Land's tenant these are the Landesredaktion's state-wide links) and the
// sign-language videos.
type portalConsole struct {
	*Console
	site *site.Store
}

// registerPortal adds the portal pages to mux and their templates to the
// console's set. It runs once at start; a broken template is a programming
// error and stops the start.
func (c *Console) registerPortal(mux *http.ServeMux) {
	pages, err := c.parsePortalTemplates()
	if err != nil {
		panic(err)
	}
	for name, t := range pages {
		c.pages[name] = t
	}
	p := &portalConsole{Console: c, site: site.NewStore(c.store.DB())}
	base := "/admin/koerperschaften/{id}/portal"
	mux.HandleFunc("GET "+base, c.user(p.page))
	mux.HandleFunc("POST "+base, c.userForm(p.saveSettings))
	mux.HandleFunc("POST "+base+"/logo", c.user(p.uploadLogo))
	mux.HandleFunc("POST "+base+"/logo/entfernen", c.userForm(p.removeLogo))
	mux.HandleFunc("POST "+base+"/stellen", c.userForm(p.addOffice))
	mux.HandleFunc("POST "+base+"/stellen/{oid}/entfernen", c.userForm(p.deleteOffice))
	mux.HandleFunc("POST "+base+"/links", c.userForm(p.addLink))
	mux.HandleFunc("POST "+base+"/links/{lid}/entfernen", c.userForm(p.deleteLink))
	mux.HandleFunc("POST "+base+"/videos", c.userForm(p.addVideo))
	mux.HandleFunc("POST "+base+"/videos/{vid}/entfernen", c.userForm(p.deleteVideo))
}

func (c *Console) parsePortalTemplates() (map[string]*page, error) {
	base, err := template.New("layout").Funcs(c.funcs()).Funcs(template.FuncMap{"rklabel": site.RechtskreisLabel}).
		ParseFS(templateFS, "templates/layout.html", "templates/parts.html")
	if err != nil {
		return nil, fmt.Errorf("admin portal templates: %w", err)
	}
	return parsePages(base, "templates/portal/*.html", "portal-")
}

// portalData fills the portal page. Each section has its own form, so
// that an error in one keeps the input of that one.
type portalData struct {
	Nav          tenantNav
	Tenant       *tenant.Tenant
	Settings     site.Settings
	Land         bool // the Land's tenant: its links are state-wide
	CanEdit      bool
	SettingsForm *form
	Office       *form
	Link         *form
	Video        *form
	Offices      []site.Office
	Links        []site.Link
	Videos       []site.SignVideo
	Rechtskreis  []option
	Services     []option
	Problem      string
	PortalURL    string
	MinContrast  float64
}

var portalNotices = map[string]string{
	"portal-gespeichert":  "Die Angaben des Portals wurden gespeichert.",
	"logo":                "Das Logo wurde gespeichert.",
	"logo-entfernt":       "Das Logo wurde entfernt.",
	"stelle":              "Die Stelle wurde hinzugefügt.",
	"stelle-entfernt":     "Die Stelle wurde entfernt.",
	"link":                "Der Link wurde registriert.",
	"link-entfernt":       "Der Link wurde entfernt.",
	"video":               "Das Video wurde veröffentlicht.",
	"video-entfernt":      "Das Video wurde entfernt.",
	"portal-nicht-gefund": "Der Eintrag wurde nicht gefunden; vielleicht wurde er schon entfernt.",
}

func (p *portalConsole) data(r *http.Request, t *tenant.Tenant) (*portalData, error) {
	ctx := r.Context()
	set, err := p.site.Settings(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	offices, err := p.site.Offices(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	links, err := p.site.Links(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	videos, err := p.site.SignVideos(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	d := &portalData{Nav: p.tenantNav(r, t, "portal", "Bürgerportal: "+t.Name), Tenant: t, Settings: set,
		Land: t.Kind == tenant.KindLand, CanEdit: p.allowed(r, t.ID, site.ObjPortal, authz.Update),
		SettingsForm: newForm(), Office: newForm(), Link: newForm(), Video: newForm(),
		Offices: offices, Links: links, Videos: videos, MinContrast: site.MinContrast, PortalURL: "/" + t.Slug + "/"}
	if d.Land {
		d.PortalURL = "/"
	}
	for _, rk := range site.Rechtskreise {
		d.Rechtskreis = append(d.Rechtskreis, option{Value: rk.Key, Label: rk.Label})
	}
	for _, s := range site.Services {
		d.Services = append(d.Services, option{Value: s.Key, Label: s.Name})
	}
	f := d.SettingsForm
	for id, v := range map[string]string{"primaryColor": set.PrimaryColor, "phone": set.Phone, "email": set.Email, "hours": set.Hours,
		"website": set.Website, "representative": set.Representative, "privacyContact": set.PrivacyContact, "logoAlt": set.LogoAlt} {
		f.Set(id, v)
	}
	f.Set("version", fmt.Sprint(set.Version))
	return d, nil
}

func (p *portalConsole) show(w http.ResponseWriter, r *http.Request, status int, d *portalData) {
	v := &view{Title: "Bürgerportal – " + d.Tenant.Name, Data: d}
	if n, ok := portalNotices[r.URL.Query().Get("hinweis")]; ok {
		v.Notice = n
	}
	p.render(w, r, status, "portal-portal", v)
}

func (p *portalConsole) page(w http.ResponseWriter, r *http.Request) {
	t, ok := p.tenantFor(w, r, site.ObjPortal, authz.Read)
	if !ok {
		return
	}
	d, err := p.data(r, t)
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	p.show(w, r, http.StatusOK, d)
}

// fail shows the page again with the store's field errors on form f, or
// answers the error.
func (p *portalConsole) fail(w http.ResponseWriter, r *http.Request, d *portalData, f *form, err error, known ...string) {
	switch {
	case f.storeErrors(err, sameIDs(known...)):
		p.show(w, r, http.StatusUnprocessableEntity, d)
	case errors.Is(err, tenant.ErrStaleVersion):
		d.Problem = "Jemand hat die Angaben zwischenzeitlich geändert. Bitte prüfen Sie die angezeigten Werte und speichern Sie erneut."
		p.show(w, r, http.StatusConflict, d)
	case errors.Is(err, tenant.ErrNotFound):
		seeOther(w, r, "/admin/koerperschaften/"+d.Tenant.ID+"/portal?hinweis=portal-nicht-gefund", "")
	default:
		p.serverError(w, r, err)
	}
}

// editable loads the tenant for a change and the page data for errors.
func (p *portalConsole) editable(w http.ResponseWriter, r *http.Request, act string) (*tenant.Tenant, *portalData, bool) {
	t, ok := p.tenantFor(w, r, site.ObjPortal, act)
	if !ok {
		return nil, nil, false
	}
	d, err := p.data(r, t)
	if err != nil {
		p.serverError(w, r, err)
		return nil, nil, false
	}
	return t, d, true
}

func (p *portalConsole) back(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, notice string) {
	http.Redirect(w, r, "/admin/koerperschaften/"+t.ID+"/portal?hinweis="+notice, http.StatusSeeOther)
}

func (p *portalConsole) saveSettings(w http.ResponseWriter, r *http.Request) {
	t, d, ok := p.editable(w, r, authz.Update)
	if !ok {
		return
	}
	f := newForm()
	d.SettingsForm = f
	in := site.SettingsInput{
		PrimaryColor:   f.text(r, "primaryColor", 20),
		Phone:          f.text(r, "phone", 40),
		Email:          f.text(r, "email", tenant.MaxEmailLen),
		Hours:          f.text(r, "hours", site.MaxLongText),
		Website:        f.text(r, "website", site.MaxURL),
		Representative: f.text(r, "representative", site.MaxLongText),
		PrivacyContact: f.text(r, "privacyContact", site.MaxLongText),
		LogoAlt:        f.text(r, "logoAlt", site.MaxLongText),
	}
	version := 0
	if _, err := fmt.Sscan(r.PostForm.Get("version"), &version); err != nil || version < 0 {
		version = -1
	}
	f.Set("version", r.PostForm.Get("version"))
	if f.Invalid() {
		p.show(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	if version < 0 {
		f.Fail("Das Formular ist unvollständig. Bitte laden Sie die Seite neu.")
		p.show(w, r, http.StatusBadRequest, d)
		return
	}
	if err := p.site.SaveSettings(r.Context(), t.ID, in, version); err != nil {
		p.fail(w, r, d, f, err, "primaryColor", "phone", "email", "hours", "website", "representative", "privacyContact", "logoAlt")
		return
	}
	p.back(w, r, t, "portal-gespeichert")
}

// uploadLogo takes a multipart upload; the form token travels in the
// multipart body, so it is checked here rather than by userForm.
func (p *portalConsole) uploadLogo(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, site.MaxLogoBytes+64<<10)
	if err := r.ParseMultipartForm(site.MaxLogoBytes + 64<<10); err != nil {
		p.errorPage(w, r, http.StatusRequestEntityTooLarge, "Datei zu groß", errorData{
			Heading: "Datei zu groß", Text: "Das Logo darf höchstens 512 KB groß sein.", Back: r.URL.Path[:strings.LastIndex(r.URL.Path, "/")], BackTo: "Zurück"})
		return
	}
	if !web.CSRFTokenValid(p.auth.CSRFToken(r), r.PostFormValue("csrf")) {
		p.errorPage(w, r, http.StatusForbidden, "Formular abgelaufen", errorData{
			Heading: "Formular abgelaufen", Text: "Bitte laden Sie die Seite neu und laden Sie das Logo noch einmal hoch.", Back: "/admin/", BackTo: "Zur Übersicht"})
		return
	}
	t, d, ok := p.editable(w, r, authz.Update)
	if !ok {
		return
	}
	file, _, err := r.FormFile("logo")
	if err != nil {
		d.SettingsForm.Add("logo", "Bitte wählen Sie eine Bilddatei aus.")
		p.show(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, site.MaxLogoBytes+1))
	if err != nil {
		p.serverError(w, r, err)
		return
	}
	if err := p.site.SetLogo(r.Context(), t.ID, data); err != nil {
		p.fail(w, r, d, d.SettingsForm, err, "logo")
		return
	}
	p.back(w, r, t, "logo")
}

func (p *portalConsole) removeLogo(w http.ResponseWriter, r *http.Request) {
	t, d, ok := p.editable(w, r, authz.Update)
	if !ok {
		return
	}
	if err := p.site.RemoveLogo(r.Context(), t.ID); err != nil {
		p.fail(w, r, d, d.SettingsForm, err)
		return
	}
	p.back(w, r, t, "logo-entfernt")
}

func (p *portalConsole) addOffice(w http.ResponseWriter, r *http.Request) {
	t, d, ok := p.editable(w, r, authz.Update)
	if !ok {
		return
	}
	f := newForm()
	d.Office = f
	o := &site.Office{TenantID: t.ID,
		Rechtskreis: f.choice(r, "rechtskreis", d.Rechtskreis, "Bitte wählen Sie einen Rechtskreis."),
		Name:        f.text(r, "name", site.MaxText), Street: f.text(r, "street", site.MaxText),
		PostalCode: f.text(r, "postalCode", 20), City: f.text(r, "city", site.MaxText),
		Phone: f.text(r, "officePhone", 40), Email: f.text(r, "officeEmail", tenant.MaxEmailLen),
		Website: f.text(r, "officeWebsite", site.MaxURL), Hours: f.text(r, "officeHours", site.MaxLongText)}
	if f.Invalid() {
		p.show(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	if err := p.site.SaveOffice(r.Context(), o); err != nil {
		ids := map[string]string{"rechtskreis": "rechtskreis", "name": "name", "street": "street", "postalCode": "postalCode",
			"city": "city", "phone": "officePhone", "email": "officeEmail", "website": "officeWebsite", "hours": "officeHours"}
		if f.storeErrors(err, func(field string) string { return ids[field] }) {
			p.show(w, r, http.StatusUnprocessableEntity, d)
			return
		}
		p.fail(w, r, d, f, err)
		return
	}
	p.back(w, r, t, "stelle")
}

func (p *portalConsole) deleteOffice(w http.ResponseWriter, r *http.Request) {
	t, d, ok := p.editable(w, r, authz.Update)
	if !ok {
		return
	}
	if err := p.site.DeleteOffice(r.Context(), t.ID, r.PathValue("oid")); err != nil {
		p.fail(w, r, d, d.Office, err)
		return
	}
	p.back(w, r, t, "stelle-entfernt")
}

func (p *portalConsole) addLink(w http.ResponseWriter, r *http.Request) {
	t, d, ok := p.editable(w, r, authz.Create)
	if !ok {
		return
	}
	f := newForm()
	d.Link = f
	l := &site.Link{TenantID: t.ID, Service: f.choice(r, "service", d.Services, "Bitte wählen Sie eine Leistung."),
		Title: f.text(r, "title", site.MaxText), URL: f.text(r, "url", site.MaxURL), Description: f.text(r, "description", site.MaxLongText)}
	if f.Invalid() {
		p.show(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	if err := p.site.AddLink(r.Context(), l); err != nil {
		p.fail(w, r, d, f, err, "service", "title", "url", "description")
		return
	}
	p.back(w, r, t, "link")
}

func (p *portalConsole) deleteLink(w http.ResponseWriter, r *http.Request) {
	t, d, ok := p.editable(w, r, authz.Delete)
	if !ok {
		return
	}
	if err := p.site.DeleteLink(r.Context(), t.ID, r.PathValue("lid")); err != nil {
		p.fail(w, r, d, d.Link, err)
		return
	}
	p.back(w, r, t, "link-entfernt")
}

func (p *portalConsole) addVideo(w http.ResponseWriter, r *http.Request) {
	t, d, ok := p.editable(w, r, authz.Create)
	if !ok {
		return
	}
	f := newForm()
	d.Video = f
	v := &site.SignVideo{TenantID: t.ID, Title: f.text(r, "videoTitle", site.MaxText), URL: f.text(r, "videoUrl", site.MaxURL),
		Description: f.text(r, "videoDescription", site.MaxLongText)}
	if f.Invalid() {
		p.show(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	if err := p.site.AddSignVideo(r.Context(), v); err != nil {
		ids := map[string]string{"title": "videoTitle", "url": "videoUrl", "description": "videoDescription"}
		if f.storeErrors(err, func(field string) string { return ids[field] }) {
			p.show(w, r, http.StatusUnprocessableEntity, d)
			return
		}
		p.fail(w, r, d, f, err)
		return
	}
	p.back(w, r, t, "video")
}

func (p *portalConsole) deleteVideo(w http.ResponseWriter, r *http.Request) {
	t, d, ok := p.editable(w, r, authz.Delete)
	if !ok {
		return
	}
	if err := p.site.DeleteSignVideo(r.Context(), t.ID, r.PathValue("vid")); err != nil {
		p.fail(w, r, d, d.Video, err)
		return
	}
	p.back(w, r, t, "video-entfernt")
}
