//! Publishing: the site served under a subpath (as GitHub Pages does for a
//! project site) has no broken internal link, and the Pages files exist.

mod common;

use std::collections::{BTreeSet, VecDeque};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};

const BASE: &str = "https://example.test/atlas/";

fn get(port: u16, path: &str) -> (u16, String) {
    let mut s = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: example.test\r\nConnection: close\r\n\r\n").unwrap();
    let mut resp = String::new();
    s.read_to_string(&mut resp).unwrap();
    let code = resp.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
    let body = resp.split_once("\r\n\r\n").map(|(_, b)| b.to_string()).unwrap_or_default();
    (code, body)
}

/// Every href/src value in a page, entities decoded.
fn links(html: &str) -> Vec<String> {
    let mut out = Vec::new();
    for attr in [" href=\"", " src=\""] {
        for (i, _) in html.match_indices(attr) {
            let rest = &html[i + attr.len()..];
            if let Some(end) = rest.find('"') {
                out.push(rest[..end].replace("&amp;", "&"));
            }
        }
    }
    out
}

/// Resolve `link` on page `page` (a server path) to a server path; `None`
/// when it leaves the site.
fn resolve(page: &str, link: &str) -> Option<String> {
    let link = link.split('#').next().unwrap_or("");
    if link.is_empty() {
        return None;
    }
    if let Some(rest) = link.strip_prefix("https://example.test") {
        return Some(rest.to_string());
    }
    if link.contains(':') || link.starts_with("//") {
        return None;
    }
    if link.starts_with('/') {
        return Some(link.to_string());
    }
    let mut parts: Vec<&str> = page.split('/').collect();
    parts.pop();
    for seg in link.split('/') {
        match seg {
            "." => {}
            ".." => {
                parts.pop();
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// Crawl from /atlas/; returns (pages fetched, broken links as "page -> link").
fn crawl(port: u16) -> (usize, Vec<String>) {
    let mut seen = BTreeSet::from(["/atlas/".to_string()]);
    let mut queue = VecDeque::from(["/atlas/".to_string()]);
    let mut broken = Vec::new();
    let mut fetched = 0;
    while let Some(page) = queue.pop_front() {
        let (code, body) = get(port, &page);
        fetched += 1;
        if code != 200 {
            broken.push(format!("{page} -> {code}"));
            continue;
        }
        if !page.ends_with(".html") && !page.ends_with('/') {
            continue;
        }
        for link in links(&body) {
            let Some(target) = resolve(&page, &link) else { continue };
            if !target.starts_with("/atlas/") {
                broken.push(format!("{page} -> {link} (outside the site)"));
            } else if seen.insert(target.clone()) {
                queue.push_back(target);
            }
        }
    }
    (fetched, broken)
}

fn check_site(content: &Path) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    common::build_ok(content, &out, &["--base-url", BASE]);
    let port = common::server::serve_on_free_port(out.clone());
    let (fetched, broken) = crawl(port);
    let html_pages = walkdir::WalkDir::new(&out)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "html") && e.file_name() != "404.html")
        .count();
    assert!(broken.is_empty(), "{} broken links, first: {:?}", broken.len(), &broken[..broken.len().min(10)]);
    assert!(fetched >= html_pages, "every page is reachable from the overview");
    for file in [".nojekyll", "404.html", "robots.txt", "sitemap.xml", "atlas.json"] {
        assert!(out.join(file).exists(), "missing {file}");
    }
    let robots = std::fs::read_to_string(out.join("robots.txt")).unwrap();
    assert!(robots.contains("Disallow: /"), "private by default");
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("noindex"));
    // The 404 page is served from any depth, so its links are absolute.
    let not_found = std::fs::read_to_string(out.join("404.html")).unwrap();
    assert!(not_found.contains("href=\"https://example.test/atlas/index.html\""), "{not_found}");
    let sitemap = std::fs::read_to_string(out.join("sitemap.xml")).unwrap();
    assert!(sitemap.contains("<loc>https://example.test/atlas/roles/</loc>"));
    // Every URL is ASCII (Unicode slugs percent-encoded) and serves its page.
    let locs: Vec<&str> = sitemap.split("<loc>").skip(1).filter_map(|l| l.split_once("</loc>")).map(|l| l.0).collect();
    assert_eq!(locs.len(), html_pages, "a URL per page but the 404");
    for loc in locs {
        assert!(loc.is_ascii() && !loc.contains([' ', '<', '"']), "not a URL: {loc}");
        let path = loc.strip_prefix("https://example.test").unwrap_or_else(|| panic!("{loc}"));
        assert_eq!(get(port, path).0, 200, "{loc}");
    }
}

#[test]
fn example_site_has_no_broken_links_under_a_subpath() {
    check_site(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content"));
}

#[test]
fn corpus_site_has_no_broken_links_under_a_subpath() {
    let shared = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../shared");
    if !shared.join("corpus").is_dir() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but ../shared/corpus is missing");
        eprintln!("skipping: ../shared/corpus not found next to the checkout");
        return;
    }
    check_site(&shared.join("corpus"));
}

#[test]
fn check_links_command_agrees() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    common::build_ok(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content"), &out, &["--base-url", BASE]);
    let run = common::bin().arg("check-links").arg(&out).output().unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    assert!(run.status.success(), "{stdout}");
    assert!(stdout.contains(" 0 broken"), "{stdout}");
    // Break one link: the command must notice.
    std::fs::remove_dir_all(out.join("roles")).unwrap();
    let run = common::bin().arg("check-links").arg(&out).output().unwrap();
    assert_eq!(run.status.code(), Some(1));
}
