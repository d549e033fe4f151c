package gateway_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/anthropics/anthropic-sdk-go"
	aoption "github.com/anthropics/anthropic-sdk-go/option"
	"github.com/bulwark-ai/bulwark/internal/server"
	"github.com/google/go-cmp/cmp"
	"github.com/openai/openai-go"
	"github.com/openai/openai-go/option"
	"github.com/openai/openai-go/packages/ssestream"
	"github.com/openai/openai-go/responses"
	"github.com/openai/openai-go/shared"
)

func oaClient(e *env) openai.Client {
	return openai.NewClient(option.WithBaseURL(e.url+"/v1"), option.WithAPIKey(testKey), option.WithMaxRetries(0))
}

func anClient(e *env) anthropic.Client {
	return anthropic.NewClient(aoption.WithBaseURL(e.url), aoption.WithAPIKey(testKey), aoption.WithMaxRetries(0))
}

func weatherTool() openai.ChatCompletionToolParam {
	return openai.ChatCompletionToolParam{Function: shared.FunctionDefinitionParam{
		Name:       "get_weather",
		Parameters: shared.FunctionParameters{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}},
	}}
}

type chatResult struct {
	Text      string
	ToolNames []string
	ToolArgs  []string
	Finish    string
}

func TestOpenAIChat(t *testing.T) {
	e := newEnv(t, server.Options{})
	c := oaClient(e)
	cases := []struct {
		name, model, prompt string
		want                chatResult
	}{
		{"mock echo", "gpt-test", "hello bulwark", chatResult{Text: "hello bulwark", Finish: "stop"}},
		{"alias", "demo", "via alias", chatResult{Text: "via alias", Finish: "stop"}},
		{"openai upstream", "gpt-remote", "remote hello", chatResult{Text: "remote hello", Finish: "stop"}},
		{"cross-format to anthropic", "claude-test", "cross hello", chatResult{Text: "cross hello", Finish: "stop"}},
		{"fallback", "gpt-fallback", "fallback hello", chatResult{Text: "fallback hello", Finish: "stop"}},
		{"tool call", "gpt-test", "please use the tool", chatResult{ToolNames: []string{"get_weather"}, ToolArgs: []string{`{"city":"Paris"}`}, Finish: "tool_calls"}},
		{"tool call cross-format", "claude-test", "please use the tool", chatResult{ToolNames: []string{"get_weather"}, ToolArgs: []string{`{"city":"Paris"}`}, Finish: "tool_calls"}},
		{"two tools", "gpt-remote", "two tools now", chatResult{Text: "calling two", ToolNames: []string{"get_weather", "send_email"}, ToolArgs: []string{`{"city":"Rome"}`, `{"to":"x@example.com"}`}, Finish: "tool_calls"}},
	}
	for _, tc := range cases {
		params := openai.ChatCompletionNewParams{
			Model:    tc.model,
			Messages: []openai.ChatCompletionMessageParamUnion{openai.SystemMessage("be brief"), openai.UserMessage(tc.prompt)},
			Tools:    []openai.ChatCompletionToolParam{weatherTool()},
		}
		t.Run(tc.name+"/non-streaming", func(t *testing.T) {
			resp, err := c.Chat.Completions.New(context.Background(), params)
			if err != nil {
				t.Fatalf("Chat.Completions.New(%q): %v", tc.prompt, err)
			}
			got := chatResult{Text: resp.Choices[0].Message.Content, Finish: resp.Choices[0].FinishReason}
			for _, tc := range resp.Choices[0].Message.ToolCalls {
				got.ToolNames = append(got.ToolNames, tc.Function.Name)
				got.ToolArgs = append(got.ToolArgs, tc.Function.Arguments)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("Chat.Completions.New(%q) mismatch (-want +got):\n%s", tc.prompt, diff)
			}
			if resp.Model != tc.model {
				t.Errorf("model = %q; want %q", resp.Model, tc.model)
			}
			if resp.Usage.TotalTokens == 0 {
				t.Errorf("usage.total_tokens = 0; want > 0")
			}
		})
		t.Run(tc.name+"/streaming", func(t *testing.T) {
			p := params
			p.StreamOptions = openai.ChatCompletionStreamOptionsParam{IncludeUsage: openai.Bool(true)}
			s := c.Chat.Completions.NewStreaming(context.Background(), p)
			var acc openai.ChatCompletionAccumulator
			for s.Next() {
				acc.AddChunk(s.Current())
			}
			if err := s.Err(); err != nil {
				t.Fatalf("stream(%q): %v", tc.prompt, err)
			}
			got := chatResult{Text: acc.Choices[0].Message.Content, Finish: acc.Choices[0].FinishReason}
			for _, tc := range acc.Choices[0].Message.ToolCalls {
				got.ToolNames = append(got.ToolNames, tc.Function.Name)
				got.ToolArgs = append(got.ToolArgs, tc.Function.Arguments)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("stream(%q) mismatch (-want +got):\n%s", tc.prompt, diff)
			}
			if acc.Usage.TotalTokens == 0 {
				t.Errorf("stream usage.total_tokens = 0; want > 0 (include_usage)")
			}
		})
	}
}

