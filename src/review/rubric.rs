//! The rubric is data: a YAML list of criteria, each with points and one
//! check (see [`Check`]), plus the scoring bar and the near-duplicate rule.
//! The embedded one (`rubric.yaml`) is lab 01's checklist; `rubric:` in the
//! site config either overrides its keys one by one (`postings: {min: 4}`)
//! or names a course's own file. Scoring is in [`super::criteria`].

use crate::config::{DuplicateConfig, RangeConfig, RubricConfig, RubricKeys};
use crate::extract::Section;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::Path;
use std::sync::{Arc, LazyLock, Mutex};

pub(crate) const EMBEDDED: &str = include_str!("rubric.yaml");

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    #[serde(default)]
    pub scoring: Scoring,
    pub criteria: Vec<CriterionDef>,
    #[serde(default = "default_duplicates")]
    pub near_duplicates: DuplicateRule,
}

/// How the points add up: `weighted` (the only mode: points are weights)
/// and the share of them `check` needs to pass.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Scoring {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mode: Option<Mode>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pass_threshold: Option<f64>,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Mode {
    Weighted,
}

/// One criterion as the rubric file writes it.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CriterionDef {
    /// Shared with every submission's [`super::criteria::Criterion`].
    pub id: Arc<str>,
    pub label: Arc<str>,
    pub points: u32,
    /// A failure fails `check` whatever the score; a required section's
    /// absence is an error finding.
    #[serde(default)]
    pub required: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub depends_on: Vec<String>,
    /// The file (in the fork) the answer belongs in: where a missing
    /// section goes, and `check` on another single file skips it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    pub check: Check,
}

/// What a criterion checks. Section names are the extractor's section
/// kinds ([`SECTIONS`]); counts lie in `min..=max` (either may be left out).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum Check {
    /// The section is in some file of the fork.
    Section { section: String },
    /// How many of `what` (in section `in`, for items, sentences and links;
    /// links only to targets matching the regex `target`).
    Count {
        what: What,
        #[serde(default, rename = "in", skip_serializing_if = "Option::is_none")]
        within: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        target: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<usize>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<usize>,
    },
    /// Every posting has a title, a link and `skills` key skills.
    Postings {
        #[serde(default)]
        title: bool,
        #[serde(default)]
        link: bool,
        #[serde(default)]
        skills: Bounds,
    },
    /// Every role of the responsibilities section is described in
    /// `sentences` sentences.
    Roles { sentences: Bounds },
    /// Section `in` names at least `min` of the submission's `of`.
    Mentions {
        #[serde(rename = "in")]
        within: String,
        of: Mentioned,
        min: usize,
    },
    /// Files of the fork matching a glob (`docs/**/*.svg`, `{a,b}`): `min`
    /// of them (default 1).
    File {
        path: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<usize>,
    },
    /// A regular expression matches in a Markdown file of the fork (the
    /// file a glob, like `path`).
    Regex { file: String, pattern: String },
    /// The reflection is the student's own prose: not the prompts, not
    /// one line, `sentences` sentences of their own.
    Reflection {
        #[serde(default)]
        sentences: Bounds,
    },
    /// At least `min` images embedded (in section `in`, when given) that
    /// resolve to files of the fork the site publishes.
    Images {
        #[serde(rename = "in")]
        within: Option<String>,
        min: usize,
    },
}

/// What a `count` counts.
#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum What {
    Postings,
    Components,
    ComponentsWithRoles,
    Roles,
    CommonSkills,
    SkillsHave,
    SkillsLack,
    SkillsInSeveralPostings,
    SkillsInOnePosting,
    /// 1 when a product is named, else 0.
    Product,
    /// 1 when a chosen role is named, else 0.
    ChosenRole,
    /// In a section (`in`): list items and table rows, else paragraphs.
    Items,
    Sentences,
    Links,
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize, PartialEq, Eq)]
#[serde(rename_all = "snake_case")]
pub enum Mentioned {
    Components,
}

/// `min..=max`, either left out.
#[derive(Debug, Clone, Copy, Default, Deserialize, Serialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Bounds {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max: Option<usize>,
}

impl Bounds {
    pub fn holds(self, n: usize) -> bool {
        self.min.is_none_or(|m| n >= m) && self.max.is_none_or(|m| n <= m)
    }

