package config

import (
	"bytes"
	"strings"
	"testing"

	"gopkg.in/yaml.v3"
)

func TestDemoGuardrailsValid(t *testing.T) {
	g := DemoGuardrails()
	if err := g.Validate(); err != nil {
		t.Errorf("DemoGuardrails().Validate() = %v; want nil", err)
	}
}

func TestGuardrailsValidate(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string // substring of the error; "" for valid
	}{
		{"empty", ``, ""},
		{"full", `
hold_back_bytes: 512
pii: {enabled: true, input: true, output: true, action: pseudonymize, output_action: redact, actions: {IBAN: block}, sources: [user, tool]}
exfil: {enabled: true, output: true, action: neutralize, allow_domains: [example.com], marker: "x:y"}
banned: {enabled: true, output: true, action: block, competitors: [Acme], patterns: ["foo\\d+"]}
canary: {enabled: true, output: true, action: block, text: "ref {token}", overlap_words: 8}
injection: {enabled: true, input: true, action: block, fail_open: true, thresholds: {harmful: 2}}`, ""},
		{"bad action", `pii: {enabled: true, input: true, action: shred}`, `pii.action: unknown action "shred"`},
		{"bad type action", `secrets: {enabled: true, input: true, actions: {AWS: nuke}}`, `secrets.actions.AWS: unknown action "nuke"`},
		{"no stage", `schema: {enabled: true}`, "schema.enabled: set input, output or both"},
		{"bad source", `injection: {enabled: true, input: true, sources: [email]}`, `injection.sources[0]: "email"`},
		{"bad window", `hold_back_bytes: -1`, "hold_back_bytes"},
		{"bad pattern", `banned: {enabled: true, output: true, patterns: ["("]}`, "banned.patterns[0]"},
		{"empty banned", `banned: {enabled: true, output: true}`, "nothing to ban"},
		{"canary text", `canary: {enabled: true, output: true, text: "no token here"}`, "canary.text"},
		{"bad domain", `exfil: {enabled: true, output: true, allow_domains: ["https://x.com"]}`, "exfil.allow_domains[0]"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var g Guardrails
			dec := yaml.NewDecoder(bytes.NewReader([]byte(tt.yaml)))
			dec.KnownFields(true)
			if err := dec.Decode(&g); err != nil && tt.yaml != "" {
				t.Fatalf("decode: %v", err)
			}
			err := g.Validate()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("Validate() = %v; want nil", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("Validate() = %v; want error containing %q", err, tt.want)
			}
		})
	}
}

func TestGuardrailsUnknownKey(t *testing.T) {
	var g Guardrails
	dec := yaml.NewDecoder(strings.NewReader("pii: {enabled: true, pseudonymise: true}"))
	dec.KnownFields(true)
	if err := dec.Decode(&g); err == nil {
		t.Errorf("decode of a misspelled key = nil error; want an error")
	}
}
