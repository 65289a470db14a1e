//! skills-atlas: a class's Markdown submissions -> a cross-linked skills atlas.
//!
//! The pipeline, one module per stage, each importing only earlier ones:
//! discover -> parse (outline) -> extract -> normalise (model, with the
//! taxonomy matcher in normalize) -> aggregate -> review -> render -> write.
//! Below them all, `text`, `config` and `diagnostics`; above them, what
//! drives them: this file (`build_with_progress`), `inputs`, `session` (serve), `check`
//! and `fuzz`.

// Modules are `pub` only where the binary, tests, benches, examples or the
// fuzz target use them; inside, `pub` only for what they use.
#![warn(unreachable_pub)]

pub(crate) mod aggregate;
pub(crate) mod atlas;
pub mod check;
pub mod check_links;
pub(crate) mod config;
pub mod diagnostics;
pub mod discover;
pub mod extract;
pub mod fuzz;
pub(crate) mod hidden;
pub mod init;
pub(crate) mod inputs;
pub(crate) mod limits;
pub(crate) mod load;
pub mod manual;
pub mod model;
pub mod normalize;
pub(crate) mod parse;
pub mod render;
pub mod review;
pub mod serve;
pub mod session;
pub mod term;
pub(crate) mod text;
pub(crate) mod url;
pub(crate) mod write;

use anyhow::{Result, anyhow};
use diagnostics::{Finding, Severity};
use inputs::Inputs;
use rayon::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

#[derive(Debug, Clone)]
pub struct BuildOptions {
    pub content: PathBuf,
    pub output: PathBuf,
    pub config: Option<PathBuf>,
    pub base_url: Option<String>,
}

/// What a build did, for the summary line and the exit status.
#[derive(Debug)]
pub struct BuildReport {
    pub submissions: usize,
    pub pages: usize,
    pub diagnostics: Vec<Finding>,
    /// Near-duplicate pairs found by the review stage.
    pub near_duplicates: usize,
    pub seconds: f64,
    /// Wall time per stage, in pipeline order.
    pub stages: Vec<(&'static str, f64)>,
}

impl BuildReport {
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics.iter().filter(|d| d.severity == severity).count()
    }
}

/// A loaded cohort: everything but the rendering.
pub struct Loaded {
    /// Read back by the render stage's tests.
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) config: config::Config,
    pub submissions: Vec<model::Submission>,
    pub cohort: aggregate::Cohort,
}

