package pii

import "strings"

// The lexicons below were written for Bulwark from general knowledge (no
// external list was copied). They are lower case; lookups fold case.

// firstNamesText holds given names common in English-, German-, French-,
// Spanish-, Portuguese-, Italian-, Dutch-, Nordic-, Slavic-, Hungarian-,
// Greek-, Turkish-, Arabic-, Indian-, Japanese- and Chinese-speaking
// countries.
const firstNamesText = `
aaron abby abdul abdullah abigail ada adam adan adela adele adolf adrian adriana adrienne agata agatha agnes agnieszka ahmad ahmed aida aidan aiko aileen aimee aisha akifumi akihiro akiko akinori akira alain alan albert alberta alberto albin albina alejandra alejandro aleksandr aleksandra aleksei alena alessandra alessandro alessia alex alexa alexander alexandra alexandre alexei alexis alfonso alfred alfredo ali alice alicia alina aline alison alistair allan allison alma alois alvaro amanda amber amelia amelie ami amir amy ana anastasia anders andre andrea andreas andrei andres andrew andrey andrzej andy aneta angel angela angelika angelina angelo angus anita anja ann anna annabel anne anneli annette annie anthony antoine anton antonia antonin antonio anya april ariana ariel arjun arkadiusz arne arnold arpad arthur arturo asa asha ashley asif aslak asuka asya atsushi audrey august augusto aurelie aurora austin ava axel ayaka ayumi azra
barbara barbora barry bart bartek bartosz basil beata beatrice beatriz becky ben benedikt benito benjamin bernard bernardo bernd bert berta bertha bertram beth bethany betty beverly bianca bill birgit bjorn björn blake bob bobby bogdan bohdan bonnie boris brad bradley brandon brenda brendan brian bridget brigitte britt brooke bruce bruno bryan byron
caitlin camila camille candice cara carina carl carla carlo carlos carly carmen carol carole caroline carolyn carrie casey cassandra catalina caterina catherine cathy cecilia cedric celia celine cesar chad chantal charlene charles charlie charlotte chelsea cheng cheryl chiara chihiro chloe chris christa christian christina christine christoph christopher chuck cindy claire clara clarence claude claudia claudio clemens cliff clifford clint colin connie connor conrad constance cora corinne cornelia craig cristian cristina curtis cynthia cyril czeslaw
dagmar daiki daisuke dale damian dan dana daniel daniela daniele danielle danny daria dariusz darko darren dave david dawid dean debbie deborah debra deepak delia denis denise dennis derek diana diane diego dieter dimitri dimitris dina dmitri dmitry dolores dominic dominik dominika don donald donna doris dorota dorothy doug douglas duncan dylan
ed eddie edgar edith edmund eduardo edward edwin eileen ekaterina elaine elena eleni eli elias elif elisa elisabeth elise eliska eliza elizabeth ella ellen elliot ellie elsa emil emilia emilie emilio emily emma emmanuel enrico enrique eric erica erik erika erin ernest ernesto ernst esteban estelle esther ethan eugene eugenia eustachy eva evan evelyn ewa ezra
fabian fabio fabrizio faina farah farid fatima federico felipe felix fernanda fernando filip filippo finn fiona florence florian frances francesca francesco francis francisco franciska franck frank franz fred freddie frederick frederik freya frida friedrich fritz fumiko
gabor gabriel gabriela gabriele gabrielle gareth garry gary gavin gemma gene geoffrey georg george georgia georgios gerald gerard gerda gerhard gerth gertrude gianluca gilbert gina giorgio giovanni gisela giulia giulio giuseppe gladys glen glenn gloria gordon grace graham greg gregor gregory greta gretchen guadalupe gudrun guido guillaume gunnar gunther gustav gustavo guy gyorgy
hana hannah hans harald harold harriet harris harry harvey haruka haruto hassan heather hector hedwig heidi heike heinrich heinz helen helena helga hellen henri henrik henry herbert herman hermann hideo hilda hiroshi hiroko hiroyuki hitomi holly howard hugo hussein
ian ibrahim ida igor ilona ilse imran ines inga inge ingrid iona irena irene irina iris irma isaac isabel isabella isabelle ismail israel ivan ivana ivo izabela
jack jackie jacob jacqueline jacques jade jaime jake james jamie jan jana jane janet janice janina janka jaroslav jaroslava jason javier jay jean jeanne jeff jeffrey jelena jen jennifer jenny jens jeremy jerome jerry jessica jesus jill jim jimmy jiri jiří joan joana joanna joao joaquin jocelyn jodie joe joel johan johann johanna john johnny jon jonas jonathan jordan jorge jose josef joseph josephine josh joshua joy juan juanita judith judy julia julian juliana julie julien juliet julio junko jurgen justin justyna
kai kaija kamil kamila karel karen karin karina karl karla kasia kate katarina katarzyna katharina katherine kathleen kathryn kathy katie katrin kayla keiko keira keith kelly ken kenji kenneth kerry kevin kim kimberly kirsten klaus klara konrad kostas krisztian krisztina kristian kristina kristíana kristiana krzysztof kumar kurt kyle
lana lara larry lars laszlo laura lauren laurence laurent lea leah lee leif leila lena leo leon leonard leonardo leonid leonti leopold leslie leticia lewis liam lidia lilian liliana lily linda lindsay lionel lisa liz liza lloyd lois lorenzo lori lorraine louis louise lucas lucia luciana lucie lucy ludwig luigi luis luisa lukas lukasz luke lydia lynn
madeleine madison magda magdalena magnus mai maika maite malcolm malgorzata manfred manuel manuela marc marcel marcela marcin marco marcus margaret margarita margit margot maria mariana marianne marie marika marina mario marion marisa marius marja mark marko markus marta martha martin martina marty mary maryam mason massimo mateo mateusz mathias matilda matt matteo matthew matthias matthías maureen maurice max maxim maximilian megan mehmet mei melanie melinda melissa mercedes mia michael michaela michal michel michele michelle miguel mika mikael mike mikhail miklos milan milena miles miller milos mina miriam mirko misaki miyu mohamed mohammad mohammed monica monika morgan moritz muhammad murat
nadia nadine nancy naomi naoki natalia natalie natasha nathan nathalie nayla neil nelson nicholas nick nicola nicolas nicole niels nigel nikita nikola nikolai nikolaos nikos nils nina noah noelle nora norbert norma norman nuno
octavio olaf ole oleg olga oliver olivia olivier omar oscar oskar osvaldo otto owen
pablo paola pascal pat patricia patrick patrik paul paula paulina pauline paulo pavel pawel pedro peggy penelope per petar peter petr petra philip philipp philippe phillip pia pierre pietro piotr polly priya
quentin
rachel rafael rafal raj rajesh ralf ralph ramon randy raquel raul ray raymond rebeca rebecca regina reinhard renata renate rene ricardo riccardo richard rick rita rob robert roberta roberto robin rodrigo roger roland rolf roman ronald rosa rosalind rose rosemary ross roy ruben rudolf rui rupert russell ruth ryan ryo ryota
sabine sabrina sakura sally salma sam samantha samira samuel sandra sandro sanjay santiago sara sarah sasha satoshi scott sean sebastian sergei sergio seth shannon sharon shaun shawn sheila shelby shintarou shinji shirley shota sidney siegfried sigrid silvia simon simona simone sina sofia sofie sonia sonja sophia sophie stacy stanislav stefan stefanie stefano stella stephan stephanie stephen steve steven stuart sue susan susanne suzanne sven svetlana sylvia szabina
takashi takeshi tamara tammy tania tanja tanya tara tatiana tatjana ted teresa terrence terry tessa thelma theo theodor theresa thierry thomas tiago tim timmie timothy tina tobias todd tom tomas tomasz tómas tommy toni tony tracy travis trevor troy tyler
ulla ulrich ulrike urs ursula
valentina valentin valeria valerie vanessa vasily vera verda veronica veronika vicente victor victoria vide viktor viktoria vilma vince vincent vincenzo viola violet virginia vivian vladimir vojtech
walter wanda wayne wei wendy werner wesley whitney wilhelm will william willy wojciech wolfgang
xavier xin
yasmin yolanda yoshiko yoshio yuki yuko yuri yusuf yvette yvonne
zachary zbigniew zdenek zoe zofia zoltan zsofia zuzana
abel adolfo agustin aino aksel alba alberico alenka alfie alfonsina alida alik alisa aljona almir alvar amadeo amalia amaya amelie anan anders ane ania antal anzhela arvid asbjorn ase astrid atle aurelio axelle ayse bela bengt benoit berit bjarne bojan borislav bozena branka bruna camilo candela carina casimir catalin cecilie cesare chiyo cristobal csaba dagny dalia damla danuta dario david dejan desislava dorothea dragan dusan ebba edvard eero eino eivind ejnar elke elin elisabet elna emeka emre enzo erlendur esa eskil estela eugen eva evgeni evgenia fatma fausto felicia ferenc filipa flavia flavio fredrik gaspard gerardo gerd gilberto goran gudmund gunilla gustavo gyula halldor halldór halvard hamid hanne hedvig heikki helmut henrike hilde hjalmar holger ignacio ilse imre ingeborg ingvar irenka iryna isak iva ivar jaakko jadwiga jakob janne jarmila jelle jesper joakim jochen jolanta jorunn josefa jozef jožef julieta juliusz jussi juuso kaarina kalle kari karoly karolina kasper katrine kazimierz kerstin kirsi kjell knut kristof kristoffer kristjan krisztián laila lajos lasse lauri leena leif lennart leonie levente liisa linnea liv ljubica ljubo lorenza lovisa lucja ludmila luiza lutz maciej magne magnus maja malin manon marek margareta mariusz marketa markku marit marte marthe matheus mathilde matej matti mattias mehmet mikkel milica milosz miroslav mirjam mitja moira monique nadja nanna nils noemi olav olga oliwia onni orsolya oswald otto paavo patrizia pekka pernille petri petronella piia pirjo przemek radek radka radoslav ragnar ragnhild raili randi rasmus reijo riikka rikard risto roar rosario rudi rune sakari sander sanna santeri saskia sebastiano selma serafina sergio signe silje simo sindre siri sisko slavko snorre solveig stig stina sune svante sverre szabolcs taavi tadeusz tadzio tancredi tarja teemu terje thea thor thorsten tiina tilly timo tina tobiasz tomomi tonje torbjorn tore torsten trine troels tuomas tuula ulf ulla ulrik unni urszula valida valter vaclav vagn veikko vera vesna vibeke viggo vigdis vilhelm vilja vilmos vinka virpi volker wacław wacława waldemar wiesław wisława witold yngve zdenka zlata zoran zygmunt
mehrudin mohamed amina fatou kwame kofi ama chidi ngozi oluwaseun tunde yaw abena aditya amit anil arun deepa divya ganesh gita kavita lakshmi manoj meena neha nikhil pooja prakash priyanka rahul rajiv ravi rohit sanjeev sunil sunita vijay vikram aiden ayden brayden caden jayden kayden liam mateus thiago gabriel rafaela larissa leticia thais vinicius wagner yara
hiroki kazuki kenta masato naoko natsuki rina sayaka shun sora takumi tatsuya yui yuna yusuke haruki kaito riku mio hina akane emi eri kaori mayumi megumi nanami reiko sachiko tomoko yoko
ming qiang wei xiao ying zhi jie
adelina adriano agnete agostino ahti aija aila aili aleksi alessio alfhild algirdas alida alojz aloisia amalie amund andrea andrej andrija anika ann-marie annika anselm antero antje apolonia ari arnaud arnbjorn arttu asger askel aslaug astrid atanas auður bára baldur benedetta benedek bente bergljot berglind birna bjarni bodil bogdana bohumil bojana bojka borna bozidar brynja brynjar catalina cathrine cecilie celina charlotta christin christel christiane cilla claudine cornelis corinna csilla dagfinn dagrun dalibor damjan danijel danko desiree dimitar dobromir domenico donat dora dorte dragica edda edit edvin eeva egill eija eimear einar eirik eliane elida elina elisabetta elisa elke elmar elna emilija emmi erla erlend ermanno ernő erzsébet esko espen eszter ethel evgeny fabienne fanny federica felicitas fenna filippa finnur flemming francesc franziska freja frederikke frode gaute gerrit gerti gianni gisli gitte gjermund gordana grazia greta gudrun guðrún gunhild gunnhildur gustaf gwen haakon hafdís halina halla hallgrim hannele hanna harri hedda heidrun heikki helene helge helle henna herdis hermine hilmar hjördís hrafn hugrun ibolya idun ilja ilka ilse imke ines inger ingibjörg ingólfur irma isolde ivanka jacek jadranka jakub janka jannik jaroslaw jasmina jenni jelka jesús jochen jóhann jóhanna jón jónas jorge josip jovan judit juha julius jutta kadri kaisa kalina karin karol karsten kasimir katalin katja katrín kerttu kjartan klemen kolbeinn konstantin kristín kristjana kristof kunigunde laufey laurits leila lejla lenka leonie liesel lilja linnéa liisa lotta lovro luana lucía ludmila lukáš luna lýdia magdalena magni malene mara marcelo mareike margrét marianna marit marjatta marketa markéta marko marta martta mateja matija mats mattia melina melker mette mia michela mihail mikael mikko milada milena mirela miroslava mirta monika natasa nevena nikolina niklas nils noor nora oddny oddur olof olli orsolya ottó paola pál pavla pavol peder pernille petar petrus pia pilar piotr radek radim radmila ragnheiður rainer raisa rasmus regína reidun renáta rikke roald róbert rögnvaldur roksana rolf ronja rosalía salvador sami sanja sanne sara sebastián signý sigríður sigrún sigurd sigurður silvija sindri sirkka snežana snorri sofie solvej sonja stanislava stefanía stella stian svava svein sveinn svetla tarja teodor teresa terhi thorvald thora tiina tomislav tone torben torunn trond tuija tuomo tyra ulrika unnur urška valdimar valentina vanda vappu varvara veronika vesa viktória vilborg vilja vilma vladislav vlasta vojtěch wiebke wilma yrsa zdravko zlatko zofia zorica zsuzsanna
akemi asami chie daichi eiji fumiya hanako harumi hayato hikaru hiromi hisako ikuko isamu jiro junichi kanako kazuo keisuke kohei kumiko masaki masako masaru michiko minoru miyuki momoko naomi noboru noriko reina rie ryosuke sachi saori shigeru shiori shizuka sumiko tadashi takuya tetsuya tomoya toru tsubasa yasuko yasushi yoshiro yuji yumi yuta yutaka
aaliyah abdallah adnan ahmet aylin burak cem deniz ebru emel emine hakan hüseyin ilker kemal leyla mustafa özlem serkan sibel tarık volkan yasemin zeynep bilal hamza idris jamal karim khalid layla mahmoud mariam mustafa nabil omar rania reem salim samir tariq yasmin youssef zainab
alejandro ana beatriz carmen catalina concepción dolores esperanza eugenia francisca gonzalo guillermo inmaculada joaquín josé marisol montserrat nuria pilar remedios rocío salvador soledad xavier ximena agustina florencia valentina martina sofía lautaro thiago benjamín
`

