//! Between domain values and rows. Multi-valued vocabulary fields are stored as `;`-joined codes.

use std::collections::BTreeSet;
use std::num::NonZeroU32;
use std::str::FromStr;

use vjt_domain::vocab::{join_codes, Vocabulary};
use vjt_domain::{
    CountryCode, DateSpan, Journey, Notes, Organisation, OrganisationId, OrganisationName, PlaceId, Profile,
    ReportDraft, ReportRef, ReviewStatus, Round, RoundId, RoundName, RouteReport, RouteReportId, Stop, StopRole,
    StopText, StoredReport, YearMonth,
};

use crate::sql::{Conn, CopyRows, Param, Row, Value};
use crate::{parse_time, StoreError};

fn corrupt(e: impl std::fmt::Display) -> StoreError {
    StoreError::Corrupt(e.to_string())
}

pub(crate) fn organisation(row: &Row) -> Result<Organisation, StoreError> {
    Ok(Organisation {
        id: OrganisationId(row.int(0)?),
        name: OrganisationName::parse(row.text(1)?).map_err(corrupt)?,
        kind: row.text(2)?.parse().map_err(corrupt)?,
        country: row.opt_text(3)?.map(CountryCode::parse).transpose().map_err(corrupt)?,
    })
}

pub(crate) fn round(row: &Row) -> Result<Round, StoreError> {
    let start = vjt_domain::parse_date(row.text(2)?).map_err(corrupt)?;
    let end = vjt_domain::parse_date(row.text(3)?).map_err(corrupt)?;
    Ok(Round {
        id: RoundId(row.int(0)?),
        name: RoundName::parse(row.text(1)?).map_err(corrupt)?,
        span: DateSpan::new(start, end).map_err(corrupt)?,
    })
}

/// A report turned into column values, with a fingerprint of everything the organisation
/// reported (not the review status), so that re-importing an unchanged row changes nothing.
/// Building one is pure, so an importer can do it on another thread while the writer is busy
/// with the previous rows.
///
/// Every text of the row is kept in one string that the cells point into: one allocation per
/// report instead of one per text. An import makes these on its reading thread and frees them
/// on its writing thread, and each allocation that crosses costs both threads cache misses
/// (a sixth of the reading thread's time and an eighth of the writing thread's when every text
/// was a string of its own).
pub struct EncodedReport {
    text: String,
    cells: [Cell; REPORTED_COLUMNS],
    stop_texts: Span,
    stop_codes: Span,
    /// (sequence, text, folded text) of each stop without a place.
    unresolved: Vec<(i64, Span, Span)>,
    pub(crate) status: ReviewStatus,
    /// Made when first asked for (see [`EncodedReport::fingerprint`]).
    fingerprint: Option<u64>,
    pub(crate) organisation: vjt_domain::OrganisationId,
}

/// Where one text lies in an [`EncodedReport`]'s string.
#[derive(Clone, Copy)]
struct Span {
    start: usize,
    end: usize,
}

#[derive(Clone, Copy)]
enum Cell {
    Null,
    Int(i64),
    Text(Span),
}

/// The columns an encoding holds, from `organisation_id` to `victims_below`, in table order.
const REPORTED_COLUMNS: usize = 20;

fn count(n: Option<u32>) -> Cell {
    n.map_or(Cell::Null, |v| Cell::Int(v.into()))
}

/// Appends to a report's string; says where the text went.
fn push_text(text: &mut String, write: impl FnOnce(&mut String)) -> Span {
    let start = text.len();
    write(text);
    Span { start, end: text.len() }
}

/// What `join_codes` gives, written straight into a report's string.
fn push_codes<T: Vocabulary>(text: &mut String, terms: &BTreeSet<T>) -> Cell {
    Cell::Text(push_text(text, |t| {
        for (i, term) in terms.iter().enumerate() {
            if i > 0 {
                t.push(';');
            }
            t.push_str(term.code());
        }
    }))
}

fn optional(text: &mut String, s: Option<&str>) -> Cell {
    s.map_or(Cell::Null, |s| Cell::Text(push_text(text, |t| t.push_str(s))))
}

fn month_cell(text: &mut String, m: Option<YearMonth>) -> Cell {
    m.map_or(Cell::Null, |m| Cell::Text(push_text(text, |t| m.push_to(t))))
}

impl EncodedReport {
    /// Encodes a report for writing.
    pub fn new(r: &RouteReport) -> Self {
        let mut text = String::with_capacity(256);
        let t = &mut text;
        let cells: [Cell; REPORTED_COLUMNS] = [
            Cell::Int(r.organisation.0),
            Cell::Int(r.round.0),
            optional(t, r.report_id.as_ref().map(|x| x.as_str())),
            push_codes(t, &r.exploitation_types),
            push_codes(t, &r.sectors),
            push_codes(t, &r.transport_modes),
            push_codes(t, &r.recruitment_methods),
            push_codes(t, &r.recruiter_relationships),
            count(r.victims.map(NonZeroU32::get)),
            count(r.profile.female),
            count(r.profile.male),
            count(r.profile.other_gender),
            count(r.profile.children),
            count(r.profile.adults),
            month_cell(t, r.period_start),
            month_cell(t, r.period_end),
            optional(t, Some(r.source.code())),
            optional(t, Some(r.confidence.code())),
            optional(t, r.notes.as_ref().map(|n| n.as_str())),
            count(r.victims_below.map(NonZeroU32::get)),
        ];
        let empty = Span { start: 0, end: 0 };
        let mut encoded = EncodedReport {
            text,
            cells,
            stop_texts: empty,
            stop_codes: empty,
            unresolved: Vec::new(),
            status: r.status,
            fingerprint: None,
            organisation: r.organisation,
        };
        encoded.pack_stops(&r.journey);
        encoded
    }

