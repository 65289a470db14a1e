//! The counting pass: every submission once, each student's together,
//! noting submission numbers under names borrowed from the submissions.

use super::gaps::BasisAcc;
use super::heat::HeatAcc;
use super::{Distinct, Keys, PostingAt, Students, Sub, title};
use crate::model::Submission;
use crate::text::{FxMap, FxSet};

#[derive(Default)]
pub(super) struct RoleAcc<'a> {
    pub(super) chosen_by: Vec<Sub>,
    /// Keyed by the component's title as it stood when the role was counted.
    pub(super) components: FxMap<&'a str, Mentions>,
    pub(super) responsibilities: Vec<(Sub, &'a str)>,
    /// The submissions naming the role, by id (see [`accumulate`]).
    pub(super) mentioned_by: Vec<Sub>,
}

/// Mentions of a name and the students behind them.
#[derive(Default, Clone, Copy)]
pub(super) struct Mentions {
    pub(super) count: usize,
    pub(super) students: Distinct,
}

impl Mentions {
    fn add(&mut self, student: Sub) {
        self.count += 1;
        self.students.add(student);
    }
}

#[derive(Default)]
pub(super) struct ComponentAcc<'a> {
    /// The first non-empty title under this key.
    pub(super) title: &'a str,
    pub(super) names: FxMap<&'a str, usize>,
    /// Per role, a submission for each time it assigned the role here.
    pub(super) roles: FxMap<&'a str, Vec<Sub>>,
    pub(super) products: FxMap<&'a str, usize>,
    /// The submissions mapping the component, by id (see [`accumulate`]).
    pub(super) submissions: Vec<Sub>,
    pub(super) students: Distinct,
}

pub(super) struct ProductAcc<'a> {
    /// The first display name under this slug.
    pub(super) name: &'a str,
    pub(super) submissions: Vec<Sub>,
    pub(super) components: FxMap<&'a str, Mentions>,
    pub(super) heat: HeatAcc<'a>,
}

#[derive(Default)]
pub(super) struct SkillAcc {
    pub(super) have: Vec<Sub>,
    pub(super) lack: Vec<Sub>,
    /// The submissions listing it as common to all roles, each once.
    pub(super) common: Vec<Sub>,
    /// The postings asking for it.
    pub(super) asked: Vec<PostingAt>,
}

/// Everything counted, before the views are built.
#[derive(Default)]
pub(super) struct Acc<'a> {
    pub(super) roles: FxMap<&'a str, RoleAcc<'a>>,
    pub(super) skills: FxMap<&'a str, SkillAcc>,
    pub(super) components: FxMap<&'a str, ComponentAcc<'a>>,
    pub(super) products: FxMap<&'a str, ProductAcc<'a>>,
    pub(super) unknown: FxMap<(&'static str, &'a str), Vec<Sub>>,
    /// Students with a recognised chosen role.
    pub(super) chose: Distinct,
    /// Postings per chosen role, and the cohort's.
    pub(super) asked: FxMap<&'a str, BasisAcc<'a>>,
    pub(super) asked_all: BasisAcc<'a>,
}

