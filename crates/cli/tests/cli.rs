//! The `vjt` binary as a user meets it: exit codes, one-line errors, and what the demo leaves behind.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use vjt_store::{ReportQuery, Store};

fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("vjt_cli_{name}_{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn vjt(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_vjt"))
        .args(args)
        .current_dir(dir)
        .env_remove("VJT_DATABASE_URL")
        .output()
        .expect("vjt runs")
}

fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A failure is exactly one line on stderr, starting `vjt: error:`, with exit code 1 and no panic.
fn assert_one_line_error(o: &Output, expected: &str) {
    let err = stderr(o);
    assert_eq!(o.status.code(), Some(1), "stderr: {err}");
    assert_eq!(err.lines().count(), 1, "one line expected, got: {err}");
    assert!(err.starts_with("vjt: error: "), "{err}");
    assert!(err.contains(expected), "expected '{expected}' in: {err}");
    assert!(!err.contains("panicked"), "{err}");
}

#[test]
fn demo_leaves_a_database_holding_the_demo_data() {
    let dir = scratch("demo");
    let out = vjt(&dir, &["demo", "--no-serve", "--out", "here"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(stdout(&out).contains("SYNTHETIC"), "the demo says it is not real data");
    let store = Store::open(dir.join("here/vjt.db").to_str().unwrap()).unwrap();
    assert_eq!(store.organisations().unwrap().len(), 6);
    let rounds: Vec<String> = store.rounds().unwrap().iter().map(|r| r.name.to_string()).collect();
    assert_eq!(rounds, ["Kenya 2019", "Kenya 2020"]);
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 2 * vjt_demo::STANDARD_PER_ROUND as u64);
    drop(store);

    // Running it again starts afresh rather than piling up a second copy.
    let again = vjt(&dir, &["demo", "--no-serve", "--out", "here"]);
    assert!(again.status.success(), "{}", stderr(&again));
    let store = Store::open(dir.join("here/vjt.db").to_str().unwrap()).unwrap();
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 2 * vjt_demo::STANDARD_PER_ROUND as u64);
}

#[test]
fn demo_never_replaces_a_database_with_real_organisations() {
    let dir = scratch("demo_guard");
    assert!(vjt(&dir, &["org", "add", "HAART Kenya", "--kind", "ngo"]).status.success());
    let out = vjt(&dir, &["demo", "--no-serve", "--out", "."]);
    assert_one_line_error(&out, "not demo data");
    let store = Store::open(dir.join("vjt.db").to_str().unwrap()).unwrap();
    assert_eq!(store.organisations().unwrap().len(), 1);
}

#[test]
fn organisations_and_rounds_are_added_and_listed() {
    let dir = scratch("org_round");
    let added = vjt(&dir, &["org", "add", "Candle of Hope", "--kind", "faith-based", "--country", "ke"]);
    assert!(added.status.success(), "{}", stderr(&added));
    assert!(vjt(&dir, &["round", "add", "Kenya 2020", "--start", "2020-01-01", "--end", "2020-12-31"])
        .status
        .success());
    let orgs: serde_json::Value = serde_json::from_slice(&vjt(&dir, &["org", "list", "--json"]).stdout).unwrap();
    assert_eq!(orgs[0]["name"], "Candle of Hope");
    assert_eq!(orgs[0]["kind"], "faith_based");
    assert_eq!(orgs[0]["country"], "KE");
    let rounds = stdout(&vjt(&dir, &["round", "list"]));
    assert!(rounds.contains("Kenya 2020") && rounds.contains("2020-12-31"), "{rounds}");
    assert_one_line_error(&vjt(&dir, &["org", "add", "candle of HOPE", "--kind", "ngo"]), "already exists");
}

#[test]
fn user_mistakes_are_one_line_errors() {
    let dir = scratch("mistakes");
    assert_one_line_error(&vjt(&dir, &["--db", "mysql://root@localhost/vjt", "init"]), "not supported");
    assert_one_line_error(&vjt(&dir, &["--db", "postgres:/oops", "init"]), "postgres://");
    assert_one_line_error(
        &vjt(&dir, &["--db", "postgres://postgres@127.0.0.1:1/vjt", "init"]),
        "cannot open PostgreSQL",
    );
    assert_one_line_error(&vjt(&dir, &["routes", "list", "--org", "Nobody"]), "no organisation is named 'Nobody'");
    assert_one_line_error(&vjt(&dir, &["routes", "list", "--round", "Kenya 1999"]), "no round is named 'Kenya 1999'");
    assert_one_line_error(
        &vjt(&dir, &["round", "add", "R", "--start", "2020-02-30", "--end", "2020-12-31"]),
        "not a date",
    );
    assert_one_line_error(&vjt(&dir, &["round", "add", "R", "--start", "2020-12-01", "--end", "2020-01-01"]), "ends");
    assert_one_line_error(&vjt(&dir, &["org", "add", "X", "--kind", "ngoo"]), "did you mean: ngo");
    assert_one_line_error(&vjt(&dir, &["org", "add", "X", "--kind", "ngo", "--country", "Kenya"]), "two-letter");
    // A database file in a folder that does not exist.
    assert_one_line_error(&vjt(&dir, &["--db", "no/such/folder/vjt.db", "init"]), "cannot open SQLite file");
}

