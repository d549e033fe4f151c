package guard_test

import (
	"context"
	"runtime"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/cputime"
	"github.com/bulwark-ai/bulwark/internal/guard"
)

// prompt1K is a 1 KB prompt with one email and one key in it.
var prompt1K = func() string {
	s := strings.Repeat("Please summarise the quarterly report and list the risks. ", 16)
	s = s[:900] + " mail ann@x.io key sk-ABCDEFGHIJKLMNOPQRSTUVWX "
	return s + strings.Repeat("x", 1024-len(s))
}()

// BenchmarkPipelineInput1K measures the pipeline's own overhead (session,
// findings, pseudonyms, edits) around cheap regexp scanners on a 1 KB prompt.
func BenchmarkPipelineInput1K(b *testing.B) {
	p := testPipeline(0)
	segs := []guard.Segment{{Source: guard.SourceUser, Text: prompt1K}}
	b.SetBytes(int64(len(prompt1K)))
	b.ReportAllocs()
	for b.Loop() {
		s := p.Begin(guard.Request{})
		if _, err := s.CheckInput(context.Background(), segs); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkStreamPerChunk feeds a 4 KB output in 4-byte deltas (about one
// token each) and reports the cost per delta; compare with
// BenchmarkCheckOutput4K, the same text checked at once.
func BenchmarkStreamPerChunk(b *testing.B) {
	p := testPipeline(0)
	text := strings.Repeat("The weather today is fine; write to [EMAIL_1] soon. ", 80)[:4096]
	b.ReportAllocs()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu0 := cputime.Thread()
	chunks := 0
	for b.Loop() {
		s := beginWithVault(p)
		st := s.NewStream()
		for i := 0; i < len(text); i += 4 {
			if _, err := st.Write(context.Background(), text[i:i+4]); err != nil {
				b.Fatal(err)
			}
			chunks++
		}
		if _, err := st.Close(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(chunks), "ns/chunk")
	b.ReportMetric(float64(cputime.Thread()-cpu0)/float64(chunks), "cpu-ns/chunk")
}

// BenchmarkCheckOutput4K is the non-streamed baseline for BenchmarkStreamPerChunk.
func BenchmarkCheckOutput4K(b *testing.B) {
	p := testPipeline(0)
	text := strings.Repeat("The weather today is fine; write to [EMAIL_1] soon. ", 80)[:4096]
	b.ReportAllocs()
	for b.Loop() {
		s := beginWithVault(p)
		if _, err := s.CheckOutput(context.Background(), text); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*1024), "ns/chunk")
}

// nopScanner finds the same two spans in every text: it isolates the
// pipeline's own cost (sessions, actions, pseudonyms, edits) from detection.
type nopScanner struct{}

func (nopScanner) Name() string { return "nop" }

func (nopScanner) Scan(_ context.Context, in guard.Input) ([]guard.Finding, error) {
	if len(in.Text) < 40 {
		return nil, nil
	}
	return []guard.Finding{
		{Scanner: "nop", Type: "EMAIL", Score: 1, Start: 10, End: 20},
		{Scanner: "nop", Type: "TOKEN", Score: 1, Start: 30, End: 40},
	}, nil
}

// BenchmarkPipelineOverhead1K is the pipeline without detection cost: four
// rules, two findings, one pseudonym and one redaction on a 1 KB prompt.
func BenchmarkPipelineOverhead1K(b *testing.B) {
	p := guard.NewPipeline(
		guard.Rule{Scanner: nopScanner{}, Input: true, Default: guard.ActionRedact, Pseudonymize: true},
		guard.Rule{Scanner: nopScanner{}, Input: true, Default: guard.ActionFlag},
		guard.Rule{Scanner: nopScanner{}, Input: true, Default: guard.ActionFlag, Sources: []guard.Source{guard.SourceTool}},
		guard.Rule{Scanner: nopScanner{}, Output: true, Default: guard.ActionBlock},
	)
	segs := []guard.Segment{{Source: guard.SourceUser, Text: prompt1K}}
	b.ReportAllocs()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu0 := cputime.Thread()
	for b.Loop() {
		if _, err := p.Begin(guard.Request{}).CheckInput(context.Background(), segs); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cputime.Thread()-cpu0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkStreamOverheadPerChunk is the stream machinery alone (window,
// rescans, commits, emission) with a scanner that costs nothing, 4-byte
// deltas of a 4 KB output.
func BenchmarkStreamOverheadPerChunk(b *testing.B) {
	p := guard.NewPipeline(guard.Rule{Scanner: nopScanner{}, Output: true, Default: guard.ActionFlag})
	text := strings.Repeat("The weather today is fine; write to [EMAIL_1] soon. ", 80)[:4096]
	b.ReportAllocs()
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	cpu0 := cputime.Thread()
	chunks := 0
	for b.Loop() {
		st := p.Begin(guard.Request{}).NewStream()
		for i := 0; i < len(text); i += 4 {
			if _, err := st.Write(context.Background(), text[i:i+4]); err != nil {
				b.Fatal(err)
			}
			chunks++
		}
		if _, err := st.Close(context.Background()); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(chunks), "ns/chunk")
	b.ReportMetric(float64(cputime.Thread()-cpu0)/float64(chunks), "cpu-ns/chunk")
}
