package secrets

import (
	"encoding/base64"
	"encoding/json"
	"regexp"
	"strings"
)

// Bulwark's own rule ids.
const (
	RulePrivateKey = "bulwark-private-key"
	RuleJWT        = "bulwark-jwt"
	RuleConnString = "bulwark-connection-string"
	RuleAssignment = "bulwark-generic-assignment"
	RuleBearer     = "bulwark-bearer-token"
)

func builtinRules() []rule {
	return []rule{
		{id: RulePrivateKey, typ: "PRIVATE_KEY", keywords: []string{"-----begin"}, score: 0.99, prio: prioStructural, check: checkPrivateKey},
		{id: RuleJWT, typ: "JWT", keywords: []string{"eyj"}, score: 0.9, prio: prioStructural, check: checkJWT},
		{id: RuleConnString, typ: "CONNECTION_STRING", keywords: []string{"://", "password=", "pwd="}, score: 0.9, prio: prioStructural, check: checkConnStrings},
		{id: RuleAssignment, typ: "GENERIC_SECRET", keywords: assignmentKeywords, score: 0.7, prio: prioAssignment, check: checkAssignments, windowed: true, atKeyword: true, opAfter: assignmentOpAfter},
		{id: RuleBearer, typ: "BEARER_TOKEN", keywords: []string{"bearer"}, score: 0.85, prio: prioStructural, check: checkBearer},
	}
}

// ---- private keys ----

// checkPrivateKey finds PEM and OpenSSH private key blocks. A block without
// its END line (a truncated paste) still counts when its body has at least
// minKeyBody base64 characters, so that "-----BEGIN RSA PRIVATE KEY-----"
// mentioned in prose is not a finding.
func checkPrivateKey(_ *Detector, text string, _, _ int, out []candidate) []candidate {
	const minKeyBody = 40
	for off := 0; ; {
		i := indexFold(text[off:], "-----begin ")
		if i < 0 {
			return out
		}
		start := off + i
		off = start + len("-----begin ")
		labelEnd := strings.Index(text[off:min(len(text), off+100)], "-----")
		if labelEnd < 0 {
			continue
		}
		label := strings.ToUpper(text[off : off+labelEnd])
		if !strings.Contains(label, "PRIVATE KEY") {
			continue
		}
		bodyStart := off + labelEnd + len("-----")
		end, body := pemBody(text, bodyStart)
		if body < minKeyBody {
			off = bodyStart
			continue
		}
		end = pemEnd(text, end)
		out = append(out, candidate{start: start, end: end, typ: "PRIVATE_KEY", ruleID: RulePrivateKey, score: 0.99, prio: prioStructural})
		off = end
	}
}

// pemEnd returns where a private key block whose body ends at end ends:
// after its END line when one follows (past any indentation, as in YAML),
// at the end of the text when an END line is cut off there (a stream
// received so far: the block is not over yet), else at end.
func pemEnd(text string, end int) int {
	j := end
	for j < len(text) && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r' || text[j] == '\n') {
		j++
	}
	const mark = "-----end"
	rest := text[j:]
	if len(rest) < len(mark) {
		if rest != "" && strings.EqualFold(rest, mark[:len(rest)]) {
			return len(text)
		}
		return end
	}
	if !strings.EqualFold(rest[:len(mark)], mark) {
		return end
	}
	e := j + len(mark)
	if k := strings.Index(text[e:min(len(text), e+100)], "-----"); k >= 0 {
		return e + k + len("-----")
	}
	if len(text)-e < 100 {
		return len(text)
	}
	return end
}

// pemBody scans a PEM body from i: base64 lines, blank lines and RFC 1421
// headers ("Proc-Type: 4,ENCRYPTED"). It returns where the body ends
// (trailing whitespace excluded) and how many base64 characters it holds.
func pemBody(text string, i int) (end, b64 int) {
	end = i
	for i < len(text) {
		c := text[i]
		switch {
		case isB64(c):
			b64++
			i++
			end = i
		case c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\\':
			// "\n" escapes appear when a key is pasted from JSON.
			i++
		case c == ':' || c == ',' || c == '-':
			if c == '-' && strings.HasPrefix(text[i:], "-----") {
				return end, b64
			}
			i++
			end = i
		default:
			return end, b64
		}
	}
	return end, b64
}

func isB64(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '='
}

func isB64URL(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_'
}

// ---- JWT ----

