//! Scoring a submission against the rubric's criteria: each check reads
//! what extract recorded (sections with their sentences, items and links;
//! postings; the fork's files), never the Markdown again.

use super::checks::{is_web_url, present};
use super::lint::SectionMap;
use super::rubric::{Bounds, Check, CriterionDef, Mentioned, Rubric, What, glob, regex, section_of};
use crate::extract::stats::{SectionStats, sentence_count};
use crate::extract::{Section, SectionAt};
use crate::model::Submission;
use crate::text::fold;
use serde::Serialize;
use std::sync::Arc;

/// One rubric line for one submission.
#[derive(Debug, Clone, Serialize)]
pub struct Criterion {
    /// The rubric's, shared: every submission has one of each criterion.
    pub id: Arc<str>,
    pub label: Arc<str>,
    pub passed: bool,
    pub points: u32,
    pub max: u32,
    /// What was found, and when it failed what is missing and what to do.
    pub detail: String,
    pub required: bool,
    /// Where the missing part is (or belongs): a file of the submission and
    /// a line (0: the file as a whole).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "is_zero")]
    pub line: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

/// A check's verdict: passed, what was found, and where.
struct Verdict {
    passed: bool,
    detail: String,
    at: Option<(String, usize)>,
}

impl Verdict {
    fn new(passed: bool, detail: String) -> Verdict {
        Verdict { passed, detail, at: None }
    }

    fn at(mut self, file: &str, line: usize) -> Verdict {
        self.at = Some((file.to_string(), line));
        self
    }
}

impl Rubric {
    /// Score a submission, criterion by criterion, in the rubric's order.
    pub(super) fn score(&self, sub: &Submission, map: &SectionMap) -> Vec<Criterion> {
        let mut out: Vec<Criterion> = Vec::with_capacity(self.criteria.len());
        for c in &self.criteria {
            let failed_dep = c.depends_on.iter().find_map(|d| out.iter().find(|o| *o.id == **d && !o.passed));
            let v = match failed_dep {
                Some(dep) => Verdict::new(false, format!("needs \"{}\" first", dep.label)),
                None => verdict(c, sub, map),
            };
            let (file, line) = match v.at {
                Some((f, l)) => (Some(f), l),
                // The fork's tree is no one file.
                None if !v.passed && !matches!(c.check, Check::File { .. }) => (belongs_in(c, sub), 0),
                None => (None, 0),
            };
            out.push(Criterion {
                id: Arc::clone(&c.id),
                label: Arc::clone(&c.label),
                passed: v.passed,
                points: if v.passed { c.points } else { 0 },
                max: c.points,
                detail: v.detail,
                required: c.required,
                file,
                line,
            });
        }
        out
    }
}

/// The submission's file a criterion's answer belongs in: its `file`, as
/// the submission names it, else the main file.
fn belongs_in(c: &CriterionDef, sub: &Submission) -> Option<String> {
    let Some(want) = &c.file else { return Some(sub.main_file.clone()) };
    let found = sub.sources.iter().find(|(p, _)| in_fork(sub, p) == want.as_str());
    Some(match found {
        Some((p, _)) => p.clone(),
        None if sub.source.ends_with(".md") => sub.main_file.clone(),
        None => format!("{}/{want}", sub.source),
    })
}

/// A path of the submission relative to its fork.
fn in_fork<'a>(sub: &Submission, path: &'a str) -> &'a str {
    path.strip_prefix(sub.source.as_str()).and_then(|p| p.strip_prefix('/')).unwrap_or(path)
}

/// Where a section starts: its first occurrence, with what it holds.
fn section(sub: &Submission, s: Section) -> Option<&SectionAt> {
    sub.sections.iter().find(|a| a.section == s)
}

/// The section in the criterion's file when it names one and the section
/// is there, else its first occurrence.
fn section_for<'a>(c: &CriterionDef, sub: &'a Submission, s: Section) -> Option<&'a SectionAt> {
    let in_file =
        c.file.as_deref().and_then(|f| sub.sections.iter().find(|a| a.section == s && in_fork(sub, &a.file) == f));
    in_file.or_else(|| section(sub, s))
}

