//! Server-rendered pages. They work without JavaScript: plain forms, a hidden CSRF field.

use axum::extract::{Form, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use serde::Deserialize;
use vjt_domain::{Lang, Vocabulary};
use vjt_render::svg::escape;

use crate::auth::{open_session, sign_in, SignInError};
use crate::policy::{scope, Caller, Scope};
use crate::AppState;

const PAGE_STYLE: &str =
    "body{font-family:Helvetica,Arial,sans-serif;max-width:420px;margin:60px auto;padding:0 16px;color:#212529}\
label{display:block;margin-top:14px;font-weight:bold}input{width:100%;padding:8px;font-size:16px;box-sizing:border-box}\
button{margin-top:18px;padding:10px 18px;font-size:16px;background:#2a788e;color:#fff;border:0;border-radius:4px}\
.error{color:#b00020;margin-top:12px}";

fn login_page(message: Option<&str>) -> String {
    let error = message.map(|m| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(m))).unwrap_or_default();
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>vjt — sign in</title><style>{PAGE_STYLE}</style></head><body><h1>vjt</h1><p>Victim Journey Tracker</p>{error}<form method=\"post\" action=\"/login\"><label for=\"email\">E-mail</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required><label for=\"password\">Password / Nenosiri</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required><button type=\"submit\">Sign in / Ingia</button></form></body></html>"
    )
}

pub async fn home(caller: Option<Caller>) -> Redirect {
    Redirect::to(if caller.is_some() { "/dashboard" } else { "/login" })
}

pub async fn login_form() -> Html<String> {
    Html(login_page(None))
}

#[derive(Deserialize)]
pub struct LoginForm {
    pub email: String,
    pub password: String,
}

/// POST /login: a browser session in an HttpOnly, SameSite cookie (Secure behind TLS).
pub async fn login(State(state): State<AppState>, headers: HeaderMap, Form(form): Form<LoginForm>) -> Response {
    let result = state
        .with_store(move |s| match sign_in(s, &form.email, &form.password) {
            Ok(user) => open_session(s, &user, "session", 1).map(Ok).map_err(|e| e.to_string()),
            Err(e) => Ok(Err(e)),
        })
        .await;
    match result {
        Ok(Ok((token, _csrf))) => {
            let tls = headers.get("x-forwarded-proto").and_then(|v| v.to_str().ok()) == Some("https");
            let cookie = format!(
                "vjt_session={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age=86400{}",
                if tls { "; Secure" } else { "" }
            );
            let mut res = Redirect::to("/dashboard").into_response();
            *res.status_mut() = StatusCode::SEE_OTHER;
            res.headers_mut().insert(header::SET_COOKIE, cookie.parse().expect("a valid header"));
            res
        }
        Ok(Err(SignInError::Locked)) => (
            StatusCode::TOO_MANY_REQUESTS,
            Html(login_page(Some("Too many failed attempts: try again in 15 minutes."))),
        )
            .into_response(),
        Ok(Err(_)) => {
            (StatusCode::UNAUTHORIZED, Html(login_page(Some("The e-mail or password is wrong.")))).into_response()
        }
        Err(e) => (StatusCode::INTERNAL_SERVER_ERROR, Html(login_page(Some(&format!("The server failed: {e}")))))
            .into_response(),
    }
}

/// POST /logout (the guard has checked its CSRF field).
pub async fn logout(State(state): State<AppState>, caller: Option<Caller>) -> Response {
    if let Some(c) = caller {
        let hash = c.token_hash.clone();
        let _ = state.with_store(move |s| s.delete_session(&hash)).await;
    }
    let mut res = Redirect::to("/login").into_response();
    *res.status_mut() = StatusCode::SEE_OTHER;
    res.headers_mut().insert(
        header::SET_COOKIE,
        "vjt_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0".parse().expect("valid"),
    );
    res
}

/// GET /dashboard: the report's maps, charts and tables for what the caller may see; viewers get
/// aggregates with small numbers hidden.
pub async fn dashboard(State(state): State<AppState>, caller: Option<Caller>) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    let view = scope(&caller);
    // Viewers see small numbers hidden; everyone else sees their own scope in full.
    let threshold = if view == Scope::Aggregates { 5 } else { 1 };
    // One page per scope, made again only after a report changes: analysing every report on
    // every request would not keep up with a network's worth of readers.
    let key = format!("{view:?}");
    state.notice_outside_changes().await;
    let page = match state.cached_dashboard(&key) {
        Some(page) => page,
        None => match state.with_store(move |s| render_dashboard(s, view, threshold)).await {
            Ok(html) => {
                let page: std::sync::Arc<str> = html.into();
                state.remember_dashboard(key, page.clone());
                page
            }
            Err(e) => return e.into_response(),
        },
    };
    let bar = format!(
        "<div style=\"display:flex;justify-content:space-between;align-items:center;border-bottom:1px solid #ddd;padding-bottom:8px\"><nav style=\"display:flex;gap:12px;flex-wrap:wrap\">{}</nav><span>{} ({})</span><form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{}\"><button type=\"submit\">Sign out / Toka</button></form></div>",
        crate::forms::nav_links(&caller),
        escape(&caller.email),
        caller.role.label(Lang::En),
        escape(&caller.csrf)
    );
    Html(page.replacen("<body>", &format!("<body>{bar}"), 1)).into_response()
}

fn render_dashboard(s: &mut vjt_store::Store, view: Scope, threshold: u64) -> Result<String, crate::ApiError> {
    let g = vjt_gazetteer::Gazetteer::embedded();
    let query = match view {
        Scope::Organisation(org) => vjt_store::ReportQuery { organisation: Some(org), round: None },
        _ => vjt_store::ReportQuery::default(),
    };
    let data = crate::load_dataset(s, g, &query)?;
    let a = vjt_analysis::analyze(&data, &vjt_analysis::Filter::default(), &vjt_analysis::Options::default());
    let (stops, unresolved) = s.stop_counts()?;
    let input = vjt_render::ReportInput {
        analysis: &a,
        gazetteer: g,
        lang: Lang::En,
        title: Some("Dashboard".into()),
        rounds: s.rounds()?.iter().map(|r| r.name.to_string()).collect(),
        organisation_kinds: vjt_render::organisation_kinds(&a, Lang::En),
        notes: None,
        date: chrono::Utc::now().format("%Y-%m-%d").to_string(),
        disclosure: vjt_render::Disclosure { threshold },
        resolved_share: if stops == 0 { 100.0 } else { 100.0 * (stops - unresolved) as f64 / stops as f64 },
    };
    // The report's title block fills most of a screen, which suits a printed cover, not a dashboard.
    Ok(vjt_render::html(&input).replacen("</head>", "<style>.title{min-height:auto}</style></head>", 1))
}
