-- A small victim count its publisher withheld ("<5" in UNODC data): fewer than this many.
ALTER TABLE reports ADD COLUMN victims_below BIGINT;
