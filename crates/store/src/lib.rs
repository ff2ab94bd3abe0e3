//! vjt's storage: an embedded SQLite file by default, PostgreSQL for a shared network server.
//!
//! One codebase: every operation is written once against [`sql::Conn`], and the contract tests in
//! `tests/contract.rs` run each of them on both engines.

/// The report columns, in the order `flat_report` reads them.
macro_rules! flat_report_columns {
    () => {
        "id, organisation_id, round_id, report_ref, status, exploitation_types, sectors, transport_modes, \
         recruitment_methods, recruiter_relationships, victims, victims_below, female, male, other_gender, children, \
         adults, period_start, period_end, source, confidence"
    };
}

/// The same, then the report's packed stops, in the order `flat_row` reads them.
macro_rules! flat_columns {
    () => {
        concat!(flat_report_columns!(), ", stop_texts, stop_codes")
    };
}

/// The report columns, in the order `codec::report_row` reads them.
macro_rules! codec_columns {
    () => {
        "id, organisation_id, round_id, report_ref, exploitation_types, sectors, transport_modes, \
         recruitment_methods, recruiter_relationships, victims, female, male, other_gender, children, adults, \
         period_start, period_end, source, confidence, notes, status, created_at, updated_at, victims_below, \
         stop_texts, stop_codes"
    };
}

mod accounts;
mod codec;
mod import;
mod pool;
mod releases;
mod schema;
mod sql;

pub use accounts::{AuditEntry, Session, SignInAttempts, User};
pub use codec::EncodedReport;
pub use import::{FileRowSaved, ImportWriter, Saved};
pub use releases::{FileInfo, NewRelease, ReleaseFile, StoredRelease, Withdrawal};

use std::str::FromStr;
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use vjt_domain::{
    name_key, NewOrganisation, NewRound, Organisation, OrganisationId, PlaceId, ReviewStatus, Round, RoundId,
    RouteReportId, StoredReport,
};

pub use schema::SCHEMA_VERSION;
pub use sql::Engine;
use sql::{Touched, Value};

/// Everything that can go wrong in the store, each variant worded for the person who has to act on it.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("'{url}' is not a database vjt can use: {reason}")]
    BadUrl { url: String, reason: String },
    #[error("cannot open {target}: {reason}")]
    Open { target: String, reason: String },
    #[error(
        "this database was written by a newer vjt (schema version {found}; this vjt knows up to {known}); upgrade vjt"
    )]
    NewerSchema { found: i64, known: i64 },
    #[error("database upgrade to schema version {version} failed: {reason}")]
    Migration { version: i64, reason: String },
    #[error("an organisation named '{0}' already exists")]
    DuplicateOrganisation(String),
    #[error("a round named '{0}' already exists")]
    DuplicateRound(String),
    #[error("no organisation has id {0}")]
    UnknownOrganisation(i64),
    #[error("no round has id {0}")]
    UnknownRound(i64),
    #[error("the database holds a value vjt cannot read ({0}); was it edited by hand?")]
    Corrupt(String),
    #[error("a user with the e-mail address '{0}' already exists")]
    DuplicateUser(String),
    #[error("'{0}' has no letters or digits to match on")]
    BadAlias(String),
    #[error("the database is busy with other work (a large import?); try again in a moment")]
    Busy,
    #[error("{0}; try again")]
    Conflict(String),
    #[error("database error: {0}")]
    Database(String),
}

impl StoreError {
    /// Whether trying again later may work: the database was busy or out of reach, nothing was
    /// wrong with the request.
    pub fn is_transient(&self) -> bool {
        matches!(self, StoreError::Busy | StoreError::Open { .. })
    }
}

/// A pool that gave no connection in time: the database is busy, or cannot be reached (then
/// the pool knows the last reason).
fn unavailable(target: &str, e: r2d2::Error) -> StoreError {
    match e.to_string().strip_prefix("timed out waiting for connection: ") {
        Some(reason) => StoreError::Open { target: target.to_string(), reason: reason.to_string() },
        None => StoreError::Busy,
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode::{DatabaseBusy, DatabaseLocked};
        match e.sqlite_error_code() {
            Some(DatabaseBusy | DatabaseLocked) => StoreError::Busy,
            _ => StoreError::Database(e.to_string()),
        }
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        match e.as_db_error() {
            Some(db) => StoreError::Database(db.message().to_string()),
            None => StoreError::Database(e.to_string()),
        }
    }
}

/// Where the database lives, parsed from `--db` / `VJT_DATABASE_URL`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DatabaseUrl {
    /// An SQLite file (created if missing). `:memory:` is a private in-memory database.
    Sqlite(String),
    Postgres(String),
}

impl FromStr for DatabaseUrl {
    type Err = StoreError;
    fn from_str(raw: &str) -> Result<Self, StoreError> {
        let url = raw.trim();
        let bad = |reason: &str| StoreError::BadUrl { url: raw.to_string(), reason: reason.to_string() };
        if url.is_empty() {
            return Err(bad("it is empty; give a file path, sqlite:PATH or postgres://USER@HOST/DB"));
        }
        if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            pool::Connector::postgres(url, None).map_err(|e| match e {
                StoreError::BadUrl { reason, .. } => bad(&reason),
                other => other,
            })?;
            return Ok(DatabaseUrl::Postgres(url.to_string()));
        }
        if let Some(rest) = url.strip_prefix("sqlite:") {
            let path = rest.strip_prefix("//").unwrap_or(rest);
            if path.is_empty() {
                return Err(bad("the sqlite: URL names no file"));
            }
            return Ok(DatabaseUrl::Sqlite(path.to_string()));
        }
        if let Some((scheme, _)) = url.split_once("://") {
            return Err(bad(&format!(
                "'{scheme}' databases are not supported; use SQLite (a file path) or postgres://"
            )));
        }
        if url.starts_with("postgres:") || url.starts_with("postgresql:") {
            return Err(bad("a PostgreSQL URL starts with postgres:// (two slashes)"));
        }
        Ok(DatabaseUrl::Sqlite(url.to_string()))
    }
}

/// What a batch save did, counted per report.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SaveSummary {
    pub inserted: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// The stored id of every report in the batch, in the batch's order.
    pub ids: Vec<RouteReportId>,
}

