//! Write a synthetic cohort of N fork folders for benchmarks:
//!
//!     cargo run --release --example gen_cohort -- 1000 /tmp/cohort-1k
//!
//! Deterministic for a given N: the same N always gives the same bytes.
//! Submissions vary the way real ones do: nested lists, tables, a heading per
//! component, inline lists, numbered lists, Russian headings, code blocks,
//! typos, placeholders, missing sections. Each roles file is about 8 KB.

use std::fmt::Write as _;
use std::path::Path;

/// splitmix64: tiny, deterministic, good enough to vary formats.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len())]
    }
    fn some<'a>(&mut self, xs: &[&'a str], k: usize) -> Vec<&'a str> {
        let mut v: Vec<&str> = xs.to_vec();
        for i in 0..v.len() {
            let j = i + self.below(v.len() - i);
            v.swap(i, j);
        }
        v.truncate(k.min(xs.len()));
        v
    }
}

const PRODUCTS: &[&str] = &["Telegram", "Spotify", "Yandex Go", "Ozon", "Wildberries", "ChatGPT", "Avito", "VK"];
const COMPONENTS: &[&str] = &[
    "API Gateway",
    "Auth Service",
    "Messaging Service",
    "Media Storage",
    "Notification Service",
    "User Profile Service",
    "Search Service",
    "Payment Service",
    "Recommendation Engine",
    "Analytics Pipeline",
    "Mobile Client",
    "Web Frontend",
    "Order Service",
    "Catalog Service",
    "Monitoring & Logging",
    "Database Cluster",
];
const ROLES: &[&str] = &[
    "Backend Engineer",
    "Frontend Developer",
    "Mobile Engineer (iOS/Android)",
    "DevOps / SRE",
    "QA Engineer",
    "Data Engineer",
    "ML Engineer",
    "Security Engineer",
    "DBA",
    "UI/UX Designer",
    "Back-end developer (Go)",
    "Site Reliability Engineer",
    "Product Manager",
    "Data Analyst",
];
const SKILLS: &[&str] = &[
    "Python",
    "Go",
    "Java",
    "Kotlin",
    "Swift",
    "TypeScript",
    "SQL",
    "PostgreSQL",
    "PosgreSQL",
    "Redis",
    "Kafka",
    "RabbitMQ",
    "Docker",
    "Kubernetes",
    "K8s",
    "Git",
    "Linux",
    "CI/CD",
    "REST API",
    "gRPC",
    "GraphQL",
    "AWS",
    "Terraform",
    "Prometheus",
    "Grafana",
    "Nginx",
    "React",
    "Vue.js",
    "Node.js",
    "Flutter",
    "ClickHouse",
    "unit testing",
    "system design",
    "algorithms",
    "networking",
    "caching",
];
const VERBS: &[&str] = &[
    "designs and maintains",
    "builds",
    "monitors",
    "tests",
    "optimises",
    "documents",
    "reviews",
    "deploys",
    "secures",
    "scales",
    "automates",
    "debugs",
];
const THINGS: &[&str] = &[
    "the public API",
    "message delivery",
    "the data pipeline",
    "release pipelines",
    "database schemas",
    "the mobile client",
    "alerting rules",
    "load tests",
    "access control",
    "search relevance",
    "payment flows",
    "caching layers",
    "on-call runbooks",
];
const COMPANIES: &[&str] = &["Northwind", "Acme Cloud", "Bluefin Labs", "Contoso", "Tailspin", "Fabrikam", "Initech"];

fn main() {
    let mut args = std::env::args().skip(1);
    let n: usize = args.next().and_then(|a| a.parse().ok()).expect("usage: gen_cohort N DIR");
    let dir = args.next().expect("usage: gen_cohort N DIR");
    let dir = Path::new(&dir);
    std::fs::create_dir_all(dir).expect("create output dir");
    for i in 0..n {
        let mut rng = Rng(0x5EED ^ (i as u64).wrapping_mul(0x1000_0000_01B3));
        let fork = dir.join(format!("student{i:06}__lab-01/docs"));
        std::fs::create_dir_all(&fork).expect("create fork dir");
        let product = rng.pick(PRODUCTS);
        std::fs::write(fork.join("roles-and-skills.md"), roles_file(&mut rng, product)).expect("write roles file");
        if rng.below(3) > 0 {
            std::fs::write(fork.join("architecture.md"), architecture(&mut rng, product)).expect("write architecture");
        }
    }
    eprintln!("wrote {n} submissions to {}", dir.display());
}

fn sentence(rng: &mut Rng) -> String {
    format!("{} {} {}", rng.pick(&["It", "This role", "The team", "The engineer"]), rng.pick(VERBS), rng.pick(THINGS))
}

