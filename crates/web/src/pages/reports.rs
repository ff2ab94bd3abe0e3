//! The route form (new and edit), the list of an organisation's reports, and a page per report
//! with its history. The form is built from the domain's definition of a report's fields.

use std::borrow::Cow;
use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use vjt_domain::{
    Arg, Field, FieldKind, FieldProblem, Lang, ReportFields, ReviewStatus, RouteReportId, StoredReport, Vocabulary,
};
use vjt_gazetteer::{Context, Resolver, Status};
use vjt_service::policy;
use vjt_service::reports::{self as service, SubmitError, Target};

use super::{render, render_with, see_other, Layout};
use crate::error::PageError;
use crate::session::{PageLang, SignedIn};
use crate::words::Words;
use crate::AppState;

/// What a posted form holds, repeated names kept (checkbox groups).
pub struct Values(HashMap<String, Vec<String>>);

impl Values {
    fn from_pairs(pairs: Vec<(String, String)>) -> Values {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in pairs {
            map.entry(k).or_default().push(v);
        }
        Values(map)
    }

    fn one(&self, k: &str) -> &str {
        self.0.get(k).and_then(|v| v.first()).map_or("", String::as_str)
    }

    fn all(&self, k: &str) -> &[String] {
        self.0.get(k).map_or(&[], Vec::as_slice)
    }

    /// The values of a stored report, for editing it.
    fn of(fields: &ReportFields<'_>) -> Values {
        let mut map = HashMap::new();
        for f in Field::ALL {
            let v: Vec<String> = match f.kind() {
                FieldKind::Places => vec![fields.items(f).join("\n")],
                FieldKind::Choices => fields.items(f).iter().map(|c| c.to_string()).collect(),
                _ => vec![fields.text(f).to_string()],
            };
            map.insert(f.code().to_string(), v);
        }
        Values(map)
    }

    /// The report's fields as typed: one transit point per line.
    fn fields(&self) -> ReportFields<'_> {
        let text = |f: Field| Cow::Borrowed(self.one(f.code()));
        let list = |f: Field| self.all(f.code()).iter().map(|s| Cow::Borrowed(s.as_str())).collect::<Vec<_>>();
        ReportFields {
            report_id: text(Field::ReportId),
            organisation: Cow::Borrowed(""),
            round: text(Field::Round),
            origin: text(Field::Origin),
            transit: self
                .one(Field::Transit.code())
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty())
                .map(Cow::Borrowed)
                .collect(),
            intended_destination: text(Field::IntendedDestination),
            exploitation_place: text(Field::ExploitationPlace),
            exploitation_types: list(Field::ExploitationTypes),
            sectors: list(Field::Sectors),
            transport_modes: list(Field::TransportModes),
            recruitment_methods: list(Field::RecruitmentMethods),
            recruiter_relationship: list(Field::RecruiterRelationship),
            victims: text(Field::Victims),
            female: text(Field::Female),
            male: text(Field::Male),
            children: text(Field::Children),
            adults: text(Field::Adults),
            period_start: text(Field::PeriodStart),
            period_end: text(Field::PeriodEnd),
            source: text(Field::Source),
            confidence: text(Field::Confidence),
            notes: text(Field::Notes),
            names_checked: self.one("names_checked") == "1",
        }
    }
}

/// One choice of a list or a drop-down.
pub struct OptionView {
    code: String,
    label: String,
    chosen: bool,
}

/// Where a place name resolves, shown under its field after "Check places".
pub struct PlaceNote {
    text: String,
    found: bool,
}

/// One field of the form as the template draws it.
pub struct FieldView {
    code: &'static str,
    /// text, place, places, choices, choice, count, month, notes, round
    kind: &'static str,
    label: String,
    hint: String,
    required: bool,
    value: String,
    options: Vec<OptionView>,
    errors: Vec<String>,
    notes: Vec<PlaceNote>,
    /// The notes hold words that may be names: offer "these are not names of people".
    confirm_names: bool,
}

