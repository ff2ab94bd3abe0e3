//! The route report: one organisation's account of a route it has met, as an ordered journey of stops.
//!
//! There is deliberately no field for a survivor's name, contact, identity number or address: the
//! unit of data is a route, and counts are aggregates.

use std::collections::BTreeSet;
use std::fmt;
use std::num::NonZeroU32;
use std::ops::Deref;

use chrono::{DateTime, Utc};
use vjt_catalogue::Message;

use crate::names::{Notes, ReportRef, StopText};
use crate::organisation::{OrganisationId, RoundId};
use crate::vocab::{
    Confidence, ExploitationType, KnowledgeSource, RecruiterRelationship, RecruitmentMethod, ReviewStatus, Sector,
    StopRole, TransportMode,
};

/// A gazetteer place id (issued by the gazetteer, e.g. `ke-county-30`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct PlaceId(pub String);

impl fmt::Display for PlaceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One place on a journey: the text as reported, the place it was resolved to (if any), and the
/// transport used on the leg that arrived here (empty when not given per leg).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Stop {
    pub text: StopText,
    pub place: Option<PlaceId>,
    #[serde(default, skip_serializing_if = "BTreeSet::is_empty")]
    pub arrived_by: BTreeSet<TransportMode>,
}

impl Stop {
    /// A stop that is not (yet) resolved to a gazetteer place.
    pub fn reported(text: StopText) -> Self {
        Self { text, place: None, arrived_by: BTreeSet::new() }
    }
}

/// Why a journey does not hold together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum JourneyError {
    NoEndPoint,
    OriginCount(usize),
    RepeatedRole(StopRole),
    OutOfOrder { earlier: StopRole, later: StopRole },
    TooManyTransits { found: usize, max: usize },
}

impl JourneyError {
    pub fn message(&self) -> Message {
        let label = |m: Message, name: &'static str, role: StopRole| {
            use crate::vocab::Vocabulary;
            m.with_label(name, role.label(crate::Lang::En), role.label(crate::Lang::Sw))
        };
        match self {
            JourneyError::NoEndPoint => Message::new("journey-no-end"),
            JourneyError::OriginCount(n) => Message::new("journey-origin-count").with("found", *n),
            JourneyError::RepeatedRole(role) => label(Message::new("journey-repeated-role"), "role", *role),
            JourneyError::OutOfOrder { earlier, later } => {
                label(label(Message::new("journey-out-of-order"), "earlier", *earlier), "later", *later)
            }
            JourneyError::TooManyTransits { found, max } => {
                Message::new("journey-too-many-transits").with("found", *found).with("max", *max)
            }
        }
    }
}

crate::says!(JourneyError);

/// origin → transit points in travel order → intended destination and/or place of exploitation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Journey {
    origin: Stop,
    transit: Vec<Stop>,
    destination: Option<Stop>,
    exploitation: Option<Stop>,
}

impl Journey {
    /// A bound that keeps a pasted paragraph from becoming a thousand stops.
    pub const MAX_TRANSITS: usize = 30;

    pub fn new(
        origin: Stop,
        transit: Vec<Stop>,
        destination: Option<Stop>,
        exploitation: Option<Stop>,
    ) -> Result<Self, JourneyError> {
        if destination.is_none() && exploitation.is_none() {
            return Err(JourneyError::NoEndPoint);
        }
        if transit.len() > Self::MAX_TRANSITS {
            return Err(JourneyError::TooManyTransits { found: transit.len(), max: Self::MAX_TRANSITS });
        }
        Ok(Self { origin, transit, destination, exploitation })
    }

    /// Rebuilds a journey from stops listed with their roles in travel order (the stored form).
    pub fn from_stops(stops: impl IntoIterator<Item = (StopRole, Stop)>) -> Result<Self, JourneyError> {
        let mut origins = Vec::new();
        let mut transit = Vec::new();
        let mut destination = None;
        let mut exploitation = None;
        let mut last_rank = 0;
        let mut last_role = StopRole::Origin;
        for (role, stop) in stops {
            let rank = role_rank(role);
            if rank < last_rank {
                return Err(JourneyError::OutOfOrder { earlier: role, later: last_role });
            }
            last_rank = rank;
            last_role = role;
            match role {
                StopRole::Origin => origins.push(stop),
                StopRole::Transit => transit.push(stop),
                StopRole::Destination if destination.is_none() => destination = Some(stop),
                StopRole::Exploitation if exploitation.is_none() => exploitation = Some(stop),
                StopRole::Destination | StopRole::Exploitation => return Err(JourneyError::RepeatedRole(role)),
            }
        }
        if origins.len() != 1 {
            return Err(JourneyError::OriginCount(origins.len()));
        }
        let origin = origins.pop().expect("one origin, checked above");
        Self::new(origin, transit, destination, exploitation)
    }

