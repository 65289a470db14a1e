//! Every count a page labels students is the number of distinct students
//! (authors) behind it, however many submissions or mentions each has:
//! checked against the per-submission data in atlas.json on the overview,
//! the lists and every role, skill, component and product page. And every
//! count in atlas.json says its unit in the README.

mod common;

use common::{Site, build_ok};
use serde_json::Value;
use skills_atlas::discover::slug;
use std::collections::{BTreeMap, BTreeSet};

/// One student's submission, in the assignment's shape; `rows` are the
/// components table's (component, roles) rows.
struct Fork<'a> {
    who: &'a str,
    product: &'a str,
    role: &'a str,
    rows: &'a [(&'a str, &'a str)],
    have: &'a str,
    lack: &'a str,
    common: &'a str,
    asks: &'a str,
}

impl Fork<'_> {
    fn roles_file(&self) -> String {
        let Fork { who, role, have, lack, common, asks, .. } = self;
        let table: String = self.rows.iter().map(|(c, r)| format!("| {c} | {r} |\n")).collect();
        format!(
            "# Roles and skills of {who}\n\n## Components and roles\n\n| Component | Roles |\n|---|---|\n{table}\n\
             ## Roles and responsibilities\n\n- **{role}**: owns the part {who} cares about\n\n\
             ## Common skills across roles\n\n- {common}\n\n## My chosen role\n\nRole: {role}\n\n\
             ## Skills I already have\n\n- {have}\n\n## Skills I clearly lack\n\n- {lack}\n\n\
             ## Job market snapshot\n\n### Posting 1: {role} at a bank\n\nhttps://jobs.example/{who}/1\n\n\
             Skills: {asks}\n\n## Personal reflection\n\nWriting this, {who} found the market asks for more \
             testing than expected.\n"
        )
    }

    fn product_file(&self) -> String {
        format!("# Architecture\n\n## Product choice\n\n**{}**: the one {} uses most.\n", self.product, self.who)
    }
}

/// ann hands in three times (a loose file and two forks; another author
/// sorts between them), each naming QA twice under the mobile app; the
/// others once each.
fn cohort() -> Site {
    let site = Site::new(&[]);
    let twice = [("Mobile app", "QA Engineer"), ("mobile app", "QA Engineer, iOS Developer")];
    let ann = |rows| Fork {
        who: "ann",
        product: "Telegram",
        role: "QA Engineer",
        rows,
        have: "Python, SQL",
        lack: "Kubernetes",
        common: "Git",
        asks: "Python, Selenium",
    };
    let forks = [
        ("ann__lab-01", ann(&twice)),
        ("ann__lab-01-final", ann(&twice[..1])),
        (
            "ann2__lab-01",
            Fork {
                who: "ann2",
                role: "Backend Developer",
                rows: &[("Mobile app", "QA Engineer"), ("Backend API", "Backend Developer")],
                have: "Python",
                lack: "Docker",
                asks: "Python, Docker",
                ..ann(&[])
            },
        ),
        ("bob__lab-01", Fork { who: "bob", rows: &twice[..1], have: "Selenium", lack: "Python", ..ann(&[]) }),
        (
            "cat__lab-01",
            Fork {
                who: "cat",
                product: "Wildberries",
                role: "Backend Developer",
                rows: &[("Backend API", "Backend Developer"), ("Mobile app", "iOS Developer")],
                have: "Go",
                lack: "SQL",
                common: "Communication",
                asks: "Go, Kafka",
            },
        ),
    ];
    for (dir, f) in &forks {
        site.write(&format!("{dir}/docs/roles-and-skills.md"), f.roles_file().as_bytes());
        site.write(&format!("{dir}/docs/architecture.md"), f.product_file().as_bytes());
    }
    let loose = ann(&twice);
    site.write("ann.md", format!("{}\n{}", loose.roles_file(), loose.product_file().replace("# A", "## A")).as_bytes());
    site
}

type Who = BTreeSet<String>;

