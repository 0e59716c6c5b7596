package core

import (
	"context"
	"errors"
	"net/http"
	"regexp"
	"slices"
	"sozialplattform/admin/ui"
	"strings"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/mail"
)

// outboxPageSize is how many mails the Postausgang lists.
const outboxPageSize = 100

type outboxData struct {
	Mails    []mailRow
	Citizen  []mail.TemplateCount // mails to citizens: counts only
	CanRetry bool                 // may requeue failed citizen mails
	Statuses []ui.Option
	Form     *ui.Form
}

type mailRow struct {
	mail.Stored
	TenantName string
}

type mailData struct {
	Mail       mail.Stored
	TenantName string
	Text       string   // the text body, with secret links masked unless the reader may see them
	Links      []string // the links of Text a reader may follow
	Hidden     string   // why secret links are masked, "" when none are
	CanRetry   bool
	Problem    string
}

// Why secret links are masked, by situation.
const (
	hiddenSMTP = "Geheime Links in dieser E-Mail (zum Annehmen einer Einladung, zum Setzen eines Passworts, zum Bestätigen) " +
		"sind ausgeblendet: Die E-Mail geht per SMTP an ihre Empfängerin oder ihren Empfänger, und nur dort gehört der Link hin."
	hiddenOther = "Geheime Links in dieser E-Mail sind ausgeblendet: Ohne SMTP-Server zeigt die Konsole sie nur der Administration " +
		"der Körperschaft, an deren Person die E-Mail geht – nicht übergeordneten Stellen und nicht anderen Körperschaften."
	hiddenNoTenant = "Geheime Links in dieser E-Mail sind ausgeblendet: Sie gehört zu keiner Körperschaft (etwa ein Link zum " +
		"Zurücksetzen des Passworts), also zeigt die Konsole ihn niemandem. Wer ihn braucht, fordert einen neuen an."
	hiddenOld = "Der Text dieser E-Mail wird nicht angezeigt: Sie stammt aus der Zeit, bevor geheime Links maskiert wurden, und enthält einen."
)

