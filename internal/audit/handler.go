package audit

import (
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/bulwark-ai/bulwark/internal/store"
)

// EntryView is an entry as the admin API and export show it: the event
// decoded from the signed leaf (payload bytes are never in it), the leaf
// hash and the payload commitments.
type EntryView struct {
	Index    uint64       `json:"index"`
	LeafHash string       `json:"leaf_hash"` // hex
	Event    *Event       `json:"event,omitempty"`
	Payloads []PayloadRef `json:"payloads,omitempty"`
	// PayloadText holds decrypted payloads, only when asked for and the
	// master key is available; "" parts are unavailable (see Unavailable).
	PayloadText map[string]string `json:"payload_text,omitempty"`
	Unavailable map[string]string `json:"payload_unavailable,omitempty"`
	// Error is set when the stored leaf does not decode (tampering).
	Error string `json:"error,omitempty"`
}

// View decodes a stored entry for display.
func View(e store.Entry) EntryView {
	v := EntryView{Index: e.Index, LeafHash: hex.EncodeToString(e.LeafHash)}
	l, err := DecodeLeaf(e.Leaf)
	if err != nil {
		v.Error = "leaf does not decode"
		return v
	}
	v.Event = l.Event()
	v.Payloads = l.Payloads
	return v
}

// AddPayloads fills PayloadText/Unavailable from decrypted payloads.
func (v *EntryView) AddPayloads(ps []PlainPayload) {
	for _, p := range ps {
		if p.Unavailable != "" {
			if v.Unavailable == nil {
				v.Unavailable = map[string]string{}
			}
			v.Unavailable[p.Part] = p.Unavailable
			continue
		}
		if v.PayloadText == nil {
			v.PayloadText = map[string]string{}
		}
		v.PayloadText[p.Part] = string(p.Data)
	}
}

// Handler is the audit admin API. Mount it under /admin/audit/ on the admin
// listener (it also accepts paths without the prefix):
//
//	GET  events?since=&until=&kind=&app=&key=&tenant=&end_user=&decision=&finding=&cursor=&limit=
//	GET  events/{index}[?payloads=1]
//	GET  checkpoint          latest signed checkpoint (text/plain, C2SP note)
//	POST checkpoint          sign one now
//	GET  proof/inclusion?index=N[&size=M] | ?leaf_hash=HEX
//	GET  proof/consistency?from=A[&to=B]
//	POST erase               {"tenant":"...","end_user":"...","actor":"..."}
//
// Authentication is the admin listener's job.
type Handler struct {
	log    *Log
	logger *slog.Logger
	mux    *http.ServeMux
}

// NewHandler returns the admin API over l.
func NewHandler(l *Log, logger *slog.Logger) *Handler {
	if logger == nil {
		logger = slog.Default()
	}
	h := &Handler{log: l, logger: logger, mux: http.NewServeMux()}
	h.mux.HandleFunc("GET /events", h.events)
	h.mux.HandleFunc("GET /events/{index}", h.event)
	h.mux.HandleFunc("GET /checkpoint", h.checkpoint)
	h.mux.HandleFunc("POST /checkpoint", h.newCheckpoint)
	h.mux.HandleFunc("GET /proof/inclusion", h.inclusion)
	h.mux.HandleFunc("GET /proof/consistency", h.consistency)
	h.mux.HandleFunc("POST /erase", h.erase)
	return h
}

// ServeHTTP implements http.Handler.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	r2 := r.Clone(r.Context())
	r2.URL.Path = strings.TrimPrefix(r.URL.Path, "/admin/audit")
	r2.URL.RawPath = ""
	if r2.URL.Path == "" {
		r2.URL.Path = "/"
	}
	h.mux.ServeHTTP(w, r2)
}

type apiError struct {
	Error string `json:"error"`
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v)
}

func badRequest(w http.ResponseWriter, msg string) {
	writeJSON(w, http.StatusBadRequest, apiError{msg})
}

// fail maps internal errors to a client-safe response and logs the cause.
func (h *Handler) fail(w http.ResponseWriter, r *http.Request, err error) {
	if errors.Is(err, store.ErrNotFound) {
		writeJSON(w, http.StatusNotFound, apiError{"not found"})
		return
	}
	h.logger.Error("audit admin API", "path", r.URL.Path, "err", err)
	writeJSON(w, http.StatusInternalServerError, apiError{"internal error"})
}

func parseUint(r *http.Request, name string) (uint64, bool, error) {
	s := r.URL.Query().Get(name)
	if s == "" {
		return 0, false, nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, false, errors.New(name + ": not a non-negative integer")
	}
	return v, true, nil
}

func parseTime(s string) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	if t, err := time.Parse(time.RFC3339Nano, s); err == nil {
		return t, nil
	}
	if d, err := time.ParseDuration(s); err == nil {
		return time.Now().Add(-d), nil
	}
	return time.Parse("2006-01-02", s)
}

