//! The route form, the organisation's report list and the coordinator's review queue: plain HTML
//! forms that work without JavaScript. Authorisation is asked of `policy`; CSRF was checked by the
//! guard before any of these run.

use std::collections::HashMap;

use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use vjt_domain::vocab::Vocabulary;
use vjt_domain::{
    Confidence, ExploitationType, KnowledgeSource, Lang, RecruiterRelationship, RecruitmentMethod, ReviewStatus, Role,
    RouteReportId, Sector, TransportMode,
};
use vjt_gazetteer::{Context, Gazetteer, Resolver, Status};
use vjt_render::svg::escape;
use vjt_store::ReportQuery;

use crate::api::ReportInput;
use crate::policy::{self, Caller};
use crate::{ApiError, AppState};

const STYLE: &str = "body{font-family:Helvetica,Arial,sans-serif;max-width:860px;margin:0 auto;padding:16px;color:#212529}\
label{display:block;margin-top:12px;font-weight:bold}input[type=text],input[type=number],input[type=month],select,textarea{width:100%;padding:7px;font-size:15px;box-sizing:border-box}\
fieldset{margin-top:14px;border:1px solid #ccc}legend{font-weight:bold}.choice{display:inline-block;margin:4px 14px 4px 0;font-weight:normal}\
.error{color:#b00020;font-weight:normal}.ok{color:#1b5e20}.hint{color:#555;font-weight:normal;font-size:13px}\
button{margin:14px 8px 0 0;padding:9px 16px;font-size:15px;background:#2a788e;color:#fff;border:0;border-radius:4px}\
table{border-collapse:collapse;width:100%;font-size:14px}td,th{border-bottom:1px solid #ddd;padding:5px;text-align:left}nav a{margin-right:14px}";

/// Every field of a urlencoded body, repeated names kept (checkbox groups).
pub(crate) fn form_values(body: &[u8]) -> Vec<(String, String)> {
    String::from_utf8_lossy(body)
        .split('&')
        .filter(|p| !p.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap_or((pair, ""));
            (crate::percent_decode(k), crate::percent_decode(v))
        })
        .collect()
}

/// One side of a bilingual "English / Kiswahili" text, in the caller's language.
pub(crate) fn tr(lang: Lang, both: &str) -> &str {
    match (both.split_once(" / "), lang) {
        (Some((en, _)), Lang::En) => en,
        (Some((_, sw)), Lang::Sw) => sw,
        (None, _) => both,
    }
}

/// The links every signed-in page shows; the review queue only to coordinators.
pub(crate) fn nav_links(caller: &Caller) -> String {
    let l = |both: &str| tr(caller.lang, both).to_string();
    let review = if caller.role == Role::Coordinator {
        format!(
            "<a href=\"/review\">{}</a><a href=\"/import\">{}</a>",
            l("Review queue / Ukaguzi"),
            l("Import / Ingiza")
        )
    } else {
        String::new()
    };
    let admin = if policy::can_manage_network(caller) || policy::can_manage_users_of(caller, caller.organisation) {
        format!("<a href=\"/admin\">{}</a>", l("Administration / Usimamizi"))
    } else {
        String::new()
    };
    // Viewers receive aggregates only: no report pages to link to.
    let reports = if policy::can_list_reports(caller) {
        format!(
            "<a href=\"/reports\">{}</a><a href=\"/reports/new\">{}</a>",
            l("Reports / Ripoti"),
            l("New route / Njia mpya")
        )
    } else {
        String::new()
    };
    let switch = match caller.lang {
        Lang::En => "<a href=\"/lang/sw\" lang=\"sw\">Kiswahili</a>",
        Lang::Sw => "<a href=\"/lang/en\" lang=\"en\">English</a>",
    };
    format!("<a href=\"/dashboard\">{}</a>{reports}{review}{admin}{switch}", l("Dashboard / Dashibodi"))
}

pub(crate) fn page(caller: &Caller, title: &str, body: &str) -> String {
    page_with(caller, title, body, "")
}

/// A page whose `<body>` carries `attributes` (for the form script, e.g. a draft to forget).
fn page_with(caller: &Caller, title: &str, body: &str, attributes: &str) -> String {
    format!(
        "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{t} — vjt</title><style>{STYLE}</style><script src=\"/assets/form.js\" defer></script></head><body{attributes}><nav>{links}</nav><h1>{t}</h1>{body}</body></html>",
        code = if caller.lang == Lang::Sw { "sw" } else { "en" },
        t = escape(tr(caller.lang, title)),
        links = nav_links(caller)
    )
}

