package market

import (
	"errors"
	"net/http"
	"sozialplattform/admin/ui"

	"sozialplattform/marketplace"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/phone"
)

// registrationFields are the form's fields; their IDs are the store's
// field names, so that its errors land next to them.
var registrationFields = []string{"authorityName", "officialKey", "functionMailbox", "street", "postalCode", "city",
	"contactName", "contactPhone", "acceptTerms"}

type registrationFormData struct {
	Form *ui.Form
	Nav  navLinks
}

func (m *Pages) RegistrationForm(w http.ResponseWriter, r *http.Request) {
	m.renderRegistrationForm(w, r, http.StatusOK, ui.NewForm())
}

func (m *Pages) renderRegistrationForm(w http.ResponseWriter, r *http.Request, status int, f *ui.Form) {
	nav, err := m.nav(r, "registrierung")
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	m.renderPublic(w, r, status, "markt-registrierung", m.page(r, "Behörde registrieren", registrationFormData{Form: f, Nav: nav}))
}

// Register stores a registration; the form comes back with every problem
// next to its field and the input kept.
func (m *Pages) Register(w http.ResponseWriter, r *http.Request) {
	if !m.CSRFOK(w, r, "/marktplatz/registrierung") {
		return
	}
	f := ui.NewForm()
	in := marketplace.RegistrationInput{
		AuthorityName:   f.Text(r, "authorityName", tenant.MaxNameLen),
		OfficialKey:     f.Text(r, "officialKey", 20),
		FunctionMailbox: f.Text(r, "functionMailbox", tenant.MaxEmailLen),
		Street:          f.Text(r, "street", tenant.MaxTextLen),
		PostalCode:      f.Text(r, "postalCode", 10),
		City:            f.Text(r, "city", tenant.MaxTextLen),
		ContactName:     f.Text(r, "contactName", tenant.MaxNameLen),
		ContactPhone:    f.Text(r, "contactPhone", phone.MaxLen),
		AcceptTerms:     r.PostForm.Get("acceptTerms") == "1",
	}
	if in.AcceptTerms {
		f.Set("acceptTerms", "1")
	}
	status := http.StatusUnprocessableEntity
	if !f.Invalid() {
		_, _, err := m.store.Register(r.Context(), in)
		switch {
		case err == nil:
			http.Redirect(w, r, "/marktplatz/registrierung/eingegangen", http.StatusSeeOther)
			return
		case f.StoreErrors(err, ui.SameIDs(registrationFields...)):
		case refusal(err) != "":
			f.Fail(refusal(err))
			status = statusOf(err)
		default:
			m.ServerError(w, r, err)
			return
		}
	}
	m.renderRegistrationForm(w, r, status, f)
}

func (m *Pages) RegistrationReceived(w http.ResponseWriter, r *http.Request) {
	m.renderStatic(w, r, "markt-registrierung-eingegangen", "Registrierung eingegangen")
}

// renderStatic renders a public page that shows only text.
func (m *Pages) renderStatic(w http.ResponseWriter, r *http.Request, page, title string) {
	nav, err := m.nav(r, "")
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	m.renderPublic(w, r, http.StatusOK, page, m.page(r, title, struct {
		Nav         navLinks
		DemoMailbox bool // the demo without a mail server shows where its mails are
	}{nav, m.DemoMailbox()}))
}

type confirmData struct {
	Registration *marketplace.Registration
	Problem      string
	// Reregister offers a new registration: for a link that is unknown,
	// expired or of a rejected registration, not for one already used (the
	// mailbox is confirmed; a new registration would be a duplicate).
	Reregister bool
	Done       bool
	Nav        navLinks
}

// linkGone is the page for a confirmation link that no longer works.
func linkGone(err error) confirmData {
	return confirmData{Problem: refusal(err), Reregister: !errors.Is(err, marketplace.ErrLinkUsed)}
}

func (m *Pages) renderConfirm(w http.ResponseWriter, r *http.Request, status int, title string, d confirmData) {
	nav, err := m.nav(r, "")
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	d.Nav = nav
	m.renderPublic(w, r, status, "markt-bestaetigen", m.page(r, title, d))
}

// ConfirmForm is where the link in the confirmation mail leads. It asks
// for a click rather than confirming at once, so that a mail scanner that
// opens links does not use the single-use link up.
func (m *Pages) ConfirmForm(w http.ResponseWriter, r *http.Request) {
	reg, err := m.store.LookupConfirmation(r.Context(), r.PathValue("token"))
	if msg := refusal(err); msg != "" {
		m.renderConfirm(w, r, statusOf(err), "Funktionspostfach bestätigen", linkGone(err))
		return
	}
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	m.renderConfirm(w, r, http.StatusOK, "Funktionspostfach bestätigen", confirmData{Registration: reg})
}

