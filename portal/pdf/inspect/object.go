package inspect

import (
	"bytes"
	"errors"
	"strconv"
)

// The PDF object model, as far as finding the pages needs it.
type (
	name   string
	array  []any
	dict   map[name]any
	ref    struct{ num, gen int }
	stream struct {
		dict dict
		data []byte // raw, still encoded (and encrypted)
		num  int    // the object it is, for decryption
		gen  int
	}
)

// maxDepth bounds the nesting of arrays and dictionaries: a hostile file
// of a million "[" must not exhaust the stack.
const maxDepth = 64

var errSyntax = errors.New("syntax error")

// lexer reads PDF tokens and objects from buf.
type lexer struct {
	buf []byte
	pos int
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\r' || c == '\t' || c == '\f' || c == 0
}

func isDelim(c byte) bool {
	switch c {
	case '(', ')', '<', '>', '[', ']', '{', '}', '/', '%':
		return true
	}
	return false
}

// skip passes white space and comments.
func (l *lexer) skip() {
	for l.pos < len(l.buf) {
		c := l.buf[l.pos]
		switch {
		case isSpace(c):
			l.pos++
		case c == '%':
			for l.pos < len(l.buf) && l.buf[l.pos] != '\n' && l.buf[l.pos] != '\r' {
				l.pos++
			}
		default:
			return
		}
	}
}

// keyword reads a run of regular characters (a number, a keyword).
func (l *lexer) keyword() []byte {
	l.skip()
	start := l.pos
	for l.pos < len(l.buf) && !isSpace(l.buf[l.pos]) && !isDelim(l.buf[l.pos]) {
		l.pos++
	}
	return l.buf[start:l.pos]
}

// integer reads a non-negative integer token, restoring the position when
// the next token is not one.
func (l *lexer) integer() (int, bool) {
	save := l.pos
	k := l.keyword()
	if len(k) == 0 || len(k) > 10 {
		l.pos = save
		return 0, false
	}
	n := 0
	for _, c := range k {
		if c < '0' || c > '9' {
			l.pos = save
			return 0, false
		}
		n = n*10 + int(c-'0')
	}
	return n, true
}

// object reads one direct object; "n g R" is a reference.
func (l *lexer) object(depth int) (any, error) {
	if depth > maxDepth {
		return nil, errSyntax
	}
	l.skip()
	if l.pos >= len(l.buf) {
		return nil, errSyntax
	}
	switch c := l.buf[l.pos]; {
	case c == '/':
		return l.name(), nil
	case c == '(':
		return l.literal()
	case c == '<' && l.pos+1 < len(l.buf) && l.buf[l.pos+1] == '<':
		return l.dict(depth)
	case c == '<':
		return l.hex()
	case c == '[':
		l.pos++
		var a array
		for {
			l.skip()
			if l.pos >= len(l.buf) {
				return nil, errSyntax
			}
			if l.buf[l.pos] == ']' {
				l.pos++
				return a, nil
			}
			o, err := l.object(depth + 1)
			if err != nil {
				return nil, err
			}
			a = append(a, o)
			if len(a) > 1<<20 {
				return nil, errSyntax
			}
		}
	case isDelim(c):
		return nil, errSyntax
	}
	// a number, possibly the start of "n g R", or a keyword
	start := l.pos
	k := l.keyword()
	switch string(k) {
	case "true":
		return true, nil
	case "false":
		return false, nil
	case "null":
		return nil, nil
	}
	if n, err := strconv.Atoi(string(k)); err == nil {
		if n >= 0 && len(k) <= 10 {
			save := l.pos
			if g, ok := l.integer(); ok {
				if r := l.keyword(); string(r) == "R" {
					return ref{n, g}, nil
				}
			}
			l.pos = save
		}
		return int64(n), nil
	}
	if f, err := strconv.ParseFloat(string(k), 64); err == nil {
		return f, nil
	}
	l.pos = start
	return nil, errSyntax
}

func (l *lexer) name() name {
	l.pos++ // '/'
	var b []byte
	for l.pos < len(l.buf) && !isSpace(l.buf[l.pos]) && !isDelim(l.buf[l.pos]) {
		c := l.buf[l.pos]
		if c == '#' && l.pos+2 < len(l.buf) {
			if v, err := strconv.ParseUint(string(l.buf[l.pos+1:l.pos+3]), 16, 8); err == nil {
				b = append(b, byte(v))
				l.pos += 3
				continue
			}
		}
		b = append(b, c)
		l.pos++
	}
	return name(b)
}

