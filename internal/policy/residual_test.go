package policy

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fullQueryEngine loads dir with residuals off: every decision evaluates the
// full decision query, the reference the residuals must match.
func fullQueryEngine(t testing.TB, dir string, opts Options) *Engine {
	t.Helper()
	e, err := Load(context.Background(), dir, opts)
	if err != nil {
		t.Fatalf("Load(%q) = %v", dir, err)
	}
	e.cur.Load().residuals = nil
	return e
}

// residualsBuilt counts the (principal, tool) residuals in use, and those
// that fell back to the full query.
func residualsBuilt(e *Engine) (used, full int) {
	rs := e.cur.Load().residuals
	if rs == nil {
		return 0, 0
	}
	rs.mu.RLock()
	defer rs.mu.RUnlock()
	for _, m := range []map[string]*residual{rs.m, rs.prev} {
		for _, r := range m {
			if r.compiler != nil {
				used++
			} else {
				full++
			}
		}
	}
	return used, full
}

// progsBuilt counts the residuals in use that evaluate as compiled progs.
func progsBuilt(e *Engine) int {
	rs := e.cur.Load().residuals
	if rs == nil {
		return 0
	}
	rs.mu.RLock()
	defer rs.mu.RUnlock()
	n := 0
	for _, m := range []map[string]*residual{rs.m, rs.prev} {
		for _, r := range m {
			if r.prog != nil {
				n++
			}
		}
	}
	return n
}

// decideBoth decides in with both engines and reports any difference in the
// result or in whether it failed.
func decideBoth(t *testing.T, fast, full *Engine, in Input) {
	t.Helper()
	want, werr := full.Decide(context.Background(), in)
	got, gerr := fast.Decide(context.Background(), in)
	desc := fmt.Sprintf("%+v %+v %s %v %s", in.Principal, in.Tool, in.Arguments, in.Findings, in.Time.Format(time.RFC3339))
	if (gerr != nil) != (werr != nil) {
		t.Errorf("Decide(%s) error = %v; want %v (full query)", desc, gerr, werr)
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Decide(%s) residual vs full query (-full +residual):\n%s", desc, diff)
	}
}

