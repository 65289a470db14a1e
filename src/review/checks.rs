//! Per-submission checks on the extracted fields: missing sections (with
//! where to add them), skills both had and lacking, posting links, and a
//! chosen role that is not a role.

use super::Finding;
use super::lint::{Line, SectionMap};
use crate::diagnostics::Severity;
use crate::extract::Section;
use crate::model::Submission;
use crate::text::{find, fold, word_count};
use std::collections::BTreeMap;

/// Whether a required section is present: what the extractor found, or a
/// heading that names it, or (for the skill lists) items found anyway.
pub fn present(sub: &Submission, map: &SectionMap, s: Section) -> bool {
    match s {
        Section::SkillsHave => map.has(s) || !sub.skills_have.is_empty(),
        Section::SkillsLack => map.has(s) || !sub.skills_lack.is_empty(),
        // A role guessed from the reflection's prose does not make the section.
        Section::ChosenRole => !sub.sections_missing.iter().any(|m| m == s.title()) || map.has(Section::RoleName),
        _ => !sub.sections_missing.iter().any(|m| m == s.title()) || map.has(s),
    }
}

/// One error per missing section, at the line it belongs before.
pub fn missing(sub: &Submission, map: &SectionMap, required: &[Section], main: usize) -> (Vec<String>, Vec<Finding>) {
    let mut titles = Vec::new();
    let mut out = Vec::new();
    let path = sub.sources.get(main).map(|(p, _)| p.as_str()).unwrap_or(&sub.source);
    // Counted only when a section goes at the end: most have none missing.
    let last_line = || sub.sources.get(main).map(|(_, t)| t.lines().count().max(1)).unwrap_or(0);
    for (i, &s) in required.iter().enumerate() {
        if present(sub, map, s) {
            continue;
        }
        titles.push(s.title().to_string());
        let next = required[i + 1..]
            .iter()
            .find_map(|n| map.heads.iter().find(|h| h.section == *n && h.file == main).map(|h| h.line));
        let (line, place) = match next {
            Some(l) => (l, format!("before line {l}")),
            None => (last_line(), "at the end".to_string()),
        };
        out.push(Finding::new(
            "missing-section",
            path,
            line,
            Severity::Error,
            format!("section \"{}\" is missing: add a heading \"## {}\" {place}", s.title(), s.title()),
        ));
    }
    (titles, out)
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
pub fn had_and_lacking(sub: &Submission, map: &SectionMap, files: &[usize], lines: &[Line]) -> Vec<Finding> {
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
pub fn posting_key(url: &str) -> String {
    let u = url.trim().trim_end_matches(['.', ',', ')']);
    let u = u.split(['?', '#']).next().unwrap_or(u);
    let rest = u.split_once("://").map(|(_, r)| r).unwrap_or(u);
    let (host, path) = rest.split_once('/').unwrap_or((rest, ""));
    let host = host.to_lowercase();
    let host = host.strip_prefix("www.").unwrap_or(&host);
    format!("{host}/{}", path.trim_end_matches('/'))
}

/// True for `http(s)://host.tld/...` with no spaces.
pub fn is_web_url(url: &str) -> bool {
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

/// Posting links that are not web addresses, and the same posting twice.
pub fn posting_links(sub: &Submission, map: &SectionMap, files: &[usize], lines: &[Line]) -> Vec<Finding> {
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
                format!("{url} is the same posting as the one on {}:{fl}: find a different posting", sub.sources[ff].0),
            )),
            Some(_) => {}
            None => {
                first.insert(key, (f, l));
            }
        }
    }
    out
}

/// The chosen role is not a role the taxonomy knows.
pub fn chosen_role(sub: &Submission) -> Option<Finding> {
    let c = sub.chosen_role.as_ref()?;
    c.canonical.is_none().then(|| {
        Finding::new(
            "not-a-role",
            &c.file,
            c.line,
            Severity::Warning,
            format!(
                "chosen role \"{}\" is not a known role: write an engineering role such as \"Backend Engineer\"",
                c.name
            ),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

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
