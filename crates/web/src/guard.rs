//! The one security layer. Before any handler runs, and before any request body is read:
//! who is calling (a browser session or an API token), whether a change comes with the form's
//! token, and whether the route's [`Access`] lets this caller in at all. Cross-site requests
//! are refused around it by tower-http's CSRF layer (Fetch Metadata and Origin). Every answer
//! leaves with the security headers.
//!
//! Routes declare their access where the router is built (`lib.rs`); [`vjt_service::policy`]
//! decides what each access means, and object-level questions ("this report?") inside the
//! handlers ask the same module.

use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use vjt_service::{accounts, policy, Caller};

use crate::error::{ApiError, PageError};
use crate::session::{Session, SESSION_COOKIE};
use crate::AppState;

/// Who may use a route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (sign-in, the stylesheet, the API's description).
    Anyone,
    /// Any signed-in user.
    SignedIn,
    /// Users who see live figures for their scope (not viewers: they see releases).
    Figures,
    /// Making and withdrawing releases.
    Publish,
    /// Users who see single reports (not viewers).
    Reports,
    /// Users who submit reports.
    Submit,
    /// The coordinator's review queue.
    Review,
    /// Importing spreadsheets.
    Import,
    /// The administration page (the network, or an organisation's users).
    Administer,
    /// Organisations and rounds.
    ManageNetwork,
}

impl Access {
    fn allows(self, c: &Caller) -> bool {
        match self {
            Access::Anyone | Access::SignedIn => true,
            Access::Figures => policy::can_see_live_figures(c),
            Access::Publish => policy::can_publish(c),
            Access::Reports => policy::can_list_reports(c),
            Access::Submit => policy::can_submit(c),
            Access::Review => policy::can_review(c),
            Access::Import => policy::can_import(c),
            Access::Administer => policy::can_administer(c),
            Access::ManageNetwork => policy::can_manage_network(c),
        }
    }
}

fn is_api(req: &Request) -> bool {
    req.uri().path().starts_with("/api/")
}

/// The token an API client sends.
fn bearer(req: &Request) -> Option<String> {
    let value = req.headers().get(header::AUTHORIZATION)?.to_str().ok()?;
    value.strip_prefix("Bearer ").map(|t| t.trim().to_string())
}

/// The form's token, from a script's header or the form's address (`?csrf=`): never from the
/// body, so that nothing is read before the caller is known and the token checked.
fn csrf_given(req: &Request) -> Option<String> {
    if let Some(v) = req.headers().get("x-csrf-token").and_then(|v| v.to_str().ok()) {
        return Some(v.to_string());
    }
    let query = req.uri().query()?;
    query.split('&').find_map(|pair| pair.strip_prefix("csrf=")).map(str::to_string)
}

/// The secret a request carries: an API token, or a browser session's cookie.
fn credential(req: &Request) -> Option<(String, bool)> {
    match bearer(req) {
        Some(t) => Some((t, false)),
        None => Some((CookieJar::from_headers(req.headers()).get(SESSION_COOKIE)?.value().to_string(), true)),
    }
}

/// Finds the session behind a credential, if any: a live one of the right kind.
async fn session_of(state: &AppState, credential: Option<(String, bool)>) -> Option<Session> {
    let (token, via_cookie) = credential?;
    if token.is_empty() || token.len() > 128 {
        return None;
    }
    let hash = accounts::token_hash(&token);
    let lookup = hash.clone();
    let found = state.blocking(move |s| s.session(&lookup)).await.ok()??;
    let live = chrono::DateTime::parse_from_rfc3339(&found.expires_at).is_ok_and(|t| t > chrono::Utc::now());
    // A cookie must carry a browser session, a bearer token an API token.
    let right_kind = (found.kind == "session") == via_cookie;
    (live && right_kind).then_some(Session {
        caller: Caller {
            user_id: found.user.id,
            email: found.user.email,
            organisation: found.user.organisation,
            role: found.user.role,
        },
        csrf: found.csrf,
        token_hash: hash,
        via_cookie,
    })
}

/// Runs before every route: identifies the caller and checks a browser's changes for the
/// form's token.
pub(crate) async fn identify(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let session = session_of(&state, credential(&req)).await;
    let unsafe_method = !matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS);
    if unsafe_method {
        if let Some(expected) = session.as_ref().filter(|s| s.via_cookie).map(|s| s.csrf.clone()) {
            if csrf_given(&req).as_deref() != Some(expected.as_str()) {
                let api = is_api(&req);
                let mut refused = if api {
                    ApiError::new(
                        StatusCode::FORBIDDEN,
                        "csrf",
                        "the form has expired or did not come from this site; reload the page",
                    )
                    .into_response()
                } else {
                    crate::error::plain(StatusCode::FORBIDDEN, crate::session::lang_of(req.headers()), "error-csrf")
                };
                if let Some(s) = session {
                    refused.extensions_mut().insert(s);
                }
                return secure(refused);
            }
        }
    }
    if let Some(s) = &session {
        req.extensions_mut().insert(s.clone());
    }
    let mut res = next.run(req).await;
    if let Some(s) = session {
        // The error layer outside shows who is signed in on an error page.
        res.extensions_mut().insert(s);
    }
    secure(res)
}

/// The route-level check of an [`Access`]: signed in when needed, allowed by policy. Refusals
/// are "not found", so that nobody learns which pages exist for others.
pub(crate) async fn gate(State(access): State<Access>, req: Request, next: Next) -> Response {
    if access == Access::Anyone {
        return next.run(req).await;
    }
    let api = is_api(&req);
    match req.extensions().get::<Session>() {
        None if api => ApiError::unauthenticated().into_response(),
        None => Redirect::to("/login").into_response(),
        Some(s) if !access.allows(&s.caller) => {
            if api {
                ApiError::not_found().into_response()
            } else {
                PageError::NotFound.into_response()
            }
        }
        Some(_) => next.run(req).await,
    }
}

fn secure(mut res: Response) -> Response {
    let h = res.headers_mut();
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static(
            "default-src 'none'; script-src 'self'; connect-src 'self'; style-src 'self' 'unsafe-inline'; \
             img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
        ),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    // Not `no-referrer`: under it browsers send `Origin: null` on form posts, which the
    // cross-site check must refuse. `same-origin` still tells other sites nothing.
    h.insert(header::REFERRER_POLICY, HeaderValue::from_static("same-origin"));
    if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    res
}