// mailScope returns the tenants whose mail the user may act on (act is
// read or update), their names, and whether the user may reach every mail,
// including those of no tenant (password resets). As in the API that is
// whoever holds the right on a root tenant, i.e. the ministry.
func (c *Pages) mailScope(ctx context.Context, act string) (ids []string, names map[string]string, all bool, err error) {
	ids = c.Authz.Tenants(authz.PrincipalFrom(ctx), authz.ObjMail, act)
	ts, err := c.Store.ListTenants(ctx, tenant.TenantFilter{IDs: ids})
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

// mailFilter is the list filter of a scope.
func mailFilter(ids []string, all bool) mail.ListFilter {
	if all {
		return mail.ListFilter{}
	}
	return mail.ListFilter{TenantIDs: ids}
}

// mayReach reports whether a mail lies in the scope.
func mayReach(m mail.Stored, ids []string, all bool) bool {
	return all || (m.TenantID != "" && slices.Contains(ids, m.TenantID))
}

func (c *Pages) OutboxPage(w http.ResponseWriter, r *http.Request) {
	if c.Outbox == nil {
		c.NotFound(w, r)
		return
	}
	ctx := r.Context()
	ids, names, all, err := c.mailScope(ctx, authz.Read)
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	if len(ids) == 0 {
		c.Forbidden(w, r, "Den Postausgang sehen nur die Administrationen der Körperschaften.")
		return
	}
	f := ui.NewForm()
	statuses := []ui.Option{{Value: string(mail.StatusQueued), Label: mail.StatusQueued.Label()},
		{Value: string(mail.StatusSent), Label: mail.StatusSent.Label()}, {Value: string(mail.StatusFailed), Label: mail.StatusFailed.Label()}}
	filter := mailFilter(ids, all)
	counts, err := c.Outbox.CitizenCounts(ctx, filter)
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	filter.Limit = outboxPageSize
	status := http.StatusOK
	if v := r.URL.Query().Get("status"); v != "" {
		f.Set("status", v)
		if slices.ContainsFunc(statuses, func(o ui.Option) bool { return o.Value == v }) {
			filter.Status = mail.Status(v)
		} else {
			f.Add("status", "Bitte wählen Sie einen Zustand aus der Liste.")
			status = http.StatusUnprocessableEntity
		}
	}
	mails, err := c.Outbox.List(ctx, filter)
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	rows := make([]mailRow, len(mails))
	for i, m := range mails {
		rows[i] = mailRow{Stored: m, TenantName: names[m.TenantID]}
	}
	updIDs, _, updAll, err := c.mailScope(ctx, authz.Update)
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	c.Render(w, r, status, "postausgang", &ui.View{Title: "Postausgang", Nav: "postausgang",
		Data: outboxData{Mails: rows, Citizen: counts, CanRetry: updAll || len(updIDs) > 0, Statuses: statuses, Form: f}})
}

// RetryCitizenMails queues the failed mails to citizens of one template
// (in the user's scope) again, without showing them.
func (c *Pages) RetryCitizenMails(w http.ResponseWriter, r *http.Request) {
	if c.Outbox == nil {
		c.NotFound(w, r)
		return
	}
	ctx := r.Context()
	ids, _, all, err := c.mailScope(ctx, authz.Update)
	if err != nil {
		c.ServerError(w, r, err)
		return
	}
	if len(ids) == 0 {
		c.Forbidden(w, r, "")
		return
	}
	template := r.PostForm.Get("vorlage")
	if template == "" || len(template) > 100 {
		c.NotFound(w, r)
		return
	}
	if _, err := c.Outbox.RetryCitizenFailed(ctx, mailFilter(ids, all), template); err != nil {
		c.ServerError(w, r, err)
		return
	}
	ui.SeeOther(w, r, "/admin/postausgang", "erneut-buerger")
}

// mailFor loads the mail the path names if the user may reach it with act;
// a mail outside the user's area – and every mail to a citizen – is 404.
// On failure it has answered.
func (c *Pages) mailFor(w http.ResponseWriter, r *http.Request, act string) (mail.Stored, map[string]string, bool) {
	if c.Outbox == nil || len(r.PathValue("id")) > 64 {
		c.NotFound(w, r)
		return mail.Stored{}, nil, false
	}
	ctx := r.Context()
	ids, names, all, err := c.mailScope(ctx, authz.Read)
	if err != nil {
		c.ServerError(w, r, err)
		return mail.Stored{}, nil, false
	}
	m, err := c.Outbox.Get(ctx, r.PathValue("id"))
	if errors.Is(err, mail.ErrNotFound) || (err == nil && !mayReach(m, ids, all)) {
		c.NotFound(w, r)
		return mail.Stored{}, nil, false
	}
	if err != nil {
		c.ServerError(w, r, err)
		return mail.Stored{}, nil, false
	}
	if act != authz.Read {
		ids, _, all, err := c.mailScope(ctx, act)
		if err != nil {
			c.ServerError(w, r, err)
			return mail.Stored{}, nil, false
		}
		if !mayReach(m, ids, all) {
			c.Forbidden(w, r, "")
			return mail.Stored{}, nil, false
		}
	}
	return m, names, true
}

func (c *Pages) MailPage(w http.ResponseWriter, r *http.Request) {
	m, names, ok := c.mailFor(w, r, authz.Read)
	if !ok {
		return
	}
	c.renderMail(w, r, http.StatusOK, m, names, "")
}

// mailText is the text of m the request's user may read, and why secret
// links are hidden ("" when nothing is). The links in full only where no
// mail server delivers them (development, demo) and only to the admins of
// the tenant the mail belongs to; the ministry above it, or another
// tenant, sees them masked.
func (c *Pages) mailText(r *http.Request, m mail.Stored) (text, hidden string) {
	if !m.HasSecrets() {
		return m.TextBody, ""
	}
	switch {
	case m.TenantID == "":
		hidden = hiddenNoTenant
	case !c.NoSMTP:
		hidden = hiddenSMTP
	case !c.Authz.AllowedHere(authz.PrincipalFrom(r.Context()), m.TenantID, authz.ObjMail, authz.Read):
		hidden = hiddenOther
	default:
		return m.TextBody, ""
	}
	if m.MaskedText == "" {
		return "", hiddenOld
	}
	return m.MaskedText, hidden
}

func (c *Pages) renderMail(w http.ResponseWriter, r *http.Request, status int, m mail.Stored, names map[string]string, problem string) {
	text, hidden := c.mailText(r, m)
	d := mailData{Mail: m, TenantName: names[m.TenantID], Text: text, Links: linksIn(text), Hidden: hidden, Problem: problem}
	if m.Status != mail.StatusSent {
		ids, _, all, err := c.mailScope(r.Context(), authz.Update)
		if err != nil {
			c.ServerError(w, r, err)
			return
		}
		d.CanRetry = m.Status == mail.StatusFailed && mayReach(m, ids, all)
	}
	c.Render(w, r, status, "mail", &ui.View{Title: "E-Mail: " + m.Subject, Nav: "postausgang", Data: d})
}

func (c *Pages) RetryMail(w http.ResponseWriter, r *http.Request) {
	m, names, ok := c.mailFor(w, r, authz.Update)
	if !ok {
		return
	}
	err := c.Outbox.Retry(r.Context(), m.ID)
	switch {
	case errors.Is(err, mail.ErrAlreadySent):
		c.renderMail(w, r, http.StatusConflict, m, names, "Diese E-Mail wurde bereits versandt.")
	case errors.Is(err, mail.ErrNotFound):
		c.NotFound(w, r)
	case err != nil:
		c.ServerError(w, r, err)
	default:
		ui.SeeOther(w, r, "/admin/postausgang/"+m.ID, "erneut")
	}
}

// linkPattern finds web links in a mail's text body.
var linkPattern = regexp.MustCompile(`https?://[^\s<>"'()\[\]]+`)

// linksIn returns the distinct http(s) links of a text, so that the console
// can offer them (an invitation link, say) without rendering the mail's
// HTML, which the console's Content-Security-Policy would not allow anyway.
// It is given the text the reader may see: masked links are no links.
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
