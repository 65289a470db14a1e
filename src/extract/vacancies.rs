//! Postings an instructor should look at twice: vacancy links whose ids look
//! made up (`.../vacancy/12345678`, then `...679`; `303030303`), two
//! postings with the same pasted text, links to no job site. Each is a
//! finding at the posting's line; none changes what is extracted.

use super::RawPosting;
use crate::diagnostics::{Finding, Severity};
use crate::text::fold;

pub(crate) const MADE_UP: &str = "made-up-vacancy";
pub(crate) const SAME_TEXT: &str = "same-posting-text";
pub(crate) const NOT_A_JOB_SITE: &str = "not-a-job-site";

/// Words a posting's pasted text must have to be compared: a shorter text
/// (a list of skills) may well be the same in two postings.
const MIN_BODY_WORDS: usize = 12;

/// The findings about one submission's postings, in posting order.
pub(crate) fn suspicious(postings: &[RawPosting]) -> Vec<Finding> {
    let mut out = Vec::new();
    let ids: Vec<Option<u64>> = postings.iter().map(|p| p.url.as_deref().and_then(vacancy_id)).collect();
    for (i, p) in postings.iter().enumerate() {
        let Some(url) = p.url.as_deref() else { continue };
        let mut why: Vec<String> = Vec::new();
        if let Some(id) = ids[i] {
            if let Some(pattern) = patterned(&id.to_string()) {
                why.push(pattern.to_string());
            }
            let near = ids.iter().flatten().find(|&&o| o != id && o.abs_diff(id) <= 3);
            if let Some(n) = near {
                why.push(format!("next to another posting's ({n}), and real vacancies are not numbered in a row"));
            }
            if !why.is_empty() {
                why = vec![format!("its id {id} is {}", why.join(", "))];
            }
        } else if let Some(slug) = named_vacancy(url) {
            why.push(format!("it ends in \"{slug}\", where the site's vacancy links end in a number"));
        }
        if !why.is_empty() {
            out.push(finding(
                MADE_UP,
                p,
                Severity::Warning,
                format!("posting link {url} looks made up: {}; link the real posting you read", why.join("; ")),
            ));
        } else if !is_job_site(url) {
            out.push(finding(
                NOT_A_JOB_SITE,
                p,
                Severity::Warning,
                format!("posting link {url} is not to a job site or a company's careers page: link the posting itself"),
            ));
        }
    }
    out.extend(same_texts(postings));
    out
}

fn finding(code: &'static str, p: &RawPosting, severity: Severity, message: String) -> Finding {
    Finding::new(code, &p.file, p.line, severity, message)
}

/// A posting whose pasted text is another's, word for word (case, spacing
/// and punctuation aside).
fn same_texts(postings: &[RawPosting]) -> Vec<Finding> {
    let bodies: Vec<Option<String>> = postings.iter().map(body).collect();
    let mut out = Vec::new();
    for (i, p) in postings.iter().enumerate() {
        let Some(b) = &bodies[i] else { continue };
        if let Some(first) = (0..i).find(|&j| bodies[j].as_ref() == Some(b)) {
            out.push(finding(SAME_TEXT, p, Severity::Warning, format!(
                "this posting's text is the same as the posting's at line {}: write down what each posting asks for",
                postings[first].line
            )));
        }
    }
    out
}

/// The posting's text without its title and links, as words, if it has
/// enough of them.
fn body(p: &RawPosting) -> Option<String> {
    let text = p.text.strip_prefix(p.title.as_str()).unwrap_or(&p.text);
    let folded = fold(text);
    let (mut words, mut n) = (String::with_capacity(folded.len()), 0);
    for w in folded.split(|c: char| !c.is_alphanumeric()) {
        if w.is_empty() || w.starts_with("http") || w == "www" {
            continue;
        }
        if n > 0 {
            words.push(' ');
        }
        words.push_str(w);
        n += 1;
    }
    (n >= MIN_BODY_WORDS).then_some(words)
}

/// The host of an http(s) URL, lower-case, without `www.`.
fn host(url: &str) -> Option<String> {
    let rest = url
        .trim()
        .split_once("://")
        .filter(|(s, _)| s.eq_ignore_ascii_case("http") || s.eq_ignore_ascii_case("https"))?
        .1;
    let host = rest.split(['/', '?', '#']).next()?.rsplit('@').next()?.split(':').next()?.to_ascii_lowercase();
    Some(host.strip_prefix("www.").unwrap_or(&host).to_string())
}