pub struct Group {
    legend: String,
    fields: Vec<FieldView>,
}

/// A problem in the summary at the top, linking to its field.
pub struct Summary {
    code: &'static str,
    label: String,
    text: String,
}

/// The route form, drawn by `route_form.html` inside the new-route and report pages.
pub struct RouteForm {
    action: String,
    csrf: String,
    draft: String,
    groups: Vec<Group>,
    summary: Vec<Summary>,
    w: Words,
}

const GROUPS: [(&str, &[Field]); 5] = [
    (
        "form-group-route",
        &[Field::Round, Field::Origin, Field::Transit, Field::IntendedDestination, Field::ExploitationPlace],
    ),
    (
        "form-group-what",
        &[
            Field::ExploitationTypes,
            Field::Sectors,
            Field::TransportModes,
            Field::RecruitmentMethods,
            Field::RecruiterRelationship,
        ],
    ),
    ("form-group-people", &[Field::Victims, Field::Female, Field::Male, Field::Children, Field::Adults]),
    ("form-group-when", &[Field::PeriodStart, Field::PeriodEnd]),
    ("form-group-knowledge", &[Field::Source, Field::Confidence, Field::ReportId, Field::Notes]),
];

/// A place in words: its name and kind, its county and its country ("Busia (town), Busia
/// county, Kenya"); the same on the page and in the script's live notes.
pub fn describe_place(w: &Words, s: &vjt_gazetteer::PlaceSummary) -> String {
    let mut parts = vec![format!("{} ({})", s.name, w.t(&format!("place-kind-{}", s.kind.code())))];
    if let Some(c) = s.county.as_ref().filter(|c| c.name != s.name) {
        parts.push(w.f("form-county", &[("name", Arg::Text(c.name.clone()))]));
    }
    if let Some(c) = s.country.as_ref().filter(|c| c.name != s.name) {
        parts.push(c.name.clone());
    }
    parts.join(", ")
}

/// Where a place resolves, shown under its field.
fn place_note(w: &Words, resolver: &Resolver<'_>, text: &str) -> PlaceNote {
    // Longer than any place name: not worth the resolver's time (saving explains the problem).
    if text.chars().count() > vjt_domain::StopText::MAX_CHARS {
        return PlaceNote { text: w.t("form-place-unknown"), found: false };
    }
    let g = resolver.gazetteer();
    let r = resolver.resolve(text, &Context::default());
    match (r.status, r.best) {
        // A guess from a misspelling, or a whole world region, is for the person to confirm:
        // "Sudi Arabia" must not become "Middle East" with a green tick.
        (Status::Resolved, Some(m))
            if m.how == vjt_gazetteer::MatchKind::Fuzzy
                || g.summary(m.place).kind == vjt_gazetteer::PlaceKind::WorldRegion =>
        {
            let place = describe_place(w, &g.summary(m.place));
            PlaceNote { text: w.f("form-place-check", &[("place", Arg::Text(place))]), found: false }
        }
        (Status::Resolved, Some(m)) => {
            PlaceNote { text: format!("→ {}", describe_place(w, &g.summary(m.place))), found: true }
        }
        _ => PlaceNote { text: w.t("form-place-unknown"), found: false },
    }
}

