//! The review page's histogram of rubric scores.
//!
//! Its bins are counted here: they are the review stage's scores, and
//! aggregate runs before review.

use super::{W, esc, figure, no_data, open};
use crate::review::CohortReview;
use std::fmt::Write as _;

/// Histogram of rubric scores across the cohort (review page): one bar per
/// score when every submission has the same maximum, else tenths of it.
pub(crate) fn completeness(review: &CohortReview) -> String {
    let n = review.reviews.len();
    if n == 0 {
        return no_data("No submissions to score yet.");
    }
    let max = review.reviews[0].max_score;
    let uniform = max > 0 && max <= 30 && review.reviews.iter().all(|r| r.max_score == max);
    let bins: Vec<(String, usize)> = if uniform {
        let mut b: Vec<(String, usize)> = (0..=max).map(|s| (s.to_string(), 0)).collect();
        for r in &review.reviews {
            b[r.score.min(max) as usize].1 += 1;
        }
        b
    } else {
        let mut b: Vec<(String, usize)> = (0..10).map(|i| (format!("{}", i * 10), 0)).collect();
        for r in &review.reviews {
            let p = (r.score.min(r.max_score) * 100).checked_div(r.max_score).unwrap_or(0) as usize;
            b[(p / 10).min(9)].1 += 1;
        }
        b
    };
    let mut scores: Vec<u32> = review.reviews.iter().map(|r| r.score).collect();
    scores.sort_unstable();
    let median = if !n.is_multiple_of(2) {
        scores[n / 2].to_string()
    } else {
        let twice = scores[n / 2 - 1] + scores[n / 2];
        if twice.is_multiple_of(2) { (twice / 2).to_string() } else { format!("{}.5", twice / 2) }
    };
    let full = review.reviews.iter().filter(|r| r.max_score > 0 && r.score >= r.max_score).count();
    let axis = if uniform {
        format!("Rubric score (out of {max})")
    } else {
        "Score as a share of the maximum, % (bins of 10; the last includes 100)".to_string()
    };
    let mut desc = format!("{n} submissions. ");
    for (i, (label, c)) in bins.iter().filter(|b| b.1 > 0).enumerate() {
        let unit = if uniform { "" } else { "%" };
        let _ = write!(desc, "{}score {label}{unit}: {c}", if i > 0 { "; " } else { "" });
    }
    let _ = write!(desc, ". Median score {median}{}.", if uniform { format!(" of {max}") } else { String::new() });

    let (left, right, top, plot_h, bottom) = (16u32, 8u32, 22u32, 150u32, 44u32);
    let h = top + plot_h + bottom;
    let slot = (W - left - right) as f64 / bins.len() as f64;
    let bw = (slot * 0.72).min(40.0);
    let most = bins.iter().map(|b| b.1).max().unwrap_or(1).max(1) as f64;
    let mut out = String::with_capacity(600 + bins.len() * 260);
    open(&mut out, "score-chart", "histogram", W, h, "How many submissions got each rubric score", &desc);
    let base = (top + plot_h) as f64;
    for (i, (label, c)) in bins.iter().enumerate() {
        let cx = left as f64 + slot * (i as f64 + 0.5);
        if *c > 0 {
            let bh = (*c as f64 * plot_h as f64 / most).max(2.0);
            let _ = write!(
                out,
                r##"<rect x="{:.1}" y="{:.1}" width="{bw:.1}" height="{bh:.1}" class="b-count" fill="#0072B2"/><text x="{cx:.1}" y="{:.1}" text-anchor="middle" class="v">{c}</text>"##,
                cx - bw / 2.0,
                base - bh,
                base - bh - 5.0
            );
        }
        let _ = write!(
            out,
            r#"<text x="{cx:.1}" y="{:.1}" text-anchor="middle" font-size="12">{label}</text>"#,
            base + 17.0
        );
    }
    let _ = write!(
        out,
        r#"<line x1="{left}" y1="{base}" x2="{}" y2="{base}" class="axis" stroke="currentColor"/><text x="{}" y="{}" text-anchor="middle">{}</text></svg>"#,
        W - right,
        (left + W - right) / 2,
        h - 6,
        esc(&axis)
    );
    let caption = format!(
        "Rubric scores of the {n} submissions: the number above each bar is how many got that score. Median {median}{}; \
         {full} with full marks.",
        if uniform { format!(" of {max}") } else { String::new() }
    );
    figure(&out, &esc(&caption), false, "")
}
