package onboarding

import (
	"bytes"
	"errors"
	"net/http"
	"sozialplattform/admin/ui"
	"strconv"
	"strings"
	"time"

	"sozialplattform/onboarding"
	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/download"
)

// consultationRow is a Sprechstunde on the page, with the registration of
// each of the person's bodies.
type consultationRow struct {
	onboarding.Consultation
	Past       bool
	Registered map[string]bool // tenant ID → registered
}

type consultationsData struct {
	Nav      onbNav
	Rule     onboarding.ConsultationRule
	Rows     []consultationRow
	Tenants  []tenant.Tenant // bodies the person registers
	Past     bool
	Kind     string // the kind shown ("": both)
	Kinds    []ui.Option
	Ministry bool
	NewForm  *ui.Form
	RuleForm *ui.Form
	Edit     string // ID of the Sprechstunde whose form failed
	EditForm *ui.Form
	Problem  string
	Weekdays []ui.Option
}

func (o *Pages) ConsultationsPage(w http.ResponseWriter, r *http.Request) {
	o.renderConsultations(w, r, http.StatusOK, consultationsData{})
}

func (o *Pages) renderConsultations(w http.ResponseWriter, r *http.Request, status int, d consultationsData) {
	ctx := r.Context()
	p := authz.PrincipalFrom(ctx)
	if !o.Authz.AllowedAnywhere(p, onboarding.ObjConsultation, authz.Read) {
		o.Forbidden(w, r, "")
		return
	}
	nav, err := o.nav(r, "sprechstunden")
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	d.Nav, d.Ministry = nav, o.isMinistry(r, onboarding.ObjConsultation, authz.Update)
	d.Past = r.URL.Query().Get("vergangene") == "1"
	d.Kind = r.URL.Query().Get("art")
	if d.Kind != onboarding.KindOZG && d.Kind != onboarding.KindAnbindung {
		d.Kind = ""
	}
	d.Kinds = []ui.Option{{Value: onboarding.KindOZG, Label: onboarding.KindLabel(onboarding.KindOZG)},
		{Value: onboarding.KindAnbindung, Label: onboarding.KindLabel(onboarding.KindAnbindung)}}
	for _, t := range nav.Tenants {
		if o.Allowed(r, t.ID, onboarding.ObjAttendance, authz.Create) {
			d.Tenants = append(d.Tenants, t)
		}
	}
	if d.Rule, err = o.store.Rule(ctx); err != nil {
		o.ServerError(w, r, err)
		return
	}
	now := o.store.Now()
	f := onboarding.ConsultationFilter{Kind: d.Kind, VisibleTenants: o.Authz.Tenants(p, onboarding.ObjAttendance, authz.Read)}
	if d.Past {
		f.To = now // all past dates: the numbered series goes back to 2025
	} else {
		f.From, f.To = now, now.AddDate(1, 0, 0)
	}
	cons, err := o.store.ListConsultations(ctx, f)
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	for _, c := range cons {
		if d.EditForm == nil && c.ID == r.URL.Query().Get("bearbeiten") {
			d.Edit, d.EditForm = c.ID, ui.NewForm()
			d.EditForm.Set("thema", c.Topic)
			d.EditForm.Set("version", strconv.Itoa(c.Version))
			if c.Cancelled {
				d.EditForm.Set("abgesagt", "1")
			}
		}
		row := consultationRow{Consultation: c, Past: !c.StartsAt.After(now), Registered: map[string]bool{}}
		for _, a := range c.Attendees {
			row.Registered[a.TenantID] = true
		}
		d.Rows = append(d.Rows, row)
	}
	if d.NewForm == nil {
		d.NewForm = ui.NewForm()
		d.NewForm.Set("art", onboarding.KindOZG)
	}
	if d.RuleForm == nil {
		d.RuleForm = ruleForm(d.Rule)
	}
	for i, name := range []string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"} {
		d.Weekdays = append(d.Weekdays, ui.Option{Value: strconv.Itoa(i), Label: name})
	}
	o.Render(w, r, status, "anbindung-sprechstunden", o.page(r, "Sprechstunden", d))
}

func ruleForm(rule onboarding.ConsultationRule) *ui.Form {
	f := ui.NewForm()
	f.Set("titel", rule.Title)
	f.Set("wochentag", strconv.Itoa(int(rule.Weekday)))
	f.Set("abstand", strconv.Itoa(rule.IntervalWeeks))
	f.Set("beginn", rule.StartTime)
	f.Set("dauer", strconv.Itoa(rule.DurationMinutes))
	f.Set("anker", rule.AnchorOn.Format("2006-01-02"))
	f.Set("ort", rule.Location)
	f.Set("version", strconv.Itoa(rule.Version))
	return f
}

