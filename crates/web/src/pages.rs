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

/// The language a page without a signed-in caller is shown in: the `vjt_lang` cookie.
fn page_lang(headers: &HeaderMap) -> Lang {
    if crate::cookie(headers, "vjt_lang").as_deref() == Some("sw") {
        Lang::Sw
    } else {
        Lang::En
    }
}

fn login_page(lang: Lang, message: Option<&str>) -> String {
    let t = |both: &str| escape(crate::forms::tr(lang, both));
    // Messages come already in the page's language.
    let error = message.map(|m| format!("<p class=\"error\" role=\"alert\">{}</p>", escape(m))).unwrap_or_default();
    let (code, switch) = match lang {
        Lang::En => ("en", "<a href=\"/lang/sw\" lang=\"sw\">Kiswahili</a>"),
        Lang::Sw => ("sw", "<a href=\"/lang/en\" lang=\"en\">English</a>"),
    };
    format!(
        "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>vjt — {title}</title><style>{PAGE_STYLE}</style></head><body><p style=\"text-align:right\">{switch}</p><h1>vjt</h1><p>{tagline}</p>{error}<form method=\"post\" action=\"/login\"><label for=\"email\">{email}</label><input id=\"email\" name=\"email\" type=\"email\" autocomplete=\"username\" required><label for=\"password\">{password}</label><input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required><button type=\"submit\">{sign_in}</button></form></body></html>",
        title = t("sign in / ingia"),
        tagline = t("Victim Journey Tracker / Kifuatiliaji cha safari za waathiriwa"),
        email = t("E-mail / Barua pepe"),
        password = t("Password / Nenosiri"),
        sign_in = t("Sign in / Ingia"),
    )
}

/// GET /lang/{en|sw}: remembers the language for the pages and goes back to the page it came from.
pub async fn choose_language(axum::extract::Path(code): axum::extract::Path<String>, headers: HeaderMap) -> Response {
    let code = if code == "sw" { "sw" } else { "en" };
    // Back to the same site only: the path of the referring page, when it is this server's.
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let back = headers
        .get(header::REFERER)
        .and_then(|v| v.to_str().ok())
        .and_then(|r| r.split_once("://"))
        .and_then(|(_, rest)| rest.strip_prefix(host))
        .filter(|path| path.starts_with('/') && !path.starts_with("//"))
        .map(|path| path.split('#').next().unwrap_or("/").to_string())
        .unwrap_or_else(|| "/dashboard".to_string());
    let mut res = Redirect::to(&back).into_response();
    *res.status_mut() = StatusCode::SEE_OTHER;
    let cookie = format!("vjt_lang={code}; Path=/; Max-Age=31536000; SameSite=Strict; HttpOnly");
    if let Ok(v) = header::HeaderValue::from_str(&cookie) {
        res.headers_mut().insert(header::SET_COOKIE, v);
    }
    res
}

pub async fn home(caller: Option<Caller>) -> Redirect {
    Redirect::to(if caller.is_some() { "/dashboard" } else { "/login" })
}

pub async fn login_form(headers: HeaderMap) -> Html<String> {
    Html(login_page(page_lang(&headers), None))
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
    let lang = page_lang(&headers);
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
            Html(login_page(
                lang,
                Some(crate::forms::tr(
                    lang,
                    "Too many failed attempts: try again in 15 minutes. / Majaribio mengi mno yameshindwa: jaribu tena baada ya dakika 15.",
                )),
            )),
        )
            .into_response(),
        Ok(Err(_)) => {
            let wrong = "The e-mail or password is wrong. / Barua pepe au nenosiri si sahihi.";
            (StatusCode::UNAUTHORIZED, Html(login_page(lang, Some(crate::forms::tr(lang, wrong))))).into_response()
        }
        Err(e) => {
            (StatusCode::INTERNAL_SERVER_ERROR, Html(login_page(lang, Some(&format!("The server failed: {e}")))))
                .into_response()
        }
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

/// The dashboard's query string: filters, as the analysis API takes them, and the language.
#[derive(Deserialize, Default)]
pub struct DashboardQuery {
    pub round: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
    pub exploitation: Option<String>,
    pub lang: Option<String>,
}

