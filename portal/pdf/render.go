package pdf

import (
	"bytes"
	_ "embed"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/go-pdf/fpdf"
)

//go:embed fonts/DejaVuSans-subset.ttf
var fontTTF []byte

const fontFamily = "DejaVu"

// Document is what the PDF shows.
type Document struct {
	Title     string // "Antrag auf Hilfe zum Lebensunterhalt"
	Tenant    string // the receiving municipality
	Address   []string
	Reference string // "SP-2026-000123"; empty for a draft
	Date      time.Time
	Version   string // "Antragsstrecke hzl, Version 1.0"
	Draft     bool   // marks every page as a draft not yet submitted
	Platform  string // "Sozialplattform Sachsen-Anhalt"
	Sections  []Section
}

// Section is one step of the form.
type Section struct {
	Title string
	Rows  []Row
}

// Row is one answer; a Heading row starts a sub-part (a household member).
type Row struct {
	Label, Value string
	Heading      bool
}

// Page geometry in millimetres.
const (
	margin     = 20.0
	pageW      = 210.0
	labelW     = 68.0
	lineH      = 5.0
	bodySize   = 10.0
	footerSpan = 15.0
)

var (
	colorPrimary = [3]int{0, 69, 110}
	colorMuted   = [3]int{92, 99, 112}
	colorRule    = [3]int{217, 221, 227}
)

// Render returns the PDF.
func Render(d *Document) ([]byte, error) {
	if d.Title == "" || d.Tenant == "" {
		return nil, errors.New("pdf: title and tenant are required")
	}
	f := fpdf.New("P", "mm", "A4", "")
	f.SetMargins(margin, margin, margin)
	f.SetAutoPageBreak(true, margin+footerSpan-5)
	f.SetCompression(false)
	f.AddUTF8FontFromBytes(fontFamily, "", fontTTF)
	f.SetTitle(d.Title, true)
	f.SetAuthor(d.Platform, true)
	f.SetCreator(d.Platform, true)
	f.SetSubject(strings.TrimSpace(d.Tenant+" "+d.Reference), true)
	f.SetLang("de-DE")
	f.SetCreationDate(d.Date)
	f.SetModificationDate(d.Date)
	f.AliasNbPages("{nb}")
	f.SetHeaderFuncMode(func() { header(f, d) }, true)
	f.SetFooterFunc(func() { footer(f, d) })
	f.AddPage()

	f.SetFont(fontFamily, "", 18)
	setColor(f, colorPrimary)
	cell(f, 0, 9, d.Title, "L")
	f.Ln(11)
	f.SetFont(fontFamily, "", bodySize)
	setColor(f, [3]int{26, 26, 26})
	meta := [][2]string{{"Empfänger", d.Tenant}}
	if len(d.Address) > 0 {
		meta = append(meta, [2]string{"Anschrift", strings.Join(d.Address, ", ")})
	}
	if d.Reference != "" {
		meta = append(meta, [2]string{"Antragsnummer", d.Reference})
		meta = append(meta, [2]string{"Eingegangen am", d.Date.Format("02.01.2006, 15:04 Uhr")})
	} else {
		meta = append(meta, [2]string{"Stand", d.Date.Format("02.01.2006, 15:04 Uhr")})
		meta = append(meta, [2]string{"Hinweis", "Entwurf – dieser Antrag ist noch nicht abgesendet."})
	}
	if d.Version != "" {
		meta = append(meta, [2]string{"Formular", d.Version})
	}
	for _, m := range meta {
		row(f, Row{Label: m[0], Value: m[1]})
	}
	for _, s := range d.Sections {
		section(f, s)
	}
	var buf bytes.Buffer
	if err := f.Output(&buf); err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	return buf.Bytes(), nil
}

func setColor(f *fpdf.Fpdf, c [3]int) { f.SetTextColor(c[0], c[1], c[2]) }

// cell writes one line, shaped and in visual order.
func cell(f *fpdf.Fpdf, w, h float64, s, align string) {
	v, rtl := visual(s)
	if rtl && align == "L" {
		align = "R"
	}
	f.CellFormat(w, h, v, "", 0, align, false, 0, "")
}

func header(f *fpdf.Fpdf, d *Document) {
	f.SetFont(fontFamily, "", 8)
	setColor(f, colorMuted)
	f.SetXY(margin, 10)
	cell(f, (pageW-2*margin)/2, 4, d.Tenant, "L")
	cell(f, (pageW-2*margin)/2, 4, d.Platform, "R")
	f.SetDrawColor(colorRule[0], colorRule[1], colorRule[2])
	f.Line(margin, 15, pageW-margin, 15)
	if d.Draft {
		f.SetXY(margin, 15.5)
		f.SetTextColor(170, 40, 40)
		cell(f, pageW-2*margin, 4, "ENTWURF – nicht abgesendet", "C")
	}
	f.SetXY(margin, margin+2)
	f.SetFont(fontFamily, "", bodySize)
	setColor(f, [3]int{26, 26, 26})
}

