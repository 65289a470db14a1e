//! The overview for instructors and the skill pages, on a cohort written
//! here: tasks complete, submissions with errors, near-duplicate pairs and
//! the market gap agree with atlas.json (and with how the cohort was
//! written); a skill page lists the postings asking for it and the students
//! who have it, lack it or name it common; list tables are in name order
//! with letter case aside.

mod common;

use common::Site;
use serde_json::Value;
use std::collections::BTreeSet;

/// A reflection two students share word for word: a near-duplicate pair.
const SHARED: &str = "Comparing seven postings taught me that the quiet parts of backend work matter most: \
    reading unfamiliar logs at night, arguing about retries with a colleague who wrote the queue, \
    measuring before tuning, and writing down why a migration failed so that nobody repeats it. \
    I expected frameworks to dominate the lists, yet employers kept asking about tracing, \
    careful schema changes and calm incident reviews far more than any particular library.";

struct Fork<'a> {
    who: &'a str,
    /// Skills had, lacked, named common; the postings: (title, company, skills).
    have: &'a str,
    lack: &'a str,
    common: &'a str,
    postings: &'a [(&'a str, &'a str, &'a str)],
    /// Leave out the common-skills section (task 2) and the reflection (task 3).
    gaps: bool,
    reflection: &'a str,
}

impl Fork<'_> {
    fn roles_file(&self) -> String {
        let who = self.who;
        let mut text = format!(
            "# Roles and skills of {who}\n\n## Components and roles\n\n| Component | Roles |\n|---|---|\n\
             | Mobile app | iOS Developer |\n| Backend API | Backend Developer |\n\n\
             ## Roles and responsibilities\n\n- **Backend Developer**: keeps the API of {who} running\n\
             - **iOS Developer**: builds the app of {who}\n\n"
        );
        if !self.gaps {
            text += &format!("## Common skills across roles\n\n- {}\n\n", self.common);
        }
        text += &format!(
            "## My chosen role\n\nRole: Backend Developer\n\n## Skills I already have\n\n- {}\n\n\
             ## Skills I clearly lack\n\n- {}\n\n## Job market snapshot\n\n",
            self.have, self.lack
        );
        for (i, (title, company, skills)) in self.postings.iter().enumerate() {
            let n = i + 1;
            text += &format!(
                "### Posting {n}: {title}\n\nCompany: {company}\n\nhttps://jobs.example/{who}/{n}\n\nSkills: {skills}\n\n"
            );
        }
        if !self.gaps {
            text += &format!("## Personal reflection\n\n{}\n", self.reflection);
        }
        text
    }
}

fn architecture(product: &str) -> String {
    format!(
        "# Architecture\n\n## Product choice\n\n**{product}**: a messenger, https://{product}.example\n\n\
         ## Main components\n\n- Feed: shows posts\n- Chat: sends messages\n\n\
         ## Data flow\n\nThe Chat hands a message to the Feed.\n\n\
         ## Deployment\n\nBoth run in one cloud region.\n\n\
         ## Assumptions\n\n- Few users\n- Short messages\n\n\
         ## Open questions\n\n- Who moderates?\n- How long are chats kept?\n"
    )
}

/// anna and dan complete every task; boris has no architecture file
/// (task 1); cara leaves out common skills and the reflection (tasks 2 and
/// 3, errors); dan and egor share a reflection (one pair).
fn cohort() -> Site {
    let site = Site::new(&[]);
    let forks = [
        Fork {
            who: "anna",
            have: "Go, SQL",
            lack: "Kubernetes",
            common: "Git",
            postings: &[("Go developer", "Acme", "Go, gRPC, Go"), ("Platform engineer", "Beta Bank", "Kubernetes, Go")],
            gaps: false,
            reflection: "Anna wrote her own reflection about how the platform team reads dashboards every morning.",
        },
        Fork {
            who: "boris",
            have: "Python",
            lack: "Go, YDB",
            common: "Git, SQL",
            postings: &[("Backend developer", "Gamma", "Go, YDB")],
            gaps: false,
            reflection: "Boris found that his favourite language barely appears in the postings he collected.",
        },
        Fork {
            who: "cara",
            have: "Kubernetes",
            lack: "Python",
            common: "Git",
            postings: &[("SRE", "Delta", "Kubernetes")],
            gaps: true,
            reflection: "",
        },
        Fork {
            who: "dan",
            have: "Go",
            lack: "gRPC",
            common: "Go",
            postings: &[("Go engineer", "Epsilon", "Go, gRPC")],
            gaps: false,
            reflection: SHARED,
        },
        Fork { who: "egor", have: "SQL", lack: "Go", common: "SQL", postings: &[], gaps: false, reflection: SHARED },
    ];
    for f in &forks {
        site.write(&format!("{}__lab-01/docs/roles-and-skills.md", f.who), f.roles_file().as_bytes());
        if f.who != "boris" {
            site.write(&format!("{}__lab-01/docs/architecture.md", f.who), architecture(f.who).as_bytes());
        }
    }
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
}

