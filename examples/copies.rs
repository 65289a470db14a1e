//! Made copies: how many the near-duplicate step finds, and what it reports
//! among real submissions nobody copied.
//!
//!     cargo run --release --example copies [-- SHARED_DIR]
//!
//! SHARED_DIR (default `../shared` beside the crate) holds `corpus/` and
//! `seeds/` (real submissions) and `gold/perturb.py` (layout transforms,
//! run with `python3`). The real submissions are the untouched cohort; each
//! made copy is added to it on its own (or put in place of the submission
//! it changes), so it meets the template filter as one copier in a class
//! would. Three kinds:
//!
//! - (a) a whole submission through each layout transform of perturb.py;
//!   also whether its fingerprints stay exactly the same;
//! - (b) one section of a submission (of at least `MIN_SECTION_WORDS` words)
//!   put in place of the same section of another student's submission, or
//!   added to it when it has none; found when the pair is reported and names
//!   that section;
//! - (c) a whole submission with its sections in reverse order, a tenth of
//!   its sentences deleted and another tenth reworded (every third word
//!   replaced), chosen by hash.
//!
//! Prints recall per kind (and per transform), the copies missed, and every
//! pair reported among the untouched submissions.

use skills_atlas::extract::Section;
use skills_atlas::model::Submission;
use skills_atlas::review::duplicates::{self, Pair};
use skills_atlas::review::{Rubric, Scope};
use std::path::{Path, PathBuf};
use std::process::Command;

/// Sections shorter than this (words outside headings) are not copied in (b).
const MIN_SECTION_WORDS: usize = 40;

fn main() {
    let shared = std::env::args()
        .nth(1)
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared"));
    if !shared.join("corpus").is_dir() {
        eprintln!("copies: no corpus at {}; pass the shared folder as the argument", shared.display());
        std::process::exit(2);
    }
    let tmp = tempfile::tempdir().expect("temporary folder");
    let real_dir = tmp.path().join("real");
    for part in ["corpus", "seeds"] {
        copy_dir(&shared.join(part), &real_dir);
    }
    let real = load(&real_dir);
    let rule = Rubric::default().near_duplicates;
    println!("{} real submissions (corpus + seeds)\n", real.len());

    let baseline = duplicates::near_duplicates(&real, &rule);
    println!("## Pairs among the untouched submissions: {}\n", baseline.len());
    for p in &baseline {
        println!("- {}", describe(p));
    }

    let perturb = shared.join("gold/perturb.py");
    let rows = [
        whole_copies(&real, &real_dir, &perturb, tmp.path()),
        section_copies(&real, &baseline, tmp.path()),
        edited_copies(&real, tmp.path()),
    ];
    println!("\n## Recall\n\n| kind | copies | found | recall | similarity reported: lowest, median |");
    println!("| --- | --- | --- | --- | --- |");
    for r in &rows {
        let (low, median) = r.spread();
        let recall = r.found as f64 / r.cases.max(1) as f64;
        println!("| {} | {} | {} | {recall:.3} | {low:.2}, {median:.2} |", r.kind, r.cases, r.found);
    }
    for r in rows.iter().filter(|r| !r.missed.is_empty()) {
        println!("\n{} missed: {}", r.kind, r.missed.join(", "));
    }
}

struct Row {
    kind: String,
    cases: usize,
    found: usize,
    missed: Vec<String>,
    /// The similarity each found copy was reported with (its section's in (b)).
    scores: Vec<f64>,
}

impl Row {
    fn new(kind: &str) -> Row {
        Row { kind: kind.into(), cases: 0, found: 0, missed: Vec::new(), scores: Vec::new() }
    }

    /// Counts one copy: found when `pairs` has it (naming `section`, when given).
    fn count(&mut self, pairs: &[Pair], a: &str, b: &str, section: Option<Section>, what: String) {
        self.cases += 1;
        match found(pairs, a, b, section) {
            Some(score) => {
                self.found += 1;
                self.scores.push(score);
            }
            None => self.missed.push(what),
        }
    }

