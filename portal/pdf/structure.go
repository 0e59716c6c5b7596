package pdf

import "strconv"

// The structure tree of the Tagged PDF (ISO 32000-1, 14.7 and 14.8). The
// layout opens an element for every part a screen reader should announce
// – the title (H1), each step (Sect with an H2 and a Table of TR rows with
// a TH label and a TD answer), household members (H3), answers that are
// lists (L, LI, Lbl, LBody) – and marks what it draws for the element with
// a marked-content identifier (MCID). Running headers and footers, rules
// and the draft mark are drawn as artifacts and are not in the tree.
//
// The tree lives in flat slices that the scratch buffers keep between
// documents: an element's kids are a linked list through kids, so that
// adding a kid never allocates per element, and elements hold no pointers
// (their texts are indexes into strs), which keeps the garbage collector
// out of the hundreds of elements of a long application.

// role is a standard structure type; roleNames holds the PDF names.
type role uint8

const (
	roleDocument role = iota
	roleSect
	roleH1
	roleH2
	roleH3
	roleP
	roleTable
	roleTR
	roleTH
	roleTD
	roleL
	roleLI
	roleLbl
	roleLBody
)

var roleNames = [...]string{
	roleDocument: "Document", roleSect: "Sect", roleH1: "H1", roleH2: "H2", roleH3: "H3", roleP: "P",
	roleTable: "Table", roleTR: "TR", roleTH: "TH", roleTD: "TD", roleL: "L", roleLI: "LI", roleLbl: "Lbl", roleLBody: "LBody",
}

// elem is one structure element.
type elem struct {
	role            role
	parent          int32 // index of the parent element; -1 for the root
	lang            int32 // BCP 47 tag where it differs from the document's: index in strs, 0 none
	actual          int32 // the text in logical order where it is drawn in visual order: index in strs, 0 none
	firstKid, last  int32 // the kids as a list through tree.kids; -1 when none
	page            int32 // the page of the first marked content, -1 when none
	listNumbering   bool  // an L whose labels are bullets (/ListNumbering /Disc)
	headerRowScoped bool  // a TH that heads its row (/Scope /Row)
}

// kid is an element's child: another element, or marked content on a page.
type kid struct {
	next  int32 // the next kid of the same element, -1 at the end
	child int32 // an element index, or -1 for marked content
	page  int32
	mcid  int32
}

// tree is the structure of one document. marks lists, in page order and
// per page in MCID order, the element that owns each marked-content
// sequence: the parent tree that maps content back to the structure.
type tree struct {
	elems []elem
	kids  []kid
	marks []int32
	strs  []string // languages and actual texts; strs[0] is ""
}

func (t *tree) reset() {
	clear(t.strs) // they are the citizen's answers
	t.elems, t.kids, t.marks, t.strs = t.elems[:0], t.kids[:0], t.marks[:0], append(t.strs[:0], "")
}

// str returns the index of s in strs, adding it; 0 for "".
func (t *tree) str(s string) int32 {
	if s == "" {
		return 0
	}
	if last := len(t.strs) - 1; t.strs[last] == s {
		return int32(last)
	}
	t.strs = append(t.strs, s)
	return int32(len(t.strs) - 1)
}

// open adds an element under parent (-1 for the root) and returns its
// index.
func (t *tree) open(r role, parent int32, lang string) int32 {
	e := int32(len(t.elems))
	t.elems = append(t.elems, elem{role: r, parent: parent, lang: t.str(lang), firstKid: -1, last: -1, page: -1})
	if parent >= 0 {
		t.add(parent, kid{child: e})
	}
	return e
}

func (t *tree) add(e int32, k kid) {
	k.next = -1
	i := int32(len(t.kids))
	t.kids = append(t.kids, k)
	p := &t.elems[e]
	if p.last < 0 {
		p.firstKid = i
	} else {
		t.kids[p.last].next = i
	}
	p.last = i
}

