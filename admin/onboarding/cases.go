package onboarding

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"slices"
	"sozialplattform/admin/ui"
	"strconv"
	"strings"
	"time"

	"sozialplattform/onboarding"
	"sozialplattform/onboarding/delivery"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/download"
)

// Start sends a municipality to its cases and the ministry to the
// dashboard; whoever has several bodies picks one.
func (o *Pages) Start(w http.ResponseWriter, r *http.Request) {
	nav, err := o.nav(r, "anbindung")
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	switch {
	case len(nav.Tenants) == 1 && !nav.Ministry:
		http.Redirect(w, r, "/admin/anbindung/"+nav.Tenants[0].ID, http.StatusSeeOther)
		return
	case len(nav.Tenants) == 0 && !nav.Ministry:
		o.Forbidden(w, r, "Ihr Konto gehört zu keiner Körperschaft mit Anbindungsfällen.")
		return
	}
	o.Render(w, r, http.StatusOK, "anbindung-start", o.page(r, "Anbindung", struct{ Nav onbNav }{nav}))
}

// caseRow is a case in the list of a municipality, with its next step.
type caseRow struct {
	Case onboarding.Case
	Next *onboarding.Step
	Open int // open checklist items
	// Health is the delivery health of the last days (nil: no application
	// in the window).
	Health *healthView
}

type casesData struct {
	Nav     onbNav
	Tenant  *tenant.Tenant
	Cases   []caseRow
	Live    int
	Consult *onboarding.Consultation
	CanEdit bool
	// Shared are the items done once for all the municipality's cases
	// (contract, contacts, Sprechstunde), as one of its open cases holds
	// them.
	Shared   []onboarding.Item
	Problems []string // of the form for several cases
	// Delivered counts the cases with applications in the health window.
	Delivered int
	Phases    []ui.Option
	Form      *ui.Form
}

// CasesPage is a municipality's overview: one line per ordered
// Antragsstrecke with where it stands and what is next.
func (o *Pages) CasesPage(w http.ResponseWriter, r *http.Request) {
	t, ok := o.TenantFor(w, r, onboarding.ObjCase, authz.Read)
	if !ok {
		return
	}
	o.renderCases(w, r, http.StatusOK, t, nil, nil)
}

func (o *Pages) renderCases(w http.ResponseWriter, r *http.Request, status int, t *tenant.Tenant, problems []string, f *ui.Form) {
	nav, err := o.nav(r, "faelle:"+t.ID)
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	ctx := r.Context()
	cases, err := o.store.ListCases(ctx, t.ID)
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	if f == nil {
		f = ui.NewForm()
		f.Set("phase", string(onboarding.PhasePreparation))
		f.Set("stand", string(onboarding.Completed))
	}
	d := casesData{Nav: nav, Tenant: t, CanEdit: o.Allowed(r, t.ID, onboarding.ObjCase, authz.Update), Problems: problems,
		Phases: ui.Options(onboarding.Phases()), Form: f}
	health, err := o.caseHealth(r, delivery.HealthFilter{TenantIDs: []string{t.ID}, Reasons: true})
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	for _, c := range cases {
		detail, err := o.store.Detail(ctx, c.ID)
		if err != nil {
			o.ServerError(w, r, err)
			return
		}
		if d.Shared == nil && !c.Live() {
			for _, it := range detail.Items {
				if it.Scope == onboarding.ScopeTenant {
					d.Shared = append(d.Shared, it)
				}
			}
		}
		row := caseRow{Case: c}
		if h, ok := health[c.ID]; ok {
			row.Health = &h
			d.Delivered++
		}
		for i, s := range detail.Steps {
			if s.Kind == "todo" || s.Kind == "waiting" || s.Kind == "done" {
				row.Next = &detail.Steps[i]
				break
			}
		}
		for _, it := range detail.Items {
			if !it.Done {
				row.Open++
			}
		}
		if c.Live() {
			d.Live++
		}
		d.Cases = append(d.Cases, row)
	}
	cons, err := o.store.ListConsultations(ctx, onboarding.ConsultationFilter{From: o.store.Now(), VisibleTenants: []string{t.ID}})
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	for i := range cons {
		if !cons[i].Cancelled {
			d.Consult = &cons[i]
			break
		}
	}
	o.Render(w, r, status, "anbindung-faelle", o.page(r, "Anbindung: "+t.Name, d))
}

