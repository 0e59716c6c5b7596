package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
	"github.com/klauspost/compress/zstd"
)

// StaticBody is a body held in memory (an embedded stylesheet, a page the
// portal keeps for a few seconds) together with its gzip and zstd forms,
// each compressed once, on the first request that can use it, and kept.
// The KERN stylesheet (340 KB) thus costs its compression once per process
// instead of per request, and the start of the process nothing.
type StaticBody struct {
	body         []byte
	etag         string // quoted, of the identity body
	compressible bool
	pc           *Precompressor // nil: the best levels, with encoders of its own
	variants     [len(encodingPreference)]staticVariant
}

type staticVariant struct {
	once sync.Once
	data []byte // nil when the coding does not save at least 10 %
}

// NewStaticBody wraps body, of the given Content-Type, whose identity ETag
// (quoted) is etag. Its compressed forms are made at the best levels with
// encoders made for the purpose – worth it for files kept as long as the
// process (about 4 ms for gzip and 25 ms for zstd on a 13 KB page, mostly
// the encoders' set-up); for bodies kept briefly use a Precompressor.
func NewStaticBody(body []byte, contentType, etag string) *StaticBody {
	return &StaticBody{body: body, etag: etag, compressible: CompressibleType(contentType)}
}

// Precompressor makes StaticBodies and GzipTemplates for bodies kept
// briefly (the portal's page cache keeps a page ten seconds): their
// compressed forms come from pooled encoders at the default levels, some
// 50 µs for a 13 KB page, instead of the best levels' costly set-up.
type Precompressor struct {
	gzip  sync.Pool // *gzip.Writer
	zstd  sync.Pool // *zstd.Encoder
	flate sync.Pool // *flate.Writer, for GzipTemplate
}

// NewPrecompressor returns a Precompressor with empty pools.
func NewPrecompressor() *Precompressor {
	pc := &Precompressor{}
	pc.gzip.New = func() any {
		zw, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression) // the level is valid
		return zw
	}
	pc.flate.New = func() any {
		fw, _ := flate.NewWriter(nil, flate.DefaultCompression) // the level is valid
		return fw
	}
	pc.zstd.New = func() any {
		zw, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedDefault), zstd.WithEncoderConcurrency(1),
			zstd.WithWindowSize(zstdWindow), zstd.WithLowerEncoderMem(true))
		if err != nil { // the options are constants
			panic("web: zstd encoder: " + err.Error())
		}
		return zw
	}
	return pc
}

// Body wraps body like NewStaticBody, to be compressed with pc's encoders.
func (pc *Precompressor) Body(body []byte, contentType, etag string) *StaticBody {
	sb := NewStaticBody(body, contentType, etag)
	sb.pc = pc
	return sb
}

// compress compresses body with a pooled encoder.
func (pc *Precompressor) compress(enc Encoding, body []byte) []byte {
	var buf bytes.Buffer
	buf.Grow(len(body) / 3)
	switch enc {
	case Gzip:
		zw := pc.gzip.Get().(*gzip.Writer)
		zw.Reset(&buf)
		_, _ = zw.Write(body) // writes to a bytes.Buffer do not fail
		_ = zw.Close()
		zw.Reset(nil)
		pc.gzip.Put(zw)
	case Zstd:
		zw := pc.zstd.Get().(*zstd.Encoder)
		out := zw.EncodeAll(body, buf.Bytes())
		pc.zstd.Put(zw)
		return out
	default:
		return nil
	}
	return buf.Bytes()
}

// Serve answers r with the body in the coding the request negotiates (a
// range request always gets the identity body), through http.ServeContent:
// conditional requests, HEAD and ranges work as there; an If-None-Match
// naming the body in any coding is answered 304. It sets Vary,
// Content-Encoding and the coding's ETag (see etagFor); the caller sets
// Content-Type and Cache-Control before. Compress passes such an answer on
// untouched.
func (s *StaticBody) Serve(w http.ResponseWriter, r *http.Request, name string, modTime time.Time) {
	h := w.Header()
	body, etag := s.body, s.etag
	if s.compressible {
		addVary(h, "Accept-Encoding")
		// Every coding's ETag names the same body: a client holding any
		// of them has it (a browser that cached the gzip form and now
		// offers zstd as well).
		if held := s.heldETag(r); held != "" {
			h.Set("ETag", held)
			w.WriteHeader(http.StatusNotModified)
			return
		}
		if enc, _ := NegotiateEncoding(r.Header); enc != Identity && r.Header.Get("Range") == "" {
			if data := s.variant(enc); data != nil {
				body, etag = data, etagFor(s.etag, enc)
				h.Set("Content-Encoding", string(enc))
				// http.ServeContent leaves the length of an encoded body
				// out; HEAD should tell it as GET does. A precondition
				// that could fail (412, no body) keeps it out.
				if r.Header.Get("If-Match") == "" && r.Header.Get("If-Unmodified-Since") == "" {
					h.Set("Content-Length", strconv.Itoa(len(data)))
				}
			}
		}
	}
	h.Set("ETag", etag)
	if h.Get("Content-Type") != "" && r.Header.Get("Range") == "" && r.Header.Get("If-Match") == "" &&
		r.Header.Get("If-Unmodified-Since") == "" && r.Header.Get("If-Modified-Since") == "" {
		// Nothing for http.ServeContent to decide: write the body at
		// once, at a fifth of its cost.
		if !modTime.IsZero() {
			h.Set("Last-Modified", modTime.UTC().Format(http.TimeFormat))
		}
		if h.Get("Content-Encoding") == "" {
			h.Set("Accept-Ranges", "bytes")
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		w.WriteHeader(http.StatusOK)
		if r.Method != http.MethodHead {
			_, _ = w.Write(body)
		}
		return
	}
	http.ServeContent(w, r, name, modTime, bytes.NewReader(body))
}

// heldETag returns the ETag from the request's If-None-Match that names
// this body in some coding (weak comparison, RFC 9110, 13.1.2), or "".
func (s *StaticBody) heldETag(r *http.Request) string {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		return ""
	}
	for _, v := range r.Header.Values("If-None-Match") {
		for tag := range strings.SplitSeq(v, ",") {
			tag = strings.TrimPrefix(strings.TrimSpace(tag), "W/")
			if tag == "*" {
				return s.etag
			}
			if base, _ := etagBase(tag); base == s.etag {
				return tag
			}
		}
	}
	return ""
}

// variant returns the body in coding enc, compressing it on first use.
func (s *StaticBody) variant(enc Encoding) []byte {
	for i, e := range encodingPreference {
		if e != enc {
			continue
		}
		v := &s.variants[i]
		v.once.Do(func() {
			var data []byte
			if s.pc != nil {
				data = s.pc.compress(enc, s.body)
			} else {
				data = compressOnce(enc, s.body)
			}
			if len(data) < len(s.body)*9/10 {
				v.data = data
			}
		})
		return v.data
	}
	return nil
}

// compressOnce compresses body at the coding's best level, for bodies
// that are compressed once and served often.
func compressOnce(enc Encoding, body []byte) []byte {
	switch enc {
	case Gzip:
		var buf bytes.Buffer
		zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
		_, _ = zw.Write(body)                                    // writes to a bytes.Buffer do not fail
		_ = zw.Close()
		return buf.Bytes()
	case Zstd:
		zw, err := zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedBestCompression), zstd.WithEncoderConcurrency(1),
			zstd.WithWindowSize(zstdWindow))
		if err != nil {
			return nil
		}
		defer zw.Close()
		return zw.EncodeAll(body, make([]byte, 0, len(body)/3))
	}
	return nil
}
