//! A student's raw HTML, read the way the HTML parser inside the sanitiser
//! will read it, closely enough to bound its cost: html5ever slows down with
//! the depth of open elements (and the formatting elements it reopens after
//! each one closes), and with the number of attributes on one tag.
//!
//! The model never undercounts: an end tag closes an element here only where
//! the HTML parser surely closes it too (the element is the current one, or
//! only elements with implied end tags stand above it). Anything it cannot
//! tell is left open, so its depth is at least the parser's.

use crate::text::is_element;
use pulldown_cmark::{CowStr, Event, Tag, TagEnd};

/// Deepest nesting of the student's own raw HTML elements.
pub(crate) const MAX_RAW_DEPTH: usize = 64;
/// Formatting elements (`<b>`, `<a>`...) open at once: the parser reopens
/// each of them after every element that closes them, so they multiply.
pub(crate) const MAX_RAW_FORMATTING: usize = 12;
/// Attributes on one tag: the parser's duplicate check is quadratic.
pub(crate) const MAX_ATTRIBUTES: usize = 64;

const VOID: &[&str] = &[
    "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img", "input", "keygen",
    "link", "meta", "param", "source", "track", "wbr",
];
const FORMATTING: &[&str] =
    &["a", "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u"];
/// Closed by a new start tag of the same name when it is the current node.
const SAME_NAME_CLOSES: &[&str] = &["dd", "dt", "li", "option", "p", "td", "th", "tr"];
/// Popped ("implied end tags") before a block's end tag closes the block.
const IMPLIED_END: &[&str] = &["dd", "dt", "li", "option", "p"];
/// What `</table>` pops on its way to the table.
const TABLE_INNER: &[&str] =
    &["caption", "colgroup", "dd", "dt", "li", "option", "p", "tbody", "td", "tfoot", "th", "thead", "tr"];
/// End tags the parser handles with "has an element in scope": it pops
/// through the element, after any elements with implied end tags.
const SCOPED_END: &[&str] = &[
    "address",
    "article",
    "aside",
    "blockquote",
    "center",
    "dd",
    "details",
    "dialog",
    "dir",
    "div",
    "dl",
    "dt",
    "fieldset",
    "figcaption",
    "figure",
    "footer",
    "header",
    "hgroup",
    "li",
    "listing",
    "main",
    "menu",
    "nav",
    "ol",
    "p",
    "pre",
    "section",
    "summary",
    "ul",
];
/// Elements whose content the tokenizer reads as text up to their end tag.
const RAW_TEXT: &[&str] = &["iframe", "noembed", "noframes", "style", "textarea", "title", "xmp"];

/// The elements the student's raw HTML has left open so far.
#[derive(Clone, Default)]
pub(crate) struct OpenTags {
    stack: Vec<String>,
    formatting: usize,
}

/// Why a piece of raw HTML is shown as text instead.
#[derive(Debug, PartialEq)]
pub(crate) enum Refused {
    TooDeep,
    TooManyAttributes,
    /// A tag or comment left open at the end of the block: the parser would
    /// read the page's own markup after it as part of it.
    Unfinished,
}

impl OpenTags {
    #[cfg(test)]
    fn depth(&self) -> usize {
        self.stack.len()
    }

    /// Take in `html`, a complete piece of raw HTML (an HTML block or one
    /// inline tag); on refusal, `self` is left as it was.
    pub(crate) fn accept(&mut self, html: &str) -> Result<(), Refused> {
        let tokens = Tokens { s: html.as_bytes(), i: 0 }.all()?;
        // Elements only ever leave and join at the top: the stack below the
        // lowest point reached is untouched, and what was popped from the
        // original stack is kept to put back on refusal.
        let (len, formatting) = (self.stack.len(), self.formatting);
        let mut low = len;
        let mut popped: Vec<String> = Vec::new();
        for (_, token) in tokens {
            let (at, gone) = match token {
                Token::Start(name) => self.open(name),
                Token::End(name) => self.close(&name),
            };
            if at < low {
                popped.splice(0..0, gone.into_iter().take(low - at));
                low = at;
            }
            if self.stack.len() > MAX_RAW_DEPTH || self.formatting > MAX_RAW_FORMATTING {
                self.stack.truncate(low);
                self.stack.extend(popped);
                self.formatting = formatting;
                return Err(Refused::TooDeep);
            }
        }
        Ok(())
    }

