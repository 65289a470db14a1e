//! Role names -> `RoleMatch`: canonical role(s) plus level and stack facets.
//!
//! Seniority ("Junior", "Senior-track") and stack qualifiers ("Go", "C/C++")
//! are kept as facets, not new roles. Words in parentheses only name a role
//! when nothing outside them does ("Back-end Engineer (Distributed Systems)"
//! is a Backend Engineer). Several roles in one name ("DevOps / SRE") are all
//! returned, deduplicated; roles outside the fixed list (`extra` in the YAML)
//! give way to fixed ones. A bare stack with a developer word ("Golang
//! Developer") falls back to the role whose `stack` lists that skill.

use super::matcher::Hit;
use super::tokens::{Tokens, tokenize};
use super::{RoleMatch, Taxonomy, dedup_names};

/// Seniority words -> level facet.
const LEVELS: &[(&str, &str)] = &[
    ("intern", "intern"),
    ("internship", "intern"),
    ("trainee", "intern"),
    ("стажер", "intern"),
    ("junior", "junior"),
    ("jr", "junior"),
    ("джун", "junior"),
    ("джуниор", "junior"),
    ("младший", "junior"),
    ("middle", "middle"),
    ("mid", "middle"),
    ("мидл", "middle"),
    ("senior", "senior"),
    ("sr", "senior"),
    ("сеньор", "senior"),
    ("синьор", "senior"),
    ("старший", "senior"),
    ("lead", "lead"),
    ("тимлид", "lead"),
    ("ведущий", "lead"),
    ("principal", "principal"),
    ("staff", "staff"),
];

/// Words that make a bare stack a role ("Golang Developer").
const DEVELOPER_WORDS: &[&str] = &[
    "developer",
    "dev",
    "engineer",
    "programmer",
    "coder",
    "разработчик",
    "программист",
    "инженер",
    "specialist",
    "специалист",
];

pub(crate) fn role(tax: &Taxonomy, text: &str) -> Option<RoleMatch> {
    let toks = tokenize(text);
    let hits = tax.roles.matcher.scan(&toks, true);
    let outside: Vec<Hit> = hits.iter().copied().filter(|h| !toks.in_parens(h.start)).collect();
    let pool = if outside.is_empty() { hits.clone() } else { outside };
    let fixed: Vec<usize> = pool.iter().map(|h| h.target).filter(|&t| !tax.roles.entries[t].extra).collect();
    let chosen = if fixed.is_empty() { pool.iter().map(|h| h.target).collect() } else { fixed };
    let mut canonical = dedup_names(&tax.roles, chosen.into_iter());
    // Most text names no role: skip the skills then.
    let developer = || toks.lowers().any(|t| DEVELOPER_WORDS.contains(&t));
    if canonical.is_empty() && !developer() {
        return None;
    }

    // Stack: skills outside the tokens a role alias took ("ML Engineer").
    let skill_hits = tax.skills.matcher.scan(&toks, true);
    let free = skill_hits.iter().filter(|s| !hits.iter().any(|r| s.start < r.end && r.start < s.end));
    let stack = dedup_names(&tax.skills, free.map(|h| h.target));

    if canonical.is_empty() {
        canonical = stack_role(tax, &stack).into_iter().collect();
    }
    if canonical.is_empty() {
        return None;
    }
    Some(RoleMatch { canonical, level: level(&toks), stack })
}

/// The role whose `stack` lists the first skill of `stack` that any role lists.
fn stack_role(tax: &Taxonomy, stack: &[String]) -> Option<String> {
    stack.iter().find_map(|skill| {
        let entries = &tax.roles.entries;
        entries.iter().find(|e| e.stack.iter().any(|s| s == skill)).map(|e| e.name.clone())
    })
}

