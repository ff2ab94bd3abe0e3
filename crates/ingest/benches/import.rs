//! Import throughput on a large template CSV, beside SQLite's own `.import` of the same file.
//!
//! Run: cargo bench -p vjt-ingest --bench import [-- ROWS]      (default 1,000,000 rows)
//! Prints rows per second, the peak resident memory of this process, and the ratio to the
//! `sqlite3` shell importing the same CSV into a plain table (skipped if `sqlite3` is absent).

use std::io::Write;
use std::time::Instant;

use vjt_gazetteer::{Gazetteer, Resolver};
use vjt_ingest::{import_file, open_inputs, ImportOptions};
use vjt_store::Store;

// The same allocator as the vjt binary, so the figure is the one users get.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kib| kib / 1024.0)
}

fn main() {
    let rows: usize = std::env::args().skip(1).find_map(|a| a.parse().ok()).unwrap_or(1_000_000);
    let dir = std::env::temp_dir().join(format!("vjt_import_bench_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let csv_path = dir.join("routes.csv");

    // A realistic file from the demo generator: the same organisations and rounds, messy spellings.
    let orgs_new = vjt_demo::organisations();
    let rounds_new = vjt_demo::rounds();
    let started = Instant::now();
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&csv_path).unwrap());
        vjt_demo::template_csv(&mut out, rows).unwrap();
        out.flush().unwrap();
    }
    let size = std::fs::metadata(&csv_path).unwrap().len();
    println!("wrote {rows} rows ({:.1} MiB) in {:.1} s", size as f64 / 1048576.0, started.elapsed().as_secs_f64());

    let db = dir.join("vjt.db");
    let store = Store::open(db.to_str().unwrap()).unwrap();
    for o in &orgs_new {
        store.add_organisation(o).unwrap();
    }
    for r in &rounds_new {
        store.add_round(r).unwrap();
    }
    let resolver = Resolver::new(Gazetteer::embedded());
    let started = Instant::now();
    let (table, repeats) = open_inputs(std::slice::from_ref(&csv_path)).unwrap().pop().unwrap();
    let report = import_file(&store, &resolver, table, repeats, &ImportOptions::default(), &mut |_, _| {}).unwrap();
    let vjt_secs = started.elapsed().as_secs_f64();
    assert_eq!(report.imported as usize, rows, "every row imported: {:?}", report.problems.first());
    println!(
        "vjt import: {rows} rows in {vjt_secs:.2} s = {:.0} rows/s; peak resident memory {:.0} MiB",
        rows as f64 / vjt_secs,
        peak_rss_mib()
    );

    let plain = dir.join("plain.db");
    let started = Instant::now();
    let status = std::process::Command::new("sqlite3")
        .arg(&plain)
        .args([".mode csv", &format!(".import {} routes", csv_path.display())])
        .status();
    match status {
        Ok(s) if s.success() => {
            let sqlite_secs = started.elapsed().as_secs_f64();
            println!(
                "sqlite3 .import into a plain table: {sqlite_secs:.2} s = {:.0} rows/s; vjt takes {:.1}x as long (while validating, resolving places and indexing stops)",
                rows as f64 / sqlite_secs,
                vjt_secs / sqlite_secs
            );
        }
        _ => println!("sqlite3 shell not found: install the sqlite3 package for the comparison"),
    }
    let _ = std::fs::remove_dir_all(&dir);
}
