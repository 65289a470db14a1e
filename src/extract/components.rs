//! Components and roles: component name -> the roles that build it, from
//! nested lists, a heading per component, a table, "Component → roles"
//! lines, and two fallbacks for files without a usable section.

use super::fields::{child_items, description, has_child_items, has_description, name_of};
use super::text::{clean_name, has_role_noun, is_placeholder, split_inline};
use super::{Found, Named, RawComponent};
use crate::parse::outline::{Kind, Node};
use crate::text::{fold, tidy, word_count};

/// Role names in an inline list; a single role may hold commas only inside
/// parentheses.
fn role_list(found: &Found<'_>, text: &str, line: usize) -> Vec<Named> {
    let text = strip_lead_verb(text);
    let mut parts = Vec::new();
    for part in split_inline(text) {
        // "designers and QA engineers" is two roles; "iOS and Android
        // developers" is one.
        match part.rsplit_once(" and ") {
            Some((a, b)) if has_role_noun(a) && has_role_noun(b) => {
                parts.push(a.trim().to_string());
                parts.push(b.trim().to_string());
            }
            _ => parts.push(part),
        }
    }
    parts.into_iter().map(|r| found.named(clean_name(&r, None), r, line)).collect()
}

/// "needs Backend developers, ..." -> "Backend developers, ...".
fn strip_lead_verb(text: &str) -> &str {
    let t = text.trim_start();
    for verb in ["is built by ", "are built by ", "needs ", "need ", "requires ", "require ", "involves ", "involve "] {
        if t.len() > verb.len() && t.is_char_boundary(verb.len()) && t[..verb.len()].eq_ignore_ascii_case(verb) {
            return &t[verb.len()..];
        }
    }
    t
}

fn roles_under(found: &Found<'_>, n: &Node) -> Vec<Named> {
    let mut roles = Vec::new();
    for c in &n.children {
        match c.kind {
            Kind::Item if c.label.is_none() && c.text.contains(',') && !has_description(c) => {
                roles.extend(role_list(found, &c.text, c.line))
            }
            // "Roles: A, B" names the roles; "Description: ..." is no role.
            Kind::Item if has_description(c) && !has_role_noun(&name_of(c)) => {
                let key = fold(&name_of(c));
                if key.starts_with("role") || key.starts_with("рол") {
                    roles.extend(role_list(found, &description(c).unwrap_or_default(), c.line));
                }
            }
            Kind::Item => roles.push(found.named(name_of(c), c.text.clone(), c.line)),
            Kind::Paragraph => {
                // "Roles: A, B" under a component heading
                if let Some((head, tail)) = c.text.split_once(':')
                    && fold(head).contains("role")
                {
                    roles.extend(role_list(found, tail, c.line));
                }
            }
            Kind::Heading(_) => roles.extend(roles_under(found, c)),
            _ => {}
        }
    }
    roles.retain(|r| !r.name.is_empty() && !is_placeholder(&r.name));
    roles
}

pub(crate) fn components(found: &Found<'_>, all: &[Found<'_>]) -> Vec<RawComponent> {
    let mut out = Vec::new();
    for n in found.content(all) {
        component_nodes(found, n, &mut out);
    }
    out.retain(|c| !c.name.name.is_empty() && !is_placeholder(&c.name.name));
    out
}

