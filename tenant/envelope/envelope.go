// Package envelope encrypts personal data at rest with envelope encryption:
// every record gets its own random 256-bit data key, the record is sealed
// with AES-256-GCM under that data key, and the data key is wrapped with
// AES-256-GCM under a key-encryption key (KEK) from the configuration. The
// KEK's ID is stored with the record, so that several KEKs can be in use at
// once and a rotation only re-wraps the small data keys.
package envelope

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hkdf"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
)

// KeySize is the size of every key: 32 bytes, AES-256.
const KeySize = 32

// ErrUnknownKey means a record was wrapped with a KEK the keyring lacks.
var ErrUnknownKey = errors.New("envelope: unknown key-encryption key")

// ErrDecrypt means a record or its data key failed authentication: wrong
// key, tampered data or data moved to another record.
var ErrDecrypt = errors.New("envelope: decryption failed")

// Sealed is an encrypted record as it is stored: the ID of the KEK, the
// wrapped data key and the ciphertext (nonce first).
type Sealed struct {
	KeyID string
	DEK   []byte
	Data  []byte
}

type kek struct {
	id     string
	aead   cipher.AEAD
	secret []byte // kept only to derive purpose keys (see Derive)
}

// Keyring holds the configured KEKs; the first is the primary, which wraps
// every new data key. It is safe for concurrent use.
type Keyring struct {
	primary *kek
	byID    map[string]*kek
}

var keyIDPattern = regexp.MustCompile(`^[A-Za-z0-9._-]{1,32}$`)

// Parse reads a key specification: entries separated by commas, blanks or
// newlines, each "base64" or "id:base64" of 32 bytes. The first entry is
// the primary key; the others are older keys kept to read existing data.
// Without an explicit ID a key is named by the first 8 hex digits of its
// SHA-256, so that the same key always has the same ID.
func Parse(spec string) (*Keyring, error) {
	fields := strings.FieldsFunc(spec, func(r rune) bool { return r == ',' || r == ' ' || r == '\n' || r == '\r' || r == '\t' })
	if len(fields) == 0 {
		return nil, errors.New("envelope: no key given")
	}
	kr := &Keyring{byID: map[string]*kek{}}
	for i, f := range fields {
		id, b64, hasID := strings.Cut(f, ":")
		if !hasID {
			b64, id = id, ""
		}
		raw, err := base64.StdEncoding.DecodeString(b64)
		if err != nil {
			raw, err = base64.RawURLEncoding.DecodeString(strings.TrimRight(b64, "="))
		}
		if err != nil || len(raw) != KeySize {
			return nil, fmt.Errorf("envelope: key %d is not base64 of %d bytes", i+1, KeySize)
		}
		if id == "" {
			sum := sha256.Sum256(raw)
			id = hex.EncodeToString(sum[:4])
		}
		if !keyIDPattern.MatchString(id) {
			return nil, fmt.Errorf("envelope: key ID %q: letters, digits, dot, dash and underscore only", id)
		}
		if _, dup := kr.byID[id]; dup {
			return nil, fmt.Errorf("envelope: key ID %q given twice", id)
		}
		aead, err := newAEAD(raw)
		if err != nil {
			return nil, err
		}
		k := &kek{id: id, aead: aead, secret: raw}
		kr.byID[id] = k
		if kr.primary == nil {
			kr.primary = k
		}
	}
	return kr, nil
}

// Derive returns a 32-byte key for purpose, derived from the primary KEK
// with HKDF-SHA256. Other parts (the portal's sealed cookies) so get their
// own key from the one configured secret without ever using the KEK
// itself. A rotation of the primary key changes every derived key.
func (kr *Keyring) Derive(purpose string) []byte {
	key, err := hkdf.Key(sha256.New, kr.primary.secret, nil, "sozialplattform "+purpose, KeySize)
	if err != nil {
		panic(err) // only for lengths beyond 255×32 bytes
	}
	return key
}

// NewKey returns a new random key, base64-encoded, for the configuration.
func NewKey() string {
	b := make([]byte, KeySize)
	_, _ = rand.Read(b)
	return base64.StdEncoding.EncodeToString(b)
}