// caseFor loads the case the path's {cid} names: 404 when it does not
// exist or belongs to a body outside the person's area, 403 when the
// person may read but not do act.
func (o *Pages) caseFor(w http.ResponseWriter, r *http.Request, act string) (*onboarding.Case, bool) {
	id := r.PathValue("cid")
	if id == "" || len(id) > 64 {
		o.NotFound(w, r)
		return nil, false
	}
	c, err := o.store.GetCase(r.Context(), id)
	if errors.Is(err, tenant.ErrNotFound) {
		o.NotFound(w, r)
		return nil, false
	}
	if err != nil {
		o.ServerError(w, r, err)
		return nil, false
	}
	if !o.Allowed(r, c.TenantID, onboarding.ObjCase, authz.Read) {
		o.NotFound(w, r)
		return nil, false
	}
	if act != authz.Read && !o.Allowed(r, c.TenantID, onboarding.ObjCase, act) {
		o.Forbidden(w, r, "Diesen Anbindungsfall dürfen Sie nur lesen.")
		return nil, false
	}
	return c, true
}

// fvChoice is a Fachverfahren in the choice, with its warnings for the
// case's variant.
type fvChoice struct {
	Fachverfahren onboarding.Fachverfahren
	Warnings      []onboarding.Warning
}

// phaseAction is a button of a phase.
type phaseAction struct {
	To     onboarding.Status
	Label  string
	Danger bool // going back: stands apart and asks first
}

type phaseRow struct {
	State   onboarding.PhaseState
	Actions []phaseAction
}

// itemGroup is the checklist of one phase.
type itemGroup struct {
	Phase onboarding.Phase
	Items []onboarding.Item
	Open  int
}

type caseData struct {
	Nav        onbNav
	Tenant     *tenant.Tenant
	D          *onboarding.CaseDetail
	CanEdit    bool
	CanConfirm bool
	Variants   []onboarding.VariantInfo
	Choices    []fvChoice
	Members    []tenant.Member
	Groups     []itemGroup
	Phases     []phaseRow
	Forms      caseForms
	MaxUpload  string
	KeyWarn    bool
	// Adopt lists the municipality's other cases that can take over this
	// case's connection ("Anbindung übernehmen").
	Adopt []onboarding.Case
	// TestLabel is the German status of the newest connection test.
	TestLabel string
	// Contacts are the support actors for the case's variant and phase.
	Contacts []onboarding.SupportContact
	// Health is the delivery health of the last days (nil: no application
	// in the window).
	Health *healthView
}

// caseForms carries what a person typed into the case page's forms and
// what was wrong with it.
type caseForms struct {
	Variant, FV, Transport, Planned *ui.Form
	Problems                        []string // rule violations, shown at the phases
	Changed                         bool     // the case changed meanwhile
	Item                            string   // ID of the item whose form failed
	ItemForm                        *ui.Form
	// Confirm is the ministry's go-live confirmation with its
	// acknowledgement of a failed or missing test.
	Confirm *ui.Form
}

// CasePage is a case's task list and forms.
func (o *Pages) CasePage(w http.ResponseWriter, r *http.Request) {
	c, ok := o.caseFor(w, r, authz.Read)
	if !ok {
		return
	}
	o.renderCase(w, r, http.StatusOK, c.ID, caseForms{})
}