func TestUpstreamCredentialsAndPassthrough(t *testing.T) {
	e := newEnv(t, server.Options{})
	st, _, body := e.post(t, "/v1/chat/completions", testKey,
		`{"model":"gpt-remote","messages":[{"role":"user","content":"hi","x_custom":"keep"}],"response_format":{"type":"json_object"},"seed":42,"unknown_field":{"a":[1,2]}}`)
	if st != 200 {
		t.Fatalf("status = %d (%s); want 200", st, body)
	}
	auth, sent := e.upstream.last()
	if auth != "Bearer sk-oai-upstream||" {
		t.Errorf("upstream auth = %q; want the upstream's own key", auth)
	}
	var got map[string]any
	json.Unmarshal([]byte(sent), &got)
	want := map[string]any{
		"model":           "gpt-upstream",
		"messages":        []any{map[string]any{"role": "user", "content": "hi", "x_custom": "keep"}},
		"response_format": map[string]any{"type": "json_object"},
		"seed":            float64(42),
		"unknown_field":   map[string]any{"a": []any{float64(1), float64(2)}},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("upstream body mismatch (-want +got):\n%s", diff)
	}

	// Anthropic upstream gets x-api-key and anthropic-version, and unknown
	// fields of an Anthropic request pass through.
	st, _, body = e.post(t, "/v1/messages", testKey, `{"model":"claude-test","max_tokens":5,"messages":[{"role":"user","content":"hi"}],"thinking_extra":{"x":1}}`)
	if st != 200 {
		t.Fatalf("messages status = %d (%s)", st, body)
	}
	auth, sent = e.upstream.last()
	if auth != "|sk-ant-upstream|2023-06-01" {
		t.Errorf("anthropic upstream auth = %q", auth)
	}
	if !strings.Contains(sent, `"thinking_extra":{"x":1}`) || !strings.Contains(sent, `"model":"claude-upstream"`) {
		t.Errorf("anthropic upstream body = %s; want passthrough with renamed model", sent)
	}
}

type anResult struct {
	Text   string
	Tools  []string
	Inputs []string
	Stop   string
}

func anthropicResult(m *anthropic.Message) anResult {
	var r anResult
	for _, b := range m.Content {
		switch b.Type {
		case "text":
			r.Text += b.Text
		case "tool_use":
			r.Tools = append(r.Tools, b.Name)
			r.Inputs = append(r.Inputs, string(b.Input))
		}
	}
	r.Stop = string(m.StopReason)
	return r
}

