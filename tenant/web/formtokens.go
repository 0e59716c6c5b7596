package web

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"net/http"
)

// FormTokens issues the form tokens of pages shown before login – login,
// registration, password reset, invitation, feedback, appointment booking
// – without writing anything on the server: a stranger's GET must not
// cost a session row. It is the signed double-submit cookie: the browser
// gets a cookie with a random nonce, the form carries HMAC-SHA256(key,
// nonce), and a POST counts only if its form token is the HMAC of the
// nonce in its own cookie. Another site can neither read the cookie nor
// compute the token without the key, and a token copied from one browser
// is worthless with another browser's cookie.
//
// Once a person has a session, the session's own token (NewCSRFToken)
// takes over; FormTokens is for the time before.
type FormTokens struct {
	key    []byte
	secure bool
}

// formNonceBytes is the size of the cookie's nonce.
const formNonceBytes = 32

// NewFormTokens returns form tokens signed with key (at least 32 bytes;
// every instance needs the same). secure marks the cookie Secure and names
// it with the __Host- prefix (https). An empty key makes a random one, for
// tests and a single process: tokens then end with a restart.
func NewFormTokens(key []byte, secure bool) (*FormTokens, error) {
	if len(key) == 0 {
		key = make([]byte, 32)
		_, _ = rand.Read(key)
	}
	if len(key) < 32 {
		return nil, errors.New("form tokens: the key needs at least 32 bytes")
	}
	return &FormTokens{key: append([]byte(nil), key...), secure: secure}, nil
}

// CookieName is "__Host-sp_form" over https, "sp_form" otherwise.
func (f *FormTokens) CookieName() string {
	if f.secure {
		return "__Host-sp_form"
	}
	return "sp_form"
}

// nonce returns the request's nonce, or nil when it has no valid cookie.
func (f *FormTokens) nonce(r *http.Request) []byte {
	c, err := r.Cookie(f.CookieName())
	if err != nil || len(c.Value) > 64 {
		return nil
	}
	n, err := base64.RawURLEncoding.DecodeString(c.Value)
	if err != nil || len(n) != formNonceBytes {
		return nil
	}
	return n
}

// sign is the form token of a nonce.
func (f *FormTokens) sign(nonce []byte) string {
	m := hmac.New(sha256.New, f.key)
	m.Write([]byte("sozialplattform form token\x00"))
	m.Write(nonce)
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// Token returns the form token for the request's browser. Without a valid
// cookie it sets one (HttpOnly, SameSite=Lax, for the browser session) and
// adds it to r as well, so that a second call while answering the same
// request gives the same token.
func (f *FormTokens) Token(w http.ResponseWriter, r *http.Request) string {
	if n := f.nonce(r); n != nil {
		return f.sign(n)
	}
	n := make([]byte, formNonceBytes)
	_, _ = rand.Read(n)
	c := &http.Cookie{Name: f.CookieName(), Value: base64.RawURLEncoding.EncodeToString(n), Path: "/",
		HttpOnly: true, Secure: f.secure, SameSite: http.SameSiteLaxMode}
	http.SetCookie(w, c)
	r.AddCookie(c)
	return f.sign(n)
}

// Valid reports whether a form's token belongs to the request's cookie,
// comparing in constant time. It is false without a cookie or token.
func (f *FormTokens) Valid(r *http.Request, formToken string) bool {
	n := f.nonce(r)
	if n == nil || formToken == "" {
		return false
	}
	return hmac.Equal([]byte(f.sign(n)), []byte(formToken))
}
