package gateway

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/sse"
	"github.com/google/go-cmp/cmp"
)

var chatDecodeCases = []struct {
	name, body string
	wantErr    string // substring; "" = success
}{
	{"minimal", `{"model":"m","messages":[{"role":"user","content":"hi"}]}`, ""},
	{"all fields", `{"model":"m","stream":true,"stream_options":{"include_usage":true,"x":1},"messages":[{"role":"system","content":[{"type":"text","text":"s"}]},{"role":"assistant","tool_calls":[{"id":"1","type":"function","function":{"name":"f","arguments":"{}"}}]},{"role":"tool","tool_call_id":"1","name":"f","content":"r"}],"tools":[{"type":"function","function":{"name":"f","description":"d","parameters":{"type":"object"}}}],"tool_choice":"auto","max_tokens":5,"max_completion_tokens":6,"temperature":0.5,"top_p":1e-1,"stop":["a"],"user":"u","response_format":{"type":"json_schema","json_schema":{"name":"x","schema":{"type":"object"}}},"unknown":{"a":[1,2,{"b":null}]}}`, ""},
	{"escapes", `{"model":"m\u00e9\ud83d\ude00\n","messages":[{"role":"user","content":"a\"b\\c\/\b\f\r\t\u0000"}]}`, ""},
	{"lone surrogate", `{"model":"\ud800x\udc00","messages":[]}`, ""},
	{"invalid utf8", "{\"model\":\"a\xffb\",\"messages\":null}", ""},
	{"nulls", `{"model":null,"stream":null,"messages":null,"stream_options":null,"tools":null,"max_tokens":null,"temperature":null,"response_format":null}`, ""},
	{"whitespace", " \n{ \"model\" : \"m\" ,\t\"messages\" : [ { \"role\" : \"user\" , \"content\" : \"x\" } ] }\r\n", ""},
	{"null message", `{"model":"m","messages":[null,{"role":"user","content":"x"}]}`, ""},
	{"top null", `null`, ""},
	{"negative zero", `{"max_tokens":-0}`, ""},
	{"wrong type model", `{"model":5,"messages":[]}`, "field model has the wrong type (got number)"},
	{"wrong type messages", `{"model":"m","messages":"hi"}`, "field messages has the wrong type (got string)"},
	{"wrong type stream", `{"stream":"yes"}`, "field stream has the wrong type"},
	{"float max_tokens", `{"max_tokens":1.5}`, "field max_tokens has the wrong type (got number 1.5)"},
	{"huge max_tokens", `{"max_tokens":1e400}`, "field max_tokens has the wrong type"},
	{"huge float", `{"temperature":1e400}`, "field temperature has the wrong type"},
	{"top array", `[]`, "wrong JSON type (got array)"},
	{"truncated", `{"model":`, "malformed JSON"},
	{"trailing comma", `{"model":"m",}`, "malformed JSON"},
	{"trailing array comma", `{"stop":[1,]}`, "malformed JSON"},
	{"trailing data", `{"model":"m"} x`, "malformed JSON"},
	{"bad escape", `{"model":"\x"}`, "malformed JSON"},
	{"bad unicode", `{"model":"\u12G4"}`, "malformed JSON"},
	{"control char", "{\"model\":\"a\nb\"}", "malformed JSON"},
	{"bad number", `{"max_tokens":01}`, "malformed JSON"},
	{"bad number 2", `{"top_p":1.}`, "malformed JSON"},
	{"bad number 3", `{"top_p":-}`, "malformed JSON"},
	{"bad literal", `{"stream":tru}`, "malformed JSON"},
	{"missing colon", `{"model" "m"}`, "malformed JSON"},
	{"non-string key", `{1:2}`, "malformed JSON"},
	{"syntax error after type error", `{"model":5,"x":}`, "malformed JSON"},
	{"unterminated string", `{"model":"abc`, "malformed JSON"},
	{"empty", ``, "malformed JSON"},
}

