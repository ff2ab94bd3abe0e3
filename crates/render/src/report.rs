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

/// The submitting organisations by kind, labelled in `lang`, for [`ReportInput::organisation_kinds`].
pub fn organisation_kinds(a: &Analysis, lang: Lang) -> Vec<(String, u64)> {
    a.totals
        .organisation_kinds
        .iter()
        .map(|(code, n)| {
            let label = vjt_domain::OrganisationKind::parse(code).map(|k| k.label(lang).to_string());
            (label.unwrap_or_else(|_| code.clone()), *n)
        })
        .collect()
}

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
    /// The filters in words when the report shows part of the data: said in the default title
    /// and on the cover, so a filtered report is never taken for the whole picture.
    pub filtered: Option<String>,
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
    let corroborated = a.duplicates.total_clusters - a.duplicates.split_clusters;
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

/// How many organisations reported a route: the number where two or more did (corroboration,
/// which names nobody), a word where one did. Not a survivor figure, so not hidden as "<k":
/// hidden, every row of a network of a few organisations read "<5" and told nothing.
fn corroboration(cat: &Catalogue, organisations: u64) -> String {
    if organisations >= 2 {
        cat.f("corroborated", &[("n", organisations.to_string())])
    } else {
        cat.t("single_source")
    }
}

