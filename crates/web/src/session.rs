//! Who is calling, as handlers receive it. The guard finds the session (a browser cookie or an
//! API token) before any handler runs; these extractors hand it over.

use axum::extract::{FromRequestParts, OptionalFromRequestParts};
use axum::http::request::Parts;
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum_extra::extract::CookieJar;
use vjt_domain::Lang;
use vjt_service::Caller;

use crate::error::ApiError;

/// The name of the cookie that holds a browser session's token.
pub const SESSION_COOKIE: &str = "vjt_session";
/// The name of the cookie that remembers the language of the pages.
pub const LANG_COOKIE: &str = "vjt_lang";

/// A signed-in session: who, and what proves a form came from this site.
#[derive(Debug, Clone)]
pub struct Session {
    pub caller: Caller,
    /// The token a form or a script must send back with every change.
    pub csrf: String,
    /// The stored hash of the session's or token's secret (to end it).
    pub token_hash: String,
    /// A browser session (cookie), not an API token.
    pub via_cookie: bool,
}

impl std::ops::Deref for Session {
    type Target = Caller;
    fn deref(&self) -> &Caller {
        &self.caller
    }
}

/// The language the pages are shown in: the `vjt_lang` cookie, English by default.
pub fn lang_of(headers: &HeaderMap) -> Lang {
    let jar = CookieJar::from_headers(headers);
    jar.get(LANG_COOKIE).and_then(|c| Lang::from_code(c.value())).unwrap_or_default()
}

/// A page's reader: signed in. Without a session the reader is sent to sign in.
pub struct SignedIn(pub Session);

impl std::ops::Deref for SignedIn {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for SignedIn {
    type Rejection = Response;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Response> {
        parts.extensions.get::<Session>().cloned().map(SignedIn).ok_or_else(|| Redirect::to("/login").into_response())
    }
}

/// An API caller: signed in, with a token (or a browser session and its CSRF header). Without
/// one the answer is 401 in the API's error form.
pub struct ApiCaller(pub Session);

impl std::ops::Deref for ApiCaller {
    type Target = Session;
    fn deref(&self) -> &Session {
        &self.0
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ApiCaller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts.extensions.get::<Session>().cloned().map(ApiCaller).ok_or_else(ApiError::unauthenticated)
    }
}

impl<S: Send + Sync> OptionalFromRequestParts<S> for Session {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Session>().cloned())
    }
}

/// The language of the page being asked for (signed in or not).
pub struct PageLang(pub Lang);

impl<S: Send + Sync> FromRequestParts<S> for PageLang {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(PageLang(lang_of(&parts.headers)))
    }
}

/// Where a request comes from, as sign-in back-off counts it ([`vjt_service::accounts::source_of`]):
/// the connection's address; behind a reverse proxy on the same machine (a loopback peer), the
/// last address it puts in `X-Forwarded-For`. "local" when neither is known (tests).
pub struct Source(pub String);

impl<S: Send + Sync> FromRequestParts<S> for Source {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        use std::net::{IpAddr, SocketAddr};
        let peer = parts.extensions.get::<axum::extract::ConnectInfo<SocketAddr>>().map(|c| c.0.ip());
        let forwarded = || -> Option<IpAddr> {
            let all = parts.headers.get_all("x-forwarded-for").iter().filter_map(|v| v.to_str().ok());
            all.flat_map(|v| v.split(',')).last()?.trim().parse().ok()
        };
        let ip = match peer {
            Some(p) if p.is_loopback() => forwarded().or(Some(p)),
            other => other,
        };
        Ok(Source(ip.map_or_else(|| "local".to_string(), vjt_service::accounts::source_of)))
    }
}
