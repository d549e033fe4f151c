package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime"
	"time"
)

// report is the whole measurement.
type report struct {
	// Baseline: the measured proxy is bulwark-load's bare net/http proxy,
	// not Bulwark.
	Baseline    bool    `json:"baseline"`
	Rate        float64 `json:"rate"`
	PromptBytes int     `json:"prompt_bytes"`
	Guardrails  string  `json:"guardrails"`
	Audit       bool    `json:"audit"`
	Stream      bool    `json:"stream"`
	// Block is how long each turn of direct / through requests lasted
	// ("0s": all direct requests, then all through Bulwark).
	Block     string    `json:"block"`
	Direct    runResult `json:"direct"`
	Through   runResult `json:"through_bulwark"`
	AddedP50  float64   `json:"added_p50_ms"`
	AddedP99  float64   `json:"added_p99_ms"`
	AddedP999 float64   `json:"added_p999_ms"`
	// PeakRSS is the gateway's peak RSS after the fixed-rate run; the rate
	// search that follows overloads it on purpose and is reported apart.
	PeakRSS       int64 `json:"gateway_peak_rss_bytes"`
	SearchPeakRSS int64 `json:"search_peak_rss_bytes,omitempty"`
	// MaxRate is the highest rate tried at which the gateway kept every
	// request successful with p99 under the search bound (0: not searched).
	MaxRate  float64 `json:"max_sustainable_rate"`
	CPUs     int     `json:"cpus"`
	GoMaxPro int     `json:"gomaxprocs"`
}

func measure(ctx context.Context, o options, log io.Writer) (*report, error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	dir, err := os.MkdirTemp("", "bulwark-load-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)

	up, err := startUpstream(ctx)
	if err != nil {
		return nil, fmt.Errorf("start upstream: %w", err)
	}
	bin := o.bin
	if bin == "" && !o.baseline {
		fmt.Fprintln(log, "building bulwark...")
		if bin, err = buildBulwark(ctx, dir); err != nil {
			return nil, err
		}
	}
	listen, err := freePort()
	if err != nil {
		return nil, err
	}
	admin, err := freePort()
	if err != nil {
		return nil, err
	}
	var gw *gateway
	if o.baseline {
		gw, err = startBaseline(ctx, dir, listen, up)
	} else {
		gw, err = startGateway(ctx, bin, dir, gatewayConfig(o, up, listen, admin, dir), listen)
	}
	if err != nil {
		return nil, err
	}
	defer gw.stop()

	body := chatBody(o.promptBytes, o.stream)
	client := newClient()
	direct := target{url: up + "/chat/completions"}
	through := target{url: gw.dataURL + "/v1/chat/completions", apiKey: loadKey}
	if msg := send(ctx, client, through, body); msg != "" {
		return nil, fmt.Errorf("probe request through bulwark failed: %s", msg)
	}

	if o.baseline {
		o.guardrails, o.audit = "n/a (baseline proxy)", false
	}
	rep := &report{Baseline: o.baseline, Rate: o.rate, PromptBytes: o.promptBytes, Guardrails: o.guardrails, Audit: o.audit,
		Stream: o.stream, CPUs: runtime.NumCPU(), GoMaxPro: runtime.GOMAXPROCS(0)}
	if o.block > 0 {
		fmt.Fprintf(log, "direct and through bulwark, taking turns every %s: %.0f req/s, %s each...\n", o.block, o.rate, o.duration)
	} else {
		fmt.Fprintf(log, "direct, then through bulwark: %.0f req/s, %s each...\n", o.rate, o.duration)
	}
	rs := openLoopBlocks(ctx, client, []target{direct, through}, body, o.rate, o.warmup, o.duration, o.block)
	rep.Direct, rep.Through = rs[0], rs[1]
	rep.Block = o.block.String()
	rep.AddedP50 = rep.Through.P50 - rep.Direct.P50
	rep.AddedP99 = rep.Through.P99 - rep.Direct.P99
	rep.AddedP999 = rep.Through.P999 - rep.Direct.P999

	if rss, err := gw.peakRSS(); err == nil {
		rep.PeakRSS = rss
	}
	if o.search {
		rep.MaxRate = searchMaxRate(ctx, through, body, o, log)
		if rss, err := gw.peakRSS(); err == nil {
			rep.SearchPeakRSS = rss
		}
	}
	return rep, ctx.Err()
}

// searchMaxRate doubles the rate (then refines between the last good and the
// first bad rate) with short runs, and returns the highest sustainable rate.
func searchMaxRate(ctx context.Context, t target, body []byte, o options, log io.Writer) float64 {
	client := newClient()
	ok := func(rate float64) bool {
		r := openLoop(ctx, client, t, body, rate, time.Second, 5*time.Second)
		good := r.Errors == 0 && r.P99 > 0 && r.P99 < ms(o.searchP99) && r.Achieved >= 0.95*rate
		fmt.Fprintf(log, "search: %.0f req/s: p99 %.2f ms, errors %d, achieved %.0f -> %v\n", rate, r.P99, r.Errors, r.Achieved, good)
		return good
	}
	good, bad := 0.0, 0.0
	for rate := o.rate; rate <= 64000 && ctx.Err() == nil; rate *= 2 {
		if !ok(rate) {
			bad = rate
			break
		}
		good = rate
	}
	if bad == 0 {
		return good
	}
	for i := 0; i < 3 && ctx.Err() == nil; i++ {
		mid := (good + bad) / 2
		if ok(mid) {
			good = mid
		} else {
			bad = mid
		}
	}
	return good
}

func (r *report) writeJSON(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

func (r *report) writeText(w io.Writer) {
	if r.Baseline {
		fmt.Fprintln(w, "BASELINE: the proxy measured is a bare net/http reverse proxy, not Bulwark (\"through bulwark\" below means through it)")
	}
	fmt.Fprintf(w, "open-loop load: %.0f req/s, %d-byte prompts, guardrails=%s, audit=%v, stream=%v, turns of %s (%d CPUs)\n",
		r.Rate, r.PromptBytes, r.Guardrails, r.Audit, r.Stream, r.Block, r.CPUs)
	fmt.Fprintf(w, "%-16s %8s %8s %8s %8s %8s %8s\n", "", "sent", "errors", "p50 ms", "p99 ms", "p99.9 ms", "max ms")
	for _, row := range []struct {
		name string
		r    runResult
	}{{"direct", r.Direct}, {"through bulwark", r.Through}} {
		fmt.Fprintf(w, "%-16s %8d %8d %8.3f %8.3f %8.3f %8.3f\n", row.name, row.r.Sent, row.r.Errors, row.r.P50, row.r.P99, row.r.P999, row.r.Max)
	}
	fmt.Fprintf(w, "added latency: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms\n", r.AddedP50, r.AddedP99, r.AddedP999)
	if r.MaxRate > 0 {
		fmt.Fprintf(w, "max sustainable rate: %.0f req/s\n", r.MaxRate)
	}
	fmt.Fprintf(w, "gateway peak RSS at %.0f req/s: %.1f MB\n", r.Rate, float64(r.PeakRSS)/(1<<20))
	if r.SearchPeakRSS > 0 {
		fmt.Fprintf(w, "gateway peak RSS including the overload search: %.1f MB\n", float64(r.SearchPeakRSS)/(1<<20))
	}
	if r.Through.FirstError != "" {
		fmt.Fprintf(w, "first error through bulwark: %s\n", r.Through.FirstError)
	}
}
