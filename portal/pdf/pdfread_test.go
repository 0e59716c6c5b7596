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

// parsed is a PDF read back through its cross-reference table – just
// enough of a reader to check the structure this package writes.
type parsed struct {
	raw     []byte
	objects map[int][]byte // object number → text between "obj" and "endobj"
	trailer string
}

var startxrefRE = regexp.MustCompile(`startxref\n(\d+)\n%%EOF\n$`)

// readPDF checks the cross-reference table (every offset points at its
// object) and splits the file into objects.
func readPDF(t *testing.T, raw []byte) *parsed {
	t.Helper()
	m := startxrefRE.FindSubmatch(raw)
	if m == nil {
		t.Fatalf("no startxref/%%%%EOF at the end")
	}
	xref, _ := strconv.Atoi(string(m[1]))
	if xref >= len(raw) || !bytes.HasPrefix(raw[xref:], []byte("xref\n0 ")) {
		t.Fatalf("startxref %d does not point at the xref table", xref)
	}
	lines := strings.Split(string(raw[xref:]), "\n")
	n, _ := strconv.Atoi(strings.Fields(lines[1])[1])
	p := &parsed{raw: raw, objects: map[int][]byte{}}
	for i := 1; i < n; i++ {
		e := lines[2+i]
		if len(e)+1 != 20 || !strings.HasSuffix(e, " 00000 n ") {
			t.Fatalf("xref entry %d %q is not a 20-byte in-use entry", i, e)
		}
		off, _ := strconv.Atoi(e[:10])
		head := strconv.Itoa(i) + " 0 obj\n"
		if !bytes.HasPrefix(raw[off:], []byte(head)) {
			t.Fatalf("xref offset of object %d points at %q", i, raw[off:min(off+20, len(raw))])
		}
		body := raw[off+len(head):]
		end := bytes.Index(body, []byte("\nendobj\n"))
		if end < 0 {
			t.Fatalf("object %d has no endobj", i)
		}
		p.objects[i] = body[:end]
	}
	p.trailer = strings.Join(lines[2+n:], "\n")
	return p
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
		t.Skipf("%s (poppler-utils) not installed", tool)
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
