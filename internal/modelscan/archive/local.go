package archive

import (
	"bufio"
	"bytes"
	"compress/flate"
	"encoding/binary"
	"errors"
	"io"
)

// Zip signatures.
const (
	sigLocal      = 0x04034b50
	sigCentral    = 0x02014b50
	sigEnd        = 0x06054b50
	sigDescriptor = 0x08074b50
)

// localEntry is a member found by walking local file headers, the way
// tolerant loaders (and attackers' "broken" archives) see the file.
type localEntry struct {
	name      string
	header    int64 // offset of the local header
	dataOff   int64
	method    uint16
	flags     uint16
	crc       uint32
	csize     int64 // compressed size as found (may be measured)
	usize     int64
	truncated bool // the data runs past the end of the file
}

// maxResync is how far the walker searches for the next local header after
// data it could not size.
const maxResync = 1 << 20

// walkLocal lists the members of a zip by its local headers, without the
// central directory. It stops at the central directory, at the end of the
// file, or at bytes that are not a local header.
//
// known maps data offsets of central-directory members to their compressed
// sizes, so members written with a data descriptor need not be measured.
func walkLocal(r io.ReaderAt, size int64, maxEntries int, known map[int64]int64) ([]localEntry, error) {
	var out []localEntry
	off := int64(0)
	var hdr [30]byte
	if _, err := r.ReadAt(hdr[:4], 0); err != nil || binary.LittleEndian.Uint32(hdr[:4]) != sigLocal {
		// A prefix before the first member (self-extracting stub, polyglot).
		next, ok := findSig(r, 0, size, []byte("PK\x03\x04"), maxResync)
		if !ok {
			return nil, errors.New("no local file header")
		}
		off = next
	}
	for off+30 <= size && len(out) < maxEntries {
		if _, err := r.ReadAt(hdr[:], off); err != nil {
			return out, err
		}
		if binary.LittleEndian.Uint32(hdr[:4]) != sigLocal {
			break
		}
		e := localEntry{header: off}
		e.flags = binary.LittleEndian.Uint16(hdr[6:])
		e.method = binary.LittleEndian.Uint16(hdr[8:])
		e.crc = binary.LittleEndian.Uint32(hdr[14:])
		e.csize = int64(binary.LittleEndian.Uint32(hdr[18:]))
		e.usize = int64(binary.LittleEndian.Uint32(hdr[22:]))
		nameLen := int64(binary.LittleEndian.Uint16(hdr[26:]))
		extraLen := int64(binary.LittleEndian.Uint16(hdr[28:]))
		if off+30+nameLen+extraLen > size {
			e.truncated = true
			e.dataOff = size
			out = append(out, e)
			break
		}
		ne := make([]byte, nameLen+extraLen)
		if _, err := r.ReadAt(ne, off+30); err != nil {
			return out, err
		}
		e.name = string(ne[:nameLen])
		zip64(ne[nameLen:], &e)
		e.dataOff = off + 30 + nameLen + extraLen
		next := int64(-1)
		if cs, ok := known[e.dataOff]; ok && e.flags&8 != 0 && e.csize == 0 {
			e.csize = cs
		} else if e.flags&8 != 0 && e.csize == 0 {
			// Sizes follow the data: measure the deflate stream, or look for
			// the descriptor of stored data.
			if e.method == 8 {
				n, err := deflatedLen(r, e.dataOff, size)
				e.csize = n
				if err != nil {
					e.truncated = true
				}
			} else if d, ok := findSig(r, e.dataOff, size, []byte("PK\x07\x08"), 1<<40); ok {
				e.csize = d - e.dataOff
			} else {
				e.csize = size - e.dataOff
				e.truncated = true
			}
		}
		if e.dataOff+e.csize > size {
			e.csize = size - e.dataOff
			e.truncated = true
		}
		out = append(out, e)
		next = e.dataOff + e.csize
		if e.flags&8 != 0 {
			// Skip an optional data descriptor by finding the next header.
			if n, ok := findSig(r, next, size, []byte("PK"), 32); ok {
				var sig [4]byte
				_, _ = r.ReadAt(sig[:], n)
				if binary.LittleEndian.Uint32(sig[:]) == sigDescriptor {
					n2, ok := findSig(r, n+4, size, []byte("PK"), 32)
					if ok {
						n = n2
					}
				}
				next = n
			}
		}
		if next <= off {
			break
		}
		off = next
	}
	return out, nil
}

// zip64 applies the ZIP64 extra field to sizes stored as 0xFFFFFFFF.
func zip64(extra []byte, e *localEntry) {
	for len(extra) >= 4 {
		id := binary.LittleEndian.Uint16(extra)
		n := int(binary.LittleEndian.Uint16(extra[2:]))
		extra = extra[4:]
		if n > len(extra) {
			return
		}
		if id == 1 {
			f := extra[:n]
			if e.usize == 0xffffffff && len(f) >= 8 {
				e.usize = int64(binary.LittleEndian.Uint64(f))
				f = f[8:]
			}
			if e.csize == 0xffffffff && len(f) >= 8 {
				e.csize = int64(binary.LittleEndian.Uint64(f))
			}
		}
		extra = extra[n:]
	}
}

// findSig returns the offset of the next sig at or after from, searching at
// most limit bytes.
func findSig(r io.ReaderAt, from, size int64, sig []byte, limit int64) (int64, bool) {
	buf := make([]byte, min(64<<10, limit+int64(len(sig))))
	end := min(size, from+limit)
	for off := from; off < end; {
		n, _ := r.ReadAt(buf[:min(int64(len(buf)), end-off+int64(len(sig))-1, size-off)], off)
		if n < len(sig) {
			return 0, false
		}
		if i := bytes.Index(buf[:n], sig); i >= 0 {
			return off + int64(i), true
		}
		off += int64(n - len(sig) + 1)
	}
	return 0, false
}

// countingReader counts bytes consumed through ReadByte, so flate (which
// uses ReadByte directly on an io.ByteReader) reports its exact input length.
type countingReader struct {
	br *bufio.Reader
	n  int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.br.Read(p)
	c.n += int64(n)
	return n, err
}

func (c *countingReader) ReadByte() (byte, error) {
	b, err := c.br.ReadByte()
	if err == nil {
		c.n++
	}
	return b, err
}

// deflatedLen measures a raw deflate stream starting at off.
func deflatedLen(r io.ReaderAt, off, size int64) (int64, error) {
	cr := &countingReader{br: bufio.NewReader(io.NewSectionReader(r, off, size-off))}
	fr := flate.NewReader(cr)
	_, err := io.Copy(io.Discard, fr)
	return cr.n, err
}
