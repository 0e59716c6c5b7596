package core

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"sozialplattform/admin/ui"
	"strconv"
	"strings"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/keyset"
	"sozialplattform/tenant/phone"
)

// Field limits of the tenant forms beyond those the store checks.
const (
	maxSlugLen  = 100
	maxPhoneLen = phone.MaxLen
	minContacts = 3 // empty contact rows the form offers at least
	// maxPostalInput is generous, so that a wrong postal code gets the
	// store's explanation ("fünf Ziffern") rather than a length message.
	maxPostalInput = 20
)

type tenantData struct {
	Nav      ui.TenantNav
	Tenant   *tenant.Tenant
	Children []tenant.Tenant // one page of them
	// MoreChildren links to the next page of children; Continued says
	// this is not the first.
	MoreChildren string
	Continued    bool
	CanEdit      bool // may change the tenant's data
	CanKey       bool // may also change official key and active state
	CanCreate    bool // may create tenants below
	Form         *ui.Form
	Contacts     []int         // indices of the contact rows of the form
	Stale        []staleField  // what the stored version says, after a conflict
	Kinds        []tenant.Kind // kinds that may be created below
}

// staleField is a value someone else saved meanwhile.
type staleField struct {
	Label string
	Value string
}

func (c *Pages) TenantPage(w http.ResponseWriter, r *http.Request) {
	t, ok := c.TenantFor(w, r, "", "")
	if !ok {
		return
	}
	f := ui.NewForm()
	fillTenantForm(f, t)
	c.renderTenant(w, r, http.StatusOK, t, f, contactRows(len(t.Contacts)+1), nil)
}

func (c *Pages) renderTenant(w http.ResponseWriter, r *http.Request, status int, t *tenant.Tenant, f *ui.Form, contacts int, stale []staleField) {
	// The Land has 2,000 counselling organisations below it: its children
	// come a page at a time, continued after the last one shown.
	p := keyset.Page[tenant.TenantKey]{Limit: childrenPageSize}
	if after, ok := decodeTenantKey(r.URL.Query().Get("ab")); ok {
		p.After = &after
	}
	rows, err := c.Store.ListTenantsPage(r.Context(), tenant.TenantFilter{ParentID: t.ID}, p)
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	children, more := keyset.Cut(rows, p.Size())
	d := tenantData{
		Nav: c.TenantNavFor(r, t, "details", t.Name), Tenant: t, Children: children, Form: f, Stale: stale, Continued: p.After != nil,
		CanEdit:   c.Allowed(r, t.ID, authz.ObjTenant, authz.Update),
		CanKey:    c.Allowed(r, t.ID, authz.ObjTenant, authz.Create),
		CanCreate: c.Allowed(r, t.ID, authz.ObjTenant, authz.Create) && len(t.Kind.ChildKinds()) > 0,
	}
	if more {
		d.MoreChildren = "/admin/koerperschaften/" + t.ID + "?ab=" + encodeTenantKey(children[len(children)-1].PageKey()) + "#darunter"
	}
	for i := range contacts {
		d.Contacts = append(d.Contacts, i)
	}
	c.Render(w, r, status, "koerperschaft", &ui.View{Title: t.Name, Data: d})
}

// childrenPageSize is how many children a tenant's page lists at once.
const childrenPageSize = 100

// encodeTenantKey and decodeTenantKey carry a position among a tenant's
// children in the link to the next page. The position is no secret and
// grants nothing (the page lists the children of a tenant the person may
// read, from wherever); a garbled one starts from the first.
func encodeTenantKey(k tenant.TenantKey) string {
	b, _ := json.Marshal(k) // a struct of strings and an int
	return base64.RawURLEncoding.EncodeToString(b)
}

