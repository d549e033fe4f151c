// Package cli implements bulwark's subcommands: flag parsing, exit codes and
// output formatting only. The work itself lives in the packages they call.
//
// Exit codes follow the command-line contract in DESIGN.md: 0 success,
// 1 a negative result (blocked, findings, tampered), 2 an error.
package cli

import (
	"context"
	"fmt"
	"io"
	"sort"
)

// Env is what a subcommand may touch of the outside world. Tests build one
// with buffers; main builds one with the process's files.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Getenv reads an environment variable (os.Getenv in main).
	Getenv func(string) string
}

// Exit codes shared by every subcommand.
const (
	ExitOK       = 0
	ExitNegative = 1
	ExitError    = 2
)

// command is one subcommand. run receives the arguments after its name.
type command struct {
	summary string
	run     func(ctx context.Context, env Env, args []string) int
}

// commands returns the subcommand table. It is built per call (no package
// state); each entry's run function lives in the file named after it.
func commands() map[string]command {
	return map[string]command{
		"serve":   {"run the gateway (--demo for a zero-setup local demo)", runServe},
		"check":   {"scan one text with the configured guardrails", runCheck},
		"eval":    {"measure a detector on labeled JSONL", runEval},
		"scan":    {"scan model artifacts for code execution and tampering", runScan},
		"verify":  {"verify model files against a lock file or signature", runVerify},
		"sign":    {"sign model files (OpenSSF model-signing format)", runSign},
		"bom":     {"write a CycloneDX AI bill of materials", runBOM},
		"audit":   {"verify, prove and export the audit log", runAudit},
		"policy":  {"test Rego tool-call policies", runPolicy},
		"version": {"print the version", runVersion},
	}
}

// Version is the build's version; set with -ldflags "-X ...cli.Version=v1.2.3".
var Version = "dev"

// Main runs the subcommand named by args[0] and returns the process exit code.
func Main(ctx context.Context, args []string, env Env) int {
	cmds := commands()
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(env.Stdout, cmds)
		if len(args) == 0 {
			return ExitError
		}
		return ExitOK
	}
	cmd, ok := cmds[args[0]]
	if !ok {
		fmt.Fprintf(env.Stderr, "bulwark: unknown command %q (run 'bulwark help')\n", args[0])
		return ExitError
	}
	return cmd.run(ctx, env, args[1:])
}

func usage(w io.Writer, cmds map[string]command) {
	fmt.Fprintln(w, "usage: bulwark <command> [flags]")
	fmt.Fprintln(w)
	names := make([]string, 0, len(cmds))
	for n := range cmds {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(w, "  %-8s %s\n", n, cmds[n].summary)
	}
	fmt.Fprintln(w, "\nRun 'bulwark <command> -h' for a command's flags.")
}

func runVersion(_ context.Context, env Env, _ []string) int {
	fmt.Fprintln(env.Stdout, "bulwark", Version)
	return ExitOK
}

// notYet reports a subcommand whose implementation has not landed.
func notYet(env Env, name string) int {
	fmt.Fprintf(env.Stderr, "bulwark %s: not implemented yet\n", name)
	return ExitError
}
