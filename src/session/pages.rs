//! Page rendering one page at a time, for incremental rebuilds.
//!
//! The contexts mirror `render`'s private ones (`SiteCtx`, `Ctx`,
//! `SubmissionRow`, the submission page's view) so a single list, entity or
//! submission page can be rendered; tests compare the result with `build`'s
//! byte for byte. Once `render` exposes such an API, this file goes.

use super::{LIST_PAGES, REVIEW_PAGE, Site, hash_str};
use crate::aggregate::Cohort;
use crate::model::Submission;
use crate::render::{self, Page};
use crate::review::{self, Review};
use anyhow::{Result, anyhow, bail};
use rayon::prelude::*;
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// Markdown rendered anew: hash of the text, its HTML.
pub(super) type Fresh = Vec<(u64, Arc<str>)>;

#[derive(Serialize)]
pub(super) struct SiteCtx<'a> {
    title: &'a str,
    base_url: &'a str,
    indexable: bool,
}

#[derive(Serialize)]
pub(super) struct Ctx<'a, T: Serialize> {
    site: &'a SiteCtx<'a>,
    root: String,
    path: &'a str,
    cohort: Option<&'a Cohort>,
    submissions: Option<&'a [Row<'a>]>,
    page: T,
}

#[derive(Serialize)]
pub(super) struct Row<'a> {
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
pub(super) struct FileView<'a> {
    path: &'a str,
    html: &'a str,
}

#[derive(Serialize)]
pub(super) struct SubView<'a> {
    sub: &'a Submission,
    review: &'a Review,
    files: Vec<FileView<'a>>,
}

pub(super) struct Pages<'a> {
    pub(super) site: &'a Site,
    ctx: SiteCtx<'a>,
}

impl<'a> Pages<'a> {
    pub(super) fn new(site: &'a Site) -> Self {
        let ctx =
            SiteCtx { title: &site.config.title, base_url: &site.config.base_url, indexable: site.config.indexable };
        Pages { site, ctx }
    }

    pub(super) fn render<T: Serialize>(&self, path: &str, template: &str, page: T) -> Result<Page> {
        let ctx = Ctx { site: &self.ctx, root: root(path), path, cohort: None, submissions: None, page };
        let context = tera::Context::from_serialize(&ctx).map_err(|e| anyhow!("{path}: {}", error_chain(&e)))?;
        self.finish(path, template, &context)
    }

    pub(super) fn finish(&self, path: &str, template: &str, context: &tera::Context) -> Result<Page> {
        let html = self
            .site
            .tera
            .render(template, context)
            .map_err(|e| anyhow!("rendering {path} with template {template}: {}", error_chain(&e)))?;
        Ok(Page { path: path.to_string(), bytes: html.into_bytes() })
    }

    /// The list pages, from one context: serialising the cohort is most of
    /// their cost.
    /// The list pages, from one context: serialising the cohort is most of
    /// their cost, so the context is kept between rebuilds (`old`) and only
    /// what `delta` says changed is serialised again.
    pub(super) fn lists(&self, old: Option<Value>, delta: Option<&ListDelta<'_>>) -> Result<(Vec<Page>, Value)> {
        let value = match (old, delta) {
            (Some(old), Some(delta)) => self.update_lists(old, delta)?,
            _ => {
                let rows: Vec<Row<'_>> = self.site.subs.iter().map(row).collect();
                let ctx = Ctx {
                    site: &self.ctx,
                    root: String::new(),
                    path: "",
                    cohort: Some(&self.site.cohort),
                    submissions: Some(&rows),
                    page: (),
                };
                serde_json::to_value(&ctx)?
            }
        };
        let mut context = tera::Context::from_value(value).map_err(|e| anyhow!("list pages: {}", error_chain(&e)))?;
        let pages = LIST_PAGES
            .iter()
            .map(|(path, template)| {
                context.insert("root", &root(path));
                context.insert("path", path);
                self.finish(path, template, &context)
            })
            .collect::<Result<_>>()?;
        Ok((pages, context.into_json()))
    }

    /// `old` list context brought up to date: entities whose data changed
    /// and the rows of `delta.rows` are serialised; the rest is moved over.
    pub(super) fn update_lists(&self, old: Value, delta: &ListDelta<'_>) -> Result<Value> {
        let Value::Object(mut top) = old else { bail!("list context is not an object") };
        let Some(Value::Object(mut cohort)) = top.remove("cohort") else { bail!("list context has no cohort") };
        let c = &self.site.cohort;
        let same = delta.same_entity;
        let list = |v: Option<Value>| match v {
            Some(Value::Array(a)) => a,
            _ => Vec::new(),
        };
        let roles = merge(list(cohort.remove("roles")), &c.roles, "roles", |x| &x.slug, same)?;
        cohort.insert("roles".into(), roles);
        let skills = merge(list(cohort.remove("skills")), &c.skills, "skills", |x| &x.slug, same)?;
        cohort.insert("skills".into(), skills);
        let comps = merge(list(cohort.remove("components")), &c.components, "components", |x| &x.slug, same)?;
        cohort.insert("components".into(), comps);
        let prods = merge(list(cohort.remove("products")), &c.products, "products", |x| &x.slug, same)?;
        cohort.insert("products".into(), prods);
        cohort.insert("unknown".into(), serde_json::to_value(&c.unknown)?);
        top.insert("cohort".into(), Value::Object(cohort));
        let subs = &self.site.subs;
        let rows = match (delta.rows, top.remove("submissions")) {
            (Some(redo), Some(Value::Array(mut rows))) if rows.len() == subs.len() => {
                for &i in redo {
                    rows[i] = serde_json::to_value(row(&subs[i]))?;
                }
                Value::Array(rows)
            }
            _ => serde_json::to_value(subs.iter().map(row).collect::<Vec<_>>())?,
        };
        top.insert("submissions".into(), rows);
        Ok(Value::Object(top))
    }

