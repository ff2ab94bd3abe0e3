//! The coordinator's review queue: reports to verify or reject, unresolved place names to
//! decide, and routes reported by several organisations to confirm or split.

use askama::Template;
use axum::extract::{Form, Path, Query, State};
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
    details: String,
    kinds: String,
    status: String,
    sent: String,
}

/// One choice of a filter's drop-down.
struct FilterChoice {
    value: String,
    label: String,
    chosen: bool,
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

/// A likely duplicate: the reports side by side, a column each.
struct Cluster {
    key: String,
    members: Vec<Waiting>,
    more: u64,
}

#[derive(Template)]
#[template(path = "review.html")]
struct ReviewPage {
    layout: Layout,
    csrf: String,
    waiting: Vec<Waiting>,
    waiting_total: u64,
    /// "Showing 51–100 of 226, oldest first."
    showing: String,
    /// The filters as a query string (kept across pages and decisions).
    filters: String,
    organisations: Vec<FilterChoice>,
    rounds: Vec<FilterChoice>,
    statuses: Vec<FilterChoice>,
    sorts: Vec<FilterChoice>,
    newest_first: bool,
    next: Option<(i64, String)>,
    /// Where this page starts (none: the oldest).
    after: Option<i64>,
    done: Option<String>,
    unresolved: Vec<Unresolved>,
    unresolved_total: usize,
    clusters: Vec<Cluster>,
}

/// Reports on one page of the queue.
const PAGE: u32 = 50;
/// Likely duplicates shown at once, and reports shown side by side in each.
const CLUSTERS: usize = 20;
const MEMBERS: usize = 4;

/// A report in a line or a column: its route, who sent it, for which round, how many people,
/// the kinds of exploitation, its status and the date it was sent.
fn describe(
    w: &Words,
    lang: Lang,
    r: &vjt_domain::StoredReport,
    org_name: &std::collections::HashMap<i64, String>,
    round_name: &std::collections::HashMap<i64, String>,
) -> Waiting {
    let people = match (r.report.victims, r.report.victims_below) {
        (Some(n), _) => w.f("review-people", &[("n", Arg::Text(n.to_string()))]),
        (None, Some(b)) => w.f("review-people", &[("n", Arg::Text(format!("<{b}")))]),
        (None, None) => w.t("review-unknown-count"),
    };
    Waiting {
        id: r.id.0,
        route: r.report.journey.stops().map(|(_, s)| s.text.as_str()).collect::<Vec<_>>().join(" → "),
        details: w.f(
            "review-details",
            &[
                ("org", Arg::Text(org_name.get(&r.report.organisation.0).cloned().unwrap_or_default())),
                ("round", Arg::Text(round_name.get(&r.report.round.0).cloned().unwrap_or_default())),
                ("people", Arg::Text(people)),
            ],
        ),
        kinds: r.report.exploitation_types.iter().map(|t| t.label(lang)).collect::<Vec<_>>().join(", "),
        status: r.report.status.label(lang).to_string(),
        sent: r.created_at.format("%Y-%m-%d").to_string(),
    }
}

/// The queue's filters and page, from the address. Anything unreadable counts as "not given",
/// so a stale or hand-edited address still shows a queue.
#[derive(Deserialize, Default, Clone)]
pub struct QueueFilters {
    #[serde(default)]
    org: String,
    #[serde(default)]
    round: String,
    #[serde(default)]
    status: String,
    /// "newest": newest first; anything else: oldest first.
    #[serde(default)]
    sort: String,
    #[serde(default)]
    after: String,
    #[serde(default)]
    done: String,
    #[serde(default)]
    report: String,
}

impl QueueFilters {
    fn query(&self) -> vjt_store::WaitingQuery {
        let id = |v: &str| v.parse::<i64>().ok();
        vjt_store::WaitingQuery {
            organisation: id(&self.org).map(vjt_domain::OrganisationId),
            round: id(&self.round).map(vjt_domain::RoundId),
            status: ReviewStatus::parse(&self.status)
                .ok()
                .filter(|s| matches!(s, ReviewStatus::Submitted | ReviewStatus::NeedsReview)),
            after: id(&self.after).map(RouteReportId),
            newest_first: self.sort == "newest",
            limit: PAGE,
        }
    }

