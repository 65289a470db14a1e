//! Sections found by what they hold, where no heading names them.
//!
//! Headings are the strongest signal and are read first (`find_sections`).
//! Where the roles file has no heading for a task-2 section, its blocks (the
//! top-level items, headings and paragraphs of an untitled stretch, or the
//! tail of another section) are read for what they are:
//!
//! - a component over role names ("Web app" over "- Frontend engineer",
//!   or "Web app → Frontend engineer, QA") belongs to the components map;
//! - a role followed by what it does (a role heading over prose, "QA
//!   engineer – tests each release") to the responsibilities;
//! - a list of skills after those, or the roles named a second time with
//!   their skills, to the common skills.
//!
//! Runs of like blocks become sections, in the assignment's order; each
//! says why it was taken, for `--verbose`.

use super::fields::{child_items, description, has_description, name_of};
use super::text::{has_role_noun, split_inline};
use super::{FileOutline, FileRole, Section};
use crate::parse::outline::{Kind, Node};
use crate::text::word_count;

/// What one block reads as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Block {
    /// A component with the roles that build it.
    Group,
    /// A role with what it does (or needs).
    Duty,
    /// A short item or a group of them: a skill, a tool.
    Entry,
    /// A role's name alone on an item: its duties may be the items after.
    Role,
    /// Prose, links, anything else.
    Other,
    /// A heading that names a section: no block of an untitled one.
    Section,
}

/// A section recovered from content: the heading it was given, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Recovered {
    pub section: Section,
    pub line: usize,
    pub why: String,
}

const TASK_2: [Section; 3] = [Section::Components, Section::Responsibilities, Section::CommonSkills];

/// Give the roles file a heading for each task-2 section it holds without
/// one: first cut from a heading the trailing blocks it took from an
/// untitled section, then wrap each run of like blocks in a heading that
/// names its section. Extraction then reads the file as if the student had
/// written those headings.
pub(crate) fn recover_sections(root: &mut Node) -> Vec<Recovered> {
    if names_all_of_task_2(root) {
        return Vec::new();
    }
    let sections = section_nodes(root);
    let mut splits = Vec::new();
    for (path, inside) in containers(root, &sections) {
        let container = at(root, &path);
        let tails = tails(container, inside, &sections);
        splits.extend(tails.into_iter().map(|(i, cut)| (child(&path, i), cut)));
    }
    // Backwards, so a move leaves the places still to visit where they were.
    for (path, cut) in splits.into_iter().rev() {
        split_tail(root, &path, cut);
    }
    let sections = section_nodes(root);
    let missing = missing(&sections);
    let mut wraps = Vec::new();
    for (path, inside) in containers(root, &sections) {
        let container = at(root, &path);
        for run in runs(container, inside, &sections).into_iter().filter(|r| !r.own) {
            if missing.contains(&run.section) && !wraps.iter().any(|w: &Wrap| w.section == run.section) {
                wraps.push(Wrap { path: path.clone(), range: run.range, section: run.section, why: run.why });
            }
        }
    }
    wraps.sort_by(|a, b| (&a.path, a.range.start).cmp(&(&b.path, b.range.start)));
    let mut out: Vec<Recovered> = wraps.iter().map(|w| recovered(root, w)).collect();
    for w in wraps.into_iter().rev() {
        wrap(root, w);
    }
    out.sort_by_key(|r| r.line);
    out
}

/// The nodes that start sections, as extraction finds them, by address.
type Sections = Vec<(*const Node, Section)>;

/// A run of a container's children to put under a new heading.
struct Wrap {
    path: Vec<usize>,
    range: std::ops::Range<usize>,
    section: Section,
    why: &'static str,
}

fn recovered(root: &Node, w: &Wrap) -> Recovered {
    let first = &at(root, &w.path).children[w.range.start];
    let n = w.range.len();
    Recovered {
        section: w.section,
        line: first.line,
        why: format!("{n} block{}, {}", if n == 1 { "" } else { "s" }, w.why),
    }
}

/// The task-2 sections no heading or label of the file names.
fn missing(sections: &Sections) -> Vec<Section> {
    TASK_2.into_iter().filter(|s| !sections.iter().any(|(_, f)| f == s)).collect()
}

