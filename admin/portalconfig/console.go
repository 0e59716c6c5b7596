package portalconfig

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"html/template"
	"io"
	"net/http"
	"sozialplattform/admin/ui"
	"strings"

	"sozialplattform/portal/site"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/phone"
	"sozialplattform/tenant/web"
)

// Pages serves the pages where a tenant runs its citizen portal:
// branding (colour, logo), contact and imprint data, responsible offices
// per Rechtskreis, links to online services on other portals (on the
// Land's tenant these are the Landesredaktion's state-wide links) and the
// sign-language videos.
type Pages struct {
	*ui.Shell
	site *site.Store
}

//go:embed templates
var templateFS embed.FS

// New returns the portal pages and adds their template (page name
// "portal-portal") to the shell's set. Call it once at start, before
// serving.
func New(s *ui.Shell) (*Pages, error) {
	if err := s.AddPages(templateFS, template.FuncMap{"rklabel": site.RechtskreisLabel}, nil, "templates/*.html", "portal-"); err != nil {
		return nil, err
	}
	return &Pages{Shell: s, site: site.NewStore(s.Store.DB())}, nil
}

// portalData fills the portal page. Each section has its own form, so
// that an error in one keeps the input of that one.
type portalData struct {
	Nav          ui.TenantNav
	Tenant       *tenant.Tenant
	Settings     site.Settings
	Land         bool // the Land's tenant: its links are state-wide
	CanEdit      bool
	SettingsForm *ui.Form
	Office       *ui.Form
	Link         *ui.Form
	Video        *ui.Form
	Offices      []site.Office
	Links        []site.Link
	Videos       []site.SignVideo
	Rechtskreis  []ui.Option
	Services     []ui.Option
	Problem      string
	PortalURL    string
	MinContrast  float64
}

func (p *Pages) data(r *http.Request, t *tenant.Tenant) (*portalData, error) {
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
	d := &portalData{Nav: p.TenantNavFor(r, t, "portal", "Bürgerportal: "+t.Name), Tenant: t, Settings: set,
		Land: t.Kind == tenant.KindLand, CanEdit: p.Allowed(r, t.ID, site.ObjPortal, authz.Update),
		SettingsForm: ui.NewForm(), Office: ui.NewForm(), Link: ui.NewForm(), Video: ui.NewForm(),
		Offices: offices, Links: links, Videos: videos, MinContrast: site.MinContrast, PortalURL: "/" + t.Slug + "/"}
	if d.Land {
		d.PortalURL = "/"
	}
	for _, rk := range site.Rechtskreise {
		d.Rechtskreis = append(d.Rechtskreis, ui.Option{Value: rk.Key, Label: rk.Label})
	}
	for _, s := range site.Services {
		d.Services = append(d.Services, ui.Option{Value: s.Key, Label: s.Name})
	}
	f := d.SettingsForm
	for id, v := range map[string]string{"primaryColor": set.PrimaryColor, "phone": set.Phone, "email": set.Email, "hours": set.Hours,
		"website": set.Website, "representative": set.Representative, "privacyContact": set.PrivacyContact, "logoAlt": set.LogoAlt} {
		f.Set(id, v)
	}
	f.Set("version", fmt.Sprint(set.Version))
	return d, nil
}

func (p *Pages) show(w http.ResponseWriter, r *http.Request, status int, d *portalData) {
	v := &ui.View{Title: "Bürgerportal – " + d.Tenant.Name, Data: d}
	v.Notice = ui.Notice(r, "portalconfig")
	p.Render(w, r, status, "portal-portal", v)
}

func (p *Pages) Page(w http.ResponseWriter, r *http.Request) {
	t, ok := p.TenantFor(w, r, site.ObjPortal, authz.Read)
	if !ok {
		return
	}
	d, err := p.data(r, t)
	if err != nil {
		p.ServerError(w, r, err)
		return
	}
	p.show(w, r, http.StatusOK, d)
}

// fail shows the page again with the store's field errors on form f (on
// the fields of the same name among known), or answers the error.
func (p *Pages) fail(w http.ResponseWriter, r *http.Request, d *portalData, f *ui.Form, err error, known ...string) {
	p.failAs(w, r, d, f, err, ui.SameIDs(known...))
}

