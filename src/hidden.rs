//! Characters that show nothing but change what is around them: controls,
//! bidi overrides and isolates (which turn `gpj.exe` into `exe.jpg`),
//! zero-width spaces and joiners, invisible fillers. A folder name or a
//! student's text carrying one could pass for another name on a page, in a
//! spreadsheet or in a terminal, so every output shows them: as U+FFFD in
//! HTML, CSV and the terminal, as a `\uXXXX` escape in JSON.

use std::borrow::Cow;
use std::io::Write;

/// What a hidden character is shown as.
pub(crate) const SHOWN_AS: char = '\u{FFFD}';

/// A character that is hidden (see the module docs). Tab and line ends are
/// ordinary text; ZWJ and ZWNJ are kept, as scripts need them.
pub(crate) fn is_hidden(c: char) -> bool {
    matches!(c,
        '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{115f}' | '\u{1160}' | '\u{180e}' | '\u{200b}' | '\u{200e}' | '\u{200f}'
        | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}'
        | '\u{3164}' | '\u{feff}' | '\u{ffa0}' | '\u{fff9}'..='\u{fffb}')
}

/// Whether a byte may start a hidden character: every other byte is
/// ordinary text, so a scan can skip it. Branch-free, so scans vectorise.
pub(crate) const fn may_hide(b: u8) -> bool {
    ((b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r'))
        | (b == 0x7f)
        | (b == 0xc2)
        | (b == 0xd8)
        | (b == 0xe1)
        | (b == 0xe2)
        | (b == 0xe3)
        | (b == 0xef)
}

/// Whether `s` may hold a hidden character. Every string written passes
/// through here, most of them short and with none.
pub(crate) fn may_hold_hidden(s: &str) -> bool {
    next_may_hide(s.as_bytes(), 0).is_some()
}

/// `s` with each hidden character replaced by [`SHOWN_AS`].
pub(crate) fn shown(s: &str) -> Cow<'_, str> {
    if !may_hold_hidden(s) || !s.chars().any(is_hidden) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| if is_hidden(c) { SHOWN_AS } else { c }).collect())
}

/// A writer of JSON text that escapes hidden characters as `\uXXXX`: in
/// JSON they can only be inside strings (its own syntax is ASCII), where the
/// escape means the same character. Below a large buffer, it scans each
/// block once, vectorised, and most blocks pass through untouched.
pub(crate) struct Json<W: Write> {
    inner: W,
    /// The start of a character cut by the end of the last write.
    carry: Vec<u8>,
}

impl<W: Write> Json<W> {
    pub(crate) fn new(inner: W) -> Self {
        Json { inner, carry: Vec::new() }
    }
}

impl<W: Write> Json<W> {
    /// Write `text`, escaping hidden characters; a character cut by its end
    /// is kept for the next write.
    fn escape(&mut self, text: &[u8]) -> std::io::Result<()> {
        let (mut run, mut from) = (0, 0);
        let mut leads = JsonLeads::default();
        while let Some(i) = leads.next(text, from) {
            // Only these leads start a hidden character: 1, 2 or 3 bytes.
            let len = match text[i] {
                0xc2 | 0xd8 => 2,
                0xe1..=0xef => 3,
                _ => 1,
            };
            let Some(bytes) = text.get(i..i + len) else {
                self.inner.write_all(&text[run..i])?;
                self.carry = text[i..].to_vec();
                return Ok(());
            };
            from = i + 1;
            let Some(c) = decode(bytes).filter(|&c| is_hidden(c)) else {
                continue;
            };
            self.inner.write_all(&text[run..i])?;
            let mut units = [0u16; 2];
            for u in c.encode_utf16(&mut units) {
                write!(self.inner, "\\u{:04x}", u)?;
            }
            (run, from) = (i + len, i + len);
        }
        self.inner.write_all(&text[run..])
    }
}

impl<W: Write> Write for Json<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.carry.is_empty() {
            self.escape(buf)?;
        } else {
            let mut joined = std::mem::take(&mut self.carry);
            joined.extend_from_slice(buf);
            self.escape(&joined)?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let carry = std::mem::take(&mut self.carry);
        self.inner.write_all(&carry)?;
        self.inner.flush()
    }
}

/// The next byte that may start a hidden character in JSON text, where
/// control bytes never stand (serde_json escapes them): three vectorised
/// searches (memchr's), each picked up where it left off.
#[derive(Default)]
struct JsonLeads {
    /// The next hit of each search at or after the last `from`, if known.
    next: [Option<Option<usize>>; 3],
}

