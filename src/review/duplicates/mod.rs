//! Near-duplicate submissions across a cohort: whole copies, and sections
//! copied into otherwise different work.
//!
//! Each submission's answers become words with the layout taken away
//! ([`words`]), then shingles of k words. Shingles found in many
//! submissions are the assignment's template and never count. Winnowed
//! fingerprints propose pairs ([`index`]); each proposed pair is compared
//! exactly, as wholes and section by section ([`units`]): the share of the
//! smaller one's own shingles found in the other, and the share of each
//! section's. The shared text is then tiled into passages ([`passages`]).

mod index;
mod passages;
mod units;
mod words;

use super::rubric::DuplicateRule;
use crate::extract::Section;
use crate::model::Submission;
use rayon::prelude::*;
use serde::Serialize;
pub use units::section_spans;
use units::{Located, Overlap, TaggedSet};

/// Fingerprints in more submissions than this propose no pairs: text shared
/// that widely is template, not copying, and big buckets make pairing
/// quadratic.
const BUCKET_CAP: usize = 32;

/// Two submissions that share much of their own (non-template) text, as
/// wholes or in some sections.
#[derive(Debug, Clone, Serialize)]
pub struct Pair {
    /// Sources of the two submissions, `a < b`.
    pub a: String,
    pub b: String,
    pub scope: Scope,
    /// Share of the smaller submission's own shingles found in the other.
    pub similarity: f64,
    pub jaccard: f64,
    /// Own shingles in common.
    pub shared: usize,
    /// Sections of either whose own shingles are largely in the other, most
    /// similar first.
    pub sections: Vec<SectionMatch>,
    pub passages: Vec<Passage>,
    #[serde(skip)]
    pub a_id: String,
    #[serde(skip)]
    pub b_id: String,
}

/// What made a pair: the submissions as wholes, or only some sections.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    File,
    Sections,
}

#[derive(Debug, Clone, Serialize)]
pub struct SectionMatch {
    pub section: Section,
    pub title: &'static str,
    /// Share of the section's own shingles found in the other submission
    /// (the larger of the two sides' when both have the section).
    pub similarity: f64,
    pub shared: usize,
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
    /// First and last line, 1-based.
    pub start: usize,
    pub end: usize,
    /// The section the passage starts in.
    pub section: Option<Section>,
    /// The lines, for the review page (not in `atlas.json`).
    #[serde(skip)]
    pub text: String,
}