func TestAnthropicMessages(t *testing.T) {
	e := newEnv(t, server.Options{})
	c := anClient(e)
	cases := []struct {
		name, model, prompt string
		want                anResult
	}{
		{"mock", "gpt-test", "hello claude", anResult{Text: "hello claude", Stop: "end_turn"}},
		{"anthropic upstream", "claude-test", "hello upstream", anResult{Text: "hello upstream", Stop: "end_turn"}},
		{"cross-format to openai", "gpt-remote", "hello openai", anResult{Text: "hello openai", Stop: "end_turn"}},
		{"tool_use", "claude-test", "please use the tool", anResult{Tools: []string{"get_weather"}, Inputs: []string{`{"city":"Paris"}`}, Stop: "tool_use"}},
		{"tool_use cross-format", "gpt-remote", "please use the tool", anResult{Tools: []string{"get_weather"}, Inputs: []string{`{"city":"Paris"}`}, Stop: "tool_use"}},
	}
	for _, tc := range cases {
		params := anthropic.MessageNewParams{
			Model:     anthropic.Model(tc.model),
			MaxTokens: 100,
			System:    []anthropic.TextBlockParam{{Text: "be brief"}},
			Messages:  []anthropic.MessageParam{anthropic.NewUserMessage(anthropic.NewTextBlock(tc.prompt))},
			Tools: []anthropic.ToolUnionParam{{OfTool: &anthropic.ToolParam{Name: "get_weather",
				InputSchema: anthropic.ToolInputSchemaParam{Properties: map[string]any{"city": map[string]any{"type": "string"}}}}}},
		}
		t.Run(tc.name+"/non-streaming", func(t *testing.T) {
			m, err := c.Messages.New(context.Background(), params)
			if err != nil {
				t.Fatalf("Messages.New(%q): %v", tc.prompt, err)
			}
			if diff := cmp.Diff(tc.want, anthropicResult(m)); diff != "" {
				t.Errorf("Messages.New(%q) mismatch (-want +got):\n%s", tc.prompt, diff)
			}
			if m.Usage.OutputTokens == 0 {
				t.Errorf("usage.output_tokens = 0; want > 0")
			}
		})
		t.Run(tc.name+"/streaming", func(t *testing.T) {
			s := c.Messages.NewStreaming(context.Background(), params)
			var m anthropic.Message
			for s.Next() {
				if err := m.Accumulate(s.Current()); err != nil {
					t.Fatalf("Accumulate: %v", err)
				}
			}
			if err := s.Err(); err != nil {
				t.Fatalf("stream(%q): %v", tc.prompt, err)
			}
			if diff := cmp.Diff(tc.want, anthropicResult(&m)); diff != "" {
				t.Errorf("stream(%q) mismatch (-want +got):\n%s", tc.prompt, diff)
			}
		})
	}
}

func TestAnthropicToolResultRoundTrip(t *testing.T) {
	e := newEnv(t, server.Options{})
	c := anClient(e)
	// A tool_result turn translated to an OpenAI upstream.
	m, err := c.Messages.New(context.Background(), anthropic.MessageNewParams{
		Model: "gpt-remote", MaxTokens: 50,
		Messages: []anthropic.MessageParam{
			anthropic.NewUserMessage(anthropic.NewTextBlock("weather?")),
			anthropic.NewAssistantMessage(anthropic.NewToolUseBlock("call_1", map[string]any{"city": "Paris"}, "get_weather")),
			anthropic.NewUserMessage(anthropic.NewToolResultBlock("call_1", "sunny", false), anthropic.NewTextBlock("thanks, summarize")),
		},
	})
	if err != nil {
		t.Fatalf("Messages.New: %v", err)
	}
	if got := anthropicResult(m).Text; got != "thanks, summarize" {
		t.Errorf("reply = %q; want echo of last user text", got)
	}
	_, sent := e.upstream.last()
	var body struct {
		Messages []map[string]any `json:"messages"`
	}
	json.Unmarshal([]byte(sent), &body)
	var roles []string
	for _, m := range body.Messages {
		roles = append(roles, m["role"].(string))
	}
	if diff := cmp.Diff([]string{"user", "assistant", "tool", "user"}, roles); diff != "" {
		t.Errorf("translated roles mismatch (-want +got):\n%s\nbody: %s", diff, sent)
	}
}

