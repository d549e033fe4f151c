package gguf

import (
	"bytes"
	"context"
	"encoding/binary"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/google/go-cmp/cmp"
)

var update = flag.Bool("update", false, "rewrite the generated files under testdata/")

type kv struct {
	key string
	typ uint32
	val any
}

type arr struct {
	et    uint32
	elems []any
}

// builder writes GGUF files for tests.
type builder struct {
	b  bytes.Buffer
	v1 bool
}

func (w *builder) u32(v uint32) { binary.Write(&w.b, binary.LittleEndian, v) }
func (w *builder) u64(v uint64) { binary.Write(&w.b, binary.LittleEndian, v) }
func (w *builder) count(v uint64) {
	if w.v1 {
		w.u32(uint32(v))
		return
	}
	w.u64(v)
}
func (w *builder) str(s string) { w.count(uint64(len(s))); w.b.WriteString(s) }

func (w *builder) value(typ uint32, v any) {
	switch typ {
	case typeString:
		w.str(v.(string))
	case typeArray:
		a := v.(arr)
		w.u32(a.et)
		w.count(uint64(len(a.elems)))
		for _, e := range a.elems {
			w.value(a.et, e)
		}
	case typeUint32, typeInt32, typeFloat32:
		w.u32(uint32(v.(int)))
	case typeUint64, typeInt64, typeFloat64:
		w.u64(uint64(v.(int)))
	case typeUint8, typeInt8, typeBool:
		w.b.WriteByte(byte(v.(int)))
	case typeUint16, typeInt16:
		binary.Write(&w.b, binary.LittleEndian, uint16(v.(int)))
	default:
		w.u32(uint32(v.(int)))
	}
}

func build(version uint32, kvs []kv, tensors []Tensor, data []byte) []byte {
	w := &builder{v1: version == 1}
	w.b.WriteString("GGUF")
	w.u32(version)
	w.count(uint64(len(tensors)))
	w.count(uint64(len(kvs)))
	for _, e := range kvs {
		w.str(e.key)
		w.u32(e.typ)
		w.value(e.typ, e.val)
	}
	for _, t := range tensors {
		w.str(t.Name)
		w.u32(uint32(len(t.Dims)))
		for _, d := range t.Dims {
			w.count(d)
		}
		w.u32(t.Type)
		w.u64(t.Offset)
	}
	for w.b.Len()%32 != 0 {
		w.b.WriteByte(0)
	}
	w.b.Write(data)
	return w.b.Bytes()
}

// header writes only the first fields, for hostile counts.
func header(version uint32, nTensors, nKV uint64, rest ...byte) []byte {
	w := &builder{}
	w.b.WriteString("GGUF")
	w.u32(version)
	w.u64(nTensors)
	w.u64(nKV)
	w.b.Write(rest)
	return w.b.Bytes()
}

const benignTemplate = `{%- set ns = namespace(found=false) -%}
{%- for message in messages -%}
  {%- if message['role'] == 'system' -%}{%- set ns.found = true -%}{%- endif -%}
  {%- if loop.index0 == 0 and message.role not in ['system', 'user'] -%}{{ raise_exception('Conversation roles must start with user') }}{%- endif -%}
  {{- '<|im_start|>' + message['role'] + '\n' + message['content'] | trim + '<|im_end|>' + '\n' -}}
{%- endfor -%}
{%- if tools %}{{- tools | tojson(indent=4) }}{% endif %}
{%- if add_generation_prompt -%}{{- '<|im_start|>assistant\n' -}}{%- endif -%}
{# a comment that mentions __class__ is not code #}
Text that says os.system(__import__) is printed, not run.`

