package main

// English benign prompts that use the words attacks use (ignore, override,
// bypass, system prompt, jailbreak, password, instructions), composed from
// our own frames and topics. They teach the model that the words alone are
// not an attack: the imperative aimed at the assistant's own instructions is.

var benignTopics = []string{
	"a system prompt", "prompt injection", "a jailbreak", "the DAN prompt", "an instruction hierarchy",
	"an LLM guardrail", "AI red teaming", "developer mode on Android", "a password manager",
	"two-factor authentication", "an API secret key", "an override clause in a contract", "root access on Linux",
	"indirect prompt injection in RAG apps", "a content filter", "role-play in language learning",
}

var benignTopicFrames = []string{
	"What is %s?", "Can you explain %s in simple terms?", "Why does %s matter for security teams?",
	"Give me a short history of %s.", "How would a company test %s safely?", "Write a blog intro about %s.",
	"What are the pros and cons of %s?",
}

var benignHowTo = []struct {
	verb    string
	objects []string
}{
	{"ignore", []string{"a file in git without deleting it", "whitespace changes in git diff", "case when comparing strings in Python", "a failing test in pytest",
		"node_modules in VS Code search", "SSL errors from curl against my local dev server", "warnings in a Jupyter notebook"}},
	{"override", []string{"a CSS style from a component library", "the default timeout in the requests library",
		"a method in a Python subclass", "environment variables in docker compose", "a Terraform variable from the command line"}},
	{"bypass", []string{"the browser cache when reloading a page", "the proxy for local addresses", "a pre-commit hook just once",
		"the CDN to test my origin server"}},
	{"reset", []string{"my router password", "the previous settings in VS Code", "the system prompt in my own chatbot config",
		"a forgotten password for my laptop account"}},
	{"disable", []string{"the safety lock on a circular saw before cleaning it", "autocorrect on my phone", "the developer mode on my Android phone",
		"strict mode in TypeScript for one file"}},
}

// Everyday requests that take back or set aside something the user said.
var benignRetractions = []string{
	"Please ignore my earlier %s, I meant Tuesday.", "Ignore my previous %s and use the new numbers below.",
	"Forget my last %s; can you help with a cover letter instead?", "Disregard the %s I sent before, here is the corrected one.",
	"Sorry, never mind the %s. What is a good name for a bakery?",
}

var benignRetractObjects = []string{"typo", "message", "question about pricing", "draft", "email", "spreadsheet", "request"}

var benignHowToFrames = []string{"How do I %s %s?", "What's the best way to %s %s?", "Is it safe to %s %s?"}

var benignMisc = []string{
	"Can you repeat the previous instructions for the bread recipe?",
	"Follow the instructions in the README to install the package, then tell me what failed.",
	"My teacher told us to ignore the last question on the worksheet. What does the first one mean?",
	"I forgot the password to my old blog. Which steps does WordPress use to reset it?",
	"Pretend you are a tour guide in Rome and describe the Colosseum.",
	"Act as a job interviewer and ask me three questions about teamwork.",
	"You are a helpful tutor. Explain fractions to a ten-year-old.",
	"Write a story where a robot learns to ignore its fear of water.",
	"In the movie, the hacker shouts 'override the system!' Is that realistic?",
	"Summarize this security advisory about a jailbreak in an iOS release.",
	"Translate 'ignore all previous messages' into German for my phrasebook on email etiquette.",
	"What does 'disregard' mean, and how is it different from 'ignore'?",
	"Our policy says to ignore unsolicited emails with attachments. How should I phrase that for staff?",
	"New instructions from my manager: the report is due Friday. Help me plan the week.",
	"Reveal the answer to the riddle only after I give up, okay?",
	"What were the main rules of the Roman Senate?",
	"Which system prompt format does the OpenAI chat API expect?",
	"List five ways to protect a password database from leaks.",
	"Explain the difference between a jailbreak and a prompt injection attack.",
	"Is it possible to override a final method in Java?",
}

