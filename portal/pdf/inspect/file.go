package inspect

import (
	"bytes"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strconv"
)

// file is a PDF being inspected.
type file struct {
	buf   []byte
	xref  map[int]entry
	free  map[int]bool
	cache map[int]any
	busy  map[int]bool // objects being read, against reference loops
	objs  map[int]objStm
	crypt *decrypter // nil when not encrypted
	work  int        // bytes inflated so far
	// scanned counts the bytes the lexer has read; a hostile file (an
	// unclosed string in every object, overlapping sections) could make it
	// read the file over and over, so reading stops at a budget.
	scanned, budget int
	exhausted       bool
}

// charge adds n scanned bytes and reports whether the budget still holds.
func (f *file) charge(n int) bool {
	f.scanned += n
	if f.scanned > f.budget {
		f.exhausted = true
	}
	return !f.exhausted
}

// objStm is a decoded object stream: its data and where each object starts.
type objStm struct {
	data    []byte
	offsets map[int]int // object number → offset in data
}

func newFile(buf []byte) *file {
	return &file{buf: buf, xref: map[int]entry{}, free: map[int]bool{}, cache: map[int]any{}, busy: map[int]bool{}, objs: map[int]objStm{},
		budget: 16*len(buf) + 16<<20}
}

// object returns object num, or nil when it does not exist or cannot be
// read (a reference to a missing object is null).
func (f *file) object(num int) any {
	if o, ok := f.cache[num]; ok {
		return o
	}
	e, ok := f.xref[num]
	if !ok || f.busy[num] || f.exhausted {
		return nil
	}
	f.busy[num] = true
	defer delete(f.busy, num)
	o := f.objectAt(num, e)
	f.cache[num] = o
	return o
}

func (f *file) objectAt(num int, e entry) any {
	if e.inStream > 0 {
		return f.fromObjStm(num, e)
	}
	if e.offset <= 0 || e.offset >= len(f.buf) {
		return nil
	}
	l := lexer{buf: f.buf, pos: e.offset}
	n, _, o, err := l.indirect(f.length)
	if !f.charge(l.pos-e.offset) || err != nil || n != num {
		return nil
	}
	return o
}

// length resolves a stream's /Length, which may be an indirect object.
func (f *file) length(v any) (int, bool) {
	n, ok := f.resolve(v).(int64)
	return int(n), ok && n <= int64(len(f.buf))
}

// resolve follows references to the value they point at.
func (f *file) resolve(v any) any {
	for range maxResolution {
		r, ok := v.(ref)
		if !ok {
			return v
		}
		v = f.object(r.num)
	}
	return nil
}

func (f *file) fromObjStm(num int, e entry) any {
	os, ok := f.objs[e.inStream]
	if !ok {
		s, isStream := f.object(e.inStream).(*stream)
		if !isStream || s.dict[name("Type")] != name("ObjStm") {
			return nil
		}
		os, ok = f.registerObjStm(e.inStream, s)
		if !ok {
			return nil
		}
	}
	off, ok := os.offsets[num]
	if !ok {
		return nil
	}
	l := lexer{buf: os.data, pos: off}
	o, err := l.object(0)
	if !f.charge(l.pos-off) || err != nil {
		return nil
	}
	return o
}

// registerObjStm decodes an object stream and reads its header: N pairs
// of object number and offset (relative to /First).
func (f *file) registerObjStm(num int, s *stream) (objStm, bool) {
	if os, ok := f.objs[num]; ok {
		return os, true
	}
	f.objs[num] = objStm{} // against a stream that contains itself
	data, err := f.decode(s, true)
	if err != nil {
		return objStm{}, false
	}
	n, _ := f.resolve(s.dict[name("N")]).(int64)
	first, _ := f.resolve(s.dict[name("First")]).(int64)
	if n < 0 || n > maxObjects || first < 0 || int(first) > len(data) {
		return objStm{}, false
	}
	os := objStm{data: data, offsets: make(map[int]int, n)}
	l := lexer{buf: data[:first]}
	for range n {
		obj, ok1 := l.integer()
		off, ok2 := l.integer()
		if !ok1 || !ok2 || int(first)+off > len(data) {
			return objStm{}, false
		}
		os.offsets[obj] = int(first) + off
		if _, known := f.xref[obj]; !known && !f.free[obj] {
			f.xref[obj] = entry{inStream: num}
		}
	}
	f.objs[num] = os
	return os, true
}

var errFilter = errors.New("unsupported stream filter")

