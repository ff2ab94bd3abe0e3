//! The analysis as running totals. Everything the engine reports is a sum over reports (role
//! counts at every level, corridors, legs, breakdowns, totals, per-round counts for the trend) or
//! is worked out at the end from such sums (risk, hubs, rankings), so a [`Tally`] can take a
//! report in or out at any time and give the whole [`Analysis`] again without reading every
//! report: how a server updates its figures after one submission. Duplicate clusters are kept
//! per group of candidate reports and worked out again only for the groups that changed.

use std::collections::{BTreeMap, HashMap, HashSet};

use vjt_domain::vocab::Vocabulary;
use vjt_domain::{
    Confidence, ExploitationType, KnowledgeSource, RecruiterRelationship, RecruitmentMethod, Sector, TransportMode,
};
use vjt_gazetteer::{Gazetteer, PlaceKind};

use crate::dataset::{Dataset, ReportFact, DESTINATION, EXPLOITATION, NONE, ORIGIN, TRANSIT, UNRESOLVED};
use crate::duplicates::{self, Decision};
use crate::engine::{betweenness, end_stop, ix, Options};
use crate::fasthash::{FastMap, FastSet};
use crate::output::*;
use crate::risk::{score, RiskInputs};
use crate::Filter;

/// Roles as counted: the four stop roles, then "destination or exploitation", then "any".
pub(crate) const ROLES: usize = 6;
pub(crate) const END: usize = 4;
pub(crate) const ANY: usize = 5;

/// +1 to take a report in, -1 to take it out.
type Sign = i64;

fn bump(n: &mut u64, by: i64) {
    *n = n.wrapping_add_signed(by);
}

/// How many of the counted reports each organisation gave, for "how many organisations".
#[derive(Clone, Default, Debug)]
pub(crate) struct OrgCounts(Vec<(u16, u32)>);

impl OrgCounts {
    /// `by` more (or fewer) reports of `org`.
    fn apply_n(&mut self, org: u16, by: i64) {
        match self.0.iter().position(|(o, _)| *o == org) {
            Some(k) => {
                let n = i64::from(self.0[k].1) + by;
                debug_assert!(n >= 0, "more reports taken out than were counted");
                if n <= 0 {
                    self.0.swap_remove(k);
                } else {
                    self.0[k].1 = n as u32;
                }
            }
            None if by > 0 => self.0.push((org, by as u32)),
            None => debug_assert!(by == 0, "an organisation taken out that was never counted"),
        }
    }

    pub(crate) fn len(&self) -> u64 {
        self.0.len() as u64
    }
    fn merge(&mut self, other: &OrgCounts) {
        for &(org, n) in &other.0 {
            match self.0.iter_mut().find(|(o, _)| *o == org) {
                Some(slot) => slot.1 += n,
                None => self.0.push((org, n)),
            }
        }
    }
}

/// Reports, estimated victims and organisations of one role in one area (or one corridor).
#[derive(Clone, Default, Debug)]
pub(crate) struct Acc {
    pub reports: u64,
    pub victims: u64,
    pub orgs: OrgCounts,
}

impl Acc {
    fn stat(&self) -> RoleStat {
        RoleStat { reports: self.reports, victims: self.victims, organisations: self.orgs.len() }
    }
    fn merge(&mut self, other: &Acc) {
        self.reports += other.reports;
        self.victims += other.victims;
        self.orgs.merge(&other.orgs);
    }
    fn add(&mut self, w: &Weight, sign: Sign) {
        bump(&mut self.reports, sign * w.reports as i64);
        bump(&mut self.victims, sign * w.victims as i64);
        for &(org, n) in &w.orgs.0 {
            self.orgs.apply_n(org, sign * i64::from(n));
        }
    }
}

/// Role counts by place number, at every level of the gazetteer above each stop.
#[derive(Clone)]
pub(crate) struct RoleCounts {
    pub by_place: Vec<[Acc; ROLES]>,
    /// Reports of clusters reported by several organisations, by area.
    pub corroborated: Vec<u64>,
}

impl RoleCounts {
    fn new(places: usize) -> Self {
        RoleCounts { by_place: vec![Default::default(); places], corroborated: vec![0; places] }
    }

    /// Adds `other`'s counts to these.
    fn merge(&mut self, other: &RoleCounts) {
        for (mine, theirs) in self.by_place.iter_mut().zip(&other.by_place) {
            if theirs[ANY].reports > 0 {
                for (m, t) in mine.iter_mut().zip(theirs) {
                    m.merge(t);
                }
            }
        }
        for (mine, theirs) in self.corroborated.iter_mut().zip(&other.corroborated) {
            *mine += theirs;
        }
    }

    pub(crate) fn roles(&self, place: u32) -> Roles {
        let acc = &self.by_place[place as usize];
        Roles {
            origin: acc[ORIGIN as usize].stat(),
            transit: acc[TRANSIT as usize].stat(),
            destination: acc[DESTINATION as usize].stat(),
            exploitation: acc[EXPLOITATION as usize].stat(),
        }
    }

    pub(crate) fn any_reports(&self, place: u32) -> u64 {
        self.by_place[place as usize][ANY].reports
    }

    pub(crate) fn risk_inputs(&self, place: u32) -> RiskInputs {
        let a = &self.by_place[place as usize];
        RiskInputs {
            origin: a[ORIGIN as usize].reports,
            transit: a[TRANSIT as usize].reports,
            destination: a[END].reports,
            victims: a[ANY].victims,
            organisations: a[ANY].orgs.len(),
            corroborated: self.corroborated[place as usize],
        }
    }
}