/// Where the form script keeps a user's draft on their device.
fn draft_key(caller: &Caller, target: Target) -> String {
    match target {
        Target::New => format!("vjt-draft-{}", caller.user_id),
        Target::Edit(id) => format!("vjt-draft-{}-{id}", caller.user_id),
    }
}

fn field_error(errors: &HashMap<String, Vec<String>>, field: &str) -> String {
    errors
        .get(field)
        .map(|list| {
            list.iter().map(|e| format!("<span class=\"error\" role=\"alert\"> {}</span>", escape(e))).collect()
        })
        .unwrap_or_default()
}

fn choices<T: Vocabulary>(lang: Lang, name: &str, legend: &str, chosen: &[String]) -> String {
    let mut out = format!("<fieldset><legend>{}</legend>", escape(tr(lang, legend)));
    for t in T::all() {
        let checked = if chosen.iter().any(|c| c == t.code()) { " checked" } else { "" };
        out.push_str(&format!(
            "<label class=\"choice\"><input type=\"checkbox\" name=\"{name}\" value=\"{code}\"{checked}> {label}</label>",
            code = t.code(),
            label = escape(t.label(lang)),
        ));
    }
    out.push_str("</fieldset>");
    out
}

fn select<T: Vocabulary>(lang: Lang, name: &str, label: &str, chosen: Option<&str>) -> String {
    let mut out = format!(
        "<label for=\"{name}\">{}</label><select id=\"{name}\" name=\"{name}\"><option value=\"\">—</option>",
        escape(tr(lang, label))
    );
    for t in T::all() {
        let sel = if chosen == Some(t.code()) { " selected" } else { "" };
        out.push_str(&format!("<option value=\"{}\"{sel}>{}</option>", t.code(), escape(t.label(lang))));
    }
    out.push_str("</select>");
    out
}

/// Where a place name would resolve, shown next to the field after "Check places".
fn resolution_note(resolver: &Resolver<'_>, text: &str) -> String {
    if text.trim().is_empty() {
        return String::new();
    }
    let g = resolver.gazetteer();
    let r = resolver.resolve(text, &Context::default());
    match (r.status, r.best) {
        (Status::Resolved, Some(m)) => {
            let s = g.summary(m.place);
            let county = s.county.map(|c| format!(", {} county", c.name)).unwrap_or_default();
            let country = s.country.map(|c| format!(", {}", c.name)).unwrap_or_default();
            format!("<span class=\"place-note ok\"> → {}{county}{country}</span>", escape(&s.name))
        }
        _ => "<span class=\"place-note error\"> → not recognised yet; it will be saved as written and reviewed</span>"
            .into(),
    }
}

struct FormState {
    values: HashMap<String, Vec<String>>,
}

impl FormState {
    fn one(&self, k: &str) -> String {
        self.values.get(k).and_then(|v| v.first()).cloned().unwrap_or_default()
    }
    fn all(&self, k: &str) -> Vec<String> {
        self.values.get(k).cloned().unwrap_or_default()
    }
}

/// Where a route form posts to: a new report, or an existing one being edited.
#[derive(Clone, Copy)]
enum Target {
    New,
    Edit(i64),
}

impl Target {
    fn url(self) -> String {
        match self {
            Target::New => "/reports/new".into(),
            Target::Edit(id) => format!("/reports/{id}"),
        }
    }
    fn title(self) -> String {
        match self {
            Target::New => "New route / Njia mpya".into(),
            Target::Edit(id) => format!("Route #{id} / Njia #{id}"),
        }
    }
}

