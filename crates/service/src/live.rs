//! The figures a long-running server keeps: every report in memory, and running tallies for the
//! views asked for lately, brought up to date with each change instead of made again. After a
//! submission only that report is read and swapped in each tally; after a change to what many
//! reports mean (an import, a place or duplicate decision, a new organisation or round) or one
//! too old to be told, everything is read again (from the snapshot when it is current).

use std::collections::HashMap;

use vjt_analysis::{Analysis, Dataset, Decision, Filter, Options, ReportSink, StopSink, Tally};
use vjt_domain::RouteReportId;
use vjt_gazetteer::Gazetteer;
use vjt_store::{ReportSearch, Store, StoreError};

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
        Ok(self.catch_up_with(store, true)?.unwrap_or(CaughtUp::Everything))
    }

    /// Brings the reports up to date when only a few changed; `false` (nothing done) when every
    /// report would have to be read again, which a list page need not wait for.
    pub fn catch_up_cheaply(&mut self, store: &Store) -> Result<bool, StoreError> {
        Ok(self.catch_up_with(store, false)?.is_some())
    }

    /// `None` when everything had to be read again and `reload` said not to.
    fn catch_up_with(&mut self, store: &Store, reload: bool) -> Result<Option<CaughtUp>, StoreError> {
        let changes = store.changes_since(self.version)?;
        let ids = match changes.reports {
            Some(ids) if changes.database == self.database => ids,
            _ if !reload => return Ok(None),
            _ => {
                *self = LiveFigures::load(store, self.options.clone())?;
                return Ok(Some(CaughtUp::Everything));
            }
        };
        if ids.is_empty() {
            self.version = changes.version;
            return Ok(Some(CaughtUp::Nothing));
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
            Err(_) if !reload => return Ok(None),
            Err(_) => {
                *self = LiveFigures::load(store, self.options.clone())?;
                return Ok(Some(CaughtUp::Everything));
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
        Ok(Some(CaughtUp::Reports(ids.len())))
    }

    /// The ids of the newest reports a list shows (newest first, older than `search.before`, at
    /// most `search.limit`) and how many match in all, from the reports in memory; `None` for a
    /// search by text, which only the database can answer. On PostgreSQL a list read from the
    /// table steps over every row an import has written and not yet committed (a million rows:
    /// most of a second for the count and the page); these reports are the committed ones
    /// already, as of the last catch-up.
    pub fn newest(&self, search: &ReportSearch) -> Option<(Vec<RouteReportId>, u64)> {
        if search.text.is_some() {
            return None;
        }
        let data = &self.data;
        // An organisation or round the figures do not know has no reports in them.
        let organisation = match search.organisation {
            Some(o) => match data.organisations.iter().position(|x| x.id == o.0) {
                Some(i) => Some(i),
                None => return Some((Vec::new(), 0)),
            },
            None => None,
        };
        let round = match search.round {
            Some(r) => match data.rounds.iter().position(|x| x.id == r.0) {
                Some(i) => Some(i),
                None => return Some((Vec::new(), 0)),
            },
            None => None,
        };
        let before = search.before.map_or(i64::MAX, |b| b.0);
        let limit = search.limit as usize;
        let mut total = 0u64;
        // The newest `limit` matches below `before`, smallest on top of the heap.
        let mut page = std::collections::BinaryHeap::with_capacity(limit + 1);
        for (i, r) in data.reports.iter().enumerate() {
            if organisation.is_some_and(|o| usize::from(r.organisation) != o)
                || round.is_some_and(|d| usize::from(r.round) != d)
                || search.status.is_some_and(|s| r.status != s)
                || data.removed(i)
            {
                continue;
            }
            total += 1;
            if r.id < before {
                page.push(std::cmp::Reverse(r.id));
                if page.len() > limit {
                    page.pop();
                }
            }
        }
        let mut ids: Vec<RouteReportId> = page.into_iter().map(|std::cmp::Reverse(id)| RouteReportId(id)).collect();
        ids.sort_unstable_by_key(|id| std::cmp::Reverse(id.0));
        Some((ids, total))
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
