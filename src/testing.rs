//! Test support shared by the evaluators' unit tests: a fixture host of
//! tests/fixtures collected exactly as `vouch scan --root` collects it, through the
//! bundled checklists' probes, the collector and the rooted transport.

use crate::checklist::{bundled, load_catalog};
use crate::evidence::Snapshot;
use crate::probe::collect_snapshot;
use crate::transport::fs::FsTransport;
use std::path::Path;

/// The snapshot of tests/fixtures/NAME that a scan's evaluators see.
pub fn fixture_snapshot(name: &str) -> Snapshot {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures").join(name);
    let (catalog, _) = load_catalog(&bundled::texts()).unwrap_or_else(|e| panic!("bundled checklists: {e}"));
    collect_snapshot(catalog.probes.iter().map(|p| &p.kind), &FsTransport::rooted(root))
}
