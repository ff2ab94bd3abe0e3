//! The report and its pictures: structure, privacy and language.

use vjt_analysis::{analyze, Builder, Filter, Options, OrganisationInfo, RoundInfo};
use vjt_domain::flat::{FlatReport, FlatStop};
use vjt_domain::vocab::join_codes;
use vjt_domain::{Lang, OrganisationId, RoundId, Vocabulary};
use vjt_gazetteer::{Gazetteer, Resolver};
use vjt_render::catalogue::Catalogue;
use vjt_render::{html, maps, report, svg, Disclosure, ReportInput};

fn analysis(per_round: usize) -> vjt_analysis::Analysis {
    let g = Gazetteer::embedded();
    let resolver = Resolver::new(g);
    let orgs: Vec<_> = (1..=6).map(OrganisationId).collect();
    let mut reps = vjt_demo::reports(&orgs, &[RoundId(1), RoundId(2)], per_round, 2019_2020);
    let infos: Vec<OrganisationInfo> = vjt_demo::organisations()
        .into_iter()
        .enumerate()
        .map(|(i, o)| OrganisationInfo { id: i as i64 + 1, name: o.name.to_string(), kind: o.kind })
        .collect();
    let rounds: Vec<RoundInfo> = vjt_demo::rounds()
        .into_iter()
        .enumerate()
        .map(|(i, r)| RoundInfo { id: i as i64 + 1, name: r.name.to_string(), start: r.span.start().to_string() })
        .collect();
    let mut b = Builder::new(g, infos, rounds);
    for (i, r) in reps.iter_mut().enumerate() {
        resolver.resolve_journey(r.journey_mut(), Some("KE"));
        let id = i as i64 + 1;
        for (seq, (role, s)) in r.journey.stops().enumerate() {
            b.stop(&FlatStop {
                report_id: id,
                seq: seq as i64,
                role: role.code(),
                text: s.text.as_str(),
                place_id: s.place.as_ref().map(|p| p.0.as_str()),
            });
        }
        let (t, se, tr, re, rel) = (
            join_codes(&r.exploitation_types),
            join_codes(&r.sectors),
            join_codes(&r.transport_modes),
            join_codes(&r.recruitment_methods),
            join_codes(&r.recruiter_relationships),
        );
        let (ps, pe) = (r.period_start.map(|m| m.to_string()), r.period_end.map(|m| m.to_string()));
        b.report(&FlatReport {
            id,
            organisation: r.organisation.0,
            round: r.round.0,
            report_ref: None,
            status: r.status.code(),
            exploitation_types: &t,
            sectors: &se,
            transport_modes: &tr,
            recruitment_methods: &re,
            recruiter_relationships: &rel,
            victims: r.victims.map(|v| i64::from(v.get())),
            victims_below: None,
            female: None,
            male: None,
            other_gender: None,
            children: None,
            adults: None,
            period_start: ps.as_deref(),
            period_end: pe.as_deref(),
            source: r.source.code(),
            confidence: r.confidence.code(),
        })
        .unwrap();
    }
    analyze(&b.finish(), &Filter::default(), &Options::default())
}

fn input<'a>(a: &'a vjt_analysis::Analysis, lang: Lang, threshold: u64) -> ReportInput<'a> {
    ReportInput {
        analysis: a,
        gazetteer: Gazetteer::embedded(),
        lang,
        title: None,
        rounds: vec!["Kenya 2019".into(), "Kenya 2020".into()],
        organisation_kinds: vec![("NGO".into(), 3), ("CBO".into(), 2), ("FBO".into(), 1)],
        notes: Some("# Priorities\n\n- Strengthen **border** monitoring at Busia\n- Share data with government".into()),
        date: "2026-11-29".into(),
        disclosure: Disclosure { threshold },
        resolved_share: 99.7,
        filtered: None,
    }
}

