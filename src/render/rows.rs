//! The submission page's rubric and findings lists, written here rather
//! than in the template: forty criteria a page at six lookups each made
//! them tera's largest cost. The same data stays in `page.review` for
//! themes that want their own markup.

use super::escape::escape_html;
use crate::review::Review;
use std::fmt::Write;

/// `<ul class="rubric">`: each criterion passed or not, its points and
/// what was found.
pub(super) fn rubric_list(review: &Review) -> String {
    let mut out = String::from("<ul class=\"rubric\">");
    for c in &review.rubric {
        let mark = if c.passed { "✓" } else { "✗" };
        let _ = write!(out, "<li>{mark} {} ({}/{})", escape_html(&c.label), c.points, c.max);
        if !c.detail.is_empty() {
            let _ = write!(out, " <span class=\"muted\">— {}</span>", escape_html(&c.detail));
        }
        out.push_str("</li>");
    }
    out.push_str("</ul>");
    out
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
