//! The rubric as data: every criterion of the built-in rubric passes on a
//! complete fork and fails on a fork missing just that item; a second
//! rubric (tests/rubrics/me-and-market.yaml) scores another assignment with
//! no code change; `check` lists every criterion and `--min-score` sets its
//! exit status; review.csv opens in LibreOffice with Cyrillic intact.
//! All text here is made up for these tests.

mod common;
use common::bin;

use skills_atlas::review::{Criterion, Rubric, review_submission};
use std::path::{Path, PathBuf};

const ARCH: &str = "# Архитектура: Spotify

## 1. Product choice

**Product:** Spotify
**Website:** https://www.spotify.com
**Description:** It streams music and podcasts to phones, desktops and cars. Listeners follow artists and get a fresh playlist every Monday.

## 2. Main components

![components](diagrams/out/spotify/components.svg)

PlantUML: [components.puml](diagrams/src/spotify/components.puml)

- **Mobile app**: plays the music and keeps a few albums offline for the metro.
- **Playback service**: hands out the audio chunks and remembers where you stopped.
- **Recommendations**: builds the Monday playlist from what you skipped and replayed.
- **Catalog**: holds artists, albums and the rights per country.
- **Payments**: charges the premium plan every month and handles family plans.

## 3. Data flow

![sequence](diagrams/out/spotify/sequence.svg)

A listener taps play on a song. The Mobile app asks the Playback service for the first chunk, and the Playback service checks the Catalog for the rights in that country.

## Deployment

![deployment](diagrams/out/spotify/deployment.svg)

The Playback service and the Catalog run in containers in three regions; the Mobile app runs on the phone.

## Assumptions

- Most listening happens on mobile data, so chunks are small.
- Rights change rarely, a few times a day at most.

## Open questions

- How long does an offline album stay playable without a check?
- Is the Monday playlist built per user or per cluster of users?
";

const ROLES: &str = "# Роли и навыки

## Components and roles

| Component | Roles |
|---|---|
| Mobile app | Mobile Developer, UX Designer |
| Playback service | Backend Developer, SRE |
| Recommendations | Data Scientist, ML Engineer |
| Catalog | Backend Developer, Data Engineer |
| Payments | Backend Developer, QA Engineer |

## Roles and responsibilities

- **Backend Developer**: builds the playback and catalog APIs. Keeps the first second of a song under a hundred milliseconds.
- **Mobile Developer**: writes the Android and iOS apps. Makes offline albums survive a phone restart.
- **Data Scientist**: studies what people skip. Turns that into the Monday playlist.
- **SRE**: keeps the regions up and the alerts quiet. Plans capacity for a big album release.
- **QA Engineer**: tests the payment flows on real cards. Writes the checks that run before every release.

## Common skills across roles

- Git and code review
- SQL
- Reading metrics dashboards

## My chosen role

Role: Backend Developer

Я выбрала бэкенд, потому что мне нравится, когда сервис выдерживает нагрузку.

### Skills I already have

- Python
- PostgreSQL
- Git

### Skills I clearly lack

- Kafka
- Kubernetes
- Go
- Redis

## Job market snapshot

### Posting 1: Backend Engineer, streaming team

https://jobs.example.org/streaming-1

Skills: Python, Kafka, PostgreSQL

### Posting 2: Software Engineer, playback

https://jobs.example.org/playback-2

Skills: Go, Kafka, Kubernetes, Redis

### Posting 3: Backend Engineer, catalog

https://jobs.example.org/catalog-3

Skills: Python, PostgreSQL, Docker, Redis

### Posting 4: Platform Engineer

https://jobs.example.org/platform-4

Skills: Go, Kubernetes, Docker

### Posting 5: Backend Engineer, payments

https://jobs.example.org/payments-5

Skills: Java, PostgreSQL, Kafka, Docker

### Skills that appear in several postings

- Kafka
- PostgreSQL
- Docker

### Skills specific to a single posting

- Java
- Go

## Personal reflection

Пять вакансий показали мне, что одного Python мало. Почти везде просят Kafka, а я видела очереди только на лекции.
I also noticed that nobody asked for a framework by name, only for databases and queues.
My plan is to put a queue into my course project this month.
After that I want to deploy it with Kubernetes on a small cluster.
";

/// A fork: its two Markdown files and whether the diagrams are in it.
#[derive(Clone)]
struct Fork {
    arch: String,
    roles: String,
    diagrams: bool,
}

