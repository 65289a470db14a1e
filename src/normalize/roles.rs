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
use super::tokens::{Token, tokenize};
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
    "developer", "dev", "engineer", "programmer", "coder", "разработчик", "программист",
    "инженер", "specialist", "специалист",
];

pub(crate) fn role(tax: &Taxonomy, text: &str) -> Option<RoleMatch> {
    let toks = tokenize(text);
    let hits = tax.roles.matcher.scan(&toks, true);
    let outside: Vec<Hit> = hits.iter().copied().filter(|h| !toks[h.start].in_parens).collect();
    let pool = if outside.is_empty() { hits.clone() } else { outside };
    let fixed: Vec<usize> =
        pool.iter().map(|h| h.target).filter(|&t| !tax.roles.entries[t].extra).collect();
    let chosen = if fixed.is_empty() { pool.iter().map(|h| h.target).collect() } else { fixed };

    // Stack: skills outside the tokens a role alias took ("ML Engineer").
    let skill_hits = tax.skills.matcher.scan(&toks, true);
    let free = skill_hits.iter().filter(|s| !hits.iter().any(|r| s.start < r.end && r.start < s.end));
    let stack = dedup_names(&tax.skills, free.map(|h| h.target));

    let mut canonical = dedup_names(&tax.roles, chosen.into_iter());
    if canonical.is_empty() && toks.iter().any(|t| DEVELOPER_WORDS.contains(&t.lower.as_str())) {
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

fn level(toks: &[Token]) -> Option<String> {
    toks.iter().find_map(|t| {
        let word = t.lower.trim_end_matches('+');
        LEVELS.iter().find(|(w, _)| *w == word).map(|(_, l)| (*l).to_owned())
    })
}
