//! What job postings ask for, per chosen role, and each submission's skills
//! against it (its page's gap): counted once per build, compared per page.

use super::{Distinct, Sub, by_count};
use crate::model::{SkillItem, Submission};
use crate::text::FxMap;
use serde::Serialize;

/// Skills a submission's gap compares: the ones postings ask for most.
pub(crate) const GAP_SKILLS: usize = 8;

/// The skills postings ask for most, among some postings.
#[derive(Debug, Clone, Default)]
struct Basis {
    /// Students who collected the postings.
    students: usize,
    postings: usize,
    /// (skill, postings asking for it), most asked first.
    top: Vec<(String, usize)>,
}

/// Counts a [`Basis`]; a student's submissions are added together.
#[derive(Default)]
pub(super) struct BasisAcc<'a> {
    students: Distinct,
    postings: usize,
    skills: FxMap<&'a str, usize>,
}

impl<'a> BasisAcc<'a> {
    pub(super) fn add(&mut self, s: &'a Submission, student: Sub) {
        if !s.postings.is_empty() {
            self.students.add(student);
        }
        for p in &s.postings {
            self.postings += 1;
            for (i, k) in p.skills.iter().enumerate() {
                // A skill named twice in one posting is asked for once.
                if !p.skills[..i].contains(k) {
                    *self.skills.entry(k.as_str()).or_default() += 1;
                }
            }
        }
    }

    fn finish(self) -> Basis {
        let mut top: Vec<(String, usize)> = self.skills.into_iter().map(|(k, n)| (k.to_string(), n)).collect();
        by_count(&mut top);
        top.truncate(GAP_SKILLS);
        Basis { students: self.students.n, postings: self.postings, top }
    }
}

/// Per chosen role (and cohort-wide), the skills the postings collected by
/// students who chose it ask for most.
#[derive(Debug, Clone, Default)]
pub(crate) struct GapIndex {
    by_role: FxMap<String, Basis>,
    cohort: Basis,
}

/// Whether a student lists a skill as had, as lacking, or neither.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Status {
    Have,
    Lack,
    Unlisted,
}

/// One compared skill: how many postings ask for it, and the student's status.
#[derive(Debug)]
pub(crate) struct GapSkill<'a> {
    pub(crate) name: &'a str,
    pub(crate) asked: usize,
    pub(crate) status: Status,
}

/// One student's skills against what postings ask for (submission page).
#[derive(Serialize, Debug)]
pub(crate) struct Gap<'a> {
    /// The student's chosen role, canonical.
    pub(crate) chosen: Option<String>,
    /// The role whose postings are compared; `None` when cohort-wide.
    pub(crate) role: Option<String>,
    /// Why the comparison is cohort-wide: `no-role` (no recognised chosen
    /// role) or `no-postings` (no posting for it names a known skill).
    pub(crate) fallback: Option<&'static str>,
    /// Of the compared skills: how many the student has, lacks, or does not mention.
    pub(crate) have: usize,
    pub(crate) lack: usize,
    pub(crate) unmentioned: usize,
    pub(crate) total: usize,
    /// Postings, and the students who collected them, the compared skills
    /// were counted from.
    pub(crate) postings: usize,
    pub(crate) students: usize,
    /// The compared skills, most asked for first.
    #[serde(skip)]
    pub(crate) skills: Vec<GapSkill<'a>>,
}

impl GapIndex {
    pub(super) fn new<'a>(by_role: FxMap<&'a str, BasisAcc<'a>>, cohort: BasisAcc<'a>) -> GapIndex {
        GapIndex {
            by_role: by_role.into_iter().map(|(r, a)| (r.to_string(), a.finish())).collect(),
            cohort: cohort.finish(),
        }
    }

    /// `s`'s skills against the postings for its chosen role (else the cohort's).
    pub(crate) fn gap(&self, s: &Submission) -> Gap<'_> {
        let chosen = s.chosen_role.as_ref().and_then(|c| c.canonical.clone());
        let for_role = chosen.as_ref().and_then(|r| self.by_role.get(r)).filter(|b| !b.top.is_empty());
        let (basis, role, fallback) = match (&chosen, for_role) {
            (Some(r), Some(b)) => (b, Some(r.clone()), None),
            (Some(_), None) => (&self.cohort, None, Some("no-postings")),
            (None, _) => (&self.cohort, None, Some("no-role")),
        };
        let has = |list: &[SkillItem], k: &str| list.iter().any(|i| i.skills.iter().any(|x| x == k));
        let skills: Vec<GapSkill> = basis
            .top
            .iter()
            .map(|(k, n)| {
                let status = if has(&s.skills_have, k) {
                    Status::Have
                } else if has(&s.skills_lack, k) {
                    Status::Lack
                } else {
                    Status::Unlisted
                };
                GapSkill { name: k, asked: *n, status }
            })
            .collect();
        let count = |st| skills.iter().filter(|x| x.status == st).count();
        Gap {
            chosen,
            role,
            fallback,
            have: count(Status::Have),
            lack: count(Status::Lack),
            unmentioned: count(Status::Unlisted),
            total: skills.len(),
            postings: basis.postings,
            students: basis.students,
            skills,
        }
    }
}
