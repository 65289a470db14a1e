//! Parse stage, first half: Markdown text -> an outline tree.
//!
//! Headings own what follows them until a heading of the same or a higher
//! level; list items own their nested lists; tables become rows of cells.
//! Every node keeps its 1-based line so diagnostics can point at it.
//! Markup is dropped: a node's `text` is what a reader sees.

use pulldown_cmark::{CodeBlockKind, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use repair::{entry_lines_as_items, paragraph_runs_as_items, split_lazy_labels};
use std::borrow::Cow;
use std::sync::LazyLock;

mod html;
mod layout;
mod lines;
mod node;
mod repair;

pub(crate) use html::html_as_text;
pub(crate) use lines::LineIndex;
pub(crate) use node::{Kind, Node};

/// Level given to a paragraph that acts as a heading ("**Skills I have**"
/// alone on its line, or a short "Components:" line): below every real
/// heading.
pub(crate) const LABEL_LEVEL: u8 = 7;

/// A label that names no section ("**Mobile app**") sits one level deeper,
/// so where bold lines are a file's only headings, "**Backend engineer**"
/// falls under "**Roles and responsibilities**" as it would under `##`.
pub(crate) const SUB_LABEL_LEVEL: u8 = LABEL_LEVEL + 1;

/// Labels nest no deeper than this.
const MAX_LABEL_LEVEL: u8 = 12;

/// Deeper list nesting is flattened into the item at this depth, so a hostile
/// file cannot make the tree (or recursion over it) unbounded.
const MAX_DEPTH: usize = 48;

/// Parse Markdown into an outline rooted at a `Kind::Root` node.
pub(crate) fn parse(text: &str) -> Node {
    parse_with(text, &|_| None)
}

/// Which section a title names, as a key (equal keys, same section), or
/// `None`: the parse stage needs to know only that much of sections.
pub(crate) type SectionOf<'a> = &'a dyn Fn(&str) -> Option<u8>;

/// Like [`parse`], and a short plain line for which `is_title` holds (a
/// section title written without `#`, "Skills I lack") becomes a label.
pub(crate) fn parse_with(text: &str, is_title: SectionOf<'_>) -> Node {
    let lines = LineIndex::new(text);
    let repaired = layout::recover(text, &lines, is_title);
    // A repair inserts characters, so the line starts move.
    let lines = if matches!(repaired, Cow::Owned(_)) { LineIndex::new(&repaired) } else { lines };
    let mut root = parse_inner(&repaired, is_title, 0, lines);
    split_lazy_labels(&mut root);
    entry_lines_as_items(&mut root);
    paragraph_runs_as_items(&mut root);
    root
}

/// Indented blocks are re-read as Markdown this many times at most.
const MAX_REPARSE: usize = 2;

fn parse_inner(text: &str, is_title: SectionOf<'_>, reparse: usize, lines: LineIndex) -> Node {
    let mut b =
        Builder { stack: vec![Node::new(Kind::Root, 1)], is_title: Some(is_title), reparse, ..Default::default() };
    let opts = Options::ENABLE_TABLES | Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TASKLISTS | Options::ENABLE_GFM;
    for (event, range) in Parser::new_ext(text, opts).into_offset_iter() {
        // Only a start needs its line.
        if let Event::Start(tag) = event {
            let line = lines.line(range.start);
            let blocks = b.stack.len();
            b.start(tag, line);
            // A block's text is mostly the rest of its first line: room for
            // that at once, not grown piece by piece.
            if b.stack.len() > blocks
                && let Some(n) = b.stack.last_mut()
                && matches!(n.kind, Kind::Heading(_) | Kind::Paragraph | Kind::Item)
            {
                let end = lines.starts.get(line).map_or(text.len(), |&s| s.saturating_sub(1));
                n.text.reserve(end.saturating_sub(range.start));
            }
        } else {
            b.event(event, 0);
        }
    }
    b.finish()
}

#[derive(Default)]
struct Builder<'t> {
    stack: Vec<Node>,
    is_title: Option<SectionOf<'t>>,
    /// How many indented blocks deep this parse is.
    reparse: usize,
    /// The open code block is indented (prose, re-read as Markdown).
    in_indented_code: bool,
    /// Items not pushed because of MAX_DEPTH; their text joins the parent.
    skipped_items: usize,
    /// Raw HTML block being collected (comments and pseudo-tags in it).
    html: Option<(String, usize)>,
    strong: Option<String>,
    cell: Option<String>,
    in_fenced_code: bool,
    /// Block quotes open around the current block: a callout's first line
    /// ("> [!note] Which role did I choose") is no title.
    quotes: usize,
}

