//! Aggregate stage: submissions -> cohort-wide views keyed by canonical name.
//!
//! Three passes: the slugs each submission needs, in parallel; one pass in
//! submission order that only counts and notes submission numbers, under
//! names borrowed from the submissions; then each view is built, in
//! parallel, in name order (as a `BTreeMap` would hold it). Lists follow
//! submission order (sorted by source), so output never depends on thread
//! count.

use crate::discover::slug;
use crate::model::{Component, Submission};
use crate::normalize::{FxMap, FxSet, Taxonomy};
use rayon::prelude::*;
use serde::Serialize;

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

/// A submission, by its place in the cohort.
type Sub = u32;

/// The slugs one submission's entries are keyed by.
struct Keys {
    /// Per component, the slug of its title.
    components: Vec<String>,
    product: Option<String>,
}

#[derive(Default)]
struct RoleAcc<'a> {
    chosen_by: Vec<Sub>,
    /// Keyed by the component's title as it stood when the role was counted.
    components: FxMap<&'a str, usize>,
    responsibilities: Vec<(Sub, &'a str)>,
    /// The submissions naming the role, by id (see [`accumulate`]).
    mentioned_by: Vec<Sub>,
}

#[derive(Default)]
struct ComponentAcc<'a> {
    /// The first non-empty title under this key.
    title: &'a str,
    names: FxMap<&'a str, usize>,
    roles: FxMap<&'a str, Vec<Sub>>,
    products: FxMap<&'a str, usize>,
    /// The submissions mapping the component, by id (see [`accumulate`]).
    submissions: Vec<Sub>,
}

struct ProductAcc<'a> {
    /// The first display name under this slug.
    name: &'a str,
    submissions: Vec<Sub>,
    components: FxMap<&'a str, usize>,
}

#[derive(Default)]
struct SkillAcc {
    have: Vec<Sub>,
    lack: Vec<Sub>,
    common: usize,
    postings: usize,
}

/// Everything counted, before the views are built.
#[derive(Default)]
struct Acc<'a> {
    roles: FxMap<&'a str, RoleAcc<'a>>,
    skills: FxMap<&'a str, SkillAcc>,
    components: FxMap<&'a str, ComponentAcc<'a>>,
    products: FxMap<&'a str, ProductAcc<'a>>,
    unknown: FxMap<(&'static str, &'a str), Vec<Sub>>,
}

pub fn aggregate(subs: &[Submission], tax: &Taxonomy) -> Cohort {
    // Slugs cost the most per submission, and need nothing but it.
    let keys: Vec<Keys> = subs
        .par_iter()
        .map(|s| Keys {
            components: s.components.iter().map(|c| slug(title(c))).collect(),
            product: s.product.as_deref().map(slug),
        })
        .collect();
    let acc = accumulate(subs, &keys);
    build(acc, subs, tax)
}

/// A component's page title: its kind, else its name.
fn title(c: &Component) -> &str {
    c.kind.as_deref().unwrap_or(&c.name)
}

/// Count everything, in submission order.
fn accumulate<'a>(subs: &'a [Submission], keys: &'a [Keys]) -> Acc<'a> {
    let mut acc = Acc::default();
    let Acc { roles, skills, components, products, unknown } = &mut acc;
    // Sets of submissions count ids, which may repeat: each submission is
    // noted by the first with its id.
    let mut first: FxMap<&str, Sub> = FxMap::default();
    let ids: Vec<Sub> = subs.iter().zip(0..).map(|(s, i)| *first.entry(s.id.as_str()).or_insert(i)).collect();
    let mut seen: FxSet<&str> = FxSet::default();
    for ((s, k), me) in subs.iter().zip(keys).zip(0..) {
        let id = ids[me as usize];
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
                    *ra.components.entry(comp.title).or_default() += 1;
                    note(&mut ra.mentioned_by, id);
                }
            }
        }
        for r in &s.responsibilities {
            for canon in &r.canonical {
                let ra = roles.entry(canon).or_default();
                note(&mut ra.mentioned_by, id);
                ra.responsibilities.extend(r.items.iter().map(|item| (me, item.as_str())));
            }
        }
        if let Some(cr) = &s.chosen_role {
            match &cr.canonical {
                Some(canon) => roles.entry(canon).or_default().chosen_by.push(me),
                None => unknown.entry(("chosen role", &cr.name)).or_default().push(me),
            }
        }
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
                        _ => agg.common += 1,
                    }
                }
                if item.skills.is_empty() && which < 2 {
                    unknown.entry(("skill", &item.name)).or_default().push(me);
                }
            }
        }
        for p in &s.postings {
            for k in &p.skills {
                skills.entry(k).or_default().postings += 1;
            }
        }
        if let (Some(p), Some(key)) = (&s.product, &k.product) {
            // Keyed by slug, like components: "Go!" and "Go?" are one page.
            let e = products.entry(key).or_insert_with(|| ProductAcc {
                name: p,
                submissions: Vec::new(),
                components: FxMap::default(),
            });
            e.submissions.push(me);
            for c in &s.components {
                *e.components.entry(title(c)).or_default() += 1;
            }
        }
    }
    acc
}

