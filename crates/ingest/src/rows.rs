//! One row of the vjt template (or a KoBo/ODK export of its XLSForm) → a valid route report, or
//! every problem in it, each with its column, the value and a reason in plain words. The rules
//! themselves are the domain's ([`ReportFields::parse`]); this module finds the fields in a row.

use std::borrow::Cow;

use csv::StringRecord;
use vjt_domain::fields::NameMap;
use vjt_domain::vocab::Vocabulary;
use vjt_domain::{
    ExploitationType, FieldContext, FieldProblem, Lang, Message, OrganisationId, ParsedReport, RecruiterRelationship,
    RecruitmentMethod, ReportFields, RoundId, Sector, TransportMode,
};

use crate::columns::{Field, Header};

/// A problem with one cell (or, for whole-row rules, the column most to blame), said in either
/// language by the page or in English by the command line.
#[derive(Debug, Clone, PartialEq)]
pub struct CellProblem {
    pub row: u64,
    pub column: String,
    pub value: String,
    pub message: Message,
}

impl CellProblem {
    /// The reason, without the value, in a language.
    pub fn reason(&self, lang: Lang) -> String {
        self.message.text(lang)
    }

    fn of(row: u64, p: FieldProblem) -> CellProblem {
        CellProblem { row, column: p.field.code().to_string(), value: p.value, message: p.message }
    }
}

impl std::fmt::Display for CellProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.value.is_empty() {
            write!(f, "row {}, {}: {}", self.row, self.column, self.message)
        } else {
            write!(f, "row {}, {}: '{}' {}", self.row, self.column, self.value, self.message)
        }
    }
}

/// As `vjt import --json` shows it: the reason in English.
impl serde::Serialize for CellProblem {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = s.serialize_struct("CellProblem", 4)?;
        out.serialize_field("row", &self.row)?;
        out.serialize_field("column", &self.column)?;
        out.serialize_field("value", &self.value)?;
        out.serialize_field("reason", &self.reason(Lang::En))?;
        out.end()
    }
}

/// Where each known column sits in a file, and what else the header holds.
#[derive(Debug, Clone, Default)]
pub struct Layout {
    columns: Vec<(usize, Field)>,
    /// An export's review status column, and its county columns (origin, transit, intended
    /// destination, exploitation place): see `export::EXTRA_COLUMNS`.
    status: Option<usize>,
    counties: [Option<usize>; 4],
    /// KoBo one-column-per-choice layouts: (position, column, choice code).
    choices: Vec<(usize, Field, String)>,
    pub unknown_headers: Vec<String>,
}

impl Layout {
    pub fn from_header(header: &StringRecord) -> Layout {
        let mut layout = Layout::default();
        for (i, h) in header.iter().enumerate() {
            match crate::export::EXTRA_COLUMNS.iter().position(|x| x.eq_ignore_ascii_case(h.trim())) {
                Some(0) => {
                    layout.status = Some(i);
                    continue;
                }
                Some(k) => {
                    layout.counties[k - 1] = Some(i);
                    continue;
                }
                None => {}
            }
            if let Some((c, code)) = Field::from_choice_header(h) {
                layout.choices.push((i, c, code));
                continue;
            }
            if let Some(c) = Field::from_header(h) {
                if !layout.columns.iter().any(|(_, seen)| *seen == c) {
                    layout.columns.push((i, c));
                    continue;
                }
            }
            if !h.trim().is_empty() && !h.trim().eq_ignore_ascii_case("error") {
                // "error" is the column a rejects file adds; importing the corrected file ignores it.
                layout.unknown_headers.push(h.to_string());
            }
        }
        layout
    }

    pub fn has(&self, column: Field) -> bool {
        self.columns.iter().any(|(_, c)| *c == column) || self.choices.iter().any(|(_, c, _)| *c == column)
    }

