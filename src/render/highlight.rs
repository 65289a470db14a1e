//! Code highlighting through syntect CSS classes; the stylesheet (a light and
//! a dark theme, picked by `prefers-color-scheme`) is generated at build time.

use std::sync::LazyLock;
use std::time::Instant;
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(|| {
    // Some grammars' regexes backtrack without end on crafted lines (the
    // Makefile grammar spends a millisecond per byte on a line of `!`).
    // Capped, a search gives up as "no match": the text stays, plain.
    // SAFETY: sets a global of Oniguruma's before any regex of this set runs;
    // every search goes through this set, so none runs concurrently.
    unsafe {
        onig_sys::onig_set_retry_limit_in_search(MAX_REGEX_RETRIES);
    }
    SyntaxSet::load_defaults_newlines()
});
/// Backtracking steps one regex search may take (Oniguruma's default is
/// unbounded): far above any honest line's, far below a crafted one's.
const MAX_REGEX_RETRIES: std::os::raw::c_ulong = 10_000;
const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
/// Longer blocks are shown plain: highlighting cost grows with size.
const MAX_HIGHLIGHT_BYTES: usize = 64 * 1024;
/// A block with a longer line is shown plain: some grammars' regexes take
/// time quadratic in the line's length (C#'s generics, Erlang, bash).
pub(crate) const MAX_LINE_BYTES: usize = 512;

/// A rendered code block.
pub(crate) struct Block {
    pub html: String,
    /// Whether it was highlighted (its bytes count against the budget).
    pub highlighted: bool,
    /// The deadline passed while highlighting: the block is plain.
    pub late: bool,
}

/// A `<pre><code>` block, highlighted when the language is known, the block
/// is short enough and fits in `budget` bytes, its lines are short enough,
/// and the deadline has not passed. Otherwise plain, with a note why.
pub(crate) fn block(code: &str, lang: &str, budget: usize, deadline: Option<Instant>) -> Block {
    let plain = |why: &str| {
        let note = if why.is_empty() {
            String::new()
        } else {
            format!("<p class=\"hl-note\"><small>Not highlighted: {why}.</small></p>\n")
        };
        Block { html: format!("<pre><code>{}</code></pre>\n{note}", escape(code)), highlighted: false, late: false }
    };
    let Some(syntax) = (!lang.is_empty()).then(|| SYNTAXES.find_syntax_by_token(lang)).flatten() else {
        return plain("");
    };
    if code.len() > MAX_HIGHLIGHT_BYTES {
        return plain("the block is longer than 64 KB");
    }
    if code.split('\n').any(|line| line.len() > MAX_LINE_BYTES) {
        return plain(&format!("a line is longer than {MAX_LINE_BYTES} characters"));
    }
    if code.len() > budget {
        return plain("the page has highlighted as much code as it may");
    }
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, &SYNTAXES, STYLE);
    for (n, line) in LinesWithEndings::from(code).enumerate() {
        // A line takes at most milliseconds (lines are short, regexes capped):
        // the clock is read every 32 of them.
        if n % 32 == 0 && deadline.is_some_and(|d| Instant::now() > d) {
            return Block { late: true, ..plain("") };
        }
        if generator.parse_html_for_line_which_includes_newline(line).is_err() {
            return plain("");
        }
    }
    let html = format!("<pre class=\"hl-code\"><code>{}</code></pre>\n", generator.finalize());
    Block { html, highlighted: true, late: false }
}

/// CSS for highlighted code: light by default, dark when the reader prefers
/// it. Each theme sits in its own media query (the light theme's rules would
/// otherwise leak into dark mode wherever the dark theme has no rule), and
/// every colour is pushed to WCAG AA contrast against its background: the
/// stock themes use faint greys for comments.
pub(crate) fn stylesheet() -> String {
    let themes = ThemeSet::load_defaults();
    let css = |name: &str| {
        let theme = &themes.themes[name];
        let bg = theme.settings.background.map(|c| [c.r, c.g, c.b]).unwrap_or([255, 255, 255]);
        readable(&css_for_theme_with_class_style(theme, STYLE).unwrap_or_default(), bg)
    };
    format!(
        "@media (prefers-color-scheme: light) {{\n{}\n}}\n@media (prefers-color-scheme: dark) {{\n{}\n}}\n",
        css("InspiredGitHub"),
        css("base16-ocean.dark")
    )
}

