//! The report's PDF. vjt lays the pages out itself (A4, text wrapped with the font's real widths,
//! tables that carry their header onto the next page, figures scaled to the text width, a running
//! header and "page x of y") and krilla writes the file: Noto Sans embedded as subsets, the
//! structure tagged for screen readers and checked against PDF/UA-1, bookmarks, the document's
//! language.
//!
//! Why not Typst: it would typeset more for us, but it made a cold build of vjt 8 min 41 s longer
//! on a two-core machine (measured), which the project's CI cannot carry. krilla is the PDF
//! writer under Typst, at about a tenth of that.

use std::collections::HashMap;
use std::num::NonZeroU16;
use std::sync::OnceLock;

use krilla::color::rgb;
use krilla::configure::{Accessibility, ConfigurationBuilder};
use krilla::destination::XyzDestination;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::outline::{Outline, OutlineNode};
use krilla::page::PageSettings;
use krilla::paint::{Fill, FillRule, LineCap, Stroke};
use krilla::surface::Surface;
use krilla::tagging::{
    Artifact, ArtifactType, ContentTag, Identifier, ListNumbering, Node as TagNode, SpanTag, TableHeaderScope, Tag,
    TagGroup, TagKind, TagTree,
};
use krilla::text::{Font, TextDirection};
use krilla::SerializeSettings;
use vjt_catalogue::Catalogue;
use vjt_domain::Lang;

use crate::figure::{Anchor, Colour, Figure, Shape};

pub const A4: (f64, f64) = (595.28, 841.89);
const MARGIN: f64 = 48.0;
/// Where body text starts and must end: the running header and the footer sit outside.
const TOP: f64 = 66.0;
const BOTTOM: f64 = A4.1 - 56.0;
const TEXT_WIDTH: f64 = A4.0 - 2.0 * MARGIN;
const TEAL: Colour = Colour(42, 120, 142);

/// The fonts' copyright and licence (SIL Open Font License 1.1), shown by `vjt about`.
pub const FONT_LICENCE: &str = include_str!("../fonts/OFL.txt");

static REGULAR: &[u8] = include_bytes!("../fonts/NotoSans-Regular.ttf");
static BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.ttf");
/// Arrows and ≤ ≥, which Noto Sans lacks (a subset of Noto Sans Math, see tools/fonts.sh).
static SYMBOLS: &[u8] = include_bytes!("../fonts/NotoSansMath-Symbols.ttf");

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Face {
    Regular,
    Bold,
    Symbols,
}

/// The faces as the shaper reads them: widths are measured with the same shaping (kerning
/// included) that krilla draws with, so measured and drawn text line up.
struct Faces([rustybuzz::Face<'static>; 3]);

fn faces() -> &'static Faces {
    static FACES: OnceLock<Faces> = OnceLock::new();
    FACES.get_or_init(|| {
        let parse = |data: &'static [u8]| rustybuzz::Face::from_slice(data, 0).expect("the shipped fonts parse");
        Faces([parse(REGULAR), parse(BOLD), parse(SYMBOLS)])
    })
}

impl Faces {
    fn get(&self, face: Face) -> &rustybuzz::Face<'static> {
        &self.0[face as usize]
    }

    /// Width of a run in ems, shaped.
    fn run_width(&self, face: Face, run: &str) -> f64 {
        let f = self.get(face);
        let mut buffer = rustybuzz::UnicodeBuffer::new();
        buffer.push_str(run);
        buffer.set_direction(rustybuzz::Direction::LeftToRight);
        let shaped = rustybuzz::shape(f, &[], buffer);
        let units: i64 = shaped.glyph_positions().iter().map(|p| i64::from(p.x_advance)).sum();
        units as f64 / f64::from(f.units_per_em())
    }
}

/// Text cut into runs that one face each can draw: the text face, the symbols face for what it
/// lacks, and "?" for a character neither has (a script the shipped fonts do not cover), so
/// that nothing is drawn as an empty box or silently dropped.
fn runs(text: &str, bold: bool) -> Vec<(Face, String)> {
    let all = faces();
    let main = if bold { Face::Bold } else { Face::Regular };
    let mut out: Vec<(Face, String)> = Vec::new();
    for c in text.chars() {
        let c = if c == '\u{a0}' { ' ' } else { c };
        let (face, c) = if all.get(main).glyph_index(c).is_some() {
            (main, c)
        } else if all.get(Face::Symbols).glyph_index(c).is_some() {
            (Face::Symbols, c)
        } else {
            (main, '?')
        };
        match out.last_mut() {
            Some((f, s)) if *f == face => s.push(c),
            _ => out.push((face, c.to_string())),
        }
    }
    out
}

/// Width of text in points, in the fonts the PDF embeds.
pub fn width(text: &str, size: f64, bold: bool) -> f64 {
    let all = faces();
    runs(text, bold).iter().map(|(face, run)| all.run_width(*face, run)).sum::<f64>() * size
}

