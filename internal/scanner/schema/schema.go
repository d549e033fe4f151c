// Package schema checks that a model's output is valid JSON matching the
// JSON Schema the request asked for (OpenAI response_format json_schema),
// using github.com/santhosh-tekuri/jsonschema/v6.
package schema

import (
	"context"
	"encoding/json"
	"errors"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/bulwark-ai/bulwark/internal/guard"
)

// Finding types. Each covers the whole output.
const (
	TypeInvalidJSON = "SCHEMA_INVALID_JSON" // the output is not one JSON value
	TypeMismatch    = "SCHEMA_MISMATCH"     // valid JSON that violates the schema
	TypeBadSchema   = "SCHEMA_UNUSABLE"     // the request's schema does not compile
)

// Name is the scanner's name in findings and config.
const Name = "schema"

// Scanner validates outputs against Request.ResponseSchema. It is safe for
// concurrent use and never loads remote or local schema references.
type Scanner struct{}

var _ guard.Scanner = (*Scanner)(nil)
var _ guard.Windowed = (*Scanner)(nil)

// New returns a scanner.
func New() *Scanner { return &Scanner{} }

// Name implements guard.Scanner.
func (s *Scanner) Name() string { return Name }

// Reach implements guard.Windowed: validation needs the whole output, and
// there is nothing to check when the request has no schema.
func (s *Scanner) Reach(req *guard.Request) int {
	if len(req.ResponseSchema) == 0 {
		return 0
	}
	return guard.ReachWhole
}

// Scan implements guard.Scanner.
func (s *Scanner) Scan(_ context.Context, in guard.Input) ([]guard.Finding, error) {
	if in.Request == nil || len(in.Request.ResponseSchema) == 0 || in.Stage != guard.StageOutput {
		return nil, nil
	}
	whole := func(typ string) []guard.Finding {
		return []guard.Finding{{Scanner: Name, Type: typ, Score: 1, Start: 0, End: len(in.Text)}}
	}
	sch, err := compile(in.Request.ResponseSchema)
	if err != nil {
		return whole(TypeBadSchema), nil
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(stripFence(in.Text)))
	if err != nil {
		return whole(TypeInvalidJSON), nil
	}
	if err := sch.Validate(doc); err != nil {
		return whole(TypeMismatch), nil
	}
	return nil, nil
}

// compile compiles a schema given either bare or wrapped the way OpenAI's
// response_format.json_schema wraps it ({"name", "schema", "strict"}).
func compile(raw []byte) (*jsonschema.Schema, error) {
	var wrapper struct {
		Name   string          `json:"name"`
		Schema json.RawMessage `json:"schema"`
	}
	if json.Unmarshal(raw, &wrapper) == nil && wrapper.Name != "" && len(wrapper.Schema) > 0 {
		raw = wrapper.Schema
	}
	doc, err := jsonschema.UnmarshalJSON(strings.NewReader(string(raw)))
	if err != nil {
		return nil, err
	}
	c := jsonschema.NewCompiler()
	c.UseLoader(noLoader{})
	const loc = "urn:bulwark:response-schema"
	if err := c.AddResource(loc, doc); err != nil {
		return nil, err
	}
	return c.Compile(loc)
}

// stripFence removes a markdown code fence around the JSON, which models
// add even when asked not to.
func stripFence(s string) string {
	t := strings.TrimSpace(s)
	if !strings.HasPrefix(t, "```") || !strings.HasSuffix(t, "```") || len(t) < 6 {
		return s
	}
	t = strings.TrimSuffix(t[3:], "```")
	if i := strings.IndexByte(t, '\n'); i >= 0 && !strings.ContainsAny(t[:i], "{[\"") {
		t = t[i+1:]
	}
	return t
}

// noLoader refuses every external reference: a client's schema must not
// make the gateway read files or fetch URLs.
type noLoader struct{}

var errNoRefs = errors.New("external schema references are not allowed")

func (noLoader) Load(string) (any, error) { return nil, errNoRefs }
