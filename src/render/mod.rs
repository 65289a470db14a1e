//! Render stage: cohort + submissions -> pages, through tera templates.
//!
//! The default theme is embedded in the binary; a theme folder overrides
//! templates by name. Student text only ever reaches templates as data
//! (autoescaped) or as HTML that went through the sanitiser.

pub mod charts;
pub mod highlight;
pub mod lists;
pub mod markdown;
pub mod search;

use crate::aggregate::Cohort;
use crate::config::Config;
use crate::model::Submission;
use anyhow::{Context, Result, anyhow};
use rayon::prelude::*;
use serde::Serialize;
use std::path::Path;
use tera::Tera;

/// One output file, relative to the output dir.
pub struct Page {
    pub path: String,
    pub bytes: Vec<u8>,
}

/// The built-in templates, by file name (`init` copies them into a theme).
pub const TEMPLATES: &[(&str, &str)] = &[
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

/// Load the embedded templates, then any `templates/*.html` of `theme_dir`
/// over them by name.
pub fn load_templates(theme_dir: Option<&Path>) -> Result<Tera> {
    let mut tera = Tera::default();
    tera.autoescape_on(vec![".html"]);
    // Tera's default also escapes '/', which turns every relative link into
    // entities; these five are all HTML text and quoted attributes need.
    tera.set_escape_fn(escape_html);
    // The same slugs as the page paths, so links always resolve.
    tera.register_filter("slug", |v: &tera::Value, _: &std::collections::HashMap<String, tera::Value>| {
        Ok(tera::Value::String(crate::discover::slug(v.as_str().unwrap_or_default())))
    });
    let mut all: Vec<(String, String)> = TEMPLATES.iter().map(|(n, t)| (n.to_string(), t.to_string())).collect();
    if let Some(dir) = theme_dir {
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
}

/// Everything a template may read. Views borrow; nothing is cloned per page.
#[derive(Serialize)]
struct Ctx<'a, T: Serialize> {
    site: &'a SiteCtx<'a>,
    /// Relative path from the page to the site root ("", "../", "../../").
    root: String,
    /// The page's path, for its canonical URL.
    path: &'a str,
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
pub struct SubmissionRow<'a> {
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
    warnings: usize,
}

#[derive(Serialize)]
struct FileView<'a, H: Serialize> {
    path: &'a str,
    html: &'a H,
}

/// Pages per batch handed to the sink: enough to keep both cores busy,
/// few enough that a large cohort is never held in memory at once.
const BATCH: usize = 256;

/// The list pages: (path, template). Each reads the cohort summary.
pub const LIST_PAGES: &[(&str, &str)] = &[
    ("index.html", "index.html"),
    ("submissions/index.html", "submissions.html"),
    ("roles/index.html", "roles.html"),
    ("skills/index.html", "skills.html"),
    ("components/index.html", "components.html"),
    ("products/index.html", "products.html"),
    ("unknown/index.html", "unknown.html"),
];
pub const REVIEW_PAGE: &str = "review/index.html";

/// Render every page, handing them to `sink` in batches, in a fixed order
/// (so what the sink sees never depends on thread count).
pub fn render_site(
    subs: &[Submission],
    cohort: &Cohort,
    config: &Config,
    tera: &Tera,
    review: &crate::review::CohortReview,
    sink: &mut dyn FnMut(Vec<Page>) -> Result<()>,
) -> Result<()> {
    let site = Site::new(subs, cohort, config, tera, review);
    let mut first = site.list_pages()?;
    first.push(site.not_found()?);
    first.push(site.review_page()?);
    sink(first)?;
    for chunk in (0..subs.len()).collect::<Vec<_>>().chunks(BATCH) {
        let batch = chunk.par_iter().map(|&i| {
            let html: Vec<String> = subs[i].sources.iter().map(|(_, text)| markdown::to_html(text)).collect();
            site.submission_page(i, &html)
        });
        sink(batch.collect::<Result<_>>()?)?;
    }
    let r = &site.renderer();
    batched(&cohort.roles, sink, |x| r.page(&format!("roles/{}/index.html", x.slug), "role.html", x))?;
    batched(&cohort.skills, sink, |x| r.page(&format!("skills/{}/index.html", x.slug), "skill.html", x))?;
    batched(&cohort.components, sink, |x| r.page(&format!("components/{}/index.html", x.slug), "component.html", x))?;
    batched(&cohort.products, sink, |x| {
        r.page(&format!("products/{}/index.html", x.slug), "product.html", site.heatmaps.page(x))
    })?;
    sink(static_files())
}

