//! `skills-atlas init`: a starter site that builds as it is.
//!
//! ```text
//! DIR/
//!   content/config.yaml                              every config key, explained
//!   content/rubric.yaml                              the built-in rubric, to edit
//!   content/sample-student__lab-01/docs/...          one submission (Markdown, diagrams) to replace
//!   themes/atlas/templates/*.html                    the built-in templates, to edit
//!   .gitignore                                       public/
//! ```
//!
//! `build` and `serve` with no arguments then work in DIR: the content
//! folder defaults to `content`, the config to `content/config.yaml`, and
//! the theme is found in `themes/` next to the content folder.

use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// The theme folder's name under `themes/`.
pub(crate) const THEME: &str = "atlas";

const CONFIG: &str = r#"# skills-atlas site config. Every key is optional; each is shown here with
# what it does. `skills-atlas build` reads content/config.yaml by itself;
# `--config FILE` reads another file. Unknown keys are errors.

# Shown in every page's header and title.
title: "Skills Atlas"

# Where the site will be published, e.g. https://ORG.github.io/atlas/.
# Canonical links, sitemap.xml and the 404 page use it; every other link is
# relative. `build --base-url URL` overrides it; `serve` uses its own address.
base_url: "/"

# A folder themes/<name>/templates/ (next to this file or next to the content
# folder): its *.html files replace the built-in templates of the same name.
# `init` copied the built-in ones to themes/atlas/; delete any you do not
# change. Remove this line, or write `default`, for the built-in theme.
theme: atlas

# The site lists students, so by default every page carries noindex and
# robots.txt disallows crawling. true lets search engines index it.
indexable: false

# Additions to the built-in taxonomy of skills, roles, components and
# products. An entry whose name is already canonical adds aliases (and may
# `rename` it or change its `category`); any other name adds a new entry.
taxonomy:
  skills: []
  roles: []
  components: []
  products: []
#  skills:
#    - name: Solidity
#      aliases: [solidity, "smart contracts"]
#      category: language
#    - name: PostgreSQL
#      aliases: [pg]
#  roles:
#    - name: Backend Engineer
#      aliases: ["server developer"]
#  components:
#    - name: Payments
#      aliases: [billing]
#  products:
#    - name: Kinopoisk
#      aliases: [кинопоиск]

# The rubric: rubric.yaml next to this file, a copy of the built-in one
# (the lab's checklist, one criterion per item) to edit. Remove the line for
# the built-in rubric; or, instead of a file, override built-in keys one by
# one (keys left out keep the built-in values):
# rubric:
#   sections: [components, responsibilities, common_skills, chosen_role, skills_have, skills_lack, job_market, reflection]
#   section_points: 1
#   postings: {min: 5, max: 7, points: 2}                   # job postings found
#   skills_in_several_postings: {min: 3, max: 10, points: 1}
#   skills_lack: {min: 4, max: 5, points: 1}
#   reflection_points: 2
#   near_duplicates: {shingle: 5, threshold: 0.5, min_shared: 15, max_df: 0.1, min_df_cap: 3}
rubric: rubric.yaml
"#;

const SAMPLE_ROLES: &str = "# Roles and skills

A sample submission written for `skills-atlas init`: replace this folder with
your students' forks (one folder per fork).

## Components and roles

| Component | Roles |
|---|---|
| Mobile app | iOS Developer, Android Developer, UX Designer |
| Backend API | Backend Developer |
| Payments | Backend Developer, Security Engineer |
| Maps and routing | Backend Developer, Data Scientist |
| Data warehouse | Data Engineer, Data Analyst |
| Infrastructure | DevOps Engineer |

## Roles and responsibilities

- **Backend Developer**: builds the API for trips, drivers and payments. Keeps it fast at rush hour.
- **Android Developer**: builds the Android apps for riders and drivers. Shows the car moving live on the map.
- **UX Designer**: designs the request flow. A first ride should take under a minute to order.
- **Data Analyst**: finds where and when riders wait longest. The findings guide surge pricing.
- **DevOps Engineer**: runs the deployment pipeline and monitoring. Answers the alerts at night.

## Common skills across roles

- Git
- SQL
- English for documentation

## My chosen role

Role: Backend Developer

I chose it because I like making a service hold up under load.

## Skills I already have

- Python
- SQL
- Git

## Skills I clearly lack

- Docker
- Kubernetes
- Go
- Kafka

## Job market snapshot

### Posting 1: Backend Developer (Python)

https://jobs.example.org/backend-python

Skills: Python, Django, PostgreSQL, Docker

### Posting 2: Junior Backend Engineer

https://jobs.example.org/junior-backend

Skills: Go, PostgreSQL, Kubernetes, Git

### Posting 3: Backend Developer, payments team

https://jobs.example.org/payments-backend

Skills: Python, Kafka, Docker, SQL

### Posting 4: Software Engineer, mobility platform

https://jobs.example.org/mobility-platform

Skills: Go, Docker, Kubernetes, gRPC

### Posting 5: Python Developer

https://jobs.example.org/python-developer

Skills: Python, FastAPI, PostgreSQL, Git

## Skills in several postings

- Python
- Docker
- PostgreSQL
- Go

## Skills specific to a single posting

- Django
- gRPC

## Personal reflection

Looking at real postings changed my plan for the next months. I expected
Python to be enough. Almost every backend posting also asks for Docker,
and half of them for Go or Kubernetes. I will containerise my course project
first. Then I will write one small service in Go to see how it compares.
";

