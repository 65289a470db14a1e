//! `skills-atlas serve`: build, serve the site (on loopback unless told
//! otherwise), watch the content, config and theme, rebuild what a change
//! touches and reload the open pages. A broken edit (config, template, a
//! submission with errors) is printed and shown over the page; the last good
//! site stays served. Ctrl-C (or SIGTERM) removes the site from the temp dir.

pub(crate) mod http;

use crate::diagnostics::{Finding, Severity};
use crate::session::{Kind, Outcome, Refreshed, Session, SessionOptions};
use crate::term;
use anyhow::{Context, Result, anyhow};
use notify::event::{AccessKind, AccessMode, ModifyKind};
use notify::{EventKind, RecursiveMode, Watcher};
use std::collections::BTreeSet;
use std::hash::{Hash, Hasher};
use std::io::Write;
use std::net::{IpAddr, Ipv4Addr, TcpListener};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub const DEFAULT_PORT: u16 = 1111;
/// Events this close together are one change (an editor's save is several).
const DEBOUNCE: Duration = Duration::from_millis(30);
/// A burst of changes waits at most this long before a rebuild.
const MAX_BATCH: Duration = Duration::from_millis(300);
/// Quiet time before the cohort-wide pass (near duplicates, atlas.json).
const QUIET: Duration = Duration::from_millis(250);
/// When a folder just created is read again.
const RECHECK: Duration = Duration::from_millis(250);
/// Pages named in a reload event; more reloads every page.
const MAX_LISTED: usize = 500;

#[derive(Debug, Clone)]
pub struct ServeOptions {
    pub content: PathBuf,
    /// Default: [`default_output`].
    pub output: Option<PathBuf>,
    pub config: Option<PathBuf>,
    /// 0 picks a free port.
    pub port: u16,
    /// Address to listen on: [`Ipv4Addr::LOCALHOST`] serves this machine only.
    pub interface: IpAddr,
    /// Open the served address in the default browser.
    pub open: bool,
    pub verbose: bool,
    pub quiet: bool,
}

/// A folder under the system temp dir, one per content folder, so serving
/// never touches `public/`; removed when serve stops.
pub(crate) fn default_output(content: &Path) -> PathBuf {
    let abs = content.canonicalize().unwrap_or_else(|_| content.to_path_buf());
    let mut h = std::hash::DefaultHasher::new();
    abs.hash(&mut h);
    let name = abs.file_name().map(|n| crate::discover::slug(&n.to_string_lossy())).unwrap_or_default();
    std::env::temp_dir().join("skills-atlas-serve").join(format!("{name}-{:08x}", h.finish() as u32))
}

/// Serve until stopped (Ctrl-C, SIGTERM).
pub fn run(opts: ServeOptions) -> Result<()> {
    let listener = TcpListener::bind((opts.interface, opts.port)).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AddrInUse {
            anyhow!("port {} is in use: pick another with --port (0 picks a free one)", opts.port)
        } else {
            anyhow!("listening on {}:{}: {e}", opts.interface, opts.port)
        }
    })?;
    let port = listener.local_addr()?.port();
    let url = local_url(opts.interface, port);
    let output = opts.output.clone().unwrap_or_else(|| default_output(&opts.content));
    // Held while a build writes, so stopping never removes a site half written.
    let writing = Arc::new(Mutex::new(()));
    stop_on_signal(opts.output.is_none().then(|| output.clone()), writing.clone())?;
    let mut session = Session::new(SessionOptions {
        content: opts.content.clone(),
        output: output.clone(),
        config: opts.config.clone(),
        base_url: Some(url.clone()),
    })?;
    let ui = Ui { verbose: opts.verbose && !opts.quiet, quiet: opts.quiet };
    let live = Arc::new(http::Live::new());
    let first = locked(&writing, || session.full_build());
    ui.report(&session, &first, &live);

    // The folder may not exist yet (the first build failed): its canonical
    // path is its parent's plus its name. Creating it here would make the
    // first good build move an empty folder aside.
    let parent = output.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
    let name = output.file_name().context("the output folder has no name")?;
    let root = parent.canonicalize().with_context(|| format!("reading {}", parent.display()))?.join(name);
    let server_live = live.clone();
    let server_root = root.clone();
    std::thread::Builder::new().name("serve".into()).spawn(move || http::serve(listener, server_root, server_live))?;
    let (tx, rx) = mpsc::channel();
    let mut watch = Watch::new(tx)?;
    watch.sync(&session.watch_paths(), &ui);
    // Announced once changes are watched: a script may edit right after.
    // The address goes to stdout, alone on its line; the rest to stderr.
    println!("Serving {url}");
    let _ = std::io::stdout().flush();
    if !ui.quiet {
        anstream::eprintln!(
            "{} {} from {}; watching for changes (Ctrl-C stops)",
            term::paint(term::GOOD, "Serving"),
            term::paint(term::BOLD, &url),
            output.display()
        );
    }
    if !opts.interface.is_loopback() {
        let warning = term::paint(term::WARNING, "warning");
        anstream::eprintln!(
            "{warning}: listening on {}: anyone who can reach this machine on port {port} can read the site",
            opts.interface
        );
    }
    if opts.open {
        open_browser(&url, ui.quiet);
    }
    let stopped = watch_and_rebuild(&mut session, &rx, &mut watch, &root, &ui, &live, &writing);
    if opts.output.is_none() {
        let _held = writing.lock().unwrap_or_else(|e| e.into_inner());
        remove_temp_site(&output);
    }
    stopped
}

