//! `cargo bench --bench matching`: what canonical-name matching costs per
//! submission (the taxonomy is compiled once per build, outside the loop).
//!
//! Answers about short texts are memoised per thread (a cohort repeats its
//! role names and skill items), so two figures: every item distinct (no
//! answer memoised: the matcher's own cost), and the same items again and
//! again (a cohort's repeated names).

use skills_atlas::normalize::Taxonomy;
use std::hint::black_box;
use std::time::Instant;

/// About 5 KB of item lines like a roles file's, in English and Russian.
fn submission() -> Vec<String> {
    let items = [
        "Basic experience with backend development using Python and C++",
        "Database integration (PosgreSQL, SQL basics, ORM)",
        "Writing tests in Go (table-driven tests, mocks)",
        "Docker и контейнеризация, Kubernates, CI/CD pipelines",
        "**Version control:** Git, GitHub flow, code review",
        "Фронтенд-разработчик: React, TypeScript, REST API",
        "Observability: Prometheus, Grafana, ELK stack, tracing",
        "Message brokers (Kafka/RabbitMQ) and event-driven design",
        "Good communication and trust-building with the team",
        "Junior Go Backend Developer",
    ];
    let mut lines = Vec::new();
    let mut bytes = 0;
    while bytes < 5 * 1024 {
        for i in items {
            bytes += i.len();
            lines.push(i.to_string());
        }
    }
    lines
}

/// Median and p90 of `samples` µs for matching `lines` (skills + role per
/// item); when `unique`, every item of every sample is made distinct.
fn run(tax: &Taxonomy, lines: &[String], unique: bool) -> (f64, f64) {
    let mut samples = Vec::new();
    for sample in 0..200 {
        // A number names no skill.
        let distinct: Vec<String> = lines.iter().enumerate().map(|(i, l)| format!("{l} ({sample}.{i})")).collect();
        let lines = if unique { &distinct[..] } else { lines };
        let t = Instant::now();
        for line in lines {
            black_box(tax.skills_in(line));
            black_box(tax.role(line));
        }
        samples.push(t.elapsed().as_secs_f64() * 1e6);
    }
    samples.sort_by(f64::total_cmp);
    (samples[samples.len() / 2], samples[samples.len() * 9 / 10])
}

fn main() {
    let start = Instant::now();
    let tax = Taxonomy::builtin();
    let compile = start.elapsed();
    let lines = submission();
    let bytes: usize = lines.iter().map(String::len).sum();
    println!("taxonomy compile: {:.2} ms (once per build)", compile.as_secs_f64() * 1e3);
    let (cold, cold90) = run(&tax, &lines, true);
    let (warm, warm90) = run(&tax, &lines, false);
    println!(
        "matching one {:.1} KB submission ({} items, skills + role per item): \
         distinct items median {cold:.0} µs, p90 {cold90:.0} µs; repeated items median {warm:.1} µs, p90 {warm90:.1} µs",
        bytes as f64 / 1024.0,
        lines.len(),
    );
}
