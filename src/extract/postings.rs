//! Job postings: one entry per posting, whatever the layout (a list of
//! links, a heading per posting, a bold title line over a list, a table).
//!
//! The market sections are read in document order. A block with a job link
//! (or a posting's own heading) starts a posting; a title line with no link
//! starts one that the next bare link completes; lines after a posting with
//! no link of their own (its skills, "Company: X") belong to it, never to
//! the next one. Entries with the same link are one posting.

use super::fields::{description, has_child_items, has_description, is_item};
use super::text::clean_name;
use super::{Found, RawPosting, Section};
use crate::parse::outline::{Kind, Node};
use crate::text::{find, fold, tidy, word_count};

pub(crate) fn postings(market: &[&Found<'_>], all: &[Found<'_>]) -> Vec<RawPosting> {
    let mut b = Postings::default();
    for f in market {
        if f.section == Section::Posting {
            b.start(f.node, f.file, true);
            continue;
        }
        b.read(&f.content(all), f.file);
    }
    b.finish()
}

#[derive(Default)]
struct Postings {
    out: Vec<RawPosting>,
    /// The posting later lines may still add to.
    open: Option<usize>,
}

impl Postings {
    fn read(&mut self, nodes: &[&Node], file: &str) {
        let links_here = nodes.iter().filter(|n| has_link(n)).count();
        for n in nodes {
            match n.kind {
                Kind::Table => self.table(n, file),
                Kind::Heading(_) => {
                    // One link (however often written) under a heading: the
                    // heading is that posting's.
                    let mut links: Vec<String> = n.iter().flat_map(|c| c.links.iter().map(|l| link_key(l))).collect();
                    links.sort_unstable();
                    links.dedup();
                    let links = links.len();
                    if links == 1 || (links == 0 && looks_like_job_title(&n.text) && !n.children.is_empty()) {
                        self.start(n, file, true);
                    } else {
                        self.open = None;
                        self.read(&n.children.iter().collect::<Vec<_>>(), file);
                    }
                }
                Kind::Item | Kind::Paragraph => self.block(n, file, links_here),
                _ => {}
            }
        }
    }

    /// An item or a paragraph: a posting, the link of the open one, or a
    /// line of it.
    fn block(&mut self, n: &Node, file: &str, links_here: usize) {
        // Most blocks are a posting's lines: its title is read only where
        // it may decide.
        let title = || title_of(n, false).0;
        if has_link(n) {
            // "**Junior Go developer**" then "Link: https://...".
            if let Some(i) = self.open.filter(|&i| self.out[i].url.is_none())
                && (is_field_label(&n.text) || title().is_empty())
            {
                self.out[i].url = link_of(n);
                self.out[i].text.push_str(&n.all_text());
                return;
            }
            self.start(n, file, false);
            return;
        }
        let titled = looks_like_job_title(&n.text)
            && (is_item(n) && has_child_items(n) && looks_like_job_title(&title())
                || (links_here > 0 || is_item(n)) && is_title_line(n, &title()));
        if titled {
            self.start(n, file, false);
        } else {
            self.add_line(n);
        }
    }

    /// A line under the open posting: an item, a "Skills: ..." field or a
    /// short line, not a paragraph of prose after the last posting.
    fn add_line(&mut self, n: &Node) {
        let prose = n.kind == Kind::Paragraph && !has_description(n) && word_count(&n.text) > 15;
        if let Some(i) = self.open.filter(|_| !prose) {
            self.out[i].text.push_str(&n.all_text());
        }
    }

    fn table(&mut self, table: &Node, file: &str) {
        self.open = None;
        let header = table.children.iter().find(|r| r.header);
        let column = |words: &[&str]| {
            header.and_then(|h| h.cells.iter().position(|c| words.iter().any(|w| fold(c).contains(w))))
        };
        // A column named for the title, else the first with words in it.
        let title_col = column(&["title", "role", "position", "vacancy", "job", "вакансия", "должность"]);
        let company_col = column(&["company", "employer", "компания", "работодатель"]);
        for r in table.children.iter().filter(|r| !r.header && r.cells.iter().any(|c| !c.is_empty())) {
            let words = |c: &&String| !c.starts_with("http") && c.chars().any(char::is_alphabetic);
            let title = title_col.and_then(|i| r.cells.get(i)).filter(words).or_else(|| r.cells.iter().find(words));
            let company = company_col.and_then(|i| r.cells.get(i)).filter(words).map(|c| tidy(c));
            self.out.push(RawPosting {
                url: r.links.first().cloned().or_else(|| first_url(&r.cells.join(" "))),
                title: title.map(|t| tidy(t)).unwrap_or_default(),
                company,
                text: r.cells.join(" | "),
                file: file.to_string(),
                line: r.line,
            });
        }
    }

