//! Unit tests of the normalize stage, in both directions: what must be found
//! and what must not.

use super::*;
use std::sync::LazyLock;

static TAX: LazyLock<Taxonomy> = LazyLock::new(Taxonomy::builtin);

fn skills(text: &str) -> Vec<String> {
    TAX.skills_in(text)
}

#[track_caller]
fn has(text: &str, want: &[&str]) {
    assert_eq!(skills(text), want, "skills_in({text:?})");
}

#[test]
fn builtin_yaml_parses_and_compiles() {
    let raw = parse_builtin().unwrap();
    assert!(raw.skills.len() > 100);
    let _ = Taxonomy::builtin();
}

#[test]
fn skills_found_in_items() {
    has("Basic experience with backend development using Python and C++", &["Python", "C++"]);
    has("Database integration (PostgreSQL, SQL basics, ORM/pgx)", &["PostgreSQL", "SQL"]);
    has("Writing tests in Go (table-driven tests, mocks)", &["Testing", "Go"]);
    has("Working with Docker and containerized applications", &["Docker"]);
    has("System design basics for backend services", &["System Design"]);
    has("Understanding of client-server architecture and REST APIs", &["REST API"]);
    has("Experience using Git for version control and teamwork", &["Git", "Teamwork"]);
    has("Practical experience with cloud platforms such as AWS or GCP", &["AWS", "GCP"]);
}

#[test]
fn skill_aliases() {
    for (text, want) in [
        ("REST", "REST API"),
        ("RESTful APIs", "REST API"),
        ("REST API development", "REST API"),
        ("understanding of REST APIs", "REST API"),
        ("unit tests", "Testing"),
        ("unit testing", "Testing"),
        ("автотесты", "Testing"),
        ("Golang", "Go"),
        ("K8s", "Kubernetes"),
        ("Data structures & algorithms", "Algorithms"),
        ("Postgres", "PostgreSQL"),
        ("Vue", "Vue.js"),
        ("Node.js", "Node.js"),
        ("NodeJS", "Node.js"),
        ("Spring Boot", "Spring"),
        ("Linux CLI", "Linux"),
        ("Linux fundamentals", "Linux"),
        ("CI/CD pipelines", "CI/CD"),
        ("CI CD", "CI/CD"),
        ("TCP/IP", "TCP/IP"),
        ("WebSockets", "WebSocket"),
        ("HTTP/HTTPS", "HTTP"),
        ("ML", "Machine Learning"),
        ("machine learning", "Machine Learning"),
        ("caching", "Caching"),
        ("кэширование", "Caching"),
        ("multithreading", "Concurrency"),
        ("concurrency patterns", "Concurrency"),
        ("networking", "Networking"),
        ("network fundamentals", "Networking"),
        ("computer networks", "Networking"),
        ("Networks", "Networking"),
        ("cryptography", "Cryptography"),
        ("cryptographic protocols", "Cryptography"),
        ("ClickHouse", "ClickHouse"),
        ("Clickhouse", "ClickHouse"),
        ("Elasticsearch", "Elasticsearch"),
        ("ELK", "Elasticsearch"),
        ("gRPC", "gRPC"),
        ("GraphQL", "GraphQL"),
        ("OAuth", "OAuth"),
        ("OAuth2", "OAuth"),
        ("Terraform", "Terraform"),
        ("Amazon Web Services", "AWS"),
        ("Google Cloud", "GCP"),
        ("Prometheus + Grafana", "Prometheus"),
        ("Nginx", "Nginx"),
        ("Django", "Django"),
        ("FastAPI", "FastAPI"),
        ("Flask", "Flask"),
        ("React", "React"),
        ("Flutter", "Flutter"),
        ("Cassandra", "Cassandra"),
        ("MongoDB", "MongoDB"),
        ("Redis", "Redis"),
        ("RabbitMQ", "RabbitMQ"),
        ("Kotlin", "Kotlin"),
        ("Swift", "Swift"),
        ("Dart", "Dart"),
        ("PHP", "PHP"),
        ("C#", "C#"),
        ("Rust", "Rust"),
        ("Microservices", "Microservices"),
        ("MySQL", "MySQL"),
        ("GitHub", "GitHub"),
    ] {
        assert_eq!(skills(text).first().map(String::as_str), Some(want), "skills_in({text:?})");
    }
}

#[test]
fn slash_lists_give_every_skill() {
    has("Docker/Kubernetes", &["Docker", "Kubernetes"]);
    has("C/C++", &["C", "C++"]);
    has("JavaScript/TypeScript", &["JavaScript", "TypeScript"]);
    has("Python/Go", &["Python", "Go"]);
    has("message brokers (Kafka/RabbitMQ)", &["Kafka", "RabbitMQ"]);
    has("SQL / PostgreSQL", &["SQL", "PostgreSQL"]);
    has("Git and GitHub", &["Git", "GitHub"]);
    has("python, go, docker", &["Python", "Go", "Docker"]);
    has("go", &["Go"]);
}

