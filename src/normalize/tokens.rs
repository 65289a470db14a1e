//! Tokeniser shared by every matcher of the normalize stage.
//!
//! Text is NFKC-normalised, then cut into runs of letters and digits (Latin,
//! Cyrillic, ...) plus the characters `+` and `#` after a word (`C++`, `C#`)
//! and `.` between two word characters (`node.js`, `asp.net`). Everything else
//! separates tokens. Each token keeps its original-case form for the case rules,
//! its lowercase form for lookup, the list segment it sits in (items between
//! `,` `;` `/` `&` `(` ... or the words "and"/"or"/"и"), and whether it sits
//! inside parentheses.

use std::borrow::Cow;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

/// A tokenised text: the (normalised) text and the lowercase forms that
/// differ from it, with spans into both, so a token costs no allocation.
/// Token `i` is read through the accessors.
pub(crate) struct Tokens<'t> {
    text: Cow<'t, str>,
    lower: String,
    spans: Vec<Span>,
}

struct Span {
    orig: (u32, u32),
    /// In `lower`; `(0, u32::MAX)` when the token is already lowercase.
    lower: (u32, u32),
    /// Index of the list segment the token belongs to.
    seg: u32,
    /// Whether the token sits inside `(...)` or `[...]`.
    in_parens: bool,
}

const SAME: (u32, u32) = (0, u32::MAX);

impl Tokens<'_> {
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// As written (after NFKC).
    pub(crate) fn orig(&self, i: usize) -> &str {
        let (a, b) = self.spans[i].orig;
        &self.text[a as usize..b as usize]
    }

    /// Lowercase, with `ё` folded to `е`.
    pub(crate) fn lower(&self, i: usize) -> &str {
        match self.spans[i].lower {
            SAME => self.orig(i),
            (a, b) => &self.lower[a as usize..b as usize],
        }
    }

    pub(crate) fn seg(&self, i: usize) -> u32 {
        self.spans[i].seg
    }

    pub(crate) fn in_parens(&self, i: usize) -> bool {
        self.spans[i].in_parens
    }

    pub(crate) fn lowers(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.lower(i))
    }
}

/// Words that join list items; each starts a segment of its own.
const CONNECTIVES: &[&str] = &["and", "or", "и", "или"];

/// Characters that end a list segment.
fn breaks_segment(c: char) -> bool {
    matches!(
        c,
        ',' | ';'
            | '/'
            | '\\'
            | '|'
            | '&'
            | '('
            | ')'
            | '['
            | ']'
            | ':'
            | '\n'
            | '!'
            | '?'
            | '+'
            | '—'
            | '–'
            | '•'
            | '*'
            | '"'
            | '«'
            | '»'
    )
}

/// `char::is_alphanumeric`, quick for ASCII and Russian letters.
pub(crate) fn is_alphanumeric(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphanumeric() } else { matches!(c, 'А'..='я' | 'ё' | 'Ё') || c.is_alphanumeric() }
}

/// `char::is_alphabetic`, quick for ASCII and Russian letters.
pub(crate) fn is_alphabetic(c: char) -> bool {
    if c.is_ascii() { c.is_ascii_alphabetic() } else { matches!(c, 'А'..='я' | 'ё' | 'Ё') || c.is_alphabetic() }
}

/// Whether `s` is in NFKC for sure: ASCII and Russian letters are, without
/// asking the normaliser's tables.
pub(crate) fn is_nfkc(s: &str) -> bool {
    // Those characters have combining class 0 and no decomposition, so the
    // check over the others alone can only err towards "no" (and then
    // normalising changes nothing).
    is_nfkc_quick(s.chars().filter(|&c| !(c.is_ascii() || matches!(c, 'А'..='я' | 'ё' | 'Ё')))) == IsNormalized::Yes
}

/// The character starting at byte `i` (a char boundary) of `s`.
fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|r| r.chars().next())
}

pub(crate) fn tokenize(text: &str) -> Tokens<'_> {
    // Most text is already NFKC (ASCII, Cyrillic): skip the normaliser then.
    let text: Cow<'_, str> =
        if text.is_ascii() || is_nfkc(text) { Cow::Borrowed(text) } else { Cow::Owned(text.nfkc().collect()) };
    let (lower, spans) = spans_of(&text);
    Tokens { text, lower, spans }
}

/// How tokens get their lowercase forms (`ё` as `е`).
#[derive(Clone, Copy, PartialEq)]
enum Lowered {
    /// The text has no capitals: a token is its own lowercase form.
    Same,
    /// ASCII text, lowercased at once at the same offsets: a token's
    /// lowercase form is the same span of that.
    Whole,
    /// Token by token (other text).
    PerToken,
}

