//! Compiled alias index: token sequences -> taxonomy entries.
//!
//! Built once per taxonomy. Scanning walks the tokens left to right; at each
//! position the longest alias starting there wins and its tokens are skipped,
//! so "PostgreSQL" never also yields "SQL". Stop phrases ("go to", "plan C")
//! are aliases without a target: they consume tokens and yield nothing. A
//! token with no exact alias may still match as a typo (see `fuzzy`).

use std::collections::HashMap;

use super::fuzzy;
use super::tokens::{Token, phrase};

/// One alias before compilation.
#[derive(Debug, Clone)]
pub(crate) struct AliasSpec {
    pub text: String,
    /// Entry index, or `None` for a stop phrase.
    pub target: Option<usize>,
    /// Case-sensitive: the text must be written as in `text` (or in capitals),
    /// unless it stands alone as a list item.
    pub strict: bool,
    /// Used by component matching only when nothing stronger is in the segment.
    pub weak: bool,
    /// May be reached through a typo.
    pub fuzzy: bool,
    /// Higher wins when two entries claim the same alias (config over builtin).
    pub priority: u8,
}

#[derive(Debug)]
struct Alias {
    tokens: Vec<String>,
    /// Original-case forms, for strict aliases.
    forms: Option<Vec<String>>,
    target: Option<usize>,
    weak: bool,
    fuzzy: bool,
}

/// One alias occurrence in a token slice: tokens `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    pub target: usize,
    pub start: usize,
    pub end: usize,
    pub weak: bool,
}

#[derive(Debug, Default)]
pub(crate) struct Matcher {
    aliases: Vec<Alias>,
    /// First lowercase token -> alias ids, longest first.
    by_first: HashMap<String, Vec<usize>>,
    /// First letter -> first tokens that typos may reach: (chars, letter
    /// mask, key).
    fuzzy_keys: HashMap<char, Vec<(Vec<char>, u64, String)>>,
}

impl Matcher {
    pub(crate) fn new(specs: &[AliasSpec]) -> Matcher {
        // Identical token sequences: the highest priority, then the first, wins.
        let mut chosen: HashMap<Vec<String>, (u8, usize)> = HashMap::new();
        let mut aliases: Vec<Alias> = Vec::new();
        for spec in specs {
            let tokens = phrase(&spec.text);
            if tokens.is_empty() {
                continue;
            }
            let alias = Alias {
                forms: spec.strict.then(|| super::tokens::tokenize(&spec.text).into_iter().map(|t| t.orig).collect()),
                tokens: tokens.clone(),
                target: spec.target,
                weak: spec.weak,
                fuzzy: spec.fuzzy && !spec.strict,
            };
            match chosen.get(&tokens) {
                Some(&(p, _)) if p >= spec.priority => {}
                Some(&(_, idx)) => {
                    aliases[idx] = alias;
                    chosen.insert(tokens, (spec.priority, idx));
                }
                None => {
                    chosen.insert(tokens, (spec.priority, aliases.len()));
                    aliases.push(alias);
                }
            }
        }
        let mut by_first: HashMap<String, Vec<usize>> = HashMap::new();
        for (id, alias) in aliases.iter().enumerate() {
            by_first.entry(alias.tokens[0].clone()).or_default().push(id);
        }
        let mut fuzzy_keys: HashMap<char, Vec<(Vec<char>, u64, String)>> = HashMap::new();
        for (key, ids) in &mut by_first {
            ids.sort_by_key(|&id| std::cmp::Reverse(aliases[id].tokens.len()));
            let chars: Vec<char> = key.chars().collect();
            let reachable = ids.iter().any(|&id| aliases[id].fuzzy);
            if reachable && fuzzy::budget(chars.len()) > 0 && chars.iter().all(|c| c.is_alphabetic()) {
                fuzzy_keys.entry(chars[0]).or_default().push((chars.clone(), fuzzy::letter_mask(&chars), key.clone()));
            }
        }
        for keys in fuzzy_keys.values_mut() {
            keys.sort();
        }
        Matcher { aliases, by_first, fuzzy_keys }
    }

    /// All alias occurrences in `toks`, left to right, non-overlapping.
    /// `relaxed` lifts the case rule of strict aliases (role names, lists).
    pub(crate) fn scan(&self, toks: &[Token], relaxed: bool) -> Vec<Hit> {
        let mut hits = Vec::new();
        let mut i = 0;
        while i < toks.len() {
            match self.match_at(toks, i, relaxed) {
                Some((len, target, weak)) => {
                    if let Some(target) = target {
                        hits.push(Hit { target, start: i, end: i + len, weak });
                    }
                    i += len;
                }
                None => i += 1,
            }
        }
        hits
    }

    /// The longest alias at `i`: (token count, target, weak).
    fn match_at(&self, toks: &[Token], i: usize, relaxed: bool) -> Option<(usize, Option<usize>, bool)> {
        let (ids, typo) = match self.by_first.get(&toks[i].lower) {
            Some(ids) => (ids, false),
            None => (self.by_first.get(self.typo_key(&toks[i].lower)?)?, true),
        };
        ids.iter().map(|&id| &self.aliases[id]).find_map(|alias| {
            let n = alias.tokens.len();
            let fits = i + n <= toks.len()
                && (!typo || alias.fuzzy)
                && alias.tokens[1..].iter().zip(&toks[i + 1..]).all(|(a, t)| *a == t.lower)
                && self.case_ok(alias, toks, i, relaxed);
            fits.then_some((n, alias.target, alias.weak))
        })
    }

    /// The key a misspelt token most likely stands for.
    fn typo_key(&self, lower: &str) -> Option<&str> {
        if !fuzzy::eligible(lower) {
            return None;
        }
        let chars: Vec<char> = lower.chars().collect();
        let keys = self.fuzzy_keys.get(&chars[0])?;
        let mask = fuzzy::letter_mask(&chars);
        let mut best: Option<(usize, &str)> = None;
        for (key, key_mask, name) in keys {
            let max = fuzzy::budget(key.len().min(chars.len()));
            if max == 0 || key.len().abs_diff(chars.len()) > max || (mask ^ key_mask).count_ones() as usize > 2 * max {
                continue;
            }
            if let Some(d) = fuzzy::within(&chars, key, max)
                && best.is_none_or(|(b, _)| d < b)
            {
                best = Some((d, name));
            }
        }
        best.map(|(_, k)| k)
    }

    fn case_ok(&self, alias: &Alias, toks: &[Token], i: usize, relaxed: bool) -> bool {
        let Some(forms) = &alias.forms else {
            return true;
        };
        let n = forms.len();
        let as_written = forms
            .iter()
            .zip(&toks[i..i + n])
            .all(|(f, t)| t.orig == *f || (t.orig.chars().count() > 1 && t.orig == f.to_uppercase()));
        as_written || relaxed || standalone(toks, i, i + n)
    }
}

/// Whether tokens `start..end` make up a whole list segment ("python, go").
fn standalone(toks: &[Token], start: usize, end: usize) -> bool {
    let seg_start = toks[start].seg;
    let seg_end = toks[end - 1].seg;
    (start == 0 || toks[start - 1].seg != seg_start) && (end == toks.len() || toks[end].seg != seg_end)
}