fn missing_section(s: Section, c: &CriterionDef) -> String {
    let file = c.file.as_deref().map(|f| format!(" to {f}")).unwrap_or_default();
    format!("section \"{}\" not found: add a heading \"## {}\"{file}", s.title(), s.title())
}

fn verdict(c: &CriterionDef, sub: &Submission, map: &SectionMap) -> Verdict {
    match &c.check {
        Check::Section { section: id } => {
            let s = section_of(id).expect("validated");
            if present(sub, map, s) {
                let at = section(sub, s);
                let v = Verdict::new(true, "present".into());
                match at {
                    Some(a) => v.at(&a.file, a.line),
                    None => v,
                }
            } else {
                Verdict::new(false, missing_section(s, c))
            }
        }
        Check::Count { what, within, target, min, max } => {
            let b = Bounds { min: *min, max: *max };
            match within.as_deref().and_then(section_of) {
                Some(s) => count_in(c, sub, s, *what, target.as_deref(), b),
                None => {
                    let n = count_of(sub, *what);
                    let v = Verdict::new(b.holds(n), format!("{n} {} (expected {})", noun(*what), b.shown()));
                    match count_anchor(sub, *what) {
                        Some((f, l)) if !v.passed => v.at(f, l),
                        _ => v,
                    }
                }
            }
        }
        Check::Postings { title, link, skills } => postings(sub, *title, *link, *skills),
        Check::Roles { sentences } => roles(sub, *sentences),
        Check::Mentions { within, of: Mentioned::Components, min } => {
            let s = section_of(within).expect("validated");
            let Some(at) = section_for(c, sub, s) else { return Verdict::new(false, missing_section(s, c)) };
            let text = fold(&at.stats.text);
            // The roles file's components (by name or kind) and the architecture's.
            let mut named: Vec<&str> = Vec::new();
            let mut all: Vec<&str> = Vec::new();
            let names = sub
                .components
                .iter()
                .map(|c| (c.name.as_str(), c.kind.as_deref()))
                .chain(sub.main_components.iter().map(|n| (n.as_str(), None)));
            for (name, kind) in names {
                if !all.contains(&name) {
                    all.push(name);
                }
                // "Event Bus (Kafka)" is named as "the event bus".
                let short = name.split(" (").next().filter(|s| *s != name);
                let hit = [Some(name), short, kind]
                    .into_iter()
                    .flatten()
                    .any(|n| fold(n).len() >= 2 && crate::extract::sections::contains_word(&text, &fold(n)));
                if hit && !named.contains(&name) {
                    named.push(name);
                }
            }
            let detail = format!(
                "names {} of the {} components{} (expected at least {min})",
                named.len(),
                all.len(),
                if named.is_empty() { String::new() } else { format!(": {}", named.join(", ")) }
            );
            Verdict::new(named.len() >= *min, detail).at(&at.file, at.line)
        }
        Check::File { path, min } => {
            let g = glob(path).expect("validated");
            let n = sub.tree.iter().filter(|p| g.is_match(p.as_str())).count();
            let want = min.unwrap_or(1);
            Verdict::new(n >= want, format!("{n} files match {path} (expected at least {want})"))
        }
        Check::Regex { file, pattern } => {
            let g = glob(file).expect("validated");
            let re = regex(pattern).expect("validated");
            let files: Vec<&(String, String)> =
                sub.sources.iter().filter(|(p, _)| g.is_match(in_fork(sub, p))).collect();
            let hit = files
                .iter()
                .find_map(|(p, text)| re.find(text).map(|m| (p.as_str(), text[..m.start()].matches('\n').count() + 1)));
            match (hit, files.is_empty()) {
                (Some((p, line)), _) => Verdict::new(true, format!("/{pattern}/ found")).at(p, line),
                (None, true) => Verdict::new(false, format!("no file matches {file}")),
                (None, false) => Verdict::new(false, format!("/{pattern}/ not found in {file}")),
            }
        }
        Check::Reflection { sentences } => reflection(c, sub, *sentences),
        Check::Images { within, min } => images(c, sub, within.as_deref(), *min),
    }
}