// surnamesText holds frequent family names from the same regions.
const surnamesText = `
adams allen alvarez anderson andersson andersen arnold bailey baker barnes bauer becker bell bennett berg berger bianchi black bondarenko brown bruno bulgakov butler campbell carter castro chen clark collins colombo cook cooper costa cox cruz da silva davies davis de jong dekker demidov diaz dubois edwards eklund evans fernandes fernandez ferrari fischer fisher flores ford foster fox fuchs garcia gomes gomez gonzalez gordon graham gray green greene griffin gruber gupta hall hamilton hansen harris hart hayes henderson hernandez hill hoffmann hofmann holmes howard hughes hunt jackson jacobs james janssen jansen jenkins jensen johansson johnson jones jordan kaiser kang kelly kennedy khan kim king klein koch kowalski kozlov kraus kumar lambert lang larsen laurent lee lehmann leroy lewis li lindberg lindqvist liu lopez lorenz martin martinez mason meyer miller mitchell moore morales moreau morgan morris mueller müller murphy murray myers nelson nguyen nielsen novak olsen olsson ortiz owens park parker patel perez perry peters petersen peterson petit phillips pereira popescu powell price ramirez reed reyes richard richardson rivera roberts robinson rodriguez rogers romero rossi russell ryan sanchez sanders santos schmid schmidt schneider schulz schwarz scott shaw silva simmons simon smith sousa stewart sullivan taylor thomas thompson torres turner walker wagner wang ward watson weber white williams wilson wolf wood wright wu yang young zhang zimmermann
tanaka suzuki sato takahashi watanabe ito yamamoto nakamura kobayashi kato yoshida yamada sasaki yamaguchi matsumoto inoue kimura hayashi shimizu yamazaki mori abe ikeda hashimoto ishikawa ogawa fujita okada goto hasegawa murakami kondo ishii saito sakamoto endo aoki fujii nishimura fukuda ota miura fujiwara okamoto matsuda nakagawa nakano harada ono tamura takeuchi kaneko wada nakayama ishida ueda morita hara shibata sakai kudo yokoyama miyazaki miyamoto uchida takagi ando taniguchi ohno maruyama imai takada fujimoto takeda murata ueno sugiyama masuda sugawara hirano otsuka kojima chiba kubo matsui iwasaki sakurai kinoshita noguchi matsuo nomura kikuchi sano onishi sugimoto arai hamaguchi fukunaga kawano
`

