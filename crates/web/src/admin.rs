//! Running the network from the browser: organisations and rounds (the coordinator), and users
//! (the coordinator for everyone, an organisation's administrator for their own). Every decision
//! is asked of `policy`; every change is audited.

use std::collections::HashMap;

use axum::extract::{Form, State};
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use vjt_domain::vocab::Vocabulary;
use vjt_domain::{
    CountryCode, DateSpan, Lang, NewOrganisation, NewRound, OrganisationId, OrganisationKind, OrganisationName, Role,
    RoundName,
};
use vjt_render::svg::escape;
use vjt_store::StoreError;

use crate::policy::{self, Caller};
use crate::{ApiError, AppState};

const STYLE: &str = "body{font-family:Helvetica,Arial,sans-serif;max-width:960px;margin:0 auto;padding:16px;color:#212529}\
label{display:inline-block;margin:8px 12px 0 0;font-weight:bold}input,select{font-size:15px;padding:6px}nav a{margin-right:14px}\
button{margin:8px 8px 0 0;padding:7px 14px;font-size:15px;background:#2a788e;color:#fff;border:0;border-radius:4px}\
table{border-collapse:collapse;width:100%;font-size:14px;margin-top:8px}td,th{border-bottom:1px solid #ddd;padding:5px;text-align:left}\
.error{color:#b00020}.ok{color:#1b5e20}h2{margin-top:28px}";

fn not_found() -> Response {
    (StatusCode::NOT_FOUND, "not found").into_response()
}

/// Whether the caller sees this page at all.
fn may_administer(c: &Caller) -> bool {
    policy::can_manage_network(c) || policy::can_manage_users_of(c, c.organisation)
}

fn back(done: &str) -> Response {
    let mut res = Redirect::to(&format!("/admin?done={done}")).into_response();
    *res.status_mut() = StatusCode::SEE_OTHER;
    res
}

#[derive(serde::Deserialize, Default)]
pub struct AdminQuery {
    done: Option<String>,
}

/// GET /admin
pub async fn page(
    State(state): State<AppState>,
    caller: Option<Caller>,
    axum::extract::Query(q): axum::extract::Query<AdminQuery>,
) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    if !may_administer(&caller) {
        return not_found();
    }
    let message = match q.done.as_deref() {
        Some("organisation") => "The organisation was added.",
        Some("round") => "The round was added.",
        Some("user") => "The user was added; give them their password in person or by another channel.",
        Some("disabled") => "The user was disabled; their sessions and tokens ended.",
        Some("enabled") => "The user can sign in again.",
        _ => "",
    };
    render(&state, &caller, message, "", StatusCode::OK).await
}

