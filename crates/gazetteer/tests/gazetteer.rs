//! The embedded gazetteer and the resolver, against facts and a test set of messy names.

use vjt_domain::{Journey, Stop, StopRole, StopText};
use vjt_gazetteer::{Context, Gazetteer, PlaceKind, Resolver, Status, RESOLVED_AT};

fn gazetteer() -> &'static Gazetteer {
    Gazetteer::embedded()
}

/// All 47 counties: First Schedule number, name, ISO 3166-2:KE code, former province.
const COUNTIES: [(u8, &str, &str, &str); 47] = [
    (1, "Mombasa", "KE-28", "Coast"),
    (2, "Kwale", "KE-19", "Coast"),
    (3, "Kilifi", "KE-14", "Coast"),
    (4, "Tana River", "KE-40", "Coast"),
    (5, "Lamu", "KE-21", "Coast"),
    (6, "Taita-Taveta", "KE-39", "Coast"),
    (7, "Garissa", "KE-07", "North Eastern"),
    (8, "Wajir", "KE-46", "North Eastern"),
    (9, "Mandera", "KE-24", "North Eastern"),
    (10, "Marsabit", "KE-25", "Eastern"),
    (11, "Isiolo", "KE-09", "Eastern"),
    (12, "Meru", "KE-26", "Eastern"),
    (13, "Tharaka-Nithi", "KE-41", "Eastern"),
    (14, "Embu", "KE-06", "Eastern"),
    (15, "Kitui", "KE-18", "Eastern"),
    (16, "Machakos", "KE-22", "Eastern"),
    (17, "Makueni", "KE-23", "Eastern"),
    (18, "Nyandarua", "KE-35", "Central"),
    (19, "Nyeri", "KE-36", "Central"),
    (20, "Kirinyaga", "KE-15", "Central"),
    (21, "Murang'a", "KE-29", "Central"),
    (22, "Kiambu", "KE-13", "Central"),
    (23, "Turkana", "KE-43", "Rift Valley"),
    (24, "West Pokot", "KE-47", "Rift Valley"),
    (25, "Samburu", "KE-37", "Rift Valley"),
    (26, "Trans Nzoia", "KE-42", "Rift Valley"),
    (27, "Uasin Gishu", "KE-44", "Rift Valley"),
    (28, "Elgeyo-Marakwet", "KE-05", "Rift Valley"),
    (29, "Nandi", "KE-32", "Rift Valley"),
    (30, "Baringo", "KE-01", "Rift Valley"),
    (31, "Laikipia", "KE-20", "Rift Valley"),
    (32, "Nakuru", "KE-31", "Rift Valley"),
    (33, "Narok", "KE-33", "Rift Valley"),
    (34, "Kajiado", "KE-10", "Rift Valley"),
    (35, "Kericho", "KE-12", "Rift Valley"),
    (36, "Bomet", "KE-02", "Rift Valley"),
    (37, "Kakamega", "KE-11", "Western"),
    (38, "Vihiga", "KE-45", "Western"),
    (39, "Bungoma", "KE-03", "Western"),
    (40, "Busia", "KE-04", "Western"),
    (41, "Siaya", "KE-38", "Nyanza"),
    (42, "Kisumu", "KE-17", "Nyanza"),
    (43, "Homa Bay", "KE-08", "Nyanza"),
    (44, "Migori", "KE-27", "Nyanza"),
    (45, "Kisii", "KE-16", "Nyanza"),
    (46, "Nyamira", "KE-34", "Nyanza"),
    (47, "Nairobi City", "KE-30", "Nairobi"),
];

#[test]
fn every_county_carries_both_codes_and_its_former_province() {
    let g = gazetteer();
    let counties = g.counties();
    assert_eq!(counties.len(), 47);
    for (ix, (number, name, iso, province)) in counties.iter().zip(COUNTIES) {
        let county = g.place(*ix);
        let codes = county.county_codes.as_ref().unwrap();
        assert_eq!(county.name, name);
        assert_eq!(codes.number, number, "{name}: First Schedule number");
        assert_eq!(codes.iso, iso, "{name}: ISO 3166-2 code");
        let prov = g.province_of(*ix).map(|p| g.place(p).name.as_str());
        assert_eq!(prov, Some(province), "{name}: former province");
        assert_eq!(g.country_of(*ix).and_then(|c| g.place(c).iso2.as_deref()), Some("KE"));
        let (lat, lon) = county.coordinates.unwrap();
        assert!((-4.8..=5.0).contains(&lat) && (33.9..=42.0).contains(&lon), "{name} centroid inside Kenya");
    }
}

