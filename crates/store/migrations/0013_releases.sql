-- Releases: fixed, checked, signed packages of figures that the coordinator publishes for
-- government and donors. A release is written once and never edited: its files stay as they
-- were signed; withdrawing one marks it (when, by whom, why) and keeps it.

CREATE TABLE releases (
    id {id},
    version BIGINT NOT NULL,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL,
    -- The rounds it covers (names, as JSON), and the threshold below which counts are hidden.
    rounds TEXT NOT NULL,
    threshold BIGINT NOT NULL,
    created_by BIGINT,
    withdrawn_at TEXT,
    withdrawn_by BIGINT,
    withdrawn_reason TEXT
);

-- Each file of a release, as signed. Bytes are kept as base64 text: the store holds only BIGINT
-- and TEXT columns so that both engines run the same statements.
CREATE TABLE release_files (
    release_id BIGINT NOT NULL REFERENCES releases (id),
    path TEXT NOT NULL,
    media_type TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    bytes BIGINT NOT NULL,
    content TEXT NOT NULL,
    PRIMARY KEY (release_id, path)
);

-- The network's signing key (Ed25519), made once. The secret never leaves the database except
-- into a signature.
CREATE TABLE network_keys (
    id {id},
    public_key TEXT NOT NULL,
    secret_key TEXT NOT NULL,
    created_at TEXT NOT NULL
);