/// Builds the form's fields from values, problems and (after "Check places") resolutions.
pub fn route_form(
    w: Words,
    target: Target,
    session: &SignedIn,
    rounds: &[String],
    values: &Values,
    problems: &[FieldProblem],
    resolver: Option<&Resolver<'_>>,
) -> RouteForm {
    let lang = w.lang;
    let mut errors: HashMap<Field, Vec<String>> = HashMap::new();
    for p in problems {
        errors.entry(p.field).or_default().push(p.text(lang));
    }
    let confirm_names = problems.iter().any(|p| p.message.key == "cell-notes-names");
    let groups = GROUPS
        .iter()
        .map(|(legend, fields)| Group {
            legend: w.t(legend),
            fields: fields
                .iter()
                .map(|f| {
                    let mut view = field_view(&w, *f, rounds, values, &errors, resolver);
                    view.confirm_names = confirm_names && *f == Field::Notes;
                    view
                })
                .collect(),
        })
        .collect();
    let summary = problems
        .iter()
        .map(|p| Summary { code: p.field.code(), label: p.field.label(lang), text: p.text(lang) })
        .collect();
    let action = match target {
        Target::New => "/reports/new".to_string(),
        Target::Edit(id) => format!("/reports/{}", id.0),
    };
    RouteForm {
        action,
        csrf: session.csrf.clone(),
        draft: draft_key(session.caller.user_id, target),
        groups,
        summary,
        w,
    }
}

fn field_view(
    w: &Words,
    f: Field,
    rounds: &[String],
    values: &Values,
    errors: &HashMap<Field, Vec<String>>,
    resolver: Option<&Resolver<'_>>,
) -> FieldView {
    let value = values.one(f.code()).to_string();
    let chosen = values.all(f.code());
    let hint_key = format!("hint-{}", f.code());
    let hint = if w.t(&hint_key) == hint_key { String::new() } else { w.t(&hint_key) };
    let (kind, options) = match (f, f.kind()) {
        (Field::Round, _) => (
            "round",
            rounds.iter().map(|r| OptionView { code: r.clone(), label: r.clone(), chosen: *r == value }).collect(),
        ),
        (_, FieldKind::Choices) => (
            "choices",
            f.choices(w.lang)
                .into_iter()
                .map(|(code, label)| OptionView {
                    code: code.into(),
                    label: label.into(),
                    chosen: chosen.iter().any(|c| c == code),
                })
                .collect(),
        ),
        (_, FieldKind::Choice) => (
            "choice",
            f.choices(w.lang)
                .into_iter()
                .map(|(code, label)| OptionView { code: code.into(), label: label.into(), chosen: value == code })
                .collect(),
        ),
        (_, FieldKind::Text) => ("text", Vec::new()),
        (_, FieldKind::Place) => ("place", Vec::new()),
        (_, FieldKind::Places) => ("places", Vec::new()),
        (_, FieldKind::Count) => ("count", Vec::new()),
        (_, FieldKind::Month) => ("month", Vec::new()),
        (_, FieldKind::Notes) => ("notes", Vec::new()),
    };
    let notes = match (resolver, f.kind()) {
        (Some(r), FieldKind::Place) if !value.trim().is_empty() => vec![place_note(w, r, &value)],
        // No more lines than a journey may hold (and one over, so the form can say so): a
        // request of a million lines must not keep the resolver busy.
        (Some(r), FieldKind::Places) => value
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty())
            .take(vjt_domain::Journey::MAX_TRANSITS + 1)
            .map(|l| {
                let note = place_note(w, r, l);
                PlaceNote { text: format!("{l} {}", note.text), found: note.found }
            })
            .collect(),
        _ => Vec::new(),
    };
    FieldView {
        code: f.code(),
        kind,
        label: f.label(w.lang),
        hint,
        required: f.is_required(),
        value,
        options,
        errors: errors.get(&f).cloned().unwrap_or_default(),
        notes,
        confirm_names: false,
    }
}

/// Where the form script keeps a user's draft on their device.
fn draft_key(user: i64, target: Target) -> String {
    match target {
        Target::New => format!("vjt-draft-{user}"),
        Target::Edit(id) => format!("vjt-draft-{user}-{}", id.0),
    }
}

#[derive(Template)]
#[template(path = "route_page.html")]
struct RoutePage {
    layout: Layout,
    form: RouteForm,
}

async fn round_names(state: &AppState) -> Result<Vec<String>, PageError> {
    Ok(state.blocking(|s| s.rounds()).await?.iter().rev().map(|r| r.name.to_string()).collect())
}

