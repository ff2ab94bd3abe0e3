//! Importing and exporting as coordinators do it: messy files in, every problem named, nothing
//! lost or duplicated, and back out again.

use std::path::{Path, PathBuf};

use vjt_domain::{CountryCode, DateSpan, NewOrganisation, NewRound, OrganisationKind, OrganisationName, RoundName};
use vjt_gazetteer::{Gazetteer, Resolver};
use vjt_ingest::{export, import_file, open_inputs, ExportFormat, FileReport, ImportOptions};
use vjt_store::{ReportQuery, Store};

struct Scratch(PathBuf);

impl Scratch {
    fn new(name: &str) -> Scratch {
        let dir = std::env::temp_dir().join(format!("vjt_ingest_{name}_{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Scratch(dir)
    }
    fn file(&self, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
        let p = self.0.join(name);
        std::fs::write(&p, bytes).unwrap();
        p
    }
    fn path(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn store(dir: &Scratch) -> Store {
    let s = Store::open(dir.path("vjt.db").to_str().unwrap()).unwrap();
    for name in ["HAART Kenya", "Candle of Hope"] {
        s.add_organisation(&NewOrganisation {
            name: OrganisationName::parse(name).unwrap(),
            kind: OrganisationKind::Ngo,
            country: Some(CountryCode::parse("KE").unwrap()),
        })
        .unwrap();
    }
    s.add_round(&NewRound {
        name: RoundName::parse("Kenya 2020").unwrap(),
        span: DateSpan::new(
            chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            chrono::NaiveDate::from_ymd_opt(2020, 12, 31).unwrap(),
        )
        .unwrap(),
    })
    .unwrap();
    s
}

fn run(store: &Store, paths: &[PathBuf], options: &ImportOptions) -> Vec<FileReport> {
    let resolver = Resolver::new(Gazetteer::embedded());
    open_inputs(paths)
        .unwrap()
        .into_iter()
        .map(|(table, repeats)| import_file(store, &resolver, table, repeats, options, &mut |_, _| {}).unwrap())
        .collect()
}

fn count(store: &Store) -> u64 {
    store.count_reports(&ReportQuery::default()).unwrap()
}

const HEADER: &str = "report_id,organisation,round,origin,transit,intended_destination,exploitation_place,exploitation_types,transport_modes,victims,female,male,period_start,notes\n";

#[test]
fn every_problem_is_named_and_valid_rows_still_land() {
    let dir = Scratch::new("problems");
    let s = store(&dir);
    let csv = format!(
        "{HEADER}\
         H-1,HAART Kenya,Kenya 2020,Kakamega,Busia,Nairobi,,domestic servitude,bus,12,8,4,2020-03,\n\
         H-2,HAART Kenya,Kenya 2020,Kisii,Nairbi;;Busia,Nairobi,,,,,,,,\n\
         H-3,HAART Kenya,Kenya 2020,Kisii,,Riyadh,,,,about 20,,,,\n\
         H-4,HAART Kenya,Kenya 2020,Mombasa,,,,forced labor exploitaton,,5,,,2020-13,\n\
         H-5,Nobody,Kenya 2020,Kitui,,Nairobi,,,,,,,,\n\
         H-6,HAART Kenya,Kenya 2020,Kitui,,Nairobi,,,,3,2,5,,\n"
    );
    let path = dir.file("routes.csv", csv);
    let r = &run(&s, std::slice::from_ref(&path), &ImportOptions::default())[0];
    assert_eq!((r.rows_read, r.imported, r.rejected), (6, 1, 5));
    let messages: Vec<String> = r.problems.iter().map(ToString::to_string).collect();
    let expect = [
        "row 3, transit: 'Nairbi;;Busia' has an empty place",
        "row 4, victims: 'about 20' is not a whole number",
        "row 5, exploitation_types: 'forced labor exploitaton' is not a known form of exploitation; did you mean forced_labour",
        "row 5, period_start: '2020-13' is not a month",
        "row 5, intended_destination: is empty, and so is the place of exploitation",
        "row 6, organisation: 'Nobody' is not a registered organisation",
        "row 7, female: female, male and other add up to 7, more than the 3 people reported",
    ];
    for e in expect {
        assert!(messages.iter().any(|m| m.starts_with(e)), "missing '{e}' in:\n{}", messages.join("\n"));
    }
    assert_eq!(count(&s), 1);

    // The rejects file keeps the layout, adds the reasons, and once corrected imports cleanly.
    let rejects = std::fs::read_to_string(dir.path("routes.rejects.csv")).unwrap();
    let mut lines = rejects.lines();
    assert_eq!(lines.next().unwrap(), format!("{},error", HEADER.trim_end()));
    assert_eq!(rejects.lines().count(), 6);
    assert!(rejects.contains("H-2,HAART Kenya,Kenya 2020,Kisii,Nairbi;;Busia"));
    let corrected = rejects
        .replace("Nairbi;;Busia", "Nairbi;Busia")
        .replace("about 20", "20")
        .replace("forced labor exploitaton", "forced labour")
        .replace("2020-13", "2020-12")
        .replace("Mombasa,,,,", "Mombasa,,Jeddah,,")
        .replace("Nobody", "Candle of Hope")
        .replace(",3,2,5,", ",7,2,5,");
    let fixed = dir.file("routes.fixed.csv", corrected);
    let again = &run(&s, std::slice::from_ref(&fixed), &ImportOptions::default())[0];
    assert_eq!((again.imported, again.rejected), (5, 0), "{:?}", again.problems);
    assert_eq!(count(&s), 6);

    // Importing both files once more adds nothing.
    let twice = run(&s, &[path, fixed], &ImportOptions::default());
    assert_eq!(twice.iter().map(|r| r.imported + r.updated).sum::<u64>(), 0);
    assert_eq!(twice.iter().map(|r| r.unchanged).sum::<u64>(), 6);
    assert_eq!(count(&s), 6);
}

#[test]
fn a_reference_used_again_in_the_file_names_the_row_it_was_first_on() {
    let dir = Scratch::new("reused");
    let s = store(&dir);
    let csv = format!(
        "{HEADER}\
         H-1,HAART Kenya,Kenya 2020,Kakamega,,Nairobi,,,,,,,,\n\
         H-1,HAART Kenya,Kenya 2020,Kisii,,Nairobi,,,,,,,,\n\
         H-2,HAART Kenya,Kenya 2020,Kitui,,Nairobi,,,,,,,,\n\
         H-1,HAART Kenya,Kenya 2020,Busia,,Nairobi,,,,,,,,\n"
    );
    let path = dir.file("routes.csv", csv);
    let r = &run(&s, std::slice::from_ref(&path), &ImportOptions::default())[0];
    assert_eq!((r.rows_read, r.imported, r.rejected), (4, 2, 2));
    let messages: Vec<String> = r.problems.iter().map(ToString::to_string).collect();
    assert_eq!(messages.len(), 2, "{messages:?}");
    for (m, row) in messages.iter().zip([3, 5]) {
        assert!(m.starts_with(&format!("row {row}, report_id: 'H-1' is used again (first on row 2)")), "{m}");
    }
    assert_eq!(count(&s), 2);
    let rejects = std::fs::read_to_string(dir.path("routes.rejects.csv")).unwrap();
    let kept: Vec<&str> = rejects.lines().skip(1).collect();
    assert_eq!(kept.len(), 2, "{rejects}");
    assert!(kept[0].starts_with("H-1,HAART Kenya,Kenya 2020,Kisii,") && kept[1].contains(",Busia,"), "{rejects}");
    assert!(kept.iter().all(|l| l.contains("is used again (first on row 2)")), "{rejects}");

    // Imported again, the first row changes nothing and its repeats are still left out.
    std::fs::remove_file(dir.path("routes.rejects.csv")).unwrap();
    let again = &run(&s, std::slice::from_ref(&path), &ImportOptions::default())[0];
    assert_eq!((again.imported, again.unchanged, again.rejected), (0, 2, 2), "{:?}", again.problems);
    assert!(again.problems.iter().all(|p| p.to_string().contains("(first on row 2)")), "{:?}", again.problems);
    assert_eq!(count(&s), 2);

    // The same reference from another organisation is another report.
    let other = dir.file("other.csv", format!("{HEADER}H-1,Candle of Hope,Kenya 2020,Kakamega,,Nairobi,,,,,,,,\n"));
    let third = &run(&s, &[other], &ImportOptions::default())[0];
    assert_eq!((third.imported, third.rejected), (1, 0), "{:?}", third.problems);
    assert_eq!(count(&s), 3);
}

#[test]
fn strict_and_dry_run_write_nothing() {
    let dir = Scratch::new("strict");
    let s = store(&dir);
    let path = dir.file(
        "r.csv",
        format!(
            "{HEADER}A,HAART Kenya,Kenya 2020,Kisii,,Nairobi,,,,2,,,,\nB,HAART Kenya,Kenya 2020,,,Nairobi,,,,2,,,,\n"
        ),
    );
    let strict = &run(&s, std::slice::from_ref(&path), &ImportOptions { strict: true, ..Default::default() })[0];
    assert_eq!((strict.imported, strict.rejected, strict.committed), (1, 1, false));
    assert_eq!(count(&s), 0);
    std::fs::remove_file(dir.path("r.rejects.csv")).unwrap();
    let dry = &run(&s, &[path], &ImportOptions { dry_run: true, ..Default::default() })[0];
    assert_eq!((dry.imported, dry.rejected, dry.committed), (1, 1, false));
    assert_eq!(count(&s), 0);
    assert!(!dir.path("r.rejects.csv").exists(), "a dry run writes no file");
}

#[test]
fn a_corrected_row_updates_its_report_and_the_change_is_recorded() {
    let dir = Scratch::new("update");
    let s = store(&dir);
    let v1 = dir.file("v1.csv", format!("{HEADER}A,HAART Kenya,Kenya 2020,Kisii,,Nairobi,,,,2,,,,\n"));
    let v2 = dir.file("v2.csv", format!("{HEADER}A,HAART Kenya,Kenya 2020,Kisii,Nakuru,Nairobi,,,,4,,,,\n"));
    run(&s, &[v1], &ImportOptions::default());
    let r = &run(&s, &[v2], &ImportOptions::default())[0];
    assert_eq!((r.imported, r.updated), (0, 1));
    let stored = s.reports(&ReportQuery::default()).unwrap();
    assert_eq!(stored.len(), 1);
    assert_eq!(stored[0].report.victims.map(|v| v.get()), Some(4));
    let changes: Vec<String> =
        s.report_changes(stored[0].id).unwrap().into_iter().map(|(_, c, src)| format!("{c} {src}")).collect();
    assert!(changes[0].starts_with("created ") && changes[0].ends_with("v1.csv"), "{changes:?}");
    assert!(changes[1].starts_with("updated ") && changes[1].ends_with("v2.csv"), "{changes:?}");
}

#[test]
fn excel_habits_are_understood() {
    let dir = Scratch::new("excel");
    let s = store(&dir);
    // Windows-1252, semicolons, Kiswahili headers, columns in another order, no report ids.
    let mut bytes = b"asili;mahali_palipokusudiwa;shirika;awamu;waathiriwa;maelezo\r\n".to_vec();
    bytes.extend_from_slice(b"Murang\x92a;Nairobi;HAART Kenya;Kenya 2020;3;Caf\xe9 work\r\n");
    bytes.extend_from_slice(b"Kisii;Nairobi;HAART Kenya;Kenya 2020;;\r\n");
    let path = dir.file("excel.csv", bytes);
    let r = &run(&s, std::slice::from_ref(&path), &ImportOptions::default())[0];
    assert_eq!(r.encoding, "windows-1252");
    assert_eq!((r.imported, r.rejected), (2, 0), "{:?}", r.problems);
    let stored = s.reports(&ReportQuery::default()).unwrap();
    assert_eq!(stored[0].report.journey.origin().text.as_str(), "Murang\u{2019}a");
    assert_eq!(stored[0].report.journey.origin().place.as_ref().map(|p| p.0.as_str()), Some("ke:county:murang-a"));
    assert_eq!(stored[0].report.notes.as_ref().unwrap().as_str(), "Caf\u{e9} work");
    // Rows without ids get stable ones, so the same file again adds nothing.
    let again = &run(&s, &[path], &ImportOptions::default())[0];
    assert_eq!((again.imported, again.unchanged), (0, 2));

    // UTF-8 with BOM and --org/--round standing in for missing columns.
    let bom = dir.file("bom.csv", "\u{feff}origin,exploitation_place\nBusia,Kampala\n");
    let org = s.organisation_named("Candle of Hope").unwrap().unwrap().id;
    let round = s.round_named("Kenya 2020").unwrap().unwrap().id;
    let r = &run(&s, &[bom], &ImportOptions { org: Some(org), round: Some(round), ..Default::default() })[0];
    assert_eq!((r.imported, r.encoding.as_str()), (1, "utf-8 (with BOM)"));
}

#[test]
fn missing_required_columns_stop_the_file_with_a_clear_message() {
    let dir = Scratch::new("missing");
    let s = store(&dir);
    let path = dir.file("bad.csv", "organisation,round,transit\nHAART Kenya,Kenya 2020,Busia\n");
    let resolver = Resolver::new(Gazetteer::embedded());
    let (table, repeats) = open_inputs(&[path]).unwrap().pop().unwrap();
    let err = import_file(&s, &resolver, table, repeats, &ImportOptions::default(), &mut |_, _| {}).unwrap_err();
    let text = err.to_string();
    assert!(text.contains("missing column(s): origin, intended_destination or exploitation_place"), "{text}");
    assert!(text.contains("the header has: organisation, round, transit"), "{text}");
}

#[test]
fn personal_data_is_redacted_before_it_is_stored() {
    let dir = Scratch::new("pii");
    let s = store(&dir);
    let path = dir.file(
        "pii.csv",
        format!("{HEADER}A,HAART Kenya,Kenya 2020,Kisii,,Nairobi,,,,2,,,,\"Call her mother on 0722 123 456, passport A1234567\"\nB,HAART Kenya,Kenya 2020,Kisii 0733123456,,Nairobi,,,,2,,,,\n"),
    );
    let r = &run(&s, &[path], &ImportOptions::default())[0];
    assert_eq!((r.imported, r.redacted_rows), (2, 2));
    let stored = s.reports(&ReportQuery::default()).unwrap();
    let notes = stored[0].report.notes.as_ref().unwrap().as_str();
    assert_eq!(notes, "Call her mother on [phone removed], passport [id number removed]");
    assert_eq!(stored[1].report.journey.origin().text.as_str(), "Kisii [phone removed]");
    let everything = format!("{stored:?}");
    assert!(!everything.contains("0722") && !everything.contains("A1234567") && !everything.contains("0733"));
}

const KOBO_MAIN: &str = "start,end,organisation,round,route/origin,route/intended_destination,route/exploitation_place,exploitation_types,transport_modes/bus_matatu,transport_modes/air,victims,_id,_uuid,_submission_time,_index\n\
2020-05-01,2020-05-01,HAART Kenya,Kenya 2020,Kakamega,Nairobi,,domestic_servitude sexual_exploitation,1,0,7,101,uuid-aaa,2020-05-01T10:00:00,1\n\
2020-05-02,2020-05-02,HAART Kenya,Kenya 2020,Kisii,,Riyadh,domestic_servitude,0,1,3,102,uuid-bbb,2020-05-02T10:00:00,2\n";

const KOBO_TRANSIT: &str = "route/transit/transit_point,_index,_parent_index,_parent_table_name\nBusia,1,1,vjt_route\nNakuru,2,1,vjt_route\nNairobi,3,2,vjt_route\n";

fn check_kobo(s: &Store) {
    let stored = s.reports(&ReportQuery::default()).unwrap();
    assert_eq!(stored.len(), 2);
    let a = &stored[0].report;
    assert_eq!(a.report_id.as_ref().unwrap().as_str(), "uuid-aaa");
    let transit: Vec<&str> = a.journey.transit().iter().map(|t| t.text.as_str()).collect();
    assert_eq!(transit, ["Busia", "Nakuru"]);
    assert_eq!(vjt_domain::vocab::join_codes(&a.exploitation_types), "sexual_exploitation;domestic_servitude");
    assert_eq!(vjt_domain::vocab::join_codes(&a.transport_modes), "bus_matatu");
    let b = &stored[1].report;
    assert_eq!(b.journey.transit()[0].text.as_str(), "Nairobi");
    assert_eq!(vjt_domain::vocab::join_codes(&b.transport_modes), "air");
}

#[test]
fn kobo_csv_exports_join_their_transit_repeat_group() {
    let dir = Scratch::new("kobo_csv");
    let s = store(&dir);
    let main = dir.file("vjt_route.csv", KOBO_MAIN);
    let transit = dir.file("transit.csv", KOBO_TRANSIT);
    let r = &run(&s, &[transit.clone(), main.clone()], &ImportOptions::default())[0];
    assert_eq!(r.format, Some(vjt_ingest::Format::Kobo));
    assert_eq!((r.imported, r.rejected), (2, 0), "{:?}", r.problems);
    check_kobo(&s);
    // The same export again (KoBo re-downloads everything): submission ids prevent copies.
    let again = &run(&s, &[main, transit], &ImportOptions::default())[0];
    assert_eq!((again.imported, again.unchanged), (0, 2));
}

#[test]
fn kobo_xlsx_exports_read_the_repeat_sheet() {
    let dir = Scratch::new("kobo_xlsx");
    let s = store(&dir);
    let path = dir.path("kobo.xlsx");
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, text) in [("vjt_route", KOBO_MAIN), ("transit", KOBO_TRANSIT)] {
        let sheet = book.add_worksheet().set_name(name).unwrap();
        for (r, line) in text.lines().enumerate() {
            for (c, cell) in line.split(',').enumerate() {
                match cell.parse::<f64>() {
                    Ok(v) if !cell.contains('-') => sheet.write_number(r as u32, c as u16, v).unwrap(),
                    _ => sheet.write_string(r as u32, c as u16, cell).unwrap(),
                };
            }
        }
    }
    book.save(&path).unwrap();
    let r = &run(&s, &[path], &ImportOptions::default())[0];
    assert_eq!((r.imported, r.rejected), (2, 0), "{:?}", r.problems);
    check_kobo(&s);
}

#[test]
fn odk_central_exports_join_on_parent_key() {
    let dir = Scratch::new("odk");
    let s = store(&dir);
    let main = dir.file(
        "vjt_route.csv",
        "SubmissionDate,organisation,round,route-origin,route-intended_destination,route-exploitation_place,exploitation_types,victims,meta-instanceID,KEY\n\
         2020-05-01,HAART Kenya,Kenya 2020,Kakamega,Nairobi,,domestic_servitude,7,uuid:aaa,uuid:aaa\n",
    );
    let transit = dir.file(
        "vjt_route-transit.csv",
        "transit_point,PARENT_KEY,KEY\nBusia,uuid:aaa,uuid:aaa/transit[1]\nNakuru,uuid:aaa,uuid:aaa/transit[2]\n",
    );
    let r = &run(&s, &[main, transit], &ImportOptions::default())[0];
    assert_eq!(r.format, Some(vjt_ingest::Format::Odk));
    assert_eq!((r.imported, r.rejected), (1, 0), "{:?}", r.problems);
    let stored = s.reports(&ReportQuery::default()).unwrap();
    let transit: Vec<&str> = stored[0].report.journey.transit().iter().map(|t| t.text.as_str()).collect();
    assert_eq!(transit, ["Busia", "Nakuru"]);
    assert_eq!(stored[0].report.report_id.as_ref().unwrap().as_str(), "uuid:aaa");
}

fn comparable(s: &Store) -> Vec<String> {
    // Organisation and round ids differ between databases; compare by what the reports say.
    s.reports(&ReportQuery::default())
        .unwrap()
        .into_iter()
        .map(|r| {
            let mut d = r.report.into_draft();
            d.organisation = vjt_domain::OrganisationId(0);
            d.round = vjt_domain::RoundId(0);
            for stop in [&d.journey].into_iter().flat_map(|j| j.stops().map(|(_, s)| s.arrived_by.len())) {
                assert_eq!(stop, 0);
            }
            format!("{d:?}")
        })
        .collect()
}

#[test]
fn exports_are_safe_to_open_and_carry_status_and_counties_back() {
    let dir = Scratch::new("safe_export");
    let s = store(&dir);
    let file = dir.file(
        "in.csv",
        format!(
            "{}R1,HAART Kenya,Kenya 2020,Awendo,,Nairobi,,domestic_servitude,,4,,,2020-03,=HYPERLINK(\"http://x\";\"click\")\n",
            HEADER
        ),
    );
    let r = &run(&s, &[file], &ImportOptions::default())[0];
    assert_eq!((r.imported, r.rejected), (1, 0), "{:?}", r.problems);
    let stored = s.reports(&ReportQuery::default()).unwrap();
    assert!(stored[0].report.journey.origin().place.is_none(), "Awendo is in two counties: left for review");
    s.set_status(stored[0].id, vjt_domain::ReviewStatus::Verified).unwrap();

    // The export quotes the formula, starts with a byte-order mark for Excel, and carries the
    // status and each stop's county.
    let out = dir.path("out.csv");
    vjt_ingest::export_with(&s, &ReportQuery::default(), ExportFormat::Csv, true, &out, &mut |_, _| {}).unwrap();
    let bytes = std::fs::read(&out).unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "a byte-order mark for Excel");
    let text = String::from_utf8_lossy(&bytes[3..]).into_owned();
    assert!(text.contains("'=HYPERLINK"), "{text}");
    assert!(!text.contains(",=HYPERLINK") && !text.contains("\"=HYPERLINK"), "no cell starts with =");
    let header = text.lines().next().unwrap();
    assert!(
        header.ends_with("status,origin_county,transit_counties,intended_destination_county,exploitation_place_county")
    );
    assert!(text.lines().nth(1).unwrap().contains(",verified,,,KE-30,"), "{text}");

    // The coordinator says which Awendo it was; importing the file elsewhere keeps that, the
    // status and the notes exactly.
    let edited = dir.file("edited.csv", text.replacen(",verified,,", ",verified,KE-08,", 1));
    let other = Store::open(dir.path("other.db").to_str().unwrap()).unwrap();
    for o in ["HAART Kenya", "Candle of Hope"] {
        other
            .add_organisation(&NewOrganisation {
                name: OrganisationName::parse(o).unwrap(),
                kind: OrganisationKind::Ngo,
                country: Some(CountryCode::parse("KE").unwrap()),
            })
            .unwrap();
    }
    other.add_round(&vjt_demo::rounds()[1]).unwrap();
    let other_round = other.rounds().unwrap()[0].name.to_string();
    let edited = dir.file("edited2.csv", std::fs::read_to_string(&edited).unwrap().replace("Kenya 2020", &other_round));
    let r = &run(&other, &[edited], &ImportOptions::default())[0];
    assert_eq!((r.imported, r.rejected), (1, 0), "{:?}", r.problems);
    let back = &other.reports(&ReportQuery::default()).unwrap()[0];
    assert_eq!(back.report.status, vjt_domain::ReviewStatus::Verified);
    assert_eq!(
        back.report.journey.origin().place.as_ref().map(|p| p.0.as_str()),
        Some("gn:11003038"),
        "Awendo in Homa Bay"
    );
    assert_eq!(back.report.notes.as_ref().map(|n| n.as_str()), Some("=HYPERLINK(\"http://x\";\"click\")"));
}

#[test]
fn export_then_import_gives_the_same_reports() {
    let dir = Scratch::new("roundtrip");
    let source = Store::open(dir.path("source.db").to_str().unwrap()).unwrap();
    let orgs: Vec<_> = vjt_demo::organisations().iter().map(|o| source.add_organisation(o).unwrap().id).collect();
    let rounds: Vec<_> = vjt_demo::rounds().iter().map(|r| source.add_round(r).unwrap().id).collect();
    let mut reports = vjt_demo::reports(&orgs, &rounds, 40, 3);
    let resolver = Resolver::new(Gazetteer::embedded());
    for r in &mut reports {
        resolver.resolve_journey(r.journey_mut(), Some("KE"));
    }
    source.save_reports(&reports).unwrap();
    let expected = comparable(&source);
    for format in [ExportFormat::Csv, ExportFormat::Xlsx] {
        let out = dir.path(if format == ExportFormat::Csv { "all.csv" } else { "all.xlsx" });
        let n = export(&source, &ReportQuery::default(), format, &out, &mut |_, _| {}).unwrap();
        assert_eq!(n, 80);
        let target_path = dir.path(&format!("target-{format:?}.db"));
        let target = Store::open(target_path.to_str().unwrap()).unwrap();
        for o in vjt_demo::organisations() {
            target.add_organisation(&o).unwrap();
        }
        for r in vjt_demo::rounds() {
            target.add_round(&r).unwrap();
        }
        let r = &run(&target, &[out], &ImportOptions::default())[0];
        assert_eq!((r.imported, r.rejected), (80, 0), "{format:?}: {:?}", r.problems);
        assert_eq!(comparable(&target), expected, "{format:?} round trip");
    }
}

#[test]
fn the_templates_carry_every_column_and_vocabulary() {
    use calamine::Reader;
    let dir = Scratch::new("templates");
    let xlsx = dir.path("t.xlsx");
    vjt_ingest::template::write_xlsx(&xlsx).unwrap();
    let mut book = calamine::open_workbook_auto(&xlsx).unwrap();
    assert_eq!(book.sheet_names(), ["routes", "instructions", "lists"]);
    let routes = book.worksheet_range("routes").unwrap();
    let header: Vec<String> = routes.rows().next().unwrap().iter().map(|c| c.to_string()).collect();
    assert_eq!(header, vjt_ingest::template::header(vjt_domain::Lang::En));
    let instructions = book.worksheet_range("instructions").unwrap();
    assert!(instructions.rows().any(|r| r.iter().any(|c| c.to_string().contains("LAZIMA"))), "Kiswahili instructions");

    let form = dir.path("form.xlsx");
    vjt_ingest::template::write_xlsform(&form).unwrap();
    let mut book = calamine::open_workbook_auto(&form).unwrap();
    let survey = book.worksheet_range("survey").unwrap();
    let types: Vec<String> = survey.rows().map(|r| r[0].to_string()).collect();
    assert!(types.contains(&"begin_repeat".to_string()));
    assert!(types.contains(&"select_multiple exploitation_type".to_string()));
    let choices = book.worksheet_range("choices").unwrap();
    let codes: Vec<String> = choices.rows().map(|r| r[1].to_string()).collect();
    for code in ["domestic_servitude", "motorcycle_boda_boda", "false_job_offer", "survivor_case", "high"] {
        assert!(codes.contains(&code.to_string()), "{code}");
    }
    assert!(choices.rows().any(|r| r[3] == "Pikipiki (boda boda)"), "Kiswahili labels");
}

#[test]
fn files_that_are_not_tables_are_refused_plainly() {
    let dir = Scratch::new("notables");
    let err = open_inputs(&[dir.file("notes.pdf", "%PDF")]).err().unwrap().to_string();
    assert!(err.contains("'pdf' files are not supported"), "{err}");
    let err = open_inputs(&[dir.file("empty.csv", "")]).err().unwrap().to_string();
    assert!(err.contains("the file is empty"), "{err}");
    let err = open_inputs(&[dir.path("missing.csv")]).err().unwrap().to_string();
    assert!(err.contains("cannot read"), "{err}");
    let err = open_inputs(&[dir.file("transit.csv", KOBO_TRANSIT)]).err().unwrap().to_string();
    assert!(err.contains("repeat-group table"), "{err}");
    let _ = Path::new("");
}

fn shared(name: &str) -> Option<PathBuf> {
    let p = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../shared/data").join(name);
    if p.exists() {
        Some(p)
    } else {
        eprintln!("skipped: ../shared/data/{name} is absent");
        None
    }
}

/// CTDC's published frequency table: (variable, category or "" for missing) → count.
fn ctdc_expected(path: &Path) -> std::collections::BTreeMap<(String, String), u64> {
    let mut out = std::collections::BTreeMap::new();
    let mut reader = csv::Reader::from_path(path).unwrap();
    for r in reader.records() {
        let r = r.unwrap();
        match &r[1] {
            "valid" => out.insert((r[0].to_string(), r[2].to_string()), r[3].parse().unwrap()),
            "missing" => out.insert((r[0].to_string(), String::new()), r[3].parse().unwrap()),
            _ => None,
        };
    }
    out
}

#[test]
fn ctdc_records_import_as_one_route_each_with_the_published_counts() {
    let (Some(data), Some(freq)) =
        (shared("ctdc_vp_synthetic_condensed.csv"), shared("ctdc_vp_synthetic_expected_frequencies.csv"))
    else {
        return;
    };
    let dir = Scratch::new("ctdc");
    let s = store(&dir);
    let org = s.organisation_named("HAART Kenya").unwrap().unwrap().id;
    let round = s.round_named("Kenya 2020").unwrap().unwrap().id;
    let options = ImportOptions { org: Some(org), round: Some(round), ..Default::default() };
    let r = &run(&s, std::slice::from_ref(&data), &options)[0];
    assert_eq!(r.format, Some(vjt_ingest::Format::Ctdc));
    assert_eq!((r.rows_read, r.imported, r.rejected), (21_195, 21_195, 0));

    // Count what was stored, independently of any analysis code, the way CTDC counts.
    let g = Gazetteer::embedded();
    let mut got = std::collections::BTreeMap::<(String, String), u64>::new();
    let mut add =
        |variable: &str, category: &str| *got.entry((variable.to_string(), category.to_string())).or_default() += 1;
    for stored in s.reports(&ReportQuery::default()).unwrap() {
        let rep = &stored.report;
        match (rep.period_start, rep.period_end) {
            (Some(a), Some(b)) if a.year() == b.year() => add("yearRegister", &a.year().to_string()),
            (Some(a), Some(b)) => add("yearRegister", &format!("{}-{}", a.year(), b.year())),
            _ => add("yearRegister", ""),
        }
        match (rep.profile.female, rep.profile.male) {
            (Some(1), _) => add("gender", "Female"),
            (_, Some(1)) => add("gender", "Male"),
            _ => add("gender", ""),
        }
        match (rep.profile.children, rep.profile.adults) {
            (Some(1), _) => add("majorityStatus", "Minor"),
            (_, Some(1)) => add("majorityStatus", "Adult"),
            _ => add("majorityStatus", ""),
        }
        let fl = rep.exploitation_types.contains(&vjt_domain::ExploitationType::ForcedLabour);
        add("isForcedLabour", if fl { "1" } else { "" });
        let se = rep.exploitation_types.contains(&vjt_domain::ExploitationType::SexualExploitation);
        add("isSexualExploit", if se { "1" } else { "" });
        let region = |stop: &vjt_domain::Stop| {
            stop.place
                .as_ref()
                .map(|p| g.place(g.by_id(&p.0).unwrap()).name.replace("Americas and Oceania", "Americas/Oceania"))
        };
        add("UN_COO_Region", &region(rep.journey.origin()).unwrap_or_default());
        add("UN_COE_Region", &region(rep.journey.exploitation().unwrap()).unwrap_or_default());
        if rep.recruiter_relationships.is_empty() {
            add("IP_Relation", "");
        }
        for rel in &rep.recruiter_relationships {
            let ctdc = match rel {
                vjt_domain::RecruiterRelationship::Family => "FamilyIntimatePartner",
                vjt_domain::RecruiterRelationship::Friend => "FriendAcquaintance",
                _ => "StrangerUnknownOther",
            };
            add("IP_Relation", ctdc);
        }
    }
    let expected = ctdc_expected(&freq);
    let mut checked = 0;
    for ((variable, category), count) in &expected {
        if variable == "IP_Relation" {
            continue; // published per combination; checked per code below
        }
        if let Some(ours) = got.get(&(variable.clone(), category.clone())) {
            assert_eq!(ours, count, "{variable} {category:?}");
            checked += 1;
        } else if [
            "yearRegister",
            "gender",
            "majorityStatus",
            "isForcedLabour",
            "isSexualExploit",
            "UN_COO_Region",
            "UN_COE_Region",
        ]
        .contains(&variable.as_str())
        {
            panic!("{variable} {category:?} is published ({count}) but not found");
        }
    }
    // year bands 6, gender 3, minor/adult 3, forced labour 2, sexual exploitation 2, regions 5 + 5.
    assert_eq!(checked, 26, "every published count of the modelled variables was compared");
    // A multi-valued relation counts once per code.
    for code in ["FamilyIntimatePartner", "FriendAcquaintance", "StrangerUnknownOther"] {
        let published: u64 = expected
            .iter()
            .filter(|((v, c), _)| v == "IP_Relation" && c.split(';').any(|x| x == code))
            .map(|(_, n)| n)
            .sum();
        assert_eq!(got[&("IP_Relation".to_string(), code.to_string())], published, "{code}");
    }
    assert_eq!(got[&("IP_Relation".to_string(), String::new())], expected[&("IP_Relation".to_string(), String::new())]);
}

#[test]
fn the_2020_ctdc_layout_reads_country_codes_and_minus_99() {
    let Some(data) = shared("ctdc_global_2020-04-14_excerpt.csv") else { return };
    let dir = Scratch::new("ctdc2020");
    let s = store(&dir);
    let org = s.organisation_named("HAART Kenya").unwrap().unwrap().id;
    let round = s.round_named("Kenya 2020").unwrap().unwrap().id;
    let r = &run(&s, &[data], &ImportOptions { org: Some(org), round: Some(round), ..Default::default() })[0];
    assert_eq!(r.format, Some(vjt_ingest::Format::Ctdc));
    assert_eq!((r.imported, r.rejected), (18, 0), "{:?}", r.problems);
    let stored = s.reports(&ReportQuery::default()).unwrap();
    let first = &stored[0].report;
    assert_eq!(first.journey.origin().place.as_ref().map(|p| p.0.as_str()), Some("country:CO"));
    assert_eq!(first.period_start.map(|m| m.year()), Some(2002));
    assert_eq!(first.profile.female, Some(1));
    assert!(first.exploitation_types.contains(&vjt_domain::ExploitationType::SexualExploitation));
    assert!(first.recruiter_relationships.contains(&vjt_domain::RecruiterRelationship::Unknown));
    // Ugandan cases at the end of the file: citizenship and exploitation in Uganda.
    assert!(stored.iter().any(|s| s.report.journey.origin().place.as_ref().is_some_and(|p| p.0 == "country:UG")
        && s.report.journey.exploitation().and_then(|e| e.place.as_ref()).is_some_and(|p| p.0 == "country:UG")));
    // Without --org/--round the file is refused plainly.
    let resolver = Resolver::new(Gazetteer::embedded());
    let (table, repeats) =
        open_inputs(&[shared("ctdc_global_2020-04-14_excerpt.csv").unwrap()]).unwrap().pop().unwrap();
    let err = import_file(&s, &resolver, table, repeats, &ImportOptions::default(), &mut |_, _| {}).unwrap_err();
    assert!(err.to_string().contains("(--org and --round on the command line)"), "{err}");
}

#[test]
fn unodc_detected_victims_become_routes_with_their_quirks_handled() {
    let Some(data) = shared("unodc_glotip_data_2025-04-14.csv") else { return };
    let dir = Scratch::new("unodc");
    let s = store(&dir);
    let org = s.organisation_named("HAART Kenya").unwrap().unwrap().id;
    let round = s.round_named("Kenya 2020").unwrap().unwrap().id;
    let options = ImportOptions { org: Some(org), round: Some(round), ..Default::default() };
    let r = &run(&s, std::slice::from_ref(&data), &options)[0];
    assert_eq!(r.format, Some(vjt_ingest::Format::Unodc));
    assert_eq!(r.rows_read, 58_769);
    assert!(r.imported > 8_000, "{}", r.imported);
    let notes = r.observations.iter().map(ToString::to_string).collect::<Vec<_>>().join(" | ");
    assert!(notes.contains("withheld by UNODC as '<5'"), "{notes}");
    assert!(notes.contains("questionnaire cell ids"), "{notes}");
    assert!(notes.contains("damaged characters"), "{notes}");

    // Victims detected in Kenya in 2018, by citizenship, as published.
    let mut kenya_2018 = std::collections::BTreeMap::new();
    for stored in s.reports(&ReportQuery::default()).unwrap() {
        let rep = &stored.report;
        let detected = rep.journey.exploitation().and_then(|e| e.place.clone()).map(|p| p.0);
        if detected.as_deref() == Some("country:KE") && rep.period_start.map(|m| m.year()) == Some(2018) {
            let origin = rep.journey.origin().place.clone().map(|p| p.0).unwrap_or_default();
            let count = match (rep.victims, rep.victims_below) {
                (Some(v), _) => v.get().to_string(),
                (None, Some(b)) => format!("<{b}"),
                _ => "?".into(),
            };
            kenya_2018.insert(origin, count);
        }
    }
    for (country, count) in
        [("ET", "209"), ("RW", "30"), ("NP", "21"), ("UG", "8"), ("IN", "6"), ("TZ", "5"), ("ER", "<5")]
    {
        assert_eq!(
            kenya_2018.get(&format!("country:{country}")).map(String::as_str),
            Some(count),
            "{country}: {kenya_2018:?}"
        );
    }
    // Importing the file again changes nothing.
    let again = &run(&s, &[data], &options)[0];
    assert_eq!((again.imported, again.updated), (0, 0));
}

#[test]
fn the_xlsform_follows_odk_rules_speaks_plainly_and_validates() {
    use calamine::Reader;
    let dir = Scratch::new("xlsform");
    let form = dir.path("form.xlsx");
    vjt_ingest::template::write_xlsform(&form).unwrap();
    let mut book = calamine::open_workbook_auto(&form).unwrap();
    let survey = book.worksheet_range("survey").unwrap();
    let mut rows = survey.rows();
    let header: Vec<String> = rows.next().unwrap().iter().map(|c| c.to_string()).collect();
    let col = |name: &str| header.iter().position(|h| h == name).unwrap_or_else(|| panic!("{name} column"));
    let (kind, name, appearance, required) = (col("type"), col("name"), col("appearance"), col("required"));
    let texts: Vec<usize> = header
        .iter()
        .enumerate()
        .filter(|(_, h)| h.starts_with("label") || h.starts_with("hint"))
        .map(|(i, _)| i)
        .collect();
    assert_eq!(texts.len(), 4, "labels and hints in English and Kiswahili");
    let mut in_field_list = false;
    let codes: Vec<String> = vjt_domain::Field::ALL
        .iter()
        .flat_map(|f| [f.code().to_string(), vjt_ingest::columns::Header::name_sw(*f).to_string()])
        .filter(|c| c.contains('_'))
        .collect();
    for r in rows {
        let cell = |i: usize| r.get(i).map(|c| c.to_string()).unwrap_or_default();
        match cell(kind).as_str() {
            "begin_group" => in_field_list = cell(appearance) == "field-list",
            "end_group" => in_field_list = false,
            "begin_repeat" => assert!(!in_field_list, "ODK Collect cannot show a repeat inside a field-list group"),
            _ => {}
        }
        if cell(name) == "exploitation_place" {
            assert!(cell(required).contains("${intended_destination}"), "one of the two is required, not constrained");
        }
        for &t in &texts {
            let text = cell(t);
            for code in &codes {
                assert!(!text.contains(code.as_str()), "'{text}' shows the column code {code}");
            }
            for instruction in ["separated by", "zikitenganishwa", "lists sheet", "orodha"] {
                assert!(!text.contains(instruction), "'{text}' is a spreadsheet instruction");
            }
        }
    }
    // pyxform and ODK Validate (bundled with pyxform, run on Java) accept it.
    let have =
        std::process::Command::new("python3").args(["-c", "import pyxform"]).output().is_ok_and(|o| o.status.success())
            && std::process::Command::new("java").arg("-version").output().is_ok_and(|o| o.status.success());
    if !have {
        assert!(
            std::env::var_os("VJT_REQUIRE_TOOLS").is_none(),
            "pyxform and Java are required (pip install pyxform; apt-get install default-jre-headless)"
        );
        eprintln!("pyxform or Java not installed: the XLSForm was not validated");
        return;
    }
    let xml = dir.path("form.xml");
    let out = std::process::Command::new("python3")
        .args(["-m", "pyxform.xls2xform", "--odk_validate", form.to_str().unwrap(), xml.to_str().unwrap()])
        .output()
        .unwrap();
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success() && !said.to_lowercase().contains("error"), "pyxform/ODK Validate: {said}");
    let xform = std::fs::read_to_string(&xml).unwrap();
    assert!(xform.contains("jr:template") || xform.contains("<repeat"), "the transit points repeat");
}

/// A sheet of an XLSX export, from rows of cells (numbers written as numbers, as KoBo does).
fn xlsx_sheets(path: &Path, sheets: &[(&str, Vec<Vec<String>>)]) {
    let mut book = rust_xlsxwriter::Workbook::new();
    for (name, rows) in sheets {
        let sheet = book.add_worksheet().set_name(*name).unwrap();
        for (r, row) in rows.iter().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                match cell.parse::<f64>() {
                    Ok(v) if r > 0 => sheet.write_number(r as u32, c as u16, v).unwrap(),
                    _ => sheet.write_string(r as u32, c as u16, cell).unwrap(),
                };
            }
        }
    }
    book.save(path).unwrap();
}