func benignKVs(tpl string) []kv {
	return []kv{
		{"general.architecture", typeString, "llama"},
		{"general.name", typeString, "tiny-test"},
		{"general.license", typeString, "apache-2.0"},
		{"general.alignment", typeUint32, 32},
		{"llama.context_length", typeUint32, 2048},
		{"llama.rope.freq_base", typeFloat32, 0},
		{"tokenizer.ggml.tokens", typeArray, arr{typeString, []any{"<s>", "</s>", "hello"}}},
		{"tokenizer.ggml.scores", typeArray, arr{typeFloat32, []any{0, 0, 0}}},
		{"tokenizer.ggml.merges", typeArray, arr{typeArray, []any{arr{typeString, []any{"h", "e"}}}}},
		{"general.flag", typeBool, 1},
		{"general.i64", typeInt64, 7},
		{"general.u16", typeUint16, 3},
		{"tokenizer.chat_template", typeString, tpl},
	}
}

var benignTensors = []Tensor{
	{Name: "tok_embd.weight", Dims: []uint64{4, 2}, Type: 0, Offset: 0},  // F32: 32 bytes
	{Name: "blk.0.q.weight", Dims: []uint64{32, 1}, Type: 8, Offset: 32}, // Q8_0: 34 bytes
}

func tpl(t string) []byte { return build(3, benignKVs(t), nil, nil) }

