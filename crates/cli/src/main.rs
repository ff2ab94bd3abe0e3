//! `vjt`: the command line. Thin: it parses arguments, calls the library crates and prints.
//!
//! Error policy (docs/errors.md): library errors are typed enums worded for the user; here every
//! error becomes one line on stderr, `vjt: error: ...`, and exit code 1. Usage mistakes are clap's,
//! with exit code 2. Nothing a user types can make vjt panic.

mod analysis;
mod commands;
mod output;
mod places;
mod publish;
mod release;
mod transfer;
mod web;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

// The importer hands rows between two threads; glibc's allocator spent a quarter of an import in
// malloc/free and its arena locks. mimalloc does not.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "vjt",
    version,
    about = "Victim Journey Tracker: trafficking and high-risk migration routes reported by a CSO network"
)]
struct Cli {
    /// The database: a file path or sqlite:PATH (embedded, the default), or postgres://USER@HOST/DB.
    #[arg(long, global = true, env = "VJT_DATABASE_URL", default_value = "vjt.db", hide_env_values = true)]
    db: String,

    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Create the database (or bring an existing one up to date).
    Init,
    /// Organisations of the network.
    #[command(subcommand)]
    Org(commands::OrgCommand),
    /// Collection rounds.
    #[command(subcommand)]
    Round(commands::RoundCommand),
    /// Route reports.
    #[command(subcommand)]
    Routes(commands::RoutesCommand),
    /// Import route reports from CSV/XLSX: the vjt template, KoBoToolbox or ODK exports, CTDC, UNODC.
    Import(transfer::ImportArgs),
    /// Analyse the reports: high-activity locations, corridors, hubs, county risk, breakdowns.
    Analyze(analysis::AnalyzeArgs),
    /// Reports from different organisations that look like the same route.
    #[command(subcommand)]
    Duplicates(analysis::DuplicatesCommand),
    /// Write the published report (self-contained HTML) in English or Kiswahili.
    Report(publish::ReportArgs),
    /// Releases for government and donors: disclosure-controlled, signed, never edited.
    #[command(subcommand)]
    Release(release::ReleaseCommand),
    /// Export route reports in the template layout (CSV, or XLSX with a stops sheet).
    Export(transfer::ExportArgs),
    /// Write a blank import template (CSV/XLSX) or an XLSForm for KoBoToolbox / ODK.
    Template(transfer::TemplateArgs),
    /// The gazetteer: resolve, search and show places; review and decide unresolved ones.
    #[command(subcommand)]
    Places(places::PlacesCommand),
    /// Run the web platform (pages and the JSON API) on this database.
    Serve {
        /// Address to listen on.
        #[arg(long, default_value = "127.0.0.1:8080")]
        bind: String,
    },
    /// Web platform users.
    #[command(subcommand)]
    User(web::UserCommand),
    /// Version, licence and the attribution of the data vjt ships.
    About,
    /// Load a synthetic demonstration dataset into a fresh database and show what vjt does with it.
    Demo(commands::DemoArgs),
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Command::Init => commands::init(&cli.db),
        Command::Org(cmd) => commands::org(&cli.db, cmd),
        Command::Round(cmd) => commands::round(&cli.db, cmd),
        Command::Routes(cmd) => commands::routes(&cli.db, cmd),
        Command::Import(args) => transfer::import(&cli.db, args),
        Command::Analyze(args) => analysis::analyze_command(&cli.db, args),
        Command::Duplicates(cmd) => analysis::duplicates(&cli.db, cmd),
        Command::Report(args) => publish::report(&cli.db, args),
        Command::Release(cmd) => release::release(&cli.db, cmd),
        Command::Export(args) => transfer::export(&cli.db, args),
        Command::Template(args) => transfer::template(args),
        Command::Places(cmd) => places::places(&cli.db, cmd),
        Command::About => places::about(),
        Command::Serve { bind } => web::serve(&cli.db, &bind),
        Command::User(cmd) => web::user(&cli.db, cmd),
        Command::Demo(args) => commands::demo(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if output::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            // `{:#}` joins the chain of causes with ": " on a single line.
            let said = format!("{err:#}").replace('\n', " ");
            eprintln!("vjt: error: {}", vjt_domain::text::for_terminal(&said));
            ExitCode::FAILURE
        }
    }
}
