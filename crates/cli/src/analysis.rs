//! `vjt analyze` and `vjt duplicates`: loading the database into the analysis engine and printing.

use anyhow::{anyhow, bail, Result};
use clap::{Args, Subcommand};
use vjt_analysis::{Analysis, Options, RiskWeights};

use vjt_service::figures::{FilterError, Filters};
use vjt_service::Scope;
use vjt_store::Store;

use crate::output::{json, say, table};

#[derive(Args, Default)]
pub struct FilterArgs {
    /// Only these rounds (by name; repeat the flag for several).
    #[arg(long = "round")]
    rounds: Vec<String>,
    /// Only reports seen in or after this month (YYYY-MM).
    #[arg(long)]
    from: Option<String>,
    /// Only reports seen in or before this month (YYYY-MM).
    #[arg(long)]
    to: Option<String>,
    /// Only reports from organisations of this kind (repeatable).
    #[arg(long = "org-kind")]
    org_kinds: Vec<String>,
    /// Only reports with this exploitation type (repeatable).
    #[arg(long = "exploitation")]
    exploitation: Vec<String>,
    /// Only reports with this review status (repeatable; default: all but rejected).
    #[arg(long = "status")]
    statuses: Vec<String>,
}

#[derive(Args)]
pub struct AnalyzeArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// Risk component weights, e.g. origin=2,transit=0.5 (origin, transit, destination, victims,
    /// organisations, corroborated).
    #[arg(long)]
    risk_weights: Option<String>,
    /// How many corridors, hubs and unresolved places to list.
    #[arg(long, default_value_t = 100)]
    top: usize,
    /// Print the whole analysis as JSON (documented in docs/analysis-json.md).
    #[arg(long)]
    json: bool,
}

impl FilterArgs {
    pub fn round_names(&self) -> &[String] {
        &self.rounds
    }
}

impl FilterArgs {
    /// The filters as the service layer takes them (it checks them).
    pub fn filters(&self) -> Filters {
        Filters {
            rounds: self.rounds.clone(),
            from: self.from.clone(),
            to: self.to.clone(),
            organisation_kinds: self.org_kinds.clone(),
            exploitation: self.exploitation.clone(),
            statuses: self.statuses.clone(),
        }
    }
}

/// Opens, loads and analyses: what `analyze` and `duplicates list` share. `clusters` caps the
/// duplicate clusters listed (none: all).
pub fn run(
    db: &str,
    filter: &FilterArgs,
    weights: Option<&str>,
    top: usize,
    clusters: Option<usize>,
) -> Result<Analysis> {
    let store = Store::open(db)?;
    let risk = match weights {
        Some(spec) => RiskWeights::default().with_overrides(spec).map_err(|e| anyhow!("--risk-weights: {e}"))?,
        None => RiskWeights::default(),
    };
    let options = Options { risk, top: Some(top), clusters, ..Options::default() };
    vjt_service::figures::analyse(&store, Scope::All, &filter.filters(), options).map_err(|e| match e {
        FilterError::Invalid { filter, message } => anyhow!("--{filter}: {message}"),
        FilterError::Store(e) => e.into(),
    })
}

pub fn analyze_command(db: &str, args: AnalyzeArgs) -> Result<()> {
    let a = run(db, &args.filter, args.risk_weights.as_deref(), args.top, Some(args.top))?;
    if args.json {
        return json(&a);
    }
    print_analysis(&a)
}

