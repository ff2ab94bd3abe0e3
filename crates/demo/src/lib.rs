//! A synthetic demonstration dataset, generated deterministically: the same seed always gives the
//! same organisations, rounds and reports. It is **not real data**: organisation names carry
//! "(demo)", every report id starts with `DEMO-`, and the routes only echo patterns that are publicly
//! known about Kenya (rural counties towards Nairobi and Mombasa, the western crossings at Busia and
//! Malaba, the north-eastern route through Garissa, Moyale and Mandera, onward to the Gulf).

use std::collections::BTreeSet;
use std::num::NonZeroU32;

use vjt_domain::{
    Confidence, CountryCode, DateSpan, ExploitationType as E, Journey, KnowledgeSource, NewOrganisation, NewRound,
    Notes, OrganisationId, OrganisationKind, OrganisationName, Profile, RecruiterRelationship as Rel,
    RecruitmentMethod as Rec, ReportDraft, ReportRef, ReviewStatus, RoundId, RoundName, RouteReport, Sector, Stop,
    StopText, TransportMode as T, YearMonth,
};

/// SplitMix64: small, fast and fixed forever, so the dataset never changes under a dependency bump.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// A number in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
    pub fn pick<'a, X>(&mut self, items: &'a [X]) -> &'a X {
        &items[self.below(items.len())]
    }
}

/// The demonstration organisations. Fictional, and named so nobody mistakes them for real ones.
pub fn organisations() -> Vec<NewOrganisation> {
    let orgs: [(&str, OrganisationKind); 6] = [
        ("Pwani Safe Passage (demo)", OrganisationKind::Ngo),
        ("Western Border Outreach (demo)", OrganisationKind::CommunityBased),
        ("Nairobi Safe Homes (demo)", OrganisationKind::Ngo),
        ("North Eastern Youth Trust (demo)", OrganisationKind::CommunityBased),
        ("Tumaini Faith Centre (demo)", OrganisationKind::FaithBased),
        ("Counter-Trafficking Network Secretariat (demo)", OrganisationKind::Coordinator),
    ];
    orgs.iter()
        .map(|(name, kind)| NewOrganisation {
            name: OrganisationName::parse(name).expect("fixed demo name is valid"),
            kind: *kind,
            country: Some(CountryCode::parse("KE").expect("KE is a country code")),
        })
        .collect()
}

/// The two demonstration collection rounds.
pub fn rounds() -> Vec<NewRound> {
    [("Kenya 2019", 2019), ("Kenya 2020", 2020)]
        .iter()
        .map(|(name, year)| NewRound {
            name: RoundName::parse(name).expect("fixed demo name is valid"),
            span: DateSpan::new(
                chrono::NaiveDate::from_ymd_opt(*year, 1, 1).expect("valid date"),
                chrono::NaiveDate::from_ymd_opt(*year, 12, 31).expect("valid date"),
            )
            .expect("ordered span"),
        })
        .collect()
}

/// One family of routes: where people come from, how they travel, where they end up and how.
struct Pattern {
    weight: usize,
    /// Which demo organisations (by index) work on this corridor.
    orgs: &'static [usize],
    origins: &'static [&'static str],
    transits: &'static [&'static [&'static str]],
    destinations: &'static [&'static str],
    exploitation_abroad: bool,
    types: &'static [E],
    sectors: &'static [Sector],
    transport: &'static [T],
    recruitment: &'static [Rec],
    relationship: &'static [Rel],
    /// Only reported from the second round on (new routes, e.g. scam compounds in South-East Asia).
    from_round: usize,
}

const RURAL_WEST: &[&str] = &["Kakamega", "Kisii", "Bungoma", "Vihiga", "Siaya", "Migori", "Homa Bay", "Busia"];
const RURAL_CENTRAL_EAST: &[&str] = &["Kiambu", "Murang'a", "Nyeri", "Machakos", "Kitui", "Makueni", "Meru"];
const COAST: &[&str] = &["Kilifi", "Kwale", "Lamu", "Taita Taveta", "Tana River"];
const GULF: &[&str] = &["Riyadh", "Jeddah", "Dammam", "Dubai", "Abu Dhabi", "Doha", "Muscat", "Kuwait City", "Beirut"];

