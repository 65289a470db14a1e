//! Template leftovers in a file's text: a bullet, heading, `Key: value` or
//! table cell that still holds `...`, `<your role>`, `TODO`. Read line by
//! line (outside code blocks and comments), the one detector every output
//! reports from.

use super::Named;
use super::text::is_placeholder;
use crate::text::lines;

/// Calls `f(line, text)` for each line of `text` outside code blocks and
/// HTML comments, 1-based.
pub(crate) fn each_prose_line<'a>(text: &'a str, mut f: impl FnMut(usize, &'a str)) {
    let mut fence: Option<&str> = None;
    let mut comment = false;
    for (i, line) in lines(text).enumerate() {
        let t = line.trim_start();
        if let Some(mark) = fence {
            if t.starts_with(mark) {
                fence = None;
            }
            continue;
        }
        if t.starts_with("```") || t.starts_with("~~~") {
            fence = Some(&t[..3]);
            continue;
        }
        if comment {
            comment = !line.contains("-->");
            continue;
        }
        if t.starts_with("<!--") {
            comment = !line.contains("-->");
            continue;
        }
        f(i + 1, line);
    }
}

/// The leftovers of one file, one per line, each with the text left (never
/// empty). A table's header row names its columns ("Link", "Skill"): it is
/// not a leftover.
pub(crate) fn placeholders(path: &str, text: &str) -> Vec<Named> {
    let mut out = Vec::new();
    // The line before, held until the next one says whether it heads a table.
    let mut held: Option<(usize, String)> = None;
    each_prose_line(text, |line, text| {
        if let Some((at, name)) = held.take()
            && !is_separator_row(text)
        {
            out.push(Named { text: name.clone(), name, file: path.to_string(), line: at });
        }
        let t = trim(text);
        held = placeholder_with(t, content_of(t)).filter(|p| !p.is_empty()).map(|p| (line, p));
    });
    if let Some((at, name)) = held {
        out.push(Named { text: name.clone(), name, file: path.to_string(), line: at });
    }
    out
}

/// `s.trim()`, at once for text that starts and ends with a visible ASCII
/// character, as most does: this runs several times on every line.
pub(crate) fn trim(s: &str) -> &str {
    let b = s.as_bytes();
    if b.first().is_some_and(u8::is_ascii_graphic) && b.last().is_some_and(u8::is_ascii_graphic) { s } else { s.trim() }
}

/// `s.trim_matches(marks)` for ASCII `marks`, at once when neither end is
/// one (a byte of a non-ASCII character is never an ASCII mark).
pub(crate) fn trim_marks<'a>(s: &'a str, marks: &[u8]) -> &'a str {
    let b = s.as_bytes();
    let plain = |c: &u8| !marks.contains(c);
    if b.first().is_some_and(plain) && b.last().is_some_and(plain) {
        s
    } else {
        s.trim_matches(|c: char| u8::try_from(c).is_ok_and(|c| marks.contains(&c)))
    }
}

/// A line's content without its list marker, quote marks and emphasis.
pub(crate) fn content_of(line: &str) -> &str {
    let mut t = trim(line);
    loop {
        // Text that starts with none of the markers below is left as it is:
        // most lines are done here, without trying each marker.
        let marked = t.as_bytes().first().is_some_and(|b| matches!(b, b'>' | b'#' | b'-' | b'*' | b'+' | b'0'..=b'9'));
        if !marked && !t.starts_with('•') {
            return t;
        }
        let before = t.len();
        let quotes = t.bytes().take_while(|&b| b == b'>' || b == b'#').count();
        t = t[quotes..].trim_start();
        for m in ["- [ ] ", "- [x] ", "- ", "* ", "+ ", "• "] {
            // The first byte first: a call to compare the rest is dearer.
            if t.as_bytes().first() == m.as_bytes().first()
                && let Some(r) = t.strip_prefix(m)
            {
                t = r.trim_start();
            }
        }
        let digits = &t[t.bytes().take_while(u8::is_ascii_digit).count()..];
        if digits.len() < t.len() && (digits.starts_with(". ") || digits.starts_with(") ")) {
            t = digits[1..].trim_start();
        }
        // `t` is a suffix of what it was: unchanged when as long.
        if t.len() == before {
            return t;
        }
    }
}

