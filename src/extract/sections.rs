//! Which section of the assignment a heading (or a bold label) starts.
//!
//! Students rename, number, misspell and translate the template's headings,
//! so this works on words, not on exact titles.

use crate::text::fold;
use crate::text::memo;
use std::cell::RefCell;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    Components,
    Responsibilities,
    CommonSkills,
    ChosenRole,
    /// The "Role" line inside the chosen-role section.
    RoleName,
    SkillsHave,
    SkillsLack,
    JobMarket,
    /// One posting's own heading ("Posting 1: Middle Python Developer").
    Posting,
    SkillsSeveral,
    SkillsSingle,
    Reflection,
    /// architecture.md: "Product choice".
    Product,
    /// architecture.md: "Main components".
    MainComponents,
    /// architecture.md: "Data flow" (the sequence diagram and a user action).
    DataFlow,
    /// architecture.md: "Deployment".
    Deployment,
    /// architecture.md: "Assumptions".
    Assumptions,
    /// architecture.md: "Open questions".
    OpenQuestions,
}

impl Section {
    pub fn title(self) -> &'static str {
        match self {
            Section::Components => "Components and roles",
            Section::Responsibilities => "Roles and responsibilities",
            Section::CommonSkills => "Common skills across roles",
            Section::ChosenRole => "My chosen role",
            Section::RoleName => "Role",
            Section::SkillsHave => "Skills I already have",
            Section::SkillsLack => "Skills I clearly lack",
            Section::JobMarket => "Job market snapshot",
            Section::Posting => "Job posting",
            Section::SkillsSeveral => "Skills that appear in several postings",
            Section::SkillsSingle => "Skills specific to a single posting",
            Section::Reflection => "Personal reflection",
            Section::Product => "Product choice",
            Section::MainComponents => "Main components",
            Section::DataFlow => "Data flow",
            Section::Deployment => "Deployment",
            Section::Assumptions => "Assumptions",
            Section::OpenQuestions => "Open questions",
        }
    }

    /// One of architecture.md's sections (task 1).
    pub fn is_architecture(self) -> bool {
        matches!(
            self,
            Section::Product
                | Section::MainComponents
                | Section::DataFlow
                | Section::Deployment
                | Section::Assumptions
                | Section::OpenQuestions
        )
    }
}

/// The headings of an outline that name a section, with their lines, in
/// document order.
pub(crate) fn section_heads(root: &crate::parse::outline::Node) -> Vec<(Section, usize)> {
    root.iter().filter(|n| n.is_heading()).filter_map(|n| classify(&n.text).map(|(s, _)| (s, n.line))).collect()
}

/// Classify a title. `"Chosen role: Backend"` gives the section and the
/// value written after the colon.
pub(crate) fn classify(title: &str) -> Option<(Section, Option<String>)> {
    let title = title.trim();
    // "**Role:** Backend Engineer", "Chosen role - Backend", "Skills I have: a, b":
    // the head alone first, so the whole line cannot swallow the value.
    let bytes = crate::text::SepBytes::of(title);
    for sep in [":", " — ", " – ", " - "] {
        if let Some((head, tail)) = bytes.split_once(title, sep)
            && let Some(s) = classify_words(head)
        {
            let tail = tail.trim();
            return Some((s, (!tail.is_empty()).then(|| tail.to_string())));
        }
    }
    classify_words(title).map(|s| (s, None))
}

/// A plain line (no heading marks) read as a section's title: [`classify`],
/// but task 1's later sections only where their words lead the line, as a
/// title's do ("Deployment", "5. Data flow", "Open questions and risks"),
/// not where the line mentions them in passing ("Kubernetes fundamentals
/// (pods, services, deployments)" in a list of skills).
pub(crate) fn plain_title(line: &str) -> Option<Section> {
    let (section, _) = classify(line)?;
    if !section.is_architecture() || matches!(section, Section::Product | Section::MainComponents) {
        return Some(section);
    }
    let head: Vec<&str> = line.split_whitespace().take(3).collect();
    (classify(&head.join(" ")).map(|(s, _)| s) == Some(section)).then_some(section)
}

