package web

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// getToken asks for a form token as a page would and returns it with the
// cookie the answer set ("" when none).
func getToken(f *FormTokens, cookie *http.Cookie) (string, *http.Cookie) {
	r := httptest.NewRequest("GET", "/anmelden", nil)
	if cookie != nil {
		r.AddCookie(cookie)
	}
	w := httptest.NewRecorder()
	tok := f.Token(w, r)
	if again := f.Token(w, r); again != tok {
		panic("a second call while answering the same request gave another token")
	}
	res := w.Result()
	for _, c := range res.Cookies() {
		return tok, c
	}
	return tok, nil
}

func post(cookie *http.Cookie) *http.Request {
	r := httptest.NewRequest("POST", "/anmelden", strings.NewReader(""))
	if cookie != nil {
		r.AddCookie(cookie)
	}
	return r
}

func TestFormTokensAreBoundToTheirCookie(t *testing.T) {
	f, err := NewFormTokens([]byte(strings.Repeat("k", 32)), false)
	if err != nil {
		t.Fatal(err)
	}
	tokA, cookieA := getToken(f, nil)
	if cookieA == nil || !cookieA.HttpOnly || cookieA.SameSite != http.SameSiteLaxMode || cookieA.Path != "/" || cookieA.Name != "sp_form" || cookieA.MaxAge != 0 {
		t.Fatalf("cookie %+v", cookieA)
	}
	if strings.Contains(tokA, cookieA.Value) || tokA == cookieA.Value {
		t.Error("the form token is the cookie's value")
	}
	// The same browser keeps its cookie and token.
	if tok, c := getToken(f, cookieA); tok != tokA || c != nil {
		t.Errorf("second page: token %q, new cookie %v", tok, c)
	}
	tokB, cookieB := getToken(f, nil)
	other, _ := NewFormTokens([]byte(strings.Repeat("o", 32)), false)
	tests := []struct {
		name   string
		f      *FormTokens
		cookie *http.Cookie
		token  string
		want   bool
	}{
		{"own cookie and token", f, cookieA, tokA, true},
		{"no cookie", f, nil, tokA, false},
		{"no token", f, cookieA, "", false},
		{"another browser's token", f, cookieA, tokB, false},
		{"another browser's cookie", f, cookieB, tokA, false},
		{"cookie value as token", f, cookieA, cookieA.Value, false},
		{"forged cookie", f, &http.Cookie{Name: "sp_form", Value: "AAAA"}, tokA, false},
		{"another key", other, cookieA, tokA, false},
	}
	for _, tt := range tests {
		if got := tt.f.Valid(post(tt.cookie), tt.token); got != tt.want {
			t.Errorf("%s: Valid = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestFormTokensOverHTTPS(t *testing.T) {
	f, _ := NewFormTokens(nil, true)
	_, c := getToken(f, nil)
	if c == nil || c.Name != "__Host-sp_form" || !c.Secure {
		t.Errorf("cookie over https: %+v", c)
	}
	if _, err := NewFormTokens([]byte("short"), true); err == nil {
		t.Error("a short key was accepted")
	}
}
