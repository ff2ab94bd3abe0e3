//! The coordinator's import page: upload spreadsheets, read the validation report of a dry run,
//! then confirm. Uploaded files wait on the server under a random name until confirmed or an
//! hour has passed; nothing is written to the database before the confirmation.

use std::path::{Path as FsPath, PathBuf};

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use vjt_domain::Role;
use vjt_gazetteer::{Gazetteer, Resolver};
use vjt_ingest::{FileReport, ImportOptions};
use vjt_render::svg::escape;

use crate::policy::Caller;
use crate::{ApiError, AppState};

/// Uploads larger than this are refused (a spreadsheet of a few hundred thousand rows fits).
pub const MAX_UPLOAD: usize = 64 << 20;

/// Pending uploads are dropped after this long.
const KEEP_FOR: std::time::Duration = std::time::Duration::from_secs(3600);

/// One part of a `multipart/form-data` body.
pub(crate) struct Part {
    pub name: String,
    pub filename: Option<String>,
    pub data: Vec<u8>,
}

fn find(haystack: &[u8], needle: &[u8], from: usize) -> Option<usize> {
    if needle.is_empty() || haystack.len() < needle.len() {
        return None;
    }
    (from..=haystack.len() - needle.len()).find(|&i| &haystack[i..i + needle.len()] == needle)
}

/// The boundary of a multipart content type, if it is one.
pub(crate) fn boundary(headers: &HeaderMap) -> Option<String> {
    let ct = headers.get(header::CONTENT_TYPE)?.to_str().ok()?;
    if !ct.to_ascii_lowercase().starts_with("multipart/form-data") {
        return None;
    }
    ct.split(';').find_map(|p| p.trim().strip_prefix("boundary=")).map(|b| b.trim_matches('"').to_string())
}

/// Splits a multipart body into its parts; malformed parts are left out.
pub(crate) fn parts(body: &[u8], boundary: &str) -> Vec<Part> {
    let delimiter = format!("--{boundary}").into_bytes();
    let mut out = Vec::new();
    let Some(mut at) = find(body, &delimiter, 0) else { return out };
    loop {
        let start = at + delimiter.len();
        if body[start..].starts_with(b"--") {
            break;
        }
        let Some(next) = find(body, &delimiter, start) else { break };
        let part = &body[start..next];
        let part = part.strip_prefix(b"\r\n").unwrap_or(part);
        let part = part.strip_suffix(b"\r\n").unwrap_or(part);
        if let Some(split) = find(part, b"\r\n\r\n", 0) {
            let head = String::from_utf8_lossy(&part[..split]);
            let attr = |key: &str| {
                let marker = format!("{key}=\"");
                head.find(&marker).and_then(|i| {
                    let rest = &head[i + marker.len()..];
                    rest.find('"').map(|j| rest[..j].to_string())
                })
            };
            // `name="` also appears inside `filename="`: look for the name on its own.
            let name = head
                .split(';')
                .find_map(|p| p.trim().strip_prefix("name=\"").map(|v| v.trim_end_matches('"').to_string()));
            if let Some(name) = name {
                out.push(Part { name, filename: attr("filename"), data: part[split + 4..].to_vec() });
            }
        }
        at = next;
    }
    out
}

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
        .map(|c| if c.is_ascii_alphanumeric() || c == '.' || c == '-' || c == '_' { c } else { '_' })
        .collect();
    let cleaned = cleaned.trim_start_matches('.').to_string();
    if cleaned.is_empty() {
        "upload.csv".into()
    } else {
        cleaned
    }
}

const STYLE: &str = "body{font-family:Helvetica,Arial,sans-serif;max-width:960px;margin:0 auto;padding:16px;color:#212529}\
label{display:block;margin-top:12px;font-weight:bold}select,input{font-size:15px;padding:6px}nav a{margin-right:14px}\
button{margin:14px 8px 0 0;padding:9px 16px;font-size:15px;background:#2a788e;color:#fff;border:0;border-radius:4px}\
table{border-collapse:collapse;width:100%;font-size:14px}td,th{border-bottom:1px solid #ddd;padding:5px;text-align:left}\
.error{color:#b00020}.ok{color:#1b5e20}.hint{color:#555;font-size:13px}";

