//! vjt's pictures and publication: SVG maps and charts drawn by vjt from the shipped boundaries,
//! and the report as one self-contained HTML file (and a PDF), in English or Kiswahili, with small
//! numbers hidden. No network is used: no tiles, no fonts, no scripts.

pub mod catalogue;
pub mod charts;
pub mod figure;
pub mod geo;
pub mod labels;
pub mod maps;
pub mod pdf;
pub mod report;
pub mod svg;

pub use catalogue::{Catalogue, Disclosure};
pub use report::{html, organisation_kinds, pdf, ReportInput};
