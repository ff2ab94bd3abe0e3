//! The figures a long-running server keeps: every report in memory, and running tallies for the
//! views asked for lately, brought up to date with each change instead of made again. After a
//! submission only that report is read and swapped in each tally; after a change to what many
//! reports mean (an import, a place or duplicate decision, a new organisation or round) or one
//! too old to be told, everything is read again (from the snapshot when it is current).

use std::collections::HashMap;

use vjt_analysis::{Analysis, Dataset, Decision, Filter, Options, ReportSink, StopSink, Tally};
use vjt_gazetteer::Gazetteer;
use vjt_store::{Store, StoreError};

use crate::figures::{duplicate_decisions, load_reports, scoped, FilterError, Filters};
use crate::policy::Scope;

/// How many views (scope and filters) keep a tally; the least recently used is dropped.
const TALLIES: usize = 16;

pub struct LiveFigures {
    data: Dataset<'static>,
    database: String,
    /// The data version the reports in memory are at (or newer: see `catch_up`).
    version: i64,
    decisions: HashMap<String, Decision>,
    /// Least recently used first.
    tallies: Vec<(Filter, Tally)>,
    options: Options,
}

/// What a catch-up did, for the server's log and tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CaughtUp {
    Nothing,
    /// These many reports were read again and swapped in.
    Reports(usize),
    /// Every report was read again.
    Everything,
}

impl LiveFigures {
    /// Every report of the database, with no tally yet; `options` (risk weights, list lengths)
    /// apply to every view.
    pub fn load(store: &Store, options: Options) -> Result<LiveFigures, StoreError> {
        // The version first: changes committed while the reports are read are read again later.
        let (database, version) = store.data_identity()?;
        let decisions = duplicate_decisions(store)?;
        let mut data = load_reports(store, Gazetteer::embedded())?;
        // Room for a few days of submissions before the buffers grow (copying every report).
        data.reserve((data.reports.len() / 32).max(1024));
        Ok(LiveFigures { data, database, version, decisions, tallies: Vec::new(), options })
    }

    /// How many reports are held (taken-out ones excepted).
    pub fn reports(&self) -> usize {
        (0..self.data.reports.len()).filter(|&i| !self.data.removed(i)).count()
    }

    /// Brings the reports and every tally up to the database's current data.
    pub fn catch_up(&mut self, store: &Store) -> Result<CaughtUp, StoreError> {
        let changes = store.changes_since(self.version)?;
        let ids = match changes.reports {
            Some(ids) if changes.database == self.database => ids,
            _ => {
                *self = LiveFigures::load(store, self.options.clone())?;
                return Ok(CaughtUp::Everything);
            }
        };
        if ids.is_empty() {
            self.version = changes.version;
            return Ok(CaughtUp::Nothing);
        }
        // Read now, they may be newer than `changes.version`: read again at the next catch-up,
        // which changes nothing the second time.
        let mut reports = ReportSink::new(&self.data.organisations, &self.data.rounds);
        let mut stops = StopSink::new(self.data.gazetteer);
        store.scan_reports_by_id(&ids, |r| reports.push(r), |s| stops.push(s))?;
        let batch = match vjt_analysis::assemble(
            self.data.gazetteer,
            self.data.organisations.clone(),
            self.data.rounds.clone(),
            reports,
            stops,
        ) {
            Ok(batch) => batch,
            // A report of an organisation or round this server has not read yet.
            Err(_) => {
                *self = LiveFigures::load(store, self.options.clone())?;
                return Ok(CaughtUp::Everything);
            }
        };
        let old: Vec<usize> = ids.iter().filter_map(|id| self.data.index_of(*id)).collect();
        for (_, tally) in &mut self.tallies {
            for &i in &old {
                tally.take_out(&self.data, i);
            }
        }
        let still_there: std::collections::HashSet<i64> = batch.reports.iter().map(|r| r.id).collect();
        for id in ids.iter().filter(|id| !still_there.contains(id)) {
            self.data.remove(*id);
        }
        let written = self.data.upsert(batch);
        for (_, tally) in &mut self.tallies {
            for &i in &written {
                tally.take_in(&self.data, i);
            }
        }
        self.version = changes.version;
        Ok(CaughtUp::Reports(ids.len()))
    }

    /// The analysis of what `scope` may see with `filters` now: the changes since the last one
    /// are caught up with, then the view's running tally (made the first time it is asked for)
    /// gives the figures.
    pub fn analysis(&mut self, store: &Store, scope: Scope, filters: &Filters) -> Result<Analysis, FilterError> {
        let filter = scoped(filters.parse(store)?, scope);
        self.catch_up(store)?;
        let at = match self.tallies.iter().position(|(f, _)| *f == filter) {
            Some(at) => at,
            None => {
                if self.tallies.len() >= TALLIES {
                    self.tallies.remove(0);
                }
                let options = Options { decisions: self.decisions.clone(), ..self.options.clone() };
                let tally = Tally::of(&self.data, filter.clone(), options);
                self.tallies.push((filter, tally));
                self.tallies.len() - 1
            }
        };
        let used = self.tallies.remove(at);
        self.tallies.push(used);
        let (_, tally) = self.tallies.last_mut().expect("just pushed");
        Ok(tally.finish(&self.data))
    }
}