/// GET /reports/new
pub async fn new_route(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
) -> Result<Response, PageError> {
    let rounds = round_names(&state).await?;
    let values = Values(HashMap::new());
    let form = route_form(Words::new(lang), Target::New, &session, &rounds, &values, &[], None);
    let mut layout = Layout::new(lang, Some(&session), "form-new-title", "/reports/new");
    layout.script = true;
    render(&RoutePage { layout, form })
}

/// POST /reports/new: "check" shows how places resolve; "save" validates and stores, or shows
/// the form again with every problem, summarised at the top and next to its field.
pub async fn save_route(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    post_route(state, session, lang, Target::New, Values::from_pairs(pairs)).await
}

/// POST /reports/{id}: check or save an edited report.
pub async fn update_route(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Path(id): Path<i64>,
    Form(pairs): Form<Vec<(String, String)>>,
) -> Result<Response, PageError> {
    let caller = session.caller.clone();
    let id = RouteReportId(id);
    let writable = state
        .blocking(move |s| service::visible(s, &caller, id))
        .await?
        .is_some_and(|r| policy::can_write_report(&session.caller, r.report.organisation));
    if !writable {
        return Err(PageError::NotFound);
    }
    post_route(state, session, lang, Target::Edit(id), Values::from_pairs(pairs)).await
}

async fn post_route(
    state: AppState,
    session: SignedIn,
    lang: Lang,
    target: Target,
    values: Values,
) -> Result<Response, PageError> {
    let rounds = round_names(&state).await?;
    let w = Words::new(lang);
    let title = match target {
        Target::New => w.t("form-new-title"),
        Target::Edit(id) => w.f("form-edit-title", &[("id", Arg::from(id.0))]),
    };
    let current = if target == Target::New { "/reports/new" } else { "" };
    let resolver = state.blocking(vjt_service::places::resolver).await?;
    // The form shown again, with how its places resolve: resolver work, done on the blocking
    // pool so that a long list of places does not hold up other requests.
    let again = |values: Values, problems: Vec<FieldProblem>, status: StatusCode| {
        let session = SignedIn(session.0.clone());
        let rounds = rounds.clone();
        let title = title.clone();
        state.blocking(move |_| {
            let form = route_form(w, target, &session, &rounds, &values, &problems, Some(&resolver));
            let mut layout = Layout::titled(lang, Some(&session), title, current);
            layout.script = true;
            render_with(status, &RoutePage { layout, form })
        })
    };
    if values.one("action") != "save" {
        return again(values, Vec::new(), StatusCode::OK).await;
    }
    let caller = session.caller.clone();
    let owned: Vec<(String, String)> =
        values.0.iter().flat_map(|(k, vs)| vs.iter().map(move |v| (k.clone(), v.clone()))).collect();
    let saved = state
        .blocking(move |s| {
            let values = Values::from_pairs(owned);
            service::submit(s, &caller, values.fields(), target)
        })
        .await;
    match saved {
        Ok(done) => {
            state.forget_analyses();
            let screened = if done.redactions.is_empty() { "" } else { "&screened=1" };
            let which = if target == Target::New { "new" } else { "edit" };
            Ok(see_other(&format!("/reports/{}?saved={which}{screened}", done.id.0)))
        }
        Err(SubmitError::Invalid(problems)) => again(values, problems, StatusCode::UNPROCESSABLE_ENTITY).await,
        Err(SubmitError::NotFound | SubmitError::Forbidden) => Err(PageError::NotFound),
        Err(SubmitError::Store(e)) => Err(e.into()),
    }
}

struct ReportRow {
    id: i64,
    reference: String,
    route: String,
    status: String,
    changed: String,
}