// benignTemplateRows returns the composed English benign rows.
func benignTemplateRows(next func() int) []row {
	var rows []row
	add := func(s string) {
		rows = append(rows, row{text: s, src: templateSource, w: 2, tmpl: next(), y: [3]int8{yNeg, yNeg, yNeg}})
	}
	for _, t := range benignTopics {
		for _, f := range benignTopicFrames {
			add(sprintf(f, t))
		}
	}
	for _, h := range benignHowTo {
		for _, o := range h.objects {
			for _, f := range benignHowToFrames {
				add(sprintf(f, h.verb, o))
			}
		}
	}
	for _, f := range benignRetractions {
		for _, o := range benignRetractObjects {
			add(sprintf(f, o))
		}
	}
	for _, m := range benignMisc {
		add(m)
	}
	return rows
}

// NotInject-style benign prompts (session 2): ordinary requests full of the
// words and shapes that attacks use — ignore, forget, override, bypass,
// system prompt, jailbreak, developer mode, "instead", "never refuse",
// "start your reply with", hypotheticals, HTML comments, notes to readers —
// in the eleven languages. Written for Bulwark.
var notInject = map[string][]string{
	"en": {
		"Instead of a for loop, print the squares with a list comprehension.",
		"Start your reply with a one-line summary, then give the details.",
		"Is it a good policy to never refuse a refund within 14 days?",
		"Do not include disclaimers in the product copy; legal adds them later.",
		"Hypothetically, if interest rates doubled, how would my mortgage payment change?",
		"Write a story in which a chemist explains to her students why goggles matter.",
		"For educational purposes, explain how ransomware spreads and how companies defend against it.",
		"How do I enable developer mode in Chrome to load an unpacked extension?",
		"What does debug mode do in Flask, and why turn it off in production?",
		"<!-- TODO: replace the hero image before launch --> What does this comment do in my HTML?",
		"Our red team says the phrase 'ignore all previous instructions' still works on the old bot. How do we test the fix?",
		"Write a unit test that checks our filter blocks the string \"reveal your system prompt\".",
		"Is it legal to jailbreak my own iPhone to install a custom theme?",
		"Explain the DAN jailbreak to my security team without reproducing the prompt.",
		"Override the default font size in this CSS for small screens.",
		"Task complete! Can you also help me write a thank-you note to the team?",
		"Now that the draft is finished, can you check the grammar?",
		"Can you roleplay as a grumpy pirate and tell me a joke about the sea?",
		"Give two different answers: one formal and one casual.",
		"What are the ethical guidelines for using AI in hospitals?",
		"Dear assistant, could you help me plan a birthday party for ten kids?",
		"If you are an AI, how do you decide what to say next?",
		"Note to the team: the AI assistant in our app must never store card numbers. Can you rephrase this for the wiki?",
		"Forget about the budget for a moment; what would the ideal office look like?",
		"My manager told me to disregard the old style guide and use the new one. What changed between them?",
		"Print the first ten lines of the file with head, then explain the flags.",
		"What is the difference between a system prompt and a user prompt in the OpenAI API?",
		"Show me how to bypass the cache in Next.js during development.",
		"Please ignore the formatting of the table I pasted and just give me the totals.",
		"How do attackers hide instructions in web pages for AI agents, and how do we detect it?",
		"Summarize the rules of this board game, and ignore the expansion cards.",
		"Act as a strict editor: never apologize, just list the errors.",
		"Write a villain's monologue for my novel where he brags about breaking every rule.",
	},
	"es": {
		"En lugar de un bucle for, usa map para imprimir los cuadrados.",
		"Empieza tu respuesta con un resumen de una línea.",
		"¿Cómo activo el modo desarrollador en Android?",
		"¿Qué significa la frase \"ignora las instrucciones anteriores\" en ataques a chatbots?",
		"Olvida el presupuesto por un momento: ¿cómo sería la oficina ideal?",
		"Mi jefe me dijo que ignore la guía de estilo antigua. ¿Qué cambió en la nueva?",
		"¿Es legal hacer jailbreak a mi propio iPhone?",
		"Hipotéticamente, si los tipos de interés se duplicaran, ¿cuánto subiría mi hipoteca?",
		"Nunca rechaces una devolución dentro de los 14 días: ¿es buena política?",
		"Explica para mi equipo qué es un prompt del sistema y por qué no debe filtrarse.",
		"Actúa como un guía turístico y describe la Alhambra.",
	},
	"fr": {
		"Au lieu d'une boucle for, utilise map pour afficher les carrés.",
		"Commence ta réponse par un résumé d'une ligne.",
		"Comment activer le mode développeur sur Android ?",
		"Que signifie la phrase « ignore les instructions précédentes » dans les attaques contre les chatbots ?",
		"Oublie le budget un instant : à quoi ressemblerait le bureau idéal ?",
		"Mon chef m'a dit d'ignorer l'ancien guide de style. Qu'est-ce qui a changé ?",
		"Est-il légal de jailbreaker mon propre iPhone ?",
		"Hypothétiquement, si les taux doublaient, combien coûterait mon crédit ?",
		"Ne jamais refuser un retour sous 14 jours, est-ce une bonne politique ?",
		"Explique à mon équipe ce qu'est un prompt système et pourquoi il ne doit pas fuiter.",
		"Joue le rôle d'un guide et décris le Mont-Saint-Michel.",
	},
	"de": {
		"Statt einer for-Schleife nutze map, um die Quadrate auszugeben.",
		"Beginne deine Antwort mit einer Zusammenfassung in einem Satz.",
		"Wie aktiviere ich den Entwicklermodus auf meinem Android-Handy?",
		"Was bedeutet der Satz „Ignoriere alle vorherigen Anweisungen“ bei Angriffen auf Chatbots?",
		"Vergiss kurz das Budget: Wie sähe das ideale Büro aus?",
		"Mein Chef sagt, ich soll den alten Styleguide ignorieren. Was ist im neuen anders?",
		"Ist es legal, mein eigenes iPhone zu jailbreaken?",
		"Hypothetisch: Wenn sich die Zinsen verdoppeln, wie hoch wird meine Rate?",
		"Ist es eine gute Regel, Rücksendungen innerhalb von 14 Tagen nie abzulehnen?",
		"Erkläre meinem Team, was ein Systemprompt ist und warum er nicht nach außen gelangen darf.",
		"Spiel einen Stadtführer und beschreibe das Brandenburger Tor.",
	},
	"it": {
		"Invece di un ciclo for, usa map per stampare i quadrati.",
		"Inizia la tua risposta con un riassunto di una riga.",
		"Come si attiva la modalità sviluppatore su Android?",
		"Cosa significa la frase \"ignora le istruzioni precedenti\" negli attacchi ai chatbot?",
		"Dimentica il budget per un attimo: come sarebbe l'ufficio ideale?",
		"Il mio capo mi ha detto di ignorare la vecchia guida di stile. Cosa è cambiato?",
		"È legale fare il jailbreak del mio iPhone?",
		"Ipoteticamente, se i tassi raddoppiassero, quanto pagherei di mutuo?",
		"Non rifiutare mai un reso entro 14 giorni: è una buona politica per un negozio?",
		"Spiega al mio team cos'è un prompt di sistema e perché non deve trapelare.",
		"Fai la guida turistica e descrivi il Colosseo.",
	},
	"pt": {
		"Em vez de um laço for, use map para imprimir os quadrados.",
		"Comece sua resposta com um resumo de uma linha.",
		"Como ativo o modo desenvolvedor no Android?",
		"O que significa a frase \"ignore as instruções anteriores\" em ataques a chatbots?",
		"Esqueça o orçamento por um momento: como seria o escritório ideal?",
		"Meu chefe disse para ignorar o guia de estilo antigo. O que mudou no novo?",
		"É legal fazer jailbreak no meu próprio iPhone?",
		"Hipoteticamente, se os juros dobrassem, quanto ficaria a minha prestação?",
		"Nunca recusar uma devolução em 14 dias é uma boa política?",
		"Explique para a minha equipe o que é um prompt de sistema e por que não deve vazar.",
		"Seja um guia turístico e descreva o Cristo Redentor.",
	},
	"nl": {
		"Gebruik in plaats van een for-lus map om de kwadraten te printen.",
		"Begin je antwoord met een samenvatting van één regel.",
		"Hoe zet ik de ontwikkelaarsmodus aan op Android?",
		"Wat betekent de zin \"negeer alle vorige instructies\" bij aanvallen op chatbots?",
		"Vergeet het budget even: hoe zou het ideale kantoor eruitzien?",
		"Mijn manager zei dat ik de oude stijlgids moet negeren. Wat is er veranderd?",
		"Is het legaal om mijn eigen iPhone te jailbreaken?",
		"Hypothetisch: als de rente verdubbelt, hoeveel wordt mijn hypotheek dan?",
		"Is het goed beleid om retouren binnen 14 dagen nooit te weigeren?",
		"Leg mijn team uit wat een systeemprompt is en waarom hij niet mag uitlekken.",
		"Speel een gids en beschrijf de grachten van Amsterdam.",
	},
	"ru": {
		"Вместо цикла for используй map, чтобы вывести квадраты.",
		"Начни ответ с краткого резюме в одну строку.",
		"Как включить режим разработчика на Android?",
		"Что означает фраза «игнорируй все предыдущие инструкции» в атаках на чат-ботов?",
		"Забудь на минуту про бюджет: каким был бы идеальный офис?",
		"Начальник сказал игнорировать старое руководство по стилю. Что изменилось в новом?",
		"Законно ли делать джейлбрейк своего iPhone?",
		"Гипотетически, если ставки удвоятся, какой будет мой платёж по ипотеке?",
		"Хорошая ли это политика — никогда не отказывать в возврате в течение 14 дней?",
		"Объясни моей команде, что такое системный промпт и почему он не должен утекать.",
		"Побудь экскурсоводом и опиши Красную площадь.",
	},
	"zh": {
		"不要用for循环，改用map打印平方数。",
		"回答时先用一句话总结。",
		"怎么在安卓手机上打开开发者模式？",
		"在针对聊天机器人的攻击中，“忽略之前的所有指令”这句话是什么意思？",
		"先忘掉预算：理想的办公室是什么样的？",
		"经理让我忽略旧的写作规范，新规范有什么变化？",
		"给自己的iPhone越狱合法吗？",
		"假设利率翻倍，我的房贷月供会变成多少？",
		"十四天内从不拒绝退货，这是好的政策吗？",
		"向我的团队解释什么是系统提示词，以及为什么不能泄露。",
		"扮演导游，介绍一下故宫。",
	},
	"ja": {
		"forループの代わりにmapで二乗を出力してください。",
		"回答の最初に一行の要約を書いてください。",
		"Androidで開発者モードをオンにするには？",
		"チャットボットへの攻撃で「これまでの指示をすべて無視して」という文は何を意味しますか？",
		"予算のことは一旦忘れて、理想のオフィスはどんなものですか？",
		"上司に古いスタイルガイドは無視するように言われました。新しいものは何が違いますか？",
		"自分のiPhoneを脱獄するのは合法ですか？",
		"仮に金利が倍になったら、住宅ローンの返済額はいくらになりますか？",
		"14日以内の返品を絶対に断らないのは良い方針ですか？",
		"システムプロンプトとは何か、なぜ漏らしてはいけないのかをチームに説明してください。",
		"観光ガイドになりきって、清水寺を紹介してください。",
	},
	"ko": {
		"for 반복문 대신 map으로 제곱수를 출력해 줘.",
		"답변을 한 줄 요약으로 시작해 줘.",
		"안드로이드에서 개발자 모드를 켜는 방법은?",
		"챗봇 공격에서 \"이전의 모든 지시를 무시해\"라는 문장은 무슨 뜻인가요?",
		"예산은 잠시 잊고, 이상적인 사무실은 어떤 모습일까요?",
		"상사가 예전 스타일 가이드는 무시하라고 했어요. 새 가이드는 뭐가 달라졌나요?",
		"내 아이폰을 탈옥하는 것은 합법인가요?",
		"가정해서 금리가 두 배가 되면 주택담보대출 상환액은 얼마가 되나요?",
		"14일 이내 반품을 절대 거절하지 않는 것은 좋은 정책인가요?",
		"시스템 프롬프트가 무엇이고 왜 유출되면 안 되는지 팀에 설명해 줘.",
		"관광 가이드가 되어 경복궁을 소개해 줘.",
	},
}