func (o *Pages) ConsultationsCSV(w http.ResponseWriter, r *http.Request) {
	p := authz.PrincipalFrom(r.Context())
	if !o.Authz.AllowedAnywhere(p, onboarding.ObjConsultation, authz.Read) {
		o.Forbidden(w, r, "")
		return
	}
	cons, err := o.store.ListConsultations(r.Context(), onboarding.ConsultationFilter{
		VisibleTenants: o.Authz.Tenants(p, onboarding.ObjAttendance, authz.Read)})
	if err != nil {
		o.ServerError(w, r, err)
		return
	}
	o.writeCSV(w, r, o.store.ConsultationsCSV(cons), "sprechstunden.csv")
}

// writeCSV answers with a CSV table as a download.
func (o *Pages) writeCSV(w http.ResponseWriter, r *http.Request, t onboarding.CSVTable, name string) {
	var buf bytes.Buffer
	if err := t.WriteCSV(&buf); err != nil {
		o.ServerError(w, r, err)
		return
	}
	download.Write(w, "text/csv; charset=utf-8", name, buf.Bytes())
}

// registrationTenant reads the body a registration is for and checks it.
func (o *Pages) registrationTenant(w http.ResponseWriter, r *http.Request, act string) (*tenant.Tenant, bool) {
	return o.TenantByID(w, r, r.PostForm.Get("koerperschaft"), onboarding.ObjAttendance, act)
}

func (o *Pages) Register(w http.ResponseWriter, r *http.Request) {
	t, ok := o.registrationTenant(w, r, authz.Create)
	if !ok {
		return
	}
	u := ui.UserFrom(r)
	_, err := o.store.Register(r.Context(), r.PathValue("sid"), t.ID, u.Name, u.Email)
	o.afterRegistration(w, r, err, "angemeldet")
}

func (o *Pages) Unregister(w http.ResponseWriter, r *http.Request) {
	t, ok := o.registrationTenant(w, r, authz.Delete)
	if !ok {
		return
	}
	err := o.store.Unregister(r.Context(), r.PathValue("sid"), t.ID)
	o.afterRegistration(w, r, err, "zurueckgezogen")
}

func (o *Pages) afterRegistration(w http.ResponseWriter, r *http.Request, err error, notice string) {
	switch {
	case err == nil:
		ui.SeeOther(w, r, "/admin/sprechstunden", notice)
	case errors.Is(err, tenant.ErrNotFound):
		o.NotFound(w, r)
	case ruleMessages(err) != nil:
		o.renderConsultations(w, r, http.StatusConflict, consultationsData{Problem: strings.Join(ruleMessages(err), " ")})
	default:
		var fe tenant.FieldErrors
		if errors.As(err, &fe) {
			o.renderConsultations(w, r, http.StatusUnprocessableEntity, consultationsData{
				Problem: "Ihre E-Mail-Adresse eignet sich nicht für die Einladung: " + fe.Error()})
			return
		}
		o.ServerError(w, r, err)
	}
}

// startsAt reads a date and a time field (German local time).
func (o *Pages) startsAt(f *ui.Form, r *http.Request, dateID, timeID string) time.Time {
	day := f.Text(r, dateID, 10)
	clock := f.Text(r, timeID, 5)
	t, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, o.store.Location())
	if err != nil {
		if _, derr := time.Parse("2006-01-02", day); derr != nil {
			f.Add(dateID, "Bitte geben Sie ein Datum an.")
		} else {
			f.Add(timeID, "Bitte geben Sie die Uhrzeit als SS:MM an, z. B. 14:00.")
		}
	}
	return t
}

func (o *Pages) CreateConsultation(w http.ResponseWriter, r *http.Request) {
	if !o.requireMinistry(w, r, onboarding.ObjConsultation, authz.Create) {
		return
	}
	f := ui.NewForm()
	kind := f.Text(r, "art", 20)
	number := 0
	if v := f.Text(r, "nummer", 5); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			f.Add("nummer", "Bitte geben Sie die Nummer als ganze Zahl an, z. B. 69, oder lassen Sie das Feld leer.")
		}
		number = n
	}
	at := o.startsAt(f, r, "datum", "uhrzeit")
	topic := f.Text(r, "thema", 300)
	if f.Invalid() {
		o.renderConsultations(w, r, http.StatusUnprocessableEntity, consultationsData{NewForm: f})
		return
	}
	_, err := o.store.CreateConsultation(r.Context(), onboarding.ConsultationInput{Kind: kind, Number: number, StartsAt: at, Topic: topic})
	if err != nil {
		if f.StoreErrors(err, func(field string) string {
			return map[string]string{"kind": "art", "number": "nummer", "startsAt": "datum", "topic": "thema"}[field]
		}) {
			o.renderConsultations(w, r, http.StatusUnprocessableEntity, consultationsData{NewForm: f})
			return
		}
		o.ServerError(w, r, err)
		return
	}
	ui.SeeOther(w, r, "/admin/sprechstunden", "termin-neu")
}

