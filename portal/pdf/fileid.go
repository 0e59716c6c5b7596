package pdf

import (
	"crypto/sha256"
	"strconv"
)

// fileID returns the file identifier (the trailer's /ID, which PDF/A
// requires): a digest of everything the document shows, so the same
// document always gets the same identifier and any other gets another.
// It digests the Document rather than the finished file, which is several
// times larger; the file is a function of the Document. buf is scratch
// space and is returned for reuse.
func fileID(d *Document, buf []byte) (id [16]byte, _ []byte) {
	b := append(buf[:0], "sozialplattform-pdf/1"...)
	str := func(s string) {
		b = strconv.AppendInt(b, int64(len(s)), 10)
		b = append(b, ':')
		b = append(b, s...)
	}
	str(d.Title)
	str(d.Tenant)
	b = strconv.AppendInt(b, int64(len(d.Address)), 10)
	for _, a := range d.Address {
		str(a)
	}
	str(d.Reference)
	b = d.Date.AppendFormat(b, "2006-01-02T15:04:05.999999999-07:00")
	str(d.Version)
	b = strconv.AppendBool(b, d.Draft)
	str(d.Platform)
	str(d.CitizenLang)
	str(d.Language)
	b = strconv.AppendInt(b, int64(len(d.Sections)), 10)
	for _, s := range d.Sections {
		str(s.Title)
		b = strconv.AppendInt(b, int64(len(s.Rows)), 10)
		for _, r := range s.Rows {
			str(r.Label)
			str(r.Value)
			b = strconv.AppendBool(b, r.Heading)
			b = strconv.AppendInt(b, int64(len(r.Items)), 10)
			for _, it := range r.Items {
				str(it)
			}
		}
	}
	sum := sha256.Sum256(b)
	copy(id[:], sum[:16])
	return id, b
}
