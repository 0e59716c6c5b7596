package tenant

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
)

// newSecret returns a random URL-safe secret of 32 bytes (256 bits).
func newSecret() string {
	b := make([]byte, 32)
	rand.Read(b) // never fails on supported platforms (Go 1.24+)
	return base64.RawURLEncoding.EncodeToString(b)
}

// hashSecret is how secrets (tokens, session IDs, links) are stored: a
// SHA-256 digest. The secrets have 256 bits of entropy, so a fast hash is
// enough; only passwords need argon2id.
func hashSecret(s string) string {
	sum := sha256.Sum256([]byte(s))
	return hex.EncodeToString(sum[:])
}
