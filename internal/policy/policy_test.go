package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

const examples = "../../deploy/policies"

func loadExamples(t testing.TB, opts Options) *Engine {
	t.Helper()
	e, err := Load(context.Background(), examples, opts)
	if err != nil {
		t.Fatalf("Load(%q) = %v", examples, err)
	}
	return e
}

// tuesday10 is inside business hours in UTC.
var tuesday10 = time.Date(2026, 11, 17, 10, 0, 0, 0, time.UTC)

func TestDecideExamples(t *testing.T) {
	e := loadExamples(t, Options{Now: func() time.Time { return tuesday10 }, Timeout: time.Minute})
	tests := []struct {
		name string
		in   Input
		want Result
	}{
		{
			name: "read-only tool allowed",
			in:   Input{Tool: Tool{Name: "search", Annotations: map[string]bool{"read_only_hint": true}}},
			want: Result{Effect: Allow},
		},
		{
			name: "read-only agent writing denied",
			in: Input{
				Principal: Principal{Agent: "reporter", Roles: []string{"readonly"}},
				Tool:      Tool{Name: "delete_file", Annotations: map[string]bool{"destructive_hint": true}},
			},
			want: Result{Effect: Deny, Reasons: []string{"read-only agents may not call destructive tools", "read-only agents may only call read-only tools"}},
		},
		{
			name: "external email denied",
			in:   Input{Tool: Tool{Name: "send_email"}, Arguments: map[string]any{"to": []any{"a@example.com", "b@evil.test"}}},
			want: Result{Effect: Deny, Reasons: []string{"email to external recipients is not allowed"}},
		},
		{
			name: "payment over 100 needs approval, card redacted",
			in:   Input{Tool: Tool{Name: "transfer_funds"}, Arguments: mustArgs(t, `{"amount": 250, "currency": "EUR", "card_number": "4111"}`)},
			want: Result{Effect: RequireApproval, Reasons: []string{"payments above 100 need approval"}, Obligations: []Obligation{{Op: "redact", Path: "/card_number"}}},
		},
		{
			name: "huge payment denied",
			in:   Input{Tool: Tool{Name: "transfer_funds"}, Arguments: mustArgs(t, `{"amount": 1e6, "currency": "EUR"}`)},
			want: Result{Effect: Deny, Reasons: []string{"payments above 10000 are not allowed"}},
		},
		{
			name: "destructive at night needs approval",
			in:   Input{Tool: Tool{Name: "drop_table", Annotations: map[string]bool{"destructive_hint": true}}, Time: time.Date(2026, 11, 17, 23, 0, 0, 0, time.UTC)},
			want: Result{Effect: RequireApproval, Reasons: []string{"destructive tools outside business hours need approval"}},
		},
		{
			name: "open-world tool after injection denied",
			in: Input{
				Tool:     Tool{Name: "fetch", Annotations: map[string]bool{"open_world_hint": true}},
				Findings: []Finding{{Scanner: "injection", Type: "INDIRECT_INJECTION", Action: "flag"}},
			},
			want: Result{Effect: Deny, Reasons: []string{"the conversation contained a prompt injection; outward-acting tools are disabled"}},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := e.Decide(context.Background(), tc.in)
			if err != nil {
				t.Fatalf("Decide() error = %v", err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Decide() mismatch (-want +got):\n%s", diff)
			}
		})
	}
}

func mustArgs(t *testing.T, s string) any {
	t.Helper()
	v, err := DecodeArguments([]byte(s))
	if err != nil {
		t.Fatalf("DecodeArguments(%q) = %v", s, err)
	}
	return v
}

func writePolicy(t testing.TB, dir, name, src string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
}

