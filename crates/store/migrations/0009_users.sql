-- Web platform accounts. Passwords are stored as argon2id hashes, session and API tokens as
-- SHA-256 hashes of the random token (the token itself is shown once and never stored).

CREATE TABLE users (
    id {id},
    email TEXT NOT NULL UNIQUE,
    organisation_id BIGINT NOT NULL REFERENCES organisations (id),
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    disabled BIGINT NOT NULL,
    failed_logins BIGINT NOT NULL,
    locked_until TEXT,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL,
    csrf TEXT NOT NULL,
    expires_at TEXT NOT NULL
);

CREATE TABLE audit_log (
    id {id},
    at TEXT NOT NULL,
    user_id BIGINT,
    action TEXT NOT NULL,
    detail TEXT NOT NULL
);
