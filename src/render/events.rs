//! The steps a student's Markdown passes through between the parser and
//! the HTML writer (see [`super::markdown`]): comments dropped, tables and
//! task lists made plain, images from other hosts made links, nesting and
//! table width bounded, link targets filtered.

use pulldown_cmark::{CowStr, Event, LinkType, Tag, TagEnd};

/// Deepest nesting of Markdown elements kept as tags (a list level is two).
pub(super) const MAX_DEPTH: usize = 64;
/// Table columns kept; cells beyond are dropped, with a note.
pub(crate) const MAX_COLUMNS: usize = 64;

/// Images from other hosts become links to them, their alt text (else
/// their address) the link text: a page that loaded them would tell that
/// host who reads it. The sanitiser drops what else is left (relative and
/// `data:` sources).
pub(super) fn images_as_links(events: &mut Vec<Event<'_>>) {
    let mut out = Vec::with_capacity(events.len() + 8);
    // Per open image: whether it became a link.
    let mut open: Vec<bool> = Vec::new();
    let mut no_alt_yet = None;
    for e in events.drain(..) {
        match e {
            Event::Start(Tag::Image { dest_url, title, id, .. }) if is_external(&dest_url) => {
                open.push(true);
                no_alt_yet = Some(dest_url.clone());
                out.push(Event::Start(Tag::Link { link_type: LinkType::Inline, dest_url, title, id }));
                continue;
            }
            Event::Start(Tag::Image { .. }) => open.push(false),
            Event::End(TagEnd::Image) if open.last() == Some(&true) => {
                open.pop();
                out.extend(no_alt_yet.take().map(Event::Text));
                out.push(Event::End(TagEnd::Link));
                continue;
            }
            Event::End(TagEnd::Image) => {
                open.pop();
            }
            _ => {}
        }
        no_alt_yet = None;
        out.push(e);
    }
    *events = out;
}

fn is_external(url: &str) -> bool {
    let url = url.trim_start();
    let lower = |n: usize| url.get(..n).map(str::to_ascii_lowercase);
    lower(7).as_deref() == Some("http://") || lower(8).as_deref() == Some("https://") || url.starts_with("//")
}

/// HTML that is only comments (the template's instructions, mostly) is
/// dropped here, as the sanitiser would drop it, so it does not send the
/// file down the slow path. HTML blocks arrive a line per event: a block is
/// judged whole.
pub(super) fn without_comments<'a>(events: impl Iterator<Item = Event<'a>>, capacity: usize) -> Vec<Event<'a>> {
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
pub(super) fn plain_tables_and_tasks(e: Event<'_>) -> Event<'_> {
    match e {
        Event::Start(Tag::Table(aligns)) => {
            Event::Start(Tag::Table(vec![pulldown_cmark::Alignment::None; aligns.len()]))
        }
        Event::TaskListMarker(done) => Event::Text(CowStr::Borrowed(if done { "☑ " } else { "☐ " })),
        e => e,
    }
}

/// Whether a link to `url` keeps its target: http, https and mailto only (a
/// relative link points into the student's fork, not the atlas), and the
/// atlas's copies of the fork's files.
fn link_kept(link_type: LinkType, url: &str) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"].iter().any(|s| lower.starts_with(s))
        || (link_type == LinkType::Email && !lower.contains(':'))
        || super::local::is_published(url)
}

/// Links whose target would be dropped (relative, `javascript:`...) and
/// images whose source would be (all that are left unless `external_images`,
/// else those not on http or https) become what they hold: the link text,
/// the alt text. An `<a>` without `href` or an `<img>` without `src` is
/// neither a link nor an image.
pub(super) fn dead_links_and_images_as_text(events: &mut Vec<Event<'_>>, external_images: bool) {
    let image_kept = |url: &str| {
        let lower = url.trim_start().get(..8).unwrap_or(url).to_ascii_lowercase();
        (external_images && (lower.starts_with("http://") || lower.starts_with("https://")))
            || super::local::is_published(url)
    };
    let dead = |e: &Event<'_>| match e {
        Event::Start(Tag::Link { link_type, dest_url, .. }) => !link_kept(*link_type, dest_url),
        Event::Start(Tag::Image { dest_url, .. }) => !image_kept(dest_url),
        _ => false,
    };
    if !events.iter().any(dead) {
        return;
    }
    // Per open link or image: whether its tags go.
    let mut open: Vec<bool> = Vec::new();
    events.retain(|e| match e {
        Event::Start(Tag::Link { .. } | Tag::Image { .. }) => {
            open.push(dead(e));
            !open.last().copied().unwrap_or(false)
        }
        Event::End(TagEnd::Link | TagEnd::Image) => !open.pop().unwrap_or(false),
        _ => true,
    });
}

