package inspect

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"
)

var execLookPath = exec.LookPath

// popplerPages returns the page count pdfinfo reports.
func popplerPages(t *testing.T, data []byte) int {
	t.Helper()
	path := filepath.Join(t.TempDir(), "upload.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdfinfo", path).CombinedOutput()
	if err != nil {
		t.Fatalf("pdfinfo: %v\n%s", err, out)
	}
	m := regexp.MustCompile(`Pages:\s+(\d+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("pdfinfo reports no page count:\n%s", out)
	}
	n, _ := strconv.Atoi(string(m[1]))
	return n
}
