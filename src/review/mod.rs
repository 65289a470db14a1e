//! Review stage: submissions + rubric -> per-submission reviews (rubric
//! results, missing sections, findings with file and line) and the cohort's
//! near-duplicate pairs. Runs after normalisation, beside aggregation; feeds
//! the review page, `review.csv`, `atlas.json` and `skills-atlas check`.

mod checks;
mod criteria;
pub(crate) mod csv;
pub mod duplicates;
mod lint;
pub(crate) mod rubric;

pub(crate) use crate::diagnostics::Finding;
use crate::diagnostics::Severity;
use crate::model::Submission;
pub use criteria::Criterion;
pub use duplicates::{Pair, Scope};
use rayon::prelude::*;
pub use rubric::Rubric;
use serde::Serialize;

/// One submission's review.
#[derive(Debug, Clone, Serialize)]
pub struct Review {
    pub score: u32,
    pub max_score: u32,
    pub rubric: Vec<Criterion>,
    /// Required sections not found, by title.
    pub missing: Vec<String>,
    pub findings: Vec<Finding>,
    /// Sources of the submissions this one nearly duplicates.
    pub near_duplicates: Vec<String>,
}

impl Review {
    pub fn count(&self, severity: Severity) -> usize {
        self.findings.iter().filter(|f| f.severity == severity).count()
    }
}

/// The cohort's reviews, aligned with the submissions, and the pairs.
#[derive(Debug, Default)]
pub(crate) struct CohortReview {
    pub reviews: Vec<Review>,
    pub near_duplicates: Vec<Pair>,
}

/// Review every submission and look for near duplicates across them, the
/// two side by side: each is the same on any number of threads.
pub(crate) fn review_cohort(subs: &[Submission], rubric: &Rubric) -> CohortReview {
    let (mut reviews, near_duplicates) = rayon::join(
        || subs.par_iter().map(|s| review_submission(s, rubric)).collect::<Vec<Review>>(),
        || duplicates::near_duplicates(subs, &rubric.near_duplicates),
    );
    let index: std::collections::HashMap<&str, usize> =
        subs.iter().enumerate().map(|(i, s)| (s.source.as_str(), i)).collect();
    for p in &near_duplicates {
        for (me, other) in [(&p.a, &p.b), (&p.b, &p.a)] {
            if let Some(&i) = index.get(me.as_str()) {
                reviews[i].near_duplicates.push(other.clone());
            }
        }
    }
    CohortReview { reviews, near_duplicates }
}

/// Findings listed per submission: a file of ten thousand placeholders
/// needs no ten thousand lines on every page that lists them.
pub(crate) const MAX_FINDINGS: usize = 200;

/// The first [`MAX_FINDINGS`] findings, errors first, and one saying how
/// many more there were.
fn cap_findings(findings: &mut Vec<Finding>) {
    if findings.len() <= MAX_FINDINGS {
        return;
    }
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.cmp(b)));
    let more = findings.len() - MAX_FINDINGS;
    let path = findings[0].path.clone();
    findings.truncate(MAX_FINDINGS);
    findings.sort();
    let message = format!("{more} more findings like these are not listed: fix the ones above and check again");
    findings.push(Finding::new("more", &path, 0, Severity::Warning, message));
}

/// Rubric, missing sections and findings of one submission: the load
/// stage's findings and this stage's, each fact once.
pub fn review_submission(sub: &Submission, rubric: &Rubric) -> Review {
    let files = lint::answer_files(sub);
    let map = lint::SectionMap::of(sub);
    let required = rubric.required();
    let crit = rubric.score(sub, &map);
    let (missing, mut findings) = checks::missing(sub, &map, &required);
    findings.extend(sub.findings.iter().cloned());
    if !files.is_empty() {
        // Read once, for every check on the text.
        let lines = lint::prose_lines(sub, &files);
        findings.extend(lint::text_findings(sub, &lines, &map));
        findings.extend(checks::had_and_lacking(sub, &map, &files, &lines));
        findings.extend(checks::posting_links(sub, &map, &files, &lines));
    }
    crate::diagnostics::merge(&mut findings);
    cap_findings(&mut findings);
    Review {
        score: crit.iter().map(|c| c.points).sum(),
        max_score: crit.iter().map(|c| c.max).sum(),
        rubric: crit,
        missing,
        findings,
        near_duplicates: Vec::new(),
    }
}
