package tenant_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"sozialplattform/tenant"
)

// FuzzParseOfficialKey: an accepted key is digits only, of a legal length,
// starts with a Land code, and parsing it again changes nothing.
func FuzzParseOfficialKey(f *testing.F) {
	for _, s := range []string{"15", "15085", "15 085 370", "150850000000", "1", "17085", "15x", "", "０１２３４"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		key, err := tenant.ParseOfficialKey(in)
		if err != nil {
			return
		}
		switch len(key) {
		case 2, 5, 8, 12:
		default:
			t.Fatalf("%q → %q of length %d", in, key, len(key))
		}
		for _, r := range key {
			if r < '0' || r > '9' {
				t.Fatalf("%q → %q holds %q", in, key, r)
			}
		}
		if key[:2] < "01" || key[:2] > "16" {
			t.Fatalf("%q → %q has no Land code", in, key)
		}
		if again, err := tenant.ParseOfficialKey(key); err != nil || again != key {
			t.Fatalf("not idempotent: %q → %q → %q, %v", in, key, again, err)
		}
	})
}

// FuzzSlugify: a slug is empty or lower-case ASCII letters, digits and
// single inner dashes, and slugifying it again changes nothing.
func FuzzSlugify(f *testing.F) {
	for _, s := range []string{"Landkreis Harz", "Halle (Saale)", "Dessau-Roßlau", "  ", "ÄÖÜäöüß", "a::b", "日本"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		s := tenant.Slugify(in)
		if s == "" {
			return
		}
		if strings.HasPrefix(s, "-") || strings.HasSuffix(s, "-") || strings.Contains(s, "--") {
			t.Fatalf("%q → %q has stray dashes", in, s)
		}
		for _, r := range s {
			if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '-') {
				t.Fatalf("%q → %q holds %q", in, s, r)
			}
		}
		if tenant.Slugify(s) != s {
			t.Fatalf("not idempotent: %q → %q → %q", in, s, tenant.Slugify(s))
		}
		if tenant.CheckIdentifier(s) != nil {
			t.Fatalf("slug %q fails the identifier check", s)
		}
	})
}

// FuzzNormalizeEmail: an accepted address is lower-case, trimmed, valid
// UTF-8, has one @ and never carries casbin's separator.
func FuzzNormalizeEmail(f *testing.F) {
	for _, s := range []string{"a@b.de", " Harz@Kreis-HZ.de ", "a::b@c.de", "kein postfach", "a@b", `"x y"@z.de`, "a@b.c\x00"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		e, err := tenant.NormalizeEmail(in)
		if err != nil {
			return
		}
		if e != strings.ToLower(strings.TrimSpace(e)) || !utf8.ValidString(e) {
			t.Fatalf("%q → %q not normalized", in, e)
		}
		if strings.Count(e, "@") < 1 || strings.Contains(e, "::") {
			t.Fatalf("%q → %q", in, e)
		}
		if again, err := tenant.NormalizeEmail(e); err != nil || again != e {
			t.Fatalf("not idempotent: %q → %q → %q, %v", in, e, again, err)
		}
	})
}

// FuzzCheckPasswordStrength: any input – invalid UTF-8, combining marks,
// right-to-left text – gets an answer without panicking; an accepted
// password has a legal length and is still accepted with its context
// words changed to ones it does not contain.
func FuzzCheckPasswordStrength(f *testing.F) {
	for _, s := range []string{"passwortpasswort", "ein-langes-passwort", "P@ssw0rt2026!", "ааааааааааааа", "\xff\xfe\xfd", "كلمة مرور طويلة جدا", "", "1q2w3e4r5t6z"} {
		f.Add(s, "jana.mueller@kreis-harz.de")
	}
	f.Fuzz(func(t *testing.T, pw, context string) {
		err := tenant.CheckPasswordStrength(pw, context)
		if err != nil {
			return
		}
		if n := utf8.RuneCountInString(pw); n < tenant.MinPasswordLen || n > tenant.MaxPasswordLen {
			t.Fatalf("%q of %d characters accepted", pw, n)
		}
		if err := tenant.CheckPasswordStrength(pw, "zz@zz.zz"); err != nil {
			t.Fatalf("%q accepted with context %q but not without it: %v", pw, context, err)
		}
	})
}