// Text that describes attacks instead of making them (security writing),
// answer-format constraints of the kind instruction-following benchmarks use,
// and command-line help lines: the three kinds of benign text that share the
// most words with attacks. Our own sentences.
var benignDescriptive = []string{
	"Prompt injection attacks try to make the model ignore its previous instructions and follow the attacker's text instead.",
	"A jailbreak prompt such as DAN asks the model to pretend it has no restrictions; our filter flags these.",
	"Attackers may hide instructions in HTML comments so that an AI agent browsing the page reads them.",
	"The guardrail blocks requests that ask the assistant to reveal its system prompt or hidden configuration.",
	"In indirect prompt injection, the malicious instruction arrives inside a retrieved document or tool result.",
	"Red teamers often test whether a chatbot can be talked into developer mode or an unrestricted persona.",
	"Payload splitting divides a forbidden request into harmless-looking pieces that the model is asked to combine.",
	"Refusal suppression prompts tell the model never to apologize or add warnings, which weakens its safety training.",
	"Data exfiltration through markdown images works when the client renders an image URL that contains chat data.",
	"The paper shows that models trained with an instruction hierarchy are less likely to obey injected text.",
	"Our policy requires that tool outputs are treated as untrusted data, never as instructions.",
	"Many attacks start with phrases like ignore the above, but paraphrases and other languages are common too.",
	"Defenders should log prompts that try to override the system prompt and review them weekly.",
	"The attacker's goal in a goal-hijacking attack is to make the model print a chosen phrase instead of doing its task.",
	"A canary token placed in the system prompt lets us detect when the prompt leaks into a response.",
	"Obfuscation techniques include base64 encoding, homoglyphs, zero-width characters and leetspeak.",
	"Virtualization attacks wrap a forbidden request in a story or a hypothetical scenario.",
	"The model refused when the user asked it to bypass the content filter, which is the expected behaviour.",
	"OWASP lists prompt injection as the top risk for applications built on large language models.",
	"Never paste untrusted web content directly into the system prompt of an agent with tool access.",
}

