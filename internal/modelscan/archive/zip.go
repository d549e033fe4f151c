// Package archive scans archives: zip (including PyTorch's zip checkpoints
// and NumPy .npz), tar (including legacy torch.save tar files) and 7z. Each
// member is handed back to the engine with Scope.Descend. Zip files are read
// twice — through the central directory, as Python's zipfile does, and by
// walking local file headers, as tolerant loaders do — so members with a bad
// CRC, odd flags, a missing central directory or a truncated tail are still
// scanned, and members hidden from one view are reported.
package archive

import (
	"archive/zip"
	"bytes"
	"compress/flate"
	"context"
	"errors"
	"fmt"
	"hash/crc32"
	"io"
	"path"
	"path/filepath"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/bulwark-ai/bulwark/internal/modelscan/pickle"
)

// Rule ids reported by archive formats.
const (
	RuleMalformed   = "archive.malformed"
	RuleTraversal   = "archive.path_traversal"
	RuleBomb        = "archive.bomb"
	RuleLimit       = "archive.limit"
	RuleHidden      = "archive.hidden_member"
	RuleCRC         = "archive.crc_mismatch"
	RuleTruncated   = "archive.truncated"
	RuleEncrypted   = "archive.encrypted"
	RuleUnsupported = "archive.unsupported"
	RuleDuplicate   = "archive.duplicate_name"
)

// Zip is the zip format.
type Zip struct{ lim modelscan.Limits }

var _ modelscan.Format = (*Zip)(nil)

// NewZip returns the zip format with limits.
func NewZip(lim modelscan.Limits) *Zip { return &Zip{lim: lim.WithDefaults()} }

// Name implements modelscan.Format.
func (*Zip) Name() string { return "zip" }

// Match implements modelscan.Format: a local header or an empty archive's
// end record at the start, or a .zip/.npz name.
func (*Zip) Match(name string, head []byte) bool {
	if bytes.HasPrefix(head, []byte("PK\x03\x04")) || bytes.HasPrefix(head, []byte("PK\x05\x06")) {
		return true
	}
	switch strings.ToLower(filepath.Ext(name)) {
	case ".zip", ".npz":
		// A zip with a prefix (self-extracting stub) still is one; but
		// np.load runs a pickle named .npz, so leave those to pickle.
		return !pickle.Sniff(head)
	}
	return false
}

// member is one entry to scan, merged from both views.
type member struct {
	name        string
	dataOff     int64
	method      uint16
	flags       uint16
	crc         uint32
	csize       int64
	usize       int64
	truncated   bool
	inCentral   bool
	inLocal     bool
	nameLocal   string
	dataOffKnow bool
}

// Scan implements modelscan.Format.
func (z *Zip) Scan(ctx context.Context, obj modelscan.Object, s modelscan.Scope) error {
	format := ""
	report := func(sev modelscan.Severity, rule, msg, ev string) {
		s.Report(modelscan.Finding{Format: format, Severity: sev, RuleID: rule, Message: msg, Evidence: ev})
	}
	var members []*member
	byOff := map[int64]*member{}
	zr, cdErr := zip.NewReader(obj.R, obj.Size)
	if cdErr == nil {
		if len(zr.File) > z.lim.MaxEntries {
			report(modelscan.SeverityHigh, RuleLimit, fmt.Sprintf("archive has more than %d members; the rest were not inspected", z.lim.MaxEntries), fmt.Sprint(len(zr.File)))
		}
		for i, f := range zr.File {
			if i >= z.lim.MaxEntries {
				break
			}
			off, err := f.DataOffset()
			if err != nil {
				report(modelscan.SeverityHigh, RuleMalformed, "central directory entry points outside the archive", f.Name)
				continue
			}
			m := &member{name: f.Name, dataOff: off, method: f.Method, flags: f.Flags, crc: f.CRC32,
				csize: int64(f.CompressedSize64), usize: int64(f.UncompressedSize64), inCentral: true}
			if prev, dup := byOff[off]; dup {
				report(modelscan.SeverityHigh, RuleBomb, "two members share the same data (overlapping entries)", prev.name+", "+f.Name)
				continue
			}
			byOff[off] = m
			members = append(members, m)
		}
	}
	known := make(map[int64]int64, len(byOff))
	for off, m := range byOff {
		known[off] = m.csize
	}
	local, walkErr := walkLocal(obj.R, obj.Size, z.lim.MaxEntries, known)
	if walkErr != nil && len(local) == 0 && cdErr != nil {
		return fmt.Errorf("not a readable zip archive: %v", cdErr)
	}
	if cdErr != nil {
		report(modelscan.SeverityHigh, RuleMalformed, "zip central directory is missing or corrupt; members were found by their local headers", cdErr.Error())
	}
	for _, e := range local {
		if m, ok := byOff[e.dataOff]; ok {
			m.inLocal = true
			m.nameLocal = e.name
			if e.flags&8 == 0 && m.flags&8 == 0 && e.crc != m.crc {
				report(modelscan.SeverityHigh, RuleCRC, "member CRC differs between its local header and the central directory", e.name)
			}
			if e.truncated {
				m.truncated = true
			}
			continue
		}
		m := &member{name: e.name, dataOff: e.dataOff, method: e.method, flags: e.flags, crc: e.crc,
			csize: e.csize, usize: e.usize, truncated: e.truncated, inLocal: true, nameLocal: e.name}
		if cdErr == nil {
			report(modelscan.SeverityHigh, RuleHidden, "member is in the local headers but not in the central directory (loaders disagree on the contents)", e.name)
		}
		members = append(members, m)
	}
	torchPrefix, torch := torchLayout(members)
	if torch {
		format = "pytorch-zip"
	}
	names := map[string]bool{}
	var budget = z.lim.MaxTotalBytes
	for _, m := range members {
		if err := ctx.Err(); err != nil {
			return err
		}
		if m.inLocal && m.inCentral && m.nameLocal != m.name {
			report(modelscan.SeverityHigh, RuleMalformed, "member has different names in its local header and the central directory", m.name+" / "+m.nameLocal)
		}
		if names[m.name] {
			report(modelscan.SeverityHigh, RuleDuplicate, "two members have the same name (loaders pick different ones)", m.name)
		}
		names[m.name] = true
		if bad := traversal(m.name); bad {
			report(modelscan.SeverityHigh, RuleTraversal, "member path escapes the extraction directory", m.name)
		}
		if strings.HasSuffix(m.name, "/") && m.usize == 0 {
			continue // directory
		}
		if torch && isTorchStorage(torchPrefix, m.name) {
			continue // raw tensor bytes: torch never unpickles them
		}
		if m.truncated {
			report(modelscan.SeverityHigh, RuleTruncated, "member data is cut off by the end of the archive; the part present was scanned", m.name)
		}
		if m.flags&1 != 0 {
			report(modelscan.SeverityHigh, RuleEncrypted, "encrypted member cannot be inspected", m.name)
			continue
		}
		if err := z.scanMember(ctx, obj, s, m, &budget, report); err != nil {
			return err
		}
	}
	return nil
}

