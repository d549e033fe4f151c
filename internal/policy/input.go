package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"github.com/open-policy-agent/opa/v1/ast"
)

// Keys of the input document, built once.
var (
	kPrincipal    = ast.StringTerm("principal")
	kTool         = ast.StringTerm("tool")
	kArguments    = ast.StringTerm("arguments")
	kFindings     = ast.StringTerm("findings")
	kTime         = ast.StringTerm("time")
	kKeyID        = ast.StringTerm("key_id")
	kApp          = ast.StringTerm("app")
	kTenant       = ast.StringTerm("tenant")
	kAgent        = ast.StringTerm("agent")
	kEndUser      = ast.StringTerm("end_user")
	kRoles        = ast.StringTerm("roles")
	kServer       = ast.StringTerm("server")
	kName         = ast.StringTerm("name")
	kContractHash = ast.StringTerm("contract_hash")
	kAnnotations  = ast.StringTerm("annotations")
	kScanner      = ast.StringTerm("scanner")
	kType         = ast.StringTerm("type")
	kAction       = ast.StringTerm("action")
	kScore        = ast.StringTerm("score")
	kRFC3339      = ast.StringTerm("rfc3339")
	kUnix         = ast.StringTerm("unix")
	kWeekday      = ast.StringTerm("weekday")
	kHour         = ast.StringTerm("hour")
	kMinute       = ast.StringTerm("minute")
	kTimezone     = ast.StringTerm("timezone")
)

// Shared empty values (AST values are never modified by evaluation).
var (
	emptyObject = ast.NewTerm(ast.NewObject())
	emptyArray  = ast.ArrayTerm()
)

// knownHints are the annotation names the MCP gateway sends, in key order.
var knownHints = [...]string{"destructive_hint", "idempotent_hint", "open_world_hint", "read_only_hint"}

// maxCached bounds the principal and tool caches; a full cache is emptied
// (callers are a bounded set of agents and tools, so this is rare).
const maxCached = 4096

// inputCache holds the parts of the input document that repeat across
// calls: the principal and tool objects (AST values are immutable once
// built, so evaluations share them) and the time object of the current
// second.
type inputCache struct {
	mu         sync.RWMutex
	principals map[string]*ast.Term
	tools      map[string]*ast.Term
	now        atomic.Pointer[timeTerm]
}

type timeTerm struct {
	unix int64
	loc  *time.Location
	term *ast.Term
}

func (c *inputCache) get(m *map[string]*ast.Term, key []byte) *ast.Term {
	c.mu.RLock()
	t := (*m)[string(key)] // no allocation for the lookup
	c.mu.RUnlock()
	return t
}

func (c *inputCache) put(m *map[string]*ast.Term, key []byte, t *ast.Term) {
	c.mu.Lock()
	if *m == nil || len(*m) >= maxCached {
		*m = make(map[string]*ast.Term)
	}
	(*m)[string(key)] = t
	c.mu.Unlock()
}

func appendKey(b []byte, parts ...string) []byte {
	for _, p := range parts {
		b = strconv.AppendInt(b, int64(len(p)), 10)
		b = append(b, ':')
		b = append(b, p...)
	}
	return b
}

func (c *inputCache) principal(p Principal) *ast.Term {
	var buf [256]byte
	key := appendKey(buf[:0], p.KeyID, p.App, p.Tenant, p.Agent, p.EndUser)
	key = appendKey(key, p.Roles...)
	if t := c.get(&c.principals, key); t != nil {
		return t
	}
	t := principalObject(p)
	c.put(&c.principals, key, t)
	return t
}

// principalObject is input.principal.
func principalObject(p Principal) *ast.Term {
	roles := make([]*ast.Term, len(p.Roles))
	for i, r := range p.Roles {
		roles[i] = ast.StringTerm(r)
	}
	return ast.ObjectTerm(
		ast.Item(kKeyID, ast.StringTerm(p.KeyID)), ast.Item(kApp, ast.StringTerm(p.App)),
		ast.Item(kTenant, ast.StringTerm(p.Tenant)), ast.Item(kAgent, ast.StringTerm(p.Agent)),
		ast.Item(kEndUser, ast.StringTerm(p.EndUser)), ast.Item(kRoles, ast.ArrayTerm(roles...)),
	)
}