// nameSuffixes are endings typical of family names (patronymics, Slavic,
// Nordic, Greek, Romanian, Japanese, German compounds).
var nameSuffixes = []string{
	"sson", "ssen", "dottir", "dóttir", "ová", "ova", "ovich", "ovic", "ović", "evic", "ević", "ski", "ska", "sky", "cki", "cka", "enko", "chuk", "poulos", "opoulos", "akis", "idis", "escu", "eanu", "mann", "stein", "berg", "feld", "hausen", "moto", "mura", "kawa", "yama", "guchi", "shita", "saki", "zaki", "hara", "naga", "rov", "lov", "nov", "kov", "yev", "ev", "eva", "ina", "sen", "son", "ez", "ini", "elli", "etti", "ucci", "sch", "ler", "ner", "mer", "ert", "ič", "ák", "ík",
	"inen", "anen", "kkonen", "honen", "wicz", "czyk", "oglu", "oğlu", "zadeh", "shvili", "dze", "yan",
}

// honorifics precede names.
const honorificsText = `mr mrs ms miss mx dr prof professor sir dame madam madame mme mlle herr frau señor senor señora senora sr sra dona don monsieur lord lady rev reverend fr father sister brother capt captain col colonel gen general sgt lt officer judge ceo cto cfo coo cio cmo president chairman chairwoman senator governor mayor minister ambassador chancellor detective inspector sheriff pastor rabbi imam herrn fräulein dott sig avv srta dña doña dhr mevr mevrouw meneer fru sheikh shri smt aunt auntie uncle`

