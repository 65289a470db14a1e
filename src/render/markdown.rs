//! A student's Markdown -> safe HTML: code highlighted through CSS classes,
//! then everything passed through ammonia, so no script, event handler or
//! `javascript:` URL survives, whatever the student wrote.
//!
//! Every step's work is bounded by the file's size, whatever its shape:
//! Markdown containers deeper than [`super::events::MAX_DEPTH`] lose their tags (their text
//! stays); raw HTML that the sanitiser's parser would nest too deep (see
//! [`super::rawhtml`]) is shown as text; tables keep [`MAX_COLUMNS`]
//! columns; code is highlighted within [`Limits::highlight`] bytes, and only
//! in blocks whose lines are short (see [`super::highlight`]). A file whose
//! HTML would pass [`Limits::max_html`], or that is still rendering at its
//! deadline, is shown as plain text instead, folded, under a notice.

use super::events::{
    dead_links_and_images_as_text, finish_sanitised, images_as_links, limit_columns, limit_depth,
    plain_tables_and_tasks, safe_links, without_comments,
};
use super::highlight;
use super::rawhtml::{limit_raw_html, made_up_tags_as_text};
use pulldown_cmark::{CodeBlockKind, CowStr, Event, Options, Parser, Tag, TagEnd};
use std::cell::Cell;
use std::collections::HashSet;
use std::sync::LazyLock;
use std::time::Instant;

pub(crate) use super::events::MAX_COLUMNS;
#[cfg(test)]
use super::events::MAX_DEPTH;
/// Code highlighted per submission, shared among its files.
pub(crate) const MAX_HIGHLIGHT_TOTAL: usize = 64 * 1024;
/// HTML of one submission's files together, shared among them. Past it a
/// file is shown as plain text.
pub(crate) const MAX_PAGE_HTML: usize = 4 * 1024 * 1024;

/// What rendering one file may cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Limits {
    /// Bytes of HTML the file may make.
    pub max_html: usize,
    /// Bytes of code it may highlight.
    pub highlight: usize,
    /// Show images from other hosts (else they become links).
    pub external_images: bool,
}

impl Default for Limits {
    /// A submission of one file.
    fn default() -> Self {
        Limits::for_files(1, false)
    }
}

impl Limits {
    /// Each of a submission's `files` gets an equal share of the page's
    /// budgets, so a file's HTML never depends on the others'.
    pub fn for_files(files: usize, external_images: bool) -> Limits {
        let files = files.max(1);
        Limits { max_html: MAX_PAGE_HTML / files, highlight: MAX_HIGHLIGHT_TOTAL / files, external_images }
    }
}

fn sanitizer(external_images: bool) -> &'static ammonia::Builder<'static> {
    static PLAIN: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| build_sanitizer(false));
    static IMAGES: LazyLock<ammonia::Builder<'static>> = LazyLock::new(|| build_sanitizer(true));
    if external_images { &IMAGES } else { &PLAIN }
}

fn build_sanitizer(external_images: bool) -> ammonia::Builder<'static> {
    let mut b = ammonia::Builder::default();
    b.link_rel(Some("nofollow noopener noreferrer"))
        .url_schemes(HashSet::from(["http", "https", "mailto"]))
        .add_generic_attributes(["class"])
        .attribute_filter(move |element, attr, value| match attr {
            // Only the highlighter's classes: a student cannot borrow the site's.
            "class" => {
                let kept: Vec<&str> = value.split_whitespace().filter(|c| c.starts_with("hl-")).collect();
                (!kept.is_empty()).then(|| kept.join(" ").into())
            }
            // Every image URL that survives is on another host: loading it
            // would tell that host who reads the page.
            "src" if element == "img" && !external_images && !super::local::is_published(value) => None,
            _ => Some(value.into()),
        })
        // A student's relative link points into their fork (docs/x.md, an
        // image), not into the atlas: keep the text, drop the dead href.
        // The atlas's copies of its images and PlantUML files are the exception.
        .url_relative(ammonia::UrlRelative::Custom(Box::new(PublishedOnly)))
        .strip_comments(true);
    b
}

/// Relative URLs the sanitiser keeps: the atlas's copies of images and
/// PlantUML files, no others.
struct PublishedOnly;

impl<'a> ammonia::UrlRelativeEvaluate<'a> for PublishedOnly {
    fn evaluate<'url>(&self, url: &'url str) -> Option<std::borrow::Cow<'url, str>> {
        super::local::is_published(url).then_some(std::borrow::Cow::Borrowed(url))
    }
}

/// Render Markdown to sanitised HTML, within the limits of a one-file
/// submission.
pub fn to_html(markdown: &str) -> String {
    render(markdown, &Limits::default(), None)
}

