package cli

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/guardrails"
)

// maxCheckInput bounds what `bulwark check` reads from stdin, like the
// gateway's default request body limit.
const maxCheckInput = 16 << 20

// checkResult is the --json output of `bulwark check`.
type checkResult struct {
	Action   string         `json:"action"`
	Findings []checkFinding `json:"findings"`
	Redacted string         `json:"redacted"`
}

type checkFinding struct {
	Scanner string  `json:"scanner"`
	Type    string  `json:"type"`
	Score   float64 `json:"score"`
	Start   int     `json:"start"`
	End     int     `json:"end"`
}

// runCheck implements `bulwark check [--config FILE] [--json] [--output]
// [--text T]`: it scans one text with the configured input (or output)
// scanners and prints the verdict. Exit 0 allow/flag/redact, 1 block,
// 2 error (including a fail-closed scanner error).
func runCheck(ctx context.Context, env Env, args []string) int {
	fs := flag.NewFlagSet("check", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	cfgPath := fs.String("config", "", "config file (default: the built-in demo guardrails)")
	asJSON := fs.Bool("json", false, "print one JSON object")
	output := fs.Bool("output", false, "scan as a model output instead of a user input")
	text := fs.String("text", "", "text to scan (default: read stdin)")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, "usage: bulwark check [--config FILE] [--json] [--output] [--text T] < text")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitError
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "bulwark check: unexpected argument %q (pass text with --text or stdin)\n", fs.Arg(0))
		return ExitError
	}
	textSet := false
	fs.Visit(func(f *flag.Flag) { textSet = textSet || f.Name == "text" })

	g := config.DemoGuardrails()
	if *cfgPath != "" {
		cfg, err := config.Load(*cfgPath)
		if err != nil {
			fmt.Fprintf(env.Stderr, "bulwark check: %v\n", err)
			return ExitError
		}
		g = cfg.Guardrails
	}
	p, err := guardrails.Build(g)
	if err != nil {
		fmt.Fprintf(env.Stderr, "bulwark check: %v\n", err)
		return ExitError
	}
	in := *text
	if !textSet {
		b, err := io.ReadAll(io.LimitReader(env.Stdin, maxCheckInput+1))
		if err != nil {
			fmt.Fprintf(env.Stderr, "bulwark check: read stdin: %v\n", err)
			return ExitError
		}
		if len(b) > maxCheckInput {
			fmt.Fprintf(env.Stderr, "bulwark check: input is larger than %d bytes\n", maxCheckInput)
			return ExitError
		}
		in = string(b)
	}

	res, err := check(ctx, p, in, *output)
	var be *guard.BlockedError
	if err != nil && !errors.As(err, &be) {
		// A fail-closed scanner error: the message names the scanner only.
		fmt.Fprintf(env.Stderr, "bulwark check: %v\n", err)
		return ExitError
	}
	if *asJSON {
		enc := json.NewEncoder(env.Stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(res); err != nil {
			fmt.Fprintf(env.Stderr, "bulwark check: %v\n", err)
			return ExitError
		}
	} else {
		printCheck(env.Stdout, res)
	}
	if res.Action == guard.ActionBlock.String() {
		return ExitNegative
	}
	return ExitOK
}

// check scans text as one user input or as one complete output.
func check(ctx context.Context, p *guard.Pipeline, text string, output bool) (checkResult, error) {
	s := p.Begin(guard.Request{})
	var redacted string
	var err error
	if output {
		redacted, err = s.CheckOutput(ctx, text)
	} else {
		var res guard.InputResult
		res, err = s.CheckInput(ctx, []guard.Segment{{Source: guard.SourceUser, Text: text}})
		if len(res.Texts) == 1 {
			redacted = res.Texts[0]
		}
	}
	v := s.Verdict()
	out := checkResult{Action: v.Action.String(), Findings: []checkFinding{}, Redacted: redacted}
	for _, f := range v.Findings {
		out.Findings = append(out.Findings, checkFinding{Scanner: f.Scanner, Type: f.Type, Score: f.Score, Start: f.Start, End: f.End})
	}
	if v.Action == guard.ActionBlock {
		// Nothing would be forwarded; show no text.
		out.Redacted = ""
	}
	return out, err
}

func printCheck(w io.Writer, r checkResult) {
	fmt.Fprintln(w, r.Action)
	for _, f := range r.Findings {
		fmt.Fprintf(w, "  %-10s %-22s score=%.2f bytes=%d-%d\n", f.Scanner, f.Type, f.Score, f.Start, f.End)
	}
	if r.Action == "redact" {
		fmt.Fprintf(w, "redacted: %s\n", strings.TrimRight(r.Redacted, "\n"))
	}
}
