package fitconnect

import (
	"crypto/hmac"
	"crypto/sha512"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// MaxCallbackAge is how old (or how far in the future) a callback's
// timestamp may be.
const MaxCallbackAge = 5 * time.Minute

// SignCallback returns the Callback-Authentication value: the hex
// HMAC-SHA512 of timestamp + "." + body under secret.
func SignCallback(secret string, timestamp int64, body []byte) string {
	m := hmac.New(sha512.New, []byte(secret))
	m.Write([]byte(strconv.FormatInt(timestamp, 10)))
	m.Write([]byte("."))
	m.Write(body)
	return hex.EncodeToString(m.Sum(nil))
}

// Errors of VerifyCallback.
var (
	ErrCallbackStale     = errors.New("callback timestamp older than five minutes or in the future")
	ErrCallbackSignature = errors.New("callback authentication does not match")
)

// VerifyCallback checks a callback's headers against the body: the
// timestamp must be within five minutes of now and the MAC must match,
// compared in constant time.
func VerifyCallback(secret, timestamp, mac string, body []byte, now time.Time) error {
	ts, err := strconv.ParseInt(strings.TrimSpace(timestamp), 10, 64)
	if err != nil {
		return ErrCallbackStale
	}
	if d := now.Sub(time.Unix(ts, 0)); d > MaxCallbackAge || d < -MaxCallbackAge {
		return ErrCallbackStale
	}
	got, err := hex.DecodeString(strings.ToLower(strings.TrimSpace(mac)))
	if err != nil {
		return ErrCallbackSignature
	}
	want, _ := hex.DecodeString(SignCallback(secret, ts, body))
	if !hmac.Equal(got, want) {
		return ErrCallbackSignature
	}
	return nil
}
