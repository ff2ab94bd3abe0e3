//! vjt's web platform: `vjt serve`. Server-rendered pages that work without JavaScript and a JSON
//! API under /api/v1, on the same database as the command line.
//!
//! Security lives in two places only: `guard` (authentication, CSRF and cross-site checks, body
//! size, security headers) runs before every route, and `policy` answers every "may this caller
//! see or do this?".

pub mod admin;
pub mod api;
pub mod auth;
mod error;
pub mod forms;
pub mod openapi;
pub mod pages;
pub mod policy;
pub mod upload;

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::extract::{DefaultBodyLimit, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::{from_fn_with_state, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use vjt_analysis::{assemble, Dataset, OrganisationInfo, ReportSink, RoundInfo, StopSink};
use vjt_gazetteer::Gazetteer;
use vjt_store::{ReportQuery, Store, StoreError};

pub use error::ApiError;
use policy::Caller;

/// Requests larger than this are refused before any handler reads them.
pub const MAX_BODY: usize = 1 << 20;

struct Inner {
    /// A handle to the store's pools; each piece of work borrows a connection only while it runs.
    store: Store,
    /// Analysis documents by scope and filters, dropped whenever a report changes.
    cache: Mutex<HashMap<String, Arc<serde_json::Value>>>,
    /// Rendered dashboards by scope, dropped with the analyses.
    dashboards: Mutex<HashMap<String, Arc<str>>>,
    /// When the database was last asked whether anything changed, and its answer then.
    stamp: Mutex<(Option<std::time::Instant>, String)>,
    /// Moves on every change: a page or document made from older data is not kept.
    generation: std::sync::atomic::AtomicU64,
    /// One computation per cache key at a time: readers arriving while it runs wait for its
    /// result instead of each analysing every report again.
    flights: Mutex<HashMap<String, Arc<tokio::sync::Mutex<()>>>>,
}

#[derive(Clone)]
pub struct AppState(Arc<Inner>);

impl AppState {
    pub fn new(store: Store) -> Self {
        AppState(Arc::new(Inner {
            store,
            cache: Mutex::new(HashMap::new()),
            dashboards: Mutex::new(HashMap::new()),
            stamp: Mutex::new((None, String::new())),
            generation: std::sync::atomic::AtomicU64::new(0),
            flights: Mutex::new(HashMap::new()),
        }))
    }

    /// Runs blocking store work off the async threads.
    pub async fn with_store<T: Send + 'static>(&self, work: impl FnOnce(&Store) -> T + Send + 'static) -> T {
        let store = self.0.store.clone();
        tokio::task::spawn_blocking(move || work(&store)).await.expect("store work does not panic")
    }

    fn cached(&self, key: &str) -> Option<Arc<serde_json::Value>> {
        self.0.cache.lock().unwrap_or_else(|p| p.into_inner()).get(key).cloned()
    }

    /// The data's generation now; pass it back to `remember*` with what was made from it.
    pub(crate) fn generation(&self) -> u64 {
        self.0.generation.load(std::sync::atomic::Ordering::SeqCst)
    }

    /// Waits for any computation of `key` in progress, then holds the key while computing it.
    pub(crate) async fn flight(&self, key: &str) -> tokio::sync::OwnedMutexGuard<()> {
        let lock = {
            let mut flights = self.0.flights.lock().unwrap_or_else(|p| p.into_inner());
            if flights.len() > 1024 {
                flights.retain(|_, l| Arc::strong_count(l) > 1);
            }
            flights.entry(key.to_string()).or_default().clone()
        };
        lock.lock_owned().await
    }

    fn remember(&self, key: String, value: Arc<serde_json::Value>, generation: u64) {
        let mut cache = self.0.cache.lock().unwrap_or_else(|p| p.into_inner());
        // Checked under the cache's lock, which forget_analyses also takes after moving the
        // generation: a result made from data that changed meanwhile is not kept.
        if self.generation() != generation {
            return;
        }
        if cache.len() > 256 {
            cache.clear();
        }
        cache.insert(key, value);
    }

    pub(crate) fn cached_dashboard(&self, key: &str) -> Option<Arc<str>> {
        self.0.dashboards.lock().unwrap_or_else(|p| p.into_inner()).get(key).cloned()
    }

    pub(crate) fn remember_dashboard(&self, key: String, page: Arc<str>, generation: u64) {
        let mut pages = self.0.dashboards.lock().unwrap_or_else(|p| p.into_inner());
        if self.generation() != generation {
            return;
        }
        if pages.len() > 64 {
            pages.clear();
        }
        pages.insert(key, page);
    }

    /// Drops the caches when the database changed behind the server's back (an import from the
    /// command line, a second server); asks at most once a second.
    pub(crate) async fn notice_outside_changes(&self) {
        let due = {
            let stamp = self.0.stamp.lock().unwrap_or_else(|p| p.into_inner());
            stamp.0.is_none_or(|t| t.elapsed() >= std::time::Duration::from_secs(1))
        };
        if !due {
            return;
        }
        let Ok(now) = self.with_store(|s| s.data_stamp()).await else { return };
        let changed = {
            let mut stamp = self.0.stamp.lock().unwrap_or_else(|p| p.into_inner());
            let changed = stamp.0.is_some() && stamp.1 != now;
            *stamp = (Some(std::time::Instant::now()), now);
            changed
        };
        if changed {
            self.forget_analyses();
        }
    }

    /// After any change to reports, analyses and dashboards must be made again.
    pub fn forget_analyses(&self) {
        self.0.generation.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
        self.0.cache.lock().unwrap_or_else(|p| p.into_inner()).clear();
        self.0.dashboards.lock().unwrap_or_else(|p| p.into_inner()).clear();
    }
}

/// Reads reports into the analysis engine (stops and reports over two connections).
pub fn load_dataset<'g>(store: &Store, g: &'g Gazetteer, query: &ReportQuery) -> Result<Dataset<'g>, StoreError> {
    let organisations: Vec<OrganisationInfo> = store
        .organisations()?
        .into_iter()
        .map(|o| OrganisationInfo { id: o.id.0, name: o.name.to_string(), kind: o.kind })
        .collect();
    let rounds: Vec<RoundInfo> = store
        .rounds()?
        .into_iter()
        .map(|r| RoundInfo { id: r.id.0, name: r.name.to_string(), start: r.span.start().to_string() })
        .collect();
    let mut reports = ReportSink::new(&organisations, &rounds);
    let mut stops = StopSink::new(g);
    store.scan_concurrently(query, |r| reports.push(r), |s| stops.push(s))?;
    assemble(g, organisations, rounds, reports, stops).map_err(|e| StoreError::Corrupt(e.to_string()))
}

