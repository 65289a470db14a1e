//! A student's Markdown -> safe HTML: code highlighted through CSS classes,
//! then everything passed through ammonia, so no script, event handler or
//! `javascript:` URL survives, whatever the student wrote.
//!
//! html5ever (inside ammonia) slows down quadratically with nesting depth, so
//! the event stream is bounded first: Markdown containers deeper than
//! [`MAX_DEPTH`] lose their tags (their text stays), raw HTML that would nest
//! deeper than [`MAX_RAW_DEPTH`] is shown as text, and at most
//! [`MAX_HIGHLIGHT_TOTAL`] bytes of code per file are highlighted.

use super::highlight;
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;
use std::sync::LazyLock;

/// Deepest nesting of Markdown elements kept as tags (a list level is two).
const MAX_DEPTH: usize = 64;
/// Deepest nesting of the student's own raw HTML tags.
const MAX_RAW_DEPTH: usize = 64;
/// Code beyond this many bytes per file is shown unhighlighted.
const MAX_HIGHLIGHT_TOTAL: usize = 256 * 1024;

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.link_rel(Some("nofollow noopener noreferrer"))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .add_generic_attributes(["class"])
        // Only the highlighter's classes: a student cannot borrow the site's.
        .attribute_filter(|_, attr, value| {
            if attr != "class" {
                return Some(value.into());
            }
            let kept: Vec<&str> = value.split_whitespace().filter(|c| c.starts_with("hl-")).collect();
            (!kept.is_empty()).then(|| kept.join(" ").into())
        })
        // A student's relative link points into their fork (docs/x.md, an
        // image), not into the atlas: keep the text, drop the dead href.
        .url_relative(ammonia::UrlRelative::Deny)
        .strip_comments(true);
    b
});

/// Render Markdown to sanitised HTML.
///
/// Without the student's own HTML or images (most files), every tag comes
/// from pulldown-cmark's writer, which escapes all text and attributes; only
/// link targets need filtering, done here, and the sanitiser (the costliest
/// step) is skipped. Anything else goes through ammonia.
pub fn to_html(markdown: &str) -> String {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    // Submissions run 12 to 16 bytes per event: sized so the list rarely regrows.
    let events =
        without_comments(limit_depth(Parser::new_ext(markdown, opts)).map(plain_tables_and_tasks), markdown.len() / 12);
    let raw =
        events.iter().any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_) | Event::Start(Tag::Image { .. })));
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    if raw {
        pulldown_cmark::html::push_html(&mut html, highlight_code(limit_raw_html(events.into_iter())));
        with_img_alt(SANITIZER.clean(&html).to_string())
    } else {
        pulldown_cmark::html::push_html(&mut html, highlight_code(safe_links(events.into_iter())));
        html
    }
}

/// HTML that is only comments (the template's instructions, mostly) is
/// dropped here, as the sanitiser would drop it, so it does not send the
/// file down the slow path. HTML blocks arrive a line per event: a block is
/// judged whole.
fn without_comments<'a>(events: impl Iterator<Item = Event<'a>>, capacity: usize) -> Vec<Event<'a>> {
    let mut out = Vec::with_capacity(capacity);
    let mut block: Option<Vec<Event<'a>>> = None;
    for e in events {
        match (e, &mut block) {
            (e @ Event::Start(Tag::HtmlBlock), None) => block = Some(vec![e]),
            (e @ Event::End(TagEnd::HtmlBlock), Some(held)) => {
                let text: String =
                    held.iter().filter_map(|e| if let Event::Html(h) = e { Some(h.as_ref()) } else { None }).collect();
                if !only_comments(&text) {
                    out.append(held);
                    out.push(e);
                }
                block = None;
            }
            (e, Some(held)) => held.push(e),
            (Event::InlineHtml(h), None) if only_comments(&h) => {}
            (e, None) => out.push(e),
        }
    }
    out.extend(block.into_iter().flatten());
    out
}