/// The address a browser on this machine opens: loopback's when listening
/// on every interface.
fn local_url(interface: IpAddr, port: u16) -> String {
    match interface {
        ip if ip.is_unspecified() => format!("http://{}:{port}/", Ipv4Addr::LOCALHOST),
        IpAddr::V6(ip) => format!("http://[{ip}]:{port}/"),
        IpAddr::V4(ip) => format!("http://{ip}:{port}/"),
    }
}

/// Run `f` holding the writing lock.
fn locked<T>(writing: &Mutex<()>, f: impl FnOnce() -> T) -> T {
    let _held = writing.lock().unwrap_or_else(|e| e.into_inner());
    f()
}

/// On Ctrl-C or SIGTERM: wait for the build in progress, remove the
/// temporary site (`temp`, when serve chose the folder) and exit 0.
fn stop_on_signal(temp: Option<PathBuf>, writing: Arc<Mutex<()>>) -> Result<()> {
    ctrlc::set_handler(move || {
        let _held = writing.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(dir) = &temp {
            remove_temp_site(dir);
        }
        std::process::exit(0);
    })
    .context("setting the Ctrl-C handler")
}

/// The site serve wrote under the temp dir, its staging leftovers, and the
/// `skills-atlas-serve` folder if nothing else is in it.
fn remove_temp_site(output: &Path) {
    let _ = std::fs::remove_dir_all(output);
    if let (Some(parent), Some(name)) = (output.parent(), output.file_name()) {
        let name = name.to_string_lossy();
        for leftover in [format!(".{name}.staging"), format!(".{name}.old")] {
            let _ = std::fs::remove_dir_all(parent.join(leftover));
        }
        let _ = std::fs::remove_dir(parent);
    }
}

/// Open `url` in the browser (`$BROWSER` if set); a failure is only told.
fn open_browser(url: &str, quiet: bool) {
    if let Err(e) = opener::open_browser(url)
        && !quiet
    {
        let warning = term::paint(term::WARNING, "warning");
        anstream::eprintln!("{warning}: could not open a browser ({e}); open {url} yourself");
    }
}

