//! A streaming writer for one imported file: everything it saves lands in one transaction, or
//! nothing does. Dropping it without `commit` (an error, a panic, Ctrl-C unwinding) rolls back.

use std::collections::{BTreeSet, HashMap};
use std::num::NonZeroU64;

use vjt_domain::{OrganisationId, ReviewStatus, RouteReport, RouteReportId};

use crate::codec::{insert_report, update_report, CopyBatch, EncodedReport, PendingReports};
use crate::sql::{Conn, Touched, Value};
use crate::{now, SaveSummary, Store, StoreError};

/// What saving one report did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Inserted(RouteReportId),
    Updated(RouteReportId),
    Unchanged(RouteReportId),
}

/// What saving one row of a file did: saved as [`Saved`] says, or left out because an earlier
/// row of the same file gave the same organisation's reference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileRowSaved {
    Saved(Saved),
    Repeats { first_row: u64, reference: String },
}

#[derive(Clone)]
struct Known {
    id: i64,
    fingerprint: u64,
    status: ReviewStatus,
    /// The row of this import's file that gave this reference, if one did.
    row: Option<NonZeroU64>,
}

fn known_from(id: i64, fingerprint: &str, status: &str) -> Result<Known, StoreError> {
    let status = status.parse().map_err(|e: vjt_domain::UnknownTerm| StoreError::Corrupt(e.to_string()))?;
    Ok(Known { id, fingerprint: crate::codec::fingerprint_value(fingerprint), status, row: None })
}

pub struct ImportWriter {
    /// The writer connection, held (with its transaction) until commit or rollback.
    link: Link,
    engine: crate::sql::Engine,
    source: String,
    stamp: String,
    /// Existing reports of each organisation met so far, by the organisation's own report id.
    /// Filled once per organisation for files; `None` means look each report up (small batches).
    known: Option<KnownReports>,
    /// The `imports` row of this file; each report it creates points to it.
    import_id: i64,
    open: bool,
    /// Reports written so far (inserted or updated).
    written: u64,
    /// Their ids, while there are few enough to list as the change.
    changed: Vec<i64>,
    /// Files: new reports written in bulk, thousands at a time (COPY on PostgreSQL).
    pending: Option<PendingReports>,
    /// SQLite files: says, while the import holds the write lock, that it does.
    mark: Option<ImportMark>,
    /// SQLite files: the database's files, to have them written out while the import goes on.
    files: Option<WrittenBehind>,
}

/// A large SQLite import writes its pages twice: into the write-ahead log as it goes, then into
/// the database when the log is checkpointed, each followed by an fsync. Left alone, the kernel
/// starts writing those pages only when the fsync asks, and the import then waited two seconds
/// at its end (of nine, at a million reports) for the disk. Here the kernel is asked to start
/// writing each file as it is written (Linux's `sync_file_range`, as PostgreSQL does with its
/// `*_flush_after` settings), so that little is left to wait for when the fsyncs come. The
/// fsyncs themselves are SQLite's, as before: what a commit promises does not change.
struct WrittenBehind {
    wal: std::fs::File,
    database: std::fs::File,
}

impl WrittenBehind {
    fn open(database: &std::path::Path) -> Option<WrittenBehind> {
        let mut wal = database.as_os_str().to_owned();
        wal.push("-wal");
        Some(WrittenBehind {
            wal: std::fs::File::open(std::path::Path::new(&wal)).ok()?,
            database: std::fs::File::open(database).ok()?,
        })
    }

    /// Starts writing out what the log holds so far, without waiting for it.
    fn start_wal(&self) {
        start_writing(&self.wal);
    }

