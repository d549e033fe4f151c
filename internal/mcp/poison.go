package mcp

import (
	"context"
	"encoding/json"
	"regexp"
	"sort"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/guard"
)

// poisonRule is one simple tool-poisoning indicator. Names, never matched
// text, are reported.
type poisonRule struct {
	name string
	re   *regexp.Regexp
}

// poisonRules catch the instruction patterns seen in tool-poisoning attacks:
// hidden "IMPORTANT" blocks, secrecy towards the user, overriding earlier
// instructions, and reading credentials or config files.
var poisonRules = []poisonRule{
	{"HIDDEN_TAG", regexp.MustCompile(`(?i)<\s*/?\s*(important|system|instructions?|secret|hidden|admin|sudo|critical)\b[^>]*>`)},
	{"CONCEAL_FROM_USER", regexp.MustCompile(`(?i)\b(do not|don't|never|without)\s+(tell|telling|inform|informing|mention|mentioning|reveal|revealing|show|showing|notify|notifying|alert|alerting)\w*\s+(this\s+|it\s+|anything\s+)?(to\s+)?(the\s+)?user`)},
	{"OVERRIDE_INSTRUCTIONS", regexp.MustCompile(`(?i)\b(ignore|disregard|forget|override)\s+(all\s+|any\s+)?(the\s+)?(previous|prior|above|earlier|other|system)\s+(instructions?|prompts?|rules?|tools?)`)},
	{"SENSITIVE_FILE", regexp.MustCompile(`(?i)(~/\.ssh|\.ssh/|id_rsa|id_ed25519|\.aws/credentials|/etc/(passwd|shadow)|\.env\b|mcp\.json|\.cursor/|\.netrc|\.npmrc|\.pgpass|\.kube/config|private[_ ]key)`)},
	{"TOOL_REDIRECT", regexp.MustCompile(`(?i)\b(before|after|instead of)\s+(using|calling|invoking)\s+(this|any|the)\s+(other\s+)?tool\b.{0,80}\b(must|always|first|should)\b`)},
	{"EXFIL_INSTRUCTION", regexp.MustCompile(`(?i)\b(send|forward|upload|post|include|pass)\b.{0,40}\b(conversation|chat history|credentials?|api[_ ]?keys?|tokens?|passwords?|secrets?)\b.{0,40}\b(to|into|as)\b`)},
}

// invisible reports zero-width, bidi-control and Unicode tag characters,
// which hide text from a human reviewing the description.
func invisible(s string) bool {
	for _, r := range s {
		switch {
		case r >= 0x200B && r <= 0x200F, r >= 0x2060 && r <= 0x2064, r == 0xFEFF,
			r >= 0x202A && r <= 0x202E, r >= 0x2066 && r <= 0x2069,
			r >= 0xE0000 && r <= 0xE007F:
			return true
		}
	}
	return false
}

// contractStrings returns every string in a tool contract: name, title,
// description, and all strings and keys inside the schemas and annotations.
func contractStrings(contract json.RawMessage) []string {
	var v any
	if err := json.Unmarshal(contract, &v); err != nil {
		return nil
	}
	var out []string
	var walk func(any)
	walk = func(x any) {
		switch t := x.(type) {
		case string:
			out = append(out, t)
		case map[string]any:
			for k, e := range t {
				out = append(out, k)
				walk(e)
			}
		case []any:
			for _, e := range t {
				walk(e)
			}
		}
	}
	walk(v)
	return out
}

// PoisonCheck scans a tool contract for hidden instructions. It returns the
// indicator names found and whether they warrant quarantine (any block-level
// guard finding or simple-rule hit). pipeline may be nil.
func PoisonCheck(ctx context.Context, contract json.RawMessage, pipeline *guard.Pipeline) ([]string, error) {
	strs := contractStrings(contract)
	seen := map[string]bool{}
	for _, s := range strs {
		if invisible(s) {
			seen["INVISIBLE_CHARACTERS"] = true
		}
		for _, r := range poisonRules {
			if r.re.MatchString(s) {
				seen[r.name] = true
			}
		}
	}
	if pipeline != nil {
		segs := make([]guard.Segment, 0, len(strs))
		for i, s := range strs {
			if len(strings.TrimSpace(s)) > 3 {
				segs = append(segs, guard.Segment{ID: i, Source: guard.SourceTool, Text: s})
			}
		}
		res, err := pipeline.Begin(guard.Request{}).CheckInput(ctx, segs)
		var blocked *guard.BlockedError
		switch {
		case err == nil, asBlocked(err, &blocked):
			for _, f := range res.Verdict.Findings {
				if f.Action >= guard.ActionFlag {
					seen["GUARD_"+f.Type] = true
				}
			}
		default:
			return nil, err
		}
	}
	out := make([]string, 0, len(seen))
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out, nil
}