// TestResidualMatchesFullQuery: with the example policies, decisions from
// the per-(principal, tool) residuals equal the full query's over a table
// of principals, tools, arguments, findings and times.
func TestResidualMatchesFullQuery(t *testing.T) {
	opts := Options{Timeout: time.Minute}
	fast := loadExamples(t, opts)
	full := fullQueryEngine(t, examples, opts)
	principals := []Principal{
		{},
		{Agent: "reporter", Roles: []string{"readonly"}},
		{App: "billing", Agent: "billing-bot", Roles: []string{"payments"}},
		{Agent: "mixed", Roles: []string{"payments", "viewer"}},
	}
	destructive := map[string]bool{"destructive_hint": true}
	tools := []Tool{
		{Server: "bank", Name: "transfer_funds", Annotations: destructive},
		{Name: "refund", Annotations: map[string]bool{"read_only_hint": false, "open_world_hint": true}},
		{Name: "send_email"},
		{Server: "mail", Name: "gmail_send", Annotations: map[string]bool{"read_only_hint": false}},
		{Name: "search", Annotations: map[string]bool{"read_only_hint": true}},
		{Name: "delete_file", Annotations: map[string]bool{"destructive_hint": true, "read_only_hint": true}},
		{Server: "web", Name: "fetch", ContractHash: "9f2c", Annotations: map[string]bool{"open_world_hint": true}},
		{Name: ""},
		{Name: "custom", Annotations: map[string]bool{"x_vendor_hint": true}}, // not cacheable: full query
	}
	args := []string{
		``,
		`{"amount": 5, "currency": "EUR"}`,
		`{"amount": 250, "currency": "eur", "card_number": "4111"}`,
		`{"amount": 100, "currency": "USD", "card_number": false}`,
		`{"amount": 10000.5, "currency": "GBP"}`,
		`{"amount": 50000, "currency": "EUR"}`,
		`{"amount": -5, "currency": "EUR"}`,
		`{"amount": "250", "currency": "EUR"}`,
		`{"amount": "lots", "currency": "EUR"}`,
		`{"amount": 20, "currency": "XBT"}`,
		`{"amount": 20, "currency": 7}`,
		`{"to": "alice@example.com", "cc": ["Bob@Corp.Example.com"]}`,
		`{"to": "alice@example.com", "bcc": ["x@evil.test"]}`,
		`{"to": ["a@example.com.evil.test"], "subject": "hi"}`,
		`{"subject": "no recipients"}`,
		`{"to": 42}`,
		`[1, 2]`,
	}
	findings := [][]Finding{
		nil,
		{{Scanner: "pii", Type: "EMAIL", Action: "redact", Score: 1}},
		{{Scanner: "injection", Type: "INDIRECT_INJECTION", Action: "flag", Score: 0.97}},
	}
	times := []time.Time{
		tuesday10,
		time.Date(2026, 11, 17, 23, 0, 0, 0, time.UTC),
		time.Date(2026, 11, 22, 11, 30, 0, 0, time.UTC),
	}
	for _, tm := range times {
		for _, p := range principals {
			for _, tl := range tools {
				for _, a := range args {
					for _, f := range findings {
						decideBoth(t, fast, full, Input{Principal: p, Tool: tl, Arguments: json.RawMessage(a), Findings: f, Time: tm})
					}
				}
			}
		}
	}
	// One residual per roles, tool and hour; the last two hours are kept.
	used, fellBack := residualsBuilt(fast)
	if want := len(principals) * (len(tools) - 1) * 2; used != want || fellBack != 0 {
		t.Errorf("residuals used %d, fell back %d; want %d, 0", used, fellBack, want)
	}
	// Every residual of the example policies is compiled (prog.go).
	if progs := progsBuilt(fast); progs != used {
		t.Errorf("compiled residuals = %d; want all %d", progs, used)
	}
	// The example policies read the roles, not who the end user or agent
	// is: other end users share the residuals.
	for i := range 20 {
		p := principals[2]
		p.EndUser, p.Agent, p.KeyID = fmt.Sprintf("u-%d", i), fmt.Sprintf("agent-%d", i), "k"
		decideBoth(t, fast, full, Input{Principal: p, Tool: tools[0], Arguments: json.RawMessage(args[2]), Time: times[len(times)-1]})
	}
	if again, _ := residualsBuilt(fast); again != used {
		t.Errorf("residuals after 20 more end users = %d; want %d (shared)", again, used)
	}
}

