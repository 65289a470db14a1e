//! A small HTTP/1.1 server for previewing the site on loopback: GET and HEAD
//! of files inside the output folder (never outside it), `index.html` for
//! folders, the site's 404 page, and the live-reload endpoints. One thread
//! per connection; each response closes its connection, except the event
//! stream.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::Duration;

const SCRIPT: &str = include_str!("livereload.js");
const STYLE: &str = include_str!("livereload.css");
/// Put before `</body>` of every HTML response (never into the site's files).
const SCRIPT_TAG: &str = "<script src=\"/__livereload.js\"></script>";
/// Connections served at once; beyond this, 503.
const MAX_CONNECTIONS: usize = 256;
/// Events kept for event streams that fall behind.
const BACKLOG: usize = 64;
const KEEPALIVE: Duration = Duration::from_secs(15);

/// What the server tells pages: the build status and reload events.
pub struct Live {
    state: Mutex<LiveState>,
    wake: Condvar,
}

struct LiveState {
    generation: u64,
    /// Recent events: generation, event name, JSON data.
    events: VecDeque<(u64, &'static str, String)>,
    /// `/__status` as JSON.
    status: String,
}

impl Default for Live {
    fn default() -> Self {
        Self::new()
    }
}

impl Live {
    pub fn new() -> Self {
        Live {
            state: Mutex::new(LiveState {
                generation: 0,
                events: VecDeque::new(),
                status: "{\"generation\":0,\"ok\":true,\"errors\":[]}".to_string(),
            }),
            wake: Condvar::new(),
        }
    }

    /// Publish a new status and send `event` (`reload` or `status`) with
    /// `data` to every open page.
    pub fn publish(&self, event: &'static str, data: String, status: impl FnOnce(u64) -> String) {
        let mut s = self.state.lock().unwrap_or_else(|e| e.into_inner());
        s.generation += 1;
        let g = s.generation;
        s.status = status(g);
        s.events.push_back((g, event, data));
        while s.events.len() > BACKLOG {
            s.events.pop_front();
        }
        self.wake.notify_all();
    }

    fn status(&self) -> String {
        self.state.lock().unwrap_or_else(|e| e.into_inner()).status.clone()
    }
}

/// Accept connections until the listener fails.
pub fn serve(listener: TcpListener, root: PathBuf, live: Arc<Live>) {
    let active = Arc::new(AtomicUsize::new(0));
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        if active.load(Ordering::SeqCst) >= MAX_CONNECTIONS {
            let _ = respond(&mut stream, "503 Service Unavailable", "text/plain; charset=utf-8", b"busy\n", false);
            continue;
        }
        active.fetch_add(1, Ordering::SeqCst);
        let (root, live, mine) = (root.clone(), live.clone(), active.clone());
        let spawned = std::thread::Builder::new().name("serve-conn".into()).spawn(move || {
            handle(stream, &root, &live);
            mine.fetch_sub(1, Ordering::SeqCst);
        });
        if spawned.is_err() {
            active.fetch_sub(1, Ordering::SeqCst);
        }
    }
}

fn handle(mut stream: TcpStream, root: &Path, live: &Live) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let Some((method, target)) = read_request(&mut stream) else {
        let _ = respond(&mut stream, "400 Bad Request", "text/plain; charset=utf-8", b"bad request\n", false);
        return;
    };
    let head = method == "HEAD";
    if method != "GET" && !head {
        let body = b"only GET and HEAD\n";
        let msg = format!(
            "HTTP/1.1 405 Method Not Allowed\r\nAllow: GET, HEAD\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
            body.len()
        );
        let _ = stream.write_all(msg.as_bytes()).and_then(|_| stream.write_all(body));
        return;
    }
    let path = target.split(['?', '#']).next().unwrap_or("/");
    let query = target.find('?').map(|i| &target[i..]).unwrap_or("");
    let _ = match path {
        "/__livereload" if !head => events(stream, live),
        "/__livereload.js" => respond(&mut stream, "200 OK", "text/javascript; charset=utf-8", SCRIPT.as_bytes(), head),
        "/__livereload.css" => respond(&mut stream, "200 OK", "text/css; charset=utf-8", STYLE.as_bytes(), head),
        "/__status" => respond(&mut stream, "200 OK", "application/json", live.status().as_bytes(), head),
        _ => match resolve(root, path) {
            Resolved::File(file) => match std::fs::read(&file) {
                Ok(bytes) => {
                    let kind = content_type(&file);
                    let body = if kind.starts_with("text/html") { inject(bytes) } else { bytes };
                    respond(&mut stream, "200 OK", kind, &body, head)
                }
                Err(_) => not_found(&mut stream, root, head),
            },
            Resolved::Redirect(to) => {
                let msg = format!(
                    "HTTP/1.1 301 Moved Permanently\r\nLocation: {to}{query}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                stream.write_all(msg.as_bytes())
            }
            Resolved::NotFound => not_found(&mut stream, root, head),
        },
    };
}