impl Builder<'_> {
    fn event(&mut self, event: Event<'_>, line: usize) {
        match event {
            Event::Start(tag) => self.start(tag, line),
            Event::End(tag) => self.end(tag),
            Event::Text(t) | Event::Code(t) => self.text(&t),
            Event::InlineMath(t) | Event::DisplayMath(t) => self.text(&t),
            Event::Html(t) => {
                if let Some((buf, _)) = &mut self.html {
                    buf.push_str(&t);
                }
            }
            Event::InlineHtml(t) => {
                let shown = html_as_text(&t);
                self.text(&shown);
            }
            Event::SoftBreak | Event::HardBreak => self.text("\n"),
            Event::Rule | Event::TaskListMarker(_) | Event::FootnoteReference(_) => {}
        }
    }

    fn start(&mut self, tag: Tag<'_>, line: usize) {
        match tag {
            Tag::Heading { level, .. } => {
                let level = heading_level(level);
                if self.at_document_level() {
                    self.close_headings(level);
                }
                self.stack.push(Node::new(Kind::Heading(level), line));
            }
            Tag::Paragraph => self.stack.push(Node::new(Kind::Paragraph, line)),
            Tag::Item => {
                if self.depth() >= MAX_DEPTH {
                    self.skipped_items += 1;
                    self.text("\n");
                } else {
                    self.stack.push(Node::new(Kind::Item, line));
                }
            }
            Tag::Table(_) => self.stack.push(Node::new(Kind::Table, line)),
            Tag::TableHead => {
                let mut row = Node::new(Kind::Row, line);
                row.header = true;
                self.stack.push(row);
            }
            Tag::TableRow => self.stack.push(Node::new(Kind::Row, line)),
            Tag::TableCell => self.cell = Some(String::new()),
            Tag::CodeBlock(kind) => {
                self.in_fenced_code = matches!(kind, CodeBlockKind::Fenced(_));
                self.in_indented_code = !self.in_fenced_code;
                let kind = if self.in_fenced_code { Kind::Code } else { Kind::Paragraph };
                self.stack.push(Node::new(kind, line));
            }
            Tag::HtmlBlock => self.html = Some((String::new(), line)),
            Tag::BlockQuote(_) => self.quotes += 1,
            // Only a bold run at the very start of a block is its label.
            Tag::Strong if self.current_text().is_some_and(|t| t.trim().is_empty()) && self.strong.is_none() => {
                self.strong = Some(String::new());
            }
            Tag::Link { dest_url, .. } | Tag::Image { dest_url, .. } => {
                if let Some(n) = self.stack.last_mut() {
                    n.links.push(dest_url.to_string());
                }
            }
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd) {
        match tag {
            TagEnd::Heading(_) => {
                let at_doc = self.stack.len() >= 2 && self.at_level_below_top();
                if !at_doc {
                    self.pop_attach();
                }
            }
            TagEnd::Paragraph => self.end_paragraph(),
            TagEnd::BlockQuote(_) => self.quotes = self.quotes.saturating_sub(1),
            TagEnd::Item => {
                if self.skipped_items > 0 {
                    self.skipped_items -= 1;
                } else {
                    self.pop_attach();
                }
            }
            TagEnd::TableCell => {
                let cell = self.cell.take().unwrap_or_default();
                if let Some(n) = self.stack.last_mut() {
                    n.cells.push(cell.trim().to_string());
                }
            }
            TagEnd::TableHead | TagEnd::TableRow | TagEnd::Table => self.pop_attach(),
            TagEnd::CodeBlock => {
                self.in_fenced_code = false;
                if std::mem::take(&mut self.in_indented_code) && self.reparse < MAX_REPARSE {
                    self.reparse_indented();
                } else {
                    self.pop_attach();
                }
            }
            TagEnd::HtmlBlock => {
                if let Some((raw, line)) = self.html.take() {
                    let shown = html_as_text(&raw);
                    if !shown.trim().is_empty() {
                        let mut p = Node::new(Kind::Paragraph, line);
                        p.text = shown.trim().to_string();
                        self.attach(p);
                    }
                }
            }
            TagEnd::Strong => {
                if let Some(label) = self.strong.take()
                    && let Some(n) = self.stack.last_mut()
                    && n.label.is_none()
                    && !label.trim().is_empty()
                {
                    n.label = Some(label.trim().to_string());
                }
            }
            _ => {}
        }
    }

    fn text(&mut self, t: &str) {
        if let Some(cell) = &mut self.cell {
            cell.push_str(t);
            return;
        }
        if let Some(s) = &mut self.strong {
            s.push_str(t);
        }
        if let Some(n) = self.stack.last_mut() {
            n.text.push_str(t);
        }
    }

    /// Indented "code" in student files is nearly always prose or a list
    /// indented by accident: read it again as Markdown, in place.
    fn reparse_indented(&mut self) {
        let Some(block) = self.stack.pop() else { return };
        let is_title = self.is_title.unwrap_or(&|_| None);
        let inner = parse_inner(&block.text, is_title, self.reparse + 1, LineIndex::new(&block.text));
        for mut child in inner.children {
            shift_lines(&mut child, block.line - 1);
            self.attach(child);
        }
    }

    fn current_text(&self) -> Option<&str> {
        self.stack.last().map(|n| n.text.as_str())
    }

    fn end_paragraph(&mut self) {
        let Some(mut para) = self.stack.pop() else { return };
        finish_node(&mut para);
        let doc_level = self.at_document_level();
        // "Reflection" on its own line with the text straight under it.
        if doc_level
            && self.quotes == 0
            && let Some(rest) = self.title_line_over(&mut para)
        {
            let level = self.label_level(&para.text);
            para.kind = Kind::Heading(level);
            self.close_headings(level);
            self.stack.push(para);
            self.attach(rest);
            return;
        }
        let label = doc_level && (reads_as_label(&para) || self.is_plain_title(&para));
        match self.stack.last_mut() {
            // The first paragraph of a loose list item is the item's own text.
            Some(item) if item.kind == Kind::Item && item.text.trim().is_empty() && item.children.is_empty() => {
                item.text = para.text;
                item.label = para.label;
                item.links.extend(para.links);
            }
            _ if label => {
                let level = self.label_level(&para.text);
                para.kind = Kind::Heading(level);
                self.close_headings(level);
                self.stack.push(para);
            }
            _ => self.attach(para),
        }
    }

    /// A label that names a section starts one; a label that names the
    /// section of the label it follows is that label's sibling ("Posting
    /// 2" after "Posting 1"); a label that names the section of a label
    /// further out is a part of the nearest one ("**Responsibilities**"
    /// under "**1. Backend engineer**" inside "**Roles and
    /// responsibilities**"), as is any label that names no section.
    fn label_level(&self, text: &str) -> u8 {
        let section = |t: &str| self.is_title.and_then(|f| f(t.trim()));
        let mut open = self.stack.iter().rev().filter(|n| n.is_label());
        let nearest = open.clone().next().map(|n| (n, section(&n.text)));
        let under_nearest = nearest.map_or(SUB_LABEL_LEVEL, |(n, _)| match n.kind {
            Kind::Heading(l) => (l + 1).clamp(SUB_LABEL_LEVEL, MAX_LABEL_LEVEL),
            _ => SUB_LABEL_LEVEL,
        });
        // "Posting 2" is a sibling of an open "Posting 1", however deep the
        // labels between them ("**Key skills:**" under "Posting 1").
        if let Some(Kind::Heading(l)) = open.clone().find(|n| numbered_siblings(&n.text, text)).map(|n| n.kind) {
            return l;
        }
        // "Based on the components analysed above:" leads in; it names none.
        let lead_in = text.trim_end().ends_with(':') && crate::text::words_up_to(text, 6) >= 6;
        match (section(text).filter(|_| !lead_in), nearest) {
            (None, _) => SUB_LABEL_LEVEL,
            (Some(key), Some((n, Some(near)))) if key == near => match n.kind {
                Kind::Heading(l) => l,
                _ => LABEL_LEVEL,
            },
            (Some(key), _) if open.any(|n| section(&n.text) == Some(key)) => under_nearest,
            (Some(_), _) => LABEL_LEVEL,
        }
    }

    /// Where a paragraph's first line is a title (bold, or plain and naming
    /// a section) and more lines follow: cut `para` down to the title and
    /// return the rest, a paragraph of its own.
    fn title_line_over(&self, para: &mut Node) -> Option<Node> {
        let (first, rest) = para.text.split_once('\n')?;
        let bold = para.label.as_deref().is_some_and(|l| l == first.trim() || l == first.trim().trim_end_matches(':'));
        let probe = Node { text: first.to_string(), ..Node::new(Kind::Paragraph, para.line) };
        if !(bold && reads_as_label(&probe) || self.is_plain_title(&probe)) || rest.trim().is_empty() {
            return None;
        }
        let mut body = Node::new(Kind::Paragraph, para.line + 1);
        body.text = rest.trim().to_string();
        body.links = std::mem::take(&mut para.links);
        para.text = first.trim().to_string();
        Some(body)
    }

    /// A short plain line that names a section ("Skills I lack").
    fn is_plain_title(&self, p: &Node) -> bool {
        let text = p.text.trim();
        !text.contains('\n')
            && p.links.is_empty()
            && !text.ends_with(['.', '?', '!'])
            && (1..=8).contains(&crate::text::words_up_to(text, 8))
            && self.is_title.is_some_and(|f| f(text).is_some())
    }

    /// True when the stack holds only the root and headings.
    fn at_document_level(&self) -> bool {
        self.stack.iter().all(|n| matches!(n.kind, Kind::Root | Kind::Heading(_)))
    }

    /// Called at a heading's end: was the heading opened at document level?
    fn at_level_below_top(&self) -> bool {
        self.stack[..self.stack.len() - 1].iter().all(|n| matches!(n.kind, Kind::Root | Kind::Heading(_)))
    }

    fn depth(&self) -> usize {
        self.stack.len()
    }

    /// Pop headings of `level` or deeper, attaching each to its parent.
    fn close_headings(&mut self, level: u8) {
        while let Some(Node { kind: Kind::Heading(l), .. }) = self.stack.last() {
            if *l < level {
                break;
            }
            self.pop_attach();
        }
    }

    fn pop_attach(&mut self) {
        if self.stack.len() < 2 {
            return;
        }
        let mut node = self.stack.pop().expect("stack has two nodes");
        finish_node(&mut node);
        self.attach(node);
    }

    fn attach(&mut self, node: Node) {
        if let Some(parent) = self.stack.last_mut() {
            parent.children.push(node);
        }
    }

    fn finish(mut self) -> Node {
        while self.stack.len() > 1 {
            self.pop_attach();
        }
        self.stack.pop().expect("root")
    }
}