#[test]
fn longest_alias_wins() {
    has("PostgreSQL", &["PostgreSQL"]);
    has("MySQL and NoSQL", &["MySQL", "NoSQL"]);
    has("GitHub", &["GitHub"]);
    has("JavaScript", &["JavaScript"]);
    has("React Native", &["React Native"]);
    has("Prometheus + Grafana", &["Prometheus", "Grafana"]);
}

#[test]
fn no_false_hits_on_english_words() {
    for text in [
        "Good communication with Google engineers",
        "ready to go to production",
        "my go-to approach",
        "i want to go deeper",
        "Trust-building with the team",
        "Plan C for outages",
        "C-level stakeholders",
        "Reacting to feedback",
        "react to incidents quickly",
        "scalable and scalability",
        "Springboard and the spring semester",
        "Standard library",
        "swift response to incidents",
        "the rest of the system",
        "resting state",
        "string manipulation",
        "version control",
        "a marketplace for goods",
        "grade C in maths",
        "C-suite sponsors",
        "Springfield office",
    ] {
        let got = skills(text);
        let bad = ["Go", "Rust", "C", "React", "Scala", "Spring", "Dart", "Swift", "REST API", "Testing", "Git"];
        assert!(!got.iter().any(|s| bad.contains(&s.as_str())), "skills_in({text:?}) = {got:?}");
    }
}

#[test]
fn capitalised_names_in_prose_are_found() {
    has("Building services in Go with Rust bindings", &["Go", "Rust"]);
    has("Go to market strategy", &[]);
    has("Writing React components", &["React"]);
    has("iOS apps in Swift", &["iOS", "Swift"]);
    has("Java but not JavaScript", &["Java", "JavaScript"]);
}

#[test]
fn typos_within_budget() {
    for (typo, want) in [
        ("Kubernates", "Kubernetes"),
        ("Kuberntes", "Kubernetes"),
        ("PosgreSQL", "PostgreSQL"),
        ("PostgreQL", "PostgreSQL"),
        ("Postgress", "PostgreSQL"),
        ("Elasticserch", "Elasticsearch"),
        ("Javascript", "JavaScript"),
        ("Typescipt", "TypeScript"),
        ("Pyhton", "Python"),
        ("Machne learning", "Machine Learning"),
    ] {
        assert_eq!(skills(typo), [want], "skills_in({typo:?})");
    }
}

#[test]
fn typos_do_not_invent_skills() {
    for text in ["string", "sprint", "resting", "texting", "catching", "Kotlinx", "Docket", "Dockers"] {
        let got = skills(text);
        assert!(
            !got.iter().any(|s| ["Spring", "Testing", "Caching"].contains(&s.as_str())),
            "skills_in({text:?}) = {got:?}"
        );
    }
    // Short words have no typo budget.
    has("Rast", &[]);
    has("Jawa", &[]);
}

#[test]
fn cyrillic_context() {
    has("Docker и контейнеризация", &["Docker"]);
    has("опыт с PostgreSQL", &["PostgreSQL"]);
    has("Знание Python", &["Python"]);
    has("тестирование", &["Testing"]);
    has("алгоритмы", &["Algorithms"]);
    has("сети", &["Networking"]);
    has("компьютерные сети", &["Networking"]);
    has("кэширование", &["Caching"]);
    has("многопоточность", &["Concurrency"]);
    has("криптография", &["Cryptography"]);
    has("машинное обучение", &["Machine Learning"]);
}

#[test]
fn first_mention_order_and_dedup() {
    has("Go, Golang, Python, go", &["Go", "Python"]);
    has("Redis caching and cache invalidation", &["Redis", "Caching"]);
}

