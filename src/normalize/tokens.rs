//! Tokeniser shared by every matcher of the normalize stage.
//!
//! Text is NFKC-normalised, then cut into runs of letters and digits (Latin,
//! Cyrillic, ...) plus the characters `+` and `#` after a word (`C++`, `C#`)
//! and `.` between two word characters (`node.js`, `asp.net`). Everything else
//! separates tokens. Each token keeps its original-case form for the case rules,
//! its lowercase form for lookup, the list segment it sits in (items between
//! `,` `;` `/` `&` `(` ... or the words "and"/"or"/"и"), and whether it sits
//! inside parentheses.

use crate::text::{is_alphanumeric, others_are_nfkc};
use std::borrow::Cow;
use unicode_normalization::UnicodeNormalization;

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

// The accessors run for every token of every scan: inlined.
impl Tokens<'_> {
    #[inline]
    pub(crate) fn len(&self) -> usize {
        self.spans.len()
    }

    /// As written (after NFKC).
    #[inline(always)]
    pub(crate) fn orig(&self, i: usize) -> &str {
        let (a, b) = self.spans[i].orig;
        &self.text[a as usize..b as usize]
    }

    /// Lowercase, with `ё` folded to `е`.
    #[inline(always)]
    pub(crate) fn lower(&self, i: usize) -> &str {
        match self.spans[i].lower {
            SAME => self.orig(i),
            (a, b) => &self.lower[a as usize..b as usize],
        }
    }

    #[inline]
    pub(crate) fn seg(&self, i: usize) -> u32 {
        self.spans[i].seg
    }

    #[inline]
    pub(crate) fn in_parens(&self, i: usize) -> bool {
        self.spans[i].in_parens
    }

    pub(crate) fn lowers(&self) -> impl Iterator<Item = &str> {
        (0..self.len()).map(|i| self.lower(i))
    }
}

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

/// The character starting at byte `i` (a char boundary) of `s`.
fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|r| r.chars().next())
}

pub(crate) fn tokenize(text: &str) -> Tokens<'_> {
    let how = Lowered::of(text);
    // Most text is already NFKC (ASCII, Cyrillic): the normaliser is skipped.
    let text = match how {
        Lowered::Normalize => Cow::Owned(text.nfkc().collect()),
        _ => Cow::Borrowed(text),
    };
    let (lower, spans) = spans_of(&text, how);
    Tokens { text, lower, spans }
}

/// How tokens get their lowercase forms (`ё` as `е`).
enum Lowered {
    /// The text has no capitals: a token is its own lowercase form.
    Same,
    /// The text lowercased at once, at the same offsets (no character
    /// changes its length): a token's lowercase form is the same span of it.
    Whole(String),
    /// Token by token (text with letters besides ASCII and Russian ones).
    PerToken,
    /// Token by token, once the text is in NFKC.
    Normalize,
}

impl Lowered {
    /// ASCII and Russian letters (nearly all text) are lowercased at once,
    /// since their lowercase forms (and `е` for `ё`) are as long as they are;
    /// the other characters, gathered on the way, tell whether the text is in
    /// NFKC and has no other letters (the characters then kept as they are
    /// are in no token).
    fn of(s: &str) -> Lowered {
        let bytes = s.as_bytes();
        let upper = any_upper(bytes);
        if s.is_ascii() {
            return if upper { Lowered::Whole(s.to_ascii_lowercase()) } else { Lowered::Same };
        }
        let mut lower: Option<Vec<u8>> = upper.then(|| s.to_ascii_lowercase().into_bytes());
        let mut others: Vec<char> = Vec::new();
        let mut i = 0;
        while let Some(skip) = bytes[i..].iter().position(|&b| !b.is_ascii()) {
            i += skip;
            let b = bytes[i];
            if let Some(&n) = bytes.get(i + 1).filter(|&&n| is_russian_letter(b, n)) {
                if let Some(low) = russian_lower(b, n) {
                    lower.get_or_insert_with(|| bytes.to_vec())[i..i + 2].copy_from_slice(&low);
                }
                i += 2;
            } else {
                let c = char_at(s, i).unwrap_or(char::REPLACEMENT_CHARACTER);
                others.push(c);
                i += c.len_utf8();
            }
        }
        if !others_are_nfkc(others.iter().copied()) {
            return Lowered::Normalize;
        }
        if others.iter().any(|&c| is_alphanumeric(c)) {
            return Lowered::PerToken;
        }
        match lower.map(String::from_utf8) {
            Some(Ok(lower)) => Lowered::Whole(lower),
            Some(Err(_)) => Lowered::PerToken,
            None => Lowered::Same,
        }
    }
}

