//! The JSON API under /api/v1. Who may call each route is declared in `openapi.rs`'s table and
//! checked by the guard; what a caller may see of one report is asked of `policy` here.

use std::borrow::Cow;
use std::collections::{BTreeSet, HashMap};

use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use vjt_domain::{ReportFields, RouteReportId, StoredReport, Vocabulary};
use vjt_gazetteer::{Context, Gazetteer, Status};
use vjt_service::accounts::{self, SignInError};
use vjt_service::reports::{self as service, SubmitError, Target};
use vjt_service::{policy, Scope};
use vjt_store::{ReportQuery, Store};

use crate::error::ApiError;
use crate::session::{ApiCaller, Source};
use crate::state::ApiErrorOrFilter;
use crate::AppState;

#[derive(Deserialize, schemars::JsonSchema)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// POST /api/v1/tokens: an API token for an e-mail and password (shown once).
pub async fn create_token(
    State(state): State<AppState>,
    Source(source): Source,
    Json(c): Json<Credentials>,
) -> Result<Response, ApiError> {
    let result = state
        .signing_in(source.clone(), move |s| -> Result<Result<String, SignInError>, vjt_store::StoreError> {
            match accounts::sign_in(s, &c.email, &c.password, &source) {
                Ok(user) => accounts::open_session(s, &user, "api", 90).map(|(token, _)| Ok(token)),
                Err(SignInError::Store(e)) => Err(e),
                Err(e) => Ok(Err(e)),
            }
        })
        .await
        .ok_or_else(|| ApiError::unavailable("too many sign-ins at once"))??;
    match result {
        Ok(token) => Ok((StatusCode::CREATED, Json(json!({ "token": token }))).into_response()),
        Err(SignInError::Throttled { retry_after_secs }) => {
            let mut res = ApiError::new(
                StatusCode::TOO_MANY_REQUESTS,
                "locked",
                format!("too many failed sign-ins from here; try again in {retry_after_secs} seconds"),
            )
            .into_response();
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, retry_after_secs.into());
            Ok(res)
        }
        Err(_) => {
            Err(ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "the e-mail or password is wrong"))
        }
    }
}

