//! The dashboard (key figures, the county risk map, counties and corridors for the caller's
//! scope and filters), each county's page, the full report as a download, and the reports as
//! CSV. Figures come typed from the analysis; viewers see small numbers hidden.

use std::sync::Arc;

use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use vjt_analysis::output::CountyActivity;
use vjt_analysis::Analysis;
use vjt_domain::{Arg, ExploitationType, Lang, Vocabulary};
use vjt_render::Disclosure;
use vjt_service::figures::Filters;
use vjt_service::{policy, Scope};

use super::{render, Layout};
use crate::error::PageError;
use crate::session::{PageLang, SignedIn};
use crate::state::ApiErrorOrFilter;
use crate::words::Words;
use crate::AppState;

/// The dashboard's query string: the filters, as a person chose them.
#[derive(Deserialize, Default, Debug, Clone)]
pub struct DashboardQuery {
    pub round: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub exploitation: Option<String>,
    /// The CSV export for Excel on Windows (with a byte-order mark).
    pub excel: Option<String>,
}

impl DashboardQuery {
    pub fn filters(&self) -> Filters {
        let one = |v: &Option<String>| v.as_ref().map(|s| s.trim().to_string()).filter(|s| !s.is_empty());
        Filters {
            rounds: one(&self.round).into_iter().collect(),
            from: one(&self.from),
            to: one(&self.to),
            exploitation: one(&self.exploitation).into_iter().collect(),
            ..Filters::default()
        }
    }

    /// The same choices as a query string (with its `?`), for links that keep them.
    pub fn query_string(&self) -> String {
        let pairs: Vec<String> =
            [("round", &self.round), ("from", &self.from), ("to", &self.to), ("exploitation", &self.exploitation)]
                .into_iter()
                .filter_map(|(k, v)| {
                    v.as_ref()
                        .filter(|v| !v.trim().is_empty())
                        .map(|v| format!("{k}={}", super::encode_query_value(v.trim())))
                })
                .collect();
        if pairs.is_empty() {
            String::new()
        } else {
            format!("?{}", pairs.join("&"))
        }
    }
}

/// Viewers see small numbers hidden; everyone else sees their own scope in full.
pub fn disclosure_for(scope: Scope) -> Disclosure {
    Disclosure { threshold: if scope == Scope::Aggregates { 5 } else { 1 } }
}

/// The filters in words, for the page and the downloads to say what they show (the same words
/// as `vjt report` with flags, from the service layer).
fn describe_filters(w: &Words, q: &DashboardQuery) -> String {
    q.filters().describe(w.lang).unwrap_or_else(|| w.t("dash-filter-all-rounds"))
}

/// One row of the counties table.
struct CountyRow {
    iso: String,
    name: String,
    active: bool,
    risk: String,
    band: String,
    origin: String,
    transit: String,
    destination: String,
}

struct CorridorRow {
    from: String,
    to: String,
    reports: String,
    victims: String,
}

#[derive(Template)]
#[template(path = "dashboard_figures.html")]
struct Figures {
    w: Words,
    query: String,
    generated: String,
    reports: String,
    organisations: String,
    victims: String,
    distinct_routes: String,
    summary: Vec<String>,
    risk_svg: String,
    /// The map's colours (as `#rrggbb`) and what each stands for.
    legend: Vec<(String, String)>,
    credit: String,
    counties: Vec<CountyRow>,
    corridors: Vec<CorridorRow>,
    hidden_note: Option<String>,
}

fn active(c: &CountyActivity) -> bool {
    c.roles.total_reports() > 0
}