/// Which reports to read. `None` means any.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ReportQuery {
    pub round: Option<RoundId>,
    pub organisation: Option<OrganisationId>,
}

/// What a place text becomes when the coordinator decides it is not a place but personal data.
pub const REMOVED_PLACE_TEXT: &str = "[removed]";

/// A page of the review queue: reports waiting for a decision, oldest first, filtered.
#[derive(Debug, Clone, Default)]
pub struct WaitingQuery {
    pub organisation: Option<OrganisationId>,
    pub round: Option<RoundId>,
    /// `submitted` or `needs_review` only (others never wait); both when None.
    pub status: Option<ReviewStatus>,
    /// The page starts after this report (in the order asked for).
    pub after: Option<RouteReportId>,
    /// Newest first instead of oldest first.
    pub newest_first: bool,
    pub limit: u32,
}

/// A page of a report list, newest first: filters, words to look for, and where the page
/// starts.
#[derive(Debug, Clone, Default)]
pub struct ReportSearch {
    pub organisation: Option<OrganisationId>,
    pub round: Option<RoundId>,
    pub status: Option<ReviewStatus>,
    /// Found in a place as written (any stop) or the organisation's own reference, ignoring
    /// case; or the report's number, written `123` or `#123`.
    pub text: Option<String>,
    /// The page starts with the next report older than this one.
    pub before: Option<RouteReportId>,
    pub limit: u32,
}

/// One page of a report list.
#[derive(Debug, Clone)]
pub struct ReportPage {
    pub reports: Vec<StoredReport>,
    /// Reports that match the search, on every page.
    pub total: u64,
}

/// One page of the review queue.
#[derive(Debug, Clone)]
pub struct WaitingPage {
    pub reports: Vec<StoredReport>,
    /// Waiting reports that match the filters, on every page.
    pub total: u64,
    /// Of those, how many come before this page.
    pub before: u64,
}

/// What changed in the data since a version: see [`Store::changes_since`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataChanges {
    pub database: String,
    pub version: i64,
    /// The reports written or deleted since, in id order; `None`: read every report again.
    pub reports: Option<Vec<i64>>,
}

/// A place text that no stop has been resolved for, with how many reports use it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnresolvedText {
    /// One of the spellings as reported (the first, alphabetically).
    pub text: String,
    /// The folded key shared by all spellings that differ only in case, accents or punctuation.
    pub key: String,
    pub reports: u64,
}

/// A coordinator's decision that a text means a place.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlaceAlias {
    pub text: String,
    pub key: String,
    pub place: PlaceId,
}

/// An open vjt database: a cheap handle to its connection pools, shared by cloning. Every
/// method takes `&self` and borrows a connection only for its own statements.
#[derive(Clone)]
pub struct Store {
    shared: Arc<Shared>,
}

struct Shared {
    engine: Engine,
    target: String,
    /// SQLite: the one writer connection. PostgreSQL: the same pool as `readers`.
    writer: r2d2::Pool<pool::Connector>,
    readers: r2d2::Pool<pool::Connector>,
    file: Option<std::path::PathBuf>,
}

/// A connection borrowed from the store's pools; it goes back when dropped.
pub(crate) type Pooled = r2d2::PooledConnection<pool::Connector>;

pub(crate) fn now() -> String {
    Utc::now().to_rfc3339_opts(SecondsFormat::Millis, true)
}

pub(crate) fn parse_time(raw: &str) -> Result<DateTime<Utc>, StoreError> {
    DateTime::parse_from_rfc3339(raw)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|_| StoreError::Corrupt(format!("'{raw}' is not a timestamp")))
}

/// How many connections the server keeps open: enough readers for a network's requests; one
/// writer for SQLite (it writes one transaction at a time anyway).
const READERS: u32 = 8;
const POSTGRES_CONNECTIONS: u32 = 12;

impl Store {
    /// Opens (creating if needed) the database at `url` and brings its schema up to date.
    pub fn open(url: &str) -> Result<Store, StoreError> {
        match url.parse::<DatabaseUrl>()? {
            DatabaseUrl::Sqlite(path) => Self::open_sqlite(&path),
            DatabaseUrl::Postgres(url) => Self::open_postgres(&url, None),
        }
    }

    /// Opens an SQLite file, creating it if it does not exist.
    pub fn open_sqlite(path: &str) -> Result<Store, StoreError> {
        let writer = pool::Connector::Sqlite { path: path.to_string(), read_only: false };
        let target = writer.target();
        // The first connection is made here, not in the pool, so that a file that cannot be
        // opened is reported with its reason; the schema is brought up to date on it.
        let mut first = writer.open()?;
        schema::migrate(&mut first).map_err(|e| match e {
            StoreError::Database(reason) => StoreError::Open { target: target.clone(), reason },
            other => other,
        })?;
        if path == ":memory:" {
            // Another connection would be another, empty database: one connection does all.
            let pool = pool::pool(writer, 1, pool::WAIT_FOR_WRITER);
            let mut only = pool.get().map_err(|e| unavailable(&target, e))?;
            schema::migrate(&mut only)?;
            drop(only);
            return Ok(Store::from_pools(Engine::Sqlite, target, pool.clone(), pool, None));
        }
        drop(first);
        let readers = pool::Connector::Sqlite { path: path.to_string(), read_only: true };
        Ok(Store::from_pools(
            Engine::Sqlite,
            target,
            pool::pool(writer, 1, pool::WAIT_FOR_WRITER),
            pool::pool(readers, READERS, pool::WAIT_FOR_READER),
            Some(std::path::PathBuf::from(path)),
        ))
    }

    /// Opens a PostgreSQL database. With `schema`, vjt keeps its tables in that schema (created if
    /// missing), so several networks, or parallel tests, can share one database. `sslmode` in the
    /// URL chooses TLS (docs/web.md).
    pub fn open_postgres(url: &str, schema: Option<&str>) -> Result<Store, StoreError> {
        let connector = pool::Connector::postgres(url, schema)?;
        let target = connector.target();
        let mut first = connector.open()?;
        schema::migrate(&mut first)?;
        drop(first);
        let pool = pool::pool(connector, POSTGRES_CONNECTIONS, pool::WAIT_FOR_READER);
        Ok(Store::from_pools(Engine::Postgres, target, pool.clone(), pool, None))
    }

