package pdf

import (
	"strconv"
	"strings"
)

// Page geometry in millimetres; the look is the one the portal has printed
// since its first PDF.
const (
	pageW      = 210.0
	pageH      = 297.0
	margin     = 20.0
	contentW   = pageW - 2*margin
	labelW     = 68.0
	valueW     = contentW - labelW - 2
	lineH      = 5.0
	footerSpan = 15.0
	limit      = pageH - margin - footerSpan // lowest edge of the body
	cellPad    = 1.0                         // text inset from a cell's left and right edge
	thinLine   = 0.2
	thickLine  = 0.4
)

// Font sizes in points.
const (
	titleSize   = 18.0
	sectionSize = 13.0
	headingSize = 11.0
	bodySize    = 10.0
	smallSize   = 8.0
)

var (
	colorPrimary = color{0, 69, 110}
	colorMuted   = color{92, 99, 112}
	colorRule    = color{217, 221, 227}
	colorText    = color{26, 26, 26}
	colorDraft   = color{170, 40, 40}
)

type align int8

const (
	alignLeft align = iota
	alignCenter
	alignRight
)

// pageSpan locates one page's content stream in canvas.buf: the body,
// drawn while laying out, and the footer, drawn once the page count is
// known.
type pageSpan struct{ body, foot [2]int }

// layout places the document on pages.
type layout struct {
	c              *canvas
	d              *Document
	y              float64 // top of the next line, mm from the top of the page
	pages          []pageSpan
	labels, values []string // wrapped lines of the current row
}

func (l *layout) run() {
	d := l.d
	l.newPage()
	l.cell(margin, l.y, contentW, 9, d.Title, alignLeft, titleSize, colorPrimary)
	l.y += 11
	l.row(Row{Label: "Empfänger", Value: d.Tenant})
	if len(d.Address) > 0 {
		l.row(Row{Label: "Anschrift", Value: strings.Join(d.Address, ", ")})
	}
	when := d.Date.Format("02.01.2006, 15:04 Uhr")
	if d.Reference != "" {
		l.row(Row{Label: "Antragsnummer", Value: d.Reference})
		l.row(Row{Label: "Eingegangen am", Value: when})
	} else {
		l.row(Row{Label: "Stand", Value: when})
		l.row(Row{Label: "Hinweis", Value: "Entwurf – dieser Antrag ist noch nicht abgesendet."})
	}
	if d.Version != "" {
		l.row(Row{Label: "Formular", Value: d.Version})
	}
	for _, s := range d.Sections {
		l.section(s)
	}
	l.endPage()
	l.footers()
}

func (l *layout) newPage() {
	if len(l.pages) > 0 {
		l.endPage()
	}
	l.pages = append(l.pages, pageSpan{body: [2]int{len(l.c.buf), 0}})
	l.c.resetState()
	d := l.d
	l.cell(margin, 10, contentW/2, 4, d.Tenant, alignLeft, smallSize, colorMuted)
	l.cell(margin+contentW/2, 10, contentW/2, 4, d.Platform, alignRight, smallSize, colorMuted)
	l.c.line(margin, 15, pageW-margin, 15, thinLine, colorRule)
	if d.Draft {
		l.cell(margin, 15.5, contentW, 4, "ENTWURF – nicht abgesendet", alignCenter, smallSize, colorDraft)
	}
	l.y = margin
}

func (l *layout) endPage() { l.pages[len(l.pages)-1].body[1] = len(l.c.buf) }

// footers writes "Seite X von Y" on every page, now that Y is known.
func (l *layout) footers() {
	d := l.d
	left := d.Title
	if d.Reference != "" {
		left = d.Reference + " · " + d.Title
	}
	var num []byte
	for i := range l.pages {
		p := &l.pages[i]
		p.foot[0] = len(l.c.buf)
		l.c.resetState() // the footer follows the body in the same stream
		l.cell(margin, pageH-margin+3, contentW*0.75, 4, left, alignLeft, smallSize, colorMuted)
		num = append(num[:0], "Seite "...)
		num = strconv.AppendInt(num, int64(i+1), 10)
		num = append(num, " von "...)
		num = strconv.AppendInt(num, int64(len(l.pages)), 10)
		l.cell(margin+contentW*0.75, pageH-margin+3, contentW*0.25, 4, string(num), alignRight, smallSize, colorMuted)
		p.foot[1] = len(l.c.buf)
	}
}

func (l *layout) section(s Section) {
	if l.y+22 > limit {
		l.newPage()
	}
	l.y += 4
	l.cell(margin, l.y, contentW, 7, s.Title, alignLeft, sectionSize, colorPrimary)
	l.y += 8
	l.c.line(margin, l.y-1, pageW-margin, l.y-1, thickLine, colorPrimary)
	if len(s.Rows) == 0 {
		l.cell(margin, l.y, contentW, lineH+1, "Keine Angaben", alignLeft, bodySize, colorMuted)
		l.y += lineH + 1
	}
	for _, r := range s.Rows {
		l.row(r)
	}
}

// row writes a label and its (wrapped) value side by side, moving to a new
// page first when the row would not fit. A row taller than a whole page
// continues on the next page.
func (l *layout) row(r Row) {
	if r.Heading {
		if l.y+3*lineH > limit {
			l.newPage()
		}
		l.y += 1.5
		l.cell(margin, l.y, contentW, lineH+1, r.Label, alignLeft, headingSize, colorPrimary)
		l.y += lineH + 1.5
		return
	}
	l.labels = l.wrap(l.labels[:0], r.Label, labelW-2, bodySize)
	l.values = l.wrap(l.values[:0], r.Value, valueW, bodySize)
	n := max(len(l.labels), len(l.values))
	h := float64(n)*lineH + 1.5
	if l.y+h > limit && (margin+h <= limit || l.y+3*lineH > limit) {
		l.newPage()
	}
	for i := range n {
		if l.y+lineH > limit {
			l.newPage()
		}
		if i < len(l.labels) {
			l.cell(margin, l.y, labelW-2, lineH, l.labels[i], alignLeft, bodySize, colorMuted)
		}
		if i < len(l.values) {
			l.cell(margin+labelW, l.y, valueW, lineH, l.values[i], alignLeft, bodySize, colorText)
		}
		l.y += lineH
	}
	l.y += 1.5
	l.c.line(margin, l.y-0.5, pageW-margin, l.y-0.5, thinLine, colorRule)
}

// cell writes one line of text into a box w wide and h high whose top left
// corner is (x, y): shaped and in visual order, right-aligned when the
// line reads right to left, baseline where the earlier layout had it.
func (l *layout) cell(x, y, w, h float64, s string, a align, size float64, col color) {
	if s == "" {
		return
	}
	v, rtl := visual(s)
	if rtl && a == alignLeft {
		a = alignRight
	}
	sizeMM := size / k
	dx := cellPad
	switch a {
	case alignRight:
		dx = w - cellPad - float64(l.c.width(v))*sizeMM/1000
	case alignCenter:
		dx = (w - float64(l.c.width(v))*sizeMM/1000) / 2
	}
	l.c.text(x+dx, y+0.5*h+0.3*sizeMM, size, col, v)
}