fn classify_words(title: &str) -> Option<Section> {
    // Template headings recur in every submission.
    thread_local!(static MEMO: RefCell<memo::Table<Option<Section>>> = RefCell::new(memo::Table::new()));
    memo::cached(&MEMO, 0, title, || classify_folded(title))
}

fn classify_folded(title: &str) -> Option<Section> {
    let t = fold(title);
    let t = strip_numbering(&t);
    // Split once: `has` below runs about a hundred patterns over the words.
    let tw: Vec<&str> = t.split_whitespace().collect();
    if tw.is_empty() || tw.len() > 14 {
        return None;
    }
    // First bytes of the words: most patterns fail on that alone.
    let mut firsts = [0u64; 4];
    for w in &tw {
        let b = w.as_bytes()[0];
        firsts[usize::from(b >> 6)] |= 1 << (b & 63);
    }
    let may_start = |p: &str| p.as_bytes().first().is_some_and(|&b| firsts[usize::from(b >> 6)] & (1 << (b & 63)) != 0);
    let has = |words: &[&str]| words.iter().any(|w| may_start(w) && words_contain(&tw, w));
    let skill = has(&["skill*", "навык*", "competenc*", "компетенц*", "requirement*", "технологи*"]);
    let posting = has(&["posting*", "vacanc*", "ваканси*", "job*", "listing*", "market*", "рын*"]);

    if is_posting_title(t) {
        return Some(Section::Posting);
    }
    if (skill || posting)
        && has(&[
            "several",
            "multiple",
            "many",
            "most",
            "frequent*",
            "repeated",
            "recurring",
            "нескольких",
            "несколько",
            "многих",
            "часто*",
            "повторя*",
            "common requirement*",
        ])
        && !has(&["across role*", "all role*"])
        && !t.contains("common skills across")
    {
        return Some(Section::SkillsSeveral);
    }
    if (skill || posting)
        && has(&["single", "specific", "unique", "one posting", "less common", "rare*", "одной", "уникальн*", "редк*"])
    {
        return Some(Section::SkillsSingle);
    }
    // "My skills and market demands" answers the reflection's questions.
    if skill && posting && has(&["demand*", "compare*", "vs", "versus", "match*"]) {
        return Some(Section::Reflection);
    }
    if has(&["responsib*", "обязанност*", "duties", "what each role does", "зон* ответственност*"])
    {
        return Some(Section::Responsibilities);
    }
    if skill
        && has(&[
            "common",
            "cross cutting",
            "crosscutting",
            "shared",
            "general",
            "universal",
            "core",
            "общие",
            "общих",
            "общ*",
            "сквозн*",
            "across",
        ])
    {
        return Some(Section::CommonSkills);
    }
    // "What I lack", "Чего мне не хватает": short, about the student.
    let about_me = tw.len() <= 5 && has(&["i", "i m", "me", "мне", "я", "чего", "what"]);
    if (skill || about_me || has(&["my", "мои"]))
        && has(&[
            "lack*",
            "missing",
            "don t",
            "do not",
            "dont",
            "не знаю",
            "не умею",
            "improve*",
            "to develop",
            "to learn",
            "gap*",
            "need",
            "не хватает",
            "недоста*",
            "не имею",
            "нет",
            "развит*",
            "улучш*",
            "изучить",
            "want",
        ])
    {
        return Some(Section::SkillsLack);
    }
    // "My role and skills" titles a whole file; "My skills" is the section.
    let my = has(&["my", "мои"]) && !has(&["role*", "роль", "роли"]);
    let can = about_me && has(&["умею", "знаю", "can", "know"]);
    if can
        || skill
            && (my
                || has(&[
                    "have",
                    "has",
                    "current*",
                    "existing",
                    "already",
                    "possess",
                    "know",
                    "есть",
                    "имею*",
                    "текущ*",
                    "уже",
                ]))
    {
        return Some(Section::SkillsHave);
    }
    // "compon*": "Componenets and roles" is still the components section.
    let parts = has(&["compon*", "module*", "компонент*", "модул*"]);
    let roles = has(&["role*", "роли", "ролей", "рол*"]);
    // "Backend Engineer - High-load Service" is a job title, not a section.
    if (parts && (roles || has(&["specialist*", "специалист*", "engineer*", "team*", "it"])))
        || (roles && has(&["service*", "сервис*"]))
    {
        return Some(Section::Components);
    }
    if has(&["chosen", "choosen", "chose", "choose", "choice", "selected", "выбранн*", "выбор*", "выбрал*"])
        && !has(&["product*", "продукт*", "architecture", "compon*", "компонент*"])
        || t == "my role"
        || t == "моя роль"
        || t == "my chosen path"
    {
        return Some(Section::ChosenRole);
    }
    if matches!(t, "role" | "роль" | "target role" | "my target role" | "position" | "должность") {
        return Some(Section::RoleName);
    }
    if has(&[
        "reflection*",
        "reflect*",
        "takeaway*",
        "рефлекс*",
        "вывод*",
        "conclusion*",
        "итог*",
        "размышлени*",
        "summary",
        "final thoughts",
        "lessons learned",
        "what i learned",
        "заключение",
    ]) {
        return Some(Section::Reflection);
    }
    if posting && !has(&["marketplace*", "маркетплейс*"]) || has(&["research job*", "hh ru", "headhunter"]) {
        return Some(Section::JobMarket);
    }
    if let Some(s) = architecture_section(&tw, &has) {
        return Some(s);
    }
    // "Product choice", "My product", "Выбранный продукт"; not a phrase
    // that mentions products ("Understanding of product requirements").
    // The first word, or the second after "my" ("Collaboration & product
    // thinking" names skills, not the product).
    let is_product = |w: &&str| w.starts_with("product") || w.starts_with("продукт");
    let opener = |w: &&str| matches!(*w, "my" | "our" | "the" | "мой" | "наш");
    let product_early =
        tw.first().is_some_and(is_product) || tw.first().is_some_and(opener) && tw.get(1).is_some_and(is_product);
    // Nor a component ("Product catalog service").
    let part = has(&["service*", "сервис*", "catalog*", "каталог*", "gateway*", "api", "module*", "database*", "db"]);
    if (product_early || has(&["product*", "продукт*"]) && has(&["choice", "chosen", "selected", "выбор*", "выбранн*"]))
        && !has(&["manager*", "designer*", "engineer*", "owner*"])
        // "Product architecture analysis" titles the whole architecture.md.
        && !has(&["architecture", "архитектур*"])
        && !part
    {
        return Some(Section::Product);
    }
    // Not a bare "Architecture": that is architecture.md's document title.
    if has(&["compon*", "компонент*"]) {
        return Some(Section::MainComponents);
    }
    None
}

