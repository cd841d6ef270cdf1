//! Renderers of one results model: text for a terminal, JSON (the CLI contract) for
//! scripts, Markdown for tickets and wikis. Renderers read only `results` (section
//! titles included) and never compute a status.

pub mod json;
pub mod markdown;
pub mod sanitize;
pub mod text;

use crate::results::FindingOut;

/// One finding as a line, `LOCATION: MESSAGE`, each part passed through the output's
/// own escaping (`location` and `message`).
pub(crate) fn finding_line(
    finding: &FindingOut,
    location: impl Fn(&str) -> String,
    message: impl Fn(&str) -> String,
) -> String {
    let at = finding
        .location
        .as_deref()
        .map(|l| format!("{}: ", location(l)))
        .unwrap_or_default();
    format!("{at}{}", message(&finding.message))
}
