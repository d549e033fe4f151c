package mcp

import (
	"encoding/json"
	"errors"
	"io"
	"net/http"

	"github.com/bulwark-ai/bulwark/internal/agent"
)

// ToolsHandler serves the tool-pinning admin API under /admin/tools/:
//
//	GET  /admin/tools/                         every pinned tool and its status
//	GET  /admin/tools/{server}/{tool}          one pin, with a pending contract to review
//	POST /admin/tools/{server}/{tool}/approve  {"hash": "<pending hash>", "actor": "..."}
//
// Approving makes the pending contract the pinned one; "hash" (optional but
// recommended) must equal the pending hash, so the operator approves exactly
// the version they reviewed. The actor comes from the body or the
// X-Bulwark-Actor header.
func (g *Gateway) ToolsHandler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/tools/{$}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"tools": g.opts.Pins.List()})
	})
	mux.HandleFunc("GET /admin/tools/{server}/{tool}", func(w http.ResponseWriter, r *http.Request) {
		p, ok := g.opts.Pins.Get(r.PathValue("server"), r.PathValue("tool"))
		if !ok {
			writeError(w, http.StatusNotFound, "pinned tool not found")
			return
		}
		writeJSON(w, http.StatusOK, p)
	})
	mux.HandleFunc("POST /admin/tools/{server}/{tool}/approve", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Hash  string `json:"hash"`
			Actor string `json:"actor"`
		}
		b, err := io.ReadAll(io.LimitReader(r.Body, 64<<10))
		if err != nil {
			writeError(w, http.StatusBadRequest, "could not read body")
			return
		}
		if len(b) > 0 {
			if err := json.Unmarshal(b, &body); err != nil {
				writeError(w, http.StatusBadRequest, "invalid JSON body")
				return
			}
		}
		if body.Actor == "" {
			body.Actor = r.Header.Get(agent.ActorHeader)
		}
		if body.Actor == "" {
			writeError(w, http.StatusBadRequest, "actor is required (body \"actor\" or "+agent.ActorHeader+" header)")
			return
		}
		server := r.PathValue("server")
		p, err := g.opts.Pins.Approve(r.Context(), server, r.PathValue("tool"), body.Hash, body.Actor)
		switch {
		case errors.Is(err, ErrPinNotFound):
			writeError(w, http.StatusNotFound, "pinned tool not found")
			return
		case err != nil:
			writeJSON(w, http.StatusConflict, map[string]any{"error": map[string]string{"message": err.Error()}, "tool": p})
			return
		}
		g.MarkStale(server)
		writeJSON(w, http.StatusOK, p)
	})
	return mux
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]any{"error": map[string]string{"message": msg}})
}
