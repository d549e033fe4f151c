package secrets

import (
	"errors"
	"math"
	"regexp"
	"regexp/syntax"
	"strings"

	"github.com/spf13/viper"
	glconfig "github.com/zricethezav/gitleaks/v8/config"
)

// rule is one detection rule: a gitleaks rule or one of Bulwark's checks.
type rule struct {
	id       string
	typ      string
	keywords []string // lower case; empty: always run
	score    float64
	prio     int

	// gitleaks rules
	re          *regexp.Regexp // nil when anchored is set (find uses that)
	secretGroup int
	entropy     float64
	allow       []*allowlist // the rule's own, then the global ones

	// windowed rules run only on windows around their keywords' occurrences
	// (see windows); the others run on the whole text.
	windowed bool
	// anchored is set for assignment rules (gitleaks' "semi-generic"
	// `identifier = value` pattern, and ours): the rule's regexp anchored
	// with ^, tried once at each keyword occurrence that an assignment
	// operator follows, instead of searching the text.
	anchored *regexp.Regexp
	// opAfter finds the assignment operator after a keyword ending at i;
	// ok=false rules the occurrence out.
	opAfter func(text string, i int) (op int, ok bool)
	// prefixed is set for rules whose match starts with the keyword itself
	// (`\bghp_...`, `\bAKIA...`): they are tried anchored at each
	// occurrence, which must be at a word boundary when boundary is set.
	prefixed, boundary bool
	// atKeyword rules (our assignment check) get windows that start at the
	// keyword occurrence itself.
	atKeyword bool

	// Bulwark checks: append the candidates found in text[lo:hi].
	check func(d *Detector, text string, lo, hi int, out []candidate) []candidate
}

// glTokenEnd is how gitleaks' vendor rules end a token: a quote, space,
// semicolon, escaped newline or the end of the text. In a prompt a key is
// as often followed by sentence punctuation ("my key is sk-ant-….", "…，怎么
// 查"), which made those rules miss it; tokenEnd also accepts a comma,
// closing brackets, a full stop before a space or the end, and CJK
// punctuation. None of these bytes can continue a token of those rules
// (their alphabets are letters, digits, '_' and '-'), so no match gets
// longer and none is cut short.
const (
	glTokenEnd = `(?:[\x60'"\s;]|\\[nr]|$)`
	tokenEnd   = `(?:[\x60'"\s;,)\]}>|]|\.(?:\s|$)|\\[nr]|$|，|。|、|；|）|」)`
)

// semiGeneric is the operator part of gitleaks' generated
// `identifier = value` rules.
const semiGeneric = `[ \t\w.-]{0,20})[\s'"]{0,3}(?:=|>|:{1,3}=|\|\||:|=>|\?=|,)`

// multiLine reports regexps that may match across lines; they run on the
// whole text.
func multiLine(src string) bool {
	return strings.Contains(src, "(?s") || strings.Contains(src, `[\s\S`) || strings.Contains(src, `\n`) || strings.Contains(src, `\r`)
}

