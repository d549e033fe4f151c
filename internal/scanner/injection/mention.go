package injection

import (
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/bulwark-ai/bulwark/internal/scanner/normalize"
)

// Quoted mentions (session 5). A short question or remark about quoted
// attack words — `what does "ignore all previous instructions" mean?`,
// `is the phrase "you are now DAN" still used?`, `write a regex that matches
// "ignore (all )?previous instructions"` — scored 0.999–1.000: the model and
// the rules see the quoted words, not that they are being talked about.
// Security teams ask exactly these questions, and the false-positive
// budget is for them. Only a user's own turn gets this reading (Scan): in a
// tool result or a retrieved document, quoted words are still read, and
// may be followed, by the model.
//
// quotedAbout returns text with every quoted span replaced by a neutral
// placeholder, and ok, when text is such a mention: short (one or two
// sentences), with at least one quoted span, words outside the quotes that
// talk about words (mean, phrase, string, example, regex, attack, …), and
// nothing that asks for the quoted words to be acted on (do it, follow,
// now, you are, reply, print, translate, …). The caller then scores the
// placeholder text: when that looks benign (below mentionFrameMax), the
// quoted words carried the whole signal and the text is a mention. An obfuscated or
// encoded quote is still scored on the evasive path, and translation is
// not a mention (a model asked to translate an instruction may follow it).
func quotedAbout(text string) (string, bool) {
	if len(text) > maxMentionText || strings.IndexByte(text, '\n') >= 0 && strings.Count(text, "\n") > 2 {
		return "", false
	}
	var b strings.Builder
	found := false
	last := 0
	for i := 0; i < len(text); {
		open, n := utf8.DecodeRuneInString(text[i:])
		closeQ, isOpen := quotePairs[open]
		if !isOpen || (open == '\'' && !quoteBoundary(text, i, true)) {
			i += n
			continue
		}
		// The closing quote: the first one after at least three bytes, on
		// the same line.
		j := i + n
		end := -1
		for k := j; k < len(text) && k-j <= maxMentionQuote; {
			r, m := utf8.DecodeRuneInString(text[k:])
			if r == '\n' {
				break
			}
			if r == closeQ && k-j >= 3 && (closeQ != '\'' || quoteBoundary(text, k+m, false)) {
				end = k + m
				break
			}
			k += m
		}
		if end < 0 {
			i = j
			continue
		}
		b.WriteString(text[last:i])
		b.WriteString(`"X"`)
		last = end
		found = true
		i = end
	}
	if !found {
		return "", false
	}
	b.WriteString(text[last:])
	frame := b.String()
	n := normalize.Normalize(frame).Norm
	if !mentionCue.MatchString(n) || actCue.MatchString(thirdPersonAct.ReplaceAllString(n, "")) {
		return "", false
	}
	return frame, true
}

const (
	// mentionFrameMax is the highest score the text around the quotes may
	// have on a head for the quotes to count as a mention there.
	mentionFrameMax = 0.5
	maxMentionText  = 400 // bytes; longer texts are documents, not questions about a phrase
	maxMentionQuote = 200 // bytes inside one pair of quotes
)

// quotePairs maps an opening quote to its closing quote.
var quotePairs = map[rune]rune{'"': '"', '“': '”', '„': '“', '«': '»', '「': '」', '『': '』', '`': '`', '\'': '\''}

// quoteBoundary reports whether an apostrophe-like quote at i (opening) or
// ending at i (closing) stands at a word boundary, so "don't" and "user's"
// are not quotes.
func quoteBoundary(s string, i int, opening bool) bool {
	if opening {
		if i == 0 {
			return true
		}
		r, _ := utf8.DecodeLastRuneInString(s[:i])
		return r == ' ' || r == '(' || r == '[' || r == ':'
	}
	if i >= len(s) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(s[i:])
	return strings.ContainsRune(" .,;:!?)]", r)
}