/// The request line's method and target; the headers are read and ignored.
fn read_request(stream: &mut TcpStream) -> Option<(String, String)> {
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        if buf.len() > 16 * 1024 {
            return None;
        }
        let n = stream.read(&mut chunk).ok()?;
        if n == 0 {
            return None;
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    let line = buf.split(|&b| b == b'\r').next()?;
    let line = std::str::from_utf8(line).ok()?;
    let mut parts = line.split(' ');
    let (method, target, version) = (parts.next()?, parts.next()?, parts.next()?);
    if !version.starts_with("HTTP/1.") || !target.starts_with('/') {
        return None;
    }
    Some((method.to_string(), target.to_string()))
}

fn respond(stream: &mut TcpStream, status: &str, kind: &str, body: &[u8], head: bool) -> std::io::Result<()> {
    let msg = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nCache-Control: no-store\r\nX-Content-Type-Options: nosniff\r\nConnection: close\r\n\r\n",
        body.len()
    );
    stream.write_all(msg.as_bytes())?;
    if !head {
        stream.write_all(body)?;
    }
    stream.flush()
}

fn not_found(stream: &mut TcpStream, root: &Path, head: bool) -> std::io::Result<()> {
    let body = match std::fs::read(root.join("404.html")) {
        Ok(page) => inject(page),
        // Nothing built yet (the first build failed): a page that still
        // loads the script, so the error shows.
        Err(_) => inject(
            b"<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Not found</title></head>\n<body><h1>Not found</h1><p>Nothing here yet: the site has not been built.</p></body></html>\n"
                .to_vec(),
        ),
    };
    respond(stream, "404 Not Found", "text/html; charset=utf-8", &body, head)
}

/// The event stream: `reload` and `status` events as they happen, and a
/// comment now and then, which also notices a closed page.
fn events(mut stream: TcpStream, live: &Live) -> std::io::Result<()> {
    stream.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-store\r\nConnection: keep-alive\r\n\r\nretry: 1000\n\n",
    )?;
    stream.flush()?;
    let mut seen = live.state.lock().unwrap_or_else(|e| e.into_inner()).generation;
    loop {
        let mut out = String::new();
        {
            let s = live.state.lock().unwrap_or_else(|e| e.into_inner());
            let (s, _) =
                live.wake.wait_timeout_while(s, KEEPALIVE, |s| s.generation == seen).unwrap_or_else(|e| e.into_inner());
            if s.generation == seen {
                out.push_str(": keep-alive\n\n");
            } else if s.events.front().is_some_and(|(g, _, _)| *g > seen + 1) {
                // Fell behind the backlog: reload whatever this page is.
                out.push_str("event: reload\ndata: {\"all\":true,\"pages\":[]}\n\n");
            } else {
                for (_, event, data) in s.events.iter().filter(|(g, _, _)| *g > seen) {
                    out.push_str(&format!("event: {event}\ndata: {data}\n\n"));
                }
            }
            seen = s.generation;
        }
        stream.write_all(out.as_bytes())?;
        stream.flush()?;
    }
}

/// Where a request path leads inside `root`.
#[derive(Debug, PartialEq)]
pub enum Resolved {
    File(PathBuf),
    /// A folder asked for without its trailing slash: relative links need it.
    Redirect(String),
    NotFound,
}

