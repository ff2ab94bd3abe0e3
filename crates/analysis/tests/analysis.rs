//! The analysis engine against independent recounts and its stated properties.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use proptest::prelude::*;
use vjt_analysis::risk::{score, RiskInputs, RiskWeights};
use vjt_analysis::snapshot::{self, Provenance, SnapshotRefused};
use vjt_analysis::{analyze, Builder, Dataset, Filter, Options, OrganisationInfo, RoundInfo};
use vjt_domain::flat::{FlatReport, FlatStop};
use vjt_domain::vocab::join_codes;
use vjt_domain::{OrganisationId, OrganisationKind, RoundId, RouteReport, StopRole, Vocabulary};
use vjt_gazetteer::{Gazetteer, Resolver};

fn organisations() -> Vec<OrganisationInfo> {
    vjt_demo::organisations()
        .into_iter()
        .enumerate()
        .map(|(i, o)| OrganisationInfo { id: i as i64 + 1, name: o.name.to_string(), kind: o.kind })
        .collect()
}

fn rounds() -> Vec<RoundInfo> {
    vjt_demo::rounds()
        .into_iter()
        .enumerate()
        .map(|(i, r)| RoundInfo { id: i as i64 + 1, name: r.name.to_string(), start: r.span.start().to_string() })
        .collect()
}

/// Generated reports with resolved places, as the store would hold them.
fn reports(per_round: usize, seed: u64) -> Vec<RouteReport> {
    let orgs: Vec<_> = (1..=6).map(OrganisationId).collect();
    let rounds = vec![RoundId(1), RoundId(2)];
    let resolver = Resolver::new(Gazetteer::embedded());
    let mut out = vjt_demo::reports(&orgs, &rounds, per_round, seed);
    for r in &mut out {
        resolver.resolve_journey(r.journey_mut(), Some("KE"));
    }
    out
}

/// Feeds reports to the engine the way the store streams them (stops first, then reports).
fn dataset(reports: &[RouteReport]) -> Dataset<'static> {
    let g = Gazetteer::embedded();
    let mut b = Builder::new(g, organisations(), rounds());
    for (i, r) in reports.iter().enumerate() {
        let id = i as i64 + 1;
        for (seq, (role, s)) in r.journey.stops().enumerate() {
            b.stop(&FlatStop {
                report_id: id,
                seq: seq as i64,
                role: role.code(),
                text: s.text.as_str(),
                place_id: s.place.as_ref().map(|p| p.0.as_str()),
            });
        }
        let (types, sectors, transport, recruitment, relation) = (
            join_codes(&r.exploitation_types),
            join_codes(&r.sectors),
            join_codes(&r.transport_modes),
            join_codes(&r.recruitment_methods),
            join_codes(&r.recruiter_relationships),
        );
        let (start, end) = (r.period_start.map(|m| m.to_string()), r.period_end.map(|m| m.to_string()));
        let n = |v: Option<u32>| v.map(i64::from);
        b.report(&FlatReport {
            id,
            organisation: r.organisation.0,
            round: r.round.0,
            report_ref: r.report_id.as_ref().map(|x| x.as_str()),
            status: r.status.code(),
            exploitation_types: &types,
            sectors: &sectors,
            transport_modes: &transport,
            recruitment_methods: &recruitment,
            recruiter_relationships: &relation,
            victims: r.victims.map(|v| i64::from(v.get())),
            victims_below: None,
            female: n(r.profile.female),
            male: n(r.profile.male),
            other_gender: n(r.profile.other_gender),
            children: n(r.profile.children),
            adults: n(r.profile.adults),
            period_start: start.as_deref(),
            period_end: end.as_deref(),
            source: r.source.code(),
            confidence: r.confidence.code(),
        })
        .unwrap();
    }
    b.finish()
}

