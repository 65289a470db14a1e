//! Parse stage: read a submission's files and turn each into an outline.

pub mod outline;

use crate::diagnostics::{Diagnostic, Severity};
use std::path::Path;

/// Files larger than this are read only this far: enough for any honest
/// submission, and it keeps one hostile file from holding the build.
pub const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;

/// Read a Markdown file as text: BOM dropped, CRLF made LF, invalid UTF-8
/// replaced. Problems come back as diagnostics naming `rel`.
pub fn read_source(abs: &Path, rel: &str) -> (Option<String>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let bytes = match std::fs::read(abs) {
        Ok(b) => b,
        Err(e) => {
            diags.push(Diagnostic::new(rel, 0, Severity::Error, format!("cannot read the file: {e}; check its permissions")));
            return (None, diags);
        }
    };
    if bytes.iter().take(8192).any(|&b| b == 0) {
        diags.push(Diagnostic::new(rel, 0, Severity::Error, "binary file with a .md name: skipped; commit the text version instead"));
        return (None, diags);
    }
    let mut bytes = bytes;
    if bytes.len() > MAX_FILE_BYTES {
        diags.push(Diagnostic::new(rel, 0, Severity::Warning,
            format!("file is {} bytes; only the first {} are read: split or shorten it", bytes.len(), MAX_FILE_BYTES)));
        bytes.truncate(MAX_FILE_BYTES);
    }
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
    let text = match std::str::from_utf8(body) {
        Ok(t) => t.to_string(),
        Err(_) => {
            diags.push(Diagnostic::new(rel, 0, Severity::Warning, "file is not valid UTF-8: unreadable bytes were replaced; save it as UTF-8"));
            String::from_utf8_lossy(body).into_owned()
        }
    };
    let text = if text.contains('\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text };
    if text.trim().is_empty() {
        diags.push(Diagnostic::new(rel, 0, Severity::Warning, "file is empty: write your answers into it"));
    }
    (Some(text), diags)
}
