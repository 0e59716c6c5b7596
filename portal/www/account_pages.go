package www

import (
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"sozialplattform/portal/citizen"
	"sozialplattform/portal/forms"
	"sozialplattform/tenant"
	"sozialplattform/tenant/download"
	"sozialplattform/tenant/web"
)

// accountData fills the Servicekonto overview.
type accountData struct {
	Citizen      citizen.Principal
	Trust        string
	Drafts       []draftItem
	Applications []applicationItem
	Saved        bool
	Deleted      bool
}

type draftItem struct {
	Title, Tenant, Updated, Expires, URL, Delete string
	Done, Total                                  int
}

type applicationItem struct {
	Reference, Title, Status, StatusKey, Detail, Submitted, URL string
	Deleted                                                     bool
}

// account lists the citizen's drafts and applications with their status.
func (a *applications) account(w http.ResponseWriter, r *http.Request) {
	c, ok := a.citizen(w, r)
	if !ok {
		return
	}
	ctx := r.Context()
	lang := stateFrom(r).lang.Code
	cat := a.p.cat(r)
	drafts, err := a.d.Forms.Drafts(ctx, c.ID)
	if err != nil {
		a.p.serverError(w, r, a.p.view(r, ""), err)
		return
	}
	apps, err := a.d.Forms.ForCitizen(ctx, c.ID)
	if err != nil {
		a.p.serverError(w, r, a.p.view(r, ""), err)
		return
	}
	d := accountData{Citizen: c, Trust: cat.T("trust." + string(c.Trust)), Saved: r.URL.Query().Get("gespeichert") == "1", Deleted: r.URL.Query().Get("geloescht") == "1"}
	for _, dr := range drafts {
		def, ok := a.d.Forms.Registry().Get(dr.Antragsstrecke, dr.DefVersion)
		if !ok {
			continue
		}
		slug := stateFrom(r).site.Tenant.Slug
		if t, err := a.p.store.GetTenant(ctx, dr.TenantID); err == nil {
			slug = t.Slug
		}
		d.Drafts = append(d.Drafts, draftItem{Title: def.Title.In(lang), Tenant: dr.TenantName, Updated: a.p.date(dr.UpdatedAt), Expires: a.p.date(dr.ExpiresAt),
			URL: "/" + slug + "/antrag/" + dr.Antragsstrecke + "/entwurf/" + dr.ID, Delete: "/" + slug + "/antrag/" + dr.Antragsstrecke + "/entwurf/" + dr.ID + "/loeschen", Done: dr.StepsDone, Total: len(def.Steps) - 1})
	}
	for _, ap := range apps {
		title := ap.Title
		if def, ok := a.d.Forms.Registry().Get(ap.Antragsstrecke, ap.DefVersion); ok {
			title = def.Title.In(lang)
		}
		d.Applications = append(d.Applications, applicationItem{Reference: ap.Reference, Title: title, Status: cat.T("status." + string(ap.Status)),
			StatusKey: string(ap.Status), Detail: ap.StatusDetail, Submitted: a.p.date(ap.SubmittedAt), URL: a.accountBase(r) + "/antraege/" + ap.ID, Deleted: ap.Deleted})
	}
	v := a.p.view(r, cat.T("account.title"))
	v.Nav = "servicekonto"
	v.CSRF = a.formToken(w, r)
	v.Data = d
	a.render(w, r, http.StatusOK, "konto", v)
}

// applicationPageData fills one application in the account.
type applicationPageData struct {
	App      *forms.Details
	Title    string
	Status   string
	Sections []forms.SummarySection
	History  []historyItem
	PDF      string
	Account  string
	Date     string
}

type historyItem struct{ Status, Detail, At string }

func (a *applications) ownApplication(w http.ResponseWriter, r *http.Request) (*forms.Details, bool) {
	c, ok := a.citizen(w, r)
	if !ok {
		return nil, false
	}
	d, err := a.d.Forms.Details(r.Context(), r.PathValue("app"), stateFrom(r).lang.Code)
	if err != nil || d.CitizenID != c.ID {
		a.p.notFound(w, r, a.p.view(r, ""))
		return nil, false
	}
	return d, true
}

