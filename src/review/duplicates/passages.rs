//! The text two submissions share, as passages to read side by side.
//!
//! Greedy string tiling as JPlag does it, on shingles: the longest run of
//! shingles both hold (template left out) becomes a tile, its words are
//! marked in both, and shorter runs take only what is still unmarked. Tiles
//! that follow one another in both texts with a few changed words between
//! are one passage; passages are then cut to whole lines, and lines shown in
//! one passage are never shown in another.

use super::units::{Located, Word, unit_section};
use super::{Excerpt, Passage};
use crate::extract::Section;
use crate::model::Submission;
use crate::text::FxMap;
use std::collections::BinaryHeap;

/// Passages shown per pair, longest first.
const MAX_PASSAGES: usize = 8;
const MAX_EXCERPT_LINES: usize = 25;
/// Positions kept per shingle: text repeated more often than this within
/// one submission is not what a reader needs to see twice.
const MAX_REPEATS: usize = 8;

/// A common run of words: from `a` in one text and `b` in the other.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Tile {
    len: usize,
    a: usize,
    b: usize,
}

/// Maximal runs of equal, non-template shingles, as word runs.
fn runs(sa: &[u64], sb: &[u64], common: &[u64], k: usize) -> Vec<Tile> {
    let (ra, rb) = (rare(sa, common), rare(sb, common));
    let mut in_b: FxMap<u64, Vec<usize>> = FxMap::default();
    for (q, h) in sb.iter().enumerate().filter(|&(q, _)| rb[q]) {
        let at = in_b.entry(*h).or_default();
        if at.len() < MAX_REPEATS {
            at.push(q);
        }
    }
    let same = |p: usize, q: usize| ra[p] && rb[q] && sa[p] == sb[q];
    let mut out = Vec::new();
    for (p, h) in sa.iter().enumerate() {
        let Some(qs) = in_b.get(h).filter(|_| ra[p]) else { continue };
        for &q in qs {
            if p > 0 && q > 0 && same(p - 1, q - 1) {
                continue; // inside a run found from its start
            }
            let len = (0..).take_while(|&i| p + i < sa.len() && q + i < sb.len() && same(p + i, q + i)).count();
            out.push(Tile { len: len + k - 1, a: p, b: q });
        }
    }
    out
}

fn rare(s: &[u64], common: &[u64]) -> Vec<bool> {
    s.iter().map(|h| common.binary_search(h).is_err()).collect()
}

/// Words that some template shingle covers: the assignment's own text, even
/// where a copy runs on into it.
fn template_words(s: &[u64], words: usize, common: &[u64], k: usize) -> Vec<bool> {
    let mut out = vec![false; words];
    for (p, _) in rare(s, common).iter().enumerate().filter(|(_, r)| !**r) {
        out[p..p + k].iter_mut().for_each(|w| *w = true);
    }
    out
}

/// The parts of run `t` of at least `min` words that hold no template word
/// (`bad`) and lie in one section on each side (`key`).
fn pieces<K: PartialEq>(
    t: Tile,
    bad: impl Fn(usize, usize) -> bool,
    key: impl Fn(usize, usize) -> K,
    min: usize,
    out: &mut Vec<Tile>,
) {
    let mut start: Option<usize> = None;
    for i in 0..=t.len {
        let ok = i < t.len && !bad(t.a + i, t.b + i);
        if let Some(s) = start
            && (!ok || key(t.a + i, t.b + i) != key(t.a + s, t.b + s))
        {
            if i - s >= min {
                out.push(Tile { len: i - s, a: t.a + s, b: t.b + s });
            }
            start = None;
        }
        if ok && start.is_none() {
            start = Some(i);
        }
    }
}

/// The longest stretch of `t` unmarked in both texts.
fn unmarked(t: Tile, ma: &[bool], mb: &[bool]) -> Tile {
    let (mut best, mut start) = (Tile { len: 0, a: t.a, b: t.b }, 0);
    for i in 0..=t.len {
        if i == t.len || ma[t.a + i] || mb[t.b + i] {
            if i - start > best.len {
                best = Tile { len: i - start, a: t.a + start, b: t.b + start };
            }
            start = i + 1;
        }
    }
    best
}

