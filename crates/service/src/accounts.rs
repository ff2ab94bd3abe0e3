//! Passwords (argon2id), random tokens (shown once, stored as SHA-256), and sign-in with lock-out.

use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};
use vjt_store::{Store, StoreError, User};

/// After this many failed sign-ins in a row, sign-in is refused for `LOCK_MINUTES`.
pub const MAX_FAILURES: i64 = 5;
pub const LOCK_MINUTES: i64 = 15;

fn random_hex(bytes: usize) -> String {
    let mut buf = vec![0u8; bytes];
    getrandom::getrandom(&mut buf).expect("the operating system provides randomness");
    buf.iter().map(|b| format!("{b:02x}")).collect()
}

/// A new secret token (256 bits).
pub fn new_token() -> String {
    random_hex(32)
}

/// What is stored for a token: its SHA-256, so that a leaked database reveals no usable token.
pub fn token_hash(token: &str) -> String {
    let digest = Sha256::digest(token.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// The shortest password vjt accepts.
pub const MIN_PASSWORD_CHARS: usize = 10;

/// Whether a new password is acceptable: long enough, not blank, not one character repeated,
/// not the e-mail address. The reason, when not, is said in the reader's language.
pub fn check_new_password(password: &str, email: &str) -> Result<(), vjt_domain::Message> {
    use vjt_domain::Message;
    let trimmed = password.trim();
    if password.chars().count() < MIN_PASSWORD_CHARS {
        return Err(Message::new("password-too-short").with("min", MIN_PASSWORD_CHARS));
    }
    let mut chars = trimmed.chars();
    let first = chars.next();
    if trimmed.is_empty() || chars.all(|c| Some(c) == first) {
        return Err(Message::new("password-too-simple"));
    }
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or("");
    if trimmed.to_lowercase() == email || (!local.is_empty() && trimmed.to_lowercase() == local) {
        return Err(Message::new("password-is-email"));
    }
    Ok(())
}

pub fn hash_password(password: &str) -> Result<String, String> {
    let mut salt = [0u8; 16];
    getrandom::getrandom(&mut salt).map_err(|e| e.to_string())?;
    let salt = SaltString::encode_b64(&salt).map_err(|e| e.to_string())?;
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|h| h.to_string()).map_err(|e| e.to_string())
}

fn verify(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
}

/// Why a sign-in was refused. The message never says whether the e-mail address exists.
#[derive(Debug)]
pub enum SignInError {
    Invalid,
    Locked,
    Store(StoreError),
}

impl From<StoreError> for SignInError {
    fn from(e: StoreError) -> Self {
        SignInError::Store(e)
    }
}

/// Checks an e-mail and password, counting failures and locking the account after too many.
pub fn sign_in(store: &Store, email: &str, password: &str) -> Result<User, SignInError> {
    let now = chrono::Utc::now();
    let Some(user) = store.user_by_email(email)? else {
        // Spend the same time as a real check, so that timing does not reveal unknown addresses.
        let _ = verify(
            password,
            "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$Pl2k4z8yRP0/TRM7Zg3sDJt0X6F1a2tgyFC0pMDzuJQ",
        );
        return Err(SignInError::Invalid);
    };
    if user.disabled {
        return Err(SignInError::Invalid);
    }
    if let Some(until) = user.locked_until.as_deref().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok()) {
        if until > now {
            return Err(SignInError::Locked);
        }
    }
    if !verify(password, &user.password_hash) {
        let lock = (user.failed_logins + 1 >= MAX_FAILURES).then(|| {
            (now + chrono::Duration::minutes(LOCK_MINUTES)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
        });
        store.record_failed_login(user.id, lock.as_deref())?;
        store.audit(Some(user.id), "sign_in_failed", email)?;
        return Err(if lock.is_some() { SignInError::Locked } else { SignInError::Invalid });
    }
    store.record_good_login(user.id)?;
    store.audit(Some(user.id), "sign_in", &user.email)?;
    Ok(user)
}

/// Opens a session (cookie) or an API token for a user; returns (token, csrf token).
pub fn open_session(store: &Store, user: &User, kind: &str, days: i64) -> Result<(String, String), StoreError> {
    let (token, csrf) = (new_token(), new_token());
    let expires =
        (chrono::Utc::now() + chrono::Duration::days(days)).to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
    store.create_session(&token_hash(&token), user.id, kind, &csrf, &expires)?;
    Ok((token, csrf))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_and_tokens() {
        let h = hash_password("correct horse").unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("correct horse", &h));
        assert!(!verify("wrong horse", &h));
        assert_ne!(new_token(), new_token());
        assert_eq!(token_hash("abc").len(), 64);
        assert_ne!(token_hash("abc"), "abc");
    }
}
