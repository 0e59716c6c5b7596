package tenant_test

import (
	"strings"
	"testing"

	"sozialplattform/tenant"
	"sozialplattform/tenant/passwordtest"
)

// phcParams is the cost a PHC string names ("m=19456,t=2,p=1").
func phcParams(t *testing.T, hash string) string {
	t.Helper()
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != "v=19" {
		t.Fatalf("not an argon2id PHC string: %q", hash)
	}
	return parts[3]
}

// Production hashes at the OWASP parameters: a store built without a
// hasher – as every instance's is – writes m=19456,t=2,p=1 into its hashes.
// The cheap cost of the tests can reach a store only through its options.
func TestProductionHashesAtOWASPCost(t *testing.T) {
	t.Parallel()
	if got, want := tenant.DefaultPasswordCost(), (tenant.PasswordCost{Time: 2, MemoryKiB: 19456, Threads: 1}); got != want {
		t.Fatalf("DefaultPasswordCost = %+v, want %+v", got, want)
	}
	for name, h := range map[string]*tenant.PasswordHasher{
		"DefaultPasswordHasher": tenant.DefaultPasswordHasher(),
		"store without hasher":  tenant.NewStore(nil, nil, tenant.Options{}).Passwords(),
	} {
		if got := phcParams(t, h.Hash("korrekt pferd batterie")); got != "m=19456,t=2,p=1" {
			t.Errorf("%s hashes with %s, want m=19456,t=2,p=1", name, got)
		}
	}
	if h := passwordtest.Hasher(); tenant.NewStore(nil, nil, tenant.Options{Passwords: h}).Passwords() != h {
		t.Error("a store ignores the hasher its options name")
	}
}

// A hash carries its cost, so that every hasher verifies hashes of any
// cost: hashes made before a change of the cost still log in.
func TestPasswordHashesVerifyAtTheirOwnCost(t *testing.T) {
	t.Parallel()
	cheap, prod := passwordtest.Hasher(), tenant.DefaultPasswordHasher()
	if got := phcParams(t, cheap.Hash("x")); got != "m=8,t=1,p=1" {
		t.Fatalf("passwordtest hashes with %s", got)
	}
	hashers := map[string]*tenant.PasswordHasher{"test cost": cheap, "default cost": prod}
	for made, maker := range hashers {
		hash := maker.Hash("korrekt pferd batterie")
		for checked, checker := range hashers {
			if !checker.Verify(hash, "korrekt pferd batterie") {
				t.Errorf("hash at %s, checked at %s: the right password does not verify", made, checked)
			}
			if checker.Verify(hash, "korrekt pferd batteriE") {
				t.Errorf("hash at %s, checked at %s: a wrong password verifies", made, checked)
			}
		}
	}
	if cheap.Hash("korrekt pferd batterie") == cheap.Hash("korrekt pferd batterie") {
		t.Error("two hashes of one password are equal: no salt")
	}
}

func TestPasswordVerifyRefusesWhatIsNoHash(t *testing.T) {
	t.Parallel()
	h := passwordtest.Hasher()
	valid := h.Hash("pw")
	parts := strings.Split(valid, "$")
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	for name, hash := range map[string]string{
		"empty (no account)": "",
		"garbage":            "garbage",
		"bcrypt":             "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy",
		"argon2i":            with(1, "argon2i"),
		"other version":      with(2, "v=16"),
		"no passes":          with(3, "m=8,t=0,p=1"),
		"no lanes":           with(3, "m=8,t=1,p=0"),
		"too little memory":  with(3, "m=4,t=1,p=1"),
		"salt not base64":    with(4, "!!!"),
		"empty key":          with(5, ""),
	} {
		if h.Verify(hash, "pw") {
			t.Errorf("%s: verifies", name)
		}
	}
}

func TestNewPasswordHasherRefusesCostsArgon2idCannotRun(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		cost tenant.PasswordCost
		ok   bool
	}{
		{tenant.DefaultPasswordCost(), true},
		{passwordtest.Cost(), true},
		{tenant.PasswordCost{Time: 3, MemoryKiB: 64 * 1024, Threads: 4}, true},
		{tenant.PasswordCost{Time: 0, MemoryKiB: 19456, Threads: 1}, false},
		{tenant.PasswordCost{Time: 2, MemoryKiB: 19456, Threads: 0}, false},
		{tenant.PasswordCost{Time: 1, MemoryKiB: 7, Threads: 1}, false},
		{tenant.PasswordCost{Time: 1, MemoryKiB: 16, Threads: 4}, false}, // 8 KiB per lane
	} {
		h, err := tenant.NewPasswordHasher(tc.cost)
		if (err == nil) != tc.ok {
			t.Errorf("NewPasswordHasher(%s): %v, want ok=%v", tc.cost, err, tc.ok)
			continue
		}
		if err == nil && h.Cost() != tc.cost {
			t.Errorf("NewPasswordHasher(%s).Cost() = %s", tc.cost, h.Cost())
		}
	}
}

// BenchmarkPasswordHasher: one new hash at the production cost and at the
// tests' cost (a login costs the same as a hash).
func BenchmarkPasswordHasher(b *testing.B) {
	for name, h := range map[string]*tenant.PasswordHasher{"default": tenant.DefaultPasswordHasher(), "passwordtest": passwordtest.Hasher()} {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				h.Hash("Der Brocken ist heute im Nebel")
			}
		})
	}
}
