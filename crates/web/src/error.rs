//! How the server answers when something goes wrong.
//!
//! - The API answers every error, its own and the framework's (bad JSON, wrong content type, an
//!   unknown field, a bad path or query, no such route, wrong method), as
//!   `{"error": {"code", "message", "details"}}` with a stable code.
//! - Pages answer with a page in the site's layout and the reader's language.
//! - An internal error is logged with its cause and the request's id; the person sees a plain
//!   sentence and that id, never the cause.
//!
//! Handlers return [`ApiError`] or [`PageError`]; the [`answers`] layer turns them, and every
//! other error response, into the forms above.

use axum::body::Body;
use axum::extract::Request;
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use vjt_domain::{Lang, Message};

/// An API error with a stable code.
#[derive(Debug)]
pub struct ApiError {
    pub status: StatusCode,
    pub code: &'static str,
    pub message: String,
    pub details: serde_json::Value,
    /// What went wrong inside, for the log only.
    cause: Option<String>,
}

/// Attached to a response whose cause must be logged: the layer logs it with the request id.
#[derive(Debug, Clone)]
pub(crate) struct Internal(pub String);

/// Attached to a page's error response: the layer renders the error page around it.
#[derive(Debug, Clone)]
pub(crate) struct PageProblem(pub Option<Message>);

impl ApiError {
    pub fn new(status: StatusCode, code: &'static str, message: impl Into<String>) -> Self {
        ApiError { status, code, message: message.into(), details: serde_json::Value::Null, cause: None }
    }
    pub fn with_details(mut self, details: serde_json::Value) -> Self {
        self.details = details;
        self
    }
    pub fn not_found() -> Self {
        ApiError::new(StatusCode::NOT_FOUND, "not_found", "no such resource")
    }
    pub fn unauthenticated() -> Self {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthenticated",
            "sign in first: POST /api/v1/tokens, then send Authorization: Bearer TOKEN",
        )
    }
    pub fn forbidden(message: &str) -> Self {
        ApiError::new(StatusCode::FORBIDDEN, "forbidden", message)
    }
    /// The server's own failure: logged with its cause, answered without it.
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        ApiError {
            cause: Some(cause.to_string()),
            ..ApiError::new(StatusCode::INTERNAL_SERVER_ERROR, "internal", "the server failed")
        }
    }
    /// The database is busy or out of reach: try again shortly.
    pub fn unavailable(cause: impl std::fmt::Display) -> Self {
        ApiError {
            cause: Some(cause.to_string()),
            ..ApiError::new(
                StatusCode::SERVICE_UNAVAILABLE,
                "busy",
                "the server is busy with other work (a large import?); try again in a moment",
            )
        }
    }
}

impl From<vjt_store::StoreError> for ApiError {
    fn from(e: vjt_store::StoreError) -> Self {
        if e.is_transient() {
            ApiError::unavailable(e)
        } else {
            ApiError::internal(e)
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body =
            serde_json::json!({ "error": { "code": self.code, "message": self.message, "details": self.details } });
        let mut res = (self.status, Json(body)).into_response();
        if let Some(cause) = self.cause {
            res.extensions_mut().insert(Internal(cause));
        }
        if self.status == StatusCode::SERVICE_UNAVAILABLE {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        res
    }
}

/// What a page handler answers with when it cannot show its page.
#[derive(Debug)]
pub enum PageError {
    /// No such page, or not one this reader may see (the two look the same).
    NotFound,
    /// A request the page cannot act on, with why.
    BadRequest(Message),
    Unavailable(String),
    Internal(String),
}

impl PageError {
    pub fn internal(cause: impl std::fmt::Display) -> Self {
        PageError::Internal(cause.to_string())
    }
}

impl From<vjt_store::StoreError> for PageError {
    fn from(e: vjt_store::StoreError) -> Self {
        if e.is_transient() {
            PageError::Unavailable(e.to_string())
        } else {
            PageError::Internal(e.to_string())
        }
    }
}

impl From<askama::Error> for PageError {
    fn from(e: askama::Error) -> Self {
        PageError::Internal(format!("a page could not be rendered: {e}"))
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        let (status, message, cause) = match self {
            PageError::NotFound => (StatusCode::NOT_FOUND, None, None),
            PageError::BadRequest(m) => (StatusCode::BAD_REQUEST, Some(m), None),
            PageError::Unavailable(c) => (StatusCode::SERVICE_UNAVAILABLE, None, Some(c)),
            PageError::Internal(c) => (StatusCode::INTERNAL_SERVER_ERROR, None, Some(c)),
        };
        let mut res = status.into_response();
        res.extensions_mut().insert(PageProblem(message));
        if let Some(cause) = cause {
            res.extensions_mut().insert(Internal(cause));
        }
        if status == StatusCode::SERVICE_UNAVAILABLE {
            res.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from_static("5"));
        }
        res
    }
}

/// A stable code for an error status the framework answered by itself.
fn code_for(status: StatusCode) -> &'static str {
    match status {
        StatusCode::BAD_REQUEST => "bad_request",
        StatusCode::UNAUTHORIZED => "unauthenticated",
        StatusCode::FORBIDDEN => "forbidden",
        StatusCode::NOT_FOUND => "not_found",
        StatusCode::METHOD_NOT_ALLOWED => "method_not_allowed",
        StatusCode::PAYLOAD_TOO_LARGE => "too_large",
        StatusCode::UNSUPPORTED_MEDIA_TYPE => "unsupported_media_type",
        StatusCode::UNPROCESSABLE_ENTITY => "invalid_request",
        StatusCode::TOO_MANY_REQUESTS => "too_many_requests",
        StatusCode::SERVICE_UNAVAILABLE => "busy",
        s if s.is_server_error() => "internal",
        _ => "error",
    }
}