/// One choice of a filter's drop-down.
struct Choice {
    value: String,
    label: String,
    chosen: bool,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ReportsPage {
    layout: Layout,
    rows: Vec<ReportRow>,
    total: u64,
    /// What is looked for, as typed (shown back in the box).
    search: String,
    /// Whether anything narrows the list (then the count says "match").
    narrowed: bool,
    statuses: Vec<Choice>,
    rounds: Vec<Choice>,
    /// The search and filters as a query string, kept by the paging links.
    filters: String,
    older: Option<i64>,
    first_page: bool,
}

/// The list's search, filters and page, from the address. Anything unreadable counts as "not
/// given", so a stale or hand-edited address still shows a list.
#[derive(Deserialize, Default)]
pub struct ListQuery {
    #[serde(default)]
    q: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    round: String,
    /// Reports older than this id (the next page).
    #[serde(default)]
    before: String,
}

/// Reports on one page of the list.
const PAGE: u32 = 50;

/// GET /reports?q=&status=&round=&before=: the caller's organisation's reports (the
/// coordinator's: all), newest first, a page at a time, searched by place, reference or number.
pub async fn list(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Query(q): Query<ListQuery>,
) -> Result<Response, PageError> {
    let scope = vjt_service::figures::query_for(policy::scope(&session.caller));
    let text: String = q.q.trim().chars().take(vjt_domain::StopText::MAX_CHARS).collect();
    let status = ReviewStatus::parse(&q.status).ok();
    let round = q.round.parse::<i64>().ok().map(vjt_domain::RoundId);
    let search = vjt_store::ReportSearch {
        organisation: scope.organisation,
        round,
        status,
        text: Some(text.clone()).filter(|t| !t.is_empty()),
        before: q.before.parse::<i64>().ok().map(RouteReportId),
        limit: PAGE + 1,
    };
    let first_page = search.before.is_none();
    let lists = state.clone();
    let (found, rounds) = state
        .blocking(move |s| -> Result<_, vjt_store::StoreError> { Ok((lists.find_reports(&search)?, s.rounds()?)) })
        .await?;
    let more = found.reports.len() > PAGE as usize;
    let rows: Vec<ReportRow> = found.reports.iter().take(PAGE as usize).map(|r| report_row(r, lang)).collect();
    let older = more.then(|| rows.last().map(|r| r.id)).flatten();
    let w = Words::new(lang);
    let choice = |value: String, label: String, chosen: bool| Choice { value, label, chosen };
    let statuses = std::iter::once(choice(String::new(), w.t("reports-any-status"), status.is_none()))
        .chain(ReviewStatus::all().iter().map(|s| choice(s.code().into(), s.label(lang).into(), status == Some(*s))))
        .collect();
    let rounds = std::iter::once(choice(String::new(), w.t("review-any-round"), round.is_none()))
        .chain(rounds.iter().rev().map(|r| choice(r.id.0.to_string(), r.name.to_string(), round == Some(r.id))))
        .collect();
    // Rebuilt from the parsed values, so safe to put back into an address.
    let mut filters = Vec::new();
    if !text.is_empty() {
        filters.push(format!("q={}", super::encode_query_value(&text)));
    }
    filters.extend(status.map(|s| format!("status={}", s.code())));
    filters.extend(round.map(|r| format!("round={}", r.0)));
    let page = ReportsPage {
        layout: Layout::new(lang, Some(&session), "reports-title", "/reports"),
        rows,
        total: found.total,
        narrowed: !filters.is_empty(),
        search: text,
        statuses,
        rounds,
        filters: filters.join("&"),
        older,
        first_page,
    };
    render(&page)
}

fn report_row(r: &StoredReport, lang: Lang) -> ReportRow {
    let path: Vec<&str> = r.report.journey.stops().map(|(_, st)| st.text.as_str()).collect();
    ReportRow {
        id: r.id.0,
        reference: r.report.report_id.as_ref().map(|x| x.to_string()).unwrap_or_default(),
        route: path.join(" → "),
        status: r.report.status.label(lang).to_string(),
        changed: r.updated_at.format("%Y-%m-%d").to_string(),
    }
}

struct HistoryRow {
    when: String,
    what: String,
    source: String,
}

#[derive(Template)]
#[template(path = "report.html")]
struct ReportPage {
    layout: Layout,
    saved: Option<&'static str>,
    screened: bool,
    route: String,
    status: String,
    reference: String,
    created: String,
    updated: String,
    history: Vec<HistoryRow>,
    form: Option<RouteForm>,
}

#[derive(Deserialize)]
pub struct ShowQuery {
    saved: Option<String>,
    screened: Option<String>,
}

/// GET /reports/{id}: one report with its history of changes, and the form to edit it.
pub async fn show(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Path(id): Path<i64>,
    Query(q): Query<ShowQuery>,
) -> Result<Response, PageError> {
    let caller = session.caller.clone();
    let id = RouteReportId(id);
    let found = state
        .blocking(move |s| -> Result<_, vjt_store::StoreError> {
            let Some(r) = service::visible(s, &caller, id)? else { return Ok(None) };
            let round = s.rounds()?.into_iter().find(|x| x.id == r.report.round).map(|x| x.name.to_string());
            let history = s.report_changes(id)?;
            Ok(Some((r, round.unwrap_or_default(), history)))
        })
        .await?;
    let Some((r, round, history)) = found else { return Err(PageError::NotFound) };
    let rounds = round_names(&state).await?;
    let w = Words::new(lang);
    let history = history
        .into_iter()
        .map(|(when, what, source)| HistoryRow {
            when: when.get(..16).unwrap_or(&when).replace('T', " "),
            what: history_words(&w, &what),
            source,
        })
        .collect();
    let form = policy::can_write_report(&session.caller, r.report.organisation).then(|| {
        let fields = ReportFields::of(&r.report, "", &round);
        route_form(w, Target::Edit(id), &session, &rounds, &Values::of(&fields), &[], None)
    });
    let saved = q.saved.as_deref().map(|s| if s == "new" { "report-saved" } else { "report-updated" });
    let mut layout = Layout::titled(lang, Some(&session), w.f("form-edit-title", &[("id", Arg::from(id.0))]), "");
    layout.script = true;
    // Saved: the draft kept on the device has done its job.
    layout.clear_draft = match q.saved.as_deref() {
        Some("new") => Some(draft_key(session.caller.user_id, Target::New)),
        Some(_) => Some(draft_key(session.caller.user_id, Target::Edit(id))),
        None => None,
    };
    let page = ReportPage {
        layout,
        saved,
        screened: q.screened.is_some(),
        route: r.report.journey.stops().map(|(_, s)| s.text.as_str()).collect::<Vec<_>>().join(" → "),
        status: r.report.status.label(lang).to_string(),
        reference: r.report.report_id.as_ref().map(|x| x.to_string()).unwrap_or_else(|| "—".into()),
        created: r.created_at.format("%Y-%m-%d %H:%M").to_string(),
        updated: r.updated_at.format("%Y-%m-%d %H:%M").to_string(),
        history,
        form,
    };
    render(&page)
}

/// A history entry ("created", "updated", "status: verified") in words.
fn history_words(w: &Words, what: &str) -> String {
    match what.strip_prefix("status: ") {
        // A decision, with the reviewer's reason on the next line when there is one.
        Some(decision) => {
            let (code, reason) = decision.split_once('\n').unwrap_or((decision, ""));
            match vjt_domain::ReviewStatus::parse(code) {
                Ok(s) if reason.is_empty() => {
                    w.f("history-status", &[("status", Arg::Text(s.label(w.lang).to_string()))])
                }
                Ok(s) => w.f(
                    "history-status-reason",
                    &[("status", Arg::Text(s.label(w.lang).to_string())), ("reason", Arg::Text(reason.to_string()))],
                ),
                Err(_) => what.to_string(),
            }
        }
        None => match what {
            "created" => w.t("history-created"),
            "updated" => w.t("history-updated"),
            other => other.to_string(),
        },
    }
}
