package web

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
)

// NewCSRFToken returns a new form token: 32 random bytes, base64url without
// padding (43 characters). Store it in the session and put it into each
// form as a hidden field; it complements CrossOrigin, it does not replace it.
func NewCSRFToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never returns an error
	return base64.RawURLEncoding.EncodeToString(b)
}

// CSRFTokenValid reports whether the token a form sent matches the one in
// the session, comparing in constant time. It is false when either is empty.
func CSRFTokenValid(sessionToken, formToken string) bool {
	if sessionToken == "" || formToken == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(sessionToken), []byte(formToken)) == 1
}