#[test]
fn map_labels_cover_neither_each_other_nor_a_legend_and_every_county_is_named() {
    use vjt_render::figure::Shape;
    use vjt_render::labels::overlap;
    let a = analysis(80);
    for lang in [Lang::En, Lang::Sw] {
        let cat = Catalogue::new(lang);
        let risk = maps::risk_map(&a, &cat);
        let flows = maps::flow_map(&a, Gazetteer::embedded(), &cat, &Disclosure::default());
        for f in [&risk, &flows] {
            let texts: Vec<(&str, vjt_render::labels::Area)> = f
                .shapes
                .iter()
                .filter_map(|s| match s {
                    Shape::Text { text, .. } => Some((text.as_str(), s.bounds())),
                    _ => None,
                })
                .collect();
            for (i, (t, b)) in texts.iter().enumerate() {
                for (u, c) in &texts[i + 1..] {
                    assert!(!overlap(*b, *c, 0.0), "{lang:?} {}: \"{t}\" covers \"{u}\"", f.title);
                }
                // Nor a legend's swatch (a swatch names its colour; a label's white ground does not).
                for s in &f.shapes {
                    if let Shape::Rect { title, .. } = s {
                        if title.is_empty() {
                            continue;
                        }
                        assert!(!overlap(*b, s.bounds(), 0.0), "{lang:?}: \"{t}\" covers a legend swatch");
                    }
                }
            }
        }
        // Every county is named on the risk map: by its name, or by a number the index names.
        let texts: Vec<&str> = risk
            .shapes
            .iter()
            .filter_map(|s| match s {
                Shape::Text { text, .. } => Some(text.as_str()),
                _ => None,
            })
            .collect();
        let mut numbered = 0;
        for c in vjt_render::geo::counties() {
            if texts.contains(&c.name.as_str()) {
                continue;
            }
            let entry = texts
                .iter()
                .find_map(|t| t.strip_suffix(c.name.as_str())?.strip_suffix(' ')?.parse::<usize>().ok())
                .unwrap_or_else(|| panic!("{} is named on the map or in its index", c.name));
            assert!(texts.contains(&entry.to_string().as_str()), "{}'s number {entry} is on the map", c.name);
            numbered += 1;
        }
        assert!(numbered < 20, "most counties carry their name: {numbered} numbered");
        // No corridor runs through the corridor map's legend.
        let legend = flows
            .shapes
            .iter()
            .filter(|s| match s {
                Shape::Circle { title, .. } => title.is_empty(),
                Shape::Line { .. } => true,
                Shape::Text { text, .. } => *text == cat.t("border_crossing") || *text == cat.t("corridor"),
                _ => false,
            })
            .map(Shape::bounds)
            .fold((f64::MAX, f64::MAX, f64::MIN, f64::MIN), |a, b| {
                (a.0.min(b.0), a.1.min(b.1), a.2.max(b.2), a.3.max(b.3))
            });
        for s in &flows.shapes {
            if let Shape::Flow { from, via, to, width, title, .. } = s {
                for k in 0..=40 {
                    let t = f64::from(k) / 40.0;
                    let (u, v) = ((1.0 - t) * (1.0 - t), 2.0 * t * (1.0 - t));
                    let p = (u * from.0 + v * via.0 + t * t * to.0, u * from.1 + v * via.1 + t * t * to.1);
                    let w = width / 2.0;
                    assert!(
                        !overlap((p.0 - w, p.1 - w, p.0 + w, p.1 + w), legend, 0.0),
                        "{title} runs through the legend"
                    );
                }
            }
        }
    }
}

