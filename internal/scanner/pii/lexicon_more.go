package pii

// More given names and family names, written for Bulwark from general
// knowledge (no external list was copied): frequent names in the US, the
// UK, Ireland, Canada and Australia across generations, and more
// Hispanic, Lusophone, French, Italian, German, Dutch, Nordic, Slavic,
// Baltic, Balkan, Greek, Turkish, Arabic, Persian, South Asian, East
// Asian and African names. Names that are everyday words ("will", "may",
// "summer") are left out or listed in ambiguousFirstNamesText.
const firstNamesMoreText = `
abbie abner ada addison adeline adrianna agnes ahmad aidan aileen ainsley alana alanna alayna albert alden aldo alec alessandro alexia alexandria alfie alina alisha alissa allie allyson alyssa amani amara amari amaya amos anahi anastasio andre andrea andy angelica angelo angie anika annabelle annalise annika ansel antonio anya archer archie ari arianna ariel arlene armando arnav arturo arya asher ashlyn ashton athena aubrey audra augustine aurelia averie avery axel ayla aylin
bailey barbara barney baxter beatrix beau becca belinda bella benedict benny bernadette bernice bert beryl bess bette bettie beulah bianca billie blaine blair blanca blanche bonita booker bradford brady braxton brenna brent brett brianna bridgette britney brittany brock brody bronson bruna bryant bryce bryson burt
cade caleb callie calvin cameron camille candace cara carissa carl carlton carmela carmelo carolina carrie carson carter cary casper cassidy cassie cayden cecil cecily celeste chandler charity charley chase chester cheyenne chris christy ciara cierra clarissa clark claudette clay clayton clement cleo clifton clyde cody cole coleen colleen collin conor consuelo cooper corey cornelius cortez courtney cristal crystal cyrus
daisy dakota dalton damon dana dane danica dante daphne darcy darian darius darla darlene darnell darrell darryl daryl dashiell davis dawson deanna deborah declan deirdre delbert delia della delores demetrius dena denny derek derrick desmond destiny devin devon dewey dexter diego dillon dixie dominga dominique donnie donovan dorian doris dorothea dotty drew duane dustin dwayne dwight
earl easton eben edgar edna edwina effie elaine eldon eleanor elena eli eliana elijah elisa eliza ella ellie elliott ellis elmer eloise elsie elton elvira elvis emerson emery emmett enid enoch enzo ernestine errol esmeralda essie estella estelle ethel etta eugenia eula eunice eva evangeline everett ezekiel
fabian fannie felicity fernando finley finnegan fletcher flora floyd forrest foster frankie franklin freda freddy frederica
gabe gage garland garrett garrison gavin gaylord genevieve geraldine gertie gianna gideon gilberto ginger giovanna gordon gracie grady graham greer gregg griffin gunner gus gwendolyn
hailey haley hallie hamish hank harlan harley harmony harper harrison hattie hayden hazel heath heidi helene henrietta herschel hilary hollis homer hope horace hortense hubert hudson hugh humberto hunter
ignatius imani imogen ingrid irving isaiah isla ivy
jacinda jackson jaden jaiden jaime jalen jameson jamal jana janelle janie jared jarrett jasmine jasper javon jaxon jayla jaylen jeanette jeannie jed jefferson jemima jenna jerald jeremiah jermaine jess jessie jett jillian joanne jocelyn jodi joey johanna johnnie jolene jonah josiah josie joyce judd jude julianne julius june junior justine
kaden kaitlyn kali kane kara karla karson kasey katelyn katharine katrina kay kaylee keaton keegan keenan keisha kelsey kendall kendra kennedy kent kenny kermit kerri khalil kiara kieran kimber kingsley kira kirk kirsten kris kristen kristi kristin kristy krystal kurtis kylie
lacey lamar lance landon lane latoya laurel laverne lawrence layla leanne lenora leroy lester leta lewis lila lillian lilly lincoln lindsey lionel liza logan lola lonnie loretta lottie louie lowell luann lucas lucille luella luther lyle lyndon lynette
mabel mack mackenzie macy madeline madelyn mae maeve maggie malachi malik mallory mamie mandy marcia marcos margie mariah marianne marilyn marisa marissa marjorie marla marlene marlon marsha marshall marvin maryann matilda mattie maude maverick maxine maxwell maynard mckenzie meghan melody melvin mercedes meredith merle micah mickey mildred millie milo minerva minnie miranda misty mitchell molly mona monique monty muriel myra myrna myron
nadine nash nathaniel neal nellie nettie nevaeh nia nico nikki noel noelle nolan norris
odessa odette ollie opal ophelia orlando orville oswald otis
paige pamela parker patsy patti payton pearl penny percy perry peyton philippa phoebe phyllis piper porter preston prudence
quincy quinn
rachael raegan rafe ramona randall randolph raphael reagan reba reggie reginald reid rena rene reuben rex rhett rhoda rhonda ricky riley rita roderick rodney rogelio rolando ronan ronnie rosalie rosario roscoe rosie rowan roxanne royce ruby rudy rufus russ
sabrina sadie sage salvatore sammy sandy santos savannah sawyer selena selina serena seymour shana shane shania shari shawna shelley sherman sheryl sienna sierra silas skylar sloane sonya spencer stacey stanley sterling stewart stuart sybil sydney sylvester
tabitha talia tamika tanner tate teagan ted teddy terrance tess thaddeus theodora theresa thurman tiffany tobias toby tonya tracey travis trent trenton trey trinity tristan trudy tucker tyrone
ulysses uriel
valerie vaughn vernon veronica vickie vicky virgil vivienne
wade walker wallace walt warren waylon webster wendell wesley weston wilbur wilfred willard willis wilma winifred winston wyatt
xander ximena
yvette yara yusuf
zane zara zelda zoey
aarav abhishek ajay akash amrita ananya anjali ankit arjun aruna bhavna chetan dinesh gaurav harish hemant indira jyoti kamala karan kiran krishna lalit madhu mahesh manish meera mohan nandini naveen nisha nitin pallavi pankaj parvati pradeep preeti rajesh ramesh rekha ritu rohan sachin sandeep sanjay saroj shanti shreya shweta siddharth sonal suresh swati tanvi usha varun vinod vivek yash
akua amadou aminata babajide chiamaka chinedu chinonso emeka folake ifeoma kehinde kwabena kwasi nnamdi obinna olumide taiwo temitope uche yewande zanele thabo sipho nomvula lerato themba
arash azadeh behnam dariush farhad farzaneh golnar kourosh leila mahnaz mehdi mina nasrin parisa reza shirin soraya babak
aziz basma dalia fadi farid ghada habib hadi hanan hassan hiba iman jamila karima laila lina majid malak marwan mona nadia nour rami rashid samira sami tamer walid yasmin yousef zaid
anh bao binh chau duc hanh huong khanh linh mai minh ngoc phuong quang thanh thao trang tuan tuyet
chen chun feng hui jian jing lian lin mei qing rong xia xin xue yan yong yun zhen zhou
ji-hoon ji-woo jin jiho jisoo jiwon joon min-jun minho seo-yeon seojun soo-ah yeon young-ho hyun eun-ji
aleksandar bogdan branislav darija dragana goran ivica jovana katarina ljiljana marija milan milica mladen nemanja nikola predrag sanja snezana stefan tijana vesna zeljko zoran
agne aiste aurimas dainius egle giedre gintaras jurgita laima lina mantas tomas vytautas andris anete arturs dace edgars ilze inese janis kristaps maris zane
alexandru andreea bogdan catalina cosmin cristina daniela dragos elena florin gabriela ioana ionut iulia mihaela mircea oana radu raluca sorin stefania teodora valentin vlad
dimitra eleni evangelia georgia giannis ioannis katerina konstantinos maria nikos panagiotis sofia spyros stavros vasilis yannis christos athanasios
ahmet ali ayse berk cansu derya elif emre fatma gizem hakan irem kaan mehmet merve oguz selin sinan tolga ugur yusuf zeynep
bram daan dirk fleur joost joris koen lieke lotte maarten niels pim roel ruud sanne sem stijn thijs wouter
annelies bart elke griet hilde jef jozef luc marc nele pieter sofie wim
aurelien bastien clement corentin damien fabrice gaetan jeremie ludovic mathieu maxime nicolas quentin romain sebastien thibault yannick amandine aurore celine elodie emilie laetitia manon mathilde oceane sandrine severine solene veronique
alessandra alessio andrea angela chiara davide edoardo federica francesca gianni giorgia ilaria lorenzo luca marta matteo michela nicolo paolo pietro roberta sara simone stefania tommaso valerio
adrian alba alvaro ander aitor carla carmen diego elena hugo iker irene javier jorge lucia marcos mario mateo nerea pablo paula raul rocio sergio sofia
siobhan niamh aoife saoirse ciara ciaran eoin oisin padraig seamus sinead orla roisin caoimhe cormac diarmuid fionn grainne mairead tadhg aisling clodagh dermot fergal declan eamon
ana caio diogo felipe gustavo heloisa joao julia larissa leonardo lucas luiza mariana murilo otavio renata rodrigo samuel tatiana vitor
`

