//! Releases in the browser: the list everyone signed in sees (viewers land here), each release
//! with its report and downloads, and for the coordinator the forms that make and withdraw
//! them. Every download is audited.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use vjt_domain::{Arg, Lang, Message};
use vjt_service::policy;
use vjt_service::releases::{self, ReleaseError, ReleaseRequest};
use vjt_store::{StoreError, StoredRelease};

use super::{render, render_with, see_other, Layout};
use crate::error::PageError;
use crate::session::{PageLang, SignedIn};
use crate::words::Words;
use crate::AppState;

struct Row {
    id: i64,
    version: i64,
    title: String,
    made: String,
    rounds: String,
    withdrawn: Option<String>,
}

fn row(r: &StoredRelease) -> Row {
    Row {
        id: r.id,
        version: r.version,
        title: r.title.clone(),
        made: r.created_at.chars().take(10).collect(),
        rounds: r.rounds.join(", "),
        withdrawn: r.withdrawn.as_ref().map(|w| w.reason.clone()),
    }
}

#[derive(Template)]
#[template(path = "releases.html")]
struct ListPage {
    layout: Layout,
    csrf: String,
    releases: Vec<Row>,
    /// The coordinator's form: round names.
    publish: Option<Vec<String>>,
    done: Option<String>,
    problem: Option<String>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    done: Option<String>,
}

/// GET /releases
pub async fn list(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let done = match q.done.as_deref() {
        Some(d @ ("withdrawn" | "created")) => Some(format!("releases-done-{d}")),
        _ => None,
    };
    show_list(&state, &session, lang, done.as_deref(), None, StatusCode::OK).await
}

async fn show_list(
    state: &AppState,
    session: &SignedIn,
    lang: Lang,
    done: Option<&str>,
    problem: Option<String>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let (list, rounds) = state.blocking(|s| -> Result<_, StoreError> { Ok((s.releases()?, s.rounds()?)) }).await?;
    let w = Words::new(lang);
    let page = ListPage {
        layout: Layout::new(lang, Some(session), "releases-title", "/releases"),
        csrf: session.csrf.clone(),
        releases: list.iter().map(row).collect(),
        publish: policy::can_publish(&session.caller).then(|| rounds.iter().map(|r| r.name.to_string()).collect()),
        done: done.map(|k| w.t(k)),
        problem,
    };
    render_with(status, &page)
}

struct FileRow {
    name: String,
    sha256: String,
    size: String,
}

#[derive(Template)]
#[template(path = "release.html")]
struct ReleasePage {
    layout: Layout,
    csrf: String,
    release: Row,
    threshold: u64,
    files: Vec<FileRow>,
    report_lang: &'static str,
    public_key: String,
    can_withdraw: bool,
    downloadable: bool,
}

fn size(bytes: u64) -> String {
    match bytes {
        b if b >= 1 << 20 => format!("{:.1} MB", b as f64 / 1048576.0),
        b if b >= 1 << 10 => format!("{:.0} kB", b as f64 / 1024.0),
        b => format!("{b} B"),
    }
}

/// GET /releases/{id}
pub async fn show(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Path(id): Path<i64>,
) -> Result<Response, PageError> {
    let (release, key) = state
        .blocking(move |s| -> Result<_, StoreError> { Ok((s.release(id)?, s.network_key()?.map(|(p, _)| p))) })
        .await?;
    let release = release.ok_or(PageError::NotFound)?;
    let caller = &session.caller;
    let page = ReleasePage {
        layout: Layout::titled(lang, Some(&session), release.title.clone(), "/releases"),
        csrf: session.csrf.clone(),
        threshold: release.threshold,
        files: release
            .files
            .iter()
            .map(|f| FileRow { name: f.path.clone(), sha256: f.sha256.clone(), size: size(f.bytes) })
            .collect(),
        report_lang: if lang == Lang::Sw { "sw" } else { "en" },
        public_key: key.unwrap_or_default(),
        can_withdraw: policy::can_publish(caller) && release.withdrawn.is_none(),
        downloadable: release.withdrawn.is_none() || policy::can_read_withdrawn(caller),
        release: row(&release),
    };
    render(&page)
}

/// GET /releases/{id}/files/{name}: one file as signed; reports open in the browser, the rest
/// download. A withdrawn release's files are for the coordinator only.
pub async fn download(
    State(state): State<AppState>,
    session: SignedIn,
    Path((id, name)): Path<(i64, String)>,
) -> Result<Response, PageError> {
    release_file(&state, &session.0, id, name).await.map_err(|e| match e {
        FileError::NotFound => PageError::NotFound,
        FileError::Store(e) => PageError::from(e),
    })
}

