//! The coordinator's review queue: reports to verify or reject, unresolved place names to
//! decide, and routes reported by several organisations to confirm or split.

use askama::Template;
use axum::extract::{Form, Path, State};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use vjt_domain::{Arg, Lang, Message, ReviewStatus, RouteReportId, Vocabulary};
use vjt_gazetteer::Gazetteer;
use vjt_service::figures::Filters;
use vjt_service::Scope;

use super::{render, see_other, Layout};
use crate::error::PageError;
use crate::session::{PageLang, SignedIn};
use crate::state::ApiErrorOrFilter;
use crate::words::Words;
use crate::AppState;

struct Waiting {
    id: i64,
    route: String,
    status: String,
}

struct Guess {
    id: String,
    label: String,
}

struct Unresolved {
    text: String,
    reports: u64,
    guesses: Vec<Guess>,
}

struct Cluster {
    key: String,
    members: Vec<(i64, String)>,
    more: u64,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    layout: Layout,
    csrf: String,
    waiting: Vec<Waiting>,
    waiting_total: u64,
    unresolved: Vec<Unresolved>,
    unresolved_total: usize,
    clusters: Vec<Cluster>,
}

const SHOWN: u32 = 200;

/// GET /review
pub async fn queue(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
) -> Result<Response, PageError> {
    let ((reports, waiting_total), unresolved) = state
        .blocking(|s| -> Result<_, vjt_store::StoreError> { Ok((s.waiting_reports(SHOWN)?, s.unresolved_places()?)) })
        .await?;
    let analysis = match state.analysis(Scope::All, Filters::default()).await {
        Ok(a) => a,
        Err(ApiErrorOrFilter::Filter(m)) => return Err(PageError::BadRequest(m)),
        Err(ApiErrorOrFilter::Server(e)) => return Ok(e.into_response()),
    };
    let w = Words::new(lang);
    let waiting = reports
        .iter()
        .map(|r| Waiting {
            id: r.id.0,
            route: r.report.journey.stops().map(|(_, s)| s.text.as_str()).collect::<Vec<_>>().join(" → "),
            status: r.report.status.label(lang).to_string(),
        })
        .collect();
    let resolver = state.blocking(vjt_service::places::resolver).await?;
    let g = Gazetteer::embedded();
    let unresolved_total = unresolved.len();
    let unresolved = unresolved
        .iter()
        .take(100)
        .map(|u| {
            let mut seen = std::collections::BTreeSet::new();
            let guesses = resolver
                .suggest(&u.text)
                .iter()
                .filter(|m| seen.insert(m.place))
                .take(5)
                .map(|m| {
                    let s = g.summary(m.place);
                    let county = s.county.map(|c| format!(", {}", c.name)).unwrap_or_default();
                    Guess {
                        id: s.id.clone(),
                        label: format!("{}{county} ({})", s.name, w.t(&format!("place-kind-{}", s.kind.code()))),
                    }
                })
                .collect();
            Unresolved { text: u.text.clone(), reports: u.reports, guesses }
        })
        .collect();
    let clusters = analysis
        .duplicates
        .clusters
        .iter()
        .filter(|c| c.status == "suggested")
        .take(50)
        .map(|c| Cluster {
            key: c.key.clone(),
            members: c.members.iter().map(|m| (m.id, m.organisation.clone())).collect(),
            more: c.member_count.saturating_sub(c.members.len() as u64),
        })
        .collect();
    let page = ReviewPage {
        layout: Layout::new(lang, Some(&session), "review-title", "/review"),
        csrf: session.csrf.clone(),
        waiting,
        waiting_total,
        unresolved,
        unresolved_total,
        clusters,
    };
    render(&page)
}

#[derive(Deserialize)]
pub struct Decision {
    decision: String,
}

fn bad(lang: Lang, key: &'static str) -> PageError {
    let _ = lang;
    PageError::BadRequest(Message::new(key))
}

/// POST /review/reports/{id}: verify or reject.
pub async fn decide_report(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Path(id): Path<i64>,
    Form(d): Form<Decision>,
) -> Result<Response, PageError> {
    let status = match d.decision.as_str() {
        "verified" => ReviewStatus::Verified,
        "rejected" => ReviewStatus::Rejected,
        _ => return Err(bad(lang, "review-bad-decision")),
    };
    let user = session.caller.user_id;
    let found = state
        .blocking(move |s| -> Result<bool, vjt_store::StoreError> {
            let ok = s.set_status(RouteReportId(id), status)?;
            if ok {
                s.audit(Some(user), "report_reviewed", &format!("{id} {}", status.code()))?;
            }
            Ok(ok)
        })
        .await?;
    if !found {
        return Err(PageError::NotFound);
    }
    state.forget_analyses();
    Ok(see_other("/review"))
}

#[derive(Deserialize)]
pub struct PlaceDecision {
    text: String,
    place: String,
}

/// POST /review/places: "this text means that place", applied at once to every stop with it.
pub async fn decide_place(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Form(d): Form<PlaceDecision>,
) -> Result<Response, PageError> {
    if Gazetteer::embedded().by_id(&d.place).is_none() {
        return Err(PageError::BadRequest(
            Message::new("review-no-such-place").with("place", Arg::Text(d.place.chars().take(80).collect())),
        ));
    }
    if d.text.trim().is_empty() {
        return Err(bad(lang, "review-bad-decision"));
    }
    let user = session.caller.user_id;
    state
        .blocking(move |s| -> Result<(), vjt_store::StoreError> {
            s.set_place_alias(&d.text, &vjt_domain::PlaceId(d.place.clone()))?;
            s.audit(Some(user), "place_alias", &format!("{} = {}", d.text, d.place))
        })
        .await?;
    state.forget_analyses();
    Ok(see_other("/review"))
}

#[derive(Deserialize)]
pub struct ClusterDecision {
    key: String,
    decision: String,
}

/// POST /review/duplicates: confirm or split a cluster.
pub async fn decide_duplicates(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Form(d): Form<ClusterDecision>,
) -> Result<Response, PageError> {
    if !matches!(d.decision.as_str(), "confirmed" | "split") || !d.key.starts_with('r') {
        return Err(bad(lang, "review-bad-decision"));
    }
    let user = session.caller.user_id;
    state
        .blocking(move |s| -> Result<(), vjt_store::StoreError> {
            s.set_duplicate_decision(&d.key, &d.decision)?;
            s.audit(Some(user), "duplicates", &format!("{} {}", d.key, d.decision))
        })
        .await?;
    state.forget_analyses();
    Ok(see_other("/review"))
}