/// Whether extraction finds every task-2 section: read only until it has,
/// as most files have them all near the top (extraction reads them again).
fn names_all_of_task_2(root: &Node) -> bool {
    let file = FileOutline { path: "", text: "", role: FileRole::Roles, root, recovered: &[] };
    let mut seen = [false; TASK_2.len()];
    let mut enough = |found: &[super::Found<'_>]| {
        let last = found.last().map(|f| f.section);
        seen.iter_mut().zip(TASK_2).for_each(|(seen, s)| *seen |= last == Some(s));
        seen.iter().all(|&s| s)
    };
    super::find_sections_until(root, None, &file, &mut Vec::new(), &mut enough).is_break()
}

/// The nodes that start sections, as extraction finds them.
fn section_nodes(root: &Node) -> Sections {
    let file = FileOutline { path: "", text: "", role: FileRole::Roles, root, recovered: &[] };
    let mut found = Vec::new();
    super::find_sections(root, None, &file, &mut found);
    found.into_iter().map(|f| (f.node as *const Node, f.section)).collect()
}

fn section_of(sections: &Sections, n: &Node) -> Option<Section> {
    sections.iter().find(|(p, _)| std::ptr::eq(*p, n)).map(|(_, s)| *s)
}

fn at<'n>(root: &'n Node, path: &[usize]) -> &'n Node {
    path.iter().fold(root, |n, &i| &n.children[i])
}

fn at_mut<'n>(root: &'n mut Node, path: &[usize]) -> &'n mut Node {
    path.iter().fold(root, |n, &i| &mut n.children[i])
}

fn child(path: &[usize], i: usize) -> Vec<usize> {
    let mut p = path.to_vec();
    p.push(i);
    p
}

/// The nodes whose children may hold untitled sections, by path: the root,
/// headings that name no section, and the first two task-2 sections (a
/// section's tail may be the next, untitled one); with the section each is.
fn containers(root: &Node, sections: &Sections) -> Vec<(Vec<usize>, Option<Section>)> {
    let mut out = Vec::new();
    let mut stack = vec![(Vec::new(), root)];
    while let Some((path, node)) = stack.pop() {
        match section_of(sections, node) {
            None => {}
            Some(s @ (Section::Components | Section::Responsibilities)) => {
                out.push((path, Some(s)));
                continue;
            }
            Some(_) => continue,
        }
        let is_section = |n: &Node| section_of(sections, n).is_some();
        // Only a container with a block of its own: a title over sections
        // is passed through.
        if node.children.iter().any(|c| !c.is_heading() || !is_section(c)) {
            out.push((path.clone(), None));
        }
        for (i, c) in node.children.iter().enumerate().rev().filter(|(_, c)| c.is_heading()) {
            stack.push((child(&path, i), c));
        }
    }
    out.sort();
    out
}

/// A container's blocks with what each reads as; section nodes are none.
fn blocks_of(container: &Node, sections: &Sections) -> Vec<Block> {
    container
        .children
        .iter()
        .map(|c| if section_of(sections, c).is_some() { Block::Section } else { block_of(c) })
        .collect()
}

/// A run of like blocks in a container: the section it is, and whether it
/// is the titled section's own (the container's heading named it).
struct Run {
    range: std::ops::Range<usize>,
    section: Section,
    own: bool,
    why: &'static str,
}

/// The runs of a container that are sections, in order.
fn runs(container: &Node, inside: Option<Section>, sections: &Sections) -> Vec<Run> {
    let blocks = blocks_of(container, sections);
    let nodes = &container.children;
    let mut out = Vec::new();
    let mut i = 0;
    // A titled section's own blocks come first.
    if let Some(own) = inside {
        let start = blocks.iter().position(|b| *b != Block::Other).unwrap_or(blocks.len());
        if start < blocks.len()
            && let (Some(kind), len) = run_at(&nodes[start..], &blocks[start..], None)
            && kind == own
        {
            out.push(Run { range: start..start + len, section: own, own: true, why: "" });
            i = start + len;
        }
    }
    // The kind of the run before: a list after roles is their skills.
    let mut last = inside;
    while i < blocks.len() {
        let (kind, len) = run_at(&nodes[i..], &blocks[i..], last);
        let Some(section) = kind else {
            i += len.max(1);
            continue;
        };
        if Some(section) != last {
            let why = match section {
                Section::Components => "each a component over the roles that build it",
                Section::Responsibilities => "each a role and what it does",
                _ => "a list of skills after the roles",
            };
            out.push(Run { range: i..i + len, section, own: false, why });
        }
        last = Some(section);
        i += len;
    }
    out
}

