//! One function per command. Each opens the store, does one job and prints the outcome.

use std::path::{Path, PathBuf};

use anyhow::{anyhow, bail, Context, Result};
use clap::{Args, Subcommand};
use vjt_domain::{
    parse_date, CountryCode, DateSpan, NewOrganisation, NewRound, OrganisationKind, OrganisationName, RoundName,
    Vocabulary,
};
use vjt_store::{ReportQuery, Store, SCHEMA_VERSION};

use crate::output::{json, say, table};

fn open(db: &str) -> Result<Store> {
    Ok(Store::open(db)?)
}

pub fn init(db: &str) -> Result<()> {
    let store = open(db)?;
    let tls = if store.is_encrypted()? { ", connection encrypted" } else { "" };
    say(format!("database ready: {} (schema version {SCHEMA_VERSION}{tls})", store.target()))?;
    Ok(())
}

#[derive(Subcommand)]
pub enum OrgCommand {
    /// Register an organisation.
    Add {
        name: String,
        /// ngo, faith_based, community_based, international, government or coordinator.
        #[arg(long)]
        kind: String,
        /// ISO 3166-1 alpha-2 code of the country it works in, e.g. KE.
        #[arg(long)]
        country: Option<String>,
    },
    /// List the organisations.
    List {
        #[arg(long)]
        json: bool,
    },
}

