//! The coordinator's import page: upload spreadsheets, read the validation report of a dry run,
//! then confirm. Uploads are streamed to disk (never held whole in memory) under a random name
//! and wait there until confirmed or an hour has passed; nothing is written to the database
//! before the confirmation.

use std::path::{Path as FsPath, PathBuf};

use askama::Template;
use axum::extract::{Multipart, Path, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use tokio::io::AsyncWriteExt;
use vjt_domain::{Arg, Lang, Message};
use vjt_ingest::{FileReport, ImportOptions};

use super::{render, render_with, Layout};
use crate::error::PageError;
use crate::session::{PageLang, SignedIn};
use crate::words::Words;
use crate::AppState;

/// Uploads larger than this are refused (a spreadsheet of a few hundred thousand rows fits).
pub const MAX_UPLOAD: usize = 64 << 20;

/// Pending uploads are dropped after this long.
const KEEP_FOR: std::time::Duration = std::time::Duration::from_secs(3600);

/// At most this many files in one upload.
const MAX_FILES: usize = 20;

fn pending_root() -> PathBuf {
    std::env::temp_dir().join(format!("vjt-imports-{}", std::process::id()))
}

/// A pending upload's folder, if the id is one vjt made (never a path from outside).
fn pending_dir(id: &str) -> Option<PathBuf> {
    (id.len() == 32 && id.bytes().all(|b| b.is_ascii_hexdigit())).then(|| pending_root().join(id))
}

fn clean_old_uploads() {
    let Ok(entries) = std::fs::read_dir(pending_root()) else { return };
    for e in entries.flatten() {
        let old = e.metadata().and_then(|m| m.modified()).map(|t| t.elapsed().unwrap_or_default() > KEEP_FOR);
        if old.unwrap_or(false) {
            let _ = std::fs::remove_dir_all(e.path());
        }
    }
}

/// A file name safe to keep: its last component, plain characters only, extension kept.
fn safe_name(given: &str) -> String {
    let last = given.rsplit(['/', '\\']).next().unwrap_or("upload");
    let cleaned: String = last
        .chars()
        .take(120)
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' { c } else { '_' })
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "upload.csv".into()
    } else {
        cleaned
    }
}

#[derive(Template)]
#[template(path = "import.html")]
struct ImportPage {
    layout: Layout,
    csrf: String,
    organisations: Vec<String>,
    rounds: Vec<String>,
    problem: Option<String>,
}

async fn upload_form(
    state: &AppState,
    session: &SignedIn,
    lang: Lang,
    problem: Option<String>,
) -> Result<ImportPage, PageError> {
    let (organisations, rounds) = state
        .blocking(|s| -> Result<_, vjt_store::StoreError> {
            let orgs: Vec<String> = s.organisations()?.iter().map(|o| o.name.to_string()).collect();
            let rounds: Vec<String> = s.rounds()?.iter().rev().map(|r| r.name.to_string()).collect();
            Ok((orgs, rounds))
        })
        .await?;
    Ok(ImportPage {
        layout: Layout::new(lang, Some(session), "import-title", "/import"),
        csrf: session.csrf.clone(),
        organisations,
        rounds,
        problem,
    })
}

/// GET /import: the upload form.
pub async fn form(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
) -> Result<Response, PageError> {
    render(&upload_form(&state, &session, lang, None).await?)
}

/// What the form asked for, kept beside the files until the confirmation.
#[derive(serde::Serialize, serde::Deserialize, Default)]
struct Choices {
    organisation: Option<String>,
    round: Option<String>,
    /// Words flagged as possible names in notes have been checked and are not names.
    #[serde(default)]
    names_checked: bool,
}

