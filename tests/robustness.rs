//! Issue 5: hostile and broken input. Each test builds a content folder with
//! the bad case plus good forks, runs the real binary, and checks that the
//! build finishes, names the bad file, publishes the good forks, and writes
//! nothing that could run script.

mod common;

use common::{Site, bin, snapshot};
use std::fs;

// ---------- encodings ----------

#[test]
fn bom_crlf_and_legacy_encodings_are_read_and_named() {
    let site = Site::new(&["anna"]);
    let bom_crlf = format!("\u{feff}{}", common::good_submission("bom")).replace('\n', "\r\n");
    site.write("bom/roles-and-skills.md", bom_crlf.as_bytes());
    let russian = common::good_submission("Иван").replace(
        "I am Иван and I learned that",
        "Я, Иван, понял, что серверная разработка требует знания баз данных и терпения;",
    );
    let (cp1251, _, _) = encoding_rs::WINDOWS_1251.encode(&russian);
    site.write("ivan/roles-and-skills.md", &cp1251);
    let spanish = common::good_submission("José Müller, señor");
    let (latin1, _, _) = encoding_rs::WINDOWS_1252.encode(&spanish);
    site.write("jose/roles-and-skills.md", &latin1);
    let mut utf16 = vec![0xFF, 0xFE];
    utf16.extend(common::good_submission("wide").encode_utf16().flat_map(u16::to_le_bytes));
    site.write("wide/roles-and-skills.md", &utf16);
    let mut stray = common::good_submission("stray ünïcode").into_bytes();
    stray.splice(3..3, [0xFF]);
    site.write("stray/roles-and-skills.md", &stray);

    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.assert_diag("ivan/roles-and-skills.md", 0, "windows-1251");
    run.assert_diag("jose/roles-and-skills.md", 0, "windows-1252");
    run.assert_diag("wide/roles-and-skills.md", 0, "UTF-16LE");
    run.assert_diag("stray/roles-and-skills.md", 1, "not valid UTF-8");
    assert!(!run.stderr.contains("bom/"), "BOM and CRLF are not worth a warning:\n{}", run.stderr);
    site.assert_published(&["anna", "bom", "ivan", "jose", "wide", "stray"]);
    assert!(site.output_contains("Иван") && site.output_contains("José Müller"));
    assert!(site.pages().iter().all(|(_, html)| !html.contains('\r')), "CR left in a page");
    site.assert_all_pages_safe();
}

#[test]
fn binary_and_empty_files_are_skipped_with_a_diagnostic() {
    let site = Site::new(&["anna"]);
    site.write("png/roles-and-skills.md", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x01\0");
    site.write("empty.md", b"");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "a file that could not be read is a finding, not a failed build: {}", run.stderr);
    run.assert_diag("png/roles-and-skills.md", 0, "binary");
    run.assert_diag("empty.md", 0, "empty");
    site.assert_published(&["anna"]);
    site.assert_all_pages_safe();
}

// ---------- size and shape ----------

#[test]
fn huge_and_deeply_nested_files_are_capped_not_fatal() {
    let site = Site::new(&["anna", "boris"]);
    let mut big = common::good_submission("big");
    while big.len() < 20 * 1024 * 1024 {
        big.push_str("Filler paragraph with some words in it, repeated to make a very large file.\n\n");
    }
    site.write("big/roles-and-skills.md", big.as_bytes());
    site.write("quotes.md", format!("{} deep quote\n", ">".repeat(50_000)).as_bytes());
    let lists: String = (0..1000).map(|i| format!("{}- level {i}\n", "  ".repeat(i))).collect();
    site.write("lists.md", lists.as_bytes());
    let mut table = String::from("| Component | Roles |\n|---|---|\n");
    for i in 0..5000 {
        table.push_str(&format!("| Part {i} | Developer {i} |\n"));
    }
    site.write("table.md", format!("## Components and roles\n\n{table}").as_bytes());
    site.write("long.md", format!("{}\n\n{}\n", "word ".repeat(400_000), "x".repeat(1_000_000)).as_bytes());
    site.write("divs.md", format!("{}inside\n", "<div>".repeat(100_000)).as_bytes());

    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.assert_diag("big/roles-and-skills.md", 0, "only the first 2097152");
    site.assert_published(&["anna", "boris", "big"]);
    for id in ["quotes", "lists", "table", "long", "divs"] {
        assert!(site.out().join(format!("submissions/{id}/index.html")).is_file(), "{id}");
    }
    let quotes = fs::read_to_string(site.out().join("submissions/quotes/index.html")).unwrap();
    assert!(quotes.contains("deep quote") && quotes.matches("<blockquote").count() < 100);
    let lists = fs::read_to_string(site.out().join("submissions/lists/index.html")).unwrap();
    assert!(lists.contains("level 999"));
    site.assert_all_pages_safe();
}

