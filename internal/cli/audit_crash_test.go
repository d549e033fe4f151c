package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"
)

// TestAuditCrashSync is the durability test of the audit log: a real
// `bulwark serve --demo` (sync mode) under concurrent load is killed with
// SIGKILL; after a restart `bulwark audit verify` passes and every 2xx
// response a client received has its event. Events may exceed responses
// only by requests in flight at the kill (committed, response not yet
// delivered), at most one per client.
func TestAuditCrashSync(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the real binary; skipped with -short")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "bulwark")
	build := exec.Command("go", "build", "-o", bin, "github.com/bulwark-ai/bulwark/cmd/bulwark")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}

	const clients = 16
	addr, admin := freeAddr(t), freeAddr(t)
	srv := startServe(t, bin, dir, addr, admin)

	var ok, sent atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	body := []byte(`{"model":"demo","messages":[{"role":"user","content":"What is the capital of France?"}]}`)
	// A client timeout would turn a slow 2xx (a committed event) into a
	// miss and break the events <= received+clients bound: be generous,
	// the kill ends every request still open anyway.
	client := &http.Client{Timeout: 2 * time.Minute}
	for c := 0; c < clients; c++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				req, _ := http.NewRequest("POST", "http://"+addr+"/v1/chat/completions", bytes.NewReader(body))
				req.Header.Set("Authorization", "Bearer bk-demo")
				req.Header.Set("Content-Type", "application/json")
				sent.Add(1)
				resp, err := client.Do(req)
				if err != nil {
					continue // the server is gone
				}
				_, rerr := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				if rerr == nil && resp.StatusCode/100 == 2 {
					ok.Add(1)
				}
			}
		}()
	}
	// Kill once a fair number of requests went through.
	deadline := time.Now().Add(20 * time.Second)
	for ok.Load() < 300 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if err := srv.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	srv.Wait()
	close(stop)
	wg.Wait()
	received := ok.Load()
	if received == 0 {
		t.Fatal("no request succeeded before the kill")
	}

	// Restart (recovers the tree from the store, signs a checkpoint), then
	// shut down cleanly.
	srv = startServe(t, bin, dir, addr, admin)
	srv.Process.Signal(syscall.SIGTERM)
	srv.Wait()

	verify := exec.Command(bin, "audit", "verify")
	verify.Dir = dir
	out, err := verify.CombinedOutput()
	if err != nil {
		t.Fatalf("audit verify after kill -9: %v\n%s", err, out)
	}
	export := exec.Command(bin, "audit", "export", "--kind", "exchange")
	export.Dir = dir
	exp, err := export.Output()
	if err != nil {
		t.Fatalf("audit export: %v", err)
	}
	var events int64
	sc := bufio.NewScanner(bytes.NewReader(exp))
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		var v struct {
			Event struct {
				Status int `json:"status"`
			} `json:"event"`
		}
		if err := json.Unmarshal(sc.Bytes(), &v); err != nil {
			t.Fatalf("export line: %v", err)
		}
		if v.Event.Status/100 == 2 {
			events++
		}
	}
	t.Logf("requests sent %d, 2xx received %d, 2xx events %d; verify: %s", sent.Load(), received, events, strings.TrimSpace(string(out)))
	if events < received {
		t.Errorf("audit lost events: %d 2xx events < %d 2xx responses received", events, received)
	}
	if events > received+clients {
		t.Errorf("events %d exceed responses %d by more than the %d requests in flight", events, received, clients)
	}
}

func freeAddr(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

func startServe(t *testing.T, bin, dir, addr, admin string) *exec.Cmd {
	t.Helper()
	cmd := exec.Command(bin, "serve", "--demo", "--listen", addr, "--admin-listen", admin)
	cmd.Dir = dir
	var logs bytes.Buffer
	cmd.Stdout, cmd.Stderr = &logs, &logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill() })
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second) // loaded CI machines start slowly
	defer cancel()
	for ctx.Err() == nil {
		resp, err := http.Get("http://" + addr + "/healthz")
		if err == nil {
			resp.Body.Close()
			return cmd
		}
		time.Sleep(50 * time.Millisecond)
	}
	cmd.Process.Kill()
	t.Fatalf("serve did not come up: %s", logs.String())
	return nil
}
