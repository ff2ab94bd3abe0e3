//! `vjt serve` under load on loopback, as a network uses it, with a built-in load generator
//! (keep-alive HTTP/1.1 connections, each sending its next request as soon as the last answer
//! is read). The server runs as its own process on a copy of the benchmark database, sharing
//! this machine's cores with the load. Scenarios:
//!
//! - `throughput`: the dashboard and the analysis API, each for a fixed time; the dashboard while
//!   a report arrives every second; then report submissions, counted in the database afterwards
//!   (none lost, none twice).
//! - `after-submission`: the coordinator's dashboard and the analysis API, each right after a
//!   report is submitted (the figures brought up to date with it first).
//! - `mixed`: every connection mixes what a network does at once: dashboards, report lists,
//!   analyses with changing filters, place look-ups, submissions and sign-ins; latency per
//!   kind, and the server's memory at the start and after each round (it must stay flat).
//!   Each connection sends as fast as it is answered; with `--rate N`, a further round offers N
//!   requests a second in all, each connection on a fixed schedule, and counts each request's
//!   time from when it was due (a server that falls behind shows it, instead of being sent less).
//! - `flood`: 4 clients send wrong passwords as fast as they can while signed-in readers read.
//! - `import`: `vjt import` writes a 1,000,000-row file from the command line while readers
//!   read and reports are submitted through the API (each answered 201 or 503, never 500).
//! - `two-servers` (PostgreSQL only): a report saved through one server, and how long until the
//!   other server's figures show it.
//!
//! Run: cargo bench -p vjt-cli --bench serve [-- REPORTS] [--connections N] [--seconds S]
//!      [--submissions N] [--import-rows N] [--rate N] [--postgres URL] [--scenarios throughput,after-submission,mixed,flood,import,two-servers]
//!      [--keep] (leave the database for a look afterwards)
//! (defaults: 100,000 reports, 16 connections, 10 s, 20,000 submissions, 1,000,000 import rows,
//! SQLite, every scenario that applies).

mod common;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
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

fn percentile(sorted: &[Duration], p: f64) -> f64 {
    if sorted.is_empty() {
        return 0.0;
    }
    let i = ((sorted.len() as f64 * p).ceil() as usize).clamp(1, sorted.len()) - 1;
    sorted[i].as_secs_f64() * 1000.0
}

/// Latencies of one kind of request, with its answers by status.
#[derive(Default, Clone)]
struct Tally {
    times: Vec<Duration>,
    statuses: std::collections::BTreeMap<u16, usize>,
}

impl Tally {
    fn add(&mut self, took: Duration, status: u16) {
        self.times.push(took);
        *self.statuses.entry(status).or_default() += 1;
    }
    fn merge(&mut self, other: Tally) {
        self.times.extend(other.times);
        for (s, n) in other.statuses {
            *self.statuses.entry(s).or_default() += n;
        }
    }
    fn line(&mut self, what: &str, elapsed: f64) -> String {
        self.times.sort();
        let statuses: Vec<String> = self.statuses.iter().map(|(s, n)| format!("{n}×{s}")).collect();
        format!(
            "{what}: {} in {elapsed:.1} s = {:.0}/s; p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; answers {}",
            self.times.len(),
            self.times.len() as f64 / elapsed,
            percentile(&self.times, 0.50),
            percentile(&self.times, 0.99),
            percentile(&self.times, 1.0),
            statuses.join(", ")
        )
    }
}

/// Sends one request from each of `connections` connections, again and again, for `seconds`.
async fn hammer(
    port: u16,
    connections: usize,
    seconds: u64,
    method: &'static str,
    path: &'static str,
    headers: Vec<(&'static str, String)>,
) -> (Tally, f64) {
    let headers = Arc::new(headers);
    let started = Instant::now();
    let deadline = started + Duration::from_secs(seconds);
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let headers = headers.clone();
        tasks.push(tokio::spawn(async move {
            let mut c = Connection::open(port).await;
            let h: Vec<(&str, &str)> = headers.iter().map(|(k, v)| (*k, v.as_str())).collect();
            let mut tally = Tally::default();
            while Instant::now() < deadline {
                let t = Instant::now();
                let a = c.send(method, path, &h, b"").await;
                tally.add(t.elapsed(), a.status);
            }
            tally
        }));
    }
    let mut all = Tally::default();
    for t in tasks {
        all.merge(t.await.unwrap());
    }
    (all, started.elapsed().as_secs_f64())
}