#[test]
fn the_hierarchy_reaches_from_neighbourhood_to_world_region() {
    let g = gazetteer();
    let eastleigh = g.places().find(|(_, p)| p.name == "Eastleigh" && p.kind == PlaceKind::Neighbourhood).unwrap().0;
    let chain: Vec<&str> = g.ancestry(eastleigh).iter().map(|ix| g.place(*ix).id.as_str()).collect();
    assert_eq!(
        chain[1..],
        ["ke:county:nairobi-city", "ke:province:nairobi", "country:KE", "region:eastern-africa", "region:africa"]
    );
    let riyadh = g.by_id("city:sa:riyadh").unwrap();
    assert_eq!(g.place(g.country_of(riyadh).unwrap()).iso3.as_deref(), Some("SAU"));
    assert_eq!(g.county_of(riyadh), None);
    // Thika lies in Kiambu: the county comes from the boundaries, not GeoNames' stale admin codes.
    let thika = g.places().find(|(_, p)| p.name == "Thika" && p.kind == PlaceKind::Town).unwrap().0;
    assert_eq!(g.place(g.county_of(thika).unwrap()).name, "Kiambu");
    for (kind, min) in
        [(PlaceKind::Town, 5000), (PlaceKind::SubCounty, 250), (PlaceKind::Country, 200), (PlaceKind::City, 80)]
    {
        assert!(g.places().filter(|(_, p)| p.kind == kind).count() >= min, "{kind:?}");
    }
}

#[test]
fn border_crossings_name_the_neighbouring_country() {
    let g = gazetteer();
    for (id, neighbour, county) in [
        ("ke:crossing:busia", "UG", "Busia"),
        ("ke:crossing:malaba", "UG", "Busia"),
        ("ke:crossing:namanga", "TZ", "Kajiado"),
        ("ke:crossing:isebania", "TZ", "Migori"),
        ("ke:crossing:lunga-lunga", "TZ", "Kwale"),
        ("ke:crossing:moyale", "ET", "Marsabit"),
        ("ke:crossing:mandera", "SO", "Mandera"),
        ("ke:crossing:liboi", "SO", "Garissa"),
        ("ke:crossing:nadapal", "SS", "Turkana"),
    ] {
        let ix = g.by_id(id).unwrap_or_else(|| panic!("{id} missing"));
        let p = g.place(ix);
        assert_eq!(p.kind, PlaceKind::BorderCrossing);
        assert_eq!(p.neighbour.as_deref(), Some(neighbour), "{id}");
        assert_eq!(g.place(g.county_of(ix).unwrap()).name, county, "{id}");
    }
    assert_eq!(g.place(g.by_id("ke:crossing:kilindini-harbour").unwrap()).kind, PlaceKind::Seaport);
    assert_eq!(g.place(g.by_id("ke:crossing:jomo-kenyatta-international-airport").unwrap()).kind, PlaceKind::Airport);
}

/// What a resolved text stands for, in the test set's terms: a place id for regions and provinces,
/// the county's ISO code for Kenyan places, the country's alpha-2 code otherwise.
fn answer(g: &Gazetteer, expected: &str, ix: vjt_gazetteer::PlaceIx) -> String {
    if expected.starts_with("region:") || expected.starts_with("ke:province:") {
        return g.place(ix).id.clone();
    }
    if expected.starts_with("KE-") {
        return g.county_of(ix).and_then(|c| g.place(c).county_codes.clone()).map(|c| c.iso).unwrap_or_default();
    }
    g.country_of(ix).and_then(|c| g.place(c).iso2.clone()).unwrap_or_default()
}

