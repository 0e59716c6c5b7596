// Package inspect checks that a file is a PDF that a viewer can open and
// that has pages, by reading its structure: the header, the
// cross-reference data (tables and streams, through every incremental
// update), the trailer, the catalog and the page tree. It is not a PDF
// reader: it renders nothing and decodes only the streams that hold
// structure (cross-reference and object streams). Files whose offsets are
// wrong are repaired by scanning for objects, as viewers do, so that what
// a viewer opens passes; a file with a PDF header and anything else behind
// it does not.
//
// Citizens upload documents as evidence, and the clerk must be able to
// open them: the portal refuses a "PDF" that is HTML behind a PDF header,
// a file cut short, a document without pages and one that asks for a
// password.
package inspect

import (
	"bytes"
	"errors"
	"fmt"
)

// Info is what Inspect finds.
type Info struct {
	Version   string // from the header: "1.7"
	Pages     int
	Encrypted bool // encrypted with an empty user password: it opens without one
	Repaired  bool // the cross-reference data was wrong and was rebuilt
}

// The reasons a file is refused; Inspect wraps them with details.
var (
	ErrNotPDF  = errors.New("pdf: no PDF header")
	ErrDamaged = errors.New("pdf: damaged or incomplete")
	ErrNoPages = errors.New("pdf: no pages")
	// ErrPassword is in crypt.go.
)

// Inspect reads the structure of data and reports what it finds, or why
// the file cannot be opened: ErrNotPDF, ErrDamaged, ErrNoPages or
// ErrPassword (use errors.Is).
func Inspect(data []byte) (Info, error) {
	v, ok := version(data)
	if !ok {
		return Info{}, ErrNotPDF
	}
	info := Info{Version: v}
	// Every complete PDF ends with %%EOF (viewers look for it in the last
	// KiB); a file without it was cut short, and what a repair would
	// recover of it is not the document the citizen meant to send.
	if !bytes.Contains(data[max(0, len(data)-1024):], []byte("%%EOF")) {
		return info, fmt.Errorf("%w: cut short (no %%%%EOF at the end)", ErrDamaged)
	}
	f := newFile(data)
	trailer, err := f.readXref()
	var root dict
	if err == nil {
		root, err = f.catalog(&info, trailer)
	}
	if err != nil && !errors.Is(err, ErrPassword) {
		info.Repaired = true
		f.cache, f.objs = map[int]any{}, map[int]objStm{}
		if trailer = f.repair(); trailer == nil {
			return info, fmt.Errorf("%w: no document catalog found", ErrDamaged)
		}
		root, err = f.catalog(&info, trailer)
	}
	if err != nil {
		return info, err
	}
	pages, err := f.countPages(root[name("Pages")])
	if f.exhausted {
		return info, fmt.Errorf("%w: too complex to check", ErrDamaged)
	}
	if err != nil {
		return info, err
	}
	if pages == 0 {
		return info, ErrNoPages
	}
	info.Pages = pages
	return info, nil
}

// catalog sets up decryption when the trailer says the file is encrypted
// and returns the document catalog.
func (f *file) catalog(info *Info, trailer dict) (dict, error) {
	f.crypt, info.Encrypted = nil, false
	if enc := trailer[name("Encrypt")]; enc != nil {
		info.Encrypted = true
		encDict, _ := f.resolve(enc).(dict)
		if encDict == nil {
			return nil, fmt.Errorf("%w: encryption dictionary missing", ErrDamaged)
		}
		var id []byte
		if ids, ok := f.resolve(trailer[name("ID")]).(array); ok && len(ids) > 0 {
			id, _ = f.resolve(ids[0]).([]byte)
		}
		d, err := f.newDecrypter(encDict, id)
		if err != nil {
			return nil, err
		}
		// objects read so far from object streams need decrypting
		f.crypt, f.cache, f.objs = d, map[int]any{}, map[int]objStm{}
		if info.Repaired {
			f.scanObjStms()
		}
	}
	root, _ := f.resolve(trailer[name("Root")]).(dict)
	if root == nil {
		return nil, fmt.Errorf("%w: the document catalog cannot be read", ErrDamaged)
	}
	return root, nil
}

// countPages walks the page tree from its root and counts the pages
// (leaves) it reaches; a node seen twice is a loop and counts once.
func (f *file) countPages(root any) (int, error) {
	if _, ok := f.resolve(root).(dict); !ok {
		return 0, fmt.Errorf("%w: the catalog has no page tree", ErrDamaged)
	}
	seen := map[int]bool{}
	visited, pages := 0, 0
	var walk func(node any, depth int) error
	walk = func(node any, depth int) error {
		if r, ok := node.(ref); ok {
			if seen[r.num] {
				return nil
			}
			seen[r.num] = true
		}
		visited++
		if visited > maxPageNodes || depth > maxDepth {
			return fmt.Errorf("%w: page tree too large or too deep", ErrDamaged)
		}
		d, ok := f.resolve(node).(dict)
		if !ok {
			return nil // a dangling reference: not a page
		}
		kids, hasKids := f.resolve(d[name("Kids")]).(array)
		switch t := d[name("Type")]; {
		case t == name("Page") || t == nil && !hasKids:
			if t == name("Page") || d[name("MediaBox")] != nil || d[name("Contents")] != nil {
				pages++
			}
			return nil
		case !hasKids:
			return nil
		}
		for _, k := range kids {
			if err := walk(k, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(root, 0); err != nil {
		return 0, err
	}
	return pages, nil
}