/// Template leftovers: a bullet, heading, `Key: value` or table cell that is
/// still `...`, `<your role>`, `TODO`, `IT specialist 1`. Takes the trimmed
/// line `t` and its [`content_of`] `c`.
fn placeholder_with(t: &str, c: &str) -> Option<String> {
    if t.is_empty() || t.chars().all(|c| matches!(c, '-' | '*' | '_' | '=' | '|' | ':' | ' ')) {
        return None;
    }
    if t.starts_with('|') {
        return t.trim_matches('|').split('|').map(str::trim).find(|c| is_leftover(c)).map(str::to_string);
    }
    let marked = t.starts_with(['-', '*', '+', '#']) || t.chars().next().is_some_and(|c| c.is_ascii_digit());
    if marked && c.is_empty() && !t.starts_with('#') {
        return None; // an empty bullet is a layout slip, not a leftover
    }
    // "### Role" is the template's heading; "### IT specialist 1" is a leftover.
    let heading_word = t.starts_with('#') && one_word(c);
    if marked && !heading_word && is_leftover(c) {
        return Some(c.to_string());
    }
    // "**Company:** ..." / "Link: <link>"
    let colon = memchr::memchr(b':', c.as_bytes())?;
    let (key, value) = (&c[..colon], &c[colon + 1..]);
    let value = trim(trim_marks(trim(value), b"*_"));
    (key.split_whitespace().nth(4).is_none() && !value.starts_with("//") && is_leftover(value))
        .then(|| value.to_string())
}

fn one_word(s: &str) -> bool {
    let mut words = s.split_whitespace();
    words.next().is_some() && words.next().is_none()
}

fn is_separator_row(line: &str) -> bool {
    let t = line.trim();
    t.contains('-') && t.chars().all(|c| matches!(c, '|' | '-' | ':' | ' '))
}

fn is_leftover(s: &str) -> bool {
    let s = trim(trim_marks(trim(s), b"*_`"));
    !s.is_empty() && !s.chars().all(|c| c == '-' || c == '—') && is_placeholder(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn placeholder_in(line: &str) -> Option<String> {
        placeholder_with(line.trim(), content_of(line))
    }

    #[test]
    fn placeholders() {
        assert_eq!(placeholder_in("- ...").as_deref(), Some("..."));
        assert_eq!(placeholder_in("### IT specialist 1").as_deref(), Some("IT specialist 1"));
        assert_eq!(placeholder_in("**Company:** <company name>").as_deref(), Some("<company name>"));
        assert_eq!(placeholder_in("| Go | ... |").as_deref(), Some("..."));
        assert_eq!(placeholder_in("|---|---|"), None);
        assert_eq!(placeholder_in("- Go and Docker"), None);
        assert_eq!(placeholder_in("### Role"), None);
        assert_eq!(placeholder_in("Link: https://hh.ru/vacancy/1"), None);
    }

    #[test]
    fn one_per_line_and_not_a_header() {
        let text = "- ...\n\n| Link | Skill |\n|---|---|\n| ... | Go |\n\n```\n- ...\n```\n- TODO";
        let found: Vec<(usize, String)> =
            super::placeholders("a.md", text).into_iter().map(|n| (n.line, n.name)).collect();
        assert_eq!(found, [(1, "...".to_string()), (5, "...".to_string()), (10, "TODO".to_string())]);
    }

    #[test]
    fn lines_as_str_lines() {
        let texts = [
            "",
            "\n",
            "a",
            "a\n",
            "a\n\n",
            "a\r\nb",
            "a\rb\r",
            "a\r\n\r\n",
            "\r",
            "one line that is longer than eight bytes\nand another one, longer too\n",
            "ünïcödé\nlines — here\r\nend",
        ];
        for text in texts {
            assert_eq!(lines(text).collect::<Vec<_>>(), text.lines().collect::<Vec<_>>(), "{text:?}");
        }
    }

    /// The shortcut for text without markers keeps `content_of` as it was.
    #[test]
    fn content_as_without_the_shortcut() {
        fn slow(line: &str) -> &str {
            let mut t = line.trim();
            loop {
                let before = t;
                let quotes = t.bytes().take_while(|&b| b == b'>' || b == b'#').count();
                t = t[quotes..].trim_start();
                for m in ["- [ ] ", "- [x] ", "- ", "* ", "+ ", "• "] {
                    if let Some(r) = t.strip_prefix(m) {
                        t = r.trim_start();
                    }
                }
                let digits = t.trim_start_matches(|c: char| c.is_ascii_digit());
                if digits.len() < t.len() && (digits.starts_with(". ") || digits.starts_with(") ")) {
                    t = digits[1..].trim_start();
                }
                if t == before {
                    return t;
                }
            }
        }
        let lines = [
            "plain text",
            "  - Go and Docker  ",
            "> - [ ] task",
            "- [x] done",
            "## 1. Heading",
            "• bullet",
            "12) twelve",
            "12 apples",
            "-dash",
            "* - + nested",
            "> > quote",
            "#",
            "",
            "\u{3000}- wide space",
        ];
        for line in lines {
            assert_eq!(content_of(line), slow(line), "{line:?}");
        }
    }
}
