//! One row of the vjt template (or a KoBo/ODK export of its XLSForm) → a valid route report, or
//! every problem in it, each with its column, the value and a reason in plain words.

use std::collections::{BTreeSet, HashMap};
use std::num::NonZeroU32;

use csv::StringRecord;
use vjt_domain::vocab::{parse_list, Vocabulary};
use vjt_domain::{
    name_key, Confidence, ExploitationType, Journey, KnowledgeSource, Notes, OrganisationId, Profile,
    RecruiterRelationship, RecruitmentMethod, ReportDraft, ReportRef, ReviewStatus, RoundId, RouteReport, Sector, Stop,
    StopText, TransportMode, YearMonth,
};

use crate::columns::Column;
use crate::guard::{screen, Redacted};

/// A problem with one cell (or, for whole-row rules, the column most to blame).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CellProblem {
    pub row: u64,
    pub column: String,
    pub value: String,
    pub reason: String,
}

impl std::fmt::Display for CellProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.value.is_empty() {
            write!(f, "row {}, {}: {}", self.row, self.column, self.reason)
        } else {
            write!(f, "row {}, {}: '{}' {}", self.row, self.column, self.value, self.reason)
        }
    }
}

/// Where each known column sits in a file, and what else the header holds.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    columns: Vec<(usize, Column)>,
    /// KoBo one-column-per-choice layouts: (position, column, choice code).
    choices: Vec<(usize, Column, String)>,
    pub unknown_headers: Vec<String>,
}

impl Layout {
    pub fn from_header(header: &StringRecord) -> Layout {
        let mut layout = Layout::default();
        for (i, h) in header.iter().enumerate() {
            if let Some(c) = Column::from_header(h) {
                if !layout.columns.iter().any(|(_, seen)| *seen == c) {
                    layout.columns.push((i, c));
                    continue;
                }
            }
            if let Some((c, code)) = Column::from_choice_header(h) {
                layout.choices.push((i, c, code));
            } else if !h.trim().is_empty() && !h.trim().eq_ignore_ascii_case("error") {
                // "error" is the column a rejects file adds; importing the corrected file ignores it.
                layout.unknown_headers.push(h.to_string());
            }
        }
        layout
    }

    pub fn has(&self, column: Column) -> bool {
        self.columns.iter().any(|(_, c)| *c == column) || self.choices.iter().any(|(_, c, _)| *c == column)
    }

    /// Required columns the header lacks (organisation and round may come from the command line).
    pub fn missing(&self, org_given: bool, round_given: bool) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if !self.has(Column::Origin) {
            missing.push("origin");
        }
        if !self.has(Column::IntendedDestination) && !self.has(Column::ExploitationPlace) {
            missing.push("intended_destination or exploitation_place");
        }
        if !org_given && !self.has(Column::Organisation) {
            missing.push("organisation (or give --org)");
        }
        if !round_given && !self.has(Column::Round) {
            missing.push("round (or give --round)");
        }
        missing
    }

    fn cell<'r>(&self, record: &'r StringRecord, column: Column) -> &'r str {
        self.columns.iter().find(|(_, c)| *c == column).and_then(|(i, _)| record.get(*i)).map_or("", str::trim)
    }
}

/// What a row needs from outside itself.
pub struct RowContext<'a> {
    pub organisations: &'a HashMap<String, OrganisationId>,
    pub rounds: &'a HashMap<String, RoundId>,
    pub default_org: Option<OrganisationId>,
    pub default_round: Option<RoundId>,
    /// KoBo/ODK exports separate select_multiple codes with spaces.
    pub space_separated_choices: bool,
}

/// A row that became a report, with what the importer should tell about it.
#[derive(Debug, Clone)]
pub struct ParsedRow {
    pub report: RouteReport,
    pub redactions: Vec<(Column, Vec<Redacted>)>,
}

struct Collector {
    row: u64,
    problems: Vec<CellProblem>,
}

impl Collector {
    fn add(&mut self, column: Column, value: &str, reason: impl Into<String>) {
        self.problems.push(CellProblem {
            row: self.row,
            column: column.name().into(),
            value: value.into(),
            reason: reason.into(),
        });
    }
}

fn whole_number(c: &mut Collector, column: Column, raw: &str) -> Option<u32> {
    if raw.is_empty() {
        return None;
    }
    // Spreadsheets write "12.0" for 12; thousands are sometimes grouped with commas or spaces.
    let cleaned: String = raw.trim_end_matches(".0").chars().filter(|ch| *ch != ',' && *ch != ' ').collect();
    match cleaned.parse::<u32>() {
        Ok(n) => Some(n),
        Err(_) if cleaned.starts_with('-') && cleaned[1..].chars().all(|ch| ch.is_ascii_digit()) => {
            c.add(column, raw, "is negative; give a whole number of 0 or more, or leave it empty if unknown");
            None
        }
        Err(_) => {
            c.add(column, raw, "is not a whole number; give a number such as 12, or leave it empty if unknown");
            None
        }
    }
}

