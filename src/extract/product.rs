//! The product a submission maps: the value of a "Product choice" section
//! when there is one, and the texts to search for a known product name.

use super::text::clean_name;
use super::{Extracted, FileOutline, FileRole, Found, Section};
use crate::parse::outline::{Kind, Node};
use crate::text::{fold, word_count};

pub(crate) fn fill_product(out: &mut Extracted, files: &[&FileOutline<'_>], found: &[Found<'_>]) {
    if let Some((t, name)) =
        found.iter().filter(|f| f.section == Section::Product).find_map(|f| product_value(f, found))
    {
        out.product_texts.push(t);
        out.product_named = Some(name);
    }
    // Job postings name employers, not the product: leave those sections
    // out, but not a takeaway written inside them.
    let is_market = |s: Section| {
        matches!(s, Section::JobMarket | Section::Posting | Section::SkillsSeveral | Section::SkillsSingle)
    };
    // Nor do the tools in a skills list ("Jira, Trello").
    let is_skills = |s: Section| matches!(s, Section::CommonSkills | Section::SkillsHave | Section::SkillsLack);
    // Sorted addresses: every node of every file is looked up in these.
    let mut market: Vec<*const Node> = found.iter().filter(|f| is_market(f.section)).map(|f| ptr(f.node)).collect();
    for f in found.iter().filter(|f| is_skills(f.section)) {
        market.extend(f.content(found).into_iter().flat_map(|n| n.iter()).filter(|n| n.kind == Kind::Item).map(ptr));
    }
    market.sort_unstable();
    let mut keep: Vec<*const Node> = found.iter().filter(|f| !is_market(f.section)).map(|f| ptr(f.node)).collect();
    keep.sort_unstable();
    for role in [FileRole::Architecture, FileRole::Roles, FileRole::Other] {
        for f in files.iter().filter(|f| f.role == role) {
            let mut text = String::with_capacity(4096);
            text_outside(f.root, &market, &keep, &mut text);
            out.product_texts.push(text);
        }
    }
}

/// The text below `n`, minus `skip` subtrees, though a `keep` node inside
/// a skipped one still counts.
fn text_outside(n: &Node, skip: &[*const Node], keep: &[*const Node], out: &mut String) {
    let is = |set: &[*const Node], n: &Node| set.binary_search(&ptr(n)).is_ok();
    if is(skip, n) {
        for d in n.iter().skip(1).filter(|d| is(keep, d)) {
            text_outside(d, &[], keep, out);
        }
        return;
    }
    out.push_str(&n.text);
    for cell in &n.cells {
        out.push(' ');
        out.push_str(cell);
    }
    out.push('\n');
    for c in &n.children {
        text_outside(c, skip, keep, out);
    }
}

fn ptr(n: &Node) -> *const Node {
    n
}

/// The product written in a "Product choice" section: a "Name:" /
/// "Product name:" field, a short first bullet, or "I chose X".
/// Returns the text it came from and the name.
fn product_value(f: &Found<'_>, all: &[Found<'_>]) -> Option<(String, String)> {
    if let Some(v) = &f.inline {
        return Some((v.clone(), strip_parenthetical(&clean_name(v, None))));
    }
    let nodes: Vec<&Node> = f.content(all).into_iter().flat_map(|n| n.iter()).collect();
    for n in &nodes {
        let Some((key, value)) = n.text.split_once(':') else { continue };
        let key = fold(key);
        if matches!(key.as_str(), "name" | "product" | "product name" | "название" | "продукт" | "название продукта")
        {
            let name = strip_parenthetical(&clean_name(value, None));
            if !name.is_empty() {
                return Some((n.text.clone(), name));
            }
        }
    }
    for n in &nodes {
        let lower = n.text.to_lowercase();
        if let Some(i) = lower.find("i chose ").or_else(|| lower.find("i choose ")) {
            let rest = &lower[i..];
            let start = n.text.len().checked_sub(rest.len())?;
            let after =
                n.text.get(start..)?.split_once(' ').map(|x| x.1).and_then(|r| r.split_once(' ')).map(|x| x.1)?;
            let name = strip_parenthetical(&clean_name(after, None));
            if (1..=3).contains(&word_count(&name)) {
                return Some((n.text.clone(), name));
            }
        }
    }
    let first = nodes.iter().find(|n| n.kind == Kind::Item && (1..=4).contains(&word_count(&n.text)))?;
    Some((first.text.clone(), strip_parenthetical(&clean_name(&first.text, None))))
}

/// "EduPlatform (Educational Management System)" -> "EduPlatform".
fn strip_parenthetical(s: &str) -> String {
    match s.find(" (") {
        Some(i) if s.trim_end().ends_with(')') => s[..i].trim().to_string(),
        _ => s.trim().to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::outline::parse;

    fn value(md: &str) -> Option<String> {
        let root = parse(md);
        let f = Found { section: Section::Product, node: &root, inline: None, file: "a.md" };
        product_value(&f, &[]).map(|(_, n)| n)
    }

    #[test]
    fn product_fields() {
        assert_eq!(value("* **Name:** Quizly (Quiz Maker)\n* **Description:** quizzes\n").as_deref(), Some("Quizly"));
        assert_eq!(value("- Product name:  Quizly\n").as_deref(), Some("Quizly"));
        assert_eq!(value("I chose [Quizly](https://quizly.test/).\n").as_deref(), Some("Quizly"));
        assert_eq!(value("- Quizly\n- a quiz site for schools\n").as_deref(), Some("Quizly"));
    }
}