var cases = []struct {
	name string
	file []byte
	want []string // sorted rule ids
}{
	{"benign_v3", build(3, benignKVs(benignTemplate), benignTensors, make([]byte, 66)), nil},
	{"benign_v2", build(2, benignKVs(benignTemplate), benignTensors, make([]byte, 66)), nil},
	{"benign_v1", build(1, benignKVs(benignTemplate), nil, nil), nil},
	{"benign_no_template", build(3, benignKVs("")[:6], nil, nil), nil},
	{"bad_magic", []byte("GGUX\x03\x00\x00\x00"), []string{"gguf.malformed"}},
	{"bad_version", header(4, 0, 0), []string{"gguf.malformed"}},
	{"truncated", build(3, benignKVs(benignTemplate), nil, nil)[:60], []string{"gguf.malformed"}},
	{"huge_kv_count", header(3, 0, 1<<60), []string{"gguf.malformed"}},
	{"huge_tensor_count", header(3, 1<<40, 0), []string{"gguf.malformed"}},
	{"huge_string_len", header(3, 0, 1, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f), []string{"gguf.malformed"}},
	{"huge_array_count", build(3, []kv{{"a", typeArray, arr{typeUint64, nil}}}, nil, nil)[:24+1+4+4], []string{"gguf.malformed"}},
	{"unknown_value_type", build(3, []kv{{"a", 99, 0}}, nil, nil), []string{"gguf.malformed"}},
	{"deep_arrays", build(3, []kv{{"a", typeArray, arr{typeArray, []any{arr{typeArray, []any{arr{typeArray, []any{arr{typeArray, []any{arr{typeArray, []any{arr{typeArray, []any{arr{typeArray, []any{arr{typeArray, []any{arr{typeUint8, nil}}}}}}}}}}}}}}}}}}}, nil, nil), []string{"gguf.malformed"}},
	{"too_many_dims", build(3, nil, []Tensor{{Name: "t", Dims: []uint64{1, 1, 1, 1, 1}, Type: 0}}, make([]byte, 4)), []string{"gguf.malformed"}},
	{"bad_alignment", build(3, []kv{{"general.alignment", typeUint32, 3}}, nil, nil), []string{"gguf.malformed"}},
	{"tensor_past_eof", build(3, nil, []Tensor{{Name: "t", Dims: []uint64{1024}, Type: 0}}, make([]byte, 32)), []string{"gguf.tensor.bounds"}},
	{"tensor_offset_huge", build(3, nil, []Tensor{{Name: "t", Dims: []uint64{1}, Type: 0, Offset: 1 << 62}}, make([]byte, 32)), []string{"gguf.tensor.bounds"}},
	{"tensor_misaligned", build(3, nil, []Tensor{{Name: "t", Dims: []uint64{1}, Type: 0, Offset: 4}}, make([]byte, 32)), []string{"gguf.tensor.alignment"}},
	{"tensor_dims_overflow", build(3, nil, []Tensor{{Name: "t", Dims: []uint64{1 << 40, 1 << 40}, Type: 0}}, make([]byte, 32)), []string{"gguf.tensor.size"}},
	{"duplicate_key", build(3, []kv{{"general.architecture", typeString, "llama"}, {"general.architecture", typeString, "gpt2"}}, nil, nil), []string{"gguf.metadata.duplicate"}},
	{"duplicate_tensor", build(3, nil, []Tensor{{Name: "t", Dims: []uint64{8}, Type: 0}, {Name: "t", Dims: []uint64{8}, Type: 0, Offset: 32}}, make([]byte, 64)), []string{"gguf.tensor.duplicate"}},
	{"tensor_overlap", build(3, nil, []Tensor{{Name: "a", Dims: []uint64{16}, Type: 0}, {Name: "b", Dims: []uint64{8}, Type: 0, Offset: 32}}, make([]byte, 64)), []string{"gguf.tensor.overlap"}},
	{"tensor_unknown_type", build(3, nil, []Tensor{{Name: "t", Dims: []uint64{1}, Type: 4}}, make([]byte, 32)), []string{"gguf.tensor.type"}},
	{"tpl_mro_subclasses", tpl(`{{ ''.__class__.__mro__[1].__subclasses__() }}`), []string{"gguf.template.dunder"}},
	{"tpl_lipsum_globals", tpl(`{{ lipsum.__globals__['os'].popen('id').read() }}`), []string{"gguf.template.dunder", "gguf.template.escape_attr", "gguf.template.springboard"}},
	{"tpl_cycler_init", tpl(`{{ cycler.__init__.__globals__.os.popen('id').read() }}`), []string{"gguf.template.dunder", "gguf.template.escape_attr", "gguf.template.springboard"}},
	{"tpl_joiner", tpl(`{{ joiner.__init__.__globals__ }}`), []string{"gguf.template.dunder", "gguf.template.springboard"}},
	{"tpl_namespace_init", tpl(`{{ namespace.__init__.__globals__.__builtins__.__import__('os') }}`), []string{"gguf.template.dunder", "gguf.template.springboard"}},
	{"tpl_self_context", tpl(`{{ self._TemplateReference__context.cycler }}`), []string{"gguf.template.private_attr", "gguf.template.springboard"}},
	{"tpl_attr_hex", tpl(`{{ ''|attr('\x5f\x5fclass\x5f\x5f') }}`), []string{"gguf.template.attr_filter", "gguf.template.dunder"}},
	{"tpl_attr_concat", tpl(`{% set a = '_' ~ '_cla' ~ 'ss_' ~ '_' %}{{ ()|attr(a) }}`), []string{"gguf.template.attr_filter", "gguf.template.obfuscated"}},
	{"tpl_concat_words", tpl(`{% set u = (()|select|string|list)[24] %}{{ ()[u*2 ~ 'class' ~ u*2] }}`), []string{"gguf.template.dynamic_key", "gguf.template.obfuscated", "gguf.template.repr_chars"}},
	{"tpl_subscript_globals", tpl(`{{ x['mro'] }}`), []string{"gguf.template.escape_attr"}},
	{"tpl_request_config", tpl(`{{ config.items() }}{{ request.args }}`), []string{"gguf.template.springboard"}},
	{"tpl_import", tpl(`{% import 'macros.j2' as m %}{{ os }}`), []string{"gguf.template.dangerous_name", "gguf.template.load"}},
	{"tpl_format_char", tpl(`{{ '%c%c'|format(95,95) }}`), []string{"gguf.template.obfuscated"}},
	{"tpl_in_named_template", build(3, []kv{{"tokenizer.chat_template.tool_use", typeString, `{{ x.__class__ }}`}}, nil, nil), []string{"gguf.template.dunder"}},
}

type recorder struct{ findings []modelscan.Finding }

func (r *recorder) Report(f modelscan.Finding)                      { r.findings = append(r.findings, f) }
func (r *recorder) Descend(context.Context, modelscan.Object) error { return nil }

