//! Aggregate stage: submissions -> cohort-wide views keyed by canonical name,
//! and every count the pages and charts show.
//!
//! Three passes: the slugs each submission needs, in parallel; one pass that
//! only counts and notes submission numbers, under names borrowed from the
//! submissions (`count`); then each view is built, in parallel, in name
//! order, letter case aside ([`name_order`]) (`views`). Lists follow
//! submission order (sorted by source) with each student's submissions
//! together, so output never depends on thread count.
//!
//! Each count says its unit. A student is an author (one fork's owner may
//! hand in several submissions, such as snapshots of one repository): counts
//! of students count each author once, and lists of who name each once.
//! Mentions count every time a name is written, so one student naming a
//! role under three components is three mentions. Submissions count
//! submission ids.
//!
//! The overview's counts (`overview`) read the review too, so they are
//! counted once both stages are done.

mod count;
pub(crate) mod diagrams;
pub(crate) mod gaps;
pub(crate) mod heat;
mod overview;
#[cfg(test)]
pub(crate) mod tests;
mod views;

use crate::discover::slug;
use crate::model::{Component, Submission};
use crate::normalize::Taxonomy;
use crate::text::FxMap;
use rayon::prelude::*;
use serde::Serialize;

pub(crate) use gaps::{Gap, GapIndex, Status};
pub(crate) use heat::Heatmap;
pub(crate) use overview::{Overview, overview};

/// A submission.
#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord)]
pub struct SubRef {
    pub id: String,
    pub author: String,
}

/// A student in a list of who: the first of their submissions behind the
/// entry (`id`), and the others (`also`, left out when none), so a student
/// with one submission reads exactly as a [`SubRef`].
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct StudentRef {
    pub id: String,
    pub author: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub also: Vec<String>,
}

/// A name and how many times it was written (mentions).
#[derive(Debug, Clone, Serialize)]
pub struct Count {
    pub name: String,
    pub slug: String,
    pub count: usize,
}

/// A name with its mentions (`count`) and the distinct students behind them.
#[derive(Debug, Clone, Serialize)]
pub struct Tally {
    pub name: String,
    pub slug: String,
    pub count: usize,
    pub students: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleAgg {
    pub name: String,
    pub slug: String,
    /// Students who chose it, each once.
    pub chosen_by: Vec<StudentRef>,
    /// Components (by kind or name) students assigned this role to.
    pub components: Vec<Tally>,
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
    /// Students who have / lack it, each once.
    pub have: Vec<StudentRef>,
    pub lack: Vec<StudentRef>,
    /// Submissions listing it among the skills common to all roles.
    pub common: usize,
    /// The students behind `common`.
    pub common_students: usize,
    /// Those students, each once.
    pub common_by: Vec<StudentRef>,
    /// Job postings (across the cohort's submissions) that ask for it; a
    /// posting naming it twice asks once.
    pub postings: usize,
    /// Those postings, in counting order: the skill page lists them (from
    /// the submissions, so atlas.json need not repeat them).
    #[serde(skip)]
    pub(crate) asked: Vec<PostingAt>,
}

/// A job posting, by place: `subs[sub].postings[posting]`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct PostingAt {
    pub(crate) sub: Sub,
    pub(crate) posting: u32,
}

#[derive(Debug, Clone, Serialize)]
pub struct ComponentAgg {
    pub name: String,
    pub slug: String,
    /// How students named it (mentions), most common first.
    pub names: Vec<Count>,
    /// Roles assigned to it, most students first.
    pub roles: Vec<RoleCount>,
    pub products: Vec<Count>,
    pub submissions: usize,
    /// The students behind `submissions`.
    pub students: usize,
}