impl Fork {
    fn complete() -> Fork {
        Fork { arch: ARCH.to_string(), roles: ROLES.to_string(), diagrams: true }
    }

    /// `from` replaced by `to` in the file that has it (exactly one does).
    fn edit(mut self, from: &str, to: &str) -> Fork {
        let (a, r) = (self.arch.contains(from), self.roles.contains(from));
        assert!(a != r, "{from:?} must be in exactly one file");
        let file = if a { &mut self.arch } else { &mut self.roles };
        *file = file.replace(from, to);
        self
    }

    /// The lines from the one starting with `from` up to (not including)
    /// the next line starting with `until`, dropped.
    fn cut(self, from: &str, until: &str) -> Fork {
        let text = if self.arch.contains(from) { &self.arch } else { &self.roles };
        let start = text.find(from).unwrap_or_else(|| panic!("{from:?} not found"));
        let end = text[start + from.len()..].find(until).map_or(text.len(), |i| start + from.len() + i);
        let cut = text[start..end].to_string();
        self.edit(&cut, "")
    }

    fn write(&self, content: &Path, name: &str) -> PathBuf {
        let dir = content.join(name);
        let put = |rel: &str, text: &str| {
            let p = dir.join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        };
        put("docs/architecture.md", &self.arch);
        put("docs/roles-and-skills.md", &self.roles);
        put("README.md", "# Lab 01\n\nThe lab's own README.\n");
        if self.diagrams {
            put(
                "docs/diagrams/src/spotify/components.puml",
                "@startuml\n[Mobile app] --> [Playback service]\n@enduml\n",
            );
            for name in ["components", "sequence", "deployment"] {
                let svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"40\" height=\"20\"/>\n";
                put(&format!("docs/diagrams/out/spotify/{name}.svg"), svg);
            }
        }
        dir
    }
}

/// The rubric's verdicts on `fork`, built alone in a temp content folder.
fn score(fork: &Fork, rubric: &Rubric) -> Vec<Criterion> {
    let tmp = tempfile::tempdir().unwrap();
    fork.write(tmp.path(), "anya-k__lab-01");
    let loaded = skills_atlas::load(tmp.path(), None, None).unwrap();
    assert_eq!(loaded.submissions.len(), 1);
    review_submission(&loaded.submissions[0], rubric).rubric
}

