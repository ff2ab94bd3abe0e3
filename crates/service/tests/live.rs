//! A server's running figures against the figures made from scratch, after every kind of change,
//! on SQLite and (when TEST_DATABASE_URL is set at build time) on PostgreSQL.

use std::num::NonZeroU32;

use vjt_analysis::Options;
use vjt_domain::{OrganisationId, PlaceId, ReviewStatus, RoundId};
use vjt_gazetteer::{Gazetteer, Resolver};
use vjt_service::figures::{analyse, Filters};
use vjt_service::live::{CaughtUp, LiveFigures};
use vjt_service::Scope;
use vjt_store::{ReportSearch, Store};

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{prefix}_{}_{nanos}", std::process::id())
}

/// Every view a network uses: the coordinator's, one organisation's, and a filtered one.
fn views(org: OrganisationId) -> Vec<(Scope, Filters)> {
    vec![
        (Scope::All, Filters::default()),
        (Scope::Organisation(org), Filters::default()),
        (Scope::All, Filters { exploitation: vec!["sexual_exploitation".into()], ..Filters::default() }),
    ]
}

fn same_as_from_scratch(live: &mut LiveFigures, store: &Store, org: OrganisationId, after: &str) {
    for (scope, filters) in views(org) {
        let running = serde_json::to_value(live.analysis(store, scope, &filters).unwrap()).unwrap();
        let fresh = serde_json::to_value(analyse(store, scope, &filters, Options::default()).unwrap()).unwrap();
        assert!(running == fresh, "after {after}, the running figures of {scope:?} {filters:?} differ");
    }
    // A list page from memory shows what the database would: the same reports, in the same
    // order, and the same count.
    assert!(live.catch_up_cheaply(store).unwrap(), "already caught up");
    let newest = store.find_reports(&ReportSearch { limit: 3, ..ReportSearch::default() }).unwrap().reports;
    let searches = [
        ReportSearch { limit: 7, ..ReportSearch::default() },
        ReportSearch { organisation: Some(org), limit: 5, ..ReportSearch::default() },
        ReportSearch { status: Some(ReviewStatus::Submitted), limit: 50, ..ReportSearch::default() },
        ReportSearch { round: Some(RoundId(1)), organisation: Some(org), limit: 4, ..ReportSearch::default() },
        ReportSearch { before: newest.last().map(|r| r.id), limit: 6, ..ReportSearch::default() },
        ReportSearch { organisation: Some(OrganisationId(999)), limit: 5, ..ReportSearch::default() },
    ];
    for search in searches {
        let (ids, total) = live.newest(&search).expect("no text");
        let from_memory: Vec<_> = store.reports_by_id(&ids).unwrap().into_iter().map(|r| (r.id, r.report)).collect();
        let page = store.find_reports(&search).unwrap();
        assert_eq!(total, page.total, "after {after}, {search:?}: the count");
        let from_table: Vec<_> = page.reports.into_iter().map(|r| (r.id, r.report)).collect();
        assert!(from_memory == from_table, "after {after}, {search:?}: the page");
    }
    let by_text = ReportSearch { text: Some("nairobi".into()), limit: 5, ..ReportSearch::default() };
    assert!(live.newest(&by_text).is_none(), "a search by text is the database's");
}