func TestDecodeChatReq(t *testing.T) {
	for _, tc := range chatDecodeCases {
		t.Run(tc.name, func(t *testing.T) {
			var got chatReq
			err := decodeChatReq([]byte(tc.body), &got)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(jsonErrText(err), tc.wantErr) {
					t.Fatalf("decodeChatReq(%q) error = %v; want %q", tc.body, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("decodeChatReq(%q) = %v; want success", tc.body, err)
			}
			compareWithStdlib(t, []byte(tc.body), &got)
		})
	}
}

// compareWithStdlib checks got against encoding/json's decoding of body.
func compareWithStdlib(t *testing.T, body []byte, got *chatReq) {
	t.Helper()
	var want chatReq
	if err := json.Unmarshal(body, &want); err != nil {
		t.Fatalf("decodeChatReq(%q) succeeded; encoding/json: %v", body, err)
	}
	if diff := cmp.Diff(want, *got, cmp.AllowUnexported(chatReq{}), cmp.FilterPath(func(p cmp.Path) bool {
		return strings.Contains(p.GoString(), "spans")
	}, cmp.Ignore())); diff != "" {
		t.Errorf("decodeChatReq(%q) mismatch with encoding/json (-want +got):\n%s", body, diff)
	}
}

// FuzzDecodeChatReq is a differential test of the one-pass chat request
// decoder against encoding/json: both accept and reject the same documents
// and decode the same values, except where encoding/json's case-insensitive
// key matching or its merging of duplicate keys differs on purpose (such
// inputs are skipped). It also checks that editing the body keeps it valid.
func FuzzDecodeChatReq(f *testing.F) {
	for _, tc := range chatDecodeCases {
		f.Add([]byte(tc.body))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if !plainKeys(body) {
			return
		}
		var got, want chatReq
		err := decodeChatReq(body, &got)
		werr := json.Unmarshal(body, &want)
		if (err == nil) != (werr == nil) {
			// encoding/json reports the error of a value it could not decode
			// even when a later one is malformed, and so do we; but both
			// must agree on success.
			t.Fatalf("decodeChatReq(%q) error = %v; encoding/json error = %v", body, err, werr)
		}
		if err != nil {
			var se *json.SyntaxError
			var de *jsonDecodeError
			if isSyntax := (asErr(werr, &se)); isSyntax && !(asErr(err, &de) && de.syntax) {
				t.Fatalf("decodeChatReq(%q) error = %v; encoding/json: syntax error %v", body, err, werr)
			}
			return
		}
		compareWithStdlib(t, body, &got)
		if len(got.Messages) == 0 || got.Model == "" {
			return
		}
		e := &msgEdit{usage: true, content: map[int]json.RawMessage{0: json.RawMessage(`"edited"`)}, prepend: json.RawMessage(`{"role":"system","content":"c"}`)}
		out, err := editOpenAIBody(body, &got.spans, "renamed", got.Model, e)
		if err != nil {
			return // message 0 is not an object
		}
		var ed chatReq
		if err := json.Unmarshal(out, &ed); err != nil {
			t.Fatalf("editOpenAIBody(%q) = %q: invalid JSON: %v", body, out, err)
		}
		if ed.Model != "renamed" || ed.StreamOptions == nil || !ed.StreamOptions.IncludeUsage || len(ed.Messages) != len(got.Messages)+1 ||
			string(ed.Messages[1].Content) != `"edited"` || ed.Messages[0].Role != "system" {
			t.Fatalf("editOpenAIBody(%q) = %q; edits missing", body, out)
		}
	})
}

func asErr[T error](err error, target *T) bool {
	e, ok := err.(T)
	if ok {
		*target = e
	}
	return ok
}

// plainKeys reports whether every object key in body is unique in its
// object and equal to its lower-case form, the inputs on which the
// decoder and encoding/json must agree exactly.
func plainKeys(body []byte) bool {
	d := json.NewDecoder(bytes.NewReader(body))
	type frame struct {
		obj  bool
		keys map[string]bool
		key  bool // next token in an object is a key
	}
	var st []*frame
	for {
		tok, err := d.Token()
		if err != nil {
			return true // syntax errors are compared as errors
		}
		var top *frame
		if len(st) > 0 {
			top = st[len(st)-1]
		}
		if top != nil && top.obj && top.key {
			if s, ok := tok.(string); ok {
				if strings.ToLower(s) != s || top.keys[s] {
					return false
				}
				top.keys[s] = true
				top.key = false
				continue
			}
		}
		switch tok {
		case json.Delim('{'):
			st = append(st, &frame{obj: true, keys: map[string]bool{}, key: true})
			continue
		case json.Delim('['):
			st = append(st, &frame{})
			continue
		case json.Delim('}'), json.Delim(']'):
			st = st[:len(st)-1]
		}
		if len(st) > 0 && st[len(st)-1].obj {
			st[len(st)-1].key = true
		}
	}
}

