//! Per-submission checks on the extracted fields: missing sections (with
//! where to add them), skills both had and lacking, and posting links.

use super::Finding;
use super::lint::{Line, SectionMap};
use crate::diagnostics::Severity;
use crate::extract::Section;
use crate::model::Submission;
use crate::text::{find, fold, word_count};
use std::collections::BTreeMap;

/// Whether a required section is present: a section extract found, or
/// (for the skill lists) items found anyway.
pub(super) fn present(sub: &Submission, map: &SectionMap, s: Section) -> bool {
    match s {
        Section::SkillsHave => map.has(s) || !sub.skills_have.is_empty(),
        Section::SkillsLack => map.has(s) || !sub.skills_lack.is_empty(),
        // A role guessed from the reflection's prose does not make the section.
        Section::ChosenRole => map.has(s) || map.has(Section::RoleName),
        _ => map.has(s),
    }
}

/// The required sections not present, by title, and one error per place
/// they belong: before the next present section of the main file, else at
/// its end (line 0 when the submission has no main file).
pub(super) fn missing(sub: &Submission, map: &SectionMap, required: &[Section]) -> (Vec<String>, Vec<Finding>) {
    let main = sub.sources.iter().position(|(p, _)| *p == sub.main_file);
    // Counted only when a section goes at the end: most have none missing.
    let last_line = || main.map_or(0, |m| sub.sources[m].1.lines().count().max(1));
    let mut titles = Vec::new();
    // Each place, with the sections that belong there, in rubric order.
    let mut places: Vec<(usize, String, Vec<&str>)> = Vec::new();
    for (i, &s) in required.iter().enumerate() {
        if present(sub, map, s) {
            continue;
        }
        titles.push(s.title().to_string());
        let next = required[i + 1..]
            .iter()
            .find_map(|n| map.heads.iter().find(|h| h.section == *n && Some(h.file) == main).map(|h| h.line));
        let (line, place) = match next {
            Some(l) => (l, format!("before line {l}")),
            None => (last_line(), "at the end".to_string()),
        };
        match places.iter_mut().find(|(l, _, _)| *l == line) {
            Some((_, _, here)) => here.push(s.title()),
            None => places.push((line, place, vec![s.title()])),
        }
    }
    let out = places
        .into_iter()
        .map(|(line, place, here)| {
            Finding::new("missing-section", &sub.main_file, line, Severity::Error, missing_message(&here, &place))
        })
        .collect();
    (titles, out)
}

/// `section "A" is missing: add a heading "## A" at the end`, or for
/// several, `sections "A" and "B" are missing: add headings "## A" and "## B"
/// at the end`.
fn missing_message(titles: &[&str], place: &str) -> String {
    let list = |f: &dyn Fn(&str) -> String| {
        let items: Vec<String> = titles.iter().map(|t| f(t)).collect();
        match items.split_last() {
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
            None => String::new(),
        }
    };
    let (names, heads) = (list(&|t| format!("\"{t}\"")), list(&|t| format!("\"## {t}\"")));
    if titles.len() == 1 {
        format!("section {names} is missing: add a heading {heads} {place}")
    } else {
        format!("sections {names} are missing: add headings {heads} {place}")
    }
}

/// The first of the prose `lines` containing `needle`, preferring lines
/// inside `section`.
fn locate(map: &SectionMap, lines: &[Line], needle: &str, section: &[Section]) -> Option<(usize, usize)> {
    let needle = fold(needle);
    if needle.is_empty() {
        return None;
    }
    let hit = |want: bool| {
        lines.iter().find(|(f, l, t)| {
            fold(t).contains(&needle) && (!want || map.at(*f, *l).is_some_and(|s| section.contains(&s)))
        })
    };
    hit(true).or_else(|| hit(false)).map(|(f, l, _)| (*f, *l))
}

/// Skills listed both under "have" and "lack".
pub(super) fn had_and_lacking(sub: &Submission, map: &SectionMap, files: &[usize], lines: &[Line]) -> Vec<Finding> {
    let mut have: BTreeMap<&str, &str> = BTreeMap::new();
    for item in &sub.skills_have {
        for k in &item.skills {
            have.entry(k).or_insert(&item.name);
        }
    }
    let mut out = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    // "REST" lacked but "understanding of REST APIs" had is a contradiction;
    // "Writing tests in Go" lacked beside "Basic Go syntax" had is not.
    let graded = |name: &str| {
        let f = fold(name);
        ["advanced", "deep", "deeper", "expert", "production", "senior", "more", "better", "basic", "basics"]
            .iter()
            .any(|w| f.split_whitespace().any(|x| x == *w))
    };
    for item in sub.skills_lack.iter().filter(|i| word_count(&i.name) <= 3 && !graded(&i.name)) {
        for k in item.skills.iter().filter(|k| have.get(k.as_str()).is_some_and(|h| !graded(h))) {
            if !seen.insert(k.clone()) {
                continue;
            }
            let (f, line) = locate(map, lines, &item.name, &[Section::SkillsLack]).unwrap_or((files[0], 0));
            out.push(Finding::new("had-and-lacking", &sub.sources[f].0, line, Severity::Warning, format!(
                "{k} is listed both as a skill you have (\"{}\") and one you lack (\"{}\"): keep it in one list, or say which part you lack",
                have[k.as_str()], item.name)));
        }
    }
    out
}

