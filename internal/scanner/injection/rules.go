package injection

import (
	"regexp"
	"strings"
)

// Rules are hand-written attack structures, written for Bulwark: an
// instruction override ("ignore … previous … instructions"), role
// reassignment to an unrestricted persona, system-prompt extraction,
// exfiltration instructions, text that addresses the reading model from
// inside a document, and fake turn / delimiter injection. They match the
// normalizer's output (lower case, obfuscation folded), so spaced-out,
// homoglyph and leetspeak variants are covered, and they run on decoded
// base64/hex/URL/rot13 variants too. The model generalizes poorly across
// sources; the structures below are what attacks share across sources and
// languages.
//
// Every rule has a few literal anchors: the regexp runs only when one of them
// occurs in the text, so benign text pays a handful of substring searches.
// Go's regexp is RE2 (linear time).

// ruleScore is the score a matching rule gives its head: above the shipped
// thresholds, so a match is reported unless the category is turned off.
const ruleScore = 0.99

// rule is one attack structure.
type rule struct {
	id      string
	head    int
	score   float64
	anchors []string
	// also: when set, the window around an anchor must contain one of
	// these as well before the expression runs.
	also []string
	re   *regexp.Regexp
}

// gap allows up to n words between two parts of a pattern, within a sentence.
func gap(n int) string {
	_ = n
	return `(?:[^.!?;\n。！？]*?)`
}

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [8]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}

// cjkGap allows a few characters between two parts in languages written
// without spaces.
const cjkGap = `[^。！？.!?\n]*?`

const (
	enOverrideVerb = `(?:ignore|ignoring|disregard|forget|override|overlook|bypass|abandon|discard|neglect|set aside|pay no attention to|do not follow|don't follow|dont follow|stop following|no longer follow)`
	enPrior        = `(?:previous|previously|prior|above|earlier|preceding|former|initial|original|old|all|any|every|your|these|those|system|developer|given|foregoing)`
	enRules        = `(?:ins?truc?tions?|intsructions?|rules?|directions?|directives?|prompts?|guidelines?|commands?|orders?|constraints?|restrictions?|programming|guidance|policies|policy|safeguards?|filters?|context|training)`
	enReveal       = `(?:repeat|print|reveal|show|display|output|tell|give|share|write|list|leak|disclose|spell|dump|recite|return|echo|expose|provide|what (?:is|are|was|were)|what's)`
)

