package delivery

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"errors"
	"fmt"
)

// Sealer encrypts payloads at rest.
type Sealer interface {
	Seal(plaintext []byte) ([]byte, error)
	Open(sealed []byte) ([]byte, error)
}

// AESGCM seals with AES-256-GCM under one key: a version byte, a random
// 96-bit nonce, then the ciphertext with its tag.
type AESGCM struct{ aead cipher.AEAD }

// NewAESGCM returns a sealer for a 32-byte key.
func NewAESGCM(key []byte) (*AESGCM, error) {
	if len(key) != 32 {
		return nil, errors.New("delivery sealer: key must be 32 bytes")
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("delivery sealer: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("delivery sealer: %w", err)
	}
	return &AESGCM{aead: aead}, nil
}

const sealVersion = 1

// Seal encrypts plaintext.
func (a *AESGCM) Seal(plaintext []byte) ([]byte, error) {
	out := make([]byte, 1+a.aead.NonceSize(), 1+a.aead.NonceSize()+len(plaintext)+a.aead.Overhead())
	out[0] = sealVersion
	rand.Read(out[1:])
	return a.aead.Seal(out, out[1:], plaintext, []byte{sealVersion}), nil
}

// Open decrypts what Seal produced.
func (a *AESGCM) Open(sealed []byte) ([]byte, error) {
	n := a.aead.NonceSize()
	if len(sealed) < 1+n || sealed[0] != sealVersion {
		return nil, errors.New("delivery sealer: unknown format")
	}
	pt, err := a.aead.Open(nil, sealed[1:1+n], sealed[1+n:], []byte{sealVersion})
	if err != nil {
		return nil, fmt.Errorf("delivery sealer: %w", err)
	}
	return pt, nil
}