    /// The fingerprint of what the organisation reported: FNV-1a over the reported columns and
    /// each stop's sequence, role, text, place, means of arrival and folded text, as it always
    /// was. Made from the packed row when the writer first asks, not when the report is
    /// encoded: hashing byte by byte waits on a multiplication per byte, and an import's
    /// reading thread, which sets its pace, had a tenth of its time in it while the writing
    /// thread had time to spare.
    pub(crate) fn fingerprint(&mut self) -> u64 {
        if let Some(f) = self.fingerprint {
            return f;
        }
        let mut hasher = Fnv64::default();
        for i in 0..REPORTED_COLUMNS - 1 {
            hasher.param(self.cell(i));
        }
        let mut folded = self.unresolved.iter().map(|&(seq, _, key)| (seq, self.text(key))).peekable();
        // One buffer for the report's folded stop texts, not a string each.
        let mut key = String::new();
        // The stops as this encoding packed them a moment ago: they always read back.
        for stop in unpack(0, self.text(self.stop_texts), self.text(self.stop_codes)).flatten() {
            hasher.int(stop.seq);
            hasher.text(stop.role);
            hasher.text(stop.text);
            match stop.place {
                Some(p) => hasher.text(p),
                None => hasher.null(),
            }
            hasher.text(stop.arrived_by);
            // A stop without a place has its folded text at hand already.
            match folded.next_if(|&(s, _)| s == stop.seq) {
                Some((_, key)) => hasher.text(key),
                None => {
                    vjt_domain::text::fold_into(stop.text, &mut key);
                    hasher.text(&key);
                }
            }
        }
        // The withheld count came later (schema 4): hashed only when present, so reports saved
        // before keep their fingerprints and are not seen as changed on the next re-import.
        let withheld = self.cell(REPORTED_COLUMNS - 1);
        if !matches!(withheld, Param::Null) {
            hasher.param(withheld);
        }
        self.fingerprint = Some(hasher.0);
        hasher.0
    }

    fn text(&self, span: Span) -> &str {
        &self.text[span.start..span.end]
    }

    fn cell(&self, i: usize) -> Param<'_> {
        match self.cells[i] {
            Cell::Null => Param::Null,
            Cell::Int(v) => Param::Int(v),
            Cell::Text(span) => Param::Text(self.text(span)),
        }
    }

    /// The reported columns, `organisation_id` to `victims_below`, in table order.
    fn columns(&self) -> impl Iterator<Item = Param<'_>> {
        (0..REPORTED_COLUMNS).map(|i| self.cell(i))
    }

    /// The organisation's own reference for the report, if it gave one.
    pub(crate) fn reference(&self) -> Option<&str> {
        match self.cell(2) {
            Param::Text(t) => Some(t),
            _ => None,
        }
    }

    fn unresolved(&self) -> impl Iterator<Item = (i64, &str, &str)> {
        self.unresolved.iter().map(|&(seq, text, key)| (seq, self.text(text), self.text(key)))
    }

    /// The stored columns after the reported ones, as an insert or update writes them.
    fn row_tail(&self) -> [Param<'_>; 2] {
        [Param::Text(self.text(self.stop_texts)), Param::Text(self.text(self.stop_codes))]
    }

    /// Packs the journey as its row stores it (schema 16): the stops' texts in travel order in
    /// one column, their roles, places and means of arrival in another, and each stop without
    /// a place listed for `unresolved_stops`, which is what the review list and a
    /// coordinator's decision look up. One row per report instead of one per stop: a stop row
    /// cost PostgreSQL more to write than its report did, and most of what it held was read
    /// only with the report.
    fn pack_stops(&mut self, journey: &Journey) {
        let mut unresolved = Vec::new();
        let start = self.text.len();
        for (seq, (_, stop)) in journey.stops().enumerate() {
            if seq > 0 {
                self.text.push(STOP_SEPARATOR);
            }
            let at = self.text.len();
            self.text.push_str(stop.text.as_str());
            if stop.place.is_none() {
                unresolved.push((seq as i64, Span { start: at, end: self.text.len() }));
            }
        }
        self.stop_texts = Span { start, end: self.text.len() };
        let start = self.text.len();
        for (seq, (role, stop)) in journey.stops().enumerate() {
            let place = stop.place.as_ref().map(|p| p.0.as_str());
            push_code(&mut self.text, seq as i64, role.code(), place, &join_codes(&stop.arrived_by));
        }
        self.stop_codes = Span { start, end: self.text.len() };
        for (seq, text) in unresolved {
            let key = vjt_domain::text::fold(&self.text[text.start..text.end]);
            let key = push_text(&mut self.text, |t| t.push_str(&key));
            self.unresolved.push((seq, text, key));
        }
    }
}

