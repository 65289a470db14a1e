//! The review stage end to end: rubric findings through `skills-atlas check`,
//! near duplicates that survive reformatting (and template text that must not
//! make two students similar), the review page, review.csv and atlas.json.
//! All text here is made up for these tests.

mod common;
use common::bin;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared`, when present; its absence fails under CI=true and skips otherwise.
fn shared() -> Option<PathBuf> {
    let dir = repo().join("../shared");
    if dir.join("seeds").is_dir() && dir.join("corpus").is_dir() {
        return Some(dir);
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but ../shared (seeds, corpus) is missing next to the checkout");
    }
    eprintln!("skipping: ../shared not found next to the checkout (seeds and corpus live there)");
    None
}

/// `check` with no score bar: these tests are about findings and required
/// sections; the rubric's points and bar are tests/rubric.rs's.
fn check(path: &Path, args: &[&str]) -> Output {
    let mut c = bin();
    c.arg("check").arg(path).args(args).env_remove("GITHUB_ACTIONS");
    if !args.contains(&"--min-score") {
        c.args(["--min-score", "0"]);
    }
    c.output().expect("run skills-atlas check")
}

fn build(content: &Path, out: &Path) -> serde_json::Value {
    let o = bin().arg("build").arg(content).arg("-o").arg(out).arg("-q").output().expect("run skills-atlas build");
    assert!(o.status.success(), "build failed: {}", String::from_utf8_lossy(&o.stderr));
    serde_json::from_slice(&std::fs::read(out.join("atlas.json")).unwrap()).unwrap()
}

fn pairs(atlas: &serde_json::Value) -> Vec<(String, String)> {
    atlas["near_duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| (p["a"].as_str().unwrap().to_string(), p["b"].as_str().unwrap().to_string()))
        .collect()
}

/// The made-up assignment template: headings plus prompt lines every student keeps.
struct Answers<'a> {
    components: &'a str,
    responsibilities: &'a str,
    common: &'a str,
    role: &'a str,
    have: &'a str,
    lack: &'a str,
    postings: &'a str,
    several: &'a str,
    reflection: &'a str,
}

fn on_template(a: &Answers<'_>) -> String {
    format!(
        "# Roles and skills\n\n## Components and roles\n\n> List each part of the product and the roles that build it, in your own words.\n\n{}\n\n\
         ## Roles and responsibilities\n\n> Describe what each role does for this product, three bullets per role.\n\n{}\n\n\
         ## Common skills across roles\n\n> Write the skills every role needs, one per bullet.\n\n{}\n\n\
         ## My chosen role\n\n### Role\n\n{}\n\n### Skills I already have\n\n{}\n\n### Skills I clearly lack\n\n{}\n\n\
         ## Job market snapshot\n\n> Find five to seven job postings for this role and link each one.\n\n{}\n\n\
         ### Skills that appear in several postings\n\n{}\n\n\
         ## Personal reflection\n\n> Which role did I choose and why? How do my skills compare with the market?\n\n{}\n",
        a.components, a.responsibilities, a.common, a.role, a.have, a.lack, a.postings, a.several, a.reflection
    )
}

const POSTINGS_A: &str = "- [Backend Engineer at Parcelly](https://jobs.example.com/v/101)\n\
    - [Go Developer at Cratebox](https://jobs.example.com/v/102)\n\
    - [Junior Backend Developer at Lumen Freight](https://jobs.example.com/v/103)\n\
    - [Backend Engineer (Payments) at Tollway](https://jobs.example.com/v/104)\n\
    - [Platform Engineer at Quayside](https://jobs.example.com/v/105)";

fn student_a() -> String {
    on_template(&Answers {
        components: "- Parcel tracking service\n  - Backend Engineer\n  - QA Engineer\n\
            - Courier mobile app\n  - Mobile Engineer\n  - Designer\n\
            - Warehouse scheduler\n  - Backend Engineer\n  - Data Engineer",
        responsibilities: "- **Backend Engineer**: keeps the tracking events flowing from scanners at the depots into the \
            timeline a customer sees, and makes the slot booking survive the Friday evening rush without double booking a van.\n\
            - **Mobile Engineer**: builds the courier app so that a driver with one free thumb can confirm a handover, \
            photograph the doorstep and move on to the next address while the signal drops in a stairwell.\n\
            - **Data Engineer**: turns last winter's delivery logs into the forecast the warehouse scheduler trusts when it \
            decides how many pickers to call in before a holiday weekend.",
        common: "- Reading someone else's code before changing it\n- Writing down a decision so the next shift understands it\n\
            - Git with small reviewed commits",
        role: "Backend Engineer",
        have: "- Go\n- PostgreSQL\n- Docker",
        lack: "- Kafka\n- Kubernetes",
        postings: POSTINGS_A,
        several: "- Go\n- PostgreSQL\n- Kafka",
        reflection: "My grandmother runs a small flower stall and every morning she waits for a courier who is never on time, \
            which is why the slot booking problem caught my attention more than any of the shiny parts of the product. \
            Reading five postings showed me that nobody asks for heroics; they ask for queues, retries and patience with \
            logs, and I have only ever seen a queue in a lecture slide. This term I want to break a toy message broker on \
            purpose and learn what a poison message does to a consumer that never gives up.",
    })
}

/// Student A's text, reformatted: bullets numbered, headings renamed,
/// sections reordered, a paragraph added.
fn copy_of_a() -> String {
    let a = student_a();
    let mut out = String::new();
    let mut n = 0;
    for line in a.lines() {
        let line = line
            .replace("## Components and roles", "## What the product is made of")
            .replace("## Roles and responsibilities", "## Who does what")
            .replace("## Personal reflection", "## Thoughts");
        if let Some(rest) = line.strip_prefix("- ") {
            n += 1;
            out.push_str(&format!("{n}. {rest}\n"));
        } else {
            out.push_str(&line);
            out.push('\n');
        }
    }
    // Move the reflection to the top and add a paragraph of their own.
    let (body, thoughts) = out.split_once("## Thoughts").unwrap();
    format!(
        "## Thoughts{thoughts}\nI also looked at the courier app reviews in the store and most complaints are about \
         the map freezing when the phone switches networks.\n\n{body}"
    )
}

fn student_b() -> String {
    on_template(&Answers {
        components: "- Checkout\n  - Backend Engineer\n  - Security Engineer\n- Depot dashboard\n  - Frontend Engineer\n  - QA Engineer",
        responsibilities: "- **Backend Engineer**: owns the checkout API, decides how an order is split across depots and \
            answers the pager when card confirmations pile up at lunchtime.\n\
            - **Frontend Engineer**: draws the depot dashboard that shift leads stare at on a wall screen, so red has to \
            mean something and nothing may blink without a reason.\n\
            - **Security Engineer**: reviews who may see a customer's address and rotates the keys the couriers' tablets use.",
        common: "- Asking a precise question in the team chat\n- Testing the unhappy path first\n- Git and code review",
        role: "Backend Engineer",
        have: "- Python\n- PostgreSQL\n- Docker",
        lack: "- Go\n- Kafka",
        postings: "- [Backend Developer at Northwind Parcels](https://careers.example.org/1)\n\
            - [Python Backend Engineer at Boxtrail](https://careers.example.org/2)\n\
            - [Backend Engineer at Fernway](https://careers.example.org/3)\n\
            - [Software Engineer, Orders at Kestrel](https://careers.example.org/4)\n\
            - [Backend Engineer II at Tidepool Logistics](https://careers.example.org/5)",
        several: "- PostgreSQL\n- Docker\n- Kafka",
        reflection: "I picked the backend because the checkout is where a delivery company quietly loses money, and I like \
            problems where a wrong number is obvious the next morning. The postings mostly wanted Go or Java with queues, \
            while I arrive with Python scripts and a database course, so the gap is real but narrow. I will rewrite my \
            course project's order service in Go and put a queue between checkout and the depots to feel the difference.",
    })
}

/// Filler students: the same template, their own (pseudo-random) words.
fn filler(seed: u64) -> String {
    const WORDS: &[&str] = &[
        "lantern", "copper", "meadow", "harbor", "violet", "engine", "quartz", "saddle", "timber", "orbit", "pepper",
        "marble", "canyon", "falcon", "ribbon", "velvet", "anchor", "thistle", "ember", "glacier", "juniper", "kettle",
        "lagoon", "mosaic", "nectar", "oyster", "pylon", "quiver", "raven", "sparrow", "tundra", "umber", "walnut",
        "yonder", "zephyr", "basil", "cobalt", "dune", "fresco", "gravel",
    ];
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1;
    let mut sentence = |n: usize| -> String {
        (0..n)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                WORDS[(x % WORDS.len() as u64) as usize]
            })
            .collect::<Vec<_>>()
            .join(" ")
    };
    let (c, r, m, h, l, s, refl) =
        (sentence(30), sentence(60), sentence(20), sentence(8), sentence(8), sentence(6), sentence(70));
    let postings: String =
        (1..=5).map(|i| format!("- [{} role](https://jobs{seed}.example.net/{i})\n", sentence(3))).collect();
    on_template(&Answers {
        components: &format!("- {c}"),
        responsibilities: &format!("- {r}"),
        common: &format!("- {m}"),
        role: "QA Engineer",
        have: &format!("- {h}"),
        lack: &format!("- {l}"),
        postings: &postings,
        several: &format!("- {s}"),
        reflection: &refl,
    })
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn copying_survives_reformatting_and_the_template_pairs_no_one() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    write(&content, "anna__lab/docs/roles-and-skills.md", &student_a());
    write(&content, "boris__lab/docs/roles-and-skills.md", &copy_of_a());
    write(&content, "clara__lab/docs/roles-and-skills.md", &student_b());
    for i in 0..4 {
        write(&content, &format!("filler{i}.md"), &filler(i + 1));
    }
    let out = tmp.path().join("public");
    let atlas = build(&content, &out);
    assert_eq!(pairs(&atlas), [("anna__lab".to_string(), "boris__lab".to_string())], "{:#}", atlas["near_duplicates"]);
    let pair = &atlas["near_duplicates"][0];
    assert!(pair["similarity"].as_f64().unwrap() >= 0.8, "{pair}");

    // The review page shows the shared passages side by side and links both submissions.
    let page = std::fs::read_to_string(out.join("review/index.html")).unwrap();
    assert!(page.contains("Friday evening rush"), "passage missing from the review page");
    assert!(page.contains("submissions/anna__lab/index.html") && page.contains("submissions/boris__lab/index.html"));
    assert!(page.contains("static/review.js") && out.join("static/review.js").is_file());
    assert!(!page.contains("<script>"), "inline script would break the CSP");
}

/// Clara's "Common skills" are Anna's, renumbered; the rest of her work is
/// her own. The pair is reported for that section alone, named in
/// atlas.json and on the review page, with the lines in both files once.
#[test]
fn a_copied_section_is_named_with_its_lines_in_both_files() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    let anna = student_a();
    let common_a = "- Reading someone else's code before changing it\n- Writing down a decision so the next shift understands it\n\
        - Git with small reviewed commits";
    let common_b =
        "- Asking a precise question in the team chat\n- Testing the unhappy path first\n- Git and code review";
    assert!(anna.contains(common_a) && student_b().contains(common_b));
    let renumbered = "1 Reading someone else's code before changing it\n2 Writing down a decision so the next shift \
        understands it\n3 Git with small reviewed commits";
    let clara = student_b().replace(common_b, renumbered);
    write(&content, "anna__lab/docs/roles-and-skills.md", &anna);
    write(&content, "clara__lab/docs/roles-and-skills.md", &clara);
    for i in 0..4 {
        write(&content, &format!("filler{i}.md"), &filler(i + 1));
    }
    let out = tmp.path().join("public");
    let atlas = build(&content, &out);
    assert_eq!(pairs(&atlas), [("anna__lab".to_string(), "clara__lab".to_string())], "{:#}", atlas["near_duplicates"]);
    let pair = &atlas["near_duplicates"][0];
    assert_eq!(pair["scope"], "sections", "{pair:#}");
    assert!(pair["similarity"].as_f64().unwrap() < 0.5, "{pair:#}");
    assert_eq!(pair["sections"][0]["section"], "common_skills", "{pair:#}");
    assert_eq!(pair["sections"][0]["similarity"], 1.0, "{pair:#}");
    let passages = pair["passages"].as_array().unwrap();
    assert_eq!(passages.len(), 1, "{pair:#}");
    let line = |text: &str, start: &str| text.lines().position(|l| l.starts_with(start)).unwrap() as u64 + 1;
    let (a, b) = (&passages[0]["a"], &passages[0]["b"]);
    assert_eq!(
        (a["start"].as_u64(), a["end"].as_u64()),
        (Some(line(&anna, "- Reading")), Some(line(&anna, "- Git with")))
    );
    assert_eq!(
        (b["start"].as_u64(), b["end"].as_u64()),
        (Some(line(&clara, "1 Reading")), Some(line(&clara, "3 Git")))
    );
    assert_eq!((a["section"].as_str(), b["section"].as_str()), (Some("common_skills"), Some("common_skills")));
    assert!(a.get("text").is_none(), "passage text belongs on the page, not in atlas.json");

    let page = std::fs::read_to_string(out.join("review/index.html")).unwrap();
    assert!(page.contains("“Common skills across roles” 100%"), "section not named on the review page");
    assert!(page.contains("2 Writing down a decision"), "Clara's lines missing from the review page");
    assert_eq!(page.matches("Writing down a decision").count(), 2, "a passage shown more than once");
}

#[test]
fn review_csv_and_atlas_json_carry_the_review() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    write(&content, "anna__lab/docs/roles-and-skills.md", &student_a());
    write(
        &content,
        "clara, \"the second\".md",
        &student_b().replace("## My chosen role\n\n### Role\n\nBackend Engineer\n\n", ""),
    );
    let out = tmp.path().join("public");
    let atlas = build(&content, &out);
    let subs = atlas["submissions"].as_array().unwrap();
    let anna = subs.iter().find(|s| s["source"] == "anna__lab").unwrap();
    assert_eq!(anna["review"]["missing"].as_array().unwrap().len(), 0, "{:#}", anna["review"]);
    // Anna's roles file answers every required section (her fork has no
    // architecture.md: task 1's criteria are tests/rubric.rs's).
    let failed: Vec<&serde_json::Value> = anna["review"]["rubric"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["required"] == true && c["passed"] == false)
        .collect();
    assert!(failed.is_empty(), "{failed:#?}");
    let clara = subs.iter().find(|s| s["author"].as_str().unwrap().starts_with("clara")).unwrap();
    assert_eq!(clara["review"]["missing"], serde_json::json!(["My chosen role"]));
    assert!(atlas["near_duplicates"].as_array().unwrap().is_empty());

    let csv = std::fs::read_to_string(out.join("review.csv")).unwrap();
    let csv = csv.strip_prefix('\u{feff}').expect("a byte order mark");
    let lines: Vec<&str> = csv.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), 3, "{csv}");
    assert!(lines[0].starts_with("source,id,author,product,chosen_role,canonical_role,postings,score"));
    assert!(lines.iter().any(|l| l.starts_with("\"clara, \"\"the second\"\".md\",")), "{csv}");
    assert!(lines.iter().any(|l| l.contains(",My chosen role,")), "{csv}");
}

#[test]
fn check_passes_a_complete_submission_and_fails_a_missing_section() {
    let tmp = tempfile::tempdir().unwrap();
    let ok = write(tmp.path(), "fork/docs/roles-and-skills.md", &student_a());
    let o = check(&ok, &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));

    let text = student_a().replace("## My chosen role\n\n### Role\n\nBackend Engineer\n\n", "");
    let bad = write(tmp.path(), "bad.md", &text);
    let line = text.lines().position(|l| l == "### Skills I already have").unwrap() + 1;
    let o = check(&bad, &[]);
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains(&format!("bad.md:{line}: error: section \"My chosen role\" is missing")), "{stdout}");

    // A fork folder works too, and GitHub Actions gets annotations.
    let o = bin()
        .arg("check")
        .arg(tmp.path().join("fork"))
        .args(["--min-score", "0"])
        .env("GITHUB_ACTIONS", "true")
        .output()
        .unwrap();
    assert!(o.status.success());
    let o = bin().arg("check").arg(&bad).env("GITHUB_ACTIONS", "true").output().unwrap();
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert!(stdout.contains("::error file=") && stdout.contains(&format!("bad.md,line={line},")), "{stdout}");
}

#[test]
fn check_finds_leftovers_with_their_lines() {
    let text = student_a()
        .replace("- Kubernetes", "- Kubernetes\n- Docker")
        .replace("keeps the tracking events", "keeps the tracking events [cite:4]")
        .replace("- Git with small reviewed commits", "- Git with small reviewed commits\n- ...")
        .replace("https://jobs.example.com/v/105", "https://jobs.example.com/v/101?utm=feed")
        .replace("https://jobs.example.com/v/104", "jobs.example.com/v/104");
    let tmp = tempfile::tempdir().unwrap();
    let f = write(tmp.path(), "a.md", &text);
    let o = check(&f, &["--format", "json"]);
    assert!(o.status.success());
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    let found = |code: &str| {
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|x| x["code"] == code)
            .map(|x| x["line"].as_u64().unwrap() as usize)
    };
    assert_eq!(found("citation"), Some(line_of("[cite:4]")), "{v:#}");
    assert_eq!(found("placeholder"), Some(line_of("- ...")), "{v:#}");
    assert_eq!(found("posting-twice"), Some(line_of("v/101?utm")), "{v:#}");
    assert_eq!(found("posting-link"), Some(line_of("(jobs.example.com/v/104)")), "{v:#}");
    assert_eq!(
        found("had-and-lacking"),
        Some(text.lines().collect::<Vec<_>>().iter().rposition(|l| *l == "- Docker").unwrap() + 1),
        "{v:#}"
    );
}

#[test]
fn shared_seed_passes_check() {
    let Some(shared) = shared() else { return };
    let o = check(&shared.join("seeds/001_f8f1b639310b9aa1.md"), &[]);
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
}

/// Seeds and corpus in one folder: the seed whose text a fork contains
/// pairs with it as a whole; Timur-Inno's "Common skills across roles" is,
/// word for word, that of the lab repository's snapshot at 0aa98f3, and
/// pairs by that section alone. Nothing else pairs.
#[test]
fn shared_seed_and_its_fork_pair_up() {
    let Some(shared) = shared() else { return };
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir_all(&content).unwrap();
    for dir in ["seeds", "corpus"] {
        for e in std::fs::read_dir(shared.join(dir)).unwrap().filter_map(Result::ok) {
            let p = e.path();
            if p.is_dir() || p.extension().is_some_and(|x| x == "md") {
                copy(&p, &content.join(e.file_name()));
            }
        }
    }
    let atlas = build(&content, &tmp.path().join("public"));
    let found: Vec<(String, String, String, Vec<String>)> = atlas["near_duplicates"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let text = |v: &serde_json::Value| v.as_str().unwrap().to_string();
            let sections = p["sections"].as_array().unwrap().iter().map(|s| text(&s["section"])).collect();
            (text(&p["a"]), text(&p["b"]), text(&p["scope"]), sections)
        })
        .collect();
    let want = |a: &str, b: &str, scope: &str, sections: &[&str]| {
        (a.to_string(), b.to_string(), scope.to_string(), sections.iter().map(|s| s.to_string()).collect())
    };
    assert_eq!(
        found,
        [
            want(
                "003_8a12373b4977886a.md",
                "marselst__lab-01-market-product-and-git",
                "file",
                &["components", "responsibilities", "common_skills"]
            ),
            want(
                "Timur-Inno__lab-01-market-product-and-git",
                "inno-se-toolkit__lab-01-market-product-and-git@0aa98f3",
                "sections",
                &["common_skills"]
            ),
        ]
    );
    // The review page names the section and shows its lines in both files.
    let page = std::fs::read_to_string(tmp.path().join("public/review/index.html")).unwrap();
    assert!(page.contains("“Common skills across roles” 100%"), "section not named on the review page");
}

/// The same made-up text in every layout of `../shared/gold/perturb.py`
/// gives the same fingerprints, and a copy in any of them pairs with it.
#[test]
fn fingerprints_are_the_same_in_every_layout_of_perturb_py() {
    use skills_atlas::review::{Rubric, duplicates};
    let Some(shared) = shared() else { return };
    let perturb = shared.join("gold/perturb.py");
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    // Numbered and nested lists, a table, bold labels, an inline list.
    let text = student_a().replace("- Go\n- PostgreSQL\n- Kafka", "1. Go\n2. PostgreSQL\n3. Kafka").replace(
        "### Skills I clearly lack",
        "| Tool | Why |\n|---|---|\n| Kafka | every posting streams events |\n\n**Gaps**\n\n### Skills I clearly lack",
    );
    write(&content, "anna__lab/docs/roles-and-skills.md", &text);
    let load = |dir: &Path| skills_atlas::load(dir, None, None).unwrap().submissions;
    let original = load(&content).remove(0);
    let k = Rubric::default().near_duplicates.shingle;
    let want = duplicates::fingerprints(&original, k);
    assert!(want.len() > 50, "{}", want.len());
    let list = Command::new("python3").arg(&perturb).arg("--list").output().expect("python3 runs perturb.py");
    let transforms: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next())
        .map(String::from)
        .collect();
    assert!(transforms.len() >= 13, "{transforms:?}");
    let mut cohort: Vec<_> = (1..=4)
        .map(|i| {
            write(&tmp.path().join(format!("others{i}")), "x.md", &filler(i));
            load(&tmp.path().join(format!("others{i}"))).remove(0)
        })
        .collect();
    cohort.push(original);
    for t in &transforms {
        let dir = tmp.path().join(t);
        let o = Command::new("python3").arg(&perturb).arg(t).arg(&content).arg(&dir).output().unwrap();
        assert!(o.status.success(), "perturb.py {t}: {}", String::from_utf8_lossy(&o.stderr));
        let mut copy = load(&dir).remove(0);
        let file = "anna__lab/docs/roles-and-skills.md";
        assert_ne!(std::fs::read(dir.join(file)).unwrap(), text.as_bytes(), "{t} changed nothing");
        assert_eq!(duplicates::fingerprints(&copy, k), want, "fingerprints differ after {t}");
        copy.source = format!("copy-{t}");
        let mut with_copy = cohort.clone();
        with_copy.push(copy);
        let pairs = duplicates::near_duplicates(&with_copy, &Rubric::default().near_duplicates);
        assert_eq!(pairs.len(), 1, "{t}: {pairs:?}");
        assert_eq!((pairs[0].similarity, pairs[0].scope), (1.0, skills_atlas::review::Scope::File), "{t}");
    }
}

fn copy(from: &Path, to: &Path) {
    if from.is_dir() {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().filter_map(Result::ok) {
            copy(&e.path(), &to.join(e.file_name()));
        }
    } else {
        std::fs::copy(from, to).unwrap();
    }
}

/// Near duplicates over many made-up submissions, one copied pair among
/// them: 2,000 by default, `NEAR_DUP_N` to change. The timing in the README
/// comes from `cargo bench --bench near_duplicates`, not from here.
#[test]
fn near_duplicates_at_scale() {
    use skills_atlas::{model, normalize, review};
    let tax = normalize::Taxonomy::with_config(&Default::default()).unwrap();
    let sub = |i: usize, text: String| {
        let name = format!("s{i:05}.md");
        let ident =
            model::Identity { id: name.clone(), source: name.clone(), author: name.clone(), main_file: name.clone() };
        model::normalize(ident, Default::default(), &tax, vec![(name, text)])
    };
    let n: usize = std::env::var("NEAR_DUP_N").ok().and_then(|v| v.parse().ok()).unwrap_or(2_000);
    let mut subs: Vec<model::Submission> = (0..n).map(|i| sub(i, filler(i as u64 + 1))).collect();
    subs.push(sub(n, format!("{}\nAnd one more line of my own.\n", filler(42))));
    let start = std::time::Instant::now();
    let found = review::duplicates::near_duplicates(&subs, &review::Rubric::default().near_duplicates);
    eprintln!("{} submissions: {} pairs in {:.2} s", subs.len(), found.len(), start.elapsed().as_secs_f64());
    assert_eq!(found.len(), 1, "{found:?}");
}
