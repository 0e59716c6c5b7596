package tenant_test

import (
	"errors"
	"strings"
	"testing"

	"sozialplattform/tenant"
)

func TestPasswordStrengthRefusesGuessablePasswords(t *testing.T) {
	t.Parallel()
	// Context of every case: the person's address and name.
	ctx := []string{"jana.mueller@kreis-harz.de", "Jana Müller"}
	tests := []struct {
		name, pw string
		guess    bool // refused as easy to guess (not for its length)
	}{
		{"findings m3: a common word twice", "passwortpasswort", true},
		{"common word with a year and punctuation", "Passwort2026!", true},
		{"common word in l33t", "P@ssw0rt-2026", true},
		{"common password with digits in front", "2026iloveyou!", true},
		{"a first name and digits", "Thomas-1234567", true},
		{"keyboard row", "qwertzuiopü+#", true},
		{"keyboard row twice", "asdfghjklasdfghjkl", true},
		{"digits in sequence", "123456789012", true},
		{"letters in sequence", "abcdefghijklmnop", true},
		{"descending digits", "987654321098", true},
		{"few different characters", "aaaaaaaaaaaaaaaa", true},
		{"a short unit repeated", "ab12ab12ab12ab12", true},
		{"the platform's name and a year", "Sozialplattform2026", true},
		{"the Land's name", "Sachsen-Anhalt-2026!", true},
		{"the address's local part", "Jana.Mueller.2026", true},
		{"the address's domain", "kreis-harz-2026!!", true},
		{"context plus a common word", "jana-passwort-2026", true},
		{"too short", "kurz", false},
		{"only blanks", "              ", false},
		{"a passphrase", "ein-langes-passwort", false},
		{"a sentence", "Der Brocken ist heute im Nebel", false},
		{"twelve ordinary characters", "genau-zwoelf", false},
		{"name in a longer sentence", "Jana wandert gern im Harz", false},
		{"the demo password", tenant.DemoPassword, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := tenant.CheckPasswordStrength(tt.pw, ctx...)
			refused := err != nil
			wantRefused := tt.guess || utf8Len(tt.pw) < tenant.MinPasswordLen || strings.TrimSpace(tt.pw) == ""
			if refused != wantRefused {
				t.Fatalf("CheckPasswordStrength(%q) = %v, want refused=%v", tt.pw, err, wantRefused)
			}
			if errors.Is(err, tenant.ErrPasswordGuessable) != tt.guess {
				t.Errorf("guessable=%v, want %v (%v)", errors.Is(err, tenant.ErrPasswordGuessable), tt.guess, err)
			}
			if err != nil && !strings.HasSuffix(err.Error(), ".") {
				t.Errorf("message %q is no sentence", err)
			}
		})
	}
}

func utf8Len(s string) int { return len([]rune(s)) }

// Every place that sets a password refuses a guessable one.
func TestEveryPasswordSetterRefusesCommonPasswords(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := t.Context()
	u := w.user(t, "harz@example.org", w.harz, tenant.RoleMunicipalityAdmin)
	const weak = "passwortpasswort"
	if _, err := w.store.CreateUser(ctx, tenant.NewUserInput{Email: "neu@example.org", Name: "Neu", Password: weak,
		TenantID: w.harz.ID, Role: tenant.RoleMunicipalityClerk}); fieldOf(t, err, "password") == "" {
		t.Errorf("user create: %v", err)
	}
	if _, err := w.store.CreateUser(ctx, tenant.NewUserInput{Email: "neu@example.org", Name: "Neu", Password: "Landkreis-Harz-2026",
		TenantID: w.harz.ID, Role: tenant.RoleMunicipalityClerk}); fieldOf(t, err, "password") == "" {
		t.Errorf("user create with the tenant's name: %v", err)
	}
	if err := w.store.ChangePassword(ctx, u.ID, "ein-langes-passwort", weak); fieldOf(t, err, "password") == "" {
		t.Errorf("change password: %v", err)
	}
	if err := w.store.ChangePassword(ctx, u.ID, "ein-langes-passwort", "harz@example.org!!"); fieldOf(t, err, "password") == "" {
		t.Errorf("change password to the own address: %v", err)
	}
	token, err := w.store.RequestPasswordReset(ctx, "harz@example.org", "10.0.0.1")
	if err != nil || token == "" {
		t.Fatalf("request reset: %q, %v", token, err)
	}
	if err := w.store.ResetPassword(ctx, token, weak); fieldOf(t, err, "password") == "" {
		t.Errorf("reset: %v", err)
	}
	// The refused attempt did not use the link up.
	if err := w.store.ResetPassword(ctx, token, "ein-neues-langes-passwort"); err != nil {
		t.Errorf("reset after a refused password: %v", err)
	}
}

// BenchmarkCheckPasswordStrength: the rules for one new password with its
// context, next to the argon2id hash that follows (tens of milliseconds).
func BenchmarkCheckPasswordStrength(b *testing.B) {
	for b.Loop() {
		_ = tenant.CheckPasswordStrength("Der Brocken ist heute im Nebel", "jana.mueller@kreis-harz.de", "Jana Müller", "Landkreis Harz")
	}
}
