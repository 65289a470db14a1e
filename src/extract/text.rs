//! Text heuristics shared by the extractors: cleaning an item down to its
//! name, placeholders, citations, splitting inline lists. Folding and the
//! other helpers every stage uses are in [`crate::text`].

use crate::text::{SepBytes, any_byte, fold, fold_short_ascii, tidy};
use std::borrow::Cow;

/// The first LLM citation artifact in a line: `[cite:7]`, `[cite_start]`,
/// `:contentReference[oaicite:0]`, `{index=0}`, `【4†source】`. Not
/// `[citation needed]` or other bracketed prose.
pub(crate) fn citation_in(line: &str) -> Option<&str> {
    const MARKS: [(&str, &str); 5] =
        [(":contentReference[", "]"), ("[oaicite", "]"), ("[cite", "]"), ("【", "】"), ("{index=", "}")];
    // Every mark opens with '[', '{' or '【' (E3 80 90): most lines have none.
    if !any_byte(line.as_bytes(), |b| (b == b'[') | (b == b'{') | (b == 0xE3)) {
        return None;
    }
    MARKS.iter().find_map(|&(open, close)| {
        line.match_indices(open).find_map(|(i, _)| {
            let rest = &line[i..];
            let end = rest.find(close).map(|j| j + close.len()).unwrap_or(rest.len().min(open.len()));
            let m = &rest[..end];
            let cite_like =
                !open.starts_with("[cite") || m.starts_with("[cite]") || m[5..].starts_with([':', '_', ' ']);
            (cite_like && (open != "【" || m.contains('†'))).then_some(m)
        })
    })
}

/// The text without its LLM citation artifacts (see [`citation_in`]).
pub(crate) fn strip_citations(s: &str) -> Cow<'_, str> {
    if citation_in(s).is_none() {
        return Cow::Borrowed(s);
    }
    let mut out = s.to_string();
    while let Some(m) = citation_in(&out) {
        let i = m.as_ptr() as usize - out.as_ptr() as usize;
        out.replace_range(i..i + m.len(), "");
    }
    Cow::Owned(out)
}

/// True for template leftovers: `...`, `<name>`, `TODO`, `IT specialist 1`.
pub(crate) fn is_placeholder(s: &str) -> bool {
    let t = s.trim_matches(|c: char| c == '-' || c == '*' || c.is_whitespace());
    if t.is_empty() || t.chars().all(|c| matches!(c, '.' | '…' | '_' | '-' | '?')) {
        return true;
    }
    if (t.starts_with('<') && t.ends_with('>')) || t.starts_with("[") && t.ends_with(']') && !t.contains("](") {
        let inner = fold(&t[1..t.len() - 1]);
        return inner.contains("your")
            || inner.contains("name")
            || inner.contains("role")
            || inner.contains("skill")
            || inner.contains("link")
            || inner.contains("ваш");
    }
    // When the first letter, digit, '+' or '#' comes before any non-ASCII
    // character, folded text starts with it, lowercased (or, NFKC joining it
    // with a combining mark, with a non-ASCII letter): most names then start
    // with none of the template words' first letters.
    let first = t.bytes().find(|&b| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'#') || !b.is_ascii());
    if let Some(b) = first
        && b.is_ascii()
        && !matches!(b.to_ascii_lowercase(), b't' | b'n' | b's' | b'r' | b'l' | b'c' | b'i' | b'p' | b'j')
    {
        return false;
    }
    // Every template word has at most 12 letters besides 'x': longer text
    // cannot be one, and folding it would be wasted. This holds for any text,
    // not only ASCII: folding keeps each ASCII letter, or (NFKC) joins it
    // with a combining mark into a non-ASCII letter, which no template word
    // has either.
    let mut letters = 0;
    for b in t.bytes() {
        if b.is_ascii_alphabetic() && !b.eq_ignore_ascii_case(&b'x') {
            letters += 1;
            if letters > 12 {
                return false;
            }
        }
    }
    // Nor can text with a Russian letter (folded, it stays one), when the
    // rest is ASCII (so nothing else could fold into the template words).
    if !t.is_ascii() && t.chars().all(|c| c.is_ascii() || matches!(c, 'А'..='я' | 'Ё' | 'ё')) {
        return false;
    }
    let mut buf = [0; 64];
    let owned;
    let f = match fold_short_ascii(t, &mut buf) {
        Some(f) => f,
        None => {
            owned = fold(t);
            owned.as_bytes()
        }
    };
    is_template_word(f)
}