#[test]
fn at_least_97_percent_of_the_messy_test_set_resolves_correctly() {
    let g = gazetteer();
    let resolver = Resolver::new(g);
    let set: Vec<(&str, &str)> = include_str!("data/messy_places.tsv")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split_once('\t').expect("text<TAB>expected"))
        .collect();
    assert!(set.len() >= 300, "the test set has {} names", set.len());
    let mut wrong = Vec::new();
    for (text, expected) in &set {
        let r = resolver.resolve(text, &Context::default());
        let got = r.resolved().map(|ix| answer(g, expected, ix));
        if got.as_deref() != Some(*expected) {
            wrong.push(format!(
                "{text:30} expected {expected:22} got {got:?} (best {:?})",
                r.best.map(|m| (g.place(m.place).id.clone(), m.score))
            ));
        }
    }
    let correct = set.len() - wrong.len();
    let share = correct as f64 / set.len() as f64;
    println!("{correct}/{} correct ({:.1}%); misses:\n{}", set.len(), share * 100.0, wrong.join("\n"));
    assert!(share >= 0.97, "{:.1}% correct; misses:\n{}", share * 100.0, wrong.join("\n"));
}

#[test]
fn nonsense_and_personal_names_are_never_matched_confidently() {
    let resolver = Resolver::new(gazetteer());
    for text in include_str!("data/not_places.txt").lines().filter(|l| !l.starts_with('#') && !l.trim().is_empty()) {
        let r = resolver.resolve(text, &Context::default());
        assert_eq!(
            r.status,
            Status::Unresolved,
            "'{text}' matched {:?}",
            r.best.map(|m| gazetteer().place(m.place).id.clone())
        );
        assert!(r.best.is_none_or(|m| m.score < RESOLVED_AT));
    }
}

#[test]
fn a_qualifier_or_the_route_decides_between_places_of_one_name() {
    let g = gazetteer();
    let resolver = Resolver::new(g);
    let id = |text: &str, ctx: &Context| resolver.resolve(text, ctx).resolved().map(|ix| g.place(ix).id.clone());
    assert_eq!(id("Busia, Uganda", &Context::default()).as_deref(), Some("city:ug:busia"));
    assert_eq!(
        id("Busia", &Context { role: Some(StopRole::Transit), ..Default::default() }).as_deref(),
        Some("ke:crossing:busia")
    );
    // Eight villages share the name Makutano: without more to go on it waits for review, with guesses.
    let r = resolver.resolve("Makutano", &Context::default());
    assert_eq!(r.status, Status::Unresolved);
    assert!(r.alternatives.len() >= 3);
    // A route through Uganda makes "Malaba" the Ugandan side when told the route is Ugandan.
    let ug = g.country_by_iso2("UG").unwrap();
    // In any case, and only for two-letter codes the gazetteer has.
    assert_eq!((g.country_by_iso2("ug"), g.country_by_iso2("Ug")), (Some(ug), Some(ug)));
    assert_eq!((g.country_by_iso2("XX"), g.country_by_iso2("UGA"), g.country_by_iso2("")), (None, None, None));
    assert_eq!(id("Malaba", &Context { countries: vec![ug], role: None }).as_deref(), Some("city:ug:malaba"));
}

fn stop(text: &str) -> Stop {
    Stop::reported(StopText::parse(text).unwrap())
}

#[test]
fn a_journey_is_resolved_stop_by_stop_and_keeps_its_text() {
    let resolver = Resolver::new(gazetteer());
    let mut journey = Journey::new(
        stop("Kakamega county"),
        vec![stop("Busia border"), stop("Kampla"), stop("Somewhere unknown")],
        Some(stop("Dubai, UAE")),
        None,
    )
    .unwrap();
    let results = resolver.resolve_journey(&mut journey, Some("KE"));
    assert_eq!(results.len(), 5);
    let places: Vec<Option<String>> = journey.stops().map(|(_, s)| s.place.as_ref().map(|p| p.0.clone())).collect();
    assert_eq!(places[0].as_deref(), Some("ke:county:kakamega"));
    assert_eq!(places[1].as_deref(), Some("ke:crossing:busia"));
    assert_eq!(places[2].as_deref(), Some("city:ug:kampala"));
    assert_eq!(places[3], None, "unresolved text stays unresolved");
    assert_eq!(places[4].as_deref(), Some("city:ae:dubai"));
    assert_eq!(journey.transit()[2].text.as_str(), "Somewhere unknown");
}

