//! A student's images and PlantUML sources that the site publishes
//! (`files/<hash>.<ext>`, see [`crate::parse::assets`]): the rendered
//! Markdown's targets point to those copies, and they are the only relative
//! URLs the sanitiser lets through.

use super::Page;
use crate::model::Submission;
use pulldown_cmark::{CowStr, Event, Tag};

/// Per Markdown file: each target as written, and the URL of its published
/// copy as the submission page sees it.
pub(crate) type LocalFiles = Vec<(String, String)>;

/// Where submission pages sit below the site root (`submissions/<id>/`).
const FROM_SUBMISSION_PAGE: &str = "../../";

/// The published targets of submission `s`'s file `path`.
pub(crate) fn local_files(s: &Submission, path: &str) -> LocalFiles {
    let mut out: LocalFiles = s
        .images
        .iter()
        .filter(|i| i.file == path)
        .filter_map(|i| Some((i.target.clone(), format!("{FROM_SUBMISSION_PAGE}{}", i.published.as_ref()?))))
        .collect();
    out.sort();
    out.dedup();
    out
}

/// Whether `url` is a published copy: `files/`, 32 hex digits and a known
/// extension, below any number of `../`. Nothing a student writes can make
/// such a URL point anywhere but the atlas's own files.
pub(crate) fn is_published(url: &str) -> bool {
    let mut rest = url;
    while let Some(r) = rest.strip_prefix("../") {
        rest = r;
    }
    let Some(name) = rest.strip_prefix("files/") else { return false };
    let Some((hash, ext)) = name.split_once('.') else { return false };
    hash.len() == 32
        && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
        && ["svg", "png", "jpg", "gif", "webp", "txt"].contains(&ext)
}

/// Images and links whose target the site published now point to the copy.
pub(super) fn point_to_published(events: &mut [Event<'_>], local: &LocalFiles) {
    if local.is_empty() {
        return;
    }
    let find = |t: &str| local.binary_search_by(|(k, _)| k.as_str().cmp(t)).ok().map(|i| local[i].1.clone());
    for e in events.iter_mut() {
        if let Event::Start(Tag::Image { dest_url, .. } | Tag::Link { dest_url, .. }) = e
            && let Some(url) = find(dest_url)
        {
            *dest_url = CowStr::from(url);
        }
    }
}

/// Every published file of the cohort, once (the same bytes are one file
/// whoever embeds them), in path order.
pub(crate) fn published_files(subs: &[Submission]) -> Vec<Page> {
    let mut files: std::collections::BTreeMap<&str, &[u8]> = Default::default();
    for img in subs.iter().flat_map(|s| &s.images) {
        if let (Some(path), Some(bytes)) = (&img.published, &img.bytes) {
            files.entry(path).or_insert(bytes);
        }
    }
    files.into_iter().map(|(path, bytes)| Page { path: path.to_string(), bytes: bytes.to_vec() }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_published_names_pass() {
        let hash = "0123456789abcdef0123456789abcdef";
        assert!(is_published(&format!("../../files/{hash}.svg")));
        assert!(is_published(&format!("files/{hash}.txt")));
        for bad in [
            format!("../../files/{hash}.html"),
            format!("../../files/{hash}.svg/../../x"),
            format!("/files/{hash}.svg"),
            format!("../../files/{}.svg", hash.to_uppercase()),
            "../../files/x.svg".to_string(),
            format!("https://evil/files/{hash}.svg"),
        ] {
            assert!(!is_published(&bad), "{bad}");
        }
    }
}