/// How a fingerprint is stored: 16 hex digits.
pub(crate) fn fingerprint_text(f: u64) -> String {
    fingerprint_str(&fingerprint_digits(f)).to_string()
}

/// A fingerprint's 16 lower-case hex digits, made without formatting (one per imported row).
fn fingerprint_digits(f: u64) -> [u8; 16] {
    let mut digits = [0u8; 16];
    for (i, d) in digits.iter_mut().enumerate() {
        *d = b"0123456789abcdef"[((f >> (60 - 4 * i)) & 0xf) as usize];
    }
    digits
}

fn fingerprint_str(digits: &[u8; 16]) -> &str {
    // Only ASCII hex digits are ever in there.
    std::str::from_utf8(digits).unwrap_or("ffffffffffffffff")
}

/// The stored text back to the number; anything unreadable never matches a real fingerprint.
pub(crate) fn fingerprint_value(text: &str) -> u64 {
    u64::from_str_radix(text, 16).unwrap_or(u64::MAX)
}

/// FNV-1a: tiny, and stable across Rust releases (std's hasher promises neither).
struct Fnv64(u64);

const FNV_PRIME: u64 = 0x0100_0000_01b3;

/// `FNV_PRIME` to the powers 0 to 8. A zero byte only multiplies (the xor leaves the hash as it
/// is), so the zero high bytes of a length or a small number are one multiplication by a power
/// instead of one each: the same hash, with a third fewer of the multiplications an import's
/// writing thread waits on (each field's length is eight bytes, most of them zero).
const FNV_POWERS: [u64; 9] = {
    let mut powers = [1u64; 9];
    let mut i = 1;
    while i < 9 {
        powers[i] = powers[i - 1].wrapping_mul(FNV_PRIME);
        i += 1;
    }
    powers
};

impl Default for Fnv64 {
    fn default() -> Self {
        Fnv64(0xcbf2_9ce4_8422_2325)
    }
}

impl Fnv64 {
    fn bytes(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(FNV_PRIME);
        }
    }
    /// `v`'s eight little-endian bytes, as `bytes` would hash them.
    fn word(&mut self, v: u64) {
        let significant = 8 - (v.leading_zeros() / 8) as usize;
        self.bytes(&v.to_le_bytes()[..significant]);
        self.0 = self.0.wrapping_mul(FNV_POWERS[8 - significant]);
    }
    fn param(&mut self, v: Param<'_>) {
        match v {
            Param::Null => self.null(),
            Param::Int(i) => self.int(i),
            Param::Text(t) => self.text(t),
        }
    }
    fn null(&mut self) {
        self.bytes(&[0]);
    }
    fn int(&mut self, i: i64) {
        self.bytes(&[1]);
        self.word(i as u64);
    }
    fn text(&mut self, t: &str) {
        self.bytes(&[2]);
        self.word(t.len() as u64);
        self.bytes(t.as_bytes());
    }
}

/// Between stops in `stop_texts` and `stop_codes` (ASCII record separator), and between a
/// stop's role, place and means of arrival in `stop_codes` (unit separator). Neither can occur
/// in a place text (control characters are refused) nor in a code or place id.
pub(crate) const STOP_SEPARATOR: char = '\u{1e}';
const FIELD_SEPARATOR: char = '\u{1f}';

/// Appends one stop's role, place and means of arrival to a report's `stop_codes`: the one
/// writer of that form, for new reports and for place decisions alike.
fn push_code(codes: &mut String, seq: i64, role: &str, place: Option<&str>, arrived_by: &str) {
    if seq > 0 {
        codes.push(STOP_SEPARATOR);
    }
    codes.push_str(role);
    codes.push(FIELD_SEPARATOR);
    codes.push_str(place.unwrap_or(""));
    codes.push(FIELD_SEPARATOR);
    codes.push_str(arrived_by);
}

/// One stop read back from its report's row.
pub(crate) struct PackedStop<'a> {
    pub(crate) seq: i64,
    pub(crate) role: &'a str,
    pub(crate) text: &'a str,
    pub(crate) place: Option<&'a str>,
    pub(crate) arrived_by: &'a str,
}

/// The stops of one report's row, in travel order.
pub(crate) fn unpack<'a>(
    id: i64,
    texts: &'a str,
    codes: &'a str,
) -> impl Iterator<Item = Result<PackedStop<'a>, StoreError>> + 'a {
    // As many texts as codes, or the row was not written by vjt.
    let separators = |packed: &str| packed.bytes().filter(|&b| b == STOP_SEPARATOR as u8).count();
    let matched = separators(texts) == separators(codes);
    let mut texts = split_ascii(texts, STOP_SEPARATOR);
    split_ascii(codes, STOP_SEPARATOR).enumerate().map(move |(seq, code)| {
        let bad = || corrupt(format!("report {id}: its stops are not in the stored form"));
        if !matched {
            return Err(bad());
        }
        let text = texts.next().ok_or_else(bad)?;
        let Some((role, (place, arrived_by))) = split_once_ascii(code, FIELD_SEPARATOR)
            .and_then(|(role, rest)| Some((role, split_once_ascii(rest, FIELD_SEPARATOR)?)))
        else {
            return Err(bad());
        };
        Ok(PackedStop { seq: seq as i64, role, text, place: (!place.is_empty()).then_some(place), arrived_by })
    })
}

