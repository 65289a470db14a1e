//! The benchmark's floor: only read and parse a cohort's Markdown files with
//! pulldown-cmark on all cores, nothing else. Prints seconds.
//!
//!     cargo run --release --example floor -- /tmp/cohort-10k

use rayon::prelude::*;
use std::time::Instant;

fn main() {
    let dir = std::env::args().nth(1).expect("usage: floor DIR");
    let start = Instant::now();
    let files: Vec<_> = walkdir::WalkDir::new(&dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    let events: usize = files
        .par_iter()
        .map(|p| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            pulldown_cmark::Parser::new_ext(&text, pulldown_cmark::Options::ENABLE_TABLES).count()
        })
        .sum();
    println!("{:.3}", start.elapsed().as_secs_f64());
    eprintln!("{} files, {} events", files.len(), events);
}
