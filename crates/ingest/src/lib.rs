//! vjt's doors in and out: importers for the vjt template (CSV/XLSX), KoBoToolbox and ODK exports,
//! CTDC and UNODC data, and exporters back to the template layout. Every problem is reported with
//! file, row, column, value and a plain reason; nothing valid is lost and nothing is duplicated.

pub mod cells;
pub mod columns;
pub mod ctdc;
pub mod export;
pub mod form;

pub mod import;
pub mod rows;
pub mod source;
pub mod template;
pub mod unodc;

pub use export::{export, export_with, ExportError, ExportFormat};
pub use import::{detect, import_file, open_inputs, FileReport, Format, ImportError, ImportOptions};
pub use rows::CellProblem;