// ---------- file system ----------

#[cfg(unix)]
#[test]
fn symlinks_never_leave_the_content_folder_and_loops_end() {
    use std::os::unix::fs::symlink;
    let site = Site::new(&["anna"]);
    let secret = site.dir.path().join("secret.md");
    fs::write(&secret, "TOP-SECRET-GRADES do not publish").unwrap();
    fs::create_dir_all(site.content().join("eve/docs")).unwrap();
    symlink(&secret, site.content().join("eve/roles-and-skills.md")).unwrap();
    symlink(site.dir.path(), site.content().join("eve/docs/up")).unwrap();
    symlink(&secret, site.content().join("linked.md")).unwrap();
    symlink(site.dir.path(), site.content().join("outside-fork")).unwrap();
    fs::create_dir_all(site.content().join("loop")).unwrap();
    symlink("self.md", site.content().join("loop/self.md")).unwrap();
    symlink("../loop", site.content().join("loop/again")).unwrap();
    site.write("loop/notes.md", common::good_submission("loop").as_bytes());
    symlink("../anna/roles-and-skills.md", site.content().join("loop/copy.md")).unwrap();

    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.assert_diag("eve/roles-and-skills.md", 0, "outside the content folder");
    run.assert_diag("linked.md", 0, "outside the content folder");
    run.assert_diag("outside-fork", 0, "outside the content folder");
    run.assert_diag("loop/self.md", 0, "symlink loop");
    assert!(!site.output_contains("TOP-SECRET-GRADES"), "a file outside the content folder was published");
    site.assert_published(&["anna", "loop"]);
    site.assert_all_pages_safe();
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_folders_are_named() {
    use std::os::unix::fs::PermissionsExt;
    let site = Site::new(&["anna"]);
    let file = site.write("locked/roles-and-skills.md", b"# PRIVATE-TEXT\n");
    fs::set_permissions(&file, fs::Permissions::from_mode(0o000)).unwrap();
    site.write("shut/inner/roles-and-skills.md", b"# also private\n");
    let folder = site.content().join("shut/inner");
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o000)).unwrap();
    // A pipe named like a Markdown file: unreadable whoever runs the build.
    let pipe = site.content().join("piped/roles-and-skills.md");
    fs::create_dir_all(pipe.parent().unwrap()).unwrap();
    let made = std::process::Command::new("mkfifo").arg(&pipe).status().expect("mkfifo runs");
    assert!(made.success());

    // Root reads past chmod 000 (CI runs as root): the build then runs
    // without the capabilities that let it, so the modes hold as for anyone.
    let root = fs::read(&file).is_ok();
    if root && common::tool_missing("setpriv") {
        fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
        return;
    }
    let mut build = if root {
        let mut c = std::process::Command::new("setpriv");
        c.args(["--bounding-set=-dac_override,-dac_read_search", "--", env!("CARGO_BIN_EXE_skills-atlas")]);
        c
    } else {
        std::process::Command::new(env!("CARGO_BIN_EXE_skills-atlas"))
    };
    let output = build.arg("build").arg(site.content()).arg("-o").arg(site.out()).arg("--verbose").output().unwrap();
    let run = common::Run {
        code: output.status.code().expect("not killed by a signal"),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    };
    fs::set_permissions(&folder, fs::Permissions::from_mode(0o755)).unwrap();
    assert_eq!(run.code, 0, "{}", run.stderr);
    run.assert_diag("locked/roles-and-skills.md", 0, "permission denied");
    run.assert_diag("shut/inner", 0, "permission denied");
    run.assert_diag("piped/roles-and-skills.md", 0, "not a regular file");
    site.assert_published(&["anna"]);
    site.assert_all_pages_safe();
    assert!(!site.output_contains("PRIVATE-TEXT"));
}

