package gateway

import (
	"encoding/json"
	"net/http"
	"strconv"
)

// wire is a client-facing wire format, which decides the error shape.
type wire int

const (
	wireOpenAI    wire = iota // {"error":{"message","type","code"}}
	wireAnthropic             // {"type":"error","error":{"type","message"}}
	wireResponses             // OpenAI Responses: OpenAI errors, Responses objects and stream events
)

// apiError is a client-facing error. msg must never contain internals,
// secrets or prompt text.
type apiError struct {
	status int
	oaType string // OpenAI error.type
	code   string // OpenAI error.code
	anType string // Anthropic error.type
	msg    string
	reason string // blocks_total / audit reason
}

func (e *apiError) Error() string { return e.msg }

func errBadRequest(msg string) *apiError {
	return &apiError{status: 400, oaType: "invalid_request_error", code: "invalid_request", anType: "invalid_request_error", msg: msg, reason: "bad_request"}
}

func errTooLarge(limit int64) *apiError {
	return &apiError{status: 413, oaType: "invalid_request_error", code: "request_too_large", anType: "request_too_large",
		msg: "request body exceeds " + strconv.FormatInt(limit, 10) + " bytes", reason: "too_large"}
}

func errAuth(msg string) *apiError {
	return &apiError{status: 401, oaType: "invalid_request_error", code: "invalid_api_key", anType: "authentication_error", msg: msg, reason: "auth"}
}

func errModelNotFound(model string) *apiError {
	return &apiError{status: 404, oaType: "invalid_request_error", code: "model_not_found", anType: "not_found_error",
		msg: "the model " + strconv.Quote(model) + " does not exist or you do not have access to it", reason: "model"}
}

func errForbidden(msg, reason string) *apiError {
	return &apiError{status: 403, oaType: "permission_error", code: "forbidden", anType: "permission_error", msg: msg, reason: reason}
}

func errRateLimited(msg string) *apiError {
	return &apiError{status: 429, oaType: "rate_limit_error", code: "rate_limit_exceeded", anType: "rate_limit_error", msg: msg, reason: "rate_limit"}
}

func errBlocked(msg string) *apiError {
	return &apiError{status: 400, oaType: "invalid_request_error", code: "content_blocked", anType: "invalid_request_error", msg: msg, reason: "guardrail"}
}

func errGuardFailed() *apiError {
	return &apiError{status: 503, oaType: "server_error", code: "guardrail_unavailable", anType: "api_error",
		msg: "a guardrail check could not run, so the request was refused", reason: "guard_error"}
}

func errUpstream(status int, msg string) *apiError {
	t := "api_error"
	if status == 529 || status == 503 {
		t = "overloaded_error"
	}
	return &apiError{status: status, oaType: "server_error", code: "upstream_error", anType: t, msg: msg, reason: "upstream"}
}

func errInternal(msg, reason string) *apiError {
	return &apiError{status: 500, oaType: "server_error", code: "internal_error", anType: "api_error", msg: msg, reason: reason}
}

// body renders the error in the wire's shape.
func (e *apiError) body(w wire) []byte {
	var v any
	if w == wireAnthropic {
		v = map[string]any{"type": "error", "error": map[string]string{"type": e.anType, "message": e.msg}}
	} else {
		v = map[string]any{"error": map[string]any{"message": e.msg, "type": e.oaType, "code": e.code, "param": nil}}
	}
	b, _ := json.Marshal(v)
	return b
}

func writeError(w http.ResponseWriter, wf wire, e *apiError) {
	h := w.Header()
	h.Set("Content-Type", "application/json")
	if wf == wireAnthropic {
		h.Set("x-should-retry", strconv.FormatBool(e.status == 429 || e.status >= 500))
	}
	w.WriteHeader(e.status)
	w.Write(e.body(wf))
}
