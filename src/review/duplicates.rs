//! Near-duplicate submissions across a cohort.
//!
//! Each submission becomes a set of word shingles (u64 hashes) over a
//! normalised text (lower case; headings, Markdown markers, list numbering and
//! punctuation dropped), so renumbered bullets, renamed headings, reordered
//! sections and added text leave most shingles intact. Shingles found in many
//! submissions are the assignment's template and are dropped before comparing.
//!
//! Pairs are proposed from anchors, a fixed sample of shingles (a copied
//! passage has the same anchors in both submissions, however long either is).
//! An anchor held by more than a few submissions proposes nothing: text that
//! widely shared is template, not copying, and such buckets are what made
//! pairing quadratic. A pair must share enough of the smaller submission's
//! anchors; only then are both sets built and the pair verified exactly: the
//! share of the smaller set found in the other (containment), and how many
//! shingles they share. Every step is linear in the cohort and sorted or
//! counted the same way on any number of threads.

use super::lint::{answer_files, content_of, each_prose_line};
use super::rubric::DuplicateRule;
use crate::model::Submission;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::ops::Range;

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

/// A word's hash: its lower-case UTF-8 bytes, 8 at a time, then the length
/// (no byte is 0, so the length settles the last chunk).
#[derive(Clone, Copy)]
struct WordHash {
    h: u64,
    acc: u64,
    len: u32,
}

const WORD_SEED: u64 = 0x243F_6A88_85A3_08D3;

impl WordHash {
    const NEW: WordHash = WordHash { h: WORD_SEED, acc: 0, len: 0 };

    fn push(&mut self, b: u8) {
        let n = self.len % 8;
        self.acc |= (b as u64) << (8 * n);
        self.len += 1;
        if n == 7 {
            self.h = mix(self.h ^ self.acc);
            self.acc = 0;
        }
    }

    /// Pushes a non-ASCII character's lower-case form; false when it is not
    /// part of a word. Cyrillic, the common case here, skips the tables.
    fn push_char(&mut self, c: char) -> bool {
        let c = match c {
            'А'..='Я' => char::from_u32(c as u32 + 0x20).unwrap_or(c),
            'а'..='я' => c,
            'ё' | 'Ё' => 'е',
            _ if c.is_alphanumeric() => {
                for l in c.to_lowercase() {
                    let l = if l == 'ё' { 'е' } else { l };
                    l.encode_utf8(&mut [0; 4]).bytes().for_each(|b| self.push(b));
                }
                return true;
            }
            _ => return false,
        };
        c.encode_utf8(&mut [0; 4]).bytes().for_each(|b| self.push(b));
        true
    }

    fn finish(self) -> u64 {
        mix(self.h ^ self.acc ^ ((self.len as u64) << 56))
    }
}

/// ASCII letters and digits.
static ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = (b as u8).is_ascii_alphanumeric();
        b += 1;
    }
    t
};

/// The same hash as `WordHash` for the ASCII alphanumeric word `b[start..end]`,
/// 8 bytes at a time (`| 0x20` lower-cases letters and keeps digits).
fn ascii_word_hash(b: &[u8], start: usize, end: usize) -> u64 {
    const LOWER: u64 = 0x2020_2020_2020_2020;
    let load = |i: usize| u64::from_le_bytes(b[i..i + 8].try_into().unwrap_or_default());
    let mut h = WORD_SEED;
    let mut i = start;
    while i + 8 <= end {
        h = mix(h ^ (load(i) | LOWER));
        i += 8;
    }
    let rest = end - i;
    let acc = if rest == 0 {
        0
    } else if i + 8 <= b.len() {
        (load(i) | LOWER) & (u64::MAX >> (64 - 8 * rest))
    } else {
        b[i..end].iter().rev().fold(0, |a, &c| (a << 8) | (c | 0x20) as u64)
    };
    mix(h ^ acc ^ (((end - start) as u64) << 56))
}

