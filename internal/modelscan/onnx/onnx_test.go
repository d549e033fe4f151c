package onnx

import (
	"bytes"
	"context"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/google/go-cmp/cmp"
	"google.golang.org/protobuf/encoding/protowire"
)

var update = flag.Bool("update", false, "rewrite the generated files under testdata/")

func cat(parts ...[]byte) []byte { return bytes.Join(parts, nil) }

func str(num protowire.Number, s string) []byte {
	b := protowire.AppendTag(nil, num, protowire.BytesType)
	return protowire.AppendString(b, s)
}

func sub(num protowire.Number, fields ...[]byte) []byte {
	b := protowire.AppendTag(nil, num, protowire.BytesType)
	return protowire.AppendBytes(b, cat(fields...))
}

func vint(num protowire.Number, v uint64) []byte {
	b := protowire.AppendTag(nil, num, protowire.VarintType)
	return protowire.AppendVarint(b, v)
}

func node(op, domain string, extra ...[]byte) []byte {
	f := [][]byte{str(1, "x"), str(2, "y"), str(4, op)}
	if domain != "" {
		f = append(f, str(7, domain))
	}
	return sub(1, append(f, extra...)...)
}

// fnode is a NodeProto inside a FunctionProto (field 7).
func fnode(op, domain string) []byte {
	n := node(op, domain)
	_, _, l := protowire.ConsumeTag(n)
	return cat(protowire.AppendTag(nil, 7, protowire.BytesType), n[l:])
}

func initializer(name string, raw []byte) []byte {
	return sub(5, vint(1, uint64(len(raw)/4)), vint(2, 1), str(8, name), sub(9, raw))
}

func external(name, loc string) []byte {
	return sub(5, vint(1, 4), vint(2, 1), str(8, name), sub(13, str(1, "location"), str(2, loc)), sub(13, str(1, "offset"), str(2, "0")), vint(14, 1))
}

func model(graph ...[]byte) []byte {
	return cat(vint(1, 8), str(2, "pytorch"), str(3, "2.3.0"), sub(7, append([][]byte{str(2, "main_graph")}, graph...)...), sub(8, str(1, ""), vint(2, 17)))
}

// deep nests If subgraphs n levels deep.
func deep(n int) []byte {
	g := node("Relu", "")
	for i := 0; i < n; i++ {
		g = node("If", "", sub(5, str(1, "then_branch"), sub(6, g)))
	}
	return model(g)
}

var benign = model(node("Gemm", "", str(3, "fc")), node("Relu", ""), node("QuickGelu", "com.microsoft"), initializer("W", make([]byte, 16)))

