//! Compiled alias index: token sequences -> taxonomy entries.
//!
//! Built once per taxonomy. Scanning walks the tokens left to right; at each
//! position the longest alias starting there wins and its tokens are skipped,
//! so "PostgreSQL" never also yields "SQL". Stop phrases ("go to", "plan C")
//! are aliases without a target: they consume tokens and yield nothing. A
//! token with no exact alias may still match as a typo (see `fuzzy`).

use std::cell::RefCell;
use std::collections::HashMap;

use super::fuzzy;
use super::tokens::{Tokens, phrase};
use crate::text::{FxMap, memo};

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
    /// Original-case forms and their capitals, for strict aliases.
    forms: Option<Vec<(String, String)>>,
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

/// A first token that typos may reach.
#[derive(Debug)]
struct FuzzyKey {
    chars: Vec<char>,
    mask: u64,
    key: String,
}

#[derive(Debug, Default)]
pub(crate) struct Matcher {
    /// Names this matcher's answers in the per-thread memo.
    memo_owner: u64,
    aliases: Vec<Alias>,
    /// First lowercase token -> alias ids, longest first.
    by_first: FxMap<String, Vec<usize>>,
    /// First letter -> keys typos may reach, by length in chars, sorted.
    fuzzy_keys: FxMap<char, Vec<Vec<FuzzyKey>>>,
    /// A filter in front of both maps, by a token's first byte: bit `n` (at
    /// most 63) set when a first token has `n` bytes, and when a token of `n`
    /// characters may reach a key by typos (see [`reaches`]).
    exact_lens: Vec<u64>,
    /// A second filter in front of `by_first`: bit `b` of word `a` set when
    /// a first token starts with bytes `a b` (`b` 0 for a one-byte token).
    exact_pairs: Vec<[u64; 4]>,
    typo_lens: Vec<u64>,
    /// The fewest characters a token may have and pass `typo_lens`.
    typo_min_len: usize,
    /// By a token's first byte and length in characters (at most 63): the
    /// letters (see [`fuzzy::letter_mask`]) of each key typos may reach from
    /// there, and how many of them a typo may change. A token whose letters
    /// differ more from every key's is no typo of any (the test
    /// [`Matcher::nearest_key`] makes before comparing them).
    typo_masks: Vec<Vec<Vec<(u64, u32)>>>,
}

/// Whether a token of `n` characters may be a typo of a key of `len`: the
/// test [`Matcher::nearest_key`] makes before comparing them.
fn reaches(n: usize, len: usize) -> bool {
    let max = fuzzy::budget(len.min(n));
    max > 0 && len.abs_diff(n) <= max
}

/// A token's first two bytes as indexes (the second 0 for a one-byte token).
fn first_two(token: &str) -> (usize, usize) {
    let b = token.as_bytes();
    (b.first().map_or(0, |&x| usize::from(x)), b.get(1).map_or(0, |&x| usize::from(x)))
}