const PATTERNS: &[Pattern] = &[
    Pattern {
        weight: 30,
        orgs: &[2, 4, 1],
        origins: RURAL_WEST,
        transits: &[&[], &["Kisumu"], &["Nakuru"], &["Kisumu", "Nakuru"]],
        destinations: &["Nairobi", "Eastleigh", "Kawangware", "Kibera", "Westlands"],
        exploitation_abroad: false,
        types: &[E::DomesticServitude, E::DomesticServitude, E::SexualExploitation, E::ChildLabour],
        sectors: &[Sector::Households, Sector::Households, Sector::Hospitality],
        transport: &[T::BusMatatu, T::BusMatatu, T::PrivateCar],
        recruitment: &[Rec::Family, Rec::Friends, Rec::FalseJobOffer, Rec::BrokerAgent],
        relationship: &[Rel::Family, Rel::Acquaintance, Rel::Friend],
        from_round: 0,
    },
    Pattern {
        weight: 20,
        orgs: &[2, 4],
        origins: RURAL_CENTRAL_EAST,
        transits: &[&[], &["Thika"], &["Machakos"]],
        destinations: &["Nairobi", "Mathare", "Kayole"],
        exploitation_abroad: false,
        types: &[E::DomesticServitude, E::SexualExploitation, E::ForcedLabour],
        sectors: &[Sector::Households, Sector::Hospitality, Sector::Trade],
        transport: &[T::BusMatatu, T::MotorcycleBodaBoda],
        recruitment: &[Rec::Family, Rec::FalseJobOffer, Rec::SocialMedia],
        relationship: &[Rel::Family, Rel::Friend, Rel::Employer],
        from_round: 0,
    },
    Pattern {
        weight: 18,
        orgs: &[0, 4],
        origins: COAST,
        transits: &[&[], &["Voi"], &["Malindi"]],
        destinations: &["Mombasa", "Malindi", "Diani", "Watamu", "Likoni"],
        exploitation_abroad: false,
        types: &[E::SexualExploitation, E::SexualExploitation, E::DomesticServitude, E::ChildLabour],
        sectors: &[Sector::Hospitality, Sector::Entertainment, Sector::Households],
        transport: &[T::BusMatatu, T::MotorcycleBodaBoda, T::BoatFerry],
        recruitment: &[Rec::Friends, Rec::PromiseOfMarriage, Rec::BrokerAgent],
        relationship: &[Rel::Acquaintance, Rel::IntimatePartner, Rel::Friend],
        from_round: 0,
    },
    Pattern {
        weight: 14,
        orgs: &[1, 2],
        origins: &["Kampala", "Jinja", "Mbale", "Tororo"],
        transits: &[&["Busia"], &["Malaba"], &["Busia", "Nakuru"], &["Malaba", "Eldoret"]],
        destinations: &["Nairobi", "Eastleigh", "Nakuru"],
        exploitation_abroad: false,
        types: &[E::DomesticServitude, E::SexualExploitation, E::ForcedLabour],
        sectors: &[Sector::Households, Sector::Hospitality, Sector::Agriculture],
        transport: &[T::TruckLorry, T::BusMatatu, T::OnFoot],
        recruitment: &[Rec::BrokerAgent, Rec::FalseJobOffer, Rec::Friends],
        relationship: &[Rel::RecruitmentAgent, Rel::Stranger, Rel::Acquaintance],
        from_round: 0,
    },
    Pattern {
        weight: 12,
        orgs: &[3, 2],
        origins: &["Mogadishu", "Kismayo", "Dire Dawa", "Addis Ababa", "Hargeisa", "Mandera", "Wajir"],
        transits: &[
            &["Mandera", "Garissa"],
            &["Moyale", "Marsabit", "Isiolo"],
            &["Liboi", "Garissa"],
            &["Garissa", "Mwingi"],
        ],
        destinations: &["Nairobi", "Eastleigh", "Johannesburg"],
        exploitation_abroad: false,
        types: &[E::ForcedLabour, E::DomesticServitude, E::SexualExploitation],
        sectors: &[Sector::Trade, Sector::Households, Sector::Construction],
        transport: &[T::TruckLorry, T::OnFoot, T::BusMatatu],
        recruitment: &[Rec::BrokerAgent, Rec::Family, Rec::FalseJobOffer],
        relationship: &[Rel::RecruitmentAgent, Rel::Family, Rel::Stranger],
        from_round: 0,
    },
    Pattern {
        weight: 22,
        orgs: &[2, 0, 4, 5],
        origins: &["Kakamega", "Kisii", "Kiambu", "Nakuru", "Mombasa", "Bungoma", "Meru", "Kitui", "Kisumu"],
        transits: &[&["Nairobi"], &["Nairobi", "JKIA"], &["Mombasa"], &["Nairobi", "Addis Ababa"]],
        destinations: GULF,
        exploitation_abroad: true,
        types: &[E::DomesticServitude, E::DomesticServitude, E::ForcedLabour, E::SexualExploitation],
        sectors: &[Sector::Households, Sector::Households, Sector::Construction, Sector::Hospitality],
        transport: &[T::Air, T::Air, T::BusMatatu],
        recruitment: &[Rec::RecruitmentAgency, Rec::FalseJobOffer, Rec::BrokerAgent, Rec::SocialMedia],
        relationship: &[Rel::RecruitmentAgent, Rel::Friend, Rel::Family],
        from_round: 0,
    },
    Pattern {
        weight: 8,
        orgs: &[0, 1],
        origins: &["Arusha", "Dar es Salaam", "Tanga", "Moshi"],
        transits: &[&["Namanga"], &["Isebania", "Kisii"], &["Lunga Lunga"], &["Taveta", "Voi"]],
        destinations: &["Nairobi", "Mombasa", "Kisumu"],
        exploitation_abroad: false,
        types: &[E::DomesticServitude, E::ChildLabour, E::SexualExploitation],
        sectors: &[Sector::Households, Sector::Agriculture, Sector::Hospitality],
        transport: &[T::BusMatatu, T::OnFoot, T::MotorcycleBodaBoda],
        recruitment: &[Rec::Family, Rec::Friends, Rec::FalseJobOffer],
        relationship: &[Rel::Family, Rel::Acquaintance],
        from_round: 0,
    },
    Pattern {
        weight: 7,
        orgs: &[2, 5],
        origins: &["Nairobi", "Mombasa", "Nakuru", "Eldoret"],
        transits: &[
            &["Nairobi", "Dubai", "Bangkok"],
            &["JKIA", "Doha", "Bangkok"],
            &["Nairobi", "Addis Ababa", "Istanbul"],
        ],
        destinations: &["Myawaddy", "Bangkok", "Yangon", "Istanbul", "Athens", "Rome"],
        exploitation_abroad: true,
        types: &[E::ForcedCriminality, E::ForcedCriminality, E::ForcedLabour],
        sectors: &[Sector::Information, Sector::Information, Sector::Hospitality],
        transport: &[T::Air],
        recruitment: &[Rec::OnlineAdvert, Rec::SocialMedia, Rec::FalseJobOffer],
        relationship: &[Rel::RecruitmentAgent, Rel::Stranger, Rel::Friend],
        from_round: 1,
    },
];

