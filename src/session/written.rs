//! Writing a session's pages: only those whose bytes changed touch the disk.

use super::Session;
use super::keys::hash_bytes;
use crate::render::Page;
use crate::write;
use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::collections::HashMap;
use std::path::Path;

impl Session {
    /// Write pages whose bytes differ from what is on disk and remove
    /// `removed`; returns the paths changed. The first write goes through the
    /// build's atomic swap, which also clears what a previous run left.
    pub(super) fn write(&mut self, pages: Vec<Page>, removed: &[String]) -> Result<Vec<String>> {
        let out = &self.opts.output;
        if self.written.is_empty() {
            write::check_output(out, &self.content)?;
            let hashes: HashMap<String, u64> =
                pages.par_iter().map(|p| (p.path.clone(), hash_bytes(&p.bytes))).collect();
            write::write_site(out, pages)?;
            self.written = hashes;
            let mut all: Vec<String> = self.written.keys().cloned().collect();
            all.sort();
            return Ok(all);
        }
        let todo: Vec<(&Page, u64)> = pages
            .par_iter()
            .map(|p| (p, hash_bytes(&p.bytes)))
            .filter(|(p, h)| self.written.get(&p.path) != Some(h))
            .collect();
        todo.par_iter().try_for_each(|(p, _)| write_file(out, p))?;
        let mut changed: Vec<String> = Vec::with_capacity(todo.len() + removed.len());
        for (p, h) in todo {
            self.written.insert(p.path.clone(), h);
            changed.push(p.path.clone());
        }
        for path in removed {
            if self.written.remove(path).is_some() {
                let file = out.join(path);
                std::fs::remove_file(&file).with_context(|| format!("removing {}", file.display()))?;
                // Its folder too, when that was all it held.
                if let Some(dir) = file.parent() {
                    let _ = std::fs::remove_dir(dir);
                }
                changed.push(path.clone());
            }
        }
        changed.sort();
        changed.dedup();
        Ok(changed)
    }
}

/// One page, through a temporary file: the server may be reading it.
fn write_file(out: &Path, page: &Page) -> Result<()> {
    use std::path::Component;
    let rel = Path::new(&page.path);
    if page.path.is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        bail!("internal error: page path {:?} is not a plain relative path", page.path);
    }
    let path = out.join(rel);
    let dir = path.parent().context("page has no folder")?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, &page.bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))
}