    /// "3-5", "at least 3", "at most 5", "any number".
    pub fn shown(self) -> String {
        match (self.min, self.max) {
            (Some(a), Some(b)) if a == b => a.to_string(),
            (Some(a), Some(b)) => format!("{a}-{b}"),
            (Some(a), None) => format!("at least {a}"),
            (None, Some(b)) => format!("at most {b}"),
            (None, None) => "any number".to_string(),
        }
    }
}

#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct DuplicateRule {
    pub shingle: usize,
    pub threshold: f64,
    pub min_shared: usize,
    pub max_df: f64,
    pub min_df_cap: usize,
}

fn default_duplicates() -> DuplicateRule {
    DEFAULT.near_duplicates
}

static DEFAULT: LazyLock<Rubric> = LazyLock::new(|| {
    let r: Rubric = serde_yaml::from_str(EMBEDDED).expect("the embedded rubric.yaml parses");
    r.validate(EMBEDDED).expect("the embedded rubric.yaml is valid");
    r
});

impl Default for Rubric {
    fn default() -> Self {
        DEFAULT.clone()
    }
}

/// The section kinds a rubric may name, by id.
pub(crate) const SECTIONS: [(&str, Section); 14] = [
    ("product", Section::Product),
    ("main_components", Section::MainComponents),
    ("data_flow", Section::DataFlow),
    ("deployment", Section::Deployment),
    ("assumptions", Section::Assumptions),
    ("open_questions", Section::OpenQuestions),
    ("components", Section::Components),
    ("responsibilities", Section::Responsibilities),
    ("common_skills", Section::CommonSkills),
    ("chosen_role", Section::ChosenRole),
    ("skills_have", Section::SkillsHave),
    ("skills_lack", Section::SkillsLack),
    ("job_market", Section::JobMarket),
    ("reflection", Section::Reflection),
];

pub(crate) fn section_of(id: &str) -> Option<Section> {
    SECTIONS.iter().find(|(i, _)| *i == id).map(|(_, s)| *s)
}

fn section_ids() -> String {
    SECTIONS.map(|(i, _)| i).join(", ")
}

impl Rubric {
    /// The sections whose sentences its criteria count: what extract counts.
    pub(crate) fn counted(&self) -> crate::extract::stats::Counted {
        crate::extract::stats::Counted::of(self.criteria.iter().filter_map(|c| match &c.check {
            Check::Count { what: What::Sentences, within: Some(s), .. } => section_of(s),
            _ => None,
        }))
    }

    /// The rubric the config's `rubric:` asks for: the embedded one, with
    /// its keys over it, or the file it names (relative to `base`, the
    /// config file's folder). Errors name the file and line.
    pub fn load(config: Option<&RubricConfig>, base: &Path) -> Result<Rubric, String> {
        match config {
            None => Ok(Rubric::default()),
            Some(RubricConfig::Keys(keys)) => Rubric::default().with_keys(keys),
            Some(RubricConfig::File(name)) => {
                let path = base.join(name);
                let text = std::fs::read_to_string(&path)
                    .map_err(|e| format!("rubric: cannot read {}: {e}", path.display()))?;
                Rubric::parse(&text).map_err(|e| format!("rubric {}: {e}", path.display()))
            }
        }
    }

    /// [`Rubric::load`] with a rubric file relative to the working dir.
    pub fn with_config(config: Option<&RubricConfig>) -> Result<Rubric, String> {
        Rubric::load(config, Path::new("."))
    }

    /// A rubric file's text; the error says the line and what is wrong.
    pub fn parse(text: &str) -> Result<Rubric, String> {
        let r: Rubric = serde_yaml::from_str(text).map_err(|e| match e.location() {
            Some(loc) => format!("line {}: {e}", loc.line()),
            None => e.to_string(),
        })?;
        r.validate(text)?;
        Ok(r)
    }

