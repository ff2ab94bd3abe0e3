//! The analysis itself: one pass over the reports for role counts at every roll-up level, then
//! corridors, hubs, breakdowns, duplicates, the risk index and the trend between rounds.

use std::collections::{BTreeMap, HashMap, HashSet};

use vjt_domain::vocab::Vocabulary;
use vjt_domain::{
    Confidence, ExploitationType, KnowledgeSource, RecruiterRelationship, RecruitmentMethod, Sector, TransportMode,
};
use vjt_gazetteer::{place_at, Gazetteer, PlaceIx, PlaceKind};

use crate::dataset::{Dataset, ReportFact, DESTINATION, EXPLOITATION, ORIGIN, TRANSIT, UNRESOLVED};
use crate::duplicates::{self, Decision};
use crate::fasthash::{FastMap, FastSet};
use crate::output::*;
use crate::risk::{score, RiskInputs, RiskWeights};

/// Roles as counted: the four stop roles, then "destination or exploitation", then "any".
const ROLES: usize = 6;
const END: usize = 4;
const ANY: usize = 5;

/// A growable set of organisation numbers.
#[derive(Clone, Default)]
struct OrgSet(Vec<u64>);

impl OrgSet {
    fn insert(&mut self, org: u16) {
        let (word, bit) = (org as usize / 64, org % 64);
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1 << bit;
    }
    fn len(&self) -> u64 {
        self.0.iter().map(|w| u64::from(w.count_ones())).sum()
    }
    fn members(&self) -> impl Iterator<Item = usize> + '_ {
        self.0
            .iter()
            .enumerate()
            .flat_map(|(word, bits)| (0..64).filter(move |b| bits & (1 << b) != 0).map(move |b| word * 64 + b))
    }
}

#[derive(Clone, Default)]
struct Acc {
    reports: u64,
    victims: u64,
    orgs: OrgSet,
}

impl Acc {
    fn add(&mut self, r: &ReportFact) {
        self.reports += 1;
        self.victims += u64::from(r.victims);
        self.orgs.insert(r.organisation);
    }
    fn stat(&self) -> RoleStat {
        RoleStat { reports: self.reports, victims: self.victims, organisations: self.orgs.len() }
    }
}

/// Per-place chains of ancestors (the place first), worked out once per place met.
struct Chains<'g> {
    g: &'g Gazetteer,
    chains: Vec<Option<Vec<u32>>>,
}

impl<'g> Chains<'g> {
    fn new(g: &'g Gazetteer) -> Self {
        Chains { g, chains: vec![None; g.len()] }
    }
    fn of(&mut self, place: u32) -> &[u32] {
        let g = self.g;
        self.chains[place as usize]
            .get_or_insert_with(|| g.ancestry(ix(g, place)).into_iter().map(vjt_gazetteer::place_index).collect())
    }
}

fn ix(g: &Gazetteer, n: u32) -> PlaceIx {
    place_at(g, n).expect("place numbers come from the gazetteer")
}

/// County in Kenya, country elsewhere: the level at which corridors and hubs are read.
fn area(g: &Gazetteer, place: u32) -> Option<u32> {
    let p = ix(g, place);
    g.county_of(p).or_else(|| g.country_of(p)).or(Some(p)).map(vjt_gazetteer::place_index)
}

fn country(g: &Gazetteer, place: u32) -> Option<u32> {
    let p = ix(g, place);
    g.country_of(p).or(Some(p)).map(vjt_gazetteer::place_index)
}

/// The top-level world region above a place (a region itself, for a region).
fn world_region(g: &Gazetteer, place: u32) -> Option<String> {
    let chain = g.ancestry(ix(g, place));
    chain.iter().rev().find(|p| g.place(**p).kind == PlaceKind::WorldRegion).map(|p| g.place(*p).name.clone())
}

/// The analysis options beside the filter.
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub risk: RiskWeights,
    /// Coordinator decisions on duplicate clusters, by cluster key.
    pub decisions: HashMap<String, Decision>,
    /// How many corridors, hubs and unresolved texts to list.
    pub top: Option<usize>,
}

pub(crate) fn end_stop(stops: &[crate::dataset::StopFact]) -> Option<&crate::dataset::StopFact> {
    stops.iter().rev().find(|s| s.role == EXPLOITATION).or_else(|| stops.iter().rev().find(|s| s.role == DESTINATION))
}