fn run_import(
    s: &vjt_store::Store,
    dir: &FsPath,
    choices: &Choices,
    dry_run: bool,
) -> Result<Vec<FileReport>, ImportFailure> {
    let org = match &choices.organisation {
        Some(n) => Some(
            s.organisation_named(n)?
                .ok_or_else(|| {
                    ImportFailure::Refused(
                        Message::new("import-no-such-organisation").with("name", Arg::Text(n.clone())),
                    )
                })?
                .id,
        ),
        None => None,
    };
    let round = match &choices.round {
        Some(n) => Some(
            s.round_named(n)?
                .ok_or_else(|| {
                    ImportFailure::Refused(Message::new("filter-no-such-round").with("name", Arg::Text(n.clone())))
                })?
                .id,
        ),
        None => None,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| ImportFailure::Server(e.to_string()))?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !name.ends_with(".rejects.csv") && name != "choices.json"
        })
        .collect();
    files.sort();
    let inputs = vjt_ingest::open_inputs(&files).map_err(|e| ImportFailure::Refused(e.message()))?;
    let resolver = vjt_service::places::resolver(s)?;
    let options =
        ImportOptions { org, round, dry_run, names_checked: choices.names_checked, ..ImportOptions::default() };
    let mut reports = Vec::new();
    for (table, repeats) in inputs {
        let report =
            vjt_ingest::import_file(s, &resolver, table, repeats, &options, &mut |_, _| {}).map_err(|e| match e {
                vjt_ingest::ImportError::Store(e) => ImportFailure::Store(e),
                other => ImportFailure::Refused(other.message()),
            })?;
        reports.push(report);
    }
    Ok(reports)
}

/// Why an import could not run: the files' fault (said to the coordinator) or the server's.
enum ImportFailure {
    Refused(Message),
    Store(vjt_store::StoreError),
    Server(String),
}

impl From<vjt_store::StoreError> for ImportFailure {
    fn from(e: vjt_store::StoreError) -> Self {
        ImportFailure::Store(e)
    }
}

struct ProblemRow {
    row: u64,
    column: String,
    value: String,
    reason: String,
}

struct FileResult {
    name: String,
    summary: String,
    rejected: bool,
    screened: Option<String>,
    observations: Vec<String>,
    problems: Vec<ProblemRow>,
    more_problems: bool,
    rejects: Option<String>,
    unresolved: String,
    ignored: String,
}

#[derive(Template)]
#[template(path = "import_result.html")]
struct ResultPage {
    layout: Layout,
    csrf: String,
    id: String,
    dry_run: bool,
    files: Vec<FileResult>,
    good: u64,
}

fn file_results(w: &Words, reports: &[FileReport], dry_run: bool) -> Vec<FileResult> {
    reports
        .iter()
        .map(|r| {
            let stored = FsPath::new(&r.file).file_name().and_then(|n| n.to_str()).unwrap_or(&r.file);
            // Stored as "NN-name" so that two files of one name do not collide; shown as "name".
            let name = match stored.split_once('-') {
                Some((n, rest)) if n.len() == 2 && n.bytes().all(|b| b.is_ascii_digit()) => rest.to_string(),
                _ => stored.to_string(),
            };
            let key = if dry_run { "import-summary-check" } else { "import-summary-done" };
            FileResult {
                name,
                summary: w.f(
                    key,
                    &[
                        ("read", Arg::from(r.rows_read)),
                        ("added", Arg::from(r.imported)),
                        ("updated", Arg::from(r.updated)),
                        ("unchanged", Arg::from(r.unchanged)),
                        ("rejected", Arg::from(r.rejected)),
                        ("skipped", Arg::from(r.skipped)),
                    ],
                ),
                rejected: r.rejected > 0,
                screened: (r.redacted_rows > 0).then(|| w.n("import-screened", r.redacted_rows)),
                observations: r.observations.iter().map(|o| w.message(o)).collect(),
                problems: r
                    .problems
                    .iter()
                    .map(|p| ProblemRow {
                        row: p.row,
                        column: p.column.clone(),
                        value: p.value.clone(),
                        reason: p.reason(w.lang),
                    })
                    .collect(),
                more_problems: r.rejected as usize > r.problems.len(),
                rejects: r
                    .rejects_file
                    .as_deref()
                    .and_then(|p| FsPath::new(p).file_name())
                    .and_then(|n| n.to_str())
                    .map(str::to_string),
                unresolved: r
                    .unresolved_places
                    .iter()
                    .take(30)
                    .map(|(t, n)| format!("{t} ({n})"))
                    .collect::<Vec<_>>()
                    .join(", "),
                ignored: r.ignored_columns.join(", "),
            }
        })
        .collect()
}