/// The stylesheets and scripts: the same for every site.
pub fn static_files() -> Vec<Page> {
    vec![
        Page { path: "static/style.css".into(), bytes: STYLE_CSS.as_bytes().to_vec() },
        Page { path: "static/review.js".into(), bytes: REVIEW_JS.as_bytes().to_vec() },
        Page { path: "static/search.js".into(), bytes: SEARCH_JS.as_bytes().to_vec() },
        Page { path: "static/highlight.css".into(), bytes: highlight::stylesheet().into_bytes() },
    ]
}

/// Everything pages are rendered from, computed once per cohort, so any one
/// page can be rendered on its own (`serve` re-renders only what changed).
pub struct Site<'a> {
    tera: &'a Tera,
    ctx: SiteCtx<'a>,
    subs: &'a [Submission],
    cohort: &'a Cohort,
    review: &'a crate::review::CohortReview,
    summary: lists::Summary<'a>,
    rows: Vec<SubmissionRow<'a>>,
    charts: charts::ListCharts,
    gaps: charts::GapIndex,
    heatmaps: charts::Heatmaps,
}

impl<'a> Site<'a> {
    pub fn new(
        subs: &'a [Submission],
        cohort: &'a Cohort,
        config: &'a Config,
        tera: &'a Tera,
        review: &'a crate::review::CohortReview,
    ) -> Site<'a> {
        Site {
            tera,
            ctx: SiteCtx { title: &config.title, base_url: &config.base_url, indexable: config.indexable },
            subs,
            cohort,
            review,
            summary: lists::summary(cohort, subs.len()),
            rows: subs.iter().map(submission_row).collect(),
            charts: charts::ListCharts::new(subs, cohort),
            gaps: charts::GapIndex::new(subs),
            heatmaps: charts::Heatmaps::new(subs),
        }
    }

    fn renderer(&self) -> Renderer<'_> {
        Renderer { tera: self.tera, site: &self.ctx, summary: &self.summary, rows: &self.rows, charts: &self.charts }
    }

    /// The pages of [`LIST_PAGES`], in that order.
    pub fn list_pages(&self) -> Result<Vec<Page>> {
        let r = self.renderer();
        LIST_PAGES
            .iter()
            .map(
                |&(path, template)| {
                    if template == "submissions.html" { r.submissions() } else { r.list(path, template) }
                },
            )
            .collect()
    }

    pub fn not_found(&self) -> Result<Page> {
        self.renderer().page("404.html", "404.html", ())
    }

    pub fn review_page(&self) -> Result<Page> {
        let view = crate::review::page::view(self.subs, self.review);
        let page = charts::Charted { page: view, chart: charts::completeness(self.review) };
        self.renderer().page(REVIEW_PAGE, "review.html", page)
    }

    /// Submission `i`'s page, given its files rendered by [`markdown::to_html`]
    /// (callers may cache those).
    pub fn submission_page(&self, i: usize, html: &[impl AsRef<str> + Serialize]) -> Result<Page> {
        let s = &self.subs[i];
        #[derive(Serialize)]
        struct View<'a, H: Serialize> {
            sub: &'a Submission,
            review: &'a crate::review::Review,
            files: Vec<FileView<'a, H>>,
            gap: charts::Gap,
        }
        let files = s.sources.iter().zip(html).map(|((p, _), html)| FileView { path: p, html }).collect();
        let view = View { sub: s, review: &self.review.reviews[i], files, gap: self.gaps.gap(s) };
        self.renderer().page(&format!("submissions/{}/index.html", s.id), "submission.html", view)
    }

    /// Role, skill, component and product pages whose path `want` accepts.
    pub fn entity_pages(&self, want: impl Fn(&str) -> bool + Sync) -> Result<Vec<Page>> {
        let r = &self.renderer();
        let c = self.cohort;
        let mut jobs: Vec<Box<dyn Fn() -> Result<Page> + Sync + '_>> = Vec::new();
        for x in &c.roles {
            let path = format!("roles/{}/index.html", x.slug);
            if want(&path) {
                jobs.push(Box::new(move || r.page(&path, "role.html", x)));
            }
        }
        for x in &c.skills {
            let path = format!("skills/{}/index.html", x.slug);
            if want(&path) {
                jobs.push(Box::new(move || r.page(&path, "skill.html", x)));
            }
        }
        for x in &c.components {
            let path = format!("components/{}/index.html", x.slug);
            if want(&path) {
                jobs.push(Box::new(move || r.page(&path, "component.html", x)));
            }
        }
        for x in &c.products {
            let path = format!("products/{}/index.html", x.slug);
            if want(&path) {
                jobs.push(Box::new(move || r.page(&path, "product.html", self.heatmaps.page(x))));
            }
        }
        jobs.par_iter().map(|job| job()).collect()
    }
}