async fn token(c: &mut Connection, email: &str) -> String {
    let body = serde_json::json!({"email": email, "password": PASSWORD}).to_string();
    let a = c.send("POST", "/api/v1/tokens", &[("Content-Type", "application/json")], body.as_bytes()).await;
    assert_eq!(a.status, 201, "{}", String::from_utf8_lossy(&a.body));
    let v: serde_json::Value = serde_json::from_slice(&a.body).unwrap();
    format!("Bearer {}", v["token"].as_str().unwrap())
}

async fn browser_session(c: &mut Connection, email: &str) -> String {
    let login = format!("email={}&password={PASSWORD}", email.replace('@', "%40"));
    let signed =
        c.send("POST", "/login", &[("Content-Type", "application/x-www-form-urlencoded")], login.as_bytes()).await;
    signed
        .headers
        .iter()
        .find(|(k, _)| k == "set-cookie")
        .map(|(_, v)| v.split(';').next().unwrap().to_string())
        .expect("signing in sets a cookie")
}

/// Where the benchmark's data lives.
enum Database {
    Sqlite { dir: PathBuf, path: PathBuf },
    Postgres { base: String, url: String, schema: String },
}

impl Database {
    fn prepare(reports: usize, postgres: Option<&str>) -> Database {
        match postgres {
            None => {
                // Submissions write to the database: work on a copy so the built one stays as it is.
                let source = common::database(reports);
                let dir = std::env::temp_dir().join(format!("vjt-serve-bench-{}", std::process::id()));
                std::fs::create_dir_all(&dir).unwrap();
                let path = dir.join("vjt.db");
                std::fs::copy(&source, &path).unwrap();
                Database::Sqlite { dir, path }
            }
            Some(base) => {
                let (url, schema) = common::postgres(base, reports);
                Database::Postgres { base: base.to_string(), url, schema }
            }
        }
    }

    fn arg(&self) -> String {
        match self {
            Database::Sqlite { path, .. } => path.display().to_string(),
            Database::Postgres { url, .. } => url.clone(),
        }
    }

    fn store(&self) -> vjt_store::Store {
        vjt_store::Store::open(&self.arg()).unwrap()
    }

    fn cleanup(&self) {
        match self {
            Database::Sqlite { dir, .. } => {
                let _ = std::fs::remove_dir_all(dir);
            }
            Database::Postgres { base, schema, .. } => {
                if let Ok(mut c) = postgres::Client::connect(base, postgres::NoTls) {
                    let _ = c.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
                }
            }
        }
    }
}

fn vjt(db: &str, args: &[&str]) {
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_vjt"))
        .arg("--db")
        .arg(db)
        .args(args)
        .env("VJT_PASSWORD", PASSWORD)
        .output()
        .expect("vjt runs");
    assert!(out.status.success(), "vjt {args:?}: {}", String::from_utf8_lossy(&out.stderr));
}

/// `vjt serve` as its own process, until dropped.
struct Server {
    child: std::process::Child,
    port: u16,
}

impl Server {
    fn start(db: &str) -> Server {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_vjt"))
            .arg("--db")
            .arg(db)
            .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
            .env("VJT_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("vjt serve starts");
        for _ in 0..400 {
            if std::net::TcpStream::connect(("127.0.0.1", port)).is_ok() {
                break;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Server { child, port }
    }

    /// The server's resident memory now, in MiB.
    fn memory_mib(&self) -> f64 {
        std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("VmRSS:"))
                    .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
            })
            .map_or(0.0, |kib| kib / 1024.0)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn option(args: &[String], name: &str, default: usize) -> usize {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn text_option<'a>(args: &'a [String], name: &str) -> Option<&'a str> {
    args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).map(String::as_str)
}

/// The credentials every scenario uses.
struct Callers {
    cookie: String,
    reporter_cookie: String,
    /// The coordinator's API token (viewers see releases, not the analysis).
    coordinator: String,
    reporter: String,
}

async fn sign_in_everyone(port: u16) -> Callers {
    let mut c = Connection::open(port).await;
    Callers {
        cookie: browser_session(&mut c, "coord@bench.example").await,
        reporter_cookie: browser_session(&mut c, "reporter@bench.example").await,
        coordinator: token(&mut c, "coord@bench.example").await,
        reporter: token(&mut c, "reporter@bench.example").await,
    }
}