    pub fn origin(&self) -> &Stop {
        &self.origin
    }
    pub fn transit(&self) -> &[Stop] {
        &self.transit
    }
    pub fn destination(&self) -> Option<&Stop> {
        self.destination.as_ref()
    }
    pub fn exploitation(&self) -> Option<&Stop> {
        self.exploitation.as_ref()
    }
    /// Where the route ends: the place of exploitation, else the intended destination.
    pub fn final_stop(&self) -> &Stop {
        self.exploitation.as_ref().or(self.destination.as_ref()).expect("a journey always has an end point")
    }

    /// Every stop with its role, in travel order.
    pub fn stops(&self) -> impl Iterator<Item = (StopRole, &Stop)> {
        std::iter::once((StopRole::Origin, &self.origin))
            .chain(self.transit.iter().map(|s| (StopRole::Transit, s)))
            .chain(self.destination.iter().map(|s| (StopRole::Destination, s)))
            .chain(self.exploitation.iter().map(|s| (StopRole::Exploitation, s)))
    }

    /// Mutable access to every stop, for resolving places after parsing.
    pub fn stops_mut(&mut self) -> impl Iterator<Item = &mut Stop> {
        std::iter::once(&mut self.origin)
            .chain(self.transit.iter_mut())
            .chain(self.destination.iter_mut())
            .chain(self.exploitation.iter_mut())
    }
}

fn role_rank(role: StopRole) -> u8 {
    match role {
        StopRole::Origin => 0,
        StopRole::Transit => 1,
        StopRole::Destination => 2,
        StopRole::Exploitation => 3,
    }
}

impl<'de> serde::Deserialize<'de> for Journey {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(serde::Deserialize)]
        struct Raw {
            origin: Stop,
            #[serde(default)]
            transit: Vec<Stop>,
            destination: Option<Stop>,
            exploitation: Option<Stop>,
        }
        let raw = Raw::deserialize(d)?;
        Journey::new(raw.origin, raw.transit, raw.destination, raw.exploitation).map_err(serde::de::Error::custom)
    }
}

/// A month, as in "seen from 2019-03 to 2019-11".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct YearMonth {
    year: u16,
    month: u8,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearMonthError(pub String);

impl YearMonthError {
    pub fn message(&self) -> Message {
        Message::new("month-invalid").with("value", vjt_catalogue::Arg::Text(self.0.clone()))
    }
}

crate::says!(YearMonthError);

impl YearMonth {
    pub fn new(year: u16, month: u8) -> Option<Self> {
        ((1900..=2200).contains(&year) && (1..=12).contains(&month)).then_some(Self { year, month })
    }
    /// Accepts `YYYY-MM` and `YYYY-MM-DD` (the day is checked, then dropped).
    pub fn parse(raw: &str) -> Result<Self, YearMonthError> {
        let t = raw.trim();
        let err = || YearMonthError(raw.to_string());
        let ym = match t.len() {
            7 => t,
            10 => {
                chrono::NaiveDate::parse_from_str(t, "%Y-%m-%d").map_err(|_| err())?;
                &t[..7]
            }
            _ => return Err(err()),
        };
        let (y, m) = ym.split_once('-').ok_or_else(err)?;
        if y.len() != 4 || m.len() != 2 {
            return Err(err());
        }
        let year: u16 = y.parse().map_err(|_| err())?;
        let month: u8 = m.parse().map_err(|_| err())?;
        Self::new(year, month).ok_or_else(err)
    }
    pub fn year(&self) -> u16 {
        self.year
    }
    pub fn month(&self) -> u8 {
        self.month
    }
}

impl YearMonth {
    /// Appends "YYYY-MM": what `Display` writes, without the formatting machinery (an import
    /// writes two per report).
    pub fn push_to(self, out: &mut String) {
        out.push_str(std::str::from_utf8(&self.digits()).unwrap_or_default());
    }

    // Every report's two months are written on each save: seven bytes by hand cost a tenth
    // of `write!`'s padded formatting. `new` keeps the year to four digits.
    fn digits(self) -> [u8; 7] {
        let (y, m) = (self.year, self.month);
        let digit = |n: u16| b'0' + (n % 10) as u8;
        [digit(y / 1000), digit(y / 100), digit(y / 10), digit(y), b'-', digit(u16::from(m) / 10), digit(m.into())]
    }
}

impl fmt::Display for YearMonth {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(std::str::from_utf8(&self.digits()).map_err(|_| fmt::Error)?)
    }
}

impl serde::Serialize for YearMonth {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for YearMonth {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(d)?;
        Self::parse(&raw).map_err(serde::de::Error::custom)
    }
}