    /// What YAML cannot say: ids unique, dependencies known and earlier,
    /// section names known, regexes and globs valid. Errors give the line
    /// of the offending text in `text` where it can be found.
    pub fn validate(&self, text: &str) -> Result<(), String> {
        let at = |needle: &str| match text.lines().position(|l| l.contains(needle)) {
            Some(i) => format!("line {}: ", i + 1),
            None => String::new(),
        };
        if self.criteria.is_empty() {
            return Err("criteria: the list is empty; add at least one criterion".into());
        }
        if let Some(t) = self.scoring.pass_threshold.filter(|t| !(0.0..=1.0).contains(t)) {
            return Err(format!("{}scoring: pass_threshold {t} is not a share between 0 and 1", at("pass_threshold")));
        }
        // The line of `id: <id>` (quoted or not).
        let id_line = |id: &str| {
            let is_it = |l: &str| {
                let v = l.trim().trim_start_matches("- ").trim_start();
                v.strip_prefix("id:").is_some_and(|v| v.trim().trim_matches(['"', '\'']) == id)
            };
            text.lines().position(is_it).map(|i| format!("line {}: ", i + 1)).unwrap_or_default()
        };
        for (i, c) in self.criteria.iter().enumerate() {
            let here = id_line(&c.id);
            if self.criteria[..i].iter().any(|o| o.id == c.id) {
                return Err(format!("{here}criterion \"{}\" appears twice: ids must be unique", c.id));
            }
            for d in &c.depends_on {
                if !self.criteria[..i].iter().any(|o| *o.id == **d) {
                    return Err(format!(
                        "{here}criterion \"{}\" depends on \"{d}\", which is not a criterion above it",
                        c.id
                    ));
                }
            }
            c.check.validate().map_err(|e| format!("{here}criterion \"{}\": {e}", c.id))?;
        }
        Ok(())
    }

    /// The embedded rubric's keys, overridden one by one (the config's
    /// short form). `sections:` keeps (or adds) a presence criterion per
    /// section named and drops the others.
    fn with_keys(mut self, k: &RubricKeys) -> Result<Rubric, String> {
        if let Some(sections) = &k.sections {
            for id in sections {
                if section_of(id).is_none() {
                    return Err(format!("rubric: unknown section \"{id}\"; use one of: {}", section_ids()));
                }
            }
            let dropped: Vec<Arc<str>> = self
                .criteria
                .iter()
                .filter_map(|c| match &c.check {
                    Check::Section { section } if !sections.contains(section) => Some(c.id.clone()),
                    _ => None,
                })
                .collect();
            self.criteria.retain(|c| !dropped.contains(&c.id));
            for c in &mut self.criteria {
                c.depends_on.retain(|d| !dropped.iter().any(|x| **x == **d));
            }
            for id in sections {
                let have =
                    self.criteria.iter().any(|c| matches!(&c.check, Check::Section { section } if section == id));
                if !have {
                    let title = section_of(id).map(Section::title).unwrap_or_default();
                    self.criteria.push(CriterionDef {
                        id: format!("section:{id}").into(),
                        label: format!("Section \"{title}\"").into(),
                        points: 1,
                        required: true,
                        depends_on: vec![],
                        file: None,
                        check: Check::Section { section: id.clone() },
                    });
                }
            }
        }
        if let Some(p) = k.section_points {
            for c in self.criteria.iter_mut().filter(|c| matches!(c.check, Check::Section { .. })) {
                c.points = p;
            }
        }
        for (id, range) in [
            ("postings", k.postings),
            ("skills_in_several_postings", k.skills_in_several_postings),
            ("skills_lack", k.skills_lack),
        ] {
            self.over_count(id, range);
        }
        if let Some(p) = k.reflection_points {
            self.criteria.iter_mut().filter(|c| &*c.id == "reflection").for_each(|c| c.points = p);
        }
        self.near_duplicates = k.near_duplicates.over(self.near_duplicates);
        Ok(self)
    }

    /// A range key of the short form over the count criterion `id`.
    fn over_count(&mut self, id: &str, r: RangeConfig) {
        let Some(c) = self.criteria.iter_mut().find(|c| *c.id == *id) else { return };
        if let Some(p) = r.points {
            c.points = p;
        }
        if let Check::Count { min, max, .. } = &mut c.check {
            *min = r.min.or(*min);
            *max = r.max.or(*max);
        }
    }

    /// The required sections, in the rubric's order: where a missing one
    /// goes follows it.
    pub fn required(&self) -> Vec<Section> {
        self.criteria
            .iter()
            .filter(|c| c.required)
            .filter_map(|c| match &c.check {
                Check::Section { section } => section_of(section),
                _ => None,
            })
            .collect()
    }

    /// The score `check` needs: the rubric's pass threshold of `max`,
    /// rounded up; none without a threshold.
    pub fn bar(&self, max: u32) -> Option<u32> {
        self.scoring.pass_threshold.map(|t| (t * f64::from(max) - 1e-9).ceil().max(0.0) as u32)
    }

