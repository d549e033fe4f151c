package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDecodeUnknownKeyNamesKeyAndLine(t *testing.T) {
	cases := []struct {
		name, in string
		want     []string
	}{
		{"top level", "server:\n  listen: 127.0.0.1:1\nbogus: 1\n", []string{"line 3", `"bogus"`}},
		{"nested", "upstreams:\n  - name: a\n    kind: mock\n    base_ur: x\n", []string{"line 4", `"base_ur"`, "upstream"}},
		{"bad duration", "retry:\n  backoff: fast\n", []string{"line 2", "duration"}},
		{"wrong type", "server:\n  max_body_bytes: lots\n", []string{"line 2"}},
		{"two documents", "server: {}\n---\nserver: {}\n", []string{"more than one"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Decode([]byte(tc.in))
			if err == nil {
				t.Fatalf("Decode(%q) = nil error; want error", tc.in)
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("Decode(%q) error = %q; want it to mention %s", tc.in, err, w)
				}
			}
		})
	}
}

func TestValidate(t *testing.T) {
	cases := []struct {
		name, in string
		want     string // substring of the error; "" = valid
	}{
		{"empty is valid", "", ""},
		{"bad kind", "upstreams: [{name: a, kind: nope}]", "upstreams[0].kind"},
		{"missing base_url", "upstreams: [{name: a, kind: azure}]", "base_url"},
		{"azure needs version", "upstreams: [{name: a, kind: azure, base_url: https://x}]", "api_version"},
		{"unknown upstream", "models: [{name: m, targets: [{upstream: zz}]}]", "unknown upstream"},
		{"duplicate alias", "upstreams: [{name: a, kind: mock}]\nmodels: [{name: m, aliases: [m], targets: [{upstream: a}]}]", "used twice"},
		{"bad hash", "keys: [{id: k, key_sha256: abc}]", "key_sha256"},
		{"key model unknown", "keys: [{id: k, key_sha256: " + HashKey("x") + ", models: [zz]}]", "unknown model"},
		{"loopback only", "server: {listen: '0.0.0.0:80', loopback_only: true}", "loopback"},
		{"bad listen", "server: {listen: nonsense}", "host:port"},
		{"max_procs", "server: {max_procs: 1}", ""},
		{"negative max_procs", "server: {max_procs: -1}", "server.max_procs"},
		{"both secrets", "upstreams: [{name: a, kind: openai, api_key_env: A, api_key_file: /f}]", "not both"},
		{"redis needs addr", "limits: {backend: redis}", "redis_addr"},
		{"log level", "telemetry: {log_level: loud}", "log_level"},
		{"artifacts", "upstreams: [{name: a, kind: mock}]\nmodels: [{name: m, targets: [{upstream: a}], artifacts: {path: /m, lock: /m.lock}}]", ""},
		{"artifacts need lock", "upstreams: [{name: a, kind: mock}]\nmodels: [{name: m, targets: [{upstream: a}], artifacts: {path: /m}}]", "models[0].artifacts.lock: required"},
		{"artifacts need path", "upstreams: [{name: a, kind: mock}]\nmodels: [{name: m, targets: [{upstream: a}], artifacts: {lock: /m.lock}}]", "models[0].artifacts.path: required"},
		{"artifacts unknown key", "upstreams: [{name: a, kind: mock}]\nmodels: [{name: m, targets: [{upstream: a}], artifacts: {path: /m, lock: /l, sig: /s}}]", "sig"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Parse([]byte(tc.in))
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("Parse(%q) = %v; want valid", tc.in, err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("Parse(%q) = %v; want error mentioning %q", tc.in, err, tc.want)
			}
		})
	}
}

// server.max_in_flight's default follows server.max_procs: 512 per CPU
// that runs Go code.
func TestMaxInFlightFollowsProcs(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
	}{
		{"", 512 * DefaultProcs},
		{"server: {max_procs: 1}", 512},
		{"server: {max_procs: 3}", 1536},
		{"server: {max_procs: 1, max_in_flight: 7}", 7},
	} {
		c, err := Parse([]byte(tc.in))
		if err != nil {
			t.Fatalf("Parse(%q): %v", tc.in, err)
		}
		if c.Server.MaxInFlight != tc.want {
			t.Errorf("Parse(%q).Server.MaxInFlight = %d; want %d", tc.in, c.Server.MaxInFlight, tc.want)
		}
	}
}

func TestDemoIsValid(t *testing.T) {
	c := Demo()
	if err := c.Validate(); err != nil {
		t.Fatalf("Demo().Validate() = %v", err)
	}
	if c.Server.Listen != "127.0.0.1:8080" || c.Server.AdminListen != "127.0.0.1:8081" || !c.Server.LoopbackOnly {
		t.Errorf("Demo() server = %+v; want loopback 8080/8081", c.Server)
	}
	if len(c.Keys) != 1 || c.Keys[0].KeySHA256 != HashKey(DemoKey) {
		t.Errorf("Demo() keys = %+v; want the bk-demo key", c.Keys)
	}
}

func TestAPIKey(t *testing.T) {
	dir := t.TempDir()
	f := filepath.Join(dir, "key")
	os.WriteFile(f, []byte("sk-file\n"), 0o600)
	env := func(k string) string { return map[string]string{"K": "sk-env"}[k] }
	cases := []struct {
		u       Upstream
		want    string
		wantErr bool
	}{
		{Upstream{Name: "a", APIKeyEnv: "K"}, "sk-env", false},
		{Upstream{Name: "a", APIKeyEnv: "MISSING"}, "", true},
		{Upstream{Name: "a", APIKeyFile: f}, "sk-file", false},
		{Upstream{Name: "a", APIKeyFile: filepath.Join(dir, "nope")}, "", true},
		{Upstream{Name: "a"}, "", false},
	}
	for _, tc := range cases {
		got, err := tc.u.APIKey(env)
		if got != tc.want || (err != nil) != tc.wantErr {
			t.Errorf("APIKey(%+v) = %q, %v; want %q, error %v", tc.u, got, err, tc.want, tc.wantErr)
		}
		if err != nil && strings.Contains(err.Error(), "sk-") {
			t.Errorf("APIKey error leaks a secret: %v", err)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("server:\n  listen: 127.0.0.1:1\n"))
	f.Add([]byte("upstreams: [{name: a, kind: mock, mock: {rules: [{match: x, reply: y}]}}]\nmodels: [{name: m, targets: [{upstream: a}]}]"))
	f.Add([]byte("retry: {backoff: 1s}"))
	f.Add([]byte("telemetry: {trace_exporter: otlp, trace_sample_ratio: 0.5, otlp: {endpoint: 'http://127.0.0.1:4318', headers_env: {authorization: A}}}"))
	f.Add([]byte("bogus: 1"))
	f.Fuzz(func(t *testing.T, b []byte) {
		Parse(b) // must not panic
	})
}