/// One piece of the report, the same for HTML and PDF.
pub enum Block {
    Title { title: String, lines: Vec<String> },
    Contents { label: String, entries: Vec<(&'static str, String)> },
    Heading { id: &'static str, text: String },
    Sub(String),
    Para(String),
    Note(String),
    Figure(Figure),
    Table { head: Vec<String>, rows: Vec<Vec<String>>, numeric_from: usize },
    Markdown(String),
    Footer(String),
}

/// The report's content, in order.
pub fn blocks(input: &ReportInput<'_>) -> Vec<Block> {
    let (a, d) = (input.analysis, &input.disclosure);
    let cat = Catalogue::new(input.lang);
    let draw = drawings(input);
    let title = input.title.clone().unwrap_or_else(|| match &input.filtered {
        Some(filters) => format!("{} — {filters}", cat.t("title")),
        None => cat.t("title"),
    });
    let mut lines = vec![cat.f("rounds", &[("rounds", input.rounds.join(", "))])];
    if let Some(filters) = &input.filtered {
        lines.push(cat.f("filtered", &[("filters", filters.clone())]));
    }
    lines.push(cat.f("generated", &[("date", input.date.clone()), ("reports", d.show(a.totals.reports))]));
    let mut b = Vec::new();
    b.push(Block::Title { title, lines });
    let all_sections: [(&'static str, &str); 10] = [
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
    // Recommendations are the coordinator's words: without them the section is left out
    // rather than printed empty.
    let sections: Vec<(&'static str, &str)> =
        all_sections.into_iter().filter(|(id, _)| *id != "recommendations" || input.notes.is_some()).collect();
    b.push(Block::Contents {
        label: cat.t("contents"),
        entries: sections.iter().map(|(id, k)| (*id, cat.t(k))).collect(),
    });
    let heading = |id: &'static str| Block::Heading {
        id,
        text: cat.t(sections.iter().find(|s| s.0 == id).expect("known section").1),
    };

    b.push(heading("summary"));
    b.extend(summary_sentences(input).into_iter().map(Block::Para));

    b.push(heading("method"));
    let kinds: Vec<String> = input.organisation_kinds.iter().map(|(k, n)| format!("{k}: {}", d.show(*n))).collect();
    b.push(Block::Para(cat.f(
        "method_who",
        &[
            ("orgs", d.show(a.totals.organisations)),
            ("kinds", kinds.join(", ")),
            ("rounds", a.totals.rounds.to_string()),
        ],
    )));
    b.push(Block::Para(cat.f(
        "method_places",
        &[("share", format!("{:.1}", input.resolved_share)), ("unresolved", a.unresolved_places.len().to_string())],
    )));
    b.push(Block::Para(cat.t("method_duplicates")));
    b.push(Block::Para(cat.t("method_risk")));
    let mut limits = cat.t("method_limits");
    // With no suppression (threshold 1, a coordinator's own view) there is nothing to explain.
    if d.threshold > 1 {
        let bounds = [("k", d.threshold.to_string()), ("k1", (d.threshold - 1).to_string())];
        limits = format!("{limits} {}", cat.f("method_small_numbers", &bounds));
    }
    b.push(Block::Note(limits));

    b.push(heading("locations"));
    let Drawings {
        risk,
        roles,
        flows,
        world,
        top_origin,
        top_transit,
        top_destination,
        types,
        transport,
        recruitment,
        heat,
        change,
    } = draw;
    for f in [roles, top_origin, top_transit, top_destination] {
        b.push(Block::Figure(f));
    }

    b.push(heading("risk"));
    b.push(Block::Figure(risk));
    let mut ranked: Vec<&CountyActivity> = a.counties.iter().collect();
    ranked.sort_by(|x, y| y.risk_score.total_cmp(&x.risk_score).then(x.name.cmp(&y.name)));
    b.push(Block::Table {
        head: vec![cat.t("county"), String::new(), cat.t("risk"), cat.t("band")],
        rows: ranked
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
            .collect(),
        numeric_from: 2,
    });

    b.push(heading("corridors"));
    b.push(Block::Figure(flows));
    b.push(Block::Figure(world));
    b.push(Block::Table {
        head: vec![cat.t("corridor"), cat.t("reports"), cat.t("victims"), cat.t("organisations")],
        rows: a
            .corridors
            .county
            .iter()
            .take(15)
            .map(|c| {
                vec![
                    format!("{} → {}", c.from.name, c.to.name),
                    d.show(c.reports),
                    d.show(c.victims),
                    corroboration(&cat, c.organisations),
                ]
            })
            .collect(),
        numeric_from: 1,
    });
    let crossings: Vec<Vec<String>> = a
        .places
        .iter()
        .filter(|p| p.kind == "border_crossing" && p.roles.transit.reports > 0)
        .map(|p| vec![p.name.clone(), d.show(p.roles.transit.reports), d.show(p.roles.transit.organisations)])
        .collect();
    if !crossings.is_empty() {
        b.push(Block::Sub(cat.t("crossings")));
        b.push(Block::Table {
            head: vec![cat.t("place"), cat.t("reports"), cat.t("organisations")],
            rows: crossings,
            numeric_from: 1,
        });
    }

    b.push(heading("transport"));
    for f in [types, transport, recruitment, heat] {
        b.push(Block::Figure(f));
    }

    b.push(heading("new"));
    match (&a.trend, change) {
        (Some(t), Some(chart)) => {
            b.push(Block::Figure(chart));
            let none = cat.t("none");
            let countries: Vec<&str> = t.new_countries.iter().map(|c| c.name.as_str()).collect();
            let places: Vec<&str> = t.new_places.iter().map(|c| c.name.as_str()).take(40).collect();
            b.push(Block::Para(format!(
                "{}: {}",
                cat.t("annex_countries"),
                if countries.is_empty() { none.clone() } else { countries.join(", ") }
            )));
            b.push(Block::Para(format!(
                "{}: {}",
                cat.t("place"),
                if places.is_empty() { none } else { places.join(", ") }
            )));
        }
        _ => b.push(Block::Para(cat.t("no_trend"))),
    }

    if let Some(notes) = &input.notes {
        b.push(heading("recommendations"));
        b.push(Block::Markdown(notes.clone()));
    }

    b.push(heading("annex"));
    b.push(Block::Sub(cat.t("annex_counties")));
    b.push(Block::Table {
        head: vec![
            cat.t("county"),
            cat.t("role_origin"),
            cat.t("role_transit"),
            cat.t("role_destination"),
            cat.t("role_exploitation"),
            cat.t("risk"),
        ],
        rows: a
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
            .collect(),
        numeric_from: 1,
    });
    b.push(Block::Sub(cat.t("annex_countries")));
    b.push(Block::Table {
        head: vec![
            cat.t("country"),
            cat.t("role_origin"),
            cat.t("role_transit"),
            cat.t("role_destination"),
            cat.t("role_exploitation"),
        ],
        rows: a
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
            .collect(),
        numeric_from: 1,
    });

    b.push(heading("sources"));
    b.push(Block::Para(cat.t("sources_text")));
    b.push(Block::Footer(cat.t("attribution_short")));
    b
}

/// The whole report as one HTML document.
pub fn html(input: &ReportInput<'_>) -> String {
    html_of(blocks(input), input.lang)
}

/// Any document made of blocks (the report, a release's report) as one HTML document.
pub fn html_of(blocks: Vec<Block>, lang: Lang) -> String {
    let lang = if lang == Lang::Sw { "sw" } else { "en" };
    let mut h = String::with_capacity(512 * 1024);
    for block in blocks {
        match block {
            Block::Title { title, lines } => {
                let _ = write!(
                    h,
                    "<!DOCTYPE html><html lang=\"{lang}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{t}</title><style>{STYLE}</style></head><body><section class=\"title\"><h1>{t}</h1>",
                    t = escape(&title)
                );
                for l in lines {
                    let _ = write!(h, "<p class=\"meta\">{}</p>", escape(&l));
                }
                h.push_str("</section>");
            }
            Block::Contents { label, entries } => {
                let _ = write!(h, "<nav><h2>{}</h2><ol>", escape(&label));
                for (id, text) in entries {
                    let _ = write!(h, "<li><a href=\"#{id}\">{}</a></li>", escape(&text));
                }
                h.push_str("</ol></nav>");
            }
            Block::Heading { id, text } => {
                let _ = write!(h, "<h2 id=\"{id}\">{}</h2>", escape(&text));
            }
            Block::Sub(text) => {
                let _ = write!(h, "<h3>{}</h3>", escape(&text));
            }
            Block::Para(text) => {
                let _ = write!(h, "<p>{}</p>", escape(&text));
            }
            Block::Note(text) => {
                let _ = write!(h, "<p class=\"note\">{}</p>", escape(&text));
            }
            Block::Figure(f) => h.push_str(&figure(&f)),
            Block::Table { head, rows, numeric_from } => h.push_str(&table(&head, &rows, numeric_from)),
            Block::Markdown(text) => h.push_str(&markdown(&text)),
            Block::Footer(text) => {
                let _ = write!(h, "<footer>{}</footer></body></html>", escape(&text));
            }
        }
    }
    h
}

/// The same report as a PDF (A4, embedded fonts, tagged, vector maps).
pub fn pdf(input: &ReportInput<'_>) -> Vec<u8> {
    pdf_of(blocks(input), input.lang)
}

/// How much of what follows a heading must stand on its page with it.
fn keep_with(next: Option<&Block>) -> f64 {
    match next {
        Some(Block::Figure(f)) => crate::pdf::Document::figure_height(f),
        Some(Block::Table { .. }) => 70.0,
        Some(Block::Sub(_)) => 90.0,
        _ => 40.0,
    }
}

/// Any document made of blocks as a PDF.
pub fn pdf_of(blocks: Vec<Block>, lang: Lang) -> Vec<u8> {
    let mut doc = crate::pdf::Document::new(lang);
    let mut title_text = String::new();
    let mut blocks = blocks.into_iter().peekable();
    while let Some(block) = blocks.next() {
        match block {
            Block::Title { title, lines } => {
                doc.title_page(&title, &lines);
                title_text = title;
            }
            Block::Contents { label, entries } => doc.contents(&label, &entries),
            Block::Heading { id, text } => doc.heading(id, &text, keep_with(blocks.peek())),
            Block::Sub(text) => doc.sub(&text, keep_with(blocks.peek())),
            Block::Para(text) => doc.paragraph(&text, 10.0, false),
            Block::Note(text) => doc.paragraph(&text, 8.5, false),
            Block::Figure(f) => doc.figure(f),
            Block::Table { head, rows, numeric_from } => doc.table(&head, &rows, numeric_from),
            Block::Markdown(text) => {
                let mut items: Vec<String> = Vec::new();
                for line in text.lines().map(str::trim).filter(|l| !l.is_empty()) {
                    let plain = line.replace("**", "");
                    if let Some(item) = plain.strip_prefix("- ").or_else(|| plain.strip_prefix("* ")) {
                        items.push(item.to_string());
                        continue;
                    }
                    if !items.is_empty() {
                        doc.list(&std::mem::take(&mut items));
                    }
                    match plain.strip_prefix("# ").or_else(|| plain.strip_prefix("## ")) {
                        Some(h) => doc.sub(h, 40.0),
                        None => doc.paragraph(&plain, 10.0, false),
                    }
                }
                if !items.is_empty() {
                    doc.list(&items);
                }
            }
            Block::Footer(text) => doc.footer(&text),
        }
    }
    doc.finish(&title_text)
}
