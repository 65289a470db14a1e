//! What a release ships: the workflows and the student action pass GitHub's
//! schemas, the action downloads the release asset for its runner and runs
//! `check` with annotations, and the release, `cargo binstall` and the
//! action agree on the asset names. The package holds no build output.

mod common;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn text(out: &Output) -> String {
    format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr))
}

fn yaml(path: &Path) -> serde_yaml::Value {
    serde_yaml::from_str(&std::fs::read_to_string(path).unwrap()).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

#[test]
fn workflows_and_the_action_pass_githubs_schemas() {
    if common::tool_missing("check-jsonschema") {
        return;
    }
    let mut workflows: Vec<PathBuf> = std::fs::read_dir(root().join(".github/workflows"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    workflows.sort();
    assert!(workflows.len() >= 3, "ci, release and pages: {workflows:?}");
    for (schema, files) in
        [("vendor.github-workflows", workflows), ("vendor.github-actions", vec![root().join("action.yml")])]
    {
        let out = Command::new("check-jsonschema").args(["--builtin-schema", schema]).args(&files).output().unwrap();
        assert!(out.status.success(), "{schema}: {}", text(&out));
    }
    // The check can fail: a workflow without jobs does not pass.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.yml");
    std::fs::write(&bad, "name: x\non: push\n").unwrap();
    let out = Command::new("check-jsonschema")
        .args(["--builtin-schema", "vendor.github-workflows"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success(), "{}", text(&out));
}

/// The release matrix's targets, from release.yml.
fn release_targets() -> Vec<String> {
    let release = yaml(&root().join(".github/workflows/release.yml"));
    let matrix = release["jobs"]["build"]["strategy"]["matrix"]["include"].as_sequence().unwrap();
    matrix.iter().map(|m| m["target"].as_str().unwrap().to_string()).collect()
}

/// `cargo metadata`'s view of this package.
fn package() -> serde_json::Value {
    let out = Command::new(env!("CARGO"))
        .args(["metadata", "--format-version", "1", "--no-deps", "--offline"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    meta["packages"].as_array().unwrap().iter().find(|p| p["name"] == "skills-atlas").unwrap().clone()
}

/// A binstall template with the package's values filled in.
fn fill(template: &str, vars: &BTreeMap<&str, String>) -> String {
    let mut out = template.to_string();
    for (k, v) in vars {
        out = out.replace(&format!("{{ {k} }}"), v);
    }
    assert!(!out.contains('{'), "unknown variable in {template}");
    out
}

#[test]
fn release_binstall_and_the_action_agree_on_asset_names() {
    let pkg = package();
    let targets = release_targets();
    for want in [
        "x86_64-unknown-linux-musl",
        "aarch64-unknown-linux-musl",
        "aarch64-apple-darwin",
        "x86_64-apple-darwin",
        "x86_64-pc-windows-msvc",
    ] {
        assert!(targets.iter().any(|t| t == want), "release.yml builds no {want}: {targets:?}");
    }
    let binstall = &pkg["metadata"]["binstall"];
    let version = pkg["version"].as_str().unwrap();
    let action = std::fs::read_to_string(root().join("action.yml")).unwrap();
    for target in &targets {
        let windows = target.contains("windows");
        let meta = |key: &str| {
            let over = &binstall["overrides"][target.as_str()][key];
            over.as_str().or(binstall[key].as_str()).unwrap().to_string()
        };
        let vars = BTreeMap::from([
            ("repo", pkg["repository"].as_str().unwrap().to_string()),
            ("name", "skills-atlas".to_string()),
            ("version", version.to_string()),
            ("target", target.clone()),
            ("bin", "skills-atlas".to_string()),
            ("binary-ext", if windows { ".exe" } else { "" }.to_string()),
        ]);
        // release.yml: dist/skills-atlas-TARGET.tar.gz (.zip on Windows) holding skills-atlas-TARGET/skills-atlas.
        let asset = format!("skills-atlas-{target}{}", if windows { ".zip" } else { ".tar.gz" });
        let url = fill(&meta("pkg-url"), &vars);
        assert_eq!(url, format!("{}/releases/download/v{version}/{asset}", vars["repo"]));
        assert_eq!(meta("pkg-fmt"), if windows { "zip" } else { "tgz" });
        assert_eq!(fill(&meta("bin-dir"), &vars), format!("skills-atlas-{target}/skills-atlas{}", vars["binary-ext"]));
        assert!(action.contains(&format!("target={target}")), "action.yml never downloads {target}");
    }
}

/// Run the action's steps as the runner would (bash, `set -eo pipefail`,
/// inputs through each step's env, GITHUB_PATH between steps) against a
/// fake release served by a `curl` stand-in. Returns the last step's exit
/// code and output, and the URLs fetched.
fn run_action(inputs: &[(&str, &str)], release: &Path, fork: &Path, runner: (&str, &str)) -> (i32, String, String) {
    let action = yaml(&root().join("action.yml"));
    let work = tempfile::tempdir().unwrap();
    let bin_dir = work.path().join("stubs");
    std::fs::create_dir(&bin_dir).unwrap();
    let log = work.path().join("fetched.txt");
    // curl -fsSL --retry 3 -o FILE URL: copies the release's file, or fails as curl -f would.
    let curl = format!(
        "#!/bin/bash\nout=; for a in \"$@\"; do [ \"$prev\" = -o ] && out=$a; prev=$a; done\nurl=$prev\necho \"$url\" >>'{}'\n\
         cp '{}'/\"${{url##*/}}\" \"$out\" 2>/dev/null || exit 22\n",
        log.display(),
        release.display()
    );
    std::fs::write(bin_dir.join("curl"), curl).unwrap();
    Command::new("chmod").arg("+x").arg(bin_dir.join("curl")).status().unwrap();
    let github_path = work.path().join("github_path");
    let github_output = work.path().join("github_output");
    std::fs::write(&github_path, "").unwrap();
    let mut path_dirs = vec![bin_dir.display().to_string()];
    let defaults: BTreeMap<String, String> = action["inputs"]
        .as_mapping()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.as_str().unwrap().to_string(), v["default"].as_str().unwrap_or("").to_string()))
        .collect();
    let input = |name: &str| {
        inputs.iter().find(|(k, _)| *k == name).map(|(_, v)| v.to_string()).unwrap_or_else(|| defaults[name].clone())
    };
    let steps = action["runs"]["steps"].as_sequence().unwrap();
    let mut last = (0, String::new());
    for step in steps {
        assert_eq!(step["shell"].as_str(), Some("bash"), "every step runs in bash, on every runner");
        let mut cmd = Command::new("bash");
        cmd.args(["--noprofile", "--norc", "-eo", "pipefail", "-c"]).arg(step["run"].as_str().unwrap());
        for (k, v) in step["env"].as_mapping().into_iter().flatten() {
            let v = v.as_str().unwrap();
            let value = match v.strip_prefix("${{ inputs.").and_then(|r| r.strip_suffix(" }}")) {
                Some(name) => input(name),
                None if v == "${{ github.action_repository }}" => "ORG/skills-atlas".to_string(),
                None => panic!("an env value the test does not know: {v}"),
            };
            cmd.env(k.as_str().unwrap(), value);
        }
        let path = format!("{}:{}", path_dirs.join(":"), std::env::var("PATH").unwrap());
        cmd.env("PATH", path)
            .env("GITHUB_ACTIONS", "true")
            .env("GITHUB_ACTION_PATH", root())
            .env("GITHUB_PATH", &github_path)
            .env("GITHUB_OUTPUT", &github_output)
            .env("GITHUB_REPOSITORY", "student/lab-01")
            .env("RUNNER_OS", runner.0)
            .env("RUNNER_ARCH", runner.1)
            .env("RUNNER_TEMP", work.path())
            .current_dir(fork);
        let out = cmd.output().unwrap();
        last = (out.status.code().unwrap_or(-1), text(&out));
        if !out.status.success() {
            break;
        }
        path_dirs = std::fs::read_to_string(&github_path).unwrap().lines().rev().map(str::to_string).collect();
        path_dirs.push(bin_dir.display().to_string());
    }
    (last.0, last.1, std::fs::read_to_string(&log).unwrap_or_default())
}

/// A release folder as release.yml makes it: the Linux x86_64 archive,
/// whose `skills-atlas` records its arguments before running the real one.
fn fake_release(dir: &Path) -> PathBuf {
    let release = dir.join("release");
    let name = "skills-atlas-x86_64-unknown-linux-musl";
    let inner = dir.join("pack").join(name);
    std::fs::create_dir_all(&inner).unwrap();
    std::fs::create_dir_all(&release).unwrap();
    let wrapper = format!(
        "#!/bin/bash\necho \"$*\" >>'{}'\nexec '{}' \"$@\"\n",
        dir.join("args.txt").display(),
        env!("CARGO_BIN_EXE_skills-atlas")
    );
    std::fs::write(inner.join("skills-atlas"), wrapper).unwrap();
    Command::new("chmod").arg("+x").arg(inner.join("skills-atlas")).status().unwrap();
    let tar = Command::new("tar")
        .arg("-czf")
        .arg(release.join(format!("{name}.tar.gz")))
        .arg("-C")
        .arg(dir.join("pack"))
        .arg(name)
        .output()
        .unwrap();
    assert!(tar.status.success(), "{}", text(&tar));
    let sums =
        Command::new("sh").arg("-c").arg("sha256sum -- *.tar.gz > SHA256SUMS").current_dir(&release).output().unwrap();
    assert!(sums.status.success(), "{}", text(&sums));
    release
}

#[test]
fn the_action_downloads_the_release_for_its_runner_and_annotates_findings() {
    if common::tool_missing("sha256sum") || common::tool_missing("tar") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let release = fake_release(dir.path());
    let fork = dir.path().join("fork");
    std::fs::create_dir_all(fork.join("docs")).unwrap();
    std::fs::write(fork.join("docs/roles-and-skills.md"), "# Roles\n\n## My chosen role\n\nRole: Backend Developer\n")
        .unwrap();
    let version = package()["version"].as_str().unwrap().to_string();

    let (code, out, fetched) = run_action(&[], &release, &fork, ("Linux", "X64"));
    let base = format!("https://github.com/ORG/skills-atlas/releases/download/v{version}");
    assert_eq!(
        fetched.lines().collect::<Vec<_>>(),
        [format!("{base}/skills-atlas-x86_64-unknown-linux-musl.tar.gz"), format!("{base}/SHA256SUMS")]
    );
    assert_eq!(code, 1, "a missing section fails the job:\n{out}");
    assert!(
        out.lines()
            .any(|l| l.starts_with("::error file=docs/roles-and-skills.md,line=") && l.contains("missing-section")),
        "no annotation on the file's lines:\n{out}"
    );
    let args = std::fs::read_to_string(dir.path().join("args.txt")).unwrap();
    assert_eq!(args.lines().last(), Some("check ."), "no --min-score unless it is set");

    // min-score and config reach `check` only when set.
    std::fs::write(dir.path().join("args.txt"), "").unwrap();
    let _ = run_action(&[("min-score", "10"), ("path", "docs")], &release, &fork, ("Linux", "X64"));
    let args = std::fs::read_to_string(dir.path().join("args.txt")).unwrap();
    assert_eq!(args.lines().last(), Some("check docs --min-score 10"));

    // A tampered archive fails its checksum; a runner without a build says so.
    let archive = release.join("skills-atlas-x86_64-unknown-linux-musl.tar.gz");
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.push(0);
    std::fs::write(&archive, bytes).unwrap();
    let (code, out, _) = run_action(&[], &release, &fork, ("Linux", "X64"));
    assert_ne!(code, 0, "{out}");
    assert!(out.contains("FAILED"), "{out}");
    let (code, out, fetched) = run_action(&[("version", "v9.9.9")], &release, &fork, ("Linux", "ARM64"));
    assert_ne!(code, 0);
    assert!(fetched.contains("/v9.9.9/skills-atlas-aarch64-unknown-linux-musl.tar.gz"), "{fetched}");
    assert!(out.contains("::error title=skills-atlas::no release v9.9.9"), "{out}");
}

#[test]
fn the_package_holds_no_build_output_or_outside_data() {
    let out = Command::new(env!("CARGO"))
        .args(["package", "--list", "--allow-dirty", "--offline"])
        .current_dir(root())
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let files = String::from_utf8_lossy(&out.stdout).into_owned();
    for must in ["Cargo.toml", "LICENSE-MIT", "LICENSE-APACHE", "README.md", "CHANGELOG.md", "src/main.rs"] {
        assert!(files.lines().any(|f| f == must), "{must} is not packaged:\n{files}");
    }
    for f in files.lines() {
        let top = ["target/", "public/", "fuzz/", ".github/", ".ci/", "shared/", "action.yml"];
        assert!(!top.iter().any(|o| f.starts_with(o)), "packaged: {f}");
        assert!(!f.contains("node_modules/") && !f.contains("../"), "packaged: {f}");
    }
}
