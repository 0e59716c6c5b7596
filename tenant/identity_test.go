package tenant_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"sozialplattform/tenant"
)

func TestCreateUserRejectsBadInput(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	w.user(t, "harz@example.org", w.harz, tenant.RoleMunicipalityAdmin)
	tests := []struct {
		name  string
		in    tenant.NewUserInput
		field string
	}{
		{"duplicate e-mail, other case", tenant.NewUserInput{Email: "HARZ@example.org", Name: "X", Password: "ein-langes-passwort", TenantID: w.harz.ID, Role: tenant.RoleMunicipalityClerk}, "email"},
		{"invalid e-mail", tenant.NewUserInput{Email: "harz(at)example", Name: "X", Password: "ein-langes-passwort", TenantID: w.harz.ID, Role: tenant.RoleMunicipalityClerk}, "email"},
		{"casbin separator", tenant.NewUserInput{Email: "a::b@example.org", Name: "X", Password: "ein-langes-passwort", TenantID: w.harz.ID, Role: tenant.RoleMunicipalityClerk}, "email"},
		{"unknown role", tenant.NewUserInput{Email: "x@example.org", Name: "X", Password: "ein-langes-passwort", TenantID: w.harz.ID, Role: "superuser"}, "role"},
		{"role does not fit kind", tenant.NewUserInput{Email: "x@example.org", Name: "X", Password: "ein-langes-passwort", TenantID: w.harz.ID, Role: tenant.RoleMinistryAdmin}, "role"},
		{"short password", tenant.NewUserInput{Email: "x@example.org", Name: "X", Password: "kurz", TenantID: w.harz.ID, Role: tenant.RoleMunicipalityClerk}, "password"},
		{"missing name", tenant.NewUserInput{Email: "x@example.org", Password: "ein-langes-passwort", TenantID: w.harz.ID, Role: tenant.RoleMunicipalityClerk}, "name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := w.store.CreateUser(context.Background(), tt.in)
			if fieldOf(t, err, tt.field) == "" {
				t.Fatalf("no message for %s: %v", tt.field, err)
			}
		})
	}
}

func TestAuthenticate(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.user(t, "harz@example.org", w.harz, tenant.RoleMunicipalityAdmin)
	if _, err := w.store.Authenticate(ctx, "Harz@Example.org", "ein-langes-passwort", "10.0.0.1"); err != nil {
		t.Fatalf("right password: %v", err)
	}
	if _, err := w.store.Authenticate(ctx, "harz@example.org", "falsch-1", "10.0.0.1"); !errors.Is(err, tenant.ErrInvalidLogin) {
		t.Fatalf("wrong password: %v", err)
	}
	if _, err := w.store.Authenticate(ctx, "nobody@example.org", "x", "10.0.0.1"); !errors.Is(err, tenant.ErrInvalidLogin) {
		t.Fatalf("unknown account: %v", err)
	}
}

func TestInactiveUserCannotLogIn(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	u := w.user(t, "clerk@example.org", w.harz, tenant.RoleMunicipalityClerk)
	if err := w.store.SetUserActive(ctx, w.harz.ID, u.ID, false); err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.Authenticate(ctx, "clerk@example.org", "ein-langes-passwort", "10.0.0.1"); !errors.Is(err, tenant.ErrInvalidLogin) {
		t.Fatalf("inactive user: %v", err)
	}
}

