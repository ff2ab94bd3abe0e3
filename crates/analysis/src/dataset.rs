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

/// Stop roles as small numbers, in travel order.
pub const ORIGIN: u8 = 0;
pub const TRANSIT: u8 = 1;
pub const DESTINATION: u8 = 2;
pub const EXPLOITATION: u8 = 3;

/// A place that could not be resolved.
pub const UNRESOLVED: u32 = u32::MAX;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
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
    /// Range into `Dataset::stops`.
    pub stops: (u32, u32),
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
    pub stops: Vec<StopFact>,
    /// Folded texts of unresolved stops, with one spelling as reported.
    pub unresolved_texts: Vec<(String, String)>,
    /// The organisation's own report id, for duplicate listings: by report index.
    pub report_refs: Vec<Option<Box<str>>>,
}

impl Dataset<'_> {
    pub fn stops_of(&self, r: &ReportFact) -> &[StopFact] {
        &self.stops[r.stops.0 as usize..r.stops.1 as usize]
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
            stops: (0, 0),
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
    let mut refs = Vec::with_capacity(order.len());
    let mut out_stops = Vec::with_capacity(pending.len());
    let mut report_facts: Vec<Option<ReportFact>> = reports.reports.into_iter().map(Some).collect();
    let mut report_refs: Vec<Option<Option<Box<str>>>> = reports.refs.into_iter().map(Some).collect();
    let mut at = 0;
    for i in order {
        let mut r = report_facts[i].take().expect("each report is taken once");
        while at < pending.len() && pending[at].0 < r.id {
            at += 1;
        }
        let start = out_stops.len() as u32;
        while at < pending.len() && pending[at].0 == r.id {
            out_stops.push(pending[at].1);
            at += 1;
        }
        r.stops = (start, out_stops.len() as u32);
        facts.push(r);
        refs.push(report_refs[i].take().expect("each reference is taken once"));
    }
    Ok(Dataset {
        gazetteer,
        organisations,
        rounds,
        reports: facts,
        stops: out_stops,
        unresolved_texts: stops.unresolved_texts,
        report_refs: refs,
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
#[derive(Debug, Clone, Default)]
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
