//! A static server for built sites: `root` under `/atlas/` on loopback, as
//! GitHub Pages serves a project site. Used by the crawl and browser tests.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Serve `root` on a free loopback port; returns the port.
pub fn serve_on_free_port(root: PathBuf) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    serve(listener, root);
    port
}

/// Serve `root` under `/atlas/` on `listener`, one thread per connection:
/// `dir/` serves `dir/index.html`, a missing path under `/atlas/` gets
/// `404.html` with status 404.
pub fn serve(listener: TcpListener, root: PathBuf) {
    let root = root.canonicalize().unwrap();
    std::thread::spawn(move || {
        for stream in listener.incoming().take(100_000) {
            let Ok(stream) = stream else { continue };
            let root = root.clone();
            std::thread::spawn(move || respond(&root, stream));
        }
    });
}

fn respond(root: &Path, mut stream: TcpStream) {
    let _ = stream.set_read_timeout(Some(Duration::from_secs(10)));
    let mut reader = BufReader::new(&stream);
    let mut request = String::new();
    if reader.read_line(&mut request).unwrap_or(0) == 0 {
        return; // a preconnect that never asked for anything
    }
    // Read the headers to the blank line: closing a socket with unread
    // input resets the connection and the browser reports a failed request.
    loop {
        let mut line = String::new();
        match reader.read_line(&mut line) {
            Ok(0) | Err(_) => break,
            Ok(_) if line == "\r\n" || line == "\n" => break,
            Ok(_) => {}
        }
    }
    let mut parts = request.split_whitespace();
    let method = parts.next().unwrap_or("");
    let target = parts.next().unwrap_or("/");
    let path = target.split(['?', '#']).next().unwrap_or("");
    let file = path.strip_prefix("/atlas/").and_then(|rest| {
        let rest = percent_decode(rest);
        if rest.split('/').any(|seg| seg == ".." || seg == ".") {
            return None;
        }
        let p = root.join(&rest);
        let p = if p.is_dir() { p.join("index.html") } else { p };
        p.canonicalize().ok().filter(|p| p.starts_with(root) && p.is_file())
    });
    let (status, file) = match file {
        Some(f) => ("200 OK", Some(f)),
        None if path.starts_with("/atlas/") => ("404 Not Found", Some(root.join("404.html"))),
        None => ("404 Not Found", None),
    };
    let body = file.as_ref().and_then(|f| std::fs::read(f).ok()).unwrap_or_default();
    let kind = file.as_deref().map(content_type).unwrap_or("text/plain; charset=utf-8");
    let head = format!(
        "HTTP/1.1 {status}\r\nContent-Type: {kind}\r\nContent-Length: {}\r\nX-Content-Type-Options: nosniff\r\n\
         Cache-Control: no-store\r\nConnection: close\r\n\r\n",
        body.len()
    );
    let _ = stream.write_all(head.as_bytes());
    if method != "HEAD" {
        let _ = stream.write_all(&body);
    }
    let _ = stream.flush();
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "csv" => "text/csv; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "txt" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

fn percent_decode(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%'
            && let Some(b) = s.get(i + 1..i + 3).and_then(|h| u8::from_str_radix(h, 16).ok())
        {
            out.push(b);
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}
