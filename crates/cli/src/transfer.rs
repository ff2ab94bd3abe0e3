//! `vjt import` (and, with its own commit, `vjt export` and `vjt template`).

use std::path::PathBuf;

use anyhow::{anyhow, bail, Result};
use clap::Args;
use vjt_ingest::{import_file, open_inputs, FileReport, Format, ImportOptions};
use vjt_store::Store;

use crate::output::{json, say};
use crate::places::resolver_for;

#[derive(Args)]
pub struct ImportArgs {
    /// CSV or XLSX files: the vjt template, KoBoToolbox/ODK exports (with their transit repeat
    /// table), CTDC or UNODC data.
    #[arg(required = true)]
    files: Vec<PathBuf>,
    /// The organisation for rows that name none.
    #[arg(long)]
    org: Option<String>,
    /// The collection round for rows that name none.
    #[arg(long)]
    round: Option<String>,
    /// auto, vjt, kobo, odk, ctdc or unodc.
    #[arg(long, default_value = "auto")]
    format: String,
    /// Check everything and report, but write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Import nothing from a file if any of its rows is invalid.
    #[arg(long)]
    strict: bool,
    /// You have checked the notes that were refused because a word looks like a person's name,
    /// and those words are not names: import them as they are.
    #[arg(long)]
    names_checked: bool,
    /// Where to write rejected rows (default: NAME.rejects.csv beside each input).
    #[arg(long)]
    rejects: Option<PathBuf>,
    /// Print a JSON summary instead of text.
    #[arg(long)]
    json: bool,
}

fn progress_bar(file: &str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    bar.set_style(
        indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len} rows ({per_sec}, {eta} left)")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    bar.set_message(file.to_string());
    bar
}

fn print_report(r: &FileReport, dry_run: bool) -> Result<()> {
    let format = r.format.map(|f| format!("{f:?}").to_lowercase()).unwrap_or_default();
    say(format!(
        "{} ({format}, {}): {} rows read — {} imported, {} updated, {} unchanged, {} rejected{}",
        r.file,
        r.encoding,
        r.rows_read,
        r.imported,
        r.updated,
        r.unchanged,
        r.rejected,
        if dry_run {
            " (dry run: nothing written)"
        } else if !r.committed {
            " (nothing written)"
        } else {
            ""
        }
    ))?;
    for p in r.problems.iter().take(10) {
        say(format!("  {p}"))?;
    }
    if r.problems.len() > 10 || r.rejected as usize > r.problems.len().min(10) {
        say("  ...")?;
    }
    if let Some(path) = &r.rejects_file {
        say(format!("  rejected rows are in {path}: correct them there and import that file again"))?;
    }
    if !r.unresolved_places.is_empty() {
        let mut top: Vec<(&String, &u64)> = r.unresolved_places.iter().collect();
        top.sort_by(|a, b| b.1.cmp(a.1).then(a.0.cmp(b.0)));
        let list: Vec<String> = top.iter().take(8).map(|(t, n)| format!("{t} ({n})")).collect();
        say(format!(
            "  {} place name(s) not resolved, imported for review (vjt places unresolved): {}",
            r.unresolved_places.len(),
            list.join(", ")
        ))?;
    }
    if r.redacted_rows > 0 {
        say(format!(
            "  personal data (phone, e-mail or ID numbers) removed from {} row(s) before storing",
            r.redacted_rows
        ))?;
    }
    if r.skipped > 0 {
        say(format!("  {} row(s) skipped as not route data", r.skipped))?;
    }
    for o in &r.observations {
        say(format!("  note: {o}"))?;
    }
    if !r.ignored_columns.is_empty() {
        say(format!("  columns not used: {}", r.ignored_columns.join(", ")))?;
    }
    Ok(())
}

