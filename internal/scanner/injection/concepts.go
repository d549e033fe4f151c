package injection

import (
	"strings"
	"unicode/utf8"

	"github.com/bulwark-ai/bulwark/internal/scanner/normalize"
)

// Cross-lingual concept features (FeatConcept).
//
// The training data is mostly English, so the byte n-grams and words of an
// attack written in Portuguese or Korean have weights learned almost only
// from benign text in those languages, and colloquial non-English attacks
// score low (session 9: 32 of 100 on the multilingual probe). A concept
// feature does not depend on the language: "ignora", "vergiss", "забудь",
// "忽略" and "ignore" are all the concept IGNORE, and a sentence holding
// IGNORE, PREVIOUS and INSTRUCTION emits the same concept unigrams and
// unordered concept pairs whatever language it is written in. English rows
// train those weights, and the trainer's concept dropout (hp.CDrop) trains
// some steps on the concept features alone, so they must carry the signal
// without the surface n-grams.
//
// Pairs are unordered because word order differs across languages ("ignore
// the previous instructions" against 以前の指示を無視して).
//
// The lexicon below was written for Bulwark from general knowledge of the
// languages, not from any data set. Entries are normalized at init with
// the detector's own normalizer, so they are written naturally (accents,
// capitals). Matching:
//   - Latin, Cyrillic and other spaced scripts: an entry is a word prefix
//     ("ignor" matches "ignoriere", "ignorez"), or, with a leading "=", a
//     whole word ("tu", "du"): short words would match too much as
//     prefixes;
//   - Han and kana (no spaces): an entry matches anywhere in a run, at any
//     character;
//   - Hangul: anywhere inside a word (particles and endings are attached:
//     "지시를", "무시하고").

