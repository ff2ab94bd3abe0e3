//! Passwords (argon2id), random tokens (shown once, stored as SHA-256), and sign-in with lock-out.

use argon2::password_hash::{PasswordHash, PasswordHasher, SaltString};
use argon2::Argon2;
use sha2::{Digest, Sha256};
use vjt_store::{Store, StoreError, User};

/// Failed sign-ins from one source at one address that cost nothing but the password check's
/// own time; after these, each failure makes that source wait before trying that address again.
pub const FREE_FAILURES: i64 = 5;
/// The first wait, doubled by each further failure, up to the longest.
const FIRST_WAIT_SECS: i64 = 30;
const LONGEST_WAIT_SECS: i64 = 3600;

/// How long a source waits after its `failures`-th failed sign-in at one address: nothing for
/// the first few (people mistype), then 30 s, 1 min, 2 min… up to an hour. Only that source
/// waits: the account's owner, signing in from elsewhere, is not held up by someone guessing.
pub fn wait_after(failures: i64) -> Option<chrono::Duration> {
    if failures < FREE_FAILURES {
        return None;
    }
    let doublings = (failures - FREE_FAILURES).min(12) as u32;
    Some(chrono::Duration::seconds((FIRST_WAIT_SECS << doublings).min(LONGEST_WAIT_SECS)))
}

/// How long a failed sign-in marks its source as one to serve last.
const SUSPECT_FOR_MINUTES: i64 = 15;

/// Whether sign-ins from `source` should wait behind everyone else's work: some sign-in from
/// there, for any address, failed in the last quarter of an hour (a password guesser, or a
/// person mistyping). Others check their password at the server's normal priority, so that
/// people signing in on a busy server are not made to wait behind the pages.
pub fn is_suspect_source(store: &Store, source: &str) -> Result<bool, StoreError> {
    // In the stored form (milliseconds), so that the two compare as text.
    let since = (chrono::Utc::now() - chrono::Duration::minutes(SUSPECT_FOR_MINUTES))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    store.sign_in_failed_from(source, &since)
}

/// Where a sign-in comes from, as counted for back-off: an IPv4 address, or the /64 network of
/// an IPv6 address (one household or phone is given a whole /64).
pub fn source_of(ip: std::net::IpAddr) -> String {
    match ip {
        std::net::IpAddr::V4(v4) => v4.to_string(),
        std::net::IpAddr::V6(v6) => match v6.to_ipv4_mapped() {
            Some(v4) => v4.to_string(),
            None => {
                let s = v6.segments();
                format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
            }
        },
    }
}

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

/// Passwords of the allowed length that appear near the top of every list of leaked passwords
/// (and a few local favourites): refused even though they are long enough. Compared in lower case.
const COMMON_PASSWORDS: &[&str] = &[
    "0123456789",
    "1234567890",
    "0987654321",
    "9876543210",
    "1122334455",
    "1234512345",
    "123456789a",
    "a123456789",
    "abcd123456",
    "abc1234567",
    "1q2w3e4r5t",
    "1qaz2wsx3edc",
    "qwertyuiop",
    "qwerty1234",
    "qwerty12345",
    "qwerty123456",
    "asdfghjkl;",
    "asdfghjkl1",
    "zxcvbnm123",
    "password12",
    "password123",
    "password1234",
    "password!1",
    "passw0rd12",
    "passw0rd123",
    "p@ssw0rd123",
    "iloveyou12",
    "iloveyou123",
    "abcdefghij",
    "administrator",
    "admin12345",
    "admin123456",
    "changeme123",
    "welcome123",
    "welcome1234",
    "letmein123",
    "football123",
    "princess123",
    "sunshine123",
    "monkey1234",
    "dragon1234",
    "trustno1234",
    "kenya12345",
    "kenya123456",
    "nairobi123",
    "nairobi1234",
    "nairobi2024",
    "nairobi2025",
    "nairobi2026",
    "mombasa123",
    "jesus12345",
    "jesuschrist",
    "godisgood1",
    "blessed123",
    "mungu12345",
    "mwangi1234",
];

/// Whether a new password is acceptable: long enough, not blank, not one character repeated,
/// not the e-mail address, not one of the commonest leaked passwords. The reason, when not, is
/// said in the reader's language.
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
    let lower = trimmed.to_lowercase();
    if lower == email || (!local.is_empty() && lower == local) {
        return Err(Message::new("password-is-email"));
    }
    if COMMON_PASSWORDS.contains(&lower.as_str()) {
        return Err(Message::new("password-common"));
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
    #[cfg(test)]
    tests::VERIFIED.with(|n| n.set(n.get() + 1));
    PasswordHash::new(hash).is_ok_and(|parsed| matches_hash(password.as_bytes(), &parsed) == Some(true))
}