/// County figures counted the plain way: for each report and role, the set of counties its stops of
/// that role fall in.
fn recount(reports: &[RouteReport]) -> BTreeMap<(String, StopRole), (u64, u64, BTreeSet<i64>)> {
    let g = Gazetteer::embedded();
    let mut out: BTreeMap<(String, StopRole), (u64, u64, BTreeSet<i64>)> = BTreeMap::new();
    for r in reports.iter().filter(|r| r.status != vjt_domain::ReviewStatus::Rejected) {
        let mut seen = BTreeSet::new();
        for (role, s) in r.journey.stops() {
            let Some(p) = s.place.as_ref().and_then(|p| g.by_id(&p.0)) else { continue };
            if let Some(c) = g.county_of(p) {
                seen.insert((g.place(c).county_codes.as_ref().unwrap().iso.clone(), role));
            }
        }
        for key in seen {
            let e = out.entry(key).or_default();
            e.0 += 1;
            e.1 += u64::from(r.victims.map_or(0, |v| v.get()));
            e.2.insert(r.organisation.0);
        }
    }
    out
}

#[test]
fn county_counts_match_an_independent_recount() {
    let reps = reports(400, 11);
    let data = dataset(&reps);
    let a = analyze(&data, &Filter::default(), &Options::default());
    assert_eq!(a.counties.len(), 47, "all 47 counties are always listed");
    let expected = recount(&reps);
    let mut compared = 0;
    for c in &a.counties {
        for (role, stat) in [
            (StopRole::Origin, c.roles.origin),
            (StopRole::Transit, c.roles.transit),
            (StopRole::Destination, c.roles.destination),
            (StopRole::Exploitation, c.roles.exploitation),
        ] {
            let (reports, victims, orgs) = expected.get(&(c.iso.clone(), role)).cloned().unwrap_or_default();
            assert_eq!(
                (stat.reports, stat.victims, stat.organisations),
                (reports, victims, orgs.len() as u64),
                "{} {role:?}",
                c.iso
            );
            compared += usize::from(reports > 0);
        }
    }
    assert!(compared > 40, "the recount covered {compared} county-role figures");
    assert_eq!(a.totals.reports, reps.len() as u64);
    assert_eq!(a.totals.victims, reps.iter().map(|r| u64::from(r.victims.map_or(0, |v| v.get()))).sum::<u64>());
}

#[test]
fn a_report_counts_once_per_role_per_area() {
    // Two transit stops in the same county: one transit report for that county, not two.
    let mut reps = reports(20, 5);
    let mut d = reps[0].clone().into_draft();
    let stop = |t: &str| vjt_domain::Stop::reported(vjt_domain::StopText::parse(t).unwrap());
    d.journey =
        vjt_domain::Journey::new(stop("Kisii"), vec![stop("Eastleigh"), stop("Kibera")], Some(stop("Riyadh")), None)
            .unwrap();
    let mut one = RouteReport::new(d).unwrap();
    Resolver::new(Gazetteer::embedded()).resolve_journey(one.journey_mut(), Some("KE"));
    reps = vec![one];
    let a = analyze(&dataset(&reps), &Filter::default(), &Options::default());
    let nairobi = a.counties.iter().find(|c| c.iso == "KE-30").unwrap();
    assert_eq!(nairobi.roles.transit.reports, 1);
    let kenya = a.countries.iter().find(|c| c.code == "KE").unwrap();
    assert_eq!((kenya.roles.origin.reports, kenya.roles.transit.reports), (1, 1));
    let gulf_corridor = a.corridors.country.iter().find(|c| c.to.id == "country:SA").unwrap();
    assert_eq!(gulf_corridor.from.id, "country:KE");
}

#[test]
fn withheld_and_missing_counts_are_reported_apart() {
    let reps = reports(30, 2);
    let a = analyze(&dataset(&reps), &Filter::default(), &Options::default());
    let missing = reps.iter().filter(|r| r.victims.is_none()).count() as u64;
    assert_eq!(a.totals.reports_without_victims, missing);
    let b = &a.breakdowns.overall;
    assert_eq!(b.gender.reports_with + b.gender.reports_without, a.totals.reports);
    assert_eq!(b.exploitation_types_total(), a.totals.reports);
}

trait Total {
    fn exploitation_types_total(&self) -> u64;
}

impl Total for vjt_analysis::output::Breakdowns {
    fn exploitation_types_total(&self) -> u64 {
        self.vocab.exploitation_types.reports
    }
}

