//! vjt's web platform: `vjt serve`. Server-rendered pages that work without JavaScript and a
//! JSON API under /api/v1, over the same service layer as the command line.
//!
//! Security lives in one place: the [`guard`] identifies the caller and checks the form token
//! before any handler runs or any body is read, tower-http's CSRF layer refuses cross-site
//! requests, and each route declares its [`Access`] in the table below (and in `openapi.rs`
//! for the API), decided by `vjt_service::policy`.

pub mod api;
mod error;
pub mod guard;
pub mod openapi;
mod pages;
mod session;
mod state;
mod words;

use std::time::Duration;

use axum::extract::DefaultBodyLimit;
use axum::http::{header, HeaderValue, Request};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::response::IntoResponse;
use axum::routing::{get, post, MethodRouter};
use axum::Router;
use tower_http::request_id::{MakeRequestId, PropagateRequestIdLayer, RequestId, SetRequestIdLayer};
use tower_http::trace::TraceLayer;
use vjt_store::Store;

pub use error::ApiError;
pub use guard::Access;
pub use state::AppState;

/// Requests larger than this are refused before any handler reads them (the import page
/// streams its files and has its own limit).
pub const MAX_BODY: usize = 1 << 20;

/// A route method guarded by an access check.
fn gated(access: Access, route: MethodRouter<AppState>) -> MethodRouter<AppState> {
    route.route_layer(from_fn_with_state(access, guard::gate))
}

/// Every page, with who may open it.
fn pages() -> Router<AppState> {
    use pages::{account, admin, dashboard, import, releases, reports, review, sign_in};
    use Access::*;
    Router::new()
        .route("/", get(sign_in::home))
        .route("/login", get(sign_in::form).post(sign_in::sign_in))
        .route("/logout", post(sign_in::sign_out))
        .route("/lang/{code}", get(sign_in::choose_language))
        .route("/assets/form.js", get(form_script))
        .route("/assets/style.css", get(stylesheet))
        .route("/account", gated(SignedIn, get(account::show)))
        .route("/account/password", gated(SignedIn, post(account::change_password)))
        .route("/dashboard", gated(Figures, get(dashboard::dashboard)))
        .route("/dashboard/{file}", gated(Figures, get(dashboard::report_download)))
        .route("/dashboard/county/{iso}", gated(Figures, get(dashboard::county)))
        .route("/releases", gated(SignedIn, get(releases::list)).merge(gated(Publish, post(releases::create))))
        .route("/releases/{id}", gated(SignedIn, get(releases::show)))
        .route("/releases/{id}/withdraw", gated(Publish, post(releases::withdraw)))
        .route("/releases/{id}/files/{*name}", gated(SignedIn, get(releases::download)))
        .route("/reports", gated(Reports, get(reports::list)))
        .route("/reports/export.csv", gated(Reports, get(dashboard::export_csv)))
        .route("/reports/new", gated(Submit, get(reports::new_route).post(reports::save_route)))
        .route("/reports/{id}", gated(Reports, get(reports::show).post(reports::update_route)))
        .route("/review", gated(Review, get(review::queue)))
        .route("/review/reports/{id}", gated(Review, post(review::decide_report)))
        .route("/review/places", gated(Review, post(review::decide_place)))
        .route("/review/duplicates", gated(Review, post(review::decide_duplicates)))
        .route(
            "/import",
            gated(Import, get(import::form).post(import::check)).layer(DefaultBodyLimit::max(import::MAX_UPLOAD)),
        )
        .route("/import/{id}", gated(Import, post(import::confirm)))
        .route("/import/{id}/{file}", gated(Import, get(import::rejects)))
        .route("/admin", gated(Administer, get(admin::page)))
        .route("/admin/organisations", gated(ManageNetwork, post(admin::add_organisation)))
        .route("/admin/rounds", gated(ManageNetwork, post(admin::add_round)))
        .route("/admin/users", gated(Administer, post(admin::add_user)))
        .route("/admin/users/state", gated(Administer, post(admin::set_user_state)))
}

/// A request id for the log and the error page: random, short.
#[derive(Clone, Copy)]
struct RandomId;

impl MakeRequestId for RandomId {
    fn make_request_id<B>(&mut self, _: &Request<B>) -> Option<RequestId> {
        let id = vjt_service::accounts::new_token()[..16].to_string();
        HeaderValue::from_str(&id).ok().map(RequestId::new)
    }
}

/// The whole application: pages, the API, and the layers every request passes through (from
/// the outside in: request id, log line, compression, error forms, cross-site refusal, guard).
pub fn app(store: Store) -> Router {
    routes(AppState::new(store))
}