func TestResponsesEmbeddingsModels(t *testing.T) {
	e := newEnv(t, server.Options{})
	c := oaClient(e)
	ctx := context.Background()
	params := responses.ResponseNewParams{Model: "gpt-test", Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("hello responses")}}
	r, err := c.Responses.New(ctx, params)
	if err != nil {
		t.Fatalf("Responses.New: %v", err)
	}
	if got := r.OutputText(); got != "hello responses" {
		t.Errorf("Responses.New output = %q; want %q", got, "hello responses")
	}
	text, final, _, err := drainResponses(c.Responses.NewStreaming(ctx, params))
	if err != nil {
		t.Fatalf("Responses stream: %v", err)
	}
	if text != "hello responses" || final != "hello responses" {
		t.Errorf("Responses stream deltas = %q, completed = %q; want %q", text, final, "hello responses")
	}

	emb, err := c.Embeddings.New(ctx, openai.EmbeddingNewParams{Model: "gpt-test", Input: openai.EmbeddingNewParamsInputUnion{OfArrayOfStrings: []string{"a", "b"}}})
	if err != nil {
		t.Fatalf("Embeddings.New: %v", err)
	}
	if len(emb.Data) != 2 || len(emb.Data[0].Embedding) == 0 {
		t.Errorf("Embeddings.New = %d vectors; want 2 non-empty", len(emb.Data))
	}

	page, err := c.Models.List(ctx)
	if err != nil {
		t.Fatalf("Models.List: %v", err)
	}
	var ids []string
	for _, m := range page.Data {
		ids = append(ids, m.ID)
	}
	want := []string{"claude-broken", "claude-test", "gpt-broken", "gpt-down", "gpt-fallback", "gpt-remote", "gpt-test"}
	if diff := cmp.Diff(want, ids); diff != "" {
		t.Errorf("Models.List mismatch (-want +got):\n%s", diff)
	}
	ac := anClient(e)
	ap, err := ac.Models.List(ctx, anthropic.ModelListParams{})
	if err != nil {
		t.Fatalf("anthropic Models.List: %v", err)
	}
	if len(ap.Data) != len(want) {
		t.Errorf("anthropic Models.List = %d models; want %d", len(ap.Data), len(want))
	}
}