/// Argon2 working memory left by earlier checks (19 MiB each with vjt's parameters), at most
/// `SPARE_KEPT` of them: one per check that can run at once.
static SPARE_MEMORY: std::sync::Mutex<Vec<Vec<argon2::Block>>> = std::sync::Mutex::new(Vec::new());
const SPARE_KEPT: usize = 4;

/// Whether `password` hashes to `hash`, as argon2's own `verify_password` answers, with its
/// working memory reused. That check takes fresh memory each time, which the system has to
/// hand over page by page and zero: under a network's mixed load, a quarter of each sign-in's
/// cost on top of the hashing itself. Every block is written before it is read, so reused
/// memory gives the same hash. None when the hash is not one this can check.
fn matches_hash(password: &[u8], hash: &PasswordHash<'_>) -> Option<bool> {
    let algorithm = argon2::Algorithm::try_from(hash.algorithm).ok()?;
    let version = hash.version.map(argon2::Version::try_from).transpose().ok()?.unwrap_or_default();
    let params = argon2::Params::try_from(hash).ok()?;
    let (salt, expected) = (hash.salt?, hash.hash?);
    let mut salt_bytes = [0u8; 64];
    let salt = salt.decode_b64(&mut salt_bytes).ok()?;
    let blocks = params.block_count();
    let spare = SPARE_MEMORY.lock().unwrap_or_else(|p| p.into_inner()).pop();
    let mut memory = spare.unwrap_or_default();
    memory.resize(blocks, argon2::Block::default());
    let mut out = [0u8; 64];
    let out = out.get_mut(..expected.len())?;
    let hashed = Argon2::new(algorithm, version, params).hash_password_into_with_memory(
        password,
        salt,
        &mut *out,
        &mut memory[..],
    );
    let mut spares = SPARE_MEMORY.lock().unwrap_or_else(|p| p.into_inner());
    if spares.len() < SPARE_KEPT {
        spares.push(memory);
    }
    drop(spares);
    hashed.ok()?;
    // Compared in constant time (password_hash's Output equality).
    Some(argon2::password_hash::Output::new(out).ok()? == expected)
}

/// Why a sign-in was refused. Neither answer says whether the e-mail address exists, is
/// disabled or was guessed at before: unknown, disabled and known addresses are counted and
/// answered alike, and take the same time.
#[derive(Debug)]
pub enum SignInError {
    /// The e-mail or password is wrong (or the account is disabled).
    Invalid,
    /// Too many failures from this source at this address: try again after this many seconds.
    Throttled {
        retry_after_secs: i64,
    },
    Store(StoreError),
}

impl From<StoreError> for SignInError {
    fn from(e: StoreError) -> Self {
        SignInError::Store(e)
    }
}

/// A hash of nothing in particular, checked when no account has the address, so that an
/// unknown address takes as long as a known one.
const DECOY_HASH: &str = "$argon2id$v=19$m=19456,t=2,p=1$c2FsdHNhbHRzYWx0$Pl2k4z8yRP0/TRM7Zg3sDJt0X6F1a2tgyFC0pMDzuJQ";

fn rfc3339(t: chrono::DateTime<chrono::Utc>) -> String {
    t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true)
}

