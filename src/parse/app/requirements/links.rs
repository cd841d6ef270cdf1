//! A requirement given as a URL or a path: the name its `#egg=` gives, and
//! what fixes it — a VCS commit, a content hash, a local path, or nothing.

/// The `#egg=name` of a link, as pip reads a name from one.
pub fn egg_name(url: &str) -> Option<String> {
    let fragment = url.split_once('#')?.1;
    fragment
        .split('&')
        .find_map(|part| part.strip_prefix("egg="))
        .map(|name| name.split('[').next().unwrap_or(name).to_string())
        .filter(|n| !n.is_empty())
}

/// How a URL or path requirement is fixed: a VCS commit, a content hash, a local
/// path (the project's own code), or nothing.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LinkPin {
    Commit,
    Hash,
    Local,
    Loose(&'static str),
}

pub fn link_pin(url: &str) -> LinkPin {
    let without_fragment = url.split('#').next().unwrap_or(url);
    let fragment = url.split_once('#').map(|(_, f)| f).unwrap_or("");
    if fragment
        .split('&')
        .any(|p| ["sha256=", "sha384=", "sha512="].iter().any(|h| p.starts_with(h)))
    {
        return LinkPin::Hash;
    }
    let vcs = ["git+", "hg+", "svn+", "bzr+"].iter().any(|p| url.starts_with(p));
    if vcs {
        // The revision follows the last `@` after the host (`@v1.2`, `@<sha>`).
        let path = without_fragment
            .split_once("://")
            .map(|(_, p)| p)
            .unwrap_or(without_fragment);
        let path = path.split_once('/').map(|(_, p)| p).unwrap_or("");
        return match path.rsplit_once('@') {
            Some((_, rev)) if rev.len() == 40 && rev.bytes().all(|b| b.is_ascii_hexdigit()) => LinkPin::Commit,
            Some(_) => LinkPin::Loose("a VCS reference by branch or tag, not a 40-hex commit"),
            None => LinkPin::Loose("a VCS reference with no revision (the default branch)"),
        };
    }
    if !url.contains("://") || url.starts_with("file:") {
        return LinkPin::Local;
    }
    LinkPin::Loose("a URL with no hash")
}

/// The project an archive's file name names: a wheel's first field
/// (`pycrypto-2.6.1-cp39-none-any.whl`), an sdist's name before its version
/// (`pycrypto-2.6.1.tar.gz`).
pub fn archive_name(url: &str) -> Option<String> {
    let path = url.split(['#', '?']).next()?;
    let file = path.rsplit('/').next()?;
    if let Some(wheel) = file.strip_suffix(".whl") {
        return wheel.split('-').next().filter(|n| !n.is_empty()).map(str::to_string);
    }
    let stem = [".tar.gz", ".tar.bz2", ".tar.xz", ".tgz", ".zip"]
        .iter()
        .find_map(|ext| file.strip_suffix(ext))?;
    let (name, version) = stem.rsplit_once('-')?;
    version
        .starts_with(|c: char| c.is_ascii_digit())
        .then(|| name.to_string())
}
