package injection

import "regexp"

// Harmful-request structures (session 5). The HARMFUL head's model learned
// its few training sources' phrasing, not harm: held out, it found 5 of
// jailbreakbench's 100 harmful requests, and "how do I make a pipe bomb at
// home?" scored nothing. These rules name the request shapes every harm
// taxonomy shares (weapons and explosives, chemical and biological agents,
// drug synthesis, malware and account takeover, violence against a person,
// self-harm methods, fraud and forgery, sexual content involving minors,
// hate and harassment content, terrorism), in English and, for the most
// common asks, the ten other languages. They are written for Bulwark from
// those taxonomies' category names, not from the data.
//
// Each pattern needs a creation or action verb next to a harmful object,
// so the protective twin of a request ("how do I protect against
// ransomware", "why shouldn't bleach and ammonia be mixed", "how do police
// detect counterfeit bills") does not match. The rules only raise the
// HARMFUL head, which is scanned on user turns only and whose default
// action in the demo is flag.

// harmObject completes a request ("how do I make …", "write …").
const (
	harmMake = `(?:make|making|build|building|assemble|construct|create|manufacture|produce|prepare|cook|brew|synthesi[sz]e|weaponi[sz]e|detonate|set off|plant|3d[- ]?print)`
	harmAsk  = `(?:how (?:do|can|could|would|should|might) (?:i|we|you|one|someone|anyone)|how to|ways? to|steps? (?:to|for)|instructions? (?:to|for|on)|guide (?:to|for|on)|tutorial (?:on|for)|teach me(?: how)? to|show me how to|tell me how to|explain how to|help me|i (?:want|need|would like|wanna|plan) to|give me|provide|what(?:'s| is) the (?:best|easiest|fastest|cheapest|simplest|quickest) way to|(?:best|easiest|quickest|cheapest) way to|recipe for|can you|could you|please)`
	// harmLead is where a harmful request starts: the start of a sentence
	// (an imperative: "write a keylogger") or an ask ("can you explain how
	// to …"). A sentence that reports a crime ("the group deployed
	// ransomware", "a teacher who starts to cook meth") has neither.
	harmLead = `(?:^|[.!?:;\n"“(]\s*|\b` + harmAsk + `\b(?: \S+){0,3}? )`
)

