package mcp

import (
	"bytes"
	"encoding/json"
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

// checkMessage is the gateway's own JSON-RPC decoding step, in front of the
// SDK: it bounds the body and answers malformed messages and unknown methods
// with JSON-RPC errors. It returns the body to pass on, or ok=false when it
// has answered the request itself.
func checkMessage(w http.ResponseWriter, r *http.Request, limit int64) (body []byte, ok bool) {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		writeRPCError(w, http.StatusBadRequest, nil, jsonrpc.CodeParseError, "could not read the request body")
		return nil, false
	}
	if int64(len(body)) > limit {
		writeRPCError(w, http.StatusRequestEntityTooLarge, nil, jsonrpc.CodeInvalidRequest, "message too large")
		return nil, false
	}
	status, id, code, msg := classify(body)
	if code != 0 {
		writeRPCError(w, status, id, code, msg)
		return nil, false
	}
	return body, true
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
	if trimmed[0] != '{' || !json.Valid(trimmed) {
		return http.StatusBadRequest, nil, jsonrpc.CodeParseError, "parse error: the body is not a JSON object"
	}
	m, err := jsonrpc.DecodeMessage(trimmed)
	if err != nil {
		return http.StatusBadRequest, nil, jsonrpc.CodeInvalidRequest, "invalid JSON-RPC message"
	}
	req, isReq := m.(*jsonrpc.Request)
	if !isReq {
		return 0, nil, 0, "" // a response to a server request
	}
	if strings.HasPrefix(req.Method, "notifications/") || knownMethods[req.Method] {
		return 0, nil, 0, ""
	}
	if !req.IsCall() {
		return http.StatusAccepted, nil, 0, "" // unknown notification: ignore
	}
	return http.StatusOK, req.ID.Raw(), jsonrpc.CodeMethodNotFound, "method not found"
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
