package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestPolicyTest(t *testing.T) {
	broken := t.TempDir()
	if err := os.WriteFile(filepath.Join(broken, "p.rego"), []byte("package bulwark.tools\n\nallow if {{{\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	empty := t.TempDir()
	if err := os.WriteFile(filepath.Join(empty, "p.rego"), []byte("package bulwark.tools\n\nallow := true\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name     string
		args     []string
		wantCode int
		wantOut  string
	}{
		{"examples pass", []string{"test", "../../deploy/policies"}, ExitOK, "PASS: 22/22"},
		{"verbose", []string{"test", "-v", "../../deploy/policies"}, ExitOK, "PASS  data.bulwark.tools_test.test_external_email_denied"},
		{"failing test", []string{"test", "../policy/testdata/failing"}, ExitNegative, "FAIL  data.bulwark.tools_test.test_fails"},
		{"compile error", []string{"test", broken}, ExitError, ""},
		{"no tests", []string{"test", empty}, ExitError, ""},
		{"missing dir", []string{"test", filepath.Join(empty, "nope")}, ExitError, ""},
		{"no subcommand", nil, ExitError, ""},
		{"unknown subcommand", []string{"eval", "x"}, ExitError, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := runPolicy(context.Background(), Env{Stdout: &out, Stderr: &errb}, tc.args)
			if code != tc.wantCode || !strings.Contains(out.String(), tc.wantOut) {
				t.Errorf("policy %v = %d, stdout %q, stderr %q; want %d containing %q", tc.args, code, out.String(), errb.String(), tc.wantCode, tc.wantOut)
			}
		})
	}
	t.Run("json", func(t *testing.T) {
		var out, errb bytes.Buffer
		code := runPolicy(context.Background(), Env{Stdout: &out, Stderr: &errb}, []string{"test", "--json", "../policy/testdata/failing"})
		var v struct {
			Pass, Fail int
			Results    []struct {
				Name string `json:"name"`
				Pass bool   `json:"pass"`
			} `json:"results"`
		}
		if err := json.Unmarshal(out.Bytes(), &v); err != nil || code != ExitNegative || v.Pass != 1 || v.Fail != 1 || len(v.Results) != 2 {
			t.Errorf("policy test --json = %d %s (%v); want exit 1 with pass 1, fail 1", code, out.String(), err)
		}
	})
}
