-- A coordinator's decision about a cluster of reports that look like the same route: confirmed
-- (the same route) or split (different routes). Keyed by the cluster's sorted member ids.

CREATE TABLE duplicate_decisions (
    cluster_key TEXT PRIMARY KEY,
    decision TEXT NOT NULL,
    decided_at TEXT NOT NULL
);
