//! Users, sessions, API tokens and the audit log of the web platform. Hashing is the caller's
//! job: the store only keeps hashes.

use vjt_domain::{OrganisationId, Role};

use crate::sql::{Conn, Value};
use crate::{now, Store, StoreError};

/// A user as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub organisation: OrganisationId,
    pub role: Role,
    pub password_hash: String,
    pub disabled: bool,
    pub failed_logins: i64,
    /// RFC 3339; sign-in is refused until then.
    pub locked_until: Option<String>,
}

/// One line of the audit log.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    pub at: String,
    pub user_id: Option<i64>,
    pub action: String,
    pub detail: String,
}

/// Failed sign-ins counted for one e-mail address from one source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInAttempts {
    pub failures: i64,
    /// RFC 3339; sign-in from this source is refused until then.
    pub blocked_until: Option<String>,
}

/// A session or API token, found by the hash of its token.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    pub user: User,
    pub kind: String,
    pub csrf: String,
    pub expires_at: String,
}

fn user(r: &crate::sql::Row, at: usize) -> Result<User, StoreError> {
    Ok(User {
        id: r.int(at)?,
        email: r.text(at + 1)?.to_string(),
        organisation: OrganisationId(r.int(at + 2)?),
        role: r.text(at + 3)?.parse().map_err(|e: vjt_domain::UnknownTerm| StoreError::Corrupt(e.to_string()))?,
        password_hash: r.text(at + 4)?.to_string(),
        disabled: r.int(at + 5)? != 0,
        failed_logins: r.int(at + 6)?,
        locked_until: r.opt_text(at + 7)?.map(str::to_string),
    })
}

impl Store {
    /// Registers a user. E-mail addresses are unique, compared in lower case.
    pub fn add_user(
        &self,
        email: &str,
        org: OrganisationId,
        role: Role,
        password_hash: &str,
    ) -> Result<i64, StoreError> {
        let email = email.trim().to_lowercase();
        if self.user_by_email(&email)?.is_some() {
            return Err(StoreError::DuplicateUser(email));
        }
        let id = self.writer()?.insert_returning_id(
            "INSERT INTO users (email, organisation_id, role, password_hash, disabled, failed_logins, created_at) VALUES ($1, $2, $3, $4, 0, 0, $5)",
            "INSERT INTO users (email, organisation_id, role, password_hash, disabled, failed_logins, created_at) VALUES ($1, $2, $3, $4, 0, 0, $5) RETURNING id",
            &[email.as_str().into(), org.0.into(), role.to_string().into(), password_hash.into(), now().into()],
        )?;
        Ok(id)
    }

    pub fn user_by_email(&self, email: &str) -> Result<Option<User>, StoreError> {
        let row = self.reader()?.query_one(
            "SELECT u.id, u.email, u.organisation_id, u.role, u.password_hash, u.disabled, u.failed_logins, u.locked_until \
             FROM users u WHERE u.email = $1",
            &[email.trim().to_lowercase().into()],
        )?;
        row.map(|r| user(&r, 0)).transpose()
    }

    pub fn user_by_id(&self, id: i64) -> Result<Option<User>, StoreError> {
        let row = self.reader()?.query_one(
            "SELECT u.id, u.email, u.organisation_id, u.role, u.password_hash, u.disabled, u.failed_logins, u.locked_until \
             FROM users u WHERE u.id = $1",
            &[id.into()],
        )?;
        row.map(|r| user(&r, 0)).transpose()
    }

    pub fn users(&self) -> Result<Vec<User>, StoreError> {
        let rows = self.reader()?.query(
            "SELECT u.id, u.email, u.organisation_id, u.role, u.password_hash, u.disabled, u.failed_logins, u.locked_until \
             FROM users u ORDER BY u.email",
            &[],
        )?;
        rows.iter().map(|r| user(r, 0)).collect()
    }

