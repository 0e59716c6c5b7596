package web

import "sozialplattform/tenant/secret"

// NewCSRFToken returns a new form token: 32 random bytes, base64url without
// padding (43 characters). Store it in the session and put it into each
// form as a hidden field; it complements CrossOrigin, it does not replace it.
func NewCSRFToken() string {
	return secret.New()
}

// CSRFTokenValid reports whether the token a form sent matches the one in
// the session, comparing in constant time. It is false when either is empty.
func CSRFTokenValid(sessionToken, formToken string) bool {
	return secret.Equal(sessionToken, formToken)
}
