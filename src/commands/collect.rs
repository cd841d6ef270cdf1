//! The walkthrough's collections: the engine started on the session's target,
//! for everything or for the controls asked, over one transport while it answers.

use crate::checklist::Catalog;
use crate::engine::{self, Options};
use crate::model::Target;
use crate::transport::{self, TargetSpec};
use std::sync::Arc;

/// Starts the engine on the target, for everything or for one control.
pub struct Collector<'a> {
    pub catalog: &'a Catalog,
    pub spec: TargetSpec,
    /// `--app-dir`, when the user named the application's directory.
    pub app_dir: Option<String>,
    pub as_of: chrono::DateTime<chrono::Utc>,
    /// The transport opened to start the session, used by every collection while
    /// it answers (an SSH login, and any passphrase, once); then one connects again.
    pub opened: std::sync::Mutex<Option<Arc<dyn transport::Transport>>>,
}

impl Collector<'_> {
    pub fn collect(&self, only: Option<&str>) -> Result<engine::LiveHost, String> {
        let only: Vec<String> = only.iter().map(|id| id.to_string()).collect();
        self.collect_these(&only)
    }

    /// Collect these controls (none named: all of them).
    pub fn collect_these(&self, only: &[String]) -> Result<engine::LiveHost, String> {
        let mut kept = self.opened.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        let transport: Arc<dyn transport::Transport> = match kept.as_ref().filter(|t| t.alive()) {
            Some(transport) => transport.clone(),
            None => {
                let fresh: Arc<dyn transport::Transport> =
                    Arc::from(transport::open(&self.spec).map_err(|e| e.to_string())?);
                *kept = Some(fresh.clone());
                fresh
            }
        };
        drop(kept);
        let mut catalog = self.catalog.clone();
        if !only.is_empty() {
            catalog.restrict(only);
        }
        let target = Target {
            name: self.spec.name(),
            root: self.spec.root(),
            host_key: transport.host_key(),
            ..Target::default()
        }
        .with_app_dir(self.app_dir.as_deref());
        let options = Options {
            as_of: self.as_of,
            ..Options::default()
        };
        Ok(engine::spawn_host(Arc::new(catalog), target, transport, options))
    }
}
