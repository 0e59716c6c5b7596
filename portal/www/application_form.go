package www

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"sozialplattform/portal/citizen"
	"sozialplattform/portal/forms"
	"sozialplattform/tenant/download"
)

// Limits of the application forms: a step's form, and an upload request
// (one file plus the form fields).
const (
	maxStepFormBytes = 256 << 10
	maxUploadRequest = 11 << 20
)

// base is the URL of an Antragsstrecke on the request's site.
func (a *applications) base(r *http.Request, strecke string) string {
	return "/" + stateFrom(r).site.Tenant.Slug + "/antrag/" + strecke
}

func (a *applications) draftURL(r *http.Request, d *forms.Draft) string {
	return a.base(r, d.Antragsstrecke) + "/entwurf/" + d.ID
}

// startData fills the entry page of an Antragsstrecke.
type appStartData struct {
	Def       *forms.Definition
	Title     string
	Trust     string
	Citizen   *citizen.Principal
	TrustLow  bool
	Live      bool
	Drafts    []forms.DraftSummary
	Action    string
	LoginURL  string
	Register  string
	SAMLURL   string
	SAMLName  string
	ServiceOK bool
}

func (a *applications) definition(w http.ResponseWriter, r *http.Request) (*forms.Definition, bool) {
	st := stateFrom(r)
	def, ok := a.d.Forms.Registry().Latest(r.PathValue("strecke"))
	if !ok || !st.site.Local {
		a.p.notFound(w, r, a.p.view(r, ""))
		return nil, false
	}
	return def, true
}

func trustLabel(cat *Catalogue, t forms.TrustLevel) string { return cat.T("trust." + string(t)) }

// start is the page behind "Antrag stellen": what the application needs,
// login or the citizen's drafts, and the button that starts a new one.
func (a *applications) start(w http.ResponseWriter, r *http.Request) {
	def, ok := a.definition(w, r)
	if !ok {
		return
	}
	st := stateFrom(r)
	cat := a.p.cat(r)
	lang := st.lang.Code
	live, err := a.p.live(r.Context(), st.site.Tenant.ID)
	if err != nil {
		a.p.serverError(w, r, a.p.view(r, ""), err)
		return
	}
	d := appStartData{Def: def, Title: def.Title.In(lang), Trust: trustLabel(cat, def.TrustLevel), Live: a.p.services == nil || slices.Contains(live, def.Key),
		Action: a.base(r, def.Key), LoginURL: a.accountBase(r) + "/anmelden?ziel=" + st.path, Register: a.accountBase(r) + "/registrieren?ziel=" + st.path}
	if a.d.SAML != nil {
		d.SAMLURL, d.SAMLName = a.accountBase(r)+"/saml?ziel="+st.path, a.d.SAML.Name()
	}
	if c, ok, _ := a.d.Sessions.Current(r); ok {
		d.Citizen = &c
		d.TrustLow = !forms.TrustLevel(c.Trust).Satisfies(def.TrustLevel)
		all, err := a.d.Forms.Drafts(r.Context(), c.ID)
		if err != nil {
			a.p.serverError(w, r, a.p.view(r, ""), err)
			return
		}
		for _, dr := range all {
			if dr.Antragsstrecke == def.Key && dr.TenantID == st.site.Tenant.ID {
				d.Drafts = append(d.Drafts, dr)
			}
		}
	}
	v := a.p.view(r, def.Title.In(lang))
	v.Fallback = !def.Title.Has(lang)
	v.CSRF = a.formToken(w, r)
	v.Data = d
	a.render(w, r, http.StatusOK, "start", v)
}