func (o *Pages) renderCase(w http.ResponseWriter, r *http.Request, status int, caseID string, forms caseForms) {
	ctx := r.Context()
	detail, err := o.store.Detail(ctx, caseID)
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	t, err := o.Shell.Store.GetTenant(ctx, detail.TenantID)
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	nav, err := o.nav(r, "faelle:"+t.ID)
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	d := caseData{Nav: nav, Tenant: t, D: detail, Forms: forms,
		CanEdit:    o.Allowed(r, t.ID, onboarding.ObjCase, authz.Update),
		CanConfirm: o.Allowed(r, t.ID, onboarding.ObjGoLive, authz.Update),
		MaxUpload:  onboarding.SizeText(o.store.MaxAttachmentBytes())}
	for _, v := range onboarding.Variants() {
		d.Variants = append(d.Variants, v.Info())
	}
	fvs, err := o.store.ListFachverfahren(ctx)
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	for i := range fvs {
		d.Choices = append(d.Choices, fvChoice{Fachverfahren: fvs[i], Warnings: onboarding.MarkOutdated(onboarding.Compatibility(&fvs[i], detail.Variant), &fvs[i], o.store.Now(), o.store.Location())})
	}
	if d.CanEdit && detail.Variant == onboarding.VariantOSCIClient {
		if d.Members, err = o.Shell.Store.ListMembers(ctx, t.ID); err != nil {
			o.ServerError(w, r, err)
			return
		}
	}
	for _, p := range onboarding.Phases() {
		g := itemGroup{Phase: p}
		for _, it := range detail.Items {
			if it.Phase == p {
				g.Items = append(g.Items, it)
				if !it.Done {
					g.Open++
				}
			}
		}
		d.Groups = append(d.Groups, g)
		ps := detail.Phase(p)
		row := phaseRow{State: ps}
		switch ps.Status {
		case onboarding.NotStarted:
			row.Actions = []phaseAction{{onboarding.InProgress, "Beginnen", false}, {onboarding.Completed, "Abschließen", false}}
		case onboarding.InProgress:
			row.Actions = []phaseAction{{onboarding.Completed, "Abschließen", false}, {onboarding.NotStarted, "Zurücksetzen", true}}
		case onboarding.Completed:
			row.Actions = []phaseAction{{onboarding.InProgress, "Wieder öffnen", true}}
		}
		d.Phases = append(d.Phases, row)
	}
	if forms.Variant == nil {
		forms.Variant = ui.NewForm()
		forms.Variant.Set("variante", strconv.Itoa(int(detail.Variant)))
	}
	if forms.FV == nil {
		forms.FV = ui.NewForm()
		forms.FV.Set("fachverfahren", detail.FachverfahrenID)
	}
	if forms.Transport == nil {
		forms.Transport = transportForm(detail.Transport)
	}
	if forms.Planned == nil {
		forms.Planned = ui.NewForm()
		if detail.PlannedLiveOn != nil {
			forms.Planned.Set("geplant", detail.PlannedLiveOn.Format("2006-01-02"))
		}
	}
	for _, f := range []*ui.Form{forms.Variant, forms.FV, forms.Transport, forms.Planned} {
		f.Set("version", strconv.Itoa(detail.Version))
	}
	if forms.Confirm == nil {
		forms.Confirm = ui.NewForm()
	}
	d.Forms = forms
	if t := detail.LastTest; t != nil {
		d.TestLabel = delivery.StatusLabel(t.Status)
	}
	if d.CanEdit && detail.Variant.Valid() {
		if d.Adopt, err = o.store.AdoptCandidates(ctx, &detail.Case); err != nil {
			o.ServerError(w, r, err)
			return
		}
	}
	if k := detail.Transport.Key; k != nil && k.NotAfter.Sub(o.store.Now()) < onboarding.KeyWarnDays*24*time.Hour {
		d.KeyWarn = true
	}
	if d.Contacts, err = o.store.SupportContactsFor(ctx, &detail.Case); err != nil {
		o.ServerError(w, r, err)
		return
	}
	health, err := o.caseHealth(r, delivery.HealthFilter{CaseID: detail.ID, Reasons: true})
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	if h, ok := health[detail.ID]; ok {
		d.Health = &h
	}
	o.Render(w, r, status, "anbindung-fall", o.page(r, detail.AntragsstreckeLabel+" – "+t.Name, d))
}

// transportForm fills the transport form from stored parameters.
func transportForm(t onboarding.Transport) *ui.Form {
	f := ui.NewForm()
	f.Set("dvdvKennung", t.DVDVKennung)
	f.Set("destinationId", t.DestinationID)
	f.Set("mailboxUsers", strings.Join(t.MailboxUsers, "\n"))
	return f
}

