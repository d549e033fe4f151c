package pii

// Given names and family names from West, East and Southern Africa, North
// Africa and the Middle East, South, East and South-East Asia, Latin
// America, the Pacific and the Caribbean as well as Europe, written for
// Bulwark in session 8 by a helper session from its own knowledge (no list
// was copied), to reach names the session-2 lexicons (mostly European and
// American) missed: "Wanjiru Kamau", "Olusegun Bakare", "Gurpreet Sandhu".
// Entries already in the other lexicons or in nameStopText are left out.
// Names that are also ordinary words in English or six other languages, by
// the helper's judgement or because they (or they without diacritics) occur
// in lower case at least three times in the shared benign prompts (used as a
// dictionary only), are in
// ambiguousWorldText: alone they are weak evidence. Family names that are
// also words are not included at all.

const firstNamesWorldText = `
abdelaziz abdelkader abdellah abdi abdirahman abdoulaye abdullahi abebe abhijit abiodun abubakar achieng adaeze ade
adebayo adel adhiambo adi adwoa afua agus aikaterini ainhoa ajla akhmad akosua al ale alemayehu alexandros alexey
aliou alireza almaz alok alpha alva alyosha amaia amaka amandeep amar aminah aminu amirul anahera anahit analyn anand
andile andrius andrés anele ange angeliki ani aniket anirban anneke annemieke anoop ante aparecida apinya apostolos
aram aravind arief arif arindam arjen arman armen armine arnab aroha arsen artem artyom arunee asad ashot asia attila
aurélie autumn avi avraham awa awhina ayaan aynur ayo ayodele ayomide ayşe azad azizah babacar babatunde babirye babsi
bahati bahram bala balazs balwinder balázs bambang baraka bas bayani beat bec behrouz bekele bence bep beppe berfin
bessie beto betsy beverley bhavesh bice biju bikash billy bindu binod binta binu birgitta birtukan bishal bo bola
bolaji bong bongani boonmee boy branko budi bukola busisiwe busra büşra bảo cawo chai chaitanya chaiwat chaminda
chathura cheikh chelo chema chi chinwe chioma chip chipo chloé christophe chucho chukwuemeka chus clemence clive
clémence clément conceicao conceição concepcion concha constanca constantin constança corazon corrado coumba céline
dalisay damilola dani danjuma dasha davit dawit dawn dayo debashish dedi delphine delroy desta di dick dilan dilshan
dima dimitrios dinuka dipak dipesh dmitriy dodong dong dongmin dot driss duarte dung dušan dũng efrat eglė eirini eka
eko ekow ela elle elnur els emile emir esra eunji ezinne faadumo fai faith faizal fanfan fang fanta farai faraji fares
fartun fatih fede femi femke fer ferdinand flo folasade fotini franci franco francois francoise franzi françois
françoise frederic frédéric funke funmilayo furaha gabby ganesan gang garba garfield gathoni gaz gbenga gediminas
geneviève gennady gergely getachew gheorghe gia giang giga gigi gilang giorgi giorgos githinji giuli golf gopal gor
gorka gosia graciela grant greet grzegorz guddu guenther guerline guille gunter guoqiang gurpreet gábor günter günther
ha habiba hadas hafiz hai haile hakim hala hamisi hang hansi hansruedi hao haoran hardeep hari harjit harpreet harsh
hasan hashim hasmik hauwa hayk haziq hazwan hemal hemi hendra henk hevi hibo hicham hien hin hind hine hirut hitesh
hiền ho hoang hodan hohepa hong horst hossein hovhannes hoàng hua hung husain huseyin hussain huy hyejin hyunwoo hà
hêvî hùng hēmi hōhepa hương hải hằng ibukun ichiro idil ieva ifeanyi ike ikenna ilhan ilkin imad imelda inday inderjit
ineke inès inês ioan iolana ion ionuț iqra ira irakli ishara issa istvan istván itai itay itziar iwan izzat jabulani
janos jasbir jasleen jasmin jaspreet jay-ar jean-baptiste jean-francois jean-françois jean-paul jean-robert jepchumba
jericho jeroen jhun ji-yeon jiayi jignesh jihoon jijo jimbo jimin jithin jiwoo jiyeon jojo joke joko jomon joop jozsef
joão juanjo juergen jules juma jun junaid junho junjie jános józsef jürgen ka ka-yan kabelo kabir kabiru kadiatou kahu
kaia kamau kanoa kanya kareem kariuki karolis karthik karthikeyan kashif kassim kasun kateřina kathrin kati kato kauri
kayode kebede kees kemar ketan ketevan ketly khadija khadra khady khaled kimani kin kiprono kiri kit kittipong
kittisak kitty koji kojo kolya komal komang kostya kosuke krystyna kudzai kuldeep kunle kwadwo kwaku kwok kyriakos
kōji ladi lahcen lahiru lala lalo lan lanre lasha lei leilani leire lela lemlem lennox leonora leota levan li lien
liga ligaya lindiwe liselotte lizzie lluis lluís loic lok lolo lone long losa lovely loïc luciano luka lulu lungile
lupe lusine luz luzviminda lwando lwazi lyosha lászló léa léo līga made mads magomed mahmud mahsa maina makoto mamadou
mame man manaia manana mandla manolis manolo manpreet manu marama mari maricel marie-claire marie-claude marieke
marine marivic marjolein mart martín maría maya mekdes mel mele memo mere mereana mert meseret michalis michał mihai
milagros miloš mimi min mindaugas minji minjun minna mira mirza misha mitesh mitra moana modou mohamad mohd mook moshe
mosi mostafa moumita mounir moussa mousumi mukasa munyaradzi murugan musa muse muthoni muthu mwanaisha mwangi mwila
mykhailo mykola mária na naa nacho nada nadeem nadege nadège nafisa naga nagarjuna nakato nalwoga nam nan nana nandi
nando nare narek nassim natia navdeep naveed ndeye neema nejc nenad neneng neo neville ngaio ngugi nhlanhla nicolás
nigar nika nikau nikolay nilesh nino nizar njeri njoroge nneka noa noam nodar nokuthula nonso nur nurhaliza nurul
nuwan nyambura nyasha obiageli océane odhiambo oksana ola olafur oleksandr oleksiy olena omkar onur oren orhan orkhan
orly osama otar otieno ouma ousmane oğuz paco paloma panagiota pancho pape paresh partha pasha patty pau paulius paweł
payal paz peng pepa pepe peppe petro petros petya pichai piet pina ping pinky pino pita poppy prabhu prasad prasert
prashant precious princess pritam pui puspita péter qamar quique rabia rachid radha rafa rajeev rajendra rajini rakesh
ramana ramandeep rana rangi rashad rawiri razvan raúl redouane regula rehema rein remi ren res resi reto rhea ria rich
rimantas robbie rod rojda rojin ron ronit roos rose-marie roshan rossella roxana rua rufaro rumbidzai rupa rupesh
rushane ruta rāwiri răzvan rūta saar sadia saeed saga sagar sai said saki salome sana sandile sandor sani sanjaya
santi santosh saravanan sari sarita satu saurav sbu seb seba seema selam selvam senthil seoyeon seoyun sergey serigne
seru seryozha seydou seán shahid shahram shamima shanice shanique shaquille sharlene shazia shelly-ann sherko shibu
shilan shin shira shiva sho shruti shubham sibongile sibusiso siham silke simran simranjit siobhán sione siosaia siu
siyabonga slamet slobodan socorro sokhna sol sola somchai sompong somporn somsak soren sota sotiris souleymane sourav
soyeon sreeja sreejith srinivas srinivasa stanislaw stanisław stavroula ste steffi stelios stephane stéphane subhash
subin subira suchart sudha sujit sukhwinder sum suman sumin summer supaporn surachai sushil sushma sushmita swathi
syafiq sylvie sándor sébastien søren sōta sơn taeyang tafadzwa tahir takudzwa tal tala tam tama tamar tamas tamati
tamuna tamás tane tanmoy tanvir tao tapiwa taras tarek taro tarō tatenda tatevik tatyana teguh teja tejas tendai
tengiz tenzing tewodros thanakorn thanasis thandeka thandiwe thilina thảo tia tibor ties tigist tigran tijs till
tinashe ting tipene tito tobi tochukwu todor tolu tomás tomáš ton tonio tono toomas tope tor toto totò toño tram
trevon trâm tshepo tsitsi tsvetelina tsz tu tuba tui tumelo tuấn tâm tú tāmati tāne uchenna ueli umair umar umaru
uschi usman ute uwe vaibhav vakhtang val vale valérie van vanya vardan vasile vasileios venkat vikas ville vishal
vitoria vitória volodya volodymyr vreni vusal vy václav vân wahyu wai wairimu wally wambui wangari wanjiku wanjiru
waqar wasswa wati waweru wekesa wesner whetu widline wikitoria willem willie wills wilner wing wiremu wisline xiaoming
xiaoyu xinyi xolani yaa yadira yael yaneisy yang yann yanti yasmine yejin yen yetunde yevgeny yi yiannis yiu yoel
yonatan yoni yosef yossi youcef young-hee younghee youngho yu yudi yue yulya yuni yunior yuto yến zahra zawadi zdeněk
zeeshan zewdu zhenya ziad zodwa zoltán zsolt zsófia zubair zurab álex émile émilie ólafur óscar đức łukasz željko
`

