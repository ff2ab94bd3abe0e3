//! The manifest of a release (what it is, every file with its SHA-256) and its signature: an
//! Ed25519 signature of the manifest's exact bytes, kept beside it as `manifest.json.sig` (hex),
//! so that anyone with the network's public key can check it with vjt or with standard tools.

use std::collections::BTreeMap;

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

pub const MANIFEST: &str = "manifest.json";
pub const SIGNATURE: &str = "manifest.json.sig";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub release: ReleaseInfo,
    /// How the figures were made and protected, in a few sentences.
    pub methodology: String,
    /// The vjt that made it.
    pub software: String,
    /// The network's public key (hex) that signed it.
    pub signed_by: String,
    pub files: Vec<FileEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReleaseInfo {
    pub id: i64,
    pub version: i64,
    pub title: String,
    pub created_at: String,
    pub rounds: Vec<String>,
    pub threshold: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FileEntry {
    pub path: String,
    pub sha256: String,
    pub bytes: u64,
    pub media_type: String,
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    hex(&Sha256::digest(bytes))
}

pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

fn unhex(text: &str) -> Option<Vec<u8>> {
    let text = text.trim();
    if !text.len().is_multiple_of(2) {
        return None;
    }
    (0..text.len()).step_by(2).map(|i| u8::from_str_radix(text.get(i..i + 2)?, 16).ok()).collect()
}

/// A new signing key from the operating system's randomness: (public hex, secret hex).
pub fn new_key() -> (String, String) {
    let mut secret = [0u8; 32];
    getrandom::getrandom(&mut secret).expect("the operating system gives randomness");
    let key = SigningKey::from_bytes(&secret);
    (hex(key.verifying_key().as_bytes()), hex(&secret))
}

/// The public key as PEM (SubjectPublicKeyInfo), for `openssl pkeyutl -verify`.
pub fn public_key_pem(public_hex: &str) -> Option<String> {
    use ed25519_dalek::pkcs8::EncodePublicKey;
    let key = verifying_key(public_hex)?;
    key.to_public_key_pem(ed25519_dalek::pkcs8::spki::der::pem::LineEnding::LF).ok()
}

fn verifying_key(public_hex: &str) -> Option<VerifyingKey> {
    let bytes: [u8; 32] = unhex(public_hex)?.try_into().ok()?;
    VerifyingKey::from_bytes(&bytes).ok()
}

/// The manifest's bytes and their signature (hex), signed with `secret_hex`.
pub fn sign(manifest: &Manifest, secret_hex: &str) -> Result<(Vec<u8>, String), String> {
    let secret: [u8; 32] =
        unhex(secret_hex).and_then(|b| b.try_into().ok()).ok_or("the network's signing key is damaged")?;
    let key = SigningKey::from_bytes(&secret);
    if hex(key.verifying_key().as_bytes()) != manifest.signed_by {
        return Err("the manifest names another key than the one signing it".into());
    }
    let mut bytes = serde_json::to_vec_pretty(manifest).map_err(|e| e.to_string())?;
    bytes.push(b'\n');
    let signature = key.sign(&bytes);
    Ok((bytes, hex(&signature.to_bytes())))
}

/// What is wrong with a release as received, file by file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    /// The manifest is missing or unreadable.
    Manifest(String),
    /// The signature file is missing or not a signature.
    SignatureFile(String),
    /// The signature does not match the manifest (it was changed, or signed by another key).
    Signature,
    /// Signed by a key other than the one expected.
    OtherKey {
        expected: String,
        found: String,
    },
    Missing(String),
    Changed(String),
    /// A file that the manifest does not list.
    Unlisted(String),
}

impl std::fmt::Display for Problem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Problem::Manifest(why) => write!(f, "{MANIFEST}: {why}"),
            Problem::SignatureFile(why) => write!(f, "{SIGNATURE}: {why}"),
            Problem::Signature => {
                write!(f, "{SIGNATURE}: the signature does not match {MANIFEST}: one of them was changed after signing")
            }
            Problem::OtherKey { expected, found } => {
                write!(f, "{MANIFEST}: signed by key {found}, not by the network's key {expected}")
            }
            Problem::Missing(p) => write!(f, "{p}: listed in the manifest but missing"),
            Problem::Changed(p) => write!(f, "{p}: changed since the release was signed"),
            Problem::Unlisted(p) => write!(f, "{p}: not part of the release"),
        }
    }
}

/// Checks a release's files (by path, as read from its folder): the signature of the manifest
/// (against `expected_key` when given, else the key the manifest names), every listed file's
/// size and SHA-256, and that nothing else is there. Returns the manifest, or every problem.
pub fn verify(files: &BTreeMap<String, Vec<u8>>, expected_key: Option<&str>) -> Result<Manifest, Vec<Problem>> {
    let manifest_bytes = files.get(MANIFEST).ok_or_else(|| vec![Problem::Manifest("missing".into())])?;
    let signature_text = files.get(SIGNATURE).ok_or_else(|| vec![Problem::SignatureFile("missing".into())])?;
    let manifest: Manifest =
        serde_json::from_slice(manifest_bytes).map_err(|e| vec![Problem::Manifest(format!("unreadable: {e}"))])?;
    let key_hex = expected_key.unwrap_or(&manifest.signed_by).trim().to_lowercase();
    if key_hex != manifest.signed_by {
        return Err(vec![Problem::OtherKey { expected: key_hex, found: manifest.signed_by.clone() }]);
    }
    let key = verifying_key(&key_hex).ok_or_else(|| vec![Problem::Manifest("the signing key is not a key".into())])?;
    let signature = std::str::from_utf8(signature_text)
        .ok()
        .and_then(unhex)
        .and_then(|b| <[u8; 64]>::try_from(b).ok())
        .map(|b| Signature::from_bytes(&b))
        .ok_or_else(|| vec![Problem::SignatureFile("not a signature".into())])?;
    if key.verify(manifest_bytes, &signature).is_err() {
        return Err(vec![Problem::Signature]);
    }
    let mut problems = Vec::new();
    for f in &manifest.files {
        match files.get(&f.path) {
            None => problems.push(Problem::Missing(f.path.clone())),
            Some(bytes) if bytes.len() as u64 != f.bytes || sha256_hex(bytes) != f.sha256 => {
                problems.push(Problem::Changed(f.path.clone()))
            }
            Some(_) => {}
        }
    }
    for path in files.keys() {
        if path != MANIFEST && path != SIGNATURE && !manifest.files.iter().any(|f| &f.path == path) {
            problems.push(Problem::Unlisted(path.clone()));
        }
    }
    if problems.is_empty() {
        Ok(manifest)
    } else {
        Err(problems)
    }
}
