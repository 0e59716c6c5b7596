package ui

import (
	"net/http"
	"slices"
)

// ConfirmField is the form field that carries the answer of a
// confirmation step ("ja"). Destructive actions – resetting or reopening a
// phase, deactivating an account, removing, deleting, revoking – run only
// with it, so that a slipped click never changes anything by itself.
const ConfirmField = "bestaetigung"

// Confirmation is the question a destructive action asks before it runs.
type Confirmation struct {
	Heading string // "Phase zurücksetzen?"
	Text    string // what happens, in one or two sentences
	Button  string // the confirming button, "Ja, zurücksetzen"
	Back    string // where "Abbrechen" leads: the page the action was on
}

// confirmData fills the confirmation page: the question and the form that
// sends the action again, with its fields and the answer.
type confirmData struct {
	Confirmation
	Action string
	Fields []confirmFieldValue
	Field  string
}

type confirmFieldValue struct{ Name, Value string }

// Confirmed reports whether a POST carries the answer of the confirmation
// step. If not, it shows the confirmation page – a form that posts the
// same action with the same fields and the answer, and a link back – and
// returns false; the handler then stops. It works without JavaScript: the
// question is a page of its own. Call it after the form token was checked
// and after the object was loaded (so that 404 and 403 come first).
func (c *Shell) Confirmed(w http.ResponseWriter, r *http.Request, q Confirmation) bool {
	if r.PostForm.Get(ConfirmField) == "ja" {
		return true
	}
	d := confirmData{Confirmation: q, Action: r.URL.Path, Field: ConfirmField}
	if d.Back == "" {
		d.Back = BackLink(r)
	}
	names := make([]string, 0, len(r.PostForm))
	for name := range r.PostForm {
		if name != "csrf" && name != ConfirmField {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	for _, name := range names {
		for _, v := range r.PostForm[name] {
			d.Fields = append(d.Fields, confirmFieldValue{name, v})
		}
	}
	c.Render(w, r, http.StatusOK, "bestaetigen", &View{Title: q.Heading, Data: d})
	return false
}
