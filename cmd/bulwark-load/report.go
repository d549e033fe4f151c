package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"runtime"
	"slices"
	"time"
)

// report is the whole measurement.
type report struct {
	// Baseline: the measured proxy is bulwark-load's bare net/http proxy,
	// not Bulwark.
	Baseline bool `json:"baseline"`
	// MCP: the requests were MCP tools/call of the echo tool (-mcp), and
	// PromptBytes is the size of the text sent to it and returned.
	MCP bool `json:"mcp,omitempty"`
	// Sessions is the number of MCP client sessions per path.
	Sessions int `json:"mcp_sessions,omitempty"`
	// PolicyDir is the gateway's Rego policy directory (MCP).
	PolicyDir   string  `json:"policy_dir,omitempty"`
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
	// AddedP50Range and AddedP99Range are 90% intervals of the added p50
	// and p99 from resampling the turns (addedRanges); absent with fewer
	// than five turns.
	AddedP50Range *[2]float64 `json:"added_p50_ms_90pct_range,omitempty"`
	AddedP99Range *[2]float64 `json:"added_p99_ms_90pct_range,omitempty"`
	// PeakRSS is the gateway's peak RSS after the fixed-rate run; the rate
	// search that follows overloads it on purpose and is reported apart.
	PeakRSS       int64 `json:"gateway_peak_rss_bytes"`
	SearchPeakRSS int64 `json:"search_peak_rss_bytes,omitempty"`
	// MaxRate is the highest rate tried at which the gateway kept every
	// request successful with p99 under the search bound (0: not searched).
	MaxRate  float64 `json:"max_sustainable_rate"`
	CPUs     int     `json:"cpus"`
	GoMaxPro int     `json:"gomaxprocs"`
	// GatewayProcs is the measured gateway's GOMAXPROCS (-gateway-procs;
	// 0: Go's default).
	GatewayProcs int `json:"gateway_procs,omitempty"`
}