#[test]
fn duplicates_are_grouped_across_organisations_only_and_decisions_stick() {
    let reps = reports(160, 2019_2020);
    let data = dataset(&reps);
    let a = analyze(&data, &Filter::default(), &Options::default());
    assert!(!a.duplicates.clusters.is_empty(), "the demo data holds routes reported twice");
    for c in &a.duplicates.clusters {
        let orgs: BTreeSet<&str> = c.members.iter().map(|m| m.organisation.as_str()).collect();
        assert!(orgs.len() >= 2, "{} groups one organisation's reports", c.key);
        assert!((0.0..=1.0).contains(&c.similarity));
        assert_eq!(c.status, "suggested");
    }
    let removed: u64 = a.duplicates.clusters.iter().map(|c| c.members.len() as u64 - 1).sum();
    assert_eq!(a.totals.distinct_routes, a.totals.reports - removed);
    assert!(a.totals.victims_deduplicated <= a.totals.victims);

    // Splitting a cluster takes it out of the deduplicated figures; confirming keeps it in.
    let first = a.duplicates.clusters[0].key.clone();
    let second = a.duplicates.clusters[1].key.clone();
    let mut decisions = HashMap::new();
    decisions.insert(first.clone(), vjt_analysis::Decision::Split);
    decisions.insert(second.clone(), vjt_analysis::Decision::Confirmed);
    let b = analyze(&data, &Filter::default(), &Options { decisions, ..Options::default() });
    let status = |k: &str| b.duplicates.clusters.iter().find(|c| c.key == k).unwrap().status;
    assert_eq!((status(&first), status(&second)), ("split", "confirmed"));
    let split_size = a.duplicates.clusters[0].members.len() as u64;
    assert_eq!(b.totals.distinct_routes, a.totals.distinct_routes + split_size - 1);
}

#[test]
fn filters_keep_what_they_say() {
    let reps = reports(100, 4);
    let data = dataset(&reps);
    let round2 = Filter { rounds: vec![2], ..Filter::default() };
    let a = analyze(&data, &round2, &Options::default());
    assert_eq!(a.totals.reports, reps.iter().filter(|r| r.round == RoundId(2)).count() as u64);
    assert!(a.trend.is_none(), "one round has no trend");
    let ds = Filter { exploitation: vec![vjt_domain::ExploitationType::DomesticServitude], ..Filter::default() };
    let b = analyze(&data, &ds, &Options::default());
    assert_eq!(b.totals.reports, b.breakdowns.overall.vocab.exploitation_types.counts["domestic_servitude"]);
    let faith = Filter { organisation_kinds: vec![OrganisationKind::FaithBased], ..Filter::default() };
    let c = analyze(&data, &faith, &Options::default());
    assert_eq!(c.totals.organisations, 1);
    assert_eq!(
        c.totals.organisation_kinds,
        BTreeMap::from([("faith_based".to_string(), 1)]),
        "only the organisations whose reports are counted are described"
    );
    let all = analyze(&data, &Filter::default(), &Options::default());
    assert_eq!(all.totals.organisation_kinds.values().sum::<u64>(), all.totals.organisations);
    let verified = Filter { statuses: vec![vjt_domain::ReviewStatus::Verified], ..Filter::default() };
    let v = analyze(&data, &verified, &Options::default());
    assert_eq!(v.totals.reports, reps.iter().filter(|r| r.status == vjt_domain::ReviewStatus::Verified).count() as u64);
}

