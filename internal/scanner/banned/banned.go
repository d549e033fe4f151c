// Package banned finds operator-configured banned substrings, regular
// expressions and competitor names in text, case-insensitively, with byte
// offsets into the original text.
package banned

import (
	"context"
	"fmt"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"

	"github.com/bulwark-ai/bulwark/internal/guard"
)

// Finding types.
const (
	TypeSubstring  = "BANNED_SUBSTRING"
	TypePattern    = "BANNED_PATTERN"
	TypeCompetitor = "COMPETITOR"
)

// Name is the scanner's name in findings and config.
const Name = "banned"

// unboundedReach is the stream reach claimed for a pattern whose matches
// have no length bound (e.g. "a.*b"); longer matches may be cut at the
// window edge in streams.
const unboundedReach = 1024

// Config lists what is banned. Every list is matched case-insensitively.
type Config struct {
	// Substrings match anywhere, also inside words.
	Substrings []string
	// Patterns are RE2 regular expressions.
	Patterns []string
	// Competitors are names matched as whole words.
	Competitors []string
}

// Scanner finds banned text. It is safe for concurrent use.
type Scanner struct {
	kinds []kind
	reach int
}

type kind struct {
	typ string
	re  *regexp.Regexp
}

var _ guard.Scanner = (*Scanner)(nil)
var _ guard.Windowed = (*Scanner)(nil)

// New compiles cfg. It fails on an invalid pattern, naming its index; the
// wrapped error is the regexp parser's, which quotes the pattern (config, not
// client text).
func New(cfg Config) (*Scanner, error) {
	s := &Scanner{}
	if lits := nonEmpty(cfg.Substrings); len(lits) > 0 {
		if err := s.add(TypeSubstring, `(?i)(?:`+quoteAll(lits)+`)`); err != nil {
			return nil, err
		}
	}
	if lits := nonEmpty(cfg.Competitors); len(lits) > 0 {
		// \b is an ASCII word boundary: enough for names that begin and
		// end with ASCII letters or digits, which company names do.
		if err := s.add(TypeCompetitor, `(?i)\b(?:`+quoteAll(lits)+`)\b`); err != nil {
			return nil, err
		}
	}
	for i, p := range cfg.Patterns {
		if err := s.add(TypePattern, `(?i)`+p); err != nil {
			return nil, fmt.Errorf("banned pattern %d: %w", i, err)
		}
	}
	return s, nil
}

func (s *Scanner) add(typ, expr string) error {
	re, err := regexp.Compile(expr)
	if err != nil {
		return err
	}
	parsed, err := syntax.Parse(expr, syntax.Perl)
	if err != nil {
		return err
	}
	n := maxLen(parsed.Simplify())
	if n < 0 {
		n = unboundedReach
	}
	// Context: one boundary character on each side.
	s.reach = max(s.reach, n+2*utf8.UTFMax)
	s.kinds = append(s.kinds, kind{typ, re})
	return nil
}

// Name implements guard.Scanner.
func (s *Scanner) Name() string { return Name }

// Reach implements guard.Windowed.
func (s *Scanner) Reach(*guard.Request) int { return s.reach }

// Scan implements guard.Scanner.
func (s *Scanner) Scan(_ context.Context, in guard.Input) ([]guard.Finding, error) {
	var out []guard.Finding
	for _, k := range s.kinds {
		for _, m := range k.re.FindAllStringIndex(in.Text, -1) {
			start, end := m[0], m[1]
			if start == end {
				continue
			}
			out = append(out, guard.Finding{Scanner: Name, Type: k.typ, Score: 1, Start: start, End: end})
		}
	}
	return out, nil
}

func nonEmpty(list []string) []string {
	var out []string
	for _, s := range list {
		if strings.TrimSpace(s) != "" {
			out = append(out, s)
		}
	}
	return out
}

func quoteAll(list []string) string {
	q := make([]string, len(list))
	for i, s := range list {
		q[i] = regexp.QuoteMeta(s)
	}
	return strings.Join(q, "|")
}

// maxLen returns the most bytes re can match, or -1 when unbounded.
// Case-folded literals count utf8.UTFMax bytes per rune (a folded 'k' can
// match the 3-byte Kelvin sign).
func maxLen(re *syntax.Regexp) int {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText,
		syntax.OpEndText, syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpNoMatch:
		return 0
	case syntax.OpLiteral:
		if re.Flags&syntax.FoldCase != 0 {
			return len(re.Rune) * utf8.UTFMax
		}
		n := 0
		for _, r := range re.Rune {
			n += utf8.RuneLen(r)
		}
		return n
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return utf8.UTFMax
	case syntax.OpCapture:
		return maxLen(re.Sub[0])
	case syntax.OpStar, syntax.OpPlus:
		return -1
	case syntax.OpQuest:
		return maxLen(re.Sub[0])
	case syntax.OpRepeat:
		if re.Max < 0 {
			return -1
		}
		n := maxLen(re.Sub[0])
		if n < 0 {
			return -1
		}
		return n * re.Max
	case syntax.OpConcat:
		total := 0
		for _, sub := range re.Sub {
			n := maxLen(sub)
			if n < 0 {
				return -1
			}
			total += n
		}
		return total
	case syntax.OpAlternate:
		m := 0
		for _, sub := range re.Sub {
			n := maxLen(sub)
			if n < 0 {
				return -1
			}
			m = max(m, n)
		}
		return m
	}
	return -1
}