/// DELETE /api/v1/tokens/current: ends the token (or session) the request came with.
pub async fn revoke_token(State(state): State<AppState>, caller: ApiCaller) -> Result<StatusCode, ApiError> {
    let hash = caller.token_hash.clone();
    state.blocking(move |s| s.delete_session(&hash)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Organisation and round names by id.
type Names = (HashMap<i64, String>, HashMap<i64, String>);

fn names(store: &Store) -> Result<Names, vjt_store::StoreError> {
    Ok(names_of(store.organisations()?, store.rounds()?))
}

fn names_of(organisations: Vec<vjt_domain::Organisation>, rounds: Vec<vjt_domain::Round>) -> Names {
    let orgs = organisations.into_iter().map(|o| (o.id.0, o.name.to_string())).collect();
    let rounds = rounds.into_iter().map(|r| (r.id.0, r.name.to_string())).collect();
    (orgs, rounds)
}

/// A stored report as the API shows it; the submitting organisation only to those allowed.
fn report_json(s: &StoredReport, names: &Names, caller: &ApiCaller) -> Value {
    let g = Gazetteer::embedded();
    let r = &s.report;
    let codes = |set: Vec<&'static str>| Value::from(set);
    let stops: Vec<Value> = r
        .journey
        .stops()
        .map(|(role, stop)| {
            json!({
                "role": role.code(),
                "text": stop.text.as_str(),
                "place": stop.place.as_ref().and_then(|p| g.by_id(&p.0)).map(|ix| g.summary(ix)),
            })
        })
        .collect();
    let mut v = json!({
        "id": s.id.0,
        "report_id": r.report_id.as_ref().map(|x| x.as_str()),
        "round": names.1.get(&r.round.0),
        "status": r.status.code(),
        "stops": stops,
        "exploitation_types": codes(r.exploitation_types.iter().map(|t| t.code()).collect()),
        "sectors": codes(r.sectors.iter().map(|t| t.code()).collect()),
        "transport_modes": codes(r.transport_modes.iter().map(|t| t.code()).collect()),
        "recruitment_methods": codes(r.recruitment_methods.iter().map(|t| t.code()).collect()),
        "recruiter_relationship": codes(r.recruiter_relationships.iter().map(|t| t.code()).collect()),
        "victims": r.victims.map(|n| n.get()),
        "victims_below": r.victims_below.map(|n| n.get()),
        "female": r.profile.female,
        "male": r.profile.male,
        "children": r.profile.children,
        "adults": r.profile.adults,
        "period_start": r.period_start.map(|m| m.to_string()),
        "period_end": r.period_end.map(|m| m.to_string()),
        "source": r.source.code(),
        "confidence": r.confidence.code(),
        "notes": r.notes.as_ref().map(|n| n.as_str()),
        "created_at": s.created_at,
        "updated_at": s.updated_at,
    });
    if policy::can_see_submitter(&caller.caller, r.organisation) {
        v["organisation"] = json!(names.0.get(&r.organisation.0));
    }
    v
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct Page {
    /// Reports with ids after this one (from the previous page's `next_after`).
    pub after: Option<i64>,
    /// Reports per page, 1 to 200 (50 if not given).
    pub limit: Option<u32>,
}

/// GET /api/v1/reports: the reports the caller may see, a page at a time.
pub async fn list_reports(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(page): Query<Page>,
) -> Result<Json<Value>, ApiError> {
    let query = match policy::scope(&caller.caller) {
        Scope::Organisation(org) => ReportQuery { organisation: Some(org), round: None },
        _ => ReportQuery::default(),
    };
    let limit = page.limit.unwrap_or(50).clamp(1, 200);
    let after = page.after.map(RouteReportId);
    let (items, names) = state
        .blocking(move |s| -> Result<_, vjt_store::StoreError> {
            Ok((s.reports_page(&query, after, limit)?, names(s)?))
        })
        .await?;
    let next = (items.len() == limit as usize).then(|| items.last().map(|r| r.id.0)).flatten();
    let list: Vec<Value> = items.iter().map(|r| report_json(r, &names, &caller)).collect();
    Ok(Json(json!({ "items": list, "limit": limit, "next_after": next })))
}

/// A report as the API takes it: the report's fields; `transit` and vocabularies as arrays.
#[derive(Deserialize, Default, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct ReportInput {
    /// Your own reference for the report; sending it again updates instead of adding.
    pub report_id: Option<String>,
    /// The coordinator only: which organisation the report is for (by name).
    pub organisation: Option<String>,
    /// The collection round, by name.
    pub round: Option<String>,
    /// Where the route starts, as the place is known locally (required).
    pub origin: Option<String>,
    /// Transit points in travel order, one place per item.
    #[serde(default)]
    pub transit: Vec<String>,
    /// Where the person was told they were going; this or `exploitation_place` is required.
    pub intended_destination: Option<String>,
    /// Where the exploitation happened.
    pub exploitation_place: Option<String>,
    /// Vocabulary codes or labels, English or Kiswahili (docs/vocabularies.md); likewise the next four.
    #[serde(default)]
    pub exploitation_types: Vec<String>,
    #[serde(default)]
    pub sectors: Vec<String>,
    #[serde(default)]
    pub transport_modes: Vec<String>,
    #[serde(default)]
    pub recruitment_methods: Vec<String>,
    #[serde(default)]
    pub recruiter_relationship: Vec<String>,
    /// Estimated number of people on this route.
    pub victims: Option<u32>,
    pub female: Option<u32>,
    pub male: Option<u32>,
    pub children: Option<u32>,
    pub adults: Option<u32>,
    /// First month the route was seen, YYYY-MM.
    pub period_start: Option<String>,
    /// Last month the route was seen, YYYY-MM.
    pub period_end: Option<String>,
    /// survivor_case, outreach, hotline or other.
    pub source: Option<String>,
    /// low, medium or high.
    pub confidence: Option<String>,
    /// Free text about the route; never about a person (screened for personal data).
    pub notes: Option<String>,
    /// True once the sender has checked that words the notes' screen flags as possible names of
    /// people are not names (a report with such words is refused until then).
    #[serde(default)]
    pub names_checked: bool,
}

impl ReportInput {
    /// Array items that are not one place each: problems the spreadsheet form (one cell,
    /// `;`-separated) would have hidden.
    fn item_problems(&self) -> Vec<Value> {
        let mut early = Vec::new();
        for (i, t) in self.transit.iter().enumerate() {
            if t.contains(';') {
                early.push(json!({ "field": "transit", "value": t, "message": format!("item {} holds several places; give each transit point as its own array item", i + 1) }));
            } else if t.trim().is_empty() {
                early.push(json!({ "field": "transit", "value": t, "message": format!("item {} is empty", i + 1) }));
            }
        }
        early
    }

    /// The report's fields as the domain takes them.
    fn fields(&self) -> ReportFields<'_> {
        fn text(v: &Option<String>) -> Cow<'_, str> {
            Cow::Borrowed(v.as_deref().unwrap_or(""))
        }
        fn list(v: &[String]) -> Vec<Cow<'_, str>> {
            v.iter().map(|x| Cow::Borrowed(x.as_str())).collect()
        }
        let number = |n: Option<u32>| Cow::Owned(n.map(|x| x.to_string()).unwrap_or_default());
        ReportFields {
            report_id: text(&self.report_id),
            organisation: text(&self.organisation),
            round: text(&self.round),
            origin: text(&self.origin),
            transit: list(&self.transit),
            intended_destination: text(&self.intended_destination),
            exploitation_place: text(&self.exploitation_place),
            exploitation_types: list(&self.exploitation_types),
            sectors: list(&self.sectors),
            transport_modes: list(&self.transport_modes),
            recruitment_methods: list(&self.recruitment_methods),
            recruiter_relationship: list(&self.recruiter_relationship),
            victims: number(self.victims),
            female: number(self.female),
            male: number(self.male),
            children: number(self.children),
            adults: number(self.adults),
            period_start: text(&self.period_start),
            period_end: text(&self.period_end),
            source: text(&self.source),
            confidence: text(&self.confidence),
            notes: text(&self.notes),
            names_checked: self.names_checked,
        }
    }
}

