//! The fuzz harness's entry: one submission held in memory through every
//! per-file stage. It sits above the stages because it drives them all.

use crate::parse::outline;

/// Parse, extract, normalise, cap and render one submission held in
/// memory: the whole per-file pipeline, for the fuzz harness. Returns the
/// file's HTML and the length of the submission's JSON. No deadline: the
/// harness times the work itself.
pub fn fuzz_one(markdown: &str) -> (String, usize) {
    use crate::extract::{FileOutline, FileRole};
    let mut root = outline::parse(markdown);
    let recovered = crate::extract::recover_sections(&mut root);
    let files =
        [FileOutline { path: "fuzz.md", text: markdown, role: FileRole::Roles, root: &root, recovered: &recovered }];
    let extracted = crate::extract::extract(&files, crate::extract::stats::Counted::ALL);
    static TAXONOMY: std::sync::LazyLock<crate::normalize::Taxonomy> =
        std::sync::LazyLock::new(crate::normalize::Taxonomy::builtin);
    let ident = crate::model::Identity {
        id: "fuzz".into(),
        source: "fuzz.md".into(),
        author: "fuzz".into(),
        main_file: "fuzz.md".into(),
    };
    let mut sub = crate::model::normalize(ident, extracted, &TAXONOMY, vec![("fuzz.md".into(), markdown.into())]);
    crate::limits::cap_entities(&mut sub);
    let json = crate::hidden::to_string(&sub).map_or(0, |j| j.len());
    (crate::render::markdown::render(markdown, &crate::render::markdown::Limits::default(), None), json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fuzz_one_renders() {
        let (html, json) = fuzz_one("# Hi\n\n<script>x</script>");
        assert!(html.contains("Hi") && !html.contains("<script") && json > 100, "{html}");
    }
}
