//! Reading tables from files: CSV in whatever encoding and delimiter Excel or a phone produced, and
//! XLSX/XLS sheets. Everything becomes rows of text cells with the row number a person would see
//! when opening the file in a spreadsheet (the header is row 1).

use std::path::Path;

use csv::StringRecord;

/// Why a file could not be read as a table.
#[derive(Debug, thiserror::Error)]
#[error("{}", self.message())]
pub enum SourceError {
    Unreadable {
        file: String,
        reason: String,
    },
    Empty {
        file: String,
    },
    UnsupportedType {
        file: String,
        ext: String,
    },
    NoSuchSheet {
        file: String,
        sheet: String,
        available: String,
    },
    BadRow {
        file: String,
        row: u64,
        reason: String,
    },
    /// Past one of the reading limits (see [`Limits`]): `key` says which, `row` where (0: the
    /// whole file).
    Limit {
        file: String,
        row: u64,
        key: &'static str,
        limit: u64,
    },
}

impl SourceError {
    /// In words, in any language (the reason from the system or the parser stays as it came).
    pub fn message(&self) -> vjt_domain::Message {
        use vjt_domain::{Arg, Message};
        let file = |key: &'static str, f: &str| Message::new(key).with("file", Arg::Text(f.to_string()));
        match self {
            SourceError::Unreadable { file: f, reason } => {
                file("source-unreadable", f).with("reason", Arg::Text(reason.clone()))
            }
            SourceError::Empty { file: f } => file("source-empty", f),
            SourceError::UnsupportedType { file: f, ext } => {
                file("source-unsupported-type", f).with("ext", Arg::Text(ext.clone()))
            }
            SourceError::NoSuchSheet { file: f, sheet, available } => file("source-no-such-sheet", f)
                .with("sheet", Arg::Text(sheet.clone()))
                .with("available", Arg::Text(available.clone())),
            SourceError::BadRow { file: f, row, reason } => {
                file("source-bad-row", f).with("row", *row).with("reason", Arg::Text(reason.clone()))
            }
            SourceError::Limit { file: f, row, key, limit } => file(key, f).with("row", *row).with("limit", *limit),
        }
    }
}

/// What vjt reads from one file at most, so that a small upload cannot make the server unpack
/// gigabytes or spend minutes on one line. Each is far beyond a real route spreadsheet.
pub struct Limits;

impl Limits {
    /// A workbook's parts, unpacked (a 1.5 MB "zip bomb" can unpack to gigabytes).
    pub const UNPACKED_BYTES: u64 = 256 << 20;
    /// Files inside a workbook.
    pub const WORKBOOK_PARTS: usize = 10_000;
    /// Filled cells of one sheet.
    pub const CELLS: u64 = 40_000_000;
    /// Columns of one row.
    pub const COLUMNS: usize = 2_000;
    /// Characters in one cell: Excel's own limit.
    pub const CELL_CHARS: usize = 32_767;
}

/// Refuses a row past the column or cell-length limits, naming the row.
fn check_record(file: &str, row: u64, record: &StringRecord) -> Result<(), SourceError> {
    let limit = |key, limit: usize| SourceError::Limit { file: file.to_string(), row, key, limit: limit as u64 };
    if record.len() > Limits::COLUMNS {
        return Err(limit("source-limit-columns", Limits::COLUMNS));
    }
    // Bytes first: a cell of at most CELL_CHARS bytes is within the limit whatever it holds.
    if record.iter().any(|c| c.len() > Limits::CELL_CHARS && c.chars().count() > Limits::CELL_CHARS) {
        return Err(limit("source-limit-cell", Limits::CELL_CHARS));
    }
    Ok(())
}

/// One sheet of one file, header first.
pub struct Table {
    pub file: String,
    pub sheet: Option<String>,
    pub header: StringRecord,
    rows: Box<dyn Iterator<Item = Result<(u64, StringRecord), SourceError>> + Send>,
    /// How the text was decoded, for the import summary ("windows-1252" tells a user why é looked odd).
    pub encoding: &'static str,
    /// Roughly how many data rows there are, for a progress bar.
    pub estimated_rows: u64,
}

impl Iterator for Table {
    type Item = Result<(u64, StringRecord), SourceError>;
    fn next(&mut self) -> Option<Self::Item> {
        self.rows.next()
    }
}