impl DashboardQuery {
    fn filters(&self) -> std::collections::HashMap<String, String> {
        [("round", &self.round), ("from", &self.from), ("to", &self.to), ("exploitation", &self.exploitation)]
            .into_iter()
            .filter_map(|(k, v)| {
                v.as_ref().filter(|v| !v.trim().is_empty()).map(|v| (k.to_string(), v.trim().to_string()))
            })
            .collect()
    }
    fn lang(&self) -> Lang {
        if self.lang.as_deref() == Some("sw") {
            Lang::Sw
        } else {
            Lang::En
        }
    }
    /// The same choices as a query string, for links that keep them.
    fn query_string(&self) -> String {
        let mut pairs: Vec<(String, String)> = self.filters().into_iter().collect();
        pairs.sort();
        if self.lang() == Lang::Sw {
            pairs.push(("lang".into(), "sw".into()));
        }
        pairs.iter().map(|(k, v)| format!("{k}={}", percent_encode(v))).collect::<Vec<_>>().join("&")
    }
}

fn percent_encode(v: &str) -> String {
    v.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// Viewers see small numbers hidden; everyone else sees their own scope in full.
fn threshold_for(view: Scope) -> u64 {
    if view == Scope::Aggregates {
        5
    } else {
        1
    }
}

/// GET /dashboard: the report's maps, charts and tables for what the caller may see, with
/// filters, a language choice and downloads; viewers get aggregates with small numbers hidden.
pub async fn dashboard(
    State(state): State<AppState>,
    caller: Option<Caller>,
    axum::extract::Query(q): axum::extract::Query<DashboardQuery>,
) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    let mut q = q;
    if q.lang.is_none() && caller.lang == Lang::Sw {
        q.lang = Some("sw".into());
    }
    let view = scope(&caller);
    let (filters, lang) = (q.filters(), q.lang());
    // One page per scope and choice, made again only after a report changes: analysing every
    // report on every request would not keep up with a network's worth of readers.
    let key = format!("{view:?}|{}", q.query_string());
    state.notice_outside_changes().await;
    let rounds = state.with_store(|s| s.rounds()).await.unwrap_or_default();
    let round_names: Vec<String> = rounds.iter().map(|r| r.name.to_string()).collect();
    let mut flight = None;
    if state.cached_dashboard(&key).is_none() {
        flight = Some(state.flight(&key).await);
    }
    let generation = state.generation();
    let (page, status) = match state.cached_dashboard(&key) {
        Some(page) => (page, StatusCode::OK),
        None => {
            let f = filters.clone();
            match state.with_store(move |s| render_dashboard(s, view, threshold_for(view), &f, lang)).await {
                Ok(html) => {
                    let page: std::sync::Arc<str> = html.into();
                    state.remember_dashboard(key, page.clone(), generation);
                    (page, StatusCode::OK)
                }
                // A filter that is not understood is the user's mistake: say so on the page.
                Err(e) if e.status == StatusCode::BAD_REQUEST => (
                    format!(
                        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Dashboard — vjt</title></head><body><p class=\"error\" role=\"alert\">{}</p></body></html>",
                        escape(&e.message)
                    )
                    .into(),
                    StatusCode::BAD_REQUEST,
                ),
                Err(e) => return e.into_response(),
            }
        }
    };
    drop(flight);
    let bar = dashboard_bar(&caller, &q, &round_names);
    (status, Html(page.replacen("<body>", &format!("<body>{bar}"), 1))).into_response()
}