fn route_form(
    caller: &Caller,
    target: Target,
    rounds: &[String],
    f: &FormState,
    errors: &HashMap<String, Vec<String>>,
    check: bool,
) -> String {
    let lang = caller.lang;
    let l = |both: &str| escape(tr(lang, both));
    let resolver = Resolver::new(Gazetteer::embedded());
    let note = |text: &str| if check { resolution_note(&resolver, text) } else { String::new() };
    let text = |name: &str, label: &str, hint: &str| {
        let v = f.one(name);
        format!(
            "<label for=\"{name}\">{}</label><span class=\"hint\">{}</span><input type=\"text\" id=\"{name}\" name=\"{name}\" value=\"{}\">{}{}",
            l(label),
            l(hint),
            escape(&v),
            note(&v),
            field_error(errors, name)
        )
    };
    let number = |name: &str, label: &str| {
        format!(
            "<label for=\"{name}\">{}</label><input type=\"number\" min=\"0\" id=\"{name}\" name=\"{name}\" value=\"{}\">{}",
            l(label),
            escape(&f.one(name)),
            field_error(errors, name)
        )
    };
    let month = |name: &str, label: &str| {
        format!(
            "<label for=\"{name}\">{}</label><input type=\"month\" id=\"{name}\" name=\"{name}\" value=\"{}\">{}",
            l(label),
            escape(&f.one(name)),
            field_error(errors, name)
        )
    };
    let transit = f.one("transit");
    let transit_notes: String = if check {
        transit
            .lines()
            .filter(|l| !l.trim().is_empty())
            .map(|l| format!("<div>{}{}</div>", escape(l.trim()), note(l)))
            .collect::<String>()
    } else {
        String::new()
    };
    let round_options: String = rounds
        .iter()
        .map(|r| format!("<option{}>{}</option>", if f.one("round") == *r { " selected" } else { "" }, escape(r)))
        .collect();
    format!(
        "<p id=\"draft-note\" class=\"hint\" role=\"status\" hidden>{l_draft} <button type=\"button\" id=\"draft-discard\">{l_discard}</button></p>\
         <form id=\"route-form\" data-draft=\"{draft}\" method=\"post\" action=\"{action}\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <label for=\"round\">{l_round}</label><select id=\"round\" name=\"round\">{round_options}</select>{re}\
         {origin}\
         <label for=\"transit\">{l_transit}</label><textarea id=\"transit\" name=\"transit\" rows=\"4\">{transit}</textarea>{tn}{te}\
         {dest}{expl}\
         {types}{sectors}{transport}{recruitment}{relation}\
         {victims}{female}{male}{children}{adults}{ps}{pe}{source}{confidence}\
         <label for=\"notes\">{l_notes}</label><textarea id=\"notes\" name=\"notes\" rows=\"3\">{notes}</textarea>{ne}\
         <button type=\"submit\" name=\"action\" value=\"check\">{l_check}</button><button type=\"submit\" name=\"action\" value=\"save\">{l_save}</button></form>",
        l_draft = l("A draft kept on this device was restored. / Rasimu iliyohifadhiwa kwenye kifaa hiki imerejeshwa."),
        l_discard = l("Discard it / Ifute"),
        l_round = l("Collection round / Awamu"),
        l_transit = l("Transit points, one per line in travel order / Mahali palipopitiwa, kimoja kwa kila mstari kwa mpangilio wa safari"),
        l_notes = l("Notes — never names, phone or ID numbers / Maelezo — kamwe si majina, nambari za simu au vitambulisho"),
        l_check = l("Check places / Kagua maeneo"),
        l_save = l("Save route / Hifadhi njia"),
        csrf = escape(&caller.csrf),
        draft = escape(&draft_key(caller, target)),
        action = target.url(),
        re = field_error(errors, "round"),
        origin = text("origin", "Origin / Asili", " — required /  — lazima"),
        transit = escape(&transit),
        tn = if transit_notes.is_empty() { transit_notes } else { format!("<div class=\"place-note\">{transit_notes}</div>") },
        te = field_error(errors, "transit"),
        dest = text("intended_destination", "Intended destination / Mahali palipokusudiwa", " — this or the place of exploitation /  — hii au mahali pa unyonyaji"),
        expl = text("exploitation_place", "Place of exploitation / Mahali pa unyonyaji", ""),
        types = choices::<ExploitationType>(lang, "exploitation_types", "Forms of exploitation / Aina za unyonyaji", &f.all("exploitation_types")) + &field_error(errors, "exploitation_types"),
        sectors = choices::<Sector>(lang, "sectors", "Sectors / Sekta", &f.all("sectors")),
        transport = choices::<TransportMode>(lang, "transport_modes", "Transport / Usafiri", &f.all("transport_modes")),
        recruitment = choices::<RecruitmentMethod>(lang, "recruitment_methods", "Recruitment / Uajiri", &f.all("recruitment_methods")),
        relation = choices::<RecruiterRelationship>(lang, "recruiter_relationship", "Recruiter / Mwajiri", &f.all("recruiter_relationship")),
        victims = number("victims", "Estimated number of people / Idadi ya makadirio"),
        female = number("female", "Female / Wanawake"),
        male = number("male", "Male / Wanaume"),
        children = number("children", "Under 18 / Watoto"),
        adults = number("adults", "18 or older / Watu wazima"),
        ps = month("period_start", "First month seen / Mwezi wa kwanza"),
        pe = month("period_end", "Last month seen / Mwezi wa mwisho"),
        source = select::<KnowledgeSource>(lang, "source", "How you know / Mnajuaje", Some(&f.one("source"))),
        confidence = select::<Confidence>(lang, "confidence", "Confidence / Uhakika", Some(&f.one("confidence"))),
        notes = escape(&f.one("notes")),
        ne = field_error(errors, "notes"),
    )
}