pub fn app(store: Store) -> Router {
    let state = AppState::new(store);
    Router::new()
        .route("/", get(pages::home))
        .route("/login", get(pages::login_form).post(pages::login))
        .route("/assets/form.js", get(form_script))
        .route("/logout", post(pages::logout))
        .route("/lang/{code}", get(pages::choose_language))
        .route("/dashboard", get(pages::dashboard))
        .route("/dashboard/{file}", get(pages::report_download))
        .route("/dashboard/county/{iso}", get(pages::county))
        .route("/reports/export.csv", get(pages::export_csv))
        .route("/import", get(upload::form).post(upload::check).layer(DefaultBodyLimit::max(upload::MAX_UPLOAD)))
        .route("/import/{id}", post(upload::confirm))
        .route("/admin", get(admin::page))
        .route("/admin/organisations", post(admin::add_organisation))
        .route("/admin/rounds", post(admin::add_round))
        .route("/admin/users", post(admin::add_user))
        .route("/admin/users/state", post(admin::set_user_state))
        .route("/import/{id}/{file}", get(upload::rejects))
        .route("/reports/{id}", get(forms::show_report).post(forms::update_route))
        .route("/reports", get(forms::my_reports))
        .route("/reports/new", get(forms::new_route).post(forms::save_route))
        .route("/review", get(forms::review))
        .route("/review/reports/{id}", post(forms::decide_report))
        .route("/review/places", post(forms::decide_place))
        .route("/review/duplicates", post(forms::decide_duplicates))
        .merge(openapi::routes())
        .layer(from_fn_with_state(state.clone(), guard))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .with_state(state)
}

/// The route form's script: served by vjt itself (no CDN), and only ever an enhancement.
async fn form_script() -> impl axum::response::IntoResponse {
    ([(header::CONTENT_TYPE, "text/javascript; charset=utf-8")], include_str!("../assets/form.js"))
}

/// Serves the platform until Ctrl-C.
pub async fn serve(store: Store, bind: &str) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind).await?;
    axum::serve(listener, app(store))
        .with_graceful_shutdown(async {
            let _ = tokio::signal::ctrl_c().await;
        })
        .await
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(|t| t.trim().to_string())
}

pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers.get_all(header::COOKIE).iter().filter_map(|v| v.to_str().ok()).flat_map(|v| v.split(';')).find_map(|part| {
        let (k, v) = part.trim().split_once('=')?;
        (k == name).then(|| v.to_string())
    })
}