// caseVersion reads the form's version of the case.
func caseVersion(r *http.Request) int {
	v, _ := strconv.Atoi(r.PostForm.Get("version"))
	return v
}

// caseBack redirects to a section of the case page with a notice.
func caseBack(w http.ResponseWriter, r *http.Request, caseID, notice, anchor string) {
	http.Redirect(w, r, "/admin/anbindung/fall/"+caseID+"?hinweis="+url.QueryEscape(notice)+"#"+anchor, http.StatusSeeOther)
}

// updateCase stores a patch and answers like every case form: back to the
// page on success; the page again with the errors, the typed values and,
// when somebody changed the case meanwhile, that message.
func (o *Pages) updateCase(w http.ResponseWriter, r *http.Request, c *onboarding.Case, p onboarding.CasePatch,
	forms caseForms, failed *ui.Form, fieldIDs func(string) string, notice, anchor string) {
	_, err := o.store.UpdateCase(r.Context(), c.ID, caseVersion(r), p)
	switch {
	case err == nil:
		caseBack(w, r, c.ID, notice, anchor)
	case errors.Is(err, onboarding.ErrCaseChanged):
		forms.Changed = true
		failed.Fail("Der Fall wurde zwischenzeitlich geändert. Ihre Eingaben stehen noch im Formular; bitte prüfen Sie den aktuellen Stand und speichern Sie erneut.")
		o.renderCase(w, r, http.StatusConflict, c.ID, forms)
	case failed.StoreErrors(err, fieldIDs):
		o.renderCase(w, r, http.StatusUnprocessableEntity, c.ID, forms)
	default:
		o.ServerError(w, r, err)
	}
}

func (o *Pages) SetVariant(w http.ResponseWriter, r *http.Request) {
	c, ok := o.caseFor(w, r, authz.Update)
	if !ok {
		return
	}
	f := ui.NewForm()
	opts := []ui.Option{{Value: "1", Label: "1"}, {Value: "2", Label: "2"}, {Value: "3", Label: "3"}}
	v := f.Choice(r, "variante", opts, "Bitte wählen Sie eine der drei Anbindungsvarianten.")
	forms := caseForms{Variant: f}
	if f.Invalid() {
		o.renderCase(w, r, http.StatusUnprocessableEntity, c.ID, forms)
		return
	}
	n, _ := strconv.Atoi(v)
	variant := onboarding.Variant(n)
	o.updateCase(w, r, c, onboarding.CasePatch{Variant: &variant}, forms, f, func(string) string { return "variante" }, "variante", "variante")
}

func (o *Pages) SetFachverfahren(w http.ResponseWriter, r *http.Request) {
	c, ok := o.caseFor(w, r, authz.Update)
	if !ok {
		return
	}
	f := ui.NewForm()
	id := f.Text(r, "fachverfahren", 64)
	forms := caseForms{FV: f}
	if f.Invalid() {
		o.renderCase(w, r, http.StatusUnprocessableEntity, c.ID, forms)
		return
	}
	o.updateCase(w, r, c, onboarding.CasePatch{FachverfahrenID: &id}, forms, f, func(string) string { return "fachverfahren" }, "fachverfahren", "fachverfahren")
}

func (o *Pages) SetTransport(w http.ResponseWriter, r *http.Request) {
	c, ok := o.caseFor(w, r, authz.Update)
	if !ok {
		return
	}
	f := ui.NewForm()
	t := c.Transport
	t.DVDVKennung = f.Text(r, "dvdvKennung", 80)
	t.DestinationID = f.Text(r, "destinationId", 64)
	if c.Variant == onboarding.VariantOSCIClient {
		t.MailboxUsers = r.PostForm["mailboxUsers"]
		if len(t.MailboxUsers) > 50 {
			f.Add("mailboxUsers", "Höchstens 50 Postfach-Benutzer.")
		}
		f.Set("mailboxUsers", strings.Join(t.MailboxUsers, "\n"))
	}
	forms := caseForms{Transport: f}
	if f.Invalid() {
		o.renderCase(w, r, http.StatusUnprocessableEntity, c.ID, forms)
		return
	}
	ids := func(field string) string {
		field = strings.TrimPrefix(field, "transport.")
		if strings.HasPrefix(field, "mailboxUsers") {
			return "mailboxUsers"
		}
		return field
	}
	o.updateCase(w, r, c, onboarding.CasePatch{Transport: &t}, forms, f, ids, "daten", "anbindungsdaten")
}