fn month(c: &mut Collector, column: Column, raw: &str) -> Option<YearMonth> {
    if raw.is_empty() {
        return None;
    }
    YearMonth::parse(raw)
        .map_err(|_| c.add(column, raw, "is not a month; write YYYY-MM (for example 2020-03) or YYYY-MM-DD"))
        .ok()
}

fn list<T: Vocabulary>(c: &mut Collector, column: Column, raw: &str, spaces: bool) -> BTreeSet<T> {
    let attempt = parse_list::<T>(raw);
    let attempt = match attempt {
        Err(_) if spaces && !raw.contains(';') => {
            parse_list::<T>(&raw.split_whitespace().collect::<Vec<_>>().join(";"))
        }
        other => other,
    };
    match attempt {
        Ok(set) => set,
        Err(unknown) => {
            for u in unknown {
                let hint = if u.suggestions.is_empty() {
                    format!("is not a known {} (see docs/vocabularies.md for the codes)", T::NAME)
                } else {
                    format!("is not a known {}; did you mean {}?", T::NAME, u.suggestions.join(", "))
                };
                c.add(column, u.input.trim(), hint);
            }
            BTreeSet::new()
        }
    }
}

fn single<T: Vocabulary>(c: &mut Collector, column: Column, raw: &str, unknown: T) -> T {
    if raw.is_empty() {
        return unknown;
    }
    T::parse(raw).unwrap_or_else(|u| {
        let hint = if u.suggestions.is_empty() {
            String::new()
        } else {
            format!("; did you mean {}?", u.suggestions.join(", "))
        };
        c.add(column, raw, format!("is not a known {}{hint}", T::NAME));
        unknown
    })
}

/// A place cell: screened for personal data, tidied, and checked for length.
fn place(c: &mut Collector, column: Column, raw: &str, redactions: &mut Vec<(Column, Vec<Redacted>)>) -> Option<Stop> {
    if raw.is_empty() {
        return None;
    }
    let (text, found) = screen(raw);
    if !found.is_empty() {
        redactions.push((column, found));
    }
    match StopText::parse(&text) {
        Ok(t) => Some(Stop::reported(t)),
        Err(e) => {
            c.add(column, raw, format!("cannot be used as a place: {e}"));
            None
        }
    }
}

