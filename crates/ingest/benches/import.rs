//! Import throughput on a large template CSV, beside SQLite's own `.import` of the same file.
//!
//! Run: cargo bench -p vjt-ingest --bench import [-- ROWS] [--runs N] [--postgres URL]
//! (default 1,000,000 rows, 3 runs). Prints rows per second, the peak resident memory of this
//! process, and the ratio to the `sqlite3` shell importing the same CSV into a plain table
//! (skipped if `sqlite3` is absent), for each of N paired runs and their median.
//! With `--postgres`, the same file is also imported into a fresh schema of that database, and
//! PostgreSQL's own `COPY` of the CSV into a plain table is timed beside it, N times in turn
//! (`--runs 0` skips SQLite and imports into PostgreSQL once).

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
    let args: Vec<String> = std::env::args().skip(1).collect();
    // The first bare number: the value after --runs is not the row count.
    let rows: usize = args
        .iter()
        .enumerate()
        .filter(|(i, _)| *i == 0 || args[i - 1] != "--runs")
        .find_map(|(_, a)| a.parse().ok())
        .unwrap_or(1_000_000);
    let postgres = args.iter().position(|a| a == "--postgres").and_then(|i| args.get(i + 1)).cloned();
    let runs: usize = args.iter().position(|a| a == "--runs").and_then(|i| args.get(i + 1)?.parse().ok()).unwrap_or(3);
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

    // Each run imports into a fresh database, then the sqlite3 shell imports the same file: on
    // a shared virtual machine both vary by a third from minute to minute, so runs are paired
    // and the median of the pairs' ratios is the figure.
    let resolver = Resolver::new(Gazetteer::embedded());
    let mut ratios = Vec::new();
    for run in 1..=runs {
        let db = dir.join(format!("vjt{run}.db"));
        let store = Store::open(db.to_str().unwrap()).unwrap();
        for o in &orgs_new {
            store.add_organisation(o).unwrap();
        }
        for r in &rounds_new {
            store.add_round(r).unwrap();
        }
        let started = Instant::now();
        let (table, repeats) = open_inputs(std::slice::from_ref(&csv_path)).unwrap().pop().unwrap();
        let opened = started.elapsed().as_secs_f64();
        let report = import_file(&store, &resolver, table, repeats, &ImportOptions::default(), &mut |_, _| {}).unwrap();
        let vjt_secs = started.elapsed().as_secs_f64();
        assert_eq!(report.imported as usize, rows, "every row imported: {:?}", report.problems.first());
        println!(
            "run {run}: vjt import: {rows} rows in {vjt_secs:.2} s = {:.0} rows/s (reading the file {:.0} ms of it); \
             peak resident memory {:.0} MiB",
            rows as f64 / vjt_secs,
            opened * 1000.0,
            peak_rss_mib()
        );

        let plain = dir.join(format!("plain{run}.db"));
        let started = Instant::now();
        let status = std::process::Command::new("sqlite3")
            .arg(&plain)
            .args([".mode csv", &format!(".import {} routes", csv_path.display())])
            .status();
        // Only now: closing the store and deleting its files while sqlite3 runs would slow
        // sqlite3 down, and the ratio with it.
        drop(store);
        for file in [plain, db.clone(), db.with_extension("db-wal"), db.with_extension("db-shm")] {
            let _ = std::fs::remove_file(file);
        }
        match status {
            Ok(s) if s.success() => {
                let sqlite_secs = started.elapsed().as_secs_f64();
                println!(
                    "run {run}: sqlite3 .import into a plain table: {sqlite_secs:.2} s = {:.0} rows/s; vjt takes {:.2}x as long",
                    rows as f64 / sqlite_secs,
                    vjt_secs / sqlite_secs
                );
                ratios.push(vjt_secs / sqlite_secs);
            }
            _ => {
                println!("sqlite3 shell not found: install the sqlite3 package for the comparison");
                break;
            }
        }
    }
    if !ratios.is_empty() {
        ratios.sort_by(f64::total_cmp);
        println!(
            "vjt into SQLite takes {:.2}x as long as sqlite3 .import (median of {} paired runs; {:.2}x to {:.2}x), \
             while validating, resolving places and screening for personal data",
            ratios[ratios.len() / 2],
            ratios.len(),
            ratios[0],
            ratios[ratios.len() - 1]
        );
    }
    if let Some(url) = postgres {
        import_into_postgres(&url, &csv_path, rows, runs);
    }
    let _ = std::fs::remove_dir_all(&dir);
}

