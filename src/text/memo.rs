//! Per-thread memo of answers about short texts.
//!
//! A cohort repeats the same headings, role names, component names, skill
//! items and words thousands of times ("Skills I already have", "Backend
//! Engineer", "API Gateway", "Docker"); each answer is a pure function of the
//! text (and of the taxonomy or matcher, named by `owner`), so it is computed
//! once per thread. Results never depend on what is cached: only speed does.

use std::cell::RefCell;
use std::sync::atomic::{AtomicU64, Ordering};
use std::thread::LocalKey;

use super::FxMap;

/// Names repeat; longer texts (sentences) rarely do and are not kept.
const MAX_KEY_BYTES: usize = 48;

/// Entries per table and thread before it is emptied: a bound on memory.
const MAX_ENTRIES: usize = 20_000;

/// A fresh id for each compiled taxonomy or matcher: answers of one never
/// serve another.
pub(crate) fn next_owner() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

pub(crate) struct Table<V> {
    by_owner: FxMap<u64, FxMap<Box<str>, V>>,
    entries: usize,
}

impl<V> Table<V> {
    pub(crate) fn new() -> Self {
        Table { by_owner: FxMap::default(), entries: 0 }
    }
}

/// `compute()`, or the answer it gave before for `owner` and `key`.
pub(crate) fn cached<V: Clone + 'static>(
    table: &'static LocalKey<RefCell<Table<V>>>,
    owner: u64,
    key: &str,
    compute: impl FnOnce() -> V,
) -> V {
    if key.len() > MAX_KEY_BYTES {
        return compute();
    }
    table.with(|t| {
        if let Some(v) = t.borrow().by_owner.get(&owner).and_then(|m| m.get(key)) {
            return v.clone();
        }
        let v = compute();
        let mut t = t.borrow_mut();
        if t.entries >= MAX_ENTRIES {
            t.by_owner.clear();
            t.entries = 0;
        }
        t.entries += 1;
        t.by_owner.entry(owner).or_default().insert(key.into(), v.clone());
        v
    })
}
