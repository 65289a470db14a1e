//! Incremental rebuilds for `skills-atlas serve`.
//!
//! A [`Session`] keeps the loaded cohort in memory between rebuilds: units and
//! submissions (re-read only when their files change), per-submission
//! reviews, near-duplicate pairs, the aggregated cohort, a hash per role,
//! skill, component and product (to tell which of their pages changed), the
//! rendered HTML of every Markdown file by content hash, and a hash per page
//! written, so only pages whose bytes changed touch the disk.
//!
//! A content change is applied in two steps. [`Session::rebuild`] updates the
//! HTML pages at once (with the near-duplicate pairs of the last pass);
//! [`Session::refresh`] then runs the cohort-wide passes that cost more than
//! an edit should wait for (near duplicates, `atlas.json`, the search index)
//! and rewrites what they change. A config change reloads everything; a
//! theme change re-renders everything from the loaded data.
//!
//! The output is the same as `skills-atlas build` writes (tests compare them
//! byte for byte). `pages` renders one page at a time through contexts that
//! mirror `render`'s private ones.

mod pages;

use pages::{ListDelta, Pages, Row, row};

use crate::aggregate::{self, Cohort};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Severity};
use crate::discover::{self, Unit};
use crate::model::Submission;
use crate::normalize::Taxonomy;
use crate::render::{self, Page};
use crate::review::{self, CohortReview, Review, Rubric};
use crate::{atlas, load, write};
use anyhow::{Context, Result, anyhow, bail};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::hash::Hasher;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;
use tera::Tera;

/// List pages: each sees the whole cohort and one row per submission.
const LIST_PAGES: &[(&str, &str)] = &[
    ("index.html", "index.html"),
    ("submissions/index.html", "submissions.html"),
    ("roles/index.html", "roles.html"),
    ("skills/index.html", "skills.html"),
    ("components/index.html", "components.html"),
    ("products/index.html", "products.html"),
    ("unknown/index.html", "unknown.html"),
];
const REVIEW_PAGE: &str = "review/index.html";

#[derive(Debug, Clone)]
pub struct SessionOptions {
    pub content: PathBuf,
    pub output: PathBuf,
    pub config: Option<PathBuf>,
    pub base_url: Option<String>,
}

/// What a rebuild did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Kind {
    /// Everything loaded and rendered.
    Full,
    /// Everything re-rendered from the loaded data (a theme change).
    Rerender,
    /// Only the changed submissions and the pages that show them.
    Incremental,
    /// The cohort-wide pass after an incremental rebuild.
    Refresh,
    /// The change touched nothing the site is built from.
    Nothing,
}

#[derive(Debug, Clone)]
pub struct Outcome {
    pub kind: Kind,
    pub submissions: usize,
    /// HTML pages in the site.
    pub pages: usize,
    /// Pages rendered this time.
    pub rendered: usize,
    /// Pages whose bytes changed (written or removed), sorted.
    pub changed: Vec<String>,
    /// Full builds: every diagnostic; incremental: those of the submissions re-read.
    pub diagnostics: Vec<Diagnostic>,
    pub seconds: f64,
    /// Wall time per step, for `--verbose` and the benchmark.
    pub stages: Vec<(&'static str, f64)>,
}

/// Wall-clock laps.
struct Laps {
    last: Instant,
    laps: Vec<(&'static str, f64)>,
}

impl Laps {
    fn new() -> Self {
        Laps { last: Instant::now(), laps: Vec::new() }
    }