    /// Lowest and median similarity of the copies found.
    fn spread(&self) -> (f64, f64) {
        let mut s = self.scores.clone();
        s.sort_by(f64::total_cmp);
        (s.first().copied().unwrap_or(0.0), s.get(s.len() / 2).copied().unwrap_or(0.0))
    }
}

fn describe(p: &Pair) -> String {
    let sections: Vec<String> =
        p.sections.iter().map(|s| format!("{} {:.0}% ({})", s.title, s.similarity * 100.0, s.shared)).collect();
    format!(
        "{} ~ {}: {} {:.0}%, {} shared; sections: {}",
        p.a,
        p.b,
        if p.scope == Scope::File { "whole" } else { "sections only, whole" },
        p.similarity * 100.0,
        p.shared,
        if sections.is_empty() { "-".to_string() } else { sections.join(", ") }
    )
}

fn load(dir: &Path) -> Vec<Submission> {
    skills_atlas::load(dir, None, None).expect("load submissions").submissions
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).expect("create folder");
    let mut entries: Vec<_> = std::fs::read_dir(from).expect("read folder").filter_map(|e| e.ok()).collect();
    entries.sort_by_key(|e| e.file_name());
    for e in entries {
        let dest = to.join(e.file_name());
        if e.path().is_dir() {
            copy_dir(&e.path(), &dest);
        } else if e.path().extension().is_some_and(|x| x == "md") {
            std::fs::copy(e.path(), dest).expect("copy file");
        }
    }
}

/// The copy under another name, so it pairs with its original.
fn renamed(mut sub: Submission, tag: &str) -> Submission {
    sub.source = format!("{}~{tag}", sub.source);
    sub.id = format!("{}-{tag}", sub.id);
    sub
}

/// The similarity `pairs` reports `a` with `b` at (that of `section`, when
/// given); `None` when it does not, or does not name the section.
fn found(pairs: &[Pair], a: &str, b: &str, section: Option<Section>) -> Option<f64> {
    let p = pairs.iter().find(|p| (p.a == a && p.b == b) || (p.a == b && p.b == a))?;
    match section {
        Some(s) => p.sections.iter().find(|m| m.section == s).map(|m| m.similarity),
        None => Some(p.similarity),
    }
}

/// The cohort with `copy` added, or put in place of submission `replace`.
fn with(real: &[Submission], copy: Submission, replace: Option<usize>) -> Vec<Submission> {
    let mut cohort = real.to_vec();
    match replace {
        Some(i) => cohort[i] = copy,
        None => cohort.push(copy),
    }
    cohort
}

/// (a): each transform of perturb.py over every real submission.
fn whole_copies(real: &[Submission], real_dir: &Path, perturb: &Path, tmp: &Path) -> Row {
    let rule = Rubric::default().near_duplicates;
    let list = Command::new("python3").arg(perturb).arg("--list").output().expect("run python3 perturb.py --list");
    let transforms: Vec<String> = String::from_utf8_lossy(&list.stdout)
        .lines()
        .filter_map(|l| l.split_whitespace().next().map(String::from))
        .collect();
    println!("\n## (a) whole copies through each layout transform\n");
    println!("| transform | copies found | same fingerprints | fingerprints kept (mean) |\n| --- | --- | --- | --- |");
    let mut all = Row::new("(a) whole copy, any transform");
    for t in &transforms {
        let dir = tmp.join(format!("perturbed-{t}"));
        let status = Command::new("python3").arg(perturb).arg(t).arg(real_dir).arg(&dir).status();
        assert!(status.is_ok_and(|s| s.success()), "perturb.py {t} failed");
        let copies = load(&dir);
        let (before, mut same, mut kept, mut changed) = (all.found, 0, 0.0, Vec::new());
        for original in real {
            let Some(copy) = copies.iter().find(|c| c.source == original.source) else { continue };
            let (fa, fb) =
                (duplicates::fingerprints(original, rule.shingle), duplicates::fingerprints(copy, rule.shingle));
            same += usize::from(fa == fb);
            if fa != fb {
                changed.push(original.source.as_str());
            }
            kept += fa.iter().filter(|h| fb.binary_search(h).is_ok()).count() as f64 / fa.len().max(1) as f64;
            let copy = renamed(copy.clone(), t);
            let pairs = duplicates::near_duplicates(&with(real, copy, None), &rule);
            let what = format!("{} ({t})", original.source);
            all.count(&pairs, &original.source, &format!("{}~{t}", original.source), None, what);
        }
        let changed = if changed.is_empty() { String::new() } else { format!(" (changed: {})", changed.join(", ")) };
        let hits = all.found - before;
        println!("| {t} | {hits}/{} | {same}/{}{changed} | {:.3} |", real.len(), real.len(), kept / real.len() as f64);
    }
    all
}