struct Counts {
    by_place: Vec<[Acc; ROLES]>,
    corroborated: Vec<u64>,
}

/// Role counts for the chosen reports at every level. A report counts once per role per area.
fn count_roles(data: &Dataset<'_>, chosen: &[usize], corroborated: &[bool], chains: &mut Chains<'_>) -> Counts {
    let g = data.gazetteer;
    let mut by_place: Vec<[Acc; ROLES]> = vec![Default::default(); g.len()];
    let mut corr = vec![0u64; g.len()];
    // stamp[area][role] = the last report (1-based) counted there: a report counts once per role
    // per area without sorting its stops.
    let mut stamp: Vec<[u32; ROLES]> = vec![[0; ROLES]; g.len()];
    for (k, &i) in chosen.iter().enumerate() {
        let r = &data.reports[i];
        let mark = k as u32 + 1;
        for s in data.stops_of(r) {
            if s.place == UNRESOLVED {
                continue;
            }
            let end = s.role == DESTINATION || s.role == EXPLOITATION;
            for &a in chains.of(s.place) {
                let slot = &mut stamp[a as usize];
                let acc = &mut by_place[a as usize];
                for role in [s.role as usize, END, ANY] {
                    if role == END && !end {
                        continue;
                    }
                    if slot[role] != mark {
                        slot[role] = mark;
                        acc[role].add(r);
                        if role == ANY && corroborated[i] {
                            corr[a as usize] += 1;
                        }
                    }
                }
            }
        }
    }
    Counts { by_place, corroborated: corr }
}

fn roles_of(acc: &[Acc; ROLES]) -> Roles {
    Roles {
        origin: acc[ORIGIN as usize].stat(),
        transit: acc[TRANSIT as usize].stat(),
        destination: acc[DESTINATION as usize].stat(),
        exploitation: acc[EXPLOITATION as usize].stat(),
    }
}

fn risk_inputs(counts: &Counts, place: u32) -> RiskInputs {
    let a = &counts.by_place[place as usize];
    RiskInputs {
        origin: a[ORIGIN as usize].reports,
        transit: a[TRANSIT as usize].reports,
        destination: a[END].reports,
        victims: a[ANY].victims,
        organisations: a[ANY].orgs.len(),
        corroborated: counts.corroborated[place as usize],
    }
}

fn names<T: Vocabulary>(bitset: u32) -> impl Iterator<Item = T> {
    T::all().iter().enumerate().filter(move |(i, _)| bitset & (1 << i) != 0).map(|(_, t)| *t)
}

/// Counts of every vocabulary field for a group of reports, filled in one pass.
#[derive(Clone, Default)]
struct VocabAcc {
    reports: u64,
    counts: [[u64; 32]; 7],
    not_given: [u64; 7],
}

impl VocabAcc {
    fn add(&mut self, r: &ReportFact) {
        self.reports += 1;
        let fields =
            [r.exploitation, r.sectors, r.transport, r.recruitment, r.relation, 1 << r.source, 1 << r.confidence];
        for (k, bits) in fields.into_iter().enumerate() {
            if bits == 0 {
                self.not_given[k] += 1;
            }
            let mut b = bits;
            while b != 0 {
                self.counts[k][b.trailing_zeros() as usize] += 1;
                b &= b - 1;
            }
        }
    }

    fn field<T: Vocabulary>(&self, k: usize) -> CodeCounts {
        CodeCounts {
            counts: T::all().iter().enumerate().map(|(i, t)| (t.code().to_string(), self.counts[k][i])).collect(),
            not_given: self.not_given[k],
            reports: self.reports,
        }
    }

    fn finish(&self) -> VocabBreakdown {
        VocabBreakdown {
            exploitation_types: self.field::<ExploitationType>(0),
            sectors: self.field::<Sector>(1),
            transport_modes: self.field::<TransportMode>(2),
            recruitment_methods: self.field::<RecruitmentMethod>(3),
            recruiter_relationships: self.field::<RecruiterRelationship>(4),
            source: self.field::<KnowledgeSource>(5),
            confidence: self.field::<Confidence>(6),
        }
    }
}