/// Count everything, in [`Students::order`].
pub(super) fn accumulate<'a>(subs: &'a [Submission], keys: &'a [Keys], students: &Students) -> Acc<'a> {
    let mut acc = Acc::default();
    // Sets of submissions count ids, which may repeat: each submission is
    // noted by the first with its id.
    let mut first: FxMap<&str, Sub> = FxMap::default();
    let ids: Vec<Sub> = subs.iter().zip(0..).map(|(s, i)| *first.entry(s.id.as_str()).or_insert(i)).collect();
    let mut seen: FxSet<&str> = FxSet::default();
    for &me in &students.order {
        let (s, k) = (&subs[me as usize], &keys[me as usize]);
        let (id, student) = (ids[me as usize], students.of[me as usize]);
        components(&mut acc, s, k, me, id, student);
        for r in &s.responsibilities {
            for canon in &r.canonical {
                let ra = acc.roles.entry(canon).or_default();
                note(&mut ra.mentioned_by, id);
                ra.responsibilities.extend(r.items.iter().map(|item| (me, item.as_str())));
            }
        }
        let chosen = s.chosen_role.as_ref().and_then(|cr| match &cr.canonical {
            Some(canon) => Some(canon.as_str()),
            None => {
                acc.unknown.entry(("chosen role", &cr.name)).or_default().push(me);
                None
            }
        });
        if let Some(canon) = chosen {
            acc.roles.entry(canon).or_default().chosen_by.push(me);
            acc.chose.add(student);
            acc.asked.entry(canon).or_default().add(s, student);
        }
        acc.asked_all.add(s, student);
        skills(&mut acc, &mut seen, s, me);
        if let (Some(p), Some(key)) = (&s.product, &k.product) {
            // Keyed by slug, like components: "Go!" and "Go?" are one page.
            let e = acc.products.entry(key).or_insert_with(|| ProductAcc {
                name: p,
                submissions: Vec::new(),
                components: FxMap::default(),
                heat: HeatAcc::default(),
            });
            e.submissions.push(me);
            for c in &s.components {
                e.components.entry(title(c)).or_default().add(student);
            }
            e.heat.add(s, &k.components, student);
        }
    }
    acc
}

/// A submission's components and the roles assigned to them.
fn components<'a>(acc: &mut Acc<'a>, s: &'a Submission, k: &'a Keys, me: Sub, id: Sub, student: Sub) {
    let Acc { roles, components, unknown, .. } = acc;
    for (c, key) in s.components.iter().zip(&k.components) {
        if c.kind.is_none() {
            unknown.entry(("component", &c.name)).or_default().push(me);
        }
        // Keyed by slug: "Database" and "database" are one page.
        let comp = components.entry(key).or_default();
        if comp.title.is_empty() {
            comp.title = title(c);
        }
        *comp.names.entry(&c.name).or_default() += 1;
        note(&mut comp.submissions, id);
        comp.students.add(student);
        if let Some(p) = &s.product {
            *comp.products.entry(p).or_default() += 1;
        }
        for r in &c.roles {
            if r.canonical.is_empty() {
                unknown.entry(("role", &r.name)).or_default().push(me);
            }
            for canon in &r.canonical {
                comp.roles.entry(canon).or_default().push(me);
                let ra = roles.entry(canon).or_default();
                ra.components.entry(comp.title).or_default().add(student);
                note(&mut ra.mentioned_by, id);
            }
        }
    }
}

/// A submission's skills had, lacked, common to all roles and asked for.
fn skills<'a>(acc: &mut Acc<'a>, seen: &mut FxSet<&'a str>, s: &'a Submission, me: Sub) {
    let Acc { skills, unknown, .. } = acc;
    for (list, which) in [(&s.skills_have, 0), (&s.skills_lack, 1), (&s.common_skills, 2)] {
        seen.clear();
        for item in list {
            for k in &item.skills {
                if !seen.insert(k) {
                    continue;
                }
                let agg = skills.entry(k).or_default();
                match which {
                    0 => agg.have.push(me),
                    1 => agg.lack.push(me),
                    _ => agg.common.push(me),
                }
            }
            if item.skills.is_empty() && which < 2 {
                unknown.entry(("skill", &item.name)).or_default().push(me);
            }
        }
    }
    for (p, posting) in s.postings.iter().zip(0..) {
        for (i, k) in p.skills.iter().enumerate() {
            // A skill named twice in one posting is asked for once.
            if !p.skills[..i].contains(k) {
                skills.entry(k).or_default().asked.push(PostingAt { sub: me, posting });
            }
        }
    }
}

/// Note submission `id` in a set kept as a list: repeats are mostly adjacent.
fn note(set: &mut Vec<Sub>, id: Sub) {
    if set.last() != Some(&id) {
        set.push(id);
    }
}
