//! Repairs on the outline after parsing, for slips that change how
//! CommonMark reads a student's file (those fixed on the text before it are
//! in `layout`).

use super::{Kind, LABEL_LEVEL, Node, SUB_LABEL_LEVEL};

/// "Label:" lines written straight under a list or a line, with no blank
/// line, are read by CommonMark as the last item's (or line's)
/// continuation ("- DevOps\nKafka:"). Cut them out into labels of their
/// own, taking what follows: beside the label they were found under, or
/// inside it where that label names a section ("requirements:" under
/// "**Job postings**").
pub(super) fn split_lazy_labels(node: &mut Node) {
    for c in &mut node.children {
        split_lazy_labels(c);
    }
    if !node.children.iter().any(Node::is_label) {
        return;
    }
    let mut out: Vec<Node> = Vec::with_capacity(node.children.len());
    for child in std::mem::take(&mut node.children) {
        if !child.is_label() {
            out.push(child);
            continue;
        }
        let beside = child.kind != Kind::Heading(LABEL_LEVEL);
        let mut labels = vec![Node { children: Vec::new(), ..child.clone() }];
        for mut c in child.children {
            let lazy = (matches!(c.kind, Kind::Item | Kind::Paragraph) && c.children.is_empty())
                .then(|| c.text.rsplit_once('\n'))
                .flatten()
                .filter(|(_, last)| is_colon_label(last.trim()))
                .map(|(head, last)| (head.trim().to_string(), last.trim().to_string()));
            let current = labels.last_mut().expect("one label at least");
            match lazy {
                Some((head, last)) => {
                    let line = c.line + head.lines().count();
                    c.text = head;
                    current.children.push(c);
                    let mut next = Node::new(if beside { child.kind } else { Kind::Heading(SUB_LABEL_LEVEL) }, line);
                    next.text = last;
                    labels.push(next);
                }
                None => current.children.push(c),
            }
        }
        if beside {
            out.extend(labels);
        } else {
            let mut labels = labels.into_iter();
            let mut first = labels.next().expect("one label at least");
            first.children.extend(labels);
            out.push(first);
        }
    }
    node.children = out;
}

/// Lines written one under another with no marker, each an entry ("API
/// gateway - backend dev", "QA: tests releases", a link): a list without
/// markers or blank lines. Each line becomes an item of its own.
pub(super) fn entry_lines_as_items(node: &mut Node) {
    for c in &mut node.children {
        if c.kind != Kind::Item {
            entry_lines_as_items(c);
        }
    }
    if !matches!(node.kind, Kind::Root | Kind::Heading(_)) {
        return;
    }
    let entries = |n: &Node| {
        n.kind == Kind::Paragraph
            && memchr::memchr(b'\n', n.text.as_bytes()).is_some()
            && crate::text::lines(&n.text).all(|l| described(l.trim()) || l.trim_start().starts_with("http"))
    };
    // Each paragraph read once: the first found, then those after it.
    let Some(first) = node.children.iter().position(entries) else { return };
    let mut out = Vec::with_capacity(node.children.len() + 4);
    for (i, para) in std::mem::take(&mut node.children).into_iter().enumerate() {
        if i < first || i > first && !entries(&para) {
            out.push(para);
            continue;
        }
        let lines: Vec<&str> = crate::text::lines(&para.text).collect();
        // Links written as [text](url) belong to their lines when there is
        // one a line; bare ones are found on the line again.
        let one_each = para.links.len() == lines.len();
        for (i, line) in lines.iter().enumerate() {
            let mut item = Node::new(Kind::Item, para.line + i);
            item.text = line.trim().to_string();
            if i == 0 {
                item.label.clone_from(&para.label);
            }
            if one_each {
                item.links.push(para.links[i].clone());
            }
            super::finish_node(&mut item);
            out.push(item);
        }
    }
    node.children = out;
}