// TestResidualEdgeCases: policies written to trip partial evaluation —
// conflicts, type errors on known values, builtin errors, else chains,
// defaults, negation, every, comprehensions, non-deterministic builtins and
// rules over the whole input — decide through residuals exactly as through
// the full query, fail-closed errors included.
func TestResidualEdgeCases(t *testing.T) {
	policies := []struct {
		name, src string
		data      string
		// use: how many (principal, tool) pairs decide through a residual
		// (the others fall back to the full query): all, some or none.
		use string
		// prog: how many of those residuals are compiled (prog.go): all,
		// some or none; not checked when empty.
		prog string
	}{
		{name: "conflicting complete rule", use: "all", src: `
level := 1 if input.arguments.a
level := 2 if input.arguments.b
allow if level > 0`},
		{name: "conflict from one definition", use: "all", src: `
pick := v if { some v in input.arguments.vs }
allow if pick
deny contains "nope" if input.tool.name == "a"`},
		{name: "conflicting function", use: "none", src: `
f(x) := 1 if x > 0
f(x) := 2 if x > 1
allow if input.tool.name != ""
deny contains "one" if f(input.arguments.n) == 1`},
		{name: "conflicting function on known values", use: "none", src: `
f(x) := 1 if x != ""
f(x) := 2 if x == "t"
allow := true
deny contains "one" if f(input.tool.name) == 1`},
		{name: "conflicting complete rule on known values", use: "all", src: `
level := 1 if input.tool.name != ""
level := 2 if input.tool.name == "t"
allow if level > 0`},
		{name: "conflicting partial object on known values", use: "all", src: `
tags[input.tool.name] := 1
tags.t := 2
allow if tags[_] > 0`},
		{name: "function with one value", use: "all", src: `
internal(addr) if endswith(addr, "@example.com")
internal(addr) if addr == input.tool.name
allow if input.tool.name != ""
deny contains "external" if { some a in input.arguments.to; not internal(a) }`},
		{name: "conflict from one definition on known values", use: "all", data: `{"list": [1, 2]}`, src: `
pick := v if { some v in data.list; input.tool.name != "" }
allow if pick > 0`},
		{name: "conflict between known and unknown definitions", use: "all", src: `
level := 1 if input.tool.name == "t"
level := 2 if input.arguments.b
allow if level > 0`},
		{name: "conflicting partial object", use: "all", src: `
limits[k] := v if { some k, v in input.arguments.limits }
limits.x := 1 if input.tool.name == "t"
allow if limits.x == 1`},
		{name: "same constant values inline", use: "all", src: `
risky if input.tool.name == "t"
risky if input.arguments.a
allow if not risky
require_approval contains "risky" if risky`},
		{name: "type error on a known value", use: "none", src: `
allow := true
deny contains "x" if { input.arguments.n + input.tool.name > 0 }`},
		{name: "builtin error on a known value", use: "some", src: `
allow if to_number(input.tool.name) > 0
deny contains "n" if input.arguments.n`},
		{name: "else chain", use: "some", src: `
level := "high" if input.arguments.n > 10 else := "low" if input.tool.name == "t"
deny contains level if input.arguments.a
allow if level == "low"`},
		{name: "default, negation and every", use: "all", src: `
default ok := false
ok if every x in input.arguments.xs { x > 0 }
allow if ok
deny contains "blocked" if {
	not input.principal.roles[0] == "admin"
	not input.arguments.a
}`},
		{name: "comprehension over a rule", use: "none", src: `
names := {"t", "a"}
allow if count([n | some n in names; n == input.arguments.t]) > 0
deny contains "other" if { input.tool.name == "other"; count({n | some n in names; n != input.arguments.t}) > 1 }`},
		{name: "whole input", use: "all", src: `
allow if input.tool.name != ""
deny contains "big" if count(input.arguments) > 1
deny contains "keys" if count(input) != 5
require_approval contains "secret" if input.arguments.secret`},
		{name: "non-deterministic builtin", use: "all", src: `
allow if time.now_ns() > 0
deny contains "r" if { input.tool.name == "t"; rand.intn("k", 10) > 100 }`},
		{name: "data lookups", use: "all", data: `{"allowed": {"t": true, "a": false}, "limit": 3}`, src: `
allow if data.allowed[input.tool.name]
deny contains "limit" if input.arguments.n > data.limit`},
		{name: "non-string reason and bad obligation", use: "all", src: `
allow if input.tool.name != ""
deny contains 42 if input.arguments.x
obligations contains {"op": "redact", "path": p} if { some p in input.arguments.paths }`},
		{name: "complete deny", use: "all", src: `
deny := {"x"} if input.arguments.x
allow if input.tool.name == "t"`},
		{name: "reads the end user", use: "all", src: `
allow := true
deny contains "blocked user" if input.principal.end_user == "u-bad"
require_approval contains "admin" if { input.principal.roles[_] == "admin"; input.arguments.a }`},
		{name: "reads the whole principal", use: "all", src: `
allow if count(input.principal) > 0
deny contains "blocked user" if object.get(input.principal, "end_user", "") == "u-bad"
deny contains "keys" if { some k, _ in input.tool; k == input.arguments.t }`},
		{name: "reads the time", use: "all", src: `
allow if input.time.unix > 0
deny contains "late" if input.time.hour >= 18
deny contains "half past" if { input.time.minute == 30; input.arguments.a }
require_approval contains "weekend" if input.time.weekday in {"Saturday", "Sunday"}
require_approval contains "utc" if { input.time.timezone == "UTC"; startswith(input.time.rfc3339, "2026-11-22") }`},
		{name: "reads the whole time", use: "all", src: `
allow if count(input.time) == 6
deny contains "weekend" if { some k, v in input.time; k == "weekday"; v == "Sunday"; input.arguments.a }`},
		{name: "defined but false", use: "all", src: `
allow := true
deny contains "a is set" if { x := input.arguments.a; input.tool.name != "" }
deny contains "b is set" if { _ = input.arguments.b }
deny contains "n is set" if { y := input.arguments.n; y == y }
require_approval contains "xs" if { z := input.arguments.xs; count(z) >= 0; w := z }`},
		{name: "values through variables", use: "all", data: `{"limits": {"t": 10, "a": 1}}`, src: `
limit := data.limits[input.tool.name]
allow := true
deny contains "over" if { n := input.arguments.n; lim := limit; n > lim }
deny contains "no limit" if { not limit; input.arguments.n }
obligations contains {"op": "redact", "path": p} if { p := input.arguments.paths[_]; startswith(p, "/") }`},
		// Compiled residuals (prog.go): what OPA's rule index or early exit
		// could skip must not be evaluated by the compiled evaluator.
		{name: "builtin error before an indexed condition", use: "all", prog: "none", src: `
allow := true
deny contains "n" if { to_number(input.arguments.n) > 0; input.arguments.kind == "k" }
deny contains "n1" if { to_number(input.arguments.n) > 1; input.arguments.kind == "k1" }
deny contains "n2" if { to_number(input.arguments.n) > 2; input.arguments.kind == "k2" }
level := 1 if { to_number(input.arguments.n) > 0; input.arguments.kind == "k" }
level := 2 if { upper(input.arguments.n) == "X"; input.arguments.kind == "j" }
require_approval contains "l" if level`},
		{name: "constant rule iterating into a builtin error", use: "all", prog: "none", src: `
risky if { some x in input.arguments.xs; to_number(x) > 0 }
allow if not risky`},
		{name: "constant rule inlined past a builtin error", use: "all", prog: "none", src: `
numeric if { some x in input.arguments.xs; to_number(x) > 0 }
allow := true
require_approval contains "numeric" if numeric`},
		{name: "set rule iterating into a builtin error", use: "all", prog: "all", src: `
allow := true
deny contains x if { some x in input.arguments.xs; to_number(x) > 5 }`},
		{name: "numbers, iteration and builtins", use: "all", prog: "all", src: `
allow := true
deny contains "one" if input.arguments.n == 1.0
deny contains "eq" if input.arguments.n = 1
require_approval contains k if { some k; input.arguments.limits[k] > 1 }
obligations contains {"op": "redact", "path": concat("/", ["", k])} if { some k, v in input.arguments; is_string(v); startswith(v, "sk-") }`},
		{name: "functions with constants and repeated parameters", use: "all", prog: "all", src: `
f("a") := true
f(x) if x == "b"
g(x, x) := true
h(x) if startswith(x, "c")
allow := true
deny contains "f" if f(input.arguments.t)
deny contains "h" if h(input.arguments.t)
require_approval contains "g" if g(input.arguments.t, "b")
`},
		{name: "relation builtin", use: "all", prog: "all", src: `
allow := true
deny contains "deep secret" if { walk(input.arguments, pv); pv[1] in {"secret"} }`},
		{name: "with", use: "none", src: `
flagged if input.arguments.a
allow if not flagged with input.arguments.a as false`},
	}
	times := []time.Time{tuesday10, time.Date(2026, 11, 22, 23, 30, 0, 0, time.UTC)}
	tools := []Tool{{Name: "t"}, {Name: "a", Annotations: map[string]bool{"read_only_hint": true}}, {Name: "other"}, {Name: "7"}}
	principals := []Principal{{}, {Roles: []string{"admin"}}, {EndUser: "u-bad"}, {Agent: "a", EndUser: "u-ok", Roles: []string{"admin", "x"}}}
	args := []string{
		`{}`, `{"a": true, "b": true}`, `{"a": true}`, `{"b": 1}`, `{"n": 5}`, `{"n": "s"}`, `{"n": 20}`, `{"n": 1}`,
		`{"xs": [1, 2]}`, `{"xs": [1, -1]}`, `{"vs": [1, 1]}`, `{"vs": [1, 2]}`, `{"vs": []}`,
		`{"limits": {"x": 2}}`, `{"limits": {"y": 2}}`, `{"limits": {"x": 1}}`,
		`{"x": true}`, `{"a": false}`, `{"b": false, "n": false}`, `{"a": null, "xs": {}}`, `{"to": ["a@example.com", "t"]}`, `{"to": ["x@evil.test"]}`, `{"paths": ["/a", "b"]}`, `{"paths": ["/a"]}`, `{"t": "a"}`, `{"t": "z"}`, `{"secret": 1, "n": 1}`,
		`{"xs": ["1", "a"]}`, `{"xs": ["a", "1"]}`, `{"xs": ["9"]}`, `{"n": 1.0}`, `{"kind": "k", "n": "s"}`, `{"kind": "j", "n": "s"}`,
		`{"t": "b"}`, `{"t": "c"}`, `{"t": 7}`, `{"key": "sk-123", "limits": {"a": 2, "b": 0}}`, `{"deep": {"x": ["secret"]}}`,
	}
	for _, pol := range policies {
		t.Run(pol.name, func(t *testing.T) {
			dir := t.TempDir()
			writePolicy(t, dir, "p.rego", "package bulwark.tools\n"+pol.src+"\n")
			if pol.data != "" {
				writePolicy(t, dir, "data.json", pol.data)
			}
			opts := Options{Now: func() time.Time { return tuesday10 }, Timeout: time.Minute}
			fast, err := Load(context.Background(), dir, opts)
			if err != nil {
				t.Fatalf("Load(%q) = %v", filepath.Base(dir), err)
			}
			full := fullQueryEngine(t, dir, opts)
			for _, p := range principals {
				for _, tl := range tools {
					for _, a := range args {
						for _, tm := range times {
							decideBoth(t, fast, full, Input{Principal: p, Tool: tl, Arguments: json.RawMessage(a), Time: tm})
						}
					}
				}
			}
			used, fellBack := residualsBuilt(fast)
			var use string
			switch {
			case used == 0:
				use = "none"
			case fellBack == 0:
				use = "all"
			default:
				use = "some"
			}
			if use != pol.use {
				t.Errorf("residuals used for %s pairs (%d used, %d fell back); want %s", use, used, fellBack, pol.use)
			}
			if pol.prog != "" {
				progs, want := progsBuilt(fast), 0
				switch pol.prog {
				case "all":
					want = used
				case "some":
					want = -1
				}
				if (want >= 0 && progs != want) || (want < 0 && (progs == 0 || progs == used)) {
					t.Errorf("compiled residuals = %d of %d; want %s", progs, used, pol.prog)
				}
			}
		})
	}
}