fn period_label(r: &ReportFact) -> Option<String> {
    match (r.period_start, r.period_end) {
        (Some(a), Some(b)) if a.year() == b.year() => Some(a.year().to_string()),
        (Some(a), Some(b)) => Some(format!("{}-{}", a.year(), b.year())),
        (Some(a), None) | (None, Some(a)) => Some(a.year().to_string()),
        (None, None) => None,
    }
}

fn overall_breakdown(data: &Dataset<'_>, chosen: &[usize]) -> Breakdowns {
    let g = data.gazetteer;
    let mut gender = GenderCounts::default();
    let mut age = AgeCounts::default();
    let mut period: BTreeMap<String, u64> = BTreeMap::new();
    let mut period_missing = 0;
    let mut origin_region: BTreeMap<String, u64> = BTreeMap::new();
    let mut end_region: BTreeMap<String, u64> = BTreeMap::new();
    let mut region_cache: HashMap<u32, Option<String>> = HashMap::new();
    for &i in chosen {
        let r = &data.reports[i];
        if r.female.is_some() || r.male.is_some() || r.other_gender.is_some() {
            gender.reports_with += 1;
            gender.female += u64::from(r.female.unwrap_or(0));
            gender.male += u64::from(r.male.unwrap_or(0));
            gender.other += u64::from(r.other_gender.unwrap_or(0));
        } else {
            gender.reports_without += 1;
        }
        if r.children.is_some() || r.adults.is_some() {
            age.reports_with += 1;
            age.children += u64::from(r.children.unwrap_or(0));
            age.adults += u64::from(r.adults.unwrap_or(0));
        } else {
            age.reports_without += 1;
        }
        match period_label(r) {
            Some(l) => *period.entry(l).or_default() += 1,
            None => period_missing += 1,
        }
        let stops = data.stops_of(r);
        let mut region_of = |place: u32| -> String {
            if place == UNRESOLVED {
                return "unknown".into();
            }
            region_cache
                .entry(place)
                .or_insert_with(|| world_region(g, place))
                .clone()
                .unwrap_or_else(|| "unknown".into())
        };
        let origin = stops.iter().find(|s| s.role == ORIGIN).map_or(UNRESOLVED, |s| s.place);
        *origin_region.entry(region_of(origin)).or_default() += 1;
        let end = end_stop(stops).map_or(UNRESOLVED, |s| s.place);
        *end_region.entry(region_of(end)).or_default() += 1;
    }
    let mut vocab = VocabAcc::default();
    for &i in chosen {
        vocab.add(&data.reports[i]);
    }
    Breakdowns {
        vocab: vocab.finish(),
        gender,
        age,
        period: LabelCounts { counts: period, not_given: period_missing },
        origin_world_region: origin_region,
        end_world_region: end_region,
    }
}

/// Corridor accumulators, by (from, to).
type CorridorMap = FastMap<(u32, u32), Acc>;

fn corridor_list(g: &Gazetteer, map: &CorridorMap, top: usize) -> Vec<Corridor> {
    let mut list: Vec<(&(u32, u32), &Acc)> = map.iter().collect();
    list.sort_by(|a, b| b.1.reports.cmp(&a.1.reports).then(b.1.victims.cmp(&a.1.victims)).then(a.0.cmp(b.0)));
    list.into_iter()
        .take(top)
        .map(|(&(from, to), acc)| Corridor {
            from: PlaceRef::of(g, ix(g, from)),
            to: PlaceRef::of(g, ix(g, to)),
            reports: acc.reports,
            victims: acc.victims,
            organisations: acc.orgs.len(),
        })
        .collect()
}

