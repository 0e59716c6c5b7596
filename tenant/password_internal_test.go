package tenant

import (
	"strings"
	"testing"
)

// The dummy hash an unknown account is checked against is made at the
// hasher's own cost: a login for a missing account costs what one with a
// wrong password costs, at the production cost and at the tests' alike.
func TestDummyHashHasTheHashersCost(t *testing.T) {
	t.Parallel()
	for _, cost := range []PasswordCost{DefaultPasswordCost(), {Time: 1, MemoryKiB: 8, Threads: 1}, {Time: 3, MemoryKiB: 64, Threads: 2}} {
		h, err := NewPasswordHasher(cost)
		if err != nil {
			t.Fatal(err)
		}
		if h.Verify("", "") {
			t.Errorf("%s: an empty hash verifies", cost)
		}
		dummy := h.dummyHash()
		if !strings.HasPrefix(dummy, "$argon2id$v=19$"+cost.String()+"$") {
			t.Errorf("%s: dummy hash %s", cost, dummy)
		}
		if h.dummyHash() != dummy {
			t.Errorf("%s: the dummy hash is made anew on every use", cost)
		}
	}
}
