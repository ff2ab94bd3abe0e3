//! The analysis engine's compact view of a set of reports: vocabulary fields as bitsets, places
//! as gazetteer indexes, organisations and rounds as small numbers. Built from flat store records
//! without allocating per field, and small enough to hold a million reports in memory.

use std::collections::HashMap;

use vjt_domain::flat::{FlatReport, FlatStop};
use vjt_domain::text::fold;
use vjt_domain::vocab::Vocabulary;
use vjt_domain::{
    Confidence, ExploitationType, KnowledgeSource, OrganisationKind, RecruiterRelationship, RecruitmentMethod,
    ReviewStatus, Sector, StopRole, TransportMode, YearMonth,
};
use vjt_gazetteer::{Gazetteer, PlaceIx};

use crate::fasthash::FastMap;

/// Stop roles as small numbers, in travel order.
pub const ORIGIN: u8 = 0;
pub const TRANSIT: u8 = 1;
pub const DESTINATION: u8 = 2;
pub const EXPLOITATION: u8 = 3;

/// A place that could not be resolved.
pub const UNRESOLVED: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct StopFact {
    pub role: u8,
    /// A gazetteer place index, or `UNRESOLVED`.
    pub place: u32,
    /// For unresolved stops, the index of the folded text in `Dataset::unresolved_texts`.
    pub text: u32,
}

/// One report, compactly. Vocabulary sets are bitsets over `Vocabulary::all()` order.
#[derive(Debug, Clone)]
pub struct ReportFact {
    pub id: i64,
    /// Index into `Dataset::organisations`.
    pub organisation: u16,
    /// Index into `Dataset::rounds`.
    pub round: u16,
    pub status: ReviewStatus,
    pub exploitation: u32,
    pub sectors: u32,
    pub transport: u32,
    pub recruitment: u32,
    pub relation: u32,
    pub source: u8,
    pub confidence: u8,
    /// Estimated victims; 0 when unknown.
    pub victims: u32,
    /// A withheld small count ("<5"): 0 when none.
    pub victims_below: u32,
    pub female: Option<u32>,
    pub male: Option<u32>,
    pub other_gender: Option<u32>,
    pub children: Option<u32>,
    pub adults: Option<u32>,
    pub period_start: Option<YearMonth>,
    pub period_end: Option<YearMonth>,
    /// The report's journey: an index into `Dataset::shapes`. Reports with the same stops in
    /// the same order share one, so place work is done once per route shape, not per report.
    pub shape: u32,
}

/// What the analysis needs to know of an organisation. Names appear only in the coordinator's view.
#[derive(Debug, Clone)]
pub struct OrganisationInfo {
    pub id: i64,
    pub name: String,
    pub kind: OrganisationKind,
}

#[derive(Debug, Clone)]
pub struct RoundInfo {
    pub id: i64,
    pub name: String,
    /// For ordering rounds in time (trend).
    pub start: String,
}

/// Everything the engine analyses.
pub struct Dataset<'g> {
    pub gazetteer: &'g Gazetteer,
    pub organisations: Vec<OrganisationInfo>,
    pub rounds: Vec<RoundInfo>,
    pub reports: Vec<ReportFact>,
    /// Each distinct journey reported, with what the analysis needs to know of it.
    pub journeys: Journeys,
    /// Folded texts of unresolved stops, with one spelling as reported.
    pub unresolved_texts: Vec<(String, String)>,
    /// The organisation's own report id, for duplicate listings: by report index.
    pub report_refs: ReportRefs,
    /// Each place's ancestors and areas, worked out once.
    pub places: PlaceTable,
    /// Reports taken out since the dataset was built (their index stays, unused).
    removed: Vec<bool>,
    /// Report index by stored id, once reports are no longer in id order (until then, found by
    /// binary search: no map of a million entries to build on every load).
    by_id: Option<FastMap<i64, usize>>,
    /// Unresolved text index by folded text.
    texts: HashMap<String, u32>,
}

