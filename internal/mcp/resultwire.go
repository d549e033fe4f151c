package mcp

import (
	"encoding/json"
	"errors"
	"fmt"

	sdk "github.com/modelcontextprotocol/go-sdk/mcp"
)

// Decoding a CallToolResult without the SDK's decoder (upcall.go).
//
// The result is decoded with encoding/json, which matches object keys
// case-insensitively where the SDK does not: for a key given twice in
// different cases the two may keep different values. Either way the agent
// receives the result as Bulwark re-encodes it, which is the text the
// guardrails scanned.

// callResultWire is a CallToolResult on the wire.
type callResultWire struct {
	Meta              sdk.Meta        `json:"_meta"`
	Content           []*contentWire  `json:"content"`
	StructuredContent json.RawMessage `json:"structuredContent"`
	IsError           bool            `json:"isError"`
	ResultType        string          `json:"resultType"`
	InputRequests     json.RawMessage `json:"inputRequests"`
	RequestState      string          `json:"requestState"`
}

// contentWire is one content block on the wire, every kind in one struct.
type contentWire struct {
	Type              string                `json:"type"`
	Text              string                `json:"text"`
	MIMEType          string                `json:"mimeType"`
	Data              []byte                `json:"data"`
	Resource          *sdk.ResourceContents `json:"resource"`
	URI               string                `json:"uri"`
	Name              string                `json:"name"`
	Title             string                `json:"title"`
	Description       string                `json:"description"`
	Size              *int64                `json:"size"`
	Meta              sdk.Meta              `json:"_meta"`
	Annotations       *sdk.Annotations      `json:"annotations"`
	Icons             []sdk.Icon            `json:"icons"`
	ID                string                `json:"id"`
	Input             map[string]any        `json:"input"`
	ToolUseID         string                `json:"toolUseId"`
	NestedContent     []*contentWire        `json:"content"`
	StructuredContent any                   `json:"structuredContent"`
	IsError           bool                  `json:"isError"`
}

// errInputRequired: the upstream asked for more input before it answers
// (a multi-round-trip result), which Bulwark does not relay.
var errInputRequired = errors.New("the upstream asked for more input, which Bulwark does not relay")

// decodeCallResult decodes a tools/call result as the SDK client would.
func decodeCallResult(raw json.RawMessage) (*sdk.CallToolResult, error) {
	var w callResultWire
	if err := json.Unmarshal(raw, &w); err != nil {
		return nil, fmt.Errorf("malformed result: %w", err)
	}
	if (w.ResultType != "" && w.ResultType != "complete") || len(w.InputRequests) > 0 && string(w.InputRequests) != "null" || w.RequestState != "" {
		return nil, errInputRequired
	}
	content, err := contentsFromWire(w.Content, nil)
	if err != nil {
		return nil, err
	}
	res := &sdk.CallToolResult{Meta: w.Meta, Content: content, IsError: w.IsError}
	// Decoded into Go values, as the SDK does: kept as raw bytes, escaped
	// text ("\u0049gnore …") would reach the scanners still escaped.
	if len(w.StructuredContent) > 0 && string(w.StructuredContent) != "null" {
		var sc any
		if err := json.Unmarshal(w.StructuredContent, &sc); err != nil {
			return nil, fmt.Errorf("malformed structuredContent: %w", err)
		}
		res.StructuredContent = sc
	}
	return res, nil
}

// nestedAllowed are the block kinds a tool_result block may hold.
var nestedAllowed = map[string]bool{"text": true, "image": true, "audio": true, "resource_link": true, "resource": true}

func contentsFromWire(ws []*contentWire, allow map[string]bool) ([]sdk.Content, error) {
	out := make([]sdk.Content, 0, len(ws))
	for _, w := range ws {
		c, err := contentFromWire(w, allow)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, nil
}

func contentFromWire(w *contentWire, allow map[string]bool) (sdk.Content, error) {
	if w == nil {
		return nil, errors.New("nil content")
	}
	if allow != nil && !allow[w.Type] {
		return nil, fmt.Errorf("invalid content type %q", w.Type)
	}
	switch w.Type {
	case "text":
		return &sdk.TextContent{Text: w.Text, Meta: w.Meta, Annotations: w.Annotations}, nil
	case "image":
		return &sdk.ImageContent{Data: w.Data, MIMEType: w.MIMEType, Meta: w.Meta, Annotations: w.Annotations}, nil
	case "audio":
		return &sdk.AudioContent{Data: w.Data, MIMEType: w.MIMEType, Meta: w.Meta, Annotations: w.Annotations}, nil
	case "resource_link":
		return &sdk.ResourceLink{URI: w.URI, Name: w.Name, Title: w.Title, Description: w.Description,
			MIMEType: w.MIMEType, Size: w.Size, Meta: w.Meta, Annotations: w.Annotations, Icons: w.Icons}, nil
	case "resource":
		return &sdk.EmbeddedResource{Resource: w.Resource, Meta: w.Meta, Annotations: w.Annotations}, nil
	case "tool_use":
		return &sdk.ToolUseContent{ID: w.ID, Name: w.Name, Input: w.Input, Meta: w.Meta}, nil
	case "tool_result":
		c := &sdk.ToolResultContent{ToolUseID: w.ToolUseID, StructuredContent: w.StructuredContent, IsError: w.IsError, Meta: w.Meta}
		if w.NestedContent != nil {
			nested, err := contentsFromWire(w.NestedContent, nestedAllowed)
			if err != nil {
				return nil, fmt.Errorf("tool_result nested content: %w", err)
			}
			c.Content = nested
		}
		return c, nil
	}
	return nil, fmt.Errorf("unrecognized content type %q", w.Type)
}
