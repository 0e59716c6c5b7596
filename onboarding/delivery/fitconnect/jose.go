package fitconnect

import (
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// Encrypter encrypts for one destination key: JWE compact serialization
// with RSA-OAEP-256 and A256GCM, the key ID in the header, no compression.
type Encrypter struct {
	pub *rsa.PublicKey
	kid string
}

// NewEncrypter returns an encrypter for the key.
func NewEncrypter(pub *rsa.PublicKey, kid string) *Encrypter { return &Encrypter{pub: pub, kid: kid} }

// Encrypt returns the JWE compact serialization of plaintext; cty names
// its media type.
func (e *Encrypter) Encrypt(plaintext []byte, cty string) (string, error) {
	opts := (&jose.EncrypterOptions{}).WithContentType(jose.ContentType(cty))
	enc, err := jose.NewEncrypter(jose.A256GCM, jose.Recipient{Algorithm: jose.RSA_OAEP_256, Key: e.pub, KeyID: e.kid}, opts)
	if err != nil {
		return "", fmt.Errorf("jwe: %w", err)
	}
	obj, err := enc.Encrypt(plaintext)
	if err != nil {
		return "", fmt.Errorf("jwe: %w", err)
	}
	s, err := obj.CompactSerialize()
	if err != nil {
		return "", fmt.Errorf("jwe: %w", err)
	}
	return s, nil
}

// AuthTag returns the authentication tag (fifth part) of a JWE compact
// serialization.
func AuthTag(compact string) string {
	i := strings.LastIndexByte(compact, '.')
	if i < 0 {
		return ""
	}
	return compact[i+1:]
}

// Decrypt opens a JWE compact serialization made for the key kid; only
// RSA-OAEP-256 with A256GCM is accepted.
func Decrypt(compact string, priv *rsa.PrivateKey, kid string) ([]byte, error) {
	obj, err := jose.ParseEncryptedCompact(compact, []jose.KeyAlgorithm{jose.RSA_OAEP_256}, []jose.ContentEncryption{jose.A256GCM})
	if err != nil {
		return nil, fmt.Errorf("jwe: %w", err)
	}
	if kid != "" && obj.Header.KeyID != kid {
		return nil, fmt.Errorf("jwe: made for key %q, not %q", obj.Header.KeyID, kid)
	}
	if _, ok := obj.Header.ExtraHeaders[jose.HeaderKey("zip")]; ok {
		return nil, errors.New("jwe: compression is not allowed")
	}
	pt, err := obj.Decrypt(priv)
	if err != nil {
		return nil, fmt.Errorf("jwe: %w", err)
	}
	return pt, nil
}

// SETType is the JOSE typ of a Security Event Token.
const SETType = "secevent+jwt"

// SignSET signs claims as a SET with PS512 and the key ID in the header.
func SignSET(claims SETClaims, priv *rsa.PrivateKey, kid string) (string, error) {
	opts := (&jose.SignerOptions{}).WithType(SETType).WithHeader(jose.HeaderKey("kid"), kid)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.PS512, Key: priv}, opts)
	if err != nil {
		return "", fmt.Errorf("sign SET: %w", err)
	}
	payload, err := json.Marshal(claims)
	if err != nil {
		return "", fmt.Errorf("sign SET: %w", err)
	}
	obj, err := signer.Sign(payload)
	if err != nil {
		return "", fmt.Errorf("sign SET: %w", err)
	}
	s, err := obj.CompactSerialize()
	if err != nil {
		return "", fmt.Errorf("sign SET: %w", err)
	}
	return s, nil
}

// ParsedSET is a SET before its signature is checked.
type ParsedSET struct {
	obj *jose.JSONWebSignature
	// Kid is the key ID of the signature.
	Kid string
}

// ParseSET reads a SET: JWS compact, PS512 only, typ secevent+jwt, with a
// key ID.
func ParseSET(token string) (*ParsedSET, error) {
	obj, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.PS512})
	if err != nil {
		return nil, fmt.Errorf("SET: %w", err)
	}
	if len(obj.Signatures) != 1 {
		return nil, errors.New("SET: want exactly one signature")
	}
	h := obj.Signatures[0].Protected
	if typ, _ := h.ExtraHeaders[jose.HeaderType].(string); typ != SETType {
		return nil, fmt.Errorf("SET: typ %q, want %s", typ, SETType)
	}
	if h.KeyID == "" {
		return nil, errors.New("SET: no kid")
	}
	return &ParsedSET{obj: obj, Kid: h.KeyID}, nil
}

// Verify checks the signature with pub and returns the claims, which must
// name a subject, a case, an issuer and exactly one event.
func (p *ParsedSET) Verify(pub *rsa.PublicKey) (*SETClaims, error) {
	raw, err := p.obj.Verify(pub)
	if err != nil {
		return nil, fmt.Errorf("SET signature: %w", err)
	}
	var c SETClaims
	if err := json.Unmarshal(raw, &c); err != nil {
		return nil, fmt.Errorf("SET claims: %w", err)
	}
	if c.Issuer == "" || c.JTI == "" || c.IssuedAt == 0 || !strings.HasPrefix(c.Subject, "submission:") ||
		!strings.HasPrefix(c.Txn, "case:") || len(c.Events) != 1 {
		return nil, errors.New("SET claims incomplete")
	}
	return &c, nil
}

// EventOf turns verified claims into an Event.
func EventOf(c *SETClaims) Event {
	e := Event{SubmissionID: strings.TrimPrefix(c.Subject, "submission:"), CaseID: strings.TrimPrefix(c.Txn, "case:"),
		Issuer: c.Issuer, IssuedAt: time.Unix(c.IssuedAt, 0).UTC()}
	for t, p := range c.Events {
		e.Type, e.Payload = t, p
	}
	return e
}
