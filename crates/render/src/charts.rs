//! Charts: ranked bars, a diverging bar chart of change, and a heat table.

use crate::catalogue::Disclosure;
use crate::figure::{scale_colour, text_width, Anchor, Colour, Figure, Shape, FALL, RISE};

/// Horizontal bars, largest first. Hidden small counts are drawn at the threshold and labelled "<k".
pub fn bars(title: &str, items: &[(String, u64)], d: &Disclosure) -> Figure {
    let rows: Vec<&(String, u64)> = items.iter().filter(|(_, n)| *n > 0).take(12).collect();
    let label_w = rows.iter().map(|(l, _)| text_width(l, 8.5)).fold(60.0, f64::max).min(220.0) + 10.0;
    let height = 34.0 + rows.len() as f64 * 18.0 + 10.0;
    let mut f = Figure::new(560.0, height, title);
    f.bold((10.0, 18.0), title, 11.0, Anchor::Start);
    let max = rows.iter().map(|(_, n)| d.drawn(*n)).max().unwrap_or(1).max(1) as f64;
    let room = 560.0 - label_w - 60.0;
    for (i, (label, n)) in rows.iter().enumerate() {
        let y = 30.0 + i as f64 * 18.0;
        f.text((label_w, y + 11.0), label.clone(), 8.5, Anchor::End);
        let w = (d.drawn(*n) as f64 / max * room).max(1.0);
        let fill = if d.hides(*n) { Colour(190, 190, 190) } else { Colour(42, 120, 142) };
        f.push(Shape::Rect {
            x: label_w + 6.0,
            y: y + 2.0,
            w,
            h: 12.0,
            fill,
            title: format!("{label}: {}", d.show(*n)),
        });
        f.text((label_w + 10.0 + w, y + 11.0), d.show(*n), 8.5, Anchor::Start);
    }
    f
}

/// Bars left (falls) and right (rises) of a centre line.
pub fn diverging(title: &str, items: &[(String, f64)]) -> Figure {
    let rows: Vec<&(String, f64)> = items.iter().filter(|(_, v)| *v != 0.0).take(15).collect();
    let height = 34.0 + rows.len() as f64 * 16.0 + 10.0;
    let mut f = Figure::new(560.0, height, title);
    f.bold((10.0, 18.0), title, 11.0, Anchor::Start);
    let max = rows.iter().map(|(_, v)| v.abs()).fold(1.0, f64::max);
    let centre = 330.0;
    f.push(Shape::Line { from: (centre, 28.0), to: (centre, height - 8.0), colour: Colour::GREY, width: 0.6 });
    for (i, (label, v)) in rows.iter().enumerate() {
        let y = 30.0 + i as f64 * 16.0;
        let w = v.abs() / max * 180.0;
        let (x, colour) = if *v < 0.0 { (centre - w, FALL) } else { (centre, RISE) };
        f.push(Shape::Rect { x, y: y + 2.0, w, h: 10.0, fill: colour, title: format!("{label}: {v:+.1}") });
        f.text((if *v < 0.0 { centre - w - 4.0 } else { centre - 4.0 }, y + 10.5), label.clone(), 8.0, Anchor::End);
        f.text(
            (if *v < 0.0 { centre + 4.0 } else { centre + w + 4.0 }, y + 10.5),
            format!("{v:+.1}"),
            8.0,
            Anchor::Start,
        );
    }
    f
}

/// A table of coloured cells with counts: rows × columns.
pub fn heat_table(title: &str, rows: &[String], cols: &[String], values: &[Vec<u64>], d: &Disclosure) -> Figure {
    let label_w = rows.iter().map(|r| text_width(r, 8.0)).fold(60.0, f64::max).min(200.0) + 10.0;
    let cell = 58.0;
    // Column names wrapped on their words to the cell's width, never cut; the header grows to
    // hold the longest.
    let headers: Vec<Vec<String>> = cols.iter().map(|c| wrap(c, cell - 6.0, HEAD_SIZE)).collect();
    let lines = headers.iter().map(Vec::len).max().unwrap_or(1) as f64;
    let top = 34.0 + lines * (HEAD_SIZE + 2.0);
    let width = label_w + cols.len() as f64 * cell + 20.0;
    let height = top + 14.0 + rows.len() as f64 * 20.0;
    let mut f = Figure::new(width.max(300.0), height, title);
    f.bold((10.0, 18.0), title, 11.0, Anchor::Start);
    let max = values.iter().flatten().map(|n| d.drawn(*n)).max().unwrap_or(1).max(1) as f64;
    for (j, head) in headers.iter().enumerate() {
        let x = label_w + j as f64 * cell + cell / 2.0 - 1.0;
        // Bottom-aligned: the last line sits just above the cells.
        let first = top - (head.len() as f64 - 1.0) * (HEAD_SIZE + 2.0);
        for (k, line) in head.iter().enumerate() {
            f.text((x, first + k as f64 * (HEAD_SIZE + 2.0)), line.clone(), HEAD_SIZE, Anchor::Middle);
        }
    }
    for (i, r) in rows.iter().enumerate() {
        let y = top + 6.0 + i as f64 * 20.0;
        f.text((label_w - 6.0, y + 13.0), r.clone(), 8.0, Anchor::End);
        for (j, n) in values[i].iter().enumerate() {
            let x = label_w + j as f64 * cell;
            let fill = scale_colour(d.drawn(*n) as f64, max);
            f.push(Shape::Rect {
                x,
                y,
                w: cell - 2.0,
                h: 18.0,
                fill,
                title: format!("{r} × {}: {}", cols[j], d.show(*n)),
            });
            f.push(Shape::Text {
                at: (x + cell / 2.0 - 1.0, y + 12.5),
                text: d.show(*n),
                size: 7.5,
                anchor: Anchor::Middle,
                colour: fill.text_on(),
                bold: false,
            });
        }
    }
    f
}

/// The heat table's column names.
const HEAD_SIZE: f64 = 7.0;

/// Words in lines no wider than `width` at `size`; a word wider than that has a line of its own.
pub fn wrap(text: &str, width: f64, size: f64) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for word in text.split_whitespace() {
        match lines.last_mut() {
            Some(line) if text_width(&format!("{line} {word}"), size) <= width => {
                line.push(' ');
                line.push_str(word);
            }
            _ => lines.push(word.to_string()),
        }
    }
    if lines.is_empty() {
        lines.push(String::new());
    }
    lines
}
