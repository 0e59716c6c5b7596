package www

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"strings"

	"sozialplattform/portal/citizen"
	"sozialplattform/portal/forms"
	"sozialplattform/tenant/envelope"
)

// ApplicationDeps are what the online applications and the citizen
// accounts need; cmd passes them to RegisterApplications.
type ApplicationDeps struct {
	Forms    *forms.Store
	Accounts *citizen.Store
	Sessions *citizen.Sessions
	// SAML is the identity provider login; nil when none is configured.
	SAML *citizen.SAML
	// Keys seal answers that are parked in the session while the citizen
	// logs in again after the session expired.
	Keys *envelope.Keyring
}

// applications serves the application and account pages of every site:
// /{slug}/antrag/{strecke}/… and /{slug}/servicekonto/….
type applications struct {
	p     *Portal
	d     ApplicationDeps
	pages *pageSets
}

// RegisterApplications adds the online applications (issue 6) to the
// portal: the application flow behind "Antrag stellen" and the citizen's
// Servicekonto. Their routes are in the portal's table (routes.go); with
// them, /{slug}/antrag/{strecke} opens the application instead of the
// placeholder. Call it once at start, before serving.
func (p *Portal) RegisterApplications(d ApplicationDeps) error {
	if d.Forms == nil || d.Accounts == nil || d.Sessions == nil || d.Keys == nil {
		return errors.New("portal applications: Forms, Accounts, Sessions and Keys are required")
	}
	a := &applications{p: p, d: d}
	var err error
	a.pages = newPageSets()
	if err = p.addPages(a.pages, "templates/antrag/*.html", "", []string{"templates/antrag/bausteine.html"}); err != nil {
		return err
	}
	p.apps = a
	p.buildTable() // again, with these pages
	return nil
}

