//! Making, keeping and checking releases: what `vjt release` and the web's release pages share.
//! The figures go through `vjt_release::disclose` before any file is made; the network's signing
//! key is made once and kept in the database.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use vjt_analysis::Options;
use vjt_gazetteer::Gazetteer;
use vjt_release::{manifest, File, ReleaseInfo, Tables};
use vjt_store::{NewRelease, ReleaseFile, Store, StoreError, StoredRelease};

use crate::figures::{analyse, FilterError, Filters};
use crate::policy::Scope;

/// What a coordinator asks for.
#[derive(Debug, Clone, Default)]
pub struct ReleaseRequest {
    /// Round names; empty means every round.
    pub rounds: Vec<String>,
    /// Counts from 1 to threshold−1 are hidden; 5 when not given.
    pub threshold: Option<u64>,
    pub title: Option<String>,
    /// DHIS2 organisation unit identifiers by ISO 3166-2:KE code (every county, or none).
    pub org_units: BTreeMap<String, String>,
    /// Make it even though a release of other, overlapping rounds exists (their difference can
    /// reveal what the hidden figures hide).
    pub allow_overlap: bool,
    /// Who makes it (for the audit log).
    pub by: Option<i64>,
}

#[derive(Debug, thiserror::Error)]
pub enum ReleaseError {
    #[error("there is no round named '{0}'")]
    UnknownRound(String),
    #[error("there are no rounds to release yet")]
    NoRounds,
    #[error("the threshold must be at least 2 (counts below it are hidden); {0} would hide nothing")]
    Threshold(u64),
    #[error(
        "release {other} covers {rounds}, which overlaps these rounds without being the same: comparing the two would \
         reveal what is hidden. Release the same rounds, or pass --allow-overlap if that release is not public"
    )]
    Overlap { other: i64, rounds: String },
    #[error("the DHIS2 organisation units leave out {0}; map every county or none")]
    OrgUnits(String),
    #[error("{0}")]
    Signing(String),
    #[error("{0}")]
    Filter(String),
    #[error("no release has number {0}")]
    NotFound(i64),
    #[error("{path}: {reason}")]
    Files { path: String, reason: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<FilterError> for ReleaseError {
    fn from(e: FilterError) -> Self {
        match e {
            FilterError::Store(e) => ReleaseError::Store(e),
            other => ReleaseError::Filter(other.to_string()),
        }
    }
}

/// The network's signing key (public hex, secret hex), made the first time it is needed.
pub fn network_key(store: &Store) -> Result<(String, String), StoreError> {
    match store.network_key()? {
        Some(pair) => Ok(pair),
        None => {
            let (public, secret) = manifest::new_key();
            store.keep_network_key(&public, &secret)
        }
    }
}

/// Reads a CSV of `ISO code, DHIS2 identifier` rows (a header row is allowed).
pub fn parse_org_units(text: &str) -> Result<BTreeMap<String, String>, String> {
    let mut out = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let cells: Vec<&str> = line.split(',').map(|c| c.trim().trim_matches('"')).collect();
        if cells.iter().all(|c| c.is_empty()) || (n == 0 && !cells[0].starts_with("KE-")) {
            continue;
        }
        match cells.as_slice() {
            [code, uid, ..]
                if code.starts_with("KE-") && uid.len() == 11 && uid.chars().all(|c| c.is_ascii_alphanumeric()) =>
            {
                out.insert(code.to_string(), uid.to_string());
            }
            _ => {
                return Err(format!(
                    "line {}: expected an ISO code (KE-30) and an 11-character DHIS2 identifier",
                    n + 1
                ))
            }
        }
    }
    Ok(out)
}

