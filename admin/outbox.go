package admin

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"strings"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/mail"
)

// outboxPageSize is how many mails the Postausgang lists.
const outboxPageSize = 100

type outboxData struct {
	Mails    []mailRow
	Statuses []option
	Form     *form
}

type mailRow struct {
	mail.Stored
	TenantName string
}

type mailData struct {
	Mail       mail.Stored
	TenantName string
	Text       string   // the text body, with personal links hidden
	Links      []string // the links a reader may follow
	Hidden     bool     // links were hidden
	CanRetry   bool
	Problem    string
}

// personalMails are templates whose links act for an existing account: a
// password-reset link lets whoever opens it take the account over, so the
// console never shows it, not even to the ministry. Invitation links are
// shown (a newcomer may be helped to follow one); they can only create a
// membership the inviter could grant anyway.
var personalMails = map[string]bool{mail.TemplatePasswordReset: true}

// mailScope returns the tenants whose mail the user may act on (act is
// read or update), their names, and whether the user may reach every mail,
// including those of no tenant (password resets). As in the API that is
// whoever holds the right on a root tenant, i.e. the ministry.
func (c *Console) mailScope(ctx context.Context, act string) (ids []string, names map[string]string, all bool, err error) {
	ids = c.authz.Tenants(authz.PrincipalFrom(ctx), authz.ObjMail, act)
	ts, err := c.store.ListTenants(ctx, tenant.TenantFilter{IDs: ids})
	if err != nil {
		return nil, nil, false, err
	}
	names = make(map[string]string, len(ts))
	for _, t := range ts {
		names[t.ID] = t.Name
		if t.Parent() == "" {
			all = true
		}
	}
	return ids, names, all, nil
}

// mayReach reports whether a mail lies in the scope.
func mayReach(m mail.Stored, ids []string, all bool) bool {
	return all || (m.TenantID != "" && slices.Contains(ids, m.TenantID))
}

func (c *Console) outboxPage(w http.ResponseWriter, r *http.Request) {
	if c.outbox == nil {
		c.notFound(w, r)
		return
	}
	ctx := r.Context()
	ids, names, all, err := c.mailScope(ctx, authz.Read)
	if err != nil {
		c.serverError(w, r, err)
		return
	}
	if len(ids) == 0 {
		c.forbidden(w, r, "Den Postausgang sehen nur die Administrationen der Körperschaften.")
		return
	}
	f := newForm()
	statuses := []option{{string(mail.StatusQueued), mail.StatusQueued.Label()},
		{string(mail.StatusSent), mail.StatusSent.Label()}, {string(mail.StatusFailed), mail.StatusFailed.Label()}}
	filter := mail.ListFilter{Limit: outboxPageSize}
	if !all {
		filter.TenantIDs = ids
	}
	status := http.StatusOK
	if v := r.URL.Query().Get("status"); v != "" {
		f.Set("status", v)
		if slices.ContainsFunc(statuses, func(o option) bool { return o.Value == v }) {
			filter.Status = mail.Status(v)
		} else {
			f.Add("status", "Bitte wählen Sie einen Zustand aus der Liste.")
			status = http.StatusUnprocessableEntity
		}
	}
	mails, err := c.outbox.List(ctx, filter)
	if err != nil {
		c.serverError(w, r, err)
		return
	}
	rows := make([]mailRow, len(mails))
	for i, m := range mails {
		rows[i] = mailRow{Stored: m, TenantName: names[m.TenantID]}
	}
	c.render(w, r, status, "postausgang", &view{Title: "Postausgang", Nav: "postausgang",
		Data: outboxData{Mails: rows, Statuses: statuses, Form: f}})
}

// mailFor loads the mail the path names if the user may reach it with act;
// a mail outside the user's area is 404. On failure it has answered.
func (c *Console) mailFor(w http.ResponseWriter, r *http.Request, act string) (mail.Stored, map[string]string, bool) {
	if c.outbox == nil || len(r.PathValue("id")) > 64 {
		c.notFound(w, r)
		return mail.Stored{}, nil, false
	}
	ctx := r.Context()
	ids, names, all, err := c.mailScope(ctx, authz.Read)
	if err != nil {
		c.serverError(w, r, err)
		return mail.Stored{}, nil, false
	}
	m, err := c.outbox.Get(ctx, r.PathValue("id"))
	if errors.Is(err, mail.ErrNotFound) || (err == nil && !mayReach(m, ids, all)) {
		c.notFound(w, r)
		return mail.Stored{}, nil, false
	}
	if err != nil {
		c.serverError(w, r, err)
		return mail.Stored{}, nil, false
	}
	if act != authz.Read {
		ids, _, all, err := c.mailScope(ctx, act)
		if err != nil {
			c.serverError(w, r, err)
			return mail.Stored{}, nil, false
		}
		if !mayReach(m, ids, all) {
			c.forbidden(w, r, "")
			return mail.Stored{}, nil, false
		}
	}
	return m, names, true
}

func (c *Console) mailPage(w http.ResponseWriter, r *http.Request) {
	m, names, ok := c.mailFor(w, r, authz.Read)
	if !ok {
		return
	}
	c.renderMail(w, r, http.StatusOK, m, names, "")
}

func (c *Console) renderMail(w http.ResponseWriter, r *http.Request, status int, m mail.Stored, names map[string]string, problem string) {
	d := mailData{Mail: m, TenantName: names[m.TenantID], Text: m.TextBody, Links: linksIn(m.TextBody), Problem: problem}
	if personalMails[m.Template] {
		d.Text = linkPattern.ReplaceAllString(m.TextBody, "[Link ausgeblendet]")
		d.Links, d.Hidden = nil, true
	}
	if m.Status != mail.StatusSent {
		ids, _, all, err := c.mailScope(r.Context(), authz.Update)
		if err != nil {
			c.serverError(w, r, err)
			return
		}
		d.CanRetry = m.Status == mail.StatusFailed && mayReach(m, ids, all)
	}
	c.render(w, r, status, "mail", &view{Title: "E-Mail: " + m.Subject, Nav: "postausgang", Data: d})
}

func (c *Console) retryMail(w http.ResponseWriter, r *http.Request) {
	m, names, ok := c.mailFor(w, r, authz.Update)
	if !ok {
		return
	}
	err := c.outbox.Retry(r.Context(), m.ID)
	switch {
	case errors.Is(err, mail.ErrAlreadySent):
		c.renderMail(w, r, http.StatusConflict, m, names, "Diese E-Mail wurde bereits versandt.")
	case errors.Is(err, mail.ErrNotFound):
		c.notFound(w, r)
	case err != nil:
		c.serverError(w, r, err)
	default:
		seeOther(w, r, "/admin/postausgang/"+m.ID, "erneut")
	}
}

// linkPattern finds web links in a mail's text body.
var linkPattern = regexp.MustCompile(`https?://[^\s<>"'()\[\]]+`)

// linksIn returns the distinct http(s) links of a text, so that the console
// can offer them (an invitation link, say) without rendering the mail's
// HTML, which the console's Content-Security-Policy would not allow anyway.
func linksIn(text string) []string {
	var out []string
	for _, l := range linkPattern.FindAllString(text, 50) {
		l = strings.TrimRight(l, ".,;:!?")
		if !slices.Contains(out, l) {
			out = append(out, l)
		}
	}
	return out
}
