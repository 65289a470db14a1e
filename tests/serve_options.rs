//! `serve --interface`, `--open`, and the temporary site removed when serve
//! is stopped by a signal.
#![cfg(unix)]

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// A running `skills-atlas serve`, killed when dropped.
struct Serve {
    child: Child,
    url: String,
    stderr: mpsc::Receiver<String>,
}

impl Drop for Serve {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Serve {
    /// `serve CONTENT --port 0 ARGS...` with the temp dir at `tmp`, once it
    /// has printed its address.
    fn start(content: &Path, tmp: &Path, args: &[&str], env: &[(&str, &Path)]) -> Serve {
        let mut child = Command::new(env!("CARGO_BIN_EXE_skills-atlas"))
            .arg("serve")
            .arg(content)
            .args(["--port", "0"])
            .args(args)
            .env("TMPDIR", tmp)
            .envs(env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (tx, stderr) = mpsc::channel();
        let pipe = child.stderr.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(pipe).lines().map_while(Result::ok) {
                let _ = tx.send(line);
            }
        });
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let mut serve = Serve { child, url: String::new(), stderr };
        let url =
            line.trim().strip_prefix("Serving ").unwrap_or_else(|| panic!("no address: {line:?} {}", serve.log()));
        serve.url = url.to_string();
        serve
    }

    /// `host:port` of the address printed.
    fn addr(&self) -> String {
        self.url.trim_start_matches("http://").trim_end_matches('/').to_string()
    }

    fn log(&self) -> String {
        self.stderr.try_iter().collect::<Vec<_>>().join("\n")
    }

    /// Status and body of `GET path` sent to `addr` with `Host: host`.
    fn get(addr: &str, host: &str, path: &str) -> (u16, String) {
        let mut s = TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        write!(s, "GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").unwrap();
        let mut resp = String::new();
        s.read_to_string(&mut resp).unwrap();
        let code = resp.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0);
        (code, resp)
    }

    fn signal(&self, name: &str) {
        let sent = Command::new("kill").arg(format!("-{name}")).arg(self.child.id().to_string()).status().unwrap();
        assert!(sent.success(), "kill -{name} failed");
    }

    /// The exit status, waiting at most 60 s.
    fn exit(&mut self) -> ExitStatus {
        let deadline = Instant::now() + Duration::from_secs(60);
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                return status;
            }
            assert!(Instant::now() < deadline, "serve did not stop:\n{}", self.log());
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

fn content() -> common::Site {
    common::Site::new(&["anna__lab-01", "boris__lab-01"])
}

#[cfg(target_os = "linux")]
#[test]
fn serve_listens_on_the_interface_given_and_opens_the_browser() {
    let site = content();
    let tmp = tempfile::tempdir().unwrap();
    // A "browser" that writes down the address it was given.
    let opened = tmp.path().join("opened.txt");
    let browser = tmp.path().join("browser.sh");
    std::fs::write(&browser, format!("#!/bin/sh\necho \"$1\" > {}\n", opened.display())).unwrap();
    std::fs::set_permissions(&browser, std::os::unix::fs::PermissionsExt::from_mode(0o755)).unwrap();

    // Another loopback address (all of 127.0.0.0/8 is this machine on Linux):
    // serve answers there, not on 127.0.0.1.
    let serve =
        Serve::start(&site.content(), tmp.path(), &["--interface", "127.0.0.2", "--open"], &[("BROWSER", &browser)]);
    assert!(serve.url.starts_with("http://127.0.0.2:"), "{}", serve.url);
    let addr = serve.addr();
    let (code, body) = Serve::get(&addr, &addr, "/submissions/anna__lab-01/index.html");
    assert_eq!(code, 200, "{body}\n{}", serve.log());
    assert!(body.contains("anna__lab-01"));
    let port = addr.rsplit(':').next().unwrap();
    assert!(TcpStream::connect(format!("127.0.0.1:{port}")).is_err(), "also listening on 127.0.0.1");
    // Names other than localhost are still refused.
    assert_eq!(Serve::get(&addr, &format!("evil.example:{port}"), "/").0, 403);
    assert_eq!(Serve::get(&addr, "localhost", "/").0, 200);

    let deadline = Instant::now() + Duration::from_secs(30);
    while std::fs::read_to_string(&opened).map_or(true, |s| s.trim().is_empty()) {
        assert!(Instant::now() < deadline, "the browser was not opened:\n{}", serve.log());
        std::thread::sleep(Duration::from_millis(20));
    }
    assert_eq!(std::fs::read_to_string(&opened).unwrap().trim(), serve.url);
}

