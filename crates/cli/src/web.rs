//! `vjt serve` and `vjt user ...`.

use anyhow::{anyhow, bail, Context, Result};
use clap::Subcommand;
use vjt_domain::{Role, Vocabulary};
use vjt_store::Store;

use crate::output::{say, table};

#[derive(Subcommand)]
pub enum UserCommand {
    /// Create a user. The password comes from VJT_PASSWORD or is asked for; never an argument.
    Add {
        email: String,
        /// The user's organisation (by name).
        #[arg(long)]
        org: String,
        /// coordinator, org_admin, reporter or viewer.
        #[arg(long)]
        role: String,
    },
    /// List users.
    List,
    /// Disable a user; their sessions and tokens end at once.
    Disable { email: String },
    /// Lift every sign-in wait on a user (after someone guessed at their password), from
    /// every address at once.
    Unlock { email: String },
}

/// The new user's password: VJT_PASSWORD, or typed twice at a prompt that does not show it.
fn read_password() -> Result<String> {
    if let Ok(p) = std::env::var("VJT_PASSWORD") {
        return Ok(p);
    }
    let first = rpassword::prompt_password("password (not shown): ").context("cannot read the password")?;
    let again = rpassword::prompt_password("the same password again: ").context("cannot read the password")?;
    if first != again {
        bail!("the two passwords differ; nothing was changed");
    }
    Ok(first)
}

pub fn user(db: &str, cmd: UserCommand) -> Result<()> {
    let store = Store::open(db)?;
    match cmd {
        UserCommand::Add { email, org, role } => {
            let role = Role::parse(&role).map_err(|e| anyhow!("--role: {e}"))?;
            if !email.contains('@') || email.trim().len() < 3 {
                bail!("'{email}' is not an e-mail address");
            }
            let org = store
                .organisation_named(&org)?
                .ok_or_else(|| anyhow!("no organisation is named '{org}' (see `vjt org list`)"))?;
            let password = read_password()?;
            if let Err(reason) = vjt_service::accounts::check_new_password(&password, &email) {
                bail!("{reason}");
            }
            let hash = vjt_service::accounts::hash_password(&password)
                .map_err(|e| anyhow!("cannot hash the password: {e}"))?;
            store.add_user(&email, org.id, role, &hash)?;
            store.audit(
                None,
                "user_added",
                &format!("{} ({}) by the command line", email.trim().to_lowercase(), role.code()),
            )?;
            say(format!("added {} as {} of {}", email.trim().to_lowercase(), role.code(), org.name))?;
        }
        UserCommand::List => {
            let orgs: std::collections::HashMap<i64, String> =
                store.organisations()?.into_iter().map(|o| (o.id.0, o.name.to_string())).collect();
            let rows: Vec<Vec<String>> = store
                .users()?
                .iter()
                .map(|u| {
                    vec![
                        u.email.clone(),
                        u.role.code().to_string(),
                        orgs.get(&u.organisation.0).cloned().unwrap_or_default(),
                        if u.disabled { "disabled".into() } else { "active".into() },
                    ]
                })
                .collect();
            table(&["email", "role", "organisation", "state"], &rows)?;
        }
        UserCommand::Disable { email } => {
            if !store.set_user_disabled(&email, true)? {
                bail!("no user has the e-mail address '{email}'");
            }
            store.audit(None, "user_disabled", &email)?;
            say(format!("disabled {email}; their sessions and tokens have ended"))?;
        }
        UserCommand::Unlock { email } => {
            if !vjt_service::accounts::unlock(&store, &email)? {
                bail!("no user has the e-mail address '{email}'");
            }
            store.audit(None, "user_unlocked", &format!("{} by the command line", email.trim().to_lowercase()))?;
            say(format!("{} can sign in again from anywhere", email.trim().to_lowercase()))?;
        }
    }
    Ok(())
}

/// Serves the platform on `bind` until Ctrl-C.
pub fn serve(db: &str, bind: &str) -> Result<()> {
    let store = Store::open(db)?;
    vjt_web::init_logging();
    say(format!("vjt is serving {} on http://{bind}/ (Ctrl-C stops it)", store.target()))?;
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .max_blocking_threads(blocking_threads())
        .build()
        .context("cannot start the server's runtime")?;
    runtime.block_on(vjt_web::serve(store, bind)).with_context(|| format!("cannot serve on {bind}"))?;
    Ok(())
}

/// Threads for the store, analyses and pages (password checks have their own). tokio's default
/// of 512 let a burst of requests start dozens, each keeping its own allocator heap: under the
/// mixed load with 100,000 reports the server held 861–910 MiB against 552–569 MiB with 16, and
/// answered as fast (953–1,000 against 893–933 requests/s). Work past the store's nine
/// connections only waited for one anyway.
fn blocking_threads() -> usize {
    std::thread::available_parallelism().map_or(16, |n| (n.get() * 8).max(16))
}

/// The demo's accounts: one per role, with one random password printed once.
pub fn demo_accounts(store: &Store) -> Result<String> {
    let password = vjt_service::accounts::new_token()[..16].to_string();
    let hash = vjt_service::accounts::hash_password(&password).map_err(|e| anyhow!("cannot hash the password: {e}"))?;
    let orgs = store.organisations()?;
    let secretariat = orgs.iter().find(|o| o.kind == vjt_domain::OrganisationKind::Coordinator).unwrap_or(&orgs[0]).id;
    let ngo = orgs.iter().find(|o| o.kind == vjt_domain::OrganisationKind::Ngo).unwrap_or(&orgs[0]).id;
    for (email, org, role) in [
        ("coordinator@demo.local", secretariat, Role::Coordinator),
        ("reporter@demo.local", ngo, Role::Reporter),
        ("viewer@demo.local", secretariat, Role::Viewer),
    ] {
        store.add_user(email, org, role, &hash)?;
    }
    Ok(password)
}