func TestEditOpenAIBodyKeepsBytes(t *testing.T) {
	body := `{ "model" : "a",  "zeta": {"k": [1, 2]}, "messages": [ {"role":"system", "content":"s"}, {"content":"u", "role":"user", "x-extra":true} ], "stream":true }`
	var req chatReq
	if err := decodeChatReq([]byte(body), &req); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		name  string
		model string
		edit  msgEdit
		want  string
	}{
		{"nothing", "a", msgEdit{}, body},
		{"rename", "b", msgEdit{}, strings.Replace(body, `"a"`, `"b"`, 1)},
		{"usage", "a", msgEdit{usage: true}, `{"stream_options":{"include_usage":true}, "model" : "a",  "zeta": {"k": [1, 2]}, "messages": [ {"role":"system", "content":"s"}, {"content":"u", "role":"user", "x-extra":true} ], "stream":true }`},
		{"content", "a", msgEdit{content: map[int]json.RawMessage{1: json.RawMessage(`"U"`)}}, strings.Replace(body, `"u"`, `"U"`, 1)},
		{"prepend", "a", msgEdit{prepend: json.RawMessage(`{"role":"system","content":"c"}`)}, strings.Replace(body, `[ {"role":"system"`, `[{"role":"system","content":"c"}, {"role":"system"`, 1)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, err := editOpenAIBody([]byte(body), &req.spans, tc.model, "a", &tc.edit)
			if err != nil || string(got) != tc.want {
				t.Errorf("editOpenAIBody(%s) = %s, %v; want %s", tc.name, got, err, tc.want)
			}
		})
	}
	// stream_options present without include_usage, and with it false.
	for _, tc := range []struct{ body, want string }{
		{`{"model":"a","stream_options":{},"messages":[{"role":"user"}]}`, `{"model":"a","stream_options":{"include_usage":true},"messages":[{"role":"user"}]}`},
		{`{"model":"a","stream_options":{"x":1},"messages":[{"role":"user"}]}`, `{"model":"a","stream_options":{"include_usage":true,"x":1},"messages":[{"role":"user"}]}`},
		{`{"model":"a","stream_options":{"include_usage":false},"messages":[{"role":"user"}]}`, `{"model":"a","stream_options":{"include_usage":true},"messages":[{"role":"user"}]}`},
		{`{"model":"a","stream_options":null,"messages":[{"role":"user"}]}`, `{"model":"a","stream_options":{"include_usage":true},"messages":[{"role":"user"}]}`},
		{`{"model":"a","messages":[{"role":"user"}]}`, `{"stream_options":{"include_usage":true},"model":"a","messages":[{"role":"user"}]}`},
	} {
		var r chatReq
		if err := decodeChatReq([]byte(tc.body), &r); err != nil {
			t.Fatal(err)
		}
		got, err := editOpenAIBody([]byte(tc.body), &r.spans, "a", "a", &msgEdit{usage: true, content: map[int]json.RawMessage{0: json.RawMessage(`"c"`)}})
		want := strings.Replace(tc.want, `{"role":"user"}`, `{"content":"c","role":"user"}`, 1)
		if err != nil || string(got) != want {
			t.Errorf("editOpenAIBody(%s) = %s, %v; want %s", tc.body, got, err, want)
		}
	}
}

func TestContentTexts(t *testing.T) {
	for _, tc := range []struct {
		raw     string
		want    []string
		wantErr bool
	}{
		{``, nil, false},
		{`null`, nil, false},
		{`"a\nb"`, []string{"a\nb"}, false},
		{`[{"type":"text","text":"x"},null,{"type":"image_url","image_url":{"url":"u"}},{"type":"text","text":null},{"type":"tool_result","content":[{"type":"text","text":"t"}]}]`, []string{"x", "t"}, false},
		{`[{"type":"tool_result","content":"r"}]`, []string{"r"}, false},
		{`5`, nil, true},
		{`{"text":"x"}`, nil, true},
		{`[1]`, nil, true},
		{`[{"text":5}]`, nil, true},
		{`[{"type":5,"text":"x"}]`, nil, true},
	} {
		refs, err := contentTexts(json.RawMessage(tc.raw), "user", nil)
		var got []string
		for _, r := range refs {
			got = append(got, r.Text)
		}
		if (err != nil) != tc.wantErr || !cmp.Equal(got, tc.want) {
			t.Errorf("contentTexts(%s) = %q, %v; want %q (error %v)", tc.raw, got, err, tc.want, tc.wantErr)
		}
	}
}