    /// Required columns the header lacks (organisation and round may come from the command line).
    pub fn missing(&self, org_given: bool, round_given: bool) -> Vec<&'static str> {
        let mut missing = Vec::new();
        if !self.has(Field::Origin) {
            missing.push("origin");
        }
        if !self.has(Field::IntendedDestination) && !self.has(Field::ExploitationPlace) {
            missing.push("intended_destination or exploitation_place");
        }
        if !org_given && !self.has(Field::Organisation) {
            missing.push("organisation (or give --org)");
        }
        if !round_given && !self.has(Field::Round) {
            missing.push("round (or give --round)");
        }
        missing
    }

    fn cell<'r>(&self, record: &'r StringRecord, column: Field) -> &'r str {
        let cell = self.columns.iter().find(|(_, c)| *c == column).and_then(|(i, _)| record.get(*i));
        cell.map_or("", |c| crate::cells::restore(vjt_domain::text::trimmed(c)))
    }

    fn at(record: &StringRecord, i: Option<usize>) -> &str {
        i.and_then(|i| record.get(i)).map_or("", |c| crate::cells::restore(vjt_domain::text::trimmed(c)))
    }

    /// The county each stop's place was in when the file was exported, in travel order (one per
    /// stop of `transit_count` transit points), if the file says; nothing when it has no county
    /// columns.
    pub fn counties(
        &self,
        record: &StringRecord,
        transit_count: usize,
        has_destination: bool,
        has_exploitation: bool,
    ) -> Vec<Option<String>> {
        // A file without county columns (the template, most forms) has nothing to look at: no
        // list per row (a fiftieth of the reading thread's work on a large import).
        if self.counties.iter().all(Option::is_none) {
            return Vec::new();
        }
        let code = |text: &str| Some(text.trim().to_string()).filter(|t| t.starts_with("KE-"));
        let mut out = vec![code(Self::at(record, self.counties[0]))];
        let transit: Vec<&str> = Self::at(record, self.counties[1]).split(';').collect();
        out.extend((0..transit_count).map(|k| transit.get(k).and_then(|t| code(t))));
        if has_destination {
            out.push(code(Self::at(record, self.counties[2])));
        }
        if has_exploitation {
            out.push(code(Self::at(record, self.counties[3])));
        }
        out
    }

    /// The review status an export carried, if any and valid.
    pub fn status(&self, record: &StringRecord) -> Option<vjt_domain::ReviewStatus> {
        vjt_domain::ReviewStatus::find(Self::at(record, self.status))
    }
}

/// What a row needs from outside itself.
pub struct RowContext<'a> {
    pub organisations: &'a NameMap<OrganisationId>,
    pub rounds: &'a NameMap<RoundId>,
    pub default_org: Option<OrganisationId>,
    pub default_round: Option<RoundId>,
    /// KoBo/ODK exports separate select_multiple codes with spaces.
    pub space_separated_choices: bool,
    /// The importer has checked that words flagged as possible names in notes are not names.
    pub names_checked: bool,
}

/// The items of a list cell: `;`-separated (also `,` or `|`). KoBo and ODK separate
/// select_multiple codes with spaces: when the cell has no `;` and its items are not all known,
/// it is read as space-separated instead.
fn items<'r, T: Vocabulary>(cell: &'r str, spaces: bool) -> Vec<Cow<'r, str>> {
    let split = |c: &'r str| -> Vec<Cow<'r, str>> {
        c.split([';', ',', '|']).map(vjt_domain::text::trimmed).filter(|i| !i.is_empty()).map(Cow::Borrowed).collect()
    };
    let items = split(cell);
    if spaces && !cell.contains(';') && items.iter().any(|i| T::find(i).is_none()) {
        let words: Vec<&'r str> = cell.split_whitespace().collect();
        return match labels_in::<T>(&words) {
            Some(found) => found.into_iter().map(Cow::Owned).collect(),
            None => words.into_iter().map(Cow::Borrowed).collect(),
        };
    }
    items
}

/// Space-separated answers given as labels ("Domestic servitude Sexual exploitation", as a
/// KoBo export with labels writes them): the longest run of words that is a known term, then
/// the next. None when some words are no term at all (then each word is reported as it is).
fn labels_in<T: Vocabulary>(words: &[&str]) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < words.len() {
        let end = (at + 1..=words.len()).rev().find(|&end| T::find(&words[at..end].join(" ")).is_some())?;
        out.push(words[at..end].join(" "));
        at = end;
    }
    Some(out)
}