pub(crate) enum FileError {
    NotFound,
    Store(StoreError),
}

/// A release's file for whoever may read it, audited: shared by the page and the API.
pub(crate) async fn release_file(
    state: &AppState,
    session: &crate::session::Session,
    id: i64,
    name: String,
) -> Result<Response, FileError> {
    let caller = session.caller.clone();
    let user = caller.user_id;
    let wanted = name.clone();
    let found = state
        .blocking(move |s| -> Result<_, StoreError> {
            let Some(release) = s.release(id)? else { return Ok(None) };
            if release.withdrawn.is_some() && !policy::can_read_withdrawn(&caller) {
                return Ok(None);
            }
            let file = s.release_file(id, &wanted)?;
            if file.is_some() {
                s.audit(Some(user), "release_download", &format!("{id}/{wanted}"))?;
            }
            Ok(file)
        })
        .await
        .map_err(FileError::Store)?;
    let file = found.ok_or(FileError::NotFound)?;
    let inline = file.media_type == "text/html" || file.media_type == "application/pdf";
    let kind = if file.media_type.starts_with("text/") {
        format!("{}; charset=utf-8", file.media_type)
    } else {
        file.media_type.clone()
    };
    let base = name.rsplit('/').next().unwrap_or("file").to_string();
    let disposition = format!("{}; filename=\"release-{id}-{base}\"", if inline { "inline" } else { "attachment" });
    let mut res = file.content.into_response();
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_str(&kind).unwrap_or(HeaderValue::from_static("application/octet-stream")),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert("x-checksum-sha256", HeaderValue::from_str(&file.sha256).unwrap_or(HeaderValue::from_static("")));
    Ok(res)
}

#[derive(Deserialize)]
pub struct CreateForm {
    #[serde(default)]
    round: Vec<String>,
    #[serde(default)]
    threshold: String,
    #[serde(default)]
    title: String,
}

/// POST /releases (the coordinator)
pub async fn create(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    axum_extra::extract::Form(f): axum_extra::extract::Form<CreateForm>,
) -> Result<Response, PageError> {
    let w = Words::new(lang);
    let threshold = match f.threshold.trim() {
        "" => 5,
        t => match t.parse::<u64>() {
            Ok(k) if (2..=100).contains(&k) => k,
            _ => {
                let m = Message::new("releases-bad-threshold").with("value", Arg::Text(t.to_string()));
                return show_list(&state, &session, lang, None, Some(w.message(&m)), StatusCode::UNPROCESSABLE_ENTITY)
                    .await;
            }
        },
    };
    let request = ReleaseRequest {
        rounds: f.round.iter().map(|r| r.trim().to_string()).filter(|r| !r.is_empty()).collect(),
        threshold: Some(threshold),
        title: Some(f.title.trim().to_string()).filter(|t| !t.is_empty() && t.chars().count() <= 200),
        by: Some(session.caller.user_id),
        ..ReleaseRequest::default()
    };
    match state.blocking(move |s| releases::create(s, &request)).await {
        Ok((release, _)) => Ok(see_other(&format!("/releases/{}", release.id))),
        Err(ReleaseError::Store(e)) => Err(e.into()),
        Err(e) => {
            let problem = w.message(&Message::new("releases-refused").with("reason", Arg::Text(e.to_string())));
            show_list(&state, &session, lang, None, Some(problem), StatusCode::UNPROCESSABLE_ENTITY).await
        }
    }
}

#[derive(Deserialize)]
pub struct WithdrawForm {
    reason: String,
}

/// POST /releases/{id}/withdraw (the coordinator)
pub async fn withdraw(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Path(id): Path<i64>,
    Form(f): Form<WithdrawForm>,
) -> Result<Response, PageError> {
    let reason: String = f.reason.trim().chars().take(500).collect();
    if reason.is_empty() {
        let w = Words::new(lang);
        return show_list(
            &state,
            &session,
            lang,
            None,
            Some(w.t("releases-reason-needed")),
            StatusCode::UNPROCESSABLE_ENTITY,
        )
        .await;
    }
    let by = Some(session.caller.user_id);
    match state.blocking(move |s| releases::withdraw(s, id, by, &reason)).await {
        Ok(_) => Ok(see_other("/releases?done=withdrawn")),
        Err(ReleaseError::NotFound(_)) => Err(PageError::NotFound),
        Err(ReleaseError::Store(e)) => Err(e.into()),
        Err(e) => Err(PageError::BadRequest(Message::new("releases-refused").with("reason", Arg::Text(e.to_string())))),
    }
}
