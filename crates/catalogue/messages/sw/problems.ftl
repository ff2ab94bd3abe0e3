## Kosa katika kitu ambacho mtu aliandika, na jinsi ya kulirekebisha.

text-empty = { $what } ni tupu
text-too-long = { $what } lina herufi { $len }; kikomo ni { $max }
text-control-character = { $what } lina herufi ya udhibiti
country-code-invalid = '{ $value }' si msimbo wa nchi wa ISO wa herufi mbili (kwa mfano KE, UG, SA)
date-invalid = '{ $value }' si tarehe; iandike kama YYYY-MM-DD, kwa mfano 2020-03-31
round-ends-before-start = awamu inaisha ({ $end }) kabla ya kuanza ({ $start })
month-invalid = '{ $value }' si mwezi; uandike kama YYYY-MM (kwa mfano 2020-03) au YYYY-MM-DD
journey-no-end = njia inahitaji mahali palipokusudiwa au mahali pa unyonyaji (au vyote viwili)
journey-origin-count = njia ina asili moja tu; zimepatikana { $found }
journey-repeated-role = njia ina { $role } kimoja tu
journey-out-of-order = vituo haviko kwa mpangilio wa safari: { $later } kinakuja kabla ya { $earlier }
journey-too-many-transits = njia ina vituo vya kupitia { $max } tu; vimepatikana { $found }
term-unknown = '{ $value }' si { $vocabulary } inayojulikana
term-unknown-suggest = '{ $value }' si { $vocabulary } inayojulikana (ulimaanisha: { $suggestions }?)
report-period-backwards = kipindi kinaisha ({ $end }) kabla ya kuanza ({ $start })
report-victims-both = imetoa makadirio na pia idadi ndogo iliyofichwa; toa kimoja tu
report-gender-sum = wanawake, wanaume na wengine wanafikia { $sum }, zaidi ya watu { $victims } walioripotiwa
report-age-sum = watoto na watu wazima wanafikia { $sum }, zaidi ya watu { $victims } walioripotiwa

## Kuhusu thamani ya sehemu moja: huonyeshwa baada ya thamani ("'lots' si namba kamili").
cell-organisation-empty = ni tupu; taja shirika lililoripoti njia hii
cell-organisation-unknown = si shirika lililosajiliwa; mratibu wa mtandao husajili mashirika
cell-round-empty = ni tupu; taja awamu ya ukusanyaji
cell-round-unknown = si awamu ya ukusanyaji inayojulikana; mratibu wa mtandao huongeza awamu
cell-reference-personal = ina kinachoonekana kuwa taarifa binafsi (namba ya simu, barua pepe au kitambulisho); tumia namba yenu ya kumbukumbu, au acha wazi
cell-refused = haiwezi kutumika: { $reason }
cell-origin-empty = ni tupu; kila njia inahitaji mahali ilipoanzia
cell-transit-empty-item = ina mahali patupu; tenganisha vituo vya kupitia kwa ';' moja
cell-end-empty = ni tupu, na mahali pa unyonyaji pia; njia inahitaji angalau kimoja
cell-unknown-choice = si { $vocabulary } inayojulikana
cell-unknown-choice-suggest = si { $vocabulary } inayojulikana; ulimaanisha { $suggestions }?
cell-withheld-count = si idadi iliyofichwa; iandike kama <5 (chini ya tano)
cell-count-negative = ni hasi; toa namba kamili ya 0 au zaidi, au acha wazi ikiwa haijulikani
cell-count-too-large = zaidi ya watu { $max } katika ripoti moja ya njia; kagua nambari (je, nambari ya kitambulisho au simu iliandikwa hapa?)
cell-count-not-number = si namba kamili; toa namba kama 12, au acha wazi ikiwa haijulikani
cell-month = si mwezi; andika YYYY-MM (kwa mfano 2020-03) au YYYY-MM-DD
cell-place-refused = haiwezi kutumika kama mahali: { $reason }
cell-notes-refused = haiwezi kuhifadhiwa: { $reason }
cell-notes-names = '{ $names }' huenda ni jina la mtu. Majina ya manusura, au ya mtu yeyote, hayapaswi kuandikwa hapa: liondoe. Ikiwa si jina la mtu, sema hivyo (kisanduku chini ya maelezo, au --names-checked unapoingiza).
cell-duplicate-reference = imetumika tena (mara ya kwanza kwenye safu { $first }); kila ripoti ya shirika inahitaji namba yake ya kumbukumbu
cell-unodc-count = si idadi ya waathiriwa
cell-unknown-country-code = si msimbo wa nchi unaojulikana na vjt
cell-not-a-year = si mwaka
cell-citizenship-empty = ni tupu: uraia haujatolewa

