//! Per-submission checks on the student's text: where sections start, which
//! are missing, and lines that still hold placeholders, pasted prompts or an
//! LLM's citation marks. Every finding names a file and a line.

use super::Finding;
use crate::diagnostics::Severity;
use crate::extract::text::{citation_in, is_placeholder};
use crate::extract::{Section, sections::classify};
use crate::model::Submission;
use crate::parse::outline;
use crate::text::fold;

/// Where each recognised section starts, per file, in line order.
pub struct SectionMap {
    pub heads: Vec<Head>,
}

#[derive(Debug, Clone)]
pub struct Head {
    pub section: Section,
    pub file: usize,
    pub line: usize,
}

/// The files a reviewer reads: everything but the lab's own README, unless
/// the README is all there is.
pub fn answer_files(sub: &Submission) -> Vec<usize> {
    let is_readme = |p: &str| p.rsplit('/').next().is_some_and(|n| n.eq_ignore_ascii_case("readme.md"));
    let files: Vec<usize> = (0..sub.sources.len()).filter(|&i| !is_readme(&sub.sources[i].0)).collect();
    if files.is_empty() { (0..sub.sources.len()).collect() } else { files }
}

/// The headings of an outline that name a section, with their lines, in
/// document order.
pub fn section_heads(root: &outline::Node) -> Vec<(Section, usize)> {
    root.iter().filter(|n| n.is_heading()).filter_map(|n| classify(&n.text).map(|(s, _)| (s, n.line))).collect()
}

impl SectionMap {
    /// From the headings the load stage kept; a submission built without
    /// them has its files parsed here.
    pub fn of(sub: &Submission, files: &[usize]) -> SectionMap {
        let mut heads = Vec::new();
        for &file in files {
            let parsed;
            let found = match &sub.section_heads {
                Some(per_file) => &per_file[file],
                None => {
                    parsed = section_heads(&outline::parse(&sub.sources[file].1));
                    &parsed
                }
            };
            heads.extend(found.iter().map(|&(section, line)| Head { section, file, line }));
        }
        heads.sort_by_key(|h| (h.file, h.line));
        SectionMap { heads }
    }

    pub fn has(&self, s: Section) -> bool {
        self.heads.iter().any(|h| h.section == s)
    }

    /// The section a line lies in: the last recognised heading above it.
    pub fn at(&self, file: usize, line: usize) -> Option<Section> {
        self.heads.iter().rev().find(|h| h.file == file && h.line <= line).map(|h| h.section)
    }

    /// The roles file: by name, as the loader picks it, else the file most
    /// sections are in.
    pub fn main_file(&self, sub: &Submission, files: &[usize]) -> usize {
        let name = |f: usize| sub.sources[f].0.rsplit('/').next().unwrap_or("").to_lowercase();
        let count = |f: usize| self.heads.iter().filter(|h| h.file == f).count();
        let by_name = files.iter().copied().filter(|&f| name(f).contains("role") && !name(f).contains("architect"));
        by_name
            .min_by_key(|&f| (sub.sources[f].0.matches('/').count(), sub.sources[f].0.len()))
            .or_else(|| files.iter().copied().max_by_key(|&f| (count(f), std::cmp::Reverse(f))))
            .unwrap_or(0)
    }
}

/// A line of prose: its file (index in `sources`), its 1-based number and
/// its text.
pub type Line<'a> = (usize, usize, &'a str);

/// Lines outside code blocks and HTML comments, 1-based, with their file.
pub fn prose_lines<'a>(sub: &'a Submission, files: &[usize]) -> Vec<Line<'a>> {
    let mut out = Vec::new();
    each_prose_line(sub, files, |f, line, text| out.push((f, line, text)));
    out
}

/// Calls `f(file, line, text)` for each line [`prose_lines`] gives, in the
/// same order, without collecting them.
pub fn each_prose_line<'a>(sub: &'a Submission, files: &[usize], mut f: impl FnMut(usize, usize, &'a str)) {
    for &file in files {
        let mut fence: Option<&str> = None;
        let mut comment = false;
        for (i, line) in lines(&sub.sources[file].1).enumerate() {
            let t = line.trim_start();
            if let Some(mark) = fence {
                if t.starts_with(mark) {
                    fence = None;
                }
                continue;
            }
            if t.starts_with("```") || t.starts_with("~~~") {
                fence = Some(&t[..3]);
                continue;
            }
            if comment {
                comment = !line.contains("-->");
                continue;
            }
            if t.starts_with("<!--") {
                comment = !line.contains("-->");
                continue;
            }
            f(file, i + 1, line);
        }
    }
}