fn page(caller: &Caller, body: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title} — vjt</title><style>{STYLE}</style></head><body><nav>{}</nav><h1>{title}</h1>{body}</body></html>",
        crate::forms::nav_links(caller),
        code = if caller.lang == vjt_domain::Lang::Sw { "sw" } else { "en" },
        title = crate::forms::tr(caller.lang, "Import / Ingiza"),
    )
}

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

fn options(names: &[String], chosen: &str) -> String {
    names
        .iter()
        .map(|n| format!("<option{}>{}</option>", if n == chosen { " selected" } else { "" }, escape(n)))
        .collect()
}

/// GET /import: the upload form.
pub async fn form(State(state): State<AppState>, caller: Option<Caller>) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    if caller.role != Role::Coordinator {
        return not_found();
    }
    let names = state
        .with_store(|s| -> Result<_, vjt_store::StoreError> {
            let orgs: Vec<String> = s.organisations()?.iter().map(|o| o.name.to_string()).collect();
            let rounds: Vec<String> = s.rounds()?.iter().rev().map(|r| r.name.to_string()).collect();
            Ok((orgs, rounds))
        })
        .await;
    let (orgs, rounds) = match names {
        Ok(x) => x,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let t = |both: &str| escape(crate::forms::tr(caller.lang, both));
    let body = format!(
        "<p>{intro}</p>\
         <form method=\"post\" action=\"/import\" enctype=\"multipart/form-data\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <label for=\"files\">{l_files}</label><input type=\"file\" id=\"files\" name=\"files\" multiple required accept=\".csv,.xlsx,.xlsm,.xls,.ods\">\
         <label for=\"organisation\">{l_org}</label><select id=\"organisation\" name=\"organisation\"><option value=\"\">{from_file}</option>{orgs}</select>\
         <label for=\"round\">{l_round}</label><select id=\"round\" name=\"round\"><option value=\"\">{from_file}</option>{rounds}</select>\
         <br><button type=\"submit\">{l_check}</button></form>",
        intro = t("CSV or Excel files in the import template's layout, KoBoToolbox or ODK exports (with their repeat \
                   sheets or files), CTDC or UNODC tables. First you see what would be imported and every problem, cell by \
                   cell; nothing is written until you confirm. / Mafaili ya CSV au Excel katika mpangilio wa kiolezo, \
                   mauzo ya KoBoToolbox au ODK, au majedwali ya CTDC au UNODC. Kwanza unaona kitakachoingizwa na kila \
                   tatizo, seli kwa seli; hakuna kinachohifadhiwa hadi uthibitishe."),
        csrf = escape(&caller.csrf),
        l_files = t("Files / Mafaili"),
        l_org = t("Organisation, for rows without one / Shirika, kwa safu zisizo na shirika"),
        l_round = t("Round, for rows without one / Awamu, kwa safu zisizo na awamu"),
        from_file = t("— from the file — / — kutoka kwenye faili —"),
        l_check = t("Check the files / Kagua mafaili"),
        orgs = options(&orgs, ""),
        rounds = options(&rounds, ""),
    );
    Html(page(&caller, &body)).into_response()
}

/// What the form asked for, kept beside the files until the confirmation.
#[derive(serde::Serialize, serde::Deserialize, Default)]
struct Choices {
    organisation: Option<String>,
    round: Option<String>,
}

fn run_import(
    s: &vjt_store::Store,
    dir: &FsPath,
    choices: &Choices,
    dry_run: bool,
) -> Result<Vec<FileReport>, ApiError> {
    let bad = |m: String| ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "bad_import", m);
    let org = match &choices.organisation {
        Some(n) => Some(s.organisation_named(n)?.ok_or_else(|| bad(format!("no organisation is named '{n}'")))?.id),
        None => None,
    };
    let round = match &choices.round {
        Some(n) => Some(s.round_named(n)?.ok_or_else(|| bad(format!("no round is named '{n}'")))?.id),
        None => None,
    };
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(ApiError::internal)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            !name.ends_with(".rejects.csv") && name != "choices.json"
        })
        .collect();
    files.sort();
    let inputs = vjt_ingest::open_inputs(&files).map_err(|e| bad(e.to_string()))?;
    let mut resolver = Resolver::new(Gazetteer::embedded());
    for alias in s.place_aliases()? {
        resolver.add_alias(&alias.text, &alias.place.0);
    }
    let options = ImportOptions { org, round, dry_run, ..ImportOptions::default() };
    let mut reports = Vec::new();
    for (table, repeats) in inputs {
        let report = vjt_ingest::import_file(s, &resolver, table, repeats, &options, &mut |_, _| {})
            .map_err(|e| bad(e.to_string()))?;
        reports.push(report);
    }
    Ok(reports)
}

