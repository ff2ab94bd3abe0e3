//! The published report: one self-contained HTML file (inline styles and SVG, nothing fetched),
//! printable on A4. Written for government, donors and CSOs: it names no submitting organisation
//! and shows every small number as "<k".

use std::fmt::Write;

use vjt_analysis::output::CountyActivity;
use vjt_analysis::Analysis;
use vjt_domain::{ExploitationType, Lang, RecruitmentMethod, TransportMode, Vocabulary};
use vjt_gazetteer::Gazetteer;

use crate::catalogue::{Catalogue, Disclosure};
use crate::charts;
use crate::figure::Figure;
use crate::maps;
use crate::svg::{escape, render};

/// What the report needs beside the analysis.
pub struct ReportInput<'a> {
    pub analysis: &'a Analysis,
    pub gazetteer: &'a Gazetteer,
    pub lang: Lang,
    pub title: Option<String>,
    /// Names of the rounds covered.
    pub rounds: Vec<String>,
    /// Organisation counts by kind (never names).
    pub organisation_kinds: Vec<(String, u64)>,
    /// The coordinator's recommendations, Markdown.
    pub notes: Option<String>,
    /// The date the report is made (YYYY-MM-DD).
    pub date: String,
    pub disclosure: Disclosure,
    /// Share of stops resolved to a place, 0..100.
    pub resolved_share: f64,
}

/// Everything drawn for a report, in order: for the HTML, the PDF and the PNG pictures.
pub struct Drawings {
    pub risk: Figure,
    pub roles: Figure,
    pub flows: Figure,
    pub world: Figure,
    pub top_origin: Figure,
    pub top_transit: Figure,
    pub top_destination: Figure,
    pub types: Figure,
    pub transport: Figure,
    pub recruitment: Figure,
    pub heat: Figure,
    pub change: Option<Figure>,
}

fn top_counties(a: &Analysis, stat: fn(&CountyActivity) -> u64) -> Vec<(String, u64)> {
    let mut list: Vec<(String, u64)> = a.counties.iter().map(|c| (c.name.clone(), stat(c))).collect();
    list.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    list
}

fn vocab_items<T: Vocabulary>(counts: &std::collections::BTreeMap<String, u64>, lang: Lang) -> Vec<(String, u64)> {
    let mut items: Vec<(String, u64)> =
        T::all().iter().map(|t| (t.label(lang).to_string(), counts.get(t.code()).copied().unwrap_or(0))).collect();
    items.sort_by(|x, y| y.1.cmp(&x.1).then(x.0.cmp(&y.0)));
    items
}

pub fn drawings(input: &ReportInput<'_>) -> Drawings {
    let (a, g, d) = (input.analysis, input.gazetteer, &input.disclosure);
    let cat = Catalogue::new(input.lang);
    let v = &a.breakdowns.overall.vocab;
    let types = vocab_items::<ExploitationType>(&v.exploitation_types.counts, input.lang);
    let transport = vocab_items::<TransportMode>(&v.transport_modes.counts, input.lang);
    let recruitment = vocab_items::<RecruitmentMethod>(&v.recruitment_methods.counts, input.lang);
    // Heat table: the busiest recruitment methods × exploitation types.
    let rows: Vec<RecruitmentMethod> = RecruitmentMethod::all()
        .iter()
        .copied()
        .filter(|m| v.recruitment_methods.counts.get(m.code()).copied().unwrap_or(0) > 0)
        .take(10)
        .collect();
    let cols: Vec<ExploitationType> = ExploitationType::all()
        .iter()
        .copied()
        .filter(|t| v.exploitation_types.counts.get(t.code()).copied().unwrap_or(0) > 0)
        .collect();
    let values: Vec<Vec<u64>> = rows
        .iter()
        .map(|m| {
            let row = a.breakdowns.recruitment_by_exploitation.get(m.code());
            cols.iter().map(|t| row.and_then(|r| r.get(t.code())).copied().unwrap_or(0)).collect()
        })
        .collect();
    let change = a.trend.as_ref().map(|t| {
        let mut items: Vec<(String, f64)> = t.counties.iter().map(|c| (c.name.clone(), c.change)).collect();
        items.sort_by(|x, y| y.1.abs().total_cmp(&x.1.abs()).then(x.0.cmp(&y.0)));
        charts::diverging(&cat.f("chart_change", &[("from", t.from_round.clone()), ("to", t.to_round.clone())]), &items)
    });
    Drawings {
        risk: maps::risk_map(a, &cat),
        roles: maps::role_maps(a, &cat, d),
        flows: maps::flow_map(a, g, &cat, d),
        world: maps::world_map(a, g, &cat, d),
        top_origin: charts::bars(&cat.t("chart_top_origin"), &top_counties(a, |c| c.roles.origin.reports), d),
        top_transit: charts::bars(&cat.t("chart_top_transit"), &top_counties(a, |c| c.roles.transit.reports), d),
        top_destination: charts::bars(
            &cat.t("chart_top_destination"),
            &top_counties(a, |c| c.roles.destination.reports.max(c.roles.exploitation.reports)),
            d,
        ),
        types: charts::bars(&cat.t("chart_types"), &types, d),
        transport: charts::bars(&cat.t("chart_transport"), &transport, d),
        recruitment: charts::bars(&cat.t("chart_recruitment"), &recruitment, d),
        heat: charts::heat_table(
            &cat.t("chart_heat"),
            &rows.iter().map(|m| m.label(input.lang).to_string()).collect::<Vec<_>>(),
            &cols.iter().map(|t| t.label(input.lang).to_string()).collect::<Vec<_>>(),
            &values,
            d,
        ),
        change,
    }
}

