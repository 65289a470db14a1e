//! Edit-to-rebuilt time of `serve` for one changed file in a cohort.
//!
//! `scripts/bench-serve.sh 1000` generates the cohort and runs this; by hand:
//! `cargo run --release --example gen_cohort -- 1000 DIR`, then
//! `cargo bench --bench serve -- DIR [EDITS]`. The cohort is copied, never edited.
//!
//! Two measurements, each over EDITS edits (default 15) alternating between
//! a prose edit (one sentence of the reflection) and a skill edit (a bullet
//! added to "skills I lack", which changes the lists and skill pages):
//! - session: `Session::rebuild` on the changed file (what `serve` runs per
//!   change), then `Session::refresh` (near duplicates, atlas.json);
//! - end to end: the release binary serving the cohort, from writing the
//!   file to the `reload` event naming its page on `/__livereload`
//!   (watcher, debounce, rebuild and write included).

use skills_atlas::session::{Session, SessionOptions};
use std::io::{BufRead, BufReader, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let Some(source) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo bench --bench serve -- COHORT_DIR [EDITS]   (see scripts/bench-serve.sh)");
        return;
    };
    let edits: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(15);
    let tmp = tempfile::tempdir().unwrap();
    let content = tmp.path().join("content");
    copy_dir(&source, &content);
    let content = content.canonicalize().unwrap();
    let file = pick_file(&content);
    let original = std::fs::read_to_string(&file).unwrap();
    let rel = file.strip_prefix(&content).unwrap().display().to_string();
    let submissions = std::fs::read_dir(&content).unwrap().count();
    println!("cohort: {} entries in {}; edited file: {rel}", submissions, source.display());
    println!("load average at start: {}", loadavg());

    let mut s = Session::new(SessionOptions {
        content: content.clone(),
        output: tmp.path().join("out"),
        config: None,
        base_url: Some("http://127.0.0.1:1111/".into()),
    })
    .unwrap();
    let t = Instant::now();
    let first = s.full_build().unwrap();
    println!(
        "session: first build {} submissions, {} pages in {:.2} s",
        first.submissions,
        first.pages,
        t.elapsed().as_secs_f64()
    );
    let (mut prose, mut skill, mut refresh) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..edits {
        std::fs::write(&file, edited(&original, i)).unwrap();
        let done = s.rebuild(std::slice::from_ref(&file)).unwrap();
        let ms = done.seconds * 1000.0;
        if i.is_multiple_of(2) { &mut prose } else { &mut skill }.push(ms);
        let stages: Vec<String> = done.stages.iter().map(|(n, t)| format!("{n} {:.1}", t * 1000.0)).collect();
        println!(
            "  edit {i:>2} ({}): {ms:>6.1} ms, {} pages changed  [{}]",
            kind(i),
            done.changed.len(),
            stages.join(", ")
        );
        refresh.push(s.refresh().unwrap().seconds * 1000.0);
    }
    println!("session, prose edit:  median {:.1} ms  (min {:.1}, max {:.1})", median(&prose), min(&prose), max(&prose));
    println!("session, skill edit:  median {:.1} ms  (min {:.1}, max {:.1})", median(&skill), min(&skill), max(&skill));
    println!("session, all edits:   median {:.1} ms", median(&[prose.clone(), skill.clone()].concat()));
    println!("session, refresh (near duplicates, atlas.json) after each: median {:.1} ms", median(&refresh));
    drop(s);

    std::fs::write(&file, &original).unwrap();
    end_to_end(&content, &tmp.path().join("served"), &file, &original, edits);
    println!("load average at end: {}", loadavg());
}

