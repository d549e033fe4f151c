// Package compressed scans single-stream compressed files: joblib's
// compressors (zlib, gzip, bz2, lzma, xz, lz4, and the old "ZF" zlib
// files), and .gz/.bz2/.xz/.lz4 wrappers around any model file (a
// .tar.gz, a gzipped pickle). The stream is decompressed into a spool within
// the scan's total-bytes limit and handed back to the engine.
package compressed

import (
	"bytes"
	"compress/bzip2"
	"compress/gzip"
	"compress/zlib"
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/pierrec/lz4/v4"
	"github.com/ulikunitz/xz"
	"github.com/ulikunitz/xz/lzma"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// Rule ids.
const (
	RuleBomb      = "compressed.bomb"
	RuleCorrupt   = "compressed.corrupt"
	RuleTruncated = "compressed.truncated"
)

// Format is the compressed-stream format.
type Format struct{ lim modelscan.Limits }

var _ modelscan.Format = (*Format)(nil)

// New returns the format with limits.
func New(lim modelscan.Limits) *Format { return &Format{lim: lim.WithDefaults()} }

// Name implements modelscan.Format.
func (*Format) Name() string { return "compressed" }

type codec int

const (
	none codec = iota
	cZlib
	cGzip
	cBzip2
	cXz
	cLzma
	cLz4
	cZF
)

func detect(name string, head []byte) codec {
	ext := strings.ToLower(filepath.Ext(name))
	switch {
	case len(head) >= 2 && head[0] == 0x1f && head[1] == 0x8b:
		return cGzip
	case bytes.HasPrefix(head, []byte("BZh")) && len(head) > 3 && head[3] >= '1' && head[3] <= '9':
		return cBzip2
	case bytes.HasPrefix(head, []byte{0xfd, '7', 'z', 'X', 'Z', 0}):
		return cXz
	case bytes.HasPrefix(head, []byte{0x04, 0x22, 0x4d, 0x18}):
		return cLz4
	case bytes.HasPrefix(head, []byte("ZF0x")):
		return cZF
	case len(head) >= 2 && head[0] == 0x78 && (uint16(head[0])<<8|uint16(head[1]))%31 == 0:
		return cZlib
	case len(head) >= 3 && head[0] == 0x5d && head[1] == 0 && head[2] == 0 && (ext == ".lzma" || ext == ".joblib" || ext == ".pkl" || ext == ".z"):
		return cLzma
	}
	return none
}

// Match implements modelscan.Format (by magic number).
func (*Format) Match(name string, head []byte) bool { return detect(name, head) != none }

// innerName drops a compression extension: "model.pkl.gz" -> "model.pkl".
func innerName(name string) string {
	ext := strings.ToLower(filepath.Ext(name))
	switch ext {
	case ".gz", ".z", ".bz2", ".xz", ".lzma", ".lz4", ".zlib", ".tgz":
		n := strings.TrimSuffix(name, filepath.Ext(name))
		if ext == ".tgz" {
			n += ".tar"
		}
		return n
	}
	return name
}

// Scan implements modelscan.Format.
func (f *Format) Scan(ctx context.Context, obj modelscan.Object, s modelscan.Scope) error {
	head := make([]byte, 32)
	n, _ := obj.R.ReadAt(head, 0)
	head = head[:n]
	c := detect(obj.Name, head)
	src := io.NewSectionReader(obj.R, 0, obj.Size)
	var r io.Reader
	var err error
	switch c {
	case cGzip:
		r, err = gzip.NewReader(src)
	case cBzip2:
		r = bzip2.NewReader(src)
	case cXz:
		r, err = xz.NewReader(src)
	case cLzma:
		r, err = lzma.NewReader(src)
	case cLz4:
		r = lz4.NewReader(src)
	case cZF:
		// joblib < 0.10: "ZF" + hex length padded to 19 bytes + zlib data.
		r, err = zlib.NewReader(io.NewSectionReader(obj.R, 21, obj.Size-21))
	case cZlib:
		r, err = zlib.NewReader(src)
	default:
		return errors.New("unknown compression")
	}
	if err != nil {
		return fmt.Errorf("cannot decompress: %w", err)
	}
	sp, err := modelscan.Spool(modelscan.LimitRatio(r, obj.Size, f.lim), f.lim.MaxTotalBytes)
	if sp == nil {
		return fmt.Errorf("decompress: %w", err)
	}
	defer sp.Close()
	switch {
	case errors.Is(err, modelscan.ErrTooLarge):
		s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: RuleBomb,
			Message: "stream decompresses past the scan limit (decompression bomb); its beginning was scanned", Evidence: fmt.Sprint(sp.Size)})
	case errors.Is(err, io.ErrUnexpectedEOF):
		s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: RuleTruncated,
			Message: "compressed stream is truncated; the part that decompresses was scanned"})
	case err != nil:
		if sp.Size == 0 {
			return fmt.Errorf("decompress: %w", err)
		}
		s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: RuleCorrupt,
			Message: "compressed stream is corrupt; the part that decompresses was scanned", Evidence: err.Error()})
	}
	return s.Descend(ctx, modelscan.Object{Name: innerName(obj.Name), Member: "decompressed", R: sp.R, Size: sp.Size})
}
