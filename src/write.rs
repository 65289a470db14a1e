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
use std::collections::hash_map::Entry;
use std::collections::{HashMap, HashSet};
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

/// Written into every output folder; its presence means "ours to replace".
pub(crate) const MARKER: &str = ".skills-atlas";

/// Refuse output folders that would destroy input or unrelated files.
pub(crate) fn check_output(output: &Path, content: &Path) -> Result<()> {
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
pub(crate) fn write_site(output: &Path, pages: Vec<Page>) -> Result<()> {
    let mut staging = Staging::create(output)?;
    staging.put(pages)?;
    staging.commit()
}

/// A site being written: pages arrive in batches (so a large cohort is never
/// held in memory at once) and land in a staging folder that replaces the
/// output folder only on [`Staging::commit`]. Dropped uncommitted, it removes
/// itself and the previous site stays.
pub(crate) struct Staging {
    out: PathBuf,
    dir: PathBuf,
    old: PathBuf,
    /// Lower-cased path -> the path written, to catch case collisions.
    seen: HashMap<String, String>,
    dirs: HashSet<PathBuf>,
    /// Every path written, in arrival order.
    paths: Vec<String>,
    committed: bool,
}

impl Staging {
    pub(crate) fn create(output: &Path) -> Result<Staging> {
        let out = absolute(output)?;
        let parent = out.parent().context("output folder has no parent")?;
        fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        let name = out.file_name().context("output folder has no name")?.to_string_lossy().into_owned();
        let dir = parent.join(format!(".{name}.staging"));
        let old = parent.join(format!(".{name}.old"));
        for leftover in [&dir, &old] {
            remove_ours(leftover)?;
        }
        fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let staging =
            Staging { out, dir, old, seen: HashMap::new(), dirs: HashSet::new(), paths: Vec::new(), committed: false };
        let marker = staging.dir.join(MARKER);
        fs::write(&marker, "This folder was written by skills-atlas and is replaced by each build.\n")
            .with_context(|| format!("writing {}", marker.display()))?;
        Ok(staging)
    }

    /// Write a batch of pages (in parallel). Of pages whose paths differ at
    /// most by letter case (one file on macOS and Windows), the first to
    /// arrive is written and the others named on stderr.
    pub(crate) fn put(&mut self, pages: Vec<Page>) -> Result<()> {
        use rayon::prelude::*;
        let mut keep = Vec::with_capacity(pages.len());
        for p in pages {
            check_path(&p.path)?;
            match self.seen.entry(p.path.to_lowercase()) {
                Entry::Occupied(first) => {
                    eprintln!(
                        "warning: pages {:?} and {:?} would be one file; only the first is written",
                        first.get(),
                        p.path
                    );
                }
                Entry::Vacant(slot) => {
                    slot.insert(p.path.clone());
                    keep.push(p);
                }
            }
        }
        let mut new_dirs = Vec::new();
        for p in &keep {
            if let Some(d) = Path::new(&p.path).parent().filter(|d| !d.as_os_str().is_empty())
                && self.dirs.insert(d.to_path_buf())
            {
                new_dirs.push(self.dir.join(d));
            }
        }
        // A page per folder is the common case: folders cost as much as files.
        new_dirs
            .par_iter()
            .try_for_each(|d| fs::create_dir_all(d).with_context(|| format!("creating {}", d.display())))?;
        keep.par_iter().try_for_each(|p| {
            let path = self.dir.join(&p.path);
            let mut f = fs::File::create_new(&path).with_context(|| format!("writing {}", path.display()))?;
            f.write_all(&p.bytes).with_context(|| format!("writing {}", path.display()))
        })?;
        self.paths.extend(keep.into_iter().map(|p| p.path));
        Ok(())
    }

    /// Reserve `path` for a file written apart from the batches (by another
    /// thread, through [`stream_to`]); returns where to write it.
    pub(crate) fn claim(&mut self, path: &str) -> Result<PathBuf> {
        check_path(path)?;
        if self.seen.insert(path.to_lowercase(), path.to_string()).is_some() {
            bail!("internal error: page {path:?} written twice");
        }
        self.paths.push(path.to_string());
        Ok(self.dir.join(path))
    }

    /// Every path written so far, in arrival order.
    pub(crate) fn paths(&self) -> &[String] {
        &self.paths
    }

    /// Swap the staging folder in for the output folder.
    pub(crate) fn commit(mut self) -> Result<()> {
        let (out, dir, old) = (&self.out, &self.dir, &self.old);
        if out.exists() {
            fs::rename(out, old).with_context(|| format!("moving the previous site {} aside", out.display()))?;
        }
        if let Err(e) = fs::rename(dir, out) {
            // Put the previous site back rather than leave none.
            if old.exists() {
                let _ = fs::rename(old, out);
            }
            return Err(e).with_context(|| format!("moving the new site into {}", out.display()));
        }
        self.committed = true;
        // An empty folder the user made for the site has no marker: it is
        // replaced all the same (`remove_dir` fails on anything not empty).
        if fs::read_dir(old).is_ok_and(|mut d| d.next().is_none()) {
            return fs::remove_dir(old).with_context(|| format!("removing {}", old.display()));
        }
        remove_ours(old)
    }
}

impl Drop for Staging {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.dir);
        }
    }
}

