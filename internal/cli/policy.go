package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"

	"github.com/bulwark-ai/bulwark/internal/policy"
)

// runPolicy implements `bulwark policy test [--json] [-v] DIR`: it runs the
// Rego unit tests in DIR. Exit 0 all pass, 1 a test failed, 2 the tests could
// not run (parse or compile error, missing directory, no tests).
func runPolicy(ctx context.Context, env Env, args []string) int {
	if len(args) == 0 || args[0] != "test" {
		fmt.Fprintln(env.Stderr, "usage: bulwark policy test [--json] [-v] DIR")
		return ExitError
	}
	fs := flag.NewFlagSet("policy test", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	asJSON := fs.Bool("json", false, "print results as one JSON object")
	verbose := fs.Bool("v", false, "print every test, not only failures")
	if err := fs.Parse(args[1:]); err != nil {
		return ExitError
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(env.Stderr, "usage: bulwark policy test [--json] [-v] DIR")
		return ExitError
	}
	results, err := policy.RunTests(ctx, fs.Arg(0))
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark policy test: %v\n", err)
		return ExitError
	}
	if len(results) == 0 {
		fmt.Fprintf(env.Stderr, "bulwark policy test: no tests found in %s\n", fs.Arg(0))
		return ExitError
	}
	pass, fail, errs := 0, 0, 0
	for _, r := range results {
		switch {
		case r.Error != "":
			errs++
		case r.Pass:
			pass++
		default:
			fail++
		}
	}
	if *asJSON {
		out := struct {
			Pass    int                 `json:"pass"`
			Fail    int                 `json:"fail"`
			Error   int                 `json:"error"`
			Results []policy.TestResult `json:"results"`
		}{pass, fail, errs, results}
		enc := json.NewEncoder(env.Stdout)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return ExitError
		}
	} else {
		for _, r := range results {
			status := "PASS"
			switch {
			case r.Error != "":
				status = "ERROR"
			case !r.Pass:
				status = "FAIL"
			}
			if status == "PASS" && !*verbose {
				continue
			}
			fmt.Fprintf(env.Stdout, "%-5s %s.%s (%s)", status, r.Package, r.Name, r.File)
			if r.Error != "" {
				fmt.Fprintf(env.Stdout, ": %s", r.Error)
			}
			fmt.Fprintln(env.Stdout)
		}
		fmt.Fprintf(env.Stdout, "PASS: %d/%d", pass, len(results))
		if fail > 0 {
			fmt.Fprintf(env.Stdout, ", FAIL: %d", fail)
		}
		if errs > 0 {
			fmt.Fprintf(env.Stdout, ", ERROR: %d", errs)
		}
		fmt.Fprintln(env.Stdout)
	}
	switch {
	case errs > 0:
		return ExitError
	case fail > 0:
		return ExitNegative
	}
	return ExitOK
}