    /// The criteria a check of one file named `name` can score: those with
    /// no `file`, or whose file has that name; not those about the fork's
    /// files (a single file has no fork).
    pub fn for_single_file(&self, name: &str) -> Rubric {
        let mut r = self.clone();
        let keep = |c: &CriterionDef| {
            c.file.as_deref().is_none_or(|f| f.rsplit('/').next() == Some(name))
                && !matches!(c.check, Check::File { .. })
        };
        let dropped: Vec<String> = r.criteria.iter().filter(|c| !keep(c)).map(|c| c.id.to_string()).collect();
        r.criteria.retain(keep);
        for c in &mut r.criteria {
            c.depends_on.retain(|d| !dropped.contains(d));
        }
        r
    }
}

impl Check {
    fn validate(&self) -> Result<(), String> {
        let section = |s: &str| {
            section_of(s).map(drop).ok_or_else(|| format!("unknown section \"{s}\"; use one of: {}", section_ids()))
        };
        match self {
            Check::Section { section: s } => section(s),
            Check::Count { what, within, target, .. } => {
                let needs_section = matches!(what, What::Items | What::Sentences | What::Links);
                match within {
                    Some(s) => section(s)?,
                    None if needs_section => return Err(format!("count of {what:?} needs `in: <section>`")),
                    None => {}
                }
                if within.is_some() && !needs_section {
                    return Err("`in:` applies to items, sentences and links only".into());
                }
                if let Some(t) = target {
                    regex(t).map_err(|e| format!("target: {e}"))?;
                }
                Ok(())
            }
            Check::Mentions { within, .. } => {
                section(within)?;
                let s = section_of(within).expect("checked above");
                if crate::extract::stats::keeps_text(s) {
                    Ok(())
                } else {
                    Err(format!("`mentions` reads the sections of architecture.md only, not \"{within}\""))
                }
            }
            Check::File { path, .. } => glob(path).map(drop),
            Check::Regex { file, pattern } => {
                glob(file)?;
                regex(pattern).map(drop).map_err(|e| format!("pattern: {e}"))
            }
            Check::Images { within: Some(w), .. } => section(w),
            Check::Images { within: None, .. } => Ok(()),
            Check::Postings { .. } | Check::Roles { .. } | Check::Reflection { .. } => Ok(()),
        }
    }
}

/// A glob over paths in the fork; `*` stays within a folder.
pub(crate) fn glob(pattern: &str) -> Result<Arc<globset::GlobMatcher>, String> {
    static GLOBS: Compiled<globset::GlobMatcher> = LazyLock::new(Default::default);
    compiled(&GLOBS, pattern, |p| {
        globset::GlobBuilder::new(p)
            .literal_separator(true)
            .build()
            .map(|g| g.compile_matcher())
            .map_err(|e| format!("glob \"{p}\": {e}"))
    })
}

/// A criterion's regular expression.
pub(crate) fn regex(pattern: &str) -> Result<Arc<regex::Regex>, String> {
    static REGEXES: Compiled<regex::Regex> = LazyLock::new(Default::default);
    compiled(&REGEXES, pattern, |p| regex::Regex::new(p).map_err(|e| e.to_string()))
}

type Compiled<T> = LazyLock<Mutex<HashMap<String, Arc<T>>>>;

/// Compiled once per pattern: every submission asks for the same few, and
/// compiling one costs more than scoring a submission. Shared, not cloned:
/// a cloned regex starts with no search cache of its own and builds one on
/// its first search, which costs about as much as the search.
fn compiled<T>(
    cache: &Mutex<HashMap<String, Arc<T>>>,
    pattern: &str,
    make: impl FnOnce(&str) -> Result<T, String>,
) -> Result<Arc<T>, String> {
    if let Some(t) = cache.lock().unwrap_or_else(|e| e.into_inner()).get(pattern) {
        return Ok(Arc::clone(t));
    }
    let t = Arc::new(make(pattern)?);
    cache.lock().unwrap_or_else(|e| e.into_inner()).insert(pattern.to_string(), Arc::clone(&t));
    Ok(t)
}

impl RangeConfig {
    pub fn is_empty(self) -> bool {
        self.min.is_none() && self.max.is_none() && self.points.is_none()
    }
}

impl DuplicateConfig {
    fn over(self, d: DuplicateRule) -> DuplicateRule {
        DuplicateRule {
            shingle: self.shingle.unwrap_or(d.shingle),
            threshold: self.threshold.unwrap_or(d.threshold),
            min_shared: self.min_shared.unwrap_or(d.min_shared),
            max_df: self.max_df.unwrap_or(d.max_df),
            min_df_cap: self.min_df_cap.unwrap_or(d.min_df_cap),
        }
    }
}

#[cfg(test)]
#[path = "rubric_tests.rs"]
mod tests;
