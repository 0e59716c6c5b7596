// Package download is how the platform hands out a file – a CSV export, an
// attachment, a document of an application, a calendar: the
// Content-Disposition header with a file name every browser reads right
// (RFC 6266, the UTF-8 name per RFC 8187 beside an ASCII fallback), and
// for private files the headers that keep them out of caches and stop
// browsers from guessing their type. The console, the portal and the API
// all use it, so that a name with quotes, umlauts or line breaks cannot
// break the header in one of them.
package download

import (
	"net/http"
	"strconv"
	"strings"
)

// fallbackName replaces an empty or unusable file name.
const fallbackName = "download"

// Attachment is the Content-Disposition value that saves the file as name.
func Attachment(name string) string { return disposition("attachment", name) }

// Inline is the Content-Disposition value that shows the file (a calendar
// feed) and names it name when it is saved.
func Inline(name string) string { return disposition("inline", name) }

// Private sets the headers of a private file (an export, an attachment, a
// document of an application) sent as a download: its type (octet-stream
// when empty), the attachment name, never stored by a cache, never sniffed,
// and sandboxed should a browser show it after all.
func Private(h http.Header, contentType, name string) {
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", Attachment(name))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
}

// Write sends data as a private file (see Private) with its length.
func Write(w http.ResponseWriter, contentType, name string, data []byte) {
	Private(w.Header(), contentType, name)
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	_, _ = w.Write(data)
}

// disposition builds the header value: the name cleaned of what no file
// name holds (control characters, path separators), as a quoted ASCII
// fallback, and – when the name is not plain ASCII – once more in UTF-8,
// which browsers prefer.
func disposition(kind, name string) string {
	name = clean(name)
	ascii := strings.Map(func(r rune) rune {
		if r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	v := kind + `; filename="` + ascii + `"`
	if ascii != name {
		v += "; filename*=UTF-8''" + extValue(name)
	}
	return v
}

// clean makes name a plain file name: valid UTF-8, without control
// characters and path separators, trimmed; "download" when nothing is left.
func clean(name string) string {
	name = strings.ToValidUTF8(name, "_")
	name = strings.Map(func(r rune) rune {
		switch {
		case r < 0x20, r == 0x7f, r >= 0x80 && r < 0xa0, r == '/', r == '\\':
			return '_'
		}
		return r
	}, name)
	name = strings.TrimSpace(name)
	if name == "" || strings.Trim(name, "._") == "" {
		return fallbackName
	}
	return name
}

// extValue percent-encodes s as an RFC 8187 value: every octet that is not
// an attr-char.
func extValue(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if attrChar(c) {
			b.WriteByte(c)
			continue
		}
		const hex = "0123456789ABCDEF"
		b.WriteByte('%')
		b.WriteByte(hex[c>>4])
		b.WriteByte(hex[c&15])
	}
	return b.String()
}

// attrChar reports RFC 8187's attr-char: ALPHA, DIGIT and !#$&+-.^_`|~.
func attrChar(c byte) bool {
	switch {
	case 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return true
	}
	return strings.IndexByte("!#$&+-.^_`|~", c) >= 0
}