async fn round_names(state: &AppState) -> Result<Vec<String>, ApiError> {
    Ok(state.with_store(|s| s.rounds()).await?.iter().rev().map(|r| r.name.to_string()).collect())
}

/// GET /reports/new
pub async fn new_route(State(state): State<AppState>, caller: Option<Caller>) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    if caller.role == Role::Viewer {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let rounds = match round_names(&state).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let empty = FormState { values: HashMap::new() };
    let form = route_form(&caller, Target::New, &rounds, &empty, &HashMap::new(), false);
    Html(page(&caller, &Target::New.title(), &form)).into_response()
}

/// POST /reports/new: "check" shows how places resolve; "save" validates and stores, or shows
/// the form again with each problem next to its field.
pub async fn save_route(State(state): State<AppState>, caller: Option<Caller>, body: Bytes) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    if caller.role == Role::Viewer {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    post_route(state, caller, Target::New, body).await
}

/// The fields of a posted route form as the API takes them, or what is wrong with them.
fn input_from_form(f: &FormState) -> Result<ReportInput, HashMap<String, Vec<String>>> {
    let opt = |k: &str| Some(f.one(k)).filter(|v| !v.trim().is_empty());
    let mut errors: HashMap<String, Vec<String>> = HashMap::new();
    let mut num = |k: &str| match opt(k) {
        None => None,
        Some(v) => match v.trim().parse::<u32>() {
            Ok(n) => Some(n),
            Err(_) => {
                // Never drop what was typed: a number that cannot be read is a mistake to show.
                errors
                    .entry(k.to_string())
                    .or_default()
                    .push(format!("'{}' is not a whole number of 0 or more", v.trim()));
                None
            }
        },
    };
    let input = ReportInput {
        round: opt("round"),
        origin: opt("origin"),
        transit: f.one("transit").lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_string).collect(),
        intended_destination: opt("intended_destination"),
        exploitation_place: opt("exploitation_place"),
        exploitation_types: f.all("exploitation_types"),
        sectors: f.all("sectors"),
        transport_modes: f.all("transport_modes"),
        recruitment_methods: f.all("recruitment_methods"),
        recruiter_relationship: f.all("recruiter_relationship"),
        victims: num("victims"),
        female: num("female"),
        male: num("male"),
        children: num("children"),
        adults: num("adults"),
        period_start: opt("period_start"),
        period_end: opt("period_end"),
        source: opt("source"),
        confidence: opt("confidence"),
        notes: opt("notes"),
        ..ReportInput::default()
    };
    if errors.is_empty() {
        Ok(input)
    } else {
        Err(errors)
    }
}