/// `text.split_once(separator)` for an ASCII separator, found as a byte: splitting by `char`
/// was a third of the time it takes to fingerprint a report from its packed stops (an import's
/// writer does that per report). Pieces cut at an ASCII byte are whole UTF-8.
fn split_once_ascii(text: &str, separator: char) -> Option<(&str, &str)> {
    let at = text.bytes().position(|b| b == separator as u8)?;
    Some((&text[..at], &text[at + 1..]))
}

/// `text.split(separator)` for an ASCII separator (see [`split_once_ascii`]).
fn split_ascii(text: &str, separator: char) -> impl Iterator<Item = &str> {
    let mut rest = Some(text);
    std::iter::from_fn(move || {
        let t = rest?;
        let (piece, after) = split_once_ascii(t, separator).map_or((t, None), |(p, a)| (p, Some(a)));
        rest = after;
        Some(piece)
    })
}

/// A report's `stop_codes` with `place` given to every stop whose text folds to `key`, and how
/// many stops that is; `None` when no stop has that text.
pub(crate) fn place_stops(
    id: i64,
    texts: &str,
    codes: &str,
    key: &str,
    place: &str,
) -> Result<Option<(String, u64)>, StoreError> {
    let mut placed = 0u64;
    let mut out = String::with_capacity(codes.len() + place.len());
    for stop in unpack(id, texts, codes) {
        let stop = stop?;
        let place = if vjt_domain::text::fold(stop.text) == key {
            placed += 1;
            Some(place)
        } else {
            stop.place
        };
        push_code(&mut out, stop.seq, stop.role, place, stop.arrived_by);
    }
    Ok((placed > 0).then_some((out, placed)))
}

/// A report's `stop_texts` with the texts of the stops numbered `seqs` replaced by `text`.
pub(crate) fn replace_texts(texts: &str, seqs: &[i64], text: &str) -> String {
    let mut out = String::with_capacity(texts.len());
    for (seq, old) in texts.split(STOP_SEPARATOR).enumerate() {
        if seq > 0 {
            out.push(STOP_SEPARATOR);
        }
        out.push_str(if seqs.contains(&(seq as i64)) { text } else { old });
    }
    out
}

/// Writes the unresolved stops of one report (after its row).
fn insert_unresolved(tx: &mut Conn, id: i64, e: &EncodedReport) -> Result<(), StoreError> {
    for (seq, text, key) in e.unresolved() {
        tx.execute(
            "INSERT INTO unresolved_stops (report_id, seq, text, text_key) VALUES ($1, $2, $3, $4)",
            &[Value::Int(id), Value::Int(seq), text.into(), key.into()],
        )?;
    }
    Ok(())
}

/// Writes a new report.
pub(crate) fn insert_report(
    tx: &mut Conn,
    mut e: EncodedReport,
    stamp: &str,
    import_id: i64,
) -> Result<i64, StoreError> {
    let fingerprint = e.fingerprint();
    let mut params: Vec<Value> = e.columns().map(Value::from).collect();
    params.push(e.status.code().into());
    params.push(fingerprint_text(fingerprint).into());
    params.push(stamp.into());
    params.push(Value::Int(import_id));
    params.extend(e.row_tail().map(Value::from));
    let id = tx.insert_returning_id(
        "INSERT INTO reports (organisation_id, round_id, report_ref, exploitation_types, sectors, transport_modes, \
         recruitment_methods, recruiter_relationships, victims, female, male, other_gender, children, adults, \
         period_start, period_end, source, confidence, notes, victims_below, status, fingerprint, created_at, updated_at, \
         import_id, stop_texts, stop_codes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
         $16, $17, $18, $19, $20, $21, $22, $23, $23, $24, $25, $26)",
        "INSERT INTO reports (organisation_id, round_id, report_ref, exploitation_types, sectors, transport_modes, \
         recruitment_methods, recruiter_relationships, victims, female, male, other_gender, children, adults, \
         period_start, period_end, source, confidence, notes, victims_below, status, fingerprint, created_at, updated_at, \
         import_id, stop_texts, stop_codes) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, \
         $16, $17, $18, $19, $20, $21, $22, $23, $23, $24, $25, $26) RETURNING id",
        &params,
    )?;
    insert_unresolved(tx, id, &e)?;
    Ok(id)
}