/// The executive summary's sentences, written from the data.
pub fn summary_sentences(input: &ReportInput<'_>) -> Vec<String> {
    let (a, d) = (input.analysis, &input.disclosure);
    let cat = Catalogue::new(input.lang);
    let mut out = vec![cat.f(
        "sum_reports",
        &[
            ("orgs", d.show(a.totals.organisations)),
            ("reports", d.show(a.totals.reports)),
            ("victims", d.show(a.totals.victims)),
        ],
    )];
    for (role, stat) in [
        ("role_origin", (|c: &CountyActivity| c.roles.origin) as fn(&CountyActivity) -> vjt_analysis::output::RoleStat),
        ("role_transit", |c| c.roles.transit),
        ("role_destination", |c| c.roles.destination),
    ] {
        if let Some(c) = a
            .counties
            .iter()
            .filter(|c| stat(c).reports > 0)
            .max_by(|x, y| stat(x).reports.cmp(&stat(y).reports).then(y.name.cmp(&x.name)))
        {
            out.push(cat.f(
                "sum_top_role",
                &[
                    ("county", c.name.clone()),
                    ("role", cat.t(role)),
                    ("reports", d.show(stat(c).reports)),
                    ("orgs", d.show(stat(c).organisations)),
                ],
            ));
        }
    }
    if let Some(c) = a
        .countries
        .iter()
        .filter(|c| c.kind == "country" && c.code != "KE")
        .map(|c| (c, c.roles.destination.reports.max(c.roles.exploitation.reports)))
        .filter(|(_, n)| *n > 0)
        .max_by(|x, y| x.1.cmp(&y.1).then(y.0.name.cmp(&x.0.name)))
    {
        out.push(cat.f("sum_top_abroad", &[("country", c.0.name.clone()), ("reports", d.show(c.1))]));
    }
    let types = &a.breakdowns.overall.vocab.exploitation_types.counts;
    if let Some(t) = ExploitationType::all()
        .iter()
        .filter(|t| types.get(t.code()).copied().unwrap_or(0) > 0)
        .max_by_key(|t| types[t.code()])
    {
        out.push(
            cat.f("sum_top_type", &[("type", t.label(input.lang).to_string()), ("reports", d.show(types[t.code()]))]),
        );
    }
    let mut ranked: Vec<&CountyActivity> = a.counties.iter().filter(|c| c.risk_score > 0.0).collect();
    ranked.sort_by(|x, y| y.risk_score.total_cmp(&x.risk_score).then(x.name.cmp(&y.name)));
    if !ranked.is_empty() {
        let names: Vec<String> = ranked.iter().take(3).map(|c| format!("{} ({:.0})", c.name, c.risk_score)).collect();
        out.push(cat.f("sum_risk", &[("counties", names.join(", "))]));
    }
    let corroborated = a.duplicates.clusters.iter().filter(|c| c.status != "split").count() as u64;
    if corroborated > 0 {
        out.push(
            cat.f(
                "sum_duplicates",
                &[("clusters", d.show(corroborated)), ("routes", d.show(a.totals.distinct_routes))],
            ),
        );
    }
    if let Some(t) = &a.trend {
        if !t.new_countries.is_empty() {
            let names: Vec<&str> = t.new_countries.iter().map(|c| c.name.as_str()).collect();
            out.push(cat.f("sum_new_countries", &[("round", t.to_round.clone()), ("countries", names.join(", "))]));
        }
    }
    out
}

