// Package protowalk reads protocol buffer messages field by field from an
// io.ReaderAt without generated code or loading the message: scanners for
// ONNX and TensorFlow SavedModel descend into the fields they inspect and
// skip the rest (large tensors are skipped by seeking, not reading), so
// memory stays constant on multi-gigabyte files. Nesting depth and every
// length are bounded by the enclosing message.
package protowalk

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"

	"google.golang.org/protobuf/encoding/protowire"
)

// MaxDepth bounds message nesting.
const MaxDepth = 64

// seekSkip is the skip length above which the reader seeks instead of
// reading through the data.
const seekSkip = 256 << 10

// ErrMalformed is wrapped by errors caused by input that is not a valid
// protocol buffer.
var ErrMalformed = errors.New("malformed protobuf")

// Error is a malformed message at an offset.
type Error struct {
	Off int64
	Msg string
}

func (e *Error) Error() string { return fmt.Sprintf("%s at offset %d", e.Msg, e.Off) }

// Unwrap returns ErrMalformed.
func (e *Error) Unwrap() error { return ErrMalformed }

// Reader walks one serialized message.
type Reader struct {
	ra    io.ReaderAt
	br    *bufio.Reader
	off   int64
	size  int64
	limit int64 // end of the message being walked
	depth int
	ctx   context.Context
	ops   int
}

// New returns a Reader over the size bytes of ra.
func New(ctx context.Context, ra io.ReaderAt, size int64) *Reader {
	return &Reader{ra: ra, br: bufio.NewReaderSize(io.NewSectionReader(ra, 0, size), 64<<10), size: size, limit: size, ctx: ctx}
}

func (r *Reader) fail(format string, args ...any) error {
	return &Error{Off: r.off, Msg: fmt.Sprintf(format, args...)}
}

// Offset is the current position in the input.
func (r *Reader) Offset() int64 { return r.off }

func (r *Reader) byte() (byte, error) {
	if r.off >= r.limit {
		return 0, r.fail("message truncated")
	}
	b, err := r.br.ReadByte()
	if err != nil {
		if errors.Is(err, io.EOF) {
			return 0, r.fail("unexpected end of file")
		}
		return 0, err
	}
	r.off++
	return b, nil
}

func (r *Reader) varint() (uint64, error) {
	var v uint64
	for i := 0; i < 10; i++ {
		b, err := r.byte()
		if err != nil {
			return 0, err
		}
		if i == 9 && b > 1 {
			return 0, r.fail("varint overflows 64 bits")
		}
		v |= uint64(b&0x7f) << (7 * i)
		if b < 0x80 {
			return v, nil
		}
	}
	return 0, r.fail("varint overflows 64 bits")
}

// Walk calls fn for every field of the message that extends to the
// current limit. fn must consume the field's value with exactly one of
// Skip, Varint, Bytes or Message.
func (r *Reader) Walk(fn func(num protowire.Number, typ protowire.Type) error) error {
	for r.off < r.limit {
		if r.ops++; r.ops&1023 == 0 {
			if err := r.ctx.Err(); err != nil {
				return err
			}
		}
		tag, err := r.varint()
		if err != nil {
			return err
		}
		num, typ := protowire.DecodeTag(tag)
		if num < protowire.MinValidNumber || num > protowire.MaxValidNumber {
			return r.fail("invalid field number %d", num)
		}
		if err := fn(num, typ); err != nil {
			return err
		}
	}
	return nil
}

// Skip consumes a value of wire type typ.
func (r *Reader) Skip(typ protowire.Type) error {
	switch typ {
	case protowire.VarintType:
		_, err := r.varint()
		return err
	case protowire.Fixed32Type:
		return r.discard(4)
	case protowire.Fixed64Type:
		return r.discard(8)
	case protowire.BytesType:
		n, err := r.length()
		if err != nil {
			return err
		}
		return r.discard(n)
	default:
		return r.fail("unsupported wire type %d", typ)
	}
}

// Varint consumes a varint value (typ must be VarintType).
func (r *Reader) Varint(typ protowire.Type) (uint64, error) {
	if typ != protowire.VarintType {
		if err := r.Skip(typ); err != nil {
			return 0, err
		}
		return 0, r.fail("expected a varint")
	}
	return r.varint()
}

func (r *Reader) length() (int64, error) {
	n, err := r.varint()
	if err != nil {
		return 0, err
	}
	if n > uint64(r.limit-r.off) {
		return 0, r.fail("length %d runs past the enclosing message", n)
	}
	return int64(n), nil
}

func (r *Reader) discard(n int64) error {
	if n > r.limit-r.off {
		return r.fail("value runs past the enclosing message")
	}
	if n > seekSkip {
		r.off += n
		r.br.Reset(io.NewSectionReader(r.ra, r.off, r.size-r.off))
		return nil
	}
	d, err := r.br.Discard(int(n))
	r.off += int64(d)
	if err != nil {
		return r.fail("unexpected end of file")
	}
	return nil
}

// Bytes consumes a length-delimited value. Values longer than max are
// skipped and returned as nil with truncated set.
func (r *Reader) Bytes(typ protowire.Type, max int) (b []byte, truncated bool, err error) {
	if typ != protowire.BytesType {
		if err := r.Skip(typ); err != nil {
			return nil, false, err
		}
		return nil, false, r.fail("expected a length-delimited value")
	}
	n, err := r.length()
	if err != nil {
		return nil, false, err
	}
	if n > int64(max) {
		return nil, true, r.discard(n)
	}
	b = make([]byte, n)
	if _, err := io.ReadFull(r.br, b); err != nil {
		return nil, false, r.fail("unexpected end of file")
	}
	r.off += n
	return b, false, nil
}

// String is Bytes as a string.
func (r *Reader) String(typ protowire.Type, max int) (string, bool, error) {
	b, tr, err := r.Bytes(typ, max)
	return string(b), tr, err
}

// Message consumes an embedded message, walking its fields with fn.
func (r *Reader) Message(typ protowire.Type, fn func(num protowire.Number, typ protowire.Type) error) error {
	if typ != protowire.BytesType {
		if err := r.Skip(typ); err != nil {
			return err
		}
		return r.fail("expected an embedded message")
	}
	if r.depth >= MaxDepth {
		return r.fail("messages nested deeper than %d", MaxDepth)
	}
	n, err := r.length()
	if err != nil {
		return err
	}
	outer := r.limit
	r.limit = r.off + n
	r.depth++
	err = r.Walk(fn)
	r.depth--
	r.limit = outer
	return err
}