    fn from_pools(
        engine: Engine,
        target: String,
        writer: r2d2::Pool<pool::Connector>,
        readers: r2d2::Pool<pool::Connector>,
        file: Option<std::path::PathBuf>,
    ) -> Store {
        Store { shared: Arc::new(Shared { engine, target, writer, readers, file }) }
    }

    /// A connection for reading.
    pub(crate) fn reader(&self) -> Result<Pooled, StoreError> {
        self.shared.readers.get().map_err(|e| unavailable(&self.shared.target, e))
    }

    /// The connection for writing (SQLite has one; waiting for it too long answers "busy").
    pub(crate) fn writer(&self) -> Result<Pooled, StoreError> {
        if self.shared.engine == Engine::Postgres {
            return self
                .shared
                .writer
                .get_timeout(pool::WAIT_FOR_READER)
                .map_err(|e| unavailable(&self.shared.target, e));
        }
        // A file import (from this process or another) holds SQLite's one write lock until the
        // whole file is in, minutes for a large one: a write arriving meanwhile (a submission, a
        // sign-in) says busy after a moment instead of after the usual wait, so that the person
        // hears "try again shortly" at once.
        let importing = self.shared.file.as_deref().is_some_and(import::ImportMark::held);
        let wait = if importing { pool::WAIT_DURING_IMPORT } else { pool::WAIT_FOR_WRITER };
        let mut conn = self.shared.writer.get_timeout(wait).map_err(|e| unavailable(&self.shared.target, e))?;
        conn.wait_for_lock(wait)?;
        Ok(conn)
    }

    /// Whether the connection to the database is encrypted (always false for a local file).
    pub fn is_encrypted(&self) -> Result<bool, StoreError> {
        if self.engine() == Engine::Sqlite {
            return Ok(false);
        }
        let row = self
            .reader()?
            .query_one("SELECT CASE WHEN ssl THEN 1 ELSE 0 END FROM pg_stat_ssl WHERE pid = pg_backend_pid()", &[])?;
        Ok(row.map(|r| r.int(0)).transpose()?.unwrap_or(0) == 1)
    }

    /// Which engine this store runs on.
    pub fn engine(&self) -> Engine {
        self.shared.engine
    }

    /// A human description of where the data lives (never includes a password).
    pub fn target(&self) -> &str {
        &self.shared.target
    }