/// Reads the form, streaming each file to `dir`; returns the choices and how many files came.
async fn receive(mut multipart: Multipart, dir: &FsPath) -> Result<(Choices, usize), Message> {
    let mut choices = Choices::default();
    let mut files = 0;
    let mut total = 0usize;
    while let Some(mut field) = multipart.next_field().await.map_err(|_| Message::new("import-upload-broken"))? {
        let name = field.name().unwrap_or("").to_string();
        match (name.as_str(), field.file_name().map(str::to_string)) {
            ("files", Some(given)) => {
                if files == MAX_FILES {
                    return Err(Message::new("import-too-many-files").with("max", MAX_FILES));
                }
                let path = dir.join(format!("{files:02}-{}", safe_name(&given)));
                let mut out = tokio::fs::File::create(&path).await.map_err(|_| Message::new("import-upload-broken"))?;
                let mut size = 0usize;
                while let Some(chunk) = field.chunk().await.map_err(|_| Message::new("import-upload-broken"))? {
                    size += chunk.len();
                    total += chunk.len();
                    if total > MAX_UPLOAD {
                        return Err(Message::new("import-too-large").with("mib", MAX_UPLOAD >> 20));
                    }
                    out.write_all(&chunk).await.map_err(|_| Message::new("import-upload-broken"))?;
                }
                out.flush().await.map_err(|_| Message::new("import-upload-broken"))?;
                if size == 0 {
                    let _ = tokio::fs::remove_file(&path).await;
                } else {
                    files += 1;
                }
            }
            ("organisation" | "round", None) => {
                let text = field.text().await.map_err(|_| Message::new("import-upload-broken"))?;
                let text: String = text.trim().chars().take(200).collect();
                if !text.is_empty() {
                    if name == "organisation" {
                        choices.organisation = Some(text);
                    } else {
                        choices.round = Some(text);
                    }
                }
            }
            ("names_checked", None) => {
                choices.names_checked = field.text().await.map_err(|_| Message::new("import-upload-broken"))? == "1";
            }
            // Anything else is drained, not kept.
            _ => while field.chunk().await.map_err(|_| Message::new("import-upload-broken"))?.is_some() {},
        }
    }
    Ok((choices, files))
}

/// The upload form again with why the files were refused; the files are dropped.
async fn refuse(
    state: &AppState,
    session: &SignedIn,
    lang: Lang,
    dir: &FsPath,
    message: Message,
) -> Result<Response, PageError> {
    let _ = std::fs::remove_dir_all(dir);
    let problem = Words::new(lang).message(&message);
    let page = upload_form(state, session, lang, Some(problem)).await?;
    render_with(StatusCode::UNPROCESSABLE_ENTITY, &page)
}

