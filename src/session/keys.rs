//! Page keys: per page, a hash of everything it is rendered from, made from
//! the same inputs as [`render::Site`](crate::render::Site) (the charts'
//! cohort-wide counts included). Comparing the keys before and after a change
//! tells which pages to render again, whatever the change was.

use super::State;
use crate::model::Submission;
use crate::render::{charts, lists, review_page};
use crate::review::Review;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::hash::Hasher;

#[derive(Default)]
pub(super) struct Keys {
    /// Submission and entity pages, by path.
    pub(super) pages: HashMap<String, u64>,
    /// The list pages, rendered together.
    pub(super) lists: u64,
    pub(super) review: u64,
}

impl Keys {
    pub(super) fn new(st: &State) -> Keys {
        Partial::new(st).finish(st)
    }
}

/// The keys that do not read the cohort, so they can be made while it is
/// aggregated.
pub(super) struct Partial {
    review: u64,
}

impl Partial {
    /// Reads `st`'s submissions and reviews, not its cohort.
    pub(super) fn new(st: &State) -> Partial {
        Partial { review: review_key(st) }
    }

    /// The rest, with `st`'s cohort.
    pub(super) fn finish(self, st: &State) -> Keys {
        let ((mut pages, entities), lists) =
            rayon::join(|| rayon::join(|| submissions(st), || entities(st)), || list_key(st));
        pages.extend(entities);
        Keys { pages: pages.into_iter().collect(), lists, review: self.review }
    }
}

pub(super) fn submission_path(s: &Submission) -> String {
    format!("submissions/{}/index.html", s.id)
}

/// A submission as loaded: what it serialises to, its Markdown (which it does
/// not serialise) and its review. Made once per submission loaded; later only
/// the review's `near_duplicates` change, and [`submissions`] hashes those.
pub(super) fn loaded_hash(s: &Submission, r: &Review) -> u64 {
    hash_json(&(s, &s.sources, r))
}

/// Submission pages: the submission, its review and its gap chart. The gap
/// chart counts the postings of every student with the same chosen role (or
/// the whole cohort's), so an edit elsewhere can change it.
fn submissions(st: &State) -> Vec<(String, u64)> {
    let gaps = &st.cohort.gaps;
    st.subs
        .par_iter()
        .zip(st.review.reviews.par_iter())
        .zip(st.hashes.par_iter())
        .map(|((s, r), h)| (submission_path(s), hash_json(&(h, &r.near_duplicates, charts::gap_page(gaps.gap(s))))))
        .collect()
}

/// Entity pages: their entity, and a product's heatmap (counted over all
/// its submissions' components and roles).
fn entities(st: &State) -> Vec<(String, u64)> {
    fn add<T: Sync>(
        out: &mut Vec<(String, u64)>,
        dir: &str,
        list: &[T],
        slug: impl Fn(&T) -> &str + Sync,
        key: impl Fn(&T) -> u64 + Sync,
    ) {
        out.par_extend(list.par_iter().map(|x| (format!("{dir}/{}/index.html", slug(x)), key(x))));
    }
    let c = &st.cohort;
    let mut out = Vec::new();
    add(&mut out, "roles", &c.roles, |x| &x.slug, hash_json);
    add(&mut out, "skills", &c.skills, |x| &x.slug, |x| hash_json(&lists::skill_page(x, &st.subs)));
    add(&mut out, "components", &c.components, |x| &x.slug, hash_json);
    add(&mut out, "products", &c.products, |x| &x.slug, |x| hash_json(&charts::product_page(x)));
    out
}

/// The list pages: the cohort summary and the charts they read, and the
/// submissions list's rows: a prose edit leaves them all the same.
fn list_key(st: &State) -> u64 {
    let summary = lists::summary(&st.cohort, &st.subs, &st.review);
    let rows: Vec<_> =
        st.subs.iter().zip(&st.review.reviews).map(|(s, r)| crate::render::submission_row(s, r)).collect();
    hash_json(&(summary, charts::ListCharts::new(&st.cohort), rows))
}

/// The review page: its table and the score histogram.
fn review_key(st: &State) -> u64 {
    let view = review_page::view(&st.subs, &st.review);
    hash_json(&charts::Charted { page: view, chart: charts::completeness(&st.review) })
}

/// A 64-bit hash; `DefaultHasher::new()` uses fixed keys, so it is stable
/// within a run, which is all the session needs.
struct HashWriter(std::hash::DefaultHasher);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

pub(super) fn hash_json<T: Serialize>(x: &T) -> u64 {
    let mut w = HashWriter(std::hash::DefaultHasher::new());
    // Serialising plain data into a hasher cannot fail.
    let _ = serde_json::to_writer(&mut w, x);
    w.0.finish()
}

pub(super) fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    h.write(b);
    h.write_usize(b.len());
    h.finish()
}
