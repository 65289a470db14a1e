//! Small text helpers shared by the extractors: folding for comparison,
//! cleaning an item down to its name, splitting inline lists.

use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;

/// Lower-case, NFKC, punctuation to spaces, single spaces. For matching
/// headings, never for display.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    // Most text is ASCII or already NFKC: skip the normaliser then.
    if s.is_ascii() {
        for b in s.bytes() {
            let c = b.to_ascii_lowercase();
            if c.is_ascii_alphanumeric() || c == b'+' || c == b'#' {
                out.push(c as char);
            } else if !out.is_empty() && !out.ends_with(' ') {
                out.push(' ');
            }
        }
    } else if crate::normalize::is_nfkc(s) {
        fold_chars(s.chars(), &mut out);
    } else {
        fold_chars(s.nfkc(), &mut out);
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

fn fold_chars(chars: impl Iterator<Item = char>, out: &mut String) {
    for c in chars.flat_map(char::to_lowercase) {
        let c = if c == 'ё' { 'е' } else { c };
        if crate::normalize::is_alphanumeric(c) || c == '+' || c == '#' {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    }
}

/// `str::find` for the short separators of names and titles: on short text,
/// a byte scan beats setting up the general substring searcher.
pub fn find(haystack: &str, needle: &str) -> Option<usize> {
    let (h, n) = (haystack.as_bytes(), needle.as_bytes());
    if n.is_empty() {
        return Some(0);
    }
    // Look for the needle's first byte that is not a space: spaces are
    // everywhere, so " - " is found by its '-'.
    let k = n.iter().position(|&b| b != b' ').unwrap_or(0);
    let mut from = k;
    while let Some(p) = h.get(from..)?.iter().position(|&b| b == n[k]) {
        let start = from + p - k;
        if h[start..].starts_with(n) {
            return Some(start);
        }
        from += p + 1;
    }
    None
}

/// `str::split_once` with [`find`].
pub fn split_once<'a>(s: &'a str, sep: &str) -> Option<(&'a str, &'a str)> {
    find(s, sep).map(|i| (&s[..i], &s[i + sep.len()..]))
}

/// [`fold`] into `buf`, without allocating, for ASCII text that fits.
fn fold_short_ascii<'b>(s: &str, buf: &'b mut [u8; 64]) -> Option<&'b str> {
    if s.len() > buf.len() || !s.is_ascii() {
        return None;
    }
    let mut n = 0;
    for b in s.bytes() {
        let c = b.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == b'+' || c == b'#' {
            buf[n] = c;
            n += 1;
        } else if n > 0 && buf[n - 1] != b' ' {
            buf[n] = b' ';
            n += 1;
        }
    }
    if n > 0 && buf[n - 1] == b' ' {
        n -= 1;
    }
    std::str::from_utf8(&buf[..n]).ok()
}