/// A request another site made the browser send: refused for every state-changing method.
fn cross_site(headers: &HeaderMap) -> bool {
    if headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) == Some("cross-site") {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok());
    match (headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()), host) {
        (Some("null"), _) => true,
        (Some(origin), Some(host)) => origin.split("://").nth(1).is_none_or(|o| o.trim_end_matches('/') != host),
        _ => false,
    }
}

/// Decodes one field of an `application/x-www-form-urlencoded` body.
pub(crate) fn form_field(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&').find_map(|pair| {
        let (k, v) = pair.split_once('=')?;
        (k == name).then(|| percent_decode(v))
    })
}

pub(crate) fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match u8::from_str_radix(std::str::from_utf8(&bytes[i + 1..i + 3]).unwrap_or("zz"), 16) {
                    Ok(b) => {
                        out.push(b);
                        i += 2;
                    }
                    Err(_) => out.push(b'%'),
                }
            }
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn refuse(status: StatusCode, code: &'static str, message: &str) -> Response {
    ApiError::new(status, code, message).into_response()
}

/// Runs before every route: who is calling, whether a state-changing request is genuine, and the
/// security headers on every answer.
async fn guard(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let headers = req.headers().clone();
    let found = bearer(&headers).map(|t| (t, false)).or_else(|| cookie(&headers, "vjt_session").map(|t| (t, true)));
    if let Some((token, is_cookie)) = found {
        let hash = auth::token_hash(&token);
        let lookup = hash.clone();
        let session = state.with_store(move |s| s.session(&lookup)).await;
        if let Ok(Some(s)) = session {
            let live = chrono::DateTime::parse_from_rfc3339(&s.expires_at).is_ok_and(|t| t > chrono::Utc::now());
            // A cookie must carry a browser session, a bearer token an API token.
            let right_kind = (s.kind == "session") == is_cookie;
            if live && right_kind {
                req.extensions_mut().insert(Caller {
                    user_id: s.user.id,
                    email: s.user.email,
                    organisation: s.user.organisation,
                    role: s.user.role,
                    csrf: s.csrf,
                    token_hash: hash,
                    cookie: is_cookie,
                    lang: if cookie(&headers, "vjt_lang").as_deref() == Some("sw") {
                        vjt_domain::Lang::Sw
                    } else {
                        vjt_domain::Lang::En
                    },
                });
            }
        }
    }
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method {
        if cross_site(&headers) {
            return secure(refuse(StatusCode::FORBIDDEN, "cross_site", "a request from another site was refused"));
        }
        let csrf = req.extensions().get::<Caller>().filter(|c| c.cookie).map(|c| c.csrf.clone());
        if let Some(expected) = csrf {
            // Browser sessions prove the request came from vjt's own page: a header for scripts,
            // a hidden form field for plain forms.
            let given = headers.get("x-csrf-token").and_then(|v| v.to_str().ok()).map(str::to_string);
            // Only the import form may send large bodies.
            let limit = if req.uri().path() == "/import" { upload::MAX_UPLOAD } else { MAX_BODY };
            let (parts, body) = req.into_parts();
            let bytes = match axum::body::to_bytes(body, limit).await {
                Ok(b) => b,
                Err(_) => {
                    return secure(refuse(StatusCode::PAYLOAD_TOO_LARGE, "too_large", "the request is too large"))
                }
            };
            let given = given.or_else(|| match upload::boundary(&headers) {
                Some(b) => upload::parts(&bytes, &b)
                    .into_iter()
                    .find(|p| p.name == "csrf" && p.filename.is_none())
                    .map(|p| String::from_utf8_lossy(&p.data).into_owned()),
                None => form_field(&bytes, "csrf"),
            });
            if given.as_deref() != Some(expected.as_str()) {
                return secure(refuse(
                    StatusCode::FORBIDDEN,
                    "csrf",
                    "the form has expired or did not come from this site; reload the page",
                ));
            }
            req = Request::from_parts(parts, Body::from(bytes));
        }
    }
    secure(next.run(req).await)
}

fn secure(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Not `no-referrer`: under it browsers send `Origin: null` on form posts, which the
    // cross-site check must refuse. `same-origin` still tells other sites nothing.
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_and_origins_are_read_carefully() {
        assert_eq!(form_field(b"email=a%40b.org&csrf=x+y%2F1", "csrf").as_deref(), Some("x y/1"));
        assert_eq!(form_field(b"email=a", "csrf"), None);
        let mut h = HeaderMap::new();
        h.insert(header::HOST, HeaderValue::from_static("vjt.example:8080"));
        h.insert(header::ORIGIN, HeaderValue::from_static("http://vjt.example:8080"));
        assert!(!cross_site(&h));
        h.insert(header::ORIGIN, HeaderValue::from_static("https://evil.example"));
        assert!(cross_site(&h));
    }
}
