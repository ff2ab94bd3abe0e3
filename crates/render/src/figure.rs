//! A figure is a list of shapes in points (1/72 inch), origin at the top left. Maps and charts
//! build figures; `svg` writes them for the HTML report and `pdf` for the PDF, so both show the same
//! drawing.

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Colour(pub u8, pub u8, pub u8);

impl Colour {
    pub fn hex(self) -> String {
        format!("#{:02x}{:02x}{:02x}", self.0, self.1, self.2)
    }
    pub const WHITE: Colour = Colour(255, 255, 255);
    pub const INK: Colour = Colour(33, 37, 41);
    pub const GREY: Colour = Colour(150, 150, 150);
    /// Small print (credits, page lines): 6:1 on white, where GREY is 2.9:1.
    pub const MUTED: Colour = Colour(95, 99, 104);
    pub const LIGHT: Colour = Colour(236, 236, 236);

    /// Relative luminance (WCAG 2), 0 for black to 1 for white.
    pub fn luminance(self) -> f64 {
        let channel = |c: u8| {
            let c = f64::from(c) / 255.0;
            if c <= 0.03928 {
                c / 12.92
            } else {
                ((c + 0.055) / 1.055).powf(2.4)
            }
        };
        0.2126 * channel(self.0) + 0.7152 * channel(self.1) + 0.0722 * channel(self.2)
    }

    /// The contrast ratio of two colours (WCAG 2), 1 to 21.
    pub fn contrast(self, other: Colour) -> f64 {
        let (a, b) = (self.luminance(), other.luminance());
        (a.max(b) + 0.05) / (a.min(b) + 0.05)
    }