    pub fn add_organisation(&self, org: &NewOrganisation) -> Result<Organisation, StoreError> {
        let key = name_key(org.name.as_str());
        self.writer()?.transaction(|tx| {
            if tx.query_one("SELECT id FROM organisations WHERE name_key = $1", &[key.as_str().into()])?.is_some() {
                return Err(StoreError::DuplicateOrganisation(org.name.to_string()));
            }
            let row = tx
                .query_one(
                    "INSERT INTO organisations (name, name_key, kind, country, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    &[
                        org.name.as_str().into(),
                        key.as_str().into(),
                        org.kind.to_string().into(),
                        org.country.map(|c| c.to_string()).into(),
                        now().into(),
                    ],
                )?
                .ok_or_else(|| StoreError::Database("insert returned no id".into()))?;
            tx.data_changed(Touched::Everything)?;
            Ok(Organisation { id: OrganisationId(row.int(0)?), name: org.name.clone(), kind: org.kind, country: org.country })
        })
    }

    pub fn organisations(&self) -> Result<Vec<Organisation>, StoreError> {
        let rows = self.reader()?.query("SELECT id, name, kind, country FROM organisations ORDER BY name_key", &[])?;
        rows.iter().map(codec::organisation).collect()
    }

    /// Finds an organisation by name, ignoring case and spacing.
    pub fn organisation_named(&self, name: &str) -> Result<Option<Organisation>, StoreError> {
        let row = self.reader()?.query_one(
            "SELECT id, name, kind, country FROM organisations WHERE name_key = $1",
            &[name_key(name).into()],
        )?;
        row.as_ref().map(codec::organisation).transpose()
    }

    pub fn add_round(&self, round: &NewRound) -> Result<Round, StoreError> {
        let key = name_key(round.name.as_str());
        self.writer()?.transaction(|tx| {
            if tx.query_one("SELECT id FROM rounds WHERE name_key = $1", &[key.as_str().into()])?.is_some() {
                return Err(StoreError::DuplicateRound(round.name.to_string()));
            }
            let row = tx
                .query_one(
                    "INSERT INTO rounds (name, name_key, starts_on, ends_on, created_at) VALUES ($1, $2, $3, $4, $5) RETURNING id",
                    &[
                        round.name.as_str().into(),
                        key.as_str().into(),
                        round.span.start().to_string().into(),
                        round.span.end().to_string().into(),
                        now().into(),
                    ],
                )?
                .ok_or_else(|| StoreError::Database("insert returned no id".into()))?;
            tx.data_changed(Touched::Everything)?;
            Ok(Round { id: RoundId(row.int(0)?), name: round.name.clone(), span: round.span })
        })
    }

    pub fn rounds(&self) -> Result<Vec<Round>, StoreError> {
        let rows = self
            .reader()?
            .query("SELECT id, name, starts_on, ends_on FROM rounds ORDER BY starts_on, name_key", &[])?;
        rows.iter().map(codec::round).collect()
    }

    /// Finds a round by name, ignoring case and spacing.
    pub fn round_named(&self, name: &str) -> Result<Option<Round>, StoreError> {
        let row = self.reader()?.query_one(
            "SELECT id, name, starts_on, ends_on FROM rounds WHERE name_key = $1",
            &[name_key(name).into()],
        )?;
        row.as_ref().map(codec::round).transpose()
    }

    /// Reads every report matching `query`, in id order, with its stops.
    pub fn reports(&self, query: &ReportQuery) -> Result<Vec<StoredReport>, StoreError> {
        let mut all = Vec::new();
        loop {
            let page = self.reports_page(query, all.last().map(|s: &StoredReport| s.id), 10_000)?;
            if page.is_empty() {
                return Ok(all);
            }
            all.extend(page);
        }
    }

    /// Reads up to `limit` reports with ids after `after`, in id order: a page of a streamed export
    /// or analysis, so that no caller has to hold the whole table.
    pub fn reports_page(
        &self,
        query: &ReportQuery,
        after: Option<RouteReportId>,
        limit: u32,
    ) -> Result<Vec<StoredReport>, StoreError> {
        let (sql, params) = page_statement(query, after.map_or(0, |a| a.0), limit);
        codec::assemble(self.reader()?.query(sql, &params)?)
    }

    /// Reports waiting for the coordinator's review (submitted, or sent back for review), oldest
    /// or newest first, up to `limit`, with how many wait in all.
    pub fn waiting_reports(&self, q: &WaitingQuery) -> Result<WaitingPage, StoreError> {
        use crate::sql::Value;
        let mut conn = self.reader()?;
        // One statement for every combination of filters (a filter left out is NULL).
        let filters = [
            q.status.map_or(Value::Null, |s| s.to_string().into()),
            q.organisation.map_or(Value::Null, |o| o.0.into()),
            q.round.map_or(Value::Null, |r| r.0.into()),
        ];
        let mut args = filters.to_vec();
        // The cursor: the page starts after this id, in the order asked for.
        let cursor = q.after.map_or(if q.newest_first { i64::MAX } else { 0 }, |a| a.0);
        args.push(cursor.into());
        macro_rules! waiting {
            () => {
                "FROM reports WHERE status IN ('submitted', 'needs_review') \
                 AND (CAST($1 AS TEXT) IS NULL OR status = $1) \
                 AND (CAST($2 AS BIGINT) IS NULL OR organisation_id = $2) \
                 AND (CAST($3 AS BIGINT) IS NULL OR round_id = $3)"
            };
        }
        // How many match in all, and how many come before this page.
        let counted = if q.newest_first {
            concat!("SELECT COUNT(*), COALESCE(SUM(CASE WHEN id >= $4 THEN 1 ELSE 0 END), 0) ", waiting!())
        } else {
            concat!("SELECT COUNT(*), COALESCE(SUM(CASE WHEN id <= $4 THEN 1 ELSE 0 END), 0) ", waiting!())
        };
        let (total, before) = conn
            .query_one(counted, &args)?
            .map(|r| Ok::<_, StoreError>((r.int(0)?, r.int(1)?)))
            .transpose()?
            .unwrap_or((0, 0));
        args.push(i64::from(q.limit).into());
        let page = if q.newest_first {
            concat!("SELECT ", codec_columns!(), " ", waiting!(), " AND id < $4 ORDER BY id DESC LIMIT $5")
        } else {
            concat!("SELECT ", codec_columns!(), " ", waiting!(), " AND id > $4 ORDER BY id LIMIT $5")
        };
        let reports = codec::assemble(conn.query(page, &args)?)?;
        Ok(WaitingPage { reports, total: total as u64, before: before as u64 })
    }

    /// A page of reports matching a search, newest first, with how many match in all.
    pub fn find_reports(&self, q: &ReportSearch) -> Result<ReportPage, StoreError> {
        use crate::sql::Value;
        // One statement for every combination (a filter left out is NULL): a list page, not a
        // scan, so the simpler plan costs little.
        macro_rules! report_matches {
            () => {
                "(CAST($1 AS BIGINT) IS NULL OR organisation_id = $1) \
             AND (CAST($2 AS BIGINT) IS NULL OR round_id = $2) \
             AND (CAST($3 AS TEXT) IS NULL OR status = $3) \
             AND (CAST($4 AS TEXT) IS NULL OR id = $5 \
                  OR LOWER(COALESCE(report_ref, '')) LIKE $4 ESCAPE '\\' \
                  OR LOWER(stop_texts) LIKE $4 ESCAPE '\\')"
            };
        }
        let text = q.text.as_deref().map(str::trim).filter(|t| !t.is_empty());
        let number = text.and_then(|t| t.trim_start_matches('#').parse::<i64>().ok()).unwrap_or(-1);
        let pattern = text.map(|t| {
            let mut p = String::from("%");
            for c in t.to_lowercase().chars() {
                if matches!(c, '%' | '_' | '\\') {
                    p.push('\\');
                }
                p.push(c);
            }
            p.push('%');
            p
        });
        let mut args: Vec<Value> = vec![
            q.organisation.map_or(Value::Null, |o| o.0.into()),
            q.round.map_or(Value::Null, |r| r.0.into()),
            q.status.map_or(Value::Null, |s| s.to_string().into()),
            pattern.map_or(Value::Null, Value::from),
            number.into(),
        ];
        let mut conn = self.reader()?;
        let total = conn
            .query_one(concat!("SELECT COUNT(*) FROM reports WHERE ", report_matches!()), &args)?
            .map(|r| r.int(0))
            .transpose()?
            .unwrap_or(0) as u64;
        args.push(q.before.map_or(i64::MAX, |b| b.0).into());
        args.push(i64::from(q.limit).into());
        let rows = conn.query(
            concat!(
                "SELECT ",
                codec_columns!(),
                " FROM reports WHERE ",
                report_matches!(),
                " AND id < $6 ORDER BY id DESC LIMIT $7"
            ),
            &args,
        )?;
        let reports = codec::assemble(rows)?;
        Ok(ReportPage { reports, total })
    }

    /// Streams every report matching `query` (`on_report`, in id order) and their stops
    /// (`on_stop`, in report and travel order) at the same time, over two connections: splitting
    /// a million rows' stops takes about as long as reading the rest of them, so the two run on
    /// two cores (a third slower on one). One after the other where the pool has one connection
    /// (an in-memory database).
    pub fn scan_concurrently(
        &self,
        query: &ReportQuery,
        mut on_report: impl FnMut(&vjt_domain::flat::FlatReport<'_>) + Send,
        mut on_stop: impl FnMut(&vjt_domain::flat::FlatStop<'_>) + Send,
    ) -> Result<(), StoreError> {
        let filter = [query.round.map_or(0, |r| r.0).into(), query.organisation.map_or(0, |o| o.0).into()];
        if self.shared.readers.max_size() < 2 {
            return self.reader()?.scan(
                concat!(
                    "SELECT ",
                    flat_columns!(),
                    " FROM reports WHERE ($1 = 0 OR round_id = $1) AND ($2 = 0 OR organisation_id = $2) ORDER BY id"
                ),
                &filter,
                |r| flat_row(r, &mut on_report, &mut on_stop),
            );
        }
        std::thread::scope(|scope| {
            let stops = scope.spawn(|| {
                self.reader()?.scan(
                    "SELECT id, stop_texts, stop_codes FROM reports \
                     WHERE ($1 = 0 OR round_id = $1) AND ($2 = 0 OR organisation_id = $2) ORDER BY id",
                    &filter,
                    |r| flat_stops(r.int(0)?, r.text(1)?, r.text(2)?, &mut on_stop),
                )
            });
            let reports = self.reader()?.scan(
                concat!(
                    "SELECT ",
                    flat_report_columns!(),
                    " FROM reports WHERE ($1 = 0 OR round_id = $1) AND ($2 = 0 OR organisation_id = $2) ORDER BY id"
                ),
                &filter,
                |r| {
                    on_report(&flat_report(r)?);
                    Ok(())
                },
            );
            let stops = stops.join().map_err(|_| StoreError::Database("the stop reader failed".into()))?;
            reports.and(stops)
        })
    }

    /// Streams the reports with these ids (those that exist) as flat records: each one's stops in
    /// travel order, then the report. How a server reads what changed since it last looked.
    pub fn scan_reports_by_id(
        &self,
        ids: &[i64],
        mut on_report: impl FnMut(&vjt_domain::flat::FlatReport<'_>),
        mut on_stop: impl FnMut(&vjt_domain::flat::FlatStop<'_>),
    ) -> Result<(), StoreError> {
        let mut conn = self.reader()?;
        for id in ids {
            conn.scan(concat!("SELECT ", flat_columns!(), " FROM reports WHERE id = $1"), &[Value::Int(*id)], |r| {
                flat_row(r, &mut on_report, &mut on_stop)
            })?;
        }
        Ok(())
    }

    /// What changed since data version `seen`: the database's identity and current version, and
    /// the reports written or deleted since, or `None` when that cannot be told (many reports, a
    /// change to what they all mean, or a version too old to be remembered): read everything.
    pub fn changes_since(&self, seen: i64) -> Result<DataChanges, StoreError> {
        // One statement: the version and its changes come from the same snapshot of the data.
        let rows = self.reader()?.query(
            "SELECT v.database_id, v.version, c.version, c.report_id FROM data_version v \
             LEFT JOIN data_changes c ON c.version > $1 WHERE v.id = 1 ORDER BY c.version LIMIT 5001",
            &[Value::Int(seen)],
        )?;
        let first = rows.first().ok_or_else(|| StoreError::Corrupt("the data version row is missing".into()))?;
        let (database, version) = (first.text(0)?.to_string(), first.int(1)?);
        let mut reports = Some(Vec::new());
        for row in &rows {
            if row.opt_int(2)?.is_none() {
                continue; // no change since
            }
            match (row.opt_int(3)?, &mut reports) {
                (Some(id), Some(list)) => list.push(id),
                _ => reports = None,
            }
        }
        // Versions that changed no report have no rows; older ones than this may have been
        // deleted.
        let remembered = version - sql::KEPT_VERSIONS + sql::PRUNE_EVERY;
        if seen < remembered || seen > version || rows.len() > 5000 {
            reports = None;
        }
        if let Some(list) = &mut reports {
            list.sort_unstable();
            list.dedup();
        }
        Ok(DataChanges { database, version, reports })
    }

    /// Streams every report matching `query` as flat records, a page at a time: each report's
    /// stops (`on_stop`, in travel order), then the report (`on_report`), in id order. Nothing is
    /// copied per value; memory stays flat whatever the table size.
    pub fn scan_reports(
        &self,
        query: &ReportQuery,
        mut on_report: impl FnMut(&vjt_domain::flat::FlatReport<'_>),
        mut on_stop: impl FnMut(&vjt_domain::flat::FlatStop<'_>),
    ) -> Result<u64, StoreError> {
        const PAGE: i64 = 50_000;
        let mut after = 0i64;
        let mut total = 0u64;
        let mut conn = self.reader()?;
        loop {
            let mut last = None;
            conn.scan(
                concat!(
                    "SELECT ",
                    flat_columns!(),
                    " FROM reports WHERE ($1 = 0 OR round_id = $1) AND ($2 = 0 OR organisation_id = $2) \
                     AND id > $3 ORDER BY id LIMIT $4"
                ),
                &[
                    query.round.map_or(0, |r| r.0).into(),
                    query.organisation.map_or(0, |o| o.0).into(),
                    after.into(),
                    PAGE.into(),
                ],
                |r| {
                    last = Some(r.int(0)?);
                    total += 1;
                    flat_row(r, &mut on_report, &mut on_stop)
                },
            )?;
            match last {
                Some(last) => after = last,
                None => return Ok(total),
            }
        }
    }

    /// Reads the reports with these ids, in the order given (those that exist): a list page
    /// whose ids were chosen elsewhere (a server's figures in memory). Looked up by primary key
    /// only, so no other transaction's uncommitted rows are stepped over.
    pub fn reports_by_id(&self, ids: &[RouteReportId]) -> Result<Vec<StoredReport>, StoreError> {
        // 32 ids per statement, the rest padded with 0 (no report has it): one prepared
        // statement, one round trip for a page.
        const AT_ONCE: usize = 32;
        macro_rules! placeholders {
            () => {
                "$1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, \
                 $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, $28, $29, $30, $31, $32"
            };
        }
        let mut conn = self.reader()?;
        let mut found = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(AT_ONCE) {
            let mut params: Vec<Value> = chunk.iter().map(|id| Value::Int(id.0)).collect();
            params.resize(AT_ONCE, Value::Int(0));
            let rows = conn.query(
                concat!("SELECT ", codec_columns!(), " FROM reports WHERE id IN (", placeholders!(), ")"),
                &params,
            )?;
            found.extend(codec::assemble(rows)?);
        }
        let mut by_id: std::collections::HashMap<i64, StoredReport> = found.into_iter().map(|r| (r.id.0, r)).collect();
        Ok(ids.iter().filter_map(|id| by_id.remove(&id.0)).collect())
    }

    /// Reads one report by its stored id.
    pub fn report(&self, id: RouteReportId) -> Result<Option<StoredReport>, StoreError> {
        let rows = self
            .reader()?
            .query(concat!("SELECT ", codec_columns!(), " FROM reports WHERE id = $1"), &[id.0.into()])?;
        Ok(codec::assemble(rows)?.pop())
    }

    pub fn count_reports(&self, query: &ReportQuery) -> Result<u64, StoreError> {
        // One statement per combination: `($1 = 0 OR organisation_id = $1)` would keep the
        // engines from counting through the (organisation, reference) index.
        let mut conn = self.reader()?;
        let row = match (query.round, query.organisation) {
            (None, None) => conn.query_one("SELECT COUNT(*) FROM reports", &[])?,
            (None, Some(o)) => {
                conn.query_one("SELECT COUNT(*) FROM reports WHERE organisation_id = $1", &[o.0.into()])?
            }
            (Some(r), None) => conn.query_one("SELECT COUNT(*) FROM reports WHERE round_id = $1", &[r.0.into()])?,
            (Some(r), Some(o)) => conn.query_one(
                "SELECT COUNT(*) FROM reports WHERE organisation_id = $1 AND round_id = $2",
                &[o.0.into(), r.0.into()],
            )?,
        };
        Ok(row.map(|r| r.int(0)).transpose()?.unwrap_or(0) as u64)
    }

    /// Records the coordinator's review decision. Returns false when no such report exists.
    pub fn set_status(&self, id: RouteReportId, status: ReviewStatus) -> Result<bool, StoreError> {
        self.decide(id, status, None, "review")
    }

    /// A review decision, with the reason the reporter will read (a rejection's) and who made
    /// it (`source`, shown in the report's history). False if there is no such report.
    pub fn decide(
        &self,
        id: RouteReportId,
        status: ReviewStatus,
        reason: Option<&str>,
        source: &str,
    ) -> Result<bool, StoreError> {
        let stamp = now();
        let change = match reason.map(str::trim).filter(|r| !r.is_empty()) {
            Some(r) => format!("status: {status}\n{r}"),
            None => format!("status: {status}"),
        };
        self.writer()?.transaction(|tx| {
            let changed = tx.execute(
                "UPDATE reports SET status = $1, updated_at = $2 WHERE id = $3",
                &[status.to_string().into(), stamp.as_str().into(), id.0.into()],
            )?;
            // A review decision belongs in the report's history, like any other change.
            if changed > 0 {
                tx.execute(
                    "INSERT INTO report_changes (report_id, changed_at, change, source, previous_fingerprint) VALUES ($1, $2, $3, $4, $5)",
                    &[id.0.into(), stamp.as_str().into(), change.as_str().into(), source.into(), crate::sql::Value::Null],
                )?;
            }
            tx.data_changed(Touched::Reports(&[id.0]))?;
            Ok(changed > 0)
        })
    }

    /// Texts that no stop has a place for, most used first.
    pub fn unresolved_places(&self) -> Result<Vec<UnresolvedText>, StoreError> {
        let rows = self.reader()?.query(
            "SELECT text_key, MIN(text), COUNT(DISTINCT report_id) AS n FROM unresolved_stops \
             WHERE text_key <> $1 GROUP BY text_key ORDER BY n DESC, text_key",
            &[vjt_domain::text::fold(REMOVED_PLACE_TEXT).into()],
        )?;
        rows.iter()
            .map(|r| {
                Ok(UnresolvedText {
                    key: r.text(0)?.to_string(),
                    text: r.text(1)?.to_string(),
                    reports: r.int(2)? as u64,
                })
            })
            .collect()
    }

    /// Records that `text` means `place` and applies it at once to every stop with that text (by its
    /// folded key). Returns how many stops now point at the place. Replaces an earlier decision.
    pub fn set_place_alias(&self, text: &str, place: &PlaceId) -> Result<u64, StoreError> {
        let key = vjt_domain::text::fold(text);
        if key.is_empty() {
            return Err(StoreError::BadAlias(text.to_string()));
        }
        self.writer()?.transaction(|tx| {
            tx.execute("DELETE FROM place_aliases WHERE text_key = $1", &[key.as_str().into()])?;
            tx.execute(
                "INSERT INTO place_aliases (text_key, text, place_id, created_at) VALUES ($1, $2, $3, $4)",
                &[key.as_str().into(), text.trim().into(), place.0.as_str().into(), now().into()],
            )?;
            // Every stop with this text, placed or not: a decision replaces the resolver's choice
            // and any earlier decision. Texts are packed in their reports' rows, so their keys are
            // compared here, in one pass over the reports (a decision is rare; an index of every
            // stop's key would cost every import more).
            let mut changed: Vec<(i64, String)> = Vec::new();
            let mut n = 0u64;
            tx.scan("SELECT id, stop_texts, stop_codes FROM reports", &[], |r| {
                let id = r.int(0)?;
                if let Some((codes, placed)) = codec::place_stops(id, r.text(1)?, r.text(2)?, &key, &place.0)? {
                    n += placed;
                    changed.push((id, codes));
                }
                Ok(())
            })?;
            for (id, codes) in changed {
                tx.execute("UPDATE reports SET stop_codes = $1 WHERE id = $2", &[codes.into(), Value::Int(id)])?;
            }
            tx.execute("DELETE FROM unresolved_stops WHERE text_key = $1", &[key.as_str().into()])?;
            tx.data_changed(Touched::Everything)?;
            Ok(n)
        })
    }

    /// Replaces a place text that is not a place at all (a person's name, a phone number) in
    /// every stop that has it and no place, with [`REMOVED_PLACE_TEXT`]: the text is then stored
    /// nowhere. The number of stops changed.
    pub fn remove_place_text(&self, text: &str) -> Result<u64, StoreError> {
        let key = vjt_domain::text::fold(text);
        if key.is_empty() {
            return Err(StoreError::BadAlias(text.to_string()));
        }
        let removed_key = vjt_domain::text::fold(REMOVED_PLACE_TEXT);
        self.writer()?.transaction(|tx| {
            let rows = tx.query(
                "SELECT u.report_id, u.seq, r.stop_texts FROM unresolved_stops u JOIN reports r ON r.id = u.report_id \
                 WHERE u.text_key = $1 ORDER BY u.report_id, u.seq",
                &[key.as_str().into()],
            )?;
            let mut rows = rows.iter().peekable();
            while let Some(first) = rows.next() {
                let id = first.int(0)?;
                let mut seqs = vec![first.int(1)?];
                while let Some(next) = rows.next_if(|r| r.int(0).ok() == Some(id)) {
                    seqs.push(next.int(1)?);
                }
                let texts = codec::replace_texts(first.text(2)?, &seqs, REMOVED_PLACE_TEXT);
                tx.execute("UPDATE reports SET stop_texts = $1 WHERE id = $2", &[texts.into(), Value::Int(id)])?;
            }
            let n = tx.execute(
                "UPDATE unresolved_stops SET text = $1, text_key = $2 WHERE text_key = $3",
                &[REMOVED_PLACE_TEXT.into(), removed_key.as_str().into(), key.as_str().into()],
            )?;
            tx.data_changed(Touched::Everything)?;
            Ok(n)
        })
    }

    /// Every coordinator alias, for the resolver to apply to future reports.
    pub fn place_aliases(&self) -> Result<Vec<PlaceAlias>, StoreError> {
        let rows = self.reader()?.query("SELECT text_key, text, place_id FROM place_aliases ORDER BY text_key", &[])?;
        rows.iter()
            .map(|r| {
                Ok(PlaceAlias {
                    key: r.text(0)?.to_string(),
                    text: r.text(1)?.to_string(),
                    place: PlaceId(r.text(2)?.to_string()),
                })
            })
            .collect()
    }

    /// The history of one report, oldest first, as (when, "created" or "updated", source): its
    /// creation comes from the import that wrote it, then every recorded update.
    pub fn report_changes(&self, id: RouteReportId) -> Result<Vec<(String, String, String)>, StoreError> {
        let created = self.reader()?.query(
            "SELECT i.started_at, i.source FROM reports r JOIN imports i ON i.id = r.import_id WHERE r.id = $1",
            &[id.0.into()],
        )?;
        let mut out: Vec<(String, String, String)> = Vec::new();
        for r in created {
            out.push((r.text(0)?.to_string(), "created".into(), r.text(1)?.to_string()));
        }
        let rows = self.reader()?.query(
            "SELECT changed_at, change, source FROM report_changes WHERE report_id = $1 ORDER BY id",
            &[id.0.into()],
        )?;
        for r in rows {
            out.push((r.text(0)?.to_string(), r.text(1)?.to_string(), r.text(2)?.to_string()));
        }
        Ok(out)
    }

    /// How many stops there are, and how many of them have no place yet.
    pub fn stop_counts(&self) -> Result<(u64, u64), StoreError> {
        // A report's stops are one more than the separators between them.
        let row = self.reader()?.query_one(
            "SELECT COALESCE(SUM(LENGTH(stop_codes) - LENGTH(REPLACE(stop_codes, $1, '')) + 1), 0), \
             (SELECT COUNT(*) FROM unresolved_stops) FROM reports",
            &[codec::STOP_SEPARATOR.to_string().into()],
        )?;
        let row = row.ok_or_else(|| StoreError::Database("a count returned no row".into()))?;
        Ok((row.int(0)? as u64, row.int(1)? as u64))
    }

    /// A short text that changes whenever anything an analysis reads changes (reports, their
    /// status, place decisions, duplicate decisions), from this process or another: how a
    /// long-running server notices an import made from the command line.
    pub fn data_stamp(&self) -> Result<String, StoreError> {
        Ok(self.data_identity()?.1.to_string())
    }

    /// The database's own identity (made when it was created, kept by copies and dumps) and its
    /// data version: together they say whether data read earlier is still this data.
    pub fn data_identity(&self) -> Result<(String, i64), StoreError> {
        let row = self.reader()?.query_one("SELECT database_id, version FROM data_version WHERE id = 1", &[])?;
        let row = row.ok_or_else(|| StoreError::Corrupt("the data version row is missing".into()))?;
        Ok((row.text(0)?.to_string(), row.int(1)?))
    }

    /// Rows whose parent is missing: stops without their report, reports without their
    /// organisation or round. Always 0 unless something wrote the tables around vjt (PostgreSQL
    /// leaves these references to the store: see migration 12).
    pub fn orphan_rows(&self) -> Result<u64, StoreError> {
        let row = self.reader()?.query_one(
            "SELECT (SELECT COUNT(*) FROM unresolved_stops s WHERE NOT EXISTS (SELECT 1 FROM reports r WHERE r.id = s.report_id)) \
             + (SELECT COUNT(*) FROM reports r WHERE NOT EXISTS (SELECT 1 FROM organisations o WHERE o.id = r.organisation_id) \
                OR NOT EXISTS (SELECT 1 FROM rounds d WHERE d.id = r.round_id))",
            &[],
        )?;
        Ok(row.map(|r| r.int(0)).transpose()?.unwrap_or(0) as u64)
    }

    /// Whether the writer has its usual settings: references between tables enforced and, on
    /// SQLite, the log checkpointed automatically. An SQLite file import turns both off for its
    /// own transaction; PostgreSQL always has them.
    pub fn writer_as_usual(&self) -> Result<bool, StoreError> {
        if self.engine() == Engine::Postgres {
            return Ok(true);
        }
        let mut writer = self.writer()?;
        let setting = |row: Option<crate::sql::Row>| row.map(|r| r.int(0)).transpose().map(|v| v.unwrap_or(0));
        let checks = setting(writer.query_one("PRAGMA foreign_keys", &[])?)?;
        let checkpoints = setting(writer.query_one("PRAGMA wal_autocheckpoint", &[])?)?;
        Ok(checks == 1 && checkpoints > 0)
    }

    /// The SQLite file this store opened (none for PostgreSQL or an in-memory database).
    pub fn file(&self) -> Option<&std::path::Path> {
        self.shared.file.as_deref()
    }

    /// Records a coordinator's decision on a duplicate cluster ("confirmed" or "split"); a later
    /// decision on the same cluster replaces the earlier one.
    pub fn set_duplicate_decision(&self, cluster_key: &str, decision: &str) -> Result<(), StoreError> {
        self.writer()?.transaction(|tx| {
            tx.execute("DELETE FROM duplicate_decisions WHERE cluster_key = $1", &[cluster_key.into()])?;
            tx.execute(
                "INSERT INTO duplicate_decisions (cluster_key, decision, decided_at) VALUES ($1, $2, $3)",
                &[cluster_key.into(), decision.into(), now().into()],
            )?;
            tx.data_changed(Touched::Everything)
        })
    }

    /// Every duplicate decision, as (cluster key, decision).
    pub fn duplicate_decisions(&self) -> Result<Vec<(String, String)>, StoreError> {
        let rows =
            self.reader()?.query("SELECT cluster_key, decision FROM duplicate_decisions ORDER BY cluster_key", &[])?;
        rows.iter().map(|r| Ok((r.text(0)?.to_string(), r.text(1)?.to_string()))).collect()
    }

    /// Deletes a report and its stops. Returns false when no such report exists.
    pub fn delete_report(&self, id: RouteReportId) -> Result<bool, StoreError> {
        self.writer()?.transaction(|tx| {
            tx.execute("DELETE FROM unresolved_stops WHERE report_id = $1", &[id.0.into()])?;
            tx.execute("DELETE FROM report_changes WHERE report_id = $1", &[id.0.into()])?;
            let deleted = tx.execute("DELETE FROM reports WHERE id = $1", &[id.0.into()])? > 0;
            tx.data_changed(Touched::Reports(&[id.0]))?;
            Ok(deleted)
        })
    }
}

/// The statement and parameters of one page of reports: ids after `cursor` in id order, or
/// before it newest first. One statement per combination of filters, because a condition like
/// `($3 = 0 OR organisation_id = $3)` keeps both engines from using their indexes.
fn page_statement(query: &ReportQuery, cursor: i64, limit: u32) -> (&'static str, Vec<sql::Value>) {
    macro_rules! rows {
        ($cond:literal) => {
            concat!("SELECT ", codec_columns!(), " FROM reports WHERE id > $1", $cond, " ORDER BY id LIMIT $2")
        };
    }
    let sql = match (query.round.is_some(), query.organisation.is_some()) {
        (false, false) => rows!(""),
        (true, false) => rows!(" AND round_id = $3"),
        (false, true) => rows!(" AND organisation_id = $3"),
        (true, true) => rows!(" AND round_id = $3 AND organisation_id = $4"),
    };
    let mut params = vec![cursor.into(), i64::from(limit).into()];
    params.extend(query.round.map(|r| r.0.into()));
    params.extend(query.organisation.map(|o| o.0.into()));
    (sql, params)
}

/// A report row read in place (`flat_columns!`): its stops in travel order, then the report.
fn flat_row(
    r: &sql::ScanRow<'_>,
    on_report: &mut dyn FnMut(&vjt_domain::flat::FlatReport<'_>),
    on_stop: &mut dyn FnMut(&vjt_domain::flat::FlatStop<'_>),
) -> Result<(), StoreError> {
    let report = flat_report(r)?;
    flat_stops(report.id, r.text(21)?, r.text(22)?, on_stop)?;
    on_report(&report);
    Ok(())
}

/// One report's packed stops, in travel order.
fn flat_stops(
    id: i64,
    texts: &str,
    codes: &str,
    on_stop: &mut dyn FnMut(&vjt_domain::flat::FlatStop<'_>),
) -> Result<(), StoreError> {
    for stop in codec::unpack(id, texts, codes) {
        let stop = stop?;
        on_stop(&vjt_domain::flat::FlatStop {
            report_id: id,
            seq: stop.seq,
            role: stop.role,
            text: stop.text,
            place_id: stop.place,
        });
    }
    Ok(())
}

/// A report row's own fields, in the column order every scan selects.
fn flat_report<'r>(r: &'r sql::ScanRow<'_>) -> Result<vjt_domain::flat::FlatReport<'r>, StoreError> {
    Ok(vjt_domain::flat::FlatReport {
        id: r.int(0)?,
        organisation: r.int(1)?,
        round: r.int(2)?,
        report_ref: r.opt_text(3)?,
        status: r.text(4)?,
        exploitation_types: r.text(5)?,
        sectors: r.text(6)?,
        transport_modes: r.text(7)?,
        recruitment_methods: r.text(8)?,
        recruiter_relationships: r.text(9)?,
        victims: r.opt_int(10)?,
        victims_below: r.opt_int(11)?,
        female: r.opt_int(12)?,
        male: r.opt_int(13)?,
        other_gender: r.opt_int(14)?,
        children: r.opt_int(15)?,
        adults: r.opt_int(16)?,
        period_start: r.opt_text(17)?,
        period_end: r.opt_text(18)?,
        source: r.text(19)?,
        confidence: r.text(20)?,
    })
}

pub(crate) fn describe_postgres(config: &postgres::Config) -> String {
    let host = config
        .get_hosts()
        .first()
        .map(|h| match h {
            postgres::config::Host::Tcp(name) => name.clone(),
            postgres::config::Host::Unix(path) => path.display().to_string(),
        })
        .unwrap_or_else(|| "localhost".into());
    let port = config.get_ports().first().copied().unwrap_or(5432);
    let db = config.get_dbname().unwrap_or("(default database)");
    format!("PostgreSQL database '{db}' on {host}:{port}")
}

/// A URL as it may be shown: its password replaced.
pub(crate) fn hide_password(url: &str) -> String {
    let Some((scheme, rest)) = url.split_once("://") else { return url.to_string() };
    let Some((user_info, host)) = rest.split_once('@') else { return url.to_string() };
    match user_info.split_once(':') {
        Some((user, _)) => format!("{scheme}://{user}:***@{host}"),
        None => url.to_string(),
    }
}

/// Decodes `%XX` in a URL parameter.
pub(crate) fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes.get(i + 1..i + 3).and_then(|h| std::str::from_utf8(h).ok());
        match (bytes[i], hex.and_then(|h| u8::from_str_radix(h, 16).ok())) {
            (b'%', Some(b)) => {
                out.push(b);
                i += 3;
            }
            (b, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// postgres errors nest their cause; keep the whole chain on one line.
pub(crate) fn one_line(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut source = e.source();
    while let Some(s) = source {
        let more = s.to_string();
        if !text.contains(&more) {
            text.push_str(": ");
            text.push_str(&more);
        }
        source = s.source();
    }
    text
}
