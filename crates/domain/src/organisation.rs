//! Organisations of the network and their collection rounds.

use chrono::NaiveDate;

use crate::names::{CountryCode, OrganisationName, RoundName};
use crate::vocab::OrganisationKind;

/// The database identity of an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct OrganisationId(pub i64);

/// The database identity of a collection round.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(transparent)]
pub struct RoundId(pub i64);

/// An organisation about to be registered.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewOrganisation {
    pub name: OrganisationName,
    pub kind: OrganisationKind,
    pub country: Option<CountryCode>,
}

/// A registered organisation.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Organisation {
    pub id: OrganisationId,
    pub name: OrganisationName,
    pub kind: OrganisationKind,
    pub country: Option<CountryCode>,
}

/// Why a date or a date range was refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DateError {
    NotADate(String),
    EndsBeforeStart { start: NaiveDate, end: NaiveDate },
}

impl DateError {
    pub fn message(&self) -> vjt_catalogue::Message {
        use vjt_catalogue::{Arg, Message};
        match self {
            DateError::NotADate(raw) => Message::new("date-invalid").with("value", Arg::Text(raw.clone())),
            DateError::EndsBeforeStart { start, end } => Message::new("round-ends-before-start")
                .with("start", Arg::Text(start.to_string()))
                .with("end", Arg::Text(end.to_string())),
        }
    }
}

crate::says!(DateError);

/// Parses a calendar date written as `YYYY-MM-DD`.
pub fn parse_date(raw: &str) -> Result<NaiveDate, DateError> {
    NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d").map_err(|_| DateError::NotADate(raw.to_string()))
}

/// A round's first and last day, in order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct DateSpan {
    start: NaiveDate,
    end: NaiveDate,
}

impl DateSpan {
    pub fn new(start: NaiveDate, end: NaiveDate) -> Result<Self, DateError> {
        if end < start {
            return Err(DateError::EndsBeforeStart { start, end });
        }
        Ok(Self { start, end })
    }
    pub fn start(&self) -> NaiveDate {
        self.start
    }
    pub fn end(&self) -> NaiveDate {
        self.end
    }
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.start <= day && day <= self.end
    }
}

/// A collection round about to be created.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct NewRound {
    pub name: RoundName,
    pub span: DateSpan,
}

/// A time-boxed data collection exercise, such as "Kenya 2020".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Round {
    pub id: RoundId,
    pub name: RoundName,
    pub span: DateSpan,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_are_iso_and_spans_ordered() {
        let start = parse_date("2020-01-01").unwrap();
        let end = parse_date(" 2020-12-31 ").unwrap();
        assert!(matches!(parse_date("31/12/2020"), Err(DateError::NotADate(_))));
        assert!(matches!(parse_date("2020-02-30"), Err(DateError::NotADate(_))));
        let span = DateSpan::new(start, end).unwrap();
        assert!(span.contains(parse_date("2020-06-15").unwrap()));
        assert_eq!(DateSpan::new(end, start), Err(DateError::EndsBeforeStart { start: end, end: start }));
    }
}
