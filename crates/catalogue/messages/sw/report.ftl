## The published report, its maps and charts (keys with underscores).
## { $name } is a value filled in when the report is made; a selector on a number picks the words
## that agree with it ([one] for 1, *[other] for everything else, including a hidden "<5").

title = Njia za usafirishaji haramu wa binadamu na uhamiaji hatari
generated = Imetengenezwa tarehe { $date } kutoka ripoti { $reports } za njia
rounds = Awamu za ukusanyaji: { $rounds }
filtered = Inaonyesha tu: { $filters }
contents = Yaliyomo
sec_summary = Muhtasari
sec_method = Mbinu
sec_locations = Maeneo yenye shughuli nyingi
sec_risk = Hatari kwa kanda
sec_corridors = Njia kuu na vivuko vya mipaka
sec_transport = Usafiri na uajiri
sec_new = Maeneo na njia mpya tangu awamu iliyotangulia
sec_recommendations = Mapendekezo
sec_annex = Majedwali ya nyongeza
sec_sources = Vyanzo vya data na utambuzi
sum_reports = { $orgs ->
        [one] Shirika
       *[other] Mashirika
    } { $orgs } { $orgs ->
        [one] liliwasilisha
       *[other] yaliwasilisha
    } ripoti { $reports } za njia, { $orgs ->
        [one] likikadiria
       *[other] yakikadiria
    } jumla ya waathiriwa { $victims }.
sum_top_role = { $county } ilikuwa kaunti iliyotajwa zaidi kwa { $role }, katika ripoti { $reports } kutoka { $orgs ->
        [one] shirika
       *[other] mashirika
    } { $orgs }.
role_origin = asili
role_transit = kupitia
role_destination = mahali palipokusudiwa
role_exploitation = unyonyaji
sum_top_abroad = Nje ya Kenya, { $country } ilitajwa zaidi kama mahali palipokusudiwa au pa unyonyaji (ripoti { $reports }).
sum_top_type = { $type } ndiyo aina ya unyonyaji iliyoripotiwa zaidi (ripoti { $reports }).
sum_risk = Hatari kwa kanda ilikuwa kubwa zaidi katika { $counties }.
sum_duplicates = Njia { $clusters } ziliripotiwa na zaidi ya shirika moja; kuhesabu kila moja mara moja kunatoa njia { $routes } tofauti.
sum_new_countries = Nchi zilizotajwa kwa mara ya kwanza katika { $round }: { $countries }.
method_who = Ripoti zilitoka kwa { $orgs ->
        [one] shirika
       *[other] mashirika
    } { $orgs } ({ $kinds }) katika awamu { $rounds } za ukusanyaji. Kila ripoti inaelezea njia, si mtu: hakuna taarifa binafsi za manusura zinazokusanywa.
method_places = Majina ya maeneo kama yalivyoripotiwa yalilinganishwa na orodha ya kaunti, miji na vivuko vya mipaka vya Kenya na nchi na miji ya nje; asilimia { $share } ya maeneo yalitambuliwa na { $unresolved ->
        [0] hakuna jina linalosubiri kukaguliwa
        [one] jina 1 linasubiri kukaguliwa
       *[other] majina { $unresolved } yanasubiri kukaguliwa
    }.
