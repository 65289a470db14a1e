//! Incremental rebuilds for `skills-atlas serve`.
//!
//! A [`Session`] keeps the loaded cohort in memory between rebuilds: units and
//! submissions (re-read only when their files change), per-submission
//! reviews, near-duplicate pairs, the aggregated cohort, the rendered HTML of
//! every Markdown file by content hash, a key per page (a hash of everything
//! it is rendered from, see `keys`) and a hash per file written, so only
//! pages whose bytes changed touch the disk.
//!
//! Pages are rendered one at a time through [`render::Site`], so they are
//! what `skills-atlas build` writes (tests compare them byte for byte). After
//! a change every page key is computed again and the pages whose key differs
//! are rendered: there is no list of which change touches which page, so the
//! charts' cohort-wide inputs (a submission's gap chart counts the postings
//! of everyone with the same role; a product's heatmap all its submissions)
//! are covered like anything else.
//!
//! A content change is applied in two steps. [`Session::rebuild`] updates the
//! HTML pages at once (with the near-duplicate pairs of the last pass);
//! [`Session::refresh`] then runs the cohort-wide passes that cost more than
//! an edit should wait for (near duplicates, `atlas.json`, the search index)
//! and rewrites what they change. A config change reloads everything; a
//! theme change re-renders everything from the loaded data.

mod keys;
mod markdown;
mod written;

use keys::{Keys, Partial, hash_bytes, loaded_hash, submission_path};
use markdown::{Html, Rendered, submission_pages};

use crate::aggregate::{self, Cohort};
use crate::config::Config;
use crate::diagnostics::{Finding, Severity};
use crate::discover::{self, Unit};
use crate::inputs::Inputs;
use crate::model::Submission;
use crate::normalize::Taxonomy;
use crate::render::{self, Page};
use crate::review::{self, CohortReview, Review, Rubric};
use crate::{Clock, atlas, load, write};
use anyhow::{Context, Result};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::time::Instant;
use tera::Tera;

/// A session builds what [`crate::build`] builds, from the same options.
pub type SessionOptions = crate::BuildOptions;

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
    pub diagnostics: Vec<Finding>,
    pub seconds: f64,
    /// Wall time per step, for `--verbose` and the benchmark.
    pub stages: Vec<(&'static str, f64)>,
}

/// The loaded site.
struct State {
    config: Config,
    tera: Tera,
    taxonomy: Taxonomy,
    rubric: Rubric,
    units: Vec<Unit>,
    subs: Vec<Submission>,
    /// [`loaded_hash`] of each of `subs` and its review.
    hashes: Vec<u64>,
    /// Reviews aligned with `subs`, their `near_duplicates` filled from the pairs.
    review: CohortReview,
    cohort: Cohort,
    /// The keys of the pages as last rendered.
    keys: Keys,
}

pub struct Session {
    opts: SessionOptions,
    content: PathBuf,
    config_path: Option<PathBuf>,
    theme: Option<PathBuf>,
    state: Option<State>,
    /// Rendered Markdown by hash of its text.
    markdown: HashMap<u64, Html>,
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
            state: None,
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

    /// Error findings of the loaded cohort, as its reviews list them.
    pub fn errors(&self) -> Vec<Finding> {
        let Some(st) = &self.state else { return Vec::new() };
        let all = st.review.reviews.iter().flat_map(|r| &r.findings);
        all.filter(|d| d.severity == Severity::Error).cloned().collect()
    }

    /// Warning findings of the loaded cohort.
    pub fn warnings(&self) -> usize {
        let Some(st) = &self.state else { return 0 };
        st.review.reviews.iter().flat_map(|r| &r.findings).filter(|d| d.severity == Severity::Warning).count()
    }

    /// Whether [`Session::refresh`] has work to do.
    pub fn is_stale(&self) -> bool {
        self.stale
    }