/// Makes a release of the current data, stores it (immutably) and returns it with its files.
pub fn create(store: &Store, request: &ReleaseRequest) -> Result<(StoredRelease, Vec<ReleaseFile>), ReleaseError> {
    let k = request.threshold.unwrap_or(5);
    if k < 2 {
        return Err(ReleaseError::Threshold(k));
    }
    let all = store.rounds()?;
    let rounds: Vec<vjt_domain::Round> = if request.rounds.is_empty() {
        all
    } else {
        let mut chosen = Vec::new();
        for name in &request.rounds {
            let round = store.round_named(name)?.ok_or_else(|| ReleaseError::UnknownRound(name.clone()))?;
            if !chosen.iter().any(|r: &vjt_domain::Round| r.id == round.id) {
                chosen.push(round);
            }
        }
        chosen
    };
    if rounds.is_empty() {
        return Err(ReleaseError::NoRounds);
    }
    let mut names: Vec<String> = rounds.iter().map(|r| r.name.to_string()).collect();
    names.sort();
    // Two public releases of overlapping but different rounds can be subtracted from each other.
    if !request.allow_overlap {
        for other in store.releases()?.into_iter().filter(|r| r.withdrawn.is_none()) {
            let mut theirs = other.rounds.clone();
            theirs.sort();
            if theirs != names && theirs.iter().any(|n| names.contains(n)) {
                return Err(ReleaseError::Overlap { other: other.id, rounds: theirs.join(", ") });
            }
        }
    }
    if !request.org_units.is_empty() {
        let missing: Vec<String> = vjt_render::geo::counties()
            .iter()
            .filter(|c| !request.org_units.contains_key(&c.iso))
            .map(|c| c.iso.clone())
            .collect();
        if !missing.is_empty() {
            return Err(ReleaseError::OrgUnits(missing.join(", ")));
        }
    }
    let start = rounds.iter().map(|r| r.span.start()).min().expect("rounds are not empty");
    let end = rounds.iter().map(|r| r.span.end()).max().expect("rounds are not empty");
    let filters = Filters { rounds: names.clone(), ..Filters::default() };
    // Every corridor and place is listed: the tables decide what is shown.
    let options = Options { top: Some(usize::MAX), clusters: Some(0), ..Options::default() };
    let analysis = analyse(store, Scope::All, &filters, options)?;
    let tables = Tables::from_analysis(&analysis, Gazetteer::embedded(), k);
    let (public, secret) = network_key(store)?;
    let default_title =
        |lang: vjt_domain::Lang| vjt_domain::Catalogue::new(lang).t("title") + " — " + &names.join(", ");
    let title = request.title.clone().unwrap_or_else(|| default_title(vjt_domain::Lang::En));
    let title_sw = request.title.is_none().then(|| default_title(vjt_domain::Lang::Sw));
    // Numbered just before it is stored; made again if another release took the number meanwhile.
    for _ in 0..3 {
        let (id, version, created_at) = store.next_release(&names)?;
        let info = ReleaseInfo {
            id,
            version,
            title: title.clone(),
            created_at: created_at.clone(),
            rounds: names.clone(),
            threshold: k,
        };
        let build = vjt_release::Build {
            info: info.clone(),
            span: (start, end),
            org_units: &request.org_units,
            title_sw: title_sw.clone(),
        };
        let files = vjt_release::files(&tables, &build);
        let signed = signed_files(&info, files, &public, &secret)?;
        let release = NewRelease {
            id,
            version,
            title: title.clone(),
            created_at,
            rounds: names.clone(),
            threshold: k,
            created_by: request.by,
            files: signed.clone(),
        };
        match store.add_release(&release) {
            Ok(stored) => {
                store.audit(request.by, "release_created", &format!("{id} v{version}"))?;
                return Ok((stored, signed));
            }
            Err(StoreError::Conflict(_)) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(ReleaseError::Store(StoreError::Conflict("other releases kept being made at the same time".into())))
}

/// The files with the manifest and its signature added.
fn signed_files(
    info: &ReleaseInfo,
    files: Vec<File>,
    public: &str,
    secret: &str,
) -> Result<Vec<ReleaseFile>, ReleaseError> {
    let manifest = vjt_release::manifest_of(info, &files, public);
    let (bytes, signature) = manifest::sign(&manifest, secret).map_err(ReleaseError::Signing)?;
    let mut out: Vec<ReleaseFile> = files
        .into_iter()
        .map(|f| ReleaseFile {
            sha256: manifest::sha256_hex(&f.content),
            path: f.path,
            media_type: f.media_type.to_string(),
            content: f.content,
        })
        .collect();
    out.push(ReleaseFile {
        path: manifest::MANIFEST.into(),
        media_type: "application/json".into(),
        sha256: manifest::sha256_hex(&bytes),
        content: bytes,
    });
    let signature = format!("{signature}\n").into_bytes();
    out.push(ReleaseFile {
        path: manifest::SIGNATURE.into(),
        media_type: "text/plain".into(),
        sha256: manifest::sha256_hex(&signature),
        content: signature,
    });
    Ok(out)
}

/// Writes every file of a stored release into `dir` (created if missing; it must be empty).
pub fn export(store: &Store, id: i64, dir: &Path) -> Result<Vec<PathBuf>, ReleaseError> {
    let release = store.release(id)?.ok_or(ReleaseError::NotFound(id))?;
    let fail = |path: &Path, e: std::io::Error| ReleaseError::Files {
        path: path.display().to_string(),
        reason: e.to_string(),
    };
    if dir.exists() && std::fs::read_dir(dir).map_err(|e| fail(dir, e))?.next().is_some() {
        return Err(ReleaseError::Files { path: dir.display().to_string(), reason: "the folder is not empty".into() });
    }
    let mut written = Vec::new();
    for info in &release.files {
        let file = store.release_file(id, &info.path)?.ok_or(ReleaseError::NotFound(id))?;
        // Paths come from vjt itself, but a damaged database must not write outside the folder.
        if file.path.split('/').any(|part| part.is_empty() || part == ".." || part == ".") {
            return Err(ReleaseError::Files { path: file.path, reason: "not a path inside a release".into() });
        }
        let path = dir.join(&file.path);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| fail(parent, e))?;
        }
        std::fs::write(&path, &file.content).map_err(|e| fail(&path, e))?;
        written.push(path);
    }
    Ok(written)
}