impl<'g> Dataset<'g> {
    /// A dataset of reports in id order, with their journeys already interned.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn from_parts(
        gazetteer: &'g Gazetteer,
        organisations: Vec<OrganisationInfo>,
        rounds: Vec<RoundInfo>,
        reports: Vec<ReportFact>,
        journeys: Journeys,
        unresolved_texts: Vec<(String, String)>,
        report_refs: ReportRefs,
        places: PlaceTable,
    ) -> Self {
        debug_assert!(reports.windows(2).all(|w| w[0].id < w[1].id), "reports come in id order");
        let texts = unresolved_texts.iter().enumerate().map(|(i, (key, _))| (key.clone(), i as u32)).collect();
        Dataset {
            gazetteer,
            organisations,
            rounds,
            removed: vec![false; reports.len()],
            reports,
            journeys,
            unresolved_texts,
            report_refs,
            places,
            by_id: None,
            texts,
        }
    }
}

impl Dataset<'_> {
    pub fn stops_of(&self, r: &ReportFact) -> &[StopFact] {
        self.shape_stops(r.shape)
    }

    pub fn shape_stops(&self, shape: u32) -> &[StopFact] {
        self.journeys.stops(shape)
    }

    /// What the analysis knows of a report's journey.
    pub fn journey(&self, r: &ReportFact) -> &JourneyFacts {
        &self.journeys.facts[r.shape as usize]
    }

    /// Makes room for `more` reports, so that adding one later does not copy every report to
    /// a larger buffer while someone waits for the figures.
    pub fn reserve(&mut self, more: usize) {
        self.reports.reserve(more);
        self.removed.reserve(more);
        self.report_refs.reserve(more);
    }

    /// Whether report `i` was taken out.
    pub fn removed(&self, i: usize) -> bool {
        self.removed.get(i).copied().unwrap_or(false)
    }

    /// The index of the report with this stored id.
    pub fn index_of(&self, id: i64) -> Option<usize> {
        self.position(id).filter(|&i| !self.removed(i))
    }

    /// Where the report with this id is, taken out or not.
    fn position(&self, id: i64) -> Option<usize> {
        match &self.by_id {
            Some(map) => map.get(&id).copied(),
            None => self.reports.binary_search_by_key(&id, |r| r.id).ok(),
        }
    }

    /// Takes the report with this id out; returns its index.
    pub fn remove(&mut self, id: i64) -> Option<usize> {
        let i = self.index_of(id)?;
        self.removed[i] = true;
        Some(i)
    }

    /// Puts in the reports of `batch` (read from the store like any dataset, with the same
    /// organisations and rounds): a report already here is replaced in place, keeping its index;
    /// a new one is added at the end. Returns the indexes written. Take the old reports out of
    /// every tally first: their facts change here.
    pub fn upsert(&mut self, batch: Dataset<'_>) -> Vec<usize> {
        let mut written = Vec::with_capacity(batch.reports.len());
        for k in 0..batch.reports.len() {
            let mut r = batch.reports[k].clone();
            let mut stops: Vec<StopFact> = batch.shape_stops(r.shape).to_vec();
            for s in &mut stops {
                if s.place == UNRESOLVED {
                    let (key, text) = &batch.unresolved_texts[s.text as usize];
                    let next = self.unresolved_texts.len() as u32;
                    s.text = *self.texts.entry(key.clone()).or_insert_with(|| {
                        self.unresolved_texts.push((key.clone(), text.clone()));
                        next
                    });
                }
            }
            r.shape = self.journeys.intern(&self.places, &stops);
            let reference = batch.report_refs.get(k);
            let i = match self.position(r.id) {
                Some(i) => {
                    self.reports[i] = r;
                    self.report_refs.set(i, reference);
                    self.removed[i] = false;
                    i
                }
                None => {
                    let i = self.reports.len();
                    if self.by_id.is_none() && self.reports.last().is_some_and(|last| last.id > r.id) {
                        self.by_id = Some(self.reports.iter().enumerate().map(|(i, r)| (r.id, i)).collect());
                    }
                    if let Some(map) = &mut self.by_id {
                        map.insert(r.id, i);
                    }
                    self.reports.push(r);
                    self.report_refs.push(reference);
                    self.removed.push(false);
                    i
                }
            };
            written.push(i);
        }
        written
    }
}