fn invalid(details: Value) -> ApiError {
    ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_report", "the report has problems").with_details(details)
}

/// The API speaks English, like the rest of its messages.
fn problems_json(problems: &[vjt_domain::FieldProblem]) -> Vec<Value> {
    problems
        .iter()
        .map(|p| json!({ "field": p.field.code(), "value": p.value, "message": p.message.to_string() }))
        .collect()
}

/// Why the API did not save: the service's reasons, or array items that are not one place each.
enum SaveError {
    Submit(SubmitError),
    Items(Vec<Value>),
}

impl From<SubmitError> for SaveError {
    fn from(e: SubmitError) -> Self {
        SaveError::Submit(e)
    }
}

impl From<vjt_store::StoreError> for SaveError {
    fn from(e: vjt_store::StoreError) -> Self {
        SaveError::Submit(SubmitError::Store(e))
    }
}

fn save_error(e: SaveError) -> ApiError {
    match e {
        SaveError::Submit(SubmitError::Invalid(problems)) => invalid(problems_json(&problems).into()),
        SaveError::Submit(SubmitError::NotFound) => ApiError::not_found(),
        SaveError::Submit(SubmitError::Forbidden) => ApiError::forbidden("viewers cannot submit reports"),
        SaveError::Submit(SubmitError::Store(e)) => e.into(),
        SaveError::Items(details) => invalid(details.into()),
    }
}

/// Saves a report for the caller and answers with it as stored.
async fn save(state: &AppState, caller: &ApiCaller, input: ReportInput, target: Target) -> Result<Value, ApiError> {
    let who = caller.caller.clone();
    let (stored, names) = state
        .blocking(move |s| -> Result<(StoredReport, Names), SaveError> {
            let items = input.item_problems();
            if !items.is_empty() {
                // Every problem at once: the items', and whatever else the report has.
                let mut all = items;
                if let Err(SubmitError::Invalid(more)) = service::check(s, &who, input.fields(), target) {
                    all.extend(problems_json(&more));
                }
                return Err(SaveError::Items(all));
            }
            let done = service::submit(s, &who, input.fields(), target)?;
            let stored = s.report(done.id)?.ok_or(SubmitError::NotFound)?;
            Ok((stored, names_of(done.organisations, done.rounds)))
        })
        .await
        .map_err(save_error)?;
    state.forget_analyses();
    Ok(report_json(&stored, &names, caller))
}

/// POST /api/v1/reports: stores a report for the caller's organisation.
pub async fn create_report(
    State(state): State<AppState>,
    caller: ApiCaller,
    Json(input): Json<ReportInput>,
) -> Result<Response, ApiError> {
    let saved = save(&state, &caller, input, Target::New).await?;
    Ok((StatusCode::CREATED, Json(saved)).into_response())
}