/// A submission's fingerprints, sorted: what pairs are proposed from.
pub fn fingerprints(sub: &Submission, k: usize) -> Vec<u64> {
    let (shingles, picked, _) = index::fingerprinted(sub, k);
    let mut out: Vec<u64> = shingles.into_iter().zip(picked).filter(|&(_, p)| p).map(|(h, _)| h).collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// What comparing and tiling read of a submission in some pair: its words
/// and shingles, and its set. Made once, however many pairs it is in.
struct Member {
    located: Located,
    shingles: Vec<u64>,
    set: TaggedSet,
}

/// The submissions in some pair, looked up by index.
struct Sets {
    docs: Vec<usize>,
    members: Vec<Member>,
}

impl Sets {
    fn of(subs: &[Submission], pairs: &[(usize, usize)], k: usize, common: &[u64]) -> Sets {
        let docs = index::members(pairs);
        let members = docs
            .par_iter()
            .map(|&i| {
                let located = Located::of(&subs[i]);
                let shingles = words::shingles(&located.hashes(), k);
                let set = TaggedSet::of(&located, &shingles, k, common);
                Member { located, shingles, set }
            })
            .collect();
        Sets { docs, members }
    }

    fn get(&self, i: usize) -> Option<&Member> {
        self.docs.binary_search(&i).ok().map(|k| &self.members[k])
    }
}

/// Every pair of submissions alike as wholes or in a section, by the rule's
/// threshold: whole-file pairs first, each kind most similar first.
pub fn near_duplicates(subs: &[Submission], rule: &DuplicateRule) -> Vec<Pair> {
    let k = rule.shingle.max(1);
    let cutoff = rule.min_df_cap.max((rule.max_df * subs.len() as f64).ceil() as usize);
    let cap = cutoff.min(BUCKET_CAP.max(rule.min_df_cap));
    let limits = index::Limits {
        cap,
        cutoff,
        // A run of `min_shared` shingles holds at least this many fingerprints.
        min: (rule.min_shared / index::WINDOW).max(1) as u32,
        // Fingerprints sample shingles: a little below the threshold keeps
        // a copy from being dropped by sampling noise.
        share: rule.threshold * 0.8,
    };
    let chunks = index::chunks(subs, k);
    let pairs = index::candidates(&chunks, subs.len(), limits);
    let common = index::template(&chunks, &pairs, cutoff);
    drop(chunks);
    let sets = Sets::of(subs, &pairs, k, &common);
    let mut found: Vec<Pair> = pairs
        .into_par_iter()
        .filter_map(|(i, j)| {
            let (mi, mj) = (sets.get(i)?, sets.get(j)?);
            let (a, b) = if subs[i].source <= subs[j].source { (i, j) } else { (j, i) };
            let (ma, mb) = if a == i { (mi, mj) } else { (mj, mi) };
            let o = units::overlap(&ma.set, &mb.set);
            let (scope, similarity, jaccard, sections) = judge(&ma.set, &mb.set, &o, rule)?;
            Some(Pair {
                a: subs[a].source.clone(),
                b: subs[b].source.clone(),
                scope,
                similarity,
                jaccard,
                shared: o.shared,
                sections,
                passages: passages::passages(
                    (&subs[a], &ma.located, &ma.shingles),
                    (&subs[b], &mb.located, &mb.shingles),
                    &common,
                    k,
                ),
                a_id: subs[a].id.clone(),
                b_id: subs[b].id.clone(),
            })
        })
        .collect();
    // What made the pair: the whole's similarity, or its best section's.
    let rank = |p: &Pair| match p.scope {
        Scope::File => p.similarity,
        Scope::Sections => p.sections.first().map_or(0.0, |s| s.similarity),
    };
    found.sort_by(|x, y| {
        x.scope.cmp(&y.scope).then(rank(y).total_cmp(&rank(x))).then_with(|| (&x.a, &x.b).cmp(&(&y.a, &y.b)))
    });
    found
}

/// Whether two submissions are alike as wholes or in some sections, and how.
fn judge(a: &TaggedSet, b: &TaggedSet, o: &Overlap, rule: &DuplicateRule) -> Option<Judged> {
    let smaller = a.hashes.len().min(b.hashes.len()).max(1);
    let similarity = o.shared as f64 / smaller as f64;
    let mut sections: Vec<SectionMatch> = Vec::new();
    for (sizes, counts) in [(&a.sizes, &o.a), (&b.sizes, &o.b)] {
        for (u, (&size, &shared)) in sizes.iter().zip(counts).enumerate() {
            let share = shared as f64 / size.max(1) as f64;
            let Some(section) = units::unit_section(u as u8) else { continue };
            if shared < rule.min_shared || share < rule.threshold {
                continue;
            }
            let m = SectionMatch { section, title: section.title(), similarity: share, shared };
            match sections.iter_mut().find(|s| s.section == section) {
                Some(s) if s.similarity < share => *s = m,
                Some(_) => {}
                None => sections.push(m),
            }
        }
    }
    let whole = o.shared >= rule.min_shared && similarity >= rule.threshold;
    if !whole && sections.is_empty() {
        return None;
    }
    sections.sort_by(|x, y| y.similarity.total_cmp(&x.similarity).then(x.section.cmp(&y.section)));
    sections.iter_mut().for_each(|s| s.similarity = round3(s.similarity));
    let jaccard = o.shared as f64 / (a.hashes.len() + b.hashes.len() - o.shared).max(1) as f64;
    let scope = if whole { Scope::File } else { Scope::Sections };
    Some((scope, round3(similarity), round3(jaccard), sections))
}

type Judged = (Scope, f64, f64, Vec<SectionMatch>);

fn round3(x: f64) -> f64 {
    (x * 1000.0).round() / 1000.0
}

#[cfg(test)]
mod tests {
    use super::words::mix;
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
        // Extracted, so the review knows its sections.
        let root = crate::parse::outline::parse(text);
        let role = crate::extract::FileRole::Roles;
        let files = [crate::extract::FileOutline { path: "x.md", text, role, root: &root, recovered: &[] }];
        crate::model::normalize(
            ident,
            crate::extract::extract(&files, crate::extract::stats::Counted::ALL),
            &tax,
            vec![("x.md".into(), text.into())],
        )
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

    /// Made-up prose as lines of `per_line` words, one bullet each.
    fn bullets(seed: u64, n: usize, per_line: usize) -> String {
        let words: Vec<String> = prose(seed, n).split(' ').map(String::from).collect();
        words.chunks(per_line).map(|c| format!("- {}\n", c.join(" "))).collect()
    }

    fn rule() -> DuplicateRule {
        DuplicateRule { shingle: 5, threshold: 0.5, min_shared: 15, max_df: 1.0, min_df_cap: 3 }
    }

    fn found(subs: &[Submission], rule: &DuplicateRule) -> Vec<(String, String)> {
        near_duplicates(subs, rule).into_iter().map(|p| (p.a, p.b)).collect()
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
        assert_eq!(pairs[0].scope, Scope::File);
        assert!(pairs[0].jaccard < 0.1);
    }

    #[test]
    fn text_shared_by_more_than_the_bucket_cap_pairs_no_one() {
        // Below the template cutoff (max_df 1.0 makes nothing template), but
        // held by more submissions than a fingerprint bucket takes.
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

    /// A made-up submission on a shared template: the headings and prompt
    /// every student keeps, and each section's own text.
    fn on_template(sections: [&str; 4]) -> String {
        format!(
            "# Roles and skills\n\n## Components and roles\n\n> Name the parts of the product.\n\n{}\n\
             ## Roles and responsibilities\n\n> Three bullets per role.\n\n{}\n\
             ## Common skills across roles\n\n> The skills every role needs.\n\n{}\n\
             ## Personal reflection\n\n> Why this role?\n\n{}\n",
            sections[0], sections[1], sections[2], sections[3]
        )
    }

    #[test]
    fn a_copied_section_is_reported_and_named() {
        let own = |s: u64| {
            on_template([&bullets(s, 150, 6), &bullets(s + 1, 150, 6), &bullets(s + 2, 60, 3), &prose(s + 3, 150)])
        };
        let mut subs: Vec<Submission> = (0..8).map(|i| sub(&format!("s{i}"), &own(100 * i))).collect();
        // s8's common skills are s0's, word for word, in other bullets.
        let copied = bullets(2, 60, 3).replace("- ", "1 ");
        subs.push(sub("s8", &on_template([&bullets(801, 150, 6), &bullets(802, 150, 6), &copied, &prose(803, 150)])));
        let pairs = near_duplicates(&subs, &Rubric::default().near_duplicates);
        assert_eq!(pairs.len(), 1, "{pairs:#?}");
        let p = &pairs[0];
        assert_eq!((p.a.as_str(), p.b.as_str(), p.scope), ("s0", "s8", Scope::Sections));
        assert!(p.similarity < 0.5, "{p:?}");
        assert_eq!(p.sections.len(), 1, "{p:?}");
        assert_eq!((p.sections[0].section, p.sections[0].similarity), (Section::CommonSkills, 1.0));
        assert_eq!(p.passages.len(), 1, "{:#?}", p.passages);
        let x = &p.passages[0];
        assert_eq!((x.a.section, x.b.section), (Some(Section::CommonSkills), Some(Section::CommonSkills)));
        assert_eq!(x.a.end - x.a.start, 19, "{x:?}");
        assert!(x.b.text.starts_with("1 "), "{x:?}");
    }

    #[test]
    fn copied_open_questions_are_no_prompts() {
        // Questions read as the assignment's prompts anywhere but in a
        // student's own "Open questions".
        let questions = |s: u64| bullets(s, 60, 6).replace('\n', "?\n");
        let own = |s: u64| {
            let four = [bullets(s, 150, 6), bullets(s + 1, 150, 6), bullets(s + 2, 60, 3), prose(s + 3, 150)];
            format!("{}\n## Open questions\n\n{}", on_template(four.each_ref().map(String::as_str)), questions(s + 4))
        };
        let mut subs: Vec<Submission> = (0..8).map(|i| sub(&format!("s{i}"), &own(100 * i))).collect();
        let four = [bullets(801, 150, 6), bullets(802, 150, 6), bullets(803, 60, 3), prose(804, 150)];
        let template = on_template(four.each_ref().map(String::as_str));
        subs.push(sub("s8", &format!("{template}\n## Open questions\n\n{}", questions(4))));
        let pairs = near_duplicates(&subs, &Rubric::default().near_duplicates);
        assert_eq!(pairs.len(), 1, "{pairs:#?}");
        assert_eq!((pairs[0].a.as_str(), pairs[0].b.as_str()), ("s0", "s8"));
        assert_eq!(pairs[0].sections[0].section, Section::OpenQuestions, "{:?}", pairs[0]);
    }

    #[test]
    fn renumbered_bullets_pair() {
        // Short submissions, the same text with `1 Back-end engineer` bullets.
        let text = bullets(5, 40, 5);
        let renumbered: String = text.lines().enumerate().map(|(i, l)| format!("{} {}\n", i + 1, &l[2..])).collect();
        let subs = vec![sub("a", &text), sub("b", &renumbered), sub("c", &bullets(6, 40, 5))];
        let pairs = near_duplicates(&subs, &rule());
        assert_eq!(pairs.len(), 1, "{pairs:?}");
        assert_eq!((pairs[0].a.as_str(), pairs[0].b.as_str(), pairs[0].similarity), ("a", "b", 1.0));
    }

    #[test]
    fn a_copy_with_edits_is_shown_once_as_its_longest_spans() {
        // b copies a's two paragraphs in the other order, with one word
        // changed in the first and some own words between.
        let (p1, p2) = (bullets(11, 60, 6), bullets(12, 60, 6));
        let edited = p1.replacen(p1.split(' ').nth(20).unwrap(), "CHANGED", 1);
        let a = format!("{p1}\n{p2}");
        let b = format!("{}\n{p2}\n{}\n{edited}", prose(13, 30), prose(14, 30));
        let subs = vec![sub("a", &a), sub("b", &b), sub("c", &prose(15, 100))];
        let pairs = near_duplicates(&subs, &rule());
        assert_eq!(pairs.len(), 1, "{pairs:?}");
        let ranges: Vec<_> = pairs[0].passages.iter().map(|x| ((x.a.start, x.a.end), (x.b.start, x.b.end))).collect();
        // Each paragraph whole on both sides: the changed word bridged.
        assert_eq!(ranges, [((1, 10), (14, 23)), ((12, 21), (2, 11))], "{:#?}", pairs[0].passages);
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
