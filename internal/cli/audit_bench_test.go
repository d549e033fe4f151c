package cli

import (
	"bytes"
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/server"
)

// BenchmarkGatewayAudit measures the demo gateway's latency (p50, p99) for
// non-streaming chat completions with 32 concurrent clients, with the audit
// log off, in sync mode and in batch mode (SQLite in a temp dir).
func BenchmarkGatewayAudit(b *testing.B) {
	for _, mode := range []string{"off", "sync", "batch"} {
		b.Run(mode, func(b *testing.B) {
			cfg := config.Demo()
			opts := server.Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
			if mode != "off" {
				cfg.Audit = config.DemoAudit()
				cfg.Audit.DataDir = b.TempDir()
				cfg.Audit.SQLitePath = filepath.Join(cfg.Audit.DataDir, "audit.db")
				cfg.Audit.SigningKey = filepath.Join(cfg.Audit.DataDir, "audit.key")
				cfg.Audit.PublicKey = filepath.Join(cfg.Audit.DataDir, "audit.pub")
				cfg.Audit.Mode = mode
				l, err := openAudit(context.Background(), cfg, nil, opts.Logger, &opts)
				if err != nil {
					b.Fatal(err)
				}
				defer l.Close(context.Background())
			} else {
				cfg.Audit.Enabled = false
			}
			srv, err := server.New(cfg, opts)
			if err != nil {
				b.Fatal(err)
			}
			ts := httptest.NewServer(srv.DataHandler())
			defer ts.Close()
			body := []byte(`{"model":"demo","messages":[{"role":"user","content":"What is the capital of France?"}]}`)
			const clients = 32
			lat := make([][]time.Duration, clients)
			var wg sync.WaitGroup
			per := b.N/clients + 1
			b.ResetTimer()
			for c := 0; c < clients; c++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := 0; i < per; i++ {
						req, _ := http.NewRequest("POST", ts.URL+"/v1/chat/completions", bytes.NewReader(body))
						req.Header.Set("Authorization", "Bearer bk-demo")
						req.Header.Set("Content-Type", "application/json")
						t0 := time.Now()
						resp, err := ts.Client().Do(req)
						if err != nil {
							b.Error(err)
							return
						}
						io.Copy(io.Discard, resp.Body)
						resp.Body.Close()
						if resp.StatusCode != 200 {
							b.Errorf("status %d", resp.StatusCode)
							return
						}
						lat[c] = append(lat[c], time.Since(t0))
					}
				}()
			}
			wg.Wait()
			b.StopTimer()
			all := slices.Concat(lat...)
			slices.Sort(all)
			if len(all) == 0 {
				return
			}
			b.ReportMetric(float64(all[len(all)/2].Microseconds())/1000, "p50_ms")
			b.ReportMetric(float64(all[len(all)*99/100].Microseconds())/1000, "p99_ms")
		})
	}
}