/// Parses one row. `extra_transit` carries transit points from a KoBo/ODK repeat group.
pub fn parse_row(
    layout: &Layout,
    record: &StringRecord,
    row: u64,
    ctx: &RowContext<'_>,
    extra_transit: &[String],
) -> Result<ParsedReport, Vec<CellProblem>> {
    let get = |field| layout.cell(record, field);
    let multi = |field: Field| -> Cow<'_, str> {
        // KoBo's one-column-per-choice layout: every choice column with 1 in it.
        let chosen: Vec<&str> = layout
            .choices
            .iter()
            .filter(|(i, c, _)| {
                *c == field && matches!(record.get(*i).map(str::trim), Some("1" | "1.0" | "true" | "TRUE" | "yes"))
            })
            .map(|(_, _, code)| code.as_str())
            .collect();
        // A file with both (KoBo's "single and separate columns") says the same twice: the
        // choice columns are read, never both together.
        if layout.choices.iter().any(|(_, c, _)| *c == field) {
            Cow::Owned(chosen.join(";"))
        } else {
            Cow::Borrowed(get(field))
        }
    };
    let spaces = ctx.space_separated_choices;
    let (types, sectors, transport, recruitment, relation) = (
        multi(Field::ExploitationTypes),
        multi(Field::Sectors),
        multi(Field::TransportModes),
        multi(Field::RecruitmentMethods),
        multi(Field::RecruiterRelationship),
    );
    let mut problems = Vec::new();
    let transit_cell = get(Field::Transit);
    let mut transit: Vec<Cow<'_, str>> = Vec::new();
    if !transit_cell.is_empty() {
        let parts: Vec<&str> = transit_cell.trim_end_matches(';').split(';').map(str::trim).collect();
        if parts.iter().any(|i| i.is_empty()) {
            problems.push(CellProblem {
                row,
                column: Field::Transit.code().into(),
                value: vjt_domain::text::shown(transit_cell),
                message: Message::new("cell-transit-empty-item"),
            });
        }
        transit.extend(parts.into_iter().filter(|i| !i.is_empty()).map(Cow::Borrowed));
    }
    transit.extend(extra_transit.iter().map(|t| Cow::Borrowed(t.trim())));
    let fields = ReportFields {
        report_id: Cow::Borrowed(get(Field::ReportId)),
        organisation: Cow::Borrowed(get(Field::Organisation)),
        round: Cow::Borrowed(get(Field::Round)),
        origin: Cow::Borrowed(get(Field::Origin)),
        transit,
        intended_destination: Cow::Borrowed(get(Field::IntendedDestination)),
        exploitation_place: Cow::Borrowed(get(Field::ExploitationPlace)),
        exploitation_types: items::<ExploitationType>(&types, spaces),
        sectors: items::<Sector>(&sectors, spaces),
        transport_modes: items::<TransportMode>(&transport, spaces),
        recruitment_methods: items::<RecruitmentMethod>(&recruitment, spaces),
        recruiter_relationship: items::<RecruiterRelationship>(&relation, spaces),
        victims: Cow::Borrowed(get(Field::Victims)),
        female: Cow::Borrowed(get(Field::Female)),
        male: Cow::Borrowed(get(Field::Male)),
        children: Cow::Borrowed(get(Field::Children)),
        adults: Cow::Borrowed(get(Field::Adults)),
        period_start: Cow::Borrowed(get(Field::PeriodStart)),
        period_end: Cow::Borrowed(get(Field::PeriodEnd)),
        source: Cow::Borrowed(get(Field::Source)),
        confidence: Cow::Borrowed(get(Field::Confidence)),
        notes: Cow::Borrowed(get(Field::Notes)),
        names_checked: ctx.names_checked,
    };
    let field_ctx = FieldContext {
        organisations: ctx.organisations,
        rounds: ctx.rounds,
        default_org: ctx.default_org,
        default_round: ctx.default_round,
    };
    match fields.parse(&field_ctx) {
        Ok(parsed) if problems.is_empty() => Ok(parsed),
        Ok(_) => Err(problems),
        Err(more) => {
            problems.extend(more.into_iter().map(|p| CellProblem::of(row, p)));
            Err(problems)
        }
    }
}
