package modelscan

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode/utf8"
)

// Limits bound the work and memory of one scan. Zero fields take the
// defaults of DefaultLimits.
type Limits struct {
	// MaxDepth is how deep archives and embedded pickles may nest
	// (a file on disk is depth 0).
	MaxDepth int
	// MaxEntries is the most members one archive may hold.
	MaxEntries int
	// MaxTotalBytes is the most bytes one container may decompress in total.
	MaxTotalBytes int64
	// MaxRatio is the largest uncompressed/compressed ratio accepted for a
	// member larger than RatioFloor (zip bombs).
	MaxRatio int64
	// RatioFloor is the uncompressed size under which the ratio is not
	// checked: small members of zeros compress very well and are harmless.
	RatioFloor int64
	// MaxBuffer is the most bytes a format may hold in memory for one value
	// (an embedded pickle, a decoded string); larger values are spooled to a
	// temporary file or read in place through io.ReaderAt.
	MaxBuffer int64
}

// DefaultLimits returns the limits used when a field is zero.
func DefaultLimits() Limits {
	return Limits{
		MaxDepth:      8,
		MaxEntries:    100_000,
		MaxTotalBytes: 4 << 30,
		MaxRatio:      200,
		RatioFloor:    64 << 20,
		MaxBuffer:     64 << 20,
	}
}

// WithDefaults returns l with zero fields replaced by their defaults.
func (l Limits) WithDefaults() Limits {
	d := DefaultLimits()
	if l.MaxDepth <= 0 {
		l.MaxDepth = d.MaxDepth
	}
	if l.MaxEntries <= 0 {
		l.MaxEntries = d.MaxEntries
	}
	if l.MaxTotalBytes <= 0 {
		l.MaxTotalBytes = d.MaxTotalBytes
	}
	if l.MaxRatio <= 0 {
		l.MaxRatio = d.MaxRatio
	}
	if l.RatioFloor <= 0 {
		l.RatioFloor = d.RatioFloor
	}
	if l.MaxBuffer <= 0 {
		l.MaxBuffer = d.MaxBuffer
	}
	return l
}

// FileError is an artifact that could not be scanned (the CLI exits 2).
type FileError struct {
	File   string `json:"file"`
	Member string `json:"member,omitempty"`
	Error  string `json:"error"`
}

// Result is the outcome of a scan.
type Result struct {
	FilesScanned int         `json:"files_scanned"`
	Findings     []Finding   `json:"findings"`
	Errors       []FileError `json:"errors"`
}

// Max returns the highest severity among the findings; ok is false when
// there are none.
func (r *Result) Max() (sev Severity, ok bool) {
	for _, f := range r.Findings {
		if !ok || f.Severity > sev {
			sev, ok = f.Severity, true
		}
	}
	return sev, ok
}

// Rule ids reported by the engine itself.
const (
	RuleUnparseable    = "format.unparseable"
	RuleUnknownFormat  = "format.unknown"
	RuleDepthLimit     = "scan.limit.depth"
	RuleSymlinkOutside = "fs.symlink.outside_root"
)

// Scanner scans files and directories with a list of formats. It holds no
// state between scans and is safe for concurrent use.
type Scanner struct {
	formats []Format
	limits  Limits
}

// NewScanner returns a Scanner that dispatches to formats in order: the
// first format whose Match accepts an object scans it.
func NewScanner(formats []Format, limits Limits) *Scanner {
	return &Scanner{formats: append([]Format(nil), formats...), limits: limits.WithDefaults()}
}

// Limits returns the scanner's effective limits.
func (s *Scanner) Limits() Limits { return s.limits }

// Scan scans every path (files, or directories walked recursively). It
// returns an error only when ctx ends; per-file problems are in the Result.
func (s *Scanner) Scan(ctx context.Context, paths ...string) (*Result, error) {
	res := &Result{Findings: []Finding{}, Errors: []FileError{}}
	for _, p := range paths {
		if err := s.scanPath(ctx, res, p); err != nil {
			return res, err
		}
	}
	return res, nil
}

