//! `check-links`: every internal href/src/srcset (and #fragment) in a built
//! site resolves to a file (and an id) in it.
//!
//! Pages are read one at a time per thread and dropped once read, so memory
//! follows the largest page, not the site: what is kept is the list of file
//! names and the links to a fragment of another page, checked afterwards
//! against that page's ids.

use crate::url;
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashSet};
use std::path::Path;

/// A link that does not resolve.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Broken {
    pub page: String,
    pub link: String,
}

/// What one page's links came to.
#[derive(Default)]
struct Checked {
    links: usize,
    broken: Vec<Broken>,
    /// Links to a fragment of another page: (that page, fragment, the link).
    elsewhere: Vec<(String, String, Broken)>,
}

/// Check every HTML page under `site`. `base_url` maps absolute links
/// (`https://host/atlas/x` or `/atlas/x`) back into the site.
pub fn check(site: &Path, base_url: &str) -> Result<(usize, Vec<Broken>)> {
    let base = Base::new(base_url);
    let files = site_files(site)?;
    let mut pages: Vec<&str> = files.iter().map(String::as_str).filter(|f| f.ends_with(".html")).collect();
    pages.sort_unstable();
    let checked =
        pages.par_iter().map(|page| check_page(site, page, &files, &base)).collect::<Result<Vec<Checked>>>()?;
    let mut links = 0;
    let mut broken = Vec::new();
    let mut elsewhere: BTreeMap<String, Vec<(String, Broken)>> = BTreeMap::new();
    for c in checked {
        links += c.links;
        broken.extend(c.broken);
        for (target, fragment, link) in c.elsewhere {
            elsewhere.entry(target).or_default().push((fragment, link));
        }
    }
    let targets: Vec<(String, Vec<(String, Broken)>)> = elsewhere.into_iter().collect();
    let missing = targets
        .par_iter()
        .map(|(target, wanted)| -> Result<Vec<Broken>> {
            let ids = ids_of(&read_page(site, target)?);
            Ok(wanted.iter().filter(|(f, _)| !ids.contains(f.as_str())).map(|(_, b)| b.clone()).collect())
        })
        .collect::<Result<Vec<_>>>()?;
    broken.extend(missing.into_iter().flatten());
    broken.sort();
    broken.dedup();
    Ok((links, broken))
}

/// The `base_url` a site was built for, from its `atlas.json` (hundreds of
/// MB for a large cohort). It starts with `generator`, `version`, `title`
/// and `base_url`, then `submissions`: only that head is parsed. Inside a
/// string a quote is escaped, so the first `,"submissions":` is the key.
pub fn published_base_url(site: &Path) -> Option<String> {
    use std::io::Read;
    #[derive(serde::Deserialize)]
    struct Head {
        base_url: Option<String>,
    }
    let file = std::fs::File::open(site.join("atlas.json")).ok()?;
    let mut start = Vec::new();
    file.take(1 << 20).read_to_end(&mut start).ok()?;
    let start = String::from_utf8_lossy(&start);
    let head = &start[..start.find(",\"submissions\":")?];
    serde_json::from_str::<Head>(&format!("{head}}}")).ok()?.base_url
}

/// Every file of the site, relative, with '/' between folders.
fn site_files(site: &Path) -> Result<HashSet<String>> {
    let mut files = HashSet::new();
    for entry in walkdir::WalkDir::new(site) {
        let entry = entry.with_context(|| format!("reading {}", site.display()))?;
        if entry.file_type().is_file() {
            let rel = entry.path().strip_prefix(site)?;
            let parts: Vec<_> = rel.components().map(|c| c.as_os_str().to_string_lossy()).collect();
            files.insert(parts.join("/"));
        }
    }
    Ok(files)
}

fn read_page(site: &Path, page: &str) -> Result<String> {
    let path = site.join(page);
    let bytes = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
    Ok(String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned()))
}

