// Package secret makes and checks the platform's link and access secrets:
// invitation, password and confirmation links, API tokens, booking and
// cancellation links, calendar subscriptions. A secret is 256 random bits
// from crypto/rand in URL-safe base64 (43 characters, no padding); only
// its SHA-256 digest is stored, so that a copy of the database opens
// nothing. The secrets carry full entropy, so a fast hash suffices; only
// passwords, which people choose, need argon2id (tenant/password.go).
package secret

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
)

// Bytes is the entropy of a new secret: 32 bytes, 256 bits.
const Bytes = 32

// MaxLen is longer than any secret New makes; a presented value beyond it
// is refused before it is hashed.
const MaxLen = 128

// New returns a fresh secret.
func New() string {
	b := make([]byte, Bytes)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (Go 1.24+): it aborts the program instead
	return base64.RawURLEncoding.EncodeToString(b)
}

// Hash is how a secret is stored and looked up: the hex SHA-256 digest.
func Hash(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}

// Matches reports whether a presented secret is the one whose Hash is
// stored, comparing the digests in constant time. An empty or overlong
// secret never matches, nor does an empty digest.
func Matches(presented, storedHash string) bool {
	if presented == "" || len(presented) > MaxLen || storedHash == "" {
		return false
	}
	return Equal(Hash(presented), storedHash)
}

// Equal compares two secrets (or digests) in constant time; empty values
// are never equal, so that an unset secret opens nothing.
func Equal(a, b string) bool {
	if a == "" || b == "" {
		return false
	}
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