// render writes a page; application pages are personal: never cached.
func (a *applications) render(w http.ResponseWriter, r *http.Request, status int, page string, v *view) {
	if nav := v.Account; nav != nil {
		nav.Known = true
		if _, ok, _ := a.d.Sessions.Current(r); ok {
			nav.LoggedIn = true
			if v.CSRF == "" { // the logout button needs the form token
				v.CSRF = a.formToken(w, r)
			}
		} else {
			nav.Login = nav.Base + "/anmelden?ziel=" + urlQuery(localPath(stateFrom(r).path, nav.Base+"/"))
		}
	}
	t, err := a.pages.page(v.Lang.Code, page)
	if err != nil {
		a.p.serverError(w, r, v, err)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout", v); err != nil {
		a.p.serverError(w, r, v, fmt.Errorf("render %s: %w", page, err))
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", v.Lang.Code)
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// notice renders a short message page (kind: info, success, warning, danger).
func (a *applications) notice(w http.ResponseWriter, r *http.Request, status int, kind, titleKey, text string, links ...noticeLink) {
	cat := a.p.cat(r)
	v := a.p.view(r, cat.T(titleKey))
	v.Data = noticeData{Kind: kind, Heading: cat.T(titleKey), Text: text, Links: links}
	a.render(w, r, status, "hinweis", v)
}

type noticeData struct {
	Kind, Heading, Text string
	Links               []noticeLink
}

type noticeLink struct{ Label, URL string }

// accountBase is the Servicekonto area of the request's site.
func (a *applications) accountBase(r *http.Request) string {
	return "/" + stateFrom(r).site.Tenant.Slug + "/servicekonto"
}

// citizen returns the logged-in citizen, or answers with a redirect to
// the login (back to this page afterwards) and false.
func (a *applications) citizen(w http.ResponseWriter, r *http.Request) (citizen.Principal, bool) {
	c, ok, err := a.d.Sessions.Current(r)
	if err != nil {
		a.p.serverError(w, r, a.p.view(r, ""), err)
		return citizen.Principal{}, false
	}
	if !ok {
		http.Redirect(w, r, a.accountBase(r)+"/anmelden?ziel="+url.QueryEscape(stateFrom(r).path), http.StatusSeeOther)
		return citizen.Principal{}, false
	}
	return c, true
}

// formToken is the request's form token (see Portal.formToken).
func (a *applications) formToken(w http.ResponseWriter, r *http.Request) string {
	tok, err := a.p.formToken(w, r)
	if err != nil {
		a.p.logger.WarnContext(r.Context(), "portal: form token", "err", err)
	}
	return tok
}

// stashKey holds answers posted after the session had expired, sealed,
// until the citizen logged in again.
const stashKey = "antrag_zwischenstand"

type stash struct {
	Draft, Step string
	Form        url.Values
}

// stashForm keeps a step's answers that arrived without a valid session,
// so that nothing typed is lost: sealed with the data key in a fresh
// session, applied after the next login to the citizen's own draft only.
func (a *applications) stashForm(w http.ResponseWriter, r *http.Request, draftID, stepID string, form url.Values) error {
	form = cloneValues(form)
	for _, k := range []string{"csrf", "aktion"} {
		form.Del(k)
	}
	raw, err := json.Marshal(stash{Draft: draftID, Step: stepID, Form: form})
	if err != nil {
		return err
	}
	sealed, err := a.d.Keys.Seal(raw, []byte(stashKey))
	if err != nil {
		return err
	}
	b, _ := json.Marshal(sealed)
	sess, err := a.p.sessions.Get(r, a.p.sessions.CookieName())
	if err != nil {
		return err
	}
	sess.Values[stashKey] = base64.RawURLEncoding.EncodeToString(b)
	return sess.Save(r, w)
}

// applyStash saves parked answers into the draft when the draft belongs
// to the citizen now logged in; it clears the stash either way.
func (a *applications) applyStash(w http.ResponseWriter, r *http.Request, c citizen.Principal) {
	sess, err := a.p.sessions.Get(r, a.p.sessions.CookieName())
	if err != nil {
		return
	}
	enc, _ := sess.Values[stashKey].(string)
	if enc == "" {
		return
	}
	delete(sess.Values, stashKey)
	_ = sess.Save(r, w)
	b, err := base64.RawURLEncoding.DecodeString(enc)
	var sealed envelope.Sealed
	if err != nil || json.Unmarshal(b, &sealed) != nil {
		return
	}
	raw, err := a.d.Keys.Open(sealed, []byte(stashKey))
	var st stash
	if err != nil || json.Unmarshal(raw, &st) != nil {
		return
	}
	if _, err := a.d.Forms.SaveStep(r.Context(), c.ID, st.Draft, st.Step, st.Form, stateFrom(r).lang.Code, nil); err != nil {
		a.p.logger.InfoContext(r.Context(), "portal: parked answers not applied", "err", err)
	}
}

func cloneValues(v url.Values) url.Values {
	out := url.Values{}
	for k, vs := range v {
		out[k] = append([]string(nil), vs...)
	}
	return out
}

// checkCSRF checks the form token: the session's, or before login the
// signed cookie's (see Portal.formTokenValid).
func (a *applications) checkCSRF(r *http.Request) bool {
	return a.p.formTokenValid(r, r.PostForm.Get("csrf"))
}

// parseForm reads a urlencoded form up to limit bytes; on failure it has
// answered.
func (a *applications) parseForm(w http.ResponseWriter, r *http.Request, limit int64) bool {
	r.Body = http.MaxBytesReader(w, r.Body, limit)
	if err := r.ParseForm(); err != nil {
		cat := a.p.cat(r)
		status, text := http.StatusBadRequest, cat.T("error.form.text")
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			status, text = http.StatusRequestEntityTooLarge, cat.T("error.toolarge.text")
		}
		a.notice(w, r, status, "danger", "error.form.title", text)
		return false
	}
	return true
}

// csrfFailed answers a form whose token does not match.
func (a *applications) csrfFailed(w http.ResponseWriter, r *http.Request) {
	a.notice(w, r, http.StatusForbidden, "danger", "error.csrf.title", a.p.cat(r).T("error.csrf.text"))
}

// postedForm reads a posted form up to limit bytes and checks its form
// token, as every form action does before it changes anything; on failure
// it has answered (400/413, 403).
func (a *applications) postedForm(w http.ResponseWriter, r *http.Request, limit int64) bool {
	if !a.parseForm(w, r, limit) {
		return false
	}
	if !a.checkCSRF(r) {
		a.csrfFailed(w, r)
		return false
	}
	return true
}

// citizenForm is postedForm for an action of a logged-in citizen: the
// login is checked between the body and the token, so that a visitor
// whose session ended is sent to the login (and back) rather than told
// the form expired. On failure it has answered.
func (a *applications) citizenForm(w http.ResponseWriter, r *http.Request, limit int64) (citizen.Principal, bool) {
	if !a.parseForm(w, r, limit) {
		return citizen.Principal{}, false
	}
	c, ok := a.citizen(w, r)
	if !ok {
		return citizen.Principal{}, false
	}
	if !a.checkCSRF(r) {
		a.csrfFailed(w, r)
		return citizen.Principal{}, false
	}
	return c, true
}

// localPath accepts only a path on this site as a return target.
func localPath(s, fallback string) string {
	if !strings.HasPrefix(s, "/") || strings.HasPrefix(s, "//") || strings.ContainsAny(s, "\\\r\n") || len(s) > 300 {
		return fallback
	}
	return s
}

// storeError maps the forms store's errors to pages.
func (a *applications) storeError(w http.ResponseWriter, r *http.Request, err error) {
	cat := a.p.cat(r)
	switch {
	case errors.Is(err, forms.ErrNotFound):
		a.p.notFound(w, r, a.p.view(r, ""))
	case errors.Is(err, forms.ErrNotLive):
		a.notice(w, r, http.StatusConflict, "warning", "app.notlive.title", cat.T("application.notlive"))
	case errors.Is(err, forms.ErrTooMany):
		a.notice(w, r, http.StatusConflict, "warning", "app.toomany.title", cat.T("app.toomany.text"), noticeLink{cat.T("account.title"), a.accountBase(r) + "/"})
	case errors.Is(err, forms.ErrUnavailable) || errors.Is(err, context.DeadlineExceeded):
		w.Header().Set("Retry-After", "5")
		a.notice(w, r, http.StatusServiceUnavailable, "warning", "app.busy.title", cat.T("app.busy.text"))
	default:
		a.p.serverError(w, r, a.p.view(r, ""), err)
	}
}
