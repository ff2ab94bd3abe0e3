-- Failed sign-ins counted per e-mail address and per source (the client's network address), so
-- that someone guessing from one place slows down only their own guesses: the account's owner,
-- signing in from elsewhere, is never locked out by them. Addresses that belong to no account
-- are counted the same way, so the answers do not tell which addresses exist.
CREATE TABLE sign_in_attempts (
    email TEXT NOT NULL,
    source TEXT NOT NULL,
    failures BIGINT NOT NULL,
    blocked_until TEXT,
    last_failure TEXT NOT NULL,
    PRIMARY KEY (email, source)
){without_rowid};

CREATE INDEX sign_in_attempts_last_failure ON sign_in_attempts (last_failure);