pub fn import(db: &str, args: ImportArgs) -> Result<()> {
    let format: Format = args.format.parse().map_err(|e: String| anyhow!("--format: {e}"))?;
    yield_to_the_server();
    let store = Store::open(db)?;
    let org = match &args.org {
        Some(name) => Some(
            store
                .organisation_named(name)?
                .ok_or_else(|| anyhow!("no organisation is named '{name}' (see `vjt org list`)"))?
                .id,
        ),
        None => None,
    };
    let round = match &args.round {
        Some(name) => Some(
            store.round_named(name)?.ok_or_else(|| anyhow!("no round is named '{name}' (see `vjt round list`)"))?.id,
        ),
        None => None,
    };
    let inputs = open_inputs(&args.files)?;
    if args.rejects.is_some() && inputs.len() > 1 {
        bail!(
            "--rejects names one file, but {} files are being imported; leave it out to get one rejects file per input",
            inputs.len()
        );
    }
    let resolver = resolver_for(&store)?;
    let options = ImportOptions {
        org,
        round,
        format: Some(format),
        dry_run: args.dry_run,
        strict: args.strict,
        rejects: args.rejects.clone(),
        home_country: None,
        names_checked: args.names_checked,
    };
    let mut reports = Vec::new();
    for (table, repeats) in inputs {
        let bar = progress_bar(&table.file);
        bar.set_length(table.estimated_rows);
        let report = import_file(&store, &resolver, table, repeats, &options, &mut |done, total| {
            bar.set_length(total.max(done));
            bar.set_position(done);
        })?;
        bar.finish_and_clear();
        if !args.json {
            print_report(&report, args.dry_run)?;
        }
        reports.push(report);
    }
    if args.json {
        #[derive(serde::Serialize)]
        struct Summary<'a> {
            files: &'a [FileReport],
            rows_read: u64,
            imported: u64,
            updated: u64,
            unchanged: u64,
            rejected: u64,
            unresolved_places: usize,
            redacted_rows: u64,
            dry_run: bool,
        }
        json(&Summary {
            files: &reports,
            rows_read: reports.iter().map(|r| r.rows_read).sum(),
            imported: reports.iter().map(|r| r.imported).sum(),
            updated: reports.iter().map(|r| r.updated).sum(),
            unchanged: reports.iter().map(|r| r.unchanged).sum(),
            rejected: reports.iter().map(|r| r.rejected).sum(),
            unresolved_places: reports.iter().map(|r| r.unresolved_places.len()).sum(),
            redacted_rows: reports.iter().map(|r| r.redacted_rows).sum(),
            dry_run: args.dry_run,
        })?;
    }
    let refused: u64 = reports.iter().filter(|r| !r.committed && !args.dry_run).map(|r| r.rejected).sum();
    if args.strict && refused > 0 {
        bail!("nothing was imported from files with invalid rows ({refused} invalid row(s)) because of --strict");
    }
    Ok(())
}

#[derive(Args)]
pub struct TemplateArgs {
    /// Write a blank template: FILE.xlsx (instructions and drop-downs) or FILE.csv (the header).
    #[arg(long, required_unless_present = "xlsform")]
    out: Option<PathBuf>,
    /// Write an XLSForm of the route form for KoBoToolbox / ODK instead.
    #[arg(long)]
    xlsform: Option<PathBuf>,
    /// Header language of a CSV template: en or sw.
    #[arg(long, default_value = "en")]
    lang: String,
}

pub fn template(args: TemplateArgs) -> Result<()> {
    if let Some(path) = &args.xlsform {
        vjt_ingest::template::write_xlsform(path)?;
        say(format!(
            "wrote the XLSForm {}: upload it to KoBoToolbox or ODK Central; its exports import unchanged",
            path.display()
        ))?;
    }
    if let Some(path) = &args.out {
        let lang = match args.lang.as_str() {
            "en" => vjt_domain::Lang::En,
            "sw" => vjt_domain::Lang::Sw,
            other => bail!("--lang: '{other}' is not a language; use en or sw"),
        };
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("xlsx") => vjt_ingest::template::write_xlsx(path)?,
            Some("csv") => vjt_ingest::template::write_csv(path, lang)?,
            _ => bail!("--out: {} must end in .xlsx or .csv", path.display()),
        }
        say(format!("wrote the template {}", path.display()))?;
    }
    Ok(())
}

#[derive(Args)]
pub struct ExportArgs {
    /// Where to write: FILE.csv or FILE.xlsx.
    #[arg(long)]
    out: PathBuf,
    /// csv or xlsx (default: from the file's extension).
    #[arg(long)]
    format: Option<String>,
    /// Only this organisation's reports (by name).
    #[arg(long)]
    org: Option<String>,
    /// Only this round's reports (by name).
    #[arg(long)]
    round: Option<String>,
    /// Start a CSV file with the byte-order mark Excel on Windows needs to read it as UTF-8.
    #[arg(long)]
    excel: bool,
}

pub fn export(db: &str, args: ExportArgs) -> Result<()> {
    let format =
        vjt_ingest::ExportFormat::choose(args.format.as_deref(), &args.out).map_err(|e| anyhow!("--format: {e}"))?;
    let store = Store::open(db)?;
    let query = crate::commands::query(&store, args.org.as_deref(), args.round.as_deref())?;
    let bar = progress_bar(&args.out.display().to_string());
    let n = vjt_ingest::export_with(&store, &query, format, args.excel, &args.out, &mut |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    })?;
    bar.finish_and_clear();
    say(format!("wrote {n} report(s) to {}", args.out.display()))?;
    Ok(())
}

/// A large import keeps both cores busy; when it runs beside `vjt serve` on the same machine,
/// the people using the server come first. Lowering this process's priority costs nothing on
/// an idle machine.
fn yield_to_the_server() {
    #[cfg(unix)]
    // SAFETY: setpriority only changes this process's scheduling priority.
    unsafe {
        libc::setpriority(libc::PRIO_PROCESS, 0, 10);
    }
}
