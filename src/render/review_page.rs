//! The review page's view: one row per submission and the near-duplicate
//! pairs with their shared passages, borrowed from the cohort review.

use crate::diagnostics::Severity;
use crate::model::Submission;
use crate::review::duplicates::{Excerpt, Scope, SectionMatch};
use crate::review::{CohortReview, Finding};
use serde::Serialize;
use std::collections::HashMap;

#[derive(Serialize)]
pub(crate) struct ReviewView<'a> {
    rows: Vec<Row<'a>>,
    pairs: Vec<PairView<'a>>,
}

#[derive(Serialize)]
struct Row<'a> {
    id: &'a str,
    author: &'a str,
    source: &'a str,
    product: Option<&'a str>,
    chosen_role: Option<&'a str>,
    canonical_role: Option<&'a str>,
    postings: usize,
    score: u32,
    max_score: u32,
    missing: &'a [String],
    findings: &'a [Finding],
    errors: usize,
    near: Vec<Link<'a>>,
}

#[derive(Serialize)]
struct Link<'a> {
    id: &'a str,
    source: &'a str,
}

#[derive(Serialize)]
struct PairView<'a> {
    a: Link<'a>,
    b: Link<'a>,
    /// Alike as wholes, or only in `sections`.
    whole: bool,
    percent: u32,
    jaccard: f64,
    shared: usize,
    sections: Vec<SectionView<'a>>,
    passages: Vec<PassageView<'a>>,
}

#[derive(Serialize)]
struct SectionView<'a> {
    title: &'a str,
    percent: u32,
    shared: usize,
}

#[derive(Serialize)]
struct PassageView<'a> {
    a: ExcerptView<'a>,
    b: ExcerptView<'a>,
}

#[derive(Serialize)]
struct ExcerptView<'a> {
    file: &'a str,
    start: usize,
    end: usize,
    section: Option<&'static str>,
    text: &'a str,
}

impl<'a> ExcerptView<'a> {
    fn of(e: &'a Excerpt) -> Self {
        ExcerptView { file: &e.file, start: e.start, end: e.end, section: e.section.map(|s| s.title()), text: &e.text }
    }
}

fn percent(x: f64) -> u32 {
    (x * 100.0).round() as u32
}

impl<'a> SectionView<'a> {
    fn of(m: &'a SectionMatch) -> Self {
        SectionView { title: m.title, percent: percent(m.similarity), shared: m.shared }
    }
}

pub(crate) fn view<'a>(subs: &'a [Submission], review: &'a CohortReview) -> ReviewView<'a> {
    let ids: HashMap<&str, &str> = subs.iter().map(|s| (s.source.as_str(), s.id.as_str())).collect();
    let link = |source: &'a str| Link { id: ids.get(source).copied().unwrap_or(""), source };
    let rows = subs
        .iter()
        .zip(&review.reviews)
        .map(|(s, r)| Row {
            id: &s.id,
            author: &s.author,
            source: &s.source,
            product: s.product.as_deref(),
            chosen_role: s.chosen_role.as_ref().map(|c| c.name.as_str()),
            canonical_role: s.chosen_role.as_ref().and_then(|c| c.canonical.as_deref()),
            postings: s.postings.len(),
            score: r.score,
            max_score: r.max_score,
            missing: &r.missing,
            findings: &r.findings,
            errors: r.count(Severity::Error),
            near: r.near_duplicates.iter().map(|n| link(n)).collect(),
        })
        .collect();
    let pairs = review
        .near_duplicates
        .iter()
        .map(|p| PairView {
            a: link(&p.a),
            b: link(&p.b),
            whole: p.scope == Scope::File,
            percent: percent(p.similarity),
            jaccard: p.jaccard,
            shared: p.shared,
            sections: p.sections.iter().map(SectionView::of).collect(),
            passages: p
                .passages
                .iter()
                .map(|x| PassageView { a: ExcerptView::of(&x.a), b: ExcerptView::of(&x.b) })
                .collect(),
        })
        .collect();
    ReviewView { rows, pairs }
}
