package injection

import (
	"regexp"
	"strings"
	"unicode"

	"github.com/bulwark-ai/bulwark/internal/scanner/normalize"
)

// Self-corrections (session 8). In a chat, users take back what they just
// wrote: "ignore that", "Ignore that.", "forget it", "disregard my last
// message", "oops, ignore the typo". Alone, such a turn has nothing that
// could be an attack: no instruction, rule or prompt to drop, no task to put
// in its place. The model scored them 0.999–1.000, because in a text of two
// words nothing dilutes the weight of "ignore" (the length normalization
// divides by the square root of the feature count). A one-word turn is the
// same case ("ignore", "jailbreak"): a word, not an instruction.
//
// selfCorrection reports such a turn: the whole normalized text is an
// override verb with a pronoun or the user's own message, typo or words as
// its object, with optional fillers before and a short reason after ("…, I
// meant Tuesday"). The rules still run on it; only the model's score is
// capped (Detect), so "ignore previous" and "ignore the above", which the
// rules read as overrides, stay flagged. It also returns the normalized
// text, for the caller's rule check.
func selfCorrection(text string) (norm string, ok bool) {
	if len(text) > 120 {
		return "", false
	}
	norm = normalize.Normalize(text).Norm
	return norm, oneWord(strings.TrimSpace(text)) || correctionRe.MatchString(strings.TrimSpace(norm))
}

// oneWord reports a single word of letters as written (not after
// normalization, which joins spaced-out letters, and not in a script
// written without spaces, where one "word" is a whole sentence).
func oneWord(s string) bool {
	if s == "" || len(s) > 24 {
		return false
	}
	for _, r := range s {
		if !unicode.IsLetter(r) || isCJK(r) {
			return false
		}
	}
	return true
}

var correctionRe = regexp.MustCompile(`^(?:(?:ok|okay|oh|oops|sorry|please|pls|actually|wait|no|hmm|never ?mind|nvm)[,.!]? )*` +
	`(?:ignore|disregard|forget|scratch|skip|drop)(?: about)? ` +
	`(?:that|it|this|this one|that one|all that|all of that|what i (?:just )?(?:said|wrote|asked)|` +
	`my (?:last|previous|earlier|first|second) (?:message|question|comment|reply|request|prompt|sentence|paragraph|answer)|` +
	`the (?:typos?|mistake|error|formatting|last (?:part|line|message|question)))` +
	`(?: please| pls| for now| then)?[.!]*` +
	`(?:[,;:–—-] ?(?:i|it|that|this|we|sorry|my bad|wrong)\b[^.!?]{0,60}[.!]?)?$`)
