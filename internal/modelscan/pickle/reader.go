package pickle

import (
	"errors"
	"io"
)

const bufSize = 64 << 10

var errTruncated = errors.New("pickle data was truncated")

// reader is a forward-only buffered reader over an io.ReaderAt that knows
// the object offset of every byte, so large values can be referenced in
// place instead of copied.
type reader struct {
	src  io.ReaderAt
	size int64
	buf  []byte
	pos  int
	end  int
	base int64 // object offset of buf[0]
}

func newReader(src io.ReaderAt, off, size int64) *reader {
	return &reader{src: src, size: size, buf: make([]byte, bufSize), base: off}
}

func (r *reader) offset() int64 { return r.base + int64(r.pos) }

func (r *reader) remaining() int64 { return r.size - r.offset() }

// fill makes at least n bytes available (n <= bufSize); it returns
// errTruncated when the object ends first.
func (r *reader) fill(n int) error {
	if r.end-r.pos >= n {
		return nil
	}
	copy(r.buf, r.buf[r.pos:r.end])
	r.base += int64(r.pos)
	r.end -= r.pos
	r.pos = 0
	for r.end < n {
		want := min(int64(len(r.buf)-r.end), r.size-(r.base+int64(r.end)))
		if want <= 0 {
			return errTruncated
		}
		m, err := r.src.ReadAt(r.buf[r.end:r.end+int(want)], r.base+int64(r.end))
		r.end += m
		if m == 0 {
			if err == nil || errors.Is(err, io.EOF) {
				return errTruncated
			}
			return err
		}
	}
	return nil
}

func (r *reader) readByte() (byte, error) {
	if r.pos < r.end {
		b := r.buf[r.pos]
		r.pos++
		return b, nil
	}
	if err := r.fill(1); err != nil {
		return 0, err
	}
	b := r.buf[r.pos]
	r.pos++
	return b, nil
}

// next returns the next n bytes (n <= bufSize), valid until the next call.
func (r *reader) next(n int) ([]byte, error) {
	if r.end-r.pos < n {
		if err := r.fill(n); err != nil {
			return nil, err
		}
	}
	b := r.buf[r.pos : r.pos+n]
	r.pos += n
	return b, nil
}

// skip moves forward n bytes; it fails when fewer remain.
func (r *reader) skip(n int64) error {
	if n < 0 || n > r.remaining() {
		return errTruncated
	}
	if n <= int64(r.end-r.pos) {
		r.pos += int(n)
		return nil
	}
	r.base = r.offset() + n
	r.pos, r.end = 0, 0
	return nil
}

// line returns the bytes up to and including the next '\n'. A line longer
// than max is an error. The slice may alias the buffer.
func (r *reader) line(max int) ([]byte, error) {
	for i := r.pos; i < r.end; i++ {
		if r.buf[i] == '\n' {
			b := r.buf[r.pos : i+1]
			r.pos = i + 1
			return b, nil
		}
	}
	var acc []byte
	for {
		if r.pos >= r.end {
			if err := r.fill(1); err != nil {
				return nil, err
			}
		}
		chunk := r.buf[r.pos:r.end]
		for i, c := range chunk {
			if c == '\n' {
				acc = append(acc, chunk[:i+1]...)
				r.pos += i + 1
				return acc, nil
			}
		}
		acc = append(acc, chunk...)
		r.pos = r.end
		if len(acc) > max {
			return nil, errLineTooLong
		}
	}
}

var errLineTooLong = errors.New("line too long")

// seek moves to an absolute object offset (forward or back).
func (r *reader) seek(off int64) {
	if off >= r.base && off <= r.base+int64(r.end) {
		r.pos = int(off - r.base)
		return
	}
	r.base, r.pos, r.end = off, 0, 0
}
