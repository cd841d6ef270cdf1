//! The types of probe a checklist can declare: generic reads (`files`, `dir`,
//! `meta`, `command`) and domain collectors that follow a configuration's includes
//! as its program does. Evaluators name the types they need by this enum, so a
//! misspelt need cannot compile.

use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ProbeType {
    Files,
    Dir,
    Meta,
    Command,
    SshdConfig,
    AuthorizedKeys,
    AptConfig,
    Nftables,
    Sudoers,
    NginxConfig,
    CaddyConfig,
    AppServers,
    AppDependencies,
    AppPipelines,
    AppDotenv,
    AppCode,
}

impl ProbeType {
    pub const ALL: [ProbeType; 16] = [
        ProbeType::Files,
        ProbeType::Dir,
        ProbeType::Meta,
        ProbeType::Command,
        ProbeType::SshdConfig,
        ProbeType::AuthorizedKeys,
        ProbeType::AptConfig,
        ProbeType::Nftables,
        ProbeType::Sudoers,
        ProbeType::NginxConfig,
        ProbeType::CaddyConfig,
        ProbeType::AppServers,
        ProbeType::AppDependencies,
        ProbeType::AppPipelines,
        ProbeType::AppDotenv,
        ProbeType::AppCode,
    ];

    /// The name a checklist writes (`kind = "sshd_config"`).
    pub fn as_str(self) -> &'static str {
        match self {
            ProbeType::Files => "files",
            ProbeType::Dir => "dir",
            ProbeType::Meta => "meta",
            ProbeType::Command => "command",
            ProbeType::SshdConfig => "sshd_config",
            ProbeType::AuthorizedKeys => "authorized_keys",
            ProbeType::AptConfig => "apt_config",
            ProbeType::Nftables => "nftables",
            ProbeType::Sudoers => "sudoers",
            ProbeType::NginxConfig => "nginx_config",
            ProbeType::CaddyConfig => "caddy_config",
            ProbeType::AppServers => "app_servers",
            ProbeType::AppDependencies => "app_dependencies",
            ProbeType::AppPipelines => "app_pipelines",
            ProbeType::AppDotenv => "app_dotenv",
            ProbeType::AppCode => "app_code",
        }
    }

    pub fn parse(name: &str) -> Option<ProbeType> {
        ProbeType::ALL.into_iter().find(|t| t.as_str() == name)
    }

    /// A collector that reads inside the Python application's directory, so it
    /// runs once app discovery has found it (or `--app-dir` named it).
    pub fn needs_app(self) -> bool {
        matches!(
            self,
            ProbeType::AppDependencies | ProbeType::AppPipelines | ProbeType::AppDotenv | ProbeType::AppCode
        )
    }

    /// A domain collector rather than a generic read.
    pub fn is_domain(self) -> bool {
        !matches!(
            self,
            ProbeType::Files | ProbeType::Dir | ProbeType::Meta | ProbeType::Command
        )
    }
}

impl fmt::Display for ProbeType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for t in ProbeType::ALL {
            assert_eq!(ProbeType::parse(t.as_str()), Some(t));
        }
        assert_eq!(ProbeType::parse("sshd"), None);
    }
}