func TestDefaultDeny(t *testing.T) {
	dir := t.TempDir()
	writePolicy(t, dir, "p.rego", "package bulwark.tools\n\nallow if input.tool.name == \"ok\"\n")
	e, err := Load(context.Background(), dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Decide(context.Background(), Input{Tool: Tool{Name: "other"}})
	if err != nil {
		t.Fatal(err)
	}
	want := Result{Effect: Deny, Reasons: []string{"no policy allows this call"}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Decide(other) mismatch (-want +got):\n%s", diff)
	}
}

func TestReloadKeepsOldOnError(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	writePolicy(t, dir, "p.rego", "package bulwark.tools\n\nallow if input.tool.name == \"ok\"\n")
	e, err := Load(ctx, dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	writePolicy(t, dir, "p.rego", "package bulwark.tools\n\nallow if {{{ broken\n")
	if err := e.Reload(ctx); err == nil {
		t.Fatal("Reload(broken) = nil; want error")
	}
	got, _ := e.Decide(ctx, Input{Tool: Tool{Name: "ok"}})
	if got.Effect != Allow {
		t.Errorf("after failed reload Decide(ok) = %v; want allow (old policy kept)", got.Effect)
	}
	writePolicy(t, dir, "p.rego", "package bulwark.tools\n\nallow if input.tool.name == \"new\"\n")
	if err := e.Reload(ctx); err != nil {
		t.Fatalf("Reload(good) = %v", err)
	}
	got, _ = e.Decide(ctx, Input{Tool: Tool{Name: "ok"}})
	if got.Effect != Deny {
		t.Errorf("after reload Decide(ok) = %v; want deny", got.Effect)
	}
}

func TestFailClosed(t *testing.T) {
	tests := []struct {
		name, src string
	}{
		{"conflicting complete rule", "package bulwark.tools\n\nlevel := 1 if input.arguments.a\nlevel := 2 if input.arguments.b\nallow if level > 0\n"},
		{"builtin error", "package bulwark.tools\n\nallow if to_number(input.arguments.x) > 0\n"},
		{"bad obligation", "package bulwark.tools\n\nallow := true\nobligations contains {\"op\": \"delete\", \"path\": \"/x\"}\n"},
		{"non-string reason", "package bulwark.tools\n\ndeny contains 42 if true\n"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			writePolicy(t, dir, "p.rego", tc.src)
			e, err := Load(context.Background(), dir, Options{})
			if err != nil {
				t.Fatalf("Load() = %v", err)
			}
			got, err := e.Decide(context.Background(), Input{Tool: Tool{Name: "t"}, Arguments: map[string]any{"x": "nan?", "a": true, "b": true}})
			if err == nil {
				t.Fatalf("Decide() error = nil; want error (result %+v)", got)
			}
			if got.Effect != Deny {
				t.Errorf("Decide() effect = %v; want deny", got.Effect)
			}
		})
	}
}

func TestLoadErrors(t *testing.T) {
	empty := t.TempDir()
	reserved := t.TempDir()
	writePolicy(t, reserved, "p.rego", "package bulwark.engine\n\nx := 1\n")
	badData := t.TempDir()
	writePolicy(t, badData, "p.rego", "package bulwark.tools\n")
	writePolicy(t, badData, "data.json", "{not json")
	for _, dir := range []string{empty, reserved, badData, filepath.Join(empty, "missing")} {
		if _, err := Load(context.Background(), dir, Options{}); err == nil {
			t.Errorf("Load(%q) = nil error; want error", dir)
		}
	}
}

func TestTimeZone(t *testing.T) {
	tokyo, err := time.LoadLocation("Asia/Tokyo")
	if err != nil {
		t.Skipf("no tzdata: %v", err)
	}
	// 10:00 UTC on Tuesday is 19:00 in Tokyo: outside business hours there.
	e := loadExamples(t, Options{Location: tokyo, Now: func() time.Time { return tuesday10 }})
	got, err := e.Decide(context.Background(), Input{Tool: Tool{Name: "drop_table", Annotations: map[string]bool{"destructive_hint": true}}})
	if err != nil {
		t.Fatal(err)
	}
	if got.Effect != RequireApproval {
		t.Errorf("Decide(destructive at 19:00 Tokyo) = %v; want require_approval", got.Effect)
	}
}

func TestRunTests(t *testing.T) {
	tests := []struct {
		dir      string
		wantFail []string
	}{
		{examples, nil},
		{"testdata/failing", []string{"test_fails"}},
	}
	for _, tc := range tests {
		t.Run(tc.dir, func(t *testing.T) {
			rs, err := RunTests(context.Background(), tc.dir)
			if err != nil {
				t.Fatalf("RunTests(%q) = %v", tc.dir, err)
			}
			if len(rs) == 0 {
				t.Fatalf("RunTests(%q) found no tests", tc.dir)
			}
			var failed []string
			for _, r := range rs {
				if !r.Pass {
					failed = append(failed, r.Name)
				}
			}
			sort.Strings(failed)
			if diff := cmp.Diff(tc.wantFail, failed); diff != "" {
				t.Errorf("RunTests(%q) failures mismatch (-want +got):\n%s", tc.dir, diff)
			}
		})
	}
	if _, err := RunTests(context.Background(), "testdata/missing"); err == nil {
		t.Error("RunTests(missing) = nil error; want error")
	}
}

// TestRawArgumentsMatchDecoded: raw JSON arguments (parsed straight into
// AST values) decide exactly as the decoded Go values did.
func TestRawArgumentsMatchDecoded(t *testing.T) {
	e := loadExamples(t, Options{Now: func() time.Time { return tuesday10 }, Timeout: time.Minute})
	for _, raw := range []string{
		``, `{}`, `  {"amount": 250, "currency": "eur", "card_number": "4111"}  `,
		`{"amount": 1e6, "currency": "EUR"}`, `{"amount": -5, "currency": "EUR"}`,
		`{"amount": 20, "currency": "E\u0055R", "memo": "tab\tand \"quote\" \ud83d\ude00"}`,
		`{"amount": 20, "amount": 20000, "currency": "USD"}`,
		`{"to": ["a@example.com", "B@Evil.Test"], "cc": null, "n": [1, 2.5, true, false, {}, []]}`,
		"{\"amount\": 50, \"currency\": \"EUR\", \"x\": \"\xff\"}",
	} {
		for _, tool := range []string{"transfer_funds", "send_email"} {
			decoded, err := DecodeArguments([]byte(raw))
			if err != nil {
				t.Fatalf("DecodeArguments(%q) = %v", raw, err)
			}
			want, werr := e.Decide(context.Background(), Input{Tool: Tool{Name: tool}, Arguments: decoded})
			got, gerr := e.Decide(context.Background(), Input{Tool: Tool{Name: tool}, Arguments: json.RawMessage(raw)})
			if (werr != nil) != (gerr != nil) {
				t.Fatalf("%s %q: error %v (raw) vs %v (decoded)", tool, raw, gerr, werr)
			}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("%s %q: raw vs decoded (-decoded +raw):\n%s", tool, raw, diff)
			}
		}
	}
	for _, bad := range []string{`{"a":}`, `{"a":1} x`, `[1,]`, `{"a":01}`, `"\x01"`, `{"a":-}`} {
		if _, err := parseJSON([]byte(bad)); err == nil {
			t.Errorf("parseJSON(%q) = nil error", bad)
		}
	}
}

