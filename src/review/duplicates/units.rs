//! Which section each word lies in, and each submission's shingles as a set
//! tagged with the sections they come from, for exact comparison.

use super::super::lint::SectionMap;
use super::words::{each_piece, line_words};
use crate::extract::Section;
use crate::model::Submission;

/// A word of a submission's answers, with where it sits.
#[derive(Clone, Copy, Debug)]
pub(super) struct Word {
    pub hash: u64,
    pub file: u32,
    pub line: u32,
}

/// The sections compared one by one: a posting's own heading and the "Role"
/// line are parts of theirs.
const UNITS: [Section; 16] = [
    Section::Components,
    Section::Responsibilities,
    Section::CommonSkills,
    Section::ChosenRole,
    Section::SkillsHave,
    Section::SkillsLack,
    Section::JobMarket,
    Section::SkillsSeveral,
    Section::SkillsSingle,
    Section::Reflection,
    Section::Product,
    Section::MainComponents,
    Section::DataFlow,
    Section::Deployment,
    Section::Assumptions,
    Section::OpenQuestions,
];

/// Units per submission, at most.
pub(super) const MAX_UNITS: usize = UNITS.len();

/// Not in a section compared on its own: before the first heading, or
/// across two sections.
pub(super) const NO_UNIT: u8 = u8::MAX;

fn unit(s: Section) -> Section {
    match s {
        Section::Posting => Section::JobMarket,
        Section::RoleName => Section::ChosenRole,
        s => s,
    }
}

fn unit_index(s: Section) -> u8 {
    UNITS.iter().position(|&u| u == unit(s)).map_or(NO_UNIT, |i| i as u8)
}

pub(super) fn unit_section(u: u8) -> Option<Section> {
    UNITS.get(u as usize).copied()
}

/// A submission's words, and the unit of each.
pub(super) struct Located {
    pub words: Vec<Word>,
    pub units: Vec<u8>,
}

/// The unit of each line, read in file and line order.
struct Cursor {
    map: SectionMap,
    next: usize,
    current: (usize, u8),
}

impl Cursor {
    fn of(sub: &Submission) -> Cursor {
        Cursor { map: SectionMap::of(sub), next: 0, current: (usize::MAX, NO_UNIT) }
    }

    /// The unit of a line at or after the last one asked about.
    fn at(&mut self, file: u32, line: u32) -> u8 {
        while let Some(h) = self.map.heads.get(self.next)
            && (h.file, h.line) <= (file as usize, line as usize)
        {
            self.current = (h.file, unit_index(h.section));
            self.next += 1;
        }
        if self.current.0 == file as usize { self.current.1 } else { NO_UNIT }
    }
}

/// A submission's word hashes and the unit of each: what fingerprinting
/// needs, without where each word sits.
pub(super) fn hashes_and_units(sub: &Submission) -> (Vec<u64>, Vec<u8>) {
    let mut cursor = Cursor::of(sub);
    // About one word in seven bytes of Markdown.
    let guess = sub.sources.iter().map(|(_, t)| t.len() / 7).sum();
    let (mut hashes, mut units) = (Vec::with_capacity(guess), Vec::with_capacity(guess));
    each_piece(sub, |text, file, line| {
        let unit = cursor.at(file, line);
        line_words(text, |hash| {
            hashes.push(hash);
            units.push(unit);
        });
    });
    (hashes, units)
}

/// The unit of each shingle of `k` words: its words', when all are in one.
pub(super) fn shingle_units(units: &[u8], k: usize) -> Vec<u8> {
    let last = units.get(k - 1..).unwrap_or_default();
    units.iter().zip(last).map(|(&a, &b)| if a == b { a } else { NO_UNIT }).collect()
}

impl Located {
    pub(super) fn of(sub: &Submission) -> Located {
        let mut cursor = Cursor::of(sub);
        let (mut words, mut units) = (Vec::new(), Vec::new());
        each_piece(sub, |text, file, line| {
            let unit = cursor.at(file, line);
            line_words(text, |hash| {
                words.push(Word { hash, file, line });
                units.push(unit);
            });
        });
        Located { words, units }
    }

