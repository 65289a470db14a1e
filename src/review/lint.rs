//! Per-submission checks on the student's text: where the sections extract
//! found start, and lines that read as pasted prompts or hold an LLM's
//! citation marks. Every finding names a file and a line.

use super::Finding;
use crate::diagnostics::Severity;
use crate::extract::Section;
use crate::extract::leftovers::{content_of, trim, trim_marks};
use crate::extract::text::citation_in;
use crate::model::Submission;
use crate::text::fold;
use std::collections::HashSet;

/// Where each section extract found starts, per file, in line order.
pub(super) struct SectionMap {
    pub heads: Vec<Head>,
}

#[derive(Debug, Clone)]
pub(super) struct Head {
    pub section: Section,
    pub file: usize,
    pub line: usize,
}

/// The files a reviewer reads: everything but the lab's own README, unless
/// the README is all there is.
pub(super) fn answer_files(sub: &Submission) -> Vec<usize> {
    let is_readme = |p: &str| p.rsplit('/').next().is_some_and(|n| n.eq_ignore_ascii_case("readme.md"));
    let files: Vec<usize> = (0..sub.sources.len()).filter(|&i| !is_readme(&sub.sources[i].0)).collect();
    if files.is_empty() { (0..sub.sources.len()).collect() } else { files }
}

impl SectionMap {
    /// From the sections extract recorded on the submission.
    pub(super) fn of(sub: &Submission) -> SectionMap {
        let mut heads: Vec<Head> = sub
            .sections
            .iter()
            .filter_map(|s| {
                let file = sub.sources.iter().position(|(p, _)| *p == s.file)?;
                Some(Head { section: s.section, file, line: s.line })
            })
            .collect();
        heads.sort_by_key(|h| (h.file, h.line));
        SectionMap { heads }
    }

    pub(super) fn has(&self, s: Section) -> bool {
        self.heads.iter().any(|h| h.section == s)
    }

    /// The section a line lies in: the last recognised heading above it.
    pub(super) fn at(&self, file: usize, line: usize) -> Option<Section> {
        self.heads.iter().rev().find(|h| h.file == file && h.line <= line).map(|h| h.section)
    }
}

/// A line of prose: its file (index in `sources`), its 1-based number and
/// its text.
pub(super) type Line<'a> = (usize, usize, &'a str);

/// Lines outside code blocks and HTML comments, 1-based, with their file.
pub(super) fn prose_lines<'a>(sub: &'a Submission, files: &[usize]) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    each_prose_line(sub, files, |f, line, text| out.push((f, line, text)));
    out
}

/// Calls `f(file, line, text)` for each line [`prose_lines`] gives, in the
/// same order, without collecting them.
pub(super) fn each_prose_line<'a>(sub: &'a Submission, files: &[usize], mut f: impl FnMut(usize, usize, &'a str)) {
    for &file in files {
        crate::extract::leftovers::each_prose_line(&sub.sources[file].1, |line, text| f(file, line, text));
    }
}

const INSTRUCTION_VERBS: &[&str] = &[
    "describe",
    "list",
    "write",
    "explain",
    "choose",
    "pick",
    "find",
    "identify",
    "provide",
    "fill",
    "replace",
    "include",
    "briefly",
    "answer",
    "reflect",
    "add",
    "select",
    "опишите",
    "перечислите",
    "напишите",
    "выберите",
    "укажите",
    "добавьте",
    "найдите",
    "заполните",
    "ответьте",
];
/// Bit `c - b'a'` of entry `n` is set when an instruction verb of `n` ASCII
/// letters starts with `c`: most words are ruled out by this alone.
static VERB_INITIALS: [u32; 16] = {
    let mut t = [0u32; 16];
    let mut i = 0;
    while i < INSTRUCTION_VERBS.len() {
        let v = INSTRUCTION_VERBS[i].as_bytes();
        if v[0].is_ascii() {
            assert!(v[0].is_ascii_lowercase() && v.len() < 16, "an ASCII verb the table cannot hold");
            t[v.len()] |= 1 << (v[0] - b'a');
        }
        i += 1;
    }
    t
};

