//! The files a submission's images point to: resolved inside the fork by
//! the rules that guard its Markdown ([`crate::parse::read_source_in`]), read once
//! within caps, and told apart by content.
//!
//! An image resolves only to a regular file of the same fork, relative to
//! the Markdown file (or to the fork's top for `/path`), never through `..`
//! past the fork, never through a symlink leaving it, never into a hidden
//! or `_` folder (`.git`). Each is read up to [`MAX_IMAGE_BYTES`], and a
//! fork's images together up to [`MAX_FORK_IMAGE_BYTES`]; an SVG holding
//! script is refused (it is shown through `<img>`, where none runs, but its
//! published file could be opened on its own).

use super::images::{Image, ImageKind};
use std::collections::HashMap;
use std::io::Read;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

/// One image's bytes: a diagram is tens of kilobytes.
pub(crate) const MAX_IMAGE_BYTES: usize = 2 * 1024 * 1024;
/// A fork's images together.
pub(crate) const MAX_FORK_IMAGE_BYTES: usize = 16 * 1024 * 1024;

pub(crate) const MISSING: &str = "missing-image";

/// Why an image is not published: a finding's code and message.
type Problem = (&'static str, String);
/// An image read: its kind and bytes.
type Loaded = Result<(ImageKind, Arc<[u8]>), Problem>;
pub(crate) const REFUSED: &str = "image-refused";

/// Resolve each of `images` (found in the files of one submission) inside
/// `fork`, the fork's folder, canonical; `root` is the content folder,
/// canonical. Fills `resolved`, `kind`, `published` and `bytes`, or
/// `problem`.
pub(crate) fn resolve_all(images: &mut [Image], root: &Path, fork: Option<&Path>) {
    let mut budget = MAX_FORK_IMAGE_BYTES;
    // A file embedded twice is read once and counted once.
    let mut seen: HashMap<PathBuf, Loaded> = HashMap::new();
    for img in images.iter_mut() {
        let Some(fork) = fork else {
            img.problem = Some((
                MISSING,
                format!("image \"{}\": a single loose file has no folder to hold images; submit the fork", img.target),
            ));
            continue;
        };
        let found = locate(img, root, fork).and_then(|real| {
            if let Some(done) = seen.get(&real) {
                return done.clone().map(|(k, b)| (real, k, b));
            }
            let read = read_within(&real, root, &mut budget, img);
            seen.insert(real.clone(), read.clone());
            read.map(|(k, b)| (real, k, b))
        });
        match found {
            Ok((real, kind, bytes)) => {
                let rel = real.strip_prefix(root).unwrap_or(&real).to_string_lossy().replace('\\', "/");
                img.published = Some(format!("files/{}.{}", content_hash(&bytes), kind.extension()));
                img.resolved = Some(rel);
                img.kind = Some(kind);
                img.bytes = Some(bytes);
            }
            Err(problem) => img.problem = Some(problem),
        }
    }
}

/// What a finding calls the file.
fn noun(img: &Image) -> &'static str {
    if crate::extract::images::is_plantuml(&img.target) { "PlantUML source" } else { "image" }
}

/// The file `img` names, canonical, once it is known to lie in `fork` and
/// outside its hidden folders.
fn locate(img: &Image, root: &Path, fork: &Path) -> Result<PathBuf, Problem> {
    let target = img.target.trim();
    let noun = noun(img);
    let missing = |why: &str| (MISSING, format!("{noun} \"{target}\" {why}"));
    let path = target.split(['?', '#']).next().unwrap_or("");
    if path.contains('\\') {
        return Err(missing(
            "is written with backslashes: write the path with / (diagrams/out/x.svg), as GitHub needs too",
        ));
    }
    let decoded = percent_decode(path).ok_or_else(|| missing("is not a valid path: check its %-escapes"))?;
    let md_dir = Path::new(&img.file).parent().map(|d| root.join(d)).unwrap_or_else(|| root.to_path_buf());
    let base = if decoded.starts_with('/') { fork.to_path_buf() } else { md_dir };
    let mut at = base;
    for part in Path::new(&decoded).components() {
        match part {
            Component::Normal(p) => at.push(p),
            Component::ParentDir if !at.pop() || !at.starts_with(fork) => {
                return Err(missing("points outside your fork: keep diagrams in it and link them relatively"));
            }
            _ => {}
        }
    }
    if !at.starts_with(fork) || at == fork {
        return Err(missing("points outside your fork: keep diagrams in it and link them relatively"));
    }
    let hidden = |p: &Path| {
        p.strip_prefix(fork)
            .ok()
            .is_some_and(|inside| inside.components().any(|c| c.as_os_str().to_string_lossy().starts_with(['.', '_'])))
    };
    if hidden(&at) {
        return Err(missing("is in a hidden or `_` folder: such files are never published; move it to docs/"));
    }
    let real = at.canonicalize().map_err(|_| {
        missing(&format!(
            "does not exist in your fork (looked for {}): commit the file, or fix the path (relative to this file)",
            at.strip_prefix(fork).unwrap_or(&at).display()
        ))
    })?;
    if !real.starts_with(fork) || hidden(&real) {
        return Err(missing("is a symlink out of your fork or into a hidden folder: commit the file itself"));
    }
    Ok(real)
}