/// `text.lines()`, through `memchr`: every check reads every line.
fn lines(text: &str) -> impl Iterator<Item = &str> {
    let mut rest = text;
    std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(end) = memchr::memchr(b'\n', rest.as_bytes()) else { return Some(std::mem::take(&mut rest)) };
        let line = &rest[..end];
        rest = &rest[end + 1..];
        Some(line.strip_suffix('\r').unwrap_or(line))
    })
}

/// `s.trim()`, at once for text that starts and ends with a visible ASCII
/// character, as most does: this runs several times on every line.
fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    if b.first().is_some_and(u8::is_ascii_graphic) && b.last().is_some_and(u8::is_ascii_graphic) { s } else { s.trim() }
}

/// `s.trim_matches(marks)` for ASCII `marks`, at once when neither end is
/// one (a byte of a non-ASCII character is never an ASCII mark).
fn trim_marks<'a>(s: &'a str, marks: &[u8]) -> &'a str {
    let b = s.as_bytes();
    let plain = |c: &u8| !marks.contains(c);
    if b.first().is_some_and(plain) && b.last().is_some_and(plain) {
        s
    } else {
        s.trim_matches(|c: char| u8::try_from(c).is_ok_and(|c| marks.contains(&c)))
    }
}

/// A line's content without its list marker, quote marks and emphasis.
pub fn content_of(line: &str) -> &str {
    let mut t = trim(line);
    loop {
        // Text that starts with none of the markers below is left as it is:
        // most lines are done here, without trying each marker.
        if !t.starts_with(['>', '#', '-', '*', '+', '•']) && !t.starts_with(|c: char| c.is_ascii_digit()) {
            return t;
        }
        let before = t;
        t = t.trim_start_matches(['>', '#']).trim_start();
        for m in ["- [ ] ", "- [x] ", "- ", "* ", "+ ", "• "] {
            if let Some(r) = t.strip_prefix(m) {
                t = r.trim_start();
            }
        }
        let digits = t.trim_start_matches(|c: char| c.is_ascii_digit());
        if digits.len() < t.len() && (digits.starts_with(". ") || digits.starts_with(") ")) {
            t = digits[1..].trim_start();
        }
        if t == before {
            return t;
        }
    }
}

/// Template leftovers: a bullet, heading, `Key: value` or table cell that is
/// still `...`, `<your role>`, `TODO`, `IT specialist 1`. Takes the trimmed
/// line `t` and its [`content_of`] `c`.
fn placeholder_with(t: &str, c: &str) -> Option<String> {
    if t.is_empty() || t.chars().all(|c| matches!(c, '-' | '*' | '_' | '=' | '|' | ':' | ' ')) {
        return None;
    }
    if t.starts_with('|') {
        return t.trim_matches('|').split('|').map(str::trim).find(|c| is_leftover(c)).map(str::to_string);
    }
    let marked = t.starts_with(['-', '*', '+', '#']) || t.chars().next().is_some_and(|c| c.is_ascii_digit());
    if marked && c.is_empty() && !t.starts_with('#') {
        return None; // an empty bullet is a layout slip, not a leftover
    }
    // "### Role" is the template's heading; "### IT specialist 1" is a leftover.
    let heading_word = t.starts_with('#') && one_word(c);
    if marked && !heading_word && is_leftover(c) {
        return Some(c.to_string());
    }
    // "**Company:** ..." / "Link: <link>"
    let (key, value) = c.split_once(':')?;
    let value = trim(trim_marks(trim(value), b"*_"));
    (key.split_whitespace().nth(4).is_none() && !value.starts_with("//") && is_leftover(value))
        .then(|| value.to_string())
}

fn one_word(s: &str) -> bool {
    let mut words = s.split_whitespace();
    words.next().is_some() && words.next().is_none()
}