fn unreadable(file: &str, e: impl std::fmt::Display) -> SourceError {
    SourceError::Unreadable { file: file.to_string(), reason: e.to_string() }
}

/// Turns the bytes of a text file into UTF-8: UTF-8 with or without BOM, UTF-16 with BOM (Excel's
/// "Unicode text"), and otherwise Windows-1252, which is what Excel on Windows writes as "CSV".
/// A UTF-8 file with a few damaged bytes stays UTF-8 (the bytes become "�" and the encoding
/// says how many), instead of turning every accented letter of the file into mojibake.
pub fn decode(bytes: Vec<u8>) -> (String, &'static str) {
    if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        if let Ok(text) = std::str::from_utf8(rest) {
            return (text.to_string(), "utf-8 (with BOM)");
        }
    }
    if bytes.starts_with(b"\xFF\xFE") || bytes.starts_with(b"\xFE\xFF") {
        let (text, encoding, _) = encoding_rs::UTF_16LE.decode(&bytes);
        return (text.into_owned(), if encoding == encoding_rs::UTF_16BE { "utf-16be" } else { "utf-16le" });
    }
    match String::from_utf8(bytes) {
        Ok(text) => (text, "utf-8"),
        Err(e) => {
            let bytes = e.into_bytes();
            // Letters beyond ASCII that are valid UTF-8, against bytes that are not: Windows-1252
            // text almost never forms valid UTF-8 sequences, a damaged UTF-8 file mostly does.
            let (mut letters, mut damaged) = (0usize, 0usize);
            for chunk in bytes.utf8_chunks() {
                letters += chunk.valid().chars().filter(|c| !c.is_ascii()).count();
                damaged += chunk.invalid().len();
            }
            if letters > damaged {
                let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
                (String::from_utf8_lossy(body).into_owned(), "utf-8 (some damaged bytes shown as \u{FFFD})")
            } else {
                let (text, _) = encoding_rs::WINDOWS_1252.decode_without_bom_handling(&bytes);
                (text.into_owned(), "windows-1252")
            }
        }
    }
}

/// The delimiter the header line uses most, outside quotes: comma, semicolon (European Excel),
/// tab or pipe.
pub fn sniff_delimiter(text: &str) -> u8 {
    let header = text.lines().find(|l| !l.trim().is_empty()).unwrap_or("");
    let mut counts = [(b',', 0usize), (b';', 0), (b'\t', 0), (b'|', 0)];
    let mut quoted = false;
    for b in header.bytes() {
        if b == b'"' {
            quoted = !quoted;
        } else if !quoted {
            for c in counts.iter_mut() {
                if c.0 == b {
                    c.1 += 1;
                }
            }
        }
    }
    counts.iter().max_by_key(|c| c.1).filter(|c| c.1 > 0).map_or(b',', |c| c.0)
}

fn is_blank(record: &StringRecord) -> bool {
    record.iter().all(|c| c.trim().is_empty())
}

/// Opens a CSV file. Blank rows are skipped; every other row keeps its spreadsheet row number.
pub fn open_csv(path: &Path) -> Result<Table, SourceError> {
    let file = path.display().to_string();
    let bytes = std::fs::read(path).map_err(|e| unreadable(&file, e))?;
    let (text, encoding) = decode(bytes);
    if text.trim().is_empty() {
        return Err(SourceError::Empty { file });
    }
    csv_table(file, text, encoding)
}

