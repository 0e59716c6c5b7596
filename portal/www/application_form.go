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
	"sozialplattform/portal/site"
	"sozialplattform/tenant"
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
	Offline   string // the office's page when the service is not online here or the login cannot reach its trust level
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
	if to, ok := a.responsibleSite(w, r, def.Key); !ok {
		return
	} else if to != "" {
		http.Redirect(w, r, to, http.StatusSeeOther)
		return
	}
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
	if !d.Live {
		d.Offline = a.offlineWay(r, def.Key) // the office takes it another way
	}
	if c, ok, _ := a.d.Sessions.Current(r); ok {
		d.Citizen = &c
		d.TrustLow = !forms.TrustLevel(c.Trust).Satisfies(def.TrustLevel)
		if d.TrustLow && a.d.SAML == nil {
			d.Offline = a.offlineWay(r, def.Key)
		}
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

// responsibleSite is the start page of the Antragsstrecke on the portal
// of the body that runs it for the request's Gemeinde, when that is not
// the Gemeinde itself and it runs it live: "/wernigerode/antrag/hzl",
// typed or bookmarked, leads to the Landkreis Harz, which is responsible
// for Wernigerode's HzL. "" when the Gemeinde's own page is the right
// one; false when it has answered with an error.
func (a *applications) responsibleSite(w http.ResponseWriter, r *http.Request, strecke string) (string, bool) {
	t := stateFrom(r).site.Tenant
	if t.Kind != tenant.KindGemeinde {
		return "", true
	}
	ar, err := a.p.areaOfTenant(r.Context(), t)
	var resp responsible
	if err == nil {
		resp, err = a.p.responsibleFor(r.Context(), ar, strecke)
	}
	if err != nil {
		a.p.serverError(w, r, a.p.view(r, ""), err)
		return "", false
	}
	if resp.Tenant == nil || resp.Tenant.ID == t.ID || !resp.Live {
		return "", true
	}
	return "/" + resp.Tenant.Slug + "/antrag/" + strecke, true
}

// create starts a new draft, prefilled from the account.
func (a *applications) create(w http.ResponseWriter, r *http.Request) {
	def, ok := a.definition(w, r)
	if !ok || !a.parseForm(w, r, 8<<10) {
		return
	}
	if to, ok := a.responsibleSite(w, r, def.Key); !ok {
		return
	} else if to != "" {
		http.Redirect(w, r, to, http.StatusSeeOther)
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
		if !a.toReceipt(w, r, c, err) {
			a.storeError(w, r, err)
		}
		return nil, false
	}
	return d, true
}

// toReceipt answers a request to a draft that is gone because it was
// submitted (Back after "Absenden", an old bookmark, a second tab) with a
// redirect to its receipt, and reports whether it did.
func (a *applications) toReceipt(w http.ResponseWriter, r *http.Request, c citizen.Principal, err error) bool {
	if !errors.Is(err, forms.ErrNotFound) {
		return false
	}
	rc, err := a.d.Forms.SubmittedDraft(r.Context(), c.ID, r.PathValue("draft"))
	if err != nil || rc == nil || rc.TenantID != stateFrom(r).site.Tenant.ID {
		return false
	}
	http.Redirect(w, r, a.base(r, rc.Antragsstrecke)+"/eingang/"+rc.ApplicationID+"?bereits=1", http.StatusSeeOther)
	return true
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
	// Seen lists the questions shown (not hidden) on the page; NewQuestions
	// says the last answer brought up questions the citizen has not seen.
	Seen         string
	NewQuestions bool
}

// fieldView is a field ready for the template.
type fieldView struct {
	ID, Name, Type, Label, Help, Value, Error, Warning string
	Required, Soft                                     bool
	// Hidden: a follow-up question whose trigger is not answered (yet);
	// ShowIf is its condition for the browser (see followups.go).
	Hidden bool
	ShowIf string
	// Upload is the upload form of a file field (its controls sit at the
	// field and belong to that form by the form attribute).
	Upload                        string
	Options                       []optionView
	Rows                          []rowView
	RowLabel, AddLabel, AddAction string
	CanAdd                        bool
	Files                         []fileView
	Autocomplete                  string
	MaxFiles                      int
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
	onStep := map[string]bool{}
	for i := range step.Fields {
		onStep[step.Fields[i].ID] = true
	}
	for i := range step.Fields {
		f := &step.Fields[i]
		fv := a.fieldView(def, f, nil, nil, ans, f.ID, ps, lang)
		fv.ShowIf = clientCondition(def, f, nil, nil, ans, onStep)
		if !def.Visible(f, nil, nil, ans) {
			// On the page, hidden: JavaScript shows it with its trigger.
			fv.Hidden, fv.Error, fv.Warning = true, "", ""
		}
		switch f.Type {
		case forms.TypeGroup:
			rows := ans.Rows(f.ID)
			for ri, row := range rows {
				rv := rowView{Label: strings.ReplaceAll(f.RowLabel.In(lang), "{n}", strconv.Itoa(ri+1)), Index: ri, Remove: fmt.Sprintf("remove:%s:%d", f.ID, ri)}
				for gi := range f.Fields {
					g := &f.Fields[gi]
					gv := a.fieldView(def, g, f, row, ans, fmt.Sprintf("%s.%d.%s", f.ID, ri, g.ID), ps, lang)
					gv.ShowIf = clientCondition(def, g, f, row, ans, onStep)
					if fv.Hidden || !def.Visible(g, f, row, ans) {
						gv.Hidden, gv.Error, gv.Warning = true, "", ""
					}
					rv.Fields = append(rv.Fields, gv)
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
			fv.Upload = a.draftURL(r, d) + "/unterlagen"
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
		restored: q.Get("wiederhergestellt") == "1", uploadErr: uploadErrorText(a.p.cat(r), q.Get("fehler"))}, http.StatusOK)
}

// uploadErrors are the codes an upload redirect may carry in "?fehler=",
// with their messages: the page shows only these, never text from the
// address (which anyone could put in a link).
var uploadErrors = map[string]string{
	"login":       "app.upload.session",
	"zu-gross":    "app.upload.toolarge",
	"unlesbar":    "app.upload.unreadable",
	"keine-datei": "app.upload.none",
}

func uploadErrorText(cat *Catalogue, code string) string {
	if key, ok := uploadErrors[code]; ok {
		return cat.T(key)
	}
	return ""
}

type stepFlags struct {
	saved, skipped, restored bool
	uploadErr                string // a message, in the citizen's language
	uploadField              string // the file field it belongs to
	newQuestions             bool   // the answers brought up questions not seen yet
}

func (a *applications) renderStep(w http.ResponseWriter, r *http.Request, d *forms.Draft, step *forms.Step, idx int, p forms.Progress, ans forms.Answers, ps forms.Problems, fl stepFlags, status int) {
	lang := stateFrom(r).lang.Code
	data := stepData{Title: d.Def.Title.In(lang), Step: step, StepTitle: step.Title.In(lang), Intro: step.Intro.In(lang), Number: idx + 1, Total: len(d.Def.Steps),
		Nav: a.nav(r, d, p, idx, lang), Fields: a.buildFields(r, d, step, ans, ps, lang), Errors: ps.Errors(), Warnings: ps.Warnings(),
		Action: a.draftURL(r, d) + "/schritt/" + step.ID, Upload: a.draftURL(r, d) + "/unterlagen", DraftURL: a.draftURL(r, d),
		PDF: a.draftURL(r, d) + "/pdf", Account: a.accountBase(r) + "/", First: idx == 0, Saved: fl.saved, Skipped: fl.skipped,
		Restored: fl.restored, ExpiresAt: a.p.date(d.ExpiresAt)}
	data.UploadErr = fl.uploadErr
	data.NewQuestions = fl.newQuestions
	var seen []string
	for _, f := range data.Fields {
		if !f.Hidden {
			seen = append(seen, f.Name)
		}
		for _, row := range f.Rows {
			for _, g := range row.Fields {
				if !g.Hidden {
					seen = append(seen, g.Name)
				}
			}
		}
	}
	data.Seen = strings.Join(seen, " ")
	if fl.uploadField != "" {
		for i := range data.Fields {
			if data.Fields[i].Name == fl.uploadField && data.Fields[i].Type == string(forms.TypeFile) {
				data.Fields[i].Error, data.UploadErr = fl.uploadErr, ""
			}
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
		if !a.toReceipt(w, r, c, err) {
			a.storeError(w, r, err)
		}
		return
	}
	d := res.Draft
	if d.Antragsstrecke != r.PathValue("strecke") {
		a.p.notFound(w, r, a.p.view(r, ""))
		return
	}
	step, idx, _ := d.Def.Step(r.PathValue("step"))
	p := a.progress(d, lang)
	// Errors only for what the citizen saw: questions that appeared with
	// this answer are shown, on the same step, without errors.
	shown, fresh := unseenProblems(res.Problems, r.PostForm[seenField], r.PostForm.Has(seenField))
	if fresh > 0 && act == nil && action != "zurueck" && action != "beenden" {
		status := http.StatusOK
		if len(shown.Errors()) > 0 {
			status = http.StatusUnprocessableEntity
		}
		a.renderStep(w, r, d, step, idx, p, d.Answers, shown, stepFlags{newQuestions: true, saved: action == "speichern"}, status)
		return
	}
	res.Problems = shown
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
		code := "unlesbar"
		if errors.As(err, &tooLarge) {
			code = "zu-gross"
		}
		http.Redirect(w, r, back+"?fehler="+code, http.StatusSeeOther)
		return
	}
	defer r.MultipartForm.RemoveAll()
	if !a.checkCSRF(r) {
		a.csrfFailed(w, r)
		return
	}
	file, hdr, err := r.FormFile("datei")
	if err != nil {
		a.uploadRefused(w, r, citizen.Principal{ID: c.ID}, r.PostForm.Get("feld"), cat.T("app.upload.none"))
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
		a.uploadRefused(w, r, c, ue.Field, ue.Message)
	case err != nil:
		if !a.toReceipt(w, r, c, err) {
			a.storeError(w, r, err)
		}
	default:
		http.Redirect(w, r, back+"?gespeichert=1#f-"+r.PostForm.Get("feld"), http.StatusSeeOther)
	}
}

// uploadRefused shows the documents step again with the reason next to
// the file field (422), instead of sending the reason through the address.
func (a *applications) uploadRefused(w http.ResponseWriter, r *http.Request, c citizen.Principal, field, msg string) {
	d, ok := a.loadDraft(w, r, c)
	if !ok {
		return
	}
	lang := stateFrom(r).lang.Code
	step, idx, found := d.Def.StepOfField(field)
	if !found {
		step, idx, found = d.Def.Step("unterlagen")
	}
	if !found {
		a.p.notFound(w, r, a.p.view(r, ""))
		return
	}
	a.renderStep(w, r, d, step, idx, a.progress(d, lang), d.Answers, nil, stepFlags{uploadErr: msg, uploadField: field}, http.StatusUnprocessableEntity)
}

func urlQuery(s string) string { return strings.ReplaceAll(url.QueryEscape(s), "+", "%20") }

func (a *applications) removeUpload(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenForm(w, r, 8<<10)
	if !ok {
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
	c, ok := a.citizenForm(w, r, 16<<10)
	if !ok {
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

// deleteData fills the question before a draft is deleted.
type deleteData struct {
	Title, Tenant, Action, Account string
}

// deleteConfirm asks before a draft is deleted (from "Mein Servicekonto"
// or the summary): deleting takes the uploads with it and cannot be
// undone. A draft already submitted leads to its receipt.
func (a *applications) deleteConfirm(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizen(w, r)
	if !ok {
		return
	}
	d, ok := a.loadDraft(w, r, c)
	if !ok {
		return
	}
	cat := a.p.cat(r)
	v := a.p.view(r, cat.T("app.delete.confirm.title"))
	v.CSRF = a.formToken(w, r)
	v.Data = deleteData{Title: d.Def.Title.In(stateFrom(r).lang.Code), Tenant: stateFrom(r).site.Tenant.Name,
		Action: a.draftURL(r, d) + "/loeschen", Account: a.accountBase(r) + "/"}
	a.render(w, r, http.StatusOK, "loeschen", v)
}

// deleteDraft deletes the draft with its uploads – only while it is a
// draft: one being submitted is refused, one submitted leads to its
// receipt.
func (a *applications) deleteDraft(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizenForm(w, r, 8<<10)
	if !ok {
		return
	}
	if err := a.d.Forms.DeleteDraft(r.Context(), c.ID, r.PathValue("draft")); err != nil {
		switch {
		case errors.Is(err, forms.ErrSubmitting):
			a.notice(w, r, http.StatusConflict, "warning", "app.delete.submitting.title", a.p.cat(r).T("app.delete.submitting.text"),
				noticeLink{a.p.cat(r).T("account.title"), a.accountBase(r) + "/"})
		case a.toReceipt(w, r, c, err):
		default:
			a.storeError(w, r, err)
		}
		return
	}
	http.Redirect(w, r, a.accountBase(r)+"/?geloescht=1", http.StatusSeeOther)
}

// receiptData fills the receipt page.
type receiptData struct {
	Already bool // the citizen came back to the submitted draft
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
	v.Data = receiptData{Already: r.URL.Query().Get("bereits") == "1", App: app, Tenant: stateFrom(r).site.Tenant.Name, Date: app.SubmittedAt.In(a.p.loc).Format("02.01.2006, 15:04"),
		PDF: a.accountBase(r) + "/antraege/" + app.ID + "/pdf", Account: a.accountBase(r) + "/"}
	a.render(w, r, http.StatusOK, "eingang", v)
}

// trustNotice explains that the login's trust level is too low, with the
// way to a stronger login when an identity provider is configured.
func (a *applications) trustNotice(w http.ResponseWriter, r *http.Request, need, have forms.TrustLevel, back string) {
	cat := a.p.cat(r)
	if a.d.SAML != nil {
		a.notice(w, r, http.StatusForbidden, "warning", "app.trust.title", cat.Tf("app.trust.text", trustLabel(cat, need), trustLabel(cat, have)),
			noticeLink{cat.T("account.saml.button"), a.accountBase(r) + "/saml?ziel=" + url.QueryEscape(back)})
		return
	}
	// No identity provider for a stronger login: the way left is the
	// office, which the service's "beantragen" page names.
	var links []noticeLink
	if u := a.offlineWay(r, r.PathValue("strecke")); u != "" {
		links = append(links, noticeLink{cat.T("app.trust.offline"), u})
	}
	a.notice(w, r, http.StatusForbidden, "warning", "app.trust.title", cat.Tf("app.trust.nosaml", trustLabel(cat, need), trustLabel(cat, have)), links...)
}

// offlineWay is the page of the site that names the office responsible
// for an Antragsstrecke and the other ways to apply; "" when no service
// page covers it.
func (a *applications) offlineWay(r *http.Request, strecke string) string {
	for _, s := range site.Services {
		if slices.Contains(s.Antragsstrecken, strecke) {
			return stateFrom(r).site.Prefix + "/leistungen/" + s.Key + "/beantragen"
		}
	}
	return ""
}