// failAs is fail for a form whose field ids differ from the store's field
// names: ids maps one to the other.
func (p *Pages) failAs(w http.ResponseWriter, r *http.Request, d *portalData, f *ui.Form, err error, ids func(field string) string) {
	switch {
	case f.StoreErrors(err, ids):
		p.show(w, r, http.StatusUnprocessableEntity, d)
	case errors.Is(err, tenant.ErrStaleVersion):
		d.Problem = "Jemand hat die Angaben zwischenzeitlich geändert. Bitte prüfen Sie die angezeigten Werte und speichern Sie erneut."
		p.show(w, r, http.StatusConflict, d)
	case errors.Is(err, tenant.ErrNotFound):
		ui.SeeOther(w, r, "/admin/koerperschaften/"+d.Tenant.ID+"/portal?hinweis=portal-nicht-gefund", "")
	default:
		p.ServerError(w, r, err)
	}
}

// editable loads the tenant for a change and the page data for errors.
func (p *Pages) editable(w http.ResponseWriter, r *http.Request, act string) (*tenant.Tenant, *portalData, bool) {
	t, ok := p.TenantFor(w, r, site.ObjPortal, act)
	if !ok {
		return nil, nil, false
	}
	d, err := p.data(r, t)
	if err != nil {
		p.ServerError(w, r, err)
		return nil, nil, false
	}
	return t, d, true
}

func (p *Pages) back(w http.ResponseWriter, r *http.Request, t *tenant.Tenant, notice string) {
	http.Redirect(w, r, "/admin/koerperschaften/"+t.ID+"/portal?hinweis="+notice, http.StatusSeeOther)
}

