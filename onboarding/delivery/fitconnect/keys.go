package fitconnect

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"errors"
	"fmt"
	"math/big"
	"slices"
	"time"
)

// MinRSABits is the shortest RSA key FIT-Connect accepts.
const MinRSABits = 4096

// Algorithms FIT-Connect uses.
const (
	AlgEncryption = "RSA-OAEP-256"
	AlgSignature  = "PS512"
	EncContent    = "A256GCM"
)

// Key operations.
const (
	OpWrapKey = "wrapKey"
	OpVerify  = "verify"
)

// KeyCheck says what a key must satisfy.
type KeyCheck struct {
	// Op is the required key operation (OpWrapKey or OpVerify).
	Op string
	// Now is the time at which the certificate must be valid.
	Now time.Time
	// Roots, when set, must anchor the x5c chain.
	Roots *x509.CertPool
}

// CheckKey validates a published key and returns its RSA public key: RSA
// with at least 4096 bits and exponent AQAB, the operation and the
// algorithm that belong to it (wrapKey/RSA-OAEP-256 or verify/PS512), an
// x5c chain whose first certificate carries the same key, is valid now and
// – when roots are given – chains up to one of them.
func CheckKey(k JWK, c KeyCheck) (*rsa.PublicKey, error) {
	wantAlg := AlgEncryption
	if c.Op == OpVerify {
		wantAlg = AlgSignature
	}
	switch {
	case k.Kty != "RSA":
		return nil, fmt.Errorf("key %s: kty %q, want RSA", k.Kid, k.Kty)
	case !slices.Contains(k.KeyOps, c.Op):
		return nil, fmt.Errorf("key %s: key_ops %v lack %s", k.Kid, k.KeyOps, c.Op)
	case k.Alg != wantAlg:
		return nil, fmt.Errorf("key %s: alg %q, want %s", k.Kid, k.Alg, wantAlg)
	case k.E != "AQAB":
		return nil, fmt.Errorf("key %s: exponent %q, want AQAB", k.Kid, k.E)
	case len(k.X5C) == 0:
		return nil, fmt.Errorf("key %s: no x5c certificate chain", k.Kid)
	}
	nb, err := base64.RawURLEncoding.DecodeString(k.N)
	if err != nil {
		return nil, fmt.Errorf("key %s: modulus: %w", k.Kid, err)
	}
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(nb), E: 65537}
	if bits := pub.N.BitLen(); bits < MinRSABits {
		return nil, fmt.Errorf("key %s: %d bit RSA, want at least %d", k.Kid, bits, MinRSABits)
	}
	certs := make([]*x509.Certificate, 0, len(k.X5C))
	for i, s := range k.X5C {
		der, err := base64.StdEncoding.DecodeString(s)
		if err != nil {
			return nil, fmt.Errorf("key %s: x5c[%d]: %w", k.Kid, i, err)
		}
		cert, err := x509.ParseCertificate(der)
		if err != nil {
			return nil, fmt.Errorf("key %s: x5c[%d]: %w", k.Kid, i, err)
		}
		certs = append(certs, cert)
	}
	leaf := certs[0]
	leafKey, ok := leaf.PublicKey.(*rsa.PublicKey)
	if !ok || !leafKey.Equal(pub) {
		return nil, fmt.Errorf("key %s: the certificate in x5c carries another key", k.Kid)
	}
	now := c.Now
	if now.IsZero() {
		now = time.Now()
	}
	if now.After(leaf.NotAfter) {
		return nil, &ExpiredKeyError{Kid: k.Kid, NotAfter: leaf.NotAfter}
	}
	if now.Before(leaf.NotBefore) {
		return nil, fmt.Errorf("key %s: certificate valid only from %s", k.Kid, leaf.NotBefore.Format(time.DateOnly))
	}
	if c.Roots == nil {
		// No trust anchor configured: the chain must still hang together.
		for i := 0; i+1 < len(certs); i++ {
			if err := certs[i].CheckSignatureFrom(certs[i+1]); err != nil {
				return nil, fmt.Errorf("key %s: x5c[%d] is not signed by x5c[%d]: %w", k.Kid, i, i+1, err)
			}
			if now.After(certs[i+1].NotAfter) || now.Before(certs[i+1].NotBefore) {
				return nil, fmt.Errorf("key %s: x5c[%d] is not valid now", k.Kid, i+1)
			}
		}
	}
	if c.Roots != nil {
		inter := x509.NewCertPool()
		for _, ic := range certs[1:] {
			inter.AddCert(ic)
		}
		if _, err := leaf.Verify(x509.VerifyOptions{Roots: c.Roots, Intermediates: inter, CurrentTime: now,
			KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageAny}}); err != nil {
			return nil, fmt.Errorf("key %s: certificate chain: %w", k.Kid, err)
		}
	}
	return pub, nil
}

// ExpiredKeyError says that a key's certificate has expired.
type ExpiredKeyError struct {
	Kid      string
	NotAfter time.Time
}

func (e *ExpiredKeyError) Error() string {
	return fmt.Sprintf("key %s: certificate expired on %s", e.Kid, e.NotAfter.UTC().Format(time.DateOnly))
}

// NewJWK describes an RSA public key with its certificate chain (leaf
// first) for publication.
func NewJWK(pub *rsa.PublicKey, kid, op string, chain []*x509.Certificate) JWK {
	alg := AlgEncryption
	if op == OpVerify {
		alg = AlgSignature
	}
	k := JWK{Kty: "RSA", KeyOps: []string{op}, Alg: alg, Kid: kid,
		N: base64.RawURLEncoding.EncodeToString(pub.N.Bytes()), E: "AQAB"}
	for _, c := range chain {
		k.X5C = append(k.X5C, base64.StdEncoding.EncodeToString(c.Raw))
	}
	return k
}

// ErrNoKey is returned when a key ID is unknown.
var ErrNoKey = errors.New("unknown key ID")

// leafCertificate parses the first certificate of a key's x5c chain.
func leafCertificate(k JWK) (*x509.Certificate, error) {
	if len(k.X5C) == 0 {
		return nil, errors.New("no x5c")
	}
	der, err := base64.StdEncoding.DecodeString(k.X5C[0])
	if err != nil {
		return nil, err
	}
	return x509.ParseCertificate(der)
}
