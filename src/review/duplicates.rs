//! Near-duplicate submissions across a cohort.
//!
//! Each submission becomes a set of word shingles over a normalised text
//! (lower case; headings, Markdown markers, list numbering and punctuation
//! dropped), so renumbered bullets, renamed headings, reordered sections and
//! added text leave most shingles intact. Shingles found in many submissions
//! are the assignment's template and are dropped before comparing. MinHash
//! signatures with LSH banding propose candidate pairs in about linear time;
//! each candidate is verified exactly: the share of the smaller set found in
//! the other (containment), and how many shingles they share.

use super::lint::{answer_files, content_of, prose_lines};
use super::rubric::DuplicateRule;
use crate::model::Submission;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::{HashMap, HashSet};

const HASHES: usize = 128;
const ROWS: usize = 2;
/// Passages shown per pair, longest first.
const MAX_PASSAGES: usize = 8;
const MAX_EXCERPT_LINES: usize = 25;

/// Two submissions that share much of their own (non-template) text.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    /// Sources of the two submissions, `a < b`.
    pub a: String,
    pub b: String,
    /// Share of the smaller submission's rare shingles found in the other.
    pub similarity: f64,
    pub jaccard: f64,
    /// Rare shingles in common.
    pub shared: usize,
    #[serde(skip)]
    pub a_id: String,
    #[serde(skip)]
    pub b_id: String,
    #[serde(skip)]
    pub passages: Vec<Passage>,
}

/// The same text in both submissions, as each wrote it.
#[derive(Debug, Clone, Serialize)]
pub struct Passage {
    pub a: Excerpt,
    pub b: Excerpt,
}

#[derive(Debug, Clone, Serialize)]
pub struct Excerpt {
    pub file: String,
    pub start: usize,
    pub end: usize,
    pub text: String,
}

#[derive(Clone, Copy)]
struct Word {
    hash: u64,
    file: u32,
    line: u32,
}

/// splitmix64's finaliser: a fast, well-mixed, platform-independent hash step.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9E37_79B9_7F4A_7C15);
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

fn word_hash(w: &str) -> u64 {
    // FNV-1a, then mixed.
    mix(w.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)))
}

/// The words of a submission's answers, normalised, with where each sits.
fn words(sub: &Submission) -> Vec<Word> {
    let mut out = Vec::new();
    let files = answer_files(sub);
    for (f, line, text) in prose_lines(sub, &files) {
        let t = text.trim_start();
        if t.starts_with('#') || t.starts_with("|-") || t.starts_with("| -") || t.starts_with("|:") {
            continue; // headings are the template's; renaming them must not matter
        }
        for w in content_of(text).split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
            let w = w.to_lowercase().replace('ё', "е");
            out.push(Word { hash: word_hash(&w), file: f as u32, line: line as u32 });
        }
    }
    out
}

/// The shingle starting at each word position.
fn shingles(words: &[Word], k: usize) -> Vec<u64> {
    if words.len() < k {
        return Vec::new();
    }
    (0..=words.len() - k).map(|i| words[i..i + k].iter().fold(k as u64, |h, w| mix(h ^ w.hash))).collect()
}

fn shingle_set(sub: &Submission, k: usize) -> Vec<u64> {
    let mut s = shingles(&words(sub), k);
    s.sort_unstable();
    s.dedup();
    s
}

/// Shingles in more submissions than the rule allows: the template's.
fn common_shingles(sets: &[Vec<u64>], rule: &DuplicateRule) -> HashSet<u64> {
    let cutoff = rule.min_df_cap.max((rule.max_df * sets.len() as f64).ceil() as usize);
    let mut all: Vec<u64> = sets.iter().flatten().copied().collect();
    all.par_sort_unstable();
    all.chunk_by(|a, b| a == b).filter(|run| run.len() > cutoff).map(|run| run[0]).collect()
}

fn signature(set: &[u64]) -> Vec<u64> {
    let seeds: Vec<u64> = (0..HASHES as u64).map(|i| mix(i.wrapping_mul(0x2545_F491_4F6C_DD1D))).collect();
    let mut sig = vec![u64::MAX; HASHES];
    for &x in set {
        for (s, seed) in sig.iter_mut().zip(&seeds) {
            *s = (*s).min(mix(x ^ seed));
        }
    }
    sig
}

/// Pairs of documents that agree on all rows of at least one band.
fn candidates(sigs: &[(usize, Vec<u64>)]) -> Vec<(usize, usize)> {
    let mut keys: Vec<(usize, u64, usize)> = sigs
        .par_iter()
        .flat_map_iter(|(doc, sig)| {
            sig.chunks(ROWS)
                .enumerate()
                .map(move |(band, rows)| (band, rows.iter().fold(band as u64, |h, r| mix(h ^ r)), *doc))
        })
        .collect();
    keys.par_sort_unstable();
    let mut pairs = Vec::new();
    for bucket in keys.chunk_by(|x, y| (x.0, x.1) == (y.0, y.1)) {
        for (i, x) in bucket.iter().enumerate() {
            pairs.extend(bucket[i + 1..].iter().map(|y| (x.2.min(y.2), x.2.max(y.2))));
        }
    }
    pairs.par_sort_unstable();
    pairs.dedup();
    pairs
}

