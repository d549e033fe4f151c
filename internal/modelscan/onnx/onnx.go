// Package onnx scans ONNX models (ModelProto, parsed field by field with
// protowire, no generated code): every node of the main graph, of nested
// subgraphs (If/Loop/Scan attributes), of training graphs and of local
// functions; initializers' external-data locations, which onnxruntime
// resolves against the model folder and which a hostile model points at
// /etc/passwd or ../../secrets; operator domains outside the standard and
// Microsoft sets (custom ops run native code from a library the runtime must
// load); and Python-executing ops.
package onnx

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/bulwark-ai/bulwark/internal/modelscan/protowalk"
	"google.golang.org/protobuf/encoding/protowire"
)

// maxName bounds the strings kept (names, domains, locations).
const maxName = 4096

// StandardDomains are operator domains onnxruntime implements itself.
var StandardDomains = map[string]bool{
	"": true, "ai.onnx": true, "ai.onnx.ml": true, "ai.onnx.preview.training": true,
	"com.microsoft": true, "com.microsoft.nchwc": true, "com.microsoft.experimental": true,
}

// pythonOps run Python code when the model is executed.
var pythonOps = map[string]bool{"PyOp": true, "PythonOp": true, "PyFunc": true}

// Format is the ONNX scanner.
type Format struct{}

var _ modelscan.Format = Format{}

// Name implements modelscan.Format.
func (Format) Name() string { return "onnx" }

// Match implements modelscan.Format (by extension: protobuf has no magic).
func (Format) Match(name string, _ []byte) bool {
	return strings.HasSuffix(strings.ToLower(name), ".onnx")
}

// Node is one operator use.
type Node struct {
	OpType string
	Domain string
}

// OpsetImport is one (domain, version) import.
type OpsetImport struct {
	Domain  string
	Version int64
}

// ExternalData is one tensor stored outside the model file.
type ExternalData struct {
	Tensor   string
	Location string
}

// Model is what Parse extracts.
type Model struct {
	IRVersion    int64
	ProducerName string
	Opsets       []OpsetImport
	Nodes        []Node // unique (domain, op_type) pairs, sorted
	Functions    []Node // local functions as (domain, name)
	ExternalData []ExternalData
	Metadata     map[string]string
	// DroppedOps and DroppedExternal count distinct ops and external-data
	// locations past maxDistinct that were not kept (reported as high).
	DroppedOps, DroppedExternal int
	nodeSet                     map[Node]bool
	extSeen                     map[string]bool
}

// maxDistinct bounds the distinct (domain, op) pairs and external-data
// locations kept; real models have hundreds of the first and a handful of
// the second.
const maxDistinct = 100000

// Parse walks the ModelProto in r. Errors wrapping protowalk.ErrMalformed
// mean the file is not a valid ONNX protobuf.
func Parse(ctx context.Context, r io.ReaderAt, size int64) (*Model, error) {
	m := &Model{nodeSet: map[Node]bool{}, extSeen: map[string]bool{}, Metadata: map[string]string{}}
	w := protowalk.New(ctx, r, size)
	sawGraph := false
	err := w.Walk(func(num protowire.Number, typ protowire.Type) error {
		switch num {
		case 1: // ir_version
			v, err := w.Varint(typ)
			m.IRVersion = int64(v)
			return err
		case 2: // producer_name
			s, _, err := w.String(typ, maxName)
			m.ProducerName = s
			return err
		case 7: // graph
			sawGraph = true
			return m.graph(w, typ)
		case 8: // opset_import
			var o OpsetImport
			err := w.Message(typ, func(n protowire.Number, t protowire.Type) error {
				switch n {
				case 1:
					s, _, err := w.String(t, maxName)
					o.Domain = s
					return err
				case 2:
					v, err := w.Varint(t)
					o.Version = int64(v)
					return err
				}
				return w.Skip(t)
			})
			m.Opsets = append(m.Opsets, o)
			return err
		case 14: // metadata_props
			k, v, err := stringEntry(w, typ)
			if len(m.Metadata) < 1000 {
				m.Metadata[k] = v
			}
			return err
		case 20: // training_info: initialization = 1, algorithm = 2 (graphs)
			return w.Message(typ, func(n protowire.Number, t protowire.Type) error {
				if n == 1 || n == 2 {
					return m.graph(w, t)
				}
				return w.Skip(t)
			})
		case 25: // functions
			return m.function(w, typ)
		}
		return w.Skip(typ)
	})
	if err != nil {
		return nil, err
	}
	if !sawGraph && len(m.Functions) == 0 {
		return nil, &protowalk.Error{Off: 0, Msg: "no graph: not an ONNX model"}
	}
	for n := range m.nodeSet {
		m.Nodes = append(m.Nodes, n)
	}
	sort.Slice(m.Nodes, func(i, k int) bool {
		if m.Nodes[i].Domain != m.Nodes[k].Domain {
			return m.Nodes[i].Domain < m.Nodes[k].Domain
		}
		return m.Nodes[i].OpType < m.Nodes[k].OpType
	})
	return m, nil
}