fn report_html(id: &str, reports: &[FileReport], dry_run: bool, caller_lang: vjt_domain::Lang) -> String {
    let mut h = String::new();
    for r in reports {
        let file = FsPath::new(&r.file).file_name().and_then(|n| n.to_str()).unwrap_or(&r.file).to_string();
        let would = if dry_run { "would be " } else { "" };
        h.push_str(&format!(
            "<h2>{}</h2><p>{} rows read: <strong>{} {would}added</strong>, {} {would}updated, {} unchanged, \
             <strong class=\"{}\">{} rejected</strong>, {} skipped{}.</p>",
            escape(&file),
            r.rows_read,
            r.imported,
            r.updated,
            r.unchanged,
            if r.rejected > 0 { "error" } else { "ok" },
            r.rejected,
            r.skipped,
            if r.redacted_rows > 0 {
                format!(", {} with personal data removed", r.redacted_rows)
            } else {
                String::new()
            }
        ));
        for o in &r.observations {
            h.push_str(&format!("<p class=\"hint\">{}</p>", escape(&o.text(caller_lang))));
        }
        if !r.problems.is_empty() {
            h.push_str(
                "<table><thead><tr><th>Row</th><th>Column</th><th>Value</th><th>Problem</th></tr></thead><tbody>",
            );
            for p in &r.problems {
                h.push_str(&format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                    p.row,
                    escape(&p.column),
                    escape(&p.value),
                    escape(&p.reason(caller_lang))
                ));
            }
            h.push_str("</tbody></table>");
            if r.rejected as usize > r.problems.len() {
                h.push_str(if dry_run {
                    "<p class=\"hint\">The first problems are shown; importing writes a file with every rejected row.</p>"
                } else {
                    "<p class=\"hint\">The first problems are shown; the rejects file has them all.</p>"
                });
            }
        }
        if let Some(rejects) =
            r.rejects_file.as_deref().and_then(|p| FsPath::new(p).file_name()).and_then(|n| n.to_str())
        {
            h.push_str(&format!(
                "<p><a href=\"/import/{id}/{}\">Download the rejected rows</a> (fix them and import that file again).</p>",
                escape(rejects)
            ));
        }
        if !r.unresolved_places.is_empty() {
            let names: Vec<String> =
                r.unresolved_places.iter().take(30).map(|(t, n)| format!("{} ({n})", escape(t))).collect();
            h.push_str(&format!(
                "<p>Place names not recognised (imported as written, to decide in the review queue): {}</p>",
                names.join(", ")
            ));
        }
        if !r.ignored_columns.is_empty() {
            h.push_str(&format!("<p class=\"hint\">Columns not used: {}</p>", escape(&r.ignored_columns.join(", "))));
        }
    }
    h
}

