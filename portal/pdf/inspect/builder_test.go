package inspect

import (
	"bytes"
	"compress/zlib"
	"fmt"
	"regexp"
	"strconv"
	"strings"
)

// builder writes small PDFs the way real producers do, for the tests: a
// classic cross-reference table, or (compressed) the objects in an object
// stream and a cross-reference stream with a PNG predictor; and
// incremental updates appended to a finished file.
type builder struct {
	objs       map[int]string // object number → object text (without "n 0 obj")
	compressed bool
}

// document returns the objects of a PDF with pages pages: 1 catalog,
// 2 page tree, 3… the pages, each with a content stream.
func document(pages int) map[int]string {
	objs := map[int]string{1: "<< /Type /Catalog /Pages 2 0 R >>"}
	var kids []string
	for i := range pages {
		page, content := 3+2*i, 4+2*i
		kids = append(kids, fmt.Sprintf("%d 0 R", page))
		objs[page] = fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents %d 0 R >>", content)
		text := fmt.Sprintf("BT /F1 12 Tf 72 720 Td (Seite %d) Tj ET", i+1)
		objs[content] = fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(text), text)
	}
	objs[2] = fmt.Sprintf("<< /Type /Pages /Count %d /Kids [%s] >>", pages, strings.Join(kids, " "))
	return objs
}

func deflate(b []byte) []byte {
	var z bytes.Buffer
	w := zlib.NewWriter(&z)
	w.Write(b)
	w.Close()
	return z.Bytes()
}

// bytes writes the file; trailer holds extra trailer entries.
func (b *builder) bytes(trailer string) []byte {
	var out bytes.Buffer
	out.WriteString("%PDF-1.7\n%\xE2\xE3\xCF\xD3\n")
	size := 0
	for n := range b.objs {
		size = max(size, n+1)
	}
	offsets := map[int]int{}
	inStream := map[int]int{} // object → index in the object stream
	streamObj := size
	if b.compressed {
		// objects that are not streams go into one object stream
		var head, body strings.Builder
		idx := 0
		for n := 1; n < size; n++ {
			o, ok := b.objs[n]
			if !ok || strings.Contains(o, "stream\n") {
				continue
			}
			fmt.Fprintf(&head, "%d %d ", n, body.Len())
			body.WriteString(o + "\n")
			inStream[n] = idx
			idx++
		}
		data := deflate([]byte(head.String() + body.String()))
		b.objs[streamObj] = fmt.Sprintf("<< /Type /ObjStm /N %d /First %d /Filter /FlateDecode /Length %d >>\nstream\n%s\nendstream",
			idx, head.Len(), len(data), data)
		size++
	}
	for n := 1; n < size; n++ {
		o, ok := b.objs[n]
		if _, packed := inStream[n]; !ok || packed {
			continue
		}
		offsets[n] = out.Len()
		fmt.Fprintf(&out, "%d 0 obj\n%s\nendobj\n", n, o)
	}
	xref := out.Len()
	if !b.compressed {
		fmt.Fprintf(&out, "xref\n0 %d\n0000000000 65535 f \n", size)
		for n := 1; n < size; n++ {
			if off, ok := offsets[n]; ok {
				fmt.Fprintf(&out, "%010d 00000 n \n", off)
			} else {
				out.WriteString("0000000000 65535 f \n")
			}
		}
		fmt.Fprintf(&out, "trailer\n<< /Size %d /Root 1 0 R %s >>\nstartxref\n%d\n%%%%EOF\n", size, trailer, xref)
		return out.Bytes()
	}
	// a cross-reference stream, W [1 4 2], rows PNG-"Up"-predicted as
	// most producers write them
	xrefObj := size
	offsets[xrefObj] = xref
	size++
	var rows []byte
	prev := make([]byte, 7)
	for n := range size {
		row := make([]byte, 7)
		switch {
		case offsets[n] > 0:
			row[0] = 1
			copy(row[1:5], []byte{byte(offsets[n] >> 24), byte(offsets[n] >> 16), byte(offsets[n] >> 8), byte(offsets[n])})
		case n > 0 && b.objs[n] != "":
			row[0] = 2
			row[4] = byte(streamObj)
			row[6] = byte(inStream[n])
		}
		rows = append(rows, 2) // "Up"
		for i := range row {
			rows = append(rows, row[i]-prev[i])
		}
		prev = row
	}
	data := deflate(rows)
	fmt.Fprintf(&out, "%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R %s /Filter /FlateDecode /DecodeParms << /Predictor 12 /Columns 7 >> /Length %d >>\nstream\n",
		xrefObj, size, trailer, len(data))
	out.Write(data)
	fmt.Fprintf(&out, "\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n", xref)
	return out.Bytes()
}

// update appends an incremental update that replaces or adds objects.
func update(file []byte, objs map[int]string) []byte {
	out := bytes.Clone(file)
	prev := bytes.LastIndex(out, []byte("startxref\n"))
	prevXref, _ := strconv.Atoi(strings.Fields(string(out[prev+10:]))[0])
	size := 0
	if m := regexp.MustCompile(`/Size (\d+)`).FindAllSubmatch(out, -1); m != nil {
		size, _ = strconv.Atoi(string(m[len(m)-1][1]))
	}
	offsets := map[int]int{}
	for n, o := range objs {
		offsets[n] = len(out)
		out = fmt.Appendf(out, "%d 0 obj\n%s\nendobj\n", n, o)
		size = max(size, n+1)
	}
	xref := len(out)
	out = append(out, "xref\n"...)
	for n := range size {
		if off, ok := offsets[n]; ok {
			out = fmt.Appendf(out, "%d 1\n%010d 00000 n \n", n, off)
		}
	}
	return fmt.Appendf(out, "trailer\n<< /Size %d /Root 1 0 R /Prev %d >>\nstartxref\n%d\n%%%%EOF\n", size, prevXref, xref)
}
