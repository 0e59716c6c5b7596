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
// known; marks is the range of the page's marked content in tree.marks.
type pageSpan struct{ body, foot, marks [2]int }

// Indents in millimetres of a list answer: the bullet, then the item.
const (
	bulletIndent = 4.0
	bullet       = "•"
)

// layout places the document on pages and builds its structure tree.
type layout struct {
	c              *canvas
	t              *tree
	d              *Document
	y              float64 // top of the next line, mm from the top of the page
	pages          []pageSpan
	labels, values []string // wrapped lines of the current row
	items          []int32  // for a list answer: the item of each line in values

	doc   int32 // the Document element
	sect  int32 // where headings and tables go: the current Sect, or doc
	table int32 // the open Table, -1 when the next row starts a new one
}

func (l *layout) run() {
	d := l.d
	l.doc = l.t.open(roleDocument, -1, "")
	l.sect, l.table = l.doc, -1
	l.newPage()
	l.markedCell(l.open(roleH1, l.doc, d.Title, ""), margin, l.y, contentW, 9, d.Title, alignLeft, titleSize, colorPrimary)
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
	if d.Language != "" {
		l.row(Row{Label: "Sprache der Antragstellung", Value: d.Language})
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
	n := len(l.t.marks)
	l.pages = append(l.pages, pageSpan{body: [2]int{len(l.c.buf), 0}, marks: [2]int{n, n}})
	l.c.resetState()
	d := l.d
	l.c.beginArtifact(artifactHeader)
	l.cell(margin, 10, contentW/2, 4, d.Tenant, alignLeft, smallSize, colorMuted)
	l.cell(margin+contentW/2, 10, contentW/2, 4, d.Platform, alignRight, smallSize, colorMuted)
	l.c.line(margin, 15, pageW-margin, 15, thinLine, colorRule)
	l.c.endMarked()
	if d.Draft {
		l.c.beginArtifact(artifactWatermark)
		l.cell(margin, 15.5, contentW, 4, "ENTWURF – nicht abgesendet", alignCenter, smallSize, colorDraft)
		l.c.endMarked()
	}
	l.y = margin
}

func (l *layout) endPage() {
	p := &l.pages[len(l.pages)-1]
	p.body[1], p.marks[1] = len(l.c.buf), len(l.t.marks)
}

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
		l.c.beginArtifact(artifactFooter)
		l.cell(margin, pageH-margin+3, contentW*0.75, 4, left, alignLeft, smallSize, colorMuted)
		num = append(num[:0], "Seite "...)
		num = strconv.AppendInt(num, int64(i+1), 10)
		num = append(num, " von "...)
		num = strconv.AppendInt(num, int64(len(l.pages)), 10)
		l.cell(margin+contentW*0.75, pageH-margin+3, contentW*0.25, 4, string(num), alignRight, smallSize, colorMuted)
		l.c.endMarked()
		p.foot[1] = len(l.c.buf)
	}
}

// rule draws a horizontal line across the text area, as a layout artifact.
func (l *layout) rule(y, width float64, col color) {
	l.c.beginArtifact(artifactLayout)
	l.c.line(margin, y, pageW-margin, y, width, col)
	l.c.endMarked()
}

// section writes one step as a Sect: its title as H2 and its answers as a
// table (or "Keine Angaben" as a paragraph).
func (l *layout) section(s Section) {
	if l.y+22 > limit {
		l.newPage()
	}
	l.y += 4
	l.sect, l.table = l.t.open(roleSect, l.doc, ""), -1
	if s.Title != "" {
		l.markedCell(l.open(roleH2, l.sect, s.Title, ""), margin, l.y, contentW, 7, s.Title, alignLeft, sectionSize, colorPrimary)
	}
	l.y += 8
	l.rule(l.y-1, thickLine, colorPrimary)
	if len(s.Rows) == 0 {
		l.markedCell(l.open(roleP, l.sect, "", ""), margin, l.y, contentW, lineH+1, "Keine Angaben", alignLeft, bodySize, colorMuted)
		l.y += lineH + 1
	}
	for _, r := range s.Rows {
		l.row(r)
	}
}