/// Whether `bytes` hold an ASCII capital.
fn any_upper(bytes: &[u8]) -> bool {
    crate::text::any_byte(bytes, |b| b.is_ascii_uppercase())
}

/// Whether `a b` is the UTF-8 of a Russian letter ('А'..='я', 'Ё', 'ё').
fn is_russian_letter(a: u8, b: u8) -> bool {
    matches!((a, b), (0xD0, 0x81 | 0x90..=0xBF) | (0xD1, 0x80..=0x8F | 0x91))
}

/// The UTF-8 of the lowercase form of the Russian capital (or `ё`) encoded
/// as `a b`; `ё` and `Ё` become `е`.
fn russian_lower(a: u8, b: u8) -> Option<[u8; 2]> {
    match (a, b) {
        // 'А'..='П' -> 'а'..='п'
        (0xD0, 0x90..=0x9F) => Some([0xD0, b + 0x20]),
        // 'Р'..='Я' -> 'р'..='я'
        (0xD0, 0xA0..=0xAF) => Some([0xD1, b - 0x20]),
        // 'Ё', 'ё' -> 'е'
        (0xD0, 0x81) | (0xD1, 0x91) => Some([0xD0, 0xB5]),
        _ => None,
    }
}

/// The tokens of `s` (see [`tokenize`]).
fn spans_of(s: &str, how: Lowered) -> (String, Vec<Span>) {
    let bytes = s.as_bytes();
    let per_token = matches!(how, Lowered::PerToken | Lowered::Normalize);
    let (whole, mut lower) = match how {
        Lowered::Whole(lower) => (true, lower),
        _ => (false, String::new()),
    };
    let mut spans = Vec::with_capacity(s.len() / 6);
    let mut seg = 0u32;
    let mut depth = 0u32;
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        // Spaces, the commonest separator, change nothing.
        if b == b' ' {
            i += 1;
            continue;
        }
        let c = if b < 0x80 { char::from(b) } else { char_at(s, i).unwrap_or(char::REPLACEMENT_CHARACTER) };
        if !is_alphanumeric(c) {
            match c {
                '(' | '[' => depth += 1,
                ')' | ']' => depth = depth.saturating_sub(1),
                _ => {}
            }
            // A full stop followed by a space ends a sentence, hence a segment.
            let sentence_end = c == '.' && char_at(s, i + 1).is_none_or(char::is_whitespace);
            if breaks_segment(c) || sentence_end {
                seg += 1;
            }
            i += c.len_utf8();
            continue;
        }
        let start = i;
        i = word_end(s, i + c.len_utf8(), c);
        // A URL ("https://hh.ru/vacancy/1") names no skill: skip it whole.
        if bytes.get(i) == Some(&b':') && bytes[i..].starts_with(b"://") {
            while let Some(d) = char_at(s, i).filter(|d| !d.is_whitespace()) {
                i += d.len_utf8();
            }
            continue;
        }
        let orig = &s[start..i];
        let low = if whole {
            (start as u32, i as u32)
        } else if per_token {
            push_lowercase(orig, &mut lower)
        } else {
            SAME
        };
        let low_str = if low == SAME { orig.as_bytes() } else { &lower.as_bytes()[low.0 as usize..low.1 as usize] };
        let connective = is_connective(low_str);
        if connective {
            seg += 1;
        }
        spans.push(Span { orig: (start as u32, i as u32), lower: low, seg, in_parens: depth > 0 });
        if connective {
            seg += 1;
        }
    }
    (lower, spans)
}

/// ASCII bytes a word goes on with: letters, digits, `+` and `#`.
static WORD_BYTES: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric() || b == b'+' as usize || b == b'#' as usize;
        b += 1;
    }
    t
};