// TestResponsesToAnthropic drives the Responses API with the official
// openai-go client against a model served only by an Anthropic upstream:
// the gateway translates the request to Anthropic Messages and the answer
// back to a Responses object or Responses stream events, tool calls and
// tool results included.
func TestResponsesToAnthropic(t *testing.T) {
	e := newEnv(t, server.Options{})
	c := oaClient(e)
	ctx := context.Background()

	params := responses.ResponseNewParams{Model: "claude-test", Instructions: openai.String("Be brief."),
		Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("hello from responses")}}
	r, err := c.Responses.New(ctx, params)
	if err != nil {
		t.Fatalf("Responses.New(claude-test): %v", err)
	}
	if got := r.OutputText(); got != "hello from responses" || r.Status != "completed" || r.Model != "claude-test" {
		t.Errorf("Responses.New(claude-test) = %q status %q model %q; want the echo, completed, claude-test", got, r.Status, r.Model)
	}
	if r.Usage.InputTokens == 0 || r.Usage.TotalTokens != r.Usage.InputTokens+r.Usage.OutputTokens {
		t.Errorf("Responses.New(claude-test) usage = %+v; want input tokens and a consistent total", r.Usage)
	}
	auth, body := e.upstream.last()
	var sent struct {
		Model     string `json:"model"`
		MaxTokens int    `json:"max_tokens"`
		System    string `json:"system"`
		Messages  []struct {
			Role    string            `json:"role"`
			Content []json.RawMessage `json:"content"`
		} `json:"messages"`
	}
	if err := json.Unmarshal([]byte(body), &sent); err != nil || sent.Model != "claude-upstream" || sent.MaxTokens == 0 ||
		sent.System != "Be brief." || len(sent.Messages) != 1 || sent.Messages[0].Role != "user" {
		t.Errorf("upstream body = %s; want an Anthropic messages request for claude-upstream with the instructions as system", body)
	}
	if parts := strings.Split(auth, "|"); len(parts) != 3 || parts[1] != "sk-ant-upstream" || parts[2] == "" {
		t.Errorf("upstream credentials = %q; want the Anthropic key and version", auth)
	}

	// Streamed: text deltas and the completed response.
	s := c.Responses.NewStreaming(ctx, params)
	text, final, types, err := drainResponses(s)
	if err != nil {
		t.Fatalf("Responses stream (claude-test): %v", err)
	}
	if text != "hello from responses" || final != "hello from responses" {
		t.Errorf("Responses stream (claude-test) deltas = %q, completed = %q; want the echo", text, final)
	}
	wantTypes := []string{"response.created", "response.in_progress", "response.output_item.added", "response.content_part.added"}
	if len(types) < len(wantTypes) || !cmp.Equal(types[:len(wantTypes)], wantTypes) || types[len(types)-1] != "response.completed" {
		t.Errorf("Responses stream (claude-test) events = %v; want %v ... response.completed", types, wantTypes)
	}

	// A tool call, then its result sent back as input items.
	tools := []responses.ToolUnionParam{{OfFunction: &responses.FunctionToolParam{Name: "get_weather",
		Parameters: map[string]any{"type": "object", "properties": map[string]any{"city": map[string]any{"type": "string"}}}}}}
	tp := responses.ResponseNewParams{Model: "claude-test", Tools: tools,
		Input: responses.ResponseNewParamsInputUnion{OfString: openai.String("please use the tool")}}
	r, err = c.Responses.New(ctx, tp)
	if err != nil {
		t.Fatalf("Responses.New(tool call): %v", err)
	}
	var call responses.ResponseFunctionToolCall
	for _, it := range r.Output {
		if it.Type == "function_call" {
			call = it.AsFunctionCall()
		}
	}
	if call.Name != "get_weather" || call.CallID == "" || !json.Valid([]byte(call.Arguments)) || !strings.Contains(call.Arguments, "Paris") {
		t.Fatalf("Responses.New(tool call) output = %+v; want a get_weather function_call", r.Output)
	}
	s = c.Responses.NewStreaming(ctx, tp)
	var streamedArgs string
	for s.Next() {
		if ev := s.Current(); ev.Type == "response.function_call_arguments.done" {
			streamedArgs = ev.Arguments
		}
	}
	if err := s.Err(); err != nil || !strings.Contains(streamedArgs, "Paris") {
		t.Errorf("Responses stream (tool call) arguments = %q, err %v; want the call's arguments", streamedArgs, err)
	}
	follow := responses.ResponseNewParams{Model: "claude-test", Tools: tools, Input: responses.ResponseNewParamsInputUnion{OfInputItemList: responses.ResponseInputParam{
		responses.ResponseInputItemParamOfMessage("please use the tool", responses.EasyInputMessageRoleUser),
		responses.ResponseInputItemParamOfFunctionCall(call.Arguments, call.CallID, call.Name),
		responses.ResponseInputItemParamOfFunctionCallOutput(call.CallID, "sunny, 21C"),
		responses.ResponseInputItemParamOfMessage("thanks, what now", responses.EasyInputMessageRoleUser),
	}}}
	if r, err = c.Responses.New(ctx, follow); err != nil {
		t.Fatalf("Responses.New(tool result): %v", err)
	}
	// The tool result and the next message form one Anthropic user turn,
	// which the mock echoes.
	if got := r.OutputText(); !strings.HasSuffix(got, "thanks, what now") {
		t.Errorf("Responses.New(tool result) = %q; want the echo of the last user turn", got)
	}
	_, body = e.upstream.last()
	if !strings.Contains(body, `"tool_use"`) || !strings.Contains(body, `"tool_result"`) || !strings.Contains(body, "sunny, 21C") {
		t.Errorf("upstream body = %s; want tool_use and tool_result blocks", body)
	}

	// A broken upstream stream ends with a Responses error event.
	s = c.Responses.NewStreaming(ctx, responses.ResponseNewParams{Model: "claude-broken", Input: params.Input})
	var errMsg string
	for s.Next() {
		if ev := s.Current(); ev.Type == "error" {
			errMsg = ev.Message
		}
	}
	if !strings.Contains(errMsg, "broke off") {
		t.Errorf("Responses stream (broken upstream) error event message = %q, err %v; want the broken-stream error", errMsg, s.Err())
	}

	// Unsupported: previous_response_id (the gateway keeps no state).
	_, err = c.Responses.New(ctx, responses.ResponseNewParams{Model: "claude-test", PreviousResponseID: openai.String("resp_1"), Input: params.Input})
	if err == nil || !strings.Contains(err.Error(), "400") {
		t.Errorf("Responses.New(previous_response_id) error = %v; want 400", err)
	}
}

// drainResponses reads a Responses stream to its end: the concatenated
// text deltas, the completed response's text and the event types in order.
func drainResponses(s *ssestream.Stream[responses.ResponseStreamEventUnion]) (text, final string, types []string, err error) {
	for s.Next() {
		ev := s.Current()
		types = append(types, ev.Type)
		switch ev.Type {
		case "response.output_text.delta":
			text += ev.Delta.OfString
		case "response.completed":
			final = ev.Response.OutputText()
		}
	}
	return text, final, types, s.Err()
}
