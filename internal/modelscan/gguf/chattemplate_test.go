package gguf

import (
	"bytes"
	"context"
	"sort"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
	"github.com/google/go-cmp/cmp"
)

func TestChatTemplateFormat(t *testing.T) {
	tests := []struct {
		name    string
		file    string
		body    string
		want    []string
		wantErr bool
	}{
		{"benign_string", "tokenizer_config.json", `{"bos_token":"<s>","chat_template":"{% for m in messages %}{{ m['content'] }}{% endfor %}"}`, nil, false},
		{"benign_no_template", "tokenizer_config.json", `{"bos_token":"<s>"}`, nil, false},
		{"benign_jinja", "chat_template.jinja", benignTemplate, nil, false},
		{"evil_string", "tokenizer_config.json", `{"chat_template":"{{ cycler.__init__.__globals__.os.popen('id').read() }}"}`, []string{"chat_template.dunder", "chat_template.escape_attr", "chat_template.springboard"}, false},
		{"evil_named", "tokenizer_config.json", `{"chat_template":[{"name":"default","template":"hi"},{"name":"tool_use","template":"{{ x.__class__ }}"}]}`, []string{"chat_template.dunder"}, false},
		{"evil_jinja", "chat_template.jinja", `{{ ''|attr('__class__') }}`, []string{"chat_template.attr_filter", "chat_template.dunder"}, false},
		{"wrong_type", "chat_template.json", `{"chat_template": 5}`, []string{"chat_template.malformed"}, false},
		{"not_json", "tokenizer_config.json", `{`, nil, true},
		// Python's json keeps exact keys; encoding/json matches struct fields
		// case-insensitively and the last one wins, so a decoy key in other
		// case must not replace the template transformers renders.
		{"case_folded_decoy_key", "tokenizer_config.json", `{"chat_template":"{{ x.__class__ }}","CHAT_TEMPLATE":"hi"}`, []string{"chat_template.dunder"}, false},
		{"case_folded_decoy_field", "tokenizer_config.json", `{"chat_template":[{"name":"default","template":"{{ x.__class__ }}","Template":"hi"}]}`, []string{"chat_template.dunder"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !(ChatTemplateFormat{}).Match(tt.file, nil) {
				t.Fatalf("Match(%q) = false", tt.file)
			}
			var rec recorder
			err := (ChatTemplateFormat{}).Scan(context.Background(), modelscan.Object{Name: tt.file, R: bytes.NewReader([]byte(tt.body)), Size: int64(len(tt.body))}, &rec)
			if (err != nil) != tt.wantErr {
				t.Fatalf("Scan(%s) error = %v; want error %v", tt.name, err, tt.wantErr)
			}
			var got []string
			seen := map[string]bool{}
			for _, f := range rec.findings {
				if !seen[f.RuleID] {
					seen[f.RuleID] = true
					got = append(got, f.RuleID)
				}
			}
			sort.Strings(got)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Scan(%s) rules mismatch (-want +got):\n%s", tt.name, diff)
			}
		})
	}
}

// A template file too large to read is not checked, so it must not pass as
// merely unusual: the template inside could be anything.
func TestChatTemplateFormatTooLarge(t *testing.T) {
	var rec recorder
	obj := modelscan.Object{Name: "tokenizer_config.json", R: bytes.NewReader(nil), Size: maxTemplateFile + 1}
	if err := (ChatTemplateFormat{}).Scan(context.Background(), obj, &rec); err != nil {
		t.Fatalf("Scan(too large) error = %v", err)
	}
	if got := maxSeverity(rec.findings); got < modelscan.SeverityHigh {
		t.Errorf("Scan(too large) max severity = %v; want >= high (not checked)", got)
	}
}

// A template too large to tokenize inside a JSON config is reported, not
// checked as if it were clean.
func TestChatTemplateFormatHugeTemplate(t *testing.T) {
	body := []byte(`{"chat_template":"` + strings.Repeat("{{ a }}", maxCheckedTemplate/7+1) + `"}`)
	var rec recorder
	if err := (ChatTemplateFormat{}).Scan(context.Background(), modelscan.Object{Name: "tokenizer_config.json", R: bytes.NewReader(body), Size: int64(len(body))}, &rec); err != nil {
		t.Fatalf("Scan(huge template) error = %v", err)
	}
	if got := maxSeverity(rec.findings); got < modelscan.SeverityHigh {
		t.Errorf("Scan(huge template) max severity = %v; want >= high (unchecked)", got)
	}
}

func FuzzChatTemplateFormat(f *testing.F) {
	f.Add([]byte(`{"chat_template":"{{ x.__class__ }}"}`))
	f.Add([]byte(`{"chat_template":[{"name":"a","template":"{% for m in messages %}{{ m['content'] }}{% endfor %}"}]}`))
	f.Add([]byte(`{"chat_template":null}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		var rec recorder
		_ = (ChatTemplateFormat{}).Scan(context.Background(), modelscan.Object{Name: "tokenizer_config.json", R: bytes.NewReader(b), Size: int64(len(b))}, &rec)
		for _, f := range rec.findings {
			if f.RuleID == "" {
				t.Fatalf("finding without rule id: %+v", f)
			}
		}
	})
}