// checkJWT finds header.payload.signature tokens whose header decodes to a
// JSON object with an "alg" member and whose payload decodes to a JSON
// object. The signature may be empty only for alg "none".
func checkJWT(_ *Detector, text string, _, _ int, out []candidate) []candidate {
	for off := 0; ; {
		i := strings.Index(text[off:], "eyJ")
		if i < 0 {
			return out
		}
		start := off + i
		off = start + 3
		if start > 0 && (isB64URL(text[start-1]) || text[start-1] == '.') {
			continue
		}
		var parts [3][2]int
		p, j := 0, start
		parts[0][0] = j
		for j < len(text) && p < 3 {
			c := text[j]
			if isB64URL(c) {
				j++
				continue
			}
			if c == '.' && p < 2 {
				parts[p][1] = j
				p++
				j++
				parts[p][0] = j
				continue
			}
			break
		}
		if p < 2 {
			continue
		}
		parts[2][1] = j
		hdr, ok := decodeJSONObject(text[parts[0][0]:parts[0][1]])
		if !ok {
			continue
		}
		if _, ok := decodeJSONObject(text[parts[1][0]:parts[1][1]]); !ok {
			continue
		}
		alg, _ := hdr["alg"].(string)
		if alg == "" {
			continue
		}
		if parts[2][1]-parts[2][0] < 16 && !strings.EqualFold(alg, "none") {
			continue
		}
		out = append(out, candidate{start: start, end: j, typ: "JWT", ruleID: RuleJWT, score: 0.9, prio: prioStructural})
		off = j
	}
}

func decodeJSONObject(seg string) (map[string]any, bool) {
	if len(seg) < 4 || len(seg) > 8192 {
		return nil, false
	}
	b, err := base64.RawURLEncoding.DecodeString(strings.TrimRight(seg, "="))
	if err != nil {
		return nil, false
	}
	var m map[string]any
	if json.Unmarshal(b, &m) != nil || m == nil {
		return nil, false
	}
	return m, true
}

// ---- connection strings ----

// connSchemes are URL schemes whose user:password@ userinfo is a credential.
var connSchemes = map[string]bool{
	"postgres": true, "postgresql": true, "mysql": true, "mariadb": true,
	"mongodb": true, "mongodb+srv": true, "redis": true, "rediss": true,
	"amqp": true, "amqps": true, "mssql": true, "sqlserver": true,
	"oracle": true, "clickhouse": true, "cockroachdb": true, "couchdb": true,
	"neo4j": true, "neo4j+s": true, "bolt": true, "nats": true, "kafka": true,
	"ftp": true, "ftps": true, "sftp": true, "smtp": true, "smtps": true,
	"imap": true, "imaps": true, "ldap": true, "ldaps": true, "mqtt": true,
	"mqtts": true, "memcached": true, "cassandra": true, "db2": true,
	"snowflake": true, "elasticsearch": true, "influxdb": true,
	"http": true, "https": true, "ssh": true, "git": true, "git+https": true,
}

