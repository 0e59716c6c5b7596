// Package uploadcheck decides whether a document a citizen uploads is one
// the clerk can open: a PDF whose structure leads to at least one page
// (package pdf/inspect), or a JPEG or PNG image that decodes completely
// within a pixel budget. The type is decided by the content, never by the
// file name. A refusal is an *Error whose Problem names the reason, so
// that the form can say in the citizen's language what to do.
package uploadcheck

import (
	"bytes"
	"errors"
	"fmt"
	"image/jpeg"
	"image/png"

	"sozialplattform/portal/pdf/inspect"
)

// The accepted types.
const (
	PDF  = "application/pdf"
	PNG  = "image/png"
	JPEG = "image/jpeg"
)

// MaxPixels bounds the images decoded: a 40-megapixel photo of a document
// is far sharper than a clerk needs, and decoding one takes up to 160 MB
// (RGBA). A small file claiming larger dimensions – a decompression bomb –
// is refused before anything is decoded.
const MaxPixels = 40_000_000

// Problem is the reason a file is refused.
type Problem string

const (
	ProblemType      Problem = "type"      // not a PDF, JPEG or PNG
	ProblemDamaged   Problem = "damaged"   // a PDF that does not open: no structure, cut short
	ProblemNoPages   Problem = "noPages"   // a PDF without a page
	ProblemPassword  Problem = "password"  // a PDF that asks for a password
	ProblemImage     Problem = "image"     // an image that does not decode: damaged, cut short
	ProblemTooLarge  Problem = "tooLarge"  // an image of more than MaxPixels
	ProblemEmptyFile Problem = "emptyFile" // no content at all
)

// Error is a refused upload.
type Error struct {
	Problem     Problem
	ContentType string // what the content looked like, "" when unknown
	Pixels      int64  // for ProblemTooLarge: the image's pixel count
	Err         error  // the detail, for logs
}

func (e *Error) Error() string {
	return fmt.Sprintf("upload refused (%s): %v", e.Problem, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// Result describes an accepted file.
type Result struct {
	ContentType   string
	Pages         int // PDF
	Width, Height int // images
}

// Sniff returns the type the content starts like, or "".
func Sniff(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		return PDF
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return PNG
	case bytes.HasPrefix(data, []byte("\xFF\xD8\xFF")):
		return JPEG
	}
	return ""
}

// Check decides whether data is a document the clerk can open.
func Check(data []byte) (Result, error) {
	if len(data) == 0 {
		return Result{}, &Error{Problem: ProblemEmptyFile, Err: errors.New("no content")}
	}
	ct := Sniff(data)
	switch ct {
	case PDF:
		info, err := inspect.Inspect(data)
		if err != nil {
			p := ProblemDamaged
			switch {
			case errors.Is(err, inspect.ErrNoPages):
				p = ProblemNoPages
			case errors.Is(err, inspect.ErrPassword):
				p = ProblemPassword
			}
			return Result{}, &Error{Problem: p, ContentType: ct, Err: err}
		}
		return Result{ContentType: ct, Pages: info.Pages}, nil
	case PNG, JPEG:
		return checkImage(data, ct)
	}
	return Result{}, &Error{Problem: ProblemType, Err: errors.New("neither PDF nor PNG nor JPEG")}
}

// checkImage reads the image's dimensions, refuses more than MaxPixels,
// and decodes it completely: a file cut short or with damaged data fails
// in the decoder, as it would in the clerk's viewer.
func checkImage(data []byte, ct string) (Result, error) {
	decodeConfig, decode := png.DecodeConfig, png.Decode
	if ct == JPEG {
		decodeConfig, decode = jpeg.DecodeConfig, jpeg.Decode
	}
	cfg, err := decodeConfig(bytes.NewReader(data))
	if err != nil {
		return Result{}, &Error{Problem: ProblemImage, ContentType: ct, Err: fmt.Errorf("header: %w", err)}
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Result{}, &Error{Problem: ProblemImage, ContentType: ct, Err: fmt.Errorf("%d×%d pixels", cfg.Width, cfg.Height)}
	}
	if px := int64(cfg.Width) * int64(cfg.Height); px > MaxPixels {
		return Result{}, &Error{Problem: ProblemTooLarge, ContentType: ct, Pixels: px,
			Err: fmt.Errorf("%d×%d pixels, more than %d", cfg.Width, cfg.Height, MaxPixels)}
	}
	if _, err := decode(bytes.NewReader(data)); err != nil {
		return Result{}, &Error{Problem: ProblemImage, ContentType: ct, Err: fmt.Errorf("decode: %w", err)}
	}
	return Result{ContentType: ct, Width: cfg.Width, Height: cfg.Height}, nil
}
