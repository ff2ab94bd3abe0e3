//! The store's contract: every operation behaves the same on SQLite and on PostgreSQL.
//!
//! Each test is written once as a function taking a `&Store`, and the `contract!` macro runs it
//! on a fresh SQLite file and (when TEST_DATABASE_URL is set) on a fresh PostgreSQL schema.

use std::collections::BTreeSet;
use std::num::NonZeroU32;
use std::sync::atomic::{AtomicU32, Ordering};

use vjt_domain::{
    CountryCode, DateSpan, ExploitationType, Journey, NewOrganisation, NewRound, OrganisationKind, OrganisationName,
    PlaceId, ReportRef, ReviewStatus, RoundName, RouteReport, RouteReportId, Stop, StopText, TransportMode,
};
use vjt_store::{ReportQuery, Store, StoreError};

static COUNTER: AtomicU32 = AtomicU32::new(0);

fn unique(prefix: &str) -> String {
    let nanos = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().subsec_nanos();
    format!("{prefix}_{}_{}_{nanos}", std::process::id(), COUNTER.fetch_add(1, Ordering::Relaxed))
}

/// A store on its own database, removed when the test ends.
struct Fixture {
    store: Option<Store>,
    cleanup: Box<dyn FnMut()>,
}

impl Drop for Fixture {
    fn drop(&mut self) {
        self.store.take();
        (self.cleanup)();
    }
}

fn sqlite() -> Fixture {
    let dir = std::env::temp_dir().join(unique("vjt_contract"));
    std::fs::create_dir_all(&dir).unwrap();
    let store = Store::open(dir.join("vjt.db").to_str().unwrap()).unwrap();
    Fixture {
        store: Some(store),
        cleanup: Box::new(move || {
            let _ = std::fs::remove_dir_all(&dir);
        }),
    }
}

#[allow(dead_code)]
fn postgres() -> Fixture {
    let url = std::env::var("TEST_DATABASE_URL").expect("built with pg_tests, so TEST_DATABASE_URL must be set");
    let schema = unique("vjt_test");
    let store = Store::open_postgres(&url, Some(&schema)).unwrap();
    Fixture {
        store: Some(store),
        cleanup: Box::new(move || {
            if let Ok(mut client) = postgres::Client::connect(&url, postgres::NoTls) {
                let _ = client.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
            }
        }),
    }
}

macro_rules! contract {
    ($($name:ident),* $(,)?) => {
        mod on_sqlite {
            $( #[test] fn $name() { let mut f = super::sqlite(); super::$name(f.store.as_mut().unwrap()); } )*
        }
        mod on_postgres {
            $(
                #[test]
                #[cfg_attr(not(pg_tests), ignore = "TEST_DATABASE_URL is unset: PostgreSQL contract test skipped")]
                fn $name() { let mut f = super::postgres(); super::$name(f.store.as_mut().unwrap()); }
            )*
        }
    };
}

contract!(
    organisations_are_unique_by_name,
    rounds_are_unique_by_name,
    reports_round_trip_with_their_stops,
    reimport_is_idempotent_and_updates_changed_reports,
    a_failed_batch_writes_nothing,
    queries_filter_by_round_and_organisation,
    review_status_and_delete,
    the_demo_dataset_loads_whole,
    unresolved_places_are_listed_and_aliases_apply_at_once,
    an_import_writer_commits_whole_or_not_at_all,
    a_file_gives_each_reference_once,
    users_sessions_and_the_audit_log,
    the_data_stamp_moves_with_every_change_an_analysis_reads,
    changes_since_a_version_name_the_reports_written,
    the_writer_is_as_usual_after_every_import,
    a_large_batch_is_written_whole_and_in_order,
    readers_are_not_held_up_by_a_writer,
    a_panic_half_way_through_a_write_leaves_nothing_behind,
    clones_share_one_database,
    an_edit_by_id_changes_that_report_only,
    lists_page_newest_first,
    a_report_sent_by_a_person_lands_with_its_audit_entry,
);

fn org(store: &Store, name: &str) -> vjt_domain::Organisation {
    store
        .add_organisation(&NewOrganisation {
            name: OrganisationName::parse(name).unwrap(),
            kind: OrganisationKind::Ngo,
            country: Some(CountryCode::parse("KE").unwrap()),
        })
        .unwrap()
}

fn round(store: &Store, name: &str, year: i32) -> vjt_domain::Round {
    store
        .add_round(&NewRound {
            name: RoundName::parse(name).unwrap(),
            span: DateSpan::new(
                chrono::NaiveDate::from_ymd_opt(year, 1, 1).unwrap(),
                chrono::NaiveDate::from_ymd_opt(year, 12, 31).unwrap(),
            )
            .unwrap(),
        })
        .unwrap()
}

fn stop(text: &str) -> Stop {
    Stop::reported(StopText::parse(text).unwrap())
}

fn report(
    org: &vjt_domain::Organisation,
    round: &vjt_domain::Round,
    reference: Option<&str>,
    victims: u32,
) -> RouteReport {
    let mut transit = vec![stop("Busia"), stop("Nakuru")];
    transit[0].place = Some(PlaceId("ke-border-busia".into()));
    transit[1].arrived_by = BTreeSet::from([TransportMode::BusMatatu]);
    RouteReport::new(vjt_domain::ReportDraft {
        organisation: org.id,
        round: round.id,
        report_id: reference.map(|r| ReportRef::parse(r).unwrap()),
        journey: Journey::new(stop("Kampala"), transit, Some(stop("Nairobi")), Some(stop("Eastleigh"))).unwrap(),
        exploitation_types: BTreeSet::from([ExploitationType::DomesticServitude, ExploitationType::SexualExploitation]),
        sectors: BTreeSet::new(),
        transport_modes: BTreeSet::from([TransportMode::TruckLorry]),
        recruitment_methods: BTreeSet::new(),
        recruiter_relationships: BTreeSet::new(),
        victims: NonZeroU32::new(victims),
        victims_below: None,
        profile: vjt_domain::Profile { female: Some(victims.saturating_sub(1)), ..Default::default() },
        period_start: vjt_domain::YearMonth::new(2020, 2),
        period_end: vjt_domain::YearMonth::new(2020, 6),
        source: vjt_domain::KnowledgeSource::SurvivorCase,
        confidence: vjt_domain::Confidence::High,
        notes: Some(vjt_domain::Notes::parse("Seen at the border.").unwrap()),
        status: ReviewStatus::Submitted,
    })
    .unwrap()
}

fn organisations_are_unique_by_name(store: &Store) {
    let a = org(store, "HAART Kenya");
    org(store, "Candle of Hope");
    let err = store
        .add_organisation(&NewOrganisation {
            name: OrganisationName::parse("haart   KENYA").unwrap(),
            kind: OrganisationKind::FaithBased,
            country: None,
        })
        .unwrap_err();
    assert!(matches!(err, StoreError::DuplicateOrganisation(_)), "{err}");
    let names: Vec<String> = store.organisations().unwrap().iter().map(|o| o.name.to_string()).collect();
    assert_eq!(names, ["Candle of Hope", "HAART Kenya"]);
    assert_eq!(store.organisation_named("haart kenya").unwrap(), Some(a));
    assert_eq!(store.organisation_named("Nobody").unwrap(), None);
}

fn rounds_are_unique_by_name(store: &Store) {
    round(store, "Kenya 2020", 2020);
    let r19 = round(store, "Kenya 2019", 2019);
    let names: Vec<String> = store.rounds().unwrap().iter().map(|r| r.name.to_string()).collect();
    assert_eq!(names, ["Kenya 2019", "Kenya 2020"], "rounds list in date order");
    assert_eq!(store.round_named("KENYA 2019").unwrap(), Some(r19.clone()));
    let err = store.add_round(&NewRound { name: RoundName::parse("kenya 2019").unwrap(), span: r19.span }).unwrap_err();
    assert!(matches!(err, StoreError::DuplicateRound(_)), "{err}");
}

fn reports_round_trip_with_their_stops(store: &Store) {
    let o = org(store, "HAART Kenya");
    let r = round(store, "Kenya 2020", 2020);
    let original = report(&o, &r, Some("H-1"), 12);
    let saved = store.save_reports(std::slice::from_ref(&original)).unwrap();
    assert_eq!((saved.inserted, saved.updated, saved.unchanged), (1, 0, 0));
    let stored = store.report(saved.ids[0]).unwrap().expect("just saved");
    assert_eq!(stored.report, original);
    assert!(stored.created_at <= stored.updated_at);
    assert_eq!(store.report(RouteReportId(9_999)).unwrap(), None);
}

fn reimport_is_idempotent_and_updates_changed_reports(store: &Store) {
    let o = org(store, "HAART Kenya");
    let r = round(store, "Kenya 2020", 2020);
    let batch = vec![report(&o, &r, Some("H-1"), 12), report(&o, &r, Some("H-2"), 3), report(&o, &r, None, 5)];
    let first = store.save_reports(&batch).unwrap();
    assert_eq!((first.inserted, first.updated, first.unchanged), (3, 0, 0));
    store.set_status(first.ids[0], ReviewStatus::Verified).unwrap();

    // The same file again: reports with an id are recognised; one without an id cannot be.
    let again = store.save_reports(&batch).unwrap();
    assert_eq!((again.inserted, again.updated, again.unchanged), (1, 0, 2));
    assert_eq!(again.ids[..2], first.ids[..2]);
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 4);

    // A corrected row updates its report; a verified report that changed goes back for review.
    let corrected = vec![report(&o, &r, Some("H-1"), 15)];
    let third = store.save_reports(&corrected).unwrap();
    assert_eq!((third.inserted, third.updated, third.unchanged), (0, 1, 0));
    let stored = store.report(first.ids[0]).unwrap().unwrap();
    assert_eq!(stored.report.victims, NonZeroU32::new(15));
    assert_eq!(stored.report.status, ReviewStatus::NeedsReview);
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 4);
}