impl JsonLeads {
    fn next(&mut self, text: &[u8], from: usize) -> Option<usize> {
        let search = |k: usize, rest: &[u8]| match k {
            0 => memchr::memchr3(0xc2, 0xe2, 0xef, rest),
            1 => memchr::memchr3(0xd8, 0xe1, 0xe3, rest),
            _ => memchr::memchr(0x7f, rest),
        };
        let mut first: Option<usize> = None;
        for k in 0..3 {
            let hit = match self.next[k] {
                Some(hit) if hit.is_none_or(|at| at >= from) => hit,
                _ => search(k, &text[from..]).map(|at| from + at),
            };
            self.next[k] = Some(hit);
            first = match (first, hit) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
        }
        first
    }
}

/// The character `bytes` (1 to 3 of them, from a lead byte on) encode.
fn decode(bytes: &[u8]) -> Option<char> {
    let cont = |b: u8| u32::from(b & 0x3f);
    let code = match *bytes {
        [b] => u32::from(b),
        [b0, b1] => (u32::from(b0 & 0x1f) << 6) | cont(b1),
        [b0, b1, b2] => (u32::from(b0 & 0x0f) << 12) | (cont(b1) << 6) | cont(b2),
        _ => return None,
    };
    char::from_u32(code)
}

/// The first byte at or after `from` that may start a hidden character:
/// sixteen bytes at a time (vectorised), then byte by byte in the block.
fn next_may_hide(s: &[u8], from: usize) -> Option<usize> {
    let rest = s.get(from..)?;
    let mut blocks = rest.chunks_exact(16);
    let mut at = from;
    for block in &mut blocks {
        if block.iter().fold(false, |found, &b| found | may_hide(b)) {
            return block.iter().position(|&b| may_hide(b)).map(|i| at + i);
        }
        at += 16;
    }
    blocks.remainder().iter().position(|&b| MAY_HIDE[usize::from(b)]).map(|i| at + i)
}

/// [`may_hide`] of every byte: for byte-by-byte loops, where a lookup
/// beats eight comparisons.
pub(crate) static MAY_HIDE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = may_hide(b as u8);
        b += 1;
    }
    table
};

/// Compact JSON of `value` into `w`, hidden characters escaped.
pub(crate) fn to_writer<W: Write, T: serde::Serialize + ?Sized>(w: W, value: &T) -> std::io::Result<()> {
    let mut out = std::io::BufWriter::with_capacity(64 * 1024, Json::new(w));
    serde_json::to_writer(&mut out, value)?;
    out.flush()
}

/// [`to_writer`] into a string.
pub(crate) fn to_string<T: serde::Serialize + ?Sized>(value: &T) -> std::io::Result<String> {
    let mut out = Vec::new();
    to_writer(&mut out, value)?;
    // JSON text and ASCII escapes: always UTF-8.
    String::from_utf8(out).map_err(std::io::Error::other)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_hidden_character_starts_with_a_flagged_byte() {
        for c in (0..=0x10ffff).filter_map(char::from_u32).filter(|&c| is_hidden(c)) {
            let mut buf = [0; 4];
            assert!(may_hide(c.encode_utf8(&mut buf).as_bytes()[0]), "{:04x}", c as u32);
        }
    }

    #[test]
    fn hidden_characters_are_shown_and_escaped() {
        let name = "mallory\u{202e}gpj.exe\u{200b}\u{1b}[31m";
        assert_eq!(shown(name), "mallory\u{fffd}gpj.exe\u{fffd}\u{fffd}[31m");
        assert_eq!(shown("Анна — «ok»\tx\n"), "Анна — «ok»\tx\n");
        let json = to_string(&serde_json::json!({ "name": name, "ok": "дом — ✓" })).unwrap();
        assert_eq!(json, r#"{"name":"mallory\u202egpj.exe\u200b\u001b[31m","ok":"дом — ✓"}"#);
        let back: serde_json::Value = serde_json::from_str(&json).unwrap();
        assert_eq!(back["name"], name, "escaped, not lost");
        assert_eq!(to_string("\u{1F600}\u{FEFF}").unwrap(), "\"\u{1F600}\\ufeff\"");
    }

    #[test]
    fn a_hidden_character_cut_between_writes_is_still_escaped() {
        let text = "\"a\u{202e}b я\u{200b}\"".as_bytes();
        for cut in 0..text.len() {
            let mut out = Vec::new();
            let mut w = Json::new(&mut out);
            w.write_all(&text[..cut]).unwrap();
            w.write_all(&text[cut..]).unwrap();
            w.flush().unwrap();
            assert_eq!(String::from_utf8(out).unwrap(), "\"a\\u202eb я\\u200b\"", "cut at {cut}");
        }
    }
}