    /// Checkpoints the log into the database while the kernel is kept writing the database's
    /// pages out behind the copy.
    fn checkpoint(&self, conn: &mut Conn) -> Result<(), StoreError> {
        let copying = std::sync::atomic::AtomicBool::new(true);
        std::thread::scope(|scope| {
            scope.spawn(|| {
                while copying.load(std::sync::atomic::Ordering::Relaxed) {
                    start_writing(&self.database);
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
            });
            let done = conn.batch("PRAGMA wal_checkpoint(PASSIVE)");
            copying.store(false, std::sync::atomic::Ordering::Relaxed);
            done
        })
    }
}

/// Asks the kernel to start writing the file's changed pages to disk, without waiting for them.
#[cfg(target_os = "linux")]
fn start_writing(file: &std::fs::File) {
    use std::os::fd::AsRawFd;
    // SAFETY: the descriptor is open for as long as `file` is borrowed; the call only starts
    // writeback of pages already written, and its failure changes nothing (the fsync that
    // follows writes them all the same).
    unsafe {
        libc::sync_file_range(file.as_raw_fd(), 0, 0, libc::SYNC_FILE_RANGE_WRITE);
    }
}

/// Elsewhere the fsyncs write everything, as SQLite alone would.
#[cfg(not(target_os = "linux"))]
fn start_writing(_file: &std::fs::File) {}

/// The import's connection; on PostgreSQL, while one batch of new reports is copied, the thread
/// copying it has the connection. The server then writes one batch while this thread encodes
/// the next: with the copy waited for in line, the two took turns, and a third of both cores
/// sat idle during a PostgreSQL import.
// One per import: the size of the connection held in place does not matter.
#[allow(clippy::large_enum_variant)]
enum Link {
    Here(crate::Pooled),
    Copying(std::thread::JoinHandle<(crate::Pooled, Result<(), StoreError>)>),
    /// After a copying thread panicked or could not start (the connection went with it).
    Lost,
}

impl Link {
    /// The connection, once any batch being copied is written (its error, if it failed).
    fn conn(&mut self) -> Result<&mut crate::Pooled, StoreError> {
        if matches!(self, Link::Copying(_)) {
            if let Link::Copying(copying) = std::mem::replace(self, Link::Lost) {
                let (conn, written) =
                    copying.join().map_err(|_| StoreError::Database("the thread writing reports stopped".into()))?;
                *self = Link::Here(conn);
                written?;
            }
        }
        match self {
            Link::Here(conn) => Ok(conn),
            _ => Err(StoreError::Database("the thread writing reports stopped".into())),
        }
    }

    /// Hands the connection to a thread that writes `batch`; the next [`Link::conn`] waits for it.
    fn copy_behind(&mut self, batch: CopyBatch) -> Result<(), StoreError> {
        self.conn()?;
        let Link::Here(mut conn) = std::mem::replace(self, Link::Lost) else {
            return Err(StoreError::Database("the thread writing reports stopped".into()));
        };
        let copying = std::thread::Builder::new().name("vjt-copy".into()).spawn(move || {
            let written = batch.write(&mut conn);
            (conn, written)
        });
        match copying {
            Ok(copying) => {
                *self = Link::Copying(copying);
                Ok(())
            }
            Err(e) => Err(StoreError::Database(format!("could not start a thread to write reports: {e}"))),
        }
    }
}

/// A file beside an SQLite database (`vjt.db.importing`, holding the importing process's id)
/// that says a file import holds the write lock; removed when the import ends, however it ends.
/// Other writers, in this process or another, wait only briefly while it is there.
pub(crate) struct ImportMark(std::path::PathBuf);

impl ImportMark {
    fn path(database: &std::path::Path) -> std::path::PathBuf {
        let mut name = database.as_os_str().to_owned();
        name.push(".importing");
        name.into()
    }

    /// Marks the database as being imported into (nothing when the mark cannot be written:
    /// other writers then wait as usual).
    fn set(database: &std::path::Path) -> Option<ImportMark> {
        let path = Self::path(database);
        std::fs::write(&path, std::process::id().to_string()).ok()?;
        Some(ImportMark(path))
    }