/// Calls `f` with the hash of each word of `text`, lower-cased, `ё` as `е`.
fn line_words(text: &str, mut f: impl FnMut(u64)) {
    let b = text.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] < 0x80 && !ALNUM[b[i] as usize] {
            i += 1;
            continue;
        }
        let start = i;
        while i < b.len() && ALNUM[b[i] as usize] {
            i += 1;
        }
        if i == b.len() || b[i] < 0x80 {
            f(ascii_word_hash(b, start, i));
            continue;
        }
        // Non-ASCII in or after the word: character by character.
        let mut w = WordHash::NEW;
        b[start..i].iter().for_each(|&c| w.push(c.to_ascii_lowercase()));
        for c in text[i..].chars() {
            if c.is_ascii_alphanumeric() {
                w.push(c.to_ascii_lowercase() as u8);
            } else if c.is_ascii() || !w.push_char(c) {
                break;
            }
            i += c.len_utf8();
        }
        if w.len > 0 {
            f(w.finish());
        } else {
            i += text[i..].chars().next().map_or(1, char::len_utf8); // not a word character
        }
    }
}

/// Calls `f(hash, file, line)` for each word of a submission's answers,
/// normalised, hashing characters as they come rather than building strings.
fn each_word(sub: &Submission, mut f: impl FnMut(u64, u32, u32)) {
    let files = answer_files(sub);
    each_prose_line(sub, &files, |file, line, text| {
        let t = text.trim_start();
        if t.starts_with('#') || t.starts_with("|-") || t.starts_with("| -") || t.starts_with("|:") {
            return; // headings are the template's; renaming them must not matter
        }
        // Markers hold no word but list numbers and a task box's x: only
        // then does the text need content_of.
        let numbered = t.chars().find(|c| c.is_alphanumeric()).is_some_and(|c| c.is_ascii_digit() || c == 'x');
        let (file, line) = (file as u32, line as u32);
        line_words(if numbered { content_of(t) } else { t }, |h| f(h, file, line));
    });
}

/// The words of a submission's answers, with where each sits.
fn words(sub: &Submission) -> Vec<Word> {
    let mut out = Vec::new();
    each_word(sub, |hash, file, line| out.push(Word { hash, file, line }));
    out
}

/// The shingle starting at each word position.
fn shingles(words: &[u64], k: usize) -> Vec<u64> {
    // Word hashes are already mixed: a cheap ordered combine, one mix per shingle.
    words
        .windows(k)
        .map(|w| mix(w.iter().fold(k as u64, |h, &x| (h.rotate_left(27) ^ x).wrapping_mul(0x9E37_79B9_7F4A_7C15))))
        .collect()
}

/// Hash partitions: a shingle's top bits pick one, so each partition's count
/// map stays small enough for the cache.
const PART_BITS: u32 = 5;
const PARTS: usize = 1 << PART_BITS;

fn part(x: u64) -> usize {
    (x >> (64 - PART_BITS)) as usize
}

/// Anchors are the shingles whose hash is 0 modulo this: a fixed sample, so a
/// copied passage has the same anchors in both submissions.
const SAMPLE: u64 = 4;

fn anchor(x: u64) -> bool {
    x.is_multiple_of(SAMPLE)
}

/// Anchors in more submissions than this propose no pairs: text shared that
/// widely is template, not copying, and big buckets make pairing quadratic.
const BUCKET_CAP: usize = 32;

/// Where a shingle sits in a chunk: anchors first, each kind by partition.
fn slot(x: u64) -> usize {
    if anchor(x) { part(x) } else { PARTS + part(x) }
}

const SLOTS: usize = 2 * PARTS;
const ANCHOR_SLOTS: Range<usize> = 0..PARTS;

/// Submissions per chunk. A chunk lays its shingles out by slot, then by
/// submission, so reading one partition reads long runs.
const CHUNK: usize = 64;

