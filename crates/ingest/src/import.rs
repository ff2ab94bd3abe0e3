//! Importing files: detect the format, check the header, parse every row, resolve places, and
//! write the valid rows in one transaction per file. Invalid rows go to a rejects file in the same
//! layout with an `error` column, ready to be corrected and imported again.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use csv::StringRecord;
use vjt_domain::fields::NameMap;
use vjt_domain::text::fold;
use vjt_domain::{name_key, Message, OrganisationId, ReportRef, RoundId};
use vjt_gazetteer::{ResolutionCache, Resolver};
use vjt_store::{EncodedReport, FileRowSaved, Saved, Store, StoreError};

use crate::columns::Field;
use crate::rows::{parse_row, CellProblem, Layout, RowContext};
use crate::source::{self, SourceError, Table};

/// Which layout a file is in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    Auto,
    /// The vjt template (CSV or XLSX).
    Vjt,
    /// A KoBoToolbox export of vjt's XLSForm.
    Kobo,
    /// An ODK Central export of vjt's XLSForm.
    Odk,
    /// CTDC victim-level data.
    Ctdc,
    /// UNODC GLOTIP country data.
    Unodc,
}

impl std::str::FromStr for Format {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        Ok(match s.to_ascii_lowercase().as_str() {
            "auto" => Format::Auto,
            "vjt" | "template" => Format::Vjt,
            "kobo" | "kobotoolbox" => Format::Kobo,
            "odk" => Format::Odk,
            "ctdc" => Format::Ctdc,
            "unodc" | "glotip" => Format::Unodc,
            other => return Err(format!("'{other}' is not a format; use auto, vjt, kobo, odk, ctdc or unodc")),
        })
    }
}

fn has_header(header: &StringRecord, names: &[&str]) -> bool {
    header.iter().any(|h| names.iter().any(|n| h.trim().eq_ignore_ascii_case(n)))
}

/// Recognises a layout from its header.
pub fn detect(header: &StringRecord) -> Format {
    let first = header.get(0).unwrap_or("");
    if first.starts_with("By using this data")
        || has_header(header, &["yearRegister", "UN_COO_Region", "CountryOfExploitation"])
    {
        Format::Ctdc
    } else if has_header(header, &["Iso3_code"]) && has_header(header, &["txtVALUE"]) {
        Format::Unodc
    } else if has_header(header, &["_uuid", "_submission_time", "_index", "_validation_status", "__version__"]) {
        Format::Kobo
    } else if has_header(header, &["KEY", "meta-instanceID", "meta/instanceID", "SubmissionDate", "instanceID"]) {
        Format::Odk
    } else {
        Format::Vjt
    }
}

