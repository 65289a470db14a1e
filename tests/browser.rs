//! End to end in a real browser: the example site and a hostile cohort are
//! built, served on loopback under `/atlas/` (as GitHub Pages serves a
//! project site) and driven in headless Chromium by `tests/e2e/run.js`
//! (playwright-core and axe-core): navigation across every page type by
//! clicking, search, console errors and failed requests, payloads that must
//! never run, accessibility, a theme's own stylesheet and script under the
//! Content-Security-Policy, students' diagrams shown (and a scripted SVG
//! inert) through `<img>`, screenshots (into `target/screenshots/`).
//!
//! Needs `/usr/bin/chromium` (or `$CHROMIUM`) and Node.js 20+; runs `npm ci`
//! in tests/e2e when its node_modules is missing. Without them the test says
//! why it skips, and fails under `CI=true`.

mod common;

use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// The whole browser run, at most (it takes about 20 s).
const NODE_TIMEOUT: Duration = Duration::from_secs(180);

fn manifest_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Skip (locally) or fail (under CI) because something is not installed.
fn missing(what: &str) {
    assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but {what}; .ci/run installs it");
    eprintln!("skipping the browser tests: {what} (.ci/run installs it)");
}

/// Node's major version, if `node` runs.
fn node_major() -> Option<u32> {
    let out = Command::new("node").arg("--version").output().ok()?;
    let v = String::from_utf8_lossy(&out.stdout);
    v.trim().trim_start_matches('v').split('.').next()?.parse().ok()
}

