package gguf

import (
	"fmt"
	"sort"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/modelscan"
)

// MaxTemplateLen is the largest chat template not reported as suspicious.
const MaxTemplateLen = 1 << 20

// maxCheckedTemplate bounds the template CheckTemplate tokenizes (memory);
// a larger one is reported high, unchecked. It equals the GGUF strings kept.
const maxCheckedTemplate = maxKeptString

// Known Jinja sandbox escapes reach Python objects through dunder attributes
// (x.__class__.__mro__[1].__subclasses__()), through the globals Jinja and
// Flask put in every template (lipsum, cycler, joiner, namespace, self,
// request, config), or hide those names from string matching (|attr with a
// built string, \x5f escapes, concatenation). Chat templates only ever need
// loops, conditionals, item access and a few filters, so all of these are
// reported; only the template's code ({{ }} and {% %}) is checked, never the
// literal text it prints.

// escapeAttrs are attribute names that only a sandbox escape needs.
var escapeAttrs = map[string]bool{
	"mro": true, "subclasses": true, "func_globals": true, "f_globals": true, "f_locals": true,
	"f_back": true, "gi_frame": true, "gi_code": true, "cr_frame": true, "tb_frame": true, "co_code": true,
	"im_func": true, "popen": true, "system": true, "spawn": true, "spawnv": true, "execv": true, "execve": true,
	"check_output": true, "getoutput": true, "load_module": true, "exec_module": true,
	"environ": true, "modules": true,
}

// dunderWords are the cores of the dunder names escapes build piecewise
// ('_'*2 ~ 'class' ~ '_'*2).
var dunderWords = map[string]bool{
	"class": true, "mro": true, "subclasses": true, "globals": true, "builtins": true, "import": true,
	"init": true, "base": true, "bases": true, "getattribute": true, "dict": true, "code": true, "func": true,
}

// commonWords are names that benign templates use as plain strings
// (message['role'] == 'system'), so they count only as attributes.
var commonWords = map[string]bool{"system": true, "modules": true, "environ": true, "open": true, "compile": true, "vars": true}

// dangerousNames are identifiers that never appear in a benign chat template
// and name a code-execution or import capability.
var dangerousNames = map[string]bool{
	"os": true, "sys": true, "subprocess": true, "builtins": true, "importlib": true, "eval": true,
	"exec": true, "compile": true, "getattr": true, "setattr": true, "globals": true, "locals": true,
	"vars": true, "open": true, "posix": true, "pty": true, "socket": true, "ctypes": true,
}

// springboards are the objects Jinja (and Flask) put into every template
// whose attributes lead to Python globals.
var springboards = map[string]bool{
	"lipsum": true, "cycler": true, "joiner": true, "namespace": true, "self": true,
	"request": true, "config": true, "url_for": true, "get_flashed_messages": true,
}

