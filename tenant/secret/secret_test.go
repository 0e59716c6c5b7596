package secret_test

import (
	"encoding/base64"
	"strings"
	"testing"

	"sozialplattform/tenant/secret"
)

func TestNewSecretsAreLongURLSafeAndUnique(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		s := secret.New()
		raw, err := base64.RawURLEncoding.DecodeString(s)
		if err != nil || len(raw) != 32 || len(s) != 43 {
			t.Fatalf("secret %q: %d bytes, %v; want 32 bytes in 43 URL-safe characters", s, len(raw), err)
		}
		if strings.ContainsAny(s, "+/=") {
			t.Fatalf("secret %q is not URL-safe", s)
		}
		if seen[s] {
			t.Fatalf("secret %q made twice", s)
		}
		seen[s] = true
	}
}

func TestHashIsHexSHA256(t *testing.T) {
	// SHA-256 of "abc" (FIPS 180-2, appendix B.1).
	if got, want := secret.Hash("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"; got != want {
		t.Errorf("Hash(abc) = %s, want %s", got, want)
	}
}

func TestMatches(t *testing.T) {
	s := secret.New()
	stored := secret.Hash(s)
	tests := []struct {
		name      string
		presented string
		stored    string
		want      bool
	}{
		{"the secret", s, stored, true},
		{"another secret", secret.New(), stored, false},
		{"the digest itself", stored, stored, false},
		{"one character off", s[:len(s)-1] + "x", stored, false},
		{"empty secret", "", secret.Hash(""), false},
		{"nothing stored", s, "", false},
		{"overlong", strings.Repeat("a", secret.MaxLen+1), secret.Hash(strings.Repeat("a", secret.MaxLen+1)), false},
	}
	for _, tt := range tests {
		if got := secret.Matches(tt.presented, tt.stored); got != tt.want {
			t.Errorf("%s: Matches = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestEqual(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"abc", "abc", true},
		{"abc", "abd", false},
		{"abc", "abcd", false},
		{"", "", false},
		{"abc", "", false},
	}
	for _, tt := range tests {
		if got := secret.Equal(tt.a, tt.b); got != tt.want {
			t.Errorf("Equal(%q, %q) = %v, want %v", tt.a, tt.b, got, tt.want)
		}
	}
}
