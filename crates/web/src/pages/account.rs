//! One's own account: changing one's password. (An administrator's reset is on /admin.)

use askama::Template;
use axum::extract::{Form, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use vjt_service::accounts::{self, PasswordChangeError};

use super::{render_with, see_other, Layout};
use crate::error::PageError;
use crate::session::{PageLang, SignedIn};
use crate::words::Words;
use crate::AppState;

#[derive(Template)]
#[template(path = "account.html")]
struct AccountPage {
    layout: Layout,
    csrf: String,
    email: String,
    problem: Option<String>,
    done: bool,
}

#[derive(Deserialize)]
pub struct AccountQuery {
    #[serde(default)]
    done: Option<String>,
}

fn page(lang: vjt_domain::Lang, session: &SignedIn, problem: Option<String>, done: bool) -> AccountPage {
    AccountPage {
        layout: Layout::new(lang, Some(session), "account-title", "/account"),
        csrf: session.csrf.clone(),
        email: session.caller.email.clone(),
        problem,
        done,
    }
}

/// GET /account
pub async fn show(
    session: SignedIn,
    PageLang(lang): PageLang,
    Query(q): Query<AccountQuery>,
) -> Result<Response, PageError> {
    render_with(StatusCode::OK, &page(lang, &session, None, q.done.is_some()))
}

#[derive(Deserialize)]
pub struct PasswordForm {
    current: String,
    new: String,
    again: String,
}

/// POST /account/password: the current password, and the new one twice.
pub async fn change_password(
    State(state): State<AppState>,
    session: SignedIn,
    PageLang(lang): PageLang,
    Form(f): Form<PasswordForm>,
) -> Result<Response, PageError> {
    let w = Words::new(lang);
    if f.new != f.again {
        return render_with(
            StatusCode::UNPROCESSABLE_ENTITY,
            &page(lang, &session, Some(w.t("account-differ")), false),
        );
    }
    // The password check is the expensive part: it takes a turn like a sign-in does.
    let (user, keep) = (session.caller.user_id, session.token_hash.clone());
    let changed = state
        .checking_password(move |s| accounts::change_password(s, user, &f.current, &f.new, &keep))
        .await
        .ok_or_else(|| PageError::Unavailable("too many password checks at once".into()))?;
    let problem = match changed {
        Ok(()) => return Ok(see_other("/account?done=1")),
        Err(PasswordChangeError::WrongCurrent) => w.t("account-wrong-current"),
        Err(PasswordChangeError::Weak(m)) => m.text(lang),
        Err(PasswordChangeError::Store(e)) => return Err(e.into()),
    };
    render_with(StatusCode::UNPROCESSABLE_ENTITY, &page(lang, &session, Some(problem), false))
}
