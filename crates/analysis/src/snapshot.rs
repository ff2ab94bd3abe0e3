//! A dataset written out as bytes and read back without parsing text: what lets an analysis of a
//! million reports start from a file instead of a database scan. The reports and stops are
//! fixed-size little-endian records read in place (zerocopy); the few small tables (organisations,
//! rounds, unresolved texts) are JSON. The bytes say which database, data version, vjt build and
//! gazetteer they were written from, and carry a CRC-32 of everything after it; [`decode`]
//! refuses any other or any damaged one, and still checks every number it reads, so that a
//! stale, truncated or damaged file is a cache miss, never a wrong figure or a crash.

use serde::{Deserialize, Serialize};
use vjt_domain::vocab::Vocabulary;
use vjt_domain::{OrganisationKind, ReviewStatus, YearMonth};
use vjt_gazetteer::Gazetteer;
use zerocopy::little_endian::{I64, U16, U32};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::dataset::{
    Dataset, Journeys, OrganisationInfo, PlaceTable, ReportFact, ReportRefs, RoundInfo, StopFact, EXPLOITATION,
    UNRESOLVED,
};

const MAGIC: &[u8; 8] = b"VJTSNAP\0";
/// Bumped whenever the layout below changes.
const FORMAT: u32 = 1;

/// What a snapshot must have been written from to be used.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The database's own identity (not its path: a copied file is the same database).
    pub database: String,
    /// The database's data version when its reports were read.
    pub data_version: i64,
}

#[derive(Serialize, Deserialize)]
struct Header {
    format: u32,
    vjt: String,
    gazetteer: u64,
    provenance: Provenance,
    organisations: Vec<(i64, String, String)>,
    rounds: Vec<(i64, String, String)>,
    unresolved_texts: Vec<(String, String)>,
    reports: u64,
    journeys: u64,
    stops: u64,
    reference_bytes: u64,
}

#[derive(FromBytes, IntoBytes, Immutable, KnownLayout, Unaligned)]
#[repr(C)]
struct PackedReport {
    id: I64,
    organisation: U16,
    round: U16,
    status: u8,
    source: u8,
    confidence: u8,
    /// Which of `counts` were given, one bit each.
    given: u8,
    exploitation: U32,
    sectors: U32,
    transport: U32,
    recruitment: U32,
    relation: U32,
    victims: U32,
    victims_below: U32,
    /// Female, male, other gender, children, adults.
    counts: [U32; 5],
    /// Months since year 0, plus one; 0 when not given.
    period: [U16; 2],
    journey: U32,
    /// Where the report's own id ends in the id text; top bit set when it has none.
    reference_end: U32,
}

#[derive(FromBytes, IntoBytes, Immutable, KnownLayout, Unaligned)]
#[repr(C)]
struct PackedStop {
    role: u8,
    place: U32,
    text: U32,
}

/// Why a snapshot was not used.
#[derive(Debug, PartialEq, Eq)]
pub enum SnapshotRefused {
    /// Written from another database, data version, vjt build or gazetteer: out of date.
    Stale,
    /// Not a snapshot, or damaged.
    Damaged(String),
}

impl std::fmt::Display for SnapshotRefused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SnapshotRefused::Stale => f.write_str("the snapshot is out of date"),
            SnapshotRefused::Damaged(why) => write!(f, "the snapshot is damaged: {why}"),
        }
    }
}

fn month_number(m: Option<YearMonth>) -> u16 {
    m.map_or(0, |m| m.year() * 12 + u16::from(m.month() - 1) + 1)
}

fn month_of(n: u16) -> Option<YearMonth> {
    let n = n.checked_sub(1)?;
    YearMonth::new(n / 12, (n % 12) as u8 + 1)
}

fn status_number(s: ReviewStatus) -> u8 {
    ReviewStatus::all().iter().position(|x| *x == s).unwrap_or(0) as u8
}

