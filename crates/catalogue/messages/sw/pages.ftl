## Kurasa za wavuti.

layout-skip = Ruka hadi kwenye maudhui
layout-nav = Kuu
layout-sign-out = Toka
layout-footer = vjt, Kifuatiliaji huru cha safari za waathiriwa: njia, kamwe si watu.

nav-dashboard = Dashibodi
nav-reports = Ripoti
nav-new-route = Njia mpya
nav-review = Ukaguzi
nav-import = Ingiza
nav-admin = Usimamizi

signin-title = Ingia
signin-tagline = Kifuatiliaji cha safari za waathiriwa: njia ambazo mtandao wenu umekutana nazo, zikishirikiwa kwa usalama.
signin-email = Barua pepe
signin-password = Nenosiri
signin-button = Ingia
signin-wrong = Barua pepe au nenosiri si sahihi.
signin-locked = Majaribio mengi mno yameshindwa kutoka hapa. Subiri { $minutes ->
    [one] dakika moja
   *[other] dakika { $minutes }
} kisha ujaribu tena, au umwombe msimamizi wako afungue akaunti yako.
signin-signed-out = Umetoka. Rasimu zilizohifadhiwa kwenye kifaa hiki zimeondolewa.

error-not-found = Ukurasa haupatikani
error-not-found-text = Hakuna ukurasa kama huu, au si ukurasa unaoruhusiwa kuuona.
error-refused = Hairuhusiwi
error-refused-text = Ombi hili limekataliwa.
error-busy = Seva ina shughuli
error-busy-text = Seva ina kazi nyingine (uingizaji mkubwa?). Jaribu tena baada ya muda mfupi.
error-server = Kuna hitilafu
error-server-text = Seva haikuweza kumaliza ombi hili. Limeandikwa kwenye kumbukumbu; likitokea tena, mpe mratibu wa mtandao namba iliyo hapa chini.
error-too-large = Kubwa mno
error-too-large-text = Kilichotumwa ni kikubwa kuliko seva inavyokubali.
error-bad-request = Haiwezekani
error-bad-request-text = Ombi halikueleweka.
error-request-id = Namba ya ombi:
error-home = Rudi mwanzo
error-csrf = Fomu imeisha muda wake au haikutoka kwenye tovuti hii. Pakia ukurasa upya na ujaribu tena.
error-cross-site = Ombi kutoka tovuti nyingine limekataliwa.

place-kind-world_region = kanda ya dunia
place-kind-country = nchi
place-kind-province = kanda
place-kind-county = kaunti
place-kind-sub_county = kaunti ndogo
place-kind-town = mji
place-kind-neighbourhood = mtaa
place-kind-city = jiji
place-kind-border_crossing = kivuko cha mpaka
place-kind-seaport = bandari
place-kind-airport = uwanja wa ndege

dash-title = Dashibodi
dash-filters = Vichujio
dash-round = Awamu
dash-all = zote
dash-from = Kuanzia
dash-to = Hadi
dash-exploitation = Aina ya unyonyaji
dash-show = Onyesha
dash-showing = Kinachoonyeshwa:
dash-filter-all-rounds = awamu zote
dash-filter-round = awamu { $round }
dash-filter-period = zilizoonekana kati ya { $from } na { $to }
dash-download = Pakua:
dash-report-html = ripoti kamili (HTML)
dash-report-pdf = ripoti kamili (PDF)
dash-figures-json = takwimu (JSON)
dash-reports-csv = ripoti (CSV)
dash-generated = Takwimu kutoka ripoti { $reports } za njia.
dash-figure-reports = ripoti za njia
dash-figure-routes = njia tofauti
dash-figure-organisations = mashirika yaliyoripoti
dash-figure-victims = watu kwenye njia hizi (makadirio)
dash-map-caption = Kaunti zimetiwa rangi kwa kiwango chao cha hatari; kaunti zisizo na ripoti zimeachwa wazi. Kila kaunti imeorodheshwa kwenye jedwali hapa chini.
dash-counties = Kaunti
dash-counties-caption = Kaunti zote 47, zenye hatari kubwa kwanza; fungua kaunti kuona njia na maeneo yake.
dash-destination = mahali palipokusudiwa au pa unyonyaji
dash-no-reports = hakuna ripoti
dash-corridors = Njia kuu
dash-no-corridors = Hakuna njia kuu iliyoripotiwa bado.
dash-from-place = Kutoka
dash-to-place = Kwenda