/// A link the way postings are compared: no query, fragment, `www.` or
/// trailing slash; scheme and host lower-case.
pub(super) fn posting_key(url: &str) -> String {
    let u = url.trim().trim_end_matches(['.', ',', ')']);
    let u = u.split(['?', '#']).next().unwrap_or(u);
    let rest = u.split_once("://").map(|(_, r)| r).unwrap_or(u);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    format!("{host}/{}", path.trim_end_matches('/'))
}

/// True for `http(s)://host.tld/...` with no spaces.
pub(super) fn is_web_url(url: &str) -> bool {
    let Some(rest) = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://")) else { return false };
    let host = rest.split(['/', '?', '#']).next().unwrap_or("");
    let labels: Vec<&str> = host.split('.').collect();
    !url.contains(char::is_whitespace)
        && labels.len() >= 2
        && labels.iter().all(|l| !l.is_empty() && l.chars().all(|c| c.is_alphanumeric() || c == '-' || c == ':'))
}

/// Link targets on a line: `[text](target)` (not images) and bare `http…` words.
fn links_on(line: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = line;
    while let Some(i) = find(rest, "](") {
        let image = rest[..i].rfind('[').is_some_and(|o| o > 0 && rest.as_bytes()[o - 1] == b'!');
        let after = &rest[i + 2..];
        let end = after.find(')').unwrap_or(after.len());
        let target = after[..end].split_whitespace().next().unwrap_or("").trim_matches(['<', '>']);
        if !image {
            out.push(target.to_string());
        }
        rest = &after[end..];
    }
    if find(line, "http").is_none() {
        return out; // no bare link: most lines
    }
    for w in line.split(|c: char| c.is_whitespace() || matches!(c, '(' | ')' | '[' | ']' | '<' | '>' | '|')) {
        if w.starts_with("http") && !out.iter().any(|o| o == w.trim_end_matches(['.', ','])) {
            out.push(w.trim_end_matches(['.', ',']).to_string());
        }
    }
    out
}

/// A file's path inside the submission, as `check` run in the fork shows it.
fn in_fork(sub: &Submission, file: usize) -> &str {
    let path = &sub.sources[file].0;
    path.strip_prefix(sub.source.as_str()).and_then(|p| p.strip_prefix('/')).unwrap_or(path)
}

/// Posting links that are not web addresses, and the same posting twice.
pub(super) fn posting_links(sub: &Submission, map: &SectionMap, files: &[usize], lines: &[Line]) -> Vec<Finding> {
    let market = [Section::JobMarket, Section::Posting];
    let in_market = map.has(Section::JobMarket) || map.has(Section::Posting);
    let mut links: Vec<(usize, usize, String)> = Vec::new();
    if in_market {
        for &(f, l, t) in lines {
            if map.at(f, l).is_some_and(|s| market.contains(&s)) {
                links.extend(links_on(t).into_iter().map(|u| (f, l, u)));
            }
        }
    } else {
        for p in sub.postings.iter().filter_map(|p| p.url.as_deref()) {
            let (f, l) = locate(map, lines, p, &[]).unwrap_or((files[0], 0));
            links.push((f, l, p.to_string()));
        }
    }
    let mut out = Vec::new();
    let mut first: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    for (f, l, url) in links {
        let path = &sub.sources[f].0;
        if !is_web_url(&url) {
            out.push(Finding::new(
                "posting-link",
                path,
                l,
                Severity::Warning,
                format!("posting link \"{url}\" is not a web address: link the posting's page (https://...)"),
            ));
            continue;
        }
        let key = posting_key(&url);
        match first.get(&key) {
            Some(&(ff, fl)) if (ff, fl) != (f, l) => out.push(Finding::new(
                "posting-twice",
                path,
                l,
                Severity::Warning,
                format!("{url} is the same posting as the one on {}:{fl}: find a different posting", in_fork(sub, ff)),
            )),
            Some(_) => {}
            None => {
                first.insert(key, (f, l));
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_sections_in_one_message_per_place() {
        assert_eq!(
            missing_message(&["Personal reflection"], "at the end"),
            "section \"Personal reflection\" is missing: add a heading \"## Personal reflection\" at the end"
        );
        assert_eq!(
            missing_message(&["A", "B", "C"], "before line 4"),
            "sections \"A\", \"B\" and \"C\" are missing: add headings \"## A\", \"## B\" and \"## C\" before line 4"
        );
    }

    #[test]
    fn posting_keys_ignore_query_and_www() {
        assert_eq!(posting_key("https://hh.ru/vacancy/123?from=search"), posting_key("http://www.HH.ru/vacancy/123/"));
        assert_ne!(posting_key("https://hh.ru/vacancy/123"), posting_key("https://hh.ru/vacancy/124"));
    }

    #[test]
    fn web_urls() {
        assert!(is_web_url("https://hh.ru/vacancy/1"));
        assert!(is_web_url("http://localhost.dev:8080/x"));
        assert!(!is_web_url("hh.ru/vacancy/1"));
        assert!(!is_web_url("https://..."));
        assert!(!is_web_url("link"));
    }

    #[test]
    fn links_on_a_line() {
        assert_eq!(
            links_on("1. [Go dev](https://a.ru/v/1) at Ozon, see https://b.ru/x."),
            ["https://a.ru/v/1", "https://b.ru/x"]
        );
        assert_eq!(links_on("![logo](img.png) [posting](hh.ru/1)"), ["hh.ru/1"]);
    }
}