    fn lap(&mut self, stage: &'static str) {
        let now = Instant::now();
        self.laps.push((stage, (now - self.last).as_secs_f64()));
        self.last = now;
    }
}

/// The loaded site.
struct Site {
    config: Config,
    tera: Tera,
    taxonomy: Taxonomy,
    rubric: Rubric,
    units: Vec<Unit>,
    subs: Vec<Submission>,
    /// Reviews aligned with `subs`, their `near_duplicates` filled from the pairs.
    review: CohortReview,
    cohort: Cohort,
    /// Page path -> hash of the entity it shows.
    entities: HashMap<String, u64>,
    /// Hashes of what the list pages and the review page show.
    lists_key: u64,
    /// The list pages' context, kept to update in place.
    lists_ctx: Option<Value>,
    review_key: u64,
    /// 404.html and static files: rendered once per full render.
    statics: Vec<Page>,
}

pub struct Session {
    opts: SessionOptions,
    content: PathBuf,
    config_path: Option<PathBuf>,
    theme: Option<PathBuf>,
    site: Option<Site>,
    /// Rendered Markdown by hash of its text.
    markdown: HashMap<u64, Arc<str>>,
    /// Page path -> hash of the bytes on disk.
    written: HashMap<String, u64>,
    /// Near duplicates and data files are older than the submissions.
    stale: bool,
    /// A failed render left pages behind the loaded data.
    rerender: bool,
    /// The last full build or theme load failed: the next change retries it.
    failed: bool,
    /// Counts changes to the submissions, to tell a refresh job's result stale.
    generation: u64,
}

/// Near duplicates over a copy of the submissions: see [`Session::refresh_job`].
pub struct RefreshJob {
    generation: u64,
    subs: Vec<Submission>,
    rule: review::rubric::DuplicateRule,
}

/// What a [`RefreshJob`] found, for [`Session::apply_refresh`].
pub struct Refreshed {
    generation: u64,
    pairs: Vec<review::Pair>,
}

impl RefreshJob {
    pub fn run(self) -> Refreshed {
        Refreshed { generation: self.generation, pairs: review::duplicates::near_duplicates(&self.subs, &self.rule) }
    }
}

impl Session {
    pub fn new(opts: SessionOptions) -> Result<Session> {
        let content = opts
            .content
            .canonicalize()
            .with_context(|| format!("content folder {} does not exist", opts.content.display()))?;
        write::check_output(&opts.output, &content)?;
        Ok(Session {
            opts,
            content,
            config_path: None,
            theme: None,
            site: None,
            markdown: HashMap::new(),
            written: HashMap::new(),
            stale: false,
            rerender: false,
            failed: false,
            generation: 0,
        })
    }

    pub fn output(&self) -> &Path {
        &self.opts.output
    }

    /// Folders and files to watch, each with whether to watch recursively.
    /// Files are given as their folder: editors replace files by renaming.
    pub fn watch_paths(&self) -> Vec<(PathBuf, bool)> {
        let mut out = vec![(self.content.clone(), true)];
        if let Some(dir) = self.config_path.as_ref().and_then(|p| p.parent()).filter(|d| !d.starts_with(&self.content))
        {
            out.push((dir.to_path_buf(), false));
        }
        if let Some(theme) = &self.theme {
            out.push((theme.clone(), true));
        }
        out
    }

    /// Error diagnostics of the loaded cohort.
    pub fn errors(&self) -> Vec<Diagnostic> {
        let Some(site) = &self.site else { return Vec::new() };
        site.subs.iter().flat_map(|s| s.diagnostics.iter().filter(|d| d.severity == Severity::Error).cloned()).collect()
    }

    /// Warning diagnostics of the loaded cohort.
    pub fn warnings(&self) -> usize {
        let Some(site) = &self.site else { return 0 };
        site.subs.iter().flat_map(|s| &s.diagnostics).filter(|d| d.severity == Severity::Warning).count()
    }

    /// Whether [`Session::refresh`] has work to do.
    pub fn is_stale(&self) -> bool {
        self.stale
    }

    /// Load and render everything, and write what changed.
    pub fn full_build(&mut self) -> Result<Outcome> {
        let start = Instant::now();
        self.failed = true;
        let site = self.load_site()?;
        self.site = Some(site);
        self.stale = false;
        self.generation += 1;
        let done = self.render_everything(Kind::Full, start)?;
        self.failed = false;
        Ok(done)
    }