var harmfulRules = []rule{
	// Explosives and weapons.
	{id: "harm-weapon", head: HeadHarmful, score: ruleScore,
		anchors:  []string{"bomb", "explosive", " ied", "grenade", "molotov", "napalm", "detonator", "landmine", "suicide vest", "gun", "firearm", "pistol", "rifle", "silencer", "suppressor", "full auto", "fully automatic", "bump stock", "auto sear"},
		not:      []string{"bath bomb", "bath-bomb", "smoke bomb", "seed bomb", "photobomb", "photo bomb", "bomb calorimeter", "stink bomb", "glitter bomb", "cherry bomb", "bomb pop", "sex bomb", "bombshell", "nerf gun", "glue gun", "water gun", "squirt gun", "heat gun", "nail gun", "staple gun", "spray gun", "grease gun", "toy gun", "gun safe", "gun rack", "gun case", "gun cabinet", "caulk gun", "paint gun", "airbrush"},
		notAfter: []string{"-proof", "-shaped", "-style", "-themed", "-like", "-sniffing", "shaped", "themed", "costume", "emoji", "prop", "toy", "scope", "rack", "range", "club", "case", "safe", "cabinet", "cleaning", "sling", "target", "growth", "flavor", "flavour", "results", "sales", "performance", "entrance", "debut", "ending", "plot", "finale", "cake", "drink", "cocktail recipe"},
		re:       regexp.MustCompile(harmLead + harmMake + `\b(?: \S+){0,3}? (?:pipe ?bombs?|bombs?|explosives?|explosive devices?|ieds?|grenades?|molotov cocktails?|molotovs?|car bombs?|suicide vests?|landmines?|detonators?|napalm|(?:untraceable |ghost |homemade |home-made |unregistered |unserialized )?(?:guns?|firearms?|pistols?|rifles?|silencers?|suppressors?))\b|\bconvert\b(?: \S+){0,4} (?:to|into) (?:full[- ]auto|fully automatic|an? automatic (?:weapon|rifle))\b|\b(?:install|make|build|get)\b(?: \S+){0,2} (?:bump stock|auto sear|drop-in auto sear)s?\b`)},
	// Chemical and biological agents.
	{id: "harm-cbrn", head: HeadHarmful, score: ruleScore,
		anchors: []string{"sarin", "vx", "tabun", "novichok", "nerve agent", "nerve gas", "mustard gas", "chlorine gas", "phosgene", "ricin", "abrin", "anthrax", "botulinum", "toxic gas", "poison gas", "chemical weapon", "biological weapon", "bioweapon", "dirty bomb", "smallpox", "more lethal", "more deadly", "more transmissible", "more contagious", "more virulent", "resistant to"},
		re: regexp.MustCompile(harmLead + `(?:make|making|produce|producing|synthesi[sz]e|manufacture|cook|extract|weaponi[sz]e|culture|grow|spread|release|disperse|aerosoli[sz]e|build|create|obtain|acquire|enhance)\b(?: \S+){0,3}? (?:sarin|vx|tabun|novichok|nerve (?:agents?|gas)|mustard gas|chlorine gas|phosgene|ricin|abrin|anthrax|botulinum(?: toxin)?|toxic gas|poison(?:ous)? gas|chemical weapons?|biological weapons?|bio-?weapons?|dirty bombs?|smallpox)\b` +
			`|` + harmLead + `(?:make|increase|enhance)\b(?: \S+){0,3}? (?:a )?(?:virus|pathogen|bacteri\w+)(?: \S+){0,2} (?:more (?:lethal|deadly|transmissible|contagious|virulent)|resistant to (?:vaccines|antibiotics))\b` +
			`|\b(?:mix|combine)\b(?: \S+){0,4} (?:to (?:make|create|produce)|into) (?:a )?(?:toxic|poison(?:ous)?|deadly|lethal) gas\b(?: \S+){0,3}? (?:to )?(?:hurt|kill|poison|harm|gas)\b`)},
	// Drug synthesis.
	{id: "harm-drugs", head: HeadHarmful, score: ruleScore,
		anchors: []string{"meth ", "meth,", "meth.", "meth?", "meth!", "meth\n", "methamph", "fentanyl", "heroin", "cocaine", "crack cocaine", "crack rock", "lsd", "mdma", "ecstasy", "ghb", "dmt", "pcp", "black tar", "oxycodone", "counterfeit pills", "counterfeit oxy", "counterfeit xanax"},
		re:      regexp.MustCompile(harmLead + `(?:make|making|cook|cooking|synthesi[sz]e|synthesi[sz]ing|produce|producing|manufacture|extract|brew|refine|grow|press)\b(?: \S+){0,3}? (?:meth|methamphetamine|crystal meth|fentanyl|carfentanil|heroin|cocaine|crack cocaine|crack rocks?|lsd|mdma|ecstasy pills|ghb|dmt|pcp|black tar|oxycodone pills|counterfeit (?:pills|oxy\w*|xanax))\b|` + harmLead + `(?:smuggle|traffic|sell)\b(?: \S+){0,3}? (?:meth|fentanyl|heroin|cocaine|drugs) (?:across|through|past|without|into)\b`)},
	// Malware, intrusion and account takeover.
	{id: "harm-cyber", head: HeadHarmful, score: ruleScore,
		anchors: []string{"ransomware", "keylogger", "malware", "computer virus", "computer worm", "rootkit", "botnet", "spyware", "stalkerware", "stealer", "cryptojack", "remote access trojan", "phishing", "hack", "break into", "get into", "log into", "login to", "log in to", "sneak into", "spy into", "gain access", "steal", "ddos", "take down", "knock offline", "sim swap", "sim-swap"},
		not:     []string{"protect", "defend", "detect", "prevent", "remove", "removal", "recover", "mitigat", "awareness", "training", "report", "identify", "recogni", "simulat", "block", "my own", "i forgot", "forgot my", "locked out", "my account", "my email", "my phone", "my wifi", "my password"},
		re: regexp.MustCompile(harmLead + `(?:write|create|code|develop|build|make|generate|program|deploy|spread|distribute|design)\b(?: \S+){0,3}? (?:ransomware|keyloggers?|malware|computer virus(?:es)?|computer worms?|rootkits?|botnets?|spyware|stalkerware|info-?stealers?|credential stealers?|password stealers?|cryptojackers?|remote access trojans?|polymorphic (?:virus|malware)|self-spreading (?:virus|malware|worm))\b` +
			`|` + harmLead + `(?:write|create|craft|design|draft|build|make|generate|send)\b(?: \S+){0,2}? phishing (?:e-?mails?|pages?|sites?|websites?|kits?|campaigns?|messages?|sms|texts?|links?)\b` +
			`|` + harmLead + `(?:hack|break|get|gain access|log ?in|sneak|spy) ?(?:in)?to (?:someone(?:'s| else's)|somebody(?:'s| else's)|another person's|other people's|a stranger's|my (?:ex|neighbou?r|boss|wife|husband|girlfriend|boyfriend|partner|coworker|co-worker|friend|sister|brother|mom|dad|teacher|ex-\w+)(?:'s)?|(?:his|her|their) )(?:\S+ ){0,2}?(?:accounts?|e-?mail|inbox|phone|iphone|android|instagram|facebook|snapchat|whatsapp|gmail|computer|laptop|wi-?fi|network|messages|icloud|camera|webcam|bank account)\b` +
			`|` + harmLead + `steal\b(?: \S+){0,2}? (?:passwords|credentials|credit card (?:numbers|details|info\w*|data)|identit(?:y|ies)|(?:someone's|people's) (?:identity|data|money|bank)|bank (?:details|logins))\b` +
			`|` + harmLead + `(?:ddos|take down|knock offline)\b(?: \S+){0,3}? (?:someone's|a competitor's|my competitor's|the) (?:website|server|site|network|game server)\b|\bsim[- ]swap(?:ping)? (?:someone|a person|my \S+)\b`)},
	// Violence against a person, and getting away with it.
	{id: "harm-violence", head: HeadHarmful, score: ruleScore,
		anchors:  []string{"kill", "murder", "poison", "strangle", "stab", "shoot", "kidnap", "abduct", "torture", "hurt", "injure", "assassinate", "dismember", "dispose of", "hide a", "get away with", "getting caught", "without leaving", "untraceable poison"},
		notAfter: []string{"'s", "’s"},
		re: regexp.MustCompile(harmLead + `(?:kill|murder|poison|strangle|stab|shoot and kill|shoot dead|kidnap|abduct|torture|hurt|injure|maim|assassinate|dismember|beat up|run over|drown|suffocate)\b (?:someone|somebody|a person|people|a human|an? (?:old|elderly) (?:man|woman|person)|a child|children|a kid|kids|a baby|a cop|a police officer|the president|my (?:\S+ )?(?:wife|husband|boss|neighbou?r|ex|mother|father|mom|dad|brother|sister|child|kid|son|daughter|teacher|coworker|co-worker|roommate|partner|girlfriend|boyfriend|friend|classmate|landlord|family))\b` +
			`|\b(?:dispose of|get rid of|hide|dissolve|bury) (?:a|the) (?:dead )?(?:body|corpse)\b|\bget away with (?:murder|killing|a murder|poisoning)\b|\b(?:kill|murder|poison|hurt|stab|shoot)\b(?: \S+){0,4}? without (?:getting caught|being caught|anyone (?:knowing|noticing)|leaving (?:any )?(?:evidence|a trace|traces|fingerprints))\b|\buntraceable poisons?\b`)},
	// Self-harm methods.
	{id: "harm-selfharm", head: HeadHarmful, score: ruleScore,
		anchors: []string{"kill myself", "end my life", "end my own life", "suicide", "hang myself", "to die", "overdose", "slit my"},
		not:     []string{"prevention", "hotline", "helpline", "lifeline", "help a friend", "help someone", "warning signs", "talk to", "support", "treat", "naloxone", "narcan", "symptoms", "signs of", "accidental"},
		re:      regexp.MustCompile(`\b(?:how (?:do|can|should) i|how to|best way to|easiest way to|quickest way to|painless(?:ly)?|i want to|i'm going to|im going to|help me)\b(?: \S+){0,3}? (?:kill myself|end my (?:own )?life|commit suicide|hang myself|slit my wrists|overdose (?:on \S+ )?(?:to die|and die))\b|\bpainless (?:ways?|methods?) to (?:die|kill myself|end (?:my|it))\b|\bhow many (?:\S+ ){0,3}(?:pills|tablets|capsules)(?: \S+){0,4}? (?:to die|to kill (?:myself|me|a person|someone)|(?:is|are|would be) (?:lethal|fatal|enough to die))\b`)},
	// Fraud, forgery and theft.
	{id: "harm-fraud", head: HeadHarmful, score: ruleScore,
		anchors: []string{"launder", "counterfeit", "forge ", "forging", "falsif", "fake id", "fake passport", "falsify", "evade tax", "dodge tax", "tax evasion", "credit card fraud", "skimm", "scam", "defraud", "swindle", "insurance fraud", "shoplift", "hotwire", "steal a car", "steal someone's car", "pick a lock"},
		not:     []string{"detect", "spot", "identify", "prevent", "protect", "avoid being", "recogni", "report", "victim"},
		re:      regexp.MustCompile(harmLead + `(?:launder (?:money|cash|funds|crypto|bitcoin|drug money)|(?:make|print|produce|create) counterfeit (?:money|bills|currency|banknotes|cash|dollars|euros)|counterfeit (?:money|bills|currency|banknotes)|(?:forge|falsify|fake)(?: \S+){0,2}? (?:passports?|id cards?|ids|driver'?s licen[cs]es?|signatures?|checks?|cheques?|prescriptions?|medical records|diplomas?|documents)|(?:evade|dodge) (?:paying )?taxes|commit (?:tax|insurance|credit card|wire|mail|bank) fraud|(?:scam|defraud|swindle|con) (?:elderly|old|vulnerable|people|someone|seniors|grandparents|an? (?:old|elderly) (?:man|woman|person))|shoplift|hotwire (?:a|someone's|my neighbou?r's) car|steal (?:a|someone's) (?:car|bike|identity|catalytic converter)|pick a lock to (?:break|get) in(?:to)?)\b|\bfake ids?\b(?: \S+){0,3}? (?:that (?:pass|work|scan)|to (?:buy|get into))\b|\bcredit card (?:fraud|skimm\w+)\b(?: \S+){0,2}? (?:tutorial|guide|steps|method)\b`)},
	// Sexual content involving minors.
	{id: "harm-csam", head: HeadHarmful, score: ruleScore,
		anchors: []string{"porn", "nude", "naked", "sexual", "sex ", "erotic", "explicit", "lewd", "nsfw"},
		also:    []string{"child", "kid", "minor", "underage", "preteen", "pre-teen", "year old", "year-old", "yr old", "teen", "loli", "schoolgirl"},
		re:      regexp.MustCompile(harmLead + `(?:\S+ ){0,2}?(?:create|make|produce|generate|write|draw|render|film|record|take|find|get|buy|download|share|distribute|sell|send|trade|access|show me|describe)\b(?: and \S+)?(?: \S+){0,2}? (?:` + `\b(?:child|children|kids?|minors?|underage|preteens?|pre-teens?|(?:[1-9]|1[0-7])[- ]?(?:year|yr)s?[- ]?old|young teens?|loli|schoolgirls?)\b(?: \S+){0,3}? (?:porn\w*|nudes?|naked|sexual (?:images?|photos?|pictures?|videos?|content|stor(?:y|ies)|roleplay|role-play|acts?)|sex (?:stor(?:y|ies)|scenes?|videos?|tapes?)|erotic\w*|explicit (?:images?|photos?|content|stor(?:y|ies))|lewd|nsfw)\b|\b(?:porn\w*|nudes?|naked (?:photos?|pictures?|images?)|erotic\w*|explicit (?:images?|photos?|stor(?:y|ies)|content)|sexual (?:images?|stor(?:y|ies)|content|roleplay)|sex (?:stor(?:y|ies)|scenes?))\b(?: \S+){0,3}? (?:of|with|involving|featuring|about) (?:a |an )?(?:child|children|kids?|minors?|underage \S+|preteens?|(?:[1-9]|1[0-7])[- ]?(?:year|yr)s?[- ]?old)\b` + `)`)},
	// Hate, harassment and defamation content.
	{id: "harm-hate", head: HeadHarmful, score: ruleScore,
		anchors: []string{"defamatory", "racist", "sexist", "homophobic", "transphobic", "antisemitic", "islamophobic", "hateful", "xenophobic", "misogynistic", "harmful", "offensive", "toxic", "discriminatory", "derogatory", "threatening", "death threat", "harass", "stalk", "bully", "intimidate", "dox ", "doxx", "doxing", "slur", "degrading", "dehumani", "insulting", "disinformation", "claiming"},
		not:     []string{"detect", "moderat", "classif", "identify", "respond to", "report", "recogni", "filter", "example of what not"},
		re: regexp.MustCompile(harmLead + `(?:write|compose|draft|generate|create|produce|give me|make|post|say)(?: (?:me|us))?(?: (?:a|an|some|one|two|three|five|ten|\d+|few|several|more))?(?: \S+)? (?:defamatory|racist|sexist|homophobic|transphobic|antisemitic|islamophobic|hateful|xenophobic|misogynistic|degrading|harassing|threatening|harmful|offensive|toxic|discriminatory|derogatory|insulting|dehumani[sz]ing)\b(?: \S+){0,1}? (?:article|post|tweet|message|letter|e-?mail|speech|essay|story|poem|jokes?|comments?|note|blog(?: post)?|campaign|content|sentences?|paragraph|statements?|remarks?|rant|lyrics|slogans?|insults?|slurs?)\b` +
			`|\b(?:write|send|draft|compose)\b(?: \S+){0,2}? (?:an? )?(?:anonymous )?death threats?\b|\b(?:dox|doxx)(?:ing)? (?:someone|a person|him|her|them|my \S+|this \S+)\b|\b(?:harass|stalk|bully|intimidate)\b (?:someone|a person|my (?:ex|coworker|co-worker|classmate|neighbou?r)|her|him)\b(?: \S+){0,3}? (?:online|anonymously|until|without)\b` +
			`|` + harmLead + `(?:write|create|generate|produce|make)\b(?: \S+){0,2}? (?:a |an |some )?(?:disinformation campaign|(?:article|post|story) (?:falsely )?claiming (?:that )?(?:the holocaust|vaccines cause autism))\b`)},
	// Terrorism.
	{id: "harm-terror", head: HeadHarmful, score: ruleScore,
		anchors: []string{"terrorist", "terror attack", "mass shooting", "school shooting", "bombing", "massacre", "isis", "al qaeda", "al-qaeda", "jihad", "radicali"},
		not:     []string{"prevent", "history of", "survivor", "victims", "counter", "detect", "respond to", "warning signs"},
		re:      regexp.MustCompile(harmLead + `(?:plan|planning|carry out|organi[sz]e|execute|commit|prepare|launch|stage)\b(?: \S+){0,2}? (?:a |an )?(?:terrorist attack|terror attack|attack on (?:a|the) (?:crowd|school|church|mosque|synagogue|concert|stadium)|mass shooting|school shooting|bombing|massacre)\b|\b(?:join|recruit (?:people )?(?:for|into|to)|fund|finance)\b (?:isis|al[- ]qaeda|the taliban|hamas|hezbollah|boko haram|a terrorist (?:group|organi[sz]ation|cell))\b|\bradicali[sz]e (?:young|teenagers|people|someone|my)\b`)},
	// The most common asks in the ten other languages (after diacritics are
	// stripped): how to make a bomb or explosive, synthesize a drug, kill or
	// poison a person.
	{id: "harm-i18n", head: HeadHarmful, score: ruleScore,
		anchors: []string{"bomba", "bombe", "bom", "explosiv", "esplosiv", "granad", "granat", "molotov", "metanfetamin", "methamphetamin", "methamfetamine", "fentan", "heroin", "cocain", "kokain", "matar", "envenenar", "secuestrar", "sequestrar", "tuer", "empoisonner", "kidnapper", "tote", "toten", "vergift", "entfuhr", "uccider", "avvelenar", "rapire", "vermoord", "ontvoer", "бомб", "взрыв", "гранат", "метамфетамин", "фентанил", "героин", "кокаин", "убить", "отравить", "похитить", "炸弹", "炸彈", "爆炸物", "炸药", "炸藥", "冰毒", "芬太尼", "海洛因", "可卡因", "杀死", "殺死", "杀掉", "殺掉", "毒死", "爆弾", "爆発物", "覚醒剤", "覚せい剤", "殺す", "毒殺", "폭탄", "폭발물", "필로폰", "펜타닐", "죽이는", "독살"},
		not: []string{"bath bomb", "bomba de agua", "bomba de calor", "bomba hidraulica", "bomba de combustible", "bomba de gasolina", "bomba de aire", "bomba d'acqua", "bomba de vacuo", "pompe", "bombe de bain", "badebombe", "bomba da bagno", "bomba de banho", "bruisbal",
			// pastries and drinks: "bomba de chocolate", "bomba alla crema", 폭탄주
			"chocolate", "cioccolat", "crema", "creme", "nata", "postre", "colazione", "dolce", "pasticc", "recheada", "doce", "brigadeiro", "gist", "brood", "bommetje", "폭탄주", "소맥"},
		re: regexp.MustCompile(`\b(?:como|cual es la mejor manera de|instrucciones para|quiero|ensename a|explicame como)\b(?: \S+){0,2}? (?:hacer|fabricar|construir|preparar|armar|crear|cocinar|sintetizar|fazer|montar|criar|hago|fabrico|construyo|preparo|armo|cocino|se hace|se fabrica|se prepara|puedo hacer|puedo fabricar|faco|fabrico|posso fazer|posso fabricar)\b(?: \S+){0,2}? (?:una |uma |un |um )?(?:bomba(?: casera| caseira)?|explosivos?|artefacto explosivo|granadas?|coctel molotov|coquetel molotov|metanfetamina|fentanilo?|fentanil|cocaina)\b` +
			`|\b(?:como|quiero)\b(?: \S+){0,2}? (?:matar|envenenar|secuestrar|sequestrar) (?:a )?(?:alguien|alguem|una persona|uma pessoa|mi \S+|meu \S+|minha \S+)\b` +
			`|\b(?:comment|je veux|explique-moi comment|apprends-moi a)\b(?: \S+){0,2}? (?:faire|fabriquer|construire|preparer|creer|synthetiser)\b(?: \S+){0,2}? (?:une |un |des |de la |de l')?(?:bombe(?: artisanale)?|explosifs?|engin explosif|grenade|cocktail molotov|methamphetamine|fentanyl|cocaine)\b|\b(?:comment|je veux)\b(?: \S+){0,2}? (?:tuer|empoisonner|kidnapper) (?:quelqu'un|une personne|mon \S+|ma \S+)\b` +
			`|\bwie (?:baue|mache|bastle|stelle|baut|macht|bastelt|stellt|kann ich|kann man)\b(?: \S+){0,3}? (?:eine |einen |ein )?(?:bombe|rohrbombe|sprengsatz|sprengstoff|granate|molotowcocktail|crystal meth|methamphetamin|fentanyl|heroin|kokain)\b|\banleitung (?:zum|zur|fur) (?:bau|bauen|herstellung|herstellen) (?:einer |von |eines )?(?:bombe|sprengsatz|sprengstoff|methamphetamin|crystal meth)\b|\bwie (?:tote|vergifte|entfuhre|ermorde) ich (?:jemanden|einen menschen|meine?n? \S+)\b|\bwie (?:kann ich|kann man)(?: \S+){0,2}? (?:jemanden|einen menschen|meine?n? \S+)(?: \S+)? (?:toten|vergiften|entfuhren|ermorden|umbringen)\b` +
			`|\bcome (?:fare|costruire|fabbricare|preparare|creare|sintetizzare|posso fare|si fa)\b(?: \S+){0,2}? (?:una |un )?(?:bomba|esplosivo|ordigno|granata|molotov|metanfetamina|fentanyl|cocaina)\b|\bcome (?:uccidere|avvelenare|rapire|posso uccidere)\b (?:qualcuno|una persona|mia \S+|mio \S+)\b` +
			`|\bhoe (?:maak|bouw|fabriceer|kan ik|moet ik)\b(?: \S+){0,2}? (?:een )?(?:bom|bommen|explosief|explosieven|granaat|molotovcocktail|crystal meth|methamfetamine|fentanyl|cocaine)\b|\bhoe (?:vermoord|vergiftig|ontvoer|dood) ik (?:iemand|mijn \S+)\b|\bhoe kan ik(?: \S+){0,2}? (?:iemand|mijn \S+) (?:vermoorden|vergiftigen|ontvoeren|doden|doodmaken)\b` +
			`|как (?:сделать|изготовить|собрать|приготовить|создать|сварить|синтезировать)(?: \S+){0,2}? (?:самодельн\S+ )?(?:бомбу|взрывчатку|взрывное устройство|гранату|коктейль молотова|метамфетамин|фентанил|героин|кокаин)|как (?:убить|отравить|похитить) (?:человека|кого-то|кого-нибудь|мою \S+|моего \S+|жену|мужа)` +
			`|(?:如何|怎么|怎样|怎麼|怎樣|教我)(?:制造|製造|制作|製作|做|自制|自製|合成|组装|組裝|做出)[^。！？.!?\n]{0,6}?(?:炸弹|炸彈|爆炸物|炸药|炸藥|手榴弹|手榴彈|冰毒|甲基苯丙胺|芬太尼|海洛因|可卡因)|(?:如何|怎么|怎样|怎麼|怎樣)(?:杀死|殺死|杀掉|殺掉|毒死|绑架|綁架)(?:一个人|一個人|某人|别人|別人|我的(?:妻子|丈夫|老婆|老公|老板|老闆|邻居|鄰居|父亲|父親|母亲|母親|孩子|朋友|同事|前任|室友))` +
			`|(?:爆弾|爆発物|手榴弾|覚醒剤|覚せい剤|メタンフェタミン|フェンタニル|ヘロイン|コカイン)(?:の|を)[^。！？\n]{0,6}?(?:作り方|作る方法|製造方法|製造する方法|作って|合成方法|合成する方法)|(?:人|誰か|他人|妻|夫)を(?:殺す|毒殺する)方法` +
			`|(?:폭탄|폭발물|수류탄|필로폰|메스암페타민|펜타닐|헤로인|코카인)[^.!?\n]{0,6}?(?:만드는 ?(?:법|방법)|제조 ?(?:법|방법)|만들어|합성 ?(?:법|방법))|(?:사람|누군가|아내|남편)을 (?:죽이는|독살하는) ?(?:법|방법)`)},
	// Further harms named by every taxonomy: incapacitating drugs, school
	// shootings, pushing someone to suicide, glorifying abuse or atrocities,
	// atrocity denial, stealing medical records, hijacking devices, evading
	// the police.
	{id: "harm-misc", head: HeadHarmful, score: ruleScore,
		anchors: []string{"date rape", "date-rape", "roofie", "rohypnol", "shoot up", "suicide", "kill themselves", "kill himself", "kill herself", "killing themselves", "killing himself", "killing herself", "self-harm", "harm themselves", "harm himself", "harm herself", "pedophil", "child abuse", "child sexual abuse", "genocide", "terroris", "anorexi", "ethnic cleansing", "slavery", " rape", "sexual assault", "shooting", "holocaust", "nazism", "never happened", "hoax", "enslave", "exterminat", "ethnically cleanse", "wipe out", "health records", "medical records", "patient records", "criminal records", "police records", "hijack", "police", "cops", "law enforcement", "arrest", "immigration authorit", "manhunt"},
		not:     []string{"prevent", "history of", "survivor", "victims of", "warning signs", "hotline", "detect", "protect", "report", "debunk", "fact-check", "fact check", "myth"},
		re: regexp.MustCompile(harmLead + `(?:make|making|get|buy|obtain|use|slip|give)\b(?: \S+){0,2}? (?:a |an )?(?:powerful |strong |undetectable )?(?:date[- ]rape drugs?|roofies?|rohypnol)\b` +
			`|\bshoot up (?:a|the|my|our) (?:\S+ )?(?:school|high school|college|church|mall|office|workplace|concert|synagogue|mosque)\b` +
			`|\b(?:manipulate|convince|encourage|pressure|persuade|push|bully|drive|talk)\b (?:someone|somebody|a person|people|him|her|them|my \S+|an? \S+) (?:into|to) (?:commit(?:ting)? suicide|kill(?:ing)? (?:themselves|himself|herself)|self-harm(?:ing)?|harm(?:ing)? (?:themselves|himself|herself))\b` +
			`|` + harmLead + `(?:write|create|make|produce|design|draft|compose|generate)\b(?: \S+){0,4}? (?:that |which |to )?(?:glorif\w+|normali[sz]\w+|promot\w+|justif\w+|celebrat\w+|prais\w+) (?:pedophilia|child (?:sexual )?abuse|genocide|terrorism|terrorist attacks|self-harm|anorexia|suicide|ethnic cleansing|slavery|rape|sexual assault|mass shootings?|school shootings?|the holocaust|nazism)\b` +
			`|\b(?:the )?(?:holocaust|armenian genocide|rwandan genocide|srebrenica massacre|nanking massacre|genocide) (?:never happened|(?:was|is) (?:a )?(?:hoax|fake|myth|lie|fabrication))\b` +
			`|` + harmLead + `(?:enslave|exterminate|ethnically cleanse|wipe out)\b(?: \S+){0,2}? (?:an? |the )?(?:entire |whole )?(?:ethnic (?:population|group|minority)|population|race|people|minority|tribe)\b` +
			`|` + harmLead + `(?:steal|exfiltrate|access|download|sell)\b(?: \S+){0,2}? (?:the )?(?:electronic )?(?:health|medical|patient|criminal|police) records\b(?: \S+){0,6}? (?:without (?:authori[sz]ation|permission|consent|direct access|being (?:caught|detected))|illegally|undetected)\b` +
			`|\bhijack\w*\b(?: \S+){0,2}? (?:a |the )?(?:user's|someone's|victims?'?s?|people's|other people's) (?:computers?|browsers?|devices?|phones?|accounts?|sessions?)\b` +
			`|` + harmLead + `(?:evade|escape|outrun|lose)\b (?:the )?(?:police|cops|law enforcement|a police chase|arrest|immigration authorities|a manhunt)\b`)},
	// Requests for one hateful line about a group (a latent jailbreak's
	// payload: "write one offensive sentence about <group>").
	{id: "harm-hate", head: HeadHarmful, score: ruleScore,
		anchors: []string{"harmful", "offensive", "toxic", "hateful", "discriminatory", "derogatory", "insulting", "racist", "sexist", "unfriendly", "demeaning"},
		also:    []string{"about"},
		not:     []string{"detect", "moderat", "classif", "identify", "respond to", "report", "filter"},
		re:      regexp.MustCompile(`\b(?:write|generate|say|give me|list|tell me|compose|produce)\b (?:one |a |an |some |\d+ |three |five |ten )?(?:harmful|offensive|toxic|hateful|discriminatory|derogatory|insulting|racist|sexist|unfriendly|demeaning)\s+(?:sentences?|statements?|jokes?|comments?|remarks?|things?|insults?|slurs?|words?|tweets?|posts?) about\b`)},
}