/// Note submission `id` in a set kept as a list: repeats are mostly adjacent.
fn note(set: &mut Vec<Sub>, id: Sub) {
    if set.last() != Some(&id) {
        set.push(id);
    }
}

/// How many distinct submissions a set noted.
fn distinct(mut set: Vec<Sub>) -> usize {
    set.sort_unstable();
    set.dedup();
    set.len()
}

/// The views, each in name order.
fn build(acc: Acc<'_>, subs: &[Submission], tax: &Taxonomy) -> Cohort {
    let refs = |list: &[Sub]| -> Vec<SubRef> { list.iter().map(|&i| sub_ref(&subs[i as usize])).collect() };
    let roles = by_name(acc.roles)
        .into_par_iter()
        .map(|(name, a)| RoleAgg {
            name: name.to_string(),
            slug: slug(name),
            chosen_by: refs(&a.chosen_by),
            components: counts(a.components),
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
        .map(|(name, a)| SkillAgg {
            name: name.to_string(),
            slug: slug(name),
            category: tax.skill_category(name).map(str::to_string),
            have: refs(&a.have),
            lack: refs(&a.lack),
            common: a.common,
            postings: a.postings,
        })
        .collect();
    let components = by_name(acc.components)
        .into_par_iter()
        .map(|(key, a)| {
            let mut roles: Vec<RoleCount> = a
                .roles
                .into_iter()
                .map(|(r, by)| RoleCount { name: r.to_string(), slug: slug(r), count: by.len(), by: refs(&by) })
                .collect();
            roles.sort_by(|x, y| y.count.cmp(&x.count).then_with(|| x.name.cmp(&y.name)));
            ComponentAgg {
                name: a.title.to_string(),
                slug: key.to_string(),
                names: counts(a.names),
                roles,
                products: counts(a.products),
                submissions: distinct(a.submissions),
            }
        })
        .collect();
    let products = by_name(acc.products)
        .into_par_iter()
        .map(|(key, a)| ProductAgg {
            name: a.name.to_string(),
            slug: key.to_string(),
            submissions: refs(&a.submissions),
            components: counts(a.components),
        })
        .collect();
    let mut unknown: Vec<Unknown> = acc
        .unknown
        .into_iter()
        .map(|((kind, name), places)| Unknown {
            kind,
            name: name.to_string(),
            count: places.len(),
            places: distinct_refs(&places, subs),
        })
        .collect();
    unknown.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| (a.kind, &a.name).cmp(&(b.kind, &b.name))));
    Cohort { roles, skills, components, products, unknown }
}

fn sub_ref(s: &Submission) -> SubRef {
    SubRef { id: s.id.clone(), author: s.author.clone() }
}

/// The submissions of `places` without adjacent repeats: pushed in
/// submission order, repeats within one submission are adjacent.
fn distinct_refs(places: &[Sub], subs: &[Submission]) -> Vec<SubRef> {
    let mut out: Vec<SubRef> = Vec::new();
    for &i in places {
        let s = &subs[i as usize];
        if !out.last().is_some_and(|r| r.id == s.id && r.author == s.author) {
            out.push(sub_ref(s));
        }
    }
    out
}

/// A map's entries in name order.
fn by_name<V>(map: FxMap<&str, V>) -> Vec<(&str, V)> {
    let mut v: Vec<(&str, V)> = map.into_iter().collect();
    v.sort_unstable_by(|a, b| a.0.cmp(b.0));
    v
}

/// Counts, most common first, ties by name.
fn counts(map: FxMap<&str, usize>) -> Vec<Count> {
    let mut v: Vec<(&str, usize)> = map.into_iter().collect();
    v.sort_unstable_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    v.into_iter().map(|(name, count)| Count { name: name.to_string(), slug: slug(name), count }).collect()
}