/// A folded text that is one of the template's placeholder words: "todo",
/// "role", "it specialist 1", "skill x".
fn is_template_word(f: &[u8]) -> bool {
    const PREFIXES: [&str; 8] =
        ["it specialist", "it specalist", "role ", "skill ", "component ", "posting ", "company name", "job title"];
    // Folded text holds no whitespace but ' '.
    let numbering = |rest: &[u8]| rest.trim_ascii().iter().all(|&c| c.is_ascii_digit() || c == b' ' || c == b'x');
    matches!(f, b"todo" | b"tbd" | b"n a" | b"none" | b"skill" | b"role" | b"link" | b"company" | b"title")
        || PREFIXES.iter().any(|p| f.strip_prefix(p.as_bytes()).is_some_and(numbering))
}

/// The name an item stands for: bold label or the text before a
/// description separator; numbering, emphasis and trailing colons dropped.
pub(crate) fn clean_name(text: &str, label: Option<&str>) -> String {
    let text = strip_citations(text);
    let text = text.trim();
    if let Some(label) = label {
        let label = label.trim().trim_end_matches([':', '-', '—', '–', '.']).trim();
        if !label.is_empty() {
            let rest = text.strip_prefix(label).map(str::trim_start);
            let described = rest.is_none_or(|r| {
                r.is_empty() || r.starts_with([':', '—', '–', '-', '(', '.', ',']) || r.starts_with("- ")
            });
            if described && !rest.is_some_and(|r| r.starts_with('(')) {
                return tidy(label);
            }
        }
    }
    let first_line = text.lines().next().unwrap_or("");
    tidy(head_before_description(first_line))
}

/// "Role – description" or "Name: description" -> the name, when the head is
/// short enough to be a name.
fn head_before_description(s: &str) -> &str {
    let bytes = SepBytes::of(s);
    if !bytes.any() {
        return s;
    }
    for sep in [" → ", " -> ", " — ", " – ", " - ", ": ", " —", "— ", ":"] {
        if let Some((head, _)) = bytes.split_once(s, sep) {
            let words = crate::text::words_up_to(head, 12);
            // A long dash is a separator whatever the head's length.
            let dash = matches!(sep.trim(), "—" | "–" | "→" | "->") && words <= 12;
            let parens_closed = head.matches('(').count() == head.matches(')').count();
            if dash && parens_closed
                || (1..=7).contains(&words) && !head.contains('(')
                || head.contains('(') && head.contains(')') && words <= 8
            {
                return head;
            }
        }
    }
    s
}

/// Split an inline list: "Basic Python, SQL, and understanding of REST APIs."
/// Commas inside parentheses do not split.
pub(crate) fn split_inline(s: &str) -> Vec<String> {
    let mut parts = Vec::new();
    let mut depth = 0i32;
    let mut cur = String::new();
    for c in s.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth -= 1,
            _ => {}
        }
        if depth <= 0 && matches!(c, ',' | ';' | '\n' | '·' | '•') {
            parts.push(std::mem::take(&mut cur));
        } else {
            cur.push(c);
        }
    }
    parts.push(cur);
    parts
        .iter()
        .map(|p| {
            let p = p.trim();
            let p = ["and ", "or ", "и ", "или "].iter().find_map(|w| p.strip_prefix(w)).unwrap_or(p);
            tidy(p)
        })
        .filter(|p| !p.is_empty() && !is_placeholder(p))
        .collect()
}

