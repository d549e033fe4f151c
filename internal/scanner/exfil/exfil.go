// Package exfil finds links in model output that could carry data out to a
// third party: markdown and HTML images (which a client renders and fetches
// without a click), links and bare URLs to domains that are not on the
// operator's allow-list, and URLs that carry data in their query string.
// Each finding offers a neutralized replacement, so a redact ("neutralize")
// action rewrites the URL into an inert marker instead of only flagging it.
package exfil

import (
	"context"
	"html"
	"regexp"
	"sort"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/guard"
)

// Finding types.
const (
	// TypeImage is an auto-loading resource (markdown image, reference
	// definition, HTML src attribute) on a domain not on the allow-list.
	TypeImage = "EXFIL_IMAGE"
	// TypeQuery is a link or URL to a domain not on the allow-list that
	// carries data in its query string or path.
	TypeQuery = "EXFIL_QUERY"
	// TypeLink is any other link or URL to a domain not on the allow-list.
	TypeLink = "UNTRUSTED_LINK"
)

// Name is the scanner's name in findings and config.
const Name = "exfil"

// DefaultMarker replaces a neutralized URL. Its scheme is one no client
// fetches, so a markdown image pointing at it renders as a broken image.
const DefaultMarker = "bulwark:blocked-url"

const (
	lookback = 128 // bytes before a URL inspected for its context
	reach    = 256 // stream reach: context plus a URL's head; Hold covers longer URLs
)

// Config configures the scanner.
type Config struct {
	// AllowDomains are trusted domains; their subdomains are trusted too.
	AllowDomains []string
	// Marker replaces neutralized URLs (DefaultMarker when empty).
	Marker string
}

// Scanner finds exfiltration links. It is safe for concurrent use.
type Scanner struct {
	allow  []string
	marker string
}

var _ guard.Scanner = (*Scanner)(nil)
var _ guard.Windowed = (*Scanner)(nil)
var _ guard.Holder = (*Scanner)(nil)

// New returns a scanner for cfg.
func New(cfg Config) *Scanner {
	s := &Scanner{marker: cfg.Marker}
	if s.marker == "" {
		s.marker = DefaultMarker
	}
	for _, d := range cfg.AllowDomains {
		d = strings.Trim(strings.ToLower(strings.TrimSpace(d)), ".")
		d = strings.TrimPrefix(d, "*.")
		if d != "" {
			s.allow = append(s.allow, d)
		}
	}
	return s
}

// Name implements guard.Scanner.
func (s *Scanner) Name() string { return Name }

// Reach implements guard.Windowed.
func (s *Scanner) Reach(*guard.Request) int { return reach }

// attrRE matches the end of an HTML attribute assignment before a URL.
var attrRE = regexp.MustCompile(`(?i)\b(src|srcset|poster|background|data|href|action|formaction)\s*=\s*["']?$`)

// refDefRE matches the start of a markdown reference definition line.
var refDefRE = regexp.MustCompile(`^ {0,3}\[[^\]]+\]:[ \t]*<?$`)

// Scan implements guard.Scanner.
func (s *Scanner) Scan(_ context.Context, in guard.Input) ([]guard.Finding, error) {
	var out []guard.Finding
	for _, m := range findURLs(in.Text) {
		start, end := m[0], m[1]
		u := in.Text[start:end]
		u = strings.TrimRight(u, ".,;:!?*_~")
		end = start + len(u)
		kind := contextOf(in.Text, start)
		if strings.HasPrefix(u, "//") && kind == ctxBare {
			continue // "//" in prose or code comments, not a link
		}
		host := Host(u)
		if host == "" || s.allowed(host) {
			continue
		}
		typ, score := TypeLink, 0.5
		switch {
		case kind == ctxImage:
			typ, score = TypeImage, 1
		case hasData(u):
			typ, score = TypeQuery, 0.9
		}
		out = append(out, guard.Finding{Scanner: Name, Type: typ, Score: score, Start: start, End: end, Replacement: s.marker})
	}
	return s.scanEncoded(in.Text, out), nil
}

