package guardrails_test

import (
	"context"
	"runtime"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/cputime"
	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/testtext"
)

// prompt1K is a realistic 1 KB user prompt with one secret in it.
var prompt1K = func() string {
	s := "Hi! I'm preparing the quarterly infrastructure review for our platform team and need help. " +
		"Please summarise the incidents below, group them by root cause, and suggest two concrete follow-ups for each group. " +
		"Keep the tone neutral and avoid blaming individuals. The on-call rotation changed in March, so some tickets were " +
		"reassigned; treat those as one owner. Also check whether the staging key " + awsKey + " appears in any of the " +
		"incident notes, because it was rotated last week and should no longer be used anywhere. Incidents: (1) database " +
		"failover took 14 minutes because the replica lagged; (2) a certificate expired on the internal dashboard; (3) the " +
		"batch importer ran twice after a deploy and duplicated 2,000 rows; (4) an alert storm during the network maintenance " +
		"window paged three people at night. For each item, tell me what you would measure to know the fix worked. "
	for len(s) < 1024 {
		s += "Thanks. "
	}
	return s[:1024]
}()

// BenchmarkDemoInput1K is the whole default (demo) input pipeline on a 1 KB
// prompt: injection, secrets and PII scanners, pseudonyms and redaction.
// It reports p50 and p99 per-prompt CPU time of the benchmark's thread
// (cpu-p50-µs, cpu-p99-µs): the cost on one core, whatever else the machine
// runs. ns/op is wall time and includes waiting for a core.
func BenchmarkDemoInput1K(b *testing.B) {
	p := demoPipeline(b)
	segs := []guard.Segment{{Source: guard.SourceUser, Text: prompt1K}}
	b.SetBytes(int64(len(prompt1K)))
	b.ReportAllocs()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	var lat []time.Duration
	for b.Loop() {
		t0 := cputime.Thread()
		if _, err := p.Begin(guard.Request{}).CheckInput(context.Background(), segs); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Duration(cputime.Thread()-t0))
	}
	reportPercentiles(b, lat)
}

// BenchmarkDemoInputLongDoc is the whole demo input pipeline on a 1 MB tool
// result without repeated sentences (a fetched web page, a long file): the
// throughput on long documents, per core (cpu-MB/s, from the process's CPU
// time: the scanners of a segment this long run on goroutines of their own)
// and wall-clock (MB/s).
func BenchmarkDemoInputLongDoc(b *testing.B) {
	p := demoPipeline(b)
	doc := testtext.Prose(1<<20, 1)
	segs := []guard.Segment{
		{Source: guard.SourceUser, Text: "Summarise the attached report."},
		{Source: guard.SourceTool, Text: doc},
	}
	b.SetBytes(int64(len(doc)))
	b.ReportAllocs()
	cpu0 := cputime.Process()
	for b.Loop() {
		if _, err := p.Begin(guard.Request{}).CheckInput(context.Background(), segs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N*len(doc))/1e6/(float64(cputime.Process()-cpu0)/1e9), "cpu-MB/s")
}

// BenchmarkDemoOutputStream streams a 4 KB answer through the demo output
// scanners in 4-byte deltas (about one token each) and reports the cost
// per delta; BenchmarkDemoOutputWhole checks the same text at once.
func BenchmarkDemoOutputStream(b *testing.B) {
	p := demoPipeline(b)
	text := demoAnswer()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	chunks := 0
	cpu0 := cputime.Thread()
	for b.Loop() {
		s := p.Begin(guard.Request{SystemPrompt: systemPrompt})
		s.Canary()
		st := s.NewStream()
		for i := 0; i < len(text); i += 4 {
			if _, err := st.Write(context.Background(), text[i:min(len(text), i+4)]); err != nil {
				b.Fatal(err)
			}
			chunks++
		}
		if _, err := st.Close(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cputime.Thread()-cpu0)/float64(chunks), "cpu-ns/delta")
}

// BenchmarkDemoOutputWhole is the non-streamed baseline of
// BenchmarkDemoOutputStream.
func BenchmarkDemoOutputWhole(b *testing.B) {
	p := demoPipeline(b)
	text := demoAnswer()
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu0 := cputime.Thread()
	for b.Loop() {
		s := p.Begin(guard.Request{SystemPrompt: systemPrompt})
		s.Canary()
		if _, err := s.CheckOutput(context.Background(), text); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cputime.Thread()-cpu0)/float64(b.N*len(text)/4), "cpu-ns/delta")
}

func demoAnswer() string {
	para := "Here is a summary of the incidents grouped by root cause. Capacity: the replica lag made failover slow; " +
		"measure lag p99 and failover time in a game day. Expiry: automate certificate renewal and alert 14 days ahead. " +
		"See https://docs.example.com/runbooks for the runbook. "
	return strings.Repeat(para, 4096/len(para)+1)[:4096]
}

func reportPercentiles(b *testing.B, lat []time.Duration) {
	if len(lat) == 0 {
		return
	}
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "cpu-p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "cpu-p99-µs")
}
