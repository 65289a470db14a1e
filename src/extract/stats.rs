//! What a section holds, counted once where it is parsed, so the review's
//! rubric can count sentences, items and links without reading Markdown:
//! its own content, minus the sections nested in it.

use super::{Found, Section};
use crate::parse::outline::{Kind, Node};
use crate::text::FxMap;
use std::borrow::Cow;

/// The sections whose sentences are counted: those a rubric counts in.
/// Counting every line of every section was most of what reading a
/// section cost, for counts nothing read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Counted(u32);

impl Counted {
    pub(crate) const ALL: Counted = Counted(u32::MAX);

    pub(crate) fn of(sections: impl IntoIterator<Item = Section>) -> Counted {
        Counted(sections.into_iter().fold(0, |m, s| m | 1 << s as u32))
    }

    fn has(self, s: Section) -> bool {
        self.0 & 1 << s as u32 != 0
    }
}

/// Counts of one section's own content.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SectionStats {
    /// Sentences of prose (items and paragraphs; not headings or code);
    /// 0 where the section is not [`Counted`].
    pub sentences: usize,
    /// Top-level list items and table rows; paragraphs when there are none.
    pub items: usize,
    /// Link and image targets, as written.
    pub links: Vec<String>,
    /// The prose, one block a line, up to [`MAX_TEXT`] bytes, of the
    /// sections [`keeps_text`] names: what a criterion looks for names in
    /// ("the components that talk"). Empty for the others.
    pub text: String,
}

/// Text kept per section: a data-flow description, not a pasted book.
pub(crate) const MAX_TEXT: usize = 8 * 1024;

/// Where each found section's node is, by address: what a section's walk
/// stops at (built once per submission, so the walks stay linear).
pub(crate) type Starts = FxMap<*const Node, Section>;