/// tests/e2e/node_modules, installed from the lock file when missing or
/// not the locked versions (so no registry is needed once installed).
fn node_modules(e2e: &Path) -> Result<(), String> {
    let json = |p: PathBuf| -> serde_json::Value {
        std::fs::read(p).ok().and_then(|b| serde_json::from_slice(&b).ok()).unwrap_or_default()
    };
    let lock = json(e2e.join("package-lock.json"));
    let installed = |m: &str| {
        let want = &lock["packages"][format!("node_modules/{m}")]["version"];
        want.is_string() && json(e2e.join("node_modules").join(m).join("package.json"))["version"] == *want
    };
    // Both tests here may ask at once: one installs, the other waits.
    static INSTALLING: std::sync::Mutex<()> = std::sync::Mutex::new(());
    let _one_at_a_time = INSTALLING.lock().unwrap_or_else(|e| e.into_inner());
    if installed("playwright-core") && installed("axe-core") && installed("html-validate") {
        return Ok(());
    }
    eprintln!("installing tests/e2e/node_modules (npm ci)");
    let out = Command::new("npm")
        .args(["ci", "--no-audit", "--no-fund"])
        .current_dir(e2e)
        .output()
        .map_err(|e| format!("npm is not installed ({e})"))?;
    assert!(
        out.status.success(),
        "npm ci in tests/e2e failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    Ok(())
}

// ---------- a static server: GitHub Pages rules, std only ----------

// ---------- the hostile cohort ----------

/// Each payload either sets `window.__pwned` or changes the page title; the
/// browser test fails if either ever happens.
/// A folder name is the author (up to `__`), shown on many pages.
const HOSTILE_AUTHOR: &str = "mallory<img src=x onerror=document.title='PWNED'>";

fn hostile_roles() -> String {
    r#"# Roles and skills <script>window.__pwned='h1'</script>

## Components and roles

| Component | Roles |
|---|---|
| Payments <img src=x onerror="window.__pwned='table'"> | Backend Developer |
| <svg onload="window.__pwned='svg'"><script>window.__pwned='svg-script'</script></svg> Search | QA Engineer |
| Mobile app"><script>document.title='PWNED'</script> | iOS Developer<img src=x onerror=document.title='PWNED'> |

## Roles and responsibilities

- **Backend Developer**: builds <a href="javascript:window.__pwned='a-href'">the API</a> and [tests](javascript:window.__pwned='md-link') it
- **QA Engineer**: <details open ontoggle="window.__pwned='toggle'"><summary>tests</summary>everything</details>

## Common skills across roles

- Git, <iframe srcdoc="<script>parent.__pwned='iframe'</script>"></iframe>
- <svg><a xlink:href="javascript:window.__pwned='xlink'"><text x="0" y="15">SQL</text></a></svg>

## My chosen role

Role: Backend Developer<script>document.title='PWNED'</script>

## Skills I already have

- Python, SQL, "><svg/onload=window.__pwned='attr'>
- Template text {{ site.title }} {% if true %}tera{% endif %} ${7*7} {{constructor.constructor('window.__pwned=1')()}}

## Skills I clearly lack

- Kubernetes <math><mtext><table><mglyph><style><img src=x onerror=window.__pwned='mxss'>
- <noscript><p title="</noscript><img src=x onerror=window.__pwned='noscript'>">

## Job market snapshot

### Posting 1: Backend <img src=x onerror=window.__pwned='posting'>

[apply](javascript:window.__pwned='posting-link')

Skills: Python, Docker

### Posting 2: Data job

<a href="  jav&#x09;ascript:window.__pwned='entity'">apply</a> https://jobs.example/2

Skills: SQL, Docker

## Personal reflection

I wrote this reflection in my own words: the hardest part was telling roles
apart. <object data="javascript:window.__pwned='object'"></object>
<embed src="javascript:window.__pwned='embed'"> <form action="javascript:window.__pwned='form'"><button>send</button></form>
<base href="https://evil.test/"> <meta http-equiv="refresh" content="0;url=javascript:window.__pwned='meta'">
<style>body { display: none }</style> <div style="background:url(javascript:window.__pwned='css')">styled</div>
<img src="data:image/svg+xml,<svg onload=window.__pwned='data-svg'>">
"#
    .to_string()
}

fn hostile_site(dir: &Path, base_url: &str) -> common::Site {
    let site = common::Site::new(&["anna", "boris"]);
    site.write(&format!("{HOSTILE_AUTHOR}__lab-01/docs/roles-and-skills.md"), hostile_roles().as_bytes());
    site.write(
        &format!("{HOSTILE_AUTHOR}__lab-01/docs/architecture.md"),
        b"# Product choice\n\nEvil<script>window.__pwned='product'</script> Corp<img src=x onerror=window.__pwned='p'>\n\n\
          ## Main components\n\n- <svg onload=window.__pwned='component'>Feed\n",
    );
    // A loose file whose name is the payload.
    site.write("\"><svg onload=document.title='PWNED'>.md", common::good_submission("loose").as_bytes());
    let run = site.build_to(&dir.join("hostile"), &["--base-url", base_url]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
}

/// A site whose theme replaces `static/style.css`, adds a script of its own
/// (linked from its `base.html`) and tries inline code the CSP must stop.
fn themed_site(dir: &Path, base_url: &str) -> common::Site {
    let site = common::Site::new(&["anna", "boris"]);
    site.write("config.yaml", b"title: Themed\ntheme: custom\n");
    let theme = site.dir.path().join("themes/custom");
    std::fs::create_dir_all(theme.join("static")).unwrap();
    std::fs::create_dir_all(theme.join("templates")).unwrap();
    let css = ":root { --theme-marker: custom; }\nbody { background: rgb(1, 2, 3); color: rgb(250, 250, 250); }\n";
    std::fs::write(theme.join("static/style.css"), css).unwrap();
    std::fs::write(theme.join("static/theme.js"), "document.documentElement.dataset.themeScript = 'ran';\n").unwrap();
    let base = std::fs::read_to_string(manifest_dir().join("themes/default/templates/base.html")).unwrap();
    let extra = "<script src=\"{{ root }}static/theme.js\" defer></script>\n\
                 <script>window.__inline = 'ran';</script>\n<style>body { --inline-style: applied; }</style>\n</head>";
    std::fs::write(theme.join("templates/base.html"), base.replacen("</head>", extra, 1)).unwrap();
    let run = site.build_to(&dir.join("themed"), &["--base-url", base_url]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
}

/// A fork whose page shows images (and other ways to load a URL) from
/// `other`, a second host: the page must request nothing from it.
fn images_site(dir: &Path, base_url: &str, other: &str) -> common::Site {
    let site = common::Site::new(&["anna"]);
    let text = format!(
        "# Eve\n\n![a tracking pixel]({other}pixel.png) ![]({other}no-alt.png)\n\n\
         <img src=\"{other}raw.png\" alt=\"raw\"> <img srcset=\"{other}set.png 1x\" alt=\"set\">\n\n\
         <picture><source srcset=\"{other}source.png\"><img src=\"{other}picture.png\" alt=\"p\"></picture>\n\n\
         <video poster=\"{other}poster.png\" src=\"{other}v.mp4\"></video> <audio src=\"{other}a.mp3\"></audio>\n\n\
         <div style=\"background: url({other}css.png)\">styled</div> <link rel=\"prefetch\" href=\"{other}prefetch\">\n\n\
         [a link]({other}page.html) ![http too]({http}http.png)\n",
        http = other.replace("https:", "http:")
    );
    site.write("eve/roles-and-skills.md", text.as_bytes());
    let run = site.build_to(&dir.join("images"), &["--base-url", base_url]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    site
}

/// The file name planted in the diagrams site's `files/`, as if the build's
/// script check had let a scripted SVG through.
const PLANTED_SVG: &str = "0123456789abcdef0123456789abcdef.svg";

/// A fork embedding its diagrams (an SVG, a PNG, a PlantUML source), and a
/// fork embedding an SVG with a script (refused, so never published) and
/// pointing at [`PLANTED_SVG`], written into the built site after the build:
/// a scripted SVG the page shows with `<img>`, where no script runs.
fn diagrams_site(dir: &Path, base_url: &str) -> common::Site {
    use common::diagrams::{EVIL_SVG, component_svg, fork_with_diagrams};
    let site = common::Site::new(&[]);
    fork_with_diagrams(&site, "olga__lab-01", &component_svg("API gateway"));
    site.write("mallory__lab/docs/roles-and-skills.md", common::good_submission("mallory").as_bytes());
    site.write("mallory__lab/docs/evil.svg", EVIL_SVG.as_bytes());
    let md = format!(
        "# Telegram\n\n![evil](evil.svg)\n\n<img src=\"evil.svg\" alt=\"raw\">\n\n\
         ![planted](../../files/{PLANTED_SVG})\n"
    );
    site.write("mallory__lab/docs/architecture.md", md.as_bytes());
    let out = dir.join("diagrams");
    let run = site.build_to(&out, &["--base-url", base_url]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    assert!(run.stderr.contains("image-refused") || run.stderr.contains("script"), "{}", run.stderr);
    std::fs::write(out.join("files").join(PLANTED_SVG), EVIL_SVG).unwrap();
    site
}

/// A server on `listener` counting the connections made to it (a TLS
/// handshake for an `https:` image counts: it already tells the host who
/// asked), answering each with an empty 200.
fn counting_server(listener: TcpListener) -> std::sync::Arc<std::sync::atomic::AtomicUsize> {
    use std::io::{Read, Write};
    let seen = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let count = seen.clone();
    std::thread::spawn(move || {
        for mut stream in listener.incoming().flatten() {
            count.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
            let _ = stream.set_read_timeout(Some(Duration::from_millis(200)));
            let _ = stream.read(&mut [0; 4096]);
            let _ = stream.write_all(b"HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
        }
    });
    seen
}

/// The id of the submission whose author is `author`, from atlas.json.
fn id_of(site: &Path, author: &str) -> String {
    let atlas: serde_json::Value = serde_json::from_slice(&std::fs::read(site.join("atlas.json")).unwrap()).unwrap();
    let subs = atlas["submissions"].as_array().unwrap();
    let sub = subs.iter().find(|s| s["author"] == author).unwrap_or_else(|| panic!("no submission by {author}"));
    sub["id"].as_str().unwrap().to_string()
}

/// Run node, killing it after `timeout`; (success, stdout + stderr).
fn run_node(e2e: &Path, config: &str, timeout: Duration) -> (bool, String) {
    let tmp = tempfile::tempdir().unwrap();
    let log = tmp.path().join("out.log");
    let file = std::fs::File::create(&log).unwrap();
    let mut child = Command::new("node")
        .arg("run.js")
        .current_dir(e2e)
        .env("E2E_CONFIG", config)
        .stdin(Stdio::null())
        .stdout(file.try_clone().unwrap())
        .stderr(file)
        .spawn()
        .expect("node runs");
    let start = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break Some(status);
        }
        if start.elapsed() > timeout {
            let _ = child.kill();
            let _ = child.wait();
            break None;
        }
        std::thread::sleep(Duration::from_millis(100));
    };
    let mut out = std::fs::read_to_string(&log).unwrap_or_default();
    if status.is_none() {
        out.push_str(&format!("\nkilled after {} s\n", timeout.as_secs()));
    }
    (status.is_some_and(|s| s.success()), out)
}

#[test]
fn sites_work_in_headless_chromium() {
    let chromium = std::env::var("CHROMIUM").unwrap_or_else(|_| "/usr/bin/chromium".to_string());
    if !Path::new(&chromium).is_file() {
        return missing(&format!("{chromium} is not installed"));
    }
    match node_major() {
        None => return missing("node is not installed"),
        Some(v) if v < 20 => return missing(&format!("node {v} is too old (playwright-core needs 20+)")),
        Some(_) => {}
    }
    let e2e = manifest_dir().join("tests/e2e");
    if let Err(why) = node_modules(&e2e) {
        return missing(&why);
    }

    let tmp = tempfile::tempdir().unwrap();
    let example_listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let hostile_listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let themed_listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = |l: &TcpListener| format!("http://127.0.0.1:{}/atlas/", l.local_addr().unwrap().port());
    let (example_url, hostile_url, themed_url) =
        (url(&example_listener), url(&hostile_listener), url(&themed_listener));
    let images_listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let images_url = url(&images_listener);
    // Another address of loopback: to the browser, another host. Images
    // point at one port of it; the control visits another.
    let other_listener = TcpListener::bind("127.0.0.2:0").unwrap();
    let other = format!("https://127.0.0.2:{}/", other_listener.local_addr().unwrap().port());
    let control_listener = TcpListener::bind("127.0.0.2:0").unwrap();
    let control = format!("http://127.0.0.2:{}/probe", control_listener.local_addr().unwrap().port());

    let example = tmp.path().join("example");
    common::build_ok(&manifest_dir().join("content"), &example, &["--base-url", &example_url, "--quiet"]);
    let _hostile_content = hostile_site(tmp.path(), &hostile_url);
    let hostile = tmp.path().join("hostile");
    let mallory = id_of(&hostile, HOSTILE_AUTHOR);
    let _themed_content = themed_site(tmp.path(), &themed_url);
    let themed = tmp.path().join("themed");
    common::server::serve(example_listener, example.clone());
    common::server::serve(hostile_listener, hostile.clone());
    common::server::serve(themed_listener, themed.clone());
    let _images_content = images_site(tmp.path(), &images_url, &other);
    let images = tmp.path().join("images");
    common::server::serve(images_listener, images.clone());
    let diagrams_listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let diagrams_url = url(&diagrams_listener);
    let _diagrams_content = diagrams_site(tmp.path(), &diagrams_url);
    let diagrams = tmp.path().join("diagrams");
    let telegram: serde_json::Value =
        serde_json::from_slice(&std::fs::read(diagrams.join("atlas.json")).unwrap()).unwrap();
    let product =
        telegram["products"].as_array().unwrap().iter().find(|p| p["name"] == "Telegram").map(|p| p["slug"].clone());
    let product = product.expect("the diagrams fork names Telegram");
    common::server::serve(diagrams_listener, diagrams.clone());
    let other_requests = counting_server(other_listener);
    let control_requests = counting_server(control_listener);

    let screenshots = manifest_dir().join("target/screenshots");
    let config = serde_json::json!({
        "example": {"url": example_url, "dir": example},
        "hostile": {
            "url": hostile_url,
            "dir": hostile,
            "queries": ["mallory", "svg"],
            "submission": format!("submissions/{mallory}/index.html"),
        },
        "themed": {"url": themed_url, "dir": themed},
        "images": {"url": images_url, "submission": "submissions/eve/index.html", "other": other, "control": control},
        "diagrams": {
            "url": diagrams_url,
            "submission": "submissions/olga__lab-01/index.html",
            "product": format!("products/{}/index.html", product.as_str().unwrap()),
            "hostile": "submissions/mallory__lab/index.html",
            "planted": PLANTED_SVG,
        },
        "screenshots": screenshots,
    });
    let started = Instant::now();
    let (ok, output) = run_node(&e2e, &config.to_string(), NODE_TIMEOUT);
    eprintln!("{output}");
    assert!(ok, "browser tests failed:\n{output}");
    // The Node side reports each check; this side makes sure they ran.
    assert!(output.contains(" passed, 0 failed"), "{output}");
    assert!(!output.contains("not ok"), "{output}");
    // Chromium reached the other host when sent there, never for an image.
    use std::sync::atomic::Ordering::SeqCst;
    assert!(control_requests.load(SeqCst) >= 1, "the control never reached 127.0.0.2");
    assert_eq!(other_requests.load(SeqCst), 0, "connections the image page made to another host");
    for shot in ["overview.png", "submission.png", "phone-submission.png"] {
        let bytes = std::fs::read(screenshots.join(shot)).unwrap_or_default();
        assert!(bytes.starts_with(b"\x89PNG"), "no screenshot {shot}");
    }
    eprintln!("browser tests took {:.1} s", started.elapsed().as_secs_f64());
}

/// html-validate (recommended rules, less the style-only ones turned off in
/// tests/e2e/htmlvalidate.json) over every page of a built site: the
/// findings as "page:line: rule: message".
fn html_validate(e2e: &Path, site: &Path) -> Vec<String> {
    let mut pages: Vec<PathBuf> = walkdir::WalkDir::new(site)
        .into_iter()
        .filter_map(|e| e.ok())
        .map(|e| e.into_path())
        .filter(|p| p.extension().is_some_and(|x| x == "html"))
        .collect();
    pages.sort();
    assert!(pages.len() > 10, "{} pages in {}", pages.len(), site.display());
    // A report into a file: node cuts a long one piped to stdout at exit.
    let report = tempfile::NamedTempFile::new().unwrap();
    let out = Command::new("node")
        .arg("node_modules/html-validate/bin/html-validate.mjs")
        .args(["-c", "htmlvalidate.json", "-f"])
        .arg(format!("json={}", report.path().display()))
        .args(&pages)
        .current_dir(e2e)
        .output()
        .expect("node runs");
    let report: serde_json::Value = serde_json::from_slice(&std::fs::read(report.path()).unwrap())
        .unwrap_or_else(|e| panic!("html-validate wrote no report ({e}): {}", String::from_utf8_lossy(&out.stderr)));
    let mut findings = Vec::new();
    for file in report.as_array().unwrap() {
        let page = file["filePath"].as_str().unwrap_or_default();
        let page = Path::new(page).strip_prefix(site).unwrap_or(Path::new(page)).display().to_string();
        for m in file["messages"].as_array().unwrap() {
            let message = m["message"].as_str().unwrap_or_default();
            findings.push(format!("{page}:{}: {}: {message}", m["line"], m["ruleId"].as_str().unwrap_or_default()));
        }
    }
    findings
}

#[test]
fn pages_are_valid_html() {
    match node_major() {
        None => return missing("node is not installed"),
        Some(v) if v < 20 => return missing(&format!("node {v} is too old (html-validate needs 20+)")),
        Some(_) => {}
    }
    let e2e = manifest_dir().join("tests/e2e");
    if let Err(why) = node_modules(&e2e) {
        return missing(&why);
    }
    let tmp = tempfile::tempdir().unwrap();
    let base = ["--base-url", "https://example.test/atlas/", "--quiet"];
    let mut sites = vec![("example", manifest_dir().join("content"))];
    let corpus = manifest_dir().join("../shared/corpus");
    if corpus.is_dir() {
        sites.push(("corpus", corpus));
    } else {
        assert!(std::env::var("CI").as_deref() != Ok("true"), "CI=true but ../shared/corpus is missing");
        eprintln!("html-validate: ../shared/corpus not found; the example site only");
    }
    // The hostile cohort too: its payloads must leave valid markup.
    let _hostile_content = hostile_site(tmp.path(), "https://example.test/atlas/");
    for (name, content) in &sites {
        common::build_ok(content, &tmp.path().join(name), &base);
    }
    for name in sites.iter().map(|(n, _)| *n).chain(["hostile"]) {
        let findings = html_validate(&e2e, &tmp.path().join(name));
        eprintln!("html-validate, {name} site: {} findings", findings.len());
        assert!(findings.is_empty(), "{name} site: {} findings:\n{}", findings.len(), findings.join("\n"));
    }
}