func measure(ctx context.Context, o options, log io.Writer) (*report, error) {
	if o.mcp {
		return measureMCP(ctx, o, log)
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	ws, err := newWorkspace(ctx, o, log)
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(ws.dir)

	up, err := startUpstream(ctx)
	if err != nil {
		return nil, fmt.Errorf("start upstream: %w", err)
	}
	var gw *gateway
	if o.baseline {
		gw, err = startBaseline(ctx, o, ws.dir, ws.listen, baselineArgs(ws.listen, up))
	} else {
		gw, err = startGateway(ctx, ws.bin, ws.dir, gatewayConfig(o, up, ws.listen, ws.admin, ws.dir), ws.listen)
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
		Stream: o.stream, CPUs: runtime.NumCPU(), GoMaxPro: runtime.GOMAXPROCS(0), GatewayProcs: o.procs}
	announce(log, o, "req/s")
	rs := openLoopBlocks(ctx, client, []target{direct, through}, body, o.rate, o.warmup, o.duration, o.block)
	searchClient := newClient()
	rep.complete(ctx, o, rs, gw, func(ctx context.Context) string { return send(ctx, searchClient, through, body) }, log)
	return rep, ctx.Err()
}

// workspace is what every measurement starts from: a temporary directory
// (the caller removes it), the bulwark binary and two loopback addresses
// for its listeners.
type workspace struct {
	dir, bin, listen, admin string
}

func newWorkspace(ctx context.Context, o options, log io.Writer) (*workspace, error) {
	dir, err := os.MkdirTemp("", "bulwark-load-")
	if err != nil {
		return nil, err
	}
	ws := &workspace{dir: dir, bin: o.bin}
	if ws.bin == "" && !o.baseline {
		fmt.Fprintln(log, "building bulwark...")
		if ws.bin, err = buildBulwark(ctx, dir); err != nil {
			os.RemoveAll(dir)
			return nil, err
		}
	}
	if ws.listen, err = freePort(); err == nil {
		ws.admin, err = freePort()
	}
	if err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	return ws, nil
}

// announce says on log what the fixed-rate run is about to do.
func announce(log io.Writer, o options, unit string) {
	if o.block > 0 {
		fmt.Fprintf(log, "direct and through bulwark, taking turns every %s: %.0f %s, %s each...\n", o.block, o.rate, unit, o.duration)
	} else {
		fmt.Fprintf(log, "direct, then through bulwark: %.0f %s, %s each...\n", o.rate, unit, o.duration)
	}
}

// complete records the fixed-rate runs (direct first), their difference and
// the gateway's peak RSS, then, with -search, the highest sustainable rate
// of through.
func (r *report) complete(ctx context.Context, o options, rs []runResult, gw *gateway, through caller, log io.Writer) {
	r.Direct, r.Through = rs[0], rs[1]
	r.Block = o.block.String()
	r.AddedP50 = r.Through.P50 - r.Direct.P50
	r.AddedP99 = r.Through.P99 - r.Direct.P99
	r.AddedP999 = r.Through.P999 - r.Direct.P999
	if p50, p99, ok := addedRanges(r.Direct.Turns, r.Through.Turns, 400); ok {
		r.AddedP50Range, r.AddedP99Range = &p50, &p99
	}
	if rss, err := gw.peakRSS(); err == nil {
		r.PeakRSS = rss
	}
	if o.search {
		r.MaxRate = searchMaxRate(ctx, through, o, log)
		if rss, err := gw.peakRSS(); err == nil {
			r.SearchPeakRSS = rss
		}
	}
}

// searchMaxRate doubles the rate (then refines between the last good and the
// first bad rate) with short runs, and returns the highest sustainable rate.
func searchMaxRate(ctx context.Context, through caller, o options, log io.Writer) float64 {
	ok := func(rate float64) bool {
		r := schedule(ctx, []caller{through}, rate, time.Second, 5*time.Second, 0)[0]
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
	if r.MCP {
		fmt.Fprintf(w, "open-loop MCP load: %.0f tools/call per s of echo with %d-byte text, %d sessions per path, policies=%s, guardrails=%s, audit=%v, turns of %s (%d CPUs)\n",
			r.Rate, r.PromptBytes, r.Sessions, r.PolicyDir, r.Guardrails, r.Audit, r.Block, r.CPUs)
	} else {
		fmt.Fprintf(w, "open-loop load: %.0f req/s, %d-byte prompts, guardrails=%s, audit=%v, stream=%v, turns of %s (%d CPUs)\n",
			r.Rate, r.PromptBytes, r.Guardrails, r.Audit, r.Stream, r.Block, r.CPUs)
	}
	if r.GatewayProcs > 0 {
		fmt.Fprintf(w, "the measured gateway runs with GOMAXPROCS=%d\n", r.GatewayProcs)
	}
	fmt.Fprintf(w, "%-16s %8s %8s %8s %8s %8s %8s\n", "", "sent", "errors", "p50 ms", "p99 ms", "p99.9 ms", "max ms")
	for _, row := range []struct {
		name string
		r    runResult
	}{{"direct", r.Direct}, {"through bulwark", r.Through}} {
		fmt.Fprintf(w, "%-16s %8d %8d %8.3f %8.3f %8.3f %8.3f\n", row.name, row.r.Sent, row.r.Errors, row.r.P50, row.r.P99, row.r.P999, row.r.Max)
	}
	fmt.Fprintf(w, "added latency: p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms\n", r.AddedP50, r.AddedP99, r.AddedP999)
	if r.AddedP99Range != nil {
		fmt.Fprintf(w, "90%% range from resampling the %s turns: added p50 %.3f to %.3f ms, added p99 %.3f to %.3f ms\n",
			r.Block, r.AddedP50Range[0], r.AddedP50Range[1], r.AddedP99Range[0], r.AddedP99Range[1])
	}
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
	if r.Direct.FirstError != "" {
		fmt.Fprintf(w, "first error direct: %s\n", r.Direct.FirstError)
	}
}

// addedRanges says how much the added p50 and p99 depend on which turns a
// run happened to get: it draws as many turns as the run had, with
// replacement, each a direct turn together with the through turn that
// followed it (the two shared the machine's state of that moment), reps
// times, and returns the 5th and 95th percentiles of the added p50 and p99
// over the draws. A single run's added p99 is the difference of two tails,
// each set by a few dozen requests; the range shows how far it moves with
// them. It does not include what changes between runs (the machine's load
// at the time), so runs repeated later spread wider. ok is false with
// fewer than five turns.
func addedRanges(direct, through [][]time.Duration, reps int) (p50, p99 [2]float64, ok bool) {
	n := min(len(direct), len(through))
	if n < 5 || reps < 20 {
		return p50, p99, false
	}
	rng := rand.New(rand.NewPCG(1, 2)) // the same draws every time: a report is reproducible from its latencies
	var d, t []time.Duration
	a50 := make([]float64, reps)
	a99 := make([]float64, reps)
	for i := range reps {
		d, t = d[:0], t[:0]
		for range n {
			k := rng.IntN(n)
			d = append(d, direct[k]...)
			t = append(t, through[k]...)
		}
		if len(d) == 0 || len(t) == 0 {
			return p50, p99, false
		}
		slices.Sort(d)
		slices.Sort(t)
		a50[i] = ms(quantile(t, 0.50)) - ms(quantile(d, 0.50))
		a99[i] = ms(quantile(t, 0.99)) - ms(quantile(d, 0.99))
	}
	slices.Sort(a50)
	slices.Sort(a99)
	lo, hi := int(0.05*float64(reps)), int(0.95*float64(reps))-1
	return [2]float64{a50[lo], a50[hi]}, [2]float64{a99[lo], a99[hi]}, true
}