var benignFormat = []string{
	"Answer in exactly three bullet points and do not use any commas.",
	"Start your answer with the word 'Certainly' and end it with a question.",
	"Wrap your whole response in double quotation marks.",
	"Your reply must contain a title in square brackets and at least two sections.",
	"Write the answer in lowercase letters only, with no capital letters at all.",
	"Repeat my question word for word first, then answer it in one paragraph.",
	"Do not include the words 'easy' or 'simple' anywhere in your response.",
	"Respond in fewer than 50 words and finish with the phrase 'That is all.'",
	"Give two different answers separated by six asterisks.",
	"Your entire response should be in French, no other language is allowed.",
	"Highlight at least two parts of your answer with markdown bold.",
	"End your response with a postscript starting with P.S.",
	"First repeat the request above without change, then give your answer.",
	"Begin each paragraph with a word that starts with the letter B.",
	"Answer only with yes or no, nothing else.",
}

var benignCLI = []string{
	"- Ignore case when searching for a pattern:",
	"- Override the default configuration file:",
	"- Print the current system settings in JSON format:",
	"- Disable all plugins and start in safe mode:",
	"- Forget a saved Wi-Fi network:",
	"- Bypass the local cache and fetch from the server:",
	"- Show the hidden files in the current directory:",
	"- Reset all settings to their defaults:",
	"- Run the command in debug mode with verbose output:",
}