/// Greedy string tiling: tiles of at least `min` words that overlap in
/// neither text, in order of `a`.
fn tiles(mut runs: Vec<Tile>, na: usize, nb: usize, min: usize) -> Vec<Tile> {
    let (mut ma, mut mb) = (vec![false; na], vec![false; nb]);
    // Longest first; equal lengths earliest first.
    let key = |t: Tile| (t.len, std::cmp::Reverse((t.a, t.b)));
    runs.sort_unstable_by_key(|&t| key(t));
    let mut heap: BinaryHeap<_> = runs.into_iter().map(|t| (key(t), t)).collect();
    let mut out = Vec::new();
    while let Some((_, t)) = heap.pop() {
        let free = unmarked(t, &ma, &mb);
        if free.len < min {
            continue;
        }
        if free != t {
            heap.push((key(free), free)); // shorter now: back in line
            continue;
        }
        ma[t.a..t.a + t.len].iter_mut().for_each(|m| *m = true);
        mb[t.b..t.b + t.len].iter_mut().for_each(|m| *m = true);
        out.push(t);
    }
    out.sort_unstable_by_key(|t| (t.a, t.b));
    out
}

/// Word ranges `[start, end)` in both texts.
#[derive(Clone, Copy, Debug)]
struct Span {
    a: (usize, usize),
    b: (usize, usize),
}

/// Tiles one after the other in both texts, at most `gap` words apart and
/// with the same `key`, as one span.
fn join<K: PartialEq>(tiles: &[Tile], gap: usize, key: impl Fn(&Tile) -> K) -> Vec<Span> {
    let mut out: Vec<(Span, K)> = Vec::new();
    for t in tiles {
        let (s, k) = (Span { a: (t.a, t.a + t.len), b: (t.b, t.b + t.len) }, key(t));
        match out.last_mut() {
            Some((l, lk)) if *lk == k && s.a.0 <= l.a.1 + gap && s.b.0 >= l.b.1 && s.b.0 <= l.b.1 + gap => {
                l.a.1 = s.a.1;
                l.b.1 = s.b.1;
            }
            _ => out.push((s, k)),
        }
    }
    out.into_iter().map(|(s, _)| s).collect()
}

/// Lines `first..=last` of one file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Lines {
    file: u32,
    first: u32,
    last: u32,
}

impl Lines {
    /// The lines words `from..to` cover within the first word's file.
    fn of(words: &[Word], (from, to): (usize, usize)) -> Lines {
        let first = words[from];
        let last = words[from..to].iter().rev().find(|w| w.file == first.file).unwrap_or(&first);
        Lines { file: first.file, first: first.line, last: last.line }
    }

    fn len(&self) -> u32 {
        self.last + 1 - self.first
    }

    /// Touching or overlapping.
    fn meets(&self, o: &Lines) -> bool {
        self.file == o.file && self.first <= o.last + 1 && o.first <= self.last + 1
    }

    fn union(&self, o: &Lines) -> Lines {
        Lines { file: self.file, first: self.first.min(o.first), last: self.last.max(o.last) }
    }

    /// These lines less `shown`'s, when what is left is one range.
    fn less(self, shown: &Lines) -> Option<Lines> {
        if self.file != shown.file || self.last < shown.first || shown.last < self.first {
            return Some(self);
        }
        let before = (self.first < shown.first).then(|| Lines { last: shown.first - 1, ..self });
        let after = (self.last > shown.last).then(|| Lines { first: shown.last + 1, ..self });
        match (before, after) {
            (Some(x), Some(y)) => Some(if y.len() > x.len() { y } else { x }),
            (x, y) => x.or(y),
        }
    }
}

/// Spans as line ranges: those touching on both sides merged, then each line
/// shown once, longest first.
fn line_pairs(spans: &[Span], wa: &[Word], wb: &[Word]) -> Vec<(Lines, Lines)> {
    let mut merged: Vec<(Lines, Lines)> = Vec::new();
    for s in spans {
        let (a, b) = (Lines::of(wa, s.a), Lines::of(wb, s.b));
        match merged.iter_mut().find(|(la, lb)| la.meets(&a) && lb.meets(&b)) {
            Some((la, lb)) => {
                *la = la.union(&a);
                *lb = lb.union(&b);
            }
            None => merged.push((a, b)),
        }
    }
    merged.sort_by_key(|(a, b)| (std::cmp::Reverse(a.len() + b.len()), a.file, a.first, b.file, b.first));
    let mut shown: Vec<(Lines, Lines)> = Vec::new();
    for (mut a, mut b) in merged {
        let mut left = true;
        for (sa, sb) in &shown {
            match (a.less(sa), b.less(sb)) {
                (Some(x), Some(y)) => (a, b) = (x, y),
                _ => left = false,
            }
        }
        if left {
            shown.push((a, b));
        }
    }
    shown
}

/// A submission, its words and their shingles.
pub(super) type Side<'a> = (&'a Submission, &'a Located, &'a [u64]);

