// Package pickle analyses Python pickles with a symbolic pickle machine that
// never imports or calls anything. It follows CPython's _pickle byte for byte
// (every protocol 0-5 opcode, FRAME as _pickle reads it, the memo, Python 2
// name mapping), checks every imported global against a Policy, reads every
// pickle stream in a file, follows joblib's in-line array data, recognizes
// legacy torch.save files, and scans pickles embedded in the data (passed to
// loads, or wrapped in base64, hex, zlib, gzip or bzip2).
package pickle

import (
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

// Format is the pickle format.
type Format struct {
	pol *Policy
	lim modelscan.Limits
}

var _ modelscan.Format = (*Format)(nil)

// New returns the pickle format with a policy (nil: DefaultPolicy) and
// limits.
func New(pol *Policy, lim modelscan.Limits) *Format {
	if pol == nil {
		pol = DefaultPolicy()
	}
	return &Format{pol: pol, lim: lim.WithDefaults()}
}

// Name implements modelscan.Format.
func (f *Format) Name() string { return "pickle" }

// strongExts are extensions whose files are loaded with pickle.
var strongExts = map[string]bool{
	".pkl": true, ".pickle": true, ".pt": true, ".pth": true, ".ckpt": true, ".joblib": true, ".p": true,
	".sav": true, ".pkl3": true, ".dill": true,
}

// Match implements modelscan.Format: pickle extensions, or bytes that run
// as a pickle.
func (f *Format) Match(name string, head []byte) bool {
	if strongExts[strings.ToLower(filepath.Ext(name))] {
		return true
	}
	return Sniff(head)
}

// Sniff reports whether head (the first bytes of a file) runs as a pickle
// on the symbolic machine without error.
func Sniff(head []byte) bool {
	if len(head) < 2 {
		return false
	}
	switch head[0] {
	case 0x80, '(', 'c', '}', ']', ')', 'N', 'K', 'J', 0x95:
	default:
		return false
	}
	m := newVM(context.Background(), nil, newReader(bytes.NewReader(head), 0, int64(len(head))), hooks{}, 0)
	m.strictNames = true
	_, err := m.run()
	if err == nil {
		return true
	}
	var me *malformedError
	if errors.As(err, &me) && strings.HasPrefix(me.reason, "pickle data was truncated") {
		return m.ops >= 3 // ran until the head ended
	}
	return false
}

// legacyMagic is torch.save's legacy magic number 0x1950a86a20f9469cfc6c as
// the LONG1 payload.
const legacyMagic = "\x6c\xfc\x9c\x46\xf9\x20\x6a\xa8\x50\x19"

// Scan implements modelscan.Format.
func (f *Format) Scan(ctx context.Context, obj modelscan.Object, s modelscan.Scope) error {
	return f.scan(ctx, obj, s, true)
}

// prefixScope sets a member path on findings of an embedded pickle scanned
// in-process.
type prefixScope struct {
	modelscan.Scope
	member string
}

func (p prefixScope) Report(f modelscan.Finding) {
	if f.Member == "" {
		f.Member = p.member
	}
	p.Scope.Report(f)
}

// scan reads every pickle stream in obj linearly, as CPython's _pickle does
// for pickle.loads and buffered files. Frame violations (rejected by
// pickle.py and CPython 3.13.15+/3.14.7+) are reported, and the file is then
// read a second time as _pickle reads an io.BytesIO (torch.load), where a
// read running past a frame drops the rest of the frame; findings only that
// reading shows are reported too.
func (f *Format) scan(ctx context.Context, obj modelscan.Object, s modelscan.Scope, strict bool) error {
	rec := &recordScope{Scope: s, seen: map[string]bool{}}
	diff, err := f.scanPass(ctx, obj, rec, strict, false)
	if err != nil || !diff {
		return err
	}
	rec.second = true
	_, err = f.scanPass(ctx, obj, rec, strict, true)
	return err
}

// recordScope remembers findings so that the second reading reports only
// new ones.
type recordScope struct {
	modelscan.Scope
	seen   map[string]bool
	second bool
}

func (r *recordScope) Report(f modelscan.Finding) {
	k := f.RuleID + "\x00" + f.Evidence + "\x00" + f.Member
	if r.seen[k] {
		return
	}
	r.seen[k] = true
	if r.second {
		f.Message = "when read from a file object as torch.load does: " + f.Message
	}
	r.Scope.Report(f)
}

func (f *Format) scanPass(ctx context.Context, obj modelscan.Object, s modelscan.Scope, strict, fileMode bool) (bool, error) {
	if obj.Size == 0 {
		return false, nil
	}
	r := newReader(obj.R, 0, obj.Size)
	h := hooks{report: s.Report}
	h.embedded = func(data []byte, at int64, how string, strictChild bool) {
		f.embedded(ctx, obj, s, data, at, how, strictChild)
	}
	m := newVM(ctx, f.pol, r, h, f.lim.MaxBuffer)
	m.joblib = true
	m.fileMode = fileMode
	legacy := false
	tarMember := legacyTarMember(obj)
	for streams := 0; r.remaining() > 0; streams++ {
		start := r.offset()
		first, _ := r.readByte()
		r.pos-- // peek
		if streams > 0 && first == 'P' && r.remaining() >= 4 {
			if b, err := r.next(4); err == nil && string(b) == "PK\x03\x04" {
				// A zip appended to a pickle (polyglot): zip readers open it.
				_ = s.Descend(ctx, modelscan.Object{Name: "appended.zip", Member: fmt.Sprintf("appended@%d", start),
					R: io.NewSectionReader(obj.R, start, obj.Size-start), Size: obj.Size - start})
				return m.sawFrameDiff, nil
			}
			r.pos -= 4
		}
		m.reset()
		trailing := streams > 0 && first != 0x80
		m.strictNames = trailing
		v, err := m.run()
		if err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return false, cerr
			}
			var me *malformedError
			var le *limitError
			switch {
			case errors.As(err, &le):
				if strict || streams == 0 {
					s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: RuleLimit, Offset: m.opStart,
						Message: "pickle exceeds the scanner's limits; the rest was not inspected", Evidence: le.what})
				}
			case errors.As(err, &me) && trailing:
				if strict {
					s.Report(modelscan.Finding{Severity: modelscan.SeverityMedium, RuleID: RuleTrailing, Offset: start,
						Message: "data after the last pickle stream is not a pickle", Evidence: me.reason})
				}
			case errors.As(err, &me):
				if strict {
					s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: RuleMalformed, Offset: m.opStart,
						Message: "malformed pickle: a loader would run what precedes the error", Evidence: me.reason})
				}
			default:
				return false, fmt.Errorf("read: %w", err)
			}
			return m.sawFrameDiff, nil
		}
		if streams == 0 && (v.k == kInt || v.k == kBigInt) && v.s == legacyMagic {
			legacy = true
		}
		if streams == 0 && tarMember != "" {
			return m.sawFrameDiff, f.legacyRecords(m, v, tarMember, s)
		}
		if legacy && streams == 4 {
			return m.sawFrameDiff, nil // magic, protocol, sys_info, data, storage keys; raw storages follow
		}
	}
	return m.sawFrameDiff, nil
}