fn routes(state: AppState) -> Router {
    let request_id = header::HeaderName::from_static("x-request-id");
    let cross_site = tower_http::csrf::CsrfLayer::new().with_rejection_response(|_| {
        error::plain(axum::http::StatusCode::FORBIDDEN, vjt_domain::Lang::En, "error-cross-site")
    });
    Router::new()
        .merge(pages())
        .merge(openapi::routes())
        .fallback(not_found)
        .layer(from_fn_with_state(state.clone(), guard::identify))
        .layer(cross_site)
        .layer(from_fn(error::answers))
        .layer(DefaultBodyLimit::max(MAX_BODY))
        .layer(tower_http::compression::CompressionLayer::new())
        .layer(PropagateRequestIdLayer::new(request_id.clone()))
        .layer(
            TraceLayer::new_for_http()
                .make_span_with(|req: &Request<_>| {
                    // The path only: a query string can hold a form token.
                    let id = req.headers().get("x-request-id").and_then(|v| v.to_str().ok()).unwrap_or("-");
                    tracing::info_span!("request", method = %req.method(), path = %req.uri().path(), id = %id)
                })
                .on_request(())
                .on_response(|res: &axum::response::Response, latency: Duration, _span: &tracing::Span| {
                    tracing::info!(status = res.status().as_u16(), ms = latency.as_secs_f64() * 1000.0, "answered");
                })
                .on_failure(()),
        )
        .layer(SetRequestIdLayer::new(request_id, RandomId))
        .with_state(state)
}

async fn not_found() -> impl IntoResponse {
    axum::http::StatusCode::NOT_FOUND
}

/// The route form's script: served by vjt itself (no CDN), and only ever an enhancement.
async fn form_script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../assets/form.js"),
    )
}

async fn stylesheet() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/css; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        include_str!("../assets/style.css"),
    )
}

/// Logs to standard error: one line per request (method, path, status, time, request id;
/// never bodies, passwords or tokens) and every internal error with its cause. `VJT_LOG`
/// chooses what is logged (for example `info`, `warn`, `vjt_web=debug`).
pub fn init_logging() {
    let filter = tracing_subscriber::EnvFilter::try_from_env("VJT_LOG")
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info"));
    let _ =
        tracing_subscriber::fmt().with_env_filter(filter).with_target(false).with_writer(std::io::stderr).try_init();
}

/// How long the server waits for a client before giving up on it. A phone on a slow line sends
/// a request's header in well under these; a client that trickles bytes to hold connections
/// open (slowloris) is cut off instead of tying the server up.
#[derive(Debug, Clone, Copy)]
pub struct Patience {
    /// For a request's header, and for the next request on a kept-alive connection.
    pub header: Duration,
    /// Between two pieces of a request's body (an upload may take long, but must keep moving).
    pub body_idle: Duration,
    /// For the requests under way to finish once asked to stop.
    pub shutdown: Duration,
}

impl Default for Patience {
    fn default() -> Self {
        Patience {
            header: Duration::from_secs(20),
            body_idle: Duration::from_secs(30),
            shutdown: Duration::from_secs(30),
        }
    }
}

/// Serves the platform until Ctrl-C or SIGTERM; requests under way are finished first.
pub async fn serve(store: Store, bind: &str) -> std::io::Result<()> {
    let listener = tokio::net::TcpListener::bind(bind).await?;
    tracing::info!(address = %listener.local_addr()?, database = %store.target(), "serving");
    let state = AppState::new(store);
    tokio::spawn({
        let state = state.clone();
        async move { state.warm().await }
    });
    serve_on(listener, state, Patience::default(), shutdown()).await;
    Ok(())
}

/// Serves the application on `listener` until `stop` resolves, with the timeouts of `patience`.
/// Each request carries the client's address ([`axum::extract::ConnectInfo`]).
pub async fn serve_on(
    listener: tokio::net::TcpListener,
    state: AppState,
    patience: Patience,
    stop: impl std::future::Future<Output = ()>,
) {
    use tower::ServiceExt;
    let app = routes(state).layer(tower_http::timeout::RequestBodyTimeoutLayer::new(patience.body_idle));
    let graceful = hyper_util::server::graceful::GracefulShutdown::new();
    let mut stop = std::pin::pin!(stop);
    loop {
        let (stream, remote) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(pair) => pair,
                Err(e) => {
                    // Out of file descriptors, for example: wait rather than spin.
                    tracing::warn!(error = %e, "cannot accept a connection");
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    continue;
                }
            },
            _ = &mut stop => break,
        };
        let app = app.clone();
        let service = hyper::service::service_fn(move |req: Request<hyper::body::Incoming>| {
            let mut req = req.map(axum::body::Body::new);
            req.extensions_mut().insert(axum::extract::ConnectInfo(remote));
            app.clone().oneshot(req)
        });
        let connection = hyper::server::conn::http1::Builder::new()
            .timer(hyper_util::rt::TokioTimer::new())
            .header_read_timeout(patience.header)
            .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
        let connection = graceful.watch(connection);
        tokio::spawn(async move {
            if let Err(e) = connection.await {
                tracing::debug!(error = %e, "connection ended");
            }
        });
    }
    drop(listener);
    if tokio::time::timeout(patience.shutdown, graceful.shutdown()).await.is_err() {
        tracing::warn!("stopped with requests still under way");
    }
}

/// Resolves at Ctrl-C or SIGTERM (what `systemctl stop` and container runtimes send).
async fn shutdown() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
    tracing::info!("stopping: finishing the requests under way");
}
