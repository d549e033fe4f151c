package config

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
)

// Guardrails configures the guard pipeline: which scanners run, on which
// stages and sources, the action per finding type, pseudonymization,
// fail-open, and the streaming hold-back window. A scanner whose section is
// absent or has enabled: false does not run; the demo and `bulwark check`
// without --config use DemoGuardrails.
type Guardrails struct {
	// HoldBackBytes is the least hold-back window of streamed outputs and
	// the reach assumed for scanners that do not declare one (default 256).
	HoldBackBytes int `yaml:"hold_back_bytes"`

	Injection InjectionRule `yaml:"injection"`
	PII       PIIRule       `yaml:"pii"`
	Secrets   SecretsRule   `yaml:"secrets"`
	Canary    CanaryRule    `yaml:"canary"`
	Exfil     ExfilRule     `yaml:"exfil"`
	Schema    ScannerRule   `yaml:"schema"`
	Banned    BannedRule    `yaml:"banned"`
}

// ScannerRule is the policy every scanner section shares.
//
// Action names: allow, flag (allow and record), redact (typed placeholder
// such as [EMAIL]), block, pseudonymize (redact reversibly on inputs: the
// model sees [EMAIL_1], the client gets the value back; a plain redact on
// outputs) and neutralize (a redact that uses the scanner's replacement,
// e.g. an inert URL for exfiltration links).
type ScannerRule struct {
	Enabled bool `yaml:"enabled"`
	// Input and Output choose the stages the scanner runs on.
	Input  bool `yaml:"input"`
	Output bool `yaml:"output"`
	// Sources limits input scanning to these sources (user, system,
	// assistant, tool, document); empty means all.
	Sources []string `yaml:"sources"`
	// Action is the default action for the scanner's finding types.
	Action string `yaml:"action"`
	// Actions sets the action per finding type (e.g. EMAIL: redact).
	Actions map[string]string `yaml:"actions"`
	// OutputAction and OutputActions override Action and Actions on outputs.
	OutputAction  string            `yaml:"output_action"`
	OutputActions map[string]string `yaml:"output_actions"`
	// Pseudonymize makes every input redaction of this scanner reversible
	// (same as action: pseudonymize).
	Pseudonymize bool `yaml:"pseudonymize"`
	// FailOpen lets requests through (with a SCANNER_ERROR flag) when the
	// scanner fails. The default is to refuse them (fail closed).
	FailOpen bool `yaml:"fail_open"`
}

// InjectionRule configures the prompt-injection / jailbreak / harmful
// detector (finding types INJECTION, JAILBREAK, HARMFUL).
type InjectionRule struct {
	ScannerRule `yaml:",inline"`
	// Thresholds on each head's probability; 0 keeps the model's own,
	// above 1 turns the head off.
	Thresholds InjectionThresholds `yaml:"thresholds"`
}

// InjectionThresholds are per-head score thresholds.
type InjectionThresholds struct {
	Injection float64 `yaml:"injection"`
	Jailbreak float64 `yaml:"jailbreak"`
	Harmful   float64 `yaml:"harmful"`
}

// PIIRule configures the PII detector.
type PIIRule struct {
	ScannerRule `yaml:",inline"`
	// Types limits detection to these finding types (empty: all).
	Types []string `yaml:"types"`
	// DefaultRegion is the ISO 3166-1 alpha-2 region for phone numbers
	// written without a country code (default US).
	DefaultRegion string `yaml:"default_region"`
}

// SecretsRule configures the secrets detector.
type SecretsRule struct {
	ScannerRule `yaml:",inline"`
	// DisabledRules are gitleaks or bulwark rule ids to skip.
	DisabledRules []string `yaml:"disabled_rules"`
}

// CanaryRule configures system-prompt leak detection (CANARY_LEAK,
// SYSTEM_PROMPT_LEAK).
type CanaryRule struct {
	ScannerRule `yaml:",inline"`
	// Text is appended to the system prompt; "{token}" becomes the
	// per-request canary. Empty uses the built-in text; "off" adds no
	// canary (the verbatim-overlap check still runs).
	Text string `yaml:"text"`
	// OverlapWords is how many consecutive system-prompt words in an
	// output count as a leak (default 12; negative turns the check off).
	OverlapWords int `yaml:"overlap_words"`
}

// ExfilRule configures link exfiltration detection (EXFIL_IMAGE,
// EXFIL_QUERY, UNTRUSTED_LINK).
type ExfilRule struct {
	ScannerRule `yaml:",inline"`
	// AllowDomains are trusted domains (subdomains included).
	AllowDomains []string `yaml:"allow_domains"`
	// Marker replaces neutralized URLs (default bulwark:blocked-url).
	Marker string `yaml:"marker"`
}

// BannedRule configures banned content (BANNED_SUBSTRING, BANNED_PATTERN,
// COMPETITOR), all matched case-insensitively.
type BannedRule struct {
	ScannerRule `yaml:",inline"`
	Substrings  []string `yaml:"substrings"`
	Patterns    []string `yaml:"patterns"`
	Competitors []string `yaml:"competitors"`
}