#[test]
fn odd_names_and_names_differing_by_case_get_distinct_pages() {
    let site = Site::new(&["Ivan", "ivan", "Анна Петрова", "with space"]);
    site.write("José (2).md", common::good_submission("jose").as_bytes());
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let atlas = site.atlas();
    let id = |source: &str| {
        let subs = atlas["submissions"].as_array().unwrap();
        subs.iter().find(|s| s["source"] == source).unwrap()["id"].as_str().unwrap().to_string()
    };
    let ids = [id("Ivan"), id("ivan"), id("Анна Петрова"), id("with space"), id("José (2).md")];
    assert_eq!(ids[1], "ivan", "a name that is already an id keeps it");
    for (id, readable) in ids.iter().zip(["ivan--", "ivan", "анна-петрова--", "with-space--", "josé-2--"]) {
        assert!(id.starts_with(readable), "{id}");
    }
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    site.assert_published(&ids);
    let ivan = fs::read_to_string(site.out().join(format!("submissions/{}/index.html", ids[0]))).unwrap();
    let ivan2 = fs::read_to_string(site.out().join("submissions/ivan/index.html")).unwrap();
    assert_ne!(ivan, ivan2);
    site.assert_all_pages_safe();
}

// ---------- security ----------

const HOSTILE: &str = "## Components and roles\n\n\
<script>alert('x')</script>\n\n<img src=x onerror=alert(1)>\n\n<iframe src=\"https://evil.test\"></iframe>\n\n\
<style>body { display: none }</style>\n\n<svg onload=alert(1)><circle r=1 /></svg>\n\n\
<a href=\"jav&#x61;script:alert(1)\">a</a> <a href=\"java\tscript:alert(1)\">b</a> <a href=\" javascript:alert(1)\">c</a>\n\
<a href=\"JaVaScRiPt:alert(1)\">d</a> <a href=\"vbscript:msgbox(1)\">e</a> <a href=\"data:text/html,<script>x</script>\">f</a>\n\
<a href=\"java&#x0A;script:alert(1)\">g</a> <div onclick=\"alert(1)\" style=\"color:red\">h</div>\n\n\
[md link](javascript:alert(1)) ![md image](javascript:alert(1)) <javascript:alert(1)> [ref][r]\n\n\
[r]: data:text/html;base64,PHNjcmlwdD4=\n\n\
<math><mi xlink:href=\"javascript:alert(1)\">m</mi></math> <form action=\"https://evil.test\"><input></form>\n\n\
Template text: {{ site.title }} and {% raw %}x{% endraw %} and {# note #}\n\n\
[external](https://example.test/page)\n\n\
## Job market snapshot\n\n### Posting 1: Evil job\n\n[apply](javascript:alert(1))\n\n### Posting 2: Data job\n\n<data:text/html,hello>\n";

#[test]
fn student_html_and_links_cannot_attack_readers() {
    let site = Site::new(&["anna"]);
    site.write("mallory/roles-and-skills.md", HOSTILE.as_bytes());
    site.write(
        "mallory/architecture.md",
        b"# Product choice\n\n<script>alert('arch')</script> Evil<img src=x onerror=1> Inc\n",
    );
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site.assert_published(&["anna"]);
    site.assert_all_pages_safe();
    let page = fs::read_to_string(site.out().join("submissions/mallory/index.html")).unwrap();
    assert!(page.contains("{{ site.title }}") && page.contains("{% raw %}"), "template syntax not shown literally");
    assert!(page.contains("href=\"https://example.test/page\" rel=\"nofollow noopener noreferrer\""), "{page}");
    assert!(page.contains("https://jobs.example/1") || site.output_contains("https://jobs.example/1"));
}

