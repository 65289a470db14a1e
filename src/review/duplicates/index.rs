//! The cohort's fingerprints and the pairs they propose.
//!
//! Each submission's shingles (k words in a row) are winnowed as MOSS does
//! (Schleimer, Wilkerson and Aiken, SIGMOD 2003): in every window of
//! `WINDOW` shingles the smallest hash is a fingerprint, so any passage of at
//! least `WINDOW + k - 1` words two submissions share gives both at least
//! one fingerprint in common, wherever it sits and whatever surrounds it.
//!
//! A fingerprint held by more than a few submissions proposes nothing: text
//! that widely shared is template, not copying, and such buckets are what
//! would make pairing quadratic. A pair that shares enough rare fingerprints
//! is a candidate, verified exactly by the caller. Every step is linear in
//! the cohort and sorted or counted the same way on any number of threads.

use super::units::{MAX_UNITS, NO_UNIT, hashes_and_units, shingle_units};
use super::words::{mix, shingles};
use crate::model::Submission;
use rayon::prelude::*;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// Winnowing window, in shingles: density about 2 / (WINDOW + 1).
pub(super) const WINDOW: usize = 5;

/// Winnowing: `true` at each shingle that is the smallest of some window of
/// `WINDOW` (the rightmost of equals). Text shorter than a window gets its
/// smallest.
pub(super) fn winnow(hashes: &[u64]) -> Vec<bool> {
    let mut picked = vec![false; hashes.len()];
    let w = WINDOW.min(hashes.len()).max(1);
    // The window's smallest, found again only when it leaves the window.
    let mut at = usize::MAX;
    for end in w - 1..hashes.len() {
        let start = end + 1 - w;
        if at == usize::MAX || at < start {
            at = start;
            for i in start + 1..=end {
                if hashes[i] <= hashes[at] {
                    at = i;
                }
            }
        } else if hashes[end] <= hashes[at] {
            at = end;
        }
        picked[at] = true;
    }
    picked
}

/// A submission's shingles, which are fingerprints, and the unit of each.
pub(super) fn fingerprinted(sub: &Submission, k: usize) -> (Vec<u64>, Vec<bool>, Vec<u8>) {
    let (words, units) = hashes_and_units(sub);
    let s = shingles(&words, k);
    let picked = winnow(&s);
    (s, picked, shingle_units(&units, k))
}

/// Hash partitions: a shingle's top bits pick one, so each partition's count
/// map stays small enough for the cache.
const PART_BITS: u32 = 5;
const PARTS: usize = 1 << PART_BITS;

fn part(x: u64) -> usize {
    (x >> (64 - PART_BITS)) as usize
}

/// Where a shingle sits in a chunk: fingerprints first, each kind by
/// partition.
fn slot(x: u64, fingerprint: bool) -> usize {
    if fingerprint { part(x) } else { PARTS + part(x) }
}

const SLOTS: usize = 2 * PARTS;

/// Submissions per chunk. A chunk lays its shingles out by slot, then by
/// submission, so reading one partition reads long runs.
const CHUNK: usize = 64;

/// The shingles of up to `CHUNK` submissions (repeats kept: counting skips
/// them), with the unit of each.
pub(super) struct Chunk {
    /// Index of the chunk's first submission.
    first: usize,
    len: usize,
    hashes: Vec<u64>,
    /// The unit of each fingerprint, aligned with the start of `hashes`.
    units: Vec<u8>,
    /// Where submission `d`'s shingles in slot `s` start: `starts[s * len + d]`.
    starts: Vec<usize>,
}

impl Chunk {
    fn of(subs: &[Submission], first: usize, k: usize) -> Chunk {
        let len = subs.len();
        let all: Vec<_> = subs.iter().map(|s| fingerprinted(s, k)).collect();
        let mut starts = vec![0; SLOTS * len + 1];
        for (d, (s, fp, _)) in all.iter().enumerate() {
            for (&x, &f) in s.iter().zip(fp) {
                starts[slot(x, f) * len + d + 1] += 1;
            }
        }
        for i in 0..SLOTS * len {
            starts[i + 1] += starts[i];
        }
        let mut hashes = vec![0; starts[SLOTS * len]];
        // Fingerprint slots come first: only they need units.
        let mut units = vec![NO_UNIT; starts[PARTS * len]];
        let mut at = starts.clone();
        for (d, (s, fp, us)) in all.iter().enumerate() {
            for ((&x, &f), &u) in s.iter().zip(fp).zip(us) {
                let i = &mut at[slot(x, f) * len + d];
                hashes[*i] = x;
                if f {
                    units[*i] = u;
                }
                *i += 1;
            }
        }
        Chunk { first, len, hashes, units, starts }
    }

