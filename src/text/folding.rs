//! Folding texts for comparison (never for display), and quick searches in
//! the short texts of names and titles.

use super::{is_alphanumeric, is_common, others_are_nfkc};
use unicode_normalization::UnicodeNormalization;

/// Lower-case, NFKC, punctuation to spaces, single spaces. For matching
/// headings, never for display.
pub(crate) fn fold(s: &str) -> String {
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
    if !others_are_nfkc(others.into_iter()) {
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
        if is_alphanumeric(c) || c == '+' || c == '#' {
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
pub(crate) fn find(haystack: &str, needle: &str) -> Option<usize> {
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

/// [`fold`] into `buf`, without allocating, for ASCII text that fits.
pub(crate) fn fold_short_ascii<'b>(s: &str, buf: &'b mut [u8; 64]) -> Option<&'b [u8]> {
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

    /// `str::split_once` of `s` (the text these bytes are of), with [`find`].
    pub(crate) fn split_once<'a>(self, s: &'a str, sep: &str) -> Option<(&'a str, &'a str)> {
        self.find(s, sep).map(|i| (&s[..i], &s[i + sep.len()..]))
    }
}

/// Drop numbering, markers, emphasis leftovers and trailing punctuation.
pub(crate) fn tidy(s: &str) -> String {
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

/// Number of words in a text.
pub(crate) fn word_count(s: &str) -> usize {
    s.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count()
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
