//! A memo of values derived from one source's evidence — a configuration parsed
//! once and judged by several evaluators — so that pure evaluators need not each
//! parse it again. It lives in the evidence it derives from (a `Snapshot`), is
//! emptied whenever that evidence changes, and is never copied with it.

use std::any::Any;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type Slot = Arc<dyn Any + Send + Sync>;

/// Derived values by key; each key holds one type.
#[derive(Default)]
pub struct Memo(Mutex<HashMap<&'static str, Slot>>);

impl Memo {
    /// The value under `key`, made by `make` the first time. Two threads asking at
    /// once may both make it; the first stored is kept (the values are equal:
    /// `make` is a pure function of the evidence).
    pub fn get_or_make<T: Any + Send + Sync>(&self, key: &'static str, make: impl FnOnce() -> T) -> Arc<T> {
        if let Some(found) = self.lookup::<T>(key) {
            return found;
        }
        let made: Slot = Arc::new(make());
        let mut slots = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let kept = slots.entry(key).or_insert(made).clone();
        kept.downcast::<T>()
            .unwrap_or_else(|_| panic!("memo key {key} holds two types: a programming error"))
    }

    fn lookup<T: Any + Send + Sync>(&self, key: &'static str) -> Option<Arc<T>> {
        let slots = self.0.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        slots.get(key).cloned().and_then(|slot| slot.downcast::<T>().ok())
    }

    /// Forget everything (the evidence changed).
    pub fn clear(&mut self) {
        self.0
            .get_mut()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .clear();
    }
}

impl Clone for Memo {
    /// A copy of the evidence starts with an empty memo.
    fn clone(&self) -> Self {
        Memo::default()
    }
}

impl std::fmt::Debug for Memo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Memo")
    }
}

/// Memoize through `source`'s memo when it has one, else compute every time.
pub fn memoized<T: Any + Send + Sync>(
    source: &dyn super::Source,
    key: &'static str,
    make: impl FnOnce() -> T,
) -> Arc<T> {
    match source.memo() {
        Some(memo) => memo.get_or_make(key, make),
        None => Arc::new(make()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_value_is_made_once_and_forgotten_on_change() {
        let mut memo = Memo::default();
        let mut calls = 0;
        let a = memo.get_or_make("k", || {
            calls += 1;
            41 + 1
        });
        let b = memo.get_or_make("k", || -> i32 { unreachable!("made once") });
        assert_eq!((*a, *b, calls), (42, 42, 1));
        memo.clear();
        assert_eq!(*memo.get_or_make("k", || 7), 7);
        assert!(memo.clone().lookup::<i32>("k").is_none(), "a copy starts empty");
    }
}
