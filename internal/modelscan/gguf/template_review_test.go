package gguf

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// Jinja's lexer reads string literals inside {{ }} and {% %} as tokens, so a
// "}}" or "%}" inside a string does not end the block. The checker must not
// end the code region there either, or everything after it is taken for
// printed text and never checked.
func TestCheckTemplateDelimiterInString(t *testing.T) {
	tests := []struct {
		name, tpl string
		want      modelscan.Severity
	}{
		{"var_end_in_single_quotes", `{{ '}}' ~ cycler.__init__.__globals__.os.popen('id').read() }}`, modelscan.SeverityCritical},
		{"var_end_in_double_quotes", `{{ "}}" ~ lipsum.__globals__['os'].popen('id').read() }}`, modelscan.SeverityCritical},
		{"block_end_in_string", `{% set x = "%}" ~ joiner.__init__.__globals__ %}{{ x }}`, modelscan.SeverityCritical},
		{"escaped_quote_then_end", `{{ 'a\'}}' ~ cycler.__init__ }}`, modelscan.SeverityCritical},
		{"comment_then_code", `{# '}} #}{{ cycler.__init__ }}`, modelscan.SeverityCritical},
		// Jinja decodes string literals with Python's unicode-escape: \U,
		// \N{...} and short octal escapes spell names too.
		{"escape_U_chain", `{{ cycler['\U0000005f\U0000005finit\U0000005f\U0000005f']['\U0000005f\U0000005fglobals\U0000005f\U0000005f']['\U0000006fs']['\U00000070open']('id').read() }}`, modelscan.SeverityHigh},
		{"escape_N_name", `{{ cycler['\N{LOW LINE}\N{LOW LINE}init\N{LOW LINE}\N{LOW LINE}'] }}`, modelscan.SeverityHigh},
		{"escape_hex_letters", `{{ cycler['\x69nit']['\x67lobals']['\x6fs'] }}`, modelscan.SeverityHigh},
		{"join_built_dunder", `{{ cycler[(['_','_','init','_','_']|join)] }}`, modelscan.SeverityHigh},
		{"format_built_dunder", `{{ cycler[('%s%sinit%s%s'|format('_','_','_','_'))] }}`, modelscan.SeverityHigh},
		{"repr_underscore_dynamic_keys", `{% set u = (lipsum|string|list)[18] %}{{ cycler[u~u~'in'~'it'~u~u][u~u~'glo'~'bals'~u~u]['o'~'s']['po'~'pen']('id').read() }}`, modelscan.SeverityHigh},
		{"repr_char_index", `{% set u = (joiner|string)[9] %}{{ u }}`, modelscan.SeverityHigh},
		{"dynamic_key_only", `{{ x[a ~ b][c ~ d] }}`, modelscan.SeverityHigh},
		{"escape_short_octal", `{{ x['\137\137class\137\137'] }}`, modelscan.SeverityCritical},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := maxSeverity(CheckTemplate(tc.tpl))
			if got < tc.want {
				t.Errorf("CheckTemplate(%q) max severity = %v; want >= %v", tc.tpl, got, tc.want)
			}
		})
	}
}