func TestStageCommit(t *testing.T) {
	ctx := context.Background()
	a, b := t.TempDir(), t.TempDir()
	writePolicy(t, a, "p.rego", "package bulwark.tools\n\nallow if input.tool.name == \"a\"\n")
	writePolicy(t, b, "p.rego", "package bulwark.tools\n\nallow if input.tool.name == \"b\"\n")
	e, err := Load(ctx, a, Options{})
	if err != nil {
		t.Fatal(err)
	}
	st, err := e.Stage(ctx, b, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := e.Decide(ctx, Input{Tool: Tool{Name: "a"}}); got.Effect != Allow || e.Dir() != a {
		t.Fatalf("staged policy in force before Commit: %v %s", got.Effect, e.Dir())
	}
	e.Commit(st)
	if got, _ := e.Decide(ctx, Input{Tool: Tool{Name: "b"}}); got.Effect != Allow || e.Dir() != b {
		t.Fatalf("after Commit Decide(b) = %v dir %s; want allow from %s", got.Effect, e.Dir(), b)
	}
	if _, err := e.Stage(ctx, filepath.Join(b, "missing"), Options{}); err == nil {
		t.Fatal("Stage(missing) = nil error")
	}
}

// TestDecideConcurrent: decisions share the cached input parts and data
// reads; concurrent decisions for different principals and tools must not
// see each other's (run with -race).
func TestDecideConcurrent(t *testing.T) {
	e := loadExamples(t, Options{Now: func() time.Time { return tuesday10 }, Timeout: time.Minute})
	reader := Input{Principal: Principal{Agent: "r", Roles: []string{"readonly"}}, Tool: Tool{Name: "delete_file", Annotations: map[string]bool{"destructive_hint": true}}}
	payer := Input{Principal: Principal{Agent: "p"}, Tool: Tool{Name: "transfer_funds"}, Arguments: json.RawMessage(`{"amount": 250, "currency": "EUR"}`)}
	searcher := Input{Principal: Principal{Agent: "s"}, Tool: Tool{Name: "search", Annotations: map[string]bool{"read_only_hint": true}}}
	want := map[*Input]Effect{&reader: Deny, &payer: RequireApproval, &searcher: Allow}
	var wg sync.WaitGroup
	errs := make(chan string, 64)
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < 50; i++ {
				for in, eff := range want {
					got, err := e.Decide(context.Background(), *in)
					if err != nil || got.Effect != eff {
						select {
						case errs <- fmt.Sprintf("Decide(%s/%s) = %v, %v; want %v", in.Principal.Agent, in.Tool.Name, got.Effect, err, eff):
						default:
						}
						return
					}
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for msg := range errs {
		t.Error(msg)
	}
}
