//! One list of findings per submission: `build -v`, atlas.json, review.csv,
//! the review page, each submission page, the submissions list and `check
//! --format json` run in the fork all show the same missing sections and the
//! same findings, and no two findings of a submission share path, line and
//! code. Checked on the example cohort and, when it is there, the shared
//! corpus.

use scraper::{ElementRef, Html, Selector};
use serde_json::Value;
use std::collections::{BTreeMap, HashSet};
use std::path::{Path, PathBuf};

mod common;
use common::bin;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// One finding as atlas.json has it: path, line, code, severity, message.
type Finding = (String, u64, String, String, String);

/// What one output says of one submission.
#[derive(Debug, PartialEq)]
struct Said {
    missing: Vec<String>,
    findings: Vec<Finding>,
}

fn findings_of(list: &Value) -> Vec<Finding> {
    let s = |f: &Value, k: &str| f[k].as_str().unwrap_or_else(|| panic!("finding without {k}: {f}")).to_string();
    let list = list.as_array().expect("a list of findings");
    list.iter()
        .map(|f| (s(f, "path"), f["line"].as_u64().unwrap(), s(f, "code"), s(f, "severity"), s(f, "message")))
        .collect()
}

fn strings(v: &Value) -> Vec<String> {
    v.as_array().expect("a list").iter().map(|m| m.as_str().unwrap().to_string()).collect()
}

/// How the pages show a finding: `path:line severity: message`.
fn shown(f: &Finding) -> String {
    let at = if f.1 > 0 { format!("{}:{}", f.0, f.1) } else { f.0.clone() };
    format!("{at} {}: {}", f.3, f.4)
}

/// How `build -v` prints it: `path:line: severity: message`.
fn printed(f: &Finding) -> String {
    let at = if f.1 > 0 { format!("{}:{}", f.0, f.1) } else { f.0.clone() };
    format!("{at}: {}: {}", f.3, f.4)
}

fn sel(s: &str) -> Selector {
    Selector::parse(s).unwrap()
}

fn text(e: ElementRef) -> String {
    e.text().collect::<String>().trim().to_string()
}

/// `(code, text)` of every finding listed under `scope`.
fn listed(scope: ElementRef) -> Vec<(String, String)> {
    scope
        .select(&sel("li[data-code]"))
        .map(|li| (li.value().attr("data-code").unwrap().to_string(), text(li)))
        .collect()
}

/// The RFC 4180 rows of review.csv, by column name.
fn csv_rows(text: &str) -> Vec<BTreeMap<String, String>> {
    assert!(text.starts_with('\u{feff}'), "review.csv starts with a byte order mark");
    let mut rows = common::csv_records(text);
    let header = rows.remove(0);
    rows.into_iter().map(|r| header.iter().cloned().zip(r).collect()).collect()
}