    /// Whether an import marked the database and its process is still running. A mark left by
    /// an import that was killed is removed (on Linux, where a process's liveness is cheap to
    /// tell; elsewhere it counts until the next import replaces it, and the writes that meet it
    /// only wait less).
    pub(crate) fn held(database: &std::path::Path) -> bool {
        let path = Self::path(database);
        let Ok(text) = std::fs::read_to_string(&path) else { return false };
        let running = match text.trim().parse::<u32>() {
            Ok(pid) if cfg!(target_os = "linux") => std::path::Path::new(&format!("/proc/{pid}")).exists(),
            Ok(_) => true,
            Err(_) => false,
        };
        if !running {
            let _ = std::fs::remove_file(&path);
        }
        running
    }
}

impl Drop for ImportMark {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

/// After a PostgreSQL import this large, the planner's statistics are refreshed at once instead
/// of waiting for autovacuum: with the old ones it sorts a whole organisation's reports to show
/// a page of them.
const ANALYZE_AFTER: u64 = 10_000;

impl Store {
    /// Starts writing one file's reports; `source` (e.g. the file name) is recorded in each change.
    pub fn begin_import(&self, source: &str) -> Result<ImportWriter, StoreError> {
        let mut writer = self.begin(source, true)?;
        // Set once the import holds the write lock (its first row is written), never before.
        writer.mark = self.shared.file.as_deref().and_then(ImportMark::set);
        writer.files = self.shared.file.as_deref().and_then(WrittenBehind::open);
        if writer.files.is_some() {
            // The import checkpoints at its commit itself, writing the database behind the copy.
            writer.link.conn()?.batch("PRAGMA wal_autocheckpoint = 0")?;
        }
        Ok(writer)
    }

    fn begin(&self, source: &str, prefetch: bool) -> Result<ImportWriter, StoreError> {
        let mut conn = self.writer()?;
        // SQLite checks every stop's report and every report's organisation, round and import
        // row one by one (a sixth of an import's time). The writer checks organisations and
        // rounds itself and writes each report's unresolved stops right after the report, so the checks
        // are off for its transaction (the pragma cannot change inside one) and back on after.
        if conn.engine() == crate::sql::Engine::Sqlite {
            conn.batch("PRAGMA foreign_keys = OFF")?;
        }
        if let Err(e) = conn.begin() {
            restore_checks(&mut conn);
            return Err(e);
        }
        let stamp = now();
        let import_id = match conn.insert_returning_id(
            "INSERT INTO imports (source, started_at) VALUES ($1, $2)",
            "INSERT INTO imports (source, started_at) VALUES ($1, $2) RETURNING id",
            &[source.into(), stamp.as_str().into()],
        ) {
            Ok(id) => id,
            Err(e) => {
                let _ = conn.rollback();
                restore_checks(&mut conn);
                return Err(e);
            }
        };
        Ok(ImportWriter {
            engine: conn.engine(),
            link: Link::Here(conn),
            source: source.to_string(),
            stamp,
            known: prefetch.then(KnownReports::default),
            import_id,
            open: true,
            written: 0,
            changed: Vec::new(),
            // Only where every existing report is looked up in `known`, never in the table
            // (where queued reports are not yet).
            pending: prefetch.then(PendingReports::default),
            mark: None,
            files: None,
        })
    }

    /// Saves a batch of reports in one transaction. A report whose organisation already has a report
    /// with the same `report_id` updates that report (or is left alone when nothing changed); any
    /// other report is inserted. On any error nothing of the batch is written.
    pub fn save_reports(&self, reports: &[RouteReport]) -> Result<SaveSummary, StoreError> {
        self.save_reports_from(reports, "batch")
    }

    /// [`Store::save_reports`], saying where the reports came from (who sent them): a new
    /// report's history shows it as "created" by that source.
    pub fn save_reports_from(&self, reports: &[RouteReport], source: &str) -> Result<SaveSummary, StoreError> {
        self.save_audited(reports, source, None)
    }

