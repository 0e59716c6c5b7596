package onboarding_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"math/big"
	"os"
	"sync"
	"testing"
	"time"
)

// keys are read once per test binary from testdata (generating a 4096-bit
// RSA key takes seconds on a small machine); the EC key is made here.
type testKeySet struct {
	rsa4096 *rsa.PrivateKey
	rsa2048 *rsa.PrivateKey
	ec      *ecdsa.PrivateKey
}

var (
	keysOnce sync.Once
	keys     testKeySet
	keysErr  error
)

func testKeys(t testing.TB) testKeySet {
	t.Helper()
	keysOnce.Do(func() {
		if keys.rsa4096, keysErr = readKey("testdata/test-rsa4096.pem"); keysErr != nil {
			return
		}
		if keys.rsa2048, keysErr = readKey("testdata/test-rsa2048.pem"); keysErr != nil {
			return
		}
		keys.ec, keysErr = ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	})
	if keysErr != nil {
		t.Fatal(keysErr)
	}
	return keys
}

func readKey(path string) (*rsa.PrivateKey, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	block, _ := pem.Decode(raw)
	if block == nil {
		return nil, fmt.Errorf("%s: no PEM block", path)
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%s: not an RSA key", path)
	}
	return rk, nil
}

// certFor makes a self-signed certificate for the key's public part,
// valid from notBefore to notAfter.
func certFor(t testing.TB, key crypto.Signer, notBefore, notAfter time.Time) *x509.Certificate {
	t.Helper()
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(time.Now().UnixNano()),
		Subject:      pkix.Name{CommonName: "Zustellpunkt Landkreis Test", Organization: []string{"Landkreis Test"}},
		NotBefore:    notBefore, NotAfter: notAfter,
		KeyUsage: x509.KeyUsageKeyEncipherment,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, key.Public(), key)
	if err != nil {
		t.Fatal(err)
	}
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

func certPEM(c *x509.Certificate) string {
	return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: c.Raw}))
}

func b64(b []byte) string { return base64.RawURLEncoding.EncodeToString(b) }

// rsaJWK returns a public RSA JWK; cert (may be nil) goes into x5c;
// extra fields are merged in.
func rsaJWK(pub *rsa.PublicKey, cert *x509.Certificate, extra map[string]any) string {
	m := map[string]any{"kty": "RSA", "n": b64(pub.N.Bytes()), "e": b64(big.NewInt(int64(pub.E)).Bytes()),
		"use": "enc", "alg": "RSA-OAEP-256", "kid": "zustellpunkt-test"}
	if cert != nil {
		m["x5c"] = []string{base64.StdEncoding.EncodeToString(cert.Raw)}
	}
	for k, v := range extra {
		if v == nil {
			delete(m, k)
			continue
		}
		m[k] = v
	}
	b, _ := json.Marshal(m)
	return string(b)
}

// validJWK is a key FIT-Connect accepts, valid for a year from now.
func validJWK(t testing.TB, now time.Time) string {
	k := testKeys(t)
	return rsaJWK(&k.rsa4096.PublicKey, certFor(t, k.rsa4096, now.AddDate(0, 0, -1), now.AddDate(1, 0, 0)), nil)
}
