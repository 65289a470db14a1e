//! Small text helpers shared by the extractors: folding for comparison,
//! cleaning an item down to its name, splitting inline lists.

use crate::normalize::is_common;
use crate::parse::any_byte;
use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;

/// Lower-case, NFKC, punctuation to spaces, single spaces. For matching
/// headings, never for display.
pub fn fold(s: &str) -> String {
    if s.is_ascii() {
        let mut out = Vec::with_capacity(s.len());
        fold_ascii(s, &mut out);
        return String::from_utf8(out).unwrap_or_default();
    }
    // Most other text is Russian, already NFKC: folded in one pass that also
    // gathers the characters the normaliser must be asked about, and again
    // from its output only when they are not NFKC.
    let mut out = String::with_capacity(s.len());
    let mut others = Vec::new();
    fold_chars(
        s.chars().inspect(|&c| {
            if !is_common(c) {
                others.push(c)
            }
        }),
        &mut out,
    );
    if !crate::normalize::others_are_nfkc(others.into_iter()) {
        out.clear();
        fold_chars(s.nfkc(), &mut out);
    }
    if out.ends_with(' ') {
        out.pop();
    }
    out
}

/// [`fold`] of ASCII text, appended to `out` (trailing space included).
fn fold_ascii(s: &str, out: &mut Vec<u8>) {
    for b in s.bytes() {
        let c = b.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == b'+' || c == b'#' {
            out.push(c);
        } else if out.last().is_some_and(|&l| l != b' ') {
            out.push(b' ');
        }
    }
    if out.last() == Some(&b' ') {
        out.pop();
    }
}

fn fold_chars(chars: impl Iterator<Item = char>, out: &mut String) {
    let push = |c: char, out: &mut String| {
        if crate::normalize::is_alphanumeric(c) || c == '+' || c == '#' {
            out.push(c);
        } else if out.as_bytes().last().is_some_and(|&l| l != b' ') {
            out.push(' ');
        }
    };
    for c in chars {
        // ASCII and Russian letters lowercase without the tables.
        match c {
            'A'..='Z' | 'А'..='Я' => out.push(char::from_u32(u32::from(c) + 0x20).unwrap_or(c)),
            'Ё' | 'ё' => out.push('е'),
            _ if c.is_ascii() || matches!(c, 'а'..='я') => push(c, out),
            _ => {
                for l in c.to_lowercase() {
                    push(if l == 'ё' { 'е' } else { l }, out);
                }
            }
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
fn fold_short_ascii<'b>(s: &str, buf: &'b mut [u8; 64]) -> Option<&'b [u8]> {
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
    Some(&buf[..n])
}

/// The first LLM citation artifact in a line: `[cite:7]`, `[cite_start]`,
/// `:contentReference[oaicite:0]`, `{index=0}`, `【4†source】`. Not
/// `[citation needed]` or other bracketed prose.
pub fn citation_in(line: &str) -> Option<&str> {
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
pub fn clean_name(text: &str, label: Option<&str>) -> String {
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
            let words = crate::parse::words_up_to(head, 12);
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

/// Which bytes of separators a text holds: ':', '-', and E2, which starts
/// every dash and arrow. Found in one pass, they rule out the separators a
/// text cannot hold before each is searched for.
#[derive(Clone, Copy)]
pub(crate) struct SepBytes {
    colon: bool,
    dash: bool,
    e2: bool,
}

impl SepBytes {
    pub(crate) fn of(s: &str) -> SepBytes {
        let (mut colon, mut dash, mut e2) = (false, false, false);
        for &b in s.as_bytes() {
            colon |= b == b':';
            dash |= b == b'-';
            e2 |= b == 0xE2;
        }
        SepBytes { colon, dash, e2 }
    }

    /// Whether any separator may be in the text.
    pub(crate) fn any(self) -> bool {
        self.colon || self.dash || self.e2
    }

    /// [`find`] of `sep` in `s` (the text these bytes are of).
    pub(crate) fn find(self, s: &str, sep: &str) -> Option<usize> {
        let possible = sep.bytes().all(|b| match b {
            b':' => self.colon,
            b'-' => self.dash,
            0xE2 => self.e2,
            _ => true,
        });
        if possible { find(s, sep) } else { None }
    }

    /// [`split_once`] of `s` (the text these bytes are of).
    pub(crate) fn split_once<'a>(self, s: &'a str, sep: &str) -> Option<(&'a str, &'a str)> {
        self.find(s, sep).map(|i| (&s[..i], &s[i + sep.len()..]))
    }
}

/// Drop numbering, markers, emphasis leftovers and trailing punctuation.
pub fn tidy(s: &str) -> String {
    let mut t = s.trim();
    // Most names start with a letter: nothing to drop at the start then.
    if t.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
        let t = t.trim_end_matches(|c: char| c == '*' || c == '_' || c == '`' || c.is_whitespace());
        return t.trim_end_matches([':', ';', ',', '.', '—', '–', '-']).trim_end().to_string();
    }
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
            let p = ["and ", "or ", "и ", "или "].iter().find_map(|w| p.strip_prefix(w)).unwrap_or(p);
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
    fn folding() {
        assert_eq!(fold(" Back-End / C++ & C#: "), "back end c++ c#");
        assert_eq!(fold("Навыки, Которые ЕСТЬ — Ёлка"), "навыки которые есть елка");
        assert_eq!(fold("Ｐｙｔｈｏｎ ΟΔΟΣ İ"), "python οδοσ i");
        assert_eq!(fold("Cafe\u{301}"), "café");
        assert_eq!(fold("—"), "");
    }

    #[test]
    fn tidying() {
        assert_eq!(tidy("Go.*"), "Go");
        assert_eq!(tidy("Go *."), "Go *");
        assert_eq!(tidy(" **Kafka**: "), "Kafka**");
        assert_eq!(tidy("Kafka:* "), "Kafka");
        assert_eq!(tidy("1. - Go"), "Go");
        assert_eq!(tidy("Go\u{3000}—"), "Go");
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