/// Each criterion of the built-in rubric, with a fork that fails it.
fn failing() -> Vec<(&'static str, Fork)> {
    let f = Fork::complete;
    vec![
        ("section:product", f().cut("## 1. Product choice", "## 2.")),
        ("product.name", f().edit("**Product:** Spotify\n", "").edit("# Архитектура: Spotify", "# Архитектура")),
        ("product.link", f().edit("**Website:** https://www.spotify.com\n", "")),
        (
            "product.description",
            f().edit("every Monday.", "every Monday. It is Swedish. It has ads. It has podcasts too."),
        ),
        ("section:main_components", f().cut("## 2. Main components", "## 3.")),
        ("components.plantuml", f().edit("PlantUML: [components.puml](diagrams/src/spotify/components.puml)\n", "")),
        ("components.five", f().edit("- **Payments**: charges the premium plan every month and handles family plans.\n", "")),
        (
            "components.explained",
            f().edit(": plays the music and keeps a few albums offline for the metro.", "")
                .edit(": hands out the audio chunks and remembers where you stopped.", "")
                .edit(": builds the Monday playlist from what you skipped and replayed.", "")
                .edit(": holds artists, albums and the rights per country.", "")
                .edit(": charges the premium plan every month and handles family plans.", ""),
        ),
        ("section:data_flow", f().cut("## 3. Data flow", "## Deployment")),
        (
            "data_flow.components",
            f().edit(
                "The Mobile app asks the Playback service for the first chunk, and the Playback service checks the Catalog for the rights in that country.",
                "The song starts.",
            ),
        ),
        ("section:deployment", f().cut("## Deployment", "## Assumptions")),
        (
            "deployment.where",
            f().edit(
                "The Playback service and the Catalog run in containers in three regions; the Mobile app runs on the phone.",
                "",
            ),
        ),
        ("assumptions", f().edit("- Rights change rarely, a few times a day at most.\n", "")),
        ("open_questions", f().edit("- Is the Monday playlist built per user or per cluster of users?\n", "")),
        // Embedded under another section, not under Main components.
        (
            "diagrams.component",
            f().edit("![components](diagrams/out/spotify/components.svg)\n", "")
                .edit("## Assumptions\n", "## Assumptions\n\n![components](diagrams/out/spotify/components.svg)\n"),
        ),
        // Pointing at a file the fork does not have.
        ("diagrams.sequence", f().edit("out/spotify/sequence.svg", "out/spotify/sequence-v2.svg")),
        ("diagrams.deployment", f().edit("![deployment](diagrams/out/spotify/deployment.svg)\n\n", "")),
        ("diagrams.files", Fork { diagrams: false, ..f() }),
        ("section:components", f().cut("## Components and roles", "## Roles and responsibilities")),
        ("components_with_roles", f().edit("| Payments | Backend Developer, QA Engineer |\n", "")),
        ("section:responsibilities", f().cut("## Roles and responsibilities", "## Common skills")),
        ("roles", f().edit("- **QA Engineer**: tests the payment flows on real cards. Writes the checks that run before every release.\n", "")),
        ("roles.described", f().edit(" Makes offline albums survive a phone restart.", "")),
        ("section:common_skills", f().cut("## Common skills across roles", "## My chosen role")),
        ("section:chosen_role", f().cut("## My chosen role", "### Skills I already have")),
        ("chosen_role.named", f().edit("Role: Backend Developer", "Role: Anya")),
        ("chosen_role.why", f().edit("Я выбрала бэкенд, потому что мне нравится, когда сервис выдерживает нагрузку.\n", "")),
        ("section:skills_have", f().cut("### Skills I already have", "### Skills I clearly lack")),
        ("section:skills_lack", f().cut("### Skills I clearly lack", "## Job market")),
        ("skills_lack", f().edit("- Go\n- Redis\n", "")),
        ("section:job_market", f().cut("## Job market snapshot", "### Skills that appear")),
        ("postings", f().cut("### Posting 5", "### Skills that appear")),
        ("postings.complete", f().edit("https://jobs.example.org/platform-4\n", "")),
        ("skills_in_several_postings", f().edit("- PostgreSQL\n- Docker\n\n### Skills specific", "\n### Skills specific")),
        ("skills_in_one_posting", f().edit("- Java\n- Go\n\n## Personal", "- Java\n\n## Personal")),
        ("section:reflection", f().cut("## Personal reflection", "\u{0}")),
        (
            "reflection",
            f().cut("Пять вакансий", "\u{0}").edit("## Personal reflection\n\n", "## Personal reflection\n\nMy key takeaway: learn Docker.\n"),
        ),
    ]
}

#[test]
fn the_complete_fork_passes_every_criterion() {
    let got = score(&Fork::complete(), &Rubric::default());
    let failed: Vec<String> =
        got.iter().filter(|c| !c.passed).map(|c| format!("{}: {} ({:?}:{})", c.id, c.detail, c.file, c.line)).collect();
    assert!(failed.is_empty(), "{failed:#?}");
    assert_eq!(got.iter().map(|c| c.points).sum::<u32>(), got.iter().map(|c| c.max).sum::<u32>());
}

#[test]
fn each_criterion_fails_on_a_fork_missing_its_item() {
    let rubric = Rubric::default();
    let table = failing();
    // Every criterion of the built-in rubric has its failing fixture.
    let ids: Vec<&str> = rubric.criteria.iter().map(|c| &*c.id).collect();
    let tested: Vec<&str> = table.iter().map(|(id, _)| *id).collect();
    assert_eq!(tested, ids, "one failing fixture per criterion, in the rubric's order");
    let mut wrong = Vec::new();
    for (id, fork) in &table {
        let got = score(fork, &rubric);
        let c = got.iter().find(|c| *c.id == **id).unwrap();
        if c.passed || c.points != 0 {
            wrong.push(format!("{id} passed: {}", c.detail));
        }
        // A failed criterion names the file it is about (the fork's tree is none).
        if !c.passed && c.file.is_none() && *id != "diagrams.files" {
            wrong.push(format!("{id} failed with no file: {}", c.detail));
        }
    }
    assert!(wrong.is_empty(), "{wrong:#?}");
}

