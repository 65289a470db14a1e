//! Counting on made-up cohorts: students against mentions and submissions.
//! The fixtures here serve the charts' tests too.

use super::*;
use crate::model::{ChosenRole, Posting, Reflection, RoleRef, SkillItem};

pub(crate) fn items(names: &[&str]) -> Vec<SkillItem> {
    names.iter().map(|n| SkillItem { name: n.to_string(), skills: vec![n.to_string()] }).collect()
}

/// A made-up submission: `comps` are (component, roles).
pub(crate) fn sub(
    id: &str,
    product: Option<&str>,
    role: Option<&str>,
    have: &[&str],
    lack: &[&str],
    postings: &[&[&str]],
    comps: &[(&str, &[&str])],
) -> Submission {
    Submission {
        id: id.into(),
        source: id.into(),
        author: id.into(),
        files: vec![],
        product: product.map(str::to_string),
        components: comps
            .iter()
            .map(|(c, roles)| Component {
                name: c.to_string(),
                kind: None,
                roles: roles.iter().map(|r| RoleRef { name: r.to_string(), canonical: vec![r.to_string()] }).collect(),
                line: 1,
            })
            .collect(),
        responsibilities: vec![],
        common_skills: vec![],
        chosen_role: role.map(|r| ChosenRole {
            name: r.into(),
            canonical: Some(r.into()),
            level: None,
            stack: vec![],
            file: "x.md".into(),
            line: 1,
        }),
        skills_have: items(have),
        skills_lack: items(lack),
        postings: postings
            .iter()
            .map(|ks| Posting {
                url: None,
                title: "Job".into(),
                company: None,
                skills: ks.iter().map(|k| k.to_string()).collect(),
                file: String::new(),
                line: 0,
            })
            .collect(),
        skills_in_several_postings: vec![],
        skills_in_one_posting: vec![],
        reflection: Reflection { written: true, ..Reflection::default() },
        images: vec![],
        main_file: String::new(),
        sections: vec![],
        findings: vec![],
        sources: vec![],
        main_components: vec![],
        tree: vec![],
    }
}

pub(crate) fn cohort_of(subs: &[Submission]) -> Cohort {
    aggregate(subs, &crate::normalize::Taxonomy::builtin())
}

/// `id`, by `author`.
fn by(author: &str, mut s: Submission) -> Submission {
    s.author = author.into();
    s
}

/// One author, ann, with two submissions apart in submission order, each
/// naming QA Engineer twice under Client App (as "Client App" and "client
/// app") and an unknown skill; bob and cat once each.
fn snapshots() -> Vec<Submission> {
    let ann = |id| {
        let mut s = sub(
            id,
            Some("Shop"),
            Some("QA Engineer"),
            &["Git"],
            &["Docker"],
            &[&["Git"]],
            &[("Client App", &["QA Engineer"]), ("client app", &["QA Engineer"])],
        );
        s.skills_have.push(SkillItem { name: "Juggling".into(), skills: vec![] });
        s.common_skills = items(&["Git"]);
        by("ann", s)
    };
    let bob = sub(
        "bob",
        Some("Shop"),
        Some("QA Engineer"),
        &["Git"],
        &[],
        &[&["Git", "SQL"]],
        &[("Client App", &["QA Engineer", "Mobile Engineer"])],
    );
    let cat = sub("cat", Some("Shop"), None, &[], &["Git"], &[], &[("Client App", &["Mobile Engineer"])]);
    vec![ann("ann-1"), bob, ann("ann-2"), cat]
}

fn ids(list: &[StudentRef]) -> Vec<(&str, Vec<&str>)> {
    list.iter().map(|s| (s.author.as_str(), s.also.iter().map(String::as_str).collect())).collect()
}

#[test]
fn students_count_once_mentions_every_time() {
    let c = cohort_of(&snapshots());
    assert_eq!((c.students, c.unchosen), (3, 1));
    let qa = c.roles.iter().find(|r| r.name == "QA Engineer").unwrap();
    assert_eq!(ids(&qa.chosen_by), [("ann", vec!["ann-2"]), ("bob", vec![])]);
    assert_eq!(qa.chosen_by[0].id, "ann-1");
    assert_eq!(qa.mentioned_by, 3, "submissions");
    let app = &qa.components[0];
    assert_eq!((app.name.as_str(), app.count, app.students), ("Client App", 5, 2));

    let comp = c.components.iter().find(|x| x.slug == "client-app").unwrap();
    assert_eq!((comp.submissions, comp.students), (4, 3));
    let roles: Vec<(&str, usize, usize)> = comp.roles.iter().map(|r| (r.name.as_str(), r.count, r.students)).collect();
    // Most students first; on a tie, most mentions.
    assert_eq!(roles, [("QA Engineer", 5, 2), ("Mobile Engineer", 2, 2)]);
    assert!(comp.roles.iter().all(|r| r.by.len() == r.students));
    assert_eq!(ids(&comp.roles[0].by), [("ann", vec!["ann-2"]), ("bob", vec![])]);

    let git = c.skills.iter().find(|k| k.name == "Git").unwrap();
    assert_eq!((git.have.len(), git.lack.len(), git.postings), (2, 1, 3));
    assert_eq!((git.common, git.common_students), (2, 1));
    let juggling = c.unknown.iter().find(|u| u.name == "Juggling").unwrap();
    assert_eq!((juggling.count, ids(&juggling.places)), (2, vec![("ann", vec!["ann-2"])]));

    let shop = &c.products[0];
    assert_eq!(shop.submissions.len(), 4, "a list of submissions");
    let tallies: Vec<(&str, usize, usize)> =
        shop.components.iter().map(|t| (t.name.as_str(), t.count, t.students)).collect();
    assert_eq!(tallies, [("Client App", 4, 3), ("client app", 2, 1)]);
    let row = &shop.heatmap.rows[0];
    assert_eq!((row.title.as_str(), row.cell("QA Engineer"), row.cell("Mobile Engineer")), ("Client App", 2, 2));

    // Postings for QA Engineer come from ann's two submissions and bob's: two students.
    let gap = c.gaps.gap(&snapshots()[1]);
    assert_eq!((gap.postings, gap.students), (3, 2));
}

#[test]
fn counts_do_not_depend_on_where_a_students_submissions_sit() {
    let apart = snapshots();
    let mut together = apart.clone();
    together.swap(1, 2);
    let (a, b) = (cohort_of(&apart), cohort_of(&together));
    let json = |c: &Cohort| {
        let heatmaps: Vec<&Heatmap> = c.products.iter().map(|p| &p.heatmap).collect();
        format!("{} {heatmaps:?}", serde_json::to_string(c).unwrap())
    };
    assert_eq!(json(&a), json(&b));
}

#[test]
fn submissions_without_an_author_are_each_their_own_student() {
    let subs = vec![
        by("", sub("x", None, Some("QA Engineer"), &[], &[], &[], &[])),
        by("", sub("y", None, None, &[], &[], &[], &[])),
    ];
    let c = cohort_of(&subs);
    assert_eq!((c.students, c.unchosen), (2, 1));
}