fn figures_fragment(a: &Analysis, scope: Scope, lang: Lang, rounds: Vec<String>, query: String) -> String {
    let w = Words::new(lang);
    let d = disclosure_for(scope);
    let input = report_input(a, rounds, 100.0, d, lang);
    let mut counties: Vec<&CountyActivity> = a.counties.iter().collect();
    counties.sort_by(|x, y| {
        active(y).cmp(&active(x)).then(y.risk_score.total_cmp(&x.risk_score)).then(x.name.cmp(&y.name))
    });
    let cat = vjt_render::Catalogue::new(lang);
    let counties = counties
        .into_iter()
        .map(|c| CountyRow {
            iso: c.iso.clone(),
            name: c.name.clone(),
            active: active(c),
            risk: format!("{:.0}", c.risk_score),
            band: cat.t(&format!("band_{}", c.risk_band)),
            origin: d.show(c.roles.origin.reports),
            transit: d.show(c.roles.transit.reports),
            destination: d.show(c.roles.destination.reports + c.roles.exploitation.reports),
        })
        .collect();
    let corridors = a
        .corridors
        .county
        .iter()
        .take(10)
        .map(|k| CorridorRow {
            from: k.from.name.clone(),
            to: k.to.name.clone(),
            reports: d.show(k.reports),
            victims: d.show(k.victims),
        })
        .collect();
    let t = &a.totals;
    let page = Figures {
        w,
        query,
        generated: w.f("dash-generated", &[("reports", Arg::from(d.show(t.reports)))]),
        reports: d.show(t.reports),
        organisations: d.show(t.organisations),
        victims: d.show(t.victims),
        distinct_routes: d.show(t.distinct_routes),
        summary: vjt_render::report::summary_sentences(&input),
        risk_svg: vjt_render::svg::render(&vjt_render::maps::risk_map_for_screen(a, &cat)),
        legend: vjt_render::maps::risk_legend(&cat).into_iter().map(|(c, label)| (c.hex(), label)).collect(),
        credit: cat.t("attribution_short"),
        counties,
        corridors,
        hidden_note: (d.threshold > 1).then(|| {
            cat.f("method_small_numbers", &[("k1", (d.threshold - 1).to_string()), ("k", d.threshold.to_string())])
        }),
    };
    page.render().unwrap_or_else(|e| format!("<p class=\"error\">{e}</p>"))
}

/// What the report and the dashboard need beside the analysis.
pub fn report_input(
    a: &Analysis,
    rounds: Vec<String>,
    resolved_share: f64,
    disclosure: Disclosure,
    lang: Lang,
) -> vjt_render::ReportInput<'_> {
    vjt_render::ReportInput {
        analysis: a,
        gazetteer: vjt_gazetteer::Gazetteer::embedded(),
        lang,
        title: None,
        rounds,
        organisation_kinds: vjt_render::organisation_kinds(a, lang),
        notes: None,
        date: chrono::Utc::now().format("%Y-%m-%d").to_string(),
        disclosure,
        resolved_share,
        filtered: None,
    }
}

struct RoundOption {
    name: String,
    chosen: bool,
}

struct TypeOption {
    code: &'static str,
    label: &'static str,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "dashboard.html")]
struct DashboardPage {
    layout: Layout,
    rounds: Vec<RoundOption>,
    types: Vec<TypeOption>,
    from: String,
    to: String,
    showing: String,
    problem: Option<String>,
    figures: Arc<str>,
    query: String,
    can_export: bool,
}

/// The rounds a filter names (or all of them), for the report's cover.
fn round_names(all: &[String], q: &DashboardQuery) -> Vec<String> {
    match q.round.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
        Some(r) => vec![r.to_string()],
        None => all.to_vec(),
    }
}

/// GET /dashboard
pub async fn dashboard(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let scope = policy::scope(&session.caller);
    let all_rounds: Vec<String> = state.blocking(|s| s.rounds()).await?.iter().map(|r| r.name.to_string()).collect();
    let w = Words::new(lang);
    let query = q.query_string();
    let names = round_names(&all_rounds, &q);
    let made = state
        .fragment(scope, q.filters(), lang, "dashboard", {
            let query = query.clone();
            move |a| figures_fragment(a, scope, lang, names, query)
        })
        .await;
    let (figures, problem, status) = match made {
        Ok(f) => (f, None, StatusCode::OK),
        Err(ApiErrorOrFilter::Filter(m)) => (Arc::from(""), Some(w.message(&m)), StatusCode::BAD_REQUEST),
        Err(ApiErrorOrFilter::Server(e)) => return Ok(e.into_response()),
    };
    let page = DashboardPage {
        layout: Layout::new(lang, Some(&session), "dash-title", "/dashboard"),
        rounds: all_rounds
            .iter()
            .map(|r| RoundOption { name: r.clone(), chosen: q.round.as_deref() == Some(r.as_str()) })
            .collect(),
        types: ExploitationType::all()
            .iter()
            .map(|t| TypeOption {
                code: t.code(),
                label: t.label(lang),
                chosen: q.exploitation.as_deref() == Some(t.code()),
            })
            .collect(),
        from: q.from.clone().unwrap_or_default(),
        to: q.to.clone().unwrap_or_default(),
        showing: describe_filters(&w, &q),
        problem,
        figures,
        query,
        can_export: policy::can_list_reports(&session.caller),
    };
    super::render_with(status, &page)
}