/// Text broken into lines no wider than `max`; a word wider than a line is broken by letters.
fn wrap(text: &str, size: f64, bold: bool, max: f64) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() { word.to_string() } else { format!("{line} {word}") };
        if width(&candidate, size, bold) <= max || line.is_empty() && width(word, size, bold) <= max {
            line = candidate;
            continue;
        }
        if !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if width(word, size, bold) <= max {
            line = word.to_string();
        } else {
            for c in word.chars() {
                line.push(c);
                if width(&line, size, bold) > max && line.chars().count() > 1 {
                    line.pop();
                    lines.push(std::mem::replace(&mut line, c.to_string()));
                }
            }
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// What a part of the document is, for the tag tree that screen readers follow.
#[derive(Debug, Clone)]
enum Role {
    Heading(u16, String),
    P,
    Toc,
    TocItem,
    Link,
    Table,
    THead,
    TBody,
    Row,
    HeaderCell,
    Cell,
    Figure(String),
    Caption,
    List,
    ListItem,
    Label,
    ListBody,
}

#[derive(Debug)]
enum Node {
    Group(Role, Vec<Node>),
    Leaf(usize),
}

/// Whether drawn content belongs to the structure (a leaf of the tag tree) or is decoration a
/// screen reader skips (rules, shading, a table header repeated on its next page).
#[derive(Debug, Clone, Copy)]
enum Mark {
    Leaf(usize),
    Artifact,
}

#[derive(Debug)]
enum Item {
    Text {
        x: f64,
        y: f64,
        text: String,
        size: f64,
        bold: bool,
        colour: Colour,
        mark: Mark,
    },
    Line {
        x0: f64,
        x1: f64,
        y: f64,
        colour: Colour,
        width: f64,
    },
    Band {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        fill: Colour,
    },
    /// A figure drawn at (x, y) scaled; its own title is left out (the caption replaces it).
    Figure {
        x: f64,
        y: f64,
        scale: f64,
        index: usize,
        leaf: usize,
    },
    /// The page a section starts on, right-aligned at `right`: known only once all is laid out.
    PageOf {
        right: f64,
        y: f64,
        size: f64,
        target: &'static str,
        from: f64,
        leaf: usize,
    },
    /// A link area on the contents page to a section.
    Link {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        target: &'static str,
        alt: String,
        leaf: usize,
    },
}

struct OutlineEntry {
    level: u16,
    text: String,
    page: usize,
    y: f64,
}

/// Pages being laid out top to bottom, with the structure they carry.
pub struct Document {
    lang: Lang,
    pages: Vec<Vec<Item>>,
    y: f64,
    leaves: usize,
    stack: Vec<(Role, Vec<Node>)>,
    root: Vec<Node>,
    anchors: HashMap<&'static str, (usize, f64)>,
    outline: Vec<OutlineEntry>,
    figures: Vec<Figure>,
    /// The section each page starts in, for the running header.
    sections: Vec<(usize, String)>,
    title: String,
    footer: String,
    /// After the title page or the contents, the first section starts a page of its own.
    front_matter: bool,
}

impl Document {
    pub fn new(lang: Lang) -> Self {
        Document {
            lang,
            pages: vec![Vec::new()],
            y: TOP,
            leaves: 0,
            stack: Vec::new(),
            root: Vec::new(),
            anchors: HashMap::new(),
            outline: Vec::new(),
            figures: Vec::new(),
            sections: Vec::new(),
            title: String::new(),
            footer: String::new(),
            front_matter: false,
        }
    }

    pub fn pages(&self) -> usize {
        self.pages.len()
    }

    fn open(&mut self, role: Role) {
        self.stack.push((role, Vec::new()));
    }

    fn close(&mut self) {
        let (role, children) = self.stack.pop().expect("every group opened is closed");
        self.attach(Node::Group(role, children));
    }

    fn attach(&mut self, node: Node) {
        match self.stack.last_mut() {
            Some((_, children)) => children.push(node),
            None => self.root.push(node),
        }
    }

    fn leaf(&mut self) -> usize {
        let id = self.leaves;
        self.leaves += 1;
        self.attach(Node::Leaf(id));
        id
    }

    fn place(&mut self, item: Item) {
        self.pages.last_mut().expect("a document always has a page").push(item);
    }

    fn page_index(&self) -> usize {
        self.pages.len() - 1
    }

    pub fn new_page(&mut self) {
        if !self.pages.last().is_some_and(Vec::is_empty) {
            self.pages.push(Vec::new());
        }
        self.y = TOP;
    }

    /// Moves to a new page unless `height` more fits on this one; true when it moved.
    fn room(&mut self, height: f64) -> bool {
        if self.y + height > BOTTOM && self.y > TOP {
            self.new_page();
            true
        } else {
            false
        }
    }

    fn remaining(&self) -> f64 {
        BOTTOM - self.y
    }

    fn text(&mut self, x: f64, y: f64, text: &str, size: f64, bold: bool, colour: Colour) {
        let leaf = self.leaf();
        self.place(Item::Text { x, y, text: text.to_string(), size, bold, colour, mark: Mark::Leaf(leaf) });
    }

    /// Wrapped lines of one paragraph (or heading) at the left margin plus `indent`.
    fn lines(&mut self, text: &str, size: f64, bold: bool, colour: Colour, indent: f64) {
        let leading = size * 1.4;
        for line in wrap(text, size, bold, TEXT_WIDTH - indent) {
            self.room(leading);
            self.y += leading;
            let y = self.y - size * 0.3;
            self.text(MARGIN + indent, y, &line, size, bold, colour);
        }
    }

    pub fn paragraph(&mut self, text: &str, size: f64, bold: bool) {
        self.open(Role::P);
        self.lines(text, size, bold, Colour::INK, 0.0);
        self.close();
        self.y += size * 0.7;
    }

    /// The title page: the title low on the page, then its lines; the page holds nothing else.
    pub fn title_page(&mut self, title: &str, lines: &[String]) {
        self.title = title.to_string();
        self.y = 250.0;
        self.open(Role::Heading(1, title.to_string()));
        self.lines(title, 26.0, true, Colour::INK, 0.0);
        self.close();
        let y = self.y + 12.0;
        self.place(Item::Line { x0: MARGIN, x1: MARGIN + 120.0, y, colour: TEAL, width: 3.0 });
        self.y += 30.0;
        for l in lines {
            self.open(Role::P);
            self.lines(l, 11.5, false, Colour::INK, 0.0);
            self.close();
            self.y += 4.0;
        }
        self.front_matter = true;
    }

    /// The contents: each section with its page, each entry a link to it.
    pub fn contents(&mut self, label: &str, entries: &[(&'static str, String)]) {
        self.new_page();
        self.open(Role::Heading(2, label.to_string()));
        self.lines(label, 18.0, true, Colour::INK, 0.0);
        self.close();
        self.y += 14.0;
        self.open(Role::Toc);
        let size = 11.0;
        for (i, (id, text)) in entries.iter().enumerate() {
            let entry = format!("{}. {text}", i + 1);
            self.room(22.0);
            self.y += 22.0;
            let y = self.y;
            self.open(Role::TocItem);
            self.open(Role::Link);
            self.text(MARGIN, y, &entry, size, false, Colour::INK);
            let from = MARGIN + width(&entry, size, false) + 6.0;
            let page_leaf = self.leaf();
            self.place(Item::PageOf { right: A4.0 - MARGIN, y, size, target: id, from, leaf: page_leaf });
            let link = self.leaf();
            self.place(Item::Link {
                x: MARGIN,
                y: y - size,
                w: TEXT_WIDTH,
                h: size * 1.5,
                target: id,
                alt: text.clone(),
                leaf: link,
            });
            self.close();
            self.close();
        }
        self.close();
        self.front_matter = true;
    }

    /// A section heading. A section starts on a new page only when less than a third of this one
    /// is left, so that short sections do not leave pages nearly empty; `keep` is the height of
    /// what must follow it on the same page.
    pub fn heading(&mut self, id: &'static str, text: &str, keep: f64) {
        if std::mem::take(&mut self.front_matter)
            || self.remaining() < (BOTTOM - TOP) / 3.0
            || self.remaining() < keep + 60.0
        {
            self.new_page();
        } else {
            self.y += 22.0;
        }
        self.anchors.insert(id, (self.page_index(), self.y));
        self.outline.push(OutlineEntry { level: 1, text: text.to_string(), page: self.page_index(), y: self.y });
        self.sections.push((self.page_index(), text.to_string()));
        self.open(Role::Heading(2, text.to_string()));
        self.lines(text, 16.0, true, Colour::INK, 0.0);
        self.close();
        let y = self.y + 5.0;
        self.place(Item::Line { x0: MARGIN, x1: A4.0 - MARGIN, y, colour: TEAL, width: 1.5 });
        self.y += 16.0;
    }

    /// A sub-heading, kept on the page with `keep` points of what follows.
    pub fn sub(&mut self, text: &str, keep: f64) {
        self.room(40.0 + keep.min(BOTTOM - TOP - 60.0));
        self.y += 6.0;
        self.outline.push(OutlineEntry { level: 2, text: text.to_string(), page: self.page_index(), y: self.y });
        self.open(Role::Heading(3, text.to_string()));
        self.lines(text, 12.5, true, Colour::INK, 0.0);
        self.close();
        self.y += 6.0;
    }

    /// A bulleted list.
    pub fn list(&mut self, items: &[String]) {
        self.open(Role::List);
        for item in items {
            self.open(Role::ListItem);
            self.room(14.0);
            self.open(Role::Label);
            let y = self.y + 14.0 - 3.0;
            self.text(MARGIN + 4.0, y, "•", 10.0, false, Colour::INK);
            self.close();
            self.open(Role::ListBody);
            self.lines(item, 10.0, false, Colour::INK, 16.0);
            self.close();
            self.close();
            self.y += 3.0;
        }
        self.close();
        self.y += 6.0;
    }

    /// The height a figure will take, caption included.
    pub fn figure_height(f: &Figure) -> f64 {
        f.height * Self::figure_scale(f) + 14.0
    }

    fn figure_scale(f: &Figure) -> f64 {
        (TEXT_WIDTH / f.width).min(1.0).min((BOTTOM - TOP - 30.0) / f.height)
    }

    /// A figure scaled to the text width (or smaller), numbered: its drawn title becomes the
    /// caption "Figure n: title", tagged as the figure's caption, and the figure carries a text
    /// alternative naming what it shows.
    pub fn figure(&mut self, f: Figure) {
        let cat = Catalogue::new(self.lang);
        let scale = Self::figure_scale(&f);
        let h = f.height * scale;
        self.room(h + 14.0);
        let (x, y) = (MARGIN + (TEXT_WIDTH - f.width * scale) / 2.0, self.y + 4.0);
        let number = self.figures.len() + 1;
        let caption = format!("{}: {}", cat.f("figure_n", &[("n", number.to_string())]), f.title);
        // The caption goes where the figure drew its title; below it when it drew none.
        let drawn_title = f.shapes.iter().find_map(|s| match s {
            Shape::Text { at, text, size, bold, .. } if *text == f.title => Some((*at, *size, *bold)),
            _ => None,
        });
        let alt = alt_text(&f);
        self.open(Role::Figure(alt));
        let leaf = self.leaf();
        self.place(Item::Figure { x, y, scale, index: self.figures.len(), leaf });
        self.close();
        self.figures.push(f);
        self.open(Role::Caption);
        match drawn_title {
            Some((at, size, bold)) => {
                self.text(x + at.0 * scale, y + at.1 * scale, &caption, size * scale, bold, Colour::INK);
                self.y = y + h + 10.0;
            }
            None => {
                self.y = y + h;
                self.lines(&caption, 9.0, true, Colour::INK, 0.0);
                self.y += 10.0;
            }
        }
        self.close();
    }

    /// A table: columns from `numeric_from` on are right-aligned; cells wrap; a table longer than
    /// the page continues on the next with its header repeated.
    pub fn table(&mut self, head: &[String], rows: &[Vec<String>], numeric_from: usize) {
        let size = 8.5;
        let widths = column_widths(head, rows, size, 4.0);
        let x_of = |i: usize| MARGIN + widths[..i].iter().sum::<f64>();
        let w_of = |i: usize| widths[i];
        let leading = 11.0;
        let pad = 4.0;
        let cells_of = |row: &[String], bold: bool| -> Vec<Vec<String>> {
            row.iter().enumerate().map(|(i, c)| wrap(c, size, bold, w_of(i) - 2.0 * pad)).collect()
        };
        let height_of =
            |cells: &[Vec<String>]| cells.iter().map(Vec::len).max().unwrap_or(1).max(1) as f64 * leading + 6.0;
        let head_cells = cells_of(head, true);
        let head_h = height_of(&head_cells);
        let draw_row = |doc: &mut Document, cells: &[Vec<String>], bold: bool, header: bool, mark: bool| {
            let h = height_of(cells);
            let top = doc.y;
            if header {
                doc.place(Item::Band { x: MARGIN, y: top, w: TEXT_WIDTH, h, fill: Colour::LIGHT });
            }
            if mark {
                doc.open(Role::Row);
            }
            for (i, lines) in cells.iter().enumerate() {
                if mark {
                    doc.open(if header { Role::HeaderCell } else { Role::Cell });
                }
                for (l, line) in lines.iter().enumerate() {
                    let y = top + 3.0 + leading * (l + 1) as f64 - 2.5;
                    let x = if i >= numeric_from && i > 0 {
                        x_of(i) + w_of(i) - pad - width(line, size, bold)
                    } else {
                        x_of(i) + pad
                    };
                    if mark {
                        doc.text(x, y, line, size, bold, Colour::INK);
                    } else {
                        let item = Item::Text {
                            x,
                            y,
                            text: line.clone(),
                            size,
                            bold,
                            colour: Colour::INK,
                            mark: Mark::Artifact,
                        };
                        doc.place(item);
                    }
                }
                if mark {
                    doc.close();
                }
            }
            if mark {
                doc.close();
            }
            doc.y = top + h;
            doc.place(Item::Line { x0: MARGIN, x1: A4.0 - MARGIN, y: doc.y, colour: Colour::LIGHT, width: 0.5 });
        };
        let heights: Vec<f64> = rows.iter().map(|r| height_of(&cells_of(r, false))).collect();
        let whole = head_h + heights.iter().sum::<f64>() + 4.0;
        let fitting = heights.iter().scan(head_h + 4.0, |h, r| {
            *h += r;
            Some(*h)
        });
        let fit_here = fitting.take_while(|h| *h <= self.remaining()).count();
        // A table that fits on a page is split only when most of it stays here: a few rows at the
        // foot of one page and the rest on the next read badly and leave the next page nearly empty.
        if whole <= BOTTOM - TOP && fit_here * 2 < rows.len() {
            self.new_page();
        }
        self.room(head_h + heights.first().copied().unwrap_or(0.0) + 4.0);
        self.y += 4.0;
        self.open(Role::Table);
        self.open(Role::THead);
        draw_row(self, &head_cells, true, true, true);
        self.close();
        self.open(Role::TBody);
        for row in rows {
            let cells = cells_of(row, false);
            if self.room(height_of(&cells)) {
                // The header again, for the reader of the printed page; a screen reader has it.
                draw_row(self, &head_cells, true, true, false);
            }
            draw_row(self, &cells, false, false, true);
        }
        self.close();
        self.close();
        self.y += 12.0;
    }

    /// The line at the foot of every page (attribution), beside "page x of y".
    pub fn footer(&mut self, text: &str) {
        self.footer = text.to_string();
    }

    /// The finished file.
    pub fn finish(self, title: &str) -> Vec<u8> {
        match self.write(title, true) {
            Ok(bytes) => bytes,
            Err(_) => panic!("the report's PDF could not be written"),
        }
    }

    /// Writes the file, checked against PDF/UA-1 when `checked`.
    pub fn write(self, title: &str, checked: bool) -> Result<Vec<u8>, String> {
        let mut configuration = ConfigurationBuilder::new();
        if checked {
            configuration = configuration.with_accessibility_validator(Accessibility::UA1);
        }
        let settings = SerializeSettings {
            configuration: configuration.finish().map_err(|e| format!("{e:?}"))?,
            ..SerializeSettings::default()
        };
        let fonts = [
            Font::new(REGULAR.into(), 0).ok_or("font")?,
            Font::new(BOLD.into(), 0).ok_or("font")?,
            Font::new(SYMBOLS.into(), 0).ok_or("font")?,
        ];
        let cat = Catalogue::new(self.lang);
        let total = self.pages.len();
        let mut ids: Vec<Option<Identifier>> = (0..self.leaves).map(|_| None).collect();
        let mut pdf = krilla::Document::new_with(settings);
        for (index, items) in self.pages.iter().enumerate() {
            let mut page = pdf.start_page_with(PageSettings::from_wh(A4.0 as f32, A4.1 as f32).expect("A4"));
            let mut links = Vec::new();
            let mut surface = page.surface();
            let mut pen = Pen { surface: &mut surface, fonts: &fonts };
            for item in items {
                match item {
                    Item::Text { x, y, text, size, bold, colour, mark } => {
                        let id = pen.start(*mark, ArtifactType::Layout);
                        pen.text(*x, *y, text, *size, *bold, *colour);
                        pen.end(*mark, id, &mut ids);
                    }
                    Item::Line { x0, x1, y, colour, width } => {
                        let id = pen.start(Mark::Artifact, ArtifactType::Layout);
                        pen.line((*x0, *y), (*x1, *y), *colour, *width);
                        pen.end(Mark::Artifact, id, &mut ids);
                    }
                    Item::Band { x, y, w, h, fill } => {
                        let id = pen.start(Mark::Artifact, ArtifactType::Layout);
                        pen.rect(*x, *y, *w, *h, *fill);
                        pen.end(Mark::Artifact, id, &mut ids);
                    }
                    Item::Figure { x, y, scale, index, leaf } => {
                        let id = pen.surface.start_tagged(ContentTag::Other);
                        pen.figure(&self.figures[*index], *x, *y, *scale);
                        pen.surface.end_tagged();
                        ids[*leaf] = Some(id);
                    }
                    Item::PageOf { right, y, size, target, from, leaf } => {
                        let number = self.anchors.get(target).map_or(String::new(), |(p, _)| (p + 1).to_string());
                        let w = width(&number, *size, false);
                        let dots_to = right - w - 4.0;
                        let dot = width(". ", *size, false);
                        let count = ((dots_to - from) / dot).floor().max(0.0) as usize;
                        let id = pen.start(Mark::Artifact, ArtifactType::Layout);
                        pen.text(dots_to - dot * count as f64, *y, &". ".repeat(count), *size, false, Colour::MUTED);
                        pen.end(Mark::Artifact, id, &mut ids);
                        let mark = Mark::Leaf(*leaf);
                        let id = pen.start(mark, ArtifactType::Layout);
                        pen.text(right - w, *y, &number, *size, false, Colour::INK);
                        pen.end(mark, id, &mut ids);
                    }
                    Item::Link { x, y, w, h, target, alt, leaf } => links.push((*x, *y, *w, *h, *target, alt, *leaf)),
                }
            }
            if index > 0 {
                // The section the page opens in: one starting on it, else the one running on.
                let section = self
                    .sections
                    .iter()
                    .find(|(p, _)| *p == index)
                    .or_else(|| self.sections.iter().rev().find(|(p, _)| *p < index))
                    .map(|(_, s)| s.as_str());
                pen.running(&self.title, section.unwrap_or(""), &self.footer, &page_of(&cat, index + 1, total));
            }
            surface.finish();
            for (x, y, w, h, target, alt, leaf) in links {
                let Some((p, ty)) = self.anchors.get(target) else { continue };
                let rect = Rect::from_xywh(x as f32, y as f32, w as f32, h as f32).expect("a link has an area");
                let destination = XyzDestination::new(*p, Point::from_xy(MARGIN as f32, (*ty - 24.0) as f32));
                let link = krilla::annotation::LinkAnnotation::new(
                    rect,
                    krilla::annotation::Target::Destination(destination.into()),
                );
                ids[leaf] =
                    Some(page.add_tagged_annotation(krilla::annotation::Annotation::new_link(link, Some(alt.clone()))));
            }
            page.finish();
        }

        let mut outline = Outline::new();
        let mut current: Option<OutlineNode> = None;
        for e in &self.outline {
            let node = OutlineNode::new(
                e.text.clone(),
                XyzDestination::new(e.page, Point::from_xy(MARGIN as f32, (e.y - 24.0).max(0.0) as f32)),
            );
            if e.level == 1 {
                if let Some(done) = current.take() {
                    outline.push_child(done);
                }
                current = Some(node);
            } else if let Some(parent) = current.as_mut() {
                parent.push_child(node);
            } else {
                outline.push_child(node);
            }
        }
        if let Some(done) = current {
            outline.push_child(done);
        }
        pdf.set_outline(outline);

        let lang = if self.lang == Lang::Sw { "sw" } else { "en" };
        pdf.set_metadata(
            Metadata::new()
                .title(title.to_string())
                .language(lang.to_string())
                .creator("vjt".to_string())
                .producer("vjt".to_string()),
        );
        let mut tree = TagTree::new();
        for node in self.root {
            if let Some(n) = tag_node(node, &mut ids) {
                tree.push(n);
            }
        }
        pdf.set_tag_tree(tree);
        pdf.finish().map_err(|e| format!("{e:?}"))
    }
}

fn page_of(cat: &Catalogue, n: usize, total: usize) -> String {
    cat.f("page_of", &[("n", n.to_string()), ("total", total.to_string())])
}

/// What a figure shows, in words, for those who cannot see it: its title, then what its
/// shapes are named (counties with their counts, bars with their values), as far as a dozen.
fn alt_text(f: &Figure) -> String {
    let named: Vec<&str> = f
        .shapes
        .iter()
        .filter_map(|s| match s {
            Shape::Polygon { title, .. }
            | Shape::Flow { title, .. }
            | Shape::Circle { title, .. }
            | Shape::Rect { title, .. } => Some(title.as_str()).filter(|t| !t.is_empty()),
            _ => None,
        })
        .collect();
    if named.is_empty() {
        return f.title.clone();
    }
    let mut alt = format!("{}. {}", f.title, named.iter().take(12).copied().collect::<Vec<_>>().join("; "));
    if named.len() > 12 {
        alt.push_str(&format!("; … (+{})", named.len() - 12));
    }
    alt
}

fn tag_node(node: Node, ids: &mut [Option<Identifier>]) -> Option<TagNode> {
    match node {
        Node::Leaf(id) => ids.get_mut(id).and_then(Option::take).map(TagNode::from),
        Node::Group(role, children) => {
            let kind: TagKind = match role {
                Role::Heading(level, title) => {
                    Tag::Hn(NonZeroU16::new(level).expect("levels start at 1"), Some(title)).into()
                }
                Role::P => Tag::P.into(),
                Role::Toc => Tag::TOC.into(),
                Role::TocItem => Tag::TOCI.into(),
                Role::Link => Tag::Link.into(),
                Role::Table => Tag::Table.into(),
                Role::THead => Tag::THead.into(),
                Role::TBody => Tag::TBody.into(),
                Role::Row => Tag::TR.into(),
                Role::HeaderCell => Tag::TH(TableHeaderScope::Column).into(),
                Role::Cell => Tag::TD.into(),
                Role::Figure(alt) => Tag::Figure(Some(alt)).into(),
                Role::Caption => Tag::Caption.into(),
                Role::List => Tag::L(ListNumbering::Disc).into(),
                Role::ListItem => Tag::LI.into(),
                Role::Label => Tag::Lbl.into(),
                Role::ListBody => Tag::LBody.into(),
            };
            let children: Vec<TagNode> = children.into_iter().filter_map(|c| tag_node(c, ids)).collect();
            (!children.is_empty()).then(|| TagGroup::with_children(kind, children).into())
        }
    }
}

/// Draws on one page's surface.
struct Pen<'a, 'b> {
    surface: &'a mut Surface<'b>,
    fonts: &'a [Font; 3],
}

fn paint(c: Colour) -> krilla::paint::Paint {
    rgb::Color::new(c.0, c.1, c.2).into()
}

impl Pen<'_, '_> {
    fn start(&mut self, mark: Mark, artifact: ArtifactType) -> Option<Identifier> {
        match mark {
            Mark::Leaf(_) => Some(self.surface.start_tagged(ContentTag::Span(SpanTag::empty()))),
            Mark::Artifact => {
                self.surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(artifact)));
                None
            }
        }
    }

    fn end(&mut self, mark: Mark, id: Option<Identifier>, ids: &mut [Option<Identifier>]) {
        self.surface.end_tagged();
        if let (Mark::Leaf(leaf), Some(id)) = (mark, id) {
            ids[leaf] = Some(id);
        }
    }

    fn fill(&mut self, c: Colour) {
        self.surface.set_fill(Some(Fill { paint: paint(c), opacity: NormalizedF32::ONE, rule: FillRule::NonZero }));
    }

    fn stroke(&mut self, c: Colour, width: f64, cap: LineCap) {
        self.surface.set_stroke(Some(Stroke {
            paint: paint(c),
            width: width as f32,
            line_cap: cap,
            ..Stroke::default()
        }));
    }

    /// Text with its baseline starting at (x, y), each run in the face that has its letters.
    fn text(&mut self, x: f64, y: f64, text: &str, size: f64, bold: bool, colour: Colour) {
        self.fill(colour);
        self.surface.set_stroke(None);
        let mut x = x;
        for (face, run) in runs(text, bold) {
            let font = self.fonts[face as usize].clone();
            self.surface.draw_text(
                Point::from_xy(x as f32, y as f32),
                font,
                size as f32,
                &run,
                false,
                TextDirection::LeftToRight,
            );
            x += faces().run_width(face, &run) * size;
        }
    }

    fn line(&mut self, a: (f64, f64), b: (f64, f64), colour: Colour, width: f64) {
        let mut p = PathBuilder::new();
        p.move_to(a.0 as f32, a.1 as f32);
        p.line_to(b.0 as f32, b.1 as f32);
        if let Some(path) = p.finish() {
            self.surface.set_fill(None);
            self.stroke(colour, width, LineCap::Butt);
            self.surface.draw_path(&path);
        }
    }

    fn rect(&mut self, x: f64, y: f64, w: f64, h: f64, fill: Colour) {
        let mut p = PathBuilder::new();
        if let Some(r) = Rect::from_xywh(x as f32, y as f32, w as f32, h as f32) {
            p.push_rect(r);
        }
        if let Some(path) = p.finish() {
            self.fill(fill);
            self.surface.set_stroke(None);
            self.surface.draw_path(&path);
        }
    }

    /// Running header (report title, section) and footer (attribution, page x of y).
    fn running(&mut self, title: &str, section: &str, footer: &str, page: &str) {
        self.surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(ArtifactType::Header)));
        let size = 7.5;
        let right = A4.0 - MARGIN;
        let title = fit(title, size, TEXT_WIDTH * 0.55);
        self.text(MARGIN, 36.0, &title, size, false, Colour::MUTED);
        let section = fit(section, size, TEXT_WIDTH * 0.4);
        self.text(right - width(&section, size, true), 36.0, &section, size, true, Colour::MUTED);
        self.line((MARGIN, 42.0), (right, 42.0), Colour::LIGHT, 0.5);
        self.surface.end_tagged();
        self.surface.start_tagged(ContentTag::Artifact(Artifact::with_kind(ArtifactType::Footer)));
        let y = A4.1 - 30.0;
        let pw = width(page, size, false);
        self.text(right - pw, y, page, size, false, Colour::MUTED);
        for (i, line) in wrap(footer, size, false, TEXT_WIDTH - pw - 24.0).iter().take(2).enumerate() {
            self.text(MARGIN, y + 9.0 * i as f64, line, size, false, Colour::MUTED);
        }
        self.surface.end_tagged();
    }

    fn figure(&mut self, f: &Figure, x0: f64, y0: f64, scale: f64) {
        let pt = |p: (f64, f64)| ((x0 + p.0 * scale) as f32, (y0 + p.1 * scale) as f32);
        // Nothing drawn outside the figure's frame, whatever a shape says.
        let mut frame = PathBuilder::new();
        if let Some(r) = Rect::from_xywh(x0 as f32, y0 as f32, (f.width * scale) as f32, (f.height * scale) as f32) {
            frame.push_rect(r);
        }
        let clip = frame.finish();
        if let Some(clip) = &clip {
            self.surface.push_clip_path(clip, &FillRule::NonZero);
        }
        for s in &f.shapes {
            match s {
                Shape::Polygon { rings, fill, stroke, width, .. } => {
                    let mut p = PathBuilder::new();
                    for ring in rings.iter().filter(|r| r.len() > 2) {
                        for (i, q) in ring.iter().enumerate() {
                            let (x, y) = pt(*q);
                            if i == 0 {
                                p.move_to(x, y);
                            } else {
                                p.line_to(x, y);
                            }
                        }
                        p.close();
                    }
                    if let Some(path) = p.finish() {
                        self.fill(*fill);
                        self.stroke(*stroke, width * scale, LineCap::Butt);
                        self.surface.draw_path(&path);
                    }
                }
                Shape::Flow { from, via, to, width, colour, .. } => {
                    let (a, q, b) = (pt(*from), pt(*via), pt(*to));
                    let mut p = PathBuilder::new();
                    p.move_to(a.0, a.1);
                    p.quad_to(q.0, q.1, b.0, b.1);
                    if let Some(path) = p.finish() {
                        self.surface.set_fill(None);
                        self.stroke(*colour, width * scale, LineCap::Round);
                        self.surface.draw_path(&path);
                    }
                    // Arrowhead along the curve's last tangent.
                    let (dx, dy) = (f64::from(b.0 - q.0), f64::from(b.1 - q.1));
                    let len = dx.hypot(dy).max(0.001);
                    let (ux, uy) = (dx / len, dy / len);
                    let size = (width * scale * 2.2).max(4.0);
                    let (bx, by) = (f64::from(b.0), f64::from(b.1));
                    let back = (bx - ux * size, by - uy * size);
                    let mut head = PathBuilder::new();
                    head.move_to(b.0, b.1);
                    head.line_to((back.0 - uy * size * 0.5) as f32, (back.1 + ux * size * 0.5) as f32);
                    head.line_to((back.0 + uy * size * 0.5) as f32, (back.1 - ux * size * 0.5) as f32);
                    head.close();
                    if let Some(path) = head.finish() {
                        self.fill(*colour);
                        self.surface.set_stroke(None);
                        self.surface.draw_path(&path);
                    }
                }
                Shape::Circle { centre, radius, fill, stroke, .. } => {
                    let (cx, cy) = pt(*centre);
                    let r = (radius * scale) as f32;
                    let k = 0.5523 * r;
                    let mut p = PathBuilder::new();
                    p.move_to(cx + r, cy);
                    p.cubic_to(cx + r, cy + k, cx + k, cy + r, cx, cy + r);
                    p.cubic_to(cx - k, cy + r, cx - r, cy + k, cx - r, cy);
                    p.cubic_to(cx - r, cy - k, cx - k, cy - r, cx, cy - r);
                    p.cubic_to(cx + k, cy - r, cx + r, cy - k, cx + r, cy);
                    p.close();
                    if let Some(path) = p.finish() {
                        self.fill(*fill);
                        self.stroke(*stroke, 0.5, LineCap::Butt);
                        self.surface.draw_path(&path);
                    }
                }
                Shape::Rect { x, y, w, h, fill, .. } => {
                    let (px, py) = pt((*x, *y));
                    self.rect(f64::from(px), f64::from(py), w * scale, h * scale, *fill);
                }
                Shape::Line { from, to, colour, width } => {
                    let (a, b) = (pt(*from), pt(*to));
                    self.line(
                        (f64::from(a.0), f64::from(a.1)),
                        (f64::from(b.0), f64::from(b.1)),
                        *colour,
                        width * scale,
                    );
                }
                // The title is drawn as the numbered caption, tagged on its own.
                Shape::Text { text, .. } if *text == f.title => {}
                Shape::Text { at, text, size, anchor, colour, bold } => {
                    let s = size * scale;
                    let w = width(text, s, *bold);
                    let (x, y) = pt(*at);
                    let x = match anchor {
                        Anchor::Start => f64::from(x),
                        Anchor::Middle => f64::from(x) - w / 2.0,
                        Anchor::End => f64::from(x) - w,
                    };
                    self.text(x, f64::from(y), text, s, *bold, *colour);
                }
            }
        }
        if clip.is_some() {
            self.surface.pop();
        }
    }
}