    /// One report sent by a signed-in person (the form, the API), saved as
    /// [`Store::save_reports_from`] does, with the audit entry "report_saved" in the same
    /// transaction: the report and the record of who sent it land together. Returns its id and
    /// whether it is new.
    pub fn save_report_by(
        &self,
        report: &RouteReport,
        source: &str,
        user_id: i64,
    ) -> Result<(RouteReportId, bool), StoreError> {
        let saved = self.save_audited(std::slice::from_ref(report), source, Some(user_id))?;
        Ok((saved.ids[0], saved.inserted == 1))
    }

    fn save_audited(&self, reports: &[RouteReport], source: &str, by: Option<i64>) -> Result<SaveSummary, StoreError> {
        let orgs: Vec<OrganisationId> =
            reports.iter().map(|r| r.organisation).collect::<BTreeSet<_>>().into_iter().collect();
        let rounds: Vec<vjt_domain::RoundId> =
            reports.iter().map(|r| r.round).collect::<BTreeSet<_>>().into_iter().collect();
        // Large batches are cheaper with each organisation's ids fetched once.
        let mut writer = self.begin(source, reports.len() > 1000)?;
        if let ([org], [round]) = (&orgs[..], &rounds[..]) {
            // One report (a submission): both checks in one round trip.
            let row = writer.link.conn()?.query_one(
                "SELECT (SELECT COUNT(*) FROM organisations WHERE id = $1), (SELECT COUNT(*) FROM rounds WHERE id = $2)",
                &[org.0.into(), round.0.into()],
            )?;
            let row = row.ok_or_else(|| StoreError::Corrupt("a query of two counts answered nothing".into()))?;
            if row.int(0)? == 0 {
                return Err(StoreError::UnknownOrganisation(org.0));
            }
            if row.int(1)? == 0 {
                return Err(StoreError::UnknownRound(round.0));
            }
        } else {
            for org in orgs {
                if writer
                    .link
                    .conn()?
                    .query_one("SELECT id FROM organisations WHERE id = $1", &[org.0.into()])?
                    .is_none()
                {
                    return Err(StoreError::UnknownOrganisation(org.0));
                }
            }
            for round in rounds {
                if writer.link.conn()?.query_one("SELECT id FROM rounds WHERE id = $1", &[round.0.into()])?.is_none() {
                    return Err(StoreError::UnknownRound(round.0));
                }
            }
        }
        let mut summary = SaveSummary::default();
        for report in reports {
            let id = match writer.save(report)? {
                Saved::Inserted(id) => {
                    summary.inserted += 1;
                    id
                }
                Saved::Updated(id) => {
                    summary.updated += 1;
                    id
                }
                Saved::Unchanged(id) => {
                    summary.unchanged += 1;
                    id
                }
            };
            summary.ids.push(id);
        }
        if let Some(user_id) = by {
            for id in &summary.ids {
                crate::accounts::audit_on(writer.link.conn()?, Some(user_id), "report_saved", &id.0.to_string())?;
            }
        }
        writer.commit()?;
        Ok(summary)
    }
}

impl Store {
    /// Replaces what report `id` says, found by its id alone (an edit from the form or the API):
    /// its organisation and its reference stay whatever `report` carries, and the change is
    /// recorded with `source`. A verified report whose content changed goes back for review.
    /// Returns false when no such report exists; nothing changes when the content is the same.
    pub fn replace_report(&self, id: RouteReportId, report: &RouteReport, source: &str) -> Result<bool, StoreError> {
        self.replace_audited(id, report, source, None)
    }

    /// [`Store::replace_report`] for a signed-in person, with the audit entry "report_updated"
    /// in the same transaction.
    pub fn replace_report_by(
        &self,
        id: RouteReportId,
        report: &RouteReport,
        source: &str,
        user_id: i64,
    ) -> Result<bool, StoreError> {
        self.replace_audited(id, report, source, Some(user_id))
    }

