//! Issue 20, `serve`: only this machine's browser is served, idle or slow
//! clients cannot keep others out, and no request can write a header.

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

/// `skills-atlas serve` on a free port, killed when dropped.
struct Server {
    child: Child,
    port: u16,
    _site: common::Site,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Server {
    fn start() -> Server {
        let site = common::Site::new(&["anna"]);
        let mut child = Command::new(env!("CARGO_BIN_EXE_skills-atlas"))
            .arg("serve")
            .arg(site.content())
            .args(["--port", "0", "--quiet", "--output"])
            .arg(site.out())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap()).read_line(&mut line).unwrap();
        let port = line.trim().trim_end_matches('/').rsplit(':').next().and_then(|p| p.parse().ok());
        Server { child, port: port.unwrap_or_else(|| panic!("no port in {line:?}")), _site: site }
    }

    fn connect(&self) -> TcpStream {
        let s = TcpStream::connect(("127.0.0.1", self.port)).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(30))).unwrap();
        s
    }

    /// Send `raw` bytes as a request; the status and the response head.
    fn raw(&self, raw: &[u8]) -> (u16, String) {
        let mut s = self.connect();
        s.write_all(raw).unwrap();
        let mut resp = Vec::new();
        let _ = s.read_to_end(&mut resp);
        let resp = String::from_utf8_lossy(&resp).into_owned();
        let head = resp.split("\r\n\r\n").next().unwrap_or("").to_string();
        (head.split_whitespace().nth(1).and_then(|c| c.parse().ok()).unwrap_or(0), head)
    }

    fn get(&self, path: &str, host: &str) -> (u16, String) {
        self.raw(format!("GET {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n").as_bytes())
    }
}

#[test]
fn only_requests_for_this_machine_are_answered() {
    let server = Server::start();
    let here = format!("localhost:{}", server.port);
    assert_eq!(server.get("/", &here).0, 200);
    assert_eq!(server.get("/", &format!("127.0.0.1:{}", server.port)).0, 200);
    // DNS rebinding: a page on evil.example whose name now points here.
    for host in ["evil.example", &format!("evil.example:{}", server.port), "localhost.evil.example"] {
        let (code, head) = server.get("/atlas.json", host);
        assert!((400..500).contains(&code), "Host {host}: {head}");
    }
    let (code, _) = server.raw(b"GET / HTTP/1.1\r\nConnection: close\r\n\r\n");
    assert!((400..500).contains(&code), "no Host at all");
}

#[test]
fn no_request_can_write_a_header() {
    let server = Server::start();
    for raw in [
        // A folder asked for without its slash is redirected, its query kept.
        &b"GET /roles?a\nSet-Cookie:x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n"[..],
        b"GET /roles?a\rSet-Cookie:x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n",
        b"GET /roles\nSet-Cookie:x=1 HTTP/1.1\r\nHost: localhost\r\n\r\n",
        b"GET /roles?a=\x01 HTTP/1.1\r\nHost: localhost\r\n\r\n",
        b"GET /roles?a\x7f HTTP/1.1\r\nHost: localhost\r\n\r\n",
    ] {
        let (code, head) = server.raw(raw);
        assert_eq!(code, 400, "{head}");
        assert!(!head.contains("Set-Cookie") && !head.contains("Location"), "{head}");
    }
    let (code, head) = server.get("//roles", "localhost");
    assert_eq!(code, 301, "{head}");
    assert!(head.contains("\r\nLocation: /roles/\r\n"), "never //roles/, another host to a browser: {head}");
    let (code, head) = server.get("/roles?x=1", "localhost");
    assert_eq!(code, 301);
    assert!(head.contains("\r\nLocation: /roles/?x=1\r\n"), "{head}");
}

#[test]
fn idle_and_slow_clients_cannot_keep_others_out() {
    let server = Server::start();
    // 300 connections that never finish a request, some sending a byte now
    // and then, all held open.
    let mut idle: Vec<TcpStream> = (0..300).map(|_| server.connect()).collect();
    for (i, s) in idle.iter_mut().enumerate() {
        let _ = s.write_all(if i % 2 == 0 { b"G" } else { b"GET / HTTP/1.1\r\nHost: localhost\r\n" });
    }
    std::thread::sleep(Duration::from_millis(300));
    for s in idle.iter_mut().step_by(3) {
        let _ = s.write_all(b"X");
    }
    let started = Instant::now();
    let (code, head) = server.get("/", "localhost");
    let took = started.elapsed();
    assert_eq!(code, 200, "{head}");
    assert!(took < Duration::from_secs(2), "answered after {took:?}");
    // An event stream is a connection too: many of them still leave room.
    let streams: Vec<TcpStream> = (0..100)
        .map(|_| {
            let mut s = server.connect();
            s.write_all(b"GET /__livereload HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
            s
        })
        .collect();
    std::thread::sleep(Duration::from_millis(300));
    let started = Instant::now();
    assert_eq!(server.get("/", "localhost").0, 200);
    assert!(started.elapsed() < Duration::from_secs(2), "answered after {:?}", started.elapsed());
    drop((idle, streams));
}
