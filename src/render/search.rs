//! The search index: written at build time, read by `static/search.js`, so
//! search works on GitHub Pages with no server, and from disk.
//!
//! The index is a script, not a `.json` file: a page opened from disk
//! (`file://`) may load a script next to it but may not `fetch` a file. It
//! assigns one JSON value:
//!
//! ```text
//! window.skillsAtlasSearch = {"version":1,"kinds":["page","role",...],
//!   "entries":[[KIND, "title", "url", "detail", ["keyword", ...]], ...]};
//! ```
//!
//! `KIND` indexes `kinds`; `url` is relative to the site root; `detail` is a
//! short line shown under the title; `keywords` are other names the entry is
//! found by (how students wrote a role, a component or a skill; a
//! submission's product and chosen role). Entries come kind by kind in the
//! order of `kinds`, each kind in the cohort's order, so the file depends
//! only on the cohort and search.js can break ties by position.

use super::Page;
use crate::aggregate::Cohort;
use crate::model::Submission;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// The index file, relative to the output dir.
pub(crate) const INDEX_PATH: &str = "search-index.js";

/// The global the index script assigns (search.js reads it).
const GLOBAL: &str = "window.skillsAtlasSearch";

/// Entry kinds, in the order entries are written (and ties are broken).
pub(crate) const KINDS: [&str; 6] = ["page", "role", "skill", "product", "component", "submission"];

/// Keywords per entry, at most; the most common names are kept.
const MAX_KEYWORDS: usize = 6;
/// Characters kept of a title, a keyword or a detail: a student's text can
/// be long, the index is loaded by every page that searches.
const MAX_CHARS: usize = 100;

/// The site's own sections, findable by name.
const SECTIONS: &[(&str, &str, &str, &[&str])] = &[
    ("Overview", "index.html", "Cohort overview", &["home", "cohort", "summary"]),
    ("Submissions", "submissions/index.html", "Every submission", &["students", "forks"]),
    ("Roles", "roles/index.html", "Every role", &[]),
    ("Skills", "skills/index.html", "Every skill", &[]),
    ("Components", "components/index.html", "Every component", &[]),
    ("Products", "products/index.html", "Every product", &[]),
    ("Review", "review/index.html", "Rubric scores and near duplicates", &["rubric", "score", "near duplicates"]),
    ("Unrecognised names", "unknown/index.html", "Names the taxonomy did not recognise", &["unknown", "taxonomy"]),
];

#[derive(Serialize)]
struct Index<'a> {
    version: u32,
    kinds: [&'a str; 6],
    entries: Vec<Entry>,
}

/// `[kind, title, url, detail, keywords]`: an array, not an object, so the
/// field names are not repeated in every entry.
#[derive(Serialize)]
struct Entry(usize, String, String, String, Vec<String>);

fn kind(name: &str) -> usize {
    KINDS.iter().position(|k| *k == name).expect("a known kind")
}

fn clip(s: &str) -> String {
    let s = s.trim();
    match s.char_indices().nth(MAX_CHARS) {
        Some((i, _)) => format!("{}…", s[..i].trim_end()),
        None => s.to_string(),
    }
}

/// Distinct (case-insensitively) keywords, none equal to the title, in the
/// order given, at most `MAX_KEYWORDS`.
fn keywords<'a>(title: &str, words: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut seen = vec![title.trim().to_lowercase()];
    let mut out = Vec::new();
    for w in words {
        let w = clip(w);
        let key = w.to_lowercase();
        if w.is_empty() || seen.contains(&key) {
            continue;
        }
        seen.push(key);
        out.push(w);
        if out.len() == MAX_KEYWORDS {
            break;
        }
    }
    out
}