#[test]
fn the_database_can_come_from_the_environment() {
    let dir = scratch("env");
    let out = Command::new(env!("CARGO_BIN_EXE_vjt"))
        .args(["init"])
        .current_dir(&dir)
        .env("VJT_DATABASE_URL", "sqlite:from-env.db")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(dir.join("from-env.db").exists());
}

#[test]
fn places_resolve_prints_the_documented_json() {
    let dir = scratch("resolve");
    let out = vjt(&dir, &["places", "resolve", "--json", "Nrb", "Busia, Uganda", "qwxzk"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v[0]["input"], "Nrb");
    assert_eq!(v[0]["status"], "resolved");
    assert_eq!(v[0]["place"]["id"], "ke:county:nairobi-city");
    assert_eq!(v[0]["place"]["kind"], "county");
    assert_eq!(v[0]["place"]["county"]["iso"], "KE-30");
    assert_eq!(v[0]["place"]["county"]["number"], 47);
    assert_eq!(v[0]["place"]["country"]["iso2"], "KE");
    assert!(v[0]["score"].as_f64().unwrap() >= 0.75);
    assert_eq!(v[1]["place"]["country"]["iso2"], "UG");
    assert_eq!(v[1]["place"]["county"], serde_json::Value::Null);
    assert_eq!(v[2]["status"], "unresolved");
    assert_eq!(v[2]["place"], serde_json::Value::Null);
    // Resolving needs no database and creates none.
    assert!(!dir.join("vjt.db").exists());
    let with_country = vjt(&dir, &["places", "resolve", "--json", "--country", "UG", "Malaba"]);
    let v: serde_json::Value = serde_json::from_slice(&with_country.stdout).unwrap();
    assert_eq!(v[0]["place"]["country"]["iso2"], "UG");
}

#[test]
fn a_coordinator_alias_resolves_existing_reports_at_once() {
    let dir = scratch("alias");
    assert!(vjt(&dir, &["demo", "--no-serve", "--out", "."]).status.success());
    let before = stdout(&vjt(&dir, &["places", "unresolved"]));
    assert!(before.contains("Kisi") && before.contains("ke:county:kisii"), "{before}");
    let decided = vjt(&dir, &["places", "alias", "Kisi", "--to", "ke:county:kisii"]);
    assert!(decided.status.success(), "{}", stderr(&decided));
    assert!(stdout(&decided).contains("stop(s) updated"));
    let after = stdout(&vjt(&dir, &["places", "unresolved"]));
    assert!(after.contains("every place in the database is resolved"), "{after}");
    let json: serde_json::Value =
        serde_json::from_slice(&vjt(&dir, &["places", "unresolved", "--json"]).stdout).unwrap();
    assert_eq!(json.as_array().unwrap().len(), 0);
    assert_one_line_error(&vjt(&dir, &["places", "alias", "Kisi", "--to", "nowhere"]), "no place has the id 'nowhere'");
    assert_one_line_error(&vjt(&dir, &["places", "show", "nowhere"]), "no place has the id");
}

#[test]
fn about_carries_the_data_attribution() {
    let out = stdout(&vjt(&scratch("about"), &["about"]));
    for needle in [
        "GeoNames",
        "CC BY 4.0",
        "OpenStreetMap contributors",
        "ODbL",
        "Natural Earth",
        "Noto Sans",
        "SIL OPEN FONT LICENSE",
    ] {
        assert!(out.contains(needle), "missing {needle}: {out}");
    }
}

#[test]
fn a_killed_import_leaves_the_database_as_it_was() {
    let dir = scratch("killed");
    assert!(vjt(&dir, &["org", "add", "HAART Kenya", "--kind", "ngo"]).status.success());
    assert!(vjt(&dir, &["round", "add", "Kenya 2020", "--start", "2020-01-01", "--end", "2020-12-31"])
        .status
        .success());
    // A first, small import that must survive untouched.
    std::fs::write(
        dir.join("first.csv"),
        "report_id,organisation,round,origin,intended_destination\nF-1,HAART Kenya,Kenya 2020,Kisii,Nairobi\n",
    )
    .unwrap();
    assert!(vjt(&dir, &["import", "first.csv"]).status.success());
    let rows = 400_000;
    let mut big = String::from("report_id,organisation,round,origin,transit,intended_destination,victims\n");
    for i in 0..rows {
        big.push_str(&format!("K-{i},HAART Kenya,Kenya 2020,Kakamega,Busia;Nakuru,Nairobi,{}\n", 1 + i % 30));
    }
    std::fs::write(dir.join("big.csv"), big).unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_vjt"))
        .args(["import", "big.csv"])
        .current_dir(&dir)
        .env_remove("VJT_DATABASE_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    // Kill it once it is busy writing (its write-ahead log has grown), or after a while regardless.
    let wal = dir.join("vjt.db-wal");
    for _ in 0..200 {
        if std::fs::metadata(&wal).map(|m| m.len() > 1_000_000).unwrap_or(false) {
            break;
        }
        std::thread::sleep(std::time::Duration::from_millis(10));
    }
    child.kill().unwrap();
    let _ = child.wait();
    let store = Store::open(dir.join("vjt.db").to_str().unwrap()).unwrap();
    let count = store.count_reports(&ReportQuery::default()).unwrap();
    eprintln!("reports after the kill: {count}");
    assert!(count == 1 || count == 1 + rows as u64, "a partial import is visible: {count} reports");
}

#[test]
fn analyze_reproduces_ctdc_published_counts_after_import() {
    let shared = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data");
    let (data, freq) =
        (shared.join("ctdc_vp_synthetic_condensed.csv"), shared.join("ctdc_vp_synthetic_expected_frequencies.csv"));
    if !data.exists() || !freq.exists() {
        eprintln!("skipped: ../shared/data with the CTDC files is absent");
        return;
    }
    let dir = scratch("ctdc_analyze");
    assert!(vjt(&dir, &["org", "add", "CTDC", "--kind", "international"]).status.success());
    assert!(vjt(&dir, &["round", "add", "CTDC synthetic", "--start", "2002-01-01", "--end", "2022-12-31"])
        .status
        .success());
    let imported =
        vjt(&dir, &["import", data.to_str().unwrap(), "--org", "CTDC", "--round", "CTDC synthetic", "--json"]);
    assert!(imported.status.success(), "{}", stderr(&imported));
    let out = vjt(&dir, &["analyze", "--json"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let a: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let b = &a["breakdowns"]["overall"];
    let total = a["totals"]["reports"].as_u64().unwrap();
    assert_eq!(total, 21_195);

    // CTDC's published table: (variable, category) → count; category "" is the missing count.
    let mut expected = std::collections::BTreeMap::new();
    let mut reader = csv::Reader::from_path(&freq).unwrap();
    for r in reader.records() {
        let r = r.unwrap();
        match &r[1] {
            "valid" => expected.insert((r[0].to_string(), r[2].to_string()), r[3].parse::<u64>().unwrap()),
            "missing" => expected.insert((r[0].to_string(), String::new()), r[3].parse::<u64>().unwrap()),
            _ => None,
        };
    }
    let n = |v: &serde_json::Value| v.as_u64().unwrap_or(0);
    let region = |v: &str| if v == "Americas/Oceania" { "Americas and Oceania".to_string() } else { v.to_string() };
    let mut checked = 0;
    for ((variable, category), count) in &expected {
        let ours = match (variable.as_str(), category.as_str()) {
            ("yearRegister", "") => n(&b["period"]["not_given"]),
            ("yearRegister", c) => n(&b["period"]["counts"][c]),
            ("gender", "") => n(&b["gender"]["reports_without"]),
            ("gender", "Female") => n(&b["gender"]["female"]),
            ("gender", "Male") => n(&b["gender"]["male"]),
            ("majorityStatus", "") => n(&b["age"]["reports_without"]),
            ("majorityStatus", "Adult") => n(&b["age"]["adults"]),
            ("majorityStatus", "Minor") => n(&b["age"]["children"]),
            ("isForcedLabour", "1") => n(&b["exploitation_types"]["counts"]["forced_labour"]),
            ("isForcedLabour", "") => total - n(&b["exploitation_types"]["counts"]["forced_labour"]),
            ("isSexualExploit", "1") => n(&b["exploitation_types"]["counts"]["sexual_exploitation"]),
            ("isSexualExploit", "") => total - n(&b["exploitation_types"]["counts"]["sexual_exploitation"]),
            ("UN_COO_Region", "") => n(&b["origin_world_region"]["unknown"]),
            ("UN_COO_Region", c) => n(&b["origin_world_region"][region(c)]),
            ("UN_COE_Region", "") => n(&b["end_world_region"]["unknown"]),
            ("UN_COE_Region", c) => n(&b["end_world_region"][region(c)]),
            ("IP_Relation", "") => n(&b["recruiter_relationships"]["not_given"]),
            _ => continue,
        };
        assert_eq!(ours, *count, "{variable} {category:?}");
        checked += 1;
    }
    assert_eq!(checked, 27, "every published count of the modelled variables was compared");
    // A multi-valued relationship counts once per code.
    for (ctdc, ours) in
        [("FamilyIntimatePartner", "family"), ("FriendAcquaintance", "friend"), ("StrangerUnknownOther", "stranger")]
    {
        let published: u64 = expected
            .iter()
            .filter(|((v, c), _)| v == "IP_Relation" && c.split(';').any(|x| x == ctdc))
            .map(|(_, n)| n)
            .sum();
        assert_eq!(n(&b["recruiter_relationships"]["counts"][ours]), published, "{ctdc}");
    }
}

#[test]
fn a_release_is_made_verified_and_caught_when_changed() {
    let dir = scratch("release");
    assert!(vjt(&dir, &["demo", "--no-serve", "--out", "here"]).status.success());
    let db = "here/vjt.db";
    let made = vjt(&dir, &["--db", db, "release", "create", "--round", "Kenya 2020", "--out", "r1"]);
    assert!(made.status.success(), "{}", stderr(&made));
    assert!(stdout(&made).contains("release 1 (version 1 of Kenya 2020)"), "{}", stdout(&made));
    let key = stdout(&vjt(&dir, &["--db", db, "release", "key"])).lines().next().unwrap().to_string();
    assert_eq!(key.len(), 64, "the public key in hex: {key}");
    let ok = vjt(&dir, &["release", "verify", "r1", "--key", &key]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("intact"));

    // One character changed in one file: refused, the file named, one line.
    let path = dir.join("r1/corridors.csv");
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replacen("Nairobi", "Nairobj", 1)).unwrap();
    assert_one_line_error(
        &vjt(&dir, &["release", "verify", "r1", "--key", &key]),
        "corridors.csv: changed since the release was signed",
    );

    // Overlapping rounds are refused with the reason; the same rounds make version 2.
    assert_one_line_error(&vjt(&dir, &["--db", db, "release", "create"]), "overlaps these rounds");
    let again = vjt(&dir, &["--db", db, "release", "create", "--round", "Kenya 2020"]);
    assert!(stdout(&again).contains("release 2 (version 2 of Kenya 2020)"), "{}", stderr(&again));
    assert_one_line_error(&vjt(&dir, &["--db", db, "release", "export", "1", "--out", "r1"]), "not empty");
    let withdrawn = vjt(&dir, &["--db", db, "release", "withdraw", "1", "--reason", "superseded"]);
    assert!(withdrawn.status.success(), "{}", stderr(&withdrawn));
    let list = stdout(&vjt(&dir, &["--db", db, "release", "list"]));
    assert!(list.contains("withdrawn: superseded"), "{list}");
    assert_one_line_error(
        &vjt(&dir, &["--db", db, "release", "export", "7", "--out", "r7"]),
        "no release has number 7",
    );
}

#[test]
fn users_are_added_with_a_sound_password_and_unlocked() {
    let dir = scratch("users");
    assert!(vjt(&dir, &["org", "add", "Secretariat", "--kind", "coordinator"]).status.success());
    let add = |password: &str| {
        Command::new(env!("CARGO_BIN_EXE_vjt"))
            .args(["user", "add", "amina@example.org", "--org", "Secretariat", "--role", "reporter"])
            .current_dir(&dir)
            .env_remove("VJT_DATABASE_URL")
            .env("VJT_PASSWORD", password)
            .output()
            .unwrap()
    };
    assert_one_line_error(&add("          "), "one character repeated or blank");
    assert_one_line_error(&add("password123"), "commonest leaked passwords");
    assert!(add("a walk along the Tana river").status.success());
    let store = Store::open(dir.join("vjt.db").to_str().unwrap()).unwrap();
    for _ in 0..6 {
        store.record_sign_in_failure("amina@example.org", "203.0.113.9", Some("2099-01-01T00:00:00Z")).unwrap();
    }
    let unlocked = vjt(&dir, &["user", "unlock", "Amina@example.org"]);
    assert!(stdout(&unlocked).contains("amina@example.org can sign in again"), "{}", stderr(&unlocked));
    assert!(store.sign_in_attempts("amina@example.org", "203.0.113.9").unwrap().is_none());
    assert_one_line_error(&vjt(&dir, &["user", "unlock", "ghost@example.org"]), "no user has the e-mail address");
}

#[test]
fn text_from_outside_cannot_drive_the_terminal() {
    let dir = scratch("terminal");
    let evil = "Org\u{1b}]0;owned\u{7}\u{1b}[2J";
    let out = vjt(&dir, &["routes", "list", "--org", evil]);
    assert_one_line_error(&out, "no organisation is named");
    assert!(!out.stderr.contains(&0x1b) && !out.stderr.contains(&0x07), "{:?}", stderr(&out));
    assert!(stderr(&out).contains("\\u{1b}]0;owned"), "{}", stderr(&out));
}
