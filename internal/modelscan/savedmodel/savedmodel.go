// Package savedmodel scans TensorFlow SavedModel graphs (saved_model.pb,
// parsed field by field with protowire): every NodeDef op in every meta
// graph and in the function library, and the op list the graph declares.
// Ops that run Python (PyFunc and friends) are critical; ops that read,
// write or list files, map memory or open datasets outside the normal
// checkpoint restore path are high. keras_metadata.pb files are searched
// for embedded Keras configs, which get the Keras checks.
//
// Judgment on checkpoint ops: SaveV2, RestoreV2, MergeV2Checkpoints and
// ShardedFilename are what tf.saved_model.save emits for every model (the
// saver graph restores variables from variables/), so they are not
// reported; the legacy Save/Restore/SaveSlices/RestoreSlice ops take
// arbitrary file-name tensors and are reported low.
package savedmodel

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/bulwark-ai/bulwark/internal/modelscan/keras"
	"github.com/bulwark-ai/bulwark/internal/modelscan/protowalk"
	"google.golang.org/protobuf/encoding/protowire"
)

const maxName = 4096

// OpRisk is the severity and reason for one op.
type OpRisk struct {
	Severity modelscan.Severity
	Rule     string
	Why      string
}

var (
	python    = OpRisk{modelscan.SeverityCritical, "savedmodel.op.python", "op runs Python code when the graph executes"}
	fileIO    = OpRisk{modelscan.SeverityHigh, "savedmodel.op.file", "op reads, writes or lists files on the host"}
	dataset   = OpRisk{modelscan.SeverityHigh, "savedmodel.op.dataset", "op opens a file or database dataset"}
	network   = OpRisk{modelscan.SeverityHigh, "savedmodel.op.network", "op makes network calls"}
	legacyIO  = OpRisk{modelscan.SeverityLow, "savedmodel.op.legacy_checkpoint", "legacy checkpoint op taking a file-name tensor"}
	output    = OpRisk{modelscan.SeverityMedium, "savedmodel.op.output", "op writes summaries or debug output to a path"}
	assetRead = OpRisk{modelscan.SeverityLow, "savedmodel.op.asset_read", "op reads a file named by a tensor or attribute (normally the model's assets)"}
)

// RiskyOps maps op names to their risk.
var RiskyOps = map[string]OpRisk{
	"PyFunc": python, "PyFuncStateless": python, "EagerPyFunc": python,
	"ReadFile": fileIO, "WriteFile": fileIO, "MatchingFiles": fileIO, "ImmutableConst": fileIO,
	"WholeFileReader": fileIO, "WholeFileReaderV2": fileIO, "TextLineReader": fileIO, "TextLineReaderV2": fileIO,
	"FixedLengthRecordReader": fileIO, "FixedLengthRecordReaderV2": fileIO, "TFRecordReader": fileIO, "TFRecordReaderV2": fileIO,
	"IdentityReader": fileIO, "LMDBReader": fileIO, "ReaderReadV2": fileIO, "ReaderRead": fileIO,
	"LoadAndRemapMatrix": fileIO, "GenerateVocabRemapping": fileIO,
	// Vocabulary tables read the model's own assets/ in benign text models
	// (TF Hub preprocessors): reported, but not as high.
	"InitializeTableFromTextFile": assetRead, "InitializeTableFromTextFileV2": assetRead,
	"DecodeProtoV2": assetRead, "WriteRawProtoSummary": output,
	"TFRecordDataset": dataset, "TFRecordDatasetV2": dataset, "TextLineDataset": dataset, "FixedLengthRecordDataset": dataset,
	"FixedLengthRecordDatasetV2": dataset, "SqlDataset": dataset, "ExperimentalSqlDataset": dataset, "LMDBDataset": dataset,
	"ExperimentalLMDBDataset": dataset, "CSVDataset": dataset, "CSVDatasetV2": dataset, "ExperimentalCSVDataset": dataset,
	"SaveDataset": dataset, "SaveDatasetV2": dataset, "LoadDataset": dataset, "SnapshotDataset": dataset, "SnapshotDatasetV2": dataset,
	"Rpc": network, "TryRpc": network, "RpcCall": network, "RpcClient": network, "RpcServer": network,
	"Save": legacyIO, "SaveSlices": legacyIO, "Restore": legacyIO, "RestoreSlice": legacyIO,
	"CreateSummaryFileWriter": output, "WriteSummary": output, "DebugIdentity": output, "DebugIdentityV2": output, "PrintV2": output,
}

// maxOps bounds the distinct op names counted (risky ones always are).
const maxOps = 100000

// Format is the SavedModel scanner.
type Format struct{}

var _ modelscan.Format = Format{}

// Name implements modelscan.Format.
func (Format) Name() string { return "savedmodel" }

// Match implements modelscan.Format: saved_model.pb and keras_metadata.pb.
func (Format) Match(name string, _ []byte) bool {
	n := strings.ToLower(name)
	return n == "saved_model.pb" || n == "saved_model.pbtxt" || n == "keras_metadata.pb"
}

