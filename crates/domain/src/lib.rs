//! vjt's domain: the route report and everything it is made of. Pure: no files, no network, no clock.
//!
//! Types here are parsed, not validated: a value of `RouteReport`, `Journey` or `StopText` is valid
//! by construction, so code further in never re-checks.

pub mod flat;
pub mod names;
pub mod organisation;
pub mod report;
pub mod text;
pub mod vocab;

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
