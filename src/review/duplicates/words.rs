//! A submission's own words with the layout taken away: what a reader reads,
//! whatever the Markdown around it.
//!
//! List markers of every kind (`-`, `*`, `+`, `•`, `1.`, `1)`, a bare `1`,
//! `1.2`), task boxes, quote marks, indentation, emphasis, table pipes, case
//! and punctuation never reach a word. Labels are left out: headings, setext
//! titles, a line or comma-separated piece that is all bold or italic, a line
//! that ends in a colon, an item with sub-items, and a paragraph's first line
//! with lines indented under it. Students turn one of these into another
//! freely (a heading into a bold line, a bullet with sub-bullets into a
//! heading or a `Name:` line, a translated or numbered title), so leaving
//! them all out is what keeps the same text's words the same in any layout;
//! their words are mostly the template's anyway. So are the assignment's
//! prompts, pasted as they are.

use super::super::lint::{SectionMap, answer_files, each_prose_line, prompt_with};
use crate::extract::Section;
use crate::model::Submission;

/// splitmix64's finaliser: a fast, well-mixed, platform-independent hash step.
pub(super) fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// A word's hash: its lower-case UTF-8 bytes, 8 at a time, then the length
/// (no byte is 0, so the length settles the last chunk).
#[derive(Clone, Copy)]
pub(super) struct WordHash {
    h: u64,
    acc: u64,
    len: u32,
}

const WORD_SEED: u64 = 0x243F_6A88_85A3_08D3;

impl WordHash {
    pub(super) const NEW: WordHash = WordHash { h: WORD_SEED, acc: 0, len: 0 };

    pub(super) fn push(&mut self, b: u8) {
        let n = self.len % 8;
        self.acc |= (b as u64) << (8 * n);
        self.len += 1;
        if n == 7 {
            self.h = mix(self.h ^ self.acc);
            self.acc = 0;
        }
    }

    /// Pushes a non-ASCII character's lower-case form; false when it is not
    /// part of a word. Cyrillic, the common case here, skips the tables.
    fn push_char(&mut self, c: char) -> bool {
        let c = match c {
            'А'..='Я' => char::from_u32(c as u32 + 0x20).unwrap_or(c),
            'а'..='я' => c,
            'ё' | 'Ё' => 'е',
            _ if c.is_alphanumeric() => {
                for l in c.to_lowercase() {
                    let l = if l == 'ё' { 'е' } else { l };
                    l.encode_utf8(&mut [0; 4]).bytes().for_each(|b| self.push(b));
                }
                return true;
            }
            _ => return false,
        };
        c.encode_utf8(&mut [0; 4]).bytes().for_each(|b| self.push(b));
        true
    }

    pub(super) fn finish(self) -> u64 {
        mix(self.h ^ self.acc ^ ((self.len as u64) << 56))
    }
}

/// ASCII letters and digits.
static ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// The same hash as `WordHash` for the ASCII alphanumeric word `b[start..end]`,
/// 8 bytes at a time (`| 0x20` lower-cases letters and keeps digits).
fn ascii_word_hash(b: &[u8], start: usize, end: usize) -> u64 {
    const LOWER: u64 = 0x2020_2020_2020_2020;
    let load = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or_default());
    let mut h = WORD_SEED;
    let mut i = start;
    while i + 8 <= end {
        h = mix(h ^ (load(i) | LOWER));
        i += 8;
    }
    let rest = end - i;
    let acc = if rest == 0 {
        0
    } else if i + 8 <= b.len() {
        (load(i) | LOWER) & (u64::MAX >> (64 - 8 * rest))
    } else {
        b[i..end].iter().rev().fold(0, |a, &c| (a << 8) | (c | 0x20) as u64)
    };
    mix(h ^ acc ^ (((end - start) as u64) << 56))
}