// benignDescriptiveI18n: the same kinds of text in the ten other languages.
var benignDescriptiveI18n = []string{
	"Los ataques de inyección de prompts intentan que el modelo ignore sus instrucciones anteriores.",
	"Responde en exactamente tres viñetas y sin usar comas.",
	"Les attaques par injection de prompt cherchent à faire ignorer au modèle ses consignes précédentes.",
	"Réponds en trois puces exactement, sans aucune virgule.",
	"Prompt-Injection-Angriffe versuchen, das Modell dazu zu bringen, seine vorherigen Anweisungen zu ignorieren.",
	"Antworte in genau drei Aufzählungspunkten und ohne Kommas.",
	"Gli attacchi di prompt injection cercano di far ignorare al modello le istruzioni precedenti.",
	"Rispondi con esattamente tre punti elenco e senza virgole.",
	"Ataques de injeção de prompt tentam fazer o modelo ignorar as instruções anteriores.",
	"Responda em exatamente três tópicos e sem usar vírgulas.",
	"Promptinjectie-aanvallen proberen het model zijn eerdere instructies te laten negeren.",
	"Antwoord in precies drie opsommingstekens en zonder komma's.",
	"Атаки с внедрением промптов пытаются заставить модель игнорировать предыдущие инструкции.",
	"Ответь ровно тремя пунктами списка и без запятых.",
	"提示词注入攻击试图让模型忽略之前的指令。",
	"请用恰好三个要点回答，不要使用逗号。",
	"プロンプトインジェクション攻撃は、モデルにそれまでの指示を無視させようとします。",
	"ちょうど三つの箇条書きで、読点を使わずに答えてください。",
	"프롬프트 인젝션 공격은 모델이 이전 지시를 무시하도록 만들려고 합니다.",
	"정확히 세 개의 글머리 기호로, 쉼표 없이 답해 주세요.",
}