/// What the pages should count, from each submission as atlas.json has it.
#[derive(Default)]
struct Expected {
    students: Who,
    chosen: BTreeMap<String, Who>,
    have: BTreeMap<String, Who>,
    lack: BTreeMap<String, Who>,
    common: BTreeMap<String, Who>,
    /// By component slug.
    component: BTreeMap<String, Who>,
    /// By (component slug, role): the students and the mentions.
    assigned: BTreeMap<(String, String), (Who, usize)>,
    /// By (product slug, component title).
    in_product: BTreeMap<(String, String), (Who, usize)>,
    /// By (product slug, component slug, role).
    cell: BTreeMap<(String, String, String), Who>,
}

fn str_of(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

impl Expected {
    fn from(atlas: &Value) -> Expected {
        let mut e = Expected::default();
        for s in atlas["submissions"].as_array().unwrap() {
            let who = str_of(&s["author"]);
            e.students.insert(who.clone());
            let add = |map: &mut BTreeMap<String, Who>, key: String| map.entry(key).or_default().insert(who.clone());
            if let Some(role) = s["chosen_role"]["canonical"].as_str() {
                add(&mut e.chosen, role.to_string());
            }
            for (field, map) in
                [("skills_have", &mut e.have), ("skills_lack", &mut e.lack), ("common_skills", &mut e.common)]
            {
                for item in s[field].as_array().unwrap() {
                    for k in item["skills"].as_array().unwrap() {
                        add(map, str_of(k));
                    }
                }
            }
            let product = s["product"].as_str().map(slug);
            for c in s["components"].as_array().unwrap() {
                let title = c["kind"].as_str().unwrap_or_else(|| c["name"].as_str().unwrap()).to_string();
                let key = slug(&title);
                add(&mut e.component, key.clone());
                if let Some(p) = &product {
                    let t = e.in_product.entry((p.clone(), title.clone())).or_default();
                    t.0.insert(who.clone());
                    t.1 += 1;
                }
                for r in c["roles"].as_array().unwrap() {
                    for role in r["canonical"].as_array().unwrap() {
                        let a = e.assigned.entry((key.clone(), str_of(role))).or_default();
                        a.0.insert(who.clone());
                        a.1 += 1;
                        if let Some(p) = &product {
                            e.cell.entry((p.clone(), key.clone(), str_of(role))).or_default().insert(who.clone());
                        }
                    }
                }
            }
        }
        e
    }

    fn n(map: &BTreeMap<String, Who>, key: &str) -> usize {
        map.get(key).map_or(0, BTreeSet::len)
    }

    /// (students, mentions) who assigned `role` to component `key`.
    fn assigned(&self, key: &str, role: &str) -> (usize, usize) {
        self.assigned.get(&(key.to_string(), role.to_string())).map_or((0, 0), |(w, m)| (w.len(), *m))
    }
}

/// The text after each occurrence of `pat`.
fn after<'a>(s: &'a str, pat: &str) -> std::vec::IntoIter<&'a str> {
    s.match_indices(pat).map(|(i, _)| &s[i + pat.len()..]).collect::<Vec<_>>().into_iter()
}

/// `s` up to `end` (all of it if none).
fn upto<'a>(s: &'a str, end: &str) -> &'a str {
    s.find(end).map_or(s, |i| &s[..i])
}

/// The number `s` starts with.
fn num(s: &str) -> usize {
    let digits: String = s.chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or_else(|_| panic!("no number at {:?}", &s[..s.len().min(60)]))
}

/// "N" or "N students, M mentions" or "N (M mentions)": (N, M), M = N if absent.
fn students_and_mentions(s: &str) -> (usize, usize) {
    let n = num(s);
    let rest = s[n.to_string().len()..].split(['<', ')']).next().unwrap_or_default();
    let mentions = rest
        .split(' ')
        .rev()
        .nth(1)
        .and_then(|m| m.trim_start_matches('(').parse().ok())
        .filter(|_| rest.ends_with(" mentions"));
    (n, mentions.unwrap_or(n))
}