/// The number of words in lines `first..=last` of `text`, headings left out.
fn words_in(text: &str, first: usize, last: usize) -> usize {
    text.lines()
        .skip(first - 1)
        .take(last + 1 - first)
        .filter(|l| !l.trim_start().starts_with('#'))
        .map(|l| l.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count())
        .sum()
}

/// `sub`'s files written under `dir` (a fresh folder), then loaded back.
fn reload(dir: &Path, sources: &[(String, String)]) -> Submission {
    for (path, text) in sources {
        let file = dir.join(path);
        std::fs::create_dir_all(file.parent().expect("a file's folder")).expect("create folder");
        std::fs::write(file, text).expect("write file");
    }
    let mut subs = load(dir);
    assert_eq!(subs.len(), 1, "one submission in {}", dir.display());
    subs.remove(0)
}

/// Replace lines `first..=last` (1-based) of `text` with `with`, or append
/// `with` when there is no such range.
fn splice(text: &str, range: Option<(usize, usize)>, with: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    match range {
        Some((first, last)) => {
            let mut out: Vec<&str> = lines[..first - 1].to_vec();
            out.extend(with.lines());
            out.extend(&lines[last.min(lines.len())..]);
            out.join("\n") + "\n"
        }
        None => format!("{}\n\n{with}\n", text.trim_end()),
    }
}

/// (b): each long enough section of each submission into another student's.
fn section_copies(real: &[Submission], baseline: &[Pair], tmp: &Path) -> Row {
    let rule = Rubric::default().near_duplicates;
    let mut row = Row::new("(b) one section into another submission");
    let (mut short, mut case) = (0, 0);
    for (x, from) in real.iter().enumerate() {
        for (section, file, first, last) in duplicates::section_spans(from) {
            let text = &from.sources[file].1;
            if words_in(text, first, last) < MIN_SECTION_WORDS {
                short += 1;
                continue;
            }
            // The next submission by another author that does not already
            // pair with this one.
            let Some(y) = (1..real.len()).map(|d| (x + d) % real.len()).find(|&y| {
                real[y].author != from.author && found(baseline, &from.source, &real[y].source, None).is_none()
            }) else {
                continue;
            };
            let to = &real[y];
            let copied: String = text.lines().skip(first - 1).take(last + 1 - first).collect::<Vec<_>>().join("\n");
            let spans = duplicates::section_spans(to);
            let place = spans.iter().find(|s| s.0 == section);
            let target_file = place.map_or_else(|| spans.first().map_or(0, |s| s.1), |s| s.1);
            let mut sources = to.sources.clone();
            let Some((_, target)) = sources.get_mut(target_file) else { continue };
            *target = splice(target, place.map(|s| (s.2, s.3)), &copied);
            case += 1;
            let copy = renamed(reload(&tmp.join(format!("section-{case}")), &sources), "b");
            let pairs = duplicates::near_duplicates(&with(real, copy, Some(y)), &rule);
            let what = format!("{} {} -> {}", from.source, section.title(), to.source);
            row.count(&pairs, &from.source, &format!("{}~b", to.source), Some(section), what);
        }
    }
    println!("\n(b): {} sections copied; {short} shorter than {MIN_SECTION_WORDS} words not copied", row.cases);
    row
}