/// The shared text of two submissions, as passages in the order of `a`.
pub(super) fn passages((a, la, sa): Side, (b, lb, sb): Side, common: &[u64], k: usize) -> Vec<Passage> {
    let (ta, tb) = (template_words(sa, la.words.len(), common, k), template_words(sb, lb.words.len(), common, k));
    let key = |p: usize, q: usize| (la.units[p], lb.units[q]);
    let mut parts = Vec::new();
    for t in runs(sa, sb, common, k) {
        pieces(t, |p, q| ta[p] || tb[q], key, k, &mut parts);
    }
    let found = tiles(parts, la.words.len(), lb.words.len(), k);
    let mut lines = line_pairs(&join(&found, 2 * k, |t| key(t.a, t.b)), &la.words, &lb.words);
    lines.truncate(MAX_PASSAGES);
    lines.sort_by_key(|(a, b)| (a.file, a.first, b.file, b.first));
    lines.iter().map(|(x, y)| Passage { a: excerpt(a, la, x), b: excerpt(b, lb, y) }).collect()
}

/// Lines of a submission, with the section they start in.
fn excerpt(sub: &Submission, at: &Located, l: &Lines) -> Excerpt {
    let (path, text) = &sub.sources[l.file as usize];
    let mut lines: Vec<&str> = text.lines().skip(l.first as usize - 1).take(l.len() as usize).collect();
    if lines.len() > MAX_EXCERPT_LINES {
        lines.truncate(MAX_EXCERPT_LINES);
        lines.push("…");
    }
    let section: Option<Section> =
        at.words.iter().position(|w| w.file == l.file && w.line >= l.first).and_then(|i| unit_section(at.units[i]));
    Excerpt { file: path.clone(), start: l.first as usize, end: l.last as usize, section, text: lines.join("\n") }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(lines: &[u32]) -> Vec<Word> {
        lines.iter().map(|&line| Word { hash: 0, file: 0, line }).collect()
    }

    #[test]
    fn tiling_keeps_the_longest_run_and_what_is_left_of_others() {
        // a: 0..10 equals b: 20..30; a: 5..12 also equals b: 0..7 (overlaps in a).
        let runs = vec![Tile { len: 10, a: 0, b: 20 }, Tile { len: 7, a: 5, b: 0 }, Tile { len: 3, a: 40, b: 40 }];
        let got = tiles(runs, 50, 50, 2);
        assert_eq!(got, [Tile { len: 10, a: 0, b: 20 }, Tile { len: 2, a: 10, b: 5 }, Tile { len: 3, a: 40, b: 40 }]);
        assert_eq!(tiles(vec![Tile { len: 10, a: 0, b: 0 }, Tile { len: 10, a: 0, b: 0 }], 20, 20, 2).len(), 1);
    }

    #[test]
    fn tiles_a_few_words_apart_in_both_are_one_span() {
        let t = [Tile { len: 10, a: 0, b: 0 }, Tile { len: 10, a: 12, b: 11 }, Tile { len: 10, a: 23, b: 60 }];
        let spans = join(&t, 5, |_| ());
        assert_eq!(spans.iter().map(|s| (s.a, s.b)).collect::<Vec<_>>(), [((0, 22), (0, 21)), ((23, 33), (60, 70))]);
    }

    #[test]
    fn runs_are_cut_at_template_words_and_section_changes() {
        let mut out = Vec::new();
        let t = Tile { len: 20, a: 100, b: 0 };
        // Template at b's words 0-2 and 9; a's section changes at word 115.
        pieces(t, |_, q| q < 3 || q == 9, |p, _| p >= 115, 3, &mut out);
        assert_eq!(
            out,
            [Tile { len: 6, a: 103, b: 3 }, Tile { len: 5, a: 110, b: 10 }, Tile { len: 5, a: 115, b: 15 }]
        );
    }

    #[test]
    fn no_line_is_shown_twice() {
        // One word per line in a, so words are lines; b: two distant places.
        let wa = words(&(1..=40).collect::<Vec<_>>());
        let wb = words(&(1..=200).collect::<Vec<_>>());
        let spans = [
            Span { a: (0, 10), b: (0, 10) },     // a 1-10, b 1-10
            Span { a: (9, 20), b: (100, 111) },  // a 10-20 (line 10 again), b 101-111
            Span { a: (10, 15), b: (10, 15) },   // a 11-15, b 11-15: touches the first on both sides
            Span { a: (30, 35), b: (150, 155) }, // apart
        ];
        let got = line_pairs(&spans, &wa, &wb);
        let ranges: Vec<_> = got.iter().map(|(a, b)| ((a.first, a.last), (b.first, b.last))).collect();
        assert_eq!(ranges, [((1, 15), (1, 15)), ((16, 20), (101, 111)), ((31, 35), (151, 155))]);
        for (i, (a, b)) in got.iter().enumerate() {
            for (c, d) in &got[i + 1..] {
                assert!(a.last < c.first || c.last < a.first, "{got:?}");
                assert!(b.last < d.first || d.last < b.first, "{got:?}");
            }
        }
    }
}