    fn range(&self, s: usize, d: usize) -> std::ops::Range<usize> {
        let i = s * self.len + d;
        self.starts[i]..self.starts[i + 1]
    }

    /// The chunk's shingles in slot `s`, all its submissions'.
    fn slot_len(&self, s: usize) -> usize {
        self.starts[(s + 1) * self.len] - self.starts[s * self.len]
    }

    /// Submission `d`'s shingles in slot `s`.
    fn run(&self, s: usize, d: usize) -> &[u64] {
        &self.hashes[self.range(s, d)]
    }

    /// Each submission's shingles in slot `s`, with its index in the cohort.
    fn runs(&self, s: usize) -> impl Iterator<Item = (u32, &[u64])> {
        (0..self.len).map(move |d| ((self.first + d) as u32, self.run(s, d)))
    }

    /// Each submission's fingerprints and their units in slot `s`, one of
    /// the fingerprint slots.
    fn tagged_runs(&self, s: usize) -> impl Iterator<Item = (u32, &[u64], &[u8])> {
        (0..self.len).map(move |d| {
            let r = self.range(s, d);
            ((self.first + d) as u32, &self.hashes[r.clone()], &self.units[r])
        })
    }
}

/// Every submission's shingles, chunk by chunk.
pub(super) fn chunks(subs: &[Submission], k: usize) -> Vec<Chunk> {
    subs.par_chunks(CHUNK).enumerate().map(|(c, s)| Chunk::of(s, c * CHUNK, k)).collect()
}

/// Shingle hashes are already well mixed; the map only needs other bits than
/// the partition's.
#[derive(Default)]
struct Prehashed(u64);

impl Hasher for Prehashed {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        self.0 = bytes.iter().fold(self.0, |h, &b| mix(h ^ b as u64));
    }
    fn write_u64(&mut self, x: u64) {
        self.0 = x.rotate_left(32);
    }
}

/// Shingle -> (submissions holding it, the last one counted).
type CountMap = HashMap<u64, (u32, u32), BuildHasherDefault<Prehashed>>;

/// Counts submission `d` once, however often it holds the shingle.
fn count(e: &mut (u32, u32), d: u32) -> bool {
    let new = e.1 != d;
    if new {
        *e = (e.0 + 1, d);
    }
    new
}

/// Per submission, its own (non-template) fingerprints: in all, then per unit.
type OwnCounts = Vec<[u32; MAX_UNITS + 1]>;

/// Submission pairs that share a rare fingerprint of partition `p`, one
/// entry per fingerprint: `(i, j, unit in i, unit in j)`, `i < j`. Counts
/// each submission's own (non-template) fingerprints into `own` on the way.
fn pairs_in(
    chunks: &[Chunk],
    p: usize,
    (cap, cutoff): (usize, usize),
    df: &mut CountMap,
    own: &mut OwnCounts,
) -> Vec<(u32, u32, u8, u8)> {
    df.clear();
    let mut held: Vec<(u64, u32, u8)> = Vec::with_capacity(chunks.iter().map(|c| c.slot_len(p)).sum());
    for (d, run, units) in chunks.iter().flat_map(|c| c.tagged_runs(p)) {
        for (&x, &u) in run.iter().zip(units) {
            if count(df.entry(x).or_insert((0, u32::MAX)), d) {
                held.push((x, d, u));
            }
        }
    }
    // One look-up per held fingerprint: its count decides both.
    held.retain(|&(x, d, u)| {
        let n = df[&x].0 as usize;
        if n <= cutoff {
            let counts = &mut own[d as usize];
            counts[0] += 1;
            if u != NO_UNIT {
                counts[u as usize + 1] += 1;
            }
        }
        (2..=cap).contains(&n)
    });
    held.sort_unstable();
    let entries = held.chunk_by(|a, b| a.0 == b.0).map(|b| b.len() * (b.len() - 1) / 2).sum();
    let mut pairs = Vec::with_capacity(entries);
    for bucket in held.chunk_by(|a, b| a.0 == b.0) {
        for (i, a) in bucket.iter().enumerate() {
            pairs.extend(bucket[i + 1..].iter().map(|b| (a.1, b.1, a.2, b.2)));
        }
    }
    pairs
}

