// Package numpy scans NumPy .npy files: the header is parsed (versions 1-3)
// and, for object arrays, the pickle that np.load(allow_pickle=True) would
// run is handed to the engine. Plain arrays are checked for a data size that
// matches the header. .npz files are zip archives of .npy members and are
// handled by the archive package.
package numpy

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strconv"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// Rule ids.
const (
	RuleObjectArray  = "numpy.object_array"
	RuleSizeMismatch = "numpy.size_mismatch"
)

// Magic starts every .npy file.
const Magic = "\x93NUMPY"

// maxHeader bounds the header NumPy itself accepts (it refuses > 10000
// bytes by default without max_header_size).
const maxHeader = 1 << 20

// Format is the .npy format.
type Format struct{}

var _ modelscan.Format = Format{}

// Name implements modelscan.Format.
func (Format) Name() string { return "numpy" }

// Match implements modelscan.Format: the .npy magic.
func (Format) Match(_ string, head []byte) bool { return bytes.HasPrefix(head, []byte(Magic)) }

// Header is a parsed .npy header.
type Header struct {
	Major, Minor int
	Descr        string
	Fortran      bool
	Shape        []int64
	DataOffset   int64
	Object       bool // the dtype holds Python objects: the data is a pickle
}

var (
	descrRe   = regexp.MustCompile(`['"]descr['"]\s*:\s*(.+?)\s*,\s*['"](?:fortran_order|shape)['"]`)
	shapeRe   = regexp.MustCompile(`['"]shape['"]\s*:\s*\(([^)]*)\)`)
	fortranRe = regexp.MustCompile(`['"]fortran_order['"]\s*:\s*(True|False)`)
	objectRe  = regexp.MustCompile(`['"][<>|=]?O\d*['"]`)
)

// ParseHeader reads the header of a .npy file.
func ParseHeader(r io.ReaderAt, size int64) (*Header, error) {
	pre := make([]byte, 12)
	if n, _ := r.ReadAt(pre, 0); n < 10 || string(pre[:6]) != Magic {
		return nil, errors.New("not a .npy file")
	}
	h := &Header{Major: int(pre[6]), Minor: int(pre[7])}
	var hlen, start int64
	switch h.Major {
	case 1:
		hlen, start = int64(binary.LittleEndian.Uint16(pre[8:])), 10
	case 2, 3:
		hlen, start = int64(binary.LittleEndian.Uint32(pre[8:])), 12
	default:
		return nil, fmt.Errorf("unsupported .npy version %d.%d", h.Major, h.Minor)
	}
	if hlen > maxHeader || start+hlen > size {
		return nil, fmt.Errorf("header length %d out of bounds", hlen)
	}
	buf := make([]byte, hlen)
	if _, err := r.ReadAt(buf, start); err != nil {
		return nil, fmt.Errorf("read header: %w", err)
	}
	text := string(buf)
	h.DataOffset = start + hlen
	m := descrRe.FindStringSubmatch(text)
	if m == nil {
		return nil, errors.New("header has no descr")
	}
	h.Descr = m[1]
	h.Object = objectRe.MatchString(h.Descr)
	if f := fortranRe.FindStringSubmatch(text); f != nil {
		h.Fortran = f[1] == "True"
	}
	s := shapeRe.FindStringSubmatch(text)
	if s == nil {
		return nil, errors.New("header has no shape")
	}
	for _, part := range strings.Split(s[1], ",") {
		part = strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(part), "L"))
		if part == "" {
			continue
		}
		n, err := strconv.ParseInt(part, 10, 64)
		if err != nil || n < 0 {
			return nil, fmt.Errorf("bad shape %q", s[1])
		}
		h.Shape = append(h.Shape, n)
	}
	return h, nil
}

// itemSize returns the byte size of a simple descr like '<f4' or '|S10'.
func itemSize(descr string) (int64, bool) {
	d := strings.Trim(descr, `'" `)
	if len(d) < 2 || strings.ContainsAny(d, "[(,") {
		return 0, false
	}
	if d[0] == '<' || d[0] == '>' || d[0] == '|' || d[0] == '=' {
		d = d[1:]
	}
	if d == "" {
		return 0, false
	}
	k := d[0]
	digits := d[1:]
	if i := strings.IndexByte(digits, '['); i >= 0 { // datetime units
		digits = digits[:i]
	}
	n, err := strconv.ParseInt(digits, 10, 64)
	if err != nil {
		if k == '?' {
			return 1, true
		}
		return 0, false
	}
	if k == 'U' {
		n *= 4
	}
	return n, true
}

// Scan implements modelscan.Format.
func (Format) Scan(ctx context.Context, obj modelscan.Object, s modelscan.Scope) error {
	h, err := ParseHeader(obj.R, obj.Size)
	if err != nil {
		return err
	}
	if h.Object {
		s.Report(modelscan.Finding{Severity: modelscan.SeverityMedium, RuleID: RuleObjectArray,
			Message: "object array: loading it runs a pickle (np.load allow_pickle=True); the pickle was scanned", Evidence: h.Descr})
		return s.Descend(ctx, modelscan.Object{Name: "array.pkl", Member: "pickle", R: io.NewSectionReader(obj.R, h.DataOffset, obj.Size-h.DataOffset), Size: obj.Size - h.DataOffset})
	}
	size, ok := itemSize(h.Descr)
	if !ok {
		return nil // structured dtype without objects: nothing executable
	}
	count := int64(1)
	for _, d := range h.Shape {
		if d > 0 && count > (1<<62)/d {
			count = -1
			break
		}
		count *= d
	}
	if count >= 0 && size > 0 && count <= (1<<62)/size && h.DataOffset+count*size != obj.Size {
		s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: RuleSizeMismatch,
			Message:  "array data size does not match the header (truncated file or hidden trailing data)",
			Evidence: fmt.Sprintf("header says %d bytes, file has %d", count*size, obj.Size-h.DataOffset)})
	}
	return nil
}