// windows returns the byte ranges of text that rule i must be run on: a
// window around each occurrence of one of its keywords (merged when they
// overlap), the keyword's line and at most 128 bytes before and 384 after it.
// For anchored rules, each window starts where the anchored regexp must match
// (at most 50 identifier bytes before the keyword) and is tried once; an
// occurrence without an assignment operator after it gets no window, which
// rules out most prose.
func (r *rule) windows(ix *keywordIndex, i int, text string, occ []occurrence, out [][2]int) [][2]int {
	for _, o := range occ {
		if ix.kwRule[o.kw][i/64]&(1<<(i%64)) == 0 {
			continue
		}
		p := int(o.start)
		if r.prefixed {
			if r.boundary && p > 0 && isIdentByte(text[p-1]) && text[p-1] != '.' && text[p-1] != '-' {
				continue
			}
			out = append(out, [2]int{p, lineEnd(text, p, p+4096)})
			continue
		}
		if r.anchored != nil || r.atKeyword {
			op, ok := r.opAfter(text, p+ix.kwLen[o.kw])
			if !ok || !valueAfter(text, op, 8) {
				continue
			}
			lo := p
			for !r.atKeyword && lo > 0 && p-lo < 50 && isIdentByte(text[lo-1]) {
				lo--
			}
			// The value follows the operator within a few bytes and is at
			// most 150 long in gitleaks' patterns; it may start on the
			// next line.
			hi := lineEnd(text, lineEnd(text, op, op+8), op+180)
			if n := len(out); n > 0 && out[n-1][0] == lo {
				continue // same identifier, another keyword in it
			}
			out = append(out, [2]int{lo, hi})
			continue
		}
		ls := max(0, p-128)
		lo := ls + strings.LastIndexByte(text[ls:p], '\n') + 1
		hi := lineEnd(text, p, p+384)
		if n := len(out); n > 0 && lo <= out[n-1][1] {
			out[n-1][1] = max(out[n-1][1], hi)
			continue
		}
		out = append(out, [2]int{lo, hi})
	}
	return out
}

// topLevelAlternation reports a regexp of the form A|B: such a rule may
// match without the parts a window or precheck assumes (atlassian-api-token
// also matches bare ATATT3 tokens).
func topLevelAlternation(src string) bool {
	re, err := syntax.Parse(src, syntax.Perl)
	return err != nil || re.Op == syntax.OpAlternate
}

// keywordPrefix reports whether every match of the regexp src starts with
// one of keywords (after an optional (?i) flag, \b and opening groups), and
// whether a \b precedes it.
func keywordPrefix(src string, keywords []string) (prefixed, boundary bool) {
	rest := strings.TrimPrefix(src, "(?i)")
	for {
		switch {
		case strings.HasPrefix(rest, `\b`):
			boundary = true
			rest = rest[2:]
			continue
		case strings.HasPrefix(rest, "(?:"):
			rest = rest[3:]
			continue
		case strings.HasPrefix(rest, "("):
			if strings.HasPrefix(rest, "(?") {
				return false, false
			}
			rest = rest[1:]
			continue
		}
		break
	}
	// The branches of the group just opened (or rest itself), each of
	// which must start with a literal that begins with a keyword.
	if topLevelAlternation(src) {
		return false, false
	}
	for _, br := range branches(rest) {
		lit := literalRun(br)
		ok := false
		for _, kw := range keywords {
			if kw != "" && strings.HasPrefix(lit, kw) {
				ok = true
				break
			}
		}
		if !ok {
			return false, false
		}
	}
	return true, boundary
}

// branches splits the group that rest starts inside of at its top-level
// '|'; text after the group's closing parenthesis belongs to no branch.
func branches(rest string) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(rest); i++ {
		switch rest[i] {
		case '\\':
			i++
		case '[':
			for i < len(rest) && rest[i] != ']' {
				if rest[i] == '\\' {
					i++
				}
				i++
			}
		case '(':
			depth++
		case ')':
			if depth == 0 {
				return append(out, rest[start:i])
			}
			depth--
		case '|':
			if depth == 0 {
				out = append(out, rest[start:i])
				start = i + 1
			}
		}
	}
	return append(out, rest[start:])
}

// literalRun returns the lower-cased literal text at the start of a regexp
// branch (escaped punctuation included), stopping before a quantified
// character.
func literalRun(br string) string {
	var b strings.Builder
	for i := 0; i < len(br); i++ {
		c := br[i]
		var lit byte
		n := 1
		switch {
		case c == '\\' && i+1 < len(br) && strings.IndexByte(".-_/+", br[i+1]) >= 0:
			lit, n = br[i+1], 2
		case isIdentByte(c) && c != '.':
			lit = c
		default:
			return b.String()
		}
		if next := i + n; next < len(br) && strings.IndexByte("?*{", br[next]) >= 0 {
			return b.String()
		}
		b.WriteByte(lower(lit))
		i += n - 1
	}
	return b.String()
}

