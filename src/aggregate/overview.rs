//! The overview's counts for instructors: how many submissions complete
//! each task of the lab, how many have errors, how many near-duplicate
//! pairs there are, and the market gap (the skills the class's postings ask
//! for most, against the share of the class that has and lacks them).
//!
//! Counted after review, from what it reports: a section is present when
//! the review's rubric says so; a section the rubric does not check counts
//! as present when the extractor found its heading.

use super::{Cohort, name_order};
use crate::diagnostics::Severity;
use crate::extract::Section;
use crate::model::Submission;
use crate::review::{CohortReview, Review, rubric::section_of};
use serde::Serialize;

/// The lab's tasks and the sections each needs, in the assignment's order.
pub(crate) const TASKS: [(&str, &[Section]); 3] = [
    (
        "Task 1: architecture",
        &[
            Section::Product,
            Section::MainComponents,
            Section::DataFlow,
            Section::Deployment,
            Section::Assumptions,
            Section::OpenQuestions,
        ],
    ),
    ("Task 2: components, roles and skills", &[Section::Components, Section::Responsibilities, Section::CommonSkills]),
    (
        "Task 3: my role and the market",
        &[Section::ChosenRole, Section::SkillsHave, Section::SkillsLack, Section::JobMarket, Section::Reflection],
    ),
];

/// Rows of the market-gap table.
pub(crate) const MARKET_ROWS: usize = 20;

#[derive(Debug, Clone, Serialize)]
pub(crate) struct Overview {
    pub submissions: usize,
    /// Distinct students (authors).
    pub students: usize,
    pub tasks: Vec<TaskDone>,
    /// Submissions complete in every task.
    pub all_tasks: usize,
    /// Submissions with at least one error among their findings.
    pub with_errors: usize,
    pub near_duplicate_pairs: usize,
    /// The skills most postings ask for, most first (ties by name).
    pub market_gap: Vec<MarketRow>,
}

#[derive(Debug, Clone, Serialize)]
pub(crate) struct TaskDone {
    pub title: &'static str,
    /// The sections it needs, by title.
    pub sections: Vec<&'static str>,
    /// Submissions with every one of them.
    pub complete: usize,
}

/// A skill the class's postings ask for, against the class.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct MarketRow {
    pub name: String,
    pub slug: String,
    /// Postings asking for it.
    pub postings: usize,
    /// Students who have it / lack it, each once, and their share of the
    /// class's students in whole percent.
    pub have: usize,
    pub lack: usize,
    pub have_percent: u32,
    pub lack_percent: u32,
}

/// The overview's counts: one pass over the reviews, one sort of the skills.
pub(crate) fn overview(subs: &[Submission], cohort: &Cohort, review: &CohortReview) -> Overview {
    let mut complete = [0usize; TASKS.len()];
    let (mut all_tasks, mut with_errors) = (0, 0);
    for (s, r) in subs.iter().zip(&review.reviews) {
        let mut all = true;
        for (n, (_, sections)) in complete.iter_mut().zip(TASKS) {
            if sections.iter().all(|&x| present(s, r, x)) {
                *n += 1;
            } else {
                all = false;
            }
        }
        all_tasks += usize::from(all);
        with_errors += usize::from(r.findings.iter().any(|f| f.severity == Severity::Error));
    }
    let tasks = TASKS
        .iter()
        .zip(complete)
        .map(|((title, sections), complete)| TaskDone {
            title,
            sections: sections.iter().map(|s| s.title()).collect(),
            complete,
        })
        .collect();
    Overview {
        submissions: subs.len(),
        students: cohort.students,
        tasks,
        all_tasks,
        with_errors,
        near_duplicate_pairs: review.near_duplicates.len(),
        market_gap: market_gap(cohort, MARKET_ROWS),
    }
}

/// Whether submission `s` has section `x`: the review's verdict where its
/// rubric checks the section, else a section the extractor found.
fn present(s: &Submission, r: &Review, x: Section) -> bool {
    let checked = r.rubric.iter().find(|c| c.id.strip_prefix("section:").and_then(section_of) == Some(x));
    match checked {
        Some(c) => c.passed,
        None => s.sections.iter().any(|a| a.section == x),
    }
}

/// The `top` skills most postings ask for (ties in name order).
fn market_gap(cohort: &Cohort, top: usize) -> Vec<MarketRow> {
    let mut asked: Vec<_> = cohort.skills.iter().filter(|k| k.postings > 0).collect();
    asked.sort_by(|a, b| b.postings.cmp(&a.postings).then_with(|| name_order(&a.name, &b.name)));
    asked.truncate(top);
    // Rounded half up; none of no students.
    let percent = |n: usize| (n * 100 + cohort.students / 2).checked_div(cohort.students).unwrap_or(0) as u32;
    asked
        .into_iter()
        .map(|k| MarketRow {
            name: k.name.clone(),
            slug: k.slug.clone(),
            postings: k.postings,
            have: k.have.len(),
            lack: k.lack.len(),
            have_percent: percent(k.have.len()),
            lack_percent: percent(k.lack.len()),
        })
        .collect()
}