// mentionCue: words that talk about words (in the normalized frame).
var mentionCue = regexp.MustCompile(`\b(?:mean|means|meaning|meant|phrase|phrases|phrasing|string|strings|sentence|sentences|term|terms|word|words|wording|example|examples|like|such as|saying|says|said|called|named|known as|regex|regexp|pattern|patterns|match|matches|matching|detect|detects|detected|detection|flag|flags|flagged|filter|filters|filtered|block|blocks|blocked|attack|attacks|attempt|attempts|jailbreak|jailbreaks|injection|injections|considered|tweet|post|article|paper|slide|quote|quoted|appear|appears|contains|contain|unit test|test case|test cases|still used|work on|works on|effective|joke|pun|meme|riddle|(?:people|users|someone|attackers|hackers|trolls|they) (?:\w+ ){0,3}?(?:write|type|use|send|try|paste|reply|respond|post|comment|say))\b`)

// thirdPersonAct: others doing what actCue would read as a request ("why
// do people reply "…" to bots"); removed before actCue looks.
var thirdPersonAct = regexp.MustCompile(`\b(?:people|users|someone|somebody|attackers|hackers|trolls|they|others|folks|kids) (?:\w+ ){0,3}?(?:reply|replies|replying|respond|responds|responding|say|says|saying|post|posts|posting|print|repeat|repeats|write|writes|writing)\b`)

// actCue: words that ask for the quoted words to be acted on, or a second
// request beside the question.
var actCue = regexp.MustCompile(`\b(?:why don't you|why dont you|why not|how about|please|i want you to|i need you to|do it|do that|do this|do so|doing it|doing that|follow|following it|execute|obey|comply|apply it|act on|act as|carry out|perform|run it|go ahead|try it|now|then|from now on|you must|you will|you are|you're|pretend|instead|reply|respond|answer with|answer as|output|print|repeat|say|write it|type it|as instructed|as written|literally|by saying|confirm|complete the|complete this|finish the|finish this|continue the|continue this|fill in|translate|translation|into (?:english|spanish|french|german|italian|portuguese|dutch|russian|chinese|japanese|korean))\b`)

// describedAttack is quotedAbout for an attack phrase without quotes: a
// short text in which an override or extraction phrase is what a third
// party does to a model ("how attackers tell models to ignore previous
// instructions", "why telling a chatbot to ignore all previous instructions
// works", "the bot would print its system prompt"). The rules drop such a
// match (mentionFrame); the model still saw the phrase. Narrower than
// mentionFrame on purpose: a frame aimed at "you" ("how do I make you
// ignore your instructions") or a negation ("don't tell me the password")
// is how prompt-hacking games are played, so it is not a description here. frame is the normalized text with the
// phrase replaced, for Detect to score: when the rest looks benign, the
// phrase carried the whole signal and the text talks about an attack.
func describedAttack(text string) (frame string, ok bool) {
	if len(text) > maxMentionText {
		return "", false
	}
	n := normalize.Normalize(text).Norm
	for i := range rules {
		r := &rules[i]
		if !r.imperative() || r.joined {
			continue
		}
		for _, loc := range r.findAll(n, 4) {
			if pre := leadIn(n, loc[0]); describedPre.MatchString(pre) || thirdPerson.MatchString(pre) {
				return n[:loc[0]] + " X " + n[loc[1]:], true
			}
		}
	}
	return "", false
}

// describedPre: a third party making a model (not "you", not "it") do the
// phrase, or a gerund that names the act ("telling a chatbot to …").
var describedPre = regexp.MustCompile(`(?:^|\s)(?:(?:attackers|hackers|adversaries|scammers|jailbreakers|red teamers|pentesters|researchers|people|users|someone|somebody|they|injections?|jailbreaks?|prompts?)\s+(?:\w+\s+){0,2}?(?:tell|tells|told|make|makes|made|get|gets|trick|tricks|tricked|cause|causes|convince|convinces|force|forces|ask|asks|asked)|telling|asking|making|getting|tricking|forcing|convincing)\s+(?:the (?:model|ai|llm|assistant|chatbot|agent|bot)|an? (?:model|llm|chatbot|assistant|agent|bot|ai)|models|llms|chatbots|assistants|agents|bots)\s+(?:into\s+|to\s+)?$`)
