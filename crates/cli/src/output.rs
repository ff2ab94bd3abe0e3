//! Printing: plain aligned tables for people, JSON for programs.

use std::io::{self, Write};

/// `vjt org list | head -1` must not turn a closed pipe into an error message.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| cause.downcast_ref::<io::Error>().is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe))
}

/// Prints rows as a table whose columns are as wide as their widest cell.
pub fn table(header: &[&str], rows: &[Vec<String>]) -> io::Result<()> {
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count()).collect();
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut out = io::stdout().lock();
    let line = |out: &mut io::StdoutLock, cells: Vec<&str>| -> io::Result<()> {
        let mut text = String::new();
        for (i, (cell, w)) in cells.iter().zip(&widths).enumerate() {
            if i > 0 {
                text.push_str("  ");
            }
            text.push_str(&vjt_domain::text::for_terminal(cell));
            if i + 1 < cells.len() {
                text.push_str(&" ".repeat(w - cell.chars().count()));
            }
        }
        writeln!(out, "{}", text.trim_end())
    };
    line(&mut out, header.to_vec())?;
    line(&mut out, widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().iter().map(String::as_str).collect())?;
    for row in rows {
        line(&mut out, row.iter().map(String::as_str).collect())?;
    }
    Ok(())
}

pub fn json(value: &impl serde::Serialize) -> anyhow::Result<()> {
    let mut out = io::stdout().lock();
    serde_json::to_writer_pretty(&mut out, value)?;
    writeln!(out)?;
    Ok(())
}

/// One message for a person. Names and values in it may come from a file: control characters
/// are written out rather than sent to the terminal.
pub fn say(text: impl std::fmt::Display) -> io::Result<()> {
    writeln!(io::stdout().lock(), "{}", vjt_domain::text::for_terminal(&text.to_string()))
}
