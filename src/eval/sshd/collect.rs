//! The domain collectors `sshd_config` and `authorized_keys`. Each runs the same
//! loading code the evaluators run, through the recording Source, so exactly the
//! files, directory listings and commands the evaluators will read get collected.

use super::config::DEFAULT_CONFIG;
use super::keyfiles;
use super::report::CONFIG_PARAMS;
use super::settings::View;
use crate::eval::{CollectorDef, Params};
use crate::evidence::Source;

pub fn collectors() -> Vec<CollectorDef> {
    vec![
        CollectorDef {
            kind: "sshd_config",
            description: "sshd_config with its Includes followed (and `sshd -T` for the default path)",
            params: &CONFIG_PARAMS,
            collect: collect_config,
        },
        CollectorDef {
            kind: "authorized_keys",
            description: "/etc/passwd, the sshd configuration and every authorized_keys file sshd would read",
            params: &[],
            collect: collect_keys,
        },
    ]
}

fn collect_config(source: &dyn Source, params: &Params) {
    // The result is evidence recorded by the source; the value itself is not needed.
    let _ = View::load(source, params.str_or("path", DEFAULT_CONFIG));
}

fn collect_keys(source: &dyn Source, _params: &Params) {
    let _ = keyfiles::scan(source);
}