fn check_page(site: &Path, page: &str, files: &HashSet<String>, base: &Base) -> Result<Checked> {
    let html = read_page(site, page)?;
    let mut ids = HashSet::new();
    let mut found = Vec::new();
    scan(&html, |tag, name, value| {
        if name.eq_ignore_ascii_case("id") || (tag.eq_ignore_ascii_case("a") && name.eq_ignore_ascii_case("name")) {
            ids.insert(decode_entities(value));
        } else if ["href", "src", "poster"].iter().any(|a| name.eq_ignore_ascii_case(a)) {
            found.push(decode_entities(value));
        } else if name.eq_ignore_ascii_case("srcset") {
            found.extend(srcset_urls(&decode_entities(value)).map(str::to_string));
        }
    });
    let mut out = Checked::default();
    for link in found {
        let Some((file, fragment)) = resolve(page, &link, base) else { continue };
        out.links += 1;
        let broken = || Broken { page: page.to_string(), link: link.clone() };
        let fragment = fragment.map(|f| url::decode(&f).into_owned()).filter(|f| !f.is_empty());
        if file.is_empty() {
            if fragment.is_some_and(|f| !ids.contains(&f)) {
                out.broken.push(broken());
            }
            continue;
        }
        let file = url::decode(&file).into_owned();
        let Some(target) = existing(&file, files) else {
            out.broken.push(broken());
            continue;
        };
        match fragment {
            Some(f) if target == page && !ids.contains(&f) => out.broken.push(broken()),
            Some(_) if target == page => {}
            Some(f) if target.ends_with(".html") => out.elsewhere.push((target, f, broken())),
            Some(_) => out.broken.push(broken()),
            None => {}
        }
    }
    Ok(out)
}

/// The file a site-relative path names: itself, or a folder's index.html.
fn existing(path: &str, files: &HashSet<String>) -> Option<String> {
    if files.contains(path) {
        return Some(path.to_string());
    }
    let dir = path.trim_end_matches('/');
    let index = if dir.is_empty() { "index.html".to_string() } else { format!("{dir}/index.html") };
    files.contains(&index).then_some(index)
}

fn ids_of(html: &str) -> HashSet<String> {
    let mut ids = HashSet::new();
    scan(html, |tag, name, value| {
        if name.eq_ignore_ascii_case("id") || (tag.eq_ignore_ascii_case("a") && name.eq_ignore_ascii_case("name")) {
            ids.insert(decode_entities(value));
        }
    });
    ids
}

/// Where the site is published: `https://host/atlas` and `/atlas/`.
struct Base {
    url: String,
    path: String,
}

impl Base {
    fn new(base_url: &str) -> Base {
        let url = base_url.trim_end_matches('/').to_string();
        Base { url: if base_url.contains("://") { url } else { String::new() }, path: base_path(base_url) }
    }
}

/// "/atlas/" from "https://example.test/atlas/".
fn base_path(base_url: &str) -> String {
    let rest = base_url.split_once("://").map(|(_, r)| r).unwrap_or(base_url);
    let path = if base_url.contains("://") { rest.find('/').map(|i| &rest[i..]).unwrap_or("/") } else { rest };
    let path = path.trim_end_matches('/');
    format!("{path}/")
}

/// The site-relative file (still percent-encoded; empty for the page
/// itself) and fragment a link points at; `None` for links that leave the
/// site. A path above the site root is "../", which never exists.
fn resolve(page: &str, link: &str, base: &Base) -> Option<(String, Option<String>)> {
    let link = link.trim();
    let (path, fragment) = match link.split_once('#') {
        Some((p, f)) => (p, Some(f.to_string())),
        None => (link, None),
    };
    let path = path.split('?').next().unwrap_or("");
    // The site's root, named outright: its index page, not "this page".
    let root = |rest: &str| if rest.is_empty() { "index.html".to_string() } else { rest.to_string() };
    let in_base =
        path.strip_prefix(&base.url).filter(|rest| !base.url.is_empty() && (rest.is_empty() || rest.starts_with('/')));
    let site_rel = if let Some(rest) = in_base {
        root(rest.trim_start_matches('/'))
    } else if path.contains(':') || path.starts_with("//") {
        return None;
    } else if let Some(abs) = path.strip_prefix('/') {
        let abs = format!("/{abs}");
        root(abs.strip_prefix(&base.path).unwrap_or(&abs).trim_start_matches('/'))
    } else if path.is_empty() {
        String::new()
    } else {
        let mut parts: Vec<&str> = page.split('/').collect();
        parts.pop();
        for part in path.split('/') {
            match part {
                "" | "." => {}
                ".." => {
                    if parts.pop().is_none() {
                        return Some(("../".to_string(), fragment));
                    }
                }
                other => parts.push(other),
            }
        }
        let mut p = parts.join("/");
        if path.ends_with('/') && !p.is_empty() {
            p.push('/');
        }
        p
    };
    Some((site_rel, fragment))
}

