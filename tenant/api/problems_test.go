package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/danielgtaylor/huma/v2"
)

func TestBoundProblems(t *testing.T) {
	t.Parallel()
	whole := map[string]any{"email": "a@b.de", "k": strings.Repeat("x", 10000)}
	many := make([]error, 2000)
	for i := range many {
		many[i] = &huma.ErrorDetail{Message: "unexpected property", Location: fmt.Sprintf("body.k%d", i), Value: whole}
	}
	tests := []struct {
		name       string
		in         huma.StatusError
		details    int
		wantDetail string
	}{
		{"2,000 errors each echoing the whole body", huma.NewError(422, "validation failed", many...), 20,
			"Die Angaben sind nicht vollständig oder nicht gültig. Gezeigt werden 20 von 2000 Fehlern."},
		{"a few errors keep their order", huma.NewError(422, "Die Angaben sind nicht gültig.", many[:3]...), 3, "Die Angaben sind nicht gültig."},
		{"a plain error becomes a message", huma.NewError(400, "x", errors.New("invalid character 'x'")), 1, "x"},
		{"nil details are dropped", huma.NewError(422, "x", nil, many[0]), 1, "x"},
		{"a 5xx lists no internal details", huma.NewError(500, "unexpected error occurred", errors.New("pq: relation users does not exist")), 0,
			"unexpected error occurred"},
		{"a long key and a long message", huma.NewError(422, strings.Repeat("ä", 5000),
			&huma.ErrorDetail{Location: "body." + strings.Repeat("\x01", 100000), Message: strings.Repeat(`"`, 100000)}), 1, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			v, err := BoundProblems(nil, "422", tt.in)
			if err != nil {
				t.Fatal(err)
			}
			m := v.(*huma.ErrorModel)
			if len(m.Errors) != tt.details {
				t.Errorf("%d details, want %d", len(m.Errors), tt.details)
			}
			for i, d := range m.Errors {
				if d.Value != nil {
					t.Errorf("detail %d echoes its value", i)
				}
			}
			if tt.details == 3 && (m.Errors[0].Location != "body.k0" || m.Errors[2].Location != "body.k2") {
				t.Errorf("order changed: %v, %v", m.Errors[0].Location, m.Errors[2].Location)
			}
			if tt.wantDetail != "" && m.Detail != tt.wantDetail {
				t.Errorf("detail %q, want %q", m.Detail, tt.wantDetail)
			}
			b, err := json.Marshal(m)
			if err != nil {
				t.Fatal(err)
			}
			if len(b) > 12<<10 {
				t.Errorf("answer of %d bytes", len(b))
			}
		})
	}
}

func TestBoundProblemsLeavesOtherAnswersAlone(t *testing.T) {
	t.Parallel()
	body := &struct{ Items []string }{Items: []string{strings.Repeat("x", 100000)}}
	if v, _ := BoundProblems(nil, "200", body); v != body {
		t.Errorf("a success answer was changed")
	}
	var nilModel *huma.ErrorModel
	if v, _ := BoundProblems(nil, "500", nilModel); v != nilModel {
		t.Errorf("a nil error model was changed")
	}
}

func TestClip(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		max  int
		want string
	}{
		{"kurz", 10, "kurz"},
		{"genau zehn", 10, "genau zehn"},
		{"etwas zu lang", 10, "etwas z…"},
		{"äöüäöü", 9, "äöü…"}, // 12 bytes; 3 runes of 2 bytes and the 3-byte ellipsis
		{`"""""`, 9, `"""…`},  // each quote takes 2 bytes escaped
		{"\x00\x00", 12, "\x00\x00"},
		{"\x00\x00\x00", 12, "\x00…"},
		{"a\xffb", 10, "a\uFFFDb"},
	}
	for _, tt := range tests {
		got := clip(tt.in, tt.max)
		if got != tt.want {
			t.Errorf("clip(%q, %d) = %q, want %q", tt.in, tt.max, got, tt.want)
		}
		b, _ := json.Marshal(got)
		if len(b)-2 > tt.max || !utf8.ValidString(got) {
			t.Errorf("clip(%q, %d) encodes to %d bytes", tt.in, tt.max, len(b)-2)
		}
	}
}