/// Column widths filling the text width, the way a browser lays out a table: each column as
/// wide as its longest cell when all fit; otherwise each gets at least its longest word and
/// shares the rest in proportion to what it lacks, so headers wrap between words, not inside them.
fn column_widths(head: &[String], rows: &[Vec<String>], size: f64, pad: f64) -> Vec<f64> {
    let cols = head.len().max(1);
    let mut need = vec![0.0f64; cols];
    let mut least = vec![0.0f64; cols];
    for (r, row) in std::iter::once(head).chain(rows.iter().map(Vec::as_slice)).enumerate() {
        let bold = r == 0;
        for (i, cell) in row.iter().enumerate().take(cols) {
            need[i] = need[i].max(width(cell, size, bold) + 2.0 * pad);
            let word = cell.split_whitespace().map(|w| width(w, size, bold)).fold(0.0, f64::max);
            least[i] = least[i].max(word + 2.0 * pad);
        }
    }
    let (total_need, total_least) = (need.iter().sum::<f64>(), least.iter().sum::<f64>());
    if total_need <= TEXT_WIDTH {
        // Room to spare goes to the first column, the one with names.
        need[0] += TEXT_WIDTH - total_need;
        return need;
    }
    if total_least >= TEXT_WIDTH {
        return least.iter().map(|w| w * TEXT_WIDTH / total_least).collect();
    }
    let spare = TEXT_WIDTH - total_least;
    let lack = total_need - total_least;
    least.iter().zip(&need).map(|(l, n)| l + (n - l) / lack * spare).collect()
}

