//! `cargo bench --bench near_duplicates -- COHORT_DIR [RUNS]`: the whole
//! near-duplicate step (`review::duplicates::near_duplicates`) on a loaded
//! cohort, as the build runs it beside the rest of the review.
//!
//! The cohort is read and parsed first, untimed; then the step runs RUNS
//! times (default 5) and the median and range are printed. Make a cohort
//! with `cargo run --release --example gen_cohort -- 10000 DIR`; the target
//! is under 2 s for 10,000 on two cores. `RAYON_NUM_THREADS` sets the cores.

use skills_atlas::review::{Rubric, duplicates};
use std::path::PathBuf;
use std::time::Instant;

// The allocator the binary builds with.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).filter(|a| !a.starts_with("--")).collect();
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: cargo bench --bench near_duplicates -- COHORT_DIR [RUNS]");
        return;
    };
    let runs: usize = args.get(1).and_then(|n| n.parse().ok()).unwrap_or(5);
    let t = Instant::now();
    let loaded = skills_atlas::load(&dir, None, None).expect("load the cohort");
    let subs = &loaded.submissions;
    println!("{} submissions loaded in {:.2} s (untimed)", subs.len(), t.elapsed().as_secs_f64());
    let rule = Rubric::default().near_duplicates;
    let (mut secs, mut cpu) = (Vec::new(), Vec::new());
    let mut pairs = 0;
    for _ in 0..runs.max(1) {
        let (t, c) = (Instant::now(), cpu_seconds());
        let found = duplicates::near_duplicates(subs, &rule);
        secs.push(t.elapsed().as_secs_f64());
        cpu.push(cpu_seconds() - c);
        pairs = found.len();
    }
    secs.sort_by(f64::total_cmp);
    cpu.sort_by(f64::total_cmp);
    println!(
        "near duplicates: {pairs} pairs; median {:.3} s (min {:.3}, max {:.3}) over {} runs on {} threads; \
         CPU time {:.2} s a run",
        secs[secs.len() / 2],
        secs[0],
        secs[secs.len() - 1],
        secs.len(),
        rayon::current_num_threads(),
        cpu[cpu.len() / 2],
    );
}

/// This process's user and system time so far, from `/proc/self/stat` (0
/// where there is none): less disturbed than wall time by other work on
/// the machine.
fn cpu_seconds() -> f64 {
    let stat = std::fs::read_to_string("/proc/self/stat").unwrap_or_default();
    let fields: Vec<&str> = stat.rsplit(')').next().unwrap_or("").split_whitespace().collect();
    let ticks = |i: usize| fields.get(i).and_then(|f| f.parse::<f64>().ok()).unwrap_or(0.0);
    // utime and stime, fields 14 and 15 of the line, in clock ticks (100 a second on Linux).
    (ticks(11) + ticks(12)) / 100.0
}
