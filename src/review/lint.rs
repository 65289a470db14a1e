//! Per-submission checks on the student's text: where sections start, which
//! are missing, and lines that still hold placeholders, pasted prompts or an
//! LLM's citation marks. Every finding names a file and a line.

use super::Finding;
use crate::diagnostics::Severity;
use crate::extract::text::{citation_in, fold, is_placeholder};
use crate::extract::{Section, sections::classify};
use crate::model::Submission;
use crate::parse::outline;

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

impl SectionMap {
    pub fn of(sub: &Submission, files: &[usize]) -> SectionMap {
        let mut heads = Vec::new();
        for &file in files {
            let root = outline::parse(&sub.sources[file].1);
            for n in root.walk().into_iter().filter(|n| n.is_heading()) {
                if let Some((section, _)) = classify(&n.text) {
                    heads.push(Head { section, file, line: n.line });
                }
            }
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

/// Lines outside code blocks and HTML comments, 1-based, with their file.
pub fn prose_lines<'a>(sub: &'a Submission, files: &[usize]) -> Vec<(usize, usize, &'a str)> {
    let mut out = Vec::new();
    for &f in files {
        let mut fence: Option<&str> = None;
        let mut comment = false;
        for (i, line) in sub.sources[f].1.lines().enumerate() {
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
            out.push((f, i + 1, line));
        }
    }
    out
}

/// A line's content without its list marker, quote marks and emphasis.
pub fn content_of(line: &str) -> &str {
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

/// Template leftovers: a bullet, heading, `Key: value` or table cell that is
/// still `...`, `<your role>`, `TODO`, `IT specialist 1`.
pub fn placeholder_in(line: &str) -> Option<String> {
    let t = line.trim();
    if t.is_empty() || t.chars().all(|c| matches!(c, '-' | '*' | '_' | '=' | '|' | ':' | ' ')) {
        return None;
    }
    if t.starts_with('|') {
        return t.trim_matches('|').split('|').map(str::trim).find(|c| is_leftover(c)).map(str::to_string);
    }
    let marked = t.starts_with(['-', '*', '+', '#']) || t.chars().next().is_some_and(|c| c.is_ascii_digit());
    let c = content_of(t);
    if marked && c.is_empty() && !t.starts_with('#') {
        return None; // an empty bullet is a layout slip, not a leftover
    }
    // "### Role" is the template's heading; "### IT specialist 1" is a leftover.
    let heading_word = t.starts_with('#') && c.split_whitespace().count() == 1;
    if marked && !heading_word && is_leftover(c) {
        return Some(c.to_string());
    }
    // "**Company:** ..." / "Link: <link>"
    let (key, value) = c.split_once(':')?;
    let value = value.trim().trim_matches(['*', '_']).trim();
    (key.split_whitespace().count() <= 4 && !value.starts_with("//") && is_leftover(value)).then(|| value.to_string())
}

fn is_separator_row(line: &str) -> bool {
    let t = line.trim();
    t.contains('-') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

fn is_leftover(s: &str) -> bool {
    let s = s.trim().trim_matches(['*', '_', '`']).trim();
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
/// role..."), or, in the reflection, a question left unanswered.
pub fn prompt_in(line: &str, section: Option<Section>) -> bool {
    let c = content_of(line).trim_start_matches("[!note]").trim_start_matches("[!NOTE]").trim();
    let c = c.trim_matches(['*', '_']).trim();
    let question = section == Some(Section::Reflection) && c.trim_end_matches([')', '*', '_', ' ']).ends_with('?');
    // Most lines start with no instruction verb: tell from the first word,
    // without folding the whole line (fold works piece by piece between spaces).
    let first = c.split(' ').map(fold).find(|f| !f.is_empty());
    let verb = first.is_some_and(|f| f.split_whitespace().next().is_some_and(|w| INSTRUCTION_VERBS.contains(&w)));
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

/// `phrase` in folded text `f` as whole words.
fn has_phrase(f: &str, phrase: &str) -> bool {
    f.match_indices(phrase).any(|(i, _)| {
        let end = i + phrase.len();
        (i == 0 || f.as_bytes()[i - 1] == b' ') && (end == f.len() || f.as_bytes()[end] == b' ')
    })
}

/// Findings from the raw text: citations, placeholders, prompts.
pub fn text_findings(sub: &Submission, files: &[usize], map: &SectionMap) -> Vec<Finding> {
    let mut out = Vec::new();
    let lines = prose_lines(sub, files);
    for (i, &(f, line, text)) in lines.iter().enumerate() {
        let path = &sub.sources[f].0;
        // A table's header row names its columns ("Link", "Skill"); it is not a leftover.
        let header = lines.get(i + 1).is_some_and(|n| n.0 == f && is_separator_row(n.2));
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
        if let Some(p) = placeholder_in(text).filter(|_| !header) {
            out.push(Finding::new(
                "placeholder",
                path,
                line,
                Severity::Warning,
                format!("template placeholder \"{p}\" left: replace it with your answer"),
            ));
        } else if prompt_in(text, map.at(f, line)) {
            let c: String = content_of(text).chars().take(60).collect();
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
