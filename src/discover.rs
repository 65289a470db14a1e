//! Discover stage: content dir -> sorted submission units.
//!
//! Each top-level folder is one submission (a cloned fork) and each loose
//! top-level `.md` file is one too. Hidden and `_` folders (`.git`,
//! `_private`), `node_modules` and `target` are skipped; linked folders are
//! never entered (no loops).
//!
//! Discovery lists; it does not judge. Symlinked, special and unreadable
//! entries are listed too, and [`crate::parse::read_source_in`] refuses each
//! with a diagnostic naming it (a link out of the content dir is never read).
//! It does say when the folder is not a cohort: none found is an error, and
//! a submission that looks like a folder of forks gets a warning.

use crate::diagnostics::{Finding, Severity};
use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use walkdir::WalkDir;

/// One student's submission before reading.
#[derive(Debug, Clone)]
pub(crate) struct Unit {
    /// Path relative to the content dir ("ivan__lab-01" or "olga.md").
    pub source: String,
    /// Markdown files, relative to the content dir, sorted.
    pub files: Vec<PathBuf>,
    pub id: String,
    /// Problems found while listing the unit (e.g. too many files).
    pub notes: Vec<crate::diagnostics::Finding>,
    /// Every file of the fork (not only Markdown), relative to the fork,
    /// sorted; the loose file's name for a loose file. Listed in the same
    /// walk as `files`: what the rubric's `file` criteria look in.
    pub tree: Vec<String>,
}

const SKIP_DIRS: &[&str] = &["node_modules", "target", "public", "themes"];

/// Markdown files read per fork, and folder depth searched: far beyond any
/// assignment, and a bound on what one hostile fork can make the build read.
pub(crate) const MAX_FILES_PER_UNIT: usize = 200;
const MAX_WALK_DEPTH: usize = 16;

/// Page paths are built from slugs; keep each well under the 255-byte limit
/// of file names.
const MAX_SLUG_BYTES: usize = 100;

pub(crate) fn discover(content: &Path) -> Result<Vec<Unit>> {
    let root =
        content.canonicalize().with_context(|| format!("content folder {} does not exist", content.display()))?;
    let mut entries: Vec<_> = std::fs::read_dir(&root)
        .with_context(|| format!("reading {}", root.display()))?
        .filter_map(|e| e.ok())
        .collect();
    entries.sort_by_key(|e| e.file_name());
    // Each fork folder is walked on its own; collecting keeps the sorted order.
    let listed: Vec<Option<Unit>> = entries.par_iter().map(|entry| unit_of(&root, entry)).collect();
    let mut units: Vec<Unit> = listed.into_iter().flatten().collect();
    if units.is_empty() {
        bail!("no submissions found in {}: expected one folder per fork or .md files", content.display());
    }
    let top = root.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
    for u in &mut units {
        u.notes.extend(not_one_fork(&top, u));
    }
    assign_ids(&mut units);
    Ok(units)
}

/// Markdown files past which a folder is more likely several submissions
/// than one (an assignment has two or three).
pub(crate) const MANY_FILES: usize = 20;

/// A warning when `unit` looks like more than one fork: it holds forks of
/// its own (folders with `docs/roles-and-skills.md` or `docs/architecture.md`),
/// or very many Markdown files. `top` names the content folder.
fn not_one_fork(top: &str, unit: &Unit) -> Option<Finding> {
    let inner = |f: &PathBuf| -> Option<PathBuf> {
        let rel = f.strip_prefix(&unit.source).ok()?;
        let name = rel.file_name()?.to_string_lossy().to_ascii_lowercase();
        let docs = rel.parent()?;
        let is_fork_file = matches!(name.as_str(), "roles-and-skills.md" | "architecture.md")
            && docs.file_name().is_some_and(|d| d.eq_ignore_ascii_case("docs"));
        is_fork_file.then(|| docs.parent().map(Path::to_path_buf)).flatten()
    };
    let forks: BTreeSet<PathBuf> = unit.files.iter().filter_map(inner).collect();
    let own = forks.contains(Path::new(""));
    let nested: Vec<&PathBuf> = forks.iter().filter(|f| !f.as_os_str().is_empty()).collect();
    let here = format!("{top}/{}", unit.source);
    let message = if nested.len() >= 2 || (own && !nested.is_empty()) {
        let first = Path::new(&unit.source).join(nested[0]).display().to_string().replace('\\', "/");
        if own {
            format!("holds another fork ({first}): its files are read as part of this submission; {MOVE_IT}")
        } else {
            format!(
                "this looks like a folder of forks ({} inside, such as {first}), read as one submission: \
                 build {here} instead",
                nested.len()
            )
        }
    } else if unit.files.len() > MANY_FILES {
        format!(
            "{} Markdown files, more than {MANY_FILES}: if this folder holds several \
             submissions, build {here} instead",
            unit.files.len()
        )
    } else {
        return None;
    };
    Some(Finding::new(NOT_ONE_FORK, &unit.source, 0, Severity::Warning, message))
}

