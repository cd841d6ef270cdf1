//! Path resolution inside a foreign tree (`--root DIR`): every symlink, absolute or
//! relative, resolves against DIR, and `..` never climbs above it, so a copied
//! server's `/etc/ssh/sshd_config -> /srv/conf/sshd` is read from DIR/srv/conf/sshd,
//! never from this machine.

use std::path::{Path, PathBuf};

/// sshd, the kernel and glibc give up after 40 links; so do we.
const MAX_LINKS: usize = 40;

/// Why a path could not be resolved inside the root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ResolveError {
    /// A component does not exist (the path is absent on the target).
    Missing,
    /// Too many symlinks: a loop.
    Loop,
    /// Another I/O error, described.
    Io(String),
}

/// Resolve the target path `path` (absolute, as on the audited host) to a path on
/// this machine under `root`, following every symlink inside the root. With
/// `follow_last` false, a final symlink is not followed (lstat semantics).
pub fn resolve(root: &Path, path: &str, follow_last: bool) -> Result<PathBuf, ResolveError> {
    let mut pending: Vec<String> = components(path).into_iter().rev().collect();
    let mut resolved: Vec<String> = Vec::new();
    let mut links = 0usize;
    while let Some(name) = pending.pop() {
        match name.as_str() {
            "." => continue,
            ".." => {
                resolved.pop();
                continue;
            }
            _ => {}
        }
        let host = join(root, &resolved).join(&name);
        let meta = match std::fs::symlink_metadata(&host) {
            Ok(meta) => meta,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Err(ResolveError::Missing),
            Err(e) if e.raw_os_error() == Some(20) => return Err(ResolveError::Missing), // ENOTDIR
            Err(e) => return Err(ResolveError::Io(e.to_string())),
        };
        let is_last = pending.is_empty();
        if meta.file_type().is_symlink() && (follow_last || !is_last) {
            links += 1;
            if links > MAX_LINKS {
                return Err(ResolveError::Loop);
            }
            let target = std::fs::read_link(&host).map_err(|e| ResolveError::Io(e.to_string()))?;
            let target = target.to_string_lossy().into_owned();
            if target.starts_with('/') {
                resolved.clear();
            }
            pending.extend(components(&target).into_iter().rev());
        } else {
            resolved.push(name);
        }
    }
    Ok(join(root, &resolved))
}

fn components(path: &str) -> Vec<String> {
    path.split('/').filter(|c| !c.is_empty()).map(str::to_string).collect()
}

fn join(root: &Path, parts: &[String]) -> PathBuf {
    let mut out = root.to_path_buf();
    for part in parts {
        out.push(part);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn absolute_symlinks_resolve_inside_the_root() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let root = dir.path();
        std::fs::create_dir_all(root.join("etc/ssh"))?;
        std::fs::create_dir_all(root.join("srv/conf"))?;
        std::fs::write(root.join("srv/conf/sshd"), "Port 22\n")?;
        symlink("/srv/conf/sshd", root.join("etc/ssh/sshd_config"))?;
        let resolved = resolve(root, "/etc/ssh/sshd_config", true);
        assert_eq!(resolved, Ok(root.join("srv/conf/sshd")));
        Ok(())
    }

    #[test]
    fn dotdot_and_symlinks_never_leave_the_root() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let root = dir.path();
        std::fs::create_dir_all(root.join("etc"))?;
        symlink("../../../../etc/passwd", root.join("etc/escape"))?;
        let resolved = resolve(root, "/etc/escape", true);
        assert_eq!(
            resolved,
            Err(ResolveError::Missing),
            "resolves to ROOT/etc/passwd, absent in the tree"
        );
        std::fs::write(root.join("etc/passwd"), "root:x:0:0::/root:/bin/sh\n")?;
        assert_eq!(resolve(root, "/etc/escape", true), Ok(root.join("etc/passwd")));
        assert_eq!(resolve(root, "/../../etc/passwd", true), Ok(root.join("etc/passwd")));
        Ok(())
    }

    #[test]
    fn symlink_loops_are_reported() -> std::io::Result<()> {
        let dir = tempfile::tempdir()?;
        let root = dir.path();
        symlink("/b", root.join("a"))?;
        symlink("/a", root.join("b"))?;
        assert_eq!(resolve(root, "/a", true), Err(ResolveError::Loop));
        assert!(
            resolve(root, "/a", false).is_ok(),
            "lstat does not follow the last link"
        );
        Ok(())
    }
}