/// POST /import: keeps the uploaded files and shows what importing them would do.
pub async fn check(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    multipart: Multipart,
) -> Result<Response, PageError> {
    clean_old_uploads();
    let id = vjt_service::accounts::new_token()[..32].to_string();
    let dir = pending_dir(&id).ok_or_else(|| PageError::internal("a pending upload id"))?;
    std::fs::create_dir_all(&dir).map_err(PageError::internal)?;
    let w = Words::new(lang);
    let (choices, files) = match receive(multipart, &dir).await {
        Ok(x) => x,
        Err(m) => return refuse(&state, &session, lang, &dir, m).await,
    };
    if files == 0 {
        return refuse(&state, &session, lang, &dir, Message::new("import-no-file")).await;
    }
    let json = serde_json::to_vec(&choices).map_err(PageError::internal)?;
    std::fs::write(dir.join("choices.json"), json).map_err(PageError::internal)?;
    let d = dir.clone();
    let checked = state.blocking(move |s| run_import(s, &d, &choices, true)).await;
    let reports = match checked {
        Ok(r) => r,
        Err(ImportFailure::Refused(m)) => return refuse(&state, &session, lang, &dir, m).await,
        Err(ImportFailure::Store(e)) => return Err(e.into()),
        Err(ImportFailure::Server(e)) => return Err(PageError::internal(e)),
    };
    let good = reports.iter().map(|r| r.imported + r.updated).sum();
    let page = ResultPage {
        layout: Layout::new(lang, Some(&session), "import-checked-title", "/import"),
        csrf: session.csrf.clone(),
        id,
        dry_run: true,
        files: file_results(&w, &reports, true),
        good,
    };
    render(&page)
}

/// POST /import/{id}: imports the files checked before.
pub async fn confirm(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Path(id): Path<String>,
) -> Result<Response, PageError> {
    let Some(dir) = pending_dir(&id).filter(|d| d.join("choices.json").exists()) else {
        return Err(PageError::NotFound);
    };
    let choices: Choices =
        std::fs::read(dir.join("choices.json")).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    // Taken before the import runs, so that the same confirmation cannot run twice.
    let _ = std::fs::remove_file(dir.join("choices.json"));
    let (d, user) = (dir.clone(), session.caller.user_id);
    let done = state
        .blocking(move |s| -> Result<Vec<FileReport>, ImportFailure> {
            let reports = run_import(s, &d, &choices, false)?;
            let added: u64 = reports.iter().map(|r| r.imported + r.updated).sum();
            s.audit(Some(user), "import", &format!("{} file(s), {added} report(s) added or updated", reports.len()))?;
            Ok(reports)
        })
        .await;
    state.forget_analyses();
    // The files themselves are dropped now; the rejects stay for download until the hour is up.
    if let Ok(entries) = std::fs::read_dir(&dir) {
        for e in entries.flatten() {
            if !e.file_name().to_string_lossy().ends_with(".rejects.csv") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    let reports = match done {
        Ok(r) => r,
        Err(ImportFailure::Refused(m)) => return Err(PageError::BadRequest(m)),
        Err(ImportFailure::Store(e)) => return Err(e.into()),
        Err(ImportFailure::Server(e)) => return Err(PageError::internal(e)),
    };
    let w = Words::new(lang);
    let page = ResultPage {
        layout: Layout::new(lang, Some(&session), "import-done-title", "/import"),
        csrf: session.csrf.clone(),
        id,
        dry_run: false,
        files: file_results(&w, &reports, false),
        good: 0,
    };
    render(&page)
}

/// GET /import/{id}/{file}: a rejects file from a check or an import.
pub async fn rejects(_session: SignedIn, Path((id, file)): Path<(String, String)>) -> Result<Response, PageError> {
    if !file.ends_with(".rejects.csv") || safe_name(&file) != file {
        return Err(PageError::NotFound);
    }
    let path = pending_dir(&id).map(|d| d.join(&file)).ok_or(PageError::NotFound)?;
    let bytes = std::fs::read(&path).map_err(|_| PageError::NotFound)?;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
        ],
        bytes,
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uploaded_names_cannot_leave_their_folder() {
        assert_eq!(safe_name("../../etc/passwd"), "passwd");
        assert_eq!(safe_name("C:\\Users\\me\\Partner data.xlsx"), "Partner_data.xlsx");
        assert_eq!(safe_name(".hidden.csv"), "hidden.csv");
        assert_eq!(safe_name(""), "upload.csv");
        assert!(pending_dir("../x").is_none() && pending_dir(&"a".repeat(32)).is_some());
    }
}