/// Brandes' betweenness on the directed graph of area-to-area legs, normalised to 0..1.
fn betweenness(nodes: &[u32], edges: &FastSet<(u32, u32)>) -> HashMap<u32, f64> {
    let index: HashMap<u32, usize> = nodes.iter().enumerate().map(|(i, n)| (*n, i)).collect();
    let n = nodes.len();
    let mut adj: Vec<Vec<usize>> = vec![Vec::new(); n];
    for (a, b) in edges {
        adj[index[a]].push(index[b]);
    }
    let mut cb = vec![0.0f64; n];
    for s in 0..n {
        let mut stack = Vec::new();
        let mut pred: Vec<Vec<usize>> = vec![Vec::new(); n];
        let mut sigma = vec![0.0f64; n];
        let mut dist = vec![-1i64; n];
        sigma[s] = 1.0;
        dist[s] = 0;
        let mut queue = std::collections::VecDeque::from([s]);
        while let Some(v) = queue.pop_front() {
            stack.push(v);
            for &w in &adj[v] {
                if dist[w] < 0 {
                    dist[w] = dist[v] + 1;
                    queue.push_back(w);
                }
                if dist[w] == dist[v] + 1 {
                    sigma[w] += sigma[v];
                    pred[w].push(v);
                }
            }
        }
        let mut delta = vec![0.0f64; n];
        while let Some(w) = stack.pop() {
            for &v in &pred[w] {
                delta[v] += sigma[v] / sigma[w] * (1.0 + delta[w]);
            }
            if w != s {
                cb[w] += delta[w];
            }
        }
    }
    let norm = if n > 2 { ((n - 1) * (n - 2)) as f64 } else { 1.0 };
    nodes.iter().enumerate().map(|(i, node)| (*node, cb[i] / norm)).collect()
}