// create starts a new draft, prefilled from the account.
func (a *applications) create(w http.ResponseWriter, r *http.Request) {
	def, ok := a.definition(w, r)
	if !ok || !a.parseForm(w, r, 8<<10) {
		return
	}
	c, ok := a.citizen(w, r)
	if !ok {
		return
	}
	if !a.checkCSRF(r) {
		a.csrfFailed(w, r)
		return
	}
	if !forms.TrustLevel(c.Trust).Satisfies(def.TrustLevel) {
		a.trustNotice(w, r, def.TrustLevel, forms.TrustLevel(c.Trust), a.base(r, def.Key))
		return
	}
	prefill := forms.Answers{}
	if c.Email != "" {
		prefill["email"] = forms.Value{S: c.Email}
	}
	d, err := a.d.Forms.CreateDraft(r.Context(), c.ID, stateFrom(r).site.Tenant.ID, def.Key, prefill)
	if err != nil {
		a.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, a.draftURL(r, d)+"/schritt/"+def.Steps[0].ID, http.StatusSeeOther)
}

// loadDraft reads the citizen's draft of the URL; false when it answered.
func (a *applications) loadDraft(w http.ResponseWriter, r *http.Request, c citizen.Principal) (*forms.Draft, bool) {
	d, err := a.d.Forms.Draft(r.Context(), c.ID, r.PathValue("draft"))
	if err == nil && (d.Antragsstrecke != r.PathValue("strecke") || d.TenantID != stateFrom(r).site.Tenant.ID) {
		err = forms.ErrNotFound
	}
	if err != nil {
		a.storeError(w, r, err)
		return nil, false
	}
	return d, true
}

func (a *applications) progress(d *forms.Draft, lang string) forms.Progress {
	return d.Def.Progress(d.Answers, d.Visited, d.UploadCounts(), lang, time.Now())
}

// resume opens the first step still to do.
func (a *applications) resume(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizen(w, r)
	if !ok {
		return
	}
	a.applyStash(w, r, c)
	d, ok := a.loadDraft(w, r, c)
	if !ok {
		return
	}
	p := a.progress(d, stateFrom(r).lang.Code)
	http.Redirect(w, r, a.stepURL(r, d, p.FirstOpen), http.StatusSeeOther)
}

func (a *applications) stepURL(r *http.Request, d *forms.Draft, i int) string {
	s := d.Def.Steps[i]
	if s.IsSummary() {
		return a.draftURL(r, d) + "/absenden"
	}
	return a.draftURL(r, d) + "/schritt/" + s.ID
}

// stepNav is one entry of the progress indicator.
type stepNav struct {
	Title   string
	URL     string // empty when it cannot be opened yet
	Current bool
	Done    bool
	Number  int
}

func (a *applications) nav(r *http.Request, d *forms.Draft, p forms.Progress, current int, lang string) []stepNav {
	out := make([]stepNav, len(d.Def.Steps))
	for i, s := range d.Def.Steps {
		out[i] = stepNav{Title: s.Title.In(lang), Current: i == current, Done: p.Done[s.ID], Number: i + 1}
		if p.MayOpen(i) {
			out[i].URL = a.stepURL(r, d, i)
		}
	}
	return out
}

// stepData fills a step page.
type stepData struct {
	Title     string
	Step      *forms.Step
	StepTitle string
	Intro     string
	Number    int
	Total     int
	Nav       []stepNav
	Fields    []fieldView
	Errors    []forms.Problem
	Warnings  []forms.Problem
	Action    string
	Upload    string
	DraftURL  string
	PDF       string
	Account   string
	First     bool
	Saved     bool
	Skipped   bool
	Restored  bool
	UploadErr string
	ExpiresAt string
}

// fieldView is a field ready for the template.
type fieldView struct {
	ID, Name, Type, Label, Help, Value, Error, Warning string
	Required, Soft                                     bool
	Options                                            []optionView
	Rows                                               []rowView
	RowLabel, AddLabel, AddAction                      string
	CanAdd                                             bool
	Files                                              []fileView
	Autocomplete                                       string
	MaxFiles                                           int
}

type optionView struct {
	Value, Label, ID string
	Checked          bool
}

type rowView struct {
	Label, Remove string
	Index         int
	Fields        []fieldView
}

type fileView struct {
	Name, Size, URL, Remove string
}

