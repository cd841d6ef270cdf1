//! The domain probe `app_servers`: the systemd units in /etc/systemd/system (and
//! those enabled there), each `EnvironmentFile`, and gunicorn's configuration
//! file where a unit starts gunicorn — what `parse::appserver::listening` reads
//! to tell where the application listens.

use super::{Collect, DomainDef};
use crate::evidence::Source;
use crate::model::{Params, ProbeType};
use crate::parse::appserver::{listening, UNIT_GLOB};
use crate::parse::systemd::WANTS_GLOB;

pub static APP_SERVERS: DomainDef = DomainDef {
    kind: ProbeType::AppServers,
    description: "the systemd units that start gunicorn, uvicorn, hypercorn, waitress or daphne, with their environment and gunicorn's configuration",
    params: &[],
    collect: Collect::Host(collect),
    stock: &[UNIT_GLOB, WANTS_GLOB, "/srv/*/gunicorn.conf.py", "/opt/*/gunicorn.conf.py"],
};

fn collect(source: &dyn Source, _params: &Params) {
    // The reads are the point: the source records them as evidence.
    let _ = listening(source);
}