/// The serving loop: wait for changes, rebuild, tell the pages. Returns
/// only when the watcher stops.
fn watch_and_rebuild(
    session: &mut Session,
    rx: &mpsc::Receiver<Msg>,
    watch: &mut Watch,
    root: &Path,
    ui: &Ui,
    live: &http::Live,
    writing: &Mutex<()>,
) -> Result<()> {
    // Folders just created, to read again shortly: files written into them
    // before the watcher watched them send no event.
    let mut recheck: BTreeSet<PathBuf> = BTreeSet::new();
    let mut recheck_at: Option<Instant> = None;
    // A cohort-wide pass is running on another thread.
    let mut refreshing = false;
    loop {
        let now = Instant::now();
        let quiet = (session.is_stale() && !refreshing).then_some(QUIET);
        let wait = [recheck_at.map(|t| t.saturating_duration_since(now)), quiet].into_iter().flatten().min();
        let first = match wait {
            Some(wait) => match rx.recv_timeout(wait) {
                Ok(ev) => Some(ev),
                Err(RecvTimeoutError::Timeout) => None,
                Err(RecvTimeoutError::Disconnected) => break,
            },
            None => match rx.recv() {
                Ok(ev) => Some(ev),
                Err(_) => break,
            },
        };
        let mut paths = BTreeSet::new();
        match first {
            Some(Msg::Refreshed(done)) => {
                refreshing = false;
                let done = locked(writing, || session.apply_refresh(done));
                ui.report(session, &done, live);
                continue;
            }
            Some(Msg::Fs(ev)) => {
                collect(ev, root, &mut paths, &mut recheck, ui);
                let deadline = Instant::now() + MAX_BATCH;
                loop {
                    let wait = DEBOUNCE.min(deadline.saturating_duration_since(Instant::now()));
                    match rx.recv_timeout(wait) {
                        Ok(Msg::Fs(ev)) => collect(ev, root, &mut paths, &mut recheck, ui),
                        // Found while the submissions change: dropped; a later pass redoes it.
                        Ok(Msg::Refreshed(_)) => refreshing = false,
                        Err(_) => break,
                    }
                }
                if !recheck.is_empty() && recheck_at.is_none() {
                    recheck_at = Some(Instant::now() + RECHECK);
                }
            }
            None if recheck_at.is_some_and(|t| t <= Instant::now()) => {
                paths.append(&mut recheck);
                recheck_at = None;
            }
            None => {
                // Near duplicates take longest: computed on their own threads
                // from a copy, so edits meanwhile are not kept waiting.
                if !refreshing && let Some(job) = session.refresh_job() {
                    refreshing = true;
                    let tx = watch.tx.clone();
                    std::thread::spawn(move || {
                        let run = || job.run();
                        let done = match rayon::ThreadPoolBuilder::new().num_threads(2).build() {
                            Ok(pool) => pool.install(run),
                            Err(_) => run(),
                        };
                        let _ = tx.send(Msg::Refreshed(done));
                    });
                }
                continue;
            }
        }
        if paths.is_empty() {
            continue;
        }
        let paths: Vec<PathBuf> = paths.into_iter().collect();
        if ui.verbose {
            for p in &paths {
                anstream::eprintln!("{}", term::paint(term::DIM, &format!("changed: {}", p.display())));
            }
        }
        let done = locked(writing, || session.rebuild(&paths));
        ui.report(session, &done, live);
        watch.sync(&session.watch_paths(), ui);
    }
    Err(anyhow!("the file watcher stopped"))
}

/// What the serving loop waits for.
enum Msg {
    Fs(notify::Result<notify::Event>),
    Refreshed(Refreshed),
}

/// The paths of a watcher event that may change the site.
/// Folders among them that were just created go to `created` too.
fn collect(
    ev: notify::Result<notify::Event>,
    output: &Path,
    paths: &mut BTreeSet<PathBuf>,
    created: &mut BTreeSet<PathBuf>,
    ui: &Ui,
) {
    let ev = match ev {
        Ok(ev) => ev,
        Err(e) => {
            if ui.verbose {
                anstream::eprintln!("{}", term::paint(term::DIM, &format!("watcher: {e}")));
            }
            return;
        }
    };
    let relevant = match ev.kind {
        EventKind::Access(AccessKind::Close(AccessMode::Write)) => true,
        EventKind::Access(_) | EventKind::Modify(ModifyKind::Metadata(_)) => false,
        _ => true,
    };
    if !relevant {
        return;
    }
    for p in ev.paths.into_iter().filter(|p| !p.starts_with(output)) {
        if matches!(ev.kind, EventKind::Create(_)) && p.is_dir() {
            created.insert(p.clone());
        }
        paths.insert(p);
    }
}

struct Ui {
    verbose: bool,
    quiet: bool,
}

impl Ui {
    /// Print what a (re)build did and tell the open pages.
    fn report(&self, session: &Session, done: &Result<Outcome>, live: &http::Live) {
        let errors = session.errors();
        match done {
            Ok(o) => {
                let ms = o.seconds * 1000.0;
                match o.kind {
                    Kind::Full if !self.quiet => {
                        anstream::eprintln!(
                            "{}",
                            term::summary(o.submissions, o.pages, o.seconds, errors.len(), session.warnings())
                        );
                    }
                    Kind::Incremental | Kind::Rerender if !self.quiet => {
                        let what = if o.kind == Kind::Rerender { " (everything re-rendered)" } else { "" };
                        anstream::eprintln!("rebuilt {} in {ms:.0} ms{what}", term::count(o.changed.len(), "page"));
                    }
                    Kind::Refresh if self.verbose => {
                        anstream::eprintln!(
                            "{}",
                            term::paint(
                                term::DIM,
                                &format!(
                                    "near duplicates and atlas.json: {} in {ms:.0} ms",
                                    term::count(o.changed.len(), "page")
                                )
                            )
                        );
                    }
                    _ => {}
                }
                if self.verbose && !o.stages.is_empty() {
                    let stages: Vec<String> =
                        o.stages.iter().map(|(s, t)| format!("{s} {:.1} ms", t * 1000.0)).collect();
                    anstream::eprintln!("{}", term::paint(term::DIM, &format!("  {}", stages.join(", "))));
                }
                for d in &o.diagnostics {
                    let full = o.kind == Kind::Full;
                    // Full builds list errors (all with --verbose); rebuilds
                    // list everything about the files just edited.
                    if !self.quiet && (d.severity == Severity::Error || self.verbose || !full) {
                        anstream::eprintln!("{}", term::diagnostic(d));
                    } else if self.quiet && d.severity == Severity::Error {
                        anstream::eprintln!("{}", term::diagnostic(d));
                    }
                }
                if o.kind == Kind::Nothing {
                    return;
                }
                let all = o.changed.len() > MAX_LISTED;
                let pages: Vec<String> =
                    if all { Vec::new() } else { o.changed.iter().map(|p| format!("/{p}")).collect() };
                let data = serde_json::json!({ "all": all, "pages": pages }).to_string();
                live.publish("reload", data, |g| status_json(g, None, &errors));
            }
            Err(e) => {
                let message = format!("{e:#}");
                anstream::eprintln!("{}", term::error(&message));
                if !self.quiet {
                    anstream::eprintln!(
                        "{}",
                        term::paint(term::DIM, "still serving the last good site; fix it and save")
                    );
                }
                live.publish("status", "{}".to_string(), |g| status_json(g, Some(&message), &errors));
            }
        }
    }
}