    /// Load and render everything, and write what changed.
    pub fn full_build(&mut self) -> Result<Outcome> {
        let start = Instant::now();
        self.failed = true;
        let st = self.load()?;
        self.state = Some(st);
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
        if self.state.is_none() || self.failed || changed.iter().any(|p| self.is_config(p)) {
            return self.full_build();
        }
        if let Some(theme) = &self.theme
            && changed.iter().any(|p| p.starts_with(theme))
        {
            let tera = render::load_templates(Some(theme)).inspect_err(|_| self.failed = true)?;
            if let Some(st) = self.state.as_mut() {
                st.tera = tera;
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
            None => Ok(nothing(self.state.as_ref().map_or(0, |s| s.subs.len()), Instant::now())),
        }
    }

    /// The slow part of [`Session::refresh`], to run on another thread while
    /// this one goes on serving edits: `None` when there is nothing to do.
    pub fn refresh_job(&self) -> Option<RefreshJob> {
        let st = self.state.as_ref().filter(|_| self.stale)?;
        Some(RefreshJob { generation: self.generation, subs: st.subs.clone(), rule: st.rubric.near_duplicates })
    }

    /// The rest of [`Session::refresh`], with the job's pairs; nothing when
    /// the submissions changed since the job started (a later job redoes it).
    pub fn apply_refresh(&mut self, done: Refreshed) -> Result<Outcome> {
        let start = Instant::now();
        let Some(st) = self.state.as_mut() else { return Ok(nothing(0, start)) };
        if !self.stale || done.generation != self.generation {
            return Ok(nothing(st.subs.len(), start));
        }
        st.review.near_duplicates = done.pairs;
        fill_near(&st.subs, &mut st.review);
        let keys = Partial::new(st);
        let data = data_pages(st)?;
        self.stale = false;
        self.render_changed(Kind::Refresh, keys, data, Vec::new(), start, Clock::new())
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

    fn load(&mut self) -> Result<State> {
        let inputs = Inputs::load(self.opts.config.as_deref(), Some(&self.content), self.opts.base_url.as_deref())?;
        self.config_path = inputs.config_path.as_deref().and_then(absolute);
        let theme = inputs.theme(&self.opts.content)?;
        self.theme = theme.as_deref().and_then(absolute);
        let tera = render::load_templates(theme.as_deref())?;
        let Inputs { config, taxonomy, rubric, .. } = inputs;
        let units = discover::discover(&self.content)?;
        let loaded: Vec<(Submission, Review, u64)> =
            units.par_iter().map(|u| load_one(u, &self.content, &taxonomy, &rubric)).collect();
        let mut subs = Vec::with_capacity(loaded.len());
        let mut reviews = Vec::with_capacity(loaded.len());
        let mut hashes = Vec::with_capacity(loaded.len());
        for (s, r, h) in loaded {
            subs.push(s);
            reviews.push(r);
            hashes.push(h);
        }
        let near_duplicates = review::duplicates::near_duplicates(&subs, &rubric.near_duplicates);
        let mut review = CohortReview { reviews, near_duplicates };
        fill_near(&subs, &mut review);
        let cohort = aggregate::aggregate(&subs, &taxonomy);
        Ok(State { config, tera, taxonomy, rubric, units, subs, hashes, review, cohort, keys: Keys::default() })
    }

    /// Render every page from the loaded data and write those that changed.
    fn render_everything(&mut self, kind: Kind, start: Instant) -> Result<Outcome> {
        self.rerender = true;
        let st = self.state.as_ref().context("no site loaded")?;
        let (keys, site) =
            rayon::join(|| Keys::new(st), || render::Site::new(&st.subs, &st.cohort, &st.config, &st.tera, &st.review));
        let mut pages = site.list_pages()?;
        pages.push(site.not_found()?);
        pages.push(site.review_page()?);
        let all: Vec<usize> = (0..st.subs.len()).collect();
        let (subs, used) = submission_pages(&site, &st.subs, &all, &self.markdown)?;
        // Rendered Markdown this render did not use is dropped.
        self.markdown = used.into_iter().collect();
        pages.extend(subs);
        pages.extend(site.entity_pages(|_| true)?);
        pages.extend(render::static_files(&render::theme_static(self.theme.as_deref())?));
        pages.extend(data_pages(st)?);
        let html: BTreeSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
        let sitemap = crate::sitemap(&st.config.base_url, html.into_iter());
        pages.push(Page { path: "sitemap.xml".into(), bytes: sitemap.into_bytes() });
        let diagnostics = st.review.reviews.iter().flat_map(|r| r.findings.iter().cloned()).collect();
        let rendered = pages.len();
        let keep: HashSet<&str> = pages.iter().map(|p| p.path.as_str()).collect();
        let removed: Vec<String> = self.written.keys().filter(|p| !keep.contains(p.as_str())).cloned().collect();
        let changed = self.write(pages, &removed)?;
        if let Some(st) = self.state.as_mut() {
            st.keys = keys;
        }
        self.rerender = false;
        Ok(self.outcome(kind, rendered, changed, diagnostics, start))
    }

    fn incremental(&mut self, changed: &[PathBuf], start: Instant) -> Result<Outcome> {
        let mut laps = Clock::new();
        let content = self.content.clone();
        let st = self.state.as_mut().context("no site loaded")?;
        // Units named by the changed paths, and whether the list of units may differ.
        let known: HashMap<&str, &Unit> = st.units.iter().map(|u| (u.source.as_str(), u)).collect();
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
            let is_md = discover::is_markdown(p);
            if (listed || (is_diagram(p) && known.contains_key(top.as_str()))) && p.is_file() {
                // A diagram a fork embeds is read with its Markdown; a new
                // one changes the fork's tree, which discovery lists.
                let in_tree = |u: &&Unit| {
                    let rel = rel.strip_prefix(&top).unwrap_or(rel).to_string_lossy().replace('\\', "/");
                    u.tree.contains(&rel)
                };
                rediscover |= !listed && !known.get(top.as_str()).is_some_and(in_tree);
                touched.insert(top);
            } else if is_md || !p.is_file() {
                // Added, removed or renamed: a Markdown file or a folder.
                rediscover = true;
                touched.insert(top);
            }
        }
        if touched.is_empty() {
            return Ok(nothing(st.subs.len(), start));
        }
        let units = if rediscover { discover::discover(&content)? } else { st.units.clone() };
        let old: HashMap<&str, usize> = st.units.iter().enumerate().map(|(i, u)| (u.source.as_str(), i)).collect();
        // For each new unit, the index of the old submission it reuses.
        let reuse: Vec<Option<usize>> = units
            .iter()
            .map(|u| {
                let i = *old.get(u.source.as_str())?;
                let o = &st.units[i];
                (!touched.contains(&u.source) && o.id == u.id && o.files == u.files && o.notes == u.notes).then_some(i)
            })
            .collect();
        let fresh: Vec<(usize, (Submission, Review, u64))> = units
            .par_iter()
            .enumerate()
            .filter(|(i, _)| reuse[*i].is_none())
            .map(|(i, u)| (i, load_one(u, &content, &st.taxonomy, &st.rubric)))
            .collect();
        if !rediscover && fresh.is_empty() {
            return Ok(nothing(st.subs.len(), start));
        }
        laps.lap("load");
        // Rendered Markdown of the replaced versions is not needed again.
        for (i, _) in &fresh {
            if let Some(&o) = old.get(units[*i].source.as_str()) {
                for (_, text) in &st.subs[o].sources {
                    self.markdown.remove(&hash_bytes(text.as_bytes()));
                }
            }
        }
        let mut old_subs: Vec<Option<(Submission, Review, u64)>> = std::mem::take(&mut st.subs)
            .into_iter()
            .zip(std::mem::take(&mut st.review.reviews))
            .zip(std::mem::take(&mut st.hashes))
            .map(|((s, r), h)| Some((s, r, h)))
            .collect();
        let mut fresh = fresh.into_iter();
        let mut redo = Vec::new();
        for (i, r) in reuse.iter().enumerate() {
            let (s, r, h) = match r {
                Some(o) => old_subs[*o].take().context("unit reused twice")?,
                None => {
                    let (j, one) = fresh.next().context("fresh unit missing")?;
                    debug_assert_eq!(i, j);
                    redo.push(i);
                    one
                }
            };
            st.subs.push(s);
            st.review.reviews.push(r);
            st.hashes.push(h);
        }
        st.units = units;
        let diagnostics: Vec<Finding> =
            redo.iter().flat_map(|&i| st.review.reviews[i].findings.iter().cloned()).collect();
        // Pairs of removed submissions go now; the rest wait for `refresh`.
        let sources: HashSet<&str> = st.subs.iter().map(|s| s.source.as_str()).collect();
        st.review.near_duplicates.retain(|p| sources.contains(p.a.as_str()) && sources.contains(p.b.as_str()));
        fill_near(&st.subs, &mut st.review);
        self.stale = true;
        self.generation += 1;
        // The review page's key does not read the cohort: made while it is
        // aggregated.
        let (cohort, (keys, csv)) = rayon::join(
            || aggregate::aggregate(&st.subs, &st.taxonomy),
            || (Partial::new(st), review::csv::to_csv(&st.subs, &st.review)),
        );
        // Freeing the old cohort takes milliseconds: not while the edit waits.
        let old = std::mem::replace(&mut st.cohort, cohort);
        rayon::spawn(move || drop(old));
        laps.lap("aggregate");
        let csv = Page { path: "review.csv".into(), bytes: csv.into_bytes() };
        self.render_changed(Kind::Incremental, keys, vec![csv], diagnostics, start, laps)
    }

    /// After the loaded data changed (`keys`: its keys that do not read the
    /// cohort): render the pages whose key changed, remove those gone, and
    /// write what changed, and `extra`.
    fn render_changed(
        &mut self,
        kind: Kind,
        keys: Partial,
        mut extra: Vec<Page>,
        diagnostics: Vec<Finding>,
        start: Instant,
        mut laps: Clock,
    ) -> Result<Outcome> {
        // Until the pages are written, they are behind the loaded data.
        self.rerender = true;
        let st = self.state.as_ref().context("no site loaded")?;
        let (keys, site) = rayon::join(
            || keys.finish(st),
            || render::Site::new(&st.subs, &st.cohort, &st.config, &st.tera, &st.review),
        );
        laps.lap("keys");
        let before = &st.keys;
        let differs = |p: &str| before.pages.get(p) != keys.pages.get(p);
        let mut removed: Vec<String> = before.pages.keys().filter(|p| !keys.pages.contains_key(*p)).cloned().collect();
        // With the data files come the published diagrams: those no longer embedded go.
        if extra.iter().any(|p| p.path == "atlas.json") {
            let now: HashSet<&str> = extra.iter().map(|p| p.path.as_str()).collect();
            removed
                .extend(self.written.keys().filter(|p| p.starts_with("files/") && !now.contains(p.as_str())).cloned());
            removed.sort();
        }
        let which: Vec<usize> = (0..st.subs.len()).filter(|&i| differs(&submission_path(&st.subs[i]))).collect();
        // The list pages render one after another: everything else goes beside them.
        let (lists, rest) = rayon::join(
            || if before.lists != keys.lists { site.list_pages() } else { Ok(Vec::new()) },
            || -> Result<(Vec<Page>, Rendered)> {
                let (mut pages, used) = submission_pages(&site, &st.subs, &which, &self.markdown)?;
                if before.review != keys.review {
                    pages.push(site.review_page()?);
                }
                pages.extend(site.entity_pages(differs)?);
                Ok((pages, used))
            },
        );
        let mut pages = lists?;
        let (rest, used) = rest?;
        pages.extend(rest);
        self.markdown.extend(used);
        laps.lap("render");
        pages.append(&mut extra);
        // The sitemap lists every page: rewritten only when that set changes.
        let mut html: BTreeSet<&str> = self.written.keys().map(String::as_str).collect();
        let count = html.len();
        html.extend(pages.iter().map(|p| p.path.as_str()));
        if html.len() > count || !removed.is_empty() {
            for r in &removed {
                html.remove(r.as_str());
            }
            let map = crate::sitemap(&st.config.base_url, html.into_iter());
            pages.push(Page { path: "sitemap.xml".into(), bytes: map.into_bytes() });
        }
        let rendered = pages.len();
        let changed = self.write(pages, &removed)?;
        laps.lap("write");
        if let Some(st) = self.state.as_mut() {
            st.keys = keys;
        }
        self.rerender = false;
        let mut o = self.outcome(kind, rendered, changed, diagnostics, start);
        o.stages = laps.laps;
        Ok(o)
    }

    fn outcome(
        &self,
        kind: Kind,
        rendered: usize,
        changed: Vec<String>,
        diags: Vec<Finding>,
        start: Instant,
    ) -> Outcome {
        Outcome {
            kind,
            submissions: self.state.as_ref().map_or(0, |s| s.subs.len()),
            pages: self.written.keys().filter(|p| p.ends_with(".html")).count(),
            rendered,
            changed,
            diagnostics: diags,
            seconds: start.elapsed().as_secs_f64(),
            stages: Vec::new(),
        }
    }
}

/// One unit read, reviewed and hashed.
fn load_one(u: &Unit, content: &Path, taxonomy: &Taxonomy, rubric: &Rubric) -> (Submission, Review, u64) {
    let s = load::load_unit(u, content, taxonomy, rubric.counted());
    let r = review::review_submission(&s, rubric);
    let h = loaded_hash(&s, &r);
    (s, r, h)
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

/// atlas.json and the rest of the whole-cohort files ([`crate::cohort_files`]).
fn data_pages(st: &State) -> Result<Vec<Page>> {
    let atlas =
        Page { path: "atlas.json".into(), bytes: atlas::to_json(&st.config, &st.subs, &st.cohort, &st.review)? };
    let mut pages = vec![atlas];
    pages.extend(crate::cohort_files(&st.config, &st.subs, &st.cohort, &st.review));
    Ok(pages)
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

/// An image or PlantUML file, such as a fork's Markdown may embed or link.
fn is_diagram(p: &Path) -> bool {
    let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    matches!(ext.as_str(), "svg" | "png" | "jpg" | "jpeg" | "gif" | "webp" | "puml" | "plantuml" | "pu")
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