    /// Apply changes to these paths (absolute, as a watcher reports them).
    pub fn rebuild(&mut self, changed: &[PathBuf]) -> Result<Outcome> {
        let start = Instant::now();
        // Until a broken config or theme is fixed, every change retries it,
        // so its error stays reported.
        if self.site.is_none() || self.failed || changed.iter().any(|p| self.is_config(p)) {
            return self.full_build();
        }
        if let Some(theme) = &self.theme
            && changed.iter().any(|p| p.starts_with(theme))
        {
            let tera = render::load_templates(Some(theme)).inspect_err(|_| self.failed = true)?;
            if let Some(site) = self.site.as_mut() {
                site.tera = tera;
            }
            return self.render_everything(Kind::Rerender, start);
        }
        if !std::fs::symlink_metadata(self.opts.output.join(write::MARKER)).is_ok_and(|m| m.is_file()) {
            // The output folder went away under us: write it whole again.
            self.written.clear();
            self.rerender = true;
        }
        if self.rerender {
            return self.render_everything(Kind::Rerender, start);
        }
        self.incremental(changed, start)
    }

    /// The cohort-wide pass: near duplicates, `atlas.json`, the search index.
    pub fn refresh(&mut self) -> Result<Outcome> {
        match self.refresh_job() {
            Some(job) => self.apply_refresh(job.run()),
            None => Ok(nothing(self.site.as_ref().map_or(0, |s| s.subs.len()), Instant::now())),
        }
    }

    /// The slow part of [`Session::refresh`], to run on another thread while
    /// this one goes on serving edits: `None` when there is nothing to do.
    pub fn refresh_job(&self) -> Option<RefreshJob> {
        let site = self.site.as_ref().filter(|_| self.stale)?;
        Some(RefreshJob { generation: self.generation, subs: site.subs.clone(), rule: site.rubric.near_duplicates })
    }

    /// The rest of [`Session::refresh`], with the job's pairs; nothing when
    /// the submissions changed since the job started (a later job redoes it).
    pub fn apply_refresh(&mut self, done: Refreshed) -> Result<Outcome> {
        let start = Instant::now();
        let Some(site) = self.site.as_mut() else { return Ok(nothing(0, start)) };
        if !self.stale || done.generation != self.generation {
            return Ok(nothing(site.subs.len(), start));
        }
        let pairs = done.pairs;
        let before: Vec<Vec<String>> = site.review.reviews.iter().map(|r| r.near_duplicates.clone()).collect();
        site.review.near_duplicates = pairs;
        fill_near(&site.subs, &mut site.review);
        let redo: Vec<usize> =
            (0..site.subs.len()).filter(|&i| site.review.reviews[i].near_duplicates != before[i]).collect();
        let key = review_key(site);
        let review_changed = std::mem::replace(&mut site.review_key, key) != key;
        let r = Pages::new(site);
        let mut pages = r.submissions(&redo, &mut self.markdown)?;
        if review_changed {
            pages.push(r.review_page()?);
        }
        pages.extend(data_pages(site)?);
        let rendered = pages.len();
        self.stale = false;
        let changed = self.write(&pages, &[])?;
        Ok(self.outcome(Kind::Refresh, rendered, changed, Vec::new(), start))
    }

    fn is_config(&self, p: &Path) -> bool {
        match &self.opts.config {
            Some(c) => absolute(c).is_some_and(|c| c == p) || self.config_path.as_ref().is_some_and(|c| c == p),
            None => {
                p.parent() == Some(self.content.as_path())
                    && p.file_name().is_some_and(|n| n == "config.yaml" || n == "config.yml")
            }
        }
    }

