//! Write stage: pages -> the output folder, atomically.
//!
//! The new site is written to a sibling staging folder and swapped in only
//! when complete, so a failed build leaves the previous site as it was. An
//! existing output folder is replaced only if a previous build wrote it
//! (it holds our marker file); anything else is refused, never deleted.
//! The marker is the staging folder's first file, so leftovers of an
//! interrupted build are recognisably ours too.

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
        bail!(
            "refusing to write the site to {}: it holds the content folder {}; pick another --output",
            out.display(),
            content.display()
        );
    }
    if out.starts_with(&content) {
        bail!(
            "refusing to write the site to {}: it is inside the content folder, where it would be read as a submission",
            out.display()
        );
    }
    if out.exists() && !out.join(MARKER).exists() && fs::read_dir(&out).map(|mut d| d.next().is_some()).unwrap_or(true)
    {
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

/// Written by a previous build: holds our marker file.
fn is_ours(dir: &Path) -> bool {
    fs::symlink_metadata(dir.join(MARKER)).is_ok_and(|m| m.is_file())
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
        remove_ours(leftover)?;
    }
    fs::create_dir_all(&staging).with_context(|| format!("creating {}", staging.display()))?;
    if let Err(e) = write_pages(&staging, pages) {
        let _ = fs::remove_dir_all(&staging);
        return Err(e);
    }
    if out.exists() {
        fs::rename(&out, &old).with_context(|| format!("moving the previous site {} aside", out.display()))?;
    }
    if let Err(e) = fs::rename(&staging, &out) {
        // Put the previous site back rather than leave none.
        if old.exists() {
            let _ = fs::rename(&old, &out);
        }
        return Err(e).with_context(|| format!("moving the new site into {}", out.display()));
    }
    remove_ours(&old)
}

/// Remove a leftover staging or old folder, only if a build of ours wrote it.
fn remove_ours(dir: &Path) -> Result<()> {
    if fs::symlink_metadata(dir).is_err() {
        return Ok(());
    }
    if !dir.is_dir() || !is_ours(dir) {
        bail!("{} is in the way and was not written by skills-atlas: move it away and build again", dir.display());
    }
    fs::remove_dir_all(dir).with_context(|| format!("removing leftover {}", dir.display()))
}

fn write_pages(dir: &Path, pages: &[Page]) -> Result<()> {
    use rayon::prelude::*;
    fs::write(dir.join(MARKER), "This folder was written by skills-atlas and is replaced by each build.\n")
        .with_context(|| format!("writing {}", dir.join(MARKER).display()))?;
    let pages = distinct_pages(pages)?;
    let mut dirs: Vec<PathBuf> =
        pages.iter().filter_map(|p| dir.join(&p.path).parent().map(Path::to_path_buf)).collect();
    dirs.sort();
    dirs.dedup();
    for d in &dirs {
        fs::create_dir_all(d).with_context(|| format!("creating {}", d.display()))?;
    }
    pages.par_iter().try_for_each(|p| {
        let path = dir.join(&p.path);
        let mut f = fs::File::create_new(&path).with_context(|| format!("writing {}", path.display()))?;
        f.write_all(&p.bytes).with_context(|| format!("writing {}", path.display()))
    })
}

/// The pages to write: each lands inside the output folder (else an error),
/// and of pages whose paths differ at most by letter case (one file on macOS
/// and Windows), the first is written and the others named on stderr.
fn distinct_pages(pages: &[Page]) -> Result<Vec<&Page>> {
    use std::path::Component;
    let mut seen = std::collections::HashMap::new();
    let mut out = Vec::with_capacity(pages.len());
    for p in pages {
        let plain = !p.path.is_empty()
            && !p.path.contains("//")
            && p.path != MARKER
            && Path::new(&p.path).components().all(|c| matches!(c, Component::Normal(_)));
        if !plain {
            bail!("internal error: page path {:?} is not a plain relative path", p.path);
        }
        match seen.entry(p.path.to_lowercase()) {
            std::collections::hash_map::Entry::Occupied(first) => {
                eprintln!(
                    "warning: pages {:?} and {:?} would be one file; only the first is written",
                    first.get(),
                    p.path
                );
            }
            std::collections::hash_map::Entry::Vacant(slot) => {
                slot.insert(&p.path);
                out.push(p);
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str) -> Page {
        Page { path: path.into(), bytes: b"x".to_vec() }
    }

    #[test]
    fn page_paths_stay_inside_and_do_not_collide() {
        assert_eq!(distinct_pages(&[page("a/index.html"), page("b/index.html")]).unwrap().len(), 2);
        for bad in ["../x.html", "/etc/x", "a//index.html", "", ".skills-atlas"] {
            assert!(distinct_pages(&[page(bad)]).is_err(), "{bad}");
        }
        let pages = [page("Ivan/index.html"), page("ivan/index.html")];
        let kept = distinct_pages(&pages).unwrap();
        assert_eq!(kept.len(), 1);
        assert_eq!(kept[0].path, "Ivan/index.html");
    }

    #[test]
    fn leftovers_not_ours_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let stray = dir.path().join(".site.staging");
        fs::create_dir(&stray).unwrap();
        fs::write(stray.join("notes.txt"), "mine").unwrap();
        assert!(write_site(&dir.path().join("site"), &[page("index.html")]).is_err());
        assert_eq!(fs::read_to_string(stray.join("notes.txt")).unwrap(), "mine");
        fs::remove_dir_all(&stray).unwrap();
        write_site(&dir.path().join("site"), &[page("index.html")]).unwrap();
        write_site(&dir.path().join("site"), &[page("other.html")]).unwrap();
        assert!(!dir.path().join("site/index.html").exists());
        assert!(dir.path().join("site/other.html").exists());
    }
}