/// Checks an e-mail and password coming from `source` (see [`source_of`]), with back-off per
/// address and source ([`wait_after`]). While a source waits, its tries are refused without
/// checking the password, so that a flood of guesses costs the server almost nothing.
pub fn sign_in(store: &Store, email: &str, password: &str, source: &str) -> Result<User, SignInError> {
    let now = chrono::Utc::now();
    let email = email.trim().to_lowercase();
    // An address no form would send is not worth a row.
    if email.is_empty() || email.len() > 254 || password.len() > 1024 {
        let _ = verify(password.get(..64).unwrap_or(""), DECOY_HASH);
        return Err(SignInError::Invalid);
    }
    let attempts = store.sign_in_attempts(&email, source)?;
    let blocked = attempts
        .as_ref()
        .and_then(|a| a.blocked_until.as_deref())
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|t| t.with_timezone(&chrono::Utc))
        .filter(|t| *t > now);
    if let Some(until) = blocked {
        return Err(SignInError::Throttled { retry_after_secs: (until - now).num_seconds().max(1) });
    }
    let user = store.user_by_email(&email)?;
    let good = match &user {
        Some(u) => verify(password, &u.password_hash) && !u.disabled,
        None => {
            let _ = verify(password, DECOY_HASH);
            false
        }
    };
    match user {
        Some(user) if good => {
            store.record_good_login(user.id, source)?;
            store.audit(Some(user.id), "sign_in", &user.email)?;
            Ok(user)
        }
        user => {
            let failures = attempts.map_or(0, |a| a.failures) + 1;
            let wait = wait_after(failures);
            store.record_sign_in_failure(&email, source, wait.map(|w| rfc3339(now + w)).as_deref())?;
            if let Some(u) = user {
                store.audit(Some(u.id), "sign_in_failed", source)?;
            }
            Err(match wait {
                Some(w) => SignInError::Throttled { retry_after_secs: w.num_seconds() },
                None => SignInError::Invalid,
            })
        }
    }
}

/// Why a password was not changed.
#[derive(Debug)]
pub enum PasswordChangeError {
    /// The current password given is wrong.
    WrongCurrent,
    /// The new one is not acceptable, and why ([`check_new_password`]).
    Weak(vjt_domain::Message),
    Store(StoreError),
}

impl From<StoreError> for PasswordChangeError {
    fn from(e: StoreError) -> Self {
        PasswordChangeError::Store(e)
    }
}

/// A user changes their own password: the current one proves it is them. Their other sessions
/// and tokens end; the one in use (`keep`, a token hash) stays.
pub fn change_password(
    store: &Store,
    user_id: i64,
    current: &str,
    new: &str,
    keep: &str,
) -> Result<(), PasswordChangeError> {
    let user = store.user_by_id(user_id)?.ok_or(PasswordChangeError::WrongCurrent)?;
    if !verify(current, &user.password_hash) {
        store.audit(Some(user_id), "password_change_refused", &user.email)?;
        return Err(PasswordChangeError::WrongCurrent);
    }
    check_new_password(new, &user.email).map_err(PasswordChangeError::Weak)?;
    let hash = hash_password(new).map_err(|e| StoreError::Corrupt(format!("cannot hash a password: {e}")))?;
    store.set_password(user_id, &hash, Some(keep))?;
    store.audit(Some(user_id), "password_changed", &user.email)?;
    Ok(())
}

/// An administrator gives a user a new random password (shown once) and signs them out
/// everywhere; every sign-in wait is lifted too.
pub fn reset_password(store: &Store, user: &User, by: i64) -> Result<String, StoreError> {
    let password = new_token()[..16].to_string();
    let hash = hash_password(&password).map_err(|e| StoreError::Corrupt(format!("cannot hash a password: {e}")))?;
    store.set_password(user.id, &hash, None)?;
    store.unlock_user(&user.email)?;
    store.audit(Some(by), "password_reset", &user.email)?;
    Ok(password)
}