/// One-line paragraphs set apart by blank lines, two or more in a row under
/// a heading with no list (three beside one), are a list written without markers ("Python",
/// "SQL", "Git"): a reader takes each line for an item. Where short bare
/// names stand between "Name: description" lines, the names head the lines
/// after them ("Web app", "Designer: draws it", "Tester: tests it").
pub(super) fn paragraph_runs_as_items(node: &mut Node) {
    for c in &mut node.children {
        if c.kind != Kind::Item {
            paragraph_runs_as_items(c);
        }
    }
    if !matches!(node.kind, Kind::Root | Kind::Heading(_)) {
        return;
    }
    // Beside a list, two lines may be comments on it; three make a list.
    let shortest = if node.children.iter().any(|c| c.kind == Kind::Item) { 3 } else { 2 };
    // Short lines, or "**Name**: what it is" at any length.
    let listy = |n: &Node| {
        n.kind == Kind::Paragraph
            && !n.text.contains('\n')
            && !n.text.ends_with(['?', ':'])
            && (crate::text::words_up_to(&n.text, MAX_ITEM_WORDS) <= MAX_ITEM_WORDS
                || n.label.is_some() && described(&n.text))
    };
    // Most headings hold no such run: leave their children where they are.
    if !node.children.windows(shortest).any(|w| w.iter().all(listy)) {
        return;
    }
    let mut out = Vec::with_capacity(node.children.len());
    let mut children = std::mem::take(&mut node.children).into_iter().peekable();
    while let Some(first) = children.next() {
        if !listy(&first) || !children.peek().is_some_and(listy) {
            out.push(first);
            continue;
        }
        let mut run = vec![first];
        while let Some(n) = children.next_if(listy) {
            run.push(n);
        }
        if run.len() >= shortest {
            out.extend(items_of_run(run));
        } else {
            out.extend(run);
        }
    }
    node.children = out;
}

/// A run of one-line paragraphs as items, or as labels over items where
/// the run opens with a bare name and holds described lines.
fn items_of_run(run: Vec<Node>) -> Vec<Node> {
    let bare = |n: &Node| n.label.is_none() && !described(&n.text) && !n.text.ends_with(['.', '!']);
    // Each name heads at least one described line: none stands last or
    // right before another name.
    let names = run.iter().filter(|n| bare(n)).count();
    let heads_lines = run.windows(2).all(|w| !(bare(&w[0]) && bare(&w[1])));
    // One name over short dotted lines is a list whose first item lacks
    // its dot ("Kubernetes", "Cloud technologies."), not a group.
    let strong = |n: &Node| n.label.is_some() || described(&n.text) || crate::text::words_up_to(&n.text, 5) > 4;
    let one_group_of_lines = names >= 2 || run.iter().filter(|n| !bare(n)).all(strong);
    let grouped =
        bare(&run[0]) && !bare(&run[run.len() - 1]) && heads_lines && 2 * names <= run.len() && one_group_of_lines;
    let mut out: Vec<Node> = Vec::new();
    for mut n in run {
        if grouped && bare(&n) {
            n.kind = Kind::Heading(SUB_LABEL_LEVEL);
            out.push(n);
            continue;
        }
        n.kind = Kind::Item;
        match out.last_mut() {
            Some(label) if grouped => label.children.push(n),
            _ => out.push(n),
        }
    }
    out
}

/// "Name: description", "Name - description": a short head, then more.
fn described(text: &str) -> bool {
    // One pass over the bytes rules out the separators a line cannot hold.
    let bytes = crate::text::SepBytes::of(text);
    bytes.any()
        && [": ", " - ", " – ", " — "].iter().any(|sep| {
            bytes.split_once(text, sep).is_some_and(|(head, tail)| {
                !tail.trim().is_empty() && (1..=8).contains(&crate::text::words_up_to(head, 8))
            })
        })
}

/// Longer lines are prose, even one to a paragraph.
const MAX_ITEM_WORDS: usize = 30;

fn is_colon_label(line: &str) -> bool {
    line.ends_with(':') && (1..=6).contains(&crate::text::words_up_to(line, 6)) && !line.starts_with(['-', '*'])
}

#[cfg(test)]
mod tests {
    use super::super::parse;
    use super::*;

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
        let root = super::super::parse_with("Intro text here.\n\nSkills I lack\n- Go\n", &|s| {
            s.starts_with("Skills").then_some(0)
        });
        assert_eq!(root.children[1].kind, Kind::Heading(LABEL_LEVEL));
        assert_eq!(root.children[1].children[0].text, "Go");
    }

    #[test]
    fn runs_of_lines_group_under_names_only_over_descriptions() {
        let kinds = |text: &str| {
            let root = parse(text);
            root.children[0].children.iter().map(|c| (c.kind, c.children.len())).collect::<Vec<_>>()
        };
        // A list whose first line lacks the others' full stop.
        let flat = kinds("## Lacking\n\nRust\n\nLinux admin.\n\nSQL tuning.\n");
        assert_eq!(flat, [(Kind::Item, 0); 3]);
        // Names, each over what it means.
        let grouped =
            kinds("## Parts\n\nBackend\n\nServes the API for the app.\n\nClient\n\nShows the menu to the user.\n");
        assert_eq!(grouped, [(Kind::Heading(SUB_LABEL_LEVEL), 1); 2]);
    }
}
