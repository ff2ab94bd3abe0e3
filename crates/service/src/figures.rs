//! The figures a caller may see: filters as a person gives them, checked; the reports of the
//! caller's scope read into the analysis engine; the coordinator's duplicate decisions applied.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use vjt_analysis::snapshot::Provenance;
use vjt_analysis::{
    assemble, Analysis, Dataset, Decision, Filter, Options, OrganisationInfo, ReportSink, RoundInfo, StopSink,
};
use vjt_domain::vocab::Vocabulary;
use vjt_domain::{Arg, ExploitationType, Lang, Message, OrganisationKind, ReviewStatus, YearMonth};
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

    /// The filters in words ("round Kenya 2020 · seen between 2020-03 and 2020-09 · Sexual
    /// exploitation"), for a filtered view's title and cover; None when none is set. Terms the
    /// vocabularies do not know are left out (`parse` refuses them before anything is made).
    pub fn describe(&self, lang: Lang) -> Option<String> {
        if self.is_empty() {
            return None;
        }
        let cat = vjt_render::Catalogue::new(lang);
        let mut parts = Vec::new();
        if self.rounds.is_empty() {
            parts.push(cat.t("dash-filter-all-rounds"));
        }
        for round in &self.rounds {
            parts.push(cat.f("dash-filter-round", &[("round", Arg::Text(round.clone()))]));
        }
        if self.from.is_some() || self.to.is_some() {
            let month = |m: &Option<String>| Arg::Text(m.clone().unwrap_or_else(|| "…".into()));
            parts.push(cat.f("dash-filter-period", &[("from", month(&self.from)), ("to", month(&self.to))]));
        }
        parts.extend(
            self.exploitation.iter().filter_map(|t| ExploitationType::parse(t).ok()).map(|t| t.label(lang).to_string()),
        );
        parts.extend(
            self.organisation_kinds
                .iter()
                .filter_map(|k| OrganisationKind::parse(k).ok())
                .map(|k| k.label(lang).to_string()),
        );
        parts.extend(
            self.statuses.iter().filter_map(|s| ReviewStatus::parse(s).ok()).map(|s| s.label(lang).to_string()),
        );
        Some(parts.join(" · "))
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
/// reports are read first (from the snapshot when it is current); the analysis itself runs with
/// no connection held.
pub fn analyse(store: &Store, scope: Scope, filters: &Filters, options: Options) -> Result<Analysis, FilterError> {
    let filter = scoped(filters.parse(store)?, scope);
    let decisions = duplicate_decisions(store)?;
    let data = load_reports(store, Gazetteer::embedded())?;
    Ok(vjt_analysis::Tally::of(&data, filter, Options { decisions, ..options }).finish(&data))
}

/// The filter narrowed to what the scope may see.
pub fn scoped(mut filter: Filter, scope: Scope) -> Filter {
    if let Scope::Organisation(org) = scope {
        filter.organisations = vec![org.0];
    }
    filter
}

/// Every report of the database, from its snapshot when the snapshot was written from this
/// database at its current data version; otherwise from the database, writing a new snapshot
/// for next time (failing to write one is not an error: the next run reads the database again).
pub fn load_reports<'g>(store: &Store, g: &'g Gazetteer) -> Result<Dataset<'g>, StoreError> {
    // Read before the reports: a change committed while they are read makes the snapshot look
    // older than it is (read again next time), never newer.
    let (database, data_version) = store.data_identity()?;
    let provenance = Provenance { database, data_version };
    let path = snapshot_path(store, &provenance.database);
    if let Some(path) = &path {
        if let Ok(bytes) = std::fs::read(path) {
            if let Ok(data) = vjt_analysis::snapshot::decode(g, &bytes, &provenance) {
                return Ok(data);
            }
        }
    }
    let data = load_dataset(store, g, &ReportQuery::default())?;
    if let Some(path) = path {
        let _ = write_snapshot(&path, &vjt_analysis::snapshot::encode(&data, &provenance));
    }
    Ok(data)
}

/// Where a database's snapshot is kept: beside an SQLite file (as `FILE.snapshot`); for
/// PostgreSQL in `VJT_CACHE_DIR`, else `$XDG_CACHE_HOME/vjt`, else `~/.cache/vjt`, named by the
/// database's identity and where it is. None for an in-memory database, or with
/// `VJT_SNAPSHOT=off`.
pub fn snapshot_path(store: &Store, database: &str) -> Option<PathBuf> {
    if std::env::var("VJT_SNAPSHOT").is_ok_and(|v| v == "off") {
        return None;
    }
    if let Some(file) = store.file() {
        let mut name = file.as_os_str().to_owned();
        name.push(".snapshot");
        return Some(PathBuf::from(name));
    }
    if store.engine() != vjt_store::Engine::Postgres {
        return None;
    }
    let dir = match (std::env::var_os("VJT_CACHE_DIR"), std::env::var_os("XDG_CACHE_HOME"), std::env::var_os("HOME")) {
        (Some(dir), _, _) => PathBuf::from(dir),
        (None, Some(cache), _) => PathBuf::from(cache).join("vjt"),
        (None, None, Some(home)) => PathBuf::from(home).join(".cache").join("vjt"),
        (None, None, None) => return None,
    };
    // The identity alone would do, but two databases restored from one dump share it.
    use sha2::Digest;
    let place = sha2::Sha256::digest(store.target().as_bytes());
    let place: String = place.iter().take(6).map(|b| format!("{b:02x}")).collect();
    let database: String = database.chars().filter(char::is_ascii_alphanumeric).take(32).collect();
    Some(dir.join(format!("{database}-{place}.snapshot")))
}

/// Writes the snapshot whole or not at all: to a file of its own, then renamed over the old one,
/// readable by the owner only (it holds every report).
fn write_snapshot(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut partial = path.as_os_str().to_owned();
    partial.push(format!(".{}.partial", std::process::id()));
    let partial = PathBuf::from(partial);
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let written = options.open(&partial).and_then(|mut f| f.write_all(bytes));
    match written.and_then(|()| std::fs::rename(&partial, path)) {
        Ok(()) => Ok(()),
        Err(e) => {
            let _ = std::fs::remove_file(&partial);
            Err(e)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn filters_are_described_in_either_language() {
        assert_eq!(Filters::default().describe(Lang::En), None);
        let f = Filters {
            rounds: vec!["Kenya 2020".into()],
            from: Some("2020-03".into()),
            to: Some("2020-09".into()),
            exploitation: vec!["sexual_exploitation".into()],
            ..Filters::default()
        };
        let en = f.describe(Lang::En).unwrap();
        assert!(en.contains("Kenya 2020") && en.contains("2020-03") && en.contains("2020-09"), "{en}");
        assert!(en.contains(ExploitationType::SexualExploitation.label(Lang::En)), "{en}");
        let sw = f.describe(Lang::Sw).unwrap();
        assert!(sw.contains(ExploitationType::SexualExploitation.label(Lang::Sw)) && sw != en, "{sw}");
    }
}
