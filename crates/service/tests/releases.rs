//! Releases made from the demonstration data, checked as an outsider would attack them, and by
//! the tools a ministry would use (libhxl, shapely: when installed, as `.ci/run` does).

use std::collections::BTreeMap;

use vjt_gazetteer::{Gazetteer, Resolver};
use vjt_release::manifest;
use vjt_release::Tables;
use vjt_service::releases::{self, ReleaseError, ReleaseRequest};
use vjt_store::Store;

fn unique(prefix: &str) -> std::path::PathBuf {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    std::env::temp_dir().join(format!("{prefix}_{}_{nanos}", std::process::id()))
}

/// A database with the demonstration's organisations, rounds and reports (places resolved, a
/// few names left for review as real data has them).
fn demo(dir: &std::path::Path, per_round: usize) -> Store {
    std::fs::create_dir_all(dir).unwrap();
    let store = Store::open(dir.join("vjt.db").to_str().unwrap()).unwrap();
    let orgs: Vec<_> = vjt_demo::organisations().iter().map(|o| store.add_organisation(o).unwrap().id).collect();
    let rounds: Vec<_> = vjt_demo::rounds().iter().map(|r| store.add_round(r).unwrap().id).collect();
    let resolver = Resolver::new(Gazetteer::embedded());
    let mut reports = vjt_demo::reports(&orgs, &rounds, per_round, 7);
    for r in &mut reports {
        resolver.resolve_journey(r.journey_mut(), Some("KE"));
    }
    store.save_reports(&reports).unwrap();
    store
}

fn file<'a>(files: &'a [vjt_store::ReleaseFile], path: &str) -> &'a [u8] {
    &files.iter().find(|f| f.path == path).unwrap_or_else(|| panic!("{path} is in the release")).content
}

/// What an outsider can work out of each hidden cell: bounds from every line whose total they
/// know (we grant them every total), tightened until nothing moves. Returns (line, true value,
/// low, high) for each hidden cell.
fn attack(t: &Tables) -> Vec<(String, u64, u64, u64)> {
    let lines = t.additive_lines();
    let mut bounds: BTreeMap<usize, (u64, u64)> = BTreeMap::new();
    for (name, cells) in &lines {
        for (id, c) in cells {
            if c.is_hidden() {
                // A hidden count of reports is at least 1; victims hidden beside them may be 0.
                let low = u64::from(!name.contains("victims"));
                bounds.insert(*id, (low, u64::MAX / 4));
            }
        }
    }
    for _ in 0..200 {
        let mut moved = false;
        for (_, cells) in &lines {
            let total: u64 = cells.iter().map(|(_, c)| c.true_value()).sum();
            let shown: u64 = cells.iter().filter_map(|(_, c)| c.shown()).sum();
            let rest = total - shown;
            let hidden: Vec<usize> = cells.iter().filter(|(_, c)| c.is_hidden()).map(|(id, _)| *id).collect();
            for &i in &hidden {
                let others_low: u64 = hidden.iter().filter(|&&j| j != i).map(|j| bounds[j].0).sum();
                let others_high: u64 =
                    hidden.iter().filter(|&&j| j != i).map(|j| bounds[j].1).fold(0, u64::saturating_add);
                let (lo, hi) = bounds[&i];
                let new_lo = lo.max(rest.saturating_sub(others_high));
                let new_hi = hi.min(rest.saturating_sub(others_low));
                if (new_lo, new_hi) != (lo, hi) {
                    bounds.insert(i, (new_lo, new_hi));
                    moved = true;
                }
            }
        }
        if !moved {
            break;
        }
    }
    let mut out = Vec::new();
    for (name, cells) in &lines {
        for (id, c) in cells {
            if c.is_hidden() {
                let (lo, hi) = bounds[id];
                out.push((name.clone(), c.true_value(), lo, hi));
            }
        }
    }
    out
}