fn only_comments(html: &str) -> bool {
    let mut rest = html.trim();
    while !rest.is_empty() {
        let Some(end) = rest.strip_prefix("<!--").and_then(|r| r.find("-->").map(|i| i + 4 + 3)) else {
            return false;
        };
        rest = rest[end..].trim_start();
    }
    true
}

/// Table alignment would be written as `style` attributes (which the CSP
/// blocks) and task-list checkboxes as `<input>` (which the sanitiser
/// drops): both become plain.
fn plain_tables_and_tasks(e: Event<'_>) -> Event<'_> {
    match e {
        Event::Start(Tag::Table(aligns)) => {
            Event::Start(Tag::Table(vec![pulldown_cmark::Alignment::None; aligns.len()]))
        }
        Event::TaskListMarker(done) => Event::Text(CowStr::Borrowed(if done { "☑ " } else { "☐ " })),
        e => e,
    }
}

/// Links as the sanitiser would leave them: `href` only for http, https and
/// mailto targets (a relative link points into the student's fork, not the
/// atlas), and `rel="nofollow noopener noreferrer"`.
fn safe_links<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    events.map(|e| match e {
        Event::Start(Tag::Link { link_type, dest_url, title, .. }) => {
            let mut url = dest_url.trim().to_string();
            if link_type == pulldown_cmark::LinkType::Email && !url.to_ascii_lowercase().starts_with("mailto:") {
                url.insert_str(0, "mailto:");
            }
            let lower = url.to_ascii_lowercase();
            let safe = ["http://", "https://", "mailto:"].iter().any(|s| lower.starts_with(s));
            let mut tag = String::from("<a");
            if safe {
                tag.push_str(&format!(" href=\"{}\"", super::charts::esc(&url)));
            }
            if !title.is_empty() {
                tag.push_str(&format!(" title=\"{}\"", super::charts::esc(&title)));
            }
            tag.push_str(" rel=\"nofollow noopener noreferrer\">");
            Event::Html(CowStr::from(tag))
        }
        Event::End(TagEnd::Link) => Event::Html(CowStr::Borrowed("</a>")),
        e => e,
    })
}

/// Give every `<img>` an `alt` (empty: decorative) when the student wrote
/// none, so screen readers don't read out the file name. Runs on the
/// sanitiser's output, where attribute values are always double-quoted.
fn with_img_alt(html: String) -> String {
    if !html.contains("<img") {
        return html;
    }
    let mut out = String::with_capacity(html.len() + 16);
    let mut rest = html.as_str();
    while let Some(i) = rest.find("<img") {
        out.push_str(&rest[..i]);
        let tag = &rest[i..];
        // The tag ends at the first '>' outside quotes.
        let mut quoted = false;
        let end = tag
            .char_indices()
            .find(|&(_, c)| {
                quoted ^= c == '"';
                c == '>' && !quoted
            })
            .map_or(tag.len(), |(j, _)| j + 1);
        let (head, tail) = tag.split_at(end);
        let mut in_quotes = false;
        let has_alt = head.char_indices().any(|(j, c)| {
            in_quotes ^= c == '"';
            !in_quotes && c == ' ' && head[j + 1..].starts_with("alt=")
        });
        if has_alt || !head.ends_with('>') {
            out.push_str(head);
        } else {
            out.push_str("<img alt=\"\"");
            out.push_str(&head[4..]);
        }
        rest = tail;
    }
    out.push_str(rest);
    out
}

/// Drop the start and end tags of elements nested deeper than [`MAX_DEPTH`];
/// what they hold is kept.
fn limit_depth<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut depth = 0usize;
    events.filter(move |e| match e {
        Event::Start(_) => {
            depth += 1;
            depth <= MAX_DEPTH
        }
        Event::End(_) => {
            depth = depth.saturating_sub(1);
            depth < MAX_DEPTH
        }
        _ => true,
    })
}

/// Show raw HTML as text once the student's own tags would nest deeper than
/// [`MAX_RAW_DEPTH`] (ammonia still sanitises whatever is kept).
fn limit_raw_html<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut depth = 0usize;
    events.map(move |e| match e {
        Event::Html(ref raw) | Event::InlineHtml(ref raw) => {
            let after = raw_depth(raw, depth);
            if after.max > MAX_RAW_DEPTH {
                return Event::Text(raw.clone());
            }
            depth = after.end;
            e
        }
        e => e,
    })
}

