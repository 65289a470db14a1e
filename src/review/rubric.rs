//! The rubric: which sections a submission needs and how many postings,
//! skills and words make a complete answer. Embedded (`rubric.yaml`, this
//! lab's), overridable key by key from the site config's `rubric:`.

use crate::config::{DuplicateConfig, RangeConfig, RubricConfig};
use crate::extract::Section;
use crate::model::Submission;
use serde::{Deserialize, Serialize};
use std::sync::LazyLock;

const EMBEDDED: &str = include_str!("rubric.yaml");

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Rubric {
    pub sections: Vec<String>,
    pub section_points: u32,
    pub postings: Range,
    pub skills_in_several_postings: Range,
    pub skills_lack: Range,
    pub reflection_points: u32,
    pub near_duplicates: DuplicateRule,
}

/// A count that should lie in `min..=max`.
#[derive(Debug, Clone, Copy, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Range {
    pub min: usize,
    #[serde(default)]
    pub max: Option<usize>,
    pub points: u32,
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

impl RangeConfig {
    fn over(self, r: Range) -> Range {
        Range { min: self.min.unwrap_or(r.min), max: self.max.or(r.max), points: self.points.unwrap_or(r.points) }
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

static DEFAULT: LazyLock<Rubric> =
    LazyLock::new(|| serde_yaml::from_str(EMBEDDED).expect("the embedded rubric.yaml parses"));

/// One rubric line for one submission.
#[derive(Debug, Clone, Serialize)]
pub struct Criterion {
    pub id: String,
    pub label: String,
    pub passed: bool,
    pub points: u32,
    pub max: u32,
    pub detail: String,
}

impl Default for Rubric {
    fn default() -> Self {
        DEFAULT.clone()
    }
}

impl Rubric {
    /// The embedded rubric with the config's keys over it; unknown section
    /// ids are an error naming the id and the valid ones.
    pub fn with_config(config: Option<&RubricConfig>) -> Result<Rubric, String> {
        let mut r = Rubric::default();
        if let Some(c) = config {
            let c = c.clone();
            r.sections = c.sections.unwrap_or(r.sections);
            r.section_points = c.section_points.unwrap_or(r.section_points);
            r.postings = c.postings.over(r.postings);
            r.skills_in_several_postings = c.skills_in_several_postings.over(r.skills_in_several_postings);
            r.skills_lack = c.skills_lack.over(r.skills_lack);
            r.reflection_points = c.reflection_points.unwrap_or(r.reflection_points);
            r.near_duplicates = c.near_duplicates.over(r.near_duplicates);
        }
        for id in &r.sections {
            if section_of(id).is_none() {
                return Err(format!(
                    "rubric: unknown section \"{id}\"; use one of: {}",
                    SECTION_IDS.map(|(i, _)| i).join(", ")
                ));
            }
        }
        Ok(r)
    }

    /// The required sections, in the template's order.
    pub fn required(&self) -> Vec<Section> {
        self.sections.iter().filter_map(|id| section_of(id)).collect()
    }

    /// Score a submission; `present` says whether a section was found.
    pub fn score(&self, sub: &Submission, present: impl Fn(Section) -> bool) -> Vec<Criterion> {
        let mut out = Vec::with_capacity(self.sections.len() + 4);
        for s in self.required() {
            let ok = present(s);
            let detail = if ok { "present" } else { "missing" };
            // Concatenated, not formatted: this runs for every section of
            // every submission.
            out.push(criterion(
                ["section:", id_of(s)].concat(),
                ["Section \"", s.title(), "\""].concat(),
                ok,
                self.section_points,
                detail.to_string(),
            ));
        }
        let several = sub.skills_in_several_postings.len();
        for (id, label, range, n) in [
            ("postings", "Job postings", self.postings, sub.postings.len()),
            ("skills_in_several_postings", "Skills in several postings", self.skills_in_several_postings, several),
            ("skills_lack", "Skills lacking", self.skills_lack, sub.skills_lack.len()),
        ] {
            let ok = n >= range.min && range.max.is_none_or(|m| n <= m);
            let want = match range.max {
                Some(m) => format!("{}-{}", range.min, m),
                None => format!("at least {}", range.min),
            };
            out.push(criterion(id.to_string(), label.to_string(), ok, range.points, format!("{n} (expected {want})")));
        }
        let written = sub.reflection.written;
        let detail = if written { "in the student's own words" } else { "missing or only the prompts" };
        out.push(criterion(
            "reflection".to_string(),
            "Reflection in own words".to_string(),
            written,
            self.reflection_points,
            detail.to_string(),
        ));
        out
    }
}

fn criterion(id: String, label: String, passed: bool, max: u32, detail: String) -> Criterion {
    Criterion { id, label, passed, points: if passed { max } else { 0 }, max, detail }
}

const SECTION_IDS: [(&str, Section); 8] = [
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
    SECTION_IDS.iter().find(|(i, _)| *i == id).map(|(_, s)| *s)
}

fn id_of(s: Section) -> &'static str {
    SECTION_IDS.iter().find(|(_, x)| *x == s).map(|(i, _)| *i).unwrap_or("other")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_rubric_matches_the_lab() {
        let r = Rubric::default();
        assert_eq!(r.required().len(), 8);
        assert_eq!((r.postings.min, r.postings.max), (5, Some(7)));
        assert_eq!((r.skills_in_several_postings.min, r.skills_in_several_postings.max), (3, Some(10)));
    }

    /// The embedded rubric with `yaml` (a `rubric:` value) over it.
    fn with(yaml: &str) -> Rubric {
        let c: RubricConfig = serde_yaml::from_str(yaml).unwrap_or_else(|e| panic!("{yaml}: {e}"));
        Rubric::with_config(Some(&c)).unwrap()
    }

    /// One test per key: the key given alone changes that value and keeps
    /// every other at its default.
    macro_rules! alone {
        ($($test:ident: $yaml:literal => |$r:ident| $get:expr, $want:expr;)*) => {$(
            #[test]
            fn $test() {
                let mut want = Rubric::default();
                {
                    let $r = &mut want;
                    *$get = $want;
                }
                let got = with($yaml);
                assert_eq!(serde_json::to_value(&got).unwrap(), serde_json::to_value(&want).unwrap(), "{}", $yaml);
            }
        )*};
    }

    alone! {
        sections_alone: "sections: [chosen_role]" => |r| &mut r.sections, vec!["chosen_role".to_string()];
        section_points_alone: "section_points: 3" => |r| &mut r.section_points, 3;
        postings_min_alone: "postings: {min: 4}" => |r| &mut r.postings.min, 4;
        postings_max_alone: "postings: {max: 9}" => |r| &mut r.postings.max, Some(9);
        postings_points_alone: "postings: {points: 5}" => |r| &mut r.postings.points, 5;
        several_min_alone: "skills_in_several_postings: {min: 2}" => |r| &mut r.skills_in_several_postings.min, 2;
        several_max_alone: "skills_in_several_postings: {max: 4}" => |r| &mut r.skills_in_several_postings.max, Some(4);
        several_points_alone: "skills_in_several_postings: {points: 3}" => |r| &mut r.skills_in_several_postings.points, 3;
        lack_min_alone: "skills_lack: {min: 4}" => |r| &mut r.skills_lack.min, 4;
        lack_max_alone: "skills_lack: {max: 5}" => |r| &mut r.skills_lack.max, Some(5);
        lack_points_alone: "skills_lack: {points: 2}" => |r| &mut r.skills_lack.points, 2;
        reflection_points_alone: "reflection_points: 4" => |r| &mut r.reflection_points, 4;
        shingle_alone: "near_duplicates: {shingle: 7}" => |r| &mut r.near_duplicates.shingle, 7;
        threshold_alone: "near_duplicates: {threshold: 0.4}" => |r| &mut r.near_duplicates.threshold, 0.4;
        min_shared_alone: "near_duplicates: {min_shared: 20}" => |r| &mut r.near_duplicates.min_shared, 20;
        max_df_alone: "near_duplicates: {max_df: 0.2}" => |r| &mut r.near_duplicates.max_df, 0.2;
        min_df_cap_alone: "near_duplicates: {min_df_cap: 5}" => |r| &mut r.near_duplicates.min_df_cap, 5;
    }

    #[test]
    fn unknown_keys_are_errors_naming_the_key() {
        for yaml in ["postings: {minimum: 4}", "near_duplicates: {shingles: 7}", "sectons: []"] {
            let err = serde_yaml::from_str::<RubricConfig>(yaml).unwrap_err().to_string();
            assert!(err.contains("unknown field"), "{yaml}: {err}");
        }
    }

    #[test]
    fn config_overrides_keys_and_rejects_unknown_sections() {
        let c: RubricConfig = serde_yaml::from_str("postings: {min: 3, max: 5, points: 1}\n").unwrap();
        let r = Rubric::with_config(Some(&c)).unwrap();
        assert_eq!(r.postings.min, 3);
        assert_eq!(r.sections.len(), 8);
        let c: RubricConfig = serde_yaml::from_str("sections: [chosen_role, hobbies]\n").unwrap();
        assert!(Rubric::with_config(Some(&c)).unwrap_err().contains("hobbies"));
    }
}