/// Lifts every sign-in wait on a user (`vjt user unlock`, the administration page). False if
/// no user has the address.
pub fn unlock(store: &Store, email: &str) -> Result<bool, StoreError> {
    store.unlock_user(email)
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
    use argon2::password_hash::PasswordVerifier;

    #[test]
    fn checks_with_reused_memory_agree_with_argon2s_own() {
        // Two parameter sets in turn, so that the memory kept from one is reused, resized, by
        // the other: each answer is argon2's own.
        let small = Argon2::new(
            argon2::Algorithm::Argon2id,
            argon2::Version::V0x13,
            argon2::Params::new(1024, 1, 1, Some(24)).unwrap(),
        );
        let salt = SaltString::encode_b64(b"0123456789abcdef").unwrap();
        let small_hash = small.hash_password(b"first pass", &salt).unwrap().to_string();
        let usual_hash = hash_password("second pass").unwrap();
        for _ in 0..2 {
            for (hash, right) in [(&small_hash, "first pass"), (&usual_hash, "second pass")] {
                let parsed = PasswordHash::new(hash).unwrap();
                for password in [right, "wrong", ""] {
                    let own = Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok();
                    assert_eq!(matches_hash(password.as_bytes(), &parsed), Some(own), "{hash} {password}");
                    assert_eq!(own, password == right);
                }
            }
        }
        assert!(!SPARE_MEMORY.lock().unwrap().is_empty(), "the memory is kept for the next check");
        // Not an argon2 hash: no answer, and never a match.
        let other = PasswordHash::new("$pbkdf2-sha256$i=1000$c2FsdHNhbHQ$aGFzaGhhc2hoYXNo").unwrap();
        assert_eq!(matches_hash(b"x", &other), None);
        assert!(!verify("x", "not a hash"));
    }

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

    #[test]
    fn waits_grow_after_the_free_failures_and_stop_at_an_hour() {
        let secs = |n| wait_after(n).map(|d| d.num_seconds());
        assert_eq!((1..FREE_FAILURES).map(secs).collect::<Vec<_>>(), vec![None; 4]);
        assert_eq!([5, 6, 7, 8].map(secs), [Some(30), Some(60), Some(120), Some(240)]);
        assert_eq!(secs(12), Some(3600));
        assert_eq!(secs(10_000), Some(3600));
    }

    #[test]
    fn sources_group_an_ipv6_network_and_unwrap_mapped_ipv4() {
        let a: std::net::IpAddr = "2001:db8:1:2:aaaa::1".parse().unwrap();
        let b: std::net::IpAddr = "2001:db8:1:2:bbbb::9".parse().unwrap();
        assert_eq!(source_of(a), source_of(b));
        assert_eq!(source_of("::ffff:192.0.2.7".parse().unwrap()), "192.0.2.7");
        assert_ne!(source_of("192.0.2.7".parse().unwrap()), source_of("192.0.2.8".parse().unwrap()));
    }

    #[test]
    fn weak_passwords_are_refused_with_a_reason() {
        let reason = |p: &str| check_new_password(p, "amina@example.org").err().map(|m| m.key.to_string());
        assert_eq!(reason("          ").as_deref(), Some("password-too-simple"));
        assert_eq!(reason("short").as_deref(), Some("password-too-short"));
        assert_eq!(reason("Amina@Example.org").as_deref(), Some("password-is-email"));
        assert_eq!(reason("Password123").as_deref(), Some("password-common"));
        assert_eq!(reason("Nairobi2025").as_deref(), Some("password-common"));
        assert_eq!(reason("mango season at Kisumu"), None);
    }

    thread_local! {
        /// Password hashes checked on this thread (sign-in runs on the caller's thread).
        pub static VERIFIED: std::cell::Cell<u32> = const { std::cell::Cell::new(0) };
    }

    /// Unknown, disabled and known addresses with a wrong password: the same answer after the
    /// same work, one password hash of the same strength checked, so neither reveals which
    /// addresses exist. Counted rather than timed: a timing under the other tests' load would
    /// fail by chance.
    #[test]
    fn unknown_disabled_and_known_addresses_answer_alike() {
        let dir = std::env::temp_dir().join(format!("vjt_accounts_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let store = Store::open(dir.join("vjt.db").to_str().unwrap()).unwrap();
        let org = store
            .add_organisation(&vjt_domain::NewOrganisation {
                name: vjt_domain::OrganisationName::parse("Org").unwrap(),
                kind: vjt_domain::OrganisationKind::Ngo,
                country: None,
            })
            .unwrap()
            .id;
        let hash = hash_password("the right passphrase").unwrap();
        store.add_user("known@x.org", org, vjt_domain::Role::Reporter, &hash).unwrap();
        store.add_user("off@x.org", org, vjt_domain::Role::Reporter, &hash).unwrap();
        store.set_user_disabled("off@x.org", true).unwrap();
        let checks = |email: &str, password: &str| {
            let before = VERIFIED.with(|n| n.get());
            let answer = sign_in(&store, email, password, "10.0.0.1");
            assert!(matches!(answer, Err(SignInError::Invalid)), "{email}: {answer:?}");
            VERIFIED.with(|n| n.get()) - before
        };
        let counted = [
            checks("known@x.org", "wrong one"),
            checks("off@x.org", "the right passphrase"),
            checks("nobody@x.org", "x"),
        ];
        assert_eq!(counted, [1, 1, 1], "one hash checked each (known, disabled, unknown)");
        // The decoy is as costly to check as a real hash: the same algorithm and parameters.
        let params = |h: &str| {
            let p = PasswordHash::new(h).unwrap();
            (p.algorithm.to_string(), p.version, p.params.to_string())
        };
        assert_eq!(params(DECOY_HASH), params(&hash));
        let _ = std::fs::remove_dir_all(&dir);
    }
}
