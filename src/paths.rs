//! vouch's folders: the config folder (`VOUCH_CONFIG_DIR`, else the XDG config
//! folder from the `directories` crate, e.g. `~/.config/vouch`) with the user's
//! redaction key, made on first use (folder 0700, file 0600) and never written
//! into a report or a bundle; and the data folder (`VOUCH_DATA_DIR`) where
//! sessions are kept.

use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt, PermissionsExt};
use std::path::PathBuf;

/// The config folder, or why there is none (no home directory).
pub fn config_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("VOUCH_CONFIG_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "vouch")
        .map(|dirs| dirs.config_dir().to_path_buf())
        .ok_or_else(|| "no home directory to keep vouch's configuration in (set VOUCH_CONFIG_DIR)".to_string())
}

/// The data folder, where sessions are kept (`VOUCH_DATA_DIR`, else the XDG data
/// folder, e.g. `~/.local/share/vouch`).
pub fn data_dir() -> Result<PathBuf, String> {
    if let Some(dir) = std::env::var_os("VOUCH_DATA_DIR").filter(|d| !d.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    directories::ProjectDirs::from("", "", "vouch")
        .map(|dirs| dirs.data_dir().to_path_buf())
        .ok_or_else(|| "no home directory to keep vouch's sessions in (set VOUCH_DATA_DIR)".to_string())
}

/// Make a folder (and its parents) that only its owner may enter.
pub fn private_dir(dir: &std::path::Path) -> Result<(), String> {
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(dir)
        .map_err(|e| format!("{}: {e}", dir.display()))
}

/// The file holding the user's redaction key.
pub fn redaction_key_file() -> Result<PathBuf, String> {
    config_dir().map(|dir| dir.join("redaction.key"))
}

/// The user's redaction key: read from the config folder, or made there on first
/// use from the kernel's random numbers. An unreadable, malformed or too-open key
/// file is an error, never silently replaced: markers must stay comparable.
pub fn redaction_key() -> Result<[u8; 32], String> {
    let path = redaction_key_file()?;
    match std::fs::read_to_string(&path) {
        Ok(text) => {
            let mode = std::fs::metadata(&path)
                .map(|m| m.permissions().mode() & 0o077)
                .unwrap_or(0);
            if mode != 0 {
                return Err(format!("{} is readable by others (chmod 600 it)", path.display()));
            }
            let bytes =
                hex::decode(text.trim()).map_err(|_| format!("{} is not a vouch redaction key", path.display()))?;
            bytes
                .try_into()
                .map_err(|_| format!("{} is not a vouch redaction key", path.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => create_key(&path),
        Err(e) => Err(format!("{}: {e}", path.display())),
    }
}

fn create_key(path: &std::path::Path) -> Result<[u8; 32], String> {
    let mut key = [0u8; 32];
    let filled = rustix::rand::getrandom(&mut key, rustix::rand::GetRandomFlags::empty())
        .map_err(|e| format!("no random numbers for a redaction key: {e}"))?;
    if filled != key.len() {
        return Err("no random numbers for a redaction key".to_string());
    }
    if let Some(dir) = path.parent() {
        std::fs::DirBuilder::new()
            .recursive(true)
            .mode(0o700)
            .create(dir)
            .map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(path)
        .map_err(|e| format!("{}: {e}", path.display()))?;
    writeln!(file, "{}", hex::encode(key)).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(key)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_is_made_once_private_and_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("vouch/redaction.key");
        let made = create_key(&path).unwrap();
        let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
        let text = std::fs::read_to_string(&path).unwrap();
        assert_eq!(hex::decode(text.trim()).unwrap(), made);
        assert!(create_key(&path).is_err(), "never overwritten");
    }
}