var rules = []rule{
	// Instruction override, English.
	{id: "override", head: HeadInjection, score: ruleScore,
		anchors: []string{"ignor", "disregard", "forget", "overrid", "overlook", "bypass", "abandon", "discard", "neglect", "set aside", "attention to", "not follow", "stop follow", "longer follow"},
		also:    []string{"instruc", "intsruc", "instuc", "rule", "direction", "directive", "prompt", "guideline", "command", "order", "constraint", "restriction", "programming", "guidance", "polic", "safeguard", "filter", "context", "training"},
		re:      regexp.MustCompile(`\b` + enOverrideVerb + `\b` + gap(4) + `\b` + enPrior + `\b` + gap(3) + `\b` + enRules + `\b`)},
	{id: "override", head: HeadInjection, score: ruleScore,
		anchors: []string{"ignor", "disregard", "forget"},
		also:    []string{"above", "before", "previous", "prior", "preceding", "earlier", "everything", "told"},
		re:      regexp.MustCompile(`\b(?:ignore|disregard|forget)\s+(?:about\s+)?(?:all\s+|everything\s+|anything\s+)?(?:of\s+)?(?:the\s+|that\s+|what\s+(?:was|is|i)\s+(?:said|written|told)\s+)?(?:above|before|previous|prior|preceding|earlier|everything|what you (?:were|have been) told)(?:\s+(?:that|this|it|here|now))?(?:\s*[.,;:!]|\s+and\b|\s+then\b|\s*$)`)},
	{id: "override", head: HeadInjection, score: ruleScore,
		anchors: []string{"new instruction", "new task", "new rule", "updated instruction", "revised instruction", "new directive", "new prompt", "real instruction", "true instruction", "actual instruction", "new goal", "new objective"},
		re:      regexp.MustCompile(`\b(?:your|the|my|these are|here are|following|important|urgent)?\s*(?:new|updated|revised|real|true|actual)\s+(?:system\s+)?(?:instructions?|task|rules?|directives?|prompt|goal|objective)\s*(?:is|are|:|-)`)},
	{id: "override", head: HeadInjection, score: ruleScore,
		anchors: []string{"instead"},
		also:    []string{"say", "print", "output", "respond", "reply", "write", "answer", "return", "tell", "translate", "state", "repeat", "type"},
		re:      regexp.MustCompile(`\binstead\b[ ,:]+(?:you (?:must|should|will)\s+|just\s+|only\s+|please\s+)?(?:say|print|output|respond|reply|write|answer|return|tell|translate|state|repeat|type)\b` + gap(4) + `(?:"|'|“|«|exactly|only|with|that)`)},
	// Spaced-out text reaches the rules with its spaces removed
	// ("i g n o r e  a l l …" → "ignoreall…").
	{id: "override", head: HeadInjection, score: ruleScore,
		anchors: []string{"ignoreall", "ignoreprev", "ignoreprior", "ignorethe", "ignoreyour", "ignoreany", "ignorethis", "ignoreevery", "disregardall", "disregardprev", "disregardthe", "disregardyour", "disregardthis", "forgetall", "forgetprev", "forgetyour", "forgetthe", "forgetevery"},
		re:      regexp.MustCompile(`(?:ignore|disregard|forget)(?:all|any|every)?(?:of)?(?:the|your|this)?(?:rest|previous|prior|above|earlier|preceding)?(?:of)?(?:this|the)?(?:instructions?|rules|prompts?|directions|guidelines|everything|data|text|document|input)`)},
	{id: "extract", head: HeadInjection, score: ruleScore,
		anchors: []string{"yoursystemprompt", "yourinstructions", "yourprompt", "thesystemprompt", "yourinitialinstructions", "yourrules"},
		re:      regexp.MustCompile(`(?:repeat|print|reveal|show|output|display|tell|give|leak|dump|write)(?:me|out|us)?(?:all)?(?:of)?(?:your|the)(?:system|initial|original|hidden|secret)?(?:prompt|instructions|rules)`)},
	// Instruction override, other languages (after diacritics are stripped).
	{id: "override-i18n", head: HeadInjection, score: ruleScore,
		anchors: []string{"ignor", "olvid", "descart", "omit", "caso omiso", "oubli", "neglig", "abstraction", "vergiss", "missacht", "uberschreib", "dimentic", "trascur", "esquec", "desconsider", "negeer", "vergeet", "negeren"},
		also:    []string{"instruc", "regla", "indicacion", "orden", "directri", "regra", "orientac", "diretri", "regle", "consigne", "directive", "indication", "anweisung", "regeln", "instruktion", "vorgabe", "befehl", "richtlin", "istruzion", "regole", "indicazion", "direttiv", "instructie", "regels", "aanwijzing", "opdracht", "anterior", "precede", "alles", "tutto", "tudo"},
		re: regexp.MustCompile(`\b(?:ignora|ignore|ignores|ignorez|ignoriere|ignorieren|ignori|ignorate|ignoreer|olvida|olvide|olviden|descarta|descarte|omite|haz caso omiso|oublie|oubliez|neglige|negligez|fais abstraction|faites abstraction|vergiss|vergessen sie|missachte|missachten sie|uberschreibe|dimentica|dimentichi|dimenticate|trascura|esqueca|esquece|esquecam|desconsidere|desconsidera|descartar|negeer|vergeet|negeren)\b` + gap(5) +
			`\b(?:instrucciones|reglas|indicaciones|ordenes|directrices|instrucoes|regras|orientacoes|diretrizes|instructions|regles|consignes|directives|indications|anweisungen|regeln|instruktionen|vorgaben|befehle|richtlinien|istruzioni|regole|indicazioni|direttive|instructies|regels|aanwijzingen|opdrachten|todo lo anterior|tout ce qui precede|alles (?:was|davor|bisherige|vorherige|obige)|tutto (?:quello|cio)|tudo (?:o que|acima|anterior)|alles (?:wat|hierboven|hiervoor))`)},
	{id: "override-i18n", head: HeadInjection, score: ruleScore,
		anchors: []string{"игнор", "забуд", "забыв", "внимания", "отбрось", "пренебре", "отмени"},
		also:    []string{"инструкц", "правил", "указани", "предыдущ", "вышеуказ", "все", "всё", "ограничен", "команд"},
		re:      regexp.MustCompile(`(?:игнорир\S*|проигнорир\S*|забудь\S*|забывай\S*|не обращай\S* внимания на|отбрось\S*|пренебреги\S*|отмени\S*)` + gap(5) + `(?:инструкци\S*|правил\S*|указани\S*|предыдущ\S*|вышеуказанн\S*|всё|все|ограничени\S*|команд\S*)`)},
	{id: "override-i18n", head: HeadInjection, score: ruleScore,
		anchors: []string{"忽略", "无视", "無視", "忘记", "忘記", "忘掉", "不要理会", "不要理會", "忽视", "忽視", "跳过", "跳過", "忘れ", "무시", "잊어", "잊으"},
		re: regexp.MustCompile(`(?:忽略|无视|無視|忘记|忘記|忘掉|不要理会|不要理會|忽视|忽視|跳过|跳過)` + cjkGap + `(?:指令|指示|说明|說明|规则|規則|提示|设定|設定|要求|之前|以上|上面|前面|先前|一切|所有)` +
			`|(?:指令|指示|说明|說明|规则|規則|提示词|提示詞|设定|設定|要求|之前|以上|上面|前面|先前|命令|ルール|プロンプト|制約|設定|これまで|今まで|上記)` + cjkGap + `(?:忽略|无视|無視|忘记|忘記|忘れ)` +
			`|(?:지시|명령|규칙|지침|프롬프트|설정|이전|위의|앞의|모든)` + cjkGap + `(?:무시|잊어|잊으)`)},
	// Role reassignment / unrestricted persona (jailbreak).
	{id: "persona", head: HeadJailbreak, score: ruleScore,
		anchors: []string{"restrict", "filter", "censor", "limit", "ethic", "moral", "guideline", "rules", "bound"},
		also:    []string{"you", "act as", "pretend", "behave", "become", "roleplay", "role-play", "play the role"},
		re:      regexp.MustCompile(`\b(?:you are|you're|you will be|you'll be|act as|acting as|pretend (?:to be|you are)|behave as|become|roleplay as|role-play as|play the role of|from now on,? you)\b` + gap(8) + `\b(?:without|free from|freed from|no longer (?:bound|restricted|limited) by|not (?:bound|restricted|limited) by|not subject to|no|any|zero|none of)\s+(?:any\s+|the\s+|your\s+)?(?:restrictions?|filters?|filtering|censorship|limits|limitations|ethics|ethical (?:guidelines|constraints|boundaries)|morals?|moral (?:guidelines|constraints)|guidelines|rules|boundaries|content polic(?:y|ies)|safety)\b`)},
	{id: "persona", head: HeadJailbreak, score: ruleScore,
		anchors: []string{"do anything now", "mode enabled", "mode activated", "mode override", "mode output", "mode is", "developer mode", "dev mode", "sudo mode", "jailbreak mode", "dan mode", "unrestricted mode", "unfiltered mode", "jailbr", "unfiltered", "uncensored", "unrestricted", "god mode", "evil confidant", "no restrictions", "stay in character"},
		re:      regexp.MustCompile(`\b(?:do anything now|(?:developer|dev|god|debug|admin|sudo|unrestricted|unfiltered|uncensored|jailbreak|jailbroken|dan) mode (?:enabled|activated|override|output|is (?:now )?(?:enabled|on|active))|(?:enable|activate|enter|simulate|switch to) (?:the )?(?:developer|dev|god|sudo|jailbreak|dan|unrestricted|unfiltered) mode|you (?:are|have been) (?:jailbroken|freed|liberated|unchained)|(?:unfiltered|uncensored|unrestricted|amoral) (?:ai|assistant|model|chatbot|version|response|llm)|evil confidant|stay in character|you have no (?:restrictions|rules|filters|limits|guidelines))\b`)},
	{id: "persona", head: HeadJailbreak, score: ruleScore,
		anchors: []string{" dan", "\"dan", "'dan"},
		re:      regexp.MustCompile(`\b(?:you are|you're|act as|called|named|pretend to be|become)\s+(?:now\s+)?(?:a\s+|an\s+|the\s+)?"?dan\b`)},
	{id: "override", head: HeadInjection, score: ruleScore,
		anchors: []string{"ignor", "disregard", "forget", "delete", "erase", "leave", "clear", "remove", "drop"},
		also:    []string{"previous", "prior", "above", "preceding", "earlier", "former", "foregoing", "instruc", "rule", "guideline", "directive", "programming", "system prompt", "given"},
		re: regexp.MustCompile(`\b(?:ignore|disregard|forget|delete|erase|leave behind|clear|remove|drop)\b\s+(?:all|every|each)\s+(?:of\s+)?(?:the\s+|your\s+|my\s+)?(?:previous|prior|above|preceding|earlier|former|foregoing)\b` +
			`|\b(?:ignore|disregard|forget|delete|erase|override)\b` + gap(3) + `\b` + enRules + `\b\s*(?:above|before|so far|given (?:to you|above|before|earlier)|you (?:were|have been) given)\b` +
			`|\b(?:delete|erase|remove|clear|reset|wipe)\s+(?:all\s+)?(?:of\s+)?(?:your|the|prior|previous)\s+(?:previous\s+|prior\s+|system\s+)?(?:instructions|rules|guidelines|directives|programming|system prompt)\b`)},
	{id: "override", head: HeadInjection, score: ruleScore,
		anchors: []string{"task", "stop everything"},
		also:    []string{"new", "next", "different", "real", "another", "other", "everything"},
		re:      regexp.MustCompile(`\b(?:now|here is|here's|we (?:start|begin) with|start with|begin with|moving on to)\s+(?:a|your|the|our)\s+(?:new|next|different|real)\s+task\b|\b(?:let's|let us|we will|now we will|we'll|now) (?:do|perform|start|switch to) (?:a |an )?(?:different|new|another|other) task\b|\bstop everything\b`)},
	{id: "coerce", head: HeadJailbreak, score: ruleScore,
		anchors: []string{"comply", "obey", "refuse", "decline", "say no", "filter", "restrict", "safety", "guardrail", "safeguard", "censor", "grant me"},
		also:    []string{"you must", "you will", "you shall", "you have to", "you are required", "never", "do not", "don't", "cannot", "can't", "can not", "must not", "will not", "won't", "not allowed", "obey", "disable", "remove", "turn off", "deactivate", "switch off", "lift", "drop", "bypass", "removed", "lifted", "disabled", "gone", " off", "no ethical", "no moral", "no content", "no safety", "without ethical", "without moral", "without content", "without safety", "without any", "no any", "grant me"},
		re: regexp.MustCompile(`\byou (?:must|will|shall|have to|are required to) (?:always |now |strictly )?(?:comply|obey)\b|\b(?:never|do not|don't|cannot|can't|can not|must not|will not|won't|are not allowed to) (?:ever )?(?:refuse|decline|say no)\b|\bobey (?:all|every|any) (?:of )?(?:my )?(?:commands?|requests?|orders?|instructions)\b` +
			`|\b(?:disable|remove|turn off|deactivate|switch off|lift|drop)\s+(?:all\s+|any\s+|of\s+)*(?:your\s+|the\s+)?(?:safety|content|ethical|moral|ai|built-in)\s*(?:filters?|restrictions?|guardrails?|safeguards?|checks|measures|protocols|guidelines|polic(?:y|ies)|settings|features|alignment)\b` +
			`|\b(?:disable|remove|turn off|deactivate|lift|drop|bypass)\s+(?:all\s+)?your\s+(?:filters|restrictions|guardrails|safeguards|safety|guidelines|rules|limitations|censorship)\b` +
			`|\b(?:all|your) (?:restrictions|filters|safeguards|guardrails|limitations) (?:are |have been )?(?:removed|lifted|disabled|gone|off)\b` +
			`|\b(?:no|without) (?:any )?(?:ethical|moral|content|safety) (?:restrictions|limits|guidelines|filters|constraints|boundaries|considerations)\b|\bgrant me (?:full |admin |root |superuser |unrestricted )+(?:access|privileges|rights)\b`)},
	{id: "fake-turn", head: HeadInjection, score: ruleScore,
		anchors: []string{"user:", "user :", "human:", "human :", "assistant:", "assistant :", "system:", "system :", "ai:", "ai :", "admin:", "admin :", "developer:", "developer :"},
		re:      regexp.MustCompile(`(?:^|\n|>|\]|\.)\s*(?:user|human|assistant|system|ai|admin|developer)\s*:\s*(?:next|now|ignore|disregard|forget|new instructions?|please (?:repeat|say|print|ignore|output)|repeat|say|print|output|reveal)\b`)},
	{id: "output-inject", head: HeadInjection, score: ruleScore,
		anchors: []string{"following", "this string", "this link", "this url", "this image", "exactly as", "verbatim"},
		also:    []string{"string", "link", "url", "markdown", "image", "anchor", "html", "script", "snippet", "exactly", "verbatim"},
		re:      regexp.MustCompile(`\b(?:include|add|append|insert|put|output|print|embed|render)\b` + gap(6) + `(?:the following (?:string|link|url|markdown|image|anchor|html|script|code snippet)|this (?:string|link|url|image|anchor|markdown|html|script)|(?:exactly|verbatim) as (?:it is|written|shown|follows))`)},
	{id: "persona", head: HeadJailbreak, score: ruleScore,
		anchors: []string{"pretend"},
		re:      regexp.MustCompile(`\bpretend (?:that )?(?:you are|you're|to be) (?:an? |the )?(?:evil|unethical|malicious|unrestricted|uncensored|unfiltered|amoral|rogue|jailbroken|immoral|lawless)\b`)},
	{id: "persona-i18n", head: HeadJailbreak, score: ruleScore,
		anchors: []string{"sin ", "sans ", "ohne ", "senza ", "sem ", "zonder ", "без ", "限制", "制限", "制約", "제한"},
		re: regexp.MustCompile(`\b(?:eres|actua|actuas|finge|tu es|vous etes|agis|agissez|du bist|sie sind|agiere|verhalte dich|sei|agisci|fingi|voce e|aja|finja|je bent|jij bent|gedraag je|doe alsof)\b` + gap(8) + `\b(?:sin|sans|ohne|senza|sem|zonder) (?:ninguna |ningun |las |aucune |aucun |jegliche |alle |irgendwelche |alcuna |alcun |nenhuma |nenhum |quaisquer |enige )?(?:restric\w*|restrizion\w*|filt\w*|censur\w*|zensur\w*|censuur|einschrankung\w*|beperking\w*|regl\w* eti\w*|regole etiche|regras eticas|ethische regels|ethischen regeln)` +
			`|(?:ты|вы|веди себя|притворись)` + gap(8) + `без (?:каких-либо |всяких )?(?:ограничений|фильтров|цензуры)` +
			`|(?:你是|你现在是|你現在是|扮演)` + cjkGap + `(?:没有任何限制|沒有任何限制|不受任何限制|没有限制|沒有限制|无任何限制)` +
			`|(?:あなたは|として)` + cjkGap + `(?:制限なし|制限のない|制約なし|制約のない|検閲なし)` +
			`|(?:당신은|너는)` + cjkGap + `(?:제한 없이|제한이 없는|제약 없이|검열 없이)`)},
	// System-prompt extraction.
	{id: "extract", head: HeadInjection, score: ruleScore,
		anchors: []string{"prompt", "instruction", "system message", "initiali", "guidelines", "rules you", "directives", "configuration"},
		also:    []string{"repeat", "print", "reveal", "show", "display", "output", "tell", "give", "share", "write", "list", "leak", "disclose", "spell", "dump", "recite", "return", "echo", "expose", "provide", "what", "respond", "reply", "answer", "say", "hint", "encode", "reverse", "type"},
		re:      regexp.MustCompile(`\b` + enReveal + `\b` + gap(4) + `\b(?:your|the (?:system|initial|original|hidden|secret|above|previous|preceding|full|complete|exact|developer|first)|this (?:system|initial|hidden)|its)\s+(?:\w+\s+){0,2}?(?:system prompt|system message|prompts?|instructions|initiali[sz]ation|guidelines|rules you (?:were|have been) given|directives|configuration|pre-?prompt|context window)\b|\b(?:respond|reply|answer) with\b` + gap(3) + `\b(?:instructions?|rules|guidelines|directives|prompt)\b` + gap(2) + `\byou (?:have been|were|are) (?:given|told|provided|programmed)`)},
	{id: "extract", head: HeadInjection, score: ruleScore,
		anchors: []string{"above", "before this", "beginning", "told you", "you were told", "you were given", "written"},
		also:    []string{"repeat", "print", "reveal", "show", "display", "output", "tell", "give", "share", "write", "list", "leak", "disclose", "spell", "dump", "recite", "return", "echo", "expose", "provide", "what", "respond", "reply", "answer", "say", "hint", "encode", "reverse", "type"},
		re:      regexp.MustCompile(`\b(?:` + enReveal + `|what)\b` + gap(4) + `\b(?:(?:text|words|everything|content|all|message) (?:written |that (?:is|was|were) |you (?:see|saw) )?(?:above|before this|prior to this|at the beginning|at the start)|what (?:is|was) written (?:above|before|at the beginning)|what (?:were|have) you (?:been )?told|(?:the )?(?:first|previous|initial) (?:\d+ )?(?:words|lines|sentences|message) (?:of|in) (?:this|the|your) (?:conversation|prompt|chat|context))`)},
	{id: "extract", head: HeadInjection, score: ruleScore,
		anchors: []string{"password", "passphrase", "secret word", "secret code", "secret key"},
		also:    []string{"repeat", "print", "reveal", "show", "display", "output", "tell", "give", "share", "write", "list", "leak", "disclose", "spell", "dump", "recite", "return", "echo", "expose", "provide", "what", "respond", "reply", "answer", "say", "hint", "encode", "reverse", "type"},
		re:      regexp.MustCompile(`\b(?:tell|give|reveal|say|spell|share|print|show|disclose|leak|hint|encode|reverse|type|write down|what is|what's|whats)\b` + gap(4) + `\b(?:the|your|that|this)\s+(?:secret\s+)?(?:password|passphrase|secret word|secret code|secret key)(?:\s*$|[^\w\s]|\s+(?:is|was|you|to|please|now|backwards|in|of|for|that|and|but|without|letter|letters|character|characters|one|with|so|as|here|again|or|right|immediately))`)},
	{id: "extract-i18n", head: HeadInjection, score: ruleScore,
		anchors: []string{"sistema", "systeme", "systemprompt", "system-prompt", "systemanweisung", "anweisungen", "instrucciones", "instrucoes", "consignes", "istruzioni", "instructies", "systeem", "tu prompt", "ton prompt", "votre prompt", "deinen prompt", "ihren prompt", "tuo prompt", "suo prompt", "seu prompt", "teu prompt", "je prompt", "jouw prompt", "uw prompt", "инструкци", "промпт", "системн", "提示", "指令", "指示", "プロンプト", "프롬프트", "지시"},
		re: regexp.MustCompile(`(?:muestra\S*|revela\S*|repite|dime|imprime|escribe|montre\S*|affiche\S*|revele\S*|repete\S*|donne\S*|dis-moi|ecris|zeig\S*|gib|nenne\S*|verrate\S*|wiederhole\S*|schreib\S*|wie lautet|wie lauten|mostra\S*|rivela\S*|ripeti\S*|dimmi|stampa\S*|scrivi\S*|mostre|revele|repita|diga|imprima|escreva|toon|laat (?:me )?zien|onthul\S*|herhaal|geef|vertel|покаж\S*|вывед\S*|повтор\S*|раскро\S*|напиш\S*|скажи|расскаж\S*|显示|顯示|输出|輸出|告诉|告訴|重复|重複|打印|透露|泄露|洩露|展示|给我|給我|表示|教え|出力|繰り返|見せ|開示|書い|보여|출력|알려|반복|공개|말해)` + gap(5) +
			`(?:prompt (?:del|de|do|di) (?:sistema|systeme)|instrucciones (?:del sistema|iniciales|originales|ocultas|secretas)|tus instrucciones|tu prompt|prompt systeme|instructions (?:systeme|initiales|originales|cachees|secretes)|(?:tes|vos) (?:instructions|consignes)|(?:ton|votre) prompt|system-?prompt|systemanweisungen|(?:deine|ihre|ursprunglichen|anfanglichen|versteckten) anweisungen|(?:deinen|ihren) prompt|istruzioni (?:di sistema|iniziali|originali|nascoste|segrete)|(?:tue|sue) istruzioni|(?:tuo|suo) prompt|instrucoes (?:do sistema|iniciais|originais|ocultas|secretas)|(?:suas|tuas) instrucoes|(?:seu|teu) prompt|systeemprompt|systeeminstructies|(?:je|jouw|uw|oorspronkelijke) (?:instructies|prompt)|системн\S* (?:промпт\S*|подсказк\S*|инструкци\S*|сообщени\S*)|(?:твои|ваши|свои|исходн\S*|скрыт\S*|первоначальн\S*) (?:инструкци\S*|промпт\S*)|系统提示|系統提示|系统指令|系統指令|初始指令|你的指令|你的提示|原始指令|隐藏指令|隱藏指令|システムプロンプト|システム指示|あなたの指示|最初の指示|元の指示|隠された指示|初期指示|시스템 프롬프트|시스템 지시|너의 지시|당신의 지시|초기 지시|원래 지시|숨겨진 지시)` +
			`|(?:系统提示|系統提示|系统指令|系統指令|初始指令|你的指令|你的提示|原始指令|システムプロンプト|あなたの指示|最初の指示|시스템 프롬프트|당신의 지시|너의 지시)` + cjkGap + `(?:显示|顯示|输出|輸出|告诉|告訴|重复|重複|打印|透露|泄露|展示|表示|教え|出力|繰り返|見せ|開示|書い|보여|출력|알려|반복|공개|말해)`)},
	// Exfiltration instructions.
	{id: "exfil", head: HeadInjection, score: ruleScore,
		anchors: []string{"]("},
		re:      regexp.MustCompile(`!\[[^\]]{0,100}\]\(\s*https?://[^)\s]{1,200}[?&][^)\s=]{1,40}=[^)\s]*(?:\[|\{|\$|<|%5b|%7b)`)},
	{id: "exfil", head: HeadInjection, score: ruleScore,
		anchors: []string{"http", "www."},
		also:    []string{"conversation", "chat history", "previous messages", "all messages", "user", "password", "api key", "credential", "secret", "personal", "private", "contents", "the above", "the previous", "history", "token", "session", "cookie", "context"},
		re:      regexp.MustCompile(`\b(?:send|forward|post|upload|transmit|exfiltrate|email|e-mail|mail|append|leak|submit|copy|paste|fetch|visit|load|render|include)\b` + gap(6) + `\b(?:conversation|chat history|previous messages|all messages|user'?s? (?:data|messages|email|password|details|information|credentials)|passwords?|api keys?|credentials|secrets?|personal (?:data|information|details)|private (?:data|information)|contents? of|the (?:above|previous) (?:text|conversation|messages)|history|tokens?|session|cookies?|context)\b` + gap(6) + `(?:https?://|www\.|\b[\w.-]+@[\w-]+\.[a-z]{2,})`)},
	// Text that addresses the reading model from inside a document.
	{id: "indirect", head: HeadInjection, score: ruleScore,
		anchors: []string{"reading", "processing", "summariz", "summaris", "analyz", "analys", "parsing", "viewing", "reviewing", "scanning", "browsing", "note to", "note for", "message to", "message for", "instruction for", "instructions for", "instruction to", "instructions to", "reminder", "attention", "notice to", "notice for", "warning to", "warning for", "memo to", "memo for", "dear ", "hey ", "hello ", "hi ", "if you are"},
		also:    []string{"ai ", "ai'", " ai", "assistant", "model", "llm", "chatbot", "bot", "agent", "gpt", "automated"},
		re:      regexp.MustCompile(`\b(?:note|message|instructions?|reminder|attention|notice|warning|memo) (?:to|for) (?:the |any |all )?(?:ai|assistant|ai assistant|language model|model|llm|chatbot|bot|agent|gpt|automated system)s?\b|\b(?:dear|attention|hey|hello|hi) (?:ai|assistant|ai assistant|language model|llm|chatbot|gpt|agent|bot)\b|\b(?:ai|assistant|ai assistant|language model|model|llm|chatbot|bot|agent|gpt)s? (?:that is |who is |which is )?(?:reading|processing|summari[sz]ing|analy[sz]ing|parsing|viewing|reviewing|scanning|browsing) (?:this|these|the following)\b|\bif you are (?:an? )?(?:ai|language model|llm|assistant|ai assistant|chatbot|bot|gpt|automated)\b`)},
	{id: "indirect", head: HeadInjection, score: ruleScore,
		anchors: []string{"summar", "translat", "analy", "process", "read"},
		also:    []string{"instead", "ignore", "disregard", "you must", "you should", "make sure", "be sure", "always", "do not", "don't", "also include", "also add", "also say", "also mention", "also tell", "also send"},
		re:      regexp.MustCompile(`\b(?:when|while|if|before|after) (?:you are |you're )?(?:summari[sz]|translat|analy[sz]|process|read|review|pars)\w* (?:this|the|these)\b` + gap(8) + `\b(?:instead|ignore|disregard|you must|you should|make sure to|be sure to|always|do not|don't|also (?:include|add|say|mention|tell|send))\b`)},
	{id: "indirect", head: HeadInjection, score: ruleScore,
		anchors: []string{"important", "urgent", "attention", "system"},
		also:    []string{"instruction", "directive", "task", "rule", "ignore", "disregard", "forget", "override", "you must", "assistant", "the ai", "ai must"},
		re:      regexp.MustCompile(`\b(?:important|urgent|attention|critical|system (?:note|notice|update|override|message|alert))\s*[:!-]+\s*(?:new |updated |additional |following )?(?:instructions?|directives?|task|rules?|ignore|disregard|forget|override|you must|the assistant|the ai|assistant must|ai must)\b`)},
	// Delimiter and fake-turn injection.
	{id: "delimiter", head: HeadInjection, score: ruleScore,
		anchors: []string{"<|", "<<", "###"},
		re:      regexp.MustCompile(`<\|(?:im_start|im_end|system|endoftext|begin_of_text|start_header_id|eot_id)\|>|<<\s*sys\s*>>|###\s*(?:system\s*:|new instructions?|new task|system override)`)},
	{id: "delimiter", head: HeadInjection, score: ruleScore,
		anchors: []string{"</"},
		also:    []string{"system", "assistant", "instruction", "ignore", "new task", "now"},
		re:      regexp.MustCompile(`</\s*(?:email|document|context|text|user|data|input|article|message|page|content|file|tool_output|result|untrusted)\s*>` + gap(6) + `\b(?:system|assistant|instruction|instructions|ignore|new task|now)\b`)},
	{id: "delimiter", head: HeadInjection, score: ruleScore,
		anchors: []string{"[system", "(system", "<system", "system:", "system :", "system prompt:", "system message:", "system override"},
		re:      regexp.MustCompile(`(?:^|[\s\]\)>])(?:\[\s*system\s*\]|\(\s*system\s*\)|<\s*system\s*>|system\s*(?:prompt|message|override)?\s*:)\s*(?:you|ignore|new|from now|the assistant|assistant|disregard|forget|override|important|always|never|respond|reply|print|output|do not|include|reveal)\b`)},
	{id: "delimiter", head: HeadInjection, score: ruleScore,
		anchors: []string{"end of"},
		also:    []string{"instruction", "system", "ignore", "now", "new task", "assistant"},
		re:      regexp.MustCompile(`\bend of (?:the )?(?:email|document|context|user input|input|data|text|message|page)\b` + gap(6) + `\b(?:instructions?|system|ignore|now|new task|assistant)\b`)},
}