/// Render Markdown to sanitised HTML within `limits`, giving up at
/// `deadline`: past either, the file is shown as plain text.
///
/// Without the student's own HTML or images (most files), every tag comes
/// from pulldown-cmark's writer, which escapes all text and attributes; only
/// link targets need filtering, done here, and the sanitiser (the costliest
/// step) is skipped. Anything else goes through ammonia.
pub fn render(markdown: &str, limits: &Limits, deadline: Option<Instant>) -> String {
    render_noting(markdown, limits, deadline).0
}

/// [`render`], and why the file is shown as plain text, if it is.
pub(crate) fn render_noting(markdown: &str, limits: &Limits, deadline: Option<Instant>) -> (String, Option<Over>) {
    render_local(markdown, limits, deadline, &Vec::new())
}

/// [`render_noting`], with the file's images and PlantUML links that the
/// site published pointing to their copies (`local`).
pub(crate) fn render_local(
    markdown: &str,
    limits: &Limits,
    deadline: Option<Instant>,
    local: &super::local::LocalFiles,
) -> (String, Option<Over>) {
    match try_render(markdown, limits, deadline, local) {
        Ok(html) => (html, None),
        Err(why) => (plain(markdown, limits.max_html, why), Some(why)),
    }
}

/// Why a file is shown as plain text.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum Over {
    /// Its HTML would pass [`Limits::max_html`].
    Size,
    /// Its deadline passed.
    Time,
}

fn try_render(
    markdown: &str,
    limits: &Limits,
    deadline: Option<Instant>,
    local: &super::local::LocalFiles,
) -> Result<String, Over> {
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    // Events are held until written: at 80 bytes each, more than the HTML
    // they make. Counting at least what each will write (its text, or its
    // tag) stops a file whose HTML cannot fit before its events fill memory.
    let over = Cell::new(None);
    // Rare shapes, noted in the same pass, for the steps only they need.
    let (wide, image) = (Cell::new(false), Cell::new(false));
    // The estimate is checked, and the clock read, each time it passes
    // another 64 KB (and at the budget).
    const STEP: usize = 64 * 1024;
    let (mut least, mut check_at) = (0usize, STEP.min(limits.max_html));
    let within = |e: &Event<'_>| {
        least += match e {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => t.len(),
            Event::Start(Tag::Table(aligns)) => {
                wide.set(wide.get() | (aligns.len() > MAX_COLUMNS));
                3
            }
            Event::Start(Tag::Image { .. }) => {
                image.set(true);
                3
            }
            // `<p>`, `</p>` and the like: the least a tag writes.
            Event::Start(_) => 3,
            Event::End(_) => 4,
            _ => 1,
        };
        if least <= check_at {
            return true;
        }
        let stop = if least > limits.max_html {
            Over::Size
        } else if deadline.is_some_and(|d| Instant::now() > d) {
            Over::Time
        } else {
            check_at = (least + STEP).min(limits.max_html);
            return true;
        };
        over.set(Some(stop));
        false
    };
    let parsed = limit_depth(Parser::new_ext(markdown, opts)).map(plain_tables_and_tasks);
    let mut events = without_comments(parsed.take_while(within), markdown.len() / 12);
    if let Some(why) = over.get() {
        return Err(why);
    }
    if wide.get() {
        limit_columns(&mut events);
    }
    super::local::point_to_published(&mut events, local);
    if image.get() && !limits.external_images {
        images_as_links(&mut events);
    }
    dead_links_and_images_as_text(&mut events, limits.external_images);
    made_up_tags_as_text(&mut events);
    let raw =
        events.iter().any(|e| matches!(e, Event::Html(_) | Event::InlineHtml(_) | Event::Start(Tag::Image { .. })));
    let mut html = String::with_capacity(markdown.len() * 3 / 2);
    let mut out = Capped { out: &mut html, cap: limits.max_html };
    let mut code = Highlighter { budget: limits.highlight, deadline, late: false };
    let written = if raw {
        limit_raw_html(&mut events);
        pulldown_cmark::html::write_html_fmt(&mut out, code.blocks(events.into_iter()))
    } else {
        pulldown_cmark::html::write_html_fmt(&mut out, code.blocks(safe_links(events.into_iter())))
    };
    if written.is_err() {
        return Err(Over::Size);
    }
    if code.late {
        return Err(Over::Time);
    }
    if !raw {
        return Ok(html);
    }
    let clean = finish_sanitised(sanitizer(limits.external_images).clean(&html).to_string());
    if clean.len() > limits.max_html {
        return Err(Over::Size);
    }
    if deadline.is_some_and(|d| Instant::now() > d) {
        return Err(Over::Time);
    }
    Ok(clean)
}

