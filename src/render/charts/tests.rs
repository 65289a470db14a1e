//! The charts on made-up cohorts: escaping, numbers, order, no data.

use super::*;
use crate::aggregate::gaps::GAP_SKILLS;
use crate::aggregate::tests::{cohort_of, items, sub};
use crate::model::Submission;
use crate::review::{CohortReview, Review};

fn tiny() -> Vec<Submission> {
    vec![
        sub(
            "a",
            Some("Shop"),
            Some("Backend Engineer"),
            &["Python", "SQL"],
            &["Docker"],
            &[&["Python", "Docker"], &["Python", "Kafka"]],
            &[("API", &["Backend Engineer"]), ("App", &["Mobile Engineer"])],
        ),
        sub(
            "b",
            Some("Shop"),
            Some("Backend Engineer"),
            &["Docker"],
            &["Python"],
            &[&["Docker", "SQL"]],
            &[("API", &["Backend Engineer", "DevOps Engineer"]), ("api", &["Backend Engineer"])],
        ),
        sub("c", Some("Maps"), Some("Data Analyst"), &["SQL"], &[], &[&["SQL", "Excel"]], &[]),
        sub("d", None, None, &["Go"], &[], &[], &[]),
    ]
}

/// Every element the chart opens is closed and nothing raw leaks: a
/// crude well-formedness check good enough for generated markup.
fn assert_balanced(svg: &str) {
    assert_eq!(svg.matches("<svg").count(), svg.matches("</svg>").count(), "{svg}");
    assert_eq!(svg.matches("<text").count(), svg.matches("</text>").count(), "{svg}");
    assert_eq!(svg.matches("<title").count(), svg.matches("</title>").count(), "{svg}");
    assert_eq!(svg.matches("<figure").count(), svg.matches("</figure>").count(), "{svg}");
}