fn submission(id: &str, i: usize) -> Vec<u8> {
    let origin = ["Kakamega", "Busia", "Kisumu", "Bungoma"][i % 4];
    serde_json::json!({
        "report_id": id,
        "round": "Kenya 2020",
        "origin": origin,
        "transit": ["Nakuru", "Nairobi"],
        "intended_destination": "Mombasa",
        "exploitation_types": ["domestic_servitude"],
        "victims": 1 + (i % 9),
    })
    .to_string()
    .into_bytes()
}

async fn throughput(
    server: &Server,
    who: &Callers,
    reports: usize,
    connections: usize,
    seconds: u64,
    submissions: usize,
) {
    let port = server.port;
    let mut c = Connection::open(port).await;
    let t = Instant::now();
    let first = c.send("GET", "/dashboard", &[("Cookie", &who.cookie)], b"").await;
    assert_eq!(first.status, 200);
    println!(
        "dashboard over {reports} reports, first request: {:.2} s ({:.0} KiB of HTML)",
        t.elapsed().as_secs_f64(),
        first.body.len() as f64 / 1024.0
    );
    let t = Instant::now();
    let first = c.send("GET", "/api/v1/analysis", &[("Authorization", &who.coordinator)], b"").await;
    assert_eq!(first.status, 200);
    println!(
        "analysis API (coordinator) over {reports} reports, first request: {:.2} s ({:.1} MiB of JSON)",
        t.elapsed().as_secs_f64(),
        first.body.len() as f64 / 1048576.0
    );
    let (mut dash, elapsed) =
        hammer(port, connections, seconds, "GET", "/dashboard", vec![("Cookie", who.cookie.clone())]).await;
    println!("{}", dash.line(&format!("GET /dashboard, {connections} connections"), elapsed));
    let (mut api, elapsed) =
        hammer(port, connections, seconds, "GET", "/api/v1/analysis", vec![("Authorization", who.coordinator.clone())])
            .await;
    println!("{}", api.line(&format!("GET /api/v1/analysis, {connections} connections"), elapsed));

    // Readers while reports keep arriving: every change makes the next dashboard be made again,
    // once for all the readers waiting for it.
    let writer = {
        let reporter = who.reporter.clone();
        tokio::spawn(async move {
            let mut c = Connection::open(port).await;
            let deadline = Instant::now() + Duration::from_secs(seconds);
            let mut n = 0;
            while Instant::now() < deadline {
                let h = [("Authorization", reporter.as_str()), ("Content-Type", "application/json")];
                assert_eq!(
                    c.send("POST", "/api/v1/reports", &h, &submission(&format!("MIXED-{n}"), n)).await.status,
                    201
                );
                n += 1;
                tokio::time::sleep(Duration::from_secs(1)).await;
            }
            n
        })
    };
    let (mut mixed, elapsed) =
        hammer(port, connections, seconds, "GET", "/dashboard", vec![("Cookie", who.cookie.clone())]).await;
    let written = writer.await.unwrap();
    println!(
        "{}",
        mixed.line(&format!("GET /dashboard while a report arrives every second ({written} in all)"), elapsed)
    );

    // Submissions: each connection takes the next number until all are sent.
    let next = Arc::new(AtomicUsize::new(0));
    let started = Instant::now();
    let mut tasks = Vec::new();
    for _ in 0..connections {
        let (next, reporter) = (next.clone(), who.reporter.clone());
        tasks.push(tokio::spawn(async move {
            let mut c = Connection::open(port).await;
            let mut tally = Tally::default();
            loop {
                let i = next.fetch_add(1, Ordering::Relaxed);
                if i >= submissions {
                    break tally;
                }
                let h = [("Authorization", reporter.as_str()), ("Content-Type", "application/json")];
                let t = Instant::now();
                let a = c.send("POST", "/api/v1/reports", &h, &submission(&format!("LOAD-{i}"), i)).await;
                tally.add(t.elapsed(), a.status);
            }
        }));
    }
    let mut all = Tally::default();
    for t in tasks {
        all.merge(t.await.unwrap());
    }
    println!(
        "{}",
        all.line(&format!("POST /api/v1/reports, {connections} connections"), started.elapsed().as_secs_f64())
    );
}