func stringEntry(w *protowalk.Reader, typ protowire.Type) (k, v string, err error) {
	err = w.Message(typ, func(n protowire.Number, t protowire.Type) error {
		var err error
		switch n {
		case 1:
			k, _, err = w.String(t, maxName)
		case 2:
			v, _, err = w.String(t, maxName)
		default:
			err = w.Skip(t)
		}
		return err
	})
	return k, v, err
}

func (m *Model) graph(w *protowalk.Reader, typ protowire.Type) error {
	return w.Message(typ, func(num protowire.Number, t protowire.Type) error {
		switch num {
		case 1: // node
			return m.node(w, t)
		case 5: // initializer
			return m.tensor(w, t)
		case 15: // sparse_initializer: values = 1, indices = 2
			return m.sparse(w, t)
		}
		return w.Skip(t)
	})
}

func (m *Model) sparse(w *protowalk.Reader, typ protowire.Type) error {
	return w.Message(typ, func(n protowire.Number, t protowire.Type) error {
		if n == 1 || n == 2 {
			return m.tensor(w, t)
		}
		return w.Skip(t)
	})
}

func (m *Model) node(w *protowalk.Reader, typ protowire.Type) error {
	var nd Node
	err := w.Message(typ, func(num protowire.Number, t protowire.Type) error {
		var err error
		switch num {
		case 4:
			nd.OpType, _, err = w.String(t, maxName)
		case 7:
			nd.Domain, _, err = w.String(t, maxName)
		case 5: // attribute
			err = m.attribute(w, t)
		default:
			err = w.Skip(t)
		}
		return err
	})
	// Past the bound only risky ops are still recorded: a file must not
	// push a PyOp out of the set with a flood of made-up op types.
	if len(m.nodeSet) < maxDistinct || pythonOps[nd.OpType] || m.nodeSet[nd] {
		m.nodeSet[nd] = true
	} else {
		m.DroppedOps++
	}
	return err
}

// attribute descends into tensors and subgraphs held by a node attribute.
func (m *Model) attribute(w *protowalk.Reader, typ protowire.Type) error {
	return w.Message(typ, func(num protowire.Number, t protowire.Type) error {
		switch num {
		case 5, 11: // t, tensors
			return m.tensor(w, t)
		case 6, 12: // g, graphs
			return m.graph(w, t)
		case 22, 23: // sparse_tensor, sparse_tensors
			return m.sparse(w, t)
		}
		return w.Skip(t)
	})
}

func (m *Model) tensor(w *protowalk.Reader, typ protowire.Type) error {
	var name, loc string
	hasExternal := false
	err := w.Message(typ, func(num protowire.Number, t protowire.Type) error {
		var err error
		switch num {
		case 8:
			name, _, err = w.String(t, maxName)
		case 13: // external_data
			hasExternal = true
			var k, v string
			k, v, err = stringEntry(w, t)
			if k == "location" {
				loc = v
			}
		default:
			err = w.Skip(t)
		}
		return err
	})
	if hasExternal {
		e := ExternalData{Tensor: name, Location: loc}
		// One entry per location (a model usually shares one data file).
		// Past the bound, locations that are bad on their face are still
		// kept; the others only miss the on-disk symlink check, and are
		// counted so the scan reports them.
		switch {
		case m.extSeen[loc]:
		case len(m.extSeen) < maxDistinct:
			m.extSeen[loc] = true
			m.ExternalData = append(m.ExternalData, e)
		default:
			if _, bad := checkLocation(e, ""); bad {
				m.ExternalData = append(m.ExternalData, e)
			} else {
				m.DroppedExternal++
			}
		}
	}
	return err
}

func (m *Model) function(w *protowalk.Reader, typ protowire.Type) error {
	var fn Node
	err := w.Message(typ, func(num protowire.Number, t protowire.Type) error {
		var err error
		switch num {
		case 1:
			fn.OpType, _, err = w.String(t, maxName)
		case 10:
			fn.Domain, _, err = w.String(t, maxName)
		case 7:
			err = m.node(w, t)
		default:
			err = w.Skip(t)
		}
		return err
	})
	m.Functions = append(m.Functions, fn)
	return err
}