/// Parses one row. `extra_transit` carries transit points from a KoBo/ODK repeat group.
pub fn parse_row(
    layout: &Layout,
    record: &StringRecord,
    row: u64,
    ctx: &RowContext<'_>,
    extra_transit: &[String],
) -> Result<ParsedRow, Vec<CellProblem>> {
    let mut c = Collector { row, problems: Vec::new() };
    let mut redactions = Vec::new();
    let get = |col| layout.cell(record, col);

    let organisation = match get(Column::Organisation) {
        "" => ctx.default_org.or_else(|| {
            c.add(Column::Organisation, "", "is empty; name the reporting organisation or give --org");
            None
        }),
        name => ctx.organisations.get(&name_key(name)).copied().or_else(|| {
            c.add(Column::Organisation, name, "is not a registered organisation (add it with `vjt org add`)");
            None
        }),
    };
    let round = match get(Column::Round) {
        "" => ctx.default_round.or_else(|| {
            c.add(Column::Round, "", "is empty; name the collection round or give --round");
            None
        }),
        name => ctx.rounds.get(&name_key(name)).copied().or_else(|| {
            c.add(Column::Round, name, "is not a known round (add it with `vjt round add`)");
            None
        }),
    };
    let report_id = match get(Column::ReportId) {
        "" => None,
        raw => ReportRef::parse(raw).map_err(|e| c.add(Column::ReportId, raw, format!("cannot be used: {e}"))).ok(),
    };

    let origin = place(&mut c, Column::Origin, get(Column::Origin), &mut redactions);
    if origin.is_none() && get(Column::Origin).is_empty() {
        c.add(Column::Origin, "", "is empty; every route needs the place it starts from");
    }
    let transit_raw = get(Column::Transit);
    let mut transit = Vec::new();
    if !transit_raw.is_empty() {
        let items: Vec<&str> = transit_raw.trim_end_matches(';').split(';').map(str::trim).collect();
        if items.iter().any(|i| i.is_empty()) {
            c.add(Column::Transit, transit_raw, "has an empty place; separate transit points with a single ';'");
        }
        for item in items.into_iter().filter(|i| !i.is_empty()) {
            transit.extend(place(&mut c, Column::Transit, item, &mut redactions));
        }
    }
    for item in extra_transit {
        transit.extend(place(&mut c, Column::Transit, item.trim(), &mut redactions));
    }
    let destination = place(&mut c, Column::IntendedDestination, get(Column::IntendedDestination), &mut redactions);
    let exploitation = place(&mut c, Column::ExploitationPlace, get(Column::ExploitationPlace), &mut redactions);
    if destination.is_none()
        && exploitation.is_none()
        && get(Column::IntendedDestination).is_empty()
        && get(Column::ExploitationPlace).is_empty()
    {
        c.add(
            Column::IntendedDestination,
            "",
            "and exploitation_place are both empty; a route needs at least one of them",
        );
    }

    let spaces = ctx.space_separated_choices;
    let multi = |col: Column| -> String {
        // KoBo's one-column-per-choice layout: every choice column with 1 in it.
        let chosen: Vec<&str> = layout
            .choices
            .iter()
            .filter(|(i, c, _)| {
                *c == col && matches!(record.get(*i).map(str::trim), Some("1" | "1.0" | "true" | "TRUE" | "yes"))
            })
            .map(|(_, _, code)| code.as_str())
            .collect();
        let own = get(col);
        if chosen.is_empty() {
            own.to_string()
        } else if own.is_empty() {
            chosen.join(";")
        } else {
            format!("{own};{}", chosen.join(";"))
        }
    };
    let types_raw = multi(Column::ExploitationTypes);
    let sectors_raw = multi(Column::Sectors);
    let transport_raw = multi(Column::TransportModes);
    let recruitment_raw = multi(Column::RecruitmentMethods);
    let relation_raw = multi(Column::RecruiterRelationship);
    let exploitation_types = list::<ExploitationType>(&mut c, Column::ExploitationTypes, &types_raw, spaces);
    let sectors = list::<Sector>(&mut c, Column::Sectors, &sectors_raw, spaces);
    let transport_modes = list::<TransportMode>(&mut c, Column::TransportModes, &transport_raw, spaces);
    let recruitment_methods = list::<RecruitmentMethod>(&mut c, Column::RecruitmentMethods, &recruitment_raw, spaces);
    let recruiter_relationships =
        list::<RecruiterRelationship>(&mut c, Column::RecruiterRelationship, &relation_raw, spaces);

    // 0 victims means no estimate was given: a route is reported because people were on it.
    // "<5" is a count its publisher withheld: fewer than five.
    let victims_raw = get(Column::Victims);
    let (victims, victims_below) = match victims_raw.strip_prefix('<') {
        Some(bound) => match bound.trim().parse::<u32>().ok().and_then(NonZeroU32::new) {
            Some(b) if b.get() > 1 => (None, Some(b)),
            _ => {
                c.add(Column::Victims, victims_raw, "is not a withheld count; write it as <5 (fewer than five)");
                (None, None)
            }
        },
        None => (whole_number(&mut c, Column::Victims, victims_raw).and_then(NonZeroU32::new), None),
    };
    let profile = Profile {
        female: whole_number(&mut c, Column::Female, get(Column::Female)),
        male: whole_number(&mut c, Column::Male, get(Column::Male)),
        other_gender: None,
        children: whole_number(&mut c, Column::Children, get(Column::Children)),
        adults: whole_number(&mut c, Column::Adults, get(Column::Adults)),
    };
    let period_start = month(&mut c, Column::PeriodStart, get(Column::PeriodStart));
    let period_end = month(&mut c, Column::PeriodEnd, get(Column::PeriodEnd));
    let source = single(&mut c, Column::Source, get(Column::Source), KnowledgeSource::Unknown);
    let confidence = single(&mut c, Column::Confidence, get(Column::Confidence), Confidence::Unknown);
    let notes = match get(Column::Notes) {
        "" => None,
        raw => {
            let (text, found) = screen(raw);
            if !found.is_empty() {
                redactions.push((Column::Notes, found));
            }
            Notes::parse(&text).map_err(|e| c.add(Column::Notes, "", format!("cannot be stored: {e}"))).ok()
        }
    };

    let (Some(organisation), Some(round), Some(origin)) = (organisation, round, origin) else {
        return Err(c.problems);
    };
    if destination.is_none() && exploitation.is_none() {
        return Err(c.problems);
    }
    if !c.problems.is_empty() {
        return Err(c.problems);
    }
    let journey = match Journey::new(origin, transit, destination, exploitation) {
        Ok(j) => j,
        Err(e) => {
            c.add(Column::Transit, "", e.to_string());
            return Err(c.problems);
        }
    };
    let draft = ReportDraft {
        organisation,
        round,
        report_id,
        journey,
        exploitation_types,
        sectors,
        transport_modes,
        recruitment_methods,
        recruiter_relationships,
        victims,
        victims_below,
        profile,
        period_start,
        period_end,
        source,
        confidence,
        notes,
        status: ReviewStatus::Submitted,
    };
    RouteReport::new(draft).map(|report| ParsedRow { report, redactions }).map_err(|problems| {
        for p in problems {
            let column = Column::ALL.into_iter().find(|col| col.name() == p.field).unwrap_or(Column::Victims);
            c.add(column, get(column), p.message);
        }
        c.problems
    })
}