func (o *Pages) SetPlannedLive(w http.ResponseWriter, r *http.Request) {
	c, ok := o.caseFor(w, r, authz.Update)
	if !ok {
		return
	}
	f := ui.NewForm()
	s := f.Text(r, "geplant", 10)
	var day time.Time
	if s != "" {
		var err error
		if day, err = time.ParseInLocation("2006-01-02", s, o.store.Location()); err != nil {
			f.Add("geplant", "Bitte geben Sie ein Datum an.")
		}
	}
	forms := caseForms{Planned: f}
	if f.Invalid() {
		o.renderCase(w, r, http.StatusUnprocessableEntity, c.ID, forms)
		return
	}
	o.updateCase(w, r, c, onboarding.CasePatch{PlannedLiveOn: &day}, forms, f, func(string) string { return "geplant" }, "geplant", "phasen")
}

func (o *Pages) SetItem(w http.ResponseWriter, r *http.Request) {
	c, ok := o.caseFor(w, r, authz.Update)
	if !ok {
		return
	}
	itemID := r.PathValue("iid")
	f := ui.NewForm()
	// The one-click form sends only "erledigt", the comment form only
	// "kommentar": a field that is not sent stays as it is.
	var p onboarding.ItemPatch
	if _, ok := r.PostForm["erledigt"]; ok {
		done := r.PostForm.Get("erledigt") == "1"
		p.Done = &done
	}
	if _, ok := r.PostForm["kommentar"]; ok {
		comment := f.LongText(r, "kommentar", onboarding.MaxCommentLen)
		p.Comment = &comment
	}
	p.Version, _ = strconv.Atoi(r.PostForm.Get("version"))
	forms := caseForms{Item: itemID, ItemForm: f}
	if f.Invalid() {
		o.renderCase(w, r, http.StatusUnprocessableEntity, c.ID, forms)
		return
	}
	_, err := o.store.SetItem(r.Context(), c.ID, itemID, p)
	switch {
	case err == nil && r.PostForm.Get("zurueck") == "uebersicht":
		http.Redirect(w, r, "/admin/anbindung/"+c.TenantID+"?hinweis=punkt#einmalig", http.StatusSeeOther)
	case err == nil:
		caseBack(w, r, c.ID, "punkt", "punkt-"+itemID)
	case errors.Is(err, tenant.ErrNotFound):
		o.NotFound(w, r)
	case errors.Is(err, onboarding.ErrCaseChanged):
		f.Fail("Dieser Punkt wurde zwischenzeitlich geändert. Bitte prüfen Sie den aktuellen Stand und speichern Sie erneut.")
		o.renderCase(w, r, http.StatusConflict, c.ID, forms)
	case ruleMessages(err) != nil:
		f.Fail(strings.Join(ruleMessages(err), " "))
		o.renderCase(w, r, http.StatusConflict, c.ID, forms)
	case f.StoreErrors(err, func(string) string { return "kommentar" }):
		o.renderCase(w, r, http.StatusUnprocessableEntity, c.ID, forms)
	default:
		o.ServerError(w, r, err)
	}
}

