package fitconnect

import (
	"errors"
	"fmt"
	"net/http"
	"strconv"
	"time"
)

// HTTPError is an unexpected answer of the Submission API or the token
// endpoint.
type HTTPError struct {
	Op     string
	Status int
	// After is the wait the server asked for (Retry-After), or 0.
	After   time.Duration
	Problem Problem
}

func (e *HTTPError) Error() string {
	msg := fmt.Sprintf("%s: HTTP %d", e.Op, e.Status)
	if e.Problem.Title != "" {
		msg += ": " + e.Problem.Title
	}
	if e.Problem.Detail != "" {
		msg += " (" + e.Problem.Detail + ")"
	}
	return msg
}

// Temporary reports whether trying again later may succeed: server errors,
// 429, 408 and 401 (the token is renewed).
func (e *HTTPError) Temporary() bool {
	return e.Status >= 500 || e.Status == http.StatusTooManyRequests || e.Status == http.StatusRequestTimeout ||
		e.Status == http.StatusUnauthorized
}

// RetryAfter is the wait the server asked for.
func (e *HTTPError) RetryAfter() time.Duration { return e.After }

// ProtocolError is a malformed answer (a body that does not parse); it is
// temporary, since a proxy or a restart may have garbled it.
type ProtocolError struct {
	Op  string
	Err error
}

func (e *ProtocolError) Error() string { return e.Op + ": malformed answer: " + e.Err.Error() }
func (e *ProtocolError) Unwrap() error { return e.Err }

// Temporary is always true.
func (e *ProtocolError) Temporary() bool { return true }

// ConfigError is a problem that retrying will not solve: the destination
// does not exist or is inactive, its key is invalid, expired or not the one
// the municipality registered, the metadata violates the schema.
type ConfigError struct {
	Msg string // German, for the municipality
	Err error
}

func (e *ConfigError) Error() string {
	if e.Err != nil {
		return e.Msg + ": " + e.Err.Error()
	}
	return e.Msg
}
func (e *ConfigError) Unwrap() error { return e.Err }

// Temporary is always false.
func (e *ConfigError) Temporary() bool { return false }

// IsStatus reports whether err is an HTTPError with one of the statuses.
func IsStatus(err error, statuses ...int) bool {
	var he *HTTPError
	if !errors.As(err, &he) {
		return false
	}
	for _, s := range statuses {
		if he.Status == s {
			return true
		}
	}
	return false
}

// ParseRetryAfter reads a Retry-After header: seconds or an HTTP date.
func ParseRetryAfter(v string, now time.Time) time.Duration {
	if v == "" {
		return 0
	}
	if s, err := strconv.Atoi(v); err == nil && s >= 0 {
		return time.Duration(s) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil && t.After(now) {
		return t.Sub(now)
	}
	return 0
}