/// The instructor cases: five bare links earn no posting points,
/// a one-line "My key takeaway" no reflection points.
#[test]
fn bare_links_and_a_one_line_takeaway_earn_nothing() {
    let mut roles = ROLES.to_string();
    let start = roles.find("### Posting 1").unwrap();
    let end = roles.find("### Skills that appear").unwrap();
    let bare: String = (1..=5).map(|i| format!("- https://hh.example/vacancy/{i}\n")).collect();
    roles.replace_range(start..end, &format!("{bare}\n"));
    let got = score(&Fork { roles, ..Fork::complete() }, &Rubric::default());
    let c = got.iter().find(|c| &*c.id == "postings.complete").unwrap();
    assert!(!c.passed, "{c:?}");
    assert!(c.detail.contains("a title") && c.detail.contains("key skills"), "{}", c.detail);
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A lab whose task 3 lives in docs/me-and-market.md, scored by its own
/// rubric file named from config.yaml (relative to it), with no code change.
#[test]
fn a_second_rubric_scores_another_assignment() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    let rubric_text = std::fs::read_to_string(repo().join("tests/rubrics/me-and-market.yaml")).unwrap();
    write(&tmp.path().join("course/market.yaml"), &rubric_text);
    write(&content.join("config.yaml"), "title: Course B\nrubric: ../course/market.yaml\n");
    let me = "# Я и рынок\n\n## Моя роль\n\nRole: Data Engineer\n\nМне нравится собирать данные из разных мест в одно.\n\n\
        ## Вакансии\n\n\
        1. [Data Engineer, logistics](https://career.example.ru/de-1) — Python, Airflow, SQL\n\
        2. [Junior Data Engineer](https://career.example.ru/de-2) — Spark, SQL, Kafka\n\
        3. [ETL Developer](https://career.example.ru/de-3) — Python, PostgreSQL, Airflow\n\n\
        ## Рефлексия\n\nЯ думала, что хватит SQL. Во всех трёх вакансиях просят Airflow. Начну с маленького пайплайна на Airflow.\n";
    write(&content.join("lena__lab-02/docs/me-and-market.md"), me);
    // Lena's classmate wrote no reflection and two postings.
    let short = me.replace("3. [ETL Developer](https://career.example.ru/de-3) — Python, PostgreSQL, Airflow\n", "");
    let short = &short[..short.find("## Рефлексия").unwrap()];
    write(&content.join("oleg__lab-02/docs/me-and-market.md"), short);
    let out = tmp.path().join("public");
    let o = bin().arg("build").arg(&content).arg("-o").arg(&out).arg("-q").output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let atlas: serde_json::Value = serde_json::from_slice(&std::fs::read(out.join("atlas.json")).unwrap()).unwrap();
    let review = |who: &str| {
        let s = atlas["submissions"].as_array().unwrap().iter().find(|s| s["author"] == who).unwrap();
        s["review"].clone()
    };
    let ids = |r: &serde_json::Value| -> Vec<String> {
        r["rubric"].as_array().unwrap().iter().map(|c| c["id"].as_str().unwrap().to_string()).collect()
    };
    let lena = review("lena");
    assert_eq!(
        ids(&lena),
        [
            "market.file",
            "role",
            "role.named",
            "postings",
            "postings.described",
            "postings.complete",
            "reflection",
            "links"
        ]
    );
    assert_eq!(lena["score"], lena["max_score"], "{lena:#}");
    assert_eq!(lena["max_score"], 11);
    let oleg = review("oleg");
    let failed: Vec<&str> = oleg["rubric"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|c| c["passed"] == false)
        .map(|c| c["id"].as_str().unwrap())
        .collect();
    // Sentences counted in a section the built-in rubric counts none in.
    assert_eq!(failed, ["postings", "postings.described", "postings.complete", "reflection"], "{oleg:#}");
    // `check` with the same config: the course's pass threshold (0.7 of 11) decides.
    let config = content.join("config.yaml");
    let check = |who: &str| bin().arg("check").arg(content.join(who)).arg("--config").arg(&config).output().unwrap();
    assert_eq!(check("lena__lab-02").status.code(), Some(0));
    let o = check("oleg__lab-02");
    let stdout = String::from_utf8_lossy(&o.stdout);
    assert_eq!(o.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("below the pass mark of 8"), "{stdout}");
}