async fn render(state: &AppState, caller: &Caller, message: &str, error: &str, status: StatusCode) -> Response {
    let loaded =
        state.with_store(|s| -> Result<_, StoreError> { Ok((s.organisations()?, s.rounds()?, s.users()?)) }).await;
    let (orgs, rounds, users) = match loaded {
        Ok(x) => x,
        Err(e) => return ApiError::from(e).into_response(),
    };
    let names: HashMap<OrganisationId, String> = orgs.iter().map(|o| (o.id, o.name.to_string())).collect();
    let csrf = escape(&caller.csrf);
    let t = |both: &str| escape(crate::forms::tr(caller.lang, both));
    let mut body = String::new();
    if !message.is_empty() {
        body.push_str(&format!("<p class=\"ok\" role=\"status\">{}</p>", escape(message)));
    }
    if !error.is_empty() {
        body.push_str(&format!("<p class=\"error\" role=\"alert\">{}</p>", escape(error)));
    }

    if policy::can_manage_network(caller) {
        body.push_str(&format!(
            "<h2>{}</h2><table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            t("Organisations / Mashirika"),
            t("Name / Jina"),
            t("Kind / Aina"),
            t("Country / Nchi")
        ));
        for o in &orgs {
            body.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(o.name.as_str()),
                escape(o.kind.label(Lang::En)),
                o.country.as_ref().map(|c| c.as_str().to_string()).unwrap_or_default()
            ));
        }
        let kinds: String = OrganisationKind::all()
            .iter()
            .map(|k| {
                format!(
                    "<option value=\"{}\">{} / {}</option>",
                    k.code(),
                    escape(k.label(Lang::En)),
                    escape(k.label(Lang::Sw))
                )
            })
            .collect();
        body.push_str(&format!(
            "</tbody></table><form method=\"post\" action=\"/admin/organisations\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <label>{name} <input name=\"name\" required maxlength=\"200\"></label><label>{kind} <select name=\"kind\">{kinds}</select></label>\
             <label>{country} <input name=\"country\" value=\"KE\" size=\"3\" maxlength=\"2\"></label><button>{add}</button></form>",
            name = t("Name / Jina"),
            kind = t("Kind / Aina"),
            country = t("Country (ISO code) / Nchi (msimbo wa ISO)"),
            add = t("Add organisation / Ongeza shirika"),
        ));

        body.push_str(&format!(
            "<h2>{}</h2><table><thead><tr><th>{}</th><th>{}</th><th>{}</th></tr></thead><tbody>",
            t("Collection rounds / Awamu za ukusanyaji"),
            t("Name / Jina"),
            t("From / Kuanzia"),
            t("To / Hadi")
        ));
        for r in &rounds {
            body.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{}</td></tr>",
                escape(r.name.as_str()),
                r.span.start(),
                r.span.end()
            ));
        }
        body.push_str(&format!(
            "</tbody></table><form method=\"post\" action=\"/admin/rounds\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
             <label>{name} <input name=\"name\" required maxlength=\"100\" placeholder=\"Kenya 2021\"></label>\
             <label>{from} <input type=\"date\" name=\"start\" required></label><label>{to} <input type=\"date\" name=\"end\" required></label>\
             <button>{add}</button></form>",
            name = t("Name / Jina"),
            from = t("From / Kuanzia"),
            to = t("To / Hadi"),
            add = t("Add round / Ongeza awamu"),
        ));
    }

    body.push_str(&format!(
        "<h2>{}</h2><table><thead><tr><th>{}</th><th>{}</th><th>{}</th><th>{}</th><th></th></tr></thead><tbody>",
        t("Users / Watumiaji"),
        t("E-mail / Barua pepe"),
        t("Organisation / Shirika"),
        t("Role / Jukumu"),
        t("State / Hali")
    ));
    for u in users.iter().filter(|u| policy::can_manage_users_of(caller, u.organisation)) {
        // Nobody disables themselves, and an organisation's administrator cannot touch roles
        // they could not grant.
        let action = if u.id == caller.user_id || !policy::can_grant(caller, u.role) {
            String::new()
        } else {
            let (label, value) = if u.disabled { ("Enable", "0") } else { ("Disable", "1") };
            format!(
                "<form method=\"post\" action=\"/admin/users/state\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\"><input type=\"hidden\" name=\"email\" value=\"{}\"><input type=\"hidden\" name=\"disabled\" value=\"{value}\"><button>{label}</button></form>",
                escape(&u.email)
            )
        };
        body.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{action}</td></tr>",
            escape(&u.email),
            escape(names.get(&u.organisation).map_or("", String::as_str)),
            escape(u.role.label(Lang::En)),
            if u.disabled { "disabled" } else { "active" }
        ));
    }
    let org_options: String = orgs
        .iter()
        .filter(|o| policy::can_manage_users_of(caller, o.id))
        .map(|o| format!("<option>{}</option>", escape(o.name.as_str())))
        .collect();
    let role_options: String = Role::all()
        .iter()
        .filter(|r| policy::can_grant(caller, **r))
        .map(|r| format!("<option value=\"{}\">{}</option>", r.code(), escape(r.label(Lang::En))))
        .collect();
    body.push_str(&format!(
        "</tbody></table><form method=\"post\" action=\"/admin/users\"><input type=\"hidden\" name=\"csrf\" value=\"{csrf}\">\
         <label>{email} <input type=\"email\" name=\"email\" required></label><label>{org} <select name=\"organisation\">{org_options}</select></label>\
         <label>{role} <select name=\"role\">{role_options}</select></label>\
         <label>{password} <input type=\"password\" name=\"password\" required minlength=\"10\" autocomplete=\"new-password\"></label>\
         <button>{add}</button></form>",
        email = t("E-mail / Barua pepe"),
        org = t("Organisation / Shirika"),
        role = t("Role / Jukumu"),
        password = t("First password (10 characters or more) / Nenosiri la kwanza (herufi 10 au zaidi)"),
        add = t("Add user / Ongeza mtumiaji"),
    ));
    let html = format!(
        "<!DOCTYPE html><html lang=\"{code}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{title} — vjt</title><style>{STYLE}</style></head><body><nav>{}</nav><h1>{title}</h1>{body}</body></html>",
        crate::forms::nav_links(caller),
        code = if caller.lang == Lang::Sw { "sw" } else { "en" },
        title = t("Administration / Usimamizi"),
    );
    (status, Html(html)).into_response()
}

