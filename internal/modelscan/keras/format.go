package keras

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// hdf5Magic is the HDF5 superblock signature.
const hdf5Magic = "\x89HDF\r\n\x1a\n"

// Limits of the HDF5 config search.
const (
	maxCandidates = 10_000   // JSON objects tried per file
	searchChunk   = 1 << 20  // bytes read per step of the search
	maxSpool      = 16 << 30 // largest archive member handed back to the engine
)

// Format is the Keras scanner for `.keras` archives and `.h5`/`.hdf5` files.
type Format struct{}

var _ modelscan.Format = Format{}

// Name implements modelscan.Format.
func (Format) Name() string { return "keras" }

// Match implements modelscan.Format: by extension (a .keras file is a zip
// and an .h5 file is HDF5; neither is Keras-specific by its magic).
func (Format) Match(name string, _ []byte) bool {
	n := strings.ToLower(name)
	return strings.HasSuffix(n, ".keras") || strings.HasSuffix(n, ".h5") || strings.HasSuffix(n, ".hdf5")
}

// Scan implements modelscan.Format.
func (Format) Scan(ctx context.Context, obj modelscan.Object, s modelscan.Scope) error {
	head := make([]byte, 8)
	n, err := obj.R.ReadAt(head, 0)
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("keras: read: %w", err)
	}
	head = head[:n]
	switch {
	case bytes.HasPrefix(head, []byte("PK")):
		return scanArchive(ctx, obj, s)
	case isHDF5(obj.R, obj.Size):
		return scanHDF5(ctx, obj, s)
	default:
		return errors.New("keras: neither a .keras zip archive nor an HDF5 file")
	}
}

func report(s modelscan.Scope, fs []modelscan.Finding) {
	for _, f := range fs {
		s.Report(f)
	}
}

// scanArchive checks config.json and hands every other member back to the
// engine (weights, assets: a pickle hidden in assets/ is found there).
func scanArchive(ctx context.Context, obj modelscan.Object, s modelscan.Scope) error {
	zr, err := zip.NewReader(obj.R, obj.Size)
	if err != nil {
		return fmt.Errorf("keras: archive: %w", err)
	}
	var configs []*zip.File
	names := map[string]int{}
	for _, f := range zr.File {
		names[pyZipName(f.Name)]++
		if pyZipName(f.Name) == "config.json" {
			configs = append(configs, f)
		}
	}
	for name, n := range names {
		if n > 1 {
			s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "keras.archive.duplicate",
				Message: "archive holds the same member twice (readers disagree on which is used)", Evidence: name})
		}
	}
	if len(configs) == 0 {
		s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "keras.archive.no_config",
			Message: ".keras archive has no config.json", Evidence: obj.Name})
	}
	for _, f := range configs {
		if f.UncompressedSize64 > MaxConfigBytes {
			s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "keras.config.size",
				Message: "config.json is larger than the scanner reads", Evidence: fmt.Sprintf("%d bytes", f.UncompressedSize64)})
			continue
		}
		b, err := readMember(f, MaxConfigBytes)
		if err != nil {
			return fmt.Errorf("keras: config.json: %w", err)
		}
		fs, err := CheckConfig(b)
		if err != nil {
			s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "keras.config.invalid",
				Message: "config.json is not valid JSON", Evidence: err.Error()})
			continue
		}
		report(s, fs)
	}
	for _, f := range zr.File {
		if n := pyZipName(f.Name); n == "config.json" || n == "metadata.json" || strings.HasSuffix(f.Name, "/") {
			continue
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if err := descend(ctx, obj, f, s); err != nil {
			return err
		}
	}
	return nil
}

// pyZipName is a member name as Python's zipfile (which Keras uses) sees
// it: cut at the first NUL byte, so "config.json\x00x" is config.json.
func pyZipName(name string) string {
	if i := strings.IndexByte(name, 0); i >= 0 {
		return name[:i]
	}
	return name
}

func readMember(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("member larger than %d bytes", limit)
	}
	return b, nil
}