/// New reports waiting to be written in bulk (file imports): on PostgreSQL with COPY, one round
/// trip per thousands of reports instead of one per report; on SQLite with INSERTs of many rows
/// each, which halve the writer's time per report against one statement per report. Ids are
/// taken up front, so that unresolved stops can name their report before either is written.
#[derive(Default)]
pub(crate) struct PendingReports {
    /// SQLite: each queued report with its id and fingerprint text, written with many-row
    /// INSERTs that read the values where they are.
    queued: Vec<(i64, [u8; 16], EncodedReport)>,
    stamp: String,
    import_id: i64,
    /// PostgreSQL: the queued rows, already in COPY's binary form.
    copy_reports: CopyRows,
    copy_unresolved: CopyRows,
    count: usize,
    /// PostgreSQL: ids taken from the sequence and not used yet, the smallest last.
    ids: Vec<i64>,
    /// SQLite: the next id to give (see `first_sqlite_id`).
    next: Option<i64>,
}

/// Reports written per COPY, and ids taken from the sequence at once.
const PENDING: usize = 5_000;

const REPORT_COLUMNS: &str = "reports (id, organisation_id, round_id, report_ref, exploitation_types, sectors, \
     transport_modes, recruitment_methods, recruiter_relationships, victims, female, male, other_gender, children, \
     adults, period_start, period_end, source, confidence, notes, victims_below, status, fingerprint, created_at, \
     updated_at, import_id, stop_texts, stop_codes)";
const UNRESOLVED_COLUMNS: &str = "unresolved_stops (report_id, seq, text, text_key)";
/// The types of REPORT_COLUMNS and UNRESOLVED_COLUMNS, I for BIGINT and T for TEXT: for COPY,
/// and how many values make a row.
const REPORT_TYPES: &str = "IIITTTTTTIIIIIITTTTTITTTTITT";
const UNRESOLVED_TYPES: &str = "IITT";

/// A batch of new reports in COPY's binary form, ready to be written by whichever thread holds
/// the connection (see `ImportWriter`, which writes one while the next is being encoded).
pub(crate) struct CopyBatch {
    reports: CopyRows,
    unresolved: CopyRows,
}

impl CopyBatch {
    pub(crate) fn write(mut self, tx: &mut Conn) -> Result<(), StoreError> {
        tx.copy_rows(&format!("COPY {REPORT_COLUMNS} FROM STDIN (FORMAT binary)"), &mut self.reports)?;
        if !self.unresolved.is_empty() {
            tx.copy_rows(&format!("COPY {UNRESOLVED_COLUMNS} FROM STDIN (FORMAT binary)"), &mut self.unresolved)?;
        }
        Ok(())
    }
}

impl PendingReports {
    /// The id the next queued report will have, when it is known without asking the database
    /// (see [`PendingReports::fetch_ids`]).
    pub(crate) fn spare_id(&mut self) -> Option<i64> {
        match &mut self.next {
            Some(next) => {
                *next += 1;
                Some(*next - 1)
            }
            None => self.ids.pop(),
        }
    }

    /// Asks the database for the ids of the next reports: on PostgreSQL a batch's worth from the
    /// sequence, on SQLite where its ids start.
    pub(crate) fn fetch_ids(&mut self, tx: &mut Conn) -> Result<(), StoreError> {
        match tx.engine() {
            crate::sql::Engine::Sqlite => {
                if self.next.is_none() {
                    self.next = Some(first_sqlite_id(tx)?);
                }
            }
            crate::sql::Engine::Postgres => {
                let rows = tx.query(
                    // The sequence is looked up once (OFFSET 0 keeps the planner from folding the
                    // look-up into each row), not for each id: its name parsed and found through
                    // the search path per id took PostgreSQL a quarter of an import.
                    "SELECT nextval(q.sequence) FROM \
                     (SELECT pg_get_serial_sequence('reports', 'id')::regclass AS sequence OFFSET 0) q \
                     CROSS JOIN generate_series(1, $1)",
                    &[Value::Int(PENDING as i64)],
                )?;
                let mut ids = rows.iter().map(|r| r.int(0)).collect::<Result<Vec<_>, _>>()?;
                ids.sort_unstable_by(|a, b| b.cmp(a));
                // Any left over come first (the smallest are last).
                ids.append(&mut self.ids);
                self.ids = ids;
            }
        }
        Ok(())
    }

    /// Queues a new report under `id` (from [`PendingReports::spare_id`]), on PostgreSQL encoded
    /// straight into COPY's binary form.
    pub(crate) fn push(
        &mut self,
        engine: crate::sql::Engine,
        id: i64,
        mut e: EncodedReport,
        stamp: &str,
        import_id: i64,
    ) {
        let fingerprint = e.fingerprint();
        match engine {
            crate::sql::Engine::Sqlite => {
                if self.stamp != stamp {
                    self.stamp = stamp.to_string();
                }
                self.import_id = import_id;
                self.queued.push((id, fingerprint_digits(fingerprint), e));
            }
            crate::sql::Engine::Postgres => {
                let rows = &mut self.copy_reports;
                rows.row(REPORT_TYPES.len() as i16);
                rows.int(id);
                // The encoded columns are the ones after the id, in order.
                for (v, ty) in e.columns().zip(REPORT_TYPES.bytes().skip(1)) {
                    rows.value(v, ty == b'T');
                }
                rows.text(e.status.code());
                rows.text(fingerprint_str(&fingerprint_digits(fingerprint)));
                rows.text(stamp);
                rows.text(stamp);
                rows.int(import_id);
                for v in e.row_tail() {
                    rows.value(v, true);
                }
                for (seq, text, key) in e.unresolved() {
                    let rows = &mut self.copy_unresolved;
                    rows.row(UNRESOLVED_TYPES.len() as i16);
                    rows.int(id);
                    rows.int(seq);
                    rows.text(text);
                    rows.text(key);
                }
            }
        }
        self.count += 1;
    }

