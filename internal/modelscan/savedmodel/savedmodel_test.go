package savedmodel

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protowire"
)

var update = flag.Bool("update", false, "rewrite the generated files under testdata/")

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func str(num protowire.Number, s string) []byte {
	return protowire.AppendString(protowire.AppendTag(nil, num, protowire.BytesType), s)
}

func sub(num protowire.Number, fields ...[]byte) []byte {
	return protowire.AppendBytes(protowire.AppendTag(nil, num, protowire.BytesType), cat(fields...))
}

func vint(num protowire.Number, v uint64) []byte {
	return protowire.AppendVarint(protowire.AppendTag(nil, num, protowire.VarintType), v)
}

// node is a NodeDef with optional string attributes (key, value pairs).
func node(name, op string, attrs ...string) []byte {
	f := [][]byte{str(1, name), str(2, op)}
	for i := 0; i+1 < len(attrs); i += 2 {
		f = append(f, sub(5, str(1, attrs[i]), sub(2, str(2, attrs[i+1]))))
	}
	return sub(1, f...)
}

// fnode is a NodeDef inside a FunctionDef (node_def = 3).
func fnode(name, op string) []byte { return sub(3, str(1, name), str(2, op)) }

func savedModel(ops []string, nodes ...[]byte) []byte {
	var opDefs [][]byte
	for _, op := range ops {
		opDefs = append(opDefs, sub(1, str(1, op)))
	}
	return cat(vint(1, 1), sub(2, sub(1, sub(4, opDefs...), str(6, "serve")), sub(2, nodes...)))
}

func library(fnName string, nodes ...[]byte) []byte {
	return sub(2, sub(1, append([][]byte{sub(1, str(1, fnName))}, nodes...)...))
}

var saver = [][]byte{
	node("saver_filename", "Placeholder"), node("StringJoin", "StringJoin"), node("ShardedFilename", "ShardedFilename"),
	node("SaveV2", "SaveV2"), node("MergeV2Checkpoints", "MergeV2Checkpoints"), node("RestoreV2", "RestoreV2"),
}

var cases = []struct {
	name string
	file []byte
	want []string
}{
	{"benign", savedModel([]string{"MatMul", "SaveV2", "RestoreV2"}, append(saver, node("dense/MatMul", "MatMul"), node("relu", "Relu"), library("__inference_call_1", fnode("m", "MatMul")))...), nil},
	{"pyfunc", savedModel(nil, node("p", "PyFunc", "token", "pyfunc_0")), []string{"savedmodel.op.python"}},
	{"eager_pyfunc_in_function", savedModel(nil, node("x", "StatefulPartitionedCall"), library("__inference_f", fnode("e", "EagerPyFunc"))), []string{"savedmodel.op.python"}},
	{"read_file", savedModel(nil, node("r", "ReadFile")), []string{"savedmodel.op.file"}},
	{"write_file", savedModel(nil, node("w", "WriteFile"), node("m", "MatchingFiles")), []string{"savedmodel.op.file", "savedmodel.op.file"}},
	{"immutable_const", savedModel(nil, node("c", "ImmutableConst", "memory_region_name", "/etc/shadow")), []string{"savedmodel.op.file"}},
	{"dataset", savedModel(nil, node("d", "TFRecordDataset")), []string{"savedmodel.op.dataset"}},
	{"legacy_save", savedModel(nil, node("s", "Save")), []string{"savedmodel.op.legacy_checkpoint"}},
	{"print_to_file", savedModel(nil, node("p", "PrintV2", "output_stream", "file:///tmp/x")), []string{"savedmodel.op.output"}},
	{"declared_only", savedModel([]string{"PyFunc"}, node("m", "MatMul")), []string{"savedmodel.op.python"}},
	{"empty", nil, []string{"savedmodel.malformed"}},
	{"truncated", savedModel(nil, node("p", "PyFunc"))[:12], []string{"savedmodel.malformed"}},
	{"not_protobuf", []byte("\xff\xff\xff\xff"), []string{"savedmodel.malformed"}},
}

type recorder struct{ findings []modelscan.Finding }

func (r *recorder) Report(f modelscan.Finding)                      { r.findings = append(r.findings, f) }
func (r *recorder) Descend(context.Context, modelscan.Object) error { return nil }

func scan(t testing.TB, name string, b []byte) []modelscan.Finding {
	t.Helper()
	var rec recorder
	if err := (Format{}).Scan(context.Background(), modelscan.Object{Name: name, R: bytes.NewReader(b), Size: int64(len(b))}, &rec); err != nil {
		t.Fatalf("Scan error = %v", err)
	}
	return rec.findings
}

