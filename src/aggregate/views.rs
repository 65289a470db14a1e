//! The views, each in name order, built from what [`super::count`] counted.

use super::count::{Acc, Mentions};
use super::gaps::GapIndex;
use super::{
    Cohort, ComponentAgg, Count, ProductAgg, Quote, RoleAgg, RoleCount, SkillAgg, StudentRef, Students, Sub, SubRef,
    Tally, Unknown, name_order,
};
use crate::discover::slug;
use crate::model::Submission;
use crate::normalize::Taxonomy;
use crate::text::FxMap;
use rayon::prelude::*;

pub(super) fn build(acc: Acc<'_>, subs: &[Submission], students: &Students, tax: &Taxonomy) -> Cohort {
    let refs = |list: &[Sub]| -> Vec<SubRef> { list.iter().map(|&i| sub_ref(&subs[i as usize])).collect() };
    let who = |list: &[Sub]| who(list, subs, &students.of);
    let roles = by_name(acc.roles)
        .into_par_iter()
        .map(|(name, a)| RoleAgg {
            name: name.to_string(),
            slug: slug(name),
            chosen_by: who(&a.chosen_by),
            components: tallies(a.components),
            responsibilities: a
                .responsibilities
                .iter()
                .map(|&(i, text)| Quote { by: sub_ref(&subs[i as usize]), text: text.to_string() })
                .collect(),
            mentioned_by: distinct(a.mentioned_by),
        })
        .collect();
    let skills = by_name(acc.skills)
        .into_par_iter()
        .map(|(name, a)| {
            let common_by = who(&a.common);
            SkillAgg {
                name: name.to_string(),
                slug: slug(name),
                category: tax.skill_category(name).map(str::to_string),
                have: who(&a.have),
                lack: who(&a.lack),
                common: a.common.len(),
                common_students: common_by.len(),
                common_by,
                postings: a.asked.len(),
                asked: a.asked,
            }
        })
        .collect();
    let components = by_name(acc.components)
        .into_par_iter()
        .map(|(key, a)| {
            let mut roles: Vec<RoleCount> = a
                .roles
                .into_iter()
                .map(|(r, mentions)| {
                    let by = who(&mentions);
                    RoleCount { name: r.to_string(), slug: slug(r), count: mentions.len(), students: by.len(), by }
                })
                .collect();
            roles.sort_by(|x, y| (y.students, y.count).cmp(&(x.students, x.count)).then_with(|| x.name.cmp(&y.name)));
            ComponentAgg {
                name: a.title.to_string(),
                slug: key.to_string(),
                names: counts(a.names),
                roles,
                products: counts(a.products),
                submissions: distinct(a.submissions),
                students: a.students.n,
            }
        })
        .collect();
    let products = by_name(acc.products)
        .into_par_iter()
        .map(|(key, a)| ProductAgg {
            name: a.name.to_string(),
            slug: key.to_string(),
            submissions: refs(&a.submissions),
            components: tallies(a.components),
            heatmap: a.heat.finish(),
            diagrams: super::diagrams::component_diagrams(&a.submissions, subs),
        })
        .collect();
    let mut unknown: Vec<Unknown> = acc
        .unknown
        .into_iter()
        .map(|((kind, name), places)| Unknown {
            kind,
            name: name.to_string(),
            count: places.len(),
            places: who(&places),
        })
        .collect();
    unknown.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| (a.kind, &a.name).cmp(&(b.kind, &b.name))));
    Cohort {
        roles,
        skills,
        components,
        products,
        unknown,
        students: students.count,
        unchosen: students.count.saturating_sub(acc.chose.n),
        gaps: GapIndex::new(acc.asked, acc.asked_all),
    }
}

fn sub_ref(s: &Submission) -> SubRef {
    SubRef { id: s.id.clone(), author: s.author.clone() }
}

/// The students behind `list` (submissions in counting order, so each
/// student's entries are adjacent): each once, by their first submission
/// there, with any other after it.
fn who(list: &[Sub], subs: &[Submission], of: &[Sub]) -> Vec<StudentRef> {
    let mut out: Vec<StudentRef> = Vec::with_capacity(list.len());
    let (mut last_sub, mut last_student) = (Sub::MAX, Sub::MAX);
    for &i in list {
        if i == last_sub {
            continue;
        }
        let s = &subs[i as usize];
        let student = of[i as usize];
        match out.last_mut() {
            Some(prev) if student == last_student => prev.also.push(s.id.clone()),
            _ => out.push(StudentRef { id: s.id.clone(), author: s.author.clone(), also: Vec::new() }),
        }
        (last_sub, last_student) = (i, student);
    }
    out
}

/// How many distinct submissions a set noted.
fn distinct(mut set: Vec<Sub>) -> usize {
    set.sort_unstable();
    set.dedup();
    set.len()
}

/// A map's entries in name order ([`name_order`]).
fn by_name<V>(map: FxMap<&str, V>) -> Vec<(&str, V)> {
    let mut v: Vec<(&str, V)> = map.into_iter().collect();
    v.sort_unstable_by(|a, b| name_order(a.0, b.0));
    v
}

/// Counts, most common first, ties by name.
fn counts(map: FxMap<&str, usize>) -> Vec<Count> {
    let mut v: Vec<(&str, usize)> = map.into_iter().collect();
    v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    v.into_iter().map(|(name, count)| Count { name: name.to_string(), slug: slug(name), count }).collect()
}

/// Tallies, most students first, then most mentions, ties by name.
fn tallies(map: FxMap<&str, Mentions>) -> Vec<Tally> {
    let mut v: Vec<(&str, Mentions)> = map.into_iter().collect();
    let key = |m: &Mentions| (m.students.n, m.count);
    v.sort_unstable_by(|a, b| key(&b.1).cmp(&key(&a.1)).then_with(|| a.0.cmp(b.0)));
    v.into_iter()
        .map(|(name, m)| Tally { name: name.to_string(), slug: slug(name), count: m.count, students: m.students.n })
        .collect()
}
