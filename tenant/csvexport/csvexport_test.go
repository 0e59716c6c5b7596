package csvexport_test

import (
	"bytes"
	"errors"
	"testing"

	"sozialplattform/tenant/csvexport"
)

func TestDefuse(t *testing.T) {
	tests := []struct {
		name, cell, want string
	}{
		{"formula", "=HYPERLINK(\"http://x\")", "'=HYPERLINK(\"http://x\")"},
		{"plus formula", "+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0"},
		{"minus formula", "-2+3", "'-2+3"},
		{"at function", "@SUM(A1:A3)", "'@SUM(A1:A3)"},
		{"leading tab", "\t=1", "'\t=1"},
		{"leading carriage return", "\r=1", "'\r=1"},
		{"phone number with country code", "+49 391 567-0", "'+49 391 567-0"},
		{"exponent is not a plain number", "-1e5", "'-1e5"},
		{"infinity is not a plain number", "-Inf", "'-Inf"},
		{"lone dash", "-", "'-"},
		{"negative integer stays a number", "-3", "-3"},
		{"negative decimal with comma", "-12,50", "-12,50"},
		{"negative decimal with point", "-51.8", "-51.8"},
		{"signed positive", "+5", "+5"},
		{"text", "Landkreis Harz", "Landkreis Harz"},
		{"formula sign inside", "a=b", "a=b"},
		{"paragraph sign", "§ 16e SGB II", "§ 16e SGB II"},
		{"digit first", "03941 555-1", "03941 555-1"},
		{"empty", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := csvexport.Defuse(tt.cell)
			if got != tt.want {
				t.Errorf("Defuse(%q) = %q, want %q", tt.cell, got, tt.want)
			}
			if back := csvexport.Undefuse(got); back != tt.cell {
				t.Errorf("Undefuse(%q) = %q, want the original %q", got, back, tt.cell)
			}
		})
	}
}

func TestUndefuseKeepsOtherApostrophes(t *testing.T) {
	for _, s := range []string{"'", "'Hallo", "O'Neill", "''=1"} {
		if got := csvexport.Undefuse(s); got != s {
			t.Errorf("Undefuse(%q) = %q, want it unchanged", s, got)
		}
	}
}

func TestTableIsExcelCSV(t *testing.T) {
	var buf bytes.Buffer
	err := csvexport.Table{Header: []string{"Name", "Betrag"}, Rows: [][]string{
		{"=cmd", "-12,50"},
		{"Müller; Söhne", "3"},
		{"zwei\nZeilen", "\"zitiert\""},
	}}.WriteCSV(&buf)
	if err != nil {
		t.Fatal(err)
	}
	want := "\uFEFFName;Betrag\r\n'=cmd;-12,50\r\n\"Müller; Söhne\";3\r\n\"zwei\r\nZeilen\";\"\"\"zitiert\"\"\"\r\n" // line breaks in a cell become CRLF too
	if got := buf.String(); got != want {
		t.Errorf("file:\n%q\nwant\n%q", got, want)
	}
}

func TestEmptyWriterWritesNothing(t *testing.T) {
	var buf bytes.Buffer
	if err := csvexport.NewWriter(&buf).Close(); err != nil || buf.Len() != 0 {
		t.Errorf("Close without rows: %q, %v", buf.String(), err)
	}
}

type failing struct{}

func (failing) Write([]byte) (int, error) { return 0, errors.New("disk full") }

func TestWriterReportsTheFirstError(t *testing.T) {
	w := csvexport.NewWriter(failing{})
	if err := w.Write([]string{"a"}); err == nil {
		t.Fatal("no error from a failing writer")
	}
	if err := w.Close(); err == nil {
		t.Error("Close forgot the error")
	}
}
