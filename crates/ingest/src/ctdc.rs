//! CTDC victim-level data → one route per record (arrives with its own commit).

use vjt_gazetteer::Resolver;
use vjt_store::Store;

use crate::import::{FileReport, ImportError, ImportOptions};
use crate::source::Table;

pub fn import(
    _store: &mut Store,
    _resolver: &Resolver<'_>,
    table: Table,
    _options: &ImportOptions,
    _progress: &mut dyn FnMut(u64, u64),
) -> Result<FileReport, ImportError> {
    Err(ImportError::Unsupported {
        file: table.file,
        reason: "CTDC files are recognised but not importable yet".into(),
    })
}