pub(crate) fn starts(all: &[Found<'_>]) -> Starts {
    all.iter().map(|f| (f.node as *const Node, f.section)).collect()
}

/// Whether a section keeps its prose: architecture.md's, which are short
/// and what `mentions` reads; the roles file's would hold most of a cohort's
/// text in memory a second time.
pub(crate) fn keeps_text(s: Section) -> bool {
    s.is_architecture()
}

pub(crate) fn of(f: &Found<'_>, starts: &Starts, counted: Counted) -> SectionStats {
    let mut st = SectionStats::default();
    let mut paragraphs = 0;
    // The role line is part of the chosen role, a posting of the market.
    let part = |s: Section| {
        matches!((f.section, s), (Section::ChosenRole, Section::RoleName) | (Section::JobMarket, Section::Posting))
    };
    let stop = |n: &Node| starts.get(&(n as *const Node)).is_some_and(|s| !part(*s));
    let max_text = if keeps_text(f.section) { MAX_TEXT } else { 0 };
    let count = counted.has(f.section);
    for n in &f.node.children {
        walk(n, &stop, 0, &mut st, &mut paragraphs, (max_text, count));
    }
    if st.items == 0 {
        st.items = paragraphs;
    }
    st
}

fn walk(
    n: &Node,
    stop: &dyn Fn(&Node) -> bool,
    in_item: usize,
    st: &mut SectionStats,
    paragraphs: &mut usize,
    (max_text, count): (usize, bool),
) {
    if n.kind == Kind::Code || stop(n) {
        return;
    }
    st.links.extend(n.links.iter().cloned());
    if matches!(n.kind, Kind::Item | Kind::Row | Kind::Paragraph) {
        if n.kind == Kind::Item && in_item == 0 || n.kind == Kind::Row && !n.header {
            st.items += 1;
        }
        // "We assume:" introduces the list; it is no assumption.
        if n.kind == Kind::Paragraph && in_item == 0 && !n.text.trim_end().ends_with(':') {
            *paragraphs += 1;
        }
        if !(n.kind == Kind::Row && n.header) && (count || st.text.len() < max_text) {
            let text: Cow<'_, str> =
                if n.kind == Kind::Row { Cow::Owned(n.cells.join(". ")) } else { Cow::Borrowed(&n.text) };
            if count {
                st.sentences += sentence_count(&text);
            }
            if st.text.len() + text.len() < max_text {
                st.text.push_str(&text);
                st.text.push('\n');
            }
        }
    }
    let deeper = in_item + usize::from(n.kind == Kind::Item);
    for c in &n.children {
        walk(c, stop, deeper, st, paragraphs, (max_text, count));
    }
}

/// Sentences in plain text: ends of sentences (`.`, `!`, `?`, `…` before a
/// space or the end, not in "e.g." or "1.5"), and a line of three or more
/// words with none ("- Redis caches sessions"). A label line ("Product:
/// Telegram") is none.
pub(crate) fn sentence_count(text: &str) -> usize {
    text.lines().map(line_sentences).sum()
}

fn line_sentences(line: &str) -> usize {
    // "Role: Backend Developer", "**Product:** Telegram." label a value;
    // "API: routes the requests to services" explains.
    if line.split_once(':').is_some_and(|(h, v)| at_most_words(h, 3) && at_most_words(v, 3)) {
        return 0;
    }
    if line.is_ascii() {
        return ascii_line_sentences(line.as_bytes());
    }
    const ABBREVIATIONS: [&str; 8] = ["e.g.", "i.e.", "etc.", "vs.", "т.е.", "т.д.", "т.п.", "др."];
    let mut n = 0;
    let mut since = 0;
    for w in line.split_whitespace() {
        let w = w.trim_end_matches(['"', '\'', ')', '»', '*', '_', '”']);
        since += usize::from(w.chars().any(char::is_alphabetic));
        let ends = w.ends_with(['.', '!', '?', '…']) && !ABBREVIATIONS.iter().any(|a| w.eq_ignore_ascii_case(a));
        // "1." numbering and "3.5." are not sentences; nor is a lone "...".
        if ends && since >= 1 {
            n += 1;
            since = 0;
        }
    }
    if since >= 3 { n + 1 } else { n }
}

/// [`line_sentences`] for an ASCII line, by bytes: the same words, ends
/// and abbreviations (the ASCII ones), without decoding characters. Most
/// lines are ASCII, and this runs on every line of every section.
fn ascii_line_sentences(line: &[u8]) -> usize {
    const ABBREVIATIONS: [&[u8]; 4] = [b"e.g.", b"i.e.", b"etc.", b"vs."];
    // `char::is_whitespace` on ASCII.
    let space = |b: &u8| matches!(b, b'\t'..=b'\r' | b' ');
    let (mut n, mut since) = (0, 0);
    for w in line.split(space).filter(|w| !w.is_empty()) {
        let mut w = w;
        while let [rest @ .., b'"' | b'\'' | b')' | b'*' | b'_'] = w {
            w = rest;
        }
        since += usize::from(w.iter().any(u8::is_ascii_alphabetic));
        let ends =
            matches!(w.last(), Some(b'.' | b'!' | b'?')) && !ABBREVIATIONS.iter().any(|a| w.eq_ignore_ascii_case(a));
        if ends && since >= 1 {
            n += 1;
            since = 0;
        }
    }
    if since >= 3 { n + 1 } else { n }
}

/// `word_count(s) <= max`, stopping at the first word past it: this runs on
/// every line of every section.
fn at_most_words(s: &str, max: usize) -> bool {
    s.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).nth(max).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte path counts as the character path does, on ASCII.
    #[test]
    fn ascii_lines_count_as_any_line() {
        let general = |line: &str| {
            // The general path, forced by a non-ASCII word at the end that
            // adds nothing: a lone "—" has no letter and no sentence end.
            line_sentences(&format!("{line} —"))
        };
        for line in [
            "Telegram is a messenger. It syncs chats!",
            "Uses e.g. Kafka, i.e. a log. Then 1.5 more steps happen.",
            "word (aside). \"Quoted!\" *Bold.* _it._ end",
            "1. 2. 3.",
            "... ? !",
            "a\tb\u{b}c\u{c}d\re f g.",
            "ETC. Vs. I.E.",
        ] {
            assert_eq!(ascii_line_sentences(line.as_bytes()), general(line), "{line:?}");
        }
    }

    #[test]
    fn counts_sentences() {
        assert_eq!(sentence_count("Telegram is a messenger. It syncs chats across devices!"), 2);
        assert_eq!(sentence_count("Product: Telegram"), 0);
        assert_eq!(sentence_count("Redis caches sessions for the gateway"), 1);
        assert_eq!(sentence_count("Uses e.g. Kafka, i.e. a log. Then 1.5 more steps happen."), 2);
        assert_eq!(sentence_count("Я выбрал бэкенд. Почему? Потому что люблю базы данных…"), 3);
        assert_eq!(sentence_count("line one has words\nline two has words too."), 2);
        assert_eq!(sentence_count("..."), 0);
        assert_eq!(sentence_count("Role: Backend Developer"), 0);
        assert_eq!(sentence_count("**Product:** Telegram."), 0);
        assert_eq!(sentence_count("**API gateway**: routes the requests to services"), 1);
        assert_eq!(sentence_count("It ends (here). \"Quoted!\" *Bold.* etc. vs. 2.\tTab\u{b}sep words"), 5);
    }
}
