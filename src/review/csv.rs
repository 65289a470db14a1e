//! `review.csv`: one row per submission for spreadsheets and LMS import.
//! RFC 4180: CRLF line ends, fields with commas, quotes or line breaks
//! quoted, quotes doubled. Cells a spreadsheet would run as a formula
//! (`=`, `+`, `-`, `@` first) get a leading `'`, since students wrote them.

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

pub fn to_csv(subs: &[Submission], review: &CohortReview) -> String {
    let mut out = String::new();
    push_row(&mut out, HEADER.iter().map(|s| s.to_string()));
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
                r.findings.len().to_string(),
                r.count(crate::diagnostics::Severity::Error).to_string(),
                r.near_duplicates.join("; "),
            ],
        );
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
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{s}") } else { s.to_string() };
    if s.contains([',', '"', '\n', '\r']) { format!("\"{}\"", s.replace('"', "\"\"")) } else { s }
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
}
