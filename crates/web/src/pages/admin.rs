//! Running the network from the browser: organisations and rounds (the coordinator), and users
//! (the coordinator for everyone, an organisation's administrator for their own). Every
//! decision is asked of `policy`; every change is audited.

use std::collections::HashMap;

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use vjt_domain::vocab::Vocabulary;
use vjt_domain::{
    Arg, CountryCode, DateSpan, Lang, Message, NewOrganisation, NewRound, OrganisationId, OrganisationKind,
    OrganisationName, Role, RoundName,
};
use vjt_service::{accounts, policy};
use vjt_store::StoreError;

use super::{render_with, see_other, Layout};
use crate::error::PageError;
use crate::session::{PageLang, SignedIn};
use crate::words::Words;
use crate::AppState;

struct OrgRow {
    name: String,
    kind: &'static str,
    country: String,
}

struct RoundRow {
    name: String,
    start: String,
    end: String,
}

struct UserRow {
    email: String,
    organisation: String,
    role: &'static str,
    disabled: bool,
    /// "Unlock (3 failed sign-ins)", offered when sign-ins failed since the last good one.
    unlock: Option<String>,
    manageable: bool,
}

struct Choice {
    code: &'static str,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "admin.html")]
struct AdminPage {
    layout: Layout,
    csrf: String,
    done: Option<String>,
    problem: Option<String>,
    network: bool,
    organisations: Vec<OrgRow>,
    rounds: Vec<RoundRow>,
    users: Vec<UserRow>,
    kinds: Vec<Choice>,
    user_orgs: Vec<String>,
    roles: Vec<Choice>,
}

#[derive(Deserialize)]
pub struct AdminQuery {
    done: Option<String>,
}

/// GET /admin
pub async fn page(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Query(q): Query<AdminQuery>,
) -> Result<Response, PageError> {
    let done = match q.done.as_deref() {
        Some(d @ ("organisation" | "round" | "user" | "disabled" | "enabled" | "unlocked")) => {
            Some(format!("admin-done-{d}"))
        }
        _ => None,
    };
    show(&state, &session, lang, done.as_deref(), None, StatusCode::OK).await
}

async fn show(
    state: &AppState,
    session: &SignedIn,
    lang: Lang,
    done: Option<&str>,
    problem: Option<Message>,
    status: StatusCode,
) -> Result<Response, PageError> {
    let (orgs, rounds, users) =
        state.blocking(|s| -> Result<_, StoreError> { Ok((s.organisations()?, s.rounds()?, s.users()?)) }).await?;
    let caller = &session.caller;
    let w = Words::new(lang);
    let names: HashMap<OrganisationId, String> = orgs.iter().map(|o| (o.id, o.name.to_string())).collect();
    let page = AdminPage {
        layout: Layout::new(lang, Some(session), "admin-title", "/admin"),
        csrf: session.csrf.clone(),
        done: done.map(|k| w.t(k)),
        problem: problem.map(|m| w.message(&m)),
        network: policy::can_manage_network(caller),
        organisations: orgs
            .iter()
            .map(|o| OrgRow {
                name: o.name.to_string(),
                kind: o.kind.label(lang),
                country: o.country.as_ref().map(|c| c.as_str().to_string()).unwrap_or_default(),
            })
            .collect(),
        rounds: rounds
            .iter()
            .map(|r| RoundRow {
                name: r.name.to_string(),
                start: r.span.start().to_string(),
                end: r.span.end().to_string(),
            })
            .collect(),
        users: users
            .iter()
            .filter(|u| policy::can_manage_users_of(caller, u.organisation))
            .map(|u| UserRow {
                email: u.email.clone(),
                organisation: names.get(&u.organisation).cloned().unwrap_or_default(),
                role: u.role.label(lang),
                disabled: u.disabled,
                unlock: (u.failed_logins > 0)
                    .then(|| crate::words::Words::new(lang).f("admin-unlock", &[("failures", u.failed_logins.into())])),
                // Nobody disables themselves, and an organisation's administrator cannot touch
                // roles they could not grant.
                manageable: u.id != caller.user_id && policy::can_grant(caller, u.role),
            })
            .collect(),
        kinds: OrganisationKind::all().iter().map(|k| Choice { code: k.code(), label: k.label(lang) }).collect(),
        user_orgs: orgs
            .iter()
            .filter(|o| policy::can_manage_users_of(caller, o.id))
            .map(|o| o.name.to_string())
            .collect(),
        // The least powerful role first (a viewer sees releases only): what a new user gets
        // unless someone chooses more.
        roles: [Role::Viewer, Role::Reporter, Role::OrgAdmin, Role::Coordinator]
            .into_iter()
            .filter(|r| policy::can_grant(caller, *r))
            .map(|r| Choice { code: r.code(), label: r.label(lang) })
            .collect(),
    };
    render_with(status, &page)
}

/// A mistake in one of the forms: the page again, with the reason in plain words.
async fn refuse(state: &AppState, session: &SignedIn, lang: Lang, reason: Message) -> Result<Response, PageError> {
    show(state, session, lang, None, Some(reason), StatusCode::UNPROCESSABLE_ENTITY).await
}

#[derive(Deserialize)]
pub struct NewOrganisationForm {
    name: String,
    kind: String,
    #[serde(default)]
    country: String,
}

fn field_problem(field: &'static str, m: Message) -> Message {
    Message::new("admin-field-problem").with_word("field", field).with("reason", m)
}

/// POST /admin/organisations
pub async fn add_organisation(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Form(f): Form<NewOrganisationForm>,
) -> Result<Response, PageError> {
    let parsed = (|| -> Result<NewOrganisation, Message> {
        Ok(NewOrganisation {
            name: OrganisationName::parse(&f.name).map_err(|e| field_problem("admin-name", e.message()))?,
            kind: OrganisationKind::parse(&f.kind).map_err(|e| field_problem("admin-kind", e.message()))?,
            country: match f.country.trim() {
                "" => None,
                c => Some(CountryCode::parse(c).map_err(|e| field_problem("admin-country", e.message()))?),
            },
        })
    })();
    let new = match parsed {
        Ok(n) => n,
        Err(m) => return refuse(&state, &session, lang, m).await,
    };
    let user = session.caller.user_id;
    let added = state
        .blocking(move |s| -> Result<(), StoreError> {
            let o = s.add_organisation(&new)?;
            s.audit(Some(user), "organisation_added", o.name.as_str())
        })
        .await;
    match added {
        Ok(()) => Ok(see_other("/admin?done=organisation")),
        Err(StoreError::DuplicateOrganisation(name)) => {
            refuse(&state, &session, lang, Message::new("admin-organisation-exists").with("name", Arg::Text(name)))
                .await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct NewRoundForm {
    name: String,
    start: String,
    end: String,
}

/// POST /admin/rounds
pub async fn add_round(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Form(f): Form<NewRoundForm>,
) -> Result<Response, PageError> {
    let parsed = (|| -> Result<NewRound, Message> {
        let start = vjt_domain::parse_date(&f.start).map_err(|e| field_problem("admin-from", e.message()))?;
        let end = vjt_domain::parse_date(&f.end).map_err(|e| field_problem("admin-to", e.message()))?;
        let span = DateSpan::new(start, end).map_err(|e| e.message())?;
        Ok(NewRound { name: RoundName::parse(&f.name).map_err(|e| field_problem("admin-name", e.message()))?, span })
    })();
    let new = match parsed {
        Ok(n) => n,
        Err(m) => return refuse(&state, &session, lang, m).await,
    };
    let user = session.caller.user_id;
    let added = state
        .blocking(move |s| -> Result<(), StoreError> {
            let r = s.add_round(&new)?;
            s.audit(Some(user), "round_added", r.name.as_str())
        })
        .await;
    match added {
        Ok(()) => Ok(see_other("/admin?done=round")),
        Err(StoreError::DuplicateRound(name)) => {
            refuse(&state, &session, lang, Message::new("admin-round-exists").with("name", Arg::Text(name))).await
        }
        Err(e) => Err(e.into()),
    }
}

#[derive(Deserialize)]
pub struct NewUserForm {
    email: String,
    organisation: String,
    role: String,
    password: String,
}

/// POST /admin/users
pub async fn add_user(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Form(f): Form<NewUserForm>,
) -> Result<Response, PageError> {
    let caller = session.caller.clone();
    let email = f.email.trim().to_lowercase();
    if !(email.contains('@') && email.len() <= 254 && !email.contains(char::is_whitespace)) {
        return refuse(&state, &session, lang, Message::new("admin-not-an-email").with("email", Arg::Text(email)))
            .await;
    }
    let role = match Role::parse(&f.role) {
        Ok(r) if policy::can_grant(&caller, r) => r,
        Ok(r) => {
            let m = Message::new("admin-cannot-grant").with_label("role", r.label(Lang::En), r.label(Lang::Sw));
            return refuse(&state, &session, lang, m).await;
        }
        Err(e) => return refuse(&state, &session, lang, field_problem("admin-role", e.message())).await,
    };
    if let Err(m) = accounts::check_new_password(&f.password, &email) {
        return refuse(&state, &session, lang, m).await;
    }
    let password = f.password.clone();
    let hash = state.blocking(move |_| accounts::hash_password(&password)).await.map_err(PageError::internal)?;
    let org_name = f.organisation.clone();
    let added = state
        .blocking(move |s| -> Result<Result<(), Message>, StoreError> {
            let Some(org) = s.organisation_named(&org_name)? else {
                return Ok(Err(Message::new("import-no-such-organisation").with("name", Arg::Text(org_name))));
            };
            if !policy::can_manage_users_of(&caller, org.id) {
                return Ok(Err(Message::new("admin-not-your-organisation").with("name", Arg::Text(org_name))));
            }
            match s.add_user(&email, org.id, role, &hash) {
                Ok(_) => {}
                Err(StoreError::DuplicateUser(e)) => {
                    return Ok(Err(Message::new("admin-user-exists").with("email", Arg::Text(e))))
                }
                Err(e) => return Err(e),
            }
            s.audit(Some(caller.user_id), "user_added", &format!("{email} ({})", role.code()))?;
            Ok(Ok(()))
        })
        .await?;
    match added {
        Ok(()) => Ok(see_other("/admin?done=user")),
        Err(m) => refuse(&state, &session, lang, m).await,
    }
}

#[derive(Deserialize)]
pub struct UserStateForm {
    email: String,
    #[serde(default)]
    disabled: String,
    /// "1": lift every sign-in wait on the user instead (after someone guessed at it).
    #[serde(default)]
    unlock: String,
    /// "1": give the user a new random password, shown once, and sign them out everywhere.
    #[serde(default)]
    reset: String,
}

/// POST /admin/users/state: disable, enable or unlock a user.
pub async fn set_user_state(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Form(f): Form<UserStateForm>,
) -> Result<Response, PageError> {
    let disabled = f.disabled == "1";
    let unlock = f.unlock == "1";
    let reset = f.reset == "1";
    let caller = session.caller.clone();
    // What happened: None when the user is not the caller's to manage; a new password on reset.
    let changed = state
        .blocking(move |s| -> Result<Option<Option<(String, String)>>, StoreError> {
            let Some(u) = s.user_by_email(&f.email)? else { return Ok(None) };
            if u.id == caller.user_id
                || !policy::can_manage_users_of(&caller, u.organisation)
                || !policy::can_grant(&caller, u.role)
            {
                return Ok(None);
            }
            if reset {
                let password = accounts::reset_password(s, &u, caller.user_id)?;
                return Ok(Some(Some((u.email, password))));
            }
            if unlock {
                accounts::unlock(s, &u.email)?;
                s.audit(Some(caller.user_id), "user_unlocked", &u.email)?;
                return Ok(Some(None));
            }
            s.set_user_disabled(&u.email, disabled)?;
            s.audit(Some(caller.user_id), if disabled { "user_disabled" } else { "user_enabled" }, &u.email)?;
            Ok(Some(None))
        })
        .await?;
    let Some(outcome) = changed else {
        // Users the caller may not manage are not theirs to know about.
        return Err(PageError::NotFound);
    };
    if let Some((email, password)) = outcome {
        // Shown once, on this page only: never in an address, a log or the audit log.
        let w = Words::new(lang);
        let said = w.f("admin-reset-done", &[("email", Arg::Text(email)), ("password", Arg::Text(password))]);
        let page = ResetPage { layout: Layout::new(lang, Some(&session), "admin-reset-title", "/admin"), said };
        return render_with(StatusCode::OK, &page);
    }
    Ok(see_other(match (unlock, disabled) {
        (true, _) => "/admin?done=unlocked",
        (false, true) => "/admin?done=disabled",
        (false, false) => "/admin?done=enabled",
    }))
}

#[derive(Template)]
#[template(path = "admin_reset.html")]
struct ResetPage {
    layout: Layout,
    said: String,
}
