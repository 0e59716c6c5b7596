package main

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	"sozialplattform/migrations/testdb"
	"sozialplattform/portal/citizen"
)

// Production hashes at the OWASP cost: an app built the way serve, user and
// demo build it (newApp) writes m=19456,t=2,p=1 into the hashes of staff and
// citizens alike, through one hasher. Only the tests' apps (buildTestApp)
// hash at passwordtest's cost, and no setting reaches it.
func TestProductionHashesPasswordsAtOWASPCost(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	cfg, _, err := parseConfig("test", []string{"--db", testdb.MigratedDSN(t), "--data-dir", t.TempDir()}, func(string) string { return "" }, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, err := newApp(ctx, cfg, slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	defer a.close()
	if a.store.Passwords() != a.passwords {
		t.Error("the staff accounts do not use the app's hasher")
	}
	if _, err := a.store.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := a.citizens.LoadDemo(ctx); err != nil {
		t.Fatal(err)
	}
	staff, err := a.store.UserByEmail(ctx, "harz@demo.example")
	if err != nil {
		t.Fatal(err)
	}
	account, err := a.citizens.ByEmail(ctx, citizen.DemoEmail)
	if err != nil {
		t.Fatal(err)
	}
	for who, hash := range map[string]string{"staff": staff.PasswordHash, "citizen": account.PasswordHash} {
		if !strings.HasPrefix(hash, "$argon2id$v=19$m=19456,t=2,p=1$") {
			t.Errorf("%s password hash %s, want argon2id at m=19456,t=2,p=1", who, hash)
		}
	}
}