county-title = Kaunti ya { $name }
county-standing = Kiwango cha hatari { $score } kati ya 100 ({ $band }): nafasi ya { $rank } kati ya kaunti { $of } zenye ripoti. Kanda: { $region }.
county-no-activity = Hakuna njia unayoweza kuona inayogusa kaunti hii. Kanda: { $region }.
county-by-role = Ripoti kwa nafasi
county-as = Kama
county-as-origin = Asili
county-as-transit = Kupitia
county-as-destination = Mahali palipokusudiwa
county-as-exploitation = Mahali pa unyonyaji
county-parts = Kiwango cha hatari kimetokana na nini
county-part = Sehemu
county-points = Alama
county-part-origin = Imeripotiwa kama asili
county-part-transit = Imeripotiwa kama kituo cha kupitia
county-part-destination = Imeripotiwa kama mahali palipokusudiwa au pa unyonyaji
county-part-victims = Makadirio ya watu
county-part-organisations = Mashirika yaliyoiripoti
county-part-corroborated = Njia zilizoripotiwa na mashirika kadhaa
county-from-here = Njia zinazoanzia hapa
county-to-here = Njia zinazoishia hapa
county-places = Maeneo ndani ya kaunti

form-new-title = Njia mpya
form-names-checked = Nimekagua: maneno yaliyoonyeshwa kwenye maelezo si majina ya watu.
form-edit-title = Njia #{ $id }
form-group-route = Njia
form-group-what = Kilichotokea
form-group-people = Watu kwenye njia hii (idadi tu)
form-group-when = Lini
form-group-knowledge = Mnajuaje
form-required-note = inaonyesha kinachohitajika kwa kila njia.
form-problems = { $n ->
        [one] Jambo 1 linahitaji kurekebishwa kabla njia haijahifadhiwa
       *[other] Mambo { $n } yanahitaji kurekebishwa kabla njia haijahifadhiwa
    }
form-draft-restored = Rasimu iliyohifadhiwa kwenye kifaa hiki imerejeshwa.
form-draft-discard = Ifute
form-check = Kagua maeneo
form-save = Hifadhi njia
form-county = Kaunti ya { $name }
form-place-unknown = → bado haijatambuliwa: itahifadhiwa kama ilivyoandikwa na mratibu ataamua
form-place-check = → imesomwa kama { $place }: ndivyo ulivyokusudia? Kama sivyo, andika mji au nchi jinsi ilivyoandikwa kwenye ramani

reports-title = Ripoti
reports-count = Ripoti { $n }.
reports-none = Bado hakuna ripoti.
reports-route = Njia
reports-reference = Kumbukumbu
reports-status = Hali
reports-changed = Ilibadilishwa mwisho
reports-newest = Mpya zaidi
reports-older = Ripoti za zamani zaidi
reports-search = Tafuta (mahali, kumbukumbu au nambari)
reports-find = Tafuta
reports-clear = Onyesha zote
reports-any-status = Hali yoyote
reports-matching = { $n ->
        [one] Ripoti 1 inalingana.
       *[other] Ripoti { $n } zinalingana.
    }
reports-none-matching = Hakuna ripoti inayolingana. Jaribu sehemu ya jina la mahali, kama lilivyoandikwa.

report-updated = Mabadiliko yamehifadhiwa.
report-saved = Njia imehifadhiwa.
report-screened = Namba za simu, anwani za barua pepe au namba za vitambulisho ziliondolewa kwenye ulichoandika: vjt haihifadhi taarifa binafsi.
report-added = iliongezwa
report-changed = ilibadilishwa mwisho
report-history = Historia
report-when = Lini
report-what = Nini
report-by = Na nani
report-no-history = Hakuna mabadiliko yaliyorekodiwa.
report-edit = Hariri
history-created = iliundwa
history-updated = ilisasishwa
history-status = ukaguzi: { $status }