/// The path of an http(s) URL (after the host), lower-case.
fn path(url: &str) -> String {
    let rest = url.trim().split_once("://").map_or(url, |(_, r)| r);
    rest.find('/').map_or(String::new(), |i| rest[i..].to_ascii_lowercase())
}

/// Whether a host is HeadHunter's (`hh.ru`, `spb.hh.ru`, `hh.kz`).
fn is_hh(host: &str) -> bool {
    let labels: Vec<&str> = host.split('.').collect();
    labels.len() >= 2 && labels[labels.len() - 2] == "hh"
}

/// The vacancy id of a job site's posting link: the number after
/// `/vacancy/`, `/vacancies/` or `/job/`, else the last run of 5 or more
/// digits in its path.
fn vacancy_id(url: &str) -> Option<u64> {
    let path = path(url);
    let path = path.split(['?', '#']).next().unwrap_or("");
    let runs: Vec<&str> = path.split(|c: char| !c.is_ascii_digit()).filter(|r| r.len() >= 5 && r.len() <= 18).collect();
    runs.last().and_then(|r| r.parse().ok())
}

/// A vacancy link of HeadHunter or Habr Career that ends in words where the
/// site puts a number (`hh.ru/vacancy/example1`): the slug.
fn named_vacancy(url: &str) -> Option<String> {
    let host = host(url)?;
    let path = path(url);
    let path = path.split(['?', '#']).next().unwrap_or("");
    let slug = if is_hh(&host) {
        path.strip_prefix("/vacancy/")?
    } else if host == "career.habr.com" {
        path.strip_prefix("/vacancies/")?
    } else {
        return None;
    };
    let slug = slug.trim_end_matches('/');
    (!slug.is_empty() && !slug.bytes().all(|b| b.is_ascii_digit())).then(|| slug.to_string())
}

/// How an id looks made up, if it does: one digit repeated, a short
/// pattern repeated (`303030303`), digits in a row (`12345678`,
/// `87654321`, `11223344`), or nearly all zeros (`100000001`).
fn patterned(id: &str) -> Option<&'static str> {
    let d = id.as_bytes();
    if d.len() < 6 {
        return None;
    }
    if d.iter().all(|&b| b == d[0]) {
        return Some("one digit repeated");
    }
    if (2..=4).any(|p| (p..d.len()).all(|i| d[i] == d[i - p])) {
        return Some("a short pattern repeated");
    }
    let in_a_row = |s: &[u8]| {
        s.len() >= 4
            && (s.windows(2).all(|w| w[1] == w[0] + 1 || (w[0] == b'9' && w[1] == b'0'))
                || s.windows(2).all(|w| w[0] == w[1] + 1 || (w[0] == b'0' && w[1] == b'9')))
    };
    let pairs: Vec<u8> = d.chunks(2).map(|c| c[0]).collect();
    let paired = d.len().is_multiple_of(2) && d.chunks(2).all(|c| c[0] == c[1]);
    if in_a_row(d) || (paired && in_a_row(&pairs)) {
        return Some("digits counting up or down");
    }
    if d.iter().filter(|&&b| b == b'0').count() + 2 >= d.len() {
        return Some("nearly all zeros");
    }
    None
}

