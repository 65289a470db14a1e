//! Characters that show nothing but change what is around them: controls,
//! bidi overrides and isolates (which turn `gpj.exe` into `exe.jpg`),
//! zero-width spaces and joiners, invisible fillers. A folder name or a
//! student's text carrying one could pass for another name on a page, in a
//! spreadsheet or in a terminal, so every output shows them: as U+FFFD in
//! HTML, CSV and the terminal, as a `\uXXXX` escape in JSON.

use std::borrow::Cow;

/// What a hidden character is shown as.
pub const SHOWN_AS: char = '\u{FFFD}';

/// A character that is hidden (see the module docs). Tab and line ends are
/// ordinary text; ZWJ and ZWNJ are kept, as scripts need them.
pub fn is_hidden(c: char) -> bool {
    matches!(c,
        '\0'..='\u{8}' | '\u{b}' | '\u{c}' | '\u{e}'..='\u{1f}' | '\u{7f}'..='\u{9f}'
        | '\u{61c}' | '\u{115f}' | '\u{1160}' | '\u{180e}' | '\u{200b}' | '\u{200e}' | '\u{200f}'
        | '\u{2028}'..='\u{202e}' | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{206f}'
        | '\u{3164}' | '\u{feff}' | '\u{ffa0}' | '\u{fff9}'..='\u{fffb}')
}

/// Whether a byte may start a hidden character: every other byte is
/// ordinary text, so a scan can skip it.
pub fn may_hide(b: u8) -> bool {
    (b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r')) || matches!(b, 0x7f | 0xc2 | 0xd8 | 0xe1 | 0xe2 | 0xe3 | 0xef)
}

/// `s` with each hidden character replaced by [`SHOWN_AS`].
pub fn shown(s: &str) -> Cow<'_, str> {
    if !s.bytes().any(may_hide) || !s.chars().any(is_hidden) {
        return Cow::Borrowed(s);
    }
    Cow::Owned(s.chars().map(|c| if is_hidden(c) { SHOWN_AS } else { c }).collect())
}

/// A JSON formatter that writes hidden characters as `\uXXXX` escapes, so a
/// reader of the file (or a page the JSON is pasted into) sees them.
pub struct Escaping<F>(pub F);

impl<F: serde_json::ser::Formatter> serde_json::ser::Formatter for Escaping<F> {
    fn write_string_fragment<W: ?Sized + std::io::Write>(&mut self, w: &mut W, fragment: &str) -> std::io::Result<()> {
        if !fragment.bytes().any(may_hide) {
            return w.write_all(fragment.as_bytes());
        }
        let mut run = 0;
        for (i, c) in fragment.char_indices() {
            if is_hidden(c) {
                w.write_all(&fragment.as_bytes()[run..i])?;
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    write!(w, "\\u{:04x}", u)?;
                }
                run = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[run..])
    }
}

/// Compact JSON of `value`, hidden characters escaped.
pub fn to_writer<W: std::io::Write, T: serde::Serialize + ?Sized>(w: W, value: &T) -> serde_json::Result<()> {
    let mut ser = serde_json::Serializer::with_formatter(w, Escaping(serde_json::ser::CompactFormatter));
    value.serialize(&mut ser)
}

/// [`to_writer`] into a string.
pub fn to_string<T: serde::Serialize + ?Sized>(value: &T) -> serde_json::Result<String> {
    let mut out = Vec::new();
    to_writer(&mut out, value)?;
    // The serializer writes only UTF-8 and ASCII escapes.
    Ok(String::from_utf8(out).unwrap_or_default())
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
}
