//! UNODC Global Report on Trafficking in Persons (GLOTIP) country data → routes from citizenship to
//! country of detection, one per country, citizenship and year, with the number of detected victims.
//!
//! Only "Detected trafficking victims" by citizenship, for both sexes and all ages, becomes routes
//! (the sex and age breakdowns would count the same people twice). The file's real quirks:
//! `<5` is a withheld small count (kept as "fewer than five", never 0 or 5); thousands separators
//! ("1,192"); junk questionnaire rows whose category is a cell id ("Q6.1_10s_2019"); citizenship
//! written as names or demonyms in several languages; and text damaged into U+FFFD characters.

use std::collections::BTreeSet;
use std::num::NonZeroU32;

use vjt_domain::text::fold;
use vjt_domain::Message;
use vjt_domain::{
    Confidence, Journey, KnowledgeSource, PlaceId, Profile, ReportDraft, ReportRef, ReviewStatus, RouteReport, Stop,
    StopText, YearMonth,
};
use vjt_gazetteer::{Context, Resolver};
use vjt_store::Store;

use crate::import::{finish, required_org_round, FileReport, Format, ImportError, ImportOptions};
use crate::rows::CellProblem;
use crate::source::Table;

/// A detected-victims value: an exact count, a withheld small count, or nothing to import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    Exact(u32),
    Below(u32),
}

/// Reads UNODC's text values: "209", "1,192", "<5".
pub fn parse_count(raw: &str) -> Option<Count> {
    let t = raw.trim();
    if let Some(bound) = t.strip_prefix('<') {
        return bound.trim().parse().ok().map(Count::Below);
    }
    let digits: String = t.chars().filter(|c| *c != ',' && *c != ' ').collect();
    if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok().map(Count::Exact)
}

/// Questionnaire cell ids that leaked into the category column: "Q6.1_10s_2019".
fn is_questionnaire_id(category: &str) -> bool {
    let mut chars = category.chars();
    chars.next() == Some('Q') && chars.next().is_some_and(|c| c.is_ascii_digit()) && category.contains('_')
}

