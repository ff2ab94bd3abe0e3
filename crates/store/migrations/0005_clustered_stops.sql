-- Stops are always read and written by report: cluster them on (report_id, seq) (SQLite:
-- WITHOUT ROWID), drop the unused index on place_id, and index text keys only for unresolved stops,
-- which is what the review list asks for. Imports write about half as many index entries.

CREATE TABLE stops_v5 (
    report_id BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    place_id TEXT,
    arrived_by TEXT NOT NULL,
    text_key TEXT,
    PRIMARY KEY (report_id, seq)
){without_rowid};

INSERT INTO stops_v5 (report_id, seq, role, text, place_id, arrived_by, text_key)
    SELECT report_id, seq, role, text, place_id, arrived_by, text_key FROM stops;

DROP TABLE stops;
ALTER TABLE stops_v5 RENAME TO stops;
CREATE INDEX stops_unresolved ON stops (text_key) WHERE place_id IS NULL;
