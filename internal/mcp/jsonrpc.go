package mcp

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/modelcontextprotocol/go-sdk/jsonrpc"
)

// knownMethods are the client-to-server methods an MCP server answers.
// Anything else gets a JSON-RPC "method not found" from Bulwark itself.
var knownMethods = map[string]bool{
	"initialize": true, "ping": true, "tools/list": true, "tools/call": true,
	"logging/setLevel": true, "completion/complete": true,
	"prompts/list": true, "prompts/get": true,
	"resources/list": true, "resources/read": true, "resources/templates/list": true,
	"resources/subscribe": true, "resources/unsubscribe": true,
	"server/discover": true, "subscriptions/listen": true,
}

// readMessage reads a POSTed message up to limit bytes; ok=false when it
// has answered the request itself (unreadable or too large).
func readMessage(w http.ResponseWriter, r *http.Request, limit int64) (body []byte, ok bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		writeRPCError(w, http.StatusBadRequest, nil, jsonrpc.CodeParseError, "could not read the request body")
		return nil, false
	}
	if int64(len(body)) > limit {
		writeRPCError(w, http.StatusRequestEntityTooLarge, nil, jsonrpc.CodeInvalidRequest, "message too large")
		return nil, false
	}
	return body, true
}

// checkMessage is the gateway's own JSON-RPC decoding step, in front of the
// SDK: it answers malformed messages and unknown methods with JSON-RPC
// errors, and reports false when it has.
func checkMessage(w http.ResponseWriter, body []byte) bool {
	status, id, code, msg := classify(body)
	if code != 0 {
		writeRPCError(w, status, id, code, msg)
		return false
	}
	return true
}

// classify decodes one JSON-RPC message and reports what is wrong with it
// (code 0: nothing). It is the fuzzed decoding path.
func classify(body []byte) (status int, id any, code int, msg string) {
	trimmed := bytes.TrimSpace(body)
	if len(trimmed) == 0 {
		return http.StatusBadRequest, nil, jsonrpc.CodeInvalidRequest, "empty message"
	}
	if trimmed[0] == '[' {
		return http.StatusBadRequest, nil, jsonrpc.CodeInvalidRequest, "JSON-RPC batches are not supported"
	}
	if trimmed[0] != '{' {
		return http.StatusBadRequest, nil, jsonrpc.CodeParseError, "parse error: the body is not a JSON object"
	}
	// One light decode of the envelope (the SDK decodes the message again,
	// with its params): the same checks as jsonrpc.DecodeMessage, without
	// decoding params, result or error.
	var m envelope
	if err := json.Unmarshal(trimmed, &m); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return http.StatusBadRequest, nil, jsonrpc.CodeParseError, "parse error: the body is not a JSON object"
		}
		return http.StatusBadRequest, nil, jsonrpc.CodeInvalidRequest, "invalid JSON-RPC message"
	}
	if m.JSONRPC != "2.0" {
		return http.StatusBadRequest, nil, jsonrpc.CodeInvalidRequest, "invalid JSON-RPC message"
	}
	var rid any
	switch v := m.ID.(type) {
	case nil:
	case float64:
		rid = int64(v)
	case string:
		rid = v
	default:
		return http.StatusBadRequest, nil, jsonrpc.CodeInvalidRequest, "invalid JSON-RPC message"
	}
	if m.Method == nil {
		if rid == nil {
			return http.StatusBadRequest, nil, jsonrpc.CodeInvalidRequest, "invalid JSON-RPC message"
		}
		return 0, nil, 0, "" // a response to a server request
	}
	method := *m.Method
	if strings.HasPrefix(method, "notifications/") || knownMethods[method] {
		return 0, nil, 0, ""
	}
	if rid == nil {
		return http.StatusAccepted, nil, 0, "" // unknown notification: ignore
	}
	return http.StatusOK, rid, jsonrpc.CodeMethodNotFound, "method not found"
}

// envelope is a JSON-RPC message without its payload.
type envelope struct {
	JSONRPC string  `json:"jsonrpc"`
	ID      any     `json:"id"`
	Method  *string `json:"method"`
}

func writeRPCError(w http.ResponseWriter, status int, id any, code int, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(map[string]any{
		"jsonrpc": "2.0",
		"id":      id,
		"error":   map[string]any{"code": code, "message": msg},
	})
}