/// A `fmt::Write` into a string that refuses to grow past `cap`: rendering
/// stops at the first write that would.
struct Capped<'s> {
    out: &'s mut String,
    cap: usize,
}

impl std::fmt::Write for Capped<'_> {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        if self.out.len() + s.len() > self.cap {
            return Err(std::fmt::Error);
        }
        self.out.push_str(s);
        Ok(())
    }
}

/// The file as escaped text, as much as fits in `max_html`, folded under a
/// notice saying why.
fn plain(markdown: &str, max_html: usize, why: Over) -> String {
    let reason = match why {
        Over::Size => format!(
            "This file would make more than {} KB of HTML, more than a page may hold: it is shown as plain text.",
            (max_html / 1024).max(1)
        ),
        Over::Time => "This file took too long to render: it is shown as plain text.".to_string(),
    };
    let mut out = format!(
        "<p class=\"notice\"><strong>{reason}</strong></p>\n<details><summary>The file as text</summary><pre><code>"
    );
    let tail = "</code></pre></details>\n";
    let room = max_html.saturating_sub(tail.len() + "\n[cut]".len());
    let mut cut = false;
    for c in markdown.chars() {
        let escaped = match c {
            '&' => "&amp;",
            '<' => "&lt;",
            '>' => "&gt;",
            _ => "",
        };
        let len = if escaped.is_empty() { c.len_utf8() } else { escaped.len() };
        if out.len() + len > room {
            cut = true;
            break;
        }
        if escaped.is_empty() { out.push(c) } else { out.push_str(escaped) }
    }
    if cut {
        out.push_str("\n[cut]");
    }
    out.push_str(tail);
    out
}

/// Replaces fenced and indented code blocks with highlighted HTML, within
/// the file's highlighting budget, until the deadline.
struct Highlighter {
    budget: usize,
    deadline: Option<Instant>,
    /// The deadline passed while highlighting.
    late: bool,
}