// nameStopText are capitalized words that are not names even when they
// start a capitalized run: function words, days, months, places' generic
// words, organisation suffixes, greetings, and common sentence starters.
const nameStopText = `
a an the this that these those there here it its i i'm im me my mine we our you your yours he she his her him they them their what when where which who whom whose why how if then than and or but nor so yet for of to in on at by from with about as into onto upon over under after before since until while during without within
is are was were be been being am do does did done have has had having can could will would shall should may might must not no yes ok okay please thanks thank hello hi hey dear regards best sincerely cheers
monday tuesday wednesday thursday friday saturday sunday january february march april may june july august september october november december today tomorrow yesterday
street st road rd avenue ave drive dr lane ln boulevard blvd way court ct place pl square sq terrace hill hills bridge bypass creek island islands pass parkway circle trail highway suite apt apartment unit box floor building
inc ltd llc plc gmbh corp corporation company co group agency orchestra university college school bank club hotel church hospital department office team center centre services service solutions systems technologies international
north south east west northern southern eastern western upper lower new old great saint san santa
bot user name address phone email e-mail website personal info title account card number date country city state zip code
mother father mom mum dad son daughter wife husband brother sister uncle aunt grandma grandpa baby kid kids child children
god lord jesus christ
die der das dem des ein eine einer einem eines mein meine meinem meinen meiner sein seine seinem seinen ihre ihrem ihren unser unsere het een mijn onze les une mon mes notre votre los las una unos unas mis sus gli uno mio miei tuo suo os uma meu minha
english french german spanish italian dutch swedish norwegian danish finnish polish czech russian japanese chinese korean american british european african asian
song songs album list music musicians tales guilty pleasures cautionary black white red blue green big little
united kingdom states republic club beach act rights civil national royal federal city county park lake river mount bay valley tv radio news weekly daily times post journal magazine records band festival awards prize museum library airport station market mall store shop cafe restaurant bar pub inn resort partners holdings capital ventures labs foundation institute association society council committee ministry government police army navy house senate congress party union league cup championship series season episode chapter volume edition version update release investments investment financial finance insurance consulting media marketing software data health healthcare medical pharma energy motors airlines logistics industries enterprises global worldwide public private
google microsoft apple amazon facebook twitter netflix uber tesla ibm oracle intel
los las la el le les del san santa st saint fort port lake mount cape
note subject date time from to cc bcc re fwd question answer comment
contact website company organization organisation registrant registrar redacted withheld location role position department mobile desk fax cell office home work tel cool well sure great right oh wow hmm alright anyway also now then first next finally however meanwhile yeah nope
hiring manager team customer customers valued sir madam colleagues colleague friends everyone all support admin recruiter reader readers member members client applicant candidate users editor board owner sales marketing engineering learning deep machine morning evening afternoon night good happy merry
i'm i've i'll i'd
patient doctor nurse agent assistant guest host interviewer interviewee speaker operator caller moderator teacher student system human ai model chatbot meeting id ref order invoice ticket tracking reference
statement mission vision summary overview introduction conclusion report policy terms conditions privacy notice agreement contract section appendix table figure warning important notes product project plan strategy goals objectives results analysis review feedback request response status priority deadline budget receipt payment profile settings dashboard login password welcome pricing features faq blog events careers jobs markets transit lines flats salesperson salespeople employee employees staff month year week quarter annual monthly
dirección direccion indirizzo endereço endereco adresse anschrift adres adresa osoite cím
`