    fn replace_audited(
        &self,
        id: RouteReportId,
        report: &RouteReport,
        source: &str,
        by: Option<i64>,
    ) -> Result<bool, StoreError> {
        let mut encoded = EncodedReport::new(report);
        let fingerprint = encoded.fingerprint();
        let stamp = now();
        self.writer()?.transaction(|tx| {
            let Some(row) = tx.query_one("SELECT fingerprint, status FROM reports WHERE id = $1", &[id.0.into()])? else {
                return Ok(false);
            };
            if let Some(user_id) = by {
                crate::accounts::audit_on(tx, Some(user_id), "report_updated", &id.0.to_string())?;
            }
            let known = known_from(id.0, row.text(0)?, row.text(1)?)?;
            if known.fingerprint == fingerprint {
                return Ok(true);
            }
            let status = if known.status == ReviewStatus::Verified { ReviewStatus::NeedsReview } else { known.status };
            update_report(tx, id.0, encoded, status, &stamp)?;
            tx.execute(
                "INSERT INTO report_changes (report_id, changed_at, change, source, previous_fingerprint) VALUES ($1, $2, $3, $4, $5)",
                &[
                    id.0.into(),
                    stamp.as_str().into(),
                    "updated".into(),
                    source.into(),
                    crate::codec::fingerprint_text(known.fingerprint).into(),
                ],
            )?;
            tx.data_changed(Touched::Reports(&[id.0]))?;
            Ok(true)
        })
    }
}

/// The reports an import has met, by organisation and the organisation's own reference: the
/// stored ones of each organisation it has rows for, and the ones it wrote. Looked up and added
/// once per imported row, so in one map keyed by both at once (the organisation's id in eight
/// bytes, then the reference), which the file can size once for all its rows: grown a doubling
/// at a time to a million reports, moving them all each time, it was a twentieth of the
/// writing thread's work. ahash rather than SipHash: 2.4% fewer instructions on that thread.
#[derive(Default)]
struct KnownReports {
    by_key: HashMap<Box<[u8]>, Known, ahash::RandomState>,
    /// The organisations whose stored reports are in `by_key`.
    loaded: BTreeSet<OrganisationId>,
    /// The key of the last report looked up, reused to spare a copy per look-up.
    key: Vec<u8>,
}

impl KnownReports {
    fn key(&mut self, org: OrganisationId, reference: &str) -> &[u8] {
        self.key.clear();
        self.key.extend_from_slice(&org.0.to_le_bytes());
        self.key.extend_from_slice(reference.as_bytes());
        &self.key
    }

    fn get(&mut self, org: OrganisationId, reference: &str) -> Option<Known> {
        self.key(org, reference);
        self.by_key.get(self.key.as_slice()).cloned()
    }

    fn set(&mut self, org: OrganisationId, reference: &str, known: Known) {
        self.key(org, reference);
        match self.by_key.get_mut(self.key.as_slice()) {
            Some(slot) => *slot = known,
            None => {
                self.by_key.insert(self.key.as_slice().into(), known);
            }
        }
    }
}

impl ImportWriter {
    /// Says how many reports the import expects to write (an estimate is fine), so that what
    /// it keeps of each is made room for once.
    pub fn expect_reports(&mut self, reports: usize) {
        if let Some(known) = &mut self.known {
            known.by_key.reserve(reports);
        }
    }

    fn find(&mut self, org: OrganisationId, reference: &str) -> Result<Option<Known>, StoreError> {
        let Some(known) = self.known.as_mut() else {
            let row = self.link.conn()?.query_one(
                "SELECT id, fingerprint, status FROM reports WHERE organisation_id = $1 AND report_ref = $2",
                &[org.0.into(), reference.into()],
            )?;
            return row.map(|r| known_from(r.int(0)?, r.text(1)?, r.text(2)?)).transpose();
        };
        if !known.loaded.contains(&org) {
            let rows = self.link.conn()?.query(
                "SELECT report_ref, id, fingerprint, status FROM reports WHERE organisation_id = $1 AND report_ref IS NOT NULL",
                &[org.0.into()],
            )?;
            known.by_key.reserve(rows.len());
            for r in rows {
                known.set(org, r.text(0)?, known_from(r.int(1)?, r.text(2)?, r.text(3)?)?);
            }
            known.loaded.insert(org);
        }
        Ok(known.get(org, reference))
    }