fn component_nodes(found: &Found<'_>, n: &Node, out: &mut Vec<RawComponent>) {
    let named = |name: String| found.named(name, n.text.clone(), n.line);
    match n.kind {
        Kind::Table => out.extend(table_components(found, n)),
        Kind::Heading(_) => {
            // A heading that groups components holds items that hold roles,
            // or headings of their own.
            if child_items(n).any(has_child_items) || n.children.iter().filter(|c| c.is_heading()).count() >= 2 {
                for c in &n.children {
                    component_nodes(found, c, out);
                }
            } else {
                out.push(RawComponent { name: named(name_of(n)), roles: roles_under(found, n) });
            }
        }
        Kind::Item if has_child_items(n) => {
            out.push(RawComponent { name: named(name_of(n)), roles: roles_under(found, n) })
        }
        // "**Search** needs Backend developers, ML engineers and Data
        // analysts": a bold name owns the whole block after it.
        Kind::Item | Kind::Paragraph if n.label.is_some() && has_description(n) => {
            let desc = description(n).unwrap_or_default().replace('\n', " ");
            let roles = role_list(found, &desc, n.line);
            if !roles.is_empty() {
                let name = tidy(n.label.as_deref().unwrap_or_default());
                out.push(RawComponent { name: found.named(name, n.text.clone(), n.line), roles });
            }
        }
        Kind::Item | Kind::Paragraph => {
            for (i, line) in n.text.lines().enumerate() {
                let label = if i == 0 { n.label.as_deref() } else { None };
                // Only the text and label are read: no need to copy the children.
                let probe = Node {
                    kind: n.kind,
                    text: line.to_string(),
                    label: label.map(str::to_string),
                    line: n.line,
                    links: Vec::new(),
                    cells: Vec::new(),
                    header: n.header,
                    children: Vec::new(),
                };
                if let Some(desc) = description(&probe) {
                    let roles = role_list(found, &desc, n.line + i);
                    if !roles.is_empty() && word_count(&name_of(&probe)) <= 8 {
                        out.push(RawComponent {
                            name: found.named(name_of(&probe), line.to_string(), n.line + i),
                            roles,
                        });
                    }
                } else if let Some((name, roles)) = roles_in_parentheses(line) {
                    out.push(RawComponent {
                        name: found.named(name, line.to_string(), n.line + i),
                        roles: role_list(found, roles, n.line + i),
                    });
                }
            }
        }
        _ => {}
    }
}

/// "Playback service (Backend developer, SRE)": a component and the roles in
/// its parentheses, where those are mostly job titles.
pub(crate) fn roles_in_parentheses(line: &str) -> Option<(String, &str)> {
    let (name, inner) = line.trim().trim_end_matches(['.', ';']).strip_suffix(')')?.split_once(" (")?;
    let parts = split_inline(inner);
    let roles = parts.iter().filter(|p| has_role_noun(p) && word_count(p) <= 5).count();
    let name = tidy(name);
    (2 * roles > parts.len() && !has_role_noun(&name) && (1..=8).contains(&word_count(&name))).then_some((name, inner))
}

fn table_components(found: &Found<'_>, table: &Node) -> Vec<RawComponent> {
    let header = table.children.iter().find(|r| r.header);
    let role_col = header
        .and_then(|h| {
            h.cells.iter().position(|c| {
                let f = fold(c);
                f.contains("role") || f.contains("рол")
            })
        })
        .unwrap_or(1);
    table
        .children
        .iter()
        .filter(|r| !r.header && r.cells.len() > role_col)
        .map(|r| RawComponent {
            name: found.named(name_of(r), r.cells.join(" | "), r.line),
            roles: role_list(found, &r.cells[role_col], r.line),
        })
        .collect()
}

/// The components section is the assignment's template left as it was:
/// it still holds "..." items.
pub(crate) fn is_template(found: &Found<'_>, all: &[Found<'_>]) -> bool {
    found.content(all).iter().flat_map(|n| n.iter()).any(|n| n.kind == Kind::Item && is_placeholder(&n.text))
}

/// Components written as plain label lines, each followed by
/// "Role: what it does" lines (in a responsibilities section), whether the
/// lines were read as a label over items or as paragraphs.
pub(crate) fn from_labelled_paragraphs(found: &Found<'_>, all: &[Found<'_>]) -> Vec<RawComponent> {
    let mut out: Vec<RawComponent> = Vec::new();
    for n in found.content(all) {
        let short = (1..=12).contains(&word_count(&n.text)) && !n.text.contains('\n');
        match n.kind {
            Kind::Heading(_) if short => out.push(RawComponent {
                name: found.named(name_of(n), n.text.clone(), n.line),
                roles: child_items(n)
                    .filter(|c| has_description(c))
                    .map(|c| found.named(name_of(c), c.text.clone(), c.line))
                    .collect(),
            }),
            Kind::Paragraph => match description(n) {
                Some(_) => {
                    if let Some(c) = out.last_mut() {
                        c.roles.push(found.named(name_of(n), n.text.clone(), n.line));
                    }
                }
                None if short && !n.text.trim_end().ends_with('.') => out.push(RawComponent {
                    name: found.named(clean_name(&n.text, None), n.text.clone(), n.line),
                    roles: Vec::new(),
                }),
                None => {}
            },
            _ => {}
        }
    }
    out.retain(|c| !c.roles.is_empty());
    if out.len() >= 2 { out } else { Vec::new() }
}

