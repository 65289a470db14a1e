//! What list pages read of the cohort: one row per role, skill, component
//! and product, with counts where the cohort has lists of who (the
//! aggregate stage's counts: students are distinct authors). Serialising
//! those lists into every list page's context cost more than the rest of
//! the render at 10,000 submissions.

use crate::aggregate::{Cohort, Count, Overview, SkillAgg, Tally, Unknown};
use crate::model::Submission;
use crate::review::CohortReview;
use serde::Serialize;

#[derive(Serialize)]
pub(crate) struct Summary<'a> {
    pub submissions: usize,
    /// Distinct students (authors) behind the submissions.
    pub students: usize,
    pub roles: Vec<RoleRow<'a>>,
    pub skills: Vec<SkillRow<'a>>,
    pub components: Vec<ComponentRow<'a>>,
    pub products: Vec<ProductRow<'a>>,
    pub unknown: &'a [Unknown],
    /// The overview's completion summary and market gap.
    pub overview: Overview,
}

#[derive(Serialize)]
pub(crate) struct RoleRow<'a> {
    name: &'a str,
    slug: &'a str,
    /// Students who chose it.
    chosen: usize,
    mentioned_by: usize,
    /// Components that need it, most students first.
    components: &'a [Tally],
}

#[derive(Serialize)]
pub(crate) struct SkillRow<'a> {
    name: &'a str,
    slug: &'a str,
    category: Option<&'a str>,
    /// Students who have / lack it / list it as common to all roles.
    have: usize,
    lack: usize,
    common: usize,
    postings: usize,
}

#[derive(Serialize)]
pub(crate) struct ComponentRow<'a> {
    name: &'a str,
    slug: &'a str,
    submissions: usize,
    names: &'a [Count],
    roles: Vec<RoleCountRow<'a>>,
}

#[derive(Serialize)]
pub(crate) struct RoleCountRow<'a> {
    name: &'a str,
    slug: &'a str,
    /// Mentions, and the students behind them.
    count: usize,
    students: usize,
}

#[derive(Serialize)]
pub(crate) struct ProductRow<'a> {
    name: &'a str,
    slug: &'a str,
    /// How many submissions chose it / components they mapped.
    submissions: usize,
    components: usize,
}

pub(crate) fn summary<'a>(cohort: &'a Cohort, subs: &[Submission], review: &CohortReview) -> Summary<'a> {
    Summary {
        submissions: subs.len(),
        students: cohort.students,
        roles: cohort
            .roles
            .iter()
            .map(|r| RoleRow {
                name: &r.name,
                slug: &r.slug,
                chosen: r.chosen_by.len(),
                mentioned_by: r.mentioned_by,
                components: &r.components,
            })
            .collect(),
        skills: cohort
            .skills
            .iter()
            .map(|k| SkillRow {
                name: &k.name,
                slug: &k.slug,
                category: k.category.as_deref(),
                have: k.have.len(),
                lack: k.lack.len(),
                common: k.common_students,
                postings: k.postings,
            })
            .collect(),
        components: cohort
            .components
            .iter()
            .map(|c| ComponentRow {
                name: &c.name,
                slug: &c.slug,
                submissions: c.submissions,
                names: &c.names,
                roles: c
                    .roles
                    .iter()
                    .map(|r| RoleCountRow { name: &r.name, slug: &r.slug, count: r.count, students: r.students })
                    .collect(),
            })
            .collect(),
        products: cohort
            .products
            .iter()
            .map(|p| ProductRow {
                name: &p.name,
                slug: &p.slug,
                submissions: p.submissions.len(),
                components: p.components.len(),
            })
            .collect(),
        unknown: &cohort.unknown,
        overview: crate::aggregate::overview(subs, cohort, review),
    }
}

/// Postings a skill page lists, at most: a class's fit (and more than a
/// reader scans); at 10,000 submissions one skill has thousands.
pub(crate) const SKILL_POSTINGS: usize = 200;

/// A skill's page: the skill, and the postings that ask for it.
#[derive(Serialize)]
pub(crate) struct SkillPage<'a> {
    skill: &'a SkillAgg,
    /// The first [`SKILL_POSTINGS`], in submission order.
    postings: Vec<PostingRow<'a>>,
    /// How many more ask for it.
    more: usize,
}

/// A posting on a skill's page, with whose submission lists it.
#[derive(Serialize)]
pub(crate) struct PostingRow<'a> {
    id: &'a str,
    author: &'a str,
    source: &'a str,
    title: &'a str,
    /// Empty when not named.
    company: &'a str,
    /// Only a web address: anything else is no link.
    url: Option<&'a str>,
}

pub(crate) fn skill_page<'a>(skill: &'a SkillAgg, subs: &'a [Submission]) -> SkillPage<'a> {
    let web = |u: &&str| u.starts_with("https://") || u.starts_with("http://");
    let postings = skill
        .asked
        .iter()
        .take(SKILL_POSTINGS)
        .filter_map(|at| {
            let s = subs.get(at.sub as usize)?;
            let p = s.postings.get(at.posting as usize)?;
            Some(PostingRow {
                id: &s.id,
                author: &s.author,
                source: &s.source,
                title: &p.title,
                company: p.company.as_deref().unwrap_or(""),
                url: p.url.as_deref().filter(web),
            })
        })
        .collect();
    SkillPage { skill, more: skill.asked.len().saturating_sub(SKILL_POSTINGS), postings }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::aggregate::tests::{cohort_of, sub};

    #[test]
    fn a_skill_page_lists_the_first_postings_and_counts_the_rest() {
        let many: Vec<&[&str]> = vec![&["Go", "Go"]; SKILL_POSTINGS + 3];
        let subs = vec![sub("a", None, None, &[], &[], &many, &[]), sub("b", None, None, &[], &[], &[&["Go"]], &[])];
        let cohort = cohort_of(&subs);
        let go = cohort.skills.iter().find(|k| k.name == "Go").unwrap();
        // A posting naming Go twice asks once.
        assert_eq!(go.postings, SKILL_POSTINGS + 4);
        let page = skill_page(go, &subs);
        assert_eq!((page.postings.len(), page.more), (SKILL_POSTINGS, 4));
        assert!(page.postings.iter().all(|p| p.id == "a" && p.title == "Job"));
    }
}
