package secrets

import (
	"regexp"
	"strings"
)

// assignmentKeywords gate the generic assignment check in the keyword index.
var assignmentKeywords = []string{"passw", "passphrase", "pwd", "pass", "secret", "key", "token", "credential"}

// checkAssignments reports values assigned to password/secret/token keys
// that look like real secrets: long enough, not a template or placeholder,
// not a code expression, with Shannon entropy above the threshold. It runs
// on keyword windows: lo is where the keyword occurs.
func checkAssignments(d *Detector, text string, lo, hi int, out []candidate) []candidate {
	kw := assignmentKeywordAt(text, lo)
	if kw == "" {
		return out
	}
	valStart, ok := parseAssignment(text, lo, kw)
	if !ok {
		return out
	}
	vs, ve, quoted := assignedValue(text, valStart)
	if ve <= vs {
		return out
	}
	v := text[vs:ve]
	if !secretLike(v, quoted, d.genMinLen, d.genEntropy) {
		return out
	}
	// The key is the identifier the keyword is part of ("csrf-token",
	// "keyVaultToStoreSecrets"). Keys that name a secret's id, size, file
	// or URL are not assignments of a secret. The generic-api-key stop
	// words ("admin", "test", ...) apply to non-password keys; they are
	// common inside real passwords. (The generic-api-key regex allowlists
	// are not used here: they cost ~100 µs per candidate, and ignoredKey
	// covers what they catch.)
	ks := lo
	for ks > 0 && lo-ks < 50 && isIdentByte(text[ks-1]) {
		ks--
	}
	ke := lo + len(kw)
	for ke < len(text) && ke-lo < 40 && isIdentByte(text[ke]) {
		ke++
	}
	key := normalizeKey(text[ks:ke])
	if ignoredKey(key) || inARN(text, ks) {
		return out
	}
	pw := strings.Contains(key, "pass") || strings.Contains(key, "pwd")
	if !pw && d.genericStopWord(v) {
		return out
	}
	return append(out, candidate{start: vs, end: ve, typ: "GENERIC_SECRET", ruleID: RuleAssignment, score: 0.7, prio: prioAssignment})
}

// assignmentKeywordAt returns the longest assignment keyword at text[i:]
// (ASCII case-insensitive), or "".
func assignmentKeywordAt(text string, i int) string {
	best := ""
	for _, kw := range assignmentKeywords {
		if len(kw) > len(best) && i+len(kw) <= len(text) && equalFoldASCII(text[i:i+len(kw)], kw) {
			best = kw
		}
	}
	return best
}

// parseAssignment parses `keyword[ident] ["'] op ` from the keyword at p
// and returns where the value starts. Accepted operators: = := : => -> and
// the prose "is". "pass" and "pwd" must start a word part ("DB_PASS",
// "pwd"), and "pass" must end one ("bypass", "passes" are not keys).
func parseAssignment(text string, p int, kw string) (int, bool) {
	j := p + len(kw)
	switch kw {
	case "pass", "pwd":
		if p > 0 && isAlpha(text[p-1]) || kw == "pass" && j < len(text) && isAlpha(text[j]) {
			return 0, false
		}
	case "key":
		// api_key, accessKey, private-key: a bare "key" or "bucket_key"
		// is left to gitleaks' generic-api-key rule.
		if !precededBy(text, p, "api", "access", "private") {
			return 0, false
		}
	case "token":
		// token, authToken, refresh_token; not "meraki_token".
		if p > 0 && (isAlpha(text[p-1]) || text[p-1] == '_' || text[p-1] >= '0' && text[p-1] <= '9') &&
			!precededBy(text, p, "auth", "access", "refresh", "bearer", "api", "session", "id") {
			return 0, false
		}
	}
	for k := 0; k < 20 && j < len(text) && isIdentByte(text[j]); k++ {
		j++
	}
	if j < len(text) && (text[j] == '"' || text[j] == '\'') {
		j++
	}
	afterKey := j
	for k := 0; k < 4 && j < len(text) && (text[j] == ' ' || text[j] == '\t'); k++ {
		j++
	}
	rest := text[j:]
	switch {
	case strings.HasPrefix(rest, ":="), strings.HasPrefix(rest, "=>"), strings.HasPrefix(rest, "->"):
		j += 2
	case len(rest) > 0 && (rest[0] == '=' || rest[0] == ':'):
		j++
	case len(rest) >= 2 && equalFoldASCII(rest[:2], "is") && (len(rest) == 2 || !isIdentByte(rest[2])) && j > 0 && text[j-1] == ' ':
		j += 2
		if j < len(text) && text[j] == ':' {
			j++
		}
	case len(rest) > 0 && rest[0] == '>' && xmlElement(text, p, j+1):
		j++ // <password>value</password>
	case netrcPassword(text, p):
		// machine host login user password value
	default:
		// Prose with a few words between the key and "is": "the API
		// token we use is …", "the secret for the webhook is …".
		k, ok := proseIs(text, afterKey)
		if !ok {
			return 0, false
		}
		j = k
	}
	for k := 0; k < 4 && j < len(text) && (text[j] == ' ' || text[j] == '\t'); k++ {
		j++
	}
	return j, true
}

