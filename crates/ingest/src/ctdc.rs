//! CTDC (Counter Trafficking Data Collaborative) victim-level data → one route per record, with one
//! victim. Two layouts are read: the 2022 victim–perpetrator synthetic file (UN regions, `;`-joined
//! multi-values, blanks for missing) and the 2020 global dataset (ISO alpha-2 codes, `-99` for
//! missing, a terms-of-use sentence as its first header cell).
//!
//! Mapping: citizenship (or its UN region) → origin; country of exploitation (or its region) →
//! place of exploitation; registration year or year band → period; gender and minor/adult →
//! profile counts; exploitation flags → exploitation types; recruiter relation → relationship.
//! CTDC's relation categories are coarser than vjt's and map one to one: FamilyIntimatePartner →
//! family, FriendAcquaintance → friend, StrangerUnknownOther → stranger.

use std::collections::BTreeSet;
use std::num::NonZeroU32;

use csv::StringRecord;
use vjt_domain::{
    Confidence, ExploitationType, Journey, KnowledgeSource, PlaceId, Profile, RecruiterRelationship, RecruitmentMethod,
    ReportDraft, ReportRef, ReviewStatus, RouteReport, Sector, Stop, StopText, YearMonth,
};
use vjt_gazetteer::{Context, Gazetteer, Resolver};
use vjt_store::Store;

use crate::import::{finish, required_org_round, FileReport, Format, ImportError, ImportOptions};
use crate::rows::CellProblem;
use crate::source::Table;

/// Text standing for a place CTDC did not record.
pub const NOT_RECORDED: &str = "unknown";

struct Columns {
    header: Vec<String>,
}

impl Columns {
    fn get<'r>(&self, record: &'r StringRecord, name: &str) -> &'r str {
        self.header.iter().position(|h| h.eq_ignore_ascii_case(name)).and_then(|i| record.get(i)).map_or("", str::trim)
    }
    fn has(&self, name: &str) -> bool {
        self.header.iter().any(|h| h.eq_ignore_ascii_case(name))
    }
}

fn missing(value: &str) -> bool {
    matches!(value, "" | "-99" | "NULL" | "NA")
}

fn flag(value: &str) -> bool {
    matches!(value, "1" | "1.0" | "true" | "True")
}

/// "2005-2013" → (2005, 2013); "2019" → (2019, 2019).
fn year_band(value: &str) -> Option<(YearMonth, YearMonth)> {
    let (a, b) = value.split_once('-').unwrap_or((value, value));
    let (a, b): (u16, u16) = (a.trim().parse().ok()?, b.trim().parse().ok()?);
    Some((YearMonth::new(a, 1)?, YearMonth::new(b, 12)?))
}

/// A place from a country code (alpha-2 or alpha-3) or a region name, keeping the text as given.
fn place(g: &Gazetteer, resolver: &Resolver<'_>, value: &str) -> Stop {
    if missing(value) || value == "0" {
        return Stop::reported(StopText::parse(NOT_RECORDED).expect("fixed text"));
    }
    let text = StopText::parse(value).unwrap_or_else(|_| StopText::parse(NOT_RECORDED).expect("fixed text"));
    let by_code = match value.len() {
        2 => g.country_by_iso2(value),
        3 => g.places().find(|(_, p)| p.iso3.as_deref() == Some(value)).map(|(ix, _)| ix),
        _ => None,
    };
    let ix = by_code.or_else(|| resolver.resolve(value, &Context::default()).resolved());
    Stop { text, place: ix.map(|ix| PlaceId(g.place(ix).id.clone())), arrived_by: BTreeSet::new() }
}

fn relation(code: &str) -> Option<RecruiterRelationship> {
    Some(match code.trim() {
        "FamilyIntimatePartner" => RecruiterRelationship::Family,
        "FriendAcquaintance" => RecruiterRelationship::Friend,
        "StrangerUnknownOther" => RecruiterRelationship::Stranger,
        other => return other.parse().ok(),
    })
}

