//! Render stage: cohort + submissions -> pages, through tera templates.
//!
//! The default theme is embedded in the binary; a theme folder overrides
//! templates by name. Student text only ever reaches templates as data
//! (autoescaped) or as HTML that went through the sanitiser.

pub(crate) mod charts;
mod escape;
mod events;
pub(crate) mod highlight;
mod links;
pub(crate) mod lists;
pub(crate) mod local;
pub mod markdown;
mod rawhtml;
pub(crate) mod review_page;
mod rows;
pub(crate) mod search;

use crate::aggregate::Cohort;
use crate::config::Config;
use crate::diagnostics::{Finding, Severity};
use crate::model::Submission;
use anyhow::{Context, Result, anyhow};
use rayon::prelude::*;
use serde::Serialize;
use std::path::Path;
use tera::Tera;

/// One output file, relative to the output dir.
pub(crate) struct Page {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The built-in templates, by file name (`init` copies them into a theme).
pub(crate) const TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../themes/default/templates/base.html")),
    ("macros.html", include_str!("../../themes/default/templates/macros.html")),
    ("index.html", include_str!("../../themes/default/templates/index.html")),
    ("submissions.html", include_str!("../../themes/default/templates/submissions.html")),
    ("submission.html", include_str!("../../themes/default/templates/submission.html")),
    ("roles.html", include_str!("../../themes/default/templates/roles.html")),
    ("role.html", include_str!("../../themes/default/templates/role.html")),
    ("skills.html", include_str!("../../themes/default/templates/skills.html")),
    ("skill.html", include_str!("../../themes/default/templates/skill.html")),
    ("components.html", include_str!("../../themes/default/templates/components.html")),
    ("component.html", include_str!("../../themes/default/templates/component.html")),
    ("products.html", include_str!("../../themes/default/templates/products.html")),
    ("product.html", include_str!("../../themes/default/templates/product.html")),
    ("unknown.html", include_str!("../../themes/default/templates/unknown.html")),
    ("404.html", include_str!("../../themes/default/templates/404.html")),
    ("review.html", include_str!("../../themes/default/templates/review.html")),
];

const STYLE_CSS: &str = include_str!("../../themes/default/static/style.css");
const REVIEW_JS: &str = include_str!("../../themes/default/static/review.js");
const SEARCH_JS: &str = include_str!("../../themes/default/static/search.js");
const SORT_JS: &str = include_str!("../../themes/default/static/sort.js");
const FAVICON_SVG: &str = include_str!("../../themes/default/static/favicon.svg");

/// Load the embedded templates, then any `templates/*.html` of `theme_dir`
/// over them by name (a theme may have static files only).
pub(crate) fn load_templates(theme_dir: Option<&Path>) -> Result<Tera> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    // Tera's default also escapes '/', which turns every relative link into
    // entities; these five are all HTML text and quoted attributes need.
    tera.set_escape_fn(escape::escape_html);
    tera.register_filter("slug", escape::SlugFilter);
    for filter in links::FILTERS {
        tera.register_filter(filter.0, filter);
    }
    let mut all: Vec<(String, String)> = TEMPLATES.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
    if let Some(dir) = theme_dir.filter(|d| d.join("templates").is_dir()) {
        let tdir = dir.join("templates");
        let entries =
            std::fs::read_dir(&tdir).with_context(|| format!("reading theme templates in {}", tdir.display()))?;
        let mut names: Vec<_> = entries.filter_map(|e| e.ok()).map(|e| e.path()).collect();
        names.sort();
        for path in names.into_iter().filter(|p| p.extension().is_some_and(|e| e == "html")) {
            let name = path.file_name().unwrap_or_default().to_string_lossy().into_owned();
            let text =
                std::fs::read_to_string(&path).with_context(|| format!("reading template {}", path.display()))?;
            all.retain(|(n, _)| *n != name);
            all.push((name, text));
        }
    }
    tera.add_raw_templates(all).map_err(|e| anyhow!("loading templates: {}", error_chain(&e)))?;
    Ok(tera)
}