// lineEnd returns the offset just past the newline that ends the line
// containing i (or len(text)), but at most limit.
func lineEnd(text string, i, limit int) int {
	limit = min(limit, len(text))
	if i >= limit {
		return limit
	}
	if j := strings.IndexByte(text[i:limit], '\n'); j >= 0 {
		return i + j + 1
	}
	return limit
}

// valueAfter reports whether a value of at least minLen bytes follows the
// assignment operator at op: after the operator characters and at most five
// quotes, spaces or '=', a run of bytes that are not quotes, whitespace or
// ';'. Every assignment pattern needs one.
func valueAfter(text string, op, minLen int) bool {
	j := op + 1
	for j < len(text) && j-op <= 3 && strings.IndexByte("=:>|?", text[j]) >= 0 {
		j++
	}
	for k := 0; k < 5 && j < len(text) && strings.IndexByte("`'\" \t\r\n=", text[j]) >= 0; k++ {
		j++
	}
	// "is" in the prose form ("password is X") is the operator.
	if j+2 < len(text) && (text[j] == 'i' || text[j] == 'I') && (text[j+1] == 's' || text[j+1] == 'S') && text[j+2] == ' ' {
		j += 3
	}
	n := 0
	for j < len(text) && strings.IndexByte("`'\" \t\r\n;", text[j]) < 0 {
		n++
		j++
		if n >= minLen {
			return true
		}
	}
	return false
}

// operatorAfter reports whether an assignment operator (= > : | , ?)
// follows offset i after at most 40 identifier, space or quote bytes: a
// necessary condition for the `keyword ... = value` rules to match there.
func operatorAfter(text string, i int) (int, bool) {
	for j := i; j < len(text) && j-i <= 40; j++ {
		switch c := text[j]; c {
		case '=', '>', ':', '|', ',', '?':
			return j, true
		case ' ', '\t', '\r', '\n', '\'', '"', '.', '-', '_':
		default:
			if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
				return 0, false
			}
		}
	}
	return 0, false
}

// Overlap priorities: a specific vendor rule beats a structural check, which
// beats a generic key=value heuristic.
const (
	prioGeneric    = 1
	prioAssignment = 2
	prioStructural = 3
	prioSpecific   = 4
)

// loadGitleaks translates the gitleaks default config embedded in the
// gitleaks module into rules. Path-only rules (file names) and rules that
// depend on other rules' findings are skipped: a prompt has no path.
func loadGitleaks() ([]rule, error) {
	cfg, err := gitleaksConfig()
	if err != nil {
		return nil, err
	}
	var out []rule
	seen := map[*glconfig.Allowlist]*allowlist{}
	for _, r := range cfg.GetOrderedRules() {
		// Rules with a path only fire on files of that name; a prompt has
		// no path, so gitleaks itself would never report them here.
		if r.Regex == nil || r.Path != nil || r.SkipReport || len(r.RequiredRules) > 0 {
			continue
		}
		typ, prio, score := classify(r.RuleID)
		src := r.Regex.String()
		re := r.Regex
		if w := strings.ReplaceAll(src, glTokenEnd, tokenEnd); w != src {
			if re, err = regexp.Compile(w); err != nil {
				return nil, err
			}
			src = w
		}
		var anchored *regexp.Regexp
		var opAfter func(string, int) (int, bool)
		if strings.Contains(src, semiGeneric) && len(r.Keywords) > 0 && !topLevelAlternation(src) {
			if anchored, err = regexp.Compile(`^(?:` + src + `)`); err != nil {
				return nil, err
			}
			opAfter = operatorAfter
		}
		allow, err := compactAllowlists(append(append([]*glconfig.Allowlist(nil), r.Allowlists...), cfg.Allowlists...), seen)
		if err != nil {
			return nil, err
		}
		prefixed, boundary := keywordPrefix(src, r.Keywords)
		if prefixed && anchored == nil && !multiLine(src) {
			if anchored, err = regexp.Compile(`^(?:` + src + `)`); err != nil {
				return nil, err
			}
		}
		if anchored != nil {
			// find uses only the anchored copy: do not keep both compiled
			// programs (about 2 MB for the ~190 anchored rules).
			re = nil
		}
		out = append(out, rule{
			prefixed:    prefixed && opAfter == nil,
			boundary:    boundary,
			windowed:    len(r.Keywords) > 0 && !multiLine(src),
			anchored:    anchored,
			opAfter:     opAfter,
			id:          r.RuleID,
			typ:         typ,
			keywords:    r.Keywords,
			score:       score,
			prio:        prio,
			re:          re,
			secretGroup: r.SecretGroup,
			entropy:     r.Entropy,
			allow:       allow,
		})
	}
	if len(out) == 0 {
		return nil, errors.New("no rules in the gitleaks default config")
	}
	return out, nil
}

