// Package sarif renders model-scan findings as SARIF 2.1.0, the format
// GitHub code scanning and other CI tools ingest.
package sarif

import (
	"encoding/json"
	"io"
	"path/filepath"
	"sort"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// Version and Schema identify the SARIF dialect written.
const (
	Version = "2.1.0"
	Schema  = "https://json.schemastore.org/sarif-2.1.0.json"
)

// Log is a SARIF log with one run.
type Log struct {
	Schema  string `json:"$schema"`
	Version string `json:"version"`
	Runs    []Run  `json:"runs"`
}

// Run is one tool run.
type Run struct {
	Tool    Tool     `json:"tool"`
	Results []Result `json:"results"`
}

// Tool describes the scanner.
type Tool struct {
	Driver Driver `json:"driver"`
}

// Driver is the tool's component with its rules.
type Driver struct {
	Name           string `json:"name"`
	Version        string `json:"version,omitempty"`
	InformationURI string `json:"informationUri,omitempty"`
	Rules          []Rule `json:"rules"`
}

// Rule is a reporting descriptor.
type Rule struct {
	ID                   string         `json:"id"`
	Name                 string         `json:"name,omitempty"`
	ShortDescription     Message        `json:"shortDescription"`
	DefaultConfiguration *Configuration `json:"defaultConfiguration,omitempty"`
	Properties           map[string]any `json:"properties,omitempty"`
}

// Configuration is a rule's default level.
type Configuration struct {
	Level string `json:"level"`
}

// Message is a plain-text message.
type Message struct {
	Text string `json:"text"`
}

// Result is one finding.
type Result struct {
	RuleID     string         `json:"ruleId"`
	RuleIndex  int            `json:"ruleIndex"`
	Level      string         `json:"level"`
	Message    Message        `json:"message"`
	Locations  []Location     `json:"locations"`
	Properties map[string]any `json:"properties,omitempty"`
}

// Location points at the artifact.
type Location struct {
	PhysicalLocation PhysicalLocation `json:"physicalLocation"`
}

// PhysicalLocation is a file (and a byte offset in it when known).
type PhysicalLocation struct {
	ArtifactLocation ArtifactLocation `json:"artifactLocation"`
	Region           *Region          `json:"region,omitempty"`
}

// ArtifactLocation is a URI relative to the repository root.
type ArtifactLocation struct {
	URI string `json:"uri"`
}

// Region is a byte range.
type Region struct {
	ByteOffset int64 `json:"byteOffset"`
	ByteLength int64 `json:"byteLength"`
}

// Level maps a severity to a SARIF level.
func Level(s modelscan.Severity) string {
	switch {
	case s >= modelscan.SeverityHigh:
		return "error"
	case s == modelscan.SeverityMedium:
		return "warning"
	}
	return "note"
}

// securitySeverity is GitHub's numeric "security-severity" for a severity.
func securitySeverity(s modelscan.Severity) string {
	return [...]string{"0.0", "3.0", "5.0", "8.0", "9.5"}[min(max(int(s), 0), 4)]
}

// Build converts findings to a SARIF log. base is the directory URIs are
// made relative to (the repository root, usually the working directory).
func Build(findings []modelscan.Finding, toolVersion, base string) *Log {
	worst := map[string]modelscan.Severity{}
	desc := map[string]string{}
	for _, f := range findings {
		if s, ok := worst[f.RuleID]; !ok || f.Severity > s {
			worst[f.RuleID] = f.Severity
		}
		if _, ok := desc[f.RuleID]; !ok {
			desc[f.RuleID] = f.Message
		}
	}
	ids := make([]string, 0, len(worst))
	for id := range worst {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	index := map[string]int{}
	rules := make([]Rule, 0, len(ids))
	for i, id := range ids {
		index[id] = i
		rules = append(rules, Rule{
			ID: id, Name: ruleName(id), ShortDescription: Message{Text: ruleText(id, desc[id])},
			DefaultConfiguration: &Configuration{Level: Level(worst[id])},
			Properties: map[string]any{"security-severity": securitySeverity(worst[id]),
				"tags": []string{"security", "supply-chain", "model"}},
		})
	}
	results := make([]Result, 0, len(findings))
	for _, f := range findings {
		msg := f.Message
		if f.Evidence != "" {
			msg += " (" + f.Evidence + ")"
		}
		if f.Member != "" {
			msg += " [in " + f.Member + "]"
		}
		loc := PhysicalLocation{ArtifactLocation: ArtifactLocation{URI: relURI(base, f.File)}}
		if f.Offset > 0 && f.Member == "" {
			loc.Region = &Region{ByteOffset: f.Offset, ByteLength: 1}
		}
		results = append(results, Result{
			RuleID: f.RuleID, RuleIndex: index[f.RuleID], Level: Level(f.Severity), Message: Message{Text: msg},
			Locations: []Location{{PhysicalLocation: loc}},
			Properties: map[string]any{"severity": f.Severity.String(), "format": f.Format,
				"member": f.Member, "evidence": f.Evidence},
		})
	}
	return &Log{Schema: Schema, Version: Version, Runs: []Run{{
		Tool:    Tool{Driver: Driver{Name: "bulwark", Version: toolVersion, InformationURI: "https://github.com/bulwark-ai/bulwark", Rules: rules}},
		Results: results,
	}}}
}

// Write encodes l as indented JSON.
func (l *Log) Write(w io.Writer) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(l)
}

func ruleName(id string) string {
	var b strings.Builder
	for _, part := range strings.FieldsFunc(id, func(r rune) bool { return r == '.' || r == '_' }) {
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

func ruleText(id, fallback string) string {
	if t, ok := ruleTexts[id]; ok {
		return t
	}
	return fallback
}

var ruleTexts = map[string]string{
	"pickle.global.denied":  "Pickle imports a code execution, file, network or process sink",
	"pickle.global.unknown": "Pickle imports a global outside the allow-list of ordinary checkpoints",
	"pickle.global.dunder":  "Pickle reaches a dunder attribute through a dotted global",
	"pickle.global.dynamic": "Pickle imports a name computed at load time",
	"pickle.global.invalid": "Pickle imports a name Python cannot import",
	"pickle.malformed":      "Malformed pickle",
	"format.unparseable":    "Artifact could not be parsed",
	"format.unknown":        "Artifact of an unknown format was not inspected",
}

// relURI makes a slash-separated URI relative to base when the file is
// under it; otherwise a file URI.
func relURI(base, file string) string {
	if base != "" {
		if abs, err := filepath.Abs(file); err == nil {
			if rel, err := filepath.Rel(base, abs); err == nil && !strings.HasPrefix(rel, "..") {
				return filepath.ToSlash(rel)
			}
		}
	}
	abs, err := filepath.Abs(file)
	if err != nil {
		return filepath.ToSlash(filepath.Clean(file))
	}
	return "file://" + filepath.ToSlash(abs)
}
