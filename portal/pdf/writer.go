package pdf

import (
	"bytes"
	"fmt"
	"strconv"
)

// Object numbers; page i (from 0) is object pageObj+2i, its content the
// next one; the structure elements follow the pages.
const (
	catalogObj = 1 + iota
	pagesObj
	infoObj
	metadataObj
	iccObj
	fontObj       // Type0 font, /F1 on every page
	cidFontObj    // its descendant CIDFontType2
	descriptorObj // font descriptor
	fontFileObj   // the embedded TrueType subset
	toUnicodeObj  // CMap from glyphs back to characters
	structRootObj // the structure tree root
	parentTreeObj // marked content → structure element, per page
	pageObj
)

// mediaBox is A4 in points.
const mediaBox = "[0 0 595.28 841.89]"

// pdfWriter appends numbered objects to out and remembers their offsets
// for the cross-reference table.
type pdfWriter struct {
	out     []byte
	offsets []int
}

func (w *pdfWriter) begin(obj int) {
	w.offsets[obj] = len(w.out)
	w.out = strconv.AppendInt(w.out, int64(obj), 10)
	w.out = append(w.out, " 0 obj\n"...)
}

func (w *pdfWriter) end() { w.out = append(w.out, "\nendobj\n"...) }

// stream writes a stream object; dict holds the entries besides /Length.
func (w *pdfWriter) stream(obj int, dict string, data []byte) {
	w.begin(obj)
	w.out = append(w.out, "<< "...)
	w.out = append(w.out, dict...)
	w.out = append(w.out, " /Length "...)
	w.out = strconv.AppendInt(w.out, int64(len(data)), 10)
	w.out = append(w.out, " >>\nstream\n"...)
	w.out = append(w.out, data...)
	w.out = append(w.out, "\nendstream"...)
	w.end()
}

func (w *pdfWriter) ref(obj int) {
	w.out = strconv.AppendInt(w.out, int64(obj), 10)
	w.out = append(w.out, " 0 R"...)
}

// deflate compresses a and then b into one zlib stream held in s.z, valid
// until the next call.
func (s *scratch) deflate(a, b []byte) ([]byte, error) {
	s.z.Reset()
	s.zw.Reset(&s.z)
	if _, err := s.zw.Write(a); err != nil {
		return nil, fmt.Errorf("compress: %w", err)
	}
	if _, err := s.zw.Write(b); err != nil {
		return nil, fmt.Errorf("compress: %w", err)
	}
	if err := s.zw.Close(); err != nil {
		return nil, fmt.Errorf("compress: %w", err)
	}
	return s.z.Bytes(), nil
}