#[test]
fn escapes_hostile_names() {
    assert_eq!(esc(r#"<b a="x">&'"#), "&lt;b a=&quot;x&quot;&gt;&amp;&#39;");
    assert_eq!(esc("a\u{0}b\u{1b}c\nd"), "abc d");
    // C1 controls dropped; other text, Latin-1 and Cyrillic too, kept whole.
    assert_eq!(esc("x\u{85}y\u{9f}z\u{7f}"), "xyz");
    assert_eq!(esc("Café © Ёжик"), "Café © Ёжик");
    let evil = r#"</text><script>alert("x")</script>&amp;"#;
    let mut subs = tiny();
    subs[0].product = Some(evil.to_string());
    subs[0].components[0].name = evil.to_string();
    subs[0].chosen_role.as_mut().unwrap().canonical = Some(evil.to_string());
    subs[0].skills_have = items(&[evil]);
    subs[1].postings[0].skills.push(evil.to_string());
    let cohort = cohort_of(&subs);
    let lists = ListCharts::new(&cohort);
    let gap = gap_page(cohort.gaps.gap(&subs[0]));
    let prod = product_page(cohort.products.iter().find(|p| p.name == evil).unwrap());
    for html in [&lists.roles, &lists.skills, &gap.chart, &prod.chart] {
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("</text><script"), "{html}");
        assert_balanced(html);
    }
    assert!(lists.roles.contains("&lt;/text&gt;&lt;script&gt;"), "{}", lists.roles);
    // Clipped names keep their full text, escaped, as a tooltip.
    assert!(prod.chart.contains("<title>&lt;/text&gt;&lt;script&gt;alert(&quot;x&quot;)"));
    // Clipping counts characters, never splits one.
    assert_eq!(clip("Ёжик в тумане и ещё что-то длинное", 5), ("Ёжик…".to_string(), true));
}

#[test]
fn counts_on_a_tiny_cohort() {
    let subs = tiny();
    let cohort = cohort_of(&subs);
    let lists = ListCharts::new(&cohort);
    // Backend 2, Data Analyst 1, one student without a role.
    assert!(lists.roles.contains("Backend Engineer: 2; Data Analyst: 1; no recognised role: 1."), "{}", lists.roles);
    assert!(lists.roles.contains(">2 (50%)<") && lists.roles.contains(">1 (25%)<"));
    let backend = lists.roles.find(">Backend Engineer<").unwrap();
    let analyst = lists.roles.find(">Data Analyst<").unwrap();
    assert!(backend < analyst, "most chosen first");
    // Python: have 1, lack 1, asked by 2 postings.
    assert!(lists.skills.contains("Python: 1 have it, 1 lack it, 2 postings ask for it"), "{}", lists.skills);
    assert!(lists.skills.contains("Docker: 1 have it, 1 lack it, 2 postings ask for it"));
    // Docker, Python and SQL all total 4: ties by name.
    let order: Vec<usize> = ["Docker:", "Python:", "SQL:"].iter().map(|k| lists.skills.find(k).unwrap()).collect();
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{}", lists.skills);

    // Heatmap: "API" and "api" are one component; b counts once for Backend there.
    let shop = cohort.products.iter().find(|p| p.name == "Shop").unwrap();
    let chart = product_page(shop).chart;
    assert!(chart.contains("API: Backend Engineer 2, DevOps Engineer 1; App: Mobile Engineer 1."), "{chart}");
    assert!(chart.contains(r#"class="t-light">2</text>"#), "the largest cell is darkest: {chart}");
    let maps = cohort.products.iter().find(|p| p.name == "Maps").unwrap();
    assert!(product_page(maps).chart.contains("no-data"));
}

#[test]
fn gap_arithmetic() {
    let subs = tiny();
    let cohort = cohort_of(&subs);
    let gap = |s: &Submission| gap_page(cohort.gaps.gap(s));
    // a (Backend): Backend postings ask Python 2, Docker 2, Kafka 1, SQL 1.
    let a = gap(&subs[0]);
    let p = &a.page;
    assert_eq!(p.role.as_deref(), Some("Backend Engineer"));
    assert_eq!(p.fallback, None);
    assert_eq!((p.have, p.lack, p.unmentioned, p.total), (2, 1, 1, 4), "{p:?}");
    assert_eq!((p.postings, p.students), (3, 2));
    assert!(a.chart.contains("You have 2 of the 4 skills postings for Backend Engineer ask for most"), "{}", a.chart);
    assert!(a.chart.contains("Docker: asked by 2, lack; Python: asked by 2, have; Kafka: asked by 1, not listed"));
    // b has Docker and lacks Python.
    let b = gap(&subs[1]).page;
    assert_eq!((b.have, b.lack, b.unmentioned), (1, 1, 2));
    // d has no chosen role: cohort-wide, and says so.
    let d = gap(&subs[3]);
    assert_eq!((d.page.role.clone(), d.page.fallback), (None, Some("no-role")));
    assert_eq!((d.page.total, d.page.have, d.page.postings, d.page.students), (5, 0, 4, 3));
    assert!(d.chart.contains("the cohort&#39;s postings"));
    // A chosen role no posting is for falls back too.
    let mut e = subs[3].clone();
    e.chosen_role = subs[0].chosen_role.clone().map(|mut c| {
        c.canonical = Some("QA Engineer".into());
        c
    });
    let e = gap(&e).page;
    assert_eq!((e.chosen.as_deref(), e.role.clone(), e.fallback), (Some("QA Engineer"), None, Some("no-postings")));
    // Top 8 at most; a skill named twice in one posting counts once.
    let many: Vec<&str> = vec!["A", "B", "C", "D", "E", "F", "G", "H", "I", "J", "B"];
    let big = vec![sub("x", None, Some("R"), &["A"], &[], &[&many, &["J"]], &[])];
    let big_cohort = cohort_of(&big);
    let g = gap_page(big_cohort.gaps.gap(&big[0]));
    assert_eq!((g.page.total, g.page.have), (GAP_SKILLS, 1));
    assert!(g.chart.contains("J: asked by 2, not listed; A: asked by 1, have; B: asked by 1"), "{}", g.chart);
}

#[test]
fn deterministic_whatever_the_order_of_hashing() {
    let subs = tiny();
    let draw = || {
        let cohort = cohort_of(&subs);
        let shop = cohort.products.iter().find(|p| p.name == "Shop").unwrap();
        (ListCharts::new(&cohort).skills, gap_page(cohort.gaps.gap(&subs[2])).chart, product_page(shop).chart)
    };
    let a = draw();
    for _ in 0..20 {
        assert_eq!(a, draw());
    }
}

#[test]
fn empty_cohort_says_no_data() {
    let cohort = cohort_of(&[]);
    let lists = ListCharts::new(&cohort);
    assert!(lists.roles.contains("no-data") && lists.skills.contains("no-data"));
    assert!(completeness(&CohortReview::default()).contains("no-data"));
    let d = sub("d", None, None, &[], &[], &[], &[]);
    let gap = gap_page(cohort.gaps.gap(&d));
    assert_eq!(gap.page.total, 0);
    assert!(gap.chart.contains("no-data"));
}

#[test]
fn charts_are_labelled_images() {
    let subs = tiny();
    let cohort = cohort_of(&subs);
    let lists = ListCharts::new(&cohort);
    let review = CohortReview {
        reviews: [3, 14, 14, 9]
            .iter()
            .map(|&score| Review {
                score,
                max_score: 14,
                rubric: vec![],
                missing: vec![],
                findings: vec![],
                near_duplicates: vec![],
            })
            .collect(),
        near_duplicates: vec![],
    };
    let hist = completeness(&review);
    assert!(hist.contains("score 3: 1; score 9: 1; score 14: 2. Median score 11.5 of 14."), "{hist}");
    assert!(hist.contains("2 with full marks"));
    for svg in [&lists.roles, &lists.skills, &hist] {
        assert!(svg.contains(r#"role="img""#) && svg.contains("<title id=") && svg.contains("<desc id="));
        assert!(!svg.contains("style="), "CSP forbids inline styles");
        assert!(!svg.contains("<a "), "no links inside an image");
        assert_balanced(svg);
    }
}