    fn load_site(&mut self) -> Result<Site> {
        let (mut config, config_path) = Config::load(self.opts.config.as_deref(), &self.content)?;
        self.config_path = config_path.as_deref().and_then(absolute);
        if let Some(url) = &self.opts.base_url {
            config.base_url = url.clone();
        }
        let config_name = config_path.as_deref().unwrap_or(Path::new("config")).display().to_string();
        let taxonomy = Taxonomy::with_config(&config.taxonomy).map_err(|e| anyhow!("{config_name}: taxonomy: {e}"))?;
        let theme = theme_dir(&config, config_path.as_deref(), &self.opts.content)?;
        self.theme = theme.as_deref().and_then(absolute);
        let tera = render::load_templates(theme.as_deref())?;
        let rubric = Rubric::with_config(config.rubric.as_ref()).map_err(|e| anyhow!("{config_name}: {e}"))?;
        let units = discover::discover(&self.content)?;
        let subs: Vec<Submission> = units.par_iter().map(|u| load::load_unit(u, &self.content, &taxonomy)).collect();
        let reviews: Vec<Review> = subs.par_iter().map(|s| review::review_submission(s, &rubric)).collect();
        let near_duplicates = review::duplicates::near_duplicates(&subs, &rubric.near_duplicates);
        let mut review = CohortReview { reviews, near_duplicates };
        fill_near(&subs, &mut review);
        let cohort = aggregate::aggregate(&subs, &taxonomy);
        Ok(Site {
            config,
            tera,
            taxonomy,
            rubric,
            units,
            subs,
            review,
            cohort,
            entities: HashMap::new(),
            lists_key: 0,
            lists_ctx: None,
            review_key: 0,
            statics: Vec::new(),
        })
    }

    /// Render every page from the loaded data and write those that changed.
    fn render_everything(&mut self, kind: Kind, start: Instant) -> Result<Outcome> {
        self.rerender = true;
        let site = self.site.as_mut().context("no site loaded")?;
        site.statics = static_pages(site)?;
        site.entities = entity_hashes(&site.cohort);
        site.lists_key = lists_key(site);
        site.review_key = review_key(site);
        let r = Pages::new(site);
        let mut used = HashMap::new();
        let all: Vec<usize> = (0..site.subs.len()).collect();
        let (mut pages, lists_ctx) = r.lists(None, None)?;
        pages.push(r.review_page()?);
        // Rendered Markdown not used by this render is dropped.
        std::mem::swap(&mut used, &mut self.markdown);
        let subs = r.submissions_with(&all, &used, &mut self.markdown)?;
        pages.extend(subs);
        pages.extend(r.entities(|_| true)?);
        site.lists_ctx = Some(lists_ctx);
        pages.extend(site.statics.iter().map(copy));
        pages.extend(data_pages(site)?);
        pages.push(Page { path: ".nojekyll".into(), bytes: Vec::new() });
        let robots = if site.config.indexable { "User-agent: *\nAllow: /\n" } else { "User-agent: *\nDisallow: /\n" };
        pages.push(Page { path: "robots.txt".into(), bytes: robots.as_bytes().to_vec() });
        let sitemap = sitemap(&site.config.base_url, pages.iter().map(|p| p.path.as_str()));
        pages.push(Page { path: "sitemap.xml".into(), bytes: sitemap.into_bytes() });
        let diagnostics = site.subs.iter().flat_map(|s| s.diagnostics.iter().cloned()).collect();
        let rendered = pages.len();
        let keep: HashSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
        let removed: Vec<String> = self.written.keys().filter(|p| !keep.contains(p.as_str())).cloned().collect();
        let changed = self.write(&pages, &removed)?;
        self.rerender = false;
        Ok(self.outcome(kind, rendered, changed, diagnostics, start))
    }