fn dashboard_bar(caller: &Caller, q: &DashboardQuery, rounds: &[String]) -> String {
    let chosen = |v: &Option<String>, option: &str| if v.as_deref() == Some(option) { " selected" } else { "" };
    let round_options: String = rounds
        .iter()
        .map(|r| format!("<option value=\"{r}\"{}>{r}</option>", chosen(&q.round, r), r = escape(r)))
        .collect();
    let types: String = vjt_domain::ExploitationType::all()
        .iter()
        .map(|t| {
            format!(
                "<option value=\"{}\"{}>{} / {}</option>",
                t.code(),
                chosen(&q.exploitation, t.code()),
                escape(t.label(Lang::En)),
                escape(t.label(Lang::Sw))
            )
        })
        .collect();
    let value = |v: &Option<String>| escape(v.as_deref().unwrap_or(""));
    let qs = q.query_string();
    let csv = if crate::policy::can_list_reports(caller) {
        format!(
            " · <a href=\"/reports/export.csv{}\">reports (CSV)</a>",
            if qs.is_empty() { String::new() } else { format!("?{qs}") }
        )
    } else {
        String::new()
    };
    let qs = if qs.is_empty() { String::new() } else { format!("?{qs}") };
    format!(
        "<div style=\"display:flex;justify-content:space-between;align-items:center;border-bottom:1px solid #ddd;padding-bottom:8px\"><nav style=\"display:flex;gap:12px;flex-wrap:wrap\">{links}</nav><span>{email} ({role})</span><form method=\"post\" action=\"/logout\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><button type=\"submit\">Sign out / Toka</button></form></div>\
         <form method=\"get\" action=\"/dashboard\" style=\"display:flex;gap:10px;flex-wrap:wrap;align-items:end;margin:12px 0;padding:10px;background:#f4f6f8\">\
         <label>Round / Awamu<br><select name=\"round\"><option value=\"\">all / zote</option>{round_options}</select></label>\
         <label>From / Kuanzia<br><input type=\"month\" name=\"from\" value=\"{from}\"></label>\
         <label>To / Hadi<br><input type=\"month\" name=\"to\" value=\"{to}\"></label>\
         <label>Exploitation / Unyonyaji<br><select name=\"exploitation\"><option value=\"\">all / zote</option>{types}</select></label>\
         <label>Language / Lugha<br><select name=\"lang\"><option value=\"en\">English</option><option value=\"sw\"{sw}>Kiswahili</option></select></label>\
         <button type=\"submit\">Show / Onyesha</button></form>\
         <p>Download / Pakua: <a href=\"/dashboard/report.html{qs}\">report (HTML)</a> · <a href=\"/dashboard/report.pdf{qs}\">report (PDF)</a> · <a href=\"/api/v1/analysis{qs}\">figures (JSON)</a>{csv}</p>",
        links = crate::forms::nav_links(caller),
        email = escape(&caller.email),
        role = caller.role.label(Lang::En),
        csrf = escape(&caller.csrf),
        from = value(&q.from),
        to = value(&q.to),
        sw = if q.lang() == Lang::Sw { " selected" } else { "" },
    )
}

/// GET /dashboard/report.html and /dashboard/report.pdf: the full report for the same choices.
pub async fn report_download(
    State(state): State<AppState>,
    caller: Option<Caller>,
    axum::extract::Path(file): axum::extract::Path<String>,
    axum::extract::Query(q): axum::extract::Query<DashboardQuery>,
) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    let pdf = match file.as_str() {
        "report.html" => false,
        "report.pdf" => true,
        _ => return (StatusCode::NOT_FOUND, "not found").into_response(),
    };
    let view = scope(&caller);
    let (filters, lang) = (q.filters(), q.lang());
    let made = state
        .with_store(move |s| -> Result<Vec<u8>, crate::ApiError> {
            let (a, rounds, share) = dashboard_inputs(s, view, &filters)?;
            let input = report_input(&a, rounds, share, threshold_for(view), lang, None);
            Ok(if pdf { vjt_render::pdf(&input) } else { vjt_render::html(&input).into_bytes() })
        })
        .await;
    match made {
        Ok(bytes) => {
            let (kind, name) = if pdf {
                ("application/pdf", "vjt-report.pdf")
            } else {
                ("text/html; charset=utf-8", "vjt-report.html")
            };
            (
                [
                    (header::CONTENT_TYPE, kind.to_string()),
                    (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{name}\"")),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => e.into_response(),
    }
}

type DashboardInputs = (vjt_analysis::Analysis, Vec<String>, f64);

fn dashboard_inputs(
    s: &vjt_store::Store,
    view: Scope,
    filters: &std::collections::HashMap<String, String>,
) -> Result<DashboardInputs, crate::ApiError> {
    let a = crate::api::analyse(s, view, filters)?;
    let rounds = match filters.get("round") {
        Some(r) => vec![r.clone()],
        None => s.rounds()?.iter().map(|r| r.name.to_string()).collect(),
    };
    let (stops, unresolved) = s.stop_counts()?;
    let share = if stops == 0 { 100.0 } else { 100.0 * (stops - unresolved) as f64 / stops as f64 };
    Ok((a, rounds, share))
}

fn report_input(
    a: &vjt_analysis::Analysis,
    rounds: Vec<String>,
    resolved_share: f64,
    threshold: u64,
    lang: Lang,
    title: Option<String>,
) -> vjt_render::ReportInput<'_> {
    vjt_render::ReportInput {
        analysis: a,
        gazetteer: vjt_gazetteer::Gazetteer::embedded(),
        lang,
        title,
        rounds,
        organisation_kinds: vjt_render::organisation_kinds(a, lang),
        notes: None,
        date: chrono::Utc::now().format("%Y-%m-%d").to_string(),
        disclosure: vjt_render::Disclosure { threshold },
        resolved_share,
    }
}