// streetTypesText are street designators written after the street name.
const streetTypesText = `u rkp krt utca street st str road rd avenue ave av drive dr lane ln boulevard blvd way court ct place pl square sq terrace ter hill hills bridge bypass creek island islands pass parkway pkwy circle cir trail trl highway hwy route rte row alley close crescent cres grove gardens gdns walk mews park plaza cliffs cliff heights valley ridge point port radial loop run crossing junction meadow meadows view vista estate estates green ways landing causeway quay wharf straße strasse weg platz allee gasse ring damm ufer steig laan straat gracht kade plein singel dreef`

// streetPrefixesText are designators written before the street name.
const streetPrefixesText = `rue avenue av avenida av. boulevard bd chemin allée allee impasse place via viale piazza piazzale corso strada largo vicolo calle carrera carretera paseo plaza camino rua praça praca travessa estrada rodovia ul ulica aleja al plac quadra piata strada calea bulevardul cesta`

// streetSuffixes are endings of single-word street names (German, Dutch,
// Nordic, Finnish, Hungarian, ...): "Friedhofstrasse", "Beiteveien".
var streetSuffixes = []string{"straße", "strasse", "str.", "gasse", "weg", "allee", "platz", "ring", "damm", "ufer", "laan", "straat", "gracht", "plein", "kade", "dreef", "veien", "vegen", "vei", "gata", "gatan", "vägen", "vagen", "väg", "stræti", "stræde", "gade", "vej", "katu", "kuja", "tie", "polku", "utca", "útja", "út", "körút", "tér", "sokak", "caddesi", "ulica", "gatve", "iela", "tänav"}

