-- One number that every change an analysis reads moves, in the change's own transaction: a
-- server learns that the data changed (through it, another server or the command line) by
-- reading one row, instead of counting tables.
CREATE TABLE data_version (
    id BIGINT PRIMARY KEY,
    version BIGINT NOT NULL
);
INSERT INTO data_version (id, version) VALUES (1, 0);