    /// Open `name`; returns where the stack was cut and what was popped.
    fn open(&mut self, name: String) -> (usize, Vec<String>) {
        let mut gone = (self.stack.len(), Vec::new());
        if VOID.contains(&name.as_str()) {
            return gone;
        }
        if SAME_NAME_CLOSES.contains(&name.as_str()) && self.stack.last() == Some(&name) {
            gone = self.pop_from(self.stack.len() - 1);
        }
        if FORMATTING.contains(&name.as_str()) {
            self.formatting += 1;
        }
        self.stack.push(name);
        gone
    }

    /// Close `name` where the parser surely closes it; returns where the
    /// stack was cut and what was popped.
    fn close(&mut self, name: &str) -> (usize, Vec<String>) {
        let popped_on_the_way: &[&str] = match name {
            "table" => TABLE_INNER,
            _ if SCOPED_END.contains(&name) => IMPLIED_END,
            _ => &[],
        };
        let above =
            self.stack.iter().rev().take_while(|n| *n != name && popped_on_the_way.contains(&n.as_str())).count();
        let at = self.stack.len().wrapping_sub(above + 1);
        if self.stack.get(at).is_some_and(|n| n == name) { self.pop_from(at) } else { (self.stack.len(), Vec::new()) }
    }

    fn pop_from(&mut self, at: usize) -> (usize, Vec<String>) {
        let gone: Vec<String> = self.stack.drain(at..).collect();
        self.formatting -= gone.iter().filter(|n| FORMATTING.contains(&n.as_str())).count();
        (at, gone)
    }
}

enum Token {
    Start(String),
    End(String),
}

/// The tags of a piece of HTML, as the HTML tokenizer finds them.
struct Tokens<'a> {
    s: &'a [u8],
    i: usize,
}

impl Tokens<'_> {
    /// Every tag, in order, with where its `<` is.
    fn all(mut self) -> Result<Vec<(usize, Token)>, Refused> {
        let mut out = Vec::new();
        while let Some((at, token, raw_text)) = self.next_tag()? {
            if raw_text && let Token::Start(name) = &token {
                self.skip_raw_text(name);
            }
            out.push((at, token));
        }
        Ok(out)
    }

    /// The next tag, where it starts, and whether its content is text up to
    /// its end tag.
    fn next_tag(&mut self) -> Result<Option<(usize, Token, bool)>, Refused> {
        while let Some(at) = memchr::memchr(b'<', &self.s[self.i..]) {
            self.i += at + 1;
            let start = self.i - 1;
            let rest = &self.s[self.i..];
            match rest.first() {
                Some(c) if c.is_ascii_alphabetic() => {
                    let name = self.name();
                    self.attributes()?;
                    let raw = name == "script" || RAW_TEXT.contains(&name.as_str());
                    return Ok(Some((start, Token::Start(name), raw)));
                }
                Some(b'/') if rest.get(1).is_some_and(u8::is_ascii_alphabetic) => {
                    self.i += 1;
                    let name = self.name();
                    self.attributes()?;
                    return Ok(Some((start, Token::End(name), false)));
                }
                Some(b'/') if rest.get(1) == Some(&b'>') => self.i += 2,
                Some(b'!') if rest.starts_with(b"!--") => self.comment()?,
                Some(b'!' | b'?' | b'/') => self.until_gt()?,
                _ => {}
            }
        }
        self.i = self.s.len();
        Ok(None)
    }

    /// The tag name at `i`, lower-cased.
    fn name(&mut self) -> String {
        let start = self.i;
        while self.s.get(self.i).is_some_and(|&c| !matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ' | b'/' | b'>')) {
            self.i += 1;
        }
        String::from_utf8_lossy(&self.s[start..self.i]).to_ascii_lowercase()
    }

    /// Past the attributes and the closing `>`, counting attributes as the
    /// tokenizer's attribute states do.
    fn attributes(&mut self) -> Result<(), Refused> {
        let space = |c: u8| matches!(c, b'\t' | b'\n' | b'\x0c' | b'\r' | b' ');
        let mut count = 0;
        loop {
            // Before an attribute name.
            while self.s.get(self.i).is_some_and(|&c| space(c) || c == b'/') {
                self.i += 1;
            }
            match self.s.get(self.i) {
                None => return Err(Refused::Unfinished),
                Some(b'>') => {
                    self.i += 1;
                    return Ok(());
                }
                Some(_) => {}
            }
            count += 1;
            if count > MAX_ATTRIBUTES {
                return Err(Refused::TooManyAttributes);
            }
            // The name: its first character may be anything, even `=`.
            self.i += 1;
            while self.s.get(self.i).is_some_and(|&c| !space(c) && !matches!(c, b'/' | b'>' | b'=')) {
                self.i += 1;
            }
            while self.s.get(self.i).is_some_and(|&c| space(c)) {
                self.i += 1;
            }
            if self.s.get(self.i) != Some(&b'=') {
                continue;
            }
            self.i += 1;
            while self.s.get(self.i).is_some_and(|&c| space(c)) {
                self.i += 1;
            }
            match self.s.get(self.i) {
                Some(&q @ (b'"' | b'\'')) => {
                    let Some(end) = memchr::memchr(q, &self.s[self.i + 1..]) else { return Err(Refused::Unfinished) };
                    self.i += end + 2;
                }
                _ => {
                    while self.s.get(self.i).is_some_and(|&c| !space(c) && c != b'>') {
                        self.i += 1;
                    }
                }
            }
        }
    }

    /// Past a comment starting at `!--`: it ends at `-->` or `--!>`, or at
    /// once with `<!-->` and `<!--->`.
    fn comment(&mut self) -> Result<(), Refused> {
        self.i += 3;
        let rest = &self.s[self.i..];
        if rest.starts_with(b">") || rest.starts_with(b"->") {
            self.i += memchr::memchr(b'>', rest).unwrap_or(0) + 1;
            return Ok(());
        }
        let mut from = 0;
        while let Some(at) = memchr::memmem::find(&rest[from..], b"--") {
            let after = &rest[from + at + 2..];
            if after.starts_with(b">") || after.starts_with(b"!>") {
                self.i += from + at + 2 + if after[0] == b'>' { 1 } else { 2 };
                return Ok(());
            }
            from += at + 1;
        }
        Err(Refused::Unfinished)
    }

    /// Past a bogus comment (`<!x`, `<?x`, `</ x`): it ends at the first `>`.
    fn until_gt(&mut self) -> Result<(), Refused> {
        let at = memchr::memchr(b'>', &self.s[self.i..]).ok_or(Refused::Unfinished)?;
        self.i += at + 1;
        Ok(())
    }

    /// Past the text of a raw-text element, to just before its end tag.
    fn skip_raw_text(&mut self, name: &str) {
        let mut from = self.i;
        while let Some(at) = memchr::memmem::find(&self.s[from..], b"</") {
            let start = from + at + 2;
            let candidate = self.s.get(start..start + name.len());
            let ends = self.s.get(start + name.len()).is_none_or(|&c| b"\t\n\x0c\r />".contains(&c));
            if candidate.is_some_and(|c| c.eq_ignore_ascii_case(name.as_bytes())) && ends {
                self.i = from + at;
                return;
            }
            from = start;
        }
        self.i = self.s.len();
    }
}