fn a_failed_batch_writes_nothing(store: &Store) {
    let o = org(store, "HAART Kenya");
    let r = round(store, "Kenya 2020", 2020);
    let mut ghost = report(&o, &r, Some("G-1"), 2).into_draft();
    ghost.organisation = vjt_domain::OrganisationId(424_242);
    let batch = vec![report(&o, &r, Some("H-1"), 1), RouteReport::new(ghost).unwrap()];
    let err = store.save_reports(&batch).unwrap_err();
    assert!(matches!(err, StoreError::UnknownOrganisation(424_242)), "{err}");
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 0);
}

fn a_report_sent_by_a_person_lands_with_its_audit_entry(store: &Store) {
    let o = org(store, "HAART Kenya");
    let r = round(store, "Kenya 2020", 2020);
    let user = store.add_user("amina@example.org", o.id, vjt_domain::Role::Reporter, "hash").unwrap();
    let (_, start) = store.data_identity().unwrap();
    let (id, created) = store.save_report_by(&report(&o, &r, Some("S-1"), 2), "sent by amina", user).unwrap();
    assert!(created);
    let changes = store.changes_since(start).unwrap();
    assert_eq!((changes.version, changes.reports), (start + 1, Some(vec![id.0])));
    let newest = &store.audit_log(1).unwrap()[0];
    assert_eq!((newest.user_id, newest.action.as_str()), (Some(user), "report_saved"));
    assert_eq!(newest.detail, id.0.to_string());
    // The same reference again is the same report, not a second one.
    let (again, created) = store.save_report_by(&report(&o, &r, Some("S-1"), 3), "sent by amina", user).unwrap();
    assert_eq!((again, created), (id, false));
    assert!(store.replace_report_by(id, &report(&o, &r, Some("S-1"), 4), "edited by amina", user).unwrap());
    let newest = &store.audit_log(1).unwrap()[0];
    assert_eq!((newest.action.as_str(), newest.detail.clone()), ("report_updated", id.0.to_string()));
    assert_eq!(store.report(id).unwrap().unwrap().report.victims, NonZeroU32::new(4));
    // A report for an organisation or a round that does not exist: refused, with nothing
    // written, not even the audit entry or a new version.
    let (_, before) = store.data_identity().unwrap();
    let entries = store.audit_log(100).unwrap().len();
    let mut ghost = report(&o, &r, Some("S-2"), 2).into_draft();
    ghost.round = vjt_domain::RoundId(424_242);
    let err = store.save_report_by(&RouteReport::new(ghost).unwrap(), "sent by amina", user).unwrap_err();
    assert!(matches!(err, StoreError::UnknownRound(424_242)), "{err}");
    let mut ghost = report(&o, &r, Some("S-3"), 2).into_draft();
    ghost.organisation = vjt_domain::OrganisationId(424_242);
    let err = store.save_report_by(&RouteReport::new(ghost).unwrap(), "sent by amina", user).unwrap_err();
    assert!(matches!(err, StoreError::UnknownOrganisation(424_242)), "{err}");
    assert_eq!(store.audit_log(100).unwrap().len(), entries);
    assert_eq!(store.data_identity().unwrap().1, before);
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 1);
}

fn queries_filter_by_round_and_organisation(store: &Store) {
    let a = org(store, "A");
    let b = org(store, "B");
    let r1 = round(store, "Kenya 2019", 2019);
    let r2 = round(store, "Kenya 2020", 2020);
    let batch: Vec<RouteReport> = (0..12)
        .map(|i| {
            let o = if i % 3 == 0 { &a } else { &b };
            let r = if i % 2 == 0 { &r1 } else { &r2 };
            report(o, r, Some(&format!("R-{i}")), 1 + i)
        })
        .collect();
    store.save_reports(&batch).unwrap();
    let count = |s: &Store, round, organisation| {
        let q = ReportQuery { round, organisation };
        let listed = s.reports(&q).unwrap();
        assert_eq!(listed.len() as u64, s.count_reports(&q).unwrap());
        listed
    };
    assert_eq!(count(store, None, None).len(), 12);
    // Paging visits every report once, in order, whatever the page size.
    let mut paged = Vec::new();
    let mut after = None;
    loop {
        let page = store.reports_page(&ReportQuery { round: None, organisation: Some(b.id) }, after, 5).unwrap();
        let Some(last) = page.last() else { break };
        after = Some(last.id);
        paged.extend(page);
    }
    assert_eq!(paged, count(store, None, Some(b.id)));
    assert_eq!(count(store, Some(r1.id), None).len(), 6);
    assert_eq!(count(store, None, Some(a.id)).len(), 4);
    let both = count(store, Some(r2.id), Some(a.id));
    assert_eq!(both.len(), 2);
    assert!(both.iter().all(|s| s.report.round == r2.id && s.report.organisation == a.id));
    // Every listed report carries its own stops, not a neighbour's.
    for s in count(store, None, None) {
        assert_eq!(s.report.journey.transit().len(), 2);
        assert_eq!(s.report.journey.origin().text.as_str(), "Kampala");
    }
}

