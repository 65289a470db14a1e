//! Layout cues that CommonMark ignores or misreads, read the way a person
//! reads them: done on the text before it is parsed, one line at a time,
//! and every line stays where it was, so line numbers stay right.
//!
//! - `##Title` is a heading and `-item` an item (a missing space);
//! - `1 Item`, a number with no dot, starts an item when the numbers count
//!   up from 1 (`2 years of work` in a sentence does not);
//! - short lines set apart by blank lines and nested by indentation are an
//!   outline, not a paragraph with indented code under it.
//!
//! Items found this way are written as `- ` items, indented two spaces per
//! level, so CommonMark nests them as the layout does.

use super::{LineIndex, SectionOf};
use std::borrow::Cow;

/// How each line reads, as far as lists go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Line {
    Blank,
    /// Fenced code, HTML comments, tables, rules: left alone, and they end
    /// any list.
    Other,
    Heading,
    /// A marked list item, or a numbered one without a dot.
    Item,
    /// Prose: a paragraph line.
    Text,
}

/// The text with the layout above made explicit; borrowed when nothing
/// needed it (most files).
pub(super) fn recover<'t>(text: &'t str, lines: &LineIndex, is_title: SectionOf<'_>) -> Cow<'t, str> {
    let n = lines.len();
    let mut kinds = Vec::with_capacity(n);
    let mut edits: Vec<(usize, String)> = Vec::new();
    let mut fence: Option<&str> = None;
    let mut comment = false;
    let mut numbers = Numbers::default();
    for i in 0..n {
        let raw = lines.line_text(text, i);
        let line = raw.trim_end_matches(['\n', '\r']);
        let body = line.trim_start_matches([' ', '\t']);
        let indent = indent_of(line);
        let kind = if let Some(f) = fence {
            if indent < 4 && body.starts_with(f) {
                fence = None;
            }
            Line::Other
        } else if comment {
            comment = !line.contains("-->");
            Line::Other
        } else if body.is_empty() {
            Line::Blank
        } else if indent < 4 && (body.starts_with("```") || body.starts_with("~~~")) {
            fence = Some(&body[..3]);
            Line::Other
        } else if let Some(rest) = body.strip_prefix("<!--") {
            comment = !rest.contains("-->");
            Line::Other
        } else if body.starts_with('|') || is_rule(body) {
            Line::Other
        } else if let Some(fixed) = missing_space(line, indent) {
            let kind = if fixed.trim_start().starts_with('#') { Line::Heading } else { Line::Item };
            edits.push((i, fixed));
            kind
        } else if indent < 4 && body.starts_with('#') {
            Line::Heading
        } else if is_marked_item(body) {
            Line::Item
        } else if let Some((num, words)) = bare_number(body)
            && numbers.accepts(indent, num, words, || run_starts(text, lines, &kinds, i, indent, is_title))
        {
            // "- " however long the number: items under "10 X" indented
            // by two spaces still nest.
            let text = body.trim_start_matches(|c: char| c.is_ascii_digit()).trim_start();
            edits.push((i, format!("{}- {text}", &line[..line.len() - body.len()])));
            Line::Item
        } else {
            Line::Text
        };
        // A new paragraph ends the numbered runs at its indent and deeper;
        // a line that continues an item's text does not.
        let new_block = !matches!(kinds.last(), Some(Line::Item | Line::Text));
        match kind {
            Line::Text if new_block => numbers.reset_below(indent),
            Line::Heading | Line::Other => numbers.reset_below(0),
            _ => {}
        }
        kinds.push(kind);
    }
    outlines(text, lines, &kinds, is_title, &mut edits);
    if edits.is_empty() {
        return Cow::Borrowed(text);
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(text.len() + 16 * edits.len());
    let mut edits = edits.into_iter().peekable();
    for i in 0..n {
        let raw = lines.line_text(text, i);
        match edits.next_if(|e| e.0 == i) {
            Some((_, new)) => {
                out.push_str(&new);
                out.push_str(&raw[raw.trim_end_matches(['\n', '\r']).len()..]);
            }
            None => out.push_str(raw),
        }
    }
    Cow::Owned(out)
}

/// Leading spaces, a tab counting as four.
fn indent_of(line: &str) -> usize {
    line.bytes().take_while(|b| matches!(b, b' ' | b'\t')).map(|b| if b == b'\t' { 4 } else { 1 }).sum()
}

/// Whether `1 ...` on line `i` starts a numbered list: after a blank line,
/// a heading or an item; after a line that introduces it ("Components:", a
/// section title); or when a `2 ...` follows at its indent. Not inside a
/// sentence ("I have worked\n1 year there").
fn run_starts(text: &str, lines: &LineIndex, kinds: &[Line], i: usize, indent: usize, is_title: SectionOf<'_>) -> bool {
    let line = |k: usize| lines.line_text(text, k).trim_end_matches(['\n', '\r']);
    if kinds.last().is_none_or(|k| *k != Line::Text) {
        return true;
    }
    let prev = line(i - 1).trim();
    if prev.ends_with(':') || prev.ends_with("**") || is_title(prev).is_some() {
        return true;
    }
    (i + 1..lines.len())
        .map(line)
        .find(|l| !l.trim().is_empty() && indent_of(l) <= indent)
        .is_some_and(|l| indent_of(l) == indent && bare_number(l.trim_start()).is_some_and(|(n, _)| n == 2))
}

/// `---`, `***`, `___` (with spaces between, at least three).
fn is_rule(body: &str) -> bool {
    let b = body.trim_end();
    let Some(c) = b.chars().next().filter(|c| matches!(c, '-' | '*' | '_')) else { return false };
    b.chars().filter(|&x| x == c).count() >= 3 && b.chars().all(|x| x == c || x == ' ' || x == '\t')
}

/// `- x`, `* x`, `+ x`, `1. x`, `1) x`.
fn is_marked_item(body: &str) -> bool {
    let b = body.as_bytes();
    let spaced = |i: usize| b.get(i).is_none_or(|c| matches!(c, b' ' | b'\t'));
    if matches!(b[0], b'-' | b'*' | b'+') {
        return spaced(1);
    }
    let digits = b.iter().take_while(|c| c.is_ascii_digit()).count();
    (1..=9).contains(&digits) && matches!(b.get(digits), Some(b'.' | b')')) && spaced(digits + 1)
}

/// `##Title` -> `## Title`, `-item` -> `- item` (fenced code is never
/// passed here).
fn missing_space(line: &str, indent: usize) -> Option<String> {
    let body = line.trim_start_matches([' ', '\t']);
    let hashes = body.len() - body.trim_start_matches('#').len();
    let after = &body[hashes..];
    let heading =
        indent < 4 && (1..=6).contains(&hashes) && after.starts_with(|c: char| c.is_alphabetic() || c.is_ascii_digit());
    let dash = body.starts_with('-') && body[1..].starts_with(|c: char| c.is_alphabetic() || c == '*');
    if !heading && !dash {
        return None;
    }
    let cut = line.len() - body.len() + if heading { hashes } else { 1 };
    Some(format!("{} {}", &line[..cut], &line[cut..]))
}

/// `12 Name` -> 12, and whether words follow (not only "..." or more
/// numbers).
fn bare_number(body: &str) -> Option<(u32, bool)> {
    let digits = body.len() - body.trim_start_matches(|c: char| c.is_ascii_digit()).len();
    if !(1..=3).contains(&digits) {
        return None;
    }
    let rest = &body[digits..];
    let text = rest.trim_start_matches([' ', '\t']);
    if text.len() == rest.len() || text.trim().is_empty() {
        return None;
    }
    Some((body[..digits].parse().ok()?, text.chars().any(char::is_alphabetic)))
}

/// The last number seen at each indent of the current run of numbered
/// lines: `n` continues a run when it is one more than the last.
#[derive(Default)]
struct Numbers {
    last: Vec<(usize, u32)>,
}

impl Numbers {
    /// Whether `n` at `indent` is an item: it continues a run, or starts
    /// one (at 1, with words, where `starts` says a list may begin).
    fn accepts(&mut self, indent: usize, n: u32, words: bool, starts: impl FnOnce() -> bool) -> bool {
        let continues =
            self.last.iter().rev().find(|(at, _)| at.abs_diff(indent) <= 1).is_some_and(|&(_, m)| m + 1 == n);
        if !(continues || n == 1 && words && starts()) {
            return false;
        }
        self.last.retain(|(at, _)| *at < indent && at.abs_diff(indent) > 1);
        self.last.push((indent, n));
        true
    }

    /// A line of prose ends the runs at its indent and deeper.
    fn reset_below(&mut self, indent: usize) {
        self.last.retain(|(at, _)| *at < indent);
    }
}

/// Runs of one-line paragraphs set apart by blank lines, where the layout
/// says "list": some lines are indented under others (an outline), or all
/// are indented alike (an indented list, which CommonMark takes for code).
fn outlines(text: &str, lines: &LineIndex, kinds: &[Line], is_title: SectionOf<'_>, edits: &mut Vec<(usize, String)>) {
    let line = |i: usize| lines.line_text(text, i).trim_end_matches(['\n', '\r']);
    // Cheap test first: only indented prose can make an outline.
    if !kinds.iter().enumerate().any(|(i, k)| *k == Line::Text && indent_of(line(i)) >= 2) {
        return;
    }
    let mut open_items: Vec<usize> = Vec::new();
    let mut run: Vec<usize> = Vec::new();
    let mut prev = Line::Blank;
    for (i, &kind) in kinds.iter().enumerate() {
        let next = kinds.get(i + 1).copied().unwrap_or(Line::Blank);
        let indent = indent_of(line(i));
        match kind {
            Line::Item => {
                open_items.retain(|&at| at < indent);
                open_items.push(indent);
            }
            Line::Text if prev == Line::Blank => open_items.retain(|&at| at < indent),
            // The lazy continuation of an item or a paragraph.
            Line::Text | Line::Blank => {}
            Line::Heading | Line::Other => open_items.clear(),
        }
        // One line alone, outside any list item, and not a section title.
        let single = kind == Line::Text
            && !matches!(prev, Line::Text | Line::Item)
            && !matches!(next, Line::Text | Line::Item)
            && open_items.is_empty()
            && is_title(line(i).trim()).is_none();
        if single {
            run.push(i);
        } else if kind != Line::Blank {
            flush(&mut run, &line, edits);
        }
        prev = kind;
    }
    flush(&mut run, &line, edits);
}

fn flush<'t>(run: &mut Vec<usize>, line: &dyn Fn(usize) -> &'t str, edits: &mut Vec<(usize, String)>) {
    let taken = std::mem::take(run);
    if taken.len() < 2 {
        return;
    }
    let indents: Vec<usize> = taken.iter().map(|&i| indent_of(line(i))).collect();
    let first = indents[0];
    let nested = indents.iter().all(|&d| d >= first) && indents.iter().any(|&d| d > first);
    let indented = first >= 2 && indents.iter().all(|&d| d == first);
    if !(nested || indented) || taken.iter().any(|&i| looks_like_code(line(i))) {
        return;
    }
    // Each line's level: how many lines before it are indented less and
    // still open (a person's reading, not CommonMark's content columns).
    let mut open: Vec<usize> = Vec::new();
    for (&i, &d) in taken.iter().zip(&indents) {
        open.retain(|&at| at < d);
        let level = open.len();
        open.push(d);
        edits.push((i, format!("{}- {}", "  ".repeat(level), line(i).trim_start())));
    }
}

