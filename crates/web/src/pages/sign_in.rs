//! Signing in and out, and the language switch.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum_extra::extract::cookie::{Cookie, SameSite};
use axum_extra::extract::CookieJar;
use serde::Deserialize;
use vjt_domain::Lang;
use vjt_service::accounts::{self, SignInError};

use super::{render_with, see_other, Layout};
use crate::error::PageError;
use crate::session::{PageLang, Session, Source, LANG_COOKIE, SESSION_COOKIE};
use crate::words::Words;
use crate::AppState;
use vjt_domain::Arg;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    layout: Layout,
    error: Option<String>,
    email: String,
    signed_out: bool,
}

fn page(lang: Lang, error: Option<String>, email: &str, signed_out: bool) -> SignInPage {
    let mut layout = Layout::new(lang, None, "signin-title", "/login");
    layout.narrow = true;
    if signed_out {
        // Drafts kept on this device hold unscreened notes: they go with the session.
        layout.script = true;
        layout.clear_draft = Some("all".into());
    }
    SignInPage { layout, error, email: email.to_string(), signed_out }
}

#[derive(Deserialize)]
pub struct SignInQuery {
    #[serde(default)]
    signed_out: Option<String>,
}

/// GET /login
pub async fn form(PageLang(lang): PageLang, Query(q): Query<SignInQuery>) -> Result<Response, PageError> {
    render_with(StatusCode::OK, &page(lang, None, "", q.signed_out.is_some()))
}

#[derive(Deserialize)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// Whether the connection reached vjt over TLS (through a proxy that says so): the session
/// cookie is then marked Secure.
fn behind_tls(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https")
}

/// POST /login: a browser session in an HttpOnly, SameSite=Strict cookie.
pub async fn sign_in(
    State(state): State<AppState>,
    PageLang(lang): PageLang,
    headers: HeaderMap,
    Source(source): Source,
    jar: CookieJar,
    Form(form): Form<Credentials>,
) -> Result<Response, PageError> {
    let email = form.email.clone();
    let result = state
        .signing_in(source.clone(), move |s| -> Result<Result<(String, String), SignInError>, vjt_store::StoreError> {
            match accounts::sign_in(s, &form.email, &form.password, &source) {
                Ok(user) => accounts::open_session(s, &user, "session", 1).map(Ok),
                Err(SignInError::Store(e)) => Err(e),
                Err(e) => Ok(Err(e)),
            }
        })
        .await
        .ok_or_else(|| PageError::Unavailable("too many sign-ins at once".into()))??;
    match result {
        Ok((token, _csrf)) => {
            let cookie = Cookie::build((SESSION_COOKIE, token))
                .path("/")
                .http_only(true)
                .same_site(SameSite::Strict)
                .secure(behind_tls(&headers))
                .max_age(time_days(1))
                .build();
            Ok((jar.add(cookie), see_other("/")).into_response())
        }
        Err(SignInError::Throttled { retry_after_secs }) => {
            let minutes = (retry_after_secs + 59) / 60;
            let said = Words::new(lang).f("signin-locked", &[("minutes", Arg::from(minutes))]);
            let mut res = render_with(StatusCode::TOO_MANY_REQUESTS, &page(lang, Some(said), &email, false))?;
            res.headers_mut().insert(header::RETRY_AFTER, header::HeaderValue::from(retry_after_secs));
            Ok(res)
        }
        Err(_) => {
            let said = Words::new(lang).t("signin-wrong");
            render_with(StatusCode::UNAUTHORIZED, &page(lang, Some(said), &email, false))
        }
    }
}

fn time_days(days: i64) -> cookie::time::Duration {
    cookie::time::Duration::days(days)
}

/// POST /logout: ends the session (the guard has checked the form's token).
pub async fn sign_out(State(state): State<AppState>, session: Option<Session>, jar: CookieJar) -> Response {
    if let Some(s) = session {
        let hash = s.token_hash.clone();
        if let Err(e) = state.blocking(move |st| st.delete_session(&hash)).await {
            return PageError::from(e).into_response();
        }
    }
    let gone = Cookie::build((SESSION_COOKIE, "")).path("/").http_only(true).same_site(SameSite::Strict).build();
    let mut res = (jar.remove(gone), see_other("/login?signed_out=1")).into_response();
    // Route drafts kept on the device may hold unscreened notes: the browser drops them now,
    // and the sign-in page's script does the same where this header is not understood.
    res.headers_mut().insert("clear-site-data", header::HeaderValue::from_static("\"storage\""));
    res
}

/// GET /lang/{en|sw}: remembers the language and goes back to the page it came from, on this
/// site only.
pub async fn choose_language(Path(code): Path<String>, headers: HeaderMap, jar: CookieJar) -> Response {
    let lang = Lang::from_code(&code).unwrap_or_default();
    let back = back_to(&headers).unwrap_or_else(|| "/".to_string());
    let cookie = Cookie::build((LANG_COOKIE, lang.code()))
        .path("/")
        .http_only(true)
        .same_site(SameSite::Strict)
        .max_age(time_days(365))
        .build();
    (jar.add(cookie), see_other(&back)).into_response()
}

/// The path of the referring page when it is a page of this server: a same-origin relative
/// path, never another site (`//evil.example`, `/\evil.example`).
fn back_to(headers: &HeaderMap) -> Option<String> {
    let host = headers.get(header::HOST)?.to_str().ok()?;
    let referer = headers.get(header::REFERER)?.to_str().ok()?;
    let (_, rest) = referer.split_once("://")?;
    let path = rest.strip_prefix(host)?;
    let path = path.split('#').next().unwrap_or("/");
    let safe = path.starts_with('/')
        && !path.starts_with("//")
        && !path.contains('\\')
        && !path.chars().any(|c| c.is_control() || c.is_whitespace());
    safe.then(|| path.to_string())
}

/// GET /: the dashboard for those who see live figures, the releases for viewers, the sign-in
/// page for others.
pub async fn home(session: Option<Session>) -> Response {
    see_other(match session {
        Some(s) if vjt_service::policy::can_see_live_figures(&s.caller) => "/dashboard",
        Some(_) => "/releases",
        None => "/login",
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_language_switch_only_goes_back_to_this_site() {
        let headers = |referer: &str| {
            let mut h = HeaderMap::new();
            h.insert(header::HOST, "vjt.example".parse().unwrap());
            h.insert(header::REFERER, referer.parse().unwrap());
            h
        };
        assert_eq!(back_to(&headers("http://vjt.example/reports?x=1#top")).as_deref(), Some("/reports?x=1"));
        assert_eq!(back_to(&headers("http://evil.example/reports")), None);
        assert_eq!(back_to(&headers("http://vjt.example//evil.example")), None);
        assert_eq!(back_to(&headers("http://vjt.example/\\evil.example")), None);
        assert_eq!(back_to(&headers("http://vjt.example.evil.example/x")), None);
    }
}
