//! One extractor per field. Each reads a section's nodes, whatever layout the
//! student chose: nested lists, tables, a heading per entry, inline lists.

use super::text::{clean_name, fold, is_placeholder, split_inline, strip_citations, tidy, word_count};
use super::{Found, Named, RawComponent, RawPosting, RawResponsibility, Section};
use crate::parse::outline::{Kind, Node};

fn is_item(n: &Node) -> bool {
    n.kind == Kind::Item
}

fn child_items(n: &Node) -> impl Iterator<Item = &Node> {
    n.children.iter().filter(|c| is_item(c))
}

fn has_child_items(n: &Node) -> bool {
    child_items(n).next().is_some()
}

/// The name of an item, table row or heading.
fn name_of(n: &Node) -> String {
    if n.kind == Kind::Row {
        return tidy(&strip_citations(n.cells.first().map(String::as_str).unwrap_or("")));
    }
    clean_name(&n.text, n.label.as_deref())
}

/// The text after an item's name: "Name: a, b" -> "a, b".
fn description(n: &Node) -> Option<String> {
    let text = strip_citations(&n.text);
    let rest = match &n.label {
        Some(l) if text.starts_with(l.as_str()) => text[l.len()..].to_string(),
        _ => {
            let first = text.lines().next().unwrap_or("");
            let cut = [": ", " — ", " – ", " - ", ":"].iter().filter_map(|s| first.find(s).map(|i| (i, s.len()))).min();
            let (i, len) = cut?;
            if word_count(&first[..i]) > 8 {
                return None;
            }
            text[i + len..].to_string()
        }
    };
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '—' | '–' | '-'));
    (!rest.trim().is_empty()).then(|| rest.trim().to_string())
}

/// Role names in an inline list; a single role may hold commas only inside
/// parentheses.
fn role_list(found: &Found<'_>, text: &str, line: usize) -> Vec<Named> {
    split_inline(text).into_iter().map(|r| found.named(clean_name(&r, None), r, line)).collect()
}

