package pdf

import (
	"strconv"
	"strings"
	"time"
	"unicode/utf16"
	"unicode/utf8"
)

// producer is the Info dictionary's /Producer and the XMP pdf:Producer.
const producer = "Sozialplattform portal/pdf"

// metadata is what the Info dictionary and the XMP packet both state;
// PDF/A requires the two to agree, so both are written from this.
type metadata struct {
	title, author, subject, creator string
	date                            time.Time
}

func newMetadata(d *Document) metadata {
	return metadata{
		title:   clean(d.Title),
		author:  clean(d.Platform),
		subject: clean(strings.TrimSpace(d.Tenant + " " + d.Reference)),
		creator: clean(d.Platform),
		date:    d.Date,
	}
}

// clean drops control characters, which XML 1.0 cannot carry, and
// replaces invalid UTF-8, so Info and XMP hold the same text.
func clean(s string) string {
	ok := true
	for _, r := range s {
		if r < 0x20 || r == 0x7F || r == utf8.RuneError || r == 0xFFFE || r == 0xFFFF {
			ok = false
			break
		}
	}
	if ok {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			b.WriteByte(' ')
		case r < 0x20 || r == 0x7F || r == 0xFFFE || r == 0xFFFF:
		default:
			b.WriteRune(r) // RuneError is written as U+FFFD
		}
	}
	return b.String()
}

// appendInfo writes the document information dictionary.
func (m *metadata) appendInfo(b []byte) []byte {
	b = append(b, "<< /Title "...)
	b = appendTextString(b, m.title)
	if m.author != "" {
		b = append(b, " /Author "...)
		b = appendTextString(b, m.author)
	}
	if m.subject != "" {
		b = append(b, " /Subject "...)
		b = appendTextString(b, m.subject)
	}
	if m.creator != "" {
		b = append(b, " /Creator "...)
		b = appendTextString(b, m.creator)
	}
	b = append(b, " /Producer "...)
	b = appendTextString(b, producer)
	b = append(b, " /CreationDate ("...)
	b = appendPDFDate(b, m.date)
	b = append(b, ") /ModDate ("...)
	b = appendPDFDate(b, m.date)
	return append(b, ") >>"...)
}

// appendXMP writes the XMP packet: the PDF/A identification (part 2,
// conformance level B) and the Info entries in their XMP equivalents
// (Title = dc:title, Author = dc:creator, Subject = dc:description,
// Creator = xmp:CreatorTool, Producer = pdf:Producer, dates = xmp dates).
func (m *metadata) appendXMP(b []byte) []byte {
	b = append(b, "<?xpacket begin=\"\uFEFF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"+
		"<x:xmpmeta xmlns:x=\"adobe:ns:meta/\">\n"+
		"<rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">\n"+
		"<rdf:Description rdf:about=\"\" xmlns:pdfaid=\"http://www.aiim.org/pdfa/ns/id/\">\n"+
		"<pdfaid:part>2</pdfaid:part>\n<pdfaid:conformance>B</pdfaid:conformance>\n"+
		"</rdf:Description>\n"+
		"<rdf:Description rdf:about=\"\" xmlns:dc=\"http://purl.org/dc/elements/1.1/\">\n"+
		"<dc:format>application/pdf</dc:format>\n"+
		"<dc:title><rdf:Alt><rdf:li xml:lang=\"x-default\">"...)
	b = appendXMLText(b, m.title)
	b = append(b, "</rdf:li></rdf:Alt></dc:title>\n"...)
	if m.author != "" {
		b = append(b, "<dc:creator><rdf:Seq><rdf:li>"...)
		b = appendXMLText(b, m.author)
		b = append(b, "</rdf:li></rdf:Seq></dc:creator>\n"...)
	}
	if m.subject != "" {
		b = append(b, "<dc:description><rdf:Alt><rdf:li xml:lang=\"x-default\">"...)
		b = appendXMLText(b, m.subject)
		b = append(b, "</rdf:li></rdf:Alt></dc:description>\n"...)
	}
	b = append(b, "<dc:language><rdf:Bag><rdf:li>"+docLang+"</rdf:li></rdf:Bag></dc:language>\n"+
		"</rdf:Description>\n"+
		"<rdf:Description rdf:about=\"\" xmlns:xmp=\"http://ns.adobe.com/xap/1.0/\">\n<xmp:CreateDate>"...)
	b = appendXMPDate(b, m.date)
	b = append(b, "</xmp:CreateDate>\n<xmp:ModifyDate>"...)
	b = appendXMPDate(b, m.date)
	b = append(b, "</xmp:ModifyDate>\n"...)
	if m.creator != "" {
		b = append(b, "<xmp:CreatorTool>"...)
		b = appendXMLText(b, m.creator)
		b = append(b, "</xmp:CreatorTool>\n"...)
	}
	b = append(b, "</rdf:Description>\n"+
		"<rdf:Description rdf:about=\"\" xmlns:pdf=\"http://ns.adobe.com/pdf/1.3/\">\n<pdf:Producer>"...)
	b = appendXMLText(b, producer)
	return append(b, "</pdf:Producer>\n</rdf:Description>\n</rdf:RDF>\n</x:xmpmeta>\n"+
		"<?xpacket end=\"w\"?>"...)
}

func appendXMLText(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		default:
			b = append(b, c)
		}
	}
	return b
}

// appendTextString writes a PDF text string: literal when it is printable
// ASCII, otherwise UTF-16BE with a byte order mark, in hex.
func appendTextString(b []byte, s string) []byte {
	ascii := true
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] > 0x7E {
			ascii = false
			break
		}
	}
	if ascii {
		b = append(b, '(')
		for i := 0; i < len(s); i++ {
			if c := s[i]; c == '(' || c == ')' || c == '\\' {
				b = append(b, '\\')
			}
			b = append(b, s[i])
		}
		return append(b, ')')
	}
	b = append(b, "<FEFF"...)
	for _, r := range s {
		if r >= 0x10000 {
			r1, r2 := utf16.EncodeRune(r)
			b = appendHex16(b, uint16(r1))
			b = appendHex16(b, uint16(r2))
			continue
		}
		b = appendHex16(b, uint16(r))
	}
	return append(b, '>')
}

// appendPDFDate writes D:YYYYMMDDHHmmSS+HH'mm'.
func appendPDFDate(b []byte, t time.Time) []byte {
	b = append(b, "D:"...)
	b = t.AppendFormat(b, "20060102150405")
	_, off := t.Zone()
	sign := byte('+')
	if off < 0 {
		sign, off = '-', -off
	}
	b = append(b, sign)
	b = append2(b, off/3600)
	b = append(b, '\'')
	b = append2(b, off%3600/60)
	return append(b, '\'')
}

// appendXMPDate writes the same instant as appendPDFDate in ISO 8601.
func appendXMPDate(b []byte, t time.Time) []byte {
	return t.AppendFormat(b, "2006-01-02T15:04:05-07:00")
}

func append2(b []byte, v int) []byte {
	if v < 10 {
		b = append(b, '0')
	}
	return strconv.AppendInt(b, int64(v), 10)
}