// decode returns a stream's data decrypted (when crypt is set and the
// file is encrypted) and decoded. Only the filters that cross-reference
// and object streams use in practice are supported: FlateDecode, with or
// without a PNG predictor.
func (f *file) decode(s *stream, crypt bool) ([]byte, error) {
	data := s.data
	if crypt && f.crypt != nil {
		var err error
		if data, err = f.crypt.stream(s.num, s.gen, data); err != nil {
			return nil, err
		}
	}
	filters := f.resolve(s.dict[name("Filter")])
	parms := f.resolve(s.dict[name("DecodeParms")])
	if a, ok := filters.(array); ok {
		if len(a) > 1 {
			return nil, errFilter
		}
		if len(a) == 1 {
			filters = f.resolve(a[0])
		} else {
			filters = nil
		}
		if p, ok := parms.(array); ok && len(p) == 1 {
			parms = f.resolve(p[0])
		}
	}
	switch filters {
	case nil:
		return data, nil
	case name("FlateDecode"), name("Fl"):
	default:
		return nil, fmt.Errorf("%w %v", errFilter, filters)
	}
	zr, err := zlib.NewReader(bytes.NewReader(data))
	if err != nil {
		return nil, fmt.Errorf("inflate: %w", err)
	}
	limit := min(maxInflated, maxTotalWork-f.work)
	out, err := io.ReadAll(io.LimitReader(zr, int64(limit)+1))
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) || len(out) == 0 && err != nil {
		// a stream cut short after its data is common and harmless; a
		// stream that yields nothing is not
		return nil, fmt.Errorf("inflate: %w", err)
	}
	if len(out) > limit {
		return nil, fmt.Errorf("inflate: more than %d bytes", limit)
	}
	f.work += len(out)
	if p, ok := parms.(dict); ok {
		return unpredict(out, p)
	}
	return out, nil
}

// unpredict reverses a PNG predictor (/Predictor 10–15), as
// cross-reference streams use it.
func unpredict(data []byte, p dict) ([]byte, error) {
	pred, _ := p[name("Predictor")].(int64)
	if pred < 10 {
		if pred > 1 {
			return nil, fmt.Errorf("%w: TIFF predictor", errFilter)
		}
		return data, nil
	}
	cols, _ := p[name("Columns")].(int64)
	if cols == 0 {
		cols = 1
	}
	colors, _ := p[name("Colors")].(int64)
	if colors == 0 {
		colors = 1
	}
	bpc, _ := p[name("BitsPerComponent")].(int64)
	if bpc == 0 {
		bpc = 8
	}
	if cols < 0 || cols > 1<<16 || colors < 0 || colors > 32 || bpc < 0 || bpc > 16 {
		return nil, fmt.Errorf("%w: predictor parameters", errFilter)
	}
	bpp := max(1, int(colors*bpc+7)/8)
	row := int(cols*colors*bpc+7) / 8
	out := make([]byte, 0, len(data)/(row+1)*row)
	prev := make([]byte, row) // the row above the first is zeros
	for len(data) > 0 {
		if len(data) < row+1 {
			return nil, fmt.Errorf("%w: predictor row cut short", errFilter)
		}
		typ, cur := data[0], data[1:row+1]
		data = data[row+1:]
		start := len(out)
		out = append(out, cur...)
		line := out[start:]
		for i := range row {
			var left, upLeft byte
			if i >= bpp {
				left, upLeft = line[i-bpp], prev[i-bpp]
			}
			up := prev[i]
			switch typ {
			case 0:
			case 1:
				line[i] += left
			case 2:
				line[i] += up
			case 3:
				line[i] += byte((int(left) + int(up)) / 2)
			case 4:
				line[i] += paeth(left, up, upLeft)
			default:
				return nil, fmt.Errorf("%w: predictor type %d", errFilter, typ)
			}
		}
		prev = line
	}
	return out, nil
}

func paeth(a, b, c byte) byte {
	p := int(a) + int(b) - int(c)
	pa, pb, pc := abs(p-int(a)), abs(p-int(b)), abs(p-int(c))
	switch {
	case pa <= pb && pa <= pc:
		return a
	case pb <= pc:
		return b
	}
	return c
}

func abs(v int) int {
	if v < 0 {
		return -v
	}
	return v
}

// version reads the header's "%PDF-1.7".
func version(buf []byte) (string, bool) {
	if !bytes.HasPrefix(buf, []byte("%PDF-")) {
		return "", false
	}
	l := lexer{buf: buf, pos: 5}
	v := l.keyword()
	if _, err := strconv.ParseFloat(string(v), 64); err != nil || len(v) > 4 {
		return "", false
	}
	return string(v), true
}