// unitWords introduce a unit within an address.
const unitWordsText = `apt apartment suite ste unit flat floor fl room rm bldg building dept po p.o pmb box lot`

// ambiguousFirstNames are first names that are also common words; alone
// they are not evidence of a name.
const ambiguousFirstNamesText = `luna dora nora will may june april august bill mark grant hope faith joy rose dawn sue pat rob jack art ray guy gene lily iris violet ruby amber chase hunter bob don victoria georgia jordan austin florence paris sydney israel miles jean per sina ida lea mai ana vide liz chuck hope ivy hazel pearl opal crystal destiny harmony trinity charity prudence felicity sage ginger daisy penny misty sandy drew lance wade porter archer sterling savannah dakota lincoln orlando sierra kennedy jefferson madison hudson noel earl carter mason parker tucker walker hunter heath clay dean dale macy denny zelda`

// lexicon is a set of lower-case words, named by its bit. One map over
// every lexicon (lexBits) gives a word's memberships at once, so a token is
// looked up once however many lexicons ask about it (the name and address
// heuristics ask up to a dozen, one map look-up each before), and a word in
// several lexicons is stored once.
type lexicon struct{ bit uint32 }

// lexComputed marks a token whose lexicon bits are known (token.lex).
const lexComputed = 1 << 31

