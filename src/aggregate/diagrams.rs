//! The component diagrams a product's submissions embed, one per distinct
//! file content: a course hands the same diagrams to everyone who picks a
//! product, and they are shown once, with who embeds each.

use super::{Sub, SubRef};
use crate::model::{ImageKind, Submission};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct ProductDiagram {
    /// The published copy, relative to the site root.
    pub published: String,
    /// The first alt text given to it.
    pub alt: String,
    pub submissions: Vec<SubRef>,
}

/// Distinct component diagrams of `list`'s submissions, in the order first
/// embedded (submissions in cohort order, images in file order).
pub(super) fn component_diagrams(list: &[Sub], subs: &[Submission]) -> Vec<ProductDiagram> {
    let mut out: Vec<ProductDiagram> = Vec::new();
    for &i in list {
        let s = &subs[i as usize];
        for img in s.images.iter().filter(|img| is_component_diagram(img)) {
            let Some(published) = &img.published else { continue };
            let who = SubRef { id: s.id.clone(), author: s.author.clone() };
            match out.iter_mut().find(|d| &d.published == published) {
                Some(d) if !d.submissions.iter().any(|r| r.id == who.id) => d.submissions.push(who),
                Some(_) => {}
                None => out.push(ProductDiagram {
                    published: published.clone(),
                    alt: img.alt.clone(),
                    submissions: vec![who],
                }),
            }
        }
    }
    out
}

/// An embedded picture whose alt text or path says it shows components.
fn is_component_diagram(img: &crate::model::Image) -> bool {
    let says = |t: &str| {
        let f = crate::text::fold(t);
        f.contains("component") || f.contains("компонент")
    };
    img.embedded && img.kind.is_some_and(|k| k != ImageKind::Plantuml) && (says(&img.alt) || says(&img.target))
}
