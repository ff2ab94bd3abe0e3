//! A small PDF writer, so that the report's PDF needs no external program: A4 pages, the standard
//! Helvetica fonts every PDF reader has (nothing to embed), text wrapped with Helvetica's real
//! widths, and the same figures as the HTML drawn as vector paths.

use std::fmt::Write;

use crate::figure::{Anchor, Colour, Figure, Shape};

pub const A4: (f64, f64) = (595.28, 841.89);
const MARGIN: f64 = 48.0;

/// Helvetica advance widths (1/1000 em) for ASCII 32..=126, from the font's published metrics.
const HELVETICA: [u16; 95] = [
    278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556, 556,
    556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833,
    722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469, 556, 333, 556, 556, 500, 556,
    556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278, 556, 500, 722, 500, 500, 500, 334,
    260, 334, 584,
];

/// Text as WinAnsi bytes (the encoding of the standard fonts); characters it lacks get a close
/// stand-in so that nothing is silently dropped.
fn win_ansi(text: &str) -> Vec<u8> {
    let mut out = Vec::with_capacity(text.len());
    for c in text.chars() {
        match c {
            ' '..='~' => out.push(c as u8),
            '\u{a0}'..='\u{ff}' => out.push(c as u32 as u8),
            '–' => out.push(0x96),
            '—' => out.push(0x97),
            '‘' => out.push(0x91),
            '’' => out.push(0x92),
            '“' => out.push(0x93),
            '”' => out.push(0x94),
            '•' => out.push(0x95),
            '…' => out.push(0x85),
            '€' => out.push(0x80),
            '→' => out.extend_from_slice(b"->"),
            '≤' => out.extend_from_slice(b"<="),
            '≥' => out.extend_from_slice(b">="),
            '›' => out.push(0x9b),
            _ => out.push(b'?'),
        }
    }
    out
}

/// Width of text in points, in Helvetica (bold is about 5% wider).
pub fn width(text: &str, size: f64, bold: bool) -> f64 {
    let units: f64 = win_ansi(text)
        .iter()
        .map(|b| if (32..=126).contains(b) { f64::from(HELVETICA[(*b - 32) as usize]) } else { 556.0 })
        .sum();
    units / 1000.0 * size * if bold { 1.05 } else { 1.0 }
}

/// A string for the document's information (a PDF "text string"): UTF-16BE with its byte-order
/// mark, so that a title with an em dash or Kiswahili letters reads the same in any viewer. Page
/// text uses the fonts' WinAnsi encoding instead (`pdf_string`).
fn text_string(text: &str) -> String {
    let mut s = String::from("<FEFF");
    for unit in text.encode_utf16() {
        s.push_str(&format!("{unit:04X}"));
    }
    s.push('>');
    s
}

fn pdf_string(text: &str) -> String {
    let mut s = String::from("(");
    for b in win_ansi(text) {
        match b {
            b'(' | b')' | b'\\' => {
                s.push('\\');
                s.push(b as char);
            }
            32..=126 => s.push(b as char),
            _ => {
                let _ = write!(s, "\\{b:03o}");
            }
        }
    }
    s.push(')');
    s
}

fn rgb(c: Colour) -> String {
    format!("{:.3} {:.3} {:.3}", f64::from(c.0) / 255.0, f64::from(c.1) / 255.0, f64::from(c.2) / 255.0)
}

/// Pages being laid out top to bottom.
pub struct Document {
    pages: Vec<String>,
    y: f64,
}

impl Default for Document {
    fn default() -> Self {
        Self::new()
    }
}

impl Document {
    pub fn new() -> Self {
        Document { pages: vec![String::new()], y: MARGIN }
    }

    fn page(&mut self) -> &mut String {
        self.pages.last_mut().expect("a document always has a page")
    }

    pub fn new_page(&mut self) {
        if !self.page().is_empty() || self.pages.len() == 1 && self.y > MARGIN {
            self.pages.push(String::new());
        }
        self.y = MARGIN;
    }

    fn room(&mut self, height: f64) {
        if self.y + height > A4.1 - MARGIN {
            self.new_page();
        }
    }