    /// Whether a batch's worth is queued.
    pub(crate) fn is_full(&self) -> bool {
        self.count >= PENDING
    }

    /// PostgreSQL: what is queued, as one batch to COPY; nothing stays queued.
    pub(crate) fn take_batch(&mut self) -> Option<CopyBatch> {
        if self.count == 0 || self.copy_reports.is_empty() {
            return None;
        }
        self.count = 0;
        Some(CopyBatch {
            reports: std::mem::take(&mut self.copy_reports),
            unresolved: std::mem::take(&mut self.copy_unresolved),
        })
    }

    /// Writes what is queued (before anything reads or updates those reports, and at commit).
    pub(crate) fn flush(&mut self, tx: &mut Conn) -> Result<(), StoreError> {
        if self.count == 0 {
            return Ok(());
        }
        match tx.engine() {
            crate::sql::Engine::Postgres => {
                if let Some(batch) = self.take_batch() {
                    batch.write(tx)?;
                }
            }
            crate::sql::Engine::Sqlite => {
                let mut reports = Vec::with_capacity(self.queued.len() * REPORT_TYPES.len());
                let mut unresolved = Vec::new();
                for (id, fingerprint, e) in &self.queued {
                    reports.push(Param::Int(*id));
                    reports.extend(e.columns());
                    reports.extend([
                        Param::Text(e.status.code()),
                        Param::Text(fingerprint_str(fingerprint)),
                        Param::Text(&self.stamp),
                        Param::Text(&self.stamp),
                        Param::Int(self.import_id),
                    ]);
                    reports.extend(e.row_tail());
                    for (seq, text, key) in e.unresolved() {
                        unresolved.extend([Param::Int(*id), Param::Int(seq), Param::Text(text), Param::Text(key)]);
                    }
                }
                tx.insert_rows(REPORT_COLUMNS, REPORT_TYPES.len(), &reports)?;
                tx.insert_rows(UNRESOLVED_COLUMNS, UNRESOLVED_TYPES.len(), &unresolved)?;
                drop((reports, unresolved));
                self.queued.clear();
            }
        }
        self.count = 0;
        Ok(())
    }
}

/// AUTOINCREMENT never gives an id again, even one deleted since: past both the largest id there
/// is and the largest ever given. The import holds the database's one write lock from its first
/// statement to its commit, so no other writer can take the ids after it meanwhile.
fn first_sqlite_id(tx: &mut Conn) -> Result<i64, StoreError> {
    Ok(tx
        .query_one(
            "SELECT max(coalesce((SELECT max(id) FROM reports), 0), \
             coalesce((SELECT seq FROM sqlite_sequence WHERE name = 'reports'), 0)) + 1",
            &[],
        )?
        .map(|r| r.int(0))
        .transpose()?
        .unwrap_or(1))
}

pub(crate) fn update_report(
    tx: &mut Conn,
    id: i64,
    mut e: EncodedReport,
    status: ReviewStatus,
    stamp: &str,
) -> Result<(), StoreError> {
    let fingerprint = e.fingerprint();
    let mut params: Vec<Value> = e.columns().map(Value::from).collect();
    params.push(status.code().into());
    params.push(fingerprint_text(fingerprint).into());
    params.push(stamp.into());
    params.extend(e.row_tail().map(Value::from));
    params.push(Value::Int(id));
    tx.execute(
        "UPDATE reports SET organisation_id = $1, round_id = $2, report_ref = $3, exploitation_types = $4, sectors = $5, \
         transport_modes = $6, recruitment_methods = $7, recruiter_relationships = $8, victims = $9, female = $10, \
         male = $11, other_gender = $12, children = $13, adults = $14, period_start = $15, period_end = $16, \
         source = $17, confidence = $18, notes = $19, victims_below = $20, status = $21, fingerprint = $22, updated_at = $23, \
         stop_texts = $24, stop_codes = $25 WHERE id = $26",
        &params,
    )?;
    tx.execute("DELETE FROM unresolved_stops WHERE report_id = $1", &[Value::Int(id)])?;
    insert_unresolved(tx, id, &e)
}

fn codes<T: Vocabulary>(raw: &str) -> Result<BTreeSet<T>, StoreError> {
    raw.split(';').filter(|s| !s.is_empty()).map(|c| T::parse(c).map_err(corrupt)).collect()
}

fn stored_count(row: &Row, i: usize) -> Result<Option<u32>, StoreError> {
    row.opt_int(i)?.map(|v| u32::try_from(v).map_err(corrupt)).transpose()
}

fn month(raw: Option<&str>) -> Result<Option<YearMonth>, StoreError> {
    raw.map(YearMonth::parse).transpose().map_err(corrupt)
}