// TestResidualBeingBuilt: a call whose residual another call is building
// decides with the full query and leaves the build to that call.
func TestResidualBeingBuilt(t *testing.T) {
	opts := Options{Now: func() time.Time { return tuesday10 }, Timeout: time.Minute}
	fast := loadExamples(t, opts)
	full := fullQueryEngine(t, examples, opts)
	in := Input{Principal: Principal{Roles: []string{"payments"}}, Tool: Tool{Name: "transfer_funds"}, Arguments: json.RawMessage(`{"amount": 250, "currency": "EUR"}`)}
	p := fast.cur.Load()
	key, _, ok := p.residuals.appendKey(nil, in.Principal, in.Tool, fast.cache.time(tuesday10, time.UTC))
	if !ok {
		t.Fatal("appendKey() not ok for a tool with known hints only")
	}
	p.residuals.m = map[string]*residual{string(key): building}
	decideBoth(t, fast, full, in)
	if r := p.residuals.m[string(key)]; r != building {
		t.Errorf("residual after a call during its build = %p; want still building (%p)", r, building)
	}
}

// TestResidualHours: residuals of the newest two time keys are kept; a
// third retires the oldest, and a late call for the previous hour neither
// rotates nor drops anything.
func TestResidualHours(t *testing.T) {
	rs := &residuals{}
	r := &residual{}
	key := func(hour, rest string) []byte { return []byte(hour + rest) }
	has := func(hour, rest string) bool { return rs.lookup(key(hour, rest)) != nil }
	rs.store(key("h1", "a"), 2, r)
	rs.store(key("h2", "a"), 2, r)
	rs.store(key("h1", "b"), 2, r) // late call for the previous hour
	if !has("h1", "a") || !has("h1", "b") || !has("h2", "a") {
		t.Fatalf("after h1, h2, late h1: h1/a %v h1/b %v h2/a %v; want all kept", has("h1", "a"), has("h1", "b"), has("h2", "a"))
	}
	rs.store(key("h3", "a"), 2, r)
	if has("h1", "a") || has("h1", "b") || !has("h2", "a") || !has("h3", "a") {
		t.Errorf("after h3: h1/a %v h1/b %v h2/a %v h3/a %v; want only h2 and h3 kept", has("h1", "a"), has("h1", "b"), has("h2", "a"), has("h3", "a"))
	}
}