/// What a network does at once, from every connection: the kind of each request in turn.
const MIX: [&str; 20] = [
    "dashboard",
    "dashboard",
    "dashboard",
    "dashboard",
    "list",
    "list",
    "list",
    "analysis",
    "analysis",
    "analysis",
    "resolve",
    "resolve",
    "resolve",
    "resolve",
    "submit",
    "submit",
    "submit",
    "sign-in",
    "county",
    "county",
];

/// A coordinator's dashboard (and the analysis API) right after a report is submitted: the
/// figures must be brought up to date with that report before they are shown.
async fn after_submission(server: &Server, who: &Callers, times: usize) {
    let mut c = Connection::open(server.port).await;
    // The first dashboard makes the coordinator's view; what is timed is every one after a change.
    let first = Instant::now();
    assert_eq!(c.send("GET", "/dashboard", &[("Cookie", &who.cookie)], b"").await.status, 200);
    println!("first dashboard (the view's tally made): {:.0} ms", first.elapsed().as_secs_f64() * 1000.0);
    let (mut dashboard, mut api) = (Tally::default(), Tally::default());
    let started = Instant::now();
    for i in 0..times {
        let h = [("Authorization", who.reporter.as_str()), ("Content-Type", "application/json")];
        let a = c.send("POST", "/api/v1/reports", &h, &submission(&format!("AFTER-{i}"), i)).await;
        assert_eq!(a.status, 201, "{}", String::from_utf8_lossy(&a.body));
        let t = Instant::now();
        let status = c.send("GET", "/dashboard", &[("Cookie", &who.cookie)], b"").await.status;
        dashboard.add(t.elapsed(), status);
        let a = c.send("POST", "/api/v1/reports", &h, &submission(&format!("AFTER-API-{i}"), i)).await;
        assert_eq!(a.status, 201);
        let t = Instant::now();
        let status = c.send("GET", "/api/v1/analysis", &[("Authorization", &who.coordinator)], b"").await.status;
        api.add(t.elapsed(), status);
    }
    let elapsed = started.elapsed().as_secs_f64();
    println!("{}", dashboard.line("GET /dashboard right after a submission", elapsed));
    println!("{}", api.line("GET /api/v1/analysis right after a submission", elapsed));
}