fn render_dashboard(
    s: &vjt_store::Store,
    view: Scope,
    threshold: u64,
    filters: &std::collections::HashMap<String, String>,
    lang: Lang,
) -> Result<String, crate::ApiError> {
    let (a, rounds, share) = dashboard_inputs(s, view, filters)?;
    let title = Some(if lang == Lang::Sw { "Dashibodi".to_string() } else { "Dashboard".to_string() });
    let html = vjt_render::html(&report_input(&a, rounds, share, threshold, lang, title));
    let query = DashboardQuery {
        round: filters.get("round").cloned(),
        from: filters.get("from").cloned(),
        to: filters.get("to").cloned(),
        exploitation: filters.get("exploitation").cloned(),
        lang: (lang == Lang::Sw).then(|| "sw".to_string()),
    }
    .query_string();
    // The report's title block fills most of a screen, which suits a printed cover, not a dashboard.
    let html =
        html.replacen("</head>", "<style>.title{min-height:auto}a path.county:hover{opacity:.7}</style></head>", 1);
    Ok(link_counties(&html, &query))
}

/// Makes every county on the dashboard's maps a link to its detail page (same choices kept).
fn link_counties(html: &str, query: &str) -> String {
    const START: &str = "<path class=\"county\" data-key=\"";
    let query = if query.is_empty() { String::new() } else { format!("?{}", query.replace('&', "&amp;")) };
    let mut out = String::with_capacity(html.len() + html.len() / 8);
    let mut rest = html;
    while let Some(at) = rest.find(START) {
        let after = &rest[at + START.len()..];
        let (Some(key_end), Some(close)) = (after.find('"'), rest[at..].find("</path>")) else { break };
        let key = &after[..key_end];
        let end = at + close + "</path>".len();
        out.push_str(&rest[..at]);
        out.push_str(&format!("<a href=\"/dashboard/county/{key}{query}\">{}</a>", &rest[at..end]));
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

/// Shows a figure of the analysis document: a number, or the text a viewer gets for a small one.
fn figure(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => escape(s),
        serde_json::Value::Null => "0".into(),
        other => other.to_string(),
    }
}

/// GET /dashboard/county/{iso}: one county's figures, risk and corridors, for what the caller may see.
pub async fn county(
    State(state): State<AppState>,
    caller: Option<Caller>,
    axum::extract::Path(iso): axum::extract::Path<String>,
    axum::extract::Query(q): axum::extract::Query<DashboardQuery>,
) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    let doc = match crate::api::analysis_for(&state, &caller, q.filters()).await {
        Ok(d) => d,
        Err(e) => return e.into_response(),
    };
    let counties = doc["counties"].as_array().cloned().unwrap_or_default();
    let g = vjt_gazetteer::Gazetteer::embedded();
    let gazetteer_name = g.counties().into_iter().map(|ix| g.summary(ix)).find_map(|s| {
        let county = s.county?;
        (county.iso == iso).then_some(county.name)
    });
    let Some(name) = gazetteer_name else { return (StatusCode::NOT_FOUND, "not found").into_response() };
    let lang = caller.lang;
    let l = |both: &str| crate::forms::tr(lang, both).to_string();
    let title = if lang == Lang::Sw { format!("Kaunti ya {name}") } else { format!("{name} county") };
    let qs = q.query_string();
    let back =
        if qs.is_empty() { "/dashboard".to_string() } else { format!("/dashboard?{}", qs.replace('&', "&amp;")) };
    let mut body = format!("<p><a href=\"{back}\">← {}</a></p>", l("Dashboard / Dashibodi"));
    let Some(c) = counties.iter().find(|c| c["iso"] == iso.as_str()) else {
        body.push_str(&format!(
            "<p>{}</p>",
            l("No route in what you may see touches this county. / Hakuna njia unayoweza kuona inayogusa kaunti hii.")
        ));
        return Html(crate::forms::page(&caller, &title, &body)).into_response();
    };
    // Ranked among the counties some route touches (the document lists all 47).
    let active = |c: &serde_json::Value| {
        ["origin", "transit", "destination", "exploitation"]
            .iter()
            .any(|r| c[r]["reports"].as_u64().is_none_or(|n| n > 0) && !c[r]["reports"].is_null())
    };
    let mut ranked: Vec<(&str, f64)> = counties
        .iter()
        .filter(|c| active(c))
        .map(|c| (c["iso"].as_str().unwrap_or(""), c["risk_score"].as_f64().unwrap_or(0.0)))
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1));
    let rank = ranked.iter().position(|(i, _)| *i == iso).map_or(0, |p| p + 1);
    let score = c["risk_score"].as_f64().unwrap_or(0.0);
    let band = vjt_render::Catalogue::new(lang).t(&format!("band_{}", c["risk_band"].as_str().unwrap_or("low")));
    let region = escape(c["region"].as_str().unwrap_or(""));
    body.push_str(&if lang == Lang::Sw {
        format!(
            "<p>Kiashiria cha hatari <strong>{score:.0}</strong> kati ya 100 ({}), nafasi ya {rank} kati ya kaunti {} zenye shughuli. Kanda: {region}.</p>",
            escape(&band),
            ranked.len()
        )
    } else {
        format!(
            "<p>Risk index <strong>{score:.0}</strong> of 100 ({}), {} of the {} counties with activity. Region: {region}.</p>",
            escape(&band),
            ordinal(rank),
            ranked.len()
        )
    });
    body.push_str(&format!(
        "<h2>{}</h2><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
        l("Reports by role / Ripoti kwa nafasi"),
        l("As / Kama"),
        l("Reports / Ripoti"),
        l("Victims / Waathiriwa"),
        l("Organisations / Mashirika")
    ));
    for (key, label) in [
        ("origin", "Origin / Asili"),
        ("transit", "Transit / Kupitia"),
        ("destination", "Intended destination / Mahali palipokusudiwa"),
        ("exploitation", "Place of exploitation / Mahali pa unyonyaji"),
    ] {
        let label = l(label);
        let r = &c[key];
        body.push_str(&format!(
            "<tr><td>{label}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            figure(&r["reports"]),
            figure(&r["victims"]),
            figure(&r["organisations"])
        ));
    }
    body.push_str(&format!(
        "</tbody></table><h2>{}</h2><table><tbody>",
        l("What the risk index is made of / Kiashiria cha hatari kimetokana na nini")
    ));
    for (k, label) in [
        ("origin", "Reported as an origin / Imeripotiwa kama asili"),
        ("transit", "Reported as a transit point / Imeripotiwa kama kituo cha kupitia"),
        ("destination", "Reported as a destination or place of exploitation / Imeripotiwa kama mahali palipokusudiwa au pa unyonyaji"),
        ("victims", "Estimated victims / Makadirio ya waathiriwa"),
        ("organisations", "Organisations reporting it / Mashirika yaliyoiripoti"),
        ("corroborated", "Routes reported by several organisations / Njia zilizoripotiwa na mashirika kadhaa"),
    ] {
        let points = c["components"][k].as_f64().unwrap_or(0.0);
        body.push_str(&format!("<tr><td>{}</td><td>{points:.1} {}</td></tr>", l(label), l("points / alama")));
    }
    body.push_str("</tbody></table>");
    let corridors = doc["corridors"]["county"].as_array().cloned().unwrap_or_default();
    for (heading, end, other) in [
        ("Routes from here / Njia zinazoanzia hapa", "from", "to"),
        ("Routes ending here / Njia zinazoishia hapa", "to", "from"),
    ] {
        let rows: Vec<String> = corridors
            .iter()
            .filter(|k| k[end]["county"] == iso.as_str() && k[end]["kind"] == "county")
            .map(|k| {
                format!(
                    "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                    escape(k[other]["name"].as_str().unwrap_or("")),
                    figure(&k["reports"]),
                    figure(&k["victims"])
                )
            })
            .collect();
        if !rows.is_empty() {
            body.push_str(&format!(
                "<h2>{}</h2><table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
                l(heading),
                l(if end == "from" { "To / Kwenda" } else { "From / Kutoka" }),
                l("Reports / Ripoti"),
                l("Victims / Waathiriwa"),
                rows.concat()
            ));
        }
    }
    let places: Vec<String> = doc["places"]
        .as_array()
        .into_iter()
        .flatten()
        .filter(|p| p["county"] == iso.as_str() && p["kind"] != "county")
        .map(|p| {
            format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(p["name"].as_str().unwrap_or("")),
                figure(&p["origin"]["reports"]),
                figure(&p["transit"]["reports"]),
                figure(&p["destination"]["reports"]),
                figure(&p["exploitation"]["reports"])
            )
        })
        .collect();
    if !places.is_empty() {
        body.push_str(&format!(
            "<h2>{}</h2><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>{}</tbody></table>",
            l("Places in the county / Maeneo ndani ya kaunti"),
            l("Place / Mahali"),
            l("Origin / Asili"),
            l("Transit / Kupitia"),
            l("Destination / Mahali palipokusudiwa"),
            l("Exploitation / Unyonyaji"),
            places.concat()
        ));
    }
    Html(crate::forms::page(&caller, &title, &body)).into_response()
}

