package pdf

import (
	"bytes"
	"errors"
	"fmt"
	"github.com/klauspost/compress/zlib"
	"sync"
	"time"
)

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
	// CitizenLang is the portal language the citizen applied in ("uk").
	// The document is German; an answer in another script is tagged with
	// its language, and where the script alone does not tell which (Cyrillic
	// without a letter only Ukrainian or only Russian has), this decides.
	CitizenLang string
	// Language names the citizen's language in German for the header
	// ("Sprache der Antragstellung: Ukrainisch"); empty leaves the line out.
	Language string
}

// Section is one step of the form.
type Section struct {
	Title string
	Rows  []Row
}

// Row is one answer; a Heading row starts a sub-part (a household member).
// An answer with several parts (documents uploaded, boxes ticked) gives
// them as Items instead of a Value: they print as a bulleted list.
type Row struct {
	Label, Value string
	Items        []string
	Heading      bool
}

// Renderer renders application PDFs. It holds what every document shares:
// the parsed font with the subsets already compressed, the compressed
// colour profile and a pool of scratch buffers. Make one with NewRenderer
// and share it; it is safe for concurrent use.
type Renderer struct {
	font    *font
	icc     []byte
	scratch sync.Pool // of *scratch
}

// NewRenderer parses the embedded font and prepares the colour profile.
func NewRenderer() (*Renderer, error) {
	f, err := parseFont(fontTTF)
	if err != nil {
		return nil, fmt.Errorf("pdf: embedded font: %w", err)
	}
	r := &Renderer{font: f}
	r.scratch.New = func() any {
		s := &scratch{}
		s.zw, _ = zlib.NewWriterLevel(&s.z, zlib.BestSpeed) // the level is valid
		return s
	}
	s := r.scratch.Get().(*scratch)
	defer r.scratch.Put(s)
	z, err := s.deflate(srgbProfile(), nil)
	if err != nil {
		return nil, fmt.Errorf("pdf: colour profile: %w", err)
	}
	r.icc = append([]byte(nil), z...)
	return r, nil
}

// Render returns the PDF.
func (r *Renderer) Render(d *Document) ([]byte, error) {
	if d.Title == "" || d.Tenant == "" {
		return nil, errors.New("pdf: title and tenant are required")
	}
	s := r.scratch.Get().(*scratch)
	defer r.release(s)
	s.reset(r.font)
	l := layout{c: &s.canvas, t: &s.tree, d: d, pages: s.pages[:0], labels: s.labels[:0], values: s.values[:0], items: s.items[:0]}
	l.run()
	s.pages, s.labels, s.values, s.items = l.pages, l.labels, l.values, l.items
	out, err := s.write(d, r.font, r.icc)
	if err != nil {
		return nil, fmt.Errorf("pdf: %w", err)
	}
	return out, nil
}

// scratch holds the buffers of one rendering. Allocating them – above all
// the zlib compressor, which is most of a megabyte – for every document
// cost more than laying the document out, so finished renderings hand
// them back to the Renderer's pool. Everything is reset before use; no document's data
// reaches the next one's output.
type scratch struct {
	canvas canvas
	tree   tree
	pages  []pageSpan
	items  []int32
	labels []string
	values []string
	font   []byte       // the uncompressed font subset
	z      bytes.Buffer // compressed stream data
	zw     *zlib.Writer
	misc   []byte // XMP and ToUnicode before compression
	out    []byte // the PDF, copied out at the end at its exact size
	xref   []int  // object offsets
	body   []byte // the object stream's objects
	packed []int  // the object stream's header
}

func (s *scratch) reset(f *font) {
	c := &s.canvas
	c.f, c.buf = f, c.buf[:0]
	if len(c.used) != f.numGlyphs {
		c.used, c.uni = make([]bool, f.numGlyphs), make([]rune, f.numGlyphs)
	}
	clear(c.used)
	clear(c.uni)
	c.resetState()
	s.tree.reset()
}

// release returns s to the pool without the references into the document
// that the wrapped lines hold.
func (r *Renderer) release(s *scratch) {
	clear(s.labels[:cap(s.labels)])
	clear(s.values[:cap(s.values)])
	clear(s.tree.strs)
	r.scratch.Put(s)
}