func scan(t testing.TB, name string, b []byte) []string {
	t.Helper()
	var rec recorder
	if err := (Format{}).Scan(context.Background(), modelscan.Object{Name: "m.gguf", R: bytes.NewReader(b), Size: int64(len(b))}, &rec); err != nil {
		t.Fatalf("Scan(%s) error = %v", name, err)
	}
	var rules []string
	seen := map[string]bool{}
	for _, f := range rec.findings {
		if strings.HasPrefix(name, "benign") {
			t.Errorf("Scan(%s) finding %+v; want none", name, f)
		}
		if (strings.HasPrefix(name, "tpl_") || f.RuleID == "gguf.malformed") && f.Severity < modelscan.SeverityHigh && f.RuleID != "gguf.template.global" && f.RuleID != "gguf.template.load" {
			// every template rule except a bare global is high or critical
			t.Errorf("Scan(%s) finding %s severity %v; want >= high", name, f.RuleID, f.Severity)
		}
		if !seen[f.RuleID] {
			seen[f.RuleID] = true
			rules = append(rules, f.RuleID)
		}
	}
	sort.Strings(rules)
	return rules
}

func TestScan(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := scan(t, tc.name, tc.file)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Scan(%s) rules mismatch (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}

func TestParseBenign(t *testing.T) {
	f := build(3, benignKVs(benignTemplate), benignTensors, make([]byte, 66))
	in, err := Parse(context.Background(), bytes.NewReader(f), int64(len(f)))
	if err != nil {
		t.Fatal(err)
	}
	if got := in.Strings["general.architecture"]; got != "llama" {
		t.Errorf("general.architecture = %q; want llama", got)
	}
	if got := in.ChatTemplates()["tokenizer.chat_template"]; got != benignTemplate {
		t.Errorf("chat template = %q; want the benign template", got)
	}
	if got := in.ArrayLens["tokenizer.ggml.tokens"]; got != 3 {
		t.Errorf("tokens length = %d; want 3", got)
	}
	if diff := cmp.Diff(benignTensors, in.Tensors); diff != "" {
		t.Errorf("tensors mismatch (-want +got):\n%s", diff)
	}
}

// TestCorpus keeps testdata/ in sync with the generator (rewrite with -update).
func TestCorpus(t *testing.T) {
	for _, tc := range cases {
		prefix := "bad_"
		if len(tc.want) == 0 {
			prefix = ""
		}
		p := filepath.Join("testdata", prefix+strings.TrimPrefix(tc.name, "bad_")+".gguf")
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
		_ = (Format{}).Scan(context.Background(), modelscan.Object{Name: "f.gguf", R: bytes.NewReader(b), Size: int64(len(b))}, &rec)
	})
}

func FuzzCheckTemplate(f *testing.F) {
	f.Add(benignTemplate)
	for _, tc := range cases {
		if strings.HasPrefix(tc.name, "tpl_") {
			in, err := Parse(context.Background(), bytes.NewReader(tc.file), int64(len(tc.file)))
			if err == nil {
				for _, v := range in.ChatTemplates() {
					f.Add(v)
				}
			}
		}
	}
	f.Fuzz(func(t *testing.T, tpl string) {
		for _, fd := range CheckTemplate(tpl) {
			if fd.RuleID == "" || fd.Evidence == "" {
				t.Fatalf("CheckTemplate(%q) finding without rule or evidence: %+v", tpl, fd)
			}
		}
	})
}

func BenchmarkParseMetadata(b *testing.B) {
	// A vocabulary like a 32k-token Llama tokenizer plus the usual keys.
	toks := make([]any, 32000)
	scores := make([]any, 32000)
	for i := range toks {
		toks[i] = "tok" + strings.Repeat("x", i%8)
		scores[i] = 0
	}
	kvs := append(benignKVs(benignTemplate), kv{"tokenizer.ggml.tokens2", typeArray, arr{typeString, toks}}, kv{"tokenizer.ggml.scores2", typeArray, arr{typeFloat32, scores}})
	f := build(3, kvs, benignTensors, make([]byte, 66))
	b.SetBytes(int64(len(f)))
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		if _, err := Parse(context.Background(), bytes.NewReader(f), int64(len(f))); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64((cpuTime()-start).Microseconds())/float64(b.N), "cpu-µs/op")
}

// cpuTime is the process's user+system CPU time (the benchmark machine is
// shared: CPU time per op measures the code, wall time the neighbours).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