// CheckTemplate returns the findings for one chat template. Evidence is the
// offending token; findings are deduplicated by rule and evidence.
func CheckTemplate(tpl string) []modelscan.Finding {
	var out []modelscan.Finding
	seen := map[string]bool{}
	add := func(sev modelscan.Severity, rule, msg, ev string) {
		if seen[rule+"\x00"+ev] {
			return
		}
		seen[rule+"\x00"+ev] = true
		out = append(out, modelscan.Finding{Severity: sev, RuleID: rule, Message: msg, Evidence: ev})
	}
	if len(tpl) > maxCheckedTemplate {
		// Tokenizing tens of MiB of code would take gigabytes; no benign
		// template comes near this, and an unchecked one is not clean.
		add(modelscan.SeverityHigh, "gguf.template.unchecked", "chat template is larger than the scanner checks", fmt.Sprintf("%d bytes", len(tpl)))
		return out
	}
	if len(tpl) > MaxTemplateLen {
		add(modelscan.SeverityMedium, "gguf.template.size", "chat template is unusually large", fmt.Sprintf("%d bytes", len(tpl)))
	}
	for _, code := range codeRegions(tpl) {
		if strings.HasPrefix(code.text, "%") {
			stmt := strings.TrimSpace(strings.TrimLeft(code.text[1:], "-+ \t\r\n"))
			for _, kw := range []string{"import ", "from ", "include ", "extends "} {
				if strings.HasPrefix(stmt, kw) {
					add(modelscan.SeverityMedium, "gguf.template.load", "chat template loads another template", strings.TrimSpace(kw))
				}
			}
		}
		toks := tokenize(code.text)
		builds := assembles(toks)
		checkDynamic(toks, add)
		for i, t := range toks {
			prevDot := i > 0 && toks[i-1].kind == tokPunct && toks[i-1].text == "."
			prevPipe := i > 0 && toks[i-1].kind == tokPunct && toks[i-1].text == "|"
			nextDot := i+1 < len(toks) && toks[i+1].kind == tokPunct && toks[i+1].text == "."
			switch t.kind {
			case tokIdent:
				switch {
				case isDunder(t.text):
					add(modelscan.SeverityCritical, "gguf.template.dunder", "chat template accesses a Python dunder attribute (Jinja sandbox escape)", t.text)
				case strings.HasPrefix(t.text, "_") && prevDot:
					add(modelscan.SeverityHigh, "gguf.template.private_attr", "chat template accesses a private attribute", t.text)
				case prevDot && escapeAttrs[t.text]:
					add(modelscan.SeverityCritical, "gguf.template.escape_attr", "chat template accesses an attribute used for sandbox escapes", t.text)
				case !prevDot && dangerousNames[t.text]:
					add(modelscan.SeverityHigh, "gguf.template.dangerous_name", "chat template names a code-execution capability", t.text)
				case !prevDot && springboards[t.text] && nextDot:
					add(modelscan.SeverityHigh, "gguf.template.springboard", "chat template reads attributes of a Jinja global (sandbox escape springboard)", t.text+".")
				case !prevDot && springboards[t.text] && t.text != "namespace":
					add(modelscan.SeverityMedium, "gguf.template.global", "chat template uses a Jinja global that chat templates do not need", t.text)
				case prevPipe && t.text == "attr":
					add(modelscan.SeverityHigh, "gguf.template.attr_filter", "chat template uses the attr filter (hides attribute names from review)", "|attr")
				}
			case tokString:
				v := t.text
				switch {
				case strings.Contains(v, "__"):
					add(modelscan.SeverityCritical, "gguf.template.dunder", "chat template builds a dunder name in a string (Jinja sandbox escape)", trunc(v))
				case t.escapedUnderscore:
					add(modelscan.SeverityHigh, "gguf.template.obfuscated", "chat template spells an underscore, letter or digit with an escape sequence", trunc(t.raw))
				case strings.Contains(v, "%c"):
					add(modelscan.SeverityHigh, "gguf.template.obfuscated", "chat template builds characters with %c formatting", trunc(v))
				case builds && strings.Trim(v, "_") == "" && v != "" && !stringArg(toks, i, "replace") && !stringArg(toks, i, "join") && !joinSeparator(toks, i):
					add(modelscan.SeverityHigh, "gguf.template.obfuscated", "chat template assembles underscores with join or format", trunc(v))
				case builds && dunderWords[v] && i > 0 && (toks[i-1].text == "[" || toks[i-1].text == ","):
					add(modelscan.SeverityHigh, "gguf.template.obfuscated", "chat template assembles a dunder name with join or format", trunc(v))
				case strings.HasPrefix(v, "_") && concatNeighbour(toks, i):
					add(modelscan.SeverityHigh, "gguf.template.obfuscated", "chat template concatenates underscore fragments", trunc(v))
				case dunderWords[strings.Trim(v, "_")] && concatNeighbour(toks, i):
					add(modelscan.SeverityHigh, "gguf.template.obfuscated", "chat template builds a dunder name by concatenation", trunc(v))
				case (escapeAttrs[v] || dangerousNames[v]) && !commonWords[v]:
					if prevPipeAttr(toks, i) || subscript(toks, i) {
						add(modelscan.SeverityCritical, "gguf.template.escape_attr", "chat template reaches a dangerous attribute by name", v)
					}
				}
			}
		}
	}
	sort.SliceStable(out, func(i, k int) bool { return out[i].Severity > out[k].Severity })
	return out
}

