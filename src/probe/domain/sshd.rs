//! The domain probes `sshd_config` and `authorized_keys`. Each runs the same loading
//! code the evaluators run, through the recording source, so exactly the files,
//! directory listings and commands the evaluators will read get collected.

use super::{Collect, DomainDef};
use crate::evidence::Source;
use crate::model::{ParamDef, ParamKind, Params, ProbeType};
use crate::parse::sshd::{keyfiles, View, DEFAULT_CONFIG};

pub static CONFIG: DomainDef = DomainDef {
    kind: ProbeType::SshdConfig,
    description: "sshd_config with its Includes followed (and `sshd -T` for the default path)",
    params: &[ParamDef::optional(
        "path",
        ParamKind::String,
        "sshd_config to read, with its Includes (default /etc/ssh/sshd_config; `sshd -T` is only used for the default)",
    )],
    collect: Collect::Host(collect_config),
    stock: &["/etc/ssh/sshd_config.d/*.conf"],
};

pub static KEYS: DomainDef = DomainDef {
    kind: ProbeType::AuthorizedKeys,
    description: "/etc/passwd, the sshd configuration and every authorized_keys file sshd would read",
    params: &[],
    collect: Collect::Host(collect_keys),
    stock: &[
        "/etc/ssh/sshd_config.d/*.conf",
        "~/.ssh/authorized_keys",
        "~/.ssh/authorized_keys2",
    ],
};

fn collect_config(source: &dyn Source, params: &Params) {
    // The result is evidence recorded by the source; the value itself is not needed.
    let _ = View::load(source, params.str_or("path", DEFAULT_CONFIG));
}

fn collect_keys(source: &dyn Source, _params: &Params) {
    let _ = keyfiles::scan(source);
}
