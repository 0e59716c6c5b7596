package web

import (
	"net/http"
	"net/url"
	"strings"
	"unicode/utf8"
)

// CheckURL refuses a request whose path or query parameters hold a NUL
// character or bytes that are not UTF-8, before any handler passes them
// to a database: PostgreSQL refuses NUL in text and SQLite ends the
// statement there, so such a parameter used to end in a 500. A bad path
// is answered 400, a bad query parameter 422 (problem JSON under /api/, a
// short German page elsewhere), naming the parameter where its name is
// readable. Query pairs that are not even percent-encoded correctly are
// left alone: url.Values drops them anyway.
func CheckURL(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !cleanText(r.URL.Path) {
			writeError(w, r, http.StatusBadRequest, "Ungültige Adresse",
				"Die Adresse enthält Zeichen, die es in keiner Seite gibt (ein NUL-Zeichen oder kein UTF-8).")
			return
		}
		if name, bad := badQueryParameter(r.URL.RawQuery); bad {
			what := "Ein Parameter der Adresse"
			if name != "" {
				what = "Der Parameter „" + name + "“"
			}
			writeError(w, r, http.StatusUnprocessableEntity, "Ungültige Angabe",
				what+" enthält ein Zeichen, das nicht verarbeitet werden kann (ein NUL-Zeichen oder kein UTF-8).")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// maxNamedParameter is how long a parameter name may be to be quoted back.
const maxNamedParameter = 40

// badQueryParameter reports whether a query parameter's name or value
// holds NUL or invalid UTF-8, and the name when it is fit to be shown.
func badQueryParameter(raw string) (string, bool) {
	if !strings.ContainsAny(raw, "%\x00") && utf8.ValidString(raw) {
		return "", false // nothing encoded: the common case, without allocating
	}
	for pair := range strings.SplitSeq(raw, "&") {
		k, v, _ := strings.Cut(pair, "=")
		key, errK := url.QueryUnescape(k)
		value, errV := url.QueryUnescape(v)
		if errK != nil || errV != nil {
			continue
		}
		if cleanText(key) && cleanText(value) {
			continue
		}
		if cleanText(key) && len(key) <= maxNamedParameter && !strings.ContainsFunc(key, isControl) {
			return key, true
		}
		return "", true
	}
	return "", false
}

// cleanText reports whether s is UTF-8 without NUL.
func cleanText(s string) bool {
	return utf8.ValidString(s) && !strings.Contains(s, "\x00")
}

func isControl(r rune) bool { return r < 0x20 || r == 0x7f }