fn roles_under(found: &Found<'_>, n: &Node) -> Vec<Named> {
    let mut roles = Vec::new();
    for c in &n.children {
        match c.kind {
            Kind::Item if c.label.is_none() && description(c).is_none() && c.text.contains(',') => {
                roles.extend(role_list(found, &c.text, c.line))
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
            // A heading that groups components holds items that hold roles.
            if child_items(n).any(has_child_items) {
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
        Kind::Item | Kind::Paragraph => {
            for (i, line) in n.text.lines().enumerate() {
                let label = if i == 0 { n.label.as_deref() } else { None };
                let probe = Node { text: line.to_string(), label: label.map(str::to_string), ..n.clone() };
                if let Some(desc) = description(&probe) {
                    let roles = role_list(found, &desc, n.line + i);
                    if !roles.is_empty() && word_count(&name_of(&probe)) <= 8 {
                        out.push(RawComponent { name: found.named(name_of(&probe), line.to_string(), n.line + i), roles });
                    }
                }
            }
        }
        _ => {}
    }
}

fn table_components(found: &Found<'_>, table: &Node) -> Vec<RawComponent> {
    let header = table.children.iter().find(|r| r.header);
    let role_col = header
        .and_then(|h| h.cells.iter().position(|c| { let f = fold(c); f.contains("role") || f.contains("рол") }))
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

pub(crate) fn responsibilities(found: &Found<'_>, all: &[Found<'_>]) -> Vec<RawResponsibility> {
    let mut out = Vec::new();
    for n in found.content(all) {
        match n.kind {
            Kind::Item | Kind::Paragraph if n.kind == Kind::Item || n.label.is_some() => {
                let items: Vec<String> = if has_child_items(n) {
                    leaf_items(n).iter().map(|c| c.text.clone()).collect()
                } else {
                    vec![description(n).unwrap_or_else(|| n.text.clone())]
                };
                out.push(RawResponsibility { role: found.named(name_of(n), n.text.clone(), n.line), items });
            }
            Kind::Heading(_) => {
                let leaves = leaf_items(n);
                let items = if leaves.is_empty() {
                    n.children.iter().filter(|c| c.kind == Kind::Paragraph).map(|c| c.text.clone()).collect()
                } else {
                    leaves.iter().map(|c| c.text.clone()).collect()
                };
                out.push(RawResponsibility { role: found.named(name_of(n), n.text.clone(), n.line), items });
            }
            Kind::Table => {
                for r in n.children.iter().filter(|r| !r.header && !r.cells.is_empty()) {
                    let items = r.cells.iter().skip(1).map(String::clone).filter(|c| !c.is_empty()).collect();
                    out.push(RawResponsibility { role: found.named(name_of(r), r.cells.join(" | "), r.line), items });
                }
            }
            _ => {}
        }
    }
    out.retain(|r| !r.role.name.is_empty() && !is_placeholder(&r.role.name));
    out
}

/// Items with no child items, anywhere below `n`.
fn leaf_items(n: &Node) -> Vec<&Node> {
    n.walk().into_iter().skip(1).filter(|c| is_item(c) && !has_child_items(c)).collect()
}

/// Items of a counted list (common skills): group labels are not items,
/// their members are; a table counts its rows; a lone paragraph its commas.
pub(crate) fn counted_items(found: &Found<'_>, all: &[Found<'_>]) -> Vec<Named> {
    let content = found.content(all);
    let mut out = Vec::new();
    for n in &content {
        collect_counted(found, n, &mut out);
    }
    if out.is_empty() {
        let inline = found.inline.iter().cloned();
        let paras = content.iter().filter(|n| n.kind == Kind::Paragraph).map(|n| n.text.clone());
        for text in inline.chain(paras) {
            let parts = split_inline(&text);
            if parts.len() > 1 {
                out.extend(parts.into_iter().map(|p| found.named(p.clone(), p, found.node.line)));
            }
        }
    }
    out
}

fn collect_counted(found: &Found<'_>, n: &Node, out: &mut Vec<Named>) {
    match n.kind {
        Kind::Item if has_child_items(n) && description(n).is_none() => {
            for c in child_items(n) {
                collect_counted(found, c, out);
            }
        }
        Kind::Item => {
            let name = name_of(n);
            if !is_placeholder(&name) {
                out.push(found.named(name, n.text.clone(), n.line));
            }
        }
        Kind::Heading(_) => {
            for c in &n.children {
                collect_counted(found, c, out);
            }
        }
        Kind::Table => {
            for r in n.children.iter().filter(|r| !r.header) {
                out.push(found.named(name_of(r), r.cells.join(" "), r.line));
            }
        }
        _ => {}
    }
}

/// Skills the student has or lacks: items, or an inline list.
pub(crate) fn skill_items(found: &Found<'_>, all: &[Found<'_>]) -> Vec<Named> {
    let mut out = Vec::new();
    if let Some(inline) = &found.inline {
        out.extend(split_inline(inline).into_iter().map(|p| found.named(p.clone(), p, found.node.line)));
    }
    let content = found.content(all);
    let mut items = Vec::new();
    for n in &content {
        collect_counted(found, n, &mut items);
    }
    if items.is_empty() {
        for n in content.iter().filter(|n| n.kind == Kind::Paragraph) {
            let parts = split_inline(&strip_citations(&n.text));
            if parts.len() > 1 || word_count(&n.text) <= 6 {
                out.extend(parts.into_iter().map(|p| found.named(p.clone(), p, n.line)));
            }
        }
    }
    out.extend(items);
    out
}

/// Names listed in architecture.md's main components.
pub(crate) fn flat_names(found: &Found<'_>, all: &[Found<'_>]) -> Vec<Named> {
    let mut out = Vec::new();
    for n in found.content(all) {
        match n.kind {
            Kind::Item => out.push(found.named(name_of(n), n.text.clone(), n.line)),
            Kind::Heading(_) => out.push(found.named(name_of(n), n.text.clone(), n.line)),
            Kind::Table => {
                for r in n.children.iter().filter(|r| !r.header) {
                    out.push(found.named(name_of(r), r.cells.join(" "), r.line));
                }
            }
            _ => {}
        }
    }
    out.retain(|n| !n.name.is_empty() && !is_placeholder(&n.name));
    out
}