func TestInvitationIsSingleUseAndExpires(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	inv, token, err := w.store.Invite(ctx, w.harz.ID, "Neu@Example.org", tenant.RoleMunicipalityClerk)
	if err != nil {
		t.Fatal(err)
	}
	if inv.Email != "neu@example.org" {
		t.Errorf("invitation e-mail not normalized: %q", inv.Email)
	}
	p, err := w.store.LookupInvitation(ctx, token)
	if err != nil || p.TenantName != "Landkreis Harz" {
		t.Fatalf("lookup: %+v, %v", p, err)
	}
	if _, err := w.store.AcceptInvitationNewAccount(ctx, token, "Nina Neu", "kurz"); fieldOf(t, err, "password") == "" {
		t.Fatalf("short password accepted: %v", err)
	}
	if _, err := w.store.AcceptInvitationNewAccount(ctx, token, "Nina Neu", "passwortpasswort"); fieldOf(t, err, "password") == "" {
		t.Fatalf("common password accepted (findings m3): %v", err)
	}
	u, err := w.store.AcceptInvitationNewAccount(ctx, token, "Nina Neu", "ein-langes-passwort")
	if err != nil {
		t.Fatal(err)
	}
	m, err := w.store.GetMember(ctx, w.harz.ID, u.ID)
	if err != nil || m.Role != tenant.RoleMunicipalityClerk {
		t.Fatalf("membership after acceptance: %+v, %v", m, err)
	}
	if _, err := w.store.AcceptInvitationNewAccount(ctx, token, "Nina Neu", "ein-langes-passwort"); !errors.Is(err, tenant.ErrTokenInvalid) {
		t.Fatalf("second use: %v", err)
	}
	_, late, _ := w.store.Invite(ctx, w.harz.ID, "spaet@example.org", tenant.RoleMunicipalityClerk)
	w.now = w.now.Add(8 * 24 * time.Hour)
	if _, err := w.store.AcceptInvitationNewAccount(ctx, late, "Spät", "ein-langes-passwort"); !errors.Is(err, tenant.ErrTokenInvalid) {
		t.Fatalf("expired invitation: %v", err)
	}
	if _, err := w.store.AcceptInvitationNewAccount(ctx, "erfunden", "X", "ein-langes-passwort"); !errors.Is(err, tenant.ErrTokenInvalid) {
		t.Fatalf("made-up token: %v", err)
	}
}

// The attack of issue 13 (2): an administrator invites the address of an
// existing account elsewhere – the ministry's, say – reads the link in the
// Postausgang and tries passwords at the acceptance. The acceptance takes
// no password for an existing account; without its login every try gets
// the answer an address without account gets, and the right password
// changes nothing.
func TestInvitationIsNoPasswordOracle(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	victim := w.user(t, "ministerium@example.org", w.land, tenant.RoleMinistryAdmin)
	_, token, err := w.store.Invite(ctx, w.harz.ID, "ministerium@example.org", tenant.RoleMunicipalityClerk)
	if err != nil {
		t.Fatal(err)
	}
	_, fresh, err := w.store.Invite(ctx, w.harz.ID, "niemand@example.org", tenant.RoleMunicipalityClerk)
	if err != nil {
		t.Fatal(err)
	}
	guesses := []string{"", "nicht-das-passwort", "ein-langes-passwort"}
	for i := range 40 {
		guesses = append(guesses, fmt.Sprintf("geraten-%02d-passwort", i))
	}
	for _, pw := range guesses {
		name := "Mallory"
		if pw == "" {
			name = ""
		}
		_, err := w.store.AcceptInvitationNewAccount(ctx, token, name, pw)
		if !errors.Is(err, tenant.ErrLoginRequired) {
			t.Fatalf("guess %q: %v, want the login-required answer", pw, err)
		}
	}
	// An address without account, asked without name and password, gets
	// the very same answer.
	if _, err := w.store.AcceptInvitationNewAccount(ctx, fresh, "", ""); !errors.Is(err, tenant.ErrLoginRequired) {
		t.Fatalf("address without account: %v", err)
	}
	if ms, _ := w.store.Memberships(ctx, victim.ID); len(ms) != 1 {
		t.Fatalf("the guesses gave the account %d memberships", len(ms))
	}
	// Another logged-in account cannot take it either.
	other := w.user(t, "mallory@example.org", w.harz, tenant.RoleMunicipalityAdmin)
	if _, err := w.store.AcceptInvitationAs(ctx, token, other.ID); !errors.Is(err, tenant.ErrInvitationForOther) {
		t.Fatalf("accepted by another account: %v", err)
	}
	// Logged in as itself, the account accepts without any password.
	got, err := w.store.AcceptInvitationAs(ctx, token, victim.ID)
	if err != nil || got.ID != victim.ID {
		t.Fatalf("accept as the invited account: %v, %v", got, err)
	}
	if m, err := w.store.GetMember(ctx, w.harz.ID, victim.ID); err != nil || m.Role != tenant.RoleMunicipalityClerk {
		t.Fatalf("membership: %+v, %v", m, err)
	}
	if _, _, err := w.store.Invite(ctx, w.harz.ID, "ministerium@example.org", tenant.RoleMunicipalityClerk); fieldOf(t, err, "email") == "" {
		t.Fatalf("inviting a member again: %v", err)
	}
}