// gitleaksConfig translates the embedded gitleaks default config, exactly as
// gitleaks loads it.
func gitleaksConfig() (glconfig.Config, error) {
	v := viper.New()
	v.SetConfigType("toml")
	if err := v.ReadConfig(strings.NewReader(glconfig.DefaultConfig)); err != nil {
		return glconfig.Config{}, err
	}
	var vc glconfig.ViperConfig
	if err := v.Unmarshal(&vc); err != nil {
		return glconfig.Config{}, err
	}
	return vc.Translate()
}

// typePrefixes maps gitleaks rule-id prefixes to our stable finding types.
// Ids not listed become their upper-cased id ("slack-webhook-url" ->
// "SLACK_WEBHOOK_URL"), which is stable as long as gitleaks keeps the id.
var typePrefixes = []struct{ prefix, typ string }{
	{"aws-access-token", "AWS_ACCESS_KEY"},
	{"aws-", "AWS_CREDENTIAL"},
	{"github-", "GITHUB_TOKEN"},
	{"gitlab-", "GITLAB_TOKEN"},
	{"slack-webhook", "SLACK_WEBHOOK"},
	{"slack-", "SLACK_TOKEN"},
	{"private-key", "PRIVATE_KEY"},
	{"jwt", "JWT"},
	{"generic-api-key", "GENERIC_SECRET"},
	{"curl-auth", "HTTP_CREDENTIAL"},
	{"gcp-", "GCP_CREDENTIAL"},
	{"azure-", "AZURE_CREDENTIAL"},
	{"openai-", "OPENAI_API_KEY"},
	{"anthropic-", "ANTHROPIC_API_KEY"},
	{"stripe-", "STRIPE_KEY"},
	{"huggingface-", "HUGGINGFACE_TOKEN"},
}

func classify(id string) (typ string, prio int, score float64) {
	typ = strings.ToUpper(strings.ReplaceAll(id, "-", "_"))
	for _, p := range typePrefixes {
		if strings.HasPrefix(id, p.prefix) {
			typ = p.typ
			break
		}
	}
	switch {
	case id == "generic-api-key":
		return typ, prioGeneric, 0.6
	case id == "jwt" || id == "jwt-base64" || id == "private-key":
		return typ, prioStructural, 0.9
	}
	return typ, prioSpecific, 0.95
}