#[test]
fn categories_and_listing() {
    assert_eq!(TAX.skill_category("Go"), Some("language"));
    assert_eq!(TAX.skill_category("PostgreSQL"), Some("database"));
    assert_eq!(TAX.skill_category("Kubernetes"), Some("infrastructure"));
    assert_eq!(TAX.skill_category("AWS"), Some("cloud"));
    assert_eq!(TAX.skill_category("Nope"), None);
    assert!(TAX.is_skill("C++") && !TAX.is_skill("Backend Engineer"));
    assert!(TAX.is_role("Backend Engineer") && !TAX.is_role("Go"));
    let names: Vec<&str> = TAX.skills().collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn every_required_canonical_name_exists() {
    for s in [
        "Go",
        "Python",
        "Java",
        "C++",
        "C#",
        "C",
        "JavaScript",
        "TypeScript",
        "Rust",
        "Kotlin",
        "Swift",
        "Dart",
        "PHP",
        "SQL",
        "PostgreSQL",
        "MySQL",
        "MongoDB",
        "Redis",
        "Kafka",
        "RabbitMQ",
        "Docker",
        "Kubernetes",
        "Git",
        "GitHub",
        "Linux",
        "CI/CD",
        "REST API",
        "gRPC",
        "GraphQL",
        "HTTP",
        "TCP/IP",
        "WebSocket",
        "Testing",
        "System Design",
        "Microservices",
        "AWS",
        "GCP",
        "Terraform",
        "Prometheus",
        "Grafana",
        "Nginx",
        "OAuth",
        "Django",
        "FastAPI",
        "Flask",
        "Spring",
        "React",
        "Vue.js",
        "Node.js",
        "Flutter",
        "Elasticsearch",
        "ClickHouse",
        "Cassandra",
        "Caching",
        "Concurrency",
        "Networking",
        "Cryptography",
        "Machine Learning",
        "Algorithms",
    ] {
        assert!(TAX.is_skill(s), "skill {s}");
        assert_eq!(skills(s), [s], "a canonical name matches itself: {s}");
    }
    for r in [
        "Backend Engineer",
        "Frontend Engineer",
        "Full-Stack Engineer",
        "Mobile Engineer",
        "DevOps Engineer",
        "Site Reliability Engineer",
        "Security Engineer",
        "Data Engineer",
        "Data Scientist",
        "Data Analyst",
        "Database Engineer",
        "ML Engineer",
        "QA Engineer",
        "UI/UX Designer",
        "Product Manager",
        "Network Engineer",
        "Blockchain Engineer",
        "Game Developer",
        "Systems Engineer",
    ] {
        assert!(TAX.is_role(r), "role {r}");
        assert_eq!(TAX.role(r).map(|m| m.canonical), Some(vec![r.to_owned()]), "role {r}");
    }
}

#[test]
fn config_adds_and_overrides() {
    let cfg: TaxonomyConfig = serde_yaml::from_str(
        "skills:\n  - name: Go\n    aliases: [gopher]\n  - name: Zig\n    rename: Ziglang\n    category: systems\n  - name: Bun\n    aliases: [bun.js]\n    category: framework\nroles:\n  - name: Backend Engineer\n    rename: Backend Developer\nproducts:\n  - name: EduPlatform\n    aliases: [edu platform]\n",
    )
    .unwrap();
    let tax = Taxonomy::with_config(&cfg).unwrap();
    assert_eq!(tax.skills_in("gopher and bun.js"), ["Go", "Bun"]);
    assert_eq!(tax.skill_category("Bun"), Some("framework"));
    assert_eq!(tax.skill_category("Ziglang"), Some("systems"));
    assert!(!tax.is_skill("Zig") && tax.is_skill("Ziglang"));
    assert_eq!(tax.skills_in("Zig"), ["Ziglang"]);
    assert_eq!(tax.role("Backend").unwrap().canonical, ["Backend Developer"]);
    assert_eq!(tax.product_in("the EduPlatform app"), Some("EduPlatform".to_owned()));
    // Builtin behaviour survives.
    assert_eq!(tax.skills_in("K8s"), ["Kubernetes"]);
}

#[test]
fn config_alias_wins_over_builtin() {
    let cfg = TaxonomyConfig {
        skills: vec![EntryConfig { name: "Kubernetes Lite".into(), aliases: vec!["k8s".into()], ..Default::default() }],
        ..Default::default()
    };
    let tax = Taxonomy::with_config(&cfg).unwrap();
    assert_eq!(tax.skills_in("K8s"), ["Kubernetes Lite"]);
}

#[test]
fn config_errors() {
    let bad = |cfg: TaxonomyConfig| Taxonomy::with_config(&cfg).unwrap_err();
    let entry = |name: &str, rename: Option<&str>| EntryConfig {
        name: name.into(),
        rename: rename.map(Into::into),
        ..Default::default()
    };
    assert!(bad(TaxonomyConfig { skills: vec![entry(" ", None)], ..Default::default() }).contains("empty name"));
    assert!(bad(TaxonomyConfig { skills: vec![entry("Go", Some("Rust"))], ..Default::default() }).contains("exists"));
    let alias = EntryConfig { name: "X".into(), aliases: vec!["--".into()], ..Default::default() };
    assert!(bad(TaxonomyConfig { skills: vec![alias], ..Default::default() }).contains("no letters"));
    assert!(serde_yaml::from_str::<TaxonomyConfig>("skills:\n  - name: Go\n    strict: [Go]\n").is_err());
}

/// Timing guard: `cargo test --release -- --ignored --nocapture`. Reports the
/// best of several batches, as the machine may be shared.
#[test]
fn urls_code_and_experiments_name_no_skill() {
    has("Link: https://hh.ru/vacancy/91552034", &[]);
    has("https://careers.example.com/tunebox/flutter-dev — Flutter, Dart", &["Flutter", "Dart"]);
    has("KAFKA_CFG_NODE_ID=1", &[]);
    has("a CRUD service with `net/http`", &["HTTP"]);
    has("A/B testing design", &[]);
    has("A/B-тесты и метрики", &[]);
    has("interviews and usability tests", &[]);
    has("DevOps engineer (Yandex Go), Kubernetes", &["Kubernetes"]);
}

#[test]
fn testing_tools_and_extra_skills() {
    has("Selenium / Playwright", &["Testing"]);
    has("Testing (Jest, React Testing Library)", &["Testing", "React"]);
    has("SIEM in practice (Splunk, ELK)", &["SIEM", "Elasticsearch"]);
    has("DataLens or Superset", &["BI Tools"]);
    assert_eq!(TAX.skill_category("SIEM"), Some("security"));
}