fn shape_hash(stops: &[StopFact]) -> u64 {
    use std::hash::BuildHasher;
    std::hash::BuildHasherDefault::<crate::fasthash::FastHasher>::default().hash_one(stops)
}

/// The organisations' own report ids, by report index, in one buffer (a million small strings
/// would be a million allocations to load and free).
#[derive(Default)]
pub struct ReportRefs {
    text: String,
    /// Where each one ends in `text`; `ABSENT` is set when the report has none.
    ends: Vec<u32>,
    /// Ids changed since the buffer was written.
    changed: FastMap<usize, Option<Box<str>>>,
}

const ABSENT: u32 = 1 << 31;

impl ReportRefs {
    pub fn get(&self, i: usize) -> Option<&str> {
        if let Some(changed) = self.changed.get(&i) {
            return changed.as_deref();
        }
        let end = *self.ends.get(i)?;
        if end & ABSENT != 0 {
            return None;
        }
        let start = if i == 0 { 0 } else { self.ends[i - 1] & !ABSENT };
        self.text.get(start as usize..end as usize)
    }

    pub fn with_capacity(reports: usize, bytes: usize) -> Self {
        ReportRefs {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(reports),
            changed: FastMap::default(),
        }
    }

    pub fn len(&self) -> usize {
        self.ends.len()
    }

    fn reserve(&mut self, more: usize) {
        self.ends.reserve(more);
        self.text.reserve(more * 8);
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn push(&mut self, reference: Option<&str>) {
        match reference {
            Some(r) if self.text.len() + r.len() < ABSENT as usize => {
                self.text.push_str(r);
                self.ends.push(self.text.len() as u32);
            }
            // An id too long for the buffer (two gigabytes of ids) is kept aside.
            Some(r) => {
                self.changed.insert(self.ends.len(), Some(r.into()));
                self.ends.push(self.text.len() as u32 | ABSENT);
            }
            None => self.ends.push(self.text.len() as u32 | ABSENT),
        }
    }

    fn set(&mut self, i: usize, reference: Option<&str>) {
        self.changed.insert(i, reference.map(Into::into));
    }
}

/// Not a corridor or candidate route (a journey without a resolved origin or end).
pub const NONE: u32 = u32::MAX;

/// What a journey says, worked out once for all the reports that share it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct JourneyFacts {
    /// The origin place, and the place of exploitation (or else the destination); `UNRESOLVED`
    /// when not given or not resolved.
    pub origin: u32,
    pub end: u32,
    /// The First Schedule number of the county of origin; 0 outside Kenya's counties.
    pub origin_county: u8,
    /// Its county-or-country corridor: an index into `Journeys::corridors`, or `NONE`.
    pub corridor: u32,
    /// What candidate duplicates share of the route (origin and end areas, the set of transit
    /// areas): an index into the interned route keys, or `NONE`.
    pub route: u32,
}

/// The distinct journeys reported (stops in travel order), each stored once: reports on the same
/// route share it, so place work is done once per journey, not per report.
#[derive(Default)]
pub struct Journeys {
    ranges: Vec<(u32, u32)>,
    stops: Vec<StopFact>,
    pub facts: Vec<JourneyFacts>,
    /// County-or-country corridors (from, to), by index.
    pub corridors: Vec<(u32, u32)>,
    corridor_index: FastMap<(u32, u32), u32>,
    routes: FastMap<(u32, u32, Vec<u32>), u32>,
    /// Journeys by the hash of their stops.
    index: FastMap<u64, Vec<u32>>,
}

impl Journeys {
    pub fn len(&self) -> usize {
        self.ranges.len()
    }
    pub fn is_empty(&self) -> bool {
        self.ranges.is_empty()
    }

    pub fn stops(&self, journey: u32) -> &[StopFact] {
        let (a, b) = self.ranges[journey as usize];
        &self.stops[a as usize..b as usize]
    }

    /// The index of a county-or-country corridor.
    pub fn corridor(&self, pair: (u32, u32)) -> Option<u32> {
        self.corridor_index.get(&pair).copied()
    }