// buildFields makes the views of a step's visible fields.
func (a *applications) buildFields(r *http.Request, d *forms.Draft, step *forms.Step, ans forms.Answers, ps forms.Problems, lang string) []fieldView {
	def := d.Def
	var out []fieldView
	uploads := d.UploadsByField()
	for i := range step.Fields {
		f := &step.Fields[i]
		if !def.Visible(f, nil, nil, ans) {
			continue
		}
		fv := a.fieldView(def, f, nil, nil, ans, f.ID, ps, lang)
		switch f.Type {
		case forms.TypeGroup:
			rows := ans.Rows(f.ID)
			for ri, row := range rows {
				rv := rowView{Label: strings.ReplaceAll(f.RowLabel.In(lang), "{n}", strconv.Itoa(ri+1)), Index: ri, Remove: fmt.Sprintf("remove:%s:%d", f.ID, ri)}
				for gi := range f.Fields {
					g := &f.Fields[gi]
					if !def.Visible(g, f, row, ans) {
						continue
					}
					rv.Fields = append(rv.Fields, a.fieldView(def, g, f, row, ans, fmt.Sprintf("%s.%d.%s", f.ID, ri, g.ID), ps, lang))
				}
				fv.Rows = append(fv.Rows, rv)
			}
			fv.RowLabel, fv.AddLabel = f.RowLabel.In(lang), f.AddLabel.In(lang)
			fv.AddAction, fv.CanAdd = "add:"+f.ID, len(rows) < f.MaxRows
		case forms.TypeFile:
			for _, u := range uploads[f.ID] {
				fv.Files = append(fv.Files, fileView{Name: u.Name, Size: humanSize(u.Size),
					URL: a.draftURL(r, d) + "/unterlagen/" + u.ID, Remove: a.draftURL(r, d) + "/unterlagen/" + u.ID + "/loeschen"})
			}
			fv.MaxFiles = f.MaxFiles
		}
		out = append(out, fv)
	}
	return out
}

func (a *applications) fieldView(def *forms.Definition, f *forms.Field, group *forms.Field, row, top forms.Answers, name string, ps forms.Problems, lang string) fieldView {
	src := top
	if group != nil {
		src = row
	}
	v := src[f.ID]
	fv := fieldView{ID: "f-" + strings.ReplaceAll(name, ".", "-"), Name: name, Type: string(f.Type), Label: f.Label.In(lang), Help: f.Help.In(lang),
		Required: def.IsRequired(f, group, row, top), Soft: f.SoftRequired, Value: def.InputValue(f, v, lang), Autocomplete: f.Autocomplete}
	if f.Type == forms.TypeDate && v.Raw == "" {
		fv.Value = v.S
	}
	if p, ok := ps.For(name); ok {
		if p.Soft {
			fv.Warning = p.Message
		} else {
			fv.Error = p.Message
		}
	}
	switch f.Type {
	case forms.TypeSelect, forms.TypeRadio, forms.TypeCheckboxes:
		for i, o := range def.OptionsFor(f, top, lang) {
			fv.Options = append(fv.Options, optionView{Value: o.Value, Label: o.Label.In(lang), ID: fmt.Sprintf("%s-%d", fv.ID, i),
				Checked: v.S == o.Value || slices.Contains(v.L, o.Value)})
		}
	case forms.TypeYesNo:
		for i, o := range []string{"ja", "nein"} {
			fv.Options = append(fv.Options, optionView{Value: o, Label: forms.YesNoLabel(o, lang), ID: fmt.Sprintf("%s-%d", fv.ID, i), Checked: v.S == o})
		}
	case forms.TypeCheckbox:
		fv.Options = []optionView{{Value: "ja", Label: f.Label.In(lang), ID: fv.ID + "-0", Checked: v.S == "ja"}}
	}
	return fv
}