const SAMPLE_ARCHITECTURE: &str = "# Architecture

## Product choice

Product: Uber, <https://www.uber.com>. A rider requests a car, a driver accepts, the app routes and charges.

## Main components

![Component diagram](diagrams/out/uber/components.svg)

[PlantUML source](diagrams/src/uber/components.puml)

- Mobile app: riders and drivers request a ride, accept it and follow the car.
- Backend API: trips, accounts, pricing and driver matching.
- Payments: a card hold when the ride starts and the charge when it ends.
- Maps and routing: pick-up points, routes and arrival times.
- Data warehouse: trips and app events for planning and reports.

## Data flow

![Sequence diagram](diagrams/out/uber/sequence.svg)

A rider orders a car: the Mobile app sends the request to the Backend API, which asks Maps and routing
for nearby drivers and Payments for a card hold.

## Deployment

![Deployment diagram](diagrams/out/uber/deployment.svg)

The Backend API, Payments and Maps and routing run as containers in two cloud regions; the Mobile app runs on phones.

## Assumptions

- Drivers keep the app open while on shift.
- Card holds are released within a day.

## Open questions

- How is a driver picked when two are equally close?
- Where are trip histories kept after a year?
";

const SAMPLE_PUML: &str = "@startuml
[Mobile app] --> [Backend API]
[Backend API] --> [Payments]
[Backend API] --> [Maps and routing]
[Backend API] --> [Data warehouse]
@enduml
";

const SAMPLE_SVG: &str =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"240\" height=\"60\" viewBox=\"0 0 240 60\">\
<rect x=\"1\" y=\"1\" width=\"100\" height=\"40\" fill=\"none\" stroke=\"black\"/>\
<text x=\"10\" y=\"25\">Mobile app</text>\
<rect x=\"130\" y=\"1\" width=\"100\" height=\"40\" fill=\"none\" stroke=\"black\"/>\
<text x=\"140\" y=\"25\">Backend API</text></svg>
";

const SAMPLE_SEQUENCE_SVG: &str =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"240\" height=\"60\" viewBox=\"0 0 240 60\">\
<line x1=\"10\" y1=\"30\" x2=\"220\" y2=\"30\" stroke=\"black\"/>\
<text x=\"10\" y=\"20\">Mobile app -&gt; Backend API</text></svg>
";

const SAMPLE_DEPLOYMENT_SVG: &str =
    "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"240\" height=\"60\" viewBox=\"0 0 240 60\">\
<rect x=\"1\" y=\"1\" width=\"230\" height=\"50\" fill=\"none\" stroke=\"black\"/>\
<text x=\"10\" y=\"30\">Cloud region: Backend API, Payments</text></svg>
";

/// Create the starter site in `dir`; returns the files written. Nothing is
/// written when any of them exists already.
pub fn init(dir: &Path) -> Result<Vec<PathBuf>> {
    let sample = Path::new("content/sample-student__lab-01/docs");
    let mut files: Vec<(PathBuf, &str)> = vec![
        (PathBuf::from("content/config.yaml"), CONFIG),
        (sample.join("roles-and-skills.md"), SAMPLE_ROLES),
        (sample.join("architecture.md"), SAMPLE_ARCHITECTURE),
        (sample.join("diagrams/src/uber/components.puml"), SAMPLE_PUML),
        (sample.join("diagrams/out/uber/components.svg"), SAMPLE_SVG),
        (sample.join("diagrams/out/uber/sequence.svg"), SAMPLE_SEQUENCE_SVG),
        (sample.join("diagrams/out/uber/deployment.svg"), SAMPLE_DEPLOYMENT_SVG),
        (PathBuf::from("content/rubric.yaml"), crate::review::rubric::EMBEDDED),
        (PathBuf::from(".gitignore"), "public/\n"),
    ];
    let theme = Path::new("themes").join(THEME).join("templates");
    files.extend(crate::render::TEMPLATES.iter().map(|(name, text)| (theme.join(name), *text)));
    let taken: Vec<String> = files
        .iter()
        .map(|(rel, _)| dir.join(rel))
        .filter(|p| p.symlink_metadata().is_ok())
        .map(|p| p.display().to_string())
        .collect();
    if !taken.is_empty() {
        let more = if taken.len() > 3 { format!(" and {} more", taken.len() - 3) } else { String::new() };
        bail!(
            "refusing to overwrite {}{more}: init never overwrites; pick an empty folder",
            taken[..taken.len().min(3)].join(", ")
        );
    }
    let mut written = Vec::with_capacity(files.len());
    for (rel, text) in files {
        let path = dir.join(rel);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).with_context(|| format!("creating {}", parent.display()))?;
        }
        // create_new: a file that appeared since the check is still not overwritten.
        let mut f = std::fs::File::create_new(&path).with_context(|| format!("writing {}", path.display()))?;
        std::io::Write::write_all(&mut f, text.as_bytes()).with_context(|| format!("writing {}", path.display()))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_config_parses_and_names_the_theme() {
        let c = crate::config::Config::parse(CONFIG).unwrap();
        assert_eq!(c.theme.as_deref(), Some(THEME));
        assert!(!c.indexable);
    }

    #[test]
    fn every_builtin_template_is_copied() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("themes/default/templates");
        let mut names: Vec<String> =
            std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect();
        names.sort();
        let mut ours: Vec<&str> = crate::render::TEMPLATES.iter().map(|(n, _)| *n).collect();
        ours.sort();
        assert_eq!(names, ours);
    }
}