#[derive(Serialize)]
struct SiteCtx<'a> {
    title: &'a str,
    base_url: &'a str,
    indexable: bool,
    /// Whether pages may load images from other hosts (the CSP's `img-src`).
    external_images: bool,
}

/// Everything a template may read. Views borrow; nothing is cloned per page.
#[derive(Serialize)]
struct Ctx<'a, T: Serialize> {
    site: &'a SiteCtx<'a>,
    /// Relative path from the page to the site root ("", "../", "../../").
    root: String,
    /// The page's path.
    path: &'a str,
    /// The page's absolute URL when `base_url` is one (not on the 404 page).
    canonical: Option<String>,
    /// Only on overview and list pages: serialising the cohort per entity
    /// page would make rendering quadratic in cohort size.
    cohort: Option<&'a lists::Summary<'a>>,
    /// Only on the submissions list.
    submissions: Option<&'a [SubmissionRow<'a>]>,
    /// Only on list pages: the cohort charts, drawn once per build.
    charts: Option<&'a charts::ListCharts>,
    page: T,
}

/// What lists and tables show of a submission.
#[derive(Serialize)]
pub(crate) struct SubmissionRow<'a> {
    id: &'a str,
    author: &'a str,
    source: &'a str,
    product: Option<&'a str>,
    chosen_role: Option<&'a str>,
    chosen_role_canonical: Option<&'a str>,
    postings: usize,
    components: usize,
    skills_have: usize,
    skills_lack: usize,
    reflection: bool,
    missing: usize,
    findings: usize,
}

#[derive(Serialize)]
struct FileView<'a, H: Serialize> {
    path: &'a str,
    html: &'a H,
}

/// A page buffer's first size, beyond the large strings it is known to show:
/// a submission page's own markup runs to about 12 KB.
const PAGE_CAPACITY: usize = 16 * 1024;

/// Pages per batch handed to the sink: enough to keep both cores busy,
/// few enough that a large cohort is never held in memory at once.
const BATCH: usize = 256;

/// The list pages: (path, template). Each reads the cohort summary.
pub(crate) const LIST_PAGES: &[(&str, &str)] = &[
    ("index.html", "index.html"),
    ("submissions/index.html", "submissions.html"),
    ("roles/index.html", "roles.html"),
    ("skills/index.html", "skills.html"),
    ("components/index.html", "components.html"),
    ("products/index.html", "products.html"),
    ("unknown/index.html", "unknown.html"),
];
pub(crate) const REVIEW_PAGE: &str = "review/index.html";

/// Render every page, handing them to `sink` in batches, in a fixed order
/// (so what the sink sees never depends on thread count). Returns the
/// findings of rendering: files shown as plain text.
pub(crate) fn render_site(
    subs: &[Submission],
    cohort: &Cohort,
    config: &Config,
    tera: &Tera,
    review: &crate::review::CohortReview,
    theme_static: &[Page],
    sink: &mut dyn FnMut(Vec<Page>) -> Result<()>,
) -> Result<Vec<Finding>> {
    let site = Site::new(subs, cohort, config, tera, review);
    // One list of every page, so each batch keeps both cores busy: the
    // cohort pages (the review page alone is a large job) render alongside
    // the first submissions, the entity pages of all kinds together.
    let jobs = site.jobs();
    let mut statics = None;
    for (n, chunk) in jobs.chunks(BATCH).enumerate() {
        let render = || chunk.par_iter().map(|&job| site.render(job)).collect::<Result<Vec<_>>>();
        let pages = if n == 0 {
            let (pages, files) = rayon::join(render, || static_files(theme_static));
            statics = Some(files);
            pages
        } else {
            render()
        };
        sink(pages?)?;
    }
    sink(statics.unwrap_or_else(|| static_files(theme_static)))?;
    Ok(site.notes())
}