fn page(site: &Site, rel: &str) -> String {
    std::fs::read_to_string(site.out().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The text of `html` from `start` up to the next `end`.
fn between<'a>(html: &'a str, start: &str, end: &str) -> &'a str {
    let from = html.find(start).unwrap_or_else(|| panic!("no {start:?}")) + start.len();
    let len = html[from..].find(end).unwrap_or_else(|| panic!("no {end:?} after {start:?}"));
    &html[from..from + len]
}

/// The rows (`<tr>...</tr>`) of the table with id `id`.
fn rows<'a>(html: &'a str, id: &str) -> Vec<&'a str> {
    let table = between(html, &format!("id=\"{id}\""), "</table>");
    let body = between(table, "<tbody>", "</tbody>");
    body.split("<tr>").skip(1).collect()
}

/// The text of each cell (`<td>` or `<th>`) of a row, tags dropped.
fn cells(row: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = row;
    while let Some(i) = rest.find("<t") {
        let cell = &rest[i..];
        let (open, close) = (cell.find('>').unwrap() + 1, cell.find("</t").unwrap());
        let mut text = String::new();
        let mut tag = false;
        for ch in cell[open..close].chars() {
            match ch {
                '<' => tag = true,
                '>' => tag = false,
                c if !tag => text.push(c),
                _ => {}
            }
        }
        out.push(text.trim().to_string());
        rest = &cell[close + 3..];
    }
    out
}

fn authors(list: &Value) -> BTreeSet<String> {
    list.as_array().unwrap().iter().map(|s| s["author"].as_str().unwrap().to_string()).collect()
}

fn set(names: &[&str]) -> BTreeSet<String> {
    names.iter().map(|s| s.to_string()).collect()
}

#[test]
fn overview_counts_agree_with_atlas_json_and_the_cohort() {
    let site = cohort();
    let atlas = site.atlas();
    let o = &atlas["overview"];
    let subs = atlas["submissions"].as_array().unwrap();
    assert_eq!(subs.len(), 5);

    // As written: tasks 1, 2, 3 complete for 4, 4, 4 submissions; all three for 3.
    let complete: Vec<u64> = o["tasks"].as_array().unwrap().iter().map(|t| t["complete"].as_u64().unwrap()).collect();
    assert_eq!(complete, [4, 4, 4], "{o}");
    assert_eq!(o["all_tasks"], 3, "{o}");
    // From atlas.json's own per-submission data: errors and pairs.
    let errors = subs
        .iter()
        .filter(|s| s["review"]["findings"].as_array().unwrap().iter().any(|f| f["severity"] == "error"))
        .count();
    assert_eq!(o["with_errors"], errors as u64);
    assert!(errors >= 1, "cara's missing sections are errors");
    let pairs = atlas["near_duplicates"].as_array().unwrap();
    assert_eq!(o["near_duplicate_pairs"], pairs.len() as u64);
    assert_eq!(pairs.len(), 1, "dan and egor share a reflection: {pairs:?}");
    // Tasks 2 and 3: the sections the review's rubric reports missing.
    let missing = |s: &Value, title: &str| s["review"]["missing"].as_array().unwrap().iter().any(|m| m == title);
    for (t, task) in o["tasks"].as_array().unwrap().iter().enumerate().skip(1) {
        let sections: Vec<&str> = task["sections"].as_array().unwrap().iter().map(|x| x.as_str().unwrap()).collect();
        let done = subs.iter().filter(|s| !sections.iter().any(|x| missing(s, x))).count();
        assert_eq!(task["complete"], done as u64, "task {}", t + 1);
    }

    // The overview page shows the same numbers, linking to where they are listed.
    let index = page(&site, "index.html");
    let table = rows(&index, "completion-table");
    assert_eq!(table.len(), 6, "three tasks, every task, errors, pairs");
    for (row, n) in table.iter().zip(&complete) {
        assert!(row.contains(&format!("{n} of 5 complete")), "{row}");
        assert!(row.contains("review/index.html#submissions"), "{row}");
    }
    assert!(table[3].contains("3 of 5 complete"), "{}", table[3]);
    assert!(table[4].contains(&format!("{errors} of 5")) && table[4].contains("review/index.html#submissions"));
    assert!(table[5].contains("<td>1</td>") && table[5].contains("review/index.html#near-duplicates"));
    // The anchors exist on the review page.
    let review = page(&site, "review/index.html");
    assert!(review.contains("id=\"submissions\"") && review.contains("id=\"near-duplicates\""));
}