    /// Places text with its baseline at (x, y) from the top left.
    fn text_at(&mut self, x: f64, y: f64, text: &str, size: f64, bold: bool, colour: Colour) {
        let font = if bold { "F2" } else { "F1" };
        let line = format!(
            "BT {} rg /{font} {size:.1} Tf {x:.2} {:.2} Td {} Tj ET\n",
            rgb(colour),
            A4.1 - y,
            pdf_string(text)
        );
        self.page().push_str(&line);
    }

    /// A paragraph wrapped to the text width.
    pub fn paragraph(&mut self, text: &str, size: f64, bold: bool) {
        let max = A4.0 - 2.0 * MARGIN;
        let leading = size * 1.35;
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
            if width(&candidate, size, bold) > max && !line.is_empty() {
                self.room(leading);
                self.y += leading;
                let y = self.y;
                self.text_at(MARGIN, y, &line, size, bold, Colour::INK);
                line = word.to_string();
            } else {
                line = candidate;
            }
        }
        if !line.is_empty() {
            self.room(leading);
            self.y += leading;
            let y = self.y;
            self.text_at(MARGIN, y, &line, size, bold, Colour::INK);
        }
        self.y += size * 0.6;
    }

    pub fn heading(&mut self, text: &str) {
        self.room(60.0);
        self.y += 14.0;
        self.paragraph(text, 16.0, true);
        let y = self.y;
        let line = format!(
            "{} RG 1.5 w {MARGIN:.2} {:.2} m {:.2} {:.2} l S\n",
            rgb(Colour(42, 120, 142)),
            A4.1 - y,
            A4.0 - MARGIN,
            A4.1 - y
        );
        self.page().push_str(&line);
        self.y += 8.0;
    }

    pub fn space(&mut self, points: f64) {
        self.y += points;
    }

    /// A simple table: columns from `numeric_from` on are right-aligned.
    pub fn table(&mut self, head: &[String], rows: &[Vec<String>], numeric_from: usize) {
        let cols = head.len().max(1);
        let total = A4.0 - 2.0 * MARGIN;
        let first = total * 0.46;
        let rest = (total - first) / (cols.saturating_sub(1)).max(1) as f64;
        let x_of = |i: usize| if i == 0 { MARGIN } else { MARGIN + first + rest * (i - 1) as f64 };
        let w_of = |i: usize| if i == 0 { first } else { rest };
        for (r, row) in std::iter::once(head.to_vec()).chain(rows.iter().cloned()).enumerate() {
            self.room(14.0);
            self.y += 13.0;
            let y = self.y;
            for (i, cell) in row.iter().enumerate() {
                let bold = r == 0;
                let mut text = cell.clone();
                while width(&text, 8.5, bold) > w_of(i) - 4.0 && text.chars().count() > 3 {
                    text = text.chars().take(text.chars().count() - 2).collect::<String>();
                    text.push('…');
                }
                let x = if i >= numeric_from { x_of(i) + w_of(i) - 2.0 - width(&text, 8.5, bold) } else { x_of(i) };
                self.text_at(x, y, &text, 8.5, bold, Colour::INK);
            }
        }
        self.y += 8.0;
    }

    /// Draws a figure scaled to the text width (or smaller), on a new page if it does not fit.
    pub fn figure(&mut self, f: &Figure) {
        let scale = ((A4.0 - 2.0 * MARGIN) / f.width).min(1.0).min((A4.1 - 2.0 * MARGIN) / f.height);
        let h = f.height * scale;
        self.room(h + 10.0);
        let (x0, y0) = (MARGIN, self.y);
        let mut out = String::from("q\n");
        let pt = |p: (f64, f64)| (x0 + p.0 * scale, A4.1 - (y0 + p.1 * scale));
        for s in &f.shapes {
            match s {
                Shape::Polygon { rings, fill, stroke, width, .. } => {
                    if rings.is_empty() {
                        continue;
                    }
                    let _ = write!(out, "{} rg {} RG {:.2} w ", rgb(*fill), rgb(*stroke), width * scale);
                    for ring in rings {
                        for (i, p) in ring.iter().enumerate() {
                            let (x, y) = pt(*p);
                            let _ = write!(out, "{x:.1} {y:.1} {} ", if i == 0 { "m" } else { "l" });
                        }
                        out.push_str("h ");
                    }
                    out.push_str("B\n");
                }
                Shape::Flow { from, via, to, width, colour, .. } => {
                    let (p0, q, p2) = (pt(*from), pt(*via), pt(*to));
                    let c1 = (p0.0 + 2.0 / 3.0 * (q.0 - p0.0), p0.1 + 2.0 / 3.0 * (q.1 - p0.1));
                    let c2 = (p2.0 + 2.0 / 3.0 * (q.0 - p2.0), p2.1 + 2.0 / 3.0 * (q.1 - p2.1));
                    let w = width * scale;
                    let _ = writeln!(
                        out,
                        "{} RG {w:.2} w 1 J {:.1} {:.1} m {:.1} {:.1} {:.1} {:.1} {:.1} {:.1} c S",
                        rgb(*colour),
                        p0.0,
                        p0.1,
                        c1.0,
                        c1.1,
                        c2.0,
                        c2.1,
                        p2.0,
                        p2.1
                    );
                    // Arrowhead along the curve's last tangent.
                    let (dx, dy) = (p2.0 - c2.0, p2.1 - c2.1);
                    let len = dx.hypot(dy).max(0.001);
                    let (ux, uy) = (dx / len, dy / len);
                    let size = (w * 2.2).max(4.0);
                    let back = (p2.0 - ux * size, p2.1 - uy * size);
                    let _ = writeln!(
                        out,
                        "{} rg {:.1} {:.1} m {:.1} {:.1} l {:.1} {:.1} l h f",
                        rgb(*colour),
                        p2.0,
                        p2.1,
                        back.0 - uy * size * 0.5,
                        back.1 + ux * size * 0.5,
                        back.0 + uy * size * 0.5,
                        back.1 - ux * size * 0.5
                    );
                }
                Shape::Circle { centre, radius, fill, stroke, .. } => {
                    let (cx, cy) = pt(*centre);
                    let r = radius * scale;
                    let k = 0.5523 * r;
                    let _ = writeln!(
                        out,
                        "{} rg {} RG 0.5 w {:.1} {:.1} m {:.1} {:.1} {:.1} {:.1} {:.1} {:.1} c {:.1} {:.1} {:.1} {:.1} {:.1} {:.1} c {:.1} {:.1} {:.1} {:.1} {:.1} {:.1} c {:.1} {:.1} {:.1} {:.1} {:.1} {:.1} c B",
                        rgb(*fill), rgb(*stroke),
                        cx + r, cy,
                        cx + r, cy + k, cx + k, cy + r, cx, cy + r,
                        cx - k, cy + r, cx - r, cy + k, cx - r, cy,
                        cx - r, cy - k, cx - k, cy - r, cx, cy - r,
                        cx + k, cy - r, cx + r, cy - k, cx + r, cy
                    );
                }
                Shape::Rect { x, y, w, h, fill, .. } => {
                    let (px, py) = pt((*x, *y + *h));
                    let _ = writeln!(out, "{} rg {px:.1} {py:.1} {:.1} {:.1} re f", rgb(*fill), w * scale, h * scale);
                }
                Shape::Line { from, to, colour, width } => {
                    let (a, b) = (pt(*from), pt(*to));
                    let _ = writeln!(
                        out,
                        "{} RG {:.2} w {:.1} {:.1} m {:.1} {:.1} l S",
                        rgb(*colour),
                        width * scale,
                        a.0,
                        a.1,
                        b.0,
                        b.1
                    );
                }
                Shape::Text { at, text, size, anchor, colour, bold } => {
                    let s = size * scale;
                    let w = width(text, s, *bold);
                    let (x, y) = pt(*at);
                    let x = match anchor {
                        Anchor::Start => x,
                        Anchor::Middle => x - w / 2.0,
                        Anchor::End => x - w,
                    };
                    let _ = writeln!(
                        out,
                        "BT {} rg /{} {s:.2} Tf {x:.2} {y:.2} Td {} Tj ET",
                        rgb(*colour),
                        if *bold { "F2" } else { "F1" },
                        pdf_string(text)
                    );
                }
            }
        }
        out.push_str("Q\n");
        self.page().push_str(&out);
        self.y += h + 10.0;
    }

    /// Puts a line at the foot of every page (attribution and page numbers).
    pub fn footer(&mut self, text: &str) {
        let n = self.pages.len();
        for i in 0..n {
            let line = format!("{text}  —  {}/{n}", i + 1);
            let x = A4.0 - MARGIN - width(&line, 7.0, false);
            let op =
                format!("BT {} rg /F1 7.0 Tf {x:.2} {:.2} Td {} Tj ET\n", rgb(Colour::GREY), 24.0, pdf_string(&line));
            self.pages[i].push_str(&op);
        }
    }

    /// The finished file.
    pub fn finish(self, title: &str) -> Vec<u8> {
        let mut objects: Vec<Vec<u8>> = Vec::new();
        // 1 catalog, 2 pages, 3 Helvetica, 4 Helvetica-Bold, 5 info, then page + content pairs.
        let n = self.pages.len();
        let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 6 + 2 * i)).collect();
        objects.push(b"<< /Type /Catalog /Pages 2 0 R >>".to_vec());
        objects.push(format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")).into_bytes());
        objects.push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_vec());
        objects
            .push(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold /Encoding /WinAnsiEncoding >>".to_vec());
        let mut info = b"<< /Producer (vjt) /Title ".to_vec();
        info.extend_from_slice(text_string(title).as_bytes());
        info.extend_from_slice(b" >>");
        objects.push(info);
        for (i, content) in self.pages.iter().enumerate() {
            objects.push(
                format!(
                    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {:.2} {:.2}] /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> /Contents {} 0 R >>",
                    A4.0,
                    A4.1,
                    7 + 2 * i
                )
                .into_bytes(),
            );
            let mut stream = format!("<< /Length {} >>\nstream\n", content.len()).into_bytes();
            stream.extend_from_slice(content.as_bytes());
            stream.extend_from_slice(b"\nendstream");
            objects.push(stream);
        }
        let mut out = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n".to_vec();
        let mut offsets = Vec::with_capacity(objects.len());
        for (i, body) in objects.iter().enumerate() {
            offsets.push(out.len());
            out.extend_from_slice(format!("{} 0 obj\n", i + 1).as_bytes());
            out.extend_from_slice(body);
            out.extend_from_slice(b"\nendobj\n");
        }
        let xref = out.len();
        out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
        for off in offsets {
            out.extend_from_slice(format!("{off:010} 00000 n \n").as_bytes());
        }
        out.extend_from_slice(
            format!("trailer\n<< /Size {} /Root 1 0 R /Info 5 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
                .as_bytes(),
        );
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_encoded_for_the_standard_fonts() {
        assert_eq!(win_ansi("Murang’a – 5"), b"Murang\x92a \x96 5".to_vec());
        assert_eq!(pdf_string("(a)\\"), "(\\(a\\)\\\\)");
        assert_eq!(pdf_string("Café"), "(Caf\\351)");
        // N 722 + a 556 + i 222 + r 333 + o 556 + b 556 + i 222 = 3167/1000 em.
        assert!((width("Nairobi", 10.0, false) - 31.67).abs() < 0.01);
    }

    #[test]
    fn a_document_is_a_well_formed_pdf() {
        let mut d = Document::new();
        d.heading("Title");
        d.paragraph(&"word ".repeat(2000), 10.0, false);
        d.footer("footer");
        let bytes = d.finish("t");
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.starts_with("%PDF-1.4"));
        assert!(text.ends_with("%%EOF\n"));
        let pages = text.matches("/Type /Page ").count();
        assert!(pages >= 2, "a long paragraph flows onto a second page");
        // The cross-reference table points at each object.
        // Offsets count bytes (the header's binary marker is not UTF-8, so work on the bytes).
        let xref_at: usize = text.rsplit("startxref\n").next().unwrap().lines().next().unwrap().parse().unwrap();
        assert!(bytes[xref_at..].starts_with(b"xref"));
        let first = bytes.windows(7).position(|w| w == b"1 0 obj").unwrap();
        assert!(text.contains(&format!("{first:010} 00000 n")));
    }
}
