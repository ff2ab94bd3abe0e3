//! Server-rendered pages, one module per resource. They work without JavaScript: plain forms
//! whose address carries the session's form token. Every page is an askama template that
//! extends `base.html`; every sentence comes from the catalogue.

pub mod account;
pub mod admin;
pub mod dashboard;
pub mod import;
pub mod releases;
pub mod reports;
pub mod review;
pub mod sign_in;

use askama::Template;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use vjt_domain::{Lang, Message, Vocabulary};
use vjt_service::policy;

use crate::error::PageError;
use crate::session::Session;
use crate::words::Words;

/// A link of the navigation.
pub struct NavLink {
    pub href: &'static str,
    pub label: String,
    pub current: bool,
}

/// Who is signed in, as the header shows it.
pub struct UserBar {
    pub email: String,
    pub role: &'static str,
    pub csrf: String,
}

/// What the layout around every page needs.
pub struct Layout {
    pub w: Words,
    pub title: String,
    pub user: Option<UserBar>,
    pub nav: Vec<NavLink>,
    /// The other language's code and name, for the switch.
    pub other_lang: (&'static str, &'static str),
    /// Whether the route form's script is loaded.
    pub script: bool,
    /// A draft kept on the device that the script should forget (after a save, or "all").
    pub clear_draft: Option<String>,
    /// A narrow column (the sign-in page).
    pub narrow: bool,
}

impl Layout {
    /// The layout for a page with a catalogue title, for whoever is reading.
    pub fn new(lang: Lang, session: Option<&Session>, title_key: &str, current: &str) -> Layout {
        let w = Words::new(lang);
        Layout::titled(lang, session, w.t(title_key), current)
    }

    pub fn titled(lang: Lang, session: Option<&Session>, title: String, current: &str) -> Layout {
        let w = Words::new(lang);
        let nav = session.map(|s| nav(&w, s, current)).unwrap_or_default();
        let user = session.map(|s| UserBar {
            email: s.caller.email.clone(),
            role: s.caller.role.label(lang),
            csrf: s.csrf.clone(),
        });
        let other_lang = match lang {
            Lang::En => ("sw", "Kiswahili"),
            Lang::Sw => ("en", "English"),
        };
        Layout { w, title, user, nav, other_lang, script: false, clear_draft: None, narrow: false }
    }
}

/// The links a signed-in user sees, as far as policy lets them.
fn nav(w: &Words, s: &Session, current: &str) -> Vec<NavLink> {
    let c = &s.caller;
    let mut links = vec![("/dashboard", "nav-dashboard", policy::can_see_live_figures(c))];
    links.push(("/releases", "nav-releases", true));
    links.push(("/reports", "nav-reports", policy::can_list_reports(c)));
    links.push(("/reports/new", "nav-new-route", policy::can_submit(c)));
    links.push(("/review", "nav-review", policy::can_review(c)));
    links.push(("/import", "nav-import", policy::can_import(c)));
    links.push(("/admin", "nav-admin", policy::can_administer(c)));
    links
        .into_iter()
        .filter(|(_, _, allowed)| *allowed)
        .map(|(href, key, _)| NavLink { href, label: w.t(key), current: href == current })
        .collect()
}

/// A rendered template as an HTML answer.
pub fn render(t: &impl Template) -> Result<Response, PageError> {
    Ok(Html(t.render()?).into_response())
}

/// The same, with a status other than 200 (a form sent back with its problems).
pub fn render_with(status: StatusCode, t: &impl Template) -> Result<Response, PageError> {
    Ok((status, Html(t.render()?)).into_response())
}

/// A redirect after a successful form (303: the browser asks with GET).
pub fn see_other(to: &str) -> Response {
    let mut res = Redirect::to(to).into_response();
    *res.status_mut() = StatusCode::SEE_OTHER;
    res
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage {
    layout: Layout,
    explanation: String,
    message: Option<String>,
    request_id: String,
}

/// The page every error shows: in the layout and the reader's language; a server failure
/// shows the request's id (the log has the cause), never the cause.
pub(crate) fn error_page(
    status: StatusCode,
    message: Option<&Message>,
    request_id: &str,
    lang: Lang,
    session: Option<&Session>,
) -> Response {
    let (title, explanation) = match status {
        StatusCode::NOT_FOUND | StatusCode::FORBIDDEN if message.is_none() => {
            ("error-not-found", "error-not-found-text")
        }
        StatusCode::FORBIDDEN => ("error-refused", "error-refused-text"),
        StatusCode::SERVICE_UNAVAILABLE => ("error-busy", "error-busy-text"),
        s if s.is_server_error() => ("error-server", "error-server-text"),
        StatusCode::PAYLOAD_TOO_LARGE => ("error-too-large", "error-too-large-text"),
        _ => ("error-bad-request", "error-bad-request-text"),
    };
    let w = Words::new(lang);
    let page = ErrorPage {
        layout: Layout::new(lang, session, title, ""),
        explanation: w.t(explanation),
        message: message.map(|m| w.message(m)),
        request_id: if status.is_server_error() { request_id.to_string() } else { String::new() },
    };
    let body = page.render().unwrap_or_else(|_| w.t(explanation));
    let mut res = (status, Html(body)).into_response();
    res.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    res
}

/// A value percent-encoded for a query string (everything but RFC 3986's unreserved
/// characters), so that what a person typed can go back into a link.
pub fn encode_query_value(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}