/// The URLs of a `srcset` ("a.png 1x, b.png 2x"): each candidate is a URL
/// up to white space, then an optional descriptor up to a comma.
fn srcset_urls(srcset: &str) -> impl Iterator<Item = &str> {
    let mut rest = srcset;
    std::iter::from_fn(move || {
        rest = rest.trim_start_matches(|c: char| c.is_ascii_whitespace() || c == ',');
        if rest.is_empty() {
            return None;
        }
        let end = rest.find(|c: char| c.is_ascii_whitespace()).unwrap_or(rest.len());
        let (url, after) = rest.split_at(end);
        if let Some(url) = url.strip_suffix(',') {
            rest = after;
            return Some(url);
        }
        rest = after.find(',').map_or("", |i| &after[i + 1..]);
        Some(url)
    })
}

/// Calls `on_attr(tag, name, raw value)` for each attribute of each start
/// tag, with double-, single- or unquoted values; skips comments and the
/// text of `<script>` and `<style>`.
fn scan(html: &str, mut on_attr: impl FnMut(&str, &str, &str)) {
    let b = html.as_bytes();
    let mut i = 0;
    while let Some(lt) = memchr::memchr(b'<', &b[i..]) {
        i += lt + 1;
        if html[i..].starts_with("!--") {
            i = html[i..].find("-->").map_or(b.len(), |e| i + e + 3);
            continue;
        }
        if !b.get(i).is_some_and(u8::is_ascii_alphabetic) {
            continue;
        }
        let name_end =
            html[i..].find(|c: char| c.is_ascii_whitespace() || c == '>' || c == '/').map_or(b.len(), |e| i + e);
        let tag = &html[i..name_end];
        i = attributes(html, name_end, |name, value| on_attr(tag, name, value));
        for raw in ["script", "style"] {
            if tag.eq_ignore_ascii_case(raw) {
                let close = format!("</{raw}");
                i = find_ascii_ci(&html[i..], &close).map_or(b.len(), |e| i + e);
            }
        }
    }
}

/// The attributes of a tag from `i` (after its name) to its `>`; returns
/// the position after the `>`.
fn attributes(html: &str, mut i: usize, mut on_attr: impl FnMut(&str, &str)) -> usize {
    let b = html.as_bytes();
    loop {
        while i < b.len() && (b[i].is_ascii_whitespace() || b[i] == b'/') {
            i += 1;
        }
        if i >= b.len() || b[i] == b'>' {
            return (i + 1).min(b.len());
        }
        let start = i;
        while i < b.len() && !b[i].is_ascii_whitespace() && !matches!(b[i], b'=' | b'>' | b'/') {
            i += 1;
        }
        let name = &html[start..i];
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            // No value (`<input disabled>`): the next name follows.
            if i == start {
                i += 1;
            }
            continue;
        }
        i += 1;
        while i < b.len() && b[i].is_ascii_whitespace() {
            i += 1;
        }
        let value = match b.get(i) {
            Some(&q @ (b'"' | b'\'')) => {
                let end = memchr::memchr(q, &b[i + 1..]).map_or(b.len(), |e| i + 1 + e);
                let v = &html[i + 1..end];
                i = (end + 1).min(b.len());
                v
            }
            _ => {
                let start = i;
                while i < b.len() && !b[i].is_ascii_whitespace() && b[i] != b'>' {
                    i += 1;
                }
                &html[start..i]
            }
        };
        on_attr(name, value);
    }
}

/// Where `needle` (ASCII) starts in `hay`, ignoring ASCII case.
fn find_ascii_ci(hay: &str, needle: &str) -> Option<usize> {
    hay.as_bytes().windows(needle.len()).position(|w| w.eq_ignore_ascii_case(needle.as_bytes()))
}