/// The students a list of who links, in order ("#2" links are further
/// submissions of the student before them).
fn who_links(html: &str) -> Vec<String> {
    after(html, "/index.html\">").map(|rest| upto(rest, "</a>").to_string()).filter(|t| !t.starts_with('#')).collect()
}

/// A list of who names each student once; returns how many.
fn once_each(page: &str, html: &str) -> usize {
    let names = who_links(html);
    let set: BTreeSet<&String> = names.iter().collect();
    assert_eq!(set.len(), names.len(), "{page}: a student listed twice: {names:?}");
    names.len()
}

#[test]
fn every_count_labelled_students_counts_distinct_students() {
    let site = cohort();
    build_ok(&site.content(), &site.out(), &["-q"]);
    let out = site.out();
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));
    let atlas: Value = serde_json::from_str(&read("atlas.json")).unwrap();
    let e = Expected::from(&atlas);
    // The fixture is what it claims: one student behind several submissions.
    assert_eq!((atlas["submissions"].as_array().unwrap().len(), e.students.len()), (6, 4));
    assert_eq!(e.assigned("client-app", "QA Engineer"), (3, 7), "the fixture names QA under the app 7 times");

    overview(&read("index.html"), &e);
    lists(&read("roles/index.html"), &read("skills/index.html"), &read("components/index.html"), &e);
    let entities =
        |kind: &str| -> Vec<String> { atlas[kind].as_array().unwrap().iter().map(|x| str_of(&x["slug"])).collect() };
    for key in entities("components") {
        component(&key, &read(&format!("components/{key}/index.html")), &e);
    }
    for (role, key) in atlas["roles"].as_array().unwrap().iter().map(|r| (str_of(&r["name"]), str_of(&r["slug"]))) {
        role_page(&role, &read(&format!("roles/{key}/index.html")), &e);
    }
    for (skill, key) in atlas["skills"].as_array().unwrap().iter().map(|k| (str_of(&k["name"]), str_of(&k["slug"]))) {
        skill_page(&skill, &read(&format!("skills/{key}/index.html")), &e);
    }
    for key in entities("products") {
        product(&key, &read(&format!("products/{key}/index.html")), &e);
    }
}

fn overview(html: &str, e: &Expected) {
    let total = e.students.len();
    let mut rows = 0;
    for row in after(html, "<tr><th scope=\"row\"><a href=\"roles/") {
        let name = upto(after(row, "\">").next().unwrap(), "</a>");
        let cells = upto(row, "</tr>");
        let n = num(after(cells, "<td>").next().unwrap());
        assert_eq!(n, Expected::n(&e.chosen, name), "overview: students who chose {name}");
        assert!(cells.contains(&format!("max=\"{total}\"")), "overview: share of {total} students: {cells}");
        rows += 1;
    }
    assert_eq!(rows, e.chosen.len());
    let desc = upto(after(html, "<desc id=\"roles-chart-desc\">").next().unwrap(), "</desc>");
    assert!(desc.starts_with(&format!("{total} students. ")), "{desc}");
    for (role, who) in &e.chosen {
        assert!(desc.contains(&format!("{role}: {}", who.len())), "chart of chosen roles: {role}: {desc}");
    }
    let desc = upto(after(html, "<desc id=\"skills-chart-desc\">").next().unwrap(), "</desc>");
    for part in desc.trim_end_matches('.').split("; ") {
        let (skill, rest) = part.split_once(": ").unwrap();
        let want = format!("{} have it, {} lack it", Expected::n(&e.have, skill), Expected::n(&e.lack, skill));
        assert!(rest.starts_with(&want), "skills chart: {part}");
    }
    // The skills table (the market gap's rows, above it, have other columns).
    let skills = after(html, "id=\"skills-supply\"").next().unwrap();
    skill_rows(skills, "skills/", 0, e);
    component_rows(html, "<tr><th scope=\"row\"><a href=\"components/", "roles/", e);
}