fn ordinal(n: usize) -> String {
    let suffix = match (n % 10, n % 100) {
        (_, 11..=13) => "th",
        (1, _) => "st",
        (2, _) => "nd",
        (3, _) => "rd",
        _ => "th",
    };
    format!("{n}{suffix}")
}

/// GET /reports/export.csv[?round=NAME]: the reports the caller may list, in the import template's
/// layout (coordinator: all; an organisation: its own; viewers: none).
pub async fn export_csv(
    State(state): State<AppState>,
    caller: Option<Caller>,
    axum::extract::Query(q): axum::extract::Query<DashboardQuery>,
) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    if !crate::policy::can_list_reports(&caller) {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let view = scope(&caller);
    let user = caller.user_id;
    let made = state
        .with_store(move |s| -> Result<Vec<u8>, crate::ApiError> {
            let round = match q.round.as_deref().filter(|r| !r.is_empty()) {
                Some(name) => Some(
                    s.round_named(name)?
                        .ok_or_else(|| {
                            crate::ApiError::new(
                                StatusCode::BAD_REQUEST,
                                "bad_filter",
                                format!("no round is named '{name}'"),
                            )
                        })?
                        .id,
                ),
                None => None,
            };
            let organisation = match view {
                Scope::Organisation(org) => Some(org),
                _ => None,
            };
            let query = vjt_store::ReportQuery { organisation, round };
            let dir = std::env::temp_dir().join(format!("vjt-export-{}-{user}", std::process::id()));
            std::fs::create_dir_all(&dir).map_err(crate::ApiError::internal)?;
            let out = dir.join(format!("{}.csv", crate::auth::new_token()));
            let written = vjt_ingest::export(s, &query, vjt_ingest::ExportFormat::Csv, &out, &mut |_, _| {});
            let bytes = written
                .map_err(crate::ApiError::internal)
                .and_then(|_| std::fs::read(&out).map_err(crate::ApiError::internal));
            let _ = std::fs::remove_file(&out);
            s.audit(Some(user), "export", "reports.csv")?;
            bytes
        })
        .await;
    match made {
        Ok(bytes) => (
            [
                (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
                (header::CONTENT_DISPOSITION, "attachment; filename=\"vjt-reports.csv\""),
            ],
            bytes,
        )
            .into_response(),
        Err(e) => e.into_response(),
    }
}