    /// Every stop of every journey, for size figures.
    pub fn stop_count(&self) -> usize {
        self.stops.len()
    }

    /// The journey of these stops, added if new.
    pub(crate) fn intern(&mut self, places: &PlaceTable, stops: &[StopFact]) -> u32 {
        let hash = shape_hash(stops);
        if let Some(candidates) = self.index.get(&hash) {
            for &c in candidates {
                if self.stops(c) == stops {
                    return c;
                }
            }
        }
        let start = self.stops.len() as u32;
        self.stops.extend_from_slice(stops);
        self.ranges.push((start, self.stops.len() as u32));
        let id = self.ranges.len() as u32 - 1;
        self.index.entry(hash).or_default().push(id);
        let facts = self.facts_of(places, stops);
        self.facts.push(facts);
        id
    }

    fn facts_of(&mut self, places: &PlaceTable, stops: &[StopFact]) -> JourneyFacts {
        let origin = stops.iter().find(|s| s.role == ORIGIN).map_or(UNRESOLVED, |s| s.place);
        let end = crate::engine::end_stop(stops).map_or(UNRESOLVED, |s| s.place);
        let resolved = origin != UNRESOLVED && end != UNRESOLVED;
        let corridor = if resolved {
            let pair = (places.area(origin), places.area(end));
            let next = self.corridors.len() as u32;
            *self.corridor_index.entry(pair).or_insert_with(|| {
                self.corridors.push(pair);
                next
            })
        } else {
            NONE
        };
        let route = if resolved {
            let mut transit: Vec<u32> = stops
                .iter()
                .filter(|s| s.role == TRANSIT && s.place != UNRESOLVED)
                .map(|s| places.area(s.place))
                .collect();
            transit.sort_unstable();
            transit.dedup();
            let next = self.routes.len() as u32;
            *self.routes.entry((places.area(origin), places.area(end), transit)).or_insert(next)
        } else {
            NONE
        };
        JourneyFacts {
            origin,
            end,
            origin_county: if origin == UNRESOLVED { 0 } else { places.county_number(origin) },
            corridor,
            route,
        }
    }
}

/// Each gazetteer place's ancestry and the areas it rolls up to, by place number.
pub struct PlaceTable {
    chains: Vec<u32>,
    chain_at: Vec<(u32, u32)>,
    area: Vec<u32>,
    country: Vec<u32>,
    world_region: Vec<u32>,
    county_number: Vec<u8>,
}

impl PlaceTable {
    pub fn of(g: &Gazetteer) -> PlaceTable {
        let n = g.len();
        let mut t = PlaceTable {
            chains: Vec::with_capacity(n * 5),
            chain_at: Vec::with_capacity(n),
            area: Vec::with_capacity(n),
            country: Vec::with_capacity(n),
            world_region: Vec::with_capacity(n),
            county_number: Vec::with_capacity(n),
        };
        for (ix, _) in g.places() {
            let number = vjt_gazetteer::place_index(ix);
            debug_assert_eq!(number as usize, t.area.len(), "places come in number order");
            let ancestry = g.ancestry(ix);
            let start = t.chains.len() as u32;
            t.chains.extend(ancestry.iter().map(|p| vjt_gazetteer::place_index(*p)));
            t.chain_at.push((start, t.chains.len() as u32));
            // County in Kenya, country elsewhere: the level of corridors and hubs.
            t.area.push(g.county_of(ix).or_else(|| g.country_of(ix)).map_or(number, vjt_gazetteer::place_index));
            t.country.push(g.country_of(ix).map_or(number, vjt_gazetteer::place_index));
            // The top-level world region above the place.
            t.world_region.push(
                ancestry
                    .iter()
                    .rev()
                    .find(|p| g.place(**p).kind == vjt_gazetteer::PlaceKind::WorldRegion)
                    .map_or(UNRESOLVED, |p| vjt_gazetteer::place_index(*p)),
            );
            t.county_number
                .push(g.county_of(ix).and_then(|c| g.place(c).county_codes.as_ref().map(|cc| cc.number)).unwrap_or(0));
        }
        t
    }