// concept names, in ID order (ID = index + 1; 0 is no concept).
var conceptLexicon = []struct {
	name    string
	entries string // "|"-separated
}{
	{"ignore", "ignor|disregard|forget|forgot|overlook|neglect|discard|=skip|=drop|pay no attention|" +
		"olvida|olvide|olvidar|omite|omitir|descarta|caso omiso|no hagas caso|" +
		"oublie|oubliez|oublier|neglige|fais abstraction|ne tiens pas compte|ne tenez pas compte|" +
		"vergiss|vergessen|missacht|beachte nicht|ubergeh|" +
		"dimentica|trascura|tralascia|non considerare|" +
		"esquec|desconsider|despreze|desprez|" +
		"negeer|vergeet|=overslaan|" +
		"игнорир|забудь|забыть|забуд|пренебре|не обращай|не учитывай|" +
		"忽略|忽视|无视|忘记|忘掉|不要理会|不用管|別管|别管|無視|忘れ|" +
		"무시|잊어|잊고|잊으"},
	{"override", "overrid|bypass|circumvent|disabl|deactivat|=turn off|overwrit|supersed|unlock|" +
		"anula|anular|desactiv|sobrescrib|reemplaz|eludir|elude|desbloque|" +
		"contourn|remplac|outrepass|annul|debloqu|" +
		"umgeh|deaktivier|ersetz|uberschreib|aufheb|setze ausser kraft|entsperr|" +
		"aggira|disattiv|sostitui|sovrascriv|annull|sblocc|" +
		"contorn|desativ|substitu|sobrescrev|desbloque|" +
		"omzeil|uitschakel|schakel uit|vervang|overschrijf|ontgrendel|" +
		"обойди|обход|отключ|замени|отмени|отмен|разблокир|" +
		"绕过|禁用|关闭|覆盖|取代|替换|解除|解锁|回避|無効|上書き|解除|" +
		"우회|비활성|해제|덮어"},
	{"previous", "au-dessus|vooraf|заранее|事前|미리|previous|prior|=above|earlier|preceding|=former|" +
		"anterior|previa|previo|precedent|arriba|" +
		"anterieur|ci-dessus|dessus|" +
		"vorherig|=vorige|=vorigen|obig|fruher|bisherig|" +
		"=prima|sopra|" +
		"acima|" +
		"=vorige|eerdere|bovenstaand|" +
		"предыдущ|прежн|вышеуказ|=выше|ранее|" +
		"之前|先前|以上|上面|前面|以前|前の|上記|これまで|" +
		"이전|위의|앞의|앞서"},
	{"instruction", "instruction|directive|=rule|=rules|guideline|=orders|=command|=commands|" +
		"instruccion|directriz|directric|=regla|=reglas|=orden|=ordenes|indicacion|" +
		"consigne|=regle|=regles|" +
		"anweisung|instruktion|=regel|=regeln|richtlinie|vorgabe|befehl|" +
		"istruzion|direttiv|=regola|=regole|indicazion|" +
		"instruc|diretriz|diretriz|=regra|=regras|orientac|" +
		"instructie|richtlijn|opdracht|" +
		"инструкц|указани|правил|директив|команд|" +
		"指令|指示|规则|命令|ルール|規則|" +
		"지시|명령|규칙|지침"},
	{"system", "system|sistema|systeme|systeem|систем|系统|システム|시스템"},
	{"prompt", "prompt|промпт|подсказк|提示词|提示|プロンプト|프롬프트"},
	{"reveal", "copy|paste|=copia|=copiame|copie|copiez|kopier|=copiar|=copie|kopieer|скопир|复制|コピー|복사|recoller|=cola|reveal|disclos|=print|=output|=show|=display|=repeat|=recite|=tell|=say|=write|=leak|=spell|" +
		"revela|muestra|muestrame|imprime|repite|=dime|dimelo|escribe|=comparte|ensena|" +
		"revele|devoile|montre|affiche|repete|=dis|=dites|ecris|ecrivez|divulgu|" +
		"verrat|zeig|wiederhol|=sag|=sage|schreib|=gib|=nenne|offenbar|offenleg|" +
		"rivela|svela|mostra|stampa|ripeti|dimmi|scrivi|" +
		"mostre|imprima|repita|=diga|=conte|escreva|" +
		"onthul|=toon|herhaal|=zeg|schrijf|=laat|" +
		"покажи|покаж|выведи|раскрой|повтори|скажи|напиши|расскажи|распечат|" +
		"告诉|输出|打印|显示|展示|透露|泄露|重复|给我看|写出|教え|出力|表示|見せ|明か|繰り返|開示|漏ら|" +
		"말해|알려|출력|보여|공개|반복|밝혀"},
	{"secret", "secret|password|passphrase|confidential|hidden|=key|" +
		"secreto|contrasena|=clave|oculto|oculta|confidencial|" +
		"mot de passe|confidentiel|" +
		"geheim|passwort|kennwort|versteckt|vertraulich|" +
		"segreto|segreta|nascost|riservat|" +
		"segredo|senha|" +
		"wachtwoord|verborgen|vertrouwelijk|" +
		"секрет|парол|скрыт|конфиденц|" +
		"秘密|密码|隐藏|机密|パスワード|隠|機密|" +
		"비밀|암호|숨겨|숨긴"},
	{"pretend", "pretend|roleplay|role-play|=act as|impersonat|simulat|=imagine|" +
		"finge|fingir|actua como|interpreta|imagina|" +
		"fais semblant|semblant|agis comme|incarne|" +
		"tu so als|stell dir vor|verhalte dich|spiel|" +
		"fingi|fai finta|comportati|immagina|" +
		"finja|aja como|atue como|" +
		"doe alsof|speel|gedraag|" +
		"притвор|представь|веди себя|изобраз|сыграй|" +
		"假装|扮演|充当|想象|ふり|演じ|なりき|" +
		"척해|연기|상상|=twin|gemel|jumeau|zwilling|=gemeo|tweeling|близнец|双胞胎|双子|쌍둥이|alter ego"},
	{"nolimit", "unrestrict|unlimited|uncensor|unfilter|unbound|amoral|" +
		"sin restricc|sin limit|sin censura|sin filtro|" +
		"sans restrict|sans limit|sans censure|sans filtre|" +
		"uneingeschrank|unbeschrank|unzensiert|ungefiltert|" +
		"senza restriz|senza limit|senza censur|senza filtr|" +
		"sem restric|sem limit|sem censura|sem filtro|" +
		"onbeperkt|ongecensureerd|ongefilterd|" +
		"без огранич|без цензур|без фильтр|неогранич|" +
		"不受限制|没有限制|无限制|无审查|制限なし|制限のない|無制限|검열 없|제한 없|무제한"},
	{"restriction", "restrict|limitation|=limits|filter|censor|ethic|moral|guardrail|" +
		"restriccion|limitacion|censura|etica|" +
		"restriction|censure|ethique|" +
		"einschrank|beschrank|zensur|ethik|" +
		"restrizion|limitazion|censur|" +
		"restricao|restricoes|limitacao|" +
		"beperking|censuur|ethiek|moraal|" +
		"огранич|фильтр|цензур|этик|морал|" +
		"限制|约束|过滤|审查|道德|伦理|制限|制約|フィルター|検閲|倫理|道徳|" +
		"제한|제약|필터|검열|윤리|도덕"},
	{"without", "without|=no|=sin|=sans|=ohne|=keine|=senza|=sem|=zonder|=geen|=без|=нет|没有|不受|なし|ない|없이|없는|없어"},
	{"safety", "safety|=safe|policy|policies|=protocol|=protocols|" +
		"seguridad|politica|" +
		"securite|politique|" +
		"sicherheit|schutz|" +
		"sicurezza|" +
		"seguranca|" +
		"veiligheid|beleid|" +
		"безопасн|политик|" +
		"安全|政策|策略|安全性|ポリシー|" +
		"안전|보안|정책"},
	{"ai", "=ai|assistant|chatbot|=bot|=model|=llm|language model|" +
		"asistente|=modelo|=ia|" +
		"assistant|=modele|" +
		"assistent|=modell|=ki|" +
		"assistente|=modello|" +
		"=model|" +
		"ассистент|помощник|модель|=ии|нейросет|=бот|" +
		"助手|模型|人工智能|机器人|アシスタント|モデル|人工知能|ボット|" +
		"어시스턴트|모델|인공지능|챗봇"},
	{"you", "=you|=your|=yours|=yourself|" +
		"=tu|=tus|=usted|=te|=ti|" +
		"=vous|=votre|=vos|=tes|=toi|" +
		"=du|=dein|=deine|=deinen|=dir|=dich|=ihre|" +
		"=tuo|=tua|=tuoi|=tue|" +
		"=voce|=seu|=sua|=seus|=suas|" +
		"=jouw|=jij|=uw|" +
		"=ты|=тебя|=тебе|=твои|=твой|=твоя|=твоих|=вы|=ваш|=ваши|=вас|" +
		"你|您|あなた|君|당신|너는|너의|네가"},
	{"all", "=all|=every|=everything|=anything|" +
		"=todo|=toda|=todas|=todos|=cualquier|" +
		"=tout|=toute|=toutes|=tous|" +
		"=alle|=allen|=alles|=jede|=jeden|" +
		"=tutto|=tutte|=tutti|=qualsiasi|" +
		"=qualquer|" +
		"=elke|" +
		"=все|=всё|=всех|=любые|=любой|" +
		"所有|全部|一切|任何|すべて|全て|全部|모든|모두"},
	{"now", "from now on|henceforth|a partir de ahora|de ahora en adelante|a partir de maintenant|des maintenant|von nun an|da ora in poi|da questo momento|a partir de agora|daqui em diante|de agora em diante|vanaf nu|с этого момента|с данного момента|从现在起|今後は|これから先|지금부터|=now|=ahora|=maintenant|desormais|=jetzt|=nun|=ab sofort|=ora|=adesso|=agora|=nu|voortaan|" +
		"=теперь|=сейчас|отныне|现在|从现在|今から|これから|今後|이제|지금부터"},
	{"instead", "instead|en lugar|en vez|au lieu|stattdessen|anstatt|invece|em vez|ao inves|in plaats|вместо|而是|改为|代わりに|대신"},
	{"must", "=must|=always|=shall|" +
		"=debes|=debe|siempre|" +
		"=dois|=doit|toujours|" +
		"=musst|=muss|=immer|" +
		"=devi|=deve|=sempre|" +
		"=moet|=altijd|" +
		"=должен|=должна|=обязан|=всегда|" +
		"必须|总是|务必|必ず|常に|반드시|항상|무조건"},
	{"answer", "answer|respond|=reply|" +
		"respuesta|responde|contesta|" +
		"reponse|reponds|repondez|" +
		"antwort|antworte|" +
		"rispost|rispondi|" +
		"resposta|responda|" +
		"antwoord|" +
		"ответ|отвеча|" +
		"回答|回复|答え|返答|대답|답변|응답"},
	{"conversation", "conversation|context|=chat|history|" +
		"conversacion|contexto|historial|" +
		"contexte|historique|" +
		"gesprach|unterhaltung|kontext|verlauf|" +
		"conversazion|contesto|cronologia|" +
		"conversa|historico|" +
		"gesprek|" +
		"разговор|контекст|истори|диалог|переписк|" +
		"对话|上下文|聊天|会話|コンテキスト|履歴|" +
		"대화|맥락|컨텍스트"},
	{"text", "=text|message|content|" +
		"texto|mensaje|contenido|" +
		"texte|contenu|" +
		"nachricht|inhalt|" +
		"testo|messaggio|contenuto|" +
		"mensagem|conteudo|" +
		"=tekst|bericht|inhoud|" +
		"текст|сообщени|содержим|" +
		"文本|消息|内容|文字|テキスト|メッセージ|文章|" +
		"텍스트|메시지|내용"},
	{"verbatim", "verbatim|word for word|exactly|literally|" +
		"textualmente|palabra por palabra|literalmente|" +
		"mot pour mot|textuellement|exactement|" +
		"wortlich|wortgetreu|genau|" +
		"parola per parola|testualmente|esattamente|" +
		"palavra por palavra|exatamente|" +
		"letterlijk|woord voor woord|precies|" +
		"дословно|слово в слово|точно|" +
		"逐字|原文|一字不差|原样|一字一句|そのまま|" +
		"그대로|원문|글자 그대로"},
	{"send", "=send|forward|=post|upload|exfiltrat|" +
		"envia|reenvia|" +
		"envoie|envoyez|transfere|" +
		"=sende|schick|weiterleit|" +
		"invia|inoltra|" +
		"envie|encaminh|" +
		"stuur|verstuur|" +
		"отправ|перешли|пошли|" +
		"发送|转发|上传|送信|転送|送っ|" +
		"보내|전송"},
	{"link", "=link|=url|=http|=https|=www|" +
		"enlace|=lien|=liens|collegamento|=ligacao|" +
		"ссылк|链接|网址|リンク|링크"},
	{"developer", "debug|depura|debogage|отладк|调试|デバッグ|디버그|디버깅|developer|=admin|administrator|=root|=sudo|=god|" +
		"desarrollador|administrador|" +
		"developpeur|administrateur|" +
		"entwickler|" +
		"sviluppator|amministrator|" +
		"desenvolvedor|" +
		"ontwikkelaar|beheerder|" +
		"разработчик|администратор|" +
		"开发者|开发人员|管理员|開発者|管理者|" +
		"개발자|관리자"},
	{"mode", "=mode|=modo|=modus|modalita|режим|模式|モード|모드"},
	{"jailbreak", "jailbreak|=dan|越狱|脱獄|탈옥|джейлбрейк"},
	{"initial", "=begin|beginregel|=comeco|=inicio|=debut|=beginning|=start|initial|original|=first|" +
		"inicial|=primer|=primeras|" +
		"originel|=premier|premiere|" +
		"ursprung|anfang|=erste|=ersten|" +
		"iniziale|originale|=primo|" +
		"=primeiro|=primeira|" +
		"oorspronkelijk|=eerste|" +
		"начальн|исходн|первонач|=первый|первые|" +
		"初始|原始|最初|初期|처음|초기"},
	{"config", "configur|settings|setup|" +
		"ajustes|parametres|einstellung|impostazion|definicoes|instelling|" +
		"настройк|配置|设置|設定|설정"},
	{"task", "=task|=tasks|=job|=mission|" +
		"=tarea|=tache|=aufgabe|=compito|=tarefa|=taak|=missione|" +
		"задач|задани|任务|タスク|課題|任務|작업|과제|임무"},
	{"new", "=new|=nuevo|=nueva|=nuevas|=nouveau|=nouvelle|=nouvelles|=neue|=neuen|=neu|=nuovo|=nuova|=nuove|" +
		"=novo|=nova|=novas|=nieuwe|=новы|=новые|=новая|=новую|新的|新しい|새로운"},
	{"obey", "=obey|comply|=follow|" +
		"obedece|=sigue|cumple|" +
		"obeis|obeissez|=suis|respecte|" +
		"gehorch|befolg|=folge|" +
		"obbedisc|=segui|" +
		"obedec|=siga|cumpra|" +
		"gehoorzaam|=volg|" +
		"подчин|следуй|выполн|" +
		"服从|遵循|遵守|执行|従|服従|" +
		"따르|복종|수행"},
	{"summarize", "summar|resum|zusammenfass|riassum|samenvat|резюм|кратко|总结|摘要|概括|要約|まとめ|요약"},
	{"read", "=reading|=reads|=read|=lee|=leyendo|=lire|=lisez|=liest|=lesen|=leggi|=legge|=leggendo|" +
		"=leia|=lendo|=lees|=leest|=lezen|чита|阅读|读取|読ん|読み|読む|읽"},
	{"document", "document|=email|=e-mail|=page|=webpage|=file|" +
		"documento|correo|pagina|archivo|" +
		"courriel|fichier|" +
		"dokument|=seite|=datei|" +
		"=file|" +
		"arquivo|" +
		"bestand|" +
		"документ|письм|страниц|файл|" +
		"文档|文件|邮件|页面|网页|文書|ドキュメント|メール|ページ|ファイル|" +
		"문서|이메일|페이지|파일"},
	{"user", "=user|usuario|utilisateur|benutzer|nutzer|utente|gebruiker|пользовател|用户|ユーザー|사용자"},
	{"void", "revok|=void|obsolete|invalid|outdated|expired|deprecated|no longer|anymore|" +
		"revocad|obsolet|caducad|=ya no|sin efecto|" +
		"revoqu|caduc|perime|ne sont plus|n'est plus|" +
		"veraltet|ungultig|aufgehoben|nicht mehr|abgeschafft|hinfallig|" +
		"revocat|superat|non valgono|non sono piu|non vale piu|scadut|" +
		"revogad|nao valem|nao sao mais|nao vale mais|vencid|" +
		"ingetrokken|verouderd|ongeldig|vervallen|niet meer|niet langer|" +
		"больше не|устарел|недействит|аннулир|не действ|" +
		"作废|失效|废除|无效|过时|不再|不存在|廃止|撤回|失効|削除済|" +
		"폐기|무효|폐지|더 이상|더이상"},
	{"priority", "priorit|precedence|vorrang|voorrang|приоритет|优先|優先|우선"},
	{"erase", "=erase|=wipe|=clear|=delete|=reset|=purge|" +
		"=borra|borrar|resetea|reinicia|" +
		"efface|effacer|supprime|reinitialis|" +
		"losch|zurucksetz|setz zuruck|" +
		"cancella|azzera|resetta|" +
		"=apaga|apague|=zera|resete|reinicie|" +
		"=wis|verwijder|" +
		"сотри|стереть|стер|удали|очист|обнул|сброс|" +
		"清空|清除|删除|抹去|重置|消去|消し|削除|リセット|初期化|" +
		"지워|지우|삭제|초기화|리셋"},
	{"memory", "=memory|=memoria|memoire|gedachtnis|=speicher|geheugen|памят|内存|记忆|記憶|メモリ|기억|메모리"},
	{"role", "=role|=roles|=function|=rol|=papel|=funcion|=funcao|=rolle|=ruolo|=functie|=роль|функци|角色|身份|役割|立場|역할"},
	{"stop", "=stop|=quit|=cease|deja de|para de|arrete de|hor auf|smetti|pare de|stop met|перестань|хватит|прекрати|停止|不要再|别再|やめ|그만|멈춰"},
	{"evil", "=evil|malicious|unethical|malvad|malefique|malveillant|=bose|=boser|=bosen|cattivo|malvagi|maligno|kwaadaardig|=kwaad|злой|злобн|злая|邪恶|邪悪|悪の|사악|악한"},
	{"translate", "translat|traduc|tradu|ubersetz|vertaal|перевед|перевод|翻译|翻訳|번역"},
	{"spell", "letter by letter|backwards|=spell|acrostic|letra por letra|lettre par lettre|buchstab|rückwarts|ruckwarts|lettera per lettera|letter voor letter|по буквам|задом наперед|逐个字|倒着|一文字|文字ずつ|逆から|글자씩|거꾸로"},
	{"complete", "complete the|continue the|=completa|completez|vervollstandig|completeer|vervolledig|допиши|продолжи|续写|補完|続けて|完成させ|완성해|이어서"},
}