/// The first LLM citation artifact in a line: `[cite:7]`, `[cite_start]`,
/// `:contentReference[oaicite:0]`, `{index=0}`, `【4†source】`. Not
/// `[citation needed]` or other bracketed prose.
pub fn citation_in(line: &str) -> Option<&str> {
    const MARKS: [(&str, &str); 5] =
        [(":contentReference[", "]"), ("[oaicite", "]"), ("[cite", "]"), ("【", "】"), ("{index=", "}")];
    // Every mark opens with '[', '{' or '【' (E3 80 90): most lines have none.
    // Sixteen bytes at a time, branch-free, so the compiler can vectorise.
    let opens = |b: u8| (b == b'[') | (b == b'{') | (b == 0xE3);
    if !line.as_bytes().chunks(16).any(|c| c.iter().fold(false, |hit, &b| hit | opens(b))) {
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
pub fn strip_citations(s: &str) -> Cow<'_, str> {
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
pub fn is_placeholder(s: &str) -> bool {
    let t = s.trim().trim_matches(|c: char| c == '-' || c == '*' || c.is_whitespace());
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
    // Every template word below has at most 12 letters besides 'x': longer
    // ASCII text cannot be one, and folding it would be wasted.
    if t.is_ascii() && t.bytes().filter(|b| b.is_ascii_alphabetic() && !matches!(b, b'x' | b'X')).nth(12).is_some() {
        return false;
    }
    // Nor can text with a Russian letter (folded, it stays one), when the
    // rest is ASCII (so nothing else could fold into the template words).
    if t.chars().all(|c| c.is_ascii() || matches!(c, 'А'..='я' | 'Ё' | 'ё')) && !t.is_ascii() {
        return false;
    }
    let mut buf = [0; 64];
    let owned;
    let f = match fold_short_ascii(t, &mut buf) {
        Some(f) => f,
        None => {
            owned = fold(t);
            owned.as_str()
        }
    };
    matches!(f, "todo" | "tbd" | "n a" | "none" | "skill" | "role" | "link" | "company" | "title")
        || ["it specialist", "it specalist", "role ", "skill ", "component ", "posting ", "company name", "job title"]
            .iter()
            .any(|p| {
                f.starts_with(p) && f[p.len()..].trim().chars().all(|c| c.is_ascii_digit() || c == ' ' || c == 'x')
            })
}

/// The name an item stands for: bold label or the text before a
/// description separator; numbering, emphasis and trailing colons dropped.
pub fn clean_name(text: &str, label: Option<&str>) -> String {
    let text = strip_citations(text);
    let text = text.trim();
    if let Some(label) = label {
        let label = label.trim().trim_end_matches([':', '-', '—', '–']).trim();
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
    if !has_separator(s) {
        return s;
    }
    for sep in [" → ", " -> ", " — ", " – ", " - ", ": ", " —", "— ", ":"] {
        if let Some((head, _)) = split_once(s, sep) {
            let words = head.split_whitespace().count();
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

/// Whether `s` may hold a name/description separator: each has ':', '-' or
/// a character starting with byte E2 (dashes, arrows).
pub(crate) fn has_separator(s: &str) -> bool {
    s.bytes().any(|b| matches!(b, b':' | b'-' | 0xE2))
}

/// Drop numbering, markers, emphasis leftovers and trailing punctuation.
pub fn tidy(s: &str) -> String {
    let mut t = s.trim();
    // "1. ", "1) ", "3.1 ", "- ", "* " written inside text
    loop {
        let before = t;
        let digits = t.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.');
        if digits.len() < t.len() && (digits.starts_with(['.', ')', ' ']) || digits.is_empty()) {
            t = digits.trim_start_matches([')', '.']).trim_start();
        }
        t = t.trim_start_matches(['-', '*', '•', '+', '–', '—']).trim_start();
        if t == before {
            break;
        }
    }
    let t = t.trim_matches(|c: char| c == '*' || c == '_' || c == '`' || c.is_whitespace());
    t.trim_end_matches([':', ';', ',', '.', '—', '–', '-']).trim().to_string()
}

/// Split an inline list: "Basic Python, SQL, and understanding of REST APIs."
/// Commas inside parentheses do not split.
pub fn split_inline(s: &str) -> Vec<String> {
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
            let p = p.strip_prefix("and ").or_else(|| p.strip_prefix("и ")).unwrap_or(p);
            tidy(p)
        })
        .filter(|p| !p.is_empty() && !is_placeholder(p))
        .collect()
}

/// True when the text names a job: "QA engineer", "Backend developer",
/// "DBA", "UX/UI designer".
pub fn has_role_noun(s: &str) -> bool {
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

/// Number of words in a text.
pub fn word_count(s: &str) -> usize {
    s.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_drop_descriptions_and_markup() {
        assert_eq!(clean_name("Mobile Engineer: Specializes in Swift", Some("Mobile Engineer")), "Mobile Engineer");
        assert_eq!(clean_name("Back-end engineer — designs APIs", Some("Back-end engineer")), "Back-end engineer");
        assert_eq!(clean_name("Go Basics: syntax, types", Some("Go Basics")), "Go Basics");
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
    }

    #[test]
    fn find_is_str_find() {
        let hay = ["", " ", "a - b - c", "x -> y → z", "—  — -", "Role: a:b", "  - ", "né – x", " -"];
        for h in hay {
            for n in [" - ", " -> ", " → ", " — ", " – ", ": ", ":", " —", "— ", " ", "-", ""] {
                assert_eq!(find(h, n), h.find(n), "find({h:?}, {n:?})");
            }
        }
    }

    #[test]
    fn citations_are_removed() {
        assert_eq!(strip_citations("Go [cite:7] and Rust:contentReference[oaicite:0]{index=0}"), "Go  and Rust");
        assert_eq!(strip_citations("see [citation needed] [cite_start]here"), "see [citation needed] here");
    }
}