#[test]
fn posting_urls_become_links_only_for_http() {
    let site = Site::new(&["anna"]);
    let text = common::good_submission("mallory")
        .replace("https://jobs.example/1", "[apply](javascript:alert(document.cookie))");
    site.write("mallory/roles-and-skills.md", text.as_bytes());
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let atlas = site.atlas();
    let mallory = atlas["submissions"].as_array().unwrap().iter().find(|s| s["id"] == "mallory").unwrap();
    // Extraction may drop the URL already; if it keeps it, the template must not link it.
    let url = &mallory["postings"][0]["url"];
    assert!(url.is_null() || url == "javascript:alert(document.cookie)", "{url}");
    let anna = fs::read_to_string(site.out().join("submissions/anna/index.html")).unwrap();
    assert!(anna.contains("href=\"https://jobs.example/1\""), "http posting links are kept");
    site.assert_all_pages_safe();
}

// ---------- output safety ----------

#[test]
fn output_folders_that_would_destroy_input_are_refused() {
    let site = Site::new(&["anna"]);
    let home = site.dir.path().join("home");
    fs::create_dir(&home).unwrap();
    fs::write(home.join("thesis.txt"), "mine").unwrap();
    let cases = [
        (site.content(), "content folder"),
        (site.dir.path().to_path_buf(), "holds the content folder"),
        (site.content().join("site"), "inside the content folder"),
        ("/".into(), "root"),
    ];
    for (out, why) in &cases {
        let run = site.build_to(out, &[]);
        assert_eq!(run.code, 2, "{why}: {}", run.stderr);
        assert!(run.stderr.contains("refusing"), "{why}: {}", run.stderr);
    }
    let output = bin()
        .args(["build".as_ref(), site.content().as_os_str(), "-o".as_ref(), home.as_os_str()])
        .env("HOME", &home)
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("home folder"));
    assert_eq!(fs::read_to_string(home.join("thesis.txt")).unwrap(), "mine");
    assert!(site.content().join("anna/roles-and-skills.md").is_file());
    assert!(!site.content().join("site").exists());
}

#[test]
fn a_folder_we_did_not_write_is_never_replaced() {
    let site = Site::new(&["anna"]);
    fs::create_dir(site.out()).unwrap();
    fs::write(site.out().join("notes.txt"), "keep me").unwrap();
    let run = site.build(&[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("not written by skills-atlas"), "{}", run.stderr);
    assert_eq!(fs::read_dir(site.out()).unwrap().count(), 1);
    assert_eq!(fs::read_to_string(site.out().join("notes.txt")).unwrap(), "keep me");
}

#[test]
fn a_failed_build_leaves_the_previous_site_byte_identical() {
    let site = Site::new(&["anna"]);
    assert_eq!(site.build(&[]).code, 0);
    let before = snapshot(&site.out());
    site.write("boris/roles-and-skills.md", common::good_submission("boris").as_bytes());
    site.write("config.yaml", b"title: [unclosed\n");
    let run = site.build(&[]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("config.yaml") && run.stderr.contains("line 1"), "{}", run.stderr);
    assert_eq!(snapshot(&site.out()), before);
    let leftovers: Vec<_> = fs::read_dir(site.dir.path()).unwrap().flatten().map(|e| e.file_name()).collect();
    assert_eq!(leftovers.len(), 2, "staging folders left behind: {leftovers:?}");
    fs::remove_file(site.content().join("config.yaml")).unwrap();
    assert_eq!(site.build(&[]).code, 0);
    site.assert_published(&["anna", "boris"]);
}

// ---------- exit status ----------

#[test]
fn exit_status_is_0_for_findings_1_for_findings_with_strict() {
    let site = Site::new(&["anna"]);
    site.write("blank.md", b"\n");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "warnings only: {}", run.stderr);
    run.assert_diag("blank.md", 0, "warning");
    let run = site.build(&["--strict"]);
    assert_eq!(run.code, 1, "--strict makes warnings fatal: {}", run.stderr);
    site.write("bin.md", b"\0\0\0\0");
    let run = site.build(&[]);
    assert_eq!(run.code, 0, "one student's unreadable file must not stop the deploy: {}", run.stderr);
    run.assert_diag("bin.md", 0, "error");
    assert_eq!(site.build(&["--strict"]).code, 1);
    site.assert_published(&["anna"]);
}
