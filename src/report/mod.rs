//! Renderers of one results model: text for a terminal, JSON (spec/cli.md) for
//! scripts, Markdown for tickets and wikis. Renderers never compute a status.

pub mod json;
pub mod markdown;
pub mod sanitize;
pub mod text;

use crate::checklist::Catalog;
use crate::results::ScanResults;

/// What every renderer receives: the results and the catalog they came from.
pub struct ReportInput<'a> {
    pub results: &'a ScanResults,
    pub catalog: &'a Catalog,
}
