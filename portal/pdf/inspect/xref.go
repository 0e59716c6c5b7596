package inspect

import (
	"bytes"
	"errors"
	"fmt"
	"slices"
)

// entry locates an object: at an offset in the file, or as the index-th
// object of an object stream.
type entry struct {
	offset   int
	inStream int // the object stream's number, 0 when at offset
	index    int
}

// Limits against hostile files.
const (
	maxObjects    = 1 << 20  // entries in the cross-reference data
	maxSections   = 64       // incremental updates followed through /Prev
	maxInflated   = 32 << 20 // bytes one stream may inflate to
	maxTotalWork  = 64 << 20 // bytes inflated for one file in all
	maxPageNodes  = 100_000  // page tree nodes visited
	maxResolution = 32       // references followed for one value
)

var errXref = errors.New("cross-reference data unreadable")

// readXref reads the cross-reference sections from startxref back through
// /Prev, the newest entry of an object winning, and returns the newest
// trailer (for a cross-reference stream: its dictionary).
func (f *file) readXref() (dict, error) {
	i := bytes.LastIndex(f.buf[max(0, len(f.buf)-4096):], []byte("startxref"))
	if i < 0 {
		return nil, fmt.Errorf("%w: no startxref", errXref)
	}
	l := lexer{buf: f.buf, pos: max(0, len(f.buf)-4096) + i + len("startxref")}
	off, ok := l.integer()
	if !ok {
		return nil, fmt.Errorf("%w: startxref without offset", errXref)
	}
	var trailer dict
	seen := map[int]bool{}
	for n := 0; ; n++ {
		if n >= maxSections || seen[off] || off <= 0 || off >= len(f.buf) {
			return nil, fmt.Errorf("%w: section at %d", errXref, off)
		}
		seen[off] = true
		t, err := f.readSection(off)
		if err != nil {
			return nil, err
		}
		if trailer == nil {
			trailer = t
		}
		// a hybrid file: the stream holds the objects that the table
		// does not list for older readers
		if xs, ok := t[name("XRefStm")].(int64); ok && xs > 0 && int(xs) < len(f.buf) && !seen[int(xs)] {
			seen[int(xs)] = true
			if _, err := f.readSection(int(xs)); err != nil {
				return nil, err
			}
		}
		prev, ok := t[name("Prev")].(int64)
		if !ok {
			return trailer, nil
		}
		off = int(prev)
	}
}

// readSection reads one cross-reference table with its trailer, or one
// cross-reference stream, adding the entries not yet known.
func (f *file) readSection(off int) (t dict, err error) {
	l := lexer{buf: f.buf, pos: off}
	defer func() {
		if !f.charge(l.pos-off) && err == nil {
			err = fmt.Errorf("%w: too much to read", errXref)
		}
	}()
	save := l.pos
	if string(l.keyword()) != "xref" {
		l.pos = save
		return f.readXrefStream(&l)
	}
	for {
		save := l.pos
		first, ok := l.integer()
		if !ok {
			l.pos = save
			break
		}
		count, ok := l.integer()
		if !ok || first+count > maxObjects {
			return nil, fmt.Errorf("%w: subsection header at %d", errXref, save)
		}
		for i := range count {
			o, ok1 := l.integer()
			_, ok2 := l.integer()
			kind := l.keyword()
			if !ok1 || !ok2 || len(kind) != 1 || kind[0] != 'n' && kind[0] != 'f' {
				return nil, fmt.Errorf("%w: table entry %d", errXref, first+i)
			}
			if _, known := f.xref[first+i]; known || f.free[first+i] {
				continue
			}
			if kind[0] == 'f' || o == 0 {
				f.free[first+i] = true
				continue
			}
			f.xref[first+i] = entry{offset: o}
		}
	}
	if string(l.keyword()) != "trailer" {
		return nil, fmt.Errorf("%w: no trailer", errXref)
	}
	o, err := l.object(0)
	t, ok := o.(dict)
	if err != nil || !ok {
		return nil, fmt.Errorf("%w: trailer is not a dictionary", errXref)
	}
	return t, nil
}