/// A deterministic choice in `0..n` for one place.
fn pick(parts: &[usize], n: usize) -> usize {
    let mut h: u64 = 0x9E37_79B9_7F4A_7C15;
    for &p in parts {
        h = (h ^ p as u64).wrapping_mul(0x100_0000_01B3).rotate_left(29);
    }
    (h % n as u64) as usize
}

/// A sentence said otherwise: every third word replaced.
fn reword(sentence: &str) -> String {
    const OTHER: [&str; 5] = ["really", "mostly", "also", "often", "clearly"];
    sentence
        .split(' ')
        .enumerate()
        .map(|(i, w)| if i % 3 == 1 && w.chars().any(char::is_alphabetic) { OTHER[i % 5] } else { w })
        .collect::<Vec<_>>()
        .join(" ")
}

/// One line with a tenth of its sentences deleted and a tenth reworded.
fn edit_line(line: &str, at: &[usize]) -> String {
    let t = line.trim_start();
    if t.is_empty() || t.starts_with('#') || t.starts_with("```") || t.starts_with("|-") || t.starts_with("| -") {
        return line.to_string();
    }
    // Sentences end at ". ", "! " or "? ".
    let mut sentences = Vec::new();
    let mut start = 0;
    for (i, _) in line.match_indices(['.', '!', '?']) {
        if line[i + 1..].starts_with(' ') {
            sentences.push(&line[start..i + 2]);
            start = i + 2;
        }
    }
    sentences.push(&line[start..]);
    let mut out = String::new();
    for (k, s) in sentences.iter().enumerate() {
        let mut key = at.to_vec();
        key.push(k);
        match pick(&key, 10) {
            0 => {} // deleted
            1 => out.push_str(&reword(s)),
            _ => out.push_str(s),
        }
    }
    out
}

/// (c): every submission with its sections reversed and a fifth of its
/// sentences deleted or reworded.
fn edited_copies(real: &[Submission], tmp: &Path) -> Row {
    let rule = Rubric::default().near_duplicates;
    let mut row = Row::new("(c) sections reordered, 20% of sentences edited");
    for (x, sub) in real.iter().enumerate() {
        let spans = duplicates::section_spans(sub);
        let mut sources = sub.sources.clone();
        for (f, (_, text)) in sources.iter_mut().enumerate() {
            let lines: Vec<&str> = text.lines().collect();
            let mine: Vec<_> = spans.iter().filter(|s| s.1 == f).collect();
            // Sections in reverse order; what comes before the first stays.
            let mut order: Vec<(usize, usize)> = Vec::new();
            if let Some(first) = mine.first() {
                order.push((1, first.2 - 1));
                let mut parts: Vec<(usize, usize)> = mine.iter().map(|s| (s.2, s.3)).collect();
                if let Some(last) = parts.last_mut() {
                    last.1 = lines.len(); // to the end of the file
                }
                order.extend(parts.into_iter().rev());
            } else {
                order.push((1, lines.len()));
            }
            let mut out = Vec::new();
            for (first, last) in order {
                for n in first..=last.min(lines.len()) {
                    out.push(edit_line(lines[n - 1], &[x, f, n]));
                }
                out.push(String::new());
            }
            *text = out.join("\n");
        }
        let copy = renamed(reload(&tmp.join(format!("edited-{x}")), &sources), "c");
        let pairs = duplicates::near_duplicates(&with(real, copy, None), &rule);
        row.count(&pairs, &sub.source, &format!("{}~c", sub.source), None, sub.source.clone());
    }
    row
}
