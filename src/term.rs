//! Terminal output shared by the commands: colours only where they help
//! (stderr is a terminal and `NO_COLOR` is unset; anstream strips them
//! otherwise), numbers with thousands separators.

use crate::diagnostics::{Finding, Severity};
use anstyle::{AnsiColor, Style};

pub(crate) const ERROR: Style = AnsiColor::Red.on_default().bold();
pub(crate) const WARNING: Style = AnsiColor::Yellow.on_default().bold();
pub const GOOD: Style = AnsiColor::Green.on_default().bold();
pub(crate) const DIM: Style = Style::new().dimmed();
pub const BOLD: Style = Style::new().bold();

/// `1234567` -> `1,234,567`.
pub(crate) fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// `n thing` or `n things`, with separators.
pub(crate) fn count(n: usize, thing: &str) -> String {
    format!("{} {thing}{}", thousands(n), if n == 1 { "" } else { "s" })
}

/// `errors` and `warnings` as a summary clause: `2 errors, 37 warnings`,
/// `37 warnings`, `no errors or warnings`.
pub(crate) fn problems(errors: usize, warnings: usize) -> String {
    match (errors, warnings) {
        (0, 0) => "no errors or warnings".to_string(),
        (0, w) => count(w, "warning"),
        (e, 0) => count(e, "error"),
        (e, w) => format!("{}, {}", count(e, "error"), count(w, "warning")),
    }
}

/// `Built 1,000 submissions, 1,083 pages in 0.61 s; 37 warnings`.
pub fn summary(submissions: usize, pages: usize, seconds: f64, errors: usize, warnings: usize) -> String {
    format!(
        "{} {}, {} in {seconds:.2} s; {}",
        paint(GOOD, "Built"),
        count(submissions, "submission"),
        count(pages, "page"),
        paint(
            if errors > 0 {
                ERROR
            } else if warnings > 0 {
                WARNING
            } else {
                Style::new()
            },
            &problems(errors, warnings)
        )
    )
}

/// `text` wrapped in `style`'s escape codes (stripped later where colours are off).
pub fn paint(style: Style, text: &str) -> String {
    format!("{style}{text}{style:#}")
}

/// `path:line: severity: message`, the severity coloured.
pub fn diagnostic(d: &Finding) -> String {
    let style = match d.severity {
        Severity::Error => ERROR,
        Severity::Warning => WARNING,
        Severity::Info => DIM,
    };
    let sev = paint(style, &d.severity.to_string());
    // A folder name may carry terminal escapes: shown, never sent.
    let (path, message) = (crate::hidden::shown(&d.path), crate::hidden::shown(&d.message));
    if d.line > 0 { format!("{path}:{}: {sev}: {message}", d.line) } else { format!("{path}: {sev}: {message}") }
}

/// `error: message`, for failures of the command itself.
pub fn error(message: &str) -> String {
    format!("{}: {message}", paint(ERROR, "error"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn separators_and_plurals() {
        assert_eq!(thousands(0), "0");
        assert_eq!(thousands(999), "999");
        assert_eq!(thousands(1000), "1,000");
        assert_eq!(thousands(5212), "5,212");
        assert_eq!(thousands(1234567), "1,234,567");
        assert_eq!(count(1, "page"), "1 page");
        assert_eq!(count(10000, "page"), "10,000 pages");
        assert_eq!(problems(0, 37), "37 warnings");
        assert_eq!(problems(1, 0), "1 error");
        assert_eq!(problems(2, 1), "2 errors, 1 warning");
    }
}
