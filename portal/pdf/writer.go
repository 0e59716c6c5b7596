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
// for the cross-reference data. Between pack and unpack, objects go into
// an object stream instead: out is then the stream's body, and offsets
// holds -(i+1) for the stream's i-th object.
type pdfWriter struct {
	out     []byte
	offsets []int

	packing bool
	file    []byte // the file while out is the object stream's body
	packed  []int  // while packing: object number, offset in the body, …
}

func (w *pdfWriter) begin(obj int) {
	if w.packing {
		w.offsets[obj] = -(len(w.packed)/2 + 1)
		w.packed = append(w.packed, obj, len(w.out))
		return
	}
	w.offsets[obj] = len(w.out)
	w.out = strconv.AppendInt(w.out, int64(obj), 10)
	w.out = append(w.out, " 0 obj\n"...)
}

func (w *pdfWriter) end() {
	if w.packing {
		w.out = append(w.out, '\n')
		return
	}
	w.out = append(w.out, "\nendobj\n"...)
}

// pack starts writing objects into an object stream whose body is kept in
// body.
func (w *pdfWriter) pack(body []byte) {
	w.file, w.out, w.packed, w.packing = w.out, body[:0], w.packed[:0], true
}

// unpack ends the object stream and returns its body and header ("num
// offset num offset …", appended to header).
func (w *pdfWriter) unpack(header []byte) (body, head []byte) {
	for i, v := range w.packed {
		if i > 0 {
			header = append(header, ' ')
		}
		header = strconv.AppendInt(header, int64(v), 10)
	}
	header = append(header, '\n')
	body, w.out, w.file, w.packing = w.out, w.file, nil, false
	return body, header
}

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
	n := elemBase + len(s.tree.elems) // then the object stream and the cross-reference stream
	if cap(s.xref) < n+2 {
		s.xref = make([]int, n+2)
	}
	w := pdfWriter{out: s.out[:0], offsets: s.xref[:n+2], packed: s.packed[:0]}
	defer func() { s.out, s.packed = w.out[:0], w.packed[:0] }()
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

	// The structure tree – several hundred small dictionaries in a long
	// application – goes into one compressed object stream, and so the
	// cross-reference data is a (compressed) stream too; both are PDF 1.5
	// and allowed in PDF/A-2. Written as plain objects with a table they
	// tripled the file.
	objStm, xrefObj := n, n+1
	w.pack(s.body)
	w.writeStructure(&s.tree, elemBase, s.pages)
	var head []byte
	s.body, head = w.unpack(s.misc[:0])
	s.misc = head
	z, err := s.deflate(head, s.body)
	if err != nil {
		return nil, err
	}
	w.begin(objStm)
	w.out = append(w.out, "<< /Type /ObjStm /N "...)
	w.out = strconv.AppendInt(w.out, int64(len(w.packed)/2), 10)
	w.out = append(w.out, " /First "...)
	w.out = strconv.AppendInt(w.out, int64(len(head)), 10)
	w.out = append(w.out, " /Filter /FlateDecode /Length "...)
	w.out = strconv.AppendInt(w.out, int64(len(z)), 10)
	w.out = append(w.out, " >>\nstream\n"...)
	w.out = append(w.out, z...)
	w.out = append(w.out, "\nendstream"...)
	w.end()

	var id [16]byte
	id, s.misc = fileID(d, s.misc)
	xref := len(w.out)
	w.offsets[xrefObj] = xref
	// Entries of type 0 (free), 1 (offset, generation) and 2 (object
	// stream, index), big-endian in the fewest bytes that hold them.
	w2 := byteWidth(max(xref, objStm))
	w3 := max(2, byteWidth(len(w.packed)/2)) // 2 for the free entry's 65535
	rows := s.misc[:0]
	for obj, off := range w.offsets[:xrefObj+1] {
		switch {
		case obj == 0:
			rows = appendEntry(rows, 0, 0, w2, 65535, w3)
		case off < 0:
			rows = appendEntry(rows, 2, objStm, w2, -off-1, w3)
		default:
			rows = appendEntry(rows, 1, off, w2, 0, w3)
		}
	}
	s.misc = rows
	if z, err = s.deflate(rows, nil); err != nil {
		return nil, err
	}
	w.begin(xrefObj)
	w.out = append(w.out, "<< /Type /XRef /Size "...)
	w.out = strconv.AppendInt(w.out, int64(xrefObj+1), 10)
	w.out = append(w.out, " /W [1 "...)
	w.out = strconv.AppendInt(w.out, int64(w2), 10)
	w.out = append(w.out, ' ')
	w.out = strconv.AppendInt(w.out, int64(w3), 10)
	w.out = append(w.out, "] /Root "...)
	w.ref(catalogObj)
	w.out = append(w.out, " /Info "...)
	w.ref(infoObj)
	w.out = append(w.out, " /ID [<"...)
	w.out = appendHexBytes(w.out, id[:])
	w.out = append(w.out, "> <"...)
	w.out = appendHexBytes(w.out, id[:])
	w.out = append(w.out, ">] /Filter /FlateDecode /Length "...)
	w.out = strconv.AppendInt(w.out, int64(len(z)), 10)
	w.out = append(w.out, " >>\nstream\n"...)
	w.out = append(w.out, z...)
	w.out = append(w.out, "\nendstream"...)
	w.end()
	w.out = append(w.out, "startxref\n"...)
	w.out = strconv.AppendInt(w.out, int64(xref), 10)
	w.out = append(w.out, "\n%%EOF\n"...)
	return bytes.Clone(w.out), nil
}

// byteWidth is the number of bytes v needs (at least 1).
func byteWidth(v int) int {
	n := 1
	for v > 0xFF {
		v >>= 8
		n++
	}
	return n
}

// appendEntry appends one cross-reference stream entry.
func appendEntry(b []byte, typ byte, f2, w2, f3, w3 int) []byte {
	b = append(b, typ)
	for i := w2 - 1; i >= 0; i-- {
		b = append(b, byte(f2>>(8*i)))
	}
	for i := w3 - 1; i >= 0; i-- {
		b = append(b, byte(f3>>(8*i)))
	}
	return b
}

func appendHexBytes(b, v []byte) []byte {
	for _, c := range v {
		b = append(b, hexDigits[c>>4], hexDigits[c&15])
	}
	return b
}
