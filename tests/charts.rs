//! The build-time charts reach their pages: the overview, the roles list, a
//! product, the review and every submission carry a labelled inline SVG.

mod common;

use common::build_ok;
use std::path::PathBuf;

/// Each chart in `html`, from `<svg` to `</svg>`.
fn charts(html: &str) -> Vec<&str> {
    html.match_indices("<svg ")
        .map(|(i, _)| {
            let end = html[i..].find("</svg>").map(|e| i + e + "</svg>".len()).expect("every svg is closed");
            &html[i..end]
        })
        .collect()
}

/// A chart is an image named by a title and described by a desc, with no
/// inline style (the CSP forbids it) and no link (an image's children are
/// hidden from assistive technology).
fn assert_labelled(page: &str, svg: &str) {
    assert!(svg.contains(r#"role="img""#), "{page}: {svg}");
    let id = svg.split("aria-labelledby=\"").nth(1).and_then(|r| r.split('"').next()).expect("aria-labelledby");
    assert!(svg.contains(&format!("<title id=\"{id}\">")), "{page}: title {id} missing");
    let desc = svg.split("aria-describedby=\"").nth(1).and_then(|r| r.split('"').next()).expect("aria-describedby");
    assert!(svg.contains(&format!("<desc id=\"{desc}\">")), "{page}: desc {desc} missing");
    assert!(svg.contains("viewBox=\"0 0 "), "{page}: scales with its viewBox");
    assert!(!svg.contains("style="), "{page}: inline style");
    assert!(!svg.contains("<a ") && !svg.contains("href="), "{page}: link inside an image");
}

#[test]
fn charts_are_on_their_pages_with_titles() {
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("public");
    build_ok(&PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("content"), &out, &["-q"]);
    let read = |p: &str| std::fs::read_to_string(out.join(p)).unwrap_or_else(|e| panic!("{p}: {e}"));

    let expect = [
        ("index.html", vec!["roles-chart", "skills-chart"]),
        ("roles/index.html", vec!["roles-chart"]),
        ("review/index.html", vec!["score-chart"]),
    ];
    for (page, ids) in expect {
        let html = read(page);
        let found = charts(&html);
        assert_eq!(found.len(), ids.len(), "{page}");
        for (svg, id) in found.iter().zip(ids) {
            assert!(svg.contains(&format!("aria-labelledby=\"{id}-title\"")), "{page}: {id}");
            assert_labelled(page, svg);
        }
    }
    // Numbers are drawn, not only encoded in lengths.
    assert!(read("index.html").contains(r#"class="v">5 (31%)</text>"#));

    // Every product with mapped components has a heatmap; every submission its gap.
    let atlas: serde_json::Value = serde_json::from_str(&read("atlas.json")).unwrap();
    let mut heatmaps = 0;
    for p in atlas["products"].as_array().unwrap() {
        let page = format!("products/{}/index.html", p["slug"].as_str().unwrap());
        let html = read(&page);
        for svg in charts(&html) {
            assert_labelled(&page, svg);
            heatmaps += 1;
        }
        assert!(html.contains("aria-labelledby=\"heatmap-title\"") || html.contains("no-data"), "{page}");
    }
    assert!(heatmaps >= 3, "only {heatmaps} products have a heatmap");
    for s in atlas["submissions"].as_array().unwrap() {
        let page = format!("submissions/{}/index.html", s["id"].as_str().unwrap());
        let html = read(&page);
        let found = charts(&html);
        assert_eq!(found.len(), 1, "{page}: one gap chart");
        assert_labelled(&page, found[0]);
        assert!(html.contains("You have "), "{page}: the gap in words");
    }
}

#[test]
fn a_cohort_without_data_builds_with_no_data_notes() {
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    std::fs::create_dir(&content).unwrap();
    // One blank submission (a folder with none is an error, tests/cohort_shape.rs):
    // no skills at all, so the skills chart is a note; the other pages still build.
    std::fs::write(content.join("blank.md"), "\n").unwrap();
    let out = tmp.path().join("public");
    build_ok(&content, &out, &["-q"]);
    let index = std::fs::read_to_string(out.join("index.html")).unwrap();
    assert!(index.contains("class=\"muted no-data\">No skills had, lacked or asked for yet."), "{index}");
    for page in ["roles/index.html", "review/index.html"] {
        assert!(std::fs::read_to_string(out.join(page)).unwrap().contains("class=\"chart "), "{page}");
    }
}
