package onboarding

import (
	"errors"
	"net/http"
	"sozialplattform/admin/ui"
	"strconv"
	"time"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

type fachverfahrenData struct {
	Nav      onbNav
	Items    []onboarding.Fachverfahren
	Ministry bool
	Edit     string // ID of the row whose form failed ("neu" for the new one)
	Form     *ui.Form
	States   []ui.Option
	AsOf     time.Time
}

// stateOptions are the matrix states as select options ("planned" needs a
// year beside it).
func stateOptions() []ui.Option {
	var out []ui.Option
	for _, s := range onboarding.States() {
		out = append(out, ui.Option{Value: string(s), Label: onboarding.InterfaceStatus{State: s}.Label()})
	}
	return out
}

func (o *Pages) FachverfahrenPage(w http.ResponseWriter, r *http.Request) {
	o.renderFachverfahren(w, r, http.StatusOK, "", nil)
}

func (o *Pages) renderFachverfahren(w http.ResponseWriter, r *http.Request, status int, edit string, f *ui.Form) {
	nav, ok := o.sharedPage(w, r, onboarding.ObjFachverfahren, "fachverfahren")
	if !ok {
		return
	}
	items, err := o.store.ListFachverfahren(r.Context())
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	d := fachverfahrenData{Nav: nav, Items: items, Ministry: o.isMinistry(r, onboarding.ObjFachverfahren, authz.Update),
		Edit: edit, Form: f, States: stateOptions()}
	for _, it := range items {
		if it.AsOf.After(d.AsOf) {
			d.AsOf = it.AsOf
		}
		if d.Form == nil && it.ID == r.URL.Query().Get("bearbeiten") {
			d.Form, d.Edit = fachverfahrenForm(it), it.ID
		}
	}
	if d.Form == nil {
		d.Form = ui.NewForm()
		d.Edit = "neu"
		for _, i := range onboarding.Interfaces() {
			d.Form.Set("stand-"+string(i), string(onboarding.StateUnknown))
		}
		d.Form.Set("stand-datum", o.store.Now().In(o.store.Location()).Format("2006-01-02"))
	}
	o.Render(w, r, status, "anbindung-fachverfahren", o.page(r, "Übersicht der Fachverfahren", d))
}

// fachverfahrenForm fills the edit form from a row.
func fachverfahrenForm(fv onboarding.Fachverfahren) *ui.Form {
	f := ui.NewForm()
	f.Set("id", fv.ID)
	f.Set("produkt", fv.Product)
	f.Set("hersteller", fv.Vendor)
	f.Set("anmerkungen", fv.Remarks)
	f.Set("stand-datum", fv.AsOf.Format("2006-01-02"))
	f.Set("version", strconv.Itoa(fv.Version))
	for _, i := range onboarding.Interfaces() {
		st := fv.Status(i)
		f.Set("stand-"+string(i), string(st.State))
		if st.Year > 0 {
			f.Set("jahr-"+string(i), strconv.Itoa(st.Year))
		}
	}
	return f
}

func (o *Pages) FachverfahrenCSV(w http.ResponseWriter, r *http.Request) {
	if !o.Authz.AllowedAnywhere(authz.PrincipalFrom(r.Context()), onboarding.ObjFachverfahren, authz.Read) {
		o.Forbidden(w, r, "")
		return
	}
	items, err := o.store.ListFachverfahren(r.Context())
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	o.writeCSV(w, r, o.store.FachverfahrenCSV(items), "fachverfahren.csv")
}

// SaveFachverfahren stores a row of the matrix; the form's "id" names it
// (a new row gets the ID typed in).
func (o *Pages) SaveFachverfahren(w http.ResponseWriter, r *http.Request) {
	if !o.requireMinistry(w, r, onboarding.ObjFachverfahren, authz.Update) {
		return
	}
	f := ui.NewForm()
	edit := r.PostForm.Get("zeile")
	if edit != "neu" {
		edit = r.PostForm.Get("id")
	}
	id := f.Text(r, "id", 64)
	in := onboarding.FachverfahrenInput{Product: f.Text(r, "produkt", 200), Vendor: f.Text(r, "hersteller", 200),
		Remarks: f.LongText(r, "anmerkungen", 2000), Interfaces: map[onboarding.Interface]onboarding.InterfaceStatus{}}
	for _, i := range onboarding.Interfaces() {
		st := onboarding.InterfaceStatus{State: onboarding.State(f.Choice(r, "stand-"+string(i), stateOptions(), "Bitte wählen Sie einen Stand."))}
		if y := f.Text(r, "jahr-"+string(i), 4); y != "" {
			n, err := strconv.Atoi(y)
			if err != nil {
				f.Add("jahr-"+string(i), "Bitte geben Sie ein Jahr an, z. B. 2026.")
			}
			st.Year = n
		}
		in.Interfaces[i] = st
	}
	if s := f.Text(r, "stand-datum", 10); s != "" {
		t, err := time.ParseInLocation("2006-01-02", s, o.store.Location())
		if err != nil {
			f.Add("stand-datum", "Bitte geben Sie ein Datum an.")
		}
		in.AsOf = t
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	f.Set("version", strconv.Itoa(version))
	if f.Invalid() {
		o.renderFachverfahren(w, r, http.StatusUnprocessableEntity, edit, f)
		return
	}
	_, err := o.store.PutFachverfahren(r.Context(), id, version, in)
	ids := map[string]string{"id": "id", "product": "produkt", "vendor": "hersteller", "remarks": "anmerkungen"}
	for _, i := range onboarding.Interfaces() {
		ids["interfaces."+string(i)] = "jahr-" + string(i)
	}
	switch {
	case err == nil:
		ui.SeeOther(w, r, "/admin/fachverfahren", "gespeichert")
	case errors.Is(err, tenant.ErrStaleVersion):
		f.Fail("Die Zeile wurde zwischenzeitlich geändert. Bitte prüfen Sie den aktuellen Stand und speichern Sie erneut.")
		o.renderFachverfahren(w, r, http.StatusConflict, edit, f)
	case f.StoreErrors(err, func(field string) string { return ids[field] }):
		o.renderFachverfahren(w, r, http.StatusUnprocessableEntity, edit, f)
	default:
		o.ServerError(w, r, err)
	}
}

type templatesData struct {
	Nav      onbNav
	Items    []onboarding.Template
	Ministry bool
	Edit     string
	Form     *ui.Form
	Variants []ui.Option
	Phases   []ui.Option
	Scopes   []ui.Option
	Facts    []ui.Option
}

func variantOptions() []ui.Option {
	out := []ui.Option{{Value: "0", Label: "Alle Varianten"}}
	for _, v := range onboarding.Variants() {
		out = append(out, ui.Option{Value: strconv.Itoa(int(v)), Label: v.Label()})
	}
	return out
}

func scopeOptions() []ui.Option {
	return []ui.Option{{Value: string(onboarding.ScopeCase), Label: "Je Antragsstrecke"},
		{Value: string(onboarding.ScopeTenant), Label: "Einmal je Kommune (gilt für alle ihre Fälle)"}}
}

func factOptions() []ui.Option {
	return append([]ui.Option{{Value: "", Label: "Keine – Menschen haken den Punkt ab"}}, ui.Options(onboarding.Facts())...)
}

func (o *Pages) TemplatesPage(w http.ResponseWriter, r *http.Request) {
	o.renderTemplates(w, r, http.StatusOK, "", nil)
}

func (o *Pages) renderTemplates(w http.ResponseWriter, r *http.Request, status int, edit string, f *ui.Form) {
	nav, ok := o.sharedPage(w, r, onboarding.ObjChecklistTemplate, "checklisten")
	if !ok {
		return
	}
	ministry := o.isMinistry(r, onboarding.ObjChecklistTemplate, authz.Update)
	items, err := o.store.ListTemplates(r.Context(), ministry)
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	for _, it := range items {
		if f == nil && it.ID == r.URL.Query().Get("bearbeiten") {
			f, edit = templateForm(it), it.ID
		}
	}
	if f == nil {
		f, edit = ui.NewForm(), "neu"
		f.Set("aktiv", "1")
		f.Set("variante", "0")
		f.Set("umfang", string(onboarding.ScopeCase))
	}
	o.Render(w, r, status, "anbindung-checklisten", o.page(r, "Checklisten der Anbindung", templatesData{Nav: nav, Items: items,
		Ministry: ministry, Edit: edit, Form: f, Variants: variantOptions(), Phases: ui.Options(onboarding.Phases()),
		Scopes: scopeOptions(), Facts: factOptions()}))
}

// templateForm fills the edit form from a template.
func templateForm(t onboarding.Template) *ui.Form {
	f := ui.NewForm()
	f.Set("id", t.ID)
	f.Set("variante", strconv.Itoa(int(t.Variant)))
	f.Set("phase", string(t.Phase))
	f.Set("titel", t.Title)
	f.Set("beschreibung", t.Description)
	f.Set("position", strconv.Itoa(t.Position))
	f.Set("umfang", string(t.Scope))
	f.Set("nachweis", string(t.Fact))
	f.Set("version", strconv.Itoa(t.Version))
	if t.Active {
		f.Set("aktiv", "1")
	}
	return f
}

func (o *Pages) SaveTemplate(w http.ResponseWriter, r *http.Request) {
	if !o.requireMinistry(w, r, onboarding.ObjChecklistTemplate, authz.Update) {
		return
	}
	f := ui.NewForm()
	edit := r.PostForm.Get("zeile")
	if edit != "neu" {
		edit = r.PostForm.Get("id")
	}
	id := f.Text(r, "id", 64)
	v, _ := strconv.Atoi(f.Choice(r, "variante", variantOptions(), "Bitte wählen Sie eine Variante."))
	in := onboarding.TemplateInput{Variant: onboarding.Variant(v),
		Phase: onboarding.Phase(f.Choice(r, "phase", ui.Options(onboarding.Phases()), "Bitte wählen Sie eine Phase.")),
		Title: f.Text(r, "titel", 200), Description: f.LongText(r, "beschreibung", 2000), Active: r.PostForm.Get("aktiv") == "1",
		Scope: onboarding.Scope(f.Choice(r, "umfang", scopeOptions(), "Bitte wählen Sie, ob der Punkt je Antragsstrecke oder einmal je Kommune gilt.")),
		Fact:  onboarding.Fact(f.Choice(r, "nachweis", factOptions(), "Bitte wählen Sie eine Tatsache aus der Liste."))}
	if s := f.Text(r, "position", 4); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			f.Add("position", "Bitte geben Sie eine Zahl an.")
		}
		in.Position = n
	}
	if in.Active {
		f.Set("aktiv", "1")
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	f.Set("version", strconv.Itoa(version))
	if f.Invalid() {
		o.renderTemplates(w, r, http.StatusUnprocessableEntity, edit, f)
		return
	}
	_, err := o.store.PutTemplate(r.Context(), id, version, in)
	ids := map[string]string{"id": "id", "variant": "variante", "phase": "phase", "title": "titel", "description": "beschreibung",
		"scope": "umfang", "fact": "nachweis"}
	switch {
	case err == nil:
		ui.SeeOther(w, r, "/admin/checklisten", "vorlage")
	case errors.Is(err, tenant.ErrStaleVersion):
		f.Fail("Die Vorlage wurde zwischenzeitlich geändert. Bitte prüfen Sie den aktuellen Stand und speichern Sie erneut.")
		o.renderTemplates(w, r, http.StatusConflict, edit, f)
	case f.StoreErrors(err, func(field string) string { return ids[field] }):
		o.renderTemplates(w, r, http.StatusUnprocessableEntity, edit, f)
	default:
		o.ServerError(w, r, err)
	}
}