    /// The place, then every place it lies in.
    pub fn chain(&self, place: u32) -> &[u32] {
        let (a, b) = self.chain_at[place as usize];
        &self.chains[a as usize..b as usize]
    }
    pub fn area(&self, place: u32) -> u32 {
        self.area[place as usize]
    }
    pub fn country(&self, place: u32) -> u32 {
        self.country[place as usize]
    }
    pub fn world_region(&self, place: u32) -> u32 {
        self.world_region[place as usize]
    }
    /// The First Schedule number of the county it lies in, 0 outside Kenya's counties.
    pub fn county_number(&self, place: u32) -> u8 {
        self.county_number[place as usize]
    }
}

/// Bit position of every code of a vocabulary, by its stored code.
fn code_bits<T: Vocabulary>() -> HashMap<&'static str, u8> {
    T::all().iter().enumerate().map(|(i, t)| (t.code(), i as u8)).collect()
}

struct Codes {
    exploitation: HashMap<&'static str, u8>,
    sectors: HashMap<&'static str, u8>,
    transport: HashMap<&'static str, u8>,
    recruitment: HashMap<&'static str, u8>,
    relation: HashMap<&'static str, u8>,
    source: HashMap<&'static str, u8>,
    confidence: HashMap<&'static str, u8>,
}

fn bits(map: &HashMap<&'static str, u8>, joined: &str) -> u32 {
    let mut out = 0u32;
    for code in joined.split(';') {
        if let Some(b) = map.get(code) {
            out |= 1 << b;
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BuildError {
    UnknownOrganisation(i64),
    UnknownRound(i64),
}

impl std::fmt::Display for BuildError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BuildError::UnknownOrganisation(id) => {
                write!(f, "a report names organisation {id}, which is not registered")
            }
            BuildError::UnknownRound(id) => write!(f, "a report names round {id}, which does not exist"),
        }
    }
}

impl std::error::Error for BuildError {}

/// Collects stops (from one reader) with places interned.
pub struct StopSink {
    places: HashMap<Box<str>, u32>,
    texts: HashMap<String, u32>,
    unresolved_texts: Vec<(String, String)>,
    stops: Vec<(i64, StopFact)>,
}

impl StopSink {
    pub fn new(gazetteer: &Gazetteer) -> Self {
        let places = gazetteer.places().map(|(ix, p)| (p.id.clone().into_boxed_str(), ix_u32(ix))).collect();
        StopSink { places, texts: HashMap::new(), unresolved_texts: Vec::new(), stops: Vec::new() }
    }

    /// Takes a stop; a report's stops must come in travel order.
    pub fn push(&mut self, s: &FlatStop<'_>) {
        let role = match s.role {
            "origin" => ORIGIN,
            "transit" => TRANSIT,
            "destination" => DESTINATION,
            _ => EXPLOITATION,
        };
        let place = s.place_id.and_then(|p| self.places.get(p).copied()).unwrap_or(UNRESOLVED);
        let text = if place == UNRESOLVED {
            let key = fold(s.text);
            let next = self.texts.len() as u32;
            let unresolved = &mut self.unresolved_texts;
            *self.texts.entry(key.clone()).or_insert_with(|| {
                unresolved.push((key, s.text.to_string()));
                next
            })
        } else {
            0
        };
        self.stops.push((s.report_id, StopFact { role, place, text }));
    }
}

/// Collects reports (from another reader) with vocabularies as bitsets.
pub struct ReportSink {
    codes: Codes,
    organisations: HashMap<i64, u16>,
    rounds: HashMap<i64, u16>,
    reports: Vec<ReportFact>,
    refs: Vec<Option<Box<str>>>,
    error: Option<BuildError>,
}