// mark records the next marked-content sequence of page for element e and
// returns its MCID; first is the index in marks of the page's first one.
func (t *tree) mark(e, page int32, first int) int32 {
	mcid := int32(len(t.marks) - first)
	t.add(e, kid{child: -1, page: page, mcid: mcid})
	if t.elems[e].page < 0 {
		t.elems[e].page = page
	}
	t.marks = append(t.marks, e)
	return mcid
}

// writeStructure writes the structure tree root, the parent tree and one
// object per element, numbered from elemBase on.
func (w *pdfWriter) writeStructure(t *tree, elemBase int, pages []pageSpan) {
	w.begin(structRootObj)
	w.out = append(w.out, "<< /Type /StructTreeRoot /K "...)
	w.ref(elemBase)
	w.out = append(w.out, " /ParentTree "...)
	w.ref(parentTreeObj)
	w.out = append(w.out, " /ParentTreeNextKey "...)
	w.out = strconv.AppendInt(w.out, int64(len(pages)), 10)
	w.out = append(w.out, " >>"...)
	w.end()

	// The parent tree is a number tree with one key per page (its
	// /StructParents) and an array of the elements owning MCID 0, 1, …
	w.begin(parentTreeObj)
	w.out = append(w.out, "<< /Nums ["...)
	for i, p := range pages {
		if i > 0 {
			w.out = append(w.out, ' ')
		}
		w.out = strconv.AppendInt(w.out, int64(i), 10)
		w.out = append(w.out, " ["...)
		for j, e := range t.marks[p.marks[0]:p.marks[1]] {
			if j > 0 {
				w.out = append(w.out, ' ')
			}
			w.ref(elemBase + int(e))
		}
		w.out = append(w.out, ']')
	}
	w.out = append(w.out, "] >>"...)
	w.end()

	for i := range t.elems {
		e := &t.elems[i]
		w.begin(elemBase + i)
		// Written compactly (no optional /Type, no optional blanks): a
		// long application has several hundred elements.
		w.out = append(w.out, "<</S/"...)
		w.out = append(w.out, roleNames[e.role]...)
		w.out = append(w.out, "/P "...)
		if e.parent < 0 {
			w.ref(structRootObj)
		} else {
			w.ref(elemBase + int(e.parent))
		}
		if e.page >= 0 {
			w.out = append(w.out, "/Pg "...)
			w.ref(pageObj + 2*int(e.page))
		}
		if e.lang != 0 {
			w.out = append(w.out, "/Lang"...)
			w.out = appendTextString(w.out, t.strs[e.lang])
		}
		if e.actual != 0 {
			w.out = append(w.out, "/ActualText"...)
			w.out = appendTextString(w.out, t.strs[e.actual])
		}
		switch {
		case e.headerRowScoped:
			w.out = append(w.out, "/A<</O/Table/Scope/Row>>"...)
		case e.listNumbering:
			w.out = append(w.out, "/A<</O/List/ListNumbering/Disc>>"...)
		}
		if k := e.firstKid; k >= 0 && t.kids[k].next < 0 && t.kids[k].child < 0 && t.kids[k].page == e.page {
			// the common case: one marked-content sequence
			w.out = append(w.out, "/K "...)
			w.out = strconv.AppendInt(w.out, int64(t.kids[k].mcid), 10)
			w.out = append(w.out, ">>"...)
			w.end()
			continue
		}
		w.out = append(w.out, "/K["...)
		for k := e.firstKid; k >= 0; k = t.kids[k].next {
			if k != e.firstKid {
				w.out = append(w.out, ' ')
			}
			switch c := &t.kids[k]; {
			case c.child >= 0:
				w.ref(elemBase + int(c.child))
			case c.page == e.page:
				w.out = strconv.AppendInt(w.out, int64(c.mcid), 10)
			default: // content on another page than the element's /Pg
				w.out = append(w.out, "<</Type/MCR/Pg "...)
				w.ref(pageObj + 2*int(c.page))
				w.out = append(w.out, "/MCID "...)
				w.out = strconv.AppendInt(w.out, int64(c.mcid), 10)
				w.out = append(w.out, ">>"...)
			}
		}
		w.out = append(w.out, "]>>"...)
		w.end()
	}
}