/// The same import into a fresh PostgreSQL schema, beside PostgreSQL's own COPY of the file, in
/// `runs` pairs (a fresh schema each): the server's speed varies from one minute to the next as
/// much as SQLite's does, so the median of the pairs is the figure.
fn import_into_postgres(url: &str, csv_path: &std::path::Path, rows: usize, runs: usize) {
    // The header line alone, not the whole file: the process's memory is then what the
    // imports below make of it, as in `vjt import`.
    let mut header = String::new();
    std::io::BufRead::read_line(&mut std::io::BufReader::new(std::fs::File::open(csv_path).unwrap()), &mut header)
        .unwrap();
    let header = header.trim_end();
    let columns: Vec<String> = header.split(',').enumerate().map(|(i, _)| format!("c{i} TEXT")).collect();
    let resolver = Resolver::new(Gazetteer::embedded());
    let mut rates = Vec::new();
    let mut ratios = Vec::new();
    for run in 1..=runs.max(1) {
        let schema = format!("vjt_import_bench_{}_{run}", std::process::id());
        let store = Store::open_postgres(url, Some(&schema)).unwrap();
        for o in &vjt_demo::organisations() {
            store.add_organisation(o).unwrap();
        }
        for r in &vjt_demo::rounds() {
            store.add_round(r).unwrap();
        }
        let started = Instant::now();
        let (table, repeats) = open_inputs(&[csv_path.to_path_buf()]).unwrap().pop().unwrap();
        let report = import_file(&store, &resolver, table, repeats, &ImportOptions::default(), &mut |_, _| {}).unwrap();
        let vjt_secs = started.elapsed().as_secs_f64();
        assert_eq!(report.imported as usize, rows);
        drop(store);

        let mut client = postgres::Client::connect(url, postgres::NoTls).unwrap();
        client.batch_execute(&format!("CREATE TABLE {schema}.plain ({})", columns.join(", "))).unwrap();
        let started = Instant::now();
        let mut sink = client.copy_in(&format!("COPY {schema}.plain FROM STDIN (FORMAT csv, HEADER true)")).unwrap();
        std::io::copy(&mut std::fs::File::open(csv_path).unwrap(), &mut sink).unwrap();
        sink.finish().unwrap();
        let copy_secs = started.elapsed().as_secs_f64();
        let _ = client.batch_execute(&format!("DROP SCHEMA {schema} CASCADE"));
        println!(
            "run {run}: vjt import into PostgreSQL: {rows} rows in {vjt_secs:.2} s = {:.0} rows/s; \
             PostgreSQL COPY of the CSV into a plain table: {copy_secs:.2} s = {:.0} rows/s; vjt takes {:.1}x as long",
            rows as f64 / vjt_secs,
            rows as f64 / copy_secs,
            vjt_secs / copy_secs
        );
        rates.push(rows as f64 / vjt_secs);
        ratios.push(vjt_secs / copy_secs);
    }
    rates.sort_by(f64::total_cmp);
    ratios.sort_by(f64::total_cmp);
    println!(
        "vjt into PostgreSQL: {:.0} rows/s (median of {} runs; {:.0} to {:.0}), {:.1}x as long as PostgreSQL's COPY of the CSV (median)",
        rates[rates.len() / 2],
        rates.len(),
        rates[0],
        rates[rates.len() - 1],
        ratios[ratios.len() / 2]
    );
}
