//! The analysis at national scale, each figure beside its anchor:
//!
//! - `vjt analyze --json` over a large embedded database, timed as the command a user runs (from
//!   opening the database to the last byte of JSON) with its own peak memory: cold (the reports
//!   read from the database, `VJT_SNAPSHOT=off`) and warm (read from the snapshot beside it, the
//!   normal case once it has been written), beside DuckDB (Python package `duckdb`) computing
//!   place-by-role counts and corridors from a CSV of the same stops. Target: warm at most a
//!   quarter of DuckDB's time, peak under 600 MiB.
//! - The engine's running tally: one report changed, the whole analysis again (what a server
//!   does after a submission).
//! - The duplicate grouping alone at a tenth and at the full size (it grows linearly).
//! - A coordinator's place decision, on a copy of the database.
//! - With `--postgres URL`: the same reports in a fresh schema of that database, cold and warm.
//! - With `--report`: `vjt report --out ... --pdf ...` (HTML and PDF) on the same database.
//!
//! Run: cargo bench -p vjt-cli --bench analyze [-- REPORTS] [--postgres URL] [--report]
//! (default 1,000,000 reports). The database and the stops CSV are built once and kept in
//! target/bench-data for later runs.

use std::io::Read;
use std::time::Instant;

mod common;

use vjt_gazetteer::Gazetteer;
use vjt_store::Store;

/// Runs vjt with these arguments and environment; returns its time, the size of what it
/// printed, and its own peak resident memory in MiB.
// The child is reaped by wait4 below, which also gives its own resource usage.
#[allow(clippy::zombie_processes)]
fn run_vjt(args: &[&str], env: &[(&str, &str)]) -> (f64, usize, f64) {
    let started = Instant::now();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_vjt"))
        .args(args)
        .envs(env.iter().copied())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("vjt runs");
    let mut out = Vec::new();
    child.stdout.take().unwrap().read_to_end(&mut out).unwrap();
    let mut err = String::new();
    child.stderr.take().unwrap().read_to_string(&mut err).unwrap();
    let mut status = 0;
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: wait4 writes only into the status and usage given; the child is ours and not
    // waited for elsewhere.
    let pid = unsafe { libc::wait4(child.id() as i32, &mut status, 0, &mut usage) };
    let secs = started.elapsed().as_secs_f64();
    assert!(pid > 0 && libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0, "vjt {args:?}: {err}");
    (secs, out.len(), usage.ru_maxrss as f64 / 1024.0)
}

/// The fastest of three runs, with the largest peak memory among them.
fn best_of_three(args: &[&str], env: &[(&str, &str)]) -> (f64, usize, f64) {
    let runs: Vec<_> = (0..3).map(|_| run_vjt(args, env)).collect();
    let best = runs.iter().map(|r| r.0).fold(f64::MAX, f64::min);
    let peak = runs.iter().map(|r| r.2).fold(0.0, f64::max);
    (best, runs[0].1, peak)
}

