//! What the command line and the web server both do, written once: accounts and sign-in, who
//! may see and do what ([`policy`]), submitting and editing a report from what a person typed
//! ([`reports`]), the resolver with the coordinator's place decisions ([`places`]), and the
//! figures a caller may see ([`figures`]). No HTTP and no terminal here: `web` and `cli` are
//! thin shells around these functions.

pub mod accounts;
pub mod figures;
pub mod live;
pub mod places;
pub mod policy;
pub mod releases;
pub mod reports;

pub use policy::{Caller, Scope};