fn level(toks: &Tokens<'_>) -> Option<String> {
    toks.lowers().find_map(|t| {
        let word = t.trim_end_matches('+');
        LEVELS.iter().find(|(w, _)| *w == word).map(|(_, l)| (*l).to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::super::Taxonomy;
    use std::sync::LazyLock;

    static TAX: LazyLock<Taxonomy> = LazyLock::new(Taxonomy::builtin);

    #[track_caller]
    fn role_is(text: &str, want: &[&str]) {
        let got = TAX.role(text).map(|m| m.canonical).unwrap_or_default();
        assert_eq!(got, want, "role({text:?})");
    }

    #[test]
    fn role_facets() {
        let m = TAX.role("Junior Go Backend Developer").unwrap();
        assert_eq!(m.canonical, ["Backend Engineer"]);
        assert_eq!(m.level.as_deref(), Some("junior"));
        assert_eq!(m.stack, ["Go"]);
        let m = TAX.role("Back-end engineer (C/C++)").unwrap();
        assert_eq!(
            (m.canonical, m.stack),
            (vec!["Backend Engineer".to_owned()], vec!["C".to_owned(), "C++".to_owned()])
        );
        let m = TAX.role("Golang Developer (Junior+)").unwrap();
        assert_eq!((m.canonical, m.level.as_deref()), (vec!["Backend Engineer".to_owned()], Some("junior")));
        let m = TAX.role("Flutter Developer (Senior-track)").unwrap();
        assert_eq!((m.canonical, m.stack), (vec!["Mobile Engineer".to_owned()], vec!["Flutter".to_owned()]));
        let m = TAX.role("ML Engineer").unwrap();
        assert!(m.stack.is_empty() && m.level.is_none());
        let m = TAX.role("Frontend Engineer (React/Next.js)").unwrap();
        assert_eq!(m.stack, ["React", "Next.js"]);
    }

    #[test]
    fn fixed_roles() {
        for (texts, want) in [
            (
                &[
                    "Backend",
                    "Back-end developer",
                    "Backend разработчик",
                    "Бэкенд-разработчик",
                    "Backned dev",
                    "Backned developer",
                    "Server-side developer",
                    "Back-end Engineer (Distributed Systems)",
                    "backend engineer",
                    "C++ Software Engineer / Backend Developer",
                    "Back-end engineer (Identity & Access)",
                    "Back-end engineer (E-commerce / Checkout)",
                ][..],
                "Backend Engineer",
            ),
            (
                &["Фронтенд-разработчик", "Frontend Engineer (React/Next.js)", "Front-end developer"][..],
                "Frontend Engineer",
            ),
            (&["Full-stack", "Fullstack developer", "Full Stack Engineer"][..], "Full-Stack Engineer"),
            (
                &["SRE (Site Reliability Engineer)", "Site Reliability Engineer (SRE)", "SRE"][..],
                "Site Reliability Engineer",
            ),
            (
                &[
                    "DBA",
                    "Database Administrator (DBA)",
                    "DBA / Database engineer",
                    "Database Administrator (DBA) / Database Engineer",
                ][..],
                "Database Engineer",
            ),
            (
                &["QA", "QA/Manual Tester", "Tester", "QA engineer (functional & integration)", "Тестировщик"][..],
                "QA Engineer",
            ),
            (
                &[
                    "Flutter developer",
                    "iOS developer",
                    "Android developer",
                    "Mobile engineer (iOS/Android)",
                    "Мобильный разработчик",
                ][..],
                "Mobile Engineer",
            ),
            (
                &[
                    "DevSecOps",
                    "SOC analyst",
                    "Pentester",
                    "Cybersec",
                    "Security engineer (PCI, fraud)",
                    "Специалист по информационной безопасности",
                    "Security Engineer / DevSecOps",
                    "Cybersecurity specialist (Junior / SOC Analyst L1 direction)",
                    "Cyber Security Specialist (Red Team Analyst)",
                    "Специалист по ИБ",
                    "Fraud / Trust & Safety Analyst",
                    "Cryptography Engineer",
                    "Red Team Analyst",
                ][..],
                "Security Engineer",
            ),
            (&["Product Designer (UI/UX)", "UI/UX designer", "UX designer"][..], "UI/UX Designer"),
            (&["Data engineer"][..], "Data Engineer"),
            (&["Data analyst"][..], "Data Analyst"),
            (&["Data Scientist"][..], "Data Scientist"),
            (&["ML Engineer", "Machine Learning Engineer", "ML Safety Researcher"][..], "ML Engineer"),
            (&["Product manager", "Product owner"][..], "Product Manager"),
            (&["Network engineer", "Network Engineer"][..], "Network Engineer"),
            (&["Blockchain Developer", "Web3 developer", "Smart contract developer"][..], "Blockchain Engineer"),
            (&["Game developer", "Unity developer"][..], "Game Developer"),
            (&["Systems engineer", "Embedded developer"][..], "Systems Engineer"),
            (&["DevOps engineer", "DevOps"][..], "DevOps Engineer"),
        ] {
            for text in texts {
                role_is(text, &[want]);
            }
        }
    }

    #[test]
    fn combined_roles_split() {
        role_is("DevOps / SRE", &["DevOps Engineer", "Site Reliability Engineer"]);
        role_is("Frontend/Backend developer", &["Frontend Engineer", "Backend Engineer"]);
        role_is("Full-stack", &["Full-Stack Engineer"]);
    }

    #[test]
    fn extra_roles_yield_to_fixed_ones() {
        role_is("Infrastructure / Storage engineer", &["Infrastructure Engineer", "Storage Engineer"]);
        role_is("Storage Engineer", &["Storage Engineer"]);
        role_is("GPU Infrastructure Engineer", &["Infrastructure Engineer"]);
        role_is("Search engineer (Elasticsearch / relevance)", &["Search Engineer"]);
        role_is("Compliance specialist", &["Compliance Specialist"]);
        role_is("Compliance / Risk specialist", &["Compliance Specialist"]);
        role_is("Backend Engineer, Distributed Systems", &["Backend Engineer"]);
    }

    #[test]
    fn not_roles() {
        for text in [
            "Ivan Petrov",
            "@ivan-dev",
            "ivan_dev99",
            "Software engineer",
            "Developer",
            "Product engineer",
            "Junior",
            "",
        ] {
            assert_eq!(TAX.role(text), None, "role({text:?})");
        }
    }
}