/// The end of a word of `s` that starts with `first`, from byte `i` just
/// after it: letters and digits of any script, `+` and `#`, and `.` or `_`
/// between word characters (`node.js`, `KAFKA_CFG`).
fn word_end(s: &str, mut i: usize, first: char) -> usize {
    let bytes = s.as_bytes();
    let mut prev = first;
    loop {
        // Most of a word is ASCII letters and digits.
        let run = i;
        while bytes.get(i).is_some_and(|&b| WORD_BYTES[usize::from(b)]) {
            i += 1;
        }
        if i > run {
            prev = char::from(bytes[i - 1]);
        }
        let Some(&b) = bytes.get(i) else { return i };
        let d = if b < 0x80 { char::from(b) } else { char_at(s, i).unwrap_or(char::REPLACEMENT_CHARACTER) };
        let next_is_word = || char_at(s, i + d.len_utf8()).is_some_and(is_alphanumeric);
        let joins = match d {
            '.' => is_alphanumeric(prev) && next_is_word(),
            // `_` keeps identifiers whole: "KAFKA_CFG_NODE_ID", "ivan_dev99".
            '_' => next_is_word(),
            _ => !d.is_ascii() && is_alphanumeric(d),
        };
        if !joins {
            return i;
        }
        prev = d;
        i += d.len_utf8();
    }
}

/// Whether a lowercase token is a word that joins list items ("and", "or",
/// "и", "или"; each starts a segment of its own): compared byte by byte
/// ("и" is D0 B8, "л" D0 BB), with no call to compare slices.
fn is_connective(lower: &[u8]) -> bool {
    matches!(lower, b"and" | b"or" | [0xD0, 0xB8] | [0xD0, 0xB8, 0xD0, 0xBB, 0xD0, 0xB8])
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
        for c in word.chars() {
            push_lower_char(c, buf);
        }
    } else {
        return SAME;
    }
    (start as u32, buf.len() as u32)
}

/// `c` lowercased (`ё` as `е`), quick for ASCII and Russian letters.
fn push_lower_char(c: char, buf: &mut String) {
    match c {
        'A'..='Z' | 'А'..='Я' => buf.push(char::from_u32(u32::from(c) + 0x20).unwrap_or(c)),
        'a'..='z' | '0'..='9' | 'а'..='я' => buf.push(c),
        'Ё' | 'ё' => buf.push('е'),
        _ => {
            for l in c.to_lowercase() {
                buf.push(if l == 'ё' { 'е' } else { l });
            }
        }
    }
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
    fn whole_texts_lowercase_in_place() {
        // Russian and ASCII letters only: lowercased at once, `ё` as `е`.
        assert_eq!(lowers("Ёлка — ЁЖ, «Ёж» и DevOps"), ["елка", "еж", "еж", "и", "devops"]);
        // Another script's letter: token by token.
        assert_eq!(lowers("Σοφία и Ёж"), ["σοφία", "и", "еж"]);
        // Not NFKC: normalised first.
        assert_eq!(lowers("ﬁx Ёж Ｇｏ"), ["fix", "еж", "go"]);
        let t = tokenize("URL https://hh.ru/x Ёлка");
        assert_eq!((t.orig(1), t.lower(1)), ("Ёлка", "елка"));
    }

    #[test]
    fn quick_lowering_matches_the_tables() {
        for c in (0..0x3_0000).filter_map(char::from_u32) {
            let mut quick = String::new();
            push_lower_char(c, &mut quick);
            let plain: String = c.to_lowercase().map(|l| if l == 'ё' { 'е' } else { l }).collect();
            assert_eq!(quick, plain, "{c:?}");
        }
        for (a, b) in
            [(0xD0u8, 0x80u8), (0xD0, 0x81), (0xD0, 0x90), (0xD0, 0xAF), (0xD0, 0xB0), (0xD1, 0x8F), (0xD1, 0x91)]
        {
            let c = std::str::from_utf8(&[a, b]).unwrap().chars().next().unwrap();
            assert_eq!(is_russian_letter(a, b), matches!(c, 'А'..='я' | 'Ё' | 'ё'), "{c:?}");
            if let Some(low) = russian_lower(a, b) {
                let mut plain = String::new();
                push_lower_char(c, &mut plain);
                assert_eq!(std::str::from_utf8(&low).unwrap(), plain, "{c:?}");
            }
        }
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
