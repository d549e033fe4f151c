package cli

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/modelscan/lock"
)

func runSupply(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := Main(context.Background(), args, Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }})
	return code, out.String(), errb.String()
}

func modelDir(t *testing.T) string {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "model")
	os.MkdirAll(filepath.Join(dir, "sub"), 0o755)
	os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"model_type":"bert"}`), 0o644)
	os.WriteFile(filepath.Join(dir, "sub", "model.safetensors"), []byte("weights"), 0o644)
	return dir
}

func TestSignVerifyCLI(t *testing.T) {
	keyDir := t.TempDir()
	key := filepath.Join(keyDir, "key.pem")
	if code, _, stderr := runSupply(t, "sign", "--generate-key", key); code != ExitOK {
		t.Fatalf("sign --generate-key = %d (%s)", code, stderr)
	}
	otherKey := filepath.Join(keyDir, "other.pem")
	runSupply(t, "sign", "--generate-key", otherKey)

	tests := []struct {
		name   string
		mutate func(dir string)
		pub    string
		want   int
		output string
	}{
		{"ok", func(string) {}, key + ".pub", ExitOK, "OK:"},
		{"tampered", func(dir string) { os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{}`), 0o644) }, key + ".pub", ExitNegative, "changed: config.json"},
		{"missing", func(dir string) { os.Remove(filepath.Join(dir, "sub", "model.safetensors")) }, key + ".pub", ExitNegative, "missing: sub/model.safetensors"},
		{"extra", func(dir string) { os.WriteFile(filepath.Join(dir, "x.pkl"), nil, 0o644) }, key + ".pub", ExitNegative, "extra: x.pkl"},
		{"wrong_key", func(string) {}, otherKey + ".pub", ExitNegative, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := modelDir(t)
			if code, _, stderr := runSupply(t, "sign", "--key", key, dir); code != ExitOK {
				t.Fatalf("sign = %d (%s)", code, stderr)
			}
			tt.mutate(dir)
			code, stdout, stderr := runSupply(t, "verify", "--key", tt.pub, dir)
			if code != tt.want || !strings.Contains(stdout, tt.output) {
				t.Errorf("verify(%s) = %d, %q, %q; want %d with %q", tt.name, code, stdout, stderr, tt.want, tt.output)
			}
		})
	}
}

func TestVerifyLockCLI(t *testing.T) {
	dir := modelDir(t)
	lockPath := filepath.Join(t.TempDir(), "models.lock")
	f, _ := os.Create(lockPath)
	if err := writeTestLock(dir, f); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if code, stdout, stderr := runSupply(t, "verify", "--lock", lockPath, dir); code != ExitOK {
		t.Fatalf("verify --lock = %d, %q, %q; want 0", code, stdout, stderr)
	}
	os.WriteFile(filepath.Join(dir, "sub", "model.safetensors"), []byte("weightz"), 0o644)
	code, stdout, _ := runSupply(t, "verify", "--lock", lockPath, dir, "--json")
	if code != ExitNegative || !strings.Contains(stdout, `"changed"`) {
		t.Errorf("verify --lock after tamper = %d, %q; want 1 with changed", code, stdout)
	}
	// Signing after pinning: the signature is not an extra file for the lock.
	key := filepath.Join(t.TempDir(), "k.pem")
	runSupply(t, "sign", "--generate-key", key)
	os.WriteFile(filepath.Join(dir, "sub", "model.safetensors"), []byte("weights"), 0o644)
	if code, _, stderr := runSupply(t, "sign", "--key", key, dir); code != ExitOK {
		t.Fatalf("sign = %d (%s)", code, stderr)
	}
	if code, stdout, stderr := runSupply(t, "verify", "--lock", lockPath, "--key", key+".pub", dir); code != ExitOK {
		t.Errorf("verify --lock --key after signing = %d, %q, %q; want 0", code, stdout, stderr)
	}
	if code, _, _ := runSupply(t, "verify", "--lock", filepath.Join(dir, "nope.lock"), dir); code != ExitError {
		t.Errorf("verify --lock missing-file = %d; want 2", code)
	}
	if code, _, _ := runSupply(t, "verify", dir); code != ExitError {
		t.Errorf("verify without --lock/--sig = %d; want 2", code)
	}
}

func writeTestLock(dir string, w io.Writer) error {
	return lock.Write(context.Background(), []string{dir}, w)
}

func TestSignVerifySingleFileCLI(t *testing.T) {
	dir := modelDir(t)
	file := filepath.Join(dir, "config.json")
	key := filepath.Join(t.TempDir(), "k.pem")
	runSupply(t, "sign", "--generate-key", key)
	if code, _, stderr := runSupply(t, "sign", "--key", key, file); code != ExitOK {
		t.Fatalf("sign file = %d (%s)", code, stderr)
	}
	if _, err := os.Stat(file + ".sig"); err != nil {
		t.Fatalf("signature not at FILE.sig: %v", err)
	}
	if code, stdout, stderr := runSupply(t, "verify", "--key", key+".pub", file, "--json"); code != ExitOK || !strings.Contains(stdout, `"ok": true`) {
		t.Errorf("verify file = %d, %q, %q; want 0 and ok", code, stdout, stderr)
	}
}
