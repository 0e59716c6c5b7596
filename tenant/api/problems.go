package api

import (
	"fmt"
	"net/http"
	"strings"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
)

// MaxProblemDetails is how many error details a problem answer lists at
// most; the detail text says how many more there were.
const MaxProblemDetails = 20

// Length limits (in bytes of the JSON encoding) of the texts of a problem
// answer. With MaxProblemDetails they keep every error answer below 16 KB,
// whatever the request held.
const (
	maxTitleBytes    = 100
	maxDetailBytes   = 1000
	maxURIBytes      = 200
	maxLocationBytes = 160
	maxMessageBytes  = 320
)

// BoundProblems is a huma transformer that bounds every error answer of
// the API. huma's validator reports one error per unknown key or wrong
// item and puts the value it found there – for an unknown key the whole
// request object – into each one, so that an answer grew with the square
// of the request (2,000 keys, 19 KB, gave 38 MB). Here an error answer
// never echoes a value, lists at most MaxProblemDetails details and clips
// every text; a 5xx answer lists none (they would carry internal error
// texts). Other answers pass unchanged.
func BoundProblems(_ huma.Context, _ string, v any) (any, error) {
	m, ok := v.(*huma.ErrorModel)
	if !ok || m == nil {
		return v, nil
	}
	out := &huma.ErrorModel{
		Type:     clip(m.Type, maxURIBytes),
		Title:    clip(m.Title, maxTitleBytes),
		Status:   m.Status,
		Instance: clip(m.Instance, maxURIBytes),
	}
	var details []*huma.ErrorDetail
	for _, d := range m.Errors {
		if d != nil {
			details = append(details, d)
		}
	}
	detail := germanDetail(m.Detail)
	if m.Status < http.StatusInternalServerError {
		if len(details) > MaxProblemDetails {
			detail += fmt.Sprintf(" Gezeigt werden %d von %d Fehlern.", MaxProblemDetails, len(details))
			details = details[:MaxProblemDetails]
		}
		for _, d := range details {
			out.Errors = append(out.Errors, &huma.ErrorDetail{
				Location: clip(d.Location, maxLocationBytes),
				Message:  clip(d.Message, maxMessageBytes),
			})
		}
	}
	out.Detail = clip(detail, maxDetailBytes)
	return out, nil
}

// germanDetail says huma's own summaries in the API's language.
func germanDetail(d string) string {
	switch {
	case d == "validation failed":
		return "Die Angaben sind nicht vollständig oder nicht gültig."
	case d == "request body is required":
		return "Die Anfrage braucht einen Inhalt (JSON)."
	case strings.HasPrefix(d, "request body is too large"):
		return "Die Anfrage ist zu groß."
	case d == "request body read timeout":
		return "Die Anfrage kam zu langsam an."
	}
	return d
}

// clip shortens s so that its JSON encoding (as huma writes it: without
// HTML escaping) takes at most max bytes, an ellipsis included. Invalid
// UTF-8 becomes U+FFFD, as the encoder would write it.
func clip(s string, max int) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	const ellipsis = "…"
	n := 0
	for i, r := range s {
		w := encodedLen(r)
		if n+w > max-len(ellipsis) {
			if encodedSize(s[i:])+n <= max {
				return s
			}
			return s[:i] + ellipsis
		}
		n += w
	}
	return s
}

// encodedSize is the length of s inside a JSON string.
func encodedSize(s string) int {
	n := 0
	for _, r := range s {
		n += encodedLen(r)
	}
	return n
}

// encodedLen is the length of r inside a JSON string; control characters
// are counted as \u00XX, the longest form.
func encodedLen(r rune) int {
	switch {
	case r == '"' || r == '\\':
		return 2
	case r < 0x20, r == '\u2028', r == '\u2029':
		return 6
	}
	return utf8.RuneLen(r)
}