fn main() {
    common::build_if_asked();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let reports: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(1_000_000);
    let db = common::database(reports);
    let dir = db.parent().unwrap().to_path_buf();
    let db_arg = db.to_str().unwrap();
    let analyze = ["--db", db_arg, "analyze", "--json"];

    let (cold, _, cold_peak) = run_vjt(&analyze, &[("VJT_SNAPSHOT", "off")]);
    println!(
        "vjt analyze --json over {reports} reports, cold (read from SQLite): {cold:.2} s, peak {cold_peak:.0} MiB"
    );
    run_vjt(&analyze, &[]); // writes the snapshot if it is missing or out of date
    let (best, size, peak) = best_of_three(&analyze, &[]);
    println!(
        "vjt analyze --json over {reports} reports, warm (snapshot): {best:.2} s (best of 3), {:.1} MiB of JSON, peak {peak:.0} MiB (target < 600)",
        size as f64 / 1048576.0
    );
    if args.iter().any(|a| a == "--report") {
        let mut best = f64::MAX;
        let (html, pdf) = (dir.join("report.html"), dir.join("report.pdf"));
        for _ in 0..3 {
            let started = Instant::now();
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_vjt"))
                .args([
                    "--db",
                    db.to_str().unwrap(),
                    "report",
                    "--out",
                    html.to_str().unwrap(),
                    "--pdf",
                    pdf.to_str().unwrap(),
                ])
                .output()
                .expect("vjt runs");
            assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
            best = best.min(started.elapsed().as_secs_f64());
        }
        let size = |p: &std::path::Path| std::fs::metadata(p).map_or(0.0, |m| m.len() as f64 / 1048576.0);
        println!(
            "vjt report (HTML {:.1} MiB + PDF {:.1} MiB) over {reports} reports: {best:.2} s (best of 3)",
            size(&html),
            size(&pdf)
        );
    }

    if let Some(url) = args.iter().position(|a| a == "--postgres").and_then(|i| args.get(i + 1)) {
        on_postgres(url, reports, best);
    }

    // The engine on the dataset in memory: the running tally, and the duplicate grouping. Last,
    // as this process grows by the whole dataset, and a vjt started after that would count this
    // process's memory in its own peak (see common::BUILD).
    let g = Gazetteer::embedded();
    let store = Store::open(db_arg).unwrap();
    let data = vjt_service::figures::load_reports(&store, g).unwrap();
    incremental(&data);
    let all: Vec<usize> = (0..data.reports.len()).collect();
    for n in [data.reports.len() / 10, data.reports.len()] {
        let t = Instant::now();
        let clusters = vjt_analysis::duplicates::cluster_count(&data, &all[..n]);
        println!("duplicate grouping of {n} reports: {:.3} s ({clusters} clusters)", t.elapsed().as_secs_f64());
    }
    compare_with_duckdb(&data, &dir, reports, best);
    drop(data);
    drop(store);
    place_decision(&db, reports);
}

/// A coordinator's place decision on a copy of the database: every stop with that text is found
/// by one pass over the reports' packed stops (there is no index of every stop's text).
fn place_decision(db: &std::path::Path, reports: usize) {
    let copy = db.with_extension("decision.db");
    std::fs::copy(db, &copy).unwrap();
    let store = Store::open(copy.to_str().unwrap()).unwrap();
    let started = Instant::now();
    let placed = store.set_place_alias("Eastleigh", &vjt_domain::PlaceId("ke:county:nairobi-city".into())).unwrap();
    println!(
        "a place decision over {reports} reports: {:.2} s ({placed} stops given the place)",
        started.elapsed().as_secs_f64()
    );
    drop(store);
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", copy.display()));
    }
}

/// The same reports in a fresh PostgreSQL schema: cold and warm (the snapshot in a cache
/// directory of its own).
fn on_postgres(base: &str, reports: usize, sqlite_warm: f64) {
    let started = Instant::now();
    let (url, schema) = common::postgres(base, reports);
    println!("PostgreSQL schema of {reports} reports built in {:.0} s", started.elapsed().as_secs_f64());
    let cache = std::env::temp_dir().join(&schema);
    let cache_arg = cache.to_str().unwrap();
    let analyze = ["--db", url.as_str(), "analyze", "--json"];
    let (cold, _, cold_peak) = run_vjt(&analyze, &[("VJT_SNAPSHOT", "off")]);
    println!("vjt analyze --json on PostgreSQL, cold (read through the server): {cold:.2} s, peak {cold_peak:.0} MiB");
    run_vjt(&analyze, &[("VJT_CACHE_DIR", cache_arg)]);
    let (warm, _, peak) = best_of_three(&analyze, &[("VJT_CACHE_DIR", cache_arg)]);
    println!(
        "vjt analyze --json on PostgreSQL, warm (snapshot): {warm:.2} s (best of 3), peak {peak:.0} MiB; {:.1}x SQLite's (target within 2x)",
        warm / sqlite_warm
    );
    let _ = std::fs::remove_dir_all(&cache);
    if let Ok(mut c) = postgres::Client::connect(base, postgres::NoTls) {
        let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
    }
}