/// Runs the whole analysis over the reports the filter keeps.
pub fn analyze(data: &Dataset<'_>, filter: &crate::Filter, options: &Options) -> Analysis {
    let g = data.gazetteer;
    let top = options.top.unwrap_or(100);
    let chosen: Vec<usize> = (0..data.reports.len()).filter(|&i| filter.keeps(data, &data.reports[i])).collect();
    let mut chains = Chains::new(g);

    // Duplicates first: corroboration feeds the risk index.
    let dup = duplicates::group(data, &chosen, &options.decisions);
    let mut corroborated = vec![false; data.reports.len()];
    for c in dup.clusters.iter().filter(|c| c.status != "split" && c.organisations > 1) {
        for m in &c.members {
            corroborated[m.index] = true;
        }
    }
    let counts = count_roles(data, &chosen, &corroborated, &mut chains);

    // Places at every level with any activity.
    let mut places = Vec::new();
    for (n, acc) in counts.by_place.iter().enumerate() {
        if acc[ANY].reports == 0 {
            continue;
        }
        let p = ix(g, n as u32);
        let place = g.place(p);
        places.push(PlaceActivity {
            id: place.id.clone(),
            name: place.name.clone(),
            kind: place.kind.code(),
            country: g.country_of(p).and_then(|c| g.place(c).iso2.clone()),
            county: g.county_of(p).and_then(|c| g.place(c).county_codes.as_ref().map(|cc| cc.iso.clone())),
            roles: roles_of(acc),
        });
    }
    places.sort_by(|a, b| b.roles.total_reports().cmp(&a.roles.total_reports()).then(a.id.cmp(&b.id)));

    let counties: Vec<CountyActivity> = g
        .counties()
        .into_iter()
        .map(|c| {
            let n = vjt_gazetteer::place_index(c);
            let place = g.place(c);
            let codes = place.county_codes.clone().expect("counties have codes");
            let risk = score(&risk_inputs(&counts, n), &options.risk);
            CountyActivity {
                iso: codes.iso,
                number: codes.number,
                name: place.name.clone(),
                region: g.province_of(c).map(|p| g.place(p).name.clone()).unwrap_or_default(),
                roles: roles_of(&counts.by_place[n as usize]),
                risk_score: risk.score,
                risk_band: risk.band,
                components: risk.components,
                inputs: risk_inputs(&counts, n),
            }
        })
        .collect();

    let mut regions: Vec<RegionActivity> = g
        .places()
        .filter(|(_, p)| p.kind == PlaceKind::Province)
        .map(|(p, place)| {
            let n = vjt_gazetteer::place_index(p);
            let risk = score(&risk_inputs(&counts, n), &options.risk);
            RegionActivity {
                id: place.id.clone(),
                name: place.name.clone(),
                roles: roles_of(&counts.by_place[n as usize]),
                risk_score: risk.score,
                risk_band: risk.band,
                components: risk.components,
            }
        })
        .collect();
    regions.sort_by(|a, b| b.risk_score.total_cmp(&a.risk_score).then(a.id.cmp(&b.id)));

    let mut countries: Vec<CountryActivity> = counts
        .by_place
        .iter()
        .enumerate()
        .filter(|(n, acc)| {
            acc[ANY].reports > 0
                && matches!(g.place(ix(g, *n as u32)).kind, PlaceKind::Country | PlaceKind::WorldRegion)
        })
        .map(|(n, acc)| {
            let place = g.place(ix(g, n as u32));
            CountryActivity {
                code: place.iso2.clone().unwrap_or_else(|| place.id.clone()),
                name: place.name.clone(),
                kind: place.kind.code(),
                roles: roles_of(acc),
            }
        })
        .collect();
    countries.sort_by(|a, b| b.roles.total_reports().cmp(&a.roles.total_reports()).then(a.code.cmp(&b.code)));

    // Corridors (origin → end) and legs (stop → next stop), at three levels.
    let levels: [fn(&Gazetteer, u32) -> Option<u32>; 3] = [|_, p| Some(p), area, country];
    let mut corridor_maps: [CorridorMap; 3] = Default::default();
    let mut leg_maps: [CorridorMap; 3] = Default::default();
    let mut through: FastMap<u32, u64> = FastMap::default();
    let mut area_edges: FastSet<(u32, u32)> = FastSet::default();
    let mut leg_seen: Vec<(usize, u32, u32)> = Vec::new();
    for &i in &chosen {
        let r = &data.reports[i];
        let stops = data.stops_of(r);
        let origin = stops.iter().find(|s| s.role == ORIGIN).map_or(UNRESOLVED, |s| s.place);
        let end = end_stop(stops).map_or(UNRESOLVED, |s| s.place);
        if origin != UNRESOLVED && end != UNRESOLVED {
            for (lvl, f) in levels.iter().enumerate() {
                if let (Some(a), Some(b)) = (f(g, origin), f(g, end)) {
                    corridor_maps[lvl].entry((a, b)).or_default().add(r);
                }
            }
        }
        leg_seen.clear();
        let resolved: Vec<u32> = stops.iter().filter(|s| s.place != UNRESOLVED).map(|s| s.place).collect();
        for pair in resolved.windows(2) {
            for (lvl, f) in levels.iter().enumerate() {
                if let (Some(a), Some(b)) = (f(g, pair[0]), f(g, pair[1])) {
                    if a != b {
                        leg_seen.push((lvl, a, b));
                    }
                }
            }
        }
        leg_seen.sort_unstable();
        leg_seen.dedup();
        for &(lvl, a, b) in &leg_seen {
            leg_maps[lvl].entry((a, b)).or_default().add(r);
            if lvl == 1 {
                area_edges.insert((a, b));
            }
        }
        // Through-flow: areas strictly inside the route's path.
        let mut path: Vec<u32> = resolved.iter().filter_map(|p| area(g, *p)).collect();
        path.dedup();
        if path.len() > 2 {
            let inner: HashSet<u32> =
                path[1..path.len() - 1].iter().copied().filter(|a| *a != path[0] && Some(a) != path.last()).collect();
            for a in inner {
                *through.entry(a).or_default() += 1;
            }
        }
    }
    let mut nodes: Vec<u32> = area_edges.iter().flat_map(|(a, b)| [*a, *b]).collect();
    nodes.sort_unstable();
    nodes.dedup();
    let centrality = betweenness(&nodes, &area_edges);
    let mut hubs: Vec<Hub> = through
        .iter()
        .map(|(a, n)| Hub {
            place: PlaceRef::of(g, ix(g, *a)),
            through_reports: *n,
            centrality: (centrality.get(a).copied().unwrap_or(0.0) * 1000.0).round() / 1000.0,
        })
        .collect();
    hubs.sort_by(|a, b| b.through_reports.cmp(&a.through_reports).then(a.place.id.cmp(&b.place.id)));
    hubs.truncate(top.min(50));

    // Breakdowns: overall, per county of origin, per corridor; cross-tabs.
    let overall = overall_breakdown(data, &chosen);
    let area_corridors = corridor_list(g, &corridor_maps[1], 20);
    let top_corridors: FastMap<(u32, u32), usize> = area_corridors
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let id = |p: &PlaceRef| vjt_gazetteer::place_index(g.by_id(&p.id).expect("listed places exist"));
            ((id(&c.from), id(&c.to)), k)
        })
        .collect();
    let mut per_county: Vec<VocabAcc> = vec![VocabAcc::default(); 48];
    let mut per_corridor: Vec<VocabAcc> = vec![VocabAcc::default(); area_corridors.len()];
    let mut origin_county_cache: FastMap<u32, Option<u8>> = FastMap::default();
    for &i in &chosen {
        let r = &data.reports[i];
        let stops = data.stops_of(r);
        let origin = stops.iter().find(|s| s.role == ORIGIN).map_or(UNRESOLVED, |s| s.place);
        if origin != UNRESOLVED {
            let county = *origin_county_cache.entry(origin).or_insert_with(|| {
                g.county_of(ix(g, origin)).and_then(|c| g.place(c).county_codes.as_ref().map(|cc| cc.number))
            });
            if let Some(n) = county {
                per_county[n as usize].add(r);
            }
        }
        let end = end_stop(stops).map_or(UNRESOLVED, |s| s.place);
        if origin != UNRESOLVED && end != UNRESOLVED {
            if let (Some(a), Some(b)) = (area(g, origin), area(g, end)) {
                if let Some(&k) = top_corridors.get(&(a, b)) {
                    per_corridor[k].add(r);
                }
            }
        }
    }
    let by_origin_county: BTreeMap<String, VocabBreakdown> = g
        .counties()
        .into_iter()
        .filter_map(|c| {
            let codes = g.place(c).county_codes.as_ref()?;
            let acc = &per_county[codes.number as usize];
            (acc.reports > 0).then(|| (codes.iso.clone(), acc.finish()))
        })
        .collect();
    let per_corridor: Vec<CorridorBreakdown> = area_corridors
        .iter()
        .zip(&per_corridor)
        .map(|(c, acc)| CorridorBreakdown { from: c.from.clone(), to: c.to.clone(), breakdown: acc.finish() })
        .collect();
    let transport_by_corridor: Vec<CorridorCounts> = per_corridor
        .iter()
        .map(|c| CorridorCounts { from: c.from.clone(), to: c.to.clone(), counts: c.breakdown.transport_modes.clone() })
        .collect();
    let mut recruitment_by_exploitation: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
    for &i in &chosen {
        let r = &data.reports[i];
        for m in names::<RecruitmentMethod>(r.recruitment) {
            let row = recruitment_by_exploitation.entry(m.code().to_string()).or_default();
            for e in names::<ExploitationType>(r.exploitation) {
                *row.entry(e.code().to_string()).or_default() += 1;
            }
        }
    }

    // Trend: the last two rounds present.
    let trend = trend(data, &chosen, &corroborated, &options.risk, &mut chains);

    // Unresolved texts, counted once per report.
    let mut unresolved: HashMap<u32, u64> = HashMap::new();
    let mut seen: Vec<u32> = Vec::new();
    for &i in &chosen {
        seen.clear();
        for s in data.stops_of(&data.reports[i]) {
            if s.place == UNRESOLVED && !seen.contains(&s.text) {
                seen.push(s.text);
                *unresolved.entry(s.text).or_default() += 1;
            }
        }
    }
    let mut unresolved_places: Vec<UnresolvedText> = unresolved
        .into_iter()
        .map(|(t, n)| UnresolvedText { text: data.unresolved_texts[t as usize].1.clone(), reports: n })
        .collect();
    unresolved_places.sort_by(|a, b| b.reports.cmp(&a.reports).then(a.text.cmp(&b.text)));
    unresolved_places.truncate(top);

    // Totals, as submitted and deduplicated.
    let mut orgs = OrgSet::default();
    let mut rounds: HashSet<u16> = HashSet::new();
    let (mut victims, mut without, mut withheld) = (0u64, 0u64, 0u64);
    for &i in &chosen {
        let r = &data.reports[i];
        orgs.insert(r.organisation);
        rounds.insert(r.round);
        victims += u64::from(r.victims);
        if r.victims == 0 && r.victims_below == 0 {
            without += 1;
        }
        if r.victims_below > 0 {
            withheld += 1;
        }
    }
    let mut organisation_kinds: BTreeMap<String, u64> = BTreeMap::new();
    for org in orgs.members() {
        *organisation_kinds.entry(data.organisations[org].kind.code().to_string()).or_default() += 1;
    }
    let (dedup_reports, dedup_victims) = dup.deduplicated_with(data, chosen.len() as u64, victims);
    let mut duplicates = dup.output(data);
    duplicates.as_submitted = Figures { reports: chosen.len() as u64, victims };
    duplicates.deduplicated = Figures { reports: dedup_reports, victims: dedup_victims };
    Analysis {
        totals: Totals {
            reports: chosen.len() as u64,
            organisations: orgs.len(),
            organisation_kinds,
            rounds: rounds.len() as u64,
            victims,
            reports_without_victims: without,
            reports_with_withheld_counts: withheld,
            distinct_routes: dedup_reports,
            victims_deduplicated: dedup_victims,
        },
        places,
        counties,
        regions,
        countries,
        corridors: Corridors {
            place: corridor_list(g, &corridor_maps[0], top),
            county: corridor_list(g, &corridor_maps[1], top),
            country: corridor_list(g, &corridor_maps[2], top),
            legs: Legs {
                place: corridor_list(g, &leg_maps[0], top),
                county: corridor_list(g, &leg_maps[1], top),
                country: corridor_list(g, &leg_maps[2], top),
            },
        },
        hubs,
        breakdowns: AllBreakdowns {
            overall,
            by_origin_county,
            by_corridor: per_corridor,
            transport_by_corridor,
            recruitment_by_exploitation,
        },
        trend,
        unresolved_places,
        duplicates,
        risk_weights: options.risk,
    }
}