const MOVE_IT: &str = "move it out of this folder";

/// Whether `d` is [`not_one_fork`]'s warning: the build prints it even
/// without `--verbose`, since it means the wrong folder was built.
pub fn is_layout_warning(d: &Finding) -> bool {
    d.code == NOT_ONE_FORK
}

const NOT_ONE_FORK: &str = "not-one-fork";

/// The unit a top-level entry of the content dir makes, if any.
fn unit_of(root: &Path, entry: &std::fs::DirEntry) -> Option<Unit> {
    let name = entry.file_name().to_string_lossy().into_owned();
    if name.starts_with('.') || name.starts_with('_') || SKIP_DIRS.contains(&name.as_str()) {
        return None;
    }
    let kind = entry.file_type().ok()?;
    let path = entry.path();
    let loose_md = is_markdown(Path::new(&name)) && !is_site_readme(&name);
    if kind.is_dir() {
        let Listing { markdown: files, tree, notes } = list(root, &path);
        return (!files.is_empty()).then(|| Unit { source: name, files, id: String::new(), notes, tree });
    }
    let listed = if kind.is_symlink() {
        match resolve_inside(root, &path) {
            // A second name for a folder already listed: counted once.
            Some(meta) => loose_md && !meta.is_dir(),
            // Out of the content dir, or broken: listed so that reading
            // reports it (and refuses it).
            None => loose_md || std::fs::metadata(&path).is_ok_and(|m| m.is_dir()),
        }
    } else {
        loose_md
    };
    listed.then(|| Unit::loose(name))
}

/// The target of `path` when it lies inside `root` (following symlinks).
fn resolve_inside(root: &Path, path: &Path) -> Option<std::fs::Metadata> {
    let real = path.canonicalize().ok()?;
    if !real.starts_with(root) {
        return None;
    }
    std::fs::metadata(&real).ok()
}

impl Unit {
    /// A loose Markdown file, `name` relative to the content dir.
    pub(crate) fn loose(name: String) -> Unit {
        Unit {
            files: vec![PathBuf::from(&name)],
            tree: vec![name.clone()],
            source: name,
            id: String::new(),
            notes: vec![],
        }
    }
}

/// What one walk of a fork finds.
pub(crate) struct Listing {
    /// Every `.md` entry (files, links, pipes alike) outside hidden and `_`
    /// folders, plus folders that could not be listed, so that reading can
    /// report them; relative to the content dir.
    pub markdown: Vec<PathBuf>,
    /// Every regular file outside hidden folders, relative to the fork.
    pub tree: Vec<String>,
    pub notes: Vec<Finding>,
}

/// Files a fork's tree lists at most: the lab has a few dozen.
const MAX_TREE: usize = 5_000;

