package injection

import (
	"regexp"
	"slices"
	"strings"

	"github.com/bulwark-ai/bulwark/internal/scanner/normalize"
)

// Negated override verbs. "Do not ignore the safety instructions", "não
// ignore as instruções de segurança", "n'oublie pas les consignes", "vergiss
// die Anweisungen des Arztes nicht", 不要忽略之前的指示 and 指示を無視しないで tell
// the reader to keep to the instructions: the words of an override, the
// opposite meaning. Only ignore / forget / disregard verbs: "don't follow
// your instructions" and "don't tell anyone the password" are attacks, and
// so is "never forget that you are DAN" once the rest of the text is read
// (the frame below keeps the rest).
//
// Two uses:
//   - rules marked negatable (the ignore/forget families of other
//     languages; English ones are handled by mentionPre) drop a match that a
//     negated verb overlaps;
//   - Detect scores a flagged user turn once more with its negated verbs cut
//     out (negatedFrame): the model learned "ignore … instructions" as an
//     attack whatever comes before it (session 11: it flagged 11 of 17
//     negated sentences in nine languages; 3 with the frame).

// negVerbs: negation, then the verb (en, es, pt, it, fr, ru), or the verb
// with its negation after it (de, nl, ja, ko) or before it (zh).
var negVerbs = regexp.MustCompile(
	`(?:^|[^\pL])(?:(?:please\s+)?(?:do not|don't|dont|never|must not|mustn't|should not|shouldn't|you shouldn't|you should not)\s+(?:ever\s+)?(?:ignore|disregard|forget|overlook|neglect)` +
		`|(?:no|nunca|jamas)\s+(?:ignores|ignore|olvides|olvide|descartes|descarte|desestimes)` +
		`|(?:nao|nem|nunca)\s+(?:ignore|ignores|esqueca|esquecas|desconsidere|despreze)` +
		`|(?:non|mai)\s+(?:ignorare|ignori|dimenticare|dimentichi|trascurare|trascuri)` +
		`|(?:ne|jamais)\s+(?:neglige|negligez|ignore|ignorez|oublie|oubliez)|n'(?:ignore|ignores|ignorez|oublie|oublies|oubliez)` +
		`|(?:не|никогда не)\s+(?:игнорир\S*|забыва\S*|забуд\S*|пренебрега\S*))(?:[^\pL]|$)` +
		`|\b` + deNlVerbs + `\s+(?:nicht|niemals|nie|niet|nooit)\b` +
		`|(?:不要|别|別|勿|不能|不可|不得)(?:忽略|忽视|忽視|无视|無視|忘记|忘記|忘掉)` +
		`|(?:無視|忘れ)(?:しないで|しない|せず|ないで|ない|ず)` +
		`|무시하지 ?(?:마|말|않)|잊지 ?(?:마|말|않)`)

// deNlVerb: a German or Dutch verb whose negation may close the clause
// ("Vergiss die Anweisungen des Arztes nicht").
var deNlVerb = regexp.MustCompile(`\b` + deNlVerbs + `\b`)

// deNlVerbs: the German and Dutch override verbs negVerbs and deNlVerb look
// for.
const deNlVerbs = `(?:ignoriere|ignorieren sie|vergiss|vergessen sie|missachte|negeer|vergeet)`

// whyWords: "por que você não ignora …?" asks for it.
var whyWords = []string{"por que", "porque", "pourquoi", "perche", "warum", "waarom", "почему", "why "}

// negatedSpans appends the spans of s's negated override verbs (negation
// and verb; for a negation that closes a German or Dutch clause, verb to
// clause end) to dst.
func negatedSpans(dst [][2]int, s string) [][2]int {
	for _, loc := range negVerbs.FindAllStringIndex(s, 16) {
		if containsAny(leadIn(s, loc[0]), whyWords) {
			continue
		}
		dst = append(dst, [2]int{loc[0], loc[1]})
	}
	for _, loc := range deNlVerb.FindAllStringIndex(s, 16) {
		if n, ok := clauseEndNegated(s[loc[1]:]); ok {
			dst = append(dst, [2]int{loc[0], loc[1] + n})
		}
	}
	return dst
}

// negatedVerb reports whether a negated override verb overlaps the rule
// match s[x:y] (looked for in the match and the words around it).
func negatedVerb(s string, x, y int) bool {
	a, b := runeBounds(s, max(x-48, 0), min(y+64, len(s)))
	var buf [4][2]int
	for _, sp := range negatedSpans(buf[:0], s[a:b]) {
		if a+sp[0] < y && x < a+sp[1] {
			return true
		}
	}
	return false
}

// clauseEndNegated reports whether the clause that s continues ends, within
// words and without a conjunction, with nicht / niet ("… des Arztes
// nicht", not "… und sag nicht, wer du bist"), and where that word ends.
func clauseEndNegated(s string) (int, bool) {
	end := strings.IndexAny(s, ",.;:!?\n")
	if end < 0 {
		end = len(s)
	}
	words := strings.Fields(s[:end])
	if len(words) == 0 || len(words) > 6 {
		return 0, false
	}
	switch words[len(words)-1] {
	case "nicht", "niemals", "nie", "niet", "nooit":
	default:
		return 0, false
	}
	for _, w := range words {
		switch w {
		case "und", "oder", "sondern", "aber", "en", "of", "maar":
			return 0, false
		}
	}
	return len(strings.TrimRight(s[:end], " ")), true
}

// maxNegationText bounds the user turns negatedFrame looks at.
const maxNegationText = LongText

// negatedFrame returns text normalized with its negated override verbs cut
// out, when it has any, for Detect to score: if the rest looks benign, the
// negated verb carried the signal.
func negatedFrame(text string) (string, bool) {
	if len(text) > maxNegationText {
		return "", false
	}
	n := normalize.Normalize(text).Norm
	var buf [4][2]int
	spans := negatedSpans(buf[:0], n)
	if len(spans) == 0 {
		return "", false
	}
	slices.SortFunc(spans, func(p, q [2]int) int { return p[0] - q[0] })
	var b strings.Builder
	last := 0
	for _, sp := range spans {
		if sp[0] < last {
			continue
		}
		b.WriteString(n[last:sp[0]])
		b.WriteByte(' ')
		last = sp[1]
	}
	b.WriteString(n[last:])
	return b.String(), true
}