/// A few Markdown habits (paragraphs, `- ` lists, `# ` headings, **bold**) as HTML; everything
/// else is shown as written, escaped.
pub fn markdown(text: &str) -> String {
    let mut html = String::new();
    let mut in_list = false;
    for block in text.split("\n\n") {
        let lines: Vec<&str> = block.lines().filter(|l| !l.trim().is_empty()).collect();
        if lines.is_empty() {
            continue;
        }
        for line in &lines {
            let line = line.trim();
            let inline = |s: &str| {
                let escaped = escape(s);
                let parts: Vec<&str> = escaped.split("**").collect();
                parts
                    .iter()
                    .enumerate()
                    .map(|(i, p)| if i % 2 == 1 { format!("<strong>{p}</strong>") } else { p.to_string() })
                    .collect::<String>()
            };
            if let Some(item) = line.strip_prefix("- ").or_else(|| line.strip_prefix("* ")) {
                if !in_list {
                    html.push_str("<ul>");
                    in_list = true;
                }
                let _ = write!(html, "<li>{}</li>", inline(item));
                continue;
            }
            if in_list {
                html.push_str("</ul>");
                in_list = false;
            }
            if let Some(h) = line.strip_prefix("# ").or_else(|| line.strip_prefix("## ")) {
                let _ = write!(html, "<h3>{}</h3>", inline(h));
            } else {
                let _ = write!(html, "<p>{}</p>", inline(line));
            }
        }
    }
    if in_list {
        html.push_str("</ul>");
    }
    html
}

const STYLE: &str = "body{font-family:Helvetica,Arial,sans-serif;color:#212529;max-width:800px;margin:0 auto;padding:24px;line-height:1.45}\
h1{font-size:28px;margin:0 0 8px}h2{font-size:20px;border-bottom:2px solid #2a788e;padding-bottom:4px;margin-top:36px}\
h3{font-size:16px}.title{min-height:60vh;display:flex;flex-direction:column;justify-content:center}\
.meta{color:#555}figure{margin:16px 0}svg{max-width:100%;height:auto}table{border-collapse:collapse;width:100%;font-size:13px;margin:12px 0}\
th,td{border-bottom:1px solid #ddd;padding:4px 6px;text-align:left}td.n,th.n{text-align:right}\
.note{color:#555;font-size:13px}footer{margin-top:40px;font-size:12px;color:#555}\
@page{size:A4;margin:16mm}@media print{h2{break-before:page}figure,table{break-inside:avoid}.title{min-height:auto;height:250mm}}";

fn table(head: &[String], rows: &[Vec<String>], numeric_from: usize) -> String {
    let mut t = String::from("<table><thead><tr>");
    for (i, h) in head.iter().enumerate() {
        let _ = write!(t, "<th{}>{}</th>", if i >= numeric_from { " class=\"n\"" } else { "" }, escape(h));
    }
    t.push_str("</tr></thead><tbody>");
    for r in rows {
        t.push_str("<tr>");
        for (i, c) in r.iter().enumerate() {
            let _ = write!(t, "<td{}>{}</td>", if i >= numeric_from { " class=\"n\"" } else { "" }, escape(c));
        }
        t.push_str("</tr>");
    }
    t.push_str("</tbody></table>");
    t
}

fn figure(f: &Figure) -> String {
    format!("<figure>{}</figure>", render(f))
}