/// `rounds` rounds of the mix; `paced` gives the requests a second offered in all, or none for as
/// fast as answered.
async fn mixed(server: &Server, who: &Callers, connections: usize, seconds: u64, rounds: usize, paced: Option<f64>) {
    let port = server.port;
    let names = ["Kakamega", "Nrb", "Busia, Uganda", "Malaba", "Sudi Arabia", "Eastleigh", "Mombasa", "Kwa Mzee stage"];
    let months = ["2020-01", "2020-03", "2020-06", "2020-09", "2021-01"];
    println!("mixed load: server memory at the start {:.0} MiB", server.memory_mib());
    let serial = Arc::new(AtomicUsize::new(0));
    let label = if let Some(rate) = paced { format!("paced at {rate:.0}/s, round") } else { "round".into() };
    for round in 1..=rounds {
        let started = Instant::now();
        let deadline = started + Duration::from_secs(seconds);
        let tallies: Arc<Mutex<std::collections::BTreeMap<&'static str, Tally>>> = Arc::default();
        let mut tasks = Vec::new();
        for n in 0..connections {
            let (cookie, reporter_cookie, reporter, tallies, serial) = (
                who.cookie.clone(),
                who.reporter_cookie.clone(),
                who.reporter.clone(),
                tallies.clone(),
                serial.clone(),
            );
            tasks.push(tokio::spawn(async move {
                let mut c = Connection::open(port).await;
                let mut mine: std::collections::BTreeMap<&'static str, Tally> = Default::default();
                let mut step = n * 7;
                // Paced: this connection's share of the rate, the connections' starts spread out.
                let interval = paced.map(|rate| Duration::from_secs_f64(connections as f64 / rate));
                let mut due = started + interval.map_or(Duration::ZERO, |i| i.mul_f64(n as f64 / connections as f64));
                while due < deadline && Instant::now() < deadline {
                    let kind = MIX[step % MIX.len()];
                    step += 1;
                    let i = serial.fetch_add(1, Ordering::Relaxed);
                    let t = match interval {
                        Some(interval) => {
                            tokio::time::sleep_until(due.into()).await;
                            let t = due;
                            due += interval;
                            t
                        }
                        None => Instant::now(),
                    };
                    let status = match kind {
                        "dashboard" => c.send("GET", "/dashboard", &[("Cookie", &cookie)], b"").await.status,
                        "county" => c.send("GET", "/dashboard/county/KE-30", &[("Cookie", &cookie)], b"").await.status,
                        "list" => c.send("GET", "/reports", &[("Cookie", &reporter_cookie)], b"").await.status,
                        "analysis" => {
                            // A filter seen before or a new one: some are served from memory, some not.
                            let path = format!("/api/v1/analysis?from={}", months[i % months.len()]);
                            c.send("GET", &path, &[("Cookie", &cookie)], b"").await.status
                        }
                        "resolve" => {
                            let q: String = names[i % names.len()].replace(' ', "%20").replace(',', "%2C");
                            let path = format!("/api/v1/places/resolve?q={q}");
                            c.send("GET", &path, &[("Authorization", &reporter)], b"").await.status
                        }
                        "submit" => {
                            let h = [("Authorization", reporter.as_str()), ("Content-Type", "application/json")];
                            c.send("POST", "/api/v1/reports", &h, &submission(&format!("MIX-{i}"), i)).await.status
                        }
                        _ => {
                            let body = serde_json::json!({"email": "reporter@bench.example", "password": PASSWORD})
                                .to_string();
                            c.send("POST", "/api/v1/tokens", &[("Content-Type", "application/json")], body.as_bytes())
                                .await
                                .status
                        }
                    };
                    mine.entry(kind).or_default().add(t.elapsed(), status);
                }
                let mut all = tallies.lock().unwrap();
                for (k, v) in mine {
                    all.entry(k).or_default().merge(v);
                }
            }));
        }
        for t in tasks {
            t.await.unwrap();
        }
        let elapsed = started.elapsed().as_secs_f64();
        let mut all = Tally::default();
        let tallies = std::mem::take(&mut *tallies.lock().unwrap());
        for (kind, mut t) in tallies {
            println!("  {}", t.line(&format!("mixed {label} {round}, {kind}"), elapsed));
            all.merge(t);
        }
        println!("{}", all.line(&format!("mixed {label} {round}, everything, {connections} connections"), elapsed));
        println!("mixed load: server memory after {label} {round} {:.0} MiB", server.memory_mib());
    }
}

async fn flood(server: &Server, who: &Callers, seconds: u64) {
    let port = server.port;
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut attackers = Vec::new();
    for n in 0..4 {
        attackers.push(tokio::spawn(async move {
            let mut c = Connection::open(port).await;
            let mut tally = Tally::default();
            let mut i = 0;
            while Instant::now() < deadline {
                // Unknown addresses and a real one, all with wrong passwords.
                let email =
                    if i % 2 == 0 { format!("nobody{n}-{i}@bench.example") } else { "flooded@bench.example".into() };
                let body = serde_json::json!({"email": email, "password": "wrong password"}).to_string();
                let t = Instant::now();
                let a =
                    c.send("POST", "/api/v1/tokens", &[("Content-Type", "application/json")], body.as_bytes()).await;
                tally.add(t.elapsed(), a.status);
                i += 1;
            }
            tally
        }));
    }
    let readers = {
        let (cookie, reporter) = (who.reporter_cookie.clone(), who.reporter.clone());
        tokio::spawn(async move {
            let mut tasks = Vec::new();
            for n in 0..8 {
                let (cookie, reporter) = (cookie.clone(), reporter.clone());
                tasks.push(tokio::spawn(async move {
                    let mut c = Connection::open(port).await;
                    let mut tally = Tally::default();
                    let mut i = n;
                    while Instant::now() < deadline {
                        let t = Instant::now();
                        let status = if i % 2 == 0 {
                            c.send("GET", "/reports", &[("Cookie", &cookie)], b"").await.status
                        } else {
                            c.send("GET", "/api/v1/reports?limit=20", &[("Authorization", &reporter)], b"").await.status
                        };
                        tally.add(t.elapsed(), status);
                        i += 1;
                    }
                    tally
                }));
            }
            let mut all = Tally::default();
            for t in tasks {
                all.merge(t.await.unwrap());
            }
            all
        })
    };
    let mut flood = Tally::default();
    for a in attackers {
        flood.merge(a.await.unwrap());
    }
    let mut read = readers.await.unwrap();
    println!("{}", flood.line("sign-in flood, 4 clients, wrong passwords", seconds as f64));
    println!("{}", read.line("signed-in readers during the flood, 8 connections", seconds as f64));
}