/// architecture.md's task-1 sections after the first two: "Data flow",
/// "Sequence", "Deployment", "Assumptions", "Open questions", in English or
/// Russian. "Deployment components" is the deployment section; "Questions"
/// alone is not (the reflection's prompts are questions too).
fn architecture_section(tw: &[&str], has: &dyn Fn(&[&str]) -> bool) -> Option<Section> {
    if has(&["data flow*", "dataflow*", "flow of data", "sequence*", "поток данных", "потоки данных", "потоков данных"])
    {
        return Some(Section::DataFlow);
    }
    if has(&["deploy*", "развертыван*", "развёртыван*", "деплой*"]) {
        return Some(Section::Deployment);
    }
    if has(&["assumption*", "допущени*", "предположени*"]) {
        return Some(Section::Assumptions);
    }
    let open = has(&["open", "unresolved", "открыт*", "нерешенн*", "нерешённ*"]);
    if open && has(&["question*", "issue*", "вопрос*"]) && tw.len() <= 4 {
        return Some(Section::OpenQuestions);
    }
    None
}

/// "Posting 1", "Vacancy #2: ...", "Job 3", "Вакансия 4".
fn is_posting_title(t: &str) -> bool {
    let mut words = t.split_whitespace();
    let first = words.next().unwrap_or("");
    let first = if first == "job" { words.next().unwrap_or("") } else { first };
    let starts = ["posting", "vacancy", "вакансия", "job", "position", "listing"];
    starts.contains(&first)
        && words.next().is_some_and(|w| w.trim_start_matches('#').chars().all(|c| c.is_ascii_digit()))
}