#[test]
fn the_county_maps_draw_all_47_counties_with_names_and_a_legend() {
    let a = analysis(80);
    let cat = Catalogue::new(Lang::En);
    let risk = svg::render(&maps::risk_map(&a, &cat));
    assert_eq!(risk.matches(r#"<path class="county""#).count(), 47);
    for name in ["Nairobi City", "Mombasa", "Turkana", "Busia", "Elgeyo-Marakwet"] {
        assert!(risk.contains(&format!(">{name}</text>")), "{name} is labelled");
    }
    for band in ["low (0–25)", "medium (25–50)", "high (50–75)", "very high (75–100)"] {
        assert!(risk.contains(band), "legend entry {band}");
    }
    assert!(risk.contains("OpenStreetMap contributors"), "attribution on the map");
    // Counties no route touches are "no reports", named in the legend, never painted "low".
    let quiet: Vec<&str> =
        a.counties.iter().filter(|c| c.roles.total_reports() == 0).map(|c| c.name.as_str()).collect();
    assert!(!quiet.is_empty() && quiet.len() < 47, "the test data touches some counties only: {}", quiet.len());
    let touched = 47 - quiet.len();
    assert!(risk.contains(">no reports</text>"), "the legend names no reports");
    assert_eq!(risk.matches(": no reports</title>").count(), 47 - touched, "{quiet:?}");
    for name in quiet {
        assert!(!risk.contains(&format!("<title>{name}: 0 (low)")), "{name} is not low risk");
    }
    let roles = svg::render(&maps::role_maps(&a, &cat, &Disclosure::default()));
    assert_eq!(roles.matches(r#"<path class="county""#).count(), 3 * 47);
    let flows = svg::render(&maps::flow_map(&a, Gazetteer::embedded(), &cat, &Disclosure::default()));
    assert!(flows.matches(r#"class="flow""#).count() >= 5);
    assert!(flows.contains(">Busia</text>") && flows.contains(">Nairobi City</text>"), "crossings and hubs are named");
    let world = svg::render(&maps::world_map(&a, Gazetteer::embedded(), &cat, &Disclosure::default()));
    let countries = world.matches(r#"<path class="country""#).count();
    assert!(countries > 60, "Africa, Europe and Asia to China: {countries}");
    assert!(world.contains("Saudi Arabia") && world.contains("<title>China"));
    assert!(!world.contains("<title>Mexico"), "countries outside the frame are left out, not drawn off the page");
}

#[test]
fn the_report_is_self_contained_and_complete() {
    let a = analysis(80);
    let page = html(&input(&a, Lang::En, 5));
    assert!(page.starts_with("<!DOCTYPE html>"));
    for section in [
        "Executive summary",
        "Methodology",
        "High-activity locations",
        "Regional risk",
        "Corridors and border crossings",
        "Transport and recruitment",
        "New places and routes",
        "Recommendations",
        "Annex tables",
        "Data sources and attribution",
    ] {
        assert!(page.contains(section), "{section}");
    }
    // Nothing is fetched: no scripts, no external stylesheets, images or fonts.
    assert!(!page.contains("<script"));
    for attr in ["src=\"http", "href=\"http", "url(http", "@import"] {
        assert!(!page.contains(attr), "{attr}");
    }
    assert!(page.contains("<strong>border</strong>"), "the coordinator's notes are rendered");
    assert!(page.contains("Nairobi City was the most reported county of transit"), "a sentence written from the data");
    assert!(!page.contains("(demo)"), "no submitting organisation is named");
}

#[test]
fn small_numbers_never_appear_in_the_report() {
    let a = analysis(12);
    let page = html(&input(&a, Lang::En, 5));
    // Every figure printed in tables is 0, at least 5, or "<5".
    for cell in page.split("<td class=\"n\">").skip(1) {
        let value = &cell[..cell.find('<').unwrap()];
        if let Ok(n) = value.parse::<u64>() {
            assert!(n == 0 || n >= 5 || value.contains('.'), "a table shows {n}");
        }
    }
    assert!(page.contains("&lt;5"), "small counts are shown as <5");
    // Hidden counts draw at the threshold: bars of hidden values have the same length.
    let higher = html(&input(&a, Lang::En, 10));
    assert!(higher.contains("&lt;10"));
}

#[test]
fn the_kiswahili_report_uses_no_english_sentences() {
    let a = analysis(60);
    let page = html(&input(&a, Lang::Sw, 5));
    assert!(page.contains("<html lang=\"sw\">"));
    assert!(page.contains("Muhtasari") && page.contains("Kiwango cha hatari kwa kaunti"));
    for english in vjt_catalogue::english_phrases() {
        assert!(!page.contains(&svg::escape(&english)), "English text in the Kiswahili report: {english}");
    }
    for t in vjt_domain::ExploitationType::all() {
        if a.breakdowns.overall.vocab.exploitation_types.counts[t.code()] > 0 {
            assert!(page.contains(&svg::escape(t.label(Lang::Sw))), "{}", t.label(Lang::Sw));
        }
    }
}

#[test]
fn summary_sentences_follow_the_data() {
    let a = analysis(80);
    let lines = report::summary_sentences(&input(&a, Lang::En, 5));
    let transit = a.counties.iter().max_by_key(|c| c.roles.transit.reports).unwrap();
    assert!(
        lines.iter().any(|l| l.starts_with(&format!(
            "{} was the most reported county of transit, in {} reports",
            transit.name, transit.roles.transit.reports
        ))),
        "{lines:?}"
    );
}

/// Output of a PDF tool from poppler-utils or qpdf, or None when it is not installed (which fails
/// instead when VJT_REQUIRE_TOOLS is set, as in `.ci/run`).
fn pdf_tool(program: &str, args: &[&str]) -> Option<Vec<u8>> {
    match std::process::Command::new(program).args(args).output() {
        Ok(out) => {
            assert!(
                out.status.success() || program == "qpdf" && out.status.code() == Some(3),
                "{program} {args:?}: {}",
                String::from_utf8_lossy(&out.stderr)
            );
            Some(out.stdout)
        }
        Err(_) => {
            assert!(
                std::env::var_os("VJT_REQUIRE_TOOLS").is_none(),
                "{program} is required (apt-get install poppler-utils qpdf)"
            );
            eprintln!("{program} is not installed: the PDF was not checked with it");
            None
        }
    }
}

fn text_of(bytes: Option<Vec<u8>>) -> Option<String> {
    bytes.map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// A greyscale page render (PGM from `pdftoppm -gray`) as width, height and pixels.
fn pgm(bytes: &[u8]) -> (usize, usize, &[u8]) {
    let mut fields = Vec::new();
    let mut at = 0;
    while fields.len() < 4 {
        while bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        let start = at;
        while !bytes[at].is_ascii_whitespace() {
            at += 1;
        }
        fields.push(std::str::from_utf8(&bytes[start..at]).unwrap().to_string());
    }
    assert_eq!(fields[0], "P5");
    let (w, h): (usize, usize) = (fields[1].parse().unwrap(), fields[2].parse().unwrap());
    (w, h, &bytes[at + 1..at + 1 + w * h])
}

#[test]
fn the_pdf_is_tagged_embeds_its_fonts_and_can_be_navigated_in_either_language() {
    let a = analysis(60);
    let dir = std::env::temp_dir().join(format!("vjt_pdf_{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (lang, risk, page_word) in [(Lang::En, "Regional risk", "Page"), (Lang::Sw, "Hatari kwa kanda", "Ukurasa")] {
        let bytes = vjt_render::pdf(&input(&a, lang, 5));
        assert!(bytes.starts_with(b"%PDF-1.7"));
        let path = dir.join(format!("report-{lang:?}.pdf"));
        std::fs::write(&path, &bytes).unwrap();
        let file = path.to_str().unwrap();

        let Some(info) = text_of(pdf_tool("pdfinfo", &[file])) else { return };
        assert!(info.lines().any(|l| l.starts_with("Tagged:") && l.ends_with("yes")), "{info}");
        let pages: usize = info.lines().find_map(|l| l.strip_prefix("Pages:")).unwrap().trim().parse().unwrap();
        assert!(pages >= 8, "{pages} pages");

        // Every font is embedded (a subset), with its letters mapped back to text.
        let fonts = text_of(pdf_tool("pdffonts", &[file])).unwrap();
        let rows: Vec<Vec<&str>> = fonts.lines().skip(2).map(|l| l.split_whitespace().collect()).collect();
        assert!(rows.len() >= 2, "{fonts}");
        for row in &rows {
            let n = row.len();
            assert_eq!(&row[n - 5..n - 2], &["yes", "yes", "yes"], "embedded, subset, unicode: {fonts}");
        }

        // The catalogue declares the language, the bookmarks and the structure.
        let qdf = dir.join("qdf.pdf");
        pdf_tool("qpdf", &["--qdf", "--object-streams=disable", file, qdf.to_str().unwrap()]).unwrap();
        let raw = String::from_utf8_lossy(&std::fs::read(&qdf).unwrap()).into_owned();
        let code = if lang == Lang::Sw { "sw" } else { "en" };
        assert!(raw.contains(&format!("/Lang ({code})")), "the document's language");
        assert!(raw.contains("/Outlines") && raw.contains("/StructTreeRoot"));
        assert!(raw.contains("/S /Figure") && raw.contains("/S /Table") && raw.contains("/S /TH"));
        pdf_tool("qpdf", &["--check", file]).unwrap();

        // The contents give each section's page, and that page has the section.
        let text = text_of(pdf_tool("pdftotext", &["-layout", file, "-"])).unwrap();
        let entry = text.lines().find(|l| l.contains(risk) && l.contains(". .")).expect("a contents entry");
        let page: usize = entry.split_whitespace().last().unwrap().parse().expect("a page number");
        let p = page.to_string();
        let that = text_of(pdf_tool("pdftotext", &["-f", &p, "-l", &p, "-layout", file, "-"])).unwrap();
        assert!(that.lines().filter(|l| !l.contains(page_word)).any(|l| l.trim() == risk), "{risk} on page {page}");
        assert!(that.contains(&format!("{page_word} {page} ")), "page x of y on every page");
        // Letters and signs beyond Latin-1 come out as themselves.
        assert!(text.contains(" → "), "arrows in corridor names");
        assert!(text.contains(if lang == Lang::En { "Figure 1: " } else { "Kielelezo 1: " }), "numbered captions");

        // Nothing is drawn in the side margins: every figure stays inside its frame and the page.
        let png = dir.join("page");
        pdf_tool("pdftoppm", &["-gray", "-r", "36", file, png.to_str().unwrap()]).unwrap();
        let mut renders: Vec<_> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|e| e == "pgm"))
            .collect();
        renders.sort();
        assert_eq!(renders.len(), pages);
        for render in &renders {
            let data = std::fs::read(render).unwrap();
            let (w, h, px) = pgm(&data);
            // 48 pt margins at 36 dpi are 24 px; allow 3 px for anti-aliasing.
            let margin = 21;
            for y in 0..h {
                for x in (0..margin).chain(w - margin..w) {
                    assert!(px[y * w + x] > 240, "{} is drawn on at ({x}, {y})", render.display());
                }
            }
            std::fs::remove_file(render).unwrap();
        }
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_filtered_report_says_so_in_its_title_and_on_its_cover() {
    let a = analysis(40);
    for (lang, shows) in [(Lang::En, "Showing only: "), (Lang::Sw, "Inaonyesha tu: ")] {
        let mut filtered = input(&a, lang, 5);
        filtered.filtered = Some("Sexual exploitation · 2020-03 to 2020-09".into());
        let page = html(&filtered);
        let title = page.split("<title>").nth(1).unwrap().split("</title>").next().unwrap();
        assert!(title.ends_with(" — Sexual exploitation · 2020-03 to 2020-09"), "{title}");
        assert!(page.contains(&format!("{shows}Sexual exploitation")), "the cover says what is shown");
        let whole = html(&input(&a, lang, 5));
        assert!(!whole.contains(shows) && !whole.contains(" — Sexual"), "the whole picture says nothing of filters");
        // A title the coordinator gave stays, and the cover still says it is filtered.
        filtered.title = Some("Briefing".into());
        let page = html(&filtered);
        assert!(page.contains("<title>Briefing</title>") && page.contains(shows));
    }
}

#[test]
fn the_small_numbers_note_appears_only_when_numbers_are_hidden() {
    let a = analysis(80);
    let hidden = html(&input(&a, Lang::En, 5));
    assert!(hidden.contains("Numbers from 1 to 4 are shown as &lt;5"), "the threshold is explained");
    let open = html(&input(&a, Lang::En, 1));
    assert!(!open.contains("Numbers from 1 to"), "nothing is hidden, so nothing to explain");
    assert!(open.contains("Limitations:"), "the limits of the data are still stated");
}

#[test]
fn without_notes_there_is_no_recommendations_section_and_corridors_show_corroboration() {
    let a = analysis(80);
    let mut plain = input(&a, Lang::En, 5);
    plain.notes = None;
    let page = html(&plain);
    assert!(!page.contains("Recommendations"), "no empty section, no entry in the contents");
    assert!(!page.contains("vjt report --notes"), "no command-line instruction in a published report");
    assert!(html(&input(&a, Lang::En, 5)).contains("Recommendations"), "with notes, the section is there");
    // Organisation counts are corroboration, shown from 2; one organisation is said in words.
    let table = page.split("id=\"corridors\"").nth(1).unwrap().split("</table>").next().unwrap();
    let cells: Vec<&str> =
        table.split("<tr>").skip(2).filter_map(|row| row.split("<td class=\"n\">").nth(3)?.split('<').next()).collect();
    assert!(!cells.is_empty());
    for c in &cells {
        let n = c.strip_suffix(" organisations").and_then(|n| n.parse::<u64>().ok());
        assert!(*c == "one organisation" || n.is_some_and(|n| n >= 2), "{c}");
    }
    assert!(cells.iter().any(|c| c.ends_with(" organisations")), "some corridors are corroborated: {cells:?}");
}

#[test]
fn heat_table_headers_are_wrapped_not_cut_and_every_number_reads_on_its_cell() {
    let cols: Vec<String> =
        ["Sexual exploitation", "Domestic servitude", "Unyonyaji wa kingono"].iter().map(|s| s.to_string()).collect();
    let rows: Vec<String> = vec!["False job offer".into(), "Family or friend".into()];
    let values = vec![vec![40, 3, 0], vec![12, 25, 7]];
    let f = vjt_render::charts::heat_table("Recruitment", &rows, &cols, &values, &Disclosure { threshold: 1 });
    let texts: Vec<String> = f
        .shapes
        .iter()
        .filter_map(|s| match s {
            vjt_render::figure::Shape::Text { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    for word in ["Sexual", "exploitation", "Domestic", "servitude", "Unyonyaji", "kingono"] {
        assert!(texts.iter().any(|t| t.split(' ').any(|w| w == word)), "{word} is written whole: {texts:?}");
    }
    // Each number on its cell: ink or white, at least 4.5:1.
    let mut fill = None;
    for s in &f.shapes {
        match s {
            vjt_render::figure::Shape::Rect { fill: f, .. } => fill = Some(*f),
            vjt_render::figure::Shape::Text { colour, text, .. } if text.parse::<u64>().is_ok() => {
                let on = fill.expect("a cell before its number");
                assert!(colour.contrast(on) >= 4.5, "{text}: {:.2}:1 on {}", colour.contrast(on), on.hex());
            }
            _ => {}
        }
    }
    // The colour steps of every map and chart take a readable label.
    for step in vjt_render::figure::SEQUENTIAL {
        assert!(step.text_on().contrast(step) >= 4.5, "{}", step.hex());
    }
    assert!(vjt_render::figure::Colour::MUTED.contrast(vjt_render::figure::Colour::WHITE) >= 4.5);
}

/// Nothing drawn spills out of its figure (a map under the table beside it, a label cut at
/// the page's edge), in either language: every shape's box within the figure's own box.
#[test]
fn every_figure_keeps_its_drawing_inside_its_frame() {
    let a = analysis(80);
    let mut outside = Vec::new();
    for lang in [Lang::En, Lang::Sw] {
        let d = vjt_render::report::drawings(&input(&a, lang, 5));
        let figures = [
            &d.risk,
            &d.roles,
            &d.flows,
            &d.world,
            &d.top_origin,
            &d.top_transit,
            &d.top_destination,
            &d.types,
            &d.transport,
            &d.recruitment,
            &d.heat,
        ];
        for f in figures.into_iter().chain(d.change.as_ref()) {
            for s in &f.shapes {
                let (l, t, r, b) = s.bounds();
                if l < -0.5 || t < -0.5 || r > f.width + 0.5 || b > f.height + 0.5 {
                    outside.push(format!("{lang:?} {}: {s:?} at ({l:.0}, {t:.0})–({r:.0}, {b:.0})", f.title));
                }
            }
        }
    }
    let shown: Vec<String> =
        outside.iter().filter(|s| !s.contains(": Polygon")).take(12).map(|s| s.chars().take(220).collect()).collect();
    assert!(outside.is_empty(), "{} shapes outside their figure:\n{}", outside.len(), shown.join("\n"));
}
