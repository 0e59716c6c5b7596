package web

import (
	"net/http"
	"strconv"
	"strings"
)

// Encoding is a content coding the platform sends (RFC 9110, 8.4.1).
// Identity is the empty string: no coding, no Content-Encoding header.
//
// gzip reaches every client; zstd (RFC 8878) is smaller and cheaper to
// produce and is understood by current Chromium and Firefox builds. Both
// come from github.com/klauspost/compress, which the Prometheus client
// already brings into the binary. Brotli is left out: it would be a new
// module (a machine translation of the C library) whose dynamic
// compression costs several times the CPU of zstd for a few per cent
// smaller pages, and every browser that sends "br" also sends "gzip".
type Encoding string

// The content codings the platform produces.
const (
	Identity Encoding = ""
	Gzip     Encoding = "gzip"
	Zstd     Encoding = "zstd"
)

// encodingPreference orders the codings the server prefers when the client
// rates several equally: zstd is smaller and faster than gzip.
var encodingPreference = [...]Encoding{Zstd, Gzip}

// etagSuffix is what an ETag gets appended inside its quotes when the body
// is sent with the coding: a compressed body is another representation and
// must not share the identity body's strong validator (RFC 9110, 8.8.3.3).
func (e Encoding) etagSuffix() string { return "-" + string(e) }

// acceptance is what the Accept-Encoding header says about the codings the
// platform knows, without allocating: it is read on every request.
type acceptance struct {
	gzip, zstd, identity, any qualityOf
}

// qualityOf is the q-value of one coding, when the header names it.
type qualityOf struct {
	q     float64
	named bool
}

// NegotiateEncoding picks the content coding for the answer to a request
// with header h, following RFC 9110, 12.5.3: among the codings the client
// accepts (q > 0, explicitly or through "*"), the one with the highest
// q-value, the server's preference (zstd, gzip) on a tie; "x-gzip" counts as
// gzip. A client that rates identity above every coding gets identity. No
// Accept-Encoding header, or an empty one, means identity.
//
// identityRefused reports that the client excluded identity ("identity;q=0",
// or "*;q=0" without an entry for identity): then even a small body is
// compressed when it can be.
func NegotiateEncoding(h http.Header) (enc Encoding, identityRefused bool) {
	a, ok := parseAcceptEncoding(h)
	if !ok {
		return Identity, false
	}
	best, bestQ := Identity, 0.0
	for _, e := range encodingPreference {
		if q := a.quality(e); q > bestQ {
			best, bestQ = e, q
		}
	}
	idQ := 1.0
	switch {
	case a.identity.named:
		idQ = a.identity.q
	case a.any.named:
		idQ = a.any.q
	}
	identityRefused = idQ == 0
	// An explicit preference for identity wins over the codings; without
	// one the server compresses whenever the client accepts a coding.
	if best != Identity && a.identity.named && idQ > bestQ {
		return Identity, identityRefused
	}
	return best, identityRefused
}

// Accepts reports whether a response to a request with header h may come
// in coding e: the client accepts e (q > 0) and does not rate identity
// above every coding. For handlers that have a body ready in one coding
// only (GzipTemplate).
func Accepts(h http.Header, e Encoding) bool {
	if best, _ := NegotiateEncoding(h); best == Identity || e == Identity {
		return false
	}
	a, _ := parseAcceptEncoding(h)
	return a.quality(e) > 0
}

// quality is the q-value the client gives coding e (0: not acceptable).
func (a acceptance) quality(e Encoding) float64 {
	c := a.zstd
	if e == Gzip {
		c = a.gzip
	}
	switch {
	case c.named:
		return c.q
	case a.any.named:
		return a.any.q
	}
	return 0
}

// parseAcceptEncoding reads every Accept-Encoding field of h; ok is false
// when there is none or only empty ones. A coding with a malformed q-value
// is taken as not acceptable.
func parseAcceptEncoding(h http.Header) (acceptance, bool) {
	var a acceptance
	ok := false
	for _, v := range h.Values("Accept-Encoding") {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(part, ";")
			coding = strings.TrimSpace(coding)
			if coding == "" {
				continue
			}
			ok = true
			q := qualityOf{q: parseQValue(params), named: true}
			switch {
			case coding == "*":
				a.any = q
			case strings.EqualFold(coding, "gzip"), strings.EqualFold(coding, "x-gzip"):
				a.gzip = q
			case strings.EqualFold(coding, "zstd"):
				a.zstd = q
			case strings.EqualFold(coding, "identity"):
				a.identity = q
			}
		}
	}
	return a, ok
}

