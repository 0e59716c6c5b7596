package tenant_test

import (
	"context"
	"errors"
	"testing"

	"sozialplattform/tenant"
)

// Issue 13 (8): API tokens lived on unnoticed after the admin who created
// them left. Now they show as orphaned, and a removal or deactivation asks
// whether to revoke them.
func TestTokensOfADepartingCreator(t *testing.T) {
	t.Parallel()
	w := newWorld(t)
	ctx := context.Background()
	as := func(u *tenant.User) context.Context {
		return tenant.WithActor(ctx, tenant.Actor{ID: "user:" + u.ID, Label: u.Email})
	}
	anna := w.user(t, "anna@example.org", w.harz, tenant.RoleMunicipalityAdmin)
	bert := w.user(t, "bert@example.org", w.harz, tenant.RoleMunicipalityAdmin)
	ministry := w.user(t, "ministerium@example.org", w.land, tenant.RoleMinistryAdmin)
	annas, annasSecret, err := w.store.CreateAPIToken(as(anna), w.harz.ID, "Open/Prosoz", tenant.RoleMunicipalityClerk, nil)
	if err != nil {
		t.Fatal(err)
	}
	berts, bertsSecret, _ := w.store.CreateAPIToken(as(bert), w.harz.ID, "Skript", tenant.RoleMunicipalityClerk, nil)
	ministrys, _, _ := w.store.CreateAPIToken(as(ministry), w.harz.ID, "Bericht", tenant.RoleMunicipalityClerk, nil)
	cli, _, _ := w.store.CreateAPIToken(ctx, w.harz.ID, "Kommandozeile", tenant.RoleMunicipalityClerk, nil)
	orphaned := func() map[string]bool {
		t.Helper()
		toks, err := w.store.ListAPITokens(ctx, w.harz.ID)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]bool{}
		for _, tok := range toks {
			out[tok.ID] = tok.Orphaned
		}
		return out
	}
	for id, o := range orphaned() {
		if o {
			t.Errorf("token %s orphaned while its creator is a member", id)
		}
	}

	remove := func(u *tenant.User, d tenant.TokenDecision) ([]tenant.APIToken, error) {
		return w.store.Depart(ctx, u.ID, d, nil, func(ctx context.Context) error { return w.store.RemoveMember(ctx, w.harz.ID, u.ID) })
	}
	// Without a decision nothing changes, and the answer names the token.
	_, err = remove(anna, tenant.TokensAsk)
	var pending *tenant.TokensPendingError
	if !errors.As(err, &pending) || len(pending.Tokens) != 1 || pending.Tokens[0].ID != annas.ID {
		t.Fatalf("removal without decision: %v", err)
	}
	if _, err := w.store.GetMember(ctx, w.harz.ID, anna.ID); err != nil {
		t.Fatalf("the undecided removal went through: %v", err)
	}
	// Kept: the token works on and shows as orphaned.
	if revoked, err := remove(anna, tenant.TokensKeep); err != nil || len(revoked) != 0 {
		t.Fatalf("removal keeping tokens: %v, %v", revoked, err)
	}
	if o := orphaned(); !o[annas.ID] || o[berts.ID] || o[ministrys.ID] || o[cli.ID] {
		t.Errorf("orphaned after Anna left: %v; want only Anna's token (the ministry reaches Harz from above, the command line has no creator)", o)
	}
	if _, err := w.store.AuthenticateToken(ctx, annasSecret); err != nil {
		t.Errorf("a kept token stopped working: %v", err)
	}
	// Revoked with the deactivation, in the same transaction.
	revoked, err := w.store.Depart(ctx, bert.ID, tenant.TokensRevoke, nil, func(ctx context.Context) error {
		return w.store.SetUserActive(ctx, w.harz.ID, bert.ID, false)
	})
	if err != nil || len(revoked) != 1 || revoked[0].ID != berts.ID {
		t.Fatalf("deactivation revoking tokens: %v, %v", revoked, err)
	}
	if _, err := w.store.AuthenticateToken(ctx, bertsSecret); !errors.Is(err, tenant.ErrInvalidLogin) {
		t.Errorf("a revoked token still works: %v", err)
	}
	audit, err := w.store.ListAudit(ctx, tenant.AuditFilter{TenantIDs: []string{w.harz.ID}, ObjectType: "api-token", Limit: 20})
	if err != nil {
		t.Fatal(err)
	}
	found := false
	for _, e := range audit {
		if e.ObjectID == berts.ID && e.Action == "revoke" && e.Summary["reason"] == "creator-left" {
			found = true
		}
	}
	if !found {
		t.Errorf("no audit entry for the revocation: %+v", audit)
	}
	// A token already kept as orphaned is not asked about again.
	if _, err := w.store.Depart(ctx, anna.ID, tenant.TokensAsk, nil, func(ctx context.Context) error {
		return w.store.SetUserActive(ctx, w.harz.ID, anna.ID, false)
	}); err != nil {
		t.Errorf("deactivating Anna asked again about her kept token: %v", err)
	}
}