const surnamesMoreText = `
abbott acosta adkins aguilar aguirre alexander ali allison alvarado andrade andrews armstrong arnold ashley atkins atkinson austin avila ayala
baldwin ballard barber barker barnett barr barrett barton bates beck becker benjamin benson bentley berry blackburn blair blake blanchard bolton bond bowen bowman boyd boyle bradley brady brennan brewer briggs brock brooks bryan bryant buchanan buckley burgess burke burnett burns burton byrd byrne
cabrera cain caldwell calhoun callahan camacho cameron campos cannon cantu cardenas carey carlson carpenter carr carrillo carroll carson casey castaneda castillo chambers chan chandler chang chapman chavez christensen christian clarke clayton cline cobb cochran cohen cole coleman combs conley conner connolly conrad contreras conway copeland cortez cotton craig crawford cummings cunningham curry curtis
dale dalton daniel daniels daugherty davidson dawson dean decker delacruz deleon delgado dennis dickerson dickson dillon dixon dodson dominguez donaldson donovan dorsey dougherty douglas doyle drake duffy duncan dunlap dunn duran durham dyer
eaton elliott ellis ellison erickson espinoza estrada everett
farmer farrell faulkner ferguson figueroa finch finley fitzgerald fitzpatrick fleming fletcher flynn forbes foley fowler francis franco frank franklin frazier freeman fry fuller
gaines gallagher gallegos galloway garner garrett garrison garza gentry gibbs gibson gilbert giles gill gilmore glenn goodman goodwin gould graves greer gregory griffith grimes guerra guerrero gutierrez guzman
hahn hale haley hampton hancock hanna hanson hardin harding harmon harper harrell harrington hartman harvey hatfield hawkins hayden haynes heath hebert henry hensley herman herrera hess hicks higgins hinton hobbs hodge hodges hogan holcomb holden holloway holt hoover hopkins horton howe howell hubbard huber hudson huff huffman humphrey hunter hurley hurst hutchinson hyde
ingram irwin
jacobson jarvis jefferson jennings jimenez johns johnston joseph joyce juarez
kane kaufman keith keller kemp kent kerr kidd kirby kirk kline knapp knowles knox koch kramer krueger
lane lara larson lawrence lawson leach leblanc leon leonard lester levine lindsey livingston logan lowe lowery lucas luna lynch lynn lyons
macdonald mack mackenzie madden maddox maldonado malone mann manning marks marquez marshall mathews mathis matthews maxwell mayer maynard mays mcbride mccall mccarthy mcclain mcconnell mccormick mccoy mccullough mcdaniel mcdonald mcdowell mcgee mcguire mcintosh mckay mckee mckenzie mckinney mclaughlin mclean mcmahon mcneil medina mejia melendez mendez mendoza mercado merritt meyers michael middleton miles molina monroe montgomery montoya moody mooney moran moreno morrison morrow moses moss mullins munoz murillo
nash navarro neal newman newton nichols nicholson nixon nolan norman norris norton nunez
obrien ochoa oconnor odonnell oliver olson oneal oneill orr osborne owen
pacheco padilla palmer parks parrish parsons patrick patterson patton paul payne pearce pearson pena pennington perkins petty pham phelps pierce pittman pollard poole porter potter pratt preston pruitt pugh
quinn
ramos randall randolph rasmussen ray raymond reese reeves reid reilly rhodes richards richmond riggs riley rios rivas roach robbins robertson robles rocha rodgers rojas rollins rosales rosario ross roth rowe rowland roy rubio russo rutledge
salas salazar salinas sampson sandoval santana santiago saunders sawyer schaefer schroeder schultz schwartz serrano sexton shaffer shannon sharpe shepherd sheppard sherman shields simpson sims singh skinner slater sloan snyder solis sosa soto spears spencer stafford stanley stanton steele stein stephens stephenson stevens stevenson stokes strickland stuart sutton swanson sweeney
tanner tate terrell terry thornton todd townsend tran travis trevino trujillo tucker tyler
underwood valdez valencia valentine vance vargas vasquez vaughan vaughn vazquez vega velasquez velez villanueva vincent
wade walsh walters walton warner warren watkins watts weaver webb webster weeks welch wells wheeler whitaker whitehead whitney wiggins wilcox wilder wilkerson wilkins wilkinson willis wolfe woodard wyatt
york yates zamora zuniga
abe ahmed akhtar ali aziz banerjee bhatt bose chatterjee chaudhry chopra das desai dutta ghosh hussain iyer jain joshi kapoor kaur khan malhotra mehta menon mishra mukherjee nair pandey patil rao reddy saxena shah sharma shetty sinha srinivasan verma
abdullah al-sayed haddad hamdan hassan ibrahim mansour mustafa nasser rahman saleh suleiman yousef
adeyemi afolabi balogun chukwu eze mensah nwosu obi okafor okeke okonkwo oladipo owusu boateng asante
ahn bae cho choi chung han hong hwang jang jeon jeong jung kwon lim seo shin song yoo yoon
cao dang dinh duong huynh lam ngo phan trinh truong
chen cheng chow chu deng ding fan gao guo huang jiang lai liang lin luo pan peng shen sun tan tang wong xie xu yan yeung zhao zheng zhou zhu
bakker bos brouwer dijkstra hendriks jacobs janssens kuipers meijer mulder peeters smit visser vos willems
bertrand blanc bonnet chevalier david dupont durand fournier francois gauthier girard guerin lefebvre lemaire lopez martinez mercier michel morel muller perrin robert rousseau roussel vincent
barbieri benedetti bruno caruso conti costa esposito fabbri ferri fontana galli gallo giordano greco lombardi mancini marino mariani martini moretti morelli rinaldi ricci romano russo santoro serra vitale
alonso blanco cano castro delgado diez dominguez dominguez fuentes gallego garrido gil herrero iglesias lorenzo marin molina montero moreno navarro nunez ortega pascual prieto ramos rubio santos sanz serrano suarez torres vazquez vidal
almeida alves araujo barbosa barros cardoso carvalho correia dias ferreira freitas lima lopes machado marques martins melo mendes monteiro moreira nascimento oliveira pinto ribeiro rocha soares teixeira vieira
bauer baumann beck braun frank friedrich graf haas hahn hartmann herrmann huber jung keller kraft krause kuhn lange lorenz maier mayer neumann peters pohl richter roth sauer schubert schuster seidel sommer stein vogel vogt walter werner winkler wolff ziegler
bergstrom dahl engstrom forsberg gustafsson hedlund holm holmberg isaksson karlsson lund lundgren magnusson nilsson nordin nyberg persson sandberg sjoberg strom svensson wallin hansen johansen kristiansen pedersen rasmussen sorensen halvorsen haugen moen lie dahl korhonen virtanen makinen nieminen heikkinen laine lehtonen koskinen jarvinen
nowak wisniewski wojcik kowalczyk kaminski lewandowski zielinski szymanski wozniak dabrowski kozlowski jankowski mazur krawczyk piotrowski grabowski pawlowski michalski wrobel novotny dvorak cerny prochazka kucera vesely horak nemec pokorny marek svoboda kovac horvath nagy toth szabo kiss molnar varga farkas balogh papp takacs juhasz
ivanov petrov sidorov smirnov kuznetsov popov vasiliev pavlov semenov golubev vinogradov bogdanov fedorov morozov volkov alekseev lebedev kozlov novikov egorov orlov kovalenko shevchenko bondar tkachenko kravchenko oliynyk
papadopoulos georgiou nikolaou dimitriou konstantinou christodoulou ioannou
yilmaz kaya demir sahin celik yildiz yildirim ozturk aydin ozdemir arslan dogan kilic aslan cetin kara koc kurt ozkan simsek
`
