package fitconnect

import (
	"context"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"
)

// KeyInfo describes a destination's validated encryption key.
type KeyInfo struct {
	Kid        string
	Bits       int
	Subject    string
	Issuer     string
	NotBefore  time.Time
	NotAfter   time.Time
	Thumbprint string // SHA-256 of the leaf certificate, hex
	FetchedAt  time.Time
}

// keyCacheTTL is how long a fetched key is used without asking the
// Submission API again. A kid names one key for good (a destination that
// rotates publishes a new kid), so the cache only bounds how long a
// revoked key could still be used.
const keyCacheTTL = time.Hour

type cachedKey struct {
	pub  *rsa.PublicKey
	info KeyInfo
}

// encryptionKey returns a destination's encryption key kid: from the
// cache while it is fresh and its certificate valid, else fetched
// (GET /v1/destinations/{id}/keys/{kid}) and validated with CheckKey.
func (s *Sender) encryptionKey(ctx context.Context, destinationID, kid string) (*rsa.PublicKey, KeyInfo, error) {
	now := s.cfg.Now()
	cacheKey := destinationID + "/" + kid
	s.keysMu.Lock()
	c, ok := s.keys[cacheKey]
	s.keysMu.Unlock()
	if ok && now.Sub(c.info.FetchedAt) < keyCacheTTL && now.Before(c.info.NotAfter) {
		return c.pub, c.info, nil
	}
	k, err := s.DestinationKey(ctx, destinationID, kid)
	if err != nil {
		return nil, KeyInfo{}, err
	}
	if k.Kid != kid {
		return nil, KeyInfo{}, &ConfigError{Msg: "Der Zustellpunkt " + destinationID + " veröffentlicht unter " + kid + " einen anderen Schlüssel (" + k.Kid + ")"}
	}
	pub, err := CheckKey(*k, KeyCheck{Op: OpWrapKey, Now: now, Roots: s.cfg.Roots})
	if err != nil {
		var exp *ExpiredKeyError
		if errors.As(err, &exp) {
			return nil, KeyInfo{}, &ConfigError{Msg: "Das Zertifikat des Zustellpunkts " + destinationID + " ist am " + exp.NotAfter.Format("02.01.2006") +
				" abgelaufen; die Kommune muss im Self-Service-Portal von FIT-Connect einen neuen Schlüssel hinterlegen", Err: err}
		}
		return nil, KeyInfo{}, &ConfigError{Msg: "Der Schlüssel des Zustellpunkts " + destinationID + " ist ungültig", Err: err}
	}
	leaf, _ := leafCertificate(*k)
	info := KeyInfo{Kid: kid, Bits: pub.N.BitLen(), FetchedAt: now}
	if leaf != nil {
		sum := sha256.Sum256(leaf.Raw)
		info.Subject, info.Issuer = leaf.Subject.String(), leaf.Issuer.String()
		info.NotBefore, info.NotAfter, info.Thumbprint = leaf.NotBefore.UTC(), leaf.NotAfter.UTC(), hex.EncodeToString(sum[:])
	}
	s.keysMu.Lock()
	if s.keys == nil {
		s.keys = map[string]cachedKey{}
	}
	s.keys[cacheKey] = cachedKey{pub: pub, info: info}
	s.keysMu.Unlock()
	return pub, info, nil
}