struct Depth {
    end: usize,
    max: usize,
}

/// Nesting after `raw`, starting from `depth`, counting tags that need closing.
fn raw_depth(raw: &str, mut depth: usize) -> Depth {
    const SELF_CLOSING: &[&str] = &[
        "area", "base", "br", "col", "embed", "hr", "img", "input", "li", "link", "meta", "option", "p", "param",
        "source", "td", "th", "tr", "track", "wbr",
    ];
    let mut max = depth;
    let bytes = raw.as_bytes();
    for (i, _) in raw.match_indices('<') {
        let closing = bytes.get(i + 1) == Some(&b'/');
        let start = i + 1 + usize::from(closing);
        let name_len = bytes[start.min(bytes.len())..].iter().take_while(|b| b.is_ascii_alphanumeric()).count();
        if name_len == 0 {
            continue;
        }
        let name = raw[start..start + name_len].to_ascii_lowercase();
        if SELF_CLOSING.contains(&name.as_str()) {
            continue;
        }
        if closing {
            depth = depth.saturating_sub(1);
        } else {
            depth += 1;
            max = max.max(depth);
        }
    }
    Depth { end: depth, max }
}

/// Replace fenced and indented code blocks with highlighted HTML, within the
/// per-file highlighting budget.
fn highlight_code<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    let mut code: Option<(String, String)> = None;
    let mut budget = MAX_HIGHLIGHT_TOTAL;
    events.filter_map(move |event| match (&mut code, event) {
        (None, Event::Start(Tag::CodeBlock(kind))) => {
            let lang = match kind {
                CodeBlockKind::Fenced(l) => l.split([',', ' ']).next().unwrap_or("").to_string(),
                CodeBlockKind::Indented => String::new(),
            };
            code = Some((lang, String::new()));
            None
        }
        (Some((_, buf)), Event::Text(t)) => {
            buf.push_str(&t);
            None
        }
        (Some(_), Event::End(TagEnd::CodeBlock)) => {
            let (lang, buf) = code.take().unwrap_or_default();
            let lang = if buf.len() <= budget { lang } else { String::new() };
            budget = budget.saturating_sub(buf.len());
            Some(Event::Html(CowStr::from(highlight::block(&buf, &lang))))
        }
        (_, e) => Some(e),
    })
}

