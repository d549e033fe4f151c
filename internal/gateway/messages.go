package gateway

import (
	"encoding/json"
	"net/http"

	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/provider"
)

// handleMessages serves the Anthropic Messages API (POST /v1/messages).
func (g *Gateway) handleMessages(w http.ResponseWriter, r *http.Request) {
	x := g.begin(w, r, "messages", wireAnthropic, "/v1/messages")
	var req msgReq
	body, ok := x.admitWith(func(b []byte) error { return decodeMsgReq(b, &req) })
	if !ok {
		return
	}
	if len(req.Messages) == 0 {
		x.fail(errBadRequest("messages: at least one message is required"))
		return
	}
	if e := x.resolve(req.Model); e != nil {
		x.fail(e)
		return
	}
	for _, t := range req.Tools {
		x.ev.Tools = append(x.ev.Tools, t.Name)
	}
	// Entry 0 is the system prompt; entry i+1 is message i.
	contents := make([]json.RawMessage, len(req.Messages)+1)
	sources := make([]guard.Source, len(req.Messages)+1)
	contents[0], sources[0] = req.System, guard.SourceSystem
	for i, m := range req.Messages {
		contents[i+1], sources[i+1] = m.Content, roleSource(m.Role)
	}
	x.beginGuard(req.Model, plainText(req.System), req.Stream, nil)
	edit, e := x.guardMessages(contents, sources)
	if e != nil {
		x.fail(e)
		return
	}
	if nc, ok := edit.content[0]; ok {
		edit.system = nc
		delete(edit.content, 0)
	}
	if c := x.sess.Canary(); c != "" {
		cur := req.System
		if edit.system != nil {
			cur = edit.system
		}
		sep := "\n\n"
		if isNull(cur) {
			sep = ""
		}
		nc, err := appendText(cur, sep+c)
		if err != nil {
			x.fail(errBadRequest("system: invalid content"))
			return
		}
		edit.system = nc
	}
	// Shift message edits to message indexes and apply them to req for
	// translation.
	shifted := map[int]json.RawMessage{}
	for i, c := range edit.content {
		shifted[i-1] = c
		req.Messages[i-1].Content = c
	}
	edit.content = shifted
	if edit.system != nil {
		req.System = edit.system
	}
	res, e := x.call(func(t provider.Target) (provider.API, []byte, error) {
		if t.Upstream.Speaks(provider.APIMessages) {
			b, err := editAnthropicBody(body, &req.spans, t.Model, req.Model, edit)
			return provider.APIMessages, b, err
		}
		b, err := messagesToChat(&req, t.Model)
		return provider.APIChat, b, err
	})
	if e != nil {
		x.fail(e)
		return
	}
	x.respond(res, &clientOut{wire: wireAnthropic, model: req.Model, stream: req.Stream})
}