/// The last of a run of like headings that goes on after what its siblings
/// hold with blocks of another sort (roles over prose, the last one over
/// a list too; roles over "Name: what" items, the last one over bare
/// ones): the rest is the next, untitled section. Its index, where to cut.
fn tails(container: &Node, inside: Option<Section>, sections: &Sections) -> Vec<(usize, usize)> {
    let sort = |c: &Node| (c.kind, has_description(c), c.children.is_empty(), word_count(&c.text) > 6);
    let mut out = Vec::new();
    for run in runs(container, inside, sections) {
        let heads = &container.children[run.range.clone()];
        if heads.len() < 2 || !heads.iter().all(Node::is_heading) {
            continue;
        }
        let (last, others) = heads.split_last().expect("two heads");
        let sorts: Vec<_> = others.iter().flat_map(|h| h.children.iter().map(sort)).collect();
        // Where the last one goes on past its siblings' length, the first
        // block of another sort is where the next section begins.
        let longest = others.iter().map(|h| h.children.len()).max().unwrap_or(0);
        if last.children.len() <= longest {
            continue;
        }
        let Some(cut) = (1..last.children.len()).find(|&i| !sorts.contains(&sort(&last.children[i]))) else {
            continue;
        };
        let tail = &last.children[cut..];
        let listy = tail.iter().filter(|c| c.kind == Kind::Item || c.is_heading()).count();
        if listy >= 2 || tail.iter().any(Node::is_heading) {
            out.push((run.range.end - 1, cut));
        }
    }
    out
}

/// Move the children of the node at `path` from `cut` on to just after it.
fn split_tail(root: &mut Node, path: &[usize], cut: usize) {
    let (&i, parent) = path.split_last().expect("not the root");
    let parent = at_mut(root, parent);
    let tail: Vec<Node> = parent.children[i].children.drain(cut..).collect();
    parent.children.splice(i + 1..i + 1, tail);
}

/// Put a run of a container's children under a new heading.
fn wrap(root: &mut Node, w: Wrap) {
    let container = at_mut(root, &w.path);
    let level = match container.kind {
        Kind::Heading(l) => l.saturating_add(1),
        _ => 1,
    };
    let run: Vec<Node> = container.children.drain(w.range.clone()).collect();
    let mut heading = Node::new(Kind::Heading(level), run[0].line);
    heading.text = w.section.title().to_string();
    heading.children = run;
    container.children.insert(w.range.start, heading);
}

/// The section the run starting at `nodes[0]` is, and its length; `None`
/// with the number of blocks to skip.
fn run_at(nodes: &[Node], blocks: &[Block], last: Option<Section>) -> (Option<Section>, usize) {
    match blocks[0] {
        Block::Other | Block::Section => (None, 1),
        Block::Group => {
            // A component whose roles are mostly not job titles still sits
            // among the others ("Bot services" over "Volunteers").
            let len = nodes.iter().zip(blocks).take_while(|(n, b)| **b == Block::Group || weak_group(n)).count();
            (Some(Section::Components), len.max(count(nodes, blocks, |b| b == Block::Group)))
        }
        Block::Duty => {
            // A role named a second time starts the next section: the
            // roles listed again with their skills.
            let mut names = vec![name_of(&nodes[0])];
            let len = 1 + nodes[1..]
                .iter()
                .zip(&blocks[1..])
                .take_while(|(n, b)| {
                    **b == Block::Duty && {
                        let name = name_of(n);
                        let new = !names.contains(&name);
                        names.push(name);
                        new
                    }
                })
                .count();
            let after_duties = matches!(last, Some(Section::Responsibilities));
            if !after_duties {
                // One table of roles and duties is a whole section.
                let enough = len >= 2 || nodes[0].kind == Kind::Table;
                return if enough { (Some(Section::Responsibilities), len) } else { (None, 1) };
            }
            // The roles named again with their skills: a group of the same
            // shape whose name has no job noun is one of them too.
            let same_shape = |n: &Node| n.kind == nodes[0].kind && child_items(n).next().is_some();
            let more = nodes[len..]
                .iter()
                .zip(&blocks[len..])
                .take_while(|(n, b)| matches!(b, Block::Duty | Block::Entry | Block::Other) && same_shape(n));
            (Some(Section::CommonSkills), len + more.count())
        }
        Block::Role => match role_units(nodes, blocks) {
            Some(len) if matches!(last, Some(Section::Responsibilities)) => (Some(Section::CommonSkills), len),
            Some(len) => (Some(Section::Responsibilities), len),
            None => (None, 1),
        },
        Block::Entry => {
            let len = count(nodes, blocks, |b| b == Block::Entry);
            let after_roles = matches!(last, Some(Section::Components | Section::Responsibilities));
            let one_is_a_list = child_items(&nodes[0]).count() >= 2 || is_inline_list(&nodes[0].text);
            if after_roles && (len >= 2 || one_is_a_list) { (Some(Section::CommonSkills), len) } else { (None, len) }
        }
    }
}

