package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/bodgit/sevenzip"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// SevenZip is the 7z format (github.com/bodgit/sevenzip). Members are
// decompressed to a spool within the total-bytes limit and scanned.
type SevenZip struct{ lim modelscan.Limits }

var _ modelscan.Format = (*SevenZip)(nil)

// NewSevenZip returns the 7z format with limits.
func NewSevenZip(lim modelscan.Limits) *SevenZip { return &SevenZip{lim: lim.WithDefaults()} }

var sevenZipMagic = []byte{'7', 'z', 0xbc, 0xaf, 0x27, 0x1c}

// Name implements modelscan.Format.
func (*SevenZip) Name() string { return "7z" }

// Match implements modelscan.Format.
func (*SevenZip) Match(name string, head []byte) bool {
	return bytes.HasPrefix(head, sevenZipMagic) || strings.HasSuffix(strings.ToLower(name), ".7z")
}

// Scan implements modelscan.Format.
func (z *SevenZip) Scan(ctx context.Context, obj modelscan.Object, s modelscan.Scope) (err error) {
	defer func() {
		if r := recover(); r != nil { // a decoder bug must not crash the scan
			err = fmt.Errorf("7z decoder failed: %v", r)
		}
	}()
	report := func(sev modelscan.Severity, rule, msg, ev string) {
		s.Report(modelscan.Finding{Severity: sev, RuleID: rule, Message: msg, Evidence: ev})
	}
	zr, err := sevenzip.NewReader(obj.R, obj.Size)
	if err != nil {
		return fmt.Errorf("not a readable 7z archive: %w", err)
	}
	budget := z.lim.MaxTotalBytes
	for i, f := range zr.File {
		if err := ctx.Err(); err != nil {
			return err
		}
		if i >= z.lim.MaxEntries {
			report(modelscan.SeverityHigh, RuleLimit, fmt.Sprintf("archive has more than %d members; the rest were not inspected", z.lim.MaxEntries), f.Name)
			return nil
		}
		if traversal(f.Name) {
			report(modelscan.SeverityHigh, RuleTraversal, "member path escapes the extraction directory", f.Name)
		}
		if f.FileInfo().IsDir() {
			continue
		}
		if budget <= 0 {
			report(modelscan.SeverityHigh, RuleLimit, "archive decompresses to more than the scan limit; member not inspected", f.Name)
			continue
		}
		rc, err := f.Open()
		if err != nil {
			report(modelscan.SeverityHigh, RuleUnsupported, "7z member cannot be opened (encrypted or unsupported method)", f.Name)
			continue
		}
		sp, err := modelscan.Spool(modelscan.LimitRatio(rc, obj.Size, z.lim), budget)
		rc.Close()
		if sp == nil {
			return err
		}
		budget -= sp.Size
		switch {
		case errors.Is(err, modelscan.ErrTooLarge):
			report(modelscan.SeverityHigh, RuleBomb, "member decompresses past the scan limit; its beginning was scanned", f.Name)
		case err != nil && !errors.Is(err, io.EOF):
			report(modelscan.SeverityHigh, RuleMalformed, "member data is corrupt; the part that decodes was scanned", f.Name)
		}
		derr := s.Descend(ctx, modelscan.Object{Name: path.Base(f.Name), Member: f.Name, R: sp.R, Size: sp.Size})
		sp.Close()
		if derr != nil {
			return derr
		}
	}
	return nil
}