func footer(f *fpdf.Fpdf, d *Document) {
	f.SetY(-margin + 3)
	f.SetFont(fontFamily, "", 8)
	setColor(f, colorMuted)
	left := d.Title
	if d.Reference != "" {
		left = d.Reference + " · " + d.Title
	}
	cell(f, (pageW-2*margin)*0.75, 4, left, "L")
	cell(f, (pageW-2*margin)*0.25, 4, fmt.Sprintf("Seite %d von {nb}", f.PageNo()), "R")
}

func section(f *fpdf.Fpdf, s Section) {
	_, pageH := f.GetPageSize()
	_, _, _, bottom := f.GetMargins()
	_ = bottom
	if f.GetY()+22 > pageH-margin-footerSpan {
		f.AddPage()
	}
	f.Ln(4)
	f.SetFont(fontFamily, "", 13)
	setColor(f, colorPrimary)
	cell(f, 0, 7, s.Title, "L")
	f.Ln(8)
	f.SetDrawColor(colorPrimary[0], colorPrimary[1], colorPrimary[2])
	f.SetLineWidth(0.4)
	f.Line(margin, f.GetY()-1, pageW-margin, f.GetY()-1)
	f.SetLineWidth(0.2)
	f.SetFont(fontFamily, "", bodySize)
	setColor(f, [3]int{26, 26, 26})
	if len(s.Rows) == 0 {
		setColor(f, colorMuted)
		cell(f, 0, lineH+1, "Keine Angaben", "L")
		f.Ln(lineH + 1)
		setColor(f, [3]int{26, 26, 26})
	}
	for _, r := range s.Rows {
		row(f, r)
	}
}

// row writes a label and its (wrapped) value side by side, moving to a
// new page first when the row would not fit.
func row(f *fpdf.Fpdf, r Row) {
	_, pageH := f.GetPageSize()
	limit := pageH - margin - footerSpan
	if r.Heading {
		if f.GetY()+3*lineH > limit {
			f.AddPage()
		}
		f.Ln(1.5)
		setColor(f, colorPrimary)
		f.SetFont(fontFamily, "", 11)
		cell(f, 0, lineH+1, r.Label, "L")
		f.Ln(lineH + 1.5)
		f.SetFont(fontFamily, "", bodySize)
		setColor(f, [3]int{26, 26, 26})
		return
	}
	valueW := pageW - 2*margin - labelW - 2
	labels := wrap(f, r.Label, labelW-2)
	values := wrap(f, r.Value, valueW)
	n := max(len(labels), len(values))
	h := float64(n)*lineH + 1.5
	if f.GetY()+h > limit {
		f.AddPage()
	}
	y := f.GetY()
	setColor(f, colorMuted)
	for i, l := range labels {
		f.SetXY(margin, y+float64(i)*lineH)
		cell(f, labelW-2, lineH, l, "L")
	}
	setColor(f, [3]int{26, 26, 26})
	for i, v := range values {
		f.SetXY(margin+labelW, y+float64(i)*lineH)
		cell(f, valueW, lineH, v, "L")
	}
	f.SetDrawColor(colorRule[0], colorRule[1], colorRule[2])
	f.Line(margin, y+h-0.5, pageW-margin, y+h-0.5)
	f.SetXY(margin, y+h)
}

// wrap splits text into lines that fit w, keeping the citizen's line breaks;
// an empty text is one dash.
func wrap(f *fpdf.Fpdf, s string, w float64) []string {
	s = strings.TrimSpace(s)
	if s == "" {
		return []string{"–"}
	}
	var out []string
	for _, para := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(para) == "" {
			out = append(out, "")
			continue
		}
		if hasRTL(para) {
			// measure the shaped text, wrap on words of the logical text
			out = append(out, wrapWords(f, para, w)...)
			continue
		}
		out = append(out, f.SplitText(para, w)...)
	}
	return out
}

func wrapWords(f *fpdf.Fpdf, s string, w float64) []string {
	var out []string
	line := ""
	for _, word := range strings.Fields(s) {
		try := strings.TrimSpace(line + " " + word)
		v, _ := visual(try)
		if line != "" && f.GetStringWidth(v) > w {
			out = append(out, line)
			line = word
			continue
		}
		line = try
	}
	return append(out, line)
}