func TestRevokedInvitationCannotBeUsed(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	inv, token, _ := w.store.Invite(ctx, w.harz.ID, "weg@example.org", tenant.RoleMunicipalityClerk)
	if err := w.store.RevokeInvitation(ctx, w.wittenberg.ID, inv.ID); !errors.Is(err, tenant.ErrNotFound) {
		t.Fatalf("revoking through another tenant: %v", err)
	}
	if err := w.store.RevokeInvitation(ctx, w.harz.ID, inv.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.AcceptInvitationNewAccount(ctx, token, "X", "ein-langes-passwort"); !errors.Is(err, tenant.ErrTokenInvalid) {
		t.Fatalf("revoked invitation: %v", err)
	}
}

func TestPasswordReset(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	w.user(t, "harz@example.org", w.harz, tenant.RoleMunicipalityAdmin)
	if token, err := w.store.RequestPasswordReset(ctx, "unbekannt@example.org", "10.0.0.1"); err != nil || token != "" {
		t.Fatalf("unknown address: %q, %v", token, err)
	}
	token, err := w.store.RequestPasswordReset(ctx, "harz@example.org", "10.0.0.1")
	if err != nil || token == "" {
		t.Fatalf("request: %q, %v", token, err)
	}
	if err := w.store.ResetPassword(ctx, token, "ein-neues-langes-passwort"); err != nil {
		t.Fatal(err)
	}
	if err := w.store.ResetPassword(ctx, token, "noch-ein-neues-passwort"); !errors.Is(err, tenant.ErrTokenInvalid) {
		t.Fatalf("second use: %v", err)
	}
	if _, err := w.store.Authenticate(ctx, "harz@example.org", "ein-neues-langes-passwort", "10.0.0.1"); err != nil {
		t.Fatalf("login with the new password: %v", err)
	}
	expiring, _ := w.store.RequestPasswordReset(ctx, "harz@example.org", "10.0.0.1")
	w.now = w.now.Add(2 * time.Hour)
	if err := w.store.ResetPassword(ctx, expiring, "ein-drittes-passwort"); !errors.Is(err, tenant.ErrTokenInvalid) {
		t.Fatalf("expired reset: %v", err)
	}
}

func TestAPITokens(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	tok, secret, err := w.store.CreateAPIToken(ctx, w.harz.ID, "Open/Prosoz", tenant.RoleMunicipalityClerk, nil)
	if err != nil {
		t.Fatal(err)
	}
	if tok.TokenHash == secret || len(secret) < 40 {
		t.Fatalf("secret %q stored as %q", secret, tok.TokenHash)
	}
	got, err := w.store.AuthenticateToken(ctx, secret)
	if err != nil || got.ID != tok.ID {
		t.Fatalf("authenticate: %v, %v", got, err)
	}
	if _, err := w.store.AuthenticateToken(ctx, secret+"x"); !errors.Is(err, tenant.ErrInvalidLogin) {
		t.Fatalf("tampered secret: %v", err)
	}
	if err := w.store.RevokeAPIToken(ctx, w.wittenberg.ID, tok.ID); !errors.Is(err, tenant.ErrNotFound) {
		t.Fatalf("revoking through another tenant: %v", err)
	}
	if err := w.store.RevokeAPIToken(ctx, w.harz.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := w.store.AuthenticateToken(ctx, secret); !errors.Is(err, tenant.ErrInvalidLogin) {
		t.Fatalf("revoked token: %v", err)
	}
	soon := w.now.Add(time.Hour)
	_, expiring, err := w.store.CreateAPIToken(ctx, w.harz.ID, "Skript", tenant.RoleMunicipalityClerk, &soon)
	if err != nil {
		t.Fatal(err)
	}
	w.now = w.now.Add(2 * time.Hour)
	if _, err := w.store.AuthenticateToken(ctx, expiring); !errors.Is(err, tenant.ErrInvalidLogin) {
		t.Fatalf("expired token: %v", err)
	}
	past := w.now.Add(-time.Hour)
	if _, _, err := w.store.CreateAPIToken(ctx, w.harz.ID, "Alt", tenant.RoleMunicipalityClerk, &past); fieldOf(t, err, "expiresAt") == "" {
		t.Fatalf("expiry in the past accepted: %v", err)
	}
}
