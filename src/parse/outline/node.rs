//! The outline tree: a node per heading, item, paragraph, table, row or
//! code block, and a pre-order walk over it.

use super::LABEL_LEVEL;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    Root,
    /// 1-6 for Markdown headings, [`super::LABEL_LEVEL`] and [`super::SUB_LABEL_LEVEL`]
    /// for label paragraphs.
    Heading(u8),
    Item,
    Paragraph,
    Table,
    Row,
    Code,
}

#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub kind: Kind,
    /// Visible text; line breaks kept as '\n'.
    pub text: String,
    /// The bold run the block starts with, if any ("**Name**: description").
    pub label: Option<String>,
    pub line: usize,
    pub links: Vec<String>,
    /// Table cells (rows only).
    pub cells: Vec<String>,
    pub header: bool,
    pub children: Vec<Node>,
}

impl Node {
    pub(crate) fn new(kind: Kind, line: usize) -> Self {
        Node {
            kind,
            text: String::new(),
            label: None,
            line,
            links: Vec::new(),
            cells: Vec::new(),
            header: false,
            children: Vec::new(),
        }
    }

    pub(crate) fn is_heading(&self) -> bool {
        matches!(self.kind, Kind::Heading(_))
    }

    /// A paragraph read as a heading: bold alone on its line, "Name:", or
    /// a plain line that names a section.
    pub(crate) fn is_label(&self) -> bool {
        matches!(self.kind, Kind::Heading(l) if l >= LABEL_LEVEL)
    }

    /// Depth-first walk over this node and every descendant.
    pub(crate) fn iter(&self) -> Walk<'_> {
        Walk { next: Some(self), near: Default::default(), depth: 0, deep: Vec::new() }
    }

    /// All text below this node (itself included), one block per line.
    pub(crate) fn all_text(&self) -> String {
        let mut out = String::new();
        for n in self.iter() {
            if n.kind == Kind::Row {
                let t = n.cells.join(" | ");
                if !t.trim().is_empty() {
                    out.push_str(t.trim());
                    out.push('\n');
                }
            } else if !n.text.trim().is_empty() {
                out.push_str(n.text.trim());
                out.push('\n');
            }
        }
        out
    }
}

/// Pre-order iterator over a node and its descendants (see [`Node::iter`]).
pub(crate) struct Walk<'a> {
    next: Option<&'a Node>,
    /// Siblings still to visit per level, outermost first: the first levels
    /// in place (outlines are shallow), deeper ones in `deep`.
    near: [std::slice::Iter<'a, Node>; 8],
    depth: usize,
    deep: Vec<std::slice::Iter<'a, Node>>,
}

impl<'a> Walk<'a> {
    fn level(&mut self, i: usize) -> &mut std::slice::Iter<'a, Node> {
        if i < self.near.len() { &mut self.near[i] } else { &mut self.deep[i - self.near.len()] }
    }
}

impl<'a> Iterator for Walk<'a> {
    type Item = &'a Node;

    fn next(&mut self) -> Option<&'a Node> {
        let n = self.next.take()?;
        if !n.children.is_empty() {
            if self.depth < self.near.len() {
                self.near[self.depth] = n.children.iter();
            } else {
                self.deep.push(n.children.iter());
            }
            self.depth += 1;
        }
        while self.depth > 0 {
            if let Some(c) = self.level(self.depth - 1).next() {
                self.next = Some(c);
                break;
            }
            self.depth -= 1;
            if self.depth >= self.near.len() {
                self.deep.pop();
            }
        }
        Some(n)
    }
}