/// Rows of a skills table: have, lack and common (after `skip` cells) are students.
fn skill_rows(html: &str, prefix: &str, skip: usize, e: &Expected) {
    let mut rows = 0;
    for row in after(html, &format!("<tr><th scope=\"row\"><a href=\"{prefix}")) {
        let name = upto(after(row, "\">").next().unwrap(), "</a>");
        let cells: Vec<usize> = after(upto(row, "</tr>"), "<td>").skip(skip).take(3).map(num).collect();
        let want = [&e.have, &e.lack, &e.common].map(|m| Expected::n(m, name));
        assert_eq!(cells, want, "{prefix}: have, lack, common of {name}");
        rows += 1;
    }
    assert!(rows > 0, "{prefix}: no skill rows");
}

/// Rows of a components table: each role's count is students.
fn component_rows(html: &str, prefix: &str, roles: &str, e: &Expected) {
    let mut seen = 0;
    for row in after(html, prefix) {
        let key = upto(row, "/");
        for cell in after(upto(row, "</tr>"), &format!("<a href=\"{roles}")) {
            let role = upto(after(cell, "\">").next().unwrap(), "</a>");
            let n = num(after(cell, "</a> (").next().unwrap());
            assert_eq!(n, e.assigned(key, role).0, "{prefix}: students who assigned {role} to {key}");
            seen += 1;
        }
    }
    assert!(seen > 0, "{prefix}: no role counts");
}

fn lists(roles: &str, skills: &str, components: &str, e: &Expected) {
    for row in after(roles, "<tr><th scope=\"row\"><a href=\"../roles/") {
        let name = upto(after(row, "\">").next().unwrap(), "</a>");
        let row = upto(row, "</tr>");
        assert_eq!(num(after(row, "<td>").next().unwrap()), Expected::n(&e.chosen, name), "roles list: {name}");
        for cell in after(row, "<a href=\"../components/") {
            let comp = upto(cell, "/");
            let n = num(after(cell, "</a> (").next().unwrap());
            assert_eq!(n, e.assigned(comp, name).0, "roles list: {name} under {comp}");
        }
    }
    skill_rows(skills, "../skills/", 1, e);
    // The components list's rows are plain cells, not row headers.
    component_rows(components, "<tr><td><a href=\"../components/", "../roles/", e);
}

fn component(key: &str, html: &str, e: &Expected) {
    let page = format!("components/{key}");
    let lead = upto(after(html, "<p class=\"lead\">In ").next().unwrap(), "</p>");
    let students = match lead.split_once(" submissions from ") {
        Some((_, rest)) => num(rest),
        None => num(lead),
    };
    assert_eq!(students, Expected::n(&e.component, key), "{page}: {lead}");
    for row in after(html, "<tr><td><a href=\"../../roles/") {
        let role = upto(after(row, "\">").next().unwrap(), "</a>");
        let cells: Vec<&str> = after(upto(row, "</tr>"), "<td>").collect();
        let (n, mentions) = students_and_mentions(cells[0]);
        assert_eq!((n, mentions), e.assigned(key, role), "{page}: {role}");
        assert_eq!(once_each(&page, upto(cells[1], "</td>")), n, "{page}: who assigned {role}");
    }
}

fn role_page(role: &str, html: &str, e: &Expected) {
    let page = format!("roles/{role}");
    let chosen = Expected::n(&e.chosen, role);
    assert_eq!(num(after(html, "Chosen by ").next().unwrap()), chosen, "{page}");
    if let Some(list) = after(html, "<h2>Students who chose it</h2><p>").next() {
        assert_eq!(once_each(&page, upto(list, "</p>")), chosen, "{page}: who chose it");
    } else {
        assert_eq!(chosen, 0, "{page}");
    }
    for item in after(html, "<li><a href=\"../../components/") {
        let comp = upto(item, "/");
        let (n, mentions) = students_and_mentions(after(item, "</a> — ").next().unwrap());
        assert_eq!((n, mentions), e.assigned(comp, role), "{page}: under {comp}");
    }
}

