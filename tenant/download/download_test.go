package download_test

import (
	"mime"
	"net/http/httptest"
	"testing"

	"sozialplattform/tenant/download"
)

func TestAttachment(t *testing.T) {
	tests := []struct {
		name, in, want string
		// wantName is what a reader of the header (mime.ParseMediaType, as
		// browsers read filename* before filename) gets back.
		wantName string
	}{
		{"plain ASCII", "bestellungen-2026-12.csv", `attachment; filename="bestellungen-2026-12.csv"`, "bestellungen-2026-12.csv"},
		{"spaces stay", "Antrag 2026.pdf", `attachment; filename="Antrag 2026.pdf"`, "Antrag 2026.pdf"},
		{"umlauts get a UTF-8 name", "Übersicht März.csv",
			`attachment; filename="_bersicht M_rz.csv"; filename*=UTF-8''%C3%9Cbersicht%20M%C3%A4rz.csv`, "Übersicht März.csv"},
		{"quotes cannot end the value", `a"; filename="evil.exe`,
			`attachment; filename="a_; filename=_evil.exe"; filename*=UTF-8''a%22%3B%20filename%3D%22evil.exe`, `a"; filename="evil.exe`},
		{"line breaks cannot start a header", "a\r\nSet-Cookie: x=1.txt", `attachment; filename="a__Set-Cookie: x=1.txt"`, "a__Set-Cookie: x=1.txt"},
		{"no folders", "../../etc/passwd", `attachment; filename=".._.._etc_passwd"`, ".._.._etc_passwd"},
		{"backslash", `C:\Temp\x.pdf`, `attachment; filename="C:_Temp_x.pdf"`, "C:_Temp_x.pdf"},
		{"RFC 8187 encodes what is no attr-char", "a:b=c@d é.txt",
			`attachment; filename="a:b=c@d _.txt"; filename*=UTF-8''a%3Ab%3Dc%40d%20%C3%A9.txt`, "a:b=c@d é.txt"},
		{"invalid UTF-8", "x\xff.csv", `attachment; filename="x_.csv"`, "x_.csv"},
		{"empty", "  ", `attachment; filename="download"`, "download"},
		{"only dots", "..", `attachment; filename="download"`, "download"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := download.Attachment(tt.in)
			if got != tt.want {
				t.Errorf("Attachment(%q) =\n %s\nwant\n %s", tt.in, got, tt.want)
			}
			kind, params, err := mime.ParseMediaType(got)
			if err != nil || kind != "attachment" || params["filename"] != tt.wantName {
				t.Errorf("read back: %q %v %v, want the name %q", kind, params, err, tt.wantName)
			}
		})
	}
}

func TestInline(t *testing.T) {
	if got, want := download.Inline("sozialplattform.ics"), `inline; filename="sozialplattform.ics"`; got != want {
		t.Errorf("Inline = %s, want %s", got, want)
	}
}

func TestWriteSendsAPrivateFile(t *testing.T) {
	tests := []struct{ contentType, wantType string }{
		{"application/pdf", "application/pdf"},
		{"", "application/octet-stream"},
	}
	for _, tt := range tests {
		rec := httptest.NewRecorder()
		download.Write(rec, tt.contentType, "Bescheid.pdf", []byte("%PDF-1.7"))
		h := rec.Header()
		want := map[string]string{
			"Content-Type":            tt.wantType,
			"Content-Disposition":     `attachment; filename="Bescheid.pdf"`,
			"Content-Length":          "8",
			"Cache-Control":           "no-store",
			"X-Content-Type-Options":  "nosniff",
			"Content-Security-Policy": "default-src 'none'; sandbox",
		}
		for k, v := range want {
			if h.Get(k) != v {
				t.Errorf("%s: %s = %q, want %q", tt.contentType, k, h.Get(k), v)
			}
		}
		if rec.Body.String() != "%PDF-1.7" {
			t.Errorf("body %q", rec.Body.String())
		}
	}
}