func humanSize(n int64) string {
	switch {
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%d KB", n/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}

// step shows one step. A step that may not be opened yet (skipped by
// URL) sends the citizen to the first step still to do.
func (a *applications) step(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizen(w, r)
	if !ok {
		return
	}
	a.applyStash(w, r, c)
	d, ok := a.loadDraft(w, r, c)
	if !ok {
		return
	}
	lang := stateFrom(r).lang.Code
	step, idx, found := d.Def.Step(r.PathValue("step"))
	if !found || step.IsSummary() {
		a.p.notFound(w, r, a.p.view(r, ""))
		return
	}
	p := a.progress(d, lang)
	if !p.MayOpen(idx) {
		http.Redirect(w, r, a.stepURL(r, d, p.FirstOpen)+"?uebersprungen=1", http.StatusSeeOther)
		return
	}
	var ps forms.Problems
	if slices.Contains(d.Visited, step.ID) || r.URL.Query().Get("pruefen") == "1" {
		ps = d.Def.ValidateStep(step, d.Answers, d.UploadCounts(), lang, time.Now())
	}
	q := r.URL.Query()
	a.renderStep(w, r, d, step, idx, p, d.Answers, ps, stepFlags{saved: q.Get("gespeichert") == "1", skipped: q.Get("uebersprungen") == "1",
		restored: q.Get("wiederhergestellt") == "1", uploadErr: q.Get("fehler")}, http.StatusOK)
}

type stepFlags struct {
	saved, skipped, restored bool
	uploadErr                string
}

func (a *applications) renderStep(w http.ResponseWriter, r *http.Request, d *forms.Draft, step *forms.Step, idx int, p forms.Progress, ans forms.Answers, ps forms.Problems, fl stepFlags, status int) {
	lang := stateFrom(r).lang.Code
	cat := a.p.cat(r)
	data := stepData{Title: d.Def.Title.In(lang), Step: step, StepTitle: step.Title.In(lang), Intro: step.Intro.In(lang), Number: idx + 1, Total: len(d.Def.Steps),
		Nav: a.nav(r, d, p, idx, lang), Fields: a.buildFields(r, d, step, ans, ps, lang), Errors: ps.Errors(), Warnings: ps.Warnings(),
		Action: a.draftURL(r, d) + "/schritt/" + step.ID, Upload: a.draftURL(r, d) + "/unterlagen", DraftURL: a.draftURL(r, d),
		PDF: a.draftURL(r, d) + "/pdf", Account: a.accountBase(r) + "/", First: idx == 0, Saved: fl.saved, Skipped: fl.skipped,
		Restored: fl.restored, ExpiresAt: a.p.date(d.ExpiresAt)}
	switch fl.uploadErr {
	case "":
	case "login":
		data.UploadErr = cat.T("app.upload.session")
	default:
		data.UploadErr = fl.uploadErr
		if len(data.UploadErr) > 300 {
			data.UploadErr = data.UploadErr[:300]
		}
	}
	v := a.p.view(r, step.Title.In(lang)+" – "+d.Def.Title.In(lang))
	v.Fallback = !step.Title.Has(lang)
	v.CSRF = a.formToken(w, r)
	v.Data = data
	a.render(w, r, status, "schritt", v)
}

// saveStep saves the step's answers – always, valid or not – and moves on
// with "weiter" when the step has no errors. "speichern" stays, "beenden"
// leaves to the account, a group button adds or removes a row. Without a
// session (it expired during a long form) the answers are parked sealed
// and applied after the next login.
func (a *applications) saveStep(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r, maxStepFormBytes) {
		return
	}
	c, ok, err := a.d.Sessions.Current(r)
	if err != nil {
		a.p.serverError(w, r, a.p.view(r, ""), err)
		return
	}
	target := stateFrom(r).path
	if !ok {
		if err := a.stashForm(w, r, r.PathValue("draft"), r.PathValue("step"), r.PostForm); err != nil {
			a.p.serverError(w, r, a.p.view(r, ""), err)
			return
		}
		http.Redirect(w, r, a.accountBase(r)+"/anmelden?abgelaufen=1&ziel="+target+"?wiederhergestellt=1", http.StatusSeeOther)
		return
	}
	if !a.checkCSRF(r) {
		a.csrfFailed(w, r)
		return
	}
	lang := stateFrom(r).lang.Code
	action := r.PostForm.Get("aktion")
	var act *forms.Action
	if ga, ok := forms.ParseAction(action); ok {
		act = &ga
	}
	res, err := a.d.Forms.SaveStep(r.Context(), c.ID, r.PathValue("draft"), r.PathValue("step"), r.PostForm, lang, act)
	if err != nil {
		a.storeError(w, r, err)
		return
	}
	d := res.Draft
	if d.Antragsstrecke != r.PathValue("strecke") {
		a.p.notFound(w, r, a.p.view(r, ""))
		return
	}
	step, idx, _ := d.Def.Step(r.PathValue("step"))
	p := a.progress(d, lang)
	switch {
	case action == "beenden":
		http.Redirect(w, r, a.accountBase(r)+"/?gespeichert=1", http.StatusSeeOther)
	case act != nil || action == "speichern" || (action != "zurueck" && len(res.Problems.Errors()) > 0):
		if act == nil && action != "speichern" {
			a.renderStep(w, r, d, step, idx, p, d.Answers, res.Problems, stepFlags{}, http.StatusUnprocessableEntity)
			return
		}
		ps := res.Problems
		if act != nil {
			ps = nil
		}
		a.renderStep(w, r, d, step, idx, p, d.Answers, ps, stepFlags{saved: action == "speichern"}, http.StatusOK)
	case action == "zurueck" && idx > 0:
		http.Redirect(w, r, a.stepURL(r, d, idx-1), http.StatusSeeOther)
	default:
		next := idx + 1
		if !p.MayOpen(next) {
			next = p.FirstOpen
		}
		http.Redirect(w, r, a.stepURL(r, d, next), http.StatusSeeOther)
	}
}

// upload stores a document for a file field (multipart: "feld", "datei").
func (a *applications) upload(w http.ResponseWriter, r *http.Request) {
	back := a.base(r, r.PathValue("strecke")) + "/entwurf/" + r.PathValue("draft") + "/schritt/unterlagen"
	c, ok, err := a.d.Sessions.Current(r)
	if err != nil {
		a.p.serverError(w, r, a.p.view(r, ""), err)
		return
	}
	if !ok {
		http.Redirect(w, r, a.accountBase(r)+"/anmelden?abgelaufen=1&ziel="+back+"?fehler=login", http.StatusSeeOther)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, maxUploadRequest)
	cat := a.p.cat(r)
	if err := r.ParseMultipartForm(1 << 20); err != nil {
		var tooLarge *http.MaxBytesError
		msg := cat.T("app.upload.unreadable")
		if errors.As(err, &tooLarge) {
			msg = cat.T("app.upload.toolarge")
		}
		http.Redirect(w, r, back+"?fehler="+urlQuery(msg), http.StatusSeeOther)
		return
	}
	defer r.MultipartForm.RemoveAll()
	if !a.checkCSRF(r) {
		a.csrfFailed(w, r)
		return
	}
	file, hdr, err := r.FormFile("datei")
	if err != nil {
		http.Redirect(w, r, back+"?fehler="+urlQuery(cat.T("app.upload.none")), http.StatusSeeOther)
		return
	}
	defer file.Close()
	data, err := io.ReadAll(io.LimitReader(file, a.d.Forms.Options().MaxUploadBytes+1))
	if err != nil {
		a.p.serverError(w, r, a.p.view(r, ""), err)
		return
	}
	_, err = a.d.Forms.AddUpload(r.Context(), c.ID, r.PathValue("draft"), r.PostForm.Get("feld"), hdr.Filename, data, stateFrom(r).lang.Code)
	var ue *forms.UploadError
	switch {
	case errors.As(err, &ue):
		http.Redirect(w, r, back+"?fehler="+urlQuery(ue.Message)+"#f-"+r.PostForm.Get("feld"), http.StatusSeeOther)
	case err != nil:
		a.storeError(w, r, err)
	default:
		http.Redirect(w, r, back+"?gespeichert=1#f-"+r.PostForm.Get("feld"), http.StatusSeeOther)
	}
}

func urlQuery(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

func (a *applications) removeUpload(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r, 8<<10) {
		return
	}
	c, ok := a.citizen(w, r)
	if !ok {
		return
	}
	if !a.checkCSRF(r) {
		a.csrfFailed(w, r)
		return
	}
	if err := a.d.Forms.RemoveUpload(r.Context(), c.ID, r.PathValue("draft"), r.PathValue("upload")); err != nil {
		a.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, a.base(r, r.PathValue("strecke"))+"/entwurf/"+r.PathValue("draft")+"/schritt/unterlagen", http.StatusSeeOther)
}

// download returns one of the citizen's uploads, as an attachment.
func (a *applications) download(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizen(w, r)
	if !ok {
		return
	}
	info, data, err := a.d.Forms.Upload(r.Context(), c.ID, r.PathValue("draft"), r.PathValue("upload"))
	if err != nil {
		a.storeError(w, r, err)
		return
	}
	download.Write(w, info.ContentType, info.Name, data)
}

// draftPDF is "Als PDF exportieren": what the draft holds so far.
func (a *applications) draftPDF(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizen(w, r)
	if !ok {
		return
	}
	d, ok := a.loadDraft(w, r, c)
	if !ok {
		return
	}
	out, err := a.d.Forms.DraftPDF(r.Context(), c.ID, d.ID)
	if err != nil {
		a.storeError(w, r, err)
		return
	}
	download.Write(w, "application/pdf", "Antragsentwurf-"+d.Antragsstrecke+".pdf", out)
}

// summaryData fills "Absenden".
type summaryData struct {
	Title        string
	Nav          []stepNav
	Number       int
	Total        int
	Sections     []summarySection
	Declarations []declView
	Errors       []forms.Problem
	Warnings     []forms.Problem
	Action       string
	PDF          string
	Delete       string
	Account      string
	Trust        string
	TrustLow     bool
	Complete     bool
}

type summarySection struct {
	Title, Edit string
	Rows        []forms.SummaryRow
}

type declView struct {
	ID, Label, Error string
	Checked          bool
}

// summary is the last step: all answers, the declarations, the button.
func (a *applications) summary(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizen(w, r)
	if !ok {
		return
	}
	d, ok := a.loadDraft(w, r, c)
	if !ok {
		return
	}
	p := a.progress(d, stateFrom(r).lang.Code)
	if !p.Complete() {
		http.Redirect(w, r, a.stepURL(r, d, p.FirstOpen)+"?uebersprungen=1", http.StatusSeeOther)
		return
	}
	a.renderSummary(w, r, c, d, p, nil, nil, http.StatusOK)
}

func (a *applications) renderSummary(w http.ResponseWriter, r *http.Request, c citizen.Principal, d *forms.Draft, p forms.Progress, declProblems forms.Problems, checked map[string]bool, status int) {
	lang := stateFrom(r).lang.Code
	cat := a.p.cat(r)
	all := d.Def.ValidateAll(d.Answers, d.UploadCounts(), lang, time.Now())
	data := summaryData{Title: d.Def.Title.In(lang), Nav: a.nav(r, d, p, len(d.Def.Steps)-1, lang), Number: len(d.Def.Steps), Total: len(d.Def.Steps),
		Errors: append(all.Errors(), declProblems...), Warnings: all.Warnings(), Action: a.draftURL(r, d) + "/absenden",
		PDF: a.draftURL(r, d) + "/pdf", Delete: a.draftURL(r, d) + "/loeschen", Account: a.accountBase(r) + "/",
		Trust: trustLabel(cat, d.Def.TrustLevel), TrustLow: !forms.TrustLevel(c.Trust).Satisfies(d.Def.TrustLevel), Complete: p.Complete()}
	for _, s := range d.Def.Summary(d.Answers, d.UploadsByField(), lang) {
		data.Sections = append(data.Sections, summarySection{Title: s.Title, Edit: a.draftURL(r, d) + "/schritt/" + s.Step.ID, Rows: s.Rows})
	}
	for _, decl := range d.Def.Declarations {
		dv := declView{ID: decl.ID, Label: decl.Label.In(lang), Checked: checked[decl.ID]}
		if pr, ok := declProblems.For("erklaerung." + decl.ID); ok {
			dv.Error = pr.Message
		}
		data.Declarations = append(data.Declarations, dv)
	}
	v := a.p.view(r, cat.T("app.summary.title")+" – "+d.Def.Title.In(lang))
	v.CSRF = a.formToken(w, r)
	v.Data = data
	a.render(w, r, status, "absenden", v)
}

// submit sends the application. A second tab or a repeated click gets the
// receipt of the first submission.
func (a *applications) submit(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r, 16<<10) {
		return
	}
	c, ok := a.citizen(w, r)
	if !ok {
		return
	}
	if !a.checkCSRF(r) {
		a.csrfFailed(w, r)
		return
	}
	checked := map[string]bool{}
	for _, id := range r.PostForm["erklaerung"] {
		if len(id) < 40 {
			checked[id] = true
		}
	}
	lang := stateFrom(r).lang.Code
	rc, err := a.d.Forms.Submit(r.Context(), r.PathValue("draft"), forms.SubmitInput{CitizenID: c.ID, Email: c.Email, Trust: forms.TrustLevel(c.Trust),
		Lang: lang, Declarations: checked})
	var inc *forms.IncompleteError
	var te *forms.TrustError
	switch {
	case err == nil:
		http.Redirect(w, r, a.base(r, rc.Antragsstrecke)+"/eingang/"+rc.ApplicationID, http.StatusSeeOther)
	case errors.As(err, &te):
		a.trustNotice(w, r, te.Need, te.Have, stateFrom(r).path)
	case errors.As(err, &inc):
		d, ok := a.loadDraft(w, r, c)
		if !ok {
			return
		}
		p := a.progress(d, lang)
		if !p.Complete() {
			http.Redirect(w, r, a.stepURL(r, d, p.FirstOpen)+"?pruefen=1", http.StatusSeeOther)
			return
		}
		a.renderSummary(w, r, c, d, p, inc.Problems, checked, http.StatusUnprocessableEntity)
	default:
		a.storeError(w, r, err)
	}
}