    fn remember(&mut self, org: OrganisationId, reference: &str, k: Known) {
        if let Some(known) = self.known.as_mut() {
            known.set(org, reference, k);
        }
    }

    fn insert(&mut self, encoded: EncodedReport) -> Result<i64, StoreError> {
        let Some(pending) = &mut self.pending else {
            return insert_report(self.link.conn()?, encoded, &self.stamp, self.import_id);
        };
        let id = match pending.spare_id() {
            Some(id) => id,
            None => {
                pending.fetch_ids(self.link.conn()?)?;
                pending.spare_id().ok_or_else(|| StoreError::Database("the database gave no ids".into()))?
            }
        };
        pending.push(self.engine, id, encoded, &self.stamp, self.import_id);
        if pending.is_full() {
            let conn = self.link.conn()?;
            match pending.take_batch() {
                // The next batch's ids first, while this thread has the connection.
                Some(batch) => {
                    pending.fetch_ids(conn)?;
                    self.link.copy_behind(batch)?;
                }
                None => {
                    pending.flush(conn)?;
                    if let Some(files) = &self.files {
                        files.start_wal();
                    }
                }
            }
        }
        Ok(id)
    }

    fn wrote(&mut self, id: i64) {
        self.written += 1;
        if self.changed.len() < crate::sql::LISTED_CHANGES && self.changed.len() + 1 == self.written as usize {
            self.changed.push(id);
        }
    }

    fn record(&mut self, id: i64, change: &str, previous: Option<&str>) -> Result<(), StoreError> {
        self.link.conn()?.execute(
            "INSERT INTO report_changes (report_id, changed_at, change, source, previous_fingerprint) VALUES ($1, $2, $3, $4, $5)",
            &[Value::Int(id), self.stamp.as_str().into(), change.into(), self.source.as_str().into(), previous.into()],
        )?;
        Ok(())
    }

    /// Inserts the report, or updates the organisation's report with the same `report_id`, or does
    /// nothing when that report already says exactly this.
    pub fn save(&mut self, report: &RouteReport) -> Result<Saved, StoreError> {
        self.save_encoded(EncodedReport::new(report))
    }

    /// As `save`, for a report encoded beforehand (see [`EncodedReport::new`]).
    pub fn save_encoded(&mut self, encoded: EncodedReport) -> Result<Saved, StoreError> {
        match self.save_row(encoded, None)? {
            FileRowSaved::Saved(saved) => Ok(saved),
            FileRowSaved::Repeats { .. } => unreachable!("only a file's rows are checked for repeats"),
        }
    }

    /// As `save_encoded`, for row `row` of the imported file, where each organisation's
    /// reference may come once: a row whose reference an earlier row gave is not saved, and the
    /// answer names that row. The writer keeps every reference of the file anyway (to tell new
    /// reports from changed ones), so the repeats are found here rather than in a second map of
    /// the file's references on the reading thread, which was a tenth of that thread's work.
    pub fn save_file_row(&mut self, encoded: EncodedReport, row: u64) -> Result<FileRowSaved, StoreError> {
        self.save_row(encoded, NonZeroU64::new(row))
    }