/// Reads every file under `dir` (paths relative to it, with `/`).
pub fn read_folder(dir: &Path) -> Result<BTreeMap<String, Vec<u8>>, ReleaseError> {
    fn walk(root: &Path, dir: &Path, out: &mut BTreeMap<String, Vec<u8>>) -> Result<(), ReleaseError> {
        let fail =
            |p: &Path, e: std::io::Error| ReleaseError::Files { path: p.display().to_string(), reason: e.to_string() };
        for entry in std::fs::read_dir(dir).map_err(|e| fail(dir, e))? {
            let path = entry.map_err(|e| fail(dir, e))?.path();
            if path.is_dir() {
                walk(root, &path, out)?;
            } else {
                let relative = path.strip_prefix(root).expect("under the root").to_string_lossy().replace('\\', "/");
                out.insert(relative, std::fs::read(&path).map_err(|e| fail(&path, e))?);
            }
        }
        Ok(())
    }
    let mut out = BTreeMap::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}

/// Checks a release folder against its signed manifest (and the network's key when given).
pub fn verify(
    dir: &Path,
    key: Option<&str>,
) -> Result<Result<vjt_release::Manifest, Vec<vjt_release::Problem>>, ReleaseError> {
    let files = read_folder(dir)?;
    Ok(manifest::verify(&files, key))
}

/// Marks a release withdrawn (kept, never edited) and records who did it.
pub fn withdraw(store: &Store, id: i64, by: Option<i64>, reason: &str) -> Result<bool, ReleaseError> {
    store.release(id)?.ok_or(ReleaseError::NotFound(id))?;
    let done = store.withdraw_release(id, by, reason)?;
    if done {
        store.audit(by, "release_withdrawn", &format!("{id}: {reason}"))?;
    }
    Ok(done)
}