/// Spellings as they really arrive: abbreviations, qualifiers, typos. Kept as reported; later
/// issues resolve them.
fn messy(rng: &mut Rng, clean: &str) -> String {
    let variants: &[&str] = match clean {
        "Nairobi" => &["Nrb", "NAIROBI CBD", "Nairobi City County", "Nairbi", "nairobi"],
        "Mombasa" => &["Msa", "Mombasa town", "MOMBASA"],
        "Busia" => &["Busia border", "Busia, Kenya"],
        "Malaba" => &["Malaba border", "malaba"],
        "Riyadh" => &["KSA", "Saudia", "Riyadh, KSA", "Saudi Arabia"],
        "Jeddah" => &["Jedah", "Jiddah"],
        "Dubai" => &["Dubai, UAE", "UAE", "Dubai UAE"],
        "Kakamega" => &["Kakamega county", "Kakamega town"],
        "Eastleigh" => &["Eastleigh section 2", "Eastleigh Nairobi"],
        "Kisii" => &["Kisii town", "Kisi"],
        "Garissa" => &["Garisa", "Garissa town"],
        "Mandera" => &["Mandera town", "Mandera border"],
        "Murang'a" => &["Muranga", "Murang'a county"],
        "Beirut" => &["Lebanon", "Beirut, Lebanon"],
        "Doha" => &["Qatar"],
        _ => &[],
    };
    if !variants.is_empty() && rng.chance(25) {
        rng.pick(variants).to_string()
    } else {
        clean.to_string()
    }
}