/// `word` (ASCII) is an instruction verb, in any case.
fn is_ascii_verb(word: &[u8]) -> bool {
    let initial = word.first().map_or(0, u8::to_ascii_lowercase);
    initial.is_ascii_lowercase()
        && VERB_INITIALS.get(word.len()).is_some_and(|m| m & (1 << (initial - b'a')) != 0)
        && INSTRUCTION_VERBS.iter().any(|v| v.as_bytes().eq_ignore_ascii_case(word))
}

const ASSIGNMENT_WORDS: &[&str] = &[
    "you",
    "your",
    "yourself",
    "this section",
    "job postings",
    "for this role",
    "roadmap sh",
    "llm",
    "template",
    "вы",
    "ваш",
    "ваши",
];

/// A line that reads as the assignment's instruction rather than an answer:
/// an imperative addressed to the student ("Find 5-7 job postings for this
/// role..."), or, in the reflection, a question left unanswered. Takes the
/// line with its [`content_of`]; the line's section is looked up only for a
/// question.
pub(super) fn prompt_with(line: &str, content: &str, section: impl FnOnce() -> Option<Section>) -> bool {
    let c = trim(strip_repeated(strip_repeated(content, "[!note]"), "[!NOTE]"));
    let c = trim(trim_marks(c, b"*_"));
    let question = c.trim_end_matches([')', '*', '_', ' ']).ends_with('?') && section() == Some(Section::Reflection);
    // Most lines start with no instruction verb: tell from the first word,
    // without folding the whole line.
    let verb = starts_with_verb(c);
    if !verb && !question {
        return false;
    }
    let f = fold(c);
    let words: Vec<&str> = f.split_whitespace().collect();
    if words.len() < 3 || line.trim_start().starts_with('#') {
        return false;
    }
    if verb && ASSIGNMENT_WORDS.iter().any(|w| has_phrase(&f, w)) {
        return true;
    }
    question && words.len() <= 30
}

/// `s.trim_start_matches(prefix)`, without setting up a substring searcher.
fn strip_repeated<'a>(mut s: &'a str, prefix: &str) -> &'a str {
    while let Some(rest) = s.strip_prefix(prefix) {
        s = rest;
    }
    s
}

/// Whether the first word of `fold(c)` is an instruction verb. Fold works
/// piece by piece between spaces, so the first piece that folds to anything
/// holds that word; an ASCII piece is read in place, without folding.
fn starts_with_verb(c: &str) -> bool {
    // What fold keeps of ASCII text; the rest becomes a word break.
    let kept = |b: u8| b.is_ascii_alphanumeric() || b == b'+' || b == b'#';
    let b = c.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i].is_ascii() && !kept(b[i]) {
            i += 1;
            continue;
        }
        // Everything before `i` folds to nothing: `i` is in the first piece
        // that may fold to something.
        let start = b[..i].iter().rposition(|&x| x == b' ').map_or(0, |s| s + 1);
        let end = b[i..].iter().position(|&x| x == b' ').map_or(b.len(), |e| i + e);
        let piece = &c[start..end];
        if piece.is_ascii() {
            let word = &b[i..end];
            let word = &word[..word.iter().position(|&x| !kept(x)).unwrap_or(word.len())];
            return is_ascii_verb(word);
        }
        let f = fold(piece);
        if let Some(w) = f.split_whitespace().next() {
            return INSTRUCTION_VERBS.contains(&w);
        }
        i = end;
    }
    false
}

/// `phrase` in folded text `f` as whole words.
fn has_phrase(f: &str, phrase: &str) -> bool {
    f.match_indices(phrase).any(|(i, _)| {
        let end = i + phrase.len();
        (i == 0 || f.as_bytes()[i - 1] == b' ') && (end == f.len() || f.as_bytes()[end] == b' ')
    })
}

