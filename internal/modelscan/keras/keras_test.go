package keras

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the generated files under testdata/")

func dense(name string) string {
	return `{"module": "keras.layers", "class_name": "Dense", "config": {"name": "` + name + `", "trainable": true, "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": null}, "units": 4, "activation": "relu", "kernel_initializer": {"module": "keras.initializers", "class_name": "GlorotUniform", "config": {"seed": null}, "registered_name": null}}, "registered_name": null, "build_config": {"input_shape": [null, 8]}}`
}

func sequential(layers ...string) string {
	return `{"module": "keras", "class_name": "Sequential", "config": {"name": "sequential", "trainable": true, "layers": [{"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [null, 8], "dtype": "float32", "name": "input_layer"}, "registered_name": null}, ` + strings.Join(layers, ", ") + `]}, "registered_name": null, "build_config": {"input_shape": [null, 8]}, "compile_config": {"optimizer": {"module": "keras.optimizers", "class_name": "Adam", "config": {"name": "adam", "learning_rate": 0.001}, "registered_name": null}, "loss": "mse"}}`
}

var code = base64.StdEncoding.EncodeToString([]byte("\xe3\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x03\x00\x00\x00\xf3\x10\x00\x00\x00t\x00\xa0\x01d\x01\xa1\x01\x01\x00|\x00S\x00)\x02N\xda\x02os\xda\x06system"))

var configs = []struct {
	name string
	cfg  string
	want []string
}{
	{"benign_sequential", sequential(dense("d1"), dense("d2")), nil},
	{"benign_functional_tfop", `{"class_name": "Functional", "config": {"layers": [{"class_name": "TFOpLambda", "config": {"name": "tf.math.add", "function": "math.add"}}]}}`, nil},
	{"lambda_keras3", sequential(dense("d1"), `{"module": "keras.layers", "class_name": "Lambda", "config": {"name": "lambda", "function": {"class_name": "__lambda__", "config": {"code": "`+code+`", "defaults": null, "closure": null}}, "arguments": {}}, "registered_name": null}`), []string{"keras.lambda.bytecode"}},
	{"lambda_keras2", `{"class_name": "Sequential", "config": {"layers": [{"class_name": "Lambda", "config": {"name": "lambda_1", "function": ["` + code + `", null, null], "function_type": "lambda", "module": "__main__"}}]}}`, []string{"keras.lambda.bytecode", "keras.module.custom"}},
	{"lambda_named_function", `{"class_name": "Sequential", "config": {"layers": [{"class_name": "Lambda", "config": {"name": "l", "function": "system", "function_type": "function", "module": "os"}}]}}`, []string{"keras.lambda.function", "keras.module.dangerous"}},
	{"module_subprocess", sequential(`{"module": "subprocess", "class_name": "Popen", "config": {"args": ["id"]}, "registered_name": null}`), []string{"keras.module.dangerous"}},
	{"module_builtins_eval", sequential(`{"module": "builtins", "class_name": "function", "config": "eval", "registered_name": "function"}`), []string{"keras.module.dangerous"}},
	{"module_os_path", sequential(`{"module": "os.path", "class_name": "function", "config": "join"}`), []string{"keras.module.dangerous"}},
	{"module_custom", sequential(`{"module": "my_project.layers", "class_name": "Attention", "config": {"name": "a"}, "registered_name": "MyProject>Attention"}`), []string{"keras.module.custom", "keras.registered.custom"}},
	{"tfoplambda_write_file", `{"class_name": "Functional", "config": {"layers": [{"class_name": "TFOpLambda", "config": {"name": "w", "function": "io.write_file"}}]}}`, []string{"keras.tfoplambda.risky"}},
	{"enable_unsafe", sequential(`{"module": "keras.config", "class_name": "function", "config": "enable_unsafe_deserialization", "registered_name": "function"}`), []string{"keras.function.risky"}},
	{"get_file", sequential(`{"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "units": 1, "kernel_initializer": {"module": "keras.utils", "class_name": "function", "config": "get_file", "registered_name": "function"}}, "registered_name": null}`), []string{"keras.function.risky"}},
	{"torch_module_wrapper", sequential(`{"module": "keras.layers", "class_name": "TorchModuleWrapper", "config": {"name": "t", "module": "gASV..."}, "registered_name": "TorchModuleWrapper"}`), []string{"keras.layer.code", "keras.module.custom"}},
	{"reordered_keys", `{"config": {"layers": [{"config": {"name": "x", "function": {"config": {"code": "` + code + `"}, "class_name": "__lambda__"}}, "class_name": "Lambda"}]}, "class_name": "Sequential"}`, []string{"keras.lambda.bytecode"}},
}

func cfg(name string) string {
	for _, c := range configs {
		if c.name == name {
			return c.cfg
		}
	}
	panic("no config " + name)
}

type recorder struct {
	findings []modelscan.Finding
	members  []string
}

func (r *recorder) Report(f modelscan.Finding) { r.findings = append(r.findings, f) }
func (r *recorder) Descend(_ context.Context, o modelscan.Object) error {
	r.members = append(r.members, o.Member)
	return nil
}

func rules(fs []modelscan.Finding) []string {
	var out []string
	seen := map[string]bool{}
	for _, f := range fs {
		if !seen[f.RuleID] {
			seen[f.RuleID] = true
			out = append(out, f.RuleID)
		}
	}
	sort.Strings(out)
	return out
}