fn trend(
    data: &Dataset<'_>,
    chosen: &[usize],
    corroborated: &[bool],
    weights: &RiskWeights,
    chains: &mut Chains<'_>,
) -> Option<Trend> {
    let g = data.gazetteer;
    let mut present: Vec<u16> = chosen.iter().map(|&i| data.reports[i].round).collect();
    present.sort_unstable();
    present.dedup();
    if present.len() < 2 {
        return None;
    }
    present.sort_by(|a, b| data.rounds[*a as usize].start.cmp(&data.rounds[*b as usize].start));
    let (before, after) = (present[present.len() - 2], present[present.len() - 1]);
    let subset =
        |round: u16| -> Vec<usize> { chosen.iter().copied().filter(|&i| data.reports[i].round == round).collect() };
    let (b_idx, a_idx) = (subset(before), subset(after));
    let (b, a) = (count_roles(data, &b_idx, corroborated, chains), count_roles(data, &a_idx, corroborated, chains));
    let counties = g
        .counties()
        .into_iter()
        .map(|c| {
            let n = vjt_gazetteer::place_index(c);
            let sb = score(&risk_inputs(&b, n), weights).score;
            let sa = score(&risk_inputs(&a, n), weights).score;
            CountyTrend {
                iso: g.place(c).county_codes.as_ref().map(|x| x.iso.clone()).unwrap_or_default(),
                name: g.place(c).name.clone(),
                reports_before: b.by_place[n as usize][ANY].reports,
                reports_after: a.by_place[n as usize][ANY].reports,
                score_before: sb,
                score_after: sa,
                change: ((sa - sb) * 10.0).round() / 10.0,
            }
        })
        .collect();
    let places_in = |idx: &[usize]| -> HashSet<u32> {
        idx.iter()
            .flat_map(|&i| data.stops_of(&data.reports[i]).iter().map(|s| s.place))
            .filter(|p| *p != UNRESOLVED)
            .collect()
    };
    let (pb, pa) = (places_in(&b_idx), places_in(&a_idx));
    let mut new_places: Vec<PlaceRef> = pa.difference(&pb).map(|p| PlaceRef::of(g, ix(g, *p))).collect();
    new_places.sort_by(|x, y| x.name.cmp(&y.name));
    let countries_in = |set: &HashSet<u32>| -> HashSet<u32> {
        set.iter().filter_map(|p| g.country_of(ix(g, *p)).map(vjt_gazetteer::place_index)).collect()
    };
    let (cb, ca) = (countries_in(&pb), countries_in(&pa));
    let mut new_countries: Vec<PlaceRef> = ca.difference(&cb).map(|p| PlaceRef::of(g, ix(g, *p))).collect();
    new_countries.sort_by(|x, y| x.name.cmp(&y.name));
    Some(Trend {
        from_round: data.rounds[before as usize].name.clone(),
        to_round: data.rounds[after as usize].name.clone(),
        counties,
        new_places,
        new_countries,
    })
}