/// The readable summary: totals, top counties per role, risk, corridors, hubs, types, trend.
pub fn print_analysis(a: &Analysis) -> Result<()> {
    let t = &a.totals;
    say(format!(
        "{} reports from {} organisations in {} round(s); {} estimated victims ({} reports give no estimate)",
        t.reports, t.organisations, t.rounds, t.victims, t.reports_without_victims
    ))?;
    say(format!(
        "after grouping likely duplicates: {} distinct routes, {} victims (largest estimate per cluster)\n",
        t.distinct_routes, t.victims_deduplicated
    ))?;
    for (role, pick) in [("origin", 0usize), ("transit", 1), ("intended destination", 2), ("place of exploitation", 3)]
    {
        let stat = |c: &vjt_analysis::output::CountyActivity| match pick {
            0 => c.roles.origin,
            1 => c.roles.transit,
            2 => c.roles.destination,
            _ => c.roles.exploitation,
        };
        let mut counties: Vec<_> = a.counties.iter().filter(|c| stat(c).reports > 0).collect();
        counties.sort_by(|x, y| stat(y).reports.cmp(&stat(x).reports).then(x.name.cmp(&y.name)));
        let top: Vec<String> = counties
            .iter()
            .take(5)
            .map(|c| format!("{} ({} reports, {} orgs)", c.name, stat(c).reports, stat(c).organisations))
            .collect();
        say(format!("Top counties as {role}: {}", if top.is_empty() { "none".into() } else { top.join("; ") }))?;
    }
    say("\nCounty risk (top 15 of 47):")?;
    let mut ranked: Vec<_> = a.counties.iter().collect();
    ranked.sort_by(|x, y| y.risk_score.total_cmp(&x.risk_score).then(x.name.cmp(&y.name)));
    let rows: Vec<Vec<String>> = ranked
        .iter()
        .take(15)
        .map(|c| {
            vec![
                c.iso.clone(),
                c.name.clone(),
                format!("{:.1}", c.risk_score),
                c.risk_band.to_string(),
                c.roles.origin.reports.to_string(),
                c.roles.transit.reports.to_string(),
                (c.roles.destination.reports.max(c.roles.exploitation.reports)).to_string(),
                c.inputs.organisations.to_string(),
            ]
        })
        .collect();
    table(&["iso", "county", "risk", "band", "origin", "transit", "dest/expl", "orgs"], &rows)?;
    say("\nTop corridors (county in Kenya, country abroad):")?;
    let rows: Vec<Vec<String>> = a
        .corridors
        .county
        .iter()
        .take(10)
        .map(|c| {
            vec![
                format!("{} → {}", c.from.name, c.to.name),
                c.reports.to_string(),
                c.victims.to_string(),
                c.organisations.to_string(),
            ]
        })
        .collect();
    table(&["corridor", "reports", "victims", "orgs"], &rows)?;
    if !a.hubs.is_empty() {
        let hubs: Vec<String> =
            a.hubs.iter().take(5).map(|h| format!("{} ({} routes through)", h.place.name, h.through_reports)).collect();
        say(format!("\nHubs: {}", hubs.join("; ")))?;
    }
    let mut types: Vec<(&String, &u64)> =
        a.breakdowns.overall.vocab.exploitation_types.counts.iter().filter(|(_, n)| **n > 0).collect();
    types.sort_by(|x, y| y.1.cmp(x.1));
    let list: Vec<String> = types.iter().map(|(k, n)| format!("{k} {n}")).collect();
    say(format!("\nExploitation types: {}", list.join(", ")))?;
    if let Some(trend) = &a.trend {
        let mut moves: Vec<_> = trend.counties.iter().filter(|c| c.change != 0.0).collect();
        moves.sort_by(|x, y| y.change.abs().total_cmp(&x.change.abs()));
        let list: Vec<String> = moves.iter().take(5).map(|c| format!("{} {:+.1}", c.name, c.change)).collect();
        say(format!("Risk change {} → {}: {}", trend.from_round, trend.to_round, list.join(", ")))?;
        if !trend.new_countries.is_empty() {
            let list: Vec<&str> = trend.new_countries.iter().map(|c| c.name.as_str()).collect();
            say(format!("New countries in {}: {}", trend.to_round, list.join(", ")))?;
        }
    }
    say(format!(
        "Likely duplicates across organisations: {} cluster(s), {} awaiting a decision (vjt duplicates list)",
        a.duplicates.total_clusters, a.duplicates.suggested_clusters
    ))?;
    if !a.unresolved_places.is_empty() {
        say(format!("Unresolved place names: {} (vjt places unresolved)", a.unresolved_places.len()))?;
    }
    Ok(())
}

#[derive(Subcommand)]
pub enum DuplicatesCommand {
    /// List clusters of reports from different organisations that look like the same route.
    List {
        #[command(flatten)]
        filter: FilterArgs,
        #[arg(long)]
        json: bool,
    },
    /// Confirm that a cluster's reports describe one route.
    Confirm { key: String },
    /// Record that a cluster's reports describe different routes.
    Split { key: String },
}

pub fn duplicates(db: &str, cmd: DuplicatesCommand) -> Result<()> {
    match cmd {
        DuplicatesCommand::List { filter, json: as_json } => {
            let a = run(db, &filter, None, 100, None)?;
            if as_json {
                return json(&a.duplicates);
            }
            if a.duplicates.clusters.is_empty() {
                say("no likely duplicates across organisations")?;
                return Ok(());
            }
            for c in &a.duplicates.clusters {
                let members: Vec<String> = c
                    .members
                    .iter()
                    .map(|m| format!("#{} {} ({})", m.id, m.report_id.as_deref().unwrap_or("-"), m.organisation))
                    .collect();
                say(format!("{}  [{}] similarity {:.2}: {}", c.key, c.status, c.similarity, members.join(", ")))?;
            }
            say(format!(
                "\nas submitted: {} reports, {} victims; deduplicated: {} routes, {} victims",
                a.duplicates.as_submitted.reports,
                a.duplicates.as_submitted.victims,
                a.duplicates.deduplicated.reports,
                a.duplicates.deduplicated.victims
            ))?;
        }
        DuplicatesCommand::Confirm { key } | DuplicatesCommand::Split { key } if !key.starts_with('r') => {
            bail!("'{key}' is not a cluster key; keys look like r12-40-77 (see `vjt duplicates list`)");
        }
        DuplicatesCommand::Confirm { key } => decide(db, &key, "confirmed")?,
        DuplicatesCommand::Split { key } => decide(db, &key, "split")?,
    }
    Ok(())
}

fn decide(db: &str, key: &str, decision: &str) -> Result<()> {
    let a = run(db, &FilterArgs::default(), None, 100, None)?;
    if !a.duplicates.clusters.iter().any(|c| c.key == key) {
        bail!("no current cluster has the key '{key}' (see `vjt duplicates list`)");
    }
    Store::open(db)?.set_duplicate_decision(key, decision)?;
    say(format!("cluster {key} is now {decision}"))?;
    Ok(())
}