// Scan implements modelscan.Format.
func (Format) Scan(ctx context.Context, obj modelscan.Object, s modelscan.Scope) error {
	m, err := Parse(ctx, obj.R, obj.Size)
	if err != nil {
		if errors.Is(err, protowalk.ErrMalformed) {
			var pe *protowalk.Error
			off := int64(0)
			if errors.As(err, &pe) {
				off = pe.Off
			}
			s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "onnx.malformed",
				Message: "not a well-formed ONNX protobuf", Evidence: err.Error(), Offset: off})
			return nil
		}
		return err
	}
	for _, f := range Check(m, obj.Path) {
		s.Report(f)
	}
	return nil
}

// Check returns the findings for a parsed model. modelPath is the model
// file's path on disk ("" inside archives), used to check that external
// data resolves inside the model's folder.
func Check(m *Model, modelPath string) []modelscan.Finding {
	var out []modelscan.Finding
	local := map[Node]bool{}
	for _, f := range m.Functions {
		local[f] = true
	}
	reported := map[string]bool{}
	for _, n := range m.Nodes {
		switch {
		case pythonOps[n.OpType]:
			out = append(out, modelscan.Finding{Severity: modelscan.SeverityCritical, RuleID: "onnx.op.python",
				Message: "operator runs Python code when the model executes", Evidence: qualified(n)})
		case !StandardDomains[n.Domain] && !local[n] && !reported[n.Domain]:
			reported[n.Domain] = true
			out = append(out, modelscan.Finding{Severity: modelscan.SeverityMedium, RuleID: "onnx.op.custom_domain",
				Message: "operator from a custom domain (needs a native custom-op library to run)", Evidence: qualified(n)})
		}
	}
	for _, e := range m.ExternalData {
		if f, bad := checkLocation(e, modelPath); bad {
			out = append(out, f)
		}
	}
	if m.DroppedOps > 0 || m.DroppedExternal > 0 {
		out = append(out, modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "onnx.limits",
			Message:  "more distinct operators or external-data files than the scanner tracks (the rest were only partly checked)",
			Evidence: fmt.Sprintf("%d ops and %d external locations past %d", m.DroppedOps, m.DroppedExternal, maxDistinct)})
	}
	for _, o := range m.Opsets {
		if o.Version < 0 || o.Version > 10000 {
			out = append(out, modelscan.Finding{Severity: modelscan.SeverityLow, RuleID: "onnx.opset.version",
				Message: "implausible opset version", Evidence: fmt.Sprintf("%q:%d", o.Domain, o.Version)})
		}
	}
	return out
}

func qualified(n Node) string {
	if n.Domain == "" {
		return n.OpType
	}
	return n.Domain + "::" + n.OpType
}

// checkLocation applies the external-data rules: the location must be a
// relative path that stays inside the model's folder.
func checkLocation(e ExternalData, modelPath string) (modelscan.Finding, bool) {
	ev := fmt.Sprintf("%s -> %s", e.Tensor, e.Location)
	loc := e.Location
	norm := strings.ReplaceAll(loc, "\\", "/")
	switch {
	case loc == "":
		return modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "onnx.external_data.location",
			Message: "external tensor has no location", Evidence: ev}, true
	case strings.ContainsRune(loc, 0):
		return modelscan.Finding{Severity: modelscan.SeverityCritical, RuleID: "onnx.external_data.path_traversal",
			Message: "external data location contains a NUL byte", Evidence: ev}, true
	case strings.HasPrefix(norm, "/") || len(norm) >= 2 && norm[1] == ':' || strings.HasPrefix(norm, "//"):
		return modelscan.Finding{Severity: modelscan.SeverityCritical, RuleID: "onnx.external_data.path_traversal",
			Message: "external data location is an absolute path (reads any file on the host)", Evidence: ev}, true
	}
	for _, seg := range strings.Split(norm, "/") {
		if seg == ".." {
			return modelscan.Finding{Severity: modelscan.SeverityCritical, RuleID: "onnx.external_data.path_traversal",
				Message: "external data location escapes the model folder", Evidence: ev}, true
		}
	}
	if modelPath == "" {
		return modelscan.Finding{}, false
	}
	dir := filepath.Dir(modelPath)
	target := filepath.Join(dir, filepath.FromSlash(norm))
	resolved, err := filepath.EvalSymlinks(target)
	if err != nil {
		if os.IsNotExist(err) {
			return modelscan.Finding{Severity: modelscan.SeverityMedium, RuleID: "onnx.external_data.missing",
				Message: "external data file is missing (the model will not load as shipped)", Evidence: ev}, true
		}
		return modelscan.Finding{}, false
	}
	base, err := filepath.EvalSymlinks(dir)
	if err != nil {
		return modelscan.Finding{}, false
	}
	if rel, err := filepath.Rel(base, resolved); err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return modelscan.Finding{Severity: modelscan.SeverityCritical, RuleID: "onnx.external_data.symlink",
			Message: "external data is a symbolic link leaving the model folder", Evidence: ev}, true
	}
	return modelscan.Finding{}, false
}