/// The fork `dir`'s files, in one walk: its Markdown (relative to `root`)
/// and its whole tree (relative to `dir`).
pub(crate) fn list(root: &Path, dir: &Path) -> Listing {
    let walker =
        WalkDir::new(dir).follow_links(false).max_depth(MAX_WALK_DEPTH).sort_by_file_name().into_iter().filter_entry(
            |e| {
                let n = e.file_name().to_string_lossy();
                e.depth() == 0 || !(n.starts_with('.') || SKIP_DIRS[..2].contains(&n.as_ref()))
            },
        );
    // `_drafts/` holds no answer, though its files are the fork's.
    let drafts = |p: &Path| {
        p.strip_prefix(dir).is_ok_and(|rel| rel.components().any(|c| c.as_os_str().to_string_lossy().starts_with('_')))
    };
    let mut out = Listing { markdown: Vec::new(), tree: Vec::new(), notes: Vec::new() };
    let mut capped = false;
    for entry in walker {
        if let Ok(e) = &entry
            && e.file_type().is_file()
            && out.tree.len() < MAX_TREE
            && let Ok(rel) = e.path().strip_prefix(dir)
        {
            out.tree.push(rel.to_string_lossy().replace('\\', "/"));
        }
        if capped {
            if out.tree.len() >= MAX_TREE {
                break;
            }
            continue;
        }
        let path = match &entry {
            Ok(e) if is_markdown(e.path()) && !e.file_type().is_dir() => e.path(),
            Ok(_) => continue,
            Err(e) => match e.path() {
                Some(p) => p,
                None => continue,
            },
        };
        if drafts(path) {
            continue;
        }
        if let Ok(rel) = path.strip_prefix(root) {
            out.markdown.push(rel.to_path_buf());
        }
        if out.markdown.len() > MAX_FILES_PER_UNIT {
            out.markdown.truncate(MAX_FILES_PER_UNIT);
            let folder = dir.strip_prefix(root).unwrap_or(dir).display().to_string();
            out.notes.push(Finding::new(
                "too-many-files",
                &folder,
                0,
                Severity::Warning,
                format!("more than {MAX_FILES_PER_UNIT} Markdown files; only the first {MAX_FILES_PER_UNIT} are read"),
            ));
            capped = true;
        }
    }
    out
}

