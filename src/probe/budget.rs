//! The scan's budget: how much one scan may ask of a target before it stops with
//! a reason instead of grinding on a hostile or broken tree. Paths asked, bytes
//! brought back and directory names listed are counted, so the same tree spends
//! the same budget on any machine and gets the same verdict; wall time is a last
//! resort only, since it depends on the machine.

use crate::evidence::source::human_bytes;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

/// What one scan of one target may spend. The defaults hold a real server many
/// times over (a droplet with a few thousand packages asks for a few hundred
/// paths, under 10 MB and a few thousand listed names), while a tree built to make
/// collection grind stops within seconds and a bounded amount of memory.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Budget {
    /// Paths asked of the target: files read, directories listed, metadata looked up.
    pub paths: u64,
    /// Bytes brought back and kept: file contents (counted before they are read)
    /// and command output. What is read is kept as evidence, so this bounds memory.
    pub bytes: u64,
    /// Names in every directory listing, added up.
    pub names: u64,
    /// Wall time, the last resort: unlike the counts it depends on the machine.
    pub wall: Duration,
}

impl Default for Budget {
    fn default() -> Self {
        Budget {
            paths: 20_000,
            bytes: 128 * 1024 * 1024,
            names: 200_000,
            wall: Duration::from_secs(10 * 60),
        }
    }
}

/// What a scan has spent of its budget so far; shared by the collector's workers.
#[derive(Debug)]
pub struct Spending {
    budget: Budget,
    paths: AtomicU64,
    bytes: AtomicU64,
    names: AtomicU64,
    started: Instant,
}

impl Spending {
    pub fn new(budget: Budget) -> Self {
        Spending {
            budget,
            paths: AtomicU64::new(0),
            bytes: AtomicU64::new(0),
            names: AtomicU64::new(0),
            started: Instant::now(),
        }
    }

    /// Spend one path; `Err` with the reason when the budget has none left (the
    /// path is then not asked) or the scan has run past its time.
    pub fn path(&self) -> Result<(), String> {
        if self.started.elapsed() > self.budget.wall {
            return Err(format!(
                "the scan ran for more than {} (its time limit; a tree this slow to read is not audited)",
                minutes(self.budget.wall)
            ));
        }
        take(&self.paths, 1, self.budget.paths).map_err(|()| {
            format!(
                "the scan's budget of {} paths (files read, directories listed, metadata looked up) was spent; \
                 the rest of the target was not collected",
                self.budget.paths
            )
        })
    }

    /// Spend `bytes` before reading them; `Err` when they would go over the budget
    /// (and nothing is spent).
    pub fn bytes(&self, bytes: u64) -> Result<(), String> {
        take(&self.bytes, bytes, self.budget.bytes).map_err(|()| {
            format!(
                "the scan's budget of {} (file contents and command output read) was spent; the rest of the target was not collected",
                human_bytes(self.budget.bytes)
            )
        })
    }

    /// Give back bytes spent ahead that were not read after all.
    pub fn refund(&self, bytes: u64) {
        let _ = self.bytes.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |spent| {
            Some(spent.saturating_sub(bytes))
        });
    }

    /// Spend the names of a listing already made; `Err` once they go over the
    /// budget (the listing itself is kept: it was read in full).
    pub fn names(&self, names: u64) -> Result<(), String> {
        let spent = self.names.fetch_add(names, Ordering::SeqCst).saturating_add(names);
        if spent > self.budget.names {
            return Err(format!(
                "the scan's budget of {} listed directory entries was spent; the rest of the target was not collected",
                self.budget.names
            ));
        }
        Ok(())
    }
}

/// Take `amount` from `counter` unless that would go over `limit`.
fn take(counter: &AtomicU64, amount: u64, limit: u64) -> Result<(), ()> {
    counter
        .fetch_update(Ordering::SeqCst, Ordering::SeqCst, |spent| {
            spent.checked_add(amount).filter(|&total| total <= limit)
        })
        .map(|_| ())
        .map_err(|_| ())
}

fn minutes(wall: Duration) -> String {
    match wall.as_secs() {
        secs if secs >= 60 && secs % 60 == 0 => format!("{} min", secs / 60),
        secs => format!("{secs} s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn small() -> Spending {
        Spending::new(Budget {
            paths: 2,
            bytes: 100,
            names: 10,
            wall: Duration::from_secs(600),
        })
    }

    #[test]
    fn the_path_past_the_budget_is_refused_with_the_reason() {
        let spending = small();
        assert_eq!((spending.path(), spending.path()), (Ok(()), Ok(())));
        let refused = spending.path().unwrap_err();
        assert!(refused.starts_with("the scan's budget of 2 paths"), "{refused}");
    }

    #[test]
    fn bytes_are_spent_before_reading_and_refunded_when_not_read() {
        let spending = small();
        assert_eq!(spending.bytes(60), Ok(()));
        assert!(spending.bytes(50).is_err(), "60 + 50 is over 100: not read");
        spending.refund(60);
        assert_eq!(spending.bytes(100), Ok(()));
        assert!(spending.bytes(1).unwrap_err().contains("100 bytes"));
    }

    #[test]
    fn a_listing_that_goes_over_is_kept_but_the_next_is_not_asked() {
        let spending = small();
        assert_eq!(spending.names(10), Ok(()));
        assert!(spending.names(1).unwrap_err().contains("10 listed directory entries"));
    }

    #[test]
    fn a_scan_past_its_time_stops() {
        let spending = Spending::new(Budget {
            wall: Duration::ZERO,
            ..Budget::default()
        });
        std::thread::sleep(Duration::from_millis(2));
        assert!(spending.path().unwrap_err().contains("more than 0 s"));
    }
}
