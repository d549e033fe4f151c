package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/bulwark-ai/bulwark/internal/modelscan/formats"
	"github.com/bulwark-ai/bulwark/internal/modelscan/lock"
	"github.com/bulwark-ai/bulwark/internal/modelscan/sarif"
)

// scanDefaultFailOn is the default --fail-on threshold: medium findings
// ("unknown global" in a scikit-learn pickle) are shown but do not fail CI.
const scanDefaultFailOn = "high"

// runScan implements `bulwark scan`: exit 0 when nothing is at or above
// --fail-on, 1 when something is, 2 when a file could not be scanned.
func runScan(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	format := fs.String("format", "text", "output format: text, json or sarif")
	failOn := fs.String("fail-on", scanDefaultFailOn, "exit 1 when a finding is at or above: low, medium, high or critical")
	writeLock := fs.String("write-lock", "", "also write a lock file pinning every file's SHA-256 (see 'bulwark verify')")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "usage: bulwark scan [--format text|json|sarif] [--fail-on SEVERITY] [--write-lock FILE] PATH...")
		fs.PrintDefaults()
	}
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		if err == flag.ErrHelp {
			return ExitOK
		}
		return ExitError
	}
	if len(paths) == 0 {
		fs.Usage()
		return ExitError
	}
	threshold, err := modelscan.ParseSeverity(*failOn)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark scan: --fail-on: %v\n", err)
		return ExitError
	}
	switch *format {
	case "text", "json", "sarif":
	default:
		fmt.Fprintf(env.Stderr, "bulwark scan: --format %q: want text, json or sarif\n", *format)
		return ExitError
	}

	res, err := formats.NewScanner(modelscan.Limits{}).Scan(ctx, paths...)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark scan: %v\n", err)
		return ExitError
	}
	if err := writeScanOutput(env.Stdout, *format, res); err != nil {
		fmt.Fprintf(env.Stderr, "bulwark scan: write output: %v\n", err)
		return ExitError
	}
	for _, e := range res.Errors {
		fmt.Fprintf(env.Stderr, "bulwark scan: %s: could not scan: %s\n", joinMember(e.File, e.Member), e.Error)
	}
	if *writeLock != "" {
		if err := writeLockFile(ctx, *writeLock, paths); err != nil {
			fmt.Fprintf(env.Stderr, "bulwark scan: --write-lock: %v\n", err)
			return ExitError
		}
	}
	return scanExitCode(res, threshold)
}

// scanExitCode is 2 when a file could not be scanned (the verdict is
// incomplete), else 1 when a finding reaches the threshold, else 0.
func scanExitCode(res *modelscan.Result, threshold modelscan.Severity) int {
	if len(res.Errors) > 0 {
		return ExitError
	}
	if worst, ok := res.Max(); ok && worst >= threshold {
		return ExitNegative
	}
	return ExitOK
}

// parseInterleaved lets flags follow paths ("scan model/ --format json").
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var rest []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		args = fs.Args()
		if len(args) == 0 {
			return rest, nil
		}
		if args[0] == "--" {
			return append(rest, args[1:]...), nil
		}
		rest = append(rest, args[0])
		args = args[1:]
	}
}

func writeScanOutput(w io.Writer, format string, res *modelscan.Result) error {
	switch format {
	case "json":
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(res)
	case "sarif":
		return sarif.Build(res.Findings, Version, sarifBase()).Write(w)
	}
	counts := map[modelscan.Severity]int{}
	for _, f := range res.Findings {
		counts[f.Severity]++
		line := fmt.Sprintf("%-8s %s: %s: %s", strings.ToUpper(f.Severity.String()), joinMember(f.File, f.Member), f.RuleID, f.Message)
		if f.Evidence != "" {
			line += " [" + f.Evidence + "]"
		}
		if _, err := fmt.Fprintln(w, line); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintf(w, "scanned %d files: %d critical, %d high, %d medium, %d low, %d info; %d could not be scanned\n",
		res.FilesScanned, counts[modelscan.SeverityCritical], counts[modelscan.SeverityHigh], counts[modelscan.SeverityMedium],
		counts[modelscan.SeverityLow], counts[modelscan.SeverityInfo], len(res.Errors))
	return err
}

// sarifBase is the directory SARIF URIs are relative to: the enclosing git
// repository's root (what GitHub code scanning expects), else the working
// directory.
func sarifBase() string {
	wd, err := os.Getwd()
	if err != nil {
		return ""
	}
	for d := wd; ; {
		if _, err := os.Stat(filepath.Join(d, ".git")); err == nil {
			return d
		}
		parent := filepath.Dir(d)
		if parent == d {
			return wd
		}
		d = parent
	}
}

func joinMember(file, member string) string {
	if member == "" {
		return file
	}
	return file + "!/" + member
}

// writeLockFile pins paths with the lock package, writing atomically.
func writeLockFile(ctx context.Context, path string, paths []string) error {
	l, err := lock.Hash(ctx, paths, path)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".bulwark-lock-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := l.Encode(tmp); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}