#[test]
fn market_gap_ranks_what_postings_ask_for_against_the_class() {
    let site = cohort();
    let atlas = site.atlas();
    let gap = atlas["overview"]["market_gap"].as_array().unwrap();
    // Postings asking, a skill named twice in one posting counted once:
    // Go in anna's two, boris's and dan's; then gRPC 2, Kubernetes 2, YDB 1.
    let ranked: Vec<(&str, u64)> =
        gap.iter().map(|g| (g["name"].as_str().unwrap(), g["postings"].as_u64().unwrap())).collect();
    assert_eq!(ranked, [("Go", 4), ("gRPC", 2), ("Kubernetes", 2), ("YDB", 1)]);
    let skills = atlas["skills"].as_array().unwrap();
    for g in gap {
        let k = skills.iter().find(|k| k["name"] == g["name"]).unwrap();
        assert_eq!(g["postings"], k["postings"]);
        let (have, lack) = (k["have"].as_array().unwrap().len(), k["lack"].as_array().unwrap().len());
        assert_eq!((g["have"].as_u64().unwrap(), g["lack"].as_u64().unwrap()), (have as u64, lack as u64));
        let pct = |n: usize| ((n * 100 + 2) / 5) as u64;
        assert_eq!((g["have_percent"].as_u64().unwrap(), g["lack_percent"].as_u64().unwrap()), (pct(have), pct(lack)));
    }
    // Go: had by anna and dan, lacked by boris and egor: 40% and 40%.
    assert_eq!((gap[0]["have_percent"].as_u64(), gap[0]["lack_percent"].as_u64()), (Some(40), Some(40)));

    let index = page(&site, "index.html");
    let table = rows(&index, "market-gap-table");
    assert_eq!(table.len(), gap.len());
    for (row, g) in table.iter().zip(gap) {
        let c = cells(row);
        assert_eq!(c[0], g["name"].as_str().unwrap(), "{row}");
        assert_eq!(c[1], g["postings"].to_string(), "{row}");
        assert_eq!(c[3], format!("{}%", g["have_percent"]), "{row}");
        assert_eq!(c[5], format!("{}%", g["lack_percent"]), "{row}");
    }
}

#[test]
fn a_skill_page_lists_the_postings_asking_and_who_has_lacks_or_names_it() {
    let site = cohort();
    let atlas = site.atlas();
    let html = page(&site, "skills/go/index.html");
    // Every posting in atlas.json whose skills name Go, once each.
    let mut want = Vec::new();
    for s in atlas["submissions"].as_array().unwrap() {
        for p in s["postings"].as_array().unwrap() {
            if p["skills"].as_array().unwrap().iter().any(|k| k == "Go") {
                want.push((p["title"].as_str().unwrap().to_string(), s["author"].as_str().unwrap().to_string()));
            }
        }
    }
    assert_eq!(want.len(), 4, "{want:?}");
    let table = rows(&html, "postings-table");
    assert_eq!(table.len(), want.len());
    for (row, (title, author)) in table.iter().zip(&want) {
        let c = cells(row);
        assert_eq!(&c[0], title, "{row}");
        assert!(row.contains(&format!(">{author}</a>")), "{row}");
    }
    // Title, company, link and whose file.
    let acme = table.iter().find(|r| r.contains("Go developer")).unwrap();
    assert!(acme.contains("<td>Acme</td>"), "{acme}");
    assert!(acme.contains("href=\"https://jobs.example/anna/1\""), "{acme}");
    assert!(acme.contains("href=\"../../submissions/anna__lab-01/index.html\""), "{acme}");
    assert!(!table.iter().any(|r| r.contains("SRE")), "cara's posting does not ask for Go");

    // Who has it, lacks it, names it common: the page and atlas.json agree.
    let go = atlas["skills"].as_array().unwrap().iter().find(|k| k["name"] == "Go").unwrap();
    assert_eq!(authors(&go["have"]), set(&["anna", "dan"]));
    assert_eq!(authors(&go["lack"]), set(&["boris", "egor"]));
    assert_eq!(authors(&go["common_by"]), set(&["dan"]));
    for (id, who) in [("have", &go["have"]), ("lack", &go["lack"]), ("common", &go["common_by"])] {
        let section = between(&html, &format!("id=\"{id}\""), "</p>");
        let shown: BTreeSet<String> =
            section.split("\">").skip(1).filter_map(|x| x.split('<').next()).map(str::to_string).collect();
        assert_eq!(shown, authors(who), "{id}: {section}");
    }
}

#[test]
fn list_tables_are_in_name_order_with_letter_case_aside_and_sortable() {
    let site = cohort();
    let html = page(&site, "skills/index.html");
    let names: Vec<String> = rows(&html, "skills-table").iter().map(|r| cells(r)[0].clone()).collect();
    let mut sorted = names.clone();
    sorted.sort_by_key(|n| n.to_lowercase());
    assert_eq!(names, sorted);
    let at = |n: &str| names.iter().position(|x| x == n).unwrap();
    assert!(at("Go") < at("gRPC") && at("gRPC") < at("Kubernetes") && at("Kubernetes") < at("YDB"), "{names:?}");
    // atlas.json lists skills in the same order.
    let atlas = site.atlas();
    let json: Vec<&str> = atlas["skills"].as_array().unwrap().iter().map(|k| k["name"].as_str().unwrap()).collect();
    assert_eq!(json, names);
    // Every big table is marked for static/sort.js, which is written.
    for rel in
        ["index.html", "skills/index.html", "roles/index.html", "components/index.html", "submissions/index.html"]
    {
        let p = page(&site, rel);
        assert!(p.contains("<table class=\"data sortable\""), "{rel}");
        assert!(p.contains("static/sort.js\" defer></script>"), "{rel}");
    }
    assert!(site.out().join("static/sort.js").is_file());
}
