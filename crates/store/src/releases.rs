//! Releases as stored: written once with all their files, listed, read back, withdrawn (marked,
//! never edited or deleted); and the network's signing key, made once.

use base64::Engine as _;

use crate::sql::Value;
use crate::{now, Store, StoreError};

/// A file of a release, as signed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReleaseFile {
    pub path: String,
    pub media_type: String,
    /// Hex SHA-256 of `content`.
    pub sha256: String,
    pub content: Vec<u8>,
}

/// What is known of a stored file without reading it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileInfo {
    pub path: String,
    pub media_type: String,
    pub sha256: String,
    pub bytes: u64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Withdrawal {
    pub at: String,
    pub by: Option<i64>,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredRelease {
    pub id: i64,
    /// The how-manieth release of the same rounds.
    pub version: i64,
    pub title: String,
    pub created_at: String,
    pub rounds: Vec<String>,
    pub threshold: u64,
    pub withdrawn: Option<Withdrawal>,
    pub files: Vec<FileInfo>,
}

/// A release about to be stored: its number and version are those [`Store::next_release`] gave,
/// and are written into its signed files.
pub struct NewRelease {
    pub id: i64,
    pub version: i64,
    pub title: String,
    pub created_at: String,
    pub rounds: Vec<String>,
    pub threshold: u64,
    pub created_by: Option<i64>,
    pub files: Vec<ReleaseFile>,
}

fn rounds_key(rounds: &[String]) -> String {
    let mut sorted = rounds.to_vec();
    sorted.sort();
    serde_json::to_string(&sorted).expect("names serialise")
}

impl Store {
    /// The number and version the next release of these rounds will have (and the time it is
    /// made), to be written into its files before it is stored.
    pub fn next_release(&self, rounds: &[String]) -> Result<(i64, i64, String), StoreError> {
        let mut conn = self.reader()?;
        let next = conn.query_one("SELECT COALESCE(MAX(id), 0) + 1 FROM releases", &[])?;
        let id = next.map(|r| r.int(0)).transpose()?.unwrap_or(1);
        let same = conn.query_one("SELECT COUNT(*) FROM releases WHERE rounds = $1", &[rounds_key(rounds).into()])?;
        let version = same.map(|r| r.int(0)).transpose()?.unwrap_or(0) + 1;
        Ok((id, version, now()))
    }

    /// Stores a release with its files, in one transaction. Fails with `StoreError::Conflict`
    /// when another release took its number or version meanwhile (make it again).
    pub fn add_release(&self, r: &NewRelease) -> Result<StoredRelease, StoreError> {
        let key = rounds_key(&r.rounds);
        self.writer()?.transaction(|tx| {
            let next = tx.query_one("SELECT COALESCE(MAX(id), 0) + 1 FROM releases", &[])?;
            let same = tx.query_one("SELECT COUNT(*) FROM releases WHERE rounds = $1", &[key.as_str().into()])?;
            let (id, version) = (
                next.map(|x| x.int(0)).transpose()?.unwrap_or(1),
                same.map(|x| x.int(0)).transpose()?.unwrap_or(0) + 1,
            );
            if (id, version) != (r.id, r.version) {
                return Err(StoreError::Conflict("another release was made at the same time".into()));
            }
            tx.execute(
                "INSERT INTO releases (id, version, title, created_at, rounds, threshold, created_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7)",
                &[
                    Value::Int(r.id),
                    Value::Int(r.version),
                    r.title.as_str().into(),
                    r.created_at.as_str().into(),
                    key.as_str().into(),
                    Value::Int(r.threshold as i64),
                    r.created_by.map_or(Value::Null, Value::Int),
                ],
            )?;
            for f in &r.files {
                tx.execute(
                    "INSERT INTO release_files (release_id, path, media_type, sha256, bytes, content) \
                     VALUES ($1, $2, $3, $4, $5, $6)",
                    &[
                        Value::Int(r.id),
                        f.path.as_str().into(),
                        f.media_type.as_str().into(),
                        f.sha256.as_str().into(),
                        Value::Int(f.content.len() as i64),
                        base64::engine::general_purpose::STANDARD.encode(&f.content).into(),
                    ],
                )?;
            }
            Ok(())
        })?;
        self.release(r.id)?.ok_or_else(|| StoreError::Database("a stored release was not found".into()))
    }

    /// Every release, newest first.
    pub fn releases(&self) -> Result<Vec<StoredRelease>, StoreError> {
        let ids = self.reader()?.query("SELECT id FROM releases ORDER BY id DESC", &[])?;
        let mut out = Vec::with_capacity(ids.len());
        for row in ids {
            if let Some(r) = self.release(row.int(0)?)? {
                out.push(r);
            }
        }
        Ok(out)
    }

    pub fn release(&self, id: i64) -> Result<Option<StoredRelease>, StoreError> {
        let mut conn = self.reader()?;
        let Some(row) = conn.query_one(
            "SELECT id, version, title, created_at, rounds, threshold, withdrawn_at, withdrawn_by, withdrawn_reason \
             FROM releases WHERE id = $1",
            &[Value::Int(id)],
        )?
        else {
            return Ok(None);
        };
        let rounds: Vec<String> =
            serde_json::from_str(row.text(4)?).map_err(|e| StoreError::Corrupt(format!("release rounds: {e}")))?;
        let withdrawn = match row.opt_text(6)? {
            Some(at) => Some(Withdrawal {
                at: at.to_string(),
                by: row.opt_int(7)?,
                reason: row.opt_text(8)?.unwrap_or_default().to_string(),
            }),
            None => None,
        };
        let files = conn
            .query(
                "SELECT path, media_type, sha256, bytes FROM release_files WHERE release_id = $1 ORDER BY path",
                &[Value::Int(id)],
            )?
            .iter()
            .map(|f| {
                Ok(FileInfo {
                    path: f.text(0)?.to_string(),
                    media_type: f.text(1)?.to_string(),
                    sha256: f.text(2)?.to_string(),
                    bytes: f.int(3)? as u64,
                })
            })
            .collect::<Result<Vec<_>, StoreError>>()?;
        Ok(Some(StoredRelease {
            id: row.int(0)?,
            version: row.int(1)?,
            title: row.text(2)?.to_string(),
            created_at: row.text(3)?.to_string(),
            rounds,
            threshold: row.int(5)? as u64,
            withdrawn,
            files,
        }))
    }

    /// One file of a release, as signed.
    pub fn release_file(&self, id: i64, path: &str) -> Result<Option<ReleaseFile>, StoreError> {
        let row = self.reader()?.query_one(
            "SELECT path, media_type, sha256, content FROM release_files WHERE release_id = $1 AND path = $2",
            &[Value::Int(id), path.into()],
        )?;
        let Some(row) = row else { return Ok(None) };
        let content = base64::engine::general_purpose::STANDARD
            .decode(row.text(3)?)
            .map_err(|e| StoreError::Corrupt(format!("release file {path}: {e}")))?;
        Ok(Some(ReleaseFile {
            path: row.text(0)?.to_string(),
            media_type: row.text(1)?.to_string(),
            sha256: row.text(2)?.to_string(),
            content,
        }))
    }

    /// Marks a release withdrawn (it stays, with its files). False when there is no such
    /// release or it was withdrawn already.
    pub fn withdraw_release(&self, id: i64, by: Option<i64>, reason: &str) -> Result<bool, StoreError> {
        let n = self.writer()?.execute(
            "UPDATE releases SET withdrawn_at = $1, withdrawn_by = $2, withdrawn_reason = $3 \
             WHERE id = $4 AND withdrawn_at IS NULL",
            &[now().into(), by.map_or(Value::Null, Value::Int), reason.into(), Value::Int(id)],
        )?;
        Ok(n > 0)
    }

    /// The network's signing key pair (hex public key, hex secret key), if made.
    pub fn network_key(&self) -> Result<Option<(String, String)>, StoreError> {
        let row =
            self.reader()?.query_one("SELECT public_key, secret_key FROM network_keys ORDER BY id LIMIT 1", &[])?;
        row.map(|r| Ok((r.text(0)?.to_string(), r.text(1)?.to_string()))).transpose()
    }

    /// Keeps this key pair as the network's unless one was kept already; returns the one kept.
    pub fn keep_network_key(&self, public: &str, secret: &str) -> Result<(String, String), StoreError> {
        self.writer()?.transaction(|tx| {
            let existing = tx.query_one("SELECT public_key, secret_key FROM network_keys ORDER BY id LIMIT 1", &[])?;
            if let Some(r) = existing {
                return Ok((r.text(0)?.to_string(), r.text(1)?.to_string()));
            }
            tx.execute(
                "INSERT INTO network_keys (public_key, secret_key, created_at) VALUES ($1, $2, $3)",
                &[public.into(), secret.into(), now().into()],
            )?;
            Ok((public.to_string(), secret.to_string()))
        })
    }
}
