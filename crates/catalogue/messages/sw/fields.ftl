## Sehemu za ripoti ya njia: majina na maelezo kwenye fomu, kiolezo na jumbe.

field-report_id = Namba yako ya kumbukumbu ya njia hii
field-organisation = Shirika
field-round = Awamu ya ukusanyaji
field-origin = Asili
field-transit = Mahali palipopitiwa
field-intended_destination = Mahali palipokusudiwa
field-exploitation_place = Mahali pa unyonyaji
field-exploitation_types = Aina za unyonyaji
field-sectors = Sekta
field-transport_modes = Usafiri
field-recruitment_methods = Jinsi watu walivyoajiriwa
field-recruiter_relationship = Nani aliwaajiri
field-victims = Makadirio ya idadi ya watu
field-female = Wanawake
field-male = Wanaume
field-children = Chini ya miaka 18
field-adults = Miaka 18 au zaidi
field-period_start = Mwezi wa kwanza kuonekana
field-period_end = Mwezi wa mwisho kuonekana
field-source = Mnajuaje
field-confidence = Mna uhakika kiasi gani
field-notes = Maelezo

hint-report_id = Si lazima. Iweke ili kusasisha njia hii baadaye badala ya kuongeza mpya.
hint-origin = Lazima: mji, kaunti au nchi ambapo safari ilianzia.
hint-transit = Mahali pamoja kwa kila mstari, kwa mpangilio watu walivyopita.
hint-intended_destination = Mahali watu walipoambiwa wanakwenda. Hapa au mahali pa unyonyaji panahitajika.
hint-exploitation_place = Mahali unyonyaji ulipotokea, ikiwa panajulikana.
hint-victims = Idadi ya watu mnaowajua kwenye njia hii, ikiwa inajulikana.
hint-notes = Kuhusu njia tu: kamwe si majina, namba za simu wala namba za vitambulisho.

## Kipande cha maandishi ni nini, katika jumbe kukihusu.
what-organisation-name = jina la shirika
what-round-name = jina la awamu
what-place = mahali
what-report-id = namba ya kumbukumbu
what-notes = maelezo

## Orodha za maneno, katika jumbe kuzihusu.
vocabulary-exploitation-type = aina ya unyonyaji
vocabulary-sector = sekta
vocabulary-transport-mode = njia ya usafiri
vocabulary-recruitment-method = njia ya kuajiri
vocabulary-recruiter-relationship = uhusiano na aliyeajiri
vocabulary-source-of-knowledge = chanzo cha taarifa
vocabulary-confidence-level = kiwango cha uhakika
vocabulary-review-status = hali ya ukaguzi
vocabulary-organisation-kind = aina ya shirika
vocabulary-role = jukumu
vocabulary-stop-role = sehemu ya safari