/// Names by how often they occur, then alphabetically.
fn by_count(counts: BTreeMap<&str, usize>) -> Vec<&str> {
    let mut v: Vec<(&str, usize)> = counts.into_iter().collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v.into_iter().map(|(n, _)| n).collect()
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// Every entry, in file order.
fn entries(subs: &[Submission], cohort: &Cohort) -> Vec<Entry> {
    let mut out = Vec::new();
    for (title, url, detail, words) in SECTIONS {
        out.push(Entry(
            kind("page"),
            title.to_string(),
            url.to_string(),
            detail.to_string(),
            keywords(title, words.iter().copied()),
        ));
    }

    // How students wrote each canonical role they chose, and each skill
    // (items naming one skill only: "Python, SQL" is not a name for Python).
    let mut role_names: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    let mut skill_names: BTreeMap<&str, BTreeMap<&str, usize>> = BTreeMap::new();
    for s in subs {
        if let Some(cr) = &s.chosen_role
            && let Some(canon) = &cr.canonical
        {
            *role_names.entry(canon).or_default().entry(&cr.name).or_default() += 1;
        }
        for item in s.skills_have.iter().chain(&s.skills_lack).chain(&s.common_skills) {
            if let [only] = item.skills.as_slice() {
                *skill_names.entry(only).or_default().entry(&item.name).or_default() += 1;
            }
        }
    }

    for r in &cohort.roles {
        let title = clip(&r.name);
        let names = role_names.remove(r.name.as_str()).map(by_count).unwrap_or_default();
        let detail = match r.chosen_by.len() {
            0 => format!("Role named in {}", plural(r.mentioned_by, "submission", "submissions")),
            n => format!("Role chosen by {}", plural(n, "student", "students")),
        };
        let kw = keywords(&title, names);
        out.push(Entry(kind("role"), title, format!("roles/{}/index.html", r.slug), detail, kw));
    }
    for k in &cohort.skills {
        let title = clip(&k.name);
        let names = skill_names.remove(k.name.as_str()).map(by_count).unwrap_or_default();
        let detail = match &k.category {
            Some(c) => format!("Skill ({}): {} have, {} lack", clip(c), k.have.len(), k.lack.len()),
            None => format!("Skill: {} have, {} lack", k.have.len(), k.lack.len()),
        };
        let kw = keywords(&title, k.category.as_deref().into_iter().chain(names));
        out.push(Entry(kind("skill"), title, format!("skills/{}/index.html", k.slug), detail, kw));
    }
    for p in &cohort.products {
        let title = clip(&p.name);
        let detail = format!("Product: {}", plural(p.submissions.len(), "submission", "submissions"));
        out.push(Entry(kind("product"), title, format!("products/{}/index.html", p.slug), detail, Vec::new()));
    }
    for c in &cohort.components {
        let title = clip(&c.name);
        let detail = format!("Component: {}", plural(c.submissions, "submission", "submissions"));
        let kw = keywords(&title, c.names.iter().map(|n| n.name.as_str()));
        out.push(Entry(kind("component"), title, format!("components/{}/index.html", c.slug), detail, kw));
    }
    // One per submission: the bulk of a large cohort's index, on all cores.
    out.par_extend(subs.par_iter().map(submission_entry));
    out
}

fn submission_entry(s: &Submission) -> Entry {
    let title = clip(&s.author);
    let role = s.chosen_role.as_ref();
    let canonical = role.and_then(|r| r.canonical.as_deref());
    let shown: Vec<String> =
        s.product.iter().map(|p| clip(p)).chain(role.map(|r| clip(canonical.unwrap_or(&r.name)))).collect();
    let detail =
        if shown.is_empty() { "Submission".to_string() } else { format!("Submission: {}", shown.join(" · ")) };
    let words = [Some(s.id.as_str()), s.product.as_deref(), role.map(|r| r.name.as_str()), canonical];
    let kw = keywords(&title, words.into_iter().flatten());
    Entry(kind("submission"), title, format!("submissions/{}/index.html", s.id), detail, kw)
}

pub(crate) fn index_page(subs: &[Submission], cohort: &Cohort) -> Page {
    let index = Index { version: 1, kinds: KINDS, entries: entries(subs, cohort) };
    let json = crate::hidden::to_string(&index).expect("the index serialises");
    // Legal in JSON and (since ES2019) in script, but older parsers end a
    // line there.
    let json = json.replace('\u{2028}', "\\u2028").replace('\u{2029}', "\\u2029");
    let text = format!("// skills-atlas search index, read by static/search.js\n{GLOBAL} = {json};\n");
    Page { path: INDEX_PATH.into(), bytes: text.into_bytes() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;
    use std::path::PathBuf;

    /// The JSON value the index script assigns.
    fn parse(page: &Page) -> serde_json::Value {
        let text = std::str::from_utf8(&page.bytes).unwrap();
        let (head, rest) = text.split_once(&format!("{GLOBAL} = ")).expect("assigns the global");
        assert!(head.lines().all(|l| l.starts_with("//")), "only a comment before: {head}");
        let json = rest.strip_suffix(";\n").expect("ends with ;\\n");
        serde_json::from_str(json).unwrap()
    }

    fn example() -> crate::Loaded {
        let content = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content");
        crate::load(&content, None, None).unwrap()
    }

    /// (kind, title, url, detail, keywords) of every entry.
    fn rows(v: &serde_json::Value) -> Vec<(String, String, String, String, Vec<String>)> {
        let kinds: Vec<&str> = v["kinds"].as_array().unwrap().iter().map(|k| k.as_str().unwrap()).collect();
        v["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                let e = e.as_array().unwrap();
                assert_eq!(e.len(), 5, "{e:?}");
                let s = |i: usize| e[i].as_str().unwrap().to_string();
                let kw = e[4].as_array().unwrap().iter().map(|k| k.as_str().unwrap().to_string()).collect();
                (kinds[e[0].as_u64().unwrap() as usize].to_string(), s(1), s(2), s(3), kw)
            })
            .collect()
    }

    #[test]
    fn every_kind_has_entries_and_every_url_is_a_built_page() {
        let l = example();
        let index = index_page(&l.submissions, &l.cohort);
        assert_eq!(index.path, "search-index.js");
        let v = parse(&index);
        let rows = rows(&v);
        for k in KINDS {
            assert!(rows.iter().any(|r| r.0 == k), "no {k} entry");
        }
        let count = |k: &str| rows.iter().filter(|r| r.0 == k).count();
        assert_eq!(count("submission"), l.submissions.len());
        assert_eq!(count("role"), l.cohort.roles.len());
        assert_eq!(count("skill"), l.cohort.skills.len());
        assert_eq!(count("component"), l.cohort.components.len());
        assert_eq!(count("product"), l.cohort.products.len());

        let tera = crate::render::load_templates(None).unwrap();
        let rubric = crate::review::Rubric::with_config(None).unwrap();
        let review = crate::review::review_cohort(&l.submissions, &rubric);
        let mut paths = Vec::new();
        crate::render::render_site(&l.submissions, &l.cohort, &l.config, &tera, &review, &[], &mut |batch| {
            paths.extend(batch.into_iter().map(|p| p.path));
            Ok(())
        })
        .unwrap();
        let built: BTreeSet<&str> = paths.iter().map(String::as_str).collect();
        let mut urls = BTreeSet::new();
        for (kind, title, url, _, _) in &rows {
            assert!(built.contains(url.as_str()), "{kind} {title}: {url} is not a page of the site");
            assert!(urls.insert(url.clone()), "{url} twice");
            assert!(!title.is_empty());
        }
        // Each entity page is in the index (the list pages as "page" entries).
        for p in &built {
            if p.ends_with("index.html") {
                assert!(urls.contains(*p), "{p} cannot be found by search");
            }
        }
    }

    #[test]
    fn entries_name_what_students_wrote() {
        let l = example();
        let rows = rows(&parse(&index_page(&l.submissions, &l.cohort)));
        let find = |kind: &str, title: &str| {
            rows.iter().find(|r| r.0 == kind && r.1 == title).unwrap_or_else(|| panic!("no {kind} {title}")).clone()
        };
        let alina = find("submission", "alina-k");
        assert_eq!(alina.2, "submissions/alina-k__lab-01/index.html");
        assert_eq!(alina.3, "Submission: Telegram · Backend Engineer");
        assert!(alina.4.contains(&"Backend Developer (Go)".to_string()), "{:?}", alina.4);
        // A Russian role name, as written, finds the canonical role.
        let frontend = find("role", "Frontend Engineer");
        assert!(frontend.4.iter().any(|k| k == "Фронтенд-разработчик"), "{:?}", frontend.4);
        assert!(frontend.3.starts_with("Role chosen by "), "{}", frontend.3);
        let vitrina = find("component", "Витрина (сайт и приложения)");
        assert!(vitrina.2.starts_with("components/витрина-"), "{}", vitrina.2);
        assert_eq!(find("product", "Telegram").2, "products/telegram/index.html");
        assert_eq!(find("skill", "Docker").2, "skills/docker/index.html");
        for r in &rows {
            assert!(r.4.len() <= MAX_KEYWORDS, "{r:?}");
            assert!(!r.4.iter().any(|k| k.to_lowercase() == r.1.to_lowercase()), "title repeated as keyword: {r:?}");
        }
    }

    #[test]
    fn ordering_is_by_kind_then_cohort_order_and_repeatable() {
        let a = example();
        let b = example();
        let first = index_page(&a.submissions, &a.cohort);
        assert_eq!(first.bytes, index_page(&b.submissions, &b.cohort).bytes, "same cohort, same bytes");
        let v = parse(&first);
        let kinds: Vec<u64> = v["entries"].as_array().unwrap().iter().map(|e| e[0].as_u64().unwrap()).collect();
        assert!(kinds.windows(2).all(|w| w[0] <= w[1]), "entries grouped by kind in KINDS order: {kinds:?}");
        let rows = rows(&v);
        let subs: Vec<&str> = rows.iter().filter(|r| r.0 == "submission").map(|r| r.2.as_str()).collect();
        let expected: Vec<String> = a.submissions.iter().map(|s| format!("submissions/{}/index.html", s.id)).collect();
        assert_eq!(subs, expected);
        let skills: Vec<&str> = rows.iter().filter(|r| r.0 == "skill").map(|r| r.1.as_str()).collect();
        let expected: Vec<&str> = a.cohort.skills.iter().map(|k| k.name.as_str()).collect();
        assert_eq!(skills, expected);
    }

    #[test]
    fn student_text_stays_data_and_long_names_are_clipped() {
        let mut l = example();
        let s = &mut l.submissions[0];
        s.author = "x\u{2028}</script><img src=x onerror=alert(1)>\"'".to_string();
        s.product = Some("П".repeat(500));
        let page = index_page(&l.submissions, &l.cohort);
        let text = String::from_utf8(page.bytes.clone()).unwrap();
        assert!(!text.contains('\u{2028}'), "line separators are escaped");
        let rows = rows(&parse(&page));
        let sub = rows.iter().find(|r| r.0 == "submission").unwrap();
        assert_eq!(sub.1, "x\u{2028}</script><img src=x onerror=alert(1)>\"'", "round-trips exactly");
        let product = sub.4.iter().find(|k| k.starts_with('П')).unwrap();
        assert_eq!(product.chars().count(), MAX_CHARS + 1, "clipped with an ellipsis");
        assert!(product.ends_with('…'));
    }

    #[test]
    fn keywords_are_distinct_and_capped() {
        assert_eq!(keywords("Go", ["go", "Golang", "golang", "GO ", ""]), vec!["Golang"]);
        let many: Vec<String> = (0..20).map(|i| format!("k{i}")).collect();
        assert_eq!(keywords("t", many.iter().map(String::as_str)).len(), MAX_KEYWORDS);
        let counts = BTreeMap::from([("b", 2), ("a", 2), ("c", 5)]);
        assert_eq!(by_count(counts), vec!["c", "a", "b"]);
    }
}
