package guardrails

import (
	"runtime"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/config"
)

// TestDemoPipelineHeap logs the live heap that the demo guardrail pipeline
// keeps (lexicons, rule sets, the injection model): it is part of every
// gateway's RSS, once per loaded config.
func TestDemoPipelineHeap(t *testing.T) {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	p, err := Build(config.DemoGuardrails())
	if err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	runtime.KeepAlive(p)
	t.Logf("demo guardrail pipeline: %.1f MB live heap", float64(int64(after.HeapAlloc)-int64(before.HeapAlloc))/(1<<20))
}
