//! The benchmark database shared by the benches: generated demo reports with resolved places,
//! built once per size and schema version and kept in target/bench-data.

use std::path::PathBuf;
use std::time::Instant;

use vjt_gazetteer::{Gazetteer, Resolver};
use vjt_store::Store;

/// Building the reports makes a process as large as they are, and on Linux a child process
/// started afterwards counts that size in its own peak memory (its `ru_maxrss` starts from the
/// memory of the process it was forked from). So the benches build in a child of their own:
/// the bench binary again, with this variable saying what to build (lines: the number of
/// reports, then the SQLite path, or the PostgreSQL schema and URL). The vjt processes they
/// time afterwards then report only their own memory.
const BUILD: &str = "VJT_BENCH_BUILD";

/// Called first in each bench's `main`: if this process was started to build a database, builds
/// it and exits.
pub fn build_if_asked() {
    let Ok(what) = std::env::var(BUILD) else { return };
    let mut words = what.splitn(3, '\n');
    let reports: usize = words.next().and_then(|n| n.parse().ok()).expect("a number of reports");
    match (words.next(), words.next()) {
        (Some(path), None) => fill(&Store::open(path).unwrap(), reports),
        (Some(schema), Some(url)) => fill(&Store::open_postgres(url, Some(schema)).unwrap(), reports),
        _ => panic!("{BUILD}: {what}"),
    }
    std::process::exit(0);
}

/// Runs this bench binary again to build `what` (see [`BUILD`]).
fn build_in_child(what: String) {
    let status = std::process::Command::new(std::env::current_exe().unwrap())
        .env(BUILD, what)
        .status()
        .expect("the bench binary runs again to build its database");
    assert!(status.success(), "building the benchmark database failed");
}

/// The path of a database holding `reports` generated reports, building it if needed.
pub fn database(reports: usize) -> PathBuf {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../target/bench-data");
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join(format!("analysis-{reports}-v{}.db", vjt_store::SCHEMA_VERSION));
    if !db.exists() {
        let partial = dir.join(format!("analysis-{reports}.partial"));
        let _ = std::fs::remove_file(&partial);
        build_in_child(format!("{reports}\n{}", partial.display()));
        std::fs::rename(&partial, &db).unwrap();
    }
    db
}

/// A fresh PostgreSQL schema holding `reports` generated reports; returns the URL that makes
/// vjt use it (its `search_path`) and the schema's name, for dropping it afterwards.
#[allow(dead_code)]
pub fn postgres(url: &str, reports: usize) -> (String, String) {
    let schema = format!("vjt_bench_{}", std::process::id());
    build_in_child(format!("{reports}\n{schema}\n{url}"));
    let sep = if url.contains('?') { '&' } else { '?' };
    (format!("{url}{sep}options=-c%20search_path%3D{schema}"), schema)
}

fn fill(store: &Store, reports: usize) {
    let started = Instant::now();
    let orgs: Vec<_> = vjt_demo::organisations().iter().map(|o| store.add_organisation(o).unwrap().id).collect();
    let rounds: Vec<_> = vjt_demo::rounds().iter().map(|r| store.add_round(r).unwrap().id).collect();
    let resolver = Resolver::new(Gazetteer::embedded());
    let mut cache = vjt_gazetteer::ResolutionCache::default();
    let (mut written, mut seed) = (0, 1);
    while written < reports {
        let n = (reports - written).min(50_000);
        let mut batch = vjt_demo::reports(&orgs, &rounds, n.div_ceil(2), seed);
        batch.truncate(n);
        for r in &mut batch {
            let mut d = r.clone().into_draft();
            // Unique ids across batches, so that every generated report is kept.
            let own = d.report_id.map(|x| x.to_string()).unwrap_or_default();
            d.report_id = vjt_domain::ReportRef::parse(&format!("B{seed}-{own}")).ok();
            *r = vjt_domain::RouteReport::new(d).unwrap();
            resolver.resolve_journey_cached(r.journey_mut(), Some("KE"), &mut cache);
        }
        store.save_reports(&batch).unwrap();
        written += n;
        seed += 1;
        eprint!("\rbuilding the benchmark database: {written}/{reports}");
    }
    eprintln!(" in {:.0} s", started.elapsed().as_secs_f64());
}