/// Job boards, and the parts of a company's site that hold its postings.
fn is_job_site(url: &str) -> bool {
    let Some(host) = host(url) else { return true };
    const BOARDS: &[&str] = &[
        "career.habr.com",
        "superjob.ru",
        "rabota.ru",
        "zarplata.ru",
        "trudvsem.ru",
        "getmatch.ru",
        "geekjob.ru",
        "dreamjob.ru",
        "rabota.by",
        "jobs.devby.io",
        "djinni.co",
        "work.ua",
        "robota.ua",
        "linkedin.com",
        "indeed.com",
        "glassdoor.com",
        "wellfound.com",
        "angel.co",
        "remoteok.com",
        "weworkremotely.com",
        "workable.com",
        "lever.co",
        "greenhouse.io",
        "smartrecruiters.com",
        "ashbyhq.com",
        "recruitee.com",
        "huntflow.ru",
        "huntflow.io",
        "teamtailor.com",
        "bamboohr.com",
        "breezy.hr",
        "personio.de",
        "personio.com",
        "stackoverflow.com",
        "hired.com",
        "otta.com",
        "welcometothejungle.com",
        "remote.co",
        "flexjobs.com",
        "monster.com",
        "dice.com",
        "xing.com",
        "stepstone.de",
        "naukri.com",
        "seek.com.au",
        "jooble.org",
        "team.vk.company",
        "yandex.ru",
        "t.me",
    ];
    let board = is_hh(&host)
        || BOARDS.iter().any(|b| host.strip_suffix(b).is_some_and(|rest| rest.is_empty() || rest.ends_with('.')));
    let labels = host.split('.').any(|l| ["jobs", "job", "careers", "career", "hr", "rabota", "vacancy"].contains(&l));
    let path = path(url);
    let words = ["job", "vacanc", "career", "vakans", "position", "opening", "hiring", "rabota", "ваканс"]
        .iter()
        .any(|w| path.contains(w));
    board || labels || words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn posting(url: &str, line: usize, text: &str) -> RawPosting {
        RawPosting {
            url: Some(url.to_string()),
            title: "Python-разработчик".into(),
            company: None,
            text: text.to_string(),
            file: "docs/roles-and-skills.md".into(),
            line,
        }
    }

    fn codes(list: &[RawPosting]) -> Vec<(usize, &'static str)> {
        suspicious(list).iter().map(|f| (f.line, code_of(f))).collect()
    }

    fn code_of(f: &Finding) -> &'static str {
        [MADE_UP, SAME_TEXT, NOT_A_JOB_SITE].into_iter().find(|c| f.code == *c).unwrap_or("other")
    }

    #[test]
    fn ids_in_a_row_or_patterned_look_made_up() {
        for id in ["303030303", "12345678", "87654321", "11223344", "100000001", "777777", "45674567"] {
            assert!(patterned(id).is_some(), "{id}");
        }
        for id in ["129767039", "130122582", "91535741", "1000148301", "12345"] {
            assert!(patterned(id).is_none(), "{id}: {:?}", patterned(id));
        }
        let list = [
            posting("https://hh.ru/vacancy/129767039", 10, ""),
            posting("https://spb.hh.ru/vacancy/129767040?from=search", 14, ""),
            posting("https://hh.ru/vacancy/118574014", 18, ""),
        ];
        assert_eq!(codes(&list), [(10, MADE_UP), (14, MADE_UP)]);
    }

    #[test]
    fn a_vacancy_named_in_words_is_made_up_on_sites_that_number_them() {
        let list = [
            posting("https://hh.kz/vacancy/python-developer-kolesa", 3, ""),
            posting("https://hh.ru/vacancy/example2", 5, ""),
            posting("https://career.habr.com/vacancies/1000148301", 7, ""),
            posting("https://jobs.example.org/backend-engineer", 9, ""),
        ];
        assert_eq!(codes(&list), [(3, MADE_UP), (5, MADE_UP)]);
    }

    #[test]
    fn links_to_no_job_site_are_named() {
        let list = [
            posting("https://roadmap.sh/cyber-security", 2, ""),
            posting("https://ru.wikipedia.org/wiki/DevOps", 4, ""),
            posting("https://careers.example.com/o/42", 6, ""),
            posting("https://example.com/about/vacancies/devops", 8, ""),
            posting("https://www.linkedin.com/jobs/view/3912345678", 10, ""),
        ];
        assert_eq!(codes(&list), [(2, NOT_A_JOB_SITE), (4, NOT_A_JOB_SITE)]);
    }

    #[test]
    fn the_same_pasted_text_twice_is_named_at_the_second() {
        let body = "Мы ищем разработчика в команду платежей. Требования: Python 3, Django, PostgreSQL, \
                    опыт от года, умение писать тесты и читать чужой код.";
        let list = [
            posting("https://hh.ru/vacancy/129000001", 3, body),
            posting("https://hh.ru/vacancy/128100502", 9, "Skills: Python, SQL"),
            posting("https://hh.ru/vacancy/127200503", 15, &body.to_uppercase().replace(". ", ".\n  ")),
            posting("https://hh.ru/vacancy/126300504", 21, "Skills: Python, SQL"),
        ];
        let found = suspicious(&list);
        assert_eq!(found.len(), 1, "{found:?}");
        assert_eq!((found[0].line, code_of(&found[0])), (15, SAME_TEXT));
        assert!(found[0].message.contains("line 3"), "{}", found[0].message);
    }
}
