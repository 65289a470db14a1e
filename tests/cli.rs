//! The command line: help with examples, no colour codes where they do not
//! belong, the summary line, and `init`.

mod common;
use common::bin;

use std::path::Path;
use std::process::{Command, Output};

fn text(out: &Output) -> (String, String) {
    (String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn every_subcommand_has_help_with_examples() {
    for sub in ["build", "serve", "init", "check", "check-links", "taxonomy", "completions", "man"] {
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

    // --quiet: nothing but errors (the sections the good one lacks).
    let out = run(&[], &["--quiet"]);
    assert!(out.status.success());
    let quiet = text(&out).1;
    assert!(quiet.lines().all(|l| l.contains(": error: ")), "{quiet}");
    assert!(quiet.contains("ivan__lab-01/docs/roles-and-skills.md:") && quiet.contains("is missing"), "{quiet}");
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

/// Run the bash completion function for the words typed so far (the last
/// one being completed); the candidates it offers.
fn bash_complete(script: &Path, words: &[&str]) -> Vec<String> {
    let cword = words.len() - 1;
    let (cur, prev) = (words[cword], words[cword.saturating_sub(1)]);
    let program = format!(
        "source \"$0\" || exit 9; COMP_WORDS=({}); COMP_CWORD={cword}; _skills__atlas skills-atlas '{cur}' '{prev}'; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        words.iter().map(|w| format!("'{w}'")).collect::<Vec<_>>().join(" ")
    );
    let out = Command::new("bash").arg("-c").arg(program).arg(script).output().unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    text(&out).0.lines().filter(|l| !l.is_empty()).map(str::to_string).collect()
}

#[test]
fn completions_load_in_bash_and_complete_subcommands_and_their_options() {
    if common::tool_missing("bash") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("skills-atlas.bash");
    let out = bin().args(["completions", "bash"]).output().unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    std::fs::write(&script, &out.stdout).unwrap();
    let syntax = Command::new("bash").arg("-n").arg(&script).output().unwrap();
    assert!(syntax.status.success(), "bash -n: {}", text(&syntax).1);

    let mut subs = bash_complete(&script, &["skills-atlas", "che"]);
    subs.sort();
    assert_eq!(subs, ["check", "check-links"]);
    assert_eq!(bash_complete(&script, &["skills-atlas", "build", "--ba"]), ["--base-url"]);
    assert_eq!(bash_complete(&script, &["skills-atlas", "check", "--format", ""]), ["text", "json"]);
    assert_eq!(bash_complete(&script, &["skills-atlas", "completions", "fi"]), ["fish"]);

    for shell in ["zsh", "fish", "elvish", "powershell"] {
        let out = bin().args(["completions", shell]).output().unwrap();
        assert!(out.status.success() && text(&out).0.contains("check-links"), "{shell}: {}", text(&out).1);
    }
    assert_eq!(bin().args(["completions", "tcsh"]).output().unwrap().status.code(), Some(2));
}

/// `man -l FILE` as a reader sees it: the page's text, and what man or groff
/// complained of.
fn man_text(page: &Path) -> (String, String) {
    let out = Command::new("man")
        .arg("-l")
        .arg(page)
        .env("MANPAGER", "cat")
        .env("MANWIDTH", "100")
        .env("MAN_KEEP_FORMATTING", "")
        .output()
        .unwrap();
    assert!(out.status.success(), "man -l {}: {}", page.display(), text(&out).1);
    text(&out)
}

#[test]
fn man_pages_render_with_man() {
    if common::tool_missing("man") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let page = dir.path().join("skills-atlas.1");
    let out = bin().arg("man").output().unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    std::fs::write(&page, &out.stdout).unwrap();
    let (shown, complaints) = man_text(&page);
    assert_eq!(complaints, "", "man or groff warned");
    for words in ["NAME", "SYNOPSIS", "skills-atlas-build(1)", "skills-atlas-check-links(1)", "Examples:"] {
        assert!(shown.contains(words), "no {words:?} in the man page:\n{shown}");
    }
    assert!(!shown.contains("\\f") && !shown.contains(".TH"), "roff shown raw:\n{shown}");

    // One page per command into a folder; each renders with its options.
    let pages = dir.path().join("man1");
    let out = bin().arg("man").arg("--dir").arg(&pages).output().unwrap();
    assert!(out.status.success(), "{}", text(&out).1);
    let mut names: Vec<String> =
        std::fs::read_dir(&pages).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
    names.sort();
    for want in
        ["skills-atlas.1", "skills-atlas-build.1", "skills-atlas-serve.1", "skills-atlas-check.1", "skills-atlas-man.1"]
    {
        assert!(names.iter().any(|n| n == want), "no {want} in {names:?}");
    }
    assert!(!names.iter().any(|n| n.contains("help")), "clap's help subcommand has no page: {names:?}");
    let (build, complaints) = man_text(&pages.join("skills-atlas-build.1"));
    assert_eq!(complaints, "");
    assert!(build.contains("--base-url") && build.contains("skills-atlas build"), "{build}");

    // A subcommand's page alone; an unknown one is an error.
    let out = bin().args(["man", "check"]).output().unwrap();
    assert!(text(&out).0.contains("skills\\-atlas\\-check"), "{}", text(&out).0);
    assert_eq!(bin().args(["man", "nope"]).output().unwrap().status.code(), Some(2));
}