func TestDecodeOpenAI(t *testing.T) {
	b := `{"id":"c1","object":"chat.completion","created":7,"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"hi","tool_calls":[{"id":"t","type":"function","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls","logprobs":null}],"usage":{"prompt_tokens":3,"completion_tokens":4,"total_tokens":7}}`
	c, err := decodeOpenAI([]byte(b))
	if err != nil {
		t.Fatal(err)
	}
	want := &completion{ID: "c1", Model: "m", Created: 7, In: 3, Out: 4, Choices: []choice{{Index: 0, Text: "hi", Finish: "tool_calls", Tools: []toolCall{{ID: "t", Name: "f", Args: "{}"}}}}}
	if diff := cmp.Diff(want, c); diff != "" {
		t.Errorf("decodeOpenAI mismatch (-want +got):\n%s", diff)
	}
	for _, bad := range []string{`{`, `{"choices":5}`, `{"choices":[{"message":{"content":5}}]}`, `[]`} {
		if _, err := decodeOpenAI([]byte(bad)); err == nil {
			t.Errorf("decodeOpenAI(%s) = nil error; want an error", bad)
		}
	}
}

func TestOAStreamChunkDecode(t *testing.T) {
	var c oaStreamChunk
	// Decode twice into the same value: reused slices must not leak state.
	for _, in := range []string{
		`{"id":"x","choices":[{"index":1,"delta":{"content":"a","tool_calls":[{"index":0,"id":"t","function":{"name":"f","arguments":"{"}},{"index":1}]},"finish_reason":null}],"usage":null}`,
		`{"choices":[{"index":0,"delta":{"role":"assistant"},"finish_reason":"stop"}],"usage":{"prompt_tokens":2,"completion_tokens":3}}`,
	} {
		if err := c.decode([]byte(in)); err != nil {
			t.Fatalf("decode(%s) = %v", in, err)
		}
	}
	want := oaStreamChunk{choices: []oaStreamChoice{{index: 0, finish: "stop", tools: []oaStreamTool{}}}, hasUsage: true, in: 2, out: 3}
	if diff := cmp.Diff(want, c, cmp.AllowUnexported(oaStreamChunk{}, oaStreamChoice{}, oaStreamTool{})); diff != "" {
		t.Errorf("decode mismatch (-want +got):\n%s", diff)
	}
	for _, bad := range []string{`{"error":{"message":"x"}}`, `{"choices":{}}`, `{"choices":[{"delta":{"content":5}}]}`, `{`} {
		err := c.decode([]byte(bad))
		if err == nil && !c.hasError {
			t.Errorf("decode(%s) = nil error, no error member; want a failure", bad)
		}
	}
}

// FuzzOAStreamChunk checks the stream chunk decoder against encoding/json:
// the same documents are valid JSON for both, and the text deltas agree.
func FuzzOAStreamChunk(f *testing.F) {
	f.Add([]byte(`{"choices":[{"index":0,"delta":{"content":"h\u00e9"},"finish_reason":null}]}`))
	f.Add([]byte(`{"choices":[{"index":0,"delta":{"tool_calls":[{"index":0,"id":"t","function":{"name":"f","arguments":"{}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":1,"completion_tokens":2}}`))
	f.Add([]byte(`{"error":{"message":"x"}}`))
	f.Fuzz(func(t *testing.T, b []byte) {
		if !plainKeys(b) {
			return
		}
		var c oaStreamChunk
		err := c.decode(b)
		var want struct {
			Choices []struct {
				Index int `json:"index"`
				Delta struct {
					Content *string `json:"content"`
				} `json:"delta"`
			} `json:"choices"`
		}
		werr := json.Unmarshal(b, &want)
		var de *jsonDecodeError
		syntaxErr := asErr(err, &de) && de.syntax
		if valid := json.Valid(b); valid == syntaxErr {
			t.Fatalf("decode(%q) error = %v; json.Valid = %v", b, err, valid)
		}
		if err != nil || werr != nil {
			return
		}
		if len(want.Choices) != len(c.choices) {
			t.Fatalf("decode(%q) = %d choices; encoding/json %d", b, len(c.choices), len(want.Choices))
		}
		for i, ch := range want.Choices {
			text := ""
			if ch.Delta.Content != nil {
				text = *ch.Delta.Content
			}
			if c.choices[i].content != text || c.choices[i].index != ch.Index {
				t.Fatalf("decode(%q) choice %d = %q/%d; encoding/json %q/%d", b, i, c.choices[i].content, c.choices[i].index, text, ch.Index)
			}
		}
	})
}