fn intersection(a: &[u64], b: &[u64]) -> usize {
    let (mut i, mut j, mut n) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        match a[i].cmp(&b[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                n += 1;
                i += 1;
                j += 1;
            }
        }
    }
    n
}

/// Every pair of submissions above the rule's threshold, most similar first.
pub fn near_duplicates(subs: &[Submission], rule: &DuplicateRule) -> Vec<Pair> {
    let k = rule.shingle.max(1);
    let mut sets: Vec<Vec<u64>> = subs.par_iter().map(|s| shingle_set(s, k)).collect();
    let common = common_shingles(&sets, rule);
    sets.par_iter_mut().for_each(|s| s.retain(|x| !common.contains(x)));
    let sigs: Vec<(usize, Vec<u64>)> = sets
        .par_iter()
        .enumerate()
        .filter(|(_, s)| s.len() >= rule.min_shared.max(1))
        .map(|(i, s)| (i, signature(s)))
        .collect();
    let mut pairs: Vec<Pair> = candidates(&sigs)
        .into_par_iter()
        .filter_map(|(i, j)| {
            let shared = intersection(&sets[i], &sets[j]);
            let smaller = sets[i].len().min(sets[j].len()).max(1);
            let similarity = shared as f64 / smaller as f64;
            if shared < rule.min_shared || similarity < rule.threshold {
                return None;
            }
            let jaccard = shared as f64 / (sets[i].len() + sets[j].len() - shared) as f64;
            let (a, b) = if subs[i].source <= subs[j].source { (i, j) } else { (j, i) };
            Some(Pair {
                a: subs[a].source.clone(),
                b: subs[b].source.clone(),
                similarity: round3(similarity),
                jaccard: round3(jaccard),
                shared,
                a_id: subs[a].id.clone(),
                b_id: subs[b].id.clone(),
                passages: passages(&subs[a], &subs[b], &common, k),
            })
        })
        .collect();
    pairs.sort_by(|x, y| y.similarity.total_cmp(&x.similarity).then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b))));
    pairs
}

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

/// A run of shared shingles: word positions in a and in b.
struct Run {
    a: (usize, usize),
    b: (usize, usize),
}

/// The shared text of two submissions as runs of words, each shown as the
/// lines it covers in either file.
fn passages(a: &Submission, b: &Submission, common: &HashSet<u64>, k: usize) -> Vec<Passage> {
    let (wa, wb) = (words(a), words(b));
    let (sa, sb) = (shingles(&wa, k), shingles(&wb, k));
    let mut in_b: HashMap<u64, Vec<usize>> = HashMap::new();
    for (q, h) in sb.iter().enumerate().filter(|(_, h)| !common.contains(h)) {
        in_b.entry(*h).or_default().push(q);
    }
    let mut runs: Vec<Run> = Vec::new();
    for (p, h) in sa.iter().enumerate() {
        let Some(qs) = in_b.get(h) else { continue };
        if let Some(r) = runs.last_mut()
            && p <= r.a.1 + k
            && let Some(&q) = qs.iter().find(|&&q| q > r.b.1 && q <= r.b.1 + 2 * k)
        {
            r.a.1 = p;
            r.b.1 = q;
        } else {
            runs.push(Run { a: (p, p), b: (qs[0], qs[0]) });
        }
    }
    runs.sort_by_key(|r| std::cmp::Reverse(r.a.1 - r.a.0));
    runs.truncate(MAX_PASSAGES);
    runs.sort_by_key(|r| r.a.0);
    runs.iter()
        .map(|r| Passage { a: excerpt(a, &wa, r.a.0, r.a.1 + k - 1), b: excerpt(b, &wb, r.b.0, r.b.1 + k - 1) })
        .collect()
}

/// The lines from word `from` to word `to`, within `from`'s file.
fn excerpt(sub: &Submission, words: &[Word], from: usize, to: usize) -> Excerpt {
    let first = words[from];
    let last =
        words[from..=to.min(words.len() - 1)].iter().rev().find(|w| w.file == first.file).copied().unwrap_or(first);
    let (path, text) = &sub.sources[first.file as usize];
    let (start, end) = (first.line as usize, last.line as usize);
    let mut lines: Vec<&str> = text.lines().skip(start - 1).take(end + 1 - start).collect();
    if lines.len() > MAX_EXCERPT_LINES {
        lines.truncate(MAX_EXCERPT_LINES);
        lines.push("…");
    }
    Excerpt { file: path.clone(), start, end, text: lines.join("\n") }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_and_headings_do_not_change_shingles() {
        let sub = |text: &str| {
            let ident = crate::model::Identity {
                id: "x".into(),
                source: "x.md".into(),
                author: "x".into(),
                main_file: "x.md".into(),
            };
            let tax = crate::normalize::Taxonomy::with_config(&Default::default()).unwrap();
            crate::model::normalize(ident, Default::default(), &tax, vec![("x.md".into(), text.into())])
        };
        let a = sub("## Things I lack\n- Tuning slow queries, reading plans!\n* Writing Helm charts\n");
        let b = sub("### Gaps\n1. tuning slow queries reading plans\n2) **Writing** Helm charts\n");
        assert_eq!(shingle_set(&a, 3), shingle_set(&b, 3));
    }
}