/// The CSV tables of a zip archive (ODK Central's export as served, `.csv.zip`), in memory.
/// Media files are passed over; archives of more than 200 entries or 1 GiB of tables are
/// refused rather than unpacked (a small file must not fill the disk or memory).
pub fn open_zip(path: &Path) -> Result<Vec<Table>, SourceError> {
    use std::io::Read;
    const MAX_ENTRIES: usize = 200;
    const MAX_BYTES: u64 = 1 << 30;
    let file = path.display().to_string();
    let bad = |reason: String| SourceError::Unreadable { file: file.clone(), reason };
    let reader = std::fs::File::open(path).map_err(|e| unreadable(&file, e))?;
    let mut archive = zip::ZipArchive::new(reader).map_err(|e| bad(e.to_string()))?;
    if archive.len() > MAX_ENTRIES {
        return Err(bad(format!("it holds {} files; an export holds a few", archive.len())));
    }
    let mut tables = Vec::new();
    let mut total = 0u64;
    for i in 0..archive.len() {
        let mut entry = archive.by_index(i).map_err(|e| bad(e.to_string()))?;
        let name = entry.name().map_err(|e| bad(e.to_string()))?.to_string();
        if entry.is_dir() || !name.to_ascii_lowercase().ends_with(".csv") || name.starts_with("media/") {
            continue;
        }
        let mut bytes = Vec::new();
        let limit = MAX_BYTES - total;
        (&mut entry).take(limit + 1).read_to_end(&mut bytes).map_err(|e| bad(e.to_string()))?;
        total += bytes.len() as u64;
        if total > MAX_BYTES {
            return Err(bad("its tables unpack to more than 1 GiB".into()));
        }
        let (text, encoding) = decode(bytes);
        if text.trim().is_empty() {
            continue;
        }
        tables.push(csv_table(format!("{file}:{name}"), text, encoding)?);
    }
    if tables.is_empty() {
        return Err(SourceError::Empty { file });
    }
    Ok(tables)
}

/// A table from CSV text already in memory.
pub fn csv_table(file: String, text: String, encoding: &'static str) -> Result<Table, SourceError> {
    let delimiter = sniff_delimiter(&text);
    let estimated_rows = count_newlines(text.as_bytes());
    let bytes = SharedBytes(std::sync::Arc::new(text.into_bytes()));
    let reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(std::io::Cursor::new(bytes.clone()));
    // Row numbers are the line a record starts on: what a spreadsheet shows, blank lines included
    // (the reader itself skips those).
    let mut records = reader.into_records();
    let header = loop {
        match records.next() {
            None => return Err(SourceError::Empty { file }),
            Some(Err(e)) => return Err(unreadable(&file, e)),
            Some(Ok(r)) if is_blank(&r) => continue,
            Some(Ok(r)) => {
                check_record(&file, r.position().map_or(1, |p| p.line()), &r)?;
                break r;
            }
        }
    };
    let name = file.clone();
    let mut lines = LineCounter::default();
    let rows = records.filter_map(move |r| match r {
        Ok(r) if is_blank(&r) => None,
        Ok(r) => {
            let row = r.position().map_or(0, |p| lines.line_at(bytes.as_ref(), p.byte() as usize));
            Some(check_record(&name, row, &r).map(|()| (row, r)))
        }
        Err(e) => Some(Err(SourceError::BadRow {
            file: name.clone(),
            row: e.position().map_or(0, |p| p.line()),
            reason: e.to_string(),
        })),
    });
    Ok(Table { file, sheet: None, header, rows: Box::new(rows), encoding, estimated_rows })
}

/// The file's text, shared by the CSV reader and the line counter without a second copy.
#[derive(Clone)]
struct SharedBytes(std::sync::Arc<Vec<u8>>);