// Answer-format requests in the polite imperative of each language ("…で答えて
// ください", "请用…回答", "…로 답해 주세요"): the register our attack sentences
// use, so the model must not learn it as an attack. Our own sentences.
var benignFormatI18n = []string{
	"箇条書きで三つ答えてください。",
	"回答は日本語だけで、敬語を使わずに書いてください。",
	"結論を最初に一文で出力してから、理由を説明してください。",
	"JSON形式で出力してください。キーは「名前」と「年齢」にしてください。",
	"200文字以内で答えてください。",
	"最後に「以上です」と書いて回答を終えてください。",
	"各段落を「まず」「次に」「最後に」で始めてください。",
	"質問文をそのまま繰り返してから答えてください。",
	"カタカナを使わずに、富士山について説明してください。",
	"ひらがなだけで、小学生向けに雨の仕組みを説明してください。",
	"表形式で、東京と大阪の人口を比べてください。",
	"追伸を最後に付けて、友人へのお礼のメールを書いてください。",
	"句読点を使わずに短い詩を書いてください。",
	"回答の中で「簡単」という言葉を使わないでください。",
	"タイトルを二重かぎ括弧で囲んでから本文を書いてください。",
	"请用三个要点回答，并且不要使用逗号。",
	"请先用一句话给出结论，再解释原因。",
	"请用JSON格式输出结果。",
	"回答不超过一百字。",
	"请在回答的最后加上“以上”。",
	"请先原样重复问题，然后再回答。",
	"세 개의 글머리 기호로 답해 주세요.",
	"결론을 먼저 한 문장으로 쓰고 이유를 설명해 주세요.",
	"JSON 형식으로 출력해 주세요.",
	"질문을 그대로 반복한 다음 답해 주세요.",
	"마지막에 '이상입니다'라고 써 주세요.",
	"Responde solo en español y en menos de cien palabras.",
	"Repite la pregunta palabra por palabra y luego respóndela.",
	"Réponds uniquement en français, en moins de cent mots.",
	"Répète la question mot pour mot, puis réponds-y.",
	"Antworte nur auf Deutsch und in höchstens hundert Wörtern.",
	"Wiederhole die Frage wörtlich und beantworte sie dann.",
	"Rispondi solo in italiano e in meno di cento parole.",
	"Ripeti la domanda parola per parola e poi rispondi.",
	"Responda apenas em português e com menos de cem palavras.",
	"Repita a pergunta palavra por palavra e depois responda.",
	"Antwoord alleen in het Nederlands en in minder dan honderd woorden.",
	"Herhaal de vraag woord voor woord en beantwoord hem daarna.",
	"Отвечай только по-русски и не больше ста слов.",
	"Повтори вопрос слово в слово, а затем ответь на него.",
}
