// Command gen writes the model-scanner test corpus:
//
//	go run ./internal/modelscan/internal/corpus/gen [-dir internal/modelscan/testdata/corpus]
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/bulwark-ai/bulwark/internal/modelscan/internal/corpus"
)

func main() {
	dir := flag.String("dir", "internal/modelscan/testdata/corpus", "output directory")
	flag.Parse()
	for _, c := range corpus.Cases() {
		p := filepath.Join(*dir, filepath.FromSlash(c.File))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
		if err := os.WriteFile(p, c.Data, 0o644); err != nil {
			fmt.Fprintln(os.Stderr, "gen:", err)
			os.Exit(1)
		}
	}
	fmt.Printf("wrote %d files under %s\n", len(corpus.Cases()), *dir)
}
