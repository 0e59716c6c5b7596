// Package webtest is the no-JavaScript browser of the tests that walk the
// HTML pages of the console and the portal: it reads the session-bound form
// token (web's "csrf" field) off a page and builds the POST a browser
// without JavaScript sends for a form on that page. Only tests import it;
// the console's walks (admin) and the whole-server tests
// (cmd/sozialplattform) share it instead of each keeping a copy.
package webtest

import (
	"html"
	"regexp"
)

// tokenField is the hidden field web's form token is rendered in.
var tokenField = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

// FormToken returns the form token of page, as a browser submits it
// (HTML entities undone); false when the page has none.
func FormToken(page string) (string, bool) {
	m := tokenField.FindStringSubmatch(page)
	if m == nil {
		return "", false
	}
	return html.UnescapeString(m[1]), true
}
