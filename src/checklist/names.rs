//! Names in checklists: the slug rule for ids, and "did you mean" suggestions
//! for unknown evaluator names.

pub fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
}

/// ", did you mean `x`?" for a near miss among the `known` evaluator names.
pub fn suggestion<'a>(name: &str, known: impl Iterator<Item = &'a str>) -> String {
    let best = known.min_by_key(|known| edit_distance(name, known));
    match best {
        Some(known) if edit_distance(name, known) <= 3 => format!(", did you mean `{known}`?"),
        _ => " (run `vouch checklists list --evaluators` for the list)".to_string(),
    }
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = (prev + usize::from(ca != *cb)).min(row[j] + 1).min(cur + 1);
            prev = cur;
        }
    }
    row[b.len()]
}
