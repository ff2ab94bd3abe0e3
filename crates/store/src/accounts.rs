//! Users, sessions, API tokens and the audit log of the web platform. Hashing is the caller's
//! job: the store only keeps hashes.

use vjt_domain::{OrganisationId, Role};

use crate::sql::Value;
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

    /// Records a failed sign-in; with `lock_until`, refuses sign-in until then.
    pub fn record_failed_login(&self, user_id: i64, lock_until: Option<&str>) -> Result<(), StoreError> {
        self.writer()?.execute(
            "UPDATE users SET failed_logins = failed_logins + 1, locked_until = $1 WHERE id = $2",
            &[lock_until.into(), Value::Int(user_id)],
        )?;
        Ok(())
    }

    pub fn record_good_login(&self, user_id: i64) -> Result<(), StoreError> {
        self.writer()?
            .execute("UPDATE users SET failed_logins = 0, locked_until = NULL WHERE id = $1", &[Value::Int(user_id)])?;
        Ok(())
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

    pub fn delete_session(&self, token_hash: &str) -> Result<bool, StoreError> {
        Ok(self.writer()?.execute("DELETE FROM sessions WHERE token_hash = $1", &[token_hash.into()])? > 0)
    }

    /// Appends to the audit log: sign-ins, imports, exports, reviews, user changes.
    pub fn audit(&self, user_id: Option<i64>, action: &str, detail: &str) -> Result<(), StoreError> {
        self.writer()?.execute(
            "INSERT INTO audit_log (at, user_id, action, detail) VALUES ($1, $2, $3, $4)",
            &[now().into(), user_id.map(Value::Int).unwrap_or(Value::Null), action.into(), detail.into()],
        )?;
        Ok(())
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
