//! The fields of a route report: the one definition that the web form, the JSON API, the
//! spreadsheet template, the importers and the exports follow, and the one place where what a
//! person typed becomes a [`RouteReport`] or a list of problems, each naming its field.

use std::borrow::Cow;
use std::collections::BTreeSet;
use std::num::NonZeroU32;

use vjt_catalogue::{Arg, Message};

use crate::screen::{screen, Redacted};
use crate::text::trimmed;
use crate::vocab::Vocabulary;
use crate::{
    name_key, Confidence, ExploitationType, Journey, KnowledgeSource, Lang, Notes, OrganisationId, Profile,
    RecruiterRelationship, RecruitmentMethod, ReportDraft, ReportRef, ReviewStatus, RoundId, RouteReport, Sector, Stop,
    StopText, TransportMode, YearMonth,
};

/// A field of a route report, in the order forms and templates list them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Field {
    ReportId,
    Organisation,
    Round,
    Origin,
    Transit,
    IntendedDestination,
    ExploitationPlace,
    ExploitationTypes,
    Sectors,
    TransportModes,
    RecruitmentMethods,
    RecruiterRelationship,
    Victims,
    Female,
    Male,
    Children,
    Adults,
    PeriodStart,
    PeriodEnd,
    Source,
    Confidence,
    Notes,
}

/// What kind of value a field takes, which decides how a form shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// A short reference or name.
    Text,
    /// One place, as typed.
    Place,
    /// Several places in travel order.
    Places,
    /// Any number of codes from a vocabulary.
    Choices,
    /// One code from a vocabulary.
    Choice,
    /// A whole number of people.
    Count,
    /// A month, YYYY-MM.
    Month,
    /// Free text about the route.
    Notes,
}

impl Field {
    /// In template order.
    pub const ALL: [Field; 22] = [
        Field::ReportId,
        Field::Organisation,
        Field::Round,
        Field::Origin,
        Field::Transit,
        Field::IntendedDestination,
        Field::ExploitationPlace,
        Field::ExploitationTypes,
        Field::Sectors,
        Field::TransportModes,
        Field::RecruitmentMethods,
        Field::RecruiterRelationship,
        Field::Victims,
        Field::Female,
        Field::Male,
        Field::Children,
        Field::Adults,
        Field::PeriodStart,
        Field::PeriodEnd,
        Field::Source,
        Field::Confidence,
        Field::Notes,
    ];

    /// The stable code: the template's header, the API's and the form's field name.
    pub fn code(self) -> &'static str {
        match self {
            Field::ReportId => "report_id",
            Field::Organisation => "organisation",
            Field::Round => "round",
            Field::Origin => "origin",
            Field::Transit => "transit",
            Field::IntendedDestination => "intended_destination",
            Field::ExploitationPlace => "exploitation_place",
            Field::ExploitationTypes => "exploitation_types",
            Field::Sectors => "sectors",
            Field::TransportModes => "transport_modes",
            Field::RecruitmentMethods => "recruitment_methods",
            Field::RecruiterRelationship => "recruiter_relationship",
            Field::Victims => "victims",
            Field::Female => "female",
            Field::Male => "male",
            Field::Children => "children",
            Field::Adults => "adults",
            Field::PeriodStart => "period_start",
            Field::PeriodEnd => "period_end",
            Field::Source => "source",
            Field::Confidence => "confidence",
            Field::Notes => "notes",
        }
    }

    pub fn from_code(code: &str) -> Option<Field> {
        Field::ALL.into_iter().find(|f| f.code() == code)
    }

    pub fn kind(self) -> FieldKind {
        match self {
            Field::ReportId | Field::Organisation | Field::Round => FieldKind::Text,
            Field::Origin | Field::IntendedDestination | Field::ExploitationPlace => FieldKind::Place,
            Field::Transit => FieldKind::Places,
            Field::ExploitationTypes
            | Field::Sectors
            | Field::TransportModes
            | Field::RecruitmentMethods
            | Field::RecruiterRelationship => FieldKind::Choices,
            Field::Source | Field::Confidence => FieldKind::Choice,
            Field::Victims | Field::Female | Field::Male | Field::Children | Field::Adults => FieldKind::Count,
            Field::PeriodStart | Field::PeriodEnd => FieldKind::Month,
            Field::Notes => FieldKind::Notes,
        }
    }

    /// Whether every report must give it (the end point is required as "one of two").
    pub fn is_required(self) -> bool {
        matches!(self, Field::Origin)
    }

    /// The field's name for people, in a language (the catalogue's `field-…`).
    pub fn label(self, lang: Lang) -> String {
        vjt_catalogue::Catalogue::new(lang).t(&format!("field-{}", self.code()))
    }

    /// The vocabulary codes and labels a choice field offers, in their order.
    pub fn choices(self, lang: Lang) -> Vec<(&'static str, &'static str)> {
        fn of<T: Vocabulary>(lang: Lang) -> Vec<(&'static str, &'static str)> {
            T::all().iter().map(|t| (t.code(), t.label(lang))).collect()
        }
        match self {
            Field::ExploitationTypes => of::<ExploitationType>(lang),
            Field::Sectors => of::<Sector>(lang),
            Field::TransportModes => of::<TransportMode>(lang),
            Field::RecruitmentMethods => of::<RecruitmentMethod>(lang),
            Field::RecruiterRelationship => of::<RecruiterRelationship>(lang),
            Field::Source => of::<KnowledgeSource>(lang),
            Field::Confidence => of::<Confidence>(lang),
            _ => Vec::new(),
        }
    }
}