/// Aggregate counts describing the people on a route. Never individual data.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Profile {
    pub female: Option<u32>,
    pub male: Option<u32>,
    pub other_gender: Option<u32>,
    pub children: Option<u32>,
    pub adults: Option<u32>,
}

/// Everything a route report says, before its cross-field rules are checked.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ReportDraft {
    pub organisation: OrganisationId,
    pub round: RoundId,
    pub report_id: Option<ReportRef>,
    pub journey: Journey,
    #[serde(default)]
    pub exploitation_types: BTreeSet<ExploitationType>,
    #[serde(default)]
    pub sectors: BTreeSet<Sector>,
    #[serde(default)]
    pub transport_modes: BTreeSet<TransportMode>,
    #[serde(default)]
    pub recruitment_methods: BTreeSet<RecruitmentMethod>,
    #[serde(default)]
    pub recruiter_relationships: BTreeSet<RecruiterRelationship>,
    /// Estimated number of victims/cases on this route; `None` when unknown.
    pub victims: Option<NonZeroU32>,
    /// A small count withheld by its publisher ("<5"): fewer than this many, at least one. Kept
    /// apart from `victims` because it is neither zero nor the bound.
    #[serde(default)]
    pub victims_below: Option<NonZeroU32>,
    #[serde(default)]
    pub profile: Profile,
    pub period_start: Option<YearMonth>,
    pub period_end: Option<YearMonth>,
    pub source: KnowledgeSource,
    pub confidence: Confidence,
    pub notes: Option<Notes>,
    pub status: ReviewStatus,
}

/// A rule that a draft breaks, with the field it concerns, in plain words.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportProblem {
    pub field: crate::Field,
    pub message: Message,
}

impl fmt::Display for ReportProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field.code(), self.message)
    }
}

impl std::error::Error for ReportProblem {}

/// A route report whose fields are each valid and agree with one another. Read it through `Deref`;
/// change it by taking the draft back (`into_draft`) and checking again.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(transparent)]
pub struct RouteReport(ReportDraft);

impl Deref for RouteReport {
    type Target = ReportDraft;
    fn deref(&self) -> &ReportDraft {
        &self.0
    }
}

impl RouteReport {
    /// Checks the rules that span fields; returns every broken rule, not just the first.
    pub fn new(draft: ReportDraft) -> Result<Self, Vec<ReportProblem>> {
        let mut problems = Vec::new();
        let p = &draft.profile;
        if let (Some(start), Some(end)) = (draft.period_start, draft.period_end) {
            if end < start {
                problems.push(ReportProblem {
                    field: crate::Field::PeriodEnd,
                    message: Message::new("report-period-backwards")
                        .with("start", vjt_catalogue::Arg::Text(start.to_string()))
                        .with("end", vjt_catalogue::Arg::Text(end.to_string())),
                });
            }
        }
        if draft.victims.is_some() && draft.victims_below.is_some() {
            problems.push(ReportProblem { field: crate::Field::Victims, message: Message::new("report-victims-both") });
        }
        if let Some(victims) = draft.victims.map(NonZeroU32::get) {
            let gender: u64 = [p.female, p.male, p.other_gender].iter().flatten().map(|&n| u64::from(n)).sum();
            if gender > u64::from(victims) {
                problems.push(ReportProblem {
                    field: crate::Field::Female,
                    message: Message::new("report-gender-sum").with("sum", gender).with("victims", victims),
                });
            }
            let ages: u64 = [p.children, p.adults].iter().flatten().map(|&n| u64::from(n)).sum();
            if ages > u64::from(victims) {
                problems.push(ReportProblem {
                    field: crate::Field::Children,
                    message: Message::new("report-age-sum").with("sum", ages).with("victims", victims),
                });
            }
        }
        if problems.is_empty() {
            Ok(Self(draft))
        } else {
            Err(problems)
        }
    }

    pub fn into_draft(self) -> ReportDraft {
        self.0
    }

    /// Resolved places can be filled in later without re-checking the rest of the report.
    pub fn journey_mut(&mut self) -> &mut Journey {
        &mut self.0.journey
    }

    /// The coordinator's review decision does not touch what was reported.
    pub fn set_status(&mut self, status: ReviewStatus) {
        self.0.status = status;
    }
}

impl<'de> serde::Deserialize<'de> for RouteReport {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let draft = ReportDraft::deserialize(d)?;
        RouteReport::new(draft).map_err(|problems| {
            let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
            serde::de::Error::custom(text.join("; "))
        })
    }
}

/// The database identity of a route report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct RouteReportId(pub i64);