/// A posted route form, new or edited: check, or save and go on, or show the problems.
async fn post_route(state: AppState, caller: Caller, target: Target, body: Bytes) -> Response {
    let mut values: HashMap<String, Vec<String>> = HashMap::new();
    for (k, v) in form_values(&body) {
        values.entry(k).or_default().push(v);
    }
    let f = FormState { values };
    let rounds = match round_names(&state).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let again = |errors: &HashMap<String, Vec<String>>, status: StatusCode| {
        (status, Html(page(&caller, &target.title(), &route_form(&caller, target, &rounds, &f, errors, true))))
            .into_response()
    };
    if f.one("action") != "save" {
        return again(&HashMap::new(), StatusCode::OK);
    }
    let input = match input_from_form(&f) {
        Ok(input) => input,
        Err(errors) => return again(&errors, StatusCode::UNPROCESSABLE_ENTITY),
    };
    let c = caller.clone();
    let saved = state
        .with_store(move |s| -> Result<i64, ApiError> {
            let fixed = match target {
                Target::New => None,
                Target::Edit(id) => {
                    let existing = s.report(RouteReportId(id))?.ok_or_else(ApiError::not_found)?;
                    if !policy::can_write_report(&c, existing.report.organisation) {
                        return Err(ApiError::not_found());
                    }
                    Some((existing.report.organisation, existing.report.report_id.as_ref().map(|r| r.to_string())))
                }
            };
            let report = crate::api::build_report(s, &c, input, fixed)?;
            let summary = s.save_reports(std::slice::from_ref(&report))?;
            let event = if matches!(target, Target::New) { "report_saved" } else { "report_updated" };
            s.audit(Some(c.user_id), event, &summary.ids[0].0.to_string())?;
            Ok(summary.ids[0].0)
        })
        .await;
    match saved {
        Ok(id) => {
            state.forget_analyses();
            let next = match target {
                Target::New => "/reports?saved=1".to_string(),
                Target::Edit(_) => format!("/reports/{id}?saved=1"),
            };
            let mut res = Redirect::to(&next).into_response();
            *res.status_mut() = StatusCode::SEE_OTHER;
            res
        }
        Err(e) if e.status == StatusCode::UNPROCESSABLE_ENTITY => {
            let mut errors: HashMap<String, Vec<String>> = HashMap::new();
            for d in e.details.as_array().into_iter().flatten() {
                let field = d["field"].as_str().unwrap_or("").to_string();
                let value = d["value"].as_str().unwrap_or("");
                let message = d["message"].as_str().unwrap_or("");
                errors.entry(field).or_default().push(if value.is_empty() {
                    message.to_string()
                } else {
                    format!("'{value}' {message}")
                });
            }
            again(&errors, StatusCode::UNPROCESSABLE_ENTITY)
        }
        Err(e) => e.into_response(),
    }
}

/// The form's fields filled from a stored report, for editing.
fn form_from_report(r: &vjt_domain::StoredReport, round: &str) -> FormState {
    let rep = &r.report;
    let j = &rep.journey;
    let mut v: HashMap<String, Vec<String>> = HashMap::new();
    let mut one = |k: &str, value: String| {
        if !value.is_empty() {
            v.insert(k.to_string(), vec![value]);
        }
    };
    one("round", round.to_string());
    one("origin", j.origin().text.to_string());
    one("transit", j.transit().iter().map(|s| s.text.to_string()).collect::<Vec<_>>().join("\n"));
    one("intended_destination", j.destination().map(|s| s.text.to_string()).unwrap_or_default());
    one("exploitation_place", j.exploitation().map(|s| s.text.to_string()).unwrap_or_default());
    let num = |n: Option<u32>| n.map(|n| n.to_string()).unwrap_or_default();
    one("victims", num(rep.victims.map(|n| n.get())));
    one("female", num(rep.profile.female));
    one("male", num(rep.profile.male));
    one("children", num(rep.profile.children));
    one("adults", num(rep.profile.adults));
    one("period_start", rep.period_start.map(|m| m.to_string()).unwrap_or_default());
    one("period_end", rep.period_end.map(|m| m.to_string()).unwrap_or_default());
    one("source", rep.source.code().to_string());
    one("confidence", rep.confidence.code().to_string());
    one("notes", rep.notes.as_ref().map(|n| n.to_string()).unwrap_or_default());
    let codes = |set: Vec<&str>| set.into_iter().map(str::to_string).collect::<Vec<_>>();
    v.insert("exploitation_types".into(), codes(rep.exploitation_types.iter().map(|t| t.code()).collect()));
    v.insert("sectors".into(), codes(rep.sectors.iter().map(|t| t.code()).collect()));
    v.insert("transport_modes".into(), codes(rep.transport_modes.iter().map(|t| t.code()).collect()));
    v.insert("recruitment_methods".into(), codes(rep.recruitment_methods.iter().map(|t| t.code()).collect()));
    v.insert("recruiter_relationship".into(), codes(rep.recruiter_relationships.iter().map(|t| t.code()).collect()));
    FormState { values: v }
}

