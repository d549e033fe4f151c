package agent

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"sort"
	"strings"
	"sync"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// schemaCache compiles input schemas once per distinct schema (by hash).
type schemaCache struct {
	mu sync.Mutex
	m  map[[32]byte]*compiled
}

type compiled struct {
	schema *jsonschema.Schema
	err    error
}

const maxCachedSchemas = 4096

func (c *schemaCache) get(raw []byte) (*jsonschema.Schema, error) {
	key := sha256.Sum256(raw)
	c.mu.Lock()
	if e, ok := c.m[key]; ok {
		c.mu.Unlock()
		return e.schema, e.err
	}
	c.mu.Unlock()
	s, err := compileSchema(raw)
	c.mu.Lock()
	if c.m == nil || len(c.m) >= maxCachedSchemas {
		c.m = map[[32]byte]*compiled{}
	}
	c.m[key] = &compiled{schema: s, err: err}
	c.mu.Unlock()
	return s, err
}

func compileSchema(raw []byte) (*jsonschema.Schema, error) {
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(raw))
	if err != nil {
		return nil, fmt.Errorf("input schema is not JSON: %w", err)
	}
	c := jsonschema.NewCompiler()
	c.DefaultDraft(jsonschema.Draft2020)
	// No loader for remote references: a tool's schema must not make
	// Bulwark fetch URLs.
	c.UseLoader(jsonschema.SchemeURLLoader{})
	if err := c.AddResource("bulwark:tool-input.json", doc); err != nil {
		return nil, fmt.Errorf("input schema: %w", err)
	}
	s, err := c.Compile("bulwark:tool-input.json")
	if err != nil {
		return nil, fmt.Errorf("input schema does not compile: %w", err)
	}
	return s, nil
}

// SchemaError says where arguments violate a tool's input schema. Its
// message names JSON locations only, never values.
type SchemaError struct {
	Locations []string
}

// Error names the failing locations.
func (e *SchemaError) Error() string {
	return "arguments do not match the tool's input schema at " + strings.Join(e.Locations, ", ")
}

// validateArguments checks args (JSON) against the schema (JSON).
func (c *schemaCache) validate(schema, args []byte) error {
	s, err := c.get(schema)
	if err != nil {
		return err
	}
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(args))
	if err != nil {
		return &SchemaError{Locations: []string{"/"}}
	}
	err = s.Validate(inst)
	if err == nil {
		return nil
	}
	var ve *jsonschema.ValidationError
	if !errors.As(err, &ve) {
		return fmt.Errorf("validate arguments: %w", err)
	}
	seen := map[string]bool{}
	collectLocations(ve, seen)
	locs := make([]string, 0, len(seen))
	for l := range seen {
		locs = append(locs, l)
	}
	sort.Strings(locs)
	if len(locs) > 5 {
		locs = append(locs[:5], "…")
	}
	return &SchemaError{Locations: locs}
}

func collectLocations(ve *jsonschema.ValidationError, seen map[string]bool) {
	if len(ve.Causes) == 0 {
		loc := "/" + strings.Join(ve.InstanceLocation, "/")
		if len(loc) > 128 {
			loc = loc[:128] + "…"
		}
		seen[loc] = true
		return
	}
	for _, c := range ve.Causes {
		collectLocations(c, seen)
	}
}