/// A report as stored: its identity and when it was first saved and last changed.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StoredReport {
    pub id: RouteReportId,
    pub report: RouteReport,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stop(t: &str) -> Stop {
        Stop::reported(StopText::parse(t).unwrap())
    }

    fn draft() -> ReportDraft {
        ReportDraft {
            organisation: OrganisationId(1),
            round: RoundId(1),
            report_id: None,
            journey: Journey::new(stop("Kakamega"), vec![stop("Busia")], Some(stop("Nairobi")), None).unwrap(),
            exploitation_types: BTreeSet::new(),
            sectors: BTreeSet::new(),
            transport_modes: BTreeSet::new(),
            recruitment_methods: BTreeSet::new(),
            recruiter_relationships: BTreeSet::new(),
            victims: NonZeroU32::new(10),
            victims_below: None,
            profile: Profile::default(),
            period_start: None,
            period_end: None,
            source: KnowledgeSource::Unknown,
            confidence: Confidence::Unknown,
            notes: None,
            status: ReviewStatus::Submitted,
        }
    }

    #[test]
    fn a_journey_needs_an_end_point() {
        assert_eq!(Journey::new(stop("Kisii"), vec![], None, None), Err(JourneyError::NoEndPoint));
        let j = Journey::new(stop("Kisii"), vec![stop("Nairobi")], None, Some(stop("Riyadh"))).unwrap();
        assert_eq!(j.final_stop().text.as_str(), "Riyadh");
    }

    #[test]
    fn stops_come_back_in_travel_order() {
        let j = Journey::new(stop("A"), vec![stop("B"), stop("C")], Some(stop("D")), Some(stop("E"))).unwrap();
        let listed: Vec<(StopRole, String)> = j.stops().map(|(r, s)| (r, s.text.to_string())).collect();
        let rebuilt = Journey::from_stops(j.stops().map(|(r, s)| (r, s.clone()))).unwrap();
        assert_eq!(rebuilt, j);
        assert_eq!(listed[0], (StopRole::Origin, "A".into()));
        assert_eq!(listed[2], (StopRole::Transit, "C".into()));
        assert_eq!(listed[4], (StopRole::Exploitation, "E".into()));
    }

    #[test]
    fn stored_stops_must_be_a_valid_journey() {
        let two_origins =
            vec![(StopRole::Origin, stop("A")), (StopRole::Origin, stop("B")), (StopRole::Destination, stop("C"))];
        assert_eq!(Journey::from_stops(two_origins), Err(JourneyError::OriginCount(2)));
        let backwards =
            vec![(StopRole::Origin, stop("A")), (StopRole::Destination, stop("C")), (StopRole::Transit, stop("B"))];
        assert!(matches!(Journey::from_stops(backwards), Err(JourneyError::OutOfOrder { .. })));
        let too_many = (0..31).map(|i| stop(&format!("T{i}"))).collect();
        assert!(matches!(
            Journey::new(stop("A"), too_many, Some(stop("B")), None),
            Err(JourneyError::TooManyTransits { found: 31, .. })
        ));
    }

    #[test]
    fn months_accept_two_spellings() {
        assert_eq!(YearMonth::parse("2020-03").unwrap().to_string(), "2020-03");
        assert_eq!(YearMonth::parse("2020-03-31").unwrap().to_string(), "2020-03");
        assert_eq!(YearMonth::parse("1900-12").unwrap().to_string(), "1900-12");
        assert_eq!(YearMonth::parse("2200-10").unwrap().to_string(), "2200-10");
        for bad in ["2020-13", "2020-3", "March 2020", "2020-02-30", ""] {
            assert!(YearMonth::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn profile_counts_cannot_exceed_victims() {
        let mut d = draft();
        d.profile.female = Some(8);
        d.profile.male = Some(3);
        d.profile.children = Some(11);
        d.period_start = YearMonth::new(2020, 5);
        d.period_end = YearMonth::new(2020, 1);
        let problems = RouteReport::new(d).unwrap_err();
        let fields: Vec<&str> = problems.iter().map(|p| p.field.code()).collect();
        assert_eq!(fields, ["period_end", "female", "children"]);
        assert!(problems[1].message.to_string().contains("more than the 10 people"), "{}", problems[1].message);
        assert!(problems[1].message.text(crate::Lang::Sw).contains("zaidi ya watu 10"));
    }

    #[test]
    fn json_round_trip_keeps_the_report_and_rechecks_it() {
        let report = RouteReport::new(draft()).unwrap();
        let json = serde_json::to_string(&report).unwrap();
        assert!(json.contains(r#""transit":[{"text":"Busia","place":null}]"#), "{json}");
        let back: RouteReport = serde_json::from_str(&json).unwrap();
        assert_eq!(back, report);
        // A journey without an end point cannot sneak in through JSON.
        let broken = json.replace(r#""destination":{"text":"Nairobi","place":null}"#, r#""destination":null"#);
        let err = serde_json::from_str::<RouteReport>(&broken).unwrap_err().to_string();
        assert!(err.contains("intended destination or a place of exploitation"), "{err}");
    }
}
