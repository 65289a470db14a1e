//! Parse stage: read a submission's files and turn each into an outline.
//!
//! [`read_source_in`] is the one gate every student file passes: it refuses
//! what must not be read (links out of the content folder, pipes, binary
//! files), caps the size, and turns any encoding into UTF-8 text with LF
//! line ends. Each refusal or repair is a diagnostic naming the file.

pub(crate) mod outline;

use crate::diagnostics::{Finding, Severity};
use crate::text::any_byte;
use std::io::Read;
use std::path::Path;

/// Files larger than this are read only this far: enough for any honest
/// submission, and it keeps one hostile file from holding the build.
pub(crate) const MAX_FILE_BYTES: usize = 2 * 1024 * 1024;

/// All of one submission's files together are read only this far (honest
/// forks hold tens of kilobytes): it bounds every later stage's work.
pub(crate) const MAX_UNIT_BYTES: usize = 4 * 1024 * 1024;

/// How much of a file's start is checked for binary content.
const SNIFF_BYTES: usize = 8192;

/// Where a submission's files may be read from.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Scope<'a> {
    /// The content folder, canonical.
    pub root: &'a Path,
    /// The submission's own folder, canonical; `None` for a loose file.
    /// A symlink is followed only to a file inside it.
    pub fork: Option<&'a Path>,
    /// Bytes this submission may still read.
    pub budget: usize,
}

/// Read a Markdown file as text: BOM dropped, CRLF made LF, legacy encodings
/// decoded. `abs` must be `content.join(rel)`; problems come back as
/// diagnostics naming `rel`, and `None` means the file was not read.
/// (Builds read through [`read_source_in`], with their fork's scope.)
#[cfg(test)]
fn read_source(abs: &Path, rel: &str) -> (Option<String>, Vec<Finding>) {
    // `rel` has one component per level below the content folder.
    let depth = Path::new(rel).components().count();
    let Some(root) = abs.ancestors().nth(depth).and_then(|r| r.canonicalize().ok()) else {
        return (
            None,
            vec![Finding::new("unreadable", rel, 0, Severity::Error, "cannot read the file: its folder is gone")],
        );
    };
    let fork =
        (depth > 1).then(|| root.join(Path::new(rel).components().next().unwrap_or(std::path::Component::CurDir)));
    read_source_in(abs, rel, &Scope { root: &root, fork: fork.as_deref(), budget: MAX_FILE_BYTES })
}

/// Read a Markdown file (BOM dropped, CRLF made LF, legacy encodings
/// decoded) within `scope`: the file is refused when it lies outside
/// it, and read no further than its budget.
pub(crate) fn read_source_in(abs: &Path, rel: &str, scope: &Scope) -> (Option<String>, Vec<Finding>) {
    let mut diags = Vec::new();
    let error = |msg: String| Finding::new("unreadable", rel, 0, Severity::Error, msg);
    let cap = scope.budget.min(MAX_FILE_BYTES);
    let (bytes, size) = match read_capped(abs, rel, scope, cap) {
        Ok(read) => read,
        Err(msg) => return (None, vec![error(msg)]),
    };
    let truncated = size > cap as u64;
    if truncated {
        let why = if cap < MAX_FILE_BYTES {
            format!(
                "the submission's files together pass {MAX_UNIT_BYTES} bytes: only the first {cap} bytes of this one are read"
            )
        } else {
            format!("file is {size} bytes; only the first {MAX_FILE_BYTES} are read")
        };
        diags.push(Finding::new("too-large", rel, 0, Severity::Warning, format!("{why}: split or shorten it")));
    }
    let Some((text, note)) = decode(bytes, truncated) else {
        diags.push(error("binary file with a .md name: skipped; commit the text version instead".into()));
        return (None, diags);
    };
    if let Some((line, msg)) = note {
        diags.push(Finding::new("encoding", rel, line, Severity::Warning, msg));
    }
    let text =
        if any_byte(text.as_bytes(), |b| b == b'\r') { text.replace("\r\n", "\n").replace('\r', "\n") } else { text };
    if text.trim().is_empty() {
        diags.push(Finding::new("empty-file", rel, 0, Severity::Warning, "file is empty: write your answers into it"));
    }
    (Some(text), diags)
}