/// Character references in an attribute value: the five HTML escapes and
/// numeric ones (`&#x2F;`, `&#39;`).
fn decode_entities(s: &str) -> String {
    if !s.contains('&') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        rest = &rest[amp..];
        let Some(semi) = rest.find(';').filter(|&e| e <= 10) else {
            out.push('&');
            rest = &rest[1..];
            continue;
        };
        let named = match &rest[1..semi] {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            n => n
                .strip_prefix("#x")
                .or_else(|| n.strip_prefix("#X"))
                .map(|h| u32::from_str_radix(h, 16))
                .or_else(|| n.strip_prefix('#').map(str::parse))
                .and_then(|r| r.ok())
                .and_then(char::from_u32),
        };
        match named {
            Some(c) => {
                out.push(c);
                rest = &rest[semi + 1..];
            }
            None => {
                out.push('&');
                rest = &rest[1..];
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_relative_absolute_and_external() {
        let base = Base::new("https://h.test/atlas/");
        let r = |l: &str| resolve("roles/x/index.html", l, &base);
        let at = |p: &str, f: Option<&str>| Some((p.to_string(), f.map(str::to_string)));
        assert_eq!(r("../../index.html"), at("index.html", None));
        assert_eq!(r("../../../x.html"), at("../", None));
        assert_eq!(r("/atlas/skills/go/"), at("skills/go/", None));
        assert_eq!(r("/atlas/"), at("index.html", None));
        assert_eq!(r("https://h.test/atlas"), at("index.html", None));
        assert_eq!(r("https://h.test/atlasx/a.html"), None);
        assert_eq!(r("https://h.test/atlas/a.html#top"), at("a.html", Some("top")));
        assert_eq!(r("#top"), at("", Some("top")));
        assert_eq!(r("https://other.test/"), None);
        assert_eq!(r("mailto:a@b"), None);
        assert_eq!(r("//cdn.test/x.js"), None);
        assert_eq!(base_path("https://h.test"), "/");
    }

    #[test]
    fn base_url_from_the_head_of_atlas_json() {
        let dir = tempfile::tempdir().unwrap();
        let config = crate::config::Config {
            title: r#"A "title","submissions":[] of sorts"#.into(),
            base_url: "https://h.test/atlas/".into(),
            ..Default::default()
        };
        let review = crate::review::CohortReview { reviews: Vec::new(), near_duplicates: Vec::new() };
        let cohort =
            crate::aggregate::aggregate(&[], &crate::normalize::Taxonomy::with_config(&Default::default()).unwrap());
        let json = crate::atlas::to_json(&config, &[], &cohort, &review).unwrap();
        std::fs::write(dir.path().join("atlas.json"), json).unwrap();
        assert_eq!(published_base_url(dir.path()).as_deref(), Some("https://h.test/atlas/"));
        std::fs::write(dir.path().join("atlas.json"), "{\"generator\":\"x\"").unwrap();
        assert_eq!(published_base_url(dir.path()), None);
    }

    #[test]
    fn reads_quoted_unquoted_attributes_and_srcset() {
        let html = r#"<!-- <a href="commented.html"> --><a HREF='single.html' title="a > b">x</a>
            <img alt=x src=bare.png srcset="one.png 1x, two.png 2x,three.png"><script>var s = "<a href='in-script.html'>";</script>
            <input disabled><p id="x&amp;y">"#;
        let mut seen = Vec::new();
        scan(html, |tag, name, value| seen.push(format!("{tag}.{name}={value}")));
        assert_eq!(
            seen,
            [
                "a.HREF=single.html",
                "a.title=a > b",
                "img.alt=x",
                "img.src=bare.png",
                "img.srcset=one.png 1x, two.png 2x,three.png",
                "p.id=x&amp;y"
            ]
        );
        let urls: Vec<_> = srcset_urls("one.png 1x, two.png 2x,three.png, a,b.png 100w").collect();
        assert_eq!(urls, ["one.png", "two.png", "three.png", "a,b.png"]);
        assert_eq!(decode_entities("a&amp;b&#x2F;c&#39;d&nbsp;&"), "a&b/c'd&nbsp;&");
    }

    #[test]
    fn finds_broken_links_and_fragments() {
        let dir = tempfile::tempdir().unwrap();
        let write = |p: &str, s: &str| {
            let path = dir.path().join(p);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::write(path, s).unwrap();
        };
        write(
            "index.html",
            r##"<a href="a.html#x"></a><a href="b.html"></a><a href="#top"></a><a href='#here'></a><h2 id=here></h2>
            <img srcset="pic.png 1x, gone.png 2x"><a href="a.html#y"><a href="%D0%BA%D0%B8%D0%BD%D0%BE/">ok</a>
            <a href="кино/#%D1%8F">ok</a><a href="a.html#">ok</a><a href="a.html?q=1#y">ok</a>"##,
        );
        write("a.html", r#"<h1 id="y"></h1>"#);
        write("pic.png", "");
        write("кино/index.html", r#"<p id="я"></p>"#);
        let (n, broken) = check(dir.path(), "/").unwrap();
        assert_eq!(n, 11);
        let links: Vec<_> = broken.iter().map(|b| b.link.as_str()).collect();
        assert_eq!(links, ["#top", "a.html#x", "b.html", "gone.png"]);
    }
}