/// Whether the fingerprints two submissions share (`shared` in all, per unit
/// of either in `in_i`, `in_j`) make them worth comparing exactly: at least
/// `min` in common, and `share` of the smaller's own, or of one unit's.
fn worth(
    (own_i, own_j): (&[u32; MAX_UNITS + 1], &[u32; MAX_UNITS + 1]),
    (shared, in_i, in_j): (u32, &[u32; MAX_UNITS], &[u32; MAX_UNITS]),
    min: u32,
    share: f64,
) -> bool {
    let enough = |n: u32, of: u32| n >= min && n as f64 >= share * of as f64;
    enough(shared, own_i[0].min(own_j[0]))
        || (0..MAX_UNITS).any(|u| enough(in_i[u], own_i[u + 1]) || enough(in_j[u], own_j[u + 1]))
}

/// Pairs worth comparing exactly (see [`worth`]), by the fingerprints held
/// by no more than `cap` submissions that they share; sorted.
pub(super) fn candidates(chunks: &[Chunk], n: usize, limits: Limits) -> Vec<(usize, usize)> {
    let Limits { cap, cutoff, min, share } = limits;
    // Partitions on as many threads as there are; each thread's counts are
    // summed, so the result is the same on any number.
    let (parts, own) = (0..PARTS)
        .into_par_iter()
        .fold(
            || (CountMap::default(), Vec::new(), vec![[0; MAX_UNITS + 1]; n]),
            |(mut df, mut parts, mut own), p| {
                parts.push(pairs_in(chunks, p, (cap, cutoff), &mut df, &mut own));
                (df, parts, own)
            },
        )
        .map(|(_, parts, own)| (parts, own))
        .reduce(
            || (Vec::new(), vec![[0; MAX_UNITS + 1]; n]),
            |(mut parts, mut own), (more, counts)| {
                parts.extend(more);
                own.iter_mut().zip(&counts).for_each(|(o, c)| o.iter_mut().zip(c).for_each(|(o, c)| *o += c));
                (parts, own)
            },
        );
    // Pairs grouped by their first submission (a counting sort), then counted.
    let mut starts = vec![0usize; n + 1];
    for &(i, ..) in parts.iter().flatten() {
        starts[i as usize + 1] += 1;
    }
    for i in 0..n {
        starts[i + 1] += starts[i];
    }
    // The partner in the high bits, so sorting groups by partner.
    let mut partners = vec![0u64; starts[n]];
    let mut at = starts.clone();
    for &(i, j, ui, uj) in parts.iter().flatten() {
        partners[at[i as usize]] = (j as u64) << 16 | (ui as u64) << 8 | uj as u64;
        at[i as usize] += 1;
    }
    drop(parts);
    (0..n)
        .into_par_iter()
        .map_init(Scratch::default, |scratch, i| {
            let entries = &partners[starts[i]..starts[i + 1]];
            scratch.partners_of(i, entries, &own, (min, share))
        })
        .flat_map_iter(|js| js)
        .collect()
}

/// A partner and the fingerprints shared with it: in all, then per unit of
/// either side.
struct Partner {
    j: u32,
    shared: u32,
    in_i: [u32; MAX_UNITS],
    in_j: [u32; MAX_UNITS],
}

/// One thread's counters for [`Scratch::partners_of`], reused across
/// submissions: `seen` is all zeros between calls.
#[derive(Default)]
struct Scratch {
    seen: Vec<u32>,
    touched: Vec<u32>,
    near: Vec<Partner>,
}

impl Scratch {
    /// Submission `i`'s partners worth comparing exactly, sorted, from its
    /// pair entries (`j << 16 | unit in i << 8 | unit in j`, in any order).
    /// Counted first, by partner in place: a partner sharing fewer than
    /// `min` fingerprints is never worth it, and most are such, so only the
    /// rest have their units counted.
    fn partners_of(
        &mut self,
        i: usize,
        entries: &[u64],
        own: &OwnCounts,
        (min, share): (u32, f64),
    ) -> Vec<(usize, usize)> {
        let Scratch { seen, touched, near } = self;
        if seen.len() < own.len() {
            seen.resize(own.len(), 0);
        }
        touched.clear();
        for &e in entries {
            let j = (e >> 16) as usize;
            if seen[j] == 0 {
                touched.push(j as u32);
            }
            seen[j] += 1;
        }
        // From here `seen` holds each partner's place in `near`, plus one.
        near.clear();
        for &j in touched.iter() {
            let n = seen[j as usize];
            seen[j as usize] = if n >= min {
                near.push(Partner { j, shared: n, in_i: [0; MAX_UNITS], in_j: [0; MAX_UNITS] });
                near.len() as u32
            } else {
                0
            };
        }
        if near.is_empty() {
            return Vec::new();
        }
        for &e in entries {
            let at = seen[(e >> 16) as usize];
            if at == 0 {
                continue;
            }
            let p = &mut near[at as usize - 1];
            let (ui, uj) = ((e >> 8) as u8, e as u8);
            if ui != NO_UNIT {
                p.in_i[ui as usize] += 1;
            }
            if uj != NO_UNIT {
                p.in_j[uj as usize] += 1;
            }
        }
        near.iter().for_each(|p| seen[p.j as usize] = 0);
        near.sort_unstable_by_key(|p| p.j);
        near.iter()
            .filter(|p| worth((&own[i], &own[p.j as usize]), (p.shared, &p.in_i, &p.in_j), min, share))
            .map(|p| (i, p.j as usize))
            .collect()
    }
}