// Templates of widely used models must produce nothing at high or above.
func TestCheckTemplateBenignModels(t *testing.T) {
	tests := []struct{ name, tpl string }{
		{"chatml", "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\n' + message['content'] + '<|im_end|>' + '\n'}}{% endfor %}{% if add_generation_prompt %}{{ '<|im_start|>assistant\n' }}{% endif %}"},
		{"llama3", "{% set loop_messages = messages %}{% for message in loop_messages %}{% set content = '<|start_header_id|>' + message['role'] + '<|end_header_id|>\n\n'+ message['content'] | trim + '<|eot_id|>' %}{% if loop.index0 == 0 %}{% set content = bos_token + content %}{% endif %}{{ content }}{% endfor %}{% if add_generation_prompt %}{{ '<|start_header_id|>assistant<|end_header_id|>\n\n' }}{% endif %}"},
		{"llama32_tools", `{{- bos_token }}{%- if custom_tools is defined %}{%- set tools = custom_tools %}{%- endif %}{%- if not tools_in_user_message is defined %}{%- set tools_in_user_message = true %}{%- endif %}{%- if not date_string is defined %}{%- if strftime_now is defined %}{%- set date_string = strftime_now("%d %b %Y") %}{%- else %}{%- set date_string = "26 Jul 2024" %}{%- endif %}{%- endif %}{%- if messages[0]['role'] == 'system' %}{%- set system_message = messages[0]['content']|trim %}{%- set messages = messages[1:] %}{%- else %}{%- set system_message = "" %}{%- endif %}{{- "<|start_header_id|>system<|end_header_id|>\n\n" }}{%- if tools is not none %}{{- "Environment: ipython\n" }}{%- endif %}{{- "Cutting Knowledge Date: December 2023\n" }}{{- "Today Date: " + date_string + "\n\n" }}{%- for t in tools %}{{- t | tojson(indent=4) }}{{- "\n\n" }}{%- endfor %}{{- system_message }}{{- "<|eot_id|>" }}{%- for message in messages %}{%- if 'tool_calls' in message %}{%- if not message.tool_calls|length == 1 %}{{- raise_exception("This model only supports single tool-calls at once!") }}{%- endif %}{%- set tool_call = message.tool_calls[0].function %}{{- '{"name": "' + tool_call.name + '", ' }}{{- '"parameters": ' }}{{- tool_call.arguments | tojson }}{{- "}" }}{%- endif %}{%- endfor %}`},
		{"qwen25_tools", `{%- if tools %}{{- '<|im_start|>system\n' }}{%- if messages[0]['role'] == 'system' %}{{- messages[0]['content'] }}{%- else %}{{- 'You are Qwen, created by Alibaba Cloud. You are a helpful assistant.' }}{%- endif %}{{- "\n\n# Tools\n\nYou may call one or more functions to assist with the user query.\n\nYou are provided with function signatures within <tools></tools> XML tags:\n<tools>" }}{%- for tool in tools %}{{- "\n" }}{{- tool | tojson }}{%- endfor %}{{- "\n</tools>\n\nFor each function call, return a json object with function name and arguments within <tool_call></tool_call> XML tags:\n<tool_call>\n{\"name\": <function-name>, \"arguments\": <args-json-object>}\n</tool_call><|im_end|>\n" }}{%- endif %}{%- for message in messages %}{%- if message.tool_calls %}{%- for tool_call in message.tool_calls %}{%- if tool_call.function is defined %}{%- set tool_call = tool_call.function %}{%- endif %}{{- '\n<tool_call>\n{"name": "' }}{{- tool_call.name }}{{- '", "arguments": ' }}{{- tool_call.arguments | tojson }}{{- '}\n</tool_call>' }}{%- endfor %}{%- endif %}{%- endfor %}`},
		{"deepseek_r1", `{% if not add_generation_prompt is defined %}{% set add_generation_prompt = false %}{% endif %}{% set ns = namespace(is_first=false, is_tool=false, is_output_first=true, system_prompt='') %}{%- for message in messages %}{%- if message['role'] == 'system' %}{% set ns.system_prompt = message['content'] %}{%- endif %}{%- endfor %}{{bos_token}}{{ns.system_prompt}}{%- for message in messages %}{%- if message['role'] == 'assistant' and message['content'] is not none %}{% set content = message['content'] %}{% if '</think>' in content %}{% set content = content.split('</think>')[-1] %}{% endif %}{{'<｜Assistant｜>' + content + '<｜end▁of▁sentence｜>'}}{%- endif %}{%- endfor %}`},
		{"mistral", "{{ bos_token }}{% for message in messages %}{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}{% endif %}{% if message['role'] == 'user' %}{{ '[INST] ' + message['content'] + ' [/INST]' }}{% elif message['role'] == 'assistant' %}{{ message['content'] + eos_token}}{% endif %}{% endfor %}"},
		{"gemma", "{{ bos_token }}{% if messages[0]['role'] == 'system' %}{{ raise_exception('System role not supported') }}{% endif %}{% for message in messages %}{% if (message['role'] == 'assistant') %}{% set role = 'model' %}{% else %}{% set role = message['role'] %}{% endif %}{{ '<start_of_turn>' + role + '\n' + message['content'] | trim + '<end_of_turn>\n' }}{% endfor %}{% if add_generation_prompt %}{{'<start_of_turn>model\n'}}{% endif %}"},
		{"replace_underscore", `{{ tool.name|replace('_', ' ') }}{{ tool.name.replace(' ', '_') }}{{ [a, b]|join('_') }}{{ '_'.join([a, b]) }}{{ '%s' % x }}`},
		{"ordinary_concat_and_index", `{{ messages[0]['content'] ~ '\n' }}{{ (message['content'] ~ 'x')|trim }}{{ [a ~ b, c] }}{{ ns.items[loop.index0] }}{{ message['content']|string }}`},
		{"braces_in_strings", `{{ '{"a": {"b": 1}}' }}{% if x == "%}" %}{{ '}}' }}{% endif %}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, f := range CheckTemplate(tc.tpl) {
				if f.Severity >= modelscan.SeverityHigh {
					t.Errorf("CheckTemplate(%s) = %s %s %q; want nothing at high or above", tc.name, f.Severity, f.RuleID, f.Evidence)
				}
			}
		})
	}
}

func maxSeverity(fs []modelscan.Finding) modelscan.Severity {
	var m modelscan.Severity
	for _, f := range fs {
		if f.Severity > m {
			m = f.Severity
		}
	}
	return m
}

// Strings over maxKeptString are skipped rather than kept; a chat template
// padded past that size must not be checked as an empty template (llama.cpp
// renders templates of any size).
func TestScanOversizedChatTemplate(t *testing.T) {
	evil := strings.Repeat(" ", maxKeptString) + "{{ cycler.__init__.__globals__.os.popen('id').read() }}"
	f := build(3, benignKVs(evil), benignTensors, make([]byte, 66))
	var rec recorder
	if err := (Format{}).Scan(context.Background(), modelscan.Object{Name: "m.gguf", R: bytes.NewReader(f), Size: int64(len(f))}, &rec); err != nil {
		t.Fatalf("Scan error = %v", err)
	}
	if got := maxSeverity(rec.findings); got < modelscan.SeverityHigh {
		t.Errorf("Scan(chat template of %d bytes) max severity = %v; want >= high", len(evil), got)
	}
}

// llama.cpp refuses a tensor name of GGML_MAX_NAME (64) bytes or more, so
// such a file is malformed; keeping megabyte names for millions of tensors
// would also cost memory out of proportion to what a model needs.
func TestScanLongTensorName(t *testing.T) {
	ts := []Tensor{{Name: strings.Repeat("n", 64), Dims: []uint64{4, 2}, Type: 0, Offset: 0}}
	f := build(3, benignKVs(benignTemplate), ts, make([]byte, 32))
	var rec recorder
	if err := (Format{}).Scan(context.Background(), modelscan.Object{Name: "m.gguf", R: bytes.NewReader(f), Size: int64(len(f))}, &rec); err != nil {
		t.Fatalf("Scan error = %v", err)
	}
	if got := maxSeverity(rec.findings); got < modelscan.SeverityHigh {
		t.Errorf("Scan(tensor name of 64 bytes) max severity = %v; want >= high (malformed)", got)
	}
}
