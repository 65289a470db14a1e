//! The submission page's rubric and findings lists, written here rather
//! than in the template: forty criteria a page at six lookups each made
//! them tera's largest cost. The same data stays in `page.review` for
//! themes that want their own markup.

use super::escape::{escape_html, escape_into};
use crate::review::Review;
use std::fmt::Write;

/// `<ul class="rubric">`: each criterion passed or not, its points and
/// what was found. Escaped straight into the list, numbers without `fmt`:
/// forty criteria on every submission page.
pub(super) fn rubric_list(review: &Review) -> String {
    let mut out =
        String::with_capacity(64 + review.rubric.iter().map(|c| 64 + c.label.len() + c.detail.len()).sum::<usize>());
    out.push_str("<ul class=\"rubric\">");
    for c in &review.rubric {
        out.push_str(if c.passed { "<li>✓ " } else { "<li>✗ " });
        escape_into(&mut out, &c.label);
        out.push_str(" (");
        push_number(&mut out, c.points);
        out.push('/');
        push_number(&mut out, c.max);
        out.push(')');
        if !c.detail.is_empty() {
            out.push_str(" <span class=\"muted\">— ");
            escape_into(&mut out, &c.detail);
            out.push_str("</span>");
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>");
    out
}

/// `n` in decimal, as `Display` writes it.
fn push_number(out: &mut String, n: u32) {
    out.push_str(crate::text::decimal(n.into(), &mut [0; 20]));
}

/// `<ul class="findings">`, one item per finding with its place and code;
/// empty when there are none.
pub(super) fn findings_list(review: &Review) -> String {
    if review.findings.is_empty() {
        return String::new();
    }
    let mut out = String::from("<ul class=\"findings\">");
    for d in &review.findings {
        let severity = escape_html(&d.severity.to_string());
        let _ = write!(
            out,
            "<li class=\"{severity}\" data-code=\"{}\"><code>{}",
            escape_html(d.code),
            escape_html(&d.path)
        );
        if d.line > 0 {
            let _ = write!(out, ":{}", d.line);
        }
        let _ = write!(out, "</code> {severity}: {}</li>", escape_html(&d.message));
    }
    out.push_str("</ul>");
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn numbers_as_display_writes_them() {
        for n in [0, 7, 10, 99, 100, 40, 1_000_003, u32::MAX] {
            let mut out = String::from("x");
            super::push_number(&mut out, n);
            assert_eq!(out, format!("x{n}"));
        }
    }
}