    fn save_row(&mut self, mut encoded: EncodedReport, row: Option<NonZeroU64>) -> Result<FileRowSaved, StoreError> {
        let organisation = encoded.organisation;
        let fingerprint = encoded.fingerprint();
        let Some(reference) = encoded.reference() else {
            let id = self.insert(encoded)?;
            self.wrote(id);
            return Ok(FileRowSaved::Saved(Saved::Inserted(RouteReportId(id))));
        };
        let saved = match self.find(organisation, reference)? {
            Some(Known { row: Some(first), .. }) if row.is_some() => {
                return Ok(FileRowSaved::Repeats { first_row: first.get(), reference: reference.to_string() });
            }
            Some(k) if k.fingerprint == fingerprint => {
                if row.is_some() {
                    self.remember(organisation, reference, Known { row, ..k });
                }
                Saved::Unchanged(RouteReportId(k.id))
            }
            Some(k) => {
                // A verified report whose content changed must be looked at again.
                let status = if k.status == ReviewStatus::Verified { ReviewStatus::NeedsReview } else { k.status };
                // The report may still be queued: written first, then updated.
                if let Some(pending) = &mut self.pending {
                    pending.flush(self.link.conn()?)?;
                }
                self.remember(organisation, reference, Known { id: k.id, fingerprint, status, row });
                update_report(self.link.conn()?, k.id, encoded, status, &self.stamp)?;
                self.record(k.id, "updated", Some(&crate::codec::fingerprint_text(k.fingerprint)))?;
                self.wrote(k.id);
                Saved::Updated(RouteReportId(k.id))
            }
            None => {
                let status = encoded.status;
                // The key is made while the reference is at hand: the report moves into the queue.
                let key = self.known.as_mut().map(|known| Box::<[u8]>::from(known.key(organisation, reference)));
                let id = self.insert(encoded)?;
                if let (Some(known), Some(key)) = (self.known.as_mut(), key) {
                    known.by_key.insert(key, Known { id, fingerprint, status, row });
                }
                self.wrote(id);
                Saved::Inserted(RouteReportId(id))
            }
        };
        Ok(FileRowSaved::Saved(saved))
    }

    pub fn commit(mut self) -> Result<(), StoreError> {
        if let Some(pending) = &mut self.pending {
            pending.flush(self.link.conn()?)?;
        }
        let touched = if self.changed.len() == self.written as usize {
            Touched::Reports(&self.changed)
        } else {
            Touched::Everything
        };
        let conn = self.link.conn()?;
        conn.data_changed(touched)?;
        self.open = false;
        let committed = conn.commit();
        if committed.is_ok() {
            if let Some(files) = &self.files {
                files.start_wal();
                // The reports are in: a checkpoint that fails leaves them in the log, which the
                // next automatic checkpoint copies.
                let _ = files.checkpoint(conn);
            }
        }
        restore_checks(conn);
        committed?;
        if self.written >= ANALYZE_AFTER && conn.engine() == crate::sql::Engine::Postgres {
            // Only the columns queries filter, join or sort on, from a sample of 3,000 rows
            // instead of 30,000: row counts and the few organisations, rounds and statuses are
            // what the planner was missing, and the full ANALYZE took a seventh of the import.
            conn.batch(
                "SET default_statistics_target = 10; \
                 ANALYZE reports (id, organisation_id, round_id, status, report_ref); \
                 ANALYZE unresolved_stops (report_id, text_key); \
                 RESET default_statistics_target",
            )?;
        }
        Ok(())
    }

    /// Abandons everything saved so far (what `--dry-run` and `--strict` use).
    pub fn rollback(mut self) -> Result<(), StoreError> {
        self.open = false;
        self.link.undo()
    }
}

impl Link {
    /// Rolls the transaction back, whether or not a batch being copied was written.
    fn undo(&mut self) -> Result<(), StoreError> {
        let _ = self.conn();
        let Link::Here(conn) = self else {
            // The connection went with the thread that had it, and its transaction with it.
            return Ok(());
        };
        let rolled_back = conn.rollback();
        restore_checks(conn);
        rolled_back
    }
}

impl Drop for ImportWriter {
    fn drop(&mut self) {
        if self.open {
            let _ = self.link.undo();
        }
    }
}

/// Foreign keys checked again, and the log checkpointed automatically again (SQLite's default),
/// on the writer connection, whatever happened to the import.
fn restore_checks(conn: &mut Conn) {
    if conn.engine() == crate::sql::Engine::Sqlite {
        let _ = conn.batch("PRAGMA foreign_keys = ON; PRAGMA wal_autocheckpoint = 1000");
    }
}
