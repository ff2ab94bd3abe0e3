//! The shipped boundaries and the projection from degrees to points on a page.

use std::sync::OnceLock;

#[derive(serde::Deserialize)]
pub struct County {
    pub iso: String,
    pub number: u8,
    pub name: String,
    pub rings: Vec<Vec<[f64; 2]>>,
}

#[derive(serde::Deserialize)]
struct Counties {
    counties: Vec<County>,
}

#[derive(serde::Deserialize)]
pub struct Country {
    pub iso2: String,
    pub name: String,
    pub rings: Vec<Vec<[f64; 2]>>,
}

#[derive(serde::Deserialize)]
struct World {
    countries: Vec<Country>,
}

/// Kenya's 47 counties (OpenStreetMap contributors, ODbL), in First Schedule order.
pub fn counties() -> &'static [County] {
    static C: OnceLock<Vec<County>> = OnceLock::new();
    C.get_or_init(|| {
        serde_json::from_str::<Counties>(include_str!("../data/kenya_counties.json"))
            .expect("shipped data is checked by tests")
            .counties
    })
}

/// Countries of the world (Natural Earth, 1:110m).
pub fn world() -> &'static [Country] {
    static W: OnceLock<Vec<Country>> = OnceLock::new();
    W.get_or_init(|| {
        serde_json::from_str::<World>(include_str!("../data/world.json"))
            .expect("shipped data is checked by tests")
            .countries
    })
}

/// An equirectangular projection of a lon/lat box onto a rectangle of points, keeping shapes
/// true at the box's middle latitude (good enough for Kenya and for a regional map).
#[derive(Debug, Clone, Copy)]
pub struct Projection {
    lon0: f64,
    lat1: f64,
    scale: f64,
    kx: f64,
    pub x0: f64,
    pub y0: f64,
}

impl Projection {
    pub fn fit(lon: (f64, f64), lat: (f64, f64), at: (f64, f64), size: (f64, f64)) -> Projection {
        let kx = ((lat.0 + lat.1) / 2.0).to_radians().cos();
        let w = (lon.1 - lon.0) * kx;
        let h = lat.1 - lat.0;
        let scale = (size.0 / w).min(size.1 / h);
        let x0 = at.0 + (size.0 - w * scale) / 2.0;
        let y0 = at.1 + (size.1 - h * scale) / 2.0;
        Projection { lon0: lon.0, lat1: lat.1, scale, kx, x0, y0 }
    }
    pub fn point(&self, lon: f64, lat: f64) -> (f64, f64) {
        (self.x0 + (lon - self.lon0) * self.kx * self.scale, self.y0 + (self.lat1 - lat) * self.scale)
    }
    /// Projects outlines, dropping points within half a point of the last one kept: detail no
    /// reader can see, which otherwise made each map hundreds of kilobytes.
    pub fn rings(&self, rings: &[Vec<[f64; 2]>]) -> Vec<Vec<(f64, f64)>> {
        rings
            .iter()
            .map(|r| {
                let mut out: Vec<(f64, f64)> = Vec::with_capacity(r.len() / 4 + 4);
                for p in r {
                    let q = self.point(p[0], p[1]);
                    if out.last().is_none_or(|l: &(f64, f64)| (l.0 - q.0).hypot(l.1 - q.1) >= 0.5) {
                        out.push(q);
                    }
                }
                out
            })
            .filter(|r| r.len() >= 3)
            .collect()
    }
}

/// The area-weighted centre of the largest ring: where a county's label goes.
pub fn label_point(rings: &[Vec<[f64; 2]>]) -> (f64, f64) {
    let area = |r: &Vec<[f64; 2]>| r.windows(2).map(|w| w[0][0] * w[1][1] - w[1][0] * w[0][1]).sum::<f64>() / 2.0;
    let Some(ring) = rings.iter().max_by(|a, b| area(a).abs().total_cmp(&area(b).abs())) else { return (0.0, 0.0) };
    let a = area(ring);
    if a.abs() < 1e-12 {
        return (ring[0][0], ring[0][1]);
    }
    let (mut cx, mut cy) = (0.0, 0.0);
    for w in ring.windows(2) {
        let cross = w[0][0] * w[1][1] - w[1][0] * w[0][1];
        cx += (w[0][0] + w[1][0]) * cross;
        cy += (w[0][1] + w[1][1]) * cross;
    }
    (cx / (6.0 * a), cy / (6.0 * a))
}

/// Rings cut to a rectangle `(left, top, right, bottom)` (Sutherland–Hodgman, one edge at a
/// time): what lies outside a map's frame is not drawn, so no viewer or printer has to clip
/// it. Rings left with fewer than three points are dropped.
pub fn clip_rings(rings: Vec<Vec<(f64, f64)>>, frame: (f64, f64, f64, f64)) -> Vec<Vec<(f64, f64)>> {
    let (left, top, right, bottom) = frame;
    // Each edge: is a point inside, and where a segment crosses it.
    type Inside = fn((f64, f64), f64) -> bool;
    let edges: [(Inside, f64, bool); 4] = [
        (|p, v| p.0 >= v, left, true),
        (|p, v| p.0 <= v, right, true),
        (|p, v| p.1 >= v, top, false),
        (|p, v| p.1 <= v, bottom, false),
    ];
    rings
        .into_iter()
        .filter_map(|ring| {
            let mut points = ring;
            for (inside, v, vertical) in edges {
                let Some(&last) = points.last() else { break };
                let mut out = Vec::with_capacity(points.len() + 4);
                let mut prev = last;
                for &p in &points {
                    let cross = |a: (f64, f64), b: (f64, f64)| {
                        if vertical {
                            let t = (v - a.0) / (b.0 - a.0);
                            (v, a.1 + t * (b.1 - a.1))
                        } else {
                            let t = (v - a.1) / (b.1 - a.1);
                            (a.0 + t * (b.0 - a.0), v)
                        }
                    };
                    match (inside(p, v), inside(prev, v)) {
                        (true, true) => out.push(p),
                        (true, false) => {
                            out.push(cross(prev, p));
                            out.push(p);
                        }
                        (false, true) => out.push(cross(prev, p)),
                        (false, false) => {}
                    }
                    prev = p;
                }
                points = out;
            }
            (points.len() >= 3).then_some(points)
        })
        .collect()
}

#[cfg(test)]
mod clip_tests {
    use super::clip_rings;

    #[test]
    fn a_ring_is_cut_at_the_frame_and_one_outside_is_dropped() {
        let square = vec![(-5.0, -5.0), (5.0, -5.0), (5.0, 5.0), (-5.0, 5.0)];
        let cut = clip_rings(vec![square], (0.0, 0.0, 10.0, 10.0));
        assert_eq!(cut.len(), 1);
        assert!(cut[0].iter().all(|p| (0.0..=5.0).contains(&p.0) && (0.0..=5.0).contains(&p.1)), "{cut:?}");
        assert!(cut[0].contains(&(0.0, 0.0)) && cut[0].contains(&(5.0, 5.0)));
        let away = vec![(20.0, 20.0), (30.0, 20.0), (30.0, 30.0)];
        assert!(clip_rings(vec![away], (0.0, 0.0, 10.0, 10.0)).is_empty());
        let inside = vec![(1.0, 1.0), (2.0, 1.0), (2.0, 2.0)];
        assert_eq!(clip_rings(vec![inside.clone()], (0.0, 0.0, 10.0, 10.0)), vec![inside]);
    }
}