/// Bit for a length in the `*_lens` filters.
fn len_bit(n: usize) -> u64 {
    1 << n.min(63)
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
                forms: spec.strict.then(|| {
                    let toks = super::tokens::tokenize(&spec.text);
                    (0..toks.len()).map(|i| (toks.orig(i).to_owned(), toks.orig(i).to_uppercase())).collect()
                }),
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
        let mut by_first: FxMap<String, Vec<usize>> = FxMap::default();
        for (id, alias) in aliases.iter().enumerate() {
            by_first.entry(alias.tokens[0].clone()).or_default().push(id);
        }
        let mut fuzzy_keys: FxMap<char, Vec<Vec<FuzzyKey>>> = FxMap::default();
        for (key, ids) in &mut by_first {
            ids.sort_by_key(|&id| std::cmp::Reverse(aliases[id].tokens.len()));
            let chars: Vec<char> = key.chars().collect();
            let reachable = ids.iter().any(|&id| aliases[id].fuzzy);
            if reachable && fuzzy::budget(chars.len()) > 0 && chars.iter().all(|c| c.is_alphabetic()) {
                let mask = fuzzy::letter_mask(&chars);
                let by_len = fuzzy_keys.entry(chars[0]).or_default();
                if by_len.len() <= chars.len() {
                    by_len.resize_with(chars.len() + 1, Vec::new);
                }
                by_len[chars.len()].push(FuzzyKey { chars, mask, key: key.clone() });
            }
        }
        for keys in fuzzy_keys.values_mut().flatten() {
            keys.sort_by(|a, b| a.chars.cmp(&b.chars));
        }
        let mut exact_lens = vec![0; 256];
        let mut exact_pairs = vec![[0; 4]; 256];
        for key in by_first.keys() {
            let (a, b) = first_two(key);
            exact_lens[a] |= len_bit(key.len());
            exact_pairs[a][b / 64] |= 1 << (b % 64);
        }
        let mut typo_lens = vec![0; 256];
        let mut typo_masks = vec![Vec::new(); 256];
        for (first, by_len) in &fuzzy_keys {
            let mut utf8 = [0; 4];
            let byte = usize::from(first.encode_utf8(&mut utf8).as_bytes()[0]);
            for (len, keys) in by_len.iter().enumerate().filter(|(_, k)| !k.is_empty()) {
                for n in (len.saturating_sub(2)..=len + 2).filter(|&n| reaches(n, len)) {
                    typo_lens[byte] |= len_bit(n);
                    let by_n: &mut Vec<Vec<(u64, u32)>> = &mut typo_masks[byte];
                    by_n.resize(64, Vec::new());
                    let changes = 2 * fuzzy::budget(len.min(n)) as u32;
                    by_n[n.min(63)].extend(keys.iter().map(|k| (k.mask, changes)));
                }
            }
        }
        Matcher {
            memo_owner: memo::next_owner(),
            aliases,
            by_first,
            fuzzy_keys,
            exact_lens,
            exact_pairs,
            typo_min_len: typo_lens.iter().map(|m| m.trailing_zeros() as usize).min().unwrap_or(64),
            typo_lens,
            typo_masks,
        }
    }

    /// All alias occurrences in `toks`, left to right, non-overlapping.
    /// `relaxed` lifts the case rule of strict aliases (role names, lists).
    pub(crate) fn scan(&self, toks: &Tokens<'_>, relaxed: bool) -> Vec<Hit> {
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
    fn match_at(&self, toks: &Tokens<'_>, i: usize, relaxed: bool) -> Option<(usize, Option<usize>, bool)> {
        let lower = toks.lower(i);
        let (first, second) = first_two(lower);
        let exact = if self.exact_lens.get(first).is_some_and(|m| m & len_bit(lower.len()) != 0)
            && self.exact_pairs.get(first).is_some_and(|p| p[second / 64] & 1 << (second % 64) != 0)
        {
            self.by_first.get(lower)
        } else {
            None
        };
        let (ids, typo) = match exact {
            Some(ids) => (ids, false),
            None => (self.by_first.get(&*self.typo_key(lower)?)?, true),
        };
        ids.iter().map(|&id| &self.aliases[id]).find_map(|alias| {
            let n = alias.tokens.len();
            let fits = i + n <= toks.len()
                && (!typo || alias.fuzzy)
                && alias.tokens[1..].iter().zip(i + 1..).all(|(a, j)| a == toks.lower(j))
                && self.case_ok(alias, toks, i, relaxed);
            fits.then_some((n, alias.target, alias.weak))
        })
    }

    /// The key a misspelt token most likely stands for.
    fn typo_key(&self, lower: &str) -> Option<Box<str>> {
        // Keys are at most two edits longer or shorter than the token: most
        // tokens are ruled out before their characters are looked at.
        let first = usize::from(*lower.as_bytes().first()?);
        // No token shorter than any typo may reach (in bytes, so in
        // characters too): most words, and nothing more to look at.
        if lower.len() < self.typo_min_len {
            return None;
        }
        let ascii = lower.is_ascii();
        let n = if ascii { lower.len() } else { lower.chars().count() };
        if self.typo_lens.get(first).is_none_or(|m| m & len_bit(n) == 0) {
            return None;
        }
        let mask = if ascii {
            lower.bytes().fold(0u64, |m, b| m | 1 << (b % 64))
        } else {
            lower.chars().fold(0u64, |m, c| m | 1 << (u32::from(c) % 64))
        };
        let keys = self.typo_masks.get(first).and_then(|by_n| by_n.get(n.min(63)));
        if !keys.is_some_and(|keys| keys.iter().any(|&(m, changes)| (mask ^ m).count_ones() <= changes)) {
            return None;
        }
        // The same words come back in every text.
        thread_local!(static MEMO: RefCell<memo::Table<Option<Box<str>>>> = RefCell::new(memo::Table::new()));
        memo::cached(&MEMO, self.memo_owner, lower, || self.nearest_key(lower).map(Box::from))
    }

    fn nearest_key(&self, lower: &str) -> Option<&str> {
        let by_len = self.fuzzy_keys.get(&lower.chars().next()?)?;
        let min_len = if lower.is_ascii() { lower.len() } else { lower.len().div_ceil(4) };
        if lower.len() < 5 || min_len > by_len.len() + 1 {
            return None;
        }
        let mut buf = ['\0'; 64];
        let heap: Vec<char>;
        let chars: &[char] = if lower.len() <= buf.len() {
            let mut n = 0;
            for c in lower.chars() {
                buf[n] = c;
                n += 1;
            }
            &buf[..n]
        } else {
            heap = lower.chars().collect();
            &heap
        };
        let n = chars.len();
        // `fuzzy::eligible` in full only for a token that reaches a key.
        if n < 5 || !chars.iter().all(|&c| crate::text::is_alphabetic(c)) {
            return None;
        }
        let mask = fuzzy::letter_mask(chars);
        // Smallest distance wins, then the first key in sorted order.
        let mut best: Option<(usize, &FuzzyKey)> = None;
        for len in n.saturating_sub(2)..=n + 2 {
            let Some(keys) = by_len.get(len) else { break };
            for key in keys {
                let max = fuzzy::budget(len.min(n));
                if !reaches(n, len) || (mask ^ key.mask).count_ones() as usize > 2 * max {
                    continue;
                }
                if let Some(d) = fuzzy::within(chars, &key.chars, max)
                    && best.is_none_or(|(b, k)| d < b || (d == b && key.chars < k.chars))
                {
                    best = Some((d, key));
                }
            }
        }
        best.filter(|_| fuzzy::eligible(lower)).map(|(_, k)| k.key.as_str())
    }

    fn case_ok(&self, alias: &Alias, toks: &Tokens<'_>, i: usize, relaxed: bool) -> bool {
        let Some(forms) = &alias.forms else {
            return true;
        };
        let n = forms.len();
        let as_written = forms
            .iter()
            .zip(i..i + n)
            .map(|(forms, j)| (forms, toks.orig(j)))
            .all(|((f, upper), orig)| orig == f || (orig == upper && orig.chars().count() > 1));
        as_written || relaxed || standalone(toks, i, i + n)
    }
}

/// Whether tokens `start..end` make up a whole list segment ("python, go").
fn standalone(toks: &Tokens<'_>, start: usize, end: usize) -> bool {
    let seg_start = toks.seg(start);
    let seg_end = toks.seg(end - 1);
    (start == 0 || toks.seg(start - 1) != seg_start) && (end == toks.len() || toks.seg(end) != seg_end)
}