    fn incremental(&mut self, changed: &[PathBuf], start: Instant) -> Result<Outcome> {
        let mut laps = Laps::new();
        let content = self.content.clone();
        let site = self.site.as_mut().context("no site loaded")?;
        // Units named by the changed paths, and whether the list of units may differ.
        let known: HashMap<&str, &Unit> = site.units.iter().map(|u| (u.source.as_str(), u)).collect();
        let mut touched: BTreeSet<String> = BTreeSet::new();
        let mut rediscover = false;
        for p in changed {
            let Ok(rel) = p.strip_prefix(&content) else { continue };
            let Some(top) = rel.components().next().map(|c| c.as_os_str().to_string_lossy().into_owned()) else {
                continue;
            };
            if top.starts_with('.') || rel.components().any(|c| c.as_os_str().to_string_lossy().starts_with('.')) {
                continue;
            }
            let listed = known.get(top.as_str()).is_some_and(|u| u.files.iter().any(|f| f == rel));
            let is_md = is_markdown(p);
            if listed && p.is_file() {
                touched.insert(top);
            } else if is_md || !p.is_file() {
                // Added, removed or renamed: a Markdown file or a folder.
                rediscover = true;
                touched.insert(top);
            }
        }
        if touched.is_empty() {
            return Ok(nothing(site.subs.len(), start));
        }
        let units = if rediscover { discover::discover(&content)? } else { site.units.clone() };
        let old: HashMap<&str, usize> = site.units.iter().enumerate().map(|(i, u)| (u.source.as_str(), i)).collect();
        // For each new unit, the index of the old submission it reuses.
        let reuse: Vec<Option<usize>> = units
            .iter()
            .map(|u| {
                let i = *old.get(u.source.as_str())?;
                let o = &site.units[i];
                (!touched.contains(&u.source) && o.id == u.id && o.files == u.files && o.notes == u.notes).then_some(i)
            })
            .collect();
        let fresh: Vec<(usize, Submission, Review)> = units
            .par_iter()
            .enumerate()
            .filter(|(i, _)| reuse[*i].is_none())
            .map(|(i, u)| {
                let s = load::load_unit(u, &content, &site.taxonomy);
                let r = review::review_submission(&s, &site.rubric);
                (i, s, r)
            })
            .collect();
        if !rediscover && fresh.is_empty() {
            return Ok(nothing(site.subs.len(), start));
        }
        laps.lap("load");
        // Rendered Markdown of the replaced versions is not needed again.
        for (i, _, _) in &fresh {
            if let Some(&o) = old.get(units[*i].source.as_str()) {
                for (_, text) in &site.subs[o].sources {
                    self.markdown.remove(&hash_str(text));
                }
            }
        }
        let mut old_subs: Vec<Option<Submission>> = std::mem::take(&mut site.subs).into_iter().map(Some).collect();
        let mut old_reviews: Vec<Option<Review>> =
            std::mem::take(&mut site.review.reviews).into_iter().map(Some).collect();
        let old_ids: Vec<String> = old_subs.iter().flatten().map(|s| s.id.clone()).collect();
        let mut fresh = fresh.into_iter().peekable();
        let mut redo = Vec::new();
        for (i, r) in reuse.iter().enumerate() {
            match r {
                Some(o) => {
                    site.subs.push(old_subs[*o].take().context("unit reused twice")?);
                    site.review.reviews.push(old_reviews[*o].take().context("unit reused twice")?);
                }
                None => {
                    let (j, s, r) = fresh.next().context("fresh unit missing")?;
                    debug_assert_eq!(i, j);
                    site.subs.push(s);
                    site.review.reviews.push(r);
                    redo.push(i);
                }
            }
        }
        site.units = units;
        let diagnostics: Vec<Diagnostic> =
            redo.iter().flat_map(|&i| site.subs[i].diagnostics.iter().cloned()).collect();
        // Pairs of removed submissions go now; the rest wait for `refresh`.
        let sources: HashSet<&str> = site.subs.iter().map(|s| s.source.as_str()).collect();
        site.review.near_duplicates.retain(|p| sources.contains(p.a.as_str()) && sources.contains(p.b.as_str()));
        fill_near(&site.subs, &mut site.review);
        self.stale = true;
        self.generation += 1;
        // The cohort does not depend on the pages of the submissions re-read:
        // aggregate while those render.
        let r = Pages::new(site);
        let (cohort, subs) = rayon::join(
            || {
                let cohort = aggregate::aggregate(&site.subs, &site.taxonomy);
                let entities = entity_hashes(&cohort);
                (cohort, entities)
            },
            || r.submissions_cached(&redo, &self.markdown),
        );
        let (mut pages, new_md) = subs?;
        self.markdown.extend(new_md);
        let (cohort, entities) = cohort;
        site.cohort = cohort;
        laps.lap("aggregate");
        let new_ids: HashSet<&str> = site.subs.iter().map(|s| s.id.as_str()).collect();
        let mut removed: Vec<String> = old_ids
            .iter()
            .filter(|id| !new_ids.contains(id.as_str()))
            .map(|id| format!("submissions/{id}/index.html"))
            .collect();
        removed.extend(site.entities.keys().filter(|p| !entities.contains_key(*p)).cloned());
        let previous = std::mem::replace(&mut site.entities, entities);
        // List and review pages show every submission: rendered only when
        // what they show changed.
        let (lists_key, review_key) = rayon::join(|| lists_key(site), || review_key(site));
        let lists_changed = std::mem::replace(&mut site.lists_key, lists_key) != lists_key;
        let review_changed = std::mem::replace(&mut site.review_key, review_key) != review_key;
        laps.lap("compare");
        let old_ctx = site.lists_ctx.take();
        let r = Pages::new(site);
        let same = |path: &str| previous.contains_key(path) && previous.get(path) == r.site.entities.get(path);
        let delta = ListDelta { same_entity: &same, rows: if rediscover { None } else { Some(&redo) } };
        let ((lists, lists_ctx), entity_pages) = rayon::join(
            || -> (Result<Vec<Page>>, Option<Value>) {
                let (mut pages, ctx) = if lists_changed {
                    match r.lists(old_ctx, Some(&delta)) {
                        Ok((p, ctx)) => (p, Some(ctx)),
                        Err(e) => return (Err(e), None),
                    }
                } else {
                    (Vec::new(), old_ctx)
                };
                if review_changed {
                    match r.review_page() {
                        Ok(p) => pages.push(p),
                        Err(e) => return (Err(e), ctx),
                    }
                }
                (Ok(pages), ctx)
            },
            || r.entities(|path| !same(path)),
        );
        site.lists_ctx = lists_ctx;
        pages.extend(lists?);
        pages.extend(entity_pages?);
        laps.lap("render");
        pages.push(Page {
            path: "review.csv".into(),
            bytes: review::csv::to_csv(&site.subs, &site.review).into_bytes(),
        });
        // The sitemap lists every page: rewritten only when that set changes.
        let mut html: BTreeSet<&str> = self.written.keys().map(String::as_str).collect();
        let before = html.len();
        html.extend(pages.iter().map(|p| p.path.as_str()));
        let added = html.len() > before;
        if added || !removed.is_empty() {
            for r in &removed {
                html.remove(r.as_str());
            }
            let map = sitemap(&site.config.base_url, html.into_iter());
            pages.push(Page { path: "sitemap.xml".into(), bytes: map.into_bytes() });
        }
        let rendered = pages.len();
        laps.lap("data");
        let changed = self.write(&pages, &removed)?;
        laps.lap("write");
        let mut o = self.outcome(Kind::Incremental, rendered, changed, diagnostics, start);
        o.stages = laps.laps;
        Ok(o)
    }