const surnamesWorldText = `
abboud abdallah abdullahi abdullayev abebe abubakar acheampong adebayo adekunle adeleke adeniyi adesanya adewale
adhikari adichie afridi afshari agarwal agbeko aghajanyan agrawal agyeman ahmadi ajayi akande akbari akinola akintola
akın al-ahmad al-amin al-harbi al-hassan al-khalifa al-maliki al-mutairi al-otaibi al-thani alabi alaoui alemu alexiou
aliev aliyev aliyeva aliyu alotaibi altin altın amedi amoah amrani andrada andre andreassen andreev andré andō
angelopoulos annan ansah antoniou antonov anyanwu appiah aquino asamoah ashraf assad assefa athanasiou aubert aumua
avetisyan awan awasthi awolowo aydın ayele azikiwe azoulay babalola babic babić bagchi baig bains bajwa bakken
balasubramanian baldé bandara bandyopadhyay bangura bansal baptiste barakat barbu barzani basu bautista bedi bekele
belmadi ben-ali ben-ami ben-ari ben-david ben-haim benali bengtsson benjelloun bennani bensaid beridze bernard berrada
berwari bhattacharjee bhattacharya bhatti bhosale bhullar biró biton blazek blažek blom boakye bolkvadze borisov
bouchard boyer boyko brar bugti bui buthelezi butkus bùi cai cakir camara cele chaabane chahal chahine chakrabarti
chakraborty chan-ocha chattopadhyay chaturvedi chaudhary chauhan chavan cheema cheruiyot chettiar cheung chidchob
chilufya choe chraibi chua ciobanu cisse cissé claes constantin cossa cristea cullen dahan daher dahir daly dangote
danjuma danquah darko darwish datta davtyan davydov deschamps deshmukh deshpande desmet desrosiers dessalines dhaliwal
dhillon diaconu diallo dieng dimaculangan diop diouf dissanayake dizon djordjevic dlamini doherty dordevic dorsainvil
doğan dube dubey dudayev dumitru dupuis duvalier dvořák dwivedi díez dąbrowski echeverria echeverría economou ejiofor
el-alaoui el-idrissi enache eriksson etxebarria etxeberria evers farah farhadi fashola fassi faure faye feenstra
fernando fernández ffrench fifita flanagan florea fodor fonoti françois fraser-pryce friedman frimpong frolov gabai
gabay gaikwad gandhi gangopadhyay ganguly garba garcía garg gasanov gautier gayle gbagbo gebre gebremedhin gelashvili
gemayel georgiadis georgiev gevorgyan ghanem gheorghe ghimire ghorbani giannakopoulos gimenez giménez giorgadze girma
gitau goel gondal gonzales gonzález goossens gopaul gotō gounder goyal grewal grigoryan gudmundsson gueye guliyev
gunawan gunes gunnarsson gurung guseinov guérin guðmundsson gyamfi gál gómez güneş haile hailemariam hajek hajiyev
hakim hakobyan halim hamad hamalainen hamid hansson hao haque hartono harutyunyan hasanov hasanovic hasanović hashemi
hashim hashmi hegde heidari heinrich henare herath hermans hernández hidayat hiemstra hijazi hoang hoekstra hofer
holness horomona horvat horváth horák hosseini hovhannisian hovhannisyan hoàng hsieh hu huisman huseynov hutapea huỳnh
hájek hämäläinen hēnare ibrahimov ibáñez idris idrissi ilic ilić ionescu ismail ismayilov itō ivanova iwobi iyengar
jabbour jadhav jafari jalloh jallow jama janelidze jankauskaite jankauskaitė jankauskas jansson jasinski jasiński
jayasuriya jayawardena jayawardene jean-baptiste jean-charles jean-louis jean-pierre jiménez johnsen jonsdottir
jonsson jovanovic jovanović juhász jun juric jurić jutt järvinen jónsdóttir jónsson kadam kagame kahale kalama kamau
kamiński kanu kapanadze karagiannis karam karamanlis karapetyan karimi kariuki karlsen kassab katona katz katō
kavaliauskas kazemi kazlauskas kazlauskiene kazlauskienė kazmi kealoha kebede keita kenyatta kereama keskin keïta
khachatryan khachaturian khadka khouri khoury khumalo khutsishvili kikwete kimani kinnunen kioko kipchoge kiprop
kiprotich kiptoo kirui klymenko knezevic knežević kobakhidze kohen konidela kopecky kopecký koroibete koshy
kostopoulos kouyate kouyaté kovacevic kovacs kovalchuk kovačević kovács kováč kowalska kozłowski koç kraemer krasniqi
krishnan kristensen krumins krūmiņš kuehn kufuor kuijpers kulkarni kurup kusuma kuznetsova kučera kvaratskhelia kwan
kwiatkowski kwok kılıç lahlou lakatos larsson latu lau lawal lazar lazăr lefevre lefèvre legrand lehtinen lemmens
lemoine leota leung levi lewandowska limbu lomidze lukacs lukács lungu lyn lâm lópez mabandla mabaso macaraeg macleod
madsen maes magar mahlangu mahmood maina maisuradze makela makoni makris makua malema malik malka mamedov mammadov
manalo mandal mandela mangahas manley mapfumo maric marić markov markovic marković marley martelly martín martínez
marufu marín maseko masondo matei mathieu mattila maximov mazibuko mazumdar mbaye mcfarlane mchedlishvili mcloughlin
medeiros meier mengistu mertens meszaros mhlanga miah michalak mihai mikhailov milosevic milošević mirza mittal
mizrahi mkhize mkrtchyan mohammadi mokoena molefe molnár moloi moradi mosavi moser mourad mousavi moyo mpofu mthembu
mudaliar mugabe mugisha mukhopadhyay mumba munteanu museveni musyoka mutasa mutua mwale mwangi mäkelä mäkinen mészáros
nadar nader naidu najafi najafov najjar nakhle nambiar namboothiri naqvi nasution naufahu ncube ndiaye ndlovu ndour
negash nemeth netanyahu ngata ngcobo ngubane ngugi nguyễn nhaca niang nigam nikolaev nikolic nikolić nilsen niyonzima
njoroge njuguna nkosi noh novotný novák nozadze ntuli nugroho nwachukwu nwankwo nyathi németh němec o'brien o'connor
o'doherty o'donnell o'neill o'reilly o'sullivan obiora ocampo ochieng odhiambo odinga ofer ogunbiyi ohayon oikonomou
okonjo okoro olafsson olah olszewski oláh omondi onyango onyeka opio opoku oreilly osei osullivan othman otieno
ouattara oyebanji oyewole paewai pak panagiotopoulos panchal panicker papadakis papadimitriou papadopoulou
papageorgiou papanikolaou pappas parata parikh parn paudel paulauskas pavlovic pavlović pawar pawlak perera peres
peretz peric perić persad petrauskas petridis petrosyan petrova petrovic petrović pettersen pettersson phadke phiri
phạm pichler pierre-louis pillai poghosyan pohan pokorný polishchuk pomare ponomarenko popa popova popovic popović
pospisil pospíšil postma potocnik potočnik poudel poutama pratama preval procházka préval pärn pérez qiu quispe
quliyev qureshi rabuka radebe radic radić radu rahimi rajan rajapaksa rajapakse raman ramasamy ramlogan ramnarine
rampersad ranade randhawa rangihuna ravouvou razak rewiti rezaei rhee rizvi rizzo rodrigues rodríguez rostami rotich
ruiz ruru rusu ruto saar saarinen sabbagh sadat sadeghi saeheng saelim saetang saint-fleur saint-louis salah salim
sall salleh salminen salunkhe samaras sandhu sani sanna santoso sapolu saputra sargsian sargsyan sarr satō sawant
sayed schafer schmitt scholten schouten schroder schröder schulze seaga seck sedlacek sedláček sekhon senghor sengupta
sethi setiawan shabalala shafik shaikh shengelia shevardnadze shevchuk shinawatra shinde shirazi shrestha shukla
sibanda siddiqui sidhu sigurdsson sigurðsson sissoko sisulu sithole sitorus sivakumar smirnova smits sokolov
sokolowski sokołowski soliman somare souza srisuk srivastava sriwong ssekandi stan stankevicius stankevičius stankovic
stanković steiner stepanov stoica stojanovic stojanović stojanovski subianto subramanian sulaiman suleymanov susanto
suter sy szabó szucs szymański szűcs sánchez sørensen tadesse takács talabani tamang tamihana tanoto taufa tazi tekle
temba tembo tesfamariam tesfaye thapa theodorou thevar thiam thomson thái tikhonov timmermans tipene tiwari tomic
tomić tomoana toor torok toure touré toussaint traore traoré triantafyllou tripathi trần tsang tse tsiklauri tsipras
tsui tsvangirai tuiasosopo tuilagi tuominen tupou tuqiri tóth török urbonas ursu uzor vaipulu vandenberghe
vandenbroucke vandijk vardanyan varghese vasileiou vasilev vasiliauskas vejjajiva venkatesan verbeek verhoeven vermeer
vermeulen verstappen veselý vlachos vo volkova vukovic vuković võ waititi wambugu wanjiru wanyama waweru weerasinghe
wekesa wibowo wickramasinghe wickremesinghe widjaja widmer wiersma wihongi wijaya wisniewska wiśniewska wiśniewski
wojciechowski wolde woldemariam wongsakul wouters woźniak wyss wójcik yadav yanukovych yar'adua yazdani yi yusof
yusoff yıldırım yıldız yılmaz zaher zaidi zebari zidane zieliński zukauskas zungu çakır çelik çetin ólafsson özdemir
öztürk černý đinh đorđević đặng đỗ ōta şahin žukauskas
`

const ambiguousWorldText = `
ade adel agus al ale alpha amar ange ante aparecida asia autumn bala bas beat bec billy bola bong boy chai chelo chi
chip chucho clemence clémence clément conceicao conceição concepcion concha constanca constança corazon di dick dong
dot dung ela elle els emir fai fang fanta fares fede fer franco gabby gang gaz gia golf greet ha hai hala hang hari
harsh hin hind ho horst hung hà hằng ion ira jasmin joke kin kit kitty koji kōji lei li lien liga lone long lovely
lulu luz made man marine mart mel mele memo mere milagros min mira musa muse na nacho nada nan nana neo nino nur
océane ola paloma pasha patty pau paz pepe ping pinky pino pita poppy precious princess rabia rana rein ren res rhea
ria rich rod ron roos rua ruta rūta saga sai said sana santi sari satu shin shiva sho socorro sol sola sum suman
summer sơn tal tala tam tama tao taro teja tia ties till ting ton tono tope tor toño tram tu tuba tui tâm tú ute val
vale van ville vitoria vitória vân wally willie wills wing yaa yang yen yến álex
`
