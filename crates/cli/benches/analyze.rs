//! `vjt analyze --json` on a large embedded database, timed as the command a user runs (from
//! opening the database to the last byte of JSON), with the command's peak memory; and the
//! duplicate grouping alone at a tenth and at the full size, to show that it grows linearly.
//!
//! Run: cargo bench -p vjt-cli --bench analyze [-- REPORTS] [--duckdb] [--report]   (default 1,000,000)
//! With --report, `vjt report --out ... --pdf ...` (HTML and PDF) is timed on the same database.
//! The database is built once and kept in target/bench-data for later runs. With --duckdb the
//! stops are exported as CSV and DuckDB (Python package `duckdb`) computes place-by-role counts
//! and corridors from it, for comparison.

use std::time::Instant;

mod common;

use vjt_gazetteer::Gazetteer;
use vjt_store::Store;

/// Peak resident memory of the children waited for so far, in MiB.
fn children_peak_mib() -> f64 {
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: getrusage only writes into the struct it is given.
    unsafe { libc::getrusage(libc::RUSAGE_CHILDREN, &mut usage) };
    usage.ru_maxrss as f64 / 1024.0
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let reports: usize = args.iter().find_map(|a| a.parse().ok()).unwrap_or(1_000_000);
    let db = common::database(reports);
    let dir = db.parent().unwrap().to_path_buf();

    let mut best = f64::MAX;
    let mut size = 0;
    for _ in 0..3 {
        let started = Instant::now();
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_vjt"))
            .args(["--db", db.to_str().unwrap(), "analyze", "--json"])
            .output()
            .expect("vjt runs");
        assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
        best = best.min(started.elapsed().as_secs_f64());
        size = out.stdout.len();
    }
    println!(
        "vjt analyze --json over {reports} reports: {best:.2} s (best of 3), {:.1} MiB of JSON, peak resident memory {:.0} MiB",
        size as f64 / 1048576.0,
        children_peak_mib()
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

    // The duplicate grouping alone, on the dataset in memory.
    let g = Gazetteer::embedded();
    let store = Store::open(db.to_str().unwrap()).unwrap();
    let data = vjt_service::figures::load_reports(&store, g).unwrap();
    incremental(&data);
    let all: Vec<usize> = (0..data.reports.len()).collect();
    for n in [data.reports.len() / 10, data.reports.len()] {
        let t = Instant::now();
        let clusters = vjt_analysis::duplicates::cluster_count(&data, &all[..n]);
        println!("duplicate grouping of {n} reports: {:.3} s ({clusters} clusters)", t.elapsed().as_secs_f64());
    }
    if args.iter().any(|a| a == "--duckdb") {
        compare_with_duckdb(&data, &dir, best);
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
fn compare_with_duckdb(data: &vjt_analysis::Dataset<'_>, dir: &std::path::Path, vjt_secs: f64) {
    use std::io::Write;
    let g = data.gazetteer;
    let csv = dir.join("stops.csv");
    {
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
                "DuckDB from CSV: {secs:.2} s for place-by-role and area-by-role counts and corridors; vjt's whole analyze --json took {:.2}x that",
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
