//! A small HTTP/1.1 server for previewing the site: GET and HEAD
//! of files inside the output folder (never outside it), `index.html` for
//! folders, the site's 404 page, and the live-reload endpoints. One thread
//! per connection; each response closes its connection, except the event
//! stream.
//!
//! A request naming another host (a DNS-rebinding page) is refused (see
//! [`Hosts`]), a client has [`HEADER_DEADLINE`] to send its request, and
//! when [`MAX_CONNECTIONS`] are open the oldest one still sending its
//! request makes room, so idle or slow clients cannot keep others out.

use std::collections::VecDeque;
use std::io::{Read, Write};
use std::net::{Shutdown, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Condvar, Mutex};
use std::time::{Duration, Instant};

const SCRIPT: &str = include_str!("livereload.js");
const STYLE: &str = include_str!("livereload.css");
/// Put before `</body>` of every HTML response (never into the site's files).
const SCRIPT_TAG: &str = "<script src=\"/__livereload.js\"></script>";
/// Connections open at once, event streams included.
pub(crate) const MAX_CONNECTIONS: usize = 256;
/// Event streams open at once: a new one closes the oldest (whose page
/// reconnects a second later, or was closed long ago).
const MAX_STREAMS: usize = 64;
/// Time a client has to send its request line and headers.
pub(crate) const HEADER_DEADLINE: Duration = Duration::from_secs(5);
/// Events kept for event streams that fall behind.
const BACKLOG: usize = 64;
const KEEPALIVE: Duration = Duration::from_secs(15);

/// What the server tells pages: the build status and reload events.
pub(crate) struct Live {
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
    pub(crate) fn new() -> Self {
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
    pub(crate) fn publish(&self, event: &'static str, data: String, status: impl FnOnce(u64) -> String) {
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
pub(crate) fn serve(listener: TcpListener, root: PathBuf, live: Arc<Live>) {
    let Ok(addr) = listener.local_addr() else { return };
    let hosts = Arc::new(Hosts::for_addr(addr));
    let conns = Arc::new(Conns::default());
    for stream in listener.incoming() {
        let Ok(mut stream) = stream else { continue };
        let Some(id) = conns.admit(&stream) else {
            let _ = respond(&mut stream, "503 Service Unavailable", "text/plain; charset=utf-8", b"busy\n", false);
            continue;
        };
        let (root, live, hosts, mine) = (root.clone(), live.clone(), hosts.clone(), conns.clone());
        let spawned = std::thread::Builder::new().name("serve-conn".into()).spawn(move || {
            handle(stream, &root, &live, &hosts, &Conn { id, all: &mine });
            mine.remove(id);
        });
        if spawned.is_err() {
            conns.remove(id);
        }
    }
}

/// What a request may give as its `Host`: loopback's names, the address
/// listened on, and, when listening on every interface (`0.0.0.0`, `::`),
/// any address written as digits. A DNS-rebinding page reaches the server
/// only under a name, so names other than `localhost` are refused.
pub(crate) struct Hosts {
    names: Vec<String>,
    any_ip: bool,
}

impl Hosts {
    pub(crate) fn for_addr(addr: std::net::SocketAddr) -> Hosts {
        let mut names = vec!["localhost".to_string(), "127.0.0.1".to_string(), "[::1]".to_string()];
        names.push(match addr.ip() {
            std::net::IpAddr::V6(ip) => format!("[{ip}]"),
            ip => ip.to_string(),
        });
        Hosts { names, any_ip: addr.ip().is_unspecified() }
    }

    /// Whether `host` (a `Host` header: a name and maybe `:port`) is allowed.
    pub(crate) fn allows(&self, host: &str) -> bool {
        let host = host.trim();
        let name = match host.rsplit_once(':') {
            Some((name, port)) if !port.is_empty() && port.bytes().all(|b| b.is_ascii_digit()) => name,
            _ => host,
        };
        let ip = || {
            let bare = name.strip_prefix('[').and_then(|n| n.strip_suffix(']'));
            match bare {
                Some(v6) => v6.parse::<std::net::Ipv6Addr>().is_ok(),
                None => name.parse::<std::net::Ipv4Addr>().is_ok(),
            }
        };
        self.names.iter().any(|a| a.eq_ignore_ascii_case(name)) || (self.any_ip && ip())
    }
}

/// What an open connection is doing.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Phase {
    /// Still sending its request: the one to drop when room is needed.
    Request,
    Response,
    Stream,
}

struct Open {
    id: u64,
    /// A handle to shut the socket down with, from another thread.
    socket: TcpStream,
    phase: Phase,
}

/// The open connections, oldest first.
#[derive(Default)]
struct Conns {
    open: Mutex<Vec<Open>>,
    next: AtomicU64,
}

impl Conns {
    /// Room for `stream`, made if need be by closing the oldest connection
    /// still sending its request, else the oldest event stream; `None` when
    /// every connection is busy answering.
    fn admit(&self, stream: &TcpStream) -> Option<u64> {
        let socket = stream.try_clone().ok()?;
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if open.len() >= MAX_CONNECTIONS {
            let victim =
                [Phase::Request, Phase::Stream].iter().find_map(|&phase| open.iter().position(|o| o.phase == phase))?;
            let _ = open.remove(victim).socket.shutdown(Shutdown::Both);
        }
        let id = self.next.fetch_add(1, Ordering::Relaxed);
        open.push(Open { id, socket, phase: Phase::Request });
        Some(id)
    }

    /// Mark connection `id` as in `phase`; a new event stream past
    /// [`MAX_STREAMS`] closes the oldest.
    fn set(&self, id: u64, phase: Phase) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(o) = open.iter_mut().find(|o| o.id == id) {
            o.phase = phase;
        }
        if phase == Phase::Stream
            && open.iter().filter(|o| o.phase == Phase::Stream).count() > MAX_STREAMS
            && let Some(oldest) = open.iter().position(|o| o.phase == Phase::Stream)
        {
            let _ = open.remove(oldest).socket.shutdown(Shutdown::Both);
        }
    }

    fn remove(&self, id: u64) {
        self.open.lock().unwrap_or_else(|e| e.into_inner()).retain(|o| o.id != id);
    }
}

/// One connection's place among the open ones.
struct Conn<'a> {
    id: u64,
    all: &'a Conns,
}