fn county_figures(a: &vjt_analysis::Analysis) -> Vec<(String, u64, u64, u64, u64)> {
    a.counties
        .iter()
        .map(|c| {
            (
                c.iso.clone(),
                c.roles.origin.reports,
                c.roles.transit.reports,
                c.roles.destination.reports,
                c.roles.exploitation.victims,
            )
        })
        .collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(12))]

    #[test]
    fn role_counts_do_not_depend_on_report_order(seed in 0u64..1000, rotate in 1usize..50) {
        let mut reps = reports(40, seed);
        let a = analyze(&dataset(&reps), &Filter::default(), &Options::default());
        let n = reps.len();
        reps.rotate_left(rotate % n);
        reps.reverse();
        let b = analyze(&dataset(&reps), &Filter::default(), &Options::default());
        prop_assert_eq!(county_figures(&a), county_figures(&b));
        prop_assert_eq!(a.totals.clone(), b.totals.clone());
    }

    #[test]
    fn filters_commute(seed in 0u64..1000, round in 1i64..=2, use_type in any::<bool>()) {
        let reps = reports(40, seed);
        let data = dataset(&reps);
        let t = vec![vjt_domain::ExploitationType::SexualExploitation];
        let both = Filter { rounds: vec![round], exploitation: if use_type { t.clone() } else { vec![] }, ..Filter::default() };
        // Applying one filter to the reports the other kept gives the same as both at once.
        let first: Vec<RouteReport> = reps.iter().filter(|r| r.round.0 == round).cloned().collect();
        let then = Filter { exploitation: if use_type { t } else { vec![] }, ..Filter::default() };
        let a = analyze(&data, &both, &Options::default());
        let b = analyze(&dataset(&first), &then, &Options::default());
        prop_assert_eq!(county_figures(&a), county_figures(&b));
        prop_assert_eq!(a.totals.reports, b.totals.reports);
    }

    #[test]
    fn the_risk_index_is_bounded_and_monotone(
        base in proptest::array::uniform6(0u64..500),
        bump in 0usize..6,
        by in 1u64..200,
    ) {
        let w = RiskWeights::default();
        let mk = |v: [u64; 6]| RiskInputs { origin: v[0], transit: v[1], destination: v[2], victims: v[3], organisations: v[4], corroborated: v[5] };
        let before = score(&mk(base), &w);
        let mut more = base;
        more[bump] += by;
        let after = score(&mk(more), &w);
        prop_assert!((0.0..=100.0).contains(&before.score));
        prop_assert!(after.score >= before.score, "{} then {}", before.score, after.score);
    }

    #[test]
    fn adding_a_report_never_lowers_a_county_it_touches(seed in 0u64..500, pick in 0usize..200) {
        let reps = reports(60, seed);
        let extra = reports(100, seed + 7)[pick % 200].clone();
        let before = analyze(&dataset(&reps), &Filter::default(), &Options::default());
        let mut more = reps.clone();
        more.push(extra.clone());
        let after = analyze(&dataset(&more), &Filter::default(), &Options::default());
        let g = Gazetteer::embedded();
        let touched: BTreeSet<String> = extra.journey.stops().filter_map(|(_, s)| s.place.as_ref().and_then(|p| g.by_id(&p.0))).filter_map(|p| g.county_of(p)).map(|c| g.place(c).county_codes.as_ref().unwrap().iso.clone()).collect();
        for iso in touched {
            let b = before.counties.iter().find(|c| c.iso == iso).unwrap().risk_score;
            let a = after.counties.iter().find(|c| c.iso == iso).unwrap().risk_score;
            prop_assert!(a >= b, "{iso}: {b} then {a}");
        }
    }

    #[test]
    fn duplicate_similarity_is_symmetric_and_bounded(seed in 0u64..1000, i in 0usize..80, j in 0usize..80) {
        let reps = reports(40, seed);
        let data = dataset(&reps);
        let (a, b) = (&data.reports[i % 80], &data.reports[j % 80]);
        let ab = vjt_analysis::duplicates::similarity(&data, a, b);
        let ba = vjt_analysis::duplicates::similarity(&data, b, a);
        prop_assert!((ab - ba).abs() < 1e-12);
        prop_assert!((0.0..=1.0 + 1e-12).contains(&ab));
        let aa = vjt_analysis::duplicates::similarity(&data, a, a);
        prop_assert!(aa >= ab - 1e-12);
    }
}

/// Everything the analysis says, as one comparable value.
fn document(a: &vjt_analysis::Analysis) -> serde_json::Value {
    serde_json::to_value(a).unwrap()
}

