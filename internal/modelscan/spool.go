package modelscan

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
)

// ErrTooLarge reports that a stream exceeded the size a caller allowed.
var ErrTooLarge = errors.New("size limit exceeded")

// spoolMem is how much a spool keeps in memory before moving to a
// temporary file.
const spoolMem = 8 << 20

// Spooled is a stream copied to memory (small) or a temporary file (large)
// so that formats can read it through io.ReaderAt. Close removes the file.
type Spooled struct {
	R    io.ReaderAt
	Size int64
	f    *os.File
}

// Spool copies r until EOF, failing with ErrTooLarge after limit bytes. The
// bytes read so far are kept: a caller may still scan a truncated prefix.
func Spool(r io.Reader, limit int64) (*Spooled, error) {
	var buf bytes.Buffer
	n, err := io.Copy(&buf, io.LimitReader(r, min(limit, spoolMem)+1))
	if err != nil {
		return &Spooled{R: bytes.NewReader(buf.Bytes()), Size: int64(buf.Len())}, err
	}
	if n <= min(limit, spoolMem) {
		return &Spooled{R: bytes.NewReader(buf.Bytes()), Size: n}, nil
	}
	if n > limit {
		b := buf.Bytes()[:limit]
		return &Spooled{R: bytes.NewReader(b), Size: limit}, fmt.Errorf("more than %d bytes: %w", limit, ErrTooLarge)
	}
	f, err := os.CreateTemp("", "bulwark-scan-*")
	if err != nil {
		return nil, fmt.Errorf("temporary file: %w", err)
	}
	_ = os.Remove(f.Name()) // unlinked: the data vanishes with the descriptor
	sp := &Spooled{R: f, f: f}
	if _, err := f.Write(buf.Bytes()); err != nil {
		f.Close()
		return nil, fmt.Errorf("temporary file: %w", err)
	}
	m, err := io.Copy(f, io.LimitReader(r, limit-n+1))
	sp.Size = n + m
	if err != nil {
		return sp, err
	}
	if sp.Size > limit {
		sp.Size = limit
		return sp, fmt.Errorf("more than %d bytes: %w", limit, ErrTooLarge)
	}
	return sp, nil
}

// Close releases the temporary file, if any.
func (s *Spooled) Close() error {
	if s == nil || s.f == nil {
		return nil
	}
	return s.f.Close()
}

// ratioReader fails with ErrTooLarge once the decompressed output exceeds
// both RatioFloor and maxRatio times the compressed input size.
type ratioReader struct {
	r     io.Reader
	limit int64
	n     int64
}

// LimitRatio wraps a decompressor's output: reading past
// max(lim.RatioFloor, compressed × lim.MaxRatio) bytes fails with ErrTooLarge,
// stopping decompression bombs whose sizes are not declared up front.
func LimitRatio(r io.Reader, compressed int64, lim Limits) io.Reader {
	lim = lim.WithDefaults()
	limit := lim.RatioFloor
	if compressed > 0 && compressed <= (1<<62)/lim.MaxRatio && compressed*lim.MaxRatio > limit {
		limit = compressed * lim.MaxRatio
	}
	return &ratioReader{r: r, limit: limit}
}

func (l *ratioReader) Read(p []byte) (int, error) {
	if l.n >= l.limit {
		return 0, fmt.Errorf("decompressed more than %d bytes (ratio limit): %w", l.limit, ErrTooLarge)
	}
	if int64(len(p)) > l.limit-l.n {
		p = p[:l.limit-l.n+1]
	}
	n, err := l.r.Read(p)
	l.n += int64(n)
	if l.n > l.limit {
		return n, fmt.Errorf("decompressed more than %d bytes (ratio limit): %w", l.limit, ErrTooLarge)
	}
	return n, err
}