// ParseQuery builds a store query from URL parameters (shared with the
// CLI's export).
func ParseQuery(q map[string][]string) (store.Query, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	var (
		sq  store.Query
		err error
	)
	if sq.Since, err = parseTime(get("since")); err != nil {
		return sq, errors.New("since: want RFC 3339 time, date or duration")
	}
	if sq.Until, err = parseTime(get("until")); err != nil {
		return sq, errors.New("until: want RFC 3339 time, date or duration")
	}
	sq.Kind, sq.App, sq.KeyID, sq.Tenant = get("kind"), get("app"), get("key"), get("tenant")
	sq.EndUser, sq.Decision, sq.FindingType = get("end_user"), get("decision"), get("finding")
	if c := get("cursor"); c != "" {
		if sq.From, err = strconv.ParseUint(c, 10, 64); err != nil {
			return sq, errors.New("cursor: invalid")
		}
	}
	if l := get("limit"); l != "" {
		if sq.Limit, err = strconv.Atoi(l); err != nil || sq.Limit < 1 {
			return sq, errors.New("limit: want a positive integer")
		}
	}
	return sq, nil
}

type eventsPage struct {
	Events     []EntryView `json:"events"`
	NextCursor string      `json:"next_cursor,omitempty"`
}

func (h *Handler) events(w http.ResponseWriter, r *http.Request) {
	q, err := ParseQuery(r.URL.Query())
	if err != nil {
		badRequest(w, err.Error())
		return
	}
	p, err := h.log.st.Query(r.Context(), q)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	out := eventsPage{Events: make([]EntryView, 0, len(p.Entries))}
	for _, e := range p.Entries {
		out.Events = append(out.Events, View(e))
	}
	if p.More {
		out.NextCursor = strconv.FormatUint(p.Next, 10)
	}
	writeJSON(w, http.StatusOK, out)
}

func (h *Handler) event(w http.ResponseWriter, r *http.Request) {
	idx, err := strconv.ParseUint(r.PathValue("index"), 10, 64)
	if err != nil {
		badRequest(w, "index: not a non-negative integer")
		return
	}
	e, err := h.log.st.Entry(r.Context(), idx)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	v := View(e)
	if r.URL.Query().Get("payloads") == "1" && v.Error == "" {
		if h.log.keys == nil {
			badRequest(w, "payload capture is off")
			return
		}
		ps, err := h.log.Payloads(r.Context(), idx)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		v.AddPayloads(ps)
	}
	writeJSON(w, http.StatusOK, v)
}

func (h *Handler) checkpoint(w http.ResponseWriter, r *http.Request) {
	c, err := h.log.st.LatestCheckpoint(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	_, _ = w.Write(c.Note)
}

func (h *Handler) newCheckpoint(w http.ResponseWriter, r *http.Request) {
	msg, err := h.log.Checkpoint(r.Context())
	if err != nil {
		h.fail(w, r, err)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.WriteHeader(http.StatusCreated)
	_, _ = w.Write(msg)
}

func decodeHash(s string) ([]byte, error) {
	if b, err := hex.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	if b, err := base64.StdEncoding.DecodeString(s); err == nil && len(b) == 32 {
		return b, nil
	}
	return nil, errors.New("leaf_hash: want 32 bytes as hex or base64")
}

func (h *Handler) inclusion(w http.ResponseWriter, r *http.Request) {
	idx, hasIdx, err := parseUint(r, "index")
	if err != nil {
		badRequest(w, err.Error())
		return
	}
	size, _, err := parseUint(r, "size")
	if err != nil {
		badRequest(w, err.Error())
		return
	}
	if lh := r.URL.Query().Get("leaf_hash"); lh != "" {
		hash, err := decodeHash(lh)
		if err != nil {
			badRequest(w, err.Error())
			return
		}
		e, err := h.log.st.EntryByLeafHash(r.Context(), hash)
		if err != nil {
			h.fail(w, r, err)
			return
		}
		idx, hasIdx = e.Index, true
	}
	if !hasIdx {
		badRequest(w, "index or leaf_hash: required")
		return
	}
	p, err := InclusionProof(r.Context(), h.log.st, idx, size)
	if err != nil {
		h.proofError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

// proofError answers 404 for a missing checkpoint, 400 for out-of-range
// sizes and 500 otherwise.
func (h *Handler) proofError(w http.ResponseWriter, r *http.Request, err error) {
	switch {
	case errors.Is(err, store.ErrNotFound):
		writeJSON(w, http.StatusNotFound, apiError{"no checkpoint or entry for that size or index"})
	case strings.Contains(err.Error(), "not covered") || strings.Contains(err.Error(), "beyond"):
		badRequest(w, "index or size is beyond the latest checkpoint; POST checkpoint first")
	default:
		h.fail(w, r, err)
	}
}

func (h *Handler) consistency(w http.ResponseWriter, r *http.Request) {
	from, ok, err := parseUint(r, "from")
	if err != nil || !ok {
		badRequest(w, "from: required non-negative integer")
		return
	}
	to, _, err := parseUint(r, "to")
	if err != nil {
		badRequest(w, err.Error())
		return
	}
	p, err := ConsistencyProof(r.Context(), h.log.st, from, to)
	if err != nil {
		h.proofError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, p)
}

type eraseRequest struct {
	Tenant  string `json:"tenant"`
	EndUser string `json:"end_user"`
	Actor   string `json:"actor"`
}

func (h *Handler) erase(w http.ResponseWriter, r *http.Request) {
	var req eraseRequest
	dec := json.NewDecoder(http.MaxBytesReader(w, r.Body, 1<<16))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&req); err != nil {
		badRequest(w, "body: want {\"tenant\", \"end_user\", \"actor\"}")
		return
	}
	if req.Tenant == "" && req.EndUser == "" {
		badRequest(w, "tenant or end_user: required")
		return
	}
	n, err := h.log.Erase(r.Context(), req.Tenant, req.EndUser, req.Actor)
	if err != nil {
		h.fail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, n)
}
