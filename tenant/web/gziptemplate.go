package web

import (
	"bytes"
	"encoding/binary"
	"hash/crc32"
	"sync"

	"github.com/klauspost/compress/flate"
)

// GzipTemplate is a kept body with holes that every answer fills anew –
// the finder's result page, which differs per session only in its form
// token. The parts between the holes are compressed once, each into raw
// deflate blocks that end on a byte boundary and refer to nothing before
// them; an answer strings them together with the fill as "stored" deflate
// blocks and adds the gzip header and trailer (CRC-32 and length of the
// whole). So a 30 KB page costs its compression once and then a CRC per
// answer, not a compression per answer.
type GzipTemplate struct {
	pc    *Precompressor
	segs  [][]byte // the body between the holes
	once  sync.Once
	parts [][]byte // each segment deflated; all but the last end with a sync flush, the last is final
}

// Template wraps body, whose holes of holeLen bytes each start at the
// offsets holes (ascending, not overlapping); the placeholders are dropped.
func (pc *Precompressor) Template(body []byte, holes []int, holeLen int) *GzipTemplate {
	g := &GzipTemplate{pc: pc}
	last := 0
	for _, h := range holes {
		g.segs = append(g.segs, body[last:h])
		last = h + holeLen
	}
	g.segs = append(g.segs, body[last:])
	return g
}

// gzipHeader opens a gzip member (RFC 1952): deflate, no name, no time,
// unknown system.
var gzipHeader = [...]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff}

// AppendGzip appends to dst the gzip member of the body with fill in every
// hole. identity must be exactly that body – the caller builds it anyway
// for the identity answer –: its CRC-32 and length close the member.
func (g *GzipTemplate) AppendGzip(dst, fill, identity []byte) []byte {
	g.once.Do(g.compress)
	dst = append(dst, gzipHeader[:]...)
	for i, part := range g.parts {
		dst = append(dst, part...)
		if i < len(g.parts)-1 {
			dst = appendStored(dst, fill)
		}
	}
	dst = binary.LittleEndian.AppendUint32(dst, crc32.ChecksumIEEE(identity))
	return binary.LittleEndian.AppendUint32(dst, uint32(len(identity)))
}

// compress deflates every segment with a pooled writer, reset for each, so
// that no segment refers back into another or into a hole.
func (g *GzipTemplate) compress() {
	fw := g.pc.flate.Get().(*flate.Writer)
	defer g.pc.flate.Put(fw)
	g.parts = make([][]byte, len(g.segs))
	for i, seg := range g.segs {
		var buf bytes.Buffer
		buf.Grow(len(seg)/3 + 16)
		fw.Reset(&buf)
		_, _ = fw.Write(seg) // writes to a bytes.Buffer do not fail
		if i < len(g.segs)-1 {
			_ = fw.Flush() // sync flush: ends on a byte boundary, not final
		} else {
			_ = fw.Close() // the final block
		}
		g.parts[i] = buf.Bytes()
	}
}

// appendStored appends b as non-final stored deflate blocks (RFC 1951,
// 3.2.4) at a byte boundary: a header byte (BFINAL 0, BTYPE 00), LEN and
// its complement, the bytes; at most 65535 bytes a block.
func appendStored(dst, b []byte) []byte {
	for {
		n := min(len(b), 0xffff)
		dst = append(dst, 0)
		dst = binary.LittleEndian.AppendUint16(dst, uint16(n))
		dst = binary.LittleEndian.AppendUint16(dst, ^uint16(n))
		dst = append(dst, b[:n]...)
		b = b[n:]
		if len(b) == 0 {
			return dst
		}
	}
}