    pub(super) fn hashes(&self) -> Vec<u64> {
        self.words.iter().map(|w| w.hash).collect()
    }
}

/// A submission's distinct shingles less the template, sorted, each with the
/// units it occurs in (bit `u` for unit `u`).
pub(super) struct TaggedSet {
    pub hashes: Vec<u64>,
    pub masks: Vec<u32>,
    /// Shingles per unit.
    pub sizes: [usize; MAX_UNITS],
}

impl TaggedSet {
    /// From a submission's words and their `shingles` of `k` words.
    pub(super) fn of(located: &Located, shingles: &[u64], k: usize, common: &[u64]) -> TaggedSet {
        let bit = |u: u8| if u == NO_UNIT { 0 } else { 1u32 << u };
        let mut tagged: Vec<(u64, u32)> =
            shingles.iter().copied().zip(shingle_units(&located.units, k)).map(|(h, u)| (h, bit(u))).collect();
        tagged.sort_unstable();
        let mut hashes: Vec<u64> = Vec::with_capacity(tagged.len());
        let mut masks: Vec<u32> = Vec::with_capacity(tagged.len());
        let mut t = 0; // into `common`, sorted too
        for (h, m) in tagged {
            while t < common.len() && common[t] < h {
                t += 1;
            }
            if common.get(t) == Some(&h) {
                continue;
            }
            if hashes.last() == Some(&h) {
                *masks.last_mut().unwrap_or(&mut 0) |= m;
            } else {
                hashes.push(h);
                masks.push(m);
            }
        }
        let mut sizes = [0; MAX_UNITS];
        for &m in &masks {
            tally(&mut sizes, m);
        }
        TaggedSet { hashes, masks, sizes }
    }
}

/// Adds one to `counts[u]` for each bit `u` of `m`.
fn tally(counts: &mut [usize; MAX_UNITS], mut m: u32) {
    while m != 0 {
        counts[m.trailing_zeros() as usize] += 1;
        m &= m - 1;
    }
}

/// Shingles two sets share, in all and per unit of either.
pub(super) struct Overlap {
    pub shared: usize,
    pub a: [usize; MAX_UNITS],
    pub b: [usize; MAX_UNITS],
}

pub(super) fn overlap(a: &TaggedSet, b: &TaggedSet) -> Overlap {
    let mut out = Overlap { shared: 0, a: [0; MAX_UNITS], b: [0; MAX_UNITS] };
    let (mut i, mut j) = (0, 0);
    while i < a.hashes.len() && j < b.hashes.len() {
        match a.hashes[i].cmp(&b.hashes[j]) {
            std::cmp::Ordering::Less => i += 1,
            std::cmp::Ordering::Greater => j += 1,
            std::cmp::Ordering::Equal => {
                out.shared += 1;
                tally(&mut out.a, a.masks[i]);
                tally(&mut out.b, b.masks[j]);
                i += 1;
                j += 1;
            }
        }
    }
    out
}

/// Where each section of a submission lies: `(section, file, first line,
/// last line)`, the heading included, up to the next section's heading.
pub fn section_spans(sub: &Submission) -> Vec<(Section, usize, usize, usize)> {
    let map = SectionMap::of(sub);
    let mut out: Vec<(Section, usize, usize, usize)> = Vec::new();
    for (i, h) in map.heads.iter().enumerate() {
        let s = unit(h.section);
        if let Some(last) = out.last_mut()
            && last.0 == s
            && last.1 == h.file
        {
            continue; // a part of the section above: a posting, the role line
        }
        let lines = sub.sources[h.file].1.lines().count();
        let end = map.heads[i + 1..]
            .iter()
            .find(|n| n.file != h.file || unit(n.section) != s)
            .filter(|n| n.file == h.file)
            .map_or(lines, |n| n.line - 1);
        out.push((s, h.file, h.line, end.max(h.line)));
    }
    out
}