fn review_status_and_delete(store: &Store) {
    let o = org(store, "A");
    let r = round(store, "Kenya 2020", 2020);
    let ids = store.save_reports(&[report(&o, &r, Some("X"), 4), report(&o, &r, Some("Y"), 4)]).unwrap().ids;
    assert!(store.set_status(ids[0], ReviewStatus::Rejected).unwrap());
    assert!(!store.set_status(RouteReportId(777), ReviewStatus::Verified).unwrap());
    assert_eq!(store.report(ids[0]).unwrap().unwrap().report.status, ReviewStatus::Rejected);
    assert!(store.delete_report(ids[1]).unwrap());
    assert!(!store.delete_report(ids[1]).unwrap());
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 1);

    // The review queue: every waiting report reachable page by page, filters counted.
    let b = org(store, "B");
    let batch: Vec<_> =
        (0..7).map(|i| report(if i % 2 == 0 { &o } else { &b }, &r, Some(&format!("W{i}")), 3)).collect();
    let waiting = store.save_reports(&batch).unwrap().ids;
    assert!(store.decide(waiting[6], ReviewStatus::NeedsReview, None, "review by c@x.org").unwrap());
    let mut seen = Vec::new();
    let mut q = vjt_store::WaitingQuery { limit: 3, ..Default::default() };
    loop {
        let page = store.waiting_reports(&q).unwrap();
        assert_eq!((page.total, page.before), (7, seen.len() as u64));
        let Some(last) = page.reports.last() else { break };
        q.after = Some(last.id);
        seen.extend(page.reports.iter().map(|s| s.id));
    }
    assert_eq!(seen, waiting, "oldest first, each once");
    let q = vjt_store::WaitingQuery { organisation: Some(b.id), limit: 10, ..Default::default() };
    let page = store.waiting_reports(&q).unwrap();
    assert_eq!((page.total, page.reports.len()), (3, 3));
    let q = vjt_store::WaitingQuery { status: Some(ReviewStatus::NeedsReview), limit: 10, ..Default::default() };
    assert_eq!(store.waiting_reports(&q).unwrap().reports.iter().map(|s| s.id).collect::<Vec<_>>(), [waiting[6]]);
    // A rejection carries its reason and who decided, into the report's history.
    assert!(store
        .decide(waiting[0], ReviewStatus::Rejected, Some("Origin is the county, not the village"), "review by c@x.org")
        .unwrap());
    let (_, change, source) = store.report_changes(waiting[0]).unwrap().pop().unwrap();
    assert_eq!(
        (change.as_str(), source.as_str()),
        ("status: rejected\nOrigin is the county, not the village", "review by c@x.org")
    );
    assert_eq!(store.waiting_reports(&vjt_store::WaitingQuery { limit: 10, ..Default::default() }).unwrap().total, 6);
}

fn the_demo_dataset_loads_whole(store: &Store) {
    let orgs: Vec<_> = vjt_demo::organisations().iter().map(|o| store.add_organisation(o).unwrap().id).collect();
    let rounds: Vec<_> = vjt_demo::rounds().iter().map(|r| store.add_round(r).unwrap().id).collect();
    let reports = vjt_demo::reports(&orgs, &rounds, 60, 1);
    let summary = store.save_reports(&reports).unwrap();
    assert_eq!(summary.inserted, 120);
    let stored: Vec<RouteReport> =
        store.reports(&ReportQuery::default()).unwrap().into_iter().map(|s| s.report).collect();
    assert_eq!(stored, reports);
}

fn unresolved_places_are_listed_and_aliases_apply_at_once(store: &Store) {
    let o = org(store, "A");
    let r = round(store, "Kenya 2020", 2020);
    // Two spellings that differ only in case and punctuation share one key; a third is different.
    let mut a = report(&o, &r, Some("1"), 2).into_draft();
    a.journey = Journey::new(stop("Eastleigh section-2"), vec![], Some(stop("Nairobi")), None).unwrap();
    let mut b = a.clone();
    b.report_id = Some(ReportRef::parse("2").unwrap());
    b.journey =
        Journey::new(stop("EASTLEIGH  Section 2"), vec![stop("Kwa Njenga")], Some(stop("Nairobi")), None).unwrap();
    let ids = store.save_reports(&[RouteReport::new(a).unwrap(), RouteReport::new(b).unwrap()]).unwrap().ids;

    let listed = store.unresolved_places().unwrap();
    let keys: Vec<(&str, u64)> = listed.iter().map(|u| (u.key.as_str(), u.reports)).collect();
    assert_eq!(keys, [("eastleigh section 2", 2), ("nairobi", 2), ("kwa njenga", 1)]);

    let place = PlaceId("gn:198766".into());
    let updated = store.set_place_alias("eastleigh section 2", &place).unwrap();
    assert_eq!(updated, 2, "both spellings in both reports");
    for id in &ids {
        let stored = store.report(*id).unwrap().unwrap();
        assert_eq!(stored.report.journey.origin().place.as_ref(), Some(&place));
        assert!(stored.report.journey.origin().text.as_str().to_lowercase().starts_with("eastleigh"), "text kept");
    }
    assert!(!store.unresolved_places().unwrap().iter().any(|u| u.key == "eastleigh section 2"));
    // A later decision replaces the earlier one.
    store.set_place_alias("Eastleigh Section 2", &PlaceId("ke:county:nairobi-city".into())).unwrap();
    let aliases = store.place_aliases().unwrap();
    assert_eq!(aliases.len(), 1);
    assert_eq!(aliases[0].place.0, "ke:county:nairobi-city");
    let moved = store.report(ids[1]).unwrap().unwrap();
    assert_eq!(
        moved.report.journey.origin().place.as_ref().map(|p| p.0.as_str()),
        Some("ke:county:nairobi-city"),
        "stops placed by the earlier decision follow the new one"
    );
    assert_eq!(store.stop_counts().unwrap(), (5, 3), "five stops, of which Nairobi twice and Kwa Njenga have no place");
    assert!(matches!(store.set_place_alias(" -- ", &place), Err(StoreError::BadAlias(_))));

    // A text that is personal data, not a place, is removed from every stop that has it.
    assert_eq!(store.remove_place_text("KWA NJENGA").unwrap(), 1);
    let stored = store.report(ids[1]).unwrap().unwrap();
    assert_eq!(stored.report.journey.transit()[0].text.as_str(), vjt_store::REMOVED_PLACE_TEXT);
    let left: Vec<String> = store.unresolved_places().unwrap().into_iter().map(|u| u.key).collect();
    assert_eq!(left, ["nairobi"], "the marker is not a place to decide");
}