// row writes a label and its (wrapped) value side by side, moving to a new
// page first when the row would not fit. A row taller than a whole page
// continues on the next page. In the structure it is a table row (TR) of
// the section's table with the label as a row header (TH) and the value as
// a cell (TD); a heading row ends the table and is an H3 of its own.
func (l *layout) row(r Row) {
	if r.Heading {
		if l.y+3*lineH > limit {
			l.newPage()
		}
		l.y += 1.5
		l.table = -1
		l.markedCell(l.open(roleH3, l.sect, r.Label, ""), margin, l.y, contentW, lineH+1, r.Label, alignLeft, headingSize, colorPrimary)
		l.y += lineH + 1.5
		return
	}
	if l.table < 0 {
		l.table = l.t.open(roleTable, l.sect, "")
	}
	tr := l.t.open(roleTR, l.table, "")
	th := l.open(roleTH, tr, r.Label, "")
	l.t.elems[th].headerRowScoped = true
	list := len(r.Items) > 0
	var td int32
	if list {
		td = l.t.open(roleTD, tr, "")
	} else {
		td = l.open(roleTD, tr, r.Value, langOf(r.Value, l.d.CitizenLang))
	}

	l.labels = l.wrap(l.labels[:0], r.Label, labelW-2, bodySize)
	l.values, l.items = l.values[:0], l.items[:0]
	listElem := int32(-1)
	if list {
		// L, then per item LI, Lbl, LBody: item i's elements are
		// listElem+1+3i, +2+3i and +3+3i.
		listElem = l.t.open(roleL, td, "")
		l.t.elems[listElem].listNumbering = true
		for i, it := range r.Items {
			li := l.t.open(roleLI, listElem, "")
			l.t.open(roleLbl, li, "")
			l.open(roleLBody, li, it, langOf(it, l.d.CitizenLang))
			from := len(l.values)
			l.values = l.wrap(l.values, it, valueW-bulletIndent, bodySize)
			for range len(l.values) - from {
				l.items = append(l.items, int32(i))
			}
		}
	} else {
		l.values = l.wrap(l.values, r.Value, valueW, bodySize)
	}
	n := max(len(l.labels), len(l.values))
	h := float64(n)*lineH + 1.5
	if l.y+h > limit && (margin+h <= limit || l.y+3*lineH > limit) {
		l.newPage()
	}
	// Draw page by page: the lines of the label that fall on one page are
	// one marked-content sequence of the TH, those of the value one of the
	// TD (or, in a list, one per bullet and item part).
	for i := 0; i < n; {
		if l.y+lineH > limit {
			l.newPage()
		}
		j := i + 1
		for j < n && l.y+float64(j-i+1)*lineH <= limit {
			j++
		}
		l.lines(th, l.labels, i, j, margin, labelW-2, colorMuted)
		if list {
			l.listLines(listElem, i, j)
		} else {
			l.lines(td, l.values, i, j, margin+labelW, valueW, colorText)
		}
		l.y += float64(j-i) * lineH
		i = j
	}
	l.y += 1.5
	l.rule(l.y-0.5, thinLine, colorRule)
}

// lines draws lines[from:to] (those that exist) from l.y down as one
// marked-content sequence of element e.
func (l *layout) lines(e int32, lines []string, from, to int, x, w float64, col color) {
	to = min(to, len(lines))
	blank := true
	for _, s := range lines[min(from, to):to] {
		blank = blank && s == ""
	}
	if blank {
		return
	}
	l.begin(e)
	for k := from; k < to; k++ {
		l.cell(x, l.y+float64(k-from)*lineH, w, lineH, lines[k], alignLeft, bodySize, col)
	}
	l.c.endMarked()
}

// listLines draws the list lines [from, to) of the current row: a bullet
// (Lbl) before the first line of each item and the item's lines (LBody).
func (l *layout) listLines(list int32, from, to int) {
	x := margin + labelW
	to = min(to, len(l.values))
	for k := from; k < to; {
		it := l.items[k]
		end := k + 1
		for end < to && l.items[end] == it {
			end++
		}
		y := l.y + float64(k-from)*lineH
		if k == 0 || l.items[k-1] != it {
			l.markedCell(list+2+3*it, x, y, bulletIndent, lineH, bullet, alignLeft, bodySize, colorText)
		}
		body := list + 3 + 3*it
		save := l.y
		l.y = y
		l.lines(body, l.values, k, end, x+bulletIndent, valueW-bulletIndent, colorText)
		l.y = save
		k = end
	}
}

// open adds a structure element for text: one that holds right-to-left
// text gets the text in logical order as its /ActualText, because its
// content is drawn shaped and in visual order.
func (l *layout) open(r role, parent int32, text, lang string) int32 {
	e := l.t.open(r, parent, lang)
	if hasRTL(text) {
		l.t.elems[e].actual = l.t.str(text)
	}
	return e
}

// begin opens the next marked-content sequence of the current page for
// element e.
func (l *layout) begin(e int32) {
	p := len(l.pages) - 1
	mcid := l.t.mark(e, int32(p), l.pages[p].marks[0])
	l.c.beginMarked(l.t.elems[e].role, mcid)
}

// markedCell draws one line of text as a marked-content sequence of e.
func (l *layout) markedCell(e int32, x, y, w, h float64, s string, a align, size float64, col color) {
	if s == "" {
		return
	}
	l.begin(e)
	l.cell(x, y, w, h, s, a, size, col)
	l.c.endMarked()
}

// cell writes one line of text into a box w wide and h high whose top left
// corner is (x, y): shaped and in visual order, right-aligned when the
// line reads right to left, baseline where the earlier layout had it. A
// line in Arabic script is drawn in presentation forms and in visual
// order; its structure element carries the logical text (see open).
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