/// The whole report as one HTML document.
pub fn html(input: &ReportInput<'_>) -> String {
    let (a, d) = (input.analysis, &input.disclosure);
    let cat = Catalogue::new(input.lang);
    let draw = drawings(input);
    let title = input.title.clone().unwrap_or_else(|| cat.t("title"));
    let lang = if input.lang == Lang::Sw { "sw" } else { "en" };
    let mut h = String::with_capacity(512 * 1024);
    let _ = write!(
        h,
        "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>",
        escape(&title)
    );
    let _ = write!(
        h,
        "<section class=\"title\"><h1>{}</h1><p class=\"meta\">{}</p><p class=\"meta\">{}</p></section>",
        escape(&title),
        escape(&cat.f("rounds", &[("rounds", input.rounds.join(", "))])),
        escape(&cat.f("generated", &[("date", input.date.clone()), ("reports", d.show(a.totals.reports))]))
    );
    let sections = [
        ("summary", "sec_summary"),
        ("method", "sec_method"),
        ("locations", "sec_locations"),
        ("risk", "sec_risk"),
        ("corridors", "sec_corridors"),
        ("transport", "sec_transport"),
        ("new", "sec_new"),
        ("recommendations", "sec_recommendations"),
        ("annex", "sec_annex"),
        ("sources", "sec_sources"),
    ];
    let _ = write!(h, "<nav><h2>{}</h2><ol>", escape(&cat.t("contents")));
    for (id, key) in sections {
        let _ = write!(h, "<li><a href=\"#{id}\">{}</a></li>", escape(&cat.t(key)));
    }
    h.push_str("</ol></nav>");

    let _ = write!(h, "<h2 id=\"summary\">{}</h2>", escape(&cat.t("sec_summary")));
    for s in summary_sentences(input) {
        let _ = write!(h, "<p>{}</p>", escape(&s));
    }

    let _ = write!(h, "<h2 id=\"method\">{}</h2>", escape(&cat.t("sec_method")));
    let kinds: Vec<String> = input.organisation_kinds.iter().map(|(k, n)| format!("{k}: {}", d.show(*n))).collect();
    let _ = write!(
        h,
        "<p>{}</p><p>{}</p><p>{}</p><p>{}</p><p class=\"note\">{}</p>",
        escape(&cat.f(
            "method_who",
            &[
                ("orgs", d.show(a.totals.organisations)),
                ("kinds", kinds.join(", ")),
                ("rounds", a.totals.rounds.to_string())
            ]
        )),
        escape(&cat.f(
            "method_places",
            &[("share", format!("{:.1}", input.resolved_share)), ("unresolved", a.unresolved_places.len().to_string())]
        )),
        escape(&cat.t("method_duplicates")),
        escape(&cat.t("method_risk")),
        escape(&cat.f(
            "method_limits",
            &[("k", d.threshold.to_string()), ("k1", (d.threshold.saturating_sub(1)).to_string())]
        ))
    );

    let _ = write!(h, "<h2 id=\"locations\">{}</h2>", escape(&cat.t("sec_locations")));
    for f in [&draw.roles, &draw.top_origin, &draw.top_transit, &draw.top_destination] {
        h.push_str(&figure(f));
    }

    let _ = write!(h, "<h2 id=\"risk\">{}</h2>", escape(&cat.t("sec_risk")));
    h.push_str(&figure(&draw.risk));
    let mut ranked: Vec<&CountyActivity> = a.counties.iter().collect();
    ranked.sort_by(|x, y| y.risk_score.total_cmp(&x.risk_score).then(x.name.cmp(&y.name)));
    let rows: Vec<Vec<String>> = ranked
        .iter()
        .take(15)
        .map(|c| {
            vec![
                c.name.clone(),
                c.region.clone(),
                format!("{:.0}", c.risk_score),
                cat.t(&format!("band_{}", c.risk_band)),
            ]
        })
        .collect();
    h.push_str(&table(&[cat.t("county"), String::new(), cat.t("risk"), cat.t("band")], &rows, 2));

    let _ = write!(h, "<h2 id=\"corridors\">{}</h2>", escape(&cat.t("sec_corridors")));
    h.push_str(&figure(&draw.flows));
    h.push_str(&figure(&draw.world));
    let rows: Vec<Vec<String>> = a
        .corridors
        .county
        .iter()
        .take(15)
        .map(|c| {
            vec![
                format!("{} → {}", c.from.name, c.to.name),
                d.show(c.reports),
                d.show(c.victims),
                d.show(c.organisations),
            ]
        })
        .collect();
    h.push_str(&table(&[cat.t("corridor"), cat.t("reports"), cat.t("victims"), cat.t("organisations")], &rows, 1));
    let crossings: Vec<Vec<String>> = a
        .places
        .iter()
        .filter(|p| p.kind == "border_crossing" && p.roles.transit.reports > 0)
        .map(|p| vec![p.name.clone(), d.show(p.roles.transit.reports), d.show(p.roles.transit.organisations)])
        .collect();
    if !crossings.is_empty() {
        let _ = write!(h, "<h3>{}</h3>", escape(&cat.t("crossings")));
        h.push_str(&table(&[cat.t("place"), cat.t("reports"), cat.t("organisations")], &crossings, 1));
    }

    let _ = write!(h, "<h2 id=\"transport\">{}</h2>", escape(&cat.t("sec_transport")));
    for f in [&draw.types, &draw.transport, &draw.recruitment, &draw.heat] {
        h.push_str(&figure(f));
    }

    let _ = write!(h, "<h2 id=\"new\">{}</h2>", escape(&cat.t("sec_new")));
    match (&a.trend, &draw.change) {
        (Some(t), Some(chart)) => {
            h.push_str(&figure(chart));
            let countries: Vec<&str> = t.new_countries.iter().map(|c| c.name.as_str()).collect();
            let places: Vec<&str> = t.new_places.iter().map(|c| c.name.as_str()).take(40).collect();
            let none = cat.t("none");
            let _ = write!(
                h,
                "<p><strong>{}:</strong> {}</p><p><strong>{}:</strong> {}</p>",
                escape(&cat.t("annex_countries")),
                escape(&if countries.is_empty() { none.clone() } else { countries.join(", ") }),
                escape(&cat.t("place")),
                escape(&if places.is_empty() { none } else { places.join(", ") })
            );
        }
        _ => {
            let _ = write!(h, "<p>{}</p>", escape(&cat.t("no_trend")));
        }
    }

    let _ = write!(h, "<h2 id=\"recommendations\">{}</h2>", escape(&cat.t("sec_recommendations")));
    match &input.notes {
        Some(notes) => h.push_str(&markdown(notes)),
        None => {
            let _ = write!(h, "<p class=\"note\">{}</p>", escape(&cat.t("notes_missing")));
        }
    }

    let _ =
        write!(h, "<h2 id=\"annex\">{}</h2><h3>{}</h3>", escape(&cat.t("sec_annex")), escape(&cat.t("annex_counties")));
    let rows: Vec<Vec<String>> = a
        .counties
        .iter()
        .map(|c| {
            vec![
                format!("{} {}", c.iso, c.name),
                d.show(c.roles.origin.reports),
                d.show(c.roles.transit.reports),
                d.show(c.roles.destination.reports),
                d.show(c.roles.exploitation.reports),
                format!("{:.0}", c.risk_score),
            ]
        })
        .collect();
    h.push_str(&table(
        &[
            cat.t("county"),
            cat.t("role_origin"),
            cat.t("role_transit"),
            cat.t("role_destination"),
            cat.t("role_exploitation"),
            cat.t("risk"),
        ],
        &rows,
        1,
    ));
    let _ = write!(h, "<h3>{}</h3>", escape(&cat.t("annex_countries")));
    let rows: Vec<Vec<String>> = a
        .countries
        .iter()
        .filter(|c| c.kind == "country")
        .map(|c| {
            vec![
                c.name.clone(),
                d.show(c.roles.origin.reports),
                d.show(c.roles.transit.reports),
                d.show(c.roles.destination.reports),
                d.show(c.roles.exploitation.reports),
            ]
        })
        .collect();
    h.push_str(&table(
        &[
            cat.t("country"),
            cat.t("role_origin"),
            cat.t("role_transit"),
            cat.t("role_destination"),
            cat.t("role_exploitation"),
        ],
        &rows,
        1,
    ));

    let _ = write!(
        h,
        "<h2 id=\"sources\">{}</h2><p>{}</p><footer>{}</footer></body></html>",
        escape(&cat.t("sec_sources")),
        escape(&cat.t("sources_text")),
        escape(&cat.t("attribution_short"))
    );
    h
}
