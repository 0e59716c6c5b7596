package web

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"

	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// DefaultCompressMinSize is the smallest body Compress compresses: below
// about 1 KB the coding's header and the CPU cost outweigh the saving.
const DefaultCompressMinSize = 1024

// Compression levels of answers built per request. On the 13 KB
// marketplace page and a 14 KB JSON answer (testdata, BenchmarkCompress)
// the fastest levels cost about 30–35 µs and send 10 % more than gzip's
// default level, which costs twice the CPU: the platform's limit is CPU,
// not the citizens' bandwidth, once a page is down to a fifth. zstd's
// fastest level sends 1–6 % less than gzip's for the same CPU, hence the
// preference.
// Pages kept in memory (static assets, the portal's page cache) are
// compressed once at the best levels instead.
const (
	dynamicGzipLevel = gzip.BestSpeed
	dynamicZstdLevel = zstd.SpeedFastest
	// zstdWindow bounds a zstd frame's window: RFC 9659 asks HTTP senders
	// for at most 8 MB, and a pooled encoder's memory grows with it. Pages
	// and JSON answers are far smaller.
	zstdWindow = 1 << 20
)

// sniffLen is how many bytes http.DetectContentType looks at.
const sniffLen = 512

// CompressOptions tune Compress.
type CompressOptions struct {
	// MinSize is the smallest body that is compressed; 0 means
	// DefaultCompressMinSize. A client that refuses identity
	// ("identity;q=0") gets smaller bodies compressed as well.
	MinSize int
}

// Compress returns middleware that compresses answers with gzip or zstd as
// the request's Accept-Encoding asks (NegotiateEncoding):
//
//   - only bodies of a CompressibleType (HTML, JSON, problem+json, CSS, JS,
//     SVG, XML, …) of at least MinSize bytes; an answer whose size the
//     handler declares with Content-Length is judged by that at once,
//     otherwise the first MinSize bytes are held back until the decision;
//   - never an answer the handler encoded itself (Content-Encoding set, as
//     the precompressed static assets and /metrics do), one with
//     Cache-Control: no-transform, a 1xx, 204, 206 or 304 answer, an answer
//     to a request with a Range header (ranges are always of the identity
//     body) or an upgrade (WebSocket);
//   - a compressed answer loses Content-Length and Accept-Ranges, and its
//     ETag gets "-gzip" or "-zstd" inside the quotes; a conditional request
//     naming such an ETag is handed to the handler with the identity ETag
//     added (withIdentityValidators), and a 304 answer carries the
//     suffixed ETag the client sent;
//   - every answer of a compressible type says Vary: Accept-Encoding;
//   - Flush works: a streaming answer is compressed from the first Flush
//     on, each Flush pushes what is written so far;
//   - HEAD gets the headers GET would get, without compressing anything.
//
// Encoders and buffers are pooled, so a compressed answer allocates next to
// nothing. Put Compress inside Logging and Metrics (they then count the
// bytes on the wire) and outside Recover.
func Compress(opts CompressOptions) func(http.Handler) http.Handler {
	if opts.MinSize <= 0 {
		opts.MinSize = DefaultCompressMinSize
	}
	c := &compressor{minSize: opts.MinSize}
	c.gzip.New = func() any {
		zw, _ := gzip.NewWriterLevel(io.Discard, dynamicGzipLevel) // the level is valid
		return zw
	}
	c.zstd.New = func() any {
		// The options are constants; an error here is a programming error.
		zw, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(dynamicZstdLevel), zstd.WithEncoderConcurrency(1),
			zstd.WithWindowSize(zstdWindow), zstd.WithLowerEncoderMem(true))
		if err != nil {
			panic("web: zstd encoder: " + err.Error())
		}
		return zw
	}
	c.writers.New = func() any { return &compressWriter{c: c} }
	return func(next http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Header.Get("Upgrade") != "" {
				next.ServeHTTP(w, r)
				return
			}
			enc, identityRefused := NegotiateEncoding(r.Header)
			if r.Header.Get("Range") != "" {
				enc = Identity
			}
			cw := c.writers.Get().(*compressWriter)
			cw.reset(w, r, enc, identityRefused)
			next.ServeHTTP(cw, withIdentityValidators(r))
			// Not deferred: after a panic the answer must stay broken
			// (Recover aborts it), not be completed with a valid trailer.
			cw.finish()
			cw.release()
		})
	}
}

// compressor holds the pools of one Compress middleware.
type compressor struct {
	minSize int
	gzip    sync.Pool // *gzip.Writer
	zstd    sync.Pool // *zstd.Encoder
	writers sync.Pool // *compressWriter
}