fn stop(rng: &mut Rng, name: &str) -> Stop {
    Stop::reported(StopText::parse(&messy(rng, name)).expect("demo place names are valid"))
}

fn some_of<X: Copy + Ord>(rng: &mut Rng, items: &[X], max: usize) -> BTreeSet<X> {
    let n = 1 + rng.below(max);
    (0..n).map(|_| *rng.pick(items)).collect()
}

/// Generates `per_round` reports for each round. Organisation and round ids are the stored ones, in
/// the order of [`organisations`] and [`rounds`]. About one report in twenty is a second
/// organisation's account of a route another one also reported, as happens in real collections.
pub fn reports(orgs: &[OrganisationId], round_ids: &[RoundId], per_round: usize, seed: u64) -> Vec<RouteReport> {
    let mut rng = Rng::new(seed);
    let total_weight: usize = PATTERNS.iter().map(|p| p.weight).sum();
    let mut out: Vec<RouteReport> = Vec::with_capacity(per_round * round_ids.len());
    let mut serial = vec![0usize; orgs.len()];
    for (round_index, &round) in round_ids.iter().enumerate() {
        let year = 2019 + round_index as u16;
        let start_of_round = out.len();
        for _ in 0..per_round {
            let org_slot;
            let mut draft;
            // Corroborated duplicates: another organisation reports a route already in this round.
            if out.len() > start_of_round + 10 && rng.chance(5) {
                let earlier = out[start_of_round + rng.below(out.len() - start_of_round)].clone().into_draft();
                let other = (0..orgs.len()).find(|&i| orgs[i] != earlier.organisation && rng.chance(50)).unwrap_or(0);
                org_slot = other;
                draft = earlier;
                draft.organisation = orgs[other];
                draft.victims = draft.victims.and_then(|v| NonZeroU32::new(v.get() + rng.below(5) as u32));
                draft.profile = Profile::default();
                draft.status = ReviewStatus::Submitted;
            } else {
                let mut pick = rng.below(total_weight);
                let pattern = PATTERNS
                    .iter()
                    .find(|p| {
                        if pick < p.weight {
                            true
                        } else {
                            pick -= p.weight;
                            false
                        }
                    })
                    .expect("weights add up");
                let pattern = if pattern.from_round > round_index { &PATTERNS[5] } else { pattern };
                org_slot = *rng.pick(pattern.orgs) % orgs.len();
                let origin = *rng.pick(pattern.origins);
                let transit: Vec<Stop> =
                    rng.pick(pattern.transits).iter().filter(|t| **t != origin).map(|t| stop(&mut rng, t)).collect();
                let end = *rng.pick(pattern.destinations);
                let (destination, exploitation) = if pattern.exploitation_abroad || rng.chance(60) {
                    (Some(stop(&mut rng, end)), if rng.chance(50) { Some(stop(&mut rng, end)) } else { None })
                } else {
                    (None, Some(stop(&mut rng, end)))
                };
                let journey = Journey::new(stop(&mut rng, origin), transit, destination, exploitation)
                    .expect("an end point is set");
                let victims = if rng.chance(12) { None } else { NonZeroU32::new(1 + rng.below(35) as u32) };
                let profile = match victims {
                    Some(v) if rng.chance(60) => {
                        let v = v.get();
                        let female = (v * (50 + rng.below(50) as u32)) / 100;
                        let children = (v * rng.below(40) as u32) / 100;
                        Profile {
                            female: Some(female),
                            male: Some(v - female),
                            other_gender: None,
                            children: Some(children),
                            adults: Some(v - children),
                        }
                    }
                    _ => Profile::default(),
                };
                let first = 1 + rng.below(9) as u8;
                draft = ReportDraft {
                    organisation: orgs[org_slot],
                    round,
                    report_id: None,
                    journey,
                    exploitation_types: some_of(&mut rng, pattern.types, 2),
                    sectors: some_of(&mut rng, pattern.sectors, 2),
                    transport_modes: some_of(&mut rng, pattern.transport, 2),
                    recruitment_methods: some_of(&mut rng, pattern.recruitment, 2),
                    recruiter_relationships: some_of(&mut rng, pattern.relationship, 1),
                    victims,
                    victims_below: None,
                    profile,
                    period_start: YearMonth::new(year, first),
                    period_end: YearMonth::new(year, first + rng.below(4) as u8),
                    source: *rng.pick(&[
                        KnowledgeSource::SurvivorCase,
                        KnowledgeSource::SurvivorCase,
                        KnowledgeSource::Outreach,
                        KnowledgeSource::Hotline,
                    ]),
                    confidence: *rng.pick(&[Confidence::High, Confidence::Medium, Confidence::Medium, Confidence::Low]),
                    notes: None,
                    status: if rng.chance(30) { ReviewStatus::Verified } else { ReviewStatus::Submitted },
                };
                if rng.chance(10) {
                    draft.notes = Notes::parse("Synthetic demonstration record: not real data.").ok();
                }
            }
            serial[org_slot] += 1;
            draft.report_id = Some(
                ReportRef::parse(&format!("DEMO-{}-{year}-{:04}", org_slot + 1, serial[org_slot])).expect("valid ref"),
            );
            out.push(RouteReport::new(draft).expect("generated reports are consistent"));
        }
    }
    out
}