// parseQValue reads the "q" parameter of an Accept-Encoding element
// (";q=0.5"); without one the value is 1. RFC 9110 allows 0 to 1 with at
// most three decimals; anything else counts as 0.
func parseQValue(params string) float64 {
	for param := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(param, "=")
		if !strings.EqualFold(strings.TrimSpace(k), "q") {
			continue
		}
		v = strings.TrimSpace(v)
		if v == "" || len(v) > 5 || (v[0] != '0' && v[0] != '1') {
			return 0
		}
		q, err := strconv.ParseFloat(v, 64)
		if err != nil || q < 0 || q > 1 {
			return 0
		}
		return q
	}
	return 1
}

// CompressibleType reports whether a body of this Content-Type gains from
// compression: text, JSON (problem+json and every +json type), JavaScript,
// XML (every +xml type) and SVG. Images, fonts (woff/woff2 are compressed
// already), PDF, archives and anything unknown are sent as they are, as are
// event streams, which proxies buffer when they are compressed.
func CompressibleType(contentType string) bool {
	mt := contentType
	if i := strings.IndexByte(mt, ';'); i >= 0 {
		mt = mt[:i]
	}
	mt = strings.TrimSpace(mt)
	for _, t := range [...]string{"application/json", "application/javascript", "application/ecmascript", "application/xml",
		"application/x-ndjson", "application/wasm", "image/svg+xml"} {
		if strings.EqualFold(mt, t) {
			return true
		}
	}
	switch {
	case strings.EqualFold(mt, "text/event-stream"):
		return false
	case hasPrefixFold(mt, "text/"):
		return true
	case hasPrefixFold(mt, "application/"):
		return hasSuffixFold(mt, "+json") || hasSuffixFold(mt, "+xml")
	}
	return false
}

// hasPrefixFold and hasSuffixFold are strings.HasPrefix and HasSuffix
// under ASCII case folding, without allocating (media types are ASCII).
func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && strings.EqualFold(s[:len(prefix)], prefix)
}

func hasSuffixFold(s, suffix string) bool {
	return len(s) >= len(suffix) && strings.EqualFold(s[len(s)-len(suffix):], suffix)
}

// etagFor returns the validator of the body sent with coding e: the
// identity ETag with "-gzip" or "-zstd" before its closing quote ("x" →
// "x-gzip", W/"x" → W/"x-gzip"). A malformed or already suffixed ETag is
// returned unchanged.
func etagFor(etag string, e Encoding) string {
	if e == Identity || !strings.HasSuffix(etag, `"`) || len(etag) < 2 {
		return etag
	}
	if _, enc := etagBase(etag); enc != Identity {
		return etag
	}
	return etag[:len(etag)-1] + e.etagSuffix() + `"`
}

// etagBase strips a coding suffix that etagFor added: it returns the
// identity ETag and the coding, or the tag and Identity when it has none.
func etagBase(tag string) (string, Encoding) {
	if !strings.HasSuffix(tag, `"`) {
		return tag, Identity
	}
	for _, e := range encodingPreference {
		if s := e.etagSuffix() + `"`; strings.HasSuffix(tag, s) && len(tag) > len(s)+1 {
			return tag[:len(tag)-len(s)] + `"`, e
		}
	}
	return tag, Identity
}

// withIdentityValidators returns r, or when its If-None-Match or If-Match
// names an ETag with a coding suffix, a copy of r whose headers name the
// identity ETag as well. So a handler that compares with its own (identity)
// ETag answers 304 to a client that holds the compressed body, and one that
// sets the suffixed ETag itself (the static assets) still matches.
// If-Range is left alone: a range is always of the identity body, and a
// client holding part of a compressed one must get the whole answer.
func withIdentityValidators(r *http.Request) *http.Request {
	var changed http.Header
	for _, name := range [...]string{"If-None-Match", "If-Match"} {
		vals := r.Header.Values(name)
		if len(vals) == 0 {
			continue
		}
		joined := strings.Join(vals, ",")
		if !strings.Contains(joined, `-gzip"`) && !strings.Contains(joined, `-zstd"`) {
			continue
		}
		var extra []string
		for tag := range strings.SplitSeq(joined, ",") {
			tag = strings.TrimSpace(tag)
			if base, enc := etagBase(tag); enc != Identity {
				extra = append(extra, base)
			}
		}
		if len(extra) == 0 {
			continue
		}
		if changed == nil {
			changed = r.Header.Clone()
		}
		changed.Set(name, joined+", "+strings.Join(extra, ", "))
	}
	if changed == nil {
		return r
	}
	r2 := new(http.Request)
	*r2 = *r
	r2.Header = changed
	return r2
}

// addVary adds token to the Vary header unless it is there already (or
// Vary is "*").
func addVary(h http.Header, token string) {
	for _, v := range h.Values("Vary") {
		for part := range strings.SplitSeq(v, ",") {
			part = strings.TrimSpace(part)
			if part == "*" || strings.EqualFold(part, token) {
				return
			}
		}
	}
	h.Add("Vary", token)
}