// maxConcepts caps the concepts kept per sentence, and conceptPairSpan the
// distance (in concepts) within which two make a pair.
const (
	maxConcepts     = 24
	conceptPairSpan = 5
	seedConcept     = 0x3c6ef372
	seedConceptPair = 0xa54ff53a
	conceptTabBits  = 14
)

// conceptTab is an open-addressing hash set of the lexicon's entries and of
// every proper prefix of them (a trie flattened into a table), so matching
// stops at the first byte that no entry continues with. A slot holds the
// prefix's hash (seedWord FNV of its normalized bytes) in the high 32 bits;
// the low 8 bits hold the concept ID when the prefix is itself an entry,
// conceptExact marks whole-word entries and conceptMore prefixes that some
// longer entry continues.
var conceptTab [1 << conceptTabBits]uint64

const (
	conceptExact = 1 << 8
	conceptMore  = 1 << 9
)

func init() {
	for id, c := range conceptLexicon {
		for _, e := range strings.Split(c.entries, "|") {
			exact := strings.HasPrefix(e, "=")
			e = strings.TrimPrefix(e, "=")
			n := normalize.Normalize(e).Norm
			if n == "" {
				panic("injection: empty concept entry")
			}
			h := uint32(seedWord)
			for k := 0; k < len(n); k++ {
				h = (h ^ uint32(n[k])) * fnvPrime
				if k+1 < len(n) {
					addConcept(h, conceptMore)
				}
			}
			v := uint64(id + 1)
			if exact {
				v |= conceptExact
			}
			addConcept(h, v)
		}
	}
	if conceptUsed > len(conceptTab)*3/4 {
		// Probing needs empty slots: a fuller table is slow, a full one
		// never ends a miss.
		panic("injection: concept table over 3/4 full; raise conceptTabBits")
	}
}