/// A route report as a person gave it (form, API, spreadsheet row): text as typed, lists of
/// items, nothing parsed yet. Empty text means "not given".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ReportFields<'a> {
    pub report_id: Cow<'a, str>,
    pub organisation: Cow<'a, str>,
    pub round: Cow<'a, str>,
    pub origin: Cow<'a, str>,
    /// One place per item, in travel order.
    pub transit: Vec<Cow<'a, str>>,
    pub intended_destination: Cow<'a, str>,
    pub exploitation_place: Cow<'a, str>,
    /// One code or label per item, English or Kiswahili; likewise the next four.
    pub exploitation_types: Vec<Cow<'a, str>>,
    pub sectors: Vec<Cow<'a, str>>,
    pub transport_modes: Vec<Cow<'a, str>>,
    pub recruitment_methods: Vec<Cow<'a, str>>,
    pub recruiter_relationship: Vec<Cow<'a, str>>,
    /// A whole number, or `<K` for a count its publisher withheld.
    pub victims: Cow<'a, str>,
    pub female: Cow<'a, str>,
    pub male: Cow<'a, str>,
    pub children: Cow<'a, str>,
    pub adults: Cow<'a, str>,
    pub period_start: Cow<'a, str>,
    pub period_end: Cow<'a, str>,
    pub source: Cow<'a, str>,
    pub confidence: Cow<'a, str>,
    pub notes: Cow<'a, str>,
    /// The person has confirmed that the words flagged as possible names in the notes are not
    /// names of people (see [`crate::screen::names_in`]). Not stored.
    pub names_checked: bool,
}

/// Registered names (organisations, rounds) and what they stand for.
pub type NameMap<V> = crate::text::TextMap<V>;

/// What a report's fields need from outside themselves.
pub struct FieldContext<'a> {
    /// Registered organisations and rounds by their name keys ([`name_key`]). They may also
    /// hold each name exactly as registered, which is then found without making the cell's key
    /// (an importer reads a million cells that say the name as registered).
    pub organisations: &'a NameMap<OrganisationId>,
    pub rounds: &'a NameMap<RoundId>,
    /// Used when the organisation or round field is empty (a signed-in reporter's own
    /// organisation; the round chosen for a whole file).
    pub default_org: Option<OrganisationId>,
    pub default_round: Option<RoundId>,
}

/// What is wrong with one field: the value as given and the reason, to be said in a language.
#[derive(Debug, Clone, PartialEq)]
pub struct FieldProblem {
    pub field: Field,
    pub value: String,
    pub message: Message,
}

impl FieldProblem {
    /// The value and the reason in one sentence: "'lots' is not a whole number; …".
    pub fn text(&self, lang: Lang) -> String {
        let reason = self.message.text(lang);
        if self.value.is_empty() {
            reason
        } else {
            format!("'{}' {reason}", self.value)
        }
    }
}

/// A report made from fields, with what the personal-data screen took out of which field.
#[derive(Debug, Clone)]
pub struct ParsedReport {
    pub report: RouteReport,
    pub redactions: Vec<(Field, Vec<Redacted>)>,
}

struct Problems(Vec<FieldProblem>);