// deleteDraft deletes the draft with its uploads.
func (a *applications) deleteDraft(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r, 8<<10) {
		return
	}
	c, ok := a.citizen(w, r)
	if !ok {
		return
	}
	if !a.checkCSRF(r) {
		a.csrfFailed(w, r)
		return
	}
	if err := a.d.Forms.DeleteDraft(r.Context(), c.ID, r.PathValue("draft")); err != nil {
		a.storeError(w, r, err)
		return
	}
	http.Redirect(w, r, a.accountBase(r)+"/?geloescht=1", http.StatusSeeOther)
}

// receiptData fills the receipt page.
type receiptData struct {
	App     *forms.Application
	Tenant  string
	Date    string
	PDF     string
	Account string
}

// receipt confirms a submission with its reference number.
func (a *applications) receipt(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizen(w, r)
	if !ok {
		return
	}
	app, err := a.d.Forms.Get(r.Context(), r.PathValue("app"))
	if err != nil || app.CitizenID != c.ID {
		a.p.notFound(w, r, a.p.view(r, ""))
		return
	}
	cat := a.p.cat(r)
	v := a.p.view(r, cat.T("app.receipt.title"))
	v.Data = receiptData{App: app, Tenant: stateFrom(r).site.Tenant.Name, Date: app.SubmittedAt.In(a.p.loc).Format("02.01.2006, 15:04"),
		PDF: a.accountBase(r) + "/antraege/" + app.ID + "/pdf", Account: a.accountBase(r) + "/"}
	a.render(w, r, http.StatusOK, "eingang", v)
}

// trustNotice explains that the login's trust level is too low, with the
// way to a stronger login when an identity provider is configured.
func (a *applications) trustNotice(w http.ResponseWriter, r *http.Request, need, have forms.TrustLevel, back string) {
	cat := a.p.cat(r)
	var links []noticeLink
	if a.d.SAML != nil {
		links = append(links, noticeLink{cat.T("account.saml.button"), a.accountBase(r) + "/saml?ziel=" + url.QueryEscape(back)})
	}
	a.notice(w, r, http.StatusForbidden, "warning", "app.trust.title", cat.Tf("app.trust.text", trustLabel(cat, need), trustLabel(cat, have)), links...)
}
