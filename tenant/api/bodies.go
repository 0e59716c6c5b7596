package api

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/danielgtaylor/huma/v2"
)

// Shape limits of a JSON request body. No operation takes more than a few
// hundred entries or five levels; the limits only keep huma's validation
// (which reports every error it finds, and holds the decoded body) cheap.
const (
	// MaxBodyEntries is how many object members and array elements a
	// JSON request body may hold in total.
	MaxBodyEntries = 10000
	// MaxBodyDepth is how deep objects and arrays may nest.
	MaxBodyDepth = 32
)

// CheckBodies returns a huma middleware that looks at a JSON request body
// before huma decodes and validates it, with one pass over the bytes and
// without decoding: more than MaxBodyEntries entries or deeper than
// MaxBodyDepth is refused with 413, a NUL character (\u0000, which neither
// database stores in text) with 422. Everything else passes on unchanged,
// huma reads the same bytes again. Add it after the Guard, so that only
// callers who may use the operation get their bodies read.
func CheckBodies(api huma.API) func(huma.Context, func(huma.Context)) {
	return func(ctx huma.Context, next func(huma.Context)) {
		op := ctx.Operation()
		if op.RequestBody == nil || op.RequestBody.Content["application/json"] == nil || !jsonContent(ctx.Header("Content-Type")) {
			next(ctx)
			return
		}
		if op.BodyReadTimeout > 0 {
			_ = ctx.SetReadDeadline(time.Now().Add(op.BodyReadTimeout))
		}
		size, _ := strconv.ParseInt(ctx.Header("Content-Length"), 10, 64)
		body, err := readUpTo(ctx.BodyReader(), op.MaxBodyBytes, size)
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			huma.WriteErr(api, ctx, http.StatusRequestEntityTooLarge, fmt.Sprintf("Die Anfrage ist zu groß (höchstens %d Byte).", tooLarge.Limit))
			return
		}
		if err == nil && (op.MaxBodyBytes <= 0 || int64(len(body)) < op.MaxBodyBytes) {
			if status, msg := checkShape(body); status != 0 {
				huma.WriteErr(api, ctx, status, msg, &huma.ErrorDetail{Location: "body", Message: msg})
				return
			}
		}
		// A body at huma's limit or a failed read is huma's to answer:
		// it reads the same bytes and, after them, the same error.
		rest := io.Reader(bytes.NewReader(body))
		if err != nil {
			rest = io.MultiReader(rest, errReader{err})
		}
		next(&bodyContext{innerContext: ctx, body: rest})
	}
}

// jsonContent reports whether huma decodes a body of this content type as
// JSON (no type means the operation's, which is JSON here).
func jsonContent(ct string) bool {
	return ct == "" || strings.Contains(ct, "json")
}

// readUpTo reads r up to limit bytes (everything if limit <= 0), into a
// buffer of the announced size, as far as that is plausible.
func readUpTo(r io.Reader, limit, size int64) ([]byte, error) {
	if r == nil {
		return nil, nil
	}
	if limit > 0 {
		r = io.LimitReader(r, limit)
		size = min(size, limit)
	}
	buf := bytes.NewBuffer(make([]byte, 0, min(max(size, 0), 1<<20)+bytes.MinRead))
	_, err := buf.ReadFrom(r)
	return buf.Bytes(), err
}

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// innerContext names the embedded huma.Context, whose own method Context
// would clash with the field name huma.Context.
type innerContext = huma.Context

// bodyContext hands huma the bytes CheckBodies already read.
type bodyContext struct {
	innerContext
	body io.Reader
}

func (c *bodyContext) BodyReader() io.Reader { return c.body }

// Unwrap lets adapters (humago.Unwrap) reach the request underneath.
func (c *bodyContext) Unwrap() huma.Context { return c.innerContext }

// checkShape measures raw JSON in one pass without decoding it: the
// nesting depth, the number of entries (object members and array
// elements) and whether a string holds the escape \u0000. It answers the
// status and message of the first limit crossed, or 0. Malformed JSON is
// left to the decoder.
func checkShape(b []byte) (int, string) {
	depth, entries := 0, 0
	inString, opened := false, false
	for i := 0; i < len(b); i++ {
		c := b[i]
		if inString {
			switch c {
			case '\\':
				if i+5 < len(b) && b[i+1] == 'u' && string(b[i+2:i+6]) == "0000" {
					return http.StatusUnprocessableEntity, "Die Angaben enthalten ein NUL-Zeichen (\\u0000); es kann nicht gespeichert werden."
				}
				i++ // the escaped character cannot end the string
			case '"':
				inString = false
			}
			continue
		}
		if opened && c != ' ' && c != '\t' && c != '\n' && c != '\r' {
			opened = false
			if c != '}' && c != ']' {
				entries++ // the first entry of a non-empty object or array
			}
		}
		switch c {
		case '"':
			inString = true
		case '{', '[':
			depth++
			opened = true
			if depth > MaxBodyDepth {
				return http.StatusRequestEntityTooLarge, fmt.Sprintf("Die Angaben sind tiefer als %d Ebenen verschachtelt.", MaxBodyDepth)
			}
		case '}', ']':
			depth--
		case ',':
			entries++
		}
		if entries > MaxBodyEntries {
			return http.StatusRequestEntityTooLarge, fmt.Sprintf("Die Angaben haben mehr als %d Einträge.", MaxBodyEntries)
		}
	}
	return 0, ""
}