// checkDynamic reports the moves that reach attributes without spelling
// their names: a subscript key built with ~ (x[u ~ u ~ 'in' ~ 'it' ~ u ~ u],
// which Jinja turns into getattr when the item lookup fails) and
// characters taken out of an object's string form ((lipsum|string|list)[18]
// is '_').
func checkDynamic(toks []token, add func(sev modelscan.Severity, rule, msg, ev string)) {
	var stack []bool // per open '[': is it a subscript?
	for i, t := range toks {
		if t.kind != tokPunct {
			if t.kind == tokIdent && t.text == "string" && i > 0 && toks[i-1].text == "|" && i+1 < len(toks) {
				n := toks[i+1].text
				if n == "[" || n == ")" && i+2 < len(toks) && toks[i+2].text == "[" ||
					n == "|" && i+2 < len(toks) && toks[i+2].text == "list" {
					add(modelscan.SeverityHigh, "gguf.template.repr_chars", "chat template takes characters out of an object's string form", "|string")
				}
			}
			continue
		}
		switch t.text {
		case "[":
			p := token{}
			if i > 0 {
				p = toks[i-1]
			}
			stack = append(stack, i > 0 && (p.kind == tokIdent || p.kind == tokString || p.kind == tokPunct && (p.text == "]" || p.text == ")")))
		case "]":
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		case "~":
			if len(stack) > 0 && stack[len(stack)-1] {
				add(modelscan.SeverityHigh, "gguf.template.dynamic_key", "chat template builds a subscript key by concatenation (reaches attributes by computed name)", "[… ~ …]")
			}
		}
	}
}

// assembles reports whether a code region applies join or format (as a
// filter or a method), the ways to glue a name from fragments without ~.
func assembles(toks []token) bool {
	for i := 1; i < len(toks); i++ {
		if p := toks[i-1]; toks[i].kind == tokIdent && (toks[i].text == "join" || toks[i].text == "format") && p.kind == tokPunct && (p.text == "|" || p.text == ".") {
			return true
		}
	}
	return false
}

// stringArg reports whether string token i is an argument of a call to fn
// (fn('_'), fn(' ', '_')): replace('_', ' ') and join('_') are ordinary.
func stringArg(toks []token, i int, fn string) bool {
	for k := i - 1; k >= 0 && k >= i-4; k-- {
		switch t := toks[k]; {
		case t.kind == tokString || t.kind == tokPunct && t.text == ",":
			continue
		case t.kind == tokPunct && t.text == "(":
			return k > 0 && toks[k-1].kind == tokIdent && toks[k-1].text == fn
		default:
			return false
		}
	}
	return false
}

// joinSeparator reports whether string token i is the receiver of .join:
// '_'.join(parts).
func joinSeparator(toks []token, i int) bool {
	return i+2 < len(toks) && toks[i+1].text == "." && toks[i+2].text == "join"
}

func isDunder(s string) bool {
	return len(s) > 4 && strings.HasPrefix(s, "__") && strings.HasSuffix(s, "__")
}

// concatNeighbour reports whether token i is joined with ~, + or * to another.
func concatNeighbour(toks []token, i int) bool {
	isCat := func(k int) bool {
		return k >= 0 && k < len(toks) && toks[k].kind == tokPunct && (toks[k].text == "~" || toks[k].text == "+" || toks[k].text == "*")
	}
	return isCat(i-1) || isCat(i+1)
}

func prevPipeAttr(toks []token, i int) bool {
	return i >= 3 && toks[i-1].text == "(" && toks[i-2].text == "attr" && toks[i-3].text == "|"
}

// subscript reports whether token i is an index (x['k']), not the first
// element of a list literal.
func subscript(toks []token, i int) bool {
	if i < 2 || toks[i-1].kind != tokPunct || toks[i-1].text != "[" {
		return false
	}
	p := toks[i-2]
	return p.kind == tokIdent || p.kind == tokString || p.kind == tokPunct && (p.text == "]" || p.text == ")")
}

type region struct{ text string }

// codeRegions returns the {{ … }} and {% … %} parts of a template, with the
// opening delimiter's second character kept ("{" or "%"). Comments are
// dropped. An unterminated region runs to the end.
func codeRegions(tpl string) []region {
	var out []region
	for {
		i := strings.IndexByte(tpl, '{')
		if i < 0 || i+1 >= len(tpl) {
			return out
		}
		open := tpl[i+1]
		var closer string
		switch open {
		case '{':
			closer = "}}"
		case '%':
			closer = "%}"
		case '#':
			closer = "#}"
		default:
			tpl = tpl[i+1:]
			continue
		}
		body := tpl[i+2:]
		end := strings.Index(body, closer)
		if open != '#' {
			end = codeEnd(body, closer)
		}
		if end < 0 {
			end = len(body)
			tpl = ""
		} else {
			tpl = body[end+2:]
		}
		if open != '#' {
			out = append(out, region{text: string(open) + body[:end]})
		}
	}
}

