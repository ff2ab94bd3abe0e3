## The published report, its maps and charts (keys with underscores).
## { $name } is a value filled in when the report is made; a selector on a number picks the words
## that agree with it ([one] for 1, *[other] for everything else, including a hidden "<5").

title = Trafficking and high-risk migration routes
generated = Made on { $date } from { $reports } route { $reports ->
        [one] report
       *[other] reports
    }
rounds = Collection rounds: { $rounds }
filtered = Showing only: { $filters }
contents = Contents
sec_summary = Executive summary
sec_method = Methodology
sec_locations = High-activity locations
sec_risk = Regional risk
sec_corridors = Corridors and border crossings
sec_transport = Transport and recruitment
sec_new = New places and routes since the previous round
sec_recommendations = Recommendations
sec_annex = Annex tables
sec_sources = Data sources and attribution
sum_reports = { $orgs } { $orgs ->
        [one] organisation
       *[other] organisations
    } submitted { $reports } route { $reports ->
        [one] report
       *[other] reports
    }, estimating { $victims } { $victims ->
        [one] victim
       *[other] victims
    } in all.
sum_top_role = { $county } was the most reported county of { $role }, in { $reports } { $reports ->
        [one] report
       *[other] reports
    } from { $orgs } { $orgs ->
        [one] organisation
       *[other] organisations
    }.
role_origin = origin
role_transit = transit
role_destination = intended destination
role_exploitation = exploitation
sum_top_abroad = Outside Kenya, { $country } was named most often as a destination or place of exploitation ({ $reports } { $reports ->
        [one] report
       *[other] reports
    }).
sum_top_type = { $type } was the most reported form of exploitation ({ $reports } { $reports ->
        [one] report
       *[other] reports
    }).
sum_risk = Regional risk was highest in { $counties }.
sum_duplicates = { $clusters } { $clusters ->
        [one] route was
       *[other] routes were
    } reported by more than one organisation; counting each once gives { $routes } distinct { $routes ->
        [one] route
       *[other] routes
    }.
sum_new_countries = Countries named for the first time in { $round }: { $countries }.
method_who = Reports came from { $orgs } { $orgs ->
        [one] organisation
       *[other] organisations
    } ({ $kinds }) in { $rounds } collection { $rounds ->
        [one] round
       *[other] rounds
    }. Each report describes a route, not a person: no personal data about survivors is collected.
method_places = Place names as reported were matched to a gazetteer of Kenya's counties, towns and border crossings and of countries and cities abroad; { $share }% of the places named were matched and { $unresolved ->
        [0] none remain for review
        [one] 1 name remains for review
       *[other] { $unresolved } names remain for review
    }.
method_duplicates = Reports from different organisations that describe the same route were grouped, not merged; figures count each group once where this report says so.
method_risk = The risk index (0 to 100) combines origin, transit and destination activity, estimated victims, the number of reporting organisations and routes reported by several organisations. Each part grows with a county's own figures only, so adding a report never lowers the score of a county it touches.
method_limits = Limitations: these are estimates reported by civil-society organisations, not measures of prevalence; places where member organisations work are better covered.
method_small_numbers = Numbers from 1 to { $k1 } are shown as <{ $k } so that no single case can be picked out.
county = County
country = Country
place = Place
reports = Reports
organisations = Organisations
victims = Victims (estimated)
risk = Risk index
band = Band
band_low = low
band_medium = medium
band_high = high
band_very_high = very high
corridor = Corridor
through = Routes passing through
change = Change
map_risk = County risk index
map_roles = Reports by county: origin, transit, destination or exploitation
map_flows = Main corridors within Kenya
map_world = Routes to and from Kenya
legend_reports = reports
legend_no_reports = no reports
legend_corridor = corridor
border_crossing = border crossing
chart_top_origin = Counties most reported as origin
chart_top_transit = Counties most reported as transit
chart_top_destination = Counties most reported as destination or place of exploitation
chart_types = Forms of exploitation (reports)
chart_transport = Modes of transport (reports)
chart_recruitment = Recruitment methods (reports)
chart_change = Change in county risk, { $from } to { $to }
chart_heat = Recruitment method by form of exploitation (reports)
no_trend = Only one collection round is included, so there is no change to show.
none = none
corroborated = { $n } organisations
single_source = one organisation
crossings = Border crossings named as transit points
annex_counties = All 47 counties
annex_countries = Countries
sources_text = Route reports submitted by the network's member organisations. Place data: GeoNames (geonames.org, CC BY 4.0). County boundaries: © OpenStreetMap contributors (ODbL 1.0), compiled by Mike Ondieki (MIT). Country boundaries: Natural Earth (public domain). Made with vjt, the open Victim Journey Tracker.
figure_n = Figure { $n }
page_of = Page { $n } of { $total }
attribution_short = © OpenStreetMap contributors (ODbL), Natural Earth, GeoNames (CC BY 4.0)

## A release's report: the figures a release publishes, after disclosure control.
rel_meta = Release { $id }, version { $version }, made on { $date }
rel_rounds = Collection rounds: { $rounds }
rel_threshold = Counts from 1 to one below { $k } are shown as “<{ $k }*”; some larger ones are hidden with them (*)
rel_sec_summary = Summary
rel_summary = The network's organisations reported { $reports } routes, with { $victims } estimated victims in all.
rel_sec_counties = Counties
rel_map_origin = Reports by county of origin
rel_map_exploitation = Reports by county of exploitation
rel_col_county = County
rel_col_victims_origin = Victims (origin)
rel_sec_corridors = Corridors
rel_col_from = From
rel_col_to = To
rel_col_victims = Victims
rel_listed = The { $n } largest of { $all } are listed here; { $file } holds every one.
rel_sec_places = Places
rel_col_place = Place
rel_sec_countries = Countries beyond Kenya
rel_col_country = Country
rel_sec_method = Method and disclosure control
rel_method = Civil-society organisations of the network reported the routes they know from their work with survivors and people at risk: where journeys started, passed through, were meant to end and where exploitation happened. Each report counts once for each role in each county or country it names. Reports that the coordinator rejected are left out. Reports are not individual cases: one route can stand for several people, and several organisations can report the same route.
rel_disclosure = To protect survivors and the organisations that report, every count from 1 to { $k1 } is hidden, victims are hidden wherever their reports are, and in every column at least one more figure of { $big } or more is hidden beside a small one, so that no hidden figure can be worked out from the others or from a total. Risk is given as a band only. No text written by a reporter and no organisation is named.
rel_withheld = Totals withheld because they would reveal a hidden figure: { $totals }.
rel_verify = This release is signed by the network. Its manifest lists every file with its SHA-256 checksum; “vjt release verify FOLDER” checks the files and the signature.