func ruleIDs(fs []modelscan.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.RuleID)
	}
	sort.Strings(out)
	return out
}

func TestScan(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			fs := scan(t, "saved_model.pb", tc.file)
			if diff := cmp.Diff(tc.want, ruleIDs(fs)); diff != "" {
				t.Errorf("Scan(%s) rules mismatch (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}

func TestEvidence(t *testing.T) {
	fs := scan(t, "saved_model.pb", cases[1].file)
	if len(fs) != 1 || fs[0].Evidence != "PyFunc (×1) token=pyfunc_0" || fs[0].Severity != modelscan.SeverityCritical {
		t.Errorf("Scan(pyfunc) = %+v; want one critical finding with evidence %q", fs, "PyFunc (×1) token=pyfunc_0")
	}
}

func TestKerasMetadata(t *testing.T) {
	lambda := `{"class_name": "Lambda", "config": {"name": "l", "function": ["YWJj", null, null], "function_type": "lambda"}}`
	benign := `{"class_name": "Dense", "config": {"name": "d", "units": 2}}`
	tests := []struct {
		name string
		file []byte
		want []string
	}{
		{"benign", sub(1, vint(1, 1), str(3, "root"), str(5, benign)), nil},
		{"lambda", sub(1, vint(1, 1), str(3, "root.layer-0"), str(5, lambda)), []string{"keras.lambda.bytecode"}},
		{"garbage", []byte{0xff, 0xff}, []string{"savedmodel.malformed"}},
		// Keras decodes the metadata with Python's json.loads, which skips
		// leading whitespace and accepts NaN and Infinity; neither may hide
		// a Lambda from the scanner.
		{"lambda_leading_space", sub(1, vint(1, 1), str(3, "root.layer-0"), str(5, " \n"+lambda)), []string{"keras.lambda.bytecode"}},
		{"lambda_with_nan", sub(1, vint(1, 1), str(3, "root.layer-0"), str(5, `{"class_name": "Lambda", "config": {"name": "l", "eps": NaN, "lo": -Infinity, "function": ["YWJj", null, null], "function_type": "lambda"}}`)), []string{"keras.lambda.bytecode"}},
		{"benign_with_nan", sub(1, vint(1, 1), str(3, "root"), str(5, `{"class_name": "Dense", "config": {"name": "NaN Infinity", "units": 2, "x": NaN}}`)), nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, ruleIDs(scan(t, "keras_metadata.pb", tt.file))); diff != "" {
				t.Errorf("Scan(%s) rules mismatch (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func TestTextFormat(t *testing.T) {
	txt := "meta_graphs {\n  graph_def {\n    node {\n      name: \"p\"\n      op: \"EagerPyFunc\"\n    }\n    node { name: \"m\" op: \"MatMul\" }\n  }\n}\n"
	if diff := cmp.Diff([]string{"savedmodel.op.python"}, ruleIDs(scan(t, "saved_model.pbtxt", []byte(txt)))); diff != "" {
		t.Errorf("Scan(pbtxt) rules mismatch (-want +got):\n%s", diff)
	}
	benign := "node { name: \"m\" op: \"MatMul\" }\nnode { op: \"RestoreV2\" }\n"
	if got := ruleIDs(scan(t, "saved_model.pbtxt", []byte(benign))); len(got) != 0 {
		t.Errorf("Scan(benign pbtxt) = %v; want none", got)
	}
}

// TestCorpus keeps testdata/ in sync with the generator (rewrite with -update).
func TestCorpus(t *testing.T) {
	for _, tc := range cases {
		dir := filepath.Join("testdata", tc.name)
		p := filepath.Join(dir, "saved_model.pb")
		if *update {
			os.MkdirAll(dir, 0o755)
			if err := os.WriteFile(p, tc.file, 0o644); err != nil {
				t.Fatal(err)
			}
		}
		b, err := os.ReadFile(p)
		if err != nil {
			t.Fatalf("%v (run go test -run TestCorpus -update)", err)
		}
		if !bytes.Equal(b, tc.file) {
			t.Errorf("%s differs from the generator (run go test -run TestCorpus -update)", p)
		}
	}
}

func FuzzParse(f *testing.F) {
	for _, tc := range cases {
		f.Add(tc.file)
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var rec recorder
		for _, name := range []string{"saved_model.pb", "keras_metadata.pb"} {
			if err := (Format{}).Scan(context.Background(), modelscan.Object{Name: name, R: bytes.NewReader(b), Size: int64(len(b))}, &rec); err != nil {
				t.Fatalf("Scan(%s) returned an error on in-memory input: %v", name, err)
			}
		}
	})
}