/// True when the text names a job: "QA engineer", "Backend developer",
/// "DBA", "UX/UI designer".
pub(crate) fn has_role_noun(s: &str) -> bool {
    const NOUNS: &[&str] = &[
        "engineer",
        "engineers",
        "developer",
        "developers",
        "designer",
        "designers",
        "administrator",
        "manager",
        "analyst",
        "specialist",
        "architect",
        "scientist",
        "tester",
        "qa",
        "devops",
        "sre",
        "dba",
        "programmer",
        "lead",
        "researcher",
        "dev",
        "инженер",
        "разработчик",
        "аналитик",
        "тестировщик",
        "дизайнер",
        "администратор",
        "специалист",
        "архитектор",
        "менеджер",
    ];
    fold(s).split_whitespace().any(|w| NOUNS.contains(&w))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_drop_descriptions_and_markup() {
        assert_eq!(clean_name("Mobile Engineer: Specializes in Swift", Some("Mobile Engineer")), "Mobile Engineer");
        assert_eq!(clean_name("Back-end engineer — designs APIs", Some("Back-end engineer")), "Back-end engineer");
        assert_eq!(clean_name("Go Basics: syntax, types", Some("Go Basics")), "Go Basics");
        assert_eq!(clean_name("QA engineer. Tests each build.", Some("QA engineer.")), "QA engineer");
        assert_eq!(clean_name("Back-end engineer (C/C++)", None), "Back-end engineer (C/C++)");
        assert_eq!(clean_name("1. Intern Go Backend Developer", None), "Intern Go Backend Developer");
        assert_eq!(clean_name("QA engineer – writes tests for every release", None), "QA engineer");
        assert_eq!(clean_name("Cloud technologies.", None), "Cloud technologies");
        assert_eq!(clean_name("Python [cite:3]", None), "Python");
        assert_eq!(
            clean_name("Message queues (Kafka, NATS, RabbitMQ, SQS) — used by every team I looked at", None),
            "Message queues (Kafka, NATS, RabbitMQ, SQS)"
        );
    }

    #[test]
    fn inline_lists_split_outside_parentheses() {
        assert_eq!(
            split_inline("Basic Python, SQL, and understanding of REST APIs."),
            ["Basic Python", "SQL", "understanding of REST APIs"]
        );
        assert_eq!(split_inline("REST,  OAuth,  PosgreSQL"), ["REST", "OAuth", "PosgreSQL"]);
        assert_eq!(split_inline("Go, Python, or C++"), ["Go", "Python", "C++"]);
        assert_eq!(split_inline("Security engineer (PCI, fraud), QA"), ["Security engineer (PCI, fraud)", "QA"]);
    }

    #[test]
    fn role_nouns() {
        assert!(has_role_noun("Frontend Engineer (Asset Optimization)"));
        assert!(has_role_noun("DevOps/SRE Engineer"));
        assert!(!has_role_noun("Product Catalog Service"));
        assert!(!has_role_noun("Web Application (Frontend)"));
    }

    #[test]
    fn placeholders() {
        assert!(is_placeholder("..."));
        assert!(is_placeholder("<your role>"));
        assert!(is_placeholder("IT specalist 1"));
        assert!(!is_placeholder("Go"));
        assert!(!is_placeholder("Backend"));
        // Quick refusals agree with folding: a fullwidth first letter,
        // digits first, a combining mark, thirteen letters or more.
        assert!(is_placeholder("- TODO -") && is_placeholder("N/A") && is_placeholder("Component 3"));
        assert!(is_placeholder("Ｔｏｄｏ"));
        assert!(!is_placeholder("1. todo") && !is_placeholder("todo ёж") && !is_placeholder("todo\u{301}"));
        assert!(is_placeholder("it specialist xxxxxxxx 1 2") && !is_placeholder("it specialist abcd"));
        assert!(!is_placeholder("Docker и Kubernetes"));
    }

    #[test]
    fn citations_are_removed() {
        assert_eq!(strip_citations("Go [cite:7] and Rust:contentReference[oaicite:0]{index=0}"), "Go  and Rust");
        assert_eq!(strip_citations("see [citation needed] [cite_start]here"), "see [citation needed] here");
    }
}