var cases = []struct {
	name string
	file []byte
	want []string
}{
	{"benign_mlp", benign, nil},
	{"benign_ml_domain", model(node("TreeEnsembleClassifier", "ai.onnx.ml")), nil},
	{"benign_local_function", cat(model(node("MyGelu", "local.fn")), sub(25, str(1, "MyGelu"), str(10, "local.fn"), fnode("Erf", ""))), nil},
	{"benign_subgraph", model(node("If", "", sub(5, str(1, "then_branch"), sub(6, node("Identity", ""))))), nil},
	{"external_absolute", model(external("W", "/etc/passwd")), []string{"onnx.external_data.path_traversal"}},
	{"external_dotdot", model(external("W", "../../../home/user/.ssh/id_rsa")), []string{"onnx.external_data.path_traversal"}},
	{"external_windows", model(external("W", `..\..\secrets.txt`)), []string{"onnx.external_data.path_traversal"}},
	{"external_drive", model(external("W", `C:\Windows\win.ini`)), []string{"onnx.external_data.path_traversal"}},
	{"external_no_location", model(sub(5, str(8, "W"), sub(13, str(1, "offset"), str(2, "0")))), []string{"onnx.external_data.location"}},
	{"external_in_subgraph", model(node("If", "", sub(5, str(1, "then_branch"), sub(6, external("W", "/proc/self/environ"))))), []string{"onnx.external_data.path_traversal"}},
	{"external_in_sparse", model(sub(15, sub(1, str(8, "v"), sub(13, str(1, "location"), str(2, "/etc/shadow"))))), []string{"onnx.external_data.path_traversal"}},
	{"custom_domain", model(node("Evil", "com.attacker")), []string{"onnx.op.custom_domain"}},
	{"python_op", model(node("PyOp", "ai.onnx.contrib")), []string{"onnx.op.python"}},
	{"python_op_in_function", cat(model(node("F", "f")), sub(25, str(1, "F"), str(10, "f"), fnode("PythonOp", "org.pytorch.aten"))), []string{"onnx.op.python"}},
	{"training_graph", cat(model(node("Relu", "")), sub(20, sub(1, external("W", "/etc/hosts")))), []string{"onnx.external_data.path_traversal"}},
	{"opset_version", cat(model(node("Relu", "")), sub(8, str(1, "ai.onnx.ml"), vint(2, 1<<40))), []string{"onnx.opset.version"}},
	{"empty", nil, []string{"onnx.malformed"}},
	{"truncated", benign[:len(benign)-9], []string{"onnx.malformed"}},
	{"bad_varint", []byte{0x08, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, []string{"onnx.malformed"}},
	{"length_past_end", []byte{0x3a, 0xff, 0xff, 0xff, 0xff, 0x0f, 0x00}, []string{"onnx.malformed"}},
	{"field_zero", []byte{0x00, 0x01}, []string{"onnx.malformed"}},
	{"group_wire_type", []byte{0x3b, 0x3c}, []string{"onnx.malformed"}},
	{"too_deep", deep(40), []string{"onnx.malformed"}},
	{"text_file", []byte("this is not an onnx model\n"), []string{"onnx.malformed"}},
}

type recorder struct{ findings []modelscan.Finding }

func (r *recorder) Report(f modelscan.Finding)                      { r.findings = append(r.findings, f) }
func (r *recorder) Descend(context.Context, modelscan.Object) error { return nil }

func scan(t testing.TB, path string, b []byte) []string {
	t.Helper()
	var rec recorder
	if err := (Format{}).Scan(context.Background(), modelscan.Object{Name: "model.onnx", Path: path, R: bytes.NewReader(b), Size: int64(len(b))}, &rec); err != nil {
		t.Fatalf("Scan error = %v", err)
	}
	var rules []string
	for _, f := range rec.findings {
		rules = append(rules, f.RuleID)
	}
	sort.Strings(rules)
	return rules
}

func TestScan(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if diff := cmp.Diff(tc.want, scan(t, "", tc.file)); diff != "" {
				t.Errorf("Scan(%s) rules mismatch (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}

func TestExternalDataOnDisk(t *testing.T) {
	outside := t.TempDir()
	os.WriteFile(filepath.Join(outside, "secret"), []byte("s3cret"), 0o600)
	tests := []struct {
		name  string
		setup func(dir string)
		want  []string
	}{
		{"present", func(dir string) { os.WriteFile(filepath.Join(dir, "weights.bin"), make([]byte, 16), 0o644) }, nil},
		{"missing", func(string) {}, []string{"onnx.external_data.missing"}},
		{"symlink_out", func(dir string) { os.Symlink(filepath.Join(outside, "secret"), filepath.Join(dir, "weights.bin")) }, []string{"onnx.external_data.symlink"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			tt.setup(dir)
			got := scan(t, filepath.Join(dir, "model.onnx"), model(external("W", "weights.bin")))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Scan(%s) rules mismatch (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

func TestParse(t *testing.T) {
	m, err := Parse(context.Background(), bytes.NewReader(benign), int64(len(benign)))
	if err != nil {
		t.Fatal(err)
	}
	want := []Node{{OpType: "Gemm"}, {OpType: "Relu"}, {OpType: "QuickGelu", Domain: "com.microsoft"}}
	if diff := cmp.Diff(want, m.Nodes); diff != "" {
		t.Errorf("Nodes mismatch (-want +got):\n%s", diff)
	}
	if m.ProducerName != "pytorch" || m.IRVersion != 8 || len(m.Opsets) != 1 || m.Opsets[0].Version != 17 {
		t.Errorf("Parse = producer %q ir %d opsets %v; want pytorch 8 [{\"\" 17}]", m.ProducerName, m.IRVersion, m.Opsets)
	}
}

// TestCorpus keeps testdata/ in sync with the generator (rewrite with -update).
func TestCorpus(t *testing.T) {
	for _, tc := range cases {
		name := tc.name
		if len(tc.want) > 0 {
			name = "bad_" + name
		}
		p := filepath.Join("testdata", strings.TrimPrefix(name, "benign_")+".onnx")
		if *update {
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
		if err := (Format{}).Scan(context.Background(), modelscan.Object{Name: "f.onnx", R: bytes.NewReader(b), Size: int64(len(b))}, &rec); err != nil {
			t.Fatalf("Scan returned an error on in-memory input: %v", err)
		}
	})
}