impl ReportSink {
    pub fn new(organisations: &[OrganisationInfo], rounds: &[RoundInfo]) -> Self {
        ReportSink {
            codes: Codes {
                exploitation: code_bits::<ExploitationType>(),
                sectors: code_bits::<Sector>(),
                transport: code_bits::<TransportMode>(),
                recruitment: code_bits::<RecruitmentMethod>(),
                relation: code_bits::<RecruiterRelationship>(),
                source: code_bits::<KnowledgeSource>(),
                confidence: code_bits::<Confidence>(),
            },
            organisations: organisations.iter().enumerate().map(|(i, o)| (o.id, i as u16)).collect(),
            rounds: rounds.iter().enumerate().map(|(i, r)| (r.id, i as u16)).collect(),
            reports: Vec::new(),
            refs: Vec::new(),
            error: None,
        }
    }

    /// Takes a report; the first report naming an unknown organisation or round is remembered and
    /// reported by [`assemble`].
    pub fn push(&mut self, r: &FlatReport<'_>) {
        if let Err(e) = self.try_push(r) {
            self.error.get_or_insert(e);
        }
    }

    fn try_push(&mut self, r: &FlatReport<'_>) -> Result<(), BuildError> {
        let organisation =
            *self.organisations.get(&r.organisation).ok_or(BuildError::UnknownOrganisation(r.organisation))?;
        let round = *self.rounds.get(&r.round).ok_or(BuildError::UnknownRound(r.round))?;
        let count = |v: Option<i64>| v.and_then(|n| u32::try_from(n).ok());
        let c = &self.codes;
        self.reports.push(ReportFact {
            id: r.id,
            organisation,
            round,
            status: r.status.parse().unwrap_or(ReviewStatus::Submitted),
            exploitation: bits(&c.exploitation, r.exploitation_types),
            sectors: bits(&c.sectors, r.sectors),
            transport: bits(&c.transport, r.transport_modes),
            recruitment: bits(&c.recruitment, r.recruitment_methods),
            relation: bits(&c.relation, r.recruiter_relationships),
            source: c.source.get(r.source).copied().unwrap_or(0),
            confidence: c.confidence.get(r.confidence).copied().unwrap_or(0),
            victims: count(r.victims).unwrap_or(0),
            victims_below: count(r.victims_below).unwrap_or(0),
            female: count(r.female),
            male: count(r.male),
            other_gender: count(r.other_gender),
            children: count(r.children),
            adults: count(r.adults),
            period_start: r.period_start.and_then(|m| YearMonth::parse(m).ok()),
            period_end: r.period_end.and_then(|m| YearMonth::parse(m).ok()),
            shape: 0,
        });
        self.refs.push(r.report_ref.map(Into::into));
        Ok(())
    }
}

/// Joins the two halves by report id. Stops of reports that are not there are dropped.
pub fn assemble<'g>(
    gazetteer: &'g Gazetteer,
    organisations: Vec<OrganisationInfo>,
    rounds: Vec<RoundInfo>,
    reports: ReportSink,
    stops: StopSink,
) -> Result<Dataset<'g>, BuildError> {
    if let Some(e) = reports.error {
        return Err(e);
    }
    let mut order: Vec<usize> = (0..reports.reports.len()).collect();
    if !reports.reports.windows(2).all(|w| w[0].id < w[1].id) {
        order.sort_by_key(|&i| reports.reports[i].id);
    }
    let mut pending = stops.stops;
    if !pending.windows(2).all(|w| w[0].0 <= w[1].0) {
        // Stable: a report's stops keep their travel order.
        pending.sort_by_key(|(id, _)| *id);
    }
    let mut facts = Vec::with_capacity(order.len());
    let places = PlaceTable::of(gazetteer);
    let mut journeys = Journeys::default();
    let mut report_facts: Vec<Option<ReportFact>> = reports.reports.into_iter().map(Some).collect();
    let mut refs = ReportRefs::default();
    let mut at = 0;
    let mut own: Vec<StopFact> = Vec::with_capacity(16);
    for i in order {
        let mut r = report_facts[i].take().expect("each report is taken once");
        while at < pending.len() && pending[at].0 < r.id {
            at += 1;
        }
        own.clear();
        while at < pending.len() && pending[at].0 == r.id {
            own.push(pending[at].1);
            at += 1;
        }
        r.shape = journeys.intern(&places, &own);
        facts.push(r);
        refs.push(reports.refs[i].as_deref());
    }
    Ok(Dataset {
        gazetteer,
        organisations,
        rounds,
        removed: vec![false; facts.len()],
        reports: facts,
        journeys,
        unresolved_texts: stops.unresolved_texts,
        report_refs: refs,
        places,
        by_id: None,
        texts: stops.texts,
    })
}

