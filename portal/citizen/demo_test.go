package citizen_test

import (
	"context"
	"testing"

	"sozialplattform/migrations/testdb"
	"sozialplattform/portal/citizen"
	"sozialplattform/tenant"
	"sozialplattform/tenant/passwordtest"
)

// The demo's Servicekonto is confirmed, logs in with the demo password,
// and loading the demo twice keeps one account.
func TestLoadDemo(t *testing.T) {
	t.Parallel()
	s := citizen.NewStore(testdb.New(t), &nopMailer{}, citizen.Options{Passwords: passwordtest.Hasher()})
	ctx := context.Background()
	for range 2 {
		if _, err := s.LoadDemo(ctx); err != nil {
			t.Fatal(err)
		}
	}
	a, err := s.Authenticate(ctx, citizen.DemoEmail, tenant.DemoPassword, "127.0.0.1")
	if err != nil || !a.Confirmed() {
		t.Fatalf("demo login: %v %+v", err, a)
	}
}