pub fn import(
    store: &Store,
    resolver: &Resolver<'_>,
    table: Table,
    options: &ImportOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<FileReport, ImportError> {
    let (organisation, round) = required_org_round(&table.file, "UNODC", options)?;
    let g = resolver.gazetteer();
    let header: Vec<String> = table.header.iter().map(|h| h.trim().to_string()).collect();
    let col = |name: &str| header.iter().position(|h| h.eq_ignore_ascii_case(name));
    let needed = ["Iso3_code", "Indicator", "Dimension", "Category", "Sex", "Age", "Year", "txtVALUE"];
    let missing: Vec<&str> = needed.iter().copied().filter(|n| col(n).is_none()).collect();
    if !missing.is_empty() {
        return Err(ImportError::MissingColumns {
            file: table.file,
            missing: missing.join(", "),
            found: header.join(", "),
        });
    }
    let [iso3, indicator, dimension, category, sex, age, year, value] = needed.map(|n| col(n).expect("checked above"));
    let file = table.file.clone();
    let total = table.estimated_rows;
    let mut report = FileReport {
        file: file.clone(),
        format: Some(Format::Unodc),
        encoding: table.encoding.into(),
        ..Default::default()
    };
    let (mut junk, mut broken, mut withheld, mut zero) = (0u64, 0u64, 0u64, 0u64);
    let mut writer = store.begin_import(&file)?;
    for item in table {
        let (row, record) = item?;
        report.rows_read += 1;
        if report.rows_read.is_multiple_of(2048) {
            progress(report.rows_read, total);
        }
        let cell = |i: usize| record.get(i).map_or("", str::trim);
        if cell(dimension) != "by citizenship" || cell(sex) != "Total" || cell(age) != "Total" {
            report.skipped += 1;
            continue;
        }
        let citizenship = cell(category);
        if is_questionnaire_id(citizenship) {
            junk += 1;
            report.skipped += 1;
            continue;
        }
        if cell(indicator) != "Detected trafficking victims" {
            report.skipped += 1;
            continue;
        }
        let problem = |key: &'static str, column: &str, value: &str| CellProblem {
            row,
            column: column.to_string(),
            value: vjt_domain::text::shown(value),
            message: Message::new(key),
        };
        let count = match parse_count(cell(value)) {
            Some(Count::Exact(0)) => {
                zero += 1;
                report.skipped += 1;
                continue;
            }
            Some(c) => c,
            None => {
                report.rejected += 1;
                report.problems.push(problem("cell-unodc-count", "txtVALUE", cell(value)));
                continue;
            }
        };
        let Some(detected_in) = g.places().find(|(_, p)| p.iso3.as_deref() == Some(cell(iso3))).map(|(ix, _)| ix)
        else {
            report.rejected += 1;
            report.problems.push(problem("cell-unknown-country-code", "Iso3_code", cell(iso3)));
            continue;
        };
        let Some(year_value) =
            cell(year).parse::<u16>().ok().and_then(|y| YearMonth::new(y, 1).zip(YearMonth::new(y, 12)))
        else {
            report.rejected += 1;
            report.problems.push(problem("cell-not-a-year", "Year", cell(year)));
            continue;
        };
        if citizenship.contains('\u{FFFD}') {
            broken += 1;
        }
        let Ok(origin_text) = StopText::parse(citizenship) else {
            report.rejected += 1;
            report.problems.push(problem("cell-citizenship-empty", "Category", citizenship));
            continue;
        };
        let context = Context { countries: vec![], role: Some(vjt_domain::StopRole::Origin) };
        // "Nationals" (and its Spanish and French forms) are the detecting country's own citizens.
        let own = [
            "nationals",
            "national",
            "own nationals",
            "citizens",
            "ciudadanos de su pais",
            "nacionales",
            "ressortissants",
        ];
        let origin_place = if own.contains(&fold(citizenship).replace('\u{FFFD}', "").as_str())
            || fold(citizenship).starts_with("ciudadanos de su pa")
        {
            Some(detected_in)
        } else {
            resolver.resolve(citizenship, &context).resolved()
        };
        if origin_place.is_none() {
            *report.unresolved_places.entry(citizenship.to_string()).or_default() += 1;
        }
        let origin = Stop {
            text: origin_text,
            place: origin_place.map(|ix| PlaceId(g.place(ix).id.clone())),
            arrived_by: BTreeSet::new(),
        };
        let detection_name = g.place(detected_in).name.clone();
        let detection = Stop {
            text: StopText::parse(&detection_name).expect("gazetteer names are valid"),
            place: Some(PlaceId(g.place(detected_in).id.clone())),
            arrived_by: BTreeSet::new(),
        };
        let (victims, victims_below) = match count {
            Count::Exact(n) => (NonZeroU32::new(n), None),
            Count::Below(b) => {
                withheld += 1;
                (None, NonZeroU32::new(b))
            }
        };
        let draft = ReportDraft {
            organisation,
            round,
            report_id: ReportRef::parse(&format!(
                "unodc-{}-{}-{}",
                cell(iso3),
                cell(year),
                fold(citizenship).replace(' ', "-")
            ))
            .ok(),
            journey: Journey::new(origin, vec![], None, Some(detection)).expect("an end point is set"),
            exploitation_types: BTreeSet::new(),
            sectors: BTreeSet::new(),
            transport_modes: BTreeSet::new(),
            recruitment_methods: BTreeSet::new(),
            recruiter_relationships: BTreeSet::new(),
            victims,
            victims_below,
            profile: Profile::default(),
            period_start: Some(year_value.0),
            period_end: Some(year_value.1),
            source: KnowledgeSource::Other,
            confidence: Confidence::Unknown,
            notes: None,
            status: ReviewStatus::Submitted,
        };
        let reference = draft.report_id.clone();
        match RouteReport::new(draft) {
            Ok(r) => report.count(writer.save(&r)?),
            Err(problems) => {
                report.rejected += 1;
                for p in problems.into_iter().take(1) {
                    report.problems.push(CellProblem {
                        row,
                        column: "txtVALUE".into(),
                        value: reference.as_ref().map_or("", |r| r.as_str()).to_string(),
                        message: p.message,
                    });
                }
            }
        }
    }
    progress(report.rows_read, report.rows_read);
    report.problems.truncate(50);
    if withheld > 0 {
        report.observations.push(Message::new("observed-unodc-withheld").with("count", withheld));
    }
    if junk > 0 {
        report.observations.push(Message::new("observed-unodc-questionnaire").with("count", junk));
    }
    if broken > 0 {
        report.observations.push(Message::new("observed-unodc-damaged").with("count", broken));
    }
    if zero > 0 {
        report.observations.push(Message::new("observed-unodc-zero").with("count", zero));
    }
    finish(writer, &mut report, options)?;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_keep_their_meaning() {
        assert_eq!(parse_count("209"), Some(Count::Exact(209)));
        assert_eq!(parse_count("1,192"), Some(Count::Exact(1192)));
        assert_eq!(parse_count("<5"), Some(Count::Below(5)));
        assert_eq!(parse_count("61,102,019"), Some(Count::Exact(61_102_019)));
        assert_eq!(parse_count("n/a"), None);
        assert_eq!(parse_count(""), None);
        assert!(is_questionnaire_id("Q6.1_10s_2019"));
        assert!(!is_questionnaire_id("Qatar"));
        assert!(!is_questionnaire_id("Qatari"));
    }
}