/// `/__status`: whether the last build worked, and the cohort's errors.
fn status_json(generation: u64, failure: Option<&str>, errors: &[Finding]) -> String {
    const SHOWN: usize = 50;
    let list: Vec<serde_json::Value> = errors
        .iter()
        .take(SHOWN)
        .map(|d| serde_json::json!({ "path": d.path, "line": d.line, "message": d.message }))
        .collect();
    serde_json::json!({
        "generation": generation,
        "ok": failure.is_none(),
        "message": failure.unwrap_or(""),
        "errors": list,
        "more": errors.len().saturating_sub(SHOWN),
    })
    .to_string()
}

/// The file watcher: native events, or polling where the system will not
/// give enough watches (a large cohort on a small inotify limit).
struct Watch {
    tx: mpsc::Sender<Msg>,
    inner: Box<dyn Watcher + Send>,
    watched: Vec<(PathBuf, bool)>,
    polling: bool,
}

/// Watcher events into the serving loop's channel.
fn handler(tx: &mpsc::Sender<Msg>) -> impl notify::EventHandler {
    let tx = tx.clone();
    move |ev| {
        let _ = tx.send(Msg::Fs(ev));
    }
}

impl Watch {
    fn new(tx: mpsc::Sender<Msg>) -> Result<Watch> {
        let inner = Box::new(notify::recommended_watcher(handler(&tx)).context("starting the file watcher")?);
        Ok(Watch { tx, inner, watched: Vec::new(), polling: false })
    }

    fn sync(&mut self, want: &[(PathBuf, bool)], ui: &Ui) {
        for (p, _) in self.watched.iter().filter(|w| !want.contains(w)) {
            let _ = self.inner.unwatch(p);
        }
        let mut now: Vec<(PathBuf, bool)> = self.watched.iter().filter(|w| want.contains(w)).cloned().collect();
        for (p, recursive) in want.iter().filter(|w| !self.watched.contains(w)) {
            let mode = if *recursive { RecursiveMode::Recursive } else { RecursiveMode::NonRecursive };
            match self.inner.watch(p, mode) {
                Ok(()) => now.push((p.clone(), *recursive)),
                Err(e) if !self.polling && matches!(e.kind, notify::ErrorKind::MaxFilesWatch) => {
                    if !ui.quiet {
                        anstream::eprintln!(
                            "{}: the system's limit on watched folders is reached; polling every 500 ms instead",
                            term::paint(term::WARNING, "warning")
                        );
                    }
                    let config = notify::Config::default().with_poll_interval(Duration::from_millis(500));
                    match notify::PollWatcher::new(handler(&self.tx), config) {
                        Ok(poll) => {
                            self.inner = Box::new(poll);
                            self.polling = true;
                            self.watched.clear();
                            return self.sync(want, ui);
                        }
                        Err(e) => anstream::eprintln!("{}", term::error(&format!("watching {}: {e}", p.display()))),
                    }
                }
                // A folder that does not exist yet (a theme being created):
                // the next sync tries again.
                Err(e) => {
                    if ui.verbose {
                        anstream::eprintln!(
                            "{}",
                            term::paint(term::DIM, &format!("not watching {}: {e}", p.display()))
                        );
                    }
                }
            }
        }
        self.watched = now;
    }
}
