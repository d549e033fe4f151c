package mock

import (
	"encoding/json"
	"net/http"
)

type obj = map[string]any

func (h *Handler) chat(w http.ResponseWriter, r *http.Request, req *request) {
	last, total := req.lastUser()
	s := h.answer(last, total)
	if s.status != 0 {
		openAIError(w, s.status, "mock scripted error")
		return
	}
	const id = "chatcmpl-mock"
	usage := obj{"prompt_tokens": s.in, "completion_tokens": s.out, "total_tokens": s.in + s.out}
	finish := "stop"
	if len(s.tools) > 0 {
		finish = "tool_calls"
	}
	if !req.Stream {
		msg := obj{"role": "assistant", "content": s.text}
		if len(s.tools) > 0 {
			var calls []obj
			for i, t := range s.tools {
				calls = append(calls, obj{"id": toolID(i), "type": "function", "function": obj{"name": t.Name, "arguments": t.Arguments}})
			}
			msg["tool_calls"] = calls
			if s.text == "" {
				msg["content"] = nil
			}
		}
		writeJSON(w, http.StatusOK, obj{
			"id": id, "object": "chat.completion", "created": 0, "model": req.Model,
			"choices": []obj{{"index": 0, "message": msg, "finish_reason": finish}},
			"usage":   usage,
		})
		return
	}
	st := newStreamer(w, r, h.cfg.ChunkDelay.D())
	chunk := func(delta obj, fin any) obj {
		return obj{"id": id, "object": "chat.completion.chunk", "created": 0, "model": req.Model,
			"choices": []obj{{"index": 0, "delta": delta, "finish_reason": fin}}}
	}
	st.send("", chunk(obj{"role": "assistant", "content": ""}, nil))
	for _, c := range chunks(s.text, h.cfg.Chunks) {
		st.pause()
		st.send("", chunk(obj{"content": c}, nil))
	}
	for i, t := range s.tools {
		st.send("", chunk(obj{"tool_calls": []obj{{"index": i, "id": toolID(i), "type": "function", "function": obj{"name": t.Name, "arguments": ""}}}}, nil))
		for _, c := range chunks(t.Arguments, 2) {
			st.send("", chunk(obj{"tool_calls": []obj{{"index": i, "function": obj{"arguments": c}}}}, nil))
		}
	}
	st.send("", chunk(obj{}, finish))
	if req.StreamOptions != nil && req.StreamOptions.IncludeUsage {
		st.send("", obj{"id": id, "object": "chat.completion.chunk", "created": 0, "model": req.Model, "choices": []obj{}, "usage": usage})
	}
	st.send("", "[DONE]")
}

func (h *Handler) messages(w http.ResponseWriter, r *http.Request, req *request) {
	last, total := req.lastUser()
	s := h.answer(last, total)
	if s.status != 0 {
		anthropicError(w, s.status, "mock scripted error")
		return
	}
	const id = "msg_mock"
	stop := "end_turn"
	if len(s.tools) > 0 {
		stop = "tool_use"
	}
	var content []obj
	if s.text != "" || len(s.tools) == 0 {
		content = append(content, obj{"type": "text", "text": s.text})
	}
	for i, t := range s.tools {
		var input any = obj{}
		if t.Arguments != "" {
			json.Unmarshal([]byte(t.Arguments), &input)
		}
		content = append(content, obj{"type": "tool_use", "id": toolID(i), "name": t.Name, "input": input})
	}
	if !req.Stream {
		writeJSON(w, http.StatusOK, obj{
			"id": id, "type": "message", "role": "assistant", "model": req.Model, "content": content,
			"stop_reason": stop, "stop_sequence": nil,
			"usage": obj{"input_tokens": s.in, "output_tokens": s.out},
		})
		return
	}
	st := newStreamer(w, r, h.cfg.ChunkDelay.D())
	st.send("message_start", obj{"type": "message_start", "message": obj{
		"id": id, "type": "message", "role": "assistant", "model": req.Model, "content": []obj{},
		"stop_reason": nil, "stop_sequence": nil, "usage": obj{"input_tokens": s.in, "output_tokens": 1}}})
	for i, b := range content {
		if b["type"] == "text" {
			st.send("content_block_start", obj{"type": "content_block_start", "index": i, "content_block": obj{"type": "text", "text": ""}})
			st.send("ping", obj{"type": "ping"})
			for _, c := range chunks(s.text, h.cfg.Chunks) {
				st.pause()
				st.send("content_block_delta", obj{"type": "content_block_delta", "index": i, "delta": obj{"type": "text_delta", "text": c}})
			}
		} else {
			st.send("content_block_start", obj{"type": "content_block_start", "index": i, "content_block": obj{"type": "tool_use", "id": b["id"], "name": b["name"], "input": obj{}}})
			args, _ := json.Marshal(b["input"])
			for _, c := range chunks(string(args), 2) {
				st.send("content_block_delta", obj{"type": "content_block_delta", "index": i, "delta": obj{"type": "input_json_delta", "partial_json": c}})
			}
		}
		st.send("content_block_stop", obj{"type": "content_block_stop", "index": i})
	}
	st.send("message_delta", obj{"type": "message_delta", "delta": obj{"stop_reason": stop, "stop_sequence": nil}, "usage": obj{"output_tokens": s.out}})
	st.send("message_stop", obj{"type": "message_stop"})
}

