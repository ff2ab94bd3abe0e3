-- Organisations, collection rounds, route reports and their stops.
-- Written once for both engines: {id} becomes each engine's auto-numbered primary key.
-- No column anywhere holds survivor personal data: the unit of data is a route.

CREATE TABLE organisations (
    id {id},
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    kind TEXT NOT NULL,
    country TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE rounds (
    id {id},
    name TEXT NOT NULL,
    name_key TEXT NOT NULL UNIQUE,
    starts_on TEXT NOT NULL,
    ends_on TEXT NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE reports (
    id {id},
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    round_id BIGINT NOT NULL REFERENCES rounds (id),
    report_ref TEXT,
    exploitation_types TEXT NOT NULL,
    sectors TEXT NOT NULL,
    transport_modes TEXT NOT NULL,
    recruitment_methods TEXT NOT NULL,
    recruiter_relationships TEXT NOT NULL,
    victims BIGINT,
    female BIGINT,
    male BIGINT,
    other_gender BIGINT,
    children BIGINT,
    adults BIGINT,
    period_start TEXT,
    period_end TEXT,
    source TEXT NOT NULL,
    confidence TEXT NOT NULL,
    notes TEXT,
    status TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);

-- The identity for idempotent re-import. Reports without the organisation's own reference
-- (NULL) never collide, on either engine.
CREATE UNIQUE INDEX reports_identity ON reports (organisation_id, report_ref);
CREATE INDEX reports_round ON reports (round_id);

CREATE TABLE stops (
    report_id BIGINT NOT NULL REFERENCES reports (id) ON DELETE CASCADE,
    seq BIGINT NOT NULL,
    role TEXT NOT NULL,
    text TEXT NOT NULL,
    place_id TEXT,
    arrived_by TEXT NOT NULL,
    PRIMARY KEY (report_id, seq)
);

CREATE INDEX stops_place ON stops (place_id);
