package uploadcheck

import (
	"bytes"
	"compress/zlib"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"strings"
	"testing"
	"time"

	"sozialplattform/portal/pdf"
)

// photo is a small image with some structure, as a scan would have.
func photo(w, h int) image.Image {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := range h {
		for x := range w {
			img.Set(x, y, color.RGBA{uint8(x * 7), uint8(y * 5), uint8(x ^ y), 255})
		}
	}
	return img
}

func encodePNG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func encodeJPEG(t testing.TB, img image.Image) []byte {
	var b bytes.Buffer
	if err := jpeg.Encode(&b, img, &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// pngBomb is a PNG of a few hundred bytes that claims w×h pixels of
// grey: its data inflates to w×h bytes (here only the first rows exist).
func pngBomb(w, h uint32) []byte {
	chunk := func(b *bytes.Buffer, typ string, data []byte) {
		binary.Write(b, binary.BigEndian, uint32(len(data)))
		crc := crc32.NewIEEE()
		crc.Write([]byte(typ))
		crc.Write(data)
		b.WriteString(typ)
		b.Write(data)
		binary.Write(b, binary.BigEndian, crc.Sum32())
	}
	var b bytes.Buffer
	b.WriteString("\x89PNG\r\n\x1a\n")
	ihdr := make([]byte, 13)
	binary.BigEndian.PutUint32(ihdr, w)
	binary.BigEndian.PutUint32(ihdr[4:], h)
	ihdr[8], ihdr[9] = 8, 0 // 8-bit greyscale
	chunk(&b, "IHDR", ihdr)
	var z bytes.Buffer
	zw := zlib.NewWriter(&z)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	chunk(&b, "IDAT", z.Bytes())
	chunk(&b, "IEND", nil)
	return b.Bytes()
}

func minimalPDF(kids string, count int) []byte {
	var b bytes.Buffer
	b.WriteString("%PDF-1.7\n")
	var offs []int
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", kids, count),
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>",
	}
	for i, o := range objs {
		offs = append(offs, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	x := b.Len()
	fmt.Fprintf(&b, "xref\n0 4\n0000000000 65535 f \n")
	for _, o := range offs {
		fmt.Fprintf(&b, "%010d 00000 n \n", o)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size 4 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", x)
	return b.Bytes()
}

// TestCheck is the specification of what the clerk receives.
func TestCheck(t *testing.T) {
	r, err := pdf.NewRenderer()
	if err != nil {
		t.Fatal(err)
	}
	application, err := r.Render(&pdf.Document{Title: "Antrag", Tenant: "Landkreis Harz", Date: time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)})
	if err != nil {
		t.Fatal(err)
	}
	jpg := encodeJPEG(t, photo(64, 48))
	pngFile := encodePNG(t, photo(64, 48))
	onePage := minimalPDF("3 0 R", 1)
	for _, tc := range []struct {
		name    string
		data    []byte
		ct      string
		problem Problem
	}{
		{"a PDF with one page", onePage, PDF, ""},
		{"the portal's own application PDF", application, PDF, ""},
		{"a JPEG photo", jpg, JPEG, ""},
		{"a PNG scan", pngFile, PNG, ""},
		{"a JPEG with bytes after its end", append(bytes.Clone(jpg), "trailing"...), JPEG, ""},

		{"nothing", nil, "", ProblemEmptyFile},
		{"HTML", []byte("<html><script>alert(1)</script></html>"), "", ProblemType},
		{"a Windows program named .pdf", append([]byte("MZ\x90\x00"), make([]byte, 200)...), "", ProblemType},
		{"a ZIP archive", []byte("PK\x03\x04" + strings.Repeat("\x00", 60)), "", ProblemType},
		{"HTML behind a PDF header (47 bytes)", []byte("%PDF-1.4\n<html><script>alert(1)</script></html>"), PDF, ProblemDamaged},
		{"a PDF cut short", onePage[:len(onePage)/2], PDF, ProblemDamaged},
		{"a PDF with zero pages", minimalPDF("", 0), PDF, ProblemNoPages},
		{"a PDF that asks for a password", bytes.Replace(onePage, []byte("/Root 1 0 R"), []byte("/Root 1 0 R /Encrypt << /Filter /Adobe.PubSec /V 4 /R 4 >>"), 1), PDF, ProblemPassword},
		{"a JPEG cut to 91 bytes", jpg[:91], JPEG, ProblemImage},
		{"a JPEG cut in its image data", jpg[:len(jpg)*2/3], JPEG, ProblemImage},
		{"a PNG cut short", pngFile[:len(pngFile)-20], PNG, ProblemImage},
		{"a PNG with a damaged chunk", bytes.Replace(pngFile, []byte("IDAT"), []byte("IDAt"), 1), PNG, ProblemImage},
		{"a PNG header and nothing else", []byte("\x89PNG\r\n\x1a\n" + strings.Repeat("\x00", 64)), PNG, ProblemImage},
		{"a PNG of 100000×100000 pixels in a few KB", pngBomb(100_000, 100_000), PNG, ProblemTooLarge},
		{"a PNG just over the budget", pngBomb(8000, 5001), PNG, ProblemTooLarge},
		{"a PNG within the budget whose data runs out", pngBomb(2000, 2000), PNG, ProblemImage},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := Check(tc.data)
			var e *Error
			switch {
			case tc.problem == "" && err != nil:
				t.Fatalf("refused: %v", err)
			case tc.problem == "" && res.ContentType != tc.ct:
				t.Errorf("type %q, want %q", res.ContentType, tc.ct)
			case tc.problem != "" && !errors.As(err, &e):
				t.Fatalf("Check = %+v, %v; want problem %s", res, err, tc.problem)
			case tc.problem != "" && (e.Problem != tc.problem || e.ContentType != tc.ct):
				t.Errorf("problem %s (type %q), want %s (type %q): %v", e.Problem, e.ContentType, tc.problem, tc.ct, err)
			}
		})
	}
}

func TestResultDescribesTheFile(t *testing.T) {
	res, err := Check(encodePNG(t, photo(64, 48)))
	if err != nil || res.Width != 64 || res.Height != 48 {
		t.Errorf("PNG: %+v %v", res, err)
	}
	res, err = Check(minimalPDF("3 0 R 3 0 R", 2))
	if err != nil || res.Pages != 1 { // the same page twice is one page
		t.Errorf("PDF: %+v %v", res, err)
	}
	var e *Error
	if _, err := Check(pngBomb(100_000, 100_000)); !errors.As(err, &e) || e.Pixels != 10_000_000_000 {
		t.Errorf("bomb: %v", err)
	}
}

func BenchmarkCheck(b *testing.B) {
	for _, bc := range []struct {
		name string
		data []byte
	}{{"jpeg-1200x1600", encodeJPEG(b, photo(1200, 1600))}, {"pdf-1-page", minimalPDF("3 0 R", 1)}} {
		b.Run(bc.name, func(b *testing.B) {
			b.SetBytes(int64(len(bc.data)))
			for b.Loop() {
				if _, err := Check(bc.data); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
