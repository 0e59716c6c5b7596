package web

import (
	"encoding/base64"
	"testing"
)

func TestNewCSRFToken(t *testing.T) {
	a, b := NewCSRFToken(), NewCSRFToken()
	if a == b {
		t.Error("two equal tokens")
	}
	raw, err := base64.RawURLEncoding.DecodeString(a)
	if err != nil || len(raw) != 32 || len(a) != 43 {
		t.Errorf("token %q: %d bytes, %v", a, len(raw), err)
	}
}

func TestCSRFTokenValid(t *testing.T) {
	tok := NewCSRFToken()
	tests := []struct {
		name          string
		session, form string
		want          bool
	}{
		{"equal", tok, tok, true},
		{"different", tok, NewCSRFToken(), false},
		{"prefix", tok, tok[:20], false},
		{"empty form", tok, "", false},
		{"empty session", "", tok, false},
		{"both empty", "", "", false},
	}
	for _, tt := range tests {
		if got := CSRFTokenValid(tt.session, tt.form); got != tt.want {
			t.Errorf("%s: got %v, want %v", tt.name, got, tt.want)
		}
	}
}
