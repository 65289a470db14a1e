//! Percent-encoding of page paths in URLs (sitemap, canonical links) and
//! decoding of links read back (`check-links`).

use std::borrow::Cow;

/// `path` with every byte but unreserved characters and `/` percent-encoded
/// (RFC 3986): `skills/c++/` -> `skills/c%2B%2B/`, Cyrillic slugs as UTF-8.
pub(crate) fn encode_path(path: &str) -> Cow<'_, str> {
    let keep = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/');
    if path.bytes().all(keep) {
        return Cow::Borrowed(path);
    }
    let mut out = String::with_capacity(path.len() * 3);
    for b in path.bytes() {
        if keep(b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    Cow::Owned(out)
}

/// `%XX` sequences decoded as UTF-8; a sequence that is not valid hex, or
/// bytes that are not UTF-8, are kept as written.
pub(crate) fn decode(s: &str) -> Cow<'_, str> {
    if !s.contains('%') {
        return Cow::Borrowed(s);
    }
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).and_then(|&b| hex(b)), bytes.get(i + 2).and_then(|&b| hex(b))) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    match String::from_utf8(out) {
        Ok(decoded) => Cow::Owned(decoded),
        Err(_) => Cow::Borrowed(s),
    }
}

/// `%XX` sequences decoded as UTF-8, strictly: `None` for an escape that
/// is not two hex digits or bytes that are not UTF-8 (a path that names
/// no file, for `serve` and for images a fork embeds).
pub(crate) fn decode_strict(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |j: usize| bytes.get(j).and_then(|&b| (b as char).to_digit(16));
            out.push((hex(i + 1)? * 16 + hex(i + 2)?) as u8);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodes_what_a_url_path_cannot_hold_and_decodes_it_back() {
        assert_eq!(encode_path("skills/go/"), "skills/go/");
        assert_eq!(
            encode_path("products/кинопоиск/"),
            "products/%D0%BA%D0%B8%D0%BD%D0%BE%D0%BF%D0%BE%D0%B8%D1%81%D0%BA/"
        );
        assert_eq!(encode_path("a b&c#d?e%"), "a%20b%26c%23d%3Fe%25");
        for s in ["products/кинопоиск/", "a b&c#d?e%", "日本/x.html", "plain"] {
            assert_eq!(decode(&encode_path(s)), s);
        }
        assert_eq!(decode("100%"), "100%");
        assert_eq!(decode("%zz%4"), "%zz%4");
        assert_eq!(decode("%FF%FE"), "%FF%FE", "not UTF-8: kept as written");
        assert_eq!(decode("a%2Fb"), "a/b");
        assert_eq!(decode_strict("a%20b%D1%84").as_deref(), Some("a bф"));
        assert_eq!(decode_strict("100%"), None);
        assert_eq!(decode_strict("%zz"), None);
        assert_eq!(decode_strict("%FF"), None, "not UTF-8");
    }
}
