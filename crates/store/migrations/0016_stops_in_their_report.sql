-- A report's stops move into its own row: their texts in travel order in `stop_texts`, their
-- roles, places and means of arrival in `stop_codes` (the separators are ASCII's record and
-- unit separators, which no text or code can hold). A row per stop cost the database more to
-- write than the report itself, and stops were only ever read with their report. Stops without
-- a place keep a row each in `unresolved_stops`, which is what the review list counts and a
-- coordinator's decision looks up. Like the reports' other references, `report_id` is kept by
-- the store: it writes these rows in the same transaction as their report and deletes them with
-- it (tests check that none is left without its report).
ALTER TABLE reports ADD COLUMN stop_texts TEXT NOT NULL DEFAULT '';
ALTER TABLE reports ADD COLUMN stop_codes TEXT NOT NULL DEFAULT '';

UPDATE reports SET
    stop_texts = COALESCE((SELECT string_agg(s.text, {stop_separator} ORDER BY s.seq)
                           FROM stops s WHERE s.report_id = reports.id), ''),
    stop_codes = COALESCE((SELECT string_agg(s.role || {field_separator} || COALESCE(s.place_id, '')
                                             || {field_separator} || s.arrived_by, {stop_separator} ORDER BY s.seq)
                           FROM stops s WHERE s.report_id = reports.id), '');

CREATE TABLE unresolved_stops (
    report_id BIGINT NOT NULL,
    seq BIGINT NOT NULL,
    text TEXT NOT NULL,
    text_key TEXT NOT NULL,
    PRIMARY KEY (report_id, seq)
){without_rowid};

CREATE INDEX unresolved_stops_key ON unresolved_stops (text_key);

INSERT INTO unresolved_stops (report_id, seq, text, text_key)
    SELECT report_id, seq, text, COALESCE(text_key, '') FROM stops WHERE place_id IS NULL;

DROP TABLE stops;
