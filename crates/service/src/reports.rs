//! Submitting and editing one report from what a person typed (the web form, the JSON API):
//! who may, the one validation ([`ReportFields::parse`]), the personal-data screen, place
//! resolution with the coordinator's decisions, saving, and the audit log.

use vjt_domain::fields::NameMap;
use vjt_domain::{
    name_key, FieldContext, FieldProblem, Organisation, OrganisationId, ReportFields, ReportRef, Round, RouteReportId,
    StoredReport,
};
use vjt_store::{Store, StoreError};

use crate::policy::{self, Caller};

/// A new report, or the stored report being edited.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    New,
    Edit(RouteReportId),
}

/// Why a report was not saved.
#[derive(Debug)]
pub enum SubmitError {
    /// What the person typed has problems, each naming its field.
    Invalid(Vec<FieldProblem>),
    /// No such report, or not one this caller may change (the two look the same).
    NotFound,
    /// This caller may not submit reports at all.
    Forbidden,
    Store(StoreError),
}

impl From<StoreError> for SubmitError {
    fn from(e: StoreError) -> Self {
        SubmitError::Store(e)
    }
}

/// What was saved, and what the screen took out (so the person can be told).
#[derive(Debug, Clone)]
pub struct Submitted {
    pub id: RouteReportId,
    pub redactions: Vec<(vjt_domain::Field, Vec<vjt_domain::screen::Redacted>)>,
    pub created: bool,
    /// The network's organisations and rounds as the report was checked against them, for
    /// showing the saved report without reading them again.
    pub organisations: Vec<Organisation>,
    pub rounds: Vec<Round>,
}

/// The report `id`, if the caller may see it; otherwise nothing, as if it did not exist.
pub fn visible(store: &Store, caller: &Caller, id: RouteReportId) -> Result<Option<StoredReport>, StoreError> {
    Ok(store.report(id)?.filter(|r| policy::can_see_report(caller, r.report.organisation)))
}

/// A report checked and ready to save, with the stored report it edits.
struct Prepared {
    parsed: vjt_domain::ParsedReport,
    existing: Option<StoredReport>,
    organisations: Vec<Organisation>,
    rounds: Vec<Round>,
}

fn prepare(
    store: &Store,
    caller: &Caller,
    mut fields: ReportFields<'_>,
    target: Target,
) -> Result<Prepared, SubmitError> {
    let existing = match target {
        Target::New if !policy::can_submit(caller) => return Err(SubmitError::Forbidden),
        Target::New => None,
        Target::Edit(id) => {
            let found = visible(store, caller, id)?.filter(|r| policy::can_write_report(caller, r.report.organisation));
            Some(found.ok_or(SubmitError::NotFound)?)
        }
    };
    let (listed_organisations, listed_rounds) = (store.organisations()?, store.rounds()?);
    let organisations: NameMap<OrganisationId> =
        listed_organisations.iter().map(|o| (name_key(o.name.as_str()), o.id)).collect();
    let rounds = listed_rounds.iter().map(|r| (name_key(r.name.as_str()), r.id)).collect();
    let default_org = match &existing {
        Some(stored) => {
            // The organisation and the reference of a stored report are not the form's to change.
            fields.organisation = "".into();
            fields.report_id = stored.report.report_id.as_ref().map(ReportRef::to_string).unwrap_or_default().into();
            stored.report.organisation
        }
        None => {
            if !policy::can_submit_for_others(caller) {
                fields.organisation = "".into();
            }
            caller.organisation
        }
    };
    let ctx = FieldContext {
        organisations: &organisations,
        rounds: &rounds,
        default_org: Some(default_org),
        default_round: None,
    };
    let parsed = fields.parse(&ctx).map_err(SubmitError::Invalid)?;
    Ok(Prepared { parsed, existing, organisations: listed_organisations, rounds: listed_rounds })
}

/// Checks a report without saving it: every problem, each naming its field.
pub fn check(store: &Store, caller: &Caller, fields: ReportFields<'_>, target: Target) -> Result<(), SubmitError> {
    prepare(store, caller, fields, target).map(|_| ())
}

/// Validates, screens, resolves and saves one report for `caller`. A new report belongs to the
/// caller's organisation (the coordinator may name another); an edit keeps the stored report's
/// organisation and reference, and changes that report only, found by its id.
pub fn submit(
    store: &Store,
    caller: &Caller,
    fields: ReportFields<'_>,
    target: Target,
) -> Result<Submitted, SubmitError> {
    let Prepared { mut parsed, existing, organisations, rounds } = prepare(store, caller, fields, target)?;
    if let Some(stored) = &existing {
        parsed.report.set_status(stored.report.status);
    }
    let resolver = crate::places::resolver(store)?;
    resolver.resolve_journey(parsed.report.journey_mut(), Some("KE"));
    let (id, created) = match &existing {
        Some(stored) => {
            store.replace_report_by(
                stored.id,
                &parsed.report,
                &format!("edited by {}", caller.email),
                caller.user_id,
            )?;
            (stored.id, false)
        }
        None => store.save_report_by(&parsed.report, &format!("sent by {}", caller.email), caller.user_id)?,
    };
    Ok(Submitted { id, redactions: parsed.redactions, created, organisations, rounds })
}
