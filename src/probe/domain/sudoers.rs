//! The domain probe `sudoers`: /etc/sudoers and every file it includes, as sudo
//! follows them, and /etc/group for the admin groups' members.

use super::{Collect, DomainDef};
use crate::evidence::Source;
use crate::model::{ParamDef, ParamKind, Params, ProbeType};
use crate::parse::group::GROUP_PATH;
use crate::parse::sudoers::{load, SUDOERS_PATH};

pub static SUDOERS: DomainDef = DomainDef {
    kind: ProbeType::Sudoers,
    description: "reads /etc/sudoers and every file it includes, and /etc/group",
    params: &[ParamDef::optional(
        "path",
        ParamKind::String,
        "the main sudoers file (default /etc/sudoers)",
    )],
    collect: Collect::Host(collect),
    stock: &["/etc/sudoers.d/*"],
};

fn collect(source: &dyn Source, params: &Params) {
    // The reads are the point: the source records them as evidence.
    let _ = load(source, params.str_or("path", SUDOERS_PATH));
    let _ = source.read(GROUP_PATH);
}