// Graph is what Parse extracts: how often each op occurs, and the string
// attributes of risky ops (e.g. PyFunc's token) as evidence.
type Graph struct {
	Ops      map[string]int
	Evidence map[string][]string
}

// Scan implements modelscan.Format.
func (Format) Scan(ctx context.Context, obj modelscan.Object, s modelscan.Scope) error {
	if strings.EqualFold(obj.Name, "keras_metadata.pb") {
		return scanKerasMetadata(ctx, obj, s)
	}
	if strings.EqualFold(obj.Name, "saved_model.pbtxt") {
		g, err := parseText(ctx, obj.R, obj.Size)
		if err != nil {
			return err
		}
		for _, f := range Check(g) {
			s.Report(f)
		}
		return nil
	}
	g, err := Parse(ctx, obj.R, obj.Size)
	if err != nil {
		if errors.Is(err, protowalk.ErrMalformed) {
			s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "savedmodel.malformed",
				Message: "not a well-formed SavedModel protobuf", Evidence: err.Error()})
			return nil
		}
		return err
	}
	for _, f := range Check(g) {
		s.Report(f)
	}
	return nil
}

// Check returns a finding per risky op (with its occurrence count).
func Check(g *Graph) []modelscan.Finding {
	ops := make([]string, 0, len(g.Ops))
	for op := range g.Ops {
		ops = append(ops, op)
	}
	sort.Strings(ops)
	var out []modelscan.Finding
	for _, op := range ops {
		r, ok := RiskyOps[op]
		if !ok {
			continue
		}
		ev := fmt.Sprintf("%s (×%d)", op, g.Ops[op])
		if g.Ops[op] == 0 {
			ev = op + " (declared in the op list)"
		}
		if extra := g.Evidence[op]; len(extra) > 0 {
			ev += " " + strings.Join(extra, ", ")
		}
		out = append(out, modelscan.Finding{Severity: r.Severity, RuleID: r.Rule, Message: r.Why, Evidence: ev})
	}
	sort.SliceStable(out, func(i, k int) bool { return out[i].Severity > out[k].Severity })
	return out
}

// Parse walks a SavedModel protobuf.
func Parse(ctx context.Context, r io.ReaderAt, size int64) (*Graph, error) {
	g := &Graph{Ops: map[string]int{}, Evidence: map[string][]string{}}
	w := protowalk.New(ctx, r, size)
	metaGraphs := 0
	err := w.Walk(func(num protowire.Number, typ protowire.Type) error {
		if num == 2 { // meta_graphs
			metaGraphs++
			return w.Message(typ, func(n protowire.Number, t protowire.Type) error {
				switch n {
				case 1: // meta_info_def: stripped_op_list = 4 (OpList: op = 1 (OpDef: name = 1))
					return w.Message(t, func(n protowire.Number, t protowire.Type) error {
						if n != 4 {
							return w.Skip(t)
						}
						return w.Message(t, func(n protowire.Number, t protowire.Type) error {
							if n != 1 {
								return w.Skip(t)
							}
							return w.Message(t, func(n protowire.Number, t protowire.Type) error {
								if n != 1 {
									return w.Skip(t)
								}
								name, _, err := w.String(t, maxName)
								if _, risky := RiskyOps[name]; risky && g.Ops[name] == 0 {
									g.Ops[name] = 0 // declared; counted when a node uses it
								}
								return err
							})
						})
					})
				case 2: // graph_def
					return g.graphDef(w, t)
				}
				return w.Skip(t)
			})
		}
		return w.Skip(typ)
	})
	if err != nil {
		return nil, err
	}
	if metaGraphs == 0 {
		return nil, &protowalk.Error{Msg: "no meta graph: not a SavedModel"}
	}
	return g, nil
}

// graphDef walks GraphDef: node = 1, library = 2 (FunctionDefLibrary:
// function = 1 (FunctionDef: node_def = 3)).
func (g *Graph) graphDef(w *protowalk.Reader, typ protowire.Type) error {
	return w.Message(typ, func(n protowire.Number, t protowire.Type) error {
		switch n {
		case 1:
			return g.nodeDef(w, t)
		case 2:
			return w.Message(t, func(n protowire.Number, t protowire.Type) error {
				if n != 1 {
					return w.Skip(t)
				}
				return w.Message(t, func(n protowire.Number, t protowire.Type) error {
					if n != 3 {
						return w.Skip(t)
					}
					return g.nodeDef(w, t)
				})
			})
		}
		return w.Skip(t)
	})
}