var jsonStringCases = []string{"", "plain", `q"b\s`, "<a href='x'>&amp;</a>", "tab\tnl\nret\r\x00\x1f\x7f", "é😀", "\u2028\u2029", "bad\xffutf8\xc3", "\b\f"}

func TestAppendJSONString(t *testing.T) {
	for _, s := range jsonStringCases {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Errorf("appendJSONString(%q) = %s; want %s", s, got, want)
		}
	}
}

func FuzzAppendJSONString(f *testing.F) {
	for _, s := range jsonStringCases {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		want, _ := json.Marshal(s)
		if got := appendJSONString(nil, s); string(got) != string(want) {
			t.Fatalf("appendJSONString(%q) = %s; want %s", s, got, want)
		}
	})
}

// TestOpenAIEncTextBytes checks the hand-written content chunk against
// json.Marshal of the same oaChunk.
func TestOpenAIEncTextBytes(t *testing.T) {
	var out bytes.Buffer
	e := &openAIEnc{w: sse.NewWriter(&out), model: `m<"1">`}
	for i, s := range []string{"hé\n<b>", "two"} {
		out.Reset()
		if err := e.text(3, s); err != nil {
			t.Fatal(err)
		}
		c := oaChunkChoice{Index: 3, Delta: oaDelta{Content: &s}}
		if i == 0 {
			c.Delta.Role = "assistant"
		}
		want, _ := json.Marshal(oaChunk{ID: chunkID, Object: "chat.completion.chunk", Model: e.model, Choices: []oaChunkChoice{c}})
		if got := out.String(); got != "data: "+string(want)+"\n\n" {
			t.Errorf("text(%q) wrote %q; want data: %s", s, got, want)
		}
	}
}

var msgDecodeCases = []string{
	`{"model":"m","max_tokens":5,"messages":[{"role":"user","content":"hi"}]}`,
	`{"model":"m","max_tokens":5,"system":[{"type":"text","text":"s"}],"messages":[{"role":"user","content":[{"type":"tool_result","tool_use_id":"t","content":"x"}]},{"role":"assistant","content":[{"type":"tool_use","id":"t","name":"f","input":{}}]}],"stream":true,"temperature":0.2,"top_p":1,"stop_sequences":["a","b"],"tools":[{"name":"f","description":"d","input_schema":{"type":"object"}}],"tool_choice":{"type":"tool","name":"f"},"metadata":{"user_id":"u"},"x":[1]}`,
	`{"model":null,"system":null,"messages":null,"stop_sequences":null,"tools":null,"tool_choice":null,"metadata":null}`,
	`{"model":"m","max_tokens":"x","messages":[]}`,
	`{"model":"m","messages":[null,5]}`,
	`{"model":"m","stop_sequences":[1]}`,
	`{"model":`,
	`[]`,
}

// FuzzDecodeMsgReq is FuzzDecodeChatReq for Anthropic messages requests.
func FuzzDecodeMsgReq(f *testing.F) {
	for _, c := range msgDecodeCases {
		f.Add([]byte(c))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if !plainKeys(body) {
			return
		}
		var got, want msgReq
		err := decodeMsgReq(body, &got)
		werr := json.Unmarshal(body, &want)
		if (err == nil) != (werr == nil) {
			t.Fatalf("decodeMsgReq(%q) error = %v; encoding/json error = %v", body, err, werr)
		}
		if err != nil {
			return
		}
		if diff := cmp.Diff(want, got, cmp.AllowUnexported(msgReq{}), cmp.FilterPath(func(p cmp.Path) bool {
			return strings.Contains(p.GoString(), "spans")
		}, cmp.Ignore())); diff != "" {
			t.Fatalf("decodeMsgReq(%q) mismatch with encoding/json (-want +got):\n%s", body, diff)
		}
		if len(got.Messages) == 0 || got.Model == "" {
			return
		}
		e := &msgEdit{system: json.RawMessage(`"sys"`), content: map[int]json.RawMessage{0: json.RawMessage(`"edited"`)}}
		out, err := editAnthropicBody(body, &got.spans, "renamed", got.Model, e)
		if err != nil {
			return
		}
		var ed msgReq
		if err := json.Unmarshal(out, &ed); err != nil {
			t.Fatalf("editAnthropicBody(%q) = %q: invalid JSON: %v", body, out, err)
		}
		if ed.Model != "renamed" || string(ed.System) != `"sys"` || len(ed.Messages) != len(got.Messages) || string(ed.Messages[0].Content) != `"edited"` {
			t.Fatalf("editAnthropicBody(%q) = %q; edits missing", body, out)
		}
	})
}