fn live_figures_follow_every_change(store: &Store) {
    let orgs: Vec<OrganisationId> =
        vjt_demo::organisations().iter().take(4).map(|o| store.add_organisation(o).unwrap().id).collect();
    let rounds: Vec<RoundId> = vjt_demo::rounds().iter().map(|r| store.add_round(r).unwrap().id).collect();
    let resolver = Resolver::new(Gazetteer::embedded());
    let mut reports = vjt_demo::reports(&orgs, &rounds, 150, 5);
    for r in &mut reports {
        resolver.resolve_journey(r.journey_mut(), Some("KE"));
    }
    let (first, more) = reports.split_at(250);
    store.save_reports(first).unwrap();

    let mut live = LiveFigures::load(store, Options::default()).unwrap();
    assert_eq!(live.reports(), 250);
    same_as_from_scratch(&mut live, store, orgs[0], "loading");

    // A submission: that report alone is read.
    let ids = store.save_reports(&more[..1]).unwrap().ids;
    assert_eq!(live.catch_up(store).unwrap(), CaughtUp::Reports(1));
    same_as_from_scratch(&mut live, store, orgs[0], "a submission");
    assert_eq!(live.catch_up(store).unwrap(), CaughtUp::Nothing);

    // A batch, an edit by id, a review decision (rejected reports drop out), a deletion.
    let batch = store.save_reports(&more[1..40]).unwrap().ids;
    assert_eq!(live.catch_up(store).unwrap(), CaughtUp::Reports(39));
    same_as_from_scratch(&mut live, store, orgs[0], "a batch");
    let mut edited = more[0].clone().into_draft();
    edited.victims = NonZeroU32::new(77);
    edited.victims_below = None;
    edited.exploitation_types = [vjt_domain::ExploitationType::SexualExploitation].into();
    let edited = vjt_domain::RouteReport::new(edited).unwrap();
    assert!(store.replace_report(ids[0], &edited, "test").unwrap());
    store.set_status(batch[3], ReviewStatus::Rejected).unwrap();
    store.delete_report(batch[5]).unwrap();
    assert_eq!(live.catch_up(store).unwrap(), CaughtUp::Reports(3));
    same_as_from_scratch(&mut live, store, orgs[0], "an edit, a rejection and a deletion");

    // A duplicate cluster's member gets a new reference and keeps everything that groups it:
    // the cluster (kept between changes) lists the new reference.
    let shown = live.analysis(store, Scope::All, &Filters::default()).unwrap();
    let member = shown.duplicates.clusters.first().expect("the demo data has duplicates").members[0].id;
    let stored = store.report(vjt_domain::RouteReportId(member)).unwrap().expect("a member is a report");
    let mut renamed = stored.report.into_draft();
    renamed.report_id = Some(vjt_domain::ReportRef::parse("RENAMED-1").unwrap());
    let renamed = vjt_domain::RouteReport::new(renamed).unwrap();
    assert!(store.replace_report(vjt_domain::RouteReportId(member), &renamed, "test").unwrap());
    let shown = live.analysis(store, Scope::All, &Filters::default()).unwrap();
    let listed = shown.duplicates.clusters.iter().flat_map(|c| &c.members).find(|m| m.id == member);
    assert_eq!(listed.and_then(|m| m.report_id.as_deref()), Some("RENAMED-1"));
    same_as_from_scratch(&mut live, store, orgs[0], "a new reference for a cluster's member");

    // What many reports mean changed: everything is read again.
    store.set_place_alias("Kisi", &PlaceId("ke:county:kisii".into())).unwrap();
    assert!(!live.catch_up_cheaply(store).unwrap(), "a list page does not wait for every report to be read");
    assert_eq!(live.catch_up(store).unwrap(), CaughtUp::Everything);
    same_as_from_scratch(&mut live, store, orgs[0], "a place decision");
    // Asking for figures catches up first.
    store.save_reports(&more[40..]).unwrap();
    same_as_from_scratch(&mut live, store, orgs[0], "an import, without an explicit catch-up");
    assert_eq!(live.catch_up(store).unwrap(), CaughtUp::Nothing);
}

#[test]
fn on_sqlite() {
    let dir = std::env::temp_dir().join(unique("vjt_live"));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(dir.join("vjt.db").to_str().unwrap()).unwrap();
    live_figures_follow_every_change(&store);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
#[cfg_attr(not(pg_tests), ignore = "TEST_DATABASE_URL is unset: PostgreSQL half skipped")]
fn on_postgres() {
    let url = std::env::var("TEST_DATABASE_URL").expect("built with pg_tests, so TEST_DATABASE_URL must be set");
    let schema = unique("vjt_live");
    // The snapshot of a PostgreSQL database goes to the cache directory: a temporary one here.
    let cache = std::env::temp_dir().join(&schema);
    std::env::set_var("VJT_CACHE_DIR", &cache);
    let store = Store::open_postgres(&url, Some(&schema)).unwrap();
    live_figures_follow_every_change(&store);
    drop(store);
    if let Ok(mut client) = postgres::Client::connect(&url, postgres::NoTls) {
        let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
    }
    let written = std::fs::read_dir(&cache).map(|d| d.count()).unwrap_or(0);
    let _ = std::fs::remove_dir_all(&cache);
    assert_eq!(written, 1, "one snapshot, of this database, was kept in the cache directory");
}
