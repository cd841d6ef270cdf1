//! The domain probe `apt_config`: every file apt would read for its configuration,
//! in apt's order, with `#include`s followed.

use super::{Collect, DomainDef};
use crate::evidence::Source;
use crate::model::{Params, ProbeType};
use crate::parse::apt::conf;

pub static APT_CONFIG: DomainDef = DomainDef {
    kind: ProbeType::AptConfig,
    description: "APT configuration: /etc/apt/apt.conf.d files apt reads (in its order), /etc/apt/apt.conf, #includes",
    params: &[],
    collect: Collect::Host(collect),
    stock: &["/etc/apt/apt.conf.d/*"],
};

/// Read every file apt would read; the source records each read as evidence.
fn collect(source: &dyn Source, _params: &Params) {
    let _config = conf::load(source);
}
