package secrets

import (
	"os"
	"runtime"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/bulwark-ai/bulwark/internal/cputime"
)

// TestCPUTime reports per-call CPU time (p50/p99 over batches) of Find on
// the benchmark inputs. Run with BULWARK_CPU_TIME=1 -v.
var with1K = (prompt1K[:600] + " export AWS_ACCESS_KEY_ID=" + awsKey() + "\n" + jwtTok + "\npostgres://app:Xk9mQ2vLp@db/prod\n" + prompt1K)[:1024]

func TestCPUTime(t *testing.T) {
	if os.Getenv("BULWARK_CPU_TIME") == "" {
		t.Skip("set BULWARK_CPU_TIME=1 to measure")
	}
	d := testDetector(t)
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	for _, in := range []struct{ name, text string }{{"1K prompt", prompt1K}, {"1K with secrets", with1K}, {"64K document", strings.Repeat(prompt1K, 64)}} {
		const batch = 20
		var per []time.Duration
		for r := 0; r < 100; r++ {
			start := cputime.Thread()
			for i := 0; i < batch; i++ {
				d.Find(in.text)
			}
			per = append(per, (cputime.Thread()-start)/batch)
		}
		sort.Slice(per, func(i, j int) bool { return per[i] < per[j] })
		p50 := per[len(per)/2]
		t.Logf("%-13s cpu/op p50=%v p99(batch)=%v  %.1f MB/s", in.name, p50, per[len(per)-1], float64(len(in.text))/p50.Seconds()/1e6)
	}
}