#[derive(Debug, Clone, Serialize)]
pub struct RoleCount {
    pub name: String,
    pub slug: String,
    /// Mentions: each time a submission assigned the role to the component.
    pub count: usize,
    /// The students behind them: `by`'s length.
    pub students: usize,
    pub by: Vec<StudentRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ProductAgg {
    pub name: String,
    pub slug: String,
    pub submissions: Vec<SubRef>,
    /// Components its submissions mapped, by the name on their page.
    pub components: Vec<Tally>,
    /// Component × role, for the product page's chart.
    #[serde(skip)]
    pub(crate) heatmap: Heatmap,
    /// Its submissions' component diagrams, one per distinct file.
    pub diagrams: Vec<diagrams::ProductDiagram>,
}

/// A name the taxonomy did not recognise, with where it appears.
#[derive(Debug, Clone, Serialize)]
pub struct Unknown {
    pub kind: &'static str,
    pub name: String,
    /// Mentions.
    pub count: usize,
    /// The students who wrote it, each once.
    pub places: Vec<StudentRef>,
}

#[derive(Debug, Clone, Serialize)]
pub struct Cohort {
    pub roles: Vec<RoleAgg>,
    pub skills: Vec<SkillAgg>,
    pub components: Vec<ComponentAgg>,
    pub products: Vec<ProductAgg>,
    pub unknown: Vec<Unknown>,
    /// Distinct students (authors).
    pub students: usize,
    /// Students none of whose submissions names a recognised chosen role.
    pub unchosen: usize,
    /// What postings ask for, per chosen role: the submission pages' gaps.
    #[serde(skip)]
    pub(crate) gaps: GapIndex,
}

/// A submission, by its place in the cohort.
pub(crate) type Sub = u32;

/// Who wrote each submission, and the order submissions are counted in.
struct Students {
    /// Per submission, its student: the place of its author's first submission.
    of: Vec<Sub>,
    /// Every submission, each student's together (students in order of
    /// their first submission), so a student's entries in any list are
    /// adjacent and counting a student once needs only the last one seen.
    order: Vec<Sub>,
    count: usize,
}

impl Students {
    fn new(subs: &[Submission]) -> Students {
        let mut first: FxMap<&str, Sub> = FxMap::default();
        let of: Vec<Sub> = subs
            .iter()
            .zip(0..)
            // No author (a folder named `__x`): nothing says whose it is.
            .map(|(s, i)| if s.author.is_empty() { i } else { *first.entry(s.author.as_str()).or_insert(i) })
            .collect();
        let count = of.iter().zip(0..).filter(|&(&st, i)| st == i).count();
        let mut order: Vec<Sub> = (0..subs.len() as Sub).collect();
        // Stable, and linear when (as usual) authors' submissions are adjacent already.
        order.sort_by_key(|&i| of[i as usize]);
        Students { of, order, count }
    }
}

/// Counts each student once, given a student's entries together.
#[derive(Debug, Clone, Copy)]
struct Distinct {
    n: usize,
    last: Sub,
}

impl Default for Distinct {
    fn default() -> Self {
        Distinct { n: 0, last: Sub::MAX }
    }
}

impl Distinct {
    fn add(&mut self, student: Sub) {
        if self.last != student {
            self.last = student;
            self.n += 1;
        }
    }
}

/// The slugs one submission's entries are keyed by.
struct Keys {
    /// Per component, the slug of its title.
    components: Vec<String>,
    product: Option<String>,
}

pub(crate) fn aggregate(subs: &[Submission], tax: &Taxonomy) -> Cohort {
    // Slugs cost the most per submission, and need nothing but it.
    let keys: Vec<Keys> = subs
        .par_iter()
        .map(|s| Keys {
            components: s.components.iter().map(|c| slug(title(c))).collect(),
            product: s.product.as_deref().map(slug),
        })
        .collect();
    let students = Students::new(subs);
    let acc = count::accumulate(subs, &keys, &students);
    views::build(acc, subs, &students, tax)
}

/// A component's page title: its kind, else its name.
fn title(c: &Component) -> &str {
    c.kind.as_deref().unwrap_or(&c.name)
}

impl Cohort {
    /// Roles someone chose, with how many students chose each: most first,
    /// ties by name.
    pub(crate) fn chosen_roles(&self) -> Vec<(&str, usize)> {
        let mut counts: Vec<(&str, usize)> = self
            .roles
            .iter()
            .filter(|r| !r.chosen_by.is_empty())
            .map(|r| (r.name.as_str(), r.chosen_by.len()))
            .collect();
        by_count(&mut counts);
        counts
    }

    /// The `top` skills with the most students having plus students lacking
    /// them plus postings asking for them (ties by name), and how many skills
    /// have any of the three.
    pub(crate) fn most_wanted(&self, top: usize) -> (Vec<Wanted<'_>>, usize) {
        let mut ranked: Vec<Wanted> = self
            .skills
            .iter()
            .map(|k| Wanted { name: &k.name, have: k.have.len(), lack: k.lack.len(), postings: k.postings })
            .filter(|w| w.have + w.lack + w.postings > 0)
            .collect();
        let all = ranked.len();
        let total = |w: &Wanted| w.have + w.lack + w.postings;
        ranked.sort_by(|a, b| total(b).cmp(&total(a)).then_with(|| a.name.cmp(b.name)));
        ranked.truncate(top);
        (ranked, all)
    }
}

/// A skill's supply and demand: students who have it, who lack it, postings asking.
#[derive(Debug, PartialEq, Eq)]
pub(crate) struct Wanted<'a> {
    pub(crate) name: &'a str,
    pub(crate) have: usize,
    pub(crate) lack: usize,
    pub(crate) postings: usize,
}

/// Names as people read a list: letter case aside ("gRPC" beside "Go", not
/// after "YDB"), then byte order, so the order is total.
pub(crate) fn name_order(a: &str, b: &str) -> std::cmp::Ordering {
    fn fold(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars().flat_map(char::to_lowercase)
    }
    fold(a).cmp(fold(b)).then_with(|| a.cmp(b))
}

/// Sort (name, count) by count descending, then name: a total order.
pub(crate) fn by_count<T: AsRef<str>>(v: &mut [(T, usize)]) {
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.as_ref().cmp(b.0.as_ref())));
}