/// How many HTML pages [`render_site`] makes, for progress bars.
pub fn page_count(subs: &[Submission], cohort: &Cohort) -> usize {
    9 + subs.len() + cohort.roles.len() + cohort.skills.len() + cohort.components.len() + cohort.products.len()
}

/// One page per item, rendered in parallel, handed over a batch at a time.
fn batched<T: Sync>(
    items: &[T],
    sink: &mut dyn FnMut(Vec<Page>) -> Result<()>,
    render: impl Fn(&T) -> Result<Page> + Sync,
) -> Result<()> {
    for chunk in items.chunks(BATCH) {
        sink(chunk.par_iter().map(&render).collect::<Result<_>>()?)?;
    }
    Ok(())
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
        self.render_ctx("submissions/index.html", "submissions.html", (), true, Some(self.rows))
    }

    /// An entity page: sees only its own data.
    fn page<T: Serialize>(&self, path: &str, template: &str, page: T) -> Result<Page> {
        self.render(path, template, page, false)
    }

    fn render<T: Serialize>(&self, path: &str, template: &str, page: T, list: bool) -> Result<Page> {
        self.render_ctx(path, template, page, list, None)
    }

    fn render_ctx<'a, T: Serialize>(
        &'a self,
        path: &str,
        template: &str,
        page: T,
        list: bool,
        rows: Option<&'a [SubmissionRow<'a>]>,
    ) -> Result<Page> {
        let depth = path.matches('/').count();
        let ctx = Ctx {
            site: self.site,
            // GitHub Pages serves 404.html at any depth: only absolute links work there.
            root: if path == "404.html" { self.site.base_url.to_string() } else { "../".repeat(depth) },
            path,
            cohort: list.then_some(self.summary),
            submissions: rows,
            charts: list.then_some(self.charts),
            page,
        };
        let context = tera::Context::from_serialize(&ctx).map_err(|e| anyhow!("{path}: {}", error_chain(&e)))?;
        let html = self
            .tera
            .render(template, &context)
            .map_err(|e| anyhow!("rendering {path} with template {template}: {}", error_chain(&e)))?;
        Ok(Page { path: path.to_string(), bytes: html.into_bytes() })
    }
}

/// What the submissions list shows of one submission.
pub fn submission_row(s: &Submission) -> SubmissionRow<'_> {
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
        missing: s.sections_missing.len(),
        warnings: s.diagnostics.len(),
    }
}

fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            c => out.push(c),
        }
    }
    out
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