// appendHints appends the tool's known hints (one byte each: t, f or -
// for absent) to key; knownOnly is false when the tool has other
// annotations too.
func appendHints(key []byte, tl Tool) (_ []byte, knownOnly bool) {
	known := 0
	for _, h := range knownHints {
		v, ok := tl.Annotations[h]
		switch {
		case !ok:
			key = append(key, '-')
		case v:
			key = append(key, 't')
			known++
		default:
			key = append(key, 'f')
			known++
		}
	}
	return key, known == len(tl.Annotations)
}

func (c *inputCache) tool(tl Tool) *ast.Term {
	var buf [256]byte
	key := appendKey(buf[:0], tl.Server, tl.Name, tl.ContractHash)
	key, cacheable := appendHints(key, tl)
	if cacheable {
		if t := c.get(&c.tools, key); t != nil {
			return t
		}
	}
	t := toolObject(tl)
	if cacheable {
		c.put(&c.tools, key, t)
	}
	return t
}

// toolObject is input.tool.
func toolObject(tl Tool) *ast.Term {
	ann := make([][2]*ast.Term, 0, len(tl.Annotations))
	for k, v := range tl.Annotations {
		ann = append(ann, ast.Item(ast.StringTerm(k), ast.InternedTerm(v)))
	}
	return ast.ObjectTerm(
		ast.Item(kServer, ast.StringTerm(tl.Server)), ast.Item(kName, ast.StringTerm(tl.Name)),
		ast.Item(kContractHash, ast.StringTerm(tl.ContractHash)), ast.Item(kAnnotations, ast.ObjectTerm(ann...)),
	)
}

func (c *inputCache) time(t time.Time, loc *time.Location) *ast.Term {
	t = t.In(loc)
	sec := t.Unix()
	if cur := c.now.Load(); cur != nil && cur.unix == sec && cur.loc == loc {
		return cur.term
	}
	term := ast.ObjectTerm(
		ast.Item(kRFC3339, ast.StringTerm(t.Format(time.RFC3339))),
		ast.Item(kUnix, ast.IntNumberTerm(int(sec))),
		ast.Item(kWeekday, ast.StringTerm(t.Weekday().String())),
		ast.Item(kHour, ast.IntNumberTerm(t.Hour())),
		ast.Item(kMinute, ast.IntNumberTerm(t.Minute())),
		ast.Item(kTimezone, ast.StringTerm(loc.String())),
	)
	c.now.Store(&timeTerm{unix: sec, loc: loc, term: term})
	return term
}

// inputValue builds the input document directly as an AST value; the
// principal and tool parts come from the cache, the time part (now) from
// the caller, raw JSON arguments are parsed straight into AST values (no Go
// maps in between).
func (e *Engine) inputValue(in Input, now *ast.Term) (ast.Value, error) {
	var args *ast.Term
	switch a := in.Arguments.(type) {
	case nil:
		args = emptyObject
	case json.RawMessage:
		v, err := parseJSON(a)
		if err != nil {
			return nil, err
		}
		args = ast.NewTerm(v)
	case []byte:
		v, err := parseJSON(a)
		if err != nil {
			return nil, err
		}
		args = ast.NewTerm(v)
	default:
		v, err := ast.InterfaceToValue(a)
		if err != nil {
			return nil, fmt.Errorf("policy: arguments: %w", err)
		}
		args = ast.NewTerm(v)
	}
	findings := emptyArray
	if n := len(in.Findings); n > 0 {
		// One slab for the terms of all findings: four values and the
		// object each.
		terms := make([]ast.Term, 5*n)
		fs := make([]*ast.Term, n)
		for i, f := range in.Findings {
			t := terms[5*i : 5*i+5]
			t[0].Value = ast.String(f.Scanner)
			t[1].Value = ast.String(f.Type)
			t[2].Value = ast.String(f.Action)
			t[3].Value = ast.Number(strconv.FormatFloat(f.Score, 'g', -1, 64)) // as ast.FloatNumberTerm
			t[4].Value = ast.NewObject(ast.Item(kScanner, &t[0]), ast.Item(kType, &t[1]), ast.Item(kAction, &t[2]), ast.Item(kScore, &t[3]))
			fs[i] = &t[4]
		}
		findings = ast.ArrayTerm(fs...)
	}
	return ast.NewObject(
		ast.Item(kPrincipal, e.cache.principal(in.Principal)),
		ast.Item(kTool, e.cache.tool(in.Tool)),
		ast.Item(kArguments, args),
		ast.Item(kFindings, findings),
		ast.Item(kTime, now),
	), nil
}

