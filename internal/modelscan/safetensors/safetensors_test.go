package safetensors

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
)

var update = flag.Bool("update", false, "rewrite the generated files under testdata/")

// file builds a safetensors file from a raw header and a data section,
// padding the header with spaces to 8 bytes like the reference writer.
func file(header string, data []byte) []byte {
	for len(header)%8 != 0 {
		header += " "
	}
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, uint64(len(header)))
	b.WriteString(header)
	b.Write(data)
	return b.Bytes()
}

func rawLen(n uint64, rest string) []byte {
	var b bytes.Buffer
	binary.Write(&b, binary.LittleEndian, n)
	b.WriteString(rest)
	return b.Bytes()
}

type recorder struct{ findings []modelscan.Finding }

func (r *recorder) Report(f modelscan.Finding)                      { r.findings = append(r.findings, f) }
func (r *recorder) Descend(context.Context, modelscan.Object) error { return nil }

func scan(t testing.TB, b []byte) ([]string, error) {
	t.Helper()
	var rec recorder
	err := Format{}.Scan(context.Background(), modelscan.Object{Name: "m.safetensors", R: bytes.NewReader(b), Size: int64(len(b))}, &rec)
	var rules []string
	for _, f := range rec.findings {
		if f.Severity < modelscan.SeverityHigh && f.RuleID != "safetensors.metadata.large_value" {
			t.Errorf("finding %s has severity %v; want high", f.RuleID, f.Severity)
		}
		rules = append(rules, f.RuleID)
	}
	sort.Strings(rules)
	return rules, err
}

var cases = []struct {
	name string
	file []byte
	want []string // sorted rule ids
}{
	{"benign", file(`{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"b":{"dtype":"BF16","shape":[3],"data_offsets":[16,22]}}`, make([]byte, 22)), nil},
	{"benign_empty_tensor", file(`{"e":{"dtype":"F16","shape":[0,4],"data_offsets":[0,0]},"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}`, make([]byte, 2)), nil},
	{"benign_no_tensors", file(`{}`, nil), nil},
	{"benign_f4", file(`{"q":{"dtype":"F4","shape":[4],"data_offsets":[0,2]}}`, make([]byte, 2)), nil},
	{"too_short", []byte{1, 2, 3}, []string{"safetensors.header.length"}},
	{"header_len_huge", rawLen(1<<62, `{}`), []string{"safetensors.header.length"}},
	{"header_len_past_eof", rawLen(4096, `{"a":1}`), []string{"safetensors.header.length"}},
	{"not_json", file(`{"a":`, nil), []string{"safetensors.header.json"}},
	{"not_object", rawLen(2, `[]`), []string{"safetensors.header.json"}},
	{"trailing_garbage", rawLen(4, `{}xx`), []string{"safetensors.header.json"}},
	{"second_object", rawLen(4, `{}{}`), []string{"safetensors.header.json"}},
	{"invalid_utf8", rawLen(6, "{\"\xff\":}"), []string{"safetensors.header.json"}},
	{"duplicate_tensor", file(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1]},"a":{"dtype":"U8","shape":[1],"data_offsets":[1,2]}}`, make([]byte, 2)), []string{"safetensors.header.duplicate_key"}},
	{"duplicate_field", file(`{"a":{"dtype":"U8","dtype":"F32","shape":[1],"data_offsets":[0,1]}}`, make([]byte, 1)), []string{"safetensors.header.duplicate_key"}},
	{"duplicate_metadata", file(`{"__metadata__":{"k":"1","k":"2"}}`, nil), []string{"safetensors.header.duplicate_key"}},
	{"unknown_field", file(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1],"code":"x"}}`, make([]byte, 1)), []string{"safetensors.header.schema"}},
	{"missing_field", file(`{"a":{"dtype":"U8","shape":[1]}}`, nil), []string{"safetensors.header.schema"}},
	{"metadata_not_string", file(`{"__metadata__":{"k":{"nested":1}}}`, nil), []string{"safetensors.header.schema"}},
	{"negative_dim", file(`{"a":{"dtype":"U8","shape":[-1],"data_offsets":[0,1]}}`, make([]byte, 1)), []string{"safetensors.header.schema"}},
	{"float_offset", file(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1.0]}}`, make([]byte, 1)), []string{"safetensors.header.schema"}},
	{"three_offsets", file(`{"a":{"dtype":"U8","shape":[1],"data_offsets":[0,1,2]}}`, make([]byte, 2)), []string{"safetensors.header.schema"}},
	{"unknown_dtype", file(`{"a":{"dtype":"OBJ","shape":[1],"data_offsets":[0,1]}}`, make([]byte, 1)), []string{"safetensors.header.dtype"}},
	{"size_mismatch", file(`{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,4]}}`, make([]byte, 4)), []string{"safetensors.tensor.size"}},
	{"shape_overflow", file(`{"a":{"dtype":"F32","shape":[4294967296,4294967296,16],"data_offsets":[0,4]}}`, make([]byte, 4)), []string{"safetensors.tensor.size"}},
	{"offsets_past_end", file(`{"a":{"dtype":"U8","shape":[8],"data_offsets":[0,8]}}`, make([]byte, 4)), []string{"safetensors.data.trailing", "safetensors.tensor.offsets"}},
	{"offsets_reversed", file(`{"a":{"dtype":"U8","shape":[0],"data_offsets":[4,0]}}`, make([]byte, 4)), []string{"safetensors.data.trailing", "safetensors.tensor.offsets"}},
	{"overlap", file(`{"a":{"dtype":"U8","shape":[4],"data_offsets":[0,4]},"b":{"dtype":"U8","shape":[4],"data_offsets":[2,6]}}`, make([]byte, 6)), []string{"safetensors.tensor.overlap"}},
	{"gap", file(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]},"b":{"dtype":"U8","shape":[2],"data_offsets":[4,6]}}`, make([]byte, 6)), []string{"safetensors.tensor.gap"}},
	{"hidden_trailing_payload", file(`{"a":{"dtype":"U8","shape":[2],"data_offsets":[0,2]}}`, append(make([]byte, 2), []byte("\x80\x04cos\nsystem\n")...)), []string{"safetensors.data.trailing"}},
	{"huge_metadata_value", file(`{"__metadata__":{"blob":"`+strings.Repeat("A", MaxMetadataValue+1)+`"}}`, nil), []string{"safetensors.metadata.large_value"}},
}

