//! What one submission may add to the atlas, and how long it may take.
//!
//! Honest submissions stay far inside every bound (the largest of a real
//! cohort: 9 components, 16 roles, 46 skills in one list, 7 postings). A
//! submission past one keeps the first entries, and a finding says what was
//! left out. A submission still loading at its deadline is published as its
//! plain text, with an error finding: the last line of defence, which the
//! other bounds should keep from ever being reached.

use crate::diagnostics::{Finding, Severity};
use crate::model::Submission;
use std::time::Duration;

/// Components a submission may map (each can make a page of its own), and
/// roles named per component.
pub(crate) const MAX_COMPONENTS: usize = 100;
pub(crate) const MAX_COMPONENT_ROLES: usize = 10;
/// Roles in "Roles and responsibilities", responsibilities per role, and
/// characters of responsibilities in all.
pub(crate) const MAX_ROLES: usize = 100;
pub(crate) const MAX_RESPONSIBILITIES: usize = 20;
pub(crate) const MAX_RESPONSIBILITY_CHARS: usize = 64_000;
/// Entries in each list of skills.
pub(crate) const MAX_SKILLS: usize = 200;
pub(crate) const MAX_POSTINGS: usize = 50;
/// Characters of one name (component, role, skill, posting, product), of
/// one responsibility or URL, and of the reflection.
pub(crate) const MAX_NAME_CHARS: usize = 100;
pub(crate) const MAX_TEXT_CHARS: usize = 1_000;
pub(crate) const MAX_REFLECTION_CHARS: usize = 20_000;
/// Diagnostics kept per submission; one more says how many were left out.
pub(crate) const MAX_DIAGNOSTICS: usize = 200;

/// How long one submission may take to load, and its page to render.
pub(crate) const FORK_SECONDS: f64 = 5.0;

/// [`FORK_SECONDS`], or `SKILLS_ATLAS_FORK_SECONDS` from the environment.
pub(crate) fn fork_deadline() -> Duration {
    let seconds = std::env::var("SKILLS_ATLAS_FORK_SECONDS").ok().and_then(|s| s.parse::<f64>().ok());
    Duration::from_secs_f64(seconds.filter(|s| s.is_finite() && *s >= 0.0).unwrap_or(FORK_SECONDS))
}

/// Cut each list and name of `sub` to its bound, with a finding for each
/// list cut.
pub(crate) fn cap_entities(sub: &mut Submission) {
    let file = findings_file(sub);
    let mut notes = Vec::new();
    let mut cut = |what: &str, len: usize, max: usize| {
        if len > max {
            notes.push(Finding::new(
                "too-many",
                &file,
                0,
                Severity::Warning,
                format!("{len} {what}: only the first {max} are published; an assignment needs far fewer"),
            ));
        }
    };
    cut("components", sub.components.len(), MAX_COMPONENTS);
    cut("roles with responsibilities", sub.responsibilities.len(), MAX_ROLES);
    cut("postings", sub.postings.len(), MAX_POSTINGS);
    for (what, list) in [
        ("common skills", &sub.common_skills),
        ("skills you have", &sub.skills_have),
        ("skills you lack", &sub.skills_lack),
        ("skills in several postings", &sub.skills_in_several_postings),
        ("skills in one posting", &sub.skills_in_one_posting),
    ] {
        cut(what, list.len(), MAX_SKILLS);
    }
    sub.components.truncate(MAX_COMPONENTS);
    sub.responsibilities.truncate(MAX_ROLES);
    sub.postings.truncate(MAX_POSTINGS);
    for list in [
        &mut sub.common_skills,
        &mut sub.skills_have,
        &mut sub.skills_lack,
        &mut sub.skills_in_several_postings,
        &mut sub.skills_in_one_posting,
    ] {
        list.truncate(MAX_SKILLS);
        for item in list.iter_mut() {
            shorten(&mut item.name, MAX_NAME_CHARS);
        }
    }
    shorten_names(sub);
    sub.findings.extend(notes);
    cap_diagnostics(&mut sub.findings);
}

fn shorten_names(sub: &mut Submission) {
    for c in &mut sub.components {
        shorten(&mut c.name, MAX_NAME_CHARS);
        c.roles.truncate(MAX_COMPONENT_ROLES);
        for r in &mut c.roles {
            shorten(&mut r.name, MAX_NAME_CHARS);
        }
    }
    let mut left = MAX_RESPONSIBILITY_CHARS;
    for r in &mut sub.responsibilities {
        shorten(&mut r.name, MAX_NAME_CHARS);
        r.items.truncate(MAX_RESPONSIBILITIES);
        for item in &mut r.items {
            shorten(item, MAX_TEXT_CHARS.min(left));
            left = left.saturating_sub(item.chars().count());
        }
        r.items.retain(|i| i != "…");
    }
    for p in &mut sub.postings {
        shorten(&mut p.title, MAX_NAME_CHARS);
        if let Some(c) = &mut p.company {
            shorten(c, MAX_NAME_CHARS);
        }
        if let Some(u) = &mut p.url {
            shorten(u, MAX_TEXT_CHARS);
        }
    }
    if let Some(p) = &mut sub.product {
        shorten(p, MAX_NAME_CHARS);
    }
    if let Some(r) = &mut sub.chosen_role {
        shorten(&mut r.name, MAX_NAME_CHARS);
    }
    shorten(&mut sub.reflection.text, MAX_REFLECTION_CHARS);
}