## Kilichoonekana kuhusu faili lililoingizwa kwa ujumla.
observed-unodc-withheld = Idadi { $count } zilifichwa na UNODC kama '<5' na zimehifadhiwa kama 'chini ya 5'
observed-unodc-questionnaire = Safu { $count } zilikuwa na namba za seli za dodoso (kama Q6.1_10s_2019) badala ya uraia na ziliachwa
observed-unodc-damaged = Thamani { $count } za uraia zina herufi zilizoharibika (�) na huenda zisitambuliwe
observed-platform-rejected = Majibu { $count } yalikataliwa kwenye KoBoToolbox au ODK Central na hayakuingizwa
observed-transit-missing = Faili hili halina vituo vya kupitia: faili za CSV za KoBoToolbox haziweki vikundi vinavyojirudia, na ODK Central huviweka katika faili lake. Toa XLSX kutoka KoBoToolbox, au toa .zip nzima ya ODK Central (au CSV ya vituo pamoja na ile kuu), ili kuviingiza
observed-transit-split = Vipengele { $count } vya vituo vya kupitia vilitaja maeneo kadhaa na vikawa kituo kimoja kwa kila eneo
observed-unodc-zero = Safu { $count } ziliripoti waathiriwa 0 waliogunduliwa na hazitoi njia

## Vichujio vya uchambuzi, dashibodi au ripoti.
filter-no-such-round = hakuna awamu ya ukusanyaji inayoitwa '{ $name }'
filter-period-backwards = kipindi kinaisha ({ $to }) kabla ya kuanza ({ $from }); chagua mwezi wa mwisho ulio baada ya wa kwanza

## Mafaili yasiyoweza kuingizwa.
import-missing-columns = { $file }: safu zinazokosekana: { $missing }; kichwa kina: { $found }
import-file-problem = { $file }: { $reason }
import-needs-org-round = data ya { $what } haitaji shirika lililoripoti wala awamu: yachague kwa faili zima (--org na --round kwenye mstari wa amri)
import-reader-failed = uzi wa kusoma ulishindwa
import-loose-repeat = ni jedwali la kikundi kinachojirudia (lina _parent_index au PARENT_KEY) lakini hakuna jedwali kuu la KoBo/ODK lililotolewa pamoja nalo
import-database = hifadhidata ilishindwa: { $reason }
import-rejects-unwritable = haiwezi kuandika faili la safu zilizokataliwa { $file }: { $reason }
source-unreadable = haiwezi kusoma { $file }: { $reason }
source-empty = { $file }: faili ni tupu
source-unsupported-type = { $file }: mafaili ya '{ $ext }' hayakubaliwi; tumia .csv, .xlsx au .xls
source-no-such-sheet = { $file }: hakuna karatasi inayoitwa '{ $sheet }' (karatasi: { $available })
source-bad-row = { $file }, safu { $row }: { $reason }
source-limit-columns = { $file }, safu { $row }: safuwima zaidi ya { $limit }; jedwali la njia lina safuwima kadhaa tu. Ondoa safuwima za ziada ujaribu tena
source-limit-cell = { $file }, safu { $row }: kisanduku kina herufi zaidi ya { $limit } (kiwango cha juu cha kisanduku cha jedwali); kifupishe ujaribu tena
source-limit-cells = { $file }: visanduku vilivyojazwa zaidi ya { $limit } kwenye karatasi; gawanya faili uingize sehemu moja moja
source-limit-parts = { $file }: kitabu cha kazi kina sehemu zaidi ya { $limit }; kihifadhi upya kutoka kwa programu yako ya jedwali
source-limit-unpacked = { $file }: kitabu cha kazi kinafunguka kuwa zaidi ya MiB { $limit }, zaidi sana ya jedwali la njia; kihifadhi upya kutoka kwa programu yako ya jedwali, au kama CSV

## Manenosiri.
password-too-short = nenosiri ni fupi mno: tumia angalau herufi { $min }
password-too-simple = nenosiri ni herufi moja inayorudiwa au ni tupu; chagua kifungu kigumu kukisia
password-is-email = nenosiri ni anwani ya barua pepe; chagua kitu kingine
password-common = nenosiri ni mojawapo ya manenosiri yanayovuja mara nyingi zaidi; chagua kifungu chako mwenyewe
