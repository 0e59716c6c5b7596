package onboarding

import (
	"errors"
	"net/http"
	"sozialplattform/admin/ui"
	"strconv"
	"strings"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
)

// supportData fills the page of the support actors ("Ansprechstellen").
type supportData struct {
	Nav      onbNav
	Items    []onboarding.SupportContact
	Ministry bool
	// Edit is the ID of the actor in the form, "neu" for a new one.
	Edit string
	Form *ui.Form
}

// SupportContactsPage lists the support actors; the ministry also edits
// them. Everybody who may read them sees the list (municipalities find
// them on their case pages as well).
func (o *Pages) SupportContactsPage(w http.ResponseWriter, r *http.Request) {
	o.renderSupportContacts(w, r, http.StatusOK, "", nil)
}

func (o *Pages) renderSupportContacts(w http.ResponseWriter, r *http.Request, status int, edit string, f *ui.Form) {
	nav, ok := o.sharedPage(w, r, onboarding.ObjSupportContact, "ansprechstellen")
	if !ok {
		return
	}
	items, err := o.store.ListSupportContacts(r.Context())
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	d := supportData{Nav: nav, Items: items, Ministry: o.isMinistry(r, onboarding.ObjSupportContact, authz.Update), Edit: edit, Form: f}
	if d.Form == nil {
		for _, it := range items {
			if it.ID == r.URL.Query().Get("bearbeiten") {
				d.Form, d.Edit = supportForm(it), it.ID
			}
		}
	}
	if d.Form == nil {
		d.Form, d.Edit = ui.NewForm(), "neu"
		d.Form.Set("reihenfolge", strconv.Itoa(10*(len(items)+1)))
	}
	o.Render(w, r, status, "anbindung-ansprechstellen", o.page(r, "Ansprechstellen der Anbindung", d))
}

// supportForm fills the edit form from an actor.
func supportForm(c onboarding.SupportContact) *ui.Form {
	f := ui.NewForm()
	f.Set("name", c.Name)
	f.Set("rolle", c.Role)
	f.Set("postfach", c.Mailbox)
	f.Set("telefon", c.Phone)
	f.Set("reihenfolge", strconv.Itoa(c.Position))
	f.Set("version", strconv.Itoa(c.Version))
	for _, v := range c.Variants {
		f.Set("variante-"+strconv.Itoa(int(v)), "1")
	}
	for _, p := range c.Phases {
		f.Set("phase-"+string(p), "1")
	}
	return f
}

// supportFieldIDs maps the store's field names to the form's.
var supportFieldIDs = map[string]string{"name": "name", "role": "rolle", "mailbox": "postfach", "phone": "telefon",
	"variants": "variante-1", "phases": "phase-preparation", "position": "reihenfolge"}

// SaveSupportContact adds an actor or changes one (form field "stelle":
// "neu" or the actor's ID).
func (o *Pages) SaveSupportContact(w http.ResponseWriter, r *http.Request) {
	if !o.requireMinistry(w, r, onboarding.ObjSupportContact, authz.Update) {
		return
	}
	f := ui.NewForm()
	edit := r.PostForm.Get("stelle")
	in := onboarding.SupportContactInput{Name: f.Text(r, "name", 120), Role: f.LongText(r, "rolle", 500),
		Mailbox: f.Text(r, "postfach", 254), Phone: f.Text(r, "telefon", 60)}
	for _, v := range onboarding.Variants() {
		id := "variante-" + strconv.Itoa(int(v))
		if r.PostForm.Get(id) == "1" {
			in.Variants = append(in.Variants, v)
			f.Set(id, "1")
		}
	}
	for _, p := range onboarding.Phases() {
		id := "phase-" + string(p)
		if r.PostForm.Get(id) == "1" {
			in.Phases = append(in.Phases, p)
			f.Set(id, "1")
		}
	}
	if s := f.Text(r, "reihenfolge", 4); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			f.Add("reihenfolge", "Bitte geben Sie die Reihenfolge als Zahl an, z. B. 10.")
		}
		in.Position = n
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	f.Set("version", strconv.Itoa(version))
	if f.Invalid() {
		// The store's checks too, so that every wrong field shows at once.
		f.StoreErrors(in.Validate(), func(field string) string { return supportFieldIDs[field] })
		o.renderSupportContacts(w, r, http.StatusUnprocessableEntity, edit, f)
		return
	}
	var err error
	if edit == "neu" || edit == "" {
		edit = "neu"
		_, err = o.store.CreateSupportContact(r.Context(), in)
	} else {
		_, err = o.store.UpdateSupportContact(r.Context(), edit, version, in)
	}
	switch {
	case err == nil:
		ui.SeeOther(w, r, "/admin/ansprechstellen", "stelle")
	case errors.Is(err, tenant.ErrNotFound):
		o.NotFound(w, r)
	case errors.Is(err, tenant.ErrStaleVersion):
		f.Fail("Die Ansprechstelle wurde zwischenzeitlich geändert. Bitte prüfen Sie den aktuellen Stand und speichern Sie erneut.")
		o.renderSupportContacts(w, r, http.StatusConflict, edit, f)
	case f.StoreErrors(err, func(field string) string { return supportFieldIDs[field] }):
		o.renderSupportContacts(w, r, http.StatusUnprocessableEntity, edit, f)
	default:
		o.ServerError(w, r, err)
	}
}

// DeleteSupportContact removes an actor after the confirmation step.
func (o *Pages) DeleteSupportContact(w http.ResponseWriter, r *http.Request) {
	if !o.requireMinistry(w, r, onboarding.ObjSupportContact, authz.Delete) {
		return
	}
	c, err := o.store.GetSupportContact(r.Context(), r.PathValue("sid"))
	if errors.Is(err, tenant.ErrNotFound) {
		o.NotFound(w, r)
		return
	}
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	if !o.Confirmed(w, r, ui.Confirmation{Heading: "Ansprechstelle entfernen?",
		Text:   "„" + c.Name + "“ erscheint danach auf keiner Fallseite und in keiner Bestellbestätigung mehr.",
		Button: "Ja, entfernen", Back: "/admin/ansprechstellen"}) {
		return
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	err = o.store.DeleteSupportContact(r.Context(), c.ID, version)
	switch {
	case err == nil:
		ui.SeeOther(w, r, "/admin/ansprechstellen", "stelle-entfernt")
	case errors.Is(err, tenant.ErrStaleVersion):
		f := ui.NewForm()
		f.Fail("Die Ansprechstelle wurde zwischenzeitlich geändert. Bitte prüfen Sie den aktuellen Stand und entfernen Sie sie dann erneut.")
		o.renderSupportContacts(w, r, http.StatusConflict, "", f)
	default:
		o.ServerError(w, r, err)
	}
}

// telLink is the tel: address of a written phone number ("0391 567-0" →
// "tel:03915670", "+49 391 567-0" → "tel:+493915670").
func telLink(s string) string {
	var b strings.Builder
	for i, c := range s {
		if c >= '0' && c <= '9' || c == '+' && i == 0 {
			b.WriteRune(c)
		}
	}
	return "tel:" + b.String()
}
