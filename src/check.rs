//! `skills-atlas check`: review one submission (a Markdown file or a fork's
//! folder) the way the instructor's build will, for a student before they
//! submit. Paths in findings are as the student typed them.

use crate::diagnostics::Severity;
use crate::discover::{Unit, slug};
use crate::inputs::Inputs;
use crate::model::Submission;
use crate::review::{Finding, Review, review_submission};
use anyhow::{Context, Result, anyhow, bail};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// A checked submission; finding paths are relative to the working dir.
#[derive(Serialize)]
pub struct Checked {
    pub source: String,
    pub files: Vec<String>,
    #[serde(flatten)]
    pub review: Review,
    /// The score needed to pass: `--min-score`, else the rubric's pass
    /// threshold of the points; none when neither is set.
    pub pass_score: Option<u32>,
    /// Criteria left out because they read another file than the one checked.
    pub skipped: Vec<String>,
}

impl Checked {
    /// Exit status 1: an error finding (a required section missing, a file
    /// that could not be read), a required criterion failed, or a score
    /// below the pass mark.
    pub fn failed(&self) -> bool {
        self.review.findings.iter().any(|f| f.severity == Severity::Error)
            || self.review.rubric.iter().any(|c| c.required && !c.passed)
            || self.below_bar()
    }

    fn below_bar(&self) -> bool {
        self.pass_score.is_some_and(|b| self.review.score < b)
    }

    pub fn summary(&self) -> String {
        let bar = match self.pass_score {
            Some(b) if self.below_bar() => format!(", below the pass mark of {b}"),
            Some(b) => format!(" (pass mark {b})"),
            None => String::new(),
        };
        format!(
            "{}: score {}/{}{bar}; {} errors, {} warnings",
            self.source,
            self.review.score,
            self.review.max_score,
            self.review.count(Severity::Error),
            self.review.count(Severity::Warning)
        )
    }

    /// Every criterion, one a line: passed or not, points, and for a
    /// failed one where and what is missing.
    pub fn rubric_lines(&self) -> String {
        let mut out = String::from("Rubric:\n");
        for c in &self.review.rubric {
            let mark = if c.passed { "pass" } else { "FAIL" };
            let req = if c.required && !c.passed { " (required)" } else { "" };
            out.push_str(&format!("  {mark} {:>2}/{:<2} {}{req}", c.points, c.max, c.label));
            if !c.passed {
                let at = match (&c.file, c.line) {
                    (Some(f), 0) => format!("{f}: "),
                    (Some(f), l) => format!("{f}:{l}: "),
                    (None, _) => String::new(),
                };
                out.push_str(&format!("\n         {at}{}", c.detail));
            }
            out.push('\n');
        }
        if !self.skipped.is_empty() {
            out.push_str(&format!("  skipped (they read other files): {}\n", self.skipped.join(", ")));
        }
        out
    }
}

/// Load and review the file or folder at `path`; `min_score` overrides
/// the rubric's pass threshold.
pub fn check(path: &Path, config: Option<&Path>, min_score: Option<u32>) -> Result<Checked> {
    let Inputs { taxonomy: tax, rubric, .. } = Inputs::load(config, None, None)?;
    let meta = std::fs::metadata(path).with_context(|| format!("{} does not exist", path.display()))?;
    let (root, unit) = if meta.is_dir() {
        // The fork read as the content folder: its tree, and the Markdown in it.
        let tree = crate::discover::list(path, path).tree;
        let files: Vec<PathBuf> = tree.iter().map(PathBuf::from).filter(|f| crate::discover::is_markdown(f)).collect();
        if files.is_empty() {
            bail!(
                "{}: no Markdown files found; run this in your fork, or name your roles-and-skills.md",
                path.display()
            );
        }
        let name = path.canonicalize().ok().and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()));
        let source = name.unwrap_or_else(|| path.display().to_string());
        (path.to_path_buf(), Unit { id: slug(source.trim_end_matches(".md")), source, files, notes: vec![], tree })
    } else {
        let name = path.file_name().ok_or_else(|| anyhow!("{}: not a file name", path.display()))?;
        let root = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
        let name = name.to_string_lossy().into_owned();
        (root.to_path_buf(), Unit { id: slug(name.trim_end_matches(".md")), ..Unit::loose(name) })
    };
    let source = unit.source.clone();
    // One file: the criteria about the fork's other files cannot be scored.
    let all = rubric;
    let rubric = if meta.is_dir() { all.clone() } else { all.for_single_file(&source) };
    let skipped: Vec<String> = all
        .criteria
        .iter()
        .filter(|c| !rubric.criteria.iter().any(|k| k.id == c.id))
        .map(|c| c.id.to_string())
        .collect();
    let sub: Submission = crate::load::load_unit(&unit, &root, &tax, rubric.counted());
    let mut review = review_submission(&sub, &rubric);
    let shown = |rel: &str| {
        let p = root.join(rel);
        p.strip_prefix(".").map(Path::to_path_buf).unwrap_or(p).to_string_lossy().replace('\\', "/")
    };
    for f in &mut review.findings {
        f.path = shown(&f.path);
    }
    for c in &mut review.rubric {
        c.file = c.file.as_deref().map(shown);
    }
    let pass_score = min_score.or_else(|| rubric.bar(review.max_score));
    let source = path.strip_prefix(".").unwrap_or(path).to_string_lossy().replace('\\', "/");
    let source = if source.is_empty() { ".".to_string() } else { source };
    Ok(Checked { source, files: sub.files.iter().map(|f| shown(f)).collect(), review, pass_score, skipped })
}

/// A GitHub Actions workflow command: shown as an annotation on the line.
pub fn github_annotation(f: &Finding) -> String {
    let kind = match f.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    };
    let prop = |s: &str| escape_data(s).replace(':', "%3A").replace(',', "%2C");
    let line = if f.line > 0 { format!(",line={}", f.line) } else { String::new() };
    format!("::{kind} file={}{line},title=skills-atlas {}::{}", prop(&f.path), prop(f.code), escape_data(&f.message))
}

fn escape_data(s: &str) -> String {
    s.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn annotations_escape_properties() {
        let f = Finding::new("placeholder", "docs/a,b.md", 3, Severity::Warning, "50% done\nnext");
        assert_eq!(
            github_annotation(&f),
            "::warning file=docs/a%2Cb.md,line=3,title=skills-atlas placeholder::50%25 done%0Anext"
        );
    }
}
