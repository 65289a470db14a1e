//! Discover stage: content dir -> sorted submission units.
//!
//! Each top-level folder is one submission (a cloned fork) and each loose
//! top-level `.md` file is one too. Hidden folders, `node_modules` and
//! `target` are skipped; symlinks are read only when they resolve inside the
//! content dir, and linked folders are never entered (no loops).

use anyhow::{Context, Result};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// One student's submission before reading.
#[derive(Debug, Clone)]
pub struct Unit {
    /// Path relative to the content dir ("ivan__lab-01" or "olga.md").
    pub source: String,
    /// Markdown files, relative to the content dir, sorted.
    pub files: Vec<PathBuf>,
    pub id: String,
}

const SKIP_DIRS: &[&str] = &["node_modules", "target", "public", "themes"];

pub fn discover(content: &Path) -> Result<Vec<Unit>> {
    let root = content
        .canonicalize()
        .with_context(|| format!("content folder {} does not exist", content.display()))?;
    let mut entries: Vec<_> = std::fs::read_dir(&root)
        .with_context(|| format!("reading {}", root.display()))?
        .filter_map(|e| e.ok())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    let mut units = Vec::new();
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') || name.starts_with('_') || SKIP_DIRS.contains(&name.as_str()) {
            continue;
        }
        let Some(kind) = resolve_inside(&root, &entry.path()) else { continue };
        if kind.is_dir() && !entry.file_type().is_ok_and(|t| t.is_symlink()) {
            let files = markdown_files(&root, &entry.path());
            if !files.is_empty() {
                units.push(Unit { source: name, files, id: String::new() });
            }
        } else if kind.is_file() && is_markdown(Path::new(&name)) && !is_site_readme(&name) {
            units.push(Unit { source: name.clone(), files: vec![PathBuf::from(&name)], id: String::new() });
        }
    }
    assign_ids(&mut units);
    Ok(units)
}

/// The target of `path` when it lies inside `root` (following symlinks).
fn resolve_inside(root: &Path, path: &Path) -> Option<std::fs::Metadata> {
    let real = path.canonicalize().ok()?;
    if !real.starts_with(root) {
        return None;
    }
    std::fs::metadata(&real).ok()
}

fn markdown_files(root: &Path, dir: &Path) -> Vec<PathBuf> {
    let walker = WalkDir::new(dir).follow_links(false).sort_by_file_name().into_iter().filter_entry(|e| {
        let n = e.file_name().to_string_lossy();
        e.depth() == 0 || !(n.starts_with('.') || SKIP_DIRS[..2].contains(&n.as_ref()))
    });
    let mut out = Vec::new();
    for entry in walker.filter_map(|e| e.ok()) {
        if !is_markdown(entry.path()) {
            continue;
        }
        let ok = if entry.path_is_symlink() {
            resolve_inside(root, entry.path()).is_some_and(|m| m.is_file())
        } else {
            entry.file_type().is_file()
        };
        if ok && let Ok(rel) = entry.path().strip_prefix(root) {
            out.push(rel.to_path_buf());
        }
    }
    out
}

fn is_markdown(p: &Path) -> bool {
    p.extension().and_then(|e| e.to_str()).is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// A README or index at the top of the content dir describes the site.
fn is_site_readme(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "readme.md" || lower == "_index.md" || lower == "index.md"
}

/// Slugs unique even on a case-insensitive file system: `Ivan` and `ivan`
/// become `ivan` and `ivan-2` (in sorted order, so stable).
fn assign_ids(units: &mut [Unit]) {
    let mut taken = BTreeSet::new();
    for u in units.iter_mut() {
        let stem = u.source.strip_suffix(".md").unwrap_or(&u.source);
        let base = slug(stem);
        let base = if base.is_empty() { "submission".to_string() } else { base };
        let mut id = base.clone();
        let mut n = 2;
        while !taken.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        u.id = id;
    }
}

/// Lower-case ASCII letters, digits and dashes; other letters are kept
/// (browsers and GitHub Pages handle UTF-8 paths), case folded.
pub fn slug(s: &str) -> String {
    let mut out = String::new();
    let s = s.replace("++", "pp").replace('#', "sharp").replace('+', "plus");
    for c in s.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    out.trim_end_matches('-').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_unique_ignoring_case() {
        let mut units: Vec<Unit> = ["Ivan", "ivan", "Back end!"]
            .iter()
            .map(|s| Unit { source: s.to_string(), files: vec![], id: String::new() })
            .collect();
        assign_ids(&mut units);
        let ids: Vec<_> = units.iter().map(|u| u.id.as_str()).collect();
        assert_eq!(ids, ["ivan", "ivan-2", "back-end"]);
        assert_eq!(slug("C++ / Go"), "cpp-go");
        assert_eq!(slug("C#"), "csharp");
    }
}