// lexBits maps a lower-case word to the bits of the lexicons that hold it.
// Every lexicon is a package variable, so all are added before any scan.
var lexBits = map[string]uint32{}

// lexCount is the number of lexicons made.
var lexCount int

func newLexicon(texts ...string) lexicon {
	if lexCount == 31 {
		panic("pii: more than 31 lexicons")
	}
	l := lexicon{bit: 1 << lexCount}
	lexCount++
	for _, t := range texts {
		for _, w := range strings.Fields(t) {
			lexBits[w] |= l.bit
		}
	}
	return l
}

// lexicons are the name and address word lists (built once, shared by every
// Detector).
type lexicons struct {
	first, surname, honorific, stop, streetType, streetPrefix, unit, ambiguous lexicon
}

var sharedLexicons = newLexicons()

func newLexicons() *lexicons {
	return &lexicons{
		first:        newLexicon(firstNamesText, firstNamesMoreText, firstNamesWorldText),
		surname:      newLexicon(surnamesText, surnamesMoreText, surnamesWorldText),
		honorific:    newLexicon(honorificsText),
		stop:         newLexicon(nameStopText),
		streetType:   newLexicon(streetTypesText),
		streetPrefix: newLexicon(streetPrefixesText),
		unit:         newLexicon(unitWordsText),
		ambiguous:    newLexicon(ambiguousFirstNamesText, ambiguousWorldText),
	}
}

func hasSuffix(w string, sufs []string) bool {
	for _, s := range sufs {
		if len(w) > len(s)+2 && strings.HasSuffix(w, s) {
			return true
		}
	}
	return false
}