/// One page of the site, in the order [`render_site`] hands pages over.
#[derive(Clone, Copy)]
enum Job {
    /// An index into [`LIST_PAGES`].
    List(usize),
    NotFound,
    Review,
    Submission(usize),
    Role(usize),
    Skill(usize),
    Component(usize),
    Product(usize),
}

/// The built-in stylesheets, scripts and icon, with the theme's static files
/// ([`theme_static`]) over them by name.
pub(crate) fn static_files(theme: &[Page]) -> Vec<Page> {
    let mut files = vec![
        Page { path: "static/style.css".into(), bytes: STYLE_CSS.as_bytes().to_vec() },
        Page { path: "static/review.js".into(), bytes: REVIEW_JS.as_bytes().to_vec() },
        Page { path: "static/search.js".into(), bytes: SEARCH_JS.as_bytes().to_vec() },
        Page { path: "static/sort.js".into(), bytes: SORT_JS.as_bytes().to_vec() },
        Page { path: "static/favicon.svg".into(), bytes: FAVICON_SVG.as_bytes().to_vec() },
        Page { path: "static/highlight.css".into(), bytes: highlight::stylesheet().into_bytes() },
    ];
    files.retain(|f| !theme.iter().any(|t| t.path == f.path));
    files.extend(theme.iter().map(|t| Page { path: t.path.clone(), bytes: t.bytes.clone() }));
    files
}

