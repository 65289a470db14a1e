//! `review.csv`: one row per submission for spreadsheets and LMS import.
//! UTF-8 with a byte order mark (so Excel reads Cyrillic names as such);
//! the fixed columns, then one per rubric criterion (its points). The
//! findings are text, `path:line: message`, one a line in the cell.
//! RFC 4180: CRLF line ends, fields with commas, quotes or line breaks
//! quoted, quotes doubled. Cells a spreadsheet would run as a formula
//! (`=`, `+`, `-`, `@` or their fullwidth forms first, after any spaces
//! and hidden characters) get a leading `'`, since students wrote them;
//! hidden characters (see [`crate::hidden`]) are shown as U+FFFD.

use super::CohortReview;
use crate::model::Submission;

const HEADER: [&str; 13] = [
    "source",
    "id",
    "author",
    "product",
    "chosen_role",
    "canonical_role",
    "postings",
    "score",
    "max_score",
    "missing_sections",
    "findings",
    "errors",
    "near_duplicates",
];

/// A spreadsheet cell holds at most 32,767 characters.
const MAX_CELL: usize = 32_000;

pub(crate) fn to_csv(subs: &[Submission], review: &CohortReview) -> String {
    let mut out = String::from("\u{feff}");
    // Every review is scored against the same rubric: its criteria, in order.
    let criteria: Vec<&str> =
        review.reviews.first().map(|r| r.rubric.iter().map(|c| &*c.id).collect()).unwrap_or_default();
    push_row(&mut out, HEADER.iter().map(|s| s.to_string()).chain(criteria.iter().map(|c| c.to_string())));
    for (s, r) in subs.iter().zip(&review.reviews) {
        let role = s.chosen_role.as_ref();
        push_row(
            &mut out,
            [
                s.source.clone(),
                s.id.clone(),
                s.author.clone(),
                s.product.clone().unwrap_or_default(),
                role.map(|c| c.name.clone()).unwrap_or_default(),
                role.and_then(|c| c.canonical.clone()).unwrap_or_default(),
                s.postings.len().to_string(),
                r.score.to_string(),
                r.max_score.to_string(),
                r.missing.join("; "),
                findings_text(r),
                r.count(crate::diagnostics::Severity::Error).to_string(),
                r.near_duplicates.join("; "),
            ]
            .into_iter()
            .chain(
                criteria.iter().map(|id| {
                    r.rubric.iter().find(|c| &*c.id == *id).map(|c| c.points.to_string()).unwrap_or_default()
                }),
            ),
        );
    }
    out
}

/// `path:line: message`, one a line, cut to what a cell holds.
fn findings_text(r: &super::Review) -> String {
    let mut out = String::new();
    for f in &r.findings {
        let line = if f.line > 0 {
            format!("{}:{}: {}", f.path, f.line, f.message)
        } else {
            format!("{}: {}", f.path, f.message)
        };
        if out.len() + line.len() + 1 > MAX_CELL {
            out.push_str("\n…");
            break;
        }
        if !out.is_empty() {
            out.push('\n');
        }
        out.push_str(&line);
    }
    out
}

fn push_row(out: &mut String, fields: impl IntoIterator<Item = String>) {
    for (i, f) in fields.into_iter().enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&field(&f));
    }
    out.push_str("\r\n");
}

fn field(s: &str) -> String {
    let s = if is_formula(s) { format!("'{}", crate::hidden::shown(s)) } else { crate::hidden::shown(s).into_owned() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
}

/// Whether a spreadsheet might read `s` as a formula: some drop leading
/// spaces and invisible characters, and some fold fullwidth and small forms
/// (`＝`, `﹦`) to ASCII.
fn is_formula(s: &str) -> bool {
    if s.starts_with(['\t', '\r']) {
        return true;
    }
    let first = s.chars().find(|&c| !(c.is_whitespace() || crate::hidden::is_hidden(c) || is_format_char(c)));
    matches!(
        first,
        Some('=' | '+' | '-' | '@' | '＝' | '＋' | '－' | '＠' | '﹦' | '﹢' | '﹣' | '﹫' | '−' | '⁼' | '₌')
    )
}

/// Zero-width and other format characters not in [`crate::hidden`] (ZWJ,
/// ZWNJ, the soft hyphen).
fn is_format_char(c: char) -> bool {
    matches!(c, '\u{ad}' | '\u{200c}' | '\u{200d}' | '\u{034f}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_per_rfc_4180() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a, b"), "\"a, b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("two\nlines"), "\"two\nlines\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
    }

    #[test]
    fn formulas_behind_invisible_or_fullwidth_characters_are_guarded() {
        for cell in [
            "\u{200b}=1+1",
            "\u{feff}@SUM(A1)",
            " =1",
            "＝1+1",
            "＋1",
            "－1",
            "＠x",
            "\u{200d}=1",
            "\u{ad}-1",
            "\u{202e}=1",
        ] {
            assert!(field(cell).starts_with("'"), "{cell:?} -> {:?}", field(cell));
        }
        for cell in ["plain", "1-2", "a=b", "Python, SQL", "C#"] {
            assert!(!field(cell).trim_start_matches('"').starts_with("'"), "{cell:?}");
        }
        assert_eq!(field("ivan\u{202e}txt.exe\u{200b}"), "ivan\u{fffd}txt.exe\u{fffd}");
    }
}
