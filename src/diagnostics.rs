//! Findings: problems in a student's files, carried to every output (build
//! output, `check`, the review and submission pages, `atlas.json`,
//! `review.csv`), not errors of the build.

use serde::Serialize;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        })
    }
}

/// One finding in one file, with what to do about it. `path` is relative
/// to the content dir. A submission has at most one finding per path, line
/// and code.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Finding {
    pub path: String,
    /// 1-based; 0 when the finding is about the whole file.
    pub line: usize,
    pub severity: Severity,
    /// What kind of finding, stable for scripts: the README lists them.
    pub code: &'static str,
    pub message: String,
}

impl Finding {
    pub fn new(code: &'static str, path: &str, line: usize, severity: Severity, message: impl Into<String>) -> Self {
        Finding { path: path.to_string(), line, severity, code, message: message.into() }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "{}:{}: {}: {}", self.path, self.line, self.severity, self.message)
        } else {
            write!(f, "{}: {}: {}", self.path, self.severity, self.message)
        }
    }
}

/// Sorts `findings` and merges those that share a path, line and code into
/// one (the most severe; messages joined), so each fact is said once.
pub(crate) fn merge(findings: &mut Vec<Finding>) {
    findings.sort();
    findings.dedup();
    if findings.windows(2).all(|w| (&w[0].path, w[0].line) != (&w[1].path, w[1].line)) {
        return; // nothing to merge: most submissions
    }
    findings.sort_by(|a, b| (&a.path, a.line, a.code).cmp(&(&b.path, b.line, b.code)).then_with(|| b.cmp(a)));
    findings.dedup_by(|later, first| {
        let same = (&later.path, later.line, later.code) == (&first.path, first.line, first.code);
        if same {
            first.message.push_str("; ");
            first.message.push_str(&later.message);
        }
        same
    });
    findings.sort();
}