// Upload takes a file for a checklist item (multipart/form-data; the form
// token travels in the multipart body).
func (o *Pages) Upload(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			o.ErrorPage(w, r, http.StatusRequestEntityTooLarge, "Datei zu groß", ui.ErrorData{
				Heading: "Datei zu groß", Text: "Die Datei ist größer als " + onboarding.SizeText(o.store.MaxAttachmentBytes()) + ". Bitte verkleinern Sie sie, z. B. als PDF mit geringerer Auflösung.",
				Back: ui.BackLink(r), BackTo: "Zurück",
			})
			return
		}
		o.ErrorPage(w, r, http.StatusBadRequest, "Ungültige Anfrage", ui.ErrorData{
			Heading: "Ungültige Anfrage", Text: "Das Formular konnte nicht gelesen werden. Bitte wählen Sie die Datei erneut aus.", Back: ui.BackLink(r), BackTo: "Zurück",
		})
		return
	}
	if r.MultipartForm != nil {
		defer r.MultipartForm.RemoveAll()
	}
	if !o.CSRFOK(w, r, ui.BackLink(r)) {
		return
	}
	c, ok := o.caseFor(w, r, authz.Update)
	if !ok {
		return
	}
	itemID := r.PathValue("iid")
	f := ui.NewForm()
	forms := caseForms{Item: itemID, ItemForm: f}
	file, header, err := r.FormFile("datei")
	if err != nil {
		f.Add("datei-"+itemID, "Bitte wählen Sie eine Datei aus.")
		o.renderCase(w, r, http.StatusUnprocessableEntity, c.ID, forms)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, o.store.MaxAttachmentBytes()+1))
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	_, err = o.store.AddAttachment(r.Context(), c.ID, itemID, header.Filename, data)
	switch {
	case err == nil:
		caseBack(w, r, c.ID, "anhang", "punkt-"+itemID)
	case errors.Is(err, tenant.ErrNotFound):
		o.NotFound(w, r)
	case f.StoreErrors(err, func(string) string { return "datei-" + itemID }):
		status := http.StatusUnprocessableEntity
		if errors.Is(err, onboarding.ErrAttachmentTooLarge) {
			status = http.StatusRequestEntityTooLarge
		}
		o.renderCase(w, r, status, c.ID, forms)
	default:
		o.ServerError(w, r, err)
	}
}

// Download serves an attachment: always as a download, with the type
// decided when it was stored.
func (o *Pages) Download(w http.ResponseWriter, r *http.Request) {
	c, ok := o.caseFor(w, r, authz.Read)
	if !ok {
		return
	}
	a, err := o.store.Attachment(r.Context(), c.ID, r.PathValue("aid"))
	if errors.Is(err, tenant.ErrNotFound) {
		o.NotFound(w, r)
		return
	}
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	download.Write(w, a.ContentType, a.Filename, a.Data)
}

func (o *Pages) DeleteAttachment(w http.ResponseWriter, r *http.Request) {
	c, ok := o.caseFor(w, r, authz.Update)
	if !ok {
		return
	}
	if !o.Confirmed(w, r, ui.Confirmation{Heading: "Anhang löschen?",
		Text:   "Der Anhang wird aus dem Anbindungsfall " + c.AntragsstreckeLabel + " gelöscht und lässt sich nicht wiederherstellen.",
		Button: "Ja, Anhang löschen", Back: "/admin/anbindung/fall/" + c.ID + "#checkliste"}) {
		return
	}
	err := o.store.DeleteAttachment(r.Context(), c.ID, r.PathValue("aid"))
	switch {
	case err == nil:
		caseBack(w, r, c.ID, "anhang-weg", "checkliste")
	case errors.Is(err, tenant.ErrNotFound):
		o.NotFound(w, r)
	default:
		o.ServerError(w, r, err)
	}
}

