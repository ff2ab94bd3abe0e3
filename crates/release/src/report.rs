//! The release's report (HTML and PDF, English and Kiswahili), drawn from the disclosed tables
//! only: what it shows is exactly what the data files publish.

use vjt_domain::Lang;
use vjt_render::catalogue::Catalogue;
use vjt_render::report::Block;

use crate::disclose::{Cell, Tables};
use crate::manifest::ReleaseInfo;

/// How many corridors and places the report lists (the data files list them all).
const LISTED: usize = 40;

/// What a hidden cell reads as. Every hidden cell reads the same, whatever hides it.
fn hidden_text(k: u64) -> String {
    format!("<{k}*")
}

fn cell_text(c: &Cell, k: u64) -> String {
    c.shown().map_or_else(|| hidden_text(k), |v| v.to_string())
}

fn sort_key(c: &Cell) -> u64 {
    // Hidden cells sort as the smallest shown ones: their order must not hint at their size.
    c.shown().unwrap_or(0)
}

/// The report's content, in order.
pub fn blocks(t: &Tables, info: &ReleaseInfo, lang: Lang) -> Vec<Block> {
    let cat = Catalogue::new(lang);
    let k = t.threshold;
    let n = |c: &Cell| cell_text(c, k);
    let mut b = vec![Block::Title {
        title: info.title.clone(),
        lines: vec![
            cat.f(
                "rel_meta",
                &[
                    ("id", info.id.to_string()),
                    ("version", info.version.to_string()),
                    ("date", info.created_at.chars().take(10).collect()),
                ],
            ),
            cat.f("rel_rounds", &[("rounds", info.rounds.join(", "))]),
            cat.f("rel_threshold", &[("k", k.to_string())]),
        ],
    }];
    // The summary is one sentence: it stands on the title page rather than a page of its own.
    b.push(Block::Sub(cat.t("rel_sec_summary")));
    b.push(Block::Para(cat.f("rel_summary", &[("reports", n(&t.reports)), ("victims", n(&t.victims))])));

    b.push(Block::Heading { id: "counties", text: cat.t("rel_sec_counties") });
    let origin: Vec<(String, Option<u64>)> =
        t.counties.iter().map(|c| (c.code.clone(), c.reports[0].shown())).collect();
    let end: Vec<(String, Option<u64>)> = t.counties.iter().map(|c| (c.code.clone(), c.reports[3].shown())).collect();
    b.push(Block::Figure(vjt_render::maps::county_values_map(&cat.t("rel_map_origin"), &origin, k, &cat)));
    b.push(Block::Figure(vjt_render::maps::county_values_map(&cat.t("rel_map_exploitation"), &end, k, &cat)));
    let head = vec![
        cat.t("rel_col_county"),
        cat.t("role_origin"),
        cat.t("role_transit"),
        cat.t("role_destination"),
        cat.t("role_exploitation"),
        cat.t("rel_col_victims_origin"),
        cat.t("risk"),
    ];
    let rows = t
        .counties
        .iter()
        .map(|c| {
            vec![
                c.name.clone(),
                n(&c.reports[0]),
                n(&c.reports[1]),
                n(&c.reports[2]),
                n(&c.reports[3]),
                n(&c.victims[0]),
                c.risk_band.map(|band| cat.t(&format!("band_{band}"))).unwrap_or_default(),
            ]
        })
        .collect();
    b.push(Block::Table { head, rows, numeric_from: 1 });

    b.push(Block::Heading { id: "corridors", text: cat.t("rel_sec_corridors") });
    let mut corridors: Vec<_> = t.corridors.iter().collect();
    corridors.sort_by(|x, y| sort_key(&y.reports).cmp(&sort_key(&x.reports)).then(x.from_name.cmp(&y.from_name)));
    let head = vec![cat.t("rel_col_from"), cat.t("rel_col_to"), cat.t("legend_reports"), cat.t("rel_col_victims")];
    let rows = corridors
        .iter()
        .take(LISTED)
        .map(|c| vec![c.from_name.clone(), c.to_name.clone(), n(&c.reports), n(&c.victims)])
        .collect();
    b.push(Block::Table { head, rows, numeric_from: 2 });
    b.push(Block::Note(cat.f(
        "rel_listed",
        &[
            ("n", LISTED.min(corridors.len()).to_string()),
            ("all", corridors.len().to_string()),
            ("file", "corridors.csv".into()),
        ],
    )));

    b.push(Block::Heading { id: "places", text: cat.t("rel_sec_places") });
    let mut places: Vec<_> = t.places.iter().collect();
    let total = |p: &crate::disclose::PlaceRow| p.reports.iter().map(sort_key).sum::<u64>();
    places.sort_by(|x, y| total(y).cmp(&total(x)).then(x.name.cmp(&y.name)));
    let head = vec![
        cat.t("rel_col_place"),
        cat.t("role_origin"),
        cat.t("role_transit"),
        cat.t("role_destination"),
        cat.t("role_exploitation"),
    ];
    let rows = places
        .iter()
        .take(LISTED)
        .map(|p| vec![p.name.clone(), n(&p.reports[0]), n(&p.reports[1]), n(&p.reports[2]), n(&p.reports[3])])
        .collect();
    b.push(Block::Table { head, rows, numeric_from: 1 });
    b.push(Block::Note(cat.f(
        "rel_listed",
        &[
            ("n", LISTED.min(places.len()).to_string()),
            ("all", places.len().to_string()),
            ("file", "places.csv".into()),
        ],
    )));

    if !t.countries.is_empty() {
        b.push(Block::Heading { id: "countries", text: cat.t("rel_sec_countries") });
        let head = vec![
            cat.t("rel_col_country"),
            cat.t("role_origin"),
            cat.t("role_transit"),
            cat.t("role_destination"),
            cat.t("role_exploitation"),
        ];
        let rows = t
            .countries
            .iter()
            .map(|c| vec![c.name.clone(), n(&c.reports[0]), n(&c.reports[1]), n(&c.reports[2]), n(&c.reports[3])])
            .collect();
        b.push(Block::Table { head, rows, numeric_from: 1 });
    }

    b.push(Block::Heading { id: "method", text: cat.t("rel_sec_method") });
    b.push(Block::Para(cat.t("rel_method")));
    b.push(Block::Para(cat.f(
        "rel_disclosure",
        &[("k", k.to_string()), ("k1", (k.saturating_sub(1)).max(1).to_string()), ("big", (2 * k - 1).to_string())],
    )));
    if !t.withheld_totals.is_empty() {
        b.push(Block::Note(
            cat.f("rel_withheld", &[("totals", t.withheld_totals.iter().cloned().collect::<Vec<_>>().join(", "))]),
        ));
    }
    b.push(Block::Para(cat.t("rel_verify")));
    b.push(Block::Footer(cat.t("attribution_short")));
    b
}

pub fn html(t: &Tables, info: &ReleaseInfo, lang: Lang) -> String {
    vjt_render::report::html_of(blocks(t, info, lang), lang)
}

pub fn pdf(t: &Tables, info: &ReleaseInfo, lang: Lang) -> Vec<u8> {
    vjt_render::report::pdf_of(blocks(t, info, lang), lang)
}