/// Text cut with "…" to fit a width (for the running header only: body text wraps).
fn fit(text: &str, size: f64, max: f64) -> String {
    if width(text, size, false) <= max {
        return text.to_string();
    }
    let mut out: String = text.to_string();
    while !out.is_empty() && width(&format!("{out}…"), size, false) > max {
        out.pop();
    }
    format!("{}…", out.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_come_from_the_embedded_font() {
        // Noto Sans: "N" is 760 of 1000 units (read with fontTools); bold is wider than regular.
        let n = width("N", 10.0, false);
        assert!((n - 7.60).abs() < 0.01, "N is {n}");
        assert!(width("Nairobi", 10.0, true) > width("Nairobi", 10.0, false));
        // An arrow comes from the symbols face, not as a missing glyph.
        let r = runs("Busia → Kampala", false);
        assert_eq!(r.len(), 3);
        assert_eq!(r[1].0, Face::Symbols);
        assert!(width("→", 10.0, false) > 3.0);
        // A letter no shipped face has is a visible "?", not a gap.
        assert_eq!(runs("አዲስ", false), vec![(Face::Regular, "???".to_string())]);
    }

    #[test]
    fn text_wraps_within_the_width() {
        let text = "Mombasa Nairobi Kisumu Eldoret Nakuru ".repeat(20);
        let lines = wrap(&text, 10.0, false, 200.0);
        assert!(lines.len() > 5);
        assert!(lines.iter().all(|l| width(l, 10.0, false) <= 200.0));
        assert_eq!(lines.join(" "), text.split_whitespace().collect::<Vec<_>>().join(" "));
        // A word longer than the line is broken, not run off the page.
        let long = wrap(&"x".repeat(200), 10.0, false, 100.0);
        assert!(long.len() > 1 && long.iter().all(|l| width(l, 10.0, false) <= 100.0));
    }

    #[test]
    fn table_columns_fill_the_width_and_headers_break_between_words() {
        let head: Vec<String> =
            ["County", "origin", "transit", "intended destination", "exploitation", "Victims (origin)", "Risk index"]
                .map(String::from)
                .to_vec();
        let rows = vec![["Elgeyo-Marakwet", "12", "<5*", "0", "0", "1234", "very high"].map(String::from).to_vec()];
        let w = column_widths(&head, &rows, 8.5, 4.0);
        assert!((w.iter().sum::<f64>() - TEXT_WIDTH).abs() < 0.01);
        for (i, h) in head.iter().enumerate() {
            for word in h.split_whitespace() {
                assert!(width(word, 8.5, true) + 8.0 <= w[i] + 0.01, "{word} fits its column");
            }
        }
        // Two short columns: the names' column takes the room.
        let w = column_widths(&["Place".into(), "Reports".into()], &[vec!["Busia".into(), "7".into()]], 8.5, 4.0);
        assert!(w[0] > w[1] * 5.0);
    }

    #[test]
    fn a_long_table_repeats_its_header_and_is_tagged() {
        let mut d = Document::new(Lang::En);
        d.title = "t".into();
        d.heading("a", "Section", 0.0);
        let rows: Vec<Vec<String>> = (0..200).map(|i| vec![format!("Place {i}"), i.to_string()]).collect();
        d.table(&["Place".to_string(), "Reports".to_string()], &rows, 1);
        assert!(d.pages() >= 3);
        // Every page after the first of the table starts with the header again, as decoration.
        for page in &d.pages[2..] {
            let first = page.iter().find_map(|i| match i {
                Item::Text { text, mark, .. } => Some((text.clone(), *mark)),
                _ => None,
            });
            let (text, mark) = first.expect("a page of the table has text");
            assert_eq!(text, "Place");
            assert!(matches!(mark, Mark::Artifact));
        }
        let bytes = d.write("t", true).expect("PDF/UA-1 checks pass");
        assert!(bytes.starts_with(b"%PDF-1.7"));
    }
}