// find runs the rule on text[lo:hi] and appends its candidates.
func (r *rule) find(d *Detector, text string, lo, hi int, out []candidate) []candidate {
	if r.check != nil {
		return r.check(d, text, lo, hi, out)
	}
	var ms [][]int
	if r.anchored != nil {
		if m := r.anchored.FindStringSubmatchIndex(text[lo:hi]); m != nil {
			ms = [][]int{m}
		}
	} else {
		ms = r.re.FindAllStringSubmatchIndex(text[lo:hi], -1)
	}
	for _, m := range ms {
		for k := range m {
			if m[k] >= 0 {
				m[k] += lo
			}
		}
		ms, me := m[0], m[1]
		// Like gitleaks: a match never ends in the newline its pattern ate.
		for me > ms && text[me-1] == '\n' {
			me--
		}
		for ms < me && text[ms] == '\n' {
			ms++
		}
		ss, se := ms, me
		switch {
		case r.secretGroup > 0 && 2*r.secretGroup+1 < len(m):
			ss, se = m[2*r.secretGroup], m[2*r.secretGroup+1]
		case len(m) > 2:
			for g := 1; 2*g+1 < len(m); g++ {
				if m[2*g] >= 0 && m[2*g+1] > m[2*g] {
					ss, se = m[2*g], m[2*g+1]
					break
				}
			}
		}
		if ss < 0 || se <= ss {
			continue
		}
		secret := text[ss:se]
		if r.entropy > 0 && shannon(secret) <= r.entropy {
			continue
		}
		// A finding that a more specific one already covers would lose
		// the overlap resolution; skip its allowlist checks.
		if coveredByBetter(out, ss, se, r.prio) {
			continue
		}
		if r.allowed(text, secret, text[ms:me], ms) {
			continue
		}
		out = append(out, candidate{start: ss, end: se, typ: r.typ, ruleID: r.id, score: r.score, prio: r.prio})
	}
	return out
}

// coveredByBetter reports a candidate of higher priority overlapping
// [start, end).
func coveredByBetter(cs []candidate, start, end, prio int) bool {
	for _, c := range cs {
		if c.prio > prio && c.start < end && start < c.end {
			return true
		}
	}
	return false
}

// allowed applies the rule's and the global allowlists the way gitleaks does
// for a finding without commit or path: OR lists match on regexes or stop
// words; AND lists that also name commits or paths never match.
func (r *rule) allowed(text, secret, match string, at int) bool {
	return allowedBy(r.allow, text, secret, match, at)
}

// genericStopWord reports whether secret contains a stop word of the
// generic-api-key allowlists.
func (d *Detector) genericStopWord(secret string) bool {
	for _, a := range d.genericAllow {
		if a.containsStopWord(secret) {
			return true
		}
	}
	return false
}

func allowedBy(lists []*allowlist, text, secret, match string, at int) bool {
	for _, a := range lists {
		and := a.MatchCondition == glconfig.AllowlistMatchAnd
		if and && (len(a.Commits) > 0 || len(a.Paths) > 0 || len(a.Regexes) == 0 && a.stop == nil) {
			continue // needs a commit or path, which a prompt has not
		}
		// Stop words first: an Aho-Corasick pass is much cheaper than the
		// allowlist regexps.
		stopOK := a.containsStopWord(secret)
		switch {
		case !and && stopOK:
			return true
		case and && a.stop != nil && !stopOK:
			continue
		}
		if len(a.Regexes) == 0 {
			if and {
				return true // stop words matched and are all it asks for
			}
			continue
		}
		target := secret
		switch a.RegexTarget {
		case "match":
			target = match
		case "line":
			target = lineAt(text, at)
		}
		if a.RegexAllowed(target) {
			return true
		}
	}
	return false
}

// lineAt returns the line of text containing byte offset at.
func lineAt(text string, at int) string {
	s := strings.LastIndexByte(text[:at], '\n') + 1
	e := strings.IndexByte(text[at:], '\n')
	if e < 0 {
		return text[s:]
	}
	return text[s : at+e]
}

// shannon is the Shannon entropy of s in bits per character, computed as
// gitleaks does (rune frequencies over the byte length), so that the rule
// set's entropy thresholds mean what their authors measured.
func shannon(s string) float64 {
	if s == "" {
		return 0
	}
	var ascii [128]int
	var other map[rune]int
	for _, c := range s {
		if c < 128 {
			ascii[c]++
			continue
		}
		if other == nil {
			other = map[rune]int{}
		}
		other[c]++
	}
	inv := 1 / float64(len(s))
	var h float64
	add := func(n int) {
		if n == 0 {
			return
		}
		p := float64(n) * inv
		h -= p * math.Log2(p)
	}
	for _, n := range ascii {
		add(n)
	}
	for _, n := range other {
		add(n)
	}
	return h
}
