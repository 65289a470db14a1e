//! The `skills-atlas` command line.

use clap::{CommandFactory, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use skills_atlas::diagnostics::Severity;
use skills_atlas::term;
use skills_atlas::{BuildOptions, build_with_progress};
use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

// A build allocates many small strings on both cores; mimalloc spends about
// half the time glibc's malloc does on them.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// A build is one short run whose freed memory is soon allocated again:
/// mimalloc keeps it rather than return it to the OS and fault it back in
/// (about a tenth of a 10,000-submission build's system time). `serve`,
/// which runs for hours, keeps the default.
fn keep_freed_memory() {
    // `mi_option_purge_delay` in mimalloc.h (v2 and v3); -1: never purge.
    const PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;
    // SAFETY: sets one of mimalloc's options, before any thread starts.
    unsafe { libmimalloc_sys::mi_option_set(PURGE_DELAY, -1) }
}

#[derive(Parser)]
#[command(
    name = "skills-atlas",
    version,
    about = "Turn a class's Markdown submissions into a cross-linked skills atlas",
    after_help = "Examples:\n  skills-atlas init my-atlas && cd my-atlas   # a starter site\n  skills-atlas serve                          # preview at http://127.0.0.1:1111/, rebuilt as you edit\n  skills-atlas build                          # content/ -> public/\n  skills-atlas check docs/roles-and-skills.md # one submission against the rubric\n\nColours: only on a terminal, and never with NO_COLOR set."
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
        after_help = "Examples:\n  skills-atlas build\n  skills-atlas build ~/class/forks -o site --base-url https://org.github.io/atlas/\n  skills-atlas build --strict -q      # for CI: silent unless something is wrong\n\nEnds with a summary: Built 1,000 submissions, 1,083 pages in 1.60 s; 37 warnings.\nExit status: 0 built (a student's bad file is a finding, never a failure), 1 with --strict\nwhen any file has an error or warning, 2 the build failed (config, templates, output folder)."
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
        /// Exit 1 when any student file has an error or a warning.
        #[arg(long)]
        strict: bool,
        /// Print wall time per pipeline stage (for benchmarks).
        #[arg(long, hide = true)]
        timings: bool,
    },
    /// Build, serve on 127.0.0.1 (or --interface) and rebuild as files change; open pages reload.
    #[command(
        after_help = "Examples:\n  skills-atlas serve                          # content/ at http://127.0.0.1:1111/\n  skills-atlas serve ~/class/forks --port 0   # any free port; the URL is printed\n  skills-atlas serve -o /tmp/preview -v       # each rebuild's steps and timings\n  skills-atlas serve --open                   # and open it in the browser\n  skills-atlas serve --interface 0.0.0.0      # reachable from other machines too\n\nWatches the content folder, the config and the theme. A change re-reads only the\nsubmissions it touches and rewrites only pages whose bytes changed; a config change\nrebuilds everything. Errors (a config that does not parse, a template error, a\nsubmission with errors) are printed and shown over the open page; the last good\nsite stays served. Pages get a live-reload script as they are served; the files\non disk are the same as `build` writes, for the local address.\n\nThe site is written to --output, by default a folder per content folder under the\nsystem temp dir (e.g. /tmp/skills-atlas-serve/content-1a2b3c4d), never public/,\nremoved when serve stops (Ctrl-C or SIGTERM); an --output folder is kept.\nLike build, serve refuses an output folder it did not write.\n\nOn an --interface other than loopback, requests must name the server by its\naddress in digits (or localhost): other names are refused, against DNS rebinding."
    )]
    Serve {
        /// Folder of submissions.
        #[arg(default_value = "content")]
        content: PathBuf,
        /// Port to listen on; 0 picks a free one.
        #[arg(short, long, default_value_t = skills_atlas::serve::DEFAULT_PORT)]
        port: u16,
        /// Address to listen on: 127.0.0.1 is this machine only, 0.0.0.0 every network it is on.
        #[arg(long, value_name = "ADDR", default_value = "127.0.0.1")]
        interface: std::net::IpAddr,
        /// Open the site in the default browser ($BROWSER if set) once it is served.
        #[arg(long)]
        open: bool,
        /// Where to write the site (default: a folder under the system temp dir).
        #[arg(short, long)]
        output: Option<PathBuf>,
        /// Site config (YAML). Default: config.yaml in the content folder, if any.
        #[arg(long)]
        config: Option<PathBuf>,
        /// Print each rebuild's steps, timings and the files that changed.
        #[arg(short, long)]
        verbose: bool,
        /// Print only the address and errors.
        #[arg(short, long)]
        quiet: bool,
    },
    /// Create a starter site: config with every key explained, a sample submission, the theme.
    #[command(
        after_help = "Examples:\n  skills-atlas init                # here\n  skills-atlas init my-atlas       # in a new folder\n  cd my-atlas && skills-atlas serve\n\nWrites content/config.yaml, content/sample-student__lab-01/docs/*.md,\nthemes/atlas/templates/*.html (the built-in templates, to edit) and .gitignore.\nRefuses to overwrite any existing file; then `build` and `serve` work there with no arguments."
    )]
    Init {
        /// Folder to create the site in.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Print nothing but errors.
        #[arg(short, long)]
        quiet: bool,
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
        after_help = "Examples:\n  skills-atlas check                      # the fork you are in\n  skills-atlas check docs/roles-and-skills.md\n  skills-atlas check . --format json\n  skills-atlas check . --min-score 20\n\nExit status: 0 when it passes; 1 when a required section or criterion is missing, or the score is below --min-score (default: the rubric's pass threshold); 2 when the check could not run.\nWith GITHUB_ACTIONS=true, findings are printed as annotations on the lines."
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
        /// Exit 1 below this score (default: the rubric's pass threshold of its points).
        #[arg(long, value_name = "N")]
        min_score: Option<u32>,
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
    /// Print a shell completion script.
    #[command(
        after_help = "Examples:\n  skills-atlas completions bash > ~/.local/share/bash-completion/completions/skills-atlas\n  skills-atlas completions zsh > ~/.zfunc/_skills-atlas\n  skills-atlas completions fish > ~/.config/fish/completions/skills-atlas.fish"
    )]
    Completions {
        /// The shell to complete in.
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), or write every command's page into a folder.
    #[command(
        after_help = "Examples:\n  skills-atlas man | man -l -\n  skills-atlas man build | man -l -\n  skills-atlas man --dir ~/.local/share/man/man1   # skills-atlas.1, skills-atlas-build.1, ..."
    )]
    Man {
        /// A subcommand's page instead of the main one.
        command: Option<String>,
        /// Write skills-atlas.1 and a page per subcommand into this folder.
        #[arg(long, conflicts_with = "command")]
        dir: Option<PathBuf>,
    },
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::CheckLinks { site, base_url } => check_links(&site, base_url),
        Command::Check { path, format, config, min_score } => check(&path, format, config.as_deref(), min_score),
        Command::Taxonomy { content, config, unknown } => taxonomy(&content, config.as_deref(), unknown),
        Command::Build { content, output, config, base_url, verbose, quiet, strict, timings } => {
            keep_freed_memory();
            let opts = BuildOptions { content, output, config, base_url };
            run_build(&opts, verbose && !quiet, quiet, strict, timings)
        }
        Command::Serve { content, port, interface, open, output, config, verbose, quiet } => {
            let opts =
                skills_atlas::serve::ServeOptions { content, output, config, port, interface, open, verbose, quiet };
            // Returns only when it cannot start or the watcher dies.
            match skills_atlas::serve::run(opts) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
        Command::Init { dir, quiet } => init(&dir, quiet),
        Command::Completions { shell } => {
            match skills_atlas::manual::completions(shell, &mut Cli::command(), &mut std::io::stdout().lock()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => fail(&e),
            }
        }
        Command::Man { command, dir } => {
            let done = match dir {
                Some(dir) => skills_atlas::manual::man_pages_to(Cli::command(), &dir).map(drop),
                None => {
                    skills_atlas::manual::man_page(Cli::command(), command.as_deref(), &mut std::io::stdout().lock())
                }
            };
            done.map_or_else(|e| fail(&e), |()| ExitCode::SUCCESS)
        }
    }
}

