package forms

import (
	"strings"
	"testing"
)

// TestPDFListsAnswersWithSeveralParts: boxes ticked and documents uploaded
// reach the PDF as list items (printed and tagged as a list); a single
// part stays a plain value.
func TestPDFListsAnswersWithSeveralParts(t *testing.T) {
	t.Parallel()
	r, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	d, ok := r.Latest("hzl")
	if !ok {
		t.Fatal("no hzl definition")
	}
	situation, _ := d.Field("aktuelle_situation")
	opts := d.Options(situation)
	file := d.FileFields()[0]
	for _, tc := range []struct {
		name        string
		ticked      []string
		files       []string
		wantTicked  []string // nil: a plain value
		wantUploads []string
	}{
		{"several of each", []string{opts[0].Value, opts[1].Value}, []string{"Kontoauszug.pdf", "Mietvertrag.jpg"},
			[]string{opts[0].Label.In("de"), opts[1].Label.In("de")}, []string{"Kontoauszug.pdf", "Mietvertrag.jpg"}},
		{"one of each", []string{opts[0].Value}, []string{"Kontoauszug.pdf"}, nil, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := complete(d)
			a[situation.ID] = Value{L: tc.ticked}
			var ups []UploadInfo
			for i, n := range tc.files {
				ups = append(ups, UploadInfo{ID: string(rune('a' + i)), FieldID: file.ID, Name: n})
			}
			rows := map[string][]string{}
			values := map[string]string{}
			for _, s := range d.pdfDocument(a, map[string][]UploadInfo{file.ID: ups}) {
				for _, row := range s.Rows {
					rows[row.Label], values[row.Label] = row.Items, row.Value
				}
			}
			for _, c := range []struct {
				label string
				want  []string
			}{{situation.Label.In("de"), tc.wantTicked}, {file.Label.In("de"), tc.wantUploads}} {
				got := rows[c.label]
				if strings.Join(got, "|") != strings.Join(c.want, "|") {
					t.Errorf("%s: items %q, want %q", c.label, got, c.want)
				}
				if c.want == nil && values[c.label] == "" {
					t.Errorf("%s: a single part lost its value", c.label)
				}
				if c.want != nil && values[c.label] != "" {
					t.Errorf("%s: list answer also has the value %q", c.label, values[c.label])
				}
			}
		})
	}
}