review-title = Ukaguzi
review-reports = Ripoti za kukagua
review-waiting = { $n ->
        [one] Ripoti 1 inasubiri ukaguzi.
       *[other] Ripoti { $n } zinasubiri ukaguzi.
    }
review-showing = Zinaonyeshwa { $from }–{ $to } kati ya { $total }, za zamani kwanza.
review-next = Ripoti { $n } zinazofuata
review-first = Rudi kwa za zamani zaidi
review-order = Mpangilio
review-oldest-first = Za zamani kwanza
review-newest-first = Mpya kwanza
review-showing-newest = Zinaonyeshwa { $from }–{ $to } kati ya { $total }, mpya kwanza.
review-first-newest = Rudi kwa mpya zaidi
review-duplicates-intro = Njia zinazofanana, zilizoripotiwa na mashirika tofauti. Zilinganishe safu kwa safu: njia moja ikihesabiwa mara mbili huongeza takwimu; njia tofauti huwekwa kando.
review-cluster = Huenda ni nakala { $n }
review-reported-by = Imeripotiwa na
review-kinds = Unyonyaji
review-filter = Onyesha
review-organisation = Shirika
review-round = Awamu
review-any-organisation = Kila shirika
review-any-round = Kila awamu
review-any-status = Zinazosubiri (zilizotumwa au zinazohitaji ukaguzi)
review-reason = Sababu ya kukataa (mwandishi ataisoma)
review-reason-needed = Eleza kwa nini ripoti imekataliwa: mwandishi husoma sababu na anaweza kurekebisha ripoti.
review-details = { $org }, { $round }; { $people }
review-people = watu { $n }
review-unknown-count = idadi ya watu haikukadiriwa
review-done-verified = Ripoti #{ $id } imethibitishwa.
review-done-rejected = Ripoti #{ $id } imekataliwa; mwandishi wake ataona sababu yako.
history-status-reason = ukaguzi: { $status }. Sababu: { $reason }
review-nothing = Hakuna cha kukagua: kila ripoti imethibitishwa au kukataliwa.
review-decision = Uamuzi
review-verify = Thibitisha
review-reject = Kataa
review-places = Maeneo yasiyotambuliwa
review-places-count = { $n ->
        [one] Jina 1 la mahali bado halijatambuliwa.
       *[other] Majina { $n } ya maeneo bado hayajatambuliwa.
    }
review-places-none = Kila jina la mahali limetambuliwa.
review-place-as-written = Kama ilivyoandikwa
review-means = Maana yake ni
review-decide = Amua
review-no-guess = hakuna pendekezo
review-search = au andika mahali
review-remove = Si mahali: iondoe (taarifa binafsi)
review-search-not-found = Hakuna mahali panapolingana vya kutosha na '{ $search }'. Yaliyo karibu: { $nearest }. Andika mojawapo ya haya, kaunti, au nchi.
review-duplicates = Ripoti zinazoonekana kuwa njia moja
review-duplicates-none = Hakuna njia zilizoripotiwa na zaidi ya shirika moja zinazosubiri uamuzi.
review-duplicate-reports = Ripoti
review-and-more = na { $n } zaidi
review-same = Njia ileile
review-different = Njia tofauti
review-bad-decision = Uamuzi huo si mojawapo ya chaguo zilizo kwenye ukurasa.
review-no-such-place = '{ $place }' si mahali panapojulikana na vjt.