/// Builds a dataset from interleaved stops and reports (one reader, or tests).
pub struct Builder<'g> {
    gazetteer: &'g Gazetteer,
    organisations: Vec<OrganisationInfo>,
    rounds: Vec<RoundInfo>,
    stops: StopSink,
    reports: ReportSink,
}

impl<'g> Builder<'g> {
    pub fn new(gazetteer: &'g Gazetteer, organisations: Vec<OrganisationInfo>, rounds: Vec<RoundInfo>) -> Self {
        let reports = ReportSink::new(&organisations, &rounds);
        Builder { gazetteer, stops: StopSink::new(gazetteer), reports, organisations, rounds }
    }

    pub fn stop(&mut self, s: &FlatStop<'_>) {
        self.stops.push(s);
    }

    pub fn report(&mut self, r: &FlatReport<'_>) -> Result<(), BuildError> {
        self.reports.try_push(r)
    }

    pub fn finish(self) -> Dataset<'g> {
        assemble(self.gazetteer, self.organisations, self.rounds, self.reports, self.stops)
            .expect("errors were returned by report() as they happened")
    }
}

pub(crate) fn ix_u32(ix: PlaceIx) -> u32 {
    // PlaceIx is a u32 newtype; its Debug form is the only public view, so the index is taken
    // through the gazetteer's stable ordering instead.
    vjt_gazetteer::place_index(ix)
}

/// Which reports an analysis covers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Filter {
    /// Round ids; empty means all.
    pub rounds: Vec<i64>,
    /// Reports whose period overlaps [from, to] (a report without a period is kept).
    pub period: Option<(YearMonth, YearMonth)>,
    pub organisation_kinds: Vec<OrganisationKind>,
    /// Reports with at least one of these types.
    pub exploitation: Vec<ExploitationType>,
    /// Empty means every status except rejected.
    pub statuses: Vec<ReviewStatus>,
    /// Only these organisations' reports (stored ids); empty means every organisation's.
    pub organisations: Vec<i64>,
}

impl Filter {
    pub fn keeps(&self, data: &Dataset<'_>, r: &ReportFact) -> bool {
        if self.statuses.is_empty() {
            if r.status == ReviewStatus::Rejected {
                return false;
            }
        } else if !self.statuses.contains(&r.status) {
            return false;
        }
        if !self.rounds.is_empty() && !self.rounds.contains(&data.rounds[r.round as usize].id) {
            return false;
        }
        if !self.organisations.is_empty()
            && !self.organisations.contains(&data.organisations[r.organisation as usize].id)
        {
            return false;
        }
        if !self.organisation_kinds.is_empty()
            && !self.organisation_kinds.contains(&data.organisations[r.organisation as usize].kind)
        {
            return false;
        }
        if !self.exploitation.is_empty() {
            let wanted: u32 = self.exploitation.iter().map(|t| 1u32 << position(*t)).fold(0, |a, b| a | b);
            if r.exploitation & wanted == 0 {
                return false;
            }
        }
        if let Some((from, to)) = self.period {
            let start = r.period_start.or(r.period_end);
            let end = r.period_end.or(r.period_start);
            if let (Some(s), Some(e)) = (start, end) {
                if e < from || s > to {
                    return false;
                }
            }
        }
        true
    }
}

/// A term's bit position in its vocabulary's bitset.
pub fn position<T: Vocabulary>(t: T) -> u8 {
    T::all().iter().position(|x| *x == t).unwrap_or(0) as u8
}

/// The stop role a role number stands for.
pub fn role(n: u8) -> StopRole {
    match n {
        ORIGIN => StopRole::Origin,
        TRANSIT => StopRole::Transit,
        DESTINATION => StopRole::Destination,
        _ => StopRole::Exploitation,
    }
}
