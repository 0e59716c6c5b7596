package ical_test

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"sozialplattform/tenant/ical"
)

func TestText(t *testing.T) {
	tests := []struct{ in, want string }{
		{"Termin: Schuldnerberatung", "Termin: Schuldnerberatung"},
		{"Markt 1, Halberstadt; 2. OG", `Markt 1\, Halberstadt\; 2. OG`},
		{`C:\Pfad`, `C:\\Pfad`},
		{"zwei\nZeilen\r\nund\rnoch eine", `zwei\nZeilen\nund\nnoch eine`},
		{"Tab\tbleibt", "Tab\tbleibt"},
		{"Steuer\x00zeichen\x1b weg\u0085", "Steuerzeichen weg"},
	}
	for _, tt := range tests {
		if got := ical.Text(tt.in); got != tt.want {
			t.Errorf("Text(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTimeIsUTC(t *testing.T) {
	berlin := time.FixedZone("CEST", 2*3600)
	if got := ical.Time(time.Date(2026, 6, 15, 9, 0, 0, 0, berlin)); got != "20260615T070000Z" {
		t.Errorf("Time = %s", got)
	}
}

func TestFolding(t *testing.T) {
	tests := []struct {
		name  string
		value string
	}{
		{"short", "kurz"},
		{"exactly one line", strings.Repeat("a", 75-len("SUMMARY:"))},
		{"one octet more", strings.Repeat("a", 76-len("SUMMARY:"))},
		{"long ASCII", strings.Repeat("abcdefghij", 30)},
		{"umlauts across the fold", strings.Repeat("Größenübersicht ", 20)},
		{"four-octet runes", strings.Repeat("𝄞", 50)},
		{"invalid UTF-8", strings.Repeat("\xff", 200)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var w ical.Writer
			w.Prop("SUMMARY", tt.value)
			out := string(w.Bytes())
			if !strings.HasSuffix(out, "\r\n") {
				t.Fatalf("no CRLF at the end: %q", out)
			}
			lines := strings.Split(strings.TrimSuffix(out, "\r\n"), "\r\n")
			var unfolded strings.Builder
			for i, l := range lines {
				if len(l) > 75 {
					t.Errorf("line %d has %d octets", i, len(l))
				}
				if !utf8.ValidString(l) {
					t.Errorf("line %d is cut inside a UTF-8 sequence: %q", i, l)
				}
				if i > 0 {
					if !strings.HasPrefix(l, " ") {
						t.Fatalf("continuation line %d does not start with a space: %q", i, l)
					}
					l = l[1:]
				}
				unfolded.WriteString(l)
			}
			want := "SUMMARY:" + strings.ToValidUTF8(tt.value, "\uFFFD")
			if unfolded.String() != want {
				t.Errorf("unfolded %q, want %q", unfolded.String(), want)
			}
		})
	}
}

func TestCalendar(t *testing.T) {
	var w ical.Writer
	w.Begin("VCALENDAR")
	w.Prop("VERSION", "2.0")
	w.Begin("VEVENT")
	w.Prop("UID", ical.UID("termin", "42"))
	w.Time("DTSTART", time.Date(2026, 6, 15, 7, 0, 0, 0, time.UTC))
	w.Date("DTEND", time.Date(2026, 6, 16, 0, 0, 0, 0, time.UTC))
	w.Text("LOCATION", "Markt 1, Halberstadt")
	w.End("VEVENT")
	w.End("VCALENDAR")
	want := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nBEGIN:VEVENT\r\nUID:termin-42@sozialplattform.sachsen-anhalt.de\r\n" +
		"DTSTART:20260615T070000Z\r\nDTEND;VALUE=DATE:20260616\r\nLOCATION:Markt 1\\, Halberstadt\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	if got := string(w.Bytes()); got != want {
		t.Errorf("file:\n%q\nwant\n%q", got, want)
	}
}
