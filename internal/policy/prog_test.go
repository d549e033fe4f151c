package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// progFragments are rules that, combined, exercise what compileProg
// accepts and what it must leave to OPA: builtins that fail on the wrong
// type, iteration over arrays, objects and sets, functions, negation,
// complete rules that conflict or agree on a constant, defaults, data
// lookups, composites with variables and a relation builtin. Each uses its
// own rule names, so any subset is a valid policy.
var progFragments = []string{
	`deny contains "amount" if { n := to_number(input.arguments.amount); n > 100 }`,
	`deny contains x if { some x in input.arguments.tags; startswith(x, "bad") }`,
	"level := 1 if input.arguments.a == 1\nlevel := 2 if input.arguments.b\nrequire_approval contains \"level\" if level > 1",
	"internal_addr(x) if endswith(lower(x), \"@corp.test\")\ndeny contains \"external\" if { some r in input.arguments.to; not internal_addr(r) }",
	`obligations contains {"op": "redact", "path": concat("", ["/", k])} if { some k, v in input.arguments; is_string(v); contains(v, "secret") }`,
	"risky if { some f in input.findings; f.type == \"INJECTION\" }\ndeny contains \"risky\" if risky",
	"default cap := 10\ncap := data.caps[input.tool.name]\ndeny contains \"cap\" if count(input.arguments) > cap",
	"numeric if { some x in input.arguments.tags; to_number(x) > 0 }\nrequire_approval contains \"numeric\" if numeric",
	`deny contains msg if { some k; v := input.arguments.limits[k]; v > 5; msg := sprintf("limit %s", [k]) }`,
	"flag if { x := input.arguments.n; x == \"y\" }\nrequire_approval contains \"flag\" if flag",
	`deny contains "deep" if { walk(input.arguments, pv); pv[1] in {"evil"} }`,
	`require_approval contains "unsafe" if { not input.arguments.safe; input.arguments.n > 0 }`,
	"pick := v if { some v in input.arguments.picks }\nrequire_approval contains \"pick\" if pick",
	"upper_name := upper(input.arguments.name)\ndeny contains \"admin\" if upper_name == \"ADMIN\"",
}

// progEngines caches, per subset of progFragments, an engine with residuals
// and one that always evaluates the full query.
var progEngines sync.Map // uint16 -> [2]*Engine

func progEnginesFor(t *testing.T, mask uint16) (fast, full *Engine) {
	if e, ok := progEngines.Load(mask); ok {
		p := e.([2]*Engine)
		return p[0], p[1]
	}
	var src strings.Builder
	src.WriteString("package bulwark.tools\n\nallow if input.tool.name != \"\"\n")
	for i, f := range progFragments {
		if mask&(1<<i) != 0 {
			src.WriteString(f + "\n")
		}
	}
	dir := t.TempDir()
	writePolicy(t, dir, "p.rego", src.String())
	writePolicy(t, dir, "data.json", `{"caps": {"t": 2}}`)
	opts := Options{Timeout: time.Minute}
	fast, err := Load(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("Load(%s) = %v", src.String(), err)
	}
	full = fullQueryEngine(t, dir, opts)
	progEngines.Store(mask, [2]*Engine{fast, full})
	return fast, full
}

// progArgKeys and progArgValues build structured arguments from fuzz bytes:
// raw JSON alone rarely reaches the interesting combinations (a numeric
// string before a non-numeric one, say).
var (
	progArgKeys   = []string{"amount", "tags", "a", "b", "to", "limits", "n", "name", "picks", "safe", "deep", "xs"}
	progArgValues = []string{`1`, `250`, `-3`, `"250"`, `"x"`, `"y"`, `"admin"`, `true`, `false`, `null`,
		`["1", "x"]`, `["x", "1"]`, `["bad1", 2]`, `[1, 1]`, `[1, 2]`, `["a@corp.test", "b@ext.test"]`, `"c@corp.test"`,
		`{"x": 6, "y": 1}`, `{"a": "7"}`, `{"k": ["evil"]}`, `"my secret"`, `[]`, `{}`}
)