pub fn org(db: &str, cmd: OrgCommand) -> Result<()> {
    match cmd {
        OrgCommand::Add { name, kind, country } => {
            // Check every argument before touching the database.
            let new = NewOrganisation {
                name: OrganisationName::parse(&name)?,
                kind: OrganisationKind::parse(&kind).map_err(|e| anyhow!("--kind: {e}"))?,
                country: country.as_deref().map(CountryCode::parse).transpose()?,
            };
            let org = open(db)?.add_organisation(&new)?;
            say(format!("added organisation '{}' ({}), id {}", org.name, org.kind, org.id.0))?;
        }
        OrgCommand::List { json: as_json } => {
            let orgs = open(db)?.organisations()?;
            if as_json {
                return json(&orgs);
            }
            let rows: Vec<Vec<String>> = orgs
                .iter()
                .map(|o| {
                    vec![
                        o.id.0.to_string(),
                        o.name.to_string(),
                        o.kind.to_string(),
                        o.country.map(|c| c.to_string()).unwrap_or_default(),
                    ]
                })
                .collect();
            table(&["id", "name", "kind", "country"], &rows)?;
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum RoundCommand {
    /// Open a collection round.
    Add {
        name: String,
        /// First day, YYYY-MM-DD.
        #[arg(long)]
        start: String,
        /// Last day, YYYY-MM-DD.
        #[arg(long)]
        end: String,
    },
    /// List the rounds.
    List {
        #[arg(long)]
        json: bool,
    },
}

pub fn round(db: &str, cmd: RoundCommand) -> Result<()> {
    match cmd {
        RoundCommand::Add { name, start, end } => {
            let start = parse_date(&start).context("--start")?;
            let end = parse_date(&end).context("--end")?;
            let new = NewRound { name: RoundName::parse(&name)?, span: DateSpan::new(start, end)? };
            let round = open(db)?.add_round(&new)?;
            say(format!("added round '{}' ({} to {}), id {}", round.name, start, end, round.id.0))?;
        }
        RoundCommand::List { json: as_json } => {
            let rounds = open(db)?.rounds()?;
            if as_json {
                return json(&rounds);
            }
            let rows: Vec<Vec<String>> = rounds
                .iter()
                .map(|r| {
                    vec![r.id.0.to_string(), r.name.to_string(), r.span.start().to_string(), r.span.end().to_string()]
                })
                .collect();
            table(&["id", "name", "start", "end"], &rows)?;
        }
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum RoutesCommand {
    /// List route reports, one line each.
    List {
        /// Only this organisation's reports (by name).
        #[arg(long)]
        org: Option<String>,
        /// Only this round's reports (by name).
        #[arg(long)]
        round: Option<String>,
        #[arg(long)]
        json: bool,
    },
}

/// Turns `--org`/`--round` names into a query, failing with a clear line for a name that is not there.
pub fn query(store: &Store, org: Option<&str>, round: Option<&str>) -> Result<ReportQuery> {
    let organisation = match org {
        None => None,
        Some(name) => Some(
            store
                .organisation_named(name)?
                .ok_or_else(|| anyhow!("no organisation is named '{name}' (see `vjt org list`)"))?
                .id,
        ),
    };
    let round = match round {
        None => None,
        Some(name) => Some(
            store.round_named(name)?.ok_or_else(|| anyhow!("no round is named '{name}' (see `vjt round list`)"))?.id,
        ),
    };
    Ok(ReportQuery { round, organisation })
}

pub fn routes(db: &str, cmd: RoutesCommand) -> Result<()> {
    let RoutesCommand::List { org, round, json: as_json } = cmd;
    let store = open(db)?;
    let q = query(&store, org.as_deref(), round.as_deref())?;
    let reports = store.reports(&q)?;
    if as_json {
        return json(&reports);
    }
    let rows: Vec<Vec<String>> = reports
        .iter()
        .map(|s| {
            let path: Vec<&str> = s.report.journey.stops().map(|(_, stop)| stop.text.as_str()).collect();
            vec![
                s.id.0.to_string(),
                s.report.report_id.as_ref().map(ToString::to_string).unwrap_or_default(),
                path.join(" → "),
                s.report.victims.map(|v| v.to_string()).unwrap_or_else(|| "?".into()),
                s.report.status.to_string(),
            ]
        })
        .collect();
    table(&["id", "report_id", "route", "victims", "status"], &rows)?;
    Ok(())
}

#[derive(Args)]
pub struct DemoArgs {
    /// Folder for the demo database (DIR/vjt.db) and, as vjt grows, its report.
    #[arg(long, default_value = "vjt-demo")]
    out: PathBuf,
    /// Stop after writing the outputs instead of serving the web UI.
    #[arg(long)]
    no_serve: bool,
}

/// A demo database may be replaced; anything else in its place is someone's data and is kept.
fn clear_previous_demo(db_path: &Path) -> Result<()> {
    if !db_path.exists() {
        return Ok(());
    }
    let path = db_path.to_str().ok_or_else(|| anyhow!("the path {} is not valid UTF-8", db_path.display()))?;
    let holds_real_data = {
        let old = Store::open_sqlite(path).with_context(|| {
            format!("{} exists and is not a vjt demo database; choose another --out", db_path.display())
        })?;
        old.organisations()?.iter().any(|o| !o.name.as_str().ends_with("(demo)"))
    };
    if holds_real_data {
        bail!(
            "{} holds organisations that are not demo data; it was left untouched, choose another --out",
            db_path.display()
        );
    }
    for suffix in ["", "-wal", "-shm"] {
        let file = PathBuf::from(format!("{path}{suffix}"));
        if file.exists() {
            std::fs::remove_file(&file)
                .with_context(|| format!("cannot remove the old demo file {}", file.display()))?;
        }
    }
    Ok(())
}

pub fn demo(args: DemoArgs) -> Result<()> {
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create the folder {}", args.out.display()))?;
    let db_path = args.out.join("vjt.db");
    clear_previous_demo(&db_path)?;
    let store = Store::open_sqlite(
        db_path.to_str().ok_or_else(|| anyhow!("the path {} is not valid UTF-8", db_path.display()))?,
    )?;
    let orgs: Vec<_> =
        vjt_demo::organisations().iter().map(|o| store.add_organisation(o).map(|o| o.id)).collect::<Result<_, _>>()?;
    let rounds: Vec<_> =
        vjt_demo::rounds().iter().map(|r| store.add_round(r).map(|r| r.id)).collect::<Result<_, _>>()?;
    let mut reports = vjt_demo::reports(&orgs, &rounds, vjt_demo::STANDARD_PER_ROUND, vjt_demo::STANDARD_SEED);
    let resolver = crate::places::resolver_for(&store)?;
    let (mut stops, mut unresolved) = (0usize, 0usize);
    for report in &mut reports {
        for r in resolver.resolve_journey(report.journey_mut(), Some("KE")) {
            stops += 1;
            unresolved += usize::from(r.resolved().is_none());
        }
    }
    let saved = store.save_reports(&reports)?;

    say(format!(
        "Loaded the SYNTHETIC demonstration dataset (not real data) into {}:\n  {} organisations, {} rounds, {} route reports",
        db_path.display(),
        orgs.len(),
        rounds.len(),
        saved.inserted
    ))?;
    say(format!(
        "  {} of {stops} stops resolved to a gazetteer place; {unresolved} wait for review (vjt places unresolved)",
        stops - unresolved
    ))?;
    say("")?;
    drop(store);
    let analysis = crate::analysis::run(
        db_path.to_str().ok_or_else(|| anyhow!("the path {} is not valid UTF-8", db_path.display()))?,
        &crate::analysis::FilterArgs::default(),
        None,
        100,
        Some(100),
    )?;
    crate::analysis::print_analysis(&analysis)?;
    let report = crate::publish::write_report(
        db_path.to_str().unwrap_or_default(),
        &crate::publish::ReportArgs::for_demo(args.out.join("report.html")),
    )?;
    say(format!(
        "\nThe report is in {} and {} (open them anywhere; they need no internet)",
        report.display(),
        report.with_extension("pdf").display()
    ))?;
    say(format!(
        "\nTry: vjt --db {0} routes list --round \"Kenya 2020\"\n     vjt --db {0} places unresolved",
        db_path.display()
    ))?;
    if !args.no_serve {
        let store = Store::open_sqlite(db_path.to_str().unwrap_or_default())?;
        let password = crate::web::demo_accounts(&store)?;
        drop(store);
        say(format!(
            "\nDemo accounts (password for all three: {password}):\n  coordinator@demo.local  reporter@demo.local  viewer@demo.local"
        ))?;
        return crate::web::serve(db_path.to_str().unwrap_or_default(), "127.0.0.1:8080");
    }
    Ok(())
}
