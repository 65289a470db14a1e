//! `atlas.json`: the whole atlas as data, for scripts and graders.

use crate::aggregate::Cohort;
use crate::config::Config;
use crate::model::Submission;
use crate::review::{CohortReview, Pair, Review};
use anyhow::Result;
use serde::Serialize;
use std::io::Write;

mod ser;

#[derive(Serialize)]
struct Atlas<'a> {
    generator: &'static str,
    version: &'static str,
    title: &'a str,
    base_url: &'a str,
    submissions: Vec<Reviewed<'a>>,
    near_duplicates: &'a [Pair],
    roles: &'a [crate::aggregate::RoleAgg],
    skills: &'a [crate::aggregate::SkillAgg],
    components: &'a [crate::aggregate::ComponentAgg],
    products: &'a [crate::aggregate::ProductAgg],
    unknown: &'a [crate::aggregate::Unknown],
    /// The overview's counts: tasks complete, errors, pairs, market gap.
    overview: crate::aggregate::Overview,
}

/// A submission with its review, as one object in `submissions[]`.
#[derive(Serialize)]
struct Reviewed<'a> {
    #[serde(flatten)]
    sub: &'a Submission,
    review: &'a Review,
}

/// Write the atlas as compact JSON: at 10,000 submissions pretty-printing
/// would triple its size (hundreds of MB); `jq .` restores the layout.
pub(crate) fn write_json(
    out: &mut dyn Write,
    config: &Config,
    subs: &[Submission],
    cohort: &Cohort,
    review: &CohortReview,
) -> Result<()> {
    let atlas = Atlas {
        generator: "skills-atlas",
        version: env!("CARGO_PKG_VERSION"),
        title: &config.title,
        base_url: &config.base_url,
        submissions: subs.iter().zip(&review.reviews).map(|(sub, review)| Reviewed { sub, review }).collect(),
        near_duplicates: &review.near_duplicates,
        roles: &cohort.roles,
        skills: &cohort.skills,
        components: &cohort.components,
        products: &cohort.products,
        unknown: &cohort.unknown,
        overview: crate::aggregate::overview(subs, cohort, review),
    };
    // Hidden characters escaped as in every JSON the atlas writes
    // (`hidden::to_writer`), with a faster writer of the JSON itself.
    ser::to_writer(crate::hidden::Json::new(&mut *out), &atlas)?;
    out.write_all(b"\n")?;
    Ok(())
}

/// [`write_json`] into memory.
pub(crate) fn to_json(config: &Config, subs: &[Submission], cohort: &Cohort, review: &CohortReview) -> Result<Vec<u8>> {
    let mut out = Vec::new();
    write_json(&mut out, config, subs, cohort, review)?;
    Ok(out)
}