// scanEncoded finds markdown link destinations and HTML attribute values
// that only become URLs once a renderer decodes them: character references
// ("https:&#x2F;&#x2F;evil.io"), backslash escapes ("https:\/\/evil.io") and
// tabs or newlines inside the URL, which browsers drop.
func (s *Scanner) scanEncoded(text string, out []guard.Finding) []guard.Finding {
	// out holds up to three runs of findings, each sorted and disjoint:
	// the plain URLs, then those added by each loop below (a span is added
	// only when it overlaps nothing). Binary search keeps the overlap test
	// cheap on outputs with very many links.
	runs := []int{0, len(out)}
	check := func(start, end int) {
		if start >= end {
			return
		}
		for r := 0; r+1 < len(runs); r++ {
			if overlaps(out[runs[r]:runs[r+1]], start, end) {
				return // already reported
			}
		}
		if overlaps(out[runs[len(runs)-1]:], start, end) {
			return
		}
		raw := text[start:end]
		if u := browserURL(raw); u != "" {
			if host := Host(u); validHost(host) && !s.allowed(host) {
				typ, score := TypeLink, 0.5
				switch {
				case contextOf(text, start) == ctxImage:
					typ, score = TypeImage, 1
				case hasData(u):
					typ, score = TypeQuery, 0.9
				}
				out = append(out, guard.Finding{Scanner: Name, Type: typ, Score: score, Start: start, End: end, Replacement: s.marker})
				return
			}
		}
		dec := decodeDest(raw)
		if dec == raw || !strings.Contains(dec, "//") {
			return
		}
		if i := strings.Index(strings.TrimSpace(dec), "//"); i > 0 {
			t := strings.TrimSpace(dec)
			if t[i-1] != ':' || !isScheme(t[:i-1]) {
				return // a relative path with "//" in it
			}
		}
		host := Host(dec)
		if host == "" || s.allowed(host) {
			return
		}
		typ, score := TypeLink, 0.5
		switch {
		case contextOf(text, start) == ctxImage:
			typ, score = TypeImage, 1
		case hasData(dec):
			typ, score = TypeQuery, 0.9
		}
		out = append(out, guard.Finding{Scanner: Name, Type: typ, Score: score, Start: start, End: end, Replacement: s.marker})
	}
	for i := 0; ; {
		j := strings.Index(text[i:], "](")
		if j < 0 {
			break
		}
		d := i + j + 2
		for d < len(text) && (text[d] == ' ' || text[d] == '<') {
			d++
		}
		e := d
		for e < len(text) && text[e] != ')' && text[e] != '>' && text[e] != ' ' && text[e] != '\n' && text[e] != '"' {
			if text[e] == ']' && e+1 < len(text) && text[e+1] == '(' {
				// The next destination starts here and is checked on
				// its own; running on would make "](" repeated
				// quadratic. A URL's host comes before this point.
				break
			}
			e++
		}
		check(d, e)
		i = d
	}
	runs = append(runs, len(out))
	if strings.IndexByte(text, '<') >= 0 {
		for _, m := range attrValRE.FindAllStringIndex(text, -1) {
			d := m[1]
			q := text[m[1]-1]
			quoted := q == '"' || q == '\''
			e := d
			for e < len(text) && e-d < 4096 {
				c := text[e]
				if quoted && c == q || !quoted && (c <= ' ' || c == '>') {
					break
				}
				e++
			}
			check(d, e)
		}
	}
	return out
}

// overlaps reports whether [start, end) overlaps a finding of fs, which are
// sorted by start and disjoint.
func overlaps(fs []guard.Finding, start, end int) bool {
	i := sort.Search(len(fs), func(i int) bool { return fs[i].End > start })
	return i < len(fs) && fs[i].Start < end
}

// attrValRE matches an HTML attribute that takes a URL, up to its value.
var attrValRE = regexp.MustCompile(`(?i)\b(?:src|srcset|poster|background|data|href|action|formaction)\s*=\s*["']?`)

// decodeDest decodes what a markdown or HTML renderer would: character
// references, backslash escapes, and ASCII tabs and newlines (dropped by
// URL parsers).
func decodeDest(raw string) string {
	d := html.UnescapeString(raw)
	if strings.ContainsAny(d, "\\\t\n\r") {
		var b strings.Builder
		for i := 0; i < len(d); i++ {
			c := d[i]
			switch {
			case c == '\t' || c == '\n' || c == '\r':
				continue
			case c == '\\' && i+1 < len(d) && d[i+1] > ' ' && d[i+1] < 0x7f:
				continue // escape of the next character
			}
			b.WriteByte(c)
		}
		d = b.String()
	}
	return d
}