fn an_import_writer_commits_whole_or_not_at_all(store: &Store) {
    use vjt_store::Saved;
    let o = org(store, "A");
    let r = round(store, "Kenya 2020", 2020);
    // Dropped without commit, as when an import fails or is interrupted: nothing lands.
    {
        let mut w = store.begin_import("broken.csv").unwrap();
        assert!(matches!(w.save(&report(&o, &r, Some("1"), 3)).unwrap(), Saved::Inserted(_)));
    }
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 0);

    let mut w = store.begin_import("first.csv").unwrap();
    let first = w.save(&report(&o, &r, Some("1"), 3)).unwrap();
    let Saved::Inserted(id) = first else { panic!("{first:?}") };
    assert!(matches!(w.save(&report(&o, &r, Some("2"), 4)).unwrap(), Saved::Inserted(_)));
    w.commit().unwrap();
    // Written in bulk (COPY on PostgreSQL), read back as it was: every field, the empty and
    // missing ones, the stops with and without a place.
    assert_eq!(store.report(id).unwrap().unwrap().report, report(&o, &r, Some("1"), 3));
    let unresolved: Vec<(String, u64)> =
        store.unresolved_places().unwrap().into_iter().map(|u| (u.key, u.reports)).collect();
    assert_eq!(
        unresolved,
        [("eastleigh".to_string(), 2), ("kampala".into(), 2), ("nairobi".into(), 2), ("nakuru".into(), 2)]
    );

    let mut w = store.begin_import("corrected.csv").unwrap();
    assert_eq!(w.save(&report(&o, &r, Some("1"), 9)).unwrap(), Saved::Updated(id));
    assert!(matches!(w.save(&report(&o, &r, Some("2"), 4)).unwrap(), Saved::Unchanged(_)));
    w.commit().unwrap();

    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 2);
    assert_eq!(store.report(id).unwrap().unwrap().report.victims, NonZeroU32::new(9));
    let history: Vec<(String, String)> =
        store.report_changes(id).unwrap().into_iter().map(|(_, change, source)| (change, source)).collect();
    assert_eq!(history, [("created".into(), "first.csv".into()), ("updated".into(), "corrected.csv".into())]);

    // An explicit rollback (dry run) leaves no trace either.
    let mut w = store.begin_import("dry.csv").unwrap();
    w.save(&report(&o, &r, Some("3"), 1)).unwrap();
    w.rollback().unwrap();
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 2);
}

fn a_file_gives_each_reference_once(store: &Store) {
    use vjt_store::{EncodedReport, FileRowSaved, Saved};
    let (a, b) = (org(store, "A"), org(store, "B"));
    let r = round(store, "Kenya 2020", 2020);
    let row = |o: &vjt_domain::Organisation, reference: &str, victims: u32| {
        EncodedReport::new(&report(o, &r, Some(reference), victims))
    };
    let mut w = store.begin_import("first.csv").unwrap();
    let FileRowSaved::Saved(Saved::Inserted(id)) = w.save_file_row(row(&a, "1", 3), 2).unwrap() else { panic!() };
    // A repeat is named by the row that first gave the reference, and not written.
    let repeat = w.save_file_row(row(&a, "1", 7), 3).unwrap();
    assert_eq!(repeat, FileRowSaved::Repeats { first_row: 2, reference: "1".into() });
    // Another organisation's reference "1" is its own.
    assert!(matches!(w.save_file_row(row(&b, "1", 4), 4).unwrap(), FileRowSaved::Saved(Saved::Inserted(_))));
    assert_eq!(w.save_file_row(row(&a, "1", 8), 5).unwrap(), repeat);
    w.commit().unwrap();
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 2);
    assert_eq!(store.report(id).unwrap().unwrap().report.victims, NonZeroU32::new(3));

    // The same file again: the first row changes nothing and still holds the reference; in a
    // corrected file whose first row changed, that row updates the report and the repeat is
    // left out all the same.
    for (victims, first) in [(3, Saved::Unchanged(id)), (5, Saved::Updated(id))] {
        let mut w = store.begin_import("again.csv").unwrap();
        assert_eq!(w.save_file_row(row(&a, "1", victims), 2).unwrap(), FileRowSaved::Saved(first));
        assert_eq!(w.save_file_row(row(&a, "1", 7), 3).unwrap(), repeat);
        w.commit().unwrap();
    }
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 2);
    assert_eq!(store.report(id).unwrap().unwrap().report.victims, NonZeroU32::new(5));
}

fn users_sessions_and_the_audit_log(store: &Store) {
    let o = org(store, "HAART Kenya");
    let id = store.add_user(" Amina@Example.org ", o.id, vjt_domain::Role::Reporter, "hash-1").unwrap();
    assert!(matches!(
        store.add_user("amina@example.org", o.id, vjt_domain::Role::Viewer, "x"),
        Err(StoreError::DuplicateUser(_))
    ));
    let u = store.user_by_email("AMINA@example.org").unwrap().unwrap();
    assert_eq!((u.id, u.role, u.disabled, u.organisation), (id, vjt_domain::Role::Reporter, false, o.id));
    assert_eq!(store.user_by_id(id).unwrap().map(|u| u.email), Some("amina@example.org".to_string()));
    assert!(store.user_by_id(id + 1000).unwrap().is_none());
    // Failures are counted per address and source; made-up addresses are counted the same way.
    store.record_sign_in_failure("AMINA@example.org", "10.0.0.1", None).unwrap();
    store.record_sign_in_failure("amina@example.org", "10.0.0.1", Some("2030-01-01T00:00:00Z")).unwrap();
    store.record_sign_in_failure("amina@example.org", "10.0.0.2", None).unwrap();
    store.record_sign_in_failure("ghost@example.org", "10.0.0.1", None).unwrap();
    let here = store.sign_in_attempts("amina@example.org", "10.0.0.1").unwrap().unwrap();
    assert_eq!((here.failures, here.blocked_until.as_deref()), (2, Some("2030-01-01T00:00:00Z")));
    assert_eq!(store.sign_in_attempts("amina@example.org", "10.0.0.2").unwrap().unwrap().failures, 1);
    assert_eq!(store.sign_in_attempts("ghost@example.org", "10.0.0.1").unwrap().unwrap().failures, 1);
    assert_eq!(store.user_by_email("amina@example.org").unwrap().unwrap().failed_logins, 3);
    // A good sign-in clears its own source only; unlocking clears them all.
    store.record_good_login(id, "10.0.0.1").unwrap();
    assert!(store.sign_in_attempts("amina@example.org", "10.0.0.1").unwrap().is_none());
    assert!(store.sign_in_attempts("amina@example.org", "10.0.0.2").unwrap().is_some());
    assert_eq!(store.user_by_email("amina@example.org").unwrap().unwrap().failed_logins, 0);
    assert!(store.unlock_user("Amina@example.org").unwrap());
    assert!(store.sign_in_attempts("amina@example.org", "10.0.0.2").unwrap().is_none());
    assert!(!store.unlock_user("nobody@example.org").unwrap());

    store.create_session("h1", id, "session", "csrf-1", "2030-01-01T00:00:00Z").unwrap();
    let s = store.session("h1").unwrap().unwrap();
    assert_eq!((s.user.id, s.kind.as_str(), s.csrf.as_str()), (id, "session", "csrf-1"));
    assert!(store.session("nope").unwrap().is_none());
    // Disabling a user ends their sessions at once.
    assert!(store.set_user_disabled("amina@example.org", true).unwrap());
    assert!(store.session("h1").unwrap().is_none());
    assert!(!store.set_user_disabled("ghost@example.org", true).unwrap());
    store.audit(Some(id), "sign_in", "ok").unwrap();
    store.audit(None, "import", "routes.csv").unwrap();
    let log = store.audit_log(10).unwrap();
    assert_eq!(log[0].action, "import");
    assert_eq!(log[1].user_id, Some(id));
}