fn skill_page(skill: &str, html: &str, e: &Expected) {
    let page = format!("skills/{skill}");
    let lead = upto(after(html, "<p class=\"lead\">").next().unwrap(), "</p>");
    let count = |label: &str| num(upto(lead, label).rsplit(' ').next().unwrap());
    let want = [&e.have, &e.lack, &e.common].map(|m| Expected::n(m, skill));
    assert_eq!([" have it", " lack it", " list it as common"].map(count), want, "{page}: {lead}");
    for (h2, n) in [("have it", want[0]), ("lack it", want[1]), ("name it as common to all roles", want[2])] {
        let list = upto(after(html, &format!("Students who {h2}</h2><p>")).next().unwrap(), "</p>");
        assert_eq!(once_each(&page, list), n, "{page}: who {h2}");
    }
}

fn product(key: &str, html: &str, e: &Expected) {
    let page = format!("products/{key}");
    let mut cells = 0;
    if let Some(desc) = after(html, "<desc id=\"heatmap-desc\">").next() {
        let desc = upto(desc, "</desc>");
        let rows = desc.split_once("to the component. ").unwrap().1.trim_end_matches('.');
        for row in rows.split("; ") {
            let (title, roles) = row.split_once(": ").unwrap();
            for cell in roles.split(", ").filter(|c| !c.is_empty()) {
                let (role, n) = cell.rsplit_once(' ').unwrap();
                let want = e.cell.get(&(key.to_string(), slug(title), role.to_string())).map_or(0, BTreeSet::len);
                assert_eq!(n.parse::<usize>().unwrap(), want, "{page}: heatmap {title} × {role}");
                cells += 1;
            }
        }
    }
    assert_eq!(cells, e.cell.keys().filter(|k| k.0 == key).count(), "{page}: every cell drawn");
    for item in after(html, "<li><a href=\"../../components/") {
        let title = upto(after(item, "\">").next().unwrap(), "</a>");
        let (n, mentions) = students_and_mentions(after(item, "</a> (").next().unwrap());
        let want = e.in_product.get(&(key.to_string(), title.to_string())).map(|(w, m)| (w.len(), *m));
        assert_eq!(Some((n, mentions)), want, "{page}: {title}");
    }
}

/// Every count in atlas.json's cohort views (a number, or a list of who)
/// is in the README's table of units, which names its unit.
#[test]
fn atlas_counts_say_their_unit() {
    let site = cohort();
    build_ok(&site.content(), &site.out(), &["-q"]);
    let atlas = site.atlas();
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).unwrap();
    let section = upto(after(&readme, "\n## atlas.json\n").next().expect("an atlas.json section"), "\n## ");
    let units: Vec<(&str, &str)> = section
        .lines()
        .filter_map(|l| l.strip_prefix("| `"))
        .filter_map(|l| l.split_once(" | "))
        .filter(|(_, unit)| ["students", "mentions", "submissions", "postings"].iter().any(|u| unit.contains(u)))
        .collect();
    let mut counts = BTreeSet::new();
    for view in ["roles", "skills", "components", "products", "unknown"] {
        for x in atlas[view].as_array().unwrap() {
            count_paths(&format!("{view}[]"), x, &mut counts);
        }
    }
    assert!(counts.len() > 15, "{counts:?}");
    for path in &counts {
        let (parent, field) = path.rsplit_once('.').unwrap();
        let documented = units.iter().any(|(fields, unit)| {
            fields.split("`, `").any(|f| f.trim_end_matches('`') == path)
                || fields.trim_end_matches('`') == parent && unit.contains(&format!("`{field}`"))
        });
        assert!(documented, "atlas.json's {path} has no unit in README.md's table");
    }
}

/// Paths (`roles[].components[].count`) of the counts in `v`: numbers, and
/// lists of who (objects with an `author`).
fn count_paths(at: &str, v: &Value, out: &mut BTreeSet<String>) {
    let Some(obj) = v.as_object() else { return };
    for (k, x) in obj {
        let path = format!("{at}.{k}");
        match x {
            Value::Number(_) => {
                out.insert(path);
            }
            Value::Array(items) if items.iter().any(|i| i.get("author").is_some()) => {
                out.insert(path);
            }
            Value::Array(items) => {
                for i in items {
                    count_paths(&format!("{path}[]"), i, out);
                }
            }
            _ => {}
        }
    }
}