    pub(super) fn review_page(&self) -> Result<Page> {
        self.render(REVIEW_PAGE, "review.html", review::page::view(&self.site.subs, &self.site.review))
    }

    /// Submission pages of `which`, reading rendered Markdown from `cache`;
    /// also returns what was rendered anew.
    pub(super) fn submissions_cached(
        &self,
        which: &[usize],
        cache: &HashMap<u64, Arc<str>>,
    ) -> Result<(Vec<Page>, Fresh)> {
        let done: Vec<(Page, Fresh)> = which
            .par_iter()
            .map(|&i| {
                let s = &self.site.subs[i];
                let mut fresh = Vec::new();
                let html: Vec<Arc<str>> = s
                    .sources
                    .iter()
                    .map(|(_, text)| {
                        let h = hash_str(text);
                        cache.get(&h).cloned().unwrap_or_else(|| {
                            let html: Arc<str> = render::markdown::to_html(text).into();
                            fresh.push((h, html.clone()));
                            html
                        })
                    })
                    .collect();
                let files = s.sources.iter().zip(&html).map(|((p, _), h)| FileView { path: p, html: h }).collect();
                let view = SubView { sub: s, review: &self.site.review.reviews[i], files };
                Ok((self.render(&format!("submissions/{}/index.html", s.id), "submission.html", view)?, fresh))
            })
            .collect::<Result<_>>()?;
        let mut pages = Vec::with_capacity(done.len());
        let mut fresh = Vec::new();
        for (p, f) in done {
            pages.push(p);
            fresh.extend(f);
        }
        Ok((pages, fresh))
    }

    /// Submission pages of `which`, adding what they render to `cache`.
    pub(super) fn submissions(&self, which: &[usize], cache: &mut HashMap<u64, Arc<str>>) -> Result<Vec<Page>> {
        let (pages, fresh) = self.submissions_cached(which, cache)?;
        cache.extend(fresh);
        Ok(pages)
    }

    /// Like [`Pages::submissions`], reading from `old` and keeping in `cache`
    /// only what these pages use.
    pub(super) fn submissions_with(
        &self,
        which: &[usize],
        old: &HashMap<u64, Arc<str>>,
        cache: &mut HashMap<u64, Arc<str>>,
    ) -> Result<Vec<Page>> {
        let (pages, fresh) = self.submissions_cached(which, old)?;
        cache.extend(fresh);
        for &i in which {
            for (_, text) in &self.site.subs[i].sources {
                let h = hash_str(text);
                if let Some(html) = old.get(&h) {
                    cache.insert(h, html.clone());
                }
            }
        }
        Ok(pages)
    }

    /// Role, skill, component and product pages whose path `want` accepts.
    pub(super) fn entities(&self, want: impl Fn(&str) -> bool + Sync) -> Result<Vec<Page>> {
        let c = &self.site.cohort;
        let mut jobs: Vec<Box<dyn Fn() -> Result<Page> + Sync + '_>> = Vec::new();
        macro_rules! kind {
            ($list:expr, $dir:literal, $template:literal) => {
                for x in &$list {
                    let path = format!(concat!($dir, "/{}/index.html"), x.slug);
                    if want(&path) {
                        jobs.push(Box::new(move || self.render(&path, $template, x)));
                    }
                }
            };
        }
        kind!(c.roles, "roles", "role.html");
        kind!(c.skills, "skills", "skill.html");
        kind!(c.components, "components", "component.html");
        kind!(c.products, "products", "product.html");
        jobs.par_iter().map(|job| job()).collect()
    }
}

/// Relative path from a page to the site root; 404.html gets the base URL,
/// which comes from `static_pages`.
pub(super) fn root(path: &str) -> String {
    "../".repeat(path.matches('/').count())
}

pub(super) fn row(s: &Submission) -> Row<'_> {
    Row {
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

/// What changed since the list context was made.
pub(super) struct ListDelta<'a> {
    /// Whether the entity page at this path shows the same data as before.
    pub(super) same_entity: &'a (dyn Fn(&str) -> bool + Sync),
    /// Rows to serialise again; `None`: all (the submissions themselves changed).
    pub(super) rows: Option<&'a [usize]>,
}

/// `list`'s entities as JSON, reusing the values in `old` of those `same` says
/// did not change.
pub(super) fn merge<T: Serialize>(
    old: Vec<Value>,
    list: &[T],
    dir: &str,
    slug: impl Fn(&T) -> &str,
    same: &(dyn Fn(&str) -> bool + Sync),
) -> Result<Value> {
    let mut by_slug: HashMap<String, Value> =
        old.into_iter().filter_map(|v| Some((v.get("slug")?.as_str()?.to_string(), v))).collect();
    let values = list
        .iter()
        .map(|x| {
            let s = slug(x);
            match by_slug.remove(s) {
                Some(v) if same(&format!("{dir}/{s}/index.html")) => Ok(v),
                _ => serde_json::to_value(x),
            }
        })
        .collect::<Result<Vec<Value>, _>>()?;
    Ok(Value::Array(values))
}

pub(super) fn error_chain(e: &dyn std::error::Error) -> String {
    let mut msg = e.to_string();
    let mut cur = e.source();
    while let Some(s) = cur {
        msg.push_str(": ");
        msg.push_str(&s.to_string());
        cur = s.source();
    }
    msg
}
