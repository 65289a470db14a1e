//! What templates write: HTML-escaped text and slugs.

/// Tera's escape function: the five characters HTML text and quoted
/// attributes need, and hidden characters (see [`crate::hidden`]) shown as
/// U+FFFD. Copies the runs between them whole, skipping eight bytes at a
/// time where none is special (most strings have none).
pub(super) fn escape_html(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    escape_into(&mut out, s);
    out
}

/// [`escape_html`] onto the end of `out`: no string of its own.
pub(super) fn escape_into(out: &mut String, s: &str) {
    let bytes = s.as_bytes();
    let mut run = 0;
    let mut i = 0;
    while i < bytes.len() {
        let word = bytes.get(i..i + 8).map(|w| u64::from_le_bytes(w.try_into().unwrap_or_default()));
        if word.is_some_and(|w| !has_special(w)) {
            i += 8;
            continue;
        }
        // A word with a special byte (or the last few bytes): byte by byte.
        let end = (i + 8).min(bytes.len());
        while i < end {
            let b = bytes[i];
            if !SPECIAL[usize::from(b)] {
                i += 1;
                continue;
            }
            if let Some(entity) = entity(b) {
                // ASCII bytes are always char boundaries.
                out.push_str(&s[run..i]);
                out.push_str(entity);
                run = i + 1;
            } else if crate::hidden::MAY_HIDE[usize::from(b)] {
                // Lead bytes, so char boundaries too.
                let c = s[i..].chars().next().unwrap_or(' ');
                if crate::hidden::is_hidden(c) {
                    out.push_str(&s[run..i]);
                    out.push(crate::hidden::SHOWN_AS);
                    run = i + c.len_utf8();
                    i = run;
                    continue;
                }
            }
            i += 1;
        }
    }
    out.push_str(&s[run..]);
}

/// Bytes that are an [`entity`] or may start a hidden character: one
/// lookup clears the others.
static SPECIAL: [bool; 256] = {
    let mut table = crate::hidden::MAY_HIDE;
    table[b'&' as usize] = true;
    table[b'<' as usize] = true;
    table[b'>' as usize] = true;
    table[b'"' as usize] = true;
    table[b'\'' as usize] = true;
    table
};

fn entity(b: u8) -> Option<&'static str> {
    Some(match b {
        b'&' => "&amp;",
        b'<' => "&lt;",
        b'>' => "&gt;",
        b'"' => "&quot;",
        b'\'' => "&#x27;",
        _ => return None,
    })
}

/// Whether any of the eight bytes in `word` is one [`entity`] replaces
/// (the classic "has a zero byte" test, once per character), or is below a
/// space, or 0x7F and above: one of those may start a hidden character.
fn has_special(word: u64) -> bool {
    const ONES: u64 = u64::from_ne_bytes([1; 8]);
    const HIGHS: u64 = u64::from_ne_bytes([0x80; 8]);
    let zero_bytes = |v: u64| v.wrapping_sub(ONES) & !v & HIGHS;
    let below_space = word.wrapping_sub(ONES * 0x20) & !word;
    // Carries make false alarms only, which the byte loop clears.
    let from_del = word | word.wrapping_add(ONES);
    let specials =
        [b'&', b'<', b'>', b'"', b'\''].iter().fold(0, |found, &c| found | zero_bytes(word ^ (ONES * c as u64)));
    (specials | ((below_space | from_del) & HIGHS)) != 0
}

/// The `slug` filter: the same slugs as the page paths, so links always
/// resolve. Its output is letters, digits and '-', so tera need not escape it.
pub(super) struct SlugFilter;

impl tera::Filter for SlugFilter {
    fn filter(&self, v: &tera::Value, _: &std::collections::HashMap<String, tera::Value>) -> tera::Result<tera::Value> {
        Ok(tera::Value::String(cached_slug(v.as_str().unwrap_or_default())))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

/// Most names slugged on a page are a cohort's few hundred canonical names,
/// over and over, and [`crate::discover::slug`] (Unicode normalisation)
/// costs as much as the rest of a link: each render thread keeps the slugs it
/// made. Bounded, for a long `serve` session.
fn cached_slug(name: &str) -> String {
    let mut out = String::new();
    push_slug(&mut out, name);
    out
}

/// [`cached_slug`] onto the end of `out`.
pub(super) fn push_slug(out: &mut String, name: &str) {
    use std::cell::RefCell;
    const MAX_CACHED: usize = 4096;
    // Fx, not SipHash: names hashed on every link, and no flooding concern.
    thread_local! {
        static SLUGS: RefCell<crate::text::FxMap<String, String>> = RefCell::new(Default::default());
    }
    SLUGS.with_borrow_mut(|slugs| {
        if let Some(slug) = slugs.get(name) {
            out.push_str(slug);
            return;
        }
        if slugs.len() >= MAX_CACHED {
            slugs.clear();
        }
        let slug = crate::discover::slug(name);
        out.push_str(&slug);
        slugs.insert(name.to_string(), slug);
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain per-character escape the fast one must match.
    fn escape_slowly(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                '&' => "&amp;".to_string(),
                '<' => "&lt;".to_string(),
                '>' => "&gt;".to_string(),
                '"' => "&quot;".to_string(),
                '\'' => "&#x27;".to_string(),
                c if crate::hidden::is_hidden(c) => "\u{fffd}".to_string(),
                c => c.to_string(),
            })
            .collect()
    }

    #[test]
    fn escape_matches_the_plain_escape_at_every_offset() {
        let samples = [
            "",
            "plain text, long enough to skip whole words",
            "<script>alert('x')</script>",
            "Tom & Jerry \"quoted\" — ünïcödé ✓ and 'more' > less",
            "&&&&&&&&&&&&&&&&&",
            "ends with a special>",
            "日本語のテキスト<b>",
            "mallory\u{202e}gpj.exe\u{200b} tab\there\nline\u{1b}[31m \u{7f}\u{85} — “q” \u{feff}",
            "\u{3164}\u{115f}\u{61c}x",
        ];
        for s in samples {
            // Every alignment of the specials against the eight-byte words.
            for pad in 0..9 {
                let text = format!("{}{s}{}", "x".repeat(pad), "é".repeat(pad));
                assert_eq!(escape_html(&text), escape_slowly(&text), "{text:?}");
            }
        }
        for b in 0..=127u8 {
            // Every ASCII byte, tab and controls among them.
            let text = format!("abcdefg{}hijklmnop", b as char);
            assert_eq!(escape_html(&text), escape_slowly(&text), "byte {b}");
        }
    }

    #[test]
    fn slug_filter_matches_the_page_paths_and_needs_no_escape() {
        let tera = super::super::load_templates(None).unwrap();
        let mut ctx = tera::Context::new();
        let names = ["C++ / Go", "C#", "Back-end <dev> & \"ops\"", "Jose\u{301}", "!!!", "Кинопоиск"];
        ctx.insert("names", &names);
        let mut tera = tera;
        let out = tera.render_str("{% for n in names %}{{ n | slug }}|{% endfor %}", &ctx).unwrap();
        let want: String = names.iter().map(|n| format!("{}|", crate::discover::slug(n))).collect();
        assert_eq!(out, want);
        // Twice: the second time from the cache.
        for n in names {
            assert_eq!(cached_slug(n), crate::discover::slug(n));
            assert_eq!(cached_slug(n), crate::discover::slug(n));
        }
        assert!(names.iter().all(|n| escape_html(&crate::discover::slug(n)) == crate::discover::slug(n)));
    }
}