/// GET /reports/{id}: one report with its history of changes, and the form to edit it.
pub async fn show_report(
    State(state): State<AppState>,
    caller: Option<Caller>,
    Path(id): Path<i64>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    let c = caller.clone();
    let found = state
        .with_store(move |s| -> Result<_, ApiError> {
            let r = s.report(RouteReportId(id))?.filter(|r| policy::can_see_report(&c, r.report.organisation));
            let Some(r) = r else { return Err(ApiError::not_found()) };
            let round = s.rounds()?.into_iter().find(|x| x.id == r.report.round).map(|x| x.name.to_string());
            let history = s.report_changes(RouteReportId(id))?;
            Ok((r, round.unwrap_or_default(), history))
        })
        .await;
    let (r, round, history) = match found {
        Ok(x) => x,
        Err(e) if e.status == StatusCode::NOT_FOUND => return (StatusCode::NOT_FOUND, "not found").into_response(),
        Err(e) => return e.into_response(),
    };
    let rounds = match round_names(&state).await {
        Ok(r) => r,
        Err(e) => return e.into_response(),
    };
    let target = Target::Edit(id);
    let saved = raw.is_some_and(|q| q.split('&').any(|p| p == "saved=1"));
    let mut body = String::new();
    if saved {
        body.push_str(&format!(
            "<p class=\"ok\" role=\"status\">{}</p>",
            tr(caller.lang, "Changes saved. / Mabadiliko yamehifadhiwa.")
        ));
    }
    body.push_str(&format!(
        "<p>{}: <strong>{}</strong> · reference {} · added {} · last changed {}</p>",
        tr(caller.lang, "Status / Hali"),
        escape(r.report.status.label(caller.lang)),
        escape(r.report.report_id.as_ref().map_or("—", |x| x.as_str())),
        r.created_at.format("%Y-%m-%d %H:%M"),
        r.updated_at.format("%Y-%m-%d %H:%M")
    ));
    body.push_str(&format!(
        "<h2>{}</h2><table><thead><tr><th>When</th><th>What</th><th>From</th></tr></thead><tbody>",
        tr(caller.lang, "History / Historia")
    ));
    for (when, change, source) in &history {
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
            escape(when),
            escape(change),
            escape(source)
        ));
    }
    if history.is_empty() {
        body.push_str("<tr><td colspan=\"3\">No changes recorded.</td></tr>");
    }
    body.push_str("</tbody></table>");
    if policy::can_write_report(&caller, r.report.organisation) {
        body.push_str(&format!("<h2>{}</h2>", tr(caller.lang, "Edit / Hariri")));
        body.push_str(&route_form(&caller, target, &rounds, &form_from_report(&r, &round), &HashMap::new(), false));
    }
    let attributes =
        if saved { format!(" data-clear-draft=\"{}\"", escape(&draft_key(&caller, target))) } else { String::new() };
    Html(page_with(&caller, &target.title(), &body, &attributes)).into_response()
}

