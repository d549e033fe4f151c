package policy

import (
	"context"
	"encoding/json"
	"runtime"
	"sort"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/cputime"
)

// BenchmarkDecide measures one decision with the example policies on a
// payment call (the example set's most involved path) and reports per-op
// p50 and p99 latencies in addition to the mean.
func BenchmarkDecide(b *testing.B) {
	e := loadExamples(b, Options{Now: func() time.Time { return tuesday10 }, Timeout: time.Minute})
	// Raw JSON arguments, as the firewall passes them (parsed straight
	// into AST values).
	args := json.RawMessage(`{"amount": 250, "currency": "EUR", "card_number": "4111", "memo": "invoice 42"}`)
	in := Input{
		Principal: Principal{App: "billing", Agent: "billing-bot", Roles: []string{"payments"}},
		Tool:      Tool{Server: "bank", Name: "transfer_funds", Annotations: map[string]bool{"destructive_hint": true}},
		Arguments: args,
		Findings:  []Finding{{Scanner: "pii", Type: "EMAIL", Action: "redact"}},
	}
	ctx := context.Background()
	// Wall-clock per op, and CPU time of this thread per op: on a shared,
	// oversubscribed machine the wall clock mostly measures waiting for a
	// core, the thread CPU time measures the decision's own cost.
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	durs := make([]time.Duration, 0, b.N)
	cpus := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		c0 := cputime.Thread()
		start := time.Now()
		r, err := e.Decide(ctx, in)
		durs = append(durs, time.Since(start))
		cpus = append(cpus, cputime.Thread()-c0)
		if err != nil || r.Effect != RequireApproval {
			b.Fatalf("Decide() = %v, %v; want require_approval", r.Effect, err)
		}
	}
	b.StopTimer()
	ReportPercentiles(b, durs)
	sort.Slice(cpus, func(i, j int) bool { return cpus[i] < cpus[j] })
	b.ReportMetric(float64(cpus[len(cpus)/2].Nanoseconds()), "cpu-p50-ns")
	b.ReportMetric(float64(cpus[len(cpus)*99/100].Nanoseconds()), "cpu-p99-ns")
}

// ReportPercentiles adds p50-ns and p99-ns metrics to a benchmark.
func ReportPercentiles(b *testing.B, durs []time.Duration) {
	if len(durs) == 0 {
		return
	}
	sort.Slice(durs, func(i, j int) bool { return durs[i] < durs[j] })
	b.ReportMetric(float64(durs[len(durs)/2].Nanoseconds()), "p50-ns")
	b.ReportMetric(float64(durs[len(durs)*99/100].Nanoseconds()), "p99-ns")
}