fn roles_file(rng: &mut Rng, product: &str) -> String {
    let mut s = String::with_capacity(9000);
    let russian = rng.below(8) == 0;
    let h = if rng.below(5) == 0 { "#" } else { "##" };
    let k = 5 + rng.below(3);
    let comps = rng.some(COMPONENTS, k);
    let _ = writeln!(s, "# Roles and skills for {product}\n");
    let _ = writeln!(s, "{h} {}\n", if russian { "Компоненты и роли" } else { "Components and roles" });
    match rng.below(4) {
        0 => {
            s.push_str("| Component | Roles |\n|---|---|\n");
            for c in &comps {
                let _ = writeln!(
                    s,
                    "| **{c}** | {} |",
                    {
                        let k = 2 + rng.below(3);
                        rng.some(ROLES, k)
                    }
                    .join(", ")
                );
            }
            s.push('\n');
        }
        1 => {
            for c in &comps {
                let _ = writeln!(s, "### {c}\n");
                for r in {
                    let k = 2 + rng.below(3);
                    rng.some(ROLES, k)
                } {
                    let _ = writeln!(s, "* {r}");
                }
                s.push('\n');
            }
        }
        _ => {
            for c in &comps {
                let _ = writeln!(s, "- **{c}**");
                for r in {
                    let k = 2 + rng.below(3);
                    rng.some(ROLES, k)
                } {
                    let _ = writeln!(s, "  - {r}: {}", sentence(rng));
                }
            }
            s.push('\n');
        }
    }
    let _ = writeln!(s, "{h} Roles and responsibilities\n");
    for (i, r) in rng.some(ROLES, 5).iter().enumerate() {
        if i % 2 == 0 {
            let _ = writeln!(s, "{}. **{r}** — {}. {}.", i + 1, sentence(rng), sentence(rng));
        } else {
            let _ = writeln!(s, "### {r}\n\n- {}\n- {}\n- {}\n", sentence(rng), sentence(rng), sentence(rng));
        }
    }
    s.push('\n');
    let _ = writeln!(s, "{h} Common skills across roles\n");
    if rng.below(4) == 0 {
        let _ = writeln!(s, "{}.\n", rng.some(SKILLS, 6).join(", "));
    } else {
        for k in rng.some(SKILLS, 6) {
            let _ = writeln!(s, "- **{k}**: {}", sentence(rng));
        }
        s.push('\n');
    }
    let _ = writeln!(s, "{h} {}\n", if russian { "Выбранная роль" } else { "My chosen role" });
    let role = rng.pick(ROLES);
    let _ = writeln!(s, "### Role\n\n{role}\n");
    let _ = writeln!(s, "### {}\n", if russian { "Навыки, которые у меня есть" } else { "Skills I already have" });
    for k in rng.some(SKILLS, 4) {
        let _ = writeln!(s, "- Basic {k}");
    }
    let _ = writeln!(
        s,
        "\n### {}\n\n<!-- 4-5 skills -->",
        if russian { "Навыки, которых не хватает" } else { "Skills I clearly lack" }
    );
    for k in rng.some(SKILLS, 4) {
        let _ = writeln!(s, "- {k} in production");
    }
    if rng.below(10) > 0 {
        let _ = writeln!(s, "\n{h} Job market snapshot\n");
        for p in 0..5 + rng.below(3) {
            let _ = writeln!(
                s,
                "{}. **{} {}** at {}\n   - https://jobs.example.test/{:x}\n   - {}",
                p + 1,
                rng.pick(&["Junior", "Middle", "Senior"]),
                role,
                rng.pick(COMPANIES),
                rng.next() % 1_000_000,
                rng.some(SKILLS, 4).join(", ")
            );
        }
        let _ = writeln!(s, "\n### Skills that appear in several postings\n");
        for k in rng.some(SKILLS, 4) {
            let _ = writeln!(s, "- {k}");
        }
        let _ = writeln!(s, "\n### Skills specific to a single posting\n\n- {}\n", rng.pick(SKILLS));
    }
    if rng.below(12) > 0 {
        let _ = writeln!(s, "{h} Personal reflection\n");
        for _ in 0..6 {
            let _ = write!(s, "I think {} matters because {}. ", rng.pick(SKILLS), sentence(rng).to_lowercase());
        }
        s.push_str("\n\n");
    }
    while s.len() < 7500 {
        let _ = writeln!(s, "> Note: {}. {}.", sentence(rng), sentence(rng));
    }
    s
}

fn architecture(rng: &mut Rng, product: &str) -> String {
    let mut s = format!("# Architecture\n\n## Product choice\n\n{product}\n\n## Main components\n\n");
    for c in rng.some(COMPONENTS, 6) {
        let _ = writeln!(s, "- {c}");
    }
    s.push_str("\n```yaml\nservices:\n  api:\n    image: example/api:1.0\n    ports: [\"8080:8080\"]\n  db:\n    image: postgres:16\n```\n");
    s
}