pub fn import(
    store: &Store,
    resolver: &Resolver<'_>,
    table: Table,
    options: &ImportOptions,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<FileReport, ImportError> {
    let (organisation, round) = required_org_round(&table.file, "CTDC", options)?;
    let g = resolver.gazetteer();
    let cols = Columns { header: table.header.iter().map(str::to_string).collect() };
    let file = table.file.clone();
    let total = table.estimated_rows;
    let mut report = FileReport {
        file: file.clone(),
        format: Some(Format::Ctdc),
        encoding: table.encoding.into(),
        ..Default::default()
    };
    let mut writer = store.begin_import(&file)?;
    for item in table {
        let (row, record) = item?;
        report.rows_read += 1;
        if report.rows_read.is_multiple_of(2048) {
            progress(report.rows_read, total);
        }
        let (period_start, period_end) =
            match (cols.get(&record, "yearRegister"), cols.get(&record, "yearOfRegistration")) {
                (band, _) if !missing(band) => year_band(band).map_or((None, None), |(a, b)| (Some(a), Some(b))),
                (_, year) if !missing(year) => year_band(year).map_or((None, None), |(a, b)| (Some(a), Some(b))),
                _ => (None, None),
            };
        let gender = cols.get(&record, "gender");
        let majority = cols.get(&record, "majorityStatus");
        let profile = Profile {
            female: match gender {
                "Female" => Some(1),
                "Male" => Some(0),
                _ => None,
            },
            male: match gender {
                "Male" => Some(1),
                "Female" => Some(0),
                _ => None,
            },
            other_gender: if gender.starts_with("Trans") { Some(1) } else { None },
            children: match majority {
                "Minor" => Some(1),
                "Adult" => Some(0),
                _ => None,
            },
            adults: match majority {
                "Adult" => Some(1),
                "Minor" => Some(0),
                _ => None,
            },
        };
        let mut types = BTreeSet::new();
        for (column, t) in [
            ("isForcedLabour", ExploitationType::ForcedLabour),
            ("isSexualExploit", ExploitationType::SexualExploitation),
            ("isForcedMarriage", ExploitationType::ForcedMarriage),
            ("isForcedMilitary", ExploitationType::ForcedMilitary),
            ("isOrganRemoval", ExploitationType::OrganRemoval),
            ("isOtherExploit", ExploitationType::Other),
        ] {
            if flag(cols.get(&record, column)) {
                types.insert(t);
            }
        }
        let mut sectors = BTreeSet::new();
        for (column, s) in [
            ("typeOfLabourAgriculture", Sector::Agriculture),
            ("typeOfLabourConstruction", Sector::Construction),
            ("typeOfLabourDomesticWork", Sector::Households),
            ("typeOfLabourHospitality", Sector::Hospitality),
            ("typeOfLabourManufacturing", Sector::Manufacturing),
            ("typeOfLabourMiningOrDrilling", Sector::Mining),
            ("typeOfLabourTransportation", Sector::Transport),
            ("typeOfLabourPeddling", Sector::Trade),
        ] {
            if flag(cols.get(&record, column)) {
                sectors.insert(s);
            }
        }
        let mut relationships = BTreeSet::new();
        let joined = cols.get(&record, "IP_Relation");
        if !missing(joined) {
            relationships.extend(joined.split(';').filter_map(relation));
        }
        for (column, r) in [
            ("recruiterRelationIntimatePartner", RecruiterRelationship::IntimatePartner),
            ("recruiterRelationFriend", RecruiterRelationship::Friend),
            ("recruiterRelationFamily", RecruiterRelationship::Family),
            ("recruiterRelationOther", RecruiterRelationship::Other),
            ("recruiterRelationUnknown", RecruiterRelationship::Unknown),
        ] {
            if flag(cols.get(&record, column)) {
                relationships.insert(r);
            }
        }
        let mut recruitment = BTreeSet::new();
        if flag(cols.get(&record, "isAbduction")) {
            recruitment.insert(RecruitmentMethod::Abduction);
        }
        let origin_value = if cols.has("UN_COO_Region") {
            cols.get(&record, "UN_COO_Region")
        } else {
            cols.get(&record, "citizenship")
        };
        let exploit_value = if cols.has("UN_COE_Region") {
            cols.get(&record, "UN_COE_Region")
        } else {
            cols.get(&record, "CountryOfExploitation")
        };
        let journey =
            Journey::new(place(g, resolver, origin_value), vec![], None, Some(place(g, resolver, exploit_value)))
                .expect("an exploitation place is always set");
        let draft = ReportDraft {
            organisation,
            round,
            report_id: ReportRef::parse(&format!("ctdc-{row}")).ok(),
            journey,
            exploitation_types: types,
            sectors,
            transport_modes: BTreeSet::new(),
            recruitment_methods: recruitment,
            recruiter_relationships: relationships,
            victims: NonZeroU32::new(1),
            victims_below: None,
            profile,
            period_start,
            period_end,
            source: KnowledgeSource::SurvivorCase,
            confidence: Confidence::Unknown,
            notes: None,
            status: ReviewStatus::Submitted,
        };
        match RouteReport::new(draft) {
            Ok(r) => report.count(writer.save(&r)?),
            Err(problems) => {
                report.rejected += 1;
                for p in problems.into_iter().take(1) {
                    report.problems.push(CellProblem {
                        row,
                        column: p.field.code().into(),
                        value: String::new(),
                        message: p.message,
                    });
                }
            }
        }
    }
    progress(report.rows_read, report.rows_read);
    finish(writer, &mut report, options)?;
    Ok(report)
}
