//! YAML as vouch reads a repository's CI and tool files: serde-saphyr (pure Rust)
//! with a budget — at most 1 MiB, 200,000 parser events, 1,000 anchors and
//! aliases, 100,000 events replayed through aliases — so a billion-laughs file or
//! a deep nesting ends with a reason, not after minutes. Duplicate keys are
//! refused, as GitHub refuses them.

use serde::de::DeserializeOwned;

/// The largest YAML file read.
pub const CAP: usize = 1 << 20;

/// Deserialize `text`; the error is one line.
pub fn from_str<T: DeserializeOwned>(text: &str) -> Result<T, String> {
    if text.len() > CAP {
        return Err(format!(
            "{} bytes of YAML, over the {} KiB vouch reads: refused unread",
            text.len(),
            CAP >> 10
        ));
    }
    let mut budget = serde_saphyr::Budget::default();
    budget.max_events = 200_000;
    budget.max_aliases = 1_000;
    budget.max_anchors = 1_000;
    let mut aliases = serde_saphyr::options::AliasLimits::default();
    aliases.max_total_replayed_events = 100_000;
    let mut options = serde_saphyr::Options::default();
    options.budget = Some(budget);
    options.alias_limits = aliases;
    options.with_snippet = false;
    serde_saphyr::from_str_with_options(text, options).map_err(|e| {
        let text = e.to_string();
        text.lines().next().unwrap_or("not YAML").trim().to_string()
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    type Doc = BTreeMap<String, serde_json::Value>;

    #[test]
    fn a_billion_laughs_is_refused_quickly() {
        let mut text = String::from("a0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            text.push_str(&format!("a{i}: &a{i} [{}]\n", vec![prev; 9].join(", ")));
        }
        let refused = from_str::<Doc>(&text);
        assert!(refused.is_err(), "expanded a billion laughs");
    }

    #[test]
    fn big_files_and_duplicate_keys_are_refused() {
        let big = "a: b\n".repeat(CAP / 4);
        assert!(from_str::<Doc>(&big).is_err_and(|e| e.contains("refused unread")));
        assert!(from_str::<Doc>("a: 1\na: 2\n").is_err());
        assert!(from_str::<Doc>("on: push\njobs: {}\n").is_ok());
    }
}