fn end_to_end(content: &Path, out: &Path, file: &Path, original: &str, edits: usize) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_skills-atlas"))
        .arg("serve")
        .arg(content)
        .args(["--port", "0", "--quiet", "--output"])
        .arg(out)
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    let line = BufReader::new(child.stdout.take().unwrap()).lines().next().unwrap().unwrap();
    let port: u16 = line.trim_end_matches('/').rsplit(':').next().unwrap().parse().unwrap();
    let mut sse = TcpStream::connect(("127.0.0.1", port)).unwrap();
    write!(sse, "GET /__livereload HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let (tx, rx) = mpsc::channel();
    std::thread::spawn(move || {
        for l in BufReader::new(sse).lines().map_while(Result::ok) {
            if l.starts_with("data:") && tx.send(l).is_err() {
                break;
            }
        }
    });
    let page = {
        let name = file.strip_prefix(content).unwrap().components().next().unwrap().as_os_str().to_string_lossy();
        format!("/submissions/{}/index.html", skills_atlas::discover::slug(&name))
    };
    let mut times = Vec::new();
    for i in 0..edits {
        std::fs::write(file, edited(original, i)).unwrap();
        let t = Instant::now();
        loop {
            let data = rx.recv_timeout(Duration::from_secs(60)).expect("a reload event");
            if data.contains(&page) {
                break;
            }
        }
        times.push(t.elapsed().as_secs_f64() * 1000.0);
        // Let the cohort-wide pass finish so it does not delay the next edit.
        loop {
            match rx.recv_timeout(Duration::from_secs(5)) {
                Ok(data) if data.contains("/atlas.json") => break,
                Ok(_) => {}
                Err(_) => break,
            }
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    std::fs::write(file, original).unwrap();
    println!(
        "end to end (write -> reload event): median {:.1} ms  (min {:.1}, max {:.1}) over {edits} edits",
        median(&times),
        min(&times),
        max(&times)
    );
}

fn kind(i: usize) -> &'static str {
    if i.is_multiple_of(2) { "prose" } else { "skill" }
}

/// The file after edit `i`: even edits change a sentence appended to the
/// reflection (nothing else), odd ones add one more bullet to the first list
/// under a heading about lacking skills.
fn edited(original: &str, i: usize) -> String {
    const SKILLS: [&str; 10] = [
        "Terraform",
        "Ansible",
        "Kafka",
        "GraphQL",
        "Elasticsearch",
        "RabbitMQ",
        "Jenkins",
        "Prometheus",
        "Spark",
        "Nginx",
    ];
    let added: Vec<&str> = (1..=i).step_by(2).map(|j| SKILLS[(j / 2) % SKILLS.len()]).collect();
    let sentence = i - i % 2;
    let mut out = String::new();
    let mut in_lack = false;
    let mut done = added.is_empty();
    for line in original.lines() {
        if line.starts_with('#') {
            in_lack = line.to_lowercase().contains("lack");
        }
        if in_lack && !done && line.trim_start().starts_with("- ") {
            for skill in &added {
                out.push_str(&format!("- {skill}\n"));
            }
            done = true;
        }
        out.push_str(line);
        out.push('\n');
    }
    out.push_str(&format!("\nEdit {sentence}: I also noticed how often postings ask for on-call experience.\n"));
    out
}

/// A roles file with a bulleted list under a "lack" heading, a third of the way in.
fn pick_file(content: &Path) -> PathBuf {
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(content).unwrap().map(|e| e.unwrap().path()).collect();
    dirs.sort();
    for d in dirs.iter().skip(dirs.len() / 3) {
        let f = d.join("docs/roles-and-skills.md");
        if let Ok(text) = std::fs::read_to_string(&f)
            && edited(&text, 1).contains("- Terraform")
        {
            return f;
        }
    }
    panic!("no roles file with a 'lack' section in {}", content.display());
}

fn copy_dir(from: &Path, to: &Path) {
    for e in walkdir::WalkDir::new(from) {
        let e = e.unwrap();
        let dest = to.join(e.path().strip_prefix(from).unwrap());
        if e.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_default()
}

fn median(xs: &[f64]) -> f64 {
    let mut v = xs.to_vec();
    v.sort_by(f64::total_cmp);
    if v.is_empty() { 0.0 } else { v[v.len() / 2] }
}

fn min(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(f64::INFINITY, f64::min)
}

fn max(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(0.0, f64::max)
}
