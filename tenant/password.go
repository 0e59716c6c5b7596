package tenant

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"
)

// PasswordCost is the work argon2id spends on each new password hash.
type PasswordCost struct {
	Time      uint32 // passes over the memory
	MemoryKiB uint32 // memory per hash in KiB
	Threads   uint8  // lanes
}

// DefaultPasswordCost is the cost of every instance: the argon2id
// parameters the OWASP Password Storage Cheat Sheet recommends (19 MiB,
// 2 passes, 1 lane). More memory per hash would make every login a large
// allocation: 20 concurrent logins at RFC 9106's 64 MiB cost 1.3 GB, an
// easy way to exhaust a server. No flag or setting changes it; only tests
// hand their stores a cheaper hasher (tenant/passwordtest).
func DefaultPasswordCost() PasswordCost {
	return PasswordCost{Time: 2, MemoryKiB: 19 * 1024, Threads: 1}
}

// String is the cost as the PHC string writes it ("m=19456,t=2,p=1").
func (c PasswordCost) String() string {
	return fmt.Sprintf("m=%d,t=%d,p=%d", c.MemoryKiB, c.Time, c.Threads)
}

// check refuses a cost argon2id cannot run as written: at least one pass
// and lane, and 8 KiB per lane (less would be raised silently, and the
// hash would carry parameters it was not made with).
func (c PasswordCost) check() error {
	switch {
	case c.Time < 1:
		return fmt.Errorf("password cost %s: at least one pass", c)
	case c.Threads < 1:
		return fmt.Errorf("password cost %s: at least one lane", c)
	case c.MemoryKiB < 8*uint32(c.Threads):
		return fmt.Errorf("password cost %s: at least 8 KiB per lane", c)
	}
	return nil
}

const (
	argonKeyLen  = 32
	argonSaltLen = 16
)

// PasswordHasher makes argon2id hashes at one cost and checks hashes of any
// cost: a hash carries its parameters (PHC string format), so hashes made
// at an earlier cost still verify. An instance has one hasher, shared by
// the stores that keep passwords; a store built without one uses
// DefaultPasswordCost.
type PasswordHasher struct {
	cost PasswordCost

	dummyOnce sync.Once
	dummy     string
}

// NewPasswordHasher returns a hasher for new hashes at cost.
func NewPasswordHasher(cost PasswordCost) (*PasswordHasher, error) {
	if err := cost.check(); err != nil {
		return nil, err
	}
	return &PasswordHasher{cost: cost}, nil
}

// DefaultPasswordHasher returns a hasher at DefaultPasswordCost, for a
// store whose options name none.
func DefaultPasswordHasher() *PasswordHasher {
	return &PasswordHasher{cost: DefaultPasswordCost()}
}

// Cost is the cost of the hashes h makes.
func (h *PasswordHasher) Cost() PasswordCost { return h.cost }

// Hash returns an argon2id hash of pw in the PHC string format, with a
// fresh salt.
func (h *PasswordHasher) Hash(pw string) string {
	salt := make([]byte, argonSaltLen)
	rand.Read(salt) // never fails: crypto/rand crashes the program instead
	key := argon2.IDKey([]byte(pw), salt, h.cost.Time, h.cost.MemoryKiB, h.cost.Threads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$%s$%s$%s", argon2.Version, h.cost, b64.EncodeToString(salt), b64.EncodeToString(key))
}

// Verify reports whether pw matches hash. An empty hash – no account, or
// an account without a password – is checked against a dummy hash made at
// h's cost and never matches: an answer for a missing account takes as long
// as one for a wrong password, also when the instance's cost changes.
func (h *PasswordHasher) Verify(hash, pw string) bool {
	if hash == "" {
		verifyPassword(h.dummyHash(), pw)
		return false
	}
	return verifyPassword(hash, pw)
}

// dummyHash is a hash of a throw-away password at h's cost, made at its
// first use.
func (h *PasswordHasher) dummyHash() string {
	h.dummyOnce.Do(func() { h.dummy = h.Hash(rand.Text()) })
	return h.dummy
}

// verifyPassword reports whether pw matches an argon2id hash in the PHC
// string format, with the parameters the hash names.
func verifyPassword(hash, pw string) bool {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var version int
	var c PasswordCost
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return false
	}
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &c.MemoryKiB, &c.Time, &c.Threads); err != nil || c.check() != nil {
		return false
	}
	b64 := base64.RawStdEncoding
	salt, err1 := b64.DecodeString(parts[4])
	want, err2 := b64.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	got := argon2.IDKey([]byte(pw), salt, c.Time, c.MemoryKiB, c.Threads, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}