#[test]
fn serve_on_127_0_0_1_serves_pages() {
    let site = content();
    let tmp = tempfile::tempdir().unwrap();
    let serve = Serve::start(&site.content(), tmp.path(), &["--interface", "127.0.0.1"], &[]);
    assert!(serve.url.starts_with("http://127.0.0.1:"), "{}", serve.url);
    let (code, body) = Serve::get(&serve.addr(), "localhost", "/index.html");
    assert_eq!(code, 200, "{body}");
    assert!(body.contains("__livereload.js"), "{body}");
    assert!(!serve.log().contains("warning: listening on"), "no warning on loopback");
}

/// The one folder under `tmp/skills-atlas-serve`, the site serve wrote.
fn temp_site(tmp: &Path) -> PathBuf {
    let dirs: Vec<PathBuf> =
        std::fs::read_dir(tmp.join("skills-atlas-serve")).unwrap().map(|e| e.unwrap().path()).collect();
    assert_eq!(dirs.len(), 1, "{dirs:?}");
    dirs[0].clone()
}

#[test]
fn serve_removes_its_temporary_site_on_sigint_and_sigterm() {
    let site = content();
    for signal in ["INT", "TERM"] {
        let tmp = tempfile::tempdir().unwrap();
        let mut serve = Serve::start(&site.content(), tmp.path(), &[], &[]);
        let served = temp_site(tmp.path());
        assert!(served.join("submissions/anna__lab-01/index.html").is_file(), "{}", served.display());
        serve.signal(signal);
        let status = serve.exit();
        assert!(status.success(), "SIG{signal}: {status:?}\n{}", serve.log());
        assert!(!served.exists(), "SIG{signal}: {} is still there", served.display());
        assert!(!tmp.path().join("skills-atlas-serve").exists(), "SIG{signal}: the parent folder is left");
    }
}

#[test]
fn serve_keeps_an_output_folder_it_was_given() {
    let site = content();
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("preview");
    let mut serve = Serve::start(&site.content(), tmp.path(), &["--output", out.to_str().unwrap()], &[]);
    serve.signal("TERM");
    assert!(serve.exit().success(), "{}", serve.log());
    assert!(out.join("index.html").is_file(), "the --output folder was removed");
}

#[test]
fn serve_on_an_empty_folder_says_so_and_recovers_when_a_fork_arrives() {
    let site = common::Site::new(&[]);
    let tmp = tempfile::tempdir().unwrap();
    let out = tmp.path().join("preview");
    let serve = Serve::start(&site.content(), tmp.path(), &["--output", out.to_str().unwrap()], &[]);
    let status = |serve: &Serve| -> serde_json::Value {
        let (_, resp) = Serve::get(&serve.addr(), "localhost", "/__status");
        serde_json::from_str(resp.split_once("\r\n\r\n").unwrap().1).unwrap()
    };
    let first = status(&serve);
    assert_eq!(first["ok"], false, "{first}");
    assert!(first["message"].as_str().unwrap().contains("no submissions found in"), "{first}");
    site.write("anna/docs/roles-and-skills.md", common::good_submission("anna").as_bytes());
    let deadline = Instant::now() + Duration::from_secs(60);
    while status(&serve)["ok"] != true {
        assert!(Instant::now() < deadline, "no recovery:\n{}", serve.log());
        std::thread::sleep(Duration::from_millis(50));
    }
    assert_eq!(Serve::get(&serve.addr(), "localhost", "/submissions/anna/index.html").0, 200);
}