/// The shingles of up to `CHUNK` submissions (repeats kept: counting skips
/// them).
struct Chunk {
    /// Index of the chunk's first submission.
    first: usize,
    len: usize,
    hashes: Vec<u64>,
    /// Where submission `d`'s shingles in slot `s` start: `starts[s * len + d]`.
    starts: Vec<usize>,
}

impl Chunk {
    fn of(subs: &[Submission], first: usize, k: usize) -> Chunk {
        let len = subs.len();
        let all: Vec<Vec<u64>> = subs
            .iter()
            .map(|s| {
                let mut words = Vec::new();
                each_word(s, |hash, _, _| words.push(hash));
                shingles(&words, k)
            })
            .collect();
        let mut starts = vec![0; SLOTS * len + 1];
        for (d, s) in all.iter().enumerate() {
            for &x in s {
                starts[slot(x) * len + d + 1] += 1;
            }
        }
        for i in 0..SLOTS * len {
            starts[i + 1] += starts[i];
        }
        let mut hashes = vec![0; starts[SLOTS * len]];
        let mut at = starts.clone();
        for (d, s) in all.iter().enumerate() {
            for &x in s {
                let i = &mut at[slot(x) * len + d];
                hashes[*i] = x;
                *i += 1;
            }
        }
        Chunk { first, len, hashes, starts }
    }

    /// Submission `d`'s shingles in slot `s`.
    fn run(&self, s: usize, d: usize) -> &[u64] {
        let i = s * self.len + d;
        &self.hashes[self.starts[i]..self.starts[i + 1]]
    }

    /// Each submission's shingles in slot `s`, with its index in the cohort.
    fn runs(&self, s: usize) -> impl Iterator<Item = (u32, &[u64])> {
        (0..self.len).map(move |d| ((self.first + d) as u32, self.run(s, d)))
    }
}

/// Submission `i`'s distinct shingles in `slots`, sorted, less sorted `without`.
fn distinct(chunks: &[Chunk], i: usize, slots: Range<usize>, without: &[u64]) -> Vec<u64> {
    let c = &chunks[i / CHUNK];
    let mut s: Vec<u64> = slots.flat_map(|s| c.run(s, i % CHUNK)).copied().collect();
    s.sort_unstable();
    s.dedup();
    remove_sorted(&mut s, without);
    s
}

/// The submissions in `pairs`, sorted.
fn members(pairs: &[(usize, usize)]) -> Vec<usize> {
    let mut docs: Vec<usize> = pairs.iter().flat_map(|&(i, j)| [i, j]).collect();
    docs.sort_unstable();
    docs.dedup();
    docs
}

/// Sets of a few submissions, looked up by index.
struct Sets {
    docs: Vec<usize>,
    sets: Vec<Vec<u64>>,
}

impl Sets {
    fn of(chunks: &[Chunk], pairs: &[(usize, usize)], slots: Range<usize>, without: &[u64]) -> Sets {
        let docs = members(pairs);
        let sets = docs.par_iter().map(|&i| distinct(chunks, i, slots.clone(), without)).collect();
        Sets { docs, sets }
    }

