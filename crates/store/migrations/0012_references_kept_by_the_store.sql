-- PostgreSQL only (SQLite keeps its declared references and turns their checks off inside an
-- import's transaction). Each reference checked a row at a time is a trigger call per row: on
-- a million-report import with four million stops, checking them took three times as long as
-- writing the rows. The store keeps these references itself: a report is written only for an
-- organisation, round and import that exist, in the same transaction as its stops, and deleting
-- a report deletes its stops and history first (tests check that no row is left without its
-- report). Other tables keep their references.
DO $$
DECLARE c record;
BEGIN
    FOR c IN SELECT conname, conrelid::regclass AS owner FROM pg_constraint
             WHERE contype = 'f' AND conrelid IN ('reports'::regclass, 'stops'::regclass)
    LOOP
        EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', c.owner, c.conname);
    END LOOP;
END $$;
