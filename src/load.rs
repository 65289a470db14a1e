//! Read, parse, extract and normalise one submission unit. Runs in parallel,
//! one call per unit; never fails: problems become diagnostics.

use crate::diagnostics::{Finding, Severity};
use crate::discover::Unit;
use crate::extract::stats::Counted;
use crate::extract::{self, FileOutline, FileRole};
use crate::model::{self, Identity, Submission};
use crate::normalize::Taxonomy;
use crate::parse::{MAX_UNIT_BYTES, Scope, outline, read_source_in};
use std::path::{Path, PathBuf};
use std::time::Instant;

/// One unit, within [`crate::limits`]: its entities capped, and as plain
/// text if it took longer than a fork may.
pub(crate) fn load_unit(unit: &Unit, content: &Path, tax: &Taxonomy, counted: Counted) -> Submission {
    let start = Instant::now();
    let mut sub = load_within_limits(unit, content, tax, counted);
    crate::limits::cap_entities(&mut sub);
    let took = start.elapsed();
    if took > crate::limits::fork_deadline() {
        crate::limits::as_plain(&mut sub, took);
    }
    sub
}

/// The unit's files, read within its scope and byte budget.
fn read_files(
    unit: &Unit,
    content: &Path,
    root: &Path,
    fork: Option<&Path>,
    diags: &mut Vec<Finding>,
) -> Vec<(String, String)> {
    let mut sources = Vec::new();
    let mut budget = MAX_UNIT_BYTES;
    for (i, rel) in unit.files.iter().enumerate() {
        if budget == 0 {
            diags.push(Finding::new(
                "too-large",
                &unit.source,
                0,
                Severity::Warning,
                format!(
                    "the submission's files together pass {MAX_UNIT_BYTES} bytes: {} more files were not read",
                    unit.files.len() - i
                ),
            ));
            break;
        }
        let rel_str = rel.to_string_lossy().replace('\\', "/");
        let scope = Scope { root, fork, budget };
        let (text, d) = read_source_in(&content.join(rel), &rel_str, &scope);
        diags.extend(d);
        if let Some(text) = text {
            budget = budget.saturating_sub(text.len());
            sources.push((rel_str, text));
        }
    }
    sources
}

/// The folder a unit's symlinks may point into: the fork's own folder (the
/// content folder itself when `check` reads one fork), none for a loose file.
fn fork_of(unit: &Unit, root: &Path) -> Option<PathBuf> {
    let source = Path::new(&unit.source);
    if unit.files.iter().all(|f| f == source) {
        None
    } else if unit.files.iter().all(|f| f.starts_with(source)) {
        Some(root.join(source))
    } else {
        Some(root.to_path_buf())
    }
}

fn load_within_limits(unit: &Unit, content: &Path, tax: &Taxonomy, counted: Counted) -> Submission {
    let mut diags = unit.notes.clone();
    // Resolved once per unit rather than once per file.
    let root = content.canonicalize().ok();
    let fork = root.as_deref().and_then(|root| fork_of(unit, root));
    let sources = match &root {
        Some(root) => read_files(unit, content, root, fork.as_deref(), &mut diags),
        None => {
            diags.push(Finding::new("unreadable", &unit.source, 0, Severity::Error, "cannot read the content folder"));
            Vec::new()
        }
    };
    let mut roots: Vec<outline::Node> = sources.iter().map(|(_, t)| parse_file(t)).collect();
    let roles: Vec<FileRole> = assign_roles(&sources, &roots);
    // The roles file's untitled task-2 sections get the headings they lack.
    let recovered: Vec<Vec<extract::Recovered>> = roots
        .iter_mut()
        .zip(&roles)
        .map(|(root, role)| if *role == FileRole::Roles { extract::recover_sections(root) } else { Vec::new() })
        .collect();
    let outlines: Vec<FileOutline<'_>> = sources
        .iter()
        .zip(&roots)
        .zip(&roles)
        .zip(&recovered)
        // The lab's own README is not part of the answer.
        .filter(|((((p, _), _), role), _)| **role != FileRole::Other || !is_readme(p))
        .map(|((((p, text), root), role), recovered)| FileOutline { path: p, text, role: *role, root, recovered })
        .collect();
    let mut extracted = extract::extract(&outlines, counted);
    if let Some(root) = &root {
        crate::extract::assets::resolve_all(&mut extracted.images, root, fork.as_deref());
    }
    let main_file = sources
        .iter()
        .zip(&roles)
        .find(|(_, r)| **r == FileRole::Roles)
        .map(|((p, _), _)| p.clone())
        .or_else(|| sources.first().map(|(p, _)| p.clone()))
        .unwrap_or_else(|| unit.source.clone());
    let author = unit.source.split("__").next().unwrap_or(&unit.source).trim_end_matches(".md").to_string();
    let ident = Identity { id: unit.id.clone(), source: unit.source.clone(), author, main_file };
    let mut sub = model::normalize(ident, extracted, tax, sources);
    sub.tree = unit.tree.clone();
    sub.findings.extend(diags);
    crate::diagnostics::merge(&mut sub.findings);
    sub
}

/// A file's outline, where a plain line that names a section starts that
/// section like a heading.
fn parse_file(text: &str) -> outline::Node {
    let is_title = |s: &str| extract::sections::plain_title(s).map(|section| section as u8);
    outline::parse_with(text, &is_title)
}

fn is_readme(p: &str) -> bool {
    p.rsplit('/').next().is_some_and(|n| n.eq_ignore_ascii_case("readme.md"))
}

/// Which file is the roles file, which the architecture: by name first
/// (`roles-and-skills.md`, `architecture.md`), else the file with the most
/// recognised sections. READMEs count only when nothing else has sections.
fn assign_roles(sources: &[(String, String)], roots: &[outline::Node]) -> Vec<FileRole> {
    let name = |i: usize| sources[i].0.rsplit('/').next().unwrap_or("").to_lowercase();
    let mut roles: Vec<FileRole> = (0..sources.len())
        .map(|i| if name(i).contains("architect") { FileRole::Architecture } else { FileRole::Other })
        .collect();
    let by_name = (0..sources.len())
        .filter(|&i| roles[i] == FileRole::Other && name(i).contains("role"))
        .min_by_key(|&i| (sources[i].0.matches('/').count(), sources[i].0.len()));
    let main = by_name.or_else(|| {
        (0..sources.len())
            .filter(|&i| roles[i] == FileRole::Other)
            .max_by_key(|&i| (section_count(&roots[i]), !is_readme(&sources[i].0), std::cmp::Reverse(i)))
    });
    if let Some(i) = main {
        roles[i] = FileRole::Roles;
    }
    roles
}

fn section_count(root: &outline::Node) -> usize {
    extract::sections::section_heads(root).len()
}
