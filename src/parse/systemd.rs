//! systemd units and their enablement: unit-file parsing (`[Section]`, `Key=Value`,
//! `#`/`;` comments, `\` continuation), the enable links `systemctl enable` makes under
//! /etc/systemd/system/*.wants/, masks, and finding a unit's file along the system
//! unit path.

use crate::evidence::{FileKind, FileState, Source};
use crate::parse::text::{basename, dirname, line_number, read_text};
use std::sync::Arc;

/// Where system units live, in systemd's order of precedence.
pub const SYSTEM_UNIT_DIRS: &[&str] = &["/etc/systemd/system", "/lib/systemd/system", "/usr/lib/systemd/system"];
/// Every enable link (`WantedBy=` targets).
pub const WANTS_GLOB: &str = "/etc/systemd/system/*.wants/*";
/// Where `systemctl mask` writes: an entry here overrides the packaged unit file.
pub const ETC_UNIT_DIR: &str = "/etc/systemd/system";
/// The services an administrator installed (an app's own unit lives here).
pub const ETC_SERVICES: &str = "/etc/systemd/system/*.service";

/// One `Key=Value` of a unit file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub section: String,
    pub key: String,
    pub value: String,
    /// 1-based line where the directive starts.
    pub line: u32,
}

/// Parse a unit file into its directives, in order.
pub fn parse_unit(text: &str) -> Vec<Directive> {
    let mut out = Vec::new();
    let mut section = String::new();
    let mut pending: Option<(u32, String)> = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim();
        if pending.is_none() && (line.starts_with(['#', ';']) || line.is_empty()) {
            continue;
        }
        let (start, mut buf) = pending.take().unwrap_or((line_number(index), String::new()));
        if let Some(head) = line.strip_suffix('\\') {
            buf.push_str(head);
            buf.push(' ');
            pending = Some((start, buf));
            continue;
        }
        buf.push_str(line);
        if let Some(name) = buf.strip_prefix('[').and_then(|b| b.strip_suffix(']')) {
            section = name.to_string();
        } else if let Some((key, value)) = buf.split_once('=') {
            let (key, value) = (key.trim().to_string(), value.trim().to_string());
            out.push(Directive {
                section: section.clone(),
                key,
                value,
                line: start,
            });
        }
    }
    out
}

/// The directives `[section] key=` of a parsed unit.
pub fn values<'a>(
    directives: &'a [Directive],
    section: &'a str,
    key: &'a str,
) -> impl Iterator<Item = &'a Directive> + 'a {
    directives.iter().filter(move |d| d.section == section && d.key == key)
}

/// The program and arguments of an `Exec*=` value, without its `-@:+!` prefixes.
pub fn exec_command(value: &str) -> &str {
    value.trim_start_matches(['-', '@', ':', '+', '!']).trim()
}

/// A link under a `.wants/` directory: the unit is enabled for that target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnableLink {
    /// The link's path, e.g. /etc/systemd/system/multi-user.target.wants/x.service.
    pub path: String,
    /// The unit's file name, e.g. x.service.
    pub unit: String,
    /// The target that wants it, e.g. multi-user.target.
    pub target: String,
}

/// Every enable link whose unit is not known to be missing (a dangling link enables
/// nothing).
pub fn enable_links(source: &dyn Source) -> Vec<EnableLink> {
    all_enable_links(source)
        .into_iter()
        .filter(|link| source.read(&link.path) != FileState::Missing)
        .collect()
}

/// Every link under a `.wants/` directory, dangling or not.
pub fn all_enable_links(source: &dyn Source) -> Vec<EnableLink> {
    source
        .glob(WANTS_GLOB)
        .paths
        .into_iter()
        .map(|path| {
            let unit = basename(&path).to_string();
            let dir = path.strip_suffix(&format!("/{unit}")).unwrap_or(&path);
            let target = basename(dir).trim_end_matches(".wants").to_string();
            EnableLink { path, unit, target }
        })
        .collect()
}

/// Where a symlink points, when its metadata was collected.
pub fn link_target(source: &dyn Source, path: &str) -> Option<String> {
    source.meta(path).and_then(|meta| meta.link)
}