/// Every file under the theme's `static/` folder, as `static/...` pages in
/// path order; none without a theme or a `static/` folder. Read before the
/// build writes anything, so an unreadable file stops it early.
pub(crate) fn theme_static(theme_dir: Option<&Path>) -> Result<Vec<Page>> {
    let Some(dir) = theme_dir.map(|d| d.join("static")).filter(|d| d.is_dir()) else { return Ok(Vec::new()) };
    let mut files = Vec::new();
    // Hidden files and folders (.DS_Store, .style.css.swp, .git) are no part of a site.
    let visible = |e: &walkdir::DirEntry| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.');
    for entry in walkdir::WalkDir::new(&dir).follow_links(true).sort_by_file_name().into_iter().filter_entry(visible) {
        let entry = entry.with_context(|| format!("reading theme static files in {}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry.path().strip_prefix(&dir).unwrap_or(entry.path());
        let Some(rel) = rel.to_str() else {
            anyhow::bail!("{}: a static file's name must be UTF-8", entry.path().display());
        };
        let bytes = std::fs::read(entry.path()).with_context(|| format!("reading {}", entry.path().display()))?;
        files.push(Page { path: format!("static/{}", rel.replace(std::path::MAIN_SEPARATOR, "/")), bytes });
    }
    Ok(files)
}

/// Everything pages are rendered from, computed once per cohort, so any one
/// page can be rendered on its own (`serve` re-renders only what changed).
pub(crate) struct Site<'a> {
    tera: &'a Tera,
    ctx: SiteCtx<'a>,
    subs: &'a [Submission],
    cohort: &'a Cohort,
    review: &'a crate::review::CohortReview,
    summary: lists::Summary<'a>,
    rows: Vec<SubmissionRow<'a>>,
    charts: charts::ListCharts,
    /// Files shown as plain text, found while rendering.
    notes: std::sync::Mutex<Vec<Finding>>,
}

impl<'a> Site<'a> {
    pub(crate) fn new(
        subs: &'a [Submission],
        cohort: &'a Cohort,
        config: &'a Config,
        tera: &'a Tera,
        review: &'a crate::review::CohortReview,
    ) -> Site<'a> {
        Site {
            tera,
            ctx: SiteCtx {
                title: &config.title,
                base_url: &config.base_url,
                indexable: config.indexable,
                external_images: config.external_images,
            },
            subs,
            cohort,
            review,
            summary: lists::summary(cohort, subs, review),
            rows: subs.iter().zip(&review.reviews).map(|(s, r)| submission_row(s, r)).collect(),
            charts: charts::ListCharts::new(cohort),
            notes: Default::default(),
        }
    }

    /// What rendering found so far (files shown as plain text), sorted.
    pub(crate) fn notes(&self) -> Vec<Finding> {
        let mut notes = self.notes.lock().unwrap_or_else(|e| e.into_inner()).clone();
        notes.sort();
        notes
    }

    /// Every page of the site, in order.
    fn jobs(&self) -> Vec<Job> {
        let mut jobs: Vec<Job> = (0..LIST_PAGES.len()).map(Job::List).collect();
        jobs.extend([Job::NotFound, Job::Review]);
        jobs.extend((0..self.subs.len()).map(Job::Submission));
        jobs.extend(self.entity_jobs());
        jobs
    }

    /// Role, skill, component and product pages, in that order.
    fn entity_jobs(&self) -> impl Iterator<Item = Job> {
        let c = self.cohort;
        (0..c.roles.len())
            .map(Job::Role)
            .chain((0..c.skills.len()).map(Job::Skill))
            .chain((0..c.components.len()).map(Job::Component))
            .chain((0..c.products.len()).map(Job::Product))
    }

    /// The path of an entity page.
    fn entity_path(&self, job: Job) -> Option<String> {
        let c = self.cohort;
        Some(match job {
            Job::Role(i) => format!("roles/{}/index.html", c.roles[i].slug),
            Job::Skill(i) => format!("skills/{}/index.html", c.skills[i].slug),
            Job::Component(i) => format!("components/{}/index.html", c.components[i].slug),
            Job::Product(i) => format!("products/{}/index.html", c.products[i].slug),
            _ => return None,
        })
    }

    fn render(&self, job: Job) -> Result<Page> {
        let r = self.renderer();
        let c = self.cohort;
        let path = || self.entity_path(job).unwrap_or_default();
        match job {
            Job::List(i) => match LIST_PAGES[i] {
                (_, "submissions.html") => r.submissions(),
                (path, template) => r.list(path, template),
            },
            Job::NotFound => self.not_found(),
            Job::Review => self.review_page(),
            Job::Submission(i) => {
                let html = self.files_html(i);
                self.submission_page(i, &html)
            }
            Job::Role(i) => r.page(&path(), "role.html", &c.roles[i]),
            Job::Skill(i) => r.page(&path(), "skill.html", lists::skill_page(&c.skills[i], self.subs)),
            Job::Component(i) => r.page(&path(), "component.html", &c.components[i]),
            Job::Product(i) => r.page(&path(), "product.html", charts::product_page(&c.products[i])),
        }
    }

    fn renderer(&self) -> Renderer<'_> {
        Renderer { tera: self.tera, site: &self.ctx, summary: &self.summary, rows: &self.rows, charts: &self.charts }
    }

    /// The pages of [`LIST_PAGES`], in that order.
    pub(crate) fn list_pages(&self) -> Result<Vec<Page>> {
        (0..LIST_PAGES.len()).into_par_iter().map(|i| self.render(Job::List(i))).collect()
    }

    pub(crate) fn not_found(&self) -> Result<Page> {
        self.renderer().page("404.html", "404.html", ())
    }

    pub(crate) fn review_page(&self) -> Result<Page> {
        let view = review_page::view(self.subs, self.review);
        let page = charts::Charted { page: view, chart: charts::completeness(self.review) };
        self.renderer().page(REVIEW_PAGE, "review.html", page)
    }

    /// What rendering each file of submission `i` may cost (a cache of
    /// rendered files must key on it as well as on the text).
    pub(crate) fn limits(&self, i: usize) -> markdown::Limits {
        markdown::Limits::for_files(self.subs[i].sources.len(), self.ctx.external_images)
    }

    /// Submission `i`'s files as HTML, within its limits and its deadline;
    /// a file shown as plain text is noted (see [`Self::notes`]).
    pub(crate) fn files_html(&self, i: usize) -> Vec<String> {
        let limits = self.limits(i);
        let deadline = std::time::Instant::now() + crate::limits::fork_deadline();
        let mut html = Vec::with_capacity(self.subs[i].sources.len());
        for (path, text) in &self.subs[i].sources {
            let local = local::local_files(&self.subs[i], path);
            let (file, cut) = markdown::render_local(text, &limits, Some(deadline), &local);
            if let Some(why) = cut {
                self.notes.lock().unwrap_or_else(|e| e.into_inner()).push(cut_note(path, why, &limits));
            }
            html.push(file);
        }
        html
    }

    /// Submission `i`'s page, given its files rendered by [`Self::files_html`]
    /// (callers may cache those).
    pub(crate) fn submission_page(&self, i: usize, html: &[impl AsRef<str> + Serialize]) -> Result<Page> {
        let s = &self.subs[i];
        #[derive(Serialize)]
        struct View<'a, H: Serialize> {
            sub: &'a Submission,
            review: ReviewView<'a>,
            files: Vec<FileView<'a, H>>,
            gap: charts::Charted<crate::aggregate::Gap<'a>>,
            rubric_html: String,
            findings_html: String,
        }
        let files = s.sources.iter().zip(html).map(|((p, _), html)| FileView { path: p, html }).collect();
        let review = &self.review.reviews[i];
        // The criteria and findings go in written out (below): serialising
        // them into the context as well cost more than writing them.
        #[derive(Serialize)]
        struct ReviewView<'a> {
            score: u32,
            max_score: u32,
            missing: &'a [String],
            near_duplicates: &'a [String],
        }
        let view = View {
            sub: s,
            review: ReviewView {
                score: review.score,
                max_score: review.max_score,
                missing: &review.missing,
                near_duplicates: &review.near_duplicates,
            },
            files,
            gap: charts::gap_page(self.cohort.gaps.gap(s)),
            rubric_html: rows::rubric_list(review),
            findings_html: rows::findings_list(review),
        };
        let text =
            html.iter().map(|h| h.as_ref().len()).sum::<usize>() + view.gap.chart.len() + s.reflection.text.len();
        self.renderer().sized_page(&format!("submissions/{}/index.html", s.id), "submission.html", view, text)
    }

    /// Role, skill, component and product pages whose path `want` accepts.
    pub(crate) fn entity_pages(&self, want: impl Fn(&str) -> bool + Sync) -> Result<Vec<Page>> {
        let jobs: Vec<Job> =
            self.entity_jobs().filter(|&job| self.entity_path(job).is_some_and(|path| want(&path))).collect();
        jobs.par_iter().map(|&job| self.render(job)).collect()
    }
}