// ConnPassword parses a connection URL at the start of s (a scheme such as
// "postgres", "jdbc:mysql" or "mongodb+srv", "://", then userinfo) and
// returns the byte range of its password, or ok=false when s has none.
// Query parameters "password=" and "pwd=" count as passwords too.
func ConnPassword(s string) (start, end int, ok bool) {
	sep := strings.Index(s, "://")
	if sep <= 0 || sep > 40 {
		return 0, 0, false
	}
	scheme := strings.ToLower(s[:sep])
	scheme = strings.TrimPrefix(scheme, "jdbc:")
	// A driver after '+' ("postgresql+psycopg2", SQLAlchemy's form).
	if d := strings.IndexByte(scheme, '+'); d > 0 && !connSchemes[scheme] {
		scheme = scheme[:d]
	}
	if !connSchemes[scheme] {
		return 0, 0, false
	}
	rest := sep + 3
	stop := rest
	for stop < len(s) && !isSpace(s[stop]) && s[stop] != '"' && s[stop] != '\'' && s[stop] != '`' && s[stop] != '<' && s[stop] != '>' {
		stop++
	}
	url := s[rest:stop]
	// The authority ends at the first '/' or '?' (an unencoded '#' is more likely in a
	// password than a fragment in a connection URL); its userinfo ends at
	// the last '@'.
	auth := url
	if i := strings.IndexAny(url, "/?"); i >= 0 {
		auth = url[:i]
	}
	if at := strings.LastIndexByte(auth, '@'); at > 0 {
		if c := strings.IndexByte(auth[:at], ':'); c >= 0 && c+1 < at {
			return rest + c + 1, rest + at, true
		}
	}
	// jdbc:mysql://host/db?user=u&password=p, mongodb://host/?password=p
	if q := strings.IndexByte(url, '?'); q >= 0 {
		for p := q + 1; p < len(url); {
			e := strings.IndexAny(url[p:], "&;")
			if e < 0 {
				e = len(url) - p
			}
			kv := url[p : p+e]
			if k, v, found := strings.Cut(kv, "="); found && v != "" {
				if lk := strings.ToLower(k); lk == "password" || lk == "pwd" || lk == "pass" {
					vs := rest + p + len(k) + 1
					return vs, vs + len(v), true
				}
			}
			p += e + 1
		}
	}
	return 0, 0, false
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// adoPassword matches "Password=..." / "Pwd=..." in ADO.NET / ODBC style
// key=value connection strings; it is only reported when the text also
// names a server or data source.
var adoPassword = regexp.MustCompile(`(?i)(?:^|[;"'\s])(?:password|pwd)\s*=\s*("[^"\r\n]{1,128}"|'[^'\r\n]{1,128}'|[^;"'\s]{1,128})`)

// adoServerKeys name the server in key=value connection strings.
var adoServerKeys = []string{"server", "data source", "host", "hostname", "address", "addr"}

// hasServerKey reports "Server=" (any case, spaces allowed before '=').
func hasServerKey(text string) bool {
	for _, k := range adoServerKeys {
		for off := 0; off < len(text); {
			i := indexFold(text[off:], k)
			if i < 0 {
				break
			}
			j := off + i + len(k)
			for j < len(text) && (text[j] == ' ' || text[j] == '\t') {
				j++
			}
			if j < len(text) && text[j] == '=' {
				return true
			}
			off += i + 1
		}
	}
	return false
}

func checkConnStrings(_ *Detector, text string, _, _ int, out []candidate) []candidate {
	for off := 0; ; {
		i := strings.Index(text[off:], "://")
		if i < 0 {
			break
		}
		sep := off + i
		off = sep + 3
		// Back up over the scheme (letters, digits, '+', '.', '-', ':').
		s := sep
		for s > 0 && sep-s < 40 {
			c := text[s-1]
			if 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '.' || c == '-' || c == ':' {
				s--
				continue
			}
			break
		}
		ps, pe, ok := ConnPassword(text[s:])
		if !ok {
			continue
		}
		ps, pe = s+ps, s+pe
		if isPlaceholder(text[ps:pe]) {
			continue
		}
		out = append(out, candidate{start: ps, end: pe, typ: "CONNECTION_STRING", ruleID: RuleConnString, score: 0.9, prio: prioStructural})
		off = pe
	}
	if indexFold(text, "password") < 0 && indexFold(text, "pwd") < 0 || !hasServerKey(text) {
		return out
	}
	for _, m := range adoPassword.FindAllStringSubmatchIndex(text, -1) {
		vs, ve := m[2], m[3]
		if text[vs] == '"' || text[vs] == '\'' {
			vs, ve = vs+1, ve-1
		}
		if ve <= vs || isPlaceholder(text[vs:ve]) {
			continue
		}
		out = append(out, candidate{start: vs, end: ve, typ: "CONNECTION_STRING", ruleID: RuleConnString, score: 0.85, prio: prioStructural})
	}
	return out
}

// placeholderWords are values that stand for a password in docs and
// examples rather than being one.
var placeholderWords = map[string]bool{
	"password": true, "passwd": true, "pass": true, "pwd": true, "pw": true,
	"secret": true, "changeme": true, "change_me": true, "yourpassword": true,
	"your_password": true, "your-password": true, "mypassword": true,
	"my_password": true, "example": true, "test": true, "testing": true,
	"admin": true, "root": true, "user": true, "username": true,
	"placeholder": true, "redacted": true, "hidden": true, "dummy": true,
	"sample": true, "foo": true, "bar": true, "foobar": true, "null": true,
	"none": true, "nil": true, "true": true, "false": true, "guest": true,
	"postgres": true, "mysql": true, "token": true, "apikey": true,
	"api_key": true, "your_api_key": true, "your-api-key": true,
	"secret_key": true, "your_secret": true, "xxx": true,
}

// isPlaceholder reports values that are templates, masks or documentation
// stand-ins: "<password>", "${DB_PASS}", "{{ .Pass }}", "%s", "****",
// "xxxxxxxx", "password".
func isPlaceholder(v string) bool {
	v = strings.Trim(v, "\"'`")
	if v == "" {
		return true
	}
	switch v[0] {
	case '<', '{', '$', '%', '[', '(':
		return true
	}
	lv := strings.ToLower(v)
	if placeholderWords[lv] {
		return true
	}
	if strings.Contains(lv, "xxxx") || strings.Contains(lv, "****") || strings.Contains(lv, "...") ||
		strings.Contains(lv, "example") || strings.Contains(lv, "placeholder") ||
		strings.Contains(lv, "your_") || strings.Contains(lv, "your-") || strings.HasPrefix(lv, "your") ||
		strings.Contains(lv, "redacted") || strings.Contains(lv, "changeme") ||
		strings.Contains(lv, "####") || strings.Contains(lv, "12345678") {
		return true
	}
	// One repeated character.
	same := true
	for i := 1; i < len(v); i++ {
		if v[i] != v[0] {
			same = false
			break
		}
	}
	return same
}

// indexFold is strings.Index with ASCII case folding; sub must be lower case.
func indexFold(s, sub string) int {
	n := len(sub)
	if n == 0 {
		return 0
	}
	c0, c1 := sub[0], sub[0]
	if 'a' <= c0 && c0 <= 'z' {
		c1 = c0 - 'a' + 'A'
	}
	for i := 0; i+n <= len(s); i++ {
		if s[i] != c0 && s[i] != c1 {
			j := strings.IndexAny(s[i:], string([]byte{c0, c1}))
			if j < 0 {
				return -1
			}
			i += j
			if i+n > len(s) {
				return -1
			}
		}
		if equalFoldASCII(s[i:i+n], sub) {
			return i
		}
	}
	return -1
}

func equalFoldASCII(s, lowerSub string) bool {
	for i := 0; i < len(s); i++ {
		if lower(s[i]) != lowerSub[i] {
			return false
		}
	}
	return true
}