func progArgs(shape []byte) string {
	var b strings.Builder
	b.WriteByte('{')
	seen := map[string]bool{}
	for i := 0; i+1 < len(shape); i += 2 {
		k := progArgKeys[int(shape[i])%len(progArgKeys)]
		if seen[k] {
			continue
		}
		seen[k] = true
		if b.Len() > 1 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%q: %s", k, progArgValues[int(shape[i+1])%len(progArgValues)])
	}
	b.WriteByte('}')
	return b.String()
}

// FuzzCompiledResidual: for any combination of progFragments and any
// arguments, tool, finding and hour, decisions through residuals (compiled
// where compileProg accepts them) equal the full query's, errors included.
func FuzzCompiledResidual(f *testing.F) {
	f.Add(uint16(0xffff), `{"amount": "250", "tags": ["bad1", 2], "a": 1, "b": true, "to": ["x@corp.test", "y@ext.test"]}`, "t", "INJECTION", uint8(10))
	f.Add(uint16(0x0f0f), `{"limits": {"x": 6, "y": 1}, "picks": [1, 1], "n": "y", "name": "admin", "deep": {"k": ["evil"]}}`, "other", "", uint8(3))
	f.Add(uint16(0x3080), `{"tags": ["1", "x"], "picks": [1, 2], "safe": false, "n": 3}`, "t", "SECRET", uint8(23))
	f.Add(uint16(0x0080), `{"tags": ["1", "x"]}`, "t", "", uint8(9)) // numeric: OPA stops at "1"
	f.Add(uint16(0x3fff), "", "\x01\x0a\x06\x0c\x04\x10\x07\x14", "INJECTION", uint8(9))
	f.Add(uint16(0x0201), `{"amount": [1], "limits": {"a": "7"}, "name": 5, "to": "z@corp.test"}`, "t", "", uint8(12))
	f.Add(uint16(0x0080), "", "t", "", uint8(9)) // structured arguments from the tool name's bytes
	f.Fuzz(func(t *testing.T, mask uint16, args, tool, finding string, hour uint8) {
		mask &= 1<<len(progFragments) - 1
		if args == "" {
			// Structured arguments; the tool name's bytes pick them.
			args = progArgs([]byte(tool))
			tool = "t"
		}
		fast, full := progEnginesFor(t, mask)
		var fs []Finding
		if finding != "" {
			fs = []Finding{{Scanner: "injection", Type: finding, Action: "flag", Score: 0.9}}
		}
		in := Input{Tool: Tool{Name: tool}, Arguments: json.RawMessage(args), Findings: fs,
			Time: time.Date(2026, 11, 17, int(hour%24), 0, 0, 0, time.UTC)}
		want, werr := full.Decide(context.Background(), in)
		got, gerr := fast.Decide(context.Background(), in)
		desc := fmt.Sprintf("mask %#x tool %q args %s finding %q hour %d", mask, tool, args, finding, hour%24)
		if (gerr != nil) != (werr != nil) {
			t.Fatalf("%s: error = %v; want %v (full query)", desc, gerr, werr)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("%s: residual vs full query (-full +residual):\n%s", desc, diff)
		}
	})
}

// TestProgFragmentsCompiled: most fragment combinations compile, so that
// FuzzCompiledResidual exercises the compiled evaluator, not OPA.
func TestProgFragmentsCompiled(t *testing.T) {
	args := json.RawMessage(`{"amount": 5}`)
	var compiled, used int
	for i := range progFragments {
		fast, _ := progEnginesFor(t, 1<<i)
		if _, err := fast.Decide(context.Background(), Input{Tool: Tool{Name: "t"}, Arguments: args, Time: tuesday10}); err != nil {
			t.Fatalf("fragment %d: Decide = %v", i, err)
		}
		u, _ := residualsBuilt(fast)
		used += u
		if p := progsBuilt(fast); p > 0 {
			compiled++
		} else {
			t.Logf("fragment %d evaluates on OPA: %s", i, progFragments[i])
		}
	}
	if used != len(progFragments) || compiled < len(progFragments)-3 {
		t.Errorf("fragments with a residual %d, compiled %d of %d; want all, and all but the few OPA must keep", used, compiled, len(progFragments))
	}
}
