package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"

	"github.com/bulwark-ai/bulwark/internal/aibom"
	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/bulwark-ai/bulwark/internal/modelscan/formats"
)

// runBOM implements `bulwark bom [--out FILE] [--no-scan] PATH...`: writes a
// CycloneDX 1.6 JSON AI-BOM with one machine-learning-model component per
// model and the scanner's verdict on each.
func runBOM(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("bom", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	out := fs.String("out", "", "write the BOM to FILE instead of stdout")
	noScan := fs.Bool("no-scan", false, "do not run the artifact scanner (records \"not scanned\")")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "usage: bulwark bom [--out FILE] [--no-scan] PATH...")
		fs.PrintDefaults()
	}
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitError
	}
	if len(paths) == 0 {
		fs.Usage()
		return ExitError
	}
	opts := aibom.Options{ToolVersion: Version}
	if !*noScan {
		opts.Scanner = formats.NewScanner(modelscan.Limits{})
	}
	bom, err := aibom.Build(ctx, paths, opts)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark bom: %v\n", err)
		return ExitError
	}
	var w io.Writer = env.Stdout
	var f *os.File
	if *out != "" {
		f, err = os.Create(*out)
		if err != nil {
			fmt.Fprintf(env.Stderr, "bulwark bom: %v\n", err)
			return ExitError
		}
		w = f
	}
	err = aibom.Write(w, bom)
	if f != nil {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark bom: %v\n", err)
		return ExitError
	}
	return ExitOK
}