// proseIs skips up to three lower-case words after a key at j and then
// "is" or "was": it returns where the value may start. The words must be
// short, ordinary ones ("we use", "for the webhook"), so a sentence that
// only mentions a key does not reach a value.
func proseIs(text string, j int) (int, bool) {
	for n := 0; n <= 3; n++ {
		if j >= len(text) || text[j] != ' ' {
			return 0, false
		}
		j++
		w := j
		for j < len(text) && 'a' <= text[j] && text[j] <= 'z' && j-w <= 12 {
			j++
		}
		switch text[w:j] {
		case "":
			return 0, false
		case "is", "was":
			if n == 0 {
				return 0, false // "key is" was handled by the caller
			}
			if j < len(text) && text[j] == ':' {
				j++
			}
			for j < len(text) && text[j] == ' ' {
				j++
			}
			return j, true
		}
	}
	return 0, false
}

// xmlElement reports whether the identifier holding the keyword at p is
// the name of an XML element whose content starts at v and is closed on the
// same line: "<password>…</password>", "<db.password>…</db.password>" (not
// "mysql://root:<password>@host", a placeholder).
func xmlElement(text string, p, v int) bool {
	k := p
	for k > 0 && p-k < 50 && isIdentByte(text[k-1]) {
		k--
	}
	if k == 0 || text[k-1] != '<' {
		return false
	}
	e := p
	for e < len(text) && isIdentByte(text[e]) {
		e++
	}
	line := text[v:lineEnd(text, v, v+300)]
	return strings.Contains(line, "</"+text[k:e]+">")
}

// netrcPassword reports the "password value" pair of a .netrc file at p:
// the word "password" followed by a space, with "machine" and "login"
// earlier in the text (within 300 bytes), as curl, git and ftp read it.
func netrcPassword(text string, p int) bool {
	e := p + len("password")
	if e >= len(text) || !equalFoldASCII(text[p:e], "password") || text[e] != ' ' && text[e] != '\t' ||
		p > 0 && isIdentByte(text[p-1]) {
		return false
	}
	before := text[max(0, p-300):p]
	return strings.Contains(before, "machine ") && strings.Contains(before, "login ")
}

// assignmentOpAfter is operatorAfter, plus the prose form "password is"
// and the .netrc form "password value".
func assignmentOpAfter(text string, i int) (int, bool) {
	if op, ok := operatorAfter(text, i); ok {
		return op, true
	}
	if p := i - len("passw"); p >= 0 && netrcPassword(text, p) {
		return p + len("password"), true
	}
	j := i
	for j < len(text) && j-i < 20 && (isIdentByte(text[j]) || text[j] == ' ') {
		if j+4 <= len(text) && text[j] == ' ' && equalFoldASCII(text[j:j+4], " is ") {
			return j + 3, true
		}
		j++
	}
	return 0, false
}

// assignedValue parses the value starting at i: a quoted string on one line,
// or a bare token up to whitespace or a delimiter. Sentence punctuation at
// the end of a bare value is not part of it.
func assignedValue(text string, i int) (start, end int, quoted bool) {
	if i >= len(text) {
		return i, i, false
	}
	if q := text[i]; q == '"' || q == '\'' || q == '`' {
		for j := i + 1; j < len(text) && j-i <= 256; j++ {
			switch text[j] {
			case q:
				return i + 1, j, true
			case '\n', '\r':
				return i, i, false
			}
		}
		return i, i, false
	}
	j := i
	for j < len(text) && j-i <= 256 {
		c := text[j]
		if isSpace(c) || c == ',' || c == ';' || c == ')' || c == ']' || c == '}' || c == '"' || c == '\'' || c == '`' || c == '<' || c == '>' {
			break
		}
		j++
	}
	for j > i && (text[j-1] == '.' || text[j-1] == '!' || text[j-1] == '?' || text[j-1] == ':') {
		j--
	}
	return i, j, false
}

