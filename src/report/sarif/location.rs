//! Where a SARIF result is: a target path made a URI relative to the target's root
//! (`TARGET_ROOT`), the line from a finding's `path:line`, and what that base id
//! stands for.

use crate::evidence::record::EvidenceKind;
use crate::results::{ControlResult, FindingOut, HostResult};
use serde_json::{json, Value};

pub(super) const ROOT_ID: &str = "TARGET_ROOT";

/// Where a finding is: its own `path:line`, else the first file its control read,
/// else the target as a whole.
pub(super) fn location(host: &HostResult, control: &ControlResult, finding: &FindingOut) -> Value {
    let place = finding.location.as_deref().map(split_line).or_else(|| {
        control
            .evidence
            .iter()
            .filter_map(|id| host.evidence.iter().find(|r| r.id() == id))
            .find(|r| {
                matches!(
                    r.kind(),
                    EvidenceKind::File | EvidenceKind::Listing | EvidenceKind::Metadata
                )
            })
            .map(|r| (r.source(), Some(1)))
    });
    match place {
        Some((path, line)) => json!({
            "physicalLocation": {
                "artifactLocation": {"uri": relative_uri(path), "uriBaseId": ROOT_ID},
                "region": {"startLine": line.unwrap_or(1)},
            }
        }),
        None => json!({
            "physicalLocation": {
                "artifactLocation": {"uri": ".", "uriBaseId": ROOT_ID},
                "region": {"startLine": 1},
            },
            "logicalLocations": [{
                "name": control.id,
                "fullyQualifiedName": format!("{}/{}", host.target, control.id),
                "kind": "object",
            }],
        }),
    }
}

/// `path:line` split into the path and a line (1 or more); a location with no
/// line, or whose tail is no line number, is all path.
pub(super) fn split_line(location: &str) -> (&str, Option<u32>) {
    match location.rsplit_once(':') {
        Some((path, line)) if !path.is_empty() && line.bytes().all(|b| b.is_ascii_digit()) => {
            match line.parse::<u32>() {
                Ok(n) if n > 0 => (path, Some(n)),
                _ => (location, None),
            }
        }
        _ => (location, None),
    }
}

/// A target path as a URI reference relative to the target's root: the leading
/// `/` dropped, each byte outside RFC 3986's unreserved set and `/`
/// percent-encoded (a name's raw bytes, see `pathname`, as themselves).
fn relative_uri(path: &str) -> String {
    let bytes = crate::pathname::to_bytes(path.trim_start_matches('/'));
    let mut uri = String::with_capacity(bytes.len());
    for &b in bytes.iter() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            uri.push(char::from(b));
        } else {
            uri.push_str(&format!("%{b:02X}"));
        }
    }
    if uri.is_empty() {
        uri.push('.');
    }
    uri
}

/// What `TARGET_ROOT` stands for: the `--root` folder as a `file:` URI when it is
/// absolute, `file:///` for the local host, else only a description.
pub(super) fn root_base(host: &HostResult) -> Value {
    let description = match &host.root {
        Some(root) => format!("the folder {root} read as the root of {}", host.target),
        None => format!("the root of {}'s filesystem", host.target),
    };
    let uri = match &host.root {
        Some(root) if root.starts_with('/') => Some(match root.trim_matches('/') {
            "" => "file:///".to_string(),
            inner => format!("file:///{}/", relative_uri(inner)),
        }),
        Some(_) => None,
        None if host.target == "local" => Some("file:///".to_string()),
        None => None,
    };
    let mut base = json!({"description": {"text": super::text(&description)}});
    if let (Some(uri), Some(obj)) = (uri, base.as_object_mut()) {
        obj.insert("uri".into(), json!(uri));
    }
    base
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_location_splits_into_path_and_line_only_when_the_tail_is_a_line() {
        assert_eq!(
            split_line("/etc/ssh/sshd_config:58"),
            ("/etc/ssh/sshd_config", Some(58))
        );
        assert_eq!(split_line("/etc/nftables.conf"), ("/etc/nftables.conf", None));
        assert_eq!(split_line("/srv/a:b/c.py:0"), ("/srv/a:b/c.py:0", None));
        assert_eq!(split_line("/srv/a:b"), ("/srv/a:b", None));
    }

    #[test]
    fn target_paths_become_relative_percent_encoded_uris() {
        assert_eq!(relative_uri("/etc/ssh/sshd_config"), "etc/ssh/sshd_config");
        assert_eq!(relative_uri("/srv/my app/ü#1"), "srv/my%20app/%C3%BC%231");
        let raw = crate::pathname::from_bytes(b"/etc/\xffweak.conf").into_owned();
        assert_eq!(relative_uri(&raw), "etc/%FFweak.conf");
        assert_eq!(relative_uri("/"), ".");
    }
}