// descend hands one member to the engine: stored members in place, others
// through a spool.
func descend(ctx context.Context, obj modelscan.Object, f *zip.File, s modelscan.Scope) error {
	member := f.Name
	if obj.Member != "" {
		member = obj.Member + "!/" + f.Name
	}
	child := modelscan.Object{Name: path.Base(f.Name), Member: member, Depth: obj.Depth + 1}
	if f.Method == zip.Store {
		if off, err := f.DataOffset(); err == nil && off >= 0 && off+int64(f.CompressedSize64) <= obj.Size {
			child.R = io.NewSectionReader(obj.R, off, int64(f.CompressedSize64))
			child.Size = int64(f.CompressedSize64)
			return s.Descend(ctx, child)
		}
	}
	rc, err := f.Open()
	if err != nil {
		return fmt.Errorf("keras: open %s: %w", f.Name, err)
	}
	sp, err := modelscan.Spool(rc, maxSpool)
	rc.Close()
	if sp == nil {
		return fmt.Errorf("keras: read %s: %w", f.Name, err)
	}
	defer sp.Close()
	if err != nil && !errors.Is(err, modelscan.ErrTooLarge) {
		return fmt.Errorf("keras: read %s: %w", f.Name, err)
	}
	child.R, child.Size = sp.R, sp.Size
	return s.Descend(ctx, child)
}

// isHDF5 looks for the superblock signature at 0, 512, 1024, 2048, ….
func isHDF5(r io.ReaderAt, size int64) bool {
	buf := make([]byte, len(hdf5Magic))
	for off := int64(0); off+int64(len(buf)) <= size && off <= 1<<30; {
		if n, _ := r.ReadAt(buf, off); n == len(buf) && string(buf) == hdf5Magic {
			return true
		}
		if off == 0 {
			off = 512
		} else {
			off *= 2
		}
	}
	return false
}

// scanHDF5 finds Keras configs in an HDF5 file without parsing HDF5. The
// model_config attribute is stored as one contiguous run of JSON text
// (json.dumps output is printable ASCII), so for each `"class_name"` in the
// file the scanner takes the run of text bytes around it, decodes the JSON
// object that starts at the run's first `{`, checks it, and continues
// after the run. If the file names a model_config attribute but no config
// parses, the scan fails closed with a high finding.
func scanHDF5(ctx context.Context, obj modelscan.Object, s modelscan.Scope) error {
	found, err := findConfigs(ctx, obj.R, obj.Size, func(cfg []byte, off int64) {
		fs, err := CheckConfig(cfg)
		if err != nil {
			return
		}
		for _, f := range fs {
			f.Offset = off
			s.Report(f)
		}
	})
	if err != nil {
		return err
	}
	switch {
	case found.exhausted:
		s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "keras.h5.config_unreadable",
			Message: "file holds more JSON-like layer configs than the scanner tries (the rest were not checked)", Evidence: fmt.Sprintf("> %d candidates", maxCandidates)})
	case found.modelConfigName && (found.configs == 0 || found.unread > 0):
		// A decoy object that decodes does not vouch for one that did not.
		s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "keras.h5.config_unreadable",
			Message: "file has a model_config attribute the scanner could not read (unsupported HDF5 layout)", Evidence: "model_config"})
	}
	return nil
}

type searchResult struct {
	configs         int
	unread          int  // "class_name" runs with no decodable object
	exhausted       bool // stopped after maxCandidates
	modelConfigName bool
}

var (
	classKey  = []byte(`"class_name"`)
	configKey = []byte("model_config")
)

func findConfigs(ctx context.Context, r io.ReaderAt, size int64, fn func(cfg []byte, off int64)) (searchResult, error) {
	var res searchResult
	const overlap = 64
	buf := make([]byte, searchChunk+2*overlap)
	tried := 0
	var resume int64 // offsets before this were covered by a text run already handled
	for base := int64(0); base < size; base += searchChunk {
		if err := ctx.Err(); err != nil {
			return res, err
		}
		win := max(0, base-overlap)
		n, err := r.ReadAt(buf, win)
		if err != nil && !errors.Is(err, io.EOF) {
			return res, fmt.Errorf("keras: read: %w", err)
		}
		chunk := buf[:n]
		if bytes.Contains(chunk, configKey) {
			res.modelConfigName = true
		}
		for i := 0; ; {
			j := bytes.Index(chunk[i:], classKey)
			if j < 0 {
				break
			}
			hit := win + int64(i+j)
			i += j + 1
			if hit < base || hit < resume {
				continue
			}
			if hit >= base+searchChunk {
				break
			}
			if tried++; tried > maxCandidates {
				res.exhausted = true
				return res, nil
			}
			start, err := runStart(r, hit, resume)
			if err != nil {
				return res, err
			}
			end, err := runEnd(r, hit, size)
			if err != nil {
				return res, err
			}
			resume = end
			cfg, off, ok, err := firstObject(r, start, hit, end)
			if err != nil {
				return res, err
			}
			if ok {
				res.configs++
				fn(cfg, off)
			} else {
				res.unread++
			}
		}
	}
	return res, nil
}