func (a *applications) applicationPage(w http.ResponseWriter, r *http.Request) {
	d, ok := a.ownApplication(w, r)
	if !ok {
		return
	}
	cat := a.p.cat(r)
	lang := stateFrom(r).lang.Code
	title := d.Title
	if def, ok := a.d.Forms.Registry().Get(d.Antragsstrecke, d.DefVersion); ok {
		title = def.Title.In(lang)
	}
	data := applicationPageData{App: d, Title: title, Status: cat.T("status." + string(d.Status)), Sections: d.Answers,
		PDF: a.accountBase(r) + "/antraege/" + d.ID + "/pdf", Account: a.accountBase(r) + "/", Date: d.SubmittedAt.In(a.p.loc).Format("02.01.2006, 15:04")}
	for _, h := range d.History {
		data.History = append(data.History, historyItem{Status: cat.T("status." + string(h.Status)), Detail: h.Detail, At: h.At.In(a.p.loc).Format("02.01.2006, 15:04")})
	}
	v := a.p.view(r, d.Reference+" – "+title)
	v.Data = data
	a.render(w, r, http.StatusOK, "konto-antrag", v)
}

func (a *applications) applicationPDF(w http.ResponseWriter, r *http.Request) {
	d, ok := a.ownApplication(w, r)
	if !ok {
		return
	}
	info, data, err := a.d.Forms.Document(r.Context(), d.ID, forms.DocPDF, "")
	if err != nil {
		a.storeError(w, r, err)
		return
	}
	download.Write(w, info.ContentType, info.Name, data)
}

// loginData fills the login and registration pages.
type loginData struct {
	Target, Email, Name, Error string
	Expired, Confirmed, Reset  bool
	Register, Forgot, Login    string
	SAMLURL, SAMLName          string
	Errors                     tenant.FieldErrors
}

func (a *applications) loginData(r *http.Request) loginData {
	target := localPath(r.FormValue("ziel"), a.accountBase(r)+"/")
	d := loginData{Target: target, Register: a.accountBase(r) + "/registrieren?ziel=" + urlQuery(target),
		Forgot: a.accountBase(r) + "/passwort-vergessen", Login: a.accountBase(r) + "/anmelden?ziel=" + urlQuery(target),
		Expired: r.URL.Query().Get("abgelaufen") == "1"}
	if a.d.SAML != nil {
		d.SAMLURL, d.SAMLName = a.accountBase(r)+"/saml?ziel="+urlQuery(target), a.d.SAML.Name()
	}
	return d
}

func (a *applications) loginForm(w http.ResponseWriter, r *http.Request) {
	// Logged in already (the header's "Mein Servicekonto" on a cached
	// page leads here through the account): straight on to the target.
	if _, ok, _ := a.d.Sessions.Current(r); ok {
		http.Redirect(w, r, a.loginData(r).Target, http.StatusSeeOther)
		return
	}
	cat := a.p.cat(r)
	v := a.p.view(r, cat.T("account.login.title"))
	v.CSRF = a.formToken(w, r)
	d := a.loginData(r)
	d.Confirmed = r.URL.Query().Get("bestaetigt") == "1"
	d.Reset = r.URL.Query().Get("neu") == "1"
	v.Data = d
	a.render(w, r, http.StatusOK, "anmelden", v)
}

