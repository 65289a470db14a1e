//! Lower bounds for a build, without templates: each step does more of the
//! work every atlas build must do, timed on its own from the folder walk.
//! Prints seconds per step.
//!
//!     cargo run --release --example bound -- COHORT OUT
//!
//! 1. html: read each file, parse it, write it as HTML (pulldown-cmark's
//!    writer alone), one page per file: a plain Markdown converter.
//! 2. publish: the same with the atlas's own Markdown rendering (code
//!    highlighted by syntect, links filtered).
//! 3. load + publish: also discover, extract, normalise and aggregate, as
//!    `skills_atlas::load` does, and one page per submission.

use rayon::prelude::*;
use skills_atlas::render::markdown;
use std::path::Path;
use std::time::Instant;

fn main() {
    let mut args = std::env::args().skip(1);
    let (dir, out) = (args.next().expect("usage: bound DIR OUT"), args.next().expect("usage: bound DIR OUT"));
    let out = Path::new(&out);

    let pages = |name: &str, to_html: fn(&str) -> String| {
        let start = Instant::now();
        let files: Vec<_> = walkdir::WalkDir::new(&dir)
            .into_iter()
            .filter_map(|e| e.ok())
            .filter(|e| e.path().extension().is_some_and(|x| x == "md"))
            .map(|e| e.into_path())
            .collect();
        let dir = out.join(name);
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        files.par_iter().enumerate().for_each(|(i, p)| {
            let text = std::fs::read_to_string(p).unwrap_or_default();
            std::fs::write(dir.join(format!("{i}.html")), to_html(&text)).unwrap();
        });
        println!("{name} {:.3}", start.elapsed().as_secs_f64());
    };
    pages("html", |text| {
        let mut html = String::with_capacity(text.len() * 3 / 2);
        pulldown_cmark::html::push_html(
            &mut html,
            pulldown_cmark::Parser::new_ext(text, pulldown_cmark::Options::ENABLE_TABLES),
        );
        html
    });
    pages("publish", markdown::to_html);

    let start = Instant::now();
    let loaded = skills_atlas::load(Path::new(&dir), None, None).unwrap();
    let dir = out.join("load");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    loaded.submissions.par_iter().enumerate().for_each(|(i, s)| {
        let html: String = s.sources.iter().map(|(_, t)| markdown::to_html(t)).collect();
        std::fs::write(dir.join(format!("{i}.html")), html).unwrap();
    });
    println!("load+publish {:.3}", start.elapsed().as_secs_f64());
}
