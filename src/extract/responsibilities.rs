//! Roles and responsibilities: role name -> what the role does, from role
//! headings, bold labels, "Role - description" lines or a table.

use super::fields::{description, has_child_items, has_description, leaf_items, name_of};
use super::text::{has_role_noun, is_placeholder, split_inline};
use super::{Found, RawResponsibility};
use crate::parse::outline::{Kind, Node};
use crate::text::{fold, word_count};

pub(crate) fn responsibilities(found: &Found<'_>, all: &[Found<'_>]) -> Vec<RawResponsibility> {
    let content = found.content(all);
    let mut out = flat_role_list(found, &content).unwrap_or_default();
    if out.is_empty() {
        for n in content {
            role_blocks(found, n, &mut out);
        }
    }
    out.retain(|r| !r.role.name.is_empty() && !is_placeholder(&r.role.name));
    merge_same_roles(out)
}

fn role_blocks(found: &Found<'_>, n: &Node, out: &mut Vec<RawResponsibility>) {
    let block =
        |name: String, items: Vec<String>| RawResponsibility { role: found.named(name, n.text.clone(), n.line), items };
    match n.kind {
        // A lead-in, or a component heading over "Role: duty" lines.
        Kind::Heading(_) if is_intro(&n.text) || heads_roles(n) => {
            for c in &n.children {
                role_blocks(found, c, out);
            }
        }
        Kind::Heading(_) => {
            let leaves = leaf_items(n);
            let items = if leaves.is_empty() {
                n.children.iter().filter(|c| c.kind == Kind::Paragraph).map(|c| c.text.clone()).collect()
            } else {
                leaves.iter().map(|c| c.text.clone()).collect()
            };
            out.push(block(name_of(n), items));
        }
        Kind::Item | Kind::Paragraph if n.kind == Kind::Item || n.label.is_some() => {
            let items: Vec<String> = if has_child_items(n) {
                leaf_items(n).iter().map(|c| c.text.clone()).collect()
            } else {
                vec![description(n).unwrap_or_else(|| n.text.clone())]
            };
            // "Mobile engineer, QA: builds the app" names two roles.
            let name = name_of(n);
            let names = if n.label.is_none() && name.contains(',') && has_description(n) {
                split_inline(&name)
            } else {
                vec![name]
            };
            out.extend(names.into_iter().map(|name| block(name, items.clone())));
        }
        // "Backend developer - designs the APIs." as a plain paragraph.
        Kind::Paragraph => {
            if let Some(desc) = description(n) {
                let name = name_of(n);
                if (1..=6).contains(&word_count(&name)) && !is_intro(&format!("{name}:")) {
                    out.push(block(name, vec![desc]));
                }
            }
        }
        Kind::Table => {
            for r in n.children.iter().filter(|r| !r.header && !r.cells.is_empty()) {
                let items = r.cells.iter().skip(1).filter(|c| !c.is_empty()).cloned().collect();
                out.push(RawResponsibility { role: found.named(name_of(r), r.cells.join(" | "), r.line), items });
            }
        }
        _ => {}
    }
}

/// One flat list where short role lines alternate with their duties
/// ("- QA engineer", "- Designs and runs tests ...", "- example.com"):
/// each role takes the long lines after it; bare links and dots are noise.
fn flat_role_list(found: &Found<'_>, content: &[&Node]) -> Option<Vec<RawResponsibility>> {
    let items: Vec<&Node> = content
        .iter()
        .flat_map(|n| {
            if n.kind == Kind::Item { vec![*n] } else { n.children.iter().filter(|c| c.kind == Kind::Item).collect() }
        })
        .collect();
    let plain = items.iter().all(|n| n.children.is_empty() && n.label.is_none() && !has_description(n));
    if !plain {
        return None;
    }
    let is_role = |n: &Node| word_count(&n.text) <= 5 && has_role_noun(&n.text);
    let roles = items.iter().filter(|n| is_role(n)).count();
    let long = items.iter().filter(|n| word_count(&n.text) >= 6).count();
    if roles < 2 || long < roles / 2 || long == 0 {
        return None;
    }
    let mut out: Vec<RawResponsibility> = Vec::new();
    for n in items {
        if is_role(n) {
            out.push(RawResponsibility { role: found.named(name_of(n), n.text.clone(), n.line), items: Vec::new() });
        } else if word_count(&n.text) >= 3
            && let Some(last) = out.last_mut()
        {
            last.items.push(n.text.clone());
        }
    }
    Some(out)
}

/// A heading that is no role, over items that each name someone and say
/// what they do ("Web app" over "Designer: draws the pages").
fn heads_roles(n: &Node) -> bool {
    let mut items = n.children.iter().filter(|c| c.kind == Kind::Item).peekable();
    !has_role_noun(&n.text) && items.peek().is_some() && items.all(has_description)
}

/// A lead-in line before the roles ("Selected five roles with typical
/// responsibilities:", "Below are the roles:"), not a role.
fn is_intro(title: &str) -> bool {
    let t = title.trim();
    let f = fold(t);
    let lead = ["this ", "the following", "below", "based on", "here ", "selected ", "these ", "we ", "i "];
    let f = format!("{f} ");
    // A long role name ("DevOps / Site Reliability Engineer (SRE):") is no lead-in.
    t.ends_with(':') && (word_count(t) >= 5 && !has_role_noun(t) || lead.iter().any(|l| f.starts_with(l)))
}

/// A role written under several components is one role with all its duties.
fn merge_same_roles(list: Vec<RawResponsibility>) -> Vec<RawResponsibility> {
    let mut out: Vec<RawResponsibility> = Vec::new();
    for r in list {
        match out.iter_mut().find(|o| o.role.name == r.role.name) {
            Some(o) => o.items.extend(r.items),
            None => out.push(r),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Section;
    use crate::parse::outline::parse;

    fn roles(md: &str) -> Vec<(String, usize)> {
        let root = parse(md);
        let f = Found { section: Section::Responsibilities, node: &root, inline: None, file: "x.md" };
        responsibilities(&f, &[]).into_iter().map(|r| (r.role.name, r.items.len())).collect()
    }

    #[test]
    fn intro_lines_are_not_roles() {
        let md = "Here are three roles with their duties:\n\n- **Tester**: checks builds\n- **Ops**: runs servers\n";
        assert_eq!(roles(md), [("Tester".into(), 1), ("Ops".into(), 1)]);
    }

    #[test]
    fn dash_paragraphs_and_comma_roles() {
        let md = "Game designer - plans the levels.\n\nSound engineer – mixes audio.\n";
        assert_eq!(roles(md), [("Game designer".into(), 1), ("Sound engineer".into(), 1)]);
        let md = "- Modeller, Animator: make the characters\n- Writer: writes quests\n";
        assert_eq!(roles(md), [("Modeller".into(), 1), ("Animator".into(), 1), ("Writer".into(), 1)]);
    }

    #[test]
    fn flat_lists_alternate_roles_and_duties() {
        let md = "- Level designer\n- Builds the maps and tunes how each level plays\n- example.org\n\
            - Sound engineer\n- Records, mixes and masters every sound in the game\n";
        assert_eq!(roles(md), [("Level designer".into(), 1), ("Sound engineer".into(), 1)]);
    }

    #[test]
    fn a_role_under_several_components_is_merged() {
        let md = "Shop\n\nCoder: builds the cart.\n\nDrawer: draws it.\n\nWarehouse\n\nCoder: builds stock sync.\n";
        assert_eq!(roles(md), [("Coder".into(), 2), ("Drawer".into(), 1)]);
    }
}