/// POST /import: keeps the uploaded files and shows what importing them would do.
pub async fn check(State(state): State<AppState>, caller: Option<Caller>, headers: HeaderMap, body: Bytes) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    if caller.role != Role::Coordinator {
        return not_found();
    }
    let Some(boundary) = boundary(&headers) else {
        return ApiError::new(StatusCode::BAD_REQUEST, "bad_upload", "send the files from the import form")
            .into_response();
    };
    clean_old_uploads();
    let id = crate::auth::new_token()[..32].to_string();
    let Some(dir) = pending_dir(&id) else { return ApiError::internal("a pending id").into_response() };
    if let Err(e) = std::fs::create_dir_all(&dir) {
        return ApiError::internal(e).into_response();
    }
    let mut choices = Choices::default();
    let mut files = 0;
    for part in parts(&body, &boundary) {
        let text = || String::from_utf8_lossy(&part.data).trim().to_string();
        match (part.name.as_str(), &part.filename) {
            ("files", Some(name)) if !part.data.is_empty() => {
                if let Err(e) = std::fs::write(dir.join(safe_name(name)), &part.data) {
                    return ApiError::internal(e).into_response();
                }
                files += 1;
            }
            ("organisation", None) if !text().is_empty() => choices.organisation = Some(text()),
            ("round", None) if !text().is_empty() => choices.round = Some(text()),
            _ => {}
        }
    }
    if files == 0 {
        let _ = std::fs::remove_dir_all(&dir);
        let body = "<p class=\"error\" role=\"alert\">No file was chosen. <a href=\"/import\">Choose one</a>.</p>";
        return (StatusCode::UNPROCESSABLE_ENTITY, Html(page(&caller, body))).into_response();
    }
    let saved = serde_json::to_vec(&choices)
        .map_err(ApiError::internal)
        .and_then(|json| std::fs::write(dir.join("choices.json"), json).map_err(ApiError::internal));
    if let Err(e) = saved {
        return e.into_response();
    }
    let d = dir.clone();
    let checked = state.with_store(move |s| run_import(s, &d, &choices, true)).await;
    match checked {
        Ok(reports) => {
            let good: u64 = reports.iter().map(|r| r.imported + r.updated).sum();
            let body = format!(
                "<p class=\"hint\">Checked; nothing has been written yet.</p>{}\
                 <form method=\"post\" action=\"/import/{id}\"><input type=\"hidden\" name=\"csrf\" value=\"{}\">\
                 <button type=\"submit\"{}>Import {good} row(s) / Ingiza</button> <a href=\"/import\">Start again</a></form>",
                report_html(&id, &reports, true, caller.lang),
                escape(&caller.csrf),
                if good == 0 { " disabled" } else { "" }
            );
            Html(page(&caller, &body)).into_response()
        }
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let _ = std::fs::remove_dir_all(&dir);
            let body = format!(
                "<p class=\"error\" role=\"alert\">{}</p><p><a href=\"/import\">Try another file</a></p>",
                escape(&e.message)
            );
            (StatusCode::UNPROCESSABLE_ENTITY, Html(page(&caller, &body))).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// POST /import/{id}: imports the files checked before.
pub async fn confirm(State(state): State<AppState>, caller: Option<Caller>, Path(id): Path<String>) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    if caller.role != Role::Coordinator {
        return not_found();
    }
    let Some(dir) = pending_dir(&id).filter(|d| d.join("choices.json").exists()) else {
        let body = "<p class=\"error\" role=\"alert\">These files are no longer waiting (they are kept for an hour). \
                    <a href=\"/import\">Upload them again</a>.</p>";
        return (StatusCode::NOT_FOUND, Html(page(&caller, body))).into_response();
    };
    let choices: Choices =
        std::fs::read(dir.join("choices.json")).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default();
    let (d, user) = (dir.clone(), caller.user_id);
    let done = state
        .with_store(move |s| -> Result<Vec<FileReport>, ApiError> {
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
            let name = e.file_name().to_string_lossy().to_string();
            if !name.ends_with(".rejects.csv") {
                let _ = std::fs::remove_file(e.path());
            }
        }
    }
    match done {
        Ok(reports) => {
            let body = format!(
                "<p class=\"ok\" role=\"status\">Imported / Imeingizwa.</p>{}<p><a href=\"/review\">Go to the review queue</a> · <a href=\"/import\">Import more</a></p>",
                report_html(&id, &reports, false, caller.lang)
            );
            Html(page(&caller, &body)).into_response()
        }
        Err(e) => e.into_response(),
    }
}

/// GET /import/{id}/{file}: a rejects file from a check or an import.
pub async fn rejects(caller: Option<Caller>, Path((id, file)): Path<(String, String)>) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    if caller.role != Role::Coordinator || !file.ends_with(".rejects.csv") || safe_name(&file) != file {
        return not_found();
    }
    let Some(path) = pending_dir(&id).map(|d| d.join(&file)) else { return not_found() };
    match std::fs::read(&path) {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
                (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}\"")),
            ],
            bytes,
        )
            .into_response(),
        Err(_) => not_found(),
    }
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

    #[test]
    fn multipart_parts_are_read_with_their_names_and_files() {
        let body = b"--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntok\r\n\
--B\r\nContent-Disposition: form-data; name=\"files\"; filename=\"a name=x.csv\"\r\n\r\nx,y\r\n1,2\r\n--B--\r\n";
        let p = parts(body, "B");
        assert_eq!(p.len(), 2);
        assert_eq!((p[0].name.as_str(), p[0].filename.as_deref(), p[0].data.as_slice()), ("csrf", None, &b"tok"[..]));
        assert_eq!(p[1].name, "files");
        assert_eq!(p[1].filename.as_deref(), Some("a name=x.csv"));
        assert_eq!(p[1].data, b"x,y\r\n1,2");
        assert!(parts(b"garbage", "B").is_empty());
    }
}
