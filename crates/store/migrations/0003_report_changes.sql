-- Every insert and update of a report through an import or the API, with when and from where,
-- so that a coordinator can see what a corrected spreadsheet changed.

CREATE TABLE report_changes (
    id {id},
    report_id BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    changed_at TEXT NOT NULL,
    change TEXT NOT NULL,
    source TEXT NOT NULL,
    previous_fingerprint TEXT
);

CREATE INDEX report_changes_report ON report_changes (report_id);