// ScanReaderAt scans one in-memory or on-disk object given by name.
func (s *Scanner) ScanReaderAt(ctx context.Context, name string, r io.ReaderAt, size int64) (*Result, error) {
	res := &Result{Findings: []Finding{}, Errors: []FileError{}}
	res.FilesScanned++
	err := s.scanObject(ctx, res, name, Object{Name: filepath.Base(name), R: r, Size: size})
	return res, err
}

func (s *Scanner) scanPath(ctx context.Context, res *Result, p string) error {
	info, err := os.Stat(p) // the user named this path: follow it
	if err != nil {
		res.Errors = append(res.Errors, FileError{File: p, Error: errText(err)})
		return nil
	}
	if !info.IsDir() {
		return s.scanFile(ctx, res, p)
	}
	root, err := filepath.EvalSymlinks(p)
	if err != nil {
		res.Errors = append(res.Errors, FileError{File: p, Error: errText(err)})
		return nil
	}
	walkRoot := p
	if li, err := os.Lstat(p); err == nil && li.Mode()&fs.ModeSymlink != 0 {
		walkRoot = root // WalkDir does not descend into a symlinked root
	}
	return filepath.WalkDir(walkRoot, func(path string, d fs.DirEntry, err error) error {
		if cerr := ctx.Err(); cerr != nil {
			return cerr
		}
		if err != nil {
			res.Errors = append(res.Errors, FileError{File: path, Error: errText(err)})
			return nil
		}
		if d.IsDir() {
			if d.Name() == ".git" && path != walkRoot {
				return filepath.SkipDir // version control objects are never loaded as models
			}
			return nil
		}
		switch mode := d.Type(); {
		case mode&fs.ModeSymlink != 0:
			target, err := filepath.EvalSymlinks(path)
			if err != nil {
				res.Errors = append(res.Errors, FileError{File: path, Error: errText(err)})
				return nil
			}
			if !within(root, target) {
				res.Findings = append(res.Findings, Finding{
					File: path, Format: "filesystem", Severity: SeverityHigh, RuleID: RuleSymlinkOutside,
					Message:  "symbolic link points outside the scanned directory; not followed (scan its target directly)",
					Evidence: filepath.Base(target),
				})
				return nil
			}
			ti, err := os.Stat(target)
			if err != nil || !ti.Mode().IsRegular() {
				return nil // links to directories are not followed (loops)
			}
			return s.scanFile(ctx, res, path)
		case mode.IsRegular():
			return s.scanFile(ctx, res, path)
		default:
			return nil // devices, sockets, pipes: not model files
		}
	})
}

func within(root, target string) bool {
	rel, err := filepath.Rel(root, target)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

func (s *Scanner) scanFile(ctx context.Context, res *Result, path string) error {
	f, err := os.Open(path)
	if err != nil {
		res.Errors = append(res.Errors, FileError{File: path, Error: errText(err)})
		return nil
	}
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		res.Errors = append(res.Errors, FileError{File: path, Error: errText(err)})
		return nil
	}
	res.FilesScanned++
	return s.scanObject(ctx, res, path, Object{Name: filepath.Base(path), Path: path, R: f, Size: info.Size()})
}

// errText is an error's message without the Go call-site noise; it is a
// file-system error about a path the user gave, so it is safe to show.
func errText(err error) string {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Op + ": " + pe.Err.Error()
	}
	return err.Error()
}

// HeadSize is how many leading bytes Match sees.
const HeadSize = 512