/// Calls `f` with the hash of each word of `text`, lower-cased, `ё` as `е`.
pub(super) fn line_words(text: &str, mut f: impl FnMut(u64)) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] < 0x80 && !ALNUM[b[i] as usize] {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && ALNUM[b[i] as usize] {
            i += 1;
        }
        if i == b.len() || b[i] < 0x80 {
            f(ascii_word_hash(b, start, i));
            continue;
        }
        // Non-ASCII in or after the word: character by character.
        let mut w = WordHash::NEW;
        b[start..i].iter().for_each(|&c| w.push(c.to_ascii_lowercase()));
        for c in text[i..].chars() {
            if c.is_ascii_alphanumeric() {
                w.push(c.to_ascii_lowercase() as u8);
            } else if c.is_ascii() || !w.push_char(c) {
                break;
            }
            i += c.len_utf8();
        }
        if w.len > 0 {
            f(w.finish());
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8); // not a word character
        }
    }
}

/// What a line is, as far as words go.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    /// No letter or digit: blank, a rule, a table's delimiter row.
    Empty,
    /// `===` or `---` alone: underlines the line above into a heading.
    Underline,
    Heading,
    Text,
}

#[derive(Clone, Copy, Debug)]
struct Shape<'a> {
    kind: Kind,
    /// Leading whitespace, a tab as four.
    indent: u32,
    /// Starts with a list marker.
    item: bool,
    /// The text after indentation, quote marks and list markers.
    content: &'a str,
}