// codeEnd returns the index of closer in body as Jinja's lexer finds it:
// string literals are tokens, so a "}}" or "%}" inside quotes does not end
// the block. -1 when the block (or a string in it) never ends.
func codeEnd(body, closer string) int {
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '\'' || c == '"':
			j := i + 1
			for j < len(body) && body[j] != c {
				if body[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(body) {
				return -1
			}
			i = j
		case strings.HasPrefix(body[i:], closer):
			return i
		}
	}
	return -1
}

type tokKind int

const (
	tokIdent tokKind = iota
	tokString
	tokPunct
	tokNumber
)

type token struct {
	kind              tokKind
	text              string // identifier, decoded string value, or punctuation
	raw               string // source of a string literal
	escapedUnderscore bool   // a string that spells '_', a letter or a digit with an escape
}

func tokenize(s string) []token {
	var out []token
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			j := i + 1
			for j < len(s) && (s[j] == '_' || s[j] >= 'a' && s[j] <= 'z' || s[j] >= 'A' && s[j] <= 'Z' || s[j] >= '0' && s[j] <= '9') {
				j++
			}
			out = append(out, token{kind: tokIdent, text: s[i:j]})
			i = j
		case c >= '0' && c <= '9':
			j := i + 1
			for j < len(s) && (s[j] >= '0' && s[j] <= '9' || s[j] == '.' && j+1 < len(s) && s[j+1] >= '0' && s[j+1] <= '9') {
				j++
			}
			out = append(out, token{kind: tokNumber, text: s[i:j]})
			i = j
		case c == '\'' || c == '"':
			t, n := readString(s[i:])
			out = append(out, t)
			i += n
		default:
			out = append(out, token{kind: tokPunct, text: s[i : i+1]})
			i++
		}
	}
	return out
}

// readString decodes a Python/Jinja string literal at the start of s and
// returns it with the number of bytes consumed. Jinja decodes literals with
// Python's unicode-escape codec: \xHH, \uHHHH, \UHHHHHHHH, one to three
// octal digits and \N{NAME}. An escape that spells '_' or an ASCII letter
// or digit (which no template needs) marks the literal as obfuscated;
// \N{...} always does (its name is not decoded here).
func readString(s string) (token, int) {
	q := s[0]
	var b strings.Builder
	esc := false
	plain := func(v int) bool {
		return v == '_' || v >= '0' && v <= '9' || v >= 'a' && v <= 'z' || v >= 'A' && v <= 'Z'
	}
	i := 1
	for i < len(s) && s[i] != q {
		if s[i] != '\\' || i+1 >= len(s) {
			b.WriteByte(s[i])
			i++
			continue
		}
		n := s[i+1]
		hexLen := 0
		switch n {
		case 'x':
			hexLen = 2
		case 'u':
			hexLen = 4
		case 'U':
			hexLen = 8
		}
		switch {
		case hexLen > 0 && i+2+hexLen <= len(s):
			v := hexVal(s[i+2 : i+2+hexLen])
			if plain(v) {
				esc = true
			}
			if v >= 0 && v <= 0x10ffff {
				b.WriteRune(rune(v))
			}
			i += 2 + hexLen
		case n == 'N' && i+2 < len(s) && s[i+2] == '{':
			esc = true
			end := strings.IndexByte(s[i+2:], '}')
			if end < 0 {
				i += 2
				continue
			}
			i += 2 + end + 1
		case n >= '0' && n <= '7':
			v, k := 0, i+1
			for k < len(s) && k < i+4 && s[k] >= '0' && s[k] <= '7' {
				v = v*8 + int(s[k]-'0')
				k++
			}
			if plain(v) {
				esc = true
			}
			b.WriteRune(rune(v))
			i = k
		default:
			b.WriteByte(n)
			i += 2
		}
	}
	end := i + 1
	if end > len(s) {
		end = len(s)
	}
	return token{kind: tokString, text: b.String(), raw: s[:end], escapedUnderscore: esc}, end
}

func hexVal(s string) int {
	v := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c >= '0' && c <= '9':
			v = v*16 + int(c-'0')
		case c >= 'a' && c <= 'f':
			v = v*16 + int(c-'a'+10)
		case c >= 'A' && c <= 'F':
			v = v*16 + int(c-'A'+10)
		default:
			return -1
		}
	}
	return v
}

func sortedKeys(m map[string]string) []string {
	ks := make([]string, 0, len(m))
	for k := range m {
		ks = append(ks, k)
	}
	sort.Strings(ks)
	return ks
}
