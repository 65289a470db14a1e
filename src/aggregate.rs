//! Aggregate stage: submissions -> cohort-wide views keyed by canonical name.
//!
//! Everything is collected into `BTreeMap`s and lists follow submission
//! order (sorted by source), so output never depends on thread count.

use crate::discover::slug;
use crate::model::Submission;
use crate::normalize::Taxonomy;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct SubRef {
    pub id: String,
    pub author: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub name: String,
    pub slug: String,
    pub count: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleAgg {
    pub name: String,
    pub slug: String,
    pub chosen_by: Vec<SubRef>,
    /// Components (by kind or name) students assigned this role to.
    pub components: Vec<Count>,
    pub responsibilities: Vec<Quote>,
    /// Submissions that name the role anywhere in their mapping.
    pub mentioned_by: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct Quote {
    pub by: SubRef,
    pub text: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct SkillAgg {
    pub name: String,
    pub slug: String,
    pub category: Option<String>,
    pub have: Vec<SubRef>,
    pub lack: Vec<SubRef>,
    /// Submissions listing it among the skills common to all roles.
    pub common: usize,
    /// Job postings (across the cohort) that ask for it.
    pub postings: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComponentAgg {
    pub name: String,
    pub slug: String,
    /// How students named it, most common first.
    pub names: Vec<Count>,
    pub roles: Vec<RoleCount>,
    pub products: Vec<Count>,
    pub submissions: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleCount {
    pub name: String,
    pub slug: String,
    pub count: usize,
    pub by: Vec<SubRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProductAgg {
    pub name: String,
    pub slug: String,
    pub submissions: Vec<SubRef>,
    pub components: Vec<Count>,
}

/// A name the taxonomy did not recognise, with where it appears.
#[derive(Debug, Clone, Serialize)]
pub struct Unknown {
    pub kind: &'static str,
    pub name: String,
    pub count: usize,
    pub places: Vec<SubRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cohort {
    pub roles: Vec<RoleAgg>,
    pub skills: Vec<SkillAgg>,
    pub components: Vec<ComponentAgg>,
    pub products: Vec<ProductAgg>,
    pub unknown: Vec<Unknown>,
}

#[derive(Default)]
struct RoleAcc {
    chosen_by: Vec<SubRef>,
    components: BTreeMap<String, usize>,
    responsibilities: Vec<Quote>,
    mentioned_by: std::collections::BTreeSet<String>,
}

/// Display name, submissions, component counts.
type ProductAcc = (String, Vec<SubRef>, BTreeMap<String, usize>);

#[derive(Default)]
struct ComponentAcc {
    title: String,
    names: BTreeMap<String, usize>,
    roles: BTreeMap<String, Vec<SubRef>>,
    products: BTreeMap<String, usize>,
    submissions: std::collections::BTreeSet<String>,
}

pub fn aggregate(subs: &[Submission], tax: &Taxonomy) -> Cohort {
    let mut roles: BTreeMap<String, RoleAcc> = BTreeMap::new();
    let mut skills: BTreeMap<String, SkillAgg> = BTreeMap::new();
    let mut components: BTreeMap<String, ComponentAcc> = BTreeMap::new();
    let mut products: BTreeMap<String, ProductAcc> = BTreeMap::new();
    let mut unknown: BTreeMap<(&'static str, String), Vec<SubRef>> = BTreeMap::new();

    for s in subs {
        let me = SubRef { id: s.id.clone(), author: s.author.clone() };
        for c in &s.components {
            let title = c.kind.clone().unwrap_or_else(|| c.name.clone());
            // Keyed by slug: "Database" and "database" are one page.
            let key = slug(&title);
            if c.kind.is_none() {
                unknown.entry(("component", c.name.clone())).or_default().push(me.clone());
            }
            let acc = components.entry(key.clone()).or_default();
            if acc.title.is_empty() {
                acc.title = title;
            }
            *acc.names.entry(c.name.clone()).or_default() += 1;
            acc.submissions.insert(s.id.clone());
            if let Some(p) = &s.product {
                *acc.products.entry(p.clone()).or_default() += 1;
            }
            for r in &c.roles {
                if r.canonical.is_empty() {
                    unknown.entry(("role", r.name.clone())).or_default().push(me.clone());
                }
                for canon in &r.canonical {
                    acc.roles.entry(canon.clone()).or_default().push(me.clone());
                    let ra = roles.entry(canon.clone()).or_default();
                    *ra.components.entry(acc.title.clone()).or_default() += 1;
                    ra.mentioned_by.insert(s.id.clone());
                }
            }
        }
        for r in &s.responsibilities {
            for canon in &r.canonical {
                let ra = roles.entry(canon.clone()).or_default();
                ra.mentioned_by.insert(s.id.clone());
                for item in &r.items {
                    ra.responsibilities.push(Quote { by: me.clone(), text: item.clone() });
                }
            }
        }
        if let Some(cr) = &s.chosen_role {
            match &cr.canonical {
                Some(canon) => roles.entry(canon.clone()).or_default().chosen_by.push(me.clone()),
                None => unknown.entry(("chosen role", cr.name.clone())).or_default().push(me.clone()),
            }
        }
        for (list, which) in [(&s.skills_have, 0), (&s.skills_lack, 1), (&s.common_skills, 2)] {
            let mut seen = std::collections::BTreeSet::new();
            for item in list {
                for k in &item.skills {
                    if !seen.insert(k.clone()) {
                        continue;
                    }
                    let agg = skill_entry(&mut skills, tax, k);
                    match which {
                        0 => agg.have.push(me.clone()),
                        1 => agg.lack.push(me.clone()),
                        _ => agg.common += 1,
                    }
                }
                if item.skills.is_empty() && which < 2 {
                    unknown.entry(("skill", item.name.clone())).or_default().push(me.clone());
                }
            }
        }
        for p in &s.postings {
            for k in &p.skills {
                skill_entry(&mut skills, tax, k).postings += 1;
            }
        }
        if let Some(p) = &s.product {
            // Keyed by slug, like components: "Go!" and "Go?" are one page.
            let e = products.entry(slug(p)).or_insert_with(|| (p.clone(), Vec::new(), BTreeMap::new()));
            e.1.push(me.clone());
            for c in &s.components {
                *e.2.entry(c.kind.clone().unwrap_or_else(|| c.name.clone())).or_default() += 1;
            }
        }
    }

    Cohort {
        roles: roles
            .into_iter()
            .map(|(name, a)| RoleAgg {
                slug: slug(&name),
                chosen_by: a.chosen_by,
                components: counts(a.components),
                responsibilities: a.responsibilities,
                mentioned_by: a.mentioned_by.len(),
                name,
            })
            .collect(),
        skills: skills.into_values().collect(),
        components: components
            .into_iter()
            .map(|(key, a)| {
                let mut roles: Vec<RoleCount> = a
                    .roles
                    .into_iter()
                    .map(|(r, by)| RoleCount { slug: slug(&r), count: by.len(), name: r, by })
                    .collect();
                roles.sort_by(|x, y| y.count.cmp(&x.count).then_with(|| x.name.cmp(&y.name)));
                ComponentAgg {
                    slug: key,
                    names: counts(a.names),
                    roles,
                    products: counts(a.products),
                    submissions: a.submissions.len(),
                    name: a.title,
                }
            })
            .collect(),
        products: products
            .into_iter()
            .map(|(key, (name, subs, comps))| ProductAgg {
                slug: key,
                submissions: subs,
                components: counts(comps),
                name,
            })
            .collect(),
        unknown: {
            let mut u: Vec<Unknown> = unknown
                .into_iter()
                .map(|((kind, name), mut places)| {
                    let count = places.len();
                    // Pushed in submission order: repeats within one submission are adjacent.
                    places.dedup();
                    Unknown { kind, count, name, places }
                })
                .collect();
            u.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| (a.kind, &a.name).cmp(&(b.kind, &b.name))));
            u
        },
    }
}

fn skill_entry<'a>(skills: &'a mut BTreeMap<String, SkillAgg>, tax: &Taxonomy, name: &str) -> &'a mut SkillAgg {
    skills.entry(name.to_string()).or_insert_with(|| SkillAgg {
        name: name.to_string(),
        slug: slug(name),
        category: tax.skill_category(name).map(str::to_string),
        have: vec![],
        lack: vec![],
        common: 0,
        postings: 0,
    })
}

/// Counts, most common first, ties by name.
fn counts(map: BTreeMap<String, usize>) -> Vec<Count> {
    let mut v: Vec<Count> = map.into_iter().map(|(name, count)| Count { slug: slug(&name), name, count }).collect();
    v.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.name.cmp(&b.name)));
    v
}