/// Drop "3.1", "5.", "Step 2", "Task 3", "Part 1" and similar lead-ins.
fn strip_numbering(t: &str) -> &str {
    let mut t = t.trim();
    for lead in ["step", "task", "part", "шаг", "задание", "часть", "section"] {
        if let Some(rest) = t.strip_prefix(lead)
            && rest.starts_with(' ')
            && rest.trim_start().starts_with(|c: char| c.is_ascii_digit())
        {
            t = rest.trim_start();
        }
    }
    t.trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ').trim()
}

/// Whole-word (or word-prefix, with a trailing `*`) search in folded text.
/// A pattern of several words must match consecutive words.
pub(crate) fn contains_word(text: &str, pattern: &str) -> bool {
    let tw: Vec<&str> = text.split_whitespace().collect();
    words_contain(&tw, pattern)
}

/// [`contains_word`] over text already split into words.
fn words_contain(tw: &[&str], pattern: &str) -> bool {
    let (pattern, prefix) = match pattern.strip_suffix('*') {
        Some(p) => (p, true),
        None => (pattern, false),
    };
    let matches = |w: &str, p: &str, last: bool| if last && prefix { w.starts_with(p) } else { w == p };
    if !pattern.contains(char::is_whitespace) {
        return !pattern.is_empty() && tw.iter().any(|w| matches(w, pattern, true));
    }
    let pw: Vec<&str> = pattern.split_whitespace().collect();
    if pw.is_empty() || tw.len() < pw.len() {
        return false;
    }
    tw.windows(pw.len()).any(|win| {
        let last = pw.len() - 1;
        win.iter().zip(&pw).enumerate().all(|(i, (w, p))| matches(w, p, i == last))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c(t: &str) -> Option<Section> {
        classify(t).map(|(s, _)| s)
    }

    #[test]
    fn plain_lines_name_task_one_sections_only_as_titles() {
        assert_eq!(plain_title("Deployment"), Some(Section::Deployment));
        assert_eq!(plain_title("5. Deployment view"), Some(Section::Deployment));
        assert_eq!(plain_title("Open questions and risks"), Some(Section::OpenQuestions));
        assert_eq!(plain_title("Развертывание системы"), Some(Section::Deployment));
        assert_eq!(plain_title("Kubernetes fundamentals (pods, services, deployments)"), None);
        assert_eq!(plain_title("Our services are deployed on two servers"), None);
        // Other sections as before.
        assert_eq!(plain_title("Skills I already have"), Some(Section::SkillsHave));
    }

    #[test]
    fn template_headings() {
        assert_eq!(c("Components and roles"), Some(Section::Components));
        assert_eq!(c("3.1 Roles per module"), Some(Section::Components));
        assert_eq!(c("Roles for components"), Some(Section::Components));
        assert_eq!(c("Componenets and roles"), Some(Section::Components));
        assert_eq!(c("Roles and responsibilities"), Some(Section::Responsibilities));
        assert_eq!(c("Common skills across roles"), Some(Section::CommonSkills));
        assert_eq!(c("3.2 Cross-cutting skills"), Some(Section::CommonSkills));
        assert_eq!(c("My chosen role"), Some(Section::ChosenRole));
        assert_eq!(c("Role"), Some(Section::RoleName));
        assert_eq!(c("Skills I already have"), Some(Section::SkillsHave));
        assert_eq!(c("Current skills"), Some(Section::SkillsHave));
        assert_eq!(c("Skills I clearly lack"), Some(Section::SkillsLack));
        assert_eq!(c("Skills to improve"), Some(Section::SkillsLack));
        assert_eq!(c("Job market snapshot"), Some(Section::JobMarket));
        assert_eq!(c("5. Research job postings"), Some(Section::JobMarket));
        assert_eq!(c("Skills that appear in several postings"), Some(Section::SkillsSeveral));
        assert_eq!(c("Skills specific to a single posting"), Some(Section::SkillsSingle));
        assert_eq!(c("7. Personal reflection"), Some(Section::Reflection));
        assert_eq!(c("My skills vs market demands"), Some(Section::Reflection));
        assert_eq!(c("Posting 1: Middle Python Developer"), Some(Section::Posting));
    }

    #[test]
    fn russian_and_misspelt_headings() {
        assert_eq!(c("Компоненты и роли"), Some(Section::Components));
        assert_eq!(c("Навыки, которые у меня есть"), Some(Section::SkillsHave));
        assert_eq!(c("Навыки, которых мне не хватает"), Some(Section::SkillsLack));
        assert_eq!(c("Личная рефлексия"), Some(Section::Reflection));
        assert_eq!(c("My choosen role"), Some(Section::ChosenRole));
        assert_eq!(c("Анализ рынка вакансий"), Some(Section::JobMarket));
        assert_eq!(c("Что я умею"), Some(Section::SkillsHave));
        assert_eq!(c("Чего не хватает"), Some(Section::SkillsLack));
        assert_eq!(c("What I lack"), Some(Section::SkillsLack));
        assert_eq!(c("Summary"), Some(Section::Reflection));
        assert_eq!(c("I don't know"), Some(Section::SkillsLack));
        assert_eq!(c("I know"), Some(Section::SkillsHave));
    }

    #[test]
    fn inline_values_and_non_sections() {
        assert_eq!(
            classify("Chosen role: Backend Engineer"),
            Some((Section::ChosenRole, Some("Backend Engineer".into())))
        );
        assert_eq!(classify("Role:"), Some((Section::RoleName, None)));
        assert_eq!(classify("Chosen role: Data Engineer"), Some((Section::ChosenRole, Some("Data Engineer".into()))));
        assert_eq!(
            classify("Posting 2: Junior QA Engineer"),
            Some((Section::Posting, Some("Junior QA Engineer".into())))
        );
        assert_eq!(c("Cart & Checkout service"), None);
        assert_eq!(c("Mobile Engineer"), None);
        assert_eq!(c("QA Engineer - Payments Service"), None);
        assert_eq!(c("Marketplace frontend"), None);
        assert_eq!(c("Product choice"), Some(Section::Product));
        assert_eq!(c("Understanding of product requirements and user needs"), None);
        assert_eq!(c("Product Catalog Service"), None);
        assert_eq!(c("My product"), Some(Section::Product));
        assert_ne!(c("Collaboration & product thinking"), Some(Section::Product));
    }

    #[test]
    fn architecture_headings() {
        for (t, want) in [
            ("Data flow", Section::DataFlow),
            ("3. Data Flow", Section::DataFlow),
            ("Sequence diagram", Section::DataFlow),
            ("Поток данных", Section::DataFlow),
            ("Deployment", Section::Deployment),
            ("Deployment components", Section::Deployment),
            ("4) Развёртывание", Section::Deployment),
            ("Assumptions", Section::Assumptions),
            ("Допущения", Section::Assumptions),
            ("Open questions", Section::OpenQuestions),
            ("Открытые вопросы", Section::OpenQuestions),
            ("Task 1 Open Questions", Section::OpenQuestions),
        ] {
            assert_eq!(c(t), Some(want), "{t}");
        }
        assert_eq!(c("Questions"), None);
        assert_eq!(c("Product Architecture Analysis"), None);
        assert_eq!(c("Selected Components"), Some(Section::MainComponents));
    }
}
