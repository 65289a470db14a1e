//! Tokeniser shared by every matcher of the normalize stage.
//!
//! Text is NFKC-normalised, then cut into runs of letters and digits (Latin,
//! Cyrillic, ...) plus the characters `+` and `#` after a word (`C++`, `C#`)
//! and `.` between two word characters (`node.js`, `asp.net`). Everything else
//! separates tokens. Each token keeps its original-case form for the case rules,
//! its lowercase form for lookup, the list segment it sits in (items between
//! `,` `;` `/` `&` `(` ... or the words "and"/"or"/"и"), and whether it sits
//! inside parentheses.

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfkc_quick};

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    /// As written (after NFKC).
    pub orig: String,
    /// Lowercase, with `ё` folded to `е`.
    pub lower: String,
    /// Index of the list segment the token belongs to.
    pub seg: u32,
    /// Whether the token sits inside `(...)` or `[...]`.
    pub in_parens: bool,
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

pub(crate) fn tokenize(text: &str) -> Vec<Token> {
    // Most text is already NFKC (ASCII, Cyrillic): skip the normaliser then.
    let normal = text.is_ascii() || is_nfkc_quick(text.chars()) == IsNormalized::Yes;
    let chars: Vec<char> = if normal { text.chars().collect() } else { text.nfkc().collect() };
    let mut out = Vec::new();
    let mut seg = 0u32;
    let mut depth = 0u32;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_alphanumeric() {
            let start = i;
            i += 1;
            while i < chars.len() {
                let d = chars[i];
                let joins_dot =
                    d == '.' && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric()) && chars[i - 1].is_alphanumeric();
                // `_` keeps identifiers whole: "KAFKA_CFG_NODE_ID", "ivan_dev99".
                let joins_underscore = d == '_' && chars.get(i + 1).is_some_and(|n| n.is_alphanumeric());
                if d.is_alphanumeric() || d == '+' || d == '#' || joins_dot || joins_underscore {
                    i += 1;
                } else {
                    break;
                }
            }
            // A URL ("https://hh.ru/vacancy/1") names no skill: skip it whole.
            if chars[i..].starts_with(&[':', '/', '/']) {
                while i < chars.len() && !chars[i].is_whitespace() {
                    i += 1;
                }
                continue;
            }
            let orig: String = chars[start..i].iter().collect();
            let lower = lowercase(&orig);
            if CONNECTIVES.contains(&lower.as_str()) {
                seg += 1;
                out.push(Token { orig, lower, seg, in_parens: depth > 0 });
                seg += 1;
            } else {
                out.push(Token { orig, lower, seg, in_parens: depth > 0 });
            }
            continue;
        }
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        // A full stop followed by a space ends a sentence, hence a segment.
        let sentence_end = c == '.' && chars.get(i + 1).is_none_or(|n| n.is_whitespace());
        if breaks_segment(c) || sentence_end {
            seg += 1;
        }
        i += 1;
    }
    out
}

/// Lowercase, with `ё` folded to `е` (students write both).
fn lowercase(word: &str) -> String {
    if word.is_ascii() {
        return word.to_ascii_lowercase();
    }
    let lower = word.to_lowercase();
    if lower.contains('ё') { lower.replace('ё', "е") } else { lower }
}

/// Lowercase token forms of a phrase (an alias), tokenised like text.
pub(crate) fn phrase(text: &str) -> Vec<String> {
    tokenize(text).into_iter().map(|t| t.lower).collect()
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
    }

    #[test]
    fn segments_and_parens() {
        let t = tokenize("python, go (docker) and rust");
        let segs: Vec<u32> = t.iter().map(|t| t.seg).collect();
        assert!(segs[0] < segs[1] && segs[1] < segs[2] && segs[2] < segs[3]);
        assert!(t[2].in_parens && !t[1].in_parens && !t[4].in_parens);
        let t = tokenize("see https://hh.ru/vacancy/1 for KAFKA_CFG_ID");
        let lowers: Vec<&str> = t.iter().map(|t| t.lower.as_str()).collect();
        assert_eq!(lowers, ["see", "for", "kafka_cfg_id"]);
        let t = tokenize("go to market");
        assert!(t.iter().all(|x| x.seg == t[0].seg));
    }
}