method_duplicates = Ripoti za mashirika tofauti zinazoeleza njia ileile ziliwekwa pamoja, hazikuunganishwa; takwimu huhesabu kila kundi mara moja pale ripoti hii inaposema hivyo.
method_risk = Kiwango cha hatari (0 hadi 100) kinachanganya shughuli za asili, kupitia na mahali palipokusudiwa, makadirio ya waathiriwa, idadi ya mashirika yaliyoripoti na njia zilizoripotiwa na mashirika kadhaa. Kila sehemu hukua kwa takwimu za kaunti yenyewe tu.
method_limits = Mapungufu: hizi ni makadirio yaliyoripotiwa na mashirika ya kiraia, si vipimo vya kiwango halisi; maeneo ambayo mashirika wanachama hufanya kazi yameangaziwa zaidi.
method_small_numbers = Idadi kuanzia 1 hadi { $k1 } zinaonyeshwa kama <{ $k } ili kesi moja isiweze kutambuliwa.
county = Kaunti
country = Nchi
place = Mahali
reports = Ripoti
organisations = Mashirika
victims = Waathiriwa (makadirio)
risk = Kiwango cha hatari
band = Kiwango
band_low = chini
band_medium = wastani
band_high = juu
band_very_high = juu sana
corridor = Njia
through = Njia zinazopita
change = Mabadiliko
map_risk = Kiwango cha hatari kwa kaunti
map_roles = Ripoti kwa kaunti: asili, kupitia, mahali palipokusudiwa au unyonyaji
map_flows = Njia kuu ndani ya Kenya
map_world = Njia kwenda na kutoka Kenya
legend_reports = ripoti
legend_no_reports = hakuna ripoti
legend_corridor = njia
border_crossing = kivuko cha mpaka
chart_top_origin = Kaunti zilizotajwa zaidi kama asili
chart_top_transit = Kaunti zilizotajwa zaidi kama njia ya kupitia
chart_top_destination = Kaunti zilizotajwa zaidi kama mahali palipokusudiwa au pa unyonyaji
chart_types = Aina za unyonyaji (ripoti)
chart_transport = Njia za usafiri (ripoti)
chart_recruitment = Njia za kuajiri (ripoti)
chart_change = Mabadiliko ya hatari kwa kaunti, { $from } hadi { $to }
chart_heat = Njia ya kuajiri kwa aina ya unyonyaji (ripoti)
no_trend = Awamu moja tu ya ukusanyaji imejumuishwa, kwa hiyo hakuna mabadiliko ya kuonyesha.
none = hakuna
corroborated = mashirika { $n }
single_source = shirika moja
crossings = Vivuko vya mipaka vilivyotajwa kama njia za kupitia
annex_counties = Kaunti zote 47
annex_countries = Nchi
sources_text = Ripoti za njia zilizowasilishwa na mashirika wanachama wa mtandao. Data ya maeneo: GeoNames (geonames.org, CC BY 4.0). Mipaka ya kaunti: © wachangiaji wa OpenStreetMap (ODbL 1.0), imekusanywa na Mike Ondieki (MIT). Mipaka ya nchi: Natural Earth (kikoa cha umma). Imetengenezwa na vjt.
figure_n = Kielelezo { $n }
page_of = Ukurasa { $n } kati ya { $total }
attribution_short = © wachangiaji wa OpenStreetMap (ODbL), Natural Earth, GeoNames (CC BY 4.0)

## Ripoti ya toleo: takwimu ambazo toleo linachapisha, baada ya udhibiti wa ufichuzi.
rel_meta = Toleo { $id }, nakala ya { $version }, lilitengenezwa { $date }
rel_rounds = Awamu za ukusanyaji: { $rounds }
rel_threshold = Idadi kuanzia 1 hadi chini ya { $k } zinaonyeshwa kama “<{ $k }*”; baadhi ya kubwa zaidi zimefichwa pamoja nazo (*)
rel_sec_summary = Muhtasari
rel_summary = Mashirika ya mtandao yaliripoti njia { $reports }, zenye makadirio ya waathiriwa { $victims } kwa jumla.
rel_sec_counties = Kaunti
rel_map_origin = Ripoti kwa kaunti ya asili
rel_map_exploitation = Ripoti kwa kaunti ya unyonyaji
rel_col_county = Kaunti
rel_col_victims_origin = Waathiriwa (asili)
rel_sec_corridors = Mikondo
rel_col_from = Kutoka
rel_col_to = Hadi
rel_col_victims = Waathiriwa
rel_listed = Mikubwa { $n } kati ya { $all } imeorodheshwa hapa; { $file } ina yote.
rel_sec_places = Maeneo
rel_col_place = Eneo
rel_sec_countries = Nchi nje ya Kenya
rel_col_country = Nchi
rel_sec_method = Mbinu na udhibiti wa ufichuzi
rel_method = Mashirika ya kiraia ya mtandao yaliripoti njia wanazozijua kutokana na kazi yao na manusura na watu walio hatarini: safari zilipoanzia, zilipopitia, zilipokusudiwa kuishia na mahali unyonyaji ulipotokea. Kila ripoti inahesabiwa mara moja kwa kila dhima katika kila kaunti au nchi inayoitaja. Ripoti ambazo mratibu alizikataa haziko hapa. Ripoti si kesi za mtu mmoja mmoja: njia moja inaweza kuwakilisha watu kadhaa, na mashirika kadhaa yanaweza kuripoti njia moja.
rel_disclosure = Ili kuwalinda manusura na mashirika yanayoripoti, kila idadi kuanzia 1 hadi { $k1 } imefichwa, waathiriwa wamefichwa popote ripoti zao zilipofichwa, na katika kila safu angalau takwimu nyingine moja ya { $big } au zaidi imefichwa kando ya ndogo, ili takwimu iliyofichwa isiweze kukokotolewa kutokana na nyingine au jumla. Hatari imetolewa kama kiwango tu. Hakuna maandishi ya mwandishi wa ripoti wala shirika linalotajwa.
rel_withheld = Jumla zilizozuiliwa kwa sababu zingefichua takwimu iliyofichwa: { $totals }.
rel_verify = Toleo hili limesainiwa na mtandao. Orodha yake inataja kila faili na hundi yake ya SHA-256; “vjt release verify FOLDA” hukagua faili na sahihi.