impl Problems {
    fn add(&mut self, field: Field, value: &str, message: Message) {
        self.0.push(FieldProblem { field, value: crate::text::shown(value), message });
    }
}

fn vocabulary_word<T: Vocabulary>() -> String {
    format!("vocabulary-{}", T::NAME.replace(' ', "-"))
}

/// The largest number of people one route report may estimate. A network's whole national
/// estimate is in the thousands; a larger number in one report is a slip (an ID or phone number
/// typed into the count), and unreviewed it would change every dashboard at once.
pub const MAX_COUNT: u32 = 100_000;

fn count(p: &mut Problems, field: Field, raw: &str) -> Option<u32> {
    let raw = trimmed(raw);
    if raw.is_empty() {
        return None;
    }
    // A plain number (nearly every cell) is read as it is, without the copy below.
    if let Ok(n) = raw.parse::<u64>() {
        if n <= u64::from(MAX_COUNT) {
            return Some(n as u32);
        }
    }
    // Spreadsheets write "12.0" for 12; thousands are sometimes grouped with commas or spaces.
    let cleaned: String = raw.trim_end_matches(".0").chars().filter(|ch| *ch != ',' && *ch != ' ').collect();
    match cleaned.parse::<u64>() {
        Ok(n) if n > u64::from(MAX_COUNT) => {
            p.add(field, raw, Message::new("cell-count-too-large").with("max", MAX_COUNT));
            None
        }
        Ok(n) => Some(n as u32),
        Err(_) if cleaned.starts_with('-') && cleaned[1..].chars().all(|ch| ch.is_ascii_digit()) => {
            p.add(field, raw, Message::new("cell-count-negative"));
            None
        }
        Err(_) => {
            p.add(field, raw, Message::new("cell-count-not-number"));
            None
        }
    }
}

fn month(p: &mut Problems, field: Field, raw: &str) -> Option<YearMonth> {
    let raw = trimmed(raw);
    if raw.is_empty() {
        return None;
    }
    YearMonth::parse(raw).map_err(|_| p.add(field, raw, Message::new("cell-month"))).ok()
}

fn unknown_choice<T: Vocabulary>(e: &crate::UnknownTerm) -> Message {
    if e.suggestions.is_empty() {
        Message::new("cell-unknown-choice").with_word("vocabulary", vocabulary_word::<T>())
    } else {
        Message::new("cell-unknown-choice-suggest")
            .with_word("vocabulary", vocabulary_word::<T>())
            .with("suggestions", Arg::Text(e.suggestions.join(", ")))
    }
}

fn choices<T: Vocabulary>(p: &mut Problems, field: Field, items: &[Cow<'_, str>]) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    for item in items.iter().map(|i| trimmed(i)).filter(|i| !i.is_empty()) {
        match T::parse(item) {
            Ok(t) => {
                set.insert(t);
            }
            Err(e) => p.add(field, item, unknown_choice::<T>(&e)),
        }
    }
    set
}

fn choice<T: Vocabulary>(p: &mut Problems, field: Field, raw: &str, unknown: T) -> T {
    let raw = trimmed(raw);
    if raw.is_empty() {
        return unknown;
    }
    T::parse(raw).unwrap_or_else(|e| {
        p.add(field, raw, unknown_choice::<T>(&e));
        unknown
    })
}

/// An id made by a machine (a KoBo/ODK submission's UUID, vjt's own `auto-…`): its digits are
/// no phone number, however they fall.
fn generated_id(raw: &str) -> bool {
    // A UUID's groups of digits can look like a phone written with dashes.
    let id = raw.strip_prefix("uuid:").unwrap_or(raw);
    let groups: Vec<&str> = id.split('-').collect();
    let uuid = groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups.iter().all(|g| g.chars().all(|c| c.is_ascii_hexdigit()));
    uuid || (raw.starts_with("auto-") && raw[5..].chars().all(|c| c.is_ascii_hexdigit()))
}

/// A place: screened for personal data, tidied, checked for length.
fn place(p: &mut Problems, field: Field, raw: &str, redactions: &mut Vec<(Field, Vec<Redacted>)>) -> Option<Stop> {
    let raw = trimmed(raw);
    if raw.is_empty() {
        return None;
    }
    // Most places hold nothing to screen: parsed straight from the cell, without a copy first.
    let screened = crate::screen::may_hold_personal(raw).then(|| {
        let (text, found) = screen(raw);
        if !found.is_empty() {
            redactions.push((field, found));
        }
        text
    });
    match StopText::parse(screened.as_deref().unwrap_or(raw)) {
        Ok(t) => Some(Stop::reported(t)),
        Err(e) => {
            p.add(field, raw, Message::new("cell-place-refused").with("reason", e.message()));
            None
        }
    }
}