/// The chosen role: a "Role" line, a "Chosen role: X" label, or the first
/// short line of the chosen-role section.
pub(crate) fn chosen_role(role_lines: &[&Found<'_>], sections: &[&Found<'_>], all: &[Found<'_>]) -> Option<Named> {
    for f in role_lines.iter().chain(sections) {
        if let Some(v) = &f.inline {
            let name = clean_name(v, None);
            if !name.is_empty() && !is_placeholder(&name) {
                return Some(f.named(name, v.clone(), f.node.line));
            }
        }
    }
    for f in role_lines.iter().chain(sections) {
        for n in f.content(all) {
            if matches!(n.kind, Kind::Table | Kind::Code) {
                continue;
            }
            let text = n.text.lines().next().unwrap_or("").trim();
            let name = clean_name(text, n.label.as_deref());
            if name.is_empty() || is_placeholder(&name) {
                continue;
            }
            if word_count(&name) <= 8 {
                return Some(f.named(name, n.text.clone(), n.line));
            }
            if let Some(role) = role_in_sentence(text) {
                return Some(f.named(role, n.text.clone(), n.line));
            }
        }
    }
    None
}

/// "I chose the Backend Engineer role because ..." -> "Backend Engineer".
fn role_in_sentence(s: &str) -> Option<String> {
    let lower = s.to_lowercase();
    for lead in ["i chose the ", "i chose ", "i have chosen the ", "my chosen role is ", "i choose the ", "i want to be a ", "i want to become a "] {
        if let Some(i) = lower.find(lead) {
            let rest = &s[i + lead.len()..];
            let end = rest.find(" role").or_else(|| rest.find(" because")).or_else(|| rest.find(['.', ',']))?;
            let name = tidy(&rest[..end]);
            if (1..=6).contains(&word_count(&name)) {
                return Some(name);
            }
        }
    }
    None
}

pub(crate) fn postings(market: &[&Found<'_>], all: &[Found<'_>]) -> Vec<RawPosting> {
    let mut out = Vec::new();
    for f in market {
        if f.section == Section::Posting {
            out.push(posting_from(f.node, f.file, Some(f.node)));
            continue;
        }
        let content = f.content(all);
        postings_in(&content, f.file, &mut out);
    }
    out
}

fn postings_in(nodes: &[&Node], file: &str, out: &mut Vec<RawPosting>) {
    let items: Vec<&Node> = nodes.iter().copied().filter(|n| is_item(n)).collect();
    let linked_items = items.iter().filter(|n| has_link(n) || has_child_items(n)).count();
    for n in nodes {
        match n.kind {
            Kind::Item if has_link(n) || has_child_items(n) => out.push(posting_from(n, file, None)),
            Kind::Item if linked_items == 0 && looks_like_job_title(&n.text) => out.push(posting_from(n, file, None)),
            Kind::Table => {
                for r in n.children.iter().filter(|r| !r.header && r.cells.iter().any(|c| !c.is_empty())) {
                    out.push(RawPosting {
                        url: r.links.first().cloned().or_else(|| first_url(&r.cells.join(" "))),
                        title: r.cells.iter().find(|c| !c.starts_with("http") && !c.is_empty()).cloned().unwrap_or_default(),
                        company: None,
                        text: r.cells.join(" | "),
                        file: file.to_string(),
                        line: r.line,
                    });
                }
            }
            Kind::Heading(_) => {
                let inner: Vec<&Node> = n.children.iter().collect();
                let links = n.walk().iter().map(|c| c.links.len()).sum::<usize>();
                if links == 1 || (links == 0 && looks_like_job_title(&n.text) && !n.children.is_empty()) {
                    out.push(posting_from(n, file, Some(n)));
                } else {
                    postings_in(&inner, file, out);
                }
            }
            Kind::Paragraph => {
                for link in n.links.iter().filter(|l| l.starts_with("http")) {
                    out.push(RawPosting {
                        url: Some(link.clone()),
                        title: String::new(),
                        company: None,
                        text: n.text.clone(),
                        file: file.to_string(),
                        line: n.line,
                    });
                }
            }
            _ => {}
        }
    }
}

fn has_link(n: &Node) -> bool {
    n.walk().iter().any(|c| !c.links.is_empty())
}

fn first_url(s: &str) -> Option<String> {
    s.split_whitespace().find(|w| w.starts_with("http")).map(str::to_string)
}

fn looks_like_job_title(s: &str) -> bool {
    let f = fold(s);
    ["developer", "engineer", "разработчик", "инженер", "analyst", "аналитик", "programmer", "программист", "designer", "tester", "devops", "специалист", "intern", "стажер"]
        .iter()
        .any(|w| f.contains(w))
}

/// A posting from an item or heading: title, link, company and skills lines.
fn posting_from(n: &Node, file: &str, heading: Option<&Node>) -> RawPosting {
    let title_src = heading.map(|h| h.text.split_once(':').map(|(a, b)| if super::sections::classify(a).is_some() { b } else { h.text.as_str() }).unwrap_or(&h.text).to_string());
    let mut title = title_src.unwrap_or_else(|| name_of(n));
    let mut company = None;
    let mut text = String::new();
    for c in n.walk() {
        let key = c.label.as_deref().or_else(|| c.text.split_once(':').map(|(k, _)| k)).map(fold).unwrap_or_default();
        let value = description(c).unwrap_or_default();
        if key.contains("company") || key.contains("компания") || key.contains("employer") {
            company = Some(tidy(&value));
        } else if key.contains("title") || key.contains("position") || key.contains("должность") {
            title = tidy(&value);
        } else if !std::ptr::eq(c, n) {
            text.push_str(&c.text);
            text.push('\n');
        }
    }
    if title.starts_with("http") || title.starts_with('[') {
        title = String::new();
    }
    let url = n.walk().iter().flat_map(|c| c.links.iter()).find(|l| l.starts_with("http")).cloned().or_else(|| {
        // "[https://hh.ru/...]" is not a link in CommonMark, but it is one to a reader.
        first_url(&n.all_text().replace(['[', ']'], " "))
    });
    RawPosting { url, title: tidy(&title), company, text, file: file.to_string(), line: n.line }
}

/// The reflection text; `None` when there is no reflection section.
pub(crate) fn reflection(sections: &[&Found<'_>], all: &[Found<'_>]) -> Option<Named> {
    let first = sections.first()?;
    let mut text = String::new();
    for f in sections {
        if let Some(v) = &f.inline {
            text.push_str(v);
            text.push('\n');
        }
        for n in f.content(all) {
            text.push_str(&n.all_text());
        }
    }
    Some(first.named(String::new(), strip_citations(text.trim()), first.node.line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_in_sentences() {
        assert_eq!(role_in_sentence("I chose the Backend Engineer role because I like APIs").as_deref(), Some("Backend Engineer"));
        assert_eq!(role_in_sentence("Backend is cool"), None);
    }
}
