//! The bundled catalog: every checklists/*.toml, compiled into the binary.

use super::ChecklistText;

/// (file name, text) of each bundled checklist, sorted by name.
pub const FILES: &[(&str, &str)] = include!(concat!(env!("OUT_DIR"), "/bundled_checklists.rs"));

/// The bundled checklists as loader input; origins read `bundled:NAME`.
pub fn texts() -> Vec<ChecklistText> {
    FILES
        .iter()
        .map(|(name, text)| ChecklistText {
            origin: format!("bundled:{name}"),
            text: (*text).to_string(),
        })
        .collect()
}
