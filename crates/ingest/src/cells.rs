//! Cells that are safe to open in a spreadsheet. A CSV cell beginning with `=`, `+`, `-`, `@`, a
//! tab or a carriage return is read by Excel, LibreOffice and Google Sheets as a formula, which a
//! hostile value can use to run commands or send data away (OWASP's "CSV injection"). Every CSV
//! vjt writes quotes such a cell with a leading apostrophe, which spreadsheets show as text; the
//! importer takes the apostrophe off again, so an export imports back unchanged.

use std::borrow::Cow;

fn starts_a_formula(text: &str) -> bool {
    text.starts_with(['=', '+', '-', '@', '\t', '\r'])
}

/// The cell as it is safe to write into a CSV file.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if starts_a_formula(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The cell as it was before `neutralise`.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if starts_a_formula(rest) => rest,
        _ => cell,
    }
}

/// The UTF-8 byte-order mark that makes Excel on Windows read a CSV file as UTF-8.
pub const EXCEL_BOM: &[u8] = b"\xEF\xBB\xBF";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_quoted_and_come_back() {
        for dangerous in ["=HYPERLINK(\"http://x\")", "+1", "-2+3", "@SUM(A1)", "\tcmd", "\rx"] {
            let safe = neutralise(dangerous);
            assert!(safe.starts_with('\''), "{dangerous}");
            assert_eq!(restore(&safe), dangerous);
        }
        for plain in ["Nairobi", "<5", "'quoted already", "12", ""] {
            assert_eq!(neutralise(plain), plain);
            assert_eq!(restore(plain), plain);
        }
    }
}