/// Links as the sanitiser would leave them: `href` only for http, https and
/// mailto targets, and `rel="nofollow noopener noreferrer"`. Others were
/// made text before ([`dead_links_and_images_as_text`]).
pub(super) fn safe_links<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
    events.map(|e| match e {
        Event::Start(Tag::Link { link_type, dest_url, title, .. }) => {
            let mut url = dest_url.trim().to_string();
            if link_type == LinkType::Email && !url.to_ascii_lowercase().starts_with("mailto:") {
                url.insert_str(0, "mailto:");
            }
            let mut tag = String::from("<a");
            if link_kept(link_type, &url) {
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

/// The sanitiser's output, finished: an `<a>` it left without `href` becomes
/// its content and an `<img>` left without `src` its alt text (the student's
/// raw HTML: Markdown's were made text before); an `<img>` without `alt`
/// gets an empty one (decorative), so screen readers don't read out the
/// file name. html5ever writes every `<` of text as `&lt;` and every
/// attribute value double-quoted, so each `<` here starts a tag.
pub(super) fn finish_sanitised(html: String) -> String {
    if !html.contains("<img") && !html.contains("<a") {
        return html;
    }
    let mut out = String::with_capacity(html.len() + 16);
    // Per open `<a>`: whether it was kept.
    let mut links: Vec<bool> = Vec::new();
    let mut rest = html.as_str();
    while let Some(i) = rest.find('<') {
        out.push_str(&rest[..i]);
        let (head, tail) = rest[i..].split_at(tag_end(&rest[i..]));
        rest = tail;
        let name: String = head[1..].chars().take_while(|c| c.is_ascii_alphanumeric() || *c == '/').collect();
        match name.as_str() {
            "a" => {
                let kept = attribute(head, "href").is_some();
                links.push(kept);
                if kept {
                    out.push_str(head);
                }
            }
            "/a" if !links.pop().unwrap_or(true) => {}
            "img" => match (attribute(head, "src"), attribute(head, "alt")) {
                (Some(_), Some(_)) => out.push_str(head),
                (Some(_), None) => {
                    out.push_str("<img alt=\"\"");
                    out.push_str(&head[4..]);
                }
                // Attribute-escaped (`&amp;`, `&quot;`): as text, only `<` and `>` need it too.
                (None, alt) => out.push_str(&alt.unwrap_or("").replace('<', "&lt;").replace('>', "&gt;")),
            },
            _ => out.push_str(head),
        }
    }
    out.push_str(rest);
    out
}

/// Where the tag at the start of `tag` ends: after the first `>` outside quotes.
fn tag_end(tag: &str) -> usize {
    let mut quoted = false;
    tag.char_indices()
        .find(|&(_, c)| {
            quoted ^= c == '"';
            c == '>' && !quoted
        })
        .map_or(tag.len(), |(j, _)| j + 1)
}

/// The value of attribute `name` in a serialised start tag, if it is there.
fn attribute<'t>(head: &'t str, name: &str) -> Option<&'t str> {
    let mut quoted = false;
    for (j, c) in head.char_indices() {
        quoted ^= c == '"';
        if quoted || c != ' ' {
            continue;
        }
        let Some(after) = head[j + 1..].strip_prefix(name) else { continue };
        return match after.strip_prefix("=\"") {
            Some(value) => Some(&value[..value.find('"').unwrap_or(value.len())]),
            None if after.starts_with([' ', '>', '/']) => Some(""),
            None => continue,
        };
    }
    None
}

/// Drop the start and end tags of elements nested deeper than [`MAX_DEPTH`];
/// what they hold is kept.
pub(super) fn limit_depth<'a>(events: impl Iterator<Item = Event<'a>>) -> impl Iterator<Item = Event<'a>> {
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

/// Keep the first [`MAX_COLUMNS`] columns of each table: the parser pads
/// every short row to the header's width, so a wide header multiplies
/// every row. A note (emphasised text: plain Markdown, so it keeps the fast
/// path) follows a table that lost columns. Called only when one did.
pub(super) fn limit_columns(events: &mut Vec<Event<'_>>) {
    let (mut cut, mut column, mut skipping) = (false, 0usize, false);
    let mut out = Vec::with_capacity(events.len());
    for e in events.drain(..) {
        let keep = match &e {
            Event::Start(Tag::Table(aligns)) if aligns.len() > MAX_COLUMNS => {
                cut = true;
                out.push(Event::Start(Tag::Table(aligns[..MAX_COLUMNS].to_vec())));
                continue;
            }
            Event::Start(Tag::TableHead | Tag::TableRow) => {
                column = 0;
                true
            }
            Event::Start(Tag::TableCell) => {
                column += 1;
                skipping = column > MAX_COLUMNS;
                !skipping
            }
            Event::End(TagEnd::TableCell) if skipping => {
                skipping = false;
                false
            }
            _ => !skipping,
        };
        let table_end = matches!(e, Event::End(TagEnd::Table));
        if keep {
            out.push(e);
        }
        if table_end && std::mem::take(&mut cut) {
            let note = format!("The table above is cut to its first {MAX_COLUMNS} columns.");
            out.extend([Event::Start(Tag::Emphasis), Event::Text(CowStr::from(note)), Event::End(TagEnd::Emphasis)]);
        }
    }
    *events = out;
}
