-- Which database this is, whatever its file is called or wherever its server runs: a copy of its
-- reports kept outside it (the analysis snapshot) is trusted only if it names this identity and
-- the current data version.
ALTER TABLE data_version ADD COLUMN database_id TEXT;
UPDATE data_version SET database_id = {random_id} WHERE id = 1;
