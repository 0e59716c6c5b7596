package ui

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

// WriteDownload sends a private file (an attachment, a document of an
// application, a mailbox file) as a download: never cached, never sniffed,
// with the file name as an ASCII fallback and in UTF-8.
func WriteDownload(w http.ResponseWriter, contentType, name string, data []byte) {
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	h := w.Header()
	h.Set("Content-Type", contentType)
	h.Set("Content-Disposition", contentDisposition(name))
	h.Set("Content-Length", strconv.Itoa(len(data)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	_, _ = w.Write(data)
}

// contentDisposition builds an attachment header with an ASCII fallback
// and the UTF-8 name (RFC 6266).
func contentDisposition(name string) string {
	ascii := strings.Map(func(r rune) rune {
		if r < 0x20 || r > 0x7e || r == '"' || r == '\\' {
			return '_'
		}
		return r
	}, name)
	return fmt.Sprintf(`attachment; filename="%s"; filename*=UTF-8''%s`, ascii, url.PathEscape(name))
}