func TestCheckConfig(t *testing.T) {
	for _, tc := range configs {
		t.Run(tc.name, func(t *testing.T) {
			fs, err := CheckConfig([]byte(tc.cfg))
			if err != nil {
				t.Fatalf("CheckConfig error = %v", err)
			}
			if diff := cmp.Diff(tc.want, rules(fs)); diff != "" {
				t.Errorf("CheckConfig(%s) rules mismatch (-want +got):\n%s", tc.name, diff)
			}
			for _, f := range fs {
				if f.RuleID == "keras.lambda.bytecode" && !strings.Contains(f.Evidence, "system") {
					t.Errorf("evidence %q does not name the bytecode's system call", f.Evidence)
				}
			}
		})
	}
}

type member struct{ name, body string }

func kerasZip(members ...member) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, m := range members {
		w, _ := zw.Create(m.name)
		w.Write([]byte(m.body))
	}
	zw.Close()
	return b.Bytes()
}

// h5 wraps a config the way HDF5 stores an attribute: binary around a
// NUL-terminated name and a contiguous string.
func h5(cfg string) []byte {
	var b bytes.Buffer
	b.WriteString(hdf5Magic)
	b.Write([]byte{0, 0, 0, 0, 8, 8, 0, 4, 0, 16, 0, 0, 0, 0, 0, 0})
	b.Write(bytes.Repeat([]byte{0x01, 0xff, 0x00, 0x7b}, 64))
	if cfg != "" {
		b.WriteString("\x00\x00model_config\x00\x00\x00\x13\x00\x01\x00")
		b.WriteString(cfg)
		b.WriteString("\x00\x00\x00")
	}
	b.Write(bytes.Repeat([]byte{0x3f, 0x80, 0x00, 0x00}, 256))
	return b.Bytes()
}

var meta = member{"metadata.json", `{"keras_version": "3.4.1", "date_saved": "2024-07-01@00:00:00"}`}
var weights = member{"model.weights.h5", string(h5(""))}

var files = []struct {
	name    string
	file    []byte
	want    []string
	members []string
	wantErr bool
}{
	{name: "benign.keras", file: kerasZip(member{"config.json", cfg("benign_sequential")}, meta, weights), members: []string{"model.weights.h5"}},
	{name: "lambda.keras", file: kerasZip(member{"config.json", cfg("lambda_keras3")}, meta, weights), want: []string{"keras.lambda.bytecode"}, members: []string{"model.weights.h5"}},
	{name: "no_config.keras", file: kerasZip(meta, weights), want: []string{"keras.archive.no_config"}, members: []string{"model.weights.h5"}},
	{name: "duplicate_config.keras", file: kerasZip(member{"config.json", cfg("benign_sequential")}, member{"config.json", cfg("lambda_keras3")}, meta), want: []string{"keras.archive.duplicate", "keras.lambda.bytecode"}},
	{name: "bad_json.keras", file: kerasZip(member{"config.json", `{"class_name": `}, meta), want: []string{"keras.config.invalid"}},
	{name: "hidden_pickle.keras", file: kerasZip(member{"config.json", cfg("benign_sequential")}, meta, member{"assets/tokenizer.pkl", "\x80\x04cos\nsystem\n."}), members: []string{"assets/tokenizer.pkl"}},
	{name: "not_zip.keras", file: []byte("hello"), wantErr: true},
	{name: "benign.h5", file: h5(cfg("benign_sequential"))},
	{name: "weights_only.h5", file: h5("")},
	{name: "lambda.h5", file: h5(cfg("lambda_keras2")), want: []string{"keras.lambda.bytecode", "keras.module.custom"}},
	{name: "reordered.h5", file: h5(cfg("reordered_keys")), want: []string{"keras.lambda.bytecode"}},
	{name: "truncated_config.h5", file: h5(cfg("lambda_keras2")[:100]), want: []string{"keras.h5.config_unreadable"}},
	{name: "not_hdf5.h5", file: []byte("\x00\x01not hdf5 at all"), wantErr: true},
}

func TestScan(t *testing.T) {
	for _, tc := range files {
		t.Run(tc.name, func(t *testing.T) {
			var rec recorder
			err := (Format{}).Scan(context.Background(), modelscan.Object{Name: tc.name, R: bytes.NewReader(tc.file), Size: int64(len(tc.file))}, &rec)
			if (err != nil) != tc.wantErr {
				t.Fatalf("Scan(%s) error = %v; want error %v", tc.name, err, tc.wantErr)
			}
			if diff := cmp.Diff(tc.want, rules(rec.findings)); diff != "" {
				t.Errorf("Scan(%s) rules mismatch (-want +got):\n%s", tc.name, diff)
			}
			if diff := cmp.Diff(tc.members, rec.members); diff != "" {
				t.Errorf("Scan(%s) descended members mismatch (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}

// TestCorpus keeps testdata/ in sync with the generator (rewrite with -update).
func TestCorpus(t *testing.T) {
	for _, tc := range files {
		p := filepath.Join("testdata", tc.name)
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

func FuzzCheckConfig(f *testing.F) {
	for _, c := range configs {
		f.Add([]byte(c.cfg))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		_, _ = CheckConfig(b)
	})
}

func FuzzScanHDF5(f *testing.F) {
	for _, tc := range files {
		if strings.HasSuffix(tc.name, ".h5") {
			f.Add(tc.file)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		var rec recorder
		_ = (Format{}).Scan(context.Background(), modelscan.Object{Name: "f.h5", R: bytes.NewReader(b), Size: int64(len(b))}, &rec)
	})
}