// login checks e-mail and password; the login has trust level niedrig.
// Answers parked while the session was gone are applied afterwards.
func (a *applications) login(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r, 8<<10) {
		return
	}
	cat := a.p.cat(r)
	d := a.loginData(r)
	d.Email = strings.TrimSpace(r.PostForm.Get("email"))
	fail := func(status int, msg string) {
		v := a.p.view(r, cat.T("account.login.title"))
		v.CSRF = a.formToken(w, r)
		d.Error = msg
		v.Data = d
		a.render(w, r, status, "anmelden", v)
	}
	if !a.checkCSRF(r) {
		fail(http.StatusForbidden, cat.T("error.csrf.text"))
		return
	}
	acc, err := a.d.Accounts.Authenticate(r.Context(), d.Email, r.PostForm.Get("passwort"), web.ClientIPFrom(r.Context()))
	switch {
	case errors.Is(err, citizen.ErrInvalidLogin):
		fail(http.StatusUnauthorized, cat.T("account.login.invalid"))
		return
	case errors.Is(err, citizen.ErrNotConfirmed):
		fail(http.StatusForbidden, cat.T("account.login.unconfirmed"))
		return
	case errors.Is(err, citizen.ErrThrottled):
		wait := tenant.RetryAfter(err)
		w.Header().Set("Retry-After", strconv.Itoa(int(wait/time.Second)))
		fail(http.StatusTooManyRequests, cat.Tf("account.login.throttled", int((wait+time.Minute-1)/time.Minute)))
		return
	case err != nil:
		a.p.serverError(w, r, a.p.view(r, ""), err)
		return
	}
	// Keep a parked answer across the session rotation.
	sess, _ := a.p.sessions.Get(r, a.p.sessions.CookieName())
	if err := a.d.Sessions.Login(w, r, acc, citizen.TrustNiedrig, "passwort"); err != nil {
		a.p.serverError(w, r, a.p.view(r, ""), err)
		return
	}
	if sess != nil {
		a.applyStash(w, r, citizen.Principal{ID: acc.ID})
	}
	http.Redirect(w, r, d.Target, http.StatusSeeOther)
}

func (a *applications) samlStart(w http.ResponseWriter, r *http.Request) {
	if a.d.SAML == nil {
		a.p.notFound(w, r, a.p.view(r, ""))
		return
	}
	if err := a.d.SAML.Start(w, r, localPath(r.URL.Query().Get("ziel"), a.accountBase(r)+"/")); err != nil {
		a.p.serverError(w, r, a.p.view(r, ""), err)
	}
}

func (a *applications) logout(w http.ResponseWriter, r *http.Request) {
	if !a.postedForm(w, r, 8<<10) {
		return
	}
	if err := a.d.Sessions.Logout(w, r); err != nil {
		a.p.serverError(w, r, a.p.view(r, ""), err)
		return
	}
	http.Redirect(w, r, stateFrom(r).site.Home(), http.StatusSeeOther)
}

func (a *applications) registerForm(w http.ResponseWriter, r *http.Request) {
	cat := a.p.cat(r)
	v := a.p.view(r, cat.T("account.register.title"))
	v.CSRF = a.formToken(w, r)
	v.Data = a.loginData(r)
	a.render(w, r, http.StatusOK, "registrieren", v)
}

// register creates an account and mails the confirmation link; the answer
// is the same whether the address had an account already.
func (a *applications) register(w http.ResponseWriter, r *http.Request) {
	if !a.parseForm(w, r, 8<<10) {
		return
	}
	cat := a.p.cat(r)
	d := a.loginData(r)
	d.Email, d.Name = strings.TrimSpace(r.PostForm.Get("email")), strings.TrimSpace(r.PostForm.Get("name"))
	if !a.checkCSRF(r) {
		a.csrfFailed(w, r)
		return
	}
	pw := r.PostForm.Get("passwort")
	var fe tenant.FieldErrors
	if pw != r.PostForm.Get("passwort2") {
		fe.Add("passwort2", "%s", cat.T("account.register.mismatch"))
	}
	if len(fe) == 0 {
		_, err := a.d.Accounts.Register(r.Context(), d.Email, pw, d.Name, stateFrom(r).site.Tenant.Slug)
		if errors.As(err, &fe) {
			for i := range fe {
				switch fe[i].Field {
				case "email":
					fe[i].Message = cat.T("account.register.email")
				case "password":
					fe[i].Field, fe[i].Message = "passwort", passwordProblem(cat, pw, d.Email, d.Name)
				}
			}
		} else if err != nil {
			a.p.serverError(w, r, a.p.view(r, ""), err)
			return
		}
	}
	if len(fe) > 0 {
		v := a.p.view(r, cat.T("account.register.title"))
		v.CSRF = a.formToken(w, r)
		d.Errors = fe
		v.Data = d
		a.render(w, r, http.StatusUnprocessableEntity, "registrieren", v)
		return
	}
	a.notice(w, r, http.StatusOK, "success", "account.register.sent.title", cat.T("account.register.sent.text"))
}

// confirmForm shows a button: mail scanners that open links must not use
// the single-use link up.
func (a *applications) confirmForm(w http.ResponseWriter, r *http.Request) {
	cat := a.p.cat(r)
	v := a.p.view(r, cat.T("account.confirm.title"))
	v.CSRF = a.formToken(w, r)
	v.Data = tokenData{Action: stateFrom(r).path, Kind: "confirm"}
	a.render(w, r, http.StatusOK, "token", v)
}