/// The first thing in serialised HTML that could run script or load a page:
/// a dangerous element, an event handler, a `style` attribute, or a URL
/// attribute with a scheme other than http, https or mailto. Used by the
/// tests and the fuzz target to check whole output pages.
#[doc(hidden)]
pub fn first_unsafe(html: &str) -> Option<String> {
    const ELEMENTS: &[&str] = &["script", "iframe", "style", "svg", "object", "embed", "form", "math", "base", "frame"];
    const URL_ATTRS: &[&str] = &["href", "src", "action", "formaction", "xlink:href", "srcset", "poster", "data"];
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        rest = &rest[open + 1..];
        let name: String = rest.chars().take_while(|c| c.is_ascii_alphanumeric()).collect::<String>().to_lowercase();
        if name.is_empty() {
            continue;
        }
        if ELEMENTS.contains(&name.as_str()) {
            return Some(format!("<{name}>"));
        }
        rest = &rest[name.len()..];
        // Attributes as html5ever writes them: name="value", quotes escaped.
        loop {
            rest = rest.trim_start();
            if rest.is_empty() || rest.starts_with('>') || rest.starts_with("/>") {
                break;
            }
            let end = rest.find(['=', ' ', '>']).unwrap_or(rest.len());
            let attr = rest[..end].to_lowercase();
            rest = &rest[end..];
            let mut value = String::new();
            if let Some(v) = rest.strip_prefix('=') {
                let quote = v.chars().next().filter(|c| *c == '"' || *c == '\'');
                let body = quote.map_or(v, |q| &v[q.len_utf8()..]);
                let stop = quote.map_or_else(|| body.find([' ', '>']), |q| body.find(q)).unwrap_or(body.len());
                value = body[..stop].to_string();
                rest = &body[(stop + usize::from(quote.is_some())).min(body.len())..];
            }
            if attr.starts_with("on") || attr == "style" {
                return Some(format!("<{name} {attr}=...>"));
            }
            // As the URL standard reads it: ends trimmed of controls and
            // spaces, tabs and newlines inside dropped.
            let bare: String = value
                .trim_matches(|c: char| c <= ' ')
                .chars()
                .filter(|c| !matches!(c, '\t' | '\n' | '\r'))
                .collect::<String>()
                .to_lowercase();
            let scheme = bare.split_once(':').map(|(s, _)| s).filter(|s| {
                // Otherwise browsers read it as a relative path.
                s.starts_with(|c: char| c.is_ascii_alphabetic())
                    && s.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
            });
            if URL_ATTRS.contains(&attr.as_str()) && scheme.is_some_and(|s| !matches!(s, "http" | "https" | "mailto")) {
                return Some(format!("<{name} {attr}=\"{value}\">"));
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_safe(html: &str) {
        assert_eq!(first_unsafe(html), None, "{html}");
    }

    #[test]
    fn scripts_handlers_and_bad_urls_are_removed() {
        let html = to_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[a](javascript:alert(1)) \
             [b](JaVaScRiPt:alert(1)) <a href=\"data:text/html,x\">c</a> <iframe src=x></iframe>",
        );
        assert_safe(&html);
    }

    #[test]
    fn plain_markdown_skips_the_sanitiser_but_not_the_link_filter() {
        let html = to_html(
            "# T\n\n[ok](https://x.test/a?b=1&c=\"2\" \"t'itle\") [rel](docs/a.md) [js](javascript:alert(1)) \
             [js2]( JaVaScRiPt:alert(1)) <javascript:alert(1)> <me@x.test> [d][r]\n\n[r]: data:text/html,x\n\n\
             | a | b |\n|:-|-:|\n| 1 < 2 | `<script>` |\n\n- [x] done\n- [ ] todo\n\n```js\nlet a = \"</pre><script>\";\n```\n",
        );
        assert_safe(&html);
        assert!(!html.contains("style=") && !html.contains("<input"), "{html}");
        assert!(html.contains("href=\"https://x.test/a?b=1&amp;c=&quot;2&quot;\""), "{html}");
        assert!(html.contains("href=\"mailto:me@x.test\""), "{html}");
        assert!(html.contains("title=\"t&#39;itle\""), "written here, not by the sanitiser: {html}");
        assert_eq!(html.matches("href=").count(), 2, "only the https and mailto links keep a target: {html}");
        assert_eq!(html.matches("rel=\"nofollow noopener noreferrer\"").count(), 7, "{html}");
        assert!(html.contains("☑ done") && html.contains("☐ todo"), "{html}");
        // The same text through the sanitiser (an image sends it there) keeps the same links.
        let slow = to_html("![i](https://x.test/i.png) [ok](https://x.test/a) [rel](docs/a.md) [js](javascript:x)");
        assert_eq!(slow.matches("href=").count(), 1, "{slow}");
        assert!(slow.contains("rel=\"nofollow noopener noreferrer\""), "{slow}");
    }

    #[test]
    fn comment_only_html_is_dropped_and_keeps_the_fast_path() {
        let html = to_html(
            "<!--\nFill in your role.\n-->\n\nText <!-- inline --> here [a](docs/x.md)\n\n<!-- a --> <!-- b -->\n",
        );
        assert!(!html.contains("Fill in") && !html.contains("inline") && html.contains("Text"), "{html}");
        assert!(html.contains("<a rel=\"nofollow noopener noreferrer\">a</a>"), "written here: {html}");
        // A comment followed by markup is not only comments: the sanitiser sees it.
        let html = to_html("<!-- x --><img src=x onerror=alert(1)>\n\n<!-- y --!> <script>alert(2)</script> -->\n");
        assert_safe(&html);
        assert!(!html.contains("alert"), "{html}");
    }

    #[test]
    fn images_get_an_empty_alt_only_when_they_have_none() {
        let html =
            to_html("<img src=\"https://x.test/a.png\">\n\n<img title=\"a > alt=b\" src=\"https://x.test/b.png\">");
        assert_eq!(html.matches("<img alt=\"\"").count(), 2, "{html}");
        let html = to_html("![A diagram](https://x.test/c.png) <img alt=\"mine\" src=\"https://x.test/d.png\">");
        assert!(html.contains("alt=\"A diagram\"") && html.contains("alt=\"mine\""), "{html}");
        assert!(!html.contains("alt=\"\""), "{html}");
    }

    #[test]
    fn scheme_tricks_are_removed() {
        let html = to_html(
            "<a href=\"jav&#x61;script:alert(1)\">a</a> <a href=\"java\tscript:alert(1)\">b</a>\n\
             <a href=\" javascript:alert(1)\">c</a> <a href=\"java&#10;script:x\">d</a>\n\
             <svg onload=alert(1)><circle/></svg> <style>body{}</style> <a href=\"VBSCRIPT:x\">e</a>\n\n\
             ![i](javascript:alert(1)) <javascript:alert(1)> [r][x]\n\n[x]: data:text/html;base64,PHNjcmlwdD4=\n",
        );
        assert_safe(&html);
    }

    #[test]
    fn external_links_get_rel_and_code_gets_classes() {
        let html = to_html("[x](https://example.test)\n\n```rust\nfn main() {}\n```\n");
        assert!(html.contains("rel=\"nofollow noopener noreferrer\""), "{html}");
        assert!(html.contains("class=\"hl-"), "{html}");
        let html = to_html("<p class=\"brand skip hl-x\">y</p>");
        assert!(html.contains("class=\"hl-x\""), "{html}");
    }

    #[test]
    fn template_syntax_is_just_text() {
        let html = to_html("{{ config.title }} {% include \"x\" %}");
        assert!(html.contains("{{ config.title }}"));
    }

    #[test]
    fn deep_nesting_is_bounded() {
        let html = to_html(&format!("{} deep\n", ">".repeat(50_000)));
        assert!(html.matches("<blockquote>").count() <= MAX_DEPTH, "{}", html.len());
        assert!(html.contains("deep"));
        let html = to_html(&format!("{}x\n", "<div>".repeat(50_000)));
        assert!(html.matches("<div>").count() <= MAX_RAW_DEPTH + 1);
        let lists: String = (0..1000).map(|i| format!("{}- item{i}\n", "  ".repeat(i))).collect();
        let html = to_html(&lists);
        assert!(html.contains("item999") && html.matches("<ul>").count() <= MAX_DEPTH);
    }

    #[test]
    fn the_checker_sees_what_would_run() {
        assert!(first_unsafe("<p>javascript: onload=x</p>").is_none());
        assert!(first_unsafe("<a href=\"https://x.test/?q=javascript:1\">x</a>").is_none());
        // Found by fuzzing: not a scheme, so a relative path.
        assert!(first_unsafe("<a href=\"http}://x\">x</a>").is_none());
        assert!(first_unsafe("<a href=\"ht\u{17}tps://x\">x</a>").is_none());
        assert!(first_unsafe("<a href=\"\u{1} java\tscript:x\">x</a>").is_some());
        assert!(first_unsafe("<a title=\"a > b\" href=\" JavaScript:x\">").is_some());
        assert!(first_unsafe("<img src=x onerror=y>").is_some());
        assert!(first_unsafe("<SCRIPT>").is_some());
    }

    #[test]
    fn raw_html_depth_counts_open_tags() {
        assert_eq!(raw_depth("<div><span>x</span>", 0).end, 1);
        assert_eq!(raw_depth("<br><p>a<img src=x><li>", 0).max, 0);
        assert_eq!(raw_depth("</div></div>", 1).end, 0);
    }
}