/// POST /reports/{id}: check or save an edited report.
pub async fn update_route(
    State(state): State<AppState>,
    caller: Option<Caller>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    let c = caller.clone();
    let allowed = state
        .with_store(move |s| {
            s.report(RouteReportId(id)).map(|r| r.is_some_and(|r| policy::can_write_report(&c, r.report.organisation)))
        })
        .await;
    match allowed {
        Ok(true) => post_route(state, caller, Target::Edit(id), body).await,
        Ok(false) => (StatusCode::NOT_FOUND, "not found").into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// GET /reports: the caller's organisation's reports (the coordinator's: all).
pub async fn my_reports(
    State(state): State<AppState>,
    caller: Option<Caller>,
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    if !policy::can_list_reports(&caller) {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let query = match policy::scope(&caller) {
        policy::Scope::Organisation(org) => ReportQuery { organisation: Some(org), round: None },
        _ => ReportQuery::default(),
    };
    let listed = state.with_store(move |s| s.reports_page(&query, None, 500)).await;
    let reports = match listed {
        Ok(r) => r,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let rows: String = reports
        .iter()
        .rev()
        .map(|s| {
            let path: Vec<&str> = s.report.journey.stops().map(|(_, st)| st.text.as_str()).collect();
            format!(
                "<tr><td><a href=\"/reports/{id}\">#{id}</a></td><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(s.report.report_id.as_ref().map_or("", |r| r.as_str())),
                escape(&path.join(" → ")),
                escape(s.report.status.label(Lang::En)),
                id = s.id.0,
            )
        })
        .collect();
    let body = format!("<table><thead><tr><th>#</th><th>Reference</th><th>Route</th><th>Status</th></tr></thead><tbody>{rows}</tbody></table>");
    // Just saved: the draft kept on the device has done its job.
    let saved = raw.is_some_and(|q| q.split('&').any(|p| p == "saved=1"));
    let attributes = if saved {
        format!(" data-clear-draft=\"{}\"", escape(&draft_key(&caller, Target::New)))
    } else {
        String::new()
    };
    let body = if saved {
        format!("<p class=\"ok\" role=\"status\">{}</p>{body}", tr(caller.lang, "Route saved. / Njia imehifadhiwa."))
    } else {
        body
    };
    Html(page_with(&caller, "Reports / Ripoti", &body, &attributes)).into_response()
}

/// GET /review: the coordinator's queue: reports to verify or reject, unresolved places to decide,
/// duplicate clusters to confirm or split.
pub async fn review(State(state): State<AppState>, caller: Option<Caller>) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    if caller.role != Role::Coordinator {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    }
    let doc = crate::api::analysis_for(&state, &caller, HashMap::new()).await;
    let pending = state
        .with_store(|s| -> Result<_, vjt_store::StoreError> {
            let reports: Vec<_> = s
                .reports_page(&ReportQuery::default(), None, 100_000)?
                .into_iter()
                .filter(|r| matches!(r.report.status, ReviewStatus::Submitted | ReviewStatus::NeedsReview))
                .take(200)
                .collect();
            Ok((reports, s.unresolved_places()?))
        })
        .await;
    let (reports, unresolved) = match pending {
        Ok(x) => x,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let csrf = escape(&caller.csrf);
    let l = |both: &str| tr(caller.lang, both).to_string();
    let mut body = format!("<h2>{}</h2><table><tbody>", l("Reports to review / Ripoti za kukagua"));
    for r in &reports {
        let path: Vec<&str> = r.report.journey.stops().map(|(_, st)| st.text.as_str()).collect();
        body.push_str(&format!(
            "<tr><td>#{id}</td><td>{route}</td><td><form method=\"post\" action=\"/review/reports/{id}\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><button name=\"decision\" value=\"verified\">{verify}</button><button name=\"decision\" value=\"rejected\">{reject}</button></form></td></tr>",
            id = r.id.0,
            route = escape(&path.join(" → ")),
            verify = l("Verify / Thibitisha"),
            reject = l("Reject / Kataa"),
        ));
    }
    if reports.is_empty() {
        body.push_str(&format!(
            "<tr><td>{}</td></tr>",
            l("Nothing to review: every report has been verified or rejected. / Hakuna cha kukagua: kila ripoti imethibitishwa au kukataliwa.")
        ));
    }
    body.push_str(&format!(
        "</tbody></table><h2>{}</h2><table><tbody>",
        l("Unresolved places / Maeneo yasiyotambuliwa")
    ));
    if unresolved.is_empty() {
        body.push_str(&format!(
            "<tr><td>{}</td></tr>",
            l("Every place name has been matched. / Kila jina la mahali limetambuliwa.")
        ));
    }
    let resolver = Resolver::new(Gazetteer::embedded());
    let g = Gazetteer::embedded();
    for u in unresolved.iter().take(100) {
        let guesses = resolver.suggest(&u.text);
        let options: String = guesses
            .iter()
            .take(5)
            .map(|m| {
                let s = g.summary(m.place);
                let county = s.county.map(|c| format!(", {}", c.name)).unwrap_or_default();
                format!("<option value=\"{}\">{}{county} ({})</option>", escape(&s.id), escape(&s.name), s.kind.code())
            })
            .collect();
        let form = if options.is_empty() {
            l("no guess / hakuna pendekezo")
        } else {
            format!(
                "<form method=\"post\" action=\"/review/places\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" name=\"text\" value=\"{}\"><select name=\"place\">{options}</select><button>{decide}</button></form>",
                escape(&u.text),
                decide = l("Decide / Amua")
            )
        };
        body.push_str(&format!(
            "<tr><td>{}</td><td>{} {}</td><td>{form}</td></tr>",
            escape(&u.text),
            u.reports,
            l("report(s) / ripoti")
        ));
    }
    body.push_str(&format!(
        "</tbody></table><h2>{}</h2><table><tbody>",
        l("Likely duplicates / Ripoti zinazoonekana kuwa njia moja")
    ));
    let mut suggested = 0;
    if let Ok(doc) = doc {
        for c in doc["duplicates"]["clusters"]
            .as_array()
            .into_iter()
            .flatten()
            .filter(|c| c["status"] == "suggested")
            .take(50)
        {
            let key = c["key"].as_str().unwrap_or("");
            let members: Vec<String> = c["members"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|m| format!("#{} ({})", m["id"], escape(m["organisation"].as_str().unwrap_or(""))))
                .collect();
            suggested += 1;
            body.push_str(&format!(
                "<tr><td>{}</td><td><form method=\"post\" action=\"/review/duplicates\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" name=\"key\" value=\"{}\"><button name=\"decision\" value=\"confirmed\">{same}</button><button name=\"decision\" value=\"split\">{different}</button></form></td></tr>",
                members.join(", "),
                escape(key),
                same = l("Same route / Njia ileile"),
                different = l("Different routes / Njia tofauti")
            ));
        }
    }
    if suggested == 0 {
        body.push_str(&format!(
            "<tr><td>{}</td></tr>",
            l("No routes reported by more than one organisation wait for a decision. / Hakuna njia zilizoripotiwa na zaidi ya shirika moja zinazosubiri uamuzi.")
        ));
    }
    body.push_str("</tbody></table>");
    Html(page(&caller, "Review queue / Ukaguzi", &body)).into_response()
}

/// After a review decision: the analyses no longer hold, and back to the queue.
fn decided(state: &AppState, done: Result<(), vjt_store::StoreError>) -> Response {
    match done {
        Ok(()) => {
            state.forget_analyses();
            back_to_review()
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

fn back_to_review() -> Response {
    let mut res = Redirect::to("/review").into_response();
    *res.status_mut() = StatusCode::SEE_OTHER;
    res
}

/// POST /review/reports/{id}: verify or reject.
pub async fn decide_report(
    State(state): State<AppState>,
    caller: Option<Caller>,
    Path(id): Path<i64>,
    body: Bytes,
) -> Response {
    let Some(caller) = caller.filter(|c| c.role == Role::Coordinator) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let status = match crate::form_field(&body, "decision").as_deref() {
        Some("verified") => ReviewStatus::Verified,
        Some("rejected") => ReviewStatus::Rejected,
        _ => return (StatusCode::BAD_REQUEST, "decision must be verified or rejected").into_response(),
    };
    let done = state
        .with_store(move |s| -> Result<bool, vjt_store::StoreError> {
            let ok = s.set_status(RouteReportId(id), status)?;
            s.audit(Some(caller.user_id), "report_reviewed", &format!("{id} {}", status.code()))?;
            Ok(ok)
        })
        .await;
    match done {
        Ok(true) => {
            state.forget_analyses();
            back_to_review()
        }
        Ok(false) => (StatusCode::NOT_FOUND, "not found").into_response(),
        Err(e) => ApiError::from(e).into_response(),
    }
}

/// POST /review/places: "this text means that place", applied at once.
pub async fn decide_place(State(state): State<AppState>, caller: Option<Caller>, body: Bytes) -> Response {
    let Some(caller) = caller.filter(|c| c.role == Role::Coordinator) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let (Some(text), Some(place)) = (crate::form_field(&body, "text"), crate::form_field(&body, "place")) else {
        return (StatusCode::BAD_REQUEST, "text and place are required").into_response();
    };
    if Gazetteer::embedded().by_id(&place).is_none() {
        return (StatusCode::BAD_REQUEST, "no such place").into_response();
    }
    let done = state
        .with_store(move |s| -> Result<(), vjt_store::StoreError> {
            s.set_place_alias(&text, &vjt_domain::PlaceId(place.clone()))?;
            s.audit(Some(caller.user_id), "place_alias", &format!("{text} = {place}"))
        })
        .await;
    decided(&state, done)
}

/// POST /review/duplicates: confirm or split a cluster.
pub async fn decide_duplicates(State(state): State<AppState>, caller: Option<Caller>, body: Bytes) -> Response {
    let Some(caller) = caller.filter(|c| c.role == Role::Coordinator) else {
        return (StatusCode::NOT_FOUND, "not found").into_response();
    };
    let (Some(key), Some(decision)) = (crate::form_field(&body, "key"), crate::form_field(&body, "decision")) else {
        return (StatusCode::BAD_REQUEST, "key and decision are required").into_response();
    };
    if !matches!(decision.as_str(), "confirmed" | "split") || !key.starts_with('r') {
        return (StatusCode::BAD_REQUEST, "decision must be confirmed or split").into_response();
    }
    let done = state
        .with_store(move |s| -> Result<(), vjt_store::StoreError> {
            s.set_duplicate_decision(&key, &decision)?;
            s.audit(Some(caller.user_id), "duplicates", &format!("{key} {decision}"))
        })
        .await;
    decided(&state, done)
}
