//! A student's Markdown -> safe HTML: code highlighted through CSS classes,
//! then everything passed through ammonia, so no script, event handler or
//! `javascript:` URL survives, whatever the student wrote.

use super::highlight;
use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
use std::collections::HashSet;
use std::sync::LazyLock;

static SANITIZER: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| {
    let mut b = ammonia::Builder::default();
    b.link_rel(Some("nofollow noopener noreferrer"))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .add_generic_attributes(["class"])
        // A student's relative link points into their fork (docs/x.md, an
        // image), not into the atlas: keep the text, drop the dead href.
        .url_relative(ammonia::UrlRelative::Deny)
        .strip_comments(true);
    b
});

/// Render Markdown to sanitised HTML.
pub fn to_html(markdown: &str) -> String {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut code: Option<(String, String)> = None;
    let events = Parser::new_ext(markdown, opts).filter_map(|event| match (&mut code, event) {
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
            Some(Event::Html(highlight::block(&buf, &lang).into()))
        }
        (_, e) => Some(e),
    });
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, events);
    SANITIZER.clean(&html).to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scripts_handlers_and_bad_urls_are_removed() {
        let html = to_html(
            "<script>alert(1)</script>\n\n<img src=x onerror=alert(1)>\n\n[a](javascript:alert(1)) \
             [b](JaVaScRiPt:alert(1)) <a href=\"data:text/html,x\">c</a> <iframe src=x></iframe>",
        );
        let lower = html.to_lowercase();
        for bad in ["<script", "onerror", "javascript:", "data:", "<iframe"] {
            assert!(!lower.contains(bad), "{bad} in {html}");
        }
    }

    #[test]
    fn external_links_get_rel_and_code_gets_classes() {
        let html = to_html("[x](https://example.test)\n\n```rust\nfn main() {}\n```\n");
        assert!(html.contains("rel=\"nofollow noopener noreferrer\""), "{html}");
        assert!(html.contains("class=\"hl-"), "{html}");
    }

    #[test]
    fn template_syntax_is_just_text() {
        let html = to_html("{{ config.title }} {% include \"x\" %}");
        assert!(html.contains("{{ config.title }}"));
    }
}