/// Rewrite each `color: #rrggbb` so it reaches 4.5:1 against the rule's own
/// background, or the theme's.
fn readable(css: &str, theme_bg: [u8; 3]) -> String {
    let mut out = String::with_capacity(css.len());
    for rule in css.split_inclusive('}') {
        let bg = hex_after(rule, "background-color: #").unwrap_or(theme_bg);
        let mut rest = rule;
        while let Some(i) = rest.find("color: #") {
            let is_bg = rest[..i].ends_with("background-");
            let (head, tail) = rest.split_at(i + "color: #".len());
            out.push_str(head);
            match parse_hex(tail).filter(|_| !is_bg) {
                Some(fg) => {
                    let [r, g, b] = with_contrast(fg, bg, 4.5);
                    out.push_str(&format!("{r:02x}{g:02x}{b:02x}"));
                    rest = &tail[6..];
                }
                None => rest = tail,
            }
        }
        out.push_str(rest);
    }
    out
}

fn hex_after(s: &str, key: &str) -> Option<[u8; 3]> {
    s.find(key).and_then(|i| parse_hex(&s[i + key.len()..]))
}

fn parse_hex(s: &str) -> Option<[u8; 3]> {
    let h = s.get(..6)?;
    let byte = |i: usize| u8::from_str_radix(&h[i..i + 2], 16).ok();
    Some([byte(0)?, byte(2)?, byte(4)?])
}

/// Mix `fg` towards black or white (whichever the background is not) until
/// the contrast ratio reaches `min`.
fn with_contrast(fg: [u8; 3], bg: [u8; 3], min: f64) -> [u8; 3] {
    let target = if luminance(bg) > 0.18 { 0.0 } else { 255.0 };
    (0..=20)
        .map(|step| fg.map(|c| (c as f64 + (target - c as f64) * step as f64 / 20.0).round() as u8))
        .find(|c| contrast(*c, bg) >= min)
        .unwrap_or(if target == 0.0 { [0, 0, 0] } else { [255, 255, 255] })
}

fn luminance(c: [u8; 3]) -> f64 {
    let lin = |v: u8| {
        let v = v as f64 / 255.0;
        if v <= 0.03928 { v / 12.92 } else { ((v + 0.055) / 1.055).powf(2.4) }
    };
    0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2])
}

fn contrast(a: [u8; 3], b: [u8; 3]) -> f64 {
    let (la, lb) = (luminance(a), luminance(b));
    (la.max(lb) + 0.05) / (la.min(lb) + 0.05)
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn crafted_lines_end_quickly() {
        // Before the regex retry cap, the Makefile grammar took about 25 s on
        // this block (a millisecond per byte); now tens of milliseconds.
        let code = format!("{}\n", "!".repeat(MAX_LINE_BYTES)).repeat(32);
        let start = Instant::now();
        let b = block(&code, "make", usize::MAX, None);
        assert!(b.highlighted);
        assert!(start.elapsed().as_secs_f64() < 5.0, "{:?}", start.elapsed());
    }

    #[test]
    fn honest_code_is_highlighted_as_before_the_retry_cap() {
        // Spans syntect makes for ordinary code, with the cap in force.
        let b = block("fn main() {\n    let x = \"s\"; // c\n}\n", "rust", usize::MAX, None);
        for span in ["hl-storage hl-type hl-function", "hl-string hl-quoted hl-double", "hl-comment hl-line"] {
            assert!(b.html.contains(span), "{span}: {}", b.html);
        }
    }

    #[test]
    fn every_colour_meets_aa_against_its_background() {
        let css = stylesheet();
        let (light, dark) = css.split_once("@media (prefers-color-scheme: dark)").unwrap();
        for (part, bg) in [(light, [255, 255, 255]), (dark, [0x2b, 0x30, 0x3b])] {
            let mut checked = 0;
            for rule in part.split_inclusive('}') {
                let bg = hex_after(rule, "background-color: #").unwrap_or(bg);
                for (i, _) in rule.match_indices("color: #").filter(|(i, _)| !rule[..*i].ends_with("background-")) {
                    let fg = parse_hex(&rule[i + 8..]).unwrap();
                    assert!(contrast(fg, bg) >= 4.5, "{rule}");
                    checked += 1;
                }
            }
            assert!(checked > 20, "{checked} colours");
        }
    }

    #[test]
    fn contrast_is_raised_only_as_far_as_needed() {
        let white = [255, 255, 255];
        assert_eq!(with_contrast([0x32, 0x32, 0x32], white, 4.5), [0x32, 0x32, 0x32]);
        let grey = with_contrast([0x96, 0x98, 0x96], white, 4.5);
        assert!(contrast(grey, white) >= 4.5 && contrast(grey, white) < 6.0, "{grey:?}");
        let on_dark = with_contrast([0x65, 0x73, 0x7e], [0x2b, 0x30, 0x3b], 4.5);
        assert!(on_dark[0] > 0x65, "lightened on a dark background: {on_dark:?}");
    }
}