impl ReportFields<'_> {
    /// The text of a single-valued field.
    pub fn text(&self, field: Field) -> &str {
        match field {
            Field::ReportId => &self.report_id,
            Field::Organisation => &self.organisation,
            Field::Round => &self.round,
            Field::Origin => &self.origin,
            Field::IntendedDestination => &self.intended_destination,
            Field::ExploitationPlace => &self.exploitation_place,
            Field::Victims => &self.victims,
            Field::Female => &self.female,
            Field::Male => &self.male,
            Field::Children => &self.children,
            Field::Adults => &self.adults,
            Field::PeriodStart => &self.period_start,
            Field::PeriodEnd => &self.period_end,
            Field::Source => &self.source,
            Field::Confidence => &self.confidence,
            Field::Notes => &self.notes,
            Field::Transit
            | Field::ExploitationTypes
            | Field::Sectors
            | Field::TransportModes
            | Field::RecruitmentMethods
            | Field::RecruiterRelationship => "",
        }
    }

    /// The items of a list field (transit points, vocabulary choices).
    pub fn items(&self, field: Field) -> &[Cow<'_, str>] {
        match field {
            Field::Transit => &self.transit,
            Field::ExploitationTypes => &self.exploitation_types,
            Field::Sectors => &self.sectors,
            Field::TransportModes => &self.transport_modes,
            Field::RecruitmentMethods => &self.recruitment_methods,
            Field::RecruiterRelationship => &self.recruiter_relationship,
            _ => &[],
        }
    }

    /// Parses every field and checks the rules between them; every problem is returned, each
    /// with its field, not just the first.
    pub fn parse(&self, ctx: &FieldContext<'_>) -> Result<ParsedReport, Vec<FieldProblem>> {
        let mut p = Problems(Vec::new());
        let mut redactions = Vec::new();

        let organisation = match trimmed(&self.organisation) {
            "" => ctx.default_org.or_else(|| {
                p.add(Field::Organisation, "", Message::new("cell-organisation-empty"));
                None
            }),
            name => {
                ctx.organisations.get(name).or_else(|| ctx.organisations.get(&name_key(name))).copied().or_else(|| {
                    p.add(Field::Organisation, name, Message::new("cell-organisation-unknown"));
                    None
                })
            }
        };
        let round = match trimmed(&self.round) {
            "" => ctx.default_round.or_else(|| {
                p.add(Field::Round, "", Message::new("cell-round-empty"));
                None
            }),
            name => ctx.rounds.get(name).or_else(|| ctx.rounds.get(&name_key(name))).copied().or_else(|| {
                p.add(Field::Round, name, Message::new("cell-round-unknown"));
                None
            }),
        };
        let report_id = match trimmed(&self.report_id) {
            "" => None,
            // A reference is an identity: personal data in it is refused, not redacted (a
            // redacted reference would name another report).
            raw if !generated_id(raw) && crate::screen::personal_in_reference(raw) => {
                p.add(Field::ReportId, raw, Message::new("cell-reference-personal"));
                None
            }
            raw => ReportRef::parse(raw)
                .map_err(|e| p.add(Field::ReportId, raw, Message::new("cell-refused").with("reason", e.message())))
                .ok(),
        };

        let origin = place(&mut p, Field::Origin, &self.origin, &mut redactions);
        if trimmed(&self.origin).is_empty() {
            p.add(Field::Origin, "", Message::new("cell-origin-empty"));
        }
        let mut transit = Vec::new();
        for item in &self.transit {
            transit.extend(place(&mut p, Field::Transit, item, &mut redactions));
        }
        let destination = place(&mut p, Field::IntendedDestination, &self.intended_destination, &mut redactions);
        let exploitation = place(&mut p, Field::ExploitationPlace, &self.exploitation_place, &mut redactions);
        if trimmed(&self.intended_destination).is_empty() && trimmed(&self.exploitation_place).is_empty() {
            p.add(Field::IntendedDestination, "", Message::new("cell-end-empty"));
        }

        let exploitation_types =
            choices::<ExploitationType>(&mut p, Field::ExploitationTypes, &self.exploitation_types);
        let sectors = choices::<Sector>(&mut p, Field::Sectors, &self.sectors);
        let transport_modes = choices::<TransportMode>(&mut p, Field::TransportModes, &self.transport_modes);
        let recruitment_methods =
            choices::<RecruitmentMethod>(&mut p, Field::RecruitmentMethods, &self.recruitment_methods);
        let recruiter_relationships =
            choices::<RecruiterRelationship>(&mut p, Field::RecruiterRelationship, &self.recruiter_relationship);

        // 0 people means no estimate was given: a route is reported because people were on it.
        // "<5" is a count its publisher withheld: fewer than five.
        let victims_raw = trimmed(&self.victims);
        let (victims, victims_below) = match victims_raw.strip_prefix('<') {
            Some(bound) => match trimmed(bound).parse::<u32>().ok().and_then(NonZeroU32::new) {
                Some(b) if b.get() > 1 && b.get() <= MAX_COUNT => (None, Some(b)),
                _ => {
                    p.add(Field::Victims, victims_raw, Message::new("cell-withheld-count"));
                    (None, None)
                }
            },
            None => (count(&mut p, Field::Victims, victims_raw).and_then(NonZeroU32::new), None),
        };
        let profile = Profile {
            female: count(&mut p, Field::Female, &self.female),
            male: count(&mut p, Field::Male, &self.male),
            other_gender: None,
            children: count(&mut p, Field::Children, &self.children),
            adults: count(&mut p, Field::Adults, &self.adults),
        };
        let period_start = month(&mut p, Field::PeriodStart, &self.period_start);
        let period_end = month(&mut p, Field::PeriodEnd, &self.period_end);
        let source = choice(&mut p, Field::Source, &self.source, KnowledgeSource::Unknown);
        let confidence = choice(&mut p, Field::Confidence, &self.confidence, Confidence::Unknown);
        let notes = match trimmed(&self.notes) {
            "" => None,
            raw => {
                let (text, found) = screen(raw);
                if !found.is_empty() {
                    redactions.push((Field::Notes, found));
                }
                let names = if self.names_checked { Vec::new() } else { crate::screen::names_in(&text) };
                if !names.is_empty() {
                    let names = crate::text::shown(&names.join(" "));
                    p.add(Field::Notes, raw, Message::new("cell-notes-names").with("names", Arg::Text(names)));
                }
                Notes::parse(&text)
                    .map_err(|e| {
                        p.add(Field::Notes, "", Message::new("cell-notes-refused").with("reason", e.message()))
                    })
                    .ok()
            }
        };

        let (Some(organisation), Some(round), Some(origin)) = (organisation, round, origin) else {
            return Err(p.0);
        };
        if (destination.is_none() && exploitation.is_none()) || !p.0.is_empty() {
            return Err(p.0);
        }
        let journey = match Journey::new(origin, transit, destination, exploitation) {
            Ok(j) => j,
            Err(e) => {
                p.add(Field::Transit, "", e.message());
                return Err(p.0);
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
        RouteReport::new(draft).map(|report| ParsedReport { report, redactions }).map_err(|problems| {
            // Rules between fields name their values in the message itself.
            for problem in problems {
                p.0.push(FieldProblem { field: problem.field, value: String::new(), message: problem.message });
            }
            p.0
        })
    }
}

impl ReportFields<'static> {
    /// The fields of a stored report, as a form shows them for editing. A withheld count is
    /// given back as `<K`, so that saving the form keeps it.
    pub fn of(report: &RouteReport, organisation: &str, round: &str) -> ReportFields<'static> {
        let text = |s: Option<String>| Cow::Owned(s.unwrap_or_default());
        let codes = |set: Vec<&'static str>| set.into_iter().map(Cow::Borrowed).collect::<Vec<_>>();
        let number = |n: Option<u32>| text(n.map(|n| n.to_string()));
        let j = &report.journey;
        ReportFields {
            report_id: text(report.report_id.as_ref().map(ToString::to_string)),
            organisation: Cow::Owned(organisation.to_string()),
            round: Cow::Owned(round.to_string()),
            origin: Cow::Owned(j.origin().text.to_string()),
            transit: j.transit().iter().map(|s| Cow::Owned(s.text.to_string())).collect(),
            intended_destination: text(j.destination().map(|s| s.text.to_string())),
            exploitation_place: text(j.exploitation().map(|s| s.text.to_string())),
            exploitation_types: codes(report.exploitation_types.iter().map(|t| t.code()).collect()),
            sectors: codes(report.sectors.iter().map(|t| t.code()).collect()),
            transport_modes: codes(report.transport_modes.iter().map(|t| t.code()).collect()),
            recruitment_methods: codes(report.recruitment_methods.iter().map(|t| t.code()).collect()),
            recruiter_relationship: codes(report.recruiter_relationships.iter().map(|t| t.code()).collect()),
            victims: match (report.victims, report.victims_below) {
                (Some(n), _) => Cow::Owned(n.to_string()),
                (None, Some(below)) => Cow::Owned(format!("<{below}")),
                (None, None) => Cow::Borrowed(""),
            },
            female: number(report.profile.female),
            male: number(report.profile.male),
            children: number(report.profile.children),
            adults: number(report.profile.adults),
            period_start: text(report.period_start.map(|m| m.to_string())),
            period_end: text(report.period_end.map(|m| m.to_string())),
            source: Cow::Borrowed(if report.source == KnowledgeSource::Unknown { "" } else { report.source.code() }),
            confidence: Cow::Borrowed(if report.confidence == Confidence::Unknown {
                ""
            } else {
                report.confidence.code()
            }),
            notes: text(report.notes.as_ref().map(ToString::to_string)),
            names_checked: false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx<'a>(orgs: &'a NameMap<OrganisationId>, rounds: &'a NameMap<RoundId>) -> FieldContext<'a> {
        FieldContext { organisations: orgs, rounds, default_org: Some(OrganisationId(1)), default_round: None }
    }

    fn maps() -> (NameMap<OrganisationId>, NameMap<RoundId>) {
        (NameMap::default(), [("kenya 2020".to_string(), RoundId(7))].into_iter().collect())
    }

    #[test]
    fn organisations_are_found_as_registered_or_by_their_key() {
        // As an importer builds the map: each name's key, and the name exactly as registered.
        let orgs: NameMap<_> = [
            ("haart kenya".to_string(), OrganisationId(1)),
            ("HAART Kenya".to_string(), OrganisationId(1)),
            ("candle of hope".to_string(), OrganisationId(2)),
        ]
        .into_iter()
        .collect();
        let (_, rounds) = maps();
        let ctx = FieldContext { organisations: &orgs, rounds: &rounds, default_org: None, default_round: None };
        let found = |org: &str, round: &str| {
            let fields = ReportFields {
                organisation: org.into(),
                round: round.into(),
                origin: "Kisumu".into(),
                intended_destination: "Nairobi".into(),
                ..Default::default()
            };
            fields
                .parse(&ctx)
                .map(|p| (p.report.organisation, p.report.round))
                .map_err(|e| e.into_iter().map(|p| p.field).collect::<Vec<_>>())
        };
        assert_eq!(found("HAART Kenya", "Kenya 2020"), Ok((OrganisationId(1), RoundId(7))));
        assert_eq!(found("  haart   KENYA ", "KENYA  2020"), Ok((OrganisationId(1), RoundId(7))));
        assert_eq!(found("Candle of Hope", "kenya 2020"), Ok((OrganisationId(2), RoundId(7))));
        assert_eq!(found("HAART", "Kenya 2021"), Err(vec![Field::Organisation, Field::Round]));
    }

    #[test]
    fn every_problem_names_its_field_in_either_language() {
        let (orgs, rounds) = maps();
        let fields = ReportFields {
            round: "Kenya 2020".into(),
            victims: "lots".into(),
            period_start: "2020-13".into(),
            exploitation_types: vec!["forced labor".into(), "exploitaton".into()],
            ..Default::default()
        };
        let problems = fields.parse(&ctx(&orgs, &rounds)).unwrap_err();
        let named: Vec<Field> = problems.iter().map(|p| p.field).collect();
        assert!(named.contains(&Field::Origin) && named.contains(&Field::IntendedDestination), "{named:?}");
        assert!(named.contains(&Field::Victims) && named.contains(&Field::PeriodStart), "{named:?}");
        assert_eq!(named.iter().filter(|f| **f == Field::ExploitationTypes).count(), 1, "only the unknown item");
        let victims = problems.iter().find(|p| p.field == Field::Victims).unwrap();
        assert_eq!(
            victims.text(Lang::En),
            "'lots' is not a whole number; give a number such as 12, or leave it empty if unknown"
        );
        assert!(victims.text(Lang::Sw).starts_with("'lots' si namba kamili"), "{}", victims.text(Lang::Sw));
    }

    #[test]
    fn counts_past_the_maximum_are_refused_and_long_values_are_not_echoed_whole() {
        let (orgs, rounds) = maps();
        let fields = ReportFields {
            round: "Kenya 2020".into(),
            origin: "Kakamega".into(),
            intended_destination: "Nairobi".into(),
            victims: "4294967295".into(),
            female: "100001".into(),
            male: "100000".into(),
            notes: "n".into(),
            ..Default::default()
        };
        let problems = fields.parse(&ctx(&orgs, &rounds)).unwrap_err();
        let refused: Vec<(Field, &str)> = problems.iter().map(|p| (p.field, p.message.key)).collect();
        assert_eq!(
            refused,
            [(Field::Victims, "cell-count-too-large"), (Field::Female, "cell-count-too-large")],
            "the maximum itself is allowed"
        );
        assert!(problems[0].text(Lang::En).contains("100000"), "{}", problems[0].text(Lang::En));
        let huge = ReportFields { victims: "<99999999".into(), origin: "\u{1b}[2J".repeat(10_000).into(), ..fields };
        let problems = huge.parse(&ctx(&orgs, &rounds)).unwrap_err();
        assert!(problems.iter().any(|p| p.field == Field::Victims), "a withheld bound past the maximum is refused");
        let origin = problems.iter().find(|p| p.field == Field::Origin).unwrap();
        assert!(origin.value.chars().count() <= crate::text::SHOWN_CHARS + 1 && !origin.value.contains('\u{1b}'));
    }

    #[test]
    fn a_good_report_parses_and_gives_its_fields_back() {
        let (orgs, rounds) = maps();
        let fields = ReportFields {
            round: "kenya 2020".into(),
            origin: "Kakamega".into(),
            transit: vec!["Busia".into(), "Nakuru".into()],
            intended_destination: "Nairobi".into(),
            exploitation_types: vec!["Utumwa wa kazi za nyumbani".into()],
            victims: "<5".into(),
            notes: "call 0722 123 456".into(),
            ..Default::default()
        };
        let parsed = fields.parse(&ctx(&orgs, &rounds)).unwrap();
        assert_eq!(parsed.report.round, RoundId(7));
        assert_eq!(parsed.report.journey.transit().len(), 2);
        assert_eq!(parsed.redactions, [(Field::Notes, vec![Redacted::Phone])]);
        let back = ReportFields::of(&parsed.report, "", "kenya 2020");
        assert_eq!(back.victims, "<5", "a withheld count survives an edit");
        assert_eq!(back.exploitation_types, ["domestic_servitude"]);
        assert_eq!(back.transit, ["Busia", "Nakuru"]);
        assert_eq!(back.parse(&ctx(&orgs, &rounds)).unwrap().report, parsed.report);
    }

    #[test]
    fn a_reference_with_personal_data_is_refused_and_machine_ids_are_not() {
        let (orgs, rounds) = maps();
        let with = |reference: &str| ReportFields {
            report_id: reference.to_string().into(),
            round: "kenya 2020".into(),
            origin: "Kakamega".into(),
            intended_destination: "Nairobi".into(),
            ..Default::default()
        };
        let refused = with("Jane Wanjiru 0712345678 jane.doe@example.org").parse(&ctx(&orgs, &rounds)).unwrap_err();
        assert_eq!(refused[0].field, Field::ReportId);
        assert!(refused[0].text(Lang::En).contains("personal data"), "{}", refused[0].text(Lang::En));
        for machine in [
            "uuid:12345678-1234-4321-8765-123456789012",
            "12345678-9abc-def0-1234-567890123456",
            "auto-0123456789abcdef",
        ] {
            assert!(with(machine).parse(&ctx(&orgs, &rounds)).is_ok(), "{machine}");
        }
        assert!(with("HAART-2020-0042").parse(&ctx(&orgs, &rounds)).is_ok(), "a case reference");
    }

    #[test]
    fn every_field_has_a_label_in_both_languages() {
        for f in Field::ALL {
            assert_eq!(Field::from_code(f.code()), Some(f));
            let (en, sw) = (f.label(Lang::En), f.label(Lang::Sw));
            assert!(!en.starts_with("field-") && !sw.starts_with("field-"), "{}", f.code());
        }
    }
}