/// Progress for a terminal bar: called with a stage name, the items done so
/// far and the stage's total, from any thread.
pub type Progress<'a> = &'a (dyn Fn(&'static str, usize, usize) + Sync);

/// For callers without a progress bar.
pub(crate) fn no_progress(_: &'static str, _: usize, _: usize) {}

/// Discover, parse, extract, normalise and aggregate a cohort: everything
/// but the review and the rendering.
pub fn load(content: &Path, config: Option<&Path>, base_url: Option<&str>) -> Result<Loaded> {
    let Parsed { inputs, submissions, .. } = parse(content, config, base_url, &no_progress)?;
    let cohort = aggregate::aggregate(&submissions, &inputs.taxonomy);
    Ok(Loaded { config: inputs.config, submissions, cohort })
}

/// A cohort read and parsed, not yet aggregated.
struct Parsed {
    inputs: Inputs,
    submissions: Vec<model::Submission>,
    clock: Clock,
}

/// Config, discover, parse, extract and normalise.
fn parse(content: &Path, config: Option<&Path>, base_url: Option<&str>, progress: Progress) -> Result<Parsed> {
    let mut clock = Clock::new();
    let inputs = Inputs::load(config, Some(content), base_url)?;
    clock.lap("config+taxonomy");
    let units = discover::discover(content)?;
    clock.lap("discover");
    let done = AtomicUsize::new(0);
    let submissions: Vec<model::Submission> = units
        .par_iter()
        .map(|u| {
            let sub = load::load_unit(u, content, &inputs.taxonomy, inputs.rubric.counted());
            progress("parse", done.fetch_add(1, Ordering::Relaxed) + 1, units.len());
            sub
        })
        .collect();
    clock.lap("parse+extract+normalise");
    Ok(Parsed { inputs, submissions, clock })
}

/// Wall-clock laps for `--timings` (and serve's `--verbose`).
pub(crate) struct Clock {
    pub(crate) last: Instant,
    pub(crate) laps: Vec<(&'static str, f64)>,
}

impl Clock {
    pub(crate) fn new() -> Self {
        Clock { last: Instant::now(), laps: Vec::new() }
    }

    pub(crate) fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.laps.push((stage, (now - self.last).as_secs_f64()));
        self.last = now;
    }
}

/// Run the whole pipeline, reporting progress per submission parsed and per
/// page written. Errors here are about the build itself (bad config,
/// unwritable output); problems in submissions are diagnostics.
pub fn build_with_progress(opts: &BuildOptions, progress: Progress) -> Result<BuildReport> {
    let start = Instant::now();
    // Everything that can reject the build runs before anything is written.
    let Parsed { inputs, submissions: subs, mut clock } =
        parse(&opts.content, opts.config.as_deref(), opts.base_url.as_deref(), progress)?;
    let theme = inputs.theme(&opts.content)?;
    let tera = render::load_templates(theme.as_deref())?;
    let theme_static = render::theme_static(theme.as_deref())?;
    write::check_output(&opts.output, &opts.content)?;
    let Inputs { config, taxonomy, rubric, .. } = inputs;

    // Neither needs the other: aggregation is mostly serial, the review
    // parallel, so together they keep both cores busy.
    let (cohort, review) =
        rayon::join(|| aggregate::aggregate(&subs, &taxonomy), || review::review_cohort(&subs, &rubric));
    clock.lap("aggregate+review");

    let mut staging = write::Staging::create(&opts.output)?;
    let atlas_path = staging.claim("atlas.json")?;
    let expected = render::page_count(&subs, &cohort);
    let mut html_pages = 0;
    // Three things at once: pages render on the rayon pool, a writer thread
    // writes each finished batch while the next renders, and another thread
    // streams atlas.json and builds the other whole-cohort files.
    let (mut staging, side, render_time, notes) = std::thread::scope(|scope| -> Result<_> {
        let side = scope.spawn(|| -> Result<Vec<render::Page>> {
            write::stream_to(&atlas_path, |w| atlas::write_json(w, &config, &subs, &cohort, &review))?;
            Ok(cohort_files(&config, &subs, &cohort, &review))
        });
        let (batches, inbox) = std::sync::mpsc::sync_channel::<Vec<render::Page>>(2);
        // The staging folder comes back even on error: dropped, it removes
        // itself, which must wait until the other thread stops writing.
        let writer = scope.spawn(move || {
            let written = inbox.into_iter().try_for_each(|batch| staging.put(batch));
            (staging, written)
        });
        let mut sink = |batch: Vec<render::Page>| {
            html_pages += batch.iter().filter(|p| p.path.ends_with(".html")).count();
            progress("render", html_pages.min(expected), expected);
            batches.send(batch).map_err(|_| anyhow!("the page writer stopped"))
        };
        let rendered = render::render_site(&subs, &cohort, &config, &tera, &review, &theme_static, &mut sink);
        let render_time = clock.last.elapsed().as_secs_f64();
        drop(batches);
        let (written, side) = (writer.join(), side.join());
        let (staging, written) = written.map_err(|_| anyhow!("the page writer panicked"))?;
        // The writer's own error explains a send that failed.
        written?;
        let notes = rendered?;
        let side = side.map_err(|_| anyhow!("writing atlas.json panicked"))??;
        Ok((staging, side, render_time, notes))
    })?;
    staging.put(side)?;
    let sitemap = sitemap(&config.base_url, staging.paths().iter().map(String::as_str));
    staging.put(vec![render::Page { path: "sitemap.xml".into(), bytes: sitemap.into_bytes() }])?;
    staging.commit()?;
    // Pages are written while later ones render: the render lap includes
    // writing all but the last batch, the write lap the rest.
    clock.laps.push(("render", render_time));
    clock.laps.push(("write", clock.last.elapsed().as_secs_f64() - render_time));

    // Each submission's findings as its review lists them; rendering's
    // (files shown as plain text) after the rest.
    let diagnostics = review.reviews.iter().flat_map(|r| r.findings.iter().cloned()).chain(notes).collect();
    let report = BuildReport {
        submissions: subs.len(),
        pages: html_pages,
        diagnostics,
        near_duplicates: review.near_duplicates.len(),
        seconds: start.elapsed().as_secs_f64(),
        stages: clock.laps,
    };
    // Freeing a cohort is a tenth of a second at 10,000 submissions, on one
    // core: the report need not wait for it (nor `build`, which then exits).
    std::thread::spawn(move || drop((subs, cohort, review)));
    Ok(report)
}

/// Every file beside the HTML pages but atlas.json and the sitemap:
/// review.csv, the search index, the students' published images
/// (`files/`), and `.nojekyll` and `robots.txt` (what
/// GitHub Pages and crawlers read). `build` writes these and `serve` diffs
/// them against what it wrote; atlas.json is streamed by one and held by
/// the other, and the sitemap lists every file, so it comes last.
pub(crate) fn cohort_files(
    config: &config::Config,
    subs: &[model::Submission],
    cohort: &aggregate::Cohort,
    review: &review::CohortReview,
) -> Vec<render::Page> {
    let robots = if config.indexable { "User-agent: *\nAllow: /\n" } else { "User-agent: *\nDisallow: /\n" };
    let mut files = vec![
        render::Page { path: "review.csv".into(), bytes: review::csv::to_csv(subs, review).into_bytes() },
        render::search::index_page(subs, cohort),
        render::Page { path: ".nojekyll".into(), bytes: Vec::new() },
        render::Page { path: "robots.txt".into(), bytes: robots.as_bytes().to_vec() },
    ];
    // The students' diagrams and PlantUML sources, one file per content.
    files.extend(render::local::published_files(subs));
    files
}

/// Every HTML page but the 404, under the base URL, in path order.
pub(crate) fn sitemap<'a>(base_url: &str, paths: impl Iterator<Item = &'a str>) -> String {
    let base = base_url.trim_end_matches('/');
    let mut paths: Vec<&str> = paths.filter(|p| p.ends_with(".html") && *p != "404.html").collect();
    paths.sort_unstable();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in paths {
        let p = url::encode_path(p.strip_suffix("index.html").unwrap_or(p));
        // Percent-encoded, the path holds no '&' or '<'; a base URL may.
        let url = format!("{base}/{p}").replace('&', "&amp;").replace('<', "&lt;");
        out.push_str(&format!("  <url><loc>{url}</loc></url>\n"));
    }
    out.push_str("</urlset>\n");
    out
}
