package api

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// ETagPrefix is where ETags applies: the versioned API.
const ETagPrefix = "/api/v1/"

// maxETagBody bounds what ETags holds back to hash; a larger answer (a
// big export) goes out as it comes, without an ETag.
const maxETagBody = 4 << 20

// ETags gives every successful GET of the API – lists and reads – a strong
// ETag, the hash of the exact body, and answers a request whose
// If-None-Match names it with 304 Not Modified and no body. The ETag
// stands for the bytes the caller would get, whoever asks: two callers
// share an ETag only when they would get the same answer, and a caller
// learns nothing from a 304 that the 200 would not have told them.
//
// The answer is still computed (the database is asked, as authorization
// demands), but not sent: a client polling a list that did not change
// gets 304 instead of the list. An answer with its own ETag, one that is
// not 200, or one that streams (Flush) passes unchanged. Put ETags inside
// Compress: it suffixes the ETag of a compressed answer and hands a
// suffixed If-None-Match on as the plain one.
func ETags(next http.Handler) http.Handler {
	pool := sync.Pool{New: func() any { return new(etagWriter) }}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || !strings.HasPrefix(r.URL.Path, ETagPrefix) {
			next.ServeHTTP(w, r)
			return
		}
		ew := pool.Get().(*etagWriter)
		ew.ResponseWriter, ew.status, ew.passing = w, 0, false
		ew.buf.Reset()
		defer func() {
			ew.ResponseWriter = nil
			if ew.buf.Cap() > 64<<10 {
				ew.buf = bytes.Buffer{}
			}
			pool.Put(ew)
		}()
		next.ServeHTTP(ew, r)
		if ew.passing {
			return
		}
		if ew.status == 0 { // nothing written at all
			ew.status = http.StatusOK
		}
		h := w.Header()
		sum := sha256.Sum256(ew.buf.Bytes())
		etag := `"` + base64.RawURLEncoding.EncodeToString(sum[:18]) + `"`
		h.Set("ETag", etag)
		if h.Get("Cache-Control") == "" {
			// Stored only by the client, and checked with the server
			// before each reuse: the answer depends on who asks.
			h.Set("Cache-Control", "private, no-cache")
		}
		if etagMatch(r.Header.Values("If-None-Match"), etag) {
			h.Del("Content-Length")
			h.Del("Content-Type")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", strconv.Itoa(ew.buf.Len()))
		w.WriteHeader(ew.status)
		w.Write(ew.buf.Bytes())
	})
}

// etagMatch is the weak comparison If-None-Match asks for (RFC 9110,
// 13.1.2): "*" or any listed tag with the same opaque value.
func etagMatch(header []string, etag string) bool {
	for _, line := range header {
		for tag := range strings.SplitSeq(line, ",") {
			tag = strings.TrimSpace(tag)
			if tag == "*" || strings.TrimPrefix(tag, "W/") == etag {
				return true
			}
		}
	}
	return false
}

// etagWriter holds back a 200 answer's body; anything else passes.
type etagWriter struct {
	http.ResponseWriter
	status  int
	passing bool
	buf     bytes.Buffer
}

func (w *etagWriter) WriteHeader(code int) {
	if w.status != 0 || w.passing {
		return
	}
	if code < 200 { // interim answers pass
		w.ResponseWriter.WriteHeader(code)
		return
	}
	if code != http.StatusOK || w.Header().Get("ETag") != "" {
		w.pass(code)
		return
	}
	w.status = code
}

func (w *etagWriter) Write(p []byte) (int, error) {
	if w.status == 0 && !w.passing {
		w.WriteHeader(http.StatusOK)
	}
	if w.passing {
		return w.ResponseWriter.Write(p)
	}
	if w.buf.Len()+len(p) > maxETagBody {
		w.pass(w.status)
		held := w.buf.Bytes()
		w.buf.Reset()
		if _, err := w.ResponseWriter.Write(held); err != nil {
			return 0, err
		}
		return w.ResponseWriter.Write(p)
	}
	return w.buf.Write(p)
}

// Flush makes the answer a stream: what is held back goes out, the rest
// passes.
func (w *etagWriter) Flush() {
	if !w.passing {
		if w.status == 0 {
			w.status = http.StatusOK
		}
		w.pass(w.status)
		w.ResponseWriter.Write(w.buf.Bytes())
		w.buf.Reset()
	}
	http.NewResponseController(w.ResponseWriter).Flush()
}

// pass sends the status and lets everything after it through.
func (w *etagWriter) pass(code int) {
	w.passing = true
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap lets http.ResponseController reach the connection.
func (w *etagWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }
