//! Maps drawn from the shipped boundaries: county risk, activity by role, corridors inside Kenya
//! and routes to and from Kenya. Every map carries its attribution.

use vjt_analysis::output::{CountyActivity, RoleStat};
use vjt_analysis::Analysis;
use vjt_gazetteer::{Gazetteer, PlaceKind};

use crate::catalogue::{Catalogue, Disclosure};
use crate::figure::{band_colour, scale_colour, scale_steps, step_label, Anchor, Colour, Figure, Shape};
use crate::geo::{clip_rings, counties, label_point, world, Projection};
use crate::labels::{box_inside, Placer, AROUND, BESIDE, INSIDE};

const KENYA_LON: (f64, f64) = (33.8, 42.0);
const KENYA_LAT: (f64, f64) = (-4.8, 4.7);

fn attribution(f: &mut Figure, cat: &Catalogue) {
    let y = f.height - 6.0;
    f.push(Shape::Text {
        at: (f.width - 6.0, y),
        text: cat.t("attribution_short"),
        size: 6.5,
        anchor: Anchor::End,
        colour: Colour::MUTED,
        bold: false,
    });
}

/// The area of a ring (any unit, unsigned).
fn ring_area(ring: &[(f64, f64)]) -> f64 {
    ring.windows(2).map(|w| w[0].0 * w[1].1 - w[1].0 * w[0].1).sum::<f64>().abs() / 2.0
}

fn county_of<'a>(a: &'a Analysis, iso: &str) -> Option<&'a CountyActivity> {
    a.counties.iter().find(|c| c.iso == iso)
}

/// The county risk index as a choropleth, every county named, with a legend of the four bands.
pub fn risk_map(a: &Analysis, cat: &Catalogue) -> Figure {
    let mut f = Figure::new(560.0, 620.0, cat.t("map_risk"));
    f.bold((10.0, 20.0), cat.t("map_risk"), 13.0, Anchor::Start);
    let p = Projection::fit(KENYA_LON, KENYA_LAT, (10.0, 30.0), (540.0, 540.0));
    risk_shapes(&mut f, a, cat, &p);
    // Names placed largest county first, none over another or over the legend and the index;
    // a county whose name finds no room (the small ones of the west and around Nairobi) gets a
    // number, named in the index in the open sea at the bottom right.
    let mut placer = Placer::within((2.0, 26.0, f.width - 2.0, f.height - 16.0));
    placer.keep_off((20.0, 440.0, 160.0, 540.0));
    let index_area = (426.0, 456.0, f.width - 2.0, f.height - 16.0);
    placer.keep_off(index_area);
    // Each county's outline projected once, for its size, its label's room and its number's.
    let mut order: Vec<_> = counties()
        .iter()
        .map(|c| {
            let rings = p.rings(&c.rings);
            let area = rings.iter().map(|r| ring_area(r)).sum::<f64>();
            (c, rings, area)
        })
        .collect();
    order.sort_by(|x, y| y.2.total_cmp(&x.2).then(x.0.name.cmp(&y.0.name)));
    let mut numbered = Vec::new();
    for (c, rings, _) in order {
        let (lon, lat) = label_point(&c.rings);
        let at = p.point(lon, lat);
        // The label reads on its county's fill: ink or white, whichever contrasts more.
        let fill = county_of(a, &c.iso)
            .filter(|x| x.roles.total_reports() > 0)
            .map_or(Colour::LIGHT, |x| band_colour(x.risk_band));
        let label = Shape::Text {
            at,
            text: c.name.clone(),
            size: 6.0,
            anchor: Anchor::Middle,
            colour: fill.text_on(),
            bold: false,
        };
        match placer.place_where(&label, &INSIDE, |area| box_inside(area, &rings)) {
            Some(placed) => f.push(placed),
            None => numbered.push((c, rings, at, fill)),
        }
    }
    // A county too small for its name inside gets it beside, in ink on a white ground with a
    // line to the county, the highest risk first; what still finds no room is numbered.
    let risk_of = |iso: &str| county_of(a, iso).map_or(-1.0, |x| x.risk_score);
    numbered.sort_by(|x, y| risk_of(&y.0.iso).total_cmp(&risk_of(&x.0.iso)).then(x.0.name.cmp(&y.0.name)));
    let mut rest = Vec::new();
    for (c, rings, at, fill) in numbered {
        let label = Shape::Text {
            at,
            text: c.name.clone(),
            size: 6.0,
            anchor: Anchor::Middle,
            colour: Colour::INK,
            bold: false,
        };
        match placer.place(&label, &BESIDE) {
            Some(placed) => {
                let (l, t, r, b) = placed.bounds();
                let end = (at.0.clamp(l, r), at.1.clamp(t, b));
                f.push(Shape::Line { from: at, to: end, colour: Colour::INK, width: 0.5 });
                f.push(Shape::Rect {
                    x: l - 1.0,
                    y: t - 0.5,
                    w: r - l + 2.0,
                    h: b - t + 1.0,
                    fill: Colour::WHITE,
                    title: String::new(),
                });
                f.push(placed);
            }
            None => rest.push((c, rings, at, fill)),
        }
    }
    let mut numbered = rest;
    numbered.sort_by(|x, y| x.0.name.cmp(&y.0.name));
    for (n, (c, rings, at, fill)) in numbered.iter().enumerate() {
        let mark = Shape::Text {
            at: *at,
            text: (n + 1).to_string(),
            size: 6.0,
            anchor: Anchor::Middle,
            colour: fill.text_on(),
            bold: true,
        };
        let placed = placer
            .place_where(&mark, &INSIDE, |area| box_inside(area, rings))
            .or_else(|| placer.place(&mark, &INSIDE))
            .unwrap_or_else(|| placer.force(&mark));
        f.push(placed);
        let (col, row) = (n / 14, n % 14);
        f.text(
            (index_area.0 + 4.0 + col as f64 * 66.0, index_area.1 + 10.0 + row as f64 * 9.0),
            format!("{} {}", n + 1, c.name),
            6.5,
            Anchor::Start,
        );
    }
    let (x, mut y) = (24.0, 454.0);
    f.bold((x, y), cat.t("risk"), 9.0, Anchor::Start);
    for (fill, label) in risk_legend(cat) {
        y += 16.0;
        f.push(Shape::Rect { x, y: y - 9.0, w: 14.0, h: 11.0, fill, title: label.clone() });
        f.text((x + 20.0, y), label, 8.0, Anchor::Start);
    }
    attribution(&mut f, cat);
    f
}

/// The risk map for a screen: the counties only, each named in its tooltip, without words
/// drawn into the picture. On a phone the map is a third of its printed size, where county
/// names and a legend drawn in it would be 2–5 px; the page gives the legend
/// ([`risk_legend`]), the credit and every county's name as text instead.
pub fn risk_map_for_screen(a: &Analysis, cat: &Catalogue) -> Figure {
    let mut f = Figure::new(540.0, 560.0, cat.t("map_risk"));
    let p = Projection::fit(KENYA_LON, KENYA_LAT, (10.0, 10.0), (520.0, 540.0));
    risk_shapes(&mut f, a, cat, &p);
    f
}

/// The risk map's colours and what each stands for, "no reports" last: one list for the
/// legend drawn in the printed map and the one written beside it on a screen.
pub fn risk_legend(cat: &Catalogue) -> Vec<(Colour, String)> {
    [("low", "0–25"), ("medium", "25–50"), ("high", "50–75"), ("very_high", "75–100")]
        .map(|(band, range)| (band_colour(band), format!("{} ({range})", cat.t(&format!("band_{band}")))))
        .into_iter()
        .chain(std::iter::once((Colour::LIGHT, cat.t("legend_no_reports"))))
        .collect()
}

/// Each county filled with its risk band's colour, or as "no reports".
fn risk_shapes(f: &mut Figure, a: &Analysis, cat: &Catalogue, p: &Projection) {
    for c in counties() {
        // A county no route touches has no risk to show: "no reports", not "low".
        let activity = county_of(a, &c.iso).filter(|x| x.roles.total_reports() > 0);
        let (fill, title) = match activity {
            Some(x) => (
                band_colour(x.risk_band),
                format!("{}: {:.0} ({})", c.name, x.risk_score, cat.t(&format!("band_{}", x.risk_band))),
            ),
            None => (Colour::LIGHT, format!("{}: {}", c.name, cat.t("legend_no_reports"))),
        };
        f.push(Shape::Polygon {
            rings: p.rings(&c.rings),
            fill,
            stroke: Colour::WHITE,
            width: 0.6,
            class: "county",
            key: c.iso.clone(),
            title,
        });
    }
}

/// Which figure of a county a panel shows.
type RoleOf = fn(&CountyActivity) -> RoleStat;

/// Three small maps: reports by county as origin, transit, and destination or exploitation.
pub fn role_maps(a: &Analysis, cat: &Catalogue, d: &Disclosure) -> Figure {
    let mut f = Figure::new(720.0, 330.0, cat.t("map_roles"));
    f.bold((10.0, 18.0), cat.t("map_roles"), 12.0, Anchor::Start);
    let panels: [(&str, RoleOf); 3] = [
        ("role_origin", |c| c.roles.origin),
        ("role_transit", |c| c.roles.transit),
        ("role_destination", |c| RoleStat {
            reports: c.roles.destination.reports.max(c.roles.exploitation.reports),
            ..c.roles.destination
        }),
    ];
    for (k, (label, stat)) in panels.iter().enumerate() {
        let x0 = 10.0 + k as f64 * 236.0;
        let max = a.counties.iter().map(|c| d.drawn(stat(c).reports)).max().unwrap_or(0) as f64;
        let p = Projection::fit(KENYA_LON, KENYA_LAT, (x0, 40.0), (226.0, 240.0));
        f.bold((x0 + 113.0, 36.0), cat.t(label), 10.0, Anchor::Middle);
        for c in counties() {
            let n = county_of(a, &c.iso).map_or(0, |x| stat(x).reports);
            let fill = scale_colour(d.drawn(n) as f64, max);
            let title = format!("{}: {} {}", c.name, d.show(n), cat.t("legend_reports"));
            f.push(Shape::Polygon {
                rings: p.rings(&c.rings),
                fill,
                stroke: Colour::WHITE,
                width: 0.4,
                class: "county",
                key: c.iso.clone(),
                title,
            });
        }
        // Legend: "no reports", then the colour steps with the report counts they stand for,
        // from the same steps that colour the map.
        let steps = std::iter::once((Colour::LIGHT, 0, 0)).chain(scale_steps(max as u64));
        for (i, (colour, from, to)) in steps.enumerate() {
            let x = x0 + 4.0 + i as f64 * 37.0;
            f.push(Shape::Rect { x, y: 292.0, w: 35.0, h: 8.0, fill: colour, title: String::new() });
            f.text((x + 17.5, 310.0), step_label(from, to), 7.0, Anchor::Middle);
        }
    }
    attribution(&mut f, cat);
    f
}

/// One figure per county (by ISO code) as a choropleth; `None` is a hidden figure, drawn in the
/// lightest step and read as "<k" (its size is not shown).
pub fn county_values_map(title: &str, values: &[(String, Option<u64>)], k: u64, cat: &Catalogue) -> Figure {
    let mut f = Figure::new(420.0, 470.0, title.to_string());
    f.bold((10.0, 20.0), title.to_string(), 12.0, Anchor::Start);
    let p = Projection::fit(KENYA_LON, KENYA_LAT, (10.0, 30.0), (400.0, 400.0));
    let max = values.iter().filter_map(|(_, v)| *v).max().unwrap_or(0).max(k) as f64;
    for c in counties() {
        let value = values.iter().find(|(iso, _)| *iso == c.iso).map(|(_, v)| *v);
        let (fill, shown) = match value {
            Some(Some(0)) | None => (Colour::LIGHT, "0".to_string()),
            Some(Some(n)) => (scale_colour(n as f64, max), n.to_string()),
            Some(None) => (scale_colour(1.0, max), format!("<{k}")),
        };
        f.push(Shape::Polygon {
            rings: p.rings(&c.rings),
            fill,
            stroke: Colour::WHITE,
            width: 0.5,
            class: "county",
            key: c.iso.clone(),
            title: format!("{}: {shown} {}", c.name, cat.t("legend_reports")),
        });
    }
    // "No reports", then ranges ("1–5", "6–12") from the same steps that colour the map.
    let steps = std::iter::once((Colour::LIGHT, 0, 0)).chain(scale_steps(max as u64));
    for (i, (colour, from, to)) in steps.enumerate() {
        let x = 20.0 + i as f64 * 56.0;
        f.push(Shape::Rect { x, y: 432.0, w: 54.0, h: 8.0, fill: colour, title: String::new() });
        f.text((x + 27.0, 452.0), step_label(from, to), 7.0, Anchor::Middle);
    }
    attribution(&mut f, cat);
    f
}

fn curve(from: (f64, f64), to: (f64, f64)) -> (f64, f64) {
    // Bend each flow to its right so that flows in opposite directions do not overlap.
    let (mx, my) = ((from.0 + to.0) / 2.0, (from.1 + to.1) / 2.0);
    let (dx, dy) = (to.0 - from.0, to.1 - from.1);
    (mx - dy * 0.18, my + dx * 0.18)
}

/// The busiest corridors between counties as curved arrows (width by reports), border crossings
/// marked, the main hubs named.
pub fn flow_map(a: &Analysis, g: &Gazetteer, cat: &Catalogue, d: &Disclosure) -> Figure {
    let mut f = Figure::new(560.0, 620.0, cat.t("map_flows"));
    f.bold((10.0, 20.0), cat.t("map_flows"), 13.0, Anchor::Start);
    let p = Projection::fit(KENYA_LON, KENYA_LAT, (10.0, 30.0), (540.0, 540.0));
    for c in counties() {
        f.push(Shape::Polygon {
            rings: p.rings(&c.rings),
            fill: Colour(242, 242, 238),
            stroke: Colour(200, 200, 200),
            width: 0.5,
            class: "county",
            key: c.iso.clone(),
            title: c.name.clone(),
        });
    }
    let at = |id: &str| -> Option<(f64, f64)> {
        let place = g.place(g.by_id(id)?);
        let (lat, lon) = place.coordinates?;
        Some(p.point(lon, lat))
    };
    let legs: Vec<_> =
        a.corridors.legs.county.iter().filter(|c| c.from.kind == "county" && c.to.kind == "county").take(25).collect();
    let max = legs.iter().map(|c| c.reports).max().unwrap_or(1).max(1) as f64;
    for leg in &legs {
        let (Some(from), Some(to)) = (at(&leg.from.id), at(&leg.to.id)) else { continue };
        let width = 1.0 + 7.0 * (d.drawn(leg.reports) as f64 / max).sqrt();
        f.push(Shape::Flow {
            from,
            via: curve(from, to),
            to,
            width,
            colour: Colour(42, 120, 142),
            title: format!("{} → {}: {} {}", leg.from.name, leg.to.name, d.show(leg.reports), cat.t("legend_reports")),
        });
    }
    // The legend stands in the bottom left, outside Kenya, where no corridor runs (a test
    // checks it); labels keep off it and off each other.
    let legend = (20.0, 470.0, 150.0, 512.0);
    let mut placer = Placer::within((2.0, 26.0, f.width - 2.0, f.height - 16.0));
    placer.keep_off(legend);
    let crossings: Vec<_> =
        a.places.iter().filter(|x| x.kind == "border_crossing" && x.roles.transit.reports > 0).collect();
    let mut symbols = Vec::new();
    for place in &crossings {
        let Some(centre) = at(&place.id) else { continue };
        let n = place.roles.transit.reports;
        let radius = 3.0 + 6.0 * (d.drawn(n) as f64 / max).sqrt();
        placer.keep_off((centre.0 - radius, centre.1 - radius, centre.0 + radius, centre.1 + radius));
        symbols.push((place, centre, radius));
        f.push(Shape::Circle {
            centre,
            radius,
            fill: Colour(230, 97, 1),
            stroke: Colour::WHITE,
            title: format!("{} ({}): {} {}", place.name, cat.t("border_crossing"), d.show(n), cat.t("legend_reports")),
        });
    }
    for hub in a.hubs.iter().filter(|h| h.place.kind == "county").take(5) {
        if let Some(pt) = at(&hub.place.id) {
            let label = Shape::Text {
                at: pt,
                text: hub.place.name.clone(),
                size: 9.0,
                anchor: Anchor::Middle,
                colour: Colour::INK,
                bold: true,
            };
            let above = [
                (0.0, -8.0, Anchor::Middle),
                (0.0, 14.0, Anchor::Middle),
                (8.0, 3.0, Anchor::Start),
                (-8.0, 3.0, Anchor::End),
            ];
            if let Some(placed) = placer.place(&label, &above) {
                // On a white ground: hubs are where the corridors meet, under the arrows' ink.
                let (l, t, r, b) = placed.bounds();
                f.push(Shape::Rect {
                    x: l - 1.5,
                    y: t + 1.0,
                    w: r - l + 3.0,
                    h: b - t,
                    fill: Colour::WHITE,
                    title: String::new(),
                });
                f.push(placed);
            }
        }
    }
    // Busiest crossings named first; one whose name finds no free place is named in its
    // symbol's tooltip and in the table of crossings only.
    symbols.sort_by(|x, y| y.0.roles.transit.reports.cmp(&x.0.roles.transit.reports).then(x.0.name.cmp(&y.0.name)));
    for (place, centre, radius) in symbols {
        let label = Shape::Text {
            at: centre,
            text: place.name.clone(),
            size: 7.0,
            anchor: Anchor::Start,
            colour: Colour::INK,
            bold: false,
        };
        let around: Vec<(f64, f64, Anchor)> = AROUND
            .iter()
            .map(|(dx, dy, an)| (dx.signum() * (radius + 2.0), *dy + dy.signum() * (radius - 3.0).max(0.0), *an))
            .collect();
        if let Some(placed) = placer.place(&label, &around) {
            f.push(placed);
        }
    }
    f.push(Shape::Circle {
        centre: (legend.0 + 8.0, legend.1 + 10.0),
        radius: 5.0,
        fill: Colour(230, 97, 1),
        stroke: Colour::WHITE,
        title: String::new(),
    });
    f.text((legend.0 + 18.0, legend.1 + 13.0), cat.t("border_crossing"), 8.0, Anchor::Start);
    f.push(Shape::Line {
        from: (legend.0, legend.1 + 30.0),
        to: (legend.0 + 16.0, legend.1 + 30.0),
        colour: Colour(42, 120, 142),
        width: 3.0,
    });
    f.text((legend.0 + 18.0, legend.1 + 33.0), cat.t("legend_corridor"), 8.0, Anchor::Start);
    attribution(&mut f, cat);
    f
}

