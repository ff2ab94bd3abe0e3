//! Exporting reports in the template layout, page by page (never the whole table in memory).
//! The file is written beside its final name and renamed at the end, so a failed export leaves no
//! half-written file behind.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use rust_xlsxwriter::{Format, Workbook, XlsxError};
use vjt_domain::vocab::join_codes;
use vjt_domain::{OrganisationId, RoundId, StoredReport};
use vjt_gazetteer::Gazetteer;
use vjt_store::{ReportQuery, Store, StoreError};

use crate::columns::Field;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportFormat {
    Csv,
    Xlsx,
}

impl ExportFormat {
    /// From `--format`, or else the output file's extension.
    pub fn choose(format: Option<&str>, out: &Path) -> Result<ExportFormat, String> {
        let name = match format {
            Some(f) => f.to_ascii_lowercase(),
            None => out.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase(),
        };
        match name.as_str() {
            "csv" => Ok(ExportFormat::Csv),
            "xlsx" => Ok(ExportFormat::Xlsx),
            other => Err(format!("'{other}' is not an export format; use csv or xlsx")),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("cannot write {file}: {reason}")]
    Write { file: String, reason: String },
}

const PAGE: u32 = 5_000;

/// Columns an export adds after the template's: the review status, and the ISO 3166-2:KE
/// county of each resolved stop (transit points `;`-separated, in order). The importer reads
/// them back: the status is restored, and a place name that could be in several counties is
/// resolved in the county given.
pub const EXTRA_COLUMNS: [&str; 5] =
    ["status", "origin_county", "transit_counties", "intended_destination_county", "exploitation_place_county"];

/// The county code of a stop's place, if it lies in a county.
fn county_of(g: &Gazetteer, stop: &vjt_domain::Stop) -> String {
    stop.place
        .as_ref()
        .and_then(|p| g.by_id(&p.0))
        .and_then(|ix| g.county_of(ix))
        .and_then(|c| g.place(c).county_codes.as_ref().map(|cc| cc.iso.clone()))
        .unwrap_or_default()
}

/// The extra columns of one report.
fn extra_row(s: &StoredReport) -> Vec<String> {
    let g = Gazetteer::embedded();
    let j = &s.report.journey;
    vec![
        s.report.status.to_string(),
        county_of(g, j.origin()),
        j.transit().iter().map(|t| county_of(g, t)).collect::<Vec<_>>().join(";"),
        j.destination().map(|d| county_of(g, d)).unwrap_or_default(),
        j.exploitation().map(|d| county_of(g, d)).unwrap_or_default(),
    ]
}

/// The template columns of one report.
fn template_row(
    s: &StoredReport,
    orgs: &HashMap<OrganisationId, String>,
    rounds: &HashMap<RoundId, String>,
) -> Vec<String> {
    let r = &s.report;
    let j = &r.journey;
    let num = |n: Option<u32>| n.map(|v| v.to_string()).unwrap_or_default();
    Field::ALL
        .iter()
        .map(|c| match c {
            Field::ReportId => r.report_id.as_ref().map(ToString::to_string).unwrap_or_default(),
            Field::Organisation => orgs.get(&r.organisation).cloned().unwrap_or_default(),
            Field::Round => rounds.get(&r.round).cloned().unwrap_or_default(),
            Field::Origin => j.origin().text.to_string(),
            Field::Transit => j.transit().iter().map(|s| s.text.as_str()).collect::<Vec<_>>().join(";"),
            Field::IntendedDestination => j.destination().map(|s| s.text.to_string()).unwrap_or_default(),
            Field::ExploitationPlace => j.exploitation().map(|s| s.text.to_string()).unwrap_or_default(),
            Field::ExploitationTypes => join_codes(&r.exploitation_types),
            Field::Sectors => join_codes(&r.sectors),
            Field::TransportModes => join_codes(&r.transport_modes),
            Field::RecruitmentMethods => join_codes(&r.recruitment_methods),
            Field::RecruiterRelationship => join_codes(&r.recruiter_relationships),
            Field::Victims => match r.victims_below {
                Some(bound) => format!("<{bound}"),
                None => num(r.victims.map(|v| v.get())),
            },
            Field::Female => num(r.profile.female),
            Field::Male => num(r.profile.male),
            Field::Children => num(r.profile.children),
            Field::Adults => num(r.profile.adults),
            Field::PeriodStart => r.period_start.map(|m| m.to_string()).unwrap_or_default(),
            Field::PeriodEnd => r.period_end.map(|m| m.to_string()).unwrap_or_default(),
            Field::Source => r.source.to_string(),
            Field::Confidence => r.confidence.to_string(),
            Field::Notes => r.notes.as_ref().map(ToString::to_string).unwrap_or_default(),
        })
        .collect()
}

fn temp_path(out: &Path) -> PathBuf {
    let name = out.file_name().and_then(|n| n.to_str()).unwrap_or("export");
    out.with_file_name(format!(".{name}.partial"))
}

/// Writes every report matching `query` to `out`; returns how many. `progress` gets the count so far.
pub fn export(
    store: &Store,
    query: &ReportQuery,
    format: ExportFormat,
    out: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<u64, ExportError> {
    export_with(store, query, format, false, out, progress)
}

/// As [`export`]; with `excel`, a CSV file starts with the byte-order mark that Excel on
/// Windows needs to read it as UTF-8.
pub fn export_with(
    store: &Store,
    query: &ReportQuery,
    format: ExportFormat,
    excel: bool,
    out: &Path,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<u64, ExportError> {
    let orgs: HashMap<OrganisationId, String> =
        store.organisations()?.into_iter().map(|o| (o.id, o.name.to_string())).collect();
    let rounds: HashMap<RoundId, String> = store.rounds()?.into_iter().map(|r| (r.id, r.name.to_string())).collect();
    let total = store.count_reports(query)?;
    let tmp = temp_path(out);
    let fail =
        |e: &dyn std::fmt::Display| ExportError::Write { file: out.display().to_string(), reason: e.to_string() };
    let result = match format {
        ExportFormat::Csv => export_csv(store, query, &tmp, excel, &orgs, &rounds, total, progress),
        ExportFormat::Xlsx => export_xlsx(store, query, &tmp, &orgs, &rounds, total, progress),
    };
    match result {
        Ok(n) => {
            std::fs::rename(&tmp, out).map_err(|e| fail(&e))?;
            Ok(n)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}

/// Calls `each` for every report matching `query`, a page at a time.
fn for_each(
    store: &Store,
    query: &ReportQuery,
    mut each: impl FnMut(&StoredReport) -> Result<(), ExportError>,
) -> Result<u64, ExportError> {
    let mut after = None;
    let mut n = 0;
    loop {
        let page = store.reports_page(query, after, PAGE)?;
        let Some(last) = page.last() else { return Ok(n) };
        after = Some(last.id);
        for s in &page {
            each(s)?;
            n += 1;
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn export_csv(
    store: &Store,
    query: &ReportQuery,
    path: &Path,
    excel: bool,
    orgs: &HashMap<OrganisationId, String>,
    rounds: &HashMap<RoundId, String>,
    total: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<u64, ExportError> {
    use std::io::Write;
    let fail =
        |e: &dyn std::fmt::Display| ExportError::Write { file: path.display().to_string(), reason: e.to_string() };
    let mut file = std::io::BufWriter::new(std::fs::File::create(path).map_err(|e| fail(&e))?);
    if excel {
        file.write_all(crate::cells::EXCEL_BOM).map_err(|e| fail(&e))?;
    }
    let mut w = csv::Writer::from_writer(file);
    w.write_record(Field::ALL.iter().map(|c| c.code()).chain(EXTRA_COLUMNS)).map_err(|e| fail(&e))?;
    let mut done = 0;
    let n = for_each(store, query, |s| {
        let cells = template_row(s, orgs, rounds).into_iter().chain(extra_row(s));
        w.write_record(cells.map(|c| crate::cells::neutralise(&c).into_owned())).map_err(|e| fail(&e))?;
        done += 1;
        if done % PAGE as u64 == 0 {
            progress(done, total);
        }
        Ok(())
    })?;
    w.flush().map_err(|e| fail(&e))?;
    Ok(n)
}

fn export_xlsx(
    store: &Store,
    query: &ReportQuery,
    path: &Path,
    orgs: &HashMap<OrganisationId, String>,
    rounds: &HashMap<RoundId, String>,
    total: u64,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<u64, ExportError> {
    let fail = |e: XlsxError| ExportError::Write { file: path.display().to_string(), reason: e.to_string() };
    let g = Gazetteer::embedded();
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    // Constant-memory sheets stream rows to temporary files as they are written.
    book.add_worksheet_with_constant_memory().map_err(fail)?.set_name("routes").map_err(fail)?;
    book.add_worksheet_with_constant_memory().map_err(fail)?.set_name("stops").map_err(fail)?;
    {
        let routes = book.worksheet_from_name("routes").map_err(fail)?;
        for (c, column) in Field::ALL.iter().map(|f| f.code()).chain(EXTRA_COLUMNS).enumerate() {
            routes.write_string_with_format(0, c as u16, column, &bold).map_err(fail)?;
        }
    }
    let stop_header = [
        "report_id",
        "organisation",
        "seq",
        "role",
        "text_as_reported",
        "place_id",
        "place",
        "county_iso",
        "country_iso2",
        "arrived_by",
    ];
    {
        let stops = book.worksheet_from_name("stops").map_err(fail)?;
        for (c, h) in stop_header.iter().enumerate() {
            stops.write_string_with_format(0, c as u16, *h, &bold).map_err(fail)?;
        }
    }
    let (mut route_row, mut stop_row) = (1u32, 1u32);
    let mut done = 0;
    let n = for_each(store, query, |s| {
        let mut cells = template_row(s, orgs, rounds);
        let template_width = cells.len();
        cells.extend(extra_row(s));
        let routes = book.worksheet_from_name("routes").map_err(fail)?;
        for (c, cell) in cells.iter().enumerate() {
            if cell.is_empty() {
                continue;
            }
            let col = c as u16;
            let numeric = c < template_width
                && matches!(
                    Field::ALL[c],
                    Field::Victims | Field::Female | Field::Male | Field::Children | Field::Adults
                );
            match cell.parse::<f64>() {
                // "<5" stays text.
                Ok(v) if numeric => routes.write_number(route_row, col, v).map_err(fail)?,
                _ => routes.write_string(route_row, col, cell).map_err(fail)?,
            };
        }
        route_row += 1;
        let stops = book.worksheet_from_name("stops").map_err(fail)?;
        for (seq, (role, stop)) in s.report.journey.stops().enumerate() {
            let summary = stop.place.as_ref().and_then(|p| g.by_id(&p.0)).map(|ix| g.summary(ix));
            let row = [
                cells[0].clone(),
                cells[1].clone(),
                seq.to_string(),
                role.to_string(),
                stop.text.to_string(),
                stop.place.as_ref().map(|p| p.0.clone()).unwrap_or_default(),
                summary.as_ref().map(|p| p.name.clone()).unwrap_or_default(),
                summary.as_ref().and_then(|p| p.county.as_ref()).map(|c| c.iso.clone()).unwrap_or_default(),
                summary.as_ref().and_then(|p| p.country.as_ref()).map(|c| c.iso2.clone()).unwrap_or_default(),
                join_codes(&stop.arrived_by),
            ];
            for (c, cell) in row.iter().enumerate() {
                if !cell.is_empty() {
                    stops.write_string(stop_row, c as u16, cell).map_err(fail)?;
                }
            }
            stop_row += 1;
        }
        done += 1;
        if done % PAGE as u64 == 0 {
            progress(done, total);
        }
        Ok(())
    })?;
    book.save(path).map_err(fail)?;
    Ok(n)
}