// conceptUsed counts the occupied slots of conceptTab (7,157 of 16,384 for
// the lexicon above).
var conceptUsed int

// addConcept merges v into the slot for hash h. An entry listed twice, or
// under two concepts, keeps its first concept.
func addConcept(h uint32, v uint64) {
	const m = 1<<conceptTabBits - 1
	for i := mix(h) & m; ; i = (i + 1) & m {
		e := conceptTab[i]
		if e == 0 {
			conceptTab[i] = uint64(h)<<32 | v
			conceptUsed++
			return
		}
		if uint32(e>>32) == h {
			if e&0xff != 0 { // already an entry: keep its concept
				v &^= 0xff | conceptExact
			}
			conceptTab[i] = e | v
			return
		}
	}
}

// lookupConcept returns the slot for hash h, or 0.
func lookupConcept(h uint32) uint64 {
	const m = 1<<conceptTabBits - 1
	for i := mix(h) & m; ; i = (i + 1) & m {
		e := conceptTab[i]
		if e == 0 || uint32(e>>32) == h {
			return e
		}
	}
}

// AppendConceptFeatures appends the concept features of the normalized
// sentence s: one per concept occurrence and one per unordered pair of
// different concepts at most conceptPairSpan apart.
func AppendConceptFeatures(dst []uint32, s string) []uint32 {
	var ids [maxConcepts]uint8
	n := sentenceConcepts(s, &ids)
	for a := 0; a < n; a++ {
		dst = append(dst, mix(seedConcept^uint32(ids[a])*0x9e3779b1))
		for b := a + 1; b < n && b <= a+conceptPairSpan; b++ {
			x, y := ids[a], ids[b]
			if x == y {
				continue
			}
			if x > y {
				x, y = y, x
			}
			dst = append(dst, mix(seedConceptPair^(uint32(x)<<8|uint32(y))*0x85ebca77))
		}
	}
	return dst
}