func TestScan(t *testing.T) {
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := scan(t, tc.file)
			if err != nil {
				t.Fatalf("Scan(%s) error = %v", tc.name, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Scan(%s) rules mismatch (-want +got):\n%s", tc.name, diff)
			}
		})
	}
}

// TestCorpus keeps testdata/ in sync with the generator above (run with
// -update to rewrite it) and scans the committed files. Large cases are
// left out of the committed corpus.
func TestCorpus(t *testing.T) {
	for _, tc := range cases {
		if len(tc.file) > 64<<10 {
			continue
		}
		prefix := "benign_"
		if len(tc.want) > 0 {
			prefix = "bad_"
		}
		name := strings.TrimPrefix(tc.name, "benign_")
		p := filepath.Join("testdata", prefix+name+".safetensors")
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

func TestMatch(t *testing.T) {
	tests := []struct {
		name string
		head []byte
		want bool
	}{
		{"model.safetensors", nil, true},
		{"blob", file(`{"a":{}}`, nil), true},
		{"blob", []byte("PK\x03\x04"), false},
		{"blob", rawLen(1<<40, `{"`), false},
	}
	for _, tt := range tests {
		if got := (Format{}).Match(tt.name, tt.head); got != tt.want {
			t.Errorf("Match(%q, %q) = %v; want %v", tt.name, tt.head, got, tt.want)
		}
	}
}

func FuzzValidate(f *testing.F) {
	for _, tc := range cases {
		if len(tc.file) < 4096 {
			f.Add(tc.file)
		}
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		h, probs, err := Validate(context.Background(), bytes.NewReader(b), int64(len(b)))
		if err != nil {
			t.Fatalf("Validate returned an I/O error on in-memory input: %v", err)
		}
		if h == nil && len(probs) == 0 {
			t.Fatalf("Validate returned neither a header nor a problem")
		}
	})
}

func BenchmarkValidateHeader(b *testing.B) {
	// A header like a 7B model's: ~300 tensors.
	var hdr strings.Builder
	hdr.WriteString(`{"__metadata__":{"format":"pt"}`)
	var off uint64
	for i := range 300 {
		hdr.WriteString(`,"model.layers.` + strings.Repeat("x", i%7) + string(rune('a'+i%26)) + `.` + strconv.Itoa(i) + `.weight":{"dtype":"BF16","shape":[64,64],"data_offsets":[` + strconv.Itoa(int(off)) + `,` + strconv.Itoa(int(off+8192)) + `]}`)
		off += 8192
	}
	hdr.WriteString("}")
	f := file(hdr.String(), make([]byte, off))
	b.SetBytes(int64(len(hdr.String())))
	b.ReportAllocs()
	start := cpuTime()
	for b.Loop() {
		_, probs, err := Validate(context.Background(), bytes.NewReader(f), int64(len(f)))
		if err != nil || len(probs) != 0 {
			b.Fatalf("Validate = %v, %v", probs, err)
		}
	}
	b.ReportMetric(float64((cpuTime()-start).Microseconds())/float64(b.N), "cpu-µs/op")
}

// FuzzParseHeaderDifferential checks the hand-written parser against the
// encoding/json reference: same header, or the same rule violated.
func FuzzParseHeaderDifferential(f *testing.F) {
	for _, tc := range cases {
		if len(tc.file) > 8 && len(tc.file) < 4096 {
			f.Add(tc.file[8:])
		}
	}
	for _, s := range []string{`{"a":5x}`, `{"a":01}`, `{"a":"\ud800\u0041"}`, `{"__metadata__":{"k":"\u00e9"},"t":{"dtype":"U8","shape":[1e0],"data_offsets":[0,1]}}`, `{"a" :{ "dtype" : "U8" , "shape":[ ] ,"data_offsets":[0 ,0]} }  `} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, b []byte) {
		if len(b) == 0 {
			return
		}
		got, gotErr := ParseHeader(b)
		want, wantErr := parseHeaderTokens(b)
		rule := func(err error) string {
			var pe *ParseError
			if errors.As(err, &pe) {
				return pe.Rule
			}
			if err != nil {
				return "other: " + err.Error()
			}
			return ""
		}
		if rule(gotErr) != rule(wantErr) {
			t.Fatalf("ParseHeader(%q) error rule %q (%v); reference %q (%v)", b, rule(gotErr), gotErr, rule(wantErr), wantErr)
		}
		if gotErr == nil {
			if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Fatalf("ParseHeader(%q) mismatch (-reference +got):\n%s", b, diff)
			}
		}
	})
}

// cpuTime is the process's user+system CPU time (the benchmark machine is
// shared: CPU time per op measures the code, wall time the neighbours).
func cpuTime() time.Duration {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
