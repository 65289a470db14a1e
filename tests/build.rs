//! End-to-end builds through the real binary: the example cohort, the shared
//! seeds and corpus (scored with the gold's own script), determinism across
//! thread counts, and config errors.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_skills-atlas"))
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn build(content: &Path, out: &Path, threads: Option<usize>, extra: &[&str]) -> Output {
    let mut cmd = bin();
    cmd.arg("build").arg(content).arg("-o").arg(out).args(extra);
    if let Some(n) = threads {
        cmd.env("RAYON_NUM_THREADS", n.to_string());
    }
    let output = cmd.output().expect("run skills-atlas");
    assert!(
        output.status.success(),
        "build of {} failed: {}",
        content.display(),
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

/// `../shared`, when present. Its absence fails under CI=true and skips
/// (with a message) on a user's machine.
fn shared() -> Option<PathBuf> {
    let dir = repo().join("../shared");
    if dir.join("gold/score.py").is_file() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but ../shared (seeds, corpus, gold) is missing next to the checkout");
    }
    eprintln!("skipping: ../shared not found next to the checkout (seeds, corpus and gold live there)");
    None
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).expect("read atlas.json")).expect("atlas.json is JSON")
}

#[test]
fn example_cohort_builds_every_page_type() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build(&repo().join("content"), &out, None, &[]);
    let atlas = read_json(&out.join("atlas.json"));
    let subs = atlas["submissions"].as_array().unwrap();
    assert!(subs.len() >= 12, "example cohort has {} submissions", subs.len());
    for s in subs {
        let id = s["id"].as_str().unwrap();
        assert!(out.join("submissions").join(id).join("index.html").is_file(), "no page for {id}");
    }
    for kind in ["roles", "skills", "components", "products"] {
        let list = atlas[kind].as_array().unwrap();
        assert!(!list.is_empty(), "no {kind} aggregated");
        for item in list {
            let slug = item["slug"].as_str().unwrap();
            assert!(out.join(kind).join(slug).join("index.html").is_file(), "no page for {kind}/{slug}");
        }
        assert!(out.join(kind).join("index.html").is_file());
    }
    let products: Vec<&str> =
        atlas["products"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert!(products.len() >= 3, "products: {products:?}");
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("submissions/"), "overview links to submissions");
    // Code blocks in the example cohort are highlighted through CSS classes.
    let highlighted = subs.iter().any(|s| {
        let page = out.join("submissions").join(s["id"].as_str().unwrap()).join("index.html");
        std::fs::read_to_string(page).unwrap().contains("class=\"hl-")
    });
    assert!(highlighted, "no highlighted code block in the example site");
    assert!(std::fs::read_to_string(out.join("static/highlight.css")).unwrap().contains("prefers-color-scheme: dark"));
}

#[test]
fn progress_reaches_every_submission_and_page() {
    use std::sync::Mutex;
    let tmp = tempfile::tempdir().unwrap();
    let opts = skills_atlas::BuildOptions {
        content: repo().join("content"),
        output: tmp.path().join("public"),
        config: None,
        base_url: None,
    };
    let last = Mutex::new(std::collections::BTreeMap::new());
    let report = skills_atlas::build_with_progress(&opts, &|stage, done, total| {
        let mut last = last.lock().unwrap();
        let prev = last.insert(stage, (done, total));
        assert!(prev.is_none_or(|(d, _)| d <= done || stage == "parse"), "{stage} went back");
    })
    .unwrap();
    let last = last.into_inner().unwrap();
    assert_eq!(last["render"], (report.pages, report.pages), "{last:?}");
    let (parsed, of) = last["parse"];
    assert_eq!(of, report.submissions);
    assert!(parsed <= of && parsed > 0, "{last:?}");
}

#[test]
fn same_input_same_bytes_whatever_the_thread_count() {
    let tmp = tempfile::tempdir().unwrap();
    let mut cohorts = vec![repo().join("content")];
    if let Some(shared) = shared() {
        cohorts.push(shared.join("corpus"));
        cohorts.push(shared.join("seeds"));
    }
    for content in cohorts {
        let one = tmp.path().join("one");
        let two = tmp.path().join("two");
        build(&content, &one, Some(1), &[]);
        build(&content, &two, Some(2), &[]);
        let a = snapshot(&one);
        let b = snapshot(&two);
        assert_eq!(a.len(), b.len(), "{}: different file sets", content.display());
        for ((pa, ba), (pb, bb)) in a.iter().zip(&b) {
            assert_eq!(pa, pb);
            assert!(ba == bb, "{}: {} differs between 1 and 2 threads", content.display(), pa.display());
        }
        std::fs::remove_dir_all(&one).unwrap();
        std::fs::remove_dir_all(&two).unwrap();
    }
}

/// Every file under `dir`, sorted, with its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut files: Vec<_> = walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_type().is_file())
        .map(|e| (e.path().strip_prefix(dir).unwrap().to_path_buf(), std::fs::read(e.path()).unwrap()))
        .collect();
    files.sort();
    files
}