/// The file's first `cap + 1` bytes and its full size, once it is known to
/// be a regular file that `scope` lets us read. `Err` says why not.
fn read_capped(abs: &Path, rel: &str, scope: &Scope, cap: usize) -> Result<(Vec<u8>, u64), String> {
    let real = abs.canonicalize().or_else(|_| {
        // Why not, told apart only now: most files resolve.
        let link = std::fs::symlink_metadata(abs).map_err(|e| format!("cannot read the file: {}", os_reason(&e)))?;
        Err(if link.file_type().is_symlink() {
            "broken symlink or symlink loop: not read; commit the file itself".to_string()
        } else {
            "cannot read the file: a folder above it cannot be opened; check its permissions".to_string()
        })
    })?;
    if !real.starts_with(scope.root) {
        return Err("symlink to something outside the content folder: not read; commit the files themselves".into());
    }
    // Discovery never enters a linked folder, so a path that resolves
    // elsewhere went through a symlink of the student's.
    if real != scope.root.join(rel) {
        link_allowed(&real, scope)?;
    }
    let meta = std::fs::metadata(&real).map_err(|e| format!("cannot read the file: {}", os_reason(&e)))?;
    if meta.is_dir() {
        return Err(match std::fs::read_dir(&real) {
            Err(e) => format!("cannot open the folder: {}; check its permissions", os_reason(&e)),
            Ok(_) => "is a folder, not a Markdown file: skipped".into(),
        });
    }
    if !meta.is_file() {
        return Err("not a regular file (a pipe, socket or device): skipped".into());
    }
    same_file_system(&meta, scope.root)?;
    let file = std::fs::File::open(&real)
        .map_err(|e| format!("cannot read the file: {}; check its permissions", os_reason(&e)))?;
    let mut bytes = Vec::with_capacity((meta.len() as usize).min(cap + 1));
    file.take(cap as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("cannot read the file: {}", os_reason(&e)))?;
    let size = meta.len().max(bytes.len() as u64);
    bytes.truncate(cap);
    Ok((bytes, size))
}

/// A symlink is followed only to a file of the same submission, and never
/// into a hidden or `_` folder of it (`.git/config` may hold a token).
fn link_allowed(real: &Path, scope: &Scope) -> Result<(), String> {
    let Some(inside) = scope.fork.and_then(|fork| real.strip_prefix(fork).ok()) else {
        return Err("symlink to a file outside this submission's folder: not read; commit the file itself".into());
    };
    let hidden = inside.components().any(|c| c.as_os_str().to_string_lossy().starts_with(['.', '_']));
    if hidden {
        return Err("symlink into a hidden or `_` folder (such as .git): not read; commit the file itself".into());
    }
    Ok(())
}

/// A file with a second name (a hard link) or on another file system than
/// the content folder may be anyone's: git never makes either.
#[cfg(unix)]
pub(crate) fn same_file_system(meta: &std::fs::Metadata, root: &Path) -> Result<(), String> {
    use std::os::unix::fs::MetadataExt;
    if meta.nlink() > 1 {
        return Err("hard link (the file has another name elsewhere on disk): not read; copy the file instead".into());
    }
    match std::fs::metadata(root) {
        Ok(r) if r.dev() != meta.dev() => {
            Err("on another file system than the content folder (a mount): not read; copy the file instead".into())
        }
        _ => Ok(()),
    }
}

#[cfg(not(unix))]
pub(crate) fn same_file_system(_: &std::fs::Metadata, _: &Path) -> Result<(), String> {
    Ok(())
}

/// An I/O error without the path (diagnostics are published on the site).
fn os_reason(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::PermissionDenied => "permission denied".into(),
        std::io::ErrorKind::NotFound => "it does not exist (any more)".into(),
        _ => e.to_string(),
    }
}

/// A repair worth telling the student about: line (0 = whole file), message.
type Note = Option<(usize, String)>;