/// Countries shaded by reports, with the busiest routes to and from Kenya.
pub fn world_map(a: &Analysis, g: &Gazetteer, cat: &Catalogue, d: &Disclosure) -> Figure {
    let mut f = Figure::new(720.0, 470.0, cat.t("map_world"));
    f.bold((10.0, 20.0), cat.t("map_world"), 13.0, Anchor::Start);
    let p = Projection::fit((-20.0, 112.0), (-36.0, 60.0), (10.0, 30.0), (700.0, 420.0));
    let total = |iso: &str| a.countries.iter().find(|c| c.code == iso).map_or(0, |c| c.roles.total_reports());
    let max = a
        .countries
        .iter()
        .filter(|c| c.kind == "country" && c.code != "KE")
        .map(|c| d.drawn(c.roles.total_reports()))
        .max()
        .unwrap_or(1) as f64;
    for c in world() {
        let n = if c.iso2.is_empty() { 0 } else { total(&c.iso2) };
        let fill = if c.iso2 == "KE" { Colour(65, 68, 135) } else { scale_colour(d.drawn(n) as f64, max) };
        let title = format!("{}: {} {}", c.name, d.show(n), cat.t("legend_reports"));
        // The map's frame: the rest of the world is cut off, not drawn over the page.
        let rings = clip_rings(p.rings(&c.rings), (10.0, 30.0, 710.0, 450.0));
        if rings.is_empty() {
            continue;
        }
        f.push(Shape::Polygon {
            rings,
            fill,
            stroke: Colour::WHITE,
            width: 0.3,
            class: "country",
            key: c.iso2.clone(),
            title,
        });
    }
    let at = |id: &str| -> Option<(f64, f64)> {
        let ix = g.by_id(id)?;
        let place = g.place(ix);
        if place.kind != PlaceKind::Country {
            return None;
        }
        let (lat, lon) = place.coordinates?;
        Some(p.point(lon, lat))
    };
    let routes: Vec<_> = a
        .corridors
        .country
        .iter()
        .filter(|c| (c.from.id == "country:KE") != (c.to.id == "country:KE"))
        .take(20)
        .collect();
    let most = routes.iter().map(|c| c.reports).max().unwrap_or(1).max(1) as f64;
    for r in routes {
        let (Some(from), Some(to)) = (at(&r.from.id), at(&r.to.id)) else { continue };
        f.push(Shape::Flow {
            from,
            via: curve(from, to),
            to,
            width: 1.0 + 6.0 * (d.drawn(r.reports) as f64 / most).sqrt(),
            colour: Colour(230, 97, 1),
            title: format!("{} → {}: {} {}", r.from.name, r.to.name, d.show(r.reports), cat.t("legend_reports")),
        });
    }
    attribution(&mut f, cat);
    f
}