async fn import_while_serving(server: &Server, who: &Callers, db: &str, rows: usize) {
    let port = server.port;
    let dir = std::env::temp_dir().join(format!("vjt-serve-bench-import-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("routes.csv");
    {
        let mut out = std::io::BufWriter::new(std::fs::File::create(&csv).unwrap());
        vjt_demo::template_csv(&mut out, rows).unwrap();
        std::io::Write::flush(&mut out).unwrap();
    }
    let started = Instant::now();
    let mut import = std::process::Command::new(env!("CARGO_BIN_EXE_vjt"))
        .arg("--db")
        .arg(db)
        .arg("import")
        .arg(&csv)
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .expect("vjt import starts");
    let done = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let mut tasks = Vec::new();
    for n in 0..8 {
        let (cookie, reporter, done) = (who.reporter_cookie.clone(), who.reporter.clone(), done.clone());
        tasks.push(tokio::spawn(async move {
            let mut c = Connection::open(port).await;
            let (mut reads, mut writes) = ([Tally::default(), Tally::default(), Tally::default()], Tally::default());
            let mut i = n;
            while !done.load(Ordering::Relaxed) {
                let t = Instant::now();
                if n == 0 {
                    // One connection submits while the import writes.
                    let h = [("Authorization", reporter.as_str()), ("Content-Type", "application/json")];
                    let a = c.send("POST", "/api/v1/reports", &h, &submission(&format!("DURING-{i}"), i)).await;
                    if a.status == 503 {
                        assert!(a.headers.iter().any(|(k, _)| k == "retry-after"), "a 503 says when to try again");
                    }
                    writes.add(t.elapsed(), a.status);
                    tokio::time::sleep(Duration::from_millis(200)).await;
                } else {
                    let kind = i % 3;
                    let status = match kind {
                        0 => c.send("GET", "/reports", &[("Cookie", &cookie)], b"").await.status,
                        1 => {
                            c.send("GET", "/api/v1/places/resolve?q=Busia", &[("Authorization", &reporter)], b"")
                                .await
                                .status
                        }
                        _ => {
                            c.send("GET", "/api/v1/reports?limit=20", &[("Authorization", &reporter)], b"").await.status
                        }
                    };
                    reads[kind].add(t.elapsed(), status);
                }
                i += 8;
            }
            (reads, writes)
        }));
    }
    let status = tokio::task::spawn_blocking(move || import.wait()).await.unwrap().unwrap();
    let import_secs = started.elapsed().as_secs_f64();
    done.store(true, Ordering::Relaxed);
    let (mut reads, mut kinds, mut writes) =
        (Tally::default(), [Tally::default(), Tally::default(), Tally::default()], Tally::default());
    for t in tasks {
        let (r, w) = t.await.unwrap();
        for (kind, tally) in kinds.iter_mut().zip(r) {
            reads.merge(tally.clone());
            kind.merge(tally);
        }
        writes.merge(w);
    }
    println!(
        "vjt import of {rows} rows from the command line: {} in {import_secs:.1} s ({:.0} rows/s)",
        if status.success() { "done" } else { "FAILED" },
        rows as f64 / import_secs
    );
    println!("{}", reads.line("readers during the import, 7 connections", import_secs));
    for (kind, mut tally) in
        ["GET /reports", "GET /api/v1/places/resolve", "GET /api/v1/reports"].into_iter().zip(kinds)
    {
        println!("  {}", tally.line(&format!("of which {kind}"), import_secs));
    }
    println!("{}", writes.line("API submissions during the import, one every 0.2 s", import_secs));
    let _ = std::fs::remove_dir_all(&dir);
}

async fn two_servers(a: &Server, b: &Server) {
    let (mut ca, mut cb) = (Connection::open(a.port).await, Connection::open(b.port).await);
    let on_a = token(&mut ca, "reporter@bench.example").await;
    let on_b = token(&mut cb, "coord@bench.example").await;
    let total = |body: &[u8]| -> u64 {
        serde_json::from_slice::<serde_json::Value>(body).unwrap()["totals"]["reports"].as_u64().unwrap()
    };
    let mut delays = Vec::new();
    for i in 0..10 {
        let before = total(&cb.send("GET", "/api/v1/analysis", &[("Authorization", &on_b)], b"").await.body);
        let h = [("Authorization", on_a.as_str()), ("Content-Type", "application/json")];
        let saved = Instant::now();
        assert_eq!(ca.send("POST", "/api/v1/reports", &h, &submission(&format!("TWO-{i}"), i)).await.status, 201);
        loop {
            let now = total(&cb.send("GET", "/api/v1/analysis", &[("Authorization", &on_b)], b"").await.body);
            if now > before {
                delays.push(saved.elapsed());
                break;
            }
            assert!(saved.elapsed() < Duration::from_secs(10), "the other server never saw the report");
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        tokio::time::sleep(Duration::from_millis(300)).await;
    }
    delays.sort();
    println!(
        "two servers on one PostgreSQL: a report saved through one shows in the other's figures after p50 {:.0} ms, max {:.0} ms (10 reports)",
        percentile(&delays, 0.5),
        percentile(&delays, 1.0)
    );
}

fn main() {
    common::build_if_asked();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let reports: usize = args.first().and_then(|a| a.parse().ok()).unwrap_or(100_000);
    let connections = option(&args, "--connections", 16);
    let seconds = option(&args, "--seconds", 10) as u64;
    let submissions = option(&args, "--submissions", 20_000);
    let rate: Option<f64> = text_option(&args, "--rate").and_then(|r| r.parse().ok());
    let import_rows = option(&args, "--import-rows", 1_000_000);
    let postgres = text_option(&args, "--postgres");
    let scenarios: Vec<&str> = text_option(&args, "--scenarios")
        .unwrap_or("throughput,after-submission,mixed,flood,import,two-servers")
        .split(',')
        .collect();
    let wanted = |s: &str| scenarios.contains(&s);

    let database = Database::prepare(reports, postgres);
    let db = database.arg();
    println!("database: {}", if postgres.is_some() { "PostgreSQL" } else { "SQLite" });
    let org = vjt_demo::organisations()[0].name.to_string();
    vjt(&db, &["user", "add", "coord@bench.example", "--org", &org, "--role", "coordinator"]);
    vjt(&db, &["user", "add", "reporter@bench.example", "--org", &org, "--role", "reporter"]);
    vjt(&db, &["user", "add", "flooded@bench.example", "--org", &org, "--role", "reporter"]);

    let server = Server::start(&db);
    let runtime = tokio::runtime::Builder::new_multi_thread().enable_all().build().unwrap();
    runtime.block_on(async {
        let who = sign_in_everyone(server.port).await;
        if wanted("throughput") {
            throughput(&server, &who, reports, connections, seconds, submissions).await;
        }
        if wanted("after-submission") {
            after_submission(&server, &who, 50).await;
        }
        if wanted("mixed") {
            mixed(&server, &who, connections, seconds, 3, None).await;
            if rate.is_some() {
                mixed(&server, &who, connections, seconds, 1, rate).await;
            }
        }
        if wanted("flood") {
            flood(&server, &who, seconds).await;
        }
        if wanted("import") {
            import_while_serving(&server, &who, &db, import_rows).await;
        }
        if wanted("two-servers") && postgres.is_some() {
            let second = Server::start(&db);
            two_servers(&server, &second).await;
        }
    });
    drop(server);

    if wanted("throughput") {
        // Count what was written: every submission once, none lost, none twice.
        let store = database.store();
        let mut ids = Vec::new();
        let mut after = None;
        loop {
            let page = store.reports_page(&vjt_store::ReportQuery::default(), after, 50_000).unwrap();
            let Some(last) = page.last() else { break };
            after = Some(last.id);
            ids.extend(
                page.iter()
                    .filter_map(|r| r.report.report_id.as_ref().map(|x| x.to_string()))
                    .filter(|x| x.starts_with("LOAD-")),
            );
        }
        let distinct: std::collections::HashSet<&String> = ids.iter().collect();
        println!(
            "stored afterwards: {} submitted rows, {} distinct; lost {}, duplicated {}",
            ids.len(),
            distinct.len(),
            submissions - distinct.len(),
            ids.len() - distinct.len()
        );
    }
    if args.iter().any(|a| a == "--keep") {
        println!("kept: {db}");
    } else {
        database.cleanup();
    }
}