#[test]
fn a_cached_resolution_answers_as_an_uncached_one_however_often_asked() {
    let resolver = Resolver::new(gazetteer());
    // The same texts on routes through different countries (the route's countries are part of
    // what is asked), misspelt and unknown ones too, each asked again from the cache.
    let journeys = || {
        [
            (stop("Kakamega county"), vec![stop("Malaba"), stop("Kampla")], Some(stop("Dubai, UAE"))),
            (stop("Kampala"), vec![stop("Malaba"), stop("Jinja")], Some(stop("Tororo"))),
            (stop("Nairobi"), vec![stop("Malaba")], Some(stop("Somewhere unknown"))),
        ]
        .map(|(origin, transit, destination)| Journey::new(origin, transit, destination, None).unwrap())
    };
    let places = |j: &Journey| j.stops().map(|(_, s)| s.place.clone()).collect::<Vec<_>>();
    let mut cache = vjt_gazetteer::ResolutionCache::default();
    for round in 0..3 {
        for (mut plain, mut cached) in journeys().into_iter().zip(journeys()) {
            let expected = resolver.resolve_journey(&mut plain, Some("KE"));
            let answered = resolver.resolve_journey_cached(&mut cached, Some("KE"), &mut cache);
            assert_eq!(places(&cached), places(&plain), "round {round}");
            let summary = |r: &vjt_gazetteer::Resolution| (r.input.clone(), r.status, r.best.map(|m| m.place));
            assert_eq!(
                answered.iter().map(|r| summary(r)).collect::<Vec<_>>(),
                expected.iter().map(summary).collect::<Vec<_>>(),
                "round {round}"
            );
        }
    }
}

#[test]
fn a_coordinator_alias_decides_at_once() {
    let mut resolver = Resolver::new(gazetteer());
    assert_eq!(resolver.resolve("Kwa Mama Njeri stage", &Context::default()).status, Status::Unresolved);
    assert!(resolver.add_alias("Kwa Mama Njeri stage", "ke:county:kiambu"));
    assert!(!resolver.add_alias("x", "no-such-place"));
    let r = resolver.resolve("kwa mama njeri STAGE", &Context::default());
    assert_eq!(r.resolved().map(|ix| gazetteer().place(ix).id.as_str()), Some("ke:county:kiambu"));
}

#[test]
fn the_committed_gazetteer_is_what_the_build_script_makes() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../..");
    let shared = format!("{root}/../shared/data");
    if !std::path::Path::new(&shared).join("geonames_KE.txt").exists() {
        eprintln!("skipped: ../shared/data is absent, so the gazetteer cannot be rebuilt here");
        return;
    }
    let out = std::env::temp_dir().join(format!("vjt_gazetteer_build_{}", std::process::id()));
    let status = std::process::Command::new("python3")
        .args([&format!("{root}/tools/gazetteer/build.py"), "--shared", &shared, "--out", out.to_str().unwrap()])
        .output();
    let Ok(status) = status else {
        eprintln!("skipped: python3 is not installed");
        return;
    };
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    let rebuilt = std::fs::read_to_string(out.join("places.tsv")).unwrap();
    let committed = std::fs::read_to_string(format!("{root}/crates/gazetteer/data/places.tsv")).unwrap();
    let _ = std::fs::remove_dir_all(&out);
    assert!(rebuilt == committed, "crates/gazetteer/data/places.tsv is stale: run python3 tools/gazetteer/build.py");
}

#[test]
fn review_suggestions_reach_further_than_resolution() {
    let g = gazetteer();
    let resolver = Resolver::new(g);
    assert_eq!(resolver.resolve("Kisi", &Context::default()).status, Status::Unresolved);
    let guesses: Vec<String> = resolver.suggest("Kisi").iter().map(|m| g.place(m.place).name.clone()).collect();
    assert!(guesses.iter().any(|n| n == "Kisii"), "{guesses:?}");
}

proptest::proptest! {
    #[test]
    fn any_text_gets_an_answer_with_a_bounded_score(text in "\\PC{0,60}") {
        let r = Resolver::new(gazetteer()).resolve(&text, &Context::default());
        if let Some(m) = r.best {
            proptest::prop_assert!((0.0..=1.0).contains(&m.score));
        }
        proptest::prop_assert!(r.alternatives.len() <= 5);
        proptest::prop_assert_eq!(r.status == Status::Resolved, r.best.is_some_and(|m| m.score >= RESOLVED_AT));
    }
}