func (m *Pages) Confirm(w http.ResponseWriter, r *http.Request) {
	if !m.CSRFOK(w, r, r.URL.Path) {
		return
	}
	reg, err := m.store.ConfirmRegistration(r.Context(), r.PathValue("token"))
	if msg := refusal(err); msg != "" {
		m.renderConfirm(w, r, statusOf(err), "Funktionspostfach bestätigen", linkGone(err))
		return
	}
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	m.renderConfirm(w, r, http.StatusOK, "Funktionspostfach bestätigt", confirmData{Registration: reg, Done: true})
}

type registrationsData struct {
	Form   *ui.Form
	States []ui.Option
	Items  []marketplace.Registration
	Nav    navLinks
	State  string
}

// RegistrationsPage lists registrations for the ministry, filtered by state.
func (m *Pages) RegistrationsPage(w http.ResponseWriter, r *http.Request) {
	if !m.requireMinistry(w, r, marketplace.ObjRegistration, authz.Read) {
		return
	}
	f := ui.NewForm()
	state := marketplace.RegistrationState(r.URL.Query().Get("stand"))
	if state != "" && !registrationStateKnown(state) {
		state = ""
	}
	f.Set("stand", string(state))
	items, err := m.store.ListRegistrations(r.Context(), marketplace.RegistrationFilter{State: state})
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	nav, err := m.nav(r, "registrierungen")
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	m.Render(w, r, http.StatusOK, "markt-registrierungen", m.page(r, "Registrierungen", registrationsData{Form: f, States: ui.Options(marketplace.RegistrationStates), Items: items, Nav: nav, State: string(state)}))
}

func registrationStateKnown(s marketplace.RegistrationState) bool {
	for _, k := range marketplace.RegistrationStates {
		if k == s {
			return true
		}
	}
	return false
}

type registrationData struct {
	Registration *marketplace.Registration
	Form         *ui.Form
	Problem      string
	Nav          navLinks
}

func (m *Pages) RegistrationPage(w http.ResponseWriter, r *http.Request) {
	if !m.requireMinistry(w, r, marketplace.ObjRegistration, authz.Read) {
		return
	}
	m.renderRegistration(w, r, http.StatusOK, ui.NewForm(), "")
}

func (m *Pages) renderRegistration(w http.ResponseWriter, r *http.Request, status int, f *ui.Form, problem string) {
	reg, err := m.store.GetRegistration(r.Context(), r.PathValue("rid"))
	if errors.Is(err, tenant.ErrNotFound) {
		m.NotFound(w, r)
		return
	}
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	nav, err := m.nav(r, "registrierungen")
	if err != nil {
		m.ServerError(w, r, err)
		return
	}
	m.Render(w, r, status, "markt-registrierung-detail", m.page(r, "Registrierung: "+reg.AuthorityName,
		registrationData{Registration: reg, Form: f, Problem: problem, Nav: nav}))
}

func (m *Pages) Activate(w http.ResponseWriter, r *http.Request) {
	if !m.requireMinistry(w, r, marketplace.ObjRegistration, authz.Update) {
		return
	}
	_, err := m.store.ActivateRegistration(r.Context(), r.PathValue("rid"))
	switch {
	case err == nil:
		ui.SeeOther(w, r, "/admin/marktplatz/registrierungen/"+r.PathValue("rid"), "freigeschaltet")
	case errors.Is(err, tenant.ErrNotFound):
		m.NotFound(w, r)
	case refusal(err) != "":
		m.renderRegistration(w, r, statusOf(err), ui.NewForm(), refusal(err))
	default:
		var fe tenant.FieldErrors
		if errors.As(err, &fe) {
			m.renderRegistration(w, r, http.StatusUnprocessableEntity, ui.NewForm(), "Die Körperschaft konnte nicht angelegt werden: "+fe.Error())
			return
		}
		m.ServerError(w, r, err)
	}
}

func (m *Pages) Reject(w http.ResponseWriter, r *http.Request) {
	if !m.requireMinistry(w, r, marketplace.ObjRegistration, authz.Update) {
		return
	}
	f := ui.NewForm()
	reason := f.LongText(r, "reason", marketplace.MaxReason)
	if f.Invalid() {
		m.renderRegistration(w, r, http.StatusUnprocessableEntity, f, "")
		return
	}
	_, err := m.store.RejectRegistration(r.Context(), r.PathValue("rid"), reason)
	switch {
	case err == nil:
		ui.SeeOther(w, r, "/admin/marktplatz/registrierungen/"+r.PathValue("rid"), "abgelehnt")
	case errors.Is(err, tenant.ErrNotFound):
		m.NotFound(w, r)
	case f.StoreErrors(err, ui.SameIDs("reason")):
		m.renderRegistration(w, r, http.StatusUnprocessableEntity, f, "")
	case refusal(err) != "":
		m.renderRegistration(w, r, statusOf(err), f, refusal(err))
	default:
		m.ServerError(w, r, err)
	}
}
