//! One extractor per field. Each reads a section's nodes, whatever layout the
//! student chose: nested lists, tables, a heading per entry, inline lists.

use super::text::{clean_name, is_placeholder, split_inline, strip_citations};
use super::{Found, Named};
use crate::parse::outline::{Kind, Node};
use crate::text::{tidy, word_count};

pub(crate) fn is_item(n: &Node) -> bool {
    n.kind == Kind::Item
}

pub(crate) fn child_items(n: &Node) -> impl Iterator<Item = &Node> {
    n.children.iter().filter(|c| is_item(c))
}

pub(crate) fn has_child_items(n: &Node) -> bool {
    child_items(n).next().is_some()
}

/// The name of an item, table row or heading.
pub(crate) fn name_of(n: &Node) -> String {
    if n.kind == Kind::Row {
        return tidy(&strip_citations(n.cells.first().map(String::as_str).unwrap_or("")));
    }
    clean_name(&n.text, n.label.as_deref())
}

/// The text after an item's name: "Name: a, b" -> "a, b".
pub(crate) fn description(n: &Node) -> Option<String> {
    description_in(&strip_citations(&n.text), n.label.as_deref()).map(str::to_string)
}

/// `description(n).is_some()`, without building it.
pub(crate) fn has_description(n: &Node) -> bool {
    description_in(&strip_citations(&n.text), n.label.as_deref()).is_some()
}

fn description_in<'t>(text: &'t str, label: Option<&str>) -> Option<&'t str> {
    let rest = match label {
        Some(l) if text.starts_with(l) => &text[l.len()..],
        _ => {
            let first = text.lines().next().unwrap_or("");
            let bytes = crate::text::SepBytes::of(first);
            if !bytes.any() {
                return None;
            }
            let cut = [": ", " — ", " – ", " - ", ":", " → ", " -> "]
                .iter()
                .filter_map(|s| bytes.find(first, s).map(|i| (i, s.len())))
                .min();
            let (i, len) = cut?;
            if word_count(&first[..i]) > 8 {
                return None;
            }
            &text[i + len..]
        }
    };
    let rest = rest.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, ':' | '—' | '–' | '-'));
    (!rest.trim().is_empty()).then(|| rest.trim())
}

/// Items with no child items, anywhere below `n`.
pub(crate) fn leaf_items(n: &Node) -> Vec<&Node> {
    n.iter().skip(1).filter(|c| is_item(c) && !has_child_items(c)).collect()
}