func (p *Pages) SaveSettings(w http.ResponseWriter, r *http.Request) {
	t, d, ok := p.editable(w, r, authz.Update)
	if !ok {
		return
	}
	f := ui.NewForm()
	d.SettingsForm = f
	in := site.SettingsInput{
		PrimaryColor:   f.Text(r, "primaryColor", 20),
		Phone:          f.Text(r, "phone", phone.MaxLen),
		Email:          f.Text(r, "email", tenant.MaxEmailLen),
		Hours:          f.Text(r, "hours", site.MaxLongText),
		Website:        f.Text(r, "website", site.MaxURL),
		Representative: f.Text(r, "representative", site.MaxLongText),
		PrivacyContact: f.Text(r, "privacyContact", site.MaxLongText),
		LogoAlt:        f.Text(r, "logoAlt", site.MaxLongText),
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

// UploadLogo takes a multipart upload; the form token travels in the
// multipart body, so it is checked here rather than by userForm.
func (p *Pages) UploadLogo(w http.ResponseWriter, r *http.Request) {
	r.Body = http.MaxBytesReader(w, r.Body, site.MaxLogoBytes+64<<10)
	if err := r.ParseMultipartForm(site.MaxLogoBytes + 64<<10); err != nil {
		p.ErrorPage(w, r, http.StatusRequestEntityTooLarge, "Datei zu groß", ui.ErrorData{
			Heading: "Datei zu groß", Text: "Das Logo darf höchstens 512 KB groß sein.", Back: r.URL.Path[:strings.LastIndex(r.URL.Path, "/")], BackTo: "Zurück"})
		return
	}
	if !web.CSRFTokenValid(p.Auth.CSRFToken(r), r.PostFormValue("csrf")) {
		p.ErrorPage(w, r, http.StatusForbidden, "Formular abgelaufen", ui.ErrorData{
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
		p.ServerError(w, r, err)
		return
	}
	if err := p.site.SetLogo(r.Context(), t.ID, data); err != nil {
		p.fail(w, r, d, d.SettingsForm, err, "logo")
		return
	}
	p.back(w, r, t, "logo")
}

func (p *Pages) RemoveLogo(w http.ResponseWriter, r *http.Request) {
	p.remove(w, r, authz.Update, "Logo", "Das Logo", func(d *portalData) *ui.Form { return d.SettingsForm },
		func(ctx context.Context, tenantID string) error { return p.site.RemoveLogo(ctx, tenantID) }, "logo-entfernt")
}

func (p *Pages) AddOffice(w http.ResponseWriter, r *http.Request) {
	t, d, ok := p.editable(w, r, authz.Update)
	if !ok {
		return
	}
	f := ui.NewForm()
	d.Office = f
	o := &site.Office{TenantID: t.ID,
		Rechtskreis: f.Choice(r, "rechtskreis", d.Rechtskreis, "Bitte wählen Sie einen Rechtskreis."),
		Name:        f.Text(r, "name", site.MaxText), Street: f.Text(r, "street", site.MaxText),
		PostalCode: f.Text(r, "postalCode", 20), City: f.Text(r, "city", site.MaxText),
		Phone: f.Text(r, "officePhone", phone.MaxLen), Email: f.Text(r, "officeEmail", tenant.MaxEmailLen),
		Website: f.Text(r, "officeWebsite", site.MaxURL), Hours: f.Text(r, "officeHours", site.MaxLongText)}
	if f.Invalid() {
		p.show(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	if err := p.site.SaveOffice(r.Context(), o); err != nil {
		ids := map[string]string{"rechtskreis": "rechtskreis", "name": "name", "street": "street", "postalCode": "postalCode",
			"city": "city", "phone": "officePhone", "email": "officeEmail", "website": "officeWebsite", "hours": "officeHours"}
		p.failAs(w, r, d, f, err, func(field string) string { return ids[field] })
		return
	}
	p.back(w, r, t, "stelle")
}

func (p *Pages) DeleteOffice(w http.ResponseWriter, r *http.Request) {
	p.remove(w, r, authz.Update, "Stelle", "Die Stelle", func(d *portalData) *ui.Form { return d.Office },
		func(ctx context.Context, tenantID string) error {
			return p.site.DeleteOffice(ctx, tenantID, r.PathValue("oid"))
		}, "stelle-entfernt")
}

func (p *Pages) AddLink(w http.ResponseWriter, r *http.Request) {
	t, d, ok := p.editable(w, r, authz.Create)
	if !ok {
		return
	}
	f := ui.NewForm()
	d.Link = f
	l := &site.Link{TenantID: t.ID, Service: f.Choice(r, "service", d.Services, "Bitte wählen Sie eine Leistung."),
		Title: f.Text(r, "title", site.MaxText), URL: f.Text(r, "url", site.MaxURL), Description: f.Text(r, "description", site.MaxLongText)}
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

func (p *Pages) DeleteLink(w http.ResponseWriter, r *http.Request) {
	p.remove(w, r, authz.Delete, "Link", "Der Link", func(d *portalData) *ui.Form { return d.Link },
		func(ctx context.Context, tenantID string) error {
			return p.site.DeleteLink(ctx, tenantID, r.PathValue("lid"))
		}, "link-entfernt")
}

func (p *Pages) AddVideo(w http.ResponseWriter, r *http.Request) {
	t, d, ok := p.editable(w, r, authz.Create)
	if !ok {
		return
	}
	f := ui.NewForm()
	d.Video = f
	v := &site.SignVideo{TenantID: t.ID, Title: f.Text(r, "videoTitle", site.MaxText), URL: f.Text(r, "videoUrl", site.MaxURL),
		Description: f.Text(r, "videoDescription", site.MaxLongText)}
	if f.Invalid() {
		p.show(w, r, http.StatusUnprocessableEntity, d)
		return
	}
	if err := p.site.AddSignVideo(r.Context(), v); err != nil {
		ids := map[string]string{"title": "videoTitle", "url": "videoUrl", "description": "videoDescription"}
		p.failAs(w, r, d, f, err, func(field string) string { return ids[field] })
		return
	}
	p.back(w, r, t, "video")
}

func (p *Pages) DeleteVideo(w http.ResponseWriter, r *http.Request) {
	p.remove(w, r, authz.Delete, "Video", "Das Video", func(d *portalData) *ui.Form { return d.Video },
		func(ctx context.Context, tenantID string) error {
			return p.site.DeleteSignVideo(ctx, tenantID, r.PathValue("vid"))
		}, "video-entfernt")
}

// remove is the flow of every "Entfernen" button on the portal page: the
// tenant and the page data for act, a confirmation naming what goes
// ("Logo entfernen?", "Das Logo wird … entfernt."), the removal, then back
// to the page with notice, or the page again with the error on the
// section's form.
func (p *Pages) remove(w http.ResponseWriter, r *http.Request, act, what, subject string, form func(*portalData) *ui.Form,
	del func(ctx context.Context, tenantID string) error, notice string) {
	t, d, ok := p.editable(w, r, act)
	if !ok {
		return
	}
	if !p.Confirmed(w, r, ui.Confirmation{Heading: what + " entfernen?", Text: subject + " wird aus dem Bürgerportal von " + t.Name + " entfernt.",
		Button: "Ja, entfernen", Back: "/admin/koerperschaften/" + t.ID + "/portal"}) {
		return
	}
	if err := del(r.Context(), t.ID); err != nil {
		p.fail(w, r, d, form(d), err)
		return
	}
	p.back(w, r, t, notice)
}
