//! Write stage: pages -> the output folder, atomically.
//!
//! The new site is written to a sibling staging folder and swapped in only
//! when complete, so a failed build leaves the previous site as it was. An
//! existing output folder is replaced only if a previous build wrote it
//! (it holds our marker file); anything else is refused, never deleted.

use crate::render::Page;
use anyhow::{Context, Result, bail};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Written into every output folder; its presence means "ours to replace".
pub const MARKER: &str = ".skills-atlas";

/// Refuse output folders that would destroy input or unrelated files.
pub fn check_output(output: &Path, content: &Path) -> Result<()> {
    let out = absolute(output)?;
    let content = content.canonicalize().with_context(|| format!("reading {}", content.display()))?;
    if out.parent().is_none() {
        bail!("refusing to write the site to {}: it is the file system root", out.display());
    }
    if let Some(home) = std::env::var_os("HOME").map(PathBuf::from)
        && home.canonicalize().is_ok_and(|h| h == out)
    {
        bail!("refusing to write the site to {}: it is your home folder", out.display());
    }
    if out == content || content.starts_with(&out) {
        bail!("refusing to write the site to {}: it holds the content folder {}; pick another --output", out.display(), content.display());
    }
    if out.starts_with(&content) {
        bail!("refusing to write the site to {}: it is inside the content folder, where it would be read as a submission", out.display());
    }
    if out.exists() && !out.join(MARKER).exists() && fs::read_dir(&out).map(|mut d| d.next().is_some()).unwrap_or(true) {
        bail!(
            "refusing to replace {}: it is not empty and was not written by skills-atlas; remove it or pick another --output",
            out.display()
        );
    }
    Ok(())
}

/// Canonical form of a path that may not exist yet.
fn absolute(p: &Path) -> Result<PathBuf> {
    let abs = if p.is_absolute() { p.to_path_buf() } else { std::env::current_dir()?.join(p) };
    let mut existing = abs.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        match (existing.parent(), existing.file_name()) {
            (Some(parent), Some(name)) => {
                rest.push(name.to_os_string());
                existing = parent;
            }
            _ => break,
        }
    }
    let mut out = existing.canonicalize().unwrap_or_else(|_| existing.to_path_buf());
    for name in rest.iter().rev() {
        out.push(name);
    }
    Ok(out)
}

/// Write every page under a staging folder, then swap it in for `output`.
pub fn write_site(output: &Path, pages: &[Page]) -> Result<()> {
    let out = absolute(output)?;
    let parent = out.parent().context("output folder has no parent")?;
    fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let name = out.file_name().context("output folder has no name")?.to_string_lossy().into_owned();
    let staging = parent.join(format!(".{name}.staging"));
    let old = parent.join(format!(".{name}.old"));
    for leftover in [&staging, &old] {
        if leftover.exists() {
            fs::remove_dir_all(leftover).with_context(|| format!("removing leftover {}", leftover.display()))?;
        }
    }
    fs::create_dir_all(&staging).with_context(|| format!("creating {}", staging.display()))?;
    let result = write_pages(&staging, pages);
    if let Err(e) = result {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if out.exists() {
        fs::rename(&out, &old).with_context(|| format!("moving the previous site {} aside", out.display()))?;
    }
    fs::rename(&staging, &out).with_context(|| format!("moving the new site into {}", out.display()))?;
    if old.exists() {
        fs::remove_dir_all(&old).with_context(|| format!("removing the previous site {}", old.display()))?;
    }
    Ok(())
}

fn write_pages(dir: &Path, pages: &[Page]) -> Result<()> {
    use rayon::prelude::*;
    let mut dirs: Vec<PathBuf> = pages.iter().filter_map(|p| dir.join(&p.path).parent().map(Path::to_path_buf)).collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
    }
    pages.par_iter().try_for_each(|p| {
        let path = dir.join(&p.path);
        let mut f = fs::File::create(&path).with_context(|| format!("writing {}", path.display()))?;
        f.write_all(&p.bytes).with_context(|| format!("writing {}", path.display()))
    })?;
    fs::write(dir.join(MARKER), "This folder was written by skills-atlas and is replaced by each build.\n")
        .with_context(|| format!("writing {}", dir.join(MARKER).display()))
}