/// A mistake in one of the forms: the page again, with the reason in plain words.
async fn refuse(state: &AppState, caller: &Caller, reason: String) -> Response {
    render(state, caller, "", &reason, StatusCode::UNPROCESSABLE_ENTITY).await
}

/// Stores what a form described once it parsed, then back to the page; a name already taken is
/// the user's mistake and is explained, anything else is the server's.
async fn save_new<T: Send + 'static>(
    state: &AppState,
    caller: &Caller,
    parsed: Result<T, String>,
    done: &str,
    work: impl FnOnce(&vjt_store::Store, T) -> Result<(), StoreError> + Send + 'static,
) -> Response {
    let new = match parsed {
        Ok(n) => n,
        Err(reason) => return refuse(state, caller, reason).await,
    };
    match state.with_store(move |s| work(s, new)).await {
        Ok(()) => back(done),
        Err(e @ (StoreError::DuplicateOrganisation(_) | StoreError::DuplicateRound(_))) => {
            refuse(state, caller, e.to_string()).await
        }
        Err(e) => ApiError::from(e).into_response(),
    }
}

#[derive(serde::Deserialize)]
pub struct NewOrganisationForm {
    name: String,
    kind: String,
    #[serde(default)]
    country: String,
}

/// POST /admin/organisations
pub async fn add_organisation(
    State(state): State<AppState>,
    caller: Option<Caller>,
    Form(f): Form<NewOrganisationForm>,
) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    if !policy::can_manage_network(&caller) {
        return not_found();
    }
    let parsed = (|| -> Result<NewOrganisation, String> {
        Ok(NewOrganisation {
            name: OrganisationName::parse(&f.name).map_err(|e| format!("Name: {e}"))?,
            kind: OrganisationKind::parse(&f.kind).map_err(|e| format!("Kind: {e}"))?,
            country: match f.country.trim() {
                "" => None,
                c => Some(CountryCode::parse(c).map_err(|e| format!("Country: {e}"))?),
            },
        })
    })();
    let user = caller.user_id;
    save_new(&state, &caller, parsed, "organisation", move |s, new| {
        let o = s.add_organisation(&new)?;
        s.audit(Some(user), "organisation_added", o.name.as_str())
    })
    .await
}

#[derive(serde::Deserialize)]
pub struct NewRoundForm {
    name: String,
    start: String,
    end: String,
}

/// POST /admin/rounds
pub async fn add_round(State(state): State<AppState>, caller: Option<Caller>, Form(f): Form<NewRoundForm>) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    if !policy::can_manage_network(&caller) {
        return not_found();
    }
    let date = |label: &str, v: &str| {
        chrono::NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d")
            .map_err(|_| format!("{label}: '{}' is not a date like 2021-01-31", v.trim()))
    };
    let parsed = (|| -> Result<NewRound, String> {
        let span = DateSpan::new(date("From", &f.start)?, date("To", &f.end)?).map_err(|e| e.to_string())?;
        Ok(NewRound { name: RoundName::parse(&f.name).map_err(|e| format!("Name: {e}"))?, span })
    })();
    let user = caller.user_id;
    save_new(&state, &caller, parsed, "round", move |s, new| {
        let r = s.add_round(&new)?;
        s.audit(Some(user), "round_added", r.name.as_str())
    })
    .await
}

