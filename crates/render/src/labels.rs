//! Labels placed so that none covers another, nor a legend: each label tries a few positions
//! around its point, in order, and takes the first that is free. What finds no free position is
//! left to the caller (a map then numbers it and names it in an index beside the drawing).

use crate::figure::{Anchor, Shape};

/// A box `(left, top, right, bottom)` in the figure's points.
pub type Area = (f64, f64, f64, f64);

/// Whether two boxes overlap, with `gap` points kept between them.
pub fn overlap(a: Area, b: Area, gap: f64) -> bool {
    a.0 < b.2 + gap && b.0 < a.2 + gap && a.1 < b.3 + gap && b.1 < a.3 + gap
}

/// The labels placed so far and the areas they must keep off.
#[derive(Debug, Default)]
pub struct Placer {
    taken: Vec<Area>,
    /// Where every label must stay: the figure's frame.
    frame: Option<Area>,
}

/// Where a label may go relative to its point: right, left, above, below, then slightly off.
pub const AROUND: [(f64, f64, Anchor); 6] = [
    (6.0, 3.0, Anchor::Start),
    (-6.0, 3.0, Anchor::End),
    (0.0, -6.0, Anchor::Middle),
    (0.0, 11.0, Anchor::Middle),
    (6.0, -5.0, Anchor::Start),
    (-6.0, -5.0, Anchor::End),
];

/// For a label set beside a small area with a line to it: further out, above and below first.
pub const BESIDE: [(f64, f64, Anchor); 10] = [
    (16.0, -12.0, Anchor::Start),
    (-16.0, -12.0, Anchor::End),
    (16.0, 16.0, Anchor::Start),
    (-16.0, 16.0, Anchor::End),
    (0.0, -18.0, Anchor::Middle),
    (0.0, 24.0, Anchor::Middle),
    (26.0, 3.0, Anchor::Start),
    (-26.0, 3.0, Anchor::End),
    (30.0, -22.0, Anchor::Start),
    (-30.0, -22.0, Anchor::End),
];

/// For a label that names an area from inside it: centred, then nudged up or down a little.
pub const INSIDE: [(f64, f64, Anchor); 9] = [
    (0.0, 2.0, Anchor::Middle),
    (0.0, -4.0, Anchor::Middle),
    (0.0, 8.0, Anchor::Middle),
    (5.0, 2.0, Anchor::Middle),
    (-5.0, 2.0, Anchor::Middle),
    (0.0, -10.0, Anchor::Middle),
    (0.0, 14.0, Anchor::Middle),
    (10.0, 2.0, Anchor::Middle),
    (-10.0, 2.0, Anchor::Middle),
];

impl Placer {
    pub fn within(frame: Area) -> Self {
        Placer { taken: Vec::new(), frame: Some(frame) }
    }

    /// Marks an area no label may cover (a legend, a symbol, a title).
    pub fn keep_off(&mut self, area: Area) {
        self.taken.push(area);
    }

    fn free(&self, area: Area) -> bool {
        let inside = self.frame.is_none_or(|f| area.0 >= f.0 && area.1 >= f.1 && area.2 <= f.2 && area.3 <= f.3);
        inside && !self.taken.iter().any(|t| overlap(*t, area, 1.0))
    }

    /// The label `text` (a `Shape::Text` whose `at` is the point it names) at the first free
    /// position of `positions`; None when every position is taken.
    pub fn place(&mut self, text: &Shape, positions: &[(f64, f64, Anchor)]) -> Option<Shape> {
        self.place_where(text, positions, |_| true)
    }

    /// As `place`, at a free position that also `fits` (say, inside the area the label names,
    /// so that its colour, chosen for that area's fill, is what it is read on).
    pub fn place_where(
        &mut self,
        text: &Shape,
        positions: &[(f64, f64, Anchor)],
        fits: impl Fn(Area) -> bool,
    ) -> Option<Shape> {
        let Shape::Text { at, .. } = text else { return None };
        for (dx, dy, anchor) in positions {
            let mut candidate = text.clone();
            if let Shape::Text { at: a, anchor: an, .. } = &mut candidate {
                *a = (at.0 + dx, at.1 + dy);
                *an = *anchor;
            }
            let area = candidate.bounds();
            if self.free(area) && fits(area) {
                self.taken.push(area);
                return Some(candidate);
            }
        }
        None
    }