fn strings(cells: &[&str]) -> Vec<String> {
    cells.iter().map(|c| c.to_string()).collect()
}

/// A stored report as the fixtures describe it: id, stops, exploitation types, sectors,
/// transport modes, victims.
type Route = (String, Vec<String>, String, String, String, Option<u32>);

fn stored_routes(s: &Store) -> Vec<Route> {
    let mut out: Vec<_> = s
        .reports(&ReportQuery::default())
        .unwrap()
        .into_iter()
        .map(|r| {
            let r = r.report;
            (
                r.report_id.as_ref().map(|x| x.to_string()).unwrap_or_default(),
                r.journey.stops().map(|(_, s)| s.text.to_string()).collect(),
                vjt_domain::vocab::join_codes(&r.exploitation_types),
                vjt_domain::vocab::join_codes(&r.sectors),
                vjt_domain::vocab::join_codes(&r.transport_modes),
                r.victims.map(|v| v.get()),
            )
        })
        .collect();
    out.sort();
    out
}

#[test]
fn kobo_xlsx_with_names_groups_and_both_choice_layouts() {
    // "XML values and headers", group names kept with '/', select multiples as one column
    // *and* one column per choice (KoBo's "single and separate columns"), the repeat sheet.
    let dir = Scratch::new("kobo_both");
    let s = store(&dir);
    let head = strings(&[
        "start",
        "end",
        "report_id",
        "organisation",
        "round",
        "start/origin",
        "end/intended_destination",
        "end/exploitation_place",
        "exploitation_types",
        "exploitation_types/domestic_servitude",
        "exploitation_types/sexual_exploitation",
        "sectors",
        "sectors/transport",
        "sectors/households",
        "transport_modes",
        "transport_modes/bus_matatu",
        "transport_modes/private_car",
        "victims",
        "meta/instanceID",
        "meta/rootUuid",
        "_id",
        "_uuid",
        "_submission_time",
        "_validation_status",
        "_index",
    ]);
    let row = |cells: &[&str]| strings(cells);
    let main = vec![
        head,
        row(&[
            "2024-01-02",
            "2024-01-02",
            "",
            "HAART Kenya",
            "Kenya 2020",
            "Kakamega",
            "Nairobi",
            "",
            "domestic_servitude sexual_exploitation",
            "1",
            "1",
            "transport",
            "1",
            "0",
            "bus_matatu",
            "1",
            "0",
            "6",
            "uuid:v2-a",
            "uuid:first-a",
            "11",
            "v2-a",
            "2024-01-02T10:00:00",
            "validation_status_approved",
            "1",
        ]),
        row(&[
            "2024-01-03",
            "2024-01-03",
            "",
            "HAART Kenya",
            "Kenya 2020",
            "Busia",
            "Mombasa",
            "",
            "domestic_servitude",
            "1",
            "0",
            "",
            "0",
            "0",
            "",
            "0",
            "0",
            "2",
            "uuid:b",
            "",
            "12",
            "b",
            "2024-01-03T10:00:00",
            "validation_status_not_approved",
            "2",
        ]),
        row(&[
            "2024-01-04",
            "2024-01-04",
            "",
            "HAART Kenya",
            "Kenya 2020",
            "Bungoma",
            "",
            "Nairobi",
            "sexual_exploitation",
            "0",
            "1",
            "households",
            "0",
            "1",
            "private_car",
            "0",
            "1",
            "3",
            "uuid:c",
            "",
            "13",
            "c",
            "2024-01-04T10:00:00",
            "",
            "3",
        ]),
    ];
    let transit = vec![
        strings(&[
            "transit/transit_point",
            "_index",
            "_parent_table_name",
            "_parent_index",
            "_submission__id",
            "_submission__uuid",
        ]),
        row(&["Busia", "1", "vjt route report", "1", "11", "v2-a"]),
        row(&["Nakuru", "2", "vjt route report", "1", "11", "v2-a"]),
        // Typed as the old form's hint said: one entry, two places.
        row(&["Kisumu;Nakuru", "3", "vjt route report", "3", "13", "c"]),
    ];
    let path = dir.path("kobo.xlsx");
    xlsx_sheets(&path, &[("vjt route report", main.clone()), ("transit", transit.clone())]);
    let r = &run(&s, std::slice::from_ref(&path), &ImportOptions::default())[0];
    assert_eq!((r.imported, r.rejected, r.skipped), (2, 0, 1), "{:?}", r.problems);
    let said: Vec<String> = r.observations.iter().map(|m| m.text(vjt_domain::Lang::En)).collect();
    assert!(said.iter().any(|o| o.contains("1 submission was rejected")), "{said:?}");
    assert!(said.iter().any(|o| o.contains("1 transit entry named several places")), "{said:?}");
    assert_eq!(
        stored_routes(&s),
        [
            (
                "uuid:c".into(),
                strings(&["Bungoma", "Kisumu", "Nakuru", "Nairobi"]),
                "sexual_exploitation".into(),
                "households".into(),
                "private_car".into(),
                Some(3)
            ),
            (
                "uuid:first-a".into(),
                strings(&["Kakamega", "Busia", "Nakuru", "Nairobi"]),
                "sexual_exploitation;domestic_servitude".into(),
                "transport".into(),
                "bus_matatu".into(),
                Some(6)
            ),
        ]
    );
    // The submission edited again on KoBo (a new instance id, the same root): updated in place.
    let mut edited = main;
    edited[1][17] = "9".into();
    edited[1][18] = "uuid:v3-a".into();
    xlsx_sheets(&path, &[("vjt route report", edited), ("transit", transit)]);
    let r = &run(&s, &[path], &ImportOptions::default())[0];
    assert_eq!((r.imported, r.updated, r.unchanged), (0, 1, 1), "{r:?}");
    assert_eq!(count(&s), 2);
}