/// Images embedded in a section (the last section that starts above the
/// image in its file) that the site publishes; a failure points at the
/// first one that does not resolve, else at the section.
fn images(c: &CriterionDef, sub: &Submission, within: Option<&str>, min: usize) -> Verdict {
    let at = match within.map(|w| section_of(w).expect("validated")) {
        Some(s) => match section_for(c, sub, s) {
            Some(a) => Some(a),
            None => return Verdict::new(false, missing_section(s, c)),
        },
        None => None,
    };
    let in_section = |file: &str, line: usize| {
        at.is_none_or(|a| {
            let owner = sub.sections.iter().filter(|x| x.file == file && x.line <= line).max_by_key(|x| x.line);
            owner.is_some_and(|o| o.section == a.section && o.file == a.file)
        })
    };
    let here: Vec<_> = sub.images.iter().filter(|i| i.embedded && in_section(&i.file, i.line)).collect();
    let shown = here.iter().filter(|i| i.published.is_some()).count();
    let place = at.map(|a| format!(" in \"{}\"", a.section.title())).unwrap_or_default();
    let v = Verdict::new(shown >= min, format!("{shown} images shown{place} (expected at least {min})"));
    match (here.iter().find(|i| i.published.is_none()), at) {
        (Some(bad), _) if shown < min => {
            Verdict { detail: format!("{}: {} does not resolve to a file of the fork", v.detail, bad.target), ..v }
                .at(&bad.file, bad.line)
        }
        (_, Some(a)) => v.at(&a.file, a.line),
        _ => v,
    }
}

fn noun(what: What) -> &'static str {
    match what {
        What::Postings => "postings",
        What::Components => "components",
        What::ComponentsWithRoles => "components with roles",
        What::Roles => "roles",
        What::CommonSkills => "common skills",
        What::SkillsHave => "skills had",
        What::SkillsLack => "skills lacking",
        What::SkillsInSeveralPostings => "skills in several postings",
        What::SkillsInOnePosting => "skills in one posting",
        What::Product => "product named",
        What::ChosenRole => "chosen role named",
        What::Items => "items",
        What::Sentences => "sentences",
        What::Links => "links",
    }
}

fn count_of(sub: &Submission, what: What) -> usize {
    match what {
        What::Postings => sub.postings.len(),
        What::Components => sub.components.len(),
        What::ComponentsWithRoles => sub.components.iter().filter(|c| !c.roles.is_empty()).count(),
        What::Roles => sub.responsibilities.len(),
        What::CommonSkills => sub.common_skills.len(),
        What::SkillsHave => sub.skills_have.len(),
        What::SkillsLack => sub.skills_lack.len(),
        What::SkillsInSeveralPostings => sub.skills_in_several_postings.len(),
        What::SkillsInOnePosting => sub.skills_in_one_posting.len(),
        What::Product => usize::from(sub.product.is_some()),
        What::ChosenRole => usize::from(sub.chosen_role.is_some()),
        // Validated: these always come with a section.
        What::Items | What::Sentences | What::Links => 0,
    }
}

/// The section a count's items sit in, for the line of a failed count.
fn count_anchor(sub: &Submission, what: What) -> Option<(&str, usize)> {
    let s = match what {
        What::Postings => Section::JobMarket,
        What::Components | What::ComponentsWithRoles => Section::Components,
        What::Roles => Section::Responsibilities,
        What::CommonSkills => Section::CommonSkills,
        What::SkillsHave => Section::SkillsHave,
        What::SkillsLack => Section::SkillsLack,
        What::SkillsInSeveralPostings => Section::SkillsSeveral,
        What::SkillsInOnePosting => Section::SkillsSingle,
        What::Product => Section::Product,
        What::ChosenRole => Section::ChosenRole,
        What::Items | What::Sentences | What::Links => return None,
    };
    section(sub, s).map(|a| (a.file.as_str(), a.line))
}