/// What a server does after one submission: one report taken out and put back in a running
/// tally of every report, then the whole analysis again.
fn incremental(data: &vjt_analysis::Dataset<'_>) {
    let started = Instant::now();
    // As the web server keeps it: the 500 largest duplicate clusters listed.
    let options = vjt_analysis::Options { clusters: Some(500), ..vjt_analysis::Options::default() };
    let mut tally = vjt_analysis::Tally::of(data, vjt_analysis::Filter::default(), options);
    tally.finish(data);
    let made = started.elapsed().as_secs_f64();
    let mut times = Vec::new();
    let n = data.reports.len();
    let counted = data.reports.iter().filter(|r| r.status != vjt_domain::ReviewStatus::Rejected).count();
    for k in 0..30 {
        let i = (k * 7919 * 127) % n;
        let t = Instant::now();
        tally.take_out(data, i);
        tally.take_in(data, i);
        let a = tally.finish(data);
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        assert_eq!(a.totals.reports as usize, counted);
    }
    times.sort_by(f64::total_cmp);
    println!(
        "running tally of {n} reports: made in {made:.2} s; one report changed, whole analysis again: p50 {:.1} ms, max {:.1} ms",
        times[times.len() / 2],
        times[times.len() - 1]
    );
}

/// One row per resolved stop (report, organisation, role, place, area) as CSV; DuckDB then counts
/// reports and organisations by place and role, reports by area and role, and corridors, timed
/// from reading the CSV to its results.
fn compare_with_duckdb(data: &vjt_analysis::Dataset<'_>, dir: &std::path::Path, reports: usize, vjt_secs: f64) {
    use std::io::Write;
    let g = data.gazetteer;
    let csv = dir.join(format!("stops-{reports}.csv"));
    if !csv.exists() {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&csv).unwrap());
        writeln!(out, "report,org,role,place,area,victims").unwrap();
        for r in &data.reports {
            for s in data.stops_of(r) {
                let Some(p) = vjt_gazetteer::place_at(g, s.place) else { continue };
                let area = g.county_of(p).or_else(|| g.country_of(p)).unwrap_or(p);
                writeln!(
                    out,
                    "{},{},{},{},{},{}",
                    r.id,
                    r.organisation,
                    s.role,
                    g.place(p).id,
                    g.place(area).id,
                    r.victims
                )
                .unwrap();
            }
        }
    }
    let script = format!(
        r#"
import time, duckdb
t = time.time()
con = duckdb.connect()
con.execute("CREATE TABLE s AS SELECT * FROM read_csv_auto('{csv}')")
places = con.execute("SELECT place, role, count(DISTINCT report), count(DISTINCT org) FROM s GROUP BY place, role").fetchall()
areas = con.execute("SELECT area, role, count(DISTINCT report) FROM s GROUP BY area, role").fetchall()
corr = con.execute('''
  WITH o AS (SELECT report, min(area) AS a FROM s WHERE role = 0 GROUP BY report),
       e AS (SELECT report, arg_max(area, role) AS a FROM s WHERE role >= 2 GROUP BY report)
  SELECT o.a, e.a, count(*) FROM o JOIN e USING (report) GROUP BY o.a, e.a''').fetchall()
print(f"{{time.time() - t:.2f}} {{len(places)}} {{len(areas)}} {{len(corr)}}")
"#,
        csv = csv.display()
    );
    match std::process::Command::new("python3").args(["-c", &script]).output() {
        Ok(o) if o.status.success() => {
            let text = String::from_utf8_lossy(&o.stdout);
            let secs: f64 = text.split_whitespace().next().and_then(|x| x.parse().ok()).unwrap_or(f64::NAN);
            println!(
                "DuckDB from CSV: {secs:.2} s for place-by-role and area-by-role counts and corridors; vjt's whole analyze --json (warm) took {:.2}x that (target at most 0.25x)",
                vjt_secs / secs
            );
        }
        Ok(o) => println!(
            "DuckDB comparison failed (pip install duckdb): {}",
            String::from_utf8_lossy(&o.stderr).lines().last().unwrap_or("")
        ),
        Err(e) => println!("python3 not available for the DuckDB comparison: {e}"),
    }
}
