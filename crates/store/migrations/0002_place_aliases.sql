-- Coordinator decisions about place names, and a folded key on each stop so that a decision
-- reaches every existing stop with that text in one statement. Keys are filled in by vjt after
-- this migration (folding is done in Rust, the same way the resolver does it).

ALTER TABLE stops ADD COLUMN text_key TEXT;
CREATE INDEX stops_text_key ON stops (text_key);

CREATE TABLE place_aliases (
    text_key TEXT PRIMARY KEY,
    text TEXT NOT NULL,
    place_id TEXT NOT NULL,
    created_at TEXT NOT NULL
);