/// Report rows (read with `codec_columns!`) back to reports.
pub(crate) fn assemble(rows: Vec<Row>) -> Result<Vec<StoredReport>, StoreError> {
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let id = row.int(0)?;
        let mut journey_stops = Vec::new();
        for stop in unpack(id, row.text(24)?, row.text(25)?) {
            let stop = stop?;
            journey_stops.push((
                StopRole::from_str(stop.role).map_err(corrupt)?,
                Stop {
                    text: StopText::parse(stop.text).map_err(corrupt)?,
                    place: stop.place.map(|p| PlaceId(p.to_string())),
                    arrived_by: codes(stop.arrived_by)?,
                },
            ));
        }
        let journey = Journey::from_stops(journey_stops).map_err(|e| corrupt(format!("report {id}: {e}")))?;
        let draft = ReportDraft {
            organisation: OrganisationId(row.int(1)?),
            round: RoundId(row.int(2)?),
            report_id: row.opt_text(3)?.map(ReportRef::parse).transpose().map_err(corrupt)?,
            journey,
            exploitation_types: codes(row.text(4)?)?,
            sectors: codes(row.text(5)?)?,
            transport_modes: codes(row.text(6)?)?,
            recruitment_methods: codes(row.text(7)?)?,
            recruiter_relationships: codes(row.text(8)?)?,
            victims: stored_count(&row, 9)?.and_then(NonZeroU32::new),
            victims_below: stored_count(&row, 23)?.and_then(NonZeroU32::new),
            profile: Profile {
                female: stored_count(&row, 10)?,
                male: stored_count(&row, 11)?,
                other_gender: stored_count(&row, 12)?,
                children: stored_count(&row, 13)?,
                adults: stored_count(&row, 14)?,
            },
            period_start: month(row.opt_text(15)?)?,
            period_end: month(row.opt_text(16)?)?,
            source: row.text(17)?.parse().map_err(corrupt)?,
            confidence: row.text(18)?.parse().map_err(corrupt)?,
            notes: row.opt_text(19)?.map(Notes::parse).transpose().map_err(corrupt)?,
            status: row.text(20)?.parse().map_err(corrupt)?,
        };
        let report = RouteReport::new(draft).map_err(|p| corrupt(format!("report {id}: {}", p[0])))?;
        out.push(StoredReport {
            id: RouteReportId(id),
            report,
            created_at: parse_time(row.text(21)?)?,
            updated_at: parse_time(row.text(22)?)?,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stop(text: &str, place: Option<&str>) -> Stop {
        let mut stop = Stop::reported(StopText::parse(text).unwrap());
        stop.place = place.map(|p| PlaceId(p.into()));
        stop
    }

    fn report(journey: Journey) -> RouteReport {
        RouteReport::new(ReportDraft {
            organisation: OrganisationId(3),
            round: RoundId(2),
            report_id: Some(ReportRef::parse("R-17").unwrap()),
            journey,
            exploitation_types: [vjt_domain::ExploitationType::ForcedLabour].into(),
            sectors: BTreeSet::new(),
            transport_modes: [vjt_domain::TransportMode::BusMatatu].into(),
            recruitment_methods: BTreeSet::new(),
            recruiter_relationships: BTreeSet::new(),
            victims: NonZeroU32::new(12),
            victims_below: None,
            profile: Profile { female: Some(7), male: Some(5), other_gender: None, children: None, adults: Some(12) },
            period_start: YearMonth::new(2020, 3),
            period_end: None,
            source: "survivor_case".parse().unwrap(),
            confidence: "high".parse().unwrap(),
            notes: Some(Notes::parse("Recruited at the stage").unwrap()),
            status: ReviewStatus::Submitted,
        })
        .unwrap()
    }

    fn journey() -> Journey {
        let mut transit = stop("Busia", Some("ke-border-busia"));
        transit.arrived_by = [vjt_domain::TransportMode::BusMatatu].into();
        Journey::new(
            stop("Kakamega", None),
            vec![transit, stop("Kwa  Mzee", None)],
            Some(stop("Nairobi", Some("ke:county:nairobi-city"))),
            None,
        )
        .unwrap()
    }

    fn text(p: Param<'_>) -> &str {
        match p {
            Param::Text(t) => t,
            other => panic!("a text was expected, not {other:?}"),
        }
    }

    #[test]
    fn packed_stops_read_back_as_written_and_a_mismatched_row_is_refused() {
        let e = EncodedReport::new(&report(journey()));
        let [texts, codes] = e.row_tail().map(text);
        let read: Vec<(i64, String, String, Option<String>, String)> = unpack(7, texts, codes)
            .map(|s| {
                let s = s.unwrap();
                (s.seq, s.role.into(), s.text.into(), s.place.map(str::to_string), s.arrived_by.into())
            })
            .collect();
        assert_eq!(
            read,
            [
                (0, "origin".into(), "Kakamega".into(), None, "".into()),
                (1, "transit".into(), "Busia".into(), Some("ke-border-busia".into()), "bus_matatu".into()),
                (2, "transit".into(), "Kwa Mzee".into(), None, "".into()),
                (3, "destination".into(), "Nairobi".into(), Some("ke:county:nairobi-city".into()), "".into()),
            ]
        );
        let unresolved: Vec<(i64, &str, &str)> = e.unresolved().collect();
        assert_eq!(unresolved, [(0, "Kakamega", "kakamega"), (2, "Kwa Mzee", "kwa mzee")]);
        // A text too many, or a code without its fields: corrupt, never a shifted route.
        let extra = format!("{texts}{STOP_SEPARATOR}Mombasa");
        assert!(unpack(7, &extra, codes).any(|s| s.is_err()));
        assert!(unpack(7, "Kakamega", "origin").any(|s| s.is_err()));
    }

    #[test]
    fn a_report_is_encoded_as_earlier_versions_stored_it() {
        let mut e = EncodedReport::new(&report(journey()));
        let columns: Vec<Param<'_>> = e.columns().collect();
        use Param::{Int, Null, Text};
        assert_eq!(
            columns,
            [
                Int(3),
                Int(2),
                Text("R-17"),
                Text("forced_labour"),
                Text(""),
                Text("bus_matatu"),
                Text(""),
                Text(""),
                Int(12),
                Int(7),
                Int(5),
                Null,
                Null,
                Int(12),
                Text("2020-03"),
                Null,
                Text("survivor_case"),
                Text("high"),
                Text("Recruited at the stage"),
                Null,
            ]
        );
        assert_eq!(e.reference(), Some("R-17"));
        // Re-importing a file after an upgrade must find its reports unchanged: this is the
        // fingerprint the encoding of 755b10d gave the same report.
        assert_eq!(fingerprint_text(e.fingerprint()), "ad9823d29e6336f3");
        assert_eq!(fingerprint_text(0x0123_4567_89ab_cdef), "0123456789abcdef");
    }

    /// The fingerprint made again straight from the report, field by field, as an earlier
    /// version made it: what the encoding hashes must not drift from it.
    fn fingerprint_from_the_report(r: &RouteReport) -> u64 {
        let e = EncodedReport::new(r);
        let mut hasher = Fnv64::default();
        for i in 0..REPORTED_COLUMNS - 1 {
            hasher.param(e.cell(i));
        }
        for (seq, (role, stop)) in r.journey.stops().enumerate() {
            hasher.int(seq as i64);
            hasher.text(role.code());
            hasher.text(stop.text.as_str());
            match &stop.place {
                Some(p) => hasher.text(&p.0),
                None => hasher.null(),
            }
            hasher.text(&vjt_domain::vocab::join_codes(&stop.arrived_by));
            hasher.text(&vjt_domain::text::fold(stop.text.as_str()));
        }
        if let Some(n) = r.victims_below {
            hasher.int(n.get().into());
        }
        hasher.0
    }

    #[test]
    fn fingerprints_are_those_made_from_the_report_field_by_field() {
        let orgs = [OrganisationId(1), OrganisationId(2), OrganisationId(3)];
        let mut reports = vjt_demo::reports(&orgs, &[RoundId(1), RoundId(2)], 200, 11);
        // Stops without a place, stops reached by several means, and withheld counts too.
        for (i, r) in reports.iter_mut().enumerate() {
            for (j, stop) in r.journey_mut().stops_mut().enumerate() {
                if (i + j) % 3 == 0 {
                    stop.place = None;
                }
                if (i + j) % 4 == 0 {
                    stop.arrived_by = [vjt_domain::TransportMode::BusMatatu, vjt_domain::TransportMode::Air].into();
                }
            }
        }
        let mut withheld = reports[5].clone().into_draft();
        (withheld.victims, withheld.victims_below) = (None, NonZeroU32::new(5));
        reports[5] = RouteReport::new(withheld).unwrap();
        let unresolved = reports.iter().flat_map(|r| r.journey.stops()).filter(|(_, s)| s.place.is_none()).count();
        assert!(unresolved > 100, "{unresolved}");
        for r in &reports {
            assert_eq!(EncodedReport::new(r).fingerprint(), fingerprint_from_the_report(r), "{r:?}");
        }
    }

    #[test]
    fn the_hash_of_numbers_and_lengths_is_the_byte_by_byte_fnv() {
        let byte_by_byte = |framed: &[u8]| {
            framed.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, b| (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3))
        };
        for i in [0i64, 1, 7, 255, 256, 0x0100, 0x01_0000, 0x00ff_00ff, i64::MAX, -1, i64::MIN, 1 << 56] {
            let mut h = Fnv64::default();
            h.int(i);
            let mut framed = vec![1u8];
            framed.extend_from_slice(&i.to_le_bytes());
            assert_eq!(h.0, byte_by_byte(&framed), "{i}");
        }
        for t in ["", "a", "Nairobi", &"x".repeat(256), &"y".repeat(70_000)] {
            let mut h = Fnv64::default();
            h.text(t);
            let mut framed = vec![2u8];
            framed.extend_from_slice(&(t.len() as u64).to_le_bytes());
            framed.extend_from_slice(t.as_bytes());
            assert_eq!(h.0, byte_by_byte(&framed), "{}", t.len());
        }
        let mut h = Fnv64::default();
        h.null();
        assert_eq!(h.0, byte_by_byte(&[0]));
    }
}