    fn outcome(
        &self,
        kind: Kind,
        rendered: usize,
        changed: Vec<String>,
        diags: Vec<Diagnostic>,
        start: Instant,
    ) -> Outcome {
        Outcome {
            kind,
            submissions: self.site.as_ref().map_or(0, |s| s.subs.len()),
            pages: self.written.keys().filter(|p| p.ends_with(".html")).count(),
            rendered,
            changed,
            diagnostics: diags,
            seconds: start.elapsed().as_secs_f64(),
            stages: Vec::new(),
        }
    }

    /// Write pages whose bytes differ from what is on disk and remove
    /// `removed`; returns the paths changed. The first write goes through the
    /// build's atomic swap, which also clears what a previous run left.
    fn write(&mut self, pages: &[Page], removed: &[String]) -> Result<Vec<String>> {
        let out = &self.opts.output;
        if self.written.is_empty() {
            write::check_output(out, &self.content)?;
            write::write_site(out, pages.iter().map(copy).collect())?;
            self.written = pages.par_iter().map(|p| (p.path.clone(), hash_bytes(&p.bytes))).collect();
            let mut all: Vec<String> = self.written.keys().cloned().collect();
            all.sort();
            return Ok(all);
        }
        let todo: Vec<(&Page, u64)> = pages
            .par_iter()
            .map(|p| (p, hash_bytes(&p.bytes)))
            .filter(|(p, h)| self.written.get(&p.path) != Some(h))
            .collect();
        todo.par_iter().try_for_each(|(p, _)| write_file(out, p))?;
        let mut changed: Vec<String> = Vec::with_capacity(todo.len() + removed.len());
        for (p, h) in todo {
            self.written.insert(p.path.clone(), h);
            changed.push(p.path.clone());
        }
        for path in removed {
            if self.written.remove(path).is_some() {
                let file = out.join(path);
                std::fs::remove_file(&file).with_context(|| format!("removing {}", file.display()))?;
                // Its folder too, when that was all it held.
                if let Some(dir) = file.parent() {
                    let _ = std::fs::remove_dir(dir);
                }
                changed.push(path.clone());
            }
        }
        changed.sort();
        changed.dedup();
        Ok(changed)
    }
}

fn nothing(submissions: usize, start: Instant) -> Outcome {
    Outcome {
        kind: Kind::Nothing,
        submissions,
        pages: 0,
        rendered: 0,
        changed: Vec::new(),
        diagnostics: Vec::new(),
        seconds: start.elapsed().as_secs_f64(),
        stages: Vec::new(),
    }
}

fn copy(p: &Page) -> Page {
    Page { path: p.path.clone(), bytes: p.bytes.clone() }
}

/// One page, through a temporary file: the server may be reading it.
fn write_file(out: &Path, page: &Page) -> Result<()> {
    use std::path::Component;
    let rel = Path::new(&page.path);
    if page.path.is_empty() || !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        bail!("internal error: page path {:?} is not a plain relative path", page.path);
    }
    let path = out.join(rel);
    let dir = path.parent().context("page has no folder")?;
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    let name = path.file_name().unwrap_or_default().to_string_lossy();
    let tmp = dir.join(format!(".{name}.tmp"));
    std::fs::write(&tmp, &page.bytes).with_context(|| format!("writing {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("writing {}", path.display()))
}

/// 404.html and the static files: the pages of an empty site that depend on
/// neither submissions nor cohort.
fn static_pages(site: &Site) -> Result<Vec<Page>> {
    let empty = Cohort { roles: vec![], skills: vec![], components: vec![], products: vec![], unknown: vec![] };
    let review = CohortReview::default();
    let mut pages = vec![render::Site::new(&[], &empty, &site.config, &site.tera, &review).not_found()?];
    pages.extend(render::static_files());
    Ok(pages)
}

/// atlas.json and the search index: whole-cohort data.
fn data_pages(site: &Site) -> Result<Vec<Page>> {
    Ok(vec![
        Page {
            path: "atlas.json".into(),
            bytes: atlas::to_json(&site.config, &site.subs, &site.cohort, &site.review)?,
        },
        Page { path: "review.csv".into(), bytes: review::csv::to_csv(&site.subs, &site.review).into_bytes() },
        render::search::index_page(&site.subs, &site.cohort),
    ])
}

/// Each submission's `near_duplicates`, from the pairs.
fn fill_near(subs: &[Submission], review: &mut CohortReview) {
    let index: HashMap<&str, usize> = subs.iter().enumerate().map(|(i, s)| (s.source.as_str(), i)).collect();
    for r in review.reviews.iter_mut() {
        r.near_duplicates.clear();
    }
    for p in &review.near_duplicates {
        for (me, other) in [(&p.a, &p.b), (&p.b, &p.a)] {
            if let Some(&i) = index.get(me.as_str()) {
                review.reviews[i].near_duplicates.push(other.clone());
            }
        }
    }
}

/// A hash of the list pages' data: the cohort (through its entities'
/// hashes and the unknown names) and one row per submission.
fn lists_key(site: &Site) -> u64 {
    let mut entities: Vec<(&String, &u64)> = site.entities.iter().collect();
    entities.sort_unstable();
    let rows: Vec<Row<'_>> = site.subs.iter().map(row).collect();
    hash_json(&(entities, &site.cohort.unknown, rows))
}

fn review_key(site: &Site) -> u64 {
    hash_json(&review::page::view(&site.subs, &site.review))
}

/// Page path -> hash of the data its entity page shows.
fn entity_hashes(c: &Cohort) -> HashMap<String, u64> {
    fn add<T: Serialize + Sync>(
        out: &mut Vec<(String, u64)>,
        kind: &str,
        list: &[T],
        slug: impl Fn(&T) -> &str + Sync,
    ) {
        out.par_extend(list.par_iter().map(|x| (format!("{kind}/{}/index.html", slug(x)), hash_json(x))));
    }
    let mut out = Vec::new();
    add(&mut out, "roles", &c.roles, |x| &x.slug);
    add(&mut out, "skills", &c.skills, |x| &x.slug);
    add(&mut out, "components", &c.components, |x| &x.slug);
    add(&mut out, "products", &c.products, |x| &x.slug);
    out.into_iter().collect()
}

/// A 64-bit hash; `DefaultHasher::new()` uses fixed keys, so it is stable
/// within a run, which is all the session needs.
struct HashWriter(std::hash::DefaultHasher);

impl std::io::Write for HashWriter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.write(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

fn hash_json<T: Serialize>(x: &T) -> u64 {
    let mut w = HashWriter(std::hash::DefaultHasher::new());
    // Serialising plain data into a hasher cannot fail.
    let _ = serde_json::to_writer(&mut w, x);
    w.0.finish()
}

fn hash_bytes(b: &[u8]) -> u64 {
    let mut h = std::hash::DefaultHasher::new();
    h.write(b);
    h.write_usize(b.len());
    h.finish()
}

fn hash_str(s: &str) -> u64 {
    hash_bytes(s.as_bytes())
}

fn is_markdown(p: &Path) -> bool {
    p.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("md") || e.eq_ignore_ascii_case("markdown"))
}

/// Canonical form of an existing path, else of its folder plus its name.
fn absolute(p: &Path) -> Option<PathBuf> {
    if let Ok(c) = p.canonicalize() {
        return Some(c);
    }
    let name = p.file_name()?;
    let dir = match p.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.canonicalize().ok()?,
        _ => std::env::current_dir().ok()?,
    };
    Some(dir.join(name))
}

/// Every HTML page but the 404, under the base URL, in path order. Mirrors
/// the build's `sitemap`.
fn sitemap<'a>(base_url: &str, pages: impl Iterator<Item = &'a str>) -> String {
    let base = base_url.trim_end_matches('/');
    let mut paths: Vec<&str> = pages.filter(|p| p.ends_with(".html") && *p != "404.html").collect();
    paths.sort_unstable();
    paths.dedup();
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for p in paths {
        let p = p.strip_suffix("index.html").unwrap_or(p);
        let url = format!("{base}/{p}").replace('&', "&amp;").replace('<', "&lt;");
        out.push_str(&format!("  <url><loc>{url}</loc></url>\n"));
    }
    out.push_str("</urlset>\n");
    out
}

/// The theme folder named by the config. Mirrors the build's `theme_dir`.
pub fn theme_dir(config: &Config, config_path: Option<&Path>, content: &Path) -> Result<Option<PathBuf>> {
    let Some(name) = &config.theme else { return Ok(None) };
    if name == "default" {
        return Ok(None);
    }
    let mut bases: Vec<PathBuf> = Vec::new();
    if let Some(dir) = config_path.and_then(Path::parent) {
        bases.push(dir.to_path_buf());
    }
    bases.extend(content.parent().map(Path::to_path_buf));
    bases.push(PathBuf::from("."));
    bases
        .iter()
        .flat_map(|b| [b.join(name), b.join("themes").join(name)])
        .find(|p| p.join("templates").is_dir())
        .map(Some)
        .ok_or_else(|| {
            anyhow!(
                "theme \"{name}\" not found: expected a folder themes/{name}/templates next to the config or content"
            )
        })
}
