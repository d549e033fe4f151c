package server

import (
	"context"
	"errors"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/modelscan/lock"
)

// writeModel writes a small model folder and its lock, and returns both paths.
func writeModel(t *testing.T) (dir, lockPath string) {
	t.Helper()
	root := t.TempDir()
	dir = filepath.Join(root, "llama")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, data := range map[string]string{"config.json": `{"layers": 2}`, "model.safetensors": "weights"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(data), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	lockPath = filepath.Join(root, "llama.lock")
	f, err := os.Create(lockPath)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if err := lock.Write(context.Background(), []string{dir}, f); err != nil {
		t.Fatalf("lock.Write: %v", err)
	}
	return dir, lockPath
}

func artifactsConfig(t *testing.T, dir, lockPath string) *config.Config {
	t.Helper()
	y := "upstreams: [{name: m, kind: mock}]\nmodels:\n" +
		"  - name: plain\n    targets: [{upstream: m}]\n" +
		"  - name: llama-local\n    targets: [{upstream: m}]\n    artifacts: {path: '" + dir + "', lock: '" + lockPath + "'}\n"
	cfg, err := config.Parse([]byte(y))
	if err != nil {
		t.Fatalf("config.Parse: %v", err)
	}
	return cfg
}

func TestModelArtifacts(t *testing.T) {
	cases := []struct {
		name   string
		change func(t *testing.T, dir, lockPath string)
		want   string // substring of the error; "" = builds
	}{
		{"lock verifies", func(*testing.T, string, string) {}, ""},
		{"changed file", func(t *testing.T, dir, _ string) {
			if err := os.WriteFile(filepath.Join(dir, "model.safetensors"), []byte("tampered"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "changed model.safetensors"},
		{"extra file", func(t *testing.T, dir, _ string) {
			if err := os.WriteFile(filepath.Join(dir, "evil.pkl"), []byte("x"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, "extra evil.pkl"},
		{"missing lock", func(t *testing.T, _, lockPath string) {
			if err := os.Remove(lockPath); err != nil {
				t.Fatal(err)
			}
		}, "no such file"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			dir, lockPath := writeModel(t)
			tc.change(t, dir, lockPath)
			cfg := artifactsConfig(t, dir, lockPath)
			srv, err := New(cfg, Options{Logger: slog.New(slog.DiscardHandler)})
			if tc.want == "" {
				if err != nil {
					t.Fatalf("New = %v; want nil", err)
				}
				srv.Gateway().State().Router.Close()
				return
			}
			if err == nil {
				srv.Gateway().State().Router.Close()
				t.Fatalf("New = nil; want an error mentioning %q", tc.want)
			}
			if msg := err.Error(); !strings.Contains(msg, `model "llama-local"`) || !strings.Contains(msg, tc.want) {
				t.Errorf("New = %q; want it to name model \"llama-local\" and mention %q", msg, tc.want)
			}
			if tc.name != "missing lock" && !errors.Is(err, lock.ErrMismatch) {
				t.Errorf("New = %v; want an error wrapping lock.ErrMismatch", err)
			}
		})
	}
}

// TestReloadKeepsStateOnArtifactMismatch: a reload whose model files no
// longer match the lock is rejected and the running state keeps serving.
func TestReloadKeepsStateOnArtifactMismatch(t *testing.T) {
	dir, lockPath := writeModel(t)
	cfg := artifactsConfig(t, dir, lockPath)
	srv, err := New(cfg, Options{Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { srv.Gateway().State().Router.Close() })
	if err := os.WriteFile(filepath.Join(dir, "config.json"), []byte(`{"layers": 3}`), 0o644); err != nil {
		t.Fatal(err)
	}
	next := artifactsConfig(t, dir, lockPath)
	err = srv.Reload(next)
	if err == nil || !strings.Contains(err.Error(), `model "llama-local"`) {
		t.Fatalf("Reload = %v; want an error naming model \"llama-local\"", err)
	}
	if srv.Gateway().State().Config != cfg {
		t.Error("a reload with mismatching artifacts replaced the running config")
	}
}
