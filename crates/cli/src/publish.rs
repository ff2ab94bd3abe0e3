//! `vjt report`: the published report from the analysis, in English or Kiswahili.

use std::path::PathBuf;

use anyhow::{bail, Context, Result};
use clap::Args;
use vjt_domain::Lang;
use vjt_gazetteer::Gazetteer;
use vjt_render::{html, Disclosure, ReportInput};
use vjt_store::Store;

use crate::analysis::{run, FilterArgs};
use crate::output::say;

#[derive(Args)]
pub struct ReportArgs {
    #[command(flatten)]
    filter: FilterArgs,
    /// en or sw.
    #[arg(long, default_value = "en")]
    lang: String,
    /// The report's title (default: the catalogue's, in the chosen language).
    #[arg(long)]
    title: Option<String>,
    /// Where to write the HTML report.
    #[arg(long)]
    out: PathBuf,
    /// Also write the report as a PDF (made by vjt; no other program needed).
    #[arg(long)]
    pdf: Option<PathBuf>,
    /// The coordinator's recommendations, as a Markdown file.
    #[arg(long)]
    notes: Option<PathBuf>,
    /// Counts from 1 to K-1 are shown as "<K" (default 5).
    #[arg(long, default_value_t = 5)]
    threshold: u64,
    /// Also write every map and chart as its own SVG file into this folder.
    #[arg(long)]
    figures: Option<PathBuf>,
}

impl ReportArgs {
    /// The demo's report: everything, in English, into `out`.
    pub fn for_demo(out: PathBuf) -> ReportArgs {
        ReportArgs {
            filter: FilterArgs::default(),
            lang: "en".into(),
            title: None,
            pdf: Some(out.with_extension("pdf")),
            out,
            notes: None,
            threshold: 5,
            figures: None,
        }
    }
}

pub fn report(db: &str, args: ReportArgs) -> Result<()> {
    let path = write_report(db, &args)?;
    say(format!("wrote the report {}", path.display()))?;
    if let Some(pdf) = &args.pdf {
        say(format!("wrote the PDF {}", pdf.display()))?;
    }
    Ok(())
}

/// Makes the report; what `vjt report` and `vjt demo` share.
pub fn write_report(db: &str, args: &ReportArgs) -> Result<PathBuf> {
    let ReportArgs { filter, lang, title, out, pdf, notes, threshold, figures } = args;
    let (threshold, out) = (*threshold, out.as_path());
    let (notes, figures) = (notes.as_deref(), figures.as_deref());
    let lang = match lang.as_str() {
        "en" => Lang::En,
        "sw" => Lang::Sw,
        other => bail!("--lang: '{other}' is not a language; use en or sw"),
    };
    if threshold < 1 {
        bail!("--threshold must be 1 or more (1 hides nothing)");
    }
    let notes = notes
        .map(|p| std::fs::read_to_string(p).with_context(|| format!("cannot read the notes file {}", p.display())))
        .transpose()?;
    let analysis = run(db, filter, None, 100, Some(100))?;
    let title = title.clone();
    let store = Store::open(db)?;
    let rounds: Vec<String> = if filter.round_names().is_empty() {
        store.rounds()?.iter().map(|r| r.name.to_string()).collect()
    } else {
        filter.round_names().to_vec()
    };
    let (stops, unresolved) = store.stop_counts()?;
    let resolved_share = if stops == 0 { 100.0 } else { 100.0 * (stops - unresolved) as f64 / stops as f64 };
    let input = ReportInput {
        analysis: &analysis,
        gazetteer: Gazetteer::embedded(),
        lang,
        title,
        rounds,
        organisation_kinds: vjt_render::organisation_kinds(&analysis, lang),
        notes,
        date: today(),
        disclosure: Disclosure { threshold },
        resolved_share,
        filtered: filter.filters().describe(lang),
    };
    if let Some(dir) = figures {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
        let d = vjt_render::report::drawings(&input);
        let mut all = vec![
            ("map-risk", &d.risk),
            ("map-roles", &d.roles),
            ("map-flows", &d.flows),
            ("map-world", &d.world),
            ("chart-top-origin", &d.top_origin),
            ("chart-top-transit", &d.top_transit),
            ("chart-top-destination", &d.top_destination),
            ("chart-exploitation", &d.types),
            ("chart-transport", &d.transport),
            ("chart-recruitment", &d.recruitment),
            ("chart-recruitment-by-exploitation", &d.heat),
        ];
        if let Some(change) = &d.change {
            all.push(("chart-risk-change", change));
        }
        for (name, figure) in all {
            let file = dir.join(format!("{name}.svg"));
            std::fs::write(&file, vjt_render::svg::render(figure))
                .with_context(|| format!("cannot write {}", file.display()))?;
        }
    }
    if let Some(pdf_path) = pdf {
        std::fs::write(pdf_path, vjt_render::pdf(&input))
            .with_context(|| format!("cannot write {}", pdf_path.display()))?;
    }
    let page = html(&input);
    std::fs::write(out, page).with_context(|| format!("cannot write {}", out.display()))?;
    Ok(out.to_path_buf())
}

fn today() -> String {
    chrono::Utc::now().format("%Y-%m-%d").to_string()
}