    /// Ink or white, whichever reads better on this colour.
    pub fn text_on(self) -> Colour {
        if Colour::INK.contrast(self) >= Colour::WHITE.contrast(self) {
            Colour::INK
        } else {
            Colour::WHITE
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Anchor {
    Start,
    Middle,
    End,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A closed outline; `class` lets tests and stylesheets find it ("county").
    Polygon {
        rings: Vec<Vec<(f64, f64)>>,
        fill: Colour,
        stroke: Colour,
        width: f64,
        class: &'static str,
        /// The area's code (a county's ISO 3166-2, a country's ISO alpha-2), so that a page
        /// showing the map can link each area; empty when there is none.
        key: String,
        title: String,
    },
    /// A quadratic curve from `from` through control `via` to `to`, with an arrowhead at `to`.
    Flow {
        from: (f64, f64),
        via: (f64, f64),
        to: (f64, f64),
        width: f64,
        colour: Colour,
        title: String,
    },
    Circle {
        centre: (f64, f64),
        radius: f64,
        fill: Colour,
        stroke: Colour,
        title: String,
    },
    Rect {
        x: f64,
        y: f64,
        w: f64,
        h: f64,
        fill: Colour,
        title: String,
    },
    Line {
        from: (f64, f64),
        to: (f64, f64),
        colour: Colour,
        width: f64,
    },
    Text {
        at: (f64, f64),
        text: String,
        size: f64,
        anchor: Anchor,
        colour: Colour,
        bold: bool,
    },
}

impl Shape {
    /// The box a shape covers, `(left, top, right, bottom)`: text by its estimated width (bold
    /// a tenth wider) from the baseline up one size and down a quarter.
    pub fn bounds(&self) -> (f64, f64, f64, f64) {
        let of = |points: &mut dyn Iterator<Item = (f64, f64)>| {
            points.fold((f64::MAX, f64::MAX, f64::MIN, f64::MIN), |(l, t, r, b), (x, y)| {
                (l.min(x), t.min(y), r.max(x), b.max(y))
            })
        };
        match self {
            Shape::Polygon { rings, .. } => of(&mut rings.iter().flatten().copied()),
            // A quadratic curve stays inside the triangle of its points.
            Shape::Flow { from, via, to, width, .. } => {
                let (l, t, r, b) = of(&mut [*from, *via, *to].into_iter());
                let half = width / 2.0 + 3.0;
                (l - half, t - half, r + half, b + half)
            }
            Shape::Circle { centre, radius, .. } => {
                (centre.0 - radius, centre.1 - radius, centre.0 + radius, centre.1 + radius)
            }
            Shape::Rect { x, y, w, h, .. } => (*x, *y, x + w, y + h),
            Shape::Line { from, to, .. } => of(&mut [*from, *to].into_iter()),
            Shape::Text { at, text, size, anchor, bold, .. } => {
                let w = crate::pdf::width(text, *size, *bold);
                let left = match anchor {
                    Anchor::Start => at.0,
                    Anchor::Middle => at.0 - w / 2.0,
                    Anchor::End => at.0 - w,
                };
                (left, at.1 - size, left + w, at.1 + size / 4.0)
            }
        }
    }
}

/// A drawing with its size and an accessible description.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub width: f64,
    pub height: f64,
    pub title: String,
    pub shapes: Vec<Shape>,
}

impl Figure {
    pub fn new(width: f64, height: f64, title: impl Into<String>) -> Self {
        Figure { width, height, title: title.into(), shapes: Vec::new() }
    }
    pub fn push(&mut self, s: Shape) {
        self.shapes.push(s);
    }
    pub fn text(&mut self, at: (f64, f64), text: impl Into<String>, size: f64, anchor: Anchor) {
        self.shapes.push(Shape::Text { at, text: text.into(), size, anchor, colour: Colour::INK, bold: false });
    }
    pub fn bold(&mut self, at: (f64, f64), text: impl Into<String>, size: f64, anchor: Anchor) {
        self.shapes.push(Shape::Text { at, text: text.into(), size, anchor, colour: Colour::INK, bold: true });
    }
}

/// Sequential colours from light to dark that stay distinguishable with the common colour
/// vision deficiencies (sampled from the viridis scale, light end first).
pub const SEQUENTIAL: [Colour; 5] =
    [Colour(253, 231, 37), Colour(122, 209, 81), Colour(34, 168, 132), Colour(42, 120, 142), Colour(65, 68, 135)];

/// The colour of risk bands, low to very high (viridis, light to dark).
pub fn band_colour(band: &str) -> Colour {
    match band {
        "low" => SEQUENTIAL[0],
        "medium" => SEQUENTIAL[1],
        "high" => SEQUENTIAL[3],
        _ => SEQUENTIAL[4],
    }
}

/// Diverging colours for change: falls (orange) and rises (blue), safe for colour-blind readers.
pub const FALL: Colour = Colour(230, 97, 1);
pub const RISE: Colour = Colour(49, 130, 189);

/// The step of the sequential scale that a count falls in, 0..=max: step `i` holds the counts
/// above `max·i/n` up to `max·(i+1)/n`. `None` for nothing (drawn as "no reports"). The legends
/// name the same steps ([`scale_steps`]), so a colour always matches its legend.
pub fn scale_step(value: u64, max: u64) -> Option<usize> {
    if value == 0 || max == 0 {
        return None;
    }
    let n = SEQUENTIAL.len() as u64;
    Some(((value.min(max) * n).div_ceil(max) - 1) as usize)
}

/// The colour for a count on a 0..=max scale ([`scale_step`]).
pub fn scale_colour(value: f64, max: f64) -> Colour {
    scale_step(value.round().max(0.0) as u64, max.round().max(0.0) as u64).map_or(Colour::LIGHT, |i| SEQUENTIAL[i])
}

/// The steps of the scale that can hold a whole count, each with its colour and the counts it
/// holds (`from..=to`), for a legend; steps too narrow to hold a whole count are left out.
pub fn scale_steps(max: u64) -> Vec<(Colour, u64, u64)> {
    let n = SEQUENTIAL.len() as u64;
    let mut steps = Vec::new();
    let mut from = 1;
    for (i, colour) in SEQUENTIAL.iter().enumerate() {
        let to = max * (i as u64 + 1) / n;
        if to >= from {
            steps.push((*colour, from, to));
            from = to + 1;
        }
    }
    steps
}

/// A legend's words for the counts `from..=to`: "7", or "1–5" (not "≤5": the PDF's fonts cannot
/// set "≤", and "<5" already means a hidden count).
pub fn step_label(from: u64, to: u64) -> String {
    if from == to {
        from.to_string()
    } else {
        format!("{from}–{to}")
    }
}

/// Width of text at `size` points in the font the PDF embeds (Noto Sans), for laying out labels
/// and bars; the SVG names the same font first.
pub fn text_width(text: &str, size: f64) -> f64 {
    crate::pdf::width(text, size, false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_colour_matches_the_legend_step_that_names_its_count() {
        for max in 1..=120u64 {
            let steps = scale_steps(max);
            assert_eq!(steps.last().map(|s| s.2), Some(max), "the legend reaches the largest count");
            for v in 1..=max {
                let step =
                    steps.iter().find(|(_, from, to)| (*from..=*to).contains(&v)).expect("every count has a step");
                assert_eq!(scale_colour(v as f64, max as f64), step.0, "{v} of {max}");
            }
        }
        assert_eq!(scale_colour(0.0, 10.0), Colour::LIGHT, "nothing is drawn as no reports");
    }
}