func (o *Pages) SetPhase(w http.ResponseWriter, r *http.Request) {
	c, ok := o.caseFor(w, r, authz.Update)
	if !ok {
		return
	}
	p := onboarding.Phase(r.PathValue("phase"))
	to := onboarding.Status(r.PostForm.Get("stand"))
	if !p.Valid() {
		o.NotFound(w, r)
		return
	}
	if !slices.Contains(onboarding.Statuses(), to) {
		o.renderCase(w, r, http.StatusUnprocessableEntity, c.ID, caseForms{Problems: []string{"Bitte wählen Sie einen Stand der Phase."}})
		return
	}
	// Going back – "Zurücksetzen" or "Wieder öffnen" – is asked first: it
	// can take a live Antragsstrecke out of the portal.
	if cur := c.Phase(p); statusRank(to) < statusRank(cur.Status) {
		q := ui.Confirmation{Heading: "Phase „" + cur.Label + "“ zurücksetzen?",
			Text:   "Die Phase „" + cur.Label + "“ von " + c.AntragsstreckeLabel + " wird auf „" + to.Label() + "“ gesetzt.",
			Button: "Ja, zurücksetzen", Back: "/admin/anbindung/fall/" + c.ID + "#phasen"}
		if to == onboarding.InProgress {
			q.Heading, q.Button = "Phase „"+cur.Label+"“ wieder öffnen?", "Ja, wieder öffnen"
		}
		if c.Live() {
			q.Text += " Die Antragsstrecke ist live: sie verschwindet damit aus dem Bürgerportal, bis der Livegang erneut bestätigt ist."
		}
		if !o.Confirmed(w, r, q) {
			return
		}
	}
	_, err := o.store.SetPhase(r.Context(), c.ID, p, to, caseVersion(r))
	switch {
	case err == nil:
		caseBack(w, r, c.ID, "phase", "phasen")
	case errors.Is(err, onboarding.ErrCaseChanged):
		o.renderCase(w, r, http.StatusConflict, c.ID, caseForms{Changed: true,
			Problems: []string{"Der Fall wurde zwischenzeitlich geändert. Bitte prüfen Sie den aktuellen Stand und wiederholen Sie die Änderung."}})
	case ruleMessages(err) != nil:
		o.renderCase(w, r, http.StatusConflict, c.ID, caseForms{Problems: ruleMessages(err)})
	default:
		o.ServerError(w, r, err)
	}
}

// statusRank orders a phase's states, so that a change to a lower rank is
// recognised as going back.
func statusRank(s onboarding.Status) int {
	switch s {
	case onboarding.InProgress:
		return 1
	case onboarding.Completed:
		return 2
	}
	return 0
}

func (o *Pages) ConfirmGoLive(w http.ResponseWriter, r *http.Request) {
	c, ok := o.caseFor(w, r, authz.Read)
	if !ok {
		return
	}
	if !o.Allowed(r, c.TenantID, onboarding.ObjGoLive, authz.Update) {
		o.Forbidden(w, r, "Den Livegang bestätigt das Ministerium.")
		return
	}
	f := ui.NewForm()
	g := onboarding.GoLiveConfirmation{Confirmed: r.PostForm.Get("bestaetigt") == "1", Acknowledged: r.PostForm.Get("kenntnis") == "1",
		Reason: f.LongText(r, "begruendung", onboarding.MaxReasonLen)}
	if g.Acknowledged {
		f.Set("kenntnis", "1")
	}
	if f.Invalid() {
		o.renderCase(w, r, http.StatusUnprocessableEntity, c.ID, caseForms{Confirm: f})
		return
	}
	_, err := o.store.ConfirmGoLive(r.Context(), c.ID, caseVersion(r), g)
	ids := map[string]string{"acknowledgeFailedTest": "kenntnis", "confirmationReason": "begruendung"}
	switch {
	case err == nil && g.Confirmed:
		caseBack(w, r, c.ID, "bestaetigt", "phasen")
	case err == nil:
		caseBack(w, r, c.ID, "zurueck", "phasen")
	case errors.Is(err, onboarding.ErrCaseChanged):
		o.renderCase(w, r, http.StatusConflict, c.ID, caseForms{Changed: true,
			Problems: []string{"Der Fall wurde zwischenzeitlich geändert. Bitte prüfen Sie den aktuellen Stand und wiederholen Sie die Bestätigung."}})
	case ruleMessages(err) != nil:
		o.renderCase(w, r, http.StatusConflict, c.ID, caseForms{Problems: ruleMessages(err)})
	case f.StoreErrors(err, func(field string) string { return ids[field] }):
		o.renderCase(w, r, http.StatusUnprocessableEntity, c.ID, caseForms{Confirm: f})
	default:
		o.ServerError(w, r, err)
	}
}