    fn get(&self, i: usize) -> &[u64] {
        self.docs.binary_search(&i).map_or(&[], |k| &self.sets[k])
    }
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

/// What one partition's anchors contribute.
struct Anchors {
    /// Anchors over the template cutoff, sorted.
    common: Vec<u64>,
    /// One entry per anchor within the bucket cap: the submission holding it.
    low: Vec<u32>,
    /// Submission pairs `(i, j)`, `i < j`, one per anchor they share.
    pairs: Vec<(u32, u32)>,
}

fn anchors_in(chunks: &[Chunk], p: usize, cutoff: usize, cap: usize, df: &mut CountMap) -> Anchors {
    df.clear();
    let mut held: Vec<(u64, u32)> = Vec::new();
    for (d, run) in chunks.iter().flat_map(|c| c.runs(p)) {
        for &x in run {
            if count(df.entry(x).or_insert((0, u32::MAX)), d) {
                held.push((x, d));
            }
        }
    }
    let mut common: Vec<u64> = df.iter().filter(|&(_, &(n, _))| n as usize > cutoff).map(|(&x, _)| x).collect();
    common.sort_unstable();
    let mut low = Vec::new();
    held.retain(|(x, d)| {
        let n = df[x].0 as usize;
        if n <= cap {
            low.push(*d);
        }
        (2..=cap).contains(&n)
    });
    held.sort_unstable();
    let mut pairs = Vec::new();
    for bucket in held.chunk_by(|a, b| a.0 == b.0) {
        for (i, a) in bucket.iter().enumerate() {
            pairs.extend(bucket[i + 1..].iter().map(|b| (a.1, b.1)));
        }
    }
    Anchors { common, low, pairs }
}

/// Pairs that share anchors held by few submissions, at least `min_share` of
/// the smaller one's such anchors; and the template's anchors, sorted.
fn candidates(
    chunks: &[Chunk],
    n: usize,
    cutoff: usize,
    cap: usize,
    min_share: f64,
) -> (Vec<(usize, usize)>, Vec<u64>) {
    let parts: Vec<Anchors> = (0..PARTS)
        .into_par_iter()
        .map_init(CountMap::default, |df, p| anchors_in(chunks, p, cutoff, cap, df))
        .collect();
    let mut low = vec![0u32; n];
    // Pairs grouped by their first submission (a counting sort), then counted.
    let mut starts = vec![0usize; n + 1];
    for p in &parts {
        p.low.iter().for_each(|&d| low[d as usize] += 1);
        p.pairs.iter().for_each(|&(i, _)| starts[i as usize + 1] += 1);
    }
    for i in 0..n {
        starts[i + 1] += starts[i];
    }
    let mut partners = vec![0u32; starts[n]];
    let mut at = starts.clone();
    for &(i, j) in parts.iter().flat_map(|p| &p.pairs) {
        partners[at[i as usize]] = j;
        at[i as usize] += 1;
    }
    let common = parts.into_iter().flat_map(|p| p.common).collect();
    let pairs = (0..n)
        .into_par_iter()
        .flat_map_iter(|i| {
            let mut js = partners[starts[i]..starts[i + 1]].to_vec();
            js.sort_unstable();
            // A run of one partner is the anchors the two share.
            js.chunk_by(|a, b| a == b)
                .filter(|run| run.len() as f64 >= min_share * low[i].min(low[run[0] as usize]) as f64)
                .map(|run| (i, run[0] as usize))
                .collect::<Vec<_>>()
        })
        .collect();
    (pairs, common)
}

/// The template shingles among those of the submissions in `pairs`, sorted:
/// those in more than `cutoff` submissions. Only their shingles are counted.
fn template(chunks: &[Chunk], pairs: &[(usize, usize)], cutoff: usize) -> Vec<u64> {
    if pairs.is_empty() {
        return Vec::new();
    }
    let docs = members(pairs);
    let parts: Vec<Vec<u64>> = (0..PARTS)
        .into_par_iter()
        .map(|p| {
            let mut df = CountMap::default();
            for &i in &docs {
                for s in [p, PARTS + p] {
                    df.extend(chunks[i / CHUNK].run(s, i % CHUNK).iter().map(|&x| (x, (0, u32::MAX))));
                }
            }
            for (d, run) in chunks.iter().flat_map(|c| c.runs(p).chain(c.runs(PARTS + p))) {
                for x in run {
                    if let Some(e) = df.get_mut(x) {
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

/// Drops the elements of sorted `without` from sorted `set`.
fn remove_sorted(set: &mut Vec<u64>, without: &[u64]) {
    let mut j = 0;
    set.retain(|&x| {
        while j < without.len() && without[j] < x {
            j += 1;
        }
        without.get(j) != Some(&x)
    });
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
    let cutoff = rule.min_df_cap.max((rule.max_df * subs.len() as f64).ceil() as usize);
    let cap = cutoff.min(BUCKET_CAP.max(rule.min_df_cap));
    // Anchors are a sample, and small submissions have few: half the
    // threshold keeps a copy from being dropped by sampling noise.
    let min_share = rule.threshold * 0.5;
    let chunks: Vec<Chunk> = subs.par_chunks(CHUNK).enumerate().map(|(c, s)| Chunk::of(s, c * CHUNK, k)).collect();
    let (mut pairs, common_anchors) = candidates(&chunks, subs.len(), cutoff, cap, min_share);
    // Each one's rare anchors sample its rare shingles: too little overlap
    // there, and the pair is not worth counting exactly.
    let sampled = Sets::of(&chunks, &pairs, ANCHOR_SLOTS, &common_anchors);
    pairs.retain(|&(i, j)| {
        let (a, b) = (sampled.get(i), sampled.get(j));
        intersection(a, b) as f64 >= min_share * a.len().min(b.len()) as f64
    });
    let common = template(&chunks, &pairs, cutoff);
    let sets = Sets::of(&chunks, &pairs, 0..SLOTS, &common);
    drop(chunks);
    let mut found: Vec<Pair> = pairs
        .into_par_iter()
        .filter_map(|(i, j)| {
            let (si, sj) = (sets.get(i), sets.get(j));
            let shared = intersection(si, sj);
            let smaller = si.len().min(sj.len()).max(1);
            let similarity = shared as f64 / smaller as f64;
            if shared < rule.min_shared || similarity < rule.threshold {
                return None;
            }
            let jaccard = shared as f64 / (si.len() + sj.len() - shared) as f64;
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
    found.sort_by(|x, y| y.similarity.total_cmp(&x.similarity).then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b))));
    found
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
fn passages(a: &Submission, b: &Submission, common: &[u64], k: usize) -> Vec<Passage> {
    let (wa, wb) = (words(a), words(b));
    let hashes = |w: &[Word]| w.iter().map(|w| w.hash).collect::<Vec<_>>();
    let (sa, sb) = (shingles(&hashes(&wa), k), shingles(&hashes(&wb), k));
    let mut in_b: HashMap<u64, Vec<usize>> = HashMap::new();
    for (q, h) in sb.iter().enumerate().filter(|(_, h)| common.binary_search(h).is_err()) {
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
    use crate::review::Rubric;

    fn sub(name: &str, text: &str) -> Submission {
        let ident = crate::model::Identity {
            id: name.into(),
            source: name.into(),
            author: name.into(),
            main_file: "x.md".into(),
        };
        let tax = crate::normalize::Taxonomy::with_config(&Default::default()).unwrap();
        crate::model::normalize(ident, Default::default(), &tax, vec![("x.md".into(), text.into())])
    }

    fn shingle_set(sub: &Submission, k: usize) -> Vec<u64> {
        let mut words = Vec::new();
        each_word(sub, |h, _, _| words.push(h));
        let mut s = shingles(&words, k);
        s.sort_unstable();
        s.dedup();
        s
    }

    /// Made-up prose: `n` pseudo-random words from a large made-up vocabulary.
    fn prose(seed: u64, n: usize) -> String {
        const SYL: [&str; 16] =
            ["ka", "lo", "mi", "ne", "ru", "sa", "to", "vi", "be", "do", "fu", "gi", "ha", "ju", "po", "ze"];
        (0..n as u64)
            .map(|i| {
                let x = mix(seed.wrapping_mul(1_000_003) ^ i);
                (0..3).map(|s| SYL[((x >> (4 * s)) & 15) as usize]).collect::<String>()
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    fn rule() -> DuplicateRule {
        DuplicateRule { shingle: 5, threshold: 0.5, min_shared: 15, max_df: 1.0, min_df_cap: 3 }
    }

    fn found(subs: &[Submission], rule: &DuplicateRule) -> Vec<(String, String)> {
        near_duplicates(subs, rule).into_iter().map(|p| (p.a, p.b)).collect()
    }

    #[test]
    fn markers_and_headings_do_not_change_shingles() {
        let a = sub("a", "## Things I lack\n- Tuning slow queries, reading plans!\n* Writing Helm charts\n");
        let b = sub("b", "### Gaps\n1. tuning slow queries reading plans\n2) **Writing** Helm charts\n");
        assert_eq!(shingle_set(&a, 3), shingle_set(&b, 3));
    }

    #[test]
    fn word_hashes_fold_case_and_yo_on_every_path() {
        let hashes = |text: &str| {
            let mut out = Vec::new();
            line_words(text, |h| out.push(h));
            out
        };
        let slow = |word: &str| {
            let mut w = WordHash::NEW;
            word.bytes().for_each(|b| w.push(b));
            w.finish()
        };
        // Short and long ASCII words, at the end of a line and not.
        let words = ["go", "Kubernetes", "internationalization", "x", "k8s", "12345678", "postgresql"];
        let text = words.join(", ");
        assert_eq!(hashes(&text), words.iter().map(|w| slow(&w.to_lowercase())).collect::<Vec<_>>());
        assert_eq!(hashes(&text.to_uppercase()), hashes(&text));
        // Non-ASCII words, and ASCII words that run into them.
        assert_eq!(hashes("Ёлка ПРИВЕТ Straße"), hashes("елка привет straße"));
        assert_eq!(hashes("naïve—Café"), hashes("NAÏVE café"));
        assert_eq!(hashes("naïve—Café").len(), 2);
        assert_ne!(hashes("lead")[0], hashes("leads")[0]);
    }

    #[test]
    fn a_short_copy_inside_a_long_submission_pairs() {
        let copied = prose(1, 120);
        let subs = vec![
            sub("a", &copied),
            sub("b", &format!("{}\n\n{copied}\n\n{}", prose(2, 900), prose(3, 900))),
            sub("c", &prose(4, 400)),
        ];
        let pairs = near_duplicates(&subs, &rule());
        assert_eq!(pairs.len(), 1, "{pairs:?}");
        assert_eq!((pairs[0].a.as_str(), pairs[0].b.as_str(), pairs[0].similarity), ("a", "b", 1.0));
        assert!(pairs[0].jaccard < 0.1);
    }

    #[test]
    fn text_shared_by_more_than_the_bucket_cap_pairs_no_one() {
        // Below the template cutoff (max_df 1.0 makes nothing template), but
        // held by more submissions than an anchor bucket takes.
        let shared = prose(7, 300);
        let mut subs: Vec<Submission> = (0..BUCKET_CAP + 2)
            .map(|i| sub(&format!("s{i:02}"), &format!("{}\n{shared}", prose(100 + i as u64, 40))))
            .collect();
        let pair = prose(8, 300);
        subs.push(sub("t1", &format!("{}\n{pair}", prose(200, 40))));
        subs.push(sub("t2", &format!("{}\n{pair}", prose(201, 40))));
        assert_eq!(found(&subs, &rule()), [("t1".to_string(), "t2".to_string())]);
        // The same text in a few submissions is copying.
        subs.truncate(3);
        assert_eq!(found(&subs, &rule()).len(), 3);
    }

    #[test]
    fn same_pairs_on_any_number_of_threads() {
        let base: Vec<String> = (0..6).map(|i| prose(i, 200)).collect();
        let subs: Vec<Submission> = (0..300)
            .map(|i| {
                let own = prose(1000 + i as u64, 150);
                let text = if i % 50 == 0 { format!("{}\n{own}", base[i / 50]) } else { own };
                sub(&format!("s{i:03}"), &text)
            })
            .chain((0..6).map(|i| sub(&format!("copy{i}"), &format!("{}\nmy own words here", base[i]))))
            .collect();
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
            format!("{:?}", pool.install(|| near_duplicates(&subs, &Rubric::default().near_duplicates)))
        };
        let one = run(1);
        assert_eq!(one, run(2));
        assert_eq!(one, run(3));
        assert_eq!(found(&subs, &Rubric::default().near_duplicates).len(), 6);
    }
}
