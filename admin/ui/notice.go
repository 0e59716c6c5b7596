package ui

import (
	"net/http"
	"strings"

	"sozialplattform/tenant/i18n"
)

// Notice is the confirmation a redirect after a successful POST names
// with ?hinweis= (see SeeOther): the text of "notice.<area>.<code>" in the
// console's German catalogue (tenant/i18n, area console), else the
// shell's "notice.<code>", else "". Only these fixed texts are ever shown;
// a code with a dot could reach into another area's texts and is ignored.
func Notice(r *http.Request, area string) string {
	code := r.URL.Query().Get("hinweis")
	if code == "" || strings.Contains(code, ".") {
		return ""
	}
	de := i18n.Default().German()
	keys := []string{"notice." + code}
	if area != "" {
		keys = []string{"notice." + area + "." + code, "notice." + code}
	}
	for _, k := range keys {
		if t, ok := de.Lookup(k); ok {
			return t.Value
		}
	}
	return ""
}