    /// A posting from a block: its title, link, fields and lines.
    fn start(&mut self, n: &Node, file: &str, heading: bool) {
        let (mut title, mut company) = title_of(n, heading);
        let mut text = String::new();
        for c in n.iter() {
            let key = c.label.as_deref().or_else(|| c.text.split_once(':').map(|(k, _)| k)).map(fold);
            // A field's name is a word or three ("Company", "Role title").
            let key = key.filter(|k| word_count(k) <= 3).unwrap_or_default();
            let value = || tidy(&description(c).unwrap_or_default());
            // Keys are short: a byte scan beats setting up `str::contains`.
            let has = |words: &[&str]| words.iter().any(|w| find(&key, w).is_some());
            if has(&["company", "компания", "employer", "работодатель"]) {
                company = Some(value());
            } else if has(&["title", "position", "должность", "вакансия"]) && !value().is_empty() {
                title = value();
            } else {
                // The block's own line too: "Go developer, Acme (Go, Redis)".
                text.push_str(&c.text);
                text.push('\n');
            }
        }
        self.out.push(RawPosting { url: link_of(n), title, company, text, file: file.to_string(), line: n.line });
        self.open = Some(self.out.len() - 1);
    }

    /// Postings with the same link (query aside) are one; a titled line that
    /// never got a link stays a posting only where none has a link.
    fn finish(self) -> Vec<RawPosting> {
        let any_link = self.out.iter().any(|p| p.url.is_some());
        let mut out: Vec<RawPosting> = Vec::new();
        let mut keys: Vec<String> = Vec::new();
        for p in self.out {
            let Some(url) = &p.url else {
                if !any_link {
                    out.push(p);
                }
                continue;
            };
            let key = link_key(url);
            match keys.iter().position(|k| *k == key) {
                Some(i) => out[i].text.push_str(&p.text),
                None => {
                    keys.push(key);
                    out.push(p);
                }
            }
        }
        out
    }
}

/// A posting's title as written, and a company named in it: a heading's
/// text after "Posting 2:", a bold run (or the link text inside it), else
/// the text before the link or a separator. No title where the line is
/// only a link or a field name.
fn title_of(n: &Node, heading: bool) -> (String, Option<String>) {
    let first = n.text.lines().next().unwrap_or("");
    let raw = if heading {
        match first.split_once(':') {
            Some((head, tail)) if super::sections::classify(head).is_some() => tail,
            _ => first,
        }
    } else {
        first
    };
    // "https://... - Go developer": the title follows the link.
    let raw = match raw.trim_start().strip_prefix("http") {
        Some(rest) => rest.split_once(char::is_whitespace).map_or("", |(_, t)| t),
        None => raw,
    };
    let raw = raw.trim_start_matches([' ', '-', '–', '—', ':', '|']);
    let mut raw = raw.split(" http").next().unwrap_or("").trim();
    // "Go developer — Acme: Go, Kafka": what follows the colon is its skills.
    if let Some((head, _)) = raw.split_once(": ")
        && (1..=12).contains(&word_count(head))
    {
        raw = head;
    }
    // "Go developer - Link", "QA engineer: [link]": the link's words go.
    while let Some((head, tail)) = [" - ", " – ", " — ", ": "].iter().find_map(|s| raw.rsplit_once(s))
        && (is_field_label(tail) || tail.trim().is_empty())
    {
        raw = head.trim();
    }
    let (raw, company) = match company_in_title(raw) {
        Some((t, c)) => (t, Some(c)),
        None => (raw.to_string(), None),
    };
    let label = n.label.as_deref().filter(|l| !is_field_label(l) && raw.starts_with(l));
    let name = clean_name(&raw, label);
    let no_title = name.is_empty() || name.starts_with("http") || name.starts_with('[') || is_field_label(&name);
    // "Posting 1" names no job: a "Title:" field may.
    if no_title || super::sections::classify(&name).is_some_and(|(s, _)| s == Section::Posting) {
        return (String::new(), company);
    }
    (tidy(&name), company)
}

