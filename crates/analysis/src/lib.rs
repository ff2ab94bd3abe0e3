//! vjt's analysis engine. Pure: it takes a [`Dataset`] (built from flat store records by
//! [`Builder`]) and a [`Filter`], and returns an [`Analysis`], the document `vjt analyze --json`
//! prints. What it computes and why is documented in docs/analysis-json.md and docs/risk-index.md.

pub mod dataset;
pub mod duplicates;
mod engine;
mod fasthash;
pub mod output;
pub mod risk;
pub mod snapshot;
pub mod tally;

pub use dataset::{
    assemble, BuildError, Builder, Dataset, Filter, OrganisationInfo, PlaceTable, ReportSink, RoundInfo, StopSink,
};
pub use duplicates::{cluster_key, Decision};
pub use engine::{analyze, Options};
pub use output::Analysis;
pub use risk::RiskWeights;
pub use tally::Tally;