// actionNames are the action names a rule accepts (read-only).
var actionNames = []string{"allow", "flag", "redact", "block", "pseudonymize", "neutralize"}

// sourceNames are the input sources a rule may list (read-only).
var sourceNames = []string{"user", "system", "assistant", "tool", "document"}

// maxHoldBack bounds the hold-back window: beyond it a stream is no longer
// a stream.
const maxHoldBack = 1 << 20

// Validate reports every problem in the section, joined.
func (g *Guardrails) Validate() error {
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(format, a...)) }
	if g.HoldBackBytes < 0 || g.HoldBackBytes > maxHoldBack {
		add("hold_back_bytes: must be between 0 and %d", maxHoldBack)
	}
	for _, r := range []struct {
		name string
		rule *ScannerRule
	}{
		{"injection", &g.Injection.ScannerRule}, {"pii", &g.PII.ScannerRule}, {"secrets", &g.Secrets.ScannerRule},
		{"canary", &g.Canary.ScannerRule}, {"exfil", &g.Exfil.ScannerRule}, {"schema", &g.Schema},
		{"banned", &g.Banned.ScannerRule},
	} {
		errs = append(errs, r.rule.validate(r.name)...)
	}
	if g.Canary.Enabled && g.Canary.Text != "" && g.Canary.Text != "off" && !strings.Contains(g.Canary.Text, "{token}") {
		add("canary.text: must contain {token}")
	}
	for i, d := range g.Exfil.AllowDomains {
		if d = strings.TrimSpace(d); d == "" || strings.ContainsAny(d, "/:@ ") {
			add("exfil.allow_domains[%d]: %q is not a domain name", i, g.Exfil.AllowDomains[i])
		}
	}
	if strings.ContainsAny(g.Exfil.Marker, " \t\n()[]<>") {
		add("exfil.marker: must not contain spaces, brackets or parentheses")
	}
	for i, p := range g.Banned.Patterns {
		if _, err := regexp.Compile(p); err != nil {
			add("banned.patterns[%d]: %v", i, err)
		}
	}
	if g.Banned.Enabled && len(g.Banned.Substrings)+len(g.Banned.Patterns)+len(g.Banned.Competitors) == 0 {
		add("banned: enabled with nothing to ban (set substrings, patterns or competitors)")
	}
	for _, t := range []struct {
		name string
		v    float64
	}{{"injection", g.Injection.Thresholds.Injection}, {"jailbreak", g.Injection.Thresholds.Jailbreak}, {"harmful", g.Injection.Thresholds.Harmful}} {
		if t.v < 0 {
			add("injection.thresholds.%s: must not be negative", t.name)
		}
	}
	return errors.Join(errs...)
}

func (r *ScannerRule) validate(name string) []error {
	if !r.Enabled {
		return nil
	}
	var errs []error
	add := func(format string, a ...any) { errs = append(errs, fmt.Errorf(name+"."+format, a...)) }
	if !r.Input && !r.Output {
		add("enabled: set input, output or both")
	}
	for i, s := range r.Sources {
		if !contains(sourceNames, s) {
			add("sources[%d]: %q is not one of %s", i, s, strings.Join(sourceNames, ", "))
		}
	}
	check := func(key, a string) {
		if a != "" && !contains(actionNames, a) {
			add("%s: unknown action %q (want %s)", key, a, strings.Join(actionNames, ", "))
		}
	}
	check("action", r.Action)
	check("output_action", r.OutputAction)
	for t, a := range r.Actions {
		check("actions."+t, a)
	}
	for t, a := range r.OutputActions {
		check("output_actions."+t, a)
	}
	return errs
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// DemoGuardrails returns the guardrails of `bulwark serve --demo` and of
// `bulwark check` without --config: injection and jailbreak block (harmful
// requests are flagged), secrets are redacted both ways, PII is
// pseudonymized on the way up (and flagged on the way down), exfiltration
// links are neutralized, canary and verbatim system-prompt leaks block,
// schema violations are flagged.
func DemoGuardrails() Guardrails {
	return Guardrails{
		HoldBackBytes: 256,
		Injection: InjectionRule{ScannerRule: ScannerRule{
			Enabled: true, Input: true,
			Sources: []string{"user", "tool", "document"},
			Action:  "block",
			Actions: map[string]string{"HARMFUL": "flag"},
		}},
		// All sources: earlier assistant turns carry values the client got
		// back restored, and system prompts often carry customer data.
		PII: PIIRule{ScannerRule: ScannerRule{
			Enabled: true, Input: true, Output: true,
			Action:       "pseudonymize",
			OutputAction: "flag",
		}},
		Secrets: SecretsRule{ScannerRule: ScannerRule{
			Enabled: true, Input: true, Output: true,
			Action: "redact",
		}},
		Canary: CanaryRule{ScannerRule: ScannerRule{
			Enabled: true, Output: true,
			Action: "block",
		}},
		Exfil: ExfilRule{ScannerRule: ScannerRule{
			Enabled: true, Output: true,
			Action:  "neutralize",
			Actions: map[string]string{"UNTRUSTED_LINK": "flag"},
		}},
		Schema: ScannerRule{Enabled: true, Output: true, Action: "flag"},
	}
}
