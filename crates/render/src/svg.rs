//! Figures as SVG: self-contained, no fonts or scripts fetched, styles inline.

use std::fmt::Write;

use crate::figure::{Anchor, Figure, Shape};

pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

fn path(rings: &[Vec<(f64, f64)>]) -> String {
    let mut d = String::new();
    for ring in rings {
        for (i, (x, y)) in ring.iter().enumerate() {
            let _ = write!(d, "{}{:.1},{:.1}", if i == 0 { "M" } else { "L" }, x, y);
        }
        d.push('Z');
    }
    d
}

pub fn render(f: &Figure) -> String {
    let mut out = String::with_capacity(64 * 1024);
    let _ = write!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w:.0} {h:.0}" width="{w:.0}" height="{h:.0}" role="img" font-family="'Noto Sans', Helvetica, Arial, sans-serif"><title>{t}</title>"#,
        w = f.width,
        h = f.height,
        t = escape(&f.title)
    );
    let mut arrow_defined = false;
    for s in &f.shapes {
        match s {
            Shape::Polygon { rings, fill, stroke, width, class, key, title } => {
                let key = if key.is_empty() { String::new() } else { format!(r#" data-key="{}""#, escape(key)) };
                let _ = write!(
                    out,
                    r#"<path class="{class}"{key} d="{}" fill="{}" stroke="{}" stroke-width="{width:.2}"><title>{}</title></path>"#,
                    path(rings),
                    fill.hex(),
                    stroke.hex(),
                    escape(title)
                );
            }
            Shape::Flow { from, via, to, width, colour, title } => {
                if !arrow_defined {
                    out.push_str(r#"<defs><marker id="arrow" viewBox="0 0 10 10" refX="8" refY="5" markerWidth="4" markerHeight="4" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="context-stroke"/></marker></defs>"#);
                    arrow_defined = true;
                }
                let _ = write!(
                    out,
                    r#"<path class="flow" d="M{:.1},{:.1}Q{:.1},{:.1} {:.1},{:.1}" fill="none" stroke="{}" stroke-opacity="0.75" stroke-width="{width:.2}" stroke-linecap="round" marker-end="url(#arrow)"><title>{}</title></path>"#,
                    from.0,
                    from.1,
                    via.0,
                    via.1,
                    to.0,
                    to.1,
                    colour.hex(),
                    escape(title)
                );
            }
            Shape::Circle { centre, radius, fill, stroke, title } => {
                let _ = write!(
                    out,
                    r#"<circle cx="{:.1}" cy="{:.1}" r="{radius:.1}" fill="{}" fill-opacity="0.8" stroke="{}"><title>{}</title></circle>"#,
                    centre.0,
                    centre.1,
                    fill.hex(),
                    stroke.hex(),
                    escape(title)
                );
            }
            // A ground with nothing to say (behind a label) has no tooltip.
            Shape::Rect { x, y, w, h, fill, title } if title.is_empty() => {
                let _ = write!(
                    out,
                    r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{}"/>"#,
                    fill.hex()
                );
            }
            Shape::Rect { x, y, w, h, fill, title } => {
                let _ = write!(
                    out,
                    r#"<rect x="{x:.1}" y="{y:.1}" width="{w:.1}" height="{h:.1}" fill="{}"><title>{}</title></rect>"#,
                    fill.hex(),
                    escape(title)
                );
            }
            Shape::Line { from, to, colour, width } => {
                let _ = write!(
                    out,
                    r#"<line x1="{:.1}" y1="{:.1}" x2="{:.1}" y2="{:.1}" stroke="{}" stroke-width="{width:.2}"/>"#,
                    from.0,
                    from.1,
                    to.0,
                    to.1,
                    colour.hex()
                );
            }
            Shape::Text { at, text, size, anchor, colour, bold } => {
                let anchor = match anchor {
                    Anchor::Start => "start",
                    Anchor::Middle => "middle",
                    Anchor::End => "end",
                };
                let _ = write!(
                    out,
                    r#"<text x="{:.1}" y="{:.1}" font-size="{size:.1}" text-anchor="{anchor}" fill="{}"{}>{}</text>"#,
                    at.0,
                    at.1,
                    colour.hex(),
                    if *bold { r#" font-weight="bold""# } else { "" },
                    escape(text)
                );
            }
        }
    }
    out.push_str("</svg>");
    out
}
