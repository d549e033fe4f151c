package agent

import (
	"encoding/json"
	"time"

	"errors"
	"github.com/bulwark-ai/bulwark/internal/audit"
	"io"
	"net/http"
	"strings"
)

// ActorHeader names the operator or approver making an admin call, when the
// body does not. The admin listener's own authentication decides who may
// call at all; this is the identity written to the audit log.
const ActorHeader = "X-Bulwark-Actor"

const maxAdminBody = 64 << 10

// Handler serves the approvals admin API under /admin/approvals/:
//
//	GET  /admin/approvals/            pending approvals (?all=1: also decided)
//	GET  /admin/approvals/{id}        one approval
//	POST /admin/approvals/{id}/approve  {"approver": "...", "comment": "..."}
//	POST /admin/approvals/{id}/deny     same body
//
// The approver comes from the body or the X-Bulwark-Actor header and is
// required.
func (a *Approvals) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/approvals/{$}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"approvals": a.List(r.URL.Query().Get("all") != "")})
	})
	mux.HandleFunc("GET /admin/approvals/{id}", func(w http.ResponseWriter, r *http.Request) {
		ap, ok := a.Get(r.PathValue("id"))
		if !ok {
			writeError(w, http.StatusNotFound, "approval not found")
			return
		}
		writeJSON(w, http.StatusOK, ap)
	})
	mux.HandleFunc("POST /admin/approvals/{id}/{action}", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Approver string `json:"approver"`
			Comment  string `json:"comment"`
		}
		if !readJSON(w, r, &body) {
			return
		}
		action := r.PathValue("action")
		if action != "approve" && action != "deny" {
			writeError(w, http.StatusNotFound, "unknown action (want approve or deny)")
			return
		}
		if body.Approver == "" {
			body.Approver = r.Header.Get(ActorHeader)
		}
		if body.Approver == "" {
			writeError(w, http.StatusBadRequest, "approver is required (body \"approver\" or "+ActorHeader+" header)")
			return
		}
		ap, err := a.Resolve(r.Context(), r.PathValue("id"), Resolution{Approve: action == "approve", Approver: body.Approver, Comment: body.Comment})
		switch {
		case errors.Is(err, ErrApprovalNotFound):
			writeError(w, http.StatusNotFound, "approval not found")
		case errors.Is(err, ErrAlreadyDecided):
			writeJSON(w, http.StatusConflict, map[string]any{"error": map[string]string{"message": "approval already decided"}, "approval": ap})
		case err != nil:
			writeError(w, http.StatusInternalServerError, "approval could not be recorded")
		default:
			writeJSON(w, http.StatusOK, ap)
		}
	})
	return mux
}

// Handler serves the kill-switch admin API under /admin/kill/:
//
//	GET  /admin/kill/          disabled targets
//	POST /admin/kill/disable   {"kind": "agent", "name": "billing-bot", "reason": "...", "actor": "..."}
//	POST /admin/kill/enable    {"kind": "agent", "name": "billing-bot", "actor": "..."}
func (k *KillSwitch) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/kill/{$}", func(w http.ResponseWriter, r *http.Request) {
		writeJSON(w, http.StatusOK, map[string]any{"disabled": k.List()})
	})
	mux.HandleFunc("POST /admin/kill/{action}", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Kind   string `json:"kind"`
			Name   string `json:"name"`
			Reason string `json:"reason"`
			Actor  string `json:"actor"`
		}
		if !readJSON(w, r, &body) {
			return
		}
		if body.Actor == "" {
			body.Actor = r.Header.Get(ActorHeader)
		}
		if body.Actor == "" {
			writeError(w, http.StatusBadRequest, "actor is required (body \"actor\" or "+ActorHeader+" header)")
			return
		}
		t := Target{Kind: body.Kind, Name: body.Name}
		if err := ValidTarget(t); err != nil {
			writeError(w, http.StatusBadRequest, err.Error())
			return
		}
		var err error
		switch r.PathValue("action") {
		case "disable":
			err = k.Disable(r.Context(), t, body.Actor, body.Reason)
		case "enable":
			err = k.Enable(r.Context(), t, body.Actor)
		default:
			writeError(w, http.StatusNotFound, "unknown action (want disable or enable)")
			return
		}
		if err != nil {
			writeError(w, http.StatusInternalServerError, "kill switch change could not be recorded")
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"disabled": k.List()})
	})
	return mux
}

func readJSON(w http.ResponseWriter, r *http.Request, v any) bool {
	b, err := io.ReadAll(io.LimitReader(r.Body, maxAdminBody+1))
	if err != nil {
		writeError(w, http.StatusBadRequest, "could not read body")
		return false
	}
	if len(b) > maxAdminBody {
		writeError(w, http.StatusRequestEntityTooLarge, "body too large")
		return false
	}
	if len(strings.TrimSpace(string(b))) == 0 {
		return true
	}
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		writeError(w, http.StatusBadRequest, "invalid JSON body")
		return false
	}
	return true
}

// writeJSON writes v as an indented JSON response.
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

// Handler serves the agents overview under /admin/agents/:
//
//	GET  /admin/agents/               policy directory, allow-lists, pending approvals, disabled targets
//	POST /admin/agents/policy/reload  recompile the policy directory (kept on error)
//
// A reload is audited with the actor from the body or X-Bulwark-Actor.
func (s *Stack) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /admin/agents/{$}", func(w http.ResponseWriter, r *http.Request) {
		out := map[string]any{
			"allow_lists":       s.Firewall.AllowLists(),
			"approvals_pending": len(s.Approvals.List(false)),
			"disabled":          s.Kill.List(),
		}
		if eng := s.Policy(); eng != nil {
			out["policy_dir"] = eng.Dir()
		}
		writeJSON(w, http.StatusOK, out)
	})
	mux.HandleFunc("POST /admin/agents/policy/reload", func(w http.ResponseWriter, r *http.Request) {
		var body struct {
			Actor string `json:"actor"`
		}
		if !readJSON(w, r, &body) {
			return
		}
		if body.Actor == "" {
			body.Actor = r.Header.Get(ActorHeader)
		}
		if body.Actor == "" {
			writeError(w, http.StatusBadRequest, "actor is required (body \"actor\" or "+ActorHeader+" header)")
			return
		}
		eng := s.Policy()
		if eng == nil {
			writeError(w, http.StatusConflict, "no policy directory configured")
			return
		}
		err := eng.Reload(r.Context())
		ev := &audit.Event{Time: time.Now().UTC(), Kind: audit.KindControl, Actor: body.Actor, Action: "policy.reload", Target: "policy:" + eng.Dir(), Decision: "ok"}
		if err != nil {
			ev.Decision, ev.Reason = "error", "policy did not compile; the running policy is kept"
		}
		if s.auditor != nil {
			if aerr := s.auditor.Record(r.Context(), ev); aerr != nil {
				writeError(w, http.StatusInternalServerError, "reload could not be audited")
				return
			}
		}
		if err != nil {
			// Compile errors name policy files and lines, not request data.
			writeError(w, http.StatusUnprocessableEntity, err.Error())
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"reloaded": true, "policy_dir": eng.Dir()})
	})
	return mux
}