    /// Disables (or enables) a user; their sessions and tokens end at once. False if unknown.
    pub fn set_user_disabled(&self, email: &str, disabled: bool) -> Result<bool, StoreError> {
        let email = email.trim().to_lowercase();
        self.writer()?.transaction(|tx| {
            let n = tx.execute(
                "UPDATE users SET disabled = $1 WHERE email = $2",
                &[Value::Int(i64::from(disabled)), email.as_str().into()],
            )?;
            if disabled {
                tx.execute(
                    "DELETE FROM sessions WHERE user_id IN (SELECT id FROM users WHERE email = $1)",
                    &[email.as_str().into()],
                )?;
            }
            Ok(n > 0)
        })
    }

    /// Failed sign-ins for `email` from `source` (the client's address), if any are counted.
    pub fn sign_in_attempts(&self, email: &str, source: &str) -> Result<Option<SignInAttempts>, StoreError> {
        let row = self.reader()?.query_one(
            "SELECT failures, blocked_until FROM sign_in_attempts WHERE email = $1 AND source = $2",
            &[email.trim().to_lowercase().into(), source.into()],
        )?;
        row.map(|r| Ok(SignInAttempts { failures: r.int(0)?, blocked_until: r.opt_text(1)?.map(str::to_string) }))
            .transpose()
    }

    /// Whether any sign-in from `source`, for any address, failed after `since` (RFC 3339).
    pub fn sign_in_failed_from(&self, source: &str, since: &str) -> Result<bool, StoreError> {
        let row = self.reader()?.query_one(
            "SELECT COUNT(*) FROM sign_in_attempts WHERE last_failure > $1 AND source = $2",
            &[since.into(), source.into()],
        )?;
        Ok(row.map(|r| r.int(0)).transpose()?.unwrap_or(0) > 0)
    }

    /// Counts one more failed sign-in for `email` from `source`, refusing further tries from
    /// there until `blocked_until` (RFC 3339) when given, and bumps the account's own count when
    /// the address belongs to one. Counts untouched for a day are forgotten here too, so that
    /// guesses at made-up addresses cannot grow the table without end.
    pub fn record_sign_in_failure(
        &self,
        email: &str,
        source: &str,
        blocked_until: Option<&str>,
    ) -> Result<(), StoreError> {
        let email = email.trim().to_lowercase();
        let at = now();
        let stale = (chrono::Utc::now() - chrono::Duration::days(1)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
        self.writer()?.transaction(|tx| {
            tx.execute(
                "INSERT INTO sign_in_attempts (email, source, failures, blocked_until, last_failure) \
                 VALUES ($1, $2, 1, $3, $4) \
                 ON CONFLICT (email, source) DO UPDATE SET failures = sign_in_attempts.failures + 1, \
                 blocked_until = $3, last_failure = $4",
                &[email.as_str().into(), source.into(), blocked_until.into(), at.as_str().into()],
            )?;
            tx.execute("UPDATE users SET failed_logins = failed_logins + 1 WHERE email = $1", &[email.as_str().into()])?;
            tx.execute(
                "DELETE FROM sign_in_attempts WHERE last_failure < $1 AND (blocked_until IS NULL OR blocked_until < $2)",
                &[stale.as_str().into(), at.as_str().into()],
            )?;
            Ok(())
        })
    }

    /// A good sign-in: the count for this source starts again.
    pub fn record_good_login(&self, user_id: i64, source: &str) -> Result<(), StoreError> {
        self.writer()?.transaction(|tx| {
            tx.execute(
                "DELETE FROM sign_in_attempts WHERE source = $1 AND email = (SELECT email FROM users WHERE id = $2)",
                &[source.into(), Value::Int(user_id)],
            )?;
            tx.execute(
                "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1",
                &[Value::Int(user_id)],
            )?;
            Ok(())
        })
    }

    /// Lifts every sign-in block on a user, from every source. False if no user has the address.
    pub fn unlock_user(&self, email: &str) -> Result<bool, StoreError> {
        let email = email.trim().to_lowercase();
        self.writer()?.transaction(|tx| {
            tx.execute("DELETE FROM sign_in_attempts WHERE email = $1", &[email.as_str().into()])?;
            let n = tx.execute(
                "UPDATE users SET failed_logins = 0, locked_until = NULL WHERE email = $1",
                &[email.as_str().into()],
            )?;
            Ok(n > 0)
        })
    }

    pub fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        kind: &str,
        csrf: &str,
        expires_at: &str,
    ) -> Result<(), StoreError> {
        self.writer()?.execute(
            "INSERT INTO sessions (token_hash, user_id, kind, csrf, expires_at) VALUES ($1, $2, $3, $4, $5)",
            &[token_hash.into(), Value::Int(user_id), kind.into(), csrf.into(), expires_at.into()],
        )?;
        Ok(())
    }