/// What makes a pair a candidate.
#[derive(Clone, Copy)]
pub(super) struct Limits {
    /// Fingerprints in more submissions propose no pairs.
    pub cap: usize,
    /// Shingles in more submissions are template.
    pub cutoff: usize,
    /// Fingerprints in common, at least.
    pub min: u32,
    /// Share of the smaller's own fingerprints, or of a unit's, in common.
    pub share: f64,
}

/// The submissions in `pairs`, sorted.
pub(super) fn members(pairs: &[(usize, usize)]) -> Vec<usize> {
    let mut docs: Vec<usize> = pairs.iter().flat_map(|&(i, j)| [i, j]).collect();
    docs.sort_unstable();
    docs.dedup();
    docs
}

/// Words of [`template`]'s filter: 64 Ki bits, 8 KB, in the L1 cache.
const FILTER_WORDS: usize = 1 << 10;

/// The template among the shingles of the submissions in `pairs`, sorted:
/// those in more than `cutoff` submissions. Only their shingles are counted.
pub(super) fn template(chunks: &[Chunk], pairs: &[(usize, usize)], cutoff: usize) -> Vec<u64> {
    if pairs.is_empty() {
        return Vec::new();
    }
    let docs = members(pairs);
    let parts: Vec<Vec<u64>> = (0..PARTS)
        .into_par_iter()
        .map(|p| {
            let mut df = CountMap::default();
            // A bit per low hash bits of the members' shingles: most of the
            // cohort's shingles are ruled out by one load, not a look-up.
            let mut maybe = vec![0u64; FILTER_WORDS];
            let bit = |x: u64| ((x >> 6) as usize & (FILTER_WORDS - 1), x & 63);
            for &i in &docs {
                for s in [p, PARTS + p] {
                    for &x in chunks[i / CHUNK].run(s, i % CHUNK) {
                        df.insert(x, (0, u32::MAX));
                        let (w, b) = bit(x);
                        maybe[w] |= 1 << b;
                    }
                }
            }
            for (d, run) in chunks.iter().flat_map(|c| c.runs(p).chain(c.runs(PARTS + p))) {
                for &x in run {
                    let (w, b) = bit(x);
                    if maybe[w] >> b & 1 == 1
                        && let Some(e) = df.get_mut(&x)
                    {
                        count(e, d);
                    }
                }
            }
            let mut common: Vec<u64> =
                df.into_iter().filter(|&(_, (n, _))| n as usize > cutoff).map(|(x, _)| x).collect();
            common.sort_unstable();
            common
        })
        .collect();
    parts.concat()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winnowing_picks_one_in_every_window() {
        let hashes: Vec<u64> = (0..200u64).map(mix).collect();
        let picked = winnow(&hashes);
        for w in picked.windows(WINDOW) {
            assert!(w.iter().any(|&p| p));
        }
        let density = picked.iter().filter(|&&p| p).count() as f64 / hashes.len() as f64;
        assert!((0.25..0.55).contains(&density), "{density}");
        // A shared stretch picks the same fingerprints inside it, whatever
        // comes before and after.
        let mut other: Vec<u64> = (1000..1050u64).map(mix).collect();
        other.extend_from_slice(&hashes[50..100]);
        other.extend((2000..2050u64).map(mix));
        let again = winnow(&other);
        let inner =
            |p: &[bool], from: usize| -> Vec<usize> { (WINDOW..50 - WINDOW).filter(|&i| p[from + i]).collect() };
        assert_eq!(inner(&picked, 50), inner(&again, 50));
        assert_eq!(winnow(&[5, 3]), [false, true]);
        assert!(winnow(&[]).is_empty());
    }
}
