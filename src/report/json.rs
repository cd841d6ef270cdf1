//! The `vouch.results/1` JSON document: the results model serialized as it is,
//! pretty-printed, one trailing newline.

use crate::results::ScanResults;

pub fn render(results: &ScanResults) -> Result<String, serde_json::Error> {
    let mut text = serde_json::to_string_pretty(results)?;
    text.push('\n');
    Ok(text)
}