// compressWriter decides per answer whether to compress, holding back the
// status and the first bytes until it can tell.
type compressWriter struct {
	http.ResponseWriter
	c *compressor

	// From the request.
	head            bool
	enc             Encoding // the coding negotiated; Identity: never compress
	identityRefused bool
	ifNoneMatch     string // as the client sent it, for the ETag of a 304

	status      int  // the status the handler set, 0 before WriteHeader
	decided     bool // headers have gone to the ResponseWriter
	compressing Encoding
	buf         []byte // held-back body bytes before the decision (pooled)
	zw          interface {
		io.WriteCloser
		Flush() error
	}
}

func (w *compressWriter) reset(rw http.ResponseWriter, r *http.Request, enc Encoding, identityRefused bool) {
	w.ResponseWriter = rw
	w.head = r.Method == http.MethodHead
	w.enc, w.identityRefused = enc, identityRefused
	w.ifNoneMatch = strings.Join(r.Header.Values("If-None-Match"), ",")
	w.status, w.decided, w.compressing = 0, false, Identity
	if w.buf == nil {
		w.buf = make([]byte, 0, w.c.minSize)
	}
	w.buf = w.buf[:0]
	w.zw = nil
}

// release returns the writer to its pool, dropping every reference to the
// answer.
func (w *compressWriter) release() {
	w.ResponseWriter, w.zw = nil, nil
	if cap(w.buf) > 4*w.c.minSize {
		w.buf = nil // a Write larger than the threshold grew it: let it go
	}
	w.c.writers.Put(w)
}

// Unwrap lets http.ResponseController reach the connection (deadlines,
// Hijack).
func (w *compressWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

func (w *compressWriter) WriteHeader(code int) {
	if w.decided {
		w.ResponseWriter.WriteHeader(code) // net/http reports the superfluous call
		return
	}
	if code < 200 && code != http.StatusSwitchingProtocols {
		w.ResponseWriter.WriteHeader(code) // interim (103 Early Hints): passes
		return
	}
	if w.status != 0 {
		return // net/http ignores a second call as well
	}
	w.status = code
	if w.decidable() {
		w.decide(false, 0)
	}
}

func (w *compressWriter) Write(p []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
		if w.decidable() {
			w.decide(false, 0)
		}
	}
	if w.decided {
		return w.writeOut(p)
	}
	if len(w.buf)+len(p) < w.c.minSize {
		w.buf = append(w.buf, p...)
		return len(p), nil
	}
	// Enough to decide. Hold back only what sniffing the type needs; the
	// rest goes out directly instead of being copied.
	n := 0
	if len(w.buf) < sniffLen {
		n = min(sniffLen-len(w.buf), len(p))
		w.buf = append(w.buf, p[:n]...)
	}
	w.decide(false, len(p)-n)
	if err := w.writeHeld(); err != nil {
		return 0, err
	}
	if _, err := w.writeOut(p[n:]); err != nil {
		return n, err
	}
	return len(p), nil
}

// Flush sends what is written so far. Before the decision it decides: a
// handler that flushes streams, so a compressible answer is compressed
// however short its first part.
func (w *compressWriter) Flush() {
	if !w.decided {
		if w.status == 0 {
			w.status = http.StatusOK
		}
		w.decide(true, 0)
		if w.writeHeld() != nil {
			return
		}
	}
	if w.zw != nil && !w.head {
		if err := w.zw.Flush(); err != nil {
			return
		}
	}
	_ = http.NewResponseController(w.ResponseWriter).Flush()
}

// finish completes the answer after the handler returned.
func (w *compressWriter) finish() {
	if !w.decided {
		if w.status == 0 {
			if len(w.buf) == 0 && !w.headerSet("Content-Length") {
				// Nothing written: net/http sends its implicit 200, and
				// there is nothing to compress.
				return
			}
			w.status = http.StatusOK
		}
		w.decide(false, 0)
		_ = w.writeHeld()
	}
	if w.zw != nil {
		_ = w.zw.Close() // the client may be gone; nothing left to do then
		w.putEncoder()
	}
}

func (w *compressWriter) headerSet(name string) bool {
	_, ok := w.Header()[name]
	return ok
}

// decidable reports whether the headers alone settle the question: the
// answer cannot be compressed, or it declares its length.
func (w *compressWriter) decidable() bool {
	return !w.eligible(false) || w.Header().Get("Content-Length") != ""
}

