package guard

import (
	"strconv"
	"strings"
)

// vault maps original values to session-stable placeholders ("[EMAIL_1]")
// and back. The zero value is empty and ready to use.
type vault struct {
	byValue map[string]string // type + "\x00" + value -> placeholder
	byPH    map[string]string // placeholder -> value
	counts  map[string]int    // type -> placeholders issued
	maxLen  int               // longest placeholder, for stream windows
}

// pseudonym returns the placeholder for value of the given finding type,
// issuing a new one the first time the value is seen in the session.
func (v *vault) pseudonym(typ, value string) string {
	typ = placeholderType(typ)
	key := typ + "\x00" + value
	if ph, ok := v.byValue[key]; ok {
		return ph
	}
	if v.byValue == nil {
		v.byValue = map[string]string{}
		v.byPH = map[string]string{}
		v.counts = map[string]int{}
	}
	v.counts[typ]++
	ph := "[" + typ + "_" + strconv.Itoa(v.counts[typ]) + "]"
	v.byValue[key] = ph
	v.byPH[ph] = value
	v.maxLen = max(v.maxLen, len(ph))
	return ph
}

// restores returns edits that put the original values back for every
// placeholder in text whose start is at least from.
func (v *vault) restores(text string, from int) []edit {
	if len(v.byPH) == 0 {
		return nil
	}
	var es []edit
	for i := from; i < len(text); {
		j := strings.IndexByte(text[i:], '[')
		if j < 0 {
			break
		}
		i += j
		end := min(len(text), i+v.maxLen)
		k := strings.IndexByte(text[i+1:end], ']')
		if k < 0 {
			i++
			continue
		}
		ph := text[i : i+k+2]
		if val, ok := v.byPH[ph]; ok {
			es = append(es, edit{i, i + len(ph), val})
			i += len(ph)
			continue
		}
		i++
	}
	return es
}

// placeholderType makes a finding type safe to use inside a placeholder:
// upper case letters, digits and underscores only.
func placeholderType(t string) string {
	ok := true
	for i := 0; i < len(t); i++ {
		c := t[i]
		if !(c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_') {
			ok = false
			break
		}
	}
	if ok && t != "" {
		return t
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(t) {
		if r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
			b.WriteRune(r)
		} else {
			b.WriteByte('_')
		}
	}
	if b.Len() == 0 {
		return "REDACTED"
	}
	return b.String()
}