// ruleMatch is the best rule match over a normalized text.
type ruleMatch struct {
	score      [NumHeads]float64
	start, end [NumHeads]int
}

// matchRules finds every rule's anchors in one pass over s, then runs each
// rule's expression only in the windows around its anchors.
func matchRules(s string) ruleMatch {
	var m ruleMatch
	var hbuf [256]anchorHit
	hits := findAnchors(hbuf[:0], s)
	if len(hits) == 0 {
		return m
	}
	for i := range rules {
		r := &rules[i]
		if r.score <= m.score[r.head] {
			continue
		}
		if a, b, ok := r.find(s, hits, i); ok {
			m.score[r.head] = r.score
			m.start[r.head], m.end[r.head] = a, b
		}
	}
	return m
}

// ruleReach bounds how far a rule's match extends on either side of one of
// its anchors, in bytes. Go's regexp has no DFA; running it only in windows
// around the anchors keeps the rules' cost proportional to the anchors found,
// not to the length of the text.
const ruleReach = 250

// anchorHit is one occurrence of a rule's anchor.
type anchorHit struct {
	pos  int32
	rule uint16
	n    uint16 // anchor length
}

// anchorRef names one anchor of one rule.
type anchorRef struct {
	rule uint16
	text string
}

// anchorIndex maps the first two bytes of every anchor to the anchors that
// start with them (CSR layout), so one pass over a text finds every anchor.
type anchorIndex struct {
	start [1<<16 + 1]uint32
	refs  []anchorRef
}

