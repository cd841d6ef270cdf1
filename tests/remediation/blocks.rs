//! The code blocks of the bundled remediations: runs of lines indented by four
//! spaces, a `# PATH` first line naming the file a block is the content of.

use vouch::checklist::{bundled, load_catalog};

/// One code block of a control's remediation.
pub struct Block {
    pub control: String,
    /// The file it is the content of, when its first line names one.
    pub file: Option<String>,
    /// The block's lines without the indentation (and without the file line).
    pub text: String,
}

impl Block {
    pub fn name(&self) -> String {
        match &self.file {
            Some(file) => format!("{} ({file})", self.control),
            None => format!("{} (shell)", self.control),
        }
    }
}

/// Each control's id and remediation.
pub fn remediations() -> Vec<(String, String)> {
    let (catalog, _) = load_catalog(&bundled::texts()).unwrap_or_else(|e| panic!("{e}"));
    catalog
        .controls
        .iter()
        .map(|c| (c.id.clone(), c.remediation.clone()))
        .collect()
}

/// The blocks of one remediation.
pub fn blocks_of(control: &str, remediation: &str) -> Vec<Block> {
    let mut blocks = Vec::new();
    let mut current: Vec<&str> = Vec::new();
    let mut flush = |lines: &mut Vec<&str>| {
        if lines.is_empty() {
            return;
        }
        let file = lines[0]
            .strip_prefix("# ")
            .map(str::trim)
            .filter(|p| !p.contains(' ') && (p.starts_with('/') || p.contains('/') || p.contains('.')));
        let body = if file.is_some() { &lines[1..] } else { &lines[..] };
        blocks.push(Block {
            control: control.to_string(),
            file: file.map(str::to_string),
            text: body.iter().map(|l| format!("{l}\n")).collect(),
        });
        lines.clear();
    };
    for line in remediation.lines() {
        match line.strip_prefix("    ") {
            Some(code) => current.push(code),
            None => flush(&mut current),
        }
    }
    flush(&mut current);
    blocks
}

pub fn all_blocks() -> Vec<Block> {
    remediations()
        .iter()
        .flat_map(|(control, text)| blocks_of(control, text))
        .collect()
}