fn shift_lines(node: &mut Node, by: usize) {
    node.line += by;
    for c in &mut node.children {
        shift_lines(c, by);
    }
}

fn heading_level(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

/// Trim text and pick up bare URLs, which CommonMark leaves as plain text.
/// A definition written "Term\n: what it is" reads "Term: what it is".
pub(super) fn finish_node(node: &mut Node) {
    let trimmed = node.text.trim();
    if trimmed.len() != node.text.len() {
        node.text = trimmed.to_string();
    }
    // A definition ("Term\n: meaning") only where the first line break is
    // one: found with a byte scan, not a substring searcher per node.
    if let Some(nl) = memchr::memchr(b'\n', node.text.as_bytes())
        && node.text[nl + 1..].starts_with(": ")
    {
        node.text = format!("{}: {}", &node.text[..nl], &node.text[nl + 3..]);
    }
    // One searcher for every node: memchr for 'h' stops at every "the".
    static HTTP: LazyLock<memchr::memmem::Finder<'static>> = LazyLock::new(|| memchr::memmem::Finder::new("http"));
    if HTTP.find(node.text.as_bytes()).is_none() {
        return;
    }
    for word in node.text.split(|c: char| c.is_whitespace() || matches!(c, '<' | '>' | '(' | ')' | '[' | ']')) {
        if (word.starts_with("http://") || word.starts_with("https://")) && !node.links.iter().any(|l| l == word) {
            node.links.push(word.trim_end_matches(['.', ',', ';']).to_string());
        }
    }
}

/// A paragraph that reads as a section label: only bold text, or one short
/// line ending in ':' ("Components:").
fn reads_as_label(p: &Node) -> bool {
    let text = p.text.trim();
    if text.is_empty() || text.contains('\n') || !p.links.is_empty() {
        return false;
    }
    let words = crate::text::words_up_to(text, 12);
    let all_bold = p.label.as_deref().is_some_and(|l| {
        l == text.trim_end_matches(':').trim() || l.trim_end_matches(':') == text.trim_end_matches(':').trim()
    });
    (all_bold && words <= 12) || (text.ends_with(':') && words <= 8)
}

/// "Posting 1" and "Posting 2", "Vacancy #3" and "Vacancy #4": the same
/// words around different numbers.
fn numbered_siblings(a: &str, b: &str) -> bool {
    match (number_split(a), number_split(b)) {
        (Some((pa, na)), Some((pb, nb))) => na != nb && !pa.trim().is_empty() && pa.eq_ignore_ascii_case(pb),
        _ => false,
    }
}

/// "Posting 12:" as ("Posting ", "12"), for numbers of up to three digits.
fn number_split(s: &str) -> Option<(&str, &str)> {
    let s = s.trim().trim_end_matches(':');
    let words = s.trim_end_matches(|c: char| c.is_ascii_digit());
    (words.len() < s.len() && s.len() - words.len() <= 3).then(|| s.split_at(words.len()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(n: &Node) -> Vec<String> {
        n.children.iter().map(|c| c.text.clone()).collect()
    }

    #[test]
    fn headings_own_what_follows() {
        let root = parse("# A\n\ntext\n\n## B\n\n- x\n- y\n\n# C\n");
        assert_eq!(titles(&root), ["A", "C"]);
        let a = &root.children[0];
        assert_eq!(titles(a), ["text", "B"]);
        assert_eq!(titles(&a.children[1]), ["x", "y"]);
        assert_eq!(a.children[1].children[0].line, 7);
    }

    #[test]
    fn loose_items_take_their_first_paragraph() {
        let root = parse("- **Mobile app**\n\n  - **iOS dev**: Swift\n\n  - QA\n");
        let item = &root.children[0];
        assert_eq!(item.text, "Mobile app");
        assert_eq!(item.label.as_deref(), Some("Mobile app"));
        assert_eq!(item.children[0].label.as_deref(), Some("iOS dev"));
        assert_eq!(item.children[0].text, "iOS dev: Swift");
    }

    #[test]
    fn bold_paragraph_becomes_a_label_heading() {
        let root = parse("## Role\n\n**Responsibilities**\n\n* one\n* two\n");
        let label = &root.children[0].children[0];
        assert_eq!(label.kind, Kind::Heading(SUB_LABEL_LEVEL));
        assert_eq!(titles(label), ["one", "two"]);
    }

    #[test]
    fn made_up_tags_are_text_and_comments_vanish() {
        let root = parse("## My chosen role\n\n<Backend>\n\n<!-- a comment -->\n");
        assert_eq!(titles(&root.children[0]), ["Backend"]);
        assert_eq!(html_as_text("a<br>b <!-- x --> <span>c</span>"), "a\nb  c");
    }

    #[test]
    fn tables_become_rows_and_bare_urls_links() {
        let root = parse("| M | R |\n|---|---|\n| **Gw** | A, B |\n\n1. https://x.test/1\n");
        let table = &root.children[0];
        assert_eq!(table.children[1].cells, ["Gw", "A, B"]);
        assert_eq!(root.children[1].links, ["https://x.test/1"]);
    }

    #[test]
    fn walk_is_preorder_at_any_depth() {
        fn preorder<'a>(n: &'a Node, out: &mut Vec<&'a Node>) {
            out.push(n);
            for c in &n.children {
                preorder(c, out);
            }
        }
        let mut s = String::new();
        for i in 0..20 {
            s.push_str(&"  ".repeat(i));
            s.push_str("- x\n");
        }
        s.push_str("\n# A\n\n- a\n  - b\n- c\n\n## B\n\ntext\n");
        let root = parse(&s);
        let mut want = Vec::new();
        preorder(&root, &mut want);
        let got: Vec<&Node> = root.iter().collect();
        assert_eq!(got.len(), want.len());
        assert!(got.iter().zip(&want).all(|(a, b)| std::ptr::eq(*a, *b)));
    }

    #[test]
    fn deep_nesting_is_flattened() {
        let mut s = String::new();
        for i in 0..500 {
            s.push_str(&"  ".repeat(i));
            s.push_str("- x\n");
        }
        let root = parse(&s);
        let depth = |mut n: &Node| {
            let mut d = 0;
            while let Some(c) = n.children.first() {
                n = c;
                d += 1;
            }
            d
        };
        assert!(depth(&root) <= MAX_DEPTH);
    }

    #[test]
    fn numbered_labels_are_siblings_across_nested_labels() {
        let section = |t: &str| t.to_lowercase().starts_with("posting").then_some(1u8);
        let text = "Postings\n\nPosting 1\n\n**Key skills:**\n\n- a\n- b\n\nPosting 2\n\n**Key skills:**\n\n- c\n";
        let root = parse_with(text, &section);
        assert_eq!(titles(&root), ["Postings", "Posting 1", "Posting 2"]);
        assert_eq!(titles(&root.children[2].children[0]), ["c"]);
        assert!(numbered_siblings("Vacancy #3", "Vacancy #4"));
        assert!(!numbered_siblings("Vacancy 3", "Vacancy 3") && !numbered_siblings("Task 1", "Posting 2"));
    }
}