fn is_separator_row(line: &str) -> bool {
    let t = line.trim();
    t.contains('-') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

fn is_leftover(s: &str) -> bool {
    let s = trim(trim_marks(trim(s), b"*_`"));
    !s.is_empty() && !s.chars().all(|c| c == '-' || c == '—') && is_placeholder(s)
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

/// Findings from the raw text (its [`prose_lines`]): citations,
/// placeholders, prompts.
pub fn text_findings(sub: &Submission, lines: &[Line], map: &SectionMap) -> Vec<Finding> {
    let mut out = Vec::new();
    for (i, &(f, line, text)) in lines.iter().enumerate() {
        let path = &sub.sources[f].0;
        // A table's header row names its columns ("Link", "Skill"); it is not a leftover.
        let header = || lines.get(i + 1).is_some_and(|n| n.0 == f && is_separator_row(n.2));
        let t = trim(text);
        let c = content_of(t);
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
        if let Some(p) = placeholder_with(t, c).filter(|_| !header()) {
            out.push(Finding::new(
                "placeholder",
                path,
                line,
                Severity::Warning,
                format!("template placeholder \"{p}\" left: replace it with your answer"),
            ));
        } else if prompt_with(text, c, || map.at(f, line)) {
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

    fn placeholder_in(line: &str) -> Option<String> {
        placeholder_with(line.trim(), content_of(line))
    }

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
    fn placeholders() {
        assert_eq!(placeholder_in("- ...").as_deref(), Some("..."));
        assert_eq!(placeholder_in("### IT specialist 1").as_deref(), Some("IT specialist 1"));
        assert_eq!(placeholder_in("**Company:** <company name>").as_deref(), Some("<company name>"));
        assert_eq!(placeholder_in("| Go | ... |").as_deref(), Some("..."));
        assert_eq!(placeholder_in("|---|---|"), None);
        assert_eq!(placeholder_in("- Go and Docker"), None);
        assert_eq!(placeholder_in("### Role"), None);
        assert_eq!(placeholder_in("Link: https://hh.ru/vacancy/1"), None);
    }

    #[test]
    fn prompts() {
        assert!(prompt_in("Find five job postings for this role on a job site.", None));
        assert!(prompt_in("- Describe your favourite component in a few sentences", None));
        assert!(!prompt_in("- Write unit and integration tests", None));
        assert!(prompt_in("- Which role did I pick and why?", Some(Section::Reflection)));
        assert!(!prompt_in("- Which role did I pick and why?", Some(Section::Components)));
    }

    #[test]
    fn lines_as_str_lines() {
        let texts = [
            "",
            "\n",
            "a",
            "a\n",
            "a\n\n",
            "a\r\nb",
            "a\rb\r",
            "a\r\n\r\n",
            "\r",
            "one line that is longer than eight bytes\nand another one, longer too\n",
            "ünïcödé\nlines — here\r\nend",
        ];
        for text in texts {
            assert_eq!(lines(text).collect::<Vec<_>>(), text.lines().collect::<Vec<_>>(), "{text:?}");
        }
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

    /// The shortcut for text without markers keeps `content_of` as it was.
    #[test]
    fn content_as_without_the_shortcut() {
        fn slow(line: &str) -> &str {
            let mut t = line.trim();
            loop {
                let before = t;
                t = t.trim_start_matches(['>', '#']).trim_start();
                for m in ["- [ ] ", "- [x] ", "- ", "* ", "+ ", "• "] {
                    if let Some(r) = t.strip_prefix(m) {
                        t = r.trim_start();
                    }
                }
                let digits = t.trim_start_matches(|c: char| c.is_ascii_digit());
                if digits.len() < t.len() && (digits.starts_with(". ") || digits.starts_with(") ")) {
                    t = digits[1..].trim_start();
                }
                if t == before {
                    return t;
                }
            }
        }
        let lines = [
            "plain text",
            "  - Go and Docker  ",
            "> - [ ] task",
            "- [x] done",
            "## 1. Heading",
            "• bullet",
            "12) twelve",
            "12 apples",
            "-dash",
            "* - + nested",
            "> > quote",
            "#",
            "",
            "\u{3000}- wide space",
        ];
        for line in lines {
            assert_eq!(content_of(line), slow(line), "{line:?}");
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