// scanObject dispatches obj to the first matching format.
func (s *Scanner) scanObject(ctx context.Context, res *Result, file string, obj Object) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	head := make([]byte, min(int64(HeadSize), max(obj.Size, 0)))
	n, err := obj.R.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		res.Errors = append(res.Errors, FileError{File: file, Member: obj.Member, Error: "read: " + errText(err)})
		res.Findings = append(res.Findings, Finding{File: file, Member: obj.Member, Format: "unknown", Severity: SeverityHigh,
			RuleID: RuleUnparseable, Message: "file could not be read", Evidence: errText(err)})
		return nil
	}
	head = head[:n]
	for _, f := range s.formats {
		if !f.Match(obj.Name, head) {
			continue
		}
		sc := &scope{s: s, res: res, file: file, obj: obj, format: f.Name()}
		if err := safeScan(ctx, f, obj, sc); err != nil {
			if cerr := ctx.Err(); cerr != nil {
				return cerr
			}
			res.Errors = append(res.Errors, FileError{File: file, Member: obj.Member, Error: f.Name() + ": " + err.Error()})
			sc.Report(Finding{Severity: SeverityHigh, RuleID: RuleUnparseable,
				Message: "file could not be parsed as " + f.Name() + "; it is not known to be safe", Evidence: err.Error()})
		}
		return nil
	}
	if obj.Size == 0 || skipUnknown(obj.Name, head) {
		return nil
	}
	res.Findings = append(res.Findings, Finding{File: file, Member: obj.Member, Format: "unknown", Severity: SeverityInfo,
		RuleID: RuleUnknownFormat, Message: "binary file of an unknown format was not inspected",
		Evidence: fmt.Sprintf("%x", head[:min(len(head), 8)])})
	return nil
}

// safeScan runs a format, turning a panic in a parser into an error: a
// hostile file must never crash the scanner, and it is then reported as
// unparseable rather than clean.
func safeScan(ctx context.Context, f Format, obj Object, sc Scope) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("parser failed on this input: %v", r)
		}
	}()
	return f.Scan(ctx, obj, sc)
}

// textExts are metadata files found in model folders; they are not loaded
// by a deserializer and are skipped when no format claims them.
var textExts = map[string]bool{
	".json": true, ".txt": true, ".md": true, ".yaml": true, ".yml": true, ".toml": true, ".cfg": true,
	".ini": true, ".csv": true, ".tsv": true, ".jinja": true, ".gitattributes": true, ".gitignore": true,
	".py": true, ".html": true, ".vocab": true, ".merges": true, ".jsonl": true, ".lock": true,
}

func skipUnknown(name string, head []byte) bool {
	if textExts[strings.ToLower(filepath.Ext(name))] {
		return true
	}
	// Text without NUL bytes (README, LICENSE, vocab files) is not a model.
	return utf8.Valid(trimPartialRune(head)) && !strings.ContainsRune(string(head), 0)
}

func trimPartialRune(b []byte) []byte {
	for i := 0; i < utf8.UTFMax && len(b) > 0; i++ {
		if r, _ := utf8.DecodeLastRune(b); r != utf8.RuneError {
			return b
		}
		b = b[:len(b)-1]
	}
	return b
}

// scope is the engine's Scope for one object.
type scope struct {
	s      *Scanner
	res    *Result
	file   string
	obj    Object
	format string
}

func (sc *scope) Report(f Finding) {
	if f.File == "" {
		f.File = sc.file
	}
	if f.Member == "" {
		f.Member = sc.obj.Member
	}
	if f.Format == "" {
		f.Format = sc.format
	}
	sc.res.Findings = append(sc.res.Findings, f)
}

func (sc *scope) Descend(ctx context.Context, m Object) error {
	m.Depth = sc.obj.Depth + 1
	if sc.obj.Member != "" {
		m.Member = sc.obj.Member + "!/" + m.Member
	}
	if m.Depth > sc.s.limits.MaxDepth {
		sc.res.Findings = append(sc.res.Findings, Finding{File: sc.file, Member: m.Member, Format: sc.format,
			Severity: SeverityHigh, RuleID: RuleDepthLimit,
			Message:  fmt.Sprintf("nesting deeper than %d levels was not inspected", sc.s.limits.MaxDepth),
			Evidence: m.Name})
		return nil
	}
	return sc.s.scanObject(ctx, sc.res, sc.file, m)
}