// Tests of opening a database, which do not fit the per-engine shape.

#[test]
fn a_schema_1_database_is_upgraded_and_its_stops_get_keys() {
    let dir = std::env::temp_dir().join(unique("vjt_upgrade"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("v1.db");
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        let v1 = include_str!("../migrations/0001_foundation.sql").replace("{id}", "INTEGER PRIMARY KEY AUTOINCREMENT");
        conn.execute_batch(&v1).unwrap();
        conn.execute_batch(
            "CREATE TABLE vjt_migrations (version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL);
             INSERT INTO vjt_migrations VALUES (1, 'foundation', '2020-01-01T00:00:00Z');
             INSERT INTO organisations (name, name_key, kind, country, created_at) VALUES ('A', 'a', 'ngo', 'KE', '2020-01-01T00:00:00Z');
             INSERT INTO rounds (name, name_key, starts_on, ends_on, created_at) VALUES ('R', 'r', '2020-01-01', '2020-12-31', '2020-01-01T00:00:00Z');
             INSERT INTO reports (organisation_id, round_id, report_ref, exploitation_types, sectors, transport_modes,
               recruitment_methods, recruiter_relationships, source, confidence, status, fingerprint, created_at, updated_at)
               VALUES (1, 1, 'x', '', '', '', '', '', 'unknown', 'unknown', 'submitted', 'f', '2020-01-01T00:00:00.000Z', '2020-01-01T00:00:00.000Z');
             INSERT INTO stops (report_id, seq, role, text, place_id, arrived_by) VALUES (1, 0, 'origin', 'Kakamega County!', NULL, '');
             INSERT INTO stops (report_id, seq, role, text, place_id, arrived_by) VALUES (1, 1, 'destination', 'Nrb', NULL, '');",
        )
        .unwrap();
    }
    let store = Store::open(path.to_str().unwrap()).unwrap();
    let keys: Vec<String> = store.unresolved_places().unwrap().into_iter().map(|u| u.key).collect();
    assert_eq!(keys, ["kakamega county", "nrb"]);
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 1);
    // Schema 16 moved the stops into their report's row, in travel order, places and all.
    let report = store.reports(&ReportQuery::default()).unwrap().pop().unwrap().report;
    let texts: Vec<&str> = report.journey.stops().map(|(_, s)| s.text.as_str()).collect();
    assert_eq!(texts, ["Kakamega County!", "Nrb"]);
    assert_eq!(store.stop_counts().unwrap(), (2, 2));
    assert_eq!(store.orphan_rows().unwrap(), 0);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn database_urls_are_checked_before_anything_is_opened() {
    for bad in ["", "mysql://root@localhost/vjt", "postgres:/no-slashes", "sqlite:", "postgres://host:notaport/db"] {
        let err = Store::open(bad).err().unwrap_or_else(|| panic!("'{bad}' should be refused"));
        assert!(matches!(err, StoreError::BadUrl { .. }), "{bad}: {err}");
        assert!(!err.to_string().contains('\n'));
    }
}

#[test]
fn an_unreachable_postgres_is_one_clear_error() {
    let err = Store::open("postgres://postgres@127.0.0.1:1/vjt").err().expect("nothing listens on port 1");
    let text = err.to_string();
    assert!(matches!(err, StoreError::Open { .. }), "{text}");
    assert!(text.starts_with("cannot open PostgreSQL database 'vjt' on 127.0.0.1:1"), "{text}");
}

#[test]
fn a_write_during_a_file_import_says_busy_at_once_and_lands_after_it() {
    let dir = std::env::temp_dir().join(unique("vjt_importing"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("vjt.db");
    let mark = dir.join("vjt.db.importing");
    let importer = Store::open_sqlite(path.to_str().unwrap()).unwrap();
    // A server in another process: a store of its own over the same file.
    let server = Store::open_sqlite(path.to_str().unwrap()).unwrap();
    let (o, r) = (org(&importer, "A"), round(&importer, "Kenya 2020", 2020));
    let count = |s: &Store| s.count_reports(&ReportQuery::default()).unwrap();

    let mut import = importer.begin_import("big.csv").unwrap();
    import.save(&report(&o, &r, Some("1"), 3)).unwrap();
    assert!(mark.exists(), "the import marks the database while it holds the write lock");
    let started = std::time::Instant::now();
    let refused = server.save_reports(&[report(&o, &r, Some("2"), 4)]);
    assert!(matches!(refused, Err(StoreError::Busy)), "{refused:?}");
    assert!(started.elapsed() < std::time::Duration::from_secs(5), "busy only after {:?}", started.elapsed());
    import.commit().unwrap();
    assert!(!mark.exists(), "the mark goes with the import");
    server.save_reports(&[report(&o, &r, Some("2"), 4)]).unwrap();
    assert_eq!(count(&server), 2);

    // An import that fails (dropped without commit) takes its mark with it too.
    {
        let mut import = importer.begin_import("broken.csv").unwrap();
        import.save(&report(&o, &r, Some("3"), 1)).unwrap();
        assert!(mark.exists());
    }
    assert!(!mark.exists());
    // A mark left by a process that is gone (killed mid-import) stops no one.
    std::fs::write(&mark, "4294967295").unwrap();
    server.save_reports(&[report(&o, &r, Some("4"), 2)]).unwrap();
    assert_eq!(count(&server), 3);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_import_leaves_its_reports_in_the_database_file_itself() {
    let dir = std::env::temp_dir().join(unique("vjt_checkpointed"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("vjt.db");
    let store = Store::open_sqlite(path.to_str().unwrap()).unwrap();
    let (o, r) = (org(&store, "A"), round(&store, "Kenya 2020", 2020));
    // More than one bulk batch, so that the log is written out while the import goes on.
    let mut import = store.begin_import("big.csv").unwrap();
    for i in 0..12_000 {
        import.save(&report(&o, &r, Some(&format!("R{i}")), 4)).unwrap();
    }
    import.commit().unwrap();
    // The import checkpoints the log itself (SQLite's own checkpoint is off for its
    // transaction): the database file is as long as the database it holds, every page in it.
    let raw = rusqlite::Connection::open(&path).unwrap();
    let pages: i64 = raw.query_row("PRAGMA page_count", [], |row| row.get(0)).unwrap();
    let page_size: i64 = raw.query_row("PRAGMA page_size", [], |row| row.get(0)).unwrap();
    drop(raw);
    let on_disk = std::fs::metadata(&path).unwrap().len() as i64;
    assert!(pages * page_size > 2_000_000, "{pages} pages");
    assert_eq!(on_disk, pages * page_size, "the log was not copied into the database");
    assert!(store.writer_as_usual().unwrap());
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 12_000);
    drop(store);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_that_is_not_a_database_is_refused_and_left_alone() {
    let dir = std::env::temp_dir().join(unique("vjt_notdb"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("notes.txt");
    std::fs::write(&path, "this is not a database, it is a shopping list ".repeat(100)).unwrap();
    let err = Store::open(path.to_str().unwrap()).err().expect("text file refused");
    assert!(matches!(err, StoreError::Open { .. }), "{err}");
    assert!(std::fs::read_to_string(&path).unwrap().starts_with("this is not a database"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn reopening_keeps_data_and_a_newer_schema_is_refused() {
    let dir = std::env::temp_dir().join(unique("vjt_reopen"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("vjt.db");
    let url = format!("sqlite:{}", path.display());
    org(&Store::open(&url).unwrap(), "HAART Kenya");
    assert_eq!(Store::open(&url).unwrap().organisations().unwrap().len(), 1);
    {
        let conn = rusqlite::Connection::open(&path).unwrap();
        conn.execute("INSERT INTO vjt_migrations (version, name, applied_at) VALUES (999, 'future', 'x')", []).unwrap();
    }
    let err = Store::open(&url).err().expect("newer schema refused");
    assert!(matches!(err, StoreError::NewerSchema { found: 999, .. }), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

fn the_data_stamp_moves_with_every_change_an_analysis_reads(store: &Store) {
    let empty = store.data_stamp().unwrap();
    assert_eq!(store.data_stamp().unwrap(), empty, "reading changes nothing");
    let o = org(store, "A");
    let r = round(store, "Kenya 2020", 2020);
    let ids = store.save_reports(&[report(&o, &r, Some("X"), 4), report(&o, &r, Some("Y"), 4)]).unwrap().ids;
    let mut seen = vec![empty, store.data_stamp().unwrap()];
    let mut changed = |store: &Store, what: &str| {
        let now = store.data_stamp().unwrap();
        assert!(!seen.contains(&now), "{what} moves the stamp");
        seen.push(now);
    };
    store.save_reports(&[report(&o, &r, Some("X"), 9)]).unwrap();
    changed(store, "an updated report");
    store.set_place_alias("Kampala", &PlaceId("ug:city:kampala".into())).unwrap();
    changed(store, "a place decision");
    store.set_duplicate_decision("1,2", "confirmed").unwrap();
    changed(store, "a duplicate decision");
    store.set_status(ids[0], ReviewStatus::Verified).unwrap();
    changed(store, "a review decision");
    let history = store.report_changes(ids[0]).unwrap();
    assert_eq!(history.last().map(|h| (h.1.as_str(), h.2.as_str())), Some(("status: verified", "review")));
    store.delete_report(ids[1]).unwrap();
    changed(store, "a deleted report");
}

fn a_large_batch_is_written_whole_and_in_order(store: &Store) {
    // More than a PostgreSQL import queues before writing, with a report corrected further down
    // the same file (written, then updated in place).
    let o = org(store, "A");
    let r = round(store, "Kenya 2020", 2020);
    let mut batch: Vec<RouteReport> = (0..12_000).map(|i| report(&o, &r, Some(&format!("R{i}")), 3)).collect();
    batch.push(report(&o, &r, Some("R5"), 40));
    let saved = store.save_reports(&batch).unwrap();
    assert_eq!((saved.inserted, saved.updated, saved.unchanged), (12_000, 1, 0));
    assert_eq!(saved.ids[12_000], saved.ids[5], "the correction updates the report it corrects");
    assert!(saved.ids[..12_000].windows(2).all(|w| w[0].0 < w[1].0), "ids follow the file's order");
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 12_000);
    let fifth = store.report(saved.ids[5]).unwrap().unwrap();
    assert_eq!(fifth.report.victims, NonZeroU32::new(40));
    assert_eq!(fifth.report.journey.stops().count(), 5);
    let last = store.report(saved.ids[11_999]).unwrap().unwrap();
    assert_eq!(last.report.report_id.as_ref().map(|x| x.as_str()), Some("R11999"));
    assert_eq!(last.report.journey.stops().count(), 5);
    assert_eq!(store.stop_counts().unwrap().0, 60_000);
    store.delete_report(saved.ids[7]).unwrap();
    assert_eq!(store.stop_counts().unwrap().0, 59_995, "a deleted report's stops go with it");
    assert_eq!(store.orphan_rows().unwrap(), 0);
    // Ids taken in bulk are never one a deleted report had: the newest goes, the next file's
    // reports come after it.
    store.delete_report(saved.ids[11_999]).unwrap();
    let next: Vec<RouteReport> = (0..1_500).map(|i| report(&o, &r, Some(&format!("N{i}")), 2)).collect();
    let again = store.save_reports(&next).unwrap();
    assert!(again.ids[0].0 > saved.ids[11_999].0, "{:?} after {:?}", again.ids[0], saved.ids[11_999]);
    assert_eq!(store.report(again.ids[1_499]).unwrap().unwrap().report.journey.stops().count(), 5);
    assert_eq!(store.orphan_rows().unwrap(), 0);
}

fn the_writer_is_as_usual_after_every_import(store: &Store) {
    let o = org(store, "A");
    let r = round(store, "Kenya 2020", 2020);
    assert!(store.writer_as_usual().unwrap());
    store.save_reports(&[report(&o, &r, Some("X"), 4)]).unwrap();
    assert!(store.writer_as_usual().unwrap(), "after a committed import");
    let mut writer = store.begin_import("abandoned.csv").unwrap();
    writer.save(&report(&o, &r, Some("Y"), 4)).unwrap();
    writer.rollback().unwrap();
    assert!(store.writer_as_usual().unwrap(), "after a rolled-back import");
    let mut writer = store.begin_import("dropped.csv").unwrap();
    writer.save(&report(&o, &r, Some("Z"), 4)).unwrap();
    drop(writer);
    assert!(store.writer_as_usual().unwrap(), "after an import dropped half way");
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 1);
    let mut writer = store.begin_import("kept.csv").unwrap();
    writer.save(&report(&o, &r, Some("W"), 4)).unwrap();
    writer.commit().unwrap();
    assert!(store.writer_as_usual().unwrap(), "after a committed file import");
}

fn changes_since_a_version_name_the_reports_written(store: &Store) {
    let o = org(store, "A");
    let r = round(store, "Kenya 2020", 2020);
    let (database, start) = store.data_identity().unwrap();
    assert_eq!(database.len(), 32, "a random identity: {database}");
    let nothing = store.changes_since(start).unwrap();
    assert_eq!((nothing.version, nothing.reports), (start, Some(vec![])));

    let ids = store.save_reports(&[report(&o, &r, Some("X"), 4), report(&o, &r, Some("Y"), 4)]).unwrap().ids;
    let a = store.changes_since(start).unwrap();
    assert_eq!(a.reports, Some(vec![ids[0].0, ids[1].0]));
    assert_eq!(a.version, start + 1);
    // An unchanged re-import changes nothing but the version; an edit names its report.
    store.save_reports(&[report(&o, &r, Some("X"), 4)]).unwrap();
    store.set_status(ids[1], ReviewStatus::Verified).unwrap();
    let b = store.changes_since(a.version).unwrap();
    assert_eq!((b.version, b.reports), (a.version + 2, Some(vec![ids[1].0])));
    store.delete_report(ids[0]).unwrap();
    assert_eq!(store.changes_since(b.version).unwrap().reports, Some(vec![ids[0].0]));
    // What every report means changed: nothing to list, read everything.
    store.set_place_alias("Kampala", &PlaceId("ug:city:kampala".into())).unwrap();
    assert_eq!(store.changes_since(b.version).unwrap().reports, None);
    // A version from the future (another database, or one restored from a backup): everything.
    let now = store.data_identity().unwrap().1;
    assert_eq!(store.changes_since(now + 10).unwrap().reports, None);
    assert_eq!(store.changes_since(now).unwrap().reports, Some(vec![]));
}

fn readers_are_not_held_up_by_a_writer(store: &Store) {
    let o = org(store, "A");
    let r = round(store, "Kenya 2020", 2020);
    store.save_reports(&[report(&o, &r, Some("before"), 2)]).unwrap();
    // A long write (an import) holds the writer with its transaction open.
    let mut writer = store.begin_import("slow.csv").unwrap();
    writer.save(&report(&o, &r, Some("during"), 3)).unwrap();
    let reader = store.clone();
    let (count, took) = std::thread::spawn(move || {
        let started = std::time::Instant::now();
        let n = reader.count_reports(&ReportQuery::default()).unwrap();
        reader.organisations().unwrap();
        (n, started.elapsed())
    })
    .join()
    .unwrap();
    assert_eq!(count, 1, "readers see what was committed, not the write under way");
    assert!(took < std::time::Duration::from_secs(2), "readers did not wait for the writer ({took:?})");
    writer.commit().unwrap();
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 2);
}

fn a_panic_half_way_through_a_write_leaves_nothing_behind(store: &Store) {
    let o = org(store, "A");
    let r = round(store, "Kenya 2020", 2020);
    let s = store.clone();
    let (o2, r2) = (o.clone(), r.clone());
    let outcome = std::thread::spawn(move || {
        let mut writer = s.begin_import("crash.csv").unwrap();
        writer.save(&report(&o2, &r2, Some("lost"), 3)).unwrap();
        panic!("the importer fails half way");
    })
    .join();
    assert!(outcome.is_err());
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 0, "the unfinished write was rolled back");
    // The writer connection is usable again: it did not go back to the pool inside a transaction.
    store.save_reports(&[report(&o, &r, Some("next"), 1)]).unwrap();
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 1);
}

fn clones_share_one_database(store: &Store) {
    let other = store.clone();
    org(&other, "Made through a clone");
    assert_eq!(store.organisations().unwrap().len(), 1);
    // Many threads at once, reading and writing, all succeed.
    let handles: Vec<_> = (0..8)
        .map(|i| {
            let s = store.clone();
            std::thread::spawn(move || {
                if i % 2 == 0 {
                    org(&s, &format!("Org {i}"));
                }
                s.organisations().unwrap().len()
            })
        })
        .collect();
    for h in handles {
        assert!(h.join().unwrap() >= 1);
    }
    assert_eq!(store.organisations().unwrap().len(), 5);
}

/// PostgreSQL only: a connection killed under the store (a server restart) is replaced.
#[test]
#[cfg_attr(not(pg_tests), ignore = "TEST_DATABASE_URL is unset: PostgreSQL test skipped")]
fn postgres_connections_that_die_are_replaced() {
    let url = std::env::var("TEST_DATABASE_URL").unwrap();
    let schema = unique("vjt_test");
    let name = unique("vjt_app");
    let sep = if url.contains('?') { '&' } else { '?' };
    let store = Store::open_postgres(&format!("{url}{sep}application_name={name}"), Some(&schema)).unwrap();
    org(&store, "Before");
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let killed: i64 = admin
        .query_one(
            "SELECT COUNT(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE application_name = $1",
            &[&name],
        )
        .unwrap()
        .get(0);
    assert!(killed >= 1, "the store's connections were found and ended");
    // The next calls get a fresh connection instead of an error.
    let mut names = None;
    for _ in 0..3 {
        if let Ok(list) = store.organisations() {
            names = Some(list);
            break;
        }
    }
    assert_eq!(names.expect("the store reconnected").len(), 1);
    org(&store, "After");
    assert_eq!(store.organisations().unwrap().len(), 2);
    drop(store);
    let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
}

/// PostgreSQL only: an import's new reports are copied a batch at a time while the next batch
/// is encoded; a batch the server refuses there (here a reference another server committed after
/// the import looked its organisation up) fails the import, and none of its reports is kept.
#[test]
#[cfg_attr(not(pg_tests), ignore = "TEST_DATABASE_URL is unset: PostgreSQL test skipped")]
fn a_batch_refused_while_the_next_is_encoded_fails_the_whole_import() {
    let mut f = postgres();
    let store = f.store.as_mut().unwrap();
    let o = org(store, "A");
    let r = round(store, "Kenya 2020", 2020);
    let mut writer = store.begin_import("late.csv").unwrap();
    writer.save(&report(&o, &r, Some("R0"), 2)).unwrap();
    // Another writer commits R100 after the import looked up A's references.
    store.save_reports_from(&[report(&o, &r, Some("R100"), 9)], "form").unwrap();
    let (at, failed) = (1..12_000)
        .find_map(|i| writer.save(&report(&o, &r, Some(&format!("R{i}")), 2)).err().map(|e| (i, e.to_string())))
        .expect("the refused batch failed the import");
    // R100's batch went to the server when it was full; its refusal is heard when the next one is.
    assert!((5_000..12_000).contains(&at), "failed at report {at}: {failed}");
    drop(writer);
    assert!(failed.contains("reports_identity") || failed.contains("duplicate"), "{failed}");
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 1, "only the other writer's report");
    assert_eq!(store.orphan_rows().unwrap(), 0);
    // The connection came back from the copying thread and is usable.
    store.save_reports(&[report(&o, &r, Some("after"), 1)]).unwrap();
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 2);
}

/// PostgreSQL only: `sslmode` in the URL gives an encrypted connection, and verify-full checks
/// the server's certificate (the machine's PostgreSQL serves Debian's self-signed one for
/// localhost).
#[test]
#[cfg_attr(not(pg_tests), ignore = "TEST_DATABASE_URL is unset: PostgreSQL test skipped")]
fn postgres_connections_use_tls_when_asked() {
    let url = std::env::var("TEST_DATABASE_URL").unwrap();
    let mut admin = postgres::Client::connect(&url, postgres::NoTls).unwrap();
    let ssl: String = admin.query_one("SHOW ssl", &[]).unwrap().get(0);
    if ssl != "on" {
        eprintln!("skipped: this PostgreSQL server has ssl = off");
        return;
    }
    let schema = unique("vjt_test");
    let sep = if url.contains('?') { '&' } else { '?' };
    let plain = Store::open_postgres(&url, Some(&schema)).unwrap();
    assert!(!plain.is_encrypted().unwrap(), "no TLS over loopback unless asked");
    let tls = Store::open_postgres(&format!("{url}{sep}sslmode=require"), Some(&schema)).unwrap();
    assert!(tls.is_encrypted().unwrap(), "sslmode=require encrypts");
    org(&tls, "Over TLS");
    assert_eq!(plain.organisations().unwrap().len(), 1);

    let local = url.replace("127.0.0.1", "localhost");
    let snakeoil = "/etc/ssl/certs/ssl-cert-snakeoil.pem";
    if std::path::Path::new(snakeoil).exists() && local.contains("localhost") {
        let verified =
            Store::open_postgres(&format!("{local}{sep}sslmode=verify-full&sslrootcert={snakeoil}"), Some(&schema));
        let verified = verified.expect("verify-full trusts the certificate named by sslrootcert");
        assert!(verified.is_encrypted().unwrap());
        let untrusted = Store::open_postgres(&format!("{local}{sep}sslmode=verify-full"), Some(&schema))
            .err()
            .expect("a self-signed certificate is not trusted without sslrootcert");
        assert!(untrusted.to_string().contains("certificate"), "{untrusted}");
    }
    drop((plain, tls));
    let _ = admin.batch_execute(&format!("DROP SCHEMA IF EXISTS {schema} CASCADE"));
}

#[test]
fn unknown_ssl_modes_are_refused_plainly() {
    for (url, words) in [
        ("postgres://u@db.example/vjt?sslmode=sometimes", "not one of"),
        ("postgres://u@db.example/vjt?sslmode=verify-ca", "verify-full"),
    ] {
        let err = Store::open(url).err().expect("refused");
        assert!(matches!(err, StoreError::BadUrl { .. }) && err.to_string().contains(words), "{err}");
    }
}

fn an_edit_by_id_changes_that_report_only(store: &Store) {
    let o = org(store, "A");
    let r = round(store, "Kenya 2020", 2020);
    // Two reports without a reference: an edit of one must never land on the other.
    let ids = store.save_reports(&[report(&o, &r, None, 4), report(&o, &r, None, 9)]).unwrap().ids;
    store.set_status(ids[0], ReviewStatus::Verified).unwrap();
    let edited = report(&o, &r, None, 5);
    assert!(store.replace_report(ids[0], &edited, "web form").unwrap());
    let first = store.report(ids[0]).unwrap().unwrap();
    assert_eq!(first.report.victims.map(|v| v.get()), Some(5));
    assert_eq!(first.report.status, ReviewStatus::NeedsReview, "a verified report that changed is reviewed again");
    assert_eq!(
        store.report(ids[1]).unwrap().unwrap().report.victims.map(|v| v.get()),
        Some(9),
        "the other is untouched"
    );
    assert_eq!(store.count_reports(&ReportQuery::default()).unwrap(), 2, "nothing added");
    let history = store.report_changes(ids[0]).unwrap();
    assert!(history.iter().any(|(_, what, source)| what == "updated" && source == "web form"), "{history:?}");
    assert!(!store.replace_report(RouteReportId(99_999), &edited, "web form").unwrap());
}

fn lists_page_newest_first(store: &Store) {
    let o = org(store, "A");
    let b = org(store, "B");
    let r = round(store, "Kenya 2020", 2020);
    let batch: Vec<RouteReport> =
        (1..=5).map(|n| report(if n == 5 { &b } else { &o }, &r, Some(&format!("R{n}")), n)).collect();
    let ids = store.save_reports(&batch).unwrap().ids;
    let search = |f: &dyn Fn(&mut vjt_store::ReportSearch)| {
        let mut q = vjt_store::ReportSearch { limit: 2, ..Default::default() };
        f(&mut q);
        let page = store.find_reports(&q).unwrap();
        (page.reports.iter().map(|s| s.id).collect::<Vec<_>>(), page.total)
    };
    let first = store.find_reports(&vjt_store::ReportSearch { limit: 2, ..Default::default() }).unwrap();
    assert_eq!((first.reports.iter().map(|s| s.id).collect::<Vec<_>>(), first.total), (vec![ids[4], ids[3]], 5));
    assert_eq!(first.reports[0].report.journey.transit().len(), 2, "with their stops");
    assert_eq!(
        search(&|q| {
            q.before = Some(ids[3]);
            q.limit = 10
        }),
        (vec![ids[2], ids[1], ids[0]], 5)
    );
    // Filters and words: a place as written (any stop, any case), a reference, a number.
    assert_eq!(search(&|q| q.organisation = Some(b.id)), (vec![ids[4]], 1));
    assert_eq!(search(&|q| q.text = Some("nAKur".into())), (vec![ids[4], ids[3]], 5));
    assert_eq!(search(&|q| q.text = Some("r3".into())), (vec![ids[2]], 1));
    assert_eq!(search(&|q| q.text = Some("transit".into())).1, 0, "a stop's role is not its text");
    assert_eq!(search(&|q| q.text = Some(format!("#{}", ids[1].0))), (vec![ids[1]], 1));
    assert_eq!(search(&|q| q.text = Some("Mombasa".into())), (vec![], 0));
    // LIKE's wildcards are taken as written, not as wildcards.
    assert_eq!(search(&|q| q.text = Some("%".into())), (vec![], 0));
    assert_eq!(search(&|q| q.text = Some("R_".into())), (vec![], 0));
    assert!(store.set_status(ids[0], ReviewStatus::Verified).unwrap());
    assert_eq!(search(&|q| q.status = Some(ReviewStatus::Verified)), (vec![ids[0]], 1));
    // The review queue, newest first, page by page.
    let mut q = vjt_store::WaitingQuery { limit: 3, newest_first: true, ..Default::default() };
    let page = store.waiting_reports(&q).unwrap();
    assert_eq!(page.reports.iter().map(|s| s.id).collect::<Vec<_>>(), [ids[4], ids[3], ids[2]]);
    assert_eq!((page.total, page.before), (4, 0));
    q.after = Some(ids[2]);
    let page = store.waiting_reports(&q).unwrap();
    assert_eq!(page.reports.iter().map(|s| s.id).collect::<Vec<_>>(), [ids[1]]);
    assert_eq!((page.total, page.before), (4, 3));
}

#[test]
fn fingerprints_do_not_change_with_how_stops_are_stored() {
    // The value schema 15 (a row per stop) wrote for this report: a re-import of an unchanged
    // row must still find it unchanged after the stops moved into their report's row.
    let dir = std::env::temp_dir().join(unique("vjt_fingerprint"));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("vjt.db");
    let store = Store::open(path.to_str().unwrap()).unwrap();
    let (o, r) = (org(&store, "A"), round(&store, "Kenya 2020", 2020));
    store.save_reports(&[report(&o, &r, Some("R1"), 3)]).unwrap();
    let conn = rusqlite::Connection::open(&path).unwrap();
    let stored: String = conn.query_row("SELECT fingerprint FROM reports", [], |row| row.get(0)).unwrap();
    assert_eq!(stored, "0ddd84930078e3ce");
    let _ = std::fs::remove_dir_all(&dir);
}
