// Package csvexport writes CSV files for German spreadsheets (Excel,
// LibreOffice Calc): UTF-8 with a byte order mark, so that Excel does not
// read the umlauts as Windows-1252; semicolons, because the comma is the
// German decimal sign; CRLF line ends; and every cell defused against
// formula injection (CWE-1236), because the exports carry text that
// authorities, centres and citizens typed.
package csvexport

import (
	"encoding/csv"
	"fmt"
	"io"
	"regexp"
	"strings"
)

// triggers are the first characters that make a spreadsheet evaluate a
// cell (OWASP "CSV Injection"): "=", "+", "-", "@", and tab and carriage
// return, which some programs skip before evaluating what follows.
const triggers = "=+-@\t\r"

// plainNumber is a decimal number as the exports write it, with point or
// comma: "-3", "+1.5", "-12,50".
var plainNumber = regexp.MustCompile(`^[+-]?[0-9]+([.,][0-9]+)?$`)

// Defuse returns the cell as it is safe to write: a cell that starts with
// a trigger gets a leading apostrophe, so that the spreadsheet shows it as
// text instead of evaluating it. A plain number stays as it is: "-3" or
// "-12,50" is a constant, not a formula, no spreadsheet can be made to
// run anything with it, and an apostrophe would turn it into text that
// sums and sorts no longer count. Anything more than a plain number
// ("-2+3", "+49 391 567-0", "-1e5", "-Inf") is defused.
func Defuse(s string) string {
	if s == "" || !strings.ContainsRune(triggers, rune(s[0])) || plainNumber.MatchString(s) {
		return s
	}
	return "'" + s
}

// Undefuse undoes Defuse for a cell read back from an exported file (the
// counselling directory's import reads its own export).
func Undefuse(s string) string {
	if len(s) > 1 && s[0] == '\'' && strings.ContainsRune(triggers, rune(s[1])) {
		return s[1:]
	}
	return s
}

// Writer writes one CSV file. The byte order mark goes out with the first
// row; Close flushes and reports the first error.
type Writer struct {
	w       io.Writer
	cw      *csv.Writer
	started bool
	err     error
}

// NewWriter returns a Writer on w.
func NewWriter(w io.Writer) *Writer {
	cw := csv.NewWriter(w)
	cw.Comma = ';'
	cw.UseCRLF = true
	return &Writer{w: w, cw: cw}
}

// Write writes one row, every cell defused.
func (w *Writer) Write(cells []string) error {
	if w.err != nil {
		return w.err
	}
	if !w.started {
		w.started = true
		if _, err := io.WriteString(w.w, "\uFEFF"); err != nil {
			w.err = fmt.Errorf("write CSV: %w", err)
			return w.err
		}
	}
	safe := make([]string, len(cells))
	for i, c := range cells {
		safe[i] = Defuse(c)
	}
	if err := w.cw.Write(safe); err != nil {
		w.err = fmt.Errorf("write CSV: %w", err)
	}
	return w.err
}

// Close flushes what is buffered and returns the first error of the file.
// It does not close the underlying writer.
func (w *Writer) Close() error {
	if w.err != nil {
		return w.err
	}
	w.cw.Flush()
	if err := w.cw.Error(); err != nil {
		w.err = fmt.Errorf("write CSV: %w", err)
	}
	return w.err
}

// Table is a whole exportable table: a header and rows of cells.
type Table struct {
	Header []string
	Rows   [][]string
}

// WriteCSV writes the table as one file.
func (t Table) WriteCSV(w io.Writer) error {
	cw := NewWriter(w)
	if err := cw.Write(t.Header); err != nil {
		return err
	}
	for _, r := range t.Rows {
		if err := cw.Write(r); err != nil {
			return err
		}
	}
	return cw.Close()
}