// embedded scans bytes found inside a pickle.
func (f *Format) embedded(ctx context.Context, parent modelscan.Object, s modelscan.Scope, data []byte, at int64, how string, strict bool) {
	child := modelscan.Object{Name: "embedded.pkl", Member: fmt.Sprintf("%s@%d", how, at), R: bytes.NewReader(data), Size: int64(len(data))}
	if strict || bytes.HasPrefix(data, []byte("PK")) {
		_ = s.Descend(ctx, child)
		return
	}
	child.Depth = parent.Depth + 1
	member := child.Member
	if parent.Member != "" {
		member = parent.Member + "!/" + member
	}
	if child.Depth > f.lim.MaxDepth {
		s.Report(modelscan.Finding{Member: member, Severity: modelscan.SeverityHigh, RuleID: modelscan.RuleDepthLimit,
			Message: "embedded pickles nest too deep; not inspected", Evidence: how})
		return
	}
	child.Member = member
	_ = f.scan(ctx, child, prefixScope{Scope: s, member: member}, false)
}

// legacyTarMember says whether obj is the "storages" or "tensors" member of
// a legacy torch.save tar, whose pickles are interleaved with raw data.
func legacyTarMember(obj modelscan.Object) string {
	if obj.Depth == 0 || obj.Member == "" {
		return ""
	}
	switch b := path.Base(obj.Member); b {
	case "storages", "tensors":
		return b
	}
	return ""
}

// legacyRecords walks the records after the count pickle of a legacy tar's
// "storages" (pickle (key, location, storage_type), int64 count, raw
// elements) or "tensors" (pickle (key, storage_id, type), int32 ndim, 4
// bytes, ndim int64 sizes and strides, int64 offset) member, scanning every
// pickle and skipping the raw data exactly as torch reads it.
func (f *Format) legacyRecords(m *vm, count value, kind string, s modelscan.Scope) error {
	n, ok := count.int()
	if !ok || n < 0 {
		return nil
	}
	for i := int64(0); i < n && m.r.remaining() > 0; i++ {
		m.reset()
		rec, err := m.run()
		if err != nil {
			return f.legacyFail(m, s, err)
		}
		var skip int64
		switch kind {
		case "storages":
			typ, _ := rec.item(2)
			elem := storageElemSize(typ.s)
			b, err := m.arg(8)
			if err != nil || elem == 0 {
				return f.legacyFail(m, s, malformed("legacy storage record not understood"))
			}
			cnt := int64(le(b))
			if cnt < 0 || cnt > m.r.remaining()/elem {
				return f.legacyFail(m, s, malformed("legacy storage data was truncated"))
			}
			skip = cnt * elem
		case "tensors":
			b, err := m.arg(8)
			if err != nil {
				return f.legacyFail(m, s, err)
			}
			ndim := int64(int32(le(b[:4])))
			if ndim < 0 || ndim > 64 {
				return f.legacyFail(m, s, malformed("legacy tensor record not understood"))
			}
			skip = 16*ndim + 8
		}
		if err := m.r.skip(skip); err != nil {
			return f.legacyFail(m, s, malformed("legacy record data was truncated"))
		}
	}
	if kind == "storages" && m.r.remaining() > 0 { // storage views
		m.reset()
		if _, err := m.run(); err != nil {
			return f.legacyFail(m, s, err)
		}
	}
	return nil
}

func (f *Format) legacyFail(m *vm, s modelscan.Scope, err error) error {
	var me *malformedError
	var le *limitError
	switch {
	case errors.As(err, &me):
		s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: RuleMalformed, Offset: m.opStart,
			Message: "malformed legacy torch record", Evidence: me.reason})
	case errors.As(err, &le):
		s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: RuleLimit, Offset: m.opStart,
			Message: "pickle exceeds the scanner's limits; the rest was not inspected", Evidence: le.what})
	default:
		return err
	}
	return nil
}
