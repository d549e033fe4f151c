package gateway

import (
	"encoding/json"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestToolChoiceToAnthropic checks tool_choice translation from both OpenAI
// request formats: the string modes, a forced function (nested differently
// in chat and Responses), and values with no Anthropic equivalent (dropped).
func TestToolChoiceToAnthropic(t *testing.T) {
	tests := []struct {
		name, chat, resp string
		want             map[string]any
	}{
		{"auto", `"auto"`, `"auto"`, map[string]any{"type": "auto"}},
		{"required", `"required"`, `"required"`, map[string]any{"type": "any"}},
		{"none", `"none"`, `"none"`, map[string]any{"type": "none"}},
		{"forced", `{"type":"function","function":{"name":"f"}}`, `{"type":"function","name":"f"}`, map[string]any{"type": "tool", "name": "f"}},
		{"unknown mode", `"sometimes"`, `"sometimes"`, nil},
		{"no name", `{"type":"function","function":{}}`, `{"type":"function"}`, nil},
		{"null", `null`, `null`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			req := &chatReq{Model: "m", ToolChoice: json.RawMessage(tc.chat), Messages: []chatMsg{{Role: "user", Content: json.RawMessage(`"hi"`)}}}
			b, err := chatToAnthropic(req, "claude")
			if err != nil {
				t.Fatalf("chatToAnthropic: %v", err)
			}
			if got := toolChoiceOf(t, b); !cmp.Equal(got, tc.want) {
				t.Errorf("chat tool_choice %s -> %v; want %v", tc.chat, got, tc.want)
			}
			body := []byte(`{"model":"m","input":"hi","tool_choice":` + tc.resp + `}`)
			b, aerr := responsesToAnthropic(body, false, nil, json.RawMessage(`"hi"`), nil, "claude")
			if aerr != nil {
				t.Fatalf("responsesToAnthropic: %v", aerr)
			}
			if got := toolChoiceOf(t, b); !cmp.Equal(got, tc.want) {
				t.Errorf("responses tool_choice %s -> %v; want %v", tc.resp, got, tc.want)
			}
		})
	}
}

func toolChoiceOf(t *testing.T, body []byte) map[string]any {
	t.Helper()
	var v struct {
		ToolChoice map[string]any `json:"tool_choice"`
	}
	if err := json.Unmarshal(body, &v); err != nil {
		t.Fatalf("translated body %s: %v", body, err)
	}
	return v.ToolChoice
}