/// Show a piece of raw HTML as text when the parser would read it too
/// deep, with too many attributes, or past its end (the sanitiser still
/// cleans whatever is kept). HTML blocks, which arrive a line per event,
/// are judged whole. In place: most files keep all their events.
pub(crate) fn limit_raw_html(events: &mut [Event<'_>]) {
    let mut open = OpenTags::default();
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::HtmlBlock) => {
                let end = events[i..].iter().position(|e| matches!(e, Event::End(TagEnd::HtmlBlock)));
                let end = end.map_or(events.len(), |n| i + n);
                let lines = &mut events[i + 1..end];
                let text: String = lines.iter().map(|e| if let Event::Html(h) = e { h.as_ref() } else { "" }).collect();
                if open.accept(&text).is_err()
                    && let Some((first, rest)) = lines.split_first_mut()
                {
                    *first = Event::Text(CowStr::from(text));
                    rest.fill(Event::Text(CowStr::Borrowed("")));
                }
                i = end;
            }
            Event::InlineHtml(raw) | Event::Html(raw) if open.accept(raw).is_err() => {
                events[i] = Event::Text(raw.clone());
            }
            _ => {}
        }
        i += 1;
    }
}

/// Raw HTML "tags" that name no HTML element (`My role: <Backend>`,
/// `<your role>`) become the text the student wrote: the sanitiser would
/// drop them, and the word with them. Inline HTML is one tag per event; in
/// an HTML block (a line per event, judged whole) each such tag's `<` is
/// escaped. Real elements are left to the sanitiser (`<script>` still goes).
pub(crate) fn made_up_tags_as_text(events: &mut [Event<'_>]) {
    let made_up = |html: &str| -> Vec<usize> {
        let Ok(tokens) = (Tokens { s: html.as_bytes(), i: 0 }).all() else { return Vec::new() };
        let name = |t: &Token| match t {
            Token::Start(n) | Token::End(n) => !is_element(n),
        };
        tokens.iter().filter(|(_, t)| name(t)).map(|(at, _)| *at).collect()
    };
    let mut i = 0;
    while i < events.len() {
        match &events[i] {
            Event::Start(Tag::HtmlBlock) => {
                let end = events[i..].iter().position(|e| matches!(e, Event::End(TagEnd::HtmlBlock)));
                let end = end.map_or(events.len(), |n| i + n);
                let lines = &mut events[i + 1..end];
                let text: String = lines.iter().map(|e| if let Event::Html(h) = e { h.as_ref() } else { "" }).collect();
                let found = made_up(&text);
                if !found.is_empty()
                    && let Some((first, rest)) = lines.split_first_mut()
                {
                    let mut escaped = String::with_capacity(text.len() + 3 * found.len());
                    let mut from = 0;
                    for at in found {
                        escaped.push_str(&text[from..at]);
                        escaped.push_str("&lt;");
                        from = at + 1;
                    }
                    escaped.push_str(&text[from..]);
                    *first = Event::Html(CowStr::from(escaped));
                    rest.fill(Event::Html(CowStr::Borrowed("")));
                }
                i = end;
            }
            Event::InlineHtml(raw) if !made_up(raw).is_empty() => events[i] = Event::Text(raw.clone()),
            _ => {}
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn depth_after(html: &str) -> Result<usize, Refused> {
        let mut open = OpenTags::default();
        open.accept(html).map(|_| open.depth())
    }

    #[test]
    fn end_tags_close_only_what_the_parser_closes() {
        assert_eq!(depth_after("<div><span>x</span>"), Ok(1));
        assert_eq!(depth_after("<br><img src=x><hr/>"), Ok(0));
        assert_eq!(depth_after("<ul><li>a<li>b<li>c</ul>"), Ok(0));
        assert_eq!(depth_after("<p>a<p>b</p>"), Ok(0));
        // An end tag with nothing to close is ignored by the parser.
        assert_eq!(depth_after(&"<span></x>".repeat(10)), Ok(10));
        // `</span>` stops at the special `div`: the parser ignores it.
        assert_eq!(depth_after("<span><div></span>"), Ok(2));
        assert_eq!(depth_after("<rb></x><rb></x>"), Ok(2));
        assert_eq!(depth_after("<table><tr><td>a<td>b<tr><td>c</table>"), Ok(0));
        assert_eq!(depth_after("<div><table><tr><td><p>x</div>"), Ok(5), "the cell is a scope boundary");
    }

    #[test]
    fn the_bypass_of_unmatched_end_tags_is_refused() {
        let payload = format!("{}{}", "<span>".repeat(40), "</x>".repeat(40)).repeat(2);
        assert_eq!(depth_after(&payload), Err(Refused::TooDeep));
        assert_eq!(depth_after(&"<b>".repeat(MAX_RAW_FORMATTING + 1)), Err(Refused::TooDeep));
        assert_eq!(depth_after(&"<b>x</b>".repeat(1000)), Ok(0));
    }

    #[test]
    fn a_refused_piece_leaves_the_elements_as_they_were() {
        let mut open = OpenTags::default();
        open.accept("<div><ul><li><b>").unwrap();
        let before = open.stack.clone();
        let refused = format!("</b></li></ul></div>{}", "<i>".repeat(MAX_RAW_FORMATTING + 1));
        assert_eq!(open.accept(&refused), Err(Refused::TooDeep));
        assert_eq!(open.stack, before);
        assert_eq!(open.formatting, 1);
        open.accept("</b></li></ul></div>").unwrap();
        assert_eq!((open.depth(), open.formatting), (0, 0));
    }

    #[test]
    fn comments_raw_text_and_attributes_are_read_like_the_tokenizer() {
        assert_eq!(depth_after("<!-- <div><div> --><div>"), Ok(1));
        assert_eq!(depth_after("<!--><div>"), Ok(1), "`<!-->` is a whole comment");
        assert_eq!(depth_after("<!---><div>"), Ok(1));
        assert_eq!(depth_after("<div title=\"<div><div>\" data-x='>'>"), Ok(1));
        assert_eq!(depth_after("<style><div><div></style><div>"), Ok(1));
        assert_eq!(depth_after("<script><!--</script><div>"), Ok(1), "the script ends despite the comment");
        assert_eq!(depth_after("<div"), Err(Refused::Unfinished));
        assert_eq!(depth_after("<!-- open"), Err(Refused::Unfinished));
        let many = format!("<a {}>", (0..=MAX_ATTRIBUTES).map(|i| format!("x{i}")).collect::<Vec<_>>().join(" "));
        assert_eq!(depth_after(&many), Err(Refused::TooManyAttributes));
        assert_eq!(depth_after("<a =x ==y href=\"q\">"), Ok(1));
    }
}