struct RoleRow {
    role: String,
    reports: String,
    victims: String,
    organisations: String,
}

struct ComponentRow {
    label: String,
    points: String,
}

struct PlaceRow {
    name: String,
    origin: String,
    transit: String,
    destination: String,
    exploitation: String,
}

#[derive(Template)]
#[template(path = "county.html")]
struct CountyPage {
    layout: Layout,
    back: String,
    standing: String,
    active: bool,
    roles: Vec<RoleRow>,
    components: Vec<ComponentRow>,
    from_here: Vec<CorridorRow>,
    to_here: Vec<CorridorRow>,
    places: Vec<PlaceRow>,
}

/// GET /dashboard/county/{iso}: one county's figures, risk and corridors, for what the caller
/// may see.
pub async fn county(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Path(iso): Path<String>,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let scope = policy::scope(&session.caller);
    let a = match state.analysis(scope, q.filters()).await {
        Ok(a) => a,
        Err(ApiErrorOrFilter::Filter(m)) => return Err(PageError::BadRequest(m)),
        Err(ApiErrorOrFilter::Server(e)) => return Ok(e.into_response()),
    };
    let Some(c) = a.counties.iter().find(|c| c.iso == iso) else { return Err(PageError::NotFound) };
    let w = Words::new(lang);
    let d = disclosure_for(scope);
    let cat = vjt_render::Catalogue::new(lang);
    let title = w.f("county-title", &[("name", Arg::Text(c.name.clone()))]);
    // Ranked among the counties some route touches, only when this one is among them.
    let mut ranked: Vec<&CountyActivity> = a.counties.iter().filter(|c| active(c)).collect();
    ranked.sort_by(|x, y| y.risk_score.total_cmp(&x.risk_score));
    let standing = match ranked.iter().position(|x| x.iso == iso) {
        Some(p) => w.f(
            "county-standing",
            &[
                ("score", Arg::Number(format!("{:.0}", c.risk_score))),
                ("band", Arg::Text(cat.t(&format!("band_{}", c.risk_band)))),
                ("rank", Arg::from(p + 1)),
                ("of", Arg::from(ranked.len())),
                ("region", Arg::Text(c.region.clone())),
            ],
        ),
        None => w.f("county-no-activity", &[("region", Arg::Text(c.region.clone()))]),
    };
    let role = |key: &str, s: &vjt_analysis::output::RoleStat| RoleRow {
        role: w.t(key),
        reports: d.show(s.reports),
        victims: d.show(s.victims),
        organisations: d.show(s.organisations),
    };
    let roles = vec![
        role("county-as-origin", &c.roles.origin),
        role("county-as-transit", &c.roles.transit),
        role("county-as-destination", &c.roles.destination),
        role("county-as-exploitation", &c.roles.exploitation),
    ];
    let k = &c.components;
    // Points only where they cannot be turned back into a hidden count.
    let components = if d.threshold > 1 {
        Vec::new()
    } else {
        [
            ("county-part-origin", k.origin),
            ("county-part-transit", k.transit),
            ("county-part-destination", k.destination),
            ("county-part-victims", k.victims),
            ("county-part-organisations", k.organisations),
            ("county-part-corroborated", k.corroborated),
        ]
        .into_iter()
        .map(|(key, points)| ComponentRow { label: w.t(key), points: format!("{points:.1}") })
        .collect()
    };
    let corridors = |end_is_from: bool| -> Vec<CorridorRow> {
        a.corridors
            .county
            .iter()
            .filter(|k| {
                let end = if end_is_from { &k.from } else { &k.to };
                end.kind == "county" && end.county.as_deref() == Some(iso.as_str())
            })
            .map(|k| CorridorRow {
                from: k.from.name.clone(),
                to: k.to.name.clone(),
                reports: d.show(k.reports),
                victims: d.show(k.victims),
            })
            .collect()
    };
    let places = a
        .places
        .iter()
        .filter(|p| p.county.as_deref() == Some(iso.as_str()) && p.kind != "county")
        .map(|p| PlaceRow {
            name: p.name.clone(),
            origin: d.show(p.roles.origin.reports),
            transit: d.show(p.roles.transit.reports),
            destination: d.show(p.roles.destination.reports),
            exploitation: d.show(p.roles.exploitation.reports),
        })
        .collect();
    let page = CountyPage {
        layout: Layout::titled(lang, Some(&session), title, ""),
        back: format!("/dashboard{}", q.query_string()),
        standing,
        active: active(c),
        roles,
        components,
        from_here: corridors(true),
        to_here: corridors(false),
        places,
    };
    render(&page)
}