/// The dataset as bytes, saying where it came from.
pub fn encode(data: &Dataset<'_>, provenance: &Provenance) -> Vec<u8> {
    let journeys = &data.journeys;
    let stops: usize = (0..journeys.len()).map(|j| journeys.stops(j as u32).len()).sum();
    let mut references = String::new();
    let mut ends = Vec::with_capacity(data.reports.len());
    for i in 0..data.reports.len() {
        match data.report_refs.get(i) {
            Some(r) if references.len() + r.len() < 1 << 31 => {
                references.push_str(r);
                ends.push(references.len() as u32);
            }
            _ => ends.push(references.len() as u32 | 1 << 31),
        }
    }
    let header = Header {
        format: FORMAT,
        vjt: env!("CARGO_PKG_VERSION").to_string(),
        gazetteer: data.gazetteer.fingerprint(),
        provenance: provenance.clone(),
        organisations: data.organisations.iter().map(|o| (o.id, o.name.clone(), o.kind.code().to_string())).collect(),
        rounds: data.rounds.iter().map(|r| (r.id, r.name.clone(), r.start.clone())).collect(),
        unresolved_texts: data.unresolved_texts.clone(),
        reports: data.reports.len() as u64,
        journeys: journeys.len() as u64,
        stops: stops as u64,
        reference_bytes: references.len() as u64,
    };
    let header = serde_json::to_vec(&header).expect("a header of strings and numbers serialises");
    let size = MAGIC.len()
        + 8
        + header.len()
        + data.reports.len() * size_of::<PackedReport>()
        + journeys.len() * 4
        + stops * size_of::<PackedStop>()
        + references.len();
    let mut out = Vec::with_capacity(size);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&[0; 4]); // the checksum, once the rest is written
    out.extend_from_slice(&(header.len() as u32).to_le_bytes());
    out.extend_from_slice(&header);
    for (r, end) in data.reports.iter().zip(ends) {
        let counts = [r.female, r.male, r.other_gender, r.children, r.adults];
        let given = counts.iter().enumerate().fold(0u8, |g, (k, c)| g | (u8::from(c.is_some()) << k));
        let packed = PackedReport {
            id: r.id.into(),
            organisation: r.organisation.into(),
            round: r.round.into(),
            status: status_number(r.status),
            source: r.source,
            confidence: r.confidence,
            given,
            exploitation: r.exploitation.into(),
            sectors: r.sectors.into(),
            transport: r.transport.into(),
            recruitment: r.recruitment.into(),
            relation: r.relation.into(),
            victims: r.victims.into(),
            victims_below: r.victims_below.into(),
            counts: counts.map(|c| c.unwrap_or(0).into()),
            period: [month_number(r.period_start).into(), month_number(r.period_end).into()],
            journey: r.shape.into(),
            reference_end: end.into(),
        };
        out.extend_from_slice(packed.as_bytes());
    }
    for j in 0..journeys.len() {
        out.extend_from_slice(&(journeys.stops(j as u32).len() as u32).to_le_bytes());
    }
    for j in 0..journeys.len() {
        for s in journeys.stops(j as u32) {
            out.extend_from_slice(PackedStop { role: s.role, place: s.place.into(), text: s.text.into() }.as_bytes());
        }
    }
    out.extend_from_slice(references.as_bytes());
    debug_assert_eq!(out.len(), size);
    let checksum = crc32fast::hash(&out[MAGIC.len() + 4..]);
    out[MAGIC.len()..MAGIC.len() + 4].copy_from_slice(&checksum.to_le_bytes());
    out
}

