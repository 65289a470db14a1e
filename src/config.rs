//! Site configuration: an optional YAML file (`config.yaml` in the content
//! dir, or `--config FILE`). A file that does not parse stops the build
//! before anything is written, naming the file and line.

use crate::normalize::TaxonomyConfig;
use anyhow::{Context, Result, anyhow};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
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
    /// Overrides of the embedded rubric (`src/review/rubric.yaml`), key by key.
    pub rubric: Option<crate::review::RubricConfig>,
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
    pub fn load(explicit: Option<&Path>, content: &Path) -> Result<(Config, Option<PathBuf>)> {
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
    pub fn parse(text: &str) -> Result<Config, String> {
        if text.trim().is_empty() {
            return Ok(Config::default());
        }
        serde_yaml::from_str(text).map_err(|e| match e.location() {
            Some(loc) => format!("line {}: {e}", loc.line()),
            None => e.to_string(),
        })
    }
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
        assert_eq!(Config::parse("rubric:\n  postings: {min: 4}\n").unwrap().rubric.unwrap().postings.min, Some(4));
        let err = Config::parse("title: x\nrubric:\n  postings: {minimum: 4}\n").unwrap_err();
        assert!(err.starts_with("line 3") && err.contains("minimum"), "{err}");
    }
}
