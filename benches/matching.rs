//! `cargo bench --bench matching`: what canonical-name matching costs per
//! submission (the taxonomy is compiled once per build, outside the loop).

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

fn main() {
    let start = Instant::now();
    let tax = Taxonomy::builtin();
    let compile = start.elapsed();
    let lines = submission();
    let mut samples = Vec::new();
    for _ in 0..200 {
        let t = Instant::now();
        for line in &lines {
            black_box(tax.skills_in(line));
            black_box(tax.role(line));
        }
        samples.push(t.elapsed().as_secs_f64() * 1e6);
    }
    samples.sort_by(f64::total_cmp);
    let bytes: usize = lines.iter().map(String::len).sum();
    println!("taxonomy compile: {:.2} ms (once per build)", compile.as_secs_f64() * 1e3);
    println!(
        "matching one {:.1} KB submission ({} items, skills + role per item): median {:.0} µs, p90 {:.0} µs",
        bytes as f64 / 1024.0,
        lines.len(),
        samples[samples.len() / 2],
        samples[samples.len() * 9 / 10]
    );
}