// AdoptConnection copies this case's connection to the municipality's
// other cases the form names ("Anbindung übernehmen").
func (o *Pages) AdoptConnection(w http.ResponseWriter, r *http.Request) {
	c, ok := o.caseFor(w, r, authz.Update)
	if !ok {
		return
	}
	targets := r.PostForm["faelle"]
	if len(targets) == 0 || len(targets) > 100 {
		o.renderCase(w, r, http.StatusUnprocessableEntity, c.ID, caseForms{Problems: []string{"Bitte wählen Sie mindestens eine Antragsstrecke, die die Anbindung übernehmen soll."}})
		return
	}
	res, err := o.store.AdoptConnection(r.Context(), c.ID, targets)
	switch {
	case err == nil && len(res.Skipped) == 0:
		caseBack(w, r, c.ID, "uebernommen", "anbindung-uebernehmen")
	case err == nil:
		var msgs []string
		for _, s := range res.Skipped {
			msgs = append(msgs, o.streckeLabel(r, s.Antragsstrecke)+": "+s.Reason+".")
		}
		o.renderCase(w, r, http.StatusConflict, c.ID, caseForms{Problems: msgs})
	case ruleMessages(err) != nil:
		o.renderCase(w, r, http.StatusConflict, c.ID, caseForms{Problems: ruleMessages(err)})
	case errors.As(err, new(tenant.FieldErrors)):
		o.renderCase(w, r, http.StatusUnprocessableEntity, c.ID, caseForms{Problems: []string{err.Error()}})
	default:
		o.ServerError(w, r, err)
	}
}

// streckeLabel names an Antragsstrecke by its catalogue label.
func (o *Pages) streckeLabel(r *http.Request, key string) string {
	if a, err := o.store.AntragsstreckeByKey(r.Context(), key); err == nil {
		return a.Label
	}
	return key
}

// SetPhases changes one phase of several of the municipality's cases at
// once ("Vorbereitung abschließen" for every Antragsstrecke that is
// ready); each case is checked by the phase rules on its own, and the
// page names those that could not change, with the reasons.
func (o *Pages) SetPhases(w http.ResponseWriter, r *http.Request) {
	t, ok := o.TenantFor(w, r, onboarding.ObjCase, authz.Update)
	if !ok {
		return
	}
	f := ui.NewForm()
	p := onboarding.Phase(f.Choice(r, "phase", ui.Options(onboarding.Phases()), "Bitte wählen Sie eine Phase."))
	to := onboarding.Status(f.Choice(r, "stand", []ui.Option{{Value: string(onboarding.InProgress)}, {Value: string(onboarding.Completed)}},
		"Bitte wählen Sie „beginnen“ oder „abschließen“."))
	ids := r.PostForm["faelle"]
	if len(ids) == 0 || len(ids) > 100 {
		f.Add("faelle", "Bitte wählen Sie mindestens eine Antragsstrecke.")
	}
	if f.Invalid() {
		o.renderCases(w, r, http.StatusUnprocessableEntity, t, nil, f)
		return
	}
	ctx := r.Context()
	var problems []string
	for _, id := range ids {
		c, err := o.store.GetCase(ctx, id)
		if errors.Is(err, tenant.ErrNotFound) || (err == nil && c.TenantID != t.ID) {
			o.NotFound(w, r)
			return
		}
		if err != nil {
			o.ServerError(w, r, err)
			return
		}
		_, err = o.store.SetPhase(ctx, id, p, to, 0)
		switch {
		case err == nil:
		case ruleMessages(err) != nil:
			problems = append(problems, c.AntragsstreckeLabel+": "+strings.Join(ruleMessages(err), " "))
		case errors.Is(err, onboarding.ErrCaseChanged):
			problems = append(problems, c.AntragsstreckeLabel+": "+err.Error())
		default:
			o.ServerError(w, r, err)
			return
		}
	}
	if len(problems) > 0 {
		o.renderCases(w, r, http.StatusConflict, t, problems, f)
		return
	}
	http.Redirect(w, r, "/admin/anbindung/"+t.ID+"?hinweis=phasen#phasen", http.StatusSeeOther)
}
