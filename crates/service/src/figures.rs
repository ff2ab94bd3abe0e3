//! The figures a caller may see: filters as a person gives them, checked; the reports of the
//! caller's scope read into the analysis engine; the coordinator's duplicate decisions applied.

use std::collections::HashMap;

use vjt_analysis::{
    analyze, assemble, Analysis, Dataset, Decision, Filter, Options, OrganisationInfo, ReportSink, RoundInfo, StopSink,
};
use vjt_domain::vocab::Vocabulary;
use vjt_domain::{Arg, ExploitationType, Message, OrganisationKind, ReviewStatus, YearMonth};
use vjt_gazetteer::Gazetteer;
use vjt_store::{ReportQuery, Store, StoreError};

use crate::policy::Scope;

/// Filters as a person gives them (command-line flags, a page's query string), not yet checked.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Filters {
    /// Round names; empty means every round.
    pub rounds: Vec<String>,
    /// First and last month, YYYY-MM.
    pub from: Option<String>,
    pub to: Option<String>,
    pub organisation_kinds: Vec<String>,
    pub exploitation: Vec<String>,
    /// Review statuses; empty means every status but rejected.
    pub statuses: Vec<String>,
}

/// Why filters were refused: which one, and why, to be said in a language.
#[derive(Debug)]
pub enum FilterError {
    Invalid { filter: &'static str, message: Message },
    Store(StoreError),
}

impl From<StoreError> for FilterError {
    fn from(e: StoreError) -> Self {
        FilterError::Store(e)
    }
}

impl std::fmt::Display for FilterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            FilterError::Invalid { filter, message } => write!(f, "{filter}: {message}"),
            FilterError::Store(e) => e.fmt(f),
        }
    }
}

impl std::error::Error for FilterError {}

impl Filters {
    /// Whether any filter is set (an unfiltered view says so on its cover).
    pub fn is_empty(&self) -> bool {
        self == &Filters::default()
    }

    /// Checks every filter against the vocabularies and the database's rounds.
    pub fn parse(&self, store: &Store) -> Result<Filter, FilterError> {
        let invalid = |filter: &'static str, message: Message| FilterError::Invalid { filter, message };
        let mut filter = Filter::default();
        for name in self.rounds.iter().filter(|n| !n.trim().is_empty()) {
            let round = store.round_named(name)?.ok_or_else(|| {
                invalid("round", Message::new("filter-no-such-round").with("name", Arg::Text(name.clone())))
            })?;
            filter.rounds.push(round.id.0);
        }
        let month = |filter: &'static str, raw: &Option<String>| -> Result<Option<YearMonth>, FilterError> {
            match raw.as_deref().map(str::trim).filter(|m| !m.is_empty()) {
                None => Ok(None),
                Some(m) => YearMonth::parse(m).map(Some).map_err(|e| invalid(filter, e.message())),
            }
        };
        let (from, to) = (month("from", &self.from)?, month("to", &self.to)?);
        if from.is_some() || to.is_some() {
            let from = from.unwrap_or(YearMonth::new(1900, 1).expect("a valid month"));
            let to = to.unwrap_or(YearMonth::new(2200, 12).expect("a valid month"));
            if to < from {
                return Err(invalid(
                    "to",
                    Message::new("filter-period-backwards")
                        .with("from", Arg::Text(from.to_string()))
                        .with("to", Arg::Text(to.to_string())),
                ));
            }
            filter.period = Some((from, to));
        }
        fn terms<T: Vocabulary>(filter: &'static str, raw: &[String], into: &mut Vec<T>) -> Result<(), FilterError> {
            for item in raw.iter().filter(|t| !t.trim().is_empty()) {
                into.push(T::parse(item).map_err(|e| FilterError::Invalid { filter, message: e.message() })?);
            }
            Ok(())
        }
        terms::<OrganisationKind>("org-kind", &self.organisation_kinds, &mut filter.organisation_kinds)?;
        terms::<ExploitationType>("exploitation", &self.exploitation, &mut filter.exploitation)?;
        terms::<ReviewStatus>("status", &self.statuses, &mut filter.statuses)?;
        Ok(filter)
    }
}

/// Reads the reports of `query` into the analysis engine (stops and reports over two
/// connections at once).
pub fn load_dataset<'g>(store: &Store, g: &'g Gazetteer, query: &ReportQuery) -> Result<Dataset<'g>, StoreError> {
    let organisations: Vec<OrganisationInfo> = store
        .organisations()?
        .into_iter()
        .map(|o| OrganisationInfo { id: o.id.0, name: o.name.to_string(), kind: o.kind })
        .collect();
    let rounds: Vec<RoundInfo> = store
        .rounds()?
        .into_iter()
        .map(|r| RoundInfo { id: r.id.0, name: r.name.to_string(), start: r.span.start().to_string() })
        .collect();
    let mut reports = ReportSink::new(&organisations, &rounds);
    let mut stops = StopSink::new(g);
    store.scan_concurrently(query, |r| reports.push(r), |s| stops.push(s))?;
    assemble(g, organisations, rounds, reports, stops).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// The coordinator's decisions on duplicate clusters.
pub fn duplicate_decisions(store: &Store) -> Result<HashMap<String, Decision>, StoreError> {
    Ok(store
        .duplicate_decisions()?
        .into_iter()
        .map(|(k, d)| (k, if d == "split" { Decision::Split } else { Decision::Confirmed }))
        .collect())
}

/// Which reports a scope reads.
pub fn query_for(scope: Scope) -> ReportQuery {
    match scope {
        Scope::Organisation(org) => ReportQuery { organisation: Some(org), round: None },
        Scope::All | Scope::Aggregates => ReportQuery::default(),
    }
}

/// Analyses what a scope may see, with the filters and the coordinator's duplicate decisions:
/// the one way the command line, the API, the dashboard and the report get their figures. The
/// database is read first; the analysis itself runs with no connection held.
pub fn analyse(store: &Store, scope: Scope, filters: &Filters, options: Options) -> Result<Analysis, FilterError> {
    let filter = filters.parse(store)?;
    let decisions = duplicate_decisions(store)?;
    let data = load_dataset(store, Gazetteer::embedded(), &query_for(scope))?;
    Ok(analyze(&data, &filter, &Options { decisions, ..options }))
}
