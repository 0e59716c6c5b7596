package authz_test

import (
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"sozialplattform/tenant"
	"sozialplattform/tenant/authz"
	"sozialplattform/tenant/passwordtest"
)

// instance is one server process's authentication: its own authorizer
// (policy snapshot) and its own token cache, on the shared database.
type instance struct {
	az   *authz.Authorizer
	auth *authz.Authenticator
	h    http.Handler
}

func newInstance(t *testing.T, f *fixture, store *tenant.Store, az *authz.Authorizer) *instance {
	t.Helper()
	in := &instance{az: az, auth: authz.NewAuthenticator(store, tenant.NewSessionStore(f.db, tenant.SessionOptions{}), slog.New(slog.DiscardHandler))}
	in.auth.CacheTokens(az)
	in.h = in.auth.Middleware(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if authz.PrincipalFrom(r.Context()).TokenID == "" {
			w.WriteHeader(http.StatusTeapot) // must not happen with a bearer token
		}
	}))
	return in
}

func (in *instance) status(secret string) int {
	r := httptest.NewRequest("GET", "/api/v1/tenants", nil)
	r.Header.Set("Authorization", "Bearer "+secret)
	w := httptest.NewRecorder()
	in.h.ServeHTTP(w, r)
	return w.Code
}

// TestTokenCacheRevocation: a cached token stops working on the instance
// that revoked it at once, and on another instance as soon as that one
// sees the new policy revision (what --policy-refresh does) – not only
// when its cache entry ages out.
func TestTokenCacheRevocation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	other, err := authz.New(ctx, f.db, nil)
	if err != nil {
		t.Fatal(err)
	}
	a, b := newInstance(t, f, f.store, f.az), newInstance(t, f, f.store, other)
	tok, secret, err := f.store.CreateAPIToken(ctx, f.harz.ID, "Fachverfahren", tenant.RoleMunicipalityClerk, nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := other.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	for _, in := range []*instance{a, b} {
		for range 2 { // the second answer comes from the cache
			if got := in.status(secret); got != http.StatusOK {
				t.Fatalf("live token: status %d, want 200", got)
			}
		}
	}
	if got := a.status("spt_not-a-token"); got != http.StatusUnauthorized {
		t.Errorf("unknown token: status %d, want 401", got)
	}

	if err := f.store.RevokeAPIToken(ctx, f.harz.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if got := a.status(secret); got != http.StatusUnauthorized {
		t.Errorf("revoking instance: status %d after revocation, want 401", got)
	}
	// b has not looked at the revision yet: it still trusts its policy
	// snapshot, in which the token holds its role (as before the cache).
	if err := other.Refresh(ctx); err != nil {
		t.Fatal(err)
	}
	if got := b.status(secret); got != http.StatusUnauthorized {
		t.Errorf("other instance after refresh: status %d, want 401", got)
	}
}

// TestTokenCacheRecordsUse: answers from the cache still record the use of
// the token (at most once a minute), so that the console's "zuletzt
// benutzt" stays true.
func TestTokenCacheRecordsUse(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	store := tenant.NewStore(f.db, nil, tenant.Options{Passwords: passwordtest.Hasher(), Now: func() time.Time { return now }})
	in := newInstance(t, f, store, f.az)
	tok, secret, err := store.CreateAPIToken(ctx, f.harz.ID, "Fachverfahren", tenant.RoleMunicipalityClerk, nil)
	if err != nil {
		t.Fatal(err)
	}
	lastUsed := func() time.Time {
		t.Helper()
		got, err := f.store.GetAPIToken(ctx, tok.ID)
		if err != nil || got.LastUsedAt == nil {
			t.Fatalf("token: %v, last used %v", err, got)
		}
		return got.LastUsedAt.UTC()
	}
	steps := []struct {
		after time.Duration
		want  time.Duration // last use recorded, from the start
	}{
		{0, 0},
		{20 * time.Second, 0},              // from the cache, within the minute: no write
		{2 * time.Minute, 2 * time.Minute}, // reloaded (the entry aged out), a minute later: written
		{2*time.Minute + 10*time.Second, 2 * time.Minute}, // from the cache again: no write
		{3*time.Minute + 5*time.Second, 3*time.Minute + 5*time.Second},
	}
	start := now
	for _, s := range steps {
		now = start.Add(s.after)
		if got := in.status(secret); got != http.StatusOK {
			t.Fatalf("after %v: status %d", s.after, got)
		}
		if got := lastUsed(); !got.Equal(start.Add(s.want)) {
			t.Errorf("after %v: last used %v, want %v", s.after, got, start.Add(s.want))
		}
	}
}

// TestTokenCacheExpiry: a token that expires while cached is refused from
// the moment it expires.
func TestTokenCacheExpiry(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t)
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	store := tenant.NewStore(f.db, nil, tenant.Options{Passwords: passwordtest.Hasher(), Now: func() time.Time { return now }})
	in := newInstance(t, f, store, f.az)
	expires := now.Add(10 * time.Second)
	_, secret, err := store.CreateAPIToken(ctx, f.harz.ID, "kurz", tenant.RoleMunicipalityClerk, &expires)
	if err != nil {
		t.Fatal(err)
	}
	if got := in.status(secret); got != http.StatusOK {
		t.Fatalf("before expiry: status %d", got)
	}
	now = expires.Add(time.Second)
	if got := in.status(secret); got != http.StatusUnauthorized {
		t.Errorf("after expiry: status %d, want 401", got)
	}
}
