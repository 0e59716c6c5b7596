package web

import (
	"fmt"
	"net/http"
)

// CrossOrigin protects against cross-site request forgery with Go's
// http.CrossOriginProtection: unsafe requests (POST, PUT, …) that a browser
// marks as cross-site (Sec-Fetch-Site, or an Origin not matching Host) are
// rejected with 403, answered as problem JSON under /api/ and as a German
// HTML page elsewhere. Requests from trustedOrigins ("https://host[:port]")
// pass. Requests without those headers (non-browser API clients) pass too.
func CrossOrigin(trustedOrigins []string) (func(http.Handler) http.Handler, error) {
	c := http.NewCrossOriginProtection()
	for _, o := range trustedOrigins {
		if err := c.AddTrustedOrigin(o); err != nil {
			return nil, fmt.Errorf("cross-origin protection: %w", err)
		}
	}
	c.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		writeError(w, r, http.StatusForbidden, "Anfrage abgelehnt",
			"Die Anfrage kam von einer anderen Website und wurde zu Ihrem Schutz nicht ausgeführt. "+
				"Bitte laden Sie die Seite neu und versuchen Sie es erneut.")
	}))
	return c.Handler, nil
}
