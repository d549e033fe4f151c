package injection

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/guard"
)

// BenchmarkDetectSharedDocs scans 1 MB of real prose: the shared
// security-documentation paragraphs (or tldr pages, multilingual chat),
// joined with blank lines, as one document. Needs BULWARK_SHARED_DATA.
func BenchmarkDetectSharedDocs(b *testing.B) {
	dir := os.Getenv("BULWARK_SHARED_DATA")
	if dir == "" {
		b.Skip("set BULWARK_SHARED_DATA to run")
	}
	for _, src := range []string{"security_docs_paragraphs_benign", "tldr_pages_command_docs_benign", "benign_chat_benchmarks_multilingual"} {
		b.Run(strings.Split(src, "_")[0], func(b *testing.B) {
			d := newDetector(b)
			var sb strings.Builder
			for _, t := range jsonlTexts(b, filepath.Join(dir, "injection", src+".jsonl")) {
				if sb.Len() >= 1<<20 {
					break
				}
				sb.WriteString(t)
				sb.WriteString("\n\n")
			}
			text := sb.String()
			b.SetBytes(int64(len(text)))
			b.ReportAllocs()
			for b.Loop() {
				sink = d.detectHeads(text, headsFor(guard.SourceTool))
			}
		})
	}
}
