// Package guardrails builds the guard pipeline from configuration with the
// built-in scanners. It is the only package that knows every scanner.
package guardrails

import (
	"fmt"

	"github.com/bulwark-ai/bulwark/internal/config"
	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/scanner/banned"
	"github.com/bulwark-ai/bulwark/internal/scanner/canary"
	"github.com/bulwark-ai/bulwark/internal/scanner/exfil"
	"github.com/bulwark-ai/bulwark/internal/scanner/injection"
	"github.com/bulwark-ai/bulwark/internal/scanner/pii"
	"github.com/bulwark-ai/bulwark/internal/scanner/schema"
	"github.com/bulwark-ai/bulwark/internal/scanner/secrets"
)

// Build returns the pipeline the config describes. Scanners run in a fixed
// order: input-side detectors first (injection, secrets, pii), then the
// output-side ones (canary, exfil, banned, schema). cfg should have passed
// Validate; Build reports the first problem it meets otherwise.
func Build(cfg config.Guardrails) (*guard.Pipeline, error) {
	b := builder{opts: guard.Options{Window: cfg.HoldBackBytes}}
	if r := cfg.Injection; r.Enabled {
		d, err := injection.New(injection.Options{
			Injection: r.Thresholds.Injection, Jailbreak: r.Thresholds.Jailbreak, Harmful: r.Thresholds.Harmful,
		})
		if err != nil {
			return nil, fmt.Errorf("guardrails: injection: %w", err)
		}
		b.add("injection", r.ScannerRule, d, "block")
	}
	if r := cfg.Secrets; r.Enabled {
		d, err := secrets.New(secrets.Options{DisabledRules: r.DisabledRules})
		if err != nil {
			return nil, fmt.Errorf("guardrails: secrets: %w", err)
		}
		b.add("secrets", r.ScannerRule, d, "redact")
	}
	if r := cfg.PII; r.Enabled {
		d, err := pii.New(pii.Options{Types: r.Types, DefaultRegion: r.DefaultRegion})
		if err != nil {
			return nil, fmt.Errorf("guardrails: pii: %w", err)
		}
		b.add("pii", r.ScannerRule, d, "redact")
	}
	if r := cfg.Canary; r.Enabled {
		switch r.Text {
		case "":
			b.opts.CanaryText = canary.DefaultText
		case "off":
		default:
			b.opts.CanaryText = r.Text
		}
		b.add("canary", r.ScannerRule, canary.New(canary.Config{OverlapWords: r.OverlapWords}), "block")
	}
	if r := cfg.Exfil; r.Enabled {
		b.add("exfil", r.ScannerRule, exfil.New(exfil.Config{AllowDomains: r.AllowDomains, Marker: r.Marker}), "neutralize")
	}
	if r := cfg.Banned; r.Enabled {
		s, err := banned.New(banned.Config{Substrings: r.Substrings, Patterns: r.Patterns, Competitors: r.Competitors})
		if err != nil {
			return nil, fmt.Errorf("guardrails: banned: %w", err)
		}
		b.add("banned", r.ScannerRule, s, "block")
	}
	if r := cfg.Schema; r.Enabled {
		b.add("schema", r, schema.New(), "flag")
	}
	if b.err != nil {
		return nil, b.err
	}
	return guard.NewPipelineWith(b.opts, b.rules...), nil
}

type builder struct {
	opts  guard.Options
	rules []guard.Rule
	err   error
}

// add turns one scanner section into one guard rule, or two when outputs
// have actions of their own.
func (b *builder) add(name string, r config.ScannerRule, sc guard.Scanner, defaultAction string) {
	if b.err != nil {
		return
	}
	if r.Action == "" {
		r.Action = defaultAction
	}
	in, err := rule(r.Action, r.Actions)
	if err != nil {
		b.err = fmt.Errorf("guardrails: %s: %w", name, err)
		return
	}
	in.Scanner, in.FailOpen = sc, r.FailOpen
	in.Pseudonymize = in.Pseudonymize || r.Pseudonymize
	for _, s := range r.Sources {
		in.Sources = append(in.Sources, guard.Source(s))
	}
	if r.OutputAction == "" && len(r.OutputActions) == 0 {
		in.Input, in.Output = r.Input, r.Output
		b.rules = append(b.rules, in)
		return
	}
	if r.Input {
		in.Input = true
		b.rules = append(b.rules, in)
	}
	if !r.Output {
		return
	}
	outAction := r.OutputAction
	if outAction == "" {
		outAction = r.Action
	}
	actions := make(map[string]string, len(r.Actions)+len(r.OutputActions))
	for t, a := range r.Actions {
		actions[t] = a
	}
	for t, a := range r.OutputActions {
		actions[t] = a
	}
	out, err := rule(outAction, actions)
	if err != nil {
		b.err = fmt.Errorf("guardrails: %s: output: %w", name, err)
		return
	}
	out.Scanner, out.FailOpen, out.Output = sc, r.FailOpen, true
	out.Pseudonymize = false // outputs have nothing to give back
	b.rules = append(b.rules, out)
}

// rule parses a default action and per-type actions.
func rule(def string, perType map[string]string) (guard.Rule, error) {
	var r guard.Rule
	a, pseudo, err := parseAction(def)
	if err != nil {
		return r, err
	}
	r.Default, r.Pseudonymize = a, pseudo
	if len(perType) > 0 {
		r.Actions = make(map[string]guard.Action, len(perType))
	}
	for t, name := range perType {
		a, p, err := parseAction(name)
		if err != nil {
			return r, fmt.Errorf("%s: %w", t, err)
		}
		r.Actions[t] = a
		// Pseudonymization is per rule: one reversible type makes the
		// rule's redactions reversible.
		r.Pseudonymize = r.Pseudonymize || p
	}
	return r, nil
}

// parseAction maps a config action name to a guard action: "pseudonymize"
// is a reversible redact, "neutralize" a redact with the scanner's own
// replacement.
func parseAction(name string) (guard.Action, bool, error) {
	switch name {
	case "pseudonymize":
		return guard.ActionRedact, true, nil
	case "neutralize":
		return guard.ActionRedact, false, nil
	}
	a, err := guard.ParseAction(name)
	return a, false, err
}