/// GET /api/v1/reports/{id}
pub async fn get_report(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let who = caller.caller.clone();
    let (stored, names) = state
        .blocking(move |s| -> Result<_, vjt_store::StoreError> {
            Ok((service::visible(s, &who, RouteReportId(id))?, names(s)?))
        })
        .await?;
    let stored = stored.ok_or_else(ApiError::not_found)?;
    Ok(Json(report_json(&stored, &names, &caller)))
}

/// PUT /api/v1/reports/{id}: replaces what report `id` says (its organisation and reference
/// stay); only that report changes.
pub async fn update_report(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
    Json(input): Json<ReportInput>,
) -> Result<Json<Value>, ApiError> {
    Ok(Json(save(&state, &caller, input, Target::Edit(RouteReportId(id))).await?))
}

/// DELETE /api/v1/reports/{id}
pub async fn delete_report(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    let who = caller.caller.clone();
    let deleted = state
        .blocking(move |s| -> Result<bool, vjt_store::StoreError> {
            match service::visible(s, &who, RouteReportId(id))? {
                Some(r) if policy::can_write_report(&who, r.report.organisation) => {
                    s.delete_report(r.id)?;
                    s.audit(Some(who.user_id), "report_deleted", &id.to_string())?;
                    Ok(true)
                }
                _ => Ok(false),
            }
        })
        .await?;
    if !deleted {
        return Err(ApiError::not_found());
    }
    state.forget_analyses();
    Ok(StatusCode::NO_CONTENT)
}

/// Hides small counts (1..k-1 become "<k") everywhere in an analysis document, and every trace
/// of submitting organisations: what a viewer may receive.
pub fn for_viewers(mut doc: Value, k: u64) -> Value {
    fn walk(v: &mut Value, key: &str, k: u64) {
        match v {
            Value::Object(map) => {
                for (child_key, child) in map.iter_mut() {
                    walk(child, child_key, k);
                }
            }
            Value::Array(items) => items.iter_mut().for_each(|i| walk(i, key, k)),
            // County numbers are codes, not counts.
            Value::Number(n) if key != "number" && n.as_u64().is_some_and(|x| x > 0 && x < k) => {
                *v = Value::String(format!("<{k}"));
            }
            _ => {}
        }
    }
    if let Some(d) = doc.get_mut("duplicates").and_then(Value::as_object_mut) {
        if let Some(clusters) = d.get_mut("clusters").and_then(Value::as_array_mut) {
            for c in clusters.iter_mut() {
                if let Some(obj) = c.as_object_mut() {
                    obj.remove("members");
                    obj.remove("key");
                }
            }
        }
    }
    walk(&mut doc, "", k);
    doc
}

/// An analysis document as JSON text, written into a buffer the size of the last one made.
/// Grown from nothing, the buffer of a 2.8 MiB document was copied a dozen times over, each
/// time into memory the system had to hand over and zero: a tenth of the server's CPU under the
/// mixed load went to that.
fn document_text(doc: &impl serde::Serialize) -> String {
    static LAST: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let last = LAST.load(std::sync::atomic::Ordering::Relaxed);
    let mut out = Vec::with_capacity(last + last / 8);
    if serde_json::to_writer(&mut out, doc).is_err() {
        return String::new();
    }
    LAST.store(out.len(), std::sync::atomic::Ordering::Relaxed);
    // serde_json writes UTF-8 only.
    String::from_utf8(out).unwrap_or_default()
}

/// The analysis API's filters.
#[derive(Deserialize, schemars::JsonSchema)]
pub struct AnalysisQuery {
    /// Only this collection round (by name).
    pub round: Option<String>,
    /// Only routes seen from this month (YYYY-MM).
    pub from: Option<String>,
    /// Only routes seen up to this month (YYYY-MM).
    pub to: Option<String>,
    /// Only this form of exploitation (a vocabulary code).
    pub exploitation: Option<String>,
}