fn fail(e: &anyhow::Error) -> ExitCode {
    anstream::eprintln!("{}", term::error(&format!("{e:#}")));
    ExitCode::from(2)
}

fn run_build(opts: &BuildOptions, verbose: bool, quiet: bool, strict: bool, timings: bool) -> ExitCode {
    let progress = Progress::start(!quiet, &format!("Building {}", opts.content.display()));
    let result = build_with_progress(opts, &|stage, done, total| progress.update(stage, done, total));
    progress.finish();
    let report = match result {
        Ok(r) => r,
        Err(e) => return fail(&e),
    };
    let errors = report.count(Severity::Error);
    let warnings = report.count(Severity::Warning);
    for d in &report.diagnostics {
        if d.severity == Severity::Error || verbose || skills_atlas::discover::is_layout_warning(d) {
            anstream::eprintln!("{}", term::diagnostic(d));
        }
    }
    if !quiet {
        let hint = if verbose || warnings == 0 { "" } else { " (--verbose lists them)" };
        anstream::eprintln!(
            "{}{hint}",
            term::summary(report.submissions, report.pages, report.seconds, errors, warnings)
        );
    }
    if timings {
        let stages: Vec<String> = report.stages.iter().map(|(s, t)| format!("{s} {:.3}s", t)).collect();
        eprintln!("stages: {}", stages.join(", "));
    }
    // One student's unreadable file must not stop the cohort's site from
    // deploying: it is a finding, and only --strict fails on findings.
    if strict && errors + warnings > 0 { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

/// A progress bar on stderr while a build runs, only when stderr is a
/// terminal: a spinner until the first stage reports, then a bar per stage.
struct Progress(Option<ProgressBar>);

impl Progress {
    fn start(enabled: bool, message: &str) -> Progress {
        if !enabled || !std::io::stderr().is_terminal() {
            return Progress(None);
        }
        let bar = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg} {elapsed}") {
            bar.set_style(style);
        }
        bar.set_message(message.to_string());
        bar.enable_steady_tick(Duration::from_millis(100));
        Progress(Some(bar))
    }

    /// Called from any thread; indicatif redraws at most every few ms.
    fn update(&self, stage: &'static str, done: usize, total: usize) {
        let Some(bar) = &self.0 else { return };
        if bar.length() != Some(total as u64) || bar.message() != stage {
            if let Ok(style) = ProgressStyle::with_template("{msg:>8} [{bar:30}] {pos}/{len} {elapsed}") {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_length(total as u64);
            bar.set_message(stage);
        }
        bar.set_position(done as u64);
    }

    fn finish(self) {
        if let Some(bar) = self.0 {
            bar.finish_and_clear();
        }
    }
}

fn init(dir: &Path, quiet: bool) -> ExitCode {
    match skills_atlas::init::init(dir) {
        Ok(files) => {
            if !quiet {
                for f in &files {
                    anstream::eprintln!("{} {}", term::paint(term::GOOD, "created"), f.display());
                }
                let cd = if dir == Path::new(".") { String::new() } else { format!("cd {} && ", dir.display()) };
                anstream::eprintln!(
                    "\nNext: {}  (preview, rebuilt as you edit)\n      {}  (the site in public/)\nPut your students' forks in content/, one folder per fork.",
                    term::paint(term::BOLD, &format!("{cd}skills-atlas serve")),
                    term::paint(term::BOLD, &format!("{cd}skills-atlas build")),
                );
            }
            ExitCode::SUCCESS
        }
        Err(e) => fail(&e),
    }
}

fn check(path: &Path, format: Format, config: Option<&Path>, min_score: Option<u32>) -> ExitCode {
    let checked = match skills_atlas::check::check(path, config, min_score) {
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
                let line = if github { skills_atlas::check::github_annotation(f) } else { f.to_string() };
                out.push_str(&line);
                out.push('\n');
            }
            out.push_str(&checked.rubric_lines());
            out.push_str(&checked.summary());
        }
    }
    out.push('\n');
    // A closed pipe (`| head`) is not an error worth a panic.
    let _ = std::io::Write::write_all(&mut std::io::stdout().lock(), out.as_bytes());
    if checked.failed() { ExitCode::from(1) } else { ExitCode::SUCCESS }
}

fn check_links(site: &Path, base_url: Option<String>) -> ExitCode {
    let base_url = base_url.or_else(|| skills_atlas::check_links::published_base_url(site));
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