/// The tokens of `s` (see [`tokenize`]).
fn spans_of(s: &str) -> (String, Vec<Span>) {
    let bytes = s.as_bytes();
    // The character at byte `i`, decoding only non-ASCII ones.
    let char_at = |i: usize| match bytes.get(i) {
        Some(&b) if b < 0x80 => Some(char::from(b)),
        Some(_) => char_at(s, i),
        None => None,
    };
    let (how, mut lower) = match s.is_ascii() {
        true if s.bytes().any(|b| b.is_ascii_uppercase()) => (Lowered::Whole, s.to_ascii_lowercase()),
        true => (Lowered::Same, String::new()),
        false => (Lowered::PerToken, String::new()),
    };
    let mut spans = Vec::with_capacity(s.len() / 6);
    let mut seg = 0u32;
    let mut depth = 0u32;
    let mut i = 0;
    while let Some(c) = char_at(i) {
        // Spaces, the commonest separator, change nothing.
        if c == ' ' {
            i += 1;
            continue;
        }
        if is_alphanumeric(c) {
            let start = i;
            let mut prev = c;
            i += c.len_utf8();
            loop {
                // Most of a word is ASCII letters and digits.
                let run = i;
                while bytes.get(i).is_some_and(|&b| b.is_ascii_alphanumeric() || b == b'+' || b == b'#') {
                    i += 1;
                }
                if i > run {
                    prev = char::from(bytes[i - 1]);
                }
                let Some(d) = char_at(i) else { break };
                let next = || char_at(i + d.len_utf8());
                let joins_dot = d == '.' && next().is_some_and(is_alphanumeric) && is_alphanumeric(prev);
                // `_` keeps identifiers whole: "KAFKA_CFG_NODE_ID", "ivan_dev99".
                let joins_underscore = d == '_' && next().is_some_and(is_alphanumeric);
                if is_alphanumeric(d) || d == '+' || d == '#' || joins_dot || joins_underscore {
                    prev = d;
                    i += d.len_utf8();
                } else {
                    break;
                }
            }
            // A URL ("https://hh.ru/vacancy/1") names no skill: skip it whole.
            if bytes[i..].starts_with(b"://") {
                while let Some(d) = char_at(i).filter(|d| !d.is_whitespace()) {
                    i += d.len_utf8();
                }
                continue;
            }
            let orig = &s[start..i];
            let low = match how {
                Lowered::Whole => (start as u32, i as u32),
                Lowered::Same => SAME,
                Lowered::PerToken => push_lowercase(orig, &mut lower),
            };
            let low_str = if low == SAME { orig.as_bytes() } else { &lower.as_bytes()[low.0 as usize..low.1 as usize] };
            let connective = low_str.len() <= 6 && CONNECTIVES.iter().any(|w| w.as_bytes() == low_str);
            if connective {
                seg += 1;
            }
            spans.push(Span { orig: (start as u32, i as u32), lower: low, seg, in_parens: depth > 0 });
            if connective {
                seg += 1;
            }
            continue;
        }
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        // A full stop followed by a space ends a sentence, hence a segment.
        let sentence_end = c == '.' && char_at(i + 1).is_none_or(|n| n.is_whitespace());
        if breaks_segment(c) || sentence_end {
            seg += 1;
        }
        i += c.len_utf8();
    }
    (lower, spans)
}

/// Lowercase, with `ё` folded to `е` (students write both): appended to
/// `buf` and its span returned, or [`SAME`] when `word` is already that.
fn push_lowercase(word: &str, buf: &mut String) -> (u32, u32) {
    let start = buf.len();
    if word.is_ascii() {
        if !word.bytes().any(|b| b.is_ascii_uppercase()) {
            return SAME;
        }
        buf.push_str(word);
        buf[start..].make_ascii_lowercase();
    } else if word.contains('Σ') {
        // `str::to_lowercase` knows the final sigma; `char`'s does not.
        let lower = word.to_lowercase().replace('ё', "е");
        if lower == word {
            return SAME;
        }
        buf.push_str(&lower);
    } else if !word.chars().all(lowers_to_itself) {
        for c in word.chars().flat_map(char::to_lowercase) {
            buf.push(if c == 'ё' { 'е' } else { c });
        }
    } else {
        return SAME;
    }
    (start as u32, buf.len() as u32)
}

fn lowers_to_itself(c: char) -> bool {
    matches!(c, 'a'..='z' | '0'..='9' | 'а'..='я') || (c != 'ё' && c.to_lowercase().eq([c]))
}

/// Lowercase token forms of a phrase (an alias), tokenised like text.
pub(crate) fn phrase(text: &str) -> Vec<String> {
    tokenize(text).lowers().map(str::to_owned).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lowers(text: &str) -> Vec<String> {
        phrase(text)
    }

    #[test]
    fn keeps_plus_hash_and_inner_dots() {
        assert_eq!(lowers("C/C++, C# and Node.js."), ["c", "c++", "c#", "and", "node.js"]);
        assert_eq!(lowers("Back-end (Vue.js)"), ["back", "end", "vue.js"]);
    }

    #[test]
    fn cyrillic_and_nfkc() {
        assert_eq!(lowers("Docker и контейнеризация"), ["docker", "и", "контейнеризация"]);
        assert_eq!(lowers("Ｐｙｔｈｏｎ, Ёлка"), ["python", "елка"]);
        // Lowercased as words are: a final sigma stays final.
        assert_eq!(lowers("ΟΔΟΣ Σοφία, ЁЖ ёж DevOps"), ["οδος", "σοφία", "еж", "еж", "devops"]);
    }

    #[test]
    fn segments_and_parens() {
        let t = tokenize("python, go (docker) and rust");
        let segs: Vec<u32> = (0..t.len()).map(|i| t.seg(i)).collect();
        assert!(segs[0] < segs[1] && segs[1] < segs[2] && segs[2] < segs[3]);
        assert!(t.in_parens(2) && !t.in_parens(1) && !t.in_parens(4));
        let t = tokenize("see https://hh.ru/vacancy/1 for KAFKA_CFG_ID");
        let lowers: Vec<&str> = t.lowers().collect();
        assert_eq!(lowers, ["see", "for", "kafka_cfg_id"]);
        assert_eq!(t.orig(2), "KAFKA_CFG_ID");
        let t = tokenize("go to market");
        assert!((0..t.len()).all(|i| t.seg(i) == t.seg(0)));
    }
}
