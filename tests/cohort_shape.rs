//! Issue 17: a content folder that is not a cohort is said to be one: none
//! found is an error; a submission that is really a folder of forks, or holds
//! another fork, or very many Markdown files, gets a warning naming the
//! folder to build instead.

mod common;

use common::Site;
use std::process::Command;

/// `build CONTENT -o OUT` without --verbose: exit code and stderr.
fn build_plain(site: &Site) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_skills-atlas"))
        .arg("build")
        .arg(site.content())
        .arg("-o")
        .arg(site.out())
        .output()
        .unwrap();
    (out.status.code().unwrap(), String::from_utf8_lossy(&out.stderr).into_owned())
}

#[test]
fn an_empty_content_folder_is_an_error() {
    let site = Site::new(&[]);
    let (code, stderr) = build_plain(&site);
    assert_eq!(code, 2, "{stderr}");
    let expected =
        format!("no submissions found in {}: expected one folder per fork or .md files", site.content().display());
    assert!(stderr.contains(&expected), "{stderr}");
    assert!(!site.out().exists(), "nothing is written");
    // Only what is never a submission: still none.
    site.write("config.yaml", b"title: Empty class\n");
    site.write("README.md", b"# About this class\n");
    site.write(".git/notes/x.md", b"# not a fork\n");
    site.write("_drafts/y.md", b"# not a fork either\n");
    let (code, stderr) = build_plain(&site);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("no submissions found in"), "{stderr}");
    // One fork: it builds.
    site.write("anna/docs/roles-and-skills.md", common::good_submission("anna").as_bytes());
    let (code, stderr) = build_plain(&site);
    assert_eq!(code, 0, "{stderr}");
}

#[test]
fn a_folder_of_forks_gets_a_warning_naming_the_folder_to_build() {
    let site = Site::new(&["anna"]);
    for who in ["bob__lab-01", "cleo__lab-01", "dan__lab-01"] {
        site.write(&format!("class/{who}/docs/roles-and-skills.md"), common::good_submission(who).as_bytes());
        site.write(&format!("class/{who}/docs/architecture.md"), b"# Architecture\n\nA client and a server.\n");
        site.write(&format!("class/{who}/README.md"), b"# Lab 1\n");
    }
    let (code, stderr) = build_plain(&site);
    assert_eq!(code, 0, "a warning: the build still goes on: {stderr}");
    let warning = "class: warning: this looks like a folder of forks (3 inside, such as class/bob__lab-01), \
                   read as one submission: build content/class instead";
    assert!(stderr.lines().any(|l| l == warning), "shown without --verbose:\n{stderr}");
    assert!(!stderr.contains("anna: warning"), "{stderr}");
    // Built one level down, as suggested: three forks, no warning.
    let site2 = Site { dir: tempfile::tempdir().unwrap() };
    std::fs::create_dir(site2.content()).unwrap();
    let copy = Command::new("cp").arg("-r").arg(site.content().join("class/.")).arg(site2.content()).status().unwrap();
    assert!(copy.success());
    let (code, stderr) = build_plain(&site2);
    assert_eq!(code, 0, "{stderr}");
    assert!(!stderr.contains("folder of forks") && !stderr.contains("instead"), "{stderr}");
    site2.assert_published(&["bob__lab-01", "cleo__lab-01", "dan__lab-01"]);
}

#[test]
fn a_fork_holding_another_fork_is_told_to_move_it() {
    let site = Site::new(&[]);
    site.write("anna/docs/roles-and-skills.md", common::good_submission("anna").as_bytes());
    site.write("anna/template-copy/docs/architecture.md", b"# Architecture\n\nFill in.\n");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.assert_diag("anna", 0, "holds another fork (anna/template-copy)");
    assert!(run.stderr.contains("move it out of this folder"), "{}", run.stderr);
    // One fork wrapped in a folder is still one submission: no warning.
    let site = Site::new(&[]);
    site.write("anna/lab-01/docs/roles-and-skills.md", common::good_submission("anna").as_bytes());
    let run = site.build(&[]);
    assert!(!run.stderr.contains("another fork") && !run.stderr.contains("folder of forks"), "{}", run.stderr);
}

#[test]
fn a_submission_with_very_many_markdown_files_gets_a_warning() {
    let site = Site::new(&["anna"]);
    site.write("notes/roles-and-skills.md", common::good_submission("notes").as_bytes());
    for i in 0..24 {
        site.write(&format!("notes/week-{i:02}.md"), format!("# Week {i}\n\nWhat I did.\n").as_bytes());
    }
    let (code, stderr) = build_plain(&site);
    assert_eq!(code, 0, "{stderr}");
    let warning = "notes: warning: 25 Markdown files, more than 20: if this folder holds several submissions, \
                   build content/notes instead";
    assert!(stderr.lines().any(|l| l == warning), "{stderr}");
    // Twenty is not too many.
    std::fs::remove_dir_all(site.content().join("notes")).unwrap();
    for i in 0..20 {
        site.write(&format!("few/part-{i:02}.md"), format!("# Part {i}\n").as_bytes());
    }
    let run = site.build(&[]);
    assert!(!run.stderr.contains("Markdown files, more than"), "{}", run.stderr);
}