/// A flat list where each role's name is followed by items that say what
/// it does ("QA engineer", "Designs and runs the tests ...", a link): two
/// or more such units. The last unit is as long as the longest before it;
/// what follows it is another list. The units' length.
fn role_units(nodes: &[Node], blocks: &[Block]) -> Option<usize> {
    let mut starts = Vec::new();
    let mut end = 0;
    for (i, (n, b)) in nodes.iter().zip(blocks).enumerate() {
        match b {
            Block::Role => starts.push(i),
            Block::Entry | Block::Other if n.kind == Kind::Item && !starts.is_empty() => {}
            _ => break,
        }
        end = i + 1;
    }
    let ends: Vec<usize> = starts.iter().skip(1).copied().chain([end]).collect();
    let units: Vec<(usize, usize)> = starts.iter().copied().zip(ends).collect();
    let says = |&(a, b): &(usize, usize)| nodes[a + 1..b].iter().any(|n| word_count(&n.text) >= 5);
    if units.len() < 2 || !units.iter().all(says) {
        return None;
    }
    let (last, before) = units.split_last()?;
    let longest = before.iter().map(|(a, b)| b - a).max()?;
    Some(last.0 + longest.min(last.1 - last.0))
}

/// How many blocks from the first pass `like`. Between two that do, a
/// block of no kind (a lead-in line) or of the first one's shape (a
/// component whose one role has no job noun) does not end the run.
fn count(nodes: &[Node], blocks: &[Block], like: impl Fn(Block) -> bool) -> usize {
    let shape = |n: &Node| (n.kind, child_items(n).next().is_some());
    let mut len = 0;
    for (i, b) in blocks.iter().enumerate() {
        if like(*b) {
            len = i + 1;
            continue;
        }
        let bridge = *b == Block::Other || shape(&nodes[i]) == shape(&nodes[0]);
        if !bridge || i - len >= 2 || !blocks[i + 1..].iter().take(2).any(|b| like(*b)) {
            break;
        }
    }
    len
}

fn block_of(n: &Node) -> Block {
    match n.kind {
        Kind::Item => item_block(n),
        Kind::Heading(_) => heading_block(n),
        Kind::Paragraph => paragraph_block(n),
        Kind::Table => table_block(n),
        _ => Block::Other,
    }
}

/// A role name: short, with a job noun ("QA engineer", "Backend dev").
fn is_role(name: &str) -> bool {
    (1..=8).contains(&word_count(name)) && has_role_noun(name)
}

/// An item that is no role, over items one of which names a role.
fn weak_group(n: &Node) -> bool {
    n.kind == Kind::Item && !is_role(&name_of(n)) && child_items(n).any(|c| is_role(&name_of(c)))
}

/// Most of `items` are named by a role.
fn mostly_roles<'n>(items: impl Iterator<Item = &'n Node>) -> bool {
    let (mut roles, mut all) = (0, 0);
    for c in items {
        all += 1;
        roles += usize::from(is_role(&name_of(c)));
    }
    all > 0 && 2 * roles > all
}

fn item_block(n: &Node) -> Block {
    let name = name_of(n);
    if child_items(n).next().is_some() {
        return match (is_role(&name), mostly_roles(child_items(n))) {
            (false, true) => Block::Group,
            (true, false) => Block::Duty,
            (false, false) => Block::Entry,
            (true, true) => Block::Other,
        };
    }
    if super::components::roles_in_parentheses(n.text.lines().next().unwrap_or("")).is_some() {
        return Block::Group;
    }
    described_block(n, &name).unwrap_or(if is_role(&name) {
        Block::Role
    } else if role_led(&n.text) {
        Block::Duty
    } else {
        Block::Entry
    })
}

/// "QA tests the API before each release": a sentence led by a role.
fn role_led(text: &str) -> bool {
    let head: Vec<&str> = text.split_whitespace().take(4).collect();
    word_count(text) >= 5 && (1..=head.len()).any(|k| is_role(&head[..k].join(" ")))
}

/// "Role – what it does", "Component: Role, Role", "Skill: why".
fn described_block(n: &Node, name: &str) -> Option<Block> {
    let desc = description(n)?;
    let parts = split_inline(&desc);
    // Role names, not sentences about roles.
    let roles = parts.iter().filter(|p| is_role(p) && word_count(p) <= 5).count();
    Some(if !is_role(name) && roles > 0 && 2 * roles >= parts.len() && word_count(name) <= 8 {
        Block::Group
    } else if is_role(name) && word_count(&desc) >= 4 {
        Block::Duty
    } else {
        Block::Entry
    })
}