/// At most `max` characters: a longer text is cut and ends with "…".
fn shorten(s: &mut String, max: usize) {
    if s.len() <= max {
        return;
    }
    if let Some((at, _)) = s.char_indices().nth(max) {
        s.truncate(at);
        s.push('…');
    }
}

/// The first [`MAX_DIAGNOSTICS`] diagnostics (sorted: errors are not
/// crowded out by where they fall), and one saying how many more there were.
pub(crate) fn cap_diagnostics(diags: &mut Vec<Finding>) {
    if diags.len() <= MAX_DIAGNOSTICS {
        return;
    }
    diags.sort_by(|a, b| b.severity.cmp(&a.severity).then_with(|| a.cmp(b)));
    let more = diags.len() - MAX_DIAGNOSTICS;
    let path = diags[0].path.clone();
    diags.truncate(MAX_DIAGNOSTICS);
    diags.push(Finding::new(
        "more",
        &path,
        0,
        Severity::Warning,
        format!("{more} more findings like these are not listed"),
    ));
    diags.sort();
}

/// `sub` as plain text only: its structure dropped (no entity of it reaches
/// any page), each file shown as a code block, and an error finding.
pub(crate) fn as_plain(sub: &mut Submission, took: Duration) {
    let file = findings_file(sub);
    sub.components.clear();
    sub.responsibilities.clear();
    sub.common_skills.clear();
    sub.skills_have.clear();
    sub.skills_lack.clear();
    sub.postings.clear();
    sub.skills_in_several_postings.clear();
    sub.skills_in_one_posting.clear();
    sub.product = None;
    sub.chosen_role = None;
    sub.reflection = crate::model::Reflection::default();
    sub.sections.clear();
    sub.images.clear();
    for (_, text) in &mut sub.sources {
        *text = fenced(text);
    }
    sub.findings.push(Finding::new(
        "too-slow",
        &file,
        0,
        Severity::Error,
        format!(
            "reading this submission took {:.1} s, more than the {:.0} s one may take: it is published as plain text; \
             simplify its files",
            took.as_secs_f64(),
            fork_deadline().as_secs_f64()
        ),
    ));
}

/// `text` as a fenced code block without a language: shown as it is.
pub(crate) fn fenced(text: &str) -> String {
    let mut longest = 0;
    let mut run = 0;
    for b in text.bytes() {
        run = if b == b'`' { run + 1 } else { 0 };
        longest = longest.max(run);
    }
    let fence = "`".repeat(longest.max(2) + 1);
    format!("{fence}\n{text}\n{fence}\n")
}

/// The file findings about the whole submission are filed under.
fn findings_file(sub: &Submission) -> String {
    sub.files.first().cloned().unwrap_or_else(|| sub.source.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_cut_on_a_character_boundary() {
        let mut s = "я".repeat(10);
        shorten(&mut s, 4);
        assert_eq!(s, "яяяя…");
        let mut s = "short".to_string();
        shorten(&mut s, 5);
        assert_eq!(s, "short");
    }

    #[test]
    fn fences_are_longer_than_any_run_of_backticks_inside() {
        let text = "a ``` b ```` c";
        let block = fenced(text);
        assert!(block.starts_with("`````\n") && block.ends_with("\n`````\n"), "{block}");
        let html = crate::render::markdown::to_html(&fenced("# not a heading\n<b>x</b>\n```"));
        assert!(html.contains("# not a heading") && html.contains("&lt;b&gt;"), "{html}");
    }

    #[test]
    fn diagnostics_beyond_the_bound_are_counted_not_listed() {
        let mut diags: Vec<Finding> =
            (0..500).map(|i| Finding::new("placeholder", "a.md", i + 1, Severity::Warning, "placeholder")).collect();
        diags.push(Finding::new("unreadable", "a.md", 9999, Severity::Error, "binary"));
        cap_diagnostics(&mut diags);
        assert_eq!(diags.len(), MAX_DIAGNOSTICS + 1);
        assert!(diags.iter().any(|d| d.severity == Severity::Error), "errors are kept first");
        assert!(diags.iter().any(|d| d.message.contains("301 more")), "{diags:?}");
    }
}