/// Whether a table is a KoBo/ODK repeat group (transit points) to be joined to its main table.
pub fn is_repeat_table(header: &StringRecord) -> bool {
    has_header(header, &["_parent_index", "PARENT_KEY"])
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error(transparent)]
    Source(#[from] SourceError),
    #[error("{}", self.message())]
    MissingColumns { file: String, missing: String, found: String },
    #[error("{}", self.message())]
    Unsupported { file: String, reason: Message },
    #[error("{0}")]
    Store(#[from] StoreError),
    #[error("{}", self.message())]
    Rejects { file: String, reason: String },
}

impl ImportError {
    /// What went wrong with the file, to be said in a language (the import page's).
    pub fn message(&self) -> Message {
        use vjt_domain::Arg;
        match self {
            ImportError::Source(e) => e.message(),
            ImportError::MissingColumns { file, missing, found } => Message::new("import-missing-columns")
                .with("file", Arg::Text(file.clone()))
                .with("missing", Arg::Text(missing.clone()))
                .with("found", Arg::Text(found.clone())),
            ImportError::Unsupported { file, reason } => {
                Message::new("import-file-problem").with("file", Arg::Text(file.clone())).with("reason", reason.clone())
            }
            ImportError::Store(e) => Message::new("import-database").with("reason", Arg::Text(e.to_string())),
            ImportError::Rejects { file, reason } => Message::new("import-rejects-unwritable")
                .with("file", Arg::Text(file.clone()))
                .with("reason", Arg::Text(reason.clone())),
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct ImportOptions {
    pub org: Option<OrganisationId>,
    pub round: Option<RoundId>,
    pub format: Option<Format>,
    pub dry_run: bool,
    pub strict: bool,
    /// Where rejected rows go; by default `NAME.rejects.csv` beside the input.
    pub rejects: Option<PathBuf>,
    /// The deployment's country, for place resolution ties.
    pub home_country: Option<String>,
    /// Rows whose notes hold words that look like names of people are refused unless the
    /// person importing has checked that they are not (`--names-checked`).
    pub names_checked: bool,
}

/// What importing one file did.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct FileReport {
    pub file: String,
    pub format: Option<Format>,
    pub encoding: String,
    pub rows_read: u64,
    pub imported: u64,
    pub updated: u64,
    pub unchanged: u64,
    pub rejected: u64,
    /// The first problems found (all of them are in the rejects file).
    pub problems: Vec<CellProblem>,
    pub rejects_file: Option<String>,
    /// Place texts that could not be resolved, with how many rows used them (imported anyway).
    pub unresolved_places: BTreeMap<String, u64>,
    pub redacted_rows: u64,
    /// Rows deliberately not imported (other indicators, breakdowns that would double count).
    pub skipped: u64,
    /// What was noticed about the file as a whole, to be said in a language.
    #[serde(serialize_with = "english")]
    pub observations: Vec<Message>,
    pub ignored_columns: Vec<String>,
    /// False when nothing was written: a dry run, or a strict import that found problems.
    pub committed: bool,
}

/// Messages in a JSON report: in English, like the rest of the command line.
fn english<S: serde::Serializer>(messages: &[Message], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(messages.iter().map(|m| m.text(vjt_domain::Lang::En)))
}

const PROBLEMS_KEPT: usize = 50;

impl FileReport {
    /// Tallies what saving one report did.
    pub(crate) fn count(&mut self, saved: Saved) {
        match saved {
            Saved::Inserted(_) => self.imported += 1,
            Saved::Updated(_) => self.updated += 1,
            Saved::Unchanged(_) => self.unchanged += 1,
        }
    }
}

/// The organisation and round that files naming none (CTDC, UNODC) need from the command line.
pub(crate) fn required_org_round(
    file: &str,
    what: &str,
    options: &ImportOptions,
) -> Result<(OrganisationId, RoundId), ImportError> {
    match (options.org, options.round) {
        (Some(o), Some(r)) => Ok((o, r)),
        _ => Err(ImportError::Unsupported {
            file: file.to_string(),
            reason: Message::new("import-needs-org-round").with("what", vjt_domain::Arg::Text(what.to_string())),
        }),
    }
}

/// Ends a file's transaction: nothing is kept for a dry run, nor for a strict import with problems.
pub(crate) fn finish(
    writer: vjt_store::ImportWriter,
    report: &mut FileReport,
    options: &ImportOptions,
) -> Result<(), ImportError> {
    if options.dry_run || (options.strict && report.rejected > 0) {
        writer.rollback()?;
    } else {
        writer.commit()?;
        report.committed = true;
    }
    Ok(())
}

fn default_rejects_path(input: &Path) -> PathBuf {
    let stem = input.file_stem().and_then(|s| s.to_str()).unwrap_or("import");
    input.with_file_name(format!("{stem}.rejects.csv"))
}

/// The organisation and round names of the database, by their name keys.
type NameMaps = (NameMap<OrganisationId>, NameMap<RoundId>);

/// Organisations and rounds by their name keys, and by their names exactly as registered, which
/// most rows give and which are then found without making a key (see `FieldContext`).
fn name_maps(store: &Store) -> Result<NameMaps, StoreError> {
    let both = |name: &str| [name_key(name), name.to_string()];
    let orgs = store.organisations()?.into_iter().flat_map(|o| both(o.name.as_str()).map(|k| (k, o.id))).collect();
    let rounds = store.rounds()?.into_iter().flat_map(|r| both(r.name.as_str()).map(|k| (k, r.id))).collect();
    Ok((orgs, rounds))
}

/// Transit points from a KoBo/ODK repeat table, in order, by the parent row's key.
fn repeat_transits(repeat: Table) -> Result<HashMap<String, Vec<String>>, SourceError> {
    let header = repeat.header.clone();
    let parent = header.iter().position(|h| h == "_parent_index" || h == "PARENT_KEY");
    let place = header.iter().position(|h| {
        let last = fold(h.rsplit(['/', '-', '.', ':']).next().unwrap_or(h));
        matches!(last.as_str(), "transit point" | "transit" | "place" | "kituo" | "kupitia")
            || crate::columns::Header::from_header(h) == Some(Field::Transit)
    });
    let mut out: HashMap<String, Vec<String>> = HashMap::new();
    let (Some(parent), Some(place)) = (parent, place) else { return Ok(out) };
    for row in repeat {
        let (_, record) = row?;
        let key = record.get(parent).unwrap_or("").trim().to_string();
        let text = record.get(place).unwrap_or("").trim();
        if !text.is_empty() {
            out.entry(key).or_default().push(text.to_string());
        }
    }
    Ok(out)
}

/// A stable id for a template row that has none, from its cells: importing the same file again
/// then finds the same reports instead of adding copies.
fn row_fingerprint(record: &StringRecord) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for cell in record.iter() {
        for b in cell.trim().bytes().chain([0x1f]) {
            h ^= u64::from(b);
            h = h.wrapping_mul(0x0100_0000_01b3);
        }
    }
    format!("auto-{h:016x}")
}

/// The most rows the maps of a file's references make room for at the start: the row estimate
/// counts lines, and a larger file's maps grow as they go.
const ROOM_MADE_FOR: u64 = 4_000_000;

/// Rows go from the reading thread to the writing thread in batches of this many.
const BATCH: usize = 2048;

/// One row after the reading thread is done with it.
// Nearly every row is valid, so the large variant is the usual one; boxing it would add an
// allocation per row that the writing thread frees, which is what the encoding avoids.
#[allow(clippy::large_enum_variant)]
enum Parsed {
    Valid {
        encoded: EncodedReport,
        /// The file's row number.
        row: u64,
        /// The row's cells, kept only when it may repeat an earlier row's reference (see
        /// [`SeenReferences`]): the writer, which tells for sure, puts a repeat in the rejects file.
        record: Option<StringRecord>,
        redacted: bool,
        unresolved: Vec<String>,
        splits: u64,
    },
    Rejected {
        record: StringRecord,
        problems: Vec<CellProblem>,
    },
    /// Rejected on KoBoToolbox or ODK Central: left out.
    RejectedOnPlatform,
}

/// Whether a KoBo/ODK row was rejected on the platform (ODK Central's `ReviewState`, KoBo's
/// `_validation_status`, as code or as label).
fn rejected_on_platform(record: &StringRecord, review: Option<usize>) -> bool {
    let value = review.and_then(|i| record.get(i)).map(fold).unwrap_or_default();
    value == "rejected" || value.ends_with("not approved")
}

/// A transit entry that names several places (`Kisumu;Nakuru`, `Kisumu, Nakuru`,
/// `Kisumu - Nakuru`, as a form's hint once invited): one stop per place, when every part is a
/// place the resolver knows.
fn split_transit(entry: &str, resolver: &Resolver<'_>) -> Option<Vec<String>> {
    for separator in [";", ",", " - ", "/"] {
        let parts: Vec<&str> = entry.split(separator).map(str::trim).filter(|p| !p.is_empty()).collect();
        if parts.len() >= 2
            && parts.iter().all(|p| resolver.resolve(p, &vjt_gazetteer::Context::default()).resolved().is_some())
        {
            return Some(parts.into_iter().map(str::to_string).collect());
        }
    }
    None
}

/// The organisations' references the file's rows have given so far, as 64-bit hashes: a row
/// whose hash is new cannot repeat an earlier row, so only the few others carry their cells to
/// the writer, which keeps the references themselves and rejects a repeat (see
/// `ImportWriter::save_file_row`). A set of numbers costs the reading thread no copy of each
/// reference and a twentieth of the memory of a map of them.
struct SeenReferences {
    hashes: std::collections::HashSet<u64, ahash::RandomState>,
    hasher: ahash::RandomState,
}

impl SeenReferences {
    fn with_capacity(rows: usize) -> Self {
        SeenReferences {
            hashes: std::collections::HashSet::with_capacity_and_hasher(rows, Default::default()),
            hasher: ahash::RandomState::new(),
        }
    }

    /// Notes a row's reference; says whether the same hash came before.
    fn seen_before(&mut self, organisation: OrganisationId, reference: &str) -> bool {
        !self.hashes.insert(self.hasher.hash_one((organisation.0, reference)))
    }
}

/// Validates, identifies, resolves and encodes one row (the reading thread's work).
#[allow(clippy::too_many_arguments)]
fn parse_one(
    layout: &Layout,
    ctx: &RowContext<'_>,
    transits: &HashMap<String, Vec<String>>,
    join_column: Option<usize>,
    id_columns: &[Option<usize>],
    resolver: &Resolver<'_>,
    home: Option<&str>,
    cache: &mut ResolutionCache,
    seen: &mut SeenReferences,
    row: u64,
    record: StringRecord,
) -> Parsed {
    let given =
        join_column.and_then(|j| record.get(j)).and_then(|k| transits.get(k.trim())).map_or(&[][..], Vec::as_slice);
    let mut splits = 0;
    let mut extra: Vec<String> = Vec::with_capacity(given.len());
    for entry in given {
        match split_transit(entry, resolver) {
            Some(parts) => {
                splits += 1;
                extra.extend(parts);
            }
            None => extra.push(entry.clone()),
        }
    }
    let mut parsed = match parse_row(layout, &record, row, ctx, &extra) {
        Ok(p) => p,
        Err(problems) => return Parsed::Rejected { record, problems },
    };
    if parsed.report.report_id.is_none() {
        // The first of the submission's ids that this row has (a KoBo submission never edited
        // has no rootUuid).
        let submission =
            id_columns.iter().flatten().filter_map(|&i| record.get(i)).map(str::trim).find(|s| !s.is_empty());
        let reference = match submission {
            Some(submission) => submission.to_string(),
            None => row_fingerprint(&record),
        };
        let mut draft = parsed.report.into_draft();
        draft.report_id = ReportRef::parse(&reference).ok();
        parsed.report = vjt_domain::RouteReport::new(draft).expect("only the report id changed");
    }
    let reference = parsed.report.report_id.as_ref().map_or("", |r| r.as_str());
    let may_repeat = seen.seen_before(parsed.report.organisation, reference);
    if let Some(status) = layout.status(&record) {
        parsed.report.set_status(status);
    }
    let resolutions = resolver.resolve_journey_cached(parsed.report.journey_mut(), home, cache);
    let j = &parsed.report.journey;
    let expected = layout.counties(&record, j.transit().len(), j.destination().is_some(), j.exploitation().is_some());
    if expected.iter().any(Option::is_some) {
        keep_exported_counties(resolver.gazetteer(), parsed.report.journey_mut(), &resolutions, &expected);
    }
    let unresolved =
        parsed.report.journey.stops().filter(|(_, s)| s.place.is_none()).map(|(_, s)| s.text.to_string()).collect();
    Parsed::Valid {
        encoded: EncodedReport::new(&parsed.report),
        row,
        record: may_repeat.then_some(record),
        redacted: !parsed.redactions.is_empty(),
        unresolved,
        splits,
    }
}

/// A re-imported export says which county each place was in: where the resolver chose a place
/// elsewhere (or none), its best candidate in that county is taken instead, if it has one.
fn keep_exported_counties(
    g: &vjt_gazetteer::Gazetteer,
    journey: &mut vjt_domain::Journey,
    resolutions: &[std::rc::Rc<vjt_gazetteer::Resolution>],
    expected: &[Option<String>],
) {
    let county = |ix: vjt_gazetteer::PlaceIx| {
        g.county_of(ix).and_then(|c| g.place(c).county_codes.as_ref().map(|cc| cc.iso.clone()))
    };
    for ((stop, r), want) in journey.stops_mut().zip(resolutions).zip(expected) {
        let Some(want) = want else { continue };
        let now = stop.place.as_ref().and_then(|p| g.by_id(&p.0));
        if now.and_then(county).as_ref() == Some(want) {
            continue;
        }
        let candidate =
            r.best.iter().chain(&r.alternatives).map(|m| m.place).find(|&ix| county(ix).as_ref() == Some(want));
        if let Some(ix) = candidate {
            stop.place = Some(vjt_domain::PlaceId(g.place(ix).id.clone()));
        }
    }
}

/// Imports one file (with any repeat tables that belong to it). `progress` is called with the
/// number of rows read so far and the estimated total.
pub fn import_file(
    store: &Store,
    resolver: &Resolver<'_>,
    table: Table,
    repeats: Vec<Table>,
    options: &ImportOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<FileReport, ImportError> {
    let format = match options.format {
        None | Some(Format::Auto) => detect(&table.header),
        Some(f) => f,
    };
    match format {
        Format::Ctdc => return crate::ctdc::import(store, resolver, table, options, progress),
        Format::Unodc => return crate::unodc::import(store, resolver, table, options, progress),
        _ => {}
    }
    let file = table.file.clone();
    let layout = Layout::from_header(&table.header);
    let missing = layout.missing(options.org.is_some(), options.round.is_some());
    if !missing.is_empty() {
        let found: Vec<&str> = table.header.iter().filter(|h| !h.trim().is_empty()).collect();
        return Err(ImportError::MissingColumns { file, missing: missing.join(", "), found: found.join(", ") });
    }
    let (organisations, rounds) = name_maps(store)?;
    let ctx = RowContext {
        organisations: &organisations,
        rounds: &rounds,
        default_org: options.org,
        default_round: options.round,
        space_separated_choices: matches!(format, Format::Kobo | Format::Odk),
        names_checked: options.names_checked,
    };
    // KoBo/ODK: the submission's own id, and the key that joins the transit repeat group.
    // What stays the same when a submission is edited on the platform: ODK Central's KEY, KoBo's
    // rootUuid; the instance id (which changes on edit) only when neither is there.
    let column_named = |names: &[&str]| {
        names.iter().find_map(|n| {
            table.header.iter().position(|h| {
                let h = h.trim();
                h == *n || h.rsplit(['/', '.', '-', ':']).next() == Some(n)
            })
        })
    };
    let id_columns = [
        column_named(&["KEY", "rootUuid"]),
        column_named(&["meta-instanceID", "meta/instanceID", "instanceID"]),
        column_named(&["_uuid"]),
    ];
    let review_column = column_named(&["ReviewState", "_validation_status"]);
    let join_column = table.header.iter().position(|h| ["_index", "KEY"].contains(&h.trim()));
    let mut transits: HashMap<String, Vec<String>> = HashMap::new();
    let has_repeats = !repeats.is_empty();
    for repeat in repeats {
        for (k, v) in repeat_transits(repeat)? {
            transits.entry(k).or_default().extend(v);
        }
    }

    let mut report = FileReport {
        file: file.clone(),
        format: Some(format),
        encoding: table.encoding.to_string(),
        ignored_columns: layout
            .unknown_headers
            .iter()
            .filter(|h| {
                !h.starts_with('_')
                    && !["KEY", "SubmissionDate", "start", "end", "today", "deviceid"].contains(&h.as_str())
            })
            .cloned()
            .collect(),
        ..Default::default()
    };
    let total = table.estimated_rows;
    let header = table.header.clone();
    let mut rejects: Vec<StringRecord> = Vec::new();
    let home = options.home_country.as_deref().or(Some("KE"));
    let mut writer = store.begin_import(&file)?;
    writer.expect_reports(total.min(ROOM_MADE_FOR) as usize);
    let (mut rejected_on_platform_count, mut transit_splits) = (0u64, 0u64);
    if matches!(format, Format::Kobo | Format::Odk) && !layout.has(Field::Transit) && !has_repeats {
        report.observations.push(Message::new("observed-transit-missing"));
    }

    // Two stages on two cores: a worker reads, validates, resolves and encodes rows in batches;
    // this thread writes them. The channel is bounded, so memory stays flat on any file size.
    let worker_result = std::thread::scope(|scope| -> Result<(), ImportError> {
        let (sender, receiver) = std::sync::mpsc::sync_channel::<Vec<Parsed>>(4);
        let layout = &layout;
        let ctx = &ctx;
        let transits = &transits;
        let worker = scope.spawn(move || -> Result<(), SourceError> {
            // Sized for the whole file at once: a map grown to a million references moved every
            // reference again at each of its twenty doublings.
            let mut seen = SeenReferences::with_capacity(total.min(ROOM_MADE_FOR) as usize);
            let mut cache = ResolutionCache::default();
            let mut batch = Vec::with_capacity(BATCH);
            for item in table {
                let (row, record) = item?;
                if rejected_on_platform(&record, review_column) {
                    batch.push(Parsed::RejectedOnPlatform);
                    continue;
                }
                batch.push(parse_one(
                    layout,
                    ctx,
                    transits,
                    join_column,
                    &id_columns,
                    resolver,
                    home,
                    &mut cache,
                    &mut seen,
                    row,
                    record,
                ));
                if batch.len() == BATCH
                    && sender.send(std::mem::replace(&mut batch, Vec::with_capacity(BATCH))).is_err()
                {
                    return Ok(()); // the writer stopped; its error is reported
                }
            }
            let _ = sender.send(batch);
            Ok(())
        });
        for batch in receiver {
            for parsed in batch {
                report.rows_read += 1;
                if report.rows_read.is_multiple_of(2048) {
                    progress(report.rows_read, total);
                }
                match parsed {
                    Parsed::Rejected { record, problems } => {
                        reject(&mut report, &mut rejects, header.len(), record, problems);
                    }
                    Parsed::RejectedOnPlatform => {
                        report.skipped += 1;
                        rejected_on_platform_count += 1;
                    }
                    Parsed::Valid { encoded, row, record, redacted, unresolved, splits } => {
                        let saved = match writer.save_file_row(encoded, row)? {
                            FileRowSaved::Saved(saved) => saved,
                            FileRowSaved::Repeats { first_row, reference } => {
                                // Named by the row where the reference was first seen, however
                                // often it comes again.
                                let problem = CellProblem {
                                    row,
                                    column: Field::ReportId.code().into(),
                                    value: vjt_domain::text::shown(&reference),
                                    message: Message::new("cell-duplicate-reference").with("first", first_row),
                                };
                                // The same reference always hashes the same, so its row has its
                                // cells (see `SeenReferences`).
                                let record = record.unwrap_or_default();
                                reject(&mut report, &mut rejects, header.len(), record, vec![problem]);
                                continue;
                            }
                        };
                        report.redacted_rows += u64::from(redacted);
                        transit_splits += splits;
                        for text in unresolved {
                            if report.unresolved_places.len() < 10_000 || report.unresolved_places.contains_key(&text) {
                                *report.unresolved_places.entry(text).or_default() += 1;
                            }
                        }
                        report.count(saved);
                    }
                }
            }
        }
        worker.join().map_err(|_| ImportError::Unsupported {
            file: file.clone(),
            reason: Message::new("import-reader-failed"),
        })??;
        Ok(())
    });
    worker_result?;
    if rejected_on_platform_count > 0 {
        report.observations.push(Message::new("observed-platform-rejected").with("count", rejected_on_platform_count));
    }
    if transit_splits > 0 {
        report.observations.push(Message::new("observed-transit-split").with("count", transit_splits));
    }
    progress(report.rows_read, report.rows_read);
    finish(writer, &mut report, options)?;
    if !rejects.is_empty() && !options.dry_run {
        let path = options.rejects.clone().unwrap_or_else(|| default_rejects_path(Path::new(&file)));
        write_rejects(&path, &header, &rejects)?;
        report.rejects_file = Some(path.display().to_string());
    }
    Ok(report)
}

/// A row left out: counted, kept for the rejects file with what is wrong in an added cell, and
/// its first problems kept for the summary.
fn reject(
    report: &mut FileReport,
    rejects: &mut Vec<StringRecord>,
    columns: usize,
    record: StringRecord,
    problems: Vec<CellProblem>,
) {
    report.rejected += 1;
    let mut row: StringRecord = record.iter().collect();
    while row.len() < columns {
        row.push_field("");
    }
    row.push_field(&problems.iter().map(ToString::to_string).collect::<Vec<_>>().join("; "));
    rejects.push(row);
    for p in problems {
        if report.problems.len() < PROBLEMS_KEPT {
            report.problems.push(p);
        }
    }
}

fn write_rejects(path: &Path, header: &StringRecord, rows: &[StringRecord]) -> Result<(), ImportError> {
    let fail =
        |e: &dyn std::fmt::Display| ImportError::Rejects { file: path.display().to_string(), reason: e.to_string() };
    // Flexible: a messy row can have more cells than the header, and must come back as it was.
    let mut w = csv::WriterBuilder::new().flexible(true).from_path(path).map_err(|e| fail(&e))?;
    let mut head: StringRecord = header.iter().collect();
    head.push_field("error");
    w.write_record(&head).map_err(|e| fail(&e))?;
    // The rows come back as given, with any cell a spreadsheet would run as a formula quoted.
    for r in rows {
        w.write_record(r.iter().map(crate::cells::neutralise).map(|c| c.into_owned())).map_err(|e| fail(&e))?;
    }
    w.flush().map_err(|e| fail(&e))
}

/// Opens the files given on the command line and pairs each KoBo/ODK repeat table (a CSV of its
/// own, or a sheet of the same workbook) with the main table it belongs to.
pub fn open_inputs(paths: &[PathBuf]) -> Result<Vec<(Table, Vec<Table>)>, ImportError> {
    let mut mains: Vec<(Table, Vec<Table>)> = Vec::new();
    let mut loose_repeats: Vec<Table> = Vec::new();
    for path in paths {
        let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
        if ext == "zip" {
            // ODK Central's download: the main table and its repeat tables, together.
            let (repeats, tables): (Vec<Table>, Vec<Table>) =
                source::open_zip(path)?.into_iter().partition(|t| is_repeat_table(&t.header));
            let mut tables = tables.into_iter();
            let Some(main) = tables.next() else {
                loose_repeats.extend(repeats);
                continue;
            };
            mains.push((main, repeats));
            mains.extend(tables.map(|t| (t, Vec::new())));
        } else if matches!(ext.as_str(), "xlsx" | "xlsm" | "xls" | "ods") {
            let names = source::sheet_names(path)?;
            let main = source::open_sheet(path, None)?;
            let mut repeats = Vec::new();
            for name in names.iter().skip(1) {
                let sheet = source::open_sheet(path, Some(name));
                if let Ok(t) = sheet {
                    if is_repeat_table(&t.header) {
                        repeats.push(t);
                    }
                }
            }
            mains.push((main, repeats));
        } else {
            let t = source::open(path)?;
            if is_repeat_table(&t.header) {
                loose_repeats.push(t);
            } else {
                mains.push((t, Vec::new()));
            }
        }
    }
    if !loose_repeats.is_empty() {
        let Some(target) = mains.iter_mut().find(|(t, _)| matches!(detect(&t.header), Format::Kobo | Format::Odk))
        else {
            return Err(ImportError::Unsupported {
                file: loose_repeats[0].file.clone(),
                reason: Message::new("import-loose-repeat"),
            });
        };
        target.1.extend(loose_repeats);
    }
    Ok(mains)
}
