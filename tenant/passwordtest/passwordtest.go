// Package passwordtest gives tests a password hasher at the least cost
// argon2id allows. The stores hash at tenant.DefaultPasswordCost (19 MiB, two
// passes) unless told otherwise; tests create and log in hundreds of accounts
// and spent a third of the short suite's CPU on those hashes. Production code
// never imports this package (cmd/sozialplattform's tests check that its
// wiring hashes at the default cost).
package passwordtest

import "sozialplattform/tenant"

// Cost is argon2id's minimum: one pass over 8 KiB, one lane. The hashes are
// real argon2id hashes in the same format; only the work differs.
func Cost() tenant.PasswordCost {
	return tenant.PasswordCost{Time: 1, MemoryKiB: 8, Threads: 1}
}

// Hasher returns a new hasher at Cost, for a test's stores.
func Hasher() *tenant.PasswordHasher {
	h, err := tenant.NewPasswordHasher(Cost())
	if err != nil {
		panic(err) // a constant cost; tenant's tests check it is accepted
	}
	return h
}
