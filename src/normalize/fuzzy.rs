//! Bounded typo matching: optimal-string-alignment (Damerau) distance.
//!
//! Only long, non-English-looking tokens are compared, only against keys that
//! share their first letter, and only within a small budget: 1 edit for keys
//! of 6+ characters, 2 for 10+. A transposition counts as one edit.

/// Tokens that sit one edit away from an alias but are ordinary words.
const ORDINARY_WORDS: &[&str] = &[
    "string",
    "strings",
    "sprint",
    "sprints",
    "spring",
    "docket",
    "pattern",
    "patterns",
    "resting",
    "rested",
    "tested",
    "texting",
    "tasting",
    "catching",
    "coaching",
    "networked",
    "master",
    "matter",
    "reacts",
    "reactor",
    "pythons",
    "scalar",
    "scales",
    "angle",
    "angles",
    "kafkaesque",
    "rustic",
    "docked",
    "docking",
    "dockers",
    "mongol",
    "swifter",
    "reddish",
    "clicks",
    "flash",
    "flutters",
    "fluttering",
    "perlin",
    "ruby",
    "rubies",
    "rails",
    "nodes",
    "postage",
    "poster",
    "posters",
    "postgame",
    "graphic",
    "graphics",
    "grafting",
    "promote",
    "linked",
    "linker",
    "links",
    "listen",
    "letters",
];

/// The edit budget for a key of `len` characters.
pub(crate) fn budget(len: usize) -> usize {
    match len {
        0..=5 => 0,
        6..=9 => 1,
        _ => 2,
    }
}

/// Whether a text token may be treated as a typo at all.
pub(crate) fn eligible(token: &str) -> bool {
    token.chars().count() >= 5 && token.chars().all(char::is_alphabetic) && !ORDINARY_WORDS.contains(&token)
}

/// A 64-bit set of the letters of `word`, hashed. Two words within `d` edits
/// differ in at most `2 * d` bits, so this cheaply rules out most keys.
pub(crate) fn letter_mask(word: &[char]) -> u64 {
    word.iter().fold(0, |m, &c| m | 1 << (u32::from(c) % 64))
}

/// Damerau (OSA) distance between `a` and `b`, or `None` when above `max`.
pub(crate) fn within(a: &[char], b: &[char], max: usize) -> Option<usize> {
    if a.len().abs_diff(b.len()) > max {
        return None;
    }
    let w = b.len() + 1;
    // Three rolling rows: i-2, i-1, i. Keys are short: keep them on the stack.
    let mut stack = [0usize; 3 * 32];
    let mut heap = Vec::new();
    let rows: &mut [usize] = if 3 * w <= stack.len() {
        &mut stack[..3 * w]
    } else {
        heap.resize(3 * w, 0);
        &mut heap
    };
    for (j, cell) in rows[..w].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        let (cur, prev, prev2) = (i % 3, (i + 2) % 3, (i + 1) % 3);
        rows[cur * w] = i;
        let mut row_min = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut v = (rows[prev * w + j] + 1).min(rows[cur * w + j - 1] + 1).min(rows[prev * w + j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                v = v.min(rows[prev2 * w + j - 2] + 1);
            }
            rows[cur * w + j] = v;
            row_min = row_min.min(v);
        }
        if row_min > max {
            return None;
        }
    }
    let d = rows[(a.len() % 3) * w + b.len()];
    (d <= max).then_some(d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(a: &str, b: &str) -> Option<usize> {
        let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
        within(&a, &b, 2)
    }

    #[test]
    fn distances() {
        assert_eq!(d("kubernates", "kubernetes"), Some(1));
        assert_eq!(d("kuberntes", "kubernetes"), Some(1));
        assert_eq!(d("backned", "backend"), Some(1));
        assert_eq!(d("posgresql", "postgresql"), Some(1));
        assert_eq!(d("typescipt", "typescript"), Some(1));
        assert_eq!(d("abc", "abc"), Some(0));
        assert_eq!(d("scalable", "scala"), None);
        assert_eq!(d("kubernetes", "kafka"), None);
    }

    #[test]
    fn eligibility() {
        assert!(eligible("kubernates"));
        assert!(!eligible("string"));
        assert!(!eligible("k8s"));
        assert!(!eligible("ruby"));
    }
}