#[derive(serde::Deserialize)]
pub struct NewUserForm {
    email: String,
    organisation: String,
    role: String,
    password: String,
}

/// POST /admin/users
pub async fn add_user(State(state): State<AppState>, caller: Option<Caller>, Form(f): Form<NewUserForm>) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    if !may_administer(&caller) {
        return not_found();
    }
    let email = f.email.trim().to_lowercase();
    if !(email.contains('@') && email.len() <= 254 && !email.contains(char::is_whitespace)) {
        return refuse(&state, &caller, format!("'{email}' is not an e-mail address")).await;
    }
    let role = match Role::parse(&f.role) {
        Ok(r) if policy::can_grant(&caller, r) => r,
        Ok(r) => return refuse(&state, &caller, format!("you cannot give the role '{}'", r.label(Lang::En))).await,
        Err(e) => return refuse(&state, &caller, format!("Role: {e}")).await,
    };
    if f.password.chars().count() < 10 {
        return refuse(&state, &caller, "the password is too short: use at least 10 characters".into()).await;
    }
    let hash = match crate::auth::hash_password(&f.password) {
        Ok(h) => h,
        Err(e) => return ApiError::internal(e).into_response(),
    };
    let c = caller.clone();
    let org_name = f.organisation.clone();
    let added = state
        .with_store(move |s| -> Result<Result<(), String>, StoreError> {
            let Some(org) = s.organisation_named(&org_name)? else {
                return Ok(Err(format!("no organisation is named '{org_name}'")));
            };
            if !policy::can_manage_users_of(&c, org.id) {
                return Ok(Err(format!("you cannot add users to '{org_name}'")));
            }
            match s.add_user(&email, org.id, role, &hash) {
                Ok(_) => {}
                Err(StoreError::DuplicateUser(e)) => {
                    return Ok(Err(format!("a user with the e-mail '{e}' already exists")))
                }
                Err(e) => return Err(e),
            }
            s.audit(Some(c.user_id), "user_added", &format!("{email} ({})", role.code()))?;
            Ok(Ok(()))
        })
        .await;
    match added {
        Ok(Ok(())) => back("user"),
        Ok(Err(reason)) => refuse(&state, &caller, reason).await,
        Err(e) => ApiError::from(e).into_response(),
    }
}

#[derive(serde::Deserialize)]
pub struct UserStateForm {
    email: String,
    disabled: String,
}

/// POST /admin/users/state: disable or enable a user.
pub async fn set_user_state(
    State(state): State<AppState>,
    caller: Option<Caller>,
    Form(f): Form<UserStateForm>,
) -> Response {
    let Some(caller) = caller else { return Redirect::to("/login").into_response() };
    if !may_administer(&caller) {
        return not_found();
    }
    let disabled = f.disabled == "1";
    let c = caller.clone();
    let changed = state
        .with_store(move |s| -> Result<bool, StoreError> {
            let Some(u) = s.user_by_email(&f.email)? else { return Ok(false) };
            if u.id == c.user_id || !policy::can_manage_users_of(&c, u.organisation) || !policy::can_grant(&c, u.role) {
                return Ok(false);
            }
            s.set_user_disabled(&u.email, disabled)?;
            s.audit(Some(c.user_id), if disabled { "user_disabled" } else { "user_enabled" }, &u.email)?;
            Ok(true)
        })
        .await;
    match changed {
        Ok(true) => back(if disabled { "disabled" } else { "enabled" }),
        // Users the caller may not manage are not theirs to know about.
        Ok(false) => not_found(),
        Err(e) => ApiError::from(e).into_response(),
    }
}
