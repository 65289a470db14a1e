//! Code highlighting through syntect CSS classes; the stylesheet (a light and
//! a dark theme, picked by `prefers-color-scheme`) is generated at build time.

use std::sync::LazyLock;
use syntect::highlighting::ThemeSet;
use syntect::html::{ClassStyle, ClassedHTMLGenerator, css_for_theme_with_class_style};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

static SYNTAXES: LazyLock<SyntaxSet> = LazyLock::new(SyntaxSet::load_defaults_newlines);
const STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };
/// Longer blocks are shown plain: highlighting cost grows with size.
const MAX_HIGHLIGHT_BYTES: usize = 64 * 1024;

/// A `<pre><code>` block, highlighted when the language is known.
pub fn block(code: &str, lang: &str) -> String {
    let syntax =
        (!lang.is_empty() && code.len() <= MAX_HIGHLIGHT_BYTES).then(|| SYNTAXES.find_syntax_by_token(lang)).flatten();
    let Some(syntax) = syntax else {
        return format!("<pre><code>{}</code></pre>\n", escape(code));
    };
    let mut generator = ClassedHTMLGenerator::new_with_class_style(syntax, &SYNTAXES, STYLE);
    for line in LinesWithEndings::from(code) {
        if generator.parse_html_for_line_which_includes_newline(line).is_err() {
            return format!("<pre><code>{}</code></pre>\n", escape(code));
        }
    }
    format!("<pre class=\"hl-code\"><code>{}</code></pre>\n", generator.finalize())
}

/// CSS for highlighted code: light by default, dark when the reader prefers
/// it. Each theme sits in its own media query (the light theme's rules would
/// otherwise leak into dark mode wherever the dark theme has no rule), and
/// every colour is pushed to WCAG AA contrast against its background: the
/// stock themes use faint greys for comments.
pub fn stylesheet() -> String {
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