fn handle(mut stream: TcpStream, root: &Path, live: &Live, hosts: &Hosts, conn: &Conn) {
    let _ = stream.set_write_timeout(Some(Duration::from_secs(10)));
    let request = match read_request(&mut stream) {
        Ok(r) => r,
        Err(status) => {
            let _ = respond(&mut stream, status, "text/plain; charset=utf-8", status.as_bytes(), false);
            return;
        }
    };
    conn.all.set(conn.id, Phase::Response);
    if !request.host.as_deref().is_some_and(|h| hosts.allows(h)) {
        let body = b"this preview server answers only to localhost or its address in digits\n";
        let _ = respond(&mut stream, "403 Forbidden", "text/plain; charset=utf-8", body, false);
        return;
    }
    let Request { method, target, .. } = request;
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
        "/__livereload" if !head => {
            conn.all.set(conn.id, Phase::Stream);
            events(stream, live)
        }
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

/// What the server reads of a request.
struct Request {
    method: String,
    target: String,
    host: Option<String>,
}

/// The request line and `Host`, read within [`HEADER_DEADLINE`]; else the
/// status to answer with. A target with a control byte (a raw CR or LF that
/// would end up in a header) is a bad request.
fn read_request(stream: &mut TcpStream) -> Result<Request, &'static str> {
    const BAD: &str = "400 Bad Request";
    let deadline = Instant::now() + HEADER_DEADLINE;
    let mut buf = Vec::with_capacity(1024);
    let mut chunk = [0u8; 1024];
    while !buf.windows(4).any(|w| w == b"\r\n\r\n") {
        if buf.len() > 16 * 1024 {
            return Err("431 Request Header Fields Too Large");
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return Err("408 Request Timeout");
        }
        match stream.read(&mut chunk) {
            Ok(0) => return Err(BAD),
            Ok(n) => buf.extend_from_slice(&chunk[..n]),
            Err(e) if matches!(e.kind(), std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut) => {
                return Err("408 Request Timeout");
            }
            Err(_) => return Err(BAD),
        }
    }
    let end = buf.windows(4).position(|w| w == b"\r\n\r\n").unwrap_or(buf.len());
    let text = std::str::from_utf8(&buf[..end]).map_err(|_| BAD)?;
    let mut lines = text.split("\r\n");
    let line = lines.next().ok_or(BAD)?;
    if line.bytes().any(|b| b < 0x20 || b == 0x7f) {
        return Err(BAD);
    }
    let mut parts = line.split(' ');
    let (method, target, version) = (parts.next().ok_or(BAD)?, parts.next().ok_or(BAD)?, parts.next().ok_or(BAD)?);
    if parts.next().is_some() || !version.starts_with("HTTP/1.") || !target.starts_with('/') {
        return Err(BAD);
    }
    let mut host = None;
    for header in lines {
        let Some((name, value)) = header.split_once(':') else { return Err(BAD) };
        if name.eq_ignore_ascii_case("host") && host.replace(value.trim().to_string()).is_some() {
            return Err(BAD);
        }
    }
    Ok(Request { method: method.to_string(), target: target.to_string(), host })
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
pub(crate) enum Resolved {
    File(PathBuf),
    /// A folder asked for without its trailing slash: relative links need it.
    Redirect(String),
    NotFound,
}

/// Map a URL path to a file inside `root` (canonical). Percent escapes are
/// decoded first; `..`, hidden names, backslashes and NULs are refused, and
/// the file found must still be inside `root` once links are resolved.
pub(crate) fn resolve(root: &Path, url_path: &str) -> Resolved {
    let Some(decoded) = crate::url::decode_strict(url_path) else { return Resolved::NotFound };
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
            // From the segments: `//roles` must not become `//roles/`,
            // which a browser reads as another host.
            let segments: Vec<&str> = url_path.split('/').filter(|s| !s.is_empty()).collect();
            return Resolved::Redirect(format!("/{}/", segments.join("/")));
        }
        path.push("index.html");
    }
    match path.canonicalize() {
        Ok(real) if real.starts_with(root) && real.is_file() => Resolved::File(real),
        _ => Resolved::NotFound,
    }
}