/// Counts of every vocabulary field for a group of reports.
#[derive(Clone, Default)]
pub(crate) struct VocabAcc {
    reports: u64,
    counts: [[u64; 32]; 7],
    not_given: [u64; 7],
}

impl VocabAcc {
    fn apply(&mut self, r: &ReportFact, sign: Sign) {
        bump(&mut self.reports, sign);
        let fields =
            [r.exploitation, r.sectors, r.transport, r.recruitment, r.relation, 1 << r.source, 1 << r.confidence];
        for (k, bits) in fields.into_iter().enumerate() {
            if bits == 0 {
                bump(&mut self.not_given[k], sign);
            }
            let mut b = bits;
            while b != 0 {
                bump(&mut self.counts[k][b.trailing_zeros() as usize], sign);
                b &= b - 1;
            }
        }
    }

    fn merge(&mut self, other: &VocabAcc) {
        self.reports += other.reports;
        for k in 0..7 {
            self.not_given[k] += other.not_given[k];
            for b in 0..32 {
                self.counts[k][b] += other.counts[k][b];
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

/// Corridor accumulators, by (from, to).
type CorridorMap = FastMap<(u32, u32), Acc>;

/// One round's counts: the figures of every round added up, and the trend between the last two.
#[derive(Clone)]
struct RoundTally {
    reports: u64,
    roles: RoleCounts,
    /// Stop places (not rolled up), by how many reports name them.
    places: FastMap<u32, u64>,
}

/// Candidate duplicates: reports sharing a key, with the clusters worked out from them.
#[derive(Default)]
struct Group {
    members: Vec<usize>,
    clusters: Vec<duplicates::Cluster>,
    dirty: bool,
}

/// The analysis as running totals over the reports taken in so far.
pub struct Tally {
    filter: Filter,
    options: Options,
    /// Which reports are counted now, by report index.
    counted: Vec<bool>,
    reports: u64,
    per_round: Vec<RoundTally>,
    /// stamp[area][role] = the mark of the last report counted there, so that a report counts
    /// once per role per area without sorting its stops.
    stamp: Vec<[u32; ROLES]>,
    mark: u32,
    scratch: Contribution,
    corridors: [CorridorMap; 3],
    legs: [CorridorMap; 3],
    through: FastMap<u32, u64>,
    vocab: VocabAcc,
    gender: GenderCounts,
    age: AgeCounts,
    periods: FastMap<(u16, u16), u64>,
    periods_missing: u64,
    origin_region: FastMap<u32, u64>,
    end_region: FastMap<u32, u64>,
    per_county: Vec<VocabAcc>,
    /// By county-or-country corridor (`Journeys::corridors` index).
    per_area_corridor: Vec<VocabAcc>,
    recruitment_rows: [u64; 32],
    recruitment_cells: Box<[[u64; 32]; 32]>,
    unresolved: FastMap<u32, u64>,
    org_reports: Vec<u64>,
    round_reports: Vec<u64>,
    victims: u64,
    without_victims: u64,
    withheld: u64,
    /// Candidate duplicates by what they share: route key, round, exploitation types.
    group_index: FastMap<GroupKey, u32>,
    groups: Vec<Group>,
    /// The group each counted report is in (`NONE` when its route is not resolved), by report.
    group_of: Vec<u32>,
    /// Reports counted as corroborated (in a cluster of several organisations, not split).
    corroborated: Vec<bool>,
}

/// What one report adds to each level: computed once for taking it in and the same way for
/// taking it out, so that both always match. Its buffers are kept between reports.
#[derive(Default)]
struct Contribution {
    /// (area, role) pairs, each once: a report counts once per role per area.
    areas: Vec<(u32, usize)>,
    /// The distinct areas at any role (for corroboration).
    any: Vec<u32>,
    stop_places: Vec<u32>,
    corridors: [Option<(u32, u32)>; 3],
    legs: Vec<(usize, u32, u32)>,
    through: Vec<u32>,
    origin_region: u32,
    end_region: u32,
    unresolved: Vec<u32>,
}

/// Changes in how many reports are corroborated, by journey and round.
enum Changes {
    Few(FastMap<(u32, u16), i64>),
    /// Indexed by journey * rounds + round.
    Many(Vec<i64>),
}

impl Changes {
    fn add(&mut self, shape: u32, round: u16, rounds: usize, by: i64) {
        match self {
            Changes::Few(map) => *map.entry((shape, round)).or_default() += by,
            Changes::Many(table) => table[shape as usize * rounds + round as usize] += by,
        }
    }

    /// The changes that are not zero, in journey and round order.
    fn into_sorted(self, rounds: usize) -> Vec<((u32, u16), i64)> {
        let mut out: Vec<((u32, u16), i64)> = match self {
            Changes::Few(map) => map.into_iter().filter(|(_, n)| *n != 0).collect(),
            Changes::Many(table) => table
                .into_iter()
                .enumerate()
                .filter(|(_, n)| *n != 0)
                .map(|(k, n)| (((k / rounds) as u32, (k % rounds) as u16), n))
                .collect(),
        };
        out.sort_unstable();
        out
    }
}

/// The weight of the reports of each journey and round.
type Weights = FastMap<(u32, u16), Weight>;

/// What candidate duplicates share: route key, round, exploitation types.
type GroupKey = (u32, u16, u32);

/// The weight of reports of one journey and round: how many, their estimates, their
/// organisations, how many are corroborated.
#[derive(Clone, Default, Debug)]
struct Weight {
    reports: u64,
    victims: u64,
    orgs: OrgCounts,
    corroborated: u64,
}

impl Weight {
    fn of(r: &ReportFact) -> Weight {
        Weight {
            reports: 1,
            victims: u64::from(r.victims),
            orgs: OrgCounts(vec![(r.organisation, 1)]),
            corroborated: 0,
        }
    }
    fn add(&mut self, r: &ReportFact) {
        self.reports += 1;
        self.victims += u64::from(r.victims);
        self.orgs.apply_n(r.organisation, 1);
    }
    fn merge(&mut self, other: &Weight) {
        self.reports += other.reports;
        self.victims += other.victims;
        self.orgs.merge(&other.orgs);
        self.corroborated += other.corroborated;
    }
}

impl Tally {
    /// An empty tally for `data`'s reports that `filter` keeps.
    pub fn new(data: &Dataset<'_>, filter: Filter, options: Options) -> Tally {
        Tally {
            filter,
            options,
            counted: with_room(data, false),
            reports: 0,
            per_round: vec![
                RoundTally {
                    reports: 0,
                    roles: RoleCounts::new(data.gazetteer.len()),
                    places: FastMap::default()
                };
                data.rounds.len()
            ],
            stamp: vec![[0; ROLES]; data.gazetteer.len()],
            mark: 0,
            scratch: Contribution::default(),
            corridors: Default::default(),
            legs: Default::default(),
            through: FastMap::default(),
            vocab: VocabAcc::default(),
            gender: GenderCounts::default(),
            age: AgeCounts::default(),
            periods: FastMap::default(),
            periods_missing: 0,
            origin_region: FastMap::default(),
            end_region: FastMap::default(),
            per_county: vec![VocabAcc::default(); 48],
            per_area_corridor: Vec::new(),
            recruitment_rows: [0; 32],
            recruitment_cells: Box::new([[0; 32]; 32]),
            unresolved: FastMap::default(),
            org_reports: vec![0; data.organisations.len()],
            round_reports: vec![0; data.rounds.len()],
            victims: 0,
            without_victims: 0,
            withheld: 0,
            group_index: FastMap::default(),
            groups: Vec::new(),
            group_of: with_room(data, NONE),
            corroborated: with_room(data, false),
        }
    }

    /// A tally of every report of `data` that `filter` keeps. Each report's own figures are
    /// counted on every core; its places are counted once per route shape and round, with the
    /// weight of every report of that shape (most reports share their route with others).
    pub fn of(data: &Dataset<'_>, filter: Filter, options: Options) -> Tally {
        let n = data.reports.len();
        let threads = std::thread::available_parallelism().map_or(1, |p| p.get()).min(8);
        let threads = if n < 20_000 { 1 } else { threads };
        let share = n.div_ceil(threads.max(1)).max(1);
        let count = |k: usize| {
            let mut t = Tally::new(data, filter.clone(), options.clone());
            let mut weights = Weights::default();
            for i in k * share..((k + 1) * share).min(n) {
                if t.admit(data, i) {
                    let r = &data.reports[i];
                    t.apply_report(data, i, 1);
                    weights.entry((r.shape, r.round)).or_default().add(r);
                }
            }
            (t, weights)
        };
        let mut parts: Vec<(Tally, Weights)> = if threads == 1 {
            vec![count(0)]
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = (0..threads).map(|k| scope.spawn(move || count(k))).collect();
                handles.into_iter().map(|h| h.join().expect("a counting thread does not panic")).collect()
            })
        };
        let (mut whole, mut weights) = parts.remove(0);
        for (part, more) in parts {
            whole.merge(part);
            for (k, w) in more {
                weights.entry(k).or_default().merge(&w);
            }
        }
        let mut entries: Vec<((u32, u16), Weight)> = weights.into_iter().collect();
        // The same order whatever the threads did, so that sums of fractions come out the same.
        entries.sort_unstable_by_key(|(k, _)| *k);
        for ((shape, round), w) in entries {
            whole.expand(data, shape, round, &w, 1);
        }
        whole
    }

    /// Adds another tally of other reports of the same dataset to this one (place counts
    /// excepted: those are expanded once the parts are joined).
    fn merge(&mut self, other: Tally) {
        for (mine, theirs) in self.counted.iter_mut().zip(&other.counted) {
            *mine |= *theirs;
        }
        self.reports += other.reports;
        for (mine, theirs) in self.per_round.iter_mut().zip(&other.per_round) {
            mine.reports += theirs.reports;
        }
        self.vocab.merge(&other.vocab);
        let (g, og) = (&mut self.gender, &other.gender);
        g.female += og.female;
        g.male += og.male;
        g.other += og.other;
        g.reports_with += og.reports_with;
        g.reports_without += og.reports_without;
        let (a, oa) = (&mut self.age, &other.age);
        a.children += oa.children;
        a.adults += oa.adults;
        a.reports_with += oa.reports_with;
        a.reports_without += oa.reports_without;
        for (k, n) in &other.periods {
            *self.periods.entry(*k).or_default() += n;
        }
        self.periods_missing += other.periods_missing;
        for (mine, theirs) in self.per_county.iter_mut().zip(&other.per_county) {
            mine.merge(theirs);
        }
        if self.per_area_corridor.len() < other.per_area_corridor.len() {
            self.per_area_corridor.resize(other.per_area_corridor.len(), VocabAcc::default());
        }
        for (mine, theirs) in self.per_area_corridor.iter_mut().zip(&other.per_area_corridor) {
            mine.merge(theirs);
        }
        for m in 0..32 {
            self.recruitment_rows[m] += other.recruitment_rows[m];
            for e in 0..32 {
                self.recruitment_cells[m][e] += other.recruitment_cells[m][e];
            }
        }
        for (mine, theirs) in self.org_reports.iter_mut().zip(&other.org_reports) {
            *mine += theirs;
        }
        for (mine, theirs) in self.round_reports.iter_mut().zip(&other.round_reports) {
            *mine += theirs;
        }
        self.victims += other.victims;
        self.without_victims += other.without_victims;
        self.withheld += other.withheld;
        for (key, g) in other.group_index {
            let group = self.group(key);
            for &m in &other.groups[g as usize].members {
                self.group_of[m] = group;
            }
            let mine = &mut self.groups[group as usize];
            mine.members.extend_from_slice(&other.groups[g as usize].members);
            mine.dirty = true;
        }
    }

    /// The group of candidate duplicates with this key, made if new.
    fn group(&mut self, key: GroupKey) -> u32 {
        let next = self.groups.len() as u32;
        *self.group_index.entry(key).or_insert_with(|| {
            self.groups.push(Group::default());
            next
        })
    }

    pub fn filter(&self) -> &Filter {
        &self.filter
    }

    /// Whether report `i` is counted now.
    pub fn counts(&self, i: usize) -> bool {
        self.counted.get(i).copied().unwrap_or(false)
    }

    /// Marks report `i` counted (and groups it with candidate duplicates) when the filter keeps
    /// it and it is not counted yet; false otherwise.
    fn admit(&mut self, data: &Dataset<'_>, i: usize) -> bool {
        if self.counted.len() < data.reports.len() {
            self.counted.resize(data.reports.len(), false);
            self.corroborated.resize(data.reports.len(), false);
            self.group_of.resize(data.reports.len(), NONE);
        }
        if self.counted[i] || data.removed(i) || !self.filter.keeps(data, &data.reports[i]) {
            return false;
        }
        self.counted[i] = true;
        let r = &data.reports[i];
        let route = data.journey(r).route;
        if route != NONE {
            let group = self.group((route, r.round, r.exploitation));
            self.groups[group as usize].members.push(i);
            self.groups[group as usize].dirty = true;
            self.group_of[i] = group;
        }
        true
    }

    /// Counts report `i` of `data` if the filter keeps it and it is not counted yet.
    pub fn take_in(&mut self, data: &Dataset<'_>, i: usize) {
        if self.admit(data, i) {
            let r = &data.reports[i];
            self.apply_report(data, i, 1);
            self.expand(data, r.shape, r.round, &Weight::of(r), 1);
        }
    }

    /// Stops counting report `i` (before it changes in `data`, or after it was removed).
    pub fn take_out(&mut self, data: &Dataset<'_>, i: usize) {
        if !self.counts(i) {
            return;
        }
        let r = &data.reports[i];
        if self.corroborated[i] {
            self.corroborate(data, i, -1);
            self.corroborated[i] = false;
        }
        self.apply_report(data, i, -1);
        self.expand(data, r.shape, r.round, &Weight::of(r), -1);
        self.counted[i] = false;
        let group = std::mem::replace(&mut self.group_of[i], NONE);
        if group != NONE {
            let group = &mut self.groups[group as usize];
            group.members.retain(|&m| m != i);
            group.dirty = true;
        }
    }

    /// Counts the reports of `data` it does not count yet (after the dataset grew).
    pub fn catch_up(&mut self, data: &Dataset<'_>) {
        for i in self.counted.len()..data.reports.len() {
            self.take_in(data, i);
        }
    }

    /// Fills `c` with what a journey adds at every level (its buffers are reused).
    fn contribution(&mut self, data: &Dataset<'_>, shape: u32, c: &mut Contribution) {
        let places = &data.places;
        let stops = data.shape_stops(shape);
        self.mark = self.mark.wrapping_add(1);
        if self.mark == 0 {
            // After four billion journeys the marks start again: forget the old ones first.
            self.stamp.iter_mut().for_each(|s| *s = [0; ROLES]);
            self.mark = 1;
        }
        let mark = self.mark;
        c.areas.clear();
        c.any.clear();
        c.stop_places.clear();
        c.unresolved.clear();
        c.legs.clear();
        c.through.clear();
        for s in stops {
            if s.place == UNRESOLVED {
                if !c.unresolved.contains(&s.text) {
                    c.unresolved.push(s.text);
                }
                continue;
            }
            c.stop_places.push(s.place);
            let end = s.role == DESTINATION || s.role == EXPLOITATION;
            for &a in places.chain(s.place) {
                let slot = &mut self.stamp[a as usize];
                for role in [s.role as usize, END, ANY] {
                    if (role == END && !end) || slot[role] == mark {
                        continue;
                    }
                    slot[role] = mark;
                    c.areas.push((a, role));
                    if role == ANY {
                        c.any.push(a);
                    }
                }
            }
        }
        let origin = stops.iter().find(|s| s.role == ORIGIN).map_or(UNRESOLVED, |s| s.place);
        let end = end_stop(stops).map_or(UNRESOLVED, |s| s.place);
        c.corridors = [None; 3];
        if origin != UNRESOLVED && end != UNRESOLVED {
            c.corridors = [
                Some((origin, end)),
                Some((places.area(origin), places.area(end))),
                Some((places.country(origin), places.country(end))),
            ];
        }
        for pair in c.stop_places.windows(2) {
            let levels = [
                (pair[0], pair[1]),
                (places.area(pair[0]), places.area(pair[1])),
                (places.country(pair[0]), places.country(pair[1])),
            ];
            for (lvl, (a, b)) in levels.into_iter().enumerate() {
                if a != b && !c.legs.contains(&(lvl, a, b)) {
                    c.legs.push((lvl, a, b));
                }
            }
        }
        // Through-flow: areas strictly inside the route's path.
        let n = c.stop_places.len();
        if n > 2 {
            let area = |k: usize| places.area(c.stop_places[k]);
            let (first, last) = (area(0), area(n - 1));
            let mut previous = first;
            for k in 1..n {
                let a = area(k);
                // Consecutive repeats are one step of the path; the last step is the end.
                if a == previous {
                    continue;
                }
                previous = a;
                if a != first && a != last && !c.through.contains(&a) {
                    c.through.push(a);
                }
            }
        }
        c.stop_places.sort_unstable();
        c.stop_places.dedup();
        let region = |p: u32| if p == UNRESOLVED { UNRESOLVED } else { places.world_region(p) };
        c.origin_region = region(origin);
        c.end_region = region(end);
    }

    /// Adds (or takes out) the weight of reports of one journey and round at every place level.
    fn expand(&mut self, data: &Dataset<'_>, shape: u32, round: u16, w: &Weight, sign: Sign) {
        let mut c = std::mem::take(&mut self.scratch);
        self.contribution(data, shape, &mut c);
        let r = &mut self.per_round[round as usize];
        if w.reports > 0 {
            for &(a, role) in &c.areas {
                r.roles.by_place[a as usize][role].add(w, sign);
            }
            for &p in &c.stop_places {
                bump(r.places.entry(p).or_default(), sign * w.reports as i64);
            }
            for (lvl, pair) in c.corridors.iter().enumerate() {
                if let Some(pair) = pair {
                    self.corridors[lvl].entry(*pair).or_default().add(w, sign);
                }
            }
            for &(lvl, a, b) in &c.legs {
                self.legs[lvl].entry((a, b)).or_default().add(w, sign);
            }
            let reports = sign * w.reports as i64;
            for &a in &c.through {
                bump(self.through.entry(a).or_default(), reports);
            }
            bump(self.origin_region.entry(c.origin_region).or_default(), reports);
            bump(self.end_region.entry(c.end_region).or_default(), reports);
            for &t in &c.unresolved {
                bump(self.unresolved.entry(t).or_default(), reports);
            }
        }
        if w.corroborated > 0 {
            for &a in &c.any {
                bump(&mut r.roles.corroborated[a as usize], sign * w.corroborated as i64);
            }
        }
        self.scratch = c;
    }

    /// A report's own figures: everything but its places.
    fn apply_report(&mut self, data: &Dataset<'_>, i: usize, sign: Sign) {
        let r = &data.reports[i];
        bump(&mut self.reports, sign);
        bump(&mut self.per_round[r.round as usize].reports, sign);
        self.vocab.apply(r, sign);
        if r.female.is_some() || r.male.is_some() || r.other_gender.is_some() {
            bump(&mut self.gender.reports_with, sign);
            bump(&mut self.gender.female, sign * i64::from(r.female.unwrap_or(0)));
            bump(&mut self.gender.male, sign * i64::from(r.male.unwrap_or(0)));
            bump(&mut self.gender.other, sign * i64::from(r.other_gender.unwrap_or(0)));
        } else {
            bump(&mut self.gender.reports_without, sign);
        }
        if r.children.is_some() || r.adults.is_some() {
            bump(&mut self.age.reports_with, sign);
            bump(&mut self.age.children, sign * i64::from(r.children.unwrap_or(0)));
            bump(&mut self.age.adults, sign * i64::from(r.adults.unwrap_or(0)));
        } else {
            bump(&mut self.age.reports_without, sign);
        }
        match period_years(r) {
            Some(years) => bump(self.periods.entry(years).or_default(), sign),
            None => bump(&mut self.periods_missing, sign),
        }
        // The county it starts in and its county-or-country corridor, for the breakdowns.
        let journey = data.journey(r);
        if journey.origin_county > 0 {
            self.per_county[journey.origin_county as usize].apply(r, sign);
        }
        if journey.corridor != NONE {
            let k = journey.corridor as usize;
            if self.per_area_corridor.len() <= k {
                self.per_area_corridor.resize(k + 1, VocabAcc::default());
            }
            self.per_area_corridor[k].apply(r, sign);
        }
        let mut methods = r.recruitment;
        while methods != 0 {
            let m = methods.trailing_zeros() as usize;
            methods &= methods - 1;
            bump(&mut self.recruitment_rows[m], sign);
            let mut types = r.exploitation;
            while types != 0 {
                let e = types.trailing_zeros() as usize;
                types &= types - 1;
                bump(&mut self.recruitment_cells[m][e], sign);
            }
        }
        bump(&mut self.org_reports[r.organisation as usize], sign);
        bump(&mut self.round_reports[r.round as usize], sign);
        bump(&mut self.victims, sign * i64::from(r.victims));
        if r.victims == 0 && r.victims_below == 0 {
            bump(&mut self.without_victims, sign);
        }
        if r.victims_below > 0 {
            bump(&mut self.withheld, sign);
        }
    }

    /// Adds (or takes out) report `i`'s weight in the corroboration counts of its areas.
    fn corroborate(&mut self, data: &Dataset<'_>, i: usize, sign: Sign) {
        let r = &data.reports[i];
        let w = Weight { corroborated: 1, ..Weight::default() };
        self.expand(data, r.shape, r.round, &w, sign);
    }

    /// Works out again the clusters of the groups that changed, and who is corroborated.
    fn settle(&mut self, data: &Dataset<'_>) {
        let dirty: Vec<usize> = (0..self.groups.len()).filter(|&g| self.groups[g].dirty).collect();
        let decisions = &self.options.decisions;
        let groups = &self.groups;
        let cluster = |share: &[usize]| -> Vec<Vec<duplicates::Cluster>> {
            share.iter().map(|&g| duplicates::clusters_of(data, &groups[g].members, decisions)).collect()
        };
        // Groups are independent: on a full count there are thousands, worked out on every core.
        let members: usize = dirty.iter().map(|&g| groups[g].members.len()).sum();
        let threads = if members < 20_000 { 1 } else { std::thread::available_parallelism().map_or(1, |p| p.get()) };
        let share = dirty.len().div_ceil(threads).max(1);
        let worked: Vec<Vec<duplicates::Cluster>> = if threads == 1 {
            cluster(&dirty)
        } else {
            std::thread::scope(|scope| {
                let handles: Vec<_> = dirty.chunks(share).map(|part| scope.spawn(move || cluster(part))).collect();
                handles.into_iter().flat_map(|h| h.join().expect("a clustering thread does not panic")).collect()
            })
        };
        // Changes in corroboration, added up by journey and round so that each is counted at
        // its places once: in a table by journey and round when many reports changed.
        let rounds = data.rounds.len().max(1);
        let mut changes = if members < 20_000 {
            Changes::Few(FastMap::default())
        } else {
            Changes::Many(vec![0; data.journeys.len() * rounds])
        };
        for (g, clusters) in dirty.into_iter().zip(worked) {
            let group = &mut self.groups[g];
            group.dirty = false;
            for &m in &group.members {
                if std::mem::replace(&mut self.corroborated[m], false) {
                    let r = &data.reports[m];
                    changes.add(r.shape, r.round, rounds, -1);
                }
            }
            for c in clusters.iter().filter(|c| c.status != "split" && c.organisations > 1) {
                for m in &c.members {
                    self.corroborated[m.index] = true;
                    let r = &data.reports[m.index];
                    changes.add(r.shape, r.round, rounds, 1);
                }
            }
            group.clusters = clusters;
        }
        for ((shape, round), n) in changes.into_sorted(rounds) {
            let w = Weight { corroborated: n.unsigned_abs(), ..Weight::default() };
            self.expand(data, shape, round, &w, n.signum());
        }
    }

    /// The whole analysis of the reports counted now.
    pub fn finish(&mut self, data: &Dataset<'_>) -> Analysis {
        self.settle(data);
        let g = data.gazetteer;
        let top = self.options.top.unwrap_or(100);
        let risk = self.options.risk;
        let mut all_rounds = RoleCounts::new(g.len());
        for round in &self.per_round {
            all_rounds.merge(&round.roles);
        }
        let roles = &all_rounds;

        let mut places: Vec<PlaceActivity> = roles
            .by_place
            .iter()
            .enumerate()
            .filter(|(_, acc)| acc[ANY].reports > 0)
            .map(|(n, _)| {
                let n = n as u32;
                let p = ix(g, n);
                let place = g.place(p);
                PlaceActivity {
                    id: place.id.clone(),
                    name: place.name.clone(),
                    kind: place.kind.code(),
                    country: g.country_of(p).and_then(|c| g.place(c).iso2.clone()),
                    county: g.county_of(p).and_then(|c| g.place(c).county_codes.as_ref().map(|cc| cc.iso.clone())),
                    roles: roles.roles(n),
                }
            })
            .collect();
        places.sort_by(|a, b| b.roles.total_reports().cmp(&a.roles.total_reports()).then(a.id.cmp(&b.id)));

        let counties: Vec<CountyActivity> = g
            .counties()
            .into_iter()
            .map(|c| {
                let n = vjt_gazetteer::place_index(c);
                let place = g.place(c);
                let codes = place.county_codes.clone().expect("counties have codes");
                let inputs = roles.risk_inputs(n);
                let scored = score(&inputs, &risk);
                CountyActivity {
                    iso: codes.iso,
                    number: codes.number,
                    name: place.name.clone(),
                    region: g.province_of(c).map(|p| g.place(p).name.clone()).unwrap_or_default(),
                    roles: roles.roles(n),
                    risk_score: scored.score,
                    risk_band: scored.band,
                    components: scored.components,
                    inputs,
                }
            })
            .collect();

        let mut regions: Vec<RegionActivity> = g
            .places()
            .filter(|(_, p)| p.kind == PlaceKind::Province)
            .map(|(p, place)| {
                let n = vjt_gazetteer::place_index(p);
                let scored = score(&roles.risk_inputs(n), &risk);
                RegionActivity {
                    id: place.id.clone(),
                    name: place.name.clone(),
                    roles: roles.roles(n),
                    risk_score: scored.score,
                    risk_band: scored.band,
                    components: scored.components,
                }
            })
            .collect();
        regions.sort_by(|a, b| b.risk_score.total_cmp(&a.risk_score).then(a.id.cmp(&b.id)));

        let mut countries: Vec<CountryActivity> = roles
            .by_place
            .iter()
            .enumerate()
            .filter(|(n, acc)| {
                acc[ANY].reports > 0
                    && matches!(g.place(ix(g, *n as u32)).kind, PlaceKind::Country | PlaceKind::WorldRegion)
            })
            .map(|(n, _)| {
                let n = n as u32;
                let place = g.place(ix(g, n));
                CountryActivity {
                    code: place.iso2.clone().unwrap_or_else(|| place.id.clone()),
                    name: place.name.clone(),
                    kind: place.kind.code(),
                    roles: roles.roles(n),
                }
            })
            .collect();
        countries.sort_by(|a, b| b.roles.total_reports().cmp(&a.roles.total_reports()).then(a.code.cmp(&b.code)));

        // Hubs: through-flow and betweenness on the graph of area-to-area legs.
        let area_edges: FastSet<(u32, u32)> =
            self.legs[1].iter().filter(|(_, acc)| acc.reports > 0).map(|(k, _)| *k).collect();
        let mut nodes: Vec<u32> = area_edges.iter().flat_map(|(a, b)| [*a, *b]).collect();
        nodes.sort_unstable();
        nodes.dedup();
        let centrality = betweenness(&nodes, &area_edges);
        let mut hubs: Vec<Hub> = self
            .through
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(a, n)| Hub {
                place: PlaceRef::of(g, ix(g, *a)),
                through_reports: *n,
                centrality: (centrality.get(a).copied().unwrap_or(0.0) * 1000.0).round() / 1000.0,
            })
            .collect();
        hubs.sort_by(|a, b| b.through_reports.cmp(&a.through_reports).then(a.place.id.cmp(&b.place.id)));
        hubs.truncate(top.min(50));

        // Breakdowns.
        let region_name = |n: u32| -> String {
            if n == UNRESOLVED {
                "unknown".into()
            } else {
                g.place(ix(g, n)).name.clone()
            }
        };
        let named = |map: &FastMap<u32, u64>| -> BTreeMap<String, u64> {
            let mut out = BTreeMap::new();
            for (n, count) in map.iter().filter(|(_, c)| **c > 0) {
                *out.entry(region_name(*n)).or_default() += count;
            }
            out
        };
        let mut period: BTreeMap<String, u64> = BTreeMap::new();
        for (&(a, b), &n) in self.periods.iter().filter(|(_, n)| **n > 0) {
            let label = if a == b { a.to_string() } else { format!("{a}-{b}") };
            *period.entry(label).or_default() += n;
        }
        let overall = Breakdowns {
            vocab: self.vocab.finish(),
            gender: self.gender.clone(),
            age: self.age.clone(),
            period: LabelCounts { counts: period, not_given: self.periods_missing },
            origin_world_region: named(&self.origin_region),
            end_world_region: named(&self.end_region),
        };
        let area_corridors = corridor_list(g, &self.corridors[1], 20);
        let by_origin_county: BTreeMap<String, VocabBreakdown> = g
            .counties()
            .into_iter()
            .filter_map(|c| {
                let codes = g.place(c).county_codes.as_ref()?;
                let acc = &self.per_county[codes.number as usize];
                (acc.reports > 0).then(|| (codes.iso.clone(), acc.finish()))
            })
            .collect();
        let by_corridor: Vec<CorridorBreakdown> = area_corridors
            .iter()
            .map(|c| {
                let id = |p: &PlaceRef| vjt_gazetteer::place_index(g.by_id(&p.id).expect("listed places exist"));
                let pair = (id(&c.from), id(&c.to));
                let acc = data
                    .journeys
                    .corridor(pair)
                    .and_then(|k| self.per_area_corridor.get(k as usize))
                    .cloned()
                    .unwrap_or_default();
                CorridorBreakdown { from: c.from.clone(), to: c.to.clone(), breakdown: acc.finish() }
            })
            .collect();
        let transport_by_corridor: Vec<CorridorCounts> = by_corridor
            .iter()
            .map(|c| CorridorCounts {
                from: c.from.clone(),
                to: c.to.clone(),
                counts: c.breakdown.transport_modes.clone(),
            })
            .collect();
        let mut recruitment_by_exploitation: BTreeMap<String, BTreeMap<String, u64>> = BTreeMap::new();
        for (m, method) in RecruitmentMethod::all().iter().enumerate() {
            if self.recruitment_rows[m] == 0 {
                continue;
            }
            let row = recruitment_by_exploitation.entry(method.code().to_string()).or_default();
            for (e, kind) in ExploitationType::all().iter().enumerate() {
                let n = self.recruitment_cells[m][e];
                if n > 0 {
                    row.insert(kind.code().to_string(), n);
                }
            }
        }

        let trend = self.trend(data);

        let mut unresolved_places: Vec<UnresolvedText> = self
            .unresolved
            .iter()
            .filter(|(_, n)| **n > 0)
            .map(|(t, n)| UnresolvedText { text: data.unresolved_texts[*t as usize].1.clone(), reports: *n })
            .collect();
        unresolved_places.sort_by(|a, b| b.reports.cmp(&a.reports).then(a.text.cmp(&b.text)));
        unresolved_places.truncate(top);

        let mut organisation_kinds: BTreeMap<String, u64> = BTreeMap::new();
        let mut organisations = 0;
        for (org, n) in self.org_reports.iter().enumerate() {
            if *n > 0 {
                organisations += 1;
                *organisation_kinds.entry(data.organisations[org].kind.code().to_string()).or_default() += 1;
            }
        }
        let rounds = self.round_reports.iter().filter(|n| **n > 0).count() as u64;

        // Duplicate clusters, largest first; deduplicated figures over all that are not split.
        let mut clusters: Vec<&duplicates::Cluster> = self.groups.iter().flat_map(|g| g.clusters.iter()).collect();
        clusters.sort_by(|a, b| b.members.len().cmp(&a.members.len()).then(a.key.cmp(&b.key)));
        let (mut distinct, mut dedup_victims) = (self.reports, self.victims);
        for c in clusters.iter().filter(|c| c.status != "split") {
            distinct -= c.members.len() as u64 - 1;
            dedup_victims -= c.victims_sum - c.victims_max;
        }
        let duplicates = Duplicates {
            total_clusters: clusters.len() as u64,
            suggested_clusters: clusters.iter().filter(|c| c.status == "suggested").count() as u64,
            split_clusters: clusters.iter().filter(|c| c.status == "split").count() as u64,
            clusters: clusters
                .iter()
                .take(self.options.clusters.unwrap_or(usize::MAX))
                .map(|c| c.output(data))
                .collect(),
            as_submitted: Figures { reports: self.reports, victims: self.victims },
            deduplicated: Figures { reports: distinct, victims: dedup_victims },
        };

        Analysis {
            totals: Totals {
                reports: self.reports,
                organisations,
                organisation_kinds,
                rounds,
                victims: self.victims,
                reports_without_victims: self.without_victims,
                reports_with_withheld_counts: self.withheld,
                distinct_routes: distinct,
                victims_deduplicated: dedup_victims,
            },
            places,
            counties,
            regions,
            countries,
            corridors: Corridors {
                place: corridor_list(g, &self.corridors[0], top),
                county: corridor_list(g, &self.corridors[1], top),
                country: corridor_list(g, &self.corridors[2], top),
                legs: Legs {
                    place: corridor_list(g, &self.legs[0], top),
                    county: corridor_list(g, &self.legs[1], top),
                    country: corridor_list(g, &self.legs[2], top),
                },
            },
            hubs,
            breakdowns: AllBreakdowns {
                overall,
                by_origin_county,
                by_corridor,
                transport_by_corridor,
                recruitment_by_exploitation,
            },
            trend,
            unresolved_places,
            duplicates,
            risk_weights: risk,
        }
    }

    /// The last two rounds with counted reports, county by county.
    fn trend(&self, data: &Dataset<'_>) -> Option<Trend> {
        let g = data.gazetteer;
        let mut present: Vec<usize> = (0..self.per_round.len()).filter(|&r| self.per_round[r].reports > 0).collect();
        if present.len() < 2 {
            return None;
        }
        present.sort_by(|a, b| data.rounds[*a].start.cmp(&data.rounds[*b].start));
        let (before, after) = (present[present.len() - 2], present[present.len() - 1]);
        let (b, a) = (&self.per_round[before], &self.per_round[after]);
        let risk = self.options.risk;
        let counties = g
            .counties()
            .into_iter()
            .map(|c| {
                let n = vjt_gazetteer::place_index(c);
                let sb = score(&b.roles.risk_inputs(n), &risk).score;
                let sa = score(&a.roles.risk_inputs(n), &risk).score;
                CountyTrend {
                    iso: g.place(c).county_codes.as_ref().map(|x| x.iso.clone()).unwrap_or_default(),
                    name: g.place(c).name.clone(),
                    reports_before: b.roles.any_reports(n),
                    reports_after: a.roles.any_reports(n),
                    score_before: sb,
                    score_after: sa,
                    change: ((sa - sb) * 10.0).round() / 10.0,
                }
            })
            .collect();
        let present_in =
            |t: &RoundTally| -> HashSet<u32> { t.places.iter().filter(|(_, n)| **n > 0).map(|(p, _)| *p).collect() };
        let (pb, pa) = (present_in(b), present_in(a));
        let mut new_places: Vec<PlaceRef> = pa.difference(&pb).map(|p| PlaceRef::of(g, ix(g, *p))).collect();
        new_places.sort_by(|x, y| x.name.cmp(&y.name).then_with(|| x.id.cmp(&y.id)));
        let countries_in = |set: &HashSet<u32>| -> HashSet<u32> {
            set.iter().filter_map(|p| g.country_of(ix(g, *p)).map(vjt_gazetteer::place_index)).collect()
        };
        let (cb, ca) = (countries_in(&pb), countries_in(&pa));
        let mut new_countries: Vec<PlaceRef> = ca.difference(&cb).map(|p| PlaceRef::of(g, ix(g, *p))).collect();
        new_countries.sort_by(|x, y| x.name.cmp(&y.name).then_with(|| x.id.cmp(&y.id)));
        Some(Trend {
            from_round: data.rounds[before].name.clone(),
            to_round: data.rounds[after].name.clone(),
            counties,
            new_places,
            new_countries,
        })
    }

    /// Whether the tally follows these duplicate decisions (else it must be made again).
    pub fn decisions_are(&self, decisions: &HashMap<String, Decision>) -> bool {
        &self.options.decisions == decisions
    }
}

/// A value per report, with room for as many more as the dataset has room for.
fn with_room<T: Clone>(data: &Dataset<'_>, value: T) -> Vec<T> {
    let mut v = Vec::with_capacity(data.reports.capacity());
    v.resize(data.reports.len(), value);
    v
}

/// The years a report was seen in: (first, last).
fn period_years(r: &ReportFact) -> Option<(u16, u16)> {
    match (r.period_start, r.period_end) {
        (Some(a), Some(b)) => Some((a.year(), b.year())),
        (Some(a), None) | (None, Some(a)) => Some((a.year(), a.year())),
        (None, None) => None,
    }
}

pub(crate) fn corridor_list(g: &Gazetteer, map: &CorridorMap, top: usize) -> Vec<Corridor> {
    let mut list: Vec<(&(u32, u32), &Acc)> = map.iter().filter(|(_, acc)| acc.reports > 0).collect();
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
