//! The `skills-atlas` command line.

use clap::{Parser, Subcommand};
use skills_atlas::diagnostics::Severity;
use skills_atlas::{BuildOptions, build};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "skills-atlas",
    version,
    about = "Turn a class's Markdown submissions into a cross-linked skills atlas"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Clone, Copy, clap::ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site from a folder of submissions.
    #[command(
        after_help = "Examples:\n  skills-atlas build\n  skills-atlas build ~/class/forks -o site --base-url https://org.github.io/atlas/"
    )]
    Build {
        /// Folder of submissions: one folder per fork, or loose .md files.
        #[arg(default_value = "content")]
        content: PathBuf,
        /// Where to write the site.
        #[arg(short, long, default_value = "public")]
        output: PathBuf,
        /// Site config (YAML). Default: config.yaml in the content folder, if any.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Overrides the config's base_url.
        #[arg(long)]
        base_url: Option<String>,
        /// List every finding, not just the summary.
        #[arg(short, long)]
        verbose: bool,
        /// Print nothing but errors.
        #[arg(short, long)]
        quiet: bool,
        /// Exit non-zero on warnings too.
        #[arg(long)]
        strict: bool,
        /// Print wall time per pipeline stage (for benchmarks).
        #[arg(long, hide = true)]
        timings: bool,
    },
    /// Check that every internal link and asset in a built site resolves.
    #[command(
        after_help = "Examples:\n  skills-atlas check-links public\n  skills-atlas check-links site --base-url https://org.github.io/atlas/"
    )]
    CheckLinks {
        /// The built site.
        #[arg(default_value = "public")]
        site: PathBuf,
        /// Where the site is published (default: base_url from the site's atlas.json).
        #[arg(long)]
        base_url: Option<String>,
    },
    /// Check one submission before submitting: missing sections, placeholders, pasted prompts...
    #[command(
        after_help = "Examples:\n  skills-atlas check                      # the fork you are in\n  skills-atlas check docs/roles-and-skills.md\n  skills-atlas check . --format json\n\nExit status: 0 when every required section is there, 1 when one is missing, 2 when the check could not run.\nWith GITHUB_ACTIONS=true, findings are printed as annotations on the lines."
    )]
    Check {
        /// A Markdown file or a fork's folder.
        #[arg(default_value = ".")]
        path: PathBuf,
        /// Output: `text` (path:line: severity: message) or `json`.
        #[arg(long, value_enum, default_value_t = Format::Text)]
        format: Format,
        /// Site config (YAML) with a `rubric:` or `taxonomy:` to use.
        #[arg(long)]
        config: Option<PathBuf>,
    },
    /// Show the taxonomy's view of a cohort.
    #[command(
        after_help = "Examples:\n  skills-atlas taxonomy --unknown\n  skills-atlas taxonomy ~/class/forks --unknown"
    )]
    Taxonomy {
        /// Folder of submissions.
        #[arg(default_value = "content")]
        content: PathBuf,
        /// Site config (YAML), for its taxonomy additions.
        #[arg(long)]
        config: Option<PathBuf>,
        /// List the names no alias matched, with counts and where each appears.
        #[arg(long)]
        unknown: bool,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::CheckLinks { site, base_url } => check_links(&site, base_url),
        Command::Check { path, format, config } => check(&path, format, config.as_deref()),
        Command::Taxonomy { content, config, unknown } => taxonomy(&content, config.as_deref(), unknown),
        Command::Build { content, output, config, base_url, verbose, quiet, strict, timings } => {
            let opts = BuildOptions { content, output, config, base_url };
            match build(&opts) {
                Ok(report) => {
                    let errors = report.count(Severity::Error);
                    let warnings = report.count(Severity::Warning);
                    for d in &report.diagnostics {
                        if d.severity == Severity::Error || (verbose && !quiet) {
                            eprintln!("{d}");
                        }
                    }
                    if !quiet {
                        eprintln!(
                            "Built {} submissions, {} pages in {:.2} s; {} errors, {} warnings{}",
                            report.submissions,
                            report.pages,
                            report.seconds,
                            errors,
                            warnings,
                            if verbose || warnings == 0 { "" } else { " (--verbose lists them)" }
                        );
                    }
                    if timings {
                        let stages: Vec<String> = report.stages.iter().map(|(s, t)| format!("{s} {:.3}s", t)).collect();
                        eprintln!("stages: {}", stages.join(", "));
                    }
                    if errors > 0 || (strict && warnings > 0) { ExitCode::from(1) } else { ExitCode::SUCCESS }
                }
                Err(e) => {
                    eprintln!("error: {e:#}");
                    ExitCode::from(2)
                }
            }
        }
    }
}

fn check(path: &Path, format: Format, config: Option<&Path>) -> ExitCode {
    let checked = match skills_atlas::review::check::check(path, config) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    let mut out = String::new();
    match format {
        Format::Json => match serde_json::to_string_pretty(&checked) {
            Ok(json) => out.push_str(&json),
            Err(e) => {
                eprintln!("error: {e}");
                return ExitCode::from(2);
            }
        },
        Format::Text => {
            let github = std::env::var("GITHUB_ACTIONS").is_ok_and(|v| v == "true");
            for f in &checked.review.findings {
                let line = if github { skills_atlas::review::check::github_annotation(f) } else { f.to_string() };
                out.push_str(&line);
                out.push('\n');
            }
            out.push_str(&checked.summary());
        }
    }
    out.push('\n');
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes());
    if checked.failed() { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn check_links(site: &Path, base_url: Option<String>) -> ExitCode {
    let base_url = base_url.or_else(|| {
        let json = std::fs::read(site.join("atlas.json")).ok()?;
        let v: serde_json::Value = serde_json::from_slice(&json).ok()?;
        v["base_url"].as_str().map(str::to_string)
    });
    match skills_atlas::check_links::check(site, base_url.as_deref().unwrap_or("/")) {
        Ok((links, broken)) => {
            for b in &broken {
                println!("{}: broken link {}", b.page, b.link);
            }
            println!("{} internal links checked, {} broken", links, broken.len());
            if broken.is_empty() { ExitCode::SUCCESS } else { ExitCode::from(1) }
        }
        Err(e) => {
            eprintln!("error: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn taxonomy(content: &Path, config: Option<&Path>, unknown: bool) -> ExitCode {
    let loaded = match skills_atlas::load(content, config, None) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e:#}");
            return ExitCode::from(2);
        }
    };
    let sources: std::collections::BTreeMap<&str, &str> =
        loaded.submissions.iter().map(|s| (s.id.as_str(), s.source.as_str())).collect();
    if unknown {
        println!(
            "{} names no alias matched (add aliases under `taxonomy:` in the config):",
            loaded.cohort.unknown.len()
        );
        for u in &loaded.cohort.unknown {
            let places: Vec<&str> =
                u.places.iter().map(|p| sources.get(p.id.as_str()).copied().unwrap_or(&p.id)).collect();
            println!("{:>4}  {:<12} {:<40} {}", u.count, u.kind, u.name, places.join(", "));
        }
    } else {
        for k in &loaded.cohort.skills {
            println!(
                "skill  {:<24} have {:>3}  lack {:>3}  postings {:>3}",
                k.name,
                k.have.len(),
                k.lack.len(),
                k.postings
            );
        }
        for r in &loaded.cohort.roles {
            println!("role   {:<24} chosen {:>3}  named in {:>3}", r.name, r.chosen_by.len(), r.mentioned_by);
        }
    }
    ExitCode::SUCCESS
}
