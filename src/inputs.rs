//! What every command reads before the submissions: the config, the
//! taxonomy and rubric compiled from it, and the theme it names. `build`,
//! `serve` and `check` all load it here, so a config means the same to each
//! and its errors read the same.

use crate::config::Config;
use crate::normalize::Taxonomy;
use crate::review::Rubric;
use anyhow::{Result, anyhow};
use std::path::{Path, PathBuf};

pub(crate) struct Inputs {
    pub config: Config,
    /// The config file read, if any.
    pub config_path: Option<PathBuf>,
    pub taxonomy: Taxonomy,
    pub rubric: Rubric,
}

impl Inputs {
    /// Read `config` (else `content/config.yaml` when a content folder is
    /// given, else the defaults), let `base_url` override its own, and
    /// compile the taxonomy and rubric. Errors name the config file.
    pub(crate) fn load(config: Option<&Path>, content: Option<&Path>, base_url: Option<&str>) -> Result<Inputs> {
        let (mut config, config_path) = match content {
            Some(content) => Config::load(config, content)?,
            None if config.is_some() => Config::load(config, Path::new(""))?,
            None => (Config::default(), None),
        };
        if let Some(url) = base_url {
            config.base_url = url.to_string();
        }
        let name = config_path.as_deref().unwrap_or(Path::new("config")).display().to_string();
        let taxonomy = Taxonomy::with_config(&config.taxonomy).map_err(|e| anyhow!("{name}: taxonomy: {e}"))?;
        // A rubric file is relative to the config that names it.
        let base = config_path.as_deref().and_then(Path::parent).unwrap_or(Path::new("."));
        let rubric = Rubric::load(config.rubric.as_ref(), base).map_err(|e| anyhow!("{name}: {e}"))?;
        Ok(Inputs { config, config_path, taxonomy, rubric })
    }

    /// The theme folder the config names: relative to the config file, else
    /// to the content dir's parent, else the working dir. `None` for the
    /// built-in theme.
    pub(crate) fn theme(&self, content: &Path) -> Result<Option<PathBuf>> {
        let Some(name) = &self.config.theme else { return Ok(None) };
        if name == "default" {
            return Ok(None);
        }
        let mut bases: Vec<PathBuf> = Vec::new();
        if let Some(dir) = self.config_path.as_deref().and_then(Path::parent) {
            bases.push(dir.to_path_buf());
        }
        bases.extend(content.parent().map(Path::to_path_buf));
        bases.push(PathBuf::from("."));
        bases
            .iter()
            .flat_map(|b| [b.join(name), b.join("themes").join(name)])
            .find(|p| p.join("templates").is_dir() || p.join("static").is_dir())
            .map(Some)
            .ok_or_else(|| {
                anyhow!(
                    "theme \"{name}\" not found: expected a folder themes/{name} with templates/ or static/ next to the config or content"
                )
            })
    }
}