/// The finding for a file shown as plain text.
fn cut_note(path: &str, why: markdown::Over, limits: &markdown::Limits) -> Finding {
    match why {
        markdown::Over::Size => Finding::new(
            "shown-plain",
            path,
            0,
            Severity::Warning,
            format!(
                "its HTML would pass {} KB, this file's share of the page: shown as plain text; shorten it or flatten \
                 its nesting",
                limits.max_html / 1024
            ),
        ),
        markdown::Over::Time => Finding::new(
            "shown-plain",
            path,
            0,
            Severity::Error,
            format!(
                "rendering took longer than the {:.0} s one submission may take: shown as plain text",
                crate::limits::fork_deadline().as_secs_f64()
            ),
        ),
    }
}

/// How many HTML pages [`render_site`] makes, for progress bars.
pub(crate) fn page_count(subs: &[Submission], cohort: &Cohort) -> usize {
    9 + subs.len() + cohort.roles.len() + cohort.skills.len() + cohort.components.len() + cohort.products.len()
}

struct Renderer<'a> {
    tera: &'a Tera,
    site: &'a SiteCtx<'a>,
    summary: &'a lists::Summary<'a>,
    rows: &'a [SubmissionRow<'a>],
    charts: &'a charts::ListCharts,
}

impl Renderer<'_> {
    /// A list page: sees the whole cohort.
    fn list(&self, path: &str, template: &str) -> Result<Page> {
        self.render(path, template, (), true)
    }

    /// The submissions list: the only page with a row per submission.
    fn submissions(&self) -> Result<Page> {
        self.render_ctx("submissions/index.html", "submissions.html", (), true, Some(self.rows), PAGE_CAPACITY)
    }

    /// An entity page: sees only its own data.
    fn page<T: Serialize>(&self, path: &str, template: &str, page: T) -> Result<Page> {
        self.render(path, template, page, false)
    }

    /// [`Self::page`], given the bytes of text it shows beyond its markup.
    fn sized_page<T: Serialize>(&self, path: &str, template: &str, page: T, text: usize) -> Result<Page> {
        self.render_ctx(path, template, page, false, None, PAGE_CAPACITY + text)
    }

    fn render<T: Serialize>(&self, path: &str, template: &str, page: T, list: bool) -> Result<Page> {
        self.render_ctx(path, template, page, list, None, PAGE_CAPACITY)
    }

    fn render_ctx<'a, T: Serialize>(
        &'a self,
        path: &str,
        template: &str,
        page: T,
        list: bool,
        rows: Option<&'a [SubmissionRow<'a>]>,
        capacity: usize,
    ) -> Result<Page> {
        let depth = path.matches('/').count();
        let ctx = Ctx {
            site: self.site,
            // GitHub Pages serves 404.html at any depth: only absolute links work there.
            root: if path == "404.html" { self.site.base_url.to_string() } else { "../".repeat(depth) },
            path,
            canonical: canonical_url(self.site.base_url, path),
            cohort: list.then_some(self.summary),
            submissions: rows,
            charts: list.then_some(self.charts),
            page,
        };
        let context = tera::Context::from_serialize(&ctx).map_err(|e| anyhow!("{path}: {}", error_chain(&e)))?;
        // Straight into the page's bytes: no regrowing from empty, no UTF-8
        // check of a String tera would build (it writes only str).
        let mut bytes = Vec::with_capacity(capacity);
        self.tera
            .render_to(template, &context, &mut bytes)
            .map_err(|e| anyhow!("rendering {path} with template {template}: {}", error_chain(&e)))?;
        Ok(Page { path: path.to_string(), bytes })
    }
}

