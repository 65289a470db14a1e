//! skills-atlas: a class's Markdown submissions -> a cross-linked skills atlas.
//!
//! The pipeline, one module per stage:
//! discover -> parse (outline) -> extract -> normalise (model) -> aggregate
//! -> render -> write.

pub mod aggregate;
pub mod atlas;
pub mod config;
pub mod diagnostics;
pub mod discover;
pub mod extract;
pub mod load;
pub mod model;
pub mod normalize;
pub mod parse;
pub mod render;
pub mod write;

use anyhow::{Result, anyhow};
use diagnostics::{Diagnostic, Severity};
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub content: PathBuf,
    pub output: PathBuf,
    pub config: Option<PathBuf>,
    pub base_url: Option<String>,
}

/// What a build did, for the summary line and the exit status.
#[derive(Debug)]
pub struct BuildReport {
    pub submissions: usize,
    pub pages: usize,
    pub diagnostics: Vec<Diagnostic>,
    pub seconds: f64,
}

impl BuildReport {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }
}

/// Run the whole pipeline. Errors here are about the build itself (bad
/// config, unwritable output); problems in submissions are diagnostics.
pub fn build(opts: &BuildOptions) -> Result<BuildReport> {
    let start = Instant::now();
    let (mut config, config_path) = config::Config::load(opts.config.as_deref(), &opts.content)?;
    if let Some(url) = &opts.base_url {
        config.base_url = url.clone();
    }
    let taxonomy = normalize::Taxonomy::with_config(&config.taxonomy)
        .map_err(|e| anyhow!("{}: taxonomy: {e}", config_path.as_deref().unwrap_or(Path::new("config")).display()))?;
    let theme = theme_dir(&config, config_path.as_deref(), &opts.content)?;
    let tera = render::load_templates(theme.as_deref())?;
    write::check_output(&opts.output, &opts.content)?;

    let units = discover::discover(&opts.content)?;
    let subs: Vec<model::Submission> =
        units.par_iter().map(|u| load::load_unit(u, &opts.content, &taxonomy)).collect();
    let cohort = aggregate::aggregate(&subs, &taxonomy);
    let mut pages = render::render_site(&subs, &cohort, &config, &tera)?;
    pages.push(render::Page { path: "atlas.json".into(), bytes: atlas::to_json(&config, &subs, &cohort)? });
    pages.push(render::Page { path: ".nojekyll".into(), bytes: Vec::new() });
    let robots = if config.indexable { "User-agent: *\nAllow: /\n" } else { "User-agent: *\nDisallow: /\n" };
    pages.push(render::Page { path: "robots.txt".into(), bytes: robots.as_bytes().to_vec() });
    write::write_site(&opts.output, &pages)?;

    let diagnostics = subs.iter().flat_map(|s| s.diagnostics.iter().cloned()).collect();
    Ok(BuildReport {
        submissions: subs.len(),
        pages: pages.iter().filter(|p| p.path.ends_with(".html")).count(),
        diagnostics,
        seconds: start.elapsed().as_secs_f64(),
    })
}

/// The theme folder named by the config: relative to the config file, else
/// to the content dir's parent, else the working dir.
fn theme_dir(config: &config::Config, config_path: Option<&Path>, content: &Path) -> Result<Option<PathBuf>> {
    let Some(name) = &config.theme else { return Ok(None) };
    if name == "default" {
        return Ok(None);
    }
    let mut bases: Vec<PathBuf> = Vec::new();
    if let Some(dir) = config_path.and_then(Path::parent) {
        bases.push(dir.to_path_buf());
    }
    bases.extend(content.parent().map(Path::to_path_buf));
    bases.push(PathBuf::from("."));
    bases
        .iter()
        .flat_map(|b| [b.join(name), b.join("themes").join(name)])
        .find(|p| p.join("templates").is_dir())
        .map(Some)
        .ok_or_else(|| anyhow!("theme \"{name}\" not found: expected a folder themes/{name}/templates next to the config or content"))
}
