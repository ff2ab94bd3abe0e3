//! `vjt release`: make, list, export, withdraw and verify the network's signed releases.

use std::path::PathBuf;

use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;
use vjt_service::releases::{self, ReleaseRequest};
use vjt_store::Store;

use crate::output::{json, say, table};

#[derive(Subcommand)]
pub enum ReleaseCommand {
    /// Make a release of the current data: disclosure-controlled tables, GeoJSON, DHIS2 files and
    /// the report, listed in a manifest signed with the network's key, stored unchangeably.
    Create {
        /// A round to cover (repeat for several; every round when not given).
        #[arg(long = "round")]
        rounds: Vec<String>,
        /// Counts from 1 to THRESHOLD−1 are hidden.
        #[arg(long, default_value_t = 5)]
        threshold: u64,
        #[arg(long)]
        title: Option<String>,
        /// Also write the release's files into this folder (new or empty).
        #[arg(long)]
        out: Option<PathBuf>,
        /// A CSV of `ISO code, DHIS2 organisation unit id` for all 47 counties, for a deployment
        /// whose DHIS2 does not know counties by their ISO codes.
        #[arg(long = "dhis2-orgunits")]
        dhis2_orgunits: Option<PathBuf>,
        /// Make it although a public release covers other, overlapping rounds.
        #[arg(long)]
        allow_overlap: bool,
    },
    /// The releases made so far, newest first.
    List {
        #[arg(long)]
        json: bool,
    },
    /// Write a stored release's files into a folder (new or empty).
    Export {
        id: i64,
        #[arg(long)]
        out: PathBuf,
    },
    /// Mark a release withdrawn. It is kept, with its files, and the reason recorded.
    Withdraw {
        id: i64,
        #[arg(long)]
        reason: String,
    },
    /// Check a release folder: every file against the manifest, and the manifest's signature.
    Verify {
        dir: PathBuf,
        /// The network's public key (hex, from `vjt release key`); by default the key the
        /// manifest names, which proves only that the files were not changed after signing.
        #[arg(long)]
        key: Option<String>,
    },
    /// Print the network's public key (hex and PEM), made the first time it is asked for.
    Key,
}

pub fn release(db: &str, cmd: ReleaseCommand) -> Result<()> {
    match cmd {
        ReleaseCommand::Create { rounds, threshold, title, out, dhis2_orgunits, allow_overlap } => {
            let org_units = match dhis2_orgunits {
                Some(path) => {
                    let text = std::fs::read_to_string(&path).with_context(|| format!("reading {}", path.display()))?;
                    releases::parse_org_units(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?
                }
                None => Default::default(),
            };
            let store = Store::open(db)?;
            let request =
                ReleaseRequest { rounds, threshold: Some(threshold), title, org_units, allow_overlap, by: None };
            let (release, files) = releases::create(&store, &request)?;
            say(format!(
                "release {} (version {} of {}) made: {} files, counts below {} hidden",
                release.id,
                release.version,
                release.rounds.join(", "),
                files.len(),
                release.threshold
            ))?;
            if let Some(dir) = out {
                releases::export(&store, release.id, &dir)?;
                say(format!("written to {}", dir.display()))?;
            }
            Ok(())
        }
        ReleaseCommand::List { json: as_json } => {
            let store = Store::open(db)?;
            let list = store.releases()?;
            if as_json {
                let items: Vec<serde_json::Value> = list
                    .iter()
                    .map(|r| {
                        serde_json::json!({
                            "id": r.id, "version": r.version, "title": r.title, "created_at": r.created_at,
                            "rounds": r.rounds, "threshold": r.threshold, "withdrawn": r.withdrawn.is_some(),
                            "files": r.files.iter().map(|f| serde_json::json!({"name": f.path, "sha256": f.sha256, "bytes": f.bytes})).collect::<Vec<_>>(),
                        })
                    })
                    .collect();
                return json(&serde_json::json!({ "items": items }));
            }
            if list.is_empty() {
                return say("no releases yet (vjt release create)").map_err(Into::into);
            }
            let rows: Vec<Vec<String>> = list
                .iter()
                .map(|r| {
                    vec![
                        r.id.to_string(),
                        r.version.to_string(),
                        r.created_at.chars().take(10).collect(),
                        r.rounds.join(", "),
                        r.threshold.to_string(),
                        r.withdrawn.as_ref().map_or_else(String::new, |w| format!("withdrawn: {}", w.reason)),
                    ]
                })
                .collect();
            table(&["id", "version", "made", "rounds", "threshold", "status"], &rows)?;
            Ok(())
        }
        ReleaseCommand::Export { id, out } => {
            let store = Store::open(db)?;
            let written = releases::export(&store, id, &out)?;
            say(format!("release {id}: {} files written to {}", written.len(), out.display()))?;
            Ok(())
        }
        ReleaseCommand::Withdraw { id, reason } => {
            if reason.trim().is_empty() {
                bail!("say why with --reason");
            }
            let store = Store::open(db)?;
            if !releases::withdraw(&store, id, None, reason.trim())? {
                bail!("release {id} was withdrawn already");
            }
            say(format!("release {id} withdrawn; it is kept, marked withdrawn"))?;
            Ok(())
        }
        ReleaseCommand::Verify { dir, key } => match releases::verify(&dir, key.as_deref())? {
            Ok(m) => {
                say(format!(
                    "{}: release {} version {} is intact: {} files match the manifest, signed by {}",
                    dir.display(),
                    m.release.id,
                    m.release.version,
                    m.files.len(),
                    m.signed_by
                ))?;
                if key.is_none() {
                    say("compare that key with the network's (vjt release key, or the network's website)")?;
                }
                Ok(())
            }
            Err(problems) => {
                let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
                bail!("{}: the release does not check out: {}", dir.display(), list.join("; "))
            }
        },
        ReleaseCommand::Key => {
            let store = Store::open(db)?;
            let (public, _) = releases::network_key(&store)?;
            say(public.clone())?;
            if let Some(pem) = vjt_release::manifest::public_key_pem(&public) {
                say(pem.trim_end().to_string())?;
            }
            Ok(())
        }
    }
}