import-title = Ingiza
import-checked-title = Ingiza: imekaguliwa
import-done-title = Ingiza: imekamilika
import-intro = Mafaili ya CSV au Excel katika mpangilio wa kiolezo, mauzo ya KoBoToolbox au ODK Central (pamoja na karatasi au mafaili yao ya vikundi vinavyojirudia, au .zip ya ODK Central kama ilivyopakuliwa), au majedwali ya CTDC au UNODC. Kwanza unaona kitakachoingizwa na kila tatizo, seli kwa seli; hakuna kinachohifadhiwa hadi uthibitishe.
import-files = Mafaili
import-organisation = Shirika, kwa safu zisizo na shirika
import-round = Awamu, kwa safu zisizo na awamu
import-names-checked = Nimekagua maelezo yaliyokataliwa kwa kuwa na majina ya watu yanayowezekana: maneno hayo si majina.
import-from-file = — kutoka kwenye faili —
import-check = Kagua mafaili
import-nothing-written = Imekaguliwa; hakuna kilichohifadhiwa bado.
import-done = Imeingizwa.
import-summary-check = Safu { $read } zimesomwa: { $added } zingeongezwa, { $updated } zingesasishwa, { $unchanged } hazijabadilika, { $rejected } zimekataliwa, { $skipped } zimerukwa.
import-summary-done = Safu { $read } zimesomwa: { $added } zimeongezwa, { $updated } zimesasishwa, { $unchanged } hazijabadilika, { $rejected } zimekataliwa, { $skipped } zimerukwa.
import-screened = { $n ->
        [one] Safu 1 iliondolewa taarifa binafsi.
       *[other] Safu { $n } ziliondolewa taarifa binafsi.
    }
import-problems = Matatizo, seli kwa seli
import-row = Safu
import-column = Safu wima
import-value = Thamani
import-problem = Tatizo
import-more-problems-check = Matatizo ya kwanza yanaonyeshwa; kuingiza kunaandika faili lenye kila safu iliyokataliwa.
import-more-problems-done = Matatizo ya kwanza yanaonyeshwa; faili la safu zilizokataliwa lina yote.
import-download-rejects = Pakua safu zilizokataliwa (zirekebishe na uingize faili hilo tena)
import-unresolved = Majina ya maeneo yasiyotambuliwa (yameingizwa kama yalivyoandikwa, ya kuamuliwa kwenye ukaguzi):
import-ignored = Safu wima zisizotumika:
import-confirm = { $n ->
        [one] Ingiza safu 1
       *[other] Ingiza safu { $n }
    }
import-again = Anza upya
import-to-review = Nenda kwenye ukaguzi
import-more = Ingiza zaidi
import-no-file = Hakuna faili lililochaguliwa.
import-too-many-files = Mafaili { $max } tu yanaweza kutumwa kwa wakati mmoja.
import-too-large = Mafaili kwa pamoja ni makubwa kuliko MiB { $mib }; yagawanye.
import-upload-broken = Upakiaji haukufika wote; tuma mafaili tena.
import-no-such-organisation = hakuna shirika linaloitwa '{ $name }'

admin-title = Usimamizi
admin-organisations = Mashirika
admin-rounds = Awamu za ukusanyaji
admin-users = Watumiaji
admin-name = Jina
admin-kind = Aina
admin-country = Nchi (msimbo wa ISO)
admin-from = Kuanzia
admin-to = Hadi
admin-email = Barua pepe
admin-organisation = Shirika
admin-role = Jukumu
admin-state = Hali
admin-actions = Vitendo
admin-active = hai
admin-disabled = imezimwa
admin-enable = Washa
admin-disable = Zima
admin-first-password = Nenosiri la kwanza (herufi 10 au zaidi)
admin-add-organisation = Ongeza shirika
admin-add-round = Ongeza awamu
admin-add-user = Ongeza mtumiaji
admin-done-organisation = Shirika limeongezwa.
admin-done-round = Awamu imeongezwa.
admin-done-user = Mtumiaji ameongezwa; mpe nenosiri lake ana kwa ana au kwa njia nyingine.
admin-done-disabled = Mtumiaji amezimwa; vikao na tokeni zake vimeisha.
admin-done-enabled = Mtumiaji anaweza kuingia tena.
admin-done-unlocked = Majaribio ya kuingia yaliyoshindwa yamesahaulika; mtumiaji anaweza kuingia kutoka popote mara moja.
admin-unlock = Fungua ({ $failures ->
    [one] jaribio moja lililoshindwa
   *[other] majaribio { $failures } yaliyoshindwa
})
admin-field-problem = { $field }: { $reason }
admin-organisation-exists = shirika linaloitwa '{ $name }' tayari lipo
admin-round-exists = awamu inayoitwa '{ $name }' tayari ipo
admin-not-an-email = '{ $email }' si anwani ya barua pepe
admin-cannot-grant = huwezi kutoa jukumu la '{ $role }'
admin-not-your-organisation = huwezi kuongeza watumiaji kwenye '{ $name }'
admin-user-exists = mtumiaji mwenye barua pepe '{ $email }' tayari yupo
form-place-suggest = → haijatambuliwa; ulimaanisha: { $names }?

