// Package modelscan scans model artifacts (pickle and the formats built on it,
// safetensors, GGUF, ONNX, Keras, SavedModel, archives) for code execution,
// tampering and malformed structure, without ever executing or fully loading
// them. Format parsers live in subpackages and plug in through Format.
package modelscan

import (
	"context"
	"fmt"
	"io"
)

// Severity orders findings. A file that cannot be parsed is at least High:
// it is never reported clean.
type Severity int

// Severities, in increasing order.
const (
	SeverityInfo Severity = iota
	SeverityLow
	SeverityMedium
	SeverityHigh
	SeverityCritical
)

var severityNames = [...]string{"info", "low", "medium", "high", "critical"}

func (s Severity) String() string {
	if s < 0 || int(s) >= len(severityNames) {
		return fmt.Sprintf("severity(%d)", int(s))
	}
	return severityNames[s]
}

// ParseSeverity parses "info", "low", "medium", "high" or "critical".
func ParseSeverity(s string) (Severity, error) {
	for i, n := range severityNames {
		if n == s {
			return Severity(i), nil
		}
	}
	return 0, fmt.Errorf("unknown severity %q (want low, medium, high or critical)", s)
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// Finding is one problem in one artifact.
type Finding struct {
	File     string   `json:"file"`             // path as given on the command line (or under a directory)
	Member   string   `json:"member,omitempty"` // path inside archives, outermost first, joined with "!/"
	Format   string   `json:"format"`           // "pickle", "pytorch-zip", "safetensors", ...
	Severity Severity `json:"severity"`
	RuleID   string   `json:"rule_id"`  // stable id, e.g. "pickle.global.denied"
	Message  string   `json:"message"`  // human sentence
	Evidence string   `json:"evidence"` // e.g. "os.system", the offending key, the op name
	Offset   int64    `json:"offset,omitempty"`
}

// Object is one artifact (a file, or a member inside an archive) being
// scanned. Formats read it through R; they must not assume it fits in memory.
type Object struct {
	Name   string      // base name, used for extension matching
	Path   string      // file path on disk (for sibling lookups, e.g. ONNX external data); "" inside archives
	Member string      // member path inside archives ("" for top-level files)
	R      io.ReaderAt // contents
	Size   int64
	Depth  int // archive nesting depth (0 for files on disk)
}

// Scope is what a Format reports into. It records findings and lets
// container formats hand their members back to the engine.
type Scope interface {
	// Report records a finding for the object being scanned; File, Member and
	// Format are filled in by the engine when empty.
	Report(f Finding)
	// Descend scans a member of the current object (archive entry, embedded
	// pickle) with every matching format. It enforces depth and size limits.
	Descend(ctx context.Context, member Object) error
}

// Format is one artifact format's scanner.
type Format interface {
	// Name is the format's id as it appears in findings ("safetensors").
	Name() string
	// Match reports whether the format applies, from the name and the first
	// bytes (up to 512).
	Match(name string, head []byte) bool
	// Scan reports findings into s. An error means the object could not be
	// scanned (it is reported as a high-severity "unparseable" finding, and
	// the CLI exits 2): never return nil for something you could not read.
	Scan(ctx context.Context, obj Object, s Scope) error
}