/// The file's kind and bytes, within the caps, from the same gate as
/// Markdown files (a regular file, one name, same file system).
fn read_within(real: &Path, root: &Path, budget: &mut usize, img: &Image) -> Loaded {
    let target = img.target.trim();
    let noun = noun(img);
    let refused = |why: String| (REFUSED, format!("{noun} \"{target}\" {why}"));
    let meta = std::fs::metadata(real).map_err(|_| (MISSING, format!("{noun} \"{target}\" cannot be read")))?;
    if !meta.is_file() {
        return Err((MISSING, format!("{noun} \"{target}\" is not a file: link the diagram file itself")));
    }
    crate::parse::same_file_system(&meta, root).map_err(|why| (REFUSED, format!("{noun} \"{target}\": {why}")))?;
    let size = meta.len() as usize;
    if size > MAX_IMAGE_BYTES {
        return Err(refused(format!(
            "is {} KB, more than the {} KB an image may be: not published; export it smaller",
            size / 1024,
            MAX_IMAGE_BYTES / 1024
        )));
    }
    if size > *budget {
        return Err(refused(format!(
            "passes the {} MB all of a fork's images may take together: not published",
            MAX_FORK_IMAGE_BYTES / (1024 * 1024)
        )));
    }
    let mut bytes = Vec::with_capacity(size);
    std::fs::File::open(real)
        .and_then(|f| f.take(MAX_IMAGE_BYTES as u64 + 1).read_to_end(&mut bytes))
        .map_err(|_| (MISSING, format!("{noun} \"{target}\" cannot be read: check its permissions")))?;
    if bytes.len() > MAX_IMAGE_BYTES {
        return Err(refused("grew while it was read: not published".into()));
    }
    let kind = if crate::extract::images::is_plantuml(target) {
        plantuml_text(&bytes).ok_or_else(|| refused("is not a PlantUML text file: not published".into()))?
    } else {
        sniff(&bytes).ok_or_else(|| {
            refused("is not an SVG, PNG, JPEG, GIF or WebP image (by its content): not published; export one".into())
        })?
    };
    if kind == ImageKind::Svg && has_script(&bytes) {
        return Err(refused(
            "is an SVG with a script, event handler or javascript: link in it: not published; export the diagram \
             again (PlantUML's SVGs hold none)"
                .into(),
        ));
    }
    *budget -= bytes.len();
    Ok((kind, bytes.into()))
}

/// The kind of image `bytes` hold, by their first bytes.
pub(crate) fn sniff(bytes: &[u8]) -> Option<ImageKind> {
    if bytes.starts_with(b"\x89PNG\r\n\x1a\n") {
        return Some(ImageKind::Png);
    }
    if bytes.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(ImageKind::Jpeg);
    }
    if bytes.starts_with(b"GIF87a") || bytes.starts_with(b"GIF89a") {
        return Some(ImageKind::Gif);
    }
    if bytes.len() >= 12 && bytes.starts_with(b"RIFF") && &bytes[8..12] == b"WEBP" {
        return Some(ImageKind::Webp);
    }
    // SVG is text: an `<svg` element near the start, after any XML
    // declaration, doctype or comments.
    let head = &bytes[..bytes.len().min(4096)];
    let text = std::str::from_utf8(head).ok().or_else(|| {
        // The 4 KB cut may split a character.
        let e = std::str::from_utf8(head).err()?;
        (e.error_len().is_none()).then(|| std::str::from_utf8(&head[..e.valid_up_to()]).ok()).flatten()
    })?;
    let t = text.trim_start_matches('\u{feff}').trim_start();
    (t.starts_with('<') && t.to_ascii_lowercase().contains("<svg")).then_some(ImageKind::Svg)
}

/// PlantUML sources are UTF-8 text.
fn plantuml_text(bytes: &[u8]) -> Option<ImageKind> {
    (std::str::from_utf8(bytes).is_ok() && !bytes.contains(&0)).then_some(ImageKind::Plantuml)
}

