//! The `skills-atlas` command line.

use clap::{Parser, Subcommand};
use skills_atlas::diagnostics::Severity;
use skills_atlas::{BuildOptions, build};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(name = "skills-atlas", version, about = "Turn a class's Markdown submissions into a cross-linked skills atlas")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the site from a folder of submissions.
    #[command(after_help = "Examples:\n  skills-atlas build\n  skills-atlas build ~/class/forks -o site --base-url https://org.github.io/atlas/")]
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
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Build { content, output, config, base_url, verbose, quiet, strict } => {
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
