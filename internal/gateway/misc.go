package gateway

import (
	"encoding/json"
	"io"
	"net/http"

	"github.com/bulwark-ai/bulwark/internal/guard"
	"github.com/bulwark-ai/bulwark/internal/provider"
)

// handleEmbeddings relays POST /v1/embeddings. String inputs go through the
// input checks (as user text); token-array inputs pass unchecked.
func (g *Gateway) handleEmbeddings(w http.ResponseWriter, r *http.Request) {
	x := g.begin(w, r, "embeddings", wireOpenAI, "/v1/embeddings")
	var req struct {
		Model string          `json:"model"`
		Input json.RawMessage `json:"input"`
	}
	body, ok := x.admit(&req)
	if !ok {
		return
	}
	if isNull(req.Input) {
		x.fail(errBadRequest("input: required"))
		return
	}
	if e := x.resolve(req.Model); e != nil {
		x.fail(e)
		return
	}
	var texts []string
	single := isString(req.Input)
	if single {
		var s string
		json.Unmarshal(req.Input, &s)
		texts = []string{s}
	} else if json.Unmarshal(req.Input, &texts) != nil {
		texts = nil // token arrays
	}
	x.beginGuard(req.Model, "", false, nil)
	segs := make([]guard.Segment, len(texts))
	for i, t := range texts {
		segs[i] = guard.Segment{ID: i, Source: guard.SourceUser, Text: t}
	}
	newInput := json.RawMessage(nil)
	if len(segs) > 0 {
		res, err := x.sess.CheckInput(x.ctx, segs)
		if err != nil {
			x.fail(x.guardError(err))
			return
		}
		for i := range texts {
			if res.Texts[i] != texts[i] {
				if single {
					newInput, _ = json.Marshal(res.Texts[0])
				} else {
					newInput, _ = json.Marshal(res.Texts)
				}
				break
			}
		}
	}
	res, e := x.call(func(t provider.Target) (provider.API, []byte, error) {
		if !t.Upstream.Speaks(provider.APIEmbeddings) {
			return 0, nil, errBadRequest("model " + req.Model + " does not serve embeddings")
		}
		if t.Model == req.Model && newInput == nil {
			return provider.APIEmbeddings, body, nil
		}
		var top map[string]json.RawMessage
		if err := json.Unmarshal(body, &top); err != nil {
			return 0, nil, err
		}
		top["model"], _ = json.Marshal(t.Model)
		if newInput != nil {
			top["input"] = newInput
		}
		b, err := json.Marshal(top)
		return provider.APIEmbeddings, b, err
	})
	if e != nil {
		x.fail(e)
		return
	}
	defer res.Resp.Body.Close()
	if res.Resp.StatusCode/100 != 2 {
		x.fail(upstreamError(res.Resp))
		return
	}
	b, err := io.ReadAll(io.LimitReader(res.Resp.Body, maxUpstreamBody))
	if err != nil || !json.Valid(b) {
		x.fail(errUpstream(http.StatusBadGateway, "the upstream sent an invalid response"))
		return
	}
	var u struct {
		Usage oaUsage `json:"usage"`
	}
	json.Unmarshal(b, &u)
	x.usage(u.Usage.PromptTokens, 0)
	x.captureResponse(b)
	x.ev.Status = http.StatusOK
	if err := x.record(); err != nil {
		x.fail(errInternal("the audit log is unavailable, so the response was withheld", "audit_error"))
		return
	}
	x.verdictHeader()
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(http.StatusOK)
	w.Write(b)
	x.finish(http.StatusOK)
}

// handleModels lists the models the key may use, in the OpenAI shape, or in
// the Anthropic shape when the client sent anthropic-version.
func (g *Gateway) handleModels(w http.ResponseWriter, r *http.Request) {
	wf := wireOpenAI
	if r.Header.Get("anthropic-version") != "" {
		wf = wireAnthropic
	}
	x := g.begin(w, r, "models", wf, "/v1/models")
	if e := x.authenticate(); e != nil {
		x.fail(e)
		return
	}
	var data []map[string]any
	for _, m := range x.st.Router.Models() {
		if !x.entry.Principal.AllowsModel(m) {
			continue
		}
		if wf == wireAnthropic {
			data = append(data, map[string]any{"id": m, "type": "model", "display_name": m, "created_at": "1970-01-01T00:00:00Z"})
		} else {
			data = append(data, map[string]any{"id": m, "object": "model", "created": 0, "owned_by": "bulwark"})
		}
	}
	if data == nil {
		data = []map[string]any{}
	}
	var out map[string]any
	if wf == wireAnthropic {
		out = map[string]any{"data": data, "has_more": false, "first_id": nil, "last_id": nil}
		if len(data) > 0 {
			out["first_id"], out["last_id"] = data[0]["id"], data[len(data)-1]["id"]
		}
	} else {
		out = map[string]any{"object": "list", "data": data}
	}
	b, _ := json.Marshal(out)
	w.Header().Set("Content-Type", "application/json")
	w.Write(b)
	x.finish(http.StatusOK)
}