fn count_in(c: &CriterionDef, sub: &Submission, s: Section, what: What, target: Option<&str>, b: Bounds) -> Verdict {
    let Some(at) = section_for(c, sub, s) else { return Verdict::new(false, missing_section(s, c)) };
    let st: &SectionStats = &at.stats;
    let (n, noun) = match what {
        What::Items => (st.items, "items"),
        What::Sentences => (st.sentences, "sentences"),
        _ => {
            let re = target.map(|t| regex(t).expect("validated"));
            let n = st.links.iter().filter(|l| re.as_ref().is_none_or(|r| r.is_match(l))).count();
            (n, if target.is_some() { "matching links" } else { "links" })
        }
    };
    let title = s.title();
    Verdict::new(b.holds(n), format!("{n} {noun} in \"{title}\" (expected {})", b.shown())).at(&at.file, at.line)
}

fn postings(sub: &Submission, title: bool, link: bool, skills: Bounds) -> Verdict {
    let mut bad = Vec::new();
    let mut first: Option<(&str, usize)> = None;
    for (i, p) in sub.postings.iter().enumerate() {
        let mut lacks = Vec::new();
        let t = p.title.trim();
        if title && (t.is_empty() || t.contains("://") || crate::extract::text::is_placeholder(t)) {
            lacks.push("a title".to_string());
        }
        if link && !p.url.as_deref().is_some_and(is_web_url) {
            lacks.push("a link".to_string());
        }
        if !skills.holds(p.skills.len()) {
            lacks.push(format!("{} key skills, not {}", skills.shown(), p.skills.len()));
        }
        if !lacks.is_empty() {
            let name = if t.is_empty() { format!("posting {}", i + 1) } else { format!("\"{t}\"") };
            let at = if p.line > 0 { format!(" (line {})", p.line) } else { String::new() };
            bad.push(format!("{name}{at} needs {}", lacks.join(", ")));
            first = first.or(Some((&p.file, p.line)));
        }
    }
    if sub.postings.is_empty() {
        return Verdict::new(false, "no postings found".into());
    }
    let v = Verdict::new(
        bad.is_empty(),
        if bad.is_empty() { format!("all {} postings complete", sub.postings.len()) } else { bad.join("; ") },
    );
    match first {
        Some((f, l)) if !f.is_empty() => v.at(f, l),
        _ => v,
    }
}

fn roles(sub: &Submission, b: Bounds) -> Verdict {
    let bad: Vec<String> = sub
        .responsibilities
        .iter()
        .filter_map(|r| {
            let n: usize = r.items.iter().map(|i| sentence_count(i)).sum();
            (!b.holds(n)).then(|| format!("\"{}\" in {n}", r.name))
        })
        .collect();
    let at = section(sub, Section::Responsibilities);
    let v = if bad.is_empty() {
        Verdict::new(!sub.responsibilities.is_empty(), format!("{} roles described", sub.responsibilities.len()))
    } else {
        Verdict::new(false, format!("described in {} sentences each, but {}", b.shown(), bad.join(", ")))
    };
    match at {
        Some(a) => v.at(&a.file, a.line),
        None => v,
    }
}

fn reflection(c: &CriterionDef, sub: &Submission, b: Bounds) -> Verdict {
    let Some(at) = section(sub, Section::Reflection) else {
        return Verdict::new(false, missing_section(Section::Reflection, c));
    };
    let (lines, n) = (sub.reflection.own_lines, sub.reflection.own_sentences);
    let v = if !sub.reflection.written {
        Verdict::new(false, "only the assignment's prompts or placeholders: answer them in your own words".into())
    } else if lines < 2 && n < 2 {
        Verdict::new(false, "a single line: write the reflection out in sentences".into())
    } else {
        Verdict::new(b.holds(n), format!("{n} sentences of your own (expected {})", b.shown()))
    };
    v.at(&at.file, at.line)
}
