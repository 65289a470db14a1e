//! Students' Markdown rendered for the submission pages, kept by hash of
//! its text so an edit re-renders only the files it changed.

use super::keys::hash_bytes;
use crate::model::Submission;
use crate::render::{self, Page};
use anyhow::Result;
use rayon::prelude::*;
use serde::{Serialize, Serializer};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

/// Rendered Markdown: shared by the cache and the pages that show it.
#[derive(Clone)]
pub(super) struct Html(Arc<str>);

impl AsRef<str> for Html {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for Html {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Rendered Markdown, with the hash of its text.
pub(super) type Rendered = Vec<(u64, Html)>;

/// Submission pages `which`, their Markdown read from `cache` or rendered;
/// also returns all the Markdown they show, by hash of its text.
pub(super) fn submission_pages(
    site: &render::Site,
    subs: &[Submission],
    which: &[usize],
    cache: &HashMap<u64, Html>,
) -> Result<(Vec<Page>, Rendered)> {
    let done: Vec<(Page, Rendered)> = which
        .par_iter()
        .map(|&i| {
            // A file renders within its submission's limits: they are part of the key.
            let limits = site.limits(i);
            let deadline = Instant::now() + crate::limits::fork_deadline();
            let used: Rendered = subs[i]
                .sources
                .iter()
                .map(|(path, text)| {
                    // So are the copies its images point to.
                    let local = render::local::local_files(&subs[i], path);
                    let h = hash_bytes(format!("{limits:?}{local:?}").as_bytes()) ^ hash_bytes(text.as_bytes());
                    let html = cache.get(&h).cloned().unwrap_or_else(|| {
                        Html(render::markdown::render_local(text, &limits, Some(deadline), &local).0.into())
                    });
                    (h, html)
                })
                .collect();
            let html: Vec<&Html> = used.iter().map(|(_, html)| html).collect();
            Ok((site.submission_page(i, &html)?, used))
        })
        .collect::<Result<_>>()?;
    let mut pages = Vec::with_capacity(done.len());
    let mut used = Vec::new();
    for (p, u) in done {
        pages.push(p);
        used.extend(u);
    }
    Ok((pages, used))
}