// maxJSONDepth bounds nesting in arguments, as encoding/json does.
const maxJSONDepth = 10000

var errArgsJSON = errors.New("policy: arguments are not valid JSON")

// parseJSON parses one JSON value (the call's arguments) into an AST value,
// keeping numbers exact. Empty input is an empty object.
//
// It allocates little: the input is copied into one string that simple
// strings and numbers are sliced from, terms come from slabs, and object
// members and array elements are collected on shared scratch stacks.
func parseJSON(b []byte) (ast.Value, error) {
	p := jsonParser{b: b}
	p.ws()
	if p.i == len(p.b) {
		return ast.NewObject(), nil
	}
	p.s = string(b)
	p.slab = min(max(len(b)/8, 8), 256)
	v, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.ws()
	if p.i != len(p.b) {
		return nil, errArgsJSON
	}
	return v, nil
}

type jsonParser struct {
	b     []byte
	s     string // b as a string
	i     int
	terms []ast.Term // the current slab; appended within its capacity only
	slab  int
	items [][2]*ast.Term // members of the objects being parsed
	elems []*ast.Term    // elements of the arrays being parsed
}

// term returns a new term for v. Terms are handed out from a slab that is
// never grown in place, so the pointers stay valid.
func (p *jsonParser) term(v ast.Value) *ast.Term {
	if len(p.terms) == cap(p.terms) {
		p.terms = make([]ast.Term, 0, p.slab)
	}
	p.terms = append(p.terms, ast.Term{Value: v})
	return &p.terms[len(p.terms)-1]
}

