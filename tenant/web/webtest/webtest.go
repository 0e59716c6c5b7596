// Package webtest is the no-JavaScript browser of the tests that walk the
// HTML pages of the console and the portal: it reads the session-bound form
// token (web's "csrf" field) off a page and builds the POST a browser
// without JavaScript sends for a form on that page. Only tests import it;
// the console's walks (admin) and the whole-server tests
// (cmd/sozialplattform) share it instead of each keeping a copy.
package webtest

import (
	"bytes"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
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

// File is a file a form sends, in a multipart field.
type File struct {
	Field, Name string
	Data        []byte
}

// FormPost builds the POST of a form on page (fetched from the path from)
// to origin+action, as a browser without JavaScript sends it: the page's
// form token joins vals in the field "csrf" (vals is changed; nil is an
// empty form), the Origin header names origin, and the body is
// application/x-www-form-urlencoded, or multipart/form-data with file when
// file is not nil. It fails t when the page has no form token.
func FormPost(t testing.TB, page, from, origin, action string, vals url.Values, file *File) *http.Request {
	t.Helper()
	token, ok := FormToken(page)
	if !ok {
		t.Fatalf("no form token on %s", from)
	}
	if vals == nil {
		vals = url.Values{}
	}
	vals.Set("csrf", token)
	var body io.Reader
	ct := "application/x-www-form-urlencoded"
	if file != nil {
		var buf bytes.Buffer
		w := multipart.NewWriter(&buf)
		for k, vs := range vals {
			for _, v := range vs {
				if err := w.WriteField(k, v); err != nil {
					t.Fatal(err)
				}
			}
		}
		part, err := w.CreateFormFile(file.Field, file.Name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := part.Write(file.Data); err != nil {
			t.Fatal(err)
		}
		if err := w.Close(); err != nil {
			t.Fatal(err)
		}
		body, ct = &buf, w.FormDataContentType()
	} else {
		body = strings.NewReader(vals.Encode())
	}
	req, err := http.NewRequest(http.MethodPost, origin+action, body)
	if err != nil {
		t.Fatalf("POST %s: %v", action, err)
	}
	req.Header.Set("Content-Type", ct)
	req.Header.Set("Origin", origin)
	return req
}