/// Map a URL path to a file inside `root` (canonical). Percent escapes are
/// decoded first; `..`, hidden names, backslashes and NULs are refused, and
/// the file found must still be inside `root` once links are resolved.
pub fn resolve(root: &Path, url_path: &str) -> Resolved {
    let Some(decoded) = percent_decode(url_path) else { return Resolved::NotFound };
    if !decoded.starts_with('/') || decoded.contains(['\\', '\0']) {
        return Resolved::NotFound;
    }
    let mut path = root.to_path_buf();
    for seg in decoded.split('/').filter(|s| !s.is_empty()) {
        let mut parts = Path::new(seg).components();
        let plain = matches!((parts.next(), parts.next()), (Some(Component::Normal(_)), None));
        if seg.starts_with('.') || !plain {
            return Resolved::NotFound;
        }
        path.push(seg);
    }
    let Ok(meta) = std::fs::metadata(&path) else { return Resolved::NotFound };
    if meta.is_dir() {
        if !url_path.ends_with('/') {
            return Resolved::Redirect(format!("{url_path}/"));
        }
        path.push("index.html");
    }
    match path.canonicalize() {
        Ok(real) if real.starts_with(root) && real.is_file() => Resolved::File(real),
        _ => Resolved::NotFound,
    }
}

fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = s.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

pub fn content_type(path: &Path) -> &'static str {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("").to_ascii_lowercase();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "ico" => "image/x-icon",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        _ => "application/octet-stream",
    }
}

/// The live-reload script tag before the last `</body>` (or at the end).
pub fn inject(mut html: Vec<u8>) -> Vec<u8> {
    let at = html.windows(7).rposition(|w| w.eq_ignore_ascii_case(b"</body>")).unwrap_or(html.len());
    html.splice(at..at, SCRIPT_TAG.bytes());
    html
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_stay_inside_the_root() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().join("site");
        std::fs::create_dir_all(root.join("roles/дизайнер")).unwrap();
        std::fs::write(root.join("index.html"), "home").unwrap();
        std::fs::write(root.join("roles/дизайнер/index.html"), "role").unwrap();
        std::fs::write(root.join(".skills-atlas"), "marker").unwrap();
        std::fs::write(dir.path().join("secret.txt"), "no").unwrap();
        let root = root.canonicalize().unwrap();
        assert_eq!(resolve(&root, "/"), Resolved::File(root.join("index.html")));
        assert_eq!(resolve(&root, "/index.html"), Resolved::File(root.join("index.html")));
        let role = root.join("roles/дизайнер/index.html");
        assert_eq!(resolve(&root, "/roles/%D0%B4%D0%B8%D0%B7%D0%B0%D0%B9%D0%BD%D0%B5%D1%80/"), Resolved::File(role));
        assert_eq!(resolve(&root, "/roles"), Resolved::Redirect("/roles/".into()));
        for bad in [
            "/../secret.txt",
            "/roles/../../secret.txt",
            "/%2e%2e/secret.txt",
            "/%2E%2E%2Fsecret.txt",
            "/..%5csecret.txt",
            "/.skills-atlas",
            "/index.html%00",
            "/%zz",
            "/missing.html",
        ] {
            assert_eq!(resolve(&root, bad), Resolved::NotFound, "{bad}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(dir.path().join("secret.txt"), root.join("link.txt")).unwrap();
            assert_eq!(resolve(&root, "/link.txt"), Resolved::NotFound);
        }
    }

    #[test]
    fn script_goes_before_the_body_end() {
        let html = inject(b"<html><body><p>x</p></BODY></html>".to_vec());
        assert_eq!(
            String::from_utf8(html).unwrap(),
            "<html><body><p>x</p><script src=\"/__livereload.js\"></script></BODY></html>"
        );
        assert!(String::from_utf8(inject(b"<p>x".to_vec())).unwrap().ends_with(SCRIPT_TAG));
        assert_eq!(content_type(Path::new("a/b.CSS")), "text/css; charset=utf-8");
    }
}
