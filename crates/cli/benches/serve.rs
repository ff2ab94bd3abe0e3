//! `vjt serve` under load on loopback, with a built-in load generator (keep-alive HTTP/1.1
//! connections, each sending its next request as soon as the last answer is read):
//! - the dashboard page (a signed-in coordinator) and the analysis API (a viewer's token), each
//!   for a fixed time: requests per second and latency percentiles;
//! - report submissions through the API: the rate, then a count of what the database holds, to
//!   show that none was lost or stored twice.
//!
//! Run: cargo bench -p vjt-cli --bench serve [-- REPORTS] [--connections N] [--seconds S] [--submissions N]
//! (defaults: 100,000 reports, 16 connections, 10 s, 20,000 submissions). The server runs as its
//! own process on a copy of the benchmark database, sharing this machine's cores with the load.

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpStream;

const PASSWORD: &str = "load-test-password-1";

/// One keep-alive connection to the server.
struct Connection {
    stream: BufReader<TcpStream>,
    port: u16,
}

struct Answer {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Connection {
    async fn open(port: u16) -> Connection {
        let stream = TcpStream::connect(("127.0.0.1", port)).await.expect("the server accepts connections");
        stream.set_nodelay(true).unwrap();
        Connection { stream: BufReader::new(stream), port }
    }