// FuzzResidualMatchesFullQuery: for any principal, tool, arguments,
// findings and time, the example policies decide through residuals exactly
// as through the full query.
func FuzzResidualMatchesFullQuery(f *testing.F) {
	opts := Options{Timeout: time.Minute}
	fast := loadExamples(f, opts)
	full := fullQueryEngine(f, examples, opts)
	f.Add("payments", "transfer_funds", "bank", uint8(1), `{"amount": 250, "currency": "EUR"}`, "EMAIL", uint8(10), uint8(2))
	f.Add("readonly", "search", "", uint8(2), `{}`, "", uint8(23), uint8(6))
	f.Add("", "send_email", "mail", uint8(0), `{"to": ["a@example.com.evil.test"]}`, "INDIRECT_INJECTION", uint8(9), uint8(0))
	f.Add("viewer", "delete_file", "fs", uint8(7), `[1`, "SECRET", uint8(17), uint8(5))
	f.Fuzz(func(t *testing.T, role, tool, server string, hints uint8, args, finding string, hour, weekday uint8) {
		ann := map[string]bool{}
		for i, h := range []string{"destructive_hint", "read_only_hint", "open_world_hint", "idempotent_hint"} {
			if hints&(1<<i) != 0 {
				ann[h] = hints&(1<<(i+4)) == 0
			}
		}
		var roles []string
		if role != "" {
			roles = []string{role}
		}
		var fs []Finding
		if finding != "" {
			fs = []Finding{{Scanner: "injection", Type: finding, Action: "flag", Score: 0.9}}
		}
		tm := time.Date(2026, 11, 16+int(weekday%7), int(hour%24), 30, 0, 0, time.UTC)
		in := Input{Principal: Principal{App: "a", Agent: "b", Roles: roles}, Tool: Tool{Server: server, Name: tool, Annotations: ann},
			Arguments: json.RawMessage(args), Findings: fs, Time: tm}
		want, werr := full.Decide(context.Background(), in)
		got, gerr := fast.Decide(context.Background(), in)
		if (gerr != nil) != (werr != nil) {
			t.Fatalf("Decide(%+v) error = %v; want %v (full query)", in, gerr, werr)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("Decide(%+v) residual vs full query (-full +residual):\n%s", in, diff)
		}
	})
}
