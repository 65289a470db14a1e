//! Fuzz target: one submission through outline parsing, extraction,
//! normalisation, the per-submission caps and sanitised rendering. Fails on
//! a panic, a hang (libFuzzer's -timeout), HTML that could run script, HTML
//! or JSON past the documented bounds, or work that is not bounded by the
//! input's size (a time oracle: 0.5 s plus 100 µs per byte, a generous
//! multiple of the slowest honest cost, for an instrumented build).

#![no_main]

use libfuzzer_sys::fuzz_target;
use std::time::{Duration, Instant};

/// The JSON of one submission, at most: its lists and names are capped
/// (`skills_atlas::limits`), whatever the input.
const MAX_JSON: usize = 4 * 1024 * 1024;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let start = Instant::now();
    let (html, json) = skills_atlas::fuzz::fuzz_one(&text);
    let took = start.elapsed();
    if let Some(bad) = skills_atlas::render::markdown::first_unsafe(&html) {
        panic!("{bad} survived sanitising");
    }
    let max_html = skills_atlas::render::markdown::Limits::default().max_html;
    assert!(html.len() <= max_html, "{} bytes of HTML from {} bytes", html.len(), text.len());
    assert!(json <= MAX_JSON, "{json} bytes of JSON from {} bytes", text.len());
    let budget = Duration::from_millis(500) + Duration::from_micros(100) * text.len() as u32;
    assert!(took <= budget, "{took:?} for {} bytes (budget {budget:?})", text.len());
});
