use super::*;

#[test]
fn embedded_rubric_matches_the_lab() {
    let r = Rubric::default();
    assert_eq!(r.required().len(), 8);
    let count = |id: &str| match &r.criteria.iter().find(|c| *c.id == *id).unwrap().check {
        Check::Count { min, max, .. } => (*min, *max),
        other => panic!("{other:?}"),
    };
    assert_eq!(count("postings"), (Some(5), Some(7)));
    assert_eq!(count("skills_in_several_postings"), (Some(3), Some(10)));
    assert_eq!(r.scoring.pass_threshold, Some(0.8));
    assert_eq!(r.bar(10), Some(8));
    assert_eq!(r.bar(41), Some(33));
}

/// The embedded rubric with `yaml` (a `rubric:` value) over it.
fn with(yaml: &str) -> Rubric {
    let c: RubricConfig = serde_yaml::from_str(yaml).unwrap_or_else(|e| panic!("{yaml}: {e}"));
    Rubric::with_config(Some(&c)).unwrap()
}

fn criterion<'a>(r: &'a mut Rubric, id: &str) -> &'a mut CriterionDef {
    r.criteria.iter_mut().find(|c| *c.id == *id).unwrap_or_else(|| panic!("no criterion {id}"))
}

fn min_of(c: &mut CriterionDef) -> &mut Option<usize> {
    match &mut c.check {
        Check::Count { min, .. } => min,
        _ => panic!("not a count"),
    }
}

fn max_of(c: &mut CriterionDef) -> &mut Option<usize> {
    match &mut c.check {
        Check::Count { max, .. } => max,
        _ => panic!("not a count"),
    }
}

/// One test per key: the key given alone changes that value and keeps
/// every other at its default.
macro_rules! alone {
    ($($test:ident: $yaml:literal => |$r:ident| $change:expr;)*) => {$(
        #[test]
        fn $test() {
            let mut want = Rubric::default();
            {
                let $r = &mut want;
                $change;
            }
            let got = with($yaml);
            assert_eq!(serde_json::to_value(&got).unwrap(), serde_json::to_value(&want).unwrap(), "{}", $yaml);
        }
    )*};
}

alone! {
    section_points_alone: "section_points: 3" => |r| r.criteria.iter_mut()
        .filter(|c| matches!(c.check, Check::Section { .. })).for_each(|c| c.points = 3);
    postings_min_alone: "postings: {min: 4}" => |r| *min_of(criterion(r, "postings")) = Some(4);
    postings_max_alone: "postings: {max: 9}" => |r| *max_of(criterion(r, "postings")) = Some(9);
    postings_points_alone: "postings: {points: 5}" => |r| criterion(r, "postings").points = 5;
    several_min_alone: "skills_in_several_postings: {min: 2}" => |r| *min_of(criterion(r, "skills_in_several_postings")) = Some(2);
    several_max_alone: "skills_in_several_postings: {max: 4}" => |r| *max_of(criterion(r, "skills_in_several_postings")) = Some(4);
    several_points_alone: "skills_in_several_postings: {points: 3}" => |r| criterion(r, "skills_in_several_postings").points = 3;
    lack_min_alone: "skills_lack: {min: 2}" => |r| *min_of(criterion(r, "skills_lack")) = Some(2);
    lack_max_alone: "skills_lack: {max: 6}" => |r| *max_of(criterion(r, "skills_lack")) = Some(6);
    lack_points_alone: "skills_lack: {points: 2}" => |r| criterion(r, "skills_lack").points = 2;
    reflection_points_alone: "reflection_points: 4" => |r| criterion(r, "reflection").points = 4;
    shingle_alone: "near_duplicates: {shingle: 7}" => |r| r.near_duplicates.shingle = 7;
    threshold_alone: "near_duplicates: {threshold: 0.4}" => |r| r.near_duplicates.threshold = 0.4;
    min_shared_alone: "near_duplicates: {min_shared: 20}" => |r| r.near_duplicates.min_shared = 20;
    max_df_alone: "near_duplicates: {max_df: 0.2}" => |r| r.near_duplicates.max_df = 0.2;
    min_df_cap_alone: "near_duplicates: {min_df_cap: 5}" => |r| r.near_duplicates.min_df_cap = 5;
}

/// `sections:` alone keeps the section criteria it names and drops the
/// other sections' (and only those: the dependants stay, freed of them).
#[test]
fn sections_alone() {
    let r = with("sections: [chosen_role]");
    let sections: Vec<&str> = r
        .criteria
        .iter()
        .filter_map(|c| match &c.check {
            Check::Section { section } => Some(section.as_str()),
            _ => None,
        })
        .collect();
    assert_eq!(sections, ["chosen_role"]);
    assert_eq!(r.required(), [Section::ChosenRole]);
    let others = |r: &Rubric| r.criteria.iter().filter(|c| !matches!(c.check, Check::Section { .. })).count();
    assert_eq!(others(&r), others(&Rubric::default()));
    assert!(r.criteria.iter().all(|c| c.depends_on.iter().all(|d| r.criteria.iter().any(|o| *o.id == **d))));
}

#[test]
fn unknown_keys_are_errors_naming_the_key() {
    for yaml in ["postings: {minimum: 4}", "near_duplicates: {shingles: 7}", "sectons: []"] {
        let err = serde_yaml::from_str::<RubricConfig>(yaml).unwrap_err().to_string();
        assert!(err.contains("unknown field"), "{yaml}: {err}");
    }
}

#[test]
fn config_overrides_keys_and_rejects_unknown_sections() {
    let r = with("postings: {min: 3, max: 5, points: 1}\n");
    assert_eq!(r.required().len(), 8);
    let c: RubricConfig = serde_yaml::from_str("sections: [chosen_role, hobbies]\n").unwrap();
    assert!(Rubric::with_config(Some(&c)).unwrap_err().contains("hobbies"));
}

#[test]
fn rubric_file_errors_name_the_line() {
    let base = "criteria:\n  - id: a\n    label: A\n    points: 1\n";
    let cases = [
        (format!("{base}    check: {{kind: section, section: hobbies}}\n"), "line 2", "hobbies"),
        (format!("{base}    check: {{kind: sectoin, section: product}}\n"), "line 5", "sectoin"),
        (format!("{base}    check: {{kind: count, what: postings, mni: 3}}\n"), "line 2", "mni"),
        (format!("{base}    depends_on: [b]\n    check: {{kind: section, section: product}}\n"), "line 2", "\"b\""),
        (format!("{base}    check: {{kind: regex, file: x.md, pattern: '('}}\n"), "line 2", "pattern"),
        (format!("{base}    check: {{kind: images, in: data_flw, min: 1}}\n"), "line 2", "data_flw"),
        (
            format!("{base}    check: {{kind: mentions, in: reflection, of: components, min: 1}}\n"),
            "line 2",
            "architecture.md",
        ),
        (format!("{base}    check: {{kind: count, what: sentences, min: 1}}\n"), "line 2", "in: <section>"),
        (
            "scoring: {pass_threshold: 80}\n".to_string() + base + "    check: {kind: section, section: product}\n",
            "line 1",
            "80",
        ),
    ];
    for (text, line, what) in cases {
        let err = Rubric::parse(&text).unwrap_err();
        assert!(err.starts_with(line) && err.contains(what), "{text}\n=> {err}");
    }
}