fn heading_block(n: &Node) -> Block {
    let name = name_of(n);
    let has_prose = n.children.iter().any(|c| matches!(c.kind, Kind::Paragraph | Kind::Item | Kind::Heading(_)));
    if is_role(&name) {
        return if has_prose { Block::Duty } else { Block::Other };
    }
    if mostly_roles(child_items(n)) {
        Block::Group
    } else if child_items(n).next().is_some() {
        Block::Entry
    } else {
        Block::Other
    }
}

fn paragraph_block(n: &Node) -> Block {
    if !n.links.is_empty() {
        return Block::Other;
    }
    if !has_description(n) {
        return if is_inline_list(&n.text) {
            Block::Entry
        } else if role_led(&n.text) && !n.text.contains('\n') {
            Block::Duty
        } else {
            Block::Other
        };
    }
    match described_block(n, &name_of(n)) {
        Some(Block::Entry) if n.label.is_none() => Block::Other,
        Some(b) => b,
        None => Block::Other,
    }
}

/// "Git, SQL, API design, code review": three or more short parts.
fn is_inline_list(text: &str) -> bool {
    let parts = split_inline(text);
    parts.len() >= 3 && parts.iter().all(|p| word_count(p) <= 6)
}

/// A table whose header names components and roles is the map; one that
/// names roles and what they do, the responsibilities.
fn table_block(n: &Node) -> Block {
    let Some(header) = n.children.iter().find(|r| r.header) else { return Block::Other };
    let has = |words: &[&str]| {
        header.cells.iter().any(|c| {
            let f = crate::text::fold(c);
            words.iter().any(|w| f.contains(w))
        })
    };
    if has(&["component", "module", "service", "компонент", "модул"]) && has(&["role", "рол"]) {
        Block::Group
    } else if has(&["role", "рол"]) && has(&["responsib", "duties", "обязан", "does", "what"]) {
        Block::Duty
    } else {
        Block::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::outline::parse;

    fn recovered(md: &str) -> (Vec<(Section, usize)>, Node) {
        let mut root = parse(md);
        let found = recover_sections(&mut root).into_iter().map(|r| (r.section, r.line)).collect();
        (found, root)
    }

    #[test]
    fn untitled_task_two() {
        let md = "# Notes\n\n- Lobby\n  - Web developer\n  - QA tester\n- Match server\n  - Netcode engineer\n\n\
            ### Web developer\nBuilds the lobby pages and the shop.\n\n### Netcode engineer\nKeeps games in sync.\n\n\
            ### Languages\n- TypeScript\n- C++\n\n### Practices\n- Code review\n- Testing\n";
        let (found, root) = recovered(md);
        assert_eq!(found, [(Section::Components, 3), (Section::Responsibilities, 9), (Section::CommonSkills, 15)]);
        let titles: Vec<&str> = root.children[0].children.iter().map(|c| c.text.as_str()).collect();
        assert_eq!(titles, ["Components and roles", "Roles and responsibilities", "Common skills across roles"]);
        assert_eq!(root.children[0].children[0].children.len(), 2);
    }

    #[test]
    fn roles_named_again_are_the_common_skills() {
        let md = "- Web developer - builds the lobby pages and the shop\n\
            - QA tester - checks every build before it ships\n\
            - Web developer\n  - TypeScript\n  - CSS\n- QA tester\n  - Test plans\n";
        assert_eq!(recovered(md).0, [(Section::Responsibilities, 1), (Section::CommonSkills, 3)]);
    }

    #[test]
    fn a_list_taken_by_the_last_role_is_the_next_section() {
        let md = "## Roles and responsibilities\n\n### Web developer\nBuilds the pages.\n\n\
            ### QA tester\nChecks each build.\n\n- Git\n- English\n- Teamwork\n";
        let (found, root) = recovered(md);
        assert_eq!(found, [(Section::CommonSkills, 9)]);
        assert_eq!(root.children[0].children[1].children.len(), 1);
    }

    #[test]
    fn prose_lone_lists_and_titled_sections_stay() {
        let md = "Some words about the product.\n\n- Go\n- Rust\n";
        assert!(recovered(md).0.is_empty());
        let md = "## Components and roles\n\n- Lobby\n  - Web developer\n";
        assert!(recovered(md).0.is_empty());
    }
}