// LoadOrCreateFile reads a key specification from path, creating the file
// with a new key (mode 0600) when it does not exist. created tells which.
// It is for development and demos only; production keys come from the
// configuration or a secret store.
func LoadOrCreateFile(path string) (kr *Keyring, created bool, err error) {
	b, err := os.ReadFile(path)
	if errors.Is(err, os.ErrNotExist) {
		if err := os.MkdirAll(filepath.Dir(path), 0o750); err != nil {
			return nil, false, fmt.Errorf("envelope: %w", err)
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, false, fmt.Errorf("envelope: create key file: %w", err)
		}
		spec := NewKey() + "\n"
		if _, err := f.WriteString(spec); err != nil {
			f.Close()
			return nil, false, fmt.Errorf("envelope: write key file: %w", err)
		}
		if err := f.Close(); err != nil {
			return nil, false, fmt.Errorf("envelope: write key file: %w", err)
		}
		kr, err := Parse(spec)
		return kr, true, err
	}
	if err != nil {
		return nil, false, fmt.Errorf("envelope: read key file: %w", err)
	}
	kr, err = Parse(string(b))
	return kr, false, err
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, fmt.Errorf("envelope: %w", err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, fmt.Errorf("envelope: %w", err)
	}
	return aead, nil
}

// PrimaryID is the ID of the key that wraps new data keys.
func (kr *Keyring) PrimaryID() string { return kr.primary.id }

// IDs lists the IDs of every key, the primary first.
func (kr *Keyring) IDs() []string {
	out := []string{kr.primary.id}
	for id := range kr.byID {
		if id != kr.primary.id {
			out = append(out, id)
		}
	}
	return out
}

// Seal encrypts plaintext under a new data key. aad binds the ciphertext
// to its place (e.g. "application:<id>"): opening it with other aad fails.
func (kr *Keyring) Seal(plaintext, aad []byte) (Sealed, error) {
	dek := make([]byte, KeySize)
	if _, err := rand.Read(dek); err != nil {
		return Sealed{}, fmt.Errorf("envelope: data key: %w", err)
	}
	aead, err := newAEAD(dek)
	if err != nil {
		return Sealed{}, err
	}
	data := seal(aead, plaintext, aad)
	wrapped := seal(kr.primary.aead, dek, []byte("dek|"+kr.primary.id))
	return Sealed{KeyID: kr.primary.id, DEK: wrapped, Data: data}, nil
}

// Open decrypts a sealed record with the aad it was sealed with.
func (kr *Keyring) Open(s Sealed, aad []byte) ([]byte, error) {
	dek, err := kr.unwrap(s)
	if err != nil {
		return nil, err
	}
	aead, err := newAEAD(dek)
	if err != nil {
		return nil, err
	}
	return open(aead, s.Data, aad)
}

// Rewrap wraps the record's data key with the primary key; the ciphertext
// stays as it is. ok is false when the record uses the primary key already.
func (kr *Keyring) Rewrap(s Sealed) (out Sealed, ok bool, err error) {
	if s.KeyID == kr.primary.id {
		return s, false, nil
	}
	dek, err := kr.unwrap(s)
	if err != nil {
		return s, false, err
	}
	return Sealed{KeyID: kr.primary.id, DEK: seal(kr.primary.aead, dek, []byte("dek|"+kr.primary.id)), Data: s.Data}, true, nil
}

func (kr *Keyring) unwrap(s Sealed) ([]byte, error) {
	k, ok := kr.byID[s.KeyID]
	if !ok {
		return nil, fmt.Errorf("%w %q", ErrUnknownKey, s.KeyID)
	}
	dek, err := open(k.aead, s.DEK, []byte("dek|"+s.KeyID))
	if err != nil || len(dek) != KeySize {
		return nil, ErrDecrypt
	}
	return dek, nil
}

func seal(aead cipher.AEAD, plaintext, aad []byte) []byte {
	nonce := make([]byte, aead.NonceSize(), aead.NonceSize()+len(plaintext)+aead.Overhead())
	_, _ = rand.Read(nonce)
	return aead.Seal(nonce, nonce, plaintext, aad)
}

func open(aead cipher.AEAD, data, aad []byte) ([]byte, error) {
	n := aead.NonceSize()
	if len(data) < n+aead.Overhead() {
		return nil, ErrDecrypt
	}
	out, err := aead.Open(nil, data[:n], data[n:], aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return out, nil
}
