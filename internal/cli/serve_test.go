package cli

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/config"
)

func serveEnv(stdout, stderr io.Writer, vars map[string]string) Env {
	return Env{Stdin: strings.NewReader(""), Stdout: stdout, Stderr: stderr, Getenv: func(k string) string { return vars[k] }}
}

func TestServeCheckConfig(t *testing.T) {
	secrets := map[string]string{"OPENAI_API_KEY": "x", "ANTHROPIC_API_KEY": "y", "AZURE_OPENAI_API_KEY": "z"}
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.yaml")
	os.WriteFile(bad, []byte("server:\n  listen: 127.0.0.1:1\n  bogus: true\n"), 0o600)
	cases := []struct {
		name    string
		args    []string
		env     map[string]string
		want    int
		wantErr string
	}{
		{"example config", []string{"--config", "../../deploy/examples/bulwark.yaml", "--check-config"}, secrets, ExitOK, ""},
		{"example without secrets", []string{"--config", "../../deploy/examples/bulwark.yaml", "--check-config"}, nil, ExitError, "OPENAI_API_KEY"},
		{"unknown key", []string{"--config", bad, "--check-config"}, nil, ExitError, `line 3: unknown key "bogus"`},
		{"missing file", []string{"--config", filepath.Join(dir, "nope.yaml"), "--check-config"}, nil, ExitError, "read config"},
		{"demo", []string{"--demo", "--check-config"}, nil, ExitOK, ""},
		{"demo refuses non-loopback", []string{"--demo", "--listen", "0.0.0.0:8080", "--check-config"}, nil, ExitError, "loopback"},
		{"no config", []string{"--check-config"}, nil, ExitError, "--config FILE or --demo"},
		{"both", []string{"--demo", "--config", bad}, nil, ExitError, "exclusive"},
		{"stray arg", []string{"--demo", "extra"}, nil, ExitError, "unexpected argument"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			got := runServe(context.Background(), serveEnv(&out, &errb, tc.env), tc.args)
			if got != tc.want {
				t.Fatalf("serve %v = %d (stderr %q); want %d", tc.args, got, errb.String(), tc.want)
			}
			if !strings.Contains(errb.String(), tc.wantErr) {
				t.Errorf("serve %v stderr = %q; want it to contain %q", tc.args, errb.String(), tc.wantErr)
			}
			for _, v := range tc.env {
				if strings.Contains(out.String()+errb.String(), v+"\n") {
					t.Errorf("output contains a secret")
				}
			}
		})
	}
}

func serveFreeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func TestServeReloadOnSIGHUP(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "bulwark.yaml")
	data, admin := serveFreeAddr(t), serveFreeAddr(t)
	good, broken := filepath.Join(dir, "policies"), filepath.Join(dir, "broken")
	for d, rego := range map[string]string{good: "package bulwark.tools\n\nallow := true\n", broken: "package bulwark.tools\n\nallow if {\n"} {
		if err := os.MkdirAll(d, 0o700); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(d, "p.rego"), []byte(rego), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	policyDir := good
	procs := 0
	t.Cleanup(func() { runtime.GOMAXPROCS(config.DefaultProcs) })
	write := func(model string) {
		cfg := "server: {listen: '" + data + "', admin_listen: '" + admin + "', max_procs: " + strconv.Itoa(procs) + "}\n" +
			"upstreams: [{name: m, kind: mock}]\n" +
			"models: [{name: " + model + ", targets: [{upstream: m}]}]\n" +
			"keys: [{id: k, key_sha256: " + config.HashKey("bk-x") + "}]\n" +
			"agents: {enabled: true, policy_dir: '" + policyDir + "'}\n"
		if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	models := func() string {
		req, _ := http.NewRequest("GET", "http://"+data+"/v1/models", nil)
		req.Header.Set("Authorization", "Bearer bk-x")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return ""
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return string(b)
	}
	// Generous deadlines: CI runs this on a loaded 2-core machine.
	waitFor := func(want string) {
		t.Helper()
		for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); {
			if strings.Contains(models(), want) {
				return
			}
			time.Sleep(25 * time.Millisecond)
		}
		t.Fatalf("/v1/models = %s; want it to contain %s", models(), want)
	}
	write("first-model")
	ctx, cancel := context.WithCancel(context.Background())
	var errb bytes.Buffer
	logs := &lockedWriter{w: &errb}
	done := make(chan int, 1)
	go func() {
		done <- runServe(ctx, serveEnv(io.Discard, logs, nil), []string{"--config", path})
	}()
	waitFor("first-model")

	// The reload also applies server.max_procs (GOMAXPROCS).
	procs = config.DefaultProcs + 1
	write("second-model")
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	waitFor("second-model")
	for deadline := time.Now().Add(60 * time.Second); runtime.GOMAXPROCS(0) != procs; time.Sleep(25 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("GOMAXPROCS = %d after a reload with server.max_procs %d", runtime.GOMAXPROCS(0), procs)
		}
	}

	// A failed reload is logged (wait for the event, not a sleep), and the
	// running config keeps serving.
	failures := 0
	waitFailed := func() {
		t.Helper()
		failures++
		for deadline := time.Now().Add(60 * time.Second); strings.Count(logs.String(), "config reload failed") < failures; {
			if time.Now().After(deadline) {
				t.Fatalf("bad config reload not logged: %s", logs.String())
			}
			time.Sleep(25 * time.Millisecond)
		}
	}
	os.WriteFile(path, []byte("bogus: [\n"), 0o600)
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	waitFailed()
	waitFor("second-model") // the bad config did not replace the running one

	// A valid file whose policy does not compile changes nothing either:
	// not the gateway part (the new model), not the policy.
	policyDir = broken
	write("third-model")
	syscall.Kill(os.Getpid(), syscall.SIGHUP)
	waitFailed()
	if m := models(); strings.Contains(m, "third-model") || !strings.Contains(m, "second-model") {
		t.Fatalf("/v1/models after a reload with a broken policy = %s; want the running config (second-model)", m)
	}

	for _, u := range []string{"http://" + data + "/healthz", "http://" + admin + "/healthz", "http://" + admin + "/metrics"} {
		resp, err := http.Get(u)
		if err != nil || resp.StatusCode != 200 {
			t.Errorf("GET %s = %v, %v; want 200", u, resp, err)
		}
		if resp != nil {
			resp.Body.Close()
		}
	}
	cancel()
	select {
	case code := <-done:
		if code != ExitOK {
			t.Errorf("serve exit = %d; want 0", code)
		}
	case <-time.After(60 * time.Second):
		t.Fatal("serve did not shut down")
	}
}

// lockedWriter serializes writes from the server's goroutines.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// String returns what was written so far (the writer must be a *bytes.Buffer).
func (l *lockedWriter) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.(*bytes.Buffer).String()
}
