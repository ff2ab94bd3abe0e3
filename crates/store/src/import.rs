//! A streaming writer for one imported file: everything it saves lands in one transaction, or
//! nothing does. Dropping it without `commit` (an error, a panic, Ctrl-C unwinding) rolls back.

use std::collections::HashMap;

use vjt_domain::{OrganisationId, ReviewStatus, RouteReport, RouteReportId};

use crate::codec::{insert_report, update_report, EncodedReport};
use crate::sql::{Conn, Engine, Value};
use crate::{now, Store, StoreError};

/// What saving one report did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Saved {
    Inserted(RouteReportId),
    Updated(RouteReportId),
    Unchanged(RouteReportId),
}

struct Known {
    id: i64,
    fingerprint: String,
    status: ReviewStatus,
}

pub struct ImportWriter<'s> {
    conn: &'s mut Conn,
    source: String,
    stamp: String,
    /// Existing reports of each organisation met so far, by the organisation's own report id.
    known: HashMap<OrganisationId, HashMap<String, Known>>,
    open: bool,
}

impl Store {
    /// Starts writing one file's reports; `source` (e.g. the file name) is recorded in each change.
    pub fn begin_import(&mut self, source: &str) -> Result<ImportWriter<'_>, StoreError> {
        let begin = match self.conn.engine() {
            Engine::Sqlite => "BEGIN IMMEDIATE",
            Engine::Postgres => "BEGIN",
        };
        self.conn.batch(begin)?;
        Ok(ImportWriter {
            conn: &mut self.conn,
            source: source.to_string(),
            stamp: now(),
            known: HashMap::new(),
            open: true,
        })
    }
}

impl ImportWriter<'_> {
    fn known_for(&mut self, org: OrganisationId) -> Result<&mut HashMap<String, Known>, StoreError> {
        if !self.known.contains_key(&org) {
            let rows = self.conn.query(
                "SELECT report_ref, id, fingerprint, status FROM reports WHERE organisation_id = $1 AND report_ref IS NOT NULL",
                &[org.0.into()],
            )?;
            let mut map = HashMap::with_capacity(rows.len());
            for r in rows {
                let status =
                    r.text(3)?.parse().map_err(|e: vjt_domain::UnknownTerm| StoreError::Corrupt(e.to_string()))?;
                map.insert(
                    r.text(0)?.to_string(),
                    Known { id: r.int(1)?, fingerprint: r.text(2)?.to_string(), status },
                );
            }
            self.known.insert(org, map);
        }
        Ok(self.known.get_mut(&org).expect("inserted above"))
    }

    fn record(&mut self, id: i64, change: &str, previous: Option<&str>) -> Result<(), StoreError> {
        self.conn.execute(
            "INSERT INTO report_changes (report_id, changed_at, change, source, previous_fingerprint) VALUES ($1, $2, $3, $4, $5)",
            &[Value::Int(id), self.stamp.as_str().into(), change.into(), self.source.as_str().into(), previous.into()],
        )?;
        Ok(())
    }

    /// Inserts the report, or updates the organisation's report with the same `report_id`, or does
    /// nothing when that report already says exactly this.
    pub fn save(&mut self, report: &RouteReport) -> Result<Saved, StoreError> {
        let encoded = EncodedReport::new(report);
        let stamp = self.stamp.clone();
        let Some(reference) = report.report_id.as_ref().map(|r| r.to_string()) else {
            let id = insert_report(self.conn, &encoded, &stamp)?;
            self.record(id, "created", None)?;
            return Ok(Saved::Inserted(RouteReportId(id)));
        };
        let known = self.known_for(report.organisation)?;
        match known.get(&reference) {
            Some(k) if k.fingerprint == encoded.fingerprint => Ok(Saved::Unchanged(RouteReportId(k.id))),
            Some(k) => {
                let (id, previous) = (k.id, k.fingerprint.clone());
                // A verified report whose content changed must be looked at again.
                let status = if k.status == ReviewStatus::Verified { ReviewStatus::NeedsReview } else { k.status };
                update_report(self.conn, id, &encoded, status, &stamp)?;
                let known = self.known_for(report.organisation)?;
                known.insert(reference, Known { id, fingerprint: encoded.fingerprint.clone(), status });
                self.record(id, "updated", Some(&previous))?;
                Ok(Saved::Updated(RouteReportId(id)))
            }
            None => {
                let id = insert_report(self.conn, &encoded, &stamp)?;
                let known = self.known_for(report.organisation)?;
                known.insert(reference, Known { id, fingerprint: encoded.fingerprint.clone(), status: report.status });
                self.record(id, "created", None)?;
                Ok(Saved::Inserted(RouteReportId(id)))
            }
        }
    }

    pub fn commit(mut self) -> Result<(), StoreError> {
        self.open = false;
        self.conn.batch("COMMIT")
    }

    /// Abandons everything saved so far (what `--dry-run` and `--strict` use).
    pub fn rollback(mut self) -> Result<(), StoreError> {
        self.open = false;
        self.conn.batch("ROLLBACK")
    }
}

impl Drop for ImportWriter<'_> {
    fn drop(&mut self) {
        if self.open {
            let _ = self.conn.batch("ROLLBACK");
        }
    }
}