/// "Data Engineer at Ozon", "Go developer @ Avito", "QA — Yandex":
/// the title and the company.
fn company_in_title(title: &str) -> Option<(String, String)> {
    for sep in [" at ", " @ ", " — ", " – "] {
        if let Some((t, c)) = title.rsplit_once(sep) {
            let c = tidy(c.trim().trim_end_matches(['.', ')']));
            let capital = c.chars().next().is_some_and(|ch| ch.is_uppercase() || ch.is_ascii_digit());
            if capital && (1..=4).contains(&word_count(&c)) && word_count(t) >= 1 && !is_field_label(&c) {
                return Some((t.to_string(), c));
            }
        }
    }
    None
}

/// A short line that names a job, as a title stands alone on its line.
fn is_title_line(n: &Node, title: &str) -> bool {
    !title.is_empty() && word_count(title) <= 12 && !n.text.contains('\n') && looks_like_job_title(title)
        || n.label.as_deref().is_some_and(|l| l == n.text.trim() && looks_like_job_title(l))
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

fn has_link(n: &Node) -> bool {
    link_of(n).is_some()
}

/// The first web link in a block, written as a link or bare.
fn link_of(n: &Node) -> Option<String> {
    n.iter().flat_map(|c| c.links.iter()).find(|l| l.starts_with("http")).cloned().or_else(|| {
        // "[https://hh.ru/...]" is not a link in CommonMark, but it is one to a reader.
        first_url(&n.all_text().replace(['[', ']', '<', '>'], " "))
    })
}

fn first_url(s: &str) -> Option<String> {
    s.split_whitespace().find(|w| w.starts_with("http")).map(|w| w.trim_end_matches(['.', ',', ';', ')']).to_string())
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
        "specialist",
        "intern",
        "стажер",
        "architect",
        "administrator",
        "lead",
        "manager",
        "scientist",
        "qa",
        "sre",
        "golang",
        "middle",
        "junior",
        "senior",
    ]
    .iter()
    .any(|w| f.split_whitespace().any(|x| x.starts_with(w)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::outline::parse;

    fn read(md: &str) -> Vec<(String, Option<String>, Option<String>, String)> {
        let root = parse(md);
        let f = Found { section: Section::JobMarket, node: &root, inline: None, file: "m.md" };
        postings(&[&f], &[]).into_iter().map(|p| (p.title, p.company, p.url, p.text)).collect()
    }

    #[test]
    fn bold_link_titles_own_the_list_under_them() {
        let md = "**[Junior Go developer](https://jobs.test/v/1)**\nrequirements:\n\n- Go\n- gRPC\n\n\
            **[Rust engineer](https://jobs.test/v/2)**\nrequirements:\n\n- Rust\n";
        let got = read(md);
        assert_eq!(got.len(), 2);
        assert_eq!(got[0].0, "Junior Go developer");
        assert!(got[0].3.contains("gRPC") && !got[1].3.contains("gRPC"), "{got:?}");
        assert_eq!(got[1].0, "Rust engineer");
    }

    #[test]
    fn numbered_bold_titles_with_a_link_after() {
        let md = "1. **Go developer (Acme Cloud)** - [Link](https://jobs.test/v/1)\n   - Needs: Go, SQL\n\
            2. **QA engineer at Beta Labs** - [Link](https://jobs.test/v/2)\n   - Needs: Selenium\n";
        let got = read(md);
        assert_eq!(got[0].0, "Go developer (Acme Cloud)");
        assert_eq!(got[1].0, "QA engineer");
        assert_eq!(got[1].1.as_deref(), Some("Beta Labs"));
        assert!(got[0].3.contains("SQL") && got[1].3.contains("Selenium"));
    }

    #[test]
    fn a_title_line_takes_the_link_after_it() {
        let md = "**Data analyst — Gamma**\n\nLink: https://jobs.test/v/9\n\n- SQL\n- Tableau\n";
        let got = read(md);
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].0.as_str(), got[0].1.as_deref()), ("Data analyst", Some("Gamma")));
        assert_eq!(got[0].2.as_deref(), Some("https://jobs.test/v/9"));
        assert!(got[0].3.contains("Tableau"));
    }

    #[test]
    fn fields_and_bare_links() {
        let md = "- Title: Backend developer\n  - Company: Delta\n  - Link: https://jobs.test/v/3\n\
            - https://jobs.test/v/4\n- https://jobs.test/v/4?from=search\n";
        let got = read(md);
        assert_eq!(got.len(), 2, "{got:?}");
        assert_eq!((got[0].0.as_str(), got[0].1.as_deref()), ("Backend developer", Some("Delta")));
        assert_eq!(got[1].0, "");
    }
}
