//! Images a student embeds (`![alt](path)`, `<img src=...>`) and PlantUML
//! sources they link to, as written: where, what target, what alt text.
//! Whether each resolves to a file of the fork is decided by
//! [`crate::parse::assets`], which reads files; this only reads the text.

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use serde::Serialize;
use std::sync::Arc;

/// Image references kept per submission: far beyond any assignment (it has
/// three diagrams and three sources).
pub(crate) const MAX_IMAGES: usize = 100;

/// Longest target kept (no file path is longer), and alt text shown.
const MAX_TARGET_BYTES: usize = 1_000;
const MAX_ALT_CHARS: usize = 300;

/// What a referenced file is, by its content (PlantUML by its name).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ImageKind {
    Svg,
    Png,
    Jpeg,
    Gif,
    Webp,
    /// A PlantUML source: published as text and linked, never shown.
    Plantuml,
}

impl ImageKind {
    /// The published file's extension.
    pub(crate) fn extension(self) -> &'static str {
        match self {
            ImageKind::Svg => "svg",
            ImageKind::Png => "png",
            ImageKind::Jpeg => "jpg",
            ImageKind::Gif => "gif",
            ImageKind::Webp => "webp",
            ImageKind::Plantuml => "txt",
        }
    }
}

/// One local image (or PlantUML source) a Markdown file of the fork refers
/// to. Images on other hosts are not listed: they stay links (or, with
/// `external_images`, images loaded from there).
#[derive(Debug, Clone, Serialize)]
pub struct Image {
    /// The Markdown file, relative to the content folder (as in `files`).
    pub file: String,
    pub line: usize,
    /// The target as written (`./diagrams/out/x/Component%20Diagram.svg`).
    pub target: String,
    pub alt: String,
    /// `![..](..)` or `<img>`; false for a plain link (to a PlantUML source).
    pub embedded: bool,
    /// The file it resolves to, relative to the content folder; `None` when
    /// it does not resolve to a file of the fork that may be published.
    pub resolved: Option<String>,
    pub kind: Option<ImageKind>,
    /// Where the site publishes it, relative to the site root
    /// (`files/<content hash>.svg`): the same file for the same bytes.
    pub published: Option<String>,
    /// The file's bytes, read once, within the caps.
    #[serde(skip)]
    pub bytes: Option<Arc<[u8]>>,
    /// Why it is not published: a finding's code and message.
    #[serde(skip)]
    pub problem: Option<(&'static str, String)>,
}

/// Whether `target` names a file of the fork rather than another host, a
/// page anchor or a `data:` URL.
pub(crate) fn is_local(target: &str) -> bool {
    let t = target.trim();
    if t.is_empty() || t.len() > MAX_TARGET_BYTES || t.starts_with('#') || t.starts_with("//") {
        return false;
    }
    // A scheme: letters, then ':' before any '/'.
    let scheme = t.split_once(':').is_some_and(|(s, _)| {
        !s.is_empty() && !s.contains('/') && s.chars().all(|c| c.is_ascii_alphanumeric() || "+.-".contains(c))
    });
    !scheme
}

/// Whether a link's target names a PlantUML source.
pub(crate) fn is_plantuml(target: &str) -> bool {
    let path = target.split(['?', '#']).next().unwrap_or("").to_ascii_lowercase();
    path.ends_with(".puml") || path.ends_with(".plantuml") || path.ends_with(".pu")
}

/// The local images and PlantUML links of one Markdown file, in order, at
/// most [`MAX_IMAGES`]. Parsed as the renderer parses it, so each target is
/// the string the renderer will meet.
pub(crate) fn images_in(file: &str, text: &str) -> Vec<Image> {
    // A second parse of every file costs: most files have no image at all.
    static HINTS: std::sync::LazyLock<aho_corasick::AhoCorasick> = std::sync::LazyLock::new(|| {
        aho_corasick::AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(["![", "<img", ".pu"])
            .expect("fixed words compile")
    });
    if !HINTS.is_match(text) {
        return Vec::new();
    }
    let lines = LineIndex::new(text);
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS;
    let mut out = Vec::new();
    // The image being read: its alt text is the text events until its end.
    let mut open: Option<Image> = None;
    for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
        if out.len() >= MAX_IMAGES {
            break;
        }
        match event {
            Event::Start(Tag::Image { dest_url, .. }) if open.is_none() && is_local(&dest_url) => {
                open = Some(new_image(file, lines.line(range.start), &dest_url, true));
            }
            Event::End(TagEnd::Image) => out.extend(open.take().map(|mut img| {
                if let Some((at, _)) = img.alt.char_indices().nth(MAX_ALT_CHARS) {
                    img.alt.truncate(at);
                    img.alt.push('…');
                }
                img
            })),
            Event::Text(t) | Event::Code(t) => {
                if let Some(img) = &mut open {
                    img.alt.push_str(&t);
                }
            }
            Event::Start(Tag::Link { dest_url, .. }) if is_local(&dest_url) && is_plantuml(&dest_url) => {
                out.push(new_image(file, lines.line(range.start), &dest_url, false));
            }
            Event::Html(html) | Event::InlineHtml(html) => {
                for (src, alt) in html_images(&html) {
                    if is_local(&src) {
                        let mut img = new_image(file, lines.line(range.start), &src, true);
                        img.alt = alt.chars().take(MAX_ALT_CHARS).collect();
                        out.push(img);
                    }
                }
            }
            _ => {}
        }
    }
    out.truncate(MAX_IMAGES);
    out
}

