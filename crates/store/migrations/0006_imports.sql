-- One row per imported file (the import audit log), and on each report the import that created
-- it. This replaces a "created" history row per report, which cost more to write than the report.
-- Updates are still recorded one by one in report_changes.

CREATE TABLE imports (
    id {id},
    source TEXT NOT NULL,
    started_at TEXT NOT NULL
);

ALTER TABLE reports ADD COLUMN import_id BIGINT REFERENCES imports (id);