var anchors = buildAnchorIndex()

func buildAnchorIndex() *anchorIndex {
	x := new(anchorIndex)
	var count [1 << 16]uint32
	key := func(a string) int { return int(a[0])<<8 | int(a[1]) }
	for _, r := range rules {
		for _, a := range r.anchors {
			if len(a) < 2 {
				panic("injection: rule anchor shorter than two bytes: " + a)
			}
			count[key(a)]++
		}
	}
	for k := range count {
		x.start[k+1] = x.start[k] + count[k]
	}
	x.refs = make([]anchorRef, x.start[1<<16])
	fill := x.start
	for i, r := range rules {
		for _, a := range r.anchors {
			k := key(a)
			x.refs[fill[k]] = anchorRef{rule: uint16(i), text: a}
			fill[k]++
		}
	}
	return x
}

// findAnchors appends every anchor occurrence in s, in text order.
func findAnchors(dst []anchorHit, s string) []anchorHit {
	for i := 0; i+1 < len(s); i++ {
		k := int(s[i])<<8 | int(s[i+1])
		lo, hi := anchors.start[k], anchors.start[k+1]
		for _, ref := range anchors.refs[lo:hi] {
			if strings.HasPrefix(s[i:], ref.text) {
				dst = append(dst, anchorHit{pos: int32(i), rule: ref.rule, n: uint16(len(ref.text))})
			}
		}
	}
	return dst
}

