//! Repairs for slips that change how CommonMark reads a student's file:
//! done on the text before parsing (line count kept, so lines stay right)
//! or on the outline after it.

use super::{Kind, LABEL_LEVEL, LineIndex, Node};
use std::borrow::Cow;

/// Repair two slips that change how CommonMark reads a line, keeping the
/// line count: `##Title` (a paragraph to CommonMark) and `-item` (not a
/// list item). Fenced code is left alone.
pub(super) fn repair_markers<'t>(text: &'t str, lines: &LineIndex) -> Cow<'t, str> {
    // Built only from the first repair on: most files need none.
    let mut out: Option<String> = None;
    let mut fence: Option<&str> = None;
    let mut start = 0;
    for i in 0..lines.len() {
        let line = lines.line_text(text, i);
        if line.is_empty() {
            break;
        }
        let line_start = start;
        start += line.len();
        // Most lines start with a letter: nothing to repair or track.
        if fence.is_none()
            && line.as_bytes()[0].is_ascii_graphic()
            && !matches!(line.as_bytes()[0], b'#' | b'-' | b'`' | b'~')
        {
            if let Some(out) = &mut out {
                out.push_str(line);
            }
            continue;
        }
        let body = line.trim_start();
        let indent = line.len() - body.len();
        if let Some(f) = fence {
            if body.starts_with(f) {
                fence = None;
            }
            if let Some(out) = &mut out {
                out.push_str(line);
            }
            continue;
        }
        if indent < 4 && (body.starts_with("```") || body.starts_with("~~~")) {
            fence = Some(&body[..3]);
            if let Some(out) = &mut out {
                out.push_str(line);
            }
            continue;
        }
        let hashes = body.len() - body.trim_start_matches('#').len();
        let after = &body[hashes..];
        let fix_heading = indent < 4
            && (1..=6).contains(&hashes)
            && after.starts_with(|c: char| c.is_alphabetic() || c.is_ascii_digit());
        let fix_dash = body.starts_with('-') && body[1..].starts_with(|c: char| c.is_alphabetic() || c == '*');
        if fix_heading || fix_dash {
            let out = out.get_or_insert_with(|| {
                let mut s = String::with_capacity(text.len() + 64);
                s.push_str(&text[..line_start]);
                s
            });
            let cut = indent + if fix_heading { hashes } else { 1 };
            out.push_str(&line[..cut]);
            out.push(' ');
            out.push_str(&line[cut..]);
        } else if let Some(out) = &mut out {
            out.push_str(line);
        }
    }
    out.map_or(Cow::Borrowed(text), Cow::Owned)
}

/// "Label:" lines written straight under a list, with no blank line, are
/// read by CommonMark as the last item's continuation ("- DevOps\nKafka:").
/// Cut them out into labels of their own, taking the items that follow.
pub(super) fn split_lazy_labels(node: &mut Node) {
    for c in &mut node.children {
        split_lazy_labels(c);
    }
    if !node.children.iter().any(|c| c.kind == Kind::Heading(LABEL_LEVEL)) {
        return;
    }
    let mut out: Vec<Node> = Vec::with_capacity(node.children.len());
    for child in std::mem::take(&mut node.children) {
        if child.kind != Kind::Heading(LABEL_LEVEL) {
            out.push(child);
            continue;
        }
        let mut label = Node { children: Vec::new(), ..child.clone() };
        for mut item in child.children {
            let lazy = (item.kind == Kind::Item && item.children.is_empty())
                .then(|| item.text.rsplit_once('\n'))
                .flatten()
                .filter(|(_, last)| is_colon_label(last.trim()))
                .map(|(head, last)| (head.trim().to_string(), last.trim().to_string()));
            match lazy {
                Some((head, last)) => {
                    let extra = head.lines().count();
                    item.text = head;
                    label.children.push(item.clone());
                    let mut next = Node::new(Kind::Heading(LABEL_LEVEL), item.line + extra);
                    next.text = last;
                    out.push(std::mem::replace(&mut label, next));
                }
                None => label.children.push(item),
            }
        }
        out.push(label);
    }
    node.children = out;
}

fn is_colon_label(line: &str) -> bool {
    line.ends_with(':') && (1..=6).contains(&crate::parse::words_up_to(line, 6)) && !line.starts_with(['-', '*'])
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

    fn repair(text: &str) -> Cow<'_, str> {
        repair_markers(text, &LineIndex::new(text))
    }

    #[test]
    fn markers_without_spaces() {
        assert_eq!(repair("##Notes\n    -one\n-two\n---\n"), "## Notes\n    - one\n- two\n---\n");
        assert_eq!(repair("```\n#include\n```\n"), "```\n#include\n```\n");
        assert!(matches!(repair("# Fine\n- ok\n"), Cow::Borrowed(_)));
    }

    #[test]
    fn indented_blocks_are_read_as_markdown() {
        let root = parse("##Tools\n\n    -Editor\n        -Vim\n    -Shell\n");
        let tools = &root.children[0];
        assert_eq!(tools.kind, Kind::Heading(2));
        assert_eq!(tools.children[0].text, "Editor");
        assert_eq!(tools.children[0].children[0].text, "Vim");
        assert_eq!(tools.children[0].children[0].line, 4);
    }

    #[test]
    fn lazy_labels_become_their_own_labels() {
        let root = parse("## Parts\nFront:\n- Web dev\nBack:\n- Server dev\n");
        let labels: Vec<&str> = root.children[0].children.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(labels, ["Front:", "Back:"]);
        assert_eq!(root.children[0].children[0].children[0].text, "Web dev");
        assert_eq!(root.children[0].children[1].children[0].text, "Server dev");
        assert_eq!(root.children[0].children[1].line, 4);
    }

    #[test]
    fn plain_titles_become_labels() {
        let root = super::super::parse_with("Intro text here.\n\nSkills I lack\n- Go\n", &|s| s.starts_with("Skills"));
        assert_eq!(root.children[1].kind, Kind::Heading(LABEL_LEVEL));
        assert_eq!(root.children[1].children[0].text, "Go");
    }
}