// firstObject decodes the JSON object at the first '{' in [start, hit)
// that parses, within the text run [start, end) (json.dumps output is one
// run of printable text). It reads the run as Python's json would (NaN and
// Infinity allowed); an error is an I/O failure.
func firstObject(r io.ReaderAt, start, hit, end int64) ([]byte, int64, bool, error) {
	n := min(hit-start, 4096)
	head := make([]byte, n)
	if _, err := r.ReadAt(head, start); err != nil && !errors.Is(err, io.EOF) {
		return nil, 0, false, fmt.Errorf("keras: read: %w", err)
	}
	k := bytes.IndexByte(head, '{')
	if k < 0 {
		return nil, 0, false, nil
	}
	off := start + int64(k)
	run := make([]byte, min(end-off, MaxConfigBytes))
	m, err := r.ReadAt(run, off)
	if err != nil && !errors.Is(err, io.EOF) {
		return nil, 0, false, fmt.Errorf("keras: read: %w", err)
	}
	run = pythonJSON(run[:m])
	// Printable bytes before the JSON (HDF5 fields that happen to be text)
	// may hold a '{' of their own: try the next few.
	for tries := 0; tries < 8 && len(run) > 0; tries++ {
		if cfg, ok := decodeObject(run); ok {
			return cfg, off, true, nil
		}
		next := bytes.IndexByte(run[1:], '{')
		if next < 0 || int64(next+1) >= hit-off {
			break
		}
		run, off = run[next+1:], off+int64(next+1)
	}
	return nil, 0, false, nil
}

func isText(c byte) bool { return c >= 0x20 && c != 0x7f || c == '\t' || c == '\n' || c == '\r' }

// runStart walks back from hit to the first byte of its run of text,
// stopping at floor and at most MaxConfigBytes back.
func runStart(r io.ReaderAt, hit, floor int64) (int64, error) {
	floor = max(floor, hit-MaxConfigBytes)
	block := make([]byte, 64<<10)
	for pos := hit; pos > floor; {
		from := max(floor, pos-int64(len(block)))
		b := block[:pos-from]
		if _, err := r.ReadAt(b, from); err != nil && !errors.Is(err, io.EOF) {
			return 0, fmt.Errorf("keras: read: %w", err)
		}
		for k := len(b) - 1; k >= 0; k-- {
			if !isText(b[k]) {
				return from + int64(k) + 1, nil
			}
		}
		pos = from
	}
	return floor, nil
}

// runEnd walks forward from hit to the end of its run of text.
func runEnd(r io.ReaderAt, hit, size int64) (int64, error) {
	limit := min(size, hit+MaxConfigBytes)
	block := make([]byte, 64<<10)
	for pos := hit; pos < limit; {
		b := block[:min(int64(len(block)), limit-pos)]
		n, err := r.ReadAt(b, pos)
		if err != nil && !errors.Is(err, io.EOF) {
			return 0, fmt.Errorf("keras: read: %w", err)
		}
		for k := 0; k < n; k++ {
			if !isText(b[k]) {
				return pos + int64(k), nil
			}
		}
		if n == 0 {
			break
		}
		pos += int64(n)
	}
	return limit, nil
}

// decodeObject decodes the JSON object at the start of b; it must have a
// class_name.
func decodeObject(b []byte) ([]byte, bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, false
	}
	var probe map[string]json.RawMessage
	if json.Unmarshal(raw, &probe) != nil || probe["class_name"] == nil {
		return nil, false
	}
	return raw, true
}
