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

/// CSS for highlighted code: light by default, dark when the reader prefers it.
pub fn stylesheet() -> String {
    let themes = ThemeSet::load_defaults();
    let light = css_for_theme_with_class_style(&themes.themes["InspiredGitHub"], STYLE).unwrap_or_default();
    let dark = css_for_theme_with_class_style(&themes.themes["base16-ocean.dark"], STYLE).unwrap_or_default();
    format!("{light}\n@media (prefers-color-scheme: dark) {{\n{dark}\n}}\n")
}

fn escape(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}