pub(crate) fn content_type(path: &Path) -> &'static str {
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
pub(crate) fn inject(mut html: Vec<u8>) -> Vec<u8> {
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
        assert_eq!(resolve(&root, "//roles"), Resolved::Redirect("/roles/".into()));
        assert_eq!(
            resolve(&root, "///roles//%D0%B4%D0%B8%D0%B7%D0%B0%D0%B9%D0%BD%D0%B5%D1%80"),
            Resolved::Redirect("/roles/%D0%B4%D0%B8%D0%B7%D0%B0%D0%B9%D0%BD%D0%B5%D1%80/".into())
        );
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

    #[test]
    fn only_loopback_names_are_served() {
        let loopback = Hosts::for_addr("127.0.0.1:1111".parse().unwrap());
        for ok in ["localhost", "LOCALHOST:1111", "127.0.0.1:8080", "[::1]:1111", " localhost "] {
            assert!(loopback.allows(ok), "{ok}");
        }
        let bad = ["evil.example", "evil.example:1111", "localhost.evil.example", "127.0.0.1.nip.io", "", "[::1]x"];
        for host in bad.iter().chain(&["192.168.1.5:1111", "[fe80::1]"]) {
            assert!(!loopback.allows(host), "{host}");
        }
        // One interface: its own address too; every interface: any address in digits, still no names.
        let one = Hosts::for_addr("192.168.1.5:1111".parse().unwrap());
        assert!(one.allows("192.168.1.5:1111") && one.allows("localhost") && !one.allows("10.0.0.2"));
        let every = Hosts::for_addr("[::]:1111".parse().unwrap());
        for ok in ["192.168.1.5:1111", "10.0.0.2", "[fe80::1]:1111", "localhost"] {
            assert!(every.allows(ok), "{ok}");
        }
        for host in bad.iter().chain(&["my-laptop.local:1111", "[fe80::1", "1.2.3"]) {
            assert!(!every.allows(host), "{host}");
        }
    }
}