    /// The label at its first position even if it is taken (a last resort, for a short mark
    /// such as an index number that must be drawn).
    pub fn force(&mut self, text: &Shape) -> Shape {
        self.taken.push(text.bounds());
        text.clone()
    }
}

/// Whether a point lies inside rings (even-odd: holes and islands count right).
pub fn inside(point: (f64, f64), rings: &[Vec<(f64, f64)>]) -> bool {
    let mut odd = false;
    for ring in rings {
        for w in ring.windows(2) {
            let ((x1, y1), (x2, y2)) = (w[0], w[1]);
            if (y1 > point.1) != (y2 > point.1) && point.0 < x1 + (point.1 - y1) / (y2 - y1) * (x2 - x1) {
                odd = !odd;
            }
        }
    }
    odd
}

/// Whether a label's box lies inside rings, judged by its corners and the middles of its
/// sides; the box is first trimmed to the letters' ink (a text box includes room above capitals
/// and below the baseline that lower-case letters mostly leave empty).
pub fn box_inside(area: Area, rings: &[Vec<(f64, f64)>]) -> bool {
    let h = area.3 - area.1;
    let (l, t, r, b) = (area.0 + 0.5, area.1 + h * 0.25, area.2 - 0.5, area.3 - h * 0.15);
    let (mx, my) = ((l + r) / 2.0, (t + b) / 2.0);
    [(l, t), (r, t), (l, b), (r, b), (mx, t), (mx, b), (l, my), (r, my)].iter().all(|p| inside(*p, rings))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::figure::Colour;

    fn label(text: &str, at: (f64, f64)) -> Shape {
        Shape::Text { at, text: text.into(), size: 7.0, anchor: Anchor::Start, colour: Colour::INK, bold: false }
    }

    #[test]
    fn a_second_label_at_the_same_point_moves_and_a_third_may_find_no_room() {
        let mut p = Placer::within((0.0, 0.0, 200.0, 200.0));
        let a = p.place(&label("Busia", (100.0, 100.0)), &AROUND).unwrap();
        let b = p.place(&label("Malaba", (100.0, 100.0)), &AROUND).unwrap();
        assert!(!overlap(a.bounds(), b.bounds(), 0.0));
        // Keeping off a legend: nothing is placed over it.
        let mut q = Placer::within((0.0, 0.0, 200.0, 200.0));
        q.keep_off((0.0, 0.0, 200.0, 200.0));
        assert!(q.place(&label("Lwakhakha", (100.0, 100.0)), &AROUND).is_none());
        // Nor outside the frame.
        let mut r = Placer::within((0.0, 0.0, 50.0, 50.0));
        assert!(r.place(&label("Namanga border point", (25.0, 25.0)), &AROUND).is_none());
    }

    #[test]
    fn a_box_is_inside_a_ring_only_when_all_of_it_is() {
        let square = vec![vec![(0.0, 0.0), (100.0, 0.0), (100.0, 100.0), (0.0, 100.0), (0.0, 0.0)]];
        assert!(inside((50.0, 50.0), &square) && !inside((150.0, 50.0), &square));
        assert!(box_inside((10.0, 10.0, 90.0, 20.0), &square));
        assert!(!box_inside((10.0, 10.0, 110.0, 20.0), &square), "it sticks out on the right");
        // A hole (a second ring inside) is outside.
        let mut holed = square.clone();
        holed.push(vec![(40.0, 40.0), (60.0, 40.0), (60.0, 60.0), (40.0, 60.0), (40.0, 40.0)]);
        assert!(!inside((50.0, 50.0), &holed));
    }
}