## Matoleo: kile ambacho mtandao unashiriki na serikali na wafadhili.
nav-releases = Matoleo
releases-title = Matoleo
releases-intro = Toleo ni kifurushi kisichobadilika na kilichosainiwa cha takwimu za mtandao, kilichokaguliwa ili manusura wala shirika lolote lisiweze kutambuliwa: ripoti, majedwali kwa lahajedwali na HDX (CSV zenye alama za HXL), ramani (GeoJSON) na faili za DHIS2.
releases-none = Hakuna toleo lililochapishwa bado.
releases-release = Toleo
releases-made = Lilitengenezwa
releases-rounds = Awamu
releases-status = Hali
releases-current = Linatumika
releases-withdrawn = Limeondolewa
releases-new = Chapisha toleo
releases-new-help = Toleo linatengenezwa kutokana na data ilivyo sasa, kwa awamu zilizochaguliwa, na haliwezi kubadilishwa baadaye; marekebisho ni toleo jipya.
releases-threshold = Ficha idadi zilizo chini ya
releases-title-field = Kichwa (si lazima)
releases-create = Tengeneza toleo
releases-read-report = Soma ripoti
releases-files = Faili
releases-file = Faili
releases-size = Ukubwa
releases-check = Kukagua toleo
releases-check-help = Kila faili imeorodheshwa na hundi yake ya SHA-256 katika manifest.json, ambayo mtandao huisaini. Yeyote anaweza kukagua toleo alilopakua kwa “vjt release verify FOLDA --key UFUNGUO” akitumia ufunguo wa umma wa mtandao:
releases-withdraw = Ondoa toleo hili
releases-reason = Sababu ya kuliondoa
releases-reason-needed = Eleza sababu ya kuondoa toleo.
releases-done-created = Toleo limetengenezwa.
releases-done-withdrawn = Toleo limeondolewa. Limehifadhiwa, likiwa na alama ya kuondolewa.
releases-bad-threshold = Kiwango lazima kiwe namba kamili kuanzia 2 hadi 100, si “{ $value }”.
releases-refused = Toleo halikutengenezwa: { $reason }

account-title = Akaunti yako
account-password = Badilisha nenosiri lako
account-password-intro = Vipindi na tokeni zako nyingine huisha unapolibadilisha; kipindi hiki kinabaki.
account-current = Nenosiri la sasa
account-new = Nenosiri jipya
account-new-hint = Angalau herufi 10; kifungu cha maneno machache ni rahisi kukumbuka na kigumu kukisia. Si barua pepe yako wala nenosiri la kawaida.
account-again = Nenosiri jipya tena
account-change = Badilisha nenosiri
account-changed = Nenosiri lako limebadilishwa. Vipindi na tokeni zako nyingine zimeisha.
account-differ = Manenosiri mawili mapya hayafanani; andika lilelile mara mbili.
account-wrong-current = Nenosiri la sasa si sahihi.
admin-reset = Weka nenosiri jipya
admin-reset-title = Nenosiri jipya
admin-reset-done = { $email } ana nenosiri jipya: { $password } — mpe ana kwa ana au kwa njia nyingine, mara moja. Ametolewa kila mahali na anapaswa kulibadilisha kwenye akaunti yake.
admin-back = Rudi kwa usimamizi