fn new_image(file: &str, line: usize, target: &str, embedded: bool) -> Image {
    Image {
        file: file.to_string(),
        line,
        target: target.to_string(),
        alt: String::new(),
        embedded,
        resolved: None,
        kind: None,
        published: None,
        bytes: None,
        problem: None,
    }
}

/// `src` and `alt` of each `<img>` tag in a piece of raw HTML.
fn html_images(html: &str) -> Vec<(String, String)> {
    let lower = html.to_ascii_lowercase();
    let mut out = Vec::new();
    let mut from = 0;
    while let Some(at) = lower[from..].find("<img").map(|i| from + i) {
        let end = lower[at..].find('>').map_or(lower.len(), |i| at + i);
        let tag = &html[at..end];
        if let Some(src) = attribute(tag, "src") {
            out.push((src, attribute(tag, "alt").unwrap_or_default()));
        }
        from = end;
    }
    out
}

/// The value of attribute `name` in a tag, quoted or not.
fn attribute(tag: &str, name: &str) -> Option<String> {
    let lower = tag.to_ascii_lowercase();
    let mut from = 0;
    while let Some(at) = lower[from..].find(name).map(|i| from + i) {
        from = at + name.len();
        let before_ok = lower[..at].ends_with(|c: char| c.is_ascii_whitespace());
        let rest = lower[from..].trim_start();
        if !before_ok || !rest.starts_with('=') {
            continue;
        }
        let value = tag[tag.len() - rest.len() + 1..].trim_start();
        let (quoted, body) = match value.chars().next() {
            Some(q @ ('"' | '\'')) => (Some(q), &value[1..]),
            _ => (None, value),
        };
        let end = match quoted {
            Some(q) => body.find(q).unwrap_or(body.len()),
            None => body.find(|c: char| c.is_ascii_whitespace() || c == '/').unwrap_or(body.len()),
        };
        return Some(body[..end].to_string());
    }
    None
}

/// Byte offset -> 1-based line.
struct LineIndex(Vec<usize>);

impl LineIndex {
    fn new(text: &str) -> Self {
        LineIndex(memchr::memchr_iter(b'\n', text.as_bytes()).collect())
    }

    fn line(&self, offset: usize) -> usize {
        1 + self.0.partition_point(|&nl| nl < offset)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn images_links_and_raw_tags_are_found_with_their_lines() {
        let md = "# Архитектура\n\nтекст\n\n![Компонентная диаграмма](diagrams/out/comp.svg)\n\n\
                  [исходник](diagrams/src/comp.puml) и [сайт](https://example.org/a.puml)\n\n\
                  <img src=\"pic one.png\" alt='схема'>\n\n![внешняя](https://example.org/x.png)\n";
        let found = images_in("f/docs/architecture.md", md);
        let seen: Vec<(usize, &str, &str, bool)> =
            found.iter().map(|i| (i.line, i.target.as_str(), i.alt.as_str(), i.embedded)).collect();
        assert_eq!(
            seen,
            [
                (5, "diagrams/out/comp.svg", "Компонентная диаграмма", true),
                (7, "diagrams/src/comp.puml", "", false),
                (9, "pic one.png", "схема", true),
            ]
        );
    }

    #[test]
    fn only_paths_are_local() {
        for t in ["a.svg", "./a.svg", "../docs/a b.png", "/docs/a.png"] {
            assert!(is_local(t), "{t}");
        }
        for t in ["https://x/a.png", "data:image/png;base64,AA", "//cdn/a.png", "#top", "", "javascript:alert(1)"] {
            assert!(!is_local(t), "{t}");
        }
    }
}