fn is_json(res: &Response) -> bool {
    res.headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"))
}

fn is_html(res: &Response) -> bool {
    res.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).is_some_and(|v| v.starts_with("text/html"))
}

/// Runs around every route: logs internal causes with the request id and gives every error
/// the form its reader expects.
pub(crate) async fn answers(req: Request, next: Next) -> Response {
    let api = req.uri().path().starts_with("/api/");
    let request_id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-").to_string();
    let lang = crate::session::lang_of(req.headers());
    let res = next.run(req).await;
    // The guard, inside this layer, hands back who was signed in.
    let session = res.extensions().get::<crate::session::Session>().cloned();
    let status = res.status();
    if let Some(Internal(cause)) = res.extensions().get::<Internal>() {
        tracing::error!(request_id = %request_id, status = status.as_u16(), cause = %cause, "request failed");
    }
    if !(status.is_client_error() || status.is_server_error()) {
        return res;
    }
    if api {
        if is_json(&res) {
            return res;
        }
        // A rejection by the framework itself: its plain-text reason goes into the envelope.
        let (parts, body) = res.into_parts();
        let text = axum::body::to_bytes(body, 64 * 1024).await.unwrap_or_default();
        let message = String::from_utf8_lossy(&text).trim().to_string();
        let message = if message.is_empty() || status.is_server_error() {
            status.canonical_reason().unwrap_or("error").to_lowercase()
        } else {
            message
        };
        let mut out = ApiError::new(status, code_for(status), message).into_response();
        if let Some(allow) = parts.headers.get(header::ALLOW) {
            out.headers_mut().insert(header::ALLOW, allow.clone());
        }
        if let Some(retry) = parts.headers.get(header::RETRY_AFTER) {
            out.headers_mut().insert(header::RETRY_AFTER, retry.clone());
        }
        return out;
    }
    if is_html(&res) && res.extensions().get::<PageProblem>().is_none() {
        // A page that explains its own problem (a form with errors).
        return res;
    }
    let message = res.extensions().get::<PageProblem>().and_then(|p| p.0.clone());
    let retry = res.headers().get(header::RETRY_AFTER).cloned();
    let mut page = crate::pages::error_page(status, message.as_ref(), &request_id, lang, session.as_ref());
    if let Some(retry) = retry {
        page.headers_mut().insert(header::RETRY_AFTER, retry);
    }
    page
}

/// A plain body for responses made before any page can be (the guard's refusals).
pub(crate) fn plain(status: StatusCode, lang: Lang, key: &'static str) -> Response {
    let mut res = Response::new(Body::from(vjt_domain::Catalogue::new(lang).t(key)));
    *res.status_mut() = status;
    res.extensions_mut().insert(PageProblem(Some(Message::new(key))));
    res
}