impl Highlighter {
    fn blocks<'a, 'h>(
        &'h mut self,
        events: impl Iterator<Item = Event<'a>> + 'h,
    ) -> impl Iterator<Item = Event<'a>> + 'h {
        let mut code: Option<(String, String)> = None;
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
                let lang = if self.late { String::new() } else { lang };
                let block = highlight::block(&buf, &lang, self.budget, self.deadline);
                if block.highlighted {
                    self.budget -= buf.len();
                }
                self.late |= block.late;
                Some(Event::Html(CowStr::from(block.html)))
            }
            (_, e) => Some(e),
        })
    }
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
        assert_eq!(html.matches("rel=\"nofollow noopener noreferrer\"").count(), 2, "{html}");
        assert!(html.contains("</a> rel js js2 javascript:alert(1) <a") && html.contains("</a> d</p>"), "{html}");
        assert!(html.contains("☑ done") && html.contains("☐ todo"), "{html}");
        // The same text through the sanitiser (an image sends it there) keeps the same links.
        let slow = to_html("<b>i</b> [ok](https://x.test/a) [rel](docs/a.md) [js](javascript:x)");
        assert_eq!(slow.matches("href=").count(), 1, "{slow}");
        assert!(slow.contains("rel=\"nofollow noopener noreferrer\""), "{slow}");
    }

    #[test]
    fn comment_only_html_is_dropped_and_keeps_the_fast_path() {
        let html = to_html(
            "<!--\nFill in your role.\n-->\n\nText <!-- inline --> here [a](docs/x.md)\n\n<!-- a --> <!-- b -->\n",
        );
        assert!(!html.contains("Fill in") && !html.contains("inline") && html.contains("Text"), "{html}");
        assert!(html.contains("here a</p>") && !html.contains("<a"), "a dead link is its text: {html}");
        // A comment followed by markup is not only comments: the sanitiser sees it.
        let html = to_html("<!-- x --><img src=x onerror=alert(1)>\n\n<!-- y --!> <script>alert(2)</script> -->\n");
        assert_safe(&html);
        assert!(!html.contains("alert"), "{html}");
    }

    #[test]
    fn images_get_an_empty_alt_only_when_they_have_none() {
        let to_html = |md: &str| render(md, &Limits { external_images: true, ..Limits::default() }, None);
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
        assert!(html.matches("<div>").count() <= super::super::rawhtml::MAX_RAW_DEPTH + 1);
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
    fn images_from_other_hosts_become_links_unless_allowed() {
        let md = "![A chart](https://tracker.test/p.png) ![](HTTPS://tracker.test/q.png) ![rel](docs/c.png)\n\n\
                  <img src=\"https://tracker.test/r.png\" alt=\"raw\">";
        let html = to_html(md);
        assert!(!html.contains("src=\"http") && !html.contains("src=\"HTTP"), "{html}");
        assert!(html.contains("href=\"https://tracker.test/p.png\"") && html.contains(">A chart</a>"), "{html}");
        assert!(html.contains(">HTTPS://tracker.test/q.png</a>"), "no alt text: the address is the link: {html}");
        assert!(
            html.contains(" rel</p>") && html.contains("\nraw") && !html.contains("<img"),
            "alt text stays: {html}"
        );
        let allowed = render(md, &Limits { external_images: true, ..Limits::default() }, None);
        assert!(allowed.contains("src=\"https://tracker.test/p.png\""), "{allowed}");
        assert!(allowed.contains("src=\"https://tracker.test/r.png\""), "{allowed}");
        // Plain Markdown with an image from another host keeps the fast path.
        let fast = to_html("![x](https://tracker.test/p.png) and a [link](https://x.test)");
        assert!(
            fast.contains("<a href=\"https://tracker.test/p.png\" rel=\"nofollow noopener noreferrer\">x</a>"),
            "{fast}"
        );
    }

    #[test]
    fn wide_tables_keep_their_first_columns() {
        let header =
            format!("|{}|\n|{}\n", (0..1000).map(|i| format!("c{i}")).collect::<Vec<_>>().join("|"), "-|".repeat(1000));
        let html = to_html(&format!("{header}{}", "|x|\n".repeat(100)));
        assert_eq!(html.matches("<th>").count(), MAX_COLUMNS, "{}", &html[..200]);
        assert_eq!(html.matches("<td>").count(), 100 * MAX_COLUMNS);
        assert!(html.contains("cut to its first 64 columns") && html.contains("c63<") && !html.contains("c64<"));
        assert!(!to_html("| a | b |\n|---|---|\n| 1 | 2 |\n").contains("cut to"));
    }

    #[test]
    fn a_file_past_its_html_budget_is_plain_text() {
        let quotes = format!("{}x\n\n", ">".repeat(64)).repeat(20_000);
        let limits = Limits::default();
        let html = render(&quotes, &limits, None);
        assert!(html.len() <= limits.max_html, "{}", html.len());
        assert!(html.starts_with("<p class=\"notice\">") && html.contains("[cut]"), "{}", &html[..300]);
        assert!(!html.contains("<blockquote>"));
        // The same within a small budget: the notice and escaped text only.
        let small = render(&"<b>x</b> & y\n".repeat(30), &Limits { max_html: 400, ..limits }, None);
        assert!(small.contains("&lt;b&gt;x&lt;/b&gt; &amp; y") && small.len() <= 400, "{small}");
        assert_safe(&small);
    }

    #[test]
    fn a_file_still_rendering_at_its_deadline_is_plain_text() {
        let past = Instant::now() - std::time::Duration::from_secs(1);
        let text = "```rust\nfn main() {}\n```\n\n# Title\n".repeat(2000);
        let html = render(&text, &Limits::default(), Some(past));
        assert!(
            html.contains("took too long") && html.contains("fn main() {}") && !html.contains("hl-"),
            "{}",
            &html[..300]
        );
        let on_time = render(&text, &Limits::default(), Some(Instant::now() + std::time::Duration::from_secs(60)));
        assert!(on_time.contains("class=\"hl-") && !on_time.contains("took too long"));
    }

    #[test]
    fn long_lines_and_spent_budgets_are_not_highlighted() {
        let long = format!("```cs\n{}\n```\n", "a<b ".repeat(5_000));
        let html = to_html(&long);
        assert!(!html.contains("hl-code") && html.contains("a line is longer than"), "{}", &html[..300]);
        let block = format!("```rust\n{}```\n\n", "let x = 1;\n".repeat(100));
        let limits = Limits { highlight: block.len() * 2, ..Limits::default() };
        let html = render(&block.repeat(5), &limits, None);
        assert_eq!(html.matches("<pre class=\"hl-code\">").count(), 2, "only as much code as the budget");
    }

    #[test]
    fn unmatched_end_tags_do_not_buy_depth() {
        let unit = format!("{}{}\n", "<span>".repeat(64), "</x>".repeat(64));
        let html = to_html(&unit.repeat(50));
        assert!(html.matches("<span>").count() <= super::super::rawhtml::MAX_RAW_DEPTH, "{}", html.len());
        let bold = format!("{}{}\n\n", "<b>".repeat(64), "</x>".repeat(64));
        let html = to_html(&bold.repeat(50));
        assert!(html.matches("<b>").count() <= 50 * super::super::rawhtml::MAX_RAW_FORMATTING, "{}", html.len());
    }
}