func (o *Pages) UpdateConsultation(w http.ResponseWriter, r *http.Request) {
	if !o.requireMinistry(w, r, onboarding.ObjConsultation, authz.Update) {
		return
	}
	id := r.PathValue("sid")
	f := ui.NewForm()
	topic := f.Text(r, "thema", 300)
	cancelled := r.PostForm.Get("abgesagt") == "1"
	if cancelled {
		f.Set("abgesagt", "1")
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	f.Set("version", strconv.Itoa(version))
	if f.Invalid() {
		o.renderConsultations(w, r, http.StatusUnprocessableEntity, consultationsData{Edit: id, EditForm: f})
		return
	}
	_, err := o.store.UpdateConsultation(r.Context(), id, version, onboarding.ConsultationPatch{Topic: &topic, Cancelled: &cancelled})
	switch {
	case err == nil:
		ui.SeeOther(w, r, "/admin/sprechstunden", "termin")
	case errors.Is(err, tenant.ErrNotFound):
		o.NotFound(w, r)
	case errors.Is(err, tenant.ErrStaleVersion):
		f.Fail("Der Termin wurde zwischenzeitlich geändert. Bitte prüfen Sie den aktuellen Stand und speichern Sie erneut.")
		o.renderConsultations(w, r, http.StatusConflict, consultationsData{Edit: id, EditForm: f})
	case f.StoreErrors(err, func(string) string { return "thema" }):
		o.renderConsultations(w, r, http.StatusUnprocessableEntity, consultationsData{Edit: id, EditForm: f})
	default:
		o.ServerError(w, r, err)
	}
}

func (o *Pages) SaveRule(w http.ResponseWriter, r *http.Request) {
	if !o.requireMinistry(w, r, onboarding.ObjConsultation, authz.Update) {
		return
	}
	f := ui.NewForm()
	rule := onboarding.ConsultationRule{Title: f.Text(r, "titel", 200), StartTime: f.Text(r, "beginn", 5), Location: f.Text(r, "ort", 500)}
	num := func(id string) int {
		v := f.Text(r, id, 4)
		n, err := strconv.Atoi(v)
		if err != nil {
			f.Add(id, "Bitte geben Sie eine Zahl an.")
		}
		return n
	}
	rule.Weekday = time.Weekday(num("wochentag"))
	rule.IntervalWeeks = num("abstand")
	rule.DurationMinutes = num("dauer")
	if anchor := f.Text(r, "anker", 10); anchor != "" {
		t, err := time.ParseInLocation("2006-01-02", anchor, o.store.Location())
		if err != nil {
			f.Add("anker", "Bitte geben Sie ein Datum an.")
		}
		rule.AnchorOn = t
	}
	version, _ := strconv.Atoi(r.PostForm.Get("version"))
	f.Set("version", strconv.Itoa(version))
	if f.Invalid() {
		o.renderConsultations(w, r, http.StatusUnprocessableEntity, consultationsData{RuleForm: f})
		return
	}
	_, err := o.store.PutRule(r.Context(), version, rule)
	ids := map[string]string{"title": "titel", "weekday": "wochentag", "intervalWeeks": "abstand", "startTime": "beginn",
		"durationMinutes": "dauer", "anchorOn": "anker", "location": "ort"}
	switch {
	case err == nil:
		ui.SeeOther(w, r, "/admin/sprechstunden", "regel")
	case errors.Is(err, tenant.ErrStaleVersion):
		f.Fail("Die Regel wurde zwischenzeitlich geändert. Bitte prüfen Sie den aktuellen Stand und speichern Sie erneut.")
		o.renderConsultations(w, r, http.StatusConflict, consultationsData{RuleForm: f})
	case f.StoreErrors(err, func(field string) string { return ids[field] }):
		o.renderConsultations(w, r, http.StatusUnprocessableEntity, consultationsData{RuleForm: f})
	default:
		o.ServerError(w, r, err)
	}
}