// sentenceConcepts writes the concept IDs found in the normalized sentence
// s to ids, in order (a concept next to itself once, at most maxConcepts),
// and returns how many there are.
func sentenceConcepts(s string, ids *[maxConcepts]uint8) int {
	n := 0
	add := func(id uint8) {
		if id != 0 && n < maxConcepts && (n == 0 || ids[n-1] != id) {
			ids[n] = id
			n++
		}
	}
	for i := 0; i < len(s) && n < maxConcepts; {
		c := s[i]
		if c < utf8.RuneSelf {
			if !isAlnum(c) {
				i++
				continue
			}
		} else {
			r, sz := utf8.DecodeRuneInString(s[i:])
			if isCJK(r) { // Han and kana: an entry may start at any character
				add(matchConcept(s, i))
				i += sz
				continue
			}
			if !letterish(r) {
				i += sz
				continue
			}
		}
		// A spaced-script word: [i, j).
		j := i
		hangul := false
		for j < len(s) {
			c := s[j]
			if c < utf8.RuneSelf {
				if !isAlnum(c) && c != '-' {
					break
				}
				j++
				continue
			}
			r, sz := utf8.DecodeRuneInString(s[j:])
			if isCJK(r) || !letterish(r) {
				break
			}
			hangul = hangul || r >= 0xAC00 && r <= 0xD7AF
			j += sz
		}
		add(matchConcept(s, i))
		if hangul { // particles and endings are attached: entries anywhere
			for k := i + 1; k < j; k++ {
				if s[k]&0xC0 != 0x80 {
					add(matchConcept(s, k))
				}
			}
		}
		i = j
	}
	return n
}

// matchConcept returns the concept of the longest entry that starts at s[i]
// and ends at a rune boundary (0 if none). A whole-word entry must end
// where the word ends; entries may run over spaces ("caso omiso").
func matchConcept(s string, i int) uint8 {
	h := uint32(seedWord)
	var best uint8
	for k := i; k < len(s); k++ {
		h = (h ^ uint32(s[k])) * fnvPrime
		e := lookupConcept(h)
		if e == 0 {
			break
		}
		if id := uint8(e); id != 0 && (k+1 == len(s) || s[k+1]&0xC0 != 0x80) &&
			(e&conceptExact == 0 || k+1 == len(s) || !wordRune(s, k+1)) {
			best = id
		}
		if e&conceptMore == 0 {
			break
		}
	}
	return best
}

// wordRune reports whether the rune at s[k] continues a spaced-script word.
func wordRune(s string, k int) bool {
	c := s[k]
	if c < utf8.RuneSelf {
		return isAlnum(c)
	}
	r, _ := utf8.DecodeRuneInString(s[k:])
	return letterish(r) && !isCJK(r)
}
