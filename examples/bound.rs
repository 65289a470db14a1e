//! The benchmark's floor and lower bounds: each step does more of the work
//! every atlas build must do, without templates, timed on its own from the
//! folder walk. Prints one line per step: its name and seconds.
//!
//!     cargo run --release --example bound -- COHORT OUT
//!
//! 1. floor: read and parse every Markdown file with pulldown-cmark on all
//!    cores, nothing else.
//! 2. html: also write each file as HTML (pulldown-cmark's writer alone),
//!    one page per file: a plain Markdown converter.
//! 3. publish: the same with the atlas's own Markdown rendering (code
//!    highlighted by syntect, links filtered).
//! 4. load+publish: also discover, extract, normalise and aggregate, as
//!    `skills_atlas::load` does, and one page per submission.

use pulldown_cmark::{Options, Parser};
use rayon::prelude::*;
use skills_atlas::render::markdown;
use std::path::Path;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let usage = "usage: bound COHORT OUT";
    let (dir, out) = (args.next().expect(usage), args.next().expect(usage));
    let (dir, out) = (Path::new(&dir), Path::new(&out));

    timed("floor", || {
        each_file(dir, |_, text| {
            std::hint::black_box(Parser::new_ext(text, Options::ENABLE_TABLES).count());
        })
    });
    timed("html", || {
        let pages = pages_dir(out, "html");
        each_file(dir, |i, text| {
            let mut html = String::with_capacity(text.len() * 3 / 2);
            pulldown_cmark::html::push_html(&mut html, Parser::new_ext(text, Options::ENABLE_TABLES));
            write(&pages, i, &html);
        })
    });
    timed("publish", || {
        let pages = pages_dir(out, "publish");
        each_file(dir, |i, text| write(&pages, i, &markdown::to_html(text)))
    });
    timed("load+publish", || {
        let loaded = skills_atlas::load(dir, None, None).expect("loading the cohort");
        let pages = pages_dir(out, "load");
        loaded.submissions.par_iter().enumerate().for_each(|(i, s)| {
            let html: String = s.sources.iter().map(|(_, text)| markdown::to_html(text)).collect();
            write(&pages, i, &html);
        });
    });
}

fn timed(name: &str, step: impl FnOnce()) {
    let start = Instant::now();
    step();
    println!("{name} {:.3}", start.elapsed().as_secs_f64());
}

/// Every Markdown file under `dir`, read and handed to `f` with its index, in parallel.
fn each_file(dir: &Path, f: impl Fn(usize, &str) + Sync) {
    let files: Vec<_> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
        .map(|e| e.into_path())
        .collect();
    files.par_iter().enumerate().for_each(|(i, p)| f(i, &std::fs::read_to_string(p).unwrap_or_default()));
}

/// A fresh, empty folder for one step's pages.
fn pages_dir(out: &Path, name: &str) -> std::path::PathBuf {
    let dir = out.join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("creating the output folder");
    dir
}

fn write(dir: &Path, i: usize, html: &str) {
    std::fs::write(dir.join(format!("{i}.html")), html).expect("writing a page");
}
