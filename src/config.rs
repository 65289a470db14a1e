//! Site configuration: an optional YAML file (`config.yaml` in the content
//! dir, or `--config FILE`). A file that does not parse stops the build
//! before anything is written, naming the file and line. The types of its
//! `taxonomy:` and `rubric:` keys live here too; the stages that use them
//! (normalize, review) read them from here.

use anyhow::{Context, Result, anyhow};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub(crate) struct Config {
    /// Shown in every page's header and title.
    pub title: String,
    /// Where the site is published, e.g. `https://org.github.io/atlas/`.
    pub base_url: String,
    /// A theme folder name under `themes/` next to the content dir (or a path);
    /// its templates override the built-in ones by name.
    pub theme: Option<String>,
    /// Let search engines index the site (off by default: it lists students).
    pub indexable: bool,
    /// Additions to the built-in taxonomy.
    pub taxonomy: TaxonomyConfig,
    /// The rubric: a file of criteria (a path relative to this config), or
    /// overrides of the embedded one (`src/review/rubric.yaml`), key by key.
    pub rubric: Option<RubricConfig>,
    /// Show images from other hosts in students' pages. Off by default: each
    /// would tell its host the IP address of everyone who reads the page, so
    /// they are shown as links instead, and the pages' CSP loads none.
    pub external_images: bool,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "Skills Atlas".to_string(),
            base_url: "/".to_string(),
            theme: None,
            indexable: false,
            taxonomy: TaxonomyConfig::default(),
            rubric: None,
            external_images: false,
        }
    }
}

impl Config {
    /// Load `explicit`, else `content/config.yaml` (or `.yml`) when present,
    /// else the defaults.
    pub(crate) fn load(explicit: Option<&Path>, content: &Path) -> Result<(Config, Option<PathBuf>)> {
        let path = match explicit {
            Some(p) => Some(p.to_path_buf()),
            None => ["config.yaml", "config.yml"].iter().map(|n| content.join(n)).find(|p| p.is_file()),
        };
        let Some(path) = path else { return Ok((Config::default(), None)) };
        let text = std::fs::read_to_string(&path).with_context(|| format!("reading config {}", path.display()))?;
        let config = Config::parse(&text).map_err(|e| anyhow!("{}: {e}", path.display()))?;
        Ok((config, Some(path)))
    }

    /// Parse YAML; the error says the line and what is wrong.
    pub(crate) fn parse(text: &str) -> Result<Config, String> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        serde_yaml::from_str(text).map_err(|e| match e.location() {
            Some(loc) => format!("line {}: {e}", loc.line()),
            None => e.to_string(),
        })
    }
}

/// User additions and overrides, merged over the builtin taxonomy.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct TaxonomyConfig {
    pub skills: Vec<EntryConfig>,
    pub roles: Vec<EntryConfig>,
    pub components: Vec<EntryConfig>,
    pub products: Vec<EntryConfig>,
}

/// One entry of a `TaxonomyConfig`. When `name` is an existing canonical name
/// the entry adds aliases to it (and may `rename` it or change its category);
/// otherwise it adds a new entry.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct EntryConfig {
    pub name: String,
    pub aliases: Vec<String>,
    pub category: Option<String>,
    pub rename: Option<String>,
}

/// The `rubric:` key of the site config: a path to a rubric file, or keys
/// over the embedded rubric.
#[derive(Debug, Clone)]
pub enum RubricConfig {
    File(String),
    Keys(Box<RubricKeys>),
}

/// By hand, not `untagged`: a misspelt key inside the map keeps its own
/// error and line instead of "did not match any variant".
impl<'de> Deserialize<'de> for RubricConfig {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RubricConfig;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a rubric file's path, or rubric keys (postings: {min: 4}, ...)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<RubricConfig, E> {
                Ok(RubricConfig::File(v.to_string()))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> Result<RubricConfig, A::Error> {
                RubricKeys::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(|k| RubricConfig::Keys(Box::new(k)))
            }
        }
        d.deserialize_any(V)
    }
}

/// The short form of `rubric:`: every key optional, down to the keys
/// inside a range or the near-duplicate rule; left out, a key keeps the
/// embedded value.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RubricKeys {
    pub sections: Option<Vec<String>>,
    pub section_points: Option<u32>,
    pub postings: RangeConfig,
    pub skills_in_several_postings: RangeConfig,
    pub skills_lack: RangeConfig,
    pub reflection_points: Option<u32>,
    pub near_duplicates: DuplicateConfig,
}

/// A rubric range (`min`, `max`, `points`) in the config: any of its keys.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct RangeConfig {
    pub min: Option<usize>,
    pub max: Option<usize>,
    pub points: Option<u32>,
}

/// The rubric's near-duplicate rule in the config: any of its keys.
#[derive(Debug, Clone, Copy, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DuplicateConfig {
    pub shingle: Option<usize>,
    pub threshold: Option<f64>,
    pub min_shared: Option<usize>,
    pub max_df: Option<f64>,
    pub min_df_cap: Option<usize>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_keys_and_reports_the_line() {
        let c = Config::parse("title: Cohort\nbase_url: /atlas/\n").unwrap();
        assert_eq!(c.title, "Cohort");
        assert_eq!(c.base_url, "/atlas/");
        let err = Config::parse("title: ok\nbase_url: [unclosed\n").unwrap_err();
        assert!(err.starts_with("line "), "{err}");
        let err = Config::parse("titel: typo\n").unwrap_err();
        assert!(err.contains("titel"), "{err}");
        // A rubric key may stand alone; a misspelt one is still an error, with its line.
        let Some(RubricConfig::Keys(k)) = Config::parse("rubric:\n  postings: {min: 4}\n").unwrap().rubric else {
            panic!("keys")
        };
        assert_eq!(k.postings.min, Some(4));
        assert!(
            matches!(Config::parse("rubric: course.yaml\n").unwrap().rubric, Some(RubricConfig::File(f)) if f == "course.yaml")
        );
        let err = Config::parse("title: x\nrubric:\n  postings: {minimum: 4}\n").unwrap_err();
        assert!(err.starts_with("line 3") && err.contains("minimum"), "{err}");
    }
}
