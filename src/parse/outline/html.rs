//! Raw HTML in a student's Markdown, as a reader sees it.

/// What a reader sees of raw HTML: comments vanish, `<br>` breaks the line,
/// and a made-up tag such as `<Backend>` (a template slot filled in by the
/// student) is the word itself. Known HTML tags show nothing.
pub(crate) fn html_as_text(raw: &str) -> String {
    let mut out = String::new();
    let mut rest = raw;
    while let Some(start) = rest.find('<') {
        out.push_str(&rest[..start]);
        let after = &rest[start..];
        if let Some(body) = after.strip_prefix("<!--") {
            match body.find("-->") {
                Some(end) => rest = &body[end + 3..],
                None => return out,
            }
            continue;
        }
        let Some(end) = after.find('>') else {
            out.push_str(after);
            return out;
        };
        let inner = after[1..end].trim().trim_start_matches('/').trim_end_matches('/').trim();
        let name: String = inner.chars().take_while(|c| c.is_alphanumeric() || *c == '-').collect();
        if name.eq_ignore_ascii_case("br") || name.eq_ignore_ascii_case("p") {
            out.push('\n');
        } else if !name.is_empty() && !crate::text::is_element(&name) && !after[1..].starts_with('/') {
            out.push_str(inner);
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    out
}
