//! Job postings: one entry per posting, whatever the layout (a list of
//! links, a heading per posting, a table), then merged by link so a
//! posting written as a title line plus a "Link:" line counts once.

use super::fields::{description, has_child_items, is_item, name_of};
use super::text::{find, fold, tidy};
use super::{Found, RawPosting, Section};
use crate::parse::outline::{Kind, Node};

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
    merge_by_link(out)
}

/// Where some entries carry a link, an entry without one is a piece of a
/// posting (its title line, its skills list), not a posting: its title
/// goes to the next linked entry. Entries with the same link (the query
/// string aside) are one posting.
fn merge_by_link(found: Vec<RawPosting>) -> Vec<RawPosting> {
    if found.iter().all(|p| p.url.is_none()) {
        return found;
    }
    let mut out: Vec<RawPosting> = Vec::new();
    // The link key of each entry of `out` (all have a link).
    let mut keys: Vec<String> = Vec::new();
    let mut pending_title: Option<String> = None;
    for mut p in found {
        let Some(url) = &p.url else {
            if pending_title.is_none() && !p.title.is_empty() && !is_field_label(&p.title) {
                pending_title = Some(p.title.clone());
            }
            continue;
        };
        let key = link_key(url);
        if let Some(i) = keys.iter().position(|k| *k == key) {
            out[i].text.push_str(&p.text);
            continue;
        }
        if let Some(t) = pending_title.take()
            && (p.title.is_empty() || is_field_label(&p.title))
        {
            p.title = t;
        }
        if is_field_label(&p.title) {
            p.title.clear();
        }
        keys.push(key);
        out.push(p);
    }
    out
}

/// "https://hh.ru/vacancy/1?from=main#x" -> "hh.ru/vacancy/1".
fn link_key(url: &str) -> String {
    let u = url.split(['?', '#']).next().unwrap_or(url);
    let u = u.trim_start_matches("https://").trim_start_matches("http://").trim_start_matches("www.");
    u.trim_end_matches('/').to_lowercase()
}

/// A posting's field name taken for its title: "Link", "Key skills".
fn is_field_label(title: &str) -> bool {
    let f = fold(title);
    ["link", "ссылка", "url", "key skills", "skills", "requirements", "требования", "навыки"]
        .iter()
        .any(|l| f.strip_prefix(l).is_some_and(|rest| rest.is_empty() || rest.starts_with(' ')))
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
                        title: r
                            .cells
                            .iter()
                            .find(|c| !c.starts_with("http") && !c.is_empty())
                            .cloned()
                            .unwrap_or_default(),
                        company: None,
                        text: r.cells.join(" | "),
                        file: file.to_string(),
                        line: r.line,
                    });
                }
            }
            Kind::Heading(_) => {
                let inner: Vec<&Node> = n.children.iter().collect();
                let links = n.iter().map(|c| c.links.len()).sum::<usize>();
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
    n.iter().any(|c| !c.links.is_empty())
}

fn first_url(s: &str) -> Option<String> {
    s.split_whitespace().find(|w| w.starts_with("http")).map(str::to_string)
}

fn looks_like_job_title(s: &str) -> bool {
    let f = fold(s);
    [
        "developer",
        "engineer",
        "разработчик",
        "инженер",
        "analyst",
        "аналитик",
        "programmer",
        "программист",
        "designer",
        "tester",
        "devops",
        "специалист",
        "intern",
        "стажер",
    ]
    .iter()
    .any(|w| f.contains(w))
}

/// A posting from an item or heading: title, link, company and skills lines.
fn posting_from(n: &Node, file: &str, heading: Option<&Node>) -> RawPosting {
    let title_src = heading.map(|h| {
        h.text
            .split_once(':')
            .map(|(a, b)| if super::sections::classify(a).is_some() { b } else { h.text.as_str() })
            .unwrap_or(&h.text)
            .to_string()
    });
    let mut title = title_src.unwrap_or_else(|| name_of(n));
    let mut company = None;
    let mut text = String::new();
    for c in n.iter() {
        let key = c.label.as_deref().or_else(|| c.text.split_once(':').map(|(k, _)| k)).map(fold).unwrap_or_default();
        let value = || description(c).unwrap_or_default();
        // Keys are short: a byte scan beats setting up `str::contains`.
        let has = |words: &[&str]| words.iter().any(|w| find(&key, w).is_some());
        if has(&["company", "компания", "employer"]) {
            company = Some(tidy(&value()));
        } else if has(&["title", "position", "должность"]) {
            title = tidy(&value());
        } else if !std::ptr::eq(c, n) {
            text.push_str(&c.text);
            text.push('\n');
        }
    }
    if title.starts_with("http") || title.starts_with('[') {
        title = String::new();
    }
    let url = n.iter().flat_map(|c| c.links.iter()).find(|l| l.starts_with("http")).cloned().or_else(|| {
        // "[https://hh.ru/...]" is not a link in CommonMark, but it is one to a reader.
        first_url(&n.all_text().replace(['[', ']'], " "))
    });
    RawPosting { url, title: tidy(&title), company, text, file: file.to_string(), line: n.line }
}
