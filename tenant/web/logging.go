package web

import (
	"log/slog"
	"net/http"
	"strings"
	"time"
)

// Logging writes one line per request to logger: method, path, route (the
// ServeMux pattern, see CapturePattern), status, bytes, duration_ms,
// request_id and remote_ip. Answers with status 500 or more are logged at
// level Error, all others at Info.
//
// Only the path is logged, never the query string, which may carry tokens.
// Path segments matched by a wildcard whose name contains "token" or
// "secret" ("/einladung/{token}") are logged as the wildcard: a route that
// carries a secret in its path declares it by naming the wildcard so, and
// RedactPath does the rest (also below a prefix, see CapturePattern).
//
// remote_ip is the peer address (ClientIP without trusting a proxy); the
// proxy in front logs the client's own address.
//
// The line is written also when the handler panics (with status 500 when
// nothing had been written), so put Logging outside Recover.
func Logging(logger *slog.Logger) func(http.Handler) http.Handler {
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			start := time.Now()
			inner, holder := withRouteHolder(r)
			sw := &statusWriter{ResponseWriter: w}
			completed := false
			defer func() {
				status := sw.statusOr(http.StatusOK)
				if !completed && !sw.wroteHeader {
					status = http.StatusInternalServerError
				}
				level := slog.LevelInfo
				if status >= 500 {
					level = slog.LevelError
				}
				route := holder.route(inner)
				logger.LogAttrs(r.Context(), level, "request",
					slog.String("method", r.Method),
					slog.String("path", holder.redacted(inner)),
					slog.String("route", route),
					slog.Int("status", status),
					slog.Int64("bytes", sw.bytes),
					slog.Float64("duration_ms", float64(time.Since(start).Microseconds())/1000),
					slog.String("request_id", RequestIDFrom(r.Context())),
					slog.String("remote_ip", ClientIP(r, false)),
				)
			}()
			next.ServeHTTP(sw, inner)
			completed = true
		})
	}
}

// RedactPath makes p fit for a log, given the ServeMux pattern that
// matched it ("" for none):
//
//   - a segment the pattern matched with a secret-named wildcard becomes
//     that wildcard: RedactPath("/einladung/abc", "GET /einladung/{token}")
//     is "/einladung/{token}";
//   - where no specific pattern decided the segment – no match at all (404,
//     wrong method), or the part a subtree pattern such as "/" took – a
//     segment that looks like a token (see looksSecret) becomes
//     "{redacted}", so that a link sent to the wrong site or with a typo
//     does not put its secret in the log either.
func RedactPath(p, pattern string) string {
	// A pattern is "[METHOD ][HOST]/PATH".
	if i := strings.Index(pattern, " "); i >= 0 {
		pattern = strings.TrimLeft(pattern[i+1:], " \t")
	}
	if i := strings.Index(pattern, "/"); i >= 0 {
		pattern = pattern[i:]
	} else {
		pattern = ""
	}
	patSegs := strings.Split(pattern, "/")
	subtree := pattern == "" || strings.HasSuffix(pattern, "/")
	decided := len(patSegs) // segments the pattern matched one by one
	if subtree {
		decided--
	}
	segs := strings.Split(p, "/")
	changed := false
	for i := 0; i < len(segs); i++ {
		if i >= decided {
			if looksSecret(segs[i]) {
				segs[i], changed = "{redacted}", true
			}
			continue
		}
		ps := patSegs[i]
		name, ok := strings.CutPrefix(ps, "{")
		if !ok {
			continue
		}
		name = strings.TrimSuffix(name, "}")
		name, rest := strings.CutSuffix(name, "...")
		if !secretName(name) {
			continue
		}
		changed = true
		if rest {
			segs = append(segs[:i], ps)
			break
		}
		segs[i] = ps
	}
	if !changed {
		return p
	}
	return strings.Join(segs, "/")
}

// looksSecret reports whether a path segment looks like a token: at least
// 16 characters of the URL-safe base64 alphabet, with letters and digits.
// The platform's secrets are 43 such characters; slugs, words and short
// numbers are not redacted, UUIDs are (harmless where no route matched).
func looksSecret(seg string) bool {
	if len(seg) < 16 {
		return false
	}
	letter, digit := false, false
	for i := 0; i < len(seg); i++ {
		switch c := seg[i]; {
		case c >= '0' && c <= '9':
			digit = true
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			letter = true
		case c == '-' || c == '_':
		default:
			return false
		}
	}
	return letter && digit
}

func secretName(name string) bool {
	n := strings.ToLower(name)
	return strings.Contains(n, "token") || strings.Contains(n, "secret")
}