// nodeDef walks NodeDef: op = 2, attr = 5 (map entry: key = 1, value = 2
// (AttrValue: s = 2)).
func (g *Graph) nodeDef(w *protowalk.Reader, typ protowire.Type) error {
	var op string
	var attrs []string
	err := w.Message(typ, func(n protowire.Number, t protowire.Type) error {
		switch n {
		case 2:
			var err error
			op, _, err = w.String(t, maxName)
			return err
		case 5:
			var key, val string
			err := w.Message(t, func(n protowire.Number, t protowire.Type) error {
				switch n {
				case 1:
					var err error
					key, _, err = w.String(t, maxName)
					return err
				case 2:
					return w.Message(t, func(n protowire.Number, t protowire.Type) error {
						if n != 2 {
							return w.Skip(t)
						}
						var err error
						val, _, err = w.String(t, 256)
						return err
					})
				}
				return w.Skip(t)
			})
			if val != "" && (key == "token" || key == "memory_region_name" || key == "output_stream" || key == "debug_urls") {
				attrs = append(attrs, key+"="+val)
			}
			return err
		}
		return w.Skip(t)
	})
	_, risky := RiskyOps[op]
	_, known := g.Ops[op]
	// Past the bound only risky and already-counted ops are counted: a
	// flood of made-up op names must not push a PyFunc out of the table.
	if op != "" && (len(g.Ops) < maxOps || risky || known) {
		g.Ops[op]++
		if _, risky := RiskyOps[op]; risky && len(g.Evidence[op]) < 5 {
			g.Evidence[op] = append(g.Evidence[op], attrs...)
		}
	}
	return err
}

// scanKerasMetadata finds JSON strings in keras_metadata.pb (a
// SavedMetadata message whose nodes carry Keras layer configs as JSON) and
// applies the Keras config checks. It reads the whole message, bounded.
func scanKerasMetadata(ctx context.Context, obj modelscan.Object, s modelscan.Scope) error {
	if obj.Size > keras.MaxConfigBytes {
		// Not read, so not checked: Lambda bytecode could be anywhere in it.
		s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "savedmodel.keras_metadata.size",
			Message: "keras_metadata.pb is larger than the scanner reads (not checked)", Evidence: fmt.Sprintf("%d bytes", obj.Size)})
		return nil
	}
	b := make([]byte, obj.Size)
	if _, err := obj.R.ReadAt(b, 0); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("savedmodel: read: %w", err)
	}
	seen := map[string]bool{}
	var walk func(b []byte, depth int) bool
	walk = func(b []byte, depth int) bool {
		for len(b) > 0 {
			num, typ, n := protowire.ConsumeTag(b)
			if n < 0 || num < 1 {
				return false
			}
			b = b[n:]
			if typ != protowire.BytesType {
				n = protowire.ConsumeFieldValue(num, typ, b)
				if n < 0 {
					return false
				}
				b = b[n:]
				continue
			}
			v, n := protowire.ConsumeBytes(b)
			if n < 0 {
				return false
			}
			b = b[n:]
			// Keras reads these strings with Python's json.loads: leading
			// whitespace and NaN/Infinity are accepted (CheckConfig reads
			// them too), so neither may make a config look like non-JSON.
			if t := bytes.TrimLeft(v, " \t\r\n"); len(t) > 0 && t[0] == '{' && utf8.Valid(t) {
				fs, err := keras.CheckConfig(t)
				if err == nil {
					for _, f := range fs {
						if !seen[f.RuleID+f.Evidence] {
							seen[f.RuleID+f.Evidence] = true
							s.Report(f)
						}
					}
					continue
				}
				if bytes.Contains(t, []byte(`"class_name"`)) {
					s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "savedmodel.keras_metadata.unreadable",
						Message: "keras_metadata.pb holds a layer config the scanner cannot read", Evidence: obj.Name})
					continue
				}
			}
			if depth < 8 {
				walk(v, depth+1) // may not be a message; a failed walk is ignored
			}
		}
		return true
	}
	if !walk(b, 0) {
		s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "savedmodel.malformed",
			Message: "keras_metadata.pb is not a well-formed protobuf", Evidence: obj.Name})
	}
	return ctx.Err()
}

// opLine matches an op field in text-format protobuf: op: "PyFunc".
var opLine = regexp.MustCompile(`(?:^|[\s{])op\s*:\s*"([A-Za-z0-9_>.]+)"`)

// parseText scans a text-format SavedModel (saved_model.pbtxt) line by
// line for op fields; every `op: "..."` is counted, whatever message it is
// in (NodeDef.op and OpDef names alike), which errs towards reporting.
func parseText(ctx context.Context, r io.ReaderAt, size int64) (*Graph, error) {
	g := &Graph{Ops: map[string]int{}, Evidence: map[string][]string{}}
	sc := bufio.NewScanner(io.NewSectionReader(r, 0, size))
	sc.Buffer(make([]byte, 64<<10), 16<<20)
	n := 0
	for sc.Scan() {
		if n++; n%4096 == 0 {
			if err := ctx.Err(); err != nil {
				return nil, err
			}
		}
		for _, m := range opLine.FindAllSubmatch(sc.Bytes(), -1) {
			g.Ops[string(m[1])]++
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("savedmodel: read text: %w", err)
	}
	return g, nil
}