#[test]
fn kobo_csv_with_labels_in_english_and_kiswahili() {
    use vjt_domain::{ExploitationType as E, Lang, TransportMode as T, Vocabulary};
    let dir = Scratch::new("kobo_labels");
    let s = store(&dir);
    // English labels, groups in the header with KoBo's '.' separator, choices as labels joined
    // by spaces and as one column per choice label; KoBo's ';' CSV; no repeat data (a CSV export).
    let en = |e: E| e.label(Lang::En);
    let csv = format!(
        "Your reference for this route;Your organisation;Collection round;Where the journey started.Where did the journey start?;\
Where it was meant to end, and where it did.Where were they told they were going?;What forms of exploitation?;\
What forms of exploitation?.{ds};What forms of exploitation?.{se};How did they travel?;How many people were on this route?;_validation_status\n\
R-1;HAART Kenya;Kenya 2020;Kakamega;Nairobi;{ds} {se};1;1;{bus};4;Approved\n\
R-2;HAART Kenya;Kenya 2020;Busia;Mombasa;{ds};1;0;;2;Not Approved\n",
        ds = en(E::DomesticServitude),
        se = en(E::SexualExploitation),
        bus = T::BusMatatu.label(Lang::En),
    );
    let r = &run(&s, &[dir.file("labels.csv", csv)], &ImportOptions::default())[0];
    assert_eq!((r.imported, r.rejected, r.skipped), (1, 0, 1), "{:?}", r.problems);
    let said: Vec<String> = r.observations.iter().map(|m| m.text(Lang::En)).collect();
    assert!(said.iter().any(|o| o.contains("no transit points")), "{said:?}");
    let routes = stored_routes(&s);
    assert_eq!(routes[0].0, "R-1");
    assert_eq!(routes[0].1, strings(&["Kakamega", "Nairobi"]));
    assert_eq!(routes[0].2, "sexual_exploitation;domestic_servitude");
    assert_eq!(routes[0].4, "bus_matatu");
    assert_eq!(routes[0].5, Some(4));

    // Kiswahili labels, one column per multiple choice with the labels joined by spaces.
    let sw = |e: E| e.label(Lang::Sw);
    let main = vec![
        strings(&[
            "Namba yenu ya kumbukumbu ya njia hii",
            "Shirika lenu",
            "Awamu ya ukusanyaji",
            "Safari ilianzia wapi?",
            "Unyonyaji ulitokea wapi?",
            "Ni aina gani za unyonyaji?",
            "Ni watu wangapi walikuwa katika njia hii?",
            "_id",
            "_uuid",
            "_submission_time",
            "_index",
        ]),
        vec![
            "R-3".into(),
            "Candle of Hope".into(),
            "Kenya 2020".into(),
            "Migori".into(),
            "Kisumu".into(),
            format!("{} {}", sw(E::ForcedLabour), sw(E::ChildLabour)),
            "5".into(),
            "21".into(),
            "u-3".into(),
            "2024-03-01T10:00:00".into(),
            "1".into(),
        ],
    ];
    let path = dir.path("sw.xlsx");
    xlsx_sheets(&path, &[("ripoti", main)]);
    let r = &run(&s, &[path], &ImportOptions::default())[0];
    assert_eq!((r.imported, r.rejected), (1, 0), "{:?}", r.problems);
    let routes = stored_routes(&s);
    let r3 = routes.iter().find(|r| r.0 == "R-3").unwrap();
    assert_eq!(r3.1, strings(&["Migori", "Kisumu"]));
    assert_eq!(r3.2, "forced_labour;child_labour");
}