/// Whether the symlink at `path` pointing to `target` resolves to /dev/null.
fn is_dev_null(path: &str, target: &str) -> bool {
    crate::evidence::normalize_path(&crate::evidence::resolve_relative(dirname(path), target)) == "/dev/null"
}

/// What masks a unit: its file under /etc/systemd/system.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Mask {
    pub path: String,
    /// `/etc/systemd/system/x.service -> /dev/null`, or `... is an empty file`.
    pub how: String,
}

/// Whether the entry at `path` masks what it names: systemd's "null or empty" rule
/// takes a symlink to /dev/null or an empty file as a mask.
pub fn masked_at(source: &dyn Source, path: &str) -> Option<Mask> {
    let meta = source.meta(path);
    let how = match (&meta, source.read(path)) {
        (Some(meta), _) if meta.link.as_deref().is_some_and(|to| is_dev_null(path, to)) => {
            format!("{path} -> {}", meta.link.as_deref().unwrap_or_default())
        }
        (Some(meta), _) if meta.kind == FileKind::File && meta.size == 0 => format!("{path} is an empty file"),
        (_, FileState::Text(text)) if text.is_empty() => format!("{path} is an empty file"),
        _ => return None,
    };
    Some(Mask {
        path: path.to_string(),
        how,
    })
}

/// The mask of unit `name` (`systemctl mask` writes it to /etc/systemd/system,
/// which comes first on the unit path), if any.
pub fn unit_mask(source: &dyn Source, name: &str) -> Option<Mask> {
    masked_at(source, &format!("{ETC_UNIT_DIR}/{name}"))
}

/// A unit's name without its type suffix and template instance: `restic@x.timer` → `restic`.
pub fn unit_stem(unit: &str) -> &str {
    let stem = unit.rsplit_once('.').map_or(unit, |(stem, _)| stem);
    stem.split('@').next().unwrap_or(stem)
}

/// A unit file's path and text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnitFile {
    pub path: String,
    pub text: Arc<str>,
}

/// Find the file of unit `name` along the unit path (falling back to the template
/// `prefix@.type` for an instance), then through the enable link itself if given.
pub fn unit_file(source: &dyn Source, name: &str, link: Option<&str>) -> Option<UnitFile> {
    let template = template_of(name);
    let candidates = SYSTEM_UNIT_DIRS
        .iter()
        .flat_map(|dir| {
            let exact = format!("{dir}/{name}");
            let template = template.as_ref().map(|t| format!("{dir}/{t}"));
            std::iter::once(exact).chain(template)
        })
        .chain(link.map(str::to_string));
    candidates
        .into_iter()
        .find_map(|path| read_text(source, &path).ok().map(|text| UnitFile { path, text }))
}

fn template_of(name: &str) -> Option<String> {
    let (prefix, rest) = name.split_once('@')?;
    let (_, suffix) = rest.rsplit_once('.')?;
    (!rest.starts_with('.')).then(|| format!("{prefix}@.{suffix}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_sections_comments_and_continuations() {
        let unit =
            "[Unit]\nDescription=x\n# ExecStart=/bin/no\n[Service]\nExecStart=/usr/bin/restic \\\n  backup /srv\n";
        let parsed = parse_unit(unit);
        let exec: Vec<_> = values(&parsed, "Service", "ExecStart").collect();
        assert_eq!(exec.len(), 1);
        assert_eq!(exec[0].value, "/usr/bin/restic  backup /srv");
        assert_eq!(exec[0].line, 5);
    }

    #[test]
    fn stems_and_templates() {
        assert_eq!(unit_stem("restic@daily.timer"), "restic");
        assert_eq!(
            unit_stem("prometheus-node-exporter.service"),
            "prometheus-node-exporter"
        );
        assert_eq!(template_of("restic@daily.timer").as_deref(), Some("restic@.timer"));
        assert_eq!(template_of("restic@.timer"), None);
        assert_eq!(exec_command("-/usr/bin/borg create"), "/usr/bin/borg create");
    }
}