// write assembles the PDF from the laid-out pages in s.canvas.
func (s *scratch) write(d *Document, f *font, icc []byte) ([]byte, error) {
	c := &s.canvas
	f.addComponents(c.used)

	elemBase := pageObj + 2*len(s.pages)
	n := elemBase + len(s.tree.elems)
	if cap(s.xref) < n {
		s.xref = make([]int, n)
	}
	w := pdfWriter{out: s.out[:0], offsets: s.xref[:n]}
	defer func() { s.out = w.out[:0] }()
	// A binary comment as the second line tells transfer programs that the
	// file is binary (PDF/A requires it).
	w.out = append(w.out, "%PDF-1.7\n%\xE2\xE3\xCF\xD3\n"...)

	w.begin(catalogObj)
	w.out = append(w.out, "<< /Type /Catalog /Pages "...)
	w.ref(pagesObj)
	w.out = append(w.out, " /Metadata "...)
	w.ref(metadataObj)
	// Tagged PDF: the structure tree, and /Marked true, which says the
	// content is marked up to it.
	w.out = append(w.out, " /StructTreeRoot "...)
	w.ref(structRootObj)
	w.out = append(w.out, " /MarkInfo << /Marked true >> /Lang ("+docLang+") /ViewerPreferences << /DisplayDocTitle true >>"+
		" /OutputIntents [<< /Type /OutputIntent /S /GTS_PDFA1 /OutputConditionIdentifier ("+iccDescription+")"+
		" /Info ("+iccDescription+") /RegistryName (http://www.color.org) /DestOutputProfile "...)
	w.ref(iccObj)
	w.out = append(w.out, " >>] >>"...)
	w.end()

	w.begin(pagesObj)
	w.out = append(w.out, "<< /Type /Pages /Count "...)
	w.out = strconv.AppendInt(w.out, int64(len(s.pages)), 10)
	w.out = append(w.out, " /Kids ["...)
	for i := range s.pages {
		if i > 0 {
			w.out = append(w.out, ' ')
		}
		w.ref(pageObj + 2*i)
	}
	w.out = append(w.out, "] >>"...)
	w.end()

	m := newMetadata(d)
	w.begin(infoObj)
	w.out = m.appendInfo(w.out)
	w.end()
	// PDF/A wants the metadata readable without a PDF parser: no filter.
	s.misc = m.appendXMP(s.misc[:0])
	w.stream(metadataObj, "/Type /Metadata /Subtype /XML", s.misc)
	w.stream(iccObj, "/N 3 /Filter /FlateDecode", icc)

	if err := s.writeFont(&w, f); err != nil {
		return nil, err
	}

	for i, p := range s.pages {
		obj := pageObj + 2*i
		w.begin(obj)
		w.out = append(w.out, "<< /Type /Page /Parent "...)
		w.ref(pagesObj)
		w.out = append(w.out, " /MediaBox "+mediaBox+" /Resources << /Font << /F1 "...)
		w.ref(fontObj)
		w.out = append(w.out, " >> >> /Contents "...)
		w.ref(obj + 1)
		// /StructParents is the page's key in the parent tree; /Tabs /S
		// orders any annotations by the structure.
		w.out = append(w.out, " /StructParents "...)
		w.out = strconv.AppendInt(w.out, int64(i), 10)
		w.out = append(w.out, " /Tabs /S >>"...)
		w.end()
		z, err := s.deflate(c.buf[p.body[0]:p.body[1]], c.buf[p.foot[0]:p.foot[1]])
		if err != nil {
			return nil, err
		}
		w.stream(obj+1, "/Filter /FlateDecode", z)
	}

	w.writeStructure(&s.tree, elemBase, s.pages)

	var id [16]byte
	id, s.misc = fileID(d, s.misc)
	xref := len(w.out)
	w.out = append(w.out, "xref\n0 "...)
	w.out = strconv.AppendInt(w.out, int64(n), 10)
	w.out = append(w.out, "\n0000000000 65535 f \n"...)
	for _, off := range w.offsets[1:] {
		w.out = appendPadded(w.out, off, 10)
		w.out = append(w.out, " 00000 n \n"...)
	}
	w.out = append(w.out, "trailer\n<< /Size "...)
	w.out = strconv.AppendInt(w.out, int64(n), 10)
	w.out = append(w.out, " /Root "...)
	w.ref(catalogObj)
	w.out = append(w.out, " /Info "...)
	w.ref(infoObj)
	w.out = append(w.out, " /ID [<"...)
	w.out = appendHexBytes(w.out, id[:])
	w.out = append(w.out, "> <"...)
	w.out = appendHexBytes(w.out, id[:])
	w.out = append(w.out, ">] >>\nstartxref\n"...)
	w.out = strconv.AppendInt(w.out, int64(xref), 10)
	w.out = append(w.out, "\n%%EOF\n"...)
	return bytes.Clone(w.out), nil
}

func appendPadded(b []byte, v, width int) []byte {
	var d [20]byte
	i := len(d)
	for ; v > 0 || i == len(d); v /= 10 {
		i--
		d[i] = byte('0' + v%10)
	}
	for range width - (len(d) - i) {
		b = append(b, '0')
	}
	return append(b, d[i:]...)
}

func appendHexBytes(b, v []byte) []byte {
	for _, c := range v {
		b = append(b, hexDigits[c>>4], hexDigits[c&15])
	}
	return b
}