    /// The session or token with this hash, with its user (disabled users have none).
    pub fn session(&self, token_hash: &str) -> Result<Option<Session>, StoreError> {
        let row = self.reader()?.query_one(
            "SELECT u.id, u.email, u.organisation_id, u.role, u.password_hash, u.disabled, u.failed_logins, u.locked_until, \
             s.kind, s.csrf, s.expires_at FROM sessions s JOIN users u ON u.id = s.user_id WHERE s.token_hash = $1 AND u.disabled = 0",
            &[token_hash.into()],
        )?;
        row.map(|r| {
            Ok(Session {
                user: user(&r, 0)?,
                kind: r.text(8)?.to_string(),
                csrf: r.text(9)?.to_string(),
                expires_at: r.text(10)?.to_string(),
            })
        })
        .transpose()
    }

    /// Gives a user a new password hash and ends every other session and token of theirs (all of
    /// them when `keep` is None): whoever knew the old password is signed out.
    pub fn set_password(&self, user_id: i64, password_hash: &str, keep: Option<&str>) -> Result<(), StoreError> {
        self.writer()?.transaction(|tx| {
            tx.execute(
                "UPDATE users SET password_hash = $1 WHERE id = $2",
                &[password_hash.into(), Value::Int(user_id)],
            )?;
            tx.execute(
                "DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2",
                &[Value::Int(user_id), keep.unwrap_or("").into()],
            )?;
            Ok(())
        })
    }

    pub fn delete_session(&self, token_hash: &str) -> Result<bool, StoreError> {
        Ok(self.writer()?.execute("DELETE FROM sessions WHERE token_hash = $1", &[token_hash.into()])? > 0)
    }

    /// Appends to the audit log: sign-ins, imports, exports, reviews, user changes.
    pub fn audit(&self, user_id: Option<i64>, action: &str, detail: &str) -> Result<(), StoreError> {
        audit_on(&mut *self.writer()?, user_id, action, detail)
    }

    /// The newest audit entries first.
    pub fn audit_log(&self, limit: i64) -> Result<Vec<AuditEntry>, StoreError> {
        let rows = self
            .reader()?
            .query("SELECT at, user_id, action, detail FROM audit_log ORDER BY id DESC LIMIT $1", &[limit.into()])?;
        rows.iter()
            .map(|r| {
                Ok(AuditEntry {
                    at: r.text(0)?.to_string(),
                    user_id: r.opt_int(1)?,
                    action: r.text(2)?.to_string(),
                    detail: r.text(3)?.to_string(),
                })
            })
            .collect()
    }
}

/// Appends to the audit log on `conn`, inside whatever transaction it has open.
pub(crate) fn audit_on(conn: &mut Conn, user_id: Option<i64>, action: &str, detail: &str) -> Result<(), StoreError> {
    conn.execute(
        "INSERT INTO audit_log (at, user_id, action, detail) VALUES ($1, $2, $3, $4)",
        &[now().into(), user_id.map(Value::Int).unwrap_or(Value::Null), action.into(), detail.into()],
    )?;
    Ok(())
}