// literal reads a (string) with its escapes; the bytes matter for the
// encryption dictionary's /O and /U.
func (l *lexer) literal() ([]byte, error) {
	l.pos++ // '('
	var b []byte
	nest := 0
	for l.pos < len(l.buf) {
		c := l.buf[l.pos]
		l.pos++
		switch c {
		case '(':
			nest++
		case ')':
			if nest == 0 {
				return b, nil
			}
			nest--
		case '\\':
			if l.pos >= len(l.buf) {
				return nil, errSyntax
			}
			e := l.buf[l.pos]
			l.pos++
			switch e {
			case 'n':
				c = '\n'
			case 'r':
				c = '\r'
			case 't':
				c = '\t'
			case 'b':
				c = '\b'
			case 'f':
				c = '\f'
			case '\r':
				if l.pos < len(l.buf) && l.buf[l.pos] == '\n' {
					l.pos++
				}
				continue
			case '\n':
				continue
			default:
				if e >= '0' && e <= '7' {
					v := int(e - '0')
					for i := 0; i < 2 && l.pos < len(l.buf) && l.buf[l.pos] >= '0' && l.buf[l.pos] <= '7'; i++ {
						v = v*8 + int(l.buf[l.pos]-'0')
						l.pos++
					}
					c = byte(v)
				} else {
					c = e
				}
			}
		case '\r': // an end of line in a string is a line feed
			if l.pos < len(l.buf) && l.buf[l.pos] == '\n' {
				l.pos++
			}
			c = '\n'
		}
		b = append(b, c)
	}
	return nil, errSyntax
}

func (l *lexer) hex() ([]byte, error) {
	l.pos++ // '<'
	var b []byte
	hi, half := byte(0), false
	for l.pos < len(l.buf) {
		c := l.buf[l.pos]
		l.pos++
		var v byte
		switch {
		case c == '>':
			if half {
				b = append(b, hi<<4)
			}
			return b, nil
		case isSpace(c):
			continue
		case c >= '0' && c <= '9':
			v = c - '0'
		case c >= 'a' && c <= 'f':
			v = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			v = c - 'A' + 10
		default:
			return nil, errSyntax
		}
		if half {
			b = append(b, hi<<4|v)
		} else {
			hi = v
		}
		half = !half
	}
	return nil, errSyntax
}

func (l *lexer) dict(depth int) (dict, error) {
	l.pos += 2 // "<<"
	d := dict{}
	for {
		l.skip()
		if l.pos+1 < len(l.buf) && l.buf[l.pos] == '>' && l.buf[l.pos+1] == '>' {
			l.pos += 2
			return d, nil
		}
		if l.pos >= len(l.buf) || l.buf[l.pos] != '/' {
			return nil, errSyntax
		}
		k := l.name()
		v, err := l.object(depth + 1)
		if err != nil {
			return nil, err
		}
		d[k] = v
	}
}

// indirect reads "num gen obj" followed by the object at pos; a dictionary
// followed by "stream" is a stream whose data length is told by length
// (which may have to look up an indirect /Length).
func (l *lexer) indirect(length func(any) (int, bool)) (num, gen int, o any, err error) {
	var ok bool
	if num, ok = l.integer(); !ok {
		return 0, 0, nil, errSyntax
	}
	if gen, ok = l.integer(); !ok {
		return 0, 0, nil, errSyntax
	}
	if string(l.keyword()) != "obj" {
		return 0, 0, nil, errSyntax
	}
	if o, err = l.object(0); err != nil {
		return 0, 0, nil, err
	}
	d, isDict := o.(dict)
	if !isDict {
		return num, gen, o, nil
	}
	save := l.pos
	if string(l.keyword()) != "stream" {
		l.pos = save
		return num, gen, o, nil
	}
	// the data starts after CRLF or LF (a lone CR is tolerated)
	if l.pos < len(l.buf) && l.buf[l.pos] == '\r' {
		l.pos++
	}
	if l.pos < len(l.buf) && l.buf[l.pos] == '\n' {
		l.pos++
	}
	start := l.pos
	n, ok := length(d[name("Length")])
	if ok && n >= 0 && start+n <= len(l.buf) && endstreamAt(l.buf, start+n) {
		l.pos = start + n
		return num, gen, &stream{dict: d, data: l.buf[start : start+n], num: num, gen: gen}, nil
	}
	// a wrong /Length, common in files written by hand-made tools: the
	// data ends before "endstream"
	end := bytes.Index(l.buf[start:], []byte("endstream"))
	if end < 0 {
		l.pos = len(l.buf)
		return 0, 0, nil, errSyntax
	}
	l.pos = start + end
	data := l.buf[start : start+end]
	data = bytes.TrimSuffix(data, []byte("\n"))
	data = bytes.TrimSuffix(data, []byte("\r"))
	return num, gen, &stream{dict: d, data: data, num: num, gen: gen}, nil
}

// endstreamAt reports whether "endstream" follows at i after optional
// white space.
func endstreamAt(b []byte, i int) bool {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return bytes.HasPrefix(b[i:], []byte("endstream"))
}
