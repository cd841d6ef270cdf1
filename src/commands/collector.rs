//! `vouch collector`: for servers vouch may not log in to. `--sudoers` prints
//! the grant that lets `vouch scan --sudo` read exactly what the checklists
//! need as root; without it, the offline collection script.

use super::{Ended, UsageError};
use crate::cli::CollectorArgs;

pub fn run(args: &CollectorArgs) -> Ended {
    let (catalog, _) = match crate::settings::catalog(&args.catalog.checklists, &args.catalog.only) {
        Ok(loaded) => loaded,
        Err(e) => return e.into(),
    };
    let plan = crate::engine::plan::reads(&catalog);
    let text = if args.sudoers {
        let user = args
            .user
            .clone()
            .or_else(|| std::env::var("USER").ok().filter(|u| !u.is_empty()))
            .unwrap_or_else(|| "auditor".to_string());
        if user.is_empty() || !user.chars().all(|c| c.is_ascii_alphanumeric() || "._-".contains(c)) {
            return UsageError::Invalid(format!(
                "--user `{}` is not a login name",
                crate::sanitize::terminal(&user)
            ))
            .into();
        }
        super::sudoers::render(&plan, &user, env!("CARGO_PKG_VERSION"))
    } else {
        let homes: Vec<String> = plan.homes.iter().cloned().collect();
        super::script::render(&plan, &homes, &crate::parse::host::PATHS, env!("CARGO_PKG_VERSION"))
    };
    super::write_out(args.output.as_deref(), &text)
}