/// The dataset `vjt demo` loads: a few hundred reports over two rounds.
pub const STANDARD_PER_ROUND: usize = 160;
pub const STANDARD_SEED: u64 = 2019_2020;

/// Writes `rows` generated reports as a CSV in the import template's layout (its English
/// header), for benchmarks and large-file tests. Organisations and rounds are named as
/// [`organisations`] and [`rounds`] name them; references are `B-0`, `B-1`, ….
pub fn template_csv(out: &mut impl std::io::Write, rows: usize) -> std::io::Result<()> {
    use vjt_domain::vocab::join_codes;
    let orgs = organisations();
    let round_list = rounds();
    let org_ids: Vec<_> = (1..=orgs.len() as i64).map(OrganisationId).collect();
    let round_ids: Vec<_> = (1..=round_list.len() as i64).map(RoundId).collect();
    let header: Vec<&str> = vjt_domain::Field::ALL.iter().map(|f| f.code()).collect();
    writeln!(out, "{}", header.join(","))?;
    let (mut written, mut seed) = (0, 1);
    while written < rows {
        let n = 10_000.min(rows - written) / 2 + 1;
        for r in reports(&org_ids, &round_ids, n, seed) {
            if written == rows {
                break;
            }
            let j = &r.journey;
            let text = |s: Option<&vjt_domain::Stop>| s.map(|s| s.text.to_string()).unwrap_or_default();
            let num = |n: Option<u32>| n.map(|v| v.to_string()).unwrap_or_default();
            // In Field::ALL's order.
            let cells = [
                format!("B-{written}"),
                orgs[(r.organisation.0 - 1) as usize].name.to_string(),
                round_list[(r.round.0 - 1) as usize].name.to_string(),
                j.origin().text.to_string(),
                j.transit().iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(";"),
                text(j.destination()),
                text(j.exploitation()),
                join_codes(&r.exploitation_types),
                join_codes(&r.sectors),
                join_codes(&r.transport_modes),
                join_codes(&r.recruitment_methods),
                join_codes(&r.recruiter_relationships),
                num(r.victims.map(|v| v.get())),
                num(r.profile.female),
                num(r.profile.male),
                num(r.profile.children),
                num(r.profile.adults),
                r.period_start.map(|m| m.to_string()).unwrap_or_default(),
                r.period_end.map(|m| m.to_string()).unwrap_or_default(),
                r.source.to_string(),
                r.confidence.to_string(),
                r.notes.as_ref().map(|n| n.to_string()).unwrap_or_default(),
            ];
            let quoted: Vec<String> = cells
                .iter()
                .map(|c| if c.contains([',', '"']) { format!("\"{}\"", c.replace('"', "\"\"")) } else { c.clone() })
                .collect();
            writeln!(out, "{}", quoted.join(","))?;
            written += 1;
        }
        seed += 1;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn ids() -> (Vec<OrganisationId>, Vec<RoundId>) {
        ((1..=6).map(OrganisationId).collect(), vec![RoundId(1), RoundId(2)])
    }

    #[test]
    fn the_same_seed_gives_the_same_dataset() {
        let (o, r) = ids();
        assert_eq!(reports(&o, &r, 50, 7), reports(&o, &r, 50, 7));
        assert_ne!(reports(&o, &r, 50, 7), reports(&o, &r, 50, 8));
    }

    #[test]
    fn the_standard_dataset_echoes_the_known_patterns() {
        let (o, r) = ids();
        let all = reports(&o, &r, STANDARD_PER_ROUND, STANDARD_SEED);
        assert_eq!(all.len(), 2 * STANDARD_PER_ROUND);
        // Report ids are unique per organisation, and every one is marked as demo data.
        let mut seen = std::collections::HashSet::new();
        for rep in &all {
            let reference = rep.report_id.as_ref().unwrap().to_string();
            assert!(reference.starts_with("DEMO-"));
            assert!(seen.insert((rep.organisation, reference)));
        }
        // Domestic servitude and sexual exploitation are the two most reported types.
        let mut by_type: HashMap<E, usize> = HashMap::new();
        for rep in &all {
            for t in &rep.exploitation_types {
                *by_type.entry(*t).or_default() += 1;
            }
        }
        let mut ranked: Vec<(E, usize)> = by_type.into_iter().collect();
        ranked.sort_by_key(|x| std::cmp::Reverse(x.1));
        let top: BTreeSet<E> = ranked.iter().take(2).map(|x| x.0).collect();
        assert_eq!(top, BTreeSet::from([E::DomesticServitude, E::SexualExploitation]));
        // Messy spellings and the western and north-eastern crossings are present.
        let texts: Vec<String> =
            all.iter().flat_map(|r| r.journey.stops().map(|(_, s)| s.text.to_string()).collect::<Vec<_>>()).collect();
        for expected in ["Busia", "Malaba", "Garissa", "Moyale", "Nrb"] {
            assert!(texts.iter().any(|t| t.starts_with(expected)), "no stop like {expected}");
        }
        // Some routes are reported by two organisations (same journey, different organisation).
        let mut journeys: HashMap<String, BTreeSet<OrganisationId>> = HashMap::new();
        for rep in &all {
            journeys.entry(format!("{:?}{:?}", rep.round, rep.journey)).or_default().insert(rep.organisation);
        }
        assert!(journeys.values().filter(|orgs| orgs.len() > 1).count() >= 3);
        // Scam-compound routes appear only in the second round.
        assert!(all.iter().any(|r| r.round == RoundId(2) && r.exploitation_types.contains(&E::ForcedCriminality)));
        assert!(!all.iter().any(|r| r.round == RoundId(1) && r.exploitation_types.contains(&E::ForcedCriminality)));
    }
}