type tokenData struct {
	Action, Kind string
	Errors       tenant.FieldErrors
}

func (a *applications) confirm(w http.ResponseWriter, r *http.Request) {
	if !a.postedForm(w, r, 8<<10) {
		return
	}
	cat := a.p.cat(r)
	if _, err := a.d.Accounts.Confirm(r.Context(), r.PathValue("token")); err != nil {
		if errors.Is(err, citizen.ErrTokenInvalid) {
			a.notice(w, r, http.StatusGone, "warning", "account.token.invalid.title", cat.T("account.token.invalid.text"))
			return
		}
		a.p.serverError(w, r, a.p.view(r, ""), err)
		return
	}
	http.Redirect(w, r, a.accountBase(r)+"/anmelden?bestaetigt=1", http.StatusSeeOther)
}

func (a *applications) forgotForm(w http.ResponseWriter, r *http.Request) {
	cat := a.p.cat(r)
	v := a.p.view(r, cat.T("account.forgot.title"))
	v.CSRF = a.formToken(w, r)
	v.Data = a.loginData(r)
	a.render(w, r, http.StatusOK, "passwort-vergessen", v)
}

func (a *applications) forgot(w http.ResponseWriter, r *http.Request) {
	if !a.postedForm(w, r, 8<<10) {
		return
	}
	if _, err := a.d.Accounts.RequestReset(r.Context(), r.PostForm.Get("email"), stateFrom(r).site.Tenant.Slug, web.ClientIPFrom(r.Context())); err != nil {
		a.p.serverError(w, r, a.p.view(r, ""), err)
		return
	}
	cat := a.p.cat(r)
	a.notice(w, r, http.StatusOK, "success", "account.forgot.sent.title", cat.T("account.forgot.sent.text"))
}

func (a *applications) resetForm(w http.ResponseWriter, r *http.Request) {
	cat := a.p.cat(r)
	v := a.p.view(r, cat.T("account.reset.title"))
	v.CSRF = a.formToken(w, r)
	v.Data = tokenData{Action: stateFrom(r).path, Kind: "reset"}
	a.render(w, r, http.StatusOK, "token", v)
}

func (a *applications) reset(w http.ResponseWriter, r *http.Request) {
	if !a.postedForm(w, r, 8<<10) {
		return
	}
	cat := a.p.cat(r)
	pw := r.PostForm.Get("passwort")
	var fe tenant.FieldErrors
	if pw != r.PostForm.Get("passwort2") {
		fe.Add("passwort2", "%s", cat.T("account.register.mismatch"))
	} else if _, err := a.d.Accounts.ResetPassword(r.Context(), r.PathValue("token"), pw); err != nil {
		switch {
		case errors.Is(err, citizen.ErrTokenInvalid):
			a.notice(w, r, http.StatusGone, "warning", "account.token.invalid.title", cat.T("account.token.invalid.text"))
			return
		case errors.As(err, &fe):
			fe = tenant.FieldErrors{{Field: "passwort", Message: passwordProblem(cat, pw)}}
		default:
			a.p.serverError(w, r, a.p.view(r, ""), err)
			return
		}
	}
	if len(fe) > 0 {
		v := a.p.view(r, cat.T("account.reset.title"))
		v.CSRF = a.formToken(w, r)
		v.Data = tokenData{Action: stateFrom(r).path, Kind: "reset", Errors: fe}
		a.render(w, r, http.StatusUnprocessableEntity, "token", v)
		return
	}
	http.Redirect(w, r, a.accountBase(r)+"/anmelden?neu=1", http.StatusSeeOther)
}

// passwordProblem translates why the store refused a new password: too
// short or too long, or easy to guess (common, patterned, or made of the
// person's address or name – which the store may know better than the
// form, hence the fallback).
func passwordProblem(cat *Catalogue, pw string, context ...string) string {
	err := tenant.CheckPasswordStrength(pw, context...)
	if err != nil && !errors.Is(err, tenant.ErrPasswordGuessable) {
		return cat.T("account.register.password")
	}
	return cat.T("account.password.weak")
}