/// Items of a counted list (common skills): group labels are not items,
/// their members are; a table counts its rows; a lone paragraph its commas.
pub(crate) fn counted_items(found: &Found<'_>, all: &[Found<'_>]) -> Vec<Named> {
    let content = found.content(all);
    let paras = !content.iter().any(|n| n.iter().any(|c| c.kind == Kind::Item));
    let mut out = Vec::new();
    for n in &content {
        collect_counted(found, n, paras, &mut out);
    }
    // One line that lists them all: "Git, SQL, code review, English".
    if let [one] = out.as_slice() {
        let parts = split_inline(&strip_citations(&one.text));
        if parts.len() >= 3 && parts.iter().all(|p| word_count(p) <= 6) {
            let line = one.line;
            out = parts.into_iter().map(|p| found.named(p.clone(), p, line)).collect();
        }
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

/// `paras`: labelled paragraphs are the items (the section has no list);
/// beside a list they are comments on it.
fn collect_counted(found: &Found<'_>, n: &Node, paras: bool, out: &mut Vec<Named>) {
    match n.kind {
        Kind::Item if has_child_items(n) && !has_description(n) => {
            for c in child_items(n) {
                collect_counted(found, c, paras, out);
            }
        }
        // "**Git**: everyone commits" as its own paragraph is an item too.
        Kind::Item | Kind::Paragraph if n.kind == Kind::Item || (paras && n.label.is_some() && has_description(n)) => {
            let name = name_of(n);
            if !is_placeholder(&name) {
                out.push(found.named(name, n.text.clone(), n.line));
            }
        }
        Kind::Heading(_) => {
            for c in &n.children {
                collect_counted(found, c, paras, out);
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
    let paras = !content.iter().any(|n| n.iter().any(|c| c.kind == Kind::Item));
    let mut items = Vec::new();
    for n in &content {
        collect_counted(found, n, paras, &mut items);
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
            if n.kind == Kind::Table {
                // "| Role | Level |": the first row's cell under "Role".
                if let Some(role) = role_in_table(n) {
                    return Some(f.named(clean_name(&role, None), role, n.line));
                }
                continue;
            }
            if n.kind == Kind::Code {
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

/// The first row's cell in a table's "Role" (or "Position") column.
fn role_in_table(table: &Node) -> Option<String> {
    let header = table.children.iter().find(|r| r.header)?;
    let col = header.cells.iter().position(|c| {
        let f = crate::text::fold(c);
        ["role", "position", "роль", "должность"].iter().any(|w| f.split_whitespace().any(|x| x == *w))
    })?;
    let row = table.children.iter().find(|r| !r.header)?;
    row.cells.get(col).filter(|c| !c.trim().is_empty()).cloned()
}

/// "I chose the Backend Engineer role because ..." -> "Backend Engineer".
pub(crate) fn role_in_sentence(s: &str) -> Option<String> {
    const LEADS: &[&str] = &[
        "i chose the ",
        "i choosed the ",
        "i chose ",
        "i choosed ",
        "i have chosen the ",
        "i have chosen ",
        "my chosen role is ",
        "i choose the ",
        "i choose ",
        "i want to be a ",
        "i want to become a ",
    ];
    // Every lead holds "cho" or "want to be", most lines neither. Only the
    // ASCII letters lowercase to those, so the line itself can be asked.
    if !may_name_a_role(s) {
        return None;
    }
    let lower = s.to_lowercase();
    for lead in LEADS {
        if let Some(i) = lower.find(lead) {
            // Lower-casing can change byte lengths: index the lowered text.
            let rest = &lower[i + lead.len()..];
            let end = rest.find(" role").or_else(|| rest.find(" because")).or_else(|| rest.find(['.', ',']))?;
            let start = s.len().checked_sub(lower.len() - i - lead.len())?;
            let name = tidy(s.get(start..start + end).unwrap_or(&rest[..end]));
            if (1..=6).contains(&word_count(&name)) {
                return Some(name);
            }
        }
    }
    None
}

/// Whether `s` holds a word every lead of [`role_in_sentence`] holds: text
/// without one names no role that way.
pub(crate) fn may_name_a_role(s: &str) -> bool {
    contains_ascii_nocase(s, &[b"cho", b"want to be"])
}

/// Whether `s` holds one of two `words` (lowercase ASCII letters and
/// spaces, starting with three letters) in any case.
fn contains_ascii_nocase(s: &str, words: &[&[u8]; 2]) -> bool {
    // `b | 0x20` folds exactly the capital of a letter onto it. Blocks of
    // positions are first tested, without branching (so the compiler can
    // vectorise), for the words' first three letters; only a block with a
    // hit is looked at closely.
    let h = s.as_bytes();
    if h.len() < 3 {
        return false;
    }
    let [w, v] = words.map(|w| [w[0], w[1], w[2]]);
    let starts = |x: u8, y: u8, z: u8| {
        let (x, y, z) = (x | 0x20, y | 0x20, z | 0x20);
        (x == w[0]) & (y == w[1]) & (z == w[2]) | (x == v[0]) & (y == v[1]) & (z == v[2])
    };
    let word_at = |i: usize| words.iter().any(|w| h[i..].get(..w.len()).is_some_and(|x| x.eq_ignore_ascii_case(w)));
    let n = h.len() - 2;
    let mut from = 0;
    while from < n {
        let to = (from + 32).min(n);
        let (a, b, c) = (&h[from..to], &h[from + 1..to + 1], &h[from + 2..to + 2]);
        let hit = a.iter().zip(b).zip(c).fold(false, |hit, ((&x, &y), &z)| hit | starts(x, y, z));
        if hit && (from..to).any(word_at) {
            return true;
        }
        from = to;
    }
    false
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
    Some(first.named(String::new(), strip_citations(text.trim()).into_owned(), first.node.line))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_in_sentences() {
        assert_eq!(
            role_in_sentence("I chose the Backend Engineer role because I like APIs").as_deref(),
            Some("Backend Engineer")
        );
        assert_eq!(role_in_sentence("Backend is cool"), None);
        assert_eq!(role_in_sentence("At last, after a long time, I CHOSE the QA role.").as_deref(), Some("QA"));
        assert!(contains_ascii_nocase("0123456789abcdeWant To Be", &[b"cho", b"want to be"]));
        assert!(!contains_ascii_nocase("0123456789abcdeWant To B, ch o", &[b"cho", b"want to be"]));
        assert_eq!(role_in_sentence("So I choosed game designer role, because").as_deref(), Some("game designer"));
    }
}