/// GET /api/v1/analysis?round=&from=&to=&exploitation=
pub async fn analysis(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(q): Query<AnalysisQuery>,
) -> Result<Response, ApiError> {
    let scope = policy::scope(&caller.caller);
    let query = crate::pages::dashboard::DashboardQuery {
        round: q.round,
        from: q.from,
        to: q.to,
        exploitation: q.exploitation,
        excel: None,
    };
    // Made once per scope and filters, kept until the data changes: the document is large.
    let made = state
        .fragment(scope, query.filters(), vjt_domain::Lang::En, "analysis.json", move |a| {
            if scope == Scope::Aggregates {
                serde_json::to_value(a).map(|v| for_viewers(v, 5)).map(|v| document_text(&v))
            } else {
                Ok(document_text(a))
            }
            .unwrap_or_default()
        })
        .await;
    let body = match made {
        Ok(body) => body,
        Err(ApiErrorOrFilter::Filter(m)) => {
            return Err(ApiError::new(StatusCode::BAD_REQUEST, "bad_filter", m.to_string()))
        }
        Err(ApiErrorOrFilter::Server(e)) => return Err(e),
    };
    // Sent straight from the cached text, without a copy per request.
    struct Shared(std::sync::Arc<str>);
    impl AsRef<[u8]> for Shared {
        fn as_ref(&self) -> &[u8] {
            self.0.as_bytes()
        }
    }
    let body = axum::body::Bytes::from_owner(Shared(body));
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response())
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct ResolveQuery {
    /// The place name as typed (at most 200 characters).
    pub q: String,
    /// The language of each place's `description`: en (the default) or sw.
    pub lang: Option<String>,
}

/// GET /api/v1/places/resolve?q=TEXT: the resolver's answer, for autocomplete.
pub async fn resolve(
    State(state): State<AppState>,
    _caller: ApiCaller,
    Query(q): Query<ResolveQuery>,
) -> Result<Json<Value>, ApiError> {
    if q.q.chars().count() > 200 {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "too_long", "a place name is at most 200 characters"));
    }
    let words = crate::words::Words::new(q.lang.as_deref().and_then(vjt_domain::Lang::from_code).unwrap_or_default());
    let answer = state
        .blocking(move |s| -> Result<Value, vjt_store::StoreError> {
            let resolver = vjt_service::places::resolver(s)?;
            let g = Gazetteer::embedded();
            let place = |ix| {
                let summary = g.summary(ix);
                let mut v = json!(summary);
                v["description"] = json!(crate::pages::reports::describe_place(&words, &summary));
                v
            };
            let r = resolver.resolve(&q.q, &Context::default());
            let resolved = r.status == Status::Resolved;
            let mut seen = BTreeSet::new();
            let alternatives: Vec<Value> = r
                .best
                .iter()
                .filter(|_| !resolved)
                .chain(r.alternatives.iter())
                .filter(|m| seen.insert(m.place))
                .take(5)
                .map(|m| json!({ "place": place(m.place), "score": (m.score * 1000.0).round() / 1000.0 }))
                .collect();
            Ok(json!({
                "input": r.input,
                "status": if resolved { "resolved" } else { "unresolved" },
                "place": r.best.filter(|_| resolved).map(|m| place(m.place)),
                "score": r.best.map(|m| (m.score * 1000.0).round() / 1000.0),
                // "fuzzy": read through a misspelling, for the person to confirm.
                "how": r.best.filter(|_| resolved).map(|m| m.how),
                "alternatives": alternatives,
            }))
        })
        .await?;
    Ok(Json(answer))
}

/// GET /api/v1/releases: every release, newest first (viewers' way to the figures).
pub async fn releases(State(state): State<AppState>, _caller: ApiCaller) -> Result<Json<Value>, ApiError> {
    let list = state.blocking(|s| s.releases()).await?;
    let items: Vec<Value> = list
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "version": r.version,
                "title": r.title,
                "created_at": r.created_at,
                "rounds": r.rounds,
                "threshold": r.threshold,
                "withdrawn": r.withdrawn.is_some(),
                "files": r.files.iter().map(|f| json!({"name": f.path, "sha256": f.sha256, "bytes": f.bytes})).collect::<Vec<_>>(),
            })
        })
        .collect();
    Ok(Json(json!({ "items": items })))
}

/// GET /api/v1/releases/{id}/files/{name}: one file as signed (audited).
pub async fn release_file(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path((id, name)): Path<(i64, String)>,
) -> Result<Response, ApiError> {
    crate::pages::releases::release_file(&state, &caller.0, id, name).await.map_err(|e| match e {
        crate::pages::releases::FileError::NotFound => ApiError::not_found(),
        crate::pages::releases::FileError::Store(e) => e.into(),
    })
}