impl AsRef<[u8]> for SharedBytes {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// The newlines in `bytes`, summed as numbers in blocks, which the compiler turns into vector
/// instructions: a count of matching bytes was not, and took a quarter as long as reading the
/// file for the row estimate, and a twentieth of an import's reading thread for row numbers.
fn count_newlines(bytes: &[u8]) -> u64 {
    bytes.chunks(1 << 16).map(|block| u64::from(block.iter().map(|&b| u32::from(b == b'\n')).sum::<u32>())).sum()
}

/// Turns byte offsets (always increasing) into 1-based line numbers, skipping the blank lines the
/// CSV reader passes over before a record, in one pass over the text.
#[derive(Default)]
struct LineCounter {
    scanned: usize,
    newlines: u64,
}

impl LineCounter {
    fn line_at(&mut self, bytes: &[u8], mut start: usize) -> u64 {
        while start < bytes.len() && (bytes[start] == b'\n' || bytes[start] == b'\r') {
            start += 1;
        }
        let end = start.min(bytes.len());
        if end > self.scanned {
            self.newlines += count_newlines(&bytes[self.scanned..end]);
            self.scanned = end;
        }
        self.newlines + 1
    }
}

/// Text of a spreadsheet cell as a person would read it: 12.0 is "12", a date is YYYY-MM-DD.
fn cell_text(cell: &calamine::Data) -> String {
    use calamine::Data;
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => if *b { "1" } else { "0" }.to_string(),
        Data::DateTime(d) => {
            // Excel day numbers count from 1899-12-30 (the 1900 leap-year bug included).
            let days = d.as_f64().floor() as i64;
            chrono::NaiveDate::from_ymd_opt(1899, 12, 30)
                .and_then(|base| base.checked_add_signed(chrono::Duration::days(days)))
                .map(|date| date.format("%Y-%m-%d").to_string())
                .unwrap_or_else(|| d.as_f64().to_string())
        }
        Data::DateTimeIso(s) | Data::DurationIso(s) => s.chars().take(10).collect(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

/// The sheet names of a workbook.
pub fn sheet_names(path: &Path) -> Result<Vec<String>, SourceError> {
    let file = path.display().to_string();
    let workbook = calamine::open_workbook_auto(path).map_err(|e| unreadable(&file, e))?;
    Ok(calamine::Reader::sheet_names(&workbook))
}

/// Refuses a zip-based workbook (XLSX, ODS) whose parts unpack past [`Limits::UNPACKED_BYTES`],
/// measured by unpacking them (the sizes an archive declares can lie), before anything is kept.
fn check_unpacked_size(path: &Path, file: &str) -> Result<(), SourceError> {
    use std::io::Read;
    let opened = std::fs::File::open(path).map_err(|e| unreadable(file, e))?;
    let Ok(mut archive) = zip::ZipArchive::new(std::io::BufReader::new(opened)) else {
        // Not a zip (an old .xls): the workbook reader says what is wrong with it.
        return Ok(());
    };
    let limit = |key, limit| SourceError::Limit { file: file.to_string(), row: 0, key, limit };
    if archive.len() > Limits::WORKBOOK_PARTS {
        return Err(limit("source-limit-parts", Limits::WORKBOOK_PARTS as u64));
    }
    let mut total = 0u64;
    for i in 0..archive.len() {
        let entry = archive.by_index(i).map_err(|e| unreadable(file, e))?;
        let left = Limits::UNPACKED_BYTES - total;
        total += std::io::copy(&mut entry.take(left + 1), &mut std::io::sink()).map_err(|e| unreadable(file, e))?;
        if total > Limits::UNPACKED_BYTES {
            return Err(limit("source-limit-unpacked", Limits::UNPACKED_BYTES >> 20));
        }
    }
    Ok(())
}

/// The filled rows of an XLSX sheet, read cell by cell: only cells that hold something take
/// memory (a single cell at XFD1048576 does not make a sheet of 17 billion), within the cell
/// and column budgets.
fn xlsx_rows<RS: std::io::Read + std::io::Seek>(
    workbook: &mut calamine::Xlsx<RS>,
    name: &str,
    file: &str,
) -> Result<Vec<(u64, StringRecord)>, SourceError> {
    let mut cells = workbook.worksheet_cells_reader(name).map_err(|e| unreadable(file, e))?;
    let mut rows = Vec::new();
    let mut current: Option<(u32, Vec<String>)> = None;
    let mut filled = 0u64;
    let finish = |rows: &mut Vec<(u64, StringRecord)>, (row, values): (u32, Vec<String>)| {
        let record: StringRecord = values.into_iter().collect();
        if !is_blank(&record) {
            check_record(file, u64::from(row) + 1, &record)?;
            rows.push((u64::from(row) + 1, record));
        }
        Ok::<(), SourceError>(())
    };
    while let Some(cell) = cells.next_cell().map_err(|e| unreadable(file, e))? {
        let (row, col) = cell.get_position();
        let text = cell_text(&calamine::Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        filled += 1;
        if filled > Limits::CELLS {
            return Err(SourceError::Limit {
                file: file.to_string(),
                row: 0,
                key: "source-limit-cells",
                limit: Limits::CELLS,
            });
        }
        if col as usize >= Limits::COLUMNS {
            let limit = Limits::COLUMNS as u64;
            return Err(SourceError::Limit {
                file: file.to_string(),
                row: u64::from(row) + 1,
                key: "source-limit-columns",
                limit,
            });
        }
        if current.as_ref().is_some_and(|(r, _)| *r != row) {
            finish(&mut rows, current.take().expect("a row under way"))?;
        }
        let values = &mut current.get_or_insert_with(|| (row, Vec::new())).1;
        if values.len() <= col as usize {
            values.resize(col as usize + 1, String::new());
        }
        values[col as usize] = text;
    }
    if let Some(last) = current {
        finish(&mut rows, last)?;
    }
    // Cells come row by row in a well-formed sheet; a hand-made one may not keep that order.
    rows.sort_by_key(|(row, _)| *row);
    Ok(rows)
}

/// Opens one sheet of an XLSX/XLS workbook (the first when `sheet` is None), within [`Limits`].
pub fn open_sheet(path: &Path, sheet: Option<&str>) -> Result<Table, SourceError> {
    use calamine::Reader;
    let file = path.display().to_string();
    check_unpacked_size(path, &file)?;
    let mut workbook = calamine::open_workbook_auto(path).map_err(|e| unreadable(&file, e))?;
    let names = workbook.sheet_names();
    let name = match sheet {
        Some(s) => names.iter().find(|n| n.eq_ignore_ascii_case(s)).cloned().ok_or_else(|| {
            SourceError::NoSuchSheet { file: file.clone(), sheet: s.to_string(), available: names.join(", ") }
        })?,
        None => names.first().cloned().ok_or_else(|| SourceError::Empty { file: file.clone() })?,
    };
    let mut rows = match &mut workbook {
        calamine::Sheets::Xlsx(xlsx) => xlsx_rows(xlsx, &name, &file)?,
        other => {
            let range = other.worksheet_range(&name).map_err(|e| unreadable(&file, e))?;
            let start_row = range.start().map_or(0, |(r, _)| r as u64);
            let mut rows = Vec::new();
            for (i, cells) in range.rows().enumerate() {
                let record: StringRecord = cells.iter().map(cell_text).collect();
                if !is_blank(&record) {
                    let row = start_row + i as u64 + 1;
                    check_record(&file, row, &record)?;
                    rows.push((row, record));
                }
            }
            rows
        }
    };
    if rows.is_empty() {
        return Err(SourceError::Empty { file });
    }
    let header = rows.remove(0).1;
    let estimated_rows = rows.len() as u64;
    Ok(Table {
        file,
        sheet: Some(name),
        header,
        rows: Box::new(rows.into_iter().map(Ok)),
        encoding: "xlsx",
        estimated_rows,
    })
}

/// Opens a file by its extension: the first sheet of a workbook, or a CSV.
pub fn open(path: &Path) -> Result<Table, SourceError> {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "xlsx" | "xlsm" | "xls" | "ods" => open_sheet(path, None),
        "csv" | "txt" | "tsv" | "" => open_csv(path),
        other => Err(SourceError::UnsupportedType { file: path.display().to_string(), ext: other.to_string() }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_are_recognised() {
        assert_eq!(
            decode(b"\xEF\xBB\xBForigin\nNairobi".to_vec()),
            ("origin\nNairobi".to_string(), "utf-8 (with BOM)")
        );
        let (text, enc) = decode(b"origin\nMurang\x92a caf\xe9".to_vec());
        assert_eq!(enc, "windows-1252");
        assert_eq!(text, "origin\nMurang\u{2019}a caf\u{e9}");
        let utf16: Vec<u8> =
            [0xFF, 0xFE].into_iter().chain("a,b".encode_utf16().flat_map(|u| u.to_le_bytes())).collect();
        assert_eq!(decode(utf16).0, "a,b");
    }

    #[test]
    fn delimiters_are_sniffed_from_the_header() {
        assert_eq!(sniff_delimiter("origin;transit;victims\n"), b';');
        assert_eq!(sniff_delimiter("origin\ttransit\n"), b'\t');
        assert_eq!(sniff_delimiter("\"a;b\",c,d\n"), b',');
        assert_eq!(sniff_delimiter("origin\n"), b',');
    }

    #[test]
    fn blank_rows_are_skipped_and_row_numbers_kept() {
        let t = csv_table("t.csv".into(), "origin,victims\n\nKisii,3\n,\nNakuru,4\n".into(), "utf-8").unwrap();
        assert_eq!(&t.header[0], "origin");
        let rows: Vec<(u64, String)> = t.map(|r| r.unwrap()).map(|(n, r)| (n, r[0].to_string())).collect();
        assert_eq!(rows, [(3, "Kisii".to_string()), (5, "Nakuru".to_string())]);
    }
}