/// Source code rather than prose: what indented blocks usually hold.
fn looks_like_code(line: &str) -> bool {
    let t = line.trim();
    t.ends_with([';', '{', '}'])
        || t.contains(" = ")
        || t.contains("()")
        || t.contains("=>")
        || t.contains("::")
        || t.starts_with(['$', '#', '/', '<', '{', '}'])
        || ["import ", "def ", "fn ", "let ", "const ", "var ", "return ", "if (", "for (", "class ", "func "]
            .iter()
            .any(|k| t.starts_with(k))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recovered(text: &str) -> String {
        recover(text, &LineIndex::new(text), &|t| t.starts_with("Skills").then_some(0)).into_owned()
    }

    #[test]
    fn markers_without_spaces() {
        assert_eq!(recovered("##Notes\n    -one\n-two\n---\n"), "## Notes\n    - one\n- two\n---\n");
        assert_eq!(recovered("```\n#include\n-x\n```\n"), "```\n#include\n-x\n```\n");
        let fine = "# Fine\n- ok\n";
        assert!(matches!(recover(fine, &LineIndex::new(fine), &|_| None), Cow::Borrowed(_)));
    }

    #[test]
    fn numbers_without_dots_count_up() {
        let text = "## Parts\n1 Lobby\n  1 Web dev\n  2 Tester\n2 Match server\n  1 Netcode dev\n";
        assert_eq!(recovered(text), "## Parts\n- Lobby\n  - Web dev\n  - Tester\n- Match server\n  - Netcode dev\n");
        // Not a run: a year, a sentence that goes on, a lone number.
        let prose = "I have worked\n2 years on it.\n\n2024 was busy\n\n3 cats\n";
        assert_eq!(recovered(prose), prose);
        assert_eq!(recovered("Parts:\n1 Lobby\n2 Match\n"), "Parts:\n- Lobby\n- Match\n");
        assert_eq!(recovered("10 Ten\n\n1 One\n2 Two\n"), "10 Ten\n\n- One\n- Two\n");
        let long = "9 Nine\n  1 a\n10 Ten\n  1 b\n";
        assert_eq!(
            recovered(&format!("Parts:\n1 One\n2 Two\n3 x\n4 x\n5 x\n6 x\n7 x\n8 x\n{long}")).lines().last(),
            Some("  - b")
        );
    }

    #[test]
    fn indented_lines_are_an_outline() {
        let text = "## Parts\n\nLobby\n\n    Web dev\n\n    Tester\n\nMatch server\n\n    Netcode dev\n";
        assert_eq!(
            recovered(text),
            "## Parts\n\n- Lobby\n\n  - Web dev\n\n  - Tester\n\n- Match server\n\n  - Netcode dev\n"
        );
        // All indented alike, under a title line: a list.
        let text = "Skills I have\n\n    Go\n\n    SQL\n";
        assert_eq!(recovered(text), "Skills I have\n\n- Go\n\n- SQL\n");
    }

    #[test]
    fn code_and_list_continuations_stay() {
        let code = "Run this:\n\n    let x = 1;\n\n    print(x)\n";
        assert_eq!(recovered(code), code);
        // Indented paragraphs inside a list item belong to the item.
        let item = "- Lobby\n\n    Web dev does the pages\n\n    Tester\n";
        assert_eq!(recovered(item), item);
        // Flat prose paragraphs are prose.
        let prose = "One line.\n\nAnother line.\n";
        assert_eq!(recovered(prose), prose);
    }
}
