// Command bulwark-train trains Bulwark's detectors from ../shared/data and
// reproduces the numbers in their detector cards.
//
//	go run ./cmd/bulwark-train injection --data ../shared/data --out internal/scanner/injection/model.bin
//	go run ./cmd/bulwark-train eval-all [--data ../shared/data]
//	go run ./cmd/bulwark-train obfuscation [--data ../shared/data]
//
// Training is deterministic (fixed seed, fixed data order).
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/bulwark-ai/bulwark/internal/scanner/injection"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, "usage: bulwark-train injection|eval-all|check-sets|rules|obfuscation [flags]")
		return 2
	}
	switch args[0] {
	case "injection":
		return runInjection(ctx, args[1:], stdout, stderr)
	case "eval-all":
		return runEvalAll(ctx, args[1:], stdout, stderr)
	case "check-sets":
		return runCheckSets(args[1:], stdout, stderr)
	case "rules":
		return runRules(args[1:], stdout, stderr)
	case "obfuscation":
		return runObfuscation(args[1:], stdout, stderr)
	}
	fmt.Fprintf(stderr, "bulwark-train: unknown command %q\n", args[0])
	return 2
}

func runInjection(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("injection", flag.ContinueOnError)
	fs.SetOutput(stderr)
	data := fs.String("data", "../shared/data", "shared data directory")
	out := fs.String("out", "internal/scanner/injection/model.bin", "model file to write")
	folds := fs.Bool("folds", true, "train the two source-split folds first and print their dev metrics")
	hpFlag := fs.String("hp", "", "training hyper-parameter overrides k=v,... (experiments; the shipped model uses the defaults)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if err := setHP(*hpFlag); err != nil {
		fmt.Fprintln(stderr, "bulwark-train:", err)
		return 2
	}
	rows, err := loadInjection(*data)
	if err != nil {
		fmt.Fprintln(stderr, "bulwark-train:", err)
		return 2
	}
	if *folds {
		for _, f := range foldsList {
			if err := ctx.Err(); err != nil {
				return 2
			}
			m := train(rows, f.inTrain, stderr)
			printDev(stdout, f, m, rows)
		}
		fmt.Fprintln(stdout)
		printPooledSweeps(stdout, pooled)
	}
	m := train(rows, func(string, int) bool { return true }, stderr)
	b, _ := m.MarshalBinary()
	if err := os.WriteFile(*out, b, 0o644); err != nil {
		fmt.Fprintln(stderr, "bulwark-train:", err)
		return 2
	}
	fmt.Fprintf(stdout, "wrote %s (%d bytes)\n", *out, len(b))
	if d, err := injection.NewWithModel(m, injection.Options{}); err == nil {
		printIndependent(stdout, "shipped model", d)
	}
	return 0
}

// runCheckSets prints the counts of the independent check sets and the
// multilingual sets for a model file (default: the embedded model), so an
// experiment's model can be compared without retraining.
func runCheckSets(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("check-sets", flag.ContinueOnError)
	fs.SetOutput(stderr)
	model := fs.String("model", "", "model file (default: the embedded model)")
	thr := fs.Float64("threshold", 0, "injection and jailbreak threshold (default: the model's)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	opts := injection.Options{Injection: *thr, Jailbreak: *thr}
	if *model != "" {
		b, err := os.ReadFile(*model)
		if err != nil {
			fmt.Fprintln(stderr, "bulwark-train:", err)
			return 2
		}
		opts.Model = b
	}
	d, err := injection.New(opts)
	if err != nil {
		fmt.Fprintln(stderr, "bulwark-train:", err)
		return 2
	}
	printIndependent(stdout, "model", d)
	return 0
}