/// Run the gold's scorer; returns (exit ok, stdout).
fn score(gold: &Path, atlas: &Path, min: &str) -> (bool, String) {
    let out = Command::new("python3")
        .arg(gold.parent().unwrap().join("score.py"))
        .arg(gold)
        .arg(atlas)
        .args(["--min", min, "--verbose"])
        .output()
        .expect("python3 runs (the scorer needs python3 with PyYAML)");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.code().is_some_and(|c| c < 2),
        "score.py failed: {stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), stdout)
}

/// seeds.yaml writes one roles list as an unquoted YAML flow sequence, so
/// "Security engineer (PCI, fraud)" is read as two roles. Rejoin list items
/// whose parentheses do not balance, in a copy, to score against what the
/// annotator meant; the untouched file is scored too, with its known loss.
fn repaired_gold(gold: &Path, dir: &Path) -> PathBuf {
    let text = std::fs::read_to_string(gold).unwrap();
    let mut out = String::new();
    for line in text.lines() {
        match (line.find(": ["), line.ends_with(']')) {
            (Some(i), true) => {
                let items = &line[i + 3..line.len() - 1];
                let mut joined: Vec<String> = Vec::new();
                for part in items.split(',') {
                    match joined.last_mut() {
                        Some(last) if last.matches('(').count() > last.matches(')').count() => {
                            last.push(',');
                            last.push_str(part);
                        }
                        _ => joined.push(part.trim().to_string()),
                    }
                }
                let quoted: Vec<String> = joined.iter().map(|s| format!("{:?}", s.trim())).collect();
                out.push_str(&format!("{}: [{}]\n", &line[..i], quoted.join(", ")));
            }
            _ => {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    let path = dir.join("seeds.repaired.yaml");
    std::fs::write(&path, out).unwrap();
    std::fs::copy(gold.parent().unwrap().join("score.py"), dir.join("score.py")).unwrap();
    path
}

#[test]
fn every_seed_is_understood() {
    let Some(shared) = shared() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("seeds");
    build(&shared.join("seeds"), &out, None, &[]);
    let gold = shared.join("gold/seeds.yaml");
    let (ok, report) = score(&repaired_gold(&gold, tmp.path()), &out.join("atlas.json"), "1.0");
    assert!(ok, "seeds (gold with its quoting repaired) below 1.0:\n{report}");
    // The file as published: only seed 003's component_roles may fall short,
    // by exactly the two halves the quoting error invents.
    let (_, report) = score(&gold, &out.join("atlas.json"), "0");
    for line in report.lines().filter(|l| l.contains(".md: ") && l.contains('(')) {
        assert!(
            line.starts_with("003_") && line.ends_with("(component_roles=0.96)"),
            "unexpected loss against seeds.yaml: {line}\n{report}"
        );
    }
}

#[test]
fn a_config_that_does_not_parse_names_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    std::fs::write(content.join("a.md"), "## My chosen role\n\nBackend Engineer\n").unwrap();
    let config = tmp.path().join("site.yaml");
    std::fs::write(&config, "title: ok\nbase_url: [unclosed\n").unwrap();
    let out = tmp.path().join("out");
    let run = bin().arg("build").arg(&content).arg("-o").arg(&out).arg("--config").arg(&config).output().unwrap();
    assert!(!run.status.success());
    let err = String::from_utf8_lossy(&run.stderr);
    assert!(err.contains("site.yaml") && err.contains("line 2"), "{err}");
    assert!(!out.exists(), "nothing is written before the config parses");
}

#[test]
fn base_url_and_title_reach_the_pages() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir_all(content.join("ann__lab/docs")).unwrap();
    std::fs::write(content.join("ann__lab/docs/roles-and-skills.md"), "## My chosen role\n\n### Role\n\nQA Engineer\n")
        .unwrap();
    std::fs::write(content.join("config.yaml"), "title: \"Group B <atlas>\"\n").unwrap();
    let out = tmp.path().join("out");
    build(&content, &out, None, &["--base-url", "https://example.test/atlas/"]);
    let page = std::fs::read_to_string(out.join("submissions/ann__lab/index.html")).unwrap();
    assert!(page.contains("Group B &lt;atlas&gt;"), "title is escaped data");
    assert!(page.contains("href=\"https://example.test/atlas/submissions/ann__lab/\""), "canonical URL under the base");
    assert!(page.contains("href=\"../../static/style.css\""), "assets are relative");
    let atlas = read_json(&out.join("atlas.json"));
    assert_eq!(atlas["submissions"][0]["chosen_role"]["canonical"], "QA Engineer");
    assert_eq!(atlas["submissions"][0]["source"], "ann__lab");
}

/// Issue bar for real, untemplated submissions: overall F1 >= 0.95 and no
/// field below 0.85 (the scorer prints per-field figures).
#[test]
fn the_real_corpus_is_understood() {
    let Some(shared) = shared() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("corpus");
    build(&shared.join("corpus"), &out, None, &[]);
    let (ok, report) = score(&shared.join("gold/corpus.yaml"), &out.join("atlas.json"), "0.95");
    assert!(ok, "corpus extraction F1 below 0.95:\n{report}");
    let fields = report.lines().find_map(|l| l.strip_prefix("per field: ")).expect("per-field line");
    for part in fields.split(", ") {
        let (name, value) = part.split_once('=').unwrap();
        let value: f64 = value.parse().unwrap();
        assert!(value >= 0.85, "field {name} = {value} < 0.85:\n{report}");
    }
}
