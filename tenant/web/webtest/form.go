package webtest

import (
	"bytes"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

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