/// `base_url` + the page's folder, percent-encoded; only for an absolute
/// base URL (a canonical link must be absolute) and never for the 404 page,
/// which stands for every missing path.
fn canonical_url(base_url: &str, path: &str) -> Option<String> {
    let absolute = base_url.starts_with("https://") || base_url.starts_with("http://");
    if !absolute || path == "404.html" {
        return None;
    }
    let page = crate::url::encode_path(path.strip_suffix("index.html").unwrap_or(path));
    Some(format!("{}/{page}", base_url.trim_end_matches('/')))
}

/// What the submissions list shows of one submission; its counts of
/// missing sections and findings are its review's.
pub(crate) fn submission_row<'a>(s: &'a Submission, r: &crate::review::Review) -> SubmissionRow<'a> {
    SubmissionRow {
        id: &s.id,
        author: &s.author,
        source: &s.source,
        product: s.product.as_deref(),
        chosen_role: s.chosen_role.as_ref().map(|c| c.name.as_str()),
        chosen_role_canonical: s.chosen_role.as_ref().and_then(|c| c.canonical.as_deref()),
        postings: s.postings.len(),
        components: s.components.len(),
        skills_have: s.skills_have.len(),
        skills_lack: s.skills_lack.len(),
        reflection: s.reflection.written,
        missing: r.missing.len(),
        findings: r.findings.len(),
    }
}

/// Tera nests the useful message (which variable, which line) in sources.
fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        cur = s.source();
    }
    msg
}