/// A Markdown file's name (`.md`, `.markdown`, any case): what discovery
/// lists, `check` reads and `serve` rebuilds on.
pub(crate) fn is_markdown(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// A README or index at the top of the content dir describes the site.
fn is_site_readme(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "readme.md" || lower == "_index.md" || lower == "index.md"
}

/// Give each unit its id: [`unit_id`] of its name (a loose file's without
/// `.md`). Only a loose `name.md` beside a folder `name` can meet another's
/// id; sorted after it, the file takes the hash of its full name.
fn assign_ids(units: &mut [Unit]) {
    let mut taken: BTreeSet<String> = BTreeSet::new();
    for u in units.iter_mut() {
        let stem = Path::new(&u.source).file_stem().map(|s| s.to_string_lossy()).unwrap_or_default();
        let name = if u.files.len() == 1 && u.files[0] == Path::new(&u.source) && is_markdown(Path::new(&u.source)) {
            stem.into_owned()
        } else {
            u.source.clone()
        };
        let mut id = unit_id(&name);
        if taken.contains(&id) {
            id = format!("{}--{}", id_base(&name), name_hash(&u.source));
        }
        let base = id.clone();
        let mut n = 2;
        while !taken.insert(id.clone()) {
            id = format!("{base}-{n}");
            n += 1;
        }
        u.id = id;
    }
}

/// A submission's id, the folder of its page, from its name alone, so no
/// other fork can take it, whatever it is named: a name that is already an
/// id (lower-case ASCII letters, digits, `_` and single `-`, as most forks'
/// `owner__repo` are) is its own id; any other name gets its readable form
/// and, after `--` (which no such name holds), a hash of the name itself.
/// Ids differ even ignoring case, and none is a name Windows reserves.
pub(crate) fn unit_id(name: &str) -> String {
    let base = id_base(name);
    if base == name && !is_reserved(&base) { base } else { format!("{base}--{}", name_hash(name)) }
}

/// [`slug`], but keeping `_` (in `owner__repo`, `__` parts owner from repo)
/// and without its `+`/`#` spellings.
fn id_base(name: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    for c in name.nfc().flat_map(char::to_lowercase) {
        if out.len() + c.len_utf8() > MAX_ID_BASE_BYTES {
            break;
        }
        if c.is_alphanumeric() || c == '_' {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    finish_slug(out)
}

/// Page paths are built from ids; with the hash, well under the 255-byte
/// limit of file names.
const MAX_ID_BASE_BYTES: usize = 80;

/// Twelve base-32 characters (60 bits) of SipHash-1-3 of `name`: to take
/// another's id, a name would have to be found among about 10^18.
fn name_hash(name: &str) -> String {
    use siphasher::sip128::{Hasher128, SipHasher13};
    use std::hash::Hasher;
    let mut h = SipHasher13::new_with_keys(0x736b_696c_6c73_2d61, 0x746c_6173_2d69_6473);
    h.write(name.as_bytes());
    let bits = h.finish128().h1;
    const ALPHABET: &[u8; 32] = b"abcdefghijklmnopqrstuvwxyz234567";
    (0..12).map(|i| char::from(ALPHABET[((bits >> (5 * i)) & 31) as usize])).collect()
}

/// Device names Windows cannot use for a file or folder, whatever follows
/// a dot, in any case.
fn is_reserved(slug: &str) -> bool {
    let stem = slug.split('.').next().unwrap_or(slug);
    let digit = |s: &str| matches!(s, "0" | "1" | "2" | "3" | "4" | "5" | "6" | "7" | "8" | "9" | "¹" | "²" | "³");
    matches!(stem, "con" | "prn" | "aux" | "nul")
        || stem.strip_prefix("com").or_else(|| stem.strip_prefix("lpt")).is_some_and(digit)
}

/// Lower-case ASCII letters, digits and dashes; other letters are kept
/// (browsers and GitHub Pages handle UTF-8 paths), case folded and in NFC,
/// so names a file system would treat as one file get one slug. At most
/// [`MAX_SLUG_BYTES`] long.
pub fn slug(s: &str) -> String {
    // Pages, links and keys need slugs of the same names again and again:
    // ASCII names (most) skip the copies and the normaliser.
    if s.is_ascii() { slug_ascii(s) } else { slug_unicode(s) }
}

fn slug_unicode(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    let s = s.replace("++", "pp").replace('#', "sharp").replace('+', "plus");
    for c in s.nfc().flat_map(char::to_lowercase) {
        if out.len() + c.len_utf8() > MAX_SLUG_BYTES {
            break;
        }
        if c.is_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    finish_slug(out)
}

/// [`slug`] of ASCII text, byte by byte: NFC and lowercasing keep each ASCII
/// character one character, and the replacements are made as it goes.
fn slug_ascii(s: &str) -> String {
    let mut out = String::with_capacity(s.len().min(MAX_SLUG_BYTES));
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let (piece, used): (&[u8], usize) = match bytes[i] {
            b'+' if bytes.get(i + 1) == Some(&b'+') => (b"pp", 2),
            b'+' => (b"plus", 1),
            b'#' => (b"sharp", 1),
            _ => (&bytes[i..i + 1], 1),
        };
        for &b in piece {
            if out.len() + 1 > MAX_SLUG_BYTES {
                return finish_slug(out);
            }
            if b.is_ascii_alphanumeric() {
                out.push(char::from(b.to_ascii_lowercase()));
            } else if !out.ends_with('-') && !out.is_empty() {
                out.push('-');
            }
        }
        i += used;
    }
    finish_slug(out)
}

/// Without trailing dashes, never empty, and never a name Windows reserves
/// (`con` becomes `con_`, which no other name slugs to).
fn finish_slug(mut out: String) -> String {
    out.truncate(out.trim_end_matches('-').len());
    // "products//index.html" would overwrite the products list.
    if out.is_empty() {
        "untitled".to_string()
    } else if is_reserved(&out) {
        out + "_"
    } else {
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids_of(names: &[&str]) -> Vec<String> {
        let mut units: Vec<Unit> = names.iter().map(|s| Unit::loose(s.to_string())).collect();
        assign_ids(&mut units);
        units.into_iter().map(|u| u.id).collect()
    }

    #[test]
    fn one_walk_lists_the_markdown_and_the_whole_tree() {
        let root = std::env::temp_dir().join(format!("sa-list-{}", std::process::id()));
        let fork = root.join("olga__lab");
        for f in [
            "docs/roles-and-skills.md",
            "docs/img/flow.svg",
            "_drafts/notes.md",
            "docs/_old.md",
            ".git/HEAD",
            "node_modules/x/readme.md",
            "README.MD",
        ] {
            let p = fork.join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, "x").unwrap();
        }
        let l = list(&root, &fork);
        let _ = std::fs::remove_dir_all(&root);
        let md: Vec<String> = l.markdown.iter().map(|p| p.to_string_lossy().replace('\\', "/")).collect();
        assert_eq!(md, ["olga__lab/README.MD", "olga__lab/docs/roles-and-skills.md"]);
        // Drafts are the fork's files, though not its answer; hidden folders are neither.
        assert_eq!(
            l.tree,
            ["README.MD", "_drafts/notes.md", "docs/_old.md", "docs/img/flow.svg", "docs/roles-and-skills.md"]
        );
        assert!(l.notes.is_empty());
    }

    #[test]
    fn ids_come_from_the_name_alone_and_never_collide() {
        assert_eq!(unit_id("alina-k__lab-01"), "alina-k__lab-01");
        assert_eq!(unit_id("alina-k-lab__01"), "alina-k-lab__01");
        let ivan = unit_id("Ivan");
        assert!(ivan.starts_with("ivan--") && ivan.len() == "ivan--".len() + 12, "{ivan}");
        // Names that slug alike get different ids, each the same whatever else is there.
        let names = [
            "Ivan",
            "ivan",
            "IVAN",
            "ivan-",
            "ivan--x",
            "Ivan Petrov",
            "ivan-petrov",
            "ivan_petrov",
            "con",
            "Jose\u{301}",
            "Jos\u{e9}",
        ];
        let ids = ids_of(&names);
        let folded: BTreeSet<String> = ids.iter().map(|i| i.to_lowercase()).collect();
        assert_eq!(folded.len(), names.len(), "{ids:?}");
        for (name, id) in names.iter().zip(&ids) {
            assert_eq!(*id, unit_id(name), "{name}: not from the name alone");
            assert_eq!(ids_of(&[name]), std::slice::from_ref(id));
            assert!(!is_reserved(id) && id.len() < 100 && !id.contains(['/', '\\', '.', ' ']), "{id}");
        }
        assert!(unit_id("con").starts_with("con_--") && unit_id("LPT1").starts_with("lpt1_--"), "{}", unit_id("con"));
        // A loose `olga.md` beside a folder `olga`.
        let mut units = vec![
            Unit { files: vec![PathBuf::from("olga/a.md")], ..Unit::loose("olga".into()) },
            Unit::loose("olga.md".into()),
        ];
        assign_ids(&mut units);
        assert_eq!(units[0].id, "olga");
        assert!(units[1].id.starts_with("olga--"), "{}", units[1].id);
    }

    #[test]
    fn slugs_merge_spellings_but_avoid_reserved_names() {
        assert_eq!(slug("C++ / Go"), "cpp-go");
        assert_eq!(slug("C#"), "csharp");
        assert_eq!(slug("!!!"), "untitled");
        assert_eq!(slug("Jose\u{301}"), slug("Jos\u{e9}"));
        assert!(slug(&"#".repeat(300)).len() <= MAX_SLUG_BYTES + 1);
        assert_eq!(slug("CON"), "con_");
        assert_eq!(slug("Com1"), "com1_");
        assert_eq!(slug("nul!"), "nul_");
        assert_eq!(slug("console"), "console");
    }

    #[test]
    fn ascii_slugs_match_the_general_rule() {
        let long = format!("{}+#{}", "ab-".repeat(33), "c".repeat(120));
        for s in [
            "",
            "-",
            "C++ / Go",
            "C#",
            "+++",
            "a++b+c#",
            "--Back  end--",
            "API_Gateway (v2)",
            "x#",
            "##",
            &long,
            &"a".repeat(99),
            &format!("{}+", "a".repeat(97)),
            &format!("{}++", "a".repeat(98)),
        ] {
            assert_eq!(slug_ascii(s), slug_unicode(s), "{s:?}");
        }
    }
}
