-- Which database this is, whatever its file is called or wherever its server runs: a copy of its
-- reports kept outside it (the analysis snapshot) is trusted only if it names this identity and
-- the current data version.
ALTER TABLE data_version ADD COLUMN database_id TEXT;
UPDATE data_version SET database_id = {random_id} WHERE id = 1;

-- What each data version changed: the reports it wrote or deleted, or one row without a report
-- when it changed too many of them, or what they all mean (places, organisations, rounds,
-- duplicate decisions). A server holding the reports of one version catches up by reading the
-- reports changed since, instead of every report. Versions are given out one at a time (the
-- data_version row is locked until commit), so a version seen means every earlier one is there.
-- Only the last few thousand versions are kept; a server further behind reads everything.
CREATE TABLE data_changes (
    version BIGINT NOT NULL,
    report_id BIGINT
);
CREATE INDEX data_changes_version ON data_changes (version);