/// A file with no components heading may still map them in one flat list:
/// a line that names no job starts a component, the job lines after it
/// are its roles ("- Web app", "- Frontend Engineer", "- QA Engineer").
pub(crate) fn from_flat_list(root: &Node, file: &str) -> Vec<RawComponent> {
    let named = |n: &Node| Named { name: name_of(n), text: n.text.clone(), file: file.to_string(), line: n.line };
    let items: Vec<&Node> = root.children.iter().filter(|n| n.kind == Kind::Item && n.children.is_empty()).collect();
    let roles = items.iter().filter(|n| has_role_noun(&n.text)).count();
    if roles * 2 < items.len() {
        return Vec::new();
    }
    let mut out: Vec<RawComponent> = Vec::new();
    for n in items {
        if has_role_noun(&n.text) {
            if let Some(c) = out.last_mut() {
                c.roles.push(named(n));
            }
        } else {
            out.push(RawComponent { name: named(n), roles: Vec::new() });
        }
    }
    out.retain(|c| !c.roles.is_empty() && !is_placeholder(&c.name.name));
    if out.len() >= 2 { out } else { Vec::new() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::extract::Section;
    use crate::parse::outline::parse;

    fn pairs(list: Vec<RawComponent>) -> Vec<(String, Vec<String>)> {
        list.into_iter().map(|c| (c.name.name, c.roles.into_iter().map(|r| r.name).collect())).collect()
    }

    fn run(md: &str) -> Vec<(String, Vec<String>)> {
        let root = parse(md);
        let f = Found { section: Section::Components, node: &root, inline: None, file: "x.md" };
        pairs(components(&f, &[]))
    }

    #[test]
    fn roles_in_parentheses_after_a_component() {
        assert_eq!(
            run("- Player (Mobile developer, QA engineer)\n- Store (Backend dev)\n- Cache (Redis, in memory)\n"),
            [
                ("Player".to_string(), vec!["Mobile developer".to_string(), "QA engineer".to_string()]),
                ("Store".to_string(), vec!["Backend dev".to_string()]),
            ]
        );
    }

    #[test]
    fn arrow_lines() {
        assert_eq!(
            run("- Lobby (web / app) → Frontend Devs, Testers\n- Match server → Netcode Engineers\n"),
            [
                ("Lobby (web / app)".to_string(), vec!["Frontend Devs".to_string(), "Testers".to_string()]),
                ("Match server".to_string(), vec!["Netcode Engineers".to_string()]),
            ]
        );
    }

    #[test]
    fn prose_after_a_bold_name() {
        let got = run(
            "**Lobby** needs Web devs, level designers and QA engineers.\n\n**Match server** needs Netcode devs.\n",
        );
        assert_eq!(got[0].1, ["Web devs", "level designers", "QA engineers"]);
        assert_eq!(got[1], ("Match server".to_string(), vec!["Netcode devs".to_string()]));
    }

    #[test]
    fn lazy_colon_labels_split_components() {
        let got = run("Lobby:\n- Web dev\n- Tester\nMatch server:\n- Netcode dev\n");
        assert_eq!(got.len(), 2);
        assert_eq!(got[1], ("Match server".to_string(), vec!["Netcode dev".to_string()]));
    }

    #[test]
    fn template_and_labelled_paragraphs() {
        let root = parse("- Lobby\n  - Web dev\n  - ...\n");
        let f = Found { section: Section::Components, node: &root, inline: None, file: "x.md" };
        assert!(is_template(&f, &[]));
        let root = parse("Lobby\n\nWeb dev: builds pages.\n\nMatch server\n\nNetcode dev: syncs state.\n");
        let f = Found { section: Section::Responsibilities, node: &root, inline: None, file: "x.md" };
        assert_eq!(pairs(from_labelled_paragraphs(&f, &[]))[1].1, ["Netcode dev"]);
    }

    #[test]
    fn flat_alternating_list() {
        let root =
            parse("1. Clients\n- Web app\n- Frontend Engineer\n- QA Engineer\n- Match server\n- Backend Developer\n");
        let got = pairs(from_flat_list(&root, "x.md"));
        assert_eq!(got[0], ("Web app".to_string(), vec!["Frontend Engineer".to_string(), "QA Engineer".to_string()]));
        assert_eq!(got[1].0, "Match server");
        assert!(from_flat_list(&parse("- Docker\n- Git\n"), "x.md").is_empty());
    }
}