func (p *jsonParser) ws() {
	for p.i < len(p.b) {
		switch p.b[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) lit(s string) bool {
	if len(p.b)-p.i >= len(s) && string(p.b[p.i:p.i+len(s)]) == s {
		p.i += len(s)
		return true
	}
	return false
}

func (p *jsonParser) value(depth int) (ast.Value, error) {
	if depth > maxJSONDepth {
		return nil, errors.New("policy: arguments nested too deeply")
	}
	p.ws()
	if p.i >= len(p.b) {
		return nil, errArgsJSON
	}
	switch c := p.b[p.i]; {
	case c == '{':
		return p.object(depth)
	case c == '[':
		return p.array(depth)
	case c == '"':
		return p.str()
	case c == 't':
		if p.lit("true") {
			return ast.Boolean(true), nil
		}
	case c == 'f':
		if p.lit("false") {
			return ast.Boolean(false), nil
		}
	case c == 'n':
		if p.lit("null") {
			return ast.Null{}, nil
		}
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.i
	digits:
		for p.i < len(p.b) {
			switch d := p.b[p.i]; {
			case d >= '0' && d <= '9', d == '-', d == '+', d == '.', d == 'e', d == 'E':
				p.i++
			default:
				break digits
			}
		}
		if !json.Valid(p.b[start:p.i]) {
			return nil, errArgsJSON
		}
		// As ast.InterfaceToValue does for decoded arguments: an exponent
		// out of OPA's range is refused (its arithmetic would be huge).
		n, err := ast.NumberChecked(p.s[start:p.i])
		if err != nil {
			return nil, fmt.Errorf("policy: arguments: %w", err)
		}
		return n, nil
	}
	return nil, errArgsJSON
}

// object parses a JSON object at p.i (the opening brace).
func (p *jsonParser) object(depth int) (ast.Value, error) {
	p.i++
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == '}' {
		p.i++
		return ast.NewObject(), nil
	}
	if p.items == nil {
		p.items = make([][2]*ast.Term, 0, 8)
	}
	start := len(p.items)
	defer func() {
		clear(p.items[start:])
		p.items = p.items[:start]
	}()
	for {
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != '"' {
			return nil, errArgsJSON
		}
		k, err := p.str()
		if err != nil {
			return nil, err
		}
		p.ws()
		if p.i >= len(p.b) || p.b[p.i] != ':' {
			return nil, errArgsJSON
		}
		p.i++
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		p.items = append(p.items, ast.Item(p.term(k), p.term(v)))
		if end, err := p.next('}'); err != nil {
			return nil, err
		} else if !end {
			continue
		}
		items := p.items[start:]
		if !duplicateKeys(items) {
			return ast.NewObject(items...), nil // copies the items
		}
		// Later duplicates win, as in encoding/json.
		obj := ast.NewObject()
		for _, it := range items {
			obj.Insert(it[0], it[1])
		}
		return obj, nil
	}
}

// duplicateKeys reports whether an object's members repeat a key.
func duplicateKeys(items [][2]*ast.Term) bool {
	if len(items) > 16 {
		seen := make(map[ast.String]struct{}, len(items))
		for _, it := range items {
			k := it[0].Value.(ast.String)
			if _, ok := seen[k]; ok {
				return true
			}
			seen[k] = struct{}{}
		}
		return false
	}
	for i := 1; i < len(items); i++ {
		for j := 0; j < i; j++ {
			if items[i][0].Value.(ast.String) == items[j][0].Value.(ast.String) {
				return true
			}
		}
	}
	return false
}

// array parses a JSON array at p.i (the opening bracket).
func (p *jsonParser) array(depth int) (ast.Value, error) {
	p.i++
	p.ws()
	if p.i < len(p.b) && p.b[p.i] == ']' {
		p.i++
		return ast.NewArray(), nil
	}
	if p.elems == nil {
		p.elems = make([]*ast.Term, 0, 8)
	}
	start := len(p.elems)
	defer func() {
		clear(p.elems[start:])
		p.elems = p.elems[:start]
	}()
	for {
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		p.elems = append(p.elems, p.term(v))
		if end, err := p.next(']'); err != nil {
			return nil, err
		} else if !end {
			continue
		}
		// NewArray keeps its argument: give it its own slice.
		return ast.NewArray(slices.Clone(p.elems[start:])...), nil
	}
}

// next consumes what follows a member or element: a comma (end false) or
// the container's closing byte (end true).
func (p *jsonParser) next(closing byte) (end bool, err error) {
	p.ws()
	if p.i < len(p.b) {
		switch p.b[p.i] {
		case ',':
			p.i++
			return false, nil
		case closing:
			p.i++
			return true, nil
		}
	}
	return false, errArgsJSON
}

// str parses a JSON string at p.i (the opening quote).
func (p *jsonParser) str() (ast.String, error) {
	start := p.i
	p.i++
	simple := true
	for p.i < len(p.b) {
		c := p.b[p.i]
		switch {
		case c == '"':
			p.i++
			raw := p.b[start:p.i]
			if simple && utf8.Valid(raw) {
				return ast.String(p.s[start+1 : p.i-1]), nil
			}
			// Escapes or invalid UTF-8: decode exactly as encoding/json does.
			var s string
			if err := json.Unmarshal(raw, &s); err != nil {
				return "", errArgsJSON
			}
			return ast.String(s), nil
		case c == '\\':
			simple = false
			p.i += 2
		case c < 0x20:
			return "", errArgsJSON
		default:
			p.i++
		}
	}
	return "", errArgsJSON
}

// dataCache is a topdown.BaseCache shared by every evaluation of one
// prepared policy. topdown caches the base documents (data.json) it reads
// per evaluation; the store of a prepared policy is never written, so the
// values read stay valid for its lifetime and one cache serves all
// evaluations, concurrently. The trie is the one topdown uses.
type dataCache struct {
	mu   sync.RWMutex
	root dataCacheElem
}

type dataCacheElem struct {
	value    ast.Value
	children map[ast.Value]*dataCacheElem
}

// Get implements topdown.BaseCache.
func (c *dataCache) Get(ref ast.Ref) ast.Value {
	c.mu.RLock()
	defer c.mu.RUnlock()
	node := &c.root
	for i := range ref {
		node = node.children[ref[i].Value]
		if node == nil {
			return nil
		}
		if node.value != nil {
			if len(ref) == 1 && ast.IsScalar(node.value) {
				return node.value
			}
			result, err := node.value.Find(ref[i+1:])
			if err != nil {
				return nil
			}
			return result
		}
	}
	return nil
}

// Put implements topdown.BaseCache.
func (c *dataCache) Put(ref ast.Ref, value ast.Value) {
	c.mu.Lock()
	defer c.mu.Unlock()
	node := &c.root
	for i := range ref {
		child, ok := node.children[ref[i].Value]
		if !ok {
			child = &dataCacheElem{}
			if node.children == nil {
				node.children = map[ast.Value]*dataCacheElem{}
			}
			node.children[ref[i].Value] = child
		}
		node = child
	}
	node.value, node.children = value, nil
}
