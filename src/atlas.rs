//! `atlas.json`: the whole atlas as data, for scripts and graders.

use crate::aggregate::Cohort;
use crate::config::Config;
use crate::model::Submission;
use anyhow::Result;
use serde::Serialize;

#[derive(Serialize)]
struct Atlas<'a> {
    generator: &'static str,
    version: &'static str,
    title: &'a str,
    base_url: &'a str,
    submissions: &'a [Submission],
    roles: &'a [crate::aggregate::RoleAgg],
    skills: &'a [crate::aggregate::SkillAgg],
    components: &'a [crate::aggregate::ComponentAgg],
    products: &'a [crate::aggregate::ProductAgg],
    unknown: &'a [crate::aggregate::Unknown],
}

pub fn to_json(config: &Config, subs: &[Submission], cohort: &Cohort) -> Result<Vec<u8>> {
    let atlas = Atlas {
        generator: "skills-atlas",
        version: env!("CARGO_PKG_VERSION"),
        title: &config.title,
        base_url: &config.base_url,
        submissions: subs,
        roles: &cohort.roles,
        skills: &cohort.skills,
        components: &cohort.components,
        products: &cohort.products,
        unknown: &cohort.unknown,
    };
    let mut out = serde_json::to_vec_pretty(&atlas)?;
    out.push(b'\n');
    Ok(out)
}
