package www

import (
	"net/http"
	"net/mail"
	"net/url"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	tmail "sozialplattform/tenant/mail"
)

// TemplateAccessibilityFeedback is the mail a reported barrier becomes.
const TemplateAccessibilityFeedback = "accessibility-feedback"

// FeedbackMail fills the "accessibility-feedback" mail template.
type FeedbackMail struct {
	SiteName string
	Page     string
	Message  string
	Name     string
	Email    string
	Language string
	SentAt   time.Time
}

// Limits of the feedback form.
const (
	maxFeedbackMessage = 2000
	maxFeedbackField   = 200
)

// feedbackForm keeps the input and the problems of the feedback form.
type feedbackForm struct {
	Values map[string]string
	Errors []fieldProblem
}

type fieldProblem struct{ ID, Message string }

// Error returns the message for a field.
func (f *feedbackForm) Error(id string) string {
	for _, e := range f.Errors {
		if e.ID == id {
			return e.Message
		}
	}
	return ""
}

// Get returns the value typed into a field.
func (f *feedbackForm) Get(id string) string { return f.Values[id] }

// accessibilityData fills the accessibility statement with its form.
type accessibilityData struct {
	Form    *feedbackForm
	Sent    bool
	Mailbox string
}

func (p *Portal) accessibility(w http.ResponseWriter, r *http.Request) {
	p.renderAccessibility(w, r, &feedbackForm{Values: map[string]string{"seite": r.URL.Query().Get("seite")}}, http.StatusOK)
}

func (p *Portal) renderAccessibility(w http.ResponseWriter, r *http.Request, f *feedbackForm, status int) {
	st := stateFrom(r)
	tok, err := p.formToken(w, r)
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	c, fallback, _ := p.content.page(st.lang.Code, "barrierefreiheit")
	title := c.Title
	if len(f.Errors) > 0 {
		title = p.cat(r).T("form.errors.prefix") + " " + title
	}
	v := p.view(r, title)
	v.Nav = "barrierefreiheit"
	v.Fallback = fallback
	v.CSRF = tok
	if len(f.Values["seite"]) > maxFeedbackField {
		f.Values["seite"] = ""
	}
	v.Data = textData{Page: c, Extra: accessibilityData{Form: f, Sent: r.URL.Query().Get("gesendet") == "1", Mailbox: p.feedbackMailbox(r)}}
	p.render(w, r, status, "barrierefreiheit", v, private)
}

// feedbackMailbox is where reports go: the site's function mailbox, or
// the Land's when it has none.
func (p *Portal) feedbackMailbox(r *http.Request) string {
	st := stateFrom(r)
	if st.site.Tenant.FunctionMailbox != "" {
		return st.site.Tenant.FunctionMailbox
	}
	if land, err := p.landSite(r.Context()); err == nil {
		return land.Tenant.FunctionMailbox
	}
	return ""
}

// feedback takes a report of a barrier and queues it as mail to the
// tenant's function mailbox.
func (p *Portal) feedback(w http.ResponseWriter, r *http.Request) {
	if !p.checkForm(w, r) {
		return
	}
	cat := p.cat(r)
	f := &feedbackForm{Values: map[string]string{}}
	text := func(id string, max int, required bool) string {
		v := strings.TrimSpace(r.PostForm.Get(id))
		if utf8.RuneCountInString(v) > max {
			f.Errors = append(f.Errors, fieldProblem{id, cat.Tf("form.error.toolong", max)})
			v = string([]rune(v)[:max])
		} else if !utf8.ValidString(v) || strings.ContainsFunc(v, func(c rune) bool { return unicode.IsControl(c) && c != '\n' && c != '\r' && c != '\t' }) {
			f.Errors = append(f.Errors, fieldProblem{id, cat.T("form.error.control")})
		} else if required && v == "" {
			f.Errors = append(f.Errors, fieldProblem{id, cat.T("feedback.error.message")})
		}
		f.Values[id] = v
		return v
	}
	msg := text("nachricht", maxFeedbackMessage, true)
	page := text("seite", maxFeedbackField, false)
	name := text("name", maxFeedbackField, false)
	email := text("email", maxFeedbackField, false)
	if email != "" && f.Error("email") == "" {
		if a, err := mail.ParseAddress(email); err != nil || a.Address != email {
			f.Errors = append(f.Errors, fieldProblem{"email", cat.T("feedback.error.email")})
		}
	}
	if page != "" && f.Error("seite") == "" {
		if u, err := url.Parse(page); err != nil || (u.Scheme != "" && u.Scheme != "http" && u.Scheme != "https") {
			f.Errors = append(f.Errors, fieldProblem{"seite", cat.T("feedback.error.page")})
		}
	}
	if len(f.Errors) > 0 {
		p.renderAccessibility(w, r, f, http.StatusUnprocessableEntity)
		return
	}
	st := stateFrom(r)
	to := p.feedbackMailbox(r)
	if p.outbox == nil || to == "" {
		p.serverError(w, r, p.view(r, ""), errAnswer("no mailbox or outbox for accessibility feedback"))
		return
	}
	err := p.outbox.Enqueue(r.Context(), p.db.Write, tmail.Message{TenantID: st.site.Tenant.ID, To: to, Template: TemplateAccessibilityFeedback,
		Data: FeedbackMail{SiteName: st.site.Tenant.Name, Page: page, Message: msg, Name: name, Email: email, Language: st.lang.Native, SentAt: p.now()}})
	if err != nil {
		p.serverError(w, r, p.view(r, ""), err)
		return
	}
	http.Redirect(w, r, st.site.Prefix+"/barrierefreiheit?gesendet=1#rueckmeldung", http.StatusSeeOther)
}

type errAnswer string

func (e errAnswer) Error() string { return string(e) }
