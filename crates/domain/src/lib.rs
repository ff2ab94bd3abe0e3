//! vjt's domain: the route report and everything it is made of. Pure: no files, no network, no clock.
//!
//! Types here are parsed, not validated: a value of `RouteReport`, `Journey` or `StopText` is valid
//! by construction, so code further in never re-checks.

/// Says an error through the catalogue: `Display` in English (the command line, logs), any
/// language through the type's `message()`.
macro_rules! says {
    ($t:ty) => {
        impl std::fmt::Display for $t {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(&self.message().text(vjt_catalogue::Lang::En))
            }
        }
        impl std::error::Error for $t {}
    };
}
pub(crate) use says;

pub mod fields;
pub mod flat;
pub mod names;
pub mod organisation;
pub mod report;
pub mod screen;
pub mod text;
pub mod vocab;

pub use fields::{Field, FieldContext, FieldKind, FieldProblem, ParsedReport, ReportFields, MAX_COUNT};
pub use vjt_catalogue::{Arg, Catalogue, Message};

pub use names::{name_key, CountryCode, Notes, OrganisationName, ReportRef, RoundName, StopText, TextError};
pub use organisation::{
    parse_date, DateError, DateSpan, NewOrganisation, NewRound, Organisation, OrganisationId, Round, RoundId,
};
pub use report::{
    Journey, JourneyError, PlaceId, Profile, ReportDraft, ReportProblem, RouteReport, RouteReportId, Stop,
    StoredReport, YearMonth,
};
pub use vocab::{
    Confidence, ExploitationType, KnowledgeSource, Lang, OrganisationKind, RecruiterRelationship, RecruitmentMethod,
    ReviewStatus, Role, Sector, StopRole, TransportMode, UnknownTerm, Vocabulary,
};
