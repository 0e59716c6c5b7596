package web

import (
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"strconv"
	"strings"
)

// problem is an RFC 9457 problem detail, the shape huma answers errors with.
type problem struct {
	Type     string `json:"type"`
	Title    string `json:"title"`
	Status   int    `json:"status"`
	Detail   string `json:"detail,omitempty"`
	Instance string `json:"instance,omitempty"`
}

// WriteProblem answers with an RFC 9457 application/problem+json body
// {"type","title","status","detail","instance"}, the error shape of the huma
// API, for plain net/http routes. type is "about:blank"; an empty title
// becomes the HTTP status text; instance is the request path (never the
// query, which may carry tokens).
func WriteProblem(w http.ResponseWriter, r *http.Request, status int, title, detail string) {
	if title == "" {
		title = http.StatusText(status)
	}
	p := problem{Type: "about:blank", Title: title, Status: status, Detail: detail}
	if r != nil && r.URL != nil {
		p.Instance = r.URL.Path
	}
	body, err := json.Marshal(p)
	if err != nil { // cannot happen for strings and an int
		body = []byte(`{"type":"about:blank","status":` + strconv.Itoa(status) + `}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/problem+json")
	h.Set("Content-Length", strconv.Itoa(len(body)+1))
	h.Del("Content-Encoding")
	w.WriteHeader(status)
	_, _ = w.Write(append(body, '\n'))
}

// isAPIPath reports whether p belongs to the JSON API under /api/.
func isAPIPath(p string) bool {
	return p == "/api" || strings.HasPrefix(p, "/api/")
}

// writeError answers an error in the form the caller understands: problem
// JSON for the API, a short German HTML page elsewhere. The request ID, when
// there is one, is shown so that a citizen can quote it.
func writeError(w http.ResponseWriter, r *http.Request, status int, title, detail string) {
	id := RequestIDFrom(r.Context())
	if isAPIPath(r.URL.Path) {
		if id != "" {
			detail += " (Vorgangsnummer " + id + ")"
		}
		WriteProblem(w, r, status, title, detail)
		return
	}
	var ref string
	if id != "" {
		ref = "\n<p>Vorgangsnummer: <code>" + html.EscapeString(id) + "</code></p>"
	}
	page := fmt.Sprintf(`<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>%[1]s</title>
</head>
<body>
<main>
<h1>%[1]s</h1>
<p>%[2]s</p>%[3]s
<p><a href="/">Zur Startseite</a></p>
</main>
</body>
</html>
`, html.EscapeString(title), html.EscapeString(detail), ref)
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(page)))
	h.Del("Content-Encoding")
	w.WriteHeader(status)
	_, _ = w.Write([]byte(page))
}
