package ui

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"unicode"
	"unicode/utf8"

	"sozialplattform/tenant"
	"sozialplattform/tenant/i18n"
)

// Form keeps what a user typed and what is wrong with it, so that a page
// can show the input again with each message next to its field and all of
// them in a summary at the top. Field IDs are the HTML ids and names.
type Form struct {
	Values map[string]string
	Errors []FieldMsg // in the order found, for the summary
	Alert  string     // a problem of the whole form
}

// FieldMsg is one entry of the error summary; ID "" means the message
// belongs to no field on the page.
type FieldMsg struct {
	ID      string
	Message string
}

// Option is an entry of a select.
type Option struct {
	Value string
	Label string
}

func NewForm() *Form { return &Form{Values: map[string]string{}} }

// Get returns the kept value of a field.
func (f *Form) Get(id string) string { return f.Values[id] }

// Set keeps a value for a field.
func (f *Form) Set(id, v string) { f.Values[id] = v }

// Error returns the message for a field, or "".
func (f *Form) Error(id string) string {
	if id == "" {
		return ""
	}
	for _, e := range f.Errors {
		if e.ID == id {
			return e.Message
		}
	}
	return ""
}

// Add records a problem with a field; the first message per field wins.
func (f *Form) Add(id, msg string) {
	if id != "" && f.Error(id) != "" {
		return
	}
	f.Errors = append(f.Errors, FieldMsg{ID: id, Message: msg})
}

// Fail records a problem of the whole form.
func (f *Form) Fail(msg string) { f.Alert = msg }

// Invalid reports whether there is anything to show in the summary.
func (f *Form) Invalid() bool { return len(f.Errors) > 0 || f.Alert != "" }

// Text reads a trimmed field of at most max characters and keeps it.
func (f *Form) Text(r *http.Request, id string, max int) string {
	v := strings.TrimSpace(r.PostForm.Get(id))
	f.Values[id] = v
	switch {
	case utf8.RuneCountInString(v) > max:
		f.Add(id, fmt.Sprintf("Bitte geben Sie höchstens %d Zeichen ein.", max))
	case !utf8.ValidString(v) || strings.ContainsFunc(v, unicode.IsControl):
		f.Add(id, "Bitte verwenden Sie keine Steuerzeichen.")
	}
	return v
}

// maxSecretBytes caps what is hashed or compared for a password field.
const maxSecretBytes = 4 * tenant.MaxPasswordLen

// Secret reads a password field as typed; it is never shown again.
func (f *Form) Secret(r *http.Request, id string) string {
	v := r.PostForm.Get(id)
	if len(v) > maxSecretBytes {
		f.Add(id, fmt.Sprintf("Das Passwort darf höchstens %d Zeichen lang sein.", tenant.MaxPasswordLen))
		return ""
	}
	return v
}

// Choice reads a field that must be one of the options' values.
func (f *Form) Choice(r *http.Request, id string, opts []Option, msg string) string {
	v := r.PostForm.Get(id)
	for _, o := range opts {
		if o.Value == v {
			f.Values[id] = v
			return v
		}
	}
	f.Add(id, msg)
	return ""
}

// FieldText is a domain's field error as the console says it: the German
// catalogue's text for the error's code (tenant/i18n), else the domain's
// German message.
func FieldText(e tenant.FieldError) string { return i18n.Default().German().Field(e).Value }

// StoreErrors puts the field errors of a store call onto the form, with
// ids mapping the store's field names ("postalCode", "contacts[0].email")
// to the form's ids; fields not on the form are listed without a link. It
// returns false when err is not a field error.
func (f *Form) StoreErrors(err error, ids func(field string) string) bool {
	var fe tenant.FieldErrors
	if !errors.As(err, &fe) {
		return false
	}
	for _, e := range fe {
		f.Add(ids(e.Field), FieldText(e))
	}
	return true
}

// SameIDs maps store field names to form ids of the same name when the
// form has such a field.
func SameIDs(known ...string) func(string) string {
	return func(field string) string {
		for _, k := range known {
			if k == field {
				return k
			}
		}
		return ""
	}
}

// Sentence turns an error text of the store ("der Link ist ungültig") into
// a sentence for the page ("Der Link ist ungültig.").
func Sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	r, n := utf8.DecodeRuneInString(s)
	s = string(unicode.ToUpper(r)) + s[n:]
	if !strings.HasSuffix(s, ".") {
		s += "."
	}
	return s
}

// Labelled is a value of a closed list (a role, a tenant kind, a state, a
// phase) that names itself to people.
type Labelled interface {
	~string
	Label() string
}

// Options lists values as select options, each with its Label as text, in
// the order given: the one conversion every closed list of the console
// goes through.
func Options[T Labelled](values []T) []Option {
	out := make([]Option, len(values))
	for i, v := range values {
		out[i] = Option{Value: string(v), Label: v.Label()}
	}
	return out
}

// LongText reads a trimmed multi-line field (a reason, a description) of
// at most max characters and keeps it; line breaks and tabs are allowed,
// other control characters are not.
func (f *Form) LongText(r *http.Request, id string, max int) string {
	v := strings.TrimSpace(strings.ReplaceAll(r.PostForm.Get(id), "\r\n", "\n"))
	f.Values[id] = v
	switch {
	case utf8.RuneCountInString(v) > max:
		f.Add(id, fmt.Sprintf("Bitte geben Sie höchstens %d Zeichen ein.", max))
	case !utf8.ValidString(v) || strings.ContainsFunc(v, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }):
		f.Add(id, "Bitte verwenden Sie keine Steuerzeichen.")
	}
	return v
}
