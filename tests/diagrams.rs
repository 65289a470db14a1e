//! Students' diagrams: found in the Markdown, resolved inside the fork (and
//! only there), copied into the site once per content, shown with `<img>`
//! on the submission and product pages; what does not resolve is a finding
//! with its file and line.

mod common;

use common::Site;
use common::diagrams::{EVIL_SVG, PNG, PUML, component_svg, fork_with_diagrams};
use std::path::Path;

fn page(site: &Site, rel: &str) -> String {
    std::fs::read_to_string(site.out().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// The `src` of every `<img>` on a page.
fn img_srcs(html: &str) -> Vec<String> {
    html.match_indices("<img ")
        .filter_map(|(i, _)| {
            let tag = &html[i..i + html[i..].find('>').unwrap()];
            let at = tag.find(" src=\"")? + 6;
            Some(tag[at..at + tag[at..].find('"').unwrap()].to_string())
        })
        .collect()
}

fn published(site: &Site) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(site.out().join("files"))
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

#[test]
fn embedded_diagrams_are_copied_and_shown_with_img() {
    let site = Site::new(&[]);
    fork_with_diagrams(&site, "olga__lab-01", &component_svg("Шлюз API"));
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(!run.stderr.contains("missing-image") && !run.stderr.contains("does not exist"), "{}", run.stderr);

    // One SVG, one PNG, the PlantUML source as text: named by content.
    let files = published(&site);
    let ext: Vec<&str> = files.iter().map(|f| f.rsplit('.').next().unwrap()).collect();
    assert_eq!(files.len(), 3, "{files:?}");
    for want in ["svg", "png", "txt"] {
        assert!(ext.contains(&want), "{files:?}");
    }
    let svg = files.iter().find(|f| f.ends_with(".svg")).unwrap();
    assert_eq!(std::fs::read(site.out().join("files").join(svg)).unwrap(), component_svg("Шлюз API").as_bytes());
    let png = files.iter().find(|f| f.ends_with(".png")).unwrap();
    assert_eq!(std::fs::read(site.out().join("files").join(png)).unwrap(), PNG);
    let txt = files.iter().find(|f| f.ends_with(".txt")).unwrap();
    assert_eq!(std::fs::read_to_string(site.out().join("files").join(txt)).unwrap(), PUML);

    let html = page(&site, "submissions/olga__lab-01/index.html");
    let srcs = img_srcs(&html);
    // The gallery and the rendered Markdown both point to the copy.
    let svg_url = format!("../../files/{svg}");
    assert_eq!(srcs.iter().filter(|s| **s == svg_url).count(), 2, "{srcs:?}");
    assert!(srcs.contains(&format!("../../files/{png}")), "{srcs:?}");
    assert!(html.contains(&format!("<img src=\"{svg_url}\" alt=\"Диаграмма компонентов\">")), "{html}");
    assert!(html.contains(&format!("href=\"../../files/{txt}\"")), "the PlantUML source is linked");
    // Never inline: the student's SVG markup is nowhere in the page.
    assert!(!html.contains("data-entity=\"api\""), "SVG inlined");
    site.assert_all_pages_safe();

    let atlas = site.atlas();
    let images = atlas["submissions"][0]["images"].as_array().unwrap();
    let kinds: Vec<&str> = images.iter().map(|i| i["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["svg", "plantuml", "png"], "{images:?}");
    assert_eq!(images[0]["resolved"], "olga__lab-01/docs/diagrams/out/telegram/Component Diagram.svg");
    assert_eq!(images[0]["line"], 9);
}

#[test]
fn what_does_not_resolve_is_a_finding_with_its_line() {
    let site = Site::new(&[]);
    site.write("ivan__lab/docs/roles-and-skills.md", common::good_submission("ivan").as_bytes());
    site.write("ivan__lab/.git/logo.png", PNG);
    site.write("ivan__lab/docs/diagrams/out/evil.svg", EVIL_SVG.as_bytes());
    site.write("ivan__lab/docs/diagrams/out/notes.png", b"just text, renamed to .png\n");
    site.write("ivan__lab/docs/big.png", &[PNG, &vec![0u8; 2 * 1024 * 1024 + 10]].concat());
    site.write("kate__lab/docs/roles-and-skills.md", common::good_submission("kate").as_bytes());
    site.write("kate__lab/docs/secret.png", PNG);
    let outside = site.dir.path().join("outside.png");
    std::fs::write(&outside, PNG).unwrap();
    #[cfg(unix)]
    std::os::unix::fs::symlink(&outside, site.content().join("ivan__lab/docs/link.png")).unwrap();
    let md = "# Architecture\n\n\
              ![Sequence](diagrams\\out\\sequence.svg)\n\n\
              ![Компоненты](./diagrams/out/components.svg)\n\n\
              ![logo](../.git/logo.png)\n\n\
              ![чужая](../../kate__lab/docs/secret.png)\n\n\
              ![evil](diagrams/out/evil.svg)\n\n\
              ![notes](diagrams/out/notes.png)\n\n\
              ![big](big.png)\n\n\
              ![link](link.png)\n\n\
              [исходник](diagrams/src/none.puml) ![remote](https://example.org/x.png)\n";
    site.write("ivan__lab/docs/architecture.md", md.as_bytes());
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let file = "ivan__lab/docs/architecture.md";
    run.assert_diag(file, 3, "backslashes");
    run.assert_diag(file, 5, "does not exist in your fork (looked for docs/diagrams/out/components.svg)");
    run.assert_diag(file, 7, "hidden");
    run.assert_diag(file, 9, "outside your fork");
    run.assert_diag(file, 11, "script");
    run.assert_diag(file, 13, "is not an SVG, PNG, JPEG, GIF or WebP");
    run.assert_diag(file, 15, "KB");
    #[cfg(unix)]
    run.assert_diag(file, 17, "symlink out of your fork");
    run.assert_diag(file, 19, "PlantUML source \"diagrams/src/none.puml\" does not exist");
    // Images on other hosts are not the fork's: no finding.
    assert!(!run.stderr.contains("example.org"), "{}", run.stderr);
    // Nothing of these was published.
    assert!(published(&site).is_empty(), "{:?}", published(&site));
    let html = page(&site, "submissions/ivan__lab/index.html");
    assert!(img_srcs(&html).is_empty(), "{:?}", img_srcs(&html));
    assert!(html.contains("Not shown: <code>./diagrams/out/components.svg</code>"), "{html}");
    let codes: Vec<String> = site.atlas()["submissions"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|s| s["review"]["findings"].as_array().unwrap().clone())
        .filter_map(|f| f["code"].as_str().map(str::to_string))
        .collect();
    let count = |c: &str| codes.iter().filter(|x| *x == c).count();
    assert_eq!(count("missing-image"), 6 - usize::from(cfg!(not(unix))), "{codes:?}");
    assert_eq!(count("image-refused"), 3, "{codes:?}");
}

#[test]
fn the_product_page_shows_each_distinct_component_diagram_once() {
    let site = Site::new(&[]);
    // Two students with the course's diagram, one who drew their own.
    fork_with_diagrams(&site, "anya__lab", &component_svg("API gateway"));
    fork_with_diagrams(&site, "boris__lab", &component_svg("API gateway"));
    fork_with_diagrams(&site, "vera__lab", &component_svg("Мой шлюз"));
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let atlas = site.atlas();
    let product = atlas["products"].as_array().unwrap().iter().find(|p| p["name"] == "Telegram").expect("Telegram");
    let slug = product["slug"].as_str().unwrap();
    let diagrams = product["diagrams"].as_array().unwrap();
    assert_eq!(diagrams.len(), 2, "{diagrams:?}");
    let who = |d: &serde_json::Value| -> Vec<String> {
        d["submissions"].as_array().unwrap().iter().map(|s| s["author"].as_str().unwrap().to_string()).collect()
    };
    assert_eq!(who(&diagrams[0]), ["anya", "boris"]);
    assert_eq!(who(&diagrams[1]), ["vera"]);
    let html = page(&site, &format!("products/{slug}/index.html"));
    let srcs = img_srcs(&html);
    assert_eq!(srcs.len(), 2, "{srcs:?}");
    for d in diagrams {
        assert!(srcs.contains(&format!("../../{}", d["published"].as_str().unwrap())), "{srcs:?}");
    }
    // The same bytes are one file, however many forks hold them.
    assert_eq!(published(&site).iter().filter(|f| f.ends_with(".svg")).count(), 2);
}

#[test]
fn published_files_are_the_same_whatever_the_thread_count() {
    let site = Site::new(&["lena"]);
    fork_with_diagrams(&site, "anya__lab", &component_svg("A"));
    fork_with_diagrams(&site, "boris__lab", &component_svg("B"));
    let build = |threads: &str, out: &Path| {
        let run = common::bin()
            .env("RAYON_NUM_THREADS", threads)
            .arg("build")
            .arg(site.content())
            .arg("-o")
            .arg(out)
            .arg("-q")
            .output()
            .unwrap();
        assert!(run.status.success(), "{}", String::from_utf8_lossy(&run.stderr));
        common::snapshot(out)
    };
    let one = build("1", &site.dir.path().join("one"));
    let four = build("4", &site.dir.path().join("four"));
    assert!(one.keys().any(|k| k.starts_with("files/")), "{:?}", one.keys());
    assert_eq!(one, four);
}

#[test]
fn a_loose_file_has_no_folder_to_resolve_images_in() {
    let site = Site::new(&["lena"]);
    site.write("solo.md", b"# Solo\n\n![diagram](diagram.svg)\n");
    site.write("diagram.svg", component_svg("x").as_bytes());
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.assert_diag("solo.md", 3, "single loose file");
    assert!(published(&site).is_empty());
}

#[test]
fn serve_republishes_a_diagram_when_it_changes() {
    use skills_atlas::session::{Kind, Session, SessionOptions};
    let site = Site::new(&["lena"]);
    fork_with_diagrams(&site, "anya__lab", &component_svg("Первая версия"));
    let out = site.dir.path().join("served");
    let mut s =
        Session::new(SessionOptions { content: site.content(), output: out.clone(), config: None, base_url: None })
            .unwrap();
    s.full_build().unwrap();
    let svg =
        site.write("anya__lab/docs/diagrams/out/telegram/Component Diagram.svg", component_svg("Вторая").as_bytes());
    let done = s.rebuild(&[svg.canonicalize().unwrap()]).unwrap();
    assert_eq!(done.kind, Kind::Incremental);
    assert!(done.changed.iter().any(|p| p == "submissions/anya__lab/index.html"), "{:?}", done.changed);
    s.refresh().unwrap();
    let fresh = site.dir.path().join("fresh");
    common::build_ok(&site.content(), &fresh, &["-q"]);
    let (ours, theirs) = (common::snapshot(&out), common::snapshot(&fresh));
    assert_eq!(ours.keys().collect::<Vec<_>>(), theirs.keys().collect::<Vec<_>>());
    assert!(ours == theirs, "the served site differs from a fresh build");
}

#[test]
fn a_fork_adds_a_bounded_number_of_image_references() {
    let site = Site::new(&["lena"]);
    site.write("eve/docs/roles-and-skills.md", common::good_submission("eve").as_bytes());
    let many: String = (0..150).map(|i| format!("![схема {i}](d/{i}.svg)\n\n")).collect();
    let long = format!("![{}]({}.svg)\n", "я".repeat(5000), "a/".repeat(800));
    site.write("eve/docs/architecture.md", format!("{long}\n{many}").as_bytes());
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let atlas = site.atlas();
    let eve = atlas["submissions"].as_array().unwrap().iter().find(|s| s["id"] == "eve").unwrap();
    let images = eve["images"].as_array().unwrap();
    assert_eq!(images.len(), 100, "at most 100 references are kept");
    // A target longer than any path is not one.
    assert_eq!(images[0]["target"], "d/0.svg");
    let missing = run.stderr.lines().filter(|l| l.contains("does not exist in your fork")).count();
    assert_eq!(missing, 100, "{}", run.stderr);
}
