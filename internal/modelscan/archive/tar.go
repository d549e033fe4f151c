package archive

import (
	"archive/tar"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"path/filepath"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// Tar is the (uncompressed) tar format, which also covers torch.save's
// legacy tar checkpoints (sys_info, pickle, tensors, storages members).
type Tar struct{ lim modelscan.Limits }

var _ modelscan.Format = (*Tar)(nil)

// NewTar returns the tar format with limits.
func NewTar(lim modelscan.Limits) *Tar { return &Tar{lim: lim.WithDefaults()} }

// Name implements modelscan.Format.
func (*Tar) Name() string { return "tar" }

// Match implements modelscan.Format: the ustar magic or a .tar name.
func (*Tar) Match(name string, head []byte) bool {
	if len(head) >= 262 && bytes.Equal(head[257:262], []byte("ustar")) {
		return true
	}
	return strings.ToLower(filepath.Ext(name)) == ".tar"
}

// offsetReader tracks the offset tar has consumed, so member data can be
// read in place through io.ReaderAt.
type offsetReader struct {
	r   io.ReaderAt
	off int64
	end int64
}

func (o *offsetReader) Read(p []byte) (int, error) {
	if o.off >= o.end {
		return 0, io.EOF
	}
	p = p[:min(int64(len(p)), o.end-o.off)]
	n, err := o.r.ReadAt(p, o.off)
	o.off += int64(n)
	if errors.Is(err, io.EOF) && n > 0 {
		err = nil
	}
	return n, err
}

func (o *offsetReader) Seek(offset int64, whence int) (int64, error) {
	switch whence {
	case io.SeekStart:
		o.off = offset
	case io.SeekCurrent:
		o.off += offset
	case io.SeekEnd:
		o.off = o.end + offset
	}
	return o.off, nil
}

// Scan implements modelscan.Format.
func (t *Tar) Scan(ctx context.Context, obj modelscan.Object, s modelscan.Scope) error {
	report := func(sev modelscan.Severity, rule, msg, ev string) {
		s.Report(modelscan.Finding{Severity: sev, RuleID: rule, Message: msg, Evidence: ev})
	}
	or := &offsetReader{r: obj.R, end: obj.Size}
	tr := tar.NewReader(or)
	names := map[string]bool{}
	for n := 0; ; n++ {
		if err := ctx.Err(); err != nil {
			return err
		}
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			if n == 0 {
				return fmt.Errorf("not a readable tar archive: %w", err)
			}
			report(modelscan.SeverityHigh, RuleMalformed, "tar archive is corrupt or truncated after this point; members before it were scanned", err.Error())
			return nil
		}
		if n >= t.lim.MaxEntries {
			report(modelscan.SeverityHigh, RuleLimit, fmt.Sprintf("archive has more than %d members; the rest were not inspected", t.lim.MaxEntries), h.Name)
			return nil
		}
		if traversal(h.Name) {
			report(modelscan.SeverityHigh, RuleTraversal, "member path escapes the extraction directory", h.Name)
		}
		if names[h.Name] {
			report(modelscan.SeverityHigh, RuleDuplicate, "two members have the same name (loaders pick different ones)", h.Name)
		}
		names[h.Name] = true
		switch h.Typeflag {
		case tar.TypeSymlink, tar.TypeLink:
			target := h.Linkname
			if h.Typeflag == tar.TypeSymlink && !strings.HasPrefix(target, "/") {
				target = path.Join(path.Dir(h.Name), target)
			}
			if traversal(target) || strings.HasPrefix(path.Clean(target), "..") {
				report(modelscan.SeverityHigh, RuleTraversal, "link member points outside the extraction directory", h.Name+" -> "+h.Linkname)
			}
			continue
		case tar.TypeReg, tar.TypeRegA, tar.TypeGNUSparse:
		default:
			continue
		}
		start := or.off
		size := h.Size
		if start+size > obj.Size {
			report(modelscan.SeverityHigh, RuleTruncated, "member data is cut off by the end of the archive; the part present was scanned", h.Name)
			size = obj.Size - start
		}
		child := modelscan.Object{Name: path.Base(h.Name), Member: h.Name, R: io.NewSectionReader(obj.R, start, size), Size: size}
		if err := s.Descend(ctx, child); err != nil {
			return err
		}
	}
}