#[test]
fn odk_central_zip_as_downloaded_with_edits_and_rejections() {
    use std::io::Write;
    let dir = Scratch::new("odk_zip");
    let s = store(&dir);
    let main_csv = |victims: &str, instance: &str| {
        format!(
            "SubmissionDate,report_id,organisation,round,start-origin,end-intended_destination,end-exploitation_place,\
exploitation_types,exploitation_types/domestic_servitude,exploitation_types/forced_labour,victims,meta-instanceID,KEY,\
SubmitterID,SubmitterName,AttachmentsPresent,AttachmentsExpected,Status,ReviewState,DeviceID,Edits,FormVersion\n\
2024-02-01T09:00:00.000Z,,HAART Kenya,Kenya 2020,Garissa,Nairobi,,forced_labour,0,1,{victims},{instance},uuid:k1,5,field1,0,0,,approved,collect:x,1,1\n\
2024-02-02T09:00:00.000Z,,HAART Kenya,Kenya 2020,Wajir,Nairobi,,forced_labour,0,1,2,uuid:k2,uuid:k2,5,field1,0,0,,rejected,collect:x,0,1\n"
        )
    };
    let repeat_csv = "transit_point,PARENT_KEY,KEY\nMwingi,uuid:k1,uuid:k1/transit[1]\nThika,uuid:k1,uuid:k1/transit[2]\nIsiolo,uuid:k2,uuid:k2/transit[1]\n";
    let zip_of = |main: String| {
        let path = dir.path("vjt_route.csv.zip");
        let mut zip = zip::ZipWriter::new(std::fs::File::create(&path).unwrap());
        let options = zip::write::SimpleFileOptions::default();
        zip.start_file("vjt_route.csv", options).unwrap();
        zip.write_all(main.as_bytes()).unwrap();
        zip.start_file("vjt_route-transit.csv", options).unwrap();
        zip.write_all(repeat_csv.as_bytes()).unwrap();
        zip.finish().unwrap();
        path
    };
    let r = &run(&s, &[zip_of(main_csv("7", "uuid:k1"))], &ImportOptions::default())[0];
    assert_eq!((r.imported, r.rejected, r.skipped), (1, 0, 1), "{:?}", r.problems);
    assert_eq!(
        stored_routes(&s),
        [(
            "uuid:k1".into(),
            strings(&["Garissa", "Mwingi", "Thika", "Nairobi"]),
            "forced_labour".into(),
            "".into(),
            "".into(),
            Some(7)
        )]
    );
    // Edited on Central: a new instance id, the same KEY; the report is updated, not copied.
    let r = &run(&s, &[zip_of(main_csv("8", "uuid:k1-edit"))], &ImportOptions::default())[0];
    assert_eq!((r.imported, r.updated), (0, 1), "{r:?}");
    assert_eq!(stored_routes(&s)[0].5, Some(8));
    assert_eq!(count(&s), 1);
}

