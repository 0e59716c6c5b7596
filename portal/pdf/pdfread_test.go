package pdf

import (
	"bytes"
	"compress/zlib"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// parsed is a PDF read back through its cross-reference stream – just
// enough of a reader to check the structure this package writes.
type parsed struct {
	raw     []byte
	objects map[int][]byte // object number → text between "obj" and "endobj" (for packed objects: the object)
	packed  map[int]bool   // objects stored in the object stream
	trailer string         // the cross-reference stream's dictionary
}

var (
	startxrefRE = regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`)
	wRE         = regexp.MustCompile(`/W \[(\d) (\d) (\d)\]`)
	sizeRE      = regexp.MustCompile(`/Size (\d+)`)
)

// readPDF checks the cross-reference stream (every offset points at its
// object, every packed object is in the object stream) and splits the file
// into objects.
func readPDF(t *testing.T, raw []byte) *parsed {
	t.Helper()
	m := startxrefRE.FindSubmatch(raw)
	if m == nil {
		t.Fatalf("no startxref/%%%%EOF at the end")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	p := &parsed{raw: raw, objects: map[int][]byte{}, packed: map[int]bool{}}
	head := regexp.MustCompile(`^(\d+) 0 obj\n`).FindSubmatch(raw[min(xref, len(raw)):])
	if head == nil {
		t.Fatalf("startxref %d does not point at an object", xref)
	}
	xrefObj, _ := strconv.Atoi(string(head[1]))
	p.objects[xrefObj] = objectBody(t, raw, xref, xrefObj)
	p.trailer = p.dict(xrefObj)
	if !strings.Contains(p.trailer, "/Type /XRef") {
		t.Fatalf("startxref points at %s, not a cross-reference stream", p.trailer)
	}
	w := wRE.FindStringSubmatch(p.trailer)
	sz := sizeRE.FindStringSubmatch(p.trailer)
	if w == nil || sz == nil {
		t.Fatalf("cross-reference stream without /W or /Size: %s", p.trailer)
	}
	var width [3]int
	for i := range width {
		width[i], _ = strconv.Atoi(w[i+1])
	}
	size, _ := strconv.Atoi(sz[1])
	rows := p.decoded(t, xrefObj)
	rec := width[0] + width[1] + width[2]
	if len(rows) != size*rec {
		t.Fatalf("cross-reference stream holds %d bytes, %d entries of %d expected", len(rows), size, rec)
	}
	field := func(b []byte) int {
		v := 0
		for _, c := range b {
			v = v<<8 | int(c)
		}
		return v
	}
	type slot struct{ stream, index int }
	inStream := map[int]slot{}
	for i := range size {
		r := rows[i*rec : (i+1)*rec]
		typ, f2, f3 := field(r[:width[0]]), field(r[width[0]:width[0]+width[1]]), field(r[width[0]+width[1]:])
		switch {
		case i == 0:
			if typ != 0 || f3 != 65535 {
				t.Fatalf("entry 0 is %d %d %d, not the free head", typ, f2, f3)
			}
		case typ == 1:
			if f3 != 0 {
				t.Fatalf("object %d has generation %d", i, f3)
			}
			p.objects[i] = objectBody(t, raw, f2, i)
		case typ == 2:
			inStream[i] = slot{f2, f3}
		default:
			t.Fatalf("object %d: entry of type %d", i, typ)
		}
	}
	// unpack the object stream(s)
	streams := map[int][][]byte{}
	for obj, sl := range inStream {
		objs, ok := streams[sl.stream]
		if !ok {
			d := p.dict(sl.stream)
			if !strings.Contains(d, "/Type /ObjStm") {
				t.Fatalf("object %d is said to be in %d, which is no object stream: %s", obj, sl.stream, d)
			}
			data := p.decoded(t, sl.stream)
			first, _ := strconv.Atoi(regexp.MustCompile(`/First (\d+)`).FindStringSubmatch(d)[1])
			n, _ := strconv.Atoi(regexp.MustCompile(`/N (\d+)`).FindStringSubmatch(d)[1])
			hdr := strings.Fields(string(data[:first]))
			if len(hdr) != 2*n {
				t.Fatalf("object stream %d: header of %d numbers for /N %d", sl.stream, len(hdr), n)
			}
			for k := 0; k < n; k++ {
				num, _ := strconv.Atoi(hdr[2*k])
				off, _ := strconv.Atoi(hdr[2*k+1])
				end := len(data) - first
				if k+1 < n {
					end, _ = strconv.Atoi(hdr[2*k+3])
				}
				if inStream[num] != (slot{sl.stream, k}) {
					t.Fatalf("object stream %d holds object %d as number %d; the cross-reference data says %+v", sl.stream, num, k, inStream[num])
				}
				objs = append(objs, bytes.TrimSpace(data[first+off:first+end]))
			}
			streams[sl.stream] = objs
		}
		p.objects[obj] = objs[sl.index]
		p.packed[obj] = true
	}
	return p
}

// objectBody returns the text of object num, which must start at off.
func objectBody(t *testing.T, raw []byte, off, num int) []byte {
	t.Helper()
	head := strconv.Itoa(num) + " 0 obj\n"
	if off >= len(raw) || !bytes.HasPrefix(raw[off:], []byte(head)) {
		t.Fatalf("cross-reference offset of object %d points at %q", num, raw[min(off, len(raw)):min(off+20, len(raw))])
	}
	body := raw[off+len(head):]
	end := bytes.Index(body, []byte("\nendobj\n"))
	if end < 0 {
		t.Fatalf("object %d has no endobj", num)
	}
	return body[:end]
}

// dict returns an object's dictionary text (for streams, the part before
// "stream").
func (p *parsed) dict(obj int) string {
	b := p.objects[obj]
	if i := bytes.Index(b, []byte(">>\nstream\n")); i >= 0 {
		return string(b[:i+2])
	}
	return string(b)
}

// stream returns a stream's data as stored, checking /Length against the
// bytes between "stream" and "endstream".
func (p *parsed) stream(t *testing.T, obj int) []byte {
	t.Helper()
	b := p.objects[obj]
	i := bytes.Index(b, []byte(">>\nstream\n"))
	if i < 0 {
		t.Fatalf("object %d is not a stream", obj)
	}
	data := b[i+len(">>\nstream\n"):]
	if !bytes.HasSuffix(data, []byte("\nendstream")) {
		t.Fatalf("object %d: stream not closed by EOL endstream", obj)
	}
	data = data[:len(data)-len("\nendstream")]
	m := regexp.MustCompile(`/Length (\d+)`).FindStringSubmatch(p.dict(obj))
	if m == nil || m[1] != strconv.Itoa(len(data)) {
		t.Fatalf("object %d: /Length %v but %d bytes of data", obj, m, len(data))
	}
	return data
}

// decoded returns a stream's data, inflated when it is FlateDecode.
func (p *parsed) decoded(t *testing.T, obj int) []byte {
	t.Helper()
	data := p.stream(t, obj)
	if !strings.Contains(p.dict(obj), "/FlateDecode") {
		return data
	}
	r, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("object %d: %v", obj, err)
	}
	out, err := io.ReadAll(r)
	if err != nil {
		t.Fatalf("object %d: %v", obj, err)
	}
	return out
}

// ref returns the object number that key refers to in dict ("/Key 5 0 R").
func ref(t *testing.T, dict, key string) int {
	t.Helper()
	m := regexp.MustCompile(key + ` (\d+) 0 R`).FindStringSubmatch(dict)
	if m == nil {
		t.Fatalf("%s missing in %s", key, dict)
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

// pageCount counts the page objects of a PDF written by this package.
func pageCount(out []byte) int {
	return bytes.Count(out, []byte("/Type /Page")) - bytes.Count(out, []byte("/Type /Pages"))
}

// poppler runs one of poppler's command line tools on the PDF, skipping
// the test when the tool is not installed.
func poppler(t *testing.T, out []byte, tool string, args ...string) string {
	t.Helper()
	if _, err := exec.LookPath(tool); err != nil {
		t.Skipf("%s not installed: Debian's poppler-utils is needed to read the PDF back (CI installs it with .ci/poppler-install)", tool)
	}
	path := filepath.Join(t.TempDir(), "antrag.pdf")
	if err := os.WriteFile(path, out, 0o600); err != nil {
		t.Fatal(err)
	}
	args = append(args, path)
	if tool == "pdftotext" {
		args = append(args, "-")
	}
	cmd := exec.Command(tool, args...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	txt, err := cmd.Output()
	if err != nil {
		t.Fatalf("%s: %v\n%s", tool, err, stderr.String())
	}
	if stderr.Len() > 0 {
		t.Errorf("%s complains:\n%s", tool, stderr.String())
	}
	return string(txt)
}

func itoa(v int) string { return strconv.Itoa(v) }

func hex16(v uint16) string { return string(appendHex16(nil, v)) }

func writeFile(t *testing.T, path string, data []byte) {
	t.Helper()
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
}