    /// The filters (not the page) as a query string rebuilt from parsed values: safe to put
    /// back into an address.
    fn as_query(q: &vjt_store::WaitingQuery) -> String {
        let mut parts = Vec::new();
        if let Some(o) = q.organisation {
            parts.push(format!("org={}", o.0));
        }
        if let Some(r) = q.round {
            parts.push(format!("round={}", r.0));
        }
        if let Some(s) = q.status {
            parts.push(format!("status={}", s.code()));
        }
        if q.newest_first {
            parts.push("sort=newest".into());
        }
        parts.join("&")
    }
}

/// GET /review?org=&round=&status=&after=
pub async fn queue(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Query(f): Query<QueueFilters>,
) -> Result<Response, PageError> {
    let q = f.query();
    let query = q.clone();
    let (page, unresolved, organisations, rounds) = state
        .blocking(move |s| -> Result<_, vjt_store::StoreError> {
            Ok((s.waiting_reports(&query)?, s.unresolved_places()?, s.organisations()?, s.rounds()?))
        })
        .await?;
    let analysis = match state.analysis(Scope::All, Filters::default()).await {
        Ok(a) => a,
        Err(ApiErrorOrFilter::Filter(m)) => return Err(PageError::BadRequest(m)),
        Err(ApiErrorOrFilter::Server(e)) => return Ok(e.into_response()),
    };
    let w = Words::new(lang);
    let org_name: std::collections::HashMap<i64, String> =
        organisations.iter().map(|o| (o.id.0, o.name.to_string())).collect();
    let round_name: std::collections::HashMap<i64, String> =
        rounds.iter().map(|r| (r.id.0, r.name.to_string())).collect();
    let waiting_total = page.total;
    let describe = |r: &vjt_domain::StoredReport| describe(&w, lang, r, &org_name, &round_name);
    let waiting: Vec<Waiting> = page.reports.iter().map(describe).collect();
    let first = page.before + 1;
    let shown = waiting.len() as u64;
    let showing = w.f(
        if q.newest_first { "review-showing-newest" } else { "review-showing" },
        &[
            ("from", Arg::from(if shown == 0 { 0 } else { first })),
            ("to", Arg::from(first + shown - u64::from(shown > 0))),
            ("total", Arg::from(waiting_total)),
        ],
    );
    let filters = QueueFilters::as_query(&q);
    let left = waiting_total.saturating_sub(first + shown - 1);
    let next = (shown == u64::from(PAGE) && left > 0)
        .then(|| waiting.last().map(|r| (r.id, w.n("review-next", left.min(u64::from(PAGE))))))
        .flatten();
    let choose = |value: String, label: String, chosen: bool| FilterChoice { value, label, chosen };
    let organisations =
        std::iter::once(choose(String::new(), w.t("review-any-organisation"), q.organisation.is_none()))
            .chain(
                organisations
                    .iter()
                    .map(|o| choose(o.id.0.to_string(), o.name.to_string(), q.organisation == Some(o.id))),
            )
            .collect();
    let rounds = std::iter::once(choose(String::new(), w.t("review-any-round"), q.round.is_none()))
        .chain(rounds.iter().rev().map(|r| choose(r.id.0.to_string(), r.name.to_string(), q.round == Some(r.id))))
        .collect();
    let statuses = std::iter::once(choose(String::new(), w.t("review-any-status"), q.status.is_none()))
        .chain(
            [ReviewStatus::Submitted, ReviewStatus::NeedsReview]
                .into_iter()
                .map(|s| choose(s.code().to_string(), s.label(lang).to_string(), q.status == Some(s))),
        )
        .collect();
    let sorts = vec![
        choose(String::new(), w.t("review-oldest-first"), !q.newest_first),
        choose("newest".into(), w.t("review-newest-first"), q.newest_first),
    ];
    let done = match (f.done.as_str(), f.report.parse::<i64>()) {
        ("verified", Ok(id)) => Some(w.f("review-done-verified", &[("id", Arg::from(id))])),
        ("rejected", Ok(id)) => Some(w.f("review-done-rejected", &[("id", Arg::from(id))])),
        _ => None,
    };
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
    // Each suggested cluster's first reports, read whole, to be compared column by column.
    let suggested: Vec<(String, Vec<i64>, u64)> = analysis
        .duplicates
        .clusters
        .iter()
        .filter(|c| c.status == "suggested")
        .take(CLUSTERS)
        .map(|c| {
            let ids: Vec<i64> = c.members.iter().take(MEMBERS).map(|m| m.id).collect();
            let more = c.member_count.saturating_sub(ids.len() as u64);
            (c.key.clone(), ids, more)
        })
        .collect();
    let read = suggested.clone();
    let members = state
        .blocking(move |s| -> Result<Vec<Vec<vjt_domain::StoredReport>>, vjt_store::StoreError> {
            read.iter()
                .map(|(_, ids, _)| {
                    ids.iter().filter_map(|id| s.report(RouteReportId(*id)).transpose()).collect::<Result<_, _>>()
                })
                .collect()
        })
        .await?;
    let clusters = suggested
        .into_iter()
        .zip(members)
        .map(|((key, _, more), reports)| Cluster { key, members: reports.iter().map(describe).collect(), more })
        .collect();
    let page = ReviewPage {
        layout: Layout::new(lang, Some(&session), "review-title", "/review"),
        csrf: session.csrf.clone(),
        waiting,
        waiting_total,
        showing,
        filters,
        organisations,
        rounds,
        statuses,
        sorts,
        newest_first: q.newest_first,
        next,
        after: q.after.map(|a| a.0),
        done,
        unresolved,
        unresolved_total,
        clusters,
    };
    render(&page)
}

#[derive(Deserialize)]
pub struct Decision {
    decision: String,
    /// Why a report is rejected: the reporter reads it in the report's history.
    #[serde(default)]
    reason: String,
    /// The queue's filters and page, to come back to the same place.
    #[serde(flatten)]
    back: QueueFilters,
}

fn bad(lang: Lang, key: &'static str) -> PageError {
    let _ = lang;
    PageError::BadRequest(Message::new(key))
}

/// The longest reason kept.
const MAX_REASON_CHARS: usize = 500;

/// POST /review/reports/{id}: verify, or reject with a reason; back to the same page of the
/// queue.
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
    // The reason goes to the reporter and into the history: screened like any free text.
    let reason: String = vjt_domain::screen::screen(d.reason.trim()).0.chars().take(MAX_REASON_CHARS).collect();
    if status == ReviewStatus::Rejected && reason.trim().is_empty() {
        return Err(bad(lang, "review-reason-needed"));
    }
    let user = session.caller.user_id;
    let source = format!("review by {}", session.caller.email);
    let found = state
        .blocking(move |s| -> Result<bool, vjt_store::StoreError> {
            let reason = (status == ReviewStatus::Rejected).then_some(reason.as_str());
            let ok = s.decide(RouteReportId(id), status, reason, &source)?;
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
    let q = d.back.query();
    let mut back: Vec<String> = Some(QueueFilters::as_query(&q)).filter(|f| !f.is_empty()).into_iter().collect();
    back.extend(q.after.map(|a| format!("after={}", a.0)));
    back.push(format!("done={}&report={id}", status.code()));
    Ok(see_other(&format!("/review?{}#queue", back.join("&"))))
}

#[derive(Deserialize)]
pub struct PlaceDecision {
    text: String,
    /// One of the guesses offered.
    #[serde(default)]
    place: String,
    /// Or a place the coordinator typed, found in the whole gazetteer; it wins over the guess.
    #[serde(default)]
    search: String,
    /// "remove": the text is not a place but personal data, to be taken out of every report.
    #[serde(default)]
    decision: String,
}

/// POST /review/places: "this text means that place", applied at once to every stop with it.
pub async fn decide_place(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Form(d): Form<PlaceDecision>,
) -> Result<Response, PageError> {
    if d.text.trim().is_empty() {
        return Err(bad(lang, "review-bad-decision"));
    }
    if d.decision == "remove" {
        let user = session.caller.user_id;
        state
            .blocking(move |s| -> Result<(), vjt_store::StoreError> {
                let n = s.remove_place_text(&d.text)?;
                // The text itself goes nowhere, the audit log included.
                s.audit(Some(user), "place_text_removed", &format!("{n} stops"))
            })
            .await?;
        state.forget_analyses();
        return Ok(see_other("/review#places"));
    }
    let g = Gazetteer::embedded();
    let search: String = d.search.trim().chars().take(vjt_domain::StopText::MAX_CHARS).collect();
    let place = if search.is_empty() {
        g.by_id(&d.place).map(|ix| g.summary(ix).id.clone()).ok_or_else(|| {
            PageError::BadRequest(
                Message::new("review-no-such-place").with("place", Arg::Text(vjt_domain::text::shown(&d.place))),
            )
        })?
    } else {
        // Any place of the gazetteer, as the resolver reads a typed name (the network's own
        // aliases included); when it cannot tell, the nearest names are offered instead.
        let resolver = state.blocking(vjt_service::places::resolver).await?;
        let found = resolver.resolve(&search, &vjt_gazetteer::Context::default());
        match found.resolved() {
            Some(ix) => g.summary(ix).id.clone(),
            None => {
                let w = Words::new(lang);
                let nearest: Vec<String> = resolver
                    .suggest(&search)
                    .iter()
                    .take(5)
                    .map(|m| {
                        let p = g.summary(m.place);
                        let county = p.county.map(|c| format!(", {}", c.name)).unwrap_or_default();
                        format!("{}{county} ({})", p.name, w.t(&format!("place-kind-{}", p.kind.code())))
                    })
                    .collect();
                return Err(PageError::BadRequest(
                    Message::new("review-search-not-found")
                        .with("search", Arg::Text(vjt_domain::text::shown(&search)))
                        .with("nearest", Arg::Text(nearest.join("; "))),
                ));
            }
        }
    };
    let user = session.caller.user_id;
    let text = d.text.clone();
    let chosen = place.clone();
    state
        .blocking(move |s| -> Result<(), vjt_store::StoreError> {
            s.set_place_alias(&text, &vjt_domain::PlaceId(chosen.clone()))?;
            s.audit(Some(user), "place_alias", &format!("{text} = {chosen}"))
        })
        .await?;
    state.forget_analyses();
    Ok(see_other("/review#places"))
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