// browserURL returns the absolute URL a browser would fetch for a link
// destination or attribute value whose scheme is not followed by exactly
// "//": backslashes count as slashes in http(s) URLs ("https:\\\\evil.io"),
// and missing slashes after the scheme are added when the page's own scheme
// differs ("https:evil.io"). It returns "" for anything else, which the
// other checks cover.
func browserURL(raw string) string {
	d := html.UnescapeString(raw)
	if strings.ContainsAny(d, "\t\n\r") {
		d = strings.NewReplacer("\t", "", "\n", "", "\r", "").Replace(d)
	}
	d = strings.TrimSpace(d)
	i := strings.IndexByte(d, ':')
	if i <= 0 || !isScheme(d[:i]) {
		return ""
	}
	rest := d[i+1:]
	if strings.HasPrefix(rest, "//") && !strings.ContainsRune(raw, '\\') {
		return "" // a plain URL: findURLs and decodeDest see it
	}
	rest = strings.TrimLeft(strings.ReplaceAll(rest, "\\", "/"), "/")
	return d[:i] + "://" + rest
}

// validHost reports whether h can be a host name a browser would fetch
// from (not, say, a neutralized URL's marker after a scheme).
func validHost(h string) bool {
	if h == "" {
		return false
	}
	for i := 0; i < len(h); i++ {
		c := h[i]
		if !isWordByte(c) && c != '.' && c != '-' && c < 0x80 {
			return false
		}
	}
	return true
}