/// Findings from the raw text (its [`prose_lines`]): citations and
/// prompts. A line extract found a placeholder on is that, not a prompt.
pub(super) fn text_findings(sub: &Submission, lines: &[Line], map: &SectionMap) -> Vec<Finding> {
    let placeholders: HashSet<(&str, usize)> =
        sub.findings.iter().filter(|d| d.code == "placeholder").map(|d| (d.path.as_str(), d.line)).collect();
    let mut out = Vec::new();
    for &(f, line, text) in lines {
        let path = &sub.sources[f].0;
        if let Some(m) = citation_in(text) {
            out.push(Finding::new(
                "citation",
                path,
                line,
                Severity::Warning,
                format!(
                    "LLM citation artifact `{m}` left in the text: remove it and check the sentence says what you mean"
                ),
            ));
        }
        let c = content_of(trim(text));
        if !placeholders.contains(&(path.as_str(), line)) && prompt_with(text, c, || map.at(f, line)) {
            let c: String = c.chars().take(60).collect();
            out.push(Finding::new(
                "prompt",
                path,
                line,
                Severity::Warning,
                format!("\"{c}\" reads like the assignment's prompt: replace it with your answer"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prompt_in(line: &str, section: Option<Section>) -> bool {
        prompt_with(line, content_of(line), || section)
    }

    #[test]
    fn citations() {
        assert_eq!(citation_in("Go [cite:7] and more"), Some("[cite:7]"));
        assert_eq!(citation_in("[cite_start]Backend work"), Some("[cite_start]"));
        assert_eq!(citation_in("Rust:contentReference[oaicite:0]{index=0}"), Some(":contentReference[oaicite:0]"));
        assert_eq!(citation_in("see [citation needed] here"), None);
        assert_eq!(citation_in("plain text"), None);
    }

    #[test]
    fn prompts() {
        assert!(prompt_in("Find five job postings for this role on a job site.", None));
        assert!(prompt_in("- Describe your favourite component in a few sentences", None));
        assert!(!prompt_in("- Write unit and integration tests", None));
        assert!(prompt_in("- Which role did I pick and why?", Some(Section::Reflection)));
        assert!(!prompt_in("- Which role did I pick and why?", Some(Section::Components)));
    }

    /// Reading the first word in place agrees with folding piece by piece.
    #[test]
    fn first_word_as_if_each_piece_were_folded() {
        let folded = |c: &str| {
            let first = c.split(' ').map(fold).find(|f| !f.is_empty());
            first.is_some_and(|f| f.split_whitespace().next().is_some_and(|w| INSTRUCTION_VERBS.contains(&w)))
        };
        let lines = [
            "Find your role",
            "FIND",
            "Finding your role",
            "  ...  Find/describe your role",
            "**Describe** it",
            "x+find the role",
            "Find+ more",
            "#find",
            "naïve find",
            "find naïve",
            "..—find your role",
            "— —  write",
            "— , Выберите вашу роль",
            "Опишите",
            "ﬁnd your role",
            "Ｆｉｎｄ ｙｏｕｒ role",
            "Add-on",
            "describe—this",
            "1. Explain",
            "",
            "   ",
            "!!",
        ];
        for c in lines {
            assert_eq!(starts_with_verb(c), folded(c), "{c:?}");
        }
    }

    /// The first-word shortcut agrees with folding the whole line.
    #[test]
    fn prompts_as_if_the_whole_line_were_folded() {
        let whole = |line: &str, section: Option<Section>| {
            let c = content_of(line).trim_start_matches("[!note]").trim_start_matches("[!NOTE]").trim();
            let c = c.trim_matches(['*', '_']).trim();
            let f = fold(c);
            let words: Vec<&str> = f.split_whitespace().collect();
            if words.len() < 3 || line.trim_start().starts_with('#') {
                return false;
            }
            let padded = format!(" {f} ");
            let addressed = ASSIGNMENT_WORDS.iter().any(|w| padded.contains(&format!(" {w} ")));
            (INSTRUCTION_VERBS.contains(&words[0]) && addressed)
                || (section == Some(Section::Reflection)
                    && c.trim_end_matches([')', '*', '_', ' ']).ends_with('?')
                    && words.len() <= 30)
        };
        let lines = [
            "Find five job postings for this role.",
            "  ...  Find/describe your role in the team",
            "**Describe** your favourite component",
            "> [!NOTE] List the skills you lack for this role",
            "Ｆｉｎｄ ｙｏｕｒ role in this section",
            "ﬁnd your role",
            "— , Выберите вашу роль из списка",
            "1. Explain,your choice of role here",
            "Finding your role was hard",
            "- Write unit and integration tests",
            "Why did I choose backend? (and not data)",
            "   ",
            "## Describe your role",
        ];
        for line in lines {
            for section in [None, Some(Section::Reflection)] {
                assert_eq!(prompt_in(line, section), whole(line, section), "{line:?}");
            }
        }
    }
}
