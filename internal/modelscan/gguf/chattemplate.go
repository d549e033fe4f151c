package gguf

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// maxTemplateFile bounds the JSON or Jinja file ChatTemplateFormat reads
// (tokenizer configs with large added-token tables reach a few MiB).
const maxTemplateFile = 64 << 20

// ChatTemplateFormat checks the chat templates of Hugging Face model
// folders (tokenizer_config.json, chat_template.json, processor_config.json
// and *.jinja files) with the same rules as GGUF's: transformers renders
// them in a Jinja sandbox on every request. Rule ids start with
// "chat_template.".
type ChatTemplateFormat struct{}

var _ modelscan.Format = ChatTemplateFormat{}

// Name implements modelscan.Format.
func (ChatTemplateFormat) Name() string { return "chat-template" }

// Match implements modelscan.Format.
func (ChatTemplateFormat) Match(name string, _ []byte) bool {
	n := strings.ToLower(path.Base(name))
	switch n {
	case "tokenizer_config.json", "chat_template.json", "processor_config.json":
		return true
	}
	return strings.HasSuffix(n, ".jinja") || strings.HasSuffix(n, ".jinja2")
}

// Scan implements modelscan.Format.
func (ChatTemplateFormat) Scan(ctx context.Context, obj modelscan.Object, s modelscan.Scope) error {
	if obj.Size > maxTemplateFile {
		// Not read, so not checked: the template in it could be anything.
		s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "chat_template.size",
			Message: "file that may hold a chat template is larger than the scanner reads (not checked)", Evidence: fmt.Sprintf("%d bytes", obj.Size)})
		return nil
	}
	b := make([]byte, obj.Size)
	if _, err := obj.R.ReadAt(b, 0); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("chat template: read: %w", err)
	}
	templates := map[string]string{}
	if n := strings.ToLower(obj.Name); strings.HasSuffix(n, ".jinja") || strings.HasSuffix(n, ".jinja2") {
		templates[obj.Name] = string(b)
	} else {
		// Maps, not structs: encoding/json matches struct fields without
		// regard to case (a later "CHAT_TEMPLATE" would replace the
		// "chat_template" Python reads); map keys are exact, and the last
		// duplicate wins as in Python's json.
		var cfg map[string]json.RawMessage
		if err := json.Unmarshal(b, &cfg); err != nil {
			return fmt.Errorf("chat template: %s is not valid JSON: %w", obj.Name, err)
		}
		raw := cfg["chat_template"]
		if len(raw) == 0 || string(raw) == "null" {
			return nil
		}
		var one string
		var named []map[string]json.RawMessage
		switch {
		case json.Unmarshal(raw, &one) == nil:
			templates["chat_template"] = one
		case json.Unmarshal(raw, &named) == nil && namedTemplates(named, templates):
		default:
			s.Report(modelscan.Finding{Severity: modelscan.SeverityHigh, RuleID: "chat_template.malformed",
				Message: "chat_template is neither a string nor a list of named templates", Evidence: obj.Name})
			return nil
		}
	}
	keys := make([]string, 0, len(templates))
	for k := range templates {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		for _, f := range CheckTemplate(templates[k]) {
			f.RuleID = "chat_template." + strings.TrimPrefix(f.RuleID, "gguf.template.")
			f.Evidence = k + ": " + f.Evidence
			s.Report(f)
		}
	}
	return ctx.Err()
}

// namedTemplates adds a list of {name, template} objects (exact keys) to
// templates; false when an entry is not of that shape.
func namedTemplates(named []map[string]json.RawMessage, templates map[string]string) bool {
	for _, t := range named {
		var name, tpl string
		if json.Unmarshal(t["name"], &name) != nil || json.Unmarshal(t["template"], &tpl) != nil {
			return false
		}
		templates["chat_template."+name] = tpl
	}
	return true
}