#[test]
fn a_broken_rubric_file_is_an_error_with_file_and_line() {
    let tmp = tempfile::tempdir().unwrap();
    write(&tmp.path().join("config.yaml"), "rubric: rubric.yaml\n");
    write(
        &tmp.path().join("rubric.yaml"),
        "criteria:\n  - id: a\n    label: A\n    points: 1\n    check: {kind: section, section: hobbies}\n",
    );
    write(&tmp.path().join("x.md"), ROLES);
    let o = bin()
        .arg("check")
        .arg(tmp.path().join("x.md"))
        .arg("--config")
        .arg(tmp.path().join("config.yaml"))
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert_eq!(o.status.code(), Some(2), "{err}");
    assert!(err.contains("rubric.yaml: line 2:") && err.contains("hobbies"), "{err}");
}

/// `check` text lists every criterion (passed or not, points, what is
/// missing with file and line); `--min-score` sets the exit status.
#[test]
fn check_lists_every_criterion_and_min_score_sets_the_exit() {
    let tmp = tempfile::tempdir().unwrap();
    let fork = Fork::complete()
        .edit("- Go\n- Redis\n", "")
        .edit("- Rights change rarely, a few times a day at most.\n", "")
        .write(tmp.path(), "fork");
    let run = |args: &[&str]| {
        let o = bin().arg("check").arg(&fork).args(args).env_remove("GITHUB_ACTIONS").output().unwrap();
        (o.status.code(), String::from_utf8_lossy(&o.stdout).into_owned())
    };
    let (code, out) = run(&[]);
    let rubric = Rubric::default();
    for c in &rubric.criteria {
        assert!(out.contains(&*c.label), "{} not listed:\n{out}", c.id);
    }
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(lines.iter().filter(|l| l.trim_start().starts_with("FAIL")).count(), 2, "{out}");
    let lack_line = ROLES.lines().position(|l| l == "### Skills I clearly lack").unwrap() + 1;
    assert!(out.contains(&format!("docs/roles-and-skills.md:{lack_line}: 2 skills lacking (expected 4-5)")), "{out}");
    let arch_line = ARCH.lines().position(|l| l == "## Assumptions").unwrap() + 1;
    assert!(out.contains(&format!("docs/architecture.md:{arch_line}: 1 items in \"Assumptions\"")), "{out}");
    let max: u32 = rubric.criteria.iter().map(|c| c.points).sum();
    let score = max - 2;
    assert!(out.contains(&format!("score {score}/{max}")), "{out}");
    // Above the rubric's 0.8: passes; --min-score at the score passes, one above fails.
    assert_eq!(code, Some(0), "{out}");
    assert_eq!(run(&["--min-score", &score.to_string()]).0, Some(0));
    let (code, out) = run(&["--min-score", &(score + 1).to_string()]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.contains(&format!("below the pass mark of {}", score + 1)), "{out}");
    // JSON carries the same criteria and the pass mark.
    let (_, json) = run(&["--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["rubric"].as_array().unwrap().len(), rubric.criteria.len());
    assert_eq!(v["pass_score"], rubric.bar(max).unwrap());
}

/// A fork far below the bar fails `check` even with no error finding: the
/// issue's 9/14 that printed "0 errors" and exited 0.
#[test]
fn below_the_rubrics_pass_threshold_check_exits_1() {
    let tmp = tempfile::tempdir().unwrap();
    let fork = Fork { arch: "# Architecture\n\nTODO later.\n".into(), diagrams: false, ..Fork::complete() }
        .write(tmp.path(), "fork");
    let o = bin().arg("check").arg(&fork).env_remove("GITHUB_ACTIONS").output().unwrap();
    let out = String::from_utf8_lossy(&o.stdout);
    assert!(out.contains("0 errors"), "{out}");
    assert_eq!(o.status.code(), Some(1), "{out}");
}

fn soffice() -> Option<PathBuf> {
    for dir in std::env::var("PATH").unwrap_or_default().split(':') {
        for name in ["soffice", "libreoffice"] {
            let p = Path::new(dir).join(name);
            if p.is_file() {
                return Some(p);
            }
        }
    }
    if std::env::var("CI").is_ok_and(|v| v == "true") {
        panic!("CI=true but LibreOffice (soffice) is not installed: .ci/run installs libreoffice-calc-nogui");
    }
    eprintln!("skipping: LibreOffice (soffice) is not installed; .ci/run installs it");
    None
}

/// review.csv: a BOM, one column per criterion with its points, findings
/// as `path:line: message`; LibreOffice reads it (to xlsx and back to CSV)
/// with the Cyrillic name and the findings intact.
#[test]
fn review_csv_opens_in_libreoffice_with_cyrillic_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    Fork::complete().write(&content, "Иван-Петров__lab-01");
    // Hers has a finding: a placeholder left in.
    Fork::complete().edit("- Go\n- Redis\n", "").edit("- SQL\n", "- SQL\n- ...\n").write(&content, "мария__lab-01");
    let out = tmp.path().join("public");
    let o = bin().arg("build").arg(&content).arg("-o").arg(&out).arg("-q").output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let bytes = std::fs::read(out.join("review.csv")).unwrap();
    assert!(bytes.starts_with("\u{feff}".as_bytes()), "no byte order mark");
    let csv = String::from_utf8(bytes).unwrap();
    let header = csv.trim_start_matches('\u{feff}').lines().next().unwrap().to_string();
    let rubric = Rubric::default();
    for c in &rubric.criteria {
        assert!(header.split(',').any(|h| h == &*c.id), "no column {}: {header}", c.id);
    }
    assert!(csv.contains("Иван-Петров"), "{csv}");
    assert!(csv.contains("мария__lab-01/docs/roles-and-skills.md:"), "findings are not path:line text: {csv}");

    let Some(soffice) = soffice() else { return };
    let profile = format!("-env:UserInstallation=file://{}", tmp.path().join("lo-profile").display());
    // LibreOffice's CSV import reads the system's charset unless told (the
    // BOM is what Excel goes by): UTF-8, comma, double quote, from line 1.
    let convert = |input: &Path, to: &str, dir: &Path| {
        let o = std::process::Command::new(&soffice)
            .arg(&profile)
            .args(["--headless", "--norestore", "--infilter=CSV:44,34,76,1", "--convert-to", to, "--outdir"])
            .arg(dir)
            .arg(input)
            .output()
            .expect("soffice runs");
        assert!(
            o.status.success(),
            "soffice: {}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        );
    };
    let xlsx_dir = tmp.path().join("xlsx");
    convert(&out.join("review.csv"), "xlsx", &xlsx_dir);
    let xlsx = xlsx_dir.join("review.xlsx");
    assert!(xlsx.is_file(), "no review.xlsx");
    // Back to CSV (UTF-8, comma, quote): what the spreadsheet held.
    let back_dir = tmp.path().join("back");
    convert(&xlsx, "csv:Text - txt - csv (StarCalc):44,34,76", &back_dir);
    let back = std::fs::read_to_string(back_dir.join("review.csv")).unwrap();
    assert!(back.contains("Иван-Петров__lab-01"), "Cyrillic lost in LibreOffice: {back}");
    assert!(back.contains("мария__lab-01/docs/roles-and-skills.md:"), "{back}");
    assert!(!back.contains("Ð"), "mojibake: {back}");
    // The byte order mark is read as one, not kept as text in the first cell.
    assert!(back.trim_start_matches('\u{feff}').starts_with("source,"), "{back}");
    let line = ROLES.lines().position(|l| l == "- SQL").unwrap() + 2;
    assert!(back.contains(&format!("\"мария__lab-01/docs/roles-and-skills.md:{line}: template placeholder")), "{back}");
}

/// `init` writes the built-in rubric as content/rubric.yaml and the config
/// names it: editing that file changes what `check` asks for.
#[test]
fn init_writes_the_rubric_file_the_config_names() {
    let tmp = tempfile::tempdir().unwrap();
    let o = bin().arg("init").arg(tmp.path()).arg("-q").output().unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    let rubric_file = tmp.path().join("content/rubric.yaml");
    let written = std::fs::read_to_string(&rubric_file).unwrap();
    assert_eq!(written, std::fs::read_to_string(repo().join("src/review/rubric.yaml")).unwrap());
    let config = tmp.path().join("content/config.yaml");
    assert!(std::fs::read_to_string(&config).unwrap().lines().any(|l| l == "rubric: rubric.yaml"));
    let sample = tmp.path().join("content/sample-student__lab-01");
    let pass_score = || {
        let o =
            bin().arg("check").arg(&sample).arg("--config").arg(&config).args(["--format", "json"]).output().unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stdout));
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        assert_eq!(v["score"], v["max_score"], "the sample meets the whole checklist: {v:#}");
        v["pass_score"].as_u64().unwrap()
    };
    assert_eq!(pass_score(), 32);
    std::fs::write(&rubric_file, written.replace("pass_threshold: 0.8", "pass_threshold: 0.5")).unwrap();
    assert_eq!(pass_score(), 20);
}