/// Reads a dataset back, if `bytes` were written from this database at this data version by this
/// build with this gazetteer.
pub fn decode<'g>(
    gazetteer: &'g Gazetteer,
    bytes: &[u8],
    provenance: &Provenance,
) -> Result<Dataset<'g>, SnapshotRefused> {
    let damaged = |why: &str| SnapshotRefused::Damaged(why.to_string());
    let rest = bytes.strip_prefix(MAGIC.as_slice()).ok_or_else(|| damaged("not a vjt snapshot"))?;
    let (checksum, rest) = rest.split_at_checked(4).ok_or_else(|| damaged("cut short"))?;
    if crc32fast::hash(rest) != u32::from_le_bytes(checksum.try_into().expect("four bytes")) {
        return Err(damaged("its checksum does not match"));
    }
    let (length, rest) = rest.split_at_checked(4).ok_or_else(|| damaged("cut short"))?;
    let length = u32::from_le_bytes(length.try_into().expect("four bytes")) as usize;
    let (header, rest) = rest.split_at_checked(length).ok_or_else(|| damaged("cut short"))?;
    let header: Header = serde_json::from_slice(header).map_err(|e| damaged(&e.to_string()))?;
    if header.format != FORMAT
        || header.vjt != env!("CARGO_PKG_VERSION")
        || header.gazetteer != gazetteer.fingerprint()
        || &header.provenance != provenance
    {
        return Err(SnapshotRefused::Stale);
    }
    let count = |n: u64| usize::try_from(n).map_err(|_| damaged("too large"));
    let (reports, journeys, stops) = (count(header.reports)?, count(header.journeys)?, count(header.stops)?);
    let (packed, rest) =
        <[PackedReport]>::ref_from_prefix_with_elems(rest, reports).map_err(|_| damaged("reports cut short"))?;
    let (lengths, rest) =
        <[U32]>::ref_from_prefix_with_elems(rest, journeys).map_err(|_| damaged("journeys cut short"))?;
    let (packed_stops, rest) =
        <[PackedStop]>::ref_from_prefix_with_elems(rest, stops).map_err(|_| damaged("stops cut short"))?;
    if rest.len() as u64 != header.reference_bytes {
        return Err(damaged("report ids cut short"));
    }
    let references = std::str::from_utf8(rest).map_err(|_| damaged("report ids are not text"))?;

    let organisations = header
        .organisations
        .into_iter()
        .map(|(id, name, kind)| {
            let kind = OrganisationKind::parse(&kind).map_err(|_| damaged("unknown organisation kind"))?;
            Ok(OrganisationInfo { id, name, kind })
        })
        .collect::<Result<Vec<_>, SnapshotRefused>>()?;
    let rounds: Vec<RoundInfo> =
        header.rounds.into_iter().map(|(id, name, start)| RoundInfo { id, name, start }).collect();
    let unresolved = header.unresolved_texts.len() as u32;
    let places = PlaceTable::of(gazetteer);
    let mut table = Journeys::default();
    let mut at = 0usize;
    let mut own: Vec<StopFact> = Vec::new();
    for (j, length) in lengths.iter().enumerate() {
        let end = at.checked_add(length.get() as usize).filter(|&e| e <= stops).ok_or_else(|| damaged("stops"))?;
        own.clear();
        for s in &packed_stops[at..end] {
            let (place, text) = (s.place.get(), s.text.get());
            let known = if place == UNRESOLVED { text < unresolved } else { (place as usize) < gazetteer.len() };
            if s.role > EXPLOITATION || !known {
                return Err(damaged("a stop names a place or text that is not there"));
            }
            own.push(StopFact { role: s.role, place, text: if place == UNRESOLVED { text } else { 0 } });
        }
        if table.intern(&places, &own) as usize != j {
            return Err(damaged("a journey is written twice"));
        }
        at = end;
    }
    let statuses = ReviewStatus::all();
    let mut facts = Vec::with_capacity(reports);
    let mut refs = ReportRefs::with_capacity(reports, references.len());
    let mut previous_id = i64::MIN;
    let mut previous_end = 0u32;
    for p in packed {
        let id = p.id.get();
        let end = p.reference_end.get();
        let absent = end & 1 << 31 != 0;
        let end_at = end & !(1 << 31);
        let valid = id > previous_id
            && (p.organisation.get() as usize) < organisations.len()
            && (p.round.get() as usize) < rounds.len()
            && (p.status as usize) < statuses.len()
            && p.source < 32
            && p.confidence < 32
            && (p.journey.get() as usize) < journeys
            && end_at >= previous_end
            && (end_at as usize) <= references.len()
            && references.is_char_boundary(end_at as usize);
        if !valid {
            return Err(damaged("a report's numbers are out of range"));
        }
        previous_id = id;
        let reference = (!absent).then(|| &references[previous_end as usize..end_at as usize]);
        previous_end = end_at;
        refs.push(reference);
        let count = |k: usize| (p.given & (1 << k) != 0).then(|| p.counts[k].get());
        facts.push(ReportFact {
            id,
            organisation: p.organisation.get(),
            round: p.round.get(),
            status: statuses[p.status as usize],
            exploitation: p.exploitation.get(),
            sectors: p.sectors.get(),
            transport: p.transport.get(),
            recruitment: p.recruitment.get(),
            relation: p.relation.get(),
            source: p.source,
            confidence: p.confidence,
            victims: p.victims.get(),
            victims_below: p.victims_below.get(),
            female: count(0),
            male: count(1),
            other_gender: count(2),
            children: count(3),
            adults: count(4),
            period_start: month_of(p.period[0].get()),
            period_end: month_of(p.period[1].get()),
            shape: p.journey.get(),
        });
    }
    Ok(Dataset::from_parts(gazetteer, organisations, rounds, facts, table, header.unresolved_texts, refs, places))
}