/// An XLSX workbook written part by part (as a hostile one would be), with one sheet.
fn handmade_xlsx(path: &Path, sheet_xml: &[u8]) {
    use std::io::Write;
    let mut zip = zip::ZipWriter::new(std::fs::File::create(path).unwrap());
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(9))
        .large_file(sheet_xml.len() > u32::MAX as usize / 2);
    let parts: [(&str, &[u8]); 4] = [
        ("[Content_Types].xml", br#"<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>"#),
        ("_rels/.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#),
        ("xl/workbook.xml", br#"<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="routes" sheetId="1" r:id="rId1"/></sheets></workbook>"#),
        ("xl/_rels/workbook.xml.rels", br#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>"#),
    ];
    for (name, bytes) in parts {
        zip.start_file(name, options).unwrap();
        zip.write_all(bytes).unwrap();
    }
    zip.start_file("xl/worksheets/sheet1.xml", options).unwrap();
    zip.write_all(sheet_xml).unwrap();
    zip.finish().unwrap();
}

fn inline(cell: &str, text: &str) -> String {
    format!(r#"<c r="{cell}" t="inlineStr"><is><t>{text}</t></is></c>"#)
}

fn sheet(rows: &[(u32, Vec<String>)], padding: usize) -> Vec<u8> {
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>"#,
    );
    for (r, cells) in rows {
        xml.push_str(&format!(r#"<row r="{r}">{}</row>"#, cells.concat()));
    }
    let mut bytes = xml.into_bytes();
    bytes.resize(bytes.len() + padding, b' ');
    bytes.extend_from_slice(b"</sheetData></worksheet>");
    bytes
}

/// The most memory this process has held so far (Linux), in MiB.
fn peak_mib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
        .map_or(0, |kb| kb / 1024)
}

#[test]
fn hostile_files_are_refused_within_budgets_with_a_plain_message() {
    use vjt_ingest::source::{open, Limits};
    let dir = Scratch::new("hostile");
    let before = peak_mib();
    let started = std::time::Instant::now();

    // Two cells far apart: once a dense sheet of 2,000 columns by a million rows (64 GB).
    let far = dir.path("far.xlsx");
    handmade_xlsx(
        &far,
        &sheet(&[(1, vec![inline("A1", "origin")]), (1_048_576, vec![inline("BXX1048576", "Nairobi")])], 0),
    );
    let table = open(&far).unwrap();
    let rows: Vec<_> = table.map(Result::unwrap).collect();
    assert_eq!(rows.len(), 1);
    assert_eq!((rows[0].0, rows[0].1.get(1999)), (1_048_576, Some("Nairobi")), "BXX is the 2,000th column");

    // A cell beyond the column limit, named by its row.
    let wide = dir.path("wide.xlsx");
    handmade_xlsx(&wide, &sheet(&[(1, vec![inline("A1", "origin")]), (7, vec![inline("XFD7", "x")])], 0));
    let err = open(&wide).err().unwrap().to_string();
    assert!(err.contains("row 7") && err.contains(&format!("more than {} columns", Limits::COLUMNS)), "{err}");

    // A deflate bomb: a few hundred kilobytes that unpack past the limit.
    let bomb = dir.path("bomb.xlsx");
    handmade_xlsx(&bomb, &sheet(&[(1, vec![inline("A1", "origin")])], Limits::UNPACKED_BYTES as usize + 1));
    let packed = std::fs::metadata(&bomb).unwrap().len();
    assert!(packed < 2 << 20, "the bomb is {packed} bytes");
    let err = open(&bomb).err().unwrap().to_string();
    assert!(err.contains("unpacks to more than 256 MiB"), "{err}");

    // A CSV whose one header cell is 40 MB, and one with 100,000 columns.
    let long = dir.file("long.csv", format!("origin,{}\nNairobi,x\n", "h".repeat(40 << 20)));
    let err = open(&long).err().unwrap().to_string();
    assert!(err.contains("row 1") && err.contains("more than 32767 characters"), "{err}");
    let many = dir.file("many.csv", format!("origin{}\n", ",c".repeat(100_000)));
    assert!(open(&many).err().unwrap().to_string().contains("more than 2000 columns"));

    let took = started.elapsed();
    let grew = peak_mib().saturating_sub(before);
    assert!(took < std::time::Duration::from_secs(60), "hostile files took {took:?}");
    assert!(grew < 1024, "reading hostile files took the process's peak up by {grew} MiB");
}

#[test]
fn rows_with_names_in_notes_are_refused_unless_checked() {
    let dir = Scratch::new("names");
    let s = store(&dir);
    let csv = format!(
        "{HEADER}r1,HAART Kenya,Kenya 2020,Kakamega,,Nairobi,,domestic servitude,bus,3,,,,Survivor Mary Wanjiku from Kakamega\n\
         r2,HAART Kenya,Kenya 2020,Kisumu,,Nairobi,,domestic servitude,bus,4,,,,Recruited through a church group\n"
    );
    let file = dir.file("names.csv", csv);
    let first = run(&s, std::slice::from_ref(&file), &ImportOptions::default());
    assert_eq!((first[0].imported, first[0].rejected), (1, 1));
    let problem = first[0].problems[0].to_string();
    assert!(problem.contains("row 2") && problem.contains("'Mary Wanjiku' may be the name of a person"), "{problem}");
    let checked = run(&s, &[file], &ImportOptions { names_checked: true, ..Default::default() });
    assert_eq!((checked[0].imported, checked[0].rejected), (1, 0), "the other row is already in");
}

#[test]
fn a_damaged_utf8_file_stays_utf8() {
    let mut bytes = "origin,notes\nMüranga,café\nKisii,\u{e9}t\u{e9}\n".as_bytes().to_vec();
    bytes.push(0xff); // one bad byte
    bytes.extend_from_slice(b"\nNyeri,x\n");
    let (text, encoding) = vjt_ingest::source::decode(bytes);
    assert!(text.contains("Müranga") && text.contains("café"), "{text}");
    assert!(encoding.starts_with("utf-8") && encoding.contains("damaged"), "{encoding}");
    // A real Windows-1252 file is still read as one.
    let (text, encoding) = vjt_ingest::source::decode(b"origin\nMur\xe9nga\n".to_vec());
    assert_eq!((text.as_str(), encoding), ("origin\nMurénga\n", "windows-1252"));
}

mod readers_never_panic {
    //! Random and mutated inputs for every reader: each either reads or says why not, in bounded
    //! time and memory, and never panics. `PROPTEST_CASES=5000 cargo test -p vjt-ingest
    //! readers_never_panic` runs longer.
    use super::*;
    use proptest::prelude::*;

    fn import_bytes(dir: &Scratch, name: &str, bytes: &[u8]) {
        let path = dir.file(name, bytes);
        let store = Store::open(":memory:").unwrap();
        let resolver = Resolver::new(Gazetteer::embedded());
        let options = ImportOptions { dry_run: true, rejects: Some(dir.path("rejects.csv")), ..Default::default() };
        if let Ok(inputs) = open_inputs(&[path]) {
            for (table, repeats) in inputs {
                let _ = import_file(&store, &resolver, table, repeats, &options, &mut |_, _| {});
            }
        }
    }

    /// Real exports of every layout vjt reads, to mutate.
    fn seeds() -> Vec<(&'static str, Vec<u8>)> {
        vec![
            ("template.csv", format!("{HEADER}r1,HAART Kenya,Kenya 2020,Kakamega,Busia;Nakuru,Nairobi,,domestic servitude,bus,12,8,4,2020-01,note\n").into_bytes()),
            ("kobo.csv", KOBO_MAIN.as_bytes().to_vec()),
            ("transit.csv", KOBO_TRANSIT.as_bytes().to_vec()),
            ("ctdc.csv", b"yearOfRegistration,Datasource,gender,ageBroad,majorityStatus,citizenship,CountryOfExploitation,typeOfExploitConcatenated,isForcedLabour,isSexualExploit\n2019,Case Management,Female,18--20,Adult,KE,SA,Forced labour,1,0\n".to_vec()),
            ("unodc.csv", b"Iso3_code,Country,Region,Subregion,Indicator,Dimension,Category,Sex,Age,Year,Unit of measurement,txtVALUE,Source\nKEN,Kenya,Africa,Eastern Africa,Detected trafficking victims,Total,Total,Female,Adult,2020,Counts,12,NP\n".to_vec()),
        ]
    }

    fn mutate(mut bytes: Vec<u8>, edits: &[(usize, u8, u8)]) -> Vec<u8> {
        for &(at, kind, byte) in edits {
            if bytes.is_empty() {
                bytes.push(byte);
                continue;
            }
            let at = at % bytes.len();
            match kind % 4 {
                0 => bytes[at] = byte,
                1 => bytes.insert(at, byte),
                2 => {
                    bytes.remove(at);
                }
                _ => {
                    let piece: Vec<u8> = bytes[at..].iter().take(40).copied().collect();
                    bytes.splice(at..at, piece);
                }
            }
        }
        bytes
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

        #[test]
        fn mutated_csv_exports(seed in 0usize..5, edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..40)) {
            let dir = Scratch::new("fuzz_csv");
            let (name, bytes) = seeds().swap_remove(seed);
            import_bytes(&dir, name, &mutate(bytes, &edits));
        }

        #[test]
        fn random_bytes_as_any_kind_of_file(bytes in proptest::collection::vec(any::<u8>(), 0..2000), ext in prop::sample::select(vec!["csv", "xlsx", "zip", "tsv"])) {
            let dir = Scratch::new("fuzz_random");
            import_bytes(&dir, &format!("f.{ext}"), &bytes);
        }

        #[test]
        fn mutated_workbooks(edits in proptest::collection::vec((any::<usize>(), any::<u8>(), any::<u8>()), 0..8)) {
            let dir = Scratch::new("fuzz_xlsx");
            let good = dir.path("good.xlsx");
            handmade_xlsx(&good, &sheet(&[
                (1, vec![inline("A1", "origin"), inline("B1", "intended_destination"), inline("C1", "victims")]),
                (2, vec![inline("A2", "Kakamega"), inline("B2", "Nairobi"), r#"<c r="C2"><v>12</v></c>"#.to_string()]),
            ], 0));
            let bytes = std::fs::read(&good).unwrap();
            import_bytes(&dir, "mutated.xlsx", &mutate(bytes, &edits));
        }
    }
}