// readXrefStream reads a cross-reference stream (PDF 1.5).
func (f *file) readXrefStream(l *lexer) (dict, error) {
	_, _, o, err := l.indirect(func(v any) (int, bool) { n, ok := v.(int64); return int(n), ok })
	s, ok := o.(*stream)
	if err != nil || !ok || s.dict[name("Type")] != name("XRef") {
		return nil, fmt.Errorf("%w: no table or stream at the offset", errXref)
	}
	data, err := f.decode(s, false) // never encrypted
	if err != nil {
		return nil, fmt.Errorf("%w: %w", errXref, err)
	}
	w, _ := s.dict[name("W")].(array)
	if len(w) != 3 {
		return nil, fmt.Errorf("%w: /W", errXref)
	}
	var widths [3]int
	for i, v := range w {
		n, ok := v.(int64)
		if !ok || n < 0 || n > 8 {
			return nil, fmt.Errorf("%w: /W", errXref)
		}
		widths[i] = int(n)
	}
	size, _ := s.dict[name("Size")].(int64)
	if size < 0 || size > maxObjects {
		return nil, fmt.Errorf("%w: /Size %d", errXref, size)
	}
	index := array{int64(0), size}
	if ix, ok := s.dict[name("Index")].(array); ok {
		index = ix
	}
	rec := widths[0] + widths[1] + widths[2]
	if rec == 0 {
		return nil, fmt.Errorf("%w: /W", errXref)
	}
	field := func(b []byte, def int) int {
		if len(b) == 0 {
			return def
		}
		v := 0
		for _, c := range b {
			v = v<<8 | int(c)
		}
		return v
	}
	p := 0
	for i := 0; i+1 < len(index); i += 2 {
		first, ok1 := index[i].(int64)
		count, ok2 := index[i+1].(int64)
		if !ok1 || !ok2 || first < 0 || count < 0 || first+count > maxObjects {
			return nil, fmt.Errorf("%w: /Index", errXref)
		}
		for j := range int(count) {
			if p+rec > len(data) {
				return nil, fmt.Errorf("%w: stream shorter than its /Index", errXref)
			}
			r := data[p : p+rec]
			p += rec
			num := int(first) + j
			typ := field(r[:widths[0]], 1)
			a := field(r[widths[0]:widths[0]+widths[1]], 0)
			b := field(r[widths[0]+widths[1]:], 0)
			if _, known := f.xref[num]; known || f.free[num] {
				continue
			}
			switch typ {
			case 0:
				f.free[num] = true
			case 1:
				if a > 0 {
					f.xref[num] = entry{offset: a}
				}
			case 2:
				f.xref[num] = entry{inStream: a, index: b}
			}
		}
	}
	return s.dict, nil
}

// repair rebuilds the cross-reference data by scanning the file for
// "n g obj", as PDF viewers do with files whose offsets are wrong, and
// returns the trailer it finds (the last one with a /Root), or one made up
// from the catalog object.
func (f *file) repair() dict {
	f.xref, f.free = map[int]entry{}, map[int]bool{}
	var trailer dict
	var catalog int
	for i := 0; ; {
		j := bytes.Index(f.buf[i:], []byte("obj"))
		if j < 0 {
			break
		}
		at := i + j
		i = at + 3
		if at+3 < len(f.buf) && !isSpace(f.buf[at+3]) && !isDelim(f.buf[at+3]) {
			continue // "objects", "endobj" is handled by the look-back
		}
		start, ok := objStart(f.buf, at)
		if !ok {
			continue
		}
		l := lexer{buf: f.buf, pos: start}
		num, _ := l.integer()
		if num <= 0 || num > maxObjects {
			continue
		}
		f.xref[num] = entry{offset: start} // a later definition wins
		l = lexer{buf: f.buf, pos: at + 3}
		o, err := l.object(0)
		if !f.charge(l.pos - at) {
			return nil
		}
		if err == nil {
			if d, ok := o.(dict); ok {
				switch d[name("Type")] {
				case name("Catalog"):
					catalog = num
				case name("XRef"):
					if _, ok := d[name("Root")]; ok {
						trailer = d
					}
				}
			}
		}
	}
	for i := 0; ; {
		j := bytes.Index(f.buf[i:], []byte("trailer"))
		if j < 0 {
			break
		}
		l := lexer{buf: f.buf, pos: i + j + len("trailer")}
		i += j + len("trailer")
		o, err := l.object(0)
		if !f.charge(l.pos - i) {
			return nil
		}
		if err == nil {
			if d, ok := o.(dict); ok && d[name("Root")] != nil {
				trailer = d
			}
		}
	}
	f.scanObjStms()
	if trailer == nil && catalog > 0 {
		trailer = dict{name("Root"): ref{catalog, 0}}
	}
	return trailer
}

// scanObjStms registers the objects of every object stream found by
// repair.
func (f *file) scanObjStms() {
	var streams []int
	for num, e := range f.xref {
		if e.inStream == 0 {
			if s, ok := f.objectAt(num, e).(*stream); ok && s.dict[name("Type")] == name("ObjStm") {
				streams = append(streams, num)
			}
		}
	}
	slices.Sort(streams) // the same file always gives the same result
	for _, num := range streams {
		if s, ok := f.objectAt(num, f.xref[num]).(*stream); ok {
			f.registerObjStm(num, s)
		}
	}
}

// objStart finds the start of "n g" before the "obj" keyword at at.
func objStart(b []byte, at int) (int, bool) {
	i := at
	digits := func() bool {
		for i > 0 && isSpace(b[i-1]) {
			i--
		}
		end := i
		for i > 0 && b[i-1] >= '0' && b[i-1] <= '9' {
			i--
		}
		return i < end
	}
	if !digits() || !digits() {
		return 0, false
	}
	if i > 0 && !isSpace(b[i-1]) && !isDelim(b[i-1]) {
		return 0, false
	}
	return i, true
}