/// Bytes -> text. `None` for binary content. UTF-8 (with or without BOM) and
/// UTF-16 with a BOM are read as such; anything else is mostly-UTF-8 with a
/// few bad bytes (replaced) or a legacy encoding (guessed by chardetng).
fn decode(bytes: Vec<u8>, truncated: bool) -> Option<(String, Note)> {
    if let Some((enc, bom_len)) = encoding_rs::Encoding::for_bom(&bytes) {
        let (text, _) = enc.decode_without_bom_handling(&bytes[bom_len..]);
        let note = (enc != encoding_rs::UTF_8)
            .then(|| (0, format!("file is saved as {}, not UTF-8: it was converted; save it as UTF-8", enc.name())));
        return Some((text.into_owned(), note));
    }
    if looks_binary(&bytes[..bytes.len().min(SNIFF_BYTES)]) {
        return None;
    }
    // Valid UTF-8 (nearly every file): no copy, no detection.
    let (err, bytes) = match String::from_utf8(bytes) {
        Ok(text) => return Some((text, None)),
        Err(e) => (e.utf8_error(), e.into_bytes()),
    };
    let bad = match err {
        // Cut mid-character by the size cap: drop the partial character.
        e if truncated && e.error_len().is_none() => {
            return Some((String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned(), None));
        }
        e => e.valid_up_to(),
    };
    let line = 1 + bytes[..bad].iter().filter(|&&b| b == b'\n').count();
    let (good, invalid) = utf8_counts(&bytes);
    if good >= 2 * invalid {
        let msg = format!("file is not valid UTF-8: {invalid} unreadable bytes were replaced; save it as UTF-8");
        return Some((String::from_utf8_lossy(&bytes).into_owned(), Some((line, msg))));
    }
    let mut detector = chardetng::EncodingDetector::new(chardetng::Iso2022JpDetection::Deny);
    detector.feed(&bytes, true);
    let enc = detector.guess(None, chardetng::Utf8Detection::Deny);
    let (text, _) = enc.decode_without_bom_handling(&bytes);
    let msg = format!(
        "file is not UTF-8 (first non-UTF-8 byte on line {line}); it was read as {}: check the text on this page and save it as UTF-8",
        enc.name()
    );
    Some((text.into_owned(), Some((0, msg))))
}

/// NUL bytes, or more than 1 in 100 control bytes that text never holds.
fn looks_binary(head: &[u8]) -> bool {
    // Every file passes through here: count branch-free, in blocks small
    // enough for a byte counter, so the compiler can vectorise it.
    let is_odd = |b: u8| (b.wrapping_sub(0x01) < 8) | (b.wrapping_sub(0x0E) < 13) | (b.wrapping_sub(0x1C) < 4);
    let (mut odd, mut nul) = (0, false);
    for block in head.chunks(128) {
        let (n, z) = block.iter().fold((0u8, false), |(n, z), &b| (n + u8::from(is_odd(b)), z | (b == 0)));
        odd += usize::from(n);
        nul |= z;
    }
    nul || odd * 100 > head.len()
}

/// Non-ASCII characters in the valid UTF-8 runs, and invalid bytes.
fn utf8_counts(bytes: &[u8]) -> (usize, usize) {
    bytes.utf8_chunks().fold((0, 0), |(good, bad), chunk| {
        (good + chunk.valid().chars().filter(|c| !c.is_ascii()).count(), bad + chunk.invalid().len())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(bytes: &[u8]) -> (Option<String>, Vec<Finding>) {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("a.md"), bytes).unwrap();
        read_source(&dir.path().join("a.md"), "a.md")
    }

    #[test]
    fn bom_and_crlf_are_dropped() {
        let (text, diags) = read(b"\xEF\xBB\xBF# T\r\n\r\nx\ry\n");
        assert_eq!(text.as_deref(), Some("# T\n\nx\ny\n"));
        assert!(diags.is_empty(), "{diags:?}");
    }

    #[test]
    fn legacy_encodings_are_detected_and_named() {
        let (cp1251, _, _) =
            encoding_rs::WINDOWS_1251.encode("## Мои навыки\n\nЯ знаю Python и немного SQL, хочу изучить Docker.\n");
        let (text, diags) = read(&cp1251);
        assert!(text.unwrap().contains("Мои навыки"));
        assert!(diags[0].message.contains("windows-1251"), "{diags:?}");
        let (text, diags) = read(b"\xFF\xFE#\x00 \x00T\x00\n\x00");
        assert_eq!(text.as_deref(), Some("# T\n"));
        assert!(diags[0].message.contains("UTF-16LE"), "{diags:?}");
    }

    #[test]
    fn a_stray_byte_in_utf8_is_replaced_not_redecoded() {
        let mut bytes = "Привет, мир, это текст\n\n".as_bytes().to_vec();
        bytes.push(0xFF);
        let (text, diags) = read(&bytes);
        assert!(text.unwrap().starts_with("Привет"));
        assert_eq!(diags[0].line, 3, "{diags:?}");
    }

    #[test]
    fn binary_empty_and_oversized_files() {
        let (text, diags) = read(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
        assert!(text.is_none() && diags[0].severity == Severity::Error);
        let (text, diags) = read(b"  \n");
        assert!(text.is_some() && diags[0].message.contains("empty"));
        let mut big = "я".repeat(MAX_FILE_BYTES / 2);
        big.push_str("tail");
        let (text, diags) = read(big.as_bytes());
        assert!(text.unwrap().len() <= MAX_FILE_BYTES);
        assert_eq!(diags.len(), 1, "{diags:?}");
    }
}