/// GET /dashboard/report.html and /dashboard/report.pdf: the full report for the same choices.
pub async fn report_download(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Path(file): Path<String>,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let pdf = match file.as_str() {
        "report.html" => false,
        "report.pdf" => true,
        _ => return Err(PageError::NotFound),
    };
    let scope = policy::scope(&session.caller);
    let a = match state.analysis(scope, q.filters()).await {
        Ok(a) => a,
        Err(ApiErrorOrFilter::Filter(m)) => return Err(PageError::BadRequest(m)),
        Err(ApiErrorOrFilter::Server(e)) => return Ok(e.into_response()),
    };
    let all: Vec<String> = state.blocking(|s| s.rounds()).await?.iter().map(|r| r.name.to_string()).collect();
    let rounds = round_names(&all, &q);
    let (stops, unresolved) = state.blocking(|s| s.stop_counts()).await?;
    let share = if stops == 0 { 100.0 } else { 100.0 * (stops - unresolved) as f64 / stops as f64 };
    let w = Words::new(lang);
    let showing = (!q.filters().is_empty()).then(|| describe_filters(&w, &q));
    let bytes = state
        .blocking(move |_| {
            let mut input = report_input(&a, rounds, share, disclosure_for(scope), lang);
            input.filtered = showing;
            if pdf {
                vjt_render::pdf(&input)
            } else {
                vjt_render::html(&input).into_bytes()
            }
        })
        .await;
    let (kind, name) =
        if pdf { ("application/pdf", "vjt-report.pdf") } else { ("text/html; charset=utf-8", "vjt-report.html") };
    Ok((
        [
            (header::CONTENT_TYPE, kind.to_string()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
        ],
        bytes,
    )
        .into_response())
}

/// GET /reports/export.csv[?round=NAME]: the reports the caller may list, in the import
/// template's layout (coordinator: all; an organisation: its own).
pub async fn export_csv(
    State(state): State<AppState>,
    session: SignedIn,
    Query(q): Query<DashboardQuery>,
) -> Result<Response, PageError> {
    let scope = policy::scope(&session.caller);
    let user = session.caller.user_id;
    let round = q.round.clone().filter(|r| !r.trim().is_empty());
    let excel = q.excel.as_deref() == Some("1");
    let bytes = state
        .blocking(move |s| -> Result<Result<Vec<u8>, PageError>, PageError> {
            let round = match round {
                Some(name) => match s.round_named(&name)? {
                    Some(r) => Some(r.id),
                    None => {
                        return Ok(Err(PageError::BadRequest(
                            vjt_domain::Message::new("filter-no-such-round").with("name", Arg::Text(name)),
                        )))
                    }
                },
                None => None,
            };
            let mut query = vjt_service::figures::query_for(scope);
            query.round = round;
            let dir = std::env::temp_dir().join(format!("vjt-export-{}", std::process::id()));
            std::fs::create_dir_all(&dir).map_err(PageError::internal)?;
            let out = dir.join(format!("{}.csv", vjt_service::accounts::new_token()));
            let written =
                vjt_ingest::export_with(s, &query, vjt_ingest::ExportFormat::Csv, excel, &out, &mut |_, _| {});
            let bytes =
                written.map_err(PageError::internal).and_then(|_| std::fs::read(&out).map_err(PageError::internal));
            let _ = std::fs::remove_file(&out);
            s.audit(Some(user), "export", "reports.csv")?;
            Ok(bytes)
        })
        .await??;
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (header::CONTENT_DISPOSITION, "attachment; filename=\"vjt-reports.csv\""),
        ],
        bytes,
    )
        .into_response())
}
