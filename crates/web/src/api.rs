//! The JSON API under /api/v1. Every handler asks `policy` before it reads or writes a report.

use std::collections::{BTreeSet, HashMap};
use std::sync::Arc;

use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde::Deserialize;
use serde_json::{json, Value};
use vjt_analysis::{analyze, Decision, Filter, Options};
use vjt_domain::{name_key, OrganisationId, ReportRef, RouteReportId, StoredReport, Vocabulary, YearMonth};
use vjt_gazetteer::{Context, Gazetteer, Resolver, Status};
use vjt_store::{ReportQuery, Store};

use crate::auth::{open_session, sign_in, SignInError};
use crate::policy::{self, Caller, Scope};
use crate::{ApiError, AppState};

impl<S: Send + Sync> axum::extract::OptionalFromRequestParts<S> for Caller {
    type Rejection = std::convert::Infallible;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Option<Self>, Self::Rejection> {
        Ok(parts.extensions.get::<Caller>().cloned())
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Caller {
    type Rejection = ApiError;
    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, ApiError> {
        parts.extensions.get::<Caller>().cloned().ok_or_else(ApiError::unauthenticated)
    }
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct Credentials {
    pub email: String,
    pub password: String,
}

/// POST /api/v1/tokens: an API token for an e-mail and password (shown once).
pub async fn create_token(State(state): State<AppState>, Json(c): Json<Credentials>) -> Result<Response, ApiError> {
    let result = state
        .with_store(move |s| match sign_in(s, &c.email, &c.password) {
            Ok(user) => open_session(s, &user, "api", 90).map(|(token, _)| Ok(token)).map_err(|e| e.to_string()),
            Err(e) => Ok(Err(e)),
        })
        .await
        .map_err(ApiError::internal)?;
    match result {
        Ok(token) => Ok((StatusCode::CREATED, Json(json!({ "token": token }))).into_response()),
        Err(SignInError::Locked) => Err(ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "locked",
            format!("too many failed sign-ins; try again in {} minutes", crate::auth::LOCK_MINUTES),
        )),
        Err(SignInError::Invalid) => {
            Err(ApiError::new(StatusCode::UNAUTHORIZED, "invalid_credentials", "the e-mail or password is wrong"))
        }
        Err(SignInError::Store(e)) => Err(ApiError::internal(e)),
    }
}

/// DELETE /api/v1/tokens/current: ends the token (or session) the request came with.
pub async fn revoke_token(State(state): State<AppState>, caller: Caller) -> Result<StatusCode, ApiError> {
    let hash = caller.token_hash.clone();
    state.with_store(move |s| s.delete_session(&hash)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A stored report as the API shows it; the submitting organisation only to those allowed.
fn report_json(
    s: &StoredReport,
    g: &Gazetteer,
    orgs: &HashMap<i64, String>,
    rounds: &HashMap<i64, String>,
    caller: &Caller,
) -> Value {
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
        "round": rounds.get(&r.round.0),
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
    if policy::can_see_submitter(caller, r.organisation) {
        v["organisation"] = json!(orgs.get(&r.organisation.0));
    }
    v
}

/// Organisation and round names by id.
type Names = (HashMap<i64, String>, HashMap<i64, String>);

fn names(store: &Store) -> Result<Names, vjt_store::StoreError> {
    let orgs = store.organisations()?.into_iter().map(|o| (o.id.0, o.name.to_string())).collect();
    let rounds = store.rounds()?.into_iter().map(|r| (r.id.0, r.name.to_string())).collect();
    Ok((orgs, rounds))
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
    caller: Caller,
    Query(page): Query<Page>,
) -> Result<Json<Value>, ApiError> {
    if !policy::can_list_reports(&caller) {
        return Err(ApiError::not_found());
    }
    let query = match policy::scope(&caller) {
        Scope::Organisation(org) => ReportQuery { organisation: Some(org), round: None },
        _ => ReportQuery::default(),
    };
    let limit = page.limit.unwrap_or(50).clamp(1, 200);
    let after = page.after.map(RouteReportId);
    let (items, orgs, rounds) = state
        .with_store(move |s| -> Result<_, vjt_store::StoreError> {
            let items = s.reports_page(&query, after, limit)?;
            let (orgs, rounds) = names(s)?;
            Ok((items, orgs, rounds))
        })
        .await?;
    let g = Gazetteer::embedded();
    let next = (items.len() == limit as usize).then(|| items.last().map(|r| r.id.0)).flatten();
    let list: Vec<Value> = items.iter().map(|r| report_json(r, g, &orgs, &rounds, &caller)).collect();
    Ok(Json(json!({ "items": list, "limit": limit, "next_after": next })))
}

/// A report as the API takes it: the template's fields; `transit` and vocabularies as arrays.
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
    /// Estimated number of victims or cases on this route.
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
}

fn invalid(details: Value, message: &str) -> ApiError {
    ApiError { details, ..ApiError::new(StatusCode::UNPROCESSABLE_ENTITY, "invalid_report", message) }
}

/// Validates an API report with the importer's own rules (the same messages as a spreadsheet
/// row), screens its text for personal data, and resolves its places.
pub(crate) fn build_report(
    s: &Store,
    caller: &Caller,
    input: ReportInput,
    fixed: Option<(OrganisationId, Option<String>)>,
) -> Result<vjt_domain::RouteReport, ApiError> {
    // Array items are places one by one: a ';' inside one or an empty one is a mistake that the
    // spreadsheet form (one cell, ';'-separated) would hide.
    let mut early = Vec::new();
    for (i, t) in input.transit.iter().enumerate() {
        if t.contains(';') {
            early.push(json!({ "field": "transit", "value": t, "message": format!("item {} holds several places; give each transit point as its own array item", i + 1) }));
        } else if t.trim().is_empty() {
            early.push(json!({ "field": "transit", "value": t, "message": format!("item {} is empty", i + 1) }));
        }
    }
    let orgs: HashMap<String, OrganisationId> =
        s.organisations()?.into_iter().map(|o| (name_key(o.name.as_str()), o.id)).collect();
    let rounds: HashMap<String, vjt_domain::RoundId> =
        s.rounds()?.into_iter().map(|r| (name_key(r.name.as_str()), r.id)).collect();
    let organisation = match (&fixed, &input.organisation) {
        (Some((org, _)), _) => *org,
        (None, Some(name)) if policy::can_submit_for_others(caller) => *orgs.get(&name_key(name)).ok_or_else(|| {
            invalid(
                json!([{ "field": "organisation", "message": format!("'{name}' is not a registered organisation") }]),
                "the report has problems",
            )
        })?,
        _ => caller.organisation,
    };
    let reference = match &fixed {
        Some((_, Some(r))) => r.clone(),
        _ => input.report_id.clone().unwrap_or_else(|| format!("api-{}", &crate::auth::new_token()[..16])),
    };
    fn list(v: &[String]) -> Vec<std::borrow::Cow<'_, str>> {
        v.iter().map(|x| std::borrow::Cow::Borrowed(x.as_str())).collect()
    }
    fn text(v: &Option<String>) -> std::borrow::Cow<'_, str> {
        std::borrow::Cow::Borrowed(v.as_deref().unwrap_or(""))
    }
    let num = |n: Option<u32>| std::borrow::Cow::Owned(n.map(|x| x.to_string()).unwrap_or_default());
    let fields = vjt_domain::ReportFields {
        report_id: std::borrow::Cow::Owned(reference),
        organisation: std::borrow::Cow::Borrowed(""),
        round: text(&input.round),
        origin: text(&input.origin),
        transit: list(&input.transit),
        intended_destination: text(&input.intended_destination),
        exploitation_place: text(&input.exploitation_place),
        exploitation_types: list(&input.exploitation_types),
        sectors: list(&input.sectors),
        transport_modes: list(&input.transport_modes),
        recruitment_methods: list(&input.recruitment_methods),
        recruiter_relationship: list(&input.recruiter_relationship),
        victims: num(input.victims),
        female: num(input.female),
        male: num(input.male),
        children: num(input.children),
        adults: num(input.adults),
        period_start: text(&input.period_start),
        period_end: text(&input.period_end),
        source: text(&input.source),
        confidence: text(&input.confidence),
        notes: text(&input.notes),
    };
    let ctx = vjt_domain::FieldContext {
        organisations: &orgs,
        rounds: &rounds,
        default_org: Some(organisation),
        default_round: None,
    };
    let parsed = fields.parse(&ctx);
    if !early.is_empty() || parsed.is_err() {
        let mut details = early;
        if let Err(problems) = &parsed {
            details.extend(
                problems.iter().map(
                    |p| json!({ "field": p.field.code(), "value": p.value, "message": p.message.text(caller.lang) }),
                ),
            );
        }
        return Err(invalid(Value::from(details), "the report has problems"));
    }
    let mut parsed = parsed.map_err(|_| ApiError::internal("validation result lost"))?;
    let mut resolver = Resolver::new(Gazetteer::embedded());
    for alias in s.place_aliases()? {
        resolver.add_alias(&alias.text, &alias.place.0);
    }
    resolver.resolve_journey(parsed.report.journey_mut(), Some("KE"));
    Ok(parsed.report)
}

/// POST /api/v1/reports: stores a report for the caller's organisation.
pub async fn create_report(
    State(state): State<AppState>,
    caller: Caller,
    Json(input): Json<ReportInput>,
) -> Result<Response, ApiError> {
    if caller.role == vjt_domain::Role::Viewer {
        return Err(ApiError::forbidden("viewers cannot submit reports"));
    }
    let c = caller.clone();
    let stored = state
        .with_store(move |s| -> Result<_, ApiError> {
            let report = build_report(s, &c, input, None)?;
            let summary = s.save_reports(std::slice::from_ref(&report))?;
            s.audit(Some(c.user_id), "report_saved", &summary.ids[0].0.to_string())?;
            let stored = s.report(summary.ids[0])?.ok_or_else(ApiError::not_found)?;
            let (orgs, rounds) = names(s)?;
            Ok((stored, orgs, rounds))
        })
        .await?;
    state.forget_analyses();
    let (stored, orgs, rounds) = stored;
    Ok((StatusCode::CREATED, Json(report_json(&stored, Gazetteer::embedded(), &orgs, &rounds, &caller)))
        .into_response())
}

/// Loads a report the caller may see; anything else is "not found".
fn visible(s: &Store, caller: &Caller, id: i64) -> Result<StoredReport, ApiError> {
    match s.report(RouteReportId(id))? {
        Some(r) if policy::can_see_report(caller, r.report.organisation) => Ok(r),
        _ => Err(ApiError::not_found()),
    }
}

/// GET /api/v1/reports/{id}
pub async fn get_report(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<Json<Value>, ApiError> {
    let c = caller.clone();
    let (stored, orgs, rounds) = state
        .with_store(move |s| -> Result<_, ApiError> {
            let stored = visible(s, &c, id)?;
            let (orgs, rounds) = names(s)?;
            Ok((stored, orgs, rounds))
        })
        .await?;
    Ok(Json(report_json(&stored, Gazetteer::embedded(), &orgs, &rounds, &caller)))
}

/// PUT /api/v1/reports/{id}: replaces what the report says (its organisation and reference stay).
pub async fn update_report(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
    Json(input): Json<ReportInput>,
) -> Result<Json<Value>, ApiError> {
    let c = caller.clone();
    let (stored, orgs, rounds) = state
        .with_store(move |s| -> Result<_, ApiError> {
            let existing = visible(s, &c, id)?;
            if !policy::can_write_report(&c, existing.report.organisation) {
                return Err(ApiError::not_found());
            }
            let fixed = (existing.report.organisation, existing.report.report_id.as_ref().map(ReportRef::to_string));
            let report = build_report(s, &c, input, Some(fixed))?;
            s.save_reports(std::slice::from_ref(&report))?;
            s.audit(Some(c.user_id), "report_updated", &id.to_string())?;
            let stored = visible(s, &c, id)?;
            let (orgs, rounds) = names(s)?;
            Ok((stored, orgs, rounds))
        })
        .await?;
    state.forget_analyses();
    Ok(Json(report_json(&stored, Gazetteer::embedded(), &orgs, &rounds, &caller)))
}

/// DELETE /api/v1/reports/{id}
pub async fn delete_report(
    State(state): State<AppState>,
    caller: Caller,
    Path(id): Path<i64>,
) -> Result<StatusCode, ApiError> {
    state
        .with_store(move |s| -> Result<_, ApiError> {
            let existing = visible(s, &caller, id)?;
            if !policy::can_write_report(&caller, existing.report.organisation) {
                return Err(ApiError::not_found());
            }
            s.delete_report(existing.id)?;
            s.audit(Some(caller.user_id), "report_deleted", &id.to_string())?;
            Ok(())
        })
        .await?;
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

/// The filters of a query string (`round`, `from`, `to`, `exploitation`), checked.
pub(crate) fn filter_from(s: &Store, params: &HashMap<String, String>) -> Result<Filter, ApiError> {
    let mut filter = Filter::default();
    if let Some(name) = params.get("round").filter(|n| !n.is_empty()) {
        let round = s.round_named(name)?.ok_or_else(|| {
            ApiError::new(StatusCode::BAD_REQUEST, "bad_filter", format!("no round is named '{name}'"))
        })?;
        filter.rounds.push(round.id.0);
    }
    let month = |key: &str| -> Result<Option<YearMonth>, ApiError> {
        params
            .get(key)
            .filter(|m| !m.is_empty())
            .map(|m| {
                YearMonth::parse(m)
                    .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_filter", format!("{key}: {e}")))
            })
            .transpose()
    };
    let (from, to) = (month("from")?, month("to")?);
    if from.is_some() || to.is_some() {
        filter.period = Some((
            from.unwrap_or(YearMonth::new(1900, 1).expect("valid")),
            to.unwrap_or(YearMonth::new(2200, 12).expect("valid")),
        ));
    }
    if let Some(t) = params.get("exploitation").filter(|t| !t.is_empty()) {
        let t = vjt_domain::ExploitationType::parse(t)
            .map_err(|e| ApiError::new(StatusCode::BAD_REQUEST, "bad_filter", e.to_string()))?;
        filter.exploitation.push(t);
    }
    Ok(filter)
}

/// Analyses what a scope may see, with the query's filters and the coordinator's duplicate
/// decisions: the one way the API and the dashboard get their figures.
pub(crate) fn analyse(
    s: &Store,
    scope: Scope,
    params: &HashMap<String, String>,
) -> Result<vjt_analysis::Analysis, ApiError> {
    let filter = filter_from(s, params)?;
    let query = match scope {
        Scope::Organisation(org) => ReportQuery { organisation: Some(org), round: None },
        _ => ReportQuery::default(),
    };
    let decisions: HashMap<String, Decision> = s
        .duplicate_decisions()?
        .into_iter()
        .map(|(k, d)| (k, if d == "split" { Decision::Split } else { Decision::Confirmed }))
        .collect();
    let data = crate::load_dataset(s, Gazetteer::embedded(), &query)?;
    Ok(analyze(&data, &filter, &Options { decisions, ..Options::default() }))
}

/// The analysis document for a caller's scope and filters, cached until a report changes.
pub async fn analysis_for(
    state: &AppState,
    caller: &Caller,
    params: HashMap<String, String>,
) -> Result<Arc<Value>, ApiError> {
    let scope = policy::scope(caller);
    let mut keys: Vec<String> = params.iter().map(|(k, v)| format!("{k}={v}")).collect();
    keys.sort();
    let cache_key = format!("{scope:?}|{}", keys.join("&"));
    state.notice_outside_changes().await;
    if let Some(hit) = state.cached(&cache_key) {
        return Ok(hit);
    }
    let _flight = state.flight(&cache_key).await;
    if let Some(hit) = state.cached(&cache_key) {
        return Ok(hit);
    }
    let generation = state.generation();
    let doc = state
        .with_store(move |s| -> Result<Value, ApiError> {
            let a = analyse(s, scope, &params)?;
            let doc = serde_json::to_value(&a).map_err(ApiError::internal)?;
            Ok(if scope == Scope::Aggregates { for_viewers(doc, 5) } else { doc })
        })
        .await?;
    let doc = Arc::new(doc);
    state.remember(cache_key, doc.clone(), generation);
    Ok(doc)
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
    caller: Caller,
    Query(q): Query<AnalysisQuery>,
) -> Result<Response, ApiError> {
    let params: HashMap<String, String> =
        [("round", q.round), ("from", q.from), ("to", q.to), ("exploitation", q.exploitation)]
            .into_iter()
            .filter_map(|(k, v)| v.map(|v| (k.to_string(), v)))
            .collect();
    let doc = analysis_for(&state, &caller, params).await?;
    // Written straight from the cached document: no copy of the whole tree per request.
    let body = serde_json::to_vec(&*doc).map_err(ApiError::internal)?;
    Ok(([(axum::http::header::CONTENT_TYPE, "application/json")], body).into_response())
}

#[derive(Deserialize, schemars::JsonSchema)]
pub struct ResolveQuery {
    /// The place name as typed (at most 200 characters).
    pub q: String,
}

/// GET /api/v1/places/resolve?q=TEXT: the resolver's answer, for autocomplete.
pub async fn resolve(
    State(state): State<AppState>,
    _caller: Caller,
    Query(q): Query<ResolveQuery>,
) -> Result<Json<Value>, ApiError> {
    if q.q.chars().count() > 200 {
        return Err(ApiError::new(StatusCode::BAD_REQUEST, "too_long", "a place name is at most 200 characters"));
    }
    let aliases = state.with_store(|s| s.place_aliases()).await?;
    let g = Gazetteer::embedded();
    let mut resolver = Resolver::new(g);
    for a in aliases {
        resolver.add_alias(&a.text, &a.place.0);
    }
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
        .map(|m| json!({ "place": g.summary(m.place), "score": (m.score * 1000.0).round() / 1000.0 }))
        .collect();
    Ok(Json(json!({
        "input": r.input,
        "status": if resolved { "resolved" } else { "unresolved" },
        "place": r.best.filter(|_| resolved).map(|m| g.summary(m.place)),
        "score": r.best.map(|m| (m.score * 1000.0).round() / 1000.0),
        "alternatives": alternatives,
    })))
}