// torchLayout finds torch.save's "<prefix>/data.pkl".
func torchLayout(ms []*member) (string, bool) {
	for _, m := range ms {
		if path.Base(m.name) == "data.pkl" {
			return path.Dir(m.name), true
		}
	}
	return "", false
}

func isTorchStorage(prefix, name string) bool {
	rest, ok := strings.CutPrefix(name, prefix+"/data/")
	if !ok || rest == "" {
		return false
	}
	for _, c := range rest {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}

// traversal reports names that leave the extraction directory.
func traversal(name string) bool {
	n := strings.ReplaceAll(name, "\\", "/")
	if strings.HasPrefix(n, "/") || (len(n) >= 2 && n[1] == ':') || strings.ContainsRune(n, 0) {
		return true
	}
	for _, part := range strings.Split(n, "/") {
		if part == ".." {
			return true
		}
	}
	return false
}

func (z *Zip) scanMember(ctx context.Context, obj modelscan.Object, s modelscan.Scope, m *member, budget *int64,
	report func(sev modelscan.Severity, rule, msg, ev string)) error {
	raw := io.NewSectionReader(obj.R, m.dataOff, m.csize)
	child := modelscan.Object{Name: path.Base(strings.ReplaceAll(m.name, "\\", "/")), Member: m.name}
	switch m.method {
	case zip.Store:
		child.R, child.Size = raw, m.csize
		if m.csize <= 64<<20 && !m.truncated {
			h := crc32.NewIEEE()
			if _, err := io.Copy(h, raw); err == nil && h.Sum32() != m.crc && (m.inCentral || m.flags&8 == 0) {
				report(modelscan.SeverityHigh, RuleCRC, "member CRC does not match its data (an evasion of strict zip readers)", m.name)
			}
		}
		return s.Descend(ctx, child)
	case zip.Deflate:
		if m.usize > z.lim.RatioFloor && m.csize > 0 && m.usize/m.csize > z.lim.MaxRatio {
			report(modelscan.SeverityHigh, RuleBomb, fmt.Sprintf("compression ratio above %d (zip bomb); not extracted", z.lim.MaxRatio), m.name)
			return nil
		}
		if *budget <= 0 {
			report(modelscan.SeverityHigh, RuleLimit, "archive decompresses to more than the scan limit; member not inspected", m.name)
			return nil
		}
		h := crc32.NewIEEE()
		fr := flate.NewReader(raw)
		defer fr.Close()
		sp, err := modelscan.Spool(io.TeeReader(modelscan.LimitRatio(fr, m.csize, z.lim), h), *budget)
		if sp == nil {
			return err
		}
		defer sp.Close()
		*budget -= sp.Size
		switch {
		case errors.Is(err, modelscan.ErrTooLarge):
			report(modelscan.SeverityHigh, RuleBomb, "member decompresses past the scan limit (zip bomb); its beginning was scanned", m.name)
		case err != nil && !m.truncated:
			report(modelscan.SeverityHigh, RuleMalformed, "member's compressed data is corrupt; the part that inflates was scanned", m.name)
		case err == nil && !m.truncated && (m.inCentral || m.flags&8 == 0) && h.Sum32() != m.crc:
			report(modelscan.SeverityHigh, RuleCRC, "member CRC does not match its data (an evasion of strict zip readers)", m.name)
		}
		if err == nil && m.usize > 0 && sp.Size > m.usize && m.flags&8 == 0 {
			report(modelscan.SeverityHigh, RuleBomb, "member inflates to more than its declared size", m.name)
		}
		child.R, child.Size = sp.R, sp.Size
		return s.Descend(ctx, child)
	default:
		report(modelscan.SeverityHigh, RuleUnsupported, fmt.Sprintf("member compressed with method %d cannot be inspected", m.method), m.name)
		return nil
	}
}