func (h *Handler) responses(w http.ResponseWriter, r *http.Request, req *request) {
	last, total := req.lastUser()
	s := h.answer(last, total)
	if s.status != 0 {
		openAIError(w, s.status, "mock scripted error")
		return
	}
	const id, msgID = "resp_mock", "msg_mock"
	var output []obj
	textItem := func(text, status string) obj {
		return obj{"id": msgID, "type": "message", "status": status, "role": "assistant",
			"content": []obj{{"type": "output_text", "text": text, "annotations": []any{}}}}
	}
	if s.text != "" || len(s.tools) == 0 {
		output = append(output, textItem(s.text, "completed"))
	}
	for i, t := range s.tools {
		output = append(output, obj{"id": "fc_" + toolID(i), "type": "function_call", "status": "completed",
			"call_id": toolID(i), "name": t.Name, "arguments": t.Arguments})
	}
	resp := func(status string, out []obj) obj {
		o := obj{"id": id, "object": "response", "created_at": 0, "status": status, "model": req.Model,
			"output": out, "parallel_tool_calls": true, "tool_choice": "auto", "tools": []any{}}
		if status == "completed" {
			o["usage"] = obj{"input_tokens": s.in, "output_tokens": s.out, "total_tokens": s.in + s.out,
				"input_tokens_details": obj{"cached_tokens": 0}, "output_tokens_details": obj{"reasoning_tokens": 0}}
		}
		return o
	}
	if !req.Stream {
		writeJSON(w, http.StatusOK, resp("completed", output))
		return
	}
	st := newStreamer(w, r, h.cfg.ChunkDelay.D())
	seq := 0
	send := func(typ string, o obj) {
		o["type"] = typ
		o["sequence_number"] = seq
		seq++
		st.send(typ, o)
	}
	send("response.created", obj{"response": resp("in_progress", []obj{})})
	idx := 0
	if s.text != "" || len(s.tools) == 0 {
		send("response.output_item.added", obj{"output_index": 0, "item": obj{"id": msgID, "type": "message", "status": "in_progress", "role": "assistant", "content": []obj{}}})
		send("response.content_part.added", obj{"output_index": 0, "item_id": msgID, "content_index": 0, "part": obj{"type": "output_text", "text": "", "annotations": []any{}}})
		for _, c := range chunks(s.text, h.cfg.Chunks) {
			st.pause()
			send("response.output_text.delta", obj{"output_index": 0, "item_id": msgID, "content_index": 0, "delta": c})
		}
		send("response.output_text.done", obj{"output_index": 0, "item_id": msgID, "content_index": 0, "text": s.text})
		send("response.content_part.done", obj{"output_index": 0, "item_id": msgID, "content_index": 0, "part": obj{"type": "output_text", "text": s.text, "annotations": []any{}}})
		send("response.output_item.done", obj{"output_index": 0, "item": textItem(s.text, "completed")})
		idx++
	}
	for i := range s.tools {
		item := output[idx]
		send("response.output_item.added", obj{"output_index": idx, "item": item})
		send("response.function_call_arguments.done", obj{"output_index": idx, "item_id": item["id"], "arguments": s.tools[i].Arguments})
		send("response.output_item.done", obj{"output_index": idx, "item": item})
		idx++
	}
	send("response.completed", obj{"response": resp("completed", output)})
}

func (h *Handler) embeddings(w http.ResponseWriter, req *request) {
	var inputs []json.RawMessage
	if json.Unmarshal(req.Input, &inputs) != nil {
		inputs = []json.RawMessage{req.Input}
	}
	data := make([]obj, 0, len(inputs))
	n := 0
	for i, in := range inputs {
		n += len(in)
		// Deterministic 8-dimensional vector from the input bytes.
		vec := make([]float64, 8)
		for j, c := range in {
			vec[j%8] += float64(c) / 1000
		}
		data = append(data, obj{"object": "embedding", "index": i, "embedding": vec})
	}
	writeJSON(w, http.StatusOK, obj{"object": "list", "data": data, "model": req.Model,
		"usage": obj{"prompt_tokens": tokens(n), "total_tokens": tokens(n)}})
}