func decodeTenantKey(s string) (tenant.TenantKey, bool) {
	var k tenant.TenantKey
	if s == "" || len(s) > 2048 {
		return k, false
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || json.Unmarshal(b, &k) != nil || k.ID == "" {
		return k, false
	}
	return k, true
}

// contactRows is how many contact rows the form offers: one more than
// stored, at least minContacts, at most tenant.MaxContacts.
func contactRows(n int) int {
	return min(max(n, minContacts), tenant.MaxContacts)
}

// fillTenantForm puts a stored tenant into the edit form.
func fillTenantForm(f *ui.Form, t *tenant.Tenant) {
	f.Set("version", strconv.Itoa(t.Version))
	f.Set("name", t.Name)
	f.Set("slug", t.Slug)
	f.Set("officialKey", t.Key())
	f.Set("functionMailbox", t.FunctionMailbox)
	f.Set("street", t.Street)
	f.Set("postalCode", t.PostalCode)
	f.Set("city", t.City)
	f.Set("itProvider", t.ITProvider)
	if t.Active {
		f.Set("active", "1")
	}
	for i, ct := range t.Contacts {
		f.Set(contactID(i, "name"), ct.Name)
		f.Set(contactID(i, "role"), ct.Role)
		f.Set(contactID(i, "email"), ct.Email)
		f.Set(contactID(i, "phone"), ct.Phone)
	}
}

func contactID(row int, part string) string { return fmt.Sprintf("contact-%d-%s", row, part) }

// tenantFields are the form fields every edit and create form has, with
// their limits.
var tenantFields = []struct {
	id  string
	max int
}{
	{"name", tenant.MaxNameLen},
	{"slug", maxSlugLen},
	{"functionMailbox", tenant.MaxEmailLen},
	{"street", tenant.MaxTextLen},
	{"postalCode", maxPostalInput},
	{"city", tenant.MaxTextLen},
	{"itProvider", tenant.MaxTextLen},
}

func (c *Pages) UpdateTenant(w http.ResponseWriter, r *http.Request) {
	t, ok := c.TenantFor(w, r, authz.ObjTenant, authz.Update)
	if !ok {
		return
	}
	canKey := c.Allowed(r, t.ID, authz.ObjTenant, authz.Create)
	f := ui.NewForm()
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	f.Set("version", strconv.Itoa(version))
	var p tenant.TenantPatch
	vals := map[string]*string{}
	for _, fl := range tenantFields {
		v := f.Text(r, fl.id, fl.max)
		vals[fl.id] = &v
	}
	p.Name, p.Slug, p.FunctionMailbox = vals["name"], vals["slug"], vals["functionMailbox"]
	p.Street, p.PostalCode, p.City, p.ITProvider = vals["street"], vals["postalCode"], vals["city"], vals["itProvider"]
	if canKey {
		// Only who may create tenants here may change what identifies one
		// (as in the API); for everyone else the fields are not read.
		key := f.Text(r, "officialKey", 20)
		p.OfficialKey = &key
		active := r.PostForm.Get("active") == "1"
		if active {
			f.Set("active", "1")
		}
		p.Active = &active
	} else {
		f.Set("officialKey", t.Key())
	}
	rows, _ := strconv.Atoi(r.PostForm.Get("contacts"))
	rows = min(max(rows, 0), tenant.MaxContacts)
	contacts, kept := readContacts(f, r, rows)
	p.Contacts = &contacts

	if !f.Invalid() {
		_, err := c.Store.UpdateTenant(r.Context(), t.ID, version, p)
		switch {
		case err == nil:
			ui.SeeOther(w, r, "/admin/koerperschaften/"+t.ID, "gespeichert")
			return
		case errors.Is(err, tenant.ErrStaleVersion):
			current, gerr := c.Store.GetTenant(r.Context(), t.ID)
			if gerr != nil {
				c.ServerError(w, r, gerr)
				return
			}
			f.Fail("Der Datensatz wurde zwischenzeitlich geändert, während Sie ihn bearbeitet haben. " +
				"Ihre Eingaben sind unten erhalten; darunter steht, was inzwischen gespeichert ist. " +
				"Prüfen Sie die Angaben; wenn Sie erneut speichern, gelten Ihre Eingaben.")
			f.Set("version", strconv.Itoa(current.Version))
			c.renderTenant(w, r, http.StatusConflict, current, f, contactRows(rows), staleFields(f, current, canKey))
			return
		case !f.StoreErrors(err, tenantFieldIDs(kept)):
			if errors.Is(err, tenant.ErrNotFound) {
				c.NotFound(w, r)
				return
			}
			c.ServerError(w, r, err)
			return
		}
	}
	c.renderTenant(w, r, http.StatusUnprocessableEntity, t, f, contactRows(rows), nil)
}

// readContacts reads the contact rows; rows left entirely empty are
// dropped. kept[i] is the form row of contacts[i], to put the store's
// "contacts[i].email" errors next to the right field.
func readContacts(f *ui.Form, r *http.Request, rows int) (contacts []tenant.Contact, kept []int) {
	contacts = []tenant.Contact{}
	for i := range rows {
		ct := tenant.Contact{
			Name:  f.Text(r, contactID(i, "name"), tenant.MaxNameLen),
			Role:  f.Text(r, contactID(i, "role"), tenant.MaxTextLen),
			Email: f.Text(r, contactID(i, "email"), tenant.MaxEmailLen),
			Phone: f.Text(r, contactID(i, "phone"), maxPhoneLen),
		}
		if ct == (tenant.Contact{}) {
			continue
		}
		contacts = append(contacts, ct)
		kept = append(kept, i)
	}
	return contacts, kept
}

// tenantFieldIDs maps the store's field names to the tenant form's ids.
func tenantFieldIDs(kept []int) func(string) string {
	same := ui.SameIDs("kind", "name", "officialKey", "slug", "functionMailbox", "street", "postalCode", "city", "itProvider")
	return func(field string) string {
		var i int
		var part string
		if n, _ := fmt.Sscanf(strings.NewReplacer("[", " ", "].", " ").Replace(field), "contacts %d %s", &i, &part); n == 2 {
			if i >= 0 && i < len(kept) {
				return contactID(kept[i], part)
			}
			return ""
		}
		return same(field)
	}
}

// staleFields lists what is stored now where it differs from the input.
func staleFields(f *ui.Form, t *tenant.Tenant, canKey bool) []staleField {
	var out []staleField
	add := func(label, id, stored string) {
		if f.Get(id) != stored {
			if stored == "" {
				stored = "(leer)"
			}
			out = append(out, staleField{Label: label, Value: stored})
		}
	}
	add("Name", "name", t.Name)
	add("Kurzname", "slug", t.Slug)
	if canKey {
		add("Amtlicher Schlüssel", "officialKey", t.Key())
		active := ""
		if t.Active {
			active = "1"
		}
		if f.Get("active") != active {
			state := "inaktiv"
			if t.Active {
				state = "aktiv"
			}
			out = append(out, staleField{Label: "Status", Value: state})
		}
	}
	add("Funktionspostfach", "functionMailbox", t.FunctionMailbox)
	add("Straße und Hausnummer", "street", t.Street)
	add("Postleitzahl", "postalCode", t.PostalCode)
	add("Ort", "city", t.City)
	add("IT-Dienstleister", "itProvider", t.ITProvider)
	var names []string
	for _, ct := range t.Contacts {
		names = append(names, ct.Name)
	}
	stored := strings.Join(names, ", ")
	var typed []string
	for i := range tenant.MaxContacts {
		if n := f.Get(contactID(i, "name")); n != "" {
			typed = append(typed, n)
		}
	}
	if strings.Join(typed, ", ") != stored {
		if stored == "" {
			stored = "(keine)"
		}
		out = append(out, staleField{Label: "Ansprechpersonen", Value: stored})
	}
	return out
}

type newTenantData struct {
	Parent *tenant.Tenant
	Kinds  []ui.Option
	Form   *ui.Form
}

func (c *Pages) NewTenantForm(w http.ResponseWriter, r *http.Request) {
	parent, ok := c.TenantByID(w, r, r.URL.Query().Get("parent"), authz.ObjTenant, authz.Create)
	if !ok {
		return
	}
	f := ui.NewForm()
	if kinds := parent.Kind.ChildKinds(); len(kinds) > 0 {
		f.Set("kind", string(kinds[0]))
	}
	c.renderNewTenant(w, r, http.StatusOK, parent, f)
}

func (c *Pages) renderNewTenant(w http.ResponseWriter, r *http.Request, status int, parent *tenant.Tenant, f *ui.Form) {
	c.Render(w, r, status, "koerperschaft-neu", &ui.View{Title: "Körperschaft anlegen",
		Data: newTenantData{Parent: parent, Kinds: ui.Options(parent.Kind.ChildKinds()), Form: f}})
}

func (c *Pages) CreateTenant(w http.ResponseWriter, r *http.Request) {
	parent, ok := c.TenantByID(w, r, r.PostForm.Get("parent"), authz.ObjTenant, authz.Create)
	if !ok {
		return
	}
	f := ui.NewForm()
	kind := f.Choice(r, "kind", ui.Options(parent.Kind.ChildKinds()), "Bitte wählen Sie eine Art, die unter "+parent.Name+" stehen kann.")
	t := &tenant.Tenant{ParentID: &parent.ID, Kind: tenant.Kind(kind), Active: true}
	t.Name = f.Text(r, "name", tenant.MaxNameLen)
	if key := f.Text(r, "officialKey", 20); key != "" {
		t.OfficialKey = &key
	}
	t.Slug = f.Text(r, "slug", maxSlugLen)
	t.FunctionMailbox = f.Text(r, "functionMailbox", tenant.MaxEmailLen)
	t.Street = f.Text(r, "street", tenant.MaxTextLen)
	t.PostalCode = f.Text(r, "postalCode", maxPostalInput)
	t.City = f.Text(r, "city", tenant.MaxTextLen)
	t.ITProvider = f.Text(r, "itProvider", tenant.MaxTextLen)
	if !f.Invalid() {
		err := c.Store.CreateTenant(r.Context(), t)
		if err == nil {
			ui.SeeOther(w, r, "/admin/koerperschaften/"+t.ID, "angelegt")
			return
		}
		if !f.StoreErrors(err, tenantFieldIDs(nil)) {
			c.ServerError(w, r, err)
			return
		}
	}
	c.renderNewTenant(w, r, http.StatusUnprocessableEntity, parent, f)
}