/// A page path must be plain and relative, so it lands inside the output.
fn check_path(path: &str) -> Result<()> {
    use std::path::Component;
    let plain = !path.is_empty()
        && !path.contains("//")
        && path != MARKER
        && Path::new(path).components().all(|c| matches!(c, Component::Normal(_)));
    if !plain {
        bail!("internal error: page path {path:?} is not a plain relative path");
    }
    Ok(())
}

/// Create `full` and write it through a buffered writer, for outputs too
/// large to hold in memory whole.
pub(crate) fn stream_to(full: &Path, write: impl FnOnce(&mut dyn Write) -> Result<()>) -> Result<()> {
    let file = fs::File::create_new(full).with_context(|| format!("writing {}", full.display()))?;
    let mut buf = std::io::BufWriter::with_capacity(1 << 16, file);
    write(&mut buf).with_context(|| format!("writing {}", full.display()))?;
    buf.flush().with_context(|| format!("writing {}", full.display()))
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

#[cfg(test)]
mod tests {
    use super::*;

    fn page(path: &str) -> Page {
        Page { path: path.into(), bytes: b"x".to_vec() }
    }

    #[test]
    fn page_paths_stay_inside_and_do_not_collide() {
        let dir = tempfile::tempdir().unwrap();
        for bad in ["../x.html", "/etc/x", "a//index.html", "", ".skills-atlas"] {
            assert!(write_site(&dir.path().join("bad"), vec![page(bad)]).is_err(), "{bad}");
            assert!(!dir.path().join("bad").exists() && !dir.path().join(".bad.staging").exists(), "{bad}");
        }
        let mut staging = Staging::create(&dir.path().join("site")).unwrap();
        staging.put(vec![page("Ivan/index.html"), page("a/index.html")]).unwrap();
        staging.put(vec![page("ivan/index.html")]).unwrap();
        assert_eq!(staging.paths(), ["Ivan/index.html", "a/index.html"]);
        staging.commit().unwrap();
        assert!(dir.path().join("site/Ivan/index.html").exists());
    }

    #[test]
    fn leftovers_not_ours_are_kept() {
        let dir = tempfile::tempdir().unwrap();
        let stray = dir.path().join(".site.staging");
        fs::create_dir(&stray).unwrap();
        fs::write(stray.join("notes.txt"), "mine").unwrap();
        assert!(write_site(&dir.path().join("site"), vec![page("index.html")]).is_err());
        assert_eq!(fs::read_to_string(stray.join("notes.txt")).unwrap(), "mine");
        fs::remove_dir_all(&stray).unwrap();
        write_site(&dir.path().join("site"), vec![page("index.html")]).unwrap();
        write_site(&dir.path().join("site"), vec![page("other.html")]).unwrap();
        assert!(!dir.path().join("site/index.html").exists());
        assert!(dir.path().join("site/other.html").exists());
        // An empty folder made for the site is replaced, and nothing is left beside it.
        fs::create_dir(dir.path().join("empty")).unwrap();
        write_site(&dir.path().join("empty"), vec![page("index.html")]).unwrap();
        assert!(dir.path().join("empty/index.html").exists() && !dir.path().join(".empty.old").exists());
    }

    #[test]
    fn claimed_files_count_as_written() {
        let dir = tempfile::tempdir().unwrap();
        let mut staging = Staging::create(&dir.path().join("site")).unwrap();
        let full = staging.claim("atlas.json").unwrap();
        // Written from another thread while batches arrive.
        std::thread::scope(|s| {
            s.spawn(|| stream_to(&full, |w| Ok(w.write_all(b"{}")?)).unwrap());
        });
        assert!(staging.claim("Atlas.json").is_err(), "claimed twice");
        staging.put(vec![page("atlas.JSON"), page("a/b/c.html"), page("a/d.html")]).unwrap();
        assert_eq!(staging.paths(), ["atlas.json", "a/b/c.html", "a/d.html"]);
        staging.commit().unwrap();
        assert_eq!(fs::read_to_string(dir.path().join("site/atlas.json")).unwrap(), "{}");
        assert!(dir.path().join("site/a/b/c.html").exists());
    }
}
