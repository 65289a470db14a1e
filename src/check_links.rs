//! `check-links`: every internal href/src (and #fragment) in a built site
//! resolves to a file (and an id) in it.

use anyhow::{Context, Result};
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// A link that does not resolve.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Broken {
    pub page: String,
    pub link: String,
}

/// Check every HTML page under `site`. `base_url` maps absolute links
/// (`https://host/atlas/x` or `/atlas/x`) back into the site.
pub fn check(site: &Path, base_url: &str) -> Result<(usize, Vec<Broken>)> {
    let base_path = base_path(base_url);
    let mut pages: BTreeMap<PathBuf, String> = BTreeMap::new();
    for entry in walkdir::WalkDir::new(site).sort_by_file_name().into_iter().filter_map(|e| e.ok()) {
        if entry.path().extension().is_some_and(|e| e == "html") {
            let text =
                std::fs::read_to_string(entry.path()).with_context(|| format!("reading {}", entry.path().display()))?;
            pages.insert(entry.path().strip_prefix(site)?.to_path_buf(), text);
        }
    }
    let ids: BTreeMap<&PathBuf, BTreeSet<String>> =
        pages.iter().map(|(p, t)| (p, attr_values(t, "id").collect())).collect();
    let mut broken = Vec::new();
    let mut links = 0;
    for (page, text) in &pages {
        for link in attr_values(text, "href").chain(attr_values(text, "src")) {
            let Some(target) = resolve(page, &link, base_url, &base_path) else { continue };
            links += 1;
            let (file, fragment) = target;
            let ok = if file.as_os_str().is_empty() {
                fragment.as_ref().is_none_or(|f| ids[page].contains(f))
            } else {
                let path = site.join(&file);
                let path = if path.is_dir() { path.join("index.html") } else { path };
                path.is_file()
                    && fragment.as_ref().is_none_or(|f| {
                        let key = path.strip_prefix(site).map(Path::to_path_buf).unwrap_or_default();
                        ids.get(&key).is_some_and(|set| set.contains(f))
                    })
            };
            if !ok {
                broken.push(Broken { page: page.display().to_string(), link });
            }
        }
    }
    broken.sort();
    broken.dedup();
    Ok((links, broken))
}

/// "/atlas/" from "https://example.test/atlas/".
fn base_path(base_url: &str) -> String {
    let rest = base_url.split_once("://").map(|(_, r)| r).unwrap_or(base_url);
    let path = if base_url.contains("://") { rest.find('/').map(|i| &rest[i..]).unwrap_or("/") } else { rest };
    let path = path.trim_end_matches('/');
    format!("{path}/")
}

/// The site-relative file and fragment a link points at; `None` for links
/// that leave the site.
fn resolve(page: &Path, link: &str, base_url: &str, base_path: &str) -> Option<(PathBuf, Option<String>)> {
    let link = link.trim();
    let (path, fragment) = match link.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (link, None),
    };
    let path = path.split('?').next().unwrap_or("");
    let base = base_url.trim_end_matches('/');
    let site_rel: PathBuf = if let Some(rest) = path.strip_prefix(base).filter(|_| base.contains("://")) {
        PathBuf::from(rest.trim_start_matches('/'))
    } else if path.contains("://") || path.starts_with("mailto:") || path.starts_with("//") || path.contains(':') {
        return None;
    } else if let Some(abs) = path.strip_prefix('/') {
        let abs = format!("/{abs}");
        PathBuf::from(abs.strip_prefix(base_path).unwrap_or(&abs).trim_start_matches('/'))
    } else if path.is_empty() {
        PathBuf::new()
    } else {
        let mut p = page.parent().map(Path::to_path_buf).unwrap_or_default();
        for part in path.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    if !p.pop() {
                        // Leaves the site root: broken by definition.
                        return Some((PathBuf::from("../"), fragment));
                    }
                }
                other => p.push(other),
            }
        }
        p
    };
    Some((site_rel, fragment))
}

/// Values of `name="..."` attributes, entity-decoded.
fn attr_values<'a>(html: &'a str, name: &'a str) -> impl Iterator<Item = String> + 'a {
    let pat_len = name.len() + 3;
    html.match_indices(name).filter_map(move |(i, _)| {
        let before = html[..i].chars().next_back()?;
        if !before.is_whitespace() || !html[i + name.len()..].starts_with("=\"") {
            return None;
        }
        let start = i - 1 + pat_len;
        let end = html[start..].find('"')?;
        Some(decode(&html[start..start + end]))
    })
}

fn decode(s: &str) -> String {
    s.replace("&#x2F;", "/")
        .replace("&#x27;", "'")
        .replace("&quot;", "\"")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&amp;", "&")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_absolute_and_external() {
        let page = Path::new("roles/x/index.html");
        let r = |l: &str| resolve(page, l, "https://h.test/atlas/", "/atlas/");
        assert_eq!(r("../../index.html"), Some((PathBuf::from("index.html"), None)));
        assert_eq!(r("/atlas/skills/go/"), Some((PathBuf::from("skills/go/"), None)));
        assert_eq!(r("https://h.test/atlas/a.html#top"), Some((PathBuf::from("a.html"), Some("top".into()))));
        assert_eq!(r("https://other.test/"), None);
        assert_eq!(r("mailto:a@b"), None);
        assert_eq!(base_path("https://h.test"), "/");
    }

    #[test]
    fn finds_broken_links_and_fragments() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("index.html"),
            r##"<a href="a.html#x"></a><a href="b.html"></a><a href="#top"></a>"##,
        )
        .unwrap();
        std::fs::write(dir.path().join("a.html"), r#"<h1 id="y"></h1>"#).unwrap();
        let (n, broken) = check(dir.path(), "/").unwrap();
        assert_eq!(n, 3);
        let links: Vec<_> = broken.iter().map(|b| b.link.as_str()).collect();
        assert_eq!(links, ["#top", "a.html#x", "b.html"]);
    }
}