// secretLike decides whether an assigned value is worth reporting.
func secretLike(v string, quoted bool, minLen int, minEntropy float64) bool {
	if len(v) < minLen || len(v) > 256 || isPlaceholder(v) {
		return false
	}
	if strings.ContainsAny(v, " \t") || strings.Contains(v, "://") {
		return false
	}
	var lowerN, upperN, digitN, symN int
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case 'a' <= c && c <= 'z':
			lowerN++
		case 'A' <= c && c <= 'Z':
			upperN++
		case '0' <= c && c <= '9':
			digitN++
		default:
			symN++
		}
	}
	classes := 0
	for _, n := range []int{lowerN, upperN, digitN, symN} {
		if n > 0 {
			classes++
		}
	}
	if classes < 2 {
		return false
	}
	if !quoted && looksLikeCode(v) && digitN == 0 {
		return false
	}
	if !quoted && strings.ContainsAny(v, "()[]{}") {
		return false
	}
	if dottedPath.MatchString(v) || constantName.MatchString(v) || fileName.MatchString(v) || uuidRe.MatchString(v) {
		return false
	}
	return shannon(v) > minEntropy
}

var (
	// X25519.secret_length, os.environ.DB_PASS
	dottedPath = regexp.MustCompile(`^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$`)
	// NEXUS-GPT4-API-KEY, DB_PASSWORD: the name of a secret, not its value
	constantName = regexp.MustCompile(`^[A-Z][A-Z0-9]*(?:[_-][A-Z0-9]+)+$`)
	// RTL_INST_CODE.cer, id_rsa.pub
	fileName = regexp.MustCompile(`^[\w.-]+\.[A-Za-z]{2,4}$`)
	// ids, not secrets
	uuidRe = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
)

// looksLikeCode reports identifiers and dotted paths (os.environ.DB_PASS,
// config.password, getPassword) that an unquoted assignment names instead of
// a literal value.
func looksLikeCode(v string) bool {
	for i := 0; i < len(v); i++ {
		c := v[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-') {
			return false
		}
	}
	return true
}

func isIdentByte(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '.' || c == '-'
}

// ignoredKeyParts are parts of a normalized key (lower case, without
// '_', '-', '.') that name something about a secret rather than the secret.
var ignoredKeyParts = []string{
	"csrf", "xsrf", "public", "keyvault", "keyid", "keyname", "secretname", "secretid", "secretref",
	"credentialsid", "credentialid", "tokenurl", "tokenuri", "tokenendpoint", "keyfile", "tokenfile",
	"secretfile", "passwordfile", "secretlength", "secretsize", "keysize", "keylength", "keystore",
	"keytab", "apiversion", "apiname", "maxtokens", "tokenizer", "withcredentials", "usersecretsid",
	"keyboard", "monkey", "turkey", "authority", "author", "passwordpolicy", "passwordlength",
	"tokentype", "tokenlimit", "keypair", "keyalias", "primarykey", "foreignkey", "sortkey", "partitionkey",
	"secretsmanager", "secretmanager", // AWS and GCP service names, in ARNs and resource paths
}

func normalizeKey(k string) string {
	b := make([]byte, 0, len(k))
	for i := 0; i < len(k); i++ {
		c := k[i]
		if c == '_' || c == '-' || c == '.' || c == '"' || c == '\'' || c == ' ' || c == '\t' {
			continue
		}
		b = append(b, lower(c))
	}
	return string(b)
}

func ignoredKey(key string) bool {
	for _, p := range ignoredKeyParts {
		if strings.Contains(key, p) {
			return true
		}
	}
	return false
}

// inARN reports whether text[i] is inside an Amazon Resource Name
// ("arn:aws:secretsmanager:…:secret:prod/db"), which names a secret and
// holds none.
func inARN(text string, i int) bool {
	s := i
	for s > 0 && i-s < 200 && !isSpace(text[s-1]) && !strings.ContainsRune("\"'`=(,[{", rune(text[s-1])) {
		s--
	}
	return strings.HasPrefix(text[s:], "arn:")
}

func isAlpha(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// precededBy reports whether one of words (lower case) ends right before p,
// optionally followed by one '_', '.' or '-'.
func precededBy(text string, p int, words ...string) bool {
	e := p
	if e > 0 && (text[e-1] == '_' || text[e-1] == '.' || text[e-1] == '-' || text[e-1] == ' ') {
		e-- // "api_key", "apiKey", "api key is …"
	}
	for _, w := range words {
		if e >= len(w) && equalFoldASCII(text[e-len(w):e], w) {
			return true
		}
	}
	return false
}
