//! The command line: help with examples, no colour codes where they do not
//! belong, the summary line, and `init`.

use std::path::Path;
use std::process::{Command, Output};

fn bin() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_skills-atlas"));
    // Each test says what it wants of these.
    c.env_remove("NO_COLOR").env_remove("CLICOLOR_FORCE").env_remove("CLICOLOR");
    c
}

fn text(out: &Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn every_subcommand_has_help_with_examples() {
    for sub in ["build", "serve", "init", "check", "check-links", "taxonomy"] {
        let out = bin().args([sub, "--help"]).output().unwrap();
        assert!(out.status.success(), "{sub}");
        let (stdout, _) = text(&out);
        assert!(stdout.contains("Examples:"), "{sub} --help has no examples:\n{stdout}");
        assert!(stdout.contains(&format!("skills-atlas {sub}")), "{sub} --help shows no command:\n{stdout}");
        assert!(!stdout.contains('\x1b'), "{sub} --help is coloured into a pipe");
    }
    let (stdout, _) = text(&bin().arg("--help").output().unwrap());
    assert!(stdout.contains("Examples:") && stdout.contains("skills-atlas serve"), "{stdout}");
    let (stdout, _) = text(&bin().args(["serve", "--help"]).output().unwrap());
    assert!(stdout.contains("--port") && stdout.contains("temp dir"), "{stdout}");
}

/// A content folder with one good submission and one with a warning.
fn content(dir: &Path) -> std::path::PathBuf {
    let content = dir.join("content");
    let good = "# Roles\n\n## Components and roles\n\n- Backend API: Backend Developer\n\n## My chosen role\n\nRole: Backend Developer\n\n## Skills I already have\n\n- Python\n\n## Skills I clearly lack\n\n- Docker\n\n## Personal reflection\n\nI learned that backend work needs Docker more than I thought.\n";
    std::fs::create_dir_all(content.join("ivan__lab-01/docs")).unwrap();
    std::fs::write(content.join("ivan__lab-01/docs/roles-and-skills.md"), good).unwrap();
    std::fs::write(content.join("olga.md"), "").unwrap();
    content
}

#[test]
fn summary_line_and_no_escape_codes_off_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let content = content(dir.path());
    let run = |env: &[(&str, &str)], extra: &[&str]| {
        let mut c = bin();
        c.arg("build").arg(&content).arg("-o").arg(dir.path().join("public")).args(extra);
        for (k, v) in env {
            c.env(k, v);
        }
        c.output().unwrap()
    };
    let out = run(&[], &["--verbose"]);
    assert!(out.status.success());
    let (_, stderr) = text(&out);
    assert!(!stderr.contains('\x1b'), "escape codes into a pipe:\n{stderr:?}");
    let summary = stderr.lines().last().unwrap();
    let rest = summary.strip_prefix("Built 2 submissions, ").unwrap_or_else(|| panic!("{summary}"));
    let (pages, rest) = rest.split_once(" pages in ").unwrap_or_else(|| panic!("{summary}"));
    assert!(pages.parse::<usize>().unwrap() > 10, "{summary}");
    let (secs, rest) = rest.split_once(" s; ").unwrap_or_else(|| panic!("{summary}"));
    assert!(secs.len() >= 4 && secs.parse::<f64>().is_ok(), "{summary}");
    assert!(rest.ends_with("warning") || rest.ends_with("warnings"), "{summary}");
    assert!(stderr.contains("olga.md"), "--verbose lists the findings:\n{stderr}");

    // Forced colour shows the styling exists; NO_COLOR still wins.
    let (_, forced) = text(&run(&[("CLICOLOR_FORCE", "1")], &[]));
    assert!(forced.contains('\x1b'), "{forced:?}");
    let (_, plain) = text(&run(&[("CLICOLOR_FORCE", "1"), ("NO_COLOR", "1")], &[]));
    assert!(!plain.contains('\x1b'), "{plain:?}");
    assert_eq!(plain.lines().last().unwrap().split(" in ").next(), summary.split(" in ").next());

    // --quiet: nothing but errors.
    let out = run(&[], &["--quiet"]);
    assert!(out.status.success());
    assert_eq!(text(&out).1, "");
}

#[test]
fn init_creates_a_site_that_builds_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let site = dir.path().join("my-atlas");
    let out = bin().arg("init").arg(&site).output().unwrap();
    let (_, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(!stderr.contains('\x1b'));
    for f in ["content/config.yaml", "themes/atlas/templates/base.html", ".gitignore"] {
        assert!(site.join(f).is_file(), "{f}");
    }
    let config = std::fs::read_to_string(site.join("content/config.yaml")).unwrap();
    for key in ["title:", "base_url:", "theme:", "indexable:", "taxonomy:", "rubric:"] {
        assert!(config.contains(key), "config.yaml does not show {key}");
    }

    // `build` with no arguments, in the new folder, uses its config and theme.
    let theme = site.join("themes/atlas/templates/base.html");
    let base = std::fs::read_to_string(&theme).unwrap();
    std::fs::write(&theme, base.replace("Built by skills-atlas", "Made with our own theme")).unwrap();
    let out = bin().current_dir(&site).arg("build").output().unwrap();
    let (_, stderr) = text(&out);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.starts_with("Built 1 submission, "), "{stderr}");
    assert!(stderr.contains("no errors or warnings"), "the sample is a complete submission:\n{stderr}");
    let index = std::fs::read_to_string(site.join("public/index.html")).unwrap();
    assert!(index.contains("Made with our own theme"));
    let atlas: serde_json::Value =
        serde_json::from_slice(&std::fs::read(site.join("public/atlas.json")).unwrap()).unwrap();
    let sample = &atlas["submissions"][0];
    assert_eq!(sample["review"]["score"], sample["review"]["max_score"], "{}", sample["review"]);

    // A second init refuses and changes nothing, even where only one file is in the way.
    std::fs::write(site.join("content/config.yaml"), "title: Mine\n").unwrap();
    let out = bin().arg("init").arg(&site).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(text(&out).1.contains("refusing to overwrite"), "{}", text(&out).1);
    assert_eq!(std::fs::read_to_string(site.join("content/config.yaml")).unwrap(), "title: Mine\n");
    let other = dir.path().join("other");
    std::fs::create_dir_all(&other).unwrap();
    std::fs::write(other.join(".gitignore"), "target/\n").unwrap();
    let out = bin().arg("init").arg(&other).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(!other.join("content").exists(), "nothing is written when anything is in the way");
    assert_eq!(std::fs::read_to_string(other.join(".gitignore")).unwrap(), "target/\n");
}
