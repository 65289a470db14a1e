//! Fuzz target: one submission through outline parsing, extraction,
//! normalisation and sanitised rendering. Fails on a panic, a hang
//! (libFuzzer's -timeout), or HTML that could run script.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let html = skills_atlas::parse::fuzz_one(&text);
    if let Some(bad) = skills_atlas::render::markdown::first_unsafe(&html) {
        panic!("{bad} survived sanitising");
    }
});