// eligible reports whether the answer, as far as its status and headers
// tell, may be compressed; sniff lets it look at the held-back bytes when
// the handler set no Content-Type.
func (w *compressWriter) eligible(sniff bool) bool {
	switch {
	case w.status == http.StatusNoContent, w.status == http.StatusPartialContent, w.status == http.StatusNotModified,
		w.status < 200:
		return false
	}
	h := w.Header()
	if h.Get("Content-Encoding") != "" || h.Get("Content-Range") != "" {
		return false
	}
	for _, v := range h.Values("Cache-Control") {
		if strings.Contains(strings.ToLower(v), "no-transform") {
			return false
		}
	}
	ct, set := h["Content-Type"]
	if !set {
		if !sniff || len(w.buf) == 0 {
			return !sniff // undecided until there are bytes to look at
		}
		// net/http would sniff the compressed bytes: name the type now.
		sniffed := http.DetectContentType(w.buf)
		h.Set("Content-Type", sniffed)
		return CompressibleType(sniffed)
	}
	return len(ct) > 0 && CompressibleType(ct[0])
}

// decide settles the answer's coding, sets its headers and sends them.
// flushing says the handler streams; pending counts body bytes written but
// not held back.
func (w *compressWriter) decide(flushing bool, pending int) {
	w.decided = true
	h := w.Header()
	if w.status == http.StatusNotModified {
		// The 304 carries the Vary the 200 would (RFC 9110, 15.4.5);
		// http.ServeContent drops Content-Type from it, so an answer
		// without one is taken as compressible.
		if ct := h.Get("Content-Type"); ct == "" || CompressibleType(ct) {
			addVary(h, "Accept-Encoding")
		}
		w.notModified(h)
		w.ResponseWriter.WriteHeader(w.status)
		return
	}
	if w.eligible(true) {
		addVary(h, "Accept-Encoding")
		if w.enc != Identity && w.worthIt(h, flushing, pending) {
			w.compressing = w.enc
			h.Set("Content-Encoding", string(w.enc))
			h.Del("Content-Length")
			h.Del("Accept-Ranges")
			if etag := h.Get("ETag"); etag != "" {
				h.Set("ETag", etagFor(etag, w.enc))
			}
			if !w.head {
				w.getEncoder()
			}
		}
	}
	w.ResponseWriter.WriteHeader(w.status)
}

// worthIt reports whether the body is long enough to compress: its
// declared length, else what is held back (a streaming answer always is).
func (w *compressWriter) worthIt(h http.Header, flushing bool, pending int) bool {
	min := w.c.minSize
	if w.identityRefused {
		min = 1
	}
	if cl := h.Get("Content-Length"); cl != "" {
		n, err := strconv.ParseInt(cl, 10, 64)
		return err == nil && n >= int64(min)
	}
	return flushing || len(w.buf)+pending >= min
}

// notModified gives a 304 the ETag the client holds: when it sent the
// handler's ETag with the suffix of the negotiated coding, that one.
func (w *compressWriter) notModified(h http.Header) {
	etag := h.Get("ETag")
	if etag == "" || w.enc == Identity || w.ifNoneMatch == "" {
		return
	}
	suffixed := etagFor(etag, w.enc)
	for tag := range strings.SplitSeq(w.ifNoneMatch, ",") {
		if strings.TrimPrefix(strings.TrimSpace(tag), "W/") == strings.TrimPrefix(suffixed, "W/") {
			h.Set("ETag", suffixed)
			addVary(h, "Accept-Encoding")
			return
		}
	}
}

// writeHeld sends the bytes held back before the decision.
func (w *compressWriter) writeHeld() error {
	if len(w.buf) == 0 {
		return nil
	}
	_, err := w.writeOut(w.buf)
	w.buf = w.buf[:0]
	return err
}

// writeOut writes body bytes after the decision.
func (w *compressWriter) writeOut(p []byte) (int, error) {
	switch {
	case w.compressing == Identity:
		return w.ResponseWriter.Write(p)
	case w.head:
		return len(p), nil // net/http sends no body for HEAD
	default:
		return w.zw.Write(p)
	}
}

func (w *compressWriter) getEncoder() {
	switch w.compressing {
	case Gzip:
		zw := w.c.gzip.Get().(*gzip.Writer)
		zw.Reset(w.ResponseWriter)
		w.zw = zw
	case Zstd:
		zw := w.c.zstd.Get().(*zstd.Encoder)
		zw.Reset(w.ResponseWriter)
		w.zw = zw
	}
}

func (w *compressWriter) putEncoder() {
	switch zw := w.zw.(type) {
	case *gzip.Writer:
		zw.Reset(io.Discard)
		w.c.gzip.Put(zw)
	case *zstd.Encoder:
		zw.Reset(nil)
		w.c.zstd.Put(zw)
	}
	w.zw = nil
}