/// Build `content` and check every output against atlas.json. `config` is
/// the content's config, which `check` is given too.
fn outputs_agree(content: &Path, config: Option<&Path>) {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("site");
    let run = bin().arg("build").arg(content).arg("-o").arg(&out).arg("-v").output().unwrap();
    assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
    let atlas: Value = serde_json::from_slice(&std::fs::read(out.join("atlas.json")).unwrap()).unwrap();
    let subs = atlas["submissions"].as_array().unwrap();
    assert!(!subs.is_empty());

    let csv = csv_rows(&std::fs::read_to_string(out.join("review.csv")).unwrap());
    assert_eq!(csv.len(), subs.len(), "a review.csv row per submission");
    let review = Html::parse_document(&std::fs::read_to_string(out.join("review/index.html")).unwrap());
    let list = Html::parse_document(&std::fs::read_to_string(out.join("submissions/index.html")).unwrap());
    let stderr = String::from_utf8_lossy(&run.stderr);
    let mut printed_lines: Vec<&str> = stderr.lines().filter(|l| !l.starts_with("Built ")).collect();

    let mut all = Vec::new();
    for (s, row) in subs.iter().zip(&csv) {
        let id = s["id"].as_str().unwrap();
        let source = s["source"].as_str().unwrap();
        assert!(s.get("diagnostics").is_none() && s.get("sections_missing").is_none(), "{id}: a second list");
        let said = Said { missing: strings(&s["review"]["missing"]), findings: findings_of(&s["review"]["findings"]) };
        let shown_all: Vec<(String, String)> = said.findings.iter().map(|f| (f.2.clone(), shown(f))).collect();

        // Each fact once.
        let mut keys = HashSet::new();
        for f in &said.findings {
            assert!(keys.insert((&f.0, f.1, &f.2)), "{id}: two findings at {}:{} with code {}", f.0, f.1, f.2);
            assert!(!f.4.contains("\"\""), "{id}: an empty quote: {}", f.4);
        }
        // The missing sections are the missing-section findings.
        let titles: Vec<String> = said
            .findings
            .iter()
            .filter(|f| f.2 == "missing-section")
            .flat_map(|f| f.4.split(" missing:").next().unwrap().split('"').skip(1).step_by(2).map(String::from))
            .collect();
        let mut sorted = said.missing.clone();
        sorted.sort();
        let mut titles_sorted = titles.clone();
        titles_sorted.sort();
        assert_eq!(titles_sorted, sorted, "{id}: missing sections and missing-section findings");

        // review.csv
        assert_eq!(row["source"], source);
        assert_eq!(row["missing_sections"], said.missing.join("; "), "{id}: review.csv");
        let as_text: Vec<String> = said
            .findings
            .iter()
            .map(|f| if f.1 > 0 { format!("{}:{}: {}", f.0, f.1, f.4) } else { format!("{}: {}", f.0, f.4) })
            .collect();
        assert_eq!(row["findings"], as_text.join("\n"), "{id}: review.csv");
        let errors = said.findings.iter().filter(|f| f.3 == "error").count();
        assert_eq!(row["errors"], errors.to_string(), "{id}: review.csv");

        // The review page's row.
        let tr = review.select(&sel(&format!("#review-table tr[data-id=\"{id}\"]"))).next().expect("a review row");
        let cell = text(tr.select(&sel("td.missing")).next().unwrap());
        let want = if said.missing.is_empty() { "none".to_string() } else { said.missing.join(", ") };
        assert_eq!(cell, want, "{id}: review page's missing sections");
        assert_eq!(listed(tr), shown_all, "{id}: review page's findings");

        // The submission's own page.
        let page_path = out.join("submissions").join(id).join("index.html");
        let page = Html::parse_document(&std::fs::read_to_string(page_path).unwrap());
        let on_page: Vec<(String, String)> = page.select(&sel("ul.findings")).flat_map(listed).collect();
        assert_eq!(on_page, shown_all, "{id}: submission page's findings");

        // The submissions list's counts.
        let tr = list.select(&sel(&format!("tr[data-id=\"{id}\"]"))).next().expect("a submissions row");
        assert_eq!(text(tr.select(&sel("td.missing")).next().unwrap()), said.missing.len().to_string(), "{id}");
        assert_eq!(text(tr.select(&sel("td.findings")).next().unwrap()), said.findings.len().to_string(), "{id}");

        // `check --format json`, run where the fork is.
        let mut check = bin();
        check.current_dir(content).args(["check", source, "--format", "json"]);
        if let Some(c) = config {
            check.arg("--config").arg(c);
        }
        let run = check.output().unwrap();
        assert!(run.status.code().is_some_and(|c| c < 2), "{id}: {}", String::from_utf8_lossy(&run.stderr));
        let checked: Value = serde_json::from_slice(&run.stdout).unwrap();
        let by_check = Said { missing: strings(&checked["missing"]), findings: findings_of(&checked["findings"]) };
        assert_eq!(by_check, said, "{id}: check --format json");

        // `build -v` printed each finding once, in the same order.
        for f in &said.findings {
            let line = printed(f);
            let at = printed_lines.iter().position(|l| *l == line);
            assert!(at.is_some(), "{id}: build -v did not print {line}");
            printed_lines.remove(at.unwrap());
        }
        all.extend(said.findings);
    }
    assert!(printed_lines.is_empty(), "build -v printed findings no output lists: {printed_lines:?}");
    assert!(all.iter().any(|f| f.2 == "missing-section"), "the cohort has a missing section to compare");
}

#[test]
fn the_example_cohort_says_one_thing_everywhere() {
    let content = repo().join("content");
    outputs_agree(&content, Some(&content.join("config.yaml")));
}

#[test]
fn the_real_corpus_says_one_thing_everywhere() {
    let corpus = repo().join("../shared/corpus");
    if !corpus.is_dir() {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but ../shared/corpus is missing");
        eprintln!("skipping: ../shared/corpus not found next to the checkout");
        return;
    }
    outputs_agree(&corpus, None);
}
