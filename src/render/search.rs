//! The search index: written at build time, read by `static/search.js`, so
//! search works on GitHub Pages with no server.

use super::Page;
use crate::aggregate::Cohort;
use crate::model::Submission;

/// The index file, relative to the output dir.
pub const INDEX_PATH: &str = "search-index.json";

/// Stub: filled in by the search work (issue 8).
pub fn index_page(_subs: &[Submission], _cohort: &Cohort) -> Page {
    Page { path: INDEX_PATH.into(), bytes: b"[]".to_vec() }
}