/// Whether an SVG could run code when opened on its own: a script element,
/// an `on...=` event attribute, a `javascript:` URL, or embedded HTML.
pub(crate) fn has_script(svg: &[u8]) -> bool {
    // `&#106;avascript:` is `javascript:` to an XML parser.
    let text = decode_char_refs(&String::from_utf8_lossy(svg)).to_ascii_lowercase();
    if ["<script", "javascript:", "<foreignobject", "<iframe", "<embed", "<object", "data:text/html", "<!entity"]
        .iter()
        .any(|p| text.contains(p))
    {
        return true;
    }
    // ` onload=`, `\tonclick =` and the like, inside a tag.
    let b = text.as_bytes();
    (0..b.len().saturating_sub(3)).any(|i| {
        (b[i].is_ascii_whitespace() || b[i] == b'/') && b[i + 1] == b'o' && b[i + 2] == b'n' && {
            let name_end = b[i + 3..].iter().position(|c| !c.is_ascii_alphanumeric()).map_or(b.len(), |n| i + 3 + n);
            name_end > i + 3 && b[name_end..].iter().find(|c| !c.is_ascii_whitespace()) == Some(&b'=')
        }
    })
}

/// Numeric character references (`&#106;`, `&#x6A;`) as the characters
/// they stand for; others left as written.
fn decode_char_refs(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.contains("&#") {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(at) = rest.find("&#") {
        out.push_str(&rest[..at]);
        let after = &rest[at + 2..];
        let (hex, digits) = match after.strip_prefix(['x', 'X']) {
            Some(h) => (true, h),
            None => (false, after),
        };
        let len = digits.find(|c: char| !c.is_ascii_hexdigit()).unwrap_or(digits.len());
        let code = u32::from_str_radix(&digits[..len], if hex { 16 } else { 10 }).ok().and_then(char::from_u32);
        match code {
            Some(c) => {
                out.push(c);
                let used = digits.len() - digits[len..].strip_prefix(';').unwrap_or(&digits[len..]).len();
                rest = &digits[used..];
            }
            None => {
                out.push_str("&#");
                rest = after;
            }
        }
    }
    out.push_str(rest);
    std::borrow::Cow::Owned(out)
}

/// A path's `%20` and the like decoded; `None` for a bad escape, bytes that
/// are not UTF-8 or a NUL.
fn percent_decode(s: &str) -> Option<String> {
    crate::url::decode_strict(s).filter(|s| !s.contains('\0'))
}

/// 128 bits of SipHash-1-3 of the bytes, as hex: the published file's name,
/// so the same diagram is one file however many forks hold it.
fn content_hash(bytes: &[u8]) -> String {
    use siphasher::sip128::{Hasher128, SipHasher13};
    use std::hash::Hasher;
    let mut h = SipHasher13::new_with_keys(0x6469_6167_7261_6d73, 0x736b_696c_6c73_2d61);
    h.write(bytes);
    format!("{:032x}", h.finish128().as_u128())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_are_told_by_content() {
        assert_eq!(sniff(b"\x89PNG\r\n\x1a\n...."), Some(ImageKind::Png));
        assert_eq!(sniff(b"\xEF\xBB\xBF<?xml version=\"1.0\"?>\n<svg xmlns=\"x\"/>"), Some(ImageKind::Svg));
        assert_eq!(sniff(b"RIFF\0\0\0\0WEBPVP8 "), Some(ImageKind::Webp));
        assert_eq!(sniff(b"<html><body>not an image</body></html>"), None);
        assert_eq!(sniff(b"plain text"), None);
    }

    #[test]
    fn scripts_in_svg_are_seen() {
        assert!(has_script(b"<svg><script>alert(1)</script></svg>"));
        assert!(has_script(b"<svg><rect ONLOAD = \"x()\"/></svg>"));
        assert!(has_script(b"<svg><a href=\"JavaScript:x()\">a</a></svg>"));
        assert!(has_script(b"<svg><a href=\"&#106;ava&#x73;cript:x()\">a</a></svg>"));
        assert!(has_script(b"<!DOCTYPE svg [<!ENTITY j \"java\">]><svg/>"));
        assert!(!has_script(b"<svg><text>one=two, money = 3, font-family=\"Mono\"</text></svg>"));
        assert!(!has_script(b"<svg><g class=\"entity\" data-entity=\"onboarding\"><text>on</text></g></svg>"));
    }

    #[test]
    fn escapes_decode_and_bad_ones_fail() {
        assert_eq!(percent_decode("Component%20Diagram.svg").as_deref(), Some("Component Diagram.svg"));
        assert_eq!(percent_decode("%D1%81%D1%85%D0%B5%D0%BC%D0%B0.png").as_deref(), Some("схема.png"));
        assert_eq!(percent_decode("bad%zz"), None);
        assert_eq!(percent_decode("nul%00"), None);
    }
}