impl<'a> Shape<'a> {
    fn of(line: &'a str) -> Shape<'a> {
        let line = line.strip_prefix('\u{feff}').unwrap_or(line);
        let indent =
            line.bytes().take_while(|b| matches!(b, b' ' | b'\t')).map(|b| if b == b'\t' { 4 } else { 1 }).sum();
        let mut t = line.trim();
        while let Some(r) = t.strip_prefix('>') {
            t = r.trim_start();
        }
        let kind = if !t.bytes().any(|b| b >= 0x80 || ALNUM[b as usize]) {
            let underline = t.len() >= 2 && (t.bytes().all(|b| b == b'=') || t.bytes().all(|b| b == b'-'));
            if underline { Kind::Underline } else { Kind::Empty }
        } else if is_heading(t) {
            Kind::Heading
        } else {
            Kind::Text
        };
        let mut item = false;
        // Twice: "- 1. Title", "1. [x] Done".
        for _ in 0..2 {
            if let Some(rest) = strip_marker(t) {
                item = true;
                t = rest;
            }
        }
        Shape { kind, indent, item, content: t }
    }

    fn words(&self) -> bool {
        matches!(self.kind, Kind::Text | Kind::Heading)
    }
}

/// An ATX heading, leniently: `##Title` too, as students write it.
fn is_heading(t: &str) -> bool {
    let hashes = t.bytes().take_while(|&b| b == b'#').count();
    (1..=6).contains(&hashes) && t[hashes..].chars().next().is_none_or(|c| c == ' ' || c == '\t' || c.is_alphabetic())
}

/// The text after a list marker (`-`, `*`, `+`, `•`, `1.`, `1)`, a bare `1`
/// or `1.2`, then whitespace) and a task box; `None` when there is none.
fn strip_marker(t: &str) -> Option<&str> {
    let b = t.as_bytes();
    let after = if let Some(r) = t.strip_prefix(['-', '*', '+']).or_else(|| t.strip_prefix('•')) {
        r
    } else {
        let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        // Section numbers: 1.2.3
        let mut r = &t[digits..];
        while let Some(more) = r.strip_prefix('.').filter(|m| m.starts_with(|c: char| c.is_ascii_digit())) {
            r = more.trim_start_matches(|c: char| c.is_ascii_digit());
        }
        r.strip_prefix(['.', ')']).unwrap_or(r)
    };
    if !after.is_empty() && !after.starts_with([' ', '\t']) {
        return None;
    }
    let after = after.trim_start();
    let after = ["[ ] ", "[x] ", "[X] "].iter().find_map(|m| after.strip_prefix(m)).unwrap_or(after);
    Some(after.trim_start())
}

/// All bold or italic: `**Name**`, `__Name:__`, `*Name*:`.
fn emphasised(s: &str) -> bool {
    // Every delimiter starts with `*` or `_`: most text is ruled out here.
    if !s.trim_start().starts_with(['*', '_']) {
        return false;
    }
    let s = s.trim().trim_end_matches(['.', ':', ';']).trim_end();
    ["**", "__", "*", "_"].iter().any(|d| {
        s.len() > 2 * d.len() && s.starts_with(d) && s.ends_with(d) && !s[d.len()..s.len() - d.len()].contains(d)
    })
}

/// Whether line `i` is a label (see the module's comment). `at` holds each
/// line's file and number.
fn is_label(shapes: &[Shape], at: &[(u32, u32)], i: usize) -> bool {
    let s = &shapes[i];
    if s.kind == Kind::Heading || emphasised(s.content) || s.content.trim_end().ends_with(':') {
        return true;
    }
    let same_file = |j: usize| at[j].0 == at[i].0;
    let follows = |j: usize| j > 0 && same_file(j - 1) && at[j].1 == at[j - 1].1 + 1;
    // Setext: a paragraph line (not indented as code) underlined.
    if !s.item && s.indent <= 3 && shapes.get(i + 1).is_some_and(|n| n.kind == Kind::Underline) && follows(i + 1) {
        return true;
    }
    // The lines with words after this one, in this file.
    let mut after = (i + 1..shapes.len()).take_while(|&j| same_file(j)).filter(|&j| shapes[j].words());
    if s.item {
        // Sub-items: an item among the lines indented under it.
        return after.take_while(|&j| shapes[j].indent > s.indent).any(|j| shapes[j].item);
    }
    // A line that is no item heads what is indented under it when it starts
    // a paragraph (an item whose markers were taken away): the paragraph's
    // other lines, then more-indented ones. A link is not a title.
    let starts = !follows(i) || matches!(shapes[i - 1].kind, Kind::Empty | Kind::Heading);
    if !starts || s.content.contains("://") {
        return false;
    }
    let mut last = i;
    let below = after.find(|&j| {
        let more = follows(j) && j == last + 1 && !shapes[j].item && shapes[j].indent == s.indent;
        last = j;
        !more
    });
    below.is_some_and(|j| shapes[j].indent > s.indent)
}

/// The assignment's own instruction or question, pasted: template, however
/// few students kept it. Read as the review reads a reflection's lines, in
/// any section, so that moving or renaming a heading changes nothing.
fn prompt(content: &str) -> bool {
    prompt_with(content, content, || Some(Section::Reflection))
}

/// Calls `f(text, file, line)` for each piece of a submission's answers
/// that holds its words: lines and parts of lines, labels left out.
pub(super) fn each_piece<'a>(sub: &'a Submission, mut f: impl FnMut(&'a str, u32, u32)) {
    let files = answer_files(sub);
    let mut at: Vec<(u32, u32)> = Vec::new();
    let mut shapes: Vec<Shape> = Vec::new();
    each_prose_line(sub, &files, |file, line, text| {
        at.push((file as u32, line as u32));
        shapes.push(Shape::of(text));
    });
    let map = SectionMap::of(sub);
    // A student's own open questions are no assignment's prompts.
    let own_question = |(file, line): (u32, u32)| map.at(file as usize, line as usize) == Some(Section::OpenQuestions);
    for (i, s) in shapes.iter().enumerate() {
        if s.kind != Kind::Text || is_label(&shapes, &at, i) || prompt(s.content) && !own_question(at[i]) {
            continue;
        }
        let (file, line) = at[i];
        if memchr::memchr2(b'*', b'_', s.content.as_bytes()).is_none() {
            f(s.content, file, line);
            continue;
        }
        // "Python, **Go**, Docker": a bold piece of an inline list is a label
        // as a bold bullet is.
        for piece in s.content.split(',').filter(|p| !emphasised(p)) {
            f(piece, file, line);
        }
    }
}

/// Calls `f(hash, file, line)` for each word of a submission's answers, the
/// layout taken away, hashing characters as they come.
#[cfg(test)]
pub(super) fn each_word(sub: &Submission, mut f: impl FnMut(u64, u32, u32)) {
    each_piece(sub, |text, file, line| line_words(text, |h| f(h, file, line)));
}

/// The shingle starting at each word position.
pub(super) fn shingles(words: &[u64], k: usize) -> Vec<u64> {
    // Word hashes are already mixed: a cheap ordered combine, one mix per shingle.
    words
        .windows(k)
        .map(|w| mix(w.iter().fold(k as u64, |h, &x| (h.rotate_left(27) ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15))))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn words_of(text: &str) -> Vec<u64> {
        let ident =
            crate::model::Identity { id: "x".into(), source: "x".into(), author: "x".into(), main_file: "x.md".into() };
        let tax = crate::normalize::Taxonomy::with_config(&Default::default()).unwrap();
        let sub = crate::model::normalize(ident, Default::default(), &tax, vec![("x.md".into(), text.into())]);
        let mut out = Vec::new();
        each_word(&sub, |h, _, _| out.push(h));
        out
    }

    fn plain(text: &str) -> Vec<u64> {
        let mut out = Vec::new();
        line_words(text, |h| out.push(h));
        out
    }

    #[test]
    fn word_hashes_fold_case_and_yo_on_every_path() {
        let slow = |word: &str| {
            let mut w = WordHash::NEW;
            word.bytes().for_each(|b| w.push(b));
            w.finish()
        };
        // Short and long ASCII words, at the end of a line and not.
        let words = ["go", "Kubernetes", "internationalization", "x", "k8s", "12345678", "postgresql"];
        let text = words.join(", ");
        assert_eq!(plain(&text), words.iter().map(|w| slow(&w.to_lowercase())).collect::<Vec<_>>());
        assert_eq!(plain(&text.to_uppercase()), plain(&text));
        // Non-ASCII words, and ASCII words that run into them.
        assert_eq!(plain("Ёлка ПРИВЕТ Straße"), plain("елка привет straße"));
        assert_eq!(plain("naïve—Café"), plain("NAÏVE café"));
        assert_eq!(plain("naïve—Café").len(), 2);
        assert_ne!(plain("lead")[0], plain("leads")[0]);
    }

    #[test]
    fn markers_of_every_kind_are_not_words() {
        let want = plain("tuning slow queries reading plans writing helm charts");
        for text in [
            "- Tuning slow queries, reading plans!\n* Writing Helm charts\n",
            "1. tuning slow queries reading plans\n2) **Writing** Helm charts\n",
            "1 Tuning slow queries, reading plans\n2 Writing Helm charts\n",
            "  + [x] Tuning slow queries; reading plans\n  • Writing _Helm_ charts\n",
            "> 1.2 Tuning slow queries reading plans\n> 1.3 Writing Helm charts\n",
            "| Tuning slow queries | reading plans |\n|---|---|\n| Writing | Helm charts |\n",
            "Tuning slow queries, reading plans, writing Helm charts.\n",
            "\u{feff}TUNING SLOW QUERIES reading plans\r\n\r\nwriting helm charts\r\n",
        ] {
            assert_eq!(words_of(text), want, "{text:?}");
        }
    }

    #[test]
    fn labels_are_not_words_in_any_of_their_forms() {
        let want = plain("designs the public api keeps deploys boring");
        for text in [
            "## Backend engineer\n\n- Designs the public API\n- Keeps deploys boring\n",
            "**Backend engineer**\n\nDesigns the public API\n\nKeeps deploys boring\n",
            "- **Backend engineer**\n  - Designs the public API\n  - Keeps deploys boring\n",
            "1 Backend engineer\n  1 Designs the public API\n  2 Keeps deploys boring\n",
            "Backend engineer\n\n    Designs the public API\n\n    Keeps deploys boring\n",
            "Backend engineer:\n- Designs the public API\n- Keeps deploys boring\n",
            "Backend engineer\n----------------\nDesigns the public API\nKeeps deploys boring\n",
            "### 2.1. Бэкенд-разработчик\nDesigns the public API\n- **Go**\n- Keeps deploys boring\n",
            "Designs the public API, **Go**, keeps deploys boring.\n",
        ] {
            assert_eq!(words_of(text), want, "{text:?}");
        }
    }

    #[test]
    fn an_item_wrapped_onto_more_lines_keeps_its_words() {
        let text = "- Designs the public API\n  and keeps deploys boring\n- Pages on call\n";
        assert_eq!(words_of(text), plain("designs the public api and keeps deploys boring pages on call"));
    }
}
