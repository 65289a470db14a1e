//! Component kinds and products.
//!
//! A component's display name is a short phrase: "Sharded Chat DB & State
//! Cache", "Catalog & Search service". Its kind comes from the first list
//! segment that names one, and within it from the last alias before any
//! preposition (the head noun: a "Chat DB" is a database, a "Database for
//! user profiles" too). Words in parentheses only count when nothing outside
//! them does. Products are counted over a whole text: the most mentioned wins,
//! ties go to the first mentioned.

use super::Section;
use super::matcher::Hit;
use super::tokens::{Token, tokenize};

/// Words after which a component name only qualifies its head noun.
const PREPOSITIONS: &[&str] = &["for", "of", "to", "on", "in", "via", "through", "для", "по"];

pub(crate) fn component_kind(section: &Section, text: &str) -> Option<String> {
    let toks = tokenize(text);
    let hits = section.matcher.scan(&toks, false);
    let outside: Vec<Hit> = hits.iter().copied().filter(|h| !toks[h.start].in_parens).collect();
    let pool = if outside.is_empty() { hits } else { outside };
    let pick = best_in_first_segment(&toks, pool.iter().filter(|h| !h.weak))
        .or_else(|| best_in_first_segment(&toks, pool.iter().filter(|h| h.weak)))?;
    Some(section.name(pick.target).to_owned())
}

/// The head-noun hit of the first segment that has any of `hits`.
fn best_in_first_segment<'a>(toks: &[Token], hits: impl Iterator<Item = &'a Hit>) -> Option<Hit> {
    let hits: Vec<&Hit> = hits.collect();
    let seg = toks[hits.first()?.start].seg;
    let in_seg: Vec<&Hit> = hits.into_iter().filter(|h| toks[h.start].seg == seg).collect();
    let prep = toks
        .iter()
        .position(|t| t.seg == seg && PREPOSITIONS.contains(&t.lower.as_str()))
        .unwrap_or(usize::MAX);
    let head = in_seg.iter().copied().filter(|h| h.start < prep).last();
    head.or_else(|| in_seg.last().copied()).copied()
}

pub(crate) fn product_in(section: &Section, text: &str) -> Option<String> {
    let toks = tokenize(text);
    // (target, count), in order of first mention.
    let mut counts: Vec<(usize, usize)> = Vec::new();
    for hit in section.matcher.scan(&toks, false) {
        match counts.iter_mut().find(|(t, _)| *t == hit.target) {
            Some((_, n)) => *n += 1,
            None => counts.push((hit.target, 1)),
        }
    }
    let max = counts.iter().map(|&(_, n)| n).max()?;
    let (target, _) = counts.into_iter().find(|&(_, n)| n == max)?;
    Some(section.name(target).to_owned())
}