    async fn send(&mut self, method: &str, path: &str, headers: &[(&str, &str)], body: &[u8]) -> Answer {
        let mut head =
            format!("{method} {path} HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Length: {}\r\n", self.port, body.len());
        for (k, v) in headers {
            head.push_str(&format!("{k}: {v}\r\n"));
        }
        head.push_str("\r\n");
        let mut request = head.into_bytes();
        request.extend_from_slice(body);
        self.stream.get_mut().write_all(&request).await.unwrap();

        let mut line = String::new();
        self.stream.read_line(&mut line).await.unwrap();
        let status: u16 = line.split(' ').nth(1).and_then(|s| s.parse().ok()).expect("an HTTP status line");
        let mut headers = Vec::new();
        let mut length = 0;
        loop {
            line.clear();
            self.stream.read_line(&mut line).await.unwrap();
            let l = line.trim_end();
            if l.is_empty() {
                break;
            }
            if let Some((k, v)) = l.split_once(':') {
                let (k, v) = (k.trim().to_ascii_lowercase(), v.trim().to_string());
                if k == "content-length" {
                    length = v.parse().unwrap();
                }
                assert!(k != "transfer-encoding", "the server answers with a length, not chunks");
                headers.push((k, v));
            }
        }
        let mut body = vec![0; length];
        self.stream.read_exact(&mut body).await.unwrap();
        Answer { status, headers, body }
    }
}

/// Sends requests from `connections` connections for `seconds`; returns the latencies, and
/// how many answers were not 200.
async fn hammer(
    port: u16,
    connections: usize,
    seconds: u64,
    method: &'static str,
    path: &'static str,
    headers: Vec<(&'static str, String)>,
) -> (Vec<Duration>, usize, f64) {
    let headers = Arc::new(headers);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let failures = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (headers, failures) = (headers.clone(), failures.clone());
        tasks.push(tokio::spawn(async move {
            let mut c = Connection::open(port).await;
            let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let mut times = Vec::new();
            while Instant::now() < deadline {
                let t = Instant::now();
                let a = c.send(method, path, &h, b"").await;
                times.push(t.elapsed());
                if a.status != 200 {
                    failures.fetch_add(1, Ordering::Relaxed);
                }
            }
            times
        }));
    }
    let mut all = Vec::new();
    for t in tasks {
        all.extend(t.await.unwrap());
    }
    let elapsed = started.elapsed().as_secs_f64();
    (all, failures.load(Ordering::Relaxed), elapsed)
}

async fn token(c: &mut Connection, email: &str) -> String {
    let body = serde_json::json!({"email": email, "password": PASSWORD}).to_string();
    let a = c.send("POST", "/api/v1/tokens", &[("Content-Type", "application/json")], body.as_bytes()).await;
    assert_eq!(a.status, 201, "{}", String::from_utf8_lossy(&a.body));
    let v: serde_json::Value = serde_json::from_slice(&a.body).unwrap();
    format!("Bearer {}", v["token"].as_str().unwrap())
}

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

fn summarise(what: &str, (mut times, failures, elapsed): (Vec<Duration>, usize, f64)) {
    times.sort();
    println!(
        "{what}: {} requests in {elapsed:.1} s = {:.0} requests/s; latency p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {failures} not 200",
        times.len(),
        times.len() as f64 / elapsed,
        percentile(&times, 0.50),
        percentile(&times, 0.99),
        percentile(&times, 1.0),
    );
}

fn vjt(db: &std::path::Path, args: &[&str]) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vjt"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("VJT_PASSWORD", PASSWORD)
        .output()
        .expect("vjt runs");
    assert!(out.status.success(), "vjt {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

fn option(args: &[String], name: &str, default: usize) -> usize {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let reports: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let connections = option(&args, "--connections", 16);
    let seconds = option(&args, "--seconds", 10) as u64;
    let submissions = option(&args, "--submissions", 20_000);

    // Submissions write to the database: work on a copy so the built one stays as it is.
    let source = common::database(reports);
    let dir = std::env::temp_dir().join(format!("vjt-serve-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("vjt.db");
    std::fs::copy(&source, &db).unwrap();
    let org = vjt_demo::organisations()[0].name.to_string();
    vjt(&db, &["user", "add", "coord@bench.example", "--org", &org, "--role", "coordinator"]);
    vjt(&db, &["user", "add", "viewer@bench.example", "--org", &org, "--role", "viewer"]);
    vjt(&db, &["user", "add", "reporter@bench.example", "--org", &org, "--role", "reporter"]);

    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mut server = std::process::Command::new(env!("CARGO_BIN_EXE_vjt"))
        .arg("--db")
        .arg(&db)
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("vjt serve starts");
    for _ in 0..200 {
        if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
    }

    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let mut c = Connection::open(port).await;
        // A browser session for the coordinator, tokens for the viewer and the reporter.
        let login = format!("email=coord%40bench.example&password={PASSWORD}");
        let signed = c
            .send("POST", "/login", &[("Content-Type", "application/x-www-form-urlencoded")], login.as_bytes())
            .await;
        let cookie = signed
            .headers
            .iter()
            .find(|(k, _)| k == "set-cookie")
            .map(|(_, v)| v.split(';').next().unwrap().to_string())
            .expect("signing in sets a cookie");
        let viewer = token(&mut c, "viewer@bench.example").await;
        let reporter = token(&mut c, "reporter@bench.example").await;

        // The first request of each analyses every report; later ones are served from memory
        // until a report changes.
        let t = Instant::now();
        let first = c.send("GET", "/dashboard", &[("Cookie", &cookie)], b"").await;
        assert_eq!(first.status, 200);
        println!(
            "dashboard over {reports} reports, first request: {:.2} s ({:.1} MiB of HTML)",
            t.elapsed().as_secs_f64(),
            first.body.len() as f64 / 1048576.0
        );
        let t = Instant::now();
        let first = c.send("GET", "/api/v1/analysis", &[("Authorization", &viewer)], b"").await;
        assert_eq!(first.status, 200);
        println!(
            "analysis API (viewer) over {reports} reports, first request: {:.2} s ({:.1} MiB of JSON)",
            t.elapsed().as_secs_f64(),
            first.body.len() as f64 / 1048576.0
        );

        let dash = hammer(port, connections, seconds, "GET", "/dashboard", vec![("Cookie", cookie.clone())]).await;
        summarise(&format!("GET /dashboard, {connections} connections"), dash);
        let api =
            hammer(port, connections, seconds, "GET", "/api/v1/analysis", vec![("Authorization", viewer.clone())]).await;
        summarise(&format!("GET /api/v1/analysis, {connections} connections"), api);

        // Readers while reports keep arriving: every change makes the next dashboard be made again,
        // once for all the readers waiting for it.
        let writer = {
            let reporter = reporter.clone();
            tokio::spawn(async move {
                let mut c = Connection::open(port).await;
                let deadline = Instant::now() + Duration::from_secs(seconds);
                let mut n = 0;
                while Instant::now() < deadline {
                    let body = serde_json::json!({
                        "report_id": format!("MIXED-{n}"), "round": "Kenya 2020", "origin": "Kitale",
                        "intended_destination": "Nairobi", "exploitation_types": ["forced_labour"]
                    })
                    .to_string();
                    let h = [("Authorization", reporter.as_str()), ("Content-Type", "application/json")];
                    assert_eq!(c.send("POST", "/api/v1/reports", &h, body.as_bytes()).await.status, 201);
                    n += 1;
                    tokio::time::sleep(Duration::from_secs(1)).await;
                }
                n
            })
        };
        let mixed = hammer(port, connections, seconds, "GET", "/dashboard", vec![("Cookie", cookie.clone())]).await;
        let written = writer.await.unwrap();
        summarise(&format!("GET /dashboard while a report arrives every second ({written} in all)"), mixed);

        // Submissions: each connection takes the next number until all are sent.
        let next = Arc::new(AtomicUsize::new(0));
        let created = Arc::new(AtomicUsize::new(0));
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..connections {
            let (next, created, reporter) = (next.clone(), created.clone(), reporter.clone());
            tasks.push(tokio::spawn(async move {
                let mut c = Connection::open(port).await;
                let mut times = Vec::new();
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    if i >= submissions {
                        break times;
                    }
                    let origin = ["Kakamega", "Busia", "Kisumu", "Bungoma"][i % 4];
                    let body = serde_json::json!({
                        "report_id": format!("LOAD-{i}"),
                        "round": "Kenya 2020",
                        "origin": origin,
                        "transit": ["Nakuru", "Nairobi"],
                        "intended_destination": "Mombasa",
                        "exploitation_types": ["domestic_servitude"],
                        "victims": 1 + (i % 9),
                    })
                    .to_string();
                    let h = [("Authorization", reporter.as_str()), ("Content-Type", "application/json")];
                    let t = Instant::now();
                    let a = c.send("POST", "/api/v1/reports", &h, body.as_bytes()).await;
                    times.push(t.elapsed());
                    if a.status == 201 {
                        created.fetch_add(1, Ordering::Relaxed);
                    } else {
                        eprintln!("submission {i}: {} {}", a.status, String::from_utf8_lossy(&a.body));
                    }
                }
            }));
        }
        let mut times = Vec::new();
        for t in tasks {
            times.extend(t.await.unwrap());
        }
        let elapsed = started.elapsed().as_secs_f64();
        times.sort();
        println!(
            "POST /api/v1/reports, {connections} connections: {submissions} in {elapsed:.1} s = {:.0} submissions/s; latency p50 {:.1} ms, p99 {:.1} ms; {} answered 201",
            submissions as f64 / elapsed,
            percentile(&times, 0.50),
            percentile(&times, 0.99),
            created.load(Ordering::Relaxed)
        );
    });
    let _ = server.kill();
    let _ = server.wait();

    // Count what was written: every submission once, none lost, none twice.
    let store = vjt_store::Store::open(db.to_str().unwrap()).unwrap();
    let all = store.reports_page(&vjt_store::ReportQuery::default(), None, u32::MAX).unwrap();
    let ids: Vec<String> = all
        .iter()
        .filter_map(|r| r.report.report_id.as_ref().map(|x| x.to_string()))
        .filter(|x| x.starts_with("LOAD-"))
        .collect();
    let distinct: std::collections::HashSet<&String> = ids.iter().collect();
    println!(
        "stored afterwards: {} reports in all ({} before), {} submitted rows, {} distinct; lost {}, duplicated {}",
        all.len(),
        reports,
        ids.len(),
        distinct.len(),
        submissions - distinct.len(),
        ids.len() - distinct.len()
    );
    let _ = std::fs::remove_dir_all(&dir);
}