#[test]
fn nothing_hidden_can_be_worked_out_from_a_release() {
    let dir = unique("vjt_release_attack");
    let store = demo(&dir, 400);
    for k in [3, 5, 10] {
        let options = vjt_analysis::Options { top: Some(usize::MAX), clusters: Some(0), ..Default::default() };
        let a = vjt_service::figures::analyse(&store, vjt_service::Scope::All, &Default::default(), options).unwrap();
        let t = Tables::from_analysis(&a, Gazetteer::embedded(), k);
        let found = attack(&t);
        assert!(found.iter().any(|(_, v, _, _)| *v > 0 && *v < k), "the data has small counts to protect at k={k}");
        for (line, value, lo, hi) in &found {
            assert!(lo <= value && value <= hi, "the attack is sound: {line}: {value} in [{lo}, {hi}]");
            if *value > 0 && *value < k {
                assert!(lo < hi, "k={k}: {line} gives away a hidden count of {value} exactly");
            }
        }
        // The same attack does break the primary rule alone: the test can fail.
        let weak = attack(&t.primary_only());
        assert!(
            weak.iter().any(|(_, v, lo, hi)| *v > 0 && *v < k && lo == hi),
            "with small counts hidden alone, some are worked out from the totals (k={k})"
        );
        // Nothing from 1 to k−1 is ever shown, and victims go with their reports.
        for (_, cells) in t.additive_lines() {
            for (_, c) in cells {
                assert!(c.shown().is_none_or(|v| v == 0 || v >= k), "a small count is shown at k={k}");
            }
        }
        for row in t.counties.iter().chain(&t.countries) {
            for r in 0..4 {
                assert!(
                    !row.reports[r].is_hidden() || row.victims[r].is_hidden(),
                    "{}: victims beside hidden reports",
                    row.name
                );
            }
        }
    }
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_release_holds_its_files_verifies_and_names_no_one() {
    let dir = unique("vjt_release_files");
    let store = demo(&dir, 150);
    let (release, files) = releases::create(&store, &ReleaseRequest::default()).unwrap();
    assert_eq!((release.id, release.version, release.threshold), (1, 1, 5));
    let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
    for expected in [
        "manifest.json",
        "manifest.json.sig",
        "counties.csv",
        "countries.csv",
        "corridors.csv",
        "places.csv",
        "counties.geojson",
        "corridors.geojson",
        "dhis2/dataValueSets.json",
        "dhis2/metadata.json",
        "report.en.html",
        "report.en.pdf",
        "report.sw.html",
        "report.sw.pdf",
    ] {
        assert!(paths.contains(&expected), "{expected} is in the release");
    }
    assert!(file(&files, "report.en.pdf").starts_with(b"%PDF-"));

    // No free text, no organisation: what reporters typed that is not a place, organisation
    // names and the organisations' own report ids appear in no file.
    let unresolved = store.unresolved_places().unwrap();
    assert!(!unresolved.is_empty(), "the demonstration has names left for review");
    let mut secrets: Vec<String> = unresolved.iter().map(|u| u.text.clone()).collect();
    secrets.extend(store.organisations().unwrap().iter().map(|o| o.name.to_string()));
    secrets.extend(
        store
            .reports(&Default::default())
            .unwrap()
            .iter()
            .filter_map(|r| r.report.report_id.as_ref().map(|x| x.to_string())),
    );
    for f in files.iter().filter(|f| !f.path.ends_with(".pdf") && !f.path.ends_with(".sig")) {
        let text = String::from_utf8_lossy(&f.content);
        for s in &secrets {
            assert!(
                !text.contains(&format!(",{s},"))
                    && !text.contains(&format!("\"{s}\""))
                    && !text.contains(&format!(">{s}<")),
                "{} names '{s}'",
                f.path
            );
        }
        // Derived figures go out as bands only.
        for word in ["risk_score", "components", "score_", "\"score\""] {
            assert!(!text.contains(word), "{} publishes {word}", f.path);
        }
    }

    // DHIS2: every value names a published data element and a county, none for a hidden cell.
    let metadata: serde_json::Value = serde_json::from_slice(file(&files, "dhis2/metadata.json")).unwrap();
    let elements: Vec<&str> =
        metadata["dataElements"].as_array().unwrap().iter().map(|e| e["id"].as_str().unwrap()).collect();
    let values: serde_json::Value = serde_json::from_slice(file(&files, "dhis2/dataValueSets.json")).unwrap();
    assert_eq!(values["orgUnitIdScheme"], "CODE");
    let counties: Vec<String> = vjt_render::geo::counties().iter().map(|c| c.iso.clone()).collect();
    let list = values["dataValues"].as_array().unwrap();
    assert!(!list.is_empty());
    for v in list {
        assert!(elements.contains(&v["dataElement"].as_str().unwrap()));
        assert!(counties.contains(&v["orgUnit"].as_str().unwrap().to_string()));
        assert_eq!(v["period"], "2020", "two calendar-year rounds end in 2020");
        let n: u64 = v["value"].as_str().unwrap().parse().unwrap();
        assert!(n == 0 || n >= 5);
    }

    // GeoJSON: the 47 counties, every ring closed.
    let geo: serde_json::Value = serde_json::from_slice(file(&files, "counties.geojson")).unwrap();
    let features = geo["features"].as_array().unwrap();
    assert_eq!(features.len(), 47);
    for f in features {
        for polygon in f["geometry"]["coordinates"].as_array().unwrap() {
            let ring = polygon[0].as_array().unwrap();
            assert!(ring.len() >= 4 && ring.first() == ring.last(), "{} has an open ring", f["id"]);
        }
    }

    // Untouched, it verifies; any byte changed anywhere, it does not, and the file is named.
    let out = dir.join("release");
    releases::export(&store, release.id, &out).unwrap();
    let (public, _) = releases::network_key(&store).unwrap();
    let checked = releases::verify(&out, Some(&public)).unwrap().expect("an untouched release verifies");
    assert_eq!(checked.files.len(), files.len() - 2);
    let originals = releases::read_folder(&out).unwrap();
    for (path, bytes) in &originals {
        let mut changed = originals.clone();
        let mut b = bytes.clone();
        let at = b.len() / 2;
        b[at] ^= 0x01;
        changed.insert(path.clone(), b);
        let problems = manifest::verify(&changed, Some(&public)).expect_err("a changed byte is noticed");
        let said: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert!(said.iter().any(|p| p.starts_with(path.as_str())), "{path}: {said:?}");
    }
    // A signature that is not even hex any more names the signature file.
    let mut garbled = originals.clone();
    garbled.insert(manifest::SIGNATURE.into(), b"zz-not-a-signature\n".to_vec());
    let said = manifest::verify(&garbled, Some(&public)).unwrap_err()[0].to_string();
    assert!(said.starts_with(manifest::SIGNATURE), "{said}");
    let mut extra = originals.clone();
    extra.insert("notes.txt".into(), b"added later".to_vec());
    assert!(manifest::verify(&extra, Some(&public)).is_err(), "a file added later is noticed");
    let (other, _) = manifest::new_key();
    assert!(matches!(manifest::verify(&originals, Some(&other)).unwrap_err()[0], manifest::Problem::OtherKey { .. }));

    // Tools a ministry would use read the files, when they are installed.
    tool_check(&out);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

/// libhxl reads every CSV and shapely finds every county outline valid (skipped when the Python
/// packages are missing, unless VJT_REQUIRE_TOOLS is set, as in `.ci/run`).
fn tool_check(dir: &std::path::Path) {
    let script = r##"
import sys, json
import hxl
from shapely.geometry import shape
d = sys.argv[1]
for name in ["counties", "countries", "corridors", "places"]:
    data = hxl.data(f"{d}/{name}.csv", hxl.InputOptions(allow_local=True))
    tags = [c.display_tag for c in data.columns]
    rows = list(data)
    assert all(t and t.startswith("#") for t in tags), (name, tags)
    assert name != "counties" or len(rows) == 47, (name, len(rows))
g = json.load(open(f"{d}/counties.geojson"))
bad = [f["id"] for f in g["features"] if not shape(f["geometry"]).is_valid]
assert len(g["features"]) == 47 and not bad, bad
print("ok")
"##;
    let have = std::process::Command::new("python3").args(["-c", "import hxl, shapely"]).output();
    if !have.is_ok_and(|o| o.status.success()) {
        assert!(
            std::env::var_os("VJT_REQUIRE_TOOLS").is_none(),
            "libhxl and shapely are required (pip install libhxl shapely)"
        );
        eprintln!("libhxl or shapely not installed: the release's files were not checked with them");
        return;
    }
    let out = std::process::Command::new("python3").args(["-c", script, dir.to_str().unwrap()]).output().unwrap();
    assert!(out.status.success(), "libhxl/shapely: {}", String::from_utf8_lossy(&out.stderr));
}

#[test]
fn releases_are_kept_unchanged_and_overlaps_refused() {
    let dir = unique("vjt_release_keep");
    let store = demo(&dir, 60);
    let first = ReleaseRequest { rounds: vec!["Kenya 2019".into()], ..Default::default() };
    let (r1, files1) = releases::create(&store, &first).unwrap();
    // The same rounds again: a new version of them.
    let (r2, _) = releases::create(&store, &first).unwrap();
    assert_eq!((r2.id, r2.version), (2, 2));
    // Other rounds that overlap a public release: their difference would reveal it.
    let both = ReleaseRequest { rounds: vec!["Kenya 2019".into(), "Kenya 2020".into()], ..Default::default() };
    assert!(matches!(releases::create(&store, &both), Err(ReleaseError::Overlap { .. })));
    assert!(releases::create(&store, &ReleaseRequest { allow_overlap: true, ..both.clone() }).is_ok());
    assert!(matches!(
        releases::create(&store, &ReleaseRequest { threshold: Some(1), ..Default::default() }),
        Err(ReleaseError::Threshold(1))
    ));
    // Withdrawn, it is kept with every file as signed.
    assert!(releases::withdraw(&store, r1.id, None, "a county was mislabelled").unwrap());
    assert!(!releases::withdraw(&store, r1.id, None, "again").unwrap(), "withdrawn once");
    let kept = store.release(r1.id).unwrap().unwrap();
    assert_eq!(kept.withdrawn.as_ref().map(|w| w.reason.as_str()), Some("a county was mislabelled"));
    for f in &files1 {
        assert_eq!(store.release_file(r1.id, &f.path).unwrap().unwrap().content, f.content);
    }
    let audit = store.audit_log(20).unwrap();
    assert!(audit.iter().any(|e| e.action == "release_withdrawn"));
    assert!(audit.iter().filter(|e| e.action == "release_created").count() >= 3);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}