// Hold implements guard.Holder: a run of URL characters at the end of the
// text that already looks like a URL (it has "//", a character reference,
// a backslash or a scheme and its colon) may still grow into an untrusted one, for instance
// "https://trusted.example.com.example.com…" that ends in "@evil.io", so a
// stream holds it from its start until it ends.
func (s *Scanner) Hold(_ *guard.Request, text string) int {
	i := len(text)
	for i > 0 && (isURLByte(text[i-1]) || text[i-1] == '\\') {
		i--
	}
	tail := text[i:]
	if strings.Contains(tail, "//") || strings.Contains(tail, "&#") || strings.Contains(tail, `\`) || hasSchemeColon(tail) {
		return i
	}
	return len(text)
}

// findURLs returns the spans of absolute URLs (http, https, ftp, ws, wss)
// and of protocol-relative ones ("//host/..."); the caller decides whether
// the latter are links. A URL ends at whitespace or at a character that
// ends URLs in prose and markdown. One pass over the text, no regexp.
func findURLs(text string) [][2]int {
	var out [][2]int
	for i := 0; i < len(text); {
		j := strings.Index(text[i:], "//")
		if j < 0 {
			break
		}
		k := i + j
		start := k
		if k > 0 && text[k-1] == ':' {
			s := k - 1
			for s > 0 && k-1-s < 5 && isLetter(text[s-1]) {
				s--
			}
			if isScheme(text[s:k-1]) && (s == 0 || !isWordByte(text[s-1])) {
				start = s
			}
		}
		e := k + 2
		for e < len(text) && isURLByte(text[e]) {
			e++
		}
		if e == k+2 {
			i = k + 2
			continue
		}
		out = append(out, [2]int{start, e})
		i = e
	}
	return out
}

// hasSchemeColon reports whether s contains a URL scheme and its colon
// ("https:"), which browsers may complete into a URL without slashes.
func hasSchemeColon(s string) bool {
	for i := strings.IndexByte(s, ':'); i >= 0; {
		j := i
		for j > 0 && isLetter(s[j-1]) && i-j < 5 {
			j--
		}
		if isScheme(s[j:i]) {
			return true
		}
		k := strings.IndexByte(s[i+1:], ':')
		if k < 0 {
			break
		}
		i += 1 + k
	}
	return false
}

func isScheme(s string) bool {
	switch strings.ToLower(s) {
	case "http", "https", "ftp", "ws", "wss":
		return true
	}
	return false
}

func isLetter(c byte) bool { return c|0x20 >= 'a' && c|0x20 <= 'z' }

func isWordByte(c byte) bool { return isLetter(c) || c >= '0' && c <= '9' || c == '_' }

// isURLByte reports whether c may continue a URL: anything but ASCII
// whitespace, controls and the characters that end URLs in prose.
func isURLByte(c byte) bool {
	if c <= ' ' || c == 0x7f {
		return false
	}
	return !strings.ContainsRune("<>\"'`()[]{}|\\^", rune(c))
}

func (s *Scanner) allowed(host string) bool {
	for _, d := range s.allow {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

type ctxKind int

const (
	ctxBare  ctxKind = iota // prose, autolink
	ctxLink                 // markdown link, href
	ctxImage                // fetched without a click
)

// contextOf classifies the URL starting at text[start:] by what precedes it.
func contextOf(text string, start int) ctxKind {
	before := text[max(0, start-lookback):start]
	trimmed := strings.TrimRight(before, " \t<")
	if strings.HasSuffix(trimmed, "](") {
		// Find the '[' that opens the link text; an image starts "![".
		depth := 0
		for i := len(trimmed) - 2; i >= 0; i-- {
			switch trimmed[i] {
			case ']':
				depth++
			case '[':
				depth--
				if depth == 0 {
					if i > 0 && trimmed[i-1] == '!' {
						return ctxImage
					}
					return ctxLink
				}
			}
		}
		// Link text longer than the lookback: assume the worse case.
		return ctxImage
	}
	if attr := strings.TrimRight(trimmed, "\"'"); strings.HasSuffix(strings.TrimRight(attr, " \t"), "=") {
		if m := attrRE.FindStringSubmatch(before); m != nil {
			switch strings.ToLower(m[1]) {
			case "href", "action", "formaction":
				return ctxLink
			}
			return ctxImage
		}
	}
	if u := strings.ToLower(strings.TrimRight(trimmed, "\"' \t")); cssURL(u) || strings.HasSuffix(u, "@import") {
		return ctxImage // CSS url(...) and @import load without a click
	}
	if k := inTag(before); k != ctxBare {
		return k // e.g. the second URL of an img srcset
	}
	line := before[strings.LastIndexByte(before, '\n')+1:]
	if strings.Contains(line, "]:") && refDefRE.MatchString(line) {
		// A reference definition may be used by an image: "![x][ref]".
		return ctxImage
	}
	return ctxBare
}

// cssURL reports whether s ends in a CSS "url(" (not a word that ends in
// "url", such as the default marker "bulwark:blocked-url").
func cssURL(s string) bool {
	if !strings.HasSuffix(s, "url(") {
		return false
	}
	if len(s) == len("url(") {
		return true
	}
	c := s[len(s)-len("url(")-1]
	return !isWordByte(c) && c != '-'
}

// inTag classifies a URL that sits inside an HTML start tag (after "<name"
// and before its ">") by the tag: elements that fetch their resources on
// their own are images, anchors and forms links.
func inTag(before string) ctxKind {
	lt := strings.LastIndexByte(before, '<')
	if lt < 0 || strings.IndexByte(before[lt:], '>') >= 0 {
		return ctxBare
	}
	name := before[lt+1:]
	n := 0
	for n < len(name) && isWordByte(name[n]) {
		n++
	}
	switch strings.ToLower(name[:n]) {
	case "img", "image", "picture", "source", "video", "audio", "track", "iframe", "frame", "embed", "object",
		"script", "link", "input", "body", "table", "td", "th", "svg", "use", "meta":
		return ctxImage
	case "a", "area", "form", "button":
		return ctxLink
	}
	return ctxBare
}

// Host returns the lower-case host of an absolute or protocol-relative URL,
// without user info, port or trailing dot; "" when there is none.
func Host(u string) string {
	i := strings.Index(u, "//")
	if i < 0 {
		return ""
	}
	rest := u[i+2:]
	if j := strings.IndexAny(rest, "/?#"); j >= 0 {
		rest = rest[:j]
	}
	if j := strings.LastIndexByte(rest, '@'); j >= 0 {
		rest = rest[j+1:]
	}
	if j := strings.LastIndexByte(rest, ':'); j >= 0 {
		if !isPort(rest[j+1:]) {
			// Not host:port. Most likely user info whose "@" has not
			// arrived yet in a stream ("https://trusted.com:x@evil.io"):
			// return it all, which no allow-list entry matches.
			return strings.ToLower(rest)
		}
		rest = rest[:j]
	}
	return strings.TrimRight(strings.ToLower(rest), ".")
}

// isPort reports whether s is a port number (1 to 5 digits).
func isPort(s string) bool {
	if len(s) == 0 || len(s) > 5 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// hasData reports whether a URL carries something that looks like data: a
// query value of 12 or more bytes, a query of 48 or more bytes, or a path
// segment of 48 or more bytes.
func hasData(u string) bool {
	if i := strings.IndexAny(u, "?#"); i >= 0 {
		q := u[i+1:]
		if len(q) >= 48 {
			return true
		}
		for _, kv := range strings.FieldsFunc(q, func(r rune) bool { return r == '&' || r == ';' || r == '#' }) {
			if _, v, ok := strings.Cut(kv, "="); ok && len(v) >= 12 || !ok && len(kv) >= 12 {
				return true
			}
		}
		u = u[:i]
	}
	if i := strings.Index(u, "//"); i >= 0 {
		u = u[i+2:]
	}
	for _, seg := range strings.Split(u, "/") {
		if len(seg) >= 48 {
			return true
		}
	}
	return false
}