#[test]
fn a_tally_counted_on_several_cores_says_what_one_counted_alone_says() {
    // Large enough for `Tally::of` to split the work between threads.
    let reps = reports(12_000, 5);
    let data = dataset(&reps);
    assert!(data.reports.len() >= 20_000);
    let options = Options::default();
    let parallel = vjt_analysis::Tally::of(&data, Filter::default(), options.clone()).finish(&data);
    let mut alone = vjt_analysis::Tally::new(&data, Filter::default(), options);
    for i in 0..data.reports.len() {
        alone.take_in(&data, i);
    }
    assert_eq!(document(&parallel), document(&alone.finish(&data)));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]

    /// Taking reports out of a tally leaves exactly the tally of the rest: what lets a server
    /// update its figures after one change instead of counting everything again.
    #[test]
    fn taking_reports_out_leaves_the_tally_of_the_rest(seed in 0u64..1000, every in 2usize..7, offset in 0usize..7) {
        let reps = reports(150, seed);
        let data = dataset(&reps);
        let options = Options::default();
        let mut all = vjt_analysis::Tally::of(&data, Filter::default(), options.clone());
        let before = all.finish(&data);
        let mut rest = vjt_analysis::Tally::new(&data, Filter::default(), options);
        for i in 0..data.reports.len() {
            if (i + offset) % every == 0 {
                all.take_out(&data, i);
            } else {
                rest.take_in(&data, i);
            }
        }
        prop_assert_eq!(document(&all.finish(&data)), document(&rest.finish(&data)));
        // And taking them in again gives back the first figures.
        for i in 0..data.reports.len() {
            all.take_in(&data, i);
        }
        prop_assert_eq!(document(&all.finish(&data)), document(&before));
    }
}

fn provenance(version: i64) -> Provenance {
    Provenance { database: "a1b2".into(), data_version: version }
}

#[test]
fn a_snapshot_reads_back_as_the_same_dataset() {
    let reps = reports(200, 11);
    let data = dataset(&reps);
    let bytes = snapshot::encode(&data, &provenance(7));
    let back = snapshot::decode(Gazetteer::embedded(), &bytes, &provenance(7)).expect("its own snapshot reads back");
    assert_eq!(back.reports.len(), data.reports.len());
    for i in 0..data.reports.len() {
        assert_eq!(format!("{:?}", back.reports[i]), format!("{:?}", data.reports[i]));
        assert_eq!(back.stops_of(&back.reports[i]), data.stops_of(&data.reports[i]));
        assert_eq!(back.report_refs.get(i), data.report_refs.get(i));
    }
    assert!(!data.unresolved_texts.is_empty(), "the sample has unresolved places to carry");
    assert_eq!(back.unresolved_texts, data.unresolved_texts);
    assert_eq!(
        document(&analyze(&back, &Filter::default(), &Options::default())),
        document(&analyze(&data, &Filter::default(), &Options::default()))
    );
    // Written from another data version or another database: out of date, not used.
    assert_eq!(snapshot::decode(Gazetteer::embedded(), &bytes, &provenance(8)).err(), Some(SnapshotRefused::Stale));
    let other = Provenance { database: "ffff".into(), data_version: 7 };
    assert_eq!(snapshot::decode(Gazetteer::embedded(), &bytes, &other).err(), Some(SnapshotRefused::Stale));
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    /// A snapshot cut short or with any byte changed is refused, never read as other figures.
    #[test]
    fn a_damaged_snapshot_is_refused(cut in 0.0f64..1.0, flip in 0.0f64..1.0, by in 1u8..=255, truncate in any::<bool>()) {
        static BYTES: std::sync::OnceLock<Vec<u8>> = std::sync::OnceLock::new();
        let bytes = BYTES.get_or_init(|| snapshot::encode(&dataset(&reports(40, 3)), &provenance(1)));
        let mut damaged = bytes.clone();
        if truncate {
            damaged.truncate((cut * bytes.len() as f64) as usize);
        } else {
            let at = (flip * bytes.len() as f64) as usize;
            damaged[at] ^= by;
        }
        let refused = snapshot::decode(Gazetteer::embedded(), &damaged, &provenance(1));
        prop_assert!(matches!(refused, Err(SnapshotRefused::Damaged(_))), "{:?}", refused.err());
    }
}