// find returns the span of the first match of rule ri in s, searching the
// merged windows around its anchor hits.
func (r *rule) find(s string, hits []anchorHit, ri int) (int, int, bool) {
	winStart, winEnd := -1, -1
	for _, h := range hits {
		if int(h.rule) != ri {
			continue
		}
		p := int(h.pos)
		a, b := max(p-ruleReach, 0), min(p+int(h.n)+ruleReach, len(s))
		if winStart >= 0 && a <= winEnd {
			winEnd = max(winEnd, b)
			continue
		}
		if winStart >= 0 {
			if x, y, ok := r.findIn(s, winStart, winEnd); ok {
				return x, y, true
			}
		}
		winStart, winEnd = a, b
	}
	if winStart >= 0 {
		return r.findIn(s, winStart, winEnd)
	}
	return 0, 0, false
}

// findIn runs r's expression on s[a:b], widened to rune boundaries.
func (r *rule) findIn(s string, a, b int) (int, int, bool) {
	for a > 0 && s[a]&0xC0 == 0x80 {
		a--
	}
	for b < len(s) && s[b]&0xC0 == 0x80 {
		b++
	}
	if r.also != nil && !containsAny(s[a:b], r.also) {
		return 0, 0, false
	}
	loc := r.re.FindStringIndex(s[a:b])
	if loc == nil {
		return 0, 0, false
	}
	return a + loc[0], a + loc[1], true
}

// RuleIDs reports the ids of the rules matching normalized text s (for
// evaluation and debugging).
func RuleIDs(s string) []string {
	var out []string
	for i := range rules {
		r := &rules[i]
		if _, _, ok := r.find(s, findAnchors(nil, s), i); ok {
			out = append(out, r.id)
		}
	}
	return out
}

func containsAny(s string, subs []string) bool {
	for _, x := range subs {
		if strings.Contains(s, x) {
			return true
		}
	}
	return false
}
